"""Adjustments: changes to a closed month's charges, posted into an open month's payroll.

A closed month's statements and files never change. What a later change does to its charges (a
violation found after payroll, a void of one of its events, and the ladder steps either moves) is
kept here as lines of the first open month, like an accountant's adjusting entries. Unlike the
charges cache these rows are not derived from the log alone (they record what was posted when), so
nothing rebuilds them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..model import DEDUCTED_KINDS

if TYPE_CHECKING:
    from . import Store

#: An adjustment as ``add`` takes it.
COLUMNS = ("posted_month", "staff", "at", "event_id", "cause", "seq", "month", "rule", "kind", "points",
           "amount_fen", "disposition", "line_json")


class Adjustments:
    """The ``adjustments`` table."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.db = store.db

    def add(self, rows: Iterable[tuple[Any, ...]]) -> None:
        rows = list(rows)
        if rows:
            self._store.charges.forget_open_balances(min(row[0] for row in rows))
            self._store.seals.later("adjustments")
        self.db.conn.executemany(f"insert into adjustments ({', '.join(COLUMNS)}) "
                                 f"values ({', '.join('?' for _ in COLUMNS)})", rows)

    def posted(self, month: str, *, staff: str | None = None) -> Iterator[tuple[str, str]]:
        """(staff, line JSON) of the adjustments posted into ``month``, by staff and in time order."""
        sql = ("select staff, line_json from adjustments where posted_month = ?"
               + (" and staff = ?" if staff is not None else "") + " order by staff, at, event_id, cause, seq")
        return iter(self.db.execute(sql, [month] + ([staff] if staff is not None else [])).fetchall())

    def of_event(self, event_id: int) -> list[tuple[str, str]]:
        """(staff, line JSON) of every adjustment posted for ``event_id``'s charges, in posting order."""
        return self.db.execute("select staff, line_json from adjustments where event_id = ? order by at, cause, seq",
                               [event_id]).fetchall()

    def origin_months(self, month: str) -> dict[str, tuple[str, ...]]:
        """Staff → the closed months whose changes are posted into ``month`` for them."""
        out: dict[str, list[str]] = {}
        for staff, origin in self.db.execute("select distinct staff, month from adjustments where posted_month = ? "
                                             "order by staff, month", [month]):
            out.setdefault(staff, []).append(origin)
        return {staff: tuple(months) for staff, months in out.items()}

    def month_totals(self, month: str) -> dict[str, tuple[dict[str, Decimal], Decimal]]:
        """Staff → (amount by deducted kind, points) of the adjustments posted into ``month``."""
        out: dict[str, tuple[dict[str, Decimal], Decimal]] = {}
        rows = self.db.execute("select staff, kind, amount_fen, points from adjustments where posted_month = ?",
                               [month])
        for staff, kind, amount, points in rows:
            sums, total = out.setdefault(staff, ({}, Decimal(0)))
            if kind in DEDUCTED_KINDS:
                sums[kind] = sums.get(kind, Decimal(0)) + Decimal(amount).scaleb(-2)
            out[staff] = (sums, total + Decimal(points))
        return out
