"""Reading punch files: the small fixtures, workbooks built here, and every real sample in ../shared."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from discipline.punchfiles import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    Punch,
    PunchFile,
    PunchFileError,
    guess_format,
    parse_dingtalk_rows,
    parse_zkteco,
    read_punch_file,
)

FIXTURES = Path(__file__).parent / "fixtures" / "punches"
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
T = dt.datetime.fromisoformat


def read(name: str) -> PunchFile:
    """A fixture read as its suffix and content suggest."""
    return read_punch_file(FIXTURES / name)


def triples(punch_file: PunchFile) -> list[tuple[str, dt.datetime, str]]:
    """(staff, time, where) of every punch."""
    return [(p.staff_id, p.at, p.where) for p in punch_file.punches]


def places(punch_file: PunchFile) -> list[str]:
    """Where each problem is."""
    return [p.where for p in punch_file.problems]


# ---------------------------------------------------------------------------------------------------
# ZKTeco fixtures


def test_zkteco_corrupt_records_are_problems_and_good_ones_come_through():
    """Garbage PINs, non-text bytes, Feb 30, years 1999 and 2131, no PIN: each a problem on its line."""
    result = read("corrupt.dat")
    assert result.format == "zkteco"
    assert triples(result) == [("1001", T("2026-05-06 08:00:00"), "line 1"),
                               ("1005", T("2026-05-06 08:05:00"), "line 8"),
                               ("1006", T("2026-05-06 08:10:00"), "line 10")]
    assert places(result) == ["line 2", "line 3", "line 4", "line 5", "line 6", "line 7", "line 9"]
    messages = [p.message for p in result.problems]
    assert "'ZZZZZZZZZZ' is not a number" in messages[0]
    assert "not text" in messages[1]
    assert "not a real date" in messages[2]
    assert "1999" in messages[3] and "2131" in messages[4]
    assert "no PIN" in messages[5]


def test_zkteco_crlf_and_five_wide_pins():
    """CRLF endings and PINs padded to 5 characters: PINs stripped, seconds kept."""
    assert triples(read("crlf_5wide.dat")) == [("1001", T("2026-05-01 08:23:05"), "line 1"),
                                               ("102", T("2026-05-01 08:30:00"), "line 2"),
                                               ("1001", T("2026-05-01 17:31:42"), "line 3")]
    assert read("crlf_5wide.dat").problems == ()


def test_zkteco_five_fields_unpadded():
    """Five fields and an unpadded PIN are read like six."""
    result = read("five_fields.dat")
    assert triples(result) == [("1001", T("2026-05-03 07:58:00"), "line 1"),
                               ("24387", T("2026-05-03 08:01:10"), "line 2")]
    assert result.problems == ()


def test_zkteco_first_and_last_line_not_punches_are_tolerated():
    """A header-like first line and a checksum-like last line are problems; the lone space is nothing."""
    result = read("header_trailer.dat")
    assert triples(result) == [("1001", T("2026-05-07 08:00:00"), "line 2"),
                               ("1002", T("2026-05-07 08:01:00"), "line 3")]
    assert places(result) == ["line 1", "line 4"]


def test_zkteco_status_255_nine_wide_no_final_newline_keeps_leading_zeros():
    """Status 255 is ignored, '0042' stays '0042', the last line without a newline is read."""
    result = read("lf_9wide_status255.dat")
    assert triples(result) == [("1001", T("2026-05-02 08:59:59"), "line 1"),
                               ("0042", T("2026-05-01 09:00:00"), "line 2"),
                               ("10", T("2026-04-30 18:00:01"), "line 3")]
    assert result.problems == ()


def test_zkteco_name_column():
    """PIN, name, time: the name (even in Chinese) is skipped."""
    result = read("name_column.dat")
    assert triples(result) == [("1001", T("2026-05-04 09:01:02"), "line 1"),
                               ("1002", T("2026-05-04 09:05:00"), "line 2"),
                               ("1003", T("2026-05-04 12:00:00"), "line 3")]
    assert result.problems == ()


def test_zkteco_nul_run():
    """A NUL run cutting a record short is one problem; a whole record after NULs is read; NULs alone are blank."""
    result = read("nul_run.dat")
    assert triples(result) == [("1001", T("2026-05-05 08:00:00"), "line 1"),
                               ("1002", T("2025-12-31 23:59:59"), "line 3"),
                               ("1003", T("2026-05-05 08:02:00"), "line 5")]
    assert places(result) == ["line 2"]
    assert "32 NUL bytes" in result.problems[0].message


def test_zkteco_utf8_bom_is_not_part_of_the_first_pin():
    """A .dat saved with a UTF-8 BOM still gives its first punch (fixture bom.dat)."""
    result = read("bom.dat")
    assert triples(result) == [("1001", T("2026-05-08 08:00:00"), "line 1"),
                               ("1002", T("2026-05-08 08:01:00"), "line 2")]
    assert result.problems == ()


def test_zkteco_zip_data_is_refused():
    """Workbook bytes given to the ZKTeco reader are a PunchFileError, not a problem per line."""
    with pytest.raises(PunchFileError, match="zip"):
        parse_zkteco(b"PK\x03\x04rest")


# ---------------------------------------------------------------------------------------------------
# CSV fixtures


def test_plain_csv():
    """staff,time with a BOM: ISO and space times read, bad rows named by line, blank lines skipped."""
    result = read("plain.csv")
    assert result.format == "csv"
    assert triples(result) == [("1001", T("2026-05-01 08:23:00"), "line 2"),
                               ("002", T("2026-05-01 17:30:15"), "line 3"),
                               ("1003", T("2026-05-01 09:00:59"), "line 8")]
    assert places(result) == ["line 4", "line 5", "line 7"]
    assert "'yesterday' is not a date and time" in result.problems[0].message
    assert "staff column is empty" in result.problems[1].message


def test_dingtalk_csv():
    """Title rows, a cell with a newline, 打卡无效, empty 工号 and 25:00: places are CSV rows."""
    result = read("dingtalk_raw.csv")
    assert result.format == "dingtalk"
    assert triples(result) == [("002", T("2026-05-01 08:23"), "row 4"),
                               ("1001", T("2026-05-01 08:41"), "row 5"),
                               ("1001", T("2026-05-01 18:02"), "row 10")]
    assert places(result) == ["row 6", "row 7", "row 8"]
    assert "打卡无效" in result.problems[0].message
    assert "工号 is empty" in result.problems[1].message
    assert "25:00" in result.problems[2].message


def test_guess_format_by_suffix_and_content():
    """.dat is zkteco, a CSV with the DingTalk header dingtalk, staff,time csv."""
    for name, expected in (("corrupt.dat", "zkteco"), ("dingtalk_raw.csv", "dingtalk"), ("plain.csv", "csv")):
        path = FIXTURES / name
        assert guess_format(path, path.read_bytes()) == expected


def test_missing_file_is_a_punch_file_error(tmp_path):
    """A path that does not exist is one PunchFileError."""
    with pytest.raises(PunchFileError, match="does not exist"):
        read_punch_file(tmp_path / "nothing.dat")


# ---------------------------------------------------------------------------------------------------
# DingTalk workbooks built here


def raw_records_workbook(path: Path) -> Path:
    """A DingTalk-like workbook: a 月度汇总 sheet first, then 原始记录 with two title rows."""
    workbook = openpyxl.Workbook()
    summary = workbook.active
    summary.title = "月度汇总"
    summary.append(["月度汇总 统计日期：2026-05-01 至 2026-05-31"])
    summary.append(["姓名", "工号", "出勤天数"])
    summary.append(["张三", "002", "21"])
    sheet = workbook.create_sheet("原始记录")
    sheet.append(["原始记录 统计日期：2026-05-01 至 2026-05-31"])
    sheet.append(["报表生成时间：2026-06-01 15:22"])
    sheet.append(["姓名", "考勤组", "部门", "工号", "职位", "UserId", "考勤日期", "考勤时间", "打卡时间", "打卡结果"])
    sheet.append(["张三", "普通出勤", "门店A", "002", "店员", "0100000001", "26-05-01 星期五",
                  "2026-05-01 08:30", "2026-05-01 08:23", "正常"])
    sheet.append(["李四", "普通出勤", "门店A", 1001, "店员", "0100000002", "26-05-01 星期五",
                  "2026-05-01 08:30", dt.datetime(2026, 5, 1, 8, 41, 0, 600_000), "迟到"])
    sheet.append(["李四", "普通出勤", "门店A", 1001, "店员", "0100000002", "26-05-01 星期五",
                  "2026-05-01 08:30", "2026-05-01 08:42", "打卡无效:此记录已被更新"])
    sheet.append(["王五", "普通出勤", "门店A", None, "店员", "0100000003", "26-05-01 星期五",
                  "2026-05-01 08:30", "2026-05-01 09:00", "正常"])
    sheet.append([None] * 10)
    sheet.append(["赵六", "普通出勤", "门店B", 1003.0, "店员", "0100000004", "26-05-01 星期五",
                  "2026-05-01 17:30", "2026-05-01 25:00", "正常"])
    sheet.append(["赵六", "普通出勤", "门店B", 1003.0, "店员", "0100000004", "26-05-01 星期五",
                  "2026-05-01 17:30", "2026-05-01 17:31:05", "正常"])
    workbook.save(path)
    return path


def test_dingtalk_xlsx_raw_records(tmp_path):
    """原始记录 is read before other sheets; 工号 as text, numbers lose '.0', Excel times round to seconds."""
    result = read_punch_file(raw_records_workbook(tmp_path / "考勤报表.xlsx"))
    assert result.format == "dingtalk"
    assert triples(result) == [("002", T("2026-05-01 08:23"), "原始记录 row 4"),
                               ("1001", T("2026-05-01 08:41:01"), "原始记录 row 5"),
                               ("1003", T("2026-05-01 17:31:05"), "原始记录 row 10")]
    assert places(result) == ["原始记录 row 6", "原始记录 row 7", "原始记录 row 9"]
    assert all(isinstance(p.staff_id, str) for p in result.punches)


def test_dingtalk_xlsx_punch_time_grid(tmp_path):
    """The 打卡时间 grid: one column per day from the 统计日期 start, several punches per cell, 次日."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "打卡时间"
    sheet.append(["打卡时间 统计日期：2026-05-01 至 2026-05-03"])
    sheet.append(["报表生成时间：2026-05-04 09:00"])
    sheet.append(["姓名", "考勤组", "部门", "工号", "职位", "UserId", "打卡时间"])
    sheet.append([None, None, None, None, None, None, "劳动节", "六", "3"])
    sheet.append(["张三", "普通出勤", "门店A", "002", "店员", "01", "08:23  \n16:36  ", None,
                  "19:12  \n次日 02:18  "])
    sheet.append(["李四", "普通出勤", "门店A", "1001", "店员", "02", None, "19:12  \n06:36  ", "bad  "])
    sheet.append(["王五", "普通出勤", "门店A", None, "店员", "03", "09:00  ", None, None])
    sheet.append(["赵六", "未加入考勤组", "门店A", None, "店员", "04", None, None, None])
    path = tmp_path / "打卡时间.xlsx"
    workbook.save(path)
    result = read_punch_file(path)
    assert triples(result) == [
        ("002", T("2026-05-01 08:23"), "打卡时间 row 5 column G"),
        ("002", T("2026-05-01 16:36"), "打卡时间 row 5 column G"),
        ("002", T("2026-05-03 19:12"), "打卡时间 row 5 column I"),
        ("002", T("2026-05-04 02:18"), "打卡时间 row 5 column I"),
        ("1001", T("2026-05-02 19:12"), "打卡时间 row 6 column H"),
        ("1001", T("2026-05-03 06:36"), "打卡时间 row 6 column H"),
    ]
    assert places(result) == ["打卡时间 row 6 column I", "打卡时间 row 7"]


