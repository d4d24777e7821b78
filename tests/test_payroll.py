"""Monthly statements: events → engine.price → payroll.statements, every figure worked out by hand.

The legal guard of product.md: deducted = min(due + carried_in, cap) where
cap = max(0, min(0.20 × wage, wage − minimum wage)), wage = base + bonus; the rest carries.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from conftest import at, event, roster, staff

from discipline import payroll
from discipline.engine import price
from discipline.model import Line, MinimumWage, RuleTable, Staff, Statement
from discipline.payroll import Reversal, build_statement, explain_cap, from_json, rating, statements, to_json
from discipline.resources import shipped_rules_path
from discipline.rules import load_rules

MONEY_FIELDS = ("fines", "compensation", "salary_penalties", "cost_recovery", "rewards", "due",
                "carried_in", "deducted", "carried_out", "cap", "wage", "minimum_wage", "fines_reported")
TWO_DECIMALS = re.compile(r"^-?\d+\.\d{2}$")


def month_of_everyone(month: str, events, people: dict[str, Staff], table: RuleTable, *,
                      frozen=None, reversals=()) -> dict[str, Statement]:
    """Price the log and return ``month``'s statements by staff id; the log must price cleanly."""
    priced = price(events, table, people)
    assert priced.problems == ()
    out = statements(month, charges=priced.charges, roster=people, table=table, frozen=frozen or {},
                     reversals=reversals)
    return {s.staff_id: s for s in out}


def custom_table(tmp_path: Path, old: str, new: str) -> RuleTable:
    """The shipped rules.toml with one setting line changed, loaded from tmp_path."""
    text = shipped_rules_path().read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / "rules.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return load_rules(path)


def gift(id: int, staff_id: str, when: str, value: str):
    """keyaccount.gift_undelivered: a fine of 10 × the gift's value."""
    return event(id, staff_id, "keyaccount.gift_undelivered", when, value=Decimal(value))


# ─── the legal guard ────────────────────────────────────────────────────────────────────────────


def test_cap_is_twenty_percent_of_wage_and_the_rest_carries(table):
    """A 1500 fine on base 6000 in Shanghai: 1200 deducted, 300 carried and deducted next month."""
    people = roster(staff("k1", "key_account", base="6000"))
    events = [gift(1, "k1", "2026-11-10 10:00", "150")]
    nov = month_of_everyone("2026-11", events, people, table)["k1"]
    assert nov.fines == Decimal("1500.00")
    assert nov.due == Decimal("1500.00")
    assert nov.wage == Decimal("6000.00")
    assert nov.minimum_wage == Decimal("2740.00")
    assert nov.cap == Decimal("1200.00")
    assert nov.carried_in == Decimal("0.00")
    assert nov.deducted == Decimal("1200.00")
    assert nov.carried_out == Decimal("300.00")
    dec = month_of_everyone("2026-12", events, people, table)["k1"]
    assert dec.due == Decimal("0.00")
    assert dec.carried_in == Decimal("300.00")
    assert dec.deducted == Decimal("300.00")
    assert dec.carried_out == Decimal("0.00")
    assert dec.lines == ()


def test_explain_cap_says_what_the_guard_did(table):
    """The cap sentence names the cap, the wage, the minimum wage and what carries; empty when uncapped."""
    people = roster(staff("k1", "key_account", base="6000"))
    events = [gift(1, "k1", "2026-11-10 10:00", "150")]
    nov = month_of_everyone("2026-11", events, people, table)["k1"]
    words = explain_cap(nov)
    for figure in ("1200.00", "6000.00", "2740.00", "300.00"):
        assert figure in words
    dec = month_of_everyone("2026-12", events, people, table)["k1"]
    assert explain_cap(dec) == ""


def test_serious_customer_grab_is_capped_at_twenty_percent(table):
    """Serious customer grab, base 4000 + bonus 1000: 4500 due, 1000 deducted, 3500 carried."""
    people = roster(staff("c1", "consultant", base="4000", bonus="1000"))
    events = [event(1, "c1", "sales.customer_grab", "2026-11-05 15:00", outcome="serious")]
    nov = month_of_everyone("2026-11", events, people, table)["c1"]
    assert nov.salary_penalties == Decimal("4500.00")
    assert nov.fines == Decimal("0.00")
    assert nov.due == Decimal("4500.00")
    assert nov.wage == Decimal("5000.00")
    assert nov.cap == Decimal("1000.00")
    assert nov.deducted == Decimal("1000.00")
    assert nov.carried_out == Decimal("3500.00")
    assert [line.amount for line in nov.lines] == [Decimal("4500.00")]
    assert "4000.00" in nov.lines[0].explanation and "50 %" in nov.lines[0].explanation


