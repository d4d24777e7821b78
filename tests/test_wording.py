"""Every kind of explanation, in Chinese, priced by the shipped rules.toml (issue 13, item 1).

A staff member reads why each line cost what it cost; in a Chinese store that is in Chinese. Each figure
below is worked out by hand from regulations.md, like test_engine.py's, and the Chinese sentence is
written out whole: the test fails on a changed figure and on a changed word alike. The English beside
it stays as it was (test_engine.py and the CLI tests read it).
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import data, event, invoke, refused, run, shop_at
from test_engine import priced
from test_versions import ROSTER

from discipline.wording import TEXTS, UNITS, Said, say


def said(events, table):
    """Each charge as (payer, amount or points, the Chinese explanation)."""
    return [(c.staff_id, str(c.amount if c.kind != "points" else c.points), c.explanation_zh)
            for c in priced(events, table)]


def test_points_and_points_per_named_item(table):
    assert said([event(1, "g1", "attendance.late", "2026-11-03 08:40")], table) == [("g1", "3", "3分")]
    # two items of the quality list: 2 × 3 points
    assert said([event(1, "g1", "conduct.quality", "2026-11-03 10:00", items=("爱岗敬业", "严以律己"))], table) == [
        ("g1", "6", "2项（爱岗敬业、严以律己） × 3分 = 6分")]


def test_a_ladder_in_the_month_and_the_disposition_it_reaches(table):
    """Lateness 20, 40, and dismissal recommended from the 3rd (the 3rd still costs the last step, 40)."""
    events = [event(n, "c1", "showroom.late", f"2026-11-0{n} 08:40") for n in (1, 2, 3)]
    assert said(events, table) == [
        ("c1", "20.00", "2026年11月第1次迟到 → 20元"),
        ("c1", "40.00", "2026年11月第2次迟到 → 40元"),
        ("c1", "40.00", "2026年11月第3次迟到 → 40元"),
        ("c1", "0.00", "2026年11月第3次迟到 → 劝退")]


def test_a_ladder_counted_ever(table):
    """False reports: 100 yuan each, dismissal recommended from the 2nd ever (the 1st was in October)."""
    events = [event(1, "ka", "keyaccount.false_report", "2026-10-20 10:00"),
              event(2, "ka", "keyaccount.false_report", "2026-11-05 10:00")]
    assert said(events, table)[1:] == [
        ("ka", "100.00", "累计第2次数据不准确或虚报 → 100元"), ("ka", "0.00", "累计第2次数据不准确或虚报 → 劝退")]


def test_a_fine_per_unit_and_by_role(table):
    assert said([event(1, "c1", "showroom.greeting", "2026-11-03 10:00", count=3)], table) == [
        ("c1", "30.00", "3次 × 10元 = 30.00元")]
    assert said([event(1, "glA", "marketing.promotion", "2026-11-03 10:00")], table) == [
        ("glA", "50.00", "组长标准：50元")]


def test_multiples_and_shares_of_a_value_and_a_loss_compensated(table):
    # a gift not delivered: 10 × its value of 80; a car damaged in transfer: 50 % of 3,000
    assert said([event(1, "ka", "keyaccount.gift_undelivered", "2026-11-03 10:00", value=Decimal(80))], table) == [
        ("ka", "800.00", "货值80.00元 × 10 = 800.00元")]
    assert said([event(1, "sa", "vehicle.transfer_damage", "2026-11-03 10:00", value=Decimal(3000))], table) == [
        ("sa", "1500.00", "货值3000.00元的50% = 1500.00元")]
    # a key lost: 50 yuan, and the 300 yuan it cost
    assert said([event(1, "sa", "vehicle.key_lost", "2026-11-03 10:00", loss=Decimal(300))], table) == [
        ("sa", "50.00", "50元"), ("sa", "300.00", "赔偿实际损失：300.00元")]


def test_cost_recovery_under_an_outcome_and_a_reward(table):
    assert said([event(1, "c1", "office.badge", "2026-11-03 10:00", outcome="lost")], table) == [
        ("c1", "10.00", "处理结果「丢失」：成本费：10元")]
    assert said([event(1, "mk", "marketing.insert_duty", "2026-11-03 10:00")], table) == [
        ("mk", "20.00", "奖励：20元")]


def test_salary_penalties(table):
    """c3: base 4,000, bonus 1,000. A day's base wage is 4,000 ÷ 21.75 = 183.91; two days 367.82. A
    serious customer grab: the month's base wage and half the bonus, 4,000 + 500 = 4,500."""
    assert said([event(1, "c3", "attendance.absenteeism", "2026-11-03 09:00", count=2)], table) == [
        ("c3", "367.82", "2天 × (一天基本工资：4000.00 ÷ 21.75 = 183.91元) = 367.82元")]
    assert said([event(1, "c3", "sales.customer_grab", "2026-11-03 10:00", outcome="serious")], table) == [
        ("c3", "4500.00", "处理结果「情节严重」：（1 × 当月基本工资4000.00元） + （当月奖金1000.00元的50% = 500.00元）"
                          " = 4500.00元")]


