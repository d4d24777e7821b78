"""The roster: who works where, for whom, on what wage."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..model import Staff

if TYPE_CHECKING:
    from . import Store

#: The staff columns ``_staff`` reads, in its order (a plain tuple row: a chain's roster is 30,000 of them).
STAFF_COLUMNS = 'id, name, store, team, role, supervisor, base_wage, bonus, shift, city, hired, "left", clock, pin'


class StaffTable:
    """The ``staff`` table."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.db = store.db

    def roster(self) -> dict[str, Staff]:
        return {row[0]: _staff(row) for row in self.db.execute(f"select {STAFF_COLUMNS} from staff order by id")}

    def upsert(self, staff: list[Staff]) -> None:
        if staff:
            self._store.charges.forget_open_balances(None)  # wages, cities and dates move every legal cap
        for person in staff:
            row = staff_row(person)
            columns = ", ".join(f'"{c}"' for c in row)
            marks = ", ".join("?" for _ in row)
            updates = ", ".join(f'"{c}" = excluded."{c}"' for c in row if c != "id")
            self.db.execute(f"insert into staff ({columns}) values ({marks}) "
                            f"on conflict(id) do update set {updates}", list(row.values()))

    def around(self, key: str, extra: Iterable[str] = ()) -> dict[str, Staff]:
        """The people an event of ``key`` can involve: its store (or team), their supervisors, ``extra``."""
        if key.startswith("team:"):
            core = "select id from staff where team = ?"
            param = key[len("team:"):]
        else:
            core = "select id from staff where store = (select store from staff where id = ?) or id = ?"
            param = key
        extra = list(extra)
        params = [param, key] if not key.startswith("team:") else [param]
        sql = (f"select {STAFF_COLUMNS} from staff where id in ({core}) or id in (select supervisor from staff "
               f"where id in ({core}))" + (f" or id in ({', '.join('?' for _ in extra)})" if extra else ""))
        rows = self.db.execute(sql, [*params, *params, *extra])
        return {row[0]: _staff(row) for row in rows}

    def of(self, ids: list[str]) -> dict[str, Staff]:
        rows = self.db.execute(f"select {STAFF_COLUMNS} from staff where id in ({', '.join('?' for _ in ids)})", ids)
        return {row[0]: _staff(row) for row in rows}

    def exists(self, staff_id: str) -> bool:
        return self.db.execute("select 1 from staff where id = ?", [staff_id]).fetchone() is not None


def staff_row(person: Staff) -> dict[str, Any]:
    return {
        "id": person.id, "name": person.name, "store": person.store, "team": person.team, "role": person.role,
        "supervisor": person.supervisor, "base_wage": str(person.base_wage), "bonus": str(person.bonus),
        "shift": person.shift, "city": person.city,
        "hired": person.hired.isoformat() if person.hired else None,
        "left": person.left.isoformat() if person.left else None,
        "clock": "yes" if person.clock else "no", "pin": person.pin,
    }


def _staff(row: tuple[Any, ...]) -> Staff:
    id_, name, store, team, role, supervisor, base_wage, bonus, shift, city, hired, left, clock, pin = row
    return Staff(
        id=id_, name=name, store=store, team=team or "", role=role, supervisor=supervisor,
        base_wage=Decimal(base_wage), bonus=Decimal(bonus), shift=shift, city=city,
        hired=dt.date.fromisoformat(hired) if hired else None, left=dt.date.fromisoformat(left) if left else None,
        clock=clock != "no", pin=pin or None,
    )
