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
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from . import (
    adjustments,
    batches,
    cache,
    changes,
    engine,
    lookup,
    payroll,
    roster_history,
    statements,
    textfile,
    versions,
)
from .changes import Change
from .logfile import party_line
from .model import Charge, DisciplineError, Event, FileRefused, RuleBook, RuleTable, StaffHistory, Statement
from .storage import Store
from .wording import Said, said_of, say


def parse_month(text: str) -> str:
    """``2026-11`` as given, or DisciplineError with the allowed form."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        if not (2000 <= year <= 2100 and 1 <= month <= 12) or len(text.strip()) != 7:
            raise ValueError
    except ValueError:
        raise DisciplineError(say("not_a_month", typed=repr(text))) from None
    return f"{year:04d}-{month:02d}"


def parse_time(text: str, table: RuleTable | RuleBook, *, now: dt.datetime | None = None) -> dt.datetime:
    """A time as a lead types it (``typed.local_time``: ``2026-11-03 8:42``, ``11/3 8:42``, ``08:42``…) as
    local time in the store's zone (aware); the forms without a year or a date need ``now``."""
    from .typed import local_time

    try:
        return local_time(text, table.zone, now=now)
    except ValueError as exc:
        said = getattr(exc, "said", None)
        raise DisciplineError(say("time_refused", why=said) if said else f"time {exc}") from None


def open_store(path: Path, *, create: bool = False, read_only: bool = False) -> Store:
    store = Store(path, create=create, read_only=read_only)
    if not create:
        store.check_schema()
    return store


# -- the log ----------------------------------------------------------------------------------

@attrs.frozen
class Logged:
    event_id: int
    charges: tuple[Charge, ...]
    """The event's own charges."""
    changed: tuple[Change, ...]
    """Every charge the event moved, its own included (before → after)."""
    posted_month: str | None
    """When the event's month is closed: the open month its charges are posted into."""
    staff: str = ""
    """Who it was logged against, as the roster has them (``g01`` typed is ``G01``)."""


def latest_closed(store: Store) -> str | None:
    return store.months.latest()


def posting_month(store: Store, month: str) -> str | None:
    """None for an open month; for a closed one (or one before the latest closed, as months close in
    order), the first open month, where changes to it are paid."""
    latest = latest_closed(store)
    return payroll.next_month(latest) if latest is not None and month <= latest else None


#: The fields of an event that name a person, and how a refusal says where the id was given.
_PEOPLE = (("staff", Said("", "")), ("charge", say("given_with", option="--charge")),
           ("by", say("given_with", option="--by")))


def _as_stored(event: Event, find: Callable[[str, str], str]) -> Event:
    """``event`` with its people's ids as the roster has them (``g01`` is ``G01``), each as ``find(typed,
    where)`` gives it: a lead's ``log`` asks the database and refuses an id nobody has, naming the nearest
    people; a file's rows look it up in the roster read once and leave an unknown id to the row's check."""
    ids = {field: find(typed, where) for field, where in _PEOPLE
           if (typed := getattr(event, field)) and not typed.startswith(engine.TEAM_PREFIX)}
    moved = {field: found for field, found in ids.items() if found != getattr(event, field)}
    return attrs.evolve(event, **moved) if moved else event


def log(store: Store, table: RuleTable | RuleBook, event: Event, *, now: dt.datetime, again: bool = False,
        confirm: bool = False) -> Logged:
    """Record one violation and return what it cost. ``event.id`` is ignored (the log assigns it).

    A violation of a closed month keeps its true time; what it changes there is posted into the first
    open month (``adjustments.py``). The same violation logged twice (``Event.identity``) is refused
    unless ``again``; a value or loss beyond the plausible limit (``plausible.py``) unless ``confirm``.
    """
    from . import plausible

    if event.at > now:
        raise DisciplineError(say("in_the_future", at=f"{event.at:%Y-%m-%d %H:%M:%S}", now=f"{now:%Y-%m-%d %H:%M}"))
    event = _as_stored(event, store.staff.known)
    with store.write():
        book = versions.current(store, table)  # inside the lock: a version may have been published meanwhile
        cache.ensure_priced(store, book, keys=[event.staff])
        month = payroll.month_of(event.at, book)
        posted = posting_month(store, month)
        history = store.log.events_of([event.staff], since=cache.history_since(book, event.at),
                                      rules=cache.history_rules(book, event.at))
        people = store.staff.around(event.staff, extra=[who for e in (*history, event) for who in (e.charge, e.by)
                                                        if who])
        day = event.at.astimezone(book.zone).date()
        engine.resolve(event, book.at(day), people.at(day))  # refuses bad input before anything is written
        implausible = None if confirm else plausible.event_problem(event, book.at(day), people.at(day), option=True)
        if implausible:
            raise DisciplineError(implausible)
        if not again:
            _refuse_duplicate(event, history, book)
        draft = attrs.evolve(event, id=max((e.id for e in history), default=0) + 1_000_000_000)
        priced = engine.price([*history, draft], book, people, since=event.at)
        problem = dict(priced.problems).get(draft.id)
        if problem:
            raise DisciplineError(problem)
        event_id = store.log.append_event(event, logged_at=now)
        final = attrs.evolve(event, id=event_id)
        cached, diff = cache.price_into_cache(store, book, [*history, final], people, keys=[event.staff],
                                              since=event.at)
        if posted:
            adjustments.post(store, book, diff, closed_through=latest_closed(store) or "", posted_month=posted,
                             cause=event_id, because=say("late_entry", event=event_id), now=now, logged={event_id})
        return Logged(event_id, tuple(c for c in cached.charges if c.event_id == event_id),
                      tuple(changes.changes(diff, closed_through=latest_closed(store), posted_month=posted)), posted,
                      event.staff)


