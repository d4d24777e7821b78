"""Reading the roster CSV: every bad row reported with its line, nothing accepted on any error.

The file is what HR exports from Excel: UTF-8 with or without a BOM, a header row naming the
columns ``id, name, store, team, role, supervisor, base_wage, bonus, shift, city, hired, left,
clock, pin`` (any order; ``hired``, ``left``, ``clock`` and ``pin`` may be missing). ``clock`` is
``no`` for someone who does not punch (default yes); ``pin`` is the attendance machine's own number
for the person (default the staff id). Rows add to or update the roster already stored, and the
checks run on the merged result, so a supervisor may come from either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence

import attrs

from . import lookup, minimum_wages
from .model import RuleTable, Staff
from .money import parse_decimal
from .plausible import wage_problem
from .textfile import read_csv
from .typed import refuse_controls
from .wording import Said, joined, said_of, say

COLUMNS = ("id", "name", "store", "team", "role", "supervisor", "base_wage", "bonus", "shift", "city",
           "hired", "left", "clock", "pin")
#: How a person's ``clock`` may be written.
CLOCK_WORDS = {"": True, "yes": True, "y": True, "1": True, "true": True, "是": True, "打卡": True,
               "no": False, "n": False, "0": False, "false": False, "否": False, "不打卡": False}
REQUIRED = ("id", "name", "store", "role", "base_wage", "city")  # city: its minimum wage caps deductions


@attrs.frozen
class RosterProblem:
    """What is wrong on a line of the file (0: the file as a whole), in both languages; ``str`` is the English."""

    line: int
    message: Said = attrs.field(converter=said_of)

    @property
    def said(self) -> Said:
        """``line 3: …`` (第3行：…), as a refusal lists it."""
        return say("at_line", line=self.line, message=self.message) if self.line else self.message

    def __str__(self) -> str:
        return self.said.en


def read_roster(text: str, table: RuleTable, existing: Mapping[str, Staff], *,
                confirm: bool = False) -> tuple[list[Staff], list[RosterProblem]]:
    """Parse and check a roster file against the rule table and the stored roster. A wage beyond the
    plausible limit (``plausible.py``) is a problem unless ``confirm``."""
    try:
        found = read_csv(text)
    except ValueError as exc:
        return [], [RosterProblem(1, say("roster_needs_header", why=said_of(exc), columns=_COLUMN_NAMES))]
    header = list(found.header)
    if not header:
        return [], [RosterProblem(0, say("file_empty_header", columns=_COLUMN_NAMES))]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown:
        what = []
        if missing:
            what.append(say("missing_columns", columns=_listed(missing)))
        if unknown:
            what.append(say("unknown_columns", columns=_listed(repr(c) for c in unknown)))
        return [], [RosterProblem(1, say("columns_are", what=joined(what, "；", "; "), columns=_COLUMN_NAMES))]
    if len(set(header)) != len(header):
        return [], [RosterProblem(1, say("column_twice"))]
    problems = [RosterProblem(line, message) for line, message in found.problems]
    staff: list[Staff] = []
    lines: dict[str, int] = {}
    folded_lines: dict[str, int] = {}  # ids are matched whatever their case: C01 and c01 are one person
    on_roster = lookup.Ids(existing)
    for line, record in found.records:
        person = _staff(record, line, table, problems)
        if person is None:
            continue
        if (stored := on_roster(person.id)) is not None and stored != person.id:
            person = attrs.evolve(person, id=stored)  # c01 in the file is C01 on the roster, kept as stored
        if (seen := folded_lines.get(lookup.folded(person.id))) is not None:
            problems.append(RosterProblem(line, say("id_used", id=person.id, seen=seen)))
            continue
        lines[person.id] = folded_lines[lookup.folded(person.id)] = line
        staff.append(person)
    merged = dict(existing)
    merged.update({s.id: s for s in staff})
    everyone = lookup.Ids(merged)
    staff = [attrs.evolve(p, supervisor=everyone(p.supervisor)) if p.supervisor and p.supervisor not in merged
             and everyone(p.supervisor) else p for p in staff]
    merged.update({s.id: s for s in staff})
    for person in staff:
        if person.supervisor and person.supervisor not in merged:
            problems.append(RosterProblem(lines[person.id], say("supervisor_unknown", id=person.id,
                                                                supervisor=repr(person.supervisor))))
    for person_id in _cycle_members(merged):
        if person_id in lines:
            problems.append(RosterProblem(lines[person_id], say("supervisor_cycle", id=person_id)))
    problems.extend(_shared_numbers(merged, lines))
    if not confirm:
        for person in staff:
            message = wage_problem(person, table, existing.get(person.id))
            if message is not None:
                problems.append(RosterProblem(lines[person.id], message))
    problems.sort(key=lambda p: p.line)
    return staff, problems


def _staff(record: dict[str, str], line: int, table: RuleTable,
           problems: list[RosterProblem]) -> Staff | None:
    before = len(problems)

    def bad(message: Said) -> None:
        problems.append(RosterProblem(line, message))

    for column in REQUIRED:
        if not record.get(column):
            bad(say("column_empty", column=column))
    for column, text in record.items():  # names and stores are shown on terminals and printed scorecards
        try:
            refuse_controls(text, what=column)
        except ValueError as exc:
            bad(said_of(exc))
    person_id = record.get("id", "")
    if person_id.startswith("team:") or any(ch.isspace() for ch in person_id):
        bad(say("bad_staff_id", id=repr(person_id)))
    role = _named(record.get("role", ""), table.role_names(), "role", bad) or ""  # 导购 is guide
    wages = {}
    for column in ("base_wage", "bonus"):
        text = record.get(column) or "0"
        try:
            value = parse_decimal(text, what=column, money=True)
        except ValueError as exc:
            bad(said_of(exc))
            continue
        if value < 0:
            bad(say("not_negative", column=column, typed=text))
        wages[column] = value
    shift = _named(record.get("shift", ""), table.shift_names(), "shift", bad)
    city = _named(record.get("city", ""), minimum_wages.city_names(table.minimum_wages), "city", bad)
    dates = {}
    for column in ("hired", "left"):
        text = record.get(column) or ""
        if not text:
            dates[column] = None
            continue
        try:
            dates[column] = dt.date.fromisoformat(text.replace("/", "-"))
        except ValueError:
            bad(say("not_a_date", what=column, typed=repr(text)))
    if dates.get("hired") and dates.get("left") and dates["left"] < dates["hired"]:
        bad(say("left_before_hired"))
    if record.get("supervisor") == person_id and person_id:
        bad(say("own_supervisor", id=person_id))
    clock = CLOCK_WORDS.get((record.get("clock") or "").lower())
    if clock is None:
        bad(say("clock_yes_no", typed=repr(record["clock"])))
    pin = record.get("pin") or None
    if pin == person_id:  # the default written out (as 'staff list --json' gives it back) is the default
        pin = None
    if pin is not None and (len(pin) > 32 or any(ch.isspace() or not ch.isprintable() for ch in pin)):
        bad(say("bad_pin", typed=repr(pin)))
    if len(problems) > before:
        return None
    return Staff(id=person_id, name=record["name"], store=record["store"], team=record.get("team", ""),
                 role=role, supervisor=record.get("supervisor") or None, base_wage=wages["base_wage"],
                 bonus=wages["bonus"], shift=shift, city=city, hired=dates["hired"], left=dates["left"],
                 clock=bool(clock), pin=pin)


def _named(typed: str, options: Mapping[str, Sequence[str]], what: str, bad: Callable[[Said], None]) -> str | None:
    """The key a roster cell names (the key itself, or the name a list shows, like 导购 or 上海, in any
    case); None for an empty cell; a cell naming none is a problem that names the nearest keys."""
    if not typed:
        return None
    found = lookup.choose(typed, options)
    if found is None:
        if what == "city":
            near = lookup.suggestion(typed, options, {key: names[0] for key, names in options.items() if names})
            then = Said("" if near.zh else "；", "")  # after 是不是…？ the Chinese goes straight on
            bad(say("no_minimum_wage", typed=repr(typed), near=near, then=then))
        else:
            bad(say("unknown_named", what=say("named_" + what), typed=repr(typed), rest=_hint(typed, options, what)))
    return found


def _hint(typed: str, options: Mapping[str, Sequence[str]], what: str) -> Said:
    """``lookup.hint`` in both languages: the nearest keys, or every one when none is near."""
    label = {key: names[0] if names else "" for key, names in options.items()}
    near = lookup.suggestion(typed, options, label)
    if near.en:
        return near
    names = _listed(f"{key} {label[key]}".strip() for key in options)
    return say("named_options", what=say("named_" + what + "s"), names=names)


def _listed(names: Iterable[str]) -> Said:
    """Names listed: ``a、b`` in Chinese, ``a, b`` in English."""
    names = list(names)
    return Said("、".join(names), ", ".join(names))


#: The roster's columns, as a problem lists them.
_COLUMN_NAMES = _listed(COLUMNS)


def _shared_numbers(roster: Mapping[str, Staff], lines: Mapping[str, int]) -> list[RosterProblem]:
    """Two people with one attendance-machine number: their punches could not be told apart."""
    from .attendance import pin_key

    owners: dict[str, list[Staff]] = {}
    for person in roster.values():
        owners.setdefault(pin_key(person.machine_number), []).append(person)
    problems = []
    for people in owners.values():
        for index, person in enumerate(people):
            for other in people[:index]:  # a number may pass to a new hire once its owner has left
                if (person.id in lines or other.id in lines) and _overlap(person, other):
                    problems.append(RosterProblem(lines.get(person.id, lines.get(other.id, 0)), say(
                        "shared_number", id=person.id, other=other.id, number=person.machine_number)))
    return problems


def _overlap(one: Staff, other: Staff) -> bool:
    """Whether two people's employment (hired to left, open-ended when unknown) shares a day."""
    early, late = dt.date.min, dt.date.max
    return (one.hired or early) <= (other.left or late) and (other.hired or early) <= (one.left or late)


def _cycle_members(roster: Mapping[str, Staff]) -> list[str]:
    """Ids whose chain of supervisors loops back on itself."""
    members = set()
    for start in roster:
        seen = []
        current: str | None = start
        while current is not None and current in roster and current not in seen:
            seen.append(current)
            current = roster[current].supervisor
        if current is not None and current in seen:
            members.update(seen[seen.index(current):])
    return sorted(members)
