"""A deterministic chain of stores for the speed benchmark: roster, a year of events, a month of punches.

Run it from the project folder (the venv active, for ``chinese_calendar``)::

    python bench/chain.py --stores 200 --dir /tmp/chain-200 --seed 1

It writes, into ``--dir``:

``roster.csv``
    The roster in the product's import format (``discipline staff import``). Stores alternate:
    odd-numbered ``S0001``, ``S0003``… follow the store floor policy (points), even-numbered ones are
    car showrooms (yuan). 15 staff each, ids ``S0001-01`` … ``S0001-15``, unique across the chain.

    * store policy (shift ``store``): ``-01`` store_lead (supervisor: the manager_assistant), ``-02``
      manager_assistant (top), ``-03`` … ``-15`` guides (supervisor: the store lead);
    * showroom (shift ``showroom``): ``-01`` sales_manager (top), ``-02``/``-03`` group_leaders of
      teams ``<store>-A``/``<store>-B``, ``-04`` … ``-10`` seven consultants (four in A, three in B;
      supervisor: their group leader), then five_s, sales_assistant, key_account, marketing, clerk
      (supervisor: the sales manager): fifteen people, as the benchmark issue asks, so seven
      consultants rather than eight (which would make sixteen).

    Team names carry the store (``S0002-A``): the engine finds the payer of ``team:T`` among the whole
    roster, so a chain-wide team ``A`` would have a thousand group leaders and be refused.
``events-YYYY-MM.csv``
    One file per month, 2025-11 … 2026-10, in the ``discipline events import`` format: about 5.5
    violations per person per month (people differ: five propensity classes around that mean), on
    China's official workdays, in working hours, over every rule valid for the store kind and the
    person's role, with counts, items, values, losses, outcomes, supervision lapses, liability rules
    (``charged_to``) and a few ``team:<store>-A`` window-open events.
``punches-2026-10.csv``
    Plain ``staff,time`` punches (``discipline punches import --format csv``): an in- and an out-punch
    per person per official workday of 2026-10, mostly on time, with a seeded few late, early, single
    missing punches and whole days absent.

The last line on stdout is a JSON summary (stores, staff, events, punches, seconds). The same
``--seed`` and ``--stores`` always give the same bytes. Rows are written in batches through the
``csv`` module; nothing holds more than one person's month in memory.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import datetime as dt
import json
import math
import random
import time
from collections.abc import Callable
from pathlib import Path

import chinese_calendar

#: The year of events: 2025-11 … 2026-10, a year ending the month before "now" (2026-11).
MONTHS = tuple((2025 + (10 + i) // 12, (10 + i) % 12 + 1) for i in range(12))
PUNCH_MONTH = (2026, 10)
EVENTS_PER_PERSON_MONTH = 5.5
#: Propensity classes (equally likely): multipliers of the mean, averaging exactly 1.
PROPENSITY = (0.3, 0.65, 1.0, 1.35, 1.7)
ROSTER_COLUMNS = ("id", "name", "store", "team", "role", "supervisor", "base_wage", "bonus", "shift", "city",
                  "hired", "left")
EVENT_COLUMNS = ("staff", "rule", "at", "count", "items", "value", "loss", "outcome", "lapse", "charge", "note",
                 "by")

QUALITY_ITEMS = ("爱岗敬业", "严以律己", "以诚待人", "积极工作的心态", "创造性思维", "持续学习")
CIVILITY_ITEMS = ("着装", "工牌", "文明用语", "言行举止")
GROOMING_ITEMS = ("发型", "手部", "工服", "站姿", "坐姿")
TOOLKIT_ITEMS = ("资料", "名片", "订单", "试乘试驾协议", "签字笔", "保险相关", "金融资料", "资料摘要")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国红玉梅鹏飞慧颖婷雪琳晨宇浩然子轩欣怡思远佳"
NOTES = ("", "", "", "", "店长现场发现", "巡店检查", "客户反映", "监控回看", "经理抽查", "晨会点名")

# Shift hours in minutes after midnight.
HOURS = {"store": (9 * 60, 17 * 60 + 30), "showroom": (8 * 60 + 30, 17 * 60 + 30)}

# -- roster -------------------------------------------------------------------------------------------

STORE_ROLES = ("store_lead", "manager_assistant") + ("guide",) * 13
SHOWROOM_ROLES = (("sales_manager", "group_leader", "group_leader") + ("consultant",) * 7
                  + ("five_s", "sales_assistant", "key_account", "marketing", "clerk"))
#: Monthly (base, bonus) ranges in yuan, by role.
WAGES = {
    "guide": ((3000, 4200), (500, 1500)), "store_lead": ((5000, 6500), (1500, 3000)),
    "manager_assistant": ((6000, 8000), (1000, 2500)), "sales_manager": ((8000, 12000), (5000, 10000)),
    "group_leader": ((5000, 6500), (3000, 5000)), "consultant": ((3000, 4000), (2000, 6000)),
    "five_s": ((3200, 3800), (300, 800)), "sales_assistant": ((4000, 5000), (500, 1500)),
    "key_account": ((4000, 5000), (2000, 4000)), "marketing": ((4500, 5500), (800, 1500)),
    "clerk": ((3800, 4500), (300, 800)),
}


def store_id(number: int) -> str:
    return f"S{number:04d}"


def store_kind(number: int) -> str:
    return "store" if number % 2 else "showroom"


def roster_rows(number: int, rng: random.Random) -> list[tuple[str, ...]]:
    """The 15 people of one store, in the roster's column order."""
    store = store_id(number)
    kind = store_kind(number)
    city = "shanghai" if rng.random() < 0.6 else "beijing"
    rows = []
    roles = STORE_ROLES if kind == "store" else SHOWROOM_ROLES
    for index, role in enumerate(roles, 1):
        person = f"{store}-{index:02d}"
        team, supervisor = "", ""
        if kind == "store":
            supervisor = {"store_lead": f"{store}-02", "manager_assistant": ""}.get(role, f"{store}-01")
        elif role == "group_leader":
            team, supervisor = f"{store}-{'A' if index == 2 else 'B'}", f"{store}-01"
        elif role == "consultant":
            in_a = index <= 7
            team, supervisor = f"{store}-{'A' if in_a else 'B'}", f"{store}-{'02' if in_a else '03'}"
        elif role != "sales_manager":
            supervisor = f"{store}-01"
        (base_lo, base_hi), (bonus_lo, bonus_hi) = WAGES[role]
        base = rng.randrange(base_lo, base_hi + 1, 50)
        bonus = rng.randrange(bonus_lo, bonus_hi + 1, 50)
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2))))
        hired = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randrange(0, 2800))  # up to 2025-08
        rows.append((person, name, store, team, role, supervisor, f"{base}.00", f"{bonus}.00", kind, city,
                     hired.isoformat(), ""))
    return rows


