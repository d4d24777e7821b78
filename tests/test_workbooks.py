"""The payroll workbook (``workbooks.py``), read back with openpyxl: names, types, formats, totals, widths."""

from __future__ import annotations

import io
import re
import xml.dom.minidom
import zipfile
from decimal import Decimal

import attrs
import openpyxl
import pytest
from conftest import at, staff

from discipline.model import Line, RuleTable, Statement
from discipline.payroll import build_statement
from discipline.workbooks import (
    MAX_SHEET_NAME,
    SUMMARY_NAME,
    Column,
    Link,
    Sheet,
    payroll_xlsx,
    safe_sheet_name,
    workbook,
)

MONTH = "2026-11"
#: Column letters of the store sheets and the summary (``workbooks.STORE_COLUMNS``, ``SUMMARY_COLUMNS``).
ID, NAME, POINTS, SCORE, FINES, DUE, DEDUCTED, CARRIED_OUT, CAP, PAYABLE = "ABDEGLNOPS"
SUMMARY_STORE, SUMMARY_STAFF, SUMMARY_DUE, SUMMARY_DEDUCTED, SUMMARY_CARRIED, SUMMARY_PENDING = "ABCDEG"


def charged(table: RuleTable, person_id: str, *, name: str, store: str = "浦东展厅", role: str = "consultant",
            amount: str = "0", points: str = "0", base: str = "6000", disposition: str | None = None) -> Statement:
    """A month of one person with one charge (none when amount and points are 0)."""
    rule = "showroom.misconduct" if role == "consultant" else "attendance.late"
    lines = [] if amount == "0" and points == "0" else [
        Line(event_id=1, at=at("2026-11-05 14:00"), rule=rule, rule_name=table.rule(rule).name_zh, kind="fine",
             points=Decimal(points), amount=Decimal(amount), disposition=disposition, explanation="x")]
    return build_statement(staff(person_id, role, name=name, store=store, base=base), MONTH, lines, Decimal(0), table)


def chain(table: RuleTable) -> list[Statement]:
    """张三's 1500 fine capped at 1200 of a 6000 wage (300 carried), with a dismissal pending; colleagues."""
    return [
        charged(table, "007", name="张三", amount="1500", disposition="dismissal_recommended"),
        charged(table, "g02", name="=1+1", amount="20"),
        charged(table, "s01", name="Li Si", store="静安门店", role="guide", amount="50", points="2.5", base="4000"),
        charged(table, "s02", name="王五", store="静安门店", role="guide", amount="30.50", base="4000"),
    ]


