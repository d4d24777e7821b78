"""The priced-charges cache, and the balances kept for open months.

Both are derived data: the engine's charges of the log (``charges``, ``pricing_problems``), valid
for one rule table (``meta.charges_fingerprint``), and what each person carries out of an open month
(``open_balances``). ``cache.py`` decides what to re-price; this part only stores and reads.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..model import DEDUCTED_KINDS

if TYPE_CHECKING:
    from . import Store

#: The columns of a cached charge, in the order ``replace`` takes them and ``rows`` gives them.
CHARGE_COLUMNS = ("month", "staff", "at", "event_id", "seq", "key", "rule", "kind", "points", "amount_fen",
                  "disposition", "line_json")


def utc_text(moment: dt.datetime) -> str:
    """A time as the charges cache stores it: ISO text in UTC, so that text order is time order."""
    return moment.astimezone(dt.UTC).isoformat()


class ChargesCache:
    """The ``charges``, ``pricing_problems`` and ``open_balances`` tables."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.db = store.db

    def fingerprint(self) -> str | None:
        return self._store.meta("charges_fingerprint")

    def set_fingerprint(self, value: str) -> None:
        self._store.set_meta("charges_fingerprint", value)

    def replace(self, keys: Iterable[str] | None, since: dt.datetime | None,
                rows: Iterable[tuple[Any, ...]], problems: Iterable[tuple[int, str, dt.datetime, str]]
                ) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """Swap the cached charges (``rows`` in ``CHARGE_COLUMNS`` order) and problems of these event keys
        (``event.staff``) from ``since`` on.

        For named keys only the rows that differ are written: re-pricing after a month's derived
        attendance touches 17,000 people's charges at chain scale, and most come out as they were.
        Returns what changed, for named keys: (rows before, rows after) of every (month, person, event)
        with a row that differs, whole; for every key (a new rule table) nothing is compared.
        """
        if keys is None:
            where, params = ("at >= ?", [[utc_text(since)]]) if since is not None else ("1", [[]])
        else:
            where = "key = ?" + (" and at >= ?" if since is not None else "")
            params = [[key, utc_text(since)] if since is not None else [key] for key in keys]
        self.db.conn.executemany(f"delete from pricing_problems where {where}", params)
        insert = (f"insert into charges ({', '.join(CHARGE_COLUMNS)}) "
                  f"values ({', '.join('?' for _ in CHARGE_COLUMNS)})")
        before: list[tuple[Any, ...]] = []
        after: list[tuple[Any, ...]] = []
        if keys is None:
            self.forget_open_balances(None)
            self.db.conn.executemany(f"delete from charges where {where}", params)
            self.db.conn.executemany(insert, rows)
        else:
            select = f"select {', '.join(CHARGE_COLUMNS)} from charges where {where}"
            old = Counter(row for param in params for row in self.db.conn.execute(select, param))
            new = Counter(rows)
            gone, added = old - new, new - old
            if gone or added:
                self.forget_open_balances(min(row[0] for row in (*gone, *added)))  # row[0] is the month
                moved = {(row[0], row[1], row[3]) for row in (*gone, *added)}  # (month, staff, event_id)
                before = [row for row in old.elements() if (row[0], row[1], row[3]) in moved]
                after = [row for row in new.elements() if (row[0], row[1], row[3]) in moved]
            self.db.conn.executemany(  # (month, staff, at, event_id, seq) is the primary key
                "delete from charges where month = ? and staff = ? and at = ? and event_id = ? and seq = ?",
                [row[:5] for row in gone])
            self.db.conn.executemany(insert, list(added))
        self.db.conn.executemany(
            "insert or replace into pricing_problems (event_id, key, at, message) values (?, ?, ?, ?)",
            [(event_id, key, utc_text(at), message) for event_id, key, at, message in problems])
        return before, after

    def month(self, month: str, *, staff: str | None = None) -> Iterator[tuple[Any, ...]]:
        """The cached charges of ``month`` by staff, then in time order (event, then seq, within one time), as
        ``payroll.StoredRow``: (staff, kind, points, amount in fen, disposition, line JSON). Only what payroll
        sums: at chain scale every column read costs 200,000 Python objects."""
        sql = ("select staff, kind, points, amount_fen, disposition, line_json from charges "
               "where month = ?" + (" and staff = ?" if staff is not None else "")
               + " order by staff, at, event_id, seq")
        return iter(self.db.execute(sql, [month] + ([staff] if staff is not None else [])))

    def of_events(self, ids: list[int]) -> dict[int, list[tuple[str, str, Decimal, int]]]:
        """Event id → its cached charges: (who pays, kind, points, amount in fen), in the order priced."""
        out: dict[int, list[tuple[str, str, Decimal, int]]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for event_id, staff, kind, points, amount in self.db.execute(
                    f"select event_id, staff, kind, points, amount_fen from charges where event_id in "
                    f"({', '.join('?' for _ in chunk)}) order by event_id, seq", chunk):
                out.setdefault(event_id, []).append((staff, kind, Decimal(points), amount))
        return out

    def mark_stale(self, since: dt.datetime | None, keys: Iterable[str] | None = None) -> None:
        """Record that ``keys`` (every key of the log and the cache when None) are to be re-priced from
        ``since`` on (all time when None); a key marked twice keeps the earlier time."""
        value = utc_text(since) if since is not None else ""
        upsert = ("insert into stale_keys (key, since) {} on conflict(key) do update set "
                  "since = min(stale_keys.since, excluded.since)")
        if keys is None:
            self.db.execute(upsert.format("select k, ? from (select staff as k from events where type = 'violation' "
                                          "union select key from charges) where k is not null"), [value])
        else:
            self.db.conn.executemany(upsert.format("values (?, ?)"), [(key, value) for key in keys])

    def stale(self, keys: Iterable[str] | None = None, *, limit: int = 2000) -> list[tuple[str, str]]:
        """(key, since) of stale keys: these (those of them that are stale), else the first ``limit``."""
        if keys is None:
            return self.db.execute("select key, since from stale_keys order by key limit ?", [limit]).fetchall()
        keys, out = list(keys), []
        for start in range(0, len(keys), 500):  # a chain's 30,000 keys in 60 queries, not 30,000
            chunk = keys[start:start + 500]
            out += self.db.execute(f"select key, since from stale_keys where key in ({', '.join('?' for _ in chunk)})"
                                   " order by key", chunk).fetchall()
        return out

    def any_stale(self) -> bool:
        return self.db.execute("select exists (select 1 from stale_keys)").fetchone()[0] == 1

    def settled(self, keys: Iterable[str]) -> None:
        self.db.conn.executemany("delete from stale_keys where key = ?", [(key,) for key in keys])

    def keys(self) -> list[str]:
        """Every event key (``staff`` of an event) in the log or the cache, sorted."""
        return [row[0] for row in self.db.execute(
            "select staff from events where type = 'violation' union select key from charges order by 1")]

    def rows(self, keys: list[str]) -> list[tuple[Any, ...]]:
        """The cached charges of ``keys`` exactly as stored, for ``verify`` to compare with a fresh pricing."""
        out: list[tuple[Any, ...]] = []
        for start in range(0, len(keys), 500):
            chunk = [key for key in keys[start:start + 500] if key is not None]
            null = " or key is null" if None in keys[start:start + 500] else ""
            marks = ", ".join("?" for _ in chunk)
            out += self.db.execute(f"select {', '.join(CHARGE_COLUMNS)} from charges where key in ({marks}){null}",
                                   chunk).fetchall()
        return out

    def month_totals(self, month: str, *, staff: str | None = None,
                     with_points: bool = False) -> dict[str, tuple[dict[str, Decimal], Decimal]]:
        """Staff → (amount by kind, points) of the month's cached charges, summed exactly in integer fen.

        Only the kinds a deduction is made of (``DEDUCTED_KINDS``): what a month hands on is all they serve.
        """
        kinds = ", ".join(f"'{kind}'" for kind in DEDUCTED_KINDS)
        only = " and staff = ?" if staff is not None else ""
        params: list[Any] = [month] + ([staff] if staff is not None else [])
        out: dict[str, tuple[dict[str, Decimal], Decimal]] = {}
        zero, fen = Decimal(0), Decimal("0.01")
        for staff_id, kind, amount in self.db.execute(
                f"select staff, kind, sum(amount_fen) from charges where month = ? and kind in ({kinds}){only} "
                "group by staff, kind", params):
            out.setdefault(staff_id, ({}, zero))[0][kind] = amount * fen
        if with_points:  # points may be fractional: summed as decimals, only when they cost money
            rows = self.db.execute(f"select staff, points from charges where month = ? and points != '0'{only}",
                                   params)
            for staff_id, points in rows:
                sums, total = out.setdefault(staff_id, ({}, zero))
                out[staff_id] = (sums, total + Decimal(points))
        return out

    def first_month(self) -> str | None:
        return self.db.execute("select min(month) from charges").fetchone()[0]

    def problems(self, since: dt.datetime, until: dt.datetime) -> list[tuple[int, str]]:
        rows = self.db.execute("select event_id, message from pricing_problems where at >= ? and at < ? "
                               "order by at, event_id", [utc_text(since), utc_text(until)])
        return [(row[0], row[1]) for row in rows]

    # -- balances carried out of open months --------------------------------------------------
    # Payroll of an open month starts from what the month before it carried out. Without closing,
    # that is a replay of every open month before it (a year of a chain's charges); so the balances
    # of the latest month replayed are kept, and forgotten from the first month any change can move:
    # a changed charge from its month on (``replace``), a reversal posted into a month, and
    # every month when the roster or the rule table changes. A month is marked as kept by a row with
    # an empty staff id, so a month in which nobody carries anything is kept too.

    def open_balances(self, after: str | None, before: str, staff: str | None = None
                      ) -> tuple[str, dict[str, Decimal]] | None:
        """(month, balances) of the latest kept month strictly between ``after`` and ``before``."""
        row = self.db.execute("select max(month) from open_balances where staff = '' and month < ?"
                              + (" and month > ?" if after else ""), [before] + ([after] if after else [])).fetchone()
        if row[0] is None:
            return None
        sql, params = "select staff, carried_out from open_balances where month = ? and staff != ''", [row[0]]
        if staff is not None:
            sql, params = sql + " and staff = ?", [*params, staff]
        return row[0], {name: Decimal(amount) for name, amount in self.db.execute(sql, params)}

    def kept_open_months(self) -> list[str]:
        return [row[0] for row in self.db.execute("select month from open_balances where staff = '' order by 1")]

    def keep_open_balances(self, month: str, balances: dict[str, Decimal]) -> None:
        self.db.execute("delete from open_balances where month = ?", [month])
        self.db.conn.executemany("insert into open_balances (month, staff, carried_out) values (?, ?, ?)",
                                 [(month, "", "0")] + [(month, name, str(amount))
                                                       for name, amount in balances.items() if amount])

    def forget_open_balances(self, first_month: str | None) -> None:
        """Forget the kept balances of ``first_month`` and later (of every month when None)."""
        self.db.execute("delete from open_balances where month >= ?", [first_month or ""])
