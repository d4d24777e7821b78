"""The handbook in full (issue 15): the rules that were missing, hours by role, a lapse only where the
wording doubles, a clause the law forbids reported and never deducted, and who pays where nobody holds
the liable role. Figures are worked from the handbook's words by hand.

The shop: a showroom (浦东展厅) with a manager, two group leaders, two consultants and a 5S, no sales
assistant; and a store (南京西路店) with a lead and a guide.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import data, invoke, refused, run, shop_at
from test_versions import ROSTER as VERSIONS_ROSTER

from discipline.resources import shipped_rules_path

ROSTER = VERSIONS_ROSTER + """\
F01,马超,浦东展厅,,five_s,SM1,3500,300,showroom,shanghai,,
L01,周敏,南京西路店,,store_lead,,6000,800,store,shanghai,,
G01,李娜,南京西路店,,guide,L01,4000,0,store,shanghai,,
"""


@pytest.fixture(autouse=True)
def shop():
    with shop_at("2026-11-20 10:00:00+08:00", ROSTER, "--effective", "2026-10-01"):
        yield


def log(staff: str, rule: str, when: str, *options: str) -> dict:
    return data("log", staff, rule, "--at", when, *options, "--json")


def charges(staff: str, rule: str, when: str, *options: str) -> list[tuple[str, str, str, str, str | None]]:
    """(payer, kind, points, yuan, disposition) of each charge the log made."""
    return [(c["staff_id"], c["kind"], c["points"], c["amount"], c["disposition"])
            for c in log(staff, rule, when, *options)["charges"]]


# ─── the rules that were missing ────────────────────────────────────────────────────────────────

@pytest.mark.parametrize(("rule", "disposition"), [
    ("sales.credit_swap", "dismissal"),               # 任何人員不得私自調換業績，違者全部辭退
    ("customer.duplicate_obstruction", "dismissal"),  # 因重卡從中作梗…一經核實予以辭退
    ("sales.dispute", "dismissal"),                   # 當著客戶的面發生爭執…否則雙方均予辭退
])
def test_the_dismissal_rules_dismiss_and_cost_nothing(rule, disposition):
    assert charges("C01", rule, "2026-11-18 15:00") == [("C01", "disposition", "0", "0.00", disposition)]


def test_leaving_a_roadshow_counts_as_a_day_of_absenteeism():
    """巡展期間…離開巡展現場，否則按曠工處理: one day's base wage, 4350 ÷ 21.75 = 200.00."""
    logged = log("C01", "marketing.roadshow_left", "2026-11-14 14:00")
    assert [(c["kind"], c["amount"]) for c in logged["charges"]] == [("salary", "200.00")]
    assert logged["charges"][0]["explanation"].startswith("counts as absenteeism (attendance.absenteeism): 1 day")


def test_damage_to_a_showroom_car_is_compensated_by_the_offender_or_the_team():
    """展廳和在庫車輛出現損傷…找不到當事人由組負責賠償: C01 pays the 800.00 loss; unidentified in team B,
    its group leader GB1 pays."""
    assert charges("C01", "vehicle.damage", "2026-11-16 11:00", "--loss", "800") == [
        ("C01", "compensation", "0", "800.00", None)]
    assert charges("team:B", "vehicle.damage", "2026-11-17 11:00", "--loss", "350.50") == [
        ("GB1", "compensation", "0", "350.50", None)]


@pytest.mark.parametrize("rule", ["vehicle.transport_loss", "uniform.damaged", "clerk.delivery_papers"])
def test_a_loss_the_person_caused_is_compensated_as_entered(rule):
    assert charges("C02", rule, "2026-11-18 10:00", "--loss", "260") == [("C02", "compensation", "0", "260.00", None)]
    assert "needs --loss" in refused("log", "C02", rule, "--at", "2026-11-18 11:00", "--lang", "en")


