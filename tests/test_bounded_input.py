"""Hostile and very large input files are read in bounded memory, or refused in one sentence (issue 12, item 5).

The hostile files are built here, with zipfile directly where openpyxl would refuse to write them.
Memory is measured in a separate process (peak RSS above what the imports took), capped with
RLIMIT_AS so that a reader which is not bounded fails the test rather than the machine.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Iterable
from pathlib import Path

import pytest
from conftest import refused, run

from discipline import punchfiles, textfile, xlsxfile
from discipline.punchfiles import PunchFileError, parse_dingtalk_rows, parse_zkteco, read_punch_file
from discipline.textfile import check_size, decode, read_capped, read_csv

ROOT = Path(__file__).resolve().parents[1]
T = dt.datetime.fromisoformat
linux_only = pytest.mark.skipif(sys.platform != "linux", reason="measures memory with /proc and RLIMIT_AS")

# ---------------------------------------------------------------------------------------------------
# Building workbooks by hand

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        f'2006/relationships"><Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>'),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
        '<sheet name="原始记录" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        f'2006/relationships"><Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'),
}
_SHEET_START = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}"><sheetData>'
_SHEET_END = "</sheetData></worksheet>"
HEADER_ROW = ('<row r="1"><c r="A1" t="inlineStr"><is><t>工号</t></is></c>'
              '<c r="B1" t="inlineStr"><is><t>打卡时间</t></is></c></row>')


def cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def punch_row(number: int, staff: str, time: str) -> str:
    return f'<row r="{number}">{cell(f"A{number}", staff)}{cell(f"B{number}", time)}</row>'


def workbook(path: Path, rows: Iterable[str], *, shared: Iterable[bytes] = (), stored: bool = False,
             sheet_start: str = _SHEET_START) -> Path:
    """An .xlsx whose one sheet, 原始记录, holds ``rows`` (XML, written as they come) and whose shared
    strings part holds ``shared`` (raw bytes, written as they come)."""
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(sheet_start.encode())
            for row in rows:
                part.write(row.encode())
            part.write(_SHEET_END.encode())
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<sst xmlns="{_MAIN}">'.encode())
            for chunk in shared:
                part.write(chunk)
            part.write(b"</sst>")
    return path


def refusal(path: Path) -> str:
    """The sentence `read_punch_file` refuses ``path`` with."""
    with pytest.raises(PunchFileError) as caught:
        read_punch_file(path)
    return str(caught.value)


def peak_above_imports(code: str, *, limit_mb: int = 1500) -> tuple[str, float]:
    """Run ``code`` (which sets ``result``) in a fresh Python whose address space is capped at ``limit_mb``;
    (its ``result``, MB of peak RSS above the RSS once the readers were imported)."""
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec, so a child of pytest would start at pytest's peak.
    script = textwrap.dedent("""
        import resource
        from pathlib import Path
        from discipline.punchfiles import PunchFileError, read_punch_file
        def status(field):
            with open("/proc/self/status") as lines:
                return next(int(line.split()[1]) for line in lines if line.startswith(field + ":")) / 1024
        base = status("VmRSS")
        resource.setrlimit(resource.RLIMIT_AS, (CAP_MB * 2**20, CAP_MB * 2**20))
        """).replace("CAP_MB", str(limit_mb)) + textwrap.dedent(code) + textwrap.dedent("""
        print(result)
        print(status("VmHWM") - base)
        """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    result, peak = done.stdout.strip().splitlines()[-2:]
    return result, float(peak)


# ---------------------------------------------------------------------------------------------------
# Workbooks: memory


@linux_only
@pytest.mark.slow_reliability
def test_rows_with_a_cell_in_column_xfd_cost_no_memory(tmp_path):
    """200,000 rows each with a cell in XFD (and a dimension claiming A1:XFD1048576): read in under 40 MB."""
    def rows() -> Iterable[str]:
        yield HEADER_ROW + punch_row(2, "1001", "2026-05-01 08:23")
        for start in range(3, 200_003, 10_000):
            yield "".join(f'<row r="{n}"><c r="XFD{n}"><v>1</v></c></row>' for n in range(start, start + 10_000))
        yield punch_row(200_003, "1002", "2026-05-01 17:30")

    path = workbook(tmp_path / "xfd.xlsx", rows(),
                    sheet_start=_SHEET_START.replace("<sheetData>", '<dimension ref="A1:XFD1048576"/><sheetData>'))
    result, peak = peak_above_imports(f"""
        found = read_punch_file(Path({str(path)!r}))
        result = [(p.staff_id, str(p.at), p.where) for p in found.punches], len(found.problems)
    """)
    assert result == str(([("1001", "2026-05-01 08:23:00", "原始记录 row 2"),
                           ("1002", "2026-05-01 17:30:00", "原始记录 row 200003")], 0))
    assert peak < 40, f"{peak:.0f} MB"


def test_shared_strings_over_their_cap_are_refused_before_a_byte_is_inflated(tmp_path):
    """A shared-strings part of 65 MB (one string, compressed to 64 KB) is refused from the zip directory."""
    block = b"A" * 2**20
    path = workbook(tmp_path / "sst.xlsx", [HEADER_ROW],
                    shared=[b"<si><t>", *[block] * 65, b"</t></si>"])
    assert refusal(path) == ("The shared strings would inflate to 65 MB, and at most 64 MB is read; export a "
                             "shorter period.")


def test_a_part_that_inflates_a_thousandfold_is_a_zip_bomb(tmp_path):
    """A sheet of 20 MB of one repeated row (deflated about 1,000 times) is refused as a zip bomb."""
    path = workbook(tmp_path / "bomb.xlsx", [HEADER_ROW, "<row/>" * (20 * 2**20 // 6)])
    assert refusal(path).startswith("The sheet 原始记录 would inflate ")
    assert refusal(path).endswith(" times, which no real workbook does (at most 200): it is a zip bomb.")


def test_a_zip_of_too_many_parts_is_refused_before_zipfile_lists_them(tmp_path, monkeypatch):
    """The central directory's size is read from its end record; over the cap, zipfile never builds the list."""
    monkeypatch.setattr(xlsxfile, "MAX_DIRECTORY_BYTES", 2048)
    path = tmp_path / "parts.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for number in range(100):
            archive.writestr(f"part{number}", b"")
    assert refusal(path) == "The zip directory is over 2 KB, far more parts than a workbook has."


