"""The HTML reports in a real browser: they render, and the figures and escaped names reach the page."""

from __future__ import annotations

import re
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


def trend_of(statement: Statement) -> list:
    """Six months ending with the statement's: two empty, then figures, the last the statement's own."""
    from discipline.charts import TrendMonth

    return [TrendMonth("2026-06", None, None, None), TrendMonth("2026-07", None, None, None),
            TrendMonth("2026-08", Decimal(100), Decimal("0.00"), Decimal("0.00")),
            TrendMonth("2026-09", Decimal(94), Decimal("40.00"), Decimal("0.00")),
            TrendMonth("2026-10", Decimal(88), Decimal("1200.00"), Decimal("650.00")),
            TrendMonth("2026-11", statement.score, statement.deducted, statement.carried_out)]


def overflow(tmp_path: Path, page: Path, wide: int) -> int:
    """How many pixels ``page`` scrolls sideways in a viewport ``wide`` pixels wide: it is measured inside an
    iframe of that width (headless chromium's own window is never narrower than 500 px); the script is in
    the harness, not in the page."""
    harness = tmp_path / f"harness-{wide}.html"
    harness.write_text(
        f'<html><body style="margin:0"><iframe id="f" src="{page.name}" width="{wide}" height="1800" '
        'style="border:0"></iframe><script>document.getElementById("f").addEventListener("load", () => {'
        'const w = document.getElementById("f").contentWindow; document.body.setAttribute("data-overflow", '
        'String(w.document.documentElement.scrollWidth - w.innerWidth) + " " + w.innerWidth); });</script>'
        '</body></html>', encoding="utf-8")
    dom = chromium(tmp_path, "--dump-dom", "--allow-file-access-from-files", "--window-size=1400,1800",
                   harness.as_uri())
    pixels, inner = re.search(r'data-overflow="(-?\d+) (\d+)"', dom).groups()
    assert int(inner) == wide
    return int(pixels)


@pytest.mark.parametrize("name", ["payroll", "trend"])
@pytest.mark.parametrize("wide", [1280, 390])
def test_pages_fit_a_phone_and_a_desk(tmp_path, table, name, wide):
    """The payroll with its charts and a scorecard with its six-month trend render at 1280 and 390 px; on
    neither does the page scroll sideways (wide tables scroll inside their own box)."""
    statements = month(table)
    html = (payroll_html("2026-11", statements, table) if name == "payroll"
            else scorecard_html(statements[0], table, "both", trend_of(statements[0])))
    page = tmp_path / f"{name}.html"
    page.write_text(html, encoding="utf-8")
    shot = tmp_path / f"{name}-{wide}.png"
    chromium(tmp_path, f"--screenshot={shot}", f"--window-size={wide},1800", page.as_uri())
    assert png_size(shot) == (wide, 1800) and shot.stat().st_size > 20_000
    assert overflow(tmp_path, page, wide) == 0


def test_the_overflow_check_sees_a_page_too_wide(tmp_path):
    """The check above can fail: a 900 px box on a 390 px phone scrolls 518 px (900 + 8 margin - 390)."""
    page = tmp_path / "wide.html"
    page.write_text('<html><body><div style="width:900px">x</div></body></html>', encoding="utf-8")
    assert overflow(tmp_path, page, 390) == 518


def test_the_trend_chart_shows_the_statements_figures(tmp_path, table):
    """The deducted panel's columns carry the trend's figures, the last one the statement's 1200.00."""
    statement = month(table)[0]
    page = tmp_path / "trend.html"
    page.write_text(scorecard_html(statement, table, "both", trend_of(statement)), encoding="utf-8")
    dom = chromium(tmp_path, "--dump-dom", page.as_uri())
    panel = re.search(r'data-measure="deducted">(.*?)</svg>', dom, re.S).group(1)
    values = re.findall(r'data-month="([\d-]+)" data-value="([^"]*)"', panel)
    assert values == [("2026-06", ""), ("2026-07", ""), ("2026-08", "0.00"), ("2026-09", "40.00"),
                      ("2026-10", "1200.00"), ("2026-11", "1200.00")]
