"""Read attendance-machine punch exports into punches and problems, never stopping on a bad record.

Three kinds of file are read (see ``../shared/samples/SOURCES.md`` for real examples):

``zkteco``
    A ZKTeco USB ``attlog.dat``: one punch per line, TAB-separated, no header::

            1001\\t2026-05-01 08:23:05\\t1\\t0\\t1\\t0

    The PIN may be padded with spaces (to 5, 9 or 10 characters) or not at all, lines may end in LF
    or CRLF, some devices write 5 fields instead of 6 and some put a name between PIN and time.
    Device memory leaks into the file: records such as ``ZZZZZZZZZZ\\t2047-02-30 19:13:30``, bytes
    that are not text, and runs of NUL bytes that cut a record short.
``dingtalk``
    A DingTalk (钉钉) workbook (``.xlsx``) or its ``.csv``. Title rows come before the header row,
    which is the first row holding both ``工号`` and ``打卡时间``. The ``原始记录`` sheet has one punch
    per row (``打卡时间`` like ``2026-05-01 08:23``); the ``打卡时间`` sheet has one row per person and
    one column per day of the ``统计日期`` period, each cell holding that day's punches
    (``"08:23  \\n16:36  "``, ``次日 02:18`` after midnight). A one-row-per-punch ``打卡记录`` sheet
    with a ``是否有效`` column is read like ``原始记录``.
``csv``
    A plain ``staff,time`` file with that header line, time as ``2026-05-01 08:23[:05]`` or ISO.

Only the PIN (工号) and the time are trusted. What else a machine writes is unreliable: status 255
means "undefined" on whole devices, the in/out column follows whatever key a person pressed, names are
cut to 8 characters. Whether a punch starts or ends a shift is decided later from the shift times,
not here.

The result keeps the file's order. Every record that cannot be read becomes a `Problem` naming its
place (``line 12``, ``原始记录 row 5``) and the reason; the rest of the file is still read. Only a
file that cannot be read at all raises `PunchFileError`::

    >>> punch_file = parse_zkteco(b"  1001\\t2026-05-01 08:23:05\\t1\\t0\\nZZZ\\t2047-02-30 19:13:30\\n")
    >>> punch_file.punches[0].staff_id, str(punch_file.punches[0].at), punch_file.problems[0].where
    ('1001', '2026-05-01 08:23:05', 'line 2')
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs
import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from .textfile import decode

FORMATS = ("zkteco", "dingtalk", "csv")
#: The header row of a DingTalk export must be among this many first rows.
HEADER_SEARCH_ROWS = 10
#: Years outside this range are device garbage, not punches.
EARLIEST_YEAR = 2000
LATEST_YEAR = 2100

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_UTF8_BOM = b"\xef\xbb\xbf"
_DIGITS = re.compile(r"[0-9]+")
_DATETIME = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?")
_CLOCK_TIME = re.compile(r"(次日)?\s*(\d{1,2}):(\d{2})(?::(\d{2}))?")
_PERIOD = re.compile(r"统计日期[：:]\s*(\d{4}-\d{2}-\d{2})\s*至\s*(\d{4}-\d{2}-\d{2})")
_STAFF_COLUMN = "工号"
_TIME_COLUMN = "打卡时间"


class PunchFileError(Exception):
    """The file as a whole is not a readable punch export; the message says why and what is allowed."""


class _BadRecord(ValueError):
    """One record cannot be read; the message becomes a `Problem`."""


@attrs.frozen
class Punch:
    """One punch of one person."""

    staff_id: str
    """PIN or 工号 as text, surrounding whitespace stripped (``"002"`` keeps its zeros)."""
    at: dt.datetime
    """Naive local wall-clock time, to the second."""
    where: str
    """Place in the file: ``line 12``, ``原始记录 row 5`` or ``打卡时间 row 7 column J``."""


@attrs.frozen
class Problem:
    """A record that was skipped."""

    where: str
    """Place in the file, as for `Punch.where`."""
    message: str
    """One sentence: why the record was skipped."""


@attrs.frozen
class PunchFile:
    """Everything read from one file."""

    punches: tuple[Punch, ...]
    """In file order."""
    problems: tuple[Problem, ...]
    """In file order."""
    format: str
    """One of `FORMATS`."""


# ---------------------------------------------------------------------------------------------------
# Whole files


def read_punch_file(path: Path, fmt: str | None = None) -> PunchFile:
    """Read the punch file at ``path``, as ``fmt`` or, when None, as its suffix and content suggest."""
    if fmt is not None and fmt not in FORMATS:
        raise PunchFileError(f"Unknown punch file format {fmt!r}; use one of {', '.join(FORMATS)}.")
    data = _read_bytes(path)
    fmt = fmt or guess_format(path, data)
    if fmt == "zkteco":
        return parse_zkteco(data)
    if fmt == "dingtalk":
        return _parse_dingtalk_file(path, data)
    return parse_plain_csv(decode_text(data, path.name))


def guess_format(path: Path, data: bytes) -> str:
    """The format of a file: ``.dat`` is ZKTeco, ``.xlsx`` DingTalk, ``.csv`` DingTalk or plain by header."""
    suffix = path.suffix.lower()
    if suffix == ".dat":
        return "zkteco"
    if suffix in (".xlsx", ".xlsm") or data.startswith(_ZIP_MAGIC):
        return "dingtalk"
    if data.startswith(_OLE_MAGIC):
        raise PunchFileError(f"{path.name} is an old-style .xls workbook; save it as .xlsx and read that.")
    text = decode_text(data, path.name)
    if suffix == ".csv":
        return "dingtalk" if _find_header(_csv_rows(text, HEADER_SEARCH_ROWS)) is not None else "csv"
    return _sniff_text(text, path.name)


def _sniff_text(text: str, name: str) -> str:
    """The format of a text file whose suffix says nothing."""
    rows = _csv_rows(text, HEADER_SEARCH_ROWS)
    if _find_header(rows) is not None:
        return "dingtalk"
    if rows and {"staff", "time"} <= {cell.strip().lower() for cell in rows[0]}:
        return "csv"
    lines = [line for line in text.splitlines()[:HEADER_SEARCH_ROWS] if line.strip()]
    if any(isinstance(_zkteco_line(line.encode(), "sniff"), Punch) for line in lines):
        return "zkteco"
    raise PunchFileError(
        f"Cannot tell what kind of punch file {name} is; use a ZKTeco .dat, a DingTalk .xlsx or .csv, "
        f"or a staff,time .csv file, or name the format ({', '.join(FORMATS)})."
    )


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise PunchFileError(
            f"Punch file {path} does not exist; give the path of an existing file."
        ) from None
    except IsADirectoryError:
        raise PunchFileError(f"{path} is a folder; give the path of a punch file.") from None
    except OSError as exc:
        raise PunchFileError(f"Cannot read punch file {path} ({exc.strerror}).") from None


def decode_text(data: bytes, name: str) -> str:
    """Text of a CSV punch file (see `textfile.decode`); `PunchFileError` naming the file if it is not text."""
    try:
        return decode(data)
    except ValueError as exc:
        raise PunchFileError(f"{name}: {exc}.") from None


def _collect(results: Iterable[Punch | Problem | None], fmt: str) -> PunchFile:
    """Sort what was read into punches and problems, dropping the Nones (blank records)."""
    punches: list[Punch] = []
    problems: list[Problem] = []
    for result in results:
        if isinstance(result, Punch):
            punches.append(result)
        elif isinstance(result, Problem):
            problems.append(result)
    return PunchFile(punches=tuple(punches), problems=tuple(problems), format=fmt)


# ---------------------------------------------------------------------------------------------------
# Times


def parse_datetime(text: str) -> dt.datetime:
    """``2026-05-01 08:23[:05]`` (also with ``/`` or ``T``) as a datetime; `_BadRecord` if it is not one."""
    text = text.strip()
    if len(text) in (16, 19) and text[4] == "-" and text[10] in " T":  # the common form, read in C
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            if moment.tzinfo is None:
                return _check_year(moment)
    match = _DATETIME.fullmatch(text)
    if match is None:
        raise _BadRecord(f"{text.strip()!r} is not a date and time like 2026-05-01 08:23:05.")
    year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
    try:
        moment = dt.datetime(year, month, day, hour, minute, second)
    except ValueError as exc:
        raise _BadRecord(f"{text.strip()!r} is not a real date and time ({exc}).") from None
    return _check_year(moment)


def _check_year(moment: dt.datetime) -> dt.datetime:
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise _BadRecord(
            f"The year {moment.year} is outside {EARLIEST_YEAR}–{LATEST_YEAR}, so it is garbage."
        )
    return moment


def _to_second(moment: dt.datetime) -> dt.datetime:
    """An Excel datetime rounded to the nearest second (Excel stores times as fractions of a day)."""
    rounded = moment.replace(microsecond=0)
    if moment.microsecond >= 500_000:
        rounded += dt.timedelta(seconds=1)
    return rounded


# ---------------------------------------------------------------------------------------------------
# ZKTeco attlog.dat


def parse_zkteco(data: bytes) -> PunchFile:
    """Punches of a ZKTeco ``attlog.dat``, one per line; each line is decoded on its own."""
    if data.startswith(_ZIP_MAGIC):
        raise PunchFileError(
            "This is a zip archive (an .xlsx workbook?), not a ZKTeco attlog.dat; read it as dingtalk."
        )
    # A file saved by Notepad starts with a BOM, which is no part of the first PIN.
    lines = data.removeprefix(_UTF8_BOM).split(b"\n")
    return _collect((_zkteco_line(raw, f"line {number}") for number, raw in enumerate(lines, 1)), "zkteco")


def _zkteco_line(raw: bytes, where: str) -> Punch | Problem | None:
    """One line: a punch, a problem, or None when it is blank (spaces, NULs or nothing)."""
    nuls = raw.count(b"\x00")
    raw = raw.replace(b"\x00", b"").removesuffix(b"\r")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Problem(where, "The line holds bytes that are not text, so it is a corrupt record.")
    if not text.strip():
        return None
    try:
        staff_id, at = _zkteco_fields(text)
    except _BadRecord as exc:
        if nuls:
            return Problem(
                where, f"A run of {nuls} NUL bytes cut this record short, leaving {text.strip()!r}."
            )
        return Problem(where, str(exc))
    return Punch(staff_id=staff_id, at=at, where=where)


def _zkteco_fields(text: str) -> tuple[str, dt.datetime]:
    """PIN and time of a line: ``PIN, time, …`` or ``PIN, name, time, …``."""
    fields = text.split("\t")
    time_at = next((i for i in (1, 2) if i < len(fields) and _DATETIME.fullmatch(fields[i].strip())), None)
    if time_at is None:
        raise _BadRecord("Not a punch: expected a PIN, a TAB and a date and time like 2026-05-01 08:23:05.")
    pin = fields[0].strip()
    if not pin:
        raise _BadRecord("The record has no PIN.")
    if not _DIGITS.fullmatch(pin):
        raise _BadRecord(f"The PIN {pin!r} is not a number.")
    return pin, parse_datetime(fields[time_at])


# ---------------------------------------------------------------------------------------------------
# Plain staff,time CSV


def parse_plain_csv(text: str) -> PunchFile:
    """Punches of a ``staff,time`` CSV; the header line is required, problems name their line."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    try:
        header = next(reader, [])
        staff_at, time_at = _plain_header(header)
        results = [_plain_row(row, staff_at, time_at, f"line {reader.line_num}") for row in reader]
    except csv.Error as exc:
        raise PunchFileError(f"The file is not readable CSV near line {reader.line_num} ({exc}).") from None
    return _collect(results, "csv")