def test_carry_runs_down_over_several_months(table):
    """3500 carried from the serious grab is deducted 1000 a month until 500 closes it in March."""
    people = roster(staff("c1", "consultant", base="4000", bonus="1000"))
    events = [event(1, "c1", "sales.customer_grab", "2026-11-05 15:00", outcome="serious")]
    expected = {"2026-12": ("3500.00", "1000.00", "2500.00"), "2027-01": ("2500.00", "1000.00", "1500.00"),
                "2027-02": ("1500.00", "1000.00", "500.00"), "2027-03": ("500.00", "500.00", "0.00"),
                "2027-04": ("0.00", "0.00", "0.00")}
    for month, (carried_in, deducted, carried_out) in expected.items():
        s = month_of_everyone(month, events, people, table)["c1"]
        assert (s.carried_in, s.deducted, s.carried_out) == (
            Decimal(carried_in), Decimal(deducted), Decimal(carried_out)), month


def test_normal_customer_grab_is_one_days_base_wage(table):
    """Normal customer grab: one day's base wage, 4000 ÷ 21.75 = 183.908… → 183.91, within the cap."""
    people = roster(staff("c1", "consultant", base="4000", bonus="1000"))
    events = [event(1, "c1", "sales.customer_grab", "2026-11-05 15:00")]
    s = month_of_everyone("2026-11", events, people, table)["c1"]
    assert s.salary_penalties == Decimal("183.91")
    assert s.due == Decimal("183.91")
    assert s.deducted == Decimal("183.91")
    assert s.carried_out == Decimal("0.00")


def test_worked_example_6_absenteeism_day_on_base_3045(table):
    """Regulations example 6: one day absent on base 3045 costs 3045 ÷ 21.75 = 140.00 yuan."""
    people = roster(staff("g1", "guide", base="3045"))
    events = [event(1, "g1", "attendance.absenteeism", "2026-11-05 09:00")]
    s = month_of_everyone("2026-11", events, people, table)["g1"]
    assert s.salary_penalties == Decimal("140.00")
    assert s.due == Decimal("140.00")


def test_worked_example_7_beijing_cap_is_800(table):
    """Regulations example 7: Beijing base 3800 + bonus 200: cap min(800, 1460) = 800.00, the rest carries."""
    people = roster(staff("b1", "key_account", base="3800", bonus="200", city="beijing"))
    events = [gift(1, "b1", "2025-09-15 11:00", "100")]
    s = month_of_everyone("2025-09", events, people, table)["b1"]
    assert s.wage == Decimal("4000.00")
    assert s.minimum_wage == Decimal("2540.00")
    assert s.cap == Decimal("800.00")
    assert s.due == Decimal("1000.00")
    assert s.deducted == Decimal("800.00")
    assert s.carried_out == Decimal("200.00")


def test_wage_minus_minimum_wage_binds_when_smaller(table):
    """Base 3000 in Shanghai: min(600, 3000 − 2740 = 260) = 260.00 may be deducted, 740 of 1000 carries."""
    people = roster(staff("k1", "key_account", base="3000"))
    events = [gift(1, "k1", "2026-11-10 10:00", "100")]
    s = month_of_everyone("2026-11", events, people, table)["k1"]
    assert s.cap == Decimal("260.00")
    assert s.deducted == Decimal("260.00")
    assert s.carried_out == Decimal("740.00")


def test_wage_below_minimum_wage_deducts_nothing(table):
    """Wage 2500 below Shanghai's 2740: the cap is 0.00 and everything carries."""
    people = roster(staff("k1", "key_account", base="2500"))
    events = [gift(1, "k1", "2026-11-10 10:00", "5"), event(2, "k1", "office.file_late", "2026-11-11 10:00")]
    s = month_of_everyone("2026-11", events, people, table)["k1"]
    assert s.due == Decimal("60.00")
    assert s.cap == Decimal("0.00")
    assert s.deducted == Decimal("0.00")
    assert s.carried_out == Decimal("60.00")


def test_due_within_cap_is_deducted_in_full(table):
    """A 20-yuan fine on base 4000 (cap 800) is deducted whole, nothing carries."""
    people = roster(staff("k1", "key_account"))
    events = [event(1, "k1", "office.file_late", "2026-11-11 10:00"), event(2, "k1", "office.file_late",
                                                                            "2026-11-12 10:00")]
    s = month_of_everyone("2026-11", events, people, table)["k1"]
    assert s.cap == Decimal("800.00")
    assert s.due == Decimal("20.00")
    assert s.deducted == Decimal("20.00")
    assert s.carried_out == Decimal("0.00")


def test_the_shipped_minimum_wages_answer_every_month_since_2018_in_shanghai(table):
    """Shanghai's floor by month, from the shipped data: 2690 from 2023-07-01, so June 2025 has 2690 and
    July 2025 has 2740; December 2020 has 2480 (from 2019-04-01; there was no 2020 adjustment)."""
    assert payroll.minimum_wage(table, "shanghai", "2025-06").amount == Decimal("2690.00")
    assert payroll.minimum_wage(table, "shanghai", "2025-07").amount == Decimal("2740.00")
    assert payroll.minimum_wage(table, "shanghai", "2020-12").amount == Decimal("2480.00")
    # June 2025, a 6000 wage: the cap is min(20 % = 1200, 6000 - 2690 = 3310) = 1200; a 100-yuan gift fine is
    # 10 × 100 = 1000, deducted whole.
    people = roster(staff("k1", "key_account", base="6000"))
    s = month_of_everyone("2025-06", [gift(1, "k1", "2025-06-10 10:00", "100")], people, table)["k1"]
    assert (s.minimum_wage, s.cap, s.deducted, s.cap_not_computed) == (
        Decimal("2690.00"), Decimal("1200.00"), Decimal("1000.00"), None)