def test_a_disposition_and_what_counts_as_another_rule(table):
    assert said([event(1, "c1", "showroom.customer_quarrel", "2026-11-03 10:00")], table) == [
        ("c1", "0.00", "劝退")]
    assert said([event(1, "c1", "showroom.grooming_meeting", "2026-11-03 08:35")], table) == [
        ("c1", "20.00", "按迟到（showroom.late）处理：2026年11月第1次迟到 → 20元")]


def test_who_pays_for_someone_else(table):
    """Nobody identified: team A's group leader; the front desk short-handed: the store's 5S."""
    assert said([event(1, "team:A", "testdrive.window_open", "2026-11-03 10:00")], table) == [
        ("glA", "20.00", "20元；连带责任：未查明当事人，由A组组长承担")]
    assert said([event(1, "c1", "showroom.front_desk", "2026-11-03 10:00")], table) == [
        ("f1", "50.00", "50元；连带责任：由本店5S承担，当事人c1不承担")]


def test_a_supervision_lapse_doubles_for_the_supervisor(table):
    """g1 misses two cleaning items (2 × 3 points); the lead, their supervisor, is charged double."""
    assert said([event(1, "g1", "duty.cleanup", "2026-11-03 10:00", count=2, lapse=True)], table) == [
        ("g1", "6", "2项 × 3分 = 6分"), ("lead", "12", "监管不力：2 × 6分（g1的未按时打扫卫生、检查设备）")]


def test_the_examples_in_wording_hold():
    import doctest

    from discipline import wording

    assert doctest.testmod(wording).failed == 0


def test_a_rolling_window_and_every_unit_have_chinese(table):
    """No shipped rule counts in a rolling window; its sentence is still Chinese. Every unit a shipped rule
    prices by has a Chinese name."""
    assert say("occurrence_days", days="30", n=2, what=Said("迟到", "lateness")) == Said(
        "近30天内第2次迟到", "2nd lateness in the last 30 days")
    assert {rule.per for rule in table.rules if rule.per} <= set(UNITS)
    # every template but those made of figures and parts alone ("{occurrence} → {text}") has Chinese words
    wordless = {key for key, (zh, _) in TEXTS.items() if not re.search(r"[\u4e00-\u9fff]", zh)}
    assert wordless == {"ladder", "amount", "units", "units_items", "times_units", "liable", "prefixed", "derive_line"}


# -- what people read ---------------------------------------------------------------------------

SHOP = ROSTER + "G01,李娜,浦东展厅,A,five_s,SM1,3800,500,showroom,shanghai,,\n"


@pytest.fixture
def shop():
    with shop_at("2026-12-05 10:00:00+08:00", SHOP, "--effective", "2026-10-01"):
        for day in ("03", "05", "07"):
            run("log", "C01", "showroom.late", "--at", f"2026-11-{day} 08:42")
        run("log", "C01", "showroom.toolkit", "--item", "订单", "--item", "金融资料", "--at", "2026-11-10 10:00")
        run("log", "team:A", "testdrive.window_open", "--at", "2026-11-12 18:00")
        run("log", "C02", "attendance.absenteeism", "--at", "2026-11-13 09:00")
        yield


