"""The pure rule engine priced against the shipped rules.toml.

Every expected figure below is worked out by hand from /work/shared/regulations.md (the row's
amount, the "Default interpretations" and the worked examples), not copied from the engine's output.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from conftest import event, roster, staff
from hypothesis import given, settings
from hypothesis import strategies as st

from discipline import engine
from discipline.engine import price
from discipline.model import DisciplineError, Event
from discipline.rules import load_rules
from discipline.wording import said_of

D = Decimal
REGULATIONS = Path(__file__).resolve().parents[2] / "shared" / "regulations.md"
TOOLKIT = ("资料", "名片", "订单", "试乘试驾协议", "签字笔", "保险相关", "金融资料", "资料摘要")

# A store (S1) and a showroom (SR). Supervisors: g1 → lead → ma; consultants → their group leader → sm.
PEOPLE = roster(
    staff("g1", "guide", store="S1", supervisor="lead"),
    staff("g2", "guide", store="S1", supervisor="lead"),
    staff("lead", "store_lead", store="S1", supervisor="ma"),
    staff("ma", "manager_assistant", store="S1"),
    staff("c1", "consultant", store="SR", team="A", supervisor="glA", base="3045", bonus="1000"),
    staff("c2", "consultant", store="SR", team="B", supervisor="glB"),
    staff("c3", "consultant", store="SR", team="A", supervisor="glA", base="4000", bonus="1000"),
    staff("glA", "group_leader", store="SR", team="A", supervisor="sm"),
    staff("glB", "group_leader", store="SR", team="B", supervisor="sm"),
    staff("sm", "sales_manager", store="SR"),
    staff("sa", "sales_assistant", store="SR", supervisor="sm"),
    staff("f1", "five_s", store="SR", supervisor="sm"),
    staff("ka", "key_account", store="SR", supervisor="sm"),
    staff("mk", "marketing", store="SR", supervisor="sm"),
    staff("cl", "clerk", store="SR", supervisor="sm"),
)


def priced(events, table, people=PEOPLE):
    """Price and insist nothing went wrong."""
    result = price(events, table, people)
    assert result.problems == ()
    return result.charges


def lines(charges):
    """Charges as comparable tuples: (event, payer, kind, points, amount, disposition)."""
    return [(c.event_id, c.staff_id, c.kind, c.points, c.amount, c.disposition) for c in charges]


def fines(charges, staff_id=None):
    return [c.amount for c in charges if c.kind == "fine" and (staff_id is None or c.staff_id == staff_id)]


def dispositions(charges):
    return [(c.event_id, c.disposition) for c in charges if c.kind == "disposition"]


def custom_table(tmp_path, rules_toml: str):
    """A small rule table of our own, written to a file and loaded like any company's."""
    path = tmp_path / "rules.toml"
    path.write_text(
        '[roles]\nconsultant = { zh = "销售顾问", en = "Sales consultant" }\n\n'
        '[dispositions]\nwarning = { zh = "警告", en = "Warning" }\n\n'
        '[[rating]]\nmin_score = 0\nzh = "合格"\nen = "Satisfactory"\n\n' + rules_toml,
        encoding="utf-8",
    )
    return load_rules(path)


# ─── Every regulation row with an amount, priced with its exact figure ─────────────────────────

P, F, COMP, SAL, COST, REW, DISP = "points", "fine", "compensation", "salary", "cost", "reward", "disposition"

