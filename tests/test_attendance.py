"""Deriving attendance events from punches: shifts to the minute, tiers, calendar, schedule, leave."""

from __future__ import annotations

import datetime as dt
import random

import attrs
import chinese_calendar
import pytest
from conftest import at, roster, staff

from discipline.attendance import (
    Derivation,
    DerivedEvent,
    Leave,
    StoredPunch,
    derive,
    read_leave,
    read_schedule,
)
from discipline.model import DisciplineError
from discipline.resources import shipped_rules_path
from discipline.rules import load_rules

D = dt.date
C01 = staff("c01", "consultant", shift="showroom")
G01 = staff("g01", "guide", shift="store")
END_OF_NOVEMBER = D(2026, 11, 30)

TIERED = """

[shifts.tiered]
start = "09:00"
end = "18:00"
grace_minutes = 5
late = "attendance.late"
early = "attendance.early_leave"
absent = "attendance.absenteeism"
serious_late_minutes = 30
serious_late = "attendance.serious_late"
absent_late_minutes = 120

[[rule]]
code = "attendance.serious_late"
name = { zh = "严重迟到", en = "Serious lateness" }
source = "test table"
points = 6
"""


def punches(*entries: tuple[str, str]) -> list[StoredPunch]:
    """``(staff, "2026-11-03 08:31")`` pairs as stored punches numbered 1, 2, …"""
    return [StoredPunch(id=n, staff_id=who, at=at(when)) for n, (who, when) in enumerate(entries, 1)]


def run(table, people, stored=(), *, month="2026-11", until=END_OF_NOVEMBER, covered=True, **kw):
    """derive() with the usual arguments. ``covered``: each store also has a colleague who does not punch
    by rule (clock = no, never judged) but whose noon punch every day shows the store's machine worked,
    so every day is judged on the people's own punches."""
    people, stored = list(people), list(stored)
    if covered:
        year, mon = (int(part) for part in month.split("-"))
        days = [D(year, mon, 1) + dt.timedelta(days=n) for n in range(31)]
        for store in sorted({p.store for p in people}):
            people.append(attrs.evolve(staff(f"witness-{store}", "guide", store=store), clock=False))
            stored += [StoredPunch(id=100_000 + n, staff_id=f"witness-{store}", at=at(f"{day} 12:00"))
                       for n, day in enumerate(days) if day.month == mon]
    return derive(month, punches=stored, roster=roster(*people), table=table, until=until, **kw)


def kinds(result) -> list[tuple[str, str, str]]:
    """(kind, day, rule) of every event, in order."""
    return [(e.key.split(":")[1], e.key.split(":")[3], e.rule) for e in result.events]


def absent_days(result) -> list[str]:
    """Days with an absence event."""
    return [e.key.split(":")[3] for e in result.events if e.key.startswith("attendance:absent:")]


def full_days(who: str, *days: str, start: str = "08:00", end: str = "18:00") -> list[tuple[str, str]]:
    """A punch in and a punch out on each day: no lateness, no early leave."""
    return [(who, f"{day} {clock}") for day in days for clock in (start, end)]


@pytest.fixture
def tiered(tmp_path):
    """The shipped table plus a ``tiered`` shift 09:00–18:00, 5 grace minutes, tiers at 30 and 120."""
    path = tmp_path / "rules.toml"
    path.write_text(shipped_rules_path().read_text(encoding="utf-8") + TIERED, encoding="utf-8")
    return load_rules(path)


# ---------------------------------------------------------------------------------------------------
# To the minute


def test_showroom_start_and_end_judged_to_the_minute(table):
    """08:29:59 and 08:30:59 are on time, 08:31:00 is 1 minute late; 17:29:59 is early, 17:30:00 not."""
    stored = punches(
        ("c01", "2026-11-02 08:29:59"), ("c01", "2026-11-02 17:30:00"),
        ("c01", "2026-11-03 08:30:59"), ("c01", "2026-11-03 17:30:00"),
        ("c01", "2026-11-04 08:31:00"), ("c01", "2026-11-04 17:30:00"),
        ("c01", "2026-11-05 08:00:00"), ("c01", "2026-11-05 17:29:59"),
    )
    result = run(table, [C01], stored, until=D(2026, 11, 5))
    late, early = result.events
    assert late == DerivedEvent(
        key="attendance:late:c01:2026-11-04", staff_id="c01", rule="showroom.late",
        at=at("2026-11-04 08:31:00"), count=None, punch_ids=(5,),
        note="In-punch 08:31:00, shift showroom starts 08:30 → 1 minute late.")
    assert early == DerivedEvent(
        key="attendance:early:c01:2026-11-05", staff_id="c01", rule="showroom.early_leave",
        at=at("2026-11-05 17:29:59"), count=None, punch_ids=(8,),
        note="Out-punch 17:29:59, shift showroom ends 17:30 → 1 minute early.")
    assert result.missing == ()
    assert result.notes == ()


