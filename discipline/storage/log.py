"""The event log: append-only, each row hash-chained to the one before.

A void is a new row pointing at its target, never an edit. Each row carries a SHA-256 hash over its
contents and the previous row's hash, and ``meta`` keeps the chain head, so ``verify`` names any row
edited, deleted or inserted behind the program's back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..model import Event

if TYPE_CHECKING:
    from . import Store

GENESIS = "0" * 64
#: The event columns the hash covers, in order. Adding a column means a migration that keeps
#: old rows verifiable (new columns are hashed only when not null).
HASHED = ("id", "type", "staff", "rule", "at", "count", "items", "value", "loss", "outcome", "lapse",
          "charge", "note", "by", "target", "reason", "posted_month", "source", "derived_key", "punch_ids", "logged_at",
          "prev_hash")
#: Columns added since (schema 4): hashed after those, as (name, value), only when not null.
HASHED_LATER = ("batch",)
#: The hashed columns a row brings; the id, the time logged and the previous hash are the chain's.
_MIDDLE = HASHED[1:HASHED.index("logged_at")]
#: ``source`` of a void the program made (an undo, a derive the punches no longer support): the derived
#: event it withdrew may be derived again. A void a person made has no source and stays.
SYSTEM_VOIDS = ("undo", "derive")


class EventLog:
    """The ``events`` table."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.db = store.db

    # -- appending ------------------------------------------------------------------------
    def append(self, fields: dict[str, Any], *, logged_at: dt.datetime) -> int:
        """Append one row to the chain and return its id. Call inside ``write()``."""
        return self.append_many([fields], logged_at=logged_at)[0]

    def append_many(self, many: Iterable[dict[str, Any]], *, logged_at: dt.datetime) -> list[int]:
        """Append rows (dicts of columns) to the chain in order, each hashed over the one before; returns
        their ids."""
        return self._append((([fields.get(column) for column in _MIDDLE], [fields.get(c) for c in HASHED_LATER])
                             for fields in many), logged_at)

    def append_event(self, event: Event, *, logged_at: dt.datetime, source: str = "manual",
                     derived_key: str | None = None, punch_ids: tuple[int, ...] = ()) -> int:
        return self.append(_event_fields(event, source=source, derived_key=derived_key, punch_ids=punch_ids),
                           logged_at=logged_at)

    def append_events(self, events: list[Event], *, logged_at: dt.datetime, source: str,
                      batch: int | None = None) -> list[int]:
        """Append ``events`` (their ids are ignored), each held by ``batch`` when given."""
        return self._append(((_event_middle(e, source=source), [batch or e.batch]) for e in events), logged_at)

    def append_derived(self, items: list[tuple[Event, str, tuple[int, ...]]], *, logged_at: dt.datetime) -> list[int]:
        """Append derived events, each with its derived key and the punches it came from."""
        return self._append(((_event_middle(e, source="derived", derived_key=key, punch_ids=punch_ids), [e.batch])
                             for e, key, punch_ids in items), logged_at)

    def _append(self, rows: Iterable[tuple[list[Any], list[Any]]], logged_at: dt.datetime) -> list[int]:
        """Append ``rows`` (each its ``_MIDDLE`` columns and its ``HASHED_LATER`` ones) logged at ``logged_at``.

        Written 2,000 rows at a time, under the write lock: a chain's month imported at once is 160,000
        rows. Each row's JSON (what ``row_hash`` hashes) is put together from its columns' without a dict
        per row: the same bytes, for a third of the work."""
        head_id = int(self._store.meta("chain_head_id") or 0)
        prev_hash = self._store.meta("chain_head_hash") or GENESIS
        first, stamp = head_id + 1, logged_at.isoformat()
        stamped = "," + _compact_json(stamp) + ',"'
        pairs: dict[tuple[str, Any], str] = {}  # a batch's number is the same on every row
        pending = iter(rows)
        while chunk := list(itertools.islice(pending, 2000)):
            # the later columns only when set: an old database being migrated has none of them yet
            present = [i for i, c in enumerate(HASHED_LATER) if any(later[i] is not None for _, later in chunk)]
            columns = (*HASHED, *(HASHED_LATER[i] for i in present), "hash")
            names, marks = ", ".join(f'"{c}"' for c in columns), ", ".join("?" for _ in columns)
            values = []
            for middle, later in chunk:
                head_id += 1
                tail = "".join(pairs.get((c, v)) or pairs.setdefault((c, v), "," + _compact_json([c, v]))
                               for c, v in zip(HASHED_LATER, later, strict=True) if v is not None)
                text = f"[{head_id},{_compact_json(middle)[1:-1]}{stamped}{prev_hash}\"{tail}]"
                digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
                values.append([head_id, *middle, stamp, prev_hash, *(later[i] for i in present), digest])
                prev_hash = digest
            self.db.conn.executemany(f"insert into events ({names}) values ({marks})", values)
        if head_id >= first:
            self._store.set_meta("chain_head_id", str(head_id))
            self._store.set_meta("chain_head_hash", prev_hash)
        return list(range(first, head_id + 1))

    def append_voids(self, targets: list[int], *, reason: str, logged_at: dt.datetime, source: str | None = None,
                     batch: int | None = None, by: str | None = None,
                     posted_months: dict[int, str] | None = None) -> list[int]:
        """Withdraw ``targets`` in one go; ``posted_months`` names where a closed month's changes are posted."""
        posted_months = posted_months or {}
        if posted_months:
            self._store.charges.forget_open_balances(min(posted_months.values()))
        return self.append_many([{"type": "void", "target": t, "reason": reason, "source": source, "batch": batch,
                                  "by": by, "posted_month": posted_months.get(t)} for t in targets],
                                logged_at=logged_at)

    def append_void(self, target: int, *, reason: str, by: str | None, logged_at: dt.datetime,
                    posted_month: str | None = None) -> int:
        """Withdraw ``target``. ``posted_month`` is where a closed month's reversal lines go."""
        if posted_month is not None:
            self._store.charges.forget_open_balances(posted_month)
        return self.append({"type": "void", "target": target, "reason": reason, "by": by,
                            "posted_month": posted_month}, logged_at=logged_at)

    def head(self) -> tuple[int, str]:
        """(id, hash) of the last entry; (0, zeros) for an empty log."""
        return int(self._store.meta("chain_head_id") or 0), self._store.meta("chain_head_hash") or GENESIS

    def hash_of(self, entry: int) -> str | None:
        """The stored hash of log entry ``entry`` (None when there is none)."""
        row = self.db.execute("select hash from events where id = ?", [entry]).fetchone()
        return row[0] if row else None

    # -- reading --------------------------------------------------------------------------
    def events(self, *, where: str = "", params: list[Any] | None = None) -> list[Event]:
        """Violations in log order, each marked voided or not."""
        sql = ("select e.*, exists(select 1 from events v where v.type = 'void' and v.target = e.id) as voided "
               "from events e where e.type = 'violation'")
        if where:
            sql += f" and ({where})"
        sql += " order by e.id"
        return [_event(row) for row in self.db.query(sql, params or [])]

    def events_by_id(self, ids: list[int]) -> list[Event]:
        out: list[Event] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            out.extend(self.events(where=f"e.id in ({', '.join('?' for _ in chunk)})", params=chunk))
        return out

    def events_of(self, keys: list[str] | None, *, since: dt.datetime | None, rules: tuple[str, ...] = ()
                  ) -> list[Event]:
        """Events of these keys (all keys when None) at or after ``since``, plus every event of ``rules``."""
        clauses: list[str] = []
        params: list[Any] = []
        if since is not None:
            marks = ", ".join("?" for _ in rules)
            clauses.append(f"(e.at >= ?{f' or e.rule in ({marks})' if rules else ''})")
            params += [since.isoformat(), *rules]
        if keys is None:
            return self.events(where=" and ".join(clauses), params=params)
        out: list[Event] = []
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            where = [f"e.staff in ({', '.join('?' for _ in chunk)})", *clauses]
            out.extend(self.events(where=" and ".join(where), params=[*chunk, *params]))
        return out

    def event_row(self, event_id: int) -> dict[str, Any] | None:
        rows = list(self.db.query("select * from events where id = ? and type = 'violation'", [event_id]))
        return rows[0] if rows else None

    def is_voided(self, event_id: int) -> bool:
        row = self.db.execute("select 1 from events where type = 'void' and target = ?", [event_id]).fetchone()
        return row is not None

    def of_batch(self, batch: int) -> list[Event]:
        """The violations a batch logged or derived, voided or not."""
        return self.events(where="e.batch = ?", params=[batch])

    def count_of_batch(self, batch: int, *, kind: str = "violation") -> int:
        """Rows of ``kind`` (violations, or voids) that ``batch`` logged."""
        return int(self.db.execute("select count(*) from events where batch = ? and type = ?",
                                   [batch, kind]).fetchone()[0])

    def between(self, keys: list[str], since: dt.datetime, until: dt.datetime) -> list[Event]:
        """Events of these keys with since <= time < until (times compared as stored, in one zone)."""
        out: list[Event] = []
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            out.extend(self.events(where=f"e.staff in ({', '.join('?' for _ in chunk)}) and e.at >= ? and e.at < ?",
                                   params=[*chunk, since.isoformat(), until.isoformat()]))
        return out

    def moved_for(self, after: int, keys: set[str], events: set[int]) -> bool:
        """Whether an entry after ``after`` is a violation of one of ``keys`` or the void of one of ``events``:
        what an import told from duplicates outside the write lock may then be a duplicate no longer."""
        for kind, staff, target in self.db.execute("select type, staff, target from events where id > ?", [after]):
            if (staff in keys) if kind == "violation" else (target in events):
                return True
        return False

    def touched_since(self, after: int) -> tuple[set[str], set[int]]:
        """The people logged after entry ``after``, and the events voided after it (``moved_for`` for many
        sets of people at once)."""
        people, voided = set(), set()
        for kind, staff, target in self.db.execute("select type, staff, target from events where id > ?", [after]):
            if kind == "violation":
                people.add(staff)
            elif kind == "void":
                voided.add(target)
        return people, voided

    def logged_by_hand(self, rules: list[str], since: dt.datetime, until: dt.datetime
                       ) -> list[tuple[int, str, str, str | None, dt.date]]:
        """(id, staff, rule, outcome, local day) of the live events of ``rules`` in [since, until) that a
        person logged (not derived from punches): a chain's month holds tens of thousands. The log keeps
        local times in the store's zone, so the day is the text's."""
        marks = ", ".join("?" for _ in rules)
        rows = self.db.execute(
            "select e.id, e.staff, e.rule, e.outcome, e.at from events e where e.type = 'violation' and e.at >= ? "
            f"and e.at < ? and e.rule in ({marks}) and e.source != 'derived' and not exists (select 1 from events v "
            "where v.type = 'void' and v.target = e.id)", [since.isoformat(), until.isoformat(), *rules])
        return [(row[0], row[1], row[2], row[3], dt.date.fromisoformat(row[4][:10])) for row in rows]

    def rules_used(self, since: dt.datetime, until: dt.datetime | None) -> list[tuple[str, int]]:
        """(rule, live events) of the violations in [since, until) (until None: on)."""
        rows = self.db.execute(
            "select e.rule, count(*) from events e where e.type = 'violation' and e.at >= ?"
            + (" and e.at < ?" if until else "") + " and not exists (select 1 from events v where v.type = 'void' "
            "and v.target = e.id) group by e.rule order by e.rule",
            [since.isoformat(), *([until.isoformat()] if until else [])])
        return [(row[0], row[1]) for row in rows]

    def team_keys(self) -> set[str]:
        return {row[0] for row in self.db.execute("select distinct staff from events where staff like 'team:%'")}

    def first_violation_at(self) -> dt.datetime | None:
        """When the earliest violation in the log happened (voided or not)."""
        at = self.db.execute("select min(at) from events where type = 'violation'").fetchone()[0]
        return dt.datetime.fromisoformat(at) if at else None

    def derived_keys(self) -> set[str]:
        """Derived keys that are taken: by a live derived event, or by one a person withdrew (a lead's
        decision stands). One the program withdrew (an undo, punches that no longer support it) is free."""
        marks = ", ".join("?" for _ in SYSTEM_VOIDS)
        return {row[0] for row in self.db.execute(
            "select e.derived_key from events e where e.derived_key is not null and not exists (select 1 from "
            f"events v where v.type = 'void' and v.target = e.id and v.source in ({marks}))", SYSTEM_VOIDS)}

    def live_derived(self, since: dt.datetime, until: dt.datetime) -> dict[str, tuple[int, str]]:
        """derived key → (event id, staff) of derived events in [since, until) that nobody has withdrawn."""
        rows = self.db.execute(
            "select e.derived_key, e.id, e.staff from events e where e.derived_key is not null and e.at >= ? "
            "and e.at < ? and not exists (select 1 from events v where v.type = 'void' and v.target = e.id)",
            [since.isoformat(), until.isoformat()]).fetchall()
        return {row[0]: (row[1], row[2]) for row in rows}

    def touches_attendance(self, after: int, rules: list[str], since: dt.datetime, until: dt.datetime) -> bool:
        """Whether an entry after ``after`` is derived, an event of ``rules`` in [since, until), or the void
        of such an event: what a derive judged outside the write lock is then no longer what the log says."""
        marks = ", ".join("?" for _ in rules)
        row = self.db.execute(
            f"select 1 from events e where e.id > ? and (e.derived_key is not null or (e.type = 'violation' and "
            f"e.at >= ? and e.at < ? and e.rule in ({marks})) or (e.type = 'void' and exists (select 1 from events t "
            f"where t.id = e.target and (t.derived_key is not null or t.rule in ({marks}))))) limit 1",
            [after, since.isoformat(), until.isoformat(), *rules, *rules]).fetchone()
        return row is not None

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
        head_id = int(self._store.meta("chain_head_id") or 0) if "meta" in self.db.table_names() else 0
        head_hash = self._store.meta("chain_head_hash") or GENESIS if head_id else GENESIS
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
    values: list[Any] = [row.get(column) for column in HASHED]
    values += [[column, row[column]] for column in HASHED_LATER if row.get(column) is not None]
    return _digest(values)


