"""Late discoveries and appeals after payroll: a closed month never changes, its changes are posted.

The clock stands at 2026-12-05 10:00 in Shanghai. November is closed with C01's two latenesses (10th:
1st, 20 yuan; 17th: 2nd, 40 yuan). Figures are the showroom lateness ladder of regulations.md: 1st 20,
2nd 40, from the 3rd 40 and dismissal recommended, counted in the calendar month.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import data, invoke, run, shop_at
from freezegun import freeze_time

ROSTER = """\
id,name,store,team,role,supervisor,base_wage,bonus,shift,city,hired,left
SM1,赵强,浦东展厅,,sales_manager,,9000,3000,showroom,shanghai,,
C01,郑浩,浦东展厅,A,consultant,SM1,4000,1000,showroom,shanghai,,
C02,冯雪,浦东展厅,A,consultant,SM1,4200,1200,showroom,shanghai,,
"""
NOW = "2026-12-05 10:00:00+08:00"


def card(staff: str, month: str) -> dict:
    return data("scorecard", staff, "--month", month, "--json")


def november_files() -> dict[str, bytes]:
    return {fmt: run("payroll", "2026-11", "--format", fmt).stdout_bytes for fmt in ("csv", "html", "json")}


@pytest.fixture(autouse=True)
def closed_november():
    """November closed with C01 late on the 10th (20) and the 17th (40): 60.00 deducted."""
    with shop_at(NOW, ROSTER):
        run("log", "C01", "showroom.late", "--at", "2026-11-10 08:45")
        run("log", "C01", "showroom.late", "--at", "2026-11-17 08:50")
        run("close", "2026-11")
        assert card("C01", "2026-11")["deducted"] == "60.00"
        yield


def test_a_late_discovery_keeps_its_true_time_and_is_paid_in_the_first_open_month():
    """A lateness of 3 November found after the close is logged at 08:42 on the 3rd. It is the month's 1st
    (20); the 10th becomes the 2nd (20 → 40: +20) and the 17th the 3rd (40, and now dismissal recommended).
    November's files stay byte-identical; December gets +20 +20 and the disposition, each line naming November."""
    frozen = november_files()
    logged = data("log", "C01", "showroom.late", "--at", "2026-11-03 08:42", "--json")
    assert logged["event_id"] == 3 and logged["posted_month"] == "2026-12"
    assert [(c["amount"], c["explanation"]) for c in logged["charges"]] == [
        ("20.00", "1st lateness in 2026-11 → 20 yuan")]
    assert [(c["event_id"], c["month"], c["before"], c["after"], c["dispositions_after"], c["posted_month"])
            for c in logged["changed"]] == [
        (1, "2026-11", "20.00", "40.00", [], "2026-12"),
        (2, "2026-11", "40.00", "40.00", ["dismissal_recommended"], "2026-12"),
        (3, "2026-11", "0.00", "20.00", [], "2026-12")]
    assert november_files() == frozen

    december = card("C01", "2026-12")
    assert [(ln["event_id"], ln["kind"], ln["amount"], ln["explanation"]) for ln in december["lines"]] == [
        (1, "fine", "20.00", "2026-11 closed; event 1 of 2026-11-10 re-priced 20.00 → 40.00 yuan after late entry 3 "
                             "(2nd lateness in 2026-11 → 40 yuan)"),
        (2, "disposition", "0.00", "2026-11 closed; event 2 of 2026-11-17, after late entry 3: 3rd lateness in "
                                   "2026-11 → dismissal recommended"),
        (3, "fine", "20.00", "found after 2026-11 closed (event 3 of 2026-11-03): 1st lateness in 2026-11 → 20 yuan")]
    assert all(ln["at"] == "2026-12-05T10:00:00+08:00" for ln in december["lines"])
    assert (december["fines"], december["due"], december["deducted"]) == ("40.00", "40.00", "40.00")
    assert [(d["event_id"], d["disposition"]) for d in december["dispositions"]] == [(2, "dismissal_recommended")]
    assert [e["at"] for e in data("events", "--json") if e["event_id"] == 3] == ["2026-11-03T08:42:00+08:00"]
    assert run("verify").exit_code == 0


def test_withdrawing_the_late_discovery_posts_everything_back():
    """Voiding the late event reverses what was posted for it (-20) and moves the ladder back (the 10th
    40 → 20: -20; the 17th's dismissal recommendation withdrawn): December nets to 0.00, nothing awaits a
    decision, and November's files never changed."""
    frozen = november_files()
    run("log", "C01", "showroom.late", "--at", "2026-11-03 08:42")
    with freeze_time("2026-12-06 09:00:00+08:00"):
        voided = data("void", "3", "--reason", "he was at a customer's, confirmed", "--json")
        december = card("C01", "2026-12")
    assert voided["posted_month"] == "2026-12"
    assert [(ln["event_id"], ln["kind"], ln["amount"]) for ln in december["lines"][3:]] == [
        (1, "fine", "-20.00"), (2, "note", "0.00"), (3, "fine", "-20.00")]
    assert december["lines"][5]["explanation"] == ("reversal of event 3 of 2026-11-03 after payroll (he was at a "
                                                   "customer's, confirmed)")
    assert (december["fines"], december["due"], december["deducted"], december["dispositions"]) == (
        "0.00", "0.00", "0.00", [])
    assert november_files() == frozen
    assert run("verify").exit_code == 0