# -- the rule catalogue -------------------------------------------------------------------------------

# An option maker returns (count, items, value, loss, outcome) as CSV text.
Options = tuple[str, str, str, str, str]
NONE: Options = ("", "", "", "", "")


def plain(rng: random.Random) -> Options:
    return NONE


def count(rng: random.Random) -> Options:
    return (str(rng.choice((1, 1, 1, 1, 2, 2, 3))), "", "", "", "")


def day_count(rng: random.Random) -> Options:
    return (str(rng.choice((1, 1, 1, 1, 1, 2))), "", "", "", "")


def items_of(names: tuple[str, ...]) -> Callable[[random.Random], Options]:
    def make(rng: random.Random) -> Options:
        return ("", ";".join(rng.sample(names, rng.choice((1, 1, 1, 2, 2, 3)))), "", "", "")

    return make


def value(lo: int, hi: int) -> Callable[[random.Random], Options]:
    def make(rng: random.Random) -> Options:
        return ("", "", f"{rng.randrange(lo, hi + 1)}.{rng.randrange(100):02d}", "", "")

    return make


def loss(chance: float, lo: int, hi: int) -> Callable[[random.Random], Options]:
    """An optional (chance < 1) or required (chance = 1) actual loss."""

    def make(rng: random.Random) -> Options:
        if rng.random() >= chance:
            return NONE
        return ("", "", "", f"{rng.randrange(lo, hi + 1)}.{rng.choice(('00', '50', '80'))}", "")

    return make


