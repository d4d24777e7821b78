"""Everything a person reads: scorecards, the payroll export and the what-if comparison.

One Jinja environment (``environment()``) renders the templates in ``templates/``; HTML is
autoescaped, so a name or note containing ``<script>`` shows as text, and a variable a template
expects but is not given raises instead of rendering as a blank. The payroll CSV is written by the
``csv`` module, not a template::

    >>> payroll_csv(statements, table)[:3]      # UTF-8 with a BOM, so Excel reads the Chinese
    b'\\xef\\xbb\\xbf'
    >>> print(scorecard_text(statement, table))  # doctest: +SKIP
    考核与扣款通知 / Notice of deductions  2026-11
    ...

This module only formats: every figure comes from a ``Statement`` built by ``payroll``.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import jinja2
import markupsafe

from . import charts
from .model import Line, RuleTable, Statement
from .money import ZERO, fen, number, yuan
from .payroll import explain_cap, to_json
from .resources import templates_path
from .texttable import pad, shown, shown_json, text_table, width
from .wording import headings, kind_name, line_json_in, named

if TYPE_CHECKING:  # store_report reads statements; reports only formats what it built
    from .store_report import StoreMonth

#: The payroll CSV's columns: (Chinese label, statement field). The header cell is ``"工号 staff_id"``.
CSV_COLUMNS = (
    ("工号", "staff_id"), ("姓名", "name"), ("门店", "store"), ("岗位", "role"),
    ("扣分", "points_lost"), ("考核分", "score"), ("评级", "rating"),
    ("罚款", "fines"), ("赔偿", "compensation"), ("工资处罚", "salary_penalties"),
    ("成本回收", "cost_recovery"), ("奖励", "rewards"), ("应扣", "due"), ("上月结转", "carried_in"),
    ("本月实扣", "deducted"), ("结转下月", "carried_out"), ("扣款上限", "cap"), ("待决定处理", "dispositions"),
    ("规则版本", "rule_versions"), ("链头", "chain_head"), ("扣款上限说明", "cap_note"),
    ("本月应发工资", "payable_wage"), ("离职未扣清", "outstanding"),
)
_MONEY_FIELDS = ("fines", "compensation", "salary_penalties", "cost_recovery", "rewards", "due",
                 "carried_in", "deducted", "carried_out", "cap")
#: A text cell starting with one of these would be run as a formula by Excel.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# ─── The environment and its filters ────────────────────────────────────────────────────────────

def _local(moment: dt.datetime, table: RuleTable) -> dt.datetime:
    return moment.astimezone(table.zone)


def when(moment: dt.datetime, table: RuleTable, *, date_only: bool = False) -> str:
    """A time as the store reads it, in the rule table's time zone: ``2026-11-03 08:42``."""
    return f"{_local(moment, table):%Y-%m-%d}" if date_only else f"{_local(moment, table):%Y-%m-%d %H:%M}"


def role_name(key: str, table: RuleTable, *, english: bool = True, language: str = "both") -> str:
    """``consultant`` → ``"销售顾问 Sales consultant"`` (the key itself when the table lacks it)."""
    for k, zh, en in table.roles:
        if k == key:
            return named(zh, en, language if english or language != "both" else "zh")
    return key


def disposition_name(key: str, table: RuleTable, language: str = "both") -> str:
    """``dismissal_recommended`` → ``"劝退 Dismissal recommended"``."""
    return named(*table.disposition_name(key), language)


def rating_name(rating: str, table: RuleTable, language: str = "both") -> str:
    """A statement's rating (stored in Chinese) with its English name: ``"优秀 Excellent"``."""
    for band in table.bands:
        if band.name_zh == rating:
            return named(band.name_zh, band.name_en, language)
    return rating


