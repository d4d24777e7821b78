"""Rule-table versions and the roster's history: what priced a month is on record, with its dates.

The clock stands at 2026-11-20 10:00 in Shanghai: October is over (it can be closed) and November is
open. Consultants earn a base of 4350.00, so a day's base wage is 4350 ÷ 21.75 = 200.00. Version 2 of
the rule table differs from the shipped one in two places: the desk fine is 50 yuan (not 20) and the
showroom lateness ladder is 30, 60 (not 20, 40), with dismissal recommended from the 3rd as before.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest
from conftest import data, invoke, run, shop_at

from discipline.resources import shipped_rules_path
from discipline.storage import MIGRATIONS, Store

ROSTER = """\
id,name,store,team,role,supervisor,base_wage,bonus,shift,city,hired,left
SM1,赵强,浦东展厅,,sales_manager,,9000,3000,showroom,shanghai,,
GA1,孙磊,浦东展厅,A,group_leader,SM1,6000,1500,showroom,shanghai,,
GB1,吴婷,浦东展厅,B,group_leader,SM1,6000,1500,showroom,shanghai,,
C01,郑浩,浦东展厅,A,consultant,GA1,4350,1000,showroom,shanghai,,
C02,冯雪,浦东展厅,B,consultant,GB1,4350,1000,showroom,shanghai,,
"""
SHIPPED = shipped_rules_path().read_text(encoding="utf-8")


def version_2(path: str = "v2.toml") -> str:
    """The shipped table with the desk fine at 50 and the lateness ladder at 30, 60."""
    desk = 'source = "桌面和电脑上留有灰尘经纠正而不改者罚款20元"\nfine = '
    text = SHIPPED.replace(desk + "20", desk + "50")
    text = text.replace("fine = [20, 40]\nwindow = \"month\"\nfrom_occurrence = { 3 = \"dismissal_recommended\" }\n\n"
                        "[[rule]]\ncode = \"showroom.early_leave\"",
                        "fine = [30, 60]\nwindow = \"month\"\nfrom_occurrence = { 3 = \"dismissal_recommended\" }\n\n"
                        "[[rule]]\ncode = \"showroom.early_leave\"")
    assert text.count("fine = 50\n") > SHIPPED.count("fine = 50\n") and "fine = [30, 60]" in text
    Path(path).write_text(text, encoding="utf-8")
    return path


def amounts(staff: str, month: str = "2026-11") -> list[tuple[int, str]]:
    """(event, amount) of every line of a month's scorecard."""
    card = data("scorecard", staff, "--month", month, "--json")
    return [(line["event_id"], line["amount"]) for line in card["lines"]]


def refused_all(*args: str) -> str:
    """A command that must exit 2; its whole stderr (a table's problems are listed line by line)."""
    result = invoke(*args)
    assert result.exit_code == 2, f"{args}: exit {result.exit_code}\n{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stderr
    return result.stderr


def stored() -> tuple[str, ...]:
    """What a refused command must leave as it was."""
    return (run("rules", "versions", "--json").stdout, run("events", "--json").stdout,
            run("staff", "list", "--json", "--at", "2026-12-31").stdout, run("batches", "--json").stdout)


@pytest.fixture(autouse=True)
def shop():
    with shop_at("2026-11-20 10:00:00+08:00", ROSTER):
        yield


def test_init_publishes_the_table_at_hand_as_version_1_from_the_beginning():
    """init stores the shipped table whole: version 1, from the beginning, its SHA-256 that of its text."""
    (version,) = data("rules", "versions", "--json")
    assert (version["version"], version["effective"], version["published"]) == (1, None, "2026-11-20")
    assert version["sha256"] == hashlib.sha256(SHIPPED.encode("utf-8")).hexdigest()
    assert run("init").stdout == "database discipline.db ready (schema version 9)\n"  # said once