def test_civility_and_grooming_name_their_items_and_the_morning_meeting_counts_them():
    """3 points per failing item: 着装 and 工牌 are 6; 发型, 站姿, 坐姿 are 9; two meeting items not done
    on time are 6. An item the handbook does not list is refused, naming those it does."""
    assert charges("G01", "conduct.civility", "2026-11-18 09:10", "--item", "着装", "--item", "工牌") == [
        ("G01", "points", "6", "0.00", None)]
    assert charges("G01", "conduct.grooming", "2026-11-18 09:12", "--item", "发型", "--item", "站姿",
                   "--item", "坐姿") == [("G01", "points", "9", "0.00", None)]
    assert charges("G01", "attendance.morning_meeting", "2026-11-18 09:15", "--count", "2") == [
        ("G01", "points", "6", "0.00", None)]
    assert refused("log", "G01", "conduct.civility", "--item", "微笑", "--at", "2026-11-18 09:20", "--lang", "en") == (
        "Error: '微笑' is not an item of conduct.civility; the items are: 着装, 工牌, 文明用语, 言行举止")


# ─── a lapse doubles only where the wording says so ─────────────────────────────────────────────

def test_the_store_leads_points_double_and_a_showroom_lapse_is_refused():
    """店長監督不善、扣除店長雙倍考核分: G01 off post (3 points) with a lapse gives L01 2 × 3 = 6 points, and
    the line says what was doubled. No showroom rule doubles: a lapse there is refused."""
    logged = log("G01", "conduct.off_post", "2026-11-18 14:00", "--lapse")
    assert [(c["staff_id"], c["points"]) for c in logged["charges"]] == [("G01", "3"), ("L01", "6")]
    assert logged["charges"][1]["explanation_zh"] == "监管不力：2 × 3分（G01的离岗未按规定请假）"
    assert refused("log", "C01", "showroom.desk", "--lapse", "--at", "2026-11-18 09:00", "--lang", "en") == (
        "Error: rule showroom.desk has no supervision lapse in its wording, so --lapse does not apply (the rule "
        "table's [lapse] lists what a lapse doubles)")


# ─── a clause the law forbids ───────────────────────────────────────────────────────────────────

def test_withholding_the_months_wage_is_reported_and_never_deducted(monkeypatch):
    """逾期未交者不做當月工資: logged, on the scorecard with the legal reason, and 0.00 deducted."""
    monkeypatch.delenv("DISCIPLINE_LANG")
    logged = log("C01", "sales.monthly_sheet_late", "2026-11-05 18:00")
    assert [(c["kind"], c["amount"], c["points"]) for c in logged["charges"]] == [("breach", "0.00", "0")]
    card = data("scorecard", "C01", "--month", "2026-11", "--json")
    assert (card["due"], card["deducted"]) == ("0.00", "0.00")
    assert card["lines"][0]["explanation"] == (
        "违规已记录，但手册条款「逾期未交者不做當月工資」不予执行：扣发当月工资违反《工资支付暂行规定》第七条、第九条"
        "（工资应按月足额支付，不得克扣），只记录不处罚")
    assert "不予执行" in run("scorecard", "C01", "--month", "2026-11").stdout


def test_rules_check_warns_of_what_the_law_forbids():
    """The shipped table: the serious customer grab takes a month's base wage and half the bonus (more than one
    month's base wage). A table whose withholding clause is not marked not_applied is warned of too."""
    result = invoke("rules", "check", str(shipped_rules_path()), "--lang", "en")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "warning: rule sales.customer_grab takes more than one month's base wage: 《工资支付暂行规定》 art. 16 lets "
        "a month deduct at most 20 % of its wage, the rest carrying on for months"]
    text = shipped_rules_path().read_text(encoding="utf-8")
    start = text.index("not_applied = {", text.index('code = "sales.monthly_sheet_late"'))
    Path("bad.toml").write_text(text[:start] + 'fine = 100\n' + text[text.index("\n", start) + 1:], encoding="utf-8")
    warned = invoke("rules", "check", "bad.toml", "--lang", "en").stderr
    assert ("warning: rule sales.monthly_sheet_late withholds wages, which 《工资支付暂行规定》 art. 7 and 9 "
            "forbid") in warned
    both = text[:start] + 'fine = 100\n' + text[start:]
    Path("both.toml").write_text(both, encoding="utf-8")
    assert "not_applied: the clause is reported, never applied; remove fine" in invoke(
        "rules", "check", "both.toml").stderr