# ---------------------------------------------------------------------------------------------------
# Workbooks: caps on what one row, cell or tag may be (parts stored, so the zip-bomb check passes)


def test_a_cell_longer_than_excel_allows_is_refused(tmp_path):
    """An inline cell of 32,768 characters is refused; one of 32,767 is read."""
    ok = workbook(tmp_path / "ok.xlsx", [HEADER_ROW, punch_row(2, "1" * 32_767, "2026-05-01 08:23")], stored=True)
    assert [p.message for p in read_punch_file(ok).problems] == [
        "The staff number '1111111111111111111111111111111111111111…' is 32,767 characters long; one has at most 32."]
    bad = workbook(tmp_path / "bad.xlsx", [HEADER_ROW, punch_row(2, "1" * 32_768, "2026-05-01 08:23")], stored=True)
    assert refusal(bad) == ("Cell A2 of the sheet 原始记录 holds more than 32,767 characters, more than Excel allows "
                            "in a cell.")


def test_a_shared_string_longer_than_excel_allows_is_refused(tmp_path):
    """The cell cap holds for shared strings too, while they are read."""
    path = workbook(tmp_path / "sst.xlsx", [HEADER_ROW], shared=[b"<si><t>", b"B" * 40_000, b"</t></si>"], stored=True)
    assert refusal(path) == ("Shared string 1 of the workbook holds more than 32,767 characters, more than Excel "
                             "allows in a cell.")


def test_a_row_of_more_cells_than_excel_has_columns_is_refused(tmp_path):
    """20,000 cells in one row (all claiming to be A2) are refused, not collected."""
    path = workbook(tmp_path / "wide.xlsx", [HEADER_ROW, '<row r="2">' + '<c r="A2"><v>1</v></c>' * 20_000 + "</row>"],
                    stored=True)
    assert refusal(path) == "Row 2 of the sheet 原始记录 has more than 16,384 cells, more than Excel allows."