def identity(event: Event, table: RuleTable | RuleBook) -> tuple[object, ...]:
    """``Event.identity`` with the rule's default outcome in the version that prices it."""
    book = RuleBook.single(table)
    versioned = book.at(event.at.astimezone(book.zone).date())
    return event.identity(versioned.rule(event.rule).default_outcome if versioned.has_rule(event.rule) else None)


def _refuse_duplicate(event: Event, history: Iterable[Event], table: RuleTable | RuleBook) -> None:
    same = [e for e in history if not e.voided and identity(e, table) == identity(event, table)]
    if same:
        earlier = same[0]
        book = RuleBook.single(table)
        versioned = book.at(event.at.astimezone(book.zone).date())
        name = versioned.rule(event.rule).name_zh if versioned.has_rule(event.rule) else event.rule
        raise DisciplineError(say("logged_twice", staff=event.staff, event=earlier.id,
                                  rule=Said(f"{name}（{event.rule}）", event.rule),
                                  at=f"{earlier.at.astimezone(book.zone):%Y-%m-%d %H:%M}"))


@attrs.frozen
class Voided:
    posted_month: str | None
    """When the event's month is closed: the open month its reversal is posted into."""
    changed: tuple[Change, ...]
    events: tuple[int, ...] = ()
    """The events withdrawn: the one named, and the others logged together with it."""


def log_together(store: Store, table: RuleTable | RuleBook, events: Sequence[Event], *, now: dt.datetime,
                 again: bool = False, confirm: bool = False) -> list[Logged]:
    """One violation of several people, for a rule whose wording charges every party (``Rule.every_party``):
    each gets an event of their own (their own charge and count of occurrences), in one transaction, and the
    events are one group (``storage.groups``) that a void withdraws whole."""
    book = RuleBook.single(table)
    rule = book.at(events[0].at.astimezone(book.zone).date()).rule(events[0].rule)
    if not rule.every_party:
        raise DisciplineError(say("one_party", code=rule.code))
    typed = [e.staff for e in events]
    if any(who.startswith(engine.TEAM_PREFIX) for who in typed) or len({who.casefold() for who in typed}) < len(typed):
        raise DisciplineError(say("parties_distinct"))
    with store.write():
        logged = [log(store, table, event, now=now, again=again, confirm=confirm) for event in events]
        store.groups.add([item.event_id for item in logged])
    return logged


def void(store: Store, table: RuleTable | RuleBook, event_id: int, *, reason: str, by: str | None,
         now: dt.datetime) -> Voided:
    """Withdraw an event (and the others of its group, logged together with it); the events after them are
    re-priced. An event of a closed month is reversed in the first open month, with the ladder steps its
    withdrawal moves there (``adjustments.py``)."""
    if not reason.strip():
        raise DisciplineError(say("needs_reason"))
    with store.write():
        if store.log.event_row(event_id) is None:
            raise DisciplineError(say("no_event", event=event_id))
        if store.log.is_voided(event_id):
            raise DisciplineError(say("already_withdrawn", event=event_id))
        if by is not None and not store.staff.exists(by):
            raise lookup.unknown_staff(by, store.staff.roster(), say("given_with", option="--by"))
        done = [_void_one(store, table, member, reason=reason, by=by, now=now)
                for member in store.groups.members(event_id) if not store.log.is_voided(member)]
        return Voided(next((d.posted_month for d in done if d.posted_month), None),
                      tuple(change for d in done for change in d.changed), tuple(store.groups.members(event_id)))


def _void_one(store: Store, table: RuleTable | RuleBook, event_id: int, *, reason: str, by: str | None,
              now: dt.datetime) -> Voided:
    with store.write():
        table = versions.current(store, table)
        row = store.log.event_row(event_id)
        at = dt.datetime.fromisoformat(row["at"])
        month = payroll.month_of(at, table)
        posted = posting_month(store, month)
        cache.ensure_priced(store, table, keys=[row["staff"]])
        void_id = store.log.append_void(event_id, reason=reason.strip(), by=by, logged_at=now, posted_month=posted)
        diff = cache.reprice(store, table, keys=[row["staff"]], since=at)
        changed = changes.changes(diff, closed_through=latest_closed(store), posted_month=posted)
        if posted:
            taken_back = adjustments.post(store, table, diff, closed_through=latest_closed(store) or "",
                                          posted_month=posted, cause=void_id,
                                          because=say("withdrawal_of_event", event=event_id), now=now,
                                          voided={event_id: month}, reason=reason.strip())
            changed = changes.replaced(changed, taken_back)
        return Voided(posted, tuple(changed))


#: Rows of an events file appended in one transaction. A bigger file is logged in parts of about this many
#: rows, each person's rows in one part and each part a transaction of its own, so that a chain's month in one
#: file holds a lead's ``log`` up about a second at a time instead of for the whole file (7.9 s at 2,000 stores).
PART_ROWS = 20_000