def test_note_says_minutes_late_in_plain_words(table):
    """08:42:10 against an 08:30 start is 12 minutes late, and the note says so."""
    result = run(table, [C01], punches(("c01", "2026-11-03 08:42:10"), ("c01", "2026-11-03 17:20:05")),
                 until=D(2026, 11, 3), schedule={("c01", D(2026, 11, 2)): None})
    assert [e.note for e in result.events] == [
        "In-punch 08:42:10, shift showroom starts 08:30 → 12 minutes late.",
        "Out-punch 17:20:05, shift showroom ends 17:30 → 10 minutes early.",
    ]


def test_store_shift_starts_at_nine(table):
    """A store guide at 09:00:59 is on time and at 09:01:00 late under attendance.late."""
    stored = punches(("g01", "2026-11-02 09:00:59"), ("g01", "2026-11-02 17:30:00"),
                     ("g01", "2026-11-03 09:01:00"), ("g01", "2026-11-03 17:30:00"))
    result = run(table, [G01], stored, until=D(2026, 11, 3))
    assert kinds(result) == [("late", "2026-11-03", "attendance.late")]
    assert result.events[0].note == "In-punch 09:01:00, shift store starts 09:00 → 1 minute late."


def test_grace_minutes_and_both_tiers(tiered):
    """Grace 5: 09:05:59 on time, 09:06 late; 30 minutes serious, 120 minutes absence (at 09:00)."""
    person = staff("t01", "guide", shift="tiered")
    ins = ["2026-11-02 09:05:59", "2026-11-03 09:06:00", "2026-11-04 09:29:59", "2026-11-05 09:30:00",
           "2026-11-06 10:59:59", "2026-11-09 11:00:00"]
    stored = punches(*[entry for when in ins for entry in (("t01", when), ("t01", when[:10] + " 18:00"))])
    result = run(tiered, [person], stored, until=D(2026, 11, 9))
    assert kinds(result) == [
        ("late", "2026-11-03", "attendance.late"),
        ("late", "2026-11-04", "attendance.late"),
        ("late", "2026-11-05", "attendance.serious_late"),
        ("late", "2026-11-06", "attendance.serious_late"),
        ("absent", "2026-11-09", "attendance.absenteeism"),
    ]
    notes = [e.note for e in result.events]
    assert notes[0] == "In-punch 09:06:00, shift tiered starts 09:00 with 5 grace minutes → 6 minutes late."
    assert "29 minutes late." in notes[1]
    assert "30 minutes late, which is 30 minutes or more → seriously late." in notes[2]
    assert "119 minutes late" in notes[3]
    assert "120 minutes late, which is 120 minutes or more → absent for the day." in notes[4]
    absent = result.events[-1]
    assert (absent.at, absent.count, absent.punch_ids) == (at("2026-11-09 09:00"), 1, (11,))
    assert [e.count for e in result.events[:4]] == [None] * 4


# ---------------------------------------------------------------------------------------------------
# Workdays


def test_workday_without_punch_is_absence(table):
    """No punch on Monday 2 and Tuesday 3 November: one absence each, at 08:30, count 1."""
    result = run(table, [C01], until=D(2026, 11, 3))
    assert result.events == (
        DerivedEvent(key="attendance:absent:c01:2026-11-02", staff_id="c01", rule="attendance.absenteeism",
                     at=at("2026-11-02 08:30"), count=1, punch_ids=(),
                     note="No punch on workday 2026-11-02 (shift showroom 08:30–17:30) and no leave → "
                          "absent for the day."),
        DerivedEvent(key="attendance:absent:c01:2026-11-03", staff_id="c01", rule="attendance.absenteeism",
                     at=at("2026-11-03 08:30"), count=1, punch_ids=(),
                     note="No punch on workday 2026-11-03 (shift showroom 08:30–17:30) and no leave → "
                          "absent for the day."),
    )
    assert result.missing == ()


