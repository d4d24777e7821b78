"""The ``discipline`` command through click's CliRunner: the contract of product.md, figures by hand.

Every test runs in its own folder (conftest) with the clock frozen at 2026-12-05 10:00 in Shanghai,
so November 2026 is over (it can be closed) and December is the open month. Each test starts from
``init`` and the roster below; events are logged with ``--at`` in November unless said otherwise.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import re
import sqlite3
from pathlib import Path

import click
import pytest
from conftest import data, invoke, refused, run
from freezegun import freeze_time

from cli import cli
from discipline.resources import shipped_rules_path
from discipline.rules import load_rules
from discipline.texttable import width

NOW = "2026-12-05 10:00:00+08:00"
REGULATIONS = Path(__file__).resolve().parents[2] / "shared" / "regulations.md"
TOOLKIT = ("资料", "名片", "订单", "试乘试驾协议", "签字笔", "保险相关", "金融资料", "资料摘要")

#: A showroom in Shanghai (manager, group leaders of teams A and B, consultants, a 5S, a sales
#: assistant) and a store in Beijing (store lead, manager's assistant, two guides).
ROSTER = """\
id,name,store,team,role,supervisor,base_wage,bonus,shift,city,hired,left
SM1,赵强,浦东展厅,,sales_manager,,9000,3000,showroom,shanghai,2022-09-01,
GA1,孙磊,浦东展厅,A,group_leader,SM1,6000,1500,showroom,shanghai,2023-04-01,
GB1,吴婷,浦东展厅,B,group_leader,SM1,6000,1500,showroom,shanghai,2023-04-01,
C01,郑浩,浦东展厅,A,consultant,GA1,4000,1000,showroom,shanghai,2024-07-01,
C02,冯雪,浦东展厅,B,consultant,GB1,4200,1200,showroom,shanghai,2024-11-01,
C03,Li Wei,浦东展厅,B,consultant,GB1,3900,800,showroom,shanghai,2025-05-01,
F01,马超,浦东展厅,,five_s,SM1,3500,300,showroom,shanghai,2024-01-01,
A01,林琳,浦东展厅,,sales_assistant,SM1,4500,500,showroom,shanghai,2023-10-01,
L01,陈静,南京西路店,,store_lead,M01,5200,800,store,beijing,2024-03-01,
M01,周敏,南京西路店,,manager_assistant,,6500,1000,store,beijing,2023-06-01,
G01,李娜,南京西路店,,guide,L01,3800,200,store,beijing,2025-02-10,
G02,欧阳娜娜,南京西路店,,guide,L01,3045,400,store,beijing,2025-08-01,
"""
PEOPLE = ("SM1", "GA1", "GB1", "C01", "C02", "C03", "F01", "A01", "L01", "M01", "G01", "G02")
STATEMENT_FIELDS = {"staff_id", "name", "store", "role", "month", "points_lost", "score", "rating", "fines",
                    "compensation", "salary_penalties", "cost_recovery", "rewards", "due", "carried_in",
                    "deducted", "carried_out", "dispositions", "lines"}
DISPOSITION_FIELDS = {"rule", "disposition", "at", "event_id"}
LINE_FIELDS = {"event_id", "at", "rule", "kind", "points", "amount", "explanation"}
EVENT_FIELDS = ("event_id", "staff_id", "rule", "at", "voided")
BOM = b"\xef\xbb\xbf"


# ─── helpers ────────────────────────────────────────────────────────────────────────────────────

def log(staff: str, rule: str, when: str, *options: str) -> dict:
    """``log STAFF RULE --at WHEN … --json``, which must succeed."""
    return data("log", staff, rule, "--at", when, *options, "--json")


def fact(text: str, label: str) -> str:
    """The value beside ``label`` at the head of a text scorecard."""
    return next(line[len(label):].strip() for line in text.splitlines() if line.startswith(label + " "))


def card(staff: str, month: str = "2026-11") -> dict:
    return data("scorecard", staff, "--month", month, "--format", "json")


def payroll_bytes(month: str, fmt: str, *global_options: str) -> bytes:
    return run(*global_options, "payroll", month, "--format", fmt).stdout_bytes


def snapshot() -> tuple:
    """Everything a failed command must leave as it was: log rows, closed months, roster, events."""
    with sqlite3.connect("discipline.db") as conn:
        counts = tuple(conn.execute(f"select count(*) from {table}").fetchone()[0]
                       for table in ("events", "closed_months", "staff"))
    conn.close()
    return counts, run("staff", "list", "--json").stdout, run("events", "--json").stdout


def db_bytes() -> tuple[bytes, bytes]:
    """The database file and its WAL, after every earlier connection is gone and the WAL checkpointed."""
    gc.collect()
    conn = sqlite3.connect("discipline.db")
    conn.execute("pragma wal_checkpoint(truncate)")
    conn.close()
    wal = Path("discipline.db-wal")
    return Path("discipline.db").read_bytes(), wal.read_bytes() if wal.exists() else b""


def rules_copy(name: str, old: str, new: str) -> str:
    """The shipped rules.toml with ``old`` (which must occur) replaced once by ``new``, saved as ``name``."""
    text = shipped_rules_path().read_text(encoding="utf-8")
    assert old in text
    Path(name).write_text(text.replace(old, new, 1), encoding="utf-8")
    return name


def fines(charges: list[dict]) -> list[tuple[str, str, str]]:
    return [(c["staff_id"], c["kind"], c["amount"]) for c in charges]


@pytest.fixture(autouse=True)
def frozen():
    """The clock: 2026-12-05 10:00 in Shanghai (tests that need another moment nest a freeze_time)."""
    with freeze_time(NOW):
        yield


@pytest.fixture
def shop() -> None:
    """A database with the roster of a showroom and a store."""
    run("init")
    Path("roster.csv").write_text(ROSTER, encoding="utf-8")
    run("staff", "import", "roster.csv")


# ─── set-up: init, staff, rules ─────────────────────────────────────────────────────────────────

def test_init_twice_is_harmless(shop):
    """A second init keeps the roster and the log and says the database is ready."""
    log("C01", "showroom.late", "2026-11-03 08:42")
    before = snapshot()
    result = run("init")
    assert re.fullmatch(r"database discipline\.db ready \(schema version \d+\)\n", result.stdout)
    assert snapshot() == before


def test_staff_import_reads_a_bom_file_and_updates(shop):
    """A roster saved by Excel (BOM) is read; importing it again updates the same people, and says that only
    the one row that changed was updated (as batch 2: the first import was batch 1)."""
    Path("excel.csv").write_bytes(BOM + ROSTER.replace("3800,200", "3900,200").encode("utf-8"))
    assert run("staff", "import", "excel.csv").stdout == ("roster: 0 added, 1 updated, 11 unchanged (batch 2)\n"
                                                          "  G01: base_wage 3800.00 → 3900.00 from 2026-12-05\n")
    assert run("staff", "import", "excel.csv").stdout == "roster: 0 added, 0 updated, 12 unchanged\n"
    people = {p["id"]: p for p in data("staff", "list", "--json")}
    assert list(people) == ["G01", "G02", "L01", "M01", "A01", "C01", "C02", "C03", "F01", "GA1", "GB1", "SM1"]
    assert people["G01"]["base_wage"] == "3900.00"
    assert "id" in people["SM1"] and "\ufeff" not in json.dumps(people, ensure_ascii=False)


def test_staff_import_refuses_a_file_with_bad_rows_naming_every_line(shop):
    """Unknown role, unknown supervisor, duplicate id, negative wage, a cycle: all reported, nothing imported."""
    Path("bad.csv").write_text(
        "id,name,store,team,role,supervisor,base_wage,bonus,shift,city,hired,left\n"
        "X01,甲,浦东展厅,,wizard,SM1,4000,0,showroom,shanghai,,\n"          # line 2: unknown role
        "X02,乙,浦东展厅,,consultant,NOPE,4000,0,showroom,shanghai,,\n"     # line 3: unknown supervisor
        "X03,丙,浦东展厅,,consultant,SM1,4000,0,showroom,shanghai,,\n"
        "X03,丙,浦东展厅,,consultant,SM1,4000,0,showroom,shanghai,,\n"      # line 5: duplicate id
        "X04,丁,浦东展厅,,consultant,SM1,-100,0,showroom,shanghai,,\n"      # line 6: negative wage
        "X05,戊,浦东展厅,,consultant,X06,4000,0,showroom,shanghai,,\n"      # lines 7, 8: a cycle
        "X06,己,浦东展厅,,consultant,X05,4000,0,showroom,shanghai,,\n"
        "C01,郑浩,浦东展厅,A,consultant,GA1,9999,0,showroom,shanghai,,\n",  # a good update, not applied
        encoding="utf-8")
    before = snapshot()
    result = invoke("staff", "import", "bad.csv")
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    for expected in ("line 2: unknown role 'wizard'", "line 3: supervisor 'NOPE' of X02 is not on the roster",
                     "line 5: id X03 is already used on line 4", "line 6: base_wage must not be negative (-100)",
                     "line 7: X05 is in a supervisor cycle", "line 8: X06 is in a supervisor cycle"):
        assert expected in result.stderr
    assert result.stdout == ""
    assert snapshot() == before


def test_staff_import_refuses_a_person_without_a_city(shop):
    """A row with no city (so no minimum wage to cap deductions): exit 2 naming the line; payroll still works."""
    Path("nocity.csv").write_text(ROSTER.splitlines()[0] + "\nZ01,无城,浦东展厅,A,consultant,GA1,4000,0,showroom,,,\n",
                                  encoding="utf-8")
    before = snapshot()
    assert refused("staff", "import", "nocity.csv") == "Error: the roster was not imported: line 2: city is empty"
    assert snapshot() == before
    assert len(json.loads(payroll_bytes("2026-11", "json"))) == 12


def test_an_earlier_months_minimum_wage_comes_from_the_shipped_data(shop):
    """June 2025 in Shanghai: the floor is 2690 (from 2023-07-01, the shipped data), so the event is logged and
    capped like any other (before the data shipped, it was refused)."""
    assert log("C01", "showroom.late", "2025-06-30 08:42")["charges"][0]["amount"] == "20.00"
    assert card("C01", "2025-06")["minimum_wage"] == "2690.00"
    assert log("C01", "showroom.late", "2025-07-01 08:42")["charges"][0]["amount"] == "20.00"
    assert card("C01", "2025-07")["deducted"] == "20.00"
    assert card("C01")["deducted"] == "0.00"


def test_staff_list_json_gives_every_column(shop):
    """staff list --json: one object per person with the roster's columns, money as two decimals."""
    people = data("staff", "list", "--json")
    assert len(people) == 12
    g02 = next(p for p in people if p["id"] == "G02")
    assert g02 == {"id": "G02", "name": "欧阳娜娜", "store": "南京西路店", "team": "", "role": "guide",
                   "supervisor": "L01", "base_wage": "3045.00", "bonus": "400.00", "shift": "store",
                   "city": "beijing", "hired": "2025-08-01", "left": None, "clock": "yes", "pin": "G02"}
    assert [p["id"] for p in data("staff", "list", "--store", "南京西路店", "--json")] == ["G01", "G02", "L01", "M01"]


