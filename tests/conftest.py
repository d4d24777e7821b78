"""Shared fixtures: the shipped rule table, a roster builder, local times, an isolated working folder, and
the ``discipline`` command run through click's CliRunner (``invoke``, ``run``, ``data``, ``refused``).

Every test runs in its own temporary folder with ``DISCIPLINE_DB`` and ``DISCIPLINE_RULES`` unset,
so no test ever touches a real database or rule file, and ``DISCIPLINE_LANG=en``: explanations in English
unless a test asks for Chinese.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import zoneinfo
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from freezegun import freeze_time

from discipline.model import Event, RuleTable, Staff
from discipline.rules import load_rules

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """Run in a fresh folder; the environment points nowhere real."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISCIPLINE_DB", raising=False)
    monkeypatch.delenv("DISCIPLINE_RULES", raising=False)
    # The suite's older tests read explanations in English; tests of the Chinese ask for it (``--lang zh``).
    monkeypatch.setenv("DISCIPLINE_LANG", "en")


@pytest.fixture(scope="session")
def table() -> RuleTable:
    """The shipped rules.toml."""
    return load_rules()


def at(text: str) -> dt.datetime:
    """``"2026-11-03 08:42"`` as an aware time in Asia/Shanghai."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


def staff(id: str, role: str, *, store: str = "S1", team: str = "", supervisor: str | None = None,
          base: str = "4000", bonus: str = "0", shift: str | None = None, city: str = "shanghai",
          hired: dt.date | None = None, left: dt.date | None = None, name: str | None = None) -> Staff:
    """One roster entry with sensible defaults."""
    return Staff(id=id, name=name or id, store=store, team=team, role=role, supervisor=supervisor,
                 base_wage=Decimal(base), bonus=Decimal(bonus), shift=shift, city=city, hired=hired, left=left)


def roster(*people: Staff) -> dict[str, Staff]:
    return {p.id: p for p in people}


def event(id: int, staff_id: str, rule: str, when: str, **fields) -> Event:
    """An Event as the log would give it to the engine."""
    return Event(id=id, staff=staff_id, rule=rule, at=at(when), **fields)


def invoke(*args: str) -> Result:
    """The ``discipline`` command with these arguments, in the test's folder."""
    from cli import cli

    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def run(*args: str) -> Result:
    """Run a command that must succeed."""
    result = invoke(*args)
    assert result.exit_code == 0, f"{args}: exit {result.exit_code}\n{result.stdout}\n{result.stderr}"
    return result


def data(*args: str) -> Any:
    """Run a command that must succeed and read its JSON output."""
    return json.loads(run(*args).stdout)


def refused(*args: str, code: int = 2) -> str:
    """Run a command that must fail with ``code`` and one line on stderr; return that line."""
    result = invoke(*args)
    assert result.exit_code == code, f"{args}: exit {result.exit_code}\n{result.stdout}\n{result.stderr}"
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


@contextlib.contextmanager
def shop_at(now: str, roster: str, *import_options: str) -> Iterator[None]:
    """``init`` and a roster import with the clock frozen at ``now``, which stays frozen inside."""
    with freeze_time(now):
        run("init")
        Path("roster.csv").write_text(roster, encoding="utf-8")
        run("staff", "import", "roster.csv", *import_options)
        yield