def test_workbook_without_header_is_a_punch_file_error(tmp_path):
    """A workbook with no 工号 + 打卡时间 header row names the sheets it looked at."""
    workbook = openpyxl.Workbook()
    workbook.active.title = "每日统计"
    workbook.active.append(["姓名", "工号", "上班1打卡时间"])
    workbook.save(tmp_path / "daily.xlsx")
    with pytest.raises(PunchFileError, match="每日统计"):
        read_punch_file(tmp_path / "daily.xlsx")


def test_xlsx_that_is_not_a_zip_is_a_punch_file_error(tmp_path):
    """A text file named .xlsx is refused with one sentence."""
    path = tmp_path / "fake.xlsx"
    path.write_text("姓名,工号,打卡时间\n", encoding="utf-8")
    with pytest.raises(PunchFileError, match=r"not an \.xlsx workbook"):
        read_punch_file(path)


# ---------------------------------------------------------------------------------------------------
# The real samples in ../shared/samples (local testing only, never copied into the project)

SAMPLE_FILES = sorted(p.name for p in SAMPLES.iterdir() if p.name != "SOURCES.md") if SAMPLES.is_dir() else []
#: Sample files that hold no punches this reader reads: DingTalk 每日统计 has no 打卡时间 column.
NOT_PUNCH_EXPORTS = {"luofu-罗浮中学_每日统计_20210901-20210925.xlsx"}
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"{SAMPLES} is not present")