# ─── hours by role ──────────────────────────────────────────────────────────────────────────────

def test_a_group_leader_leaving_at_1735_is_early_and_a_consultant_is_not():
    """銷售組長晚下班15分鐘: the showroom shift ends 17:30, a group leader's 17:45. Both punch in at 08:25 and
    out at 17:35 on Wed 18 November: GA1 left 10 minutes early (showroom.early_leave, 20 yuan); C01 did not."""
    Path("punches.csv").write_text("staff,time\nGA1,2026-11-18 08:25:00\nGA1,2026-11-18 17:35:00\n"
                                   "C01,2026-11-18 08:25:00\nC01,2026-11-18 17:35:00\n", encoding="utf-8")
    run("punches", "import", "punches.csv")
    derived = data("attendance", "derive", "2026-11", "--yes", "--json")  # the others punched nothing: absent
    events = [e for e in data("events", "--json") if e["rule"] == "showroom.early_leave"]
    assert [(e["staff_id"], e["at"][:16]) for e in events] == [("GA1", "2026-11-18T17:35")]
    assert "17:45" in events[0]["note"] and "10 minutes early" in events[0]["note"]
    assert derived["derived"] >= 1


# ─── who pays when nobody holds the liable role ─────────────────────────────────────────────────

def test_charge_names_anyone_active_in_the_store_where_the_role_has_no_holder():
    """工具和質保書…由銷售助理負責, and the showroom has no sales assistant: unnamed, the log is refused and says
    so; --charge F01 (its 5S) pays 50; someone of another store may not be named."""
    assert refused("log", "C01", "vehicle.tools_lost", "--at", "2026-11-18 10:00", "--lang", "en").startswith(
        "Error: store 浦东展厅's sales_assistant is nobody on the roster")
    logged = log("C01", "vehicle.tools_lost", "2026-11-18 10:00", "--charge", "F01")
    assert [(c["staff_id"], c["amount"]) for c in logged["charges"]] == [("F01", "50.00")]
    assert "F01, named by the logger, pays" in logged["charges"][0]["explanation_en"]
    assert "G01 is not active at 浦东展厅, and only someone active there may be named" in refused(
        "log", "C02", "vehicle.tools_lost", "--at", "2026-11-18 11:00", "--charge", "G01", "--lang", "en")


# ─── one violation, several people ──────────────────────────────────────────────────────────────

def test_a_three_party_dispute_is_logged_as_one_and_voided_as_one(monkeypatch):
    """當著客戶的面發生爭執…否則雙方均予辭退: C01, C02 and GA1 quarrel in front of a customer. Each gets an
    event of their own with a dismissal; voiding any one withdraws all three."""
    logged = log("C01,c02，GA1", "sales.dispute", "2026-11-18 15:00")
    assert logged["events"] == [1, 2, 3] and logged["event_id"] == 1
    assert [(c["staff_id"], c["disposition"]) for c in logged["charges"]] == [
        ("C01", "dismissal"), ("C02", "dismissal"), ("GA1", "dismissal")]
    monkeypatch.delenv("DISCIPLINE_LANG")
    out = run("void", "2", "--reason", "误会，已调解").stdout.splitlines()
    assert out[0] == "事件2已撤销" and "同一起违规的事件1, 2, 3已一并撤销" in out
    assert [e["voided"] for e in data("events", "--json") if e["rule"] == "sales.dispute"] == [True] * 3
    for who in ("C01", "C02", "GA1"):
        assert data("scorecard", who, "--month", "2026-11", "--json")["dispositions"] == []


