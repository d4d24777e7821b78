"""Charts people read: what a month cost in yuan, by rule and by store, who keeps breaking rules, and a
person's last six months, as plain data an inline SVG template draws (``templates/_charts.html``).

Every figure comes from the statements, so a chart adds up to the table beside it::

    >>> chart = bar_chart(yuan_by_rule(statements, table))
    >>> sum(bar.value for bar in chart.bars) == sum(s.due for s in statements)
    True

No JavaScript and no outside assets: the page prints on A4 and opens offline.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

import attrs

from .model import DEDUCTED_KINDS, Line, RuleTable, Statement
from .money import ZERO, fen
from .texttable import width

#: Bars a chart shows at most; the rest are summed into one "others" bar, so a chain of 2,000 stores draws
#: a chart a person can read, and its bars still add up to the total.
MOST_BARS = 15
#: Pixels of one bar's row (label above, bar below).
ROW_PX = 40


@attrs.frozen
class Bar:
    """One bar: its label, its value and where it is drawn."""

    key: str
    """What it counts (a rule code, a store name, ``""`` for the others bar): ``data-key`` in the SVG."""
    label: str
    value: Decimal
    y: int
    width: int
    """Pixels; a bar of a value above zero is at least 2 wide, so it shows."""


@attrs.frozen
class BarChart:
    """Horizontal bars, labels above them, values at their ends; ``width`` and ``height`` are the viewBox."""

    bars: tuple[Bar, ...]
    width: int
    height: int
    total: Decimal
    """The sum of every bar: the figure the table beside the chart shows."""
    others: int = 0
    """How many items the last bar sums (0: every item has its own bar)."""


def bar_chart(items: Sequence[tuple[str, str, Decimal]], *, most: int = MOST_BARS,
              others_label: str = "其他 Others") -> BarChart:
    """A chart of (key, label, value) items, largest first; beyond ``most`` the smallest are one bar."""
    ranked = sorted(items, key=lambda item: (-item[2], item[0]))
    others = 0
    if len(ranked) > most:
        rest = ranked[most - 1:]
        others = len(rest)
        ranked = [*ranked[:most - 1], ("", f"{others_label} ({len(rest)})", sum((v for _, _, v in rest), ZERO))]
    total_px = max([360] + [width(label) * 7 + 80 for _, label, _ in ranked])
    room = total_px - 90  # the value's text after the bar
    largest = max((value for _, _, value in ranked), default=ZERO)
    bars = tuple(Bar(key=key, label=label, value=value, y=index * ROW_PX,
                     width=max(2, round(room * value / largest)) if value > 0 and largest > 0 else 0)
                 for index, (key, label, value) in enumerate(ranked))
    return BarChart(bars=bars, width=total_px, height=len(bars) * ROW_PX,
                    total=sum((value for _, _, value in items), ZERO), others=others)


def line_yuan(line: Line, table: RuleTable) -> Decimal:
    """What one statement line adds to the month's due: its money when of a deducted kind (fines only where
    the table deducts them), and its points at the table's point value."""
    money = line.amount if line.kind in DEDUCTED_KINDS and (line.kind != "fine" or table.settings.fines == "deduct") \
        else ZERO
    return money + line.points * table.settings.point_value


def yuan_by_rule(statements: Sequence[Statement], table: RuleTable) -> list[tuple[str, str, Decimal]]:
    """(rule code, ``code 名称``, yuan due before the cap) for every rule that cost something this month. The
    values add up to the statements' ``due``: a reversal of a closed month's event counts against its rule."""
    sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
    names: dict[str, str] = {}
    for statement in statements:
        for line in statement.lines:
            value = line_yuan(line, table)
            if value:
                sums[line.rule] += value
                names[line.rule] = line.rule_name
    return [(code, f"{code} {names[code]}", fen(value)) for code, value in sums.items() if value]


def deducted_by_store(statements: Sequence[Statement]) -> list[tuple[str, str, Decimal]]:
    """(store, store, yuan deducted after the cap) for every store that had something deducted."""
    sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for statement in statements:
        sums[statement.store] += statement.deducted
    return [(store, store, value) for store, value in sums.items() if value]


@attrs.frozen
class Offender:
    """A person with more than one violation in the month."""

    statement: Statement
    events: int
    """Distinct violation events (a supervisor's doubled line is not a second one)."""
    rules: tuple[str, ...]
    """The rules broken, most often first."""


def violations(statement: Statement) -> dict[str, set[int]]:
    """Rule code → the month's violation events of one person: not notes or rewards, not reversals."""
    out: dict[str, set[int]] = defaultdict(set)
    for line in statement.lines:
        reversal = line.amount < 0 or line.points < 0 or line.explanation.startswith("reversal of event ")
        if line.kind not in ("note", "reward") and not reversal:
            out[line.rule].add(line.event_id)
    return out


def repeat_offenders(statements: Sequence[Statement], *, most: int = 10) -> list[Offender]:
    """People with two violations or more in the month, most first (then by what is due, then by id)."""
    found = []
    for statement in statements:
        by_rule = violations(statement)
        events = len({event for ids in by_rule.values() for event in ids})
        if events >= 2:
            ranked = sorted(by_rule, key=lambda code: (-len(by_rule[code]), code))
            found.append(Offender(statement, events, tuple(ranked)))
    found.sort(key=lambda o: (-o.events, -o.statement.due, o.statement.staff_id))
    return found[:most]


# ─── A person's last six months ─────────────────────────────────────────────────────────────────

@attrs.frozen
class TrendMonth:
    """One month of a person's trend; ``None`` figures where the month has no statement (not yet hired,
    before the program was used)."""

    month: str
    score: Decimal | None
    deducted: Decimal | None
    carried_out: Decimal | None


@attrs.frozen
class Column:
    """One month's column in one panel of the trend."""

    month: str
    value: Decimal | None
    x: int
    height: int
    y: int


@attrs.frozen
class Panel:
    """One measure over the months: score, deducted or carried out."""

    key: str
    zh: str
    en: str
    money: bool
    columns: tuple[Column, ...]


#: Pixels of the trend's drawing: a panel is this wide and high (the bars' room below the values).
TREND_WIDTH, TREND_HEIGHT, TREND_BARS = 300, 120, 80


def trend_panels(months: Sequence[TrendMonth], base_score: Decimal) -> tuple[Panel, ...]:
    """Three small bar panels, one per measure, the same months along each; score is drawn against the full
    score, money against the panel's largest month."""
    step = TREND_WIDTH // max(1, len(months))
    panels = []
    for key, zh, en, money in (("score", "考核分", "Score", False), ("deducted", "本月实扣", "Deducted", True),
                               ("carried_out", "结转下月", "Carried out", True)):
        values = [getattr(m, key) for m in months]
        top = base_score if not money else max((v for v in values if v is not None), default=ZERO)
        columns = []
        for index, (m, value) in enumerate(zip(months, values, strict=True)):
            height = 0 if value is None or top <= 0 else max(1 if value > 0 else 0,
                                                             round(TREND_BARS * max(value, ZERO) / top))
            columns.append(Column(month=m.month, value=value, x=index * step, height=height,
                                  y=20 + TREND_BARS - height))
        panels.append(Panel(key=key, zh=zh, en=en, money=money, columns=tuple(columns)))
    return tuple(panels)
