"""The rows of an ``.xlsx`` workbook, read in bounded memory whatever the file holds.

An ``.xlsx`` file is a zip of XML parts. A hostile one is small on disk and huge inside: a
million rows each with a cell in column XFD (16,384 values a row once padded), a shared string
of a gigabyte, a sheet part that inflates a thousandfold. openpyxl, even in read-only mode,
keeps every row element it has seen, builds a whole row before handing it over, and loads the
shared strings as one list of objects, so its memory grows with what the file declares. This
module reads the parts itself with expat, one event at a time, and holds at most:

* the shared strings, as UTF-8 in one buffer (their part is capped below);
* one row, and of it only the first `MAX_COLUMNS` columns;
* one cell's text (at most `MAX_CELL_CHARS`), and what expat buffers of one unfinished XML token
  (at most `MAX_TOKEN_BYTES`).

Anything over a cap is refused with `XlsxError`, whose message is one sentence (lower case, no
final stop, like `textfile.decode`'s) saying what was wrong and what is allowed. The zip is
opened from its path, so its bytes are never all in memory::

    with Workbook(path) as book:
        for number, values in book.rows("原始记录"):
            ...   # number is the Excel row number, values[0] column A (None when empty)

Values are what openpyxl's ``data_only`` read gives: text, int or float, bool, a datetime (or a
time, or a timedelta for ``[h]:mm`` styles) for a number styled as a date, the cached result of
a formula, an error such as ``#N/A`` as its text.
"""

from __future__ import annotations

import contextlib
import posixpath
import struct
import zipfile
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import IO
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH, from_excel, from_ISO8601

from .textfile import size_text

#: Excel's own limits: no real workbook goes past them, so a file that does is not one.
EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384
#: Excel's limit on the text of one cell; a longer cell is refused.
MAX_CELL_CHARS = 32_767
#: Columns read of each row; cells to the right are skipped unread. DingTalk's widest sheet, the
#: 月度汇总, has about 70 columns and its 打卡时间 grid 6 + one per day (37 for a month, 372 for
#: a year), so 400 leaves room while a row of 16,384 columns costs no more than one of 400.
MAX_COLUMNS = 400
#: The largest zip central directory read (a 5-sheet export has 15 parts; this is some 50,000):
#: opening a zip builds an object per member, so a file of millions of empty members is refused first.
MAX_DIRECTORY_BYTES = 4 * 2**20
#: The shared-strings part is held in memory whole (as UTF-8, about its own size). A month of a
#: 30,000-person chain (about a million 原始记录 rows) repeats names, groups and minutes and needs
#: around 10 MB; 64 MB is six times that.
MAX_SHARED_STRINGS_BYTES = 64 * 2**20
#: Every other part read whole (workbook.xml, its relationships, styles.xml) is a few kilobytes
#: to a megabyte in real files.
MAX_PART_BYTES = 16 * 2**20
#: A sheet part is streamed, so its size costs time, not memory. A million-row 原始记录 sheet is
#: about 1 GB of XML (1 KB a row of 20 inline-string cells); 2 GB is twice that.
MAX_SHEET_BYTES = 2 * 2**30
#: Real parts inflate 10–30 times; a part over 1 MB that inflates more than 200 times is a zip bomb.
MAX_RATIO = 200
#: Expat holds an unfinished tag (or comment) whole; real tags are under a kilobyte.
MAX_TOKEN_BYTES = 2**20

_CHUNK = 2**16
_REL_TYPES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_END = b"PK\x06\x06"


class XlsxError(ValueError):
    """The workbook cannot be read, or is over a cap; the message is one sentence without its stop."""


# ---------------------------------------------------------------------------------------------------
# The zip


def _directory_size(file: IO[bytes]) -> int:
    """Bytes of the zip's central directory as `zipfile` will read it, found where `zipfile` looks: the end
    record at the very end, else the last one in the final 64 KB, and the zip64 record just before it."""
    file.seek(0, 2)
    size = file.tell()
    file.seek(max(0, size - 2**16 - 22))
    tail = file.read()
    at = len(tail) - 22 if tail[-22:-18] == _EOCD and tail[-2:] == b"\0\0" else tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        raise XlsxError("the file is not a zip archive, so not an .xlsx workbook (is it damaged?)")
    sizes = [struct.unpack_from("<L", tail, at + 12)[0]]
    if at >= 76 and tail[at - 20:at - 16] == _ZIP64_LOCATOR and tail[at - 76:at - 72] == _ZIP64_END:
        sizes.append(struct.unpack_from("<Q", tail, at - 76 + 40)[0])
    return max(sizes)


