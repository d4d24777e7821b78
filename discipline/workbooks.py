"""Excel workbooks (``.xlsx``): the payroll as a summary sheet and one sheet per store.

A workbook is a list of `Sheet`\\ s, each a bilingual header over rows of values and a totals row of
``SUM`` formulas::

    >>> columns = (Column("工号", "Staff id", "text"), Column("本月实扣", "Deducted", "money", total=True))
    >>> data = workbook([Sheet("浦东展厅", columns, [("007", Decimal("1200.00"))])])
    >>> data[:2]
    b'PK'

Every sheet has its header row frozen, bold and under an autofilter, and columns as wide as their widest
cell with a Chinese character counted as two (`texttable.width`). Text is always stored as text (an inline
string): ``"007"`` keeps its zeros and ``"=1+1"`` is not run; characters XML cannot hold (``\\x1b``) are
written as their escapes (`texttable.shown`). Money is a number formatted ``0.00``, a count ``0``, points
``General``. The totals row holds formulas without values, so the workbook asks to be recalculated when
opened (``fullCalcOnLoad``). A `Link` is a text cell that opens another sheet of the workbook.

The parts of the file are written here, as SpreadsheetML text streamed into the zip, not through
openpyxl's write-only mode: openpyxl costs nearly 4 ms a sheet (a temporary file each, a title check
against every sheet before it) and 18 µs a cell, so a chain of 2,000 stores (30,000 people) took 32 s
against a limit of 15 s, the same with lxml; this takes about 4 s (``bench/xlsx.py``). The tests read
every workbook back with openpyxl. The same sheets always give the same bytes: the document's dates are
fixed and so is every zip member's. Memory: one sheet's rows at a time (its column widths are written
before its rows), and the compressed file.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import IO

import attrs

from . import reports
from .model import RuleTable, Statement
from .texttable import shown, width
from .typed import unsafe

KINDS = ("text", "money", "number", "count")
#: Excel's limits: a sheet's name, a cell's text, a sheet's rows and columns.
MAX_SHEET_NAME = 31
MAX_CELL_CHARS = 32_767
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
#: Column widths, in Excel's units (about one digit each), padding included.
MIN_WIDTH = 6
MAX_WIDTH = 60
_PADDING = 2
#: The time written in the document's properties and on every zip member: the same sheets, the same bytes.
FIXED_TIME = (2000, 1, 1, 0, 0, 0)
#: Characters Excel refuses in a sheet's name.
_NAME_FORBIDDEN = frozenset("[]:*?/\\")
#: A name Excel keeps for itself (compared without case).
_RESERVED_NAMES = frozenset({"history"})
#: Characters `shown` keeps that XML 1.0 cannot hold: lone surrogates and the non-characters U+FFFE, U+FFFF.
_XML_UNSAFE = re.compile("[\ud800-\udfff\ufffe\uffff]")
#: Excel reads ``_x0041_`` in a text as the character it encodes ("A"); its own escape for the ``_`` keeps it.
_EXCEL_ESCAPE = re.compile("_(?=x[0-9A-Fa-f]{4}_)")


@attrs.frozen
class Column:
    """One column: its header in both languages, what it holds, and whether the totals row sums it."""

    zh: str
    en: str
    kind: str = attrs.field(validator=attrs.validators.in_(KINDS))
    """``text``, ``money`` (``0.00``), ``number`` (points, possibly fractional: ``General``) or ``count``
    (``0``)."""
    total: bool = False


@attrs.frozen
class Sheet:
    """One sheet: ``rows`` of values (``str`` or `Link` for text, ``Decimal``, ``int`` or ``float`` for numbers,
    None for an empty cell), one per column; a generator is read once. ``name`` is the name wanted; the
    writer makes it one Excel takes (`safe_sheet_name`). A ``title`` is a line above the header, which then
    is row 2."""

    name: str
    columns: tuple[Column, ...]
    rows: Iterable[Sequence[object]]
    title: str = ""
    totals_label: str = "合计 Total"
    """In the first column of the totals row, which is there only when some column has ``total``."""


@attrs.frozen
class Link:
    """A text cell that opens the sheet whose name, as given to `workbook`, is ``sheet`` (at its cell A1)."""

    text: str
    sheet: str


# ─── Names ──────────────────────────────────────────────────────────────────────────────────────

def _units(text: str) -> int:
    """Length as Excel counts it: in UTF-16 code units (an emoji is two)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _cut(text: str, units: int) -> str:
    while _units(text) > units:
        text = text[:-1]
    return text


