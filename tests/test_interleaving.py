"""Every command checks what it depends on inside its write transaction (issue 12, item 1).

A command reads some things when it starts (the rule versions, whether a month is closed) and then
waits for the write lock; another command may commit in between. These tests put that other command
exactly there: ``Store.write`` is wrapped so that, the first time the command under test asks for the
lock, a second connection closes October (or publishes a rule version) and commits. Whatever the
command then does must agree with what is now in the database: a closed October takes no derived
events, no roster or rule change, and what is logged into it is paid in November; a version published
meanwhile prices what is logged after it.

The clock stands at 2026-11-10 10:00 in Shanghai (a showroom: late from 08:31, 20 then 40 yuan in a
month under the shipped table; 30 then 60 under ``version_2``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import TZ, data, invoke, run, shop_at
from test_versions import ROSTER, version_2

from discipline import service, versions
from discipline.model import Event
from discipline.storage import Store

NOW = "2026-11-10 10:00:00+08:00"


@contextlib.contextmanager
def first_lock_goes_to(intruder: Callable[[Store], None]) -> Iterator[list[bool]]:
    """Run ``intruder`` on its own connection, committed, just before the command's first write begins."""
    original = Store.write
    done: list[bool] = []

    @contextlib.contextmanager
    def write(self: Store, **options):  # type: ignore[no-untyped-def]
        if not done:
            done.append(True)
            other = Store(self.path)
            try:
                intruder(other)
            finally:
                other.close()
        with original(self, **options) as store:
            yield store

    Store.write = write  # type: ignore[method-assign]
    try:
        yield done
    finally:
        Store.write = original  # type: ignore[method-assign]


def close_october(store: Store) -> None:
    service.close(store, versions.book(store), "2026-10", now=dt.datetime(2026, 11, 10, 10, 0, tzinfo=TZ))


def publish_version_2(store: Store) -> None:
    text = Path(version_2()).read_text(encoding="utf-8")
    versions.publish(store, text, name="v2.toml", effective=dt.date(2026, 11, 2), published=dt.date(2026, 10, 25),
                     by=None, retroactive=False, now=dt.datetime(2026, 11, 10, 10, 0, tzinfo=TZ))


@pytest.fixture(autouse=True)
def shop():
    with shop_at(NOW, ROSTER, "--effective", "2026-09-01"):
        run("log", "C01", "showroom.late", "--at", "2026-10-05 08:45")
        Path("punches.csv").write_text("staff,time\n" + "".join(
            f"C02,2026-10-{day:02d} {start}\nC02,2026-10-{day:02d} 17:40:00\n"
            for day, start in ((12, "08:20:00"), (13, "08:50:00"), (14, "08:20:00"))), encoding="utf-8")
        run("punches", "import", "punches.csv")
        yield


def frozen_october() -> bytes:
    return run("payroll", "2026-10", "--format", "csv").stdout_bytes


@pytest.mark.parametrize(("command", "sentence"), [
    (["attendance", "derive", "2026-10", "--yes"], "2026-10 is closed for payroll"),
    (["staff", "set", "C01", "base_wage=5000", "--effective", "2026-10-15"], "2026-10"),
    (["rules", "publish", "v2.toml", "--effective", "2026-10-20", "--published", "2026-10-01"], "closed"),
    (["close", "2026-10"], "2026-10 is already closed"),
], ids=["derive", "staff-set", "rules-publish", "close"])
def test_a_change_to_october_is_refused_when_october_closed_while_it_waited(command, sentence):
    version_2()
    before = run("events", "--json").stdout
    with first_lock_goes_to(close_october) as done:
        result = invoke(*command)
    assert done, "the intruder never ran"
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert sentence in result.stderr
    assert run("events", "--json").stdout == before
    assert invoke("verify").exit_code == 0
    october = frozen_october().decode("utf-8-sig")
    assert "C01,郑浩" in october and ",20.00," in october  # the one lateness of October, as frozen