class Workbook:
    """An open ``.xlsx`` file: its sheet names, and the rows of any sheet, streamed.

    Opening reads the workbook part, its relationships, the number formats of styles.xml and the
    shared strings; each part is checked against its cap before a byte of it is inflated.
    """

    def __init__(self, source: Path | IO[bytes]) -> None:
        self._file: IO[bytes] = source.open("rb") if isinstance(source, Path) else source
        try:
            if _directory_size(self._file) > MAX_DIRECTORY_BYTES:
                raise XlsxError(f"the zip directory is over {size_text(MAX_DIRECTORY_BYTES)}, far more parts than a "
                                "workbook has")
            self._file.seek(0)
            try:
                self._zip = zipfile.ZipFile(self._file)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, struct.error) as exc:
                raise XlsxError(f"the zip archive is damaged ({exc})") from None
            self._members = {info.filename: info for info in self._zip.infolist()}
            self._open()
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        zip_file = getattr(self, "_zip", None)
        if zip_file is not None:
            zip_file.close()
        self._file.close()

    @property
    def sheetnames(self) -> list[str]:
        return [name for name, _ in self._sheets]

    def rows(self, sheet: str, *, last: int | None = None) -> Iterator[tuple[int, list[object]]]:
        """(Excel row number, values of columns A… up to `MAX_COLUMNS`) of each row with a value.

        Rows come in file order; ``last`` stops at the first row numbered above it. Values right
        of the last filled cell are left off, so a row's list may be short; a value is None when
        its cell is empty.
        """
        part = dict(self._sheets)[sheet]
        chunks = self._stream(part, MAX_SHEET_BYTES, f"the sheet {sheet}")
        try:
            yield from _SheetReader(self, sheet, last).rows(chunks)
        finally:
            chunks.close()

    # -- parts

    def _open(self) -> None:
        book = _target(_relationships(self._part("_rels/.rels"), ""), "officeDocument") or "xl/workbook.xml"
        if book not in self._members:
            raise XlsxError("the zip holds no workbook part, so it is not an .xlsx workbook")
        folder = posixpath.dirname(book)
        relations = _relationships(self._part(posixpath.join(folder, "_rels", posixpath.basename(book) + ".rels")),
                                   folder)
        found = _workbook_part(self._part(book))
        self.epoch = CALENDAR_MAC_1904 if found.date1904 else WINDOWS_EPOCH
        self._sheets = [(name, relations[rid][1]) for name, rid in found.sheets
                        if rid in relations and relations[rid][1] in self._members]
        styles = _target(relations, "styles")
        self.date_styles, self.timedelta_styles = _date_styles(self._part(styles) if styles else None)
        self.strings = _SharedStrings()
        strings = _target(relations, "sharedStrings")
        if strings and strings in self._members:
            _parse(self._stream(strings, MAX_SHARED_STRINGS_BYTES, "the shared strings"),
                   _StringsReader(self.strings), "the shared strings")

    def _check(self, name: str, cap: int, what: str) -> zipfile.ZipInfo:
        info = self._members.get(name)
        if info is None:
            raise XlsxError(f"the part {name} is missing, so the workbook is damaged")
        if info.file_size > cap:
            raise XlsxError(f"{what} would inflate to {size_text(info.file_size)}, and at most {size_text(cap)} is "
                            "read; export a shorter period")
        if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise XlsxError(f"{what} would inflate {info.file_size // max(info.compress_size, 1):,} times, which no "
                            f"real workbook does (at most {MAX_RATIO}): it is a zip bomb")
        return info

    def _part(self, name: str) -> bytes | None:
        """A small part's bytes, or None when the file has no such part."""
        if name not in self._members:
            return None
        return b"".join(self._stream(name, MAX_PART_BYTES, f"the part {name}"))

    def _stream(self, name: str, cap: int, what: str) -> Iterator[bytes]:
        """The inflated bytes of a part in chunks, never more than its stated size (zipfile stops there)."""
        info = self._check(name, cap, what)
        try:
            with self._zip.open(info) as part:
                while chunk := part.read(_CHUNK):
                    yield chunk
        except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
            raise XlsxError(f"{what} cannot be inflated ({exc}), so the workbook is damaged") from None