#: Punches stored in one transaction: a chain's month of them (a million) held the write lock 27 s. A
#: machine number's punches are never split; ``attendance derive`` and ``close`` wait for the last part.
PART_PUNCHES = 50_000


@attrs.frozen
class Imported:
    """What ``events import`` did."""

    batch: int | None
    """The batch that holds the file's events: the new one, or the earlier one when ``already``."""
    logged: int
    duplicates: tuple[str, ...]
    """One sentence per row skipped as the same as a live event (``Event.identity``)."""
    already: bool = False
    """The same file (by SHA-256) was imported before and not undone: nothing was logged."""
    posted_month: str | None = None
    changed: tuple[Change, ...] = ()
    parts: int = 1
    """Transactions the file was logged in (``PART_ROWS``)."""
    continued: int = 0
    """Rows an earlier run of the same file logged into ``batch`` before it was stopped (this run finished it)."""


@attrs.define
class _Part:
    """Some people's rows of an events file: appended in one transaction."""

    rows: list[tuple[int, Event]]
    """As read (line, event): what is checked again when the roster or the rules changed meanwhile."""
    checked: list[Event]
    drafts: list[Event] = attrs.field(factory=list)
    duplicates: list[str] = attrs.field(factory=list)
    held: list[int] = attrs.field(factory=list)
    continued: int = 0
    stale: bool = False
    """Someone logged one of its people, or voided an event it holds, since it was told from duplicates."""


def import_events(store: Store, table: RuleTable | RuleBook, data: bytes, *, now: dt.datetime, file: str = "",
                  by: str | None = None, allow_duplicates: bool = False, confirm: bool = False) -> Imported:
    """Log every violation of a CSV file, as one batch; any bad row refuses the whole file (a value or loss
    beyond the plausible limit too, unless ``confirm``).

    A file imported before (same SHA-256, not undone) logs nothing; a row that is the same violation as
    a live event, or as an earlier row, is skipped unless ``allow_duplicates``. Rows of closed months
    keep their times and post their changes into the first open month.

    The write lock is held as briefly as the batch allows, so that store leads can log meanwhile: the rows
    are checked, and told from duplicates, before it, in one snapshot (checked again inside it only if the
    roster, a rule version or a closed month changed in between, which the seals tell; told from
    duplicates again only if one of the part's people was logged meanwhile, or an event it repeats was
    voided); once the events are appended, the keys they reach are re-priced in steps of about a second
    each (``cache.settle_keys``; inline when few, or when a closed month's changes must be posted with the
    batch). A file of more than ``PART_ROWS`` rows is appended in parts, a transaction each: its batch is
    marked unfinished until the last part commits, ``close`` waits for it, and a run stopped half-way is
    finished by running the same file again (its rows already logged are recognised) or withdrawn by
    ``undo``.
    """
    from . import logfile

    digest = batches.sha256(data)
    try:
        text = textfile.decode(data)
    except ValueError as exc:
        raise DisciplineError(said_of(exc)) from None
    book = RuleBook.single(table)
    rows, read_problems = logfile.read_events(text, book.zone)
    read = len(rows)
    del data, text  # the events are what is needed now
    with store.read():
        fence, checked_with, log_head = store.seals.fence(), versions.current(store, book), store.log.head()[0]
        own = _unfinished(store, digest)
        if own is not None and allow_duplicates:
            raise DisciplineError(say("rerun_without_duplicates", batch=own))
        checked = _checked_rows(store, checked_with, rows, list(read_problems), now=now, confirm=confirm)
        parts = _parts(rows, checked)
        del checked
        for part in parts:
            part.drafts = part.checked
            if not allow_duplicates:
                _without_duplicates(store, part, checked_with, own=own)
    cache.settle_first(store, versions.follow(book), {e.staff for part in parts for e in part.checked})
    batch, logged, posted, later, changed, again = None, 0, None, cache.Later(), [], False
    for number, part in enumerate(parts, 1):
        if number > 1:
            cache.let_in(store)
        with store.write():
            if number == 1:
                found = store.batches.with_file("events import", digest)
                if found is not None and not found["details"].get("unfinished"):
                    return Imported(batch=found["id"], logged=0, duplicates=(), already=True)
                if (found and found["id"]) != own:  # another run of the file began, or was undone, meanwhile
                    own, again = found and found["id"], True
            else:
                _not_undone(store, batch, logged)
            book = versions.current(store, book)
            if not allow_duplicates:  # a lead's entry, or a void, since the last look: whose parts to tell again
                logged_for, voided = store.log.touched_since(log_head)
                for waiting in parts[number - 1:]:
                    waiting.stale = waiting.stale or again or any(e.staff in logged_for for e in waiting.checked) \
                        or not voided.isdisjoint(waiting.held)
            try:
                rechecked = store.seals.fence() != fence or book.latest.number != checked_with.latest.number
                if rechecked:
                    part.checked = part.drafts = _checked_rows(store, book, part.rows, [], now=now, confirm=confirm)
                if not allow_duplicates and (rechecked or part.stale):
                    _without_duplicates(store, part, book, own=own)
            except DisciplineError as exc:
                if batch is None:
                    raise
                raise DisciplineError(say("stopped_in_part", why=said_of(exc), count=f"{logged:,}",
                                          batch=batch)) from None
            fence, checked_with = store.seals.fence(), book
            cache.ensure_priced(store, book, keys={e.staff for e in part.checked})
            latest = latest_closed(store)
            if batch is None:
                # A batch even when every row was in the log already: it holds those events, so that undoing the
                # batch that logged them leaves them (``batches.undo``).
                batch = own or store.batches.add("events import", at=now, file=file, sha256=digest, by=by)
            store.batches.hold(batch, part.held)
            if part.drafts:
                ids = store.log.append_events(part.drafts, logged_at=now, source="import", batch=batch)
                earliest = min(e.at for e in part.drafts)
                posted_here = posting_month(store, payroll.month_of(earliest, book))
                posted = posted or posted_here
                # A closed month's moves are posted with the part; else many people's are priced after the commit,
                # and every part's when the file comes in parts.
                diff, moved_later = cache.reprice_or_later(store, book, keys={e.staff for e in part.drafts},
                                                           since=earliest, later=not posted_here,
                                                           few=None if len(parts) == 1 else 0)
                later += moved_later
                changed.extend(changes.changes(diff, closed_through=latest, posted_month=posted_here))
                if posted_here:
                    adjustments.post(store, book, diff, closed_through=latest or "", posted_month=posted_here,
                                     cause=ids[0], because=say("late_entries", batch=batch), now=now, logged=set(ids))
                logged += len(part.drafts)
            duplicates = sum(len(p.duplicates) for p in parts)
            details = {"rows": read, "duplicates": duplicates}
            if number < len(parts):
                details["unfinished"] = True
            store.batches.set_counts(batch, events=store.log.count_of_batch(batch), details=details)
            if number == len(parts):  # with the last part, in its transaction: a finished batch has its groups
                _group_parties(store, batch, rows)
            log_head = store.log.head()[0]
            part.rows = part.checked = part.drafts = []  # the log has them now
    if later.keys:  # each step's moves are said as it goes: a chain's month of them is never held as rows
        changed = later.moved(store, versions.follow(book), changed)
    return Imported(batch=batch, logged=logged, duplicates=tuple(d for p in parts for d in p.duplicates),
                    posted_month=posted, changed=tuple(changed), parts=len(parts),
                    continued=sum(p.continued for p in parts))