def test_a_log_into_october_after_it_closed_is_paid_in_november():
    with first_lock_goes_to(close_october):
        result = data("log", "C01", "showroom.late", "--at", "2026-10-20 08:50", "--json")
    assert result["posted_month"] == "2026-11"
    october_before = frozen_october()
    november = data("scorecard", "C01", "--month", "2026-11", "--json")
    assert november["fines"] == "40.00"  # the 2nd lateness of October, paid in November
    assert frozen_october() == october_before
    assert invoke("verify").exit_code == 0


def test_an_events_import_into_october_after_it_closed_is_paid_in_november():
    Path("late.csv").write_text("staff,rule,at\nC02,showroom.late,2026-10-21 08:50\n", encoding="utf-8")
    with first_lock_goes_to(close_october):
        result = data("events", "import", "late.csv", "--json")
    assert (result["logged"], result["posted_month"]) == (1, "2026-11")
    assert data("scorecard", "C02", "--month", "2026-11", "--json")["fines"] == "20.00"
    assert invoke("verify").exit_code == 0


def test_a_version_published_while_a_log_waited_prices_it():
    """Version 2 (published meanwhile, effective 2 November) makes a first lateness 30, not 20."""
    with first_lock_goes_to(publish_version_2):
        result = data("log", "C01", "showroom.late", "--at", "2026-11-05 08:50", "--json")
    assert [c["amount"] for c in result["charges"] if c["kind"] == "fine"] == ["30.00"]
    card = data("scorecard", "C01", "--month", "2026-11", "--json")
    assert card["fines"] == "30.00"
    assert invoke("verify").exit_code == 0


def test_a_version_published_while_a_derive_waited_prices_it():
    Path("punches11.csv").write_text("staff,time\nC02,2026-11-03 08:50:00\nC02,2026-11-03 17:40:00\n"
                                     "C02,2026-11-04 08:20:00\nC02,2026-11-04 17:40:00\n", encoding="utf-8")
    run("punches", "import", "punches11.csv")
    with first_lock_goes_to(publish_version_2):
        run("attendance", "derive", "2026-11", "--yes")
    card = data("scorecard", "C02", "--month", "2026-11", "--json")
    assert card["fines"] == "30.00", card
    assert invoke("verify").exit_code == 0


def leave_c02(store: Store) -> None:
    """C02 left on 31 October, recorded while the import was being checked."""
    now = dt.datetime(2026, 11, 10, 10, 0, tzinfo=TZ)
    from discipline import roster_history

    roster_history.set_fields(store, versions.book(store), "C02", {"left": "2026-10-31"},
                              effective=dt.date(2026, 10, 1), now=now, by=None, dry_run=False)


def test_an_events_file_checked_before_a_roster_change_is_checked_again_inside_the_lock():
    """The rows are checked before the lock; C02 leaving meanwhile makes a November row of hers wrong, and
    the check inside the lock (the seals' head moved) refuses the file."""
    Path("nov.csv").write_text("staff,rule,at\nC01,showroom.late,2026-11-03 08:50\nC02,showroom.late,"
                               "2026-11-04 08:50\n", encoding="utf-8")
    before = run("events", "--json").stdout
    with first_lock_goes_to(leave_c02) as done:
        result = invoke("events", "import", "nov.csv")
    assert done
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert "line 3" in result.stderr and "left on 2026-10-31" in result.stderr
    assert run("events", "--json").stdout == before


def test_an_events_import_priced_in_steps_says_what_it_changed_as_one_priced_at_once(monkeypatch):
    """Above ``cache.CHUNK`` keys the import's re-pricing runs after its commit, a transaction per chunk;
    what it reports (and what payroll then says) is what the import priced at once reports."""
    from discipline import cache

    run("log", "C01", "showroom.late", "--at", "2026-11-05 08:45")  # the file's row moves this one up the ladder
    Path("nov.csv").write_text("staff,rule,at\nC01,showroom.late,2026-11-03 08:50\nC02,showroom.late,"
                               "2026-11-04 08:50\nGA1,showroom.late,2026-11-04 08:50\n", encoding="utf-8")
    at_once = data("events", "import", "nov.csv", "--json")
    payroll = run("payroll", "2026-11", "--format", "csv").stdout
    run("undo", str(at_once["batch"]), "--reason", "again, in steps")
    Path("nov2.csv").write_bytes(Path("nov.csv").read_bytes() + b"\n")  # other bytes, the same rows
    monkeypatch.setattr(cache, "CHUNK", 1)
    in_steps = data("events", "import", "nov2.csv", "--json")
    def moved(result: dict) -> list[tuple]:  # the new events' ids differ: 3 and 4 the first time, 9 and 10 then
        return sorted((c["staff_id"], c["rule"], c["before"], c["after"], c["event_id"] > 2) for c in result["changed"])

    assert moved(in_steps) == moved(at_once)
    assert ("C01", "showroom.late", "20.00", "40.00", False) in moved(at_once)  # the logged one, moved up
    assert run("payroll", "2026-11", "--format", "csv").stdout == payroll
    assert invoke("verify").exit_code == 0


