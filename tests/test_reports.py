"""Reports: the payroll CSV, the HTML pages, the text scorecard and the what-if comparison."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import jinja2
import pytest
from conftest import at, staff

from discipline.model import Line, RuleTable, Staff, Statement
from discipline.payroll import build_statement, explain_cap
from discipline.reports import (
    comparison_html,
    comparison_text,
    environment,
    payroll_csv,
    payroll_html,
    scorecard_html,
    scorecard_text,
)
from discipline.texttable import width

MARKUP = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
HEADER_EN = ["staff_id", "name", "store", "role", "points_lost", "score", "rating", "fines", "compensation",
             "salary_penalties", "cost_recovery", "rewards", "due", "carried_in", "deducted", "carried_out",
             "cap", "dispositions", "rule_versions", "chain_head", "cap_note", "payable_wage", "outstanding"]


def line(table: RuleTable, event_id: int, when: str, rule: str, kind: str, *, amount: str = "0",
         points: str = "0", disposition: str | None = None, explanation: str = "") -> Line:
    """A statement line for ``rule`` of the shipped table."""
    return Line(event_id=event_id, at=at(when), rule=rule, rule_name=table.rule(rule).name_zh, kind=kind,
                points=Decimal(points), amount=Decimal(amount), disposition=disposition,
                explanation=explanation)


def month(table: RuleTable, person: Staff, *lines: Line, carried_in: str = "0") -> Statement:
    """November 2026 for ``person``."""
    return build_statement(person, "2026-11", list(lines), Decimal(carried_in), table)


def capped(table: RuleTable, name: str = "张三") -> Statement:
    """A 1500 fine on a 6000 Shanghai wage: the cap is 1200, 300 carries over."""
    person = staff("g01", "consultant", name=name, store="浦东展厅", base="6000")
    return month(table, person, line(table, 1, "2026-11-05 14:00", "showroom.misconduct", "fine",
                                     amount="1500", explanation="1500 yuan"))


def late_twice(table: RuleTable, person: Staff) -> Statement:
    """Two late arrivals (20 then 40) and the third one's dismissal recommendation."""
    return month(
        table, person,
        line(table, 1, "2026-11-03 08:42", "showroom.late", "fine", amount="20",
             explanation="1st lateness in 2026-11 → 20 yuan"),
        line(table, 2, "2026-11-10 08:50", "showroom.late", "fine", amount="40",
             explanation="2nd lateness in 2026-11 → 40 yuan"),
        line(table, 3, "2026-11-17 08:35", "showroom.late", "disposition", disposition="dismissal_recommended",
             explanation="3rd lateness in 2026-11 → dismissal recommended"),
    )


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# ─── Payroll CSV ────────────────────────────────────────────────────────────────────────────────

def test_csv_starts_with_bom_and_uses_crlf(table):
    """Excel needs the UTF-8 BOM to read the Chinese; rows end with CRLF as csv writes them."""
    data = payroll_csv([capped(table)], table)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == 2
    assert "张三".encode() in data


def test_csv_header_is_chinese_and_english(table):
    """One header row; every column is labelled in Chinese, then its English field name."""
    header = read_csv(payroll_csv([], table))[0]
    assert header[0] == "工号 staff_id"
    assert [cell.split(" ")[1] for cell in header] == HEADER_EN
    assert all(re.fullmatch(r"[\u4e00-\u9fff]+ [a-z_]+", cell) for cell in header)


def test_csv_capped_fine_exact_cells(table):
    """A 1500 fine on base 6000 in Shanghai: due 1500.00, cap 1200.00, deducted 1200.00, 300.00 carried."""
    rows = read_csv(payroll_csv([capped(table)], table))
    assert rows[1:] == [["g01", "张三", "浦东展厅", "销售顾问", "0", "100", "优秀", "1500.00", "0.00", "0.00",
                         "0.00", "0.00", "1500.00", "0.00", "1200.00", "300.00", "1200.00", "", "", "", "",
                         "6000.00", "0.00"]]


