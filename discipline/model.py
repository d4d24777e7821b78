"""The records every other module reads: staff, rules, events, charges, statements.

All are frozen attrs classes with tuple collections, so a value handed to the engine cannot be
changed behind its back. Money and points are ``Decimal``; times are timezone-aware.

Flow of data::

    rules.toml ──► RuleTable ─┐
    roster.csv ──► Staff ─────┼──► engine.price() ──► Charge ──► payroll.statement() ──► Statement
    log / derive ► Event ─────┘
"""

from __future__ import annotations

import bisect
import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal

import attrs

from .wording import Said, said_of, say

#: Kinds of charge, in the order a statement lists its sums.
KINDS = ("points", "fine", "compensation", "salary", "cost", "reward", "disposition", "breach")
#: Kinds of money that a month's deduction is made of.
DEDUCTED_KINDS = ("fine", "compensation", "salary", "cost")


class DisciplineError(Exception):
    """Bad input from a person: one sentence saying what was wrong and what is allowed.

    The CLI turns it into exit code 2 with the message on stderr, in the language asked for when the
    sentence was given in both (``wording.Said``); nothing has been changed.
    """

    def __init__(self, message: object = "", *args: object) -> None:
        self.said = message if isinstance(message, Said) else None
        super().__init__(message.en if isinstance(message, Said) else message, *args)

    def in_(self, language: str) -> str:
        """The sentence as ``language`` (``wording.LANGUAGES``) says it: English where it has no Chinese yet."""
        return self.said.in_(language) if self.said is not None else str(self)


class FileRefused(DisciplineError):
    """A file has problems; nothing of it was imported. ``problems`` lists every one."""

    def __init__(self, what: Said, problems: Sequence[object]) -> None:
        self.problems = [said_of(p) for p in problems]
        more = say("and_more", count=len(self.problems) - 1) if len(self.problems) > 1 else Said.same("")
        super().__init__(say("file_refused", what=what, first=self.problems[0], more=more))


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
    not_applied: tuple[str, str] | None = attrs.field(default=None, repr=False)
    """(Chinese, English) legal reason a handbook clause the law forbids is not applied: the event is logged
    and shown as a breach (kind ``breach``), and never deducts. Out of ``repr``: a table's text is in the
    cache's fingerprint already, and tables without it must not re-price a chain."""

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
    every_party: bool = attrs.field(default=False, repr=False)
    """The wording charges every party (「雙方均予辭退」): several people may be logged as one violation,
    each with an event of their own, withdrawn together. Out of ``repr``: it prices nothing."""
    lapse: tuple[str, ...] = attrs.field(default=("points", "fine", "salary"), repr=False)
    """The kinds of amount a supervision lapse doubles for the supervisor (empty: the rule's wording has no
    lapse). From the rule's ``lapse``, else the table's ``[lapse]`` for its section (the code's first word);
    a table with neither doubles points, fines and salary penalties under every rule, as before."""

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
    name_zh: str = attrs.field(default="", repr=False)
    """The city's Chinese name (``上海``), which the roster accepts as well as ``city``. Out of ``repr``, as
    every field that prices nothing: ``cache.fingerprint`` is the table's repr, and a name added to a
    table must not re-price a chain's two million events."""


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
    name_zh: str = attrs.field(default="", repr=False)
    """The shift's Chinese name (``展厅``), which the roster accepts as well as ``name`` (prices nothing)."""
    roles: tuple[tuple[str, dt.time, dt.time], ...] = attrs.field(default=(), repr=False)
    """(role, start, end) where a role keeps other hours on this shift (销售组长晚下班15分钟: group leaders
    leave 15 minutes later). Out of ``repr``: it judges punches, never prices a charge."""

    def for_role(self, role: str) -> Shift:
        """The shift as ``role`` works it: its own start and end where the table gives them."""
        for name, start, end in self.roles:
            if name == role:
                return attrs.evolve(self, start=start, end=end, roles=())
        return self


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
    notice_days: int = 7
    """A new version may take effect no sooner than this many days after it is published (公示)."""
    plausible_amount_limit: Decimal | None = None
    """Yuan: a value or loss typed above this needs ``--confirm``; None: one year's wage of the person it is
    logged against (``plausible.py``)."""
    plausible_wage_limit: Decimal | None = None
    """Yuan a month: a wage (base + bonus) recorded above this needs ``--confirm``; None: ``plausible.WAGE``."""
    proration: str = attrs.field(default="pay_days", repr=False)
    """How a month worked in part is paid (``payable.py``): ``pay_days`` (the wage ÷ ``pay_days`` × the workdays
    employed) or ``workdays`` (÷ the month's workdays). States statements only, never a charge: not in the
    fingerprint."""
    language: str = attrs.field(default="zh", repr=False)
    """What scorecards and explanations are shown in: ``zh``, ``en`` or ``both`` (``wording.LANGUAGES``); ``--lang``
    overrides it. Only how things are shown: the cache keeps both languages, so it is not in the fingerprint."""


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
    unscored_roles: frozenset[str] = attrs.field(default=frozenset(), repr=False)  # prices nothing
    """Roles whose policy has no points (``scored = false``: the showroom's, priced in yuan only): their
    scorecard says the score does not apply instead of showing a full score nobody could lose."""
    rating_caps: tuple[tuple[str, str], ...] = attrs.field(default=(), repr=False)  # prices nothing
    """(disposition, rating) pairs: a disposition awaiting a decision caps the rating at that band (its
    Chinese name), whatever the score (``caps_rating``)."""
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

    def role_names(self) -> dict[str, tuple[str, str]]:
        """Each role's key → its Chinese and English names: what a roster may say instead of the key."""
        return {key: (zh, en) for key, zh, en in self.roles}

    def shift_names(self) -> dict[str, tuple[str, ...]]:
        """Each shift → its Chinese name (when the table gives one)."""
        return {shift.name: (shift.name_zh,) if shift.name_zh else () for shift in self.shifts}

    def disposition_name(self, key: str) -> tuple[str, str]:
        for k, zh, en in self.dispositions:
            if k == key:
                return zh, en
        return key, key