# (code, offender, options, [(payer, kind, points, amount, disposition)])
ROWS = [
    # A. Store floor policy: points per breach
    ("conduct.quality", "g1", {"items": ("爱岗敬业", "持续学习")}, [("g1", P, "6", "0", None)]),
    ("conduct.civility", "g1", {"items": ("着装", "工牌")}, [("g1", P, "6", "0", None)]),
    ("conduct.grooming", "g1", {"items": ("发型", "站姿", "坐姿")}, [("g1", P, "9", "0", None)]),
    ("attendance.morning_meeting", "g1", {"count": 2}, [("g1", P, "6", "0", None)]),
    ("attendance.morning_meeting", "g1", {}, [("g1", P, "3", "0", None)]),
    ("duty.cleanup", "g1", {"count": 2}, [("g1", P, "6", "0", None)]),
    ("duty.closing", "g1", {"count": 3}, [("g1", P, "9", "0", None)]),
    ("duty.unfinished", "g1", {"loss": D("150")}, [("g1", P, "3", "0", None), ("g1", COMP, "0", "150.00", None)]),
    ("attendance.late", "g1", {}, [("g1", P, "3", "0", None)]),
    ("attendance.early_leave", "g1", {}, [("g1", P, "3", "0", None)]),
    ("attendance.absent_post", "g1", {}, [("g1", P, "10", "0", None)]),
    ("conduct.private_business", "g1", {}, [("g1", P, "3", "0", None)]),
    ("conduct.off_post", "g1", {}, [("g1", P, "3", "0", None)]),
    ("conduct.teamwork", "g1", {}, [("g1", P, "3", "0", None)]),
    ("conduct.reception", "g1", {}, [("g1", P, "3", "0", None)]),
    ("conduct.complaining", "g1", {}, [("g1", P, "3", "0", None)]),
    # Absenteeism (default interpretation): base 3045 ÷ 21.75 = 140.00 a day, 2 days = 280.00
    ("attendance.absenteeism", "c1", {"count": 2}, [("c1", SAL, "0", "280.00", None)]),
    # B. Showroom sales policy: yuan
    ("showroom.grooming_meeting", "c1", {}, [("c1", F, "0", "20.00", None)]),
    ("showroom.after_meeting", "c1", {}, [("c1", F, "0", "20.00", None)]),
    ("showroom.desk", "c1", {}, [("c1", F, "0", "20.00", None)]),
    ("showroom.late", "c1", {}, [("c1", F, "0", "20.00", None)]),
    ("showroom.early_leave", "c1", {}, [("c1", F, "0", "20.00", None)]),
    ("showroom.private_errand", "c1", {}, [("c1", F, "0", "20.00", None)]),
    ("showroom.cleanup_reception", "c1", {}, [("c1", F, "0", "10.00", None)]),
    ("showroom.phone", "c1", {}, [("c1", F, "0", "10.00", None)]),
    ("showroom.phone_quote", "c1", {}, [("c1", F, "0", "20.00", None)]),
    ("showroom.absent_post", "c1", {}, [("c1", F, "0", "20.00", None)]),
    ("showroom.meeting_phone", "c1", {}, [("c1", F, "0", "20.00", None)]),
    ("showroom.meeting_absent", "c1", {}, [("c1", SAL, "0", "140.00", None)]),
    ("showroom.meeting_absent", "c1", {"outcome": "dismissal"}, [("c1", DISP, "0", "0", "dismissal")]),
    ("showroom.meeting_late", "c1", {}, [("c1", F, "0", "20.00", None)]),
    ("showroom.misconduct", "c1", {}, [("c1", F, "0", "50.00", None)]),
    ("showroom.smoking_break", "c1", {}, [("c1", F, "0", "20.00", None)]),
    ("showroom.after_hours", "c1", {}, [("c1", F, "0", "100.00", None)]),
    ("showroom.horseplay", "c1", {}, [("c1", F, "0", "50.00", None)]),
    ("showroom.customer_quarrel", "c1", {}, [("c1", DISP, "0", "0", "dismissal_recommended")]),
    ("showroom.sales_process", "c1", {}, [("c1", F, "0", "100.00", None)]),
    ("showroom.greeting", "c1", {"count": 3}, [("c1", F, "0", "30.00", None)]),
    ("showroom.smile", "sa", {}, [("sa", F, "0", "20.00", None)]),
    ("showroom.evaluation_missed", "glA", {"count": 2}, [("glA", F, "0", "200.00", None)]),
    ("showroom.sales_task", "c1", {}, [("c1", F, "0", "200.00", None)]),
    ("showroom.sales_task", "c1", {"outcome": "dismissal"}, [("c1", DISP, "0", "0", "dismissal_recommended")]),
    ("showroom.front_desk", "c1", {}, [("f1", F, "0", "50.00", None)]),
    ("showroom.toolkit", "c1", {"items": ("订单",)}, [("c1", F, "0", "20.00", None)]),
    ("showroom.sales_log", "c1", {}, [("c1", F, "0", "50.00", None)]),
    ("showroom.posture", "c1", {}, [("c1", F, "0", "20.00", None)]),
    ("customer.duplicate_card", "c1", {"count": 2}, [("c1", F, "0", "40.00", None)]),
    ("customer.falsified", "c1", {}, [("c1", DISP, "0", "0", "dismissal")]),
    ("customer.card_destroyed", "c1", {"count": 1}, [("c1", F, "0", "20.00", None)]),
    ("customer.first_sms", "c1", {"count": 2}, [("c1", F, "0", "40.00", None)]),
    ("customer.phone_script", "f1", {}, [("f1", F, "0", "20.00", None)]),
    ("keyaccount.gift_undelivered", "ka", {"value": D("80")}, [("ka", F, "0", "800.00", None)]),
    ("keyaccount.daily_quota", "ka", {"count": 3}, [("ka", F, "0", "60.00", None)]),
    ("keyaccount.false_report", "ka", {}, [("ka", F, "0", "100.00", None)]),
    ("keyaccount.late_departure", "ka", {}, [("ka", F, "0", "50.00", None)]),
    ("keyaccount.reports", "ka", {}, [("ka", F, "0", "50.00", None)]),
    ("marketing.roadshow", "mk", {}, [("mk", F, "0", "50.00", None)]),
    ("marketing.roadshow_leads", "c1", {"count": 2}, [("c1", F, "0", "40.00", None)]),
    ("marketing.promotion", "c1", {}, [("c1", F, "0", "10.00", None)]),
    ("marketing.promotion", "glA", {}, [("glA", F, "0", "50.00", None)]),
    ("marketing.insert_failure", "c1", {}, [("c1", F, "0", "100.00", None)]),
    ("marketing.insert_duty", "c1", {}, [("c1", REW, "0", "20.00", None)]),
    ("marketing.pc_use", "c1", {}, [("c1", F, "0", "100.00", None)]),
    ("marketing.source_mismatch", "c1", {}, [("c1", F, "0", "20.00", None)]),
    ("marketing.customer_swap", "c1", {}, [("c1", F, "0", "100.00", None)]),
    ("marketing.ad_notice", "mk", {}, [("mk", F, "0", "50.00", None)]),
    ("vehicle.stock_report", "f1", {}, [("f1", F, "0", "50.00", None)]),
    ("vehicle.key_lost", "f1", {"loss": D("35")}, [("f1", F, "0", "50.00", None), ("f1", COMP, "0", "35.00", None)]),
    ("vehicle.window_open", "c1", {}, [("c1", F, "0", "20.00", None)]),
    ("vehicle.transfer_damage", "c1", {"value": D("1200")}, [("c1", COMP, "0", "600.00", None)]),
    ("vehicle.unauthorised_use", "c1", {}, [("c1", F, "0", "100.00", None)]),
    ("testdrive.key_register", "c1", {}, [("c1", F, "0", "20.00", None)]),
    ("testdrive.paperwork", "c1", {}, [("c1", F, "0", "20.00", None)]),
    ("testdrive.key_held", "c1", {}, [("c1", F, "0", "10.00", None)]),
    ("testdrive.window_open", "c1", {}, [("c1", F, "0", "20.00", None)]),
    ("testdrive.window_open", "team:B", {}, [("glB", F, "0", "20.00", None)]),
    ("vehicle.early_release", "c1", {}, [("c1", F, "0", "50.00", None)]),
    ("vehicle.stock_overdue", "sa", {"count": 3}, [("sa", F, "0", "150.00", None)]),
    ("vehicle.lunch_post", "f1", {}, [("f1", F, "0", "50.00", None)]),
    ("vehicle.tools_lost", "c1", {"count": 2}, [("sa", F, "0", "100.00", None)]),
    ("vehicle.board", "sa", {}, [("sa", F, "0", "20.00", None)]),
    ("vehicle.hygiene", "f1", {"count": 2}, [("f1", F, "0", "100.00", None)]),
    ("vehicle.warehouse_visit", "c1", {}, [("f1", F, "0", "50.00", None)]),
    ("office.badge", "c1", {"outcome": "damaged"}, [("c1", COST, "0", "1.50", None)]),
    ("office.badge", "c1", {"outcome": "lost"}, [("c1", COST, "0", "10.00", None)]),
    ("office.borrow_late", "c1", {}, [("c1", F, "0", "10.00", None)]),
    ("office.borrow_late", "c1", {"outcome": "lost", "loss": D("25")}, [("c1", COMP, "0", "25.00", None)]),
    ("office.gift_unregistered", "c1", {}, [("c1", F, "0", "50.00", None)]),
    ("office.delivery_docs", "c1", {}, [("c1", F, "0", "50.00", None)]),
    ("office.file_late", "c1", {}, [("c1", F, "0", "10.00", None)]),
    ("office.file_lost", "c1", {}, [("c1", F, "0", "50.00", None)]),
    ("office.manual_lost", "c1", {"loss": D("80")},
     [("c1", F, "0", "50.00", None), ("c1", COMP, "0", "80.00", None)]),
    ("office.negligence", "cl", {"loss": D("300")},
     [("cl", F, "0", "100.00", None), ("cl", COMP, "0", "300.00", None)]),
    # C. Dispositions and salary-based penalties
    ("uniform.noncompliant", "c1", {}, [("c1", DISP, "0", "0", "oral_warning")]),
    ("uniform.noncompliant", "c1", {"outcome": "serious"}, [("c1", DISP, "0", "0", "written_warning")]),
    ("uniform.not_returned", "c1", {"value": D("150")}, [("c1", COMP, "0", "90.00", None)]),
    # base 4000 ÷ 21.75 = 183.908… → 183.91; serious: 4000 + 50 % × 1000 = 4500.00
    ("sales.customer_grab", "c3", {}, [("c3", SAL, "0", "183.91", None)]),
    ("sales.customer_grab", "c3", {"outcome": "serious"}, [("c3", SAL, "0", "4500.00", None)]),
    ("sales.provoking", "c3", {}, [("c3", SAL, "0", "500.00", None), ("c3", DISP, "0", "0", "dismissal")]),
]