def _not_undone(store: Store, batch: int | None, done: int, *, what: str = "rows") -> None:
    """Between two parts of a batch: stop when someone undid it meanwhile (the rest would be held by nothing)."""
    found = store.batches.get(batch) if batch is not None else None
    if found is not None and found["undone_by"] is not None:
        raise DisciplineError(say("undone_meanwhile", batch=batch, undo=found["undone_by"], count=f"{done:,}",
                                  what=say(what)))


def _unfinished(store: Store, digest: str) -> int | None:
    """The batch of an earlier run of this file that was stopped before its last part, if any."""
    found = store.batches.with_file("events import", digest)
    return found["id"] if found is not None and found["details"].get("unfinished") else None


def _parts(rows: Sequence[tuple[int, Event]], checked: list[Event]) -> list[_Part]:
    """``checked`` (each event's ``id`` its line) in parts of about ``PART_ROWS`` rows (``batches.in_parts``: the
    same violation twice in a file is the same person's, so it is told in one part), with the rows as read
    beside them, each part in the file's order."""
    parts = [_Part([], sorted(events, key=lambda e: e.id)) for events in batches.in_parts(checked, PART_ROWS)]
    part_of = {event.id: part for part in parts for event in part.checked}
    for line, event in rows:  # a row of several people is theirs in each of their parts
        if event.id in part_of:
            part_of[event.id].rows.append((line, event))
    return parts


def _checked_rows(store: Store, book: RuleBook, rows: Sequence[tuple[int, Event]], problems: list[Said], *,
                  now: dt.datetime, confirm: bool) -> list[Event]:
    """The file's events as drafts (``id`` is the row's line); every bad row refuses the whole file."""
    from . import plausible

    people = store.staff.history()
    known = lookup.Ids(people.versions)
    drafts = []
    for line, event in rows:
        try:
            if event.at > now:
                raise DisciplineError(say("row_in_future", at=f"{event.at:%Y-%m-%d %H:%M}"))
            day = event.at.astimezone(book.zone).date()
            event = _as_stored(event, lambda typed, _: known(typed) or typed)
            if event.by is not None and event.by not in people.at(day):
                raise lookup.unknown_staff(event.by, people.at(day), say("in_column", column="by"))
            engine.resolve(event, book.at(day), people.at(day))
            implausible = None if confirm else plausible.event_problem(event, book.at(day), people.at(day),
                                                                       option=False)
            if implausible:
                raise DisciplineError(implausible)
        except DisciplineError as exc:
            problems.append(say("at_line", line=line, message=said_of(exc)))
            continue
        drafts.append(event if party_line(event.id) == line else attrs.evolve(event, id=line))
    _check_parties(drafts, book, problems)
    by_key: dict[str, list[Event]] = defaultdict(list)
    for event in drafts:
        by_key[event.staff].append(event)
    keys = sorted(by_key)
    for start in range(0, len(keys), cache.CHUNK):  # occurrences never cross keys: priced apart, in bounded memory
        priced = engine.price([e for key in keys[start:start + cache.CHUNK] for e in by_key[key]], book, people)
        problems.extend(say("at_line", line=party_line(event_id), message=message)
                        for event_id, message in priced.problems)
    if problems:
        raise FileRefused(say("events_file"), sorted(problems, key=_line_number))
    if not drafts:
        raise DisciplineError(say("no_rows_logged"))
    return drafts


