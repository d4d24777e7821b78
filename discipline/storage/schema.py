"""The database's schema, as numbered migrations applied in order.

Each migration runs in the same transaction as the version bump that records it (``Store.migrate``),
so a database is always at one version, never between two. A migration never rewrites a hashed
column of the event log: old rows must keep verifying.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import sqlite_utils


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


def _migration_4(db: sqlite_utils.Database) -> None:
    """Batches, machine numbers, withdrawn punches and adjustments posted into open months.

    * ``batches``: every bulk command (events import, attendance derive, punches import, staff
      import) and every undo is a batch, with its file's name and SHA-256, who ran it and its counts;
      events carry the batch that logged (or withdrew) them in ``events.batch``, a column the row hash
      covers only when it is set, so rows written before it still verify.
    * A derived key is no longer unique: a derived event withdrawn by an undo or by a later derive
      may be derived again once the punches support it; one a person withdrew stays withdrawn.
    * ``staff.clock`` (``no`` for people who do not punch) and ``staff.pin`` (the attendance
      machine's own number for the person; the staff id when empty).
    * ``punch_batches``: every punches import that held a punch (a re-export holds punches an earlier
      file stored), and ``punches.withdrawn``: the undo that withdrew a punch no live batch holds any
      more; derive reads only punches nobody withdrew, through a partial covering index.
      ``batch_events``: the live events an events import held without logging them (rows that were
      already in the log), so that undoing the batch that logged them leaves them.
    * ``adjustments``: what a change to a closed month's events does to its charges, posted into the
      first open month (a late discovery, a void after payroll). The reversals voids of closed months
      posted so far, computed until now from the frozen statements at every payroll, become rows.
    """
    db.execute("alter table events add column batch integer")
    db.execute("create index idx_events_batch on events (batch) where batch is not null")
    db.execute("drop index idx_events_derived_key")
    db.execute("create index idx_events_derived_key on events (derived_key) where derived_key is not null")
    db["batches"].create({"id": int, "command": str, "file": str, "sha256": str, "at": str, "by": str,
                          "events": int, "details": str, "undoes": int, "reason": str},
                         pk="id", not_null={"command", "at"})
    db["batches"].create_index(["sha256"])
    db["batches"].create_index(["undoes"])
    db.execute("alter table staff add column clock text")
    db.execute("alter table staff add column pin text")
    db.execute("alter table punches add column withdrawn integer")
    db.execute("drop index idx_punches_at_staff")
    db.execute("create index idx_punches_at_staff on punches (at, staff) where withdrawn is null")
    db.execute("create table punch_batches (batch integer not null, punch integer not null, undone integer, "
               "primary key (batch, punch)) without rowid")
    db.execute("create index idx_punch_batches_punch on punch_batches (punch)")
    db.execute("create table batch_events (batch integer not null, event integer not null, "
               "primary key (batch, event)) without rowid")
    db.execute("create index idx_batch_events_event on batch_events (event)")
    db.execute("""
        create table adjustments (
            posted_month text not null, staff text not null, at text not null, event_id integer not null,
            cause integer not null, seq integer not null, month text not null, rule text not null,
            kind text not null, points text not null, amount_fen integer not null, disposition text,
            line_json text not null,
            primary key (posted_month, staff, at, event_id, cause, seq)
        ) without rowid""")
    db.execute("create index idx_adjustments_event on adjustments (event_id)")
    _posted_voids_as_adjustments(db)


def _posted_voids_as_adjustments(db: sqlite_utils.Database) -> None:
    """Each void of a closed month's event becomes the reversal rows payroll computed for it until now:
    the event's frozen lines, negated, dated when the void was logged, with the same explanation."""
    import datetime as dt

    from ..payroll import Reversal, from_json, line_text, reversal_lines
    from .charges import utc_text

    frozen: dict[str, list] = {}
    voids = db.execute("select v.id, v.target, v.reason, v.logged_at, v.posted_month, e.at from events v "
                       "join events e on e.id = v.target where v.type = 'void' and v.posted_month is not null "
                       "order by v.id").fetchall()
    for void_id, target, reason, logged_at, posted, event_at in voids:
        month = event_at[:7]  # the log keeps local times in the store's zone, whose month this is
        if month not in frozen:
            row = db.execute("select statements from closed_months where month = ?", [month]).fetchone()
            frozen[month] = [from_json(item) for item in json.loads(row[0])] if row else []
        lines = tuple((s.staff_id, line) for s in frozen[month] for line in s.lines if line.event_id == target)
        reversal = Reversal(month=posted, event_id=target, at=dt.datetime.fromisoformat(logged_at),
                            reason=reason or "", lines=lines)
        for (staff, _), posted_lines in reversal_lines([reversal]).items():
            db.conn.executemany(
                "insert into adjustments (posted_month, staff, at, event_id, cause, seq, month, rule, kind, points, "
                "amount_fen, disposition, line_json) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(posted, staff, utc_text(line.at), line.event_id, void_id, seq, month, line.rule, line.kind,
                  str(line.points) if line.points else "0", int(line.amount * 100), line.disposition, line_text(line))
                 for seq, line in enumerate(posted_lines, 1)])


