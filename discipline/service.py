"""What each command does: the stored log and roster, the rule table, the engine and payroll together.

``cli.py`` parses and prints; this module decides. Every function that changes anything runs in one
``Store.write()`` transaction and checks everything *before* it writes, so a command that fails has
changed nothing. Nothing here reads the clock: callers pass ``now`` (from ``clock.now``).

Pricing is always a replay of the log by ``engine.price``; its results are kept in the charges
cache, re-priced wherever a change can reach (see below), so payroll reads a month instead of
re-pricing years. A closed month comes from its frozen statements and export bytes, never a replay.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from . import engine, payroll, textfile
from .model import Charge, DisciplineError, Event, RuleTable, Staff, Statement
from .storage import CHARGE_COLUMNS, Store, utc_text

EVENT_ID = CHARGE_COLUMNS.index("event_id")

PAYROLL_FORMATS = ("csv", "html", "json")


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
        ensure_priced(store, table)
        month = payroll.month_of(event.at, table)
        refuse_if_closed(store, month, "nothing more can be logged into it; log the violation with a time in an "
                                       "open month")
        if event.by is not None and not store.staff_exists(event.by):
            raise DisciplineError(f"unknown staff {event.by!r} given with --by; 'discipline staff list' shows the ids")
        history = store.events_of([event.staff], since=history_since(table, event.at), rules=history_rules(table))
        roster = store.roster_around(event.staff, extra=[who for e in (*history, event) for who in (e.charge, e.by)
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
        event_id = store.append_event(event, logged_at=now)
        final = attrs.evolve(event, id=event_id)
        cached = _cache(store, table, [*history, final], roster, keys=[event.staff], since=event.at)
        return Logged(event_id, tuple(c for c in cached.charges if c.event_id == event_id))


def void(store: Store, table: RuleTable, event_id: int, *, reason: str, by: str | None,
         now: dt.datetime) -> str | None:
    """Withdraw an event. Returns the month a reversal was posted into when its own month is closed."""
    if not reason.strip():
        raise DisciplineError("--reason must say why the event is withdrawn")
    with store.write():
        row = store.event_row(event_id)
        if row is None:
            raise DisciplineError(f"there is no event {event_id}; 'discipline events' lists them")
        if store.is_voided(event_id):
            raise DisciplineError(f"event {event_id} is already withdrawn")
        if by is not None and not store.staff_exists(by):
            raise DisciplineError(f"unknown staff {by!r} given with --by")
        at = dt.datetime.fromisoformat(row["at"])
        posted = None
        if is_closed(store, payroll.month_of(at, table)):
            posted = first_open_month(store, payroll.month_of(at, table))
        ensure_priced(store, table)
        store.append_void(event_id, reason=reason.strip(), by=by, logged_at=now, posted_month=posted)
        reprice(store, table, keys=[row["staff"]], since=at)
        return posted


def first_open_month(store: Store, month: str) -> str:
    closed = store.closed_months()
    while month in closed or (closed and month <= max(closed)):
        month = payroll.next_month(month)
    return month


def is_closed(store: Store, month: str) -> bool:
    """Closed, or before the latest closed month (months close in order, so nothing may go in behind them)."""
    closed = store.closed_months()
    return bool(closed) and month <= max(closed)


def refuse_if_closed(store: Store, month: str, what: str) -> None:
    if is_closed(store, month):
        latest = max(store.closed_months())
        when = "is closed for payroll" if month == latest or month in store.closed_months() else \
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
        ensure_priced(store, table)
        roster = engine.IndexedRoster(store.roster())
        closed_through = max(store.closed_months(), default="")
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
        store.append_events([attrs.evolve(e, id=0) for e in drafts], logged_at=now, source="import")
        reprice(store, table, keys={e.staff for e in drafts}, since=min(e.at for e in drafts), roster=roster)
        return len(drafts)


def _line_number(problem: str) -> int:
    head = problem.split(":", 1)[0]
    return int(head[5:]) if head.startswith("line ") and head[5:].isdigit() else 0


# -- the priced-charges cache ------------------------------------------------------------------
#
# Pricing is a replay of the log, but a chain's log is millions of events; payroll should not
# re-price a year to print a month. The engine's charges are kept in the ``charges`` table, and
# every command that changes the log re-prices just what the change can move: the events sharing
# the changed event's ``staff`` key from its time on (occurrences never cross keys). A different rule
# table (its fingerprint) re-prices everything once; the cache is derived data, which ``verify``
# checks against a fresh pricing (``audit_charges``), since payroll reads it and not the chained log.

def fingerprint(table: RuleTable) -> str:
    """Identifies a rule table's content (not its path): the cache is valid for one fingerprint."""
    return hashlib.sha256(repr(attrs.evolve(table, path="")).encode("utf-8")).hexdigest()


