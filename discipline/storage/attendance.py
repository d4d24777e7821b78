"""What attendance is judged from: punches, the shift schedule and approved leave."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from . import Store

#: The page cache (KiB) while punches are imported (`AttendanceData.stage_punches`).
IMPORT_CACHE_KIB = 16 * 1024


class AttendanceData:
    """The ``punches``, ``schedule`` and ``leave`` tables."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.db = store.db

    def changes(self) -> int:
        """How many times punches, schedule or leave were written: a derive that judged them outside the
        write lock knows by this whether they are still what it judged."""
        return int(self._store.meta("attendance_changes") or 0)

    def _changed(self) -> None:
        self._store.set_meta("attendance_changes", str(self.changes() + 1))

    def stage_punches(self, punches: Iterable[tuple[str, dt.datetime, str]], *, zone: dt.tzinfo,
                      part: int) -> list[tuple[str, str]]:
        """Put (machine number, wall-clock time in ``zone``, place) punches in this connection's temporary
        table, outside the write lock (it locks nothing but itself), and return the (first, last) machine
        numbers of parts of about ``part`` punches each, a number's punches never split (none: no punches).

        ``punches`` is read once, as it comes (a file's million punches are never a list): the temporary
        table's key keeps them in order of machine number, time and place, so SQLite needs no sort, each
        punch lands beside the last one in the ``punches`` index, and a punch twice in the file keeps its
        first place. The page cache is held to `IMPORT_CACHE_KIB` meanwhile: the rows arrive in index order,
        so a bigger one saves little, and a 50 MB attlog imports in under 200 MB.
        """
        stored = _stored_time(zone)
        with self._small_cache():
            self.db.execute("create temp table if not exists incoming_punches (staff text, at text, place text, "
                            "primary key (staff, at, place)) without rowid")
            self.db.execute("delete from incoming_punches")
            self.db.conn.executemany("insert or ignore into incoming_punches values (?, ?, ?)",
                                     ((staff, stored(at), place) for staff, at, place in punches))
        parts: list[tuple[str, str]] = []
        size = 0
        for staff, count in self.db.execute("select staff, count(*) from incoming_punches group by staff "
                                            "order by staff"):
            if parts and size + count <= part:
                parts[-1], size = (parts[-1][0], staff), size + count
            else:
                parts.append((staff, staff))
                size = count
        return parts

    def store_staged(self, first: str, last: str, *, source: str, imported_at: dt.datetime,
                     batch: int | None = None) -> int:
        """Inside ``write()``: store the staged punches of machine numbers ``first`` to ``last``, held by
        ``batch``; one already stored is not stored again, one an undo withdrew comes back. Returns how many
        are new (or back)."""
        self._changed()
        with self._small_cache():
            before = self.db.conn.total_changes
            self.db.execute(
                "insert into punches (staff, at, source, place, imported_at) select staff, at, ?, place, ? "
                "from incoming_punches where staff >= ? and staff <= ? order by staff, at, place "
                "on conflict(staff, at) do update set withdrawn = null, source = excluded.source, "
                "place = excluded.place, imported_at = excluded.imported_at where punches.withdrawn is not null",
                [source, imported_at.isoformat(), first, last])
            new = self.db.conn.total_changes - before
            if batch is not None:  # cross join: the staged punches in key order, each looked up in the index
                self.db.execute("insert or ignore into punch_batches (batch, punch) select ?, p.id from "
                                "incoming_punches i cross join punches p on p.staff = i.staff and p.at = i.at "
                                "where i.staff >= ? and i.staff <= ?", [batch, first, last])
        return int(new)

    def drop_staged(self) -> None:
        """Let the staged punches go (the temporary table stays, empty, for the connection's next import)."""
        self.db.execute("delete from incoming_punches")

    @contextlib.contextmanager
    def _small_cache(self) -> Iterator[None]:
        cache = self.db.execute("pragma cache_size").fetchone()[0]
        self.db.execute(f"pragma cache_size = {-IMPORT_CACHE_KIB}")
        try:
            yield
        finally:
            self.db.execute(f"pragma cache_size = {int(cache)}")

    def punches(self, since: dt.datetime, until: dt.datetime) -> list[tuple[int, str, dt.datetime]]:
        """(id, machine number, time) of the punches nobody withdrew with since <= time < until (times compared
        as stored, in one zone), in no particular order (sorting a month's million punches is left to whoever
        needs an order)."""
        rows = self.db.execute("select id, staff, at from punches where at >= ? and at < ? and withdrawn is null",
                               [since.isoformat(), until.isoformat()]).fetchall()
        return [(row[0], row[1], dt.datetime.fromisoformat(row[2])) for row in rows]

    def numbers(self) -> list[str]:
        """Every machine number that ever punched, as stored (read from the index, not the rows)."""
        return [row[0] for row in self.db.execute("select distinct staff from punches")]

    def punches_of(self, numbers: list[str], since: dt.datetime, until: dt.datetime
                   ) -> list[tuple[int, str, dt.datetime]]:
        """``punches`` of these machine numbers only (as stored): a store's month, not the chain's."""
        out: list[tuple[int, str, dt.datetime]] = []
        for start in range(0, len(numbers), 500):
            chunk = numbers[start:start + 500]
            rows = self.db.execute(f"select id, staff, at from punches where staff in ({', '.join('?' for _ in chunk)})"
                                   " and at >= ? and at < ? and withdrawn is null",
                                   [*chunk, since.isoformat(), until.isoformat()]).fetchall()
            out.extend((row[0], row[1], dt.datetime.fromisoformat(row[2])) for row in rows)
        return out

    def withdraw_batch(self, batch: int, *, undo: int) -> tuple[int, list[str]]:
        """Undo ``batch``'s hold on its punches; withdraw (keep, marked with ``undo``) those no other live
        batch holds: (how many were withdrawn, their days)."""
        self._changed()
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
        self._changed()
        self.db.conn.executemany(
            "insert into schedule (staff, day, shift) values (?, ?, ?) "
            "on conflict(staff, day) do update set shift = excluded.shift",
            [(staff, day.isoformat(), shift) for staff, day, shift in entries])

    def schedule(self, first: dt.date, last: dt.date) -> dict[tuple[str, dt.date], str | None]:
        rows = self.db.execute("select staff, day, shift from schedule where day >= ? and day <= ?",
                               [first.isoformat(), last.isoformat()]).fetchall()
        return {(row[0], dt.date.fromisoformat(row[1])): row[2] for row in rows}

    def add_leave(self, entries: list[tuple[str, dt.date, str]]) -> None:
        self._changed()
        self.db.conn.executemany("insert into leave (staff, day, part) values (?, ?, ?) on conflict do nothing",
                                 [(staff, day.isoformat(), part) for staff, day, part in entries])

    def leave(self, first: dt.date, last: dt.date) -> list[tuple[str, dt.date, str]]:
        rows = self.db.execute("select staff, day, part from leave where day >= ? and day <= ? order by staff, day",
                               [first.isoformat(), last.isoformat()]).fetchall()
        return [(row[0], dt.date.fromisoformat(row[1]), row[2]) for row in rows]


def _stored_time(zone: dt.tzinfo) -> Callable[[dt.datetime], str]:
    """What stores a wall-clock time of ``zone`` as it is stored: ``at.replace(tzinfo=zone).isoformat()``,
    four times as fast (the offset's text is made once per offset; a million punches spend seconds on it)."""
    offsets: dict[dt.timedelta | None, str] = {}

    def stored(at: dt.datetime) -> str:
        offset = zone.utcoffset(at)
        text = offsets.get(offset)
        if text is None:
            text = offsets[offset] = at.replace(tzinfo=zone).isoformat().removeprefix(at.isoformat())
        return at.isoformat() + text

    return stored