def outcome(name: str, chance: float) -> Callable[[random.Random], Options]:
    """The rule-level amount, or the named outcome with ``chance``."""

    def make(rng: random.Random) -> Options:
        return ("", "", "", "", name) if rng.random() < chance else NONE

    return make


def badge(rng: random.Random) -> Options:
    return ("", "", "", "", "lost" if rng.random() < 0.3 else "damaged")


def borrow(rng: random.Random) -> Options:
    if rng.random() < 0.2:
        return ("", "", "", f"{rng.randrange(20, 300)}.00", "lost")
    return NONE


# Time slots: minutes after midnight, given the shift's (start, end).
def slot_day(rng: random.Random, start: int, end: int) -> int:
    return rng.randrange(start, end)


def slot_late(rng: random.Random, start: int, end: int) -> int:
    return start + rng.randrange(1, 46)


def slot_meeting(rng: random.Random, start: int, end: int) -> int:
    return start + rng.randrange(5, 26)


def slot_early(rng: random.Random, start: int, end: int) -> int:
    return end - rng.randrange(1, 61)


def slot_closing(rng: random.Random, start: int, end: int) -> int:
    return end - rng.randrange(1, 21)


Slot = Callable[[random.Random, int, int], int]
#: (code, roles or None for anyone, weight, options, time slot, special): special is "" or "team" (some
#: events logged against the offender's team) or "liable" (someone else in the store pays).
Spec = tuple[str, tuple[str, ...] | None, float, Callable[[random.Random], Options], Slot, str]

STORE_RULES: tuple[Spec, ...] = (
    ("conduct.quality", None, 4, items_of(QUALITY_ITEMS), slot_day, ""),
    ("conduct.civility", None, 6, items_of(CIVILITY_ITEMS), slot_day, ""),
    ("conduct.grooming", None, 8, items_of(GROOMING_ITEMS), slot_meeting, ""),
    ("attendance.morning_meeting", None, 8, plain, slot_meeting, ""),
    ("duty.cleanup", None, 7, count, slot_meeting, ""),
    ("duty.closing", None, 7, count, slot_closing, ""),
    ("duty.unfinished", None, 4, loss(0.3, 20, 400), slot_day, ""),
    ("attendance.late", None, 12, plain, slot_late, ""),
    ("attendance.early_leave", None, 5, plain, slot_early, ""),
    ("attendance.absent_post", None, 3, plain, slot_day, ""),
    ("conduct.private_business", None, 7, plain, slot_day, ""),
    ("conduct.off_post", None, 5, plain, slot_day, ""),
    ("conduct.teamwork", None, 1, plain, slot_day, ""),
    ("conduct.reception", None, 6, plain, slot_day, ""),
    ("conduct.complaining", None, 2, plain, slot_day, ""),
    ("attendance.absenteeism", None, 0.6, day_count, slot_day, ""),
    ("uniform.noncompliant", None, 2, outcome("serious", 0.1), slot_meeting, ""),
    ("uniform.not_returned", None, 0.05, value(150, 600), slot_day, ""),
)

CONSULTANT = ("consultant",)
SALES = ("consultant", "group_leader")
FRONT = ("five_s", "clerk", "sales_assistant", "marketing")
ANYONE_BUT_MARKETING = ("consultant", "group_leader", "sales_manager", "five_s", "sales_assistant", "key_account",
                        "clerk")
