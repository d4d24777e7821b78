"""Monthly statements: charges in, one lawful statement per person and month out. Pure, no I/O.

For each person and month::

    due       = fines (unless fines = "report") + compensation + salary penalties + cost recovery
                + points lost × point_value
    cap       = max(0, min(max_deduction_ratio × wage, wage − local minimum wage))   wage = base + bonus
    deducted  = min(due + carried_in, cap)        (a negative total is a refund and is paid back)
    carried_out = due + carried_in − deducted     → next month's carried_in

《工资支付暂行规定》 art. 16 caps deductions for losses at 20 % of the month's wage and never below
the minimum wage; fines have had no legal basis since 2008, so a company may only report them.

A closed month's statements are frozen: they come from storage as they were, and a void of one
of their events posts reversal lines into the month named on the void (the first open month).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from . import minimum_wages, payable
from .model import Charge, Line, MinimumWage, RuleBook, RuleTable, Staff, StaffHistory, Statement
from .money import ZERO, fen, number, yuan
from .wording import Said, of_line, say


@attrs.frozen
class Reversal:
    """A void of an event in a closed month: its frozen lines, negated, posted into ``month``."""

    month: str
    event_id: int
    at: dt.datetime
    """When the void was logged."""
    reason: str
    lines: tuple[tuple[str, Line], ...]
    """(staff id, the frozen line being reversed)."""


def month_of(moment: dt.datetime, table: RuleTable | RuleBook) -> str:
    return f"{moment.astimezone(table.zone):%Y-%m}"


@functools.lru_cache(maxsize=1024)
def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    year, mon = (int(part) for part in month.split("-"))
    first = dt.date(year, mon, 1)
    nxt = dt.date(year + (mon == 12), mon % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def next_month(month: str) -> str:
    year, mon = (int(part) for part in month.split("-"))
    return f"{year + (mon == 12):04d}-{mon % 12 + 1:02d}"


def months_between(first: str, last: str) -> list[str]:
    """``first`` … ``last`` inclusive: ``months_between("2026-11", "2027-01")`` → three months."""
    out = [first]
    while out[-1] < last:
        out.append(next_month(out[-1]))
    return out


def minimum_wage(table: RuleTable, city: str | None, month: str) -> minimum_wages.Found:
    """The minimum wage in force on the month's last day in ``city`` (``minimum_wages.in_force``): the law's,
    raised by the table's policy where it is higher; ``Found.amount`` is None when neither is known."""
    return _minimum_wage(table.minimum_wages, city, month)


@functools.lru_cache(maxsize=4096)
def _minimum_wage(wages: tuple[MinimumWage, ...], city: str | None, month: str) -> minimum_wages.Found:
    return minimum_wages.in_force(wages, city, month_bounds(month)[1])


def rating(table: RuleTable, score: Decimal) -> str:
    for band in table.bands:
        if score >= band.min_score:
            return band.name_zh
    return table.bands[-1].name_zh


def capped_rating(table: RuleTable, score: Decimal, dispositions: Sequence[tuple[str, str, dt.datetime, int]]
                  ) -> tuple[str, tuple[str, int] | None]:
    """The rating the score gives, capped by the lowest band a disposition awaiting a decision allows
    (``[dispositions] … caps_rating``): a consultant with two pending 劝退 is not 优秀 whatever the score.
    Returns the rating and (disposition, event id) of the disposition that capped it, if one did."""
    rated = rating(table, score)
    order = [band.name_zh for band in table.bands]  # best first
    caps = dict(table.rating_caps)
    worst, by = rated, None
    for _, disposition, _, event_id in dispositions:
        cap = caps.get(disposition)
        if cap is not None and order.index(cap) > order.index(worst):
            worst, by = cap, (disposition, event_id)
    return worst, by


def due_of(sums: Mapping[str, Decimal], points: Decimal, table: RuleTable) -> Decimal:
    """What a month's charges make due: fines (unless only reported), compensation, salary, cost, points."""
    settings = table.settings
    fines = sums.get("fine", ZERO) if settings.fines == "deduct" else ZERO
    return fen(fines + sums.get("compensation", ZERO) + sums.get("salary", ZERO) + sums.get("cost", ZERO)
               + points * settings.point_value)


@attrs.frozen
class Cap:
    """What the law lets a month deduct from one person, and what it was worked out from."""

    wage: Decimal
    """The monthly wage (base + bonus); 0 for a month after the person left."""
    floor: minimum_wages.Found
    cap: Decimal
    paid: payable.Payable
    """The part of the month paid for (``payable.WHOLE`` for all of it)."""
    leaves: bool = False
    """The person leaves in the month (or left before it): no later wage to deduct from."""