def versions_text(versions: Iterable[tuple[int, Any, str]], *, short: bool = False, language: str = "en") -> str:
    """The rule-table versions that priced a statement: ``v2 (from 2026-11-12, 783ac202)`` (``v2`` when short;
    ``v2（2026-11-12起，783ac202）`` in Chinese)."""
    if short:
        return ", ".join(f"v{number}" for number, _, _ in versions)
    if language == "zh":
        return "；".join(f"v{number}（{str(effective) + '起' if effective else '自始'}，{sha}）"
                        for number, effective, sha in versions)
    return "; ".join(f"v{number} ({'from ' + str(effective) if effective else 'from the beginning'}, {sha})"
                     for number, effective, sha in versions)


@jinja2.pass_context
def _say(context: jinja2.runtime.Context, zh: str, en: str) -> str:
    """A template's words in the page's ``lang`` (``wording.LANGUAGES``; both when it has none): in HTML both
    are Chinese with the English in a ``span.en`` beside it."""
    language = context.get("lang", "both")
    if language in ("zh", "en"):
        return zh if language == "zh" else en
    if context.eval_ctx.autoescape:
        return markupsafe.Markup('{} <span class="en">{}</span>').format(zh, en)
    return f"{zh} {en}"


@jinja2.pass_context
def _in_lang(context: jinja2.runtime.Context, value: Any, name: Callable[..., str], *args: Any) -> str:
    return name(value, *args, language=context.get("lang", "both"))


def signed(value: Decimal, *, money: bool = True) -> str:
    """A difference with its sign: ``+30.00``, ``-2``, ``0.00``."""
    text = yuan(value) if money else number(value)
    return f"+{text}" if value > 0 else text


def _text_table(columns: Sequence[Sequence[str]], rows: Iterable[Mapping[str, str]], *,
                right: Sequence[str] = ()) -> str:
    """``texttable.text_table`` over dict rows: ``columns`` are (header, key) pairs."""
    keys = [key for _, key in columns]
    return text_table([header for header, _ in columns], [[row[key] for key in keys] for row in rows],
                      right=[keys.index(key) for key in right])


def _shown(value: Any) -> Any:
    """Every text a template prints, through ``texttable.shown``: a name holding an escape code or a direction
    override (stored before input refused them) shows as its escape on the terminal and the page alike."""
    if isinstance(value, str) and not isinstance(value, markupsafe.Markup):
        return shown(value, keep="\n")
    return value


def _trend_row(month: charts.TrendMonth) -> dict[str, str]:
    """A month of a trend as text cells, ``—`` where it has no figures."""
    def cell(value: Decimal | None, show: Callable[[Decimal], str]) -> str:
        return "—" if value is None else show(value)

    return {"month": month.month, "score": cell(month.score, number), "deducted": cell(month.deducted, yuan),
            "carried": cell(month.carried_out, yuan)}


