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
file that cannot be read at all, or holds more than an import takes, raises `PunchFileError`::

    >>> punch_file = parse_zkteco(b"  1001\\t2026-05-01 08:23:05\\t1\\t0\\nZZZ\\t2047-02-30 19:13:30\\n")
    >>> punch_file.punches[0].staff_id, str(punch_file.punches[0].at), punch_file.problems[0].where
    ('1001', '2026-05-01 08:23:05', 'line 2')

A file is read as it streams by, never whole: a text file line by line (a CSV record by record), a
workbook row by row (`xlsxfile`). What is kept is kept in columns (`Punches`, `Problems`: about 20
bytes a punch where `Punch` objects would take 250), so a year of a big machine's attlog (50 MB, 1.3
million punches) takes tens of megabytes. The caps below bound what any file can make this keep;
each is far above what a real export needs, and a file past one is refused in one sentence.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
import zipfile
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TextIO, overload

import attrs
from openpyxl.utils import get_column_letter

from . import wording, xlsxfile
from .textfile import CsvError, Lines, TextLines, csv_rows, decode, encoding_of, size_text
from .typed import EARLIEST, Refused, far_from_today, unsafe, year_after
from .wording import Said, said_of, say

FORMATS = ("zkteco", "dingtalk", "csv")
_FORMAT_NAMES = Said("、".join(FORMATS), ", ".join(FORMATS))
#: The header row of a DingTalk export must be among this many first rows.
HEADER_SEARCH_ROWS = 10
#: Years outside this range are device garbage, not punches.
EARLIEST_YEAR = 2000
LATEST_YEAR = 2100
#: Punches one file may hold. A month of a 30,000-person chain is about a million (DingTalk
#: 原始记录, which Excel caps at 1,048,576 rows a sheet); a year of a big ZKTeco machine 1.3 million.
MAX_PUNCHES = 2_000_000
#: Records one file may have that cannot be read. DingTalk marks about one 原始记录 row in ten
#: 打卡无效, so a million-row month has some 100,000; past this many it is not a punch export.
MAX_PROBLEMS = 250_000
#: Different staff numbers one file may hold punches of (the largest chain has some 30,000 people).
MAX_STAFF = 200_000
#: The longest staff number (PIN, 工号) kept; DingTalk's UserId, the longest seen, has 18 digits.
MAX_STAFF_ID_CHARS = 32
#: The largest text file (attlog or CSV) read: a ZKTeco line is about 40 bytes, so this is some
#: 13 million lines, and a DingTalk 原始记录 month as CSV (about 250 bytes a row) twice over.
MAX_TEXT_BYTES = 512 * 2**20
#: The longest ZKTeco line read (a record is about 40 bytes); the rest of a longer one is skipped.
MAX_LINE_BYTES = 4096
#: The longest 统计日期 period of a 打卡时间 grid: one column a day, a year at most.
MAX_GRID_DAYS = 366
#: Record text quoted in a problem is cut to this many characters.
QUOTE_CHARS = 40

_HEAD_BYTES = 2**16
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_UTF8_BOM = b"\xef\xbb\xbf"
_DIGITS = re.compile(r"[0-9]+")
_DATETIME = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?")
_CLOCK_TIME = re.compile(r"(次日)?\s*(\d{1,2}):(\d{2})(?::(\d{2}))?")
_PERIOD = re.compile(r"统计日期[：:]\s*(\d{4}-\d{2}-\d{2})\s*至\s*(\d{4}-\d{2}-\d{2})")
_STAFF_COLUMN = "工号"
_TIME_COLUMN = "打卡时间"
_ORIGIN = dt.datetime.min
_SECOND = dt.timedelta(seconds=1)


class PunchFileError(Exception):
    """The file as a whole is not a readable punch export; the message says why and what is allowed: the
    English as ``str``, both languages as ``said`` (``wording.said_of``)."""

    def __init__(self, said: Said | str) -> None:
        self.said = said if isinstance(said, Said) else Said.same(said)
        super().__init__(self.said.en)


