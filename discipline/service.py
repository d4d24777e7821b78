"""What each command does: the stored log and roster, the rule table, the engine and payroll together.

``cli.py`` parses and prints; this module decides. Every function that changes anything runs in one
``Store.write()`` transaction and checks everything *before* it writes, so a command that fails has
changed nothing. Nothing here reads the clock: callers pass ``now`` (from ``clock.now``).

Pricing is always a replay of the log by ``engine.price``; its results are kept in the charges
cache (``cache.py``), re-priced wherever a change can reach, so payroll reads a month instead of
re-pricing years; ``statements.py`` reads months back, a closed one from its frozen statements.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from . import cache, engine, payroll, statements, textfile
from .model import Charge, DisciplineError, Event, RuleTable, Statement
from .storage import Store


def parse_month(text: str) -> str:
    """``2026-11`` as given, or DisciplineError with the allowed form."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        if not (2000 <= year <= 2100 and 1 <= month <= 12) or len(text.strip()) != 7:
            raise ValueError
    except ValueError:
        raise DisciplineError(f"month {text!r} is not a month like 2026-11 (YYYY-MM)") from None
    return f"{year:04d}-{month:02d}"


def parse_time(text: str, table: RuleTable) -> dt.datetime:
    """``2026-11-03T08:42`` or ``2026-11-03 08:42`` as local time in the store's zone (aware)."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise DisciplineError(f"time {text!r} is not a local time like 2026-11-03T08:42 or "
                              "'2026-11-03 08:42'") from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=table.zone)
    return moment.astimezone(table.zone)


def open_store(path: Path, *, create: bool = False) -> Store:
    store = Store(path, create=create)
    if not create:
        store.check_schema()
    return store


# -- the log ----------------------------------------------------------------------------------

@attrs.frozen
class Logged:
    event_id: int
    charges: tuple[Charge, ...]


def log(store: Store, table: RuleTable, event: Event, *, now: dt.datetime) -> Logged:
    """Record one violation and return what it cost. ``event.id`` is ignored (the log assigns it)."""
    if event.at > now:
        raise DisciplineError(f"the time {event.at:%Y-%m-%d %H:%M} is in the future (now is {now:%Y-%m-%d %H:%M}); "
                              "give --at a time that has passed")
    with store.write():
        cache.ensure_priced(store, table)
        month = payroll.month_of(event.at, table)
        refuse_if_closed(store, month, "nothing more can be logged into it; log the violation with a time in an "
                                       "open month")
        if event.by is not None and not store.staff.exists(event.by):
            raise DisciplineError(f"unknown staff {event.by!r} given with --by; 'discipline staff list' shows the ids")
        history = store.log.events_of([event.staff], since=cache.history_since(table, event.at),
                                      rules=cache.history_rules(table))
        roster = store.staff.around(event.staff, extra=[who for e in (*history, event) for who in (e.charge, e.by)
                                                         if who])
        engine.resolve(event, table, roster)  # refuses bad input before anything is written
        draft = attrs.evolve(event, id=max((e.id for e in history), default=0) + 1_000_000_000)
        priced = engine.price([*history, draft], table, roster, since=event.at)
        problem = dict(priced.problems).get(draft.id)
        if problem:
            raise DisciplineError(problem)
        for charge in priced.charges:  # the month's payroll must be able to cap everyone charged
            if charge.event_id == draft.id:
                payroll.minimum_wage(table, roster[charge.staff_id].city, month)
        event_id = store.log.append_event(event, logged_at=now)
        final = attrs.evolve(event, id=event_id)
        cached = cache.price_into_cache(store, table, [*history, final], roster, keys=[event.staff], since=event.at)
        return Logged(event_id, tuple(c for c in cached.charges if c.event_id == event_id))


def void(store: Store, table: RuleTable, event_id: int, *, reason: str, by: str | None,
         now: dt.datetime) -> str | None:
    """Withdraw an event. Returns the month a reversal was posted into when its own month is closed."""
    if not reason.strip():
        raise DisciplineError("--reason must say why the event is withdrawn")
    with store.write():
        row = store.log.event_row(event_id)
        if row is None:
            raise DisciplineError(f"there is no event {event_id}; 'discipline events' lists them")
        if store.log.is_voided(event_id):
            raise DisciplineError(f"event {event_id} is already withdrawn")
        if by is not None and not store.staff.exists(by):
            raise DisciplineError(f"unknown staff {by!r} given with --by")
        at = dt.datetime.fromisoformat(row["at"])
        posted = None
        if is_closed(store, payroll.month_of(at, table)):
            posted = first_open_month(store, payroll.month_of(at, table))
        cache.ensure_priced(store, table)
        store.log.append_void(event_id, reason=reason.strip(), by=by, logged_at=now, posted_month=posted)
        cache.reprice(store, table, keys=[row["staff"]], since=at)
        return posted


def first_open_month(store: Store, month: str) -> str:
    closed = store.months.closed()
    while month in closed or (closed and month <= max(closed)):
        month = payroll.next_month(month)
    return month


def is_closed(store: Store, month: str) -> bool:
    """Closed, or before the latest closed month (months close in order, so nothing may go in behind them)."""
    closed = store.months.closed()
    return bool(closed) and month <= max(closed)


def refuse_if_closed(store: Store, month: str, what: str) -> None:
    if is_closed(store, month):
        latest = max(store.months.closed())
        when = "is closed for payroll" if month == latest or month in store.months.closed() else \
            f"is before {latest}, which is closed for payroll"
        raise DisciplineError(f"{month} {when}, so {what}")


def import_events(store: Store, table: RuleTable, data: bytes, *, now: dt.datetime) -> int:
    """Log every violation of a CSV file in one go; any bad row refuses the whole file."""
    from . import logfile

    try:
        text = textfile.decode(data)
    except ValueError as exc:
        raise DisciplineError(str(exc)) from None
    rows, problems = logfile.read_events(text, table.zone)
    with store.write():
        cache.ensure_priced(store, table)
        roster = engine.IndexedRoster(store.staff.roster())
        closed_through = max(store.months.closed(), default="")
        drafts = []
        for line, event in rows:
            month = payroll.month_of(event.at, table)
            try:
                if event.at > now:
                    raise DisciplineError(f"{event.at:%Y-%m-%d %H:%M} is in the future")
                if month <= closed_through:
                    raise DisciplineError(f"{month} is closed for payroll")
                if event.by is not None and event.by not in roster:
                    raise DisciplineError(f"unknown staff {event.by!r} in column by")
                engine.resolve(event, table, roster)
            except DisciplineError as exc:
                problems.append(f"line {line}: {exc}")
                continue
            drafts.append(attrs.evolve(event, id=line))
        priced = engine.price(drafts, table, roster)
        problems.extend(f"line {line}: {message}" for line, message in priced.problems)
        for charge in priced.charges:  # the month's payroll must be able to cap everyone charged
            try:
                payroll.minimum_wage(table, roster[charge.staff_id].city, payroll.month_of(charge.at, table))
            except DisciplineError as exc:
                problems.append(f"line {charge.event_id}: {exc}")
        if problems:
            raise FileRefused("events file", sorted(problems, key=_line_number))
        if not drafts:
            raise DisciplineError("the events file has a header but no rows; nothing was logged")
        store.log.append_events([attrs.evolve(e, id=0) for e in drafts], logged_at=now, source="import")
        cache.reprice(store, table, keys={e.staff for e in drafts}, since=min(e.at for e in drafts), roster=roster)
        return len(drafts)


def _line_number(problem: str) -> int:
    head = problem.split(":", 1)[0]
    return int(head[5:]) if head.startswith("line ") and head[5:].isdigit() else 0


# -- statements -------------------------------------------------------------------------------

def scorecard(store: Store, table: RuleTable, staff_id: str, month: str) -> Statement:
    if not store.staff.exists(staff_id):
        raise DisciplineError(f"unknown staff {staff_id!r}; 'discipline staff list' shows the ids")
    for statement in statements.month_statements(store, table, month, staff=staff_id):
        return statement
    raise DisciplineError(f"{staff_id} has no statement for {month} (not yet hired, or left before it)")


def close(store: Store, table: RuleTable, month: str, *, now: dt.datetime) -> list[Statement]:
    """Freeze a month: its statements and the bytes of every payroll export, forever."""
    _, last = payroll.month_bounds(month)
    if now.date() <= last:
        raise DisciplineError(f"{month} has not ended yet (today is {now:%Y-%m-%d}); close a month after its last day")
    with store.write():
        closed = store.months.closed()
        if month in closed:
            raise DisciplineError(f"{month} is already closed (on {closed[month]['closed_at'][:10]}); a closed month "
                                  "never changes")
        earlier = payroll.month_of(store.log.first_violation_at() or now, table)
        previous = earlier
        while previous < month:
            if previous not in closed:
                raise DisciplineError(f"{previous} is still open; close the months in order, {previous} first")
            previous = payroll.next_month(previous)
        frozen = statements.month_statements(store, table, month)
        exports = {fmt: statements.render_payroll(month, frozen, table, fmt) for fmt in statements.PAYROLL_FORMATS}
        store.months.set_balances(month, {s.staff_id: s.carried_out for s in frozen})
        store.months.close(month, "[" + ", ".join(payroll.dumps(s) for s in frozen) + "]",
                           closed_at=now, exports={"csv": exports["csv"], "html": exports["html"].decode("utf-8"),
                                                   "json": exports["json"].decode("utf-8")})
        return frozen


def what_if(store: Store, current: RuleTable, proposed: RuleTable, month: str) -> tuple[list[Statement],
                                                                                         list[Statement]]:
    """The month under the table in force and under a proposed one; writes nothing."""
    return (statements.month_statements(store, current, month, remember=False),
            statements.replay_statements(store, proposed, month))


# -- staff ------------------------------------------------------------------------------------

def import_staff(store: Store, table: RuleTable, data: bytes) -> tuple[int, int]:
    """Add or update the roster from CSV bytes: (added, updated); any bad row refuses the whole file."""
    from . import roster as roster_file

    try:
        text = textfile.decode(data)
    except ValueError as exc:
        raise DisciplineError(str(exc)) from None
    with store.write():
        existing = store.staff.roster()
        people, problems = roster_file.read_roster(text, table, existing)
        if problems:
            raise FileRefused("roster", problems)
        if not people:
            raise DisciplineError("the roster file has a header but no rows; nothing was imported")
        cache.ensure_priced(store, table)
        changed = [p for p in people if existing.get(p.id) != p]
        store.staff.upsert(changed)
        if changed:  # a person's store, role, supervisor or wage can move what their store's events cost
            stores = {p.store for p in changed} | {existing[p.id].store for p in changed if p.id in existing}
            roster = store.staff.roster()
            keys = {s.id for s in roster.values() if s.store in stores} | store.log.team_keys()
            cache.reprice(store, table, keys=keys, since=None, roster=roster)
        added = sum(1 for p in people if p.id not in existing)
        return added, len(people) - added


# -- attendance -------------------------------------------------------------------------------

@attrs.frozen
class PunchImport:
    read: int
    """Punches read from the file."""
    new: int
    """Of those, not stored before."""
    problems: tuple[Any, ...]
    """punchfiles.Problem for every record that could not be read."""
    unknown_staff: dict[str, int]
    """Stored punches of people not on the roster (kept; used once they are added), by id."""


def import_punches(store: Store, table: RuleTable, path: Path, fmt: str | None, *, now: dt.datetime) -> PunchImport:
    from . import punchfiles

    try:
        parsed = punchfiles.read_punch_file(Path(path), fmt)
    except punchfiles.PunchFileError as exc:
        raise DisciplineError(str(exc).rstrip(".")) from None
    tz = table.zone
    rows = [(p.staff_id, p.at.replace(tzinfo=tz), p.where) for p in parsed.punches]
    with store.write():
        new = store.attendance.add_punches(rows, source=Path(path).name, imported_at=now)
        return PunchImport(len(rows), new, parsed.problems, store.attendance.unmatched_punch_staff())


@attrs.frozen
class Derived:
    created: int
    already: int
    """Derived events that were in the log already (including ones a lead voided)."""
    withdrawn: int
    """Derived before, but the punches, schedule or leave no longer support them (now withdrawn)."""
    missing: tuple[Any, ...]
    notes: tuple[str, ...]
    refused: tuple[str, ...]
    """Derived events that could not be recorded, one sentence each."""


def derive_attendance(store: Store, table: RuleTable, month: str, *, now: dt.datetime) -> Derived:
    """Turn the month's punches into lateness, early-leave and absence events, once each."""
    from . import attendance

    if is_closed(store, month):
        raise DisciplineError(f"{month} is closed for payroll, so its attendance can no longer be derived")
    first, last = payroll.month_bounds(month)
    if first > now.date():
        raise DisciplineError(f"{month} has not started yet (today is {now:%Y-%m-%d})")
    tz = table.zone
    until = min(last, now.date() - dt.timedelta(days=1))
    with store.write():
        roster = store.staff.roster()
        since = dt.datetime.combine(first, dt.time(), tz)
        end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tz)
        punches = [attendance.StoredPunch(id=i, staff_id=s, at=at.astimezone(tz))
                   for i, s, at in store.attendance.punches(since, end)]
        leave = [attendance.Leave(staff_id=s, day=d, part=p) for s, d, p in store.attendance.leave(first, last)]
        result = attendance.derive(month, punches=punches, roster=roster, table=table,
                                   schedule=store.attendance.schedule(first, last), leave=leave, until=until)
        cache.ensure_priced(store, table)
        known = store.log.derived_keys()
        already = 0
        refused = []
        new: list[tuple[Event, str, tuple[int, ...]]] = []
        for item in result.events:
            if item.key in known:
                already += 1
                continue
            event = Event(id=0, staff=item.staff_id, rule=item.rule, at=item.at, count=item.count,
                          note=item.note, derived=True)
            try:
                engine.resolve(event, table, roster)
                payroll.minimum_wage(table, roster[item.staff_id].city, month)
            except DisciplineError as exc:
                refused.append(f"{item.staff_id} {item.at:%Y-%m-%d}: {exc}")
                continue
            new.append((event, item.key, item.punch_ids))
        store.log.append_derived(new, logged_at=now)
        # Punches imported late (a forgotten export) can undo an absence derived before: withdraw it.
        judged_until = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tz)
        wanted = {item.key for item in result.events}
        stale = {event_id: key for key, event_id in store.log.live_derived(since, judged_until).items()
                 if key not in wanted}
        store.log.append_voids(sorted(stale), reason="no longer supported by the punches, schedule or leave",
                           logged_at=now)
        changed = [e for e, _, _ in new] + [e for e in store.log.events_by_id(sorted(stale))]
        if changed:
            cache.reprice(store, table, keys={e.staff for e in changed}, since=min(e.at for e in changed),
                          roster=roster)
        return Derived(len(new), already, len(stale), result.missing, result.notes, tuple(refused))


def import_schedule(store: Store, table: RuleTable, data: bytes) -> int:
    from . import attendance

    try:
        text = textfile.decode(data)
    except ValueError as exc:
        raise DisciplineError(str(exc)) from None
    with store.write():
        entries, problems = attendance.read_schedule(text, store.staff.roster(), table)
        if problems:
            raise FileRefused("schedule", problems)
        store.attendance.set_schedule(entries)
        return len(entries)


def import_leave(store: Store, data: bytes) -> int:
    from . import attendance

    try:
        text = textfile.decode(data)
    except ValueError as exc:
        raise DisciplineError(str(exc)) from None
    with store.write():
        entries, problems = attendance.read_leave(text, store.staff.roster())
        if problems:
            raise FileRefused("leave file", problems)
        store.attendance.add_leave([(e.staff_id, e.day, e.part) for e in entries])
        return len(entries)


class FileRefused(DisciplineError):
    """A file has problems; nothing of it was imported. ``problems`` lists every one."""

    def __init__(self, what: str, problems: Sequence[Any]) -> None:
        self.problems = [str(p) for p in problems]
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(f"the {what} was not imported: {self.problems[0]}{more}")
