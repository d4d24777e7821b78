"""The pricing engine: events + rule table + roster in, charges and problems out.

A pure function with no I/O and no clock. Pricing is always a replay of the whole log, so a
voided event simply drops out and everything after it is re-priced::

    >>> # g01 late on 3, 10 and 17 November (showroom.late, ladder 20, 40; 3rd: dismissal)
    >>> [c.amount for c in price(events, table, roster).charges if c.kind == "fine"]
    [Decimal('20.00'), Decimal('40.00'), Decimal('40.00')]
    >>> # void the 10th: the 17th becomes the 2nd lateness
    [Decimal('20.00'), Decimal('40.00')]

Every kind of amount is one small function with the same signature, ``(ctx) -> list[Charge]``,
listed in ``AMOUNTS``; ``price`` replays the log once to number each event's occurrence in its
window, then asks each amount function what the event costs.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal

import attrs

from . import lookup
from .model import Charge, DisciplineError, Event, IndexedRoster, Price, Rule, RuleBook, RuleTable, Staff, StaffHistory
from .money import ZERO, fen, number, yuan
from .wording import UNITS, Said, joined, outcome, said_of, say, unit

TEAM_PREFIX = "team:"


def _store_members(roster: Mapping[str, Staff], store: str) -> Iterable[Staff]:
    return roster.by_store.get(store, ()) if isinstance(roster, IndexedRoster) else \
        (s for s in roster.values() if s.store == store)


def _team_members(roster: Mapping[str, Staff], team: str) -> Iterable[Staff]:
    return roster.by_team.get(team, ()) if isinstance(roster, IndexedRoster) else \
        (s for s in roster.values() if s.team == team)


@attrs.frozen
class Priced:
    charges: tuple[Charge, ...]
    problems: tuple[tuple[int, Said], ...]
    """(event id, one sentence in both languages) for events that could not be priced."""


@attrs.frozen
class Context:
    """Everything one amount function may look at for one event."""

    event: Event
    rule: Rule
    """The rule that prices the event (the counts-as target, if any)."""
    logged_rule: Rule
    price: Price
    occurrence: int
    payer: Staff
    offender: Staff | None
    """None when logged against a team."""
    units: int
    unit_words: Said | None
    """``3项（订单、金融资料、资料摘要）`` / ``3 items (订单, 金融资料, 资料摘要)``; None when not priced per unit."""
    table: RuleTable
    liability: Said | None
    """Why the payer pays, when it is not the offender (None otherwise)."""

    def charge(self, kind: str, *, points: Decimal = ZERO, amount: Decimal = ZERO,
               disposition: str | None = None, explanation: Said) -> Charge:
        said = explanation
        if self.rule is not self.logged_rule:
            said = say("counts_as", rule=_name(self.rule), code=self.rule.code) + said
        if self.event.outcome and self.event.outcome != self.logged_rule.default_outcome:
            said = say("outcome", outcome=outcome(self.event.outcome)) + said
        if self.liability:
            said = said + say("liable", why=self.liability)
        return Charge(event_id=self.event.id, key=self.event.staff, staff_id=self.payer.id, at=self.event.at,
                      rule=self.logged_rule.code, kind=kind, points=points, amount=fen(amount),
                      disposition=disposition, explanation=said.en, explanation_zh=said.zh)

    def occurrence_words(self) -> Said:
        """``2026年11月第2次迟到`` / ``"2nd lateness in 2026-11"``: which occurrence in which window."""
        counter_rule = self.table.rule(self.rule.counter) if self.table.has_rule(self.rule.counter) else self.rule
        what = _name(counter_rule)
        if self.rule.window == "month":
            month = f"{self.event.at.astimezone(self.table.zone):%Y-%m}"
            return say("occurrence_month", month=month, n=self.occurrence, what=what)
        if self.rule.window == "ever":
            return say("occurrence_ever", n=self.occurrence, what=what)
        return say("occurrence_days", days=self.rule.window[:-1], n=self.occurrence, what=what)

    def times_units(self, each: Decimal, unit_name: str) -> tuple[Decimal, Said]:
        """Multiply by the units, saying so: ``(60, "3 items (…) × 20 yuan = 60.00 yuan")``."""
        if not self.unit_words:
            return each, say("amount", figure=number(each), unit=unit(unit_name))
        total = each * self.units
        shown = yuan(total) if unit_name == "yuan" else number(total)
        return total, say("times_units", units=self.unit_words, each=number(each), unit=unit(unit_name),
                          total=shown)


def _name(rule: Rule) -> Said:
    """A rule's name as an explanation says it: the Chinese name, the English one in lower case."""
    return Said(rule.name_zh, rule.name_en.lower())


