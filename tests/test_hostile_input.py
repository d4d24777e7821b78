"""Implausible amounts, huge numbers, control characters, far dates, a newer schema and the wheel (issue 12 item 7).

Every refusal is exit 2 with one sentence on stderr saying what was wrong and what is allowed, and
changes nothing: the log, the roster and the batches read back as they were. The clock is frozen at
2026-12-05 10:00 in Shanghai, so November 2026 is over and December open.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import data, invoke, refused, run, shop_at
from freezegun import freeze_time

from discipline import DISTRIBUTION
from discipline.model import Event, Staff
from discipline.resources import shipped_rules_path

NOW = "2026-12-05 10:00:00+08:00"
PROJECT = Path(__file__).resolve().parents[1]
ROSTER = """\
id,name,store,team,role,supervisor,base_wage,bonus,shift,city,hired,left
SM1,赵强,浦东展厅,,sales_manager,,9000,3000,showroom,shanghai,2022-09-01,
GA1,孙磊,浦东展厅,A,group_leader,SM1,6000,1500,showroom,shanghai,2023-04-01,
C01,郑浩,浦东展厅,A,consultant,GA1,4000,1000,showroom,shanghai,2024-07-01,
L01,陈静,南京西路店,,store_lead,,5200,800,store,beijing,2024-03-01,
G01,李娜,南京西路店,,guide,L01,3800,200,store,beijing,2025-02-10,
"""
HEADER = ROSTER.splitlines()[0]
#: G01's wage is 3800 + 200 a month: one year's is 48000.00 yuan, the limit for a loss logged against her.
LOSS = ("log", "G01", "duty.unfinished", "--at", "2026-11-05 18:00")
GIFT = ("log", "C01", "keyaccount.gift_undelivered", "--at", "2026-11-05 18:00")


@pytest.fixture
def shop():
    """A database with a showroom and a store, the clock frozen at NOW."""
    with shop_at(NOW, ROSTER):
        yield


def state() -> tuple[str, ...]:
    """What a refused command must leave as it was: the log, the roster, the batches, the schedule and leave."""
    with sqlite3.connect("discipline.db") as conn:
        rows = tuple(str(conn.execute(f"select * from {table} order by 1").fetchall())
                     for table in ("schedule", "leave", "punches"))
    conn.close()
    return (run("events", "--json").stdout, run("staff", "list", "--json").stdout,
            run("batches", "--json").stdout, *rows)


def refused_unchanged(*args: str) -> str:
    """``args`` is refused (exit 2, one line on stderr) and changes nothing; the line."""
    before = state()
    line = refused(*args)
    assert line.startswith("Error: ")
    assert state() == before
    return line


def write(name: str, text: str) -> str:
    Path(name).write_text(text, encoding="utf-8")
    return name


# ─── money: implausible amounts need --confirm ──────────────────────────────────────────────────

def test_a_loss_of_a_trillion_yuan_is_refused_without_confirm(shop):
    """--loss 999999999999: more than a year's wage, so exit 2 with a sentence saying to add --confirm."""
    line = refused_unchanged(*LOSS, "--loss", "999999999999")
    assert line == ("Error: --loss 999999999999.00 yuan is more than one year's wage of G01 (48000.00 yuan); if the "
                    "amount is real, give the command again with --confirm")


def test_a_loss_at_the_limit_is_taken_and_above_it_with_confirm(shop):
    """One year's wage is accepted as it is; a fen more needs --confirm, and with it is logged."""
    refused_unchanged(*LOSS, "--loss", "48000.01")
    at_limit = data(*LOSS, "--loss", "48000", "--json")
    assert [(c["kind"], c["amount"]) for c in at_limit["charges"]] == [("points", "0.00"), ("compensation", "48000.00")]
    confirmed = data("log", "G01", "duty.unfinished", "--at", "2026-11-06 18:00", "--loss", "90000", "--confirm",
                     "--json")
    assert ("compensation", "90000.00") in [(c["kind"], c["amount"]) for c in confirmed["charges"]]