def test_minimum_wage_in_force_on_the_months_last_day(table):
    """Beijing's 2540 takes effect 2025-09-01: August 2025 has 2420 (from 2023-09-01), September 2540."""
    assert payroll.minimum_wage(table, "beijing", "2025-08").amount == Decimal("2420.00")
    assert payroll.minimum_wage(table, "beijing", "2025-09").amount == Decimal("2540.00")


def test_shenzhen_and_chengdu_cap_on_their_own_floors(table):
    """Shenzhen 2520 and Chengdu 2330 (both in force in 2026-11). A 2800 wage in Shenzhen: min(560,
    2800 - 2520 = 280) = 280.00. The same wage in Chengdu: min(560, 2800 - 2330 = 470) = 470.00. A gift fine
    of 10 × 50 = 500 is deducted 280 and 470, the rest carried (220, 30)."""
    people = roster(staff("sz", "key_account", base="2800", city="shenzhen"),
                    staff("cd", "key_account", base="2800", city="chengdu"))
    events = [gift(1, "sz", "2026-11-10 10:00", "50"), gift(2, "cd", "2026-11-10 10:00", "50")]
    out = month_of_everyone("2026-11", events, people, table)
    assert [(s.minimum_wage, s.cap, s.deducted, s.carried_out) for s in (out["sz"], out["cd"])] == [
        (Decimal("2520.00"), Decimal("280.00"), Decimal("280.00"), Decimal("220.00")),
        (Decimal("2330.00"), Decimal("470.00"), Decimal("470.00"), Decimal("30.00"))]


def test_a_city_with_no_known_minimum_wage_is_capped_at_the_share_and_marked(table):
    """Xi'an is not in the shipped data: the event is priced all the same (10 × 150 = 1500 due), the cap is
    the 20 % share alone (6000 → 1200) and the statement says why; so for a person with no city."""
    people = roster(staff("k1", "key_account", base="6000", city="xian"),
                    staff("k2", "key_account", base="6000", city=None))
    events = [gift(1, "k1", "2026-11-10 10:00", "150"), gift(2, "k2", "2026-11-10 10:00", "150")]
    out = month_of_everyone("2026-11", events, people, table)
    for who in ("k1", "k2"):
        s = out[who]
        assert (s.minimum_wage, s.cap, s.deducted, s.carried_out) == (
            None, Decimal("1200.00"), Decimal("1200.00"), Decimal("300.00"))
    assert out["k1"].cap_not_computed.en == (
        "cap not computed: no minimum wage known for xian in 2026-11 (no minimum wage is known for xian); "
        "at most 20 % of the wage is deducted")
    assert out["k1"].cap_not_computed.zh == (
        "未按最低工资核算扣款上限：2026-11无xian的已知最低工资（没有xian的最低工资数据），本月至多扣工资的20%")
    assert "the roster gives no city" in out["k2"].cap_not_computed.en
    assert payroll.explain_cap(out["k1"], "zh").startswith("依法扣款上限为1200.00元（未按最低工资核算扣款上限")
    again = payroll.from_json(json.loads(payroll.dumps(out["k1"])))
    assert (again.minimum_wage, again.cap_not_computed) == (None, out["k1"].cap_not_computed)


def test_a_region_whose_latest_adjustment_does_not_place_the_city_is_unknown_not_the_old_rate(table):
    """Suzhou is placed in Jiangsu's tier 1 of 2018-08-01 (2020) but not in the adjustments since: from
    Jiangsu's next adjustment its floor is unknown, never the 2018 figure."""
    assert payroll.minimum_wage(table, "suzhou", "2019-06").amount == Decimal("2020.00")
    later = payroll.minimum_wage(table, "suzhou", "2026-11")
    assert later.amount is None and "does not confirm which tier suzhou is in" in later.unknown.en


def test_the_tables_own_floor_raises_the_law_never_lowers_it(table):
    """A company floor of 3000 in Shanghai from 2026-01-01 is above the law's 2740: it applies. One of 2000
    is below it: the law's 2740 applies. Xi'an, unknown to the data, is answered by the table's 2400."""
    def with_floor(city: str, amount: str) -> RuleTable:
        return attrs.evolve(table, minimum_wages=(MinimumWage(city, dt.date(2026, 1, 1), Decimal(amount)),))
    assert payroll.minimum_wage(with_floor("shanghai", "3000"), "shanghai", "2026-11").amount == Decimal("3000")
    assert payroll.minimum_wage(with_floor("shanghai", "2000"), "shanghai", "2026-11").amount == Decimal("2740.00")
    assert payroll.minimum_wage(with_floor("xian", "2400"), "xian", "2026-11").amount == Decimal("2400")
    assert payroll.minimum_wage(with_floor("xian", "2400"), "xian", "2025-11").amount is None


