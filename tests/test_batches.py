"""Bulk commands as batches: listed, undone whole, never imported twice, and saying what they changed.

The clock stands at 2026-12-05 10:00 in Shanghai: November is over and December is open. Figures are
the showroom lateness ladder of regulations.md (1st 20 yuan, 2nd 40, 3rd: 40 and dismissal
recommended) and the toolkit (20 yuan per missing item).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from conftest import data, invoke, refused, run, shop_at

ROSTER = """\
id,name,store,team,role,supervisor,base_wage,bonus,shift,city,hired,left
SM1,赵强,浦东展厅,,sales_manager,,9000,3000,showroom,shanghai,,
C01,郑浩,浦东展厅,A,consultant,SM1,4000,1000,showroom,shanghai,,
C02,冯雪,浦东展厅,A,consultant,SM1,4200,1200,showroom,shanghai,,
"""
#: Two latenesses of C01 and a toolkit check of C02, as a store lead's spreadsheet.
HISTORY = """\
staff,rule,at,items
C01,showroom.late,2026-11-10 08:45,
C01,showroom.late,2026-11-17 08:50,
C02,showroom.toolkit,2026-11-12 10:00,订单;名片
"""


def state() -> tuple[str, ...]:
    """What a refused command must leave as it was: the log, the batches, November's payroll JSON."""
    return (run("events", "--json").stdout, run("batches", "--json").stdout,
            run("payroll", "2026-11", "--format", "json").stdout)


@pytest.fixture(autouse=True)
def shop():
    with shop_at("2026-12-05 10:00:00+08:00", ROSTER, "--by", "HR 王"):
        Path("history.csv").write_text(HISTORY, encoding="utf-8")
        yield


def test_an_import_is_a_batch_its_events_name_it_and_batches_lists_it():
    """events import records batch 2 (the roster was batch 1): file, SHA-256, who, 3 events; each event
    carries it, a single log carries none."""
    run("events", "import", "history.csv", "--by", "店长 陈静")
    run("log", "C02", "showroom.desk", "--at", "2026-11-20 09:00")
    listed = data("batches", "--json")
    assert [(b["batch"], b["command"], b["file"], b["by"], b["events"]) for b in listed] == [
        (1, "staff import", "roster.csv", "HR 王", 0), (2, "events import", "history.csv", "店长 陈静", 3)]
    assert listed[1]["sha256"] == hashlib.sha256(HISTORY.encode()).hexdigest()
    assert listed[1]["at"] == "2026-12-05T10:00:00+08:00"
    assert {(e["event_id"], e["batch"]) for e in data("events", "--json")} == {(1, 2), (2, 2), (3, 2), (4, None)}
    text = run("events").stdout
    assert "import #2" in text and "log" in text


def test_the_same_file_imported_twice_logs_nothing_the_second_time():
    """The second import of the same bytes names batch 2 and logs nothing: C01's 2nd lateness stays 40, not a
    3rd and 4th at 40 with a dismissal recommended."""
    first = data("events", "import", "history.csv", "--json")
    assert (first["batch"], first["logged"], first["already_imported"]) == (2, 3, False)
    before = state()
    again = run("events", "import", "history.csv")
    assert again.stdout.startswith("history.csv was already imported as batch 2; nothing logged")
    assert state() == before
    card = data("scorecard", "C01", "--month", "2026-11", "--json")
    assert (card["fines"], card["dispositions"]) == ("60.00", [])


def test_rows_already_in_the_log_are_skipped_unless_allowed():
    """A new file repeating a logged lateness (same person, rule and minute) skips that row and logs the rest;
    with --allow-duplicates the row is logged, and becomes the 2nd lateness (40)."""
    run("log", "C01", "showroom.late", "--at", "2026-11-10 08:45:40")
    Path("more.csv").write_text("staff,rule,at\nC01,showroom.late,2026-11-10 08:45\nC02,showroom.late,2026-11-10 "
                                "08:50\nC02,showroom.late,2026-11-10 08:50\n", encoding="utf-8")
    result = data("events", "import", "more.csv", "--json")
    assert (result["logged"], result["duplicates"]) == (1, 2)
    assert result["skipped"] == ["line 2: the same as event 1 already in the log (C01 showroom.late 2026-11-10 08:45)",
                                 "line 4: the same as line 3"]
    assert [(c["staff_id"], c["event_id"], c["before"], c["after"]) for c in result["changed"]] == [
        ("C02", 2, "0.00", "20.00")]
    Path("again.csv").write_text("staff,rule,at\nC01,showroom.late,2026-11-10 08:45\n", encoding="utf-8")
    allowed = data("events", "import", "again.csv", "--allow-duplicates", "--json")
    # at 08:45:00 it comes before event 1 (08:45:40): the new one is the 1st lateness, event 1 the 2nd
    assert [(c["event_id"], c["before"], c["after"]) for c in allowed["changed"]] == [
        (1, "20.00", "40.00"), (3, "0.00", "20.00")]


