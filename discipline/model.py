"""The records every other module reads: staff, rules, events, charges, statements.

All are frozen attrs classes with tuple collections, so a value handed to the engine cannot be
changed behind its back. Money and points are ``Decimal``; times are timezone-aware.

Flow of data::

    rules.toml ──► RuleTable ─┐
    roster.csv ──► Staff ─────┼──► engine.price() ──► Charge ──► payroll.statement() ──► Statement
    log / derive ► Event ─────┘
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from decimal import Decimal

import attrs

#: Kinds of charge, in the order a statement lists its sums.
KINDS = ("points", "fine", "compensation", "salary", "cost", "reward", "disposition")
#: Kinds of money that a month's deduction is made of.
DEDUCTED_KINDS = ("fine", "compensation", "salary", "cost")


class DisciplineError(Exception):
    """Bad input from a person: one sentence saying what was wrong and what is allowed.

    The CLI turns it into exit code 2 with the message on stderr; nothing has been changed.
    """


@attrs.frozen
class Staff:
    """One person on the roster."""

    id: str
    name: str
    store: str
    team: str
    role: str
    """Role key from the rule table's ``[roles]`` (``consultant``, ``five_s``…)."""
    supervisor: str | None
    base_wage: Decimal
    bonus: Decimal
    shift: str | None
    city: str | None
    hired: dt.date | None = None
    left: dt.date | None = None
    clock: bool = True
    """False for people who do not punch (managers often do not): derive never judges them."""
    pin: str | None = None
    """The attendance machine's own number for the person, which punch files carry; None: the staff id."""

    @property
    def machine_number(self) -> str:
        """What punch files name this person by."""
        return self.pin or self.id

    def employed_on(self, day: dt.date) -> bool:
        """Hired by ``day`` and not yet left (both dates count as employed)."""
        return (self.hired is None or self.hired <= day) and (self.left is None or day <= self.left)


@attrs.frozen
class Salary:
    """A salary-based amount: days of base wage, months of base wage and a share of the bonus."""

    base_days: Decimal = Decimal(0)
    base_months: Decimal = Decimal(0)
    bonus_share: Decimal = Decimal(0)


@attrs.frozen
class Price:
    """What one occurrence of a rule costs (one outcome of it). Every field is one kind of amount."""

    points: tuple[Decimal, ...] = ()
    """Points ladder by occurrence; one step means a fixed amount; the last step repeats."""
    fine: tuple[Decimal, ...] = ()
    """Fine ladder by occurrence, as for points."""
    fine_by_role: tuple[tuple[str, Decimal], ...] = ()
    """Fine by the charged person's role, when the amount depends on who pays."""
    reward: Decimal | None = None
    cost: Decimal | None = None
    """Cost recovery (a badge), not a fine."""
    compensation_loss: bool = False
    """Compensation of the actual loss given with ``--loss``."""
    times_value: tuple[tuple[str, Decimal], ...] = ()
    """(kind, multiple) of the value given with ``--value``: 10 × a gift, 50 % of a repair."""
    salary: Salary | None = None
    disposition: str | None = None
    """A disposition reached every time."""
    from_occurrence: tuple[tuple[int, str], ...] = ()
    """(n, disposition): from the n-th occurrence in the window on; the highest n reached wins."""
    counts_as: str | None = None
    """Code of the rule this one is an occurrence of, priced by that rule."""

    def needs_value(self) -> bool:
        return bool(self.times_value)

    def is_empty(self) -> bool:
        return self == Price()


@attrs.frozen
class Rule:
    """One row of the rule table."""

    code: str
    name_zh: str
    name_en: str
    source: str
    price: Price
    """The price when no outcome is chosen (empty when the logger must choose)."""
    default_outcome: str | None = None
    """What the rule-level price is called, so ``--outcome`` may name it too."""
    outcomes: tuple[tuple[str, Price], ...] = ()
    per: str | None = None
    """Unit the amount is multiplied by (``item``, ``card``, ``day``…); None = once per event."""
    items: tuple[str, ...] = ()
    """Named items for ``per = "item"``; empty means items are counted with ``--count``."""
    window: str = "month"
    """Where occurrences are counted: ``month``, ``ever`` or ``<N>d`` (rolling days)."""
    counter: str = ""
    """Counter the occurrences go to; rules sharing a counter escalate together."""
    charged_to: str | None = None
    """Role in the offender's store that pays instead of the offender."""
    unidentified: str | None = None
    """Role in the team that pays when logged against ``team:T``."""
    line: int = 0
    """Line of ``rules.toml`` where the rule starts, for error messages."""

    def outcome(self, name: str | None) -> Price:
        if name is None or name == self.default_outcome:
            return self.price
        return dict(self.outcomes)[name]

    def outcome_names(self) -> tuple[str, ...]:
        names = [self.default_outcome] if self.default_outcome else []
        return tuple(names + [name for name, _ in self.outcomes])


@attrs.frozen(cache_hash=True)  # the key of payroll's cache of floors, hashed once per statement
class MinimumWage:
    city: str
    since: dt.date
    amount: Decimal