def _check_parties(drafts: Sequence[Event], book: RuleBook, problems: list[Said]) -> None:
    """A row naming several people is one violation of a rule whose wording charges every party, each of
    them once (``log C01,C02 RULE`` alike)."""
    parties: dict[int, list[Event]] = defaultdict(list)
    for event in drafts:
        parties[party_line(event.id)].append(event)
    for line, events in parties.items():
        if len(events) < 2:
            continue
        rule = book.at(events[0].at.astimezone(book.zone).date()).rule(events[0].rule)
        if not rule.every_party:
            problems.append(say("at_line", line=line, message=say("one_party", code=rule.code)))
        elif len({e.staff for e in events}) < len(events) or any(e.staff.startswith(engine.TEAM_PREFIX)
                                                                 for e in events):
            problems.append(say("at_line", line=line, message=say("parties_distinct")))


def _group_parties(store: Store, batch: int | None, rows: Sequence[tuple[int, Event]]) -> None:
    """Tie the events of each row that named several people into one group (a void withdraws them all), with
    the file's last part: its rows' people may have been logged in different parts, or by an earlier run
    stopped half-way."""
    wanted: dict[int, list[tuple[str, str, dt.datetime]]] = defaultdict(list)
    for line, event in rows:  # the rows hold ids as typed (c01), the log as the roster has them (C01)
        wanted[line].append((event.staff.casefold(), event.rule, event.at))
    wanted = {line: found for line, found in wanted.items() if len(found) > 1}
    if batch is None or not wanted:
        return
    logged = {(e.staff.casefold(), e.rule, e.at): e.id for e in store.log.of_batch(batch) if not e.voided}
    for members in wanted.values():
        ids = sorted(logged[key] for key in members if key in logged)
        if len(ids) > 1 and store.groups.members(ids[0]) == [ids[0]]:
            store.groups.add(ids)


def _without_duplicates(store: Store, part: _Part, table: RuleTable | RuleBook, *, own: int | None) -> None:
    """Keep as ``part.drafts`` the checked rows that are not the same violation as a live event or an earlier
    row; a sentence for each other (``duplicates``), and the live events the file holds again (``held``).
    Rows that ``own`` (this file's unfinished batch) logged already are counted as ``continued``."""
    drafts = part.checked
    part.drafts, part.duplicates, part.held, part.continued = [], [], [], 0
    if not drafts:
        return
    first = min(e.at for e in drafts).replace(second=0, microsecond=0)
    last = max(e.at for e in drafts) + dt.timedelta(minutes=1)
    keys = sorted({e.staff for e in drafts})
    live: dict[tuple[object, ...], Event] = {}
    for start in range(0, len(keys), 500):  # a few hundred people's events at a time
        live.update((identity(e, table), e) for e in store.log.between(keys[start:start + 500], first, last)
                    if not e.voided)
    seen: dict[tuple[object, ...], int] = {}
    for event in drafts:  # ``id`` is the row's line
        same = identity(event, table)
        found = live.get(same)
        if found is not None and own is not None and found.batch == own:
            part.continued += 1
        elif found is not None:
            part.held.append(found.id)
            part.duplicates.append(f"line {party_line(event.id)}: the same as event {found.id} already in the log "
                                   f"({event.staff} {event.rule} {event.at.astimezone(table.zone):%Y-%m-%d %H:%M})")
        elif same in seen:
            part.duplicates.append(f"line {party_line(event.id)}: the same as line {seen[same]}")
        else:
            seen[same] = party_line(event.id)
            part.drafts.append(event)


def _line_number(problem: Said) -> int:
    head = problem.en.split(":", 1)[0]
    return int(head[5:]) if head.startswith("line ") and head[5:].isdigit() else 0


# -- statements -------------------------------------------------------------------------------

def scorecard(store: Store, table: RuleTable | RuleBook, staff_id: str, month: str) -> Statement:
    staff_id = store.staff.known(staff_id)
    for statement in statements.month_statements(store, table, month, staff=staff_id):
        return statement
    raise DisciplineError(say("no_statement", staff=staff_id, month=month))


def close(store: Store, table: RuleTable | RuleBook, month: str, *, now: dt.datetime) -> list[Statement]:
    """Freeze a month: its statements and the bytes of every payroll export, forever."""
    _, last = payroll.month_bounds(month)
    if now.date() <= last:
        raise DisciplineError(say("not_ended", month=month, today=f"{now:%Y-%m-%d}"))
    with store.write():
        table = versions.current(store, table)
        closed = store.months.closed()
        if month in closed:
            raise DisciplineError(say("already_closed", month=month, day=closed[month]["closed_at"][:10]))
        for batch in store.batches.unfinished():
            raise DisciplineError(say("then_close", why=batches.unfinished(batch), month=month))
        latest = store.months.latest()
        if latest is not None and month < latest:
            raise DisciplineError(say("before_closed", month=month, latest=latest, next=payroll.next_month(latest)))
        first = store.log.first_violation_at() or now
        previous = payroll.next_month(latest) if latest else payroll.month_of(first, table)
        if previous < month:
            raise DisciplineError(say("still_open", previous=previous))
        frozen = statements.month_statements(store, table, month)
        versioned = statements.table_of(table, month)
        head = store.chain_head()  # printed on the files: the paper copies pin the chains as they stand now
        exports = {fmt: statements.render_payroll(month, frozen, versioned, fmt, head)
                   for fmt in statements.PAYROLL_FORMATS}
        store.months.set_balances(month, {s.staff_id: s.carried_out for s in frozen})
        store.months.close(month, "[" + ", ".join(payroll.dumps(s) for s in frozen) + "]",
                           closed_at=now, exports={"csv": exports["csv"], "html": exports["html"].decode("utf-8"),
                                                   "json": exports["json"].decode("utf-8")})
        return frozen