class _BadRecord(Refused):
    """One record cannot be read; what it says (``said``) becomes a `Problem`."""


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
    """One sentence: why the record was skipped (English)."""
    message_zh: str = attrs.field(default="", eq=False)
    """The same in Chinese ("" where none was kept); a problem equals one that has only the English."""
    where_zh: str = attrs.field(default="", eq=False)
    """``where`` in Chinese (``原始记录 第5行 C列``)."""

    @property
    def said(self) -> Said:
        """Why, in both languages."""
        return Said(self.message_zh or self.message, self.message)

    @property
    def place(self) -> Said:
        """Where, in both languages."""
        return Said(self.where_zh or self.where, self.where)


#: A place in a file: (prefix, number, column or 0), e.g. ``("原始记录 row ", 5, 10)`` is ``原始记录 row 5 column J``.
Place = tuple[str, int, int]
#: What one record gives: (staff id, time) for a punch, what is said of a problem, None when it is blank.
_Result = tuple[str, dt.datetime] | Said | None


# ---------------------------------------------------------------------------------------------------
# What a file gives, kept in columns


class _Records:
    """Places of records, in arrays; the base of `Punches` and `Problems`."""

    def __init__(self) -> None:
        self._prefixes: list[str] = []
        self._prefix_ids: dict[str, int] = {}
        self._prefix = array("H")
        self._number = array("L")
        self._column = array("H")

    def _add_place(self, place: Place) -> None:
        prefix, number, column = place
        prefix_id = self._prefix_ids.get(prefix)
        if prefix_id is None:
            prefix_id = self._prefix_ids[prefix] = len(self._prefixes)
            self._prefixes.append(prefix)
        self._prefix.append(prefix_id)
        self._number.append(number)
        self._column.append(column)

    def _place(self, index: int) -> Place:
        return self._prefixes[self._prefix[index]], self._number[index], self._column[index]

    def _where(self, index: int) -> str:
        column = self._column[index]
        where = f"{self._prefixes[self._prefix[index]]}{self._number[index]}"
        return f"{where} column {get_column_letter(column)}" if column else where

    def _parts(self, index: int) -> tuple[str, int, str]:
        """(prefix, number, column letter or "") of a place, as ``wording.place`` says it in both languages."""
        column = self._column[index]
        return self._prefixes[self._prefix[index]], self._number[index], get_column_letter(column) if column else ""

    def __len__(self) -> int:
        return len(self._number)

    def _item(self, index: int) -> object:
        raise NotImplementedError

    def _index(self, index: int) -> int:
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"{type(self).__name__} index out of range")
        return index

    def __getitem__(self, index: int | slice) -> object:
        if isinstance(index, slice):
            return tuple(self._item(i) for i in range(*index.indices(len(self))))
        return self._item(self._index(index))

    def __iter__(self) -> Iterator[object]:
        return (self._item(i) for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _Records | tuple | list):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {len(self)}>"


class Punches(_Records, Sequence[Punch]):
    """The punches of a file, in file order: a read-only sequence of `Punch`, each made as it is asked for."""

    def __init__(self) -> None:
        super().__init__()
        self._staff_ids: list[str] = []
        self._staff_index: dict[str, int] = {}
        self._staff = array("L")
        self._seconds = array("q")

    def _add(self, staff_id: str, at: dt.datetime, place: Place) -> None:
        index = self._staff_index.get(staff_id)
        if index is None:
            if len(self._staff_ids) >= MAX_STAFF:
                raise PunchFileError(say("too_many_numbers", count=f"{MAX_STAFF:,}"))
            index = self._staff_index[staff_id] = len(self._staff_ids)
            self._staff_ids.append(staff_id)
        self._staff.append(index)
        self._seconds.append((at - _ORIGIN) // _SECOND)
        self._add_place(place)

    def _item(self, index: int) -> Punch:
        return Punch(staff_id=self._staff_ids[self._staff[index]],
                     at=_ORIGIN + dt.timedelta(seconds=self._seconds[index]), where=self._where(index))

    def rows(self) -> Iterator[tuple[str, dt.datetime, str]]:
        """(staff id, time, place) of each punch, in file order: what each `Punch` holds, without making one."""
        staff_ids, staff, seconds, where = self._staff_ids, self._staff, self._seconds, self._where
        for index in range(len(self)):
            yield staff_ids[staff[index]], _ORIGIN + dt.timedelta(seconds=seconds[index]), where(index)

    def staff_counts(self) -> dict[str, int]:
        """How many punches each staff number has, counted in the columns."""
        staff_ids = self._staff_ids
        return {staff_ids[index]: count for index, count in Counter(self._staff).items()}

    @overload
    def __getitem__(self, index: int) -> Punch: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Punch, ...]: ...
    def __getitem__(self, index: int | slice) -> Punch | tuple[Punch, ...]:
        return super().__getitem__(index)  # type: ignore[return-value]

    def __iter__(self) -> Iterator[Punch]:
        return super().__iter__()  # type: ignore[return-value]