@attrs.frozen
class Band:
    """A rating band: scores at or above ``min_score`` get this rating."""

    min_score: Decimal
    name_zh: str
    name_en: str


@attrs.frozen
class Shift:
    name: str
    start: dt.time
    end: dt.time
    late: str
    early: str
    absent: str
    grace_minutes: int = 0
    serious_late_minutes: int | None = None
    serious_late: str | None = None
    absent_late_minutes: int | None = None
    absent_post: str | None = None
    """The rule for being away from one's post; logged by hand, it shows the person came to work."""


@attrs.frozen
class Settings:
    timezone: str = "Asia/Shanghai"
    base_score: Decimal = Decimal(100)
    point_value: Decimal = Decimal(0)
    max_deduction_ratio: Decimal = Decimal("0.20")
    fines: str = "deduct"
    """``deduct`` or ``report`` (list fines without deducting them)."""
    pay_days: Decimal = Decimal("21.75")
    lapse_multiplier: Decimal = Decimal(2)


@attrs.frozen
class RuleTable:
    settings: Settings
    rules: tuple[Rule, ...]
    roles: tuple[tuple[str, str, str], ...]
    """(key, zh, en)."""
    dispositions: tuple[tuple[str, str, str], ...]
    bands: tuple[Band, ...]
    minimum_wages: tuple[MinimumWage, ...]
    shifts: tuple[Shift, ...]
    path: str = ""
    _by_code: dict[str, Rule] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {rule.code: rule for rule in self.rules})

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The stores' time zone (``[settings] timezone``): months, days and shifts are in it."""
        return zoneinfo.ZoneInfo(self.settings.timezone)

    def rule(self, code: str) -> Rule:
        return self._by_code[code]

    def has_rule(self, code: str) -> bool:
        return code in self._by_code

    def role_keys(self) -> tuple[str, ...]:
        return tuple(key for key, _, _ in self.roles)

    def disposition_name(self, key: str) -> tuple[str, str]:
        for k, zh, en in self.dispositions:
            if k == key:
                return zh, en
        return key, key


@attrs.frozen
class Event:
    """One logged violation (or reward), as stored. A void is not an Event but marks one voided."""

    id: int
    staff: str
    """Staff id, or ``team:T`` when nobody could be identified."""
    rule: str
    at: dt.datetime
    count: int | None = None
    items: tuple[str, ...] = ()
    value: Decimal | None = None
    loss: Decimal | None = None
    outcome: str | None = None
    lapse: bool = False
    charge: str | None = None
    """Who pays, named by the logger, where the rule's liability needs a name."""
    note: str = ""
    by: str | None = None
    voided: bool = False
    derived: bool = False
    batch: int | None = None
    """The bulk command (``discipline batches``) that logged it; None for a single ``log``."""

    def identity(self, default_outcome: str | None = None) -> tuple[object, ...]:
        """What makes two entries the same violation: who, which rule, the minute, and what was given with
        it (no ``--count`` is one unit; the rule's default outcome is no outcome). The same identity twice
        is a slip of the keyboard or a file imported twice."""
        minute = self.at.astimezone(dt.UTC).replace(second=0, microsecond=0)
        value = None if self.value is None else self.value.normalize()
        outcome = None if self.outcome == default_outcome else self.outcome
        return (self.staff, self.rule, minute, self.count or 1, tuple(sorted(self.items)), value, outcome)


@attrs.frozen
class Charge:
    """One line of what an event cost one person."""

    event_id: int
    staff_id: str
    at: dt.datetime
    rule: str
    kind: str
    points: Decimal = Decimal(0)
    amount: Decimal = Decimal(0)
    disposition: str | None = None
    explanation: str = ""
    key: str = ""
    """The event's ``staff`` (offender id or ``team:T``): the only events its price depends on share it."""


@attrs.frozen
class Line:
    """A statement line: a charge as it appears on a month's statement."""

    event_id: int
    at: dt.datetime
    rule: str
    rule_name: str
    kind: str
    points: Decimal
    amount: Decimal
    disposition: str | None
    explanation: str


@attrs.frozen
class Statement:
    staff_id: str
    name: str
    store: str
    role: str
    month: str
    points_lost: Decimal
    score: Decimal
    rating: str
    fines: Decimal
    compensation: Decimal
    salary_penalties: Decimal
    cost_recovery: Decimal
    rewards: Decimal
    due: Decimal
    carried_in: Decimal
    deducted: Decimal
    carried_out: Decimal
    cap: Decimal
    """The most the law allows to be deducted this month."""
    wage: Decimal
    minimum_wage: Decimal
    fines_reported: Decimal
    """Fines listed but not deducted (``fines = "report"``)."""
    dispositions: tuple[tuple[str, str, dt.datetime, int], ...]
    """(rule, disposition, at, event_id)."""
    lines: Sequence[Line]
    """In order of time; a tuple, or ``payroll.StoredLines`` when read from the charges cache."""
