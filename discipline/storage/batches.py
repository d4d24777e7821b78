"""Batches: one row per bulk command that changed something, and per undo."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import Store

_COLUMNS = "id, command, file, sha256, at, by, events, details, undoes, reason"


class Batches:
    """The ``batches`` table."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.db = store.db

    def add(self, command: str, *, at: dt.datetime, file: str | None = None, sha256: str | None = None,
            by: str | None = None, events: int = 0, details: dict[str, Any] | None = None,
            undoes: int | None = None, reason: str | None = None) -> int:
        """Record a batch and return its id (1, 2, …)."""
        self._store.seals.later("batches")
        cursor = self.db.execute(
            "insert into batches (command, file, sha256, at, by, events, details, undoes, reason) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [command, file, sha256, at.isoformat(), by, events,
             json.dumps(details or {}, ensure_ascii=False, sort_keys=True), undoes, reason])
        return int(cursor.lastrowid)

    def hold(self, batch: int, events: list[int]) -> None:
        """``batch`` holds these live events without having logged them (its rows were already in the log)."""
        self._store.seals.later("batches")
        self.db.conn.executemany("insert or ignore into batch_events (batch, event) values (?, ?)",
                                 [(batch, event) for event in events])

    def held_by(self, batch: int) -> list[int]:
        """The events ``batch`` holds without having logged them."""
        return [row[0] for row in self.db.execute("select event from batch_events where batch = ? order by event",
                                                  [batch])]

    def held_elsewhere(self, events: list[int], *, but: int) -> dict[int, int]:
        """Event → a batch other than ``but``, not undone, that holds it (so undoing ``but`` must leave it)."""
        out: dict[int, int] = {}
        for start in range(0, len(events), 500):
            chunk = events[start:start + 500]
            rows = self.db.execute(
                f"select h.event, min(h.batch) from batch_events h where h.event in ({', '.join('?' for _ in chunk)}) "
                "and h.batch != ? and not exists (select 1 from batches u where u.undoes = h.batch) group by h.event",
                [*chunk, but])
            out.update({event: batch for event, batch in rows})
        return out

    def set_counts(self, batch: int, *, events: int, details: dict[str, Any]) -> None:
        self._store.seals.later("batches")
        self.db.execute("update batches set events = ?, details = ? where id = ?",
                        [events, json.dumps(details, ensure_ascii=False, sort_keys=True), batch])

    def get(self, batch: int) -> dict[str, Any] | None:
        rows = self._rows("where b.id = ?", [batch])
        return rows[0] if rows else None

    def all(self) -> list[dict[str, Any]]:
        return self._rows("", [])

    def with_file(self, command: str, sha256: str) -> dict[str, Any] | None:
        """The earliest batch of ``command`` that holds a file with this SHA-256 and was not undone."""
        rows = self._rows("where b.command = ? and b.sha256 = ? and u.id is null", [command, sha256])
        return rows[0] if rows else None

    def unfinished(self) -> list[dict[str, Any]]:
        """Batches logged in parts whose last part has not committed (being written now, or stopped half-way),
        and not undone."""
        return self._rows("where json_extract(b.details, '$.unfinished') and u.id is null", [])

    def _rows(self, where: str, params: list[Any]) -> list[dict[str, Any]]:
        sql = (f"select {', '.join('b.' + c for c in _COLUMNS.split(', '))}, u.id, u.at from batches b "
               f"left join batches u on u.undoes = b.id {where} order by b.id")
        out = []
        for row in self.db.execute(sql, params):
            record = dict(zip(_COLUMNS.split(", "), row[:10], strict=True))
            record["details"] = json.loads(record["details"] or "{}")
            record["undone_by"], record["undone_at"] = row[10], row[11]
            out.append(record)
        return out