def test_national_day_and_weekend_are_not_workdays(table):
    """1–7 October 2026 are National Day and 17–18 October a weekend: no absence on any of them."""
    result = run(table, [C01], month="2026-10", until=D(2026, 10, 19))
    assert absent_days(result) == ["2026-10-08", "2026-10-09", "2026-10-10", "2026-10-12", "2026-10-13",
                                   "2026-10-14", "2026-10-15", "2026-10-16", "2026-10-19"]
    assert result.notes == ()


def test_make_up_weekend_days_of_2026_are_workdays(table):
    """chinese_calendar's make-up days of 2026 include Sat 10 October; no punch there is absence."""
    day, made_up = D(2026, 1, 1), []
    while day.year == 2026:
        if day.weekday() >= 5 and chinese_calendar.is_workday(day):
            made_up.append(day)
        day += dt.timedelta(days=1)
    assert made_up == [D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20),
                       D(2026, 10, 10)]
    assert chinese_calendar.get_holiday_detail(D(2026, 10, 10)) == (False, "National Day")
    stored = punches(*full_days("c01", "2026-10-08", "2026-10-09"))
    result = run(table, [C01], stored, month="2026-10", until=D(2026, 10, 11))
    assert absent_days(result) == ["2026-10-10"]
    sunday = run(table, [C01], month="2026-09", until=D(2026, 9, 20),
                 schedule={("c01", D(2026, 9, day)): None for day in range(1, 19)})
    assert absent_days(sunday) == ["2026-09-20"]


def test_no_calendar_data_falls_back_to_weekdays_with_one_note(table):
    """2030 has no official data: Tue 1 and Wed 2 January count as workdays, and one note says why."""
    result = run(table, [C01, G01], month="2030-01", until=D(2030, 1, 6))
    assert [(e.staff_id, e.key.split(":")[3]) for e in result.events] == [
        ("c01", "2030-01-01"), ("g01", "2030-01-01"), ("c01", "2030-01-02"), ("g01", "2030-01-02"),
        ("c01", "2030-01-03"), ("g01", "2030-01-03"), ("c01", "2030-01-04"), ("g01", "2030-01-04"),
    ]
    assert len(result.notes) == 1
    assert "2030" in result.notes[0] and "Monday to Friday" in result.notes[0]


def test_calendar_note_only_when_calendar_was_needed(table):
    """A 2030 month fully covered by the schedule needs no calendar, so there is no note."""
    schedule = {("c01", D(2030, 1, day)): None for day in range(1, 32)}
    schedule[("c01", D(2030, 1, 2))] = "showroom"
    result = run(table, [C01], month="2030-01", until=D(2030, 1, 31), schedule=schedule)
    assert absent_days(result) == ["2030-01-02"]
    assert result.notes == ()


# ---------------------------------------------------------------------------------------------------
# Schedule and leave


def test_schedule_rest_on_a_workday_and_shift_on_a_sunday(table):
    """Rest on Tue 3 Nov: no absence; the store shift on Sun 8 Nov: 09:10 is late by attendance.late."""
    schedule = {("c01", D(2026, 11, 3)): None, ("c01", D(2026, 11, 8)): "store"}
    stored = punches(*full_days("c01", "2026-11-02", "2026-11-04", "2026-11-05", "2026-11-06"),
                     ("c01", "2026-11-08 09:10:30"), ("c01", "2026-11-08 17:30"))
    result = run(table, [C01], stored, until=D(2026, 11, 8), schedule=schedule)
    assert kinds(result) == [("late", "2026-11-08", "attendance.late")]
    assert result.events[0].note == "In-punch 09:10:30, shift store starts 09:00 → 10 minutes late."


def test_schedule_shift_on_a_holiday_without_punch_is_absence(table):
    """The showroom shift scheduled on 1 October (National Day) and no punch: absence at 08:30."""
    result = run(table, [C01], month="2026-10", until=D(2026, 10, 1),
                 schedule={("c01", D(2026, 10, 1)): "showroom"})
    assert [(e.key, e.at) for e in result.events] == [("attendance:absent:c01:2026-10-01",
                                                        at("2026-10-01 08:30"))]


