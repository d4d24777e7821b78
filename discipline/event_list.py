"""The event log as a store lead reads it: each violation with what it cost, who pays, the rule's Chinese name
and where it came from (logged by hand, an import's batch, or derived from the punches)::

    >>> [(e.event.id, e.rule_zh, e.amount, e.payers) for e in listed(store, book, month="2026-11")]  # doctest: +SKIP
    [(1, '迟到', Decimal('20.00'), ('C01',)), (2, '工具包缺项', Decimal('60.00'), ('GA1', 'C01'))]

What an event cost is read from the priced charges (``storage.charges``), the same figures the statements
sum; a withdrawn event costs nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import attrs

from . import payroll
from .model import Event, RuleBook, StaffHistory
from .money import ZERO, fen
from .storage import Store


@attrs.frozen
class Listed:
    """One violation of the log with its cost."""

    event: Event
    rule_zh: str
    """The rule's Chinese name in the version in force that day (the code itself when no version has it)."""
    amount: Decimal
    """Yuan charged for it, every payer together (rewards count as what they pay out)."""
    points: Decimal
    """Points taken, every payer together."""
    payers: tuple[str, ...]
    """Who is charged: the person, and a supervisor for a lapse, or who ``--charge`` named."""
    charges: tuple[tuple[str, str, Decimal, Decimal], ...]
    """(who, kind, points, yuan) for each charge, in the order priced."""

    @property
    def source(self) -> str:
        """``derive``, ``import`` or ``log``."""
        return "derive" if self.event.derived else "import" if self.event.batch else "log"


def listed(store: Store, book: RuleBook, *, staff: str | None = None, month: str | None = None,
           stores: Sequence[str] = ()) -> list[Listed]:
    """The violations of the log, in time order: of one person (or ``team:T``), of one month, of some stores
    (a person's store on the day of the event)."""
    where, params = [], []
    if staff:
        where.append("staff = ?")
        params.append(staff)
    history = store.staff.history() if stores else None
    if history is not None:
        ever = sorted({version.id for versions in history.versions.values() for _, version in versions
                       if version.store in stores})
        teams = sorted({f"team:{version.team}" for versions in history.versions.values() for _, version in versions
                        if version.store in stores and version.team})
        keys = ever + teams
        where.append(f"staff in ({', '.join('?' for _ in keys)})" if keys else "0")
        params += keys
    events = store.log.events(where=" and ".join(where), params=params)
    if month:
        events = [e for e in events if payroll.month_of(e.at, book) == month]
    if history is not None:
        events = [e for e in events if _store_of(e, history, book) & set(stores)]
    events.sort(key=lambda e: (e.at, e.id))
    costs = store.charges.of_events([e.id for e in events])
    out = []
    for event in events:
        charges = tuple((who, kind, points, Decimal(fen) / 100) for who, kind, points, fen in costs.get(event.id, ())
                        if not event.voided)
        table = book.at(event.at.astimezone(book.zone).date())
        rule_zh = table.rule(event.rule).name_zh if table.has_rule(event.rule) else event.rule  # a rule since dropped
        out.append(Listed(event=event, rule_zh=rule_zh, amount=fen(sum((c[3] for c in charges), ZERO)),
                          points=sum((c[2] for c in charges), ZERO),
                          payers=tuple(dict.fromkeys(c[0] for c in charges)), charges=charges))
    return out


def _store_of(event: Event, history: StaffHistory, book: RuleBook) -> set[str]:
    """The stores an event belongs to: its person's on the day, or those of a team's members."""
    day: dt.date = event.at.astimezone(book.zone).date()
    people = history.at(day)
    if event.staff.startswith("team:"):
        team = event.staff.removeprefix("team:")
        return {p.store for p in people.values() if p.team == team}
    person = people.get(event.staff)
    return {person.store} if person is not None else set()
