"""Batches: every bulk command that changes something is one, and one can be undone whole.

``events import``, ``attendance derive``, ``punches import`` and ``staff import`` each record a
batch (``store.batches``): the command, the file's name and SHA-256, when, who ran it (``--by``),
and what it did. Events carry their batch, so a file imported by mistake, or a derive run on a
partial punch file, is withdrawn in one step, in one transaction, re-priced once::

    discipline batches
    discipline undo 4 --reason "punch file of the wrong store"

Undoing an event batch withdraws its events as ``void`` does (nothing is deleted; events of a closed
month are reversed in the first open month). Undoing a punch batch withdraws its punches (they stay,
marked); the next ``attendance derive`` withdraws what they supported. A staff import is recorded
but not undone here: the roster is set right by importing it as it should be.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs

from . import adjustments, cache, changes, payroll, versions
from .changes import Change
from .model import DisciplineError, Event, RuleBook, RuleTable
from .storage import Store
from .wording import Said, say

#: The commands that record batches, as ``discipline batches`` names them.
EVENT_COMMANDS = ("events import", "attendance derive")
PUNCH_COMMANDS = ("punches import",)


def sha256(data: bytes) -> str:
    """The file's SHA-256, in hex: the same bytes imported twice are the same file."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | Path) -> str:
    """`sha256` of the file at ``path``, read a megabyte at a time (a punch file can be hundreds of MB)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as file:
        while chunk := file.read(2**20):
            digest.update(chunk)
    return digest.hexdigest()


@attrs.frozen
class Undone:
    """What ``undo`` did."""

    batch: int
    """The batch undone."""
    undo: int
    """The undo's own batch."""
    command: str
    events: int = 0
    """Events withdrawn (the batch's events that were still live)."""
    punches: int = 0
    """Punches withdrawn."""
    months: tuple[str, ...] = ()
    """Open months whose punches were withdrawn (derive them again to withdraw what they supported)."""
    closed_months: tuple[str, ...] = ()
    """Closed months whose punches were withdrawn: what they supported stays, as a closed month does."""
    posted_month: str | None = None
    """Where the reversals of closed months' events were posted."""
    changed: tuple[Change, ...] = ()
    kept: tuple[tuple[int, int], ...] = ()
    """(event, batch): the batch's events left live because another batch, not undone, holds them too."""
    later: cache.Later = attrs.field(factory=cache.Later)
    """People whose re-pricing ``undo`` leaves to after its commit (``changed`` then lists their moves)."""


def undo(store: Store, table: RuleTable | RuleBook, batch_id: int, *, reason: str, by: str | None,
         now: dt.datetime) -> Undone:
    """Withdraw everything batch ``batch_id`` added; bad input changes nothing.

    The events to withdraw are read before the write lock, in one snapshot, and again inside it only
    when a batch was added or undone meanwhile (the seals' head) or one of them was voided: a chain's
    month of them holds a lead's log up only while the voids are appended. More than
    ``service.PART_ROWS`` of them are withdrawn in parts, a transaction each, some people's at a time:
    the undo is marked unfinished until its last part, ``close`` waits for it, and the same ``undo``
    run again after it was stopped half-way withdraws the rest."""
    if not reason.strip():
        raise DisciplineError(say("undo_needs_reason"))
    with store.read():
        stamp = store.seals.head(), store.log.head()[0]
        found = store.batches.get(batch_id)
        planned = _to_withdraw(store, batch_id) if found is not None and found["command"] in EVENT_COMMANDS else None
    if planned is not None:
        cache.settle_first(store, versions.follow(table), {e.staff for e in planned[0]})
    with store.write():
        table = versions.current(store, table)
        if planned is not None and (store.seals.head() != stamp[0] or store.log.moved_for(
                stamp[1], set(), {e.id for e in planned[0]} | set(planned[1]))):
            planned = None  # read again below
        batch = store.batches.get(batch_id)  # read inside the transaction: another undo may just have committed
        if batch is None:
            raise DisciplineError(say("no_batch", batch=batch_id))
        undo_id = batch["undone_by"]
        if undo_id is not None and not store.batches.get(undo_id)["details"].get("unfinished"):
            raise DisciplineError(say("already_undone", batch=batch_id, undo=batch["undone_by"],
                                      at=batch["undone_at"][:16].replace("T", " ")))
        command = batch["command"]
        if command not in (*EVENT_COMMANDS, *PUNCH_COMMANDS):
            raise DisciplineError(_cannot_undo(batch_id, batch))
        if undo_id is None:
            undo_id = store.batches.add("undo", at=now, by=by, undoes=batch_id, reason=reason.strip())
        else:  # an undo stopped half-way: this one finishes it, with the reason it gave
            reason = store.batches.get(undo_id)["reason"]
        if command in PUNCH_COMMANDS:
            count, days = store.attendance.withdraw_batch(batch_id, undo=undo_id)
            store.batches.set_counts(undo_id, events=0, details={"punches": count})
            latest = (store.months.latest() or "")
            months = sorted({day[:7] for day in days})
            return Undone(batch_id, undo_id, command, punches=count, months=tuple(m for m in months if m > latest),
                          closed_months=tuple(m for m in months if m <= latest))
        live, kept = planned or _to_withdraw(store, batch_id)
        from .service import PART_ROWS

        parts = in_parts(live, PART_ROWS)
        undone = _withdraw_events(store, table, batch_id, undo_id, command, (parts[0], kept), reason=reason.strip(),
                                  by=by, now=now, unfinished=len(parts) > 1, in_parts=len(parts) > 1)
    for number, part in enumerate(parts[1:], 2):
        cache.let_in(store)
        with store.write():
            table = versions.current(store, table)
            part = [e for e in store.log.events_by_id([e.id for e in part]) if not e.voided]  # a lead may void one
            more = _withdraw_events(store, table, batch_id, undo_id, command, (part, kept), reason=reason.strip(),
                                    by=by, now=now, unfinished=number < len(parts), in_parts=True)
            undone = attrs.evolve(undone, events=undone.events + more.events, changed=undone.changed + more.changed,
                                  posted_month=undone.posted_month or more.posted_month,
                                  later=undone.later + more.later)
    if undone.later.keys:  # an undo that reaches many people: priced in steps after the commit, and still said
        changed = undone.later.moved(store, versions.follow(table), undone.changed)
        undone = attrs.evolve(undone, changed=tuple(changed), later=cache.Later())
    return undone