def _step(ladder: tuple[Decimal, ...], n: int) -> Decimal:
    return ladder[min(n, len(ladder)) - 1]


def _ladder_words(ctx: Context, ladder: tuple[Decimal, ...], text: Said) -> Said:
    if len(ladder) > 1 or ctx.price.from_occurrence:
        return say("ladder", occurrence=ctx.occurrence_words(), text=text)
    return text


def points_amount(ctx: Context) -> list[Charge]:
    if not ctx.price.points:
        return []
    points, text = ctx.times_units(_step(ctx.price.points, ctx.occurrence), "points")
    return [ctx.charge("points", points=points, explanation=_ladder_words(ctx, ctx.price.points, text))]


def fine_amount(ctx: Context) -> list[Charge]:
    if ctx.price.fine:
        amount, text = ctx.times_units(_step(ctx.price.fine, ctx.occurrence), "yuan")
        return [ctx.charge("fine", amount=amount, explanation=_ladder_words(ctx, ctx.price.fine, text))]
    if ctx.price.fine_by_role:
        each = dict(ctx.price.fine_by_role)[ctx.payer.role]
        amount, text = ctx.times_units(each, "yuan")
        role = Said(ctx.table.role_names().get(ctx.payer.role, (ctx.payer.role,))[0], ctx.payer.role)
        return [ctx.charge("fine", amount=amount, explanation=say("role_rate", role=role, text=text))]
    return []


def value_amount(ctx: Context) -> list[Charge]:
    charges = []
    for kind, multiple in ctx.price.times_value:
        value = ctx.event.value or ZERO
        amount = value * multiple
        if multiple < 1:
            text = say("share_of_value", percent=number(multiple * 100), value=yuan(value), amount=yuan(amount))
        else:
            text = say("times_value", times=number(multiple), value=yuan(value), amount=yuan(amount))
        charges.append(ctx.charge(kind, amount=amount, explanation=text))
    return charges


def compensation_amount(ctx: Context) -> list[Charge]:
    if not ctx.price.compensation_loss or ctx.event.loss is None:
        return []
    return [ctx.charge("compensation", amount=ctx.event.loss,
                       explanation=say("compensation", loss=yuan(ctx.event.loss)))]


def cost_amount(ctx: Context) -> list[Charge]:
    if ctx.price.cost is None:
        return []
    amount, text = ctx.times_units(ctx.price.cost, "yuan")
    return [ctx.charge("cost", amount=amount, explanation=say("cost", text=text))]


def reward_amount(ctx: Context) -> list[Charge]:
    if ctx.price.reward is None:
        return []
    amount, text = ctx.times_units(ctx.price.reward, "yuan")
    return [ctx.charge("reward", amount=amount, explanation=say("reward", text=text))]


def salary_amount(ctx: Context) -> list[Charge]:
    salary = ctx.price.salary
    if salary is None:
        return []
    base, bonus, days = ctx.payer.base_wage, ctx.payer.bonus, ctx.table.settings.pay_days
    parts: list[tuple[Decimal, Said]] = []
    if salary.base_days:
        day = fen(base / days)
        parts.append((fen(day * salary.base_days),
                      say("one_day", base=yuan(base), days=number(days), day=yuan(day)) if salary.base_days == 1
                      else say("some_days", n=number(salary.base_days), base=yuan(base), days=number(days),
                               day=yuan(day))))
    if salary.base_months:
        parts.append((fen(base * salary.base_months),
                      say("base_months", months=number(salary.base_months), base=yuan(base))))
    if salary.bonus_share:
        parts.append((fen(bonus * salary.bonus_share),
                      say("bonus_share", percent=number(salary.bonus_share * 100), bonus=yuan(bonus),
                          amount=yuan(bonus * salary.bonus_share))))
    each = sum((amount for amount, _ in parts), ZERO)
    text = joined((words for _, words in parts), " + ", " + ")
    if len(parts) > 1:  # each part's own "= x yuan" must not read as the total
        text = say("sum", parts=joined((Said(f"（{w.zh}）", f"({w.en})") for _, w in parts), " + ", " + "),
                   total=yuan(each))
    if ctx.unit_words:
        text = say("units_times", units=ctx.unit_words, text=text, total=yuan(each * ctx.units))
    return [ctx.charge("salary", amount=each * ctx.units, explanation=text)]