def history_rules(table: RuleTable) -> tuple[str, ...]:
    """Codes of rules whose occurrences count beyond the calendar month (ever or rolling windows)."""
    codes = []
    for rule in table.rules:
        for price_ in (rule.price, *dict(rule.outcomes).values()):
            target = table.rule(price_.counts_as) if price_.counts_as else rule
            if target.window != "month":
                codes.append(rule.code)
                break
    return tuple(codes)


def history_since(table: RuleTable, since: dt.datetime) -> dt.datetime:
    """The earliest event that can be an earlier occurrence of one in a month-window rule at ``since``."""
    local = since.astimezone(table.zone)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _cache(store: Store, table: RuleTable, events: Sequence[Event], roster: dict[str, Staff], *,
           keys: Sequence[str] | None, since: dt.datetime | None) -> engine.Priced:
    """Price ``events`` (from ``since`` on) and swap the result into the cache for ``keys``."""
    priced = engine.price(events, table, roster, since=since)
    by_id = {e.id: e for e in events}
    problems = [(event_id, by_id[event_id].staff, by_id[event_id].at, message)
                for event_id, message in priced.problems]
    store.replace_charges(keys, since, charge_rows(priced.charges, table), problems)
    return priced


def charge_rows(charges: Iterable[Charge], table: RuleTable) -> Iterator[tuple[Any, ...]]:
    """Charges as the cache stores them (``storage.CHARGE_COLUMNS``), each with its statement line's JSON.

    ``seq`` numbers an event's charges in the engine's order, which is their order on a statement.
    """
    seq: Counter[int] = Counter()
    for charge in charges:
        seq[charge.event_id] += 1
        yield (payroll.month_of(charge.at, table), charge.staff_id, utc_text(charge.at), charge.event_id,
               seq[charge.event_id], charge.key, charge.rule, charge.kind, str(charge.points),
               int(charge.amount * 100), charge.disposition, payroll.line_text(payroll.line_of(charge, table)))


def reprice(store: Store, table: RuleTable, *, keys: Sequence[str] | set[str] | None, since: dt.datetime | None,
            roster: Mapping[str, Staff] | None = None) -> None:
    """Re-price the events of ``keys`` (every key when None) from ``since`` on (all time when None)."""
    keys = sorted(keys) if keys is not None else None
    load_since = history_since(table, since) if since is not None else None
    events = store.events_of(keys, since=load_since, rules=history_rules(table))
    if roster is None:
        roster = store.roster() if keys is None or len(keys) > 1 else store.roster_around(
            keys[0], extra=[who for e in events for who in (e.charge, e.by) if who])
    _cache(store, table, events, roster, keys=keys, since=since)


def ensure_priced(store: Store, table: RuleTable, *, chunk: int = 2000) -> None:
    """Re-price the whole log when the cache was made with another rule table. Call inside ``write()``.

    A few thousand keys at a time (occurrences never cross keys), so a chain's two million events
    are never all in memory at once.
    """
    wanted = fingerprint(table)
    if store.charges_fingerprint() == wanted:
        return
    store.replace_charges(None, None, (), ())
    roster = engine.IndexedRoster(store.roster())
    for keys in _key_chunks(store, chunk):
        reprice(store, table, keys=keys, since=None, roster=roster)
    store.set_charges_fingerprint(wanted)


def _key_chunks(store: Store, chunk: int) -> Iterator[list[str]]:
    """Every event key of the log and the cache, ``chunk`` at a time: what can be priced apart."""
    keys = store.charge_keys()
    for start in range(0, len(keys), chunk):
        yield keys[start:start + chunk]


def audit_charges(store: Store, table: RuleTable, *, chunk: int = 2000) -> list[str]:
    """Payroll reads the cache, not the chained log: name the first event whose cached charges a fresh
    pricing of the log does not give (the cache edited by hand). Empty when the cache is sound.

    Priced a few thousand keys at a time, so a chain's log is never held in memory whole.
    """
    if store.charges_fingerprint() != fingerprint(table):
        return []  # priced with another table: whatever reads the cache next re-prices it all first
    roster = engine.IndexedRoster(store.roster())
    wrong: set[int | None] = set()
    for part in _key_chunks(store, chunk):
        fresh = engine.price(store.events_of(part, since=None), table, roster).charges
        expected = Counter(charge_rows(fresh, table))
        stored = Counter(store.charge_rows(part))
        wrong |= {row[EVENT_ID] for row in (expected - stored) + (stored - expected)}
    if not wrong:
        return []
    first = sorted(wrong, key=lambda i: (i is None, i))[0]
    return [f"the cached charges of event {first} do not match the log: the charges table was edited behind the "
            f"program's back ({len(wrong)} event(s) affected)"]