class Problems(_Records, Sequence[Problem]):
    """The problems of a file, in file order: a read-only sequence of `Problem`, messages kept as UTF-8, each
    its Chinese then its English (where the Chinese ends kept beside)."""

    def __init__(self) -> None:
        super().__init__()
        self._text = bytearray()
        self._ends = array("Q")
        self._zh_ends = array("Q")

    def _add(self, message: Said, place: Place) -> None:
        self._text += message.zh.encode("utf-8", "surrogatepass")
        self._zh_ends.append(len(self._text))
        self._text += message.en.encode("utf-8", "surrogatepass")
        self._ends.append(len(self._text))
        self._add_place(place)

    def _said(self, index: int) -> Said:
        start, middle = self._ends[index - 1] if index else 0, self._zh_ends[index]
        text = self._text
        return Said(text[start:middle].decode("utf-8", "surrogatepass"),
                    text[middle:self._ends[index]].decode("utf-8", "surrogatepass"))

    def _item(self, index: int) -> Problem:
        said, where = self._said(index), wording.place(*self._parts(index))
        return Problem(where=where.en, message=said.en, message_zh=said.zh, where_zh=where.zh)

    @overload
    def __getitem__(self, index: int) -> Problem: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Problem, ...]: ...
    def __getitem__(self, index: int | slice) -> Problem | tuple[Problem, ...]:
        return super().__getitem__(index)  # type: ignore[return-value]

    def __iter__(self) -> Iterator[Problem]:
        return super().__iter__()  # type: ignore[return-value]


@attrs.frozen
class PunchFile:
    """Everything read from one file."""

    punches: Punches
    """In file order."""
    problems: Problems
    """In file order."""
    format: str
    """One of `FORMATS`."""

    def near(self, today: dt.date) -> PunchFile:
        """This file without the punches dated before 2000 or more than a year after ``today`` (a machine
        whose clock was never set, or a cell that is not a date): each is a problem at its place instead,
        after the file's other problems, and the rest of the file counts."""
        early = (dt.datetime.combine(EARLIEST.date(), dt.time()) - _ORIGIN) // _SECOND
        late = (dt.datetime.combine(year_after(today) + dt.timedelta(days=1), dt.time()) - _ORIGIN) // _SECOND
        seconds = self.punches._seconds
        if not seconds or (early <= min(seconds) and max(seconds) < late):  # the usual case, in C
            return self
        punches, problems = Punches(), Problems()
        for index in range(len(self.problems)):
            problems._add(self.problems._said(index), self.problems._place(index))
        for index, punch in enumerate(self.punches):
            far = far_from_today(punch.at.date(), today=today)
            if far is None:
                punches._add(punch.staff_id, punch.at, self.punches._place(index))
            else:
                problems._add(say("punch_far", staff=_quote(punch.staff_id), far=_far(punch.at.date(), today, far)),
                              self.punches._place(index))
        return PunchFile(punches=punches, problems=problems, format=self.format)


class _Reading:
    """What a file gives, gathered record by record; refuses the file past the caps."""

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt
        self.punches = Punches()
        self.problems = Problems()

    def add(self, result: _Result, place: Place) -> None:
        if result is None:
            return
        if not isinstance(result, Said) and len(result[0]) > MAX_STAFF_ID_CHARS:
            result = say("staff_number_long", typed=_quote(result[0]), length=f"{len(result[0]):,}",
                         most=MAX_STAFF_ID_CHARS)
        elif not isinstance(result, Said) and not result[0].isprintable() and any(unsafe(ch) for ch in result[0]):
            result = say("staff_number_control", typed=_quote(result[0]))
        if isinstance(result, Said):
            if len(self.problems) >= MAX_PROBLEMS:
                first = self.problems[0]
                message = Said(first.said.zh.rstrip("。."), first.message.rstrip("."))
                raise PunchFileError(say("too_many_bad", count=f"{MAX_PROBLEMS:,}", where=first.place,
                                         message=message))
            self.problems._add(result, place)
            return
        if len(self.punches) >= MAX_PUNCHES:
            raise PunchFileError(say("too_many_punches", count=f"{MAX_PUNCHES:,}"))
        self.punches._add(result[0], result[1], place)

    def done(self) -> PunchFile:
        return PunchFile(punches=self.punches, problems=self.problems, format=self.fmt)


