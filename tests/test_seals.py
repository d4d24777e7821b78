"""Seals: what decides money beside the log is chained too, and ``verify`` names what was changed by hand.

Each test edits one copy of a closed October with the sqlite3 shell's SQL, as someone with access to the
file would (issue 12, item 3): a payroll file's amount, the frozen statements, a carried balance, a wage
in the roster or its history, a rule version's text, a batch, the seals themselves, a whole closed month,
and the file's pages. The figures are the shipped table's: g02's loss of 3,000.00 yuan against a cap of
20% of 4,300.00 = 860.00 deducted in October, 2,140.00 carried to November.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.test_reliability import copy_db, invoke, query, shipped_rules_path, tampered

ROSTER = (
    "id,name,store,team,role,supervisor,base_wage,bonus,shift,city\n"
    "s01,张店长,S1,,store_lead,,6000,500,store,shanghai\n"
    "g01,李导购,S1,A,guide,s01,4000,300,store,shanghai\n"
    "g02,王导购,S1,A,guide,s01,4000,300,store,shanghai\n"
)


@pytest.fixture(scope="module")
def closed(tmp_path_factory) -> Path:
    """October with a late arrival and a 3,000-yuan loss, closed; made once."""
    path = tmp_path_factory.mktemp("seals") / "base.db"
    roster = path.with_name("roster.csv")
    roster.write_text(ROSTER, encoding="utf-8")
    steps = [["init"], ["staff", "import", str(roster)],
             ["log", "g01", "attendance.late", "--at", "2026-10-05 09:12"],
             ["log", "g02", "duty.unfinished", "--loss", "3000", "--at", "2026-10-09 17:00"],
             ["close", "2026-10"]]
    for step in steps:
        result = invoke("--db", str(path), "--rules", str(shipped_rules_path()), *step)
        assert result.exit_code == 0, (step, result.stderr)
    assert query(path, "select staff, carried_out from closed_balances order by staff") == [
        ("g01", "0.00"), ("g02", "2140.00"), ("s01", "0.00")]
    return path


def verify_fails(path: Path) -> str:
    result = invoke("--db", str(path), "verify")
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stderr


def test_the_untouched_database_verifies_and_prints_the_heads(closed):
    result = invoke("--db", str(closed), "verify")
    assert result.exit_code == 0, result.stderr
    assert "2 log entries checked: the chain is intact" in result.stdout
    assert re.search(r"^chain head: log 2 [0-9a-f]{16} · seal 4 [0-9a-f]{16}$", result.stdout, re.M), result.stdout


@pytest.mark.parametrize(("sql", "named"), [
    ("update closed_months set payroll_csv = cast(replace(cast(payroll_csv as text), "
     "'3000.00,0.00,860.00,2140.00', '3000.00,0.00,0.00,2140.00') as blob)",
     "closed month 2026-10 was changed behind the program's back: its payroll CSV no longer matches seal 4"),
    ("update closed_months set statements = replace(statements, '\"2140.00\"', '\"0.00\"')",
     "closed month 2026-10 was changed behind the program's back: its frozen statements"),
    ("update closed_months set payroll_json = cast(replace(cast(payroll_json as text), '860.00', '0.00') as blob)",
     "its payroll JSON"),
    ("update closed_balances set carried_out = '3000.00' where staff = 'g01'",
     "the balances it carried out (closed_balances) no longer matches seal 4"),
    ("update closed_balances set carried_out = '0.00' where staff = 'g02'", "the balances it carried out"),
    ("update staff set base_wage = 0 where id = 'g02'",
     "the roster was changed behind the program's back: the roster (staff) no longer matches seal 3"),
    ("update staff_versions set base_wage = 0 where staff = 'g02'", "the roster's history (staff_versions)"),
    ("delete from staff_versions where staff = 'g02'", "the roster's history (staff_versions)"),
    ("update rule_versions set text = replace(text, '1', '2')",
     "rule version 1 was changed behind the program's back: its text or dates"),
    ("update batches set reason = 'forged'",
     "the record of batches was changed behind the program's back: the batches (batches)"),
    ("delete from closed_months where month = '2026-10'",
     "closed month 2026-10 was deleted behind the program's back (seal 4 records it)"),
    ("delete from seals where id = 4", "the latest seals were deleted behind the program's back"),
    ("update seals set parts = replace(parts, 'a', 'b') where id = 3", "seal 3 was edited"),
], ids=["payroll-csv-amount", "statements", "payroll-json", "carry-in-0-to-3000", "carry-out-zeroed",
        "wage-zeroed", "wage-in-history", "history-deleted", "rule-text", "batch", "month-deleted",
        "latest-seal-deleted", "seal-edited"])
def test_an_edit_of_what_decides_money_is_named(closed, tmp_path, sql, named):
    path = tampered(closed, tmp_path, sql)
    stderr = verify_fails(path)
    assert named in stderr, stderr
    assert "the database was altered outside the program" in stderr


def test_a_closed_month_deleted_by_hand_takes_no_back_dated_log(closed, tmp_path):
    """With its row gone October looks open, but its seal remembers it: a back-dated log is refused."""
    path = tampered(closed, tmp_path, "delete from closed_balances where month = '2026-10'",
                    "delete from closed_months where month = '2026-10'")
    before = query(path, "select count(*) from events")
    result = invoke("--db", str(path), "log", "g01", "attendance.late", "--at", "2026-10-20 09:30")
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert "2026-10" in result.stderr and "verify" in result.stderr, result.stderr
    assert query(path, "select count(*) from events") == before


def test_a_damaged_file_is_named_by_sqlites_own_check(closed, tmp_path):
    """A page of an index overwritten (what a stale write-ahead log spliced onto a restored copy does): the
    log's chain reads as intact, SQLite's integrity check does not."""
    path = tmp_path / "damaged.db"
    copy_db(closed, path)
    ((root,),) = query(path, "select rootpage from sqlite_master where type = 'index' and tbl_name = 'charges' "
                             "limit 1")
    ((page_size,),) = query(path, "pragma page_size")
    with path.open("r+b") as file:  # keep the page's type, scramble its cells
        file.seek((root - 1) * page_size + 8)
        file.write((bytes(range(256)) * page_size)[:page_size - 8])
    stderr = verify_fails(path)
    assert "the database file is damaged" in stderr, stderr
    assert "integrity check" in stderr


def test_the_closed_months_files_print_the_head_verify_prints(closed):
    result = invoke("--db", str(closed), "verify")
    ((log_id, log_hash),) = re.findall(r"2026-10 was closed at log entry (\d+) ([0-9a-f]{16}): its payroll files "
                                       r"must say the same", result.stdout)
    assert (log_id, log_hash) == ("2", query(closed, "select hash from events where id = 2")[0][0][:16])
    csv = invoke("--db", str(closed), "payroll", "2026-10", "--format", "csv").stdout_bytes.decode("utf-8-sig")
    header, *rows = csv.splitlines()
    assert header.endswith(",链头 chain_head,扣款上限说明 cap_note,本月应发工资 payable_wage,离职未扣清 outstanding")
    heads = {row.split(",")[-4] for row in rows}
    assert len(heads) == 1
    (head,) = heads
    assert head.startswith(f"log {log_id} {log_hash} · seal 3 ")
    statements = json.loads(invoke("--db", str(closed), "payroll", "2026-10", "--format", "json").stdout)
    assert {s["chain_head"] for s in statements} == {head}
    html = invoke("--db", str(closed), "payroll", "2026-10", "--format", "html").stdout
    assert head in html


def test_an_open_month_prints_no_head(closed, tmp_path):
    """November is open: its files carry no head, so undoing a change gives the same bytes again."""
    path = tmp_path / "open.db"
    copy_db(closed, path)
    statements = json.loads(invoke("--db", str(path), "payroll", "2026-11", "--format", "json").stdout)
    assert {s.get("chain_head", "") for s in statements} == {""}
    g02 = next(s for s in statements if s["staff_id"] == "g02")
    assert g02["carried_in"] == "2140.00"


def test_a_write_seals_only_what_it_changed(closed, tmp_path):
    path = tmp_path / "more.db"
    copy_db(closed, path)
    assert invoke("--db", str(path), "log", "g01", "attendance.late", "--at", "2026-11-05 09:12").exit_code == 0
    assert query(path, "select max(id) from seals") == [(4,)]  # a log changes nothing sealed
    assert invoke("--db", str(path), "staff", "set", "g01", "base_wage=4200", "--effective",
                  "2026-11-01").exit_code == 0
    kinds = [kind for (kind,) in query(path, "select kind from seals where id > 4")]
    assert sorted(kinds) in (["roster"], ["batches", "roster"]), kinds
    assert invoke("--db", str(path), "verify").exit_code == 0