@functools.cache
def environment() -> jinja2.Environment:
    """The one Jinja environment: templates from ``templates/``, HTML autoescaped, strict about variables."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_path()),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_shown,
    )
    env.filters.update({
        "yuan": yuan, "number": number, "pad": pad, "width": width, "signed": signed,
        "disposition": jinja2.pass_context(lambda c, key, table: _in_lang(c, key, disposition_name, table)),
        "role": jinja2.pass_context(lambda c, key, table, english=True: role_name(
            key, table, english=english, language=c.get("lang", "both"))),
        "rating": jinja2.pass_context(lambda c, key, table: _in_lang(c, key, rating_name, table)),
        "kind": jinja2.pass_context(lambda c, key: _in_lang(c, key, kind_name)),
        "when": when,
        "versions": jinja2.pass_context(lambda c, versions: versions_text(versions, language=c.get("lang", "en"))),
    })
    env.filters["trend_row"] = _trend_row
    env.globals["text_table"] = _text_table
    env.globals["say"] = _say
    return env


def _render(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)


# ─── Scorecard ──────────────────────────────────────────────────────────────────────────────────

def _line_view(line: Line, table: RuleTable, language: str = "zh") -> dict[str, str]:
    return {
        "when": when(line.at, table), "event": f"#{line.event_id}", "code": line.rule,
        "name": line.rule_name, "rule": f"{line.rule} {line.rule_name}", "kind": kind_name(line.kind, language),
        "kind_key": line.kind, "points": number(line.points) if line.points else "",
        "amount": yuan(line.amount) if line.amount else "", "explanation": line.explained(language),
    }


def _dispositions_view(statement: Statement, table: RuleTable, language: str = "both") -> list[dict[str, str]]:
    names = {line.rule: line.rule_name for line in statement.lines}
    return [{"staff_id": statement.staff_id, "name": statement.name,
             "disposition": disposition_name(disposition, table, language),
             "rule": f"{rule} {names.get(rule, '')}".rstrip(), "date": when(at, table, date_only=True),
             "event": f"#{event_id}"}
            for rule, disposition, at, event_id in statement.dispositions]


def score_words(statement: Statement, table: RuleTable, language: str = "both") -> str:
    """``"95 / 100"``; for a role whose policy has no points and who lost none, that the score does not
    apply (a full score nobody could lose says nothing)."""
    if not statement.score_applies:
        return {"zh": "不适用（本岗位按元计罚，不扣分）", "en": "n/a (priced in yuan, no points)"}.get(
            language, "不适用 n/a（本岗位按元计罚，不扣分 priced in yuan, no points）")
    return f"{number(statement.score)} / {number(table.settings.base_score)}"


def rating_words(statement: Statement, table: RuleTable, language: str = "both") -> str:
    """``"优秀 Excellent"``; capped by a pending disposition, why (``"不合格（待决定的劝退 #7 封顶）"``); where the
    score does not apply and nothing capped it, that the rating does not either."""
    if statement.rating_capped_by is not None:
        disposition, event_id = statement.rating_capped_by
        zh, en = table.disposition_name(disposition)
        english = f"capped by the pending {en.lower()}, event {event_id}"
        why = {"zh": f"（待决定的{zh} #{event_id} 封顶）", "en": f" ({english})"}.get(
            language, f"（待决定的{zh} #{event_id} 封顶 {english}）")
        return rating_name(statement.rating, table, language) + why
    if not statement.score_applies:
        return named("不适用", "n/a", language)
    return rating_name(statement.rating, table, language)


def _scorecard_context(statement: Statement, table: RuleTable, language: str,
                       trend: Sequence[charts.TrendMonth] = ()) -> dict[str, Any]:
    in_order = sorted(statement.lines, key=lambda line: (line.at, line.event_id))
    return {"s": statement, "table": table, "lines": [_line_view(line, table, language) for line in in_order],
            "trend": list(trend), "panels": charts.trend_panels(trend, table.settings.base_score) if trend else (),
            "dispositions": _dispositions_view(statement, table, language),
            "cap_reason": explain_cap(statement, language), "lang": language,
            "cap_warning": statement.cap_not_computed.in_(language) if statement.cap_not_computed else "",
            "base_score": table.settings.base_score, "score_text": score_words(statement, table, language),
            "rating_text": rating_words(statement, table, language)}


def scorecard_text(statement: Statement, table: RuleTable, language: str | None = None,
                   trend: Sequence[charts.TrendMonth] = ()) -> str:
    """One person's month for the terminal: the written notice of each deduction, columns aligned; each line
    explained in ``language`` (the table's ``language`` setting when None); the last months (``trends.recent``)
    as a table when given."""
    return _render("scorecard.txt", **_scorecard_context(statement, table, language or table.settings.language,
                                                         trend))


def scorecard_html(statement: Statement, table: RuleTable, language: str | None = None,
                   trend: Sequence[charts.TrendMonth] = ()) -> str:
    """One person's month as a page to print or read on a phone, explained in ``language``; the last months
    drawn and tabled when given."""
    return _render("scorecard.html", **_scorecard_context(statement, table, language or table.settings.language,
                                                          trend))


def scorecard_json(statement: Statement, trend: Sequence[charts.TrendMonth], language: str) -> dict[str, Any]:
    """A statement's JSON (the contract's, ``payroll.to_json``), each line explained in ``language``, with its
    last months under ``trend`` (``null`` where a month has no figures)."""
    data = to_json(statement)
    data["lines"] = [line_json_in(line, language) for line in data["lines"]]
    data["trend"] = [{"month": m.month, "score": None if m.score is None else number(m.score),
                      "deducted": None if m.deducted is None else yuan(m.deducted),
                      "carried_out": None if m.carried_out is None else yuan(m.carried_out)} for m in trend]
    return data


def scorecard_json_text(statement: Statement, trend: Sequence[charts.TrendMonth], language: str) -> str:
    """``scorecard_json`` as the text written: indented, nothing in it a terminal would act on."""
    return shown_json(json.dumps(scorecard_json(statement, trend, language), ensure_ascii=False, indent=2)) + "\n"


def store_index_html(month: str, store: str, rows: Sequence[Mapping[str, Any]], table: RuleTable,
                     language: str) -> str:
    """A store's scorecards of the month, one row per person linked to their page (``scorecard_files``)."""
    return _render("scorecards_index.html", month=month, store=store, people=rows, stores=(), table=table,
                   lang=language)