def test_a_value_over_the_limit_is_refused_too(shop):
    """--value of a multiple-of-value rule has the same limit (C01: 12 × 5000)."""
    line = refused_unchanged(*GIFT, "--value", "60000.01")
    assert "--value 60000.01 yuan is more than one year's wage of C01 (60000.00 yuan)" in line
    assert line.endswith("with --confirm")


def test_the_limit_is_a_setting_of_the_rule_table():
    """plausible_amount_limit in [settings] replaces one year's wage."""
    text = shipped_rules_path().read_text(encoding="utf-8").replace(
        "notice_days = 7 ", "plausible_amount_limit = 500\nnotice_days = 7 ", 1)
    Path("rules.toml").write_text(text, encoding="utf-8")
    with shop_at(NOW, ROSTER):
        line = refused_unchanged(*LOSS, "--loss", "500.01")
        assert "more than the rule table's plausible_amount_limit (500.00 yuan)" in line
        run(*LOSS, "--loss", "500")


def test_without_a_wage_the_limit_is_fixed(shop):
    """Someone on the roster without a wage (an intern on 0): 100000 yuan is the limit."""
    run("staff", "add", "--id", "I01", "--name", "实习生", "--store", "南京西路店", "--role", "guide", "--supervisor",
        "L01", "--base-wage", "0", "--city", "beijing", "--hired", "2025-01-01")
    line = refused_unchanged("log", "I01", "duty.unfinished", "--at", "2026-11-05 18:00", "--loss", "100000.01")
    assert "the limit for an amount typed without a known wage (100000.00 yuan)" in line


def test_an_events_file_with_an_implausible_loss_is_refused_unless_confirmed(shop):
    """The loss column: the row is named, nothing is logged; --confirm logs it."""
    write("history.csv", "staff,rule,at,loss\nG01,duty.unfinished,2026-11-05 18:00,20\n"
                         "G01,duty.unfinished,2026-11-06 18:00,999999999999\n")
    assert refused_unchanged("events", "import", "history.csv") == (
        "Error: the events file was not imported: line 3: loss 999999999999.00 yuan is more than one year's wage of "
        "G01 (48000.00 yuan); if the amount is real, give the command again with --confirm")
    assert data("events", "import", "history.csv", "--confirm", "--json")["logged"] == 2


@pytest.mark.parametrize(("typed", "expected"), [
    ("1e11", "--loss must be written out in digits, like 10000, not '1e11'"),
    ("1E5", "--loss must be written out in digits"),
    ("NaN", "--loss must be a finite number, not 'NaN'"),
    ("Infinity", "--loss must be a finite number"),
    ("-inf", "--loss must be a finite number"),
    ("1000000000000", "--loss is too large"),
    ("10" * 30, "--loss is too large"),
    ("80.005", "--loss '80.005' has parts of a fen; give yuan with at most two decimals"),
    ("1_000", "--loss must be a number such as 20, 1.50 or 1,234.50, not '1_000'"),
    ("1,5", "not '1,5'"),
    ("1,2,3", "not '1,2,3'"),
    ("12。5", "not '12。5'"),
    ("3万", "not '3万'"),
    ("٣", "not '٣'"),
    ("0x10", "not '0x10'"),
    ("", "not ''"),
])
def test_money_that_cannot_be_meant_is_refused(shop, typed, expected):
    """Scientific notation, NaN, infinity, parts of a fen, odd commas, other scripts' digits: one sentence."""
    assert expected in refused_unchanged(*LOSS, "--loss", typed)


@pytest.mark.parametrize(("typed", "amount"), [
    ("１２３．５０", "123.50"),   # full-width digits and point, as a Chinese input method types them
    ("１，２３４", "1234.00"),
    ("1,234.50", "1234.50"),
    ("123元", "123.00"),
    ("￥123", "123.00"),
    ("¥ 45.6", "45.60"),
])
def test_money_as_chinese_staff_type_it_is_read(shop, typed, amount):
    """Full-width digits, point and comma, thousands commas and the unit are read deliberately."""
    logged = data(*LOSS, "--loss", typed, "--json")
    assert ("compensation", amount) in [(c["kind"], c["amount"]) for c in logged["charges"]]