# ─── what makes up due ──────────────────────────────────────────────────────────────────────────


def test_sums_by_kind_and_due_leaves_rewards_out(table):
    """Fine, compensation, salary and cost each summed apart; due is their total, the reward is not in it."""
    people = roster(staff("s1", "five_s", base="6000"))
    events = [
        event(1, "s1", "vehicle.key_lost", "2026-11-02 10:00", loss=Decimal("35.50")),  # 50 fine + 35.50
        event(2, "s1", "attendance.absenteeism", "2026-11-03 09:00", count=2),  # 2 × 275.86
        event(3, "s1", "office.badge", "2026-11-04 10:00", outcome="damaged"),  # cost 1.50
        event(4, "s1", "marketing.insert_duty", "2026-11-05 10:00"),  # reward 20
    ]
    s = month_of_everyone("2026-11", events, people, table)["s1"]
    assert s.fines == Decimal("50.00")
    assert s.compensation == Decimal("35.50")
    assert s.salary_penalties == Decimal("551.72")
    assert s.cost_recovery == Decimal("1.50")
    assert s.rewards == Decimal("20.00")
    assert s.due == Decimal("638.72")
    assert s.deducted == Decimal("638.72")
    assert s.carried_out == Decimal("0.00")


def test_fines_report_lists_fines_without_deducting_them(table, tmp_path):
    """fines = "report": fines listed and reported, not in due; compensation is still deducted."""
    report = custom_table(tmp_path, 'fines = "deduct"', 'fines = "report"')
    assert report.settings.fines == "report"
    people = roster(staff("s1", "five_s", base="6000"))
    events = [event(1, "s1", "vehicle.key_lost", "2026-11-02 10:00", loss=Decimal("30")),
              event(2, "s1", "showroom.desk", "2026-11-03 10:00")]
    s = month_of_everyone("2026-11", events, people, report)["s1"]
    assert s.fines == Decimal("70.00")
    assert s.fines_reported == Decimal("70.00")
    assert s.compensation == Decimal("30.00")
    assert s.due == Decimal("30.00")
    assert s.deducted == Decimal("30.00")
    assert [line.kind for line in s.lines] == ["fine", "compensation", "fine"]
    shipped = month_of_everyone("2026-11", events, people, table)["s1"]
    assert shipped.fines_reported == Decimal("0.00")
    assert shipped.due == Decimal("100.00")


def test_fines_report_keeps_a_large_fine_out_of_the_carry(table, tmp_path):
    """Under fines = "report" the 1500 gift fine is reported only: nothing deducted, nothing carried."""
    report = custom_table(tmp_path, 'fines = "deduct"', 'fines = "report"')
    people = roster(staff("k1", "key_account", base="6000"))
    s = month_of_everyone("2026-11", [gift(1, "k1", "2026-11-10 10:00", "150")], people, report)["k1"]
    assert s.fines_reported == Decimal("1500.00")
    assert s.due == Decimal("0.00")
    assert s.deducted == Decimal("0.00")
    assert s.carried_out == Decimal("0.00")


def test_points_cost_nothing_by_default(table):
    """point_value defaults to 0: two latenesses (6 points) lower the score to 94 and due stays 0.00."""
    assert table.settings.point_value == Decimal("0")
    people = roster(staff("g1", "guide"))
    events = [event(1, "g1", "attendance.late", "2026-11-02 09:10"),
              event(2, "g1", "attendance.late", "2026-11-03 09:10")]
    s = month_of_everyone("2026-11", events, people, table)["g1"]
    assert s.points_lost == Decimal("6")
    assert s.score == Decimal("94")
    assert s.due == Decimal("0.00")
    assert s.deducted == Decimal("0.00")


def test_point_value_prices_points_into_due(table, tmp_path):
    """point_value = "2.00": 6 points add 12.00 to due on top of a 20-yuan fine."""
    priced = custom_table(tmp_path, 'point_value = "0.00"', 'point_value = "2.00"')
    people = roster(staff("g1", "guide"))
    events = [event(1, "g1", "attendance.late", "2026-11-02 09:10"),
              event(2, "g1", "attendance.late", "2026-11-03 09:10"),
              event(3, "g1", "office.file_late", "2026-11-04 10:00")]
    s = month_of_everyone("2026-11", events, people, priced)["g1"]
    assert s.points_lost == Decimal("6")
    assert s.score == Decimal("94")
    assert s.fines == Decimal("10.00")
    assert s.due == Decimal("22.00")
    assert s.deducted == Decimal("22.00")


# ─── score, rating, rewards, supervisor doubling ────────────────────────────────────────────────


@pytest.mark.parametrize(("score", "band"), [
    ("100", "优秀"), ("90", "优秀"), ("89", "良好"), ("80", "良好"), ("79", "合格"), ("60", "合格"),
    ("59", "不合格"), ("0", "不合格"),
])
def test_rating_bands_at_their_boundaries(table, score, band):
    """Bands from rules.toml: 90 and up 优秀, 80 良好, 60 合格, below 不合格; each boundary belongs to its band."""
    assert rating(table, Decimal(score)) == band