def what_if(store: Store, current: RuleTable | RuleBook, proposed: RuleTable, month: str) -> tuple[list[Statement],
                                                                                         list[Statement]]:
    """The month under the table in force and under a proposed one; writes nothing."""
    return (statements.month_statements(store, current, month, remember=False),
            statements.replay_statements(store, proposed, month))


# -- staff ------------------------------------------------------------------------------------

def import_staff(store: Store, table: RuleTable | RuleBook, data: bytes, *, now: dt.datetime, file: str = "",
                 by: str | None = None, effective: dt.date | None = None, dry_run: bool = False,
                 confirm: bool = False) -> roster_history.RosterChange:
    """Add or update the roster from CSV bytes, as one batch, each change from ``effective`` (default
    today); any bad row refuses the whole file (``roster_history``)."""
    return roster_history.import_file(store, table, data, effective=effective or now.date(), now=now, file=file,
                                      by=by, dry_run=dry_run, confirm=confirm)


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
    """Machine numbers of this file that nobody on the roster has, with how many punches each (the punches
    are kept, and count once the person is added, or given that number in the pin column)."""
    batch: int | None = None
    """The batch that holds the new punches (None when nothing was new), or the earlier one when ``already``."""
    already: bool = False
    """The same file (by SHA-256) was imported before and not undone."""
    parts: int = 1
    """Transactions the punches were stored in (``PART_PUNCHES``)."""
    continued: int = 0
    """Punches an earlier run of the same file, stopped half-way, had stored into ``batch`` (this run
    finished it)."""


def import_punches(store: Store, table: RuleTable | RuleBook, path: Path, fmt: str | None, *, now: dt.datetime,
                   by: str | None = None) -> PunchImport:
    from . import attendance, punchfiles

    try:
        parsed = punchfiles.read_punch_file(Path(path), fmt).near(now.date())  # a clock gone wrong: skipped
        digest = batches.sha256_file(path)  # a megabyte at a time: the file may be hundreds of MB
    except punchfiles.PunchFileError as exc:
        said = said_of(exc)  # one sentence, without its stop, in either language
        raise DisciplineError(Said(said.zh.rstrip("。."), said.en.rstrip("."))) from None
    tz = table.zone
    read = len(parsed.punches)
    numbers = parsed.punches.staff_counts()
    try:  # staged before the lock; stored in parts of some people's punches, a transaction each
        parts = store.attendance.stage_punches(parsed.punches.rows(), zone=tz, part=PART_PUNCHES)
        batch, new, earlier = None, 0, 0
        for number, (first, last) in enumerate(parts or [("", "")], 1):
            if number > 1:
                cache.let_in(store)
            with store.write():
                if number == 1:
                    held = store.batches.with_file("punches import", digest)
                    if held is not None and not held["details"].get("unfinished"):
                        return PunchImport(read, 0, parsed.problems, {}, batch=held["id"], already=True)
                    known = {attendance.pin_key(person.machine_number) for person in store.staff.roster().values()}
                    unknown = {number: count for number, count in sorted(numbers.items())
                               if attendance.pin_key(number) not in known}
                    if not read:
                        return PunchImport(0, 0, parsed.problems, unknown)
                    # A batch even when every punch was stored before: it holds them too, so undoing the file that
                    # stored them first leaves them (see ``withdraw_batch``). A run stopped half-way is finished.
                    if held is not None:
                        batch, earlier = held["id"], held["details"].get("punches", 0)
                    else:
                        batch = store.batches.add("punches import", at=now, file=Path(path).name, sha256=digest,
                                                  by=by)
                else:
                    _not_undone(store, batch, new, what="punches")
                new += store.attendance.store_staged(first, last, source=Path(path).name, imported_at=now,
                                                     batch=batch)
                details = {"read": read, "punches": earlier + new, "problems": len(parsed.problems)}
                if number < len(parts):
                    details["unfinished"] = True
                store.batches.set_counts(batch, events=0, details=details)
    finally:
        store.attendance.drop_staged()
    return PunchImport(read, new, parsed.problems, unknown, batch=batch, parts=max(len(parts), 1),
                       continued=earlier)


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
    derivation: Any = None
    """The ``attendance.Derivation``: days without clock data, people who do not punch, conflicts."""
    by_rule: tuple[tuple[str, str, int, Decimal, Decimal], ...] = ()
    """(store, rule, events, yuan, points) of the events derived."""
    withdrawn_by_rule: tuple[tuple[str, str, int, Decimal, Decimal], ...] = ()
    """The same for the events withdrawn."""
    batch: int | None = None
    diff: changes.ChargeDiff = attrs.field(factory=changes.ChargeDiff)
    """What the derive moved in the charges cache (``changed`` says it per person and event)."""
    dry_run: bool = False
    alarm: Said | None = None
    """Why a run without ``--yes`` is refused (shown by a dry run), when it is."""

    def changed(self) -> list[Change]:
        """Every charge the derive moved, before → after (a month of a chain's: asked for only when shown)."""
        return changes.changes(self.diff)


