"""Derive judges only what the punches cover, through the installed commands' CLI.

The clock stands on Saturday 2026-11-07 10:00 in Shanghai, so Monday 2 to Friday 6 November are
judged. Consultants earn a base wage of 4350.00, so a day of absence costs 4350 ÷ 21.75 = 200.00
(``attendance.absenteeism``: one day's base wage). SM1 does not punch (clock = no); the machine
knows the consultants by its own numbers 1001–1003 (the pin column).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import data, invoke, run, shop_at
from freezegun import freeze_time

ROSTER = """\
id,name,store,team,role,supervisor,base_wage,bonus,shift,city,hired,left,clock,pin
SM1,赵强,浦东展厅,,sales_manager,,9000,3000,showroom,shanghai,,,no,
C01,郑浩,浦东展厅,A,consultant,SM1,4350,1000,showroom,shanghai,,,,1001
C02,冯雪,浦东展厅,A,consultant,SM1,4350,1000,showroom,shanghai,,,,1002
C03,何军,浦东展厅,A,consultant,SM1,4350,1000,showroom,shanghai,,,,1003
L01,陈静,南京西路店,,store_lead,,5200,800,store,shanghai,,,,
G01,李娜,南京西路店,,guide,L01,3800,600,store,shanghai,,,,
"""
WEEK = (2, 3, 4, 5, 6)


def attlog(name: str, *days_by_pin: tuple[str, tuple[int, ...]], late: dict[tuple[str, int], str] | None = None,
           ) -> str:
    """A ZKTeco attlog.dat: each machine number punching in (08:20, or ``late``) and out (17:40) on its days."""
    lines = []
    for pin, days in days_by_pin:
        for day in days:
            start = (late or {}).get((pin, day), "08:20:00")
            lines += [f"{pin:>9}\t2026-11-{day:02d} {start}\t1\t0\t1\t0",
                      f"{pin:>9}\t2026-11-{day:02d} 17:40:00\t1\t1\t1\t0"]
    Path(name).write_text("\r\n".join(lines) + "\r\n", encoding="ascii")
    return name


def live_events() -> list[tuple[str, str, str]]:
    return sorted((e["staff_id"], e["rule"], e["at"][:10]) for e in data("events", "--json") if not e["voided"])


def salary(staff: str) -> str:
    return data("scorecard", staff, "--month", "2026-11", "--json")["salary_penalties"]


@pytest.fixture(autouse=True)
def shop():
    with shop_at("2026-11-07 10:00:00+08:00", ROSTER):
        yield


def test_a_partial_punch_file_judges_only_the_store_days_it_covers():
    """C01 and C02 punched on the 2nd and 3rd, nobody else all week: only C03's two days at the showroom are
    absences (400.00); the showroom's other days and the whole store are "no clock data"; SM1 is not judged.
    The dry run says so and changes nothing; the derive does the same for real, as a batch."""
    run("punches", "import", attlog("1_attlog.dat", ("1001", (2, 3)), ("1002", (2, 3))))
    dry = run("attendance", "derive", "2026-11", "--dry-run").stdout
    lines = dry.splitlines()
    assert lines[0] == "dry run: nothing was changed; this is what the derive would do"
    assert lines[1] == "2026-11: 2 events derived, 0 already in the log"
    assert any(line.split() == ["浦东展厅", "attendance.absenteeism", "2", "400.00", "0"] for line in lines)
    assert ("no clock data: nobody at 南京西路店 punched on 5 workday(s) (11-02, 11-03, 11-04, 11-05, 11-06), so "
            "nobody there was judged those days") in lines
    assert ("no clock data: nobody at 浦东展厅 punched on 3 workday(s) (11-04, 11-05, 11-06), so nobody there was "
            "judged those days") in lines
    assert "not judged (clock = no on the roster): SM1" in lines
    assert live_events() == []
    assert [b["command"] for b in data("batches", "--json")] == ["staff import", "punches import"]

    done = data("attendance", "derive", "2026-11", "--json")
    assert (done["derived"], done["batch"], done["by_rule"]) == (2, 3, [
        {"store": "浦东展厅", "rule": "attendance.absenteeism", "events": 2, "amount": "400.00", "points": "0"}])
    assert live_events() == [("C03", "attendance.absenteeism", "2026-11-02"),
                             ("C03", "attendance.absenteeism", "2026-11-03")]
    assert [salary(who) for who in ("C01", "C02", "C03", "SM1", "L01", "G01")] == [
        "0.00", "0.00", "400.00", "0.00", "0.00", "0.00"]


def test_no_punches_at_all_derive_nothing():
    """A month without a single punch: nobody is charged; every store's week is "no clock data"."""
    result = data("attendance", "derive", "2026-11", "--json")
    assert (result["derived"], result["batch"]) == (0, None)
    assert sorted({d["store"] for d in result["no_clock_data"]}) == ["南京西路店", "浦东展厅"]
    assert len(result["no_clock_data"]) == 10
    assert live_events() == []