def _tidy(name: str) -> str:
    """No space or apostrophe at either end (Excel refuses the apostrophe, and trims spaces)."""
    return name.strip().strip("'").strip()


def safe_sheet_name(name: str, taken: set[str]) -> str:
    """``name`` as a sheet name Excel takes and not among ``taken`` (casefolded names, to which it is added).

    Excel's rules: at most 31 characters (UTF-16 units); none of ``[]:*?/\\`` (each becomes ``_``, as does a
    control or format character); not empty (``Sheet``); not starting or ending with an apostrophe (it is
    dropped); not ``History``; no two alike regardless of case: the later one gets `` (2)``, `` (3)``…,
    the name cut to leave room for it. A name that is already safe and not taken is kept as it is."""
    cleaned = "".join("_" if ch in _NAME_FORBIDDEN or unsafe(ch) or _XML_UNSAFE.match(ch) else ch for ch in name)
    cleaned = _tidy(_cut(_tidy(cleaned), MAX_SHEET_NAME)) or "Sheet"
    candidate, number = cleaned, 1
    while candidate.casefold() in taken or candidate.casefold() in _RESERVED_NAMES:
        number += 1
        suffix = f" ({number})"
        candidate = _tidy(_cut(cleaned, MAX_SHEET_NAME - len(suffix))) + suffix
    taken.add(candidate.casefold())
    return candidate


def _reference(name: str) -> str:
    """A sheet's name as a formula or a link names it: ``'浦东展厅'``, an apostrophe doubled."""
    return "'" + name.replace("'", "''") + "'"


# ─── Values ─────────────────────────────────────────────────────────────────────────────────────

def _text(value: object) -> str:
    """A text cell's content: printable (`shown`), XML-safe, within Excel's limit of a cell."""
    text = value if type(value) is str else str(value)
    if not text.isprintable():  # the usual case is printable, checked in C
        text = _XML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", shown(text))
    if len(text) > MAX_CELL_CHARS:
        text = text[:MAX_CELL_CHARS - 1] + "…"
    return text