def test_cells_right_of_column_400_are_skipped_and_past_xfd_refused(tmp_path):
    """A cell in column 401 is not read; a cell in XFE is not Excel's."""
    path = workbook(tmp_path / "far.xlsx", [HEADER_ROW, '<row r="2"><c r="A2"><v>7</v></c><c r="OK2"><v>8</v></c>'
                                                         '<c r="OJ2"><v>9</v></c></row>'], stored=True)
    with xlsxfile.Workbook(path) as book:
        assert [(number, len(values), values[0], values[-1]) for number, values in book.rows("原始记录")][1] == \
            (2, 400, 7, 9)
    path = workbook(tmp_path / "xfe.xlsx", [HEADER_ROW, '<row r="2"><c r="XFE2"><v>1</v></c></row>'], stored=True)
    assert refusal(path) == ("Row 2 of the sheet 原始记录 has a cell 'XFE2', which is not a cell of an Excel sheet "
                             "(columns A to XFD).")


def test_a_row_past_excels_last_is_refused_without_filling_the_gap(tmp_path):
    """Row 1,048,577 is refused at once (openpyxl would first hand over a million empty rows)."""
    path = workbook(tmp_path / "far.xlsx", [HEADER_ROW, '<row r="1048577"><c r="A1048577"><v>1</v></c></row>'],
                    stored=True)
    assert refusal(path) == "The sheet 原始记录 has more than 1,048,576 rows, more than Excel allows."


@pytest.mark.parametrize("hostile", ['<row r="2"><c r="A2" x="' + "A" * (2 * 2**20) + '"/></row>',
                                     "<!--" + "A" * (2 * 2**20) + "-->"], ids=["attribute", "comment"])
def test_an_xml_token_that_never_ends_is_refused(tmp_path, hostile):
    """A 2 MB attribute or comment (which expat would hold whole) is refused at 1 MB."""
    path = workbook(tmp_path / "token.xlsx", [HEADER_ROW, hostile], stored=True)
    assert refusal(path) == "The sheet 原始记录 holds an XML tag or comment over 1 MB long, which no real workbook has."


def test_a_dtd_is_refused(tmp_path):
    """Entity declarations (billion laughs) never reach expat's expansion."""
    start = f'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaa">]><worksheet xmlns="{_MAIN}"><sheetData>'
    path = workbook(tmp_path / "dtd.xlsx", [HEADER_ROW], sheet_start=start, stored=True)
    assert refusal(path) == "A part of the workbook declares a DTD, which Excel never writes."


def test_grid_periods_longer_than_a_year_are_refused():
    """A 打卡时间 grid claiming 2000–2100 is refused instead of looping over 36,890 day columns a row."""
    rows = [["打卡时间 统计日期：2000-01-01 至 2100-12-31"], ["姓名", "工号", "打卡时间"], [None, None, "1"],
            ["张三", "1001", "08:00"]]
    with pytest.raises(PunchFileError, match=r"^The 打卡时间 grid's 统计日期 period has 36,890 days; a grid is "
                                             r"read for at most 366, so export a shorter period\.$"):
        parse_dingtalk_rows(rows, sheet="打卡时间")


# ---------------------------------------------------------------------------------------------------
# Text files


def big_attlog(folder: Path) -> Path:
    """26 MB of ZKTeco attlog: 650,020 punches of 3,000 machine numbers (1000–3999) over February 2026."""
    path = folder / "1_attlog.dat"
    minutes = [f"{hour:02d}:{minute:02d}" for hour in range(7, 23) for minute in range(60)]
    with path.open("w", newline="") as file:
        for day in range(1, 29):
            file.write("".join(f"{1000 + n % 3000:>9}\t2026-02-{day:02d} {minutes[n % len(minutes)]}:{n % 60:02d}"
                               f"\t1\t0\t1\t0\r\n" for n in range(23_215)))
    return path


