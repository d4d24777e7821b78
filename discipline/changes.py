"""What a change did to pay: the charges that moved, per person, month and event, before and after.

Every command that changes pay says so (``log``, ``void``, ``undo``, ``events import``). The charges
cache is the record of what each event costs, so a change is told by comparing the cache's rows
before and after it (``ChargeDiff``, from ``cache.reprice``)::

    >>> [str(c) for c in changes(diff)]                      # doctest: +SKIP
    ['C01 2026-11 event 41 showroom.late: 0.00 → 40.00 yuan',
     'C01 2026-11 event 35 showroom.late: 20.00 → 40.00 yuan']

A change to a closed month's charges is paid in the first open month (``posted_month``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

import attrs

from .money import ZERO, number, yuan
from .storage import CHARGE_COLUMNS

T = TypeVar("T")

MONTH, STAFF, EVENT_ID, RULE, KIND, POINTS, AMOUNT_FEN, DISPOSITION = (
    CHARGE_COLUMNS.index(name) for name in ("month", "staff", "event_id", "rule", "kind", "points", "amount_fen",
                                            "disposition"))


@attrs.frozen
class ChargeDiff:
    """The cached charges of every (month, person, event) a change moved: all its rows before and after."""

    before: tuple[tuple[Any, ...], ...] = ()
    after: tuple[tuple[Any, ...], ...] = ()

    def __add__(self, other: ChargeDiff) -> ChargeDiff:
        return ChargeDiff(self.before + other.before, self.after + other.after)

    def __bool__(self) -> bool:
        return bool(self.before or self.after)


@attrs.frozen
class Change:
    """One event's charges to one person in one month, before and after a change."""

    staff_id: str
    month: str
    event_id: int
    rule: str
    before: Decimal
    """Yuan, all kinds together (a reward counts as what it adds)."""
    after: Decimal
    points_before: Decimal
    points_after: Decimal
    dispositions_before: tuple[str, ...]
    dispositions_after: tuple[str, ...]
    posted_month: str | None = None
    """For a closed month: the open month whose payroll takes the difference."""

    def __str__(self) -> str:
        parts = []
        if self.before != self.after or not (self.points_before != self.points_after or self.dispositions_moved):
            parts.append(f"{yuan(self.before)} → {yuan(self.after)} yuan")
        if self.points_before != self.points_after:
            parts.append(f"{number(self.points_before)} → {number(self.points_after)} points")
        if self.dispositions_moved:
            parts.append(f"{'/'.join(self.dispositions_before) or 'none'} → "
                         f"{'/'.join(self.dispositions_after) or 'none'}")
        posted = f" (closed: posted into {self.posted_month})" if self.posted_month else ""
        return f"{self.staff_id} {self.month} event {self.event_id} {self.rule}: {', '.join(parts)}{posted}"

    @property
    def dispositions_moved(self) -> bool:
        return self.dispositions_before != self.dispositions_after


def changes(diff: ChargeDiff, *, closed_through: str | None = None, posted_month: str | None = None) -> list[Change]:
    """The changes of ``diff``, by person, month and event; months up to ``closed_through`` are posted
    into ``posted_month``. A (month, person, event) whose rows moved but whose sums did not is left out."""
    sides: dict[tuple[str, str, int], list[list[tuple[Any, ...]]]] = defaultdict(lambda: [[], []])
    for side, rows in enumerate((diff.before, diff.after)):
        for row in rows:
            sides[(row[STAFF], row[MONTH], row[EVENT_ID])][side].append(row)
    out = []
    for (staff, month, event_id), (before, after) in sorted(sides.items(), key=lambda item: (
            item[0][0], item[0][1], item[0][2])):
        rule = (before or after)[0][RULE]
        change = Change(staff_id=_one(staff), month=_one(month), event_id=event_id, rule=_one(rule),
                        before=_one(_yuan(before)), after=_one(_yuan(after)), points_before=_one(_points(before)),
                        points_after=_one(_points(after)), dispositions_before=_one(_dispositions(before)),
                        dispositions_after=_one(_dispositions(after)),
                        posted_month=posted_month if closed_through and month <= closed_through else None)
        if (change.before, change.points_before) != (change.after, change.points_after) or change.dispositions_moved:
            out.append(change)
    return out


#: One object for each value the changes of a run hold (ids, months, rules, amounts): an import of 300,000
#: rows says what it did to as many charges, and each its own copies of "2026-10" and Decimal("20.00")
#: took a hundred megabytes more.
_SHARED: dict[Any, Any] = {}


def _one(value: T) -> T:
    """The one object for ``value`` (a Decimal by its digits: 20 and 20.00 are equal, but print apart)."""
    if len(_SHARED) > 200_000:  # a long-lived process must not keep every value it ever saw
        _SHARED.clear()
    return _SHARED.setdefault(("decimal", str(value)) if isinstance(value, Decimal) else value, value)


def replaced(changed: Iterable[Change], by: Iterable[Change]) -> list[Change]:
    """``changed`` with the changes ``by`` names (person, month, event) put in their place."""
    by = list(by)
    named = {(c.staff_id, c.month, c.event_id) for c in by}
    return sorted([*(c for c in changed if (c.staff_id, c.month, c.event_id) not in named), *by],
                  key=lambda c: (c.staff_id, c.month, c.event_id))


def _yuan(rows: Sequence[tuple[Any, ...]]) -> Decimal:
    return Decimal(sum(row[AMOUNT_FEN] for row in rows)).scaleb(-2)


def _points(rows: Iterable[tuple[Any, ...]]) -> Decimal:
    return sum((Decimal(row[POINTS]) for row in rows), ZERO)


def _dispositions(rows: Iterable[tuple[Any, ...]]) -> tuple[str, ...]:
    return tuple(sorted(row[DISPOSITION] for row in rows if row[DISPOSITION]))


def to_json(change: Change) -> dict[str, Any]:
    """The ``changed`` objects of ``--json``: amounts as strings like "40.00"."""
    return {"staff_id": change.staff_id, "month": change.month, "event_id": change.event_id, "rule": change.rule,
            "before": yuan(change.before), "after": yuan(change.after),
            "points_before": number(change.points_before), "points_after": number(change.points_after),
            "dispositions_before": list(change.dispositions_before),
            "dispositions_after": list(change.dispositions_after), "posted_month": change.posted_month}
