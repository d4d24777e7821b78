"""Turn a month of stored punches into attendance events: lateness, early leave and absenteeism.

Pure: no I/O and no clock. The caller passes the punches, the roster, the rule table, the optional
shift schedule and approved leave, and ``until`` (the last day to judge, usually yesterday)::

    >>> result = derive("2026-11", punches=punches, roster=roster, table=table, until=dt.date(2026, 11, 30))
    >>> [(e.key, e.rule) for e in result.events]
    [('attendance:late:c01:2026-11-03', 'showroom.late')]

How a day is judged (regulations, "Shifts"):

- Only people with a ``shift`` on the roster who punch (``clock``), only on days of the month up to
  ``until`` and within their hired/left dates.
- Only days the punches cover: a store's workday on which nobody of that store punched at all is
  "no clock data" (the machine was off, or its export is missing), and nobody there is judged.
- A day on which the person already has an attendance event logged by hand (a lateness, early
  leave, absence, or absence from post, by the rules the shift names) is not also judged absent,
  and the punches' lateness or early leave is not logged a second time; the conflict is reported.
- The day is a workday when the schedule gives it a shift (``None`` there means rest); without a
  schedule entry, when China's official calendar (``chinese_calendar``: holidays and make-up
  workdays) says so, or Monday–Friday for a year that calendar has no data for.
- The first punch of the day is the in-punch and the last the out-punch, judged to the minute:
  with an 08:30 start 08:30:59 is on time and 08:31:00 one minute late; with a 17:30 end 17:29:59
  is one minute early. Lateness of ``absent_late_minutes`` or more is absence, of
  ``serious_late_minutes`` or more the shift's ``serious_late`` rule.
- A single punch before the shift's midpoint is an in-punch and after it an out-punch; the other
  punch is reported as missing (缺卡) for the lead, never priced.
- No punch on a workday is absence, unless excused by full-day leave. Morning leave (``am``)
  excuses lateness and the in-punch, afternoon leave (``pm``) early leave and the out-punch.

Each event has a ``key`` unique per kind, person and day (``attendance:late:c01:2026-11-03``), so
storing a month's derivation twice creates nothing new.

Punch files name people by the machine's own user number (``Staff.machine_number``: the roster's
``pin``, else the staff id); ``match_punches`` turns those numbers into staff ids. Numbers made of
digits match whatever leading zeros a machine or an export adds or drops (``0042`` is ``42``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence

import attrs

from . import lookup, workdays
from .model import DisciplineError, RuleBook, RuleTable, Shift, Staff, StaffHistory
from .textfile import read_csv
from .typed import EARLIEST, far_from_today, year_after
from .wording import Said, joined, said_of, say

LEAVE_PARTS = ("full", "am", "pm")
#: Words accepted for a leave part, mapped to the part.
LEAVE_WORDS = {"full": "full", "am": "am", "pm": "pm", "全天": "full", "上午": "am", "下午": "pm"}
#: Words accepted in a schedule for a day off.
REST_WORDS = ("rest", "休息")
KEY_PREFIX = "attendance"
#: A derive that would judge more than this share of a store's judged staff-days absent is refused
#: unless confirmed: it is far more likely a punch file that misses people or days than a walk-out.
ABSENCE_ALARM = 0.30
#: What a logged rule says about a day, by the shift key that names it.
KINDS = {"late": "late", "serious_late": "late", "early": "early", "absent": "absent", "absent_post": "post"}

_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
_DATE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")


@attrs.frozen
class StoredPunch:
    """One punch as stored."""

    id: int
    """Id of the stored punch."""
    staff_id: str
    """Staff id (the machine's PIN)."""
    at: dt.datetime
    """Aware time of the punch, in the store's time zone."""


@attrs.frozen
class Leave:
    """Approved leave of one person on one day."""

    staff_id: str
    """Staff id."""
    day: dt.date
    """The day of leave."""
    part: str = attrs.field(validator=attrs.validators.in_(LEAVE_PARTS))
    """``full`` (the whole day), ``am`` (the morning) or ``pm`` (the afternoon)."""


@attrs.frozen
class DerivedEvent:
    """An attendance event derived from the punches, to be stored as a derived event."""

    key: str
    """Unique per kind, person and day, e.g. ``attendance:late:c01:2026-11-03``."""
    staff_id: str
    """Staff id of the person."""
    rule: str
    """Rule code, from the person's shift (``late``, ``serious_late``, ``early`` or ``absent``)."""
    at: dt.datetime
    """The punch time for lateness and early leave, the shift start for absence (aware, store zone)."""
    count: int | None
    """1 (day) for absence, None otherwise."""
    punch_ids: tuple[int, ...]
    """Ids of the punches the event rests on (none for a day without punches)."""
    note: str
    """Plain words saying why, for the staff member to read."""


@attrs.frozen
class MissingPunch:
    """A punch that should be there and is not (缺卡), for the lead to check; never priced."""

    staff_id: str
    """Staff id of the person."""
    day: dt.date
    """The workday."""
    punch_ids: tuple[int, ...]
    """Ids of the punches there are that day."""
    message: Said
    """Plain words saying which punch is missing, in both languages."""


@attrs.frozen
class Conflict:
    """A person-day on which the punches say one thing and a lead logged another by hand."""

    staff_id: str
    day: dt.date
    message: str
    """Plain words: what was not derived, and which logged event it yields to."""


@attrs.frozen
class Derivation:
    """What one month's punches come to."""

    events: tuple[DerivedEvent, ...]
    """In time order."""
    missing: tuple[MissingPunch, ...]
    """By day, then staff id."""
    notes: tuple[str, ...]
    """Sentences about how the month was judged (calendar fallback, shifts that could not be used)."""
    no_clock_data: tuple[tuple[str, dt.date], ...] = ()
    """(store, day): workdays on which nobody of the store punched, so nobody there was judged."""
    not_punching: tuple[str, ...] = ()
    """Staff ids of people with a shift whose roster row says they do not punch (never judged)."""
    conflicts: tuple[Conflict, ...] = ()
    """By day, then staff id."""
    judged: tuple[tuple[str, dt.date, int], ...] = ()
    """(store, day, people judged): how much the punches cover, to tell a partial punch file from a bad month."""


@attrs.frozen
class LoggedByHand:
    """An attendance event a lead logged for a person and day: derive does not judge it again."""

    event_id: int
    kind: str
    """``late``, ``early``, ``absent`` or ``post`` (absence from post)."""
    name: str
    """The rule's name, for the conflict's sentence."""


def shift_kinds(table: RuleTable) -> dict[str, str]:
    """Rule code → what an event of it says about a day (``KINDS``), for the rules the shifts name."""
    named: dict[str, str] = {}
    for shift in table.shifts:
        for key, kind in KINDS.items():
            code = getattr(shift, key)
            if code is not None:
                named.setdefault(code, kind)
    return named


def attendance_rules(table: RuleTable) -> list[str]:
    """Codes of the rules whose events can say something about a day: those the shifts name, and those
    that count as one of them (``showroom.grooming_meeting`` counts as a lateness)."""
    named = shift_kinds(table)
    return sorted({rule.code for rule in table.rules if rule.code in named
                   or any(price.counts_as in named for price in (rule.price, *dict(rule.outcomes).values()))})


def kind_of(rule_code: str, outcome: str | None, table: RuleTable,
            named: Mapping[str, str] | None = None) -> str | None:
    """What a logged event says about its day (``KINDS``), or None when nothing; ``named`` is
    ``shift_kinds(table)``, for a caller asking of many events."""
    if not table.has_rule(rule_code):
        return None
    rule = table.rule(rule_code)
    price = rule.outcome(outcome) if outcome is None or outcome in rule.outcome_names() else rule.price
    return (shift_kinds(table) if named is None else named).get(price.counts_as or rule_code)


def pin_key(number: str) -> str:
    """How a machine number is compared: ``0042`` and ``42`` are one number, and ``g01`` is ``G01`` (a staff
    id is the number of whoever has no pin, and ids are matched whatever their case)."""
    number = number.strip()
    return number.lstrip("0") or "0" if number.isdigit() else number.casefold()


def match_punches(punches: Iterable[StoredPunch], roster: Mapping[str, Staff]) -> tuple[list[StoredPunch], set[str]]:
    """Punches with the machine's number turned into the staff id, and the numbers nobody on the roster has.

    A number passes to a new hire once its owner has left: a punch is the person's who had the number
    that day (a punch of nobody's day is left out, as an unknown number's is).
    """
    by_number: dict[str, list[Staff]] = defaultdict(list)
    for person in roster.values():
        by_number[pin_key(person.machine_number)].append(person)
    punches = list(punches)
    numbers = {punch.staff_id for punch in punches}
    if all(len(owners := by_number.get(pin_key(n), ())) == 1 and owners[0].id == n for n in numbers):
        return punches, set()  # every number is its owner's staff id: a chain's million punches as they are
    matched, unknown = [], set()
    owners_of: dict[str, list[Staff]] = {}  # a month has a million punches of a few thousand numbers
    for punch in punches:
        owners = owners_of.get(punch.staff_id)
        if owners is None:
            owners = owners_of[punch.staff_id] = by_number.get(pin_key(punch.staff_id), [])
        if not owners:
            unknown.add(punch.staff_id)
            continue
        person = owners[0] if len(owners) == 1 else next(
            (p for p in owners if p.employed_on(punch.at.date())), None)
        if person is None:
            continue
        matched.append(punch if person.id == punch.staff_id else
                       StoredPunch(id=punch.id, staff_id=person.id, at=punch.at))
    return matched, unknown


# ---------------------------------------------------------------------------------------------------
# Deriving a month


def derive(
    month: str,
    *,
    punches: Iterable[StoredPunch],
    roster: Mapping[str, Staff] | StaffHistory,
    table: RuleTable | RuleBook,
    schedule: Mapping[tuple[str, dt.date], str | None] | None = None,
    leave: Iterable[Leave] = (),
    until: dt.date,
    logged: Mapping[tuple[str, dt.date], Sequence[LoggedByHand]] | None = None,
) -> Derivation:
    """The attendance events and missing punches of ``month`` (``YYYY-MM``), judging days up to ``until``.

    ``punches`` name people by machine number; ``logged`` holds the attendance events leads logged by
    hand, by (staff id, day). Each day is judged with the people as they were (``roster`` may be a
    ``StaffHistory``: a transfer, a new shift, clock = no from its date) and the shifts of the
    rule-table version in force (``table`` may be a ``RuleBook``).
    """
    book, history = RuleBook.single(table), StaffHistory.single(roster)
    tz = book.zone
    days = _month_days(month)
    schedule = schedule or {}
    logged = logged or {}
    notes: list[str] = []
    calendar = _Calendar(notes)

    matched, _ = match_punches(punches, history.at(min(until, days[-1])))
    by_day: dict[tuple[str, dt.date], list[StoredPunch]] = defaultdict(list)
    for punch in matched:
        if punch.at.tzinfo is not tz:  # a month has a million punches: convert only those not yet in store time
            punch = StoredPunch(id=punch.id, staff_id=punch.staff_id, at=_local(punch.at, tz))
        by_day[(punch.staff_id, punch.at.date())].append(punch)
    covered = {(person.store, day) for staff_id, day in by_day  # a punch from anyone of the store
               if (person := history.at(day).get(staff_id)) is not None}
    leave_parts: dict[tuple[str, dt.date], set[str]] = defaultdict(set)
    for entry in leave:
        leave_parts[(entry.staff_id, entry.day)].add(entry.part)

    events: list[DerivedEvent] = []
    missing: list[MissingPunch] = []
    conflicts: list[Conflict] = []
    no_clock: set[tuple[str, dt.date]] = set()
    judged: dict[tuple[str, dt.date], int] = defaultdict(int)
    not_punching: set[str] = set()
    said: set[str] = set()
    days_by_stretch = [(day, history.at(day), {s.name: s for s in book.at(day).shifts}) for day in days
                       if day <= until]
    for staff_id in sorted(history.versions):
        for day, people, shifts in days_by_stretch:
            person = people.get(staff_id)
            if person is None or person.shift is None or not person.employed_on(day):
                continue
            if not person.clock:
                not_punching.add(person.id)
                continue
            if person.shift not in shifts:
                note = (f"{person.id}'s shift {person.shift!r} is not in the rule table, so their attendance was "
                        "not judged.")
                if note not in said:
                    said.add(note)
                    notes.append(note)
                continue
            key = (person.id, day)
            if key in schedule:
                name = schedule[key]
                if name is None:
                    continue
                if name not in shifts:
                    notes.append(f"The schedule gives {person.id} shift {name!r} on {day}, which is not in "
                                 "the rule table, so that day was not judged.")
                    continue
                shift = shifts[name]
            elif calendar.is_workday(day):
                shift = shifts[person.shift]
            else:
                continue
            shift = shift.for_role(person.role)
            if shift.end <= shift.start:
                note = (f"Shift {shift.name} ends at or before it starts (overnight), which is not judged "
                        "from punches, so its days were skipped.")
                if note not in notes:
                    notes.append(note)
                continue
            if (person.store, day) not in covered:
                no_clock.add((person.store, day))
                continue
            judged[(person.store, day)] += 1
            day_punches = sorted(by_day.get(key, ()), key=lambda p: (p.at, p.id))
            found: list[DerivedEvent] = []
            _judge(person.id, day, shift, day_punches, leave_parts.get(key, set()), tz, found, missing)
            events.extend(_yield_to_logged(found, logged.get(key, ()), person.id, day, conflicts))

    events.sort(key=lambda e: (e.at, e.staff_id, e.key))
    missing.sort(key=lambda m: (m.day, m.staff_id))
    conflicts.sort(key=lambda c: (c.day, c.staff_id))
    return Derivation(events=tuple(events), missing=tuple(missing), notes=tuple(notes),
                      no_clock_data=tuple(sorted(no_clock)), not_punching=tuple(sorted(not_punching)),
                      conflicts=tuple(conflicts),
                      judged=tuple((store, day, count) for (store, day), count in sorted(judged.items())))


def absence_alarm(result: Derivation, new_keys: Iterable[str], roster: Mapping[str, Staff] | StaffHistory
                  ) -> str | None:
    """Why deriving these new events is implausible, in words naming the stores and days; None when it is not.

    Per store that gets new absences: the month's absences (those derived before and these) over
    more than ``ABSENCE_ALARM`` of its judged staff-days, or any day with new absences over that share
    of the people judged that day, at least three absences either way. A punch file that misses
    people looks like that; so does a month imported a day at a time.
    """
    new = set(new_keys)
    judged: dict[str, dict[dt.date, int]] = defaultdict(dict)
    for store, day, count in result.judged:
        judged[store][day] = count
    absent: dict[str, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    fresh: dict[str, set[dt.date]] = defaultdict(set)
    history = StaffHistory.single(roster)
    for event in result.events:
        if event.key.startswith(f"{KEY_PREFIX}:absent:"):
            day = event.at.date()
            store = history.at(day)[event.staff_id].store
            absent[store][day] += 1
            if event.key in new:
                fresh[store].add(day)
    alarms = []
    for store in sorted(fresh):
        days = sorted(absent[store])
        total, staff_days = sum(absent[store].values()), sum(judged[store].values())
        if not (total >= 3 and total > ABSENCE_ALARM * staff_days):
            days = [day for day in sorted(fresh[store]) if absent[store][day] >= 3
                    and absent[store][day] > ABSENCE_ALARM * judged[store].get(day, 0)]
            total, staff_days = sum(absent[store][day] for day in days), sum(judged[store].get(d, 0) for d in days)
        if days:
            alarms.append(say("alarm_store", store=store, total=total, days=staff_days,
                              percent=round(100 * total / staff_days), on=_days_text(days)))
    if not alarms:
        return None
    return say("absence_alarm", stores=joined(alarms, "和", " and "), percent=round(ABSENCE_ALARM * 100))


def _days_text(days: Sequence[dt.date]) -> Said:
    """``2026-11-02, 11-03, 11-05 … 11-27 (12 days)``: short enough for one sentence."""
    shown = [days[0].isoformat(), *(f"{day:%m-%d}" for day in days[1:])]
    if len(shown) > 6:
        shown = [*shown[:4], "…", shown[-1]]
    return Said.same(", ".join(shown)) + (say("n_days", n=len(days)) if len(days) > 6 else Said.same(""))


def _yield_to_logged(found: list[DerivedEvent], logged: Sequence[LoggedByHand], staff_id: str, day: dt.date,
                     conflicts: list[Conflict]) -> list[DerivedEvent]:
    """The day's derived events that no event logged by hand already covers; a conflict for each other.

    Anything logged about the day means the person came (or the lead already judged the day), so no
    absence is derived; a lateness or early leave logged by hand is not derived a second time; an
    absence logged by hand leaves the whole day to the lead.
    """
    if not logged:
        return found
    kinds = {entry.kind for entry in logged}
    kept = []
    for event in found:
        kind = event.key.split(":")[1]  # late, early or absent (see _key)
        if kind == "absent" or kind in kinds or "absent" in kinds:
            said = ", ".join(f"{entry.name} (event {entry.event_id})" for entry in logged)
            what = {"absent": "not judged absent", "late": "the punches' lateness not logged again",
                    "early": "the punches' early leave not logged again"}[kind]
            conflicts.append(Conflict(staff_id, day, f"{staff_id} {day}: {what}; logged by hand that day: {said}"))
        else:
            kept.append(event)
    return kept


def _month_days(month: str) -> list[dt.date]:
    match = _MONTH.fullmatch(month.strip()) if isinstance(month, str) else None
    if match is None:
        raise DisciplineError(say("not_a_month", typed=repr(month)))
    first = dt.date(int(match.group(1)), int(match.group(2)), 1)
    days = []
    day = first
    while day.month == first.month:
        days.append(day)
        day += dt.timedelta(days=1)
    return days


def _local(moment: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """``moment`` in the store zone; a naive time is taken to be store time already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=tz)
    return moment.astimezone(tz)


class _Calendar:
    """China's official workdays, falling back to Monday–Friday (with one note) for years without data."""

    def __init__(self, notes: list[str]) -> None:
        self.notes = notes
        self.years_without_data: set[int] = set()
        self.known: dict[dt.date, bool] = {}

    def is_workday(self, day: dt.date) -> bool:
        """Asked once per person and day, answered once per day (the library's look-up is slow)."""
        if day not in self.known:
            self.known[day] = self._look_up(day)
        return self.known[day]

    def _look_up(self, day: dt.date) -> bool:
        if workdays.official(day) is None and day.year not in self.years_without_data:
            self.years_without_data.add(day.year)
            self.notes.append(
                f"The official holiday calendar has no data for {day.year}, so Monday to Friday were "
                "taken as workdays; give a schedule for holidays and make-up workdays."
            )
        return workdays.is_workday(day)


def _judge(staff_id: str, day: dt.date, shift: Shift, punches: Sequence[StoredPunch], parts: set[str],
           tz: dt.tzinfo, events: list[DerivedEvent], missing: list[MissingPunch]) -> None:
    """Add the events and missing punches of one person's workday."""
    if "full" in parts or {"am", "pm"} <= parts:
        return
    morning_leave, afternoon_leave = "am" in parts, "pm" in parts
    start = dt.datetime.combine(day, shift.start, tzinfo=tz)
    end = dt.datetime.combine(day, shift.end, tzinfo=tz)
    ids = tuple(p.id for p in punches)

    if not punches:
        hours = f"shift {shift.name} {_hm(start)}–{_hm(end)}"
        if morning_leave or afternoon_leave:
            missing.append(MissingPunch(staff_id, day, (), say(
                "missing_with_leave", day=str(day), shift=shift.name, hours=f"{_hm(start)}–{_hm(end)}",
                half=Said("上午", "morning") if morning_leave else Said("下午", "afternoon"),
                other=Said("下午", "afternoon's") if morning_leave else Said("上午", "morning's"))))
            return
        events.append(DerivedEvent(
            key=_key("absent", staff_id, day), staff_id=staff_id, rule=shift.absent, at=start, count=1,
            punch_ids=(), note=f"No punch on workday {day} ({hours}) and no leave → absent for the day."))
        return

    if len(punches) == 1:
        midpoint = start + (end - start) / 2
        only = punches[0]
        if only.at < midpoint:
            in_punch, out_punch = only, None
            if not afternoon_leave:
                missing.append(MissingPunch(staff_id, day, ids, say(
                    "missing_out", day=str(day), at=_hms(only.at), middle=_hm(midpoint))))
        else:
            in_punch, out_punch = None, only
            if not morning_leave:
                missing.append(MissingPunch(staff_id, day, ids, say(
                    "missing_in", day=str(day), at=_hms(only.at), middle=_hm(midpoint))))
    else:
        in_punch, out_punch = punches[0], punches[-1]

    if in_punch is not None and not morning_leave:
        event = _lateness(staff_id, day, shift, start, in_punch)
        if event is not None:
            events.append(event)
    if out_punch is not None and not afternoon_leave:
        out_minute = _minute(out_punch.at)
        if out_minute < end:
            minutes = _minutes(end - out_minute)
            events.append(DerivedEvent(
                key=_key("early", staff_id, day), staff_id=staff_id, rule=shift.early, at=out_punch.at,
                count=None, punch_ids=(out_punch.id,),
                note=f"Out-punch {_hms(out_punch.at)}, shift {shift.name} ends {_hm(end)} → "
                     f"{_plural(minutes, 'minute')} early."))


def _lateness(staff_id: str, day: dt.date, shift: Shift, start: dt.datetime,
              punch: StoredPunch) -> DerivedEvent | None:
    """The lateness (or serious lateness, or absence) of an in-punch, or None when on time."""
    minutes = _minutes(_minute(punch.at) - start)
    if minutes <= shift.grace_minutes:
        return None
    grace = f" with {_plural(shift.grace_minutes, 'grace minute')}" if shift.grace_minutes else ""
    said = f"In-punch {_hms(punch.at)}, shift {shift.name} starts {_hm(start)}{grace} → " \
           f"{_plural(minutes, 'minute')} late"
    if shift.absent_late_minutes is not None and minutes >= shift.absent_late_minutes:
        return DerivedEvent(
            key=_key("absent", staff_id, day), staff_id=staff_id, rule=shift.absent, at=start, count=1,
            punch_ids=(punch.id,),
            note=f"{said}, which is {shift.absent_late_minutes} minutes or more → absent for the day.")
    if (shift.serious_late is not None and shift.serious_late_minutes is not None
            and minutes >= shift.serious_late_minutes):
        return DerivedEvent(
            key=_key("late", staff_id, day), staff_id=staff_id, rule=shift.serious_late, at=punch.at,
            count=None, punch_ids=(punch.id,),
            note=f"{said}, which is {shift.serious_late_minutes} minutes or more → seriously late.")
    return DerivedEvent(
        key=_key("late", staff_id, day), staff_id=staff_id, rule=shift.late, at=punch.at, count=None,
        punch_ids=(punch.id,), note=f"{said}.")


def _key(kind: str, staff_id: str, day: dt.date) -> str:
    return f"{KEY_PREFIX}:{kind}:{staff_id}:{day.isoformat()}"


def _minute(moment: dt.datetime) -> dt.datetime:
    return moment.replace(second=0, microsecond=0)


def _minutes(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _hm(moment: dt.datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def _hms(moment: dt.datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# ---------------------------------------------------------------------------------------------------
# Schedule and leave files


class FileProblem(str):
    """A problem of a schedule or leave file: its English (``"line N: …"``) as the ``str``, what code and logs
    read, and ``said``, both languages, what a person reads."""

    said: Said

    def __new__(cls, said: Said) -> FileProblem:
        problem = super().__new__(cls, said.en)
        problem.said = said
        return problem


def read_schedule(text: str, roster: Mapping[str, Staff], table: RuleTable, *,
                  today: dt.date | None = None) -> tuple[list[tuple[str, dt.date, str | None]], list[FileProblem]]:
    """Rows ``(staff, date, shift or None for rest)`` of a ``staff,date,shift`` CSV, and its problems.

    A problem is ``"line N: …"`` (`FileProblem`); a row with a problem is left out, the others are returned.
    Given ``today``, a date before 2000 or more than a year after it is a problem (``typed.far_from_today``).
    """
    shifts = [shift.name for shift in table.shifts]
    allowed = Said("、".join([*shifts, *REST_WORDS]), ", ".join([*shifts, *REST_WORDS]))

    def value(cell: str, problems: list[Said]) -> tuple[bool, str | None]:
        if cell.lower() in REST_WORDS:
            return True, None
        if cell in shifts:
            return True, cell
        problems.append(say("not_a_shift", typed=repr(cell), allowed=allowed) if cell
                        else say("shift_empty", allowed=allowed))
        return False, None

    return _read_rows(text, roster, ("staff", "date", "shift"), value, say("a_shift"), today)


def read_leave(text: str, roster: Mapping[str, Staff], *,
               today: dt.date | None = None) -> tuple[list[Leave], list[FileProblem]]:
    """Leave of a ``staff,date,part`` CSV (part full/am/pm or 全天/上午/下午), and its problems.

    A problem is ``"line N: …"`` (`FileProblem`); a row with a problem is left out, the others are returned.
    Given ``today``, a date before 2000 or more than a year after it is a problem (``typed.far_from_today``).
    """

    def value(cell: str, problems: list[Said]) -> tuple[bool, str | None]:
        part = LEAVE_WORDS.get(cell.lower())
        if part is None:
            problems.append(say("not_a_part", typed=repr(cell)) if cell else say("part_empty"))
            return False, None
        return True, part

    rows, problems = _read_rows(text, roster, ("staff", "date", "part"), value, say("some_leave"), today)
    return [Leave(staff_id, day, part or "full") for staff_id, day, part in rows], problems


def _read_rows(text: str, roster: Mapping[str, Staff], columns: tuple[str, str, str],
               value: Callable[[str, list[Said]], tuple[bool, str | None]], what: Said,
               today: dt.date | None = None) -> tuple[list[tuple[str, dt.date, str | None]], list[FileProblem]]:
    """Rows ``(staff, date, value)`` of a three-column CSV; ``value`` checks the third column.

    The same person and date (and, for leave, the same value) twice is a problem on the second line.
    """
    header_text = ",".join(columns)

    def at_line(line: int, message: Said) -> FileProblem:
        return FileProblem(say("at_line", line=line, message=message))

    try:
        found = read_csv(text)
    except ValueError as exc:
        return [], [at_line(1, say("header_must_be", why=said_of(exc), header=header_text))]
    if not found.header:
        return [], [at_line(1, say("empty_needs_header", header=header_text))]
    if sorted(found.header) != sorted(columns):
        return [], [at_line(1, say("header_is", got=repr(",".join(found.header)), header=header_text))]
    problems: list[tuple[int, Said]] = list(found.problems)
    rows: list[tuple[str, dt.date, str | None]] = []
    seen: dict[tuple, int] = {}
    known = lookup.Ids(roster)
    for line, record in found.records:
        typed, date_text, third = (record[column] for column in columns)
        staff_id = known(typed) or typed  # as a lead's log matches it: g01 is G01
        found_problems: list[Said] = []
        if not staff_id:
            found_problems.append(say("staff_empty"))
        elif staff_id not in roster:
            found_problems.append(said_of(lookup.unknown_staff(staff_id, roster)))
        day = _parse_date(date_text)
        if day is None:
            found_problems.append(say("not_a_day", typed=repr(date_text)))
        elif today is not None and (far := far_from_today(day, today=today)):
            found_problems.append(say("date_far", far=_far(day, today, far), last=year_after(today)))
        good, result = value(third, found_problems)
        problems.extend((line, message) for message in found_problems)
        if found_problems or not good or day is None:
            continue
        unique = (staff_id, day) if columns[2] == "shift" else (staff_id, day, result)
        if unique in seen:
            problems.append((line, say("already_has", staff=staff_id, day=day, what=what, seen=seen[unique])))
            continue
        seen[unique] = line
        rows.append((staff_id, day, result))
    problems.sort(key=lambda problem: (problem[0], problem[1].en))  # by line, then as the English reads
    return rows, [at_line(line, message) for line, message in problems]


def _far(day: dt.date, today: dt.date, far: str) -> Said:
    """``typed.far_from_today``'s reason ``far`` for ``day``, in both languages."""
    if day < EARLIEST.date():
        return Said(say("far_before", day=day, earliest=EARLIEST.date()).zh, far)
    return Said(say("far_after", day=day, today=today).zh, far)


def _parse_date(text: str) -> dt.date | None:
    match = _DATE.fullmatch(text)
    if match is None:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