def test_score_of_90_is_excellent(table):
    """10 points lost (absent from post) leaves exactly 90: 优秀."""
    people = roster(staff("g1", "guide"))
    s = month_of_everyone("2026-11", [event(1, "g1", "attendance.absent_post", "2026-11-02 11:00")], people,
                          table)["g1"]
    assert s.points_lost == Decimal("10")
    assert s.score == Decimal("90")
    assert s.rating == "优秀"


def test_score_of_89_is_good(table):
    """A statement with 11 points lost scores 89: 良好 (no shipped rule costs 11, so lines are built here)."""
    person = staff("g1", "guide")
    lines = [Line(event_id=1, at=at("2026-11-02 11:00"), rule="attendance.absent_post", rule_name="无故缺岗",
                  kind="points", points=Decimal("10"), amount=Decimal("0"), disposition=None, explanation="10 points"),
             Line(event_id=2, at=at("2026-11-03 11:00"), rule="x.one", rule_name="x", kind="points",
                  points=Decimal("1"), amount=Decimal("0"), disposition=None, explanation="1 points")]
    s = build_statement(person, "2026-11", lines, Decimal("0"), table)
    assert s.points_lost == Decimal("11")
    assert s.score == Decimal("89")
    assert s.rating == "良好"
    assert s.due == Decimal("0.00")


def test_score_boundaries_80_and_79_from_events(table):
    """20 points leave 80 (良好); 21 points leave 79 (合格)."""
    people = roster(staff("g1", "guide"), staff("g2", "guide"))
    events = [event(1, "g1", "attendance.absent_post", "2026-11-02 11:00"),
              event(2, "g1", "attendance.absent_post", "2026-11-03 11:00"),
              event(3, "g2", "conduct.quality", "2026-11-04 11:00",
                    items=("爱岗敬业", "严以律己", "以诚待人", "积极工作的心态", "创造性思维", "持续学习")),
              event(4, "g2", "attendance.late", "2026-11-05 09:10")]
    out = month_of_everyone("2026-11", events, people, table)
    assert (out["g1"].score, out["g1"].rating) == (Decimal("80"), "良好")
    assert (out["g2"].points_lost, out["g2"].score, out["g2"].rating) == (Decimal("21"), Decimal("79"), "合格")


def test_score_never_falls_below_zero(table):
    """Eleven absences from post are 110 points: the score stops at 0, rated 不合格."""
    people = roster(staff("g1", "guide"))
    events = [event(i, "g1", "attendance.absent_post", f"2026-11-{i + 1:02d} 11:00") for i in range(1, 12)]
    s = month_of_everyone("2026-11", events, people, table)["g1"]
    assert s.points_lost == Decimal("110")
    assert s.score == Decimal("0")
    assert s.rating == "不合格"


def test_rewards_are_paid_on_top_and_not_capped(table):
    """Rewards are summed apart, never part of due, and paid even when the cap is 0 and fines carry."""
    people = roster(staff("m1", "marketing", base="2500"))
    events = [event(1, "m1", "marketing.insert_duty", "2026-11-02 10:00"),
              event(2, "m1", "marketing.insert_duty", "2026-11-09 10:00"),
              event(3, "m1", "marketing.ad_notice", "2026-11-10 10:00")]
    s = month_of_everyone("2026-11", events, people, table)["m1"]
    assert s.rewards == Decimal("40.00")
    assert s.fines == Decimal("50.00")
    assert s.due == Decimal("50.00")
    assert s.cap == Decimal("0.00")
    assert s.deducted == Decimal("0.00")
    assert s.carried_out == Decimal("50.00")


def test_supervisor_doubling_lands_on_the_supervisors_statement(table):
    """Regulations example 3: the guide loses 6 points, the store lead 12 on a separate line of their own."""
    people = roster(staff("L1", "store_lead"), staff("g1", "guide", supervisor="L1"))
    events = [event(1, "g1", "duty.cleanup", "2026-11-02 09:20", count=2, lapse=True)]
    out = month_of_everyone("2026-11", events, people, table)
    assert out["g1"].points_lost == Decimal("6")
    assert out["g1"].score == Decimal("94")
    lead = out["L1"]
    assert lead.points_lost == Decimal("12")
    assert lead.score == Decimal("88")
    assert lead.rating == "良好"
    assert [(ln.event_id, ln.points) for ln in lead.lines] == [(1, Decimal("12"))]
    assert lead.lines[0].explanation.startswith("supervision lapse: 2 × 6 points for g1's")


# ─── who gets a statement ───────────────────────────────────────────────────────────────────────


