"""Closed months: their frozen statements, the exact bytes of their payroll files, what they carried out."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..model import DisciplineError
from ..wording import say

if TYPE_CHECKING:
    from . import Store


class ClosedMonths:
    """The ``closed_months`` and ``closed_balances`` tables."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.db = store.db

    def closed(self) -> dict[str, dict[str, Any]]:
        """Closed month → when it was closed (the frozen statements are read one month at a time)."""
        return {row[0]: {"month": row[0], "closed_at": row[1]}
                for row in self.db.execute("select month, closed_at from closed_months order by month")}

    def latest(self) -> str | None:
        """The latest closed month, the one later months' changes are posted after. A closed month whose row
        was deleted behind the program's back would reopen it to back-dated entries; its seal remembers it."""
        closed = self.closed()
        missing = sorted(self._store.seals.sealed_months() - closed.keys())
        if missing:
            raise DisciplineError(say("closed_month_missing", month=missing[0]))
        return max(closed, default=None)

    def close(self, month: str, statements: str, *, closed_at: dt.datetime, exports: dict[str, bytes | str]) -> None:
        """Freeze a month: its statements and the exact bytes of each payroll export."""
        self._store.seals.later("month", month)
        self.db.execute("insert into closed_months (month, closed_at, statements, payroll_csv, payroll_html, "
                        "payroll_json) values (?, ?, ?, ?, ?, ?)",
                        [month, closed_at.isoformat(), statements, exports["csv"], exports["html"], exports["json"]])

    def statements(self, month: str) -> list[dict[str, Any]] | None:
        rows = self.db.execute("select statements from closed_months where month = ?", [month]).fetchall()
        return json.loads(rows[0][0]) if rows else None

    def export(self, month: str, fmt: str) -> bytes | str | None:
        rows = list(self.db.query(f"select payroll_{fmt} as out from closed_months where month = ?", [month]))
        return rows[0]["out"] if rows else None

    def set_balances(self, month: str, balances: dict[str, Decimal]) -> None:
        self._store.seals.later("month", month)
        self.db.conn.executemany("insert into closed_balances (month, staff, carried_out) values (?, ?, ?)",
                                 [(month, staff, str(amount)) for staff, amount in balances.items()])

    def balances(self, month: str, staff: str | None = None) -> dict[str, Decimal]:
        sql, params = "select staff, carried_out from closed_balances where month = ?", [month]
        if staff is not None:
            sql, params = sql + " and staff = ?", [month, staff]
        return {row[0]: Decimal(row[1]) for row in self.db.execute(sql, params)}