def disposition_amount(ctx: Context) -> list[Charge]:
    charges = []
    if ctx.price.disposition:
        charges.append(ctx.charge("disposition", disposition=ctx.price.disposition,
                                  explanation=_disposition(ctx.table, ctx.price.disposition)))
    reached = [d for n, d in ctx.price.from_occurrence if n <= ctx.occurrence]
    if reached:
        charges.append(ctx.charge("disposition", disposition=reached[-1],
                                  explanation=say("ladder", occurrence=ctx.occurrence_words(),
                                                  text=_disposition(ctx.table, reached[-1]))))
    return charges


def _disposition(table: RuleTable, key: str) -> Said:
    """A disposition as an explanation names it: its Chinese name, and its key in words."""
    return Said(table.disposition_name(key)[0], key.replace("_", " "))


def breach_amount(ctx: Context) -> list[Charge]:
    """A handbook clause the law forbids (``not_applied``): on record and on the statement, never deducted."""
    if ctx.price.not_applied is None:
        return []
    zh, en = ctx.price.not_applied
    return [ctx.charge("breach", explanation=say("not_applied", clause=ctx.logged_rule.source, why=Said(zh, en)))]


AMOUNTS: tuple[Callable[[Context], list[Charge]], ...] = (
    points_amount, fine_amount, value_amount, compensation_amount, salary_amount, cost_amount,
    reward_amount, disposition_amount, breach_amount,
)


def price(events: Iterable[Event], table: RuleTable | RuleBook, roster: Mapping[str, Staff] | StaffHistory, *,
          since: dt.datetime | None = None) -> Priced:
    """Price the whole log. Voided events and events with problems cost nothing.

    Each event is priced by the rule-table version in force on its local date (``table`` may be one
    table, or a ``RuleBook`` of versions) and with the people as they were that day (``roster`` may
    be one roster, or a ``StaffHistory``); occurrences count across versions by rule code.

    With ``since``, events before it only count as earlier occurrences and are not priced
    themselves: what a caller needs after a change at ``since`` (their charges cannot have moved).
    """
    charges: list[Charge] = []
    problems: list[tuple[int, Said]] = []
    book = RuleBook.single(table)
    history = StaffHistory.single(roster)
    tz = book.zone
    live = sorted((e for e in events if not e.voided), key=lambda e: (e.at, e.id))
    resolved = []
    for event in live:
        day = event.at.astimezone(tz).date()
        in_force, people = book.at(day), history.at(day)
        try:
            resolved.append((event, *resolve(event, in_force, people), in_force, people))
        except DisciplineError as exc:
            if since is None or event.at >= since:
                problems.append((event.id, said_of(exc)))
    occurrences = number_occurrences([(e, rule) for e, rule, *_ in resolved], tz)
    for event, rule, price_, in_force, people in resolved:
        if since is not None and event.at < since:
            continue
        try:
            charges.extend(charges_for(event, rule, price_, occurrences[event.id], in_force, people))
        except DisciplineError as exc:
            problems.append((event.id, said_of(exc)))
    return Priced(tuple(charges), tuple(problems))


def resolve(event: Event, table: RuleTable, roster: Mapping[str, Staff]) -> tuple[Rule, Price]:
    """Check one event against the table and roster: (pricing rule, price), or DisciplineError."""
    if not table.has_rule(event.rule):
        raise DisciplineError(say("rule_unknown_plain", typed=repr(event.rule)))
    logged = table.rule(event.rule)
    if event.staff.startswith(TEAM_PREFIX):
        if not logged.unidentified:
            raise DisciplineError(say("needs_person", code=logged.code))
        team = event.staff[len(TEAM_PREFIX):]
        if not any(True for _ in _team_members(roster, team)):
            raise DisciplineError(say("no_team", team=repr(team)))
    elif event.staff not in roster:
        raise lookup.unknown_staff(event.staff, roster)
    elif not roster[event.staff].employed_on(day := event.at.astimezone(table.zone).date()):
        person = roster[event.staff]
        when = say("left_on", day=person.left) if person.left and day > person.left else say("hired_on",
                                                                                              day=person.hired)
        raise DisciplineError(say("not_employed", staff=person.id, when=when, day=day))
    names = logged.outcome_names()
    if event.outcome is not None and event.outcome not in names:
        if not names:
            raise DisciplineError(say("no_outcomes", code=logged.code, typed=repr(event.outcome)))
        near = lookup.suggestion(event.outcome, {name: () for name in names})
        listed = ", ".join(names)
        raise DisciplineError(say("no_such_outcome", code=logged.code, typed=repr(event.outcome), near=near,
                                  names=listed) if near.en else
                              say("no_such_outcome_plain", code=logged.code, typed=repr(event.outcome), names=listed))
    chosen = logged.outcome(event.outcome)
    if chosen.is_empty():
        raise DisciplineError(say("needs_outcome", code=logged.code, names=", ".join(names)))
    rule, price_ = logged, chosen
    if chosen.counts_as:
        rule = table.rule(chosen.counts_as)
        price_ = rule.price
    check_units(event, logged, rule, price_)
    return rule, price_