def _cut(text: str) -> str:
    """``text`` for a message, cut to `QUOTE_CHARS` characters."""
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS] + "…"


def _quote(text: str) -> str:
    """``text`` in quotes for a message, cut to `QUOTE_CHARS` characters."""
    return repr(_cut(text))


def _far(day: dt.date, today: dt.date, far: str) -> Said:
    """``typed.far_from_today``'s reason ``far`` for ``day``, in both languages."""
    if day < EARLIEST.date():
        return Said(say("far_before", day=day, earliest=EARLIEST.date()).zh, far)
    return Said(say("far_after", day=day, today=today).zh, far)


# ---------------------------------------------------------------------------------------------------
# Whole files


def read_punch_file(path: Path, fmt: str | None = None) -> PunchFile:
    """Read the punch file at ``path``, as ``fmt`` or, when None, as its suffix and content suggest."""
    if fmt is not None and fmt not in FORMATS:
        raise PunchFileError(say("unknown_format", typed=repr(fmt), formats=_FORMAT_NAMES))
    head = _read_head(path)
    fmt = fmt or guess_format(path, head)
    if fmt == "dingtalk" and head.startswith(_ZIP_MAGIC):
        return parse_dingtalk_xlsx(path)
    if fmt == "dingtalk" and path.suffix.lower() in (".xlsx", ".xlsm"):
        raise PunchFileError(say("not_xlsx", name=path.name))
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise PunchFileError(say("punch_file_big", name=path.name, size=size_text(size),
                                 limit=size_text(MAX_TEXT_BYTES)))
    if fmt == "zkteco":
        with _opened(path) as file:
            return _read_zkteco(file)
    try:
        encoding = encoding_of(path, MAX_TEXT_BYTES)
    except ValueError as exc:
        raise PunchFileError(say("file_said", name=path.name, why=said_of(exc))) from None
    with _opened(path, encoding) as stream:
        if stream.read(1) != "\ufeff":
            stream.seek(0)
        return _read_dingtalk_csv(stream) if fmt == "dingtalk" else _read_plain_csv(stream)


def guess_format(path: Path, data: bytes) -> str:
    """The format of a file: ``.dat`` is ZKTeco, ``.xlsx`` DingTalk, ``.csv`` DingTalk or plain by header.

    ``data`` is the file's bytes, or their start (`read_punch_file` gives the first 64 KB).
    """
    suffix = path.suffix.lower()
    if suffix == ".dat":
        return "zkteco"
    if suffix in (".xlsx", ".xlsm") or data.startswith(_ZIP_MAGIC):
        return "dingtalk"
    if data.startswith(_OLE_MAGIC):
        raise PunchFileError(say("old_xls", name=path.name))
    text = decode_text(data, path.name, final=False)
    if suffix == ".csv":
        return "dingtalk" if _find_header(_head_rows(text)) is not None else "csv"
    return _sniff_text(text, path.name)


def _sniff_text(text: str, name: str) -> str:
    """The format of a text file whose suffix says nothing."""
    rows = _head_rows(text)
    if _find_header(rows) is not None:
        return "dingtalk"
    if rows and {"staff", "time"} <= {cell.strip().lower() for cell in rows[0]}:
        return "csv"
    lines = [line for line in text.splitlines()[:HEADER_SEARCH_ROWS] if line.strip()]
    if any(isinstance(_zkteco_line(line.encode()), tuple) for line in lines):
        return "zkteco"
    raise PunchFileError(say("unknown_kind", name=name, formats=_FORMAT_NAMES))