def derive_october(store: Store) -> None:
    """Another lead's derive of October, committed while this one was judging the month."""
    service.derive_attendance(store, versions.book(store), "2026-10", now=dt.datetime(2026, 11, 10, 10, 0, tzinfo=TZ),
                              yes=True)


def log_c02_late_by_hand(store: Store) -> None:
    """A lead logs C02's lateness of 13 October by hand while the derive was judging the month."""
    service.log(store, versions.book(store), Event(id=0, staff="C02", rule="showroom.late",
                                                   at=dt.datetime(2026, 10, 13, 8, 50, tzinfo=TZ)),
                now=dt.datetime(2026, 11, 10, 10, 0, tzinfo=TZ))


def punch_c02_late_on_the_15th(store: Store) -> None:
    """A forgotten export of 15 October (C02 in at 08:55) imported while the derive was judging."""
    Path("late15.csv").write_text("staff,time\nC02,2026-10-15 08:55:00\nC02,2026-10-15 17:40:00\n", encoding="utf-8")
    service.import_punches(store, versions.book(store), Path("late15.csv"), None,
                           now=dt.datetime(2026, 11, 10, 10, 0, tzinfo=TZ))


def c02_lateness() -> list[tuple[str, str, str]]:
    return sorted((e["at"][:10], e["rule"], e.get("source") or "") for e in data("events", "--json")
                  if e["staff_id"] == "C02" and not e.get("voided"))


@pytest.mark.parametrize(("intruder", "days"), [
    (derive_october, ["2026-10-13"]),  # derived once, by the first derive, not twice
    (log_c02_late_by_hand, ["2026-10-13"]),  # the lead's entry stands for the day, nothing derived beside it
    (punch_c02_late_on_the_15th, ["2026-10-13", "2026-10-15"]),  # the late export is judged too
], ids=["another-derive", "logged-by-hand", "punches-imported"])
def test_a_derive_judges_again_inside_the_lock_what_moved_while_it_judged(intruder, days):
    """The month is judged outside the write lock; what a second connection commits between that and the
    lock is what the derive records against (without judging again: C02's 13 October twice)."""
    with first_lock_goes_to(intruder) as done:
        result = invoke("attendance", "derive", "2026-10", "--yes")
    assert done, "the intruder never ran"
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert [day for day, _, _ in c02_lateness()] == days
    card = data("scorecard", "C02", "--month", "2026-10", "--json")
    assert card["fines"] == {1: "20.00", 2: "60.00"}[len(days)]  # 20, then 40 for the 2nd in the month
    assert invoke("verify").exit_code == 0


def test_a_derive_with_nothing_moved_meanwhile_records_what_it_judged(monkeypatch):
    """A log of another rule (not attendance) between judging and the lock does not make the derive judge
    the month again."""
    judged: list[int] = []
    original = service._judge_month

    def judge(*args, **kwargs):  # type: ignore[no-untyped-def]
        judged.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(service, "_judge_month", judge)

    def log_reception(store: Store) -> None:
        service.log(store, versions.book(store), Event(id=0, staff="C01", rule="conduct.reception",
                                                       at=dt.datetime(2026, 11, 9, 10, 0, tzinfo=TZ)),
                    now=dt.datetime(2026, 11, 10, 10, 0, tzinfo=TZ))

    with first_lock_goes_to(log_reception) as done:
        result = invoke("attendance", "derive", "2026-10", "--yes")
    assert done and result.exit_code == 0, (result.stdout, result.stderr)
    assert len(judged) == 1
    assert [day for day, _, _ in c02_lateness()] == ["2026-10-13"]


