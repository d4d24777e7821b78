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

import unicodedata
from collections.abc import Sequence


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
    for row in rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], width(cell))
    lines = []
    for row in (headers, ["─" * w for w in widths], *rows):
        cells = [pad(cell, widths[i], right=i in right) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