def test_everyone_on_the_roster_gets_a_statement(table):
    """Staff with no events still get a clean statement: score 100, 优秀, all sums 0.00, no lines."""
    people = roster(staff("g1", "guide"), staff("g2", "guide", store="S2"), staff("L1", "store_lead"))
    out = month_of_everyone("2026-11", [event(1, "g1", "attendance.late", "2026-11-02 09:10")], people, table)
    assert set(out) == {"g1", "g2", "L1"}
    quiet = out["g2"]
    assert (quiet.points_lost, quiet.score, quiet.rating) == (Decimal("0"), Decimal("100"), "优秀")
    for field in ("fines", "compensation", "salary_penalties", "cost_recovery", "rewards", "due", "carried_in",
                  "deducted", "carried_out"):
        assert getattr(quiet, field) == Decimal("0.00"), field
    assert quiet.lines == () and quiet.dispositions == ()


def test_everyone_gets_a_statement_in_a_month_with_no_events_at_all(table):
    """An empty log still gives one statement per person, ordered by store then id."""
    people = roster(staff("b", "guide", store="S2"), staff("a", "guide", store="S2"), staff("z", "guide"))
    out = statements("2026-11", charges=(), roster=people, table=table, frozen={})
    assert [s.staff_id for s in out] == ["z", "a", "b"]


def test_a_leavers_balance_is_owed_on_the_final_statement_not_carried(table):
    """Left 2026-11-20: paid for 15 workdays (2–6, 9–13, 16–20), 6000 × 15 ÷ 21.75 = 4137.93; the minimum wage
    for them 2740 × 15 ÷ 21.75 = 1889.66; cap min(20 % = 827.59, 2248.27) = 827.59. A 1500 fine: 827.59
    deducted, 672.41 outstanding on the final statement, nothing carried: December has no statement for k1.
    (Before issue 14, the cap was 1200 on the whole wage and 300 carried into months with no wage.)"""
    people = roster(staff("k1", "key_account", base="6000", left=dt.date(2026, 11, 20)))
    events = [gift(1, "k1", "2026-11-10 10:00", "150")]
    nov = month_of_everyone("2026-11", events, people, table)["k1"]
    assert (nov.wage, nov.paid_days, nov.payable_wage, nov.payable_minimum, nov.cap, nov.deducted, nov.carried_out,
            nov.outstanding) == (Decimal("6000.00"), 15, Decimal("4137.93"), Decimal("1889.66"), Decimal("827.59"),
                                 Decimal("827.59"), Decimal("0.00"), Decimal("672.41"))
    assert "k1" not in month_of_everyone("2026-12", events, people, table)


def test_leaver_with_nothing_open_does_not_appear(table):
    """Left in January with nothing owed: not on November's statements; a settled leaver drops off too."""
    people = roster(staff("g1", "guide"), staff("old", "guide", left=dt.date(2026, 1, 31)),
                    staff("k2", "key_account", left=dt.date(2026, 10, 15)))
    events = [event(1, "k2", "office.file_late", "2026-10-02 10:00"),
              event(2, "g1", "attendance.late", "2026-11-02 09:10")]
    oct_ = month_of_everyone("2026-10", events, people, table)
    assert set(oct_) == {"g1", "k2"}
    assert oct_["k2"].carried_out == Decimal("0.00")
    nov = month_of_everyone("2026-11", events, people, table)
    assert set(nov) == {"g1"}


# ─── dispositions and lines ─────────────────────────────────────────────────────────────────────


def test_dispositions_listed_with_rule_key_time_and_event(table):
    """The 3rd lateness of the month reaches dismissal_recommended: listed with rule, key, time and event id."""
    people = roster(staff("c1", "consultant"))
    events = [event(7, "c1", "showroom.late", "2026-11-03 08:40"), event(8, "c1", "showroom.late", "2026-11-10 08:40"),
              event(9, "c1", "showroom.late", "2026-11-17 08:40")]
    s = month_of_everyone("2026-11", events, people, table)["c1"]
    assert s.dispositions == (("showroom.late", "dismissal_recommended", at("2026-11-17 08:40"), 9),)
    assert s.fines == Decimal("100.00")


def test_lines_in_time_order_with_explanations(table):
    """Lines come in time order (not id order), each with event id, rule, kind, amount and plain words."""
    people = roster(staff("c1", "consultant"))
    events = [event(3, "c1", "showroom.late", "2026-11-03 08:40"),
              event(1, "c1", "showroom.toolkit", "2026-11-12 14:00", items=("订单", "金融资料", "资料摘要")),
              event(2, "c1", "showroom.late", "2026-11-10 08:40")]
    s = month_of_everyone("2026-11", events, people, table)["c1"]
    assert [(ln.event_id, ln.at, ln.rule, ln.kind, ln.amount) for ln in s.lines] == [
        (3, at("2026-11-03 08:40"), "showroom.late", "fine", Decimal("20.00")),
        (2, at("2026-11-10 08:40"), "showroom.late", "fine", Decimal("40.00")),
        (1, at("2026-11-12 14:00"), "showroom.toolkit", "fine", Decimal("60.00")),
    ]
    assert s.lines[0].explanation == "1st lateness in 2026-11 → 20 yuan"
    assert s.lines[1].explanation == "2nd lateness in 2026-11 → 40 yuan"
    assert "3 items (订单, 金融资料, 资料摘要) × 20 yuan = 60.00 yuan" in s.lines[2].explanation
    assert s.lines[0].rule_name == "迟到"
    assert s.fines == Decimal("120.00")