def test_an_appeal_after_payroll_also_moves_the_later_ladder_steps_back():
    """Voiding the 10th, paid in November as the 1st (20): reversed (-20), and the 17th, paid as the 2nd (40),
    is the 1st now (20): -20 more. December refunds 40.00."""
    run("void", "1", "--reason", "appeal upheld")
    december = card("C01", "2026-12")
    assert [(ln["event_id"], ln["amount"]) for ln in december["lines"]] == [(1, "-20.00"), (2, "-20.00")]
    assert december["lines"][1]["explanation"] == (
        "2026-11 closed; event 2 of 2026-11-17 re-priced 40.00 → 20.00 yuan after withdrawal of event 1 (1st lateness "
        "in 2026-11 → 20 yuan)")
    assert (december["fines"], december["deducted"]) == ("-40.00", "-40.00")


def test_an_import_of_closed_months_rows_posts_them_into_the_open_month():
    """events import of November and December rows: November's toolkit check of C02 (2 items: 40) is paid in
    December beside December's own lateness (20)."""
    Path("late.csv").write_text("staff,rule,at,items\nC02,showroom.toolkit,2026-11-20 10:00,订单;名片\n"
                                "C02,showroom.late,2026-12-02 08:40,\n", encoding="utf-8")
    result = data("events", "import", "late.csv", "--json")
    assert (result["logged"], result["posted_month"]) == (2, "2026-12")
    december = card("C02", "2026-12")
    assert [(ln["event_id"], ln["amount"]) for ln in december["lines"]] == [(4, "20.00"), (3, "40.00")]
    assert december["fines"] == "60.00"
    assert card("C02", "2026-11")["fines"] == "0.00"
    # and undoing the import takes both back: December owes nothing
    run("undo", "2", "--reason", "imported by mistake")
    assert card("C02", "2026-12")["fines"] == "0.00"


def test_december_closed_in_turn_freezes_the_adjustments():
    """Once December closes, the adjustments are in its frozen files; January starts from what it carried out."""
    run("log", "C01", "showroom.late", "--at", "2026-11-03 08:42")
    with freeze_time("2027-01-02 10:00:00+08:00"):
        assert run("close", "2026-12").stdout == "2026-12 closed: 3 statements frozen, 40.00 yuan deducted in all\n"
        assert card("C01", "2026-12")["fines"] == "40.00"
        run("log", "C01", "showroom.late", "--at", "2026-12-01 08:40")  # now a late discovery of December
        january = card("C01", "2027-01")
        assert [(ln["event_id"], ln["amount"]) for ln in january["lines"]] == [(4, "20.00")]


def test_months_close_in_order_and_a_month_behind_a_closed_one_is_paid_later():
    """With November closed, a lateness of 15 September (never closed, and behind November) is paid in
    December; September cannot be closed any more, nor shown as a payroll of its own, so it is paid once."""
    logged = data("log", "C02", "showroom.phone", "--at", "2026-09-15 10:00", "--json")
    assert logged["posted_month"] == "2026-12"
    result = invoke("close", "2026-09")
    assert result.exit_code == 2
    assert result.stderr.strip() == ("Error: 2026-09 is before 2026-11, which is closed; months close in order, so "
                                     "2026-09 can no longer be closed (what is logged into it is paid in 2026-12)")
    result = invoke("payroll", "2026-09")
    assert result.exit_code == 2
    assert "2026-09 was never closed and is before 2026-11" in result.stderr
    assert card("C02", "2026-12")["fines"] == "10.00"


def test_the_reversal_says_what_was_paid_even_after_a_raise():
    """An absence of C02 on 1 December (base 4200: 4200 ÷ 21.75 = 193.10) is paid in December, which closes;
    a raise to 6000 then re-prices the cache (275.86), but the appeal reverses in January what was paid,
    and says so."""
    run("log", "C02", "attendance.absenteeism", "--at", "2026-12-01 08:30", "--count", "1")
    with freeze_time("2027-01-02 10:00:00+08:00"):
        run("close", "2026-12")
        assert card("C02", "2026-12")["salary_penalties"] == "193.10"
        run("staff", "import", _raise("C02", "6000"))
        voided = data("void", "3", "--reason", "sick note came late", "--json")
        assert [(c["event_id"], c["before"], c["after"], c["posted_month"]) for c in voided["changed"]] == [
            (3, "193.10", "0.00", "2027-01")]
        assert card("C02", "2027-01")["salary_penalties"] == "-193.10"


def _raise(staff: str, wage: str) -> str:
    rows = [line for line in ROSTER.splitlines() if line.startswith(f"{staff},")]
    fields = rows[0].split(",")
    fields[6] = wage
    Path("raise.csv").write_text(ROSTER.splitlines()[0] + "\n" + ",".join(fields) + "\n", encoding="utf-8")
    return "raise.csv"
