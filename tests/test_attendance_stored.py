"""Attendance through storage: import punches, derive a month, and derive it again without duplicates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import TZ

from discipline import service
from discipline.model import DisciplineError
from discipline.storage import Store

ROSTER = """\
id,name,store,team,role,supervisor,base_wage,bonus,shift,city,hired,left
SM1,赵强,SR,,sales_manager,,9000,0,showroom,shanghai,,
C01,郑浩,SR,A,consultant,SM1,4350,0,showroom,shanghai,,
"""
#: 2026-11-02 (Mon) to 2026-11-06 (Fri) are workdays; the clock stands on Saturday the 7th.
NOW = dt.datetime(2026, 11, 7, 10, 0, tzinfo=TZ)


def week(staff: str, *, skip: tuple[int, ...] = (), late: dict[int, str] | None = None) -> list[str]:
    """Punch lines for Mon 2 – Fri 6 November: on time except the days given."""
    lines = []
    for day in range(2, 7):
        if day in skip:
            continue
        start = (late or {}).get(day, "08:20:00")
        lines += [f"{staff},2026-11-{day:02d} {start}", f"{staff},2026-11-{day:02d} 17:40:00"]
    return lines


@pytest.fixture
def store(table, tmp_path) -> Store:
    """A database with a showroom manager and one consultant, both on the showroom shift."""
    store = Store(tmp_path / "t.db", create=True)
    store.migrate()
    service.import_staff(store, table, ROSTER.encode(), now=NOW)
    return store


def import_lines(store, table, tmp_path: Path, name: str, lines: list[str]) -> service.PunchImport:
    """Write a staff,time CSV and import it."""
    path = tmp_path / name
    path.write_text("staff,time\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return service.import_punches(store, table, path, "csv", now=NOW)


def live(store) -> list[tuple[str, str, str]]:
    """(staff, rule, day) of every event not withdrawn."""
    return sorted((e.staff, e.rule, f"{e.at:%Y-%m-%d}") for e in store.log.events() if not e.voided)


def test_derive_twice_and_import_twice_leave_the_same_events(store, table, tmp_path):
    """Importing the same punches again adds none; deriving again creates no second event."""
    lines = week("SM1") + week("C01", skip=(4,), late={3: "08:31:00"})
    first = import_lines(store, table, tmp_path, "p.csv", lines)
    assert (first.read, first.new) == (18, 18)
    again = import_lines(store, table, tmp_path, "p.csv", lines)
    assert (again.read, again.new) == (18, 0)
    result = service.derive_attendance(store, table, "2026-11", now=NOW)
    assert (result.created, result.already) == (2, 0)
    expected = [("C01", "attendance.absenteeism", "2026-11-04"), ("C01", "showroom.late", "2026-11-03")]
    assert live(store) == expected
    second = service.derive_attendance(store, table, "2026-11", now=NOW)
    assert (second.created, second.already, second.withdrawn) == (0, 2, 0)
    assert live(store) == expected


def test_derived_events_are_priced_by_the_rule_table(store, table, tmp_path):
    """A derived lateness is the 1st of the month (20 yuan); the absence is one day of 4350 ÷ 21.75 = 200.00."""
    import_lines(store, table, tmp_path, "p.csv", week("SM1") + week("C01", skip=(4,), late={3: "08:31:00"}))
    service.derive_attendance(store, table, "2026-11", now=NOW)
    card = service.scorecard(store, table, "C01", "2026-11")
    assert card.fines == Decimal("20.00")
    assert card.salary_penalties == Decimal("200.00")
    assert card.due == Decimal("220.00")


def test_lead_voided_derived_event_stays_voided(store, table, tmp_path):
    """An appeal that withdrew a derived lateness is not undone by deriving again."""
    import_lines(store, table, tmp_path, "p.csv", week("SM1") + week("C01", late={3: "08:45:00"}))
    service.derive_attendance(store, table, "2026-11", now=NOW)
    (late,) = [e for e in store.log.events() if e.rule == "showroom.late"]
    service.void(store, table, late.id, reason="traffic accident, approved", by="SM1", now=NOW)
    result = service.derive_attendance(store, table, "2026-11", now=NOW)
    assert (result.created, result.already) == (0, 1)
    assert [e.voided for e in store.log.events() if e.rule == "showroom.late"] == [True]


def test_punches_imported_late_withdraw_a_derived_absence(store, table, tmp_path):
    """A forgotten export of Wednesday's punches, imported later, withdraws Wednesday's absence."""
    import_lines(store, table, tmp_path, "p.csv", week("SM1") + week("C01", skip=(4,)))
    service.derive_attendance(store, table, "2026-11", now=NOW)
    assert live(store) == [("C01", "attendance.absenteeism", "2026-11-04")]
    import_lines(store, table, tmp_path, "late.csv", ["C01,2026-11-04 08:25:00", "C01,2026-11-04 17:35:00"])
    result = service.derive_attendance(store, table, "2026-11", now=NOW)
    assert result.withdrawn == 1
    assert live(store) == []


def test_punches_of_unknown_people_are_kept_and_used_once_they_are_added(store, table, tmp_path):
    """Punches of a PIN not on the roster are stored and reported, and count after the person is added."""
    lines = week("SM1") + week("C01") + week("N07", late={5: "08:40:00"})
    result = import_lines(store, table, tmp_path, "p.csv", lines)
    assert result.unknown_staff == {"N07": 10}
    service.derive_attendance(store, table, "2026-11", now=NOW)
    assert live(store) == []
    service.import_staff(store, table, (ROSTER.splitlines()[0] + "\nN07,新人,SR,A,consultant,SM1,4000,0,showroom,"
                                        "shanghai,2026-11-01,\n").encode(), now=NOW)
    service.derive_attendance(store, table, "2026-11", now=NOW)
    assert live(store) == [("N07", "showroom.late", "2026-11-05")]


def test_approved_leave_excuses_the_absence(store, table, tmp_path):
    """Full-day leave on Wednesday: no punch that day is no absence."""
    import_lines(store, table, tmp_path, "p.csv", week("SM1") + week("C01", skip=(4,)))
    assert service.import_leave(store, b"staff,date,part\nC01,2026-11-04,full\n") == 1
    service.derive_attendance(store, table, "2026-11", now=NOW)
    assert live(store) == []


def test_bad_schedule_file_changes_nothing(store, table):
    """A schedule with an unknown person is refused whole, every problem named."""
    with pytest.raises(DisciplineError, match="line 3"):
        service.import_schedule(store, table, b"staff,date,shift\nC01,2026-11-04,rest\nZZZ,2026-11-05,rest\n")
    assert store.attendance.schedule(dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == {}


def test_deriving_a_closed_month_is_refused(store, table, tmp_path):
    """After 2026-10 is closed its attendance can no longer be derived."""
    service.close(store, table, "2026-10", now=NOW)
    with pytest.raises(DisciplineError, match="2026-10 is closed"):
        service.derive_attendance(store, table, "2026-10", now=NOW)


def test_deriving_a_month_that_has_not_started_is_refused(store, table):
    """December 2026 cannot be judged on 7 November."""
    with pytest.raises(DisciplineError, match="has not started"):
        service.derive_attendance(store, table, "2026-12", now=NOW)


def test_punches_of_a_lower_case_id_are_that_persons(store, table, tmp_path):
    """A punch file that writes staff ids in lower case (``c01``) is read as the roster's C01: his week is
    judged (the lateness of the 3rd and the day missing on the 4th), nothing is left unknown."""
    result = import_lines(store, table, tmp_path, "p.csv", week("SM1") + week("c01", skip=(4,), late={3: "08:31:00"}))
    assert result.new == 18
    service.derive_attendance(store, table, "2026-11", now=NOW)
    assert live(store) == [("C01", "attendance.absenteeism", "2026-11-04"), ("C01", "showroom.late", "2026-11-03")]