def sample(name: str) -> PunchFile:
    """A sample read as its suffix and content suggest."""
    return read_punch_file(SAMPLES / name)


@needs_samples
@pytest.mark.parametrize("name", SAMPLE_FILES or ["(none)"])
def test_every_sample_reads_without_traceback(name):
    """Each sample gives punches (PINs digits, years 2010–2030) or, for a non-punch export, a PunchFileError."""
    if name in NOT_PUNCH_EXPORTS:
        with pytest.raises(PunchFileError, match="原始记录 or 打卡时间"):
            sample(name)
        return
    result = sample(name)
    assert result.punches
    for punch in result.punches:
        assert isinstance(punch, Punch)
        assert punch.staff_id.isascii() and punch.staff_id.isdigit(), punch
        assert 2010 <= punch.at.year <= 2030, punch
        assert EARLIEST_YEAR <= punch.at.year <= LATEST_YEAR
    for problem in result.problems:
        assert problem.where.startswith(("line ", "原始记录 row ", "sheet1 row ")), problem
        assert problem.message.endswith("."), problem


@needs_samples
def test_sample_corrupt_excerpt():
    """The caoka garbage region: 180 problems with line numbers, the 16 good records still read."""
    result = sample("caoka-corrupt-excerpt-1_attlog.dat")
    assert len(result.problems) == 180
    assert len(result.punches) == 16
    assert [p.where for p in result.punches] == [f"line {n}" for n in [*range(1, 10), *range(190, 197)]]
    assert {p.at.year for p in result.punches} == {2020}
    assert result.problems[0].where == "line 10"
    assert all(p.where.startswith("line ") for p in result.problems)


