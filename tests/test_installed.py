"""The installed ``discipline`` console script, run as a separate process the way a store lead runs it.

The clock cannot be frozen in another process, so every event is logged with ``--at`` in November
2025, which has passed (and has a minimum wage in the shipped table for both cities).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.subprocess

DISCIPLINE = Path(sys.executable).parent / "discipline"
ROSTER = """\
id,name,store,team,role,supervisor,base_wage,bonus,shift,city,hired,left
SM1,赵强,浦东展厅,,sales_manager,,9000,3000,showroom,shanghai,2022-09-01,
GA1,孙磊,浦东展厅,A,group_leader,SM1,6000,1500,showroom,shanghai,2023-04-01,
C01,郑浩,浦东展厅,A,consultant,GA1,4000,1000,showroom,shanghai,2024-07-01,
"""


def discipline(*args: str) -> subprocess.CompletedProcess[bytes]:
    """Run the installed command in the test's folder (conftest has unset $DISCIPLINE_DB and _RULES)."""
    assert DISCIPLINE.is_file(), f"the console script is not installed at {DISCIPLINE}"
    return subprocess.run([str(DISCIPLINE), *args], capture_output=True, timeout=60, check=False)


def ok(*args: str) -> bytes:
    done = discipline(*args)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    return done.stdout


def test_help_exits_0():
    """discipline --help lists the commands and exits 0."""
    out = ok("--help").decode("utf-8")
    assert out.startswith("Usage: discipline")
    for command in ("init", "staff", "log", "scorecard", "payroll", "close", "verify", "demo"):
        assert command in out


def test_init_import_log_scorecard_round_trip():
    """init, staff import, log --json and scorecard --format json agree: a 1st lateness costs 20.00."""
    ok("init")
    Path("roster.csv").write_bytes(b"\xef\xbb\xbf" + ROSTER.encode("utf-8"))
    assert ok("staff", "import", "roster.csv") == b"roster: 3 added, 0 updated, 0 unchanged (batch 1)\n"
    logged = json.loads(ok("log", "C01", "showroom.late", "--at", "2025-11-03 08:42", "--json"))
    assert logged["event_id"] == 1
    assert logged["charges"] == [
        {"staff_id": "C01", "kind": "fine", "points": "0", "amount": "20.00", "disposition": None,
         "explanation": "1st lateness in 2025-11 → 20 yuan",
         "explanation_zh": "2025年11月第1次迟到 → 20元", "explanation_en": "1st lateness in 2025-11 → 20 yuan"}]
    assert [(c["staff_id"], c["before"], c["after"]) for c in logged["changed"]] == [("C01", "0.00", "20.00")]
    card = json.loads(ok("scorecard", "C01", "--month", "2025-11", "--format", "json"))
    assert (card["name"], card["fines"], card["due"], card["deducted"]) == ("郑浩", "20.00", "20.00", "20.00")
    assert [(ln["event_id"], ln["amount"]) for ln in card["lines"]] == [(1, "20.00")]
    assert ok("payroll", "2025-11").startswith(b"\xef\xbb\xbf")
    assert ok("verify").startswith(b"1 log entries checked: the chain is intact\nchain head: log 1 ")


def test_bad_input_is_one_line_on_stderr_and_exit_2():
    """An unknown rule: exit 2, exactly one line on stderr, no traceback, nothing on stdout, nothing logged."""
    ok("init")
    Path("roster.csv").write_text(ROSTER, encoding="utf-8")
    ok("staff", "import", "roster.csv")
    done = discipline("log", "C01", "showroom.lat", "--at", "2025-11-03 08:42")
    assert done.returncode == 2
    stderr = done.stderr.decode("utf-8")
    assert len(stderr.strip().splitlines()) == 1
    assert "Traceback" not in stderr
    assert "unknown rule 'showroom.lat'; did you mean showroom.late" in stderr
    assert done.stdout == b""
    assert json.loads(ok("events", "--json")) == []