def test_a_negative_loss_is_refused(shop):
    """-5 is no loss."""
    assert "--loss must not be negative" in refused_unchanged(*LOSS, "--loss", "-5")


# ─── wages ──────────────────────────────────────────────────────────────────────────────────────

def test_a_wage_with_parts_of_a_fen_is_refused_not_rounded(shop):
    """4500.555 is refused in staff set, staff import and staff add, and nothing is recorded."""
    assert "base_wage '4500.555' has parts of a fen" in refused_unchanged("staff", "set", "C01", "base_wage=4500.555")
    write("raise.csv", f"{HEADER}\nC01,郑浩,浦东展厅,A,consultant,GA1,4000.001,1000,showroom,shanghai,2024-07-01,\n")
    assert "line 2: base_wage '4000.001' has parts of a fen" in refused_unchanged("staff", "import", "raise.csv")
    assert "bonus '0.5000001' has parts of a fen" in refused_unchanged(
        "staff", "add", "--id", "N01", "--name", "新人", "--store", "浦东展厅", "--role", "consultant",
        "--base-wage", "4000", "--bonus", "0.5000001", "--city", "shanghai")


def test_a_full_width_wage_is_read(shop):
    """４５００ typed with a Chinese input method is 4500.00."""
    result = run("staff", "set", "C01", "base_wage=４５００", "--effective", "2026-12-01")
    assert "C01: base_wage 4000.00 → 4500.00 from 2026-12-01" in result.stdout


def test_an_implausible_wage_needs_confirm(shop):
    """A monthly wage over 100000 yuan is refused in set, import and add unless --confirm; an unchanged
    wage already above it is not asked about again."""
    line = refused_unchanged("staff", "set", "C01", "base_wage=999999999")
    assert line == ("Error: the change was not recorded: C01's monthly wage of 1000000999.00 yuan (base_wage + "
                    "bonus) is more than the limit for a monthly wage (100000.00 yuan); if it is real, give the "
                    "command again with --confirm")
    write("big.csv", f"{HEADER}\nN01,新人,浦东展厅,A,consultant,GA1,200000,0,showroom,shanghai,2026-12-01,\n")
    assert "line 2: N01's monthly wage of 200000.00 yuan" in refused_unchanged("staff", "import", "big.csv")
    assert "monthly wage of 150000.00 yuan" in refused_unchanged(
        "staff", "add", "--id", "N02", "--name", "新人", "--store", "浦东展厅", "--role", "consultant",
        "--base-wage", "150000", "--city", "shanghai")
    run("staff", "import", "big.csv", "--confirm")
    run("staff", "set", "N01", "name=新同事")  # the wage is as it was: no --confirm needed


# ─── huge and negative whole numbers ────────────────────────────────────────────────────────────

@pytest.mark.parametrize("args", [
    ("void", str(10 ** 30), "--reason", "typo"),
    ("void", "--", "-1", "--reason", "typo"),
    ("void", "0", "--reason", "typo"),
    ("void", "１", "--reason", "typo"),
    ("undo", str(10 ** 30), "--reason", "typo"),
    ("undo", "--", "-3", "--reason", "typo"),
    ("rules", "diff", "1", str(10 ** 30)),
    ("rules", "diff", "--", "-1", "1"),
])
def test_a_huge_or_negative_id_is_refused_in_one_sentence(shop, args):
    """void 10**30 and friends: exit 2 'is not an id', never 'unexpected error'."""
    assert "is not an id" in refused_unchanged(*args)


@pytest.mark.parametrize("args", [
    ("void", "999999999999", "--reason", "typo"),
    ("undo", "999999999999", "--reason", "typo"),
    ("rules", "diff", "1", "999999999999"),
])
def test_the_largest_id_that_is_not_there_is_said_so(shop, args):
    """A twelve-digit id is an id: there is none such."""
    assert "there is no" in refused_unchanged(*args)


