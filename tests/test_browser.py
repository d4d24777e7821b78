"""The HTML reports in a real browser: they render, and the figures and escaped names reach the page."""

from __future__ import annotations

import shutil
import struct
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import at, staff

from discipline.model import Line, RuleTable, Statement
from discipline.payroll import build_statement
from discipline.reports import payroll_html, scorecard_html

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

MARKUP = "<script>alert(1)</script>"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]


def chromium(tmp_path: Path, *args: str) -> str:
    """Run headless chromium with its own throwaway profile; its stdout."""
    profile = tmp_path / "profile"
    result = subprocess.run([CHROMIUM or "chromium", *FLAGS, f"--user-data-dir={profile}", *args],
                            capture_output=True, text=True, timeout=120, check=False)
    return result.stdout


def month(table: RuleTable) -> list[Statement]:
    """A capped 1500 fine for 张三 and a lateness for a colleague whose name is markup."""
    def line(event_id: int, when: str, rule: str, amount: str, explanation: str) -> Line:
        return Line(event_id=event_id, at=at(when), rule=rule, rule_name=table.rule(rule).name_zh, kind="fine",
                    points=Decimal(0), amount=Decimal(amount), disposition=None, explanation=explanation)

    zhang = staff("g01", "consultant", name="张三", store="浦东展厅", base="6000")
    other = staff("g02", "consultant", name=MARKUP, store="浦东展厅")
    return [
        build_statement(zhang, "2026-11", [line(1, "2026-11-05 14:00", "showroom.misconduct", "1500",
                                                "1500 yuan")], Decimal(0), table),
        build_statement(other, "2026-11", [line(2, "2026-11-03 08:42", "showroom.late", "20",
                                                "1st lateness in 2026-11 → 20 yuan")], Decimal(0), table),
    ]


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.fixture
def pages(tmp_path, table) -> dict[str, Path]:
    statements = month(table)
    out = {"payroll": payroll_html("2026-11", statements, table), "scorecard": scorecard_html(statements[0], table),
           "markup": scorecard_html(statements[1], table)}
    paths = {}
    for name, html in out.items():
        paths[name] = tmp_path / f"{name}.html"
        paths[name].write_text(html, encoding="utf-8")
    return paths


@pytest.mark.parametrize("name", ["payroll", "scorecard"])
def test_screenshot(tmp_path, pages, name):
    """The page renders to a 1200 × 1600 screenshot with real content in it."""
    shot = tmp_path / f"{name}.png"
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,1600", pages[name].as_uri())
    assert shot.exists()
    assert png_size(shot) == (1200, 1600)
    assert shot.stat().st_size > 20_000


def test_payroll_dom_has_figures_and_escaped_name(tmp_path, pages):
    """The rendered payroll shows the cap, the name and the markup name as text, not as a script element."""
    dom = chromium(tmp_path, "--dump-dom", pages["payroll"].as_uri())
    assert "1200.00" in dom
    assert "300.00" in dom
    assert "张三" in dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert "<script" not in dom.lower()


def test_scorecard_dom_has_figures_and_escaped_name(tmp_path, pages):
    """The rendered scorecards show their figures, and a markup name stays text."""
    dom = chromium(tmp_path, "--dump-dom", pages["scorecard"].as_uri())
    assert "张三" in dom
    assert "1200.00" in dom
    assert "1500 yuan" in dom
    markup = chromium(tmp_path, "--dump-dom", pages["markup"].as_uri())
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert "<script" not in markup.lower()
    assert "1st lateness in 2026-11 → 20 yuan" in markup