def test_the_scorecard_explains_in_chinese_by_default_and_in_english_when_asked(shop, monkeypatch):
    monkeypatch.delenv("DISCIPLINE_LANG")
    card = data("scorecard", "C01", "--month", "2026-11", "--json")
    assert [(line["amount"], line["explanation"]) for line in card["lines"]] == [
        ("20.00", "2026年11月第1次迟到 → 20元"), ("40.00", "2026年11月第2次迟到 → 40元"),
        ("40.00", "2026年11月第3次迟到 → 40元"), ("0.00", "2026年11月第3次迟到 → 劝退"),
        ("40.00", "2项（订单、金融资料） × 20元 = 40.00元")]
    assert card["lines"][1]["explanation_en"] == "2nd lateness in 2026-11 → 40 yuan"
    english = data("scorecard", "C01", "--month", "2026-11", "--json", "--lang", "en")
    assert english["lines"][1]["explanation"] == "2nd lateness in 2026-11 → 40 yuan"
    both = run("--lang", "both", "scorecard", "C01", "--month", "2026-11").stdout
    assert "2026年11月第2次迟到 → 40元 / 2nd lateness in 2026-11 → 40 yuan" in both
    text = run("scorecard", "GA1", "--month", "2026-11").stdout
    assert "20元；连带责任：未查明当事人，由A组组长承担" in text
    html = run("scorecard", "C02", "--month", "2026-11", "--format", "html").stdout
    assert "1天 × (一天基本工资：4350.00 ÷ 21.75 = 200.00元) = 200.00元" in html


#: What may stay in Latin letters on a Chinese scorecard: rule codes, staff ids, event and rule version
#: numbers, a version's short SHA-256, the team's letter, and 5S (the role's own Chinese name, 5S管理).
CODES = re.compile(r"[a-z]+(\.[a-z_]+)+|[A-Z]{1,3}\d+|v\d+|[0-9a-f]{8}|A|5S")


def latin_words(text: str) -> list[str]:
    """The words in Latin letters of what a page shows (not its markup, style sheet or head), codes excepted."""
    if "<html" in text:
        text = re.sub(r"<head>.*?</head>|<[^>]+>", " ", text, flags=re.S)
    return [w for w in re.findall(r"[0-9a-f]*[A-Za-z][A-Za-z0-9_.]*", text) if not CODES.fullmatch(w.rstrip("."))]


def test_no_english_word_is_left_in_a_chinese_scorecard(shop, monkeypatch):
    """Every scorecard of the month, text and HTML, read as a shop-floor employee reads it: Chinese, figures,
    codes and ids only. The same in English has no Chinese but names (people, stores, items)."""
    monkeypatch.delenv("DISCIPLINE_LANG")
    for person in ("C01", "C02", "GA1", "G01", "SM1"):
        for fmt in ("text", "html"):
            page = run("scorecard", person, "--month", "2026-11", "--format", fmt).stdout
            assert latin_words(page) == [], (person, fmt, latin_words(page))
        english = run("scorecard", person, "--month", "2026-11", "--lang", "en").stdout
        assert "考核" not in english and "元" not in english.replace("元)", "")


def test_log_says_what_it_charged_in_the_language_asked_for(shop):
    out = run("log", "C02", "showroom.late", "--at", "2026-11-20 08:45", "--lang", "zh").stdout
    assert "2026年11月第1次迟到 → 20元" in out
    logged = data("log", "C02", "showroom.late", "--at", "2026-11-21 08:45", "--json", "--lang", "zh")
    assert [(c["explanation"], c["explanation_en"]) for c in logged["charges"]] == [
        ("2026年11月第2次迟到 → 40元", "2nd lateness in 2026-11 → 40 yuan")]
    assert "2nd lateness" not in invoke("log", "C02", "showroom.late", "--at", "2026-11-22 08:45", "--lang",
                                       "zh").stdout


def test_the_language_setting_of_the_table():
    """``language`` in [settings]: zh, en or both; anything else is refused by ``rules check``."""
    from discipline.rules import load_rules, shipped_rules_path

    assert load_rules().settings.language == "zh"
    text = shipped_rules_path().read_text(encoding="utf-8").replace('language = "zh"', 'language = "fr"')
    Path("fr.toml").write_text(text, encoding="utf-8")
    result = invoke("rules", "check", "fr.toml")
    assert result.exit_code == 2 and 'language must be "zh", "en" or "both", not \'fr\'' in result.output