SHOWROOM_RULES: tuple[Spec, ...] = (
    ("showroom.grooming_meeting", None, 3, plain, slot_meeting, ""),
    ("showroom.after_meeting", None, 3, plain, slot_meeting, ""),
    ("showroom.desk", None, 3, plain, slot_day, ""),
    ("showroom.late", None, 12, plain, slot_late, ""),
    ("showroom.early_leave", None, 4, plain, slot_early, ""),
    ("showroom.private_errand", None, 2, plain, slot_day, ""),
    ("showroom.cleanup_reception", SALES, 5, plain, slot_day, ""),
    ("showroom.phone", SALES, 4, plain, slot_day, ""),
    ("showroom.phone_quote", SALES, 2, plain, slot_day, ""),
    ("showroom.absent_post", None, 4, plain, slot_day, ""),
    ("showroom.meeting_phone", None, 3, plain, slot_meeting, ""),
    ("showroom.meeting_absent", None, 0.3, outcome("dismissal", 0.05), slot_meeting, ""),
    ("showroom.meeting_late", None, 3, plain, slot_meeting, ""),
    ("showroom.misconduct", None, 3, plain, slot_day, ""),
    ("showroom.smoking_break", None, 2, plain, slot_day, ""),
    ("showroom.after_hours", None, 1, plain, slot_closing, ""),
    ("showroom.horseplay", None, 1, plain, slot_day, ""),
    ("showroom.customer_quarrel", SALES, 0.1, plain, slot_day, ""),
    ("showroom.sales_process", CONSULTANT, 3, plain, slot_day, ""),
    ("showroom.greeting", (*SALES, "five_s"), 5, count, slot_day, ""),
    ("showroom.smile", FRONT, 4, plain, slot_day, ""),
    ("showroom.evaluation_missed", ("group_leader",), 6, count, slot_closing, ""),
    ("showroom.sales_task", CONSULTANT, 1, outcome("dismissal", 0.05), slot_day, ""),
    ("showroom.front_desk", ("five_s", "consultant", "clerk"), 2, plain, slot_day, "liable"),
    ("showroom.toolkit", CONSULTANT, 5, items_of(TOOLKIT_ITEMS), slot_day, ""),
    ("showroom.sales_log", CONSULTANT, 1, plain, slot_closing, ""),
    ("showroom.posture", None, 3, plain, slot_day, ""),
    ("customer.duplicate_card", CONSULTANT, 3, count, slot_day, ""),
    ("customer.falsified", CONSULTANT, 0.05, plain, slot_day, ""),
    ("customer.card_destroyed", CONSULTANT, 1, count, slot_day, ""),
    ("customer.first_sms", CONSULTANT, 4, count, slot_closing, ""),
    ("customer.phone_script", ("five_s", "clerk"), 5, plain, slot_day, ""),
    ("keyaccount.gift_undelivered", ("key_account",), 2, value(50, 500), slot_day, ""),
    ("keyaccount.daily_quota", ("key_account",), 12, count, slot_closing, ""),
    ("keyaccount.false_report", ("key_account",), 0.3, plain, slot_day, ""),
    ("keyaccount.late_departure", ("key_account",), 6, plain, slot_late, ""),
    ("keyaccount.reports", ("key_account",), 4, plain, slot_closing, ""),
    ("marketing.roadshow", ("marketing",), 6, plain, slot_day, ""),
    ("marketing.roadshow_leads", CONSULTANT, 2, count, slot_day, ""),
    ("marketing.promotion", SALES, 2, plain, slot_day, ""),
    ("marketing.insert_failure", ("marketing",), 3, plain, slot_day, ""),
    ("marketing.insert_duty", ("marketing", "consultant"), 2, plain, slot_day, ""),
    ("marketing.pc_use", ANYONE_BUT_MARKETING, 0.5, plain, slot_day, ""),
    ("marketing.source_mismatch", CONSULTANT, 2, plain, slot_day, ""),
    ("marketing.customer_swap", CONSULTANT, 0.5, plain, slot_day, ""),
    ("marketing.ad_notice", ("marketing",), 4, plain, slot_day, ""),
    ("vehicle.stock_report", ("five_s",), 8, plain, slot_meeting, ""),
    ("vehicle.key_lost", ("five_s",), 1, loss(0.5, 50, 300), slot_day, ""),
    ("vehicle.window_open", ("five_s", "consultant"), 3, plain, slot_day, ""),
    ("vehicle.transfer_damage", ("five_s", "consultant"), 0.5, value(200, 3000), slot_day, ""),
    ("vehicle.unauthorised_use", None, 0.3, plain, slot_day, ""),
    ("vehicle.early_release", CONSULTANT, 0.5, plain, slot_day, ""),
    ("vehicle.stock_overdue", ("sales_assistant",), 4, day_count, slot_day, ""),
    ("vehicle.lunch_post", ("five_s", "sales_assistant", "clerk"), 3, plain, slot_day, ""),
    ("vehicle.tools_lost", ("consultant", "five_s"), 0.5, day_count, slot_day, "liable"),
    ("vehicle.board", ("sales_assistant",), 6, plain, slot_day, ""),
    ("vehicle.hygiene", ("five_s",), 4, day_count, slot_day, ""),
    ("vehicle.warehouse_visit", CONSULTANT, 1, plain, slot_day, "liable"),
    ("testdrive.key_register", SALES, 3, plain, slot_day, ""),
    ("testdrive.paperwork", SALES, 1, plain, slot_day, ""),
    ("testdrive.key_held", (*SALES, "five_s"), 3, plain, slot_day, ""),
    ("testdrive.window_open", CONSULTANT, 3, plain, slot_day, "team"),
    ("office.badge", None, 0.5, badge, slot_day, ""),
    ("office.borrow_late", None, 1, borrow, slot_day, ""),
    ("office.gift_unregistered", None, 1, plain, slot_day, ""),
    ("office.delivery_docs", CONSULTANT, 2, plain, slot_day, ""),
    ("office.file_late", None, 2, plain, slot_day, ""),
    ("office.file_lost", None, 0.3, plain, slot_day, ""),
    ("office.manual_lost", CONSULTANT, 0.3, loss(0.5, 50, 400), slot_day, ""),
    ("office.negligence", ("clerk",), 5, loss(0.4, 50, 800), slot_day, ""),
    ("uniform.noncompliant", None, 2, outcome("serious", 0.1), slot_meeting, ""),
    ("sales.customer_grab", SALES, 1, outcome("serious", 0.1), slot_day, ""),
    ("sales.provoking", None, 0.05, plain, slot_day, ""),
)

