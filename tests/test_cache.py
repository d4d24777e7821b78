"""The priced-charges cache always agrees with a full replay of the log, whatever happened in between."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import random
import sqlite3
from decimal import Decimal

import pytest
from conftest import TZ

from discipline import cache, service, statements
from discipline.model import DisciplineError, Event
from discipline.payroll import dumps, to_json
from discipline.roster import read_roster
from discipline.rules import load_rules
from discipline.storage import MIGRATIONS, Store, staff_row

NOW = dt.datetime(2026, 12, 20, 12, 0, tzinfo=TZ)
ROSTER = """\
id,name,store,team,role,supervisor,base_wage,bonus,shift,city,hired,left
SM1,赵强,SR,,sales_manager,,9000,2000,showroom,shanghai,,
GA,孙磊,SR,A,group_leader,SM1,6000,1000,showroom,shanghai,,
GB,吴婷,SR,B,group_leader,SM1,6000,1000,showroom,beijing,,
C01,郑浩,SR,A,consultant,GA,4000,1000,showroom,shanghai,,
C02,冯雪,SR,B,consultant,GB,3045,300,showroom,shanghai,,
F01,马超,SR,,five_s,SM1,3500,300,showroom,shanghai,,
A01,林琳,SR,,sales_assistant,SM1,4500,500,showroom,shanghai,,
K01,黄涛,SR,,key_account,SM1,5000,2000,showroom,beijing,,
L01,陈静,ST,,store_lead,M01,5200,800,store,shanghai,,
M01,周敏,ST,,manager_assistant,,6500,1000,store,shanghai,,
G01,李娜,ST,,guide,L01,3800,600,store,shanghai,,
"""
#: (staff, rule, options) a random log is drawn from.
MENU = (
    ("C01", "showroom.late", {}), ("C02", "showroom.late", {}), ("C01", "showroom.grooming_meeting", {}),
    ("C02", "showroom.early_leave", {}), ("C01", "showroom.after_meeting", {}), ("C02", "testdrive.paperwork", {}),
    ("K01", "keyaccount.false_report", {}), ("K01", "keyaccount.daily_quota", {"count": 2}),
    ("C01", "uniform.noncompliant", {}), ("C02", "vehicle.warehouse_visit", {}),
    ("team:B", "testdrive.window_open", {}), ("C01", "showroom.toolkit", {"items": ("订单", "名片")}),
    ("K01", "keyaccount.gift_undelivered", {"value": Decimal("150")}),
    ("C02", "sales.customer_grab", {"outcome": "serious"}), ("G01", "duty.cleanup", {"count": 2, "lapse": True}),
    ("G01", "attendance.late", {"lapse": True}), ("C01", "showroom.phone", {}),
    ("C02", "showroom.meeting_absent", {}), ("A01", "office.badge", {"outcome": "lost"}),
    ("C01", "marketing.insert_duty", {}),
)
MONTHS = ("2026-09", "2026-10", "2026-11", "2026-12")


def old_staff_row(person) -> dict:
    """A roster row as schemas 1–3 stored it (before the clock and pin columns)."""
    return {key: value for key, value in staff_row(person).items() if key not in ("clock", "pin")}


@pytest.fixture
def store(table, tmp_path) -> Store:
    """A showroom and a store with a roster."""
    store = Store(tmp_path / "c.db", create=True)
    store.migrate()
    service.import_staff(store, table, ROSTER.encode(), now=NOW)
    return store


def same(store, table) -> None:
    """Every month from the cache equals the same month replayed from the whole log, to the byte of its
    payroll JSON (where the cached lines are spliced in as stored) and line by line once decoded."""
    for month in MONTHS:
        cached = statements.month_statements(store, table, month)
        replayed = statements.replay_statements(store, table, month)
        assert [dumps(s) for s in cached] == [json.dumps(to_json(s), ensure_ascii=False) for s in replayed], month
        assert cached == replayed, month


def random_time(rng: random.Random) -> dt.datetime:
    """A working-hours time between September and mid-December 2026."""
    day = dt.date(2026, 9, 1) + dt.timedelta(days=rng.randrange(105))
    return dt.datetime.combine(day, dt.time(rng.randrange(8, 18), rng.randrange(60)), TZ)


@pytest.mark.parametrize("seed", range(6))
def test_random_logs_voids_and_backdated_events_keep_the_cache_exact(store, table, seed):
    """Logs in random time order, voids of random events and roster changes: cache == replay at every step."""
    rng = random.Random(seed)
    ids: list[int] = []
    for step in range(40):
        roll = rng.random()
        if roll < 0.7 or not ids:
            staff, rule, options = rng.choice(MENU)
            with contextlib.suppress(DisciplineError):
                ids.append(service.log(store, table, Event(id=0, staff=staff, rule=rule, at=random_time(rng),
                                                           **options), now=NOW).event_id)
        elif roll < 0.9:
            service.void(store, table, ids.pop(rng.randrange(len(ids))), reason="appeal", by=None, now=NOW)
        else:
            wage = 3000 + rng.randrange(4000)
            service.import_staff(store, table, (ROSTER.splitlines()[0] + f"\nC02,冯雪,SR,B,consultant,GB,{wage},300,"
                                                "showroom,shanghai,,\n").encode(), now=NOW)
        if step % 10 == 9:
            same(store, table)
    same(store, table)


def test_backdated_event_reprices_the_later_ones(store, table):
    """A lateness logged for the 2nd after one on the 9th makes the 9th the 2nd lateness: 40, not 20."""
    late = service.log(store, table, Event(id=0, staff="C01", rule="showroom.late",
                                           at=dt.datetime(2026, 11, 9, 8, 40, tzinfo=TZ)), now=NOW)
    assert [c.amount for c in late.charges] == [Decimal("20.00")]
    service.log(store, table, Event(id=0, staff="C01", rule="showroom.late",
                                    at=dt.datetime(2026, 11, 2, 8, 40, tzinfo=TZ)), now=NOW)
    card = service.scorecard(store, table, "C01", "2026-11")
    assert [line.amount for line in card.lines] == [Decimal("20.00"), Decimal("40.00")]
    same(store, table)


def test_a_second_five_s_makes_the_old_charge_a_problem_until_named(store, table):
    """A second 5S hired on 1 November leaves the warehouse visit of the 9th without a payer: reported,
    costing nothing, as a replay says. (One added with no hired date is hired the day added, the 20th
    December, and does not change who paid on the 9th.)"""
    service.log(store, table, Event(id=0, staff="C01", rule="vehicle.warehouse_visit",
                                    at=dt.datetime(2026, 11, 9, 11, 0, tzinfo=TZ)), now=NOW)
    assert service.scorecard(store, table, "F01", "2026-11").fines == Decimal("50.00")
    service.import_staff(store, table, (ROSTER.splitlines()[0] + "\nF03,新人,SR,,five_s,SM1,3500,0,showroom,"
                                        "shanghai,,\n").encode(), now=NOW)
    assert service.scorecard(store, table, "F01", "2026-11").fines == Decimal("50.00")
    service.import_staff(store, table, (ROSTER.splitlines()[0] + "\nF02,新人,SR,,five_s,SM1,3500,0,showroom,"
                                        "shanghai,2026-11-01,\n").encode(), now=NOW)
    assert service.scorecard(store, table, "F01", "2026-11").fines == Decimal("0.00")
    (problem,) = statements.pricing_problems(store, table, "2026-11")
    assert "several people (F01, F02)" in problem[1]
    same(store, table)


def test_a_changed_rule_table_reprices_everything(store, table, tmp_path):
    """With the lateness ladder changed to 30/60, the same log costs the new amounts, as a replay says."""
    for day in (3, 10):
        service.log(store, table, Event(id=0, staff="C01", rule="showroom.late",
                                        at=dt.datetime(2026, 11, day, 8, 40, tzinfo=TZ)), now=NOW)
    text = (tmp_path / "rules.toml")
    from discipline.resources import shipped_rules_path

    text.write_text(shipped_rules_path().read_text(encoding="utf-8").replace("fine = [20, 40]", "fine = [30, 60]"),
                    encoding="utf-8")
    proposed = load_rules(text)
    assert service.scorecard(store, proposed, "C01", "2026-11").fines == Decimal("90.00")
    assert service.scorecard(store, table, "C01", "2026-11").fines == Decimal("60.00")
    same(store, proposed)


@pytest.mark.parametrize("seed", range(3))
def test_a_whole_log_priced_two_keys_at_a_time_is_the_replay(store, table, seed):
    """A changed rule table re-prices the log a few thousand keys at a time; in chunks of two keys (a
    store's key, a team's, a person's in separate chunks) it still equals a replay of the whole log."""
    rng = random.Random(seed)
    for _ in range(30):
        staff, rule, options = rng.choice(MENU)
        with contextlib.suppress(DisciplineError):
            service.log(store, table, Event(id=0, staff=staff, rule=rule, at=random_time(rng), **options), now=NOW)
    with store.write():  # a cache from "another table": every amount off by a yuan, second charges gone
        store.db.execute("update charges set amount_fen = amount_fen + 100")
        store.db.execute("delete from charges where seq = 2")
        store.charges.set_fingerprint("another table")
        cache.ensure_priced(store, table, keys=())  # marks every key stale, prices none
    assert store.charges.fingerprint() == cache.fingerprint(table)
    keys = len(store.charges.keys())
    assert keys > 4
    assert cache.settle_all(store, lambda _: table, chunk=2) == (keys + 1) // 2  # a transaction per 2 keys
    assert not store.charges.any_stale()
    same(store, table)


def test_schema_version_1_migrates_forward_keeping_the_log(table, tmp_path):
    """A database made by schema 1 is brought to the newest schema by init, its events intact and priced."""
    path = tmp_path / "old.db"
    old = Store(path, create=True)
    with old.write():
        MIGRATIONS[0](old.db)
        old.set_meta("schema_version", "1")
        old.db["staff"].insert_all(old_staff_row(person) for person in read_roster(ROSTER, table, {})[0])
        old.log.append_event(Event(id=0, staff="C01", rule="showroom.late",
                                   at=dt.datetime(2026, 11, 3, 8, 40, tzinfo=TZ)), logged_at=NOW)
    old.close()
    with pytest.raises(DisciplineError, match="schema version 1"):
        service.open_store(path)
    store = Store(path)
    assert store.migrate() == len(MIGRATIONS)
    store = service.open_store(path)
    assert store.log.verify() == (1, [])
    assert service.scorecard(store, table, "C01", "2026-11").fines == Decimal("20.00")
    assert sqlite3.connect(path).execute("select count(*) from charges").fetchone() == (1,)


def test_a_schema_2_cache_without_line_texts_is_priced_again_after_init(table, tmp_path):
    """Schema 3 keeps each line's JSON in the cache; a schema-2 cache (charges without it) is re-priced
    whole by the first command after ``init``, so payroll never splices a missing line."""
    path = tmp_path / "v2.db"
    old = Store(path, create=True)
    with old.write():
        MIGRATIONS[0](old.db)
        MIGRATIONS[1](old.db)
        old.set_meta("schema_version", "2")
        old.db["staff"].insert_all(old_staff_row(person) for person in read_roster(ROSTER, table, {})[0])
        at = dt.datetime(2026, 11, 3, 8, 40, tzinfo=TZ)
        old.log.append_event(Event(id=0, staff="C01", rule="showroom.late", at=at), logged_at=NOW)
        old.db.execute("insert into charges (event_id, key, staff, month, at, rule, kind, points, amount_fen, "
                       "disposition, explanation) values (1, 'C01', 'C01', '2026-11', ?, 'showroom.late', 'fine', "
                       "'0', 2000, null, '1st lateness in 2026-11 → 20 yuan')", [at.isoformat()])
        old.set_meta("charges_fingerprint", cache.fingerprint(table))
    old.close()
    store = Store(path)
    assert store.migrate() == len(MIGRATIONS) == 9
    store = service.open_store(path)
    assert store.log.verify() == (1, [])
    statement = statements.month_statements(store, table, "2026-11", staff="C01")[0]
    line = json.loads(dumps(statement))["lines"][0]
    assert (line["rule_name"], line["amount"]) == ("迟到", "20.00")
    assert line["explanation"] == "1st lateness in 2026-11 → 20 yuan"
    assert sqlite3.connect(path).execute("select count(*) from charges where line_json is null").fetchone() == (0,)


def test_schema_8_indexes_voids_only_and_a_void_is_still_found_by_it(tmp_path):
    """Migration 8 keeps violations (no target) out of the voids' index; looking a void up still uses it,
    and an event voided before the migration is still voided after it."""
    from conftest import data, run, shop_at

    with shop_at("2026-11-20 12:00", ROSTER):
        for minute in ("40", "41"):
            run("log", "C01", "showroom.late", "--at", f"2026-11-03 08:{minute}")
        run("void", "1", "--reason", "typo")
        db = sqlite3.connect("discipline.db")  # as schema 7 left it: violations' NULLs indexed too
        db.execute("drop index idx_events_target")
        db.execute("create index idx_events_target on events (target)")
        db.execute("update meta set value = '7' where key = 'schema_version'")
        db.commit()
        assert run("init").stdout == "database discipline.db ready (schema version 9)\n"
        assert "where target is not null" in db.execute(
            "select sql from sqlite_master where name = 'idx_events_target'").fetchone()[0]
        assert db.execute("select count(*) from events indexed by idx_events_target where target is not null"
                          ).fetchone() == (1,)
        plan = db.execute("explain query plan select 1 from events where type = 'void' and target = 1").fetchall()
        assert "idx_events_target" in plan[0][-1]
        assert "the chain is intact" in run("verify").stdout
        assert data("scorecard", "C01", "--month", "2026-11", "--json")["fines"] == "20.00"  # the 1st voided


def test_lines_across_a_clock_change_keep_time_order(table, tmp_path):
    """Where daylight saving ends, 02:30+02:00 comes before 02:10+01:00 although its local text sorts
    after: the cache keeps UTC text, so re-pricing from 02:30 replaces 02:10 too (no double charge)
    and the statement lists them in time order."""
    import attrs

    from discipline.payroll import stored_tallies

    berlin = attrs.evolve(table, settings=attrs.evolve(table.settings, timezone="Europe/Berlin"))
    zone = berlin.zone
    store = Store(tmp_path / "dst.db", create=True)
    store.migrate()
    service.import_staff(store, berlin, ROSTER.encode(), now=NOW)
    first = dt.datetime(2026, 10, 25, 2, 30, tzinfo=zone, fold=0)   # 00:30 UTC, summer time
    second = dt.datetime(2026, 10, 25, 2, 10, tzinfo=zone, fold=1)  # 01:10 UTC, winter time
    assert (first.isoformat(), second.isoformat()) == ("2026-10-25T02:30:00+02:00", "2026-10-25T02:10:00+01:00")
    for at in (second, first):  # logged in the other order, so event ids do not give the answer either
        service.log(store, berlin, Event(id=0, staff="C01", rule="showroom.late", at=at), now=NOW)
    service.log(store, berlin, Event(id=0, staff="C02", rule="showroom.late", at=first), now=NOW)
    rows = list(store.charges.month("2026-10", staff="C01"))
    assert [json.loads(row[-1])["at"] for row in rows] == [first.isoformat(), second.isoformat()]
    lines = stored_tallies(iter(rows), "2026-10")[("C01", "2026-10")].lines
    assert [(line.at.isoformat(), line.amount) for line in lines] == [  # == refuses times in a repeated hour
        (first.isoformat(), Decimal("20.00")), (second.isoformat(), Decimal("40.00"))]
    same(store, berlin)


def carried_into_december(store, table, staff_id="K01") -> Decimal:
    (statement,) = [s for s in statements.month_statements(store, table, "2026-12") if s.staff_id == staff_id]
    return statement.carried_in


def test_kept_balances_of_open_months_follow_a_wage_change(store, table):
    """K01 (5000 + 2000, Beijing) owes a 4500 fine in September: the cap of 1400 a month carries 3100,
    1700 and 300 through the open months into December. Payroll keeps November's balances; raising
    the base wage to 8000 from 1 September (cap 2000: 2500, 500, 0 carried) must not leave December
    reading them."""
    service.log(store, table, Event(id=0, staff="K01", rule="keyaccount.gift_undelivered",
                                    at=dt.datetime(2026, 9, 8, 10, 0, tzinfo=TZ), value=Decimal("450")), now=NOW)
    assert service.scorecard(store, table, "K01", "2026-09").due == Decimal("4500.00")
    assert carried_into_december(store, table) == Decimal("300.00")
    assert store.charges.open_balances(None, "2026-12") == ("2026-11", {"K01": Decimal("300.00")})
    service.import_staff(store, table, (ROSTER.splitlines()[0] + "\nK01,黄涛,SR,,key_account,SM1,8000,2000,"
                                        "showroom,beijing,,\n").encode(), now=NOW, effective=dt.date(2026, 9, 1))
    assert store.charges.open_balances(None, "2026-12") is None
    assert carried_into_december(store, table) == Decimal("0.00")
    assert service.scorecard(store, table, "K01", "2026-10").carried_out == Decimal("500.00")
    same(store, table)


def test_a_reversal_posted_into_an_open_month_moves_the_carry_after_it(store, table):
    """September closed with 3100 carried; voiding its 4500 fine posts -4500 into October, which pays
    back 1400 and carries nothing, so December starts from nothing rather than the 300 kept before."""
    logged = service.log(store, table, Event(id=0, staff="K01", rule="keyaccount.gift_undelivered",
                                             at=dt.datetime(2026, 9, 8, 10, 0, tzinfo=TZ), value=Decimal("450")),
                         now=NOW)
    service.close(store, table, "2026-09", now=NOW)
    assert carried_into_december(store, table) == Decimal("300.00")
    voided = service.void(store, table, logged.event_id, reason="appeal upheld", by=None, now=NOW)
    assert voided.posted_month == "2026-10"
    october = service.scorecard(store, table, "K01", "2026-10")
    assert (october.carried_in, october.due, october.deducted, october.carried_out) == (
        Decimal("3100.00"), Decimal("-4500.00"), Decimal("-1400.00"), Decimal("0.00"))
    assert carried_into_december(store, table) == Decimal("0.00")


def test_names_and_rating_caps_leave_the_cache_as_priced():
    """What prices nothing (a city's and a shift's Chinese names, scored = false, caps_rating) is out of the
    fingerprint: a database whose stored versions gain meaning for them on upgrading to the release that
    reads them is not re-priced (four minutes at 2,000 stores), while a changed amount still is."""
    import attrs

    table = load_rules()
    assert table.unscored_roles and table.rating_caps and all(w.name_zh for w in table.minimum_wages)
    bare = attrs.evolve(table, unscored_roles=frozenset(), rating_caps=(),
                        minimum_wages=tuple(attrs.evolve(w, name_zh="") for w in table.minimum_wages),
                        shifts=tuple(attrs.evolve(s, name_zh="") for s in table.shifts))
    assert cache.fingerprint(bare) == cache.fingerprint(table)
    dearer = attrs.evolve(table, settings=attrs.evolve(table.settings, base_score=table.settings.base_score + 1))
    assert cache.fingerprint(dearer) != cache.fingerprint(table)