@pytest.mark.parametrize("count", [str(10 ** 30), "9223372036854775808", "100001", "-5", "0"])
def test_a_huge_or_negative_count_is_refused(shop, count):
    """--count of a per-unit rule: a whole number from 1 to 10000."""
    assert "--count must be a whole number of 1 or more" in refused_unchanged(
        "log", "G01", "duty.cleanup", "--at", "2026-11-05 18:00", f"--count={count}")


def test_an_events_file_count_of_superscript_two_is_refused_in_a_sentence(shop):
    """'²' passes str.isdigit() but is no number: the row is named, not a Python message."""
    write("history.csv", "staff,rule,at,count\nG01,duty.cleanup,2026-11-05 18:00,²\n")
    assert "line 2: count '²' must be a whole number of 1 or more" in refused_unchanged("events", "import",
                                                                                         "history.csv")


# ─── control characters ─────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize(("name", "store", "team", "expected"), [
    ("A\x1b[2Jred", "浦东展厅", "A", "line 2: name holds a control character (\\x1b)"),
    ("张三", "浦东\u202e展厅", "A", "line 2: store holds a control character (\\u202e)"),
    ("张三", "浦东展厅", "A\x00", "line 2: team holds a control character (\\x00)"),
    ("张\u2066三", "浦东展厅", "A", "line 2: name holds a control character (\\u2066)"),
    ("张\x85三", "浦东展厅", "A", "line 2: name holds a control character (\\x85)"),
])
def test_a_roster_with_control_characters_is_refused(shop, name, store, team, expected):
    """Escape codes, NUL, direction overrides and isolates in a roster: refused with the field and row."""
    write("roster2.csv", f"{HEADER}\nZ1,{name},{store},{team},consultant,GA1,4000,0,showroom,shanghai,,\n")
    assert refused_unchanged("staff", "import", "roster2.csv") == (
        f"Error: the roster was not imported: {expected}; type plain text")


@pytest.mark.parametrize("args", [
    ("staff", "set", "C01", "name=A\x1b[2J"),
    ("staff", "add", "--id", "N01", "--name", "新\u202e人", "--store", "浦东展厅", "--role", "consultant",
     "--base-wage", "4000", "--city", "shanghai"),
    (*LOSS, "--note", "迟到\x1b]0;pwned\x07"),
    (*LOSS, "--note", "abc\u202edef"),
    ("void", "1", "--reason", "ok\x00"),
    ("rules", "publish", "rules.toml", "--effective", "2027-01-01", "--by", "HR\u202e王"),
])
def test_typed_text_with_control_characters_is_refused(shop, args):
    """Names, notes, reasons and 'by' typed on the command line: one sentence naming the field."""
    run(*LOSS)
    Path("rules.toml").write_text(shipped_rules_path().read_text(encoding="utf-8"), encoding="utf-8")
    assert "holds a control character" in refused_unchanged(*args)


def test_an_events_file_note_with_a_direction_override_is_refused(shop):
    """The note column (and every other) of an events file: the row and the column are named."""
    write("history.csv", "staff,rule,at,note\nG01,duty.cleanup,2026-11-05 18:00,\u202e!evil\n")
    assert refused_unchanged("events", "import", "history.csv") == (
        "Error: the events file was not imported: line 2: note holds a control character (\\u202e); type plain text")


def test_a_rule_table_with_a_control_character_is_refused():
    """rules check names the file, line and rule of a name holding an escape code."""
    text = shipped_rules_path().read_text(encoding="utf-8").replace(
        'name = { zh = "迟到"', 'name = { zh = "迟\\u001b[2J到"', 1)
    write("bad.toml", text)
    result = invoke("rules", "check", "bad.toml")
    assert result.exit_code == 2
    line = next(n for n, text_line in enumerate(text.splitlines(), 1) if "\\u001b" in text_line)
    assert f"bad.toml:{line}: " in result.stderr and "zh holds a control character (\\x1b)" in result.stderr