def _row_id(row):
    code, offender, options, _ = row
    extra = ",".join(f"{k}={v}" for k, v in options.items() if k in ("outcome", "count"))
    return f"{code}[{offender}{',' + extra if extra else ''}]"


@pytest.mark.parametrize(("code", "offender", "options", "expected"), ROWS, ids=[_row_id(r) for r in ROWS])
def test_every_rule_prices_its_regulation_figure(table, code, offender, options, expected):
    """One occurrence of each rule costs exactly what its regulations.md row says, to the right person."""
    charges = priced([event(1, offender, code, "2026-11-03 10:00", **options)], table)
    want = [(1, payer, kind, D(points), D(amount), disp) for payer, kind, points, amount, disp in expected]
    assert sorted(lines(charges), key=repr) == sorted(want, key=repr)
    for charge in charges:
        assert isinstance(charge.amount, Decimal) and isinstance(charge.points, Decimal)
        assert charge.amount.as_tuple().exponent == -2, "money is exact to the fen"
        assert charge.explanation, "every line says why it cost what it cost"


def _regulation_codes() -> set[str]:
    text = REGULATIONS.read_text(encoding="utf-8")
    return set(re.findall(r"^\|\s*`([a-z_]+\.[a-z_]+)`\s*\|", text, flags=re.MULTILINE)) - {"marketing.referral"}


@pytest.mark.skipif(not REGULATIONS.exists(), reason="../shared/regulations.md is not beside the project")
def test_table_test_covers_every_regulation_row():
    """The parametrized table above prices every code of regulations.md that carries an amount."""
    codes = _regulation_codes()
    assert len(codes) > 80
    assert codes - {row[0] for row in ROWS} == set()


# ─── The worked examples of regulations.md ──────────────────────────────────────────────────────

def test_example_1_lateness_ladder_and_void(table):
    """Example 1: late 3rd, 10th, 17th → 20, 40, 40 + dismissal recommended; void the 10th → 20, 40, no disposition."""
    log = [event(1, "c1", "showroom.late", "2026-11-03 08:42"),
           event(2, "c1", "showroom.late", "2026-11-10 08:35"),
           event(3, "c1", "showroom.late", "2026-11-17 08:50")]
    charges = priced(log, table)
    assert fines(charges) == [D("20.00"), D("40.00"), D("40.00")]
    assert dispositions(charges) == [(3, "dismissal_recommended")]

    log[1] = attrs.evolve(log[1], voided=True)
    charges = priced(log, table)
    assert [(c.event_id, c.amount) for c in charges if c.kind == "fine"] == [(1, D("20.00")), (3, D("40.00"))]
    assert dispositions(charges) == []
    assert "2nd lateness in 2026-11" in next(c.explanation for c in charges if c.event_id == 3)


def test_example_2_toolkit_three_items_and_unknown_item(table):
    """Example 2: 订单, 金融资料, 资料摘要 missing → 3 × 20 = 60; an unknown item is refused, listing the eight."""
    charges = priced([event(1, "c1", "showroom.toolkit", "2026-11-03 10:00",
                            items=("订单", "金融资料", "资料摘要"))], table)
    assert lines(charges) == [(1, "c1", "fine", D(0), D("60.00"), None)]
    assert "3 items (订单, 金融资料, 资料摘要) × 20 yuan = 60.00 yuan" in charges[0].explanation

    bad = event(2, "c1", "showroom.toolkit", "2026-11-03 10:00", items=("订单", "雨伞"))
    with pytest.raises(DisciplineError) as caught:
        engine.resolve(bad, table, PEOPLE)
    message = str(caught.value)
    assert "雨伞" in message
    assert all(item in message for item in TOOLKIT)


def test_example_3_cleanup_with_store_lead_lapse(table):
    """Example 3: guide misses two cleanup items with a lapse → guide loses 6 points, store lead 12."""
    charges = priced([event(1, "g1", "duty.cleanup", "2026-11-03 09:20", count=2, lapse=True)], table)
    assert lines(charges) == [(1, "g1", "points", D(6), D("0.00"), None),
                              (1, "lead", "points", D(12), D("0.00"), None)]
    assert "supervision lapse: 2 × 6 points for g1's" in charges[1].explanation


def test_example_4_window_open_team_b_group_leader_pays(table):
    """Example 4: test-drive window open, nobody identified, logged against team:B → team B's group leader pays 20."""
    charges = priced([event(1, "team:B", "testdrive.window_open", "2026-11-03 16:00")], table)
    assert lines(charges) == [(1, "glB", "fine", D(0), D("20.00"), None)]
    assert "team B's group_leader" in charges[0].explanation


def test_team_name_used_by_two_stores_goes_to_the_loggers_store(table):
    """Two showrooms both have a team B: team:B logged by a lead of the second store charges its leader."""
    people = roster(staff("m1", "sales_manager", store="SR1"), staff("b1", "group_leader", store="SR1", team="B"),
                    staff("m2", "sales_manager", store="SR2"), staff("b2", "group_leader", store="SR2", team="B"))
    logged = [event(1, "team:B", "testdrive.window_open", "2026-11-03 16:00", by="m2")]
    assert [(c.staff_id, c.amount) for c in price(logged, table, people).charges] == [("b2", D("20.00"))]
    nobody = [event(1, "team:B", "testdrive.window_open", "2026-11-03 16:00")]
    (problem,) = price(nobody, table, people).problems
    assert "several people (b1, b2)" in problem[1].en
    assert problem[1].zh == "B组的组长有多人（b1, b2）；请用 --charge 工号 指定由谁承担"


