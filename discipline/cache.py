"""The priced-charges cache: the engine's charges of the log, kept so that payroll reads a month.

Pricing is a replay of the log, but a chain's log is millions of events; payroll should not
re-price a year to print a month. The engine's charges are kept in the ``charges`` table, and
every command that changes the log re-prices just what the change can move (``reprice``): the
events sharing the changed event's ``staff`` key from its time on (occurrences never cross keys).

A change that reaches every key — a newly published rule-table version (``reprice_from``), or a
table or code the cache was not made with (its fingerprint, ``ensure_priced``) — does not re-price
a chain inside one transaction, which would hold every store lead's ``log`` for minutes: it marks
every key stale (``stale_keys``) and commits; ``settle_all`` then re-prices ``CHUNK`` keys per
transaction. A command that needs some keys prices those first, inside its own write; a command that
reads a whole month settles the rest first. Killed half-way, nothing is lost: the marks stay until
priced. The cache is derived data, which ``verify`` checks against a fresh pricing (``audit``),
since payroll reads it and not the chained log::

    with store.write():
        ensure_priced(store, book, keys=[event.staff])  # another table, or stale: these keys, now
        store.log.append_event(event, ...)
        reprice(store, book, keys=[event.staff], since=event.at)
"""
from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from . import changes, engine, payroll
from .changes import Change, ChargeDiff
from .model import Charge, Event, RuleBook, RuleTable, Staff, StaffHistory
from .storage import CHARGE_COLUMNS, Store, utc_text

EVENT_ID = CHARGE_COLUMNS.index("event_id")
#: Keys priced at once where memory is the limit (an import's checks), and the most ``settle_all`` and
#: ``settle_keys`` re-price in one transaction.
CHUNK = 2000
#: Seconds one step of ``settle_all`` / ``settle_keys`` should hold the write lock: a lead's ``log`` waits
#: behind at most one step. A key's work depends on how much of the log its re-pricing reaches (a version
#: from yesterday, or from five months ago), so the steps are sized by how long the last one took.
STEP_S = 1.0
#: Seconds between two such transactions, once another write has waited for the lock (``Store.waiting_mark``).
#: SQLite does not queue writers: one that has waited a while polls the lock every 100 ms, and a command
#: that begins its next step at once would win every time (a lead's log waited 13 s behind a rule change
#: at 2,000 stores). A pause longer than a poll lets it in; with nobody waiting, the steps run back to back.
PAUSE_S = 0.12
#: Keys in a command's first step, before any pace is known, and how much faster than that pace a step may
#: grow. A key whose whole year is re-priced costs about 10 ms at 2,000 stores on a slow machine: a first
#: step of 500 keys held the lock 5.8 s while a lead waited. A small first step costs a few transactions.
FIRST_STEP_KEYS = 50
GROWTH = 4


#: What a cached line holds, bumped when that changes: 2 keeps each explanation in Chinese beside the English
#: (``wording.py``), so a database priced before re-prices once.
LINE_FORMAT = 2


def fingerprint(table: RuleTable | RuleBook) -> str:
    """Identifies what the cache was priced with: the versions (their texts' SHA-256 and dates), and the
    latest read by this code (a table's content, not its path, so that a new release of the code that
    reads tables otherwise re-prices once), and what a line holds (``LINE_FORMAT``)."""
    book = RuleBook.single(table)
    latest = f"{LINE_FORMAT}|" + repr(attrs.evolve(book.latest.table, path=""))
    if not book.stored:
        return hashlib.sha256(latest.encode("utf-8")).hexdigest()
    versions = "|".join(f"{v.number}:{v.effective}:{v.sha256}" for v in book.versions)
    return hashlib.sha256(f"{versions}|{latest}".encode()).hexdigest()


def history_rules(table: RuleTable | RuleBook, since: dt.datetime | None = None) -> tuple[str, ...]:
    """Codes of rules whose occurrences count beyond the calendar month (ever or rolling windows), in the
    versions that price events from ``since`` on (every version when None)."""
    book = RuleBook.single(table)
    day = since.astimezone(book.zone).date() if since is not None else dt.date.min
    codes: list[str] = []
    for version in book.in_force(day, dt.date.max):
        versioned = version.table
        for rule in versioned.rules:
            for price_ in (rule.price, *dict(rule.outcomes).values()):
                target = versioned.rule(price_.counts_as) if price_.counts_as else rule
                if target.window != "month" and rule.code not in codes:
                    codes.append(rule.code)
                    break
    return tuple(codes)