def test_a_fine_raised_mid_month_charges_later_events_only():
    """The desk fine becomes 50 from 12 November (published on the 5th: 7 days' notice). The lapse of the
    10th stays 20; that of the 13th, logged before the version was published, is re-priced to 50."""
    run("log", "C01", "showroom.desk", "--at", "2026-11-10 09:00")
    run("log", "C01", "showroom.desk", "--at", "2026-11-13 09:00")
    assert amounts("C01") == [(1, "20.00"), (2, "20.00")]
    out = run("rules", "publish", version_2(), "--effective", "2026-11-12", "--published", "2026-11-05",
              "--by", "HR 王").stdout
    assert out == "v2.toml is version 2 (" + hashlib.sha256(Path("v2.toml").read_bytes()).hexdigest()[:8] + \
        "), in force from 2026-11-12: 3 amounts changed\n"
    assert amounts("C01") == [(1, "20.00"), (2, "50.00")]
    run("log", "C01", "showroom.desk", "--at", "2026-11-11 17:00")
    assert amounts("C01") == [(1, "20.00"), (3, "20.00"), (2, "50.00")]
    card = data("scorecard", "C01", "--month", "2026-11", "--json")
    assert card["fines"] == "90.00"
    assert [v["version"] for v in card["rule_versions"]] == [1, 2]


def test_a_ladder_begun_under_version_1_goes_on_under_version_2():
    """C01 late on the 3rd (1st, version 1: 20), the 16th and the 18th (2nd and 3rd, version 2: 60 and 60
    with dismissal recommended from the 3rd): occurrences count across versions by rule code."""
    run("rules", "publish", version_2(), "--effective", "2026-11-12", "--published", "2026-11-05")
    for day in ("03", "16", "18"):
        run("log", "C01", "showroom.late", "--at", f"2026-11-{day} 08:45")
    card = data("scorecard", "C01", "--month", "2026-11", "--json")
    assert [(line["amount"], line["explanation"]) for line in card["lines"]] == [
        ("20.00", "1st lateness in 2026-11 → 20 yuan"), ("60.00", "2nd lateness in 2026-11 → 60 yuan"),
        ("60.00", "3rd lateness in 2026-11 → 60 yuan"), ("0.00", "3rd lateness in 2026-11 → dismissal recommended")]
    assert card["fines"] == "140.00"


def test_two_folders_with_different_tables_give_the_same_payroll(tmp_path):
    """The same database from a folder whose rules.toml fines the desk 500, and with $DISCIPLINE_RULES naming
    another table: byte-identical payroll JSON, priced by the stored version (20)."""
    run("log", "C01", "showroom.desk", "--at", "2026-11-10 09:00")
    here = run("payroll", "2026-11", "--format", "json").stdout_bytes
    db = str(Path("discipline.db").resolve())
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "rules.toml").write_text(SHIPPED.replace("fine = 20\n", "fine = 500\n"), encoding="utf-8")
    os.chdir(other)
    assert invoke("--db", db, "payroll", "2026-11", "--format", "json").stdout_bytes == here
    os.environ["DISCIPLINE_RULES"] = str(other / "rules.toml")
    try:
        assert invoke("--db", db, "payroll", "2026-11", "--format", "json").stdout_bytes == here
        assert data("--db", db, "log", "C02", "showroom.desk", "--at", "2026-11-11 09:00", "--json")[
            "charges"][0]["amount"] == "20.00"
    finally:
        del os.environ["DISCIPLINE_RULES"]


def test_a_raise_from_november_leaves_octobers_salary_penalty_at_the_old_wage():
    """C01 absent on 20 October (4350 ÷ 21.75 = 200.00) and on 5 November; a raise to 6525 from 1 November
    (6525 ÷ 21.75 = 300.00) re-prices November only. October's cap is 20 % of 4350 + 1000."""
    run("log", "C01", "attendance.absenteeism", "--at", "2026-10-20 08:30", "--count", "1")
    run("log", "C01", "attendance.absenteeism", "--at", "2026-11-05 08:30", "--count", "1")
    out = run("staff", "set", "C01", "base_wage=6525", "--effective", "2026-11-01").stdout
    assert out.splitlines()[:2] == ["roster: 0 added, 1 updated, 0 unchanged (batch 2)",
                                    "  C01: base_wage 4350.00 → 6525.00 from 2026-11-01"]
    assert "200.00  300.00" in out  # what it did to pay: November's absence re-priced
    october = data("scorecard", "C01", "--month", "2026-10", "--json")
    assert (october["salary_penalties"], october["cap"], october["wage"]) == ("200.00", "1070.00", "5350.00")
    november = data("scorecard", "C01", "--month", "2026-11", "--json")
    assert (november["salary_penalties"], november["wage"]) == ("300.00", "7525.00")