def test_example_5_gift_ten_times_value(table):
    """Example 5: a gift worth 80 not delivered → 10 × 80 = 800.00 yuan fine."""
    charges = priced([event(1, "ka", "keyaccount.gift_undelivered", "2026-11-03 10:00", value=D("80"))], table)
    assert lines(charges) == [(1, "ka", "fine", D(0), D("800.00"), None)]
    assert "10 × value 80.00 yuan = 800.00 yuan" in charges[0].explanation


def test_example_6_one_days_base_wage(table):
    """Example 6: base 3045 → one day's base wage 3045 ÷ 21.75 = 140.00 yuan (one day of absenteeism)."""
    charges = priced([event(1, "c1", "attendance.absenteeism", "2026-11-03 10:00")], table)
    assert lines(charges) == [(1, "c1", "salary", D(0), D("140.00"), None)]
    assert "3045.00 ÷ 21.75 = 140.00" in charges[0].explanation


# ─── The fifteen amount kinds ───────────────────────────────────────────────────────────────────

def test_kind_1_fixed_points(table):
    """Kind 1: absent from post costs a fixed 10 points, each time, with no ladder."""
    charges = priced([event(1, "g1", "attendance.absent_post", "2026-11-03 10:00"),
                      event(2, "g1", "attendance.absent_post", "2026-11-04 10:00")], table)
    assert [c.points for c in charges] == [D(10), D(10)]
    assert charges[0].explanation == "10 points"


def test_kind_2_fixed_money(table):
    """Kind 2: quoting by phone costs a fixed 20 yuan, the same the second time."""
    charges = priced([event(1, "c1", "showroom.phone_quote", "2026-11-03 10:00"),
                      event(2, "c1", "showroom.phone_quote", "2026-11-04 10:00")], table)
    assert fines(charges) == [D("20.00"), D("20.00")]


def test_kind_3_per_unit(table):
    """Kind 3: per unit: 100 per missed evaluation person-time × 3 = 300; 50 per overdue day × 4 = 200."""
    charges = priced([event(1, "glA", "showroom.evaluation_missed", "2026-11-03 10:00", count=3),
                      event(2, "sa", "vehicle.stock_overdue", "2026-11-03 10:00", count=4)], table)
    assert fines(charges) == [D("300.00"), D("200.00")]
    assert "3 person-times × 100 yuan = 300.00 yuan" in charges[0].explanation
    assert "4 days × 50 yuan = 200.00 yuan" in charges[1].explanation


def test_kind_3_per_unit_without_count_is_one_unit(table):
    """Kind 3: a per-card rule logged without --count is one card: 20 yuan."""
    charges = priced([event(1, "c1", "customer.duplicate_card", "2026-11-03 10:00")], table)
    assert fines(charges) == [D("20.00")]


def test_kind_4_escalation_ladder_repeats_last_step(table):
    """Kind 4: lateness ladder 20, 40, then 40 for the 3rd, 4th and 5th in the month."""
    log = [event(i, "c1", "showroom.late", f"2026-11-{i + 2:02d} 08:45") for i in range(1, 6)]
    assert fines(priced(log, table)) == [D("20.00"), D("40.00"), D("40.00"), D("40.00"), D("40.00")]


def test_kind_5_threshold_disposition_on_top_of_money(table):
    """Kind 5: false activity data: 100 each time, plus dismissal recommended from the 2nd."""
    charges = priced([event(1, "ka", "keyaccount.false_report", "2026-11-03 10:00"),
                      event(2, "ka", "keyaccount.false_report", "2026-11-05 10:00")], table)
    assert fines(charges) == [D("100.00"), D("100.00")]
    assert dispositions(charges) == [(2, "dismissal_recommended")]


def test_kind_6_multiple_of_a_value(table):
    """Kind 6: 50 % of a 1,234.50 repair = 617.25; 60 % of a 333.33 uniform = 199.998 → 200.00 (half-up to the fen)."""
    charges = priced([event(1, "c1", "vehicle.transfer_damage", "2026-11-03 10:00", value=D("1234.50")),
                      event(2, "c1", "uniform.not_returned", "2026-11-03 10:00", value=D("333.33"))], table)
    assert lines(charges) == [(1, "c1", "compensation", D(0), D("617.25"), None),
                              (2, "c1", "compensation", D(0), D("200.00"), None)]
    assert "50 % of 1234.50 yuan = 617.25 yuan" in charges[0].explanation
    assert "60 % of 333.33 yuan" in charges[1].explanation


def test_kind_7_compensation_kept_apart_from_the_fine(table):
    """Kind 7: a lost key is a 50 fine plus the key's cost 120.40 as a separate compensation line."""
    charges = priced([event(1, "f1", "vehicle.key_lost", "2026-11-03 10:00", loss=D("120.40"))], table)
    assert lines(charges) == [(1, "f1", "fine", D(0), D("50.00"), None),
                              (1, "f1", "compensation", D(0), D("120.40"), None)]


def test_kind_8_salary_based(table):
    """Kind 8: provoking costs 50 % of the month's bonus (1000 → 500.00) and dismissal."""
    charges = priced([event(1, "c1", "sales.provoking", "2026-11-03 10:00")], table)
    assert lines(charges) == [(1, "c1", "salary", D(0), D("500.00"), None),
                              (1, "c1", "disposition", D(0), D("0.00"), "dismissal")]


def test_kind_9_by_role(table):
    """Kind 9: promotion failure: consultant 10, group leader 50; any other role is a problem, not a guess."""
    charges = priced([event(1, "c1", "marketing.promotion", "2026-11-03 10:00"),
                      event(2, "glA", "marketing.promotion", "2026-11-03 10:00")], table)
    assert [(c.staff_id, c.amount) for c in charges] == [("c1", D("10.00")), ("glA", D("50.00"))]

    result = price([event(3, "mk", "marketing.promotion", "2026-11-03 10:00")], table, PEOPLE)
    assert result.charges == ()
    assert len(result.problems) == 1
    event_id, message = result.problems[0][0], result.problems[0][1].en
    assert event_id == 3
    assert "marketing" in message and "consultant" in message and "group_leader" in message


def doubling(table, *codes: str, kinds=("fine",)):
    """The table with a lapse doubling ``kinds`` under ``codes``: a company whose own wording doubles fines
    (the shipped table doubles only the store policy's points, as its handbook says)."""
    return attrs.evolve(table, rules=tuple(attrs.evolve(r, lapse=kinds) if r.code in codes else r
                                           for r in table.rules))