def test_schedule_naming_a_shift_not_in_the_table_skips_the_day_with_a_note(table):
    """A schedule entry for a shift the table lacks is not judged and is named in a note."""
    result = run(table, [C01], until=D(2026, 11, 2), schedule={("c01", D(2026, 11, 2)): "night"})
    assert result.events == ()
    assert result.notes == ("The schedule gives c01 shift 'night' on 2026-11-02, which is not in the rule "
                            "table, so that day was not judged.",)


def test_leave_full_am_pm(table):
    """Full leave excuses the day, am lateness, pm early leave; am with no punch is a missing punch."""
    leave = [Leave("c01", D(2026, 11, 2), "full"), Leave("c01", D(2026, 11, 3), "am"),
             Leave("c01", D(2026, 11, 4), "pm"), Leave("c01", D(2026, 11, 5), "pm"),
             Leave("c01", D(2026, 11, 6), "am"), Leave("c01", D(2026, 11, 9), "am"),
             Leave("c01", D(2026, 11, 9), "pm")]
    stored = punches(("c01", "2026-11-03 10:00"), ("c01", "2026-11-03 17:30"),
                     ("c01", "2026-11-04 08:30"), ("c01", "2026-11-04 12:00"),
                     ("c01", "2026-11-05 08:45"), ("c01", "2026-11-05 12:00"))
    result = run(table, [C01], stored, until=D(2026, 11, 9), leave=leave)
    assert kinds(result) == [("late", "2026-11-05", "showroom.late")]
    assert [(m.staff_id, m.day, m.punch_ids) for m in result.missing] == [("c01", D(2026, 11, 6), ())]
    assert "morning leave" in result.missing[0].message.en and "缺卡" in result.missing[0].message.en
    assert result.missing[0].message.zh.endswith("当天上午请假；下午的打卡缺失（缺卡）")


def test_full_leave_excuses_late_punches_too(table):
    """Punches on a full-day leave day are not judged."""
    result = run(table, [C01], punches(("c01", "2026-11-02 11:00"), ("c01", "2026-11-02 12:00")),
                 until=D(2026, 11, 2), leave=[Leave("c01", D(2026, 11, 2), "full")])
    assert (result.events, result.missing) == ((), ())


def test_leave_part_must_be_full_am_or_pm():
    """A Leave with another part is refused when made."""
    with pytest.raises(ValueError):
        Leave("c01", D(2026, 11, 2), "evening")


# ---------------------------------------------------------------------------------------------------
# Single punches


def test_single_punch_is_in_or_out_by_the_midpoint(table):
    """Showroom midpoint 13:00: one punch before it is the in-punch, from it on the out-punch; 缺卡 each."""
    stored = punches(("c01", "2026-11-02 08:25"), ("c01", "2026-11-03 09:00"), ("c01", "2026-11-04 17:00"),
                     ("c01", "2026-11-05 17:45"), ("c01", "2026-11-06 12:59:59"), ("c01", "2026-11-09 13:00"))
    result = run(table, [C01], stored, until=D(2026, 11, 9))
    assert kinds(result) == [
        ("late", "2026-11-03", "showroom.late"),
        ("early", "2026-11-04", "showroom.early_leave"),
        ("late", "2026-11-06", "showroom.late"),
        ("early", "2026-11-09", "showroom.early_leave"),
    ]
    assert [e.note.rsplit("→ ", 1)[1] for e in result.events] == [
        "30 minutes late.", "30 minutes early.", "269 minutes late.", "270 minutes early."]
    assert [(m.day.day, m.punch_ids) for m in result.missing] == [(2, (1,)), (3, (2,)), (4, (3,)), (5, (4,)),
                                                                  (6, (5,)), (9, (6,))]
    assert ["out-punch is missing" in m.message.en for m in result.missing] == [True, True, False, False, True,
                                                                             False]
    assert ["in-punch is missing" in m.message.en for m in result.missing] == [False, False, True, True, False,
                                                                            True]


def test_single_punch_with_leave_for_the_missing_half_is_not_missing(table):
    """One morning punch on a pm-leave day and one evening punch on an am-leave day: nothing to report."""
    stored = punches(("c01", "2026-11-02 08:20"), ("c01", "2026-11-03 17:40"))
    leave = [Leave("c01", D(2026, 11, 2), "pm"), Leave("c01", D(2026, 11, 3), "am")]
    result = run(table, [C01], stored, until=D(2026, 11, 3), leave=leave)
    assert (result.events, result.missing) == ((), ())