def legal_cap(person: Staff, month: str, table: RuleTable) -> Cap:
    """What may be deducted from ``person`` in ``month``: the share of the wage payable the table allows
    (20 %), and never so much that less than the minimum wage (for the same part of the month) is left;
    where no minimum wage is known for the person's city that month, the share alone (the statement says
    so). A month worked in part is prorated (``payable.py``)."""
    first, last = month_bounds(month)
    working = person.left is None or person.left >= first
    wage = person.base_wage + person.bonus if working else ZERO
    floor = minimum_wage(table, person.city, month)
    paid = payable.payable(person, first, last, table.settings) if working else payable.WHOLE
    due_wage = paid.part(wage)
    share = table.settings.max_deduction_ratio * due_wage
    room = share if floor.amount is None else min(share, due_wage - paid.part(floor.amount))
    return Cap(wage, floor, fen(max(ZERO, room)) if working else ZERO, paid,
               leaves=person.left is not None and person.left <= last)


def settle(due: Decimal, carried_in: Decimal, cap: Decimal) -> tuple[Decimal, Decimal]:
    """(deducted, carried out): at most the cap; a negative total (a refund) is paid back at once."""
    total = due + carried_in
    deducted = min(total, cap) if total > 0 else total
    return fen(deducted), fen(total - deducted)


@attrs.frozen
class Tally:
    """What a statement needs of one person's month of lines: the lines in order, and their sums."""

    lines: Sequence[Line]
    """In order of time, then event id."""
    amounts: Mapping[str, Decimal]
    """Amount by kind."""
    points: Decimal
    dispositions: tuple[tuple[str, str, dt.datetime, int], ...]
    """(rule, disposition, at, event id) of the lines that carry one."""


def tally(lines: Iterable[Line]) -> Tally:
    """Order and sum a month's lines.

    A disposition withdrawn later in the same month (a ``note`` line of the same event: a closed month's
    disposition posted here, then withdrawn by an appeal) no longer awaits a decision.
    """
    in_order = tuple(sorted(lines, key=lambda ln: (ln.at, ln.event_id)))
    amounts: dict[str, Decimal] = defaultdict(lambda: ZERO)
    points = ZERO
    awaiting: list[Line] = []
    for line in in_order:
        amounts[line.kind] += line.amount
        points += line.points
        if line.disposition:
            awaiting.append(line)
        elif line.kind == "note":
            awaiting = [d for d in awaiting if d.event_id != line.event_id]
    return Tally(lines=in_order, amounts=dict(amounts), points=points,
                 dispositions=tuple((line.rule, line.disposition, line.at, line.event_id) for line in awaiting))


NOTHING = Tally(lines=(), amounts={}, points=ZERO, dispositions=())


def build_statement(person: Staff, month: str, lines: Sequence[Line] | Tally, carried_in: Decimal,
                    table: RuleTable, rule_versions: tuple[tuple[int, dt.date | None, str], ...] = ()) -> Statement:
    """One month of one person: sums, the legal cap and the carry."""
    counted = lines if isinstance(lines, Tally) else tally(lines)
    settings = table.settings
    sums, points = counted.amounts, counted.points
    score = min(settings.base_score, max(ZERO, settings.base_score - points))  # a reversal cannot lift it above
    fines = sums.get("fine", ZERO)
    fines_deducted = fines if settings.fines == "deduct" else ZERO
    due = due_of(sums, points, table)
    limit = legal_cap(person, month, table)
    wage, floor, paid = limit.wage, limit.floor, limit.paid
    deducted, carried_out = settle(due, carried_in, limit.cap)
    outstanding = ZERO
    if limit.leaves and carried_out > 0:  # the last month with a wage: the rest is owed, not carried on
        outstanding, carried_out = carried_out, ZERO
    rated, capped_by = capped_rating(table, score, counted.dispositions)
    return Statement(
        staff_id=person.id, name=person.name, store=person.store, role=person.role, month=month,
        points_lost=points, score=score, rating=rated, fines=fen(fines),
        compensation=fen(sums.get("compensation", ZERO)), salary_penalties=fen(sums.get("salary", ZERO)),
        cost_recovery=fen(sums.get("cost", ZERO)), rewards=fen(sums.get("reward", ZERO)), due=due,
        carried_in=fen(carried_in), deducted=deducted, carried_out=carried_out, cap=limit.cap, wage=fen(wage),
        minimum_wage=floor.amount, fines_reported=fen(fines - fines_deducted), dispositions=counted.dispositions,
        lines=counted.lines, rule_versions=rule_versions,
        score_applies=person.role not in table.unscored_roles or points != 0, rating_capped_by=capped_by,
        cap_not_computed=_not_computed(person, month, floor, wage, table),
        paid_days=paid.days, payable_wage=None if paid.days is None else paid.part(wage),
        payable_minimum=None if paid.days is None or floor.amount is None else paid.part(floor.amount),
        outstanding=outstanding,
    )