def check_units(event: Event, logged: Rule, rule: Rule, price_: Price) -> None:
    """The options an event gives must be the ones its rule uses."""
    if event.items:
        if not rule.items:
            raise DisciplineError(say("no_items_use_count" if rule.per else "no_items", code=logged.code))
        unknown = [item for item in event.items if item not in rule.items]
        if unknown:
            raise DisciplineError(say("not_an_item", typed=repr(unknown[0]), code=rule.code,
                                      items=Said("、".join(rule.items), ", ".join(rule.items))))
        if len(set(event.items)) != len(event.items):
            raise DisciplineError(say("item_twice", code=rule.code))
    elif rule.items:
        raise DisciplineError(say("needs_items", code=logged.code, items=Said("、".join(rule.items),
                                                                            ", ".join(rule.items))))
    if event.count is not None:
        if not rule.per or rule.items:
            raise DisciplineError(say("no_count", code=logged.code,
                                      more=say("name_items") if rule.items else Said("", "")))
        if not 1 <= event.count <= 10_000:  # more is a typing slip, and past 2**63 SQLite cannot store it
            raise DisciplineError(say("count_range"))
    if price_.needs_value() and event.value is None:
        raise DisciplineError(say("needs_value", code=logged.code))
    if not price_.needs_value() and event.value is not None:
        raise DisciplineError(say("no_value", code=logged.code))
    if event.value is not None and event.value < 0:
        raise DisciplineError(say("value_negative"))
    if event.loss is not None:
        if not price_.compensation_loss:
            raise DisciplineError(say("no_loss", code=logged.code))
        if event.loss < 0:
            raise DisciplineError(say("loss_negative"))
    elif price_.compensation_loss and attrs.evolve(price_, compensation_loss=False).is_empty():
        raise DisciplineError(say("needs_loss", code=logged.code))


def number_occurrences(events: Sequence[tuple[Event, Rule]], tz: dt.tzinfo) -> dict[int, int]:
    """Occurrence number of each event on its counter within its window (events in time order).

    Each event is counted in its own version's window, over every earlier occurrence on its counter
    whatever the window they were counted in: a version that turns a monthly ladder into a 30-day one
    goes on from the occurrences before it.
    """
    seen: dict[tuple[str, str], list[dt.datetime]] = defaultdict(list)
    in_month: dict[tuple[str, str, str], int] = defaultdict(int)
    out = {}
    for event, rule in events:
        times = seen[(event.staff, rule.counter)]
        times.append(event.at)
        month = f"{event.at.astimezone(tz):%Y-%m}"
        in_month[(event.staff, rule.counter, month)] += 1
        if rule.window == "month":
            out[event.id] = in_month[(event.staff, rule.counter, month)]
        elif rule.window == "ever":
            out[event.id] = len(times)
        else:
            since = event.at - dt.timedelta(days=int(rule.window[:-1]))
            out[event.id] = sum(1 for t in times if t > since)
    return out


def charges_for(event: Event, rule: Rule, price_: Price, occurrence: int, table: RuleTable,
                roster: Mapping[str, Staff]) -> list[Charge]:
    logged = table.rule(event.rule)
    offender = roster.get(event.staff)
    payer, liability = find_payer(event, logged, offender, roster, table)
    if price_.fine_by_role and payer.role not in dict(price_.fine_by_role):
        roles = ", ".join(role for role, _ in price_.fine_by_role)
        raise DisciplineError(say("no_role_amount", code=logged.code, staff=payer.id, role=payer.role, roles=roles))
    units, unit_words = 1, None
    if rule.per:
        units = len(event.items) if rule.items else (event.count or 1)
        per = unit(rule.per, units) if rule.per in UNITS else Said(rule.per, rule.per if units == 1 else
                                                                      _plural(rule.per))
        unit_words = say("units_items", count=units, unit=per, items=Said("、".join(event.items), ", ".join(
            event.items))) if event.items else say("units", count=units, unit=per)
    ctx = Context(event=event, rule=rule, logged_rule=logged, price=price_, occurrence=occurrence,
                  payer=payer, offender=offender, units=units, unit_words=unit_words, table=table,
                  liability=liability)
    charges = [charge for amount in AMOUNTS for charge in amount(ctx)]
    if event.lapse:
        charges.extend(lapse_charges(event, payer, charges, table, roster))
    return charges