def test_a_derive_charging_over_30_percent_of_a_stores_days_is_refused_unless_yes():
    """Only C01's punches for the 2nd–4th: 6 of the showroom's 9 staff-days judged would be absences (67 %).
    Refused in one sentence, nothing changed; a dry run shows them; --yes derives them (6 × 200.00)."""
    run("punches", "import", attlog("1_attlog.dat", ("1001", (2, 3, 4))))
    before = (run("events", "--json").stdout, run("batches", "--json").stdout)
    result = invoke("attendance", "derive", "2026-11")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "Error: refused: this would judge 浦东展厅 (6 of 9 staff-days, 67 %, on 2026-11-02, 11-03, 11-04) absent, "
        "more than 30 % of the days judged; a punch file is probably missing people or days — check with "
        "--dry-run, import the missing punches, or run again with --yes to derive them"]
    assert (run("events", "--json").stdout, run("batches", "--json").stdout) == before
    dry = data("attendance", "derive", "2026-11", "--dry-run", "--json")
    assert (dry["dry_run"], dry["derived"], dry["by_rule"][0]["amount"]) == (True, 6, "1200.00")
    assert (run("events", "--json").stdout, run("batches", "--json").stdout) == before
    done = data("attendance", "derive", "2026-11", "--yes", "--json")
    assert done["derived"] == 6
    assert [salary(who) for who in ("C01", "C02", "C03")] == ["0.00", "600.00", "600.00"]


def test_a_day_logged_by_hand_is_not_judged_again():
    """C03 was logged absent from post on the 2nd (he came: 20 yuan) and has no punch that day: not also
    absent. C02 was logged late by hand on the 3rd, and the punches say 08:45 too: one lateness (20), not
    two (20 + 40). Both conflicts are reported."""
    run("log", "C03", "showroom.absent_post", "--at", "2026-11-02 14:00")
    run("log", "C02", "showroom.late", "--at", "2026-11-03 08:45")
    run("punches", "import", attlog("1_attlog.dat", ("1001", WEEK), ("1002", WEEK), ("1003", (3, 4, 5, 6)),
                                    late={("1002", 3): "08:45:00"}))
    result = data("attendance", "derive", "2026-11", "--json")
    assert result["derived"] == 0
    assert [c["message"] for c in result["conflicts"]] == [
        "C03 2026-11-02: not judged absent; logged by hand that day: 空岗 showroom.absent_post (event 1)",
        "C02 2026-11-03: the punches' lateness not logged again; logged by hand that day: 迟到 showroom.late (event 2)"]
    assert data("scorecard", "C02", "--month", "2026-11", "--json")["fines"] == "20.00"
    c03 = data("scorecard", "C03", "--month", "2026-11", "--json")
    assert (c03["fines"], c03["salary_penalties"]) == ("20.00", "0.00")


def test_punches_are_matched_by_the_machines_own_number():
    """The file's 0001001 is C01's pin 1001 (leading zeros are the machine's padding); 9999 is nobody's and is
    listed; a second file lists only its own unknown number, 8888."""
    result = run("punches", "import", attlog("a.dat", ("0001001", (2,)), ("1002", (2,)), ("1003", (2,)),
                                             ("9999", (2,))))
    assert result.stdout.startswith("8 punches read, 8 new (batch 2)")
    assert "1 machine number(s) in this file are nobody's on the roster: 9999 (2)" in result.stderr
    second = run("punches", "import", attlog("b.dat", ("1001", (3,)), ("8888", (3,))))
    assert "8888 (2)" in second.stderr and "9999" not in second.stderr
    assert data("attendance", "derive", "2026-11", "--json")["conflicts"] == []
    assert {p["id"]: p["pin"] for p in data("staff", "list", "--json")}["C01"] == "1001"