def test_the_payroll_page_follows_the_language_and_a_closed_months_stays_as_it_was(shop, monkeypatch):
    """The payroll HTML of an open month in Chinese only (zh, the table's), English only (en) or both; the
    files a close froze are bilingual and never change with --lang."""
    monkeypatch.delenv("DISCIPLINE_LANG")
    page = run("payroll", "2026-11", "--format", "html").stdout
    assert "工资扣款表" in page and latin_words(page) == [], latin_words(page)
    english = run("payroll", "2026-11", "--format", "html", "--lang", "en").stdout
    assert "Payroll deductions" in english and "工资扣款表" not in english and "应扣合计" not in english
    both = run("payroll", "2026-11", "--format", "html", "--lang", "both").stdout
    assert "应扣合计" in both and "Due" in both
    run("close", "2026-11")
    frozen = run("payroll", "2026-11", "--format", "html").stdout
    assert frozen == run("payroll", "2026-11", "--format", "html", "--lang", "en").stdout
    assert "工资扣款表" in frozen and "Payroll deductions" in frozen


def test_a_store_leads_refusals_are_chinese_and_still_one_sentence(shop, monkeypatch):
    """The refusals a lead meets at the shop's PC, in the table's language (zh), one line, exit 2; in English
    with --lang en (before or after the command's name)."""
    monkeypatch.delenv("DISCIPLINE_LANG")
    assert refused("log", "c09", "showroom.late", "--at", "11-20 08:42") == (
        "Error: 没有员工'c09'；是不是 C02 冯雪 或 C01 郑浩？")
    assert refused("log", "C01", "showroom.lat", "--at", "11-20 08:42").startswith(
        "Error: 没有规则'showroom.lat'；是不是 showroom.late 迟到")
    assert refused("log", "C01", "showroom.late", "--at", "2026-11-20") == (
        "Error: 时间'2026-11-20'没有具体时刻；请写成'2026-11-20 08:42'（当天违规的先后决定第几次）")
    assert refused("log", "C01", "showroom.late", "--at", "2026-11-31 08:00") == (
        "Error: 时间'2026-11-31 08:00'不是真实存在的日期和时间；请写成 2026-11-03 08:42、2026/11/3 8:42、"
        "11-03 08:42（今年）或 08:42（今天）")
    assert refused("log", "C01", "showroom.late", "--at", "2026-12-06 08:00") == (
        "Error: 时间 2026-12-06 08:00:00 还没到（现在是 2026-12-05 10:00）；--at 请给已经过去的时间")
    assert refused("log", "C01", "showroom.late", "--at", "2026-11-03 08:42") == (
        "Error: C01 已有 2026-11-03 08:42 的迟到（showroom.late）（事件1）：同一违规记了两次？确实发生了两次的，"
        "加 --again 再记")
    assert refused("scorecard", "C01", "--month", "2026-1") == (
        "Error: 月份'2026-1'不是 2026-11 这样的月份（YYYY-MM）")
    assert refused("log", "C01", "showroom.late", "--at", "2026-11-03 08:42", "--lang", "en") == (
        "Error: C01 already has event 1 for showroom.late at 2026-11-03 08:42: the same violation logged twice? "
        "If it really happened twice, log it again with --again")
    assert refused("--lang", "en", "log", "C01", "showroom.late", "--at", "2026-11-20").startswith(
        "Error: time '2026-11-20' has no time of day")


def test_log_and_void_print_what_they_did_in_chinese(shop, monkeypatch):
    """What the lead reads after logging: the event, its charge by kind, amount and why; a void says what
    it moved. The 4th lateness of the month costs the last step, 40, with dismissal recommended again."""
    monkeypatch.delenv("DISCIPLINE_LANG")
    out = run("log", "C01", "showroom.late", "--at", "2026-11-20 08:45").stdout.splitlines()
    assert out[0] == "已记录事件7：C01 showroom.late，2026-11-20 08:45"
    assert out[1].split() == ["员工", "类型", "扣分", "金额", "处理", "说明"]
    assert out[3].split() == ["C01", "罚款", "40.00", "2026年11月第4次迟到", "→", "40元"]
    assert out[4].split() == ["C01", "处理", "劝退", "2026年11月第4次迟到", "→", "劝退"]
    voided = run("void", "7", "--reason", "记错了").stdout.splitlines()
    assert voided[:2] == ["事件7已撤销", "工资变动："]
    assert voided[2].split() == ["员工", "月份", "事件", "规则", "原金额", "现金额", "扣分"]
    assert voided[4].split() == ["C01", "2026-11", "7", "showroom.late", "40.00", "0.00", "劝退", "→", "-"]