# -- statements -------------------------------------------------------------------------------

def _reversals(store: Store, table: RuleTable, first: str, last: str) -> list[payroll.Reversal]:
    """Voids of closed months' events posted into ``first``…``last``, with the frozen lines they reverse."""
    out = []
    frozen: dict[str, list[Statement]] = {}
    for row in store.posted_voids(first, last):
        target = row["target"]
        event = store.event_row(target)
        month = payroll.month_of(dt.datetime.fromisoformat(event["at"]), table) if event else ""
        if month not in frozen:
            frozen[month] = [payroll.from_json(item) for item in store.frozen_statements(month) or []]
        lines = [(s.staff_id, line) for s in frozen[month] for line in s.lines if line.event_id == target]
        out.append(payroll.Reversal(month=row["posted_month"], event_id=target,
                                    at=dt.datetime.fromisoformat(row["logged_at"]), reason=row["reason"] or "",
                                    lines=tuple(lines)))
    return out


def month_statements(store: Store, table: RuleTable, month: str, *, staff: str | None = None,
                     remember: bool = True) -> list[Statement]:
    """Everyone's (or one person's) statement for ``month``: frozen if closed, else from the priced log.

    The replay starts from what the month before carried out (``carried_into``). ``remember=False``
    (a what-if) writes nothing, not even those balances.
    """
    closed = store.closed_months()
    if month in closed:
        frozen = [payroll.from_json(item) for item in store.frozen_statements(month) or []]
        return [s for s in frozen if staff is None or s.staff_id == staff]
    if store.charges_fingerprint() != fingerprint(table):  # re-price and read in one transaction, so a
        with store.write():  # month that cannot be stated (say, no minimum wage) leaves the cache as it was
            ensure_priced(store, table)
            return month_statements(store, table, month, staff=staff, remember=remember)
    earlier = [m for m in closed if m < month]
    roster = store.roster() if staff is None else store.roster_of([staff])
    opening = carried_into(store, table, month, roster, closed=earlier[-1] if earlier else None, staff=staff,
                           remember=remember)
    return payroll.statements(month, tallies=payroll.stored_tallies(store.month_charges(month, staff=staff), month),
                              roster=roster, table=table, frozen={}, reversals=_reversals(store, table, month, month),
                              opening=opening, first_month=month)


def carried_into(store: Store, table: RuleTable, month: str, roster: Mapping[str, Staff], *, closed: str | None,
                 staff: str | None, remember: bool, use_kept: bool = True) -> dict[str, Decimal]:
    """What each person carries into the open ``month``, ``closed`` being the latest closed month before it.

    It starts from the latest month whose balances were kept (``store.open_balances``), else from
    ``closed``; the open months in between hand on only their balances, from integer-fen sums
    (``payroll.carry_forward``) without building their statements. Everyone's balances of the month
    before ``month`` are then kept, read and written in one transaction, so that no change slips in
    between.
    """
    kept = store.open_balances(closed, month, staff) if use_kept else None
    start, opening = kept if kept else (closed, store.closed_balances(closed, staff) if closed else {})
    first = payroll.next_month(start) if start else min(store.first_charge_month() or month, month)
    if first >= month:
        return opening
    keep = remember and staff is None
    if keep and not store.in_transaction:
        with store.write():
            return carried_into(store, table, month, roster, closed=closed, staff=staff, remember=remember)
    previous = payroll.months_between(first, month)[:-1]
    reversals = _reversals(store, table, first, previous[-1])
    carried = opening
    for each in previous:  # a month at a time: a chain's year of sums is not held in memory at once
        totals = store.month_totals(each, staff=staff, with_points=table.settings.point_value != 0)
        carried = payroll.carry_forward(each, _with_reversals(totals, reversals, each), roster, table, carried)
    if keep:
        store.keep_open_balances(previous[-1], carried)
    return carried


def audit_open_balances(store: Store, table: RuleTable) -> list[str]:
    """The balances kept for open months must be what replaying those months from the log gives."""
    if store.charges_fingerprint() != fingerprint(table):
        return []  # whatever reads them next re-prices the log first, which forgets them
    closed = max(store.closed_months(), default=None)
    roster = store.roster()
    for month in store.kept_open_months():
        if closed is not None and month <= closed:
            continue  # older than the latest closed month: never read again
        _, kept = store.open_balances(closed, payroll.next_month(month)) or (month, {})
        fresh = carried_into(store, table, payroll.next_month(month), roster, closed=closed, staff=None,
                             remember=False, use_kept=False)
        wrong = sorted(name for name in {*kept, *fresh} if kept.get(name, 0) != fresh.get(name, 0))
        if wrong:
            return [f"the balance kept for {wrong[0]} at the end of {month} is not what the log gives: the "
                    f"open_balances table was edited behind the program's back ({len(wrong)} person(s) affected)"]
    return []