def test_a_lapse_is_refused_where_the_rules_wording_has_none(table):
    """The shipped table: no showroom rule's wording doubles anything, so a lapse there is a problem; the
    store policy doubles points only (absenteeism's day of wage is not doubled)."""
    result = price([event(1, "c1", "showroom.phone", "2026-11-03 10:00", lapse=True)], table, PEOPLE)
    assert result.charges == ()
    assert result.problems[0][1].en.startswith("rule showroom.phone has no supervision lapse in its wording")
    charges = priced([event(2, "g1", "attendance.absenteeism", "2026-11-03 10:00", lapse=True)], table)
    assert [c.staff_id for c in charges] == ["g1"]


def test_kind_10_supervisor_doubling_money(table):
    """Kind 10: a fine with a lapse where the table doubles fines: consultant 10, the group leader a separate
    2 × 10 = 20.00 line."""
    charges = priced([event(1, "c1", "showroom.phone", "2026-11-03 10:00", lapse=True)],
                     doubling(table, "showroom.phone"))
    assert lines(charges) == [(1, "c1", "fine", D(0), D("10.00"), None),
                              (1, "glA", "fine", D(0), D("20.00"), None)]
    assert charges[1].explanation.startswith("supervision lapse: 2 × 10.00 yuan for c1's")


def test_kind_10_supervisor_doubling_follows_the_ladder(table):
    """Kind 10: the lapse doubles what this occurrence cost: a 2nd lateness (40) gives the supervisor 80."""
    charges = priced([event(1, "c1", "showroom.late", "2026-11-03 08:45"),
                      event(2, "c1", "showroom.late", "2026-11-04 08:45", lapse=True)],
                     doubling(table, "showroom.late"))
    assert [(c.event_id, c.staff_id, c.amount) for c in charges] == [
        (1, "c1", D("20.00")), (2, "c1", D("40.00")), (2, "glA", D("80.00"))]


def test_kind_10_lapse_without_supervisor_is_a_problem(table):
    """Kind 10: a lapse for someone with no supervisor on the roster is a problem, not a silent no-op."""
    result = price([event(1, "ma", "attendance.late", "2026-11-03 09:10", lapse=True)], table, PEOPLE)
    assert result.charges == ()
    assert result.problems and "supervisor" in result.problems[0][1].en


def test_kind_11_liability_to_another_role(table):
    """Kind 11: a consultant's warehouse visit is paid by the store's 5S; lost tools (2 sets) by the sales assistant."""
    charges = priced([event(1, "c1", "vehicle.warehouse_visit", "2026-11-03 10:00"),
                      event(2, "c1", "vehicle.tools_lost", "2026-11-03 11:00", count=2)], table)
    assert lines(charges) == [(1, "f1", "fine", D(0), D("50.00"), None),
                              (2, "sa", "fine", D(0), D("100.00"), None)]
    assert "not the offender c1" in charges[0].explanation
    assert "2 sets × 50 yuan = 100.00 yuan" in charges[1].explanation


def test_kind_12_disposition_only(table):
    """Kind 12: a quarrel with a customer is a dismissal recommendation and no money."""
    charges = priced([event(1, "c1", "showroom.customer_quarrel", "2026-11-03 10:00")], table)
    assert lines(charges) == [(1, "c1", "disposition", D(0), D("0.00"), "dismissal_recommended")]


def test_kind_13_reward(table):
    """Kind 13: newspaper-insert duty done is a reward of 20 yuan, kind reward (adds to pay)."""
    charges = priced([event(1, "c1", "marketing.insert_duty", "2026-11-03 10:00")], table)
    assert lines(charges) == [(1, "c1", "reward", D(0), D("20.00"), None)]


def test_kind_14_counts_as_another_violation(table):
    """Kind 14: a smoking break over the limit is one showroom absent-post: 20 yuan, explained as such."""
    charges = priced([event(1, "c1", "showroom.smoking_break", "2026-11-03 10:00")], table)
    assert lines(charges) == [(1, "c1", "fine", D(0), D("20.00"), None)]
    assert charges[0].rule == "showroom.smoking_break"
    assert "counts as absent from post (showroom.absent_post)" in charges[0].explanation


def test_kind_15_choice_at_logging(table):
    """Kind 15: refusing a sales task: 200 yuan by default (or naming 'fine'), dismissal recommended when chosen."""
    charges = priced([event(1, "c1", "showroom.sales_task", "2026-11-03 10:00"),
                      event(2, "c2", "showroom.sales_task", "2026-11-03 10:00", outcome="fine"),
                      event(3, "c3", "showroom.sales_task", "2026-11-03 10:00", outcome="dismissal")], table)
    assert lines(charges) == [(1, "c1", "fine", D(0), D("200.00"), None),
                              (2, "c2", "fine", D(0), D("200.00"), None),
                              (3, "c3", "disposition", D(0), D("0.00"), "dismissal_recommended")]


# ─── Default interpretations ────────────────────────────────────────────────────────────────────

def test_default_ladders_early_leave_has_its_own_counter(table):
    """Ladders: early leave runs the same 20/40/40+dismissal ladder on a counter apart from lateness."""
    log = [event(1, "c1", "showroom.late", "2026-11-03 08:45"),
           event(2, "c1", "showroom.late", "2026-11-04 08:45"),
           event(3, "c1", "showroom.early_leave", "2026-11-05 17:00"),
           event(4, "c1", "showroom.early_leave", "2026-11-06 17:00"),
           event(5, "c1", "showroom.early_leave", "2026-11-07 17:00")]
    charges = priced(log, table)
    assert fines(charges) == [D("20.00"), D("40.00"), D("20.00"), D("40.00"), D("40.00")]
    assert dispositions(charges) == [(5, "dismissal_recommended")]


def test_default_counters_are_per_person(table):
    """Ladders: each person has their own counter; c2's first lateness is 20 after c1's two."""
    charges = priced([event(1, "c1", "showroom.late", "2026-11-03 08:45"),
                      event(2, "c1", "showroom.late", "2026-11-04 08:45"),
                      event(3, "c2", "showroom.late", "2026-11-05 08:45")], table)
    assert [(c.staff_id, c.amount) for c in charges] == [("c1", D("20.00")), ("c1", D("40.00")), ("c2", D("20.00"))]


def test_default_windows_month_resets_in_the_store_time_zone(table):
    """Windows: a new calendar month (Asia/Shanghai) restarts the ladder, even when the time is given in UTC."""
    utc = dt.UTC
    log = [event(1, "c1", "showroom.late", "2026-11-20 08:45"),
           event(2, "c1", "showroom.late", "2026-11-30 08:45"),
           # 16:40 UTC on 30 November is 00:40 on 1 December in Shanghai
           Event(id=3, staff="c1", rule="showroom.late", at=dt.datetime(2026, 11, 30, 16, 40, tzinfo=utc)),
           event(4, "c1", "showroom.late", "2026-12-02 08:45")]
    charges = priced(log, table)
    assert fines(charges) == [D("20.00"), D("40.00"), D("20.00"), D("40.00")]
    assert dispositions(charges) == []
    assert "1st lateness in 2026-12" in charges[2].explanation