def _escape(text: str) -> str:
    """Text as XML character data (and not as Excel's ``_xHHHH_`` escapes)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _EXCEL_ESCAPE.sub("_x005F_", text) if "_x" in text else text


def _attribute(text: str) -> str:
    return _escape(text).replace('"', "&quot;")


def _inline(text: str, style: int = 0) -> str:
    """The rest of a text cell after its reference: ``' t="inlineStr"><is><t>007</t></is></c>'``."""
    s = f' s="{style}"' if style else ""
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() or "\n" in text else ""
    return f'{s} t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>'


def _number(value: object, column: Column) -> Decimal | int | float:
    if type(value) is not Decimal and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise TypeError(f"column {column.en!r} ({column.kind}) holds numbers, not {type(value).__name__}: {value!r}")
    if not math.isfinite(value):  # type: ignore[arg-type]
        raise ValueError(f"column {column.en!r}: {value!r} is not a number Excel can hold")
    return value  # type: ignore[return-value]


def _number_text(value: Decimal | int | float) -> str:
    """As the file holds it: the exact decimal (``1200.00``), which Excel reads to its nearest double."""
    if isinstance(value, Decimal):
        return format(value, "f")
    return repr(value) if isinstance(value, float) else str(int(value))


def _width(text: str) -> int:
    return len(text) if text.isascii() else width(text)


def _shown_width(value: Decimal | int | float, kind: str) -> int:
    """Columns a number takes on screen, formatted as its column shows it."""
    if kind == "money":
        if type(value) is Decimal and value.as_tuple().exponent == -2:  # fen, the usual case
            return len(format(value, "f"))
        return len(f"{value:.2f}")
    if kind == "count":
        return len(f"{value:.0f}")
    return len(f"{float(value):.10g}")


# ─── The file's parts ───────────────────────────────────────────────────────────────────────────

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_TYPE = "application/vnd.openxmlformats-officedocument."

#: Cell styles (``cellXfs`` indices in ``_STYLES``).
PLAIN, MONEY, COUNT, TITLE, HEADER, BOLD, BOLD_MONEY, BOLD_COUNT, LINK = range(9)
#: Each kind's style in the rows and in the totals row.
_STYLE = {"text": (PLAIN, BOLD), "money": (MONEY, BOLD_MONEY), "number": (PLAIN, BOLD), "count": (COUNT, BOLD_COUNT)}
_FONT = '<sz val="{size}"/>{color}<name val="Calibri"/><family val="2"/>'
_STYLES = (
    _XML + f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="4">'
    f'<font>{_FONT.format(size=11, color="")}</font>'
    f'<font><b/>{_FONT.format(size=11, color="")}</font>'
    f'<font><b/>{_FONT.format(size=12, color="")}</font>'
    '<font><u/>' + _FONT.format(size=11, color='<color rgb="FF0563C1"/>') + '</font>'
    '</fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '</fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="9">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'  # PLAIN
    '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'  # MONEY: 0.00
    '<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'  # COUNT: 0
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'  # TITLE
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'  # HEADER
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'  # BOLD
    '<xf numFmtId="2" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyNumberFormat="1"/>'
    '<xf numFmtId="1" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="3" fillId="0" borderId="0" xfId="0" applyFont="1"/>'  # LINK
    '</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>'
)
_ROOT_RELS = (
    _XML + f'<Relationships xmlns="{_PACKAGE_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{_PACKAGE_REL}/metadata/core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
    '</Relationships>'
)
_W3CDTF = "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z".format(*FIXED_TIME)
_CORE = (
    _XML + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>discipline</dc:creator>'
    f'<dcterms:created xsi:type="dcterms:W3CDTF">{_W3CDTF}</dcterms:created>'
    f'<dcterms:modified xsi:type="dcterms:W3CDTF">{_W3CDTF}</dcterms:modified></cp:coreProperties>'
)
_APP = (_XML + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        '<Application>discipline</Application></Properties>')


def _content_types(sheets: int) -> str:
    def override(part: str, kind: str) -> str:
        return f'<Override PartName="/{part}" ContentType="{kind}"/>'

    return (_XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + override("xl/workbook.xml", f"{_TYPE}spreadsheetml.sheet.main+xml")
            + override("xl/styles.xml", f"{_TYPE}spreadsheetml.styles+xml")
            + "".join(override(f"xl/worksheets/sheet{n}.xml", f"{_TYPE}spreadsheetml.worksheet+xml")
                      for n in range(1, sheets + 1))
            + override("docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml")
            + override("docProps/app.xml", f"{_TYPE}extended-properties+xml") + "</Types>")


def _workbook_rels(sheets: int) -> str:
    parts = "".join(f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                    for n in range(1, sheets + 1))
    return (_XML + f'<Relationships xmlns="{_PACKAGE_REL}">{parts}'
            f'<Relationship Id="rId{sheets + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>')


def _workbook_xml(names: Sequence[str], filters: Sequence[str | None]) -> str:
    sheets = "".join(f'<sheet name="{_attribute(name)}" sheetId="{n}" r:id="rId{n}"/>'
                     for n, name in enumerate(names, 1))
    # Excel's own name for each sheet's filtered range.
    defined = "".join(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" hidden="1">'
                      f'{_escape(_reference(name))}!{ref}</definedName>'
                      for index, (name, ref) in enumerate(zip(names, filters, strict=True)) if ref)
    return (_XML + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><workbookPr/>'
            '<bookViews><workbookView activeTab="0"/></bookViews>'
            f'<sheets>{sheets}</sheets>' + (f"<definedNames>{defined}</definedNames>" if defined else "")
            + '<calcPr calcId="191029" fullCalcOnLoad="1"/></workbook>')


def column_letter(number: int) -> str:
    """``1`` → ``A``, ``27`` → ``AA``."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class _Zip(zipfile.ZipFile):
    """A deflated zip whose every member is dated `FIXED_TIME`, so the same workbook gives the same bytes."""

    def member(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        return info

    def text(self, name: str, text: str) -> None:
        self.writestr(self.member(name), text.encode("utf-8"))


# ─── Writing ────────────────────────────────────────────────────────────────────────────────────

def workbook(sheets: Iterable[Sheet]) -> bytes:
    """The ``.xlsx`` file's bytes: the sheets in order, the first one shown on opening (a workbook of none has
    one empty sheet, as Excel wants one)."""
    sheets = list(sheets)  # the sheets, not their rows: those are read one sheet at a time
    taken: set[str] = set()
    names = [safe_sheet_name(sheet.name, taken) for sheet in sheets]
    target: dict[str, str] = {}
    for sheet, name in zip(sheets, names, strict=True):
        target.setdefault(sheet.name, name)
    out = io.BytesIO()
    with _Zip(out, "w") as archive:
        archive.text("[Content_Types].xml", _content_types(max(1, len(sheets))))
        archive.text("_rels/.rels", _ROOT_RELS)
        archive.text("docProps/core.xml", _CORE)
        archive.text("docProps/app.xml", _APP)
        archive.text("xl/styles.xml", _STYLES)
        archive.text("xl/_rels/workbook.xml.rels", _workbook_rels(max(1, len(sheets))))
        filters = []
        for index, sheet in enumerate(sheets):
            with archive.open(archive.member(f"xl/worksheets/sheet{index + 1}.xml"), "w") as part:
                filters.append(_write_sheet(part, sheet, first=index == 0, link=target.__getitem__))
        if not sheets:
            names, filters = ["Sheet"], [None]
            archive.text("xl/worksheets/sheet1.xml", _XML + f'<worksheet xmlns="{_MAIN}"><sheetData/></worksheet>')
        archive.text("xl/workbook.xml", _workbook_xml(names, filters))
    return out.getvalue()


def _write_sheet(part: IO[bytes], sheet: Sheet, *, first: bool, link: Callable[[str], str]) -> str | None:
    """Write one sheet's XML; the range its filter covers, for the workbook's ``_FilterDatabase``."""
    columns = tuple(sheet.columns)
    if not columns or len(columns) > MAX_COLUMNS:
        raise ValueError(f"sheet {sheet.name!r} has {len(columns)} columns (1 to {MAX_COLUMNS})")
    if columns[0].total:
        raise ValueError(f"sheet {sheet.name!r}: the first column holds the totals label and cannot be summed")
    totals = any(column.total for column in columns)
    letters = [column_letter(i) for i in range(1, len(columns) + 1)]
    header = 2 if sheet.title else 1

    # Each cell as the XML after its reference, read once to fit the widths before anything is written.
    widths = [max(width(_text(column.zh)), width(_text(column.en))) for column in columns]
    sums = [0.0] * len(columns)
    rows: list[list[str | None]] = []
    links: list[tuple[str, str, str]] = []  # (cell, sheet, text)
    for values in sheet.rows:
        if len(values) != len(columns):
            raise ValueError(f"sheet {sheet.name!r}: a row of {len(values)} values for {len(columns)} columns")
        row: list[str | None] = []
        for i, (value, column) in enumerate(zip(values, columns, strict=True)):
            if value is None:
                row.append(None)
            elif column.kind == "text":
                if isinstance(value, Link):
                    text = _text(value.text)
                    try:
                        links.append((f"{letters[i]}{header + len(rows) + 1}", link(value.sheet), text))
                    except KeyError:
                        raise ValueError(f"sheet {sheet.name!r}: a link to {value.sheet!r}, which is no sheet of "
                                         "this workbook") from None
                    row.append(_inline(text, LINK))
                else:
                    text = _text(value)
                    row.append(_inline(text))
                widths[i] = max(widths[i], _width(text))
            else:
                number = _number(value, column)
                row.append(f' s="{_STYLE[column.kind][0]}"><v>{_number_text(number)}</v></c>'
                           if column.kind != "number" else f"><v>{_number_text(number)}</v></c>")
                widths[i] = max(widths[i], _shown_width(number, column.kind))
                sums[i] += float(number)
        rows.append(row)
        if header + len(rows) + totals > MAX_ROWS:
            raise ValueError(f"sheet {sheet.name!r} has more rows than Excel's {MAX_ROWS:,}")
    label = _text(sheet.totals_label)
    for i, column in enumerate(columns):
        if column.total:
            widths[i] = max(widths[i], _shown_width(sums[i], column.kind))
    if totals:
        widths[0] = max(widths[0], width(label))

    top, last = header + 1, header + len(rows)
    end = max(last, header)
    filtered = f"A{header}:{letters[-1]}{end}"
    selected = ' tabSelected="1"' if first else ""
    cols = "".join(f'<col min="{i}" max="{i}" width="{min(MAX_WIDTH, max(MIN_WIDTH, wide + _PADDING))}" '
                   'customWidth="1"/>' for i, wide in enumerate(widths, 1))
    out = [_XML, f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">',
           f'<dimension ref="A1:{letters[-1]}{last + totals}"/>',
           f'<sheetViews><sheetView workbookViewId="0"{selected}><pane ySplit="{header}" topLeftCell="A{top}" '
           f'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A{top}" sqref="A{top}"/>'
           f'</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>']
    if sheet.title:
        out.append(f'<row r="1"><c r="A1"{_inline(_text(sheet.title), TITLE)}</row>')
    out.append(f'<row r="{header}" ht="30" customHeight="1">')  # two lines: Chinese over English
    for letter, column in zip(letters, columns, strict=True):
        out.append(f'<c r="{letter}{header}"' + _inline(_text(column.zh) + "\n" + _text(column.en), HEADER))
    out.append("</row>")

    for number, row in enumerate(rows, top):
        r = str(number)
        out.append(f'<row r="{r}">')
        out.extend(f'<c r="{letter}{r}"{cell}' for letter, cell in zip(letters, row, strict=True) if cell is not None)
        out.append("</row>")
        if len(out) > 2000:
            part.write("".join(out).encode("utf-8"))
            out.clear()
    del rows

    if totals:
        r = str(last + 1)
        out.append(f'<row r="{r}"><c r="A{r}"{_inline(label, BOLD)}')
        for letter, column in zip(letters[1:], columns[1:], strict=True):
            if column.total:
                style = _STYLE[column.kind][1]
                value = f"<f>SUM({letter}{top}:{letter}{last})</f>" if last >= top else "<v>0</v>"
                out.append(f'<c r="{letter}{r}" s="{style}">{value}</c>')
        out.append("</row>")
    out.append(f'</sheetData><autoFilter ref="{filtered}"/>')
    if links:
        out.append("<hyperlinks>")
        out.extend(f'<hyperlink ref="{cell}" location="{_attribute(_reference(name))}!A1" '
                   f'display="{_attribute(text)}"/>' for cell, name, text in links)
        out.append("</hyperlinks>")
    out.append('<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>')
    # No green triangle on every id for a "number stored as text".
    out.append(f'<ignoredErrors><ignoredError sqref="A{top}:{letters[-1]}{max(end, top)}" numberStoredAsText="1"/>'
               "</ignoredErrors></worksheet>")
    part.write("".join(out).encode("utf-8"))
    absolute = f"$A${header}:${letters[-1]}${end}"
    return absolute


# ─── The payroll ────────────────────────────────────────────────────────────────────────────────

SUMMARY_NAME = "汇总 Summary"
#: A store's sheet: one row per person, in the order given.
STORE_COLUMNS = (
    Column("工号", "Staff id", "text"),
    Column("姓名", "Name", "text"),
    Column("岗位", "Role", "text"),
    Column("扣分", "Points lost", "number"),
    Column("考核分", "Score", "number"),
    Column("评级", "Rating", "text"),
    Column("罚款", "Fines", "money", total=True),
    Column("赔偿", "Compensation", "money", total=True),
    Column("工资处罚", "Salary penalties", "money", total=True),
    Column("成本回收", "Cost recovery", "money", total=True),
    Column("奖励", "Rewards", "money", total=True),
    Column("应扣", "Due", "money", total=True),
    Column("上月结转", "Carried in", "money", total=True),
    Column("本月实扣", "Deducted", "money", total=True),
    Column("结转下月", "Carried out", "money", total=True),
    Column("扣款上限", "Cap", "money"),
    Column("待决定处理", "Dispositions pending", "text"),
    Column("扣款上限说明", "Cap note", "text"),
    Column("本月应发工资", "Payable wage", "money"),
    Column("离职未扣清", "Outstanding", "money", total=True),
)
#: The summary: one row per store, its name a link to its sheet.
SUMMARY_COLUMNS = (
    Column("门店", "Store", "text"),
    Column("人数", "Staff", "count", total=True),
    Column("应扣", "Due", "money", total=True),
    Column("本月实扣", "Deducted", "money", total=True),
    Column("结转下月", "Carried out", "money", total=True),
    Column("奖励", "Rewards", "money", total=True),
    Column("待决定处理", "Dispositions pending", "count", total=True),
)


def store_row(s: Statement, table: RuleTable) -> tuple[object, ...]:
    return (s.staff_id, s.name, reports.role_name(s.role, table, english=False), s.points_lost,
            s.score if s.score_applies else None, s.rating, s.fines, s.compensation, s.salary_penalties,
            s.cost_recovery, s.rewards, s.due, s.carried_in, s.deducted, s.carried_out, s.cap,
            reports.dispositions_cell(s, table) or None, s.cap_not_computed.zh if s.cap_not_computed else None,
            s.payable_wage if s.payable_wage is not None else s.wage, s.outstanding)


def payroll_xlsx(month: str, statements: Sequence[Statement], table: RuleTable, head: str = "") -> bytes:
    """The payroll as a workbook: the summary sheet ``汇总 Summary`` (a row per store, by store name, each a
    link to its sheet), then a sheet per store in the same order (a row per person, in the order given).
    ``head`` is the chains' head when the file was made, in each sheet's title line; a store's title also
    names the store in full, which its sheet's name may not (Excel's names are short)."""
    title = f"工资扣款表 Payroll {month}" + (f" · 链头 chain head {head}" if head else "")
    by_store: dict[str, list[Statement]] = {}
    for s in statements:
        by_store.setdefault(s.store, []).append(s)
    stores = sorted(by_store)
    taken: set[str] = set()
    summary = safe_sheet_name(SUMMARY_NAME, taken)
    names = {store: safe_sheet_name(store, taken) for store in stores}  # as workbook() will name them

    def summary_rows() -> Iterable[tuple[object, ...]]:
        zero = Decimal(0)
        for store in stores:
            people = by_store[store]
            yield (Link(store, names[store]), len(people), sum((s.due for s in people), zero),
                   sum((s.deducted for s in people), zero), sum((s.carried_out for s in people), zero),
                   sum((s.rewards for s in people), zero), sum(len(s.dispositions) for s in people))

    def sheets() -> Iterable[Sheet]:
        yield Sheet(summary, SUMMARY_COLUMNS, summary_rows(), title=title)
        for store in stores:
            yield Sheet(names[store], STORE_COLUMNS, (store_row(s, table) for s in by_store[store]),
                        title=f"{title} · {store}")

    return workbook(sheets())