def test_two_people_with_one_machine_number_are_refused():
    """A roster row giving C04 the number 01001, which is C01's 1001: refused, nothing imported."""
    Path("more.csv").write_text("id,name,store,role,supervisor,base_wage,city,pin\n"
                                "C04,许晴,浦东展厅,consultant,SM1,4000,shanghai,01001\n", encoding="utf-8")
    result = invoke("staff", "import", "more.csv")
    assert result.exit_code == 2
    assert "line 2: C04 and C01 have the same attendance-machine number 01001" in result.stderr
    assert "C04" not in run("staff", "list").stdout


def test_undoing_a_punch_batch_lets_the_next_derive_withdraw_what_it_supported():
    """C01 late on the 3rd (08:40: 20 yuan), derived from batch 2. Undo the punches: the next derive withdraws
    the lateness (the week has no clock data left). Importing the file again brings it back."""
    run("punches", "import", attlog("1_attlog.dat", ("1001", WEEK), ("1002", WEEK), ("1003", WEEK),
                                    late={("1001", 3): "08:40:00"}))
    assert data("attendance", "derive", "2026-11", "--json")["derived"] == 1
    assert data("scorecard", "C01", "--month", "2026-11", "--json")["fines"] == "20.00"
    undone = run("undo", "2", "--reason", "the machine's clock was an hour off").stdout
    assert undone == ("batch 2 undone (batch 4): 30 punches withdrawn; run 'discipline attendance derive 2026-11' "
                      "to withdraw what they supported\n")
    again = data("attendance", "derive", "2026-11", "--json")
    assert (again["derived"], again["withdrawn"]) == (0, 1)
    assert data("scorecard", "C01", "--month", "2026-11", "--json")["fines"] == "0.00"
    assert run("punches", "import", "1_attlog.dat").stdout.startswith("30 punches read, 30 new (batch 6)")
    assert data("attendance", "derive", "2026-11", "--json")["derived"] == 1
    assert live_events() == [("C01", "showroom.late", "2026-11-03")]


def test_undoing_a_derive_withdraws_its_events_and_a_later_derive_judges_again():
    """Undo of a derive: its two absences go (400.00 back); the next derive judges those days again."""
    run("punches", "import", attlog("1_attlog.dat", ("1001", WEEK), ("1002", WEEK), ("1003", (2, 3, 4))))
    run("attendance", "derive", "2026-11")
    assert salary("C03") == "400.00"
    undone = data("undo", "3", "--reason", "leave not yet entered", "--json")
    assert (undone["events"], [(c["before"], c["after"]) for c in undone["changed"]]) == (
        2, [("200.00", "0.00"), ("200.00", "0.00")])
    assert salary("C03") == "0.00"
    run("leave", "import", _leave("C03,2026-11-05,full"))
    assert data("attendance", "derive", "2026-11", "--json")["derived"] == 1
    assert live_events() == [("C03", "attendance.absenteeism", "2026-11-06")]


