"""A month worked only in part: the wage payable, the minimum wage for the same part, the cap on them, and a
leaver's balance that has no later wage to come out of (issue 14, item 4).

November 2026 has 21 workdays (the 1st is a Sunday; no holiday). Shanghai's minimum wage is 2740. A
key-account manager earns 4000 a month; keyaccount.gift_undelivered fines 10 × the gift's value.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from conftest import data, invoke, run, shop_at

ROSTER = ("id,name,store,team,role,supervisor,base_wage,bonus,shift,city,hired,left\n"
          "J01,新人,静安店,A,key_account,,4000,0,store,上海,2026-11-20,\n"
          "L01,离职,静安店,A,key_account,,4000,0,store,上海,2025-01-01,2026-11-06\n"
          "W01,全月,静安店,A,key_account,,4000,0,store,上海,2025-01-01,\n")


def setup_shop(*extra_rules: str):
    rules = ""
    if extra_rules:
        from discipline.resources import shipped_rules_path

        rules = shipped_rules_path().read_text(encoding="utf-8")
        for old, new in extra_rules:
            rules = rules.replace(old, new)
        Path("rules.toml").write_text(rules, encoding="utf-8")
    return shop_at("2026-12-05 10:00:00+08:00", ROSTER, "--effective", "2026-10-01")


def statements(month: str) -> dict[str, dict]:
    return {s["staff_id"]: s for s in data("payroll", month, "--format", "json")}


def test_a_joiner_and_a_leaver_are_capped_on_the_part_of_the_month_they_were_paid():
    """Joiner, hired Fri 20 Nov: 7 workdays (20, 23–27, 30). Paid 4000 × 7 ÷ 21.75 = 1287.36; the minimum wage
    for the same days 2740 × 7 ÷ 21.75 = 881.84; cap min(20 % = 257.47, 1287.36 − 881.84 = 405.52) = 257.47.
    A 40-yuan gift: 400 due, 257.47 deducted, 142.53 carried into December.
    Leaver, last day Fri 6 Nov: 5 workdays (2–6). Paid 4000 × 5 ÷ 21.75 = 919.54; minimum 2740 × 5 ÷ 21.75 =
    629.89; cap min(183.91, 289.65) = 183.91. A 60-yuan gift: 600 due, 183.91 deducted, 416.09 still owed on
    the final statement and nothing carried. Before this, both were capped at 800 (20 % of 4000).
    Someone employed all month is not prorated: cap min(800, 4000 − 2740 = 1260) = 800."""
    with setup_shop():
        run("log", "J01", "keyaccount.gift_undelivered", "--value", "40", "--at", "2026-11-23 10:00")
        run("log", "L01", "keyaccount.gift_undelivered", "--value", "60", "--at", "2026-11-03 10:00")
        run("log", "W01", "keyaccount.gift_undelivered", "--value", "90", "--at", "2026-11-03 10:00")
        nov = statements("2026-11")
        joiner, leaver, whole = nov["J01"], nov["L01"], nov["W01"]
        assert (joiner["paid_days"], joiner["payable_wage"], joiner["payable_minimum"], joiner["cap"],
                joiner["deducted"], joiner["carried_out"]) == (7, "1287.36", "881.84", "257.47", "257.47", "142.53")
        assert (leaver["paid_days"], leaver["payable_wage"], leaver["payable_minimum"], leaver["cap"],
                leaver["deducted"], leaver["carried_out"], leaver["outstanding"]) == (
            5, "919.54", "629.89", "183.91", "183.91", "0.00", "416.09")
        assert "paid_days" not in whole and (whole["cap"], whole["deducted"]) == ("800.00", "800.00")
        card = run("scorecard", "L01", "--month", "2026-11", "--lang", "zh").stdout
        assert "本月应发工资（在职5个工作日）" in card and "919.54" in card
        assert "离职时未扣清（不再结转）" in card and "416.09" in card
        assert ("依法扣款上限为183.91元（至多扣工资919.54元的20%，且扣后不得低于最低工资629.89元）；"
                "离职时尚有416.09元未扣清，不再结转") in card
        dec = statements("2026-12")  # November still open: its carry is replayed into December
        assert (dec["J01"]["carried_in"], dec["J01"]["deducted"]) == ("142.53", "142.53")
        assert dec.get("L01", {"carried_in": "0.00"})["carried_in"] == "0.00"


def test_proration_by_the_months_workdays_when_the_table_says_so():
    """proration = "workdays": the joiner is paid 4000 × 7 ÷ 21 = 1333.33, the minimum 2740 × 7 ÷ 21 = 913.33;
    cap min(266.67, 420.00) = 266.67."""
    with setup_shop(('proration = "pay_days"', 'proration = "workdays"')):
        run("log", "J01", "keyaccount.gift_undelivered", "--value", "40", "--at", "2026-11-23 10:00")
        joiner = statements("2026-11")["J01"]
        assert (joiner["payable_wage"], joiner["payable_minimum"], joiner["cap"]) == ("1333.33", "913.33", "266.67")


def test_a_proration_the_table_does_not_know_is_refused():
    from discipline.resources import shipped_rules_path

    text = shipped_rules_path().read_text(encoding="utf-8").replace('proration = "pay_days"', 'proration = "hours"')
    Path("rules.toml").write_text(text, encoding="utf-8")
    result = invoke("rules", "check", "rules.toml")
    assert result.exit_code == 2
    assert 'proration must be "pay_days" or "workdays", not \'hours\'' in result.stderr


def test_the_parts_add_up():
    """Payable.part never pays more than the whole, and is exact to the fen."""
    from discipline.payable import Payable

    assert Payable(22, Decimal("21.75")).part(Decimal("4000")) == Decimal("4000")
    assert Payable(5, Decimal("21.75")).part(Decimal("4000")) == Decimal("919.54")
    assert Payable(None).part(Decimal("4000")) == Decimal("4000")