# ─── month boundaries ───────────────────────────────────────────────────────────────────────────


def test_month_boundary_is_local_midnight_and_the_ladder_restarts(table):
    """23:59 on 30 November is November's 2nd lateness (40); 00:00 on 1 December is December's 1st (20)."""
    people = roster(staff("c1", "consultant"))
    events = [event(1, "c1", "showroom.late", "2026-11-03 08:40"),
              event(2, "c1", "showroom.late", "2026-11-30 23:59"),
              event(3, "c1", "showroom.late", "2026-12-01 00:00")]
    nov = month_of_everyone("2026-11", events, people, table)["c1"]
    assert [ln.event_id for ln in nov.lines] == [1, 2]
    assert nov.fines == Decimal("60.00")
    dec = month_of_everyone("2026-12", events, people, table)["c1"]
    assert [(ln.event_id, ln.amount) for ln in dec.lines] == [(3, Decimal("20.00"))]
    assert dec.lines[0].explanation == "1st lateness in 2026-12 → 20 yuan"


def test_month_of_uses_shanghai_time_not_utc(table):
    """16:00 UTC on 30 November is 00:00 on 1 December in Shanghai, so the charge is December's."""
    utc_midnight_local = dt.datetime(2026, 11, 30, 16, 0, tzinfo=dt.UTC)
    assert payroll.month_of(utc_midnight_local, table) == "2026-12"
    assert payroll.month_of(utc_midnight_local - dt.timedelta(minutes=1), table) == "2026-11"
    people = roster(staff("g1", "guide"))
    late = attrs.evolve(event(1, "g1", "attendance.late", "2026-11-02 09:10"), at=utc_midnight_local)
    out = month_of_everyone("2026-12", [late], people, table)["g1"]
    assert out.points_lost == Decimal("3")
    assert month_of_everyone("2026-11", [late], people, table)["g1"].lines == ()


# ─── closed months ──────────────────────────────────────────────────────────────────────────────


def closed_november(table):
    """The gift case, frozen: November deducted 1200 and carried 300."""
    people = roster(staff("k1", "key_account", base="6000"))
    events = [gift(1, "k1", "2026-11-10 10:00", "150")]
    priced = price(events, table, people)
    nov = statements("2026-11", charges=priced.charges, roster=people, table=table, frozen={})
    return people, events, nov


def test_frozen_month_is_returned_unchanged(table):
    """A closed month's statements come back exactly as frozen, whatever the log now says."""
    people, events, nov = closed_november(table)
    more = [*events, gift(2, "k1", "2026-11-20 10:00", "10"), event(3, "k1", "office.file_late", "2026-11-21 10:00")]
    priced = price(more, table, people)
    again = statements("2026-11", charges=priced.charges, roster=people, table=table, frozen={"2026-11": nov})
    assert again == nov
    assert again[0].fines == Decimal("1500.00")
    recomputed = statements("2026-11", charges=priced.charges, roster=people, table=table, frozen={})
    assert recomputed[0].fines == Decimal("1610.00")


def test_carry_continues_from_a_frozen_months_carried_out(table):
    """December's carried_in is the frozen November's carried_out, not a replay of today's log."""
    people, _, nov = closed_november(table)
    dec = statements("2026-12", charges=(), roster=people, table=table, frozen={"2026-11": nov})
    assert dec[0].carried_in == Decimal("300.00")
    assert dec[0].deducted == Decimal("300.00")
    doctored = [attrs.evolve(nov[0], carried_out=Decimal("123.45"))]
    dec = statements("2026-12", charges=(), roster=people, table=table, frozen={"2026-11": doctored})
    assert dec[0].carried_in == Decimal("123.45")
    assert dec[0].carried_out == Decimal("0.00")


def test_carry_passes_through_several_frozen_and_open_months(table):
    """Serious grab frozen in November (3500 carried); December open (1000 deducted); January sees 2500."""
    people = roster(staff("c1", "consultant", base="4000", bonus="1000"))
    events = [event(1, "c1", "sales.customer_grab", "2026-11-05 15:00", outcome="serious")]
    priced = price(events, table, people)
    nov = statements("2026-11", charges=priced.charges, roster=people, table=table, frozen={})
    jan = statements("2027-01", charges=(), roster=people, table=table, frozen={"2026-11": nov})
    assert (jan[0].carried_in, jan[0].deducted, jan[0].carried_out) == (
        Decimal("2500.00"), Decimal("1000.00"), Decimal("1500.00"))


