"""Changes to closed months, posted into the first open month.

A closed month's statements and payroll files never change. When a later change reaches its
charges all the same, the difference is posted into the first open month as lines that name the
closed month, and paid there, as an accountant posts an adjusting entry:

* a violation found after payroll is logged with its true time: its charges, and the later ladder
  steps it moves in that month (the 2nd lateness becomes the 3rd), are posted;
* a void of a closed month's event (an appeal after payroll): what was paid for it is reversed,
  and the ladder steps after it move back.

The difference is what the change moved in the charges cache (``cache.reprice`` gives it as a
``ChargeDiff``); what a withdrawn event cost is taken from what was paid for it (its frozen lines and
the adjustments posted for it since), not from a re-pricing::

    with store.write():
        diff = cache.reprice(store, table, keys=["C01"], since=late_event.at)
        post(store, table, diff, closed_through="2026-10", posted_month="2026-11", cause=41,
             because="late entry 41", now=now, logged={41})
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Collection, Mapping
from decimal import Decimal
from typing import Any

import attrs

from . import payroll
from .changes import EVENT_ID, MONTH, STAFF, Change, ChargeDiff
from .model import Line, RuleTable
from .money import ZERO, fen, number, yuan
from .storage import Store, utc_text
from .wording import Said, of_line, say


def post(store: Store, table: RuleTable, diff: ChargeDiff, *, closed_through: str, posted_month: str, cause: int,
         because: str | Said, now: dt.datetime, logged: Collection[int] = (), voided: Mapping[int, str] | None = None,
         reason: str = "") -> list[Change]:
    """Post into ``posted_month`` what ``diff`` moved in months up to ``closed_through``.

    ``cause`` is the log entry that made the change and ``because`` says it in a few words ("late entry
    41"); ``logged`` are the events it logged, ``voided`` maps those it withdrew to their month (reversed
    with ``reason``). Returns what the withdrawn events' reversals take back, per person: what was paid
    for them, which the cache (re-priced since, say after a raise) may no longer say.
    """
    voided = voided or {}
    now = now.replace(microsecond=0)
    groups: dict[tuple[str, int], list[list[tuple[Any, ...]]]] = defaultdict(lambda: [[], []])
    for side, rows in enumerate((diff.before, diff.after)):
        for row in rows:
            if row[MONTH] <= closed_through and row[EVENT_ID] not in voided:
                groups[(row[STAFF], row[EVENT_ID])][side].append(row)
    lines: list[tuple[str, str, Line]] = []  # (staff, closed month, line)
    taken_back: list[Change] = []
    for event_id, month in sorted(voided.items()):
        paid = _paid(store, event_id, month)
        reversal = payroll.Reversal(month=posted_month, event_id=event_id, at=now, reason=reason, lines=paid)
        lines += [(staff, month, line) for (staff, _), posted in payroll.reversal_lines([reversal]).items()
                  for line in posted]
        for staff in dict.fromkeys(staff for staff, _ in paid):
            mine = [line for who, line in paid if who == staff]
            taken_back.append(Change(
                staff_id=staff, month=month, event_id=event_id, rule=mine[0].rule, before=_total(mine), after=ZERO,
                points_before=_points(mine), points_after=ZERO,
                dispositions_before=tuple(sorted(line.disposition for line in mine if line.disposition)),
                dispositions_after=(), posted_month=posted_month))
    for (staff, _), (before, after) in sorted(groups.items()):
        month = (before or after)[0][MONTH]
        lines += [(staff, month, line) for line in _moved(before, after, month, because, now, logged)]
    rows = [(posted_month, staff, utc_text(now), line.event_id, cause, seq, month, line.rule, line.kind,
             str(line.points) if line.points else "0", int(line.amount * 100), line.disposition,
             payroll.line_text(line)) for seq, (staff, month, line) in enumerate(lines, 1)]
    store.adjustments.add(rows)
    return taken_back


def _paid(store: Store, event_id: int, month: str) -> tuple[tuple[str, Line], ...]:
    """(staff, line) of what was paid for an event of a closed month: its frozen lines, then every
    adjustment posted for it since (a late event has only those)."""
    frozen = store.months.statements(month) or []
    lines = [(s["staff_id"], payroll.line_from_json(line)) for s in frozen for line in s["lines"]
             if line["event_id"] == event_id]
    row = store.log.event_row(event_id)
    happened = dt.datetime.fromisoformat(row["at"]) if row else None
    for staff, text in store.adjustments.of_event(event_id):  # dated when posted: the reversal names the event's day
        line = payroll.line_from_json(json.loads(text))
        lines.append((staff, attrs.evolve(line, at=happened or line.at)))
    return tuple(lines)


def _moved(before: list[tuple[Any, ...]], after: list[tuple[Any, ...]], month: str, because: str | Said,
           now: dt.datetime, logged: Collection[int]) -> list[Line]:
    """The lines that post how one event's charges to one person moved in a closed month."""
    old = [_line(row) for row in before]
    new = [_line(row) for row in after]
    first = (new or old)[0]
    because = because if isinstance(because, Said) else Said.same(because)
    which = {"month": month, "event": first.event_id, "date": f"{first.at:%Y-%m-%d}", "because": because}
    if not old:  # charged for the first time: each line as the statement would have shown it
        said = say("found_after_close", month=month, event=first.event_id, date=which["date"]) \
            if first.event_id in logged else say("charged_after", **which)
        return [_explained(attrs.evolve(line, at=now), say("prefixed", said=said, text=_said(line))) for line in new]
    out = []
    for kind in dict.fromkeys(line.kind for line in (*old, *new)):
        if kind == "disposition":
            continue
        was = [line for line in old if line.kind == kind]
        now_ = [line for line in new if line.kind == kind]
        amount = fen(sum((line.amount for line in now_), ZERO) - sum((line.amount for line in was), ZERO))
        points = sum((line.points for line in now_), ZERO) - sum((line.points for line in was), ZERO)
        if not amount and not points:
            continue
        said = _said(now_[-1]) if now_ else say("no_longer_charged")
        if amount:
            moved = say("moved_yuan", was=yuan(_total(was)), now=yuan(_total(now_)))
        else:
            moved = say("moved_points", was=number(_points(was)), now=number(_points(now_)))
        explained = say("repriced", moved=moved, said=said, **which)
        out.append(Line(event_id=first.event_id, at=now, rule=first.rule, rule_name=first.rule_name, kind=kind,
                        points=points, amount=amount, disposition=None, explanation=explained.en,
                        explanation_zh=explained.zh))
    was_disposed = {line.disposition: line for line in old if line.disposition}
    now_disposed = {line.disposition: line for line in new if line.disposition}
    for key, line in now_disposed.items():
        if key not in was_disposed:
            out.append(_explained(attrs.evolve(line, at=now), say("disposed_after", text=_said(line), **which)))
    for key, line in was_disposed.items():
        if key not in now_disposed:
            out.append(_explained(attrs.evolve(line, at=now, kind="note", disposition=None, points=ZERO, amount=ZERO),
                                  say("withdrawn", text=_said(line))))
    return out


def _said(line: Line) -> Said:
    return of_line(line.explanation, line.explanation_zh)


def _explained(line: Line, said: Said) -> Line:
    return attrs.evolve(line, explanation=said.en, explanation_zh=said.zh)


def _line(row: tuple[Any, ...]) -> Line:
    return payroll.line_from_json(json.loads(row[-1]))


def _total(lines: list[Line]) -> Decimal:
    return sum((line.amount for line in lines), ZERO)


def _points(lines: list[Line]) -> Decimal:
    return sum((line.points for line in lines), ZERO)