def _plain_header(header: Sequence[str]) -> tuple[int, int]:
    names = [cell.strip().lower() for cell in header]
    if "staff" not in names or "time" not in names:
        raise PunchFileError(
            "A plain CSV punch file must start with the header line staff,time; "
            f"this one starts with {','.join(header)!r}."
        )
    return names.index("staff"), names.index("time")


def _plain_row(row: Sequence[str], staff_at: int, time_at: int, where: str) -> Punch | Problem | None:
    if not "".join(row).strip():
        return None
    if len(row) <= max(staff_at, time_at):
        return Problem(where, f"The row has {len(row)} field(s); it needs both staff and time.")
    staff_id = row[staff_at].strip()
    if not staff_id:
        return Problem(where, "The staff column is empty, so the person cannot be identified.")
    try:
        at = parse_datetime(row[time_at])
    except _BadRecord as exc:
        return Problem(where, str(exc))
    return Punch(staff_id=staff_id, at=at, where=where)


# ---------------------------------------------------------------------------------------------------
# DingTalk: files


def _parse_dingtalk_file(path: Path, data: bytes) -> PunchFile:
    if data.startswith(_ZIP_MAGIC):
        return parse_dingtalk_xlsx(data)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise PunchFileError(
            f"{path.name} is not an .xlsx workbook (not a zip file); a DingTalk export must be .xlsx or .csv."
        )
    return parse_dingtalk_csv(decode_text(data, path.name))