def spans(line: str, cells: list[str]) -> list[tuple[int, int]]:
    """(first, last + 1) terminal column of each cell, found left to right."""
    out, position = [], 0
    for cell in cells:
        index = line.index(cell, position)
        out.append((width(line[:index]), width(line[:index + len(cell)])))
        position = index + len(cell)
    return out


def test_staff_list_text_aligns_chinese_names(shop):
    """In the text table each column starts (numbers: ends) at one terminal column, whatever the names' widths."""
    lines = run("staff", "list").stdout.splitlines()
    header, rows = lines[0], lines[2:]
    columns = ["id", "name", "store", "team", "role", "supervisor", "base", "bonus", "shift", "city"]
    assert header.split() == [*columns, "left", "clock"]
    where = dict(zip(columns, spans(header, columns), strict=True))
    roles = {key: zh for key, zh, _ in load_rules().roles}
    people = sorted(csv.DictReader(io.StringIO(ROSTER)), key=lambda p: (p["store"], p["id"]))
    for person, line in zip(people, rows, strict=True):
        cells = {"id": person["id"], "name": person["name"], "store": person["store"], "team": person["team"],
                 "role": roles[person["role"]], "supervisor": person["supervisor"],
                 "base": f"{person['base_wage']}.00", "bonus": f"{person['bonus']}.00",
                 "shift": {"store": "门店", "showroom": "展厅"}[person["shift"]],
                 "city": {"shanghai": "上海", "beijing": "北京"}[person["city"]]}
        shown = [c for c in columns if cells[c]]
        for column, (first, last) in zip(shown, spans(line, [cells[c] for c in shown]), strict=True):
            if column in ("base", "bonus"):
                assert last == where[column][1], (column, line)
            else:
                assert first == where[column][0], (column, line)
    assert any("欧阳娜娜" in line and "导购" in line for line in rows)


def test_rules_check_accepts_the_shipped_table():
    """rules check on the shipped table: exit 0 and a count of the rules."""
    result = run("rules", "check")
    assert result.stdout.endswith(f"{len(load_rules().rules)} rules, 2 shifts, no problems\n")


def test_rules_check_names_file_line_and_code_of_every_problem():
    """A broken copy: exit 2, each problem as file:line: code: message, the count on the last line."""
    broken = rules_copy("broken.toml", "\nfine = [20, 40]\n", '\nfine = [20, "x"]\n')
    text = Path(broken).read_text(encoding="utf-8").splitlines()
    line = text.index('fine = [20, "x"]') + 1
    assert text[line - 4] == 'code = "showroom.late"'
    window_line = text.index('window = "month"') + 1  # the first rule with a window: showroom.after_meeting
    assert text[window_line - 5] == 'code = "showroom.after_meeting"'
    text[window_line - 1] = 'window = "monthly"'
    Path(broken).write_text("\n".join(text) + "\n", encoding="utf-8")
    result = invoke("--rules", "broken.toml", "rules", "check")
    assert result.exit_code == 2
    assert f"broken.toml:{line}: showroom.late: fine must be a number, not 'x'" in result.stderr
    assert (f"broken.toml:{window_line}: showroom.after_meeting: window must be \"month\", \"ever\" or a number "
            "of days like \"30d\", not 'monthly'") in result.stderr
    assert result.stderr.strip().splitlines()[-1] == ("Error: 2 problem(s) in the rule table; nothing uses it "
                                                      "until they are fixed")