#: Chance that a store-policy event (offender with a supervisor) is also a supervision lapse.
STORE_LAPSE = 0.08
SHOWROOM_LAPSE = 0.02
#: Chance that a "team" event is logged against the team (nobody identified).
TEAM_CHANCE = 0.4


def catalogue(kind: str, role: str) -> tuple[list[Spec], list[float]]:
    """The rules a person of this role in this kind of store can break, with cumulative weights."""
    specs = [spec for spec in (STORE_RULES if kind == "store" else SHOWROOM_RULES)
             if spec[1] is None or role in spec[1]]
    cumulative, total = [], 0.0
    for spec in specs:
        total += spec[2]
        cumulative.append(total)
    return specs, cumulative


def poisson_cdf(mean: float, limit: int = 60) -> list[float]:
    cdf, term, total = [], math.exp(-mean), 0.0
    for k in range(limit):
        total += term
        cdf.append(total)
        term *= mean / (k + 1)
    return cdf


def workdays(year: int, month: int) -> list[dt.date]:
    day = dt.date(year, month, 1)
    days = []
    while day.month == month:
        if chinese_calendar.is_workday(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


# -- writers ------------------------------------------------------------------------------------------

def write_roster(path: Path, stores: int, seed: int) -> list[tuple[str, ...]]:
    rng = random.Random(f"{seed}:roster")
    people = []
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ROSTER_COLUMNS)
        for number in range(1, stores + 1):
            rows = roster_rows(number, rng)
            writer.writerows(rows)
            people.extend(rows)
    return people