@needs_samples
def test_sample_nul_run_excerpt():
    """The checkhelper NUL run is one problem on line 11; the 2019 records after it still come through."""
    result = sample("checkhelper-nulrun-excerpt-1_attlog.dat")
    assert [(p.where, "64 NUL bytes" in p.message) for p in result.problems] == [("line 11", True)]
    assert len(result.punches) == 20
    assert result.punches[10].where == "line 12"
    assert result.punches[10].at == T("2019-01-15 08:41:51")


@needs_samples
def test_sample_dingtalk_workbook_raw_records():
    """attgen's 原始记录 is read with 工号 as text ('001', '016'), its 打卡无效 rows reported."""
    result = sample("attgen-考勤报表.xlsx")
    assert all(p.where.startswith("原始记录 row ") for p in result.punches)
    ids = {p.staff_id for p in result.punches}
    assert {"001", "016", "22099080"} <= ids
    assert len(ids) == 15
    assert len(result.punches) == 591
    assert len(result.problems) == 60
    assert all("打卡无效" in p.message for p in result.problems)
    # 2026-05-01 .. 05-31, and a night shift's out-punch on the morning of 1 June
    assert min(p.at for p in result.punches) == T("2026-05-01 07:06")
    assert max(p.at for p in result.punches) == T("2026-06-01 07:30")


@needs_samples
def test_sample_dingtalk_grid_sheet_matches_raw_records():
    """attgen's 打卡时间 grid gives as many punches as 原始记录 has rows, valid or not (651)."""
    workbook = openpyxl.load_workbook(SAMPLES / "attgen-考勤报表.xlsx", read_only=True, data_only=True)
    try:
        sheet = workbook["打卡时间"]
        sheet.reset_dimensions()
        result = parse_dingtalk_rows(list(sheet.iter_rows(values_only=True)), sheet="打卡时间")
    finally:
        workbook.close()
    assert len(result.punches) == 591 + 60
    assert result.problems == ()


@needs_samples
def test_sample_ruihr_invalid_rows_reported():
    """ruihr's 打卡记录: 8 rows 是否有效=否 and 21 more with an empty 工号 are problems; 107 punches."""
    result = sample("ruihr-打卡记录.xlsx")
    invalid = [p for p in result.problems if "是否有效" in p.message]
    assert len(invalid) == 8
    assert len(result.problems) == 29
    assert len(result.punches) == 107
    assert {p.at.date() for p in result.punches} == {dt.date(2026, 2, 24)}
    assert result.punches[0].staff_id == "001251"


@needs_samples
def test_sample_odd_first_and_last_lines():
    """checkhelper's 7-wide first PIN is read; sca's trailing lone space is no problem."""
    assert sample("checkhelper-1_attlog.dat").punches[0].staff_id == "583"
    sca = sample("sca-1_attlog.dat")
    assert (len(sca.punches), sca.problems) == (7, ())
