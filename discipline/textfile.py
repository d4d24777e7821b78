"""The text of a file a person exported from Excel, DingTalk or an attendance machine's software,
and the records of such a file when it is a CSV with a header.

Chinese offices save CSV three ways: "CSV UTF-8" (with a BOM), plain "CSV" (GB18030 on a Chinese
Windows) and "Unicode text" (UTF-16 with a BOM). All three are read here, and nowhere else::

    >>> decode("工号,姓名\\n".encode("gb18030"))
    '工号,姓名\\n'
"""

from __future__ import annotations

import codecs
import csv
import io

import attrs


def decode(data: bytes) -> str:
    """The file's text; ``ValueError`` with one sentence on what to do when it is none of those."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif _looks_like_utf16(data[:200]):
        raise ValueError("the file looks like UTF-16 text without its byte-order mark; save it from Excel "
                         "as 'CSV UTF-8'")
    else:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                return data.decode("gb18030")
            except UnicodeDecodeError:
                pass
    raise ValueError("the file is neither UTF-8, GB18030 nor UTF-16 text; save it from Excel as 'CSV UTF-8'")


def _looks_like_utf16(head: bytes) -> bool:
    """ASCII text in UTF-16 has a NUL in every other byte (a run of NULs in a machine dump does not alternate)."""
    odd, even = head[1::2], head[0::2]
    return len(head) >= 8 and (odd.count(0) > 0.8 * len(odd) or even.count(0) > 0.8 * len(even)) and \
        not (odd.count(0) > 0.8 * len(odd) and even.count(0) > 0.8 * len(even))


@attrs.frozen
class CsvFile:
    """A CSV file with a header: its column names and its records, each with its line."""

    header: tuple[str, ...]
    """Column names, stripped and lowercased; empty when the file is."""
    records: tuple[tuple[int, dict[str, str]], ...]
    """(line, {column: stripped cell}) of every row that is not blank and has the header's width."""
    problems: tuple[tuple[int, str], ...]
    """(line, why) for every row that could not be read."""


def read_csv(text: str) -> CsvFile:
    """The header and records of a CSV text; ``ValueError`` when not even the header can be read.

    What the columns must be is the caller's to check; rows of the wrong width, and a file that
    stops being CSV part-way, are problems with their lines, and the rows before them still count.
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = tuple(cell.strip().lower() for cell in next(reader, []))
    except csv.Error as exc:
        raise ValueError(f"the header cannot be read as CSV ({exc})") from None
    records: list[tuple[int, dict[str, str]]] = []
    problems: list[tuple[int, str]] = []
    try:
        for row in reader:
            line = reader.line_num
            if not "".join(row).strip():
                continue
            if len(row) != len(header):
                problems.append((line, f"has {len(row)} field(s); the header has {len(header)}"))
                continue
            records.append((line, {key: cell.strip() for key, cell in zip(header, row, strict=True)}))
    except csv.Error as exc:
        problems.append((reader.line_num, f"cannot be read as CSV ({exc})"))
    return CsvFile(header, tuple(records), tuple(problems))