def test_an_option_that_does_not_fit_the_rule_is_refused_in_chinese(shop, monkeypatch):
    monkeypatch.delenv("DISCIPLINE_LANG")
    assert refused("log", "C01", "showroom.toolkit", "--item", "钥匙", "--at", "11-20 10:00") == (
        "Error: '钥匙'不是 showroom.toolkit 的缺项；缺项有：资料、名片、订单、试乘试驾协议、签字笔、保险相关、"
        "金融资料、资料摘要")
    assert refused("log", "C01", "keyaccount.gift_undelivered", "--at", "11-20 10:00") == (
        "Error: 规则 keyaccount.gift_undelivered 须用 --value 给出金额（元），罚款按其倍数计")
    assert refused("log", "C01", "showroom.late", "--count", "2", "--at", "11-20 10:00") == (
        "Error: 规则 showroom.late 不按数量计价，--count 不适用")
    assert refused("log", "C01", "office.badge", "--at", "11-20 10:00") == (
        "Error: 规则 office.badge 须用 --outcome 选一个处理结果：damaged, lost")
    assert refused("log", "C01", "office.badge", "--outcome", "lots", "--at", "11-20 10:00") == (
        "Error: 规则 office.badge 没有处理结果'lots'；是不是 lost？（可选：damaged, lost）")


def test_void_and_what_a_lead_types_beside_an_event_are_refused_in_chinese(shop, monkeypatch):
    monkeypatch.delenv("DISCIPLINE_LANG")
    assert refused("void", "99", "--reason", "记错了") == "Error: 没有事件99；'discipline events' 列出所有事件"
    run("void", "1", "--reason", "记错了")
    assert refused("void", "1", "--reason", "再撤一次") == "Error: 事件1已经撤销过了"
    assert refused("void", "1x", "--reason", "记错了") == "Error: '1x'不是编号；EVENT是 12 这样的整数"
    assert refused("log", "C01", "showroom.late", "--at", "11-20 08:45", "--note", "a\nb") == (
        "Error: --note含有换行；请写在一行内")
    assert refused("log", "C01", "keyaccount.gift_undelivered", "--value", "990000", "--at", "11-20 10:00") == (
        "Error: --value 990000.00元超过C01一年的工资（64200.00元）；金额属实的，加 --confirm 再执行一次")


def test_closing_a_month_is_refused_in_chinese(shop, monkeypatch):
    monkeypatch.delenv("DISCIPLINE_LANG")
    assert refused("close", "2026-12") == "Error: 2026-12还没结束（今天是 2026-12-05）；请在月末之后结账"
    run("close", "2026-11")
    assert refused("close", "2026-11") == "Error: 2026-11已于 2026-12-05 结账；已结账的月份永不改变"
    assert refused("close", "2026-10") == (
        "Error: 2026-10在已结账的2026-11之前；月份按顺序结账，2026-10已不能再结账（记入其中的事项在2026-12发放）")


def test_a_punch_file_imported_at_the_store_says_what_it_did_in_chinese(shop, monkeypatch):
    """Two punches of C01 and one of a machine number nobody has (77, twice); a line that is no punch."""
    monkeypatch.delenv("DISCIPLINE_LANG")
    Path("punches.csv").write_text("staff,time\nC01,2026-11-17 08:28:00\nC01,2026-11-17 17:40:00\n"
                                   "77,2026-11-17 08:30:00\n77,2026-11-17 17:31:00\nC02,昨天\n", encoding="utf-8")
    result = invoke("punches", "import", "punches.csv")
    assert result.exit_code == 0
    assert result.stdout == "读取打卡4条，新增4条（批次2）\n"
    assert result.stderr.startswith("  跳过第6行：")
    assert result.stderr.splitlines()[-1] == (
        "此文件中有1个考勤机号不属于花名册上任何人：77 (2)；这些打卡已保留，待 pin 列（或工号）对应到人后计入")
    assert invoke("punches", "import", "punches.csv").stdout == "punches.csv已作为批次2导入过；没有新的打卡\n"


