"""Reading and checking the rule table (``rules.toml``).

HR edits the table by hand, so the checker reports *every* problem at once, each with the file,
the line and the rule code, instead of stopping at the first::

    rules.toml:212: showroom.toolkit: unknown key 'fine_per_itme' (allowed: code, name, ...)
    rules.toml:240: showroom.late: window must be "month", "ever" or a number of days like "30d", not 'monthly'

``load_rules`` returns a ``RuleTable`` or raises ``RulesError`` carrying all the problems.
Numbers are read with ``parse_float=Decimal`` so ``1.5`` in the file is exactly 1.5 yuan.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import zoneinfo
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from .model import Band, MinimumWage, Price, Rule, RuleTable, Salary, Settings, Shift
from .resources import shipped_rules_path
from .wording import LANGUAGES, Said, say

PRICE_KEYS = (
    "points", "fine", "reward", "cost", "compensation", "fine_times_value",
    "compensation_times_value", "cost_times_value", "salary", "disposition", "from_occurrence",
    "counts_as", "not_applied",
)
RULE_KEYS = (
    "code", "name", "source", *PRICE_KEYS, "per", "items", "window", "counter", "charged_to",
    "unidentified", "outcomes", "default_outcome", "lapse", "every_party",
)
#: The kinds a supervision lapse may double: penalties, never a repayment of a loss or a cost.
LAPSE_KINDS = ("points", "fine", "salary")
SALARY_KEYS = ("base_days", "base_months", "bonus_share")
SETTINGS_KEYS = {
    "timezone", "base_score", "point_value", "max_deduction_ratio", "fines", "pay_days",
    "lapse_multiplier", "notice_days", "plausible_amount_limit", "plausible_wage_limit", "language", "proration",
}
CODE_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
WINDOW_RE = re.compile(r"^(month|ever|[1-9][0-9]{0,3}d)$")
TIME_RE = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def _header(line: str) -> str:
    """A table header line without spaces or a trailing comment: ``[[rule]]  # x`` → ``[[rule]]``."""
    return re.sub(r"\s+", "", line.split("#", 1)[0])


@attrs.frozen
class RuleProblem:
    path: str
    line: int
    code: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.code}: {self.message}" if self.code else f"{where}: {self.message}"


class RulesError(Exception):
    """The rule table has problems; ``problems`` lists all of them."""

    def __init__(self, problems: list[RuleProblem]) -> None:
        self.problems = problems
        first = problems[0]
        more = f" (and {len(problems) - 1} more problem(s); run 'discipline rules check')" if len(
            problems) > 1 else ""
        super().__init__(f"{first}{more}")


def load_rules(path: Path | None = None) -> RuleTable:
    table, problems = check_rules(path)
    if problems:
        raise RulesError(problems)
    assert table is not None
    return table


def check_rules(path: Path | None = None) -> tuple[RuleTable | None, list[RuleProblem]]:
    """Read and validate a rule table: (table or None, every problem found)."""
    path = Path(path) if path else shipped_rules_path()
    try:
        text = read_text(path)
    except RulesError as exc:
        return None, exc.problems
    return check_text(text, str(path))


#: Handbook words that withhold a month's wage, which 《工资支付暂行规定》 art. 7 and 9 forbid.
WITHHOLDING = ("不做當月工資", "不做当月工资", "扣發工資", "扣发工资", "不發工資", "不发工资", "停發工資", "停发工资",
               "扣發當月工資", "扣发当月工资")


def lawful_warnings(table: RuleTable) -> list[Said]:
    """What a rule may not lawfully do, though the table reads: an amount that takes more than one month's
    base wage (art. 16 lets a month deduct at most 20 % of it; the rest would carry for months), and a
    clause withholding wages (art. 7, 9) that is not marked ``not_applied``."""
    out = []
    for rule in table.rules:
        prices = [rule.price, *(price for _, price in rule.outcomes)]
        for price in prices:
            salary = price.salary
            if salary and (salary.base_months > 1 or (salary.base_months >= 1 and (salary.bonus_share or
                                                                                   salary.base_days))):
                out.append(say("warn_over_a_month", code=rule.code))
                break
        if any(words in rule.source for words in WITHHOLDING) and not any(p.not_applied for p in prices):
            out.append(say("warn_withholds", code=rule.code))
    return out