def _not_computed(person: Staff, month: str, floor: minimum_wages.Found, wage: Decimal,
                  table: RuleTable) -> Said | None:
    """Why the cap was taken without the minimum wage (none is known for the person's city that month)."""
    if floor.unknown is None or wage <= 0:
        return None
    city = minimum_wages.shipped().said(person.city) if person.city else Said("（未填城市）", "(no city)")
    return say("cap_not_computed", city=city, month=month, why=floor.unknown,
               share=number(fen(table.settings.max_deduction_ratio * 100)))


Totals = Mapping[str, tuple[Mapping[str, Decimal], Decimal]]
"""Staff id → (amount by kind, points): one person's month without its lines."""


def carry_forward(month: str, totals: Totals, roster: Mapping[str, Staff], table: RuleTable,
                  opening: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """What each person carries out of ``month``, from the month's sums alone.

    The same arithmetic as the month's statements, without building them: payroll needs only the
    balance that earlier open months hand on.
    """
    carried = defaultdict(lambda: ZERO, opening)
    for staff_id in sorted({*totals, *(staff for staff, amount in opening.items() if amount)}):
        person = roster.get(staff_id)
        if person is None:
            continue
        sums, points = totals.get(staff_id, ({}, ZERO))
        limit = legal_cap(person, month, table)
        _, carried[staff_id] = settle(due_of(sums, points, table), carried[staff_id], limit.cap)
        if limit.leaves:  # owed on the final statement, not carried into months with no wage
            carried[staff_id] = ZERO
    return dict(carried)


def line_of(charge: Charge, table: RuleTable) -> Line:
    """A charge as its statement shows it, under the rule's Chinese name."""
    rule = table.rule(charge.rule) if table.has_rule(charge.rule) else None
    return Line(event_id=charge.event_id, at=charge.at, rule=charge.rule,
                rule_name=rule.name_zh if rule else charge.rule, kind=charge.kind, points=charge.points,
                amount=charge.amount, disposition=charge.disposition, explanation=charge.explanation,
                explanation_zh=charge.explanation_zh)


def lines_by_person_month(charges: Iterable[Charge], table: RuleTable | RuleBook, *,
                          only_month: str | None = None) -> dict[tuple[str, str], list[Line]]:
    """Charges as statement lines (under the rule's name in the version that priced them), by person and
    month (``only_month`` when all are known to be in it)."""
    book = RuleBook.single(table)
    out: dict[tuple[str, str], list[Line]] = defaultdict(list)
    for charge in charges:
        versioned = book.at(charge.at.astimezone(book.zone).date())
        out[(charge.staff_id, only_month or month_of(charge.at, book))].append(line_of(charge, versioned))
    return out


StoredRow = tuple[str, str, str, int, "str | None", str]
"""A cached charge as payroll reads it: (staff, kind, points, amount in fen, disposition, the line's JSON)."""


def stored_tallies(rows: Iterable[StoredRow], month: str) -> dict[tuple[str, str], Tally]:
    """Tallies of ``month`` from the charges cache, whose rows come by staff and then in statement order.

    Sums are taken from the stored columns in integer fen; the lines stay the JSON texts they were
    stored as (``StoredLines``), so a chain's payroll never builds 200,000 ``Line`` objects.
    """
    out: dict[tuple[str, str], Tally] = {}
    for staff_id, group in itertools.groupby(rows, key=lambda row: row[0]):
        texts: list[str] = []
        fen_by_kind: dict[str, int] = defaultdict(int)
        points: dict[str, int] = defaultdict(int)  # points as stored → how many lines carry them
        dispositions = []
        for _, kind, line_points, amount, disposition, text in group:
            texts.append(text)
            fen_by_kind[kind] += amount
            if line_points != "0":
                points[line_points] += 1
            if disposition:
                line = json.loads(text)
                dispositions.append((line["rule"], disposition, dt.datetime.fromisoformat(line["at"]),
                                     line["event_id"]))
        out[(staff_id, month)] = Tally(
            lines=StoredLines(tuple(texts)),
            amounts={kind: Decimal(amount).scaleb(-2) for kind, amount in fen_by_kind.items()},
            points=sum((Decimal(text) * count for text, count in points.items()), ZERO),
            dispositions=tuple(dispositions))
    return out


def reversal_lines(reversals: Iterable[Reversal]) -> dict[tuple[str, str], list[Line]]:
    out: dict[tuple[str, str], list[Line]] = defaultdict(list)
    for reversal in reversals:
        for staff_id, line in reversal.lines:
            if line.kind == "disposition":
                what = say("withdrawn", text=of_line(line.explanation, line.explanation_zh))
            elif reversal.reason:
                what = say("reversal_why", event=reversal.event_id, date=f"{line.at:%Y-%m-%d}", reason=reversal.reason)
            else:
                what = say("reversal", event=reversal.event_id, date=f"{line.at:%Y-%m-%d}")
            out[(staff_id, reversal.month)].append(attrs.evolve(
                line, at=reversal.at, points=-line.points, amount=-line.amount, disposition=None,
                kind=line.kind if line.kind != "disposition" else "note", explanation=what.en,
                explanation_zh=what.zh))
    return out


def statements(month: str, *, charges: Iterable[Charge] = (), roster: Mapping[str, Staff] | StaffHistory,
               table: RuleTable | RuleBook,
               frozen: Mapping[str, Sequence[Statement]], reversals: Iterable[Reversal] = (),
               opening: Mapping[str, Decimal] | None = None, first_month: str | None = None,
               tallies: Mapping[tuple[str, str], Tally] | None = None,
               posted: Mapping[tuple[str, str], Sequence[Line]] | None = None,
               versions_of: Callable[[str], tuple[tuple[int, dt.date | None, str], ...]] | None = None
               ) -> list[Statement]:
    """Everyone's statement for ``month``: replayed from the first month anyone owes anything.

    ``frozen`` maps closed months to their stored statements; those are used as they are. Or the
    caller starts the replay at ``first_month`` with the balances ``opening`` carried into it (what
    the month before it, a closed one, carried out), and ``charges`` only from then until ``month``
    (or those charges already tallied by person and month). ``posted`` are lines posted into a month
    besides its charges (a closed month's adjustments), by person and month, like ``reversals``.

    Each month is stated with the people as they were on its last day and the rule-table version then
    in force (``roster`` may be a ``StaffHistory``, ``table`` a ``RuleBook``); ``versions_of`` names,
    per person, the versions that priced ``month``'s statement.
    """
    if month in frozen:
        return list(frozen[month])
    book, history = RuleBook.single(table), StaffHistory.single(roster)
    if tallies is None:
        by_key = lines_by_person_month(charges, book, only_month=month if first_month == month else None)
        tallies = {key: tally(lines) for key, lines in by_key.items()}
    extra_lines = reversal_lines(reversals)
    for key, lines in (posted or {}).items():
        extra_lines[key] = [*extra_lines.get(key, ()), *lines]
    if extra_lines:  # never change the caller's mapping
        tallies = {**tallies, **{key: tally([*tallies.get(key, NOTHING).lines, *lines])
                                 for key, lines in extra_lines.items()}}
    months = sorted({m for _, m in tallies} | set(frozen))
    start = months[0] if months and months[0] < month else month
    if first_month is not None:
        start = min(first_month, month)
    carried: dict[str, Decimal] = defaultdict(lambda: ZERO, opening or {})
    current = start
    while True:
        if current in frozen:
            carried = defaultdict(lambda: ZERO, {s.staff_id: s.carried_out for s in frozen[current]})
            result = None
        else:
            result = []
            first, last = month_bounds(current)
            versioned = book.at(last)
            for person in sorted(history.at(last).values(), key=lambda p: (p.store, p.id)):
                counted = tallies.get((person.id, current), NOTHING)
                quiet = not counted.lines and not carried[person.id]
                if quiet and person.left is not None and person.left < first:
                    continue  # left long ago
                if quiet and person.hired is not None and person.hired > last:
                    continue  # not hired yet
                if quiet and current != month:
                    continue  # an earlier month replayed only for the carry: nothing to carry, no cap needed
                labels = versions_of(person.id) if versions_of is not None and current == month else ()
                statement = build_statement(person, current, counted, carried[person.id], versioned, labels)
                carried[person.id] = statement.carried_out
                result.append(statement)
        if current == month:
            return result or []
        current = next_month(current)


def explain_cap(statement: Statement, language: str = "en") -> str:
    """One sentence on what the legal guard did, for the scorecard and the written notice, in ``language``
    (``wording.LANGUAGES``); empty when it did nothing."""
    if statement.due + statement.carried_in <= statement.deducted:
        return ""
    if statement.cap_not_computed is not None:
        return say("capped_share", cap=yuan(statement.cap), note=statement.cap_not_computed,
                   carried=yuan(statement.carried_out)).in_(language)
    wage = statement.wage if statement.payable_wage is None else statement.payable_wage
    minimum = statement.minimum_wage if statement.payable_minimum is None else statement.payable_minimum
    floor_room = fen(max(ZERO, wage - (minimum or ZERO)))
    if wage <= 0:
        why = say("no_wage")
    elif statement.cap == floor_room:
        why = say("above_floor", wage=yuan(wage), minimum=yuan(minimum))
    else:
        why = say("share_of_wage", share=number(fen(statement.cap / wage * 100)), wage=yuan(wage),
                  minimum=yuan(minimum))
    if statement.outstanding:
        return say("capped_owed", cap=yuan(statement.cap), why=why, owed=yuan(statement.outstanding)).in_(language)
    return say("capped", cap=yuan(statement.cap), why=why, carried=yuan(statement.carried_out)).in_(language)


def _head_json(statement: Statement) -> dict[str, Any]:
    head = {
        "staff_id": statement.staff_id, "name": statement.name, "store": statement.store,
        "role": statement.role, "month": statement.month, "points_lost": number(statement.points_lost),
        "score": number(statement.score), "rating": statement.rating, "fines": yuan(statement.fines),
        "compensation": yuan(statement.compensation), "salary_penalties": yuan(statement.salary_penalties),
        "cost_recovery": yuan(statement.cost_recovery), "rewards": yuan(statement.rewards),
        "due": yuan(statement.due), "carried_in": yuan(statement.carried_in),
        "deducted": yuan(statement.deducted), "carried_out": yuan(statement.carried_out),
        "cap": yuan(statement.cap), "wage": yuan(statement.wage),
        "minimum_wage": statement.minimum_wage if statement.minimum_wage is None else yuan(statement.minimum_wage),
        **({} if statement.paid_days is None else {  # only for a month worked in part: frozen ones read as they were
            "paid_days": statement.paid_days, "payable_wage": yuan(statement.payable_wage or ZERO),
            "payable_minimum": None if statement.payable_minimum is None else yuan(statement.payable_minimum)}),
        **({"outstanding": yuan(statement.outstanding)} if statement.outstanding else {}),
        "fines_reported": yuan(statement.fines_reported),
        "dispositions": [{"rule": rule, "disposition": disposition, "at": at.isoformat(), "event_id": event_id}
                         for rule, disposition, at, event_id in statement.dispositions],
    }
    if statement.rule_versions:  # statements frozen before versions existed read as they were
        head["rule_versions"] = _versions_json(statement.rule_versions)
    if statement.cap_not_computed is not None:  # only then: a statement frozen before reads as it was
        head["cap_not_computed"] = statement.cap_not_computed.en
        head["cap_not_computed_zh"] = statement.cap_not_computed.zh
    head["score_applies"] = statement.score_applies
    head["rating_capped_by"] = statement.rating_capped_by and {
        "disposition": statement.rating_capped_by[0], "event_id": statement.rating_capped_by[1]}
    return head


@functools.lru_cache(maxsize=64)
def _versions_json(versions: tuple[tuple[int, dt.date | None, str], ...]) -> list[dict[str, Any]]:
    """A statement's ``rule_versions`` as JSON: a chain's 30,000 statements share a handful of these."""
    return [{"version": number, "effective": effective and effective.isoformat(), "sha256": short}
            for number, effective, short in versions]


def line_json(line: Line) -> dict[str, Any]:
    return {"event_id": line.event_id, "at": line.at.isoformat(), "rule": line.rule, "rule_name": line.rule_name,
            "kind": line.kind, "points": number(line.points), "amount": yuan(line.amount),
            "disposition": line.disposition, "explanation": line.explanation, "explanation_zh": line.explanation_zh}


#: ``json.dumps(..., ensure_ascii=False)`` makes a new encoder at every call; payroll encodes 30,000 heads.
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def line_text(line: Line) -> str:
    """A line's JSON text, as the charges cache keeps it and payroll's JSON contains it."""
    return _ENCODE(line_json(line))


def line_from_json(data: dict[str, Any]) -> Line:
    return Line(event_id=data["event_id"], at=dt.datetime.fromisoformat(data["at"]), rule=data["rule"],
                rule_name=data["rule_name"], kind=data["kind"], points=Decimal(data["points"]),
                amount=Decimal(data["amount"]), disposition=data["disposition"], explanation=data["explanation"],
                explanation_zh=data.get("explanation_zh", ""))


class StoredLines(Sequence[Line]):
    """A statement's lines kept as the JSON texts the charges cache stores, decoded only when read.

    A chain's payroll has some 200,000 lines; ``dumps`` splices these texts into the payroll file as
    they are, instead of building a ``Line`` for each and encoding it again. Anything that reads the
    lines (a scorecard, the chart of the HTML payroll) gets ``Line`` objects, decoded as it reads and
    not kept: closing a chain's month would otherwise hold every line of it twice.
    """

    __slots__ = ("texts",)

    def __init__(self, texts: tuple[str, ...]) -> None:
        self.texts = texts

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, index):  # type: ignore[no-untyped-def]  # int or slice, as a tuple's
        if isinstance(index, slice):
            return tuple(_decoded(text) for text in self.texts[index])
        return _decoded(self.texts[index])

    def __iter__(self) -> Iterator[Line]:
        return (_decoded(text) for text in self.texts)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"StoredLines({len(self.texts)} lines)"