def _with_reversals(totals: payroll.Totals, reversals: Sequence[payroll.Reversal], month: str) -> payroll.Totals:
    """Add the reversal lines posted into ``month`` to their people's sums."""
    lines_by_key = payroll.reversal_lines(r for r in reversals if r.month == month)
    if not lines_by_key:
        return totals
    out = {staff_id: (dict(sums), points) for staff_id, (sums, points) in totals.items()}
    for (staff_id, _), lines in lines_by_key.items():
        sums, points = out.setdefault(staff_id, ({}, Decimal(0)))
        for line in lines:
            sums[line.kind] = sums.get(line.kind, Decimal(0)) + line.amount
            points += line.points
        out[staff_id] = (sums, points)
    return out


def replay_statements(store: Store, table: RuleTable, month: str) -> list[Statement]:
    """The month replayed in memory from the whole log under ``table``, closed months ignored.

    For a what-if under a proposed table; it writes nothing and uses no cache.
    """
    roster = store.roster()
    priced = engine.price(store.events(), table, roster)
    return payroll.statements(month, charges=priced.charges, roster=roster, table=table, frozen={})


def pricing_problems(store: Store, table: RuleTable, month: str) -> list[tuple[int, str]]:
    """Events of ``month`` that could not be priced (they cost nothing until fixed), one sentence each."""
    first, last = payroll.month_bounds(month)
    tz = table.zone
    return store.pricing_problems(dt.datetime.combine(first, dt.time(), tz),
                                  dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tz))


def scorecard(store: Store, table: RuleTable, staff_id: str, month: str) -> Statement:
    if not store.staff_exists(staff_id):
        raise DisciplineError(f"unknown staff {staff_id!r}; 'discipline staff list' shows the ids")
    for statement in month_statements(store, table, month, staff=staff_id):
        return statement
    raise DisciplineError(f"{staff_id} has no statement for {month} (not yet hired, or left before it)")


def render_payroll(month: str, statements: Sequence[Statement], table: RuleTable, fmt: str) -> bytes:
    return b"".join(payroll_chunks(month, statements, table, fmt))


def payroll_chunks(month: str, statements: Sequence[Statement], table: RuleTable, fmt: str) -> Iterator[bytes]:
    """The payroll file in pieces: a chain's JSON is written a statement at a time, never whole in memory."""
    if fmt in ("csv", "html"):
        from . import reports  # Jinja and the templates: not for the JSON a chain's payroll system reads

        yield (reports.payroll_csv(statements, table) if fmt == "csv"
               else reports.payroll_html(month, statements, table).encode("utf-8"))
    elif not statements:
        yield b"[]\n"
    else:  # one statement per line: readable, and json's C encoder (indent= falls back to pure Python)
        for index, statement in enumerate(statements):
            yield ("[\n" if index == 0 else ",\n").encode("utf-8")
            yield payroll.dumps(statement).encode("utf-8")
        yield b"\n]\n"


def payroll_export(store: Store, table: RuleTable, month: str, fmt: str) -> Iterator[bytes]:
    """The payroll file of ``month``; a closed month's is the exact bytes stored when it was closed."""
    frozen = store.frozen_export(month, fmt)
    if frozen is not None:
        return iter([frozen if isinstance(frozen, bytes) else frozen.encode("utf-8")])
    return payroll_chunks(month, month_statements(store, table, month), table, fmt)


def close(store: Store, table: RuleTable, month: str, *, now: dt.datetime) -> list[Statement]:
    """Freeze a month: its statements and the bytes of every payroll export, forever."""
    _, last = payroll.month_bounds(month)
    if now.date() <= last:
        raise DisciplineError(f"{month} has not ended yet (today is {now:%Y-%m-%d}); close a month after its last day")
    with store.write():
        closed = store.closed_months()
        if month in closed:
            raise DisciplineError(f"{month} is already closed (on {closed[month]['closed_at'][:10]}); a closed month "
                                  "never changes")
        earlier = payroll.month_of(store.first_violation_at() or now, table)
        previous = earlier
        while previous < month:
            if previous not in closed:
                raise DisciplineError(f"{previous} is still open; close the months in order, {previous} first")
            previous = payroll.next_month(previous)
        statements = month_statements(store, table, month)
        exports = {fmt: render_payroll(month, statements, table, fmt) for fmt in PAYROLL_FORMATS}
        store.set_closed_balances(month, {s.staff_id: s.carried_out for s in statements})
        store.close_month(month, "[" + ", ".join(payroll.dumps(s) for s in statements) + "]",
                          closed_at=now, exports={"csv": exports["csv"], "html": exports["html"].decode("utf-8"),
                                                  "json": exports["json"].decode("utf-8")})
        return statements