def _head_rows(text: str) -> list[list[str]]:
    """The first CSV rows of a file's start (none when even they are not CSV)."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        return list(itertools.islice(reader, HEADER_SEARCH_ROWS))
    except csv.Error:
        return []


def _read_head(path: Path) -> bytes:
    with _opened(path) as file:
        return file.read(_HEAD_BYTES)


@overload
def _opened(path: Path) -> IO[bytes]: ...
@overload
def _opened(path: Path, encoding: str) -> TextIO: ...
def _opened(path: Path, encoding: str | None = None) -> IO[bytes] | TextIO:
    """The file opened for reading (as text in ``encoding``, if given); `PunchFileError` when it cannot be."""
    try:
        if encoding is None:
            return path.open("rb")
        return path.open(encoding=encoding, newline="")
    except FileNotFoundError:
        raise PunchFileError(say("no_punch_file", path=path)) from None
    except IsADirectoryError:
        raise PunchFileError(say("punch_folder", path=path)) from None
    except OSError as exc:
        raise PunchFileError(say("punch_unreadable", path=path, why=exc.strerror)) from None


def decode_text(data: bytes, name: str, *, final: bool = True) -> str:
    """Text of a CSV punch file (see `textfile.decode`); `PunchFileError` naming the file if it is not text."""
    try:
        return decode(data, final=final)
    except ValueError as exc:
        raise PunchFileError(say("file_said", name=name, why=said_of(exc))) from None


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
        raise _BadRecord(say("not_a_datetime", typed=_quote(text)))
    year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
    try:
        moment = dt.datetime(year, month, day, hour, minute, second)
    except ValueError as exc:
        raise _BadRecord(say("no_such_datetime", typed=_quote(text), why=exc)) from None
    return _check_year(moment)


def _check_year(moment: dt.datetime) -> dt.datetime:
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise _BadRecord(say("garbage_year", year=moment.year, earliest=EARLIEST_YEAR, latest=LATEST_YEAR))
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
    return _read_zkteco(io.BytesIO(data))


def _read_zkteco(file: IO[bytes]) -> PunchFile:
    if file.read(len(_ZIP_MAGIC)) == _ZIP_MAGIC:
        raise PunchFileError(say("zip_not_attlog"))
    file.seek(0)
    reading = _Reading("zkteco")
    for number, raw in enumerate(_lines(file), 1):
        if raw is None:
            result: _Result = say("line_too_long", count=f"{MAX_LINE_BYTES:,}")
        else:  # a file saved by Notepad starts with a BOM, which is no part of the first PIN
            result = _zkteco_line(raw.removeprefix(_UTF8_BOM) if number == 1 else raw)
        reading.add(result, ("line ", number, 0))
    return reading.done()


def _lines(file: IO[bytes]) -> Iterator[bytes | None]:
    """The lines of ``file`` without their LF, None for one longer than `MAX_LINE_BYTES` (skipped a piece at a
    time, never held whole); refused past `MAX_TEXT_BYTES`, for a file whose size stat cannot tell."""
    size = 0
    while line := file.readline(MAX_LINE_BYTES + 1):
        size += len(line)
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while rest := file.readline(MAX_LINE_BYTES):
                size += len(rest)
                if rest.endswith(b"\n") or size > MAX_TEXT_BYTES:
                    break
        if size > MAX_TEXT_BYTES:
            raise PunchFileError(say("punch_text_big", size=size_text(MAX_TEXT_BYTES)))
        yield None if len(line) > MAX_LINE_BYTES else line.removesuffix(b"\n")


def _zkteco_line(raw: bytes) -> _Result:
    """One line: a punch, a problem, or None when it is blank (spaces, NULs or nothing)."""
    nuls = raw.count(b"\x00")
    raw = raw.replace(b"\x00", b"").removesuffix(b"\r")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return say("not_text_line")
    if not text.strip():
        return None
    try:
        return _zkteco_fields(text)
    except _BadRecord as exc:
        if nuls:
            return say("nul_bytes", count=nuls, typed=_quote(text.strip()))
        return exc.said


def _zkteco_fields(text: str) -> tuple[str, dt.datetime]:
    """PIN and time of a line: ``PIN, time, …`` or ``PIN, name, time, …``."""
    fields = text.split("\t")
    time_at = next((i for i in (1, 2) if i < len(fields) and _DATETIME.fullmatch(fields[i].strip())), None)
    if time_at is None:
        raise _BadRecord(say("not_a_punch"))
    pin = fields[0].strip()
    if not pin:
        raise _BadRecord(say("no_pin"))
    if not _DIGITS.fullmatch(pin):
        raise _BadRecord(say("pin_not_number", typed=_quote(pin)))
    return pin, parse_datetime(fields[time_at])


# ---------------------------------------------------------------------------------------------------
# Plain staff,time CSV


def parse_plain_csv(text: str) -> PunchFile:
    """Punches of a ``staff,time`` CSV; the header line is required, problems name their line."""
    return _read_plain_csv(TextLines(text))


def _read_plain_csv(stream: Lines) -> PunchFile:
    rows = csv_rows(stream)
    reading = _Reading("csv")
    try:
        header = next(rows, (0, []))[1]
        staff_at, time_at = _plain_header(header)
        for line, row in rows:
            reading.add(_plain_row(row, staff_at, time_at), ("line ", line, 0))
    except CsvError as exc:
        raise PunchFileError(say("csv_broken", line=exc.line, why=str(exc))) from None
    return reading.done()


def _plain_header(header: Sequence[str]) -> tuple[int, int]:
    names = [cell.strip().lower() for cell in header]
    if "staff" not in names or "time" not in names:
        raise PunchFileError(say("plain_header", typed=_quote(",".join(header))))
    return names.index("staff"), names.index("time")


def _plain_row(row: Sequence[str], staff_at: int, time_at: int) -> _Result:
    if not "".join(row).strip():
        return None
    if len(row) <= max(staff_at, time_at):
        return say("row_fields", count=len(row))
    staff_id = row[staff_at].strip()
    if not staff_id:
        return say("staff_column_empty")
    try:
        return staff_id, parse_datetime(row[time_at])
    except _BadRecord as exc:
        return exc.said


# ---------------------------------------------------------------------------------------------------
# DingTalk: files


def parse_dingtalk_csv(text: str) -> PunchFile:
    """Punches of a DingTalk export saved as CSV; places are ``row N`` (CSV records, not lines)."""
    return _read_dingtalk_csv(TextLines(text))


def _read_dingtalk_csv(stream: Lines) -> PunchFile:
    records = csv_rows(stream)
    try:
        return _read_dingtalk(((number, row) for number, (_, row) in enumerate(records, 1)), sheet="")
    except CsvError as exc:
        raise PunchFileError(say("csv_broken", line=exc.line, why=str(exc))) from None


def parse_dingtalk_xlsx(source: Path | bytes) -> PunchFile:
    """Punches of a DingTalk workbook, from 原始记录, else 打卡时间, else the first sheet with a header."""
    try:
        with xlsxfile.Workbook(source if isinstance(source, Path) else io.BytesIO(source)) as book:
            return _read_workbook(book)
    except xlsxfile.XlsxError as exc:
        message = str(exc)
        said = Said(message, f"{message[:1].upper()}{message[1:]}")  # xlsxfile's sentence is English only
        raise PunchFileError(say("workbook_refused", why=said)) from None
    # What xlsxfile does not catch itself: damage found by zipfile or zlib while a part is inflated.
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, OSError) as exc:
        raise PunchFileError(say("workbook_damaged", why=exc)) from None


def _read_workbook(book: xlsxfile.Workbook) -> PunchFile:
    names = book.sheetnames
    preferred = [name for name in ("原始记录", "打卡时间") if name in names]
    others = [name for name in names if name not in preferred]
    for name in preferred + others:
        if _find_header([row for _, row in book.rows(name, last=HEADER_SEARCH_ROWS)]) is not None:
            return _read_dingtalk(book.rows(name), sheet=name)
    raise PunchFileError(say("no_punch_sheet", names=Said("、".join(names), ", ".join(names)),
                             rows=HEADER_SEARCH_ROWS))


# ---------------------------------------------------------------------------------------------------
# DingTalk: rows


def parse_dingtalk_rows(rows: Iterable[Sequence[object]], sheet: str) -> PunchFile:
    """Punches of one sheet's rows (row 1 first), one-per-row or the 打卡时间 grid, told by the header."""
    return _read_dingtalk(enumerate(rows, 1), sheet)