def test_only_a_rule_that_charges_every_party_takes_several_people():
    assert refused("log", "C01,C02", "showroom.desk", "--at", "2026-11-18 09:00", "--lang", "en") == (
        "Error: rule showroom.desk charges one person; log each person separately (only a rule whose wording "
        "charges every party takes several people at once)")
    assert refused("log", "C01,c01", "sales.dispute", "--at", "2026-11-18 09:00", "--lang", "en") == (
        "Error: the people logged together must be different people of the roster (not team:TEAM)")
    assert data("events", "--json") == []


def test_the_payroll_page_lists_a_breach_not_applied():
    log("C01", "sales.monthly_sheet_late", "2026-11-05 18:00")
    page = run("payroll", "2026-11", "--format", "html", "--lang", "zh").stdout
    assert "已记录但不予处罚的违规（手册条款违法）" in page
    assert "手册条款「逾期未交者不做當月工資」不予执行" in page


def test_an_events_file_logs_a_row_of_several_people_as_one_violation():
    """Row 2 names C01 and C02 (雙方均予辭退): an event each, one group, voided as one. Row 3 names two people
    for a rule that charges one: the file is refused at that line, nothing logged."""
    Path("bad.csv").write_text("staff,rule,at\nC01,showroom.desk,2026-11-18 09:00\n\"C01,C02\",showroom.desk,"
                               "2026-11-18 09:30\n", encoding="utf-8")
    assert refused("events", "import", "bad.csv", "--lang", "en") == (
        "Error: the events file was not imported: line 3: rule showroom.desk charges one person; log each person "
        "separately (only a rule whose wording charges every party takes several people at once)")
    assert data("events", "--json") == []
    Path("ok.csv").write_text("staff,rule,at\n\"C01,C02\",sales.dispute,2026-11-18 15:00\n"
                              "GA1,showroom.desk,2026-11-18 09:00\n", encoding="utf-8")
    imported = data("events", "import", "ok.csv", "--json")
    assert imported["logged"] == 3
    events = {e["staff_id"]: e for e in data("events", "--json")}
    run("void", str(events["C02"]["event_id"]), "--reason", "已调解")
    assert [e["voided"] for e in data("events", "--json") if e["rule"] == "sales.dispute"] == [True, True]
    assert [e["voided"] for e in data("events", "--json") if e["rule"] == "showroom.desk"] == [False]


def test_a_row_of_several_people_written_in_two_parts_is_still_one_group(monkeypatch):
    """With parts of one row, C01's event and C02's are written in different transactions; the group is tied
    with the last part, and a void of C01's withdraws C02's too."""
    from discipline import service

    monkeypatch.setattr(service, "PART_ROWS", 1)
    Path("two.csv").write_text("staff,rule,at\n\"C01,C02\",sales.credit_swap,2026-11-18 15:00\n", encoding="utf-8")
    assert data("events", "import", "two.csv", "--json")["parts"] == 2
    first = next(e for e in data("events", "--json") if e["staff_id"] == "C01")
    run("void", str(first["event_id"]), "--reason", "查无此事")
    assert [e["voided"] for e in data("events", "--json")] == [True, True]


def test_a_row_of_several_people_typed_in_lower_case_is_one_group():
    """Ids as typed (c01、c02): the events are the roster's C01 and C02, and still one violation."""
    Path("lower.csv").write_text("staff,rule,at\nc01、c02,sales.dispute,2026-11-18 15:00\n", encoding="utf-8")
    run("events", "import", "lower.csv")
    first = next(e for e in data("events", "--json") if e["staff_id"] == "C01")
    run("void", str(first["event_id"]), "--reason", "误会")
    assert [(e["staff_id"], e["voided"]) for e in data("events", "--json")] == [("C01", True), ("C02", True)]
