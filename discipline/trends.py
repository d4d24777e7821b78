"""A person's last months side by side: the trend a scorecard draws under its month.

Each month is the statement payroll gives for it (frozen once closed), so the trend's figures are the
ones the person was paid by::

    >>> [m.deducted for m in recent(store, book, "2026-11", staff="C01")["C01"]]   # doctest: +SKIP
    [None, None, Decimal('0.00'), Decimal('20.00'), Decimal('1200.00'), Decimal('300.00')]

A month before the program held anything, before the person was hired, or one never closed behind a
closed month (its events were paid later) has no figures: the chart leaves it empty rather than show a
full score nobody earned.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import payroll, statements
from .charts import TrendMonth
from .model import DisciplineError, RuleBook, RuleTable, Statement
from .storage import Store

#: How many months a scorecard's trend shows, the month itself the last.
MONTHS = 6


def months_ending(month: str, count: int = MONTHS) -> list[str]:
    """``count`` months up to and including ``month``, oldest first."""
    year, number = map(int, month.split("-"))
    index = year * 12 + number - 1 - (count - 1)  # months since year 0, January 0
    return payroll.months_between(f"{index // 12}-{index % 12 + 1:02d}", month)


def first_month(store: Store) -> str | None:
    """The first month the program holds anything for: a closed month or a priced charge."""
    known = [m for m in (min(store.months.closed(), default=None), store.charges.first_month()) if m]
    return min(known, default=None)


def recent(store: Store, book: RuleTable | RuleBook, month: str, *, staff: str | None = None,
           stated: Sequence[Statement] | None = None, count: int = MONTHS) -> dict[str, list[TrendMonth]]:
    """Staff id → the last ``count`` months' figures ending with ``month``: of one person (``staff``), or of
    the people of ``month``'s statements ``stated`` (already made by the caller, who prints them). Each earlier
    month is stated once for all of them and only its three figures are kept: a chain's six months of
    statements would not fit in memory at once."""
    start = first_month(store)
    if stated is None:
        stated = statements.month_statements(store, book, month, staff=staff)
    ids = {s.staff_id for s in stated} if staff is None else {staff}
    by_month: dict[str, dict[str, TrendMonth]] = {}
    for each in months_ending(month, count)[:-1]:
        if start is None or each < start:
            by_month[each] = {}
            continue
        try:
            earlier = (statements.month_statements(store, book, each, staff=staff) if staff is not None
                       else statements.statements_of(store, book, each, ids))
        except DisciplineError:  # never closed behind a closed month: its events were paid later
            earlier = []
        by_month[each] = {s.staff_id: _figures(each, s) for s in earlier}
        del earlier
    by_month[month] = {s.staff_id: _figures(month, s) for s in stated}
    return {staff_id: [figures.get(staff_id) or TrendMonth(each, None, None, None)
                       for each, figures in by_month.items()] for staff_id in ids}


def _figures(month: str, statement: Statement) -> TrendMonth:
    return TrendMonth(month, statement.score if statement.score_applies else None, statement.deducted,
                      statement.carried_out)