def test_an_events_file_is_refused_row_by_row_in_chinese(shop, monkeypatch):
    """Every bad row of a file a lead imports, with its line, in Chinese; then the one-sentence summary."""
    monkeypatch.delenv("DISCIPLINE_LANG")
    Path("events.csv").write_text(
        "staff,rule,at,count,value\n"
        "C01,showroom.late,2026-11-20,,\n"        # no time of day
        "C01,showroom.late,2026-11-21 08:45,x,\n"  # count is no number
        ",showroom.late,2026-11-22 08:45,,\n"      # no staff
        "C01,showroom.late,2026-11-23 08:45,,1e4\n"  # a value typed as a float
        "C01,showroom.late,2026-11-24 08:45\n", encoding="utf-8")  # a field short
    result = invoke("events", "import", "events.csv")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "第2行：at 列：'2026-11-20'没有具体时刻；请写成'2026-11-20 08:42'（当天违规的先后决定第几次）",
        "第3行：count 'x' 须是 1 或以上的整数",
        "第4行：staff 列是空的",
        "第5行：value 须用数字写全，如 10000，而不是'1e4'",
        "第6行：有3个字段，表头有5个",
        "Error: 事件文件未导入：第2行：at 列：'2026-11-20'没有具体时刻；请写成'2026-11-20 08:42'"
        "（当天违规的先后决定第几次）（另有4个问题）"]
    Path("events.csv").write_text("staff,rule,at\n", encoding="utf-8")
    assert refused("events", "import", "events.csv") == "Error: 事件文件只有表头没有数据行；什么也没有记录"
    Path("events.csv").write_bytes(b"staff,rule,at\n\xff\xfe\xfa")
    assert refused("events", "import", "events.csv") == (
        "Error: 文件既不是 UTF-8、GB18030，也不是 UTF-16 文本；请在 Excel 中另存为“CSV UTF-8”")
    assert refused("events", "import", "events.csv", "--lang", "en").startswith(
        "Error: the file is neither UTF-8, GB18030 nor UTF-16 text")


def test_who_pays_an_undo_and_an_amount_are_refused_in_chinese(shop, monkeypatch):
    """A rule the offender pays takes no --charge; a lost tool set at a store with no sales assistant needs
    someone named; an undo without a reason, of no batch, and of a batch undone already; --value typed
    with parts of a fen."""
    monkeypatch.delenv("DISCIPLINE_LANG")
    assert refused("log", "C01", "showroom.late", "--charge", "C02", "--at", "11-20 08:45") == (
        "Error: 规则 showroom.late 由当事人本人承担；--charge 只用于由他人承担的规则")
    assert refused("log", "C01", "vehicle.tools_lost", "--at", "11-20 10:00").startswith(
        "Error: 花名册上没有")
    assert refused("undo", "99", "--reason", " ") == "Error: --reason 须写明撤销该批次的原因"
    assert refused("undo", "99", "--reason", "导错了") == "Error: 没有批次99；'discipline batches' 列出所有批次"
    assert refused("log", "C01", "keyaccount.gift_undelivered", "--value", "10.005", "--at", "11-20 10:00") == (
        "Error: --value '10.005'精确到了分以下；金额最多两位小数")


# -- HR's files and commands, and punch files -----------------------------------------------------