# ---------------------------------------------------------------------------------------------------
# XML


def _local(name: str) -> str:
    """``x`` of ``"namespace x"`` (what expat gives with a namespace separator) or of ``"x"``."""
    return name.rpartition(" ")[2]


class _Handler:
    """Expat callbacks; `events` counts them, so a token too long to finish is noticed."""

    events = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.events += 1

    def end(self, name: str) -> None:
        self.events += 1

    def text(self, data: str) -> None:
        self.events += 1


class _Stop(Exception):
    """Raised inside expat when the rows asked for have all been read."""


def _refuse_dtd(*_: object) -> None:
    raise XlsxError("a part of the workbook declares a DTD, which Excel never writes")


class _Feeder:
    """An expat parser fed chunk by chunk, refusing a token that stays unfinished past `MAX_TOKEN_BYTES`."""

    def __init__(self, handler: _Handler, what: str) -> None:
        self.handler, self.what = handler, what
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.StartElementHandler = handler.start
        self.parser.EndElementHandler = handler.end
        self.parser.CharacterDataHandler = handler.text
        self.parser.StartDoctypeDeclHandler = _refuse_dtd
        self.parser.EntityDeclHandler = _refuse_dtd
        self.quiet, self.seen = 0, -1

    def feed(self, chunk: bytes, final: bool = False) -> None:
        try:
            self.parser.Parse(chunk, final)
        except expat.ExpatError as exc:
            raise XlsxError(f"{self.what} is not well-formed XML ({exc}), so the workbook is damaged") from None
        # Expat reports text as it comes, so bytes without a single event are one unfinished tag or comment.
        self.quiet = self.quiet + len(chunk) if self.handler.events == self.seen else 0
        self.seen = self.handler.events
        if self.quiet > MAX_TOKEN_BYTES:
            raise XlsxError(f"{self.what} holds an XML tag or comment over {size_text(MAX_TOKEN_BYTES)} long, which no "
                            "real workbook has")


def _parse(chunks: Iterator[bytes] | bytes | None, handler: _Handler, what: str) -> None:
    if chunks is None:
        return
    feeder = _Feeder(handler, what)
    for chunk in [chunks] if isinstance(chunks, bytes) else chunks:
        feeder.feed(chunk)
    feeder.feed(b"", final=True)


class _Relationships(_Handler):
    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.found: dict[str, tuple[str, str]] = {}

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.events += 1
        if _local(name) == "Relationship" and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "")
            path = target[1:] if target.startswith("/") else posixpath.join(self.folder, target)
            self.found[attrs.get("Id", "")] = (attrs.get("Type", ""), posixpath.normpath(path))


def _relationships(data: bytes | None, folder: str) -> dict[str, tuple[str, str]]:
    """{id: (type, part path)} of a ``.rels`` part."""
    handler = _Relationships(folder)
    _parse(data, handler, "a relationships part")
    return handler.found


def _target(relations: dict[str, tuple[str, str]], kind: str) -> str | None:
    """The part the first relationship of ``kind`` (``styles``, ``sharedStrings``…) points to."""
    return next((path for rel_type, path in relations.values() if rel_type == _REL_TYPES + kind), None)


class _WorkbookPart(_Handler):
    def __init__(self) -> None:
        self.sheets: list[tuple[str, str]] = []
        self.date1904 = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.events += 1
        local = _local(name)
        if local == "sheet":
            rid = next((value for key, value in attrs.items() if _local(key) == "id"), "")
            self.sheets.append((attrs.get("name", ""), rid))
        elif local == "workbookPr":
            self.date1904 = attrs.get("date1904", "").lower() in ("1", "true")


def _workbook_part(data: bytes | None) -> _WorkbookPart:
    handler = _WorkbookPart()
    _parse(data, handler, "the workbook part")
    return handler