def test_a_lapse_in_october_charges_octobers_supervisor_after_a_november_reassignment():
    """C01 moves from GA1's team A to GB1's team B from 1 November. A lapse on leaving the post (3 points; the
    store policy doubles points) of 15 October, logged before and after the move, charges GA1 double (6);
    one of 5 November charges GB1."""
    run("log", "C01", "conduct.off_post", "--at", "2026-10-15 09:00", "--lapse")
    run("staff", "set", "C01", "supervisor=GB1", "team=B", "--effective", "2026-11-01")
    run("log", "C01", "conduct.off_post", "--at", "2026-10-16 09:00", "--lapse")
    run("log", "C01", "conduct.off_post", "--at", "2026-11-05 09:00", "--lapse")

    def points(staff: str, month: str = "2026-11") -> list[tuple[int, str]]:
        return [(line["event_id"], line["points"])
                for line in data("scorecard", staff, "--month", month, "--json")["lines"]]
    assert points("GA1", "2026-10") == [(1, "6"), (2, "6")]
    assert points("GB1", "2026-10") == []
    assert points("GB1") == [(3, "6")]
    history = data("staff", "history", "C01", "--json")
    assert [(v["effective"], v["supervisor"], v["team"]) for v in history] == [
        (None, "GA1", "A"), ("2026-11-01", "GB1", "B")]


def test_closed_months_stay_byte_identical_whatever_is_published_or_imported():
    """October closed; a new version from 12 November and a raise from 1 November leave its files as they were."""
    run("log", "C01", "showroom.desk", "--at", "2026-10-15 09:00")
    run("close", "2026-10")
    frozen = {fmt: run("payroll", "2026-10", "--format", fmt).stdout_bytes for fmt in ("csv", "html", "json")}
    run("rules", "publish", version_2(), "--effective", "2026-11-12", "--published", "2026-11-05")
    run("staff", "set", "C01", "base_wage=6525", "--effective", "2026-11-01")
    assert {fmt: run("payroll", "2026-10", "--format", fmt).stdout_bytes for fmt in frozen} == frozen


def test_export_then_publish_gives_the_same_sha256():
    """rules export writes the version in force exactly: published again it has the same SHA-256, so it is the
    version in force already and nothing is published; edited, it is version 2."""
    run("rules", "export", "--out", "in-force.toml")
    assert Path("in-force.toml").read_text(encoding="utf-8") == SHIPPED
    first = hashlib.sha256(SHIPPED.encode()).hexdigest()[:8]
    assert run("rules", "publish", "in-force.toml", "--effective", "2026-11-30").stdout == (
        f"nothing published: in-force.toml is version 1 ({first}), in force on 2026-11-30 already\n")
    assert len(data("rules", "versions", "--json")) == 1
    version_2("in-force.toml")
    run("rules", "publish", "in-force.toml", "--effective", "2026-11-30")
    run("rules", "export", "--at", "2026-11-30", "--out", "again.toml")
    assert run("rules", "publish", "again.toml", "--effective", "2026-12-15").stdout.startswith("nothing published")
    assert [v["sha256"][:8] for v in data("rules", "versions", "--json")] == [
        first, hashlib.sha256(Path("again.toml").read_bytes()).hexdigest()[:8]]


