"""One store's month for its manager (``discipline report store S --month M``): who works there and what each
pays, what the month cost by rule, who keeps breaking rules, what awaits a decision, and the workdays on
which the store's clock gave no data (nobody was judged those days: an export is missing, or the machine was
off)::

    >>> month = build(store, book, "浦东展厅", "2026-11", today=dt.date(2026, 12, 1))   # doctest: +SKIP
    >>> [(r.code, r.events, r.yuan) for r in month.by_rule][:1]
    [('showroom.early_leave', 36, Decimal('1440.00'))]

Every figure comes from the month's statements (``statements.month_statements``), so the report agrees with
the payroll to the fen.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

import attrs

from . import attendance, charts, payroll, statements
from .model import RuleBook, RuleTable, StaffHistory, Statement
from .money import ZERO, fen, number, yuan
from .storage import Store


@attrs.frozen
class RuleTotal:
    """What one rule cost the store this month."""

    code: str
    name_zh: str
    events: int
    """Distinct violation events (a supervisor's doubled line is not a second one)."""
    people: int
    """People charged for it."""
    points: Decimal
    yuan: Decimal
    """Due before the cap (``charts.line_yuan``): the rules' yuan add up to the store's due."""


@attrs.frozen
class StoreMonth:
    store: str
    month: str
    table: RuleTable
    statements: tuple[Statement, ...]
    """The store's people, by staff id."""
    by_rule: tuple[RuleTotal, ...]
    """Most yuan first, then most events."""
    offenders: tuple[charts.Offender, ...]
    no_clock_days: tuple[dt.date, ...]
    """Workdays judged so far (up to yesterday) on which nobody of the store punched."""
    judged_until: dt.date | None
    """The last day attendance could be judged (None: the month has not started)."""
    clocked: bool
    """Someone of the store punches a clock; when nobody does, there are no clock days to miss."""

    def total(self, field: str) -> Decimal:
        return sum((getattr(s, field) for s in self.statements), ZERO)


def build(store: Store, book: RuleBook, name: str, month: str, *, today: dt.date) -> StoreMonth:
    """The store ``name``'s ``month`` (``name`` as the roster spells it: ``lookup.stores``)."""
    history = store.staff.history()
    mine = tuple(sorted(statements.of_stores(store, book, month, [name], history), key=lambda s: s.staff_id))
    table = statements.table_of(book, month)
    days, until, clocked = _no_clock_days(store, book, history, name, month, today)
    return StoreMonth(store=name, month=month, table=table, statements=mine, by_rule=tuple(_by_rule(mine, table)),
                      offenders=tuple(charts.repeat_offenders(mine, most=20)), no_clock_days=days,
                      judged_until=until, clocked=clocked)


def _by_rule(people: Sequence[Statement], table: RuleTable) -> list[RuleTotal]:
    events: dict[str, set[int]] = defaultdict(set)
    payers: dict[str, set[str]] = defaultdict(set)
    points: dict[str, Decimal] = defaultdict(lambda: ZERO)
    yuan: dict[str, Decimal] = defaultdict(lambda: ZERO)
    names: dict[str, str] = {}
    for statement in people:
        violations = charts.violations(statement)
        for code, ids in violations.items():
            events[code] |= ids
        for line in statement.lines:  # a line counts if it costs something or is a violation (a disposition)
            value = charts.line_yuan(line, table)
            if line.kind == "note" or not (value or line.points or line.event_id in violations.get(line.rule, ())):
                continue
            names[line.rule] = line.rule_name
            payers[line.rule].add(statement.staff_id)
            points[line.rule] += line.points
            yuan[line.rule] += value
    out = [RuleTotal(code, names.get(code, code), len(events.get(code, ())), len(payers[code]), points[code],
                     fen(yuan[code])) for code in names]
    out.sort(key=lambda r: (-r.yuan, -r.events, r.code))
    return out


def _no_clock_days(store: Store, book: RuleBook, history: StaffHistory, name: str, month: str, today: dt.date
                   ) -> tuple[tuple[dt.date, ...], dt.date | None, bool]:
    """The store's workdays without a punch, judged as ``attendance derive`` judges them, up to yesterday."""
    first, last = payroll.month_bounds(month)
    until = min(last, today - dt.timedelta(days=1))
    if until < first:
        return (), None, False
    ids = {staff_id for staff_id, versions in history.versions.items() if any(p.store == name for _, p in versions)}
    here = StaffHistory({staff_id: history.versions[staff_id] for staff_id in ids})
    clocked = any(p.clock and p.shift for staff_id in ids for _, p in history.versions[staff_id])
    if not clocked:
        return (), until, False
    numbers = {attendance.pin_key(p.machine_number) for staff_id in ids for _, p in history.versions[staff_id]}
    tz = book.zone
    since = dt.datetime.combine(first, dt.time(), tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tz)
    stored = [number for number in store.attendance.numbers() if attendance.pin_key(number) in numbers]
    punches = [attendance.StoredPunch(id=i, staff_id=number, at=at.astimezone(tz))
               for i, number, at in store.attendance.punches_of(stored, since, end)]
    leave = [attendance.Leave(staff_id=s, day=d, part=p) for s, d, p in store.attendance.leave(first, last)
             if s in ids]
    schedule = {key: shift for key, shift in store.attendance.schedule(first, last).items() if key[0] in ids}
    result = attendance.derive(month, punches=punches, roster=here, table=book, schedule=schedule, leave=leave,
                               until=until)
    return tuple(day for store_name, day in result.no_clock_data if store_name == name), until, True


def to_json(month: StoreMonth) -> dict[str, object]:
    """The report as data: money as two-decimal strings, days as ISO dates."""
    table = month.table
    return {
        "store": month.store, "month": month.month,
        "staff": [{"staff_id": s.staff_id, "name": s.name, "role": s.role, "points_lost": number(s.points_lost),
                   "score": number(s.score) if s.score_applies else None, "rating": s.rating, "due": yuan(s.due),
                   "carried_in": yuan(s.carried_in), "deducted": yuan(s.deducted), "carried_out": yuan(s.carried_out),
                   "cap": yuan(s.cap)} for s in month.statements],
        "totals": {field: yuan(month.total(field)) for field in ("due", "carried_in", "deducted", "carried_out",
                                                                 "rewards")},
        "by_rule": [{"rule": r.code, "name_zh": r.name_zh, "events": r.events, "people": r.people,
                     "points": number(r.points), "due": yuan(r.yuan)} for r in month.by_rule],
        "repeat_offenders": [{"staff_id": o.statement.staff_id, "name": o.statement.name, "events": o.events,
                              "rules": list(o.rules), "due": yuan(o.statement.due)} for o in month.offenders],
        "dispositions": [{"staff_id": s.staff_id, "disposition": disposition, "name_zh": table.disposition_name(
                             disposition)[0], "rule": rule, "at": at.isoformat(), "event_id": event_id}
                         for s in month.statements for rule, disposition, at, event_id in s.dispositions],
        "clocked": month.clocked,
        "no_clock_days": [day.isoformat() for day in month.no_clock_days],
        "judged_until": month.judged_until.isoformat() if month.judged_until else None,
    }


def to_xlsx(month: StoreMonth) -> bytes:
    """The report as a workbook: the staff (the payroll's columns), by rule, repeat offenders, dispositions
    awaiting a decision and the days with no clock data, a sheet each."""
    from . import workbooks
    from .reports import disposition_name
    from .workbooks import Column, Sheet

    table = month.table
    title = f"门店月报 Store month {month.month} · {month.store}"
    rule_columns = (Column("规则", "Rule", "text"), Column("名称", "Name", "text"),
                    Column("次数", "Events", "count", total=True), Column("人数", "People", "count"),
                    Column("扣分", "Points", "number", total=True), Column("应扣", "Due", "money", total=True))
    offender_columns = (Column("工号", "Staff id", "text"), Column("姓名", "Name", "text"),
                        Column("次数", "Events", "count"), Column("规则", "Rules", "text"),
                        Column("应扣", "Due", "money"))
    disposition_columns = (Column("工号", "Staff id", "text"), Column("姓名", "Name", "text"),
                           Column("处理", "Disposition", "text"), Column("规则", "Rule", "text"),
                           Column("日期", "Date", "text"), Column("事件", "Event", "count"))
    day_columns = (Column("日期", "Day", "text"), Column("星期", "Weekday", "text"))
    weekdays = "一二三四五六日"
    return workbooks.workbook([
        Sheet("员工 Staff", workbooks.STORE_COLUMNS, [workbooks.store_row(s, table) for s in month.statements],
              title=title),
        Sheet("按规则 By rule", rule_columns, [(r.code, r.name_zh, r.events, r.people, r.points, r.yuan)
                                            for r in month.by_rule], title=title),
        Sheet("多次违规 Repeat", offender_columns, [(o.statement.staff_id, o.statement.name, o.events,
                                                   "；".join(o.rules), o.statement.due) for o in month.offenders],
              title=title),
        Sheet("待决定 Pending", disposition_columns, [
            (s.staff_id, s.name, disposition_name(disposition, table), rule, f"{at.astimezone(table.zone):%Y-%m-%d}",
             event_id) for s in month.statements for rule, disposition, at, event_id in s.dispositions], title=title),
        Sheet("无考勤 No clock", day_columns, [(day.isoformat(), "星期" + weekdays[day.weekday()])
                                            for day in month.no_clock_days], title=title),
    ])