def test_an_events_file_told_from_duplicates_before_the_lock_is_told_again_when_its_people_moved():
    """The file's rows are told from the log's events before the lock; a lead logging one of them by hand
    meanwhile makes that row a duplicate (logged once, not twice), and voiding the event another row repeats
    makes that row new again."""
    Path("nov.csv").write_text("staff,rule,at\nC01,showroom.late,2026-11-03 08:50\nC02,showroom.late,"
                               "2026-11-04 08:50\n", encoding="utf-8")
    repeated = data("log", "C01", "showroom.late", "--at", "2026-11-03 08:50", "--json")["event_id"]

    def meanwhile(store: Store) -> None:
        now = dt.datetime(2026, 11, 10, 10, 0, tzinfo=TZ)
        service.log(store, versions.book(store), Event(id=0, staff="C02", rule="showroom.late",
                                                       at=dt.datetime(2026, 11, 4, 8, 50, tzinfo=TZ)), now=now)
        service.void(store, versions.book(store), repeated, reason="wrong day", by=None, now=now)

    with first_lock_goes_to(meanwhile) as done:
        result = data("events", "import", "nov.csv", "--json")
    assert done
    assert (result["logged"], result["duplicates"]) == (1, 1), result
    assert "line 3: the same as event" in result["skipped"][0]
    live = sorted((e["staff_id"], e["at"][:16]) for e in data("events", "--json")
                  if e["at"] >= "2026-11" and not e.get("voided"))
    assert live == [("C01", "2026-11-03T08:50"), ("C02", "2026-11-04T08:50")]
    assert invoke("verify").exit_code == 0


def test_a_roster_change_read_before_the_lock_keeps_the_change_committed_meanwhile():
    """``staff set`` reads C01's row before the lock; another lead's change of C01's bonus committed
    meanwhile moves the seals' head, so the row is read again inside: both changes hold (without the
    second read, the raise would write back the old bonus)."""
    def bonus(store: Store) -> None:
        from discipline import roster_history

        roster_history.set_fields(store, versions.book(store), "C01", {"bonus": "2000"},
                                  effective=dt.date(2026, 11, 1), now=dt.datetime(2026, 11, 10, 10, 0, tzinfo=TZ))

    with first_lock_goes_to(bonus) as done:
        result = invoke("staff", "set", "C01", "base_wage=5000", "--effective", "2026-11-01")
    assert done and result.exit_code == 0, (result.stdout, result.stderr)
    c01 = next(p for p in data("staff", "list", "--json") if p["id"] == "C01")
    assert (c01["base_wage"], c01["bonus"]) == ("5000.00", "2000.00"), c01
    assert invoke("verify").exit_code == 0


def test_an_undo_read_before_the_lock_leaves_an_event_voided_meanwhile_to_its_void():
    """``undo`` reads its batch's live events before the lock; a lead voiding one of them meanwhile is seen
    inside (the log moved for one of its events): that event is not withdrawn a second time."""
    Path("nov.csv").write_text("staff,rule,at\nC01,showroom.late,2026-11-03 08:50\nC02,showroom.late,"
                               "2026-11-04 08:50\n", encoding="utf-8")
    imported = data("events", "import", "nov.csv", "--json")
    first = min(e["event_id"] for e in data("events", "--json") if e["at"].startswith("2026-11-03"))

    def void_one(store: Store) -> None:
        service.void(store, versions.book(store), first, reason="logged twice", by=None,
                     now=dt.datetime(2026, 11, 10, 10, 0, tzinfo=TZ))

    with first_lock_goes_to(void_one) as done:
        result = invoke("undo", str(imported["batch"]), "--reason", "wrong file")
    assert done and result.exit_code == 0, (result.stdout, result.stderr)
    assert "1 events withdrawn" in result.stdout, result.stdout
    store = Store(Path("discipline.db"))
    try:
        voids = store.db.execute("select count(*) from events where type = 'void' and target = ?", [first]).fetchone()
    finally:
        store.close()
    assert voids[0] == 1
    assert invoke("verify").exit_code == 0