def test_versions_show_and_diff_say_what_changed():
    """rules diff 1 2 lists the three rules whose amounts changed, old and new; show --at names the version."""
    run("rules", "publish", version_2(), "--effective", "2026-12-01", "--by", "HR 王")
    diff = data("rules", "diff", "1", "2", "--json")
    assert diff["summary"] == "3 amounts changed"
    assert [(c["code"], c["change"]) for c in diff["rules"]] == [
        ("showroom.desk", "changed"), ("showroom.grooming_meeting", "changed"), ("showroom.late", "changed")]
    assert diff["rules"][0]["before"] == "20 yuan" and diff["rules"][0]["after"] == "50 yuan"
    assert data("rules", "show", "--at", "2026-11-30", "--json")["version"] == 1
    assert data("rules", "show", "--at", "2026-12-01", "--json")["version"] == 2
    listed = {r["code"]: r["amount"] for r in data("rules", "list", "--at", "2026-12-01", "--json")}
    assert listed["showroom.desk"] == "50 yuan"


def test_a_roster_import_says_only_what_changed_and_a_dry_run_changes_nothing():
    """The same roster with C02's bonus 1000 → 1200 from 1 December: one line, one person updated; --dry-run
    prints the same and stores nothing."""
    Path("new.csv").write_text(ROSTER.replace("4350,1000,showroom,shanghai,,\n", "4350,1000,showroom,shanghai,,\n", 1)
                               .replace("C02,冯雪,浦东展厅,B,consultant,GB1,4350,1000",
                                        "C02,冯雪,浦东展厅,B,consultant,GB1,4350,1200"), encoding="utf-8")
    before = stored()
    dry = run("staff", "import", "new.csv", "--effective", "2026-12-01", "--dry-run").stdout
    assert dry == ("dry run: nothing was changed; this is what it would do\n"
                   "roster: 0 added, 1 updated, 4 unchanged\n"
                   "  C02: bonus 1000.00 → 1200.00 from 2026-12-01\n")
    assert stored() == before
    done = run("staff", "import", "new.csv", "--effective", "2026-12-01").stdout
    assert done.splitlines() == ["roster: 0 added, 1 updated, 4 unchanged (batch 2)",
                                 "  C02: bonus 1000.00 → 1200.00 from 2026-12-01"]
    assert {p["id"]: p["bonus"] for p in data("staff", "list", "--json")}["C02"] == "1000.00"  # today: not yet
    assert {p["id"]: p["bonus"] for p in data("staff", "list", "--json", "--at", "2026-12-01")}["C02"] == "1200.00"


@pytest.mark.parametrize(("args", "expected"), [
    (("rules", "publish", "missing.toml", "--effective", "2026-12-01"), "missing.toml: file not found"),
    (("rules", "publish", "SHIPPED", "--effective", "2026-13-01"),
     "--effective '2026-13-01' is not a date like 2026-11-03"),
    (("rules", "publish", "SHIPPED", "--effective", "2026-11-25"),
     "2026-11-25 is sooner than 7 days after it is published (2026-11-20)"),
    (("rules", "publish", "SHIPPED", "--effective", "2026-10-20", "--retroactive"),
     "2026-10-20 is in 2026-10, which is closed for payroll (up to 2026-10)"),
    (("rules", "diff", "1", "7"), "there is no rule version 7; 'discipline rules versions' lists them (1–1)"),
    (("staff", "set", "X99", "bonus=10"), "unknown staff 'X99'"),
    (("staff", "set", "C01", "wage=10"), "'wage' is not a roster field"),
    (("staff", "set", "C01", "base_wage=-5", "--effective", "2026-11-25"), "base_wage must not be negative"),
    (("staff", "set", "C01", "bonus=10", "--effective", "2026-10-31"),
     "2026-10-31 is in 2026-10, which is closed for payroll (up to 2026-10)"),
    (("staff", "import", "roster.csv", "--effective", "2026-10-01"), "which is closed for payroll"),
])
def test_bad_input_is_one_sentence_and_stores_nothing(args, expected):
    """A malformed date, an effective date in a closed month or without notice, an unknown version, staff or
    field, a bad value: exit 2, the sentence, nothing stored."""
    run("close", "2026-10")
    version_2("SHIPPED")  # a table that changes something (the shipped one again would publish nothing)
    before = stored()
    stderr = refused_all(*args)
    assert expected in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert stored() == before