def test_a_roster_file_is_refused_row_by_row_in_chinese(shop, monkeypatch):
    """A roster HR imports with an id used twice, a negative bonus, a misspelt city and a role nobody has: each
    problem with its line, in Chinese, then the one-sentence summary; the same file in English with --lang en."""
    monkeypatch.delenv("DISCIPLINE_LANG")
    Path("staff.csv").write_text(
        "id,name,store,team,role,supervisor,base_wage,bonus,shift,city\n"
        "C05,林琳,浦东展厅,A,consultant,GA1,4000,0,showroom,shanghai\n"
        "C05,钱多,浦东展厅,A,consultant,GA1,4000,0,showroom,shanghai\n"  # the id of line 2 again
        "C06,孙丽,浦东展厅,A,consultant,GA1,4000,-5,showroom,Shenzen\n"  # a negative bonus, a misspelt city
        "C07,周敏,浦东展厅,A,guid,GA1,4000,0,showroom,shanghai\n", encoding="utf-8")  # a role misspelt
    result = invoke("staff", "import", "staff.csv")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "第3行：工号 C05 已在第2行使用",
        "第4行：bonus 不能是负数（-5）",
        "第4行：城市'Shenzen'没有已知的最低工资；是不是 shenzhen 深圳？'discipline minwage' 列出所有城市，"
        '在规则表中加一条 [[minimum_wage]]（city = "…", zh = "…", from = YYYY-MM-DD, amount = "…"）即可添加',
        "第5行：没有岗位'guid'；是不是 guide 导购？",
        "Error: 花名册未导入：第3行：工号 C05 已在第2行使用（另有3个问题）"]
    english = invoke("staff", "import", "staff.csv", "--lang", "en")
    assert english.exit_code == 2
    assert english.stderr.splitlines() == [
        "line 3: id C05 is already used on line 2",
        "line 4: bonus must not be negative (-5)",
        "line 4: city 'Shenzen' has no known minimum wage; did you mean shenzhen 深圳?; 'discipline minwage' lists "
        'the cities, and a [[minimum_wage]] entry in the rule table (city = "…", zh = "…", from = YYYY-MM-DD, '
        'amount = "…") adds one',
        "line 5: unknown role 'guid'; did you mean guide 导购?",
        "Error: the roster was not imported: line 3: id C05 is already used on line 2 (and 3 more)"]


def test_staff_set_and_add_are_refused_in_chinese(shop, monkeypatch):
    monkeypatch.delenv("DISCIPLINE_LANG")
    assert refused("staff", "set", "C01", "wage=10") == (
        "Error: 'wage'不是花名册的字段；可用字段：name、store、team、role、supervisor、base_wage、bonus、shift、city、"
        "hired、left、clock、pin")
    assert refused("staff", "set", "C01", "base_wage=990000") == (
        "Error: 修改未记录：C01 的月工资991000.00元（base_wage + bonus）超过月工资的上限（100000.00元）；工资属实的，"
        "加 --confirm 再执行一次")
    assert refused("staff", "set", "C01", "clock=maybe") == (
        "Error: 修改未记录：clock 'maybe' 须是 yes 或 no（no：此人不打卡）")
    assert refused("staff", "add", "--id", "C01", "--name", "郑浩", "--store", "浦东展厅", "--role", "consultant",
                   "--base-wage", "4350", "--city", "shanghai") == (
        "Error: C01 已在花名册上；请用 'discipline staff set' 修改")
    run("close", "2026-11")
    assert refused("staff", "set", "C01", "base_wage=4500", "--effective", "2026-11-01") == (
        "Error: 2026-11-01所在的2026-11已结账（已结账至2026-11）；修改最早从 2026-12-01 起生效")


def test_publishing_a_rule_table_is_refused_in_chinese(shop, monkeypatch):
    monkeypatch.delenv("DISCIPLINE_LANG")
    from test_versions import SHIPPED

    Path("v2.toml").write_text(SHIPPED + "\n# 第2版\n", encoding="utf-8")
    assert refused("rules", "publish", "v2.toml", "--effective", "2026-12-08") == (
        "Error: 2026-12-08距发布日（2026-12-05）不足7天，员工还没有得到公示；请从 2026-12-12 起生效，"
        "若此前已公示，加 --retroactive")
    assert refused("rules", "publish", "v2.toml", "--effective", "2026-12-20", "--published", "2026-12-06") == (
        "Error: --published 2026-12-06 晚于今天（2026-12-05）；请给出规则表向员工公示的日期")
    run("close", "2026-11")
    assert refused("rules", "publish", "v2.toml", "--effective", "2026-11-20", "--published", "2026-11-01") == (
        "Error: 2026-11-20所在的2026-11已结账（已结账至2026-11）；新版本最早从 2026-12-01 起生效")
    assert refused("rules", "publish", "v2.toml", "--effective", "2026-12-08", "--lang", "en") == (
        "Error: 2026-12-08 is sooner than 7 days after it is published (2026-12-05), so staff would not have had "
        "notice; take effect from 2026-12-12 on, or give --retroactive if it was made known before")