def test_a_punch_file_staff_number_with_a_control_character_is_skipped(shop):
    """A punch whose staff number holds an escape code is skipped and said; the others are imported."""
    write("punches.csv", "staff,time\nG01,2026-11-03 08:40:00\nG\x1b[2J01,2026-11-03 08:41:00\n")
    result = run("punches", "import", "punches.csv")
    assert result.stdout.startswith("1 punches read, 1 new")
    assert "skipped line 3: The staff number 'G\\x1b[2J01' holds a control character" in result.stderr


def legacy(store_path: str = "discipline.db") -> None:
    """Text a database written before input refused control characters may hold: a name, a store, a note."""
    from discipline import service, versions
    from discipline.clock import now

    store = service.open_store(Path(store_path))
    book = versions.book(store)
    person = Staff(id="Z1", name="A\x1b[2Jred\u202e", store="浦东\u202e展厅", team="A", role="consultant",
                   supervisor="GA1", base_wage=Decimal(4000), bonus=Decimal(0), shift="showroom", city="shanghai",
                   hired=dt.date(2025, 1, 1), left=None)
    with store.write():
        store.staff.record([(person, None)], recorded_at=now(book.zone))
    at = dt.datetime(2026, 11, 5, 9, 0, tzinfo=book.zone)
    service.log(store, book, Event(id=0, staff="Z1", rule="showroom.late", at=at, note="\x1b[31m红\u202e"),
                now=now(book.zone))
    store.close()


def test_what_a_database_holds_already_is_shown_escaped_everywhere(shop):
    """Text stored before: every text output shows its escapes, JSON escapes them, HTML and CSV too."""
    legacy()
    outputs = {
        "staff list": run("staff", "list").stdout,
        "staff history": run("staff", "history", "Z1").stdout,
        "events": run("events").stdout,
        "scorecard": run("scorecard", "Z1", "--month", "2026-11").stdout,
        "scorecard html": run("scorecard", "Z1", "--month", "2026-11", "--format", "html").stdout,
        "payroll csv": run("payroll", "2026-11").stdout_bytes.decode("utf-8-sig"),
        "payroll html": run("payroll", "2026-11", "--format", "html").stdout,
        "staff list --json": run("staff", "list", "--json").stdout,
        "events --json": run("events", "--json").stdout,
        "scorecard --json": run("scorecard", "Z1", "--month", "2026-11", "--json").stdout,
        "nobody at": run("staff", "list", "--store", "无\u202e店").stdout,
    }
    for what, text in outputs.items():
        assert "\x1b" not in text and "\u202e" not in text, what
    assert "A\\x1b[2Jred\\u202e" in outputs["staff list"]
    assert "\\x1b[31m红\\u202e" in outputs["events"]
    assert "A\\x1b[2Jred" in outputs["scorecard"] and "A\\x1b[2Jred" in outputs["scorecard html"]
    assert "浦东\\u202e展厅" in outputs["payroll csv"] and "浦东\\u202e展厅" in outputs["payroll html"]
    assert [p["name"] for p in json.loads(outputs["staff list --json"]) if p["id"] == "Z1"] == ["A\x1b[2Jred\u202e"]
    assert "\\u202e" in outputs["staff list --json"] and "\\u001b" in outputs["events --json"]
    assert json.loads(outputs["scorecard --json"])["name"] == "A\x1b[2Jred\u202e"
    assert "无\\u202e店" in outputs["nobody at"]


def test_an_error_naming_stored_text_shows_it_escaped(shop):
    """A refusal that repeats what was typed never carries the raw control character to the terminal."""
    result = invoke("staff", "list", "--store", "x", "--format", "yaml\u202e")
    assert result.exit_code == 2 and "\u202e" not in result.stderr


# ─── dates far from today ───────────────────────────────────────────────────────────────────────