def test_a_table_with_problems_is_refused_with_every_problem_listed():
    """Two problems in a table: both on stderr with their lines, then the sentence; nothing stored."""
    Path("bad.toml").write_text(SHIPPED.replace("\nfine = [20, 40]\n", '\nfine = [20, "x"]\n', 1)
                                .replace('window = "ever"', 'window = "yearly"', 1), encoding="utf-8")
    before = stored()
    stderr = refused_all("rules", "publish", "bad.toml", "--effective", "2026-12-01")
    assert "showroom.late" in stderr and "window must be" in stderr
    assert stderr.strip().splitlines()[-1].startswith("Error: bad.toml:")
    assert stored() == before


def test_a_database_from_before_versions_is_migrated_by_init(tmp_path):
    """A schema-4 database (no versions): other commands say to run init; init publishes the table at hand as
    version 1 and makes today's roster everyone's first version, saying so once."""
    path = tmp_path / "old.db"
    old = Store(path, create=True)
    with old.write():
        for migration in MIGRATIONS[:4]:
            migration(old.db)
        old.set_meta("schema_version", "4")
        old.db.execute("insert into staff (id, name, store, team, role, base_wage, bonus, city, clock) values "
                       "('C01', '郑浩', '浦东展厅', 'A', 'consultant', '4350', '1000', 'shanghai', 'yes')")
    old.close()
    assert "run 'discipline init' to migrate it" in refused_all("--db", str(path), "payroll", "2026-11")
    out = run("--db", str(path), "init").stdout.splitlines()
    assert out == ["database " + str(path) + " ready (schema version 9)",
                   "rule table rules.toml is version 1 (" + hashlib.sha256(SHIPPED.encode()).hexdigest()[:8]
                   + "), in force from the beginning; 'discipline rules publish' adds later versions",
                   "the roster as it stands is each person's first version, from the beginning"]
    assert run("--db", str(path), "init").stdout.splitlines() == out[:1]
    history = data("--db", str(path), "staff", "history", "C01", "--json")
    assert [(v["effective"], v["base_wage"]) for v in history] == [(None, "4350")]
    assert sqlite3.connect(path).execute("select count(*) from rule_versions").fetchone() == (1,)


def test_every_statement_and_payroll_file_names_its_versions():
    """A November priced under versions 1 and 2: the scorecard's text, HTML and JSON, and the payroll CSV, HTML and
    JSON, name both (number, date, short SHA-256)."""
    run("rules", "publish", version_2(), "--effective", "2026-11-12", "--published", "2026-11-05")
    short = hashlib.sha256(Path("v2.toml").read_bytes()).hexdigest()[:8]
    first = hashlib.sha256(SHIPPED.encode()).hexdigest()[:8]
    named = f"v1 (from the beginning, {first}); v2 (from 2026-11-12, {short})"
    assert f"规则版本 Rule versions  {named}" in run("scorecard", "C01", "--month", "2026-11", "--lang", "both").stdout
    assert named in run("scorecard", "C01", "--month", "2026-11", "--format", "html").stdout
    assert data("scorecard", "C01", "--month", "2026-11", "--json")["rule_versions"] == [
        {"version": 1, "effective": None, "sha256": first}, {"version": 2, "effective": "2026-11-12", "sha256": short}]
    csv_text = run("payroll", "2026-11", "--format", "csv").stdout
    header, first_row = csv_text.splitlines()[:2]
    assert header.endswith(",规则版本 rule_versions,链头 chain_head,扣款上限说明 cap_note,本月应发工资 payable_wage,"
                           "离职未扣清 outstanding")
    assert first_row.endswith(',"v1, v2",,,5350.00,0.00')  # C01: 5000 + 350, no cap note, nothing owed
    assert named in run("payroll", "2026-11", "--format", "html").stdout
    assert {len(s["rule_versions"]) for s in data("payroll", "2026-11", "--format", "json")} == {2}
    # October, before version 2: version 1 alone
    assert data("scorecard", "C01", "--month", "2026-10", "--json")["rule_versions"] == [
        {"version": 1, "effective": None, "sha256": first}]


