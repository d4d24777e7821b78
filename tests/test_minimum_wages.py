"""The minimum wages shipped with the program, the roster's cities, ``discipline minwage`` and the cap when
no minimum wage is known (issue 14).

The table below is for a reviewer: one figure per region, with where it was read. Open the page in the
last column and compare; the test checks the shipped file still says the same.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest
from conftest import data, refused, run, shop_at
from freezegun import freeze_time

from discipline import minimum_wages
from discipline.resources import shipped_rules_path

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"

#: (region, its Chinese name, effective, tier-1 amount (the region's top tier, Shenzhen for Guangdong),
#: where the amount was read). Each is the latest tier-1 adjustment the file holds for the region.
LATEST_TIER_1 = [
    ("anhui", "安徽", "2023-03-01", "2060.00", "https://hefeiconnect.com/take-note-these-4-provinces-have-raise-minimum-wage/"),
    ("beijing", "北京", "2025-09-01", "2540.00", "https://www.talent-spot.com/key-adjustments-in-chinese-cities.html"),
    ("chongqing", "重庆", "2025-01-01", "2330.00", "https://github.com/baijiahei-code/AttendanceDesktop/blob/9ae6de64da1d24da1079cf42203fb432b2cec939/app/wages.py"),
    ("fujian", "福建", "2025-04-01", "2265.00", "https://github.com/baijiahei-code/AttendanceDesktop/blob/9ae6de64da1d24da1079cf42203fb432b2cec939/app/wages.py"),
    ("gansu", "甘肃", "2025-12-01", "2200.00", "https://www.china-payroll.com/china-updates-minimum-wage-standards-across-multiple-provinces-2025-overview"),
    ("guangdong", "广东", "2025-03-01", "2520.00", "https://www.futuresstocktrading.com/?p=14747"),
    ("guangxi", "广西", "2020-03-01", "1810.00", "https://www.easyworkhome.com/china%C2%92s-minimum-wage-levels-remain-stable-in-response-to-epidemic/"),
    ("guizhou", "贵州", "2025-02-01", "2130.00", "https://www.futuresstocktrading.com/?p=14747"),
    ("hainan", "海南", "2025-12-01", "2250.00", "https://www.china-payroll.com/china-updates-minimum-wage-standards-across-multiple-provinces-2025-overview"),
    ("hebei", "河北", "2025-12-01", "2380.00", "https://www.china-payroll.com/china-updates-minimum-wage-standards-across-multiple-provinces-2025-overview"),
    ("heilongjiang", "黑龙江", "2025-12-01", "2270.00", "https://www.china-payroll.com/china-updates-minimum-wage-standards-across-multiple-provinces-2025-overview"),
    ("henan", "河南", "2025-12-01", "2350.00", "https://www.china-payroll.com/china-updates-minimum-wage-standards-across-multiple-provinces-2025-overview"),
    ("hubei", "湖北", "2024-02-01", "2210.00", "http://yunxc.hbxc.cn/p/124553.html"),
    ("hunan", "湖南", "2025-09-01", "2200.00", "https://www.talent-spot.com/key-adjustments-in-chinese-cities.html"),
    ("jiangsu", "江苏", "2026-01-01", "2660.00", "https://github.com/baijiahei-code/AttendanceDesktop/blob/9ae6de64da1d24da1079cf42203fb432b2cec939/app/wages.py"),
    ("jiangxi", "江西", "2025-12-01", "2240.00", "https://www.china-payroll.com/china-updates-minimum-wage-standards-across-multiple-provinces-2025-overview"),
    ("jilin", "吉林", "2025-12-01", "2230.00", "https://www.china-payroll.com/china-updates-minimum-wage-standards-across-multiple-provinces-2025-overview"),
    ("liaoning", "辽宁", "2025-12-01", "2230.00", "https://www.china-payroll.com/china-updates-minimum-wage-standards-across-multiple-provinces-2025-overview"),
    ("neimenggu", "内蒙古", "2025-12-01", "2380.00", "https://www.china-payroll.com/china-updates-minimum-wage-standards-across-multiple-provinces-2025-overview"),
    ("qinghai", "青海", "2025-05-01", "2080.00", "https://www.futuresstocktrading.com/?p=14747"),
    ("shaanxi", "陕西", "2021-05-01", "1950.00", "https://www.tellerreport.com/business/2021-09-16-%22hit-workers%22-benefit!-15-provinces-raised-their-minimum-wage-standards--up-to-300-yuan.ByzbezXlmK.html"),
    ("shandong", "山东", "2018-06-01", "1910.00", "https://www.finanznachrichten.de/nachrichten-2018-12/45606155-sgs-ag-china-minimum-wage-updates-2018-353.htm"),
    ("shanghai", "上海", "2025-07-01", "2740.00", "https://www.10100.com/article/1972071"),
    ("sichuan", "四川", "2025-01-01", "2330.00", "https://github.com/baijiahei-code/AttendanceDesktop/blob/9ae6de64da1d24da1079cf42203fb432b2cec939/app/wages.py"),
    ("tianjin", "天津", "2021-07-01", "2180.00", "https://github.com/dropod/issues/issues/21902"),
    ("xinjiang", "新疆", "2021-04-01", "1900.00", "https://www.tellerreport.com/business/2021-09-16-%22hit-workers%22-benefit!-15-provinces-raised-their-minimum-wage-standards--up-to-300-yuan.ByzbezXlmK.html"),
    ("xizang", "西藏", "2021-07-01", "1850.00", "https://tdminews.com/?p=171845"),
    ("yunnan", "云南", "2024-10-01", "2070.00", "http://formacion-profesional-a-distancia.com/china/2024-11/23/content_117565399.htm"),
    ("zhejiang", "浙江", "2026-01-01", "2660.00", "https://github.com/baijiahei-code/AttendanceDesktop/blob/9ae6de64da1d24da1079cf42203fb432b2cec939/app/wages.py"),
]
#: The regions with no confirmed figure at all: the file's header says so (MISSING), rather than guessing.
NO_FIGURE = ("ningxia", "shanxi")
REGIONS_31 = {row[0] for row in LATEST_TIER_1} | set(NO_FIGURE)


def shipped_file() -> tuple[str, dict]:
    text = resources.files("discipline").joinpath("minimum_wages.toml").read_text(encoding="utf-8")
    return text, tomllib.loads(text)


@pytest.mark.parametrize(("region", "zh", "since", "amount", "checked"), LATEST_TIER_1)
def test_each_regions_latest_figure_is_the_one_its_source_gives(region, zh, since, amount, checked):
    _, parsed = shipped_file()
    rows = [r for r in parsed["wage"] if r["region"] == region and r["tier"] == 1]
    latest = max(r["from"] for r in rows)
    assert {(r["region_zh"], str(r["from"]), r["amount"], r["checked"]) for r in rows if r["from"] == latest} >= {
        (zh, since, amount, checked)}


def test_the_file_is_complete_and_says_what_it_is_missing():
    """31 regions, each with rows or named in MISSING; every row complete, in order, a city in one tier of an
    adjustment, Chinese names beside every key; a city key names one city."""
    text, parsed = shipped_file()
    header = text.split("\n[[wage]]")[0]
    assert len(REGIONS_31) == 31
    for region in NO_FIGURE:
        assert re.search(rf"^# - {region}: everything", header, re.MULTILINE)
    keys = ("region", "region_zh", "tier", "cities", "cities_zh", "from", "amount", "social_insurance_included",
            "document", "number", "published", "checked")
    rows = parsed["wage"]
    assert {r["region"] for r in rows} == REGIONS_31 - set(NO_FIGURE)
    placed: dict[tuple[str, object], list[str]] = {}
    names: dict[str, str] = {}
    for row in rows:
        assert set(row) == set(keys), row
        assert len(row["cities"]) == len(row["cities_zh"]), row
        assert Decimal(row["amount"]) == Decimal(row["amount"]).quantize(Decimal("0.01")) > 1000
        assert row["checked"].startswith("http") and row["document"]
        placed.setdefault((row["region"], row["from"]), []).extend(row["cities"])
        for city, city_zh in zip(row["cities"], row["cities_zh"], strict=True):
            assert names.setdefault(city, city_zh) == city_zh, city  # one key, one city (taizhou_zhejiang, …)
    assert all(len(cities) == len(set(cities)) for cities in placed.values())
    assert rows == sorted(rows, key=lambda r: (r["region"], r["from"], r["tier"]))
    assert {r["region"]: r["social_insurance_included"] for r in rows if r["region"] in ("shanghai", "beijing")} == {
        "shanghai": False, "beijing": False}


def test_a_city_is_unknown_after_an_adjustment_that_does_not_place_it_or_is_unconfirmed():
    floors = minimum_wages.shipped()
    assert floors.at("guangzhou", dt.date(2020, 12, 31)).amount == Decimal("2100.00")  # 2018-07-01
    assert "adjusted its minimum wages on 2021-01-01" in floors.at("guangzhou", dt.date(2021, 6, 30)).en
    assert floors.at("guangzhou", dt.date(2025, 3, 31)).amount == Decimal("2500.00")
    assert floors.at("shanghai", dt.date(2017, 3, 31)).en == (
        "the minimum wage of shanghai on 2017-03-31 is not known (the data starts on 2017-04-01)")
    assert floors.at("lasa", dt.date(2026, 11, 30)).en.startswith("xizang adjusted its minimum wages on 2023-01-01")


# ─── through the command line ───────────────────────────────────────────────────────────────────

ROSTER = ("id,name,store,team,role,supervisor,base_wage,bonus,shift,city\n"
          "Z01,陈静,深圳店,A,key_account,,2800,0,store,深圳市\n"
          "Z02,黄磊,成都店,A,key_account,,2800,0,store,Chengdu\n"
          "Z03,周敏,苏州店,A,key_account,,6000,0,store,苏州\n")


@pytest.fixture
def chain():
    with shop_at("2026-12-05 10:00:00+08:00", ROSTER, "--effective", "2026-10-01"):
        yield


def test_a_shenzhen_and_a_chengdu_roster_import_and_cap_on_their_floors(chain):
    """A gift undelivered of 50 yuan: 10 × 50 = 500 due each. Shenzhen 2800 − 2520 = 280 deducted, 220
    carried; Chengdu 2800 − 2330 = 470 deducted, 30 carried. 深圳市 and Chengdu were read as the cities."""
    assert {p["id"]: p["city"] for p in data("staff", "list", "--json")} == {
        "Z01": "shenzhen", "Z02": "chengdu", "Z03": "suzhou"}
    for who in ("Z01", "Z02"):
        run("log", who, "keyaccount.gift_undelivered", "--value", "50", "--at", "2026-11-10 10:00")
    rows = {s["staff_id"]: s for s in data("payroll", "2026-11", "--format", "json")}
    assert [(rows[w]["minimum_wage"], rows[w]["cap"], rows[w]["deducted"], rows[w]["carried_out"])
            for w in ("Z01", "Z02")] == [("2520.00", "280.00", "280.00", "220.00"),
                                         ("2330.00", "470.00", "470.00", "30.00")]


def test_no_known_minimum_wage_is_logged_priced_capped_at_the_share_and_listed_first(chain, monkeypatch):
    """Suzhou is in none of Jiangsu's tiers of 2026-01-01 the data confirms: Z03's event is logged and priced
    (10 × 200 = 2000), the cap is 20 % of 6000 = 1200, 800 carries; the payroll lists Z03 first and says why,
    in every format, and so does the scorecard."""
    monkeypatch.delenv("DISCIPLINE_LANG")
    run("log", "Z03", "keyaccount.gift_undelivered", "--value", "200", "--at", "2026-11-10 10:00")
    first = data("payroll", "2026-11", "--format", "json")[0]
    assert (first["staff_id"], first["minimum_wage"], first["cap"], first["deducted"], first["carried_out"]) == (
        "Z03", None, "1200.00", "1200.00", "800.00")
    assert first["cap_not_computed"] == (
        "cap not computed: no minimum wage known for suzhou in 2026-11 (jiangsu adjusted its minimum wages on "
        "2026-01-01, and the data does not confirm which tier suzhou is in); at most 20 % of the wage is deducted")
    csv_rows = run("payroll", "2026-11", "--format", "csv").stdout.splitlines()
    assert csv_rows[1].startswith("Z03,") and csv_rows[1].endswith(
        ",未按最低工资核算扣款上限：2026-11无苏州（suzhou）的已知最低工资（江苏（jiangsu）自 2026-01-01 起调整了最低工资，"
        "但数据中未确认苏州（suzhou）属于哪一档），本月至多扣工资的20%,6000.00,0.00")
    page = run("payroll", "2026-11", "--format", "html").stdout
    assert "扣款上限未按最低工资核算" in page and "1200.00*" in page
    card = run("scorecard", "Z03", "--month", "2026-11").stdout
    assert "! 未按最低工资核算扣款上限：2026-11无苏州（suzhou）的已知最低工资" in card
    assert "依法扣款上限为1200.00元（未按最低工资核算扣款上限" in card


def test_the_rule_tables_own_floor_overrides_the_shipped_one():
    """A company floor of 2700 for Shenzhen from 2026-01-01, above the law's 2520: a 2800 wage may lose only
    100 (2800 − 2700); minwage says the table's floor applies. (init reads ./rules.toml.)"""
    rules = shipped_rules_path().read_text(encoding="utf-8") + (
        '\n[[minimum_wage]]\ncity = "shenzhen"\nzh = "深圳"\nfrom = 2026-01-01\namount = "2700.00"\n')
    Path("rules.toml").write_text(rules, encoding="utf-8")
    with shop_at("2026-12-05 10:00:00+08:00", ROSTER, "--effective", "2026-10-01"):
        run("log", "Z01", "keyaccount.gift_undelivered", "--value", "50", "--at", "2026-11-10 10:00")
        row = next(s for s in data("payroll", "2026-11", "--format", "json") if s["staff_id"] == "Z01")
        assert (row["minimum_wage"], row["cap"], row["deducted"]) == ("2700.00", "100.00", "100.00")
        shown = run("minwage", "shenzhen", "--lang", "en").stdout
        assert "shenzhen on 2026-12-05: minimum wage 2700.00 yuan a month" in shown
        assert "the rule table's own floor of 2700.00 yuan from 2026-01-01 applies" in shown