def test_csv_dispositions_cell(table):
    """A dismissal recommendation is listed with its Chinese name, key, rule and date."""
    rows = read_csv(payroll_csv([late_twice(table, staff("g01", "consultant"))], table))
    assert rows[1][HEADER_EN.index("dispositions")] == "劝退 dismissal_recommended (showroom.late 2026-11-17)"
    assert rows[1][HEADER_EN.index("fines")] == "60.00"
    assert rows[1][HEADER_EN.index("cap")] == "800.00"


def test_csv_guards_formula_injection_but_not_numbers(table):
    """Text cells starting with = + - @ get an apostrophe; a negative amount stays a number."""
    person = staff("-x1", "guide", name="=1+2", store="@SUM(A1)")
    rows = read_csv(payroll_csv([month(table, person, carried_in="-40")], table))
    assert rows[1] == ["'-x1", "'=1+2", "'@SUM(A1)", "导购", "0", "100", "优秀", "0.00", "0.00", "0.00", "0.00",
                       "0.00", "0.00", "-40.00", "-40.00", "0.00", "800.00", "", "", "", "", "4000.00", "0.00"]
    plus = staff("g02", "guide", name="+86 138", store="S1")
    assert read_csv(payroll_csv([month(table, plus)], table))[1][1] == "'+86 138"


# ─── HTML ───────────────────────────────────────────────────────────────────────────────────────

def test_html_escapes_markup_everywhere(table):
    """A name or explanation with markup shows as text in the scorecard, payroll and comparison pages."""
    person = staff("g01", "consultant", name=MARKUP)
    statement = month(table, person, line(table, 1, "2026-11-03 08:42", "showroom.late", "fine", amount="20",
                                          explanation="<img src=x onerror=alert(2)>"))
    pages = [scorecard_html(statement, table, "both"), payroll_html("2026-11", [statement], table),
             comparison_html("2026-11", [statement], [], table)]
    for page in pages:
        assert ESCAPED in page
        assert "<script" not in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in pages[0]
    assert "<img" not in pages[0]


def test_text_is_not_html_escaped(table):
    """The terminal scorecard shows a name exactly as it was written."""
    assert MARKUP in scorecard_text(month(table, staff("g01", "guide", name=MARKUP)), table, "both")


def test_html_is_self_contained_printable_and_responsive(table):
    """No external assets or scripts; a viewport meta, print styles and a scrolling table wrapper."""
    for page in (scorecard_html(capped(table), table, "both"), payroll_html("2026-11", [capped(table)], table)):
        assert re.search(r"<(link|script|img|iframe)\b", page) is None
        assert "url(" not in page
        assert set(re.findall(r"https?://[^\s\"']+", page)) <= {"http://www.w3.org/2000/svg"}
        assert '<meta name="viewport"' in page
        assert "@media print" in page
        assert 'class="wrap"' in page


def test_scorecard_html_is_the_written_notice(table):
    """The HTML scorecard carries the notice title, the figures, the cap's reason and every explanation."""
    statement = capped(table)
    page = scorecard_html(statement, table, "both")
    assert "考核与扣款通知" in page and "Notice of deductions" in page
    assert "销售顾问 Sales consultant" in page
    for figure in ("1500.00", "1200.00", "300.00"):
        assert figure in page
    assert "capped at 1200.00 yuan" in explain_cap(statement)
    assert explain_cap(statement) in page
    assert "1500 yuan" in page


def test_payroll_html_store_table_totals_and_dispositions(table):
    """Each store has its table with a totals row; dispositions awaiting a decision are listed apart."""
    lead = staff("m01", "sales_manager", name="李四", store="浦东展厅", base="9000")
    statements = [capped(table), late_twice(table, staff("g02", "consultant", name="王五", store="浦东展厅")),
                  month(table, lead), month(table, staff("s01", "guide", name="赵六", store="静安门店"))]
    page = payroll_html("2026-11", statements, table)
    assert page.count("<section>") == 2
    pudong = page[page.index("浦东展厅"):page.index("静安门店")]
    total_row = pudong[pudong.index('class="total"'):]
    assert "1560.00" in total_row      # fines 1500 + 60
    assert "1260.00" in total_row      # deducted 1200 + 60
    assert "300.00" in total_row       # carried out
    assert "劝退 Dismissal recommended" in pudong
    assert "showroom.late 迟到" in pudong
    assert "2026-11-17" in pudong