def test_an_import_twice_then_undone_from_another_folder():
    """The installed command, from a folder of its own with --db: an events file imported twice logs its rows
    once; undone, the payroll JSON is what it was before; every step says what it did."""
    ok("init")
    Path("roster.csv").write_text(ROSTER, encoding="utf-8")
    ok("staff", "import", "roster.csv")
    before = ok("payroll", "2025-11", "--format", "json")
    Path("office").mkdir()
    Path("office/history.csv").write_text("staff,rule,at\nC01,showroom.late,2025-11-03 08:42\n"
                                          "C01,showroom.late,2025-11-04 08:50\n", encoding="utf-8")
    db = str(Path("discipline.db").resolve())

    def there(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([str(DISCIPLINE), "--db", db, *args], capture_output=True, timeout=60, check=False,
                              cwd="office")

    first = there("events", "import", "history.csv", "--by", "店长")
    assert first.returncode == 0 and first.stdout.decode("utf-8").startswith("2 events logged (batch 2;")
    second = there("events", "import", "history.csv")
    assert second.stdout.decode("utf-8").startswith("history.csv was already imported as batch 2; nothing logged")
    assert [b["batch"] for b in json.loads(ok("batches", "--json"))] == [1, 2]
    undone = there("undo", "2", "--reason", "wrong month", "--json")
    assert [(c["before"], c["after"]) for c in json.loads(undone.stdout)["changed"]] == [
        ("20.00", "0.00"), ("40.00", "0.00")]
    assert ok("payroll", "2025-11", "--format", "json") == before
    assert there("undo", "2", "--reason", "again").returncode == 2


def test_output_cut_short_by_head_is_not_an_error():
    """``discipline events | head -1`` reads one line of 1,500; the command stops quietly, exit 0, no
    "Broken pipe" error (what it did before printing stays done). ``| true`` reads nothing at all."""
    ok("init")
    Path("roster.csv").write_text(ROSTER, encoding="utf-8")
    ok("staff", "import", "roster.csv")
    rows = [f"C01,showroom.desk,2025-11-{1 + n // 60 % 28:02d} {8 + n // 60 // 28:02d}:{n % 60:02d}"
            for n in range(1500)]
    Path("many.csv").write_text("staff,rule,at\n" + "\n".join(rows) + "\n", encoding="utf-8")
    ok("events", "import", "many.csv")
    done = subprocess.run(["bash", "-c", f"set -o pipefail; '{DISCIPLINE}' events | head -1"], capture_output=True,
                          timeout=60, check=False)
    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout.split() == [b"event", b"at", b"staff", b"rule", b"rule", b"name", b"points", b"yuan", b"paid",
                                   b"by", b"status", b"source", b"(batch)", b"note"]
    done = subprocess.run(["bash", "-c", f"set -o pipefail; '{DISCIPLINE}' events | true"], capture_output=True,
                          timeout=60, check=False)
    assert (done.returncode, done.stderr) == (0, b"")


def test_demo_writes_its_files():
    """discipline demo --dir d writes the payroll files and the scorecards."""
    ok("demo", "--dir", "d")
    assert Path("d/payroll-2026-10.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert Path("d/payroll-2026-10.html").is_file()
    statements = json.loads(Path("d/payroll-2026-10.json").read_text(encoding="utf-8"))
    assert statements
    for statement in statements:
        assert Path(f"d/scorecards/{statement['staff_id']}.html").is_file()


HEAVY = """
import sys
from cli import main
sys.argv = ["discipline", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print(" ".join(m for m in ("sqlite_utils", "jinja2") if m in sys.modules), file=sys.stderr)
"""


def loaded_after(*args: str) -> str:
    """The heavy libraries a command loaded (printed last on stderr)."""
    done = subprocess.run([sys.executable, "-c", HEAVY, *args], capture_output=True, timeout=60, check=False)
    return done.stderr.decode("utf-8").splitlines()[-1]


def test_commands_load_only_the_libraries_they_use():
    """--help is typed often and a chain's payroll JSON is big: neither waits for what it does not use."""
    ok("init")
    assert loaded_after("--help") == ""
    assert loaded_after("payroll", "2025-11", "--format", "json", "--out", "p.json") == "sqlite_utils"
    assert loaded_after("payroll", "2025-11", "--format", "html", "--out", "p.html") == "sqlite_utils jinja2"