def test_default_windows_ever_for_false_report_and_paperwork(table):
    """Windows: false reports and test-drive paperwork count over all time: a 2nd months later still triggers."""
    charges = priced([event(1, "ka", "keyaccount.false_report", "2026-01-10 10:00"),
                      event(2, "ka", "keyaccount.false_report", "2026-11-03 10:00"),
                      event(3, "c1", "testdrive.paperwork", "2025-12-30 10:00"),
                      event(4, "c1", "testdrive.paperwork", "2026-11-03 11:00")], table)
    assert dispositions(charges) == [(2, "dismissal_recommended"), (4, "dismissal_recommended")]
    assert fines(charges) == [D("20.00"), D("100.00"), D("100.00"), D("20.00")]
    assert "2nd test-drive paperwork incomplete ever" in charges[-1].explanation


def test_default_after_meeting_from_the_second_in_the_month(table):
    """Thresholds: after-meeting grooming is 20 each time, dismissal recommended from the 2nd; a new month resets."""
    charges = priced([event(1, "c1", "showroom.after_meeting", "2026-11-03 09:10"),
                      event(2, "c1", "showroom.after_meeting", "2026-11-20 09:10"),
                      event(3, "c1", "showroom.after_meeting", "2026-12-01 09:10")], table)
    assert fines(charges) == [D("20.00"), D("20.00"), D("20.00")]
    assert dispositions(charges) == [(2, "dismissal_recommended")]


def test_default_daily_quota_dismissal_from_the_sixth_in_the_month(table):
    """Thresholds: daily quota 20 per missing contact; dismissal only from the 6th occurrence in the month."""
    log = [event(i, "ka", "keyaccount.daily_quota", f"2026-11-{i + 1:02d} 18:00", count=i) for i in range(1, 7)]
    log.append(event(7, "ka", "keyaccount.daily_quota", "2026-12-01 18:00", count=1))
    charges = priced(log, table)
    # 1..6 missing contacts × 20, then December's first
    assert fines(charges) == [D("20.00"), D("40.00"), D("60.00"), D("80.00"), D("100.00"), D("120.00"),
                              D("20.00")]
    assert dispositions(charges) == [(6, "dismissal_recommended")]
    assert "6th daily prospecting quota missed in 2026-11" in charges[5].explanation
    assert "6 contacts × 20 yuan = 120.00 yuan" in charges[5].explanation


def test_default_grooming_meeting_feeds_the_lateness_ladder(table):
    """Counts as: dress at the meeting is a lateness: late, grooming, late → 20, 40, 40 + dismissal recommended."""
    charges = priced([event(1, "c1", "showroom.late", "2026-11-03 08:45"),
                      event(2, "c1", "showroom.grooming_meeting", "2026-11-04 08:30"),
                      event(3, "c1", "showroom.late", "2026-11-05 08:45")], table)
    assert fines(charges) == [D("20.00"), D("40.00"), D("40.00")]
    assert dispositions(charges) == [(3, "dismissal_recommended")]
    assert charges[1].rule == "showroom.grooming_meeting"
    assert "counts as lateness (showroom.late): 2nd lateness in 2026-11 → 40 yuan" in charges[1].explanation


def test_default_smoking_break_is_an_absent_post(table):
    """Counts as: smoking break is one showroom.absent_post at 20 yuan, logged under its own code."""
    charges = priced([event(1, "c1", "showroom.smoking_break", "2026-11-03 10:00"),
                      event(2, "c1", "showroom.absent_post", "2026-11-03 14:00")], table)
    assert fines(charges) == [D("20.00"), D("20.00")]
    assert [c.rule for c in charges] == ["showroom.smoking_break", "showroom.absent_post"]


def test_default_meeting_absent_is_absenteeism_unless_dismissal(table):
    """Counts as: missing the all-hands meeting costs one day's base wage (3045 → 140.00), or dismissal if chosen."""
    charges = priced([event(1, "c1", "showroom.meeting_absent", "2026-11-03 10:00"),
                      event(2, "c1", "showroom.meeting_absent", "2026-11-10 10:00", outcome="absenteeism"),
                      event(3, "c1", "showroom.meeting_absent", "2026-11-17 10:00", outcome="dismissal")], table)
    assert lines(charges) == [(1, "c1", "salary", D(0), D("140.00"), None),
                              (2, "c1", "salary", D(0), D("140.00"), None),
                              (3, "c1", "disposition", D(0), D("0.00"), "dismissal")]
    assert "counts as absenteeism (attendance.absenteeism)" in charges[0].explanation


def test_default_absenteeism_per_day_salary_based(table):
    """Absenteeism: one day's base wage per day absent: 3 days × 140.00 = 420.00, kind salary."""
    charges = priced([event(1, "c1", "attendance.absenteeism", "2026-11-03 10:00", count=3)], table)
    assert lines(charges) == [(1, "c1", "salary", D(0), D("420.00"), None)]
    assert "3 days" in charges[0].explanation


def test_default_customer_grab_normal_and_serious(table):
    """Outcomes: customer grab normal = one day (4000 ÷ 21.75 = 183.91); serious = 4000 + 50 % × 1000 = 4500.00."""
    charges = priced([event(1, "c3", "sales.customer_grab", "2026-11-03 10:00"),
                      event(2, "c3", "sales.customer_grab", "2026-11-04 10:00", outcome="normal"),
                      event(3, "c3", "sales.customer_grab", "2026-11-05 10:00", outcome="serious")], table)
    assert [c.amount for c in charges] == [D("183.91"), D("183.91"), D("4500.00")]
    serious = charges[2].explanation
    assert "4000.00" in serious and "500.00" in serious and serious.endswith("= 4500.00 yuan")


def test_default_uniform_oral_then_written_ever(table):
    """Outcomes: uniform 1st ever → oral warning, 2nd (a later month) → written warning; no money either time."""
    charges = priced([event(1, "c1", "uniform.noncompliant", "2026-10-28 09:00"),
                      event(2, "c1", "uniform.noncompliant", "2026-11-03 09:00"),
                      event(3, "c1", "uniform.noncompliant", "2027-02-03 09:00")], table)
    assert dispositions(charges) == [(1, "oral_warning"), (2, "written_warning"), (3, "written_warning")]
    assert all(c.kind == "disposition" and c.amount == 0 for c in charges)


