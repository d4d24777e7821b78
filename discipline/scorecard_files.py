"""Every scorecard of a month at once, a file per person in a folder per store, for a lead to hand out::

    DIR/index.html                 the stores, with their people's count and totals (HTML only)
    DIR/浦东展厅/index.html         the store's people: score, deducted, carried, each linked
    DIR/浦东展厅/C01-郑浩.html       one person's scorecard with the six-month trend

File names are made safe for every system a folder is copied to (Windows, a phone, a zip): characters
Windows forbids, control characters and a trailing dot or space become ``_``, a reserved device name
(``CON``, ``NUL``…) gets a ``_`` in front, and a name is cut to ``NAME_BYTES`` bytes of UTF-8. Each file
is written whole or not at all (``atomicfile``); running it again rewrites the same files.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from . import reports
from .atomicfile import write_atomic
from .charts import TrendMonth
from .model import RuleTable, Statement
from .money import ZERO

#: What a format's files end in.
SUFFIXES = {"html": ".html", "text": ".txt", "json": ".json"}
#: Bytes of UTF-8 a file name may take before its suffix (most file systems allow 255).
NAME_BYTES = 120
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]')
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def safe_name(text: str) -> str:
    """``text`` as a file or folder name any system accepts (never empty, never ``.`` or ``..``)."""
    name = _UNSAFE.sub("_", text).strip()
    name = re.sub(r"[. ]+$", lambda m: "_" * len(m.group()), name)
    if not name or set(name) <= {"."}:
        name = "_" + name
    if name.split(".")[0].casefold() in _RESERVED:
        name = "_" + name
    data = name.encode("utf-8")[:NAME_BYTES]
    return data.decode("utf-8", errors="ignore")


def file_name(statement: Statement, fmt: str) -> str:
    """``C01-郑浩.html``."""
    return safe_name(f"{statement.staff_id}-{statement.name}") + SUFFIXES[fmt]


def write_all(folder: Path, statements: Sequence[Statement], trends: Mapping[str, Sequence[TrendMonth]],
              table: RuleTable, *, month: str, fmt: str, language: str) -> list[Path]:
    """Write every statement's scorecard under ``folder`` (which exists), and the index pages for HTML; the
    paths written, in order. Two stores whose names become the same folder name, or two people the same file
    name, are told apart by a number (``店 (2)``)."""
    by_store: dict[str, list[Statement]] = {}
    for statement in statements:
        by_store.setdefault(statement.store, []).append(statement)
    written: list[Path] = []
    folders: set[str] = set()
    stores = []
    for store, people in sorted(by_store.items()):
        here = folder / _unique(safe_name(store), folders)
        here.mkdir(exist_ok=True)
        names: set[str] = set()
        rows = []
        for statement in sorted(people, key=lambda s: s.staff_id):
            name = _unique(file_name(statement, fmt), names)
            trend = trends.get(statement.staff_id, ())
            if fmt == "html":
                text = reports.scorecard_html(statement, table, language, trend)
            elif fmt == "json":
                text = reports.scorecard_json_text(statement, trend, language)
            else:
                text = reports.scorecard_text(statement, table, language, trend)
            write_atomic(here / name, text.encode("utf-8"))
            written.append(here / name)
            rows.append({"s": statement, "href": name})
        if fmt == "html":
            write_atomic(here / "index.html", reports.store_index_html(month, store, rows, table, language)
                         .encode("utf-8"))
            written.append(here / "index.html")
        stores.append({"name": store, "href": f"{here.name}/index.html", "count": len(people),
                       "deducted": sum((s.deducted for s in people), ZERO),
                       "carried_out": sum((s.carried_out for s in people), ZERO)})
    if fmt == "html":
        write_atomic(folder / "index.html", reports.stores_index_html(month, stores, table, language).encode("utf-8"))
        written.append(folder / "index.html")
    return written


def _unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name (2)``… when a name already written differs from it only in case (Windows and macOS
    fold case in file names)."""
    stem, dot, suffix = name.rpartition(".") if "." in name and not name.startswith(".") else (name, "", "")
    candidate, number = name, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{stem} ({number}){dot}{suffix}"
    taken.add(candidate.casefold())
    return candidate