def _read_dingtalk(rows: Iterable[tuple[int, Sequence[object]]], sheet: str) -> PunchFile:
    """Punches of numbered rows (rows left out are empty), read as they come: title rows, the header row
    among the first `HEADER_SEARCH_ROWS`, then records, or day labels and the grid."""
    rows = iter(rows)
    titles: list[Sequence[object]] = []
    header: tuple[int, Sequence[object]] | None = None
    for number, row in rows:
        if number > HEADER_SEARCH_ROWS:
            break
        if _is_header(row):
            header = number, row
            break
        titles.append(row)
    if header is None:
        where = say("the_sheet", sheet=sheet) if sheet else say("the_file")
        raise PunchFileError(say("no_punch_header", place=where, rows=HEADER_SEARCH_ROWS))
    header_number, header_row = header
    columns = _column_map(header_row)
    following = next(rows, None)
    labels = following[1] if following is not None and following[0] == header_number + 1 else ()
    prefix = f"{sheet} row " if sheet else "row "
    reading = _Reading("dingtalk")
    if _is_grid(header_row, labels, columns):
        days = _grid_days(titles, labels, columns[_TIME_COLUMN], sheet)
        for number, row in rows:
            for place, result in _grid_row(row, (prefix, number, 0), columns, days):
                reading.add(result, place)
    else:
        for number, row in itertools.chain([following] if following else [], rows):
            reading.add(_record_row(row, columns), (prefix, number, 0))
    return reading.done()