def history_since(table: RuleTable | RuleBook, since: dt.datetime) -> dt.datetime:
    """The earliest event that can be an earlier occurrence of one in a month-window rule at ``since``."""
    local = since.astimezone(table.zone)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def price_into_cache(store: Store, table: RuleTable | RuleBook, events: Sequence[Event],
                     roster: Mapping[str, Staff] | StaffHistory, *, keys: Sequence[str] | None,
                     since: dt.datetime | None) -> tuple[engine.Priced, ChargeDiff]:
    """Price ``events`` (from ``since`` on) and swap the result into the cache for ``keys``: the
    charges, and what moved in the cache (nothing is compared when ``keys`` is None)."""
    priced = engine.price(events, table, roster, since=since)
    by_id = {e.id: e for e in events}
    problems = [(event_id, by_id[event_id].staff, by_id[event_id].at, message.en)  # the cache keeps the English
                for event_id, message in priced.problems]
    before, after = store.charges.replace(keys, since, charge_rows(priced.charges, table), problems)
    return priced, ChargeDiff(tuple(before), tuple(after))


def charge_rows(charges: Iterable[Charge], table: RuleTable | RuleBook) -> Iterator[tuple[Any, ...]]:
    """Charges as the cache stores them (``storage.CHARGE_COLUMNS``), each with its statement line's JSON
    (under the rule's name in the version that priced it).

    ``seq`` numbers an event's charges in the engine's order, which is their order on a statement.
    """
    book = RuleBook.single(table)
    tz = book.zone
    seq: Counter[int] = Counter()
    for charge in charges:
        seq[charge.event_id] += 1
        versioned = book.at(charge.at.astimezone(tz).date())
        yield (payroll.month_of(charge.at, versioned), charge.staff_id, utc_text(charge.at), charge.event_id,
               seq[charge.event_id], charge.key, charge.rule, charge.kind, str(charge.points),
               int(charge.amount * 100), charge.disposition, payroll.line_text(payroll.line_of(charge, versioned)))


def reprice(store: Store, table: RuleTable | RuleBook, *, keys: Iterable[str] | None, since: dt.datetime | None,
            roster: Mapping[str, Staff] | StaffHistory | None = None) -> ChargeDiff:
    """Re-price the events of ``keys`` (every key when None) from ``since`` on (all time when None), and
    return what moved (for named keys)."""
    keys = sorted(keys) if keys is not None else None
    load_since = history_since(table, since) if since is not None else None
    events = store.log.events_of(keys, since=load_since, rules=history_rules(table, since))
    if roster is None:
        roster = store.staff.history() if keys is None or len(keys) > 1 else store.staff.around(
            keys[0], extra=[who for e in events for who in (e.charge, e.by) if who])
    return price_into_cache(store, table, events, roster, keys=keys, since=since)[1]


def reprice_from(store: Store, book: RuleBook, since: dt.datetime) -> None:
    """Mark every key to be re-priced from ``since`` on (a rule-table version taking effect then), and the
    cache as made with ``book``. Call inside ``write()``; the keys are priced by ``settle``, in
    transactions of their own, so that a store lead's ``log`` never waits for a whole chain's re-pricing."""
    store.charges.mark_stale(since)
    store.charges.forget_open_balances(payroll.month_of(since, book))
    store.charges.set_fingerprint(fingerprint(book))


def ensure_priced(store: Store, table: RuleTable | RuleBook, *, keys: Iterable[str] | None = None) -> None:
    """Make the cache of ``keys`` (every key when None) priced with ``table``. Call inside ``write()``.

    A cache made with another rule table (or code) has every key marked stale first. Stale keys of
    ``keys`` are then re-priced here; the others wait for ``settle`` (or the next command that needs them).
    """
    wanted = fingerprint(table)
    if store.charges.fingerprint() != wanted:
        store.charges.mark_stale(None)
        store.charges.forget_open_balances(None)
        store.charges.set_fingerprint(wanted)
    if keys is None:
        while settle(store, table):
            pass
    else:
        _settle(store, table, store.charges.stale(keys))


def settle(store: Store, table: RuleTable | RuleBook, *, chunk: int = CHUNK) -> bool:
    """Re-price the next ``chunk`` stale keys (occurrences never cross keys, so a key is priced apart, and a
    chain's two million events are never in memory at once). True when some remain. Call inside ``write()``."""
    stale = store.charges.stale(limit=chunk)
    _settle(store, table, stale)
    return len(stale) == chunk and store.charges.any_stale()