def parse_dingtalk_csv(text: str) -> PunchFile:
    """Punches of a DingTalk export saved as CSV; places are ``row N`` (CSV records, not lines)."""
    try:
        rows = _csv_rows(text)
    except csv.Error as exc:
        raise PunchFileError(f"The file is not readable CSV ({exc}).") from None
    return parse_dingtalk_rows(rows, sheet="")


def _csv_rows(text: str, limit: int | None = None) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    return [row for _, row in zip(range(limit), reader, strict=False)] if limit else list(reader)


def parse_dingtalk_xlsx(data: bytes) -> PunchFile:
    """Punches of a DingTalk workbook, from 原始记录, else 打卡时间, else the first sheet with a header."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Workbook contains no default style" and the like
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            return _parse_workbook(workbook)
        finally:
            workbook.close()
    # A damaged workbook fails inside zipfile or the XML parser (whose ParseError is a SyntaxError).
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, SyntaxError) as exc:
        raise PunchFileError(
            f"The workbook is damaged and cannot be read ({exc}); export it again."
        ) from None


def _parse_workbook(workbook: openpyxl.Workbook) -> PunchFile:
    preferred = [name for name in ("原始记录", "打卡时间") if name in workbook.sheetnames]
    others = [name for name in workbook.sheetnames if name not in preferred]
    for name in preferred + others:
        sheet = workbook[name]
        sheet.reset_dimensions()  # a wrong <dimension> would otherwise cut rows off
        if _find_header(list(sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True))) is not None:
            return parse_dingtalk_rows(list(sheet.iter_rows(values_only=True)), sheet=name)
    raise PunchFileError(
        f"No sheet of this workbook ({', '.join(workbook.sheetnames)}) has a header row with both 工号 and "
        f"打卡时间 in its first {HEADER_SEARCH_ROWS} rows; export DingTalk's 原始记录 or 打卡时间 sheet."
    )


# ---------------------------------------------------------------------------------------------------
# DingTalk: rows


def parse_dingtalk_rows(rows: Sequence[Sequence[object]], sheet: str) -> PunchFile:
    """Punches of one sheet's rows (row 1 first), one-per-row or the 打卡时间 grid, told by the header."""
    header_at = _find_header(rows)
    if header_at is None:
        place = f"The {sheet} sheet" if sheet else "The file"
        raise PunchFileError(
            f"{place} has no header row with both 工号 and 打卡时间 in its first {HEADER_SEARCH_ROWS} rows; "
            "a DingTalk export needs one."
        )
    columns = _column_map(rows[header_at])
    if _is_grid(rows, header_at, columns):
        results = _grid_rows(rows, header_at, columns, sheet)
    else:
        results = (
            _record_row(rows[index], columns, _row_where(sheet, index + 1))
            for index in range(header_at + 1, len(rows))
        )
    return _collect(results, "dingtalk")


