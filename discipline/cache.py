"""The priced-charges cache: the engine's charges of the log, kept so that payroll reads a month.

Pricing is a replay of the log, but a chain's log is millions of events; payroll should not
re-price a year to print a month. The engine's charges are kept in the ``charges`` table, and
every command that changes the log re-prices just what the change can move (``reprice``): the
events sharing the changed event's ``staff`` key from its time on (occurrences never cross keys).
A different rule table (its fingerprint) re-prices everything once (``ensure_priced``). The cache is
derived data, which ``verify`` checks against a fresh pricing (``audit``), since payroll reads it
and not the chained log::

    with store.write():
        ensure_priced(store, table)                 # a new rule table: everything, once
        store.log.append_event(event, ...)
        reprice(store, table, keys=[event.staff], since=event.at)
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from . import engine, payroll
from .changes import ChargeDiff
from .model import Charge, Event, RuleTable, Staff
from .storage import CHARGE_COLUMNS, Store, utc_text

EVENT_ID = CHARGE_COLUMNS.index("event_id")


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


def price_into_cache(store: Store, table: RuleTable, events: Sequence[Event], roster: Mapping[str, Staff], *,
                     keys: Sequence[str] | None, since: dt.datetime | None) -> tuple[engine.Priced, ChargeDiff]:
    """Price ``events`` (from ``since`` on) and swap the result into the cache for ``keys``: the
    charges, and what moved in the cache (nothing is compared when ``keys`` is None)."""
    priced = engine.price(events, table, roster, since=since)
    by_id = {e.id: e for e in events}
    problems = [(event_id, by_id[event_id].staff, by_id[event_id].at, message)
                for event_id, message in priced.problems]
    before, after = store.charges.replace(keys, since, charge_rows(priced.charges, table), problems)
    return priced, ChargeDiff(tuple(before), tuple(after))


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


def reprice(store: Store, table: RuleTable, *, keys: Iterable[str] | None, since: dt.datetime | None,
            roster: Mapping[str, Staff] | None = None) -> ChargeDiff:
    """Re-price the events of ``keys`` (every key when None) from ``since`` on (all time when None), and
    return what moved (for named keys)."""
    keys = sorted(keys) if keys is not None else None
    load_since = history_since(table, since) if since is not None else None
    events = store.log.events_of(keys, since=load_since, rules=history_rules(table))
    if roster is None:
        roster = store.staff.roster() if keys is None or len(keys) > 1 else store.staff.around(
            keys[0], extra=[who for e in events for who in (e.charge, e.by) if who])
    return price_into_cache(store, table, events, roster, keys=keys, since=since)[1]


def ensure_priced(store: Store, table: RuleTable, *, chunk: int = 2000) -> None:
    """Re-price the whole log when the cache was made with another rule table. Call inside ``write()``.

    A few thousand keys at a time (occurrences never cross keys), so a chain's two million events
    are never all in memory at once.
    """
    wanted = fingerprint(table)
    if store.charges.fingerprint() == wanted:
        return
    store.charges.replace(None, None, (), ())
    roster = engine.IndexedRoster(store.staff.roster())
    for keys in _key_chunks(store, chunk):
        reprice(store, table, keys=keys, since=None, roster=roster)
    store.charges.set_fingerprint(wanted)


def _key_chunks(store: Store, chunk: int) -> Iterator[list[str]]:
    """Every event key of the log and the cache, ``chunk`` at a time: what can be priced apart."""
    keys = store.charges.keys()
    for start in range(0, len(keys), chunk):
        yield keys[start:start + chunk]


def audit(store: Store, table: RuleTable, *, chunk: int = 2000) -> list[str]:
    """Payroll reads the cache, not the chained log: name the first event whose cached charges a fresh
    pricing of the log does not give (the cache edited by hand). Empty when the cache is sound.

    Priced a few thousand keys at a time, so a chain's log is never held in memory whole.
    """
    if store.charges.fingerprint() != fingerprint(table):
        return []  # priced with another table: whatever reads the cache next re-prices it all first
    roster = engine.IndexedRoster(store.staff.roster())
    wrong: set[int | None] = set()
    for part in _key_chunks(store, chunk):
        fresh = engine.price(store.log.events_of(part, since=None), table, roster).charges
        expected = Counter(charge_rows(fresh, table))
        stored = Counter(store.charges.rows(part))
        wrong |= {row[EVENT_ID] for row in (expected - stored) + (stored - expected)}
    if not wrong:
        return []
    first = sorted(wrong, key=lambda i: (i is None, i))[0]
    return [f"the cached charges of event {first} do not match the log: the charges table was edited behind the "
            f"program's back ({len(wrong)} event(s) affected)"]
