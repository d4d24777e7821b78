"""The only module that talks to SQLite (through sqlite-utils).

* WAL mode, a busy timeout, and ``BEGIN IMMEDIATE`` for every command that writes, so two store
  leads logging at the same moment are queued, never refused.
* The event log is append-only: a void is a new row pointing at its target. Each row carries a
  SHA-256 hash over its contents and the previous row's hash, and ``meta`` keeps the chain head,
  so ``verify`` names any row edited, deleted or inserted behind the program's back.
* The schema carries a version; ``MIGRATIONS`` are numbered functions applied in order, each in
  the same transaction as the version bump.

All SQL lives here, so moving to PostgreSQL is this module's change alone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlite_utils

from .model import DEDUCTED_KINDS, DisciplineError, Event, Staff

BUSY_TIMEOUT_MS = 60_000
GENESIS = "0" * 64
#: The event columns the hash covers, in order. Adding a column means a migration that keeps
#: old rows verifiable (new columns are hashed only when not null).
HASHED = ("id", "type", "staff", "rule", "at", "count", "items", "value", "loss", "outcome", "lapse",
          "charge", "note", "by", "target", "reason", "posted_month", "source", "derived_key", "punch_ids", "logged_at",
          "prev_hash")


class NoDatabase(DisciplineError):
    """The database file does not exist yet."""


def _migration_1(db: sqlite_utils.Database) -> None:
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["staff"].create({
        "id": str, "name": str, "store": str, "team": str, "role": str, "supervisor": str,
        "base_wage": str, "bonus": str, "shift": str, "city": str, "hired": str, "left": str,
    }, pk="id")
    db["events"].create({
        "id": int, "type": str, "staff": str, "rule": str, "at": str, "count": int, "items": str,
        "value": str, "loss": str, "outcome": str, "lapse": int, "charge": str, "note": str, "by": str,
        "target": int, "reason": str, "posted_month": str, "source": str, "derived_key": str, "punch_ids": str,
        "logged_at": str, "prev_hash": str, "hash": str,
    }, pk="id", not_null={"type", "logged_at", "prev_hash", "hash"})
    db["events"].create_index(["staff", "at"])
    db["events"].create_index(["at"])
    db["events"].create_index(["target"])
    db["events"].create_index(["derived_key"], unique=True)
    db["closed_months"].create({"month": str, "closed_at": str, "statements": str, "payroll_csv": bytes,
                                "payroll_html": str, "payroll_json": str}, pk="month")
    db["punches"].create({"id": int, "staff": str, "at": str, "source": str, "place": str, "imported_at": str},
                         pk="id", not_null={"staff", "at"})
    db["punches"].create_index(["staff", "at"], unique=True)
    db["punches"].create_index(["at"])
    db["schedule"].create({"staff": str, "day": str, "shift": str}, pk=("staff", "day"))
    db["leave"].create({"staff": str, "day": str, "part": str}, pk=("staff", "day", "part"))


def _migration_2(db: sqlite_utils.Database) -> None:
    """The priced-charges cache and the balances closed months carry out.

    ``charges`` and ``pricing_problems`` are derived data, rebuilt from the log whenever the rule
    table changes (``meta.charges_fingerprint``); they let payroll read one month instead of
    re-pricing every event since the first. ``closed_balances`` is what each closed month carried out.
    """
    db["charges"].create({
        "event_id": int, "key": str, "staff": str, "month": str, "at": str, "rule": str, "kind": str,
        "points": str, "amount_fen": int, "disposition": str, "explanation": str,
    })
    db["charges"].create_index(["month", "staff"])
    db["charges"].create_index(["key", "at"])
    db["pricing_problems"].create({"event_id": int, "key": str, "at": str, "message": str}, pk="event_id")
    db["pricing_problems"].create_index(["key", "at"])
    db["closed_balances"].create({"month": str, "staff": str, "carried_out": str}, pk=("month", "staff"))
    db["staff"].create_index(["store"])
    db["staff"].create_index(["team"])
    for row in db.query("select month, statements from closed_months"):
        db["closed_balances"].insert_all(
            {"month": row["month"], "staff": s["staff_id"], "carried_out": s["carried_out"]}
            for s in json.loads(row["statements"]))


def _migration_3(db: sqlite_utils.Database) -> None:
    """The charges cache laid out for payroll: a month's charges side by side, each with its line's JSON.

    ``charges`` becomes a WITHOUT ROWID table clustered on (month, staff, at, event, seq), so a month
    is read from consecutive pages in statement order instead of from 200,000 scattered rows, and each
    charge keeps its statement line's JSON text, which payroll splices into its file (the explanation
    lives there). The cache's times (``charges.at``, ``pricing_problems.at``) are UTC text
    (``utc_text``), whose order is time order even where daylight saving ends and local text repeats
    an hour. Payroll finds the voids posted into its month by an index instead of reading the log,
    and deriving attendance reads a month's million punches from an index that holds them whole.
    ``open_balances`` keeps what each person carries out of an open month (see ``open_balances``).
    The cache is derived data: it is emptied here and the next command re-prices the whole log once
    (its fingerprint is forgotten).
    """
    db.execute("drop table charges")
    db.execute("delete from pricing_problems")
    db.execute("""
        create table charges (
            month text not null, staff text not null, at text not null, event_id integer not null,
            seq integer not null, key text, rule text not null, kind text not null, points text not null,
            amount_fen integer not null, disposition text, line_json text not null,
            primary key (month, staff, at, event_id, seq)
        ) without rowid""")
    db["charges"].create_index(["key", "at"])
    db.execute("delete from meta where key = 'charges_fingerprint'")
    db.execute("create index idx_events_posted_month on events (posted_month) where posted_month is not null")
    db.execute("drop index idx_punches_at")
    db["punches"].create_index(["at", "staff"])
    db["open_balances"].create({"month": str, "staff": str, "carried_out": str}, pk=("month", "staff"))


MIGRATIONS: tuple[Callable[[sqlite_utils.Database], None], ...] = (_migration_1, _migration_2, _migration_3)


def utc_text(moment: dt.datetime) -> str:
    """A time as the charges cache stores it: ISO text in UTC, so that text order is time order."""
    return moment.astimezone(dt.UTC).isoformat()


#: The columns of a cached charge, in the order ``replace_charges`` takes them and ``charge_rows`` gives them.
CHARGE_COLUMNS = ("month", "staff", "at", "event_id", "seq", "key", "rule", "kind", "points", "amount_fen",
                  "disposition", "line_json")


class Store:
    """An open database. Use ``with store.write():`` around every change."""

    def __init__(self, path: Path, *, create: bool = False) -> None:
        self.path = Path(path)
        if not create and not self.path.exists():
            raise NoDatabase(f"no database at {self.path}; run 'discipline init' first (or pass --db PATH)")
        try:
            conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.db = sqlite_utils.Database(conn)
            if self.db.journal_mode != "wal":
                self.db.enable_wal()
            self.db.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            raise DisciplineError(f"{self.path} is not a discipline database ({exc})") from None

    def close(self) -> None:
        self.db.close()

    # -- transactions and schema ----------------------------------------------------------
    @contextlib.contextmanager
    def write(self) -> Iterator[Store]:
        """One IMMEDIATE transaction: taken before reading, so concurrent writers queue up.

        Writes get a 64 MiB page cache (taken only as needed): at chain scale a bulk import otherwise
        re-reads its indexes from disk for every row.
        """
        self.db.execute("PRAGMA cache_size = -65536")
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.db.rollback()
            raise
        else:
            self.db.execute("COMMIT")

    @property
    def in_transaction(self) -> bool:
        return self.db.conn.in_transaction

    @property
    def schema_version(self) -> int:
        if "meta" not in self.db.table_names():
            return 0
        rows = list(self.db.query("select value from meta where key = 'schema_version'"))
        return int(rows[0]["value"]) if rows else 0

    def migrate(self) -> int:
        """Bring the schema to the newest version; harmless when it already is. Returns the version."""
        with self.write():
            version = self.schema_version
            if version > len(MIGRATIONS):
                raise DisciplineError(f"{self.path} was written by a newer discipline (schema {version}); "
                                      "upgrade discipline to use it")
            for number, migration in enumerate(MIGRATIONS[version:], version + 1):
                migration(self.db)
                self._set_meta("schema_version", str(number))
            return len(MIGRATIONS)

    def check_schema(self) -> None:
        version = self.schema_version
        if version != len(MIGRATIONS):
            raise DisciplineError(f"the database at {self.path} has schema version {version}, this discipline "
                                  f"needs {len(MIGRATIONS)}; run 'discipline init' to migrate it")

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute("insert into meta (key, value) values (?, ?) "
                        "on conflict(key) do update set value = excluded.value", [key, value])

    def _meta(self, key: str) -> str | None:
        rows = list(self.db.query("select value from meta where key = ?", [key]))
        return rows[0]["value"] if rows else None

    # -- roster ---------------------------------------------------------------------------
    def roster(self) -> dict[str, Staff]:
        return {row[0]: _staff(row) for row in self.db.execute(f"select {STAFF_COLUMNS} from staff order by id")}

    def upsert_staff(self, staff: list[Staff]) -> None:
        if staff:
            self.forget_open_balances(None)  # wages, cities and dates move every legal cap
        for person in staff:
            row = _staff_row(person)
            columns = ", ".join(f'"{c}"' for c in row)
            marks = ", ".join("?" for _ in row)
            updates = ", ".join(f'"{c}" = excluded."{c}"' for c in row if c != "id")
            self.db.execute(f"insert into staff ({columns}) values ({marks}) "
                            f"on conflict(id) do update set {updates}", list(row.values()))

    # -- the event log --------------------------------------------------------------------
    def append(self, fields: dict[str, Any], *, logged_at: dt.datetime) -> int:
        """Append one row to the chain and return its id. Call inside ``write()``."""
        return self.append_many([fields], logged_at=logged_at)[0]

    def append_many(self, many: list[dict[str, Any]], *, logged_at: dt.datetime) -> list[int]:
        """Append rows to the chain in order, each hashed over the one before; returns their ids."""
        head_id = int(self._meta("chain_head_id") or 0)
        prev_hash = self._meta("chain_head_hash") or GENESIS
        rows = []
        for offset, fields in enumerate(many, 1):
            row = {column: None for column in HASHED}
            row.update(fields)
            row.update(id=head_id + offset, logged_at=logged_at.isoformat(), prev_hash=prev_hash)
            row["hash"] = prev_hash = row_hash(row)
            rows.append(row)
        if not rows:
            return []
        columns = ", ".join(f'"{c}"' for c in rows[0])
        self.db.conn.executemany(f"insert into events ({columns}) values ({', '.join('?' for _ in rows[0])})",
                                 [list(row.values()) for row in rows])
        self._set_meta("chain_head_id", str(rows[-1]["id"]))
        self._set_meta("chain_head_hash", rows[-1]["hash"])
        return [int(row["id"]) for row in rows]

    def append_event(self, event: Event, *, logged_at: dt.datetime, source: str = "manual",
                     derived_key: str | None = None, punch_ids: tuple[int, ...] = ()) -> int:
        return self.append(_event_fields(event, source=source, derived_key=derived_key, punch_ids=punch_ids),
                           logged_at=logged_at)

    def append_events(self, events: list[Event], *, logged_at: dt.datetime, source: str) -> list[int]:
        return self.append_many([_event_fields(e, source=source) for e in events], logged_at=logged_at)

    def append_derived(self, items: list[tuple[Event, str, tuple[int, ...]]], *, logged_at: dt.datetime) -> list[int]:
        """Append derived events, each with its derived key and the punches it came from."""
        return self.append_many([_event_fields(e, source="derived", derived_key=key, punch_ids=punch_ids)
                                 for e, key, punch_ids in items], logged_at=logged_at)

    def append_voids(self, targets: list[int], *, reason: str, logged_at: dt.datetime) -> list[int]:
        return self.append_many([{"type": "void", "target": t, "reason": reason} for t in targets],
                                logged_at=logged_at)

    def events_by_id(self, ids: list[int]) -> list[Event]:
        out: list[Event] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            out.extend(self.events(where=f"e.id in ({', '.join('?' for _ in chunk)})", params=chunk))
        return out

    def team_keys(self) -> set[str]:
        return {row[0] for row in self.db.execute("select distinct staff from events where staff like 'team:%'")}

    def append_void(self, target: int, *, reason: str, by: str | None, logged_at: dt.datetime,
                    posted_month: str | None = None) -> int:
        """Withdraw ``target``. ``posted_month`` is where a closed month's reversal lines go."""
        if posted_month is not None:
            self.forget_open_balances(posted_month)
        return self.append({"type": "void", "target": target, "reason": reason, "by": by,
                            "posted_month": posted_month}, logged_at=logged_at)

    def event_row(self, event_id: int) -> dict[str, Any] | None:
        rows = list(self.db.query("select * from events where id = ? and type = 'violation'", [event_id]))
        return rows[0] if rows else None

    def is_voided(self, event_id: int) -> bool:
        row = self.db.execute("select 1 from events where type = 'void' and target = ?", [event_id]).fetchone()
        return row is not None

    def posted_voids(self, first_month: str, last_month: str) -> list[dict[str, Any]]:
        """Voids of closed months' events whose reversals are posted into ``first_month``…``last_month``."""
        return list(self.db.query("select * from events where type = 'void' and posted_month between ? and ? "
                                  "order by id", [first_month, last_month]))

    def events(self, *, where: str = "", params: list[Any] | None = None) -> list[Event]:
        """Violations in log order, each marked voided or not."""
        sql = ("select e.*, exists(select 1 from events v where v.type = 'void' and v.target = e.id) as voided "
               "from events e where e.type = 'violation'")
        if where:
            sql += f" and ({where})"
        sql += " order by e.id"
        return [_event(row) for row in self.db.query(sql, params or [])]

    # -- closed months --------------------------------------------------------------------
    def closed_months(self) -> dict[str, dict[str, Any]]:
        """Closed month → when it was closed (the frozen statements are read one month at a time)."""
        return {row[0]: {"month": row[0], "closed_at": row[1]}
                for row in self.db.execute("select month, closed_at from closed_months order by month")}

    def is_closed(self, month: str) -> bool:
        return bool(list(self.db.query("select 1 from closed_months where month = ?", [month])))

    def close_month(self, month: str, statements: str, *, closed_at: dt.datetime,
                    exports: dict[str, bytes | str]) -> None:
        """Freeze a month: its statements and the exact bytes of each payroll export."""
        self.db.execute("insert into closed_months (month, closed_at, statements, payroll_csv, payroll_html, "
                        "payroll_json) values (?, ?, ?, ?, ?, ?)",
                        [month, closed_at.isoformat(), statements, exports["csv"], exports["html"], exports["json"]])

    def frozen_statements(self, month: str) -> list[dict[str, Any]] | None:
        rows = self.db.execute("select statements from closed_months where month = ?", [month]).fetchall()
        return json.loads(rows[0][0]) if rows else None

    def set_closed_balances(self, month: str, balances: dict[str, Decimal]) -> None:
        self.db.conn.executemany("insert into closed_balances (month, staff, carried_out) values (?, ?, ?)",
                                 [(month, staff, str(amount)) for staff, amount in balances.items()])

    def closed_balances(self, month: str, staff: str | None = None) -> dict[str, Decimal]:
        sql, params = "select staff, carried_out from closed_balances where month = ?", [month]
        if staff is not None:
            sql, params = sql + " and staff = ?", [month, staff]
        return {row[0]: Decimal(row[1]) for row in self.db.execute(sql, params)}

    # -- balances carried out of open months --------------------------------------------------
    # Payroll of an open month starts from what the month before it carried out. Without closing,
    # that is a replay of every open month before it (a year of a chain's charges); so the balances
    # of the latest month replayed are kept, and forgotten from the first month any change can move:
    # a changed charge from its month on (``replace_charges``), a reversal posted into a month, and
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

    def frozen_export(self, month: str, fmt: str) -> bytes | str | None:
        rows = list(self.db.query(f"select payroll_{fmt} as out from closed_months where month = ?", [month]))
        return rows[0]["out"] if rows else None

    # -- the priced-charges cache ---------------------------------------------------------
    def charges_fingerprint(self) -> str | None:
        return self._meta("charges_fingerprint")

    def set_charges_fingerprint(self, value: str) -> None:
        self._set_meta("charges_fingerprint", value)

    def replace_charges(self, keys: Iterable[str] | None, since: dt.datetime | None,
                        rows: Iterable[tuple[Any, ...]], problems: Iterable[tuple[int, str, dt.datetime, str]]) -> None:
        """Swap the cached charges (``rows`` in ``CHARGE_COLUMNS`` order) and problems of these event keys
        (``event.staff``) from ``since`` on.

        For named keys only the rows that differ are written: re-pricing after a month's derived
        attendance touches 17,000 people's charges at chain scale, and most come out as they were.
        """
        if keys is None:
            where, params = ("at >= ?", [[utc_text(since)]]) if since is not None else ("1", [[]])
        else:
            where = "key = ?" + (" and at >= ?" if since is not None else "")
            params = [[key, utc_text(since)] if since is not None else [key] for key in keys]
        self.db.conn.executemany(f"delete from pricing_problems where {where}", params)
        insert = (f"insert into charges ({', '.join(CHARGE_COLUMNS)}) "
                  f"values ({', '.join('?' for _ in CHARGE_COLUMNS)})")
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
            self.db.conn.executemany(  # (month, staff, at, event_id, seq) is the primary key
                "delete from charges where month = ? and staff = ? and at = ? and event_id = ? and seq = ?",
                [row[:5] for row in gone])
            self.db.conn.executemany(insert, list(added))
        self.db.conn.executemany(
            "insert or replace into pricing_problems (event_id, key, at, message) values (?, ?, ?, ?)",
            [(event_id, key, utc_text(at), message) for event_id, key, at, message in problems])

    def month_charges(self, month: str, *, staff: str | None = None) -> Iterator[tuple[Any, ...]]:
        """The cached charges of ``month`` by staff, then in time order (event, then seq, within one time), as
        ``payroll.StoredRow``: (staff, kind, points, amount in fen, disposition, line JSON). Only what payroll
        sums: at chain scale every column read costs 200,000 Python objects."""
        sql = ("select staff, kind, points, amount_fen, disposition, line_json from charges "
               "where month = ?" + (" and staff = ?" if staff is not None else "")
               + " order by staff, at, event_id, seq")
        return iter(self.db.execute(sql, [month] + ([staff] if staff is not None else [])))

    def charge_keys(self) -> list[str]:
        """Every event key (``staff`` of an event) in the log or the cache, sorted."""
        return [row[0] for row in self.db.execute(
            "select staff from events where type = 'violation' union select key from charges order by 1")]

    def charge_rows(self, keys: list[str]) -> list[tuple[Any, ...]]:
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

    def first_violation_at(self) -> dt.datetime | None:
        """When the earliest violation in the log happened (voided or not)."""
        at = self.db.execute("select min(at) from events where type = 'violation'").fetchone()[0]
        return dt.datetime.fromisoformat(at) if at else None

    def first_charge_month(self) -> str | None:
        return self.db.execute("select min(month) from charges").fetchone()[0]

    def pricing_problems(self, since: dt.datetime, until: dt.datetime) -> list[tuple[int, str]]:
        rows = self.db.execute("select event_id, message from pricing_problems where at >= ? and at < ? "
                               "order by at, event_id", [utc_text(since), utc_text(until)])
        return [(row[0], row[1]) for row in rows]

    def events_of(self, keys: Iterable[str] | None, *, since: dt.datetime | None, rules: Iterable[str] = ()
                  ) -> list[Event]:
        """Events of these keys (all keys when None) at or after ``since``, plus every event of ``rules``."""
        clauses, params = [], []
        if since is not None:
            rules = list(rules)
            marks = ", ".join("?" for _ in rules)
            clauses.append(f"(e.at >= ?{f' or e.rule in ({marks})' if rules else ''})")
            params += [since.isoformat(), *rules]
        if keys is None:
            return self.events(where=" and ".join(clauses), params=params)
        out: list[Event] = []
        keys = list(keys)
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            where = [f"e.staff in ({', '.join('?' for _ in chunk)})", *clauses]
            out.extend(self.events(where=" and ".join(where), params=[*chunk, *params]))
        return out

    def roster_around(self, key: str, extra: Iterable[str] = ()) -> dict[str, Staff]:
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

    def roster_of(self, ids: list[str]) -> dict[str, Staff]:
        rows = self.db.execute(f"select {STAFF_COLUMNS} from staff where id in ({', '.join('?' for _ in ids)})", ids)
        return {row[0]: _staff(row) for row in rows}

    def staff_exists(self, staff_id: str) -> bool:
        return self.db.execute("select 1 from staff where id = ?", [staff_id]).fetchone() is not None

    # -- punches, schedule, leave ---------------------------------------------------------
    def add_punches(self, punches: list[tuple[str, dt.datetime, str]], *, source: str,
                    imported_at: dt.datetime) -> int:
        """Store (staff, aware time, place) punches; one already stored is skipped. Returns how many are new."""
        before = self.db.execute("select count(*) from punches").fetchone()[0]
        stamp = imported_at.isoformat()
        rows = sorted((staff, at.isoformat(), source, place, stamp) for staff, at, place in punches)
        self.db.conn.executemany(  # in index order: each insert lands beside the last one in the B-tree
            "insert into punches (staff, at, source, place, imported_at) values (?, ?, ?, ?, ?) "
            "on conflict(staff, at) do nothing", rows)
        return int(self.db.execute("select count(*) from punches").fetchone()[0] - before)

    def punches(self, since: dt.datetime, until: dt.datetime) -> list[tuple[int, str, dt.datetime]]:
        """(id, staff, time) of punches with since <= time < until (times compared as stored, in one zone), in
        no particular order (sorting a month's million punches is left to whoever needs an order)."""
        rows = self.db.execute("select id, staff, at from punches where at >= ? and at < ?",
                               [since.isoformat(), until.isoformat()]).fetchall()
        return [(row[0], row[1], dt.datetime.fromisoformat(row[2])) for row in rows]

    def unmatched_punch_staff(self) -> dict[str, int]:
        """Staff ids of stored punches that are not on the roster, with how many punches each."""
        rows = self.db.execute("select staff, count(*) from punches where staff not in (select id from staff) "
                               "group by staff order by staff").fetchall()
        return {row[0]: row[1] for row in rows}

    def set_schedule(self, entries: list[tuple[str, dt.date, str | None]]) -> None:
        self.db.conn.executemany(
            "insert into schedule (staff, day, shift) values (?, ?, ?) "
            "on conflict(staff, day) do update set shift = excluded.shift",
            [(staff, day.isoformat(), shift) for staff, day, shift in entries])

    def schedule(self, first: dt.date, last: dt.date) -> dict[tuple[str, dt.date], str | None]:
        rows = self.db.execute("select staff, day, shift from schedule where day >= ? and day <= ?",
                               [first.isoformat(), last.isoformat()]).fetchall()
        return {(row[0], dt.date.fromisoformat(row[1])): row[2] for row in rows}

    def add_leave(self, entries: list[tuple[str, dt.date, str]]) -> None:
        self.db.conn.executemany("insert into leave (staff, day, part) values (?, ?, ?) on conflict do nothing",
                                 [(staff, day.isoformat(), part) for staff, day, part in entries])

    def leave(self, first: dt.date, last: dt.date) -> list[tuple[str, dt.date, str]]:
        rows = self.db.execute("select staff, day, part from leave where day >= ? and day <= ? order by staff, day",
                               [first.isoformat(), last.isoformat()]).fetchall()
        return [(row[0], dt.date.fromisoformat(row[1]), row[2]) for row in rows]

    def derived_keys(self) -> set[str]:
        return {row[0] for row in self.db.execute("select derived_key from events where derived_key is not null")}

    def live_derived(self, since: dt.datetime, until: dt.datetime) -> dict[str, int]:
        """derived key → event id of derived events in [since, until) that nobody has withdrawn."""
        rows = self.db.execute(
            "select e.derived_key, e.id from events e where e.derived_key is not null and e.at >= ? and e.at < ? "
            "and not exists (select 1 from events v where v.type = 'void' and v.target = e.id)",
            [since.isoformat(), until.isoformat()]).fetchall()
        return {row[0]: row[1] for row in rows}

    def backup(self, target: Path) -> None:
        """Copy the whole database to ``target`` with SQLite's online backup API (safe while others write)."""
        target = Path(target)
        if target.exists():
            raise DisciplineError(f"{target} exists already; give a new file name for the backup")
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        dest = sqlite3.connect(str(partial))
        try:
            self.db.conn.backup(dest)
        finally:
            dest.close()
        partial.rename(target)

    # -- integrity ------------------------------------------------------------------------
    def verify(self) -> tuple[int, list[str]]:
        """Walk the chain: (rows checked, problems naming the first bad event of each kind)."""
        problems: list[str] = []
        expected_id, prev_hash, count = 1, GENESIS, 0
        for row in self.db.query("select * from events order by id"):
            count += 1
            stored = row.pop("hash")
            if row["id"] != expected_id:
                if row["id"] > expected_id:
                    gone = f"event {expected_id}" if row["id"] == expected_id + 1 else \
                        f"events {expected_id}–{row['id'] - 1}"
                    problems.append(f"{gone} deleted from the log "
                                    f"(the chain jumps from {expected_id - 1} to {row['id']})")
                else:
                    problems.append(f"event {row['id']} is out of sequence (inserted behind the program's back)")
            elif row["prev_hash"] != prev_hash:
                # This row is intact (its hash checks below), so the row before it was replaced whole.
                problems.append(f"event {row['id'] - 1} was edited and its hash recomputed: event {row['id']} no "
                                "longer follows it" if row["id"] > 1 else
                                "event 1 was replaced behind the program's back: it does not start the chain")
            if row_hash({**row}) != stored:
                problems.append(f"event {row['id']} was edited: its contents no longer match its hash")
            expected_id, prev_hash = row["id"] + 1, stored
            if len(problems) >= 20:
                problems.append("… stopping after 20 problems")
                return count, problems
        head_id = int(self._meta("chain_head_id") or 0) if "meta" in self.db.table_names() else 0
        head_hash = self._meta("chain_head_hash") or GENESIS if head_id else GENESIS
        if head_id != expected_id - 1:
            if head_id > expected_id - 1:
                problems.append(f"event {head_id} and those after event {expected_id - 1} were deleted from the "
                                "end of the log")
            else:
                problems.append(f"event {expected_id - 1} was inserted after the last event the program wrote "
                                f"({head_id})")
        elif head_hash != prev_hash:
            problems.append(f"event {head_id}, the last in the log, was replaced behind the program's back")
        return count, problems


