"""The reports a clerk and a manager open: the workbook by its extension, the terminal's table, --store, what
events cost, every scorecard at once, a person's six months and a store's month, all from a real database.

The chain (frozen at 2026-12-05, October closed), worked by hand from regulations.md:

- ``showroom.late`` is 20 for the month's first lateness, 40 for the second, 40 and a dismissal
  recommended from the third; ``showroom.early_leave`` has its own ladder (20 first).
- October: C01 late twice: 20 + 40 = 60 deducted.
- November: C01 late once: 20. C02 late three times and early once: 20 + 40 + 40 + 20 = 120, and a
  dismissal recommended by the third lateness (event of 11-17). G01 (store, points) late once: 3 points, no
  yuan. Due 140.00 in all: showroom.late 120.00, showroom.early_leave 20.00; 浦东展厅 140.00 deducted.
"""

from __future__ import annotations

import io
import json
import os
import pty
import re
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from conftest import data, refused, run, shop_at

from discipline.resources import shipped_rules_path
from discipline.scorecard_files import safe_name

ROSTER = """\
id,name,store,team,role,supervisor,base_wage,bonus,shift,city,hired,left
SM1,赵强,浦东展厅,,sales_manager,,9000,3000,showroom,shanghai,2022-09-01,
C01,郑浩,浦东展厅,A,consultant,SM1,4000,1000,showroom,shanghai,2024-07-01,
C02,冯雪,浦东展厅,A,consultant,SM1,4200,1200,showroom,shanghai,2024-07-01,
G01,李娜,南京西路店,,guide,,3800,600,store,shanghai,2024-01-01,
"""
EVENTS = [("C01", "showroom.late", "2026-10-09 08:42"), ("C01", "showroom.late", "2026-10-16 08:50"),
          ("C01", "showroom.late", "2026-11-03 08:42"), ("C02", "showroom.late", "2026-11-03 08:45"),
          ("C02", "showroom.early_leave", "2026-11-05 17:10"), ("C02", "showroom.late", "2026-11-10 08:40"),
          ("C02", "showroom.late", "2026-11-17 08:50"), ("G01", "attendance.late", "2026-11-04 09:20")]


@pytest.fixture
def chain():
    """The chain above, with G01's clock punched on 11-02 and 11-03 only."""
    with shop_at("2026-12-05 10:00:00+08:00", ROSTER, "--effective", "2026-10-01"):
        for staff, rule, when in EVENTS:
            run("log", staff, rule, "--at", when)
        run("close", "2026-10")
        Path("punches.csv").write_text("staff,time\nG01,2026-11-02 08:55:00\nG01,2026-11-02 17:40:00\n"
                                       "G01,2026-11-03 08:50:00\nG01,2026-11-03 17:35:00\n", encoding="utf-8")
        run("punches", "import", "punches.csv")
        yield


def test_the_out_extension_picks_the_format_and_a_contradiction_is_refused(chain):
    """--out p.xlsx writes a real workbook; --format csv with it, or an extension no format has, is refused in
    one sentence and writes nothing."""
    run("payroll", "2026-11", "--out", "p.xlsx")
    assert zipfile.is_zipfile("p.xlsx")
    book = openpyxl.load_workbook("p.xlsx")
    assert book.sheetnames == ["汇总 Summary", "南京西路店", "浦东展厅"]
    summary = book["汇总 Summary"]
    rows = [[cell.value for cell in row] for row in summary.iter_rows(min_row=3, max_row=4)]
    assert rows == [["南京西路店", 1, 0, 0, 0, 0, 0], ["浦东展厅", 3, 140, 140, 0, 0, 1]]
    assert "--format is csv" in refused("payroll", "2026-11", "--out", "q.xlsx", "--format", "csv")
    assert ".pdf is not a format" in refused("payroll", "2026-11", "--out", "q.pdf")
    assert ".xlsx is not a format" in refused("scorecard", "C01", "--month", "2026-11", "--out", "c.xlsx")
    assert not Path("q.xlsx").exists() and not Path("q.pdf").exists() and not Path("c.xlsx").exists()
    run("payroll", "2026-11", "--out", "p.txt")
    assert Path("p.txt").read_text(encoding="utf-8").startswith("Payroll deductions  2026-11")
    run("payroll", "2026-11", "--out", "plain")  # no extension: what was asked for, the CSV
    assert Path("plain").read_bytes().startswith(b"\xef\xbb\xbf")


def test_a_closed_months_workbook_carries_its_chain_head(chain):
    """October is closed: its workbook is made from the frozen statements, with the head it was closed with."""
    frozen = json.loads(run("payroll", "2026-10", "--format", "json").stdout)
    run("payroll", "2026-10", "--out", "oct.xlsx")
    title = openpyxl.load_workbook("oct.xlsx")["浦东展厅"]["A1"].value
    assert frozen[0]["chain_head"] and f"链头 chain head {frozen[0]['chain_head']} · 浦东展厅" in title


