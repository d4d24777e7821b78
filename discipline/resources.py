"""Where the shipped rule table and templates live.

In a source checkout they sit at the top of the project (``rules.toml``, ``templates/``); a built
wheel carries them inside the package as ``discipline/_shipped/``. Both layouts are looked up
here and nowhere else.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PACKAGE / "_shipped" / name, _PACKAGE.parent / name):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"the shipped {name} is missing from the installation ({_PACKAGE})")


def shipped_rules_path() -> Path:
    return _find("rules.toml")


def templates_path() -> Path:
    return _find("templates")