def row_hash(row: dict[str, Any]) -> str:
    payload = json.dumps([row.get(column) for column in HASHED], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _dec(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _event_fields(event: Event, *, source: str, derived_key: str | None = None,
                  punch_ids: tuple[int, ...] = ()) -> dict[str, Any]:
    return {
        "type": "violation", "staff": event.staff, "rule": event.rule, "at": event.at.isoformat(),
        "count": event.count, "items": json.dumps(list(event.items), ensure_ascii=False) if event.items else None,
        "value": _text(event.value), "loss": _text(event.loss), "outcome": event.outcome,
        "lapse": 1 if event.lapse else 0, "charge": event.charge, "note": event.note or None,
        "by": event.by, "source": source, "derived_key": derived_key,
        "punch_ids": json.dumps(list(punch_ids)) if punch_ids else None,
    }


def _staff_row(person: Staff) -> dict[str, Any]:
    return {
        "id": person.id, "name": person.name, "store": person.store, "team": person.team, "role": person.role,
        "supervisor": person.supervisor, "base_wage": str(person.base_wage), "bonus": str(person.bonus),
        "shift": person.shift, "city": person.city,
        "hired": person.hired.isoformat() if person.hired else None,
        "left": person.left.isoformat() if person.left else None,
    }


#: The staff columns ``_staff`` reads, in its order (a plain tuple row: a chain's roster is 30,000 of them).
STAFF_COLUMNS = 'id, name, store, team, role, supervisor, base_wage, bonus, shift, city, hired, "left"'


def _staff(row: tuple[Any, ...]) -> Staff:
    id_, name, store, team, role, supervisor, base_wage, bonus, shift, city, hired, left = row
    return Staff(
        id=id_, name=name, store=store, team=team or "", role=role, supervisor=supervisor,
        base_wage=Decimal(base_wage), bonus=Decimal(bonus), shift=shift, city=city,
        hired=dt.date.fromisoformat(hired) if hired else None, left=dt.date.fromisoformat(left) if left else None,
    )


def _event(row: dict[str, Any]) -> Event:
    return Event(
        id=row["id"], staff=row["staff"], rule=row["rule"], at=dt.datetime.fromisoformat(row["at"]),
        count=row["count"], items=tuple(json.loads(row["items"])) if row["items"] else (),
        value=_dec(row["value"]), loss=_dec(row["loss"]), outcome=row["outcome"], lapse=bool(row["lapse"]),
        charge=row["charge"], note=row["note"] or "", by=row["by"], voided=bool(row["voided"]),
        derived=row["source"] == "derived",
    )