class _Styles(_Handler):
    """The number format of each cell style (``cellXfs``) and the workbook's own formats."""

    def __init__(self) -> None:
        self.formats: dict[int, str] = {}
        self.styles = array("Q")
        self.in_cell_xfs = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.events += 1
        local = _local(name)
        if local == "numFmt":
            self.formats[_int(attrs.get("numFmtId"))] = attrs.get("formatCode", "")
        elif local == "cellXfs":
            self.in_cell_xfs = True
        elif local == "xf" and self.in_cell_xfs:
            self.styles.append(_int(attrs.get("numFmtId")))

    def end(self, name: str) -> None:
        self.events += 1
        if _local(name) == "cellXfs":
            self.in_cell_xfs = False


def _int(text: str | None) -> int:
    """A style or format number; anything else (damage) counts as 0, the General format."""
    return int(text) if text and text.isdigit() and len(text) < 10 else 0


def _date_styles(data: bytes | None) -> tuple[set[int], set[int]]:
    """Indexes of the cell styles showing dates (and, of those, durations), decided as openpyxl does."""
    handler = _Styles()
    _parse(data, handler, "the styles part")
    dates, durations = set(), set()
    for index, format_id in enumerate(handler.styles):
        code = handler.formats.get(format_id) or BUILTIN_FORMATS.get(format_id)
        if is_date_format(code):
            dates.add(index)
        if is_timedelta_format(code):
            durations.add(index)
    return dates, durations


class _SharedStrings:
    """The shared strings as UTF-8 in one buffer with their offsets: about the part's size, not 5 times it."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.ends = array("Q")

    def append(self, text: str) -> None:
        self.data += text.encode("utf-8", "surrogatepass")
        self.ends.append(len(self.data))

    def __getitem__(self, index: int) -> str:
        start = self.ends[index - 1] if index else 0
        return self.data[start:self.ends[index]].decode("utf-8", "surrogatepass")

    def __len__(self) -> int:
        return len(self.ends)


class _Text:
    """The text of one cell or string item, refused past `MAX_CELL_CHARS`."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.parts: list[str] = []
        self.size = 0
        self.seen = False

    def add(self, data: str) -> None:
        self.size += len(data)
        if self.size > MAX_CELL_CHARS:
            raise XlsxError(f"{self.where} holds more than {MAX_CELL_CHARS:,} characters, more than Excel "
                            "allows in a cell")
        self.parts.append(data)

    def value(self) -> str:
        return "".join(self.parts)


class _StringsReader(_Handler):
    """``<si>`` items: the text of their ``<t>`` elements (rich-text runs joined, phonetic runs left out)."""

    def __init__(self, strings: _SharedStrings) -> None:
        self.strings = strings
        self.item: _Text | None = None
        self.in_text = False
        self.phonetic = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.events += 1
        local = _local(name)
        if local == "si":
            self.item = _Text(f"shared string {len(self.strings) + 1:,} of the workbook")
        elif local == "t" and self.item is not None and not self.phonetic:
            self.in_text = True
        elif local == "rPh":
            self.phonetic += 1

    def end(self, name: str) -> None:
        self.events += 1
        local = _local(name)
        if local == "t":
            self.in_text = False
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "si" and self.item is not None:
            self.strings.append(self.item.value())
            self.item = None

    def text(self, data: str) -> None:
        self.events += 1
        if self.in_text and self.item is not None:
            self.item.add(data)


# ---------------------------------------------------------------------------------------------------
# Sheets