@linux_only
@pytest.mark.slow_reliability
def test_a_big_attlog_streams_in_bounded_memory(tmp_path):
    """26 MB of attlog (650,000 punches) is read in under 40 MB above the imports (as Punch objects: 240 MB)."""
    path = big_attlog(tmp_path)
    result, peak = peak_above_imports(f"""
        found = read_punch_file(Path({str(path)!r}))
        result = len(found.punches), len(found.problems), str(found.punches[-1])
    """)
    assert result == str((650_020, 0, "Punch(staff_id='3214', at=datetime.datetime(2026, 2, 28, 9, 54, 54), "
                                      "where='line 650020')"))
    assert peak < 40, f"{peak:.0f} MB"


def peak_of_command(*args: str, limit_mb: int = 1500) -> tuple[int, str, float]:
    """Run ``discipline ARGS`` in a fresh Python in the current folder, its address space capped at ``limit_mb``:
    (exit code, stdout, MB of its peak RSS, everything counted: the whole command, imports and SQLite)."""
    script = textwrap.dedent("""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (CAP_MB * 2**20, CAP_MB * 2**20))
        import cli
        code = 0
        try:
            cli.main()
        except SystemExit as exit:
            code = exit.code or 0
        with open("/proc/self/status") as lines:
            peak = next(int(line.split()[1]) for line in lines if line.startswith("VmHWM:")) / 1024
        print(code, peak)
        """).replace("CAP_MB", str(limit_mb))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    *output, last = done.stdout.strip().splitlines()
    code, peak = last.split()
    return int(code), "\n".join(output), float(peak)


@linux_only
@pytest.mark.slow_reliability
def test_a_whole_punches_import_of_a_big_attlog_stays_under_300_mb(tmp_path):
    """``punches import`` of 26 MB of attlog (650,000 punches of 3,000 people, all on the roster) into a
    database: under 300 MB for the whole command (issue 12, item 5); about 115 MB. Holding the rows in lists
    and sorting them in Python, as it once did, took 417 MB for this file and 735 MB for twice it."""
    roster = ["id,name,store,team,role,supervisor,base_wage,bonus,shift,city,hired,left,clock,pin"]
    for store in range(200):
        lead = f"L{store:03d}"
        roster.append(f"{lead},Lead {store},Store {store},,store_lead,,5200,800,store,shanghai,,,,{1000 + 15 * store}")
        roster += [f"G{store:03d}-{n:02d},Guide {store}-{n},Store {store},,guide,{lead},3800,600,store,shanghai,,,,"
                   f"{1000 + 15 * store + n}" for n in range(1, 15)]
    (tmp_path / "roster.csv").write_text("\n".join(roster) + "\n", encoding="utf-8")
    run("init")
    run("staff", "import", "roster.csv")
    path = big_attlog(tmp_path)
    code, output, peak = peak_of_command("punches", "import", str(path))
    assert (code, output) == (0, "650020 punches read, 650020 new (batch 2)")
    assert peak < 300, f"{peak:.0f} MB"


def test_a_line_longer_than_a_record_is_one_problem_and_skipped_unread(tmp_path):
    """A 10 MB line without a newline is one problem; the punch after it is read."""
    path = tmp_path / "long.dat"
    path.write_bytes(b"1001\t2026-05-01 08:00:00\n" + b"9" * (10 * 2**20) + b"\n1002\t2026-05-01 08:01:00\n")
    result = read_punch_file(path)
    assert [(p.staff_id, p.where) for p in result.punches] == [("1001", "line 1"), ("1002", "line 3")]
    assert [(p.where, p.message) for p in result.problems] == [
        ("line 2", "The line is longer than 4,096 bytes, so it is not a punch record (one is about 40).")]


def test_quoted_record_text_is_cut_to_40_characters():
    """A 3,000-character PIN is quoted in its problem cut to 40 characters."""
    result = parse_zkteco(b"X" * 3000 + b"\t2026-05-01 08:00:00\n")
    assert result.problems[0].message == f"The PIN {'X' * 40 + '…'!r} is not a number."