def write_events(directory: Path, people: list[tuple[str, ...]], seed: int) -> int:
    """One events file per month; returns how many rows in all."""
    cdfs = [poisson_cdf(EVENTS_PER_PERSON_MONTH * factor) for factor in PROPENSITY]
    profile_rng = random.Random(f"{seed}:propensity")
    profiles = []
    catalogues: dict[tuple[str, str], tuple[list[Spec], list[float]]] = {}
    for person in people:
        person_id, _, store, team, role, supervisor, *_, shift, _city, _hired, _left = person
        kind = shift
        key = (kind, role)
        if key not in catalogues:
            catalogues[key] = catalogue(kind, role)
        lead = f"{store}-01"
        lapse = (STORE_LAPSE if kind == "store" else SHOWROOM_LAPSE) if supervisor else 0.0
        profiles.append((person_id, team, lead, lapse, HOURS[kind], catalogues[key],
                         cdfs[profile_rng.randrange(len(cdfs))]))
    total = 0
    for year, month in MONTHS:
        rng = random.Random(f"{seed}:events:{year}-{month:02d}")
        days = [day.isoformat() for day in workdays(year, month)]
        with (directory / f"events-{year}-{month:02d}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(EVENT_COLUMNS)
            for person_id, team, lead, lapse, (start, end), (specs, cumulative), cdf in profiles:
                n = bisect.bisect(cdf, rng.random())
                if not n:
                    continue
                rows = []
                for spec, day in zip(rng.choices(specs, cum_weights=cumulative, k=n), rng.choices(days, k=n),
                                     strict=True):
                    code, _, _, options, slot, special = spec
                    minute = slot(rng, start, end)
                    staff = person_id
                    if special == "team" and rng.random() < TEAM_CHANCE:
                        staff = f"team:{team}"
                    n_count, items, value_text, loss_text, outcome_name = options(rng)
                    lapsed = "yes" if special == "" and lapse and rng.random() < lapse else ""
                    by = lead if lead != person_id else ""
                    rows.append((staff, code, f"{day} {minute // 60:02d}:{minute % 60:02d}", n_count, items,
                                 value_text, loss_text, outcome_name, lapsed, "", rng.choice(NOTES), by))
                rows.sort(key=lambda row: row[2])
                writer.writerows(rows)
                total += len(rows)
    return total


def write_punches(path: Path, people: list[tuple[str, ...]], seed: int) -> int:
    """Two punches per workday per person, in time order within each day; returns how many."""
    rng = random.Random(f"{seed}:punches")
    shifts = [(person[0], HOURS[person[8]]) for person in people]
    total = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("staff", "time"))
        for day in workdays(*PUNCH_MONTH):
            date = day.isoformat()
            ins, outs = [], []
            for person_id, (start, end) in shifts:
                roll = rng.random()
                if roll < 0.004:  # absent all day
                    continue
                if roll < 0.030:  # late
                    arrive = start * 60 + rng.randrange(60, 50 * 60)
                else:
                    arrive = start * 60 - rng.randrange(1, 40 * 60)
                if roll < 0.030 or rng.random() > 0.015:
                    leave = end * 60 + rng.randrange(0, 60 * 60)
                else:  # early leave
                    leave = end * 60 - rng.randrange(60, 90 * 60)
                missing = rng.random()
                if missing >= 0.005:  # else the in-punch is missing
                    ins.append((arrive, person_id))
                if missing < 0.005 or missing >= 0.010:  # 0.005 … 0.010: the out-punch is missing
                    outs.append((leave, person_id))
            for seconds, person_id in sorted(ins) + sorted(outs):
                hours, rest = divmod(seconds, 3600)
                writer.writerow((person_id, f"{date} {hours:02d}:{rest // 60:02d}:{rest % 60:02d}"))
            total += len(ins) + len(outs)
    return total


def generate(stores: int, directory: Path, seed: int) -> dict[str, object]:
    directory.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    people = write_roster(directory / "roster.csv", stores, seed)
    events = write_events(directory, people, seed)
    punches = write_punches(directory / f"punches-{PUNCH_MONTH[0]}-{PUNCH_MONTH[1]:02d}.csv", people, seed)
    return {"stores": stores, "staff": len(people), "events": events, "punches": punches,
            "months": [f"{y}-{m:02d}" for y, m in MONTHS], "seconds": round(time.perf_counter() - started, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stores", type=int, required=True, help="How many stores (half of them showrooms).")
    parser.add_argument("--dir", type=Path, required=True, help="Where to write the files.")
    parser.add_argument("--seed", type=int, default=1, help="Same seed, same files.")
    args = parser.parse_args()
    if args.stores < 1 or args.stores > 9999:
        parser.error("--stores must be 1 … 9999")
    print(json.dumps(generate(args.stores, args.dir, args.seed)))


if __name__ == "__main__":
    main()