#: ``json.dumps(values, ensure_ascii=False, separators=(",", ":"))`` without a new encoder for every row.
_compact_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _digest(values: list[Any]) -> str:
    """SHA-256 of the row's values (``HASHED``, then the later columns set, as pairs) as compact JSON."""
    return hashlib.sha256(_compact_json(values).encode("utf-8")).hexdigest()


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _dec(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _event_middle(event: Event, *, source: str, derived_key: str | None = None,
                  punch_ids: tuple[int, ...] = ()) -> list[Any]:
    """An event's ``_MIDDLE`` columns, in order."""
    return ["violation", event.staff, event.rule, event.at.isoformat(), event.count,
            json.dumps(list(event.items), ensure_ascii=False) if event.items else None, _text(event.value),
            _text(event.loss), event.outcome, 1 if event.lapse else 0, event.charge, event.note or None, event.by,
            None, None, None, source, derived_key, json.dumps(list(punch_ids)) if punch_ids else None]


def _event_fields(event: Event, *, source: str, derived_key: str | None = None,
                  punch_ids: tuple[int, ...] = ()) -> dict[str, Any]:
    return {**dict(zip(_MIDDLE, _event_middle(event, source=source, derived_key=derived_key, punch_ids=punch_ids),
                       strict=True)), "batch": event.batch}


def _event(row: dict[str, Any]) -> Event:
    return Event(
        id=row["id"], staff=row["staff"], rule=row["rule"], at=dt.datetime.fromisoformat(row["at"]),
        count=row["count"], items=tuple(json.loads(row["items"])) if row["items"] else (),
        value=_dec(row["value"]), loss=_dec(row["loss"]), outcome=row["outcome"], lapse=bool(row["lapse"]),
        charge=row["charge"], note=row["note"] or "", by=row["by"], voided=bool(row["voided"]),
        derived=row["source"] == "derived", batch=row.get("batch"),
    )