def _cannot_undo(batch_id: int, batch: dict[str, Any]) -> Said:
    if batch["command"] == "undo":
        return say("undo_of_undo", batch=batch_id, undoes=batch["undoes"])
    if batch["command"] == "staff import":
        return say("undo_staff_import", batch=batch_id)
    return say("cannot_undo", batch=batch_id, command=batch["command"])


def _to_withdraw(store: Store, batch_id: int) -> tuple[list[Event], dict[int, int]]:
    """The live events undoing ``batch_id`` withdraws, and (event → batch) those another batch holds too."""
    live = [e for e in store.log.of_batch(batch_id) if not e.voided]
    # Events it held that a batch since undone logged: they stayed for this batch's sake only.
    undone = {b["id"] for b in store.batches.all() if b["undone_by"] is not None}
    live += [e for e in store.log.events_by_id(store.batches.held_by(batch_id)) if not e.voided and e.batch in undone]
    kept = store.batches.held_elsewhere([e.id for e in live], but=batch_id)  # another file holds them too
    return [e for e in live if e.id not in kept], kept


def in_parts(events: Iterable[Event], size: int) -> list[list[Event]]:
    """``events`` in parts of about ``size``, a person's never split (nor put in two parts), in the order
    people first come; always at least one part. What a batch written in parts writes per transaction."""
    by_person: dict[str, list[Event]] = {}
    for event in events:
        by_person.setdefault(event.staff, []).append(event)
    parts: list[list[Event]] = [[]]
    for mine in by_person.values():
        if parts[-1] and len(parts[-1]) + len(mine) > size:
            parts.append([])
        parts[-1].extend(mine)
    return parts


def _withdraw_events(store: Store, table: RuleTable | RuleBook, batch_id: int, undo_id: int, command: str,
                     planned: tuple[list[Event], dict[int, int]], *, reason: str, by: str | None,
                     now: dt.datetime, unfinished: bool = False, in_parts: bool = False) -> Undone:
    """Withdraw ``planned`` (some or all of the batch's live events, and those it leaves to other batches)
    inside ``write()``; ``unfinished`` marks the undo so while parts of it are still to come, and ``in_parts``
    leaves every part's re-pricing to after the last."""
    live, kept = planned
    details: dict[str, Any] = {"kept": len(kept)}
    if unfinished:
        details["unfinished"] = True
    if not live:
        details["withdrawn"] = store.log.count_of_batch(undo_id, kind="void")
        store.batches.set_counts(undo_id, events=details["withdrawn"], details=details)
        return Undone(batch_id, undo_id, command, kept=tuple(sorted(kept.items())))
    cache.ensure_priced(store, table, keys={e.staff for e in live})
    latest = store.months.latest()
    months = {e.id: payroll.month_of(e.at, table) for e in live}
    closed = {event_id: month for event_id, month in months.items() if latest is not None and month <= latest}
    posted = payroll.next_month(latest) if closed and latest is not None else None
    void_ids = store.log.append_voids([e.id for e in live], reason=f"batch {batch_id} undone: {reason}",
                                      logged_at=now, source="undo", batch=undo_id, by=by,
                                      posted_months=dict.fromkeys(closed, posted) if posted else None)
    details["withdrawn"] = store.log.count_of_batch(undo_id, kind="void")
    store.batches.set_counts(undo_id, events=details["withdrawn"], details=details)
    # A closed month's reversals are posted with the undo; else many people's are priced after the commit (every
    # part's, when the undo comes in parts).
    diff, later = cache.reprice_or_later(store, table, keys={e.staff for e in live}, since=min(e.at for e in live),
                                         later=posted is None, few=0 if in_parts else None)
    changed = changes.changes(diff, closed_through=latest, posted_month=posted)
    if posted is not None and latest is not None:
        taken_back = adjustments.post(store, table, diff, closed_through=latest, posted_month=posted,
                                      cause=void_ids[0], because=say("undo_of_batch", batch=batch_id), now=now,
                                      voided=closed, reason=f"batch {batch_id} undone: {reason}")
        changed = changes.replaced(changed, taken_back)
    return Undone(batch_id, undo_id, command, events=len(live), posted_month=posted, changed=tuple(changed),
                  kept=tuple(sorted(kept.items())), later=later)


def unfinished(batch: dict[str, Any]) -> Said:
    """What a batch written in parts, not yet finished, is, and what to do about it (for ``close``, ``attendance
    derive`` and ``payroll``)."""
    what = f"{batch['command']} of {batch['file']}" if batch["file"] else batch["command"]
    return say("unfinished", batch=batch["id"], what=what)


def listing(store: Store) -> Sequence[dict[str, Any]]:
    """Every batch, oldest first, as ``discipline batches --json`` prints it."""
    return [{"batch": b["id"], "command": b["command"], "file": b["file"], "sha256": b["sha256"], "at": b["at"],
             "by": b["by"], "events": b["events"], "details": b["details"], "undoes": b["undoes"],
             "reason": b["reason"], "undone_by": b["undone_by"]}
            for b in store.batches.all()]
