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
from collections.abc import Callable, Mapping, Sequence

import attrs

from . import lookup, minimum_wages
from .model import RuleTable, Staff
from .money import parse_decimal
from .plausible import wage_problem
from .textfile import read_csv
from .typed import refuse_controls

COLUMNS = ("id", "name", "store", "team", "role", "supervisor", "base_wage", "bonus", "shift", "city",
           "hired", "left", "clock", "pin")
#: How a person's ``clock`` may be written.
CLOCK_WORDS = {"": True, "yes": True, "y": True, "1": True, "true": True, "是": True, "打卡": True,
               "no": False, "n": False, "0": False, "false": False, "否": False, "不打卡": False}
REQUIRED = ("id", "name", "store", "role", "base_wage", "city")  # city: its minimum wage caps deductions


@attrs.frozen
class RosterProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


def read_roster(text: str, table: RuleTable, existing: Mapping[str, Staff], *,
                confirm: bool = False) -> tuple[list[Staff], list[RosterProblem]]:
    """Parse and check a roster file against the rule table and the stored roster. A wage beyond the
    plausible limit (``plausible.py``) is a problem unless ``confirm``."""
    try:
        found = read_csv(text)
    except ValueError as exc:
        return [], [RosterProblem(1, f"{exc}; it needs a header row: " + ", ".join(COLUMNS))]
    header = list(found.header)
    if not header:
        return [], [RosterProblem(0, "the file is empty; it needs a header row: " + ", ".join(COLUMNS))]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown:
        what = []
        if missing:
            what.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            what.append(f"unknown column(s) {', '.join(repr(c) for c in unknown)}")
        return [], [RosterProblem(1, "; ".join(what) + f"; the columns are: {', '.join(COLUMNS)}")]
    if len(set(header)) != len(header):
        return [], [RosterProblem(1, "a column is named twice in the header")]
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
            problems.append(RosterProblem(line, f"id {person.id} is already used on line {seen}"))
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
            problems.append(RosterProblem(lines[person.id], f"supervisor {person.supervisor!r} of {person.id} "
                                          "is not on the roster or in this file"))
    for person_id in _cycle_members(merged):
        if person_id in lines:
            problems.append(RosterProblem(lines[person_id], f"{person_id} is in a supervisor cycle "
                                          "(someone is their own supervisor, directly or through others)"))
    problems.extend(_shared_numbers(merged, lines))
    if not confirm:
        for person in staff:
            message = wage_problem(person, table, existing.get(person.id))
            if message:
                problems.append(RosterProblem(lines[person.id], message))
    problems.sort(key=lambda p: p.line)
    return staff, problems


def _staff(record: dict[str, str], line: int, table: RuleTable,
           problems: list[RosterProblem]) -> Staff | None:
    before = len(problems)

    def bad(message: str) -> None:
        problems.append(RosterProblem(line, message))

    for column in REQUIRED:
        if not record.get(column):
            bad(f"{column} is empty")
    for column, text in record.items():  # names and stores are shown on terminals and printed scorecards
        try:
            refuse_controls(text, what=column)
        except ValueError as exc:
            bad(str(exc))
    person_id = record.get("id", "")
    if person_id.startswith("team:") or any(ch.isspace() for ch in person_id):
        bad(f"id {person_id!r} may not contain spaces or start with 'team:'")
    role = _named(record.get("role", ""), table.role_names(), "role", bad) or ""  # 导购 is guide
    wages = {}
    for column in ("base_wage", "bonus"):
        text = record.get(column) or "0"
        try:
            value = parse_decimal(text, what=column, money=True)
        except ValueError as exc:
            bad(str(exc))
            continue
        if value < 0:
            bad(f"{column} must not be negative ({text})")
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
            bad(f"{column} {text!r} is not a date like 2026-11-03")
    if dates.get("hired") and dates.get("left") and dates["left"] < dates["hired"]:
        bad("left is before hired")
    if record.get("supervisor") == person_id and person_id:
        bad(f"{person_id} cannot be their own supervisor")
    clock = CLOCK_WORDS.get((record.get("clock") or "").lower())
    if clock is None:
        bad(f"clock {record['clock']!r} must be yes or no (no: the person does not punch)")
    pin = record.get("pin") or None
    if pin == person_id:  # the default written out (as 'staff list --json' gives it back) is the default
        pin = None
    if pin is not None and (len(pin) > 32 or any(ch.isspace() or not ch.isprintable() for ch in pin)):
        bad(f"pin {pin!r} must be the attendance machine's user number, without spaces")
    if len(problems) > before:
        return None
    return Staff(id=person_id, name=record["name"], store=record["store"], team=record.get("team", ""),
                 role=role, supervisor=record.get("supervisor") or None, base_wage=wages["base_wage"],
                 bonus=wages["bonus"], shift=shift, city=city, hired=dates["hired"], left=dates["left"],
                 clock=bool(clock), pin=pin)


def _named(typed: str, options: Mapping[str, Sequence[str]], what: str, bad: Callable[[str], None]) -> str | None:
    """The key a roster cell names (the key itself, or the name a list shows, like 导购 or 上海, in any
    case); None for an empty cell; a cell naming none is a problem that names the nearest keys."""
    if not typed:
        return None
    found = lookup.choose(typed, options)
    if found is None:
        plural = "cities" if what == "city" else what + "s"
        if what == "city":
            near = lookup.did_you_mean(typed, options, {key: names[0] for key, names in options.items() if names})
            bad(f"city {typed!r} has no known minimum wage{near}; 'discipline minwage' lists the cities, and a "
                '[[minimum_wage]] entry in the rule table (city = "…", zh = "…", from = YYYY-MM-DD, amount = "…") '
                "adds one")
        else:
            bad(f"unknown {what} {typed!r}{lookup.hint(typed, options, plural)}")
    return found


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
                    problems.append(RosterProblem(lines.get(person.id, lines.get(other.id, 0)), (
                        f"{person.id} and {other.id} have the same attendance-machine number {person.machine_number} "
                        "while both are employed; give each their own in the pin column")))
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
