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