def _find_header(rows: Sequence[Sequence[object]]) -> int | None:
    """Index of the first row (among the first few) holding both 工号 and 打卡时间 cells."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if {_STAFF_COLUMN, _TIME_COLUMN} <= {_text(cell) for cell in row}:
            return index
    return None


def _column_map(header: Sequence[object]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        columns.setdefault(_text(cell), index)
    return columns


def _row_where(sheet: str, number: int) -> str:
    return f"{sheet} row {number}" if sheet else f"row {number}"


def _text(value: object) -> str:
    """A cell as stripped text; whole-number floats lose their ``.0`` (``1001.0`` is ``1001``)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _cell(row: Sequence[object], index: int | None) -> object:
    return row[index] if index is not None and index < len(row) else None


def _record_row(row: Sequence[object], columns: dict[str, int], where: str) -> Punch | Problem | None:
    """One row of a one-punch-per-row sheet (原始记录, 打卡记录)."""
    if not any(_text(cell) for cell in row):
        return None
    result = _text(_cell(row, columns.get("打卡结果")))
    if result.startswith("打卡无效"):
        return Problem(where, f"DingTalk marked this punch invalid ({result}).")
    if _text(_cell(row, columns.get("是否有效"))) == "否":
        return Problem(where, "The export marked this punch invalid (是否有效 is 否).")
    staff_id = _text(_cell(row, columns[_STAFF_COLUMN]))
    if not staff_id:
        return Problem(where, "The 工号 is empty, so the person cannot be identified.")
    try:
        at = _cell_datetime(_cell(row, columns[_TIME_COLUMN]))
    except _BadRecord as exc:
        return Problem(where, str(exc))
    return Punch(staff_id=staff_id, at=at, where=where)