def test_a_punch_files_skipped_records_are_said_in_chinese(shop, monkeypatch):
    """An attlog with a line of bytes that are not text and a punch of 2030 (a clock gone wrong); a staff,time
    file with no staff on a line and a time that is none: each record skipped, said in Chinese."""
    monkeypatch.delenv("DISCIPLINE_LANG")
    Path("attlog.dat").write_bytes(b"1001\t2026-11-17 08:28:00\t1\t0\t1\t0\n\xff\xfe\x01\t2026-11-17\n"
                                   b"1002\t2030-01-01 08:00:00\t1\t0\t1\t0\n")
    result = invoke("punches", "import", "attlog.dat")
    assert result.exit_code == 0
    assert result.stdout == "读取打卡1条，新增1条（批次2）\n"
    assert result.stderr.splitlines() == [
        "  跳过第2行：此行含有非文本字节，是损坏的记录",
        "  跳过第3行：'1002' 的打卡时间 2030-01-01 比今天（2026-12-05）晚了一年以上；考勤机的时钟错了？已跳过",
        "此文件中有1个考勤机号不属于花名册上任何人：1001 (1)；这些打卡已保留，待 pin 列（或工号）对应到人后计入"]
    Path("punches.csv").write_text("staff,time\nC01,2026-11-17 08:28:00\n,2026-11-17 08:29:00\nC01,昨天\n",
                                   encoding="utf-8")
    result = invoke("punches", "import", "punches.csv")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "  跳过第3行：staff 列是空的，无法确定是谁",
        "  跳过第4行：'昨天'不是 2026-05-01 08:23:05 这样的日期时间"]
    Path("more.csv").write_text("staff,time\nC02,2026-11-18 08:28:00\n,2026-11-18 08:29:00\n", encoding="utf-8")
    assert invoke("punches", "import", "more.csv", "--lang", "en").stderr == (
        "  skipped line 3: The staff column is empty, so the person cannot be identified.\n")


def test_a_punch_file_refused_whole_is_said_in_chinese(shop, monkeypatch):
    monkeypatch.delenv("DISCIPLINE_LANG")
    Path("punches.csv").write_text("who,when\nC01,2026-11-17 08:28:00\n", encoding="utf-8")
    assert refused("punches", "import", "punches.csv") == (
        "Error: 普通 CSV 打卡文件须以表头行 staff,time 开头；此文件的开头是'who,when'")
    assert refused("punches", "import", "punches.csv", "--lang", "en") == (
        "Error: A plain CSV punch file must start with the header line staff,time; this one starts with 'who,when'")
    assert refused("punches", "import", "missing.dat") == (
        "Error: 打卡文件 missing.dat 不存在；请给出已有文件的路径")
    Path("old.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    assert refused("punches", "import", "old.xls") == "Error: old.xls 是旧式 .xls 工作簿；请另存为 .xlsx 再导入"


def test_schedule_and_leave_files_are_refused_row_by_row_in_chinese(shop, monkeypatch):
    monkeypatch.delenv("DISCIPLINE_LANG")
    Path("schedule.csv").write_text("staff,date,shift\nC01,2026-11-31,showroom\nX9,2026-11-03,night\n"
                                    "C01,2026-11-04,\n", encoding="utf-8")
    result = invoke("schedule", "import", "schedule.csv")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "第2行：'2026-11-31'不是 2026-11-03 这样的日期",
        "第3行：'night'不是班次；请用以下之一：store、showroom、rest、休息",
        "第3行：没有员工'X9'；'discipline staff list' 列出所有工号",
        "第4行：班次是空的；请用以下之一：store、showroom、rest、休息",
        "Error: 排班表未导入：第2行：'2026-11-31'不是 2026-11-03 这样的日期（另有3个问题）"]
    Path("leave.csv").write_text("staff,date,part\nC01,2026-11-03,evening\nC01,2030-11-03,am\n", encoding="utf-8")
    result = invoke("leave", "import", "leave.csv")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "第2行：'evening'不是请假时段；请用 full、am 或 pm（全天、上午、下午）",
        "第3行：日期 2030-11-03 比今天（2026-12-05）晚了一年以上；请给 2000-01-01 到 2027-12-05 之间的日期",
        "Error: 请假文件未导入：第2行：'evening'不是请假时段；请用 full、am 或 pm（全天、上午、下午）（另有1个问题）"]
    assert invoke("leave", "import", "leave.csv", "--lang", "en").stderr.splitlines()[-1] == (
        "Error: the leave file was not imported: line 2: the part 'evening' is not a part of a day; use full, am or "
        "pm (全天, 上午, 下午) (and 1 more)")