def stores_index_html(month: str, stores: Sequence[Mapping[str, Any]], table: RuleTable, language: str) -> str:
    """The stores whose scorecards were written, each linked to its index page."""
    return _render("scorecards_index.html", month=month, store="", people=(), stores=stores, table=table,
                   lang=language)


# ─── Payroll ────────────────────────────────────────────────────────────────────────────────────

def _guard(text: str) -> str:
    """A text cell Excel would run as a formula gets a leading apostrophe; a control character or a
    direction override in it is written as its escape (``texttable.shown``)."""
    text = shown(text)
    return "'" + text if text.startswith(_FORMULA_START) else text


def dispositions_cell(statement: Statement, table: RuleTable) -> str:
    return "; ".join(f"{table.disposition_name(disposition)[0]} {disposition} "
                     f"({rule} {when(at, table, date_only=True)})"
                     for rule, disposition, at, _ in statement.dispositions)


def payroll_csv(statements: Sequence[Statement], table: RuleTable, head: str = "") -> bytes:
    """The payroll export: UTF-8 with a BOM, one bilingual header row, one row per person. ``head`` is the
    chains' head when the file was made (``Store.chain_head``), on every row, so that a paper copy of a
    closed month contradicts a log rewritten since."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"{zh} {en}" for zh, en in CSV_COLUMNS])
    for s in statements:
        text = {"staff_id": s.staff_id, "name": s.name, "store": s.store,
                "role": role_name(s.role, table, english=False), "rating": s.rating,
                "dispositions": dispositions_cell(s, table), "rule_versions": versions_text(s.rule_versions,
                                                                                               short=True),
                "chain_head": head, "cap_note": s.cap_not_computed.zh if s.cap_not_computed else "",
                "payable_wage": yuan(s.payable_wage) if s.payable_wage is not None else yuan(s.wage),
                "outstanding": yuan(s.outstanding)}
        row = {key: _guard(value) for key, value in text.items()}
        row |= {"points_lost": number(s.points_lost), "score": number(s.score)}
        row |= {key: yuan(getattr(s, key)) for key in _MONEY_FIELDS}
        writer.writerow([row[key] for _, key in CSV_COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def _totals(statements: Sequence[Statement]) -> dict[str, Decimal]:
    fields = ("points_lost", *_MONEY_FIELDS)
    return {field: sum((getattr(s, field) for s in statements), ZERO) for field in fields}


def payroll_html(month: str, statements: Sequence[Statement], table: RuleTable, head: str = "",
                 language: str = "both") -> str:
    """Everyone's month, store by store: figures, totals, decisions awaited and a chart of violations, in
    ``language`` (both, Chinese with the English beside it, unless asked)."""
    by_store: dict[str, list[Statement]] = {}
    for statement in statements:
        by_store.setdefault(statement.store, []).append(statement)
    stores = [{"name": name, "statements": people, "totals": _totals(people),
               "chart": charts.bar_chart(charts.yuan_by_rule(people, table)),
               "offenders": _offenders_view(charts.repeat_offenders(people), table),
               "dispositions": [d for s in people for d in _dispositions_view(s, table, language)],
               "breaches": [{"staff_id": s.staff_id, "name": s.name, "event": f"#{line.event_id}",
                             "date": when(line.at, table, date_only=True), "why": line.explained(language)}
                            for s in people for line in s.lines if line.kind == "breach"]}
              for name, people in sorted(by_store.items())]
    versions = sorted({version for s in statements for version in s.rule_versions})
    uncapped = [{"s": s, "note": s.cap_not_computed.in_(language)} for s in statements if s.cap_not_computed]
    return _render("payroll.html", month=month, stores=stores, table=table, totals=_totals(statements),
                   count=len(statements), versions=versions, head=head, lang=language, uncapped=uncapped,
                   store_chart=charts.bar_chart(charts.deducted_by_store(statements)),
                   rule_chart=charts.bar_chart(charts.yuan_by_rule(statements, table)),
                   offenders=_offenders_view(charts.repeat_offenders(statements), table))


def _offenders_view(offenders: Sequence[charts.Offender], table: RuleTable) -> list[dict[str, str]]:
    """Repeat offenders as rows: who, how many violations, of which rules, and what is due."""
    out = []
    for o in offenders:
        names = {line.rule: line.rule_name for line in o.statement.lines}
        counts = charts.violations(o.statement)
        out.append({"staff_id": o.statement.staff_id, "name": o.statement.name, "store": o.statement.store,
                    "events": str(o.events), "due": yuan(o.statement.due),
                    "rules": "；".join(f"{names.get(code, code)}×{len(counts[code])}" for code in o.rules)})
    return out


#: The terminal's payroll table: (heading key, what a statement shows there); money columns align right.
_TEXT_COLUMNS = ("id", "name", "role", "points", "score", "due", "carried_in", "deducted", "carried_out", "cap")
_TEXT_RIGHT = ("points", "score", "due", "carried_in", "deducted", "carried_out", "cap")


def _text_row(s: Statement, table: RuleTable, language: str) -> dict[str, str]:
    return {"id": s.staff_id, "name": s.name, "role": role_name(s.role, table, english=language == "en",
                                                                language=language),
            "points": number(s.points_lost), "score": number(s.score) if s.score_applies else "—",
            "due": yuan(s.due), "carried_in": yuan(s.carried_in), "deducted": yuan(s.deducted),
            "carried_out": yuan(s.carried_out), "cap": yuan(s.cap) + ("*" if s.cap_not_computed else "")}


def _total_row(statements: Sequence[Statement], label: str) -> dict[str, str]:
    sums = _totals(statements)
    return {"id": label, "name": "", "role": "", "points": number(sums["points_lost"]), "score": "",
            **{key: yuan(sums[key]) for key in ("due", "carried_in", "deducted", "carried_out")}, "cap": ""}


def payroll_text(month: str, statements: Sequence[Statement], table: RuleTable, language: str = "both") -> str:
    """Everyone's month for the terminal: a table per store with its total, then the chain's total; the
    columns a clerk checks (the CSV has every one)."""
    total_label = named("合计", "Total", language)
    by_store: dict[str, list[Statement]] = {}
    for statement in statements:
        by_store.setdefault(statement.store, []).append(statement)
    stores = [{"name": name, "count": len(people),
               "rows": [_text_row(s, table, language) for s in people] + [_total_row(people, total_label)]}
              for name, people in sorted(by_store.items())]
    columns = list(zip(headings(*_TEXT_COLUMNS, language=language), _TEXT_COLUMNS, strict=True))
    return _render("payroll.txt", month=month, stores=stores, columns=columns, right=_TEXT_RIGHT,
                   total=_total_row(statements, total_label), count=len(statements), lang=language,
                   uncapped=[s.staff_id for s in statements if s.cap_not_computed])


# ─── A store's month ────────────────────────────────────────────────────────────────────────────

def _store_month_context(month: StoreMonth, language: str) -> dict[str, Any]:
    """What both forms of ``report store`` show, as text cells (``store_report.StoreMonth``)."""
    table = month.table
    dispositions = [d for s in month.statements for d in _dispositions_view(s, table, language)]
    days = [f"{day:%m-%d}" for day in month.no_clock_days]
    return {"m": month, "table": table, "lang": language, "people": month.statements,
            "totals": _totals(month.statements), "dispositions": dispositions,
            "offenders": _offenders_view(month.offenders, table),
            "rules": [{"code": r.code, "name": r.name_zh, "events": str(r.events), "people": str(r.people),
                       "points": number(r.points), "yuan": yuan(r.yuan)} for r in month.by_rule],
            "chart": charts.bar_chart([(r.code, f"{r.code} {r.name_zh}", r.yuan) for r in month.by_rule if r.yuan]),
            "days": days, "rows": [_text_row(s, table, language) for s in month.statements]
            + [_total_row(month.statements, named("合计", "Total", language))],
            "columns": list(zip(headings(*_TEXT_COLUMNS, language=language), _TEXT_COLUMNS, strict=True)),
            "right": _TEXT_RIGHT}


def store_month_text(month: StoreMonth, language: str) -> str:
    """``report store`` for the terminal."""
    return _render("store_report.txt", **_store_month_context(month, language))


def store_month_html(month: StoreMonth, language: str) -> str:
    """``report store`` as a page: the tables, a chart of yuan by rule, printable on A4."""
    return _render("store_report.html", **_store_month_context(month, language))


# ─── What-if comparison ─────────────────────────────────────────────────────────────────────────

_COMPARED = (("due", True), ("deducted", True), ("points_lost", False))


def _figures(statement: Statement | None) -> dict[str, Decimal]:
    return {field: getattr(statement, field) if statement else ZERO for field, _ in _COMPARED}


def _compare_row(person: Statement | None, now: Mapping[str, Decimal],
                 new: Mapping[str, Decimal]) -> dict[str, str]:
    if person is None:
        row = {"staff_id": "", "name": "合计 Total", "store": "", "role": ""}
    else:
        row = {"staff_id": person.staff_id, "name": person.name, "store": person.store, "role": person.role}
    for field, money in _COMPARED:
        show = yuan if money else number
        row[f"{field}_now"] = show(now[field])
        row[f"{field}_new"] = show(new[field])
        row[f"{field}_diff"] = signed((fen if money else Decimal)(new[field] - now[field]), money=money)
    return row


def _comparison(current: Sequence[Statement], proposed: Sequence[Statement]) -> dict[str, Any]:
    """Rows for the people whose figures change, in store and id order, and totals over everyone."""
    before = {s.staff_id: s for s in current}
    after = {s.staff_id: s for s in proposed}
    rows = []
    people = {**after, **before}
    for staff_id, person in sorted(people.items(), key=lambda item: (item[1].store, item[0])):
        now, new = _figures(before.get(staff_id)), _figures(after.get(staff_id))
        if now != new:
            rows.append(_compare_row(person, now, new))
    sums = [{field: sum((f[field] for f in figures), ZERO) for field, _ in _COMPARED}
            for figures in ([_figures(s) for s in current], [_figures(s) for s in proposed])]
    total = _compare_row(None, sums[0], sums[1])
    return {"rows": rows, "total": total, "people": len(people)}


def comparison_text(month: str, current: Sequence[Statement], proposed: Sequence[Statement]) -> str:
    """What the proposed rule table would change this month, person by person, for the terminal."""
    return _render("comparison.txt", month=month, **_comparison(current, proposed))


def comparison_html(month: str, current: Sequence[Statement], proposed: Sequence[Statement],
                    table: RuleTable) -> str:
    """What the proposed rule table would change this month, as a page."""
    return _render("comparison.html", month=month, table=table, **_comparison(current, proposed))
