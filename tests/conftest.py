"""Shared fixtures: the shipped rule table, a roster builder, local times, an isolated working folder.

Every test runs in its own temporary folder with ``DISCIPLINE_DB`` and ``DISCIPLINE_RULES`` unset,
so no test ever touches a real database or rule file.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest

from discipline.model import Event, RuleTable, Staff
from discipline.rules import load_rules

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """Run in a fresh folder; the environment points nowhere real."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISCIPLINE_DB", raising=False)
    monkeypatch.delenv("DISCIPLINE_RULES", raising=False)


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