def settle_all(store: Store, book_of: Callable[[Store], RuleBook], *, chunk: int | None = None) -> int:
    """Work off the stale keys, one transaction of ``chunk`` keys at a time, with the database's rule book
    (``book_of``, read in each: another version may be published in between). Outside any transaction.
    Returns how many transactions it took."""
    steps = _Steps(book_of, chunk)
    while store.charges.any_stale():
        steps.step(store, lambda size: store.charges.stale(limit=size))
    return steps.count


@attrs.frozen
class Later:
    """Keys a write marked stale to be priced after it commits (``reprice_or_later``), in steps of their own."""

    keys: tuple[str, ...] = ()

    def __add__(self, other: Later) -> Later:
        return Later(tuple(sorted({*self.keys, *other.keys})))

    def settle(self, store: Store, book_of: Callable[[Store], RuleBook], each: Callable[[ChargeDiff], None]) -> None:
        """Price them now, a step at a time, handing what each step moved to ``each``. Outside any transaction."""
        if self.keys:
            settle_keys(store, book_of, self.keys, each)

    def moved(self, store: Store, book_of: Callable[[Store], RuleBook], before: Iterable[Change] = ()
              ) -> list[Change]:
        """Price them now (``settle``) and say what moved, after what the command moved ``before`` them, per
        person, month and event: each step's rows are let go as soon as they are said."""
        out = list(before)
        self.settle(store, book_of, lambda diff: out.extend(changes.changes(diff)))
        return sorted(out, key=lambda c: (c.staff_id, c.month, c.event_id))


def reprice_or_later(store: Store, table: RuleTable | RuleBook, *, keys: Iterable[str], since: dt.datetime | None,
                     roster: Mapping[str, Staff] | StaffHistory | None = None, later: bool = True,
                     few: int | None = None) -> tuple[ChargeDiff, Later]:
    """Re-price ``keys`` from ``since`` on now, inside ``write()``, when they are ``few`` (``CHUNK``) or fewer or
    ``later`` is False (a dry run, or a change whose moves must be posted with it); else mark them stale
    and leave them to ``Later.settle`` after the commit, so that a lead's log never waits behind a change
    that reaches a chain's people (``few=0``: a part of a bigger change, whatever its size). What moves is
    the same either way, and the command still says it."""
    keys = sorted(keys)
    if later and len(keys) > (CHUNK if few is None else few):
        store.charges.mark_stale(since, keys)
        return ChargeDiff(), Later(tuple(keys))
    if not keys:
        return ChargeDiff(), Later()
    return reprice(store, table, keys=keys, since=since, roster=roster), Later()


def let_in(store: Store) -> None:
    """Between two transactions of one command: pause ``PAUSE_S`` when another write waited for the last one
    (``Store.waiting_mark``), so that it gets the lock before the next."""
    if store.waiting_mark() != store.mark_when_locked:
        time.sleep(PAUSE_S)


def settle_first(store: Store, book_of: Callable[[Store], RuleBook], keys: Iterable[str] | None) -> None:
    """Price those of ``keys`` (every key when None) a rule change or a new release left stale, in steps,
    before a command takes the write lock to change them: what its change then moves is its own to say,
    and its lock is not spent on them (a whole roster's import after an upgrade re-priced the chain's log
    inside its lock: 234 s and 6.9 GB at 2,000 stores)."""
    if store.charges.fingerprint() != fingerprint(book_of(store)):
        with store.write():  # every key stale, in one short write; the steps below price them
            book = book_of(store)
            if store.charges.fingerprint() != fingerprint(book):
                ensure_priced(store, book, keys=())
    if not store.charges.any_stale():
        return
    if keys is None:
        settle_all(store, book_of)
    else:
        settle_keys(store, book_of, sorted(keys), lambda diff: None)


def settle_keys(store: Store, book_of: Callable[[Store], RuleBook], keys: Sequence[str],
                each: Callable[[ChargeDiff], None], *, chunk: int | None = None) -> None:
    """Price these stale keys, ``chunk`` per transaction (outside any transaction), handing what each step
    moved to ``each``: a command that deferred its own re-pricing says what it changed, without holding
    every moved row at once. A key another command priced first is no longer stale, and what it moved is
    that command's to say."""
    steps, start = _Steps(book_of, chunk), 0
    while start < len(keys):
        size = steps.keys
        each(steps.step(store, lambda size, start=start: store.charges.stale(keys[start:start + size])))
        start += size