def test_a_later_file_holding_the_same_rows_keeps_them_when_the_first_is_undone():
    """A re-export with the same three rows (other bytes) logs nothing but is recorded as batch 3, holding
    events 1–3; undoing batch 2, which logged them, leaves them, since batch 3 still holds them. Undoing
    batch 3 as well withdraws them (60 + 40 yuan back)."""
    run("events", "import", "history.csv")
    Path("copy.csv").write_text(HISTORY + "\n", encoding="utf-8")  # other bytes, same rows
    result = data("events", "import", "copy.csv", "--json")
    assert (result["batch"], result["logged"], result["duplicates"]) == (3, 0, 3)
    undone = data("undo", "2", "--reason", "the first export was incomplete", "--json")
    assert (undone["events"], undone["kept"]) == (0, [{"event_id": 1, "held_by": 3}, {"event_id": 2, "held_by": 3},
                                                      {"event_id": 3, "held_by": 3}])
    assert data("scorecard", "C01", "--month", "2026-11", "--json")["fines"] == "60.00"
    last = data("undo", "3", "--reason", "wrong month altogether", "--json")
    assert (last["events"], sorted((c["event_id"], c["before"]) for c in last["changed"])) == (
        3, [(1, "20.00"), (2, "40.00"), (3, "40.00")])
    assert data("scorecard", "C01", "--month", "2026-11", "--json")["fines"] == "0.00"


def test_log_refuses_the_same_violation_twice_unless_again():
    """The same person, rule and minute twice is refused naming the earlier event; --again logs it (2nd: 40)."""
    run("log", "C01", "showroom.late", "--at", "2026-11-03 08:42")
    before = state()
    message = refused("log", "C01", "showroom.late", "--at", "2026-11-03 08:42:59")
    assert message == ("Error: C01 already has event 1 for showroom.late at 2026-11-03 08:42: the same violation "
                       "logged twice? If it really happened twice, log it again with --again")
    assert state() == before
    again = data("log", "C01", "showroom.late", "--at", "2026-11-03 08:42:59", "--again", "--json")
    assert [c["amount"] for c in again["charges"]] == ["40.00"]
    # other options make another violation: two different missing items are not a duplicate
    run("log", "C02", "showroom.toolkit", "--at", "2026-11-04 10:00", "--item", "订单")
    run("log", "C02", "showroom.toolkit", "--at", "2026-11-04 10:00", "--item", "名片")


def test_seconds_given_are_kept_and_shown():
    """--at with seconds keeps them in the log, in events --json and in the text."""
    out = run("log", "C01", "showroom.late", "--at", "2026-11-03 08:42:30").stdout
    assert out.splitlines()[0] == "event 1: C01 showroom.late at 2026-11-03 08:42:30"
    assert data("events", "--json")[0]["at"] == "2026-11-03T08:42:30+08:00"
    assert "2026-11-03 08:42:30" in run("events").stdout


def test_undo_of_an_import_gives_back_the_payroll_before_it_to_the_byte():
    """Undo withdraws the import's three events in one step and says what changed (60 + 40 yuan back);
    November's payroll JSON is then byte for byte what it was before the import."""
    run("log", "C02", "showroom.desk", "--at", "2026-11-20 09:00")
    before = run("payroll", "2026-11", "--format", "json").stdout_bytes
    run("events", "import", "history.csv")
    assert run("payroll", "2026-11", "--format", "json").stdout_bytes != before
    done = data("undo", "2", "--reason", "wrong month's sheet", "--by", "店长 陈静", "--json")
    assert (done["batch"], done["undo"], done["events"]) == (2, 3, 3)
    assert sorted((c["staff_id"], c["event_id"], c["before"], c["after"]) for c in done["changed"]) == [
        ("C01", 2, "20.00", "0.00"), ("C01", 3, "40.00", "0.00"), ("C02", 4, "40.00", "0.00")]
    assert run("payroll", "2026-11", "--format", "json").stdout_bytes == before
    events = {e["event_id"]: e for e in data("events", "--json")}
    assert [events[i]["voided"] for i in (1, 2, 3, 4)] == [False, True, True, True]
    assert data("batches", "--json")[1]["undone_by"] == 3
    assert run("verify").exit_code == 0
    # undone, the file may be imported again (the earlier batch no longer holds it)
    assert data("events", "import", "history.csv", "--json")["logged"] == 3


