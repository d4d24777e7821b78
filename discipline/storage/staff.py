"""The roster: who works where, for whom, on what wage."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .. import lookup
from ..model import Staff, StaffHistory
from ..wording import Said

if TYPE_CHECKING:
    from . import Store

#: The staff columns ``_staff`` reads, in its order (a plain tuple row: a chain's roster is 30,000 of them).
STAFF_COLUMNS = 'id, name, store, team, role, supervisor, base_wage, bonus, shift, city, hired, "left", clock, pin'
#: The same columns of a version (its staff id apart).
_VERSION_COLUMNS = STAFF_COLUMNS.split(", ", 1)[1]


class StaffTable:
    """The ``staff_versions`` table (each person's history) and ``staff`` (each person's latest version)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.db = store.db

    def roster(self) -> dict[str, Staff]:
        """Everyone's latest version (for lists and look-ups; pricing uses ``history``)."""
        return {row[0]: _staff(row) for row in self.db.execute(f"select {STAFF_COLUMNS} from staff order by id")}

    def record(self, versions: list[tuple[Staff, dt.date | None]], *, recorded_at: dt.datetime,
               batch: int | None = None) -> None:
        """Record new versions of people, each from its date (None: from the beginning)."""
        if not versions:
            return
        self._store.seals.later("roster")
        self._store.charges.forget_open_balances(None)  # wages, cities and dates move every legal cap
        columns = [c.strip('"') for c in STAFF_COLUMNS.split(", ")][1:]
        many = len(versions) > 50  # a chain's roster: one query for every person's last number and date
        last: dict[str, tuple[int, str]] = {staff: (seq, effective) for staff, seq, effective in self.db.execute(
            "select staff, max(seq), max(coalesce(effective, '')) from staff_versions group by staff")} if many else {}
        rows, newest = [], {}
        for person, effective in versions:
            if person.id not in last and not many:
                last[person.id] = self.db.execute(
                    "select coalesce(max(seq), 0), coalesce(max(effective), '') from staff_versions where staff = ?",
                    [person.id]).fetchone()
            seq, latest_effective = last.get(person.id, (0, ""))
            day = effective.isoformat() if effective else None
            last[person.id] = (seq + 1, max(latest_effective, day or ""))
            # from the latest date on (or the first version): what the roster now says, without reading the history
            newest[person.id] = person if (day or "") >= latest_effective and (day or not seq) else None
            row = staff_row(person)
            rows.append([person.id, seq + 1, day, *(row[c] for c in columns), batch, recorded_at.isoformat()])
        quoted = ", ".join(f'"{c}"' for c in columns)
        self.db.conn.executemany(f"insert into staff_versions (staff, seq, effective, {quoted}, batch, recorded_at) "
                                 f"values ({', '.join('?' for _ in range(len(columns) + 5))})", rows)
        updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns)
        marks = ", ".join("?" for _ in range(len(columns) + 1))
        ids = sorted(staff_id for staff_id, person in newest.items() if person is None)
        latest = [person for person in newest.values() if person is not None]
        for start in range(0, len(ids), 500):  # a few hundred people's history at a time, not a chain's at once
            latest += self.history(ids[start:start + 500]).latest().values()
        self.db.conn.executemany(f"insert into staff (id, {quoted}) values ({marks}) on conflict(id) do update "
                                 f"set {updates}", [list(staff_row(person).values()) for person in latest])

    def history(self, ids: list[str] | None = None) -> StaffHistory:
        """Everyone's (or these people's) versions."""
        sql = f"select staff, effective, {_VERSION_COLUMNS} from staff_versions"
        if ids is None:
            rows = self.db.execute(sql + " order by staff, seq").fetchall()
        else:
            rows = []
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                rows += self.db.execute(sql + f" where staff in ({', '.join('?' for _ in chunk)}) order by staff, seq",
                                        chunk).fetchall()
        versions: dict[str, list[tuple[dt.date | None, Staff]]] = defaultdict(list)
        for row in rows:
            versions[row[0]].append((dt.date.fromisoformat(row[1]) if row[1] else None, _staff((row[0], *row[2:]))))
        return StaffHistory(versions)

    def ever_in(self, stores: Iterable[str]) -> set[str]:
        """Everyone who was ever in one of ``stores``, in any version (a query: a chain's history as objects
        is a hundred megabytes)."""
        stores = sorted(set(stores))
        ids: set[str] = set()
        for start in range(0, len(stores), 500):
            chunk = stores[start:start + 500]
            ids |= {row[0] for row in self.db.execute(
                f"select distinct staff from staff_versions where store in ({', '.join('?' for _ in chunk)})", chunk)}
        return ids

    def around(self, key: str, extra: Iterable[str] = ()) -> StaffHistory:
        """The people an event of ``key`` can involve, whenever it happened: everyone ever in its stores (or
        team), whoever supervised them, and ``extra``."""
        if key.startswith("team:"):
            core = "select staff from staff_versions where team = ?"
            params = [key[len("team:"):]]
        else:
            core = ("select staff from staff_versions where store in (select store from staff_versions "
                    "where staff = ?) or staff = ?")
            params = [key, key]
        ids = {row[0] for row in self.db.execute(
            f"select staff from staff_versions where staff in ({core}) union select supervisor from staff_versions "
            f"where staff in ({core}) and supervisor is not null", [*params, *params])}
        return self.history(sorted(ids | {who for who in extra if who}))

    def of(self, ids: list[str]) -> dict[str, Staff]:
        rows = self.db.execute(f"select {STAFF_COLUMNS} from staff where id in ({', '.join('?' for _ in ids)})", ids)
        return {row[0]: _staff(row) for row in rows}

    def canonical(self, typed: str) -> str | None:
        """The id as stored of the person ``typed`` names, whatever its case (``lookup.staff_id``); a query,
        not the roster read whole: a lead's ``log`` runs it on a chain of 30,000."""
        if self.exists(typed):
            return typed
        found = [row[0] for row in self.db.execute("select id from staff where id = ? collate nocase",
                                                   [typed.strip()])]
        if len(found) != 1:  # nocase folds ASCII only: the rest, the rare non-ASCII id, as lookup does
            return lookup.staff_id(typed, self.roster()) if not typed.isascii() else None
        return found[0]

    def known(self, typed: str, where: str | Said = "") -> str:
        """``canonical``, or the refusal naming the nearest people (by id or by name)."""
        found = self.canonical(typed)
        if found is None:
            raise lookup.unknown_staff(typed, self.roster(), where)
        return found

    def stores(self) -> list[str]:
        """Every store anyone ever worked at, by any version of the roster."""
        return [row[0] for row in self.db.execute("select distinct store from staff_versions order by store")]

    def exists(self, staff_id: str) -> bool:
        return self.db.execute("select 1 from staff where id = ?", [staff_id]).fetchone() is not None

    def recorded(self, staff_id: str) -> list[dict[str, Any]]:
        """A person's versions as recorded: effective date, the fields, batch and when."""
        return list(self.db.query(f"select seq, effective, {_VERSION_COLUMNS}, batch, recorded_at from staff_versions "
                                  "where staff = ? order by seq", [staff_id]))


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