def _cell_datetime(value: object) -> dt.datetime:
    """A 打卡时间 cell: text like ``2026-05-01 08:23`` or a real Excel datetime."""
    if isinstance(value, dt.datetime):
        return _check_year(_to_second(value))
    if isinstance(value, str) and value.strip():
        return parse_datetime(value)
    if _text(value) == "":
        raise _BadRecord("The 打卡时间 is empty.")
    raise _BadRecord(f"The 打卡时间 {value!r} is not a date and time like 2026-05-01 08:23.")


# ---------------------------------------------------------------------------------------------------
# DingTalk: the 打卡时间 grid (one row per person, one column per day)


def _is_grid(rows: Sequence[Sequence[object]], header_at: int, columns: dict[str, int]) -> bool:
    """True for the 打卡时间 grid: nothing right of 打卡时间 in the header, day labels below it."""
    first_day = columns[_TIME_COLUMN]
    if any(_text(cell) for cell in rows[header_at][first_day + 1 :]) or header_at + 1 >= len(rows):
        return False
    labels = rows[header_at + 1]
    label = _text(_cell(labels, first_day))
    return bool(label) and not _text(_cell(labels, columns[_STAFF_COLUMN])) and not _DATETIME.match(label)


def _grid_rows(
    rows: Sequence[Sequence[object]], header_at: int, columns: dict[str, int], sheet: str
) -> list[Punch | Problem | None]:
    days = _grid_days(rows, header_at, columns[_TIME_COLUMN], sheet)
    results: list[Punch | Problem | None] = []
    for index in range(header_at + 2, len(rows)):
        results.extend(_grid_row(rows[index], index + 1, columns, days, sheet))
    return results