def test_minwage_shows_the_amount_its_source_and_refuses_an_unknown_city(chain, monkeypatch):
    monkeypatch.delenv("DISCIPLINE_LANG")
    assert run("minwage", "深圳").stdout.splitlines()[:3] == [
        "深圳（shenzhen） 2026-12-05：最低工资每月2520.00元",
        "  法定标准：广东第1档 2520.00元，自 2025-03-01 起",
        "  依据：广东省人民政府关于调整我省企业职工最低工资标准的通知（粤府函〔2025〕23号），广东省人民政府"]
    assert "2480.00" in run("minwage", "上海市", "--at", "2020-12-31").stdout
    assert "不含个人缴纳的社会保险费和住房公积金" in run("minwage", "shanghai").stdout
    assert refused("minwage", "shenzen") == (
        "Error: 没有城市'shenzen'的最低工资数据；是不是 shenzhen 深圳？；'discipline minwage --all' 列出所有城市，"
        "规则表中加一条 [[minimum_wage]]（city、zh、from、amount）即可添加")
    assert "taizhou_jiangsu 泰州" in refused("minwage", "taizhou")
    listed = data("minwage", "--json")
    assert [(c["city"], c["amount"]) for c in listed] == [
        ("chengdu", "2330.00"), ("shenzhen", "2520.00"), ("suzhou", None)]
    assert listed[1]["law"]["number"] == "粤府函〔2025〕23号"