def _leave(*rows: str) -> str:
    Path("leave.csv").write_text("staff,date,part\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return "leave.csv"


def test_a_month_imported_a_day_at_a_time_is_refused_when_its_absences_add_up():
    """Only C01 punches, one file a day. The 2nd's derive adds C02's and C03's absences (2 of 3: under three
    absences, allowed); the 3rd's brings the showroom to 4 of its 6 judged staff-days absent (67 %): refused,
    though that run adds only two. A dry run says so, and names no batch."""
    run("punches", "import", attlog("d2.dat", ("1001", (2,))))
    assert data("attendance", "derive", "2026-11", "--json")["derived"] == 2
    run("punches", "import", attlog("d3.dat", ("1001", (3,))))
    result = invoke("attendance", "derive", "2026-11")
    assert result.exit_code == 2
    assert "this would judge 浦东展厅 (4 of 6 staff-days, 67 %, on 2026-11-02, 11-03) absent" in result.stderr
    dry = data("attendance", "derive", "2026-11", "--dry-run", "--json")
    assert dry["refused_without_yes"].startswith("this would judge 浦东展厅 (4 of 6 staff-days, 67 %")
    assert (dry["derived"], dry["batch"]) == (2, None)
    text = run("attendance", "derive", "2026-11", "--dry-run").stdout
    assert text.splitlines()[1].startswith("warning: without --yes the derive is refused: this would judge 浦东展厅")


def test_one_day_of_a_partial_file_is_refused_though_the_month_looks_fine():
    """Four consultants punch the whole first week; a file for Monday the 9th holds only C01. C02–C04 would be
    absent: 3 of the 4 judged that day (75 %), though the month's 3 of 24 staff-days is under 30 %. Refused,
    naming the day."""
    Path("more.csv").write_text("id,name,store,role,supervisor,base_wage,city,shift,pin\n"
                                "C04,许晴,浦东展厅,consultant,SM1,4350,shanghai,showroom,1004\n", encoding="utf-8")
    run("staff", "import", "more.csv")
    run("punches", "import", attlog("week.dat", *((pin, WEEK) for pin in ("1001", "1002", "1003", "1004"))))
    assert data("attendance", "derive", "2026-11", "--json")["derived"] == 0
    run("punches", "import", attlog("monday.dat", ("1001", (9,))))
    with freeze_time("2026-11-10 10:00:00+08:00"):
        result = invoke("attendance", "derive", "2026-11")
    assert result.exit_code == 2
    assert "this would judge 浦东展厅 (3 of 4 staff-days, 75 %, on 2026-11-09) absent" in result.stderr


def test_undoing_an_older_punch_file_keeps_the_punches_a_later_file_holds_too():
    """A first export (batch 2), then a fuller re-export holding the same punches and one more (batch 3).
    Undoing the first withdraws nothing: batch 3 holds every punch; the derive keeps C01's lateness."""
    run("punches", "import", attlog("first.dat", ("1001", WEEK), ("1002", WEEK), ("1003", WEEK),
                                    late={("1001", 3): "08:40:00"}))
    text = Path("first.dat").read_text(encoding="ascii")
    Path("full.dat").write_text(text + "     1002\t2026-11-06 12:00:00\t1\t0\t1\t0\r\n", encoding="ascii")
    assert run("punches", "import", "full.dat").stdout.startswith("31 punches read, 1 new (batch 3)")
    run("attendance", "derive", "2026-11")
    assert run("undo", "2", "--reason", "superseded by the full export").stdout.startswith(
        "batch 2 undone (batch 5): 0 punches withdrawn")
    assert data("attendance", "derive", "2026-11", "--json")["withdrawn"] == 0
    assert live_events() == [("C01", "showroom.late", "2026-11-03")]
    run("undo", "3", "--reason", "both were the wrong machine")
    assert data("attendance", "derive", "2026-11", "--json")["withdrawn"] == 1


def test_staff_ids_with_a_colon_and_a_machine_number_passed_on():
    """Ids like G:1 are judged like any other; a number may pass to a new hire once its owner has left: C03
    left on the 3rd and C05 has his 1003 from the 4th, so 1003's punches are C03's on the 2nd and 3rd and
    C05's after. C05: absent on the 4th, late on the 5th (08:45); G:1 punched only on the 2nd and 3rd."""
    Path("more.csv").write_text("id,name,store,role,supervisor,base_wage,city,shift,pin,hired,left\n"
                                "C03,何军,浦东展厅,consultant,SM1,4350,shanghai,showroom,1003,,2026-11-03\n"
                                "C05,林琳,浦东展厅,consultant,SM1,4350,shanghai,showroom,1003,2026-11-04,\n"
                                "G:1,李娜,浦东展厅,consultant,SM1,4350,shanghai,showroom,1009,2026-01-05,\n",
                                encoding="utf-8")
    run("staff", "import", "more.csv")
    run("punches", "import", attlog("1_attlog.dat", ("1001", WEEK), ("1002", WEEK), ("1003", (2, 3, 5, 6)),
                                    ("1009", (2, 3)), late={("1003", 5): "08:45:00"}))
    assert data("attendance", "derive", "2026-11", "--json")["derived"] == 5
    assert live_events() == [("C05", "attendance.absenteeism", "2026-11-04"), ("C05", "showroom.late", "2026-11-05"),
                             ("G:1", "attendance.absenteeism", "2026-11-04"),
                             ("G:1", "attendance.absenteeism", "2026-11-05"),
                             ("G:1", "attendance.absenteeism", "2026-11-06")]


def test_undoing_a_punch_file_of_a_closed_month_says_what_stays():
    """October closed: undoing its punch file withdraws the punches, and says October's derived events stay
    (derive refuses a closed month), instead of advising a derive that would be refused."""
    with freeze_time("2026-10-31 10:00:00+08:00"):
        Path("oct.csv").write_text("staff,time\n1001,2026-10-30 08:20:00\n1001,2026-10-30 17:40:00\n",
                                   encoding="utf-8")
        run("punches", "import", "oct.csv")
    run("close", "2026-10")
    out = run("undo", "2", "--reason", "wrong machine").stdout
    assert out == ("batch 2 undone (batch 3): 2 punches withdrawn\n2026-10 closed for payroll: what these punches "
                   "supported there stays; withdraw it with 'discipline undo' of that derive, or 'discipline void'\n")