class _Steps:
    """The transactions ``settle_all`` and ``settle_keys`` re-price in, one ``step`` each.

    A step prices the stale keys ``pick`` gives (at most ``keys`` of them) with the rule book then in
    force; once another write has waited for the lock, each step begins with a pause of ``PAUSE_S`` that
    lets it in. ``keys`` is ``fixed``, else as many as take about ``STEP_S`` by the last step's pace (from
    ``FIRST_STEP_KEYS``, growing at most ``GROWTH`` times a step, at most ``CHUNK``). The roster with its
    history is read again only when the seals' head moved (a roster change seals it): a chain's 30,000
    people are read once for all the steps, not once a step.
    """

    def __init__(self, book_of: Callable[[Store], RuleBook], fixed: int | None) -> None:
        self.book_of, self.fixed = book_of, fixed
        self.keys = fixed or min(CHUNK, FIRST_STEP_KEYS)
        self.count = 0
        self._head: tuple[int, str] | None = None
        self._history: StaffHistory | None = None
        self._pausing = False

    def step(self, store: Store, pick: Callable[[int], Sequence[tuple[str, str]]]) -> ChargeDiff:
        if self._pausing or store.waiting_mark() != store.mark_when_locked:  # someone waited for our last lock:
            self._pausing = True  # from now on, let them in between two steps
            time.sleep(PAUSE_S)
        if self._history is None or store.seals.head() != self._head:  # read before the lock, not in it
            with store.read():
                self._head, self._history = store.seals.head(), store.staff.history()
        started = time.perf_counter()  # a duration, not the time of day (``clock``)
        with store.write():
            book = self.book_of(store)
            if store.charges.fingerprint() != fingerprint(book):
                ensure_priced(store, book, keys=())
            diff = _settle(store, book, pick(self.keys), self._roster(store))
        took = time.perf_counter() - started
        if self.fixed is None and took > 0:
            self.keys = max(1, min(CHUNK, self.keys * GROWTH, int(self.keys * STEP_S / took)))
        self.count += 1
        return diff

    def _roster(self, store: Store) -> StaffHistory:
        head = store.seals.head()
        if self._history is None or head != self._head:
            self._head, self._history = head, store.staff.history()
        return self._history


def _settle(store: Store, table: RuleTable | RuleBook, stale: Sequence[tuple[str, str]],
            roster: StaffHistory | None = None) -> ChargeDiff:
    diff = ChargeDiff()
    if not stale:
        return diff
    history = roster if roster is not None else store.staff.history() if len(stale) > 1 else None
    by_since: dict[str, list[str]] = {}
    for key, since in stale:
        by_since.setdefault(since, []).append(key)
    for since, keys in sorted(by_since.items()):
        diff += reprice(store, table, keys=keys, since=dt.datetime.fromisoformat(since) if since else None,
                        roster=history)
    store.charges.settled(key for key, _ in stale)
    return diff


def _key_chunks(store: Store, chunk: int) -> Iterator[list[str]]:
    """Every event key of the log and the cache, ``chunk`` at a time: what can be priced apart."""
    keys = store.charges.keys()
    for start in range(0, len(keys), chunk):
        yield keys[start:start + chunk]


def audit(store: Store, table: RuleTable | RuleBook, *, chunk: int = 2000) -> list[str]:
    """Payroll reads the cache, not the chained log: name the first event whose cached charges a fresh
    pricing of the log does not give (the cache edited by hand). Empty when the cache is sound.

    Priced a few thousand keys at a time, so a chain's log is never held in memory whole.
    """
    if store.charges.fingerprint() != fingerprint(table) or store.charges.any_stale():
        return []  # priced with another table, or not yet settled: whatever reads the cache next prices it first
    history = store.staff.history()
    wrong: set[int | None] = set()
    for part in _key_chunks(store, chunk):
        fresh = engine.price(store.log.events_of(part, since=None), table, history).charges
        expected = Counter(charge_rows(fresh, table))
        stored = Counter(store.charges.rows(part))
        wrong |= {row[EVENT_ID] for row in (expected - stored) + (stored - expected)}
    if not wrong:
        return []
    first = sorted(wrong, key=lambda i: (i is None, i))[0]
    return [f"the cached charges of event {first} do not match the log: the charges table was edited behind the "
            f"program's back ({len(wrong)} event(s) affected)"]