def test_first_and_last_of_several_punches_count(table):
    """With four punches the first is the in-punch and the last the out-punch; the middle ones are ignored."""
    stored = punches(("c01", "2026-11-02 12:00"), ("c01", "2026-11-02 08:40"), ("c01", "2026-11-02 17:35"),
                     ("c01", "2026-11-02 13:00"))
    result = run(table, [C01], stored, until=D(2026, 11, 2))
    assert [(e.key, e.punch_ids) for e in result.events] == [("attendance:late:c01:2026-11-02", (2,))]


# ---------------------------------------------------------------------------------------------------
# Who and when


def test_until_stops_at_the_day_given(table):
    """until = 3 November: absences on 2 and 3 only, and a late punch on the 4th is not judged yet."""
    result = run(table, [C01], punches(("c01", "2026-11-04 09:00"), ("c01", "2026-11-04 17:30")),
                 until=D(2026, 11, 3))
    assert absent_days(result) == ["2026-11-02", "2026-11-03"]
    assert len(result.events) == 2


def test_hired_and_left_dates_are_respected(table):
    """Hired 4 November and left 5 November: only those two days are judged."""
    person = staff("c02", "consultant", shift="showroom", hired=D(2026, 11, 4), left=D(2026, 11, 5))
    result = run(table, [person])
    assert absent_days(result) == ["2026-11-04", "2026-11-05"]


def test_staff_without_shift_are_not_judged(table):
    """Someone with no shift on the roster has no events and no missing punches, even when late."""
    person = staff("k01", "clerk")
    result = run(table, [person], punches(("k01", "2026-11-02 11:00")))
    assert result == Derivation(events=(), missing=(), notes=())


def test_roster_shift_missing_from_table_is_noted(table):
    """A roster shift the table does not define is not judged, and a note names it."""
    person = staff("c03", "consultant", shift="night")
    result = run(table, [person], until=D(2026, 11, 3))
    assert result.events == ()
    assert result.notes == ("c03's shift 'night' is not in the rule table, so their attendance was not judged.",)


def test_punch_times_are_read_in_the_store_zone(table):
    """00:31 UTC is 08:31 in Shanghai: late, and the event is at 08:31 store time; 23:50 UTC is next day."""
    utc = dt.UTC
    stored = [StoredPunch(1, "c01", dt.datetime(2026, 11, 2, 0, 31, tzinfo=utc)),
              StoredPunch(2, "c01", dt.datetime(2026, 11, 2, 9, 30, tzinfo=utc)),
              StoredPunch(3, "c01", dt.datetime(2026, 11, 2, 23, 50, tzinfo=utc)),
              StoredPunch(4, "c01", dt.datetime(2026, 11, 3, 9, 30, tzinfo=utc))]
    result = run(table, [C01], stored, until=D(2026, 11, 3))
    assert [(e.key, e.at) for e in result.events] == [("attendance:late:c01:2026-11-02", at("2026-11-02 08:31"))]
    assert str(result.events[0].at.tzinfo) == "Asia/Shanghai"


def test_events_in_time_order_across_people(table):
    """Events of several people come out sorted by time, not by person."""
    stored = punches(("g01", "2026-11-02 09:20"), ("g01", "2026-11-02 17:30"),
                     ("c01", "2026-11-02 08:50"), ("c01", "2026-11-02 16:00"))
    result = run(table, [C01, G01], stored, until=D(2026, 11, 2))
    assert [(e.staff_id, e.at) for e in result.events] == [
        ("c01", at("2026-11-02 08:50")), ("g01", at("2026-11-02 09:20")), ("c01", at("2026-11-02 16:00"))]


def test_deriving_twice_gives_identical_results_and_unique_keys(table):
    """Same input, any punch order: the same events with the same keys, each key once."""
    stored = punches(*full_days("c01", "2026-11-02", "2026-11-03", start="08:45", end="17:00"),
                     ("g01", "2026-11-02 09:30"), ("g01", "2026-11-04 09:00"))
    first = run(table, [C01, G01], stored, until=D(2026, 11, 6))
    shuffled = list(stored)
    random.Random(7).shuffle(shuffled)
    second = run(table, [G01, C01], shuffled, until=D(2026, 11, 6))
    assert first == second
    keys = [e.key for e in first.events]
    assert len(keys) == len(set(keys)) == 11
    assert "attendance:late:c01:2026-11-02" in keys and "attendance:early:c01:2026-11-03" in keys


