"""The text of a file a person exported from Excel, DingTalk or an attendance machine's software,
and the records of such a file when it is a CSV with a header.

Chinese offices save CSV three ways: "CSV UTF-8" (with a BOM), plain "CSV" (GB18030 on a Chinese
Windows) and "Unicode text" (UTF-16 with a BOM). All three are read here, and nowhere else::

    >>> decode("工号,姓名\\n".encode("gb18030"))
    '工号,姓名\\n'

A file read whole (a roster, events, a schedule, leave) is held as bytes and as text at once, so
it may be at most `MAX_CSV_BYTES` (`read_capped` reads one no further than that); its records are
parsed again on each pass over them rather than kept (`CsvRecords`).
A punch file, which can be far bigger, is not read whole: `encoding_of` finds its encoding chunk
by chunk and `csv_rows` reads it record by record, each record at most `MAX_RECORD_CHARS`.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import attrs

from .typed import Refused
from .wording import Said, say

#: The largest file read whole (roster, events, schedule, leave). Its bytes and text are in memory
#: together, and what the rows become: events read by `logfile` take about 10 times the file, so
#: 24 MB of events read in some 210 MB. Real files fit well under it: a month of violations for a
#: 30,000-person chain (5.5 a person) is 12 MB, its roster 3 MB, a full month's rota 25 MB (but a
#: schedule file lists only the days that differ from the calendar).
MAX_CSV_BYTES = 24 * 2**20
#: The longest CSV record (line, or lines joined by quoted line breaks). Real records are under
#: a kilobyte; a record of a million commas would otherwise be a list of a million fields.
MAX_RECORD_CHARS = 2**20
_CHUNK = 2**20


def size_text(size: int) -> str:
    """``1.2 GB``, ``64 MB``, ``24.1 MB``, ``900 KB``, ``12 bytes``: a file size as people read it."""
    for unit, scale in (("GB", 2**30), ("MB", 2**20)):
        if size >= scale:
            return f"{size / scale:,.1f}".removesuffix(".0") + f" {unit}"
    return f"{size // 2**10:,} KB" if size >= 2**10 else f"{size:,} bytes"


def check_size(size: int, limit: int | None = None) -> None:
    """``ValueError`` with one sentence when a file of ``size`` bytes is more than an import takes
    (``limit``, by default `MAX_CSV_BYTES`)."""
    limit = MAX_CSV_BYTES if limit is None else limit
    if size > limit:
        shown = Said.same(size_text(size)) if size_text(size) != size_text(limit) else say("over_size",
                                                                                            size=size_text(limit))
        raise Refused(say("file_too_big", size=shown, limit=size_text(limit)))


def read_capped(path: str | Path, limit: int | None = None) -> bytes:
    """The bytes of the file at ``path``, read no further than ``limit`` (by default `MAX_CSV_BYTES`);
    ``ValueError`` (`check_size`'s sentence) when it is longer. ``OSError`` (``FileNotFoundError``,
    ``IsADirectoryError``…) as ``open`` raises it."""
    limit = MAX_CSV_BYTES if limit is None else limit
    with Path(path).open("rb") as file:
        data = file.read(limit + 1)
        if len(data) > limit:
            file.seek(0, io.SEEK_END)
            check_size(max(file.tell(), len(data)), limit)
    return data


def decode(data: bytes, *, final: bool = True) -> str:
    """The file's text; ``ValueError`` with one sentence on what to do when it is none of those.

    With ``final=False``, ``data`` is the start of a file: a character cut at its end is left off.
    """
    if final:
        check_size(len(data))
    for encoding in _candidates(data):
        try:
            return codecs.getincrementaldecoder(encoding)().decode(data, final=final)
        except UnicodeDecodeError:
            pass
    raise Refused(say("not_text"))


def _candidates(head: bytes) -> list[str]:
    """The encodings a file starting with ``head`` may be in, in the order tried; ``ValueError`` for UTF-16
    without a BOM."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return ["utf-16"]
    if _looks_like_utf16(head[:200]):
        raise Refused(say("utf16_no_bom"))
    return ["utf-8-sig", "gb18030"]


def encoding_of(path: Path, limit: int) -> str:
    """The encoding `decode` would read the file at ``path`` with, found a chunk at a time.

    ``ValueError`` as `decode` raises it, or when the file holds more than ``limit`` bytes.
    """
    with path.open("rb") as file:
        for encoding in _candidates(file.read(_CHUNK)):
            file.seek(0)
            if _decodes(file, encoding, limit):
                return encoding
    raise Refused(say("not_text"))


def _decodes(file: io.BufferedReader, encoding: str, limit: int) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    size = 0
    try:
        while chunk := file.read(_CHUNK):
            size += len(chunk)
            check_size(size, limit)
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