def test_default_uniform_serious_is_written_at_once(table):
    """Outcomes: a serious first breach of the uniform rule gives a written warning at once, and only that."""
    charges = priced([event(1, "c2", "uniform.noncompliant", "2026-11-03 09:00", outcome="serious")], table)
    assert dispositions(charges) == [(1, "written_warning")]


def test_default_supervisor_doubling_points(table):
    """Supervisor doubling: a guide's lateness with a lapse: guide 3 points, store lead a separate 6-point line."""
    charges = priced([event(1, "g1", "attendance.late", "2026-11-03 09:10", lapse=True)], table)
    assert lines(charges) == [(1, "g1", "points", D(3), D("0.00"), None),
                              (1, "lead", "points", D(6), D("0.00"), None)]


def test_default_supervisor_doubling_salary(table):
    """Supervisor doubling of a salary penalty, where a table doubles salary: a consultant's day of absenteeism
    (140.00) costs the group leader 280.00. (The shipped table doubles the store policy's points only.)"""
    charges = priced([event(1, "c1", "attendance.absenteeism", "2026-11-03 10:00", lapse=True)],
                     doubling(table, "attendance.absenteeism", kinds=("salary",)))
    assert lines(charges) == [(1, "c1", "salary", D(0), D("140.00"), None),
                              (1, "glA", "salary", D(0), D("280.00"), None)]


def test_default_liability_front_desk_to_the_five_s(table):
    """Liability: the front desk under two people is charged to the 5S on duty, not the absent person."""
    charges = priced([event(1, "c2", "showroom.front_desk", "2026-11-03 10:00")], table)
    assert lines(charges) == [(1, "f1", "fine", D(0), D("50.00"), None)]


def test_default_liability_ambiguous_role_needs_charge(table):
    """Liability: two 5S in the store is a problem naming both, unless charge= names one of them."""
    people = {**PEOPLE, "f2": staff("f2", "five_s", store="SR", supervisor="sm")}
    result = price([event(1, "c1", "vehicle.warehouse_visit", "2026-11-03 10:00")], table, people)
    assert result.charges == ()
    (event_id, said), = result.problems
    message = said.en
    assert event_id == 1 and "f1" in message and "f2" in message and "--charge" in message

    charges = priced([event(1, "c1", "vehicle.warehouse_visit", "2026-11-03 10:00", charge="f2")], table, people)
    assert lines(charges) == [(1, "f2", "fine", D(0), D("50.00"), None)]


def test_default_liability_nobody_in_role_is_a_problem(table):
    """Liability: a store with no sales assistant cannot silently drop lost tools: it is a problem."""
    people = {k: v for k, v in PEOPLE.items() if k != "sa"}
    result = price([event(1, "c1", "vehicle.tools_lost", "2026-11-03 10:00")], table, people)
    assert result.charges == ()
    assert "nobody" in result.problems[0][1].en and "--charge" in result.problems[0][1].en
    assert result.problems[0][1].zh == "花名册上没有SR店的销售助理；请用 --charge 工号 指定由本店哪位在职人员承担"


def test_default_liability_wrong_charge_is_a_problem(table):
    """Liability: --charge naming someone not in the paying role is refused, listing who may pay."""
    result = price([event(1, "c1", "vehicle.warehouse_visit", "2026-11-03 10:00", charge="c2")], table, PEOPLE)
    assert result.charges == ()
    assert "c2 is not" in result.problems[0][1].en and "f1" in result.problems[0][1].en

    result = price([event(2, "c1", "showroom.phone", "2026-11-03 10:00", charge="f1")], table, PEOPLE)
    assert result.charges == () and "--charge" in result.problems[0][1].en


def test_default_liability_only_active_staff_pay(table):
    """Liability: a 5S who has left is not a candidate; the one still employed pays."""
    people = {**PEOPLE, "f0": staff("f0", "five_s", store="SR", left=dt.date(2026, 10, 31))}
    charges = priced([event(1, "c1", "vehicle.warehouse_visit", "2026-11-03 10:00")], table, people)
    assert [c.staff_id for c in charges] == ["f1"]


def test_default_role_and_disposition_keys(table):
    """Role and disposition keys: the shipped table defines exactly the keys regulations.md lists."""
    assert set(table.role_keys()) == {
        "guide", "store_lead", "manager_assistant", "consultant", "group_leader", "sales_manager",
        "sales_assistant", "five_s", "key_account", "marketing", "clerk"}
    assert {key for key, _, _ in table.dispositions} == {
        "warning", "oral_warning", "written_warning", "demotion", "suspension", "dismissal_recommended",
        "dismissal"}


def test_default_shifts(table):
    """Shifts: store 09:00–17:30 and showroom 08:30–17:30, no grace, mapped to their rules; no punch is absenteeism."""
    shifts = {s.name: s for s in table.shifts}
    store, showroom = shifts["store"], shifts["showroom"]
    assert (store.start, store.end, store.grace_minutes) == (dt.time(9, 0), dt.time(17, 30), 0)
    assert (store.late, store.early, store.absent) == (
        "attendance.late", "attendance.early_leave", "attendance.absenteeism")
    assert (showroom.start, showroom.end, showroom.grace_minutes) == (dt.time(8, 30), dt.time(17, 30), 0)
    assert (showroom.late, showroom.early, showroom.absent) == (
        "showroom.late", "showroom.early_leave", "attendance.absenteeism")


def test_default_settings(table):
    """Settings: one day's base wage is base ÷ 21.75, a lapse doubles, points have no price by default."""
    assert table.settings.pay_days == D("21.75")
    assert table.settings.lapse_multiplier == 2
    assert table.settings.point_value == 0


# ─── Windows and counters beyond the shipped table ──────────────────────────────────────────────

def test_rolling_window_in_days(tmp_path):
    """A "30d" window counts the occurrences of the last 30 days, across calendar months."""
    table = custom_table(tmp_path, '''
[[rule]]
code = "x.rolling"
name = { zh = "滚动", en = "Rolling" }
source = "三十天内"
fine = [10, 30]
window = "30d"
from_occurrence = { 3 = "warning" }
''')
    people = roster(staff("c1", "consultant"))
    log = [event(1, "c1", "x.rolling", "2026-11-01 10:00"),   # 1st
           event(2, "c1", "x.rolling", "2026-11-20 10:00"),   # 2nd (11-01)
           event(3, "c1", "x.rolling", "2026-12-05 10:00"),   # 11-01 is 34 days back: 2nd
           event(4, "c1", "x.rolling", "2026-12-10 10:00"),   # 11-20, 12-05, 12-10: 3rd → warning
           event(5, "c1", "x.rolling", "2027-01-15 10:00")]   # nothing since 12-16: 1st again
    charges = priced(log, table, people)
    assert fines(charges) == [D("10.00"), D("30.00"), D("30.00"), D("30.00"), D("10.00")]
    assert dispositions(charges) == [(4, "warning")]
    assert "3rd rolling in the last 30 days" in next(c.explanation for c in charges if c.event_id == 4)