def test_bad_month_is_refused(table):
    """A month not written YYYY-MM is a DisciplineError."""
    with pytest.raises(DisciplineError, match="2026-11"):
        run(table, [C01], month="Nov 2026", covered=False)


def test_results_are_frozen(table):
    """The derivation cannot be changed after the fact."""
    result = run(table, [C01], until=D(2026, 11, 2))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        result.events[0].rule = "x"  # type: ignore[misc]


# ---------------------------------------------------------------------------------------------------
# Schedule and leave files


def test_read_schedule_rows_and_problems(table):
    """Good rows (rest, 休息, a shift, 2026/11/9) come back; every bad row is a 'line N:' problem."""
    text = ("\ufeffstaff,date,shift\r\n"
            "c01,2026-11-03,rest\r\n"
            "c01,2026-11-08,store\r\n"
            "g01,2026/11/9,休息\r\n"
            "\r\n"
            "x99,2026-11-03,rest\r\n"
            "c01,2026-11-31,rest\r\n"
            "c01,2026-11-04,night\r\n"
            "c01,2026-11-03,showroom\r\n"
            "g01,2026-11-10\r\n"
            "g01,2026-11-11,REST\r\n")
    rows, problems = read_schedule(text, roster(C01, G01), table)
    assert rows == [("c01", D(2026, 11, 3), None), ("c01", D(2026, 11, 8), "store"),
                    ("g01", D(2026, 11, 9), None), ("g01", D(2026, 11, 11), None)]
    assert [p.split(":")[0] for p in problems] == ["line 6", "line 7", "line 8", "line 9", "line 10"]
    assert "unknown staff 'x99'" in problems[0]
    assert "'2026-11-31' is not a date" in problems[1]
    assert "'night' is not a shift" in problems[2] and "store, showroom, rest, 休息" in problems[2]
    assert "already has a shift on line 2" in problems[3]
    assert "has 2 field(s)" in problems[4]


def test_read_schedule_bad_header(table):
    """A file without the staff,date,shift header is one problem on line 1 and no rows."""
    assert read_schedule("who,when\nc01,2026-11-03\n", roster(C01), table) == (
        [], ["line 1: the header is 'who,when'; it must be staff,date,shift"])
    assert read_schedule("", roster(C01), table) == (
        [], ["line 1: the file is empty; it needs the header line staff,date,shift"])


def test_read_leave_rows_and_problems():
    """full/am/pm and 全天/上午/下午 are read; unknown staff, bad date, bad part, repeats are reported."""
    text = ("\ufeffStaff,Date,Part\n"
            "c01,2026-11-02,full\n"
            "c01,2026-11-03,上午\n"
            "c01,2026-11-03,PM\n"
            "g01,2026-11-04,全天\n"
            "g01,2026-11-05,下午\n"
            "g01,2026-11-06,am\n"
            "zz,2026-11-06,am\n"
            "g01,06/11/2026,am\n"
            "g01,2026-11-07,evening\n"
            "g01,2026-11-08,\n"
            "c01,2026-11-02,全天\n")
    leave, problems = read_leave(text, roster(C01, G01))
    assert leave == [Leave("c01", D(2026, 11, 2), "full"), Leave("c01", D(2026, 11, 3), "am"),
                     Leave("c01", D(2026, 11, 3), "pm"), Leave("g01", D(2026, 11, 4), "full"),
                     Leave("g01", D(2026, 11, 5), "pm"), Leave("g01", D(2026, 11, 6), "am")]
    assert [p.split(":")[0] for p in problems] == ["line 8", "line 9", "line 10", "line 11", "line 12"]
    assert "unknown staff 'zz'" in problems[0]
    assert "'06/11/2026' is not a date" in problems[1]
    assert "'evening' is not a part of a day" in problems[2]
    assert "the part is empty" in problems[3]
    assert "already has leave on line 2" in problems[4]


def test_read_leave_feeds_derive(table):
    """Leave read from a file excuses the day in derive."""
    leave, problems = read_leave("staff,date,part\nc01,2026-11-02,全天\n", roster(C01))
    assert problems == []
    assert run(table, [C01], until=D(2026, 11, 2), leave=leave).events == ()