class CsvError(ValueError):
    """The file stops being CSV at ``line``; the message (no stop) says why: the csv module's words, or,
    for a field or record over its cap, a sentence of ours."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


class Lines(Protocol):
    """What `csv_rows` reads: a text file opened with ``newline=""``, or `TextLines`."""

    def readline(self, limit: int = -1, /) -> str: ...


def csv_rows(stream: Lines) -> Iterator[tuple[int, list[str]]]:
    """(line the record ends on, fields) of each CSV record of ``stream`` (a file opened with ``newline=""``).

    `CsvError` where the file stops being CSV, or where a record grows past `MAX_RECORD_CHARS`
    (which is never read further than that).
    """
    size = 0

    def lines() -> Iterator[str]:
        nonlocal size
        while line := stream.readline(MAX_RECORD_CHARS - size + 1):
            size += len(line)
            if size > MAX_RECORD_CHARS:
                raise CsvError(reader.line_num + 1, f"a record is longer than {MAX_RECORD_CHARS:,} characters, "
                                                    "which no real record is; is a quote left open?")
            yield line

    reader = csv.reader(lines())
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise CsvError(reader.line_num, _csv_message(exc)) from None
        size = 0
        yield reader.line_num, row


def _csv_message(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return (f"a field is longer than {csv.field_size_limit():,} characters, which no real field is; "
                "is a quote left open?")
    return str(exc)


def _looks_like_utf16(head: bytes) -> bool:
    """ASCII text in UTF-16 has a NUL in every other byte (a run of NULs in a machine dump does not alternate)."""
    odd, even = head[1::2], head[0::2]
    return len(head) >= 8 and (odd.count(0) > 0.8 * len(odd) or even.count(0) > 0.8 * len(even)) and \
        not (odd.count(0) > 0.8 * len(odd) and even.count(0) > 0.8 * len(even))


#: Rows that cannot be read listed for one file. A file with any is refused anyway, so past this
#: many reading stops (with a last problem saying so): a file of a million bad lines is not listed.
MAX_PROBLEMS = 1000


class TextLines:
    """``readline`` over a str without copying it, as `csv_rows` wants (``io.StringIO`` keeps its own
    copy at 4 bytes a character); line ends as with ``newline=""``. A leading BOM is skipped."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 1 if text.startswith("\ufeff") else 0

    def readline(self, limit: int = -1) -> str:
        end = len(self.text) if limit < 0 else min(len(self.text), self.at + limit)
        found = _LINE_END.search(self.text, self.at, end)
        stop = found.end() if found else end
        line, self.at = self.text[self.at:stop], stop
        return line


_LINE_END = re.compile(r"\r\n|\r|\n")


class CsvRecords:
    """(line, {column: stripped cell}) of every row that is not blank and has the header's width, read
    again from the text on each pass (a dict a row for every row at once would be 20 times the file)."""

    def __init__(self, text: str, header: tuple[str, ...], count: int, stop: int) -> None:
        self._text, self._header, self._count, self._stop = text, header, count, stop

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        header = self._header
        rows = csv_rows(TextLines(self._text))
        try:
            next(rows, None)
            for line, row in rows:
                if line >= self._stop:
                    return
                if len(row) == len(header) and "".join(row).strip():
                    yield line, {key: cell.strip() for key, cell in zip(header, row, strict=True)}
        except CsvError:  # where the first pass found the file stops being CSV
            return


@attrs.frozen
class CsvFile:
    """A CSV file with a header: its column names and its records, each with its line."""

    header: tuple[str, ...]
    """Column names, stripped and lowercased; empty when the file is."""
    records: CsvRecords
    """(line, {column: stripped cell}) of every row that is not blank and has the header's width."""
    problems: tuple[tuple[int, Said], ...]
    """(line, why) for every row that could not be read, at most `MAX_PROBLEMS` and a last one saying so."""


def read_csv(text: str) -> CsvFile:
    """The header and records of a CSV text; ``ValueError`` when not even the header can be read.

    What the columns must be is the caller's to check; rows of the wrong width, and a file that
    stops being CSV part-way, are problems with their lines, and the rows before them still count.
    """
    rows = csv_rows(TextLines(text))
    try:
        header = tuple(cell.strip().lower() for cell in next(rows, (0, []))[1])
    except CsvError as exc:
        raise Refused(say("header_not_csv", why=str(exc))) from None
    count, stop = 0, sys.maxsize
    problems: list[tuple[int, Said]] = []
    try:
        for line, row in rows:
            if not "".join(row).strip():
                continue
            if len(row) == len(header):
                count += 1
            elif len(problems) < MAX_PROBLEMS:
                problems.append((line, say("row_width", fields=len(row), header=len(header))))
            else:
                problems.append((line, say("rows_stopped", count=f"{MAX_PROBLEMS:,}")))
                stop = line
                break
    except CsvError as exc:
        problems.append((exc.line, say("row_not_csv", why=str(exc))))
    return CsvFile(header, CsvRecords(text, header, count, stop), tuple(problems))