def test_shared_counter(tmp_path):
    """Two rules naming one counter escalate together, each priced by its own ladder."""
    table = custom_table(tmp_path, '''
[[rule]]
code = "x.first"
name = { zh = "甲", en = "First" }
source = "甲"
fine = [10, 30]

[[rule]]
code = "x.second"
name = { zh = "乙", en = "Second" }
source = "乙"
fine = [5, 15]
counter = "x.first"
''')
    people = roster(staff("c1", "consultant"))
    charges = priced([event(1, "c1", "x.first", "2026-11-03 10:00"),
                      event(2, "c1", "x.second", "2026-11-04 10:00"),
                      event(3, "c1", "x.first", "2026-11-05 10:00")], table, people)
    assert fines(charges) == [D("10.00"), D("15.00"), D("30.00")]
    assert "2nd first in 2026-11" in charges[1].explanation


# ─── Voids, order and replay ────────────────────────────────────────────────────────────────────

def test_void_reprices_everything_after(table):
    """Voiding the 1st lateness makes the next one the 1st (20), and voided events cost nothing."""
    log = [event(1, "c1", "showroom.late", "2026-11-03 08:45", voided=True),
           event(2, "c1", "showroom.late", "2026-11-04 08:45")]
    charges = priced(log, table)
    assert lines(charges) == [(2, "c1", "fine", D(0), D("20.00"), None)]


def test_events_are_numbered_in_time_order_not_log_order(table):
    """An event logged late but dated earlier is the 1st occurrence, and the one after it the 2nd."""
    log = [event(7, "c1", "showroom.late", "2026-11-10 08:45"),
           event(8, "c1", "showroom.late", "2026-11-03 08:45")]
    charges = priced(log, table)
    assert [(c.event_id, c.amount) for c in charges] == [(8, D("20.00")), (7, D("40.00"))]


@settings(max_examples=30, deadline=None)
@given(n=st.integers(min_value=1, max_value=12))
def test_lateness_month_total(table, n):
    """n latenesses in one month cost 20 + 40 × (n − 1), with a dismissal recommendation from the 3rd on."""
    log = [event(i, "c1", "showroom.late", f"2026-11-{i + 1:02d} 08:45") for i in range(1, n + 1)]
    charges = priced(log, table)
    assert sum(fines(charges)) == D(20) + D(40) * (n - 1)
    assert len(dispositions(charges)) == max(0, n - 2)


# ─── Bad input: resolve() refuses, price() collects ─────────────────────────────────────────────

@pytest.mark.parametrize(("staff_id", "rule", "options", "says"), [
    ("c1", "showroom.lateness", {}, "unknown rule 'showroom.lateness'"),
    ("zz", "showroom.late", {}, "unknown staff 'zz'"),
    ("team:A", "showroom.late", {}, "team:TEAM"),
    ("team:Z", "testdrive.window_open", {}, "no team 'Z'"),
    ("c1", "showroom.sales_task", {"outcome": "jail"}, "outcomes: fine, dismissal"),
    ("c1", "showroom.late", {"outcome": "serious"}, "has no outcome 'serious'"),
    ("c1", "office.badge", {}, "needs --outcome, one of: damaged, lost"),
    ("c1", "showroom.toolkit", {}, "needs --item"),
    ("c1", "showroom.toolkit", {"items": ("订单", "订单")}, "named twice"),
    ("c1", "showroom.toolkit", {"items": ("订单",), "count": 2}, "--count does not apply"),
    ("c1", "showroom.late", {"items": ("订单",)}, "no named items"),
    ("c1", "showroom.late", {"count": 2}, "not priced per unit"),
    ("c1", "customer.duplicate_card", {"count": 0}, "1 or more"),
    ("ka", "keyaccount.gift_undelivered", {}, "needs --value"),
    ("ka", "keyaccount.gift_undelivered", {"value": D("-1")}, "must not be negative"),
    ("c1", "showroom.late", {"value": D("80")}, "does not take --value"),
    ("c1", "showroom.late", {"loss": D("80")}, "--loss does not apply"),
    ("c1", "office.borrow_late", {"outcome": "lost"}, "needs --loss"),
    ("f1", "vehicle.key_lost", {"loss": D("-5")}, "must not be negative"),
])
def test_resolve_refuses_bad_input(table, staff_id, rule, options, says):
    """resolve() raises DisciplineError with a sentence saying what was wrong, and price() lists it as a problem."""
    bad = event(1, staff_id, rule, "2026-11-03 10:00", **options)
    with pytest.raises(DisciplineError, match=re.escape(says)) as caught:
        engine.resolve(bad, table, PEOPLE)
    result = price([bad], table, PEOPLE)
    assert result.charges == ()
    assert result.problems == ((1, said_of(caught.value)),)


def test_resolve_returns_the_pricing_rule(table):
    """resolve() of a counts-as rule gives the rule that prices it (showroom.late for dress at the meeting)."""
    rule, price_ = engine.resolve(event(1, "c1", "showroom.grooming_meeting", "2026-11-03 08:30"), table, PEOPLE)
    assert rule.code == "showroom.late"
    assert price_.fine == (D(20), D(40))


def test_price_collects_problems_and_prices_the_rest(table):
    """A bad event is reported with its id, is no occurrence, and the good events around it are still priced."""
    log = [event(1, "c1", "showroom.late", "2026-11-03 08:45"),
           event(2, "c1", "showroom.toolkit", "2026-11-04 10:00", items=("雨伞",)),
           event(3, "c1", "showroom.late", "2026-11-05 08:45")]
    result = price(log, table, PEOPLE)
    assert fines(result.charges) == [D("20.00"), D("40.00")]
    assert [event_id for event_id, _ in result.problems] == [2]
    assert all(item in result.problems[0][1].en for item in TOOLKIT)


def test_price_is_pure(table):
    """Pricing the same log twice gives the same charges and leaves the events untouched."""
    log = (event(1, "c1", "showroom.late", "2026-11-03 08:45", lapse=True),
           event(2, "c1", "showroom.toolkit", "2026-11-04 10:00", items=("订单", "名片")))
    before = [attrs.asdict(e) for e in log]
    assert price(log, table, PEOPLE) == price(log, table, PEOPLE)
    assert [attrs.asdict(e) for e in log] == before