def test_payroll_for_some_stores(chain):
    """--store keeps those stores' rows (typed with spaces, in any case); a store nobody works at is refused
    with the nearest one named."""
    csv_text = run("payroll", "2026-11", "--store", " 浦东展厅 ").stdout
    assert [line.split(",")[0] for line in csv_text.splitlines()[1:]] == ["C01", "C02", "SM1"]
    assert "浦东展厅" in refused("payroll", "2026-11", "--store", "浦东")
    both = run("payroll", "2026-11", "--store", "浦东展厅", "--store", "南京西路店", "--format", "json").stdout
    assert len(json.loads(both)) == 4
    oct_rows = run("payroll", "2026-10", "--store", "南京西路店").stdout.splitlines()
    assert [row.split(",")[0] for row in oct_rows[1:]] == ["G01"]  # a closed month, filtered from its frozen rows
    what_if = data("payroll", "2026-11", "--rules", str(shipped_rules_path()), "--store", "南京西路店", "--json")
    assert [s["staff_id"] for s in what_if["current"]] == [s["staff_id"] for s in what_if["proposed"]] == ["G01"]
    assert "not as a workbook" in refused("payroll", "2026-11", "--rules", str(shipped_rules_path()), "--out", "w.xlsx")


def test_payroll_on_a_terminal_is_a_table_and_piped_the_csv(chain, tmp_path):
    """The installed command on a real terminal (a pty) prints a table per store with totals; piped, the CSV."""
    command = [str(Path(sys.executable).parent / "discipline"), "payroll", "2026-11"]
    env = {**os.environ, "DISCIPLINE_LANG": "zh"}
    piped = subprocess.run(command, capture_output=True, timeout=60, env=env, check=True).stdout
    assert piped.startswith(b"\xef\xbb\xbf")
    leader, follower = pty.openpty()
    done = subprocess.run(command, stdin=follower, stdout=follower, stderr=follower, timeout=60, env=env,
                          check=False)
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(leader)
    text = out.decode("utf-8").replace("\r\n", "\n")
    assert done.returncode == 0, text
    assert "\ufeff" not in text and "工号,姓名" not in text
    lines = text.splitlines()
    assert "浦东展厅 · 3 人" in lines
    total = next(line for line in lines if line.startswith("合计") and "140.00" in line)
    assert total.split() == ["合计", "0", "140.00", "0.00", "140.00", "0.00"]
    c02 = next(line for line in lines if line.startswith("C02"))
    assert c02.split()[-5:] == ["120.00", "0.00", "120.00", "0.00", "1080.00"]


def test_events_say_what_each_cost_who_pays_and_where_it_came_from(chain):
    """Each event with its yuan (or points), who pays, the rule's Chinese name and its source; --store on the
    store the person worked at."""
    listed = data("events", "--month", "2026-11", "--json")
    c02 = [(e["rule_name_zh"], e["amount"], e["paid_by"], e["source"]) for e in listed if e["staff_id"] == "C02"]
    assert c02 == [("迟到", "20.00", ["C02"], "log"), ("早退", "20.00", ["C02"], "log"),
                   ("迟到", "40.00", ["C02"], "log"), ("迟到", "40.00", ["C02"], "log")]
    g01 = [e for e in listed if e["staff_id"] == "G01"]
    assert [(e["points"], e["amount"]) for e in g01] == [("3", "0.00")]
    only = data("events", "--store", "南京西路店", "--json")
    assert [e["staff_id"] for e in only] == ["G01"]
    text = run("events", "--staff", "c02", "--month", "2026-11", "--lang", "zh").stdout
    row = next(line for line in text.splitlines() if "11-10" in line)
    assert "迟到" in row and "40.00" in row and "手工记录" in row


def test_a_scorecards_trend_is_the_months_statements(chain):
    """The six months end with the month asked for; before the program held anything they are empty; each
    month's deducted and carried are what its statement says (October frozen: 60.00)."""
    card = data("scorecard", "C01", "--month", "2026-11", "--json")
    assert [m["month"] for m in card["trend"]] == ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]
    assert [m["deducted"] for m in card["trend"]] == [None, None, None, None, "60.00", "20.00"]
    assert [m["carried_out"] for m in card["trend"]][-2:] == ["0.00", "0.00"]
    assert card["trend"][-1]["deducted"] == card["deducted"]
    g01 = data("scorecard", "G01", "--month", "2026-11", "--json")
    assert [m["score"] for m in g01["trend"]][-2:] == ["100", "97"]
    page = run("scorecard", "C01", "--month", "2026-11", "--format", "html").stdout
    panel = re.search(r'data-measure="deducted">(.*?)</svg>', page, re.S).group(1)
    assert re.findall(r'data-month="([\d-]+)" data-value="([^"]*)"', panel)[-2:] == [("2026-10", "60.00"),
                                                                                   ("2026-11", "20.00")]
    text = run("scorecard", "C01", "--month", "2026-11").stdout
    assert re.search(r"2026-10\s+—\s+60\.00\s+0\.00", text)