def _is_header(row: Sequence[object]) -> bool:
    return {_STAFF_COLUMN, _TIME_COLUMN} <= {_text(cell) for cell in row}


def _find_header(rows: Sequence[Sequence[object]]) -> int | None:
    """Index of the first row (among the first few) holding both 工号 and 打卡时间 cells."""
    return next((index for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]) if _is_header(row)), None)


def _column_map(header: Sequence[object]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        columns.setdefault(_text(cell), index)
    return columns


def _text(value: object) -> str:
    """A cell as stripped text; whole-number floats lose their ``.0`` (``1001.0`` is ``1001``)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _cell(row: Sequence[object], index: int | None) -> object:
    return row[index] if index is not None and index < len(row) else None


def _record_row(row: Sequence[object], columns: dict[str, int]) -> _Result:
    """One row of a one-punch-per-row sheet (原始记录, 打卡记录)."""
    if not any(_text(cell) for cell in row):
        return None
    result = _text(_cell(row, columns.get("打卡结果")))
    if result.startswith("打卡无效"):
        return say("dingtalk_invalid", result=_cut(result))
    if _text(_cell(row, columns.get("是否有效"))) == "否":
        return say("export_invalid")
    staff_id = _text(_cell(row, columns[_STAFF_COLUMN]))
    if not staff_id:
        return say("gonghao_empty")
    try:
        return staff_id, _cell_datetime(_cell(row, columns[_TIME_COLUMN]))
    except _BadRecord as exc:
        return exc.said


def _cell_datetime(value: object) -> dt.datetime:
    """A 打卡时间 cell: text like ``2026-05-01 08:23`` or a real Excel datetime."""
    if isinstance(value, dt.datetime):
        return _check_year(_to_second(value))
    if isinstance(value, str) and value.strip():
        return parse_datetime(value)
    if _text(value) == "":
        raise _BadRecord(say("punch_time_empty"))
    raise _BadRecord(say("punch_time_bad", typed=_quote(_text(value))))


# ---------------------------------------------------------------------------------------------------
# DingTalk: the 打卡时间 grid (one row per person, one column per day)


def _is_grid(header: Sequence[object], labels: Sequence[object], columns: dict[str, int]) -> bool:
    """True for the 打卡时间 grid: nothing right of 打卡时间 in the header, day labels in the row below it."""
    first_day = columns[_TIME_COLUMN]
    if any(_text(cell) for cell in header[first_day + 1 :]):
        return False
    label = _text(_cell(labels, first_day))
    return bool(label) and not _text(_cell(labels, columns[_STAFF_COLUMN])) and not _DATETIME.match(label)


def _grid_days(
    titles: Sequence[Sequence[object]], labels: Sequence[object], first_day: int, sheet: str
) -> list[tuple[int, dt.date]]:
    """(column index, date) of each day column: the k-th from 打卡时间 on is the period's k-th day."""
    start, end = _grid_period(titles, sheet)
    count = (end - start).days + 1
    if count > MAX_GRID_DAYS:
        raise PunchFileError(say("grid_too_long", sheet=sheet or "打卡时间", count=f"{count:,}", most=MAX_GRID_DAYS))
    if first_day + count > xlsxfile.MAX_COLUMNS:
        raise PunchFileError(say("grid_too_wide", sheet=sheet or "打卡时间",
                                 column=get_column_letter(xlsxfile.MAX_COLUMNS)))
    days = []
    for offset in range(count):
        column, day = first_day + offset, start + dt.timedelta(days=offset)
        label = _text(_cell(labels, column))
        if _DIGITS.fullmatch(label) and int(label) != day.day:
            raise PunchFileError(say("grid_label", column=get_column_letter(column + 1), sheet=sheet or "打卡时间",
                                     typed=_quote(label), day=day))
        days.append((column, day))
    return days


def _grid_period(titles: Sequence[Sequence[object]], sheet: str) -> tuple[dt.date, dt.date]:
    """The 统计日期 period from the title rows, e.g. ``打卡时间 统计日期：2026-05-01 至 2026-05-31``."""
    for row in titles:
        for cell in row:
            match = _PERIOD.search(_text(cell))
            if match:
                try:
                    start, end = (dt.date.fromisoformat(part) for part in match.groups())
                except ValueError:
                    continue
                if start <= end:
                    return start, end
    raise PunchFileError(say("grid_no_period", sheet=sheet or "打卡时间"))


def _grid_row(
    row: Sequence[object], place: Place, columns: dict[str, int], days: list[tuple[int, dt.date]]
) -> Iterator[tuple[Place, _Result]]:
    """The punches of one person's row, or one problem when the row has punches but no 工号."""
    cells = [(column, day, row[column]) for column, day in days if _text(_cell(row, column))]
    staff_id = _text(_cell(row, columns[_STAFF_COLUMN]))
    if not cells:
        return
    if not staff_id:
        yield place, say("grid_row_no_one")
        return
    prefix, number, _ = place
    for column, day, value in cells:
        for result in _grid_cell(value, day, staff_id):
            yield (prefix, number, column + 1), result


def _grid_cell(value: object, day: dt.date, staff_id: str) -> list[_Result]:
    """All punches of one day cell: ``"19:12  \\n06:36  "``, or one Excel datetime or time.

    The cell lists punches in the order they happened, so a time earlier than the one before it
    (06:36 after 19:12) is on the next day, as is one written ``次日 02:18``.
    """
    if isinstance(value, dt.datetime | dt.time):
        return [_grid_excel_punch(value, day, staff_id)]
    results: list[_Result] = []
    previous: dt.datetime | None = None
    for entry in str(value).splitlines():
        if not entry.strip():
            continue
        try:
            at = _clock_time(entry, day)
        except _BadRecord as exc:
            results.append(exc.said)
            continue
        if previous is not None and at < previous:
            at += dt.timedelta(days=1)
        previous = at
        results.append((staff_id, at))
    return results


def _grid_excel_punch(value: dt.datetime | dt.time, day: dt.date, staff_id: str) -> _Result:
    """The punch of a day cell holding a real Excel datetime, or a time on that day."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(day, value)
    try:
        return staff_id, _check_year(_to_second(moment))
    except _BadRecord as exc:
        return exc.said


def _clock_time(entry: str, day: dt.date) -> dt.datetime:
    """``08:23`` on ``day``, or ``次日 02:18`` on the day after."""
    match = _CLOCK_TIME.fullmatch(entry.strip())
    if match is None:
        raise _BadRecord(say("not_a_clock_time", typed=_quote(entry.strip())))
    next_day, hour, minute, second = match.groups()
    try:
        clock = dt.time(int(hour), int(minute), int(second or 0))
    except ValueError as exc:
        raise _BadRecord(say("no_such_clock_time", typed=_quote(entry.strip()), why=exc)) from None
    try:
        return dt.datetime.combine(day + dt.timedelta(days=1 if next_day else 0), clock)
    except OverflowError:
        raise _BadRecord(say("after_last_date", typed=_quote(entry.strip()))) from None
