"""The only package that talks to SQLite (through sqlite-utils), one module per concern.

* WAL mode, a busy timeout, and ``BEGIN IMMEDIATE`` for every command that writes, so two store
  leads logging at the same moment are queued, never refused.
* ``Store`` holds the connection, the transactions and the schema; each concern is a part of it
  with its own module and its own tables, so each can have a PostgreSQL twin without touching the
  others::

      store.log         the append-only, hash-chained event log          (log.py)
      store.staff       the roster                                       (staff.py)
      store.months      closed months and their frozen files             (months.py)
      store.charges     the priced-charges cache and kept balances       (charges.py)
      store.attendance  punches, schedule, leave                         (attendance.py)
      store.batches     bulk commands and their undoing                  (batches.py)
      store.adjustments closed months' changes posted into open months   (adjustments.py)
      store.versions    the rule table's published versions              (versions.py)
      store.seals       the chain that seals what decides money beside the log (seals.py)

* The schema carries a version; ``schema.MIGRATIONS`` are numbered functions applied in order,
  each in the same transaction as the version bump.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import sqlite_utils

from .. import clock
from ..model import DisciplineError
from ..wording import Said, say
from .adjustments import Adjustments
from .attendance import AttendanceData
from .batches import Batches
from .charges import CHARGE_COLUMNS, ChargesCache, utc_text
from .groups import EventGroups
from .log import EventLog, row_hash
from .months import ClosedMonths
from .schema import MIGRATIONS, SEALED_FROM, newer_schema
from .seals import Seals
from .staff import StaffTable, staff_row
from .versions import RuleVersions

__all__ = ["CHARGE_COLUMNS", "MIGRATIONS", "NeedsWrite", "NoDatabase", "Store", "row_hash", "staff_row", "utc_text"]

BUSY_TIMEOUT_MS = 60_000
#: How long a write waits for the lock before saying who holds it (then it waits up to BUSY_TIMEOUT_MS more).
PATIENT_MS = 2_000


class NoDatabase(DisciplineError):
    """The database file does not exist yet."""


class NeedsWrite(Exception):
    """A command reading in one snapshot (``Store.read``) found it must write (the charges cache was made
    with another rule table); it is run again inside ``Store.write``, which reads consistently too."""


def read_only_here(path: Path) -> bool:
    """Whether a command that only reads should open ``path`` read-only: the file or its folder cannot be
    written, or it is a copy made by ``backup`` (rollback-journal mode, which every database the program
    writes is not), which opening for writing would turn back into WAL mode with files beside it."""
    path = Path(path)
    if not path.is_file():
        return False
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        return True
    try:
        with path.open("rb") as file:
            header = file.read(20)
    except OSError:
        return True
    return len(header) == 20 and header[:16] == b"SQLite format 3\x00" and header[18] == 1


class Store:
    """An open database. Use ``with store.write():`` around every change."""

    def __init__(self, path: Path, *, create: bool = False, read_only: bool = False) -> None:
        self.path = Path(path)
        if not create and not self.path.exists():
            raise NoDatabase(f"no database at {self.path}; run 'discipline init' first (or pass --db PATH)")
        self.read_only = read_only
        """Opened ``mode=ro`` (``read_only_here``): reading commands work, a write is refused in a sentence."""
        try:
            conn = self._connect_read_only() if read_only else sqlite3.connect(
                str(self.path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.db = sqlite_utils.Database(conn)
            if not read_only and self.db.journal_mode != "wal":
                self.db.enable_wal()
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA temp_store = MEMORY")  # a punch file is staged in a temporary table
        except sqlite3.DatabaseError as exc:
            raise DisciplineError(say("not_a_database", path=str(self.path), why=str(exc))) from None
        self.log = EventLog(self)
        self.staff = StaffTable(self)
        self.months = ClosedMonths(self)
        self.charges = ChargesCache(self)
        self.attendance = AttendanceData(self)
        self.batches = Batches(self)
        self.groups = EventGroups(self)
        self.adjustments = Adjustments(self)
        self.versions = RuleVersions(self)
        self.seals = Seals(self)
        self.reading = False
        """Inside ``read()``: one snapshot, nothing may be written."""
        self.writing = False
        """Inside ``write()``: a write nested in it (a statement re-pricing the cache) joins it."""
        self.command = ""
        """What the command is (``staff import``), written beside the database while it holds the write lock."""
        self.mark_when_locked: str | None = None
        """``waiting_mark()`` as it was when this connection last took the write lock: another mark since
        means someone has waited for a lock this connection held."""
        self.on_wait: Callable[[str], None] | None = None
        """Told, in a sentence, who holds the lock when a write has waited ``PATIENT_MS`` for it."""

    def close(self) -> None:
        self.db.close()

    def _connect_read_only(self) -> sqlite3.Connection:
        """``mode=ro``; where SQLite cannot even keep its shared-memory file (a WAL database on read-only media),
        ``immutable=1``, which reads the file as it is."""
        uri = self.path.resolve().as_uri()
        for options in ("?mode=ro", "?mode=ro&immutable=1"):
            conn = sqlite3.connect(uri + options, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            try:
                conn.execute("select count(*) from sqlite_master").fetchone()
                return conn
            except sqlite3.OperationalError:
                conn.close()
        raise sqlite3.DatabaseError("it cannot be read, even read-only")

    # -- transactions and schema ----------------------------------------------------------
    @contextlib.contextmanager
    def write(self, *, dry_run: bool = False) -> Iterator[Store]:
        """One IMMEDIATE transaction: taken before reading, so concurrent writers queue up.

        ``dry_run`` rolls it back at the end: a command shows exactly what it would do, computed by
        the same code that does it, and changes nothing. What the write changed among the tables that
        decide money is sealed just before it commits (``seals.py``). Writes get a 64 MiB page cache (taken only
        as needed): at chain scale a bulk import otherwise re-reads its indexes from disk for every row.
        """
        if self.writing:
            yield self
            return
        if self.reading:
            raise NeedsWrite
        if self.read_only:
            raise DisciplineError(say("read_only", path=str(self.path)))
        self.db.execute("PRAGMA cache_size = -65536")
        self._begin()
        self.writing = True
        try:
            yield self
            if not dry_run:
                self.seals.commit(now=clock.now(dt.UTC))
        except BaseException:
            self.seals.discard()
            self.db.rollback()
            raise
        else:
            self.seals.discard()
            self.db.execute("ROLLBACK" if dry_run else "COMMIT")
        finally:
            self.writing = False
            if self.command:
                self._writer_note().unlink(missing_ok=True)

    def _begin(self) -> None:
        """BEGIN IMMEDIATE; after ``PATIENT_MS`` of waiting, say who holds the lock (``<db>-writer``), and wait on."""
        try:
            if not self._begun_within(0):
                self._mark_waiting()
            if not self.db.conn.in_transaction and not self._begun_within(PATIENT_MS):
                if self.on_wait is not None:
                    self.on_wait(self.holder())
                if not self._begun_within(BUSY_TIMEOUT_MS - PATIENT_MS):
                    raise DisciplineError(say("still_busy", seconds=BUSY_TIMEOUT_MS // 1000, holder=self.holder()))
        finally:
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.mark_when_locked = self.waiting_mark()
        if self.command:
            note = {"command": self.command, "pid": os.getpid(), "since": clock.now(dt.UTC).isoformat()}
            with contextlib.suppress(OSError):  # a read-only folder: the note is a courtesy
                self._writer_note().write_text(json.dumps(note), encoding="utf-8")

    def _begun_within(self, milliseconds: int) -> bool:
        """BEGIN IMMEDIATE, waiting at most ``milliseconds`` for another writer; False when it still holds the lock."""
        self.db.execute(f"PRAGMA busy_timeout = {milliseconds}")
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                return False
            raise
        return True

    def _writer_note(self) -> Path:
        return self.path.with_name(self.path.name + "-writer")

    def _waiting_note(self) -> Path:
        return self.path.with_name(self.path.name + "-waiting")

    def _mark_waiting(self) -> None:
        """Leave a new mark in ``<db>-waiting``: a command writing in steps pauses between them from now on."""
        with contextlib.suppress(OSError):  # a read-only folder: the steps then run on without pauses
            self._waiting_note().write_text(os.urandom(8).hex(), encoding="ascii")

    def waiting_mark(self) -> str | None:
        """The mark the last write that had to wait for the lock left (None when none ever did): a command
        working in steps that sees it change knows someone is waiting, and lets them in between steps."""
        try:
            return self._waiting_note().read_text(encoding="ascii")
        except (OSError, ValueError):
            return None

    def holder(self) -> Said:
        """Who holds the write lock, in words, from the note its command left beside the database."""
        try:
            note = json.loads(self._writer_note().read_text(encoding="utf-8"))
            since = dt.datetime.fromisoformat(note["since"])
            seconds = max(0, int((clock.now(dt.UTC) - since).total_seconds()))
            return say("waiting_for", command=note["command"], pid=note["pid"], seconds=seconds)
        except (OSError, ValueError, KeyError, TypeError):
            return say("waiting_for_another")

    @contextlib.contextmanager
    def read(self) -> Iterator[Store]:
        """One snapshot for all of a command's reads: a payroll printed while a roster import commits shows
        the roster before it or after it, never a wage from one beside a penalty from the other.

        A deferred transaction, so it takes no lock and blocks no writer (WAL); SQLite fixes the snapshot
        at its first read. Anything that would write inside it raises ``NeedsWrite``.
        """
        if self.writing or self.reading:
            yield self
            return
        self.db.execute("BEGIN")
        self.reading = True
        try:
            yield self
        finally:
            self.reading = False
            self.db.execute("ROLLBACK")  # nothing was written; ends the snapshot

    def damage(self) -> list[str]:
        """SQLite's own check of the file (a restored copy spliced with a stale write-ahead log): empty when sound."""
        try:
            found = [row[0] for row in self.db.execute("PRAGMA integrity_check(20)")]
        except sqlite3.DatabaseError as exc:
            found = [str(exc)]
        if found == ["ok"]:
            return []
        return [f"the database file is damaged ({len(found)}{'+' if len(found) >= 20 else ''} problem(s) found by "
                f"SQLite's integrity check, the first: {found[0]}); restore the latest backup that verifies"]

    def chain_head(self) -> str:
        """Both chains' heads, short: ``log 1234 3fa9c0d2e1b4a5f6 · seal 7 0c1d2e3f4a5b6c7d``. Printed on payroll
        files; ``verify`` prints the entries' hashes as they stand, for a reader to compare."""
        (log_id, log_hash), (seal_id, seal_hash) = self.log.head(), self.seals.head()
        return f"log {log_id} {log_hash[:16]} · seal {seal_id} {seal_hash[:16]}"

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
                raise DisciplineError(newer_schema(self.path, version))
            for number, migration in enumerate(MIGRATIONS[version:], version + 1):
                migration(self.db)
                self.set_meta("schema_version", str(number))
            if version < SEALED_FROM <= len(MIGRATIONS):  # what a database holds when seals come in is sealed as it is
                self.seals.seal_all(now=clock.now(dt.UTC))
            return len(MIGRATIONS)

    def check_schema(self) -> None:
        version = self.schema_version
        if version > len(MIGRATIONS):
            raise DisciplineError(newer_schema(self.path, version))
        if version != len(MIGRATIONS):
            raise DisciplineError(say("old_schema", path=str(self.path), version=version, needs=len(MIGRATIONS)))

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("insert into meta (key, value) values (?, ?) "
                        "on conflict(key) do update set value = excluded.value", [key, value])

    def meta(self, key: str) -> str | None:
        rows = list(self.db.query("select value from meta where key = ?", [key]))
        return rows[0]["value"] if rows else None

    def backup(self, target: Path) -> None:
        """Copy the whole database to ``target`` with SQLite's online backup API (safe while others write).

        The copy is made in a temporary file beside ``target`` (``atomicfile.replacing``), switched to
        rollback-journal mode so it is one file with no -wal or -shm beside it, fsynced and renamed into
        place: ``target`` appears complete or not at all, and a failed copy leaves nothing behind.
        """
        from ..atomicfile import replacing

        target = Path(target)
        if target.exists():
            raise DisciplineError(say("backup_exists", target=str(target)))
        if not target.parent.is_dir():
            raise DisciplineError(say("backup_no_folder", folder=str(target.parent)))
        with replacing(target) as partial:
            dest = sqlite3.connect(str(partial), isolation_level=None)
            try:
                self.db.conn.backup(dest)
                dest.execute("PRAGMA journal_mode = DELETE")  # the source's WAL flag came with its pages
            except BaseException:
                dest.close()
                for suffix in ("-journal", "-wal", "-shm"):  # what SQLite left beside the discarded copy
                    Path(f"{partial}{suffix}").unlink(missing_ok=True)
                raise
            dest.close()
