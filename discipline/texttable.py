"""Aligned text tables for the terminal, with Chinese characters counted as two columns wide.

``str.ljust`` counts characters, so ``"张三"`` would be padded as if it were two columns wide when a
terminal draws it four wide, and every column after it would slip::

    >>> print(text_table(["id", "name"], [["g01", "张三"], ["g02", "Li"]]))
    id   name
    ───  ────
    g01  张三
    g02  Li
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from .typed import escaped, unsafe

#: What ``shown_json`` escapes: C1 controls, DEL, and the invisible format characters of the Basic
#: Multilingual Plane (direction marks, overrides and isolates; zero-width space; the BOM). JSON itself
#: escapes C0 controls.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b"
                          "\u200c\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]")


def shown(text: str, *, keep: str = "") -> str:
    """``text`` as a terminal or a page may show it: every character that would act instead of showing
    (``typed.unsafe``: escape codes, NUL, line breaks, direction overrides) written as its escape, so
    ``"A\\x1b[2J"`` shows as ``A\\x1b[2J`` and clears nothing. Input refuses such characters; a database
    written before may still hold them, so the printers show stored text through this. ``keep``: characters
    left as they are (the line breaks of a whole page)."""
    if text.isprintable():  # the usual case, in C
        return text
    return "".join(escaped(ch) if unsafe(ch) and ch not in keep else ch for ch in text)


def shown_json(text: str) -> str:
    """A JSON document with the characters ``shown`` escapes written as ``\\uXXXX``: the same data to a
    program, nothing a terminal acts on to a person reading it."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def width(text: str) -> int:
    """Columns a terminal uses for ``text``: wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: str, columns: int, *, right: bool = False) -> str:
    """``text`` padded with spaces to ``columns`` terminal columns (on the left when ``right``)."""
    fill = " " * max(0, columns - width(text))
    return fill + text if right else text + fill


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]], *,
               right: Sequence[int] = ()) -> str:
    """Rows under a header and a rule line; columns whose index is in ``right`` align right (numbers)."""
    widths = [width(h) for h in headers]
    rows = [[shown(cell) for cell in row] for row in rows]
    for row in rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], width(cell))
    lines = []
    for row in (headers, ["─" * w for w in widths], *rows):
        cells = [pad(cell, widths[i], right=i in right) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
