"""What attendance is judged from: punches, the shift schedule and approved leave."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from . import Store


class AttendanceData:
    """The ``punches``, ``schedule`` and ``leave`` tables."""

    def __init__(self, store: Store) -> None:
        self.db = store.db

    def add_punches(self, punches: list[tuple[str, dt.datetime, str]], *, source: str, imported_at: dt.datetime,
                    batch: int | None = None) -> int:
        """Store (machine number, aware time, place) punches, held by ``batch``; one already stored is not
        stored again, one an undo withdrew comes back. Returns how many are new (or back)."""
        stamp = imported_at.isoformat()
        self.db.execute("create temp table if not exists incoming (staff text, at text, source text, place text, "
                        "imported_at text)")
        self.db.execute("delete from incoming")
        self.db.conn.executemany(  # in index order: each insert lands beside the last one in the B-tree
            "insert into incoming values (?, ?, ?, ?, ?)",
            sorted((staff, at.isoformat(), source, place, stamp) for staff, at, place in punches))
        before = self.db.conn.total_changes
        self.db.execute(
            "insert into punches (staff, at, source, place, imported_at) select staff, at, source, place, "
            "imported_at from incoming where true on conflict(staff, at) do update set withdrawn = null, "
            "source = excluded.source, place = excluded.place, imported_at = excluded.imported_at "
            "where punches.withdrawn is not null")
        new = self.db.conn.total_changes - before
        if batch is not None:
            self.db.execute("insert or ignore into punch_batches (batch, punch) select ?, p.id from incoming i "
                            "join punches p on p.staff = i.staff and p.at = i.at", [batch])
        self.db.execute("delete from incoming")
        return int(new)

    def punches(self, since: dt.datetime, until: dt.datetime) -> list[tuple[int, str, dt.datetime]]:
        """(id, machine number, time) of the punches nobody withdrew with since <= time < until (times compared
        as stored, in one zone), in no particular order (sorting a month's million punches is left to whoever
        needs an order)."""
        rows = self.db.execute("select id, staff, at from punches where at >= ? and at < ? and withdrawn is null",
                               [since.isoformat(), until.isoformat()]).fetchall()
        return [(row[0], row[1], dt.datetime.fromisoformat(row[2])) for row in rows]

    def withdraw_batch(self, batch: int, *, undo: int) -> tuple[int, list[str]]:
        """Undo ``batch``'s hold on its punches; withdraw (keep, marked with ``undo``) those no other live
        batch holds: (how many were withdrawn, their days)."""
        self.db.execute("update punch_batches set undone = ? where batch = ?", [undo, batch])
        orphans = ("select m.punch from punch_batches m where m.batch = ? and not exists (select 1 from "
                   "punch_batches o where o.punch = m.punch and o.undone is null)")
        days = [row[0] for row in self.db.execute(
            f"select distinct substr(at, 1, 10) from punches where id in ({orphans}) and withdrawn is null "
            "order by 1", [batch])]
        count = self.db.execute(f"update punches set withdrawn = ? where id in ({orphans}) and withdrawn is null",
                                [undo, batch]).rowcount
        return count, days

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