def _grid_days(
    rows: Sequence[Sequence[object]], header_at: int, first_day: int, sheet: str
) -> list[tuple[int, dt.date]]:
    """(column index, date) of each day column: the k-th from 打卡时间 on is the period's k-th day."""
    start, end = _grid_period(rows[:header_at], sheet)
    labels = rows[header_at + 1]
    days = []
    for offset in range((end - start).days + 1):
        column, day = first_day + offset, start + dt.timedelta(days=offset)
        label = _text(_cell(labels, column))
        if _DIGITS.fullmatch(label) and int(label) != day.day:
            raise PunchFileError(
                f"Day column {get_column_letter(column + 1)} of the {sheet or '打卡时间'} grid is labelled "
                f"{label!r} but by its position it is {day}; the day columns must run one day each from "
                "the 统计日期 start."
            )
        days.append((column, day))
    return days


def _grid_period(title_rows: Sequence[Sequence[object]], sheet: str) -> tuple[dt.date, dt.date]:
    """The 统计日期 period from the title rows, e.g. ``打卡时间 统计日期：2026-05-01 至 2026-05-31``."""
    for row in title_rows:
        for cell in row:
            match = _PERIOD.search(_text(cell))
            if match:
                start, end = (dt.date.fromisoformat(part) for part in match.groups())
                if start <= end:
                    return start, end
    raise PunchFileError(
        f"The {sheet or '打卡时间'} grid has no title like '统计日期：2026-05-01 至 2026-05-31', "
        "so its day columns cannot be given dates."
    )


def _grid_row(
    row: Sequence[object], number: int, columns: dict[str, int], days: list[tuple[int, dt.date]], sheet: str
) -> list[Punch | Problem]:
    """The punches of one person's row, or one problem when the row has punches but no 工号."""
    cells = [(column, day, row[column]) for column, day in days if _text(_cell(row, column))]
    staff_id = _text(_cell(row, columns[_STAFF_COLUMN]))
    if not cells:
        return []
    if not staff_id:
        return [Problem(_row_where(sheet, number), "The 工号 is empty, so this row's punches are no one's.")]
    results: list[Punch | Problem] = []
    for column, day, value in cells:
        where = f"{_row_where(sheet, number)} column {get_column_letter(column + 1)}"
        results.extend(_grid_cell(value, day, staff_id, where))
    return results


def _grid_cell(value: object, day: dt.date, staff_id: str, where: str) -> list[Punch | Problem]:
    """All punches of one day cell: ``"19:12  \\n06:36  "``, or one Excel datetime or time.

    The cell lists punches in the order they happened, so a time earlier than the one before it
    (06:36 after 19:12) is on the next day, as is one written ``次日 02:18``.
    """
    if isinstance(value, dt.datetime | dt.time):
        return [_grid_excel_punch(value, day, staff_id, where)]
    results: list[Punch | Problem] = []
    previous: dt.datetime | None = None
    for entry in str(value).splitlines():
        if not entry.strip():
            continue
        try:
            at = _clock_time(entry, day)
        except _BadRecord as exc:
            results.append(Problem(where, str(exc)))
            continue
        if previous is not None and at < previous:
            at += dt.timedelta(days=1)
        previous = at
        results.append(Punch(staff_id=staff_id, at=at, where=where))
    return results


def _grid_excel_punch(
    value: dt.datetime | dt.time, day: dt.date, staff_id: str, where: str
) -> Punch | Problem:
    """The punch of a day cell holding a real Excel datetime, or a time on that day."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(day, value)
    try:
        at = _check_year(_to_second(moment))
    except _BadRecord as exc:
        return Problem(where, str(exc))
    return Punch(staff_id=staff_id, at=at, where=where)


def _clock_time(entry: str, day: dt.date) -> dt.datetime:
    """``08:23`` on ``day``, or ``次日 02:18`` on the day after."""
    match = _CLOCK_TIME.fullmatch(entry.strip())
    if match is None:
        raise _BadRecord(f"{entry.strip()!r} is not a time like 08:23 or 次日 02:18.")
    next_day, hour, minute, second = match.groups()
    try:
        clock = dt.time(int(hour), int(minute), int(second or 0))
    except ValueError as exc:
        raise _BadRecord(f"{entry.strip()!r} is not a real time ({exc}).") from None
    return dt.datetime.combine(day + dt.timedelta(days=1 if next_day else 0), clock)