def _plural(unit: str) -> str:
    irregular = {"person-time": "person-times", "day": "days", "time": "times"}
    return irregular.get(unit, unit + ("es" if unit.endswith(("s", "x", "ch")) else "s"))


def find_payer(event: Event, rule: Rule, offender: Staff | None, roster: Mapping[str, Staff],
               table: RuleTable | None = None) -> tuple[Staff, Said | None]:
    """Who pays for the event, and why, when that is not the offender."""
    names = table.role_names() if table is not None else {}
    if offender is None:  # team:T, nobody identified
        team = event.staff[len(TEAM_PREFIX):]
        role = rule.unidentified
        candidates = [s for s in _team_members(roster, team) if s.role == role and _active(s, event)]
        logger = roster.get(event.by) if event.by else None
        if len(candidates) > 1 and logger is not None:  # a chain reuses team names: the logger's own store
            candidates = [s for s in candidates if s.store == logger.store] or candidates
        where = say("team_role", team=team, role=Said(names.get(role, (role,))[0], role))
        why = say("nobody_identified", team=team, role=Said(names.get(role, (role,))[0], role))
        stores = {s.store for s in _team_members(roster, team)}
    elif rule.charged_to:
        role = rule.charged_to
        candidates = [s for s in _store_members(roster, offender.store) if s.role == role and _active(s, event)]
        where = say("store_role", store=offender.store, role=Said(names.get(role, (role,))[0], role))
        why = say("charged_to_role", role=Said(names.get(role, (role,))[0], role), offender=offender.id)
        stores = {offender.store}
    else:
        if event.charge is not None:
            raise DisciplineError(say("paid_by_offender", code=rule.code))
        return offender, None
    assert role is not None
    if event.charge is not None:
        named = roster.get(event.charge)
        if named is None:
            raise lookup.unknown_staff(event.charge, roster, say("given_with", option="--charge"))
        if not candidates:  # nobody holds the role there: the logger names who pays, anyone active in the store
            if named.store in stores and _active(named, event):
                return named, say("named_payer", where=where, payer=named.id)
            raise DisciplineError(say("not_in_store", staff=named.id, where=where,
                                      stores=", ".join(sorted(stores))))
        if named not in candidates:
            allowed = Said.same(", ".join(s.id for s in candidates))
            raise DisciplineError(say("not_the_payer", staff=named.id, where=where, allowed=allowed))
        return named, why
    if len(candidates) == 1:
        return candidates[0], why
    if not candidates:
        raise DisciplineError(say("no_payer", where=where))
    raise DisciplineError(say("several_payers", where=where, ids=", ".join(s.id for s in candidates)))


def _active(staff: Staff, event: Event) -> bool:
    return staff.employed_on(event.at.date())


def lapse_charges(event: Event, payer: Staff, charges: list[Charge], table: RuleTable,
                  roster: Mapping[str, Staff]) -> list[Charge]:
    """The supervisor's separate lines: multiplier × what the offender was charged."""
    if not payer.supervisor or payer.supervisor not in roster:
        raise DisciplineError(say("no_supervisor", staff=payer.id))
    rule = table.rule(event.rule)
    if not rule.lapse:
        raise DisciplineError(say("no_lapse", code=rule.code))
    supervisor = roster[payer.supervisor]
    times = table.settings.lapse_multiplier
    out = []
    for charge in charges:
        if charge.kind not in rule.lapse or charge.staff_id != payer.id:
            continue
        what = say("points", figure=number(charge.points)) if charge.kind == "points" else say(
            "yuan", figure=yuan(charge.amount))
        said = say("lapse", times=number(times), what=what, payer=payer.id, rule=_name(rule))
        out.append(Charge(event_id=event.id, key=event.staff, staff_id=supervisor.id, at=event.at, rule=event.rule,
                          kind=charge.kind, points=charge.points * times, amount=fen(charge.amount * times),
                          explanation=said.en, explanation_zh=said.zh))
    return out