class IndexedRoster(Mapping[str, "Staff"]):
    """A roster, with people grouped by store and by team, built once for a whole replay.

    Who pays for a store's or a team's event is a look-up, not a scan of a chain's roster per event.
    """

    def __init__(self, people: Mapping[str, Staff]) -> None:
        self._people = people
        self.by_store: dict[str, list[Staff]] = defaultdict(list)
        self.by_team: dict[str, list[Staff]] = defaultdict(list)
        for person in people.values():
            self.by_store[person.store].append(person)
            self.by_team[person.team].append(person)

    def __getitem__(self, key: str) -> Staff:
        return self._people[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._people)

    def __len__(self) -> int:
        return len(self._people)


class StaffHistory:
    """Each person's versions on the roster, from the day each took effect: a raise applies from its
    date, a transfer from its date, and an event is priced with the people as they were that day.

    ``versions`` maps a staff id to (effective date, person) pairs in order; a person's first version
    has no date (it holds from the beginning). ``at(day)`` is the roster in force that day, built once
    per stretch of days between changes.
    """

    #: What is the person's whatever the date: their name, and when they were hired and left (a leaver's
    #: date recorded late still ends their employment on it). The latest version's hold for every version.
    PERSONAL = ("name", "hired", "left")

    def __init__(self, versions: Mapping[str, Sequence[tuple[dt.date | None, Staff]]]) -> None:
        self.versions = {}
        for staff_id, history in versions.items():
            if not history:
                continue
            ordered = sorted(history, key=lambda v: v[0] or dt.date.min)
            if len(ordered) == 1:  # nearly everyone: one version
                self.versions[staff_id] = tuple(ordered)
                continue
            latest = ordered[-1][1]
            personal = {name: getattr(latest, name) for name in self.PERSONAL}
            self.versions[staff_id] = tuple(
                (day, person if all(getattr(person, n) == v for n, v in personal.items())
                 else attrs.evolve(person, **personal)) for day, person in ordered)
        self.changes = sorted({day for history in self.versions.values() for day, _ in history if day})
        self._rosters: dict[int, IndexedRoster] = {}

    @classmethod
    def single(cls, roster: Mapping[str, Staff]) -> StaffHistory:
        """One version of everyone, from the beginning (a roster without history)."""
        if isinstance(roster, StaffHistory):
            return roster
        history = cls({staff_id: ((None, person),) for staff_id, person in roster.items()})
        history._rosters[0] = roster if isinstance(roster, IndexedRoster) else IndexedRoster(dict(roster))
        return history

    def at(self, day: dt.date) -> IndexedRoster:
        """Everyone as they were on ``day``."""
        stretch = bisect.bisect_right(self.changes, day)
        roster = self._rosters.get(stretch)
        if roster is None:
            roster = self._rosters[stretch] = IndexedRoster(
                {staff_id: person for staff_id in self.versions if (person := self.person(staff_id, day))})
        return roster

    def person(self, staff_id: str, day: dt.date) -> Staff | None:
        """``staff_id`` as on ``day`` (None when not on the roster at all)."""
        found = None
        for effective, person in self.versions.get(staff_id, ()):
            if effective is not None and effective > day:
                break
            found = person
        return found

    def latest(self) -> IndexedRoster:
        """Everyone as they are after every change recorded (future-dated ones included)."""
        return self.at(dt.date.max)