def test_files_over_the_punch_caps_are_refused_in_one_sentence(tmp_path, monkeypatch):
    """Past MAX_PUNCHES, MAX_PROBLEMS, MAX_STAFF or MAX_TEXT_BYTES the file is refused; at the cap it is read."""
    lines = b"".join(b"%d\t2026-05-01 08:0%d:00\n" % (1000 + n, n) for n in range(4))
    monkeypatch.setattr(punchfiles, "MAX_PUNCHES", 4)
    assert len(parse_zkteco(lines).punches) == 4
    with pytest.raises(PunchFileError, match=r"^The file holds more than 4 punches; an import takes at most 4, so "
                                             r"split it \(by month, or by store\)\.$"):
        parse_zkteco(lines + lines)
    monkeypatch.setattr(punchfiles, "MAX_STAFF", 3)
    with pytest.raises(PunchFileError, match=r"^The file has punches of more than 3 different staff numbers"):
        parse_zkteco(lines)
    monkeypatch.setattr(punchfiles, "MAX_PROBLEMS", 2)
    with pytest.raises(PunchFileError, match=r"^More than 2 records of this file cannot be read \(the first, line 1: "
                                             r"The PIN 'x' is not a number\), so it is not a punch export"):
        parse_zkteco(b"x\t2026-05-01 08:00:00\n" * 3)
    monkeypatch.setattr(punchfiles, "MAX_TEXT_BYTES", 64)
    (tmp_path / "big.dat").write_bytes(lines * 2)
    assert refusal(tmp_path / "big.dat") == ("big.dat is 200 bytes; a punch file may have at most 64 bytes, so "
                                             "split it (by month, or by machine).")


def test_punches_are_kept_in_columns_and_read_back_as_punches():
    """`Punches` gives the same Punch objects a tuple would, by index, slice and iteration, in about 20 bytes each."""
    result = parse_zkteco(b"0042\t2026-05-01 08:00:00\n\n1001\t2026-05-01 08:01:59\nbad\n")
    expected = (punchfiles.Punch("0042", T("2026-05-01 08:00:00"), "line 1"),
                punchfiles.Punch("1001", T("2026-05-01 08:01:59"), "line 3"))
    assert tuple(result.punches) == expected and result.punches == expected
    assert result.punches[-1] == expected[1] and result.punches[:1] == expected[:1]
    assert result.problems == (punchfiles.Problem("line 4", result.problems[0].message),)
    with pytest.raises(IndexError):
        result.punches[2]


def test_a_gb18030_punch_csv_is_told_by_its_whole_text_not_its_first_chunk(tmp_path):
    """A staff,time CSV whose first non-ASCII (GB18030) bytes come after 1.5 MB is still read as GB18030."""
    path = tmp_path / "punches.csv"
    rows = "".join(f"{n},2026-05-01 08:00\n" for n in range(100_000))
    path.write_bytes(("staff,time\n" + rows + "张三,2026-05-01 09:00\n").encode("gb18030"))
    assert path.stat().st_size > 1.5 * 2**20
    result = read_punch_file(path)
    assert (len(result.punches), result.punches[-1].staff_id) == (100_001, "张三")


def test_a_csv_punch_file_with_an_open_quote_is_refused_not_read_into_memory(tmp_path):
    """A quote never closed would make the rest of the file one field: refused once a record passes 1 MB."""
    path = tmp_path / "open.csv"
    path.write_text('staff,time\n"1001,' + "x" * (3 * 2**20) + "\n", encoding="utf-8")
    assert refusal(path) == ("The file is not readable CSV near line 2 (a record is longer than 1,048,576 "
                             "characters, which no real record is; is a quote left open?).")


# ---------------------------------------------------------------------------------------------------
# CSV files read whole (staff, events, schedule, leave)


def test_decode_and_read_capped_refuse_files_over_the_cap(tmp_path, monkeypatch):
    """Over MAX_CSV_BYTES is one sentence with both sizes; read_capped never reads past the cap."""
    with pytest.raises(ValueError, match=r"^the file is 25 MB; an import takes at most 24 MB, so split it "
                                         r"\(by month, or by store\)$"):
        decode(b"a" * (25 * 2**20))
    with pytest.raises(ValueError, match=r"^the file is 1.2 GB; an import takes at most 24 MB"):
        check_size(int(1.2 * 2**30))
    monkeypatch.setattr(textfile, "MAX_CSV_BYTES", 10)
    (tmp_path / "roster.csv").write_bytes(b"id,name\n" * 3)
    with pytest.raises(ValueError, match=r"^the file is 24 bytes; an import takes at most 10 bytes"):
        read_capped(tmp_path / "roster.csv")
    (tmp_path / "small.csv").write_bytes(b"id,name\n")
    assert read_capped(tmp_path / "small.csv") == b"id,name\n"