def _column(reference: str) -> int:
    """1 for ``A7``, 16,384 for ``XFD7``; 0 when ``reference`` is not a cell reference."""
    letters = len(reference) - len(reference.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    if not 1 <= letters <= 3 or not reference[letters:].isdigit():
        return 0
    number = 0
    for char in reference[:letters]:
        number = number * 26 + ord(char) - 64
    return number


class _SheetReader(_Handler):
    """Rows of one sheet part; finished rows wait in `ready` until `rows` hands them over."""

    def __init__(self, book: Workbook, sheet: str, last: int | None) -> None:
        self.book, self.sheet, self.last = book, sheet, last
        self.ready: list[tuple[int, list[object]]] = []
        self.number = self.rows_seen = 0
        self.values: list[object] = []
        self.cells = self.column = self.style = 0
        self.kind = "n"
        self.cell: _Text | None = None
        self.collecting = self.inline = False
        self.phonetic = 0

    def rows(self, chunks: Iterator[bytes]) -> Iterator[tuple[int, list[object]]]:
        feeder = _Feeder(self, f"the sheet {self.sheet}")
        for chunk in chunks:
            try:
                feeder.feed(chunk)
            except _Stop:
                yield from self.ready
                return
            yield from self.ready
            self.ready.clear()
        with contextlib.suppress(_Stop):
            feeder.feed(b"", final=True)
        yield from self.ready

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.events += 1
        local = _local(name)
        if local == "c":
            self._start_cell(attrs)
        elif local == "row":
            self._start_row(attrs.get("r"))
        elif self.cell is None:
            return
        elif local == "v" and not self.inline:
            self.collecting = self.cell.seen = True
        elif local == "is":
            self.inline = self.cell.seen = True
        elif local == "t" and self.inline and not self.phonetic:
            self.collecting = True
        elif local == "rPh":
            self.phonetic += 1

    def _start_row(self, number: str | None) -> None:
        self.number = int(number) if number and number.isdigit() and len(number) < 10 else self.number + 1
        self.rows_seen += 1
        if self.number > EXCEL_ROWS or self.rows_seen > EXCEL_ROWS:
            raise XlsxError(f"the sheet {self.sheet} has more than {EXCEL_ROWS:,} rows, more than Excel allows")
        if self.last is not None and self.number > self.last:
            raise _Stop
        self.values, self.cells, self.column = [], 0, 0

    def _start_cell(self, attrs: dict[str, str]) -> None:
        self.cells += 1
        if self.cells > EXCEL_COLUMNS:
            raise XlsxError(f"row {self.number:,} of the sheet {self.sheet} has more than {EXCEL_COLUMNS:,} cells, "
                            "more than Excel allows")
        reference = attrs.get("r")
        column = _column(reference) if reference else self.column + 1
        if not 1 <= column <= EXCEL_COLUMNS:
            raise XlsxError(f"row {self.number:,} of the sheet {self.sheet} has a cell {reference[:20]!r}, which is "
                            "not a cell of an Excel sheet (columns A to XFD)")
        self.column, self.kind, self.style = column, attrs.get("t", "n"), _int(attrs.get("s"))
        self.cell = _Text(f"cell {reference or column} of the sheet {self.sheet}") if column <= MAX_COLUMNS else None

    def end(self, name: str) -> None:
        self.events += 1
        local = _local(name)
        if local == "c":
            if self.cell is not None and self.cell.seen:
                value = self._value(self.cell.value())
                if value is not None:
                    if len(self.values) < self.column:
                        self.values.extend([None] * (self.column - len(self.values)))
                    self.values[self.column - 1] = value
            self.cell, self.collecting, self.inline, self.phonetic = None, False, False, 0
        elif local == "row":
            if self.values:
                self.ready.append((self.number, self.values))
            self.values = []
        elif local in ("v", "t"):
            self.collecting = False
        elif local == "rPh":
            self.phonetic -= 1

    def text(self, data: str) -> None:
        self.events += 1
        if self.collecting and self.cell is not None:
            self.cell.add(data)

    def _value(self, text: str) -> object:
        """A cell's value from its type, style and text, as openpyxl's ``data_only`` read gives it."""
        kind = self.kind
        if kind == "inlineStr":
            return text
        if not text:
            return None
        if kind == "s":
            try:
                return self.book.strings[int(text)]
            except (ValueError, IndexError):
                raise XlsxError(f"a cell in row {self.number:,} of the sheet {self.sheet} refers to shared string "
                                f"{text[:20]!r}, which the workbook does not have, so it is damaged") from None
        if kind == "b":
            return text.strip() in ("1", "true")
        if kind == "d":
            try:
                return from_ISO8601(text)
            except ValueError:
                return text
        if kind != "n":  # str (a formula's text), e (an error such as #N/A)
            return text
        try:
            number: int | float = float(text) if any(ch in text for ch in ".eE") else int(text)
        except ValueError:
            return text
        if self.style in self.book.date_styles:
            try:
                return from_excel(number, self.book.epoch, timedelta=self.style in self.book.timedelta_styles)
            except (OverflowError, ValueError):
                return "#VALUE!"
        return number