def test_reversal_posts_negated_lines_into_the_open_month(table):
    """Voiding the closed 1500 fine posts −1500 into December: the 300 carried cancels and 1200 is paid back."""
    people, _, nov = closed_november(table)
    frozen_line = nov[0].lines[0]
    void = Reversal(month="2026-12", event_id=1, at=at("2026-12-05 10:00"), reason="appeal upheld",
                    lines=(("k1", frozen_line),))
    dec = statements("2026-12", charges=(), roster=people, table=table, frozen={"2026-11": nov},
                     reversals=[void])[0]
    assert len(dec.lines) == 1
    line = dec.lines[0]
    assert (line.event_id, line.kind, line.amount, line.at) == (1, "fine", Decimal("-1500.00"),
                                                                 at("2026-12-05 10:00"))
    assert line.explanation == "reversal of event 1 of 2026-11-10 after payroll (appeal upheld)"
    assert dec.fines == Decimal("-1500.00")
    assert dec.due == Decimal("-1500.00")
    assert dec.carried_in == Decimal("300.00")
    assert dec.deducted == Decimal("-1200.00")
    assert dec.carried_out == Decimal("0.00")


def test_reversal_of_points_and_disposition(table):
    """Reversing a 3rd lateness: −40 fine line and a 'withdrawn' note; no disposition in the new month."""
    people = roster(staff("c1", "consultant"))
    events = [event(i, "c1", "showroom.late", f"2026-11-{d:02d} 08:40") for i, d in ((1, 3), (2, 10), (3, 17))]
    priced = price(events, table, people)
    nov = statements("2026-11", charges=priced.charges, roster=people, table=table, frozen={})
    third = [(s.staff_id, ln) for s in nov for ln in s.lines if ln.event_id == 3]
    assert [ln.kind for _, ln in third] == ["fine", "disposition"]
    void = Reversal(month="2026-12", event_id=3, at=at("2026-12-02 09:00"), reason="", lines=tuple(third))
    dec = statements("2026-12", charges=price(events[:2], table, people).charges, roster=people, table=table,
                     frozen={"2026-11": nov}, reversals=[void])[0]
    assert [(ln.kind, ln.amount, ln.disposition) for ln in dec.lines] == [
        ("fine", Decimal("-40.00"), None), ("note", Decimal("0.00"), None)]
    assert dec.lines[0].explanation == "reversal of event 3 of 2026-11-17 after payroll"
    assert dec.lines[1].explanation == "withdrawn: 3rd lateness in 2026-11 → dismissal recommended"
    assert dec.dispositions == ()
    assert dec.fines == Decimal("-40.00")
    assert dec.deducted == Decimal("-40.00")


def test_json_round_trip_is_exact(table):
    """to_json → json text → from_json gives the same statement, and to_json of that gives the same dict."""
    people = roster(staff("L1", "group_leader"), staff("c1", "consultant", supervisor="L1", base="6000"))
    events = [event(1, "c1", "showroom.late", "2026-11-03 08:40"), event(2, "c1", "showroom.late", "2026-11-10 08:40"),
              event(3, "c1", "showroom.late", "2026-11-17 08:40"), event(7, "c1", "attendance.late", "2026-11-18 09:10",
                                                                        lapse=True),
              gift(4, "c1", "2026-11-20 10:00", "150"),
              event(5, "c1", "office.badge", "2026-11-21 10:00", outcome="damaged"),
              event(6, "c1", "marketing.insert_duty", "2026-11-22 10:00")]
    for s in month_of_everyone("2026-11", events, people, table).values():
        data = to_json(s)
        text = json.dumps(data, ensure_ascii=False)
        back = from_json(json.loads(text))
        assert back == s
        assert to_json(back) == data
        assert json.dumps(to_json(back), ensure_ascii=False) == text


def test_json_money_fields_are_two_decimal_strings(table):
    """Every money field, top-level and per line, is a string with exactly two decimals; contract keys present."""
    people = roster(staff("c1", "consultant", base="6000"))
    events = [event(1, "c1", "showroom.late", "2026-11-03 08:40"), event(2, "c1", "showroom.late", "2026-11-10 08:40"),
              event(3, "c1", "showroom.late", "2026-11-17 08:40"), gift(4, "c1", "2026-11-20 10:00", "150"),
              event(5, "c1", "office.badge", "2026-11-21 10:00", outcome="damaged")]
    data = to_json(month_of_everyone("2026-11", events, people, table)["c1"])
    contract = {"staff_id", "name", "store", "role", "month", "points_lost", "score", "rating", "fines",
                "compensation", "salary_penalties", "cost_recovery", "rewards", "due", "carried_in", "deducted",
                "carried_out", "dispositions", "lines"}
    assert contract <= set(data)
    for field in MONEY_FIELDS:
        assert isinstance(data[field], str) and TWO_DECIMALS.match(data[field]), field
    assert data["fines"] == "1600.00"
    assert data["cost_recovery"] == "1.50"
    assert data["deducted"] == "1200.00"
    assert data["carried_out"] == "401.50"
    assert data["dispositions"] == [{"rule": "showroom.late", "disposition": "dismissal_recommended",
                                     "at": "2026-11-17T08:40:00+08:00", "event_id": 3}]
    for line in data["lines"]:
        assert {"event_id", "at", "rule", "kind", "points", "amount", "explanation"} <= set(line)
        assert isinstance(line["amount"], str) and TWO_DECIMALS.match(line["amount"])
    assert [line["amount"] for line in data["lines"]] == ["20.00", "40.00", "40.00", "0.00", "1500.00", "1.50"]