def _migration_5(db: sqlite_utils.Database) -> None:
    """Rule-table versions and the roster's history, with the dates they take effect.

    * ``rule_versions``: every published table, whole (text and SHA-256), from its effective date,
      with when it was made known and by whom. ``init`` publishes the table it is given as version 1
      (from the beginning) when there is none: a migration cannot read files.
    * ``staff_versions``: each person's versions, from their effective date (none: from the
      beginning), in the order recorded; ``staff`` keeps each person's latest, for lists and look-ups.
      Today's roster becomes everyone's first version.
    """
    db.execute("create table rule_versions (number integer primary key, effective text, published text not null, "
               "by text, sha256 text not null, text text not null, recorded_at text not null)")
    db.execute('create table staff_versions (staff text not null, seq integer not null, effective text, name text, '
               'store text, team text, role text, supervisor text, base_wage text, bonus text, shift text, city text, '
               'hired text, "left" text, clock text, pin text, batch integer, recorded_at text, '
               "primary key (staff, seq))")
    db.execute("create index idx_staff_versions_store on staff_versions (store)")
    db.execute("create index idx_staff_versions_team on staff_versions (team)")
    fields = 'name, store, team, role, supervisor, base_wage, bonus, shift, city, hired, "left", clock, pin'
    db.execute(f"insert into staff_versions (staff, seq, effective, {fields}) select id, 1, null, {fields} from staff")


def _migration_6(db: sqlite_utils.Database) -> None:
    """Seals: the tables that decide money bound into a second hash chain (``seals.py``).

    ``Store.migrate`` seals what the database holds right after this migration, as it is. A later
    migration that changes a sealed table's columns must seal again the same way.
    """
    db.execute("create table seals (id integer primary key, kind text not null, subject text not null, "
               "parts text not null, log_head_id integer not null, log_head_hash text not null, "
               "sealed_at text not null, prev_hash text not null, hash text not null)")
    db.execute("create index idx_seals_kind on seals (kind, subject)")


def _migration_7(db: sqlite_utils.Database) -> None:
    """Keys whose cached charges wait to be re-priced (``cache.settle``): a change that reaches every key
    commits at once and is priced a few thousand keys per transaction after it. ``since`` is UTC ISO
    text, ``''`` for all time."""
    db.execute("create table stale_keys (key text primary key, since text not null)")


def _migration_8(db: sqlite_utils.Database) -> None:
    """The voids' index holds voids only: a violation has no target, and indexing its NULL cost every
    appended row a third index entry (a chain's month imported at once held the write lock 16 % longer).
    ``target = ?`` implies ``target is not null``, so every look-up of a void still uses it."""
    db.execute("drop index if exists idx_events_target")
    db.execute("create index idx_events_target on events (target) where target is not null")


def _migration_9(db: sqlite_utils.Database) -> None:
    """Events logged together for one violation of several people (「雙方均予辭退」): each person has an event
    of their own, and ``group_id`` (the first one's id) ties them, so that a void withdraws them all."""
    db.execute("create table if not exists event_groups (event_id integer primary key, group_id integer not null)")
    db.execute("create index if not exists idx_event_groups_group on event_groups (group_id)")


MIGRATIONS: tuple[Callable[[sqlite_utils.Database], None], ...] = (_migration_1, _migration_2, _migration_3,
                                                                   _migration_4, _migration_5, _migration_6,
                                                                   _migration_7, _migration_8, _migration_9)
#: The schema version from which the tables that decide money are sealed.
SEALED_FROM = 6


def newer_schema(path: object, version: int) -> str:
    """What to do with a database a newer release wrote: ``init`` cannot take it back to this schema."""
    from .. import DISTRIBUTION, __version__

    return (f"{path} was written by a newer release of discipline (schema version {version}; this release, "
            f"{__version__}, reads up to {len(MIGRATIONS)}); install the newer release "
            f"('pip install -U {DISTRIBUTION}') to use it, or use a backup made by this release")