def derive_attendance(store: Store, table: RuleTable | RuleBook, month: str, *, now: dt.datetime, by: str | None = None,
                      dry_run: bool = False, yes: bool = False) -> Derived:
    """Turn the month's punches into lateness, early-leave and absence events, once each, as one batch.

    Only what the punches cover is judged (``attendance.derive``). A derive that would judge more than
    ``attendance.ABSENCE_ALARM`` of a store's staff-days absent is refused unless ``yes``; a ``dry_run``
    does everything, says what it did, and rolls it back.

    The write lock is held only to append what was judged: the month is judged before it, in one
    snapshot, and judged again inside it only when what it was judged from moved meanwhile (the roster,
    a rule version or a close, which the seals' head tells; punches, schedule or leave; an attendance
    event logged or voided). Above ``cache.CHUNK`` people, the events are priced after the append commits,
    in steps of about a second (``cache.settle_keys``), and the derive still says what they cost.
    """
    first, last = payroll.month_bounds(month)
    if first > now.date():
        raise DisciplineError(say("not_started", month=month, today=f"{now:%Y-%m-%d}"))
    book = RuleBook.single(table)
    until = min(last, now.date() - dt.timedelta(days=1))
    with store.read():
        judged_with = versions.current(store, book)
        _refuse_closed(store, month)
        stamp = _attendance_stamp(store)
        judged = _judge_month(store, judged_with, month, until)
    if judged.alarm and not yes and not dry_run:
        raise DisciplineError(say("refused_because", why=judged.alarm))
    cache.settle_first(store, versions.follow(book), judged.keys())
    with store.write(dry_run=dry_run):
        book = versions.current(store, book)
        _refuse_closed(store, month)  # again inside the transaction: a close may have just committed
        if _moved_since(store, stamp, book, judged_with, month):
            judged = _judge_month(store, book, month, until)
            if judged.alarm and not yes and not dry_run:
                raise DisciplineError(say("refused_because", why=judged.alarm))
        new, stale = judged.new, judged.stale
        cache.ensure_priced(store, book, keys=judged.keys())
        batch = None
        if new or stale:
            batch = store.batches.add("attendance derive", at=now, by=by, events=len(new),
                                      details={"month": month, "withdrawn": len(stale)})
        ids = store.log.append_derived([(attrs.evolve(e, batch=batch), key, punch_ids) for e, key, punch_ids in new],
                                       logged_at=now)
        store.log.append_voids(sorted(stale), reason="no longer supported by the punches, schedule or leave",
                               logged_at=now, source="derive", batch=batch)
        withdrawn = store.log.events_by_id(sorted(stale))
        moved = [e for e, _, _ in new] + withdrawn
        diff, later = cache.reprice_or_later(store, book, keys={e.staff for e in moved},
                                             since=min((e.at for e in moved), default=None), roster=judged.people,
                                             later=not dry_run)
    steps: list[changes.ChargeDiff] = []
    later.settle(store, versions.follow(book), steps.append)
    for step in steps:
        diff += step
    roster = judged.people.latest()
    rules_of = {event_id: (roster[e.staff].store, e.rule) for event_id, (e, _, _) in zip(ids, new, strict=True)}
    result = judged.result
    return Derived(len(new), judged.already, len(stale), result.missing, result.notes, judged.refused,
                   derivation=result, by_rule=_by_rule(diff.after, rules_of),
                   withdrawn_by_rule=_by_rule(diff.before, {e.id: (roster[e.staff].store, e.rule)
                                                            for e in withdrawn if e.staff in roster}),
                   batch=None if dry_run else batch, diff=diff, dry_run=dry_run,
                   alarm=judged.alarm if not yes else None)


@attrs.frozen
class _Judged:
    """A month's attendance as judged from the punches, before anything is written."""

    result: Any
    """The ``attendance.Derivation``."""
    people: StaffHistory
    new: list[tuple[Event, str, tuple[int, ...]]]
    """(event, derived key, punch ids) of the events to record."""
    already: int
    refused: tuple[str, ...]
    stale: dict[int, str]
    """Event id → staff of derived events the punches, schedule or leave no longer support."""
    alarm: str | None

    def keys(self) -> set[str]:
        """The people whose charges recording what was judged moves."""
        return {e.staff for e, _, _ in self.new} | set(self.stale.values())


def _judge_month(store: Store, book: RuleBook, month: str, until: dt.date) -> _Judged:
    """Judge ``month``'s punches up to ``until`` against what the log already holds."""
    from . import attendance

    first, last = payroll.month_bounds(month)
    tz = book.zone
    people = store.staff.history()
    since = dt.datetime.combine(first, dt.time(), tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tz)
    punches = [attendance.StoredPunch(id=i, staff_id=s, at=at.astimezone(tz))
               for i, s, at in store.attendance.punches(since, end)]
    leave = [attendance.Leave(staff_id=s, day=d, part=p) for s, d, p in store.attendance.leave(first, last)]
    result = attendance.derive(month, punches=punches, roster=people, table=book,
                               schedule=store.attendance.schedule(first, last), leave=leave, until=until,
                               logged=_logged_by_hand(store, book, since, end))
    del punches
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
        day = item.at.date()
        try:
            engine.resolve(event, book.at(day), people.at(day))
        except DisciplineError as exc:
            refused.append(f"{item.staff_id} {item.at:%Y-%m-%d}: {exc}")
            continue
        new.append((event, item.key, item.punch_ids))
    alarm = attendance.absence_alarm(result, [key for _, key, _ in new], people)
    # Punches imported late (a forgotten export) can undo an absence derived before: withdraw it.
    judged_until = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tz)
    wanted = {item.key for item in result.events}
    stale = {event_id: staff for key, (event_id, staff) in store.log.live_derived(since, judged_until).items()
             if key not in wanted}
    return _Judged(result, people, new, already, tuple(refused), stale, alarm)