def _decoded(text: str) -> Line:
    return line_from_json(json.loads(text))


def to_json(statement: Statement) -> dict[str, Any]:
    """The contract's JSON form: money as two-decimal strings, points as numbers in text."""
    return {**_head_json(statement), "lines": [line_json(line) for line in statement.lines]}


def dumps(statement: Statement) -> str:
    """``json.dumps(to_json(statement), ensure_ascii=False)``, with stored lines spliced in as they are."""
    if not isinstance(statement.lines, StoredLines):
        return _ENCODE(to_json(statement))
    head = _ENCODE(_head_json(statement))
    return f'{head[:-1]}, "lines": [{", ".join(statement.lines.texts)}]}}'


def from_json(data: dict[str, Any]) -> Statement:
    """Read back a frozen statement exactly as it was stored."""
    dec = Decimal
    return Statement(
        staff_id=data["staff_id"], name=data["name"], store=data["store"], role=data["role"],
        month=data["month"], points_lost=dec(data["points_lost"]), score=dec(data["score"]),
        rating=data["rating"], fines=dec(data["fines"]), compensation=dec(data["compensation"]),
        salary_penalties=dec(data["salary_penalties"]), cost_recovery=dec(data["cost_recovery"]),
        rewards=dec(data["rewards"]), due=dec(data["due"]), carried_in=dec(data["carried_in"]),
        deducted=dec(data["deducted"]), carried_out=dec(data["carried_out"]), cap=dec(data["cap"]),
        wage=dec(data["wage"]), minimum_wage=None if data["minimum_wage"] is None else dec(data["minimum_wage"]),
        fines_reported=dec(data["fines_reported"]),
        dispositions=tuple((d["rule"], d["disposition"], dt.datetime.fromisoformat(d["at"]), d["event_id"])
                           for d in data["dispositions"]),
        lines=tuple(line_from_json(ln) for ln in data["lines"]),
        rule_versions=tuple((v["version"], dt.date.fromisoformat(v["effective"]) if v["effective"] else None,
                             v["sha256"]) for v in data.get("rule_versions", ())),
        score_applies=data.get("score_applies", True),  # frozen before these existed: as it was then
        rating_capped_by=(data["rating_capped_by"]["disposition"], data["rating_capped_by"]["event_id"])
        if data.get("rating_capped_by") else None,
        cap_not_computed=Said(data["cap_not_computed_zh"], data["cap_not_computed"])
        if data.get("cap_not_computed") else None,
        paid_days=data.get("paid_days"),
        payable_wage=dec(data["payable_wage"]) if data.get("payable_wage") else None,
        payable_minimum=dec(data["payable_minimum"]) if data.get("payable_minimum") else None,
        outstanding=dec(data.get("outstanding", "0.00")),
    )
