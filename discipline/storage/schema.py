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


MIGRATIONS: tuple[Callable[[sqlite_utils.Database], None], ...] = (_migration_1, _migration_2, _migration_3)