def test_every_scorecard_at_once(chain, tmp_path):
    """--all writes STORE/ID-NAME.html with an index per store and one over them; again, the same files; --store
    and --format narrow it; without a folder, or with a file for one, it is refused."""
    run("scorecard", "--all", "--month", "2026-11", "--out", "cards")
    files = sorted(str(p.relative_to("cards")) for p in Path("cards").rglob("*") if p.is_file())
    assert files == ["index.html", "南京西路店/G01-李娜.html", "南京西路店/index.html", "浦东展厅/C01-郑浩.html",
                     "浦东展厅/C02-冯雪.html", "浦东展厅/SM1-赵强.html", "浦东展厅/index.html"]
    index = Path("cards/浦东展厅/index.html").read_text(encoding="utf-8")
    assert 'href="C02-%E5%86%AF%E9%9B%AA.html"' in index and "120.00" in index
    first = {p: p.read_bytes() for p in Path("cards").rglob("*.html")}
    run("scorecard", "--all", "--month", "2026-11", "--out", "cards")
    assert {p: p.read_bytes() for p in Path("cards").rglob("*.html")} == first
    run("scorecard", "--all", "--month", "2026-11", "--out", "json", "--json", "--store", "南京西路店")
    assert [p.name for p in Path("json").rglob("*") if p.is_file()] == ["G01-李娜.json"]
    assert json.loads(Path("json/南京西路店/G01-李娜.json").read_text(encoding="utf-8"))["points_lost"] == "3"
    assert "--out DIR" in refused("scorecard", "--all", "--month", "2026-11")
    Path("afile").write_text("x", encoding="utf-8")
    assert "is a file" in refused("scorecard", "--all", "--month", "2026-11", "--out", "afile")
    assert "--all" in refused("scorecard", "--month", "2026-11")
    assert "--store goes with --all" in refused("scorecard", "C01", "--store", "浦东展厅")


@pytest.mark.parametrize(("name", "safe"), [
    ("C01-郑浩", "C01-郑浩"), ("a/b:c*?\"<>|", "a_b_c______"), ("CON", "_CON"), ("nul.txt", "_nul.txt"),
    ("..", "__"), ("名字. ", "名字_"), ("x\x1b[2J", "x_[2J"), ("", "_"), ("店" * 100, "店" * 40),
])
def test_file_names_are_safe_everywhere(name, safe):
    """Characters Windows forbids, control characters, reserved device names, a trailing dot and an overlong
    name (120 bytes of UTF-8: 40 Chinese characters) are made safe."""
    assert safe_name(name) == safe


def test_a_stores_month(chain):
    """report store: the staff with the payroll's figures, yuan by rule adding up to the due, the repeat
    offender, the dismissal awaiting a decision, and the workdays nobody punched; the same in the workbook."""
    report = data("report", "store", "浦东展厅", "--month", "2026-11", "--json")
    assert [s["staff_id"] for s in report["staff"]] == ["C01", "C02", "SM1"]
    assert report["totals"]["due"] == "140.00" and report["totals"]["deducted"] == "140.00"
    assert [(r["rule"], r["events"], r["people"], r["due"]) for r in report["by_rule"]] == [
        ("showroom.late", 4, 2, "120.00"), ("showroom.early_leave", 1, 1, "20.00")]
    assert sum(Decimal(r["due"]) for r in report["by_rule"]) == Decimal(report["totals"]["due"])
    assert [(o["staff_id"], o["events"]) for o in report["repeat_offenders"]] == [("C02", 4)]
    assert [(d["staff_id"], d["disposition"], d["at"][:10]) for d in report["dispositions"]] == [
        ("C02", "dismissal_recommended", "2026-11-17")]
    assert len(report["no_clock_days"]) == 21  # nobody at the showroom punched: every workday of November
    store = data("report", "store", "南京西路店", "--month", "2026-11", "--json")
    assert store["no_clock_days"][:2] == ["2026-11-04", "2026-11-05"] and len(store["no_clock_days"]) == 19
    text = run("report", "store", "南京西路店", "--month", "2026-11", "--lang", "zh").stdout
    assert "11-04 11-05" in text and "(19；" not in text
    run("report", "store", "浦东展厅", "--month", "2026-11", "--out", "r.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(Path("r.xlsx").read_bytes()))
    by_rule = book["按规则 By rule"]
    assert [c.value for c in by_rule[3]] == ["showroom.late", "迟到", 4, 2, 0, 120]
    assert by_rule["F3"].number_format == "0.00"
    assert "没有门店" in refused("report", "store", "静安", "--month", "2026-11", "--lang", "zh")