def test_a_broken_rule_table_is_never_published_and_a_stray_file_prices_nothing(shop):
    """publish of a broken table: exit 2 naming the file and line, nothing stored. A broken (or any) table
    given with --rules, or lying in the folder as rules.toml, does not change what log charges: the
    published version prices."""
    rules_copy("broken.toml", "\nfine = [20, 40]\n", '\nfine = [20, "x"]\n')
    before = snapshot()
    result = invoke("rules", "publish", "broken.toml", "--effective", "2026-12-20")
    assert result.exit_code == 2 and "broken.toml:" in result.stderr and "showroom.late" in result.stderr
    assert snapshot() == before
    assert [v["version"] for v in data("rules", "versions", "--json")] == [1]
    Path("rules.toml").write_text(Path("broken.toml").read_text(encoding="utf-8"), encoding="utf-8")
    logged = log("C01", "showroom.late", "2026-11-03 08:42")
    assert fines(logged["charges"]) == [("C01", "fine", "20.00")]
    assert fines(data("--rules", "broken.toml", "log", "C01", "showroom.late", "--at", "2026-11-04 08:42",
                      "--json")["charges"]) == [("C01", "fine", "40.00")]


def test_rules_list_json_has_every_code_with_both_names():
    """rules list --json: every rule of the table, with name_zh and name_en; every regulation's code is there."""
    listed = data("rules", "list", "--json")
    assert [r["code"] for r in listed] == [r.code for r in load_rules().rules]
    for rule in listed:
        assert rule["name_zh"].strip() and rule["name_en"].strip() and rule["amount"].strip()
    late = next(r for r in listed if r["code"] == "showroom.late")
    assert (late["name_zh"], late["name_en"]) == ("迟到", "Lateness")
    if REGULATIONS.exists():
        codes = set(re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \|", REGULATIONS.read_text(encoding="utf-8"), re.M))
        codes -= {"marketing.referral"}  # a customer reward, out of scope
        assert codes - {r["code"] for r in listed} == set()
        assert len(codes) > 80


# ─── log: the worked examples ───────────────────────────────────────────────────────────────────

def test_lateness_ladder_and_void_reprices(shop):
    """Worked example 1: 20, 40, 40 + dismissal recommended; void the 2nd and the 3rd costs 40, no disposition."""
    first = log("C01", "showroom.late", "2026-11-03 08:42")
    second = log("C01", "showroom.late", "2026-11-10T08:45")
    third = log("C01", "showroom.late", "2026-11-17 08:50")
    assert first == {"event_id": 1, "charges": [
        {"staff_id": "C01", "kind": "fine", "points": "0", "amount": "20.00", "disposition": None,
         "explanation": "1st lateness in 2026-11 → 20 yuan",
         "explanation_zh": "2026年11月第1次迟到 → 20元", "explanation_en": "1st lateness in 2026-11 → 20 yuan"}],
        "posted_month": None, "changed": [
        {"staff_id": "C01", "month": "2026-11", "event_id": 1, "rule": "showroom.late", "before": "0.00",
         "after": "20.00", "points_before": "0", "points_after": "0", "dispositions_before": [],
         "dispositions_after": [], "posted_month": None}]}
    assert second["charges"] == [
        {"staff_id": "C01", "kind": "fine", "points": "0", "amount": "40.00", "disposition": None,
         "explanation": "2nd lateness in 2026-11 → 40 yuan",
         "explanation_zh": "2026年11月第2次迟到 → 40元", "explanation_en": "2nd lateness in 2026-11 → 40 yuan"}]
    assert third["charges"] == [
        {"staff_id": "C01", "kind": "fine", "points": "0", "amount": "40.00", "disposition": None,
         "explanation": "3rd lateness in 2026-11 → 40 yuan",
         "explanation_zh": "2026年11月第3次迟到 → 40元", "explanation_en": "3rd lateness in 2026-11 → 40 yuan"},
        {"staff_id": "C01", "kind": "disposition", "points": "0", "amount": "0.00",
         "disposition": "dismissal_recommended", "explanation": "3rd lateness in 2026-11 → dismissal recommended",
         "explanation_zh": "2026年11月第3次迟到 → 劝退",
         "explanation_en": "3rd lateness in 2026-11 → dismissal recommended"}]
    before = card("C01")
    assert (before["fines"], before["due"], before["deducted"]) == ("100.00", "100.00", "100.00")
    assert before["dispositions"] == [{"rule": "showroom.late", "disposition": "dismissal_recommended",
                                       "at": "2026-11-17T08:50:00+08:00", "event_id": 3}]

    voided = data("void", str(second["event_id"]), "--reason", "traffic accident, proven", "--json")
    assert [(c["event_id"], c["before"], c["after"], c["dispositions_before"], c["dispositions_after"])
            for c in voided["changed"]] == [(2, "40.00", "0.00", [], []),
                                            (3, "40.00", "40.00", ["dismissal_recommended"], [])]
    after = card("C01")
    assert [(ln["event_id"], ln["amount"], ln["explanation"]) for ln in after["lines"]] == [
        (1, "20.00", "1st lateness in 2026-11 → 20 yuan"), (3, "40.00", "2nd lateness in 2026-11 → 40 yuan")]
    assert after["dispositions"] == []
    assert (after["fines"], after["due"], after["deducted"], after["carried_out"]) == (
        "60.00", "60.00", "60.00", "0.00")


def test_log_text_output_shows_event_and_charges(shop):
    """Without --json, log prints the event id and a table of its charges."""
    out = run("log", "C01", "showroom.late", "--at", "2026-11-03 08:42").stdout
    assert out.splitlines()[0] == "event 1: C01 showroom.late at 2026-11-03 08:42"
    assert "20.00" in out and "1st lateness in 2026-11 → 20 yuan" in out


def test_log_without_at_uses_now(shop):
    """With no --at the event is at the frozen now, 2026-12-05 10:00 Shanghai."""
    run("log", "C01", "showroom.desk")
    assert data("events", "--json")[0]["at"] == "2026-12-05T10:00:00+08:00"


def test_toolkit_items_priced_and_unknown_item_refused(shop):
    """Worked example 2: three missing items cost 3 × 20 = 60; an unknown item lists the eight and logs nothing."""
    before = snapshot()
    message = refused("log", "C01", "showroom.toolkit", "--at", "2026-11-04 10:00",
                      "--item", "订单", "--item", "钥匙")
    assert "'钥匙' is not an item of showroom.toolkit" in message
    assert message.endswith("the items are: " + ", ".join(TOOLKIT))
    assert snapshot() == before
    assert data("events", "--json") == []

    logged = log("C01", "showroom.toolkit", "2026-11-04 10:00", "--item", "订单", "--item", "金融资料",
                 "--item", "资料摘要")
    assert logged["charges"] == [
        {"staff_id": "C01", "kind": "fine", "points": "0", "amount": "60.00", "disposition": None,
         "explanation": "3 items (订单, 金融资料, 资料摘要) × 20 yuan = 60.00 yuan",
         "explanation_zh": "3项（订单、金融资料、资料摘要） × 20元 = 60.00元",
         "explanation_en": "3 items (订单, 金融资料, 资料摘要) × 20 yuan = 60.00 yuan"}]


def test_cleanup_lapse_doubles_for_the_store_lead(shop):
    """Worked example 3: a guide misses two cleanup items with a lapse: guide 6 points, store lead 12."""
    logged = log("G01", "duty.cleanup", "2026-11-04 09:20", "--count", "2", "--lapse")
    assert [(c["staff_id"], c["kind"], c["points"], c["amount"]) for c in logged["charges"]] == [
        ("G01", "points", "6", "0.00"), ("L01", "points", "12", "0.00")]
    assert logged["charges"][1]["explanation"] == ("supervision lapse: 2 × 6 points for G01's missed cleanup / "
                                                   "equipment check")
    guide, lead = card("G01"), card("L01")
    assert (guide["points_lost"], guide["score"], guide["due"]) == ("6", "94", "0.00")
    assert (lead["points_lost"], lead["score"], lead["due"]) == ("12", "88", "0.00")


def test_window_open_against_a_team_charges_its_group_leader(shop):
    """Worked example 4: team:B, nobody identified: team B's group leader GB1 pays 20."""
    logged = log("team:B", "testdrive.window_open", "2026-11-04 18:00")
    assert fines(logged["charges"]) == [("GB1", "fine", "20.00")]
    assert "team B's group_leader" in logged["charges"][0]["explanation"]
    assert card("GB1")["fines"] == "20.00"
    assert card("GA1")["fines"] == "0.00"


def test_gift_value_times_ten_and_missing_value_refused(shop):
    """Worked example 5: a gift worth 80 costs 800.00; without --value: exit 2, nothing logged."""
    before = snapshot()
    message = refused("log", "C02", "keyaccount.gift_undelivered", "--at", "2026-11-05 18:00")
    assert message == ("Error: rule keyaccount.gift_undelivered needs --value YUAN (the value its amount is a "
                       "multiple of)")
    assert snapshot() == before
    logged = log("C02", "keyaccount.gift_undelivered", "2026-11-05 18:00", "--value", "80")
    assert logged["charges"] == [
        {"staff_id": "C02", "kind": "fine", "points": "0", "amount": "800.00", "disposition": None,
         "explanation": "10 × value 80.00 yuan = 800.00 yuan",
         "explanation_zh": "货值80.00元 × 10 = 800.00元", "explanation_en": "10 × value 80.00 yuan = 800.00 yuan"}]
    statement = card("C02")  # wage 5400 in Shanghai: cap min(1080, 2660) = 1080, so all 800 is deducted
    assert (statement["due"], statement["deducted"], statement["carried_out"]) == ("800.00", "800.00", "0.00")


# ─── times as a lead types them ─────────────────────────────────────────────────────────────────

TYPED_TIMES = [  # the clock: 2026-12-05 10:00 in Shanghai
    ("2026-11-03 08:42", "2026-11-03T08:42:00+08:00"),
    ("2026-11-03 8:42", "2026-11-03T08:42:00+08:00"),
    ("2026/11/3 8:42", "2026-11-03T08:42:00+08:00"),
    ("2026.11.3 8:42", "2026-11-03T08:42:00+08:00"),
    ("11-03 08:42", "2026-11-03T08:42:00+08:00"),
    ("11/3 8:42", "2026-11-03T08:42:00+08:00"),
    ("11/3 8:42:07", "2026-11-03T08:42:07+08:00"),
    ("08:42", "2026-12-05T08:42:00+08:00"),
    ("8:42:30", "2026-12-05T08:42:30+08:00"),
    ("2026-11-03T08:42:05", "2026-11-03T08:42:05+08:00"),
    ("2026-11-03T09:42+09:00", "2026-11-03T08:42:00+08:00"),
    ("2026-11-03T00:42:00Z", "2026-11-03T08:42:00+08:00"),
    ("１１／３　８：４２", "2026-11-03T08:42:00+08:00"),  # a Chinese input method's full-width forms
    ("2026年11月3日 8:42", "2026-11-03T08:42:00+08:00"),
    ("11月3日8点42分", "2026-11-03T08:42:00+08:00"),
    ("12-30 17:00", "2025-12-30T17:00:00+08:00"),  # this year's would be in the future: last year's
    ("12/5 09:59", "2026-12-05T09:59:00+08:00"),
]


@pytest.mark.parametrize(("typed", "meant"), TYPED_TIMES, ids=[t for t, _ in TYPED_TIMES])
def test_log_reads_the_time_as_a_lead_types_it(shop, typed, meant):
    """Every form of ``--at`` the issue lists is the same moment as the ISO form, on the event and its charge."""
    logged = log("C01", "showroom.late", typed)
    event = next(e for e in data("events", "--json") if e["event_id"] == logged["event_id"])
    assert event["at"] == meant


def test_a_file_gives_the_whole_date(shop):
    """An events file is read the same whenever it is imported: year-first forms are read, a row without a
    year or a date is refused naming its line, and nothing is logged."""
    Path("ok.csv").write_text("staff,rule,at\nC01,showroom.late,2026/11/3 8:42\nC01,showroom.late,2026.11.4 8:45\n",
                              encoding="utf-8")
    run("events", "import", "ok.csv")
    assert [e["at"] for e in data("events", "--json")] == ["2026-11-03T08:42:00+08:00", "2026-11-04T08:45:00+08:00"]
    before = snapshot()
    Path("bad.csv").write_text("staff,rule,at\nC01,showroom.late,11-05 08:42\n", encoding="utf-8")
    result = invoke("events", "import", "bad.csv")
    assert result.exit_code == 2
    assert "line 2: at '11-05 08:42' has no year; a file gives the whole date, like 2026-11-03 08:42" in result.stderr
    assert snapshot() == before


# ─── ids as a lead types them ───────────────────────────────────────────────────────────────────

def test_staff_ids_match_whatever_their_case_end_to_end(shop):
    """``g01`` copied from a help text is G01: logged, priced on her ladder, shown, voided and imported as
    G01, and stored as the roster has it."""
    first = log("c01", "showroom.late", "2026-11-03 08:45", "--by", "ga1")
    second = log(" C01 ", "showroom.late", "2026-11-04 08:45")
    assert [(c["staff_id"], c["amount"]) for c in first["charges"] + second["charges"]] == [
        ("C01", "20.00"), ("C01", "40.00")]  # the 1st and 2nd lateness of one person, not two people's 1st
    Path("more.csv").write_text("staff,rule,at,by\nc01,showroom.early_leave,2026-11-05 17:00,sm1\n", encoding="utf-8")
    run("events", "import", "more.csv")
    Path("leave.csv").write_text("staff,date,part\nc01,2026-11-06,full\n", encoding="utf-8")
    run("leave", "import", "leave.csv")
    stored = data("events", "--staff", "c01", "--json")
    assert [(e["staff_id"], e["at"][:10]) for e in stored] == [("C01", "2026-11-03"), ("C01", "2026-11-04"),
                                                              ("C01", "2026-11-05")]
    assert card("c01")["staff_id"] == "C01"
    assert card("c01")["fines"] == "80.00"  # 20 + 40 lateness, and the file's row is his 1st early leave: 20
    run("void", str(first["event_id"]), "--reason", "typo")
    assert card("C01")["fines"] == "40.00"  # the ladder closes up: 4 November's lateness is now his 1st
    said = run("log", "c01", "showroom.desk", "--at", "2026-11-06 09:00").stdout
    assert said.startswith("event ") and ": C01 showroom.desk at 2026-11-06 09:00" in said.splitlines()[0]
    assert [row["base_wage"] for row in data("staff", "history", "c01", "--json")] == ["4000"]
    with sqlite3.connect("discipline.db") as conn:
        assert {row[0] for row in conn.execute("select staff from events where staff is not null")} == {"C01"}
        assert {row[0] for row in conn.execute("select by from events where by is not null")} == {"GA1", "SM1"}
        assert conn.execute("select staff from leave").fetchall() == [("C01",)]
    conn.close()


def test_a_roster_file_names_people_whatever_the_case(shop):
    """A roster file writing ``c01`` changes the roster's C01 (kept as stored, not a second person), a
    supervisor ``ga1`` is GA1; the same id twice but for case is refused naming the first line; and a rule
    code is matched whatever its case too."""
    lower = ROSTER.replace("C01,郑浩,浦东展厅,A,consultant,GA1,4000", "c01,郑浩,浦东展厅,A,consultant,ga1,4400")
    Path("lower.csv").write_text(lower, encoding="utf-8")
    run("staff", "import", "lower.csv", "--effective", "2026-11-01")
    people = {p["id"]: p for p in data("staff", "list", "--json")}
    assert len(people) == 12 and (people["C01"]["base_wage"], people["C01"]["supervisor"]) == ("4400.00", "GA1")
    before = snapshot()
    Path("twice.csv").write_text(ROSTER + "c01,郑浩,浦东展厅,A,consultant,GA1,4000,1000,showroom,shanghai,,\n",
                                 encoding="utf-8")
    result = invoke("staff", "import", "twice.csv")
    assert result.exit_code == 2 and "line 14: id C01 is already used on line 5" in result.stderr
    assert snapshot() == before
    assert log("C01", "Showroom.Late", "2026-11-03 08:45")["charges"][0]["amount"] == "20.00"


@pytest.mark.parametrize(("args", "expected"), [
    (("log", "C1", "showroom.late", "--at", "2026-11-03 08:42"), "unknown staff 'C1'; did you mean C01 郑浩"),
    (("log", "郑浩", "showroom.late", "--at", "2026-11-03 08:42"), "unknown staff '郑浩'; did you mean C01 郑浩?"),
    (("log", "li wei", "showroom.late", "--at", "2026-11-03 08:42"), "did you mean C03 Li Wei?"),
    (("log", "C01", "showroom.late", "--at", "2026-11-03 08:42", "--by", "SM2"),
     "unknown staff 'SM2' given with --by; did you mean SM1 赵强"),
    (("log", "C01", "showroom.late", "--at", "2026-11-03 08:42", "--by", "QQQQQ"),
     "unknown staff 'QQQQQ' given with --by; 'discipline staff list' shows the ids"),
    (("scorecard", "G2", "--month", "2026-11"), "unknown staff 'G2'; did you mean G02 欧阳娜娜"),
    (("staff", "set", "欧阳娜娜", "base_wage=3100"), "unknown staff '欧阳娜娜'; did you mean G02 欧阳娜娜?"),
    (("staff", "set", "Q9", "base_wage=3100"), "unknown staff 'Q9'; 'discipline staff add' adds someone"),
    (("log", "C01", "迟到", "--at", "2026-11-03 08:42"),
     "unknown rule '迟到'; did you mean attendance.late 迟到 or showroom.late 迟到?"),
    (("log", "C01", "showroom.lat", "--at", "2026-11-03 08:42"), "did you mean showroom.late 迟到"),
])
def test_an_unknown_id_or_name_gets_the_nearest_people(shop, args, expected):
    """A typo or a name where an id belongs: one sentence naming who was probably meant, exit 2, nothing
    changed; a name is never taken for its id."""
    before = snapshot()
    assert expected in refused(*args)
    assert snapshot() == before


def test_the_roster_takes_the_words_staff_list_shows(shop):
    """Role, shift and city as a list shows them (导购, 门店, 上海), in English or as keys in any case: stored
    as the keys; and ``staff list`` shows them in Chinese, so what it shows can be typed back."""
    Path("more.csv").write_text(ROSTER + "G03,王芳,南京西路店,,导购,L01,3900,200,门店,北京,2025-09-01,\n"
                                "G04,刘洋,南京西路店,,Shopping Guide,L01,3900,200,STORE,Beijing,2025-09-01,\n"
                                "C04,钱多,浦东展厅,A,销售顾问,GA1,4000,800,展厅,上海,2025-09-01,\n", encoding="utf-8")
    run("staff", "import", "more.csv")
    listed = {p["id"]: (p["role"], p["shift"], p["city"]) for p in data("staff", "list", "--json")}
    assert listed["G03"] == listed["G04"] == ("guide", "store", "beijing")
    assert listed["C04"] == ("consultant", "showroom", "shanghai")
    text = run("staff", "list", "--store", "南京西路店").stdout
    assert "G03" in text and "导购" in text and "门店" in text and "北京" in text and "beijing" not in text


@pytest.mark.parametrize(("row", "expected"), [
    ("guid,L01,3900,200,store,beijing", "unknown role 'guid'; did you mean guide 导购?"),
    ("导游,L01,3900,200,store,beijing", "unknown role '导游'; did you mean guide 导购?"),
    ("guide,L01,3900,200,展厅班,beijing", "unknown shift '展厅班'; did you mean showroom 展厅?"),
    ("guide,L01,3900,200,store,北京巿",
     "city '北京巿' has no known minimum wage; did you mean beijing 北京?"),
    ("guide,L01,3900,200,store,shenzen",
     "city 'shenzen' has no known minimum wage; did you mean shenzhen 深圳?; 'discipline minwage' lists the cities, "
     "and a [[minimum_wage]] entry in the rule table (city = \"…\", zh = \"…\", from = YYYY-MM-DD, amount = \"…\") "
     "adds one"),
])
def test_a_roster_typo_gets_the_nearest_names(shop, row, expected):
    """A role, shift or city nobody has: the file is refused naming the line and what was probably meant."""
    before = snapshot()
    Path("typo.csv").write_text(ROSTER + "G05,何平,南京西路店,," + row + ",2025-09-01,\n", encoding="utf-8")
    result = invoke("staff", "import", "typo.csv")
    assert result.exit_code == 2
    assert f"line 14: {expected}" in result.stderr
    assert snapshot() == before


# ─── bad input: exit 2, one sentence, nothing changed ──────────────────────────────────────────

BAD_INPUT = [
    (("log", "X99", "showroom.late", "--at", "2026-11-03 08:42"), "unknown staff 'X99'"),
    (("log", "team:Z", "testdrive.window_open", "--at", "2026-11-03 08:42"), "no team 'Z'"),
    (("log", "C01", "showroom.lat", "--at", "2026-11-03 08:42"), "did you mean showroom.late"),
    (("log", "C01", "showroom.sales_task", "--at", "2026-11-03 10:00", "--outcome", "fire"),
     "no outcome 'fire'; did you mean fine? (outcomes: fine, dismissal)"),
    (("log", "C01", "showroom.sales_task", "--at", "2026-11-03 10:00", "--outcome", "sack"),
     "no outcome 'sack'; outcomes: fine, dismissal"),
    (("log", "C01", "showroom.late", "--at", "2026-12-05 10:01"), "is in the future"),
    (("log", "C01", "showroom.late", "--at", "2026-12-06 08:40"), "is in the future"),
    (("log", "C01", "showroom.late", "--at", "2026-11-03"), "has no time of day; give it as '2026-11-03 08:42'"),
    (("log", "C01", "showroom.late", "--at", "0001-01-01 08:42"), "is not a time of this century"),
    (("log", "C01", "showroom.late", "--at", "2026-11-31 08:42"), "'2026-11-31 08:42' is not a date and time that "
     "exist; type it like 2026-11-03 08:42, 2026/11/3 8:42, 11-03 08:42 (this year) or 08:42 (today)"),
    (("log", "C01", "showroom.late", "--at", "yesterday 8:42"), "'yesterday 8:42' is not a time; type it like"),
    (("log", "C01", "showroom.late", "--at", "11-03"), "'11-03' has no time of day; add it, like '11-03 08:42'"),
    (("log", "C01", "showroom.late", "--at", "2026/11/3"), "'2026/11/3' has no time of day"),
    (("log", "C01", "showroom.late", "--at", "10:01"), "is in the future"),  # today, 10:00 now
    (("log", "C01", "showroom.late", "--at", "8.42"), "'8.42' is not a time"),
    (("log", "C02", "keyaccount.gift_undelivered", "--at", "2026-11-05 18:00", "--value", "NaN"),
     "--value must be a finite number"),
    (("log", "C02", "keyaccount.gift_undelivered", "--at", "2026-11-05 18:00", "--value", "-5"),
     "--value must not be negative"),
    (("log", "C02", "keyaccount.gift_undelivered", "--at", "2026-11-05 18:00", "--value", "1e30"),
     "--value must be written out in digits, like 10000, not '1e30'"),
    (("log", "C02", "keyaccount.gift_undelivered", "--at", "2026-11-05 18:00", "--value", "1000000000000"),
     "--value is too large"),
    (("log", "C02", "keyaccount.gift_undelivered", "--at", "2026-11-05 18:00", "--value", "80.005"),
     "--value '80.005' has parts of a fen; give yuan with at most two decimals"),
    (("log", "C02", "keyaccount.gift_undelivered", "--at", "2026-11-05 18:00", "--value", "eighty"),
     "--value must be a number"),
    (("log", "C01", "showroom.desk", "--at", "2026-11-05 18:00", "--count", "0"), "--count must be"),
    (("events", "--month", "2026/11"), "month '2026/11' is not a month like 2026-11 (YYYY-MM)"),
    (("events", "--month", "2026-1"), "is not a month like 2026-11"),
    (("scorecard", "C01", "--month", "11-2026"), "is not a month like 2026-11"),
    (("scorecard", "X99", "--month", "2026-11"), "unknown staff 'X99'"),
    (("payroll", "2026-13"), "is not a month like 2026-11"),
    (("close", "Nov 2026"), "is not a month like 2026-11"),
    (("void", "99", "--reason", "typo"), "there is no event 99"),
    (("void", "1", "--reason", " "), "--reason must say why"),
]


@pytest.mark.parametrize(("args", "expected"), BAD_INPUT, ids=[" ".join(a[:3]) for a, _ in BAD_INPUT])
def test_bad_input_exits_2_with_one_line_and_changes_nothing(shop, args, expected):
    """Each bad input: exit 2, one sentence on stderr saying what was wrong, the database as it was."""
    log("C01", "showroom.late", "2026-11-03 08:42")
    before = snapshot()
    message = refused(*args)
    assert message.startswith("Error: ")
    assert expected in message
    assert snapshot() == before


def test_void_twice_is_refused(shop):
    """A withdrawn event cannot be withdrawn again: exit 2 and the log keeps one void."""
    logged = log("C01", "showroom.late", "2026-11-03 08:42")
    run("void", str(logged["event_id"]), "--reason", "appeal accepted")
    before = snapshot()
    assert refused("void", str(logged["event_id"]), "--reason", "again") == "Error: event 1 is already withdrawn"
    assert snapshot() == before


def test_void_needs_an_event_number():
    """void of a word: click's usage error, exit 2."""
    result = invoke("void", "first", "--reason", "x")
    assert result.exit_code == 2 and "Traceback" not in result.stderr


def test_a_command_before_init_says_to_run_init():
    """Without a database: exit 2, one sentence telling to run init, and no database is created."""
    message = refused("events")
    assert "run 'discipline init' first" in message
    assert not Path("discipline.db").exists()


# ─── events, scorecard, payroll ─────────────────────────────────────────────────────────────────

def test_events_filtered_by_staff_and_month(shop):
    """events --staff --month --json: only that person's month, voided ones marked, contract fields."""
    log("C01", "showroom.late", "2026-11-03 08:42")
    log("C02", "showroom.phone", "2026-11-04 11:00")
    log("C01", "showroom.desk", "2026-11-20 17:00")
    log("C01", "showroom.late", "2026-12-01 08:40")
    run("void", "3", "--reason", "desk was clean")
    selected = data("events", "--staff", "C01", "--month", "2026-11", "--json")
    assert [{key: e[key] for key in EVENT_FIELDS} for e in selected] == [
        {"event_id": 1, "staff_id": "C01", "rule": "showroom.late", "at": "2026-11-03T08:42:00+08:00",
         "voided": False},
        {"event_id": 3, "staff_id": "C01", "rule": "showroom.desk", "at": "2026-11-20T17:00:00+08:00",
         "voided": True}]
    assert [e["event_id"] for e in data("events", "--json")] == [1, 2, 3, 4]
    assert [e["event_id"] for e in data("events", "--month", "2026-12", "--json")] == [4]
    text = run("events", "--staff", "C01").stdout
    assert [line.split()[0] for line in text.splitlines()[2:]] == ["1", "3", "4"]
    assert "withdrawn" in next(line for line in text.splitlines() if line.lstrip().startswith("3 "))


def test_scorecard_json_has_every_statement_field(shop):
    """scorecard --format json: every field of product.md's statement, its lines and dispositions."""
    for day in ("03", "10", "17"):
        log("C01", "showroom.late", f"2026-11-{day} 08:42")
    statement = card("C01")
    assert set(statement) >= STATEMENT_FIELDS
    assert (statement["staff_id"], statement["name"], statement["store"], statement["role"], statement["month"]) == (
        "C01", "郑浩", "浦东展厅", "consultant", "2026-11")
    # a consultant's policy has no points; the 3rd lateness's pending 劝退 caps the rating (issue 13)
    assert (statement["points_lost"], statement["score"], statement["rating"]) == ("0", "100", "不合格")
    assert statement["score_applies"] is False
    assert statement["rating_capped_by"] == {"disposition": "dismissal_recommended", "event_id": 3}
    assert [statement[k] for k in ("fines", "compensation", "salary_penalties", "cost_recovery", "rewards",
                                   "due", "carried_in", "deducted", "carried_out")] == [
        "100.00", "0.00", "0.00", "0.00", "0.00", "100.00", "0.00", "100.00", "0.00"]
    assert len(statement["lines"]) == 4 and all(set(line) >= LINE_FIELDS for line in statement["lines"])
    assert len(statement["dispositions"]) == 1 and set(statement["dispositions"][0]) >= DISPOSITION_FIELDS
    assert invoke("scorecard", "C01", "--month", "2026-11", "--json").stdout == \
        invoke("scorecard", "C01", "--month", "2026-11", "--format", "json").stdout


def test_a_pending_disposition_caps_the_rating_and_says_why(shop):
    """Issue 13: a guide who lost 6 points (94: 优秀) with a written warning awaiting a decision is rated at
    most 合格, and the scorecard says which disposition capped it; withdrawn, the score rates her again. An
    oral warning caps nothing."""
    log("G01", "conduct.quality", "2026-11-03 10:00", "--item", "爱岗敬业", "--item", "严以律己")  # 2 × 3 points
    log("G01", "uniform.noncompliant", "2026-11-04 10:00")  # 1st: oral warning
    assert (card("G01")["score"], card("G01")["rating"], card("G01")["rating_capped_by"]) == ("94", "优秀", None)
    serious = log("G01", "uniform.noncompliant", "2026-11-05 10:00", "--outcome", "serious")  # written warning
    statement = card("G01")
    assert (statement["score"], statement["score_applies"], statement["rating"]) == ("94", True, "合格")
    assert statement["rating_capped_by"] == {"disposition": "written_warning", "event_id": serious["event_id"]}
    text = run("--lang", "both", "scorecard", "G01", "--month", "2026-11").stdout
    assert fact(text, "考核分 Score") == "94 / 100"
    assert fact(text, "评级 Rating") == (f"合格 Satisfactory（待决定的书面警告 #{serious['event_id']} 封顶 capped by "
                                       f"the pending written warning, event {serious['event_id']}）")
    chinese = run("--lang", "zh", "scorecard", "G01", "--month", "2026-11").stdout
    assert fact(chinese, "评级") == f"合格（待决定的书面警告 #{serious['event_id']} 封顶）"
    run("void", str(serious["event_id"]), "--reason", "appeal upheld")
    assert (card("G01")["rating"], card("G01")["rating_capped_by"]) == ("优秀", None)


def test_a_yuan_only_role_has_no_score_to_show(shop):
    """Issue 13: a consultant's policy prices in yuan only: five latenesses and their pending 劝退 do not show
    as 考核分 100/100, 优秀; the score does not apply, and the rating is capped at 不合格 by the first 劝退."""
    for day in ("03", "04", "05", "06", "09"):
        log("C01", "showroom.late", f"2026-11-{day} 08:45")
    statement = card("C01")
    assert (statement["score_applies"], statement["rating"]) == (False, "不合格")
    assert [d["disposition"] for d in statement["dispositions"]] == ["dismissal_recommended"] * 3
    assert statement["rating_capped_by"] == {"disposition": "dismissal_recommended", "event_id": 3}
    text = run("--lang", "both", "scorecard", "C01", "--month", "2026-11").stdout
    assert fact(text, "考核分 Score") == "不适用 n/a（本岗位按元计罚，不扣分 priced in yuan, no points）"
    assert fact(run("--lang", "zh", "scorecard", "C01", "--month", "2026-11").stdout, "考核分") == (
        "不适用（本岗位按元计罚，不扣分）")
    assert "100 / 100" not in text and "优秀" not in text
    html = run("--lang", "both", "scorecard", "C01", "--month", "2026-11", "--format", "html").stdout
    assert "不适用" in html and "100 / 100" not in html
    assert "不合格 Unsatisfactory（待决定的劝退 #3 封顶" in html
    idle = card("C02")  # nothing this month: no score, no rating to give
    assert (idle["score_applies"], idle["rating_capped_by"]) == (False, None)
    assert fact(run("--lang", "both", "scorecard", "C02", "--month", "2026-11").stdout, "评级 Rating") == "不适用 n/a"


def test_scorecard_text_and_html(shop):
    """The text scorecard says why each line cost what it cost; HTML is one page, written with --out."""
    log("C01", "showroom.late", "2026-11-03 08:42")
    text = run("scorecard", "C01", "--month", "2026-11").stdout
    assert "郑浩" in text and "1st lateness in 2026-11 → 20 yuan" in text
    result = run("scorecard", "C01", "--month", "2026-11", "--format", "html", "--out", "C01.html")
    assert result.stdout == ""
    html = Path("C01.html").read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html") and "郑浩" in html


def test_scorecard_defaults_to_this_month(shop):
    """Without --month the scorecard is of the frozen clock's month, 2026-12."""
    log("C01", "showroom.late", "2026-12-01 08:42")
    statement = data("scorecard", "C01", "--json")
    assert statement["month"] == "2026-12" and statement["fines"] == "20.00"


def test_payroll_csv_starts_with_bom_and_has_everyone(shop):
    """payroll --format csv: UTF-8 with BOM, a bilingual header, one row per person, exact figures."""
    log("C01", "showroom.late", "2026-11-03 08:42")
    log("C02", "keyaccount.gift_undelivered", "2026-11-05 18:00", "--value", "80")
    raw = payroll_bytes("2026-11", "csv")
    assert raw.startswith(BOM)
    assert run("payroll", "2026-11").stdout_bytes == raw  # csv is the default
    run("payroll", "2026-11", "--format", "csv", "--out", "payroll.csv")
    assert Path("payroll.csv").read_bytes() == raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 1 + len(PEOPLE)
    assert sorted(row[0] for row in rows[1:]) == sorted(PEOPLE)
    c02 = next(row for row in rows[1:] if row[0] == "C02")
    assert "冯雪" in c02 and "800.00" in c02
    assert "\ufeff" not in raw.decode("utf-8-sig")


def test_payroll_json_and_html(shop):
    """payroll --format json is a list of statements; html names every store."""
    log("C01", "showroom.late", "2026-11-03 08:42")
    statements = json.loads(payroll_bytes("2026-11", "json"))
    assert sorted(s["staff_id"] for s in statements) == sorted(PEOPLE)
    assert all(set(s) >= STATEMENT_FIELDS for s in statements)
    assert next(s for s in statements if s["staff_id"] == "C01")["fines"] == "20.00"
    html = payroll_bytes("2026-11", "html").decode("utf-8")
    assert "浦东展厅" in html and "南京西路店" in html and "<svg" in html


# ─── closing a month ────────────────────────────────────────────────────────────────────────────

def test_close_is_refused_before_the_month_ends(shop):
    """close 2026-11 on 30 November: exit 2, nothing closed."""
    log("C01", "showroom.late", "2026-11-03 08:42")
    before = snapshot()
    with freeze_time("2026-11-30 23:59:00+08:00"):
        message = refused("close", "2026-11")
    assert "2026-11 has not ended yet (today is 2026-11-30)" in message
    assert snapshot() == before


def test_closed_month_is_frozen_and_a_void_posts_a_reversal(shop):
    """A closed month: no second close, no logging into it, a void reverses in December, files never change."""
    late = log("C01", "showroom.late", "2026-11-03 08:42")
    log("C02", "keyaccount.gift_undelivered", "2026-11-05 18:00", "--value", "80")
    log("G01", "duty.cleanup", "2026-11-06 09:20", "--count", "2", "--lapse")
    assert run("close", "2026-11").stdout == "2026-11 closed: 12 statements frozen, 820.00 yuan deducted in all\n"
    frozen = {fmt: payroll_bytes("2026-11", fmt) for fmt in ("csv", "html", "json")}
    frozen_card = card("C01")

    before = snapshot()
    assert "2026-11 is already closed (on 2026-12-05)" in refused("close", "2026-11")
    assert "2026-11 is closed for payroll" in refused("attendance", "derive", "2026-11")
    assert snapshot() == before

    # a rule change: the closed month is what was frozen, the open month is priced by the new table
    rules_copy("dearer.toml", "\nfine = [20, 40]\n", "\nfine = [50, 100]\n")
    for fmt in frozen:
        assert payroll_bytes("2026-11", fmt, "--rules", "dearer.toml") == frozen[fmt]

    # an appeal after payroll: the reversal is posted into December, November stays as it was
    result = run("void", str(late["event_id"]), "--reason", "appeal accepted")
    assert result.stdout.splitlines()[0] == ("event 1 withdrawn; its month is closed, so the reversal is posted in "
                                             "2026-12")
    december = card("C01", "2026-12")
    assert [(ln["event_id"], ln["kind"], ln["amount"], ln["at"]) for ln in december["lines"]] == [
        (1, "fine", "-20.00", "2026-12-05T10:00:00+08:00")]
    assert december["lines"][0]["explanation"] == ("reversal of event 1 of 2026-11-03 after payroll "
                                                   "(appeal accepted)")
    assert (december["fines"], december["due"], december["deducted"], december["carried_out"]) == (
        "-20.00", "-20.00", "-20.00", "0.00")
    assert card("C01") == frozen_card

    # new events in December, priced by the version in force: the dearer table from 4 December
    logged = log("C01", "showroom.late", "2026-12-02 08:40")
    assert fines(logged["charges"]) == [("C01", "fine", "20.00")]
    log("C03", "showroom.late", "2026-12-03 08:40")
    run("rules", "publish", "dearer.toml", "--effective", "2026-12-04", "--retroactive")
    assert fines(log("C03", "showroom.late", "2026-12-04 08:40")["charges"]) == [("C03", "fine", "100.00")]

    for fmt in frozen:
        assert payroll_bytes("2026-11", fmt) == frozen[fmt]
        assert payroll_bytes("2026-11", fmt, "--rules", "dearer.toml") == frozen[fmt]
    assert card("C01") == frozen_card


def test_what_if_shows_who_changes_and_writes_nothing(shop):
    """payroll --rules proposed.toml: C01's 20 + 40 becomes 30 + 60 (+30.00); the database is untouched."""
    log("C01", "showroom.late", "2026-11-03 08:42")
    log("C01", "showroom.late", "2026-11-10 08:42")
    log("G01", "duty.cleanup", "2026-11-06 09:20", "--count", "2")
    rules_copy("proposed.toml", "\nfine = [20, 40]\n", "\nfine = [30, 60]\n")
    files = sorted(p.name for p in Path().iterdir() if not p.name.endswith(("-wal", "-shm")))
    before = db_bytes()

    text = run("payroll", "2026-11", "--rules", "proposed.toml").stdout
    assert "1 of 12 staff change." in text
    rows = [line.split() for line in text.splitlines() if line.startswith("C01 ")]
    assert rows == [["C01", "郑浩", "浦东展厅", "60.00", "90.00", "+30.00", "60.00", "90.00", "+30.00", "0", "0", "0"]]
    assert not any(line.startswith(("G01", "C02")) for line in text.splitlines())

    compared = data("payroll", "2026-11", "--rules", "proposed.toml", "--json")
    now = {s["staff_id"]: s for s in compared["current"]}
    new = {s["staff_id"]: s for s in compared["proposed"]}
    assert (now["C01"]["due"], new["C01"]["due"]) == ("60.00", "90.00")
    assert (now["G01"]["points_lost"], new["G01"]["points_lost"]) == ("6", "6")
    html = run("payroll", "2026-11", "--rules", "proposed.toml", "--format", "html").stdout
    assert "C01" in html and "+30.00" in html

    assert db_bytes() == before
    assert sorted(p.name for p in Path().iterdir() if not p.name.endswith(("-wal", "-shm"))) == files
    assert {s["staff_id"]: s["due"] for s in json.loads(payroll_bytes("2026-11", "json"))}["C01"] == "60.00"


# ─── integrity, backup, demo ────────────────────────────────────────────────────────────────────

def test_verify_detects_an_edited_event(shop):
    """verify: intact after logging and a void; exit 1 naming event 2 once its row is edited with sqlite3."""
    log("C01", "showroom.late", "2026-11-03 08:42")
    log("C01", "showroom.late", "2026-11-10 08:42")
    run("void", "1", "--reason", "appeal")
    assert run("verify").stdout.splitlines()[0] == "3 log entries checked: the chain is intact"
    gc.collect()
    with sqlite3.connect("discipline.db") as conn:
        conn.execute("update events set at = '2026-11-11T08:42:00+08:00' where id = 2")
    conn.close()
    result = invoke("verify")
    assert result.exit_code == 1
    assert "event 2 was edited: its contents no longer match its hash" in result.stderr
    assert "Traceback" not in result.stderr


def test_backup_copy_verifies_and_holds_the_same_events(shop):
    """backup PATH: the copy's chain is intact and it lists the same events; an existing PATH is refused."""
    log("C01", "showroom.late", "2026-11-03 08:42")
    log("team:B", "testdrive.window_open", "2026-11-04 18:00")
    run("void", "1", "--reason", "appeal")
    result = run("backup", "copy.db")
    assert result.stdout == "backup written to copy.db (3 log entries, chain intact)\n"
    assert run("--db", "copy.db", "verify").stdout.splitlines()[0] == "3 log entries checked: the chain is intact"
    assert run("--db", "copy.db", "events", "--json").stdout == run("events", "--json").stdout
    assert run("--db", "copy.db", "staff", "list", "--json").stdout == run("staff", "list", "--json").stdout
    assert "copy.db exists already" in refused("backup", "copy.db")


def test_demo_writes_payroll_and_a_scorecard_per_person():
    """demo --dir d: the payroll CSV (with BOM), HTML, JSON and workbook of 2026-10 and html/txt/json for each
    person."""
    result = run("demo", "--dir", "d")
    folder = Path("d")
    assert (folder / "payroll-2026-10.csv").read_bytes().startswith(BOM)
    assert (folder / "payroll-2026-10.xlsx").read_bytes().startswith(b"PK\x03\x04")
    assert "<svg" in (folder / "payroll-2026-10.html").read_text(encoding="utf-8")
    statements = json.loads((folder / "payroll-2026-10.json").read_text(encoding="utf-8"))
    assert len(statements) == 17
    for statement in statements:
        for suffix in ("html", "txt", "json"):
            assert (folder / "scorecards" / f"{statement['staff_id']}.{suffix}").is_file()
        assert f"wrote d/scorecards/{statement['staff_id']}.html" in result.stdout
    k01 = next(s for s in statements if s["staff_id"] == "K01")
    assert any(line["amount"] == "800.00" for line in k01["lines"])  # worked example 5 in the demo
    run("demo", "--dir", "d")  # a second run rebuilds the demo in place
    assert json.loads((folder / "payroll-2026-10.json").read_text(encoding="utf-8")) == statements


# ─── help ───────────────────────────────────────────────────────────────────────────────────────

def walk(group: click.Group, path: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from walk(command, (*path, name))


COMMANDS = list(walk(cli))


def test_every_command_is_walked():
    """The walk reaches the contract's commands and subcommands."""
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"init", "staff import", "staff list", "rules check", "rules list", "log", "void", "events",
            "scorecard", "payroll", "close", "punches import", "attendance derive", "verify", "demo",
            "backup"} <= names


@pytest.mark.parametrize(("path", "command"), [((), cli), *COMMANDS], ids=["discipline"] +
                         [" ".join(path) for path, _ in COMMANDS])
def test_every_command_has_help(path, command):
    """--help exits 0 and shows the command's own help text."""
    assert (command.help or "").strip(), f"{' '.join(path)} has no help text"
    result = invoke(*path, "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: ")
    assert " ".join(command.help.split()[:4]) in " ".join(result.stdout.split())


def test_the_examples_in_typed_hold():
    """``typed.py`` shows how a time and a note are read; its examples are run, so they stay true."""
    import doctest

    from discipline import typed

    assert doctest.testmod(typed).failed == 0