def test_punches_dated_far_from_today_are_skipped_and_listed(shop):
    """A punch before 2000 or more than a year ahead is skipped with its line; the rest are imported."""
    write("punches.csv", "staff,time\nG01,2026-11-03 08:40:00\nG01,1999-12-31 08:40:00\n"
                         "G01,2027-12-06 08:40:00\nG01,2027-12-05 08:40:00\n")
    result = run("punches", "import", "punches.csv")
    assert result.stdout.startswith("2 punches read, 2 new")
    assert "skipped line 3: The year 1999 is outside" in result.stderr
    assert ("skipped line 4: The punch of 'G01' on 2027-12-06 is more than a year after today (2026-12-05)"
            in result.stderr)
    assert "line 5" not in result.stderr


@pytest.mark.parametrize(("command", "text", "expected"), [
    ("schedule", "staff,date,shift\nG01,2026-12-07,rest\nG01,2027-12-06,rest\n",
     "line 3: the date 2027-12-06 is more than a year after today (2026-12-05); give a date from 2000-01-01 to "
     "2027-12-05"),
    ("schedule", "staff,date,shift\nG01,1999-12-31,rest\n", "line 2: the date 1999-12-31 is before 2000-01-01"),
    ("leave", "staff,date,part\nG01,2026-12-07,full\nG01,2031-01-01,full\n",
     "line 3: the date 2031-01-01 is more than a year after today"),
    ("leave", "staff,date,part\nG01,1970-01-01,am\n", "line 2: the date 1970-01-01 is before 2000-01-01"),
])
def test_schedule_and_leave_dated_far_from_today_are_refused(shop, command, text, expected):
    """Like any bad row of these files: the line is named and nothing is imported."""
    write("file.csv", text)
    assert expected in refused_unchanged(command, "import", "file.csv")


def test_schedule_and_leave_a_year_ahead_are_taken(shop):
    """A year from today exactly is still a plan, not a slip."""
    assert run("schedule", "import", write("s.csv", "staff,date,shift\nG01,2027-12-05,rest\n")).stdout == \
        "schedule: 1 days set\n"
    assert run("leave", "import", write("l.csv", "staff,date,part\nG01,2000-01-01,full\n")).stdout == \
        "leave: 1 entries recorded\n"


# ─── a newer schema ─────────────────────────────────────────────────────────────────────────────

def test_a_database_of_a_newer_release_says_what_works(shop):
    """Every command, init included, says to install the newer release or use a backup of this one."""
    with sqlite3.connect("discipline.db") as conn:
        conn.execute("update meta set value = '99' where key = 'schema_version'")
    conn.close()
    for args in (("events",), ("init",), ("verify",)):
        line = refused(*args)
        assert "was written by a newer release of discipline (schema version 99" in line
        assert f"'pip install -U {DISTRIBUTION}'" in line and "use a backup made by this release" in line
        assert "discipline init" not in line


# ─── the package ────────────────────────────────────────────────────────────────────────────────

def test_the_distribution_has_its_own_name_and_no_top_level_cli_module():
    """discipline-scoring on PyPI; the command stays discipline; the wheel carries cli.py inside the package."""
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["name"] == DISTRIBUTION == "discipline-scoring"
    assert project["project"]["scripts"] == {"discipline": "discipline.__main__:main"}
    wheel = project["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel["only-include"] == ["discipline"]
    assert wheel["force-include"]["cli.py"] == "discipline/cli.py"


def test_the_version_is_read_from_the_distribution():
    """--version finds the installed distribution by its own name."""
    with freeze_time(NOW):  # click keeps the program name of the first --version of a process: cli under CliRunner
        assert run("--version").stdout.endswith(", version 0.1.0\n")


def test_the_entry_point_finds_the_command_in_a_checkout(monkeypatch, capsys):
    """discipline.__main__.main runs cli.py's command where there is no discipline/cli.py (editable, checkout)."""
    from discipline.__main__ import main

    monkeypatch.setattr("sys.argv", ["discipline", "--version"])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 0
    assert capsys.readouterr().out.endswith(", version 0.1.0\n")
