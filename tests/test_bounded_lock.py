"""Long work commits in bounded steps, and a lead who waits is told why (issue 12, item 4).

A rule-table version re-prices every key from the day it takes effect. ``rules publish`` commits the
version with every key marked stale, then re-prices ``cache.CHUNK`` keys per transaction; a store
lead's ``log`` gets in between two of them. Killed half-way, what is left stale is priced by whatever
reads or writes those keys next. A write that waits for the lock longer than ``PATIENT_MS`` says who
holds it (the note ``<db>-writer`` its command leaves), then waits on.

The clock stands at 2026-11-20 10:00 in Shanghai. Version 2 (effective 12 November) makes the showroom
lateness ladder 30, 60 instead of 20, 40.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import TZ, data, invoke, run, shop_at
from test_versions import ROSTER, version_2

from discipline import cache, service, storage, versions
from discipline.model import Event
from discipline.storage import Store

LATE = [("C01", "2026-11-13 08:45"), ("C02", "2026-11-13 08:50"), ("GA1", "2026-11-14 08:40"),
        ("GB1", "2026-11-16 08:40"), ("SM1", "2026-11-17 08:40"), ("C01", "2026-11-18 08:45")]


@pytest.fixture(autouse=True)
def shop():
    with shop_at("2026-11-20 10:00:00+08:00", ROSTER, "--effective", "2026-10-01"):
        for who, when in LATE:
            run("log", who, "showroom.late", "--at", when)
        version_2()
        yield


def fines() -> dict[str, str]:
    return {s["staff_id"]: s["fines"] for s in json.loads(run("payroll", "2026-11", "--format", "json").stdout)}


#: Under version 2: C01 late twice (30 + 60), everyone else once (30).
V2 = {"C01": "90.00", "C02": "30.00", "GA1": "30.00", "GB1": "30.00", "SM1": "30.00"}


def test_a_log_gets_in_between_the_steps_of_a_rule_change(monkeypatch):
    monkeypatch.setattr(cache, "CHUNK", 1)
    original = Store.write
    between: list[int] = []

    @contextlib.contextmanager
    def write(self: Store, **options):  # type: ignore[no-untyped-def]
        if not self.writing and self.command == "rules publish" and self.charges.any_stale():
            other = sqlite3.connect(str(self.path), timeout=0.05, isolation_level=None)  # no patience at all
            try:
                other.execute("begin immediate")  # the lock is free between two steps
                other.execute("rollback")
            finally:
                other.close()
            between.append(1)
        with original(self, **options) as store:
            yield store

    monkeypatch.setattr(Store, "write", write)
    published = invoke("rules", "publish", "v2.toml", "--effective", "2026-11-12", "--published", "2026-11-05")
    assert published.exit_code == 0, published.stderr
    assert len(between) >= 5  # one step per key (C01, C02, GA1, GB1, SM1), the lock free before each
    assert fines() == V2
    assert invoke("verify").exit_code == 0


def test_the_steps_pause_for_whoever_waited_and_run_back_to_back_while_nobody_does(monkeypatch):
    """Between two steps a pause of ``PAUSE_S`` lets a waiting lead in; a lock nobody waited for is taken
    again at once (a derive of a chain's month would otherwise spend seconds sleeping for nobody)."""
    monkeypatch.setattr(cache, "CHUNK", 1)
    pauses: list[float] = []

    class Timing:  # the steps' pace as measured, the pauses counted instead of slept
        perf_counter = staticmethod(time.perf_counter)

        @staticmethod
        def sleep(seconds: float) -> None:
            pauses.append(seconds)

    monkeypatch.setattr(cache, "time", Timing)
    first = invoke("rules", "publish", "v2.toml", "--effective", "2026-11-12", "--published", "2026-11-05")
    assert first.exit_code == 0, first.stderr
    assert pauses == []  # five steps, nobody waiting
    assert fines() == V2

    original, steps = cache._settle, []

    def settle(store, table, stale, *args, **kwargs):  # type: ignore[no-untyped-def]  # one step's keys
        if stale:
            steps.append(1)
            if len(steps) == 2:  # a lead starts waiting for the lock the second step holds
                store._mark_waiting()
        return original(store, table, stale, *args, **kwargs)

    monkeypatch.setattr(cache, "_settle", settle)
    v3 = Path("v2.toml").read_text(encoding="utf-8").replace("fine = [30, 60]", "fine = [25, 50]")
    Path("v3.toml").write_text(v3, encoding="utf-8")
    again = invoke("rules", "publish", "v3.toml", "--effective", "2026-11-12", "--published", "2026-11-05")
    assert again.exit_code == 0, again.stderr
    assert len(steps) == 5 and pauses == [cache.PAUSE_S] * 3  # before the third, fourth and fifth step
    assert fines()["C01"] == "75.00"

    # A lead who starts waiting while the version itself is being committed: a pause before every step.
    monkeypatch.setattr(cache, "_settle", original)
    marked_from = cache.reprice_from

    def reprice_from(store, *args, **kwargs):  # type: ignore[no-untyped-def]  # inside publish's own write
        store._mark_waiting()
        return marked_from(store, *args, **kwargs)

    monkeypatch.setattr(cache, "reprice_from", reprice_from)
    pauses.clear()
    Path("v4.toml").write_text(v3.replace("fine = [25, 50]", "fine = [20, 40]"), encoding="utf-8")
    last = invoke("rules", "publish", "v4.toml", "--effective", "2026-11-12", "--published", "2026-11-05")
    assert last.exit_code == 0, last.stderr
    assert pauses == [cache.PAUSE_S] * 5
    assert fines()["C01"] == "60.00"


def test_a_rule_change_killed_half_way_is_finished_by_the_next_command(monkeypatch):
    monkeypatch.setattr(cache, "CHUNK", 2)
    original, calls = cache._settle, []

    def settle(store, table, stale, *args, **kwargs):  # type: ignore[no-untyped-def]  # one step's keys
        calls.append(len(stale))
        if len([n for n in calls if n]) == 2:
            raise KeyboardInterrupt  # Ctrl-C, or the machine going down, after the first step
        return original(store, table, stale, *args, **kwargs)

    monkeypatch.setattr(cache, "_settle", settle)
    result = invoke("rules", "publish", "v2.toml", "--effective", "2026-11-12", "--published", "2026-11-05")
    assert result.exit_code != 0
    monkeypatch.setattr(cache, "_settle", original)
    store = Store(Path("discipline.db"))
    assert store.versions.latest_number() == 2  # the version itself is committed
    assert store.charges.any_stale()  # and some keys still wait
    store.close()
    # a log of a stale key prices that key itself, under version 2: C02's 2nd lateness is 60
    logged = data("log", "C02", "showroom.late", "--at", "2026-11-19 08:50", "--json")
    assert [c["amount"] for c in logged["charges"] if c["kind"] == "fine"] == ["60.00"]
    assert fines() == {**V2, "C02": "90.00"}  # payroll prices what is left first
    assert invoke("verify").exit_code == 0


def test_a_version_the_service_publishes_leaves_nothing_stale():
    store = Store(Path("discipline.db"))
    try:
        versions.publish(store, Path("v2.toml").read_text(encoding="utf-8"), name="v2.toml",
                         effective=dt.date(2026, 11, 12), published=dt.date(2026, 11, 5), by=None, retroactive=False,
                         now=dt.datetime(2026, 11, 20, 10, 0, tzinfo=TZ))
        assert not store.charges.any_stale()
    finally:
        store.close()
    assert fines() == V2


@contextlib.contextmanager
def lock_held_by(command: str, seconds: float) -> Iterator[None]:
    """Another process's write lock for ``seconds``, with the note its command leaves."""
    ready = threading.Event()

    def hold() -> None:
        conn = sqlite3.connect("discipline.db", isolation_level=None)
        conn.execute("begin immediate")
        Path("discipline.db-writer").write_text(json.dumps({"command": command, "pid": 4242,
                                                            "since": "2026-11-20T01:59:30+00:00"}))
        ready.set()
        time.sleep(seconds)
        Path("discipline.db-writer").unlink()
        conn.execute("rollback")
        conn.close()

    thread = threading.Thread(target=hold)
    thread.start()
    ready.wait()
    try:
        yield
    finally:
        thread.join()


def test_a_lead_who_waits_is_told_who_holds_the_lock(monkeypatch):
    monkeypatch.setattr(storage, "PATIENT_MS", 100)
    with lock_held_by("events import", 1.0):
        result = invoke("log", "C02", "showroom.late", "--at", "2026-11-19 08:50")
    assert result.exit_code == 0, result.stderr
    assert ("waiting for 'events import' (process 4242), which has been writing for 30 s; still waiting…"
            in result.stderr)
    assert "event 7" in result.stdout
    assert not Path("discipline.db-writer").exists()  # the log's own note is gone with its lock
    assert Path("discipline.db-waiting").exists()  # the mark that makes a command working in steps pause


def test_a_lead_who_waits_too_long_is_refused_with_nothing_changed(monkeypatch):
    monkeypatch.setattr(storage, "PATIENT_MS", 100)
    monkeypatch.setattr(storage, "BUSY_TIMEOUT_MS", 400)
    before = run("events", "--json").stdout
    with lock_held_by("rules publish", 1.5):
        result = invoke("log", "C02", "showroom.late", "--at", "2026-11-19 08:50")
    assert result.exit_code == 2
    assert "the database is still busy after 0 s (waiting for 'rules publish' (process 4242)" in result.stderr
    assert "nothing was changed, try again later" in result.stderr
    assert run("events", "--json").stdout == before


def test_a_log_of_a_key_left_stale_is_priced_before_it_is_logged():
    """Stale keys left by a rule change are priced by the log that needs them, inside its own write."""
    store = Store(Path("discipline.db"))
    try:
        with store.write():
            store.db.execute("update charges set amount_fen = 0 where key = 'C01'")  # as if not yet re-priced
            store.charges.mark_stale(None, ["C01"])
        now = dt.datetime(2026, 11, 20, 10, 0, tzinfo=TZ)
        logged = service.log(store, versions.book(store), Event(id=0, staff="C01", rule="showroom.late",
                             at=dt.datetime(2026, 11, 19, 8, 45, tzinfo=TZ)), now=now)
        assert [c.amount for c in logged.charges if c.kind == "fine"] == [40]  # the 3rd: dismissal ladder's 40
        assert store.charges.stale(["C01"]) == []
    finally:
        store.close()


def test_a_reader_after_a_new_release_reprices_in_steps(monkeypatch):
    """A cache made by other code (its fingerprint differs): the first payroll marks every key stale and
    prices them a step at a time, not the whole log inside one write."""
    before = fines()
    store = Store(Path("discipline.db"))
    with store.write():
        store.charges.set_fingerprint("made by another release")
    store.close()
    monkeypatch.setattr(cache, "CHUNK", 1)
    original, writes = Store.write, []

    @contextlib.contextmanager
    def write(self: Store, **options):  # type: ignore[no-untyped-def]
        if not self.writing:
            writes.append(1)
        with original(self, **options) as inner:
            yield inner

    monkeypatch.setattr(Store, "write", write)
    assert fines() == before  # shipped table: C01 20 + 40, the others 20
    assert before == {"C01": "60.00", "C02": "20.00", "GA1": "20.00", "GB1": "20.00", "SM1": "20.00"}
    assert len(writes) >= 1 + 5  # the marking, then a step per key


def test_a_derive_priced_in_steps_says_what_it_changed_as_one_priced_at_once(monkeypatch):
    """Above ``cache.CHUNK`` people a derive's events are priced after its commit, a transaction per chunk;
    what it reports (per rule, and per charge moved) and what payroll then says are what a derive priced
    at once says. C01's derived lateness of 3 November is his first that month, so the one logged on the
    13th moves from 20 to 40."""
    Path("punches.csv").write_text("staff,time\n" + "".join(
        f"{who},2026-11-{day:02d} {start}\n{who},2026-11-{day:02d} 17:50:00\n"  # after a group leader's 17:45
        for who, day, start in (("C01", 3, "08:45:00"), ("C02", 4, "08:50:00"), ("GA1", 3, "08:20:00"),
                                ("GA1", 4, "08:20:00"), ("GB1", 3, "08:20:00"), ("SM1", 4, "08:20:00"))),
        encoding="utf-8")
    run("punches", "import", "punches.csv")
    at_once = data("attendance", "derive", "2026-11", "--yes", "--json")
    payroll = run("payroll", "2026-11", "--format", "csv").stdout
    run("undo", str(at_once["batch"]), "--reason", "again, in steps")
    monkeypatch.setattr(cache, "CHUNK", 1)
    settled = spy_on_settle_keys(monkeypatch)
    in_steps = data("attendance", "derive", "2026-11", "--yes", "--json")
    assert settled == [4]  # everyone but GA1 (on time both days), after the commit, a step each

    def moved(result: dict) -> list[tuple]:  # the derived events' ids differ between the two runs
        return sorted((c["staff_id"], c["rule"], c["before"], c["after"], c["event_id"] > 6)
                      for c in result["changed"])

    assert in_steps["derived"] == at_once["derived"] > 2
    assert in_steps["by_rule"] == at_once["by_rule"]
    assert moved(in_steps) == moved(at_once)
    assert ("C01", "showroom.late", "20.00", "40.00", False) in moved(at_once)  # the logged one, moved up
    assert ("C01", "showroom.late", "0.00", "20.00", True) in moved(at_once)  # the derived one, first in November
    assert run("payroll", "2026-11", "--format", "csv").stdout == payroll
    assert invoke("verify").exit_code == 0


def spy_on_settle_keys(monkeypatch) -> list[int]:  # type: ignore[no-untyped-def]
    """How many keys each ``cache.settle_keys`` call was given (a change priced after its commit)."""
    settled: list[int] = []
    original = cache.settle_keys

    def settle_keys(store, book_of, keys, each, **options):  # type: ignore[no-untyped-def]
        settled.append(len(keys))
        return original(store, book_of, keys, each, **options)

    monkeypatch.setattr(cache, "settle_keys", settle_keys)
    return settled


def test_a_roster_change_priced_in_steps_says_what_its_dry_run_says(monkeypatch):
    """C02 absent on 10 November costs a day's wage; a raise from 1 November moves it. Above ``cache.CHUNK``
    people the raise is priced after its commit; it says what the dry run (priced at once) says."""
    run("log", "C02", "attendance.absenteeism", "--at", "2026-11-10 09:00")
    before = data("scorecard", "C02", "--month", "2026-11", "--json")["salary_penalties"]
    monkeypatch.setattr(cache, "CHUNK", 1)
    settled = spy_on_settle_keys(monkeypatch)
    raise_ = ("staff", "set", "C02", "base_wage=6525", "--effective", "2026-11-01", "--json")
    dry = data(*raise_, "--dry-run")
    assert settled == []
    done = data(*raise_)
    assert settled == [5]  # the five people of the store, after the commit
    assert done["changed"] == dry["changed"] != []
    absent = [c for c in done["changed"] if c["rule"] == "attendance.absenteeism"]
    # a day's wage: 4,350 / 21.75 = 200.00 before, 6,525 / 21.75 = 300.00 after
    assert [(c["before"], c["after"]) for c in absent] == [("200.00", "300.00")]
    after = data("scorecard", "C02", "--month", "2026-11", "--json")["salary_penalties"]
    assert Decimal(after) - Decimal(before) == Decimal("100.00")
    assert invoke("verify").exit_code == 0


def test_an_undo_priced_in_steps_takes_back_exactly_what_its_import_changed(monkeypatch):
    """The import (priced at once) moves C01's logged 13 November lateness up the ladder; its undo, priced
    after the commit in steps, moves every charge back: the same changes, before and after swapped."""
    Path("nov.csv").write_text("staff,rule,at\nC01,showroom.late,2026-11-03 08:50\nC02,showroom.late,"
                               "2026-11-04 08:50\n", encoding="utf-8")
    fines_before = fines()
    imported = data("events", "import", "nov.csv", "--json")
    monkeypatch.setattr(cache, "CHUNK", 1)
    settled = spy_on_settle_keys(monkeypatch)
    undone = data("undo", str(imported["batch"]), "--reason", "wrong file", "--json")
    assert settled == [2]

    def moves(changed: list[dict], swap: bool) -> list[tuple]:
        sides = ("after", "before") if swap else ("before", "after")
        return sorted((c["staff_id"], c["event_id"], c[sides[0]], c[sides[1]]) for c in changed)

    assert moves(undone["changed"], swap=True) == moves(imported["changed"], swap=False)
    assert ("C01", 1, "20.00", "40.00") in moves(imported["changed"], swap=False)
    assert fines() == fines_before
    assert invoke("verify").exit_code == 0


def test_a_roster_change_after_a_new_release_prices_the_log_in_steps_before_its_lock(monkeypatch):
    """A cache made by another release is re-priced whole; a roster change is the first command to meet it.
    That work runs in steps before the change's own lock (at 2,000 stores it took 234 s and 6.9 GB inside
    the lock), and the change then moves only what it changes."""
    store = Store(Path("discipline.db"))
    try:
        with store.write():
            store.charges.set_fingerprint("made by another release")
    finally:
        store.close()
    monkeypatch.setattr(cache, "CHUNK", 1)
    steps: list[int] = []
    original = cache.settle_all

    def settle_all(store, book_of, **options):  # type: ignore[no-untyped-def]
        steps.append(original(store, book_of, **options))
        return steps[-1]

    monkeypatch.setattr(cache, "settle_all", settle_all)
    done = data("staff", "set", "GA1", "bonus=1600", "--effective", "2026-11-01", "--json")
    assert steps and steps[0] >= 5  # a step per key, before the change took its lock
    assert done["changed"] == []  # a bonus moves no charge
    assert fines() == {"C01": "60.00", "C02": "20.00", "GA1": "20.00", "GB1": "20.00", "SM1": "20.00"}
    assert invoke("verify").exit_code == 0


def test_a_first_step_is_small_and_steps_grow_by_their_pace(monkeypatch):
    """Before any pace is known a step prices ``FIRST_STEP_KEYS`` keys (500 keys of a year each held the
    lock 5.8 s at 2,000 stores); then each prices as many as fit ``STEP_S`` by the last one's pace, but at
    most ``GROWTH`` times as many, and never more than ``CHUNK``. With five stale keys, a first step of one
    and growth of two: 1, 2, 2 (not 1, then the other four, as the fast pace alone would allow)."""
    monkeypatch.setattr(cache, "FIRST_STEP_KEYS", 1)
    monkeypatch.setattr(cache, "GROWTH", 2)
    ticks = iter(range(1000))

    class Timing:  # every step "takes" a millisecond: by its pace the next could be a thousand times bigger
        @staticmethod
        def perf_counter() -> float:
            return next(ticks) / 1000

        sleep = staticmethod(time.sleep)

    monkeypatch.setattr(cache, "time", Timing)
    original, sizes = cache._settle, []

    def settle(store, table, stale, *args, **kwargs):  # type: ignore[no-untyped-def]
        if stale:
            sizes.append(len(stale))
        return original(store, table, stale, *args, **kwargs)

    monkeypatch.setattr(cache, "_settle", settle)
    published = invoke("rules", "publish", "v2.toml", "--effective", "2026-11-12", "--published", "2026-11-05")
    assert published.exit_code == 0, published.stderr
    assert sizes == [1, 2, 2]
    assert fines() == V2