def test_payroll_charts_are_in_yuan_and_add_up_to_the_table(table):
    """The charts are yuan, not event counts: per rule what is due before the cap (a supervisor's doubled line
    counts at its price, a reversal against its rule, a note not at all), per store what was deducted; they
    add up to the statements' totals. Repeat offenders count distinct events: g01's lateness twice (the
    reversal and the note are not violations), m01's lapse and toolkit."""
    g01 = month(table, staff("g01", "consultant"),
                line(table, 1, "2026-11-03 08:42", "showroom.late", "fine", amount="20"),
                line(table, 2, "2026-11-10 08:50", "showroom.late", "fine", amount="40"),
                line(table, 9, "2026-11-12 10:00", "showroom.desk", "fine", amount="-20",
                     explanation="reversal of event 9 of 2026-10-20 after payroll"),
                line(table, 10, "2026-11-13 10:00", "showroom.desk", "note", explanation="withdrawn: warning"))
    m01 = month(table, staff("m01", "sales_manager"),
                line(table, 2, "2026-11-10 08:50", "showroom.late", "fine", amount="80",
                     explanation="supervision lapse: 2 × 40.00 yuan for g01's lateness"),
                line(table, 4, "2026-11-18 10:00", "showroom.toolkit", "fine", amount="20"))
    page = payroll_html("2026-11", [g01, m01], table)
    charts = re.findall(r'<svg [^>]*data-total="([^"]+)">(.*?)</svg>', page, re.S)
    bars = [(total, re.findall(r'data-key="([^"]*)" data-value="([^"]+)"', svg)) for total, svg in charts]
    by_rule = ("140.00", [("showroom.late", "140.00"), ("showroom.toolkit", "20.00"), ("showroom.desk", "-20.00")])
    assert (g01.due, m01.due, g01.deducted, m01.deducted) == (Decimal("40.00"), Decimal("100.00"),
                                                              Decimal("40.00"), Decimal("100.00"))
    assert bars == [("140.00", [("S1", "140.00")]), by_rule, by_rule]  # by store, by rule; the store's by rule
    assert "showroom.toolkit 工具包缺项" in page
    offenders = re.findall(r'<td class="code">(\w+)</td><td class="name">[^<]*</td>(?:<td class="name">[^<]*</td>)?'
                           r'\s*<td class="num">(\d+)</td>', page)
    assert offenders[:2] == [("m01", "2"), ("g01", "2")]  # as many events: the one with more due first


def test_strict_undefined_raises(table):
    """A variable a template needs but is not given raises instead of rendering as a blank."""
    env = environment()
    assert env is environment()
    with pytest.raises(jinja2.UndefinedError):
        env.get_template("scorecard.html").render()
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing | yuan }}").render()


# ─── Text scorecard ─────────────────────────────────────────────────────────────────────────────

def test_scorecard_text_aligned_with_chinese(table):
    """Columns line up in terminal columns even with Chinese names; each line carries its explanation."""
    person = staff("g01", "consultant", name="张三", base="6000")
    statement = month(
        table, person,
        line(table, 4, "2026-11-18 10:00", "showroom.toolkit", "fine", amount="40",
             explanation="2 items (订单, 名片) × 20 yuan = 40.00 yuan"),
        line(table, 1, "2026-11-03 08:42", "showroom.late", "fine", amount="20",
             explanation="1st lateness in 2026-11 → 20 yuan"),
        line(table, 2, "2026-11-10 08:50", "showroom.late", "fine", amount="40",
             explanation="2nd lateness in 2026-11 → 40 yuan"),
    )
    text = scorecard_text(statement, table, "both")
    rows = text.splitlines()
    assert "姓名 Name         张三" in rows
    assert "岗位 Role         销售顾问 Sales consultant" in rows
    explanations = ["1st lateness in 2026-11 → 20 yuan", "2nd lateness in 2026-11 → 40 yuan",
                    "2 items (订单, 名片) × 20 yuan = 40.00 yuan"]
    header = next(row for row in rows if row.startswith("时间 When"))
    column = width(header[:header.index("说明 Why")])
    found = [row for row in rows for e in explanations if row.endswith(e)]
    assert [row[:16] for row in found] == ["2026-11-03 08:42", "2026-11-10 08:50", "2026-11-18 10:00"]
    for row, explanation in zip(found, explanations, strict=True):
        assert width(row[:row.index(explanation)]) == column
    assert "showroom.toolkit 工具包缺项" in found[2]


