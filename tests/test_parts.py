"""A big events file, or the undo of one, is written in parts, a transaction each (issue 12, item 4).

At 2,000 stores a month of the chain in one file is 164,000 rows, whose append alone held the write lock
7.9 s. Above ``service.PART_ROWS`` rows an import appends some people's rows per transaction, and an undo
withdraws some people's events per transaction, so a lead's ``log`` gets in between. Here ``PART_ROWS``
is 2, so the file below comes in four parts: C01's two rows, C02's one, GA1's two, then GB1's and SM1's.

Between two parts the batch is marked unfinished: ``close`` waits for it, ``batches`` says so, and a
run stopped half-way is finished by running the same command again, never logging a row twice.

The clock stands at 2026-11-20 10:00 in Shanghai; the showroom lateness ladder is 20, then 40 yuan.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import data, invoke, refused, run, shop_at
from test_versions import ROSTER

from discipline import cache, service

FILE = """staff,rule,at
C01,showroom.late,2026-11-03 08:45
C02,showroom.late,2026-11-04 08:50
GA1,showroom.late,2026-11-06 08:40
C01,showroom.late,2026-11-05 08:45
GB1,showroom.late,2026-11-10 08:40
GA1,showroom.late,2026-11-09 08:40
SM1,showroom.late,2026-11-11 08:40
"""

#: By hand: C01 and GA1 late twice (20 + 40), the others once (20).
FINES = {"C01": "60.00", "C02": "20.00", "GA1": "60.00", "GB1": "20.00", "SM1": "20.00"}


class Killed(BaseException):
    """What SIGKILL would do between two parts: nothing after this point runs."""


@pytest.fixture(autouse=True)
def shop(monkeypatch):
    with shop_at("2026-11-20 10:00:00+08:00", ROSTER, "--effective", "2026-10-01"):
        run("log", "C02", "showroom.late", "--at", "2026-10-14 08:50")  # October has something to close
        Path("nov.csv").write_text(FILE, encoding="utf-8")
        monkeypatch.setattr(service, "PART_ROWS", 2)
        yield


def fines() -> dict[str, str]:
    return {s["staff_id"]: s["fines"] for s in data("payroll", "2026-11", "--format", "json") if s["fines"] != "0.00"}


def between_parts(monkeypatch, action: Callable[[int], None]) -> None:
    """Run ``action(n)`` just before the n-th part (n = 2, 3, …) of the next command written in parts."""
    original, calls = cache.let_in, [1]

    def let_in(store):  # type: ignore[no-untyped-def]
        calls[0] += 1
        action(calls[0])
        original(store)

    monkeypatch.setattr(cache, "let_in", let_in)


def kill_before(part: int) -> Callable[[int], None]:
    def action(n: int) -> None:
        if n == part:
            raise Killed

    return action


def killed_before(monkeypatch, part: int, *command: str) -> None:
    """Run ``command``, killed just before its ``part``-th part; later commands then run without a pause."""
    between_parts(monkeypatch, kill_before(part))
    with pytest.raises(Killed):
        invoke(*command)
    monkeypatch.setattr(cache, "let_in", lambda store: None)


def batch_row(batch: int) -> dict:
    return next(b for b in data("batches", "--json") if b["batch"] == batch)


def test_a_file_in_parts_logs_what_one_transaction_would(monkeypatch):
    parts: list[int] = []
    between_parts(monkeypatch, parts.append)
    done = data("events", "import", "nov.csv", "--json")
    assert (done["logged"], done["parts"], done["continued"], parts) == (7, 4, 0, [2, 3, 4])
    assert fines() == FINES
    assert batch_row(done["batch"])["events"] == 7
    assert "unfinished" not in batch_row(done["batch"])["details"]
    # said as one transaction says it: each person's new charges
    assert sorted((c["staff_id"], c["after"]) for c in done["changed"]) == [
        ("C01", "20.00"), ("C01", "40.00"), ("C02", "20.00"), ("GA1", "20.00"), ("GA1", "40.00"), ("GB1", "20.00"),
        ("SM1", "20.00")]
    assert data("events", "import", "nov.csv", "--json")["already_imported"] is True
    assert invoke("verify").exit_code == 0


def test_a_run_stopped_half_way_is_unfinished_and_the_same_run_finishes_it(monkeypatch):
    killed_before(monkeypatch, 3, "events", "import", "nov.csv")
    batch = data("batches", "--json")[-1]
    assert (batch["events"], batch["details"]["unfinished"]) == (3, True)  # C01's two rows, C02's one
    assert "unfinished: run it again to finish it" in run("batches").stdout
    assert fines() == {"C01": "60.00", "C02": "20.00"}
    assert invoke("payroll", "2026-11").stderr == (
        f"warning: batch {batch['batch']} (events import of nov.csv) is not finished: it is being written now, or was "
        f"stopped half-way; wait for it, or run the same command again to finish it, or undo batch {batch['batch']}; "
        "until then this payroll holds only what it has written so far\n")
    assert refused("close", "2026-10") == (
        f"Error: batch {batch['batch']} (events import of nov.csv) is not finished: it is being written now, or "
        f"was stopped half-way; wait for it, or run the same command again to finish it, or undo batch "
        f"{batch['batch']}, then close 2026-10")

    assert refused("--lang", "zh", "close", "2026-10") == (
        f"Error: 批次{batch['batch']}（events import of nov.csv）尚未完成：正在写入，或中途被中断；"
        f"请等它完成，或再执行一次同一命令把它完成，或撤销批次{batch['batch']}，然后再结账 2026-10")
    again = run("events", "import", "nov.csv")
    assert f"this finished batch {batch['batch']}: an earlier run of the file, stopped half-way, had logged 3 of " \
        in again.stdout
    assert again.stdout.startswith("4 events logged")  # no duplicate sentences for its own rows
    assert fines() == FINES
    assert (batch_row(batch["batch"])["events"], batch_row(batch["batch"])["details"]) == (
        7, {"duplicates": 0, "rows": 7})
    assert len(data("events", "--json")) == 8  # October's and the file's seven, each once
    run("close", "2026-10")
    assert invoke("verify").exit_code == 0


def test_an_unfinished_import_is_undone_whole_and_can_then_be_imported_again(monkeypatch):
    killed_before(monkeypatch, 2, "events", "import", "nov.csv")
    batch = data("batches", "--json")[-1]["batch"]
    refused("events", "import", "nov.csv", "--allow-duplicates")  # would log C01's rows twice
    undone = data("undo", str(batch), "--reason", "wrong file", "--json")
    assert undone["events"] == 2
    assert fines() == {}
    assert "unfinished" not in run("batches").stdout
    done = data("events", "import", "nov.csv", "--json")
    assert (done["batch"] != batch, done["logged"], done["continued"]) == (True, 7, 0)
    assert fines() == FINES


def test_a_lead_logging_between_parts_is_not_logged_twice(monkeypatch):
    """The lead logs GB1's lateness of 10 November before the part holding the file's same row."""
    between_parts(monkeypatch, lambda n: n == 3 and run("log", "GB1", "showroom.late", "--at", "2026-11-10 08:40"))
    done = data("events", "import", "nov.csv", "--json")
    assert (done["logged"], done["duplicates"]) == (6, 1)
    assert done["skipped"][0].startswith("line 6: the same as event ")
    assert fines() == FINES


def test_a_second_run_of_the_same_file_meanwhile_logs_nothing_twice(monkeypatch):
    """A clerk starts the same import again while the first is between its first and second part: the
    second finishes the batch; the first then finds its rows in the log and logs nothing more."""
    second: list[dict] = []
    between_parts(monkeypatch, lambda n: n == 2 and not second and second.append(
        data("events", "import", "nov.csv", "--json")))
    first = data("events", "import", "nov.csv", "--json")
    assert (second[0]["batch"], second[0]["logged"], second[0]["continued"]) == (first["batch"], 5, 2)
    assert first["logged"] == 2
    assert len(data("events", "--json")) == 8
    assert batch_row(first["batch"])["events"] == 7
    assert fines() == FINES


def test_a_roster_change_between_parts_checks_the_rest_again(monkeypatch):
    """SM1 leaves on 31 October while the import is between parts: the last part's row of 11 November is
    refused in a sentence that says what was logged and how to finish or withdraw it."""
    between_parts(monkeypatch, lambda n: n == 4 and run("staff", "set", "SM1", "left=2026-10-31"))
    result = invoke("events", "import", "nov.csv")
    assert result.exit_code == 2
    message = result.stderr.strip()
    assert "line 8:" in message and "SM1" in message
    batch = data("batches", "--json")[-2]
    assert message.endswith(f"— the first 5 new rows of the file are logged, as batch {batch['batch']}, which stays "
                            f"unfinished: import the file again once it is put right, to finish it, or undo batch "
                            f"{batch['batch']}")
    assert batch["details"]["unfinished"] is True
    assert invoke("verify").exit_code == 0


def test_an_undo_in_parts_stopped_half_way_is_finished_by_the_same_undo(monkeypatch):
    monkeypatch.setattr(service, "PART_ROWS", 1000)
    batch = data("events", "import", "nov.csv", "--json")["batch"]
    monkeypatch.setattr(service, "PART_ROWS", 2)
    killed_before(monkeypatch, 3, "undo", str(batch), "--reason", "wrong file")
    undo = data("batches", "--json")[-1]
    assert (undo["command"], undo["events"], undo["details"]["unfinished"]) == ("undo", 3, True)
    assert fines() == {"GA1": "60.00", "GB1": "20.00", "SM1": "20.00"}
    assert refused("close", "2026-10").startswith(f"Error: batch {undo['batch']} (undo) is not finished")

    done = data("undo", str(batch), "--reason", "typed again", "--json")
    assert (done["undo"], done["events"]) == (undo["batch"], 4)
    assert fines() == {}
    with sqlite3.connect("discipline.db") as db:  # each event withdrawn once: no void of a void, none twice
        voids = db.execute("select count(*), count(distinct target) from events where type = 'void'").fetchone()
    assert voids == (7, 7)
    finished = batch_row(undo["batch"])
    assert (finished["events"], finished["details"], finished["reason"]) == (
        7, {"kept": 0, "withdrawn": 7}, "wrong file")
    assert refused("undo", str(batch), "--reason", "once more").startswith(f"Error: batch {batch} was already undone")
    run("close", "2026-10")
    assert invoke("verify").exit_code == 0


def test_an_undo_in_parts_says_what_one_transaction_would(monkeypatch):
    monkeypatch.setattr(service, "PART_ROWS", 1000)
    batch = data("events", "import", "nov.csv", "--json")["batch"]
    monkeypatch.setattr(service, "PART_ROWS", 2)
    done = data("undo", str(batch), "--reason", "wrong file", "--json")
    assert done["events"] == 7
    assert sorted((c["staff_id"], c["before"], c["after"]) for c in done["changed"]) == [
        ("C01", "20.00", "0.00"), ("C01", "40.00", "0.00"), ("C02", "20.00", "0.00"), ("GA1", "20.00", "0.00"),
        ("GA1", "40.00", "0.00"), ("GB1", "20.00", "0.00"), ("SM1", "20.00", "0.00")]
    assert fines() == {}


PUNCHES = """staff,time
GA1,2026-11-17 08:28:00
C01,2026-11-17 08:31:00
C02,2026-11-17 08:29:00
C01,2026-11-17 17:32:00
C02,2026-11-17 17:35:00
GA1,2026-11-17 17:40:00
"""


def test_a_punch_file_stopped_half_way_is_finished_by_the_same_import_and_derive_waits_for_it(monkeypatch):
    """Two punches a machine number, two a part: C01's, C02's, then GA1's. Killed before the second part,
    the batch holds C01's punches only; a derive then would take C02 and GA1 for absent, so it waits."""
    monkeypatch.setattr(service, "PART_PUNCHES", 2)
    Path("punches.csv").write_text(PUNCHES, encoding="utf-8")
    killed_before(monkeypatch, 2, "punches", "import", "punches.csv")
    batch = data("batches", "--json")[-1]
    assert (batch["command"], batch["details"]) == ("punches import", {"read": 6, "punches": 2, "problems": 0,
                                                                       "unfinished": True})
    assert refused("attendance", "derive", "2026-11") == (
        f"Error: batch {batch['batch']} (punches import of punches.csv) is not finished: it is being written now, or "
        f"was stopped half-way; wait for it, or run the same command again to finish it, or undo batch "
        f"{batch['batch']}, then derive 2026-11: judged from part of a punch file, people would be absent who did "
        "punch")
    again = run("punches", "import", "punches.csv").stdout
    assert again.splitlines()[:2] == [
        f"6 punches read, 4 new (batch {batch['batch']})",
        f"  this finished batch {batch['batch']}: an earlier run of the file, stopped half-way, had stored 2 of its "
        "punches"]
    assert batch_row(batch["batch"])["details"] == {"read": 6, "punches": 6, "problems": 0}
    assert run("punches", "import", "punches.csv").stdout.startswith("punches.csv was already imported as batch")
    run("attendance", "derive", "2026-11")
    assert invoke("verify").exit_code == 0


def test_an_import_undone_while_it_is_being_written_stops(monkeypatch):
    """A clerk undoes the unfinished batch between the import's second and third part: the import stops
    there, in a sentence, and nothing of the file stays live."""
    undone: list[dict] = []
    between_parts(monkeypatch, lambda n: n == 3 and undone.append(
        data("undo", str(data("batches", "--json")[-1]["batch"]), "--reason", "wrong file", "--json")))
    result = invoke("events", "import", "nov.csv")
    assert (result.exit_code, undone[0]["events"]) == (2, 3)
    assert result.stderr.strip() == (f"Error: batch {undone[0]['batch']} was undone (by batch {undone[0]['undo']}) "
                                     "while it was being written, after 3 new rows; the rest of the file is not "
                                     "stored (import it again to store all of it)")
    assert fines() == {}
    assert "unfinished" not in run("batches").stdout
    assert data("events", "import", "nov.csv", "--json")["logged"] == 7