def test_bad_undo_changes_nothing():
    """Unknown batch, twice, no reason, a batch of another kind, an id that is no number: exit 2, one sentence."""
    run("events", "import", "history.csv")
    run("undo", "2", "--reason", "wrong file")
    before = state()
    assert refused("undo", "9", "--reason", "x") == "Error: there is no batch 9; 'discipline batches' lists them"
    assert refused("undo", "2", "--reason", "x").startswith(
        "Error: batch 2 was already undone, by batch 3 on 2026-12-05 10:00")
    assert refused("undo", "2") == "Error: Missing option '--reason'; 'cli undo --help' shows what it takes"
    assert refused("undo", "2", "--reason", "  ") == "Error: --reason must say why the batch is undone"
    assert refused("undo", "1", "--reason", "x").startswith("Error: batch 1 is a staff import, which cannot be undone")
    assert refused("undo", "3", "--reason", "x").startswith("Error: batch 3 is itself an undo (of batch 2)")
    assert "is not an id" in refused("undo", "1e3", "--reason", "x")
    assert "is not an id" in refused("undo", "1" + "0" * 30, "--reason", "x")
    assert "is not an id" in refused("void", "1" + "0" * 30, "--reason", "x")
    assert state() == before


def test_log_and_void_say_what_they_changed_before_and_after():
    """Logging a lateness before two others moves them up the ladder: 20 → 40 and 40 → 40 plus a dismissal
    recommendation; voiding it moves them back. Both list every change, text and JSON."""
    run("events", "import", "history.csv")
    logged = data("log", "C01", "showroom.late", "--at", "2026-11-03 08:40", "--json")
    assert [(c["event_id"], c["before"], c["after"], c["dispositions_after"]) for c in logged["changed"]] == [
        (1, "20.00", "40.00", []), (2, "40.00", "40.00", ["dismissal_recommended"]), (4, "0.00", "20.00", [])]
    text = run("void", "4", "--reason", "was on leave").stdout
    assert text.splitlines()[:2] == ["event 4 withdrawn", "pay changed:"]
    assert "40.00  20.00" in text and "dismissal_recommended → -" in text


def test_refused_commands_on_the_log_change_nothing():
    """A file with one bad row logs none of its rows and records no batch."""
    Path("bad.csv").write_text(HISTORY + "C09,showroom.late,2026-11-18 08:40,\n", encoding="utf-8")
    before = state()
    result = invoke("events", "import", "bad.csv")
    assert result.exit_code == 2 and "line 5: unknown staff 'C09'" in result.stderr
    assert state() == before


def test_no_count_is_one_unit_and_the_default_outcome_is_no_outcome_for_duplicates():
    """A duplicate card logged with --count 1, then without: the same violation (refused), as is a customer grab
    logged with its default outcome named and then without."""
    run("log", "C01", "customer.duplicate_card", "--at", "2026-11-05 10:00", "--count", "1")
    assert "already has event 1" in refused("log", "C01", "customer.duplicate_card", "--at", "2026-11-05 10:00")
    run("log", "C02", "sales.customer_grab", "--at", "2026-11-06 11:00")
    assert "already has event 2" in refused("log", "C02", "sales.customer_grab", "--at", "2026-11-06 11:00",
                                            "--outcome", "normal")


@pytest.mark.parametrize(("args", "expected"), [
    (("log", "C01", "showroom.late", "--at", "2026-11-03 08:42", "--note", "迟到\x1b[2J"),
     "--note holds a control character (\\x1b); type plain text"),
    (("log", "C01", "showroom.late", "--at", "2026-11-03 08:42", "--note", "一\n二"),
     "--note holds a line break; keep it on one line"),
    (("log", "C01", "showroom.late", "--at", "2026-11-03 08:42", "--note", "x" * 2001),
     "--note is too long (2001 characters); keep it under 2000"),
    (("log", "C01", "showroom.late", "--at", "2026-11-03 08:42:30.5"), "has parts of a second"),
    (("log", "C01", "showroom.late", "--at", "20261103"), "has no time of day"),
    (("void", "1", "--reason", "ok\u202egnp.exe"), "--reason holds a control character (\\u202e)"),
    (("undo", "2", "--reason", "r" * 501), "--reason is too long (501 characters); keep it under 500"),
    (("events", "import", "history.csv", "--by", "陈\x07"), "--by holds a control character (\\x07)"),
])
def test_what_people_type_is_plain_text_or_refused(args, expected):
    """Escape codes, line breaks, direction overrides and pages of text, in notes, reasons and names, and times
    with parts of a second or no time of day: one sentence each, nothing changed."""
    run("log", "C02", "showroom.desk", "--at", "2026-11-20 09:00")
    run("events", "import", "history.csv")
    before = state()
    assert expected in refused(*args)
    assert state() == before


def test_a_note_column_with_an_escape_code_refuses_the_file():
    """The events file's note column is checked as --note is: the row is named, nothing logged."""
    Path("bad.csv").write_text("staff,rule,at,note\nC01,showroom.late,2026-11-10 08:45,\x1b]0;pwned\x07\n",
                               encoding="utf-8")
    result = invoke("events", "import", "bad.csv")
    assert result.exit_code == 2 and "line 2: note holds a control character (\\x1b)" in result.stderr