def what_if(store: Store, current: RuleTable, proposed: RuleTable, month: str) -> tuple[list[Statement],
                                                                                         list[Statement]]:
    """The month under the table in force and under a proposed one; writes nothing."""
    return month_statements(store, current, month, remember=False), replay_statements(store, proposed, month)


# -- staff ------------------------------------------------------------------------------------

def import_staff(store: Store, table: RuleTable, data: bytes) -> tuple[int, int]:
    """Add or update the roster from CSV bytes: (added, updated); any bad row refuses the whole file."""
    from . import roster as roster_file

    try:
        text = textfile.decode(data)
    except ValueError as exc:
        raise DisciplineError(str(exc)) from None
    with store.write():
        existing = store.roster()
        people, problems = roster_file.read_roster(text, table, existing)
        if problems:
            raise FileRefused("roster", problems)
        if not people:
            raise DisciplineError("the roster file has a header but no rows; nothing was imported")
        ensure_priced(store, table)
        changed = [p for p in people if existing.get(p.id) != p]
        store.upsert_staff(changed)
        if changed:  # a person's store, role, supervisor or wage can move what their store's events cost
            stores = {p.store for p in changed} | {existing[p.id].store for p in changed if p.id in existing}
            roster = store.roster()
            keys = {s.id for s in roster.values() if s.store in stores} | store.team_keys()
            reprice(store, table, keys=keys, since=None, roster=roster)
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
        new = store.add_punches(rows, source=Path(path).name, imported_at=now)
        return PunchImport(len(rows), new, parsed.problems, store.unmatched_punch_staff())


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
        roster = store.roster()
        since = dt.datetime.combine(first, dt.time(), tz)
        end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tz)
        punches = [attendance.StoredPunch(id=i, staff_id=s, at=at.astimezone(tz))
                   for i, s, at in store.punches(since, end)]
        leave = [attendance.Leave(staff_id=s, day=d, part=p) for s, d, p in store.leave(first, last)]
        result = attendance.derive(month, punches=punches, roster=roster, table=table,
                                   schedule=store.schedule(first, last), leave=leave, until=until)
        ensure_priced(store, table)
        known = store.derived_keys()
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
        store.append_derived(new, logged_at=now)
        # Punches imported late (a forgotten export) can undo an absence derived before: withdraw it.
        judged_until = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tz)
        wanted = {item.key for item in result.events}
        stale = {event_id: key for key, event_id in store.live_derived(since, judged_until).items()
                 if key not in wanted}
        store.append_voids(sorted(stale), reason="no longer supported by the punches, schedule or leave",
                           logged_at=now)
        changed = [e for e, _, _ in new] + [e for e in store.events_by_id(sorted(stale))]
        if changed:
            reprice(store, table, keys={e.staff for e in changed}, since=min(e.at for e in changed), roster=roster)
        return Derived(len(new), already, len(stale), result.missing, result.notes, tuple(refused))


def import_schedule(store: Store, table: RuleTable, data: bytes) -> int:
    from . import attendance

    try:
        text = textfile.decode(data)
    except ValueError as exc:
        raise DisciplineError(str(exc)) from None
    with store.write():
        entries, problems = attendance.read_schedule(text, store.roster(), table)
        if problems:
            raise FileRefused("schedule", problems)
        store.set_schedule(entries)
        return len(entries)


def import_leave(store: Store, data: bytes) -> int:
    from . import attendance

    try:
        text = textfile.decode(data)
    except ValueError as exc:
        raise DisciplineError(str(exc)) from None
    with store.write():
        entries, problems = attendance.read_leave(text, store.roster())
        if problems:
            raise FileRefused("leave file", problems)
        store.add_leave([(e.staff_id, e.day, e.part) for e in entries])
        return len(entries)


class FileRefused(DisciplineError):
    """A file has problems; nothing of it was imported. ``problems`` lists every one."""

    def __init__(self, what: str, problems: Sequence[Any]) -> None:
        self.problems = [str(p) for p in problems]
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(f"the {what} was not imported: {self.problems[0]}{more}")
