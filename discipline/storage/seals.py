"""Seals: the tables that decide money, bound into a hash chain beside the log's.

The log is chained, but pay is also decided by what sits beside it: the roster and its history, the
published rule versions, each closed month's frozen statements, payroll files and carried balances,
the adjustments posted into open months, and the batches an undo reads. A command that changes one
of these appends a *seal* when it commits, to a second chain (the ``seals`` table, hash-chained like
the log, so that event numbers stay the log's alone): what is sealed (``roster``, ``rules``,
``month``, ``adjustments``, ``batches``), which one (a version number, a month; empty for a whole
table), the SHA-256 of each of its parts, and the log's head then, which binds the two chains.
``verify`` recomputes those digests: a wage, a carried balance or a byte of a frozen payroll file
changed behind the program's back no longer matches its seal, and hiding it means rewriting the
chains from there on, which contradicts the heads printed on every closed month's payroll files
(``heads``).

Whole-table parts are hashed in primary-key order (a roster of a chain, 30,000 people with their
history, takes a fraction of a second); closed months and rule versions never change once written,
so each is sealed once. Punches, schedule and leave are inputs of ``attendance derive``, whose
events are in the log's chain themselves; they are not sealed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import TYPE_CHECKING, Any

from .log import GENESIS

if TYPE_CHECKING:
    from . import Store

#: The columns a seal's hash covers, in order.
HASHED = ("id", "kind", "subject", "parts", "log_head_id", "log_head_hash", "sealed_at", "prev_hash")

#: What is sealed, as parts: (part, SQL giving its rows in a fixed order). ``?`` is the subject.
PARTS: dict[str, tuple[tuple[str, str], ...]] = {
    "roster": (("staff_versions", "select * from staff_versions order by staff, seq"),
               ("staff", "select * from staff order by id")),
    "adjustments": (("adjustments", "select * from adjustments order by posted_month, staff, at, event_id, cause, "
                                    "seq"),),
    "batches": (("batches", "select * from batches order by id"),
                ("batch_events", "select * from batch_events order by batch, event")),
    "rules": (("version", "select * from rule_versions where number = ?"),),
    "month": (("closed_at", "select closed_at from closed_months where month = ?"),
              ("statements", "select statements from closed_months where month = ?"),
              ("payroll_csv", "select payroll_csv from closed_months where month = ?"),
              ("payroll_html", "select payroll_html from closed_months where month = ?"),
              ("payroll_json", "select payroll_json from closed_months where month = ?"),
              ("carried_balances", "select staff, carried_out from closed_balances where month = ? order by staff")),
}
#: Kinds that are one whole table each (subject ""); the others are sealed one version or month at a time.
WHOLE = ("roster", "adjustments", "batches")
#: In words, for what ``verify`` says.
NAMES = {"staff_versions": "the roster's history (staff_versions)", "staff": "the roster (staff)",
         "adjustments": "the adjustments posted into open months", "batches": "the batches (batches)",
         "batch_events": "the events batches hold (batch_events)", "version": "its text or dates",
         "closed_at": "its closing time", "statements": "its frozen statements", "payroll_csv": "its payroll CSV",
         "payroll_html": "its payroll HTML", "payroll_json": "its payroll JSON",
         "carried_balances": "the balances it carried out (closed_balances)"}


class Seals:
    """The ``seals`` table: what to seal at the end of a write, and checking it."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.db = store.db
        self._pending: set[tuple[str, str]] = set()

    def later(self, kind: str, subject: str = "") -> None:
        """Seal ``kind`` (``subject``: a version number, a month) when the write commits."""
        self._pending.add((kind, subject))

    def discard(self) -> None:
        self._pending.clear()

    def commit(self, *, now: dt.datetime) -> None:
        """Seal everything marked during this write whose digest changed. Call inside ``write()``."""
        pending, self._pending = sorted(self._pending), set()
        if not pending:
            return
        latest = self.latest()
        head_id, prev_hash = self.head()
        log_id, log_hash = self._store.log.head()
        for kind, subject in pending:
            parts = self.digest(kind, subject)
            if (kind, subject) in latest and latest[(kind, subject)][1] == parts:
                continue
            if (kind, subject) not in latest and kind in WHOLE and all(v == _EMPTY for v in parts.values()):
                continue
            head_id += 1
            row = {"id": head_id, "kind": kind, "subject": subject, "parts": json.dumps(parts, sort_keys=True),
                   "log_head_id": log_id, "log_head_hash": log_hash, "sealed_at": now.isoformat(),
                   "prev_hash": prev_hash}
            row["hash"] = prev_hash = seal_hash(row)
            self.db.execute(f"insert into seals ({', '.join(row)}) values ({', '.join('?' for _ in row)})",
                            list(row.values()))
            self._store.set_meta("seal_head_id", str(head_id))
            self._store.set_meta("seal_head_hash", prev_hash)

    def seal_all(self, *, now: dt.datetime) -> None:
        """Seal everything there is (a database made before seals existed: what it holds is taken as it is)."""
        for kind in WHOLE:
            self.later(kind)
        for (number,) in self.db.execute("select number from rule_versions"):
            self.later("rules", str(number))
        for (month,) in self.db.execute("select month from closed_months"):
            self.later("month", month)
        self.commit(now=now)

    def head(self) -> tuple[int, str]:
        """(id, hash) of the latest seal; (0, zeros) when there is none."""
        return int(self._store.meta("seal_head_id") or 0), self._store.meta("seal_head_hash") or GENESIS

    def fence(self) -> int:
        """The latest seal of the roster, a rule version or a closed month (0 for none): what an events file's
        rows are checked against. A batch or an adjustment sealed since does not move it, so a file logged in
        parts is not checked again because of its own batch."""
        row = self.db.execute("select id from seals where kind in ('roster', 'rules', 'month') "
                              "order by id desc limit 1").fetchone()
        return int(row[0]) if row else 0

    def digest(self, kind: str, subject: str = "") -> dict[str, str]:
        """SHA-256 of each part of what ``kind`` / ``subject`` names, as the tables hold it now."""
        out = {}
        for part, sql in PARTS[kind]:
            digest = hashlib.sha256()
            cursor = self.db.execute(sql, [subject] if "?" in sql else [])
            while rows := cursor.fetchmany(2000):
                for row in rows:
                    digest.update(_json([_plain(value) for value in row]).encode("utf-8"))
                    digest.update(b"\n")
            out[part] = digest.hexdigest()
        return out

    def latest(self) -> dict[tuple[str, str], tuple[int, dict[str, str]]]:
        """(kind, subject) → (seal, part digests) of the latest seal of each."""
        out = {}
        for seal, kind, subject, parts in self.db.execute("select id, kind, subject, parts from seals order by id"):
            try:
                out[(kind, subject)] = (seal, json.loads(parts))
            except (TypeError, ValueError):
                out[(kind, subject)] = (seal, {})
        return out

    def sealed_months(self) -> set[str]:
        """Months a close sealed (a closed month deleted behind the program's back is still here)."""
        return {row[0] for row in self.db.execute("select subject from seals where kind = 'month'")}

    def month_heads(self) -> dict[str, tuple[int, str]]:
        """Closed month → the log's head when it was sealed (printed on its payroll files)."""
        return {row[0]: (row[1], row[2]) for row in self.db.execute(
            "select subject, log_head_id, log_head_hash from seals where kind = 'month' order by id")}

    def verify(self) -> list[str]:
        """The seals' chain walked, then what no longer matches its seal, one sentence each."""
        problems = self._walk()
        latest = self.latest()
        versions = {str(row[0]) for row in self.db.execute("select number from rule_versions")}
        months = {row[0] for row in self.db.execute("select month from closed_months")}
        present = {("rules", v) for v in versions} | {("month", m) for m in months} | {(k, "") for k in WHOLE}
        for kind, subject in sorted(present | set(latest)):
            what = _subject(kind, subject)
            if (kind, subject) not in present:
                problems.append(f"{what} was deleted behind the program's back (seal {latest[(kind, subject)][0]} "
                                "records it)")
                continue
            now = self.digest(kind, subject)
            if (kind, subject) not in latest:
                if kind in WHOLE and all(value == _EMPTY for value in now.values()):
                    continue  # never written: nothing to seal
                problems.append(f"{what} was put into the database behind the program's back: no seal records it")
                continue
            seal, sealed = latest[(kind, subject)]
            changed = [NAMES.get(part, part) for part, value in now.items() if sealed.get(part) != value]
            if changed:
                problems.append(f"{what} was changed behind the program's back: {', '.join(changed)} no longer "
                                f"match{'es' if len(changed) == 1 else ''} seal {seal}")
        return problems

    def _walk(self) -> list[str]:
        """Each seal hashed over the one before, and over a log entry that still has the hash it had."""
        problems: list[str] = []
        expected, prev_hash = 1, GENESIS
        for row in self.db.execute(f"select {', '.join(HASHED)}, hash from seals order by id"):
            row = dict(zip((*HASHED, "hash"), row, strict=True))
            if row["id"] != expected or row["prev_hash"] != prev_hash or seal_hash(row) != row["hash"]:
                problems.append(f"seal {row['id']} was edited, inserted or one before it deleted behind the "
                                "program's back")
                break
            if row["log_head_id"] and self._store.log.hash_of(row["log_head_id"]) != row["log_head_hash"]:
                problems.append(f"log entry {row['log_head_id']} is not the entry seal {row['id']} saw: the log "
                                "was rewritten from there on")
                break
            expected, prev_hash = row["id"] + 1, row["hash"]
        else:
            if (expected - 1, prev_hash) != self.head():
                problems.append(f"the latest seals were deleted behind the program's back (the chain of seals ends "
                                f"at {expected - 1}, the program wrote {self.head()[0]})")
        return problems


def seal_hash(row: dict[str, Any]) -> str:
    payload = json.dumps([row[column] for column in HASHED], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


_EMPTY = hashlib.sha256(b"").hexdigest()


def _subject(kind: str, subject: str) -> str:
    if kind == "rules":
        return f"rule version {subject}"
    if kind == "month":
        return f"closed month {subject}"
    return {"roster": "the roster", "adjustments": "the record of adjustments",
            "batches": "the record of batches"}[kind]


def _plain(value: Any) -> Any:
    return value.hex() if isinstance(value, bytes) else value


#: ``json.dumps(value, ensure_ascii=False)`` without a new encoder for every row: a chain's roster is
#: 90,000 rows, sealed inside the write lock of each roster change.
_json = json.JSONEncoder(ensure_ascii=False).encode