def _refuse_closed(store: Store, month: str) -> None:
    """A closed month's attendance is not derived; nor any while a punch file is stored only in part."""
    if posting_month(store, month):
        raise DisciplineError(say("derive_closed", month=month))
    for batch in store.batches.unfinished():
        if batch["command"] == "punches import":
            raise DisciplineError(say("then_derive", why=batches.unfinished(batch), month=month))


def _attendance_stamp(store: Store) -> tuple[object, ...]:
    """What a month's attendance is judged from, as far as it can move: the seals' head (roster, rule
    versions, closes), the count of writes to punches, schedule and leave, and the log's head."""
    return store.seals.head(), store.attendance.changes(), store.log.head()[0]


def _moved_since(store: Store, stamp: tuple[object, ...], book: RuleBook, judged_with: RuleBook,
                 month: str) -> bool:
    """Whether what ``month`` was judged from (``stamp``, with ``judged_with``) has moved: anything sealed,
    any punch, schedule or leave written, or a log entry since that is an attendance event or its void."""
    from . import attendance

    head, written, log_head = stamp
    now_head, now_written, now_log_head = _attendance_stamp(store)
    if (head, written) != (now_head, now_written) or book.latest.number != judged_with.latest.number:
        return True
    if log_head == now_log_head:
        return False
    first, last = payroll.month_bounds(month)
    codes = sorted({code for version in book.in_force(first, last)
                    for code in attendance.attendance_rules(version.table)})
    since = dt.datetime.combine(first, dt.time(), book.zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), book.zone)
    return store.log.touches_attendance(int(log_head), codes, since, end)


def _logged_by_hand(store: Store, table: RuleTable | RuleBook, since: dt.datetime,
                    until: dt.datetime) -> dict[tuple[str, dt.date], list[Any]]:
    """The attendance events leads logged by hand in [since, until), by (staff id, local day)."""
    from . import attendance

    book = RuleBook.single(table)
    tables = {v.number: v.table for v in book.in_force(since.date(), (until - dt.timedelta(days=1)).date())}
    named = {number: attendance.shift_kinds(versioned) for number, versioned in tables.items()}
    codes = sorted({code for versioned in tables.values() for code in attendance.attendance_rules(versioned)})
    out: dict[tuple[str, dt.date], list[Any]] = defaultdict(list)
    for event_id, staff, rule_code, outcome, day in store.log.logged_by_hand(codes, since, until):
        number = book.version_at(day).number
        kind = attendance.kind_of(rule_code, outcome, tables[number], named[number])
        if kind is not None:
            rule = tables[number].rule(rule_code)
            out[(staff, day)].append(
                attendance.LoggedByHand(event_id=event_id, kind=kind, name=f"{rule.name_zh} {rule.code}"))
    return out


def _by_rule(rows: Sequence[tuple[Any, ...]], of: Mapping[int, tuple[str, str]]
             ) -> tuple[tuple[str, str, int, Decimal, Decimal], ...]:
    """(store, rule, events, yuan, points) of the events in ``of`` (event id → (store, rule)), from cache rows."""
    from .changes import AMOUNT_FEN, EVENT_ID, POINTS

    events: dict[tuple[str, str], set[int]] = defaultdict(set)
    fen: dict[tuple[str, str], int] = defaultdict(int)
    points: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for event_id in of:
        events[of[event_id]].add(event_id)
    for row in rows:
        if row[EVENT_ID] in of:
            fen[of[row[EVENT_ID]]] += row[AMOUNT_FEN]
            points[of[row[EVENT_ID]]] += Decimal(row[POINTS])
    return tuple((store_name, rule, len(ids), Decimal(fen[(store_name, rule)]).scaleb(-2), points[(store_name, rule)])
                 for (store_name, rule), ids in sorted(events.items()))


def import_schedule(store: Store, table: RuleTable, data: bytes, *, today: dt.date | None = None) -> int:
    from . import attendance

    try:
        text = textfile.decode(data)
    except ValueError as exc:
        raise DisciplineError(said_of(exc)) from None
    with store.write():
        entries, problems = attendance.read_schedule(text, store.staff.roster(), table, today=today)
        if problems:
            raise FileRefused(say("schedule_file"), problems)
        store.attendance.set_schedule(entries)
        return len(entries)


def import_leave(store: Store, data: bytes, *, today: dt.date | None = None) -> int:
    from . import attendance

    try:
        text = textfile.decode(data)
    except ValueError as exc:
        raise DisciplineError(said_of(exc)) from None
    with store.write():
        entries, problems = attendance.read_leave(text, store.staff.roster(), today=today)
        if problems:
            raise FileRefused(say("leave_file"), problems)
        store.attendance.add_leave([(e.staff_id, e.day, e.part) for e in entries])
        return len(entries)