def test_publishing_over_a_cache_made_by_other_code_prices_the_whole_log_first():
    """A cache from another release (its fingerprint differs, its October amount is off): publishing a version
    from December re-prices everything before it too, so verify finds the cache sound and October is 20."""
    run("log", "C01", "showroom.desk", "--at", "2026-10-15 09:00")
    with sqlite3.connect("discipline.db") as db:
        db.execute("update meta set value = 'another release' where key = 'charges_fingerprint'")
        db.execute("update charges set amount_fen = 999")
    run("rules", "publish", version_2(), "--effective", "2026-12-01")
    assert amounts("C01", "2026-10") == [(1, "20.00")]
    assert run("verify").exit_code == 0


def test_a_version_cannot_have_been_published_in_the_future_or_before_the_last():
    """--published after today is refused (notice runs from the day staff were told), and so is one before the
    last version's: versions are published in order, so notice cannot be bought with an old date."""
    before = stored()
    assert "is after today (2026-11-20)" in refused_all("rules", "publish", version_2(), "--effective", "2026-12-20",
                                                        "--published", "2026-12-01")
    assert stored() == before
    run("rules", "publish", version_2(), "--effective", "2026-12-01", "--published", "2026-11-15")
    Path("v3.toml").write_text(SHIPPED, encoding="utf-8")
    assert "is before version 2 was published (2026-11-15)" in refused_all(
        "rules", "publish", "v3.toml", "--effective", "2026-11-20", "--published", "2000-01-01")


def test_a_change_recorded_after_a_later_one_is_carried_into_it():
    """A raise to 5000 from 1 December is recorded first, then a transfer to team B from 15 November: on 1
    December C01 is in team B with the raise, not back in team A."""
    run("staff", "set", "C01", "base_wage=5000", "--effective", "2026-12-01")
    run("staff", "set", "C01", "team=B", "supervisor=GB1", "--effective", "2026-11-25")
    people = {day: {p["id"]: p for p in data("staff", "list", "--json", "--at", day)}["C01"]
              for day in ("2026-11-24", "2026-11-25", "2026-12-01")}
    assert [(p["team"], p["supervisor"], p["base_wage"]) for p in people.values()] == [
        ("A", "GA1", "4350.00"), ("B", "GB1", "4350.00"), ("B", "GB1", "5000.00")]


def test_close_right_after_an_upgrade_prices_the_log_first():
    """A cache made by another release (its fingerprint differs): close re-prices and closes in one step."""
    run("log", "C01", "showroom.desk", "--at", "2026-10-15 09:00")
    with sqlite3.connect("discipline.db") as db:
        db.execute("update meta set value = 'another release' where key = 'charges_fingerprint'")
    assert run("close", "2026-10").stdout == "2026-10 closed: 5 statements frozen, 20.00 yuan deducted in all\n"


def test_a_table_that_cannot_price_what_is_on_record_is_refused():
    """A version without the desk rule an event of the 21st uses and without the consultant role: refused,
    naming both; nothing stored. (A city's minimum wage is no longer the table's to lose: it ships.)"""
    run("log", "C01", "showroom.desk", "--at", "2026-11-19 09:00")
    start = SHIPPED.index('code = "showroom.desk"')
    rule = SHIPPED[SHIPPED.rindex("[[rule]]", 0, start):SHIPPED.index("[[rule]]", start)]
    consultant = 'consultant = { zh = "销售顾问", en = "Sales consultant", scored = false }\n'
    text = SHIPPED.replace(rule, "").replace(consultant, "")
    text = text.replace('fine = { consultant = 10, group_leader = 50 }', 'fine = { group_leader = 50 }')
    Path("thin.toml").write_text(text, encoding="utf-8")
    assert invoke("rules", "check", "thin.toml").exit_code == 0
    before = stored()
    message = refused_all("rules", "publish", "thin.toml", "--effective", "2026-11-01", "--retroactive")
    assert ("the table cannot price what is on record from 2026-11-01: rule showroom.desk is gone (1 event); role "
            "consultant is gone (C01, C02)") in message
    assert stored() == before