@attrs.frozen
class RuleVersion:
    """One published version of the rule table: what it says, and from when."""

    number: int
    """1, 2, … in the order published."""
    effective: dt.date | None
    """The first day it prices; None for version 1 of a database (from the beginning)."""
    published: dt.date
    """When it was made known to staff (公示)."""
    by: str | None
    sha256: str
    """Of its text (UTF-8): the same file published twice has the same SHA-256."""
    text: str
    """The table's TOML, exactly as published."""
    parse: Callable[[str], RuleTable] = attrs.field(eq=False, repr=False)
    """Reads the text (``rules.load_text``); parsed when first asked for, as most commands need one version."""
    _table: list[RuleTable] = attrs.field(factory=list, eq=False, repr=False, init=False)

    @property
    def table(self) -> RuleTable:
        if not self._table:
            self._table.append(self.parse(self.text))
        return self._table[0]

    @property
    def short(self) -> str:
        return self.sha256[:8]

    def label(self) -> str:
        """``v2 (from 2026-11-15, 3fa2c1d0)``: how statements and files name it."""
        since = f"from {self.effective}" if self.effective else "from the beginning"
        return f"v{self.number} ({since}, {self.short})"


@attrs.frozen
class RuleBook:
    """The rule table's versions: an event is priced by the version in force on its local date.

    A book of one table (``RuleBook.single``) is how a table that is not stored prices: a what-if, a
    test, the demo being built.
    """

    versions: tuple[RuleVersion, ...]
    """In the order published; at least one."""
    _starts: list[tuple[dt.date, int]] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        starts = sorted((v.effective or dt.date.min, v.number) for v in self.versions)
        object.__setattr__(self, "_starts", starts)

    @classmethod
    def single(cls, table: RuleTable | RuleBook) -> RuleBook:
        if isinstance(table, RuleBook):
            return table
        version = RuleVersion(number=0, effective=None, published=dt.date.min, by=None, sha256="", text="",
                              parse=lambda _: table)
        return cls((version,))

    def version_at(self, day: dt.date) -> RuleVersion:
        """The version in force on ``day``: the latest to take effect by then (of two from one day, the one
        published later)."""
        index = bisect.bisect_right(self._starts, (day, 1 << 62)) - 1
        number = self._starts[max(index, 0)][1]
        return next(v for v in self.versions if v.number == number)

    def at(self, day: dt.date) -> RuleTable:
        return self.version_at(day).table

    def in_force(self, first: dt.date, last: dt.date) -> tuple[RuleVersion, ...]:
        """The versions in force on some day from ``first`` to ``last``."""
        numbers = {self.version_at(first).number} | {n for start, n in self._starts if first < start <= last}
        return tuple(v for v in self.versions if v.number in numbers)

    @property
    def latest(self) -> RuleVersion:
        return self.version_at(dt.date.max)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The stores' time zone: every version has the same (``versions.publish`` refuses another), so it is
        read from the latest, which nearly every command reads anyway."""
        return self.latest.table.zone

    @property
    def stored(self) -> bool:
        """Whether these are versions published in the database (not a table read from a file)."""
        return self.versions[0].number > 0


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
    explanation_zh: str = ""
    """``explanation`` in Chinese (``wording.py``)."""


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
    explanation_zh: str = ""
    """``explanation`` in Chinese; empty on a line kept before the Chinese was (shown in English then)."""

    def explained(self, language: str) -> str:
        """The explanation as ``language`` (``wording.LANGUAGES``) shows it."""
        from .wording import in_language

        return in_language(self.explanation_zh, self.explanation, language)


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
    minimum_wage: Decimal | None
    """None when no minimum wage is known for the person's city that month (``cap_not_computed`` says why)."""
    fines_reported: Decimal
    """Fines listed but not deducted (``fines = "report"``)."""
    dispositions: tuple[tuple[str, str, dt.datetime, int], ...]
    """(rule, disposition, at, event_id)."""
    lines: Sequence[Line]
    """In order of time; a tuple, or ``payroll.StoredLines`` when read from the charges cache."""
    rule_versions: tuple[tuple[int, dt.date | None, str], ...] = ()
    """(number, effective, short SHA-256) of the rule-table versions that priced it (none for a table that
    is not stored: a what-if, a test)."""
    score_applies: bool = True
    """False for a role whose policy has no points (``RuleTable.unscored_roles``) and who lost none."""
    rating_capped_by: tuple[str, int] | None = None
    """(disposition, event id) of the pending disposition that capped ``rating`` below what the score gives."""
    cap_not_computed: Said | None = None
    """Why the cap is the share of the wage alone: no minimum wage is known for the person's city that month."""
    paid_days: int | None = None
    """Workdays employed, for a month worked in part (hired or left in it); None for a whole month."""
    payable_wage: Decimal | None = None
    """The wage for that part of the month (``payable.py``), which the cap is taken on."""
    payable_minimum: Decimal | None = None
    """The minimum wage for that part of the month."""
    outstanding: Decimal = Decimal("0.00")
    """What a leaver still owes on their final statement: no later wage to deduct it from, so not carried."""