def test_a_field_over_the_csv_limit_is_a_problem_in_words():
    """A 200,000-character field is a problem on its line saying what is wrong; the rows before it count."""
    found = read_csv("staff,note\nC01,fine\nC02," + "x" * 200_000 + "\n")
    assert [line for line, _ in found.records] == [2]
    assert [(line, str(said)) for line, said in found.problems] == [
        (3, "cannot be read as CSV (a field is longer than 131,072 characters, which no real field is; is a quote "
            "left open?)")]


def test_records_are_read_again_on_each_pass_and_problems_stop_at_the_cap(monkeypatch):
    """read_csv keeps no dict per row; past MAX_PROBLEMS bad rows it stops with a last problem saying so."""
    found = read_csv("\ufeffStaff,Rule\nC01,a\n\nC02\nC03,b\n")
    assert (len(found.records), list(found.records), list(found.records)) == (
        2, [(2, {"staff": "C01", "rule": "a"}), (5, {"staff": "C03", "rule": "b"})],
        [(2, {"staff": "C01", "rule": "a"}), (5, {"staff": "C03", "rule": "b"})])
    monkeypatch.setattr(textfile, "MAX_PROBLEMS", 2)
    found = read_csv("a,b\n1\n2\n3\n4,5\n6\n")
    assert [(line, said.en) for line, said in found.problems] == [
        (2, "has 1 field(s); the header has 2"), (3, "has 1 field(s); the header has 2"),
        (4, "and more rows from here on cannot be read; reading stopped after 2 bad rows")]
    assert [said.zh for _, said in found.problems][1:] == [
        "有1个字段，表头有2个", "此后的行无法读取；已有2行有误，停止读取"]
    assert list(found.records) == []


# ---------------------------------------------------------------------------------------------------
# What the user sees


def test_the_command_refuses_a_hostile_workbook_in_one_line(tmp_path):
    """``punches import`` of a workbook with a 1 GB shared string: one line, no traceback, exit 2."""
    run("init")
    block = b"A" * 2**20
    path = workbook(tmp_path / "钉钉.xlsx", [HEADER_ROW], shared=[b"<si><t>", *[block] * 1024, b"</t></si>"])
    assert path.stat().st_size < 1.2 * 2**20
    assert refused("punches", "import", str(path)) == (
        "Error: The shared strings would inflate to 1 GB, and at most 64 MB is read; export a shorter period")


@pytest.mark.parametrize("doc", [
    {"batch": 7, "changed": [1, 2, 3], "notes": {"a": ["中", "\u202e"]}},
    {"changed": [], "dry_run": None},
    {"changed": [4]},
], ids=["some", "none", "last-key"])
def test_what_changed_is_written_item_by_item_as_json_dumps_would_write_it(doc):
    """An import's ``--json`` lists every change it made (346,000 for a 23 MB file): they are made into
    dicts one at a time as they are written, and the text is what ``json.dumps`` writes for the whole."""
    import click
    from click.testing import CliRunner

    import cli

    made: list[int] = []

    def convert(item: int) -> dict:
        made.append(item)
        return {"event_id": item, "before": "20.00", "after": "40.00", "dispositions": ["口头警告"]}

    streamed = {key: cli.Streamed(value, convert) if key == "changed" else value for key, value in doc.items()}
    whole = {key: [convert(i) for i in value] if key == "changed" else value for key, value in doc.items()}
    made.clear()
    out = CliRunner().invoke(click.command()(lambda: cli.print_json(streamed))).output
    assert out == cli.shown_json(json.dumps(whole, ensure_ascii=False, indent=2)) + "\n"
    assert made == doc["changed"]
    assert json.loads(out)["changed"] == [convert(i) for i in doc["changed"]]