def test_init_refuses_a_table_other_than_the_one_that_priced_the_database(tmp_path):
    """A database priced with lateness at 30, 60 (say by an older release in a folder with its own rules.toml)
    and no versions yet: init with the shipped table (20, 40) is refused, naming an event and both prices;
    init with the table that priced it publishes that table as version 1."""
    db = str(tmp_path / "old.db")
    version_2("dearer.toml")
    run("--db", db, "--rules", "dearer.toml", "init")
    run("--db", db, "staff", "import", "roster.csv")
    run("--db", db, "log", "C01", "showroom.late", "--at", "2026-11-03 08:45")
    with sqlite3.connect(db) as conn:
        conn.execute("delete from rule_versions")
    message = refused_all("--db", db, "init")
    assert "this database was priced with another rule table than" in message
    assert "event 1 costs 30.00 in it and 20.00 under" in message
    assert run("--db", db, "--rules", "dearer.toml", "init").stdout.splitlines()[1].startswith(
        "rule table dearer.toml is version 1")
    assert data("--db", db, "scorecard", "C01", "--month", "2026-11", "--json")["fines"] == "30.00"


def test_small_things_a_clerk_runs_into():
    """A rule only in a later version is refused naming both versions; 'staff list --json' imported back
    changes nobody; 'staff list --store' for a store with nobody names the stores there are; a version
    published from an earlier date than the last is compared with the one it replaces."""
    text = SHIPPED.replace('[[rule]]\ncode = "showroom.desk"', '[[rule]]\ncode = "showroom.mirror"\n'
                           'name = { zh = "镜面不洁", en = "Mirror not clean" }\nsource = "镜面不洁罚款5元"\n'
                           'fine = 5\n\n[[rule]]\ncode = "showroom.desk"', 1)
    Path("v2.toml").write_text(text, encoding="utf-8")
    assert invoke("rules", "check", "v2.toml").exit_code == 0
    run("rules", "publish", "v2.toml", "--effective", "2026-12-10")
    message = refused_all("log", "C01", "showroom.mirror", "--at", "2026-11-19 09:00")
    assert "rule showroom.mirror is not in version 1, in force on 2026-11-19 (it is in version 2)" in message

    import csv
    import io
    listed = data("staff", "list", "--json")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(listed[0]))
    writer.writeheader()
    writer.writerows({k: ("" if v is None else v) for k, v in p.items()} for p in listed)
    Path("back.csv").write_text(out.getvalue(), encoding="utf-8")
    assert run("staff", "import", "back.csv", "--dry-run").stdout.splitlines()[1] == \
        "roster: 0 added, 0 updated, 5 unchanged"

    assert run("staff", "list", "--store", "浦西展厅").stdout == "nobody at 浦西展厅; stores: 浦东展厅\n"

    run("rules", "publish", version_2("v3.toml"), "--effective", "2026-12-01", "--by", "HR 王")
    changes = [v["changes"] for v in data("rules", "versions", "--json")]
    assert changes[2] == "3 amounts changed"  # version 3 (from 1 December) replaces version 1, not version 2


def test_a_back_dated_change_after_a_future_raise_leaves_the_roster_at_the_latest_version():
    """A raise from 1 January 2027 is recorded, then a bonus change from 1 November: ``staff list`` shows
    today's roster (the new bonus, the old wage), and the stored roster stays the version in force last
    (January's), as the history says, though the change recorded last is November's."""
    from discipline.storage import Store

    run("staff", "set", "C01", "base_wage=6000", "--effective", "2027-01-01")
    run("staff", "set", "C01", "bonus=1200", "--effective", "2026-11-01")
    listed = {p["id"]: p for p in data("staff", "list", "--json")}
    assert (listed["C01"]["base_wage"], listed["C01"]["bonus"]) == ("4350.00", "1200.00")
    run("staff", "set", "C02", "bonus=1100", "--effective", "2026-11-01")
    assert {p["id"]: p for p in data("staff", "list", "--json")}["C02"]["bonus"] == "1100.00"
    store = Store(Path("discipline.db"))
    try:
        assert store.staff.roster() == dict(store.staff.history().latest())
        assert (store.staff.roster()["C01"].base_wage, store.staff.roster()["C02"].bonus) == (6000, 1100)
    finally:
        store.close()