def opened(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def rows_of(ws) -> list[tuple]:
    """The data rows of a sheet with a title: below the header (row 2), above the totals row."""
    return [row for row in ws.iter_rows(min_row=3, values_only=True) if row[0] != "合计 Total"]


def total_of(ws, letter: str) -> Decimal:
    """The totals row's formula for a column, worked out: the sum of the cells it names."""
    formula = ws[f"{letter}{ws.max_row}"].value
    match = re.fullmatch(rf"=SUM\({letter}(\d+):{letter}(\d+)\)", formula)
    assert match, formula
    first, last = int(match[1]), int(match[2])
    assert (first, last) == (3, ws.max_row - 1)  # every data row, not the header, not the totals
    return sum((Decimal(str(ws[f"{letter}{r}"].value)) for r in range(first, last + 1)), Decimal(0))


@pytest.fixture
def book(table) -> openpyxl.Workbook:
    return opened(payroll_xlsx(MONTH, chain(table), table, head="abc123"))


def test_summary_first_then_a_sheet_per_store(book):
    """The summary comes first, then one sheet per store by name, each titled with the month and chain head."""
    assert book.sheetnames == [SUMMARY_NAME, "浦东展厅", "静安门店"]
    assert book.active.title == SUMMARY_NAME
    assert book[SUMMARY_NAME]["A1"].value == "工资扣款表 Payroll 2026-11 · 链头 chain head abc123"
    assert book["静安门店"]["A1"].value == "工资扣款表 Payroll 2026-11 · 链头 chain head abc123 · 静安门店"
    assert book["静安门店"]["A1"].font.b


def test_capped_fine_as_numbers_in_fen(book):
    """A 1500 fine capped at 1200 of a 6000 wage: 1200.00 deducted and 300.00 carried, as numbers shown 0.00."""
    ws = book["浦东展厅"]
    assert ws[f"{ID}3"].value == "007"
    expected = {FINES: 1500, DUE: 1500, DEDUCTED: 1200, CARRIED_OUT: 300, CAP: 1200, PAYABLE: 6000}
    for letter, value in expected.items():
        cell = ws[f"{letter}3"]
        assert (cell.value, cell.data_type, cell.number_format) == (value, "n", "0.00"), letter
    assert ws["Q3"].value == "劝退 dismissal_recommended (showroom.misconduct 2026-11-05)"
    assert ws[f"{SCORE}3"].value is None  # a consultant's score does not apply
    guide = book["静安门店"]
    assert (guide[f"{POINTS}3"].value, guide[f"{SCORE}3"].value) == (2.5, 97.5)
    assert guide[f"{FINES}4"].value == 30.5
    assert guide["C3"].value == "导购"  # the role in Chinese


def test_text_stays_text(book):
    """An id keeps its leading zeros and a name like a formula is text, not a formula."""
    ws = book["浦东展厅"]
    assert (ws["A3"].value, ws["A3"].data_type) == ("007", "s")
    assert (ws["B4"].value, ws["B4"].data_type) == ("=1+1", "s")


def test_header_frozen_bold_and_filtered(book):
    """Each sheet's bilingual header is bold and frozen, its filter covers the header and the data only."""
    ws = book["浦东展厅"]
    assert ws["A2"].value == "工号\nStaff id"
    assert ws["N2"].value == "本月实扣\nDeducted"
    assert ws["A2"].font.b and ws["A2"].alignment.wrap_text
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == "A2:T4"
    assert ws.max_row == 5 and ws["A5"].value == "合计 Total" and ws["A5"].font.b
    summary = book[SUMMARY_NAME]
    assert summary.freeze_panes == "A3"
    assert summary.auto_filter.ref == "A2:G4"


def test_store_totals_are_the_statements_totals(table, book):
    """Each store's SUM formulas add up its rows to the statements' totals; a column not totalled has none."""
    statements = chain(table)
    for store in ("浦东展厅", "静安门店"):
        ws = book[store]
        people = [s for s in statements if s.store == store]
        for letter, field in ((FINES, "fines"), (DUE, "due"), (DEDUCTED, "deducted"), (CARRIED_OUT, "carried_out")):
            assert total_of(ws, letter) == sum(getattr(s, field) for s in people), (store, field)
            assert ws[f"{letter}{ws.max_row}"].number_format == "0.00"
        assert ws[f"{CAP}{ws.max_row}"].value is None
    assert total_of(book["浦东展厅"], DEDUCTED) == Decimal("1220.00")


def test_summary_rows_and_totals(table, book):
    """The summary has a row per store and totals equal to the whole chain's."""
    statements = chain(table)
    ws = book[SUMMARY_NAME]
    assert rows_of(ws) == [("浦东展厅", 2, 1520, 1220, 300, 0, 1), ("静安门店", 2, 80.5, 80.5, 0, 0, 0)]
    assert total_of(ws, SUMMARY_DEDUCTED) == sum(s.deducted for s in statements) == Decimal("1300.50")
    assert total_of(ws, SUMMARY_DUE) == sum(s.due for s in statements)
    assert total_of(ws, SUMMARY_CARRIED) == Decimal("300.00")
    assert total_of(ws, SUMMARY_STAFF) == 4
    assert total_of(ws, SUMMARY_PENDING) == 1
    assert ws[f"{SUMMARY_STAFF}3"].number_format == "0"
    assert ws[f"{SUMMARY_DEDUCTED}3"].number_format == "0.00"


def test_summary_links_to_store_sheets(book):
    """A store's name in the summary opens its sheet."""
    ws = book[SUMMARY_NAME]
    assert ws["A3"].hyperlink.location == "'浦东展厅'!A1"
    assert ws["A4"].hyperlink.location == "'静安门店'!A1"


def test_store_names_become_valid_distinct_sheet_names(table):
    """Forbidden characters, a 40-character name and two alike in their first 31 make valid, distinct names."""
    long = "上海市浦东新区陆家嘴环路一号汽车展厅旗舰店第一分店第二销售部门A组"  # 40 characters
    twin = "x" * 35
    stores = ["a/b:c*?[x]", long, twin + "1", twin + "2", "'quoted'", "history"]
    statements = [charged(table, f"p{i}", name="n", store=store) for i, store in enumerate(stores)]
    book = opened(payroll_xlsx(MONTH, statements, table))
    names = book.sheetnames
    assert names[0] == SUMMARY_NAME
    assert len(names) == len(stores) + 1
    assert len({name.casefold() for name in names}) == len(names)
    for name in names:
        assert 0 < len(name) <= MAX_SHEET_NAME and not set(name) & set("[]:*?/\\"), name
        assert name[0] != "'" and name[-1] != "'"
    assert "a_b_c___x_" in names
    assert long[:31] in names
    assert "x" * 31 in names and "x" * 27 + " (2)" in names
    assert "quoted" in names and "history (2)" in names
    for ws in book.worksheets[1:]:  # the full store name is in the title, the link leads to the sheet
        assert ws["A1"].value.rsplit(" · ", 1)[1] in stores
    links = {row[0].value: row[0].hyperlink.location for row in book[SUMMARY_NAME].iter_rows(min_row=3)
             if row[0].hyperlink}
    assert links["a/b:c*?[x]"] == "'a_b_c___x_'!A1"


def test_safe_sheet_name_rules():
    """Excel's sheet-name rules: length, characters, apostrophes, History, case-insensitive uniqueness."""
    taken: set[str] = set()
    assert safe_sheet_name("Store", taken) == "Store"
    assert safe_sheet_name("STORE", taken) == "STORE (2)"
    assert safe_sheet_name("store", taken) == "store (3)"
    assert safe_sheet_name("", taken) == "Sheet"
    assert safe_sheet_name("''", taken) == "Sheet (2)"
    assert safe_sheet_name("History", taken) == "History (2)"
    assert safe_sheet_name("it's", taken) == "it's"
    assert safe_sheet_name("a\x1bb\u202e\ud800", taken) == "a_b__"
    assert safe_sheet_name("浦东\u3000展厅", taken) == "浦东\u3000展厅"  # an ideographic space is allowed
    assert safe_sheet_name("😀" * 20, taken) == "😀" * 15  # two UTF-16 units each, as Excel counts
    assert taken >= {"store", "store (2)", "store (3)", "sheet", "sheet (2)", "history (2)"}
    again: set[str] = set()
    made = [safe_sheet_name(name, again) for name in ("a", "A", "b")]
    assert [safe_sheet_name(name, set()) for name in made] == made  # a safe name is kept as it is


def test_chinese_names_make_a_wider_column(table):
    """The name column is fitted with a Chinese character counted twice as wide as a letter."""
    wide = [charged(table, "c1", name="张" * 12, store="A")]
    narrow = [charged(table, "c1", name="Z" * 12, store="A")]
    chinese = opened(payroll_xlsx(MONTH, wide, table))["A"].column_dimensions[NAME].width
    ascii_ = opened(payroll_xlsx(MONTH, narrow, table))["A"].column_dimensions[NAME].width
    assert chinese == 26 and ascii_ == 14


def test_control_character_in_a_name(table):
    """A name holding an escape code is written as its escape, not refused by the XML."""
    statements = [charged(table, "c1", name="张\x1b[2J三", store="浦东\x00展厅")]
    book = opened(payroll_xlsx(MONTH, statements, table))
    assert book.sheetnames == [SUMMARY_NAME, "浦东_展厅"]
    assert book["浦东_展厅"]["B3"].value == "张\\x1b[2J三"
    assert book[SUMMARY_NAME]["A3"].value == "浦东\\x00展厅"


def test_no_statements(table):
    """No statements: a valid workbook with the summary alone, its totals 0."""
    book = opened(payroll_xlsx(MONTH, [], table))
    assert book.sheetnames == [SUMMARY_NAME]
    ws = book[SUMMARY_NAME]
    assert [c.value for c in ws[3]] == ["合计 Total", 0, 0, 0, 0, 0, 0]
    assert ws.auto_filter.ref == "A2:G2"


def test_same_input_same_bytes(table):
    """Two workbooks of the same statements are the same bytes (fixed dates in the document and the zip)."""
    statements = chain(table)
    assert payroll_xlsx(MONTH, statements, table, "h") == payroll_xlsx(MONTH, statements, table, "h")


def test_parts_are_well_formed_xml(table):
    """Every part of the file parses as XML, and the workbook asks to be recalculated on opening."""
    statements = [*chain(table), attrs.evolve(chain(table)[0], name="<b>&\"'", store="A&B <c>")]
    with zipfile.ZipFile(io.BytesIO(payroll_xlsx(MONTH, statements, table))) as archive:
        for name in archive.namelist():
            xml.dom.minidom.parseString(archive.read(name))
        assert 'fullCalcOnLoad="1"' in archive.read("xl/workbook.xml").decode()
        assert {info.date_time for info in archive.infolist()} == {(2000, 1, 1, 0, 0, 0)}
    book = opened(payroll_xlsx(MONTH, statements, table))
    assert "A&B <c>" in book.sheetnames
    assert book["A&B <c>"]["B3"].value == "<b>&\"'"


COLUMNS = (Column("项目", "Item", "text"), Column("次数", "Times", "count", total=True),
           Column("扣分", "Points", "number"), Column("金额", "Amount", "money", total=True))


def test_generic_sheet_from_a_generator():
    """Rows may be a generator; no title puts the header on row 1; text that looks like data stays text."""
    rows = ((text, 1, Decimal("0.5"), Decimal("1.10")) for text in ("-5", "+1", "@x", "#N/A", " padded ", "_x0041_"))
    book = opened(workbook([Sheet("Items", COLUMNS, rows)]))
    ws = book["Items"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:D7"
    assert [ws[f"A{r}"].value for r in range(2, 8)] == ["-5", "+1", "@x", "#N/A", " padded ",
                                                        "_x005F_x0041_"]  # Excel shows _x0041_, not "A"
    assert {ws[f"A{r}"].data_type for r in range(2, 8)} == {"s"}
    assert ws["D8"].value == "=SUM(D2:D7)" and ws["B8"].value == "=SUM(B2:B7)" and ws["C8"].value is None
    assert (ws["C2"].value, ws["C2"].number_format) == (0.5, "General")


def test_generic_sheet_without_rows_or_totals():
    """A sheet of no rows has totals of 0; one without a totalled column has no totals row."""
    book = opened(workbook([Sheet("Empty", COLUMNS, []), Sheet("Plain", (Column("名", "Name", "text"),), [["x"]])]))
    assert [c.value for c in book["Empty"][2]] == ["合计 Total", 0, None, 0]
    assert book["Plain"].max_row == 2


def test_empty_workbook_has_a_sheet():
    """A workbook of no sheets still has the one Excel wants."""
    assert opened(workbook([])).sheetnames == ["Sheet"]


def test_refused_values():
    """A row of the wrong length, text or NaN in a number column, a link to no sheet: refused."""
    for row, error in (((1, 2), ValueError), (("a", "1", None, None), TypeError),
                       (("a", None, None, Decimal("NaN")), ValueError), ((Link("a", "Nowhere"), 1, 1, 1), ValueError)):
        with pytest.raises(error):
            workbook([Sheet("S", COLUMNS, [row])])
    with pytest.raises(ValueError):
        workbook([Sheet("S", (Column("a", "A", "money", total=True),), [])])
    with pytest.raises(ValueError):
        Column("a", "A", "percent")