def test_scorecard_text_sums_cap_and_dispositions(table):
    """The amounts block is right-aligned, the cap is explained and dispositions are named in both languages."""
    text = scorecard_text(capped(table), table, "both")
    block = text[text.index("项目 Item"):text.index("奖励 Rewards")].splitlines()[2:]
    assert len({width(row) for row in block}) == 1
    assert any(row.startswith("本月实扣 Deducted") and row.endswith(" 1200.00") for row in block)
    assert any(row.startswith("结转下月 Carried out") and row.endswith(" 300.00") for row in block)
    assert explain_cap(capped(table)) in text
    notice = scorecard_text(late_twice(table, staff("g01", "consultant")), table, "both")
    assert "劝退 Dismissal recommended  showroom.late 迟到  2026-11-17  #3" in notice


# ─── Comparison ─────────────────────────────────────────────────────────────────────────────────

def comparison_case(table: RuleTable) -> tuple[list[Statement], list[Statement]]:
    """Lateness 20/40 → 30/60 for g01, g02 unchanged, g03's points 3 → 5, g04 only charged under the proposal."""
    g01, g02 = staff("g01", "consultant", name="张三"), staff("g02", "consultant", name="李四")
    g03, g04 = staff("g03", "guide", name="王五"), staff("g04", "guide", name="赵六")
    late = "showroom.late"
    current = [
        month(table, g01, line(table, 1, "2026-11-03 08:42", late, "fine", amount="20"),
              line(table, 2, "2026-11-10 08:50", late, "fine", amount="40")),
        month(table, g02, line(table, 3, "2026-11-05 14:00", "showroom.misconduct", "fine", amount="50")),
        month(table, g03, line(table, 4, "2026-11-06 09:10", "attendance.late", "points", points="3")),
    ]
    proposed = [
        month(table, g01, line(table, 1, "2026-11-03 08:42", late, "fine", amount="30"),
              line(table, 2, "2026-11-10 08:50", late, "fine", amount="60")),
        month(table, g02, line(table, 3, "2026-11-05 14:00", "showroom.misconduct", "fine", amount="50")),
        month(table, g03, line(table, 4, "2026-11-06 09:10", "attendance.late", "points", points="5")),
        month(table, g04, line(table, 5, "2026-11-07 10:00", "showroom.desk", "fine", amount="20")),
    ]
    return current, proposed


def test_comparison_text_only_changed_people_with_differences(table):
    """g01 (+30.00), g03 (+2 points) and g04 (new, +20.00) are listed, g02 is not; totals cover everyone."""
    current, proposed = comparison_case(table)
    text = comparison_text("2026-11", current, proposed)
    cells = {row.split()[0]: re.split(r" {2,}", row.strip()) for row in text.splitlines()
             if re.match(r"(g0\d|\s+合计)", row)}
    assert cells == {
        "g01": ["g01", "张三", "S1", "60.00", "90.00", "+30.00", "60.00", "90.00", "+30.00", "0", "0", "0"],
        "g03": ["g03", "王五", "S1", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "3", "5", "+2"],
        "g04": ["g04", "赵六", "S1", "0.00", "20.00", "+20.00", "0.00", "20.00", "+20.00", "0", "0", "0"],
        "合计": ["合计 Total", "110.00", "160.00", "+50.00", "110.00", "160.00", "+50.00", "3", "5", "+2"],
    }
    assert "3 of 4 staff change" in text


def test_comparison_text_nothing_changes(table):
    """The same statements on both sides: no rows, one sentence."""
    current, _ = comparison_case(table)
    text = comparison_text("2026-11", current, current)
    assert "No one's figures change (3 staff)." in text
    assert "g01" not in text


def test_comparison_html_only_changed_people(table):
    """The HTML comparison lists the same people and differences, and leaves g02 out."""
    current, proposed = comparison_case(table)
    page = comparison_html("2026-11", current, proposed, table)
    assert "g01" in page and "g03" in page and "g04" in page
    assert "g02" not in page
    for figure in ("+30.00", "+20.00", "+50.00", "+2"):
        assert figure in page