def read_text(path: Path) -> str:
    """A rule table file's text, as it is published: UTF-8 (a BOM dropped), line ends as ``\\n``."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RulesError([RuleProblem(str(path), 0, "", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError([RuleProblem(str(path), 0, "", f"cannot be read as UTF-8 text ({exc})")]) from None


def check_text(text: str, name: str) -> tuple[RuleTable | None, list[RuleProblem]]:
    """Validate a rule table's text (``name`` says where it came from in the problems)."""
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) if match else 0
        return None, [RuleProblem(name, line, "", f"not valid TOML: {exc}")]
    reader = _Reader(name, text)
    table = reader.table(data)
    return (None if reader.problems else table), reader.problems


def load_text(text: str, name: str = "the published rule table") -> RuleTable:
    """A table from its text, or ``RulesError`` with every problem (a stored version always checks)."""
    table, problems = check_text(text, name)
    if problems:
        raise RulesError(problems)
    assert table is not None
    return table


class _Reader:
    """Turns parsed TOML into a RuleTable, collecting problems with their lines."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()
        self.problems: list[RuleProblem] = []
        self.rule_starts = [i + 1 for i, line in enumerate(self.lines) if _header(line) == "[[rule]]"]

    # -- locating -------------------------------------------------------------------------
    def line_of(self, key: str, start: int = 1, end: int | None = None) -> int:
        """First line in [start, end) where ``key =`` is assigned; ``start`` if not found."""
        end = end or len(self.lines) + 1
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number in range(start, min(end, len(self.lines) + 1)):
            if pattern.match(self.lines[number - 1]):
                return number
        return start

    def section_line(self, header: str) -> int:
        for number, line in enumerate(self.lines, 1):
            if _header(line) == header:
                return number
        return 0

    def add(self, line: int, code: str, message: str) -> None:
        # Keys quoted in TOML may hold line breaks or escape codes: each problem stays one plain line.
        message = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in message)
        self.problems.append(RuleProblem(self.path, line, code, message))

    # -- the table ------------------------------------------------------------------------
    def table(self, data: dict[str, Any]) -> RuleTable:
        for key in data:
            if key not in ("settings", "roles", "dispositions", "rating", "minimum_wage", "shifts", "lapse", "rule"):
                self.add(self.section_line(f"[{key}]") or self.line_of(key), "",
                         f"unknown section '{key}' (allowed: settings, roles, dispositions, rating, "
                         "minimum_wage, shifts, lapse, rule)")
        self.controls(data)
        settings = self.settings(data.get("settings", {}))
        roles = self.names(data.get("roles", {}), "roles")
        dispositions = self.names(data.get("dispositions", {}), "dispositions")
        self.role_set = {key for key, _, _ in roles}
        self.disposition_set = {key for key, _, _ in dispositions}
        bands = self.bands(data.get("rating", []))
        wages = self.minimum_wages(data.get("minimum_wage", []))
        raw_rules = data.get("rule", [])
        if not isinstance(raw_rules, list) or not raw_rules:
            self.add(0, "", "the table has no [[rule]] entries")
            raw_rules = []
        self.codes = {r.get("code") for r in raw_rules if isinstance(r, dict) and isinstance(r.get("code"), str)}
        self.lapse_by_section = self.lapse_table(data.get("lapse"))
        rules = [self.rule(raw, index) for index, raw in enumerate(raw_rules)]
        rules = [rule for rule in rules if rule is not None]
        self.cross_check(rules)
        shifts = self.shifts(data.get("shifts", {}))
        unscored = self.unscored(data.get("roles", {}))
        caps = self.rating_caps(data.get("dispositions", {}), bands)
        return RuleTable(settings=settings, rules=tuple(rules), roles=roles, dispositions=dispositions,
                         bands=bands, minimum_wages=wages, shifts=shifts, path=self.path, unscored_roles=unscored,
                         rating_caps=caps)

    def lapse_table(self, raw: Any) -> dict[str, tuple[str, ...]] | None:
        """``[lapse]``: section (a code's first word, ``conduct``) → the kinds a lapse doubles there; None when
        the table has no ``[lapse]`` (every rule doubles every penalty kind, as tables before it did)."""
        if raw is None:
            return None
        start = self.section_line("[lapse]")
        if not isinstance(raw, dict):
            self.add(start, "", '[lapse] lists sections and the kinds a lapse doubles, like conduct = ["points"]')
            return {}
        return {section: self.lapse_kinds(kinds, self.line_of(section, start), "", f"lapse.{section}")
                for section, kinds in raw.items()}

    def lapse_kinds(self, raw: Any, line: int, code: str, what: str) -> tuple[str, ...]:
        if not isinstance(raw, list) or not all(kind in LAPSE_KINDS for kind in raw):
            self.add(line, code, f"{what} must list the kinds a supervision lapse doubles, from "
                     f"{', '.join(LAPSE_KINDS)} ([] for none)")
            return ()
        return tuple(raw)

    def unscored(self, raw: Any) -> frozenset[str]:
        """Roles with ``scored = false``: their policy prices in yuan only."""
        out = set()
        for key, value in (raw.items() if isinstance(raw, dict) else []):
            scored = value.get("scored", True) if isinstance(value, dict) else True
            if not isinstance(scored, bool):
                self.add(self.line_of(key, self.section_line("[roles]")), "",
                         f"roles.{key}: scored must be true or false (false: the role's policy has no points)")
            elif not scored:
                out.add(key)
        return frozenset(out)

    def rating_caps(self, raw: Any, bands: tuple[Band, ...]) -> tuple[tuple[str, str], ...]:
        """Dispositions with ``caps_rating = "合格"``: pending, they cap the rating at that band (named in
        Chinese or English)."""
        out = []
        names = {name: band.name_zh for band in bands for name in (band.name_zh, band.name_en.casefold())}
        for key, value in (raw.items() if isinstance(raw, dict) else []):
            cap = value.get("caps_rating") if isinstance(value, dict) else None
            if cap is None:
                continue
            band = names.get(cap.casefold()) if isinstance(cap, str) else None
            if band is None:
                self.add(self.line_of(key, self.section_line("[dispositions]")), "",
                         f"dispositions.{key}: caps_rating = {cap!r} is not a [[rating]] band "
                         f"({', '.join(b.name_zh for b in bands)})")
                continue
            out.append((key, band))
        return tuple(out)

    def controls(self, data: dict[str, Any]) -> None:
        """Every text of the table (names, sources, items) must show as written: a control character
        (an escape code, NUL, a direction override; ``typed.unsafe``) in one is a problem, a line break in a
        multi-line source is not."""
        from .typed import escaped, unsafe

        def walk(value: Any, key: str, start: int, code: str, *, top: bool = False) -> None:
            if isinstance(value, dict):  # a key's own line at the top of a section or rule, else its parent's
                for name, inner in value.items():
                    walk(inner, str(name), self.line_of(str(name), start) if start and top else start, code)
            elif isinstance(value, list):
                for inner in value:
                    walk(inner, key, start, code, top=top)
            elif isinstance(value, str):
                bad = next((ch for ch in value if ch not in "\n\t" and unsafe(ch)), None)
                if bad is not None:
                    self.add(start, code, f"{key} holds a control character ({escaped(bad)}); write plain text")

        for section, value in data.items():
            if section == "rule" and isinstance(value, list):
                for index, raw in enumerate(value):
                    start = self.rule_starts[index] if index < len(self.rule_starts) else 0
                    code = raw.get("code") if isinstance(raw, dict) and isinstance(raw.get("code"), str) else ""
                    walk(raw, "rule", start, "" if code and any(unsafe(ch) for ch in code) else code, top=True)
            else:
                walk(value, section, self.section_line(f"[{section}]") or self.section_line(f"[[{section}]]"), "",
                     top=True)

    def settings(self, raw: Any) -> Settings:
        start = self.section_line("[settings]")
        if not isinstance(raw, dict):
            self.add(start, "", "[settings] must be a table")
            return Settings()
        values: dict[str, Any] = {}
        for key, value in raw.items():
            line = self.line_of(key, start) if start else 0
            if key not in SETTINGS_KEYS:
                self.add(line, "", f"unknown setting '{key}' (allowed: {', '.join(sorted(SETTINGS_KEYS))})")
            elif key == "timezone":
                try:
                    zoneinfo.ZoneInfo(str(value))
                    values[key] = str(value)
                except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                    self.add(line, "", f"timezone {value!r} is not a known time zone such as Asia/Shanghai")
            elif key == "notice_days":
                if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 365:
                    values[key] = value
                else:
                    self.add(line, "", f"notice_days must be whole days 0–365, not {value!r}")
            elif key == "language":
                if value in LANGUAGES:
                    values[key] = value
                else:
                    self.add(line, "", f'language must be "zh", "en" or "both", not {value!r}')
            elif key == "proration":
                if value in ("pay_days", "workdays"):
                    values[key] = value
                else:
                    self.add(line, "", f'proration must be "pay_days" or "workdays", not {value!r}')
            elif key == "fines":
                if value in ("deduct", "report"):
                    values[key] = value
                else:
                    self.add(line, "", f'fines must be "deduct" or "report", not {value!r}')
            else:
                number = self.number(value, line, "", f"setting {key}")
                if number is not None:
                    if key == "max_deduction_ratio" and not (0 <= number <= 1):
                        self.add(line, "", f"max_deduction_ratio must be between 0 and 1, not {value}")
                    elif key in ("pay_days", "lapse_multiplier", "plausible_amount_limit",
                                 "plausible_wage_limit") and number <= 0:
                        self.add(line, "", f"{key} must be more than 0, not {value}")
                    else:
                        values[key] = number
        return Settings(**values)

    def names(self, raw: Any, section: str) -> tuple[tuple[str, str, str], ...]:
        start = self.section_line(f"[{section}]")
        out = []
        if not isinstance(raw, dict) or not raw:
            self.add(start, "", f"[{section}] must list at least one key with zh and en names")
            return ()
        for key, value in raw.items():
            if not (isinstance(value, dict) and isinstance(value.get("zh"), str)
                    and isinstance(value.get("en"), str)):
                self.add(self.line_of(key, start), "", f"{section}.{key} needs zh and en names: "
                         f'{key} = {{ zh = "…", en = "…" }}')
                continue
            out.append((key, value["zh"], value["en"]))
        return tuple(out)

    def bands(self, raw: Any) -> tuple[Band, ...]:
        out = []
        start = self.section_line("[[rating]]")
        for entry in raw if isinstance(raw, list) else []:
            score = self.number(entry.get("min_score"), start, "", "rating min_score")
            if score is None or not isinstance(entry.get("zh"), str) or not isinstance(entry.get("en"), str):
                self.add(start, "", "each [[rating]] needs min_score, zh and en")
                continue
            out.append(Band(score, entry["zh"], entry["en"]))
        if not out:
            self.add(start, "", "at least one [[rating]] band with min_score = 0 is needed")
        elif min(band.min_score for band in out) > 0:
            self.add(start, "", "the lowest [[rating]] band must have min_score = 0 so every score has a rating")
        return tuple(sorted(out, key=lambda band: band.min_score, reverse=True))

    def minimum_wages(self, raw: Any) -> tuple[MinimumWage, ...]:
        out = []
        start = self.section_line("[[minimum_wage]]")
        for entry in raw if isinstance(raw, list) else []:
            city, since = entry.get("city"), entry.get("from")
            amount = self.number(entry.get("amount"), start, "", "minimum_wage amount")
            if not isinstance(city, str) or not isinstance(since, dt.date) or amount is None:
                self.add(start, "", 'each [[minimum_wage]] needs city = "…", from = YYYY-MM-DD and amount')
                continue
            name_zh = entry.get("zh", "")
            if not isinstance(name_zh, str):
                self.add(start, "", f'[[minimum_wage]] {city}: zh must be the city\'s Chinese name, like zh = "上海"')
                name_zh = ""
            out.append(MinimumWage(city.strip().lower(), since, amount, name_zh.strip()))
        return tuple(sorted(out, key=lambda w: (w.city, w.since)))

    def shifts(self, raw: Any) -> tuple[Shift, ...]:
        out = []
        for name, entry in (raw.items() if isinstance(raw, dict) else []):
            start = self.section_line(f"[shifts.{name}]")
            ok = True
            times = {}
            for key in ("start", "end"):
                value = entry.get(key)
                if not (isinstance(value, str) and TIME_RE.match(value)):
                    self.add(self.line_of(key, start), "", f'shift {name}: {key} must be a time like "08:30"')
                    ok = False
                else:
                    times[key] = dt.time.fromisoformat(value)
            codes = {}
            for key in ("late", "early", "absent", "serious_late", "absent_post"):
                value = entry.get(key)
                if value is None and key in ("serious_late", "absent_post"):
                    continue
                if not isinstance(value, str) or value not in self.codes:
                    self.add(self.line_of(key, start), "", f"shift {name}: {key} = {value!r} is not a rule code "
                             "of this table")
                    ok = False
                codes[key] = value
            ints = {}
            for key in ("grace_minutes", "serious_late_minutes", "absent_late_minutes"):
                value = entry.get(key)
                if value is None:
                    continue
                if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 720:
                    self.add(self.line_of(key, start), "", f"shift {name}: {key} must be whole minutes 0–720")
                    ok = False
                ints[key] = value
            roles = []
            raw_roles = entry.get("roles", {})
            for role, hours in (raw_roles.items() if isinstance(raw_roles, dict) else [("", None)]):
                if role not in self.role_set or not isinstance(hours, dict) or not set(hours) <= {"start", "end"}:
                    self.add(self.line_of("roles", start), "", f"shift {name}: roles.{role or '?'} must be a role "
                             'with its own hours, like [shifts.showroom.roles.group_leader] end = "17:45"')
                    ok = False
                    continue
                own = {key: hours.get(key, entry.get(key)) for key in ("start", "end")}
                if not all(isinstance(v, str) and TIME_RE.match(v) for v in own.values()):
                    self.add(self.line_of("roles", start), "", f"shift {name}: roles.{role}: start and end must be "
                             'times like "17:45"')
                    ok = False
                    continue
                roles.append((role, dt.time.fromisoformat(own["start"]), dt.time.fromisoformat(own["end"])))
            name_zh = entry.get("zh", "")
            if not isinstance(name_zh, str):
                self.add(self.line_of("zh", start), "", f'shift {name}: zh must be its Chinese name, like zh = "展厅"')
                ok = False
            if ok:
                out.append(Shift(name=name, start=times["start"], end=times["end"], name_zh=name_zh.strip(), **codes,
                                 **ints, roles=tuple(roles)))
        return tuple(out)

    # -- one rule -------------------------------------------------------------------------
    def rule(self, raw: Any, index: int) -> Rule | None:
        start = self.rule_starts[index] if index < len(self.rule_starts) else 0
        end = self.rule_starts[index + 1] if index + 1 < len(self.rule_starts) else None
        line: Callable[[str], int] = lambda key: self.line_of(key, start, end)  # noqa: E731
        if not isinstance(raw, dict):
            self.add(start, "", "each [[rule]] must be a table")
            return None
        code = raw.get("code")
        if not isinstance(code, str) or not CODE_RE.match(code):
            self.add(line("code"), repr(code) if code else "", 'code must look like "showroom.late" (lowercase words '
                     "joined by dots)")
            return None
        if code in self.seen_codes:
            self.add(line("code"), code, f"code {code} is used twice in the table")
        self.seen_codes.add(code)
        problems_before = len(self.problems)
        for key in raw:
            if key not in RULE_KEYS:
                self.add(line(key), code, f"unknown key '{key}' (allowed: {', '.join(RULE_KEYS)})")
        name = raw.get("name")
        if not (isinstance(name, dict) and isinstance(name.get("zh"), str) and isinstance(name.get("en"), str)):
            self.add(line("name"), code, 'name must give both languages: name = { zh = "迟到", en = "Lateness" }')
            name = {"zh": code, "en": code}
        source = raw.get("source", "")
        if not isinstance(source, str) or not source.strip():
            self.add(line("source"), code, "source must quote the regulation's wording")
        amounts_before = len(self.problems)  # an amount already reported as wrong is not "no amount"
        price = self.price(raw, code, line)
        outcomes = []
        raw_outcomes = raw.get("outcomes", {})
        if not isinstance(raw_outcomes, dict):
            self.add(line("outcomes"), code, "outcomes must be a table of { name = { amounts } }")
            raw_outcomes = {}
        for outcome, spec in raw_outcomes.items():
            if not isinstance(spec, dict) or not spec:
                self.add(line("outcomes"), code, f"outcome {outcome} must be a table of amounts")
                continue
            for key in spec:
                if key not in PRICE_KEYS:
                    self.add(line("outcomes"), code, f"outcome {outcome}: unknown key '{key}' "
                             f"(allowed: {', '.join(PRICE_KEYS)})")
            outcomes.append((outcome, self.price(spec, code, lambda _key: line("outcomes"))))
        default_outcome = raw.get("default_outcome")
        if default_outcome is not None:
            if not isinstance(default_outcome, str) or not outcomes:
                self.add(line("default_outcome"), code, "default_outcome names the rule-level amount and "
                         "needs an outcomes table beside it")
            elif default_outcome in dict(outcomes):
                self.add(line("default_outcome"), code, f"default_outcome {default_outcome} is also listed "
                         "under outcomes")
            elif price.is_empty():
                self.add(line("default_outcome"), code, "default_outcome needs a rule-level amount to name")
        if price.is_empty() and not outcomes and len(self.problems) == amounts_before:
            self.add(start, code, "the rule has no amount: give points, fine, reward, cost, compensation, "
                     "salary, a disposition, counts_as or outcomes")
        per = raw.get("per")
        if per is not None and (not isinstance(per, str) or not per.strip()):
            self.add(line("per"), code, 'per must name the unit, e.g. per = "card"')
            per = None
        items = raw.get("items", [])
        if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
            self.add(line("items"), code, "items must be a list of names")
            items = []
        elif len(set(items)) != len(items):
            self.add(line("items"), code, "items lists a name twice")
        elif items and per != "item":
            self.add(line("items"), code, 'items needs per = "item"')
        window = raw.get("window", "month")
        if not isinstance(window, str) or not WINDOW_RE.match(window):
            self.add(line("window"), code, f'window must be "month", "ever" or a number of days like "30d", '
                     f"not {window!r}")
            window = "month"
        counter = raw.get("counter", code)
        if not isinstance(counter, str) or counter not in self.codes:
            self.add(line("counter"), code, f"counter = {counter!r} must name a rule code of this table to share "
                     "occurrences with")
            counter = code
        for key in ("charged_to", "unidentified"):
            value = raw.get(key)
            if value is not None and (not isinstance(value, str) or value not in self.role_set):
                roles = ", ".join(sorted(self.role_set))
                self.add(line(key), code, f"{key} = {value!r} is not a role (roles: {roles})")
        if "lapse" in raw:
            lapse = self.lapse_kinds(raw["lapse"], line("lapse"), code, "lapse")
        elif self.lapse_by_section is None:
            lapse = LAPSE_KINDS
        else:
            lapse = self.lapse_by_section.get(code.split(".", 1)[0], ())
        every_party = raw.get("every_party", False)
        if not isinstance(every_party, bool):
            self.add(line("every_party"), code, "every_party must be true or false (true: the wording charges "
                     "every party, who may be logged together)")
        if len(self.problems) > problems_before:
            return None
        return Rule(code=code, lapse=lapse, every_party=every_party, name_zh=name["zh"], name_en=name["en"],
                    source=source, price=price, default_outcome=default_outcome, outcomes=tuple(outcomes), per=per,
                    items=tuple(items), window=window, counter=counter, charged_to=raw.get("charged_to"),
                    unidentified=raw.get("unidentified"), line=start)

    @property
    def seen_codes(self) -> set[str]:
        if not hasattr(self, "_seen"):
            self._seen: set[str] = set()
        return self._seen

    def price(self, raw: dict[str, Any], code: str, line: Callable[[str], int]) -> Price:
        values: dict[str, Any] = {}
        if "points" in raw:
            values["points"] = self.ladder(raw["points"], code, line("points"), "points")
        if "fine" in raw:
            fine = raw["fine"]
            if isinstance(fine, dict):
                table = []
                for role, amount in fine.items():
                    if role not in self.role_set:
                        self.add(line("fine"), code, f"fine by role names {role!r}, which is not a role "
                                 f"(roles: {', '.join(sorted(self.role_set))})")
                    number = self.amount(amount, line("fine"), code, f"fine for {role}")
                    if number is not None:
                        table.append((role, number))
                values["fine_by_role"] = tuple(table)
            else:
                values["fine"] = self.ladder(fine, code, line("fine"), "fine")
        for key in ("reward", "cost"):
            if key in raw:
                values[key] = self.amount(raw[key], line(key), code, key)
        if "compensation" in raw:
            if raw["compensation"] != "loss":
                self.add(line("compensation"), code, 'compensation must be "loss" (the loss entered with --loss); '
                         "for a share of a value use compensation_times_value")
            values["compensation_loss"] = True
        times = []
        for kind in ("fine", "compensation", "cost"):
            key = f"{kind}_times_value"
            if key in raw:
                number = self.amount(raw[key], line(key), code, key)
                if number is not None:
                    times.append((kind, number))
        values["times_value"] = tuple(times)
        if "salary" in raw:
            values["salary"] = self.salary(raw["salary"], code, line("salary"))
        if "disposition" in raw:
            values["disposition"] = self.disposition(raw["disposition"], code, line("disposition"))
        if "from_occurrence" in raw:
            values["from_occurrence"] = self.thresholds(raw["from_occurrence"], code, line("from_occurrence"))
        if "counts_as" in raw:
            target = raw["counts_as"]
            if not isinstance(target, str) or target not in self.codes or target == code:
                self.add(line("counts_as"), code, f"counts_as = {target!r} is not another rule code of this table")
            others = [k for k in raw if k in PRICE_KEYS and k != "counts_as"]
            if others:
                self.add(line("counts_as"), code, f"counts_as prices the event by {target}; remove "
                         f"{', '.join(others)}")
            values["counts_as"] = target
        if "not_applied" in raw:
            values["not_applied"] = self.not_applied(raw, code, line("not_applied"))
        return Price(**{k: v for k, v in values.items() if v is not None})

    def not_applied(self, raw: dict[str, Any], code: str, line: int) -> tuple[str, str] | None:
        """A clause the law forbids: the legal reason, in both languages; it may not carry an amount."""
        why = raw["not_applied"]
        if isinstance(why, str) and why.strip():
            why = {"zh": why, "en": why}
        if not (isinstance(why, dict) and all(isinstance(why.get(k), str) and why[k].strip() for k in ("zh", "en"))):
            self.add(line, code, 'not_applied must give the legal reason: not_applied = { zh = "…", en = "…" }')
            return None
        others = [k for k in raw if k in PRICE_KEYS and k != "not_applied"]
        if others:
            self.add(line, code, f"not_applied: the clause is reported, never applied; remove {', '.join(others)}")
        return why["zh"].strip(), why["en"].strip()

    def ladder(self, raw: Any, code: str, line: int, what: str) -> tuple[Decimal, ...]:
        steps = raw if isinstance(raw, list) else [raw]
        out = []
        if not steps:
            self.add(line, code, f"{what} ladder is empty")
        for step in steps:
            number = self.amount(step, line, code, what)
            if number is not None:
                out.append(number)
        return tuple(out)

    def amount(self, raw: Any, line: int, code: str, what: str) -> Decimal | None:
        number = self.number(raw, line, code, what)
        if number is not None and number < 0:
            self.add(line, code, f"{what} must not be negative ({raw}); use reward for money paid out")
            return None
        return number

    def number(self, raw: Any, line: int, code: str, what: str) -> Decimal | None:
        if isinstance(raw, bool) or raw is None:
            self.add(line, code, f"{what} must be a number")
            return None
        try:
            value = Decimal(str(raw))
        except ArithmeticError:
            self.add(line, code, f"{what} must be a number, not {raw!r}")
            return None
        if not value.is_finite() or abs(value) >= Decimal("1e9"):
            self.add(line, code, f"{what} must be a finite number below a billion, not {raw!r}")
            return None
        return value

    def salary(self, raw: Any, code: str, line: int) -> Salary | None:
        if not isinstance(raw, dict) or not raw:
            self.add(line, code, "salary must be a table such as { base_days = 1 }")
            return None
        values = {}
        for key, value in raw.items():
            if key not in SALARY_KEYS:
                self.add(line, code, f"salary: unknown key '{key}' (allowed: {', '.join(SALARY_KEYS)})")
                continue
            number = self.amount(value, line, code, f"salary {key}")
            if number is not None:
                values[key] = number
        return Salary(**values)

    def disposition(self, raw: Any, code: str, line: int) -> str | None:
        if not isinstance(raw, str) or raw not in self.disposition_set:
            self.add(line, code, f"disposition {raw!r} is not one of: {', '.join(sorted(self.disposition_set))}")
            return None
        return str(raw)

    def thresholds(self, raw: Any, code: str, line: int) -> tuple[tuple[int, str], ...]:
        if not isinstance(raw, dict) or not raw:
            self.add(line, code, 'from_occurrence must be a table such as { 2 = "dismissal_recommended" }')
            return ()
        out = []
        for key, value in raw.items():
            if not str(key).isdigit() or int(key) < 1:
                self.add(line, code, f"from_occurrence: {key!r} must be an occurrence number 1, 2, 3…")
                continue
            disposition = self.disposition(value, code, line)
            if disposition:
                out.append((int(key), disposition))
        return tuple(sorted(out))

    def cross_check(self, rules: list[Rule]) -> None:
        """Checks that need the whole table: counts_as targets must price by themselves."""
        by_code = {rule.code: rule for rule in rules}
        for rule in rules:
            for _, price in ((None, rule.price), *rule.outcomes):
                target = by_code.get(price.counts_as or "")
                if target and any(p.counts_as for p in (target.price, *dict(target.outcomes).values())):
                    self.add(rule.line, rule.code, f"counts_as {target.code}, which itself counts as another "
                             "rule; point at the final rule")


def amount_words(rule: Rule, table: RuleTable) -> str:
    """The rule's amount in plain English, as ``rules list`` shows it."""
    parts = []
    if not rule.price.is_empty():
        label = f"{rule.default_outcome or 'default'}: " if rule.outcomes else ""
        parts.append(label + price_words(rule.price, rule, table))
    for name, price in rule.outcomes:
        parts.append(f"{name}: {price_words(price, rule, table)}")
    text = "; or ".join(parts)
    if rule.price.is_empty():
        text = f"by --outcome: {text}"
    if rule.charged_to:
        text += f"; charged to the store's {rule.charged_to}"
    if rule.unidentified:
        text += f"; the team's {rule.unidentified} pays when nobody is identified"
    return text


def price_words(price: Price, rule: Rule, table: RuleTable) -> str:
    from .money import number, ordinal

    per = f" per {rule.per}" if rule.per else ""
    window = {"month": "in the calendar month", "ever": "ever"}.get(rule.window, f"in {rule.window[:-1]} days")
    words = []
    if price.counts_as:
        target = table.rule(price.counts_as)
        return f"counts as {target.name_en.lower()} ({target.code}): {price_words(target.price, target, table)}"
    if price.not_applied:
        return f"reported, never deducted: {price.not_applied[1]}"
    for unit, ladder in (("points", price.points), ("yuan", price.fine)):
        if len(ladder) == 1:
            words.append(f"{number(ladder[0])} {unit}{per}")
        elif ladder:
            steps = [f"{ordinal(i)} {number(s)}" for i, s in enumerate(ladder, 1)]
            words.append(f"{', '.join(steps)} {unit}{per} {window}, then {number(ladder[-1])} each")
    if price.fine_by_role:
        words.append(", ".join(f"{role} {number(a)} yuan" for role, a in price.fine_by_role))
    for kind, multiple in price.times_value:
        words.append(f"{kind}: {number(multiple)} × the value given")
    if price.compensation_loss:
        words.append("compensation of the loss")
    if price.reward is not None:
        words.append(f"reward {number(price.reward)} yuan")
    if price.cost is not None:
        words.append(f"cost recovery {number(price.cost)} yuan")
    if price.salary:
        words.append(salary_words(price.salary, table) + per)
    if price.disposition:
        words.append(price.disposition.replace("_", " "))
    for n, disposition in price.from_occurrence:
        words.append(f"from the {ordinal(n)} {window if rule.window != 'month' else 'in the month'}: "
                     f"{disposition.replace('_', ' ')}")
    return " + ".join(words)


def salary_words(salary: Salary, table: RuleTable) -> str:
    from .money import number

    words = []
    if salary.base_days:
        words.append(f"{number(salary.base_days)} day(s) of base wage (base ÷ {number(table.settings.pay_days)})")
    if salary.base_months:
        words.append(f"{number(salary.base_months)} month(s) of base wage")
    if salary.bonus_share:
        words.append(f"{number(salary.bonus_share * 100)} % of the month's bonus")
    return " + ".join(words)