def test_minwage_check_names_the_cities_not_adjusted_for_two_years(chain, monkeypatch):
    """On 2026-12-05 Shenzhen (2025-03-01) and Chengdu (2025-01-01) are current and Suzhou has no known floor;
    on 2027-03-02 Chengdu's is over two years old (730 days), Shenzhen's not yet."""
    monkeypatch.delenv("DISCIPLINE_LANG")
    assert run("minwage", "check").stdout == (
        "suzhou：现在没有已知的最低工资（'discipline minwage suzhou' 说明原因）；请查找该地的最低工资通知，在规则表中添加\n")
    with freeze_time("2027-03-02 10:00:00+08:00"):
        assert run("minwage", "check", "--lang", "en").stdout.splitlines()[0] == (
            "chengdu: its latest known adjustment is of 2025-01-01, over two years ago; look for a newer notice "
            "and update the data")
    run("staff", "set", "Z03", "city=深圳")
    assert run("minwage", "check").stdout == "花名册上的2个城市的最低工资都在两年内调整过\n"


def test_a_roster_city_nobody_knows_is_refused_with_the_nearest_names(chain):
    Path("more.csv").write_text(ROSTER.replace("深圳市", "Shenzen"), encoding="utf-8")
    message = refused("staff", "import", "more.csv")
    assert "city 'Shenzen' has no known minimum wage; did you mean shenzhen 深圳?" in message
    assert "'discipline minwage' lists the cities" in message


@pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"{SAMPLES} is not present")
def test_the_december_2020_zkteco_export_derives_and_caps_with_shanghais_2020_floor():
    """The checkhelper sample (a ZKTeco USB export, 2020-12-01 … 12-10) for a Shanghai store of four whose
    machine numbers are in it. Pin 50 (S03) punched nothing on 12-02, 12-08, 12-09 and 12-10: four
    absences at one day's base wage each, 2800 ÷ 21.75 = 128.74, so 514.96 due. Shanghai's floor in
    December 2020 is 2480 (from 2019-04-01): the cap is min(20 % × 2800 = 560, 2800 − 2480 = 320) = 320.00,
    and 194.96 carries into January."""
    roster = ("id,name,store,team,role,supervisor,base_wage,bonus,shift,city,pin\n"
              "S01,王芳,静安店,A,guide,,2800,0,store,上海,583\n"
              "S02,李娜,静安店,A,guide,,2800,0,store,上海,517\n"
              "S03,张伟,静安店,A,guide,,2800,0,store,上海,50\n"
              "S04,刘洋,静安店,A,guide,,2800,0,store,上海,562\n")
    with shop_at("2021-01-05 10:00:00+08:00", roster, "--effective", "2020-11-01"):
        run("punches", "import", str(SAMPLES / "checkhelper-1_attlog.dat"))
        run("attendance", "derive", "2020-12")
        s03 = next(s for s in data("payroll", "2020-12", "--format", "json") if s["staff_id"] == "S03")
        absences = [line for line in s03["lines"] if line["rule"] == "attendance.absenteeism"]
        assert [line["at"][:10] for line in absences] == ["2020-12-02", "2020-12-08", "2020-12-09", "2020-12-10"]
        assert {line["amount"] for line in absences} == {"128.74"}
        assert (s03["minimum_wage"], s03["due"], s03["cap"], s03["deducted"], s03["carried_out"]) == (
            "2480.00", "514.96", "320.00", "320.00", "194.96")
    assert json.loads(json.dumps(s03))  # the statement is plain JSON
