"""``discipline demo``: a sample store and showroom with a month of events, through the product's own paths.

The demo builds its own database in the folder it is given (``demo/demo.db`` by default, rebuilt on
every run), imports a roster CSV, logs October 2026's violations as store leads would, imports a
month of punches and derives attendance from them, then writes what payroll and staff read::

    demo/payroll-2026-10.csv     the payroll file for Excel (UTF-8 with BOM)
    demo/payroll-2026-10.html    per store: deductions, totals, dispositions, a chart by rule
    demo/payroll-2026-10.json
    demo/scorecards/<id>.html    one printable notice per person, and .txt for the terminal

Its clock is fixed at 2026-11-02 09:00 in the store's zone, so the output is the same on every run.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from . import payroll, reports, service, statements, versions
from .atomicfile import write_atomic
from .model import Event, RuleTable
from .rules import read_text
from .storage import Store

MONTH = "2026-10"

ROSTER = """\
id,name,store,team,role,supervisor,base_wage,bonus,shift,city,hired,left
L01,陈静,南京西路店,,store_lead,M01,5200,800,store,shanghai,2024-03-01,
M01,周敏,南京西路店,,manager_assistant,,6500,1000,store,shanghai,2023-06-01,
G01,李娜,南京西路店,,guide,L01,3800,600,store,shanghai,2025-02-10,
G02,王芳,南京西路店,,guide,L01,3600,400,store,shanghai,2025-08-01,
G03,刘洋,南京西路店,,guide,L01,3045,300,store,shanghai,2026-01-05,
SM1,赵强,浦东展厅,,sales_manager,,9000,3000,showroom,shanghai,2022-09-01,
GA1,孙磊,浦东展厅,A,group_leader,SM1,6000,1500,showroom,shanghai,2023-04-01,
GB1,吴婷,浦东展厅,B,group_leader,SM1,6000,1500,showroom,shanghai,2023-04-01,
C01,郑浩,浦东展厅,A,consultant,GA1,4000,1000,showroom,shanghai,2024-07-01,
C02,冯雪,浦东展厅,A,consultant,GA1,4200,1200,showroom,shanghai,2024-11-01,
C03,何军,浦东展厅,B,consultant,GB1,3900,800,showroom,shanghai,2025-05-01,
C04,许晴,浦东展厅,B,consultant,GB1,6000,0,showroom,shanghai,2025-06-01,
F01,马超,浦东展厅,,five_s,SM1,3500,300,showroom,shanghai,2024-01-01,
A01,林琳,浦东展厅,,sales_assistant,SM1,4500,500,showroom,shanghai,2023-10-01,
K01,黄涛,浦东展厅,,key_account,SM1,5000,2000,showroom,shanghai,2024-02-01,
MK1,高远,浦东展厅,,marketing,SM1,4800,600,showroom,shanghai,2024-05-01,
CL1,罗琴,浦东展厅,,clerk,SM1,4000,300,showroom,shanghai,2023-01-01,
"""

#: (staff, rule, local time, options) — a varied month, as store leads would log it.
EVENTS: tuple[tuple[str, str, str, dict[str, object]], ...] = (
    ("G01", "conduct.civility", "2026-10-09 09:10", {"items": ("工牌",), "note": "工牌未佩戴"}),
    ("G02", "duty.cleanup", "2026-10-12 09:20", {"count": 2, "lapse": True, "note": "卫生、设备均未检查"}),
    ("G03", "conduct.private_business", "2026-10-14 15:00", {"note": "上班时间玩手机"}),
    ("G01", "attendance.absent_post", "2026-10-16 14:00", {}),
    ("G02", "duty.unfinished", "2026-10-20 17:40", {"loss": "35.50", "note": "陈列未完成,样品损坏"}),
    ("G03", "conduct.quality", "2026-10-22 11:00", {"items": ("积极工作的心态", "持续学习")}),
    ("L01", "duty.closing", "2026-10-23 17:35", {"count": 1}),
    ("C01", "showroom.grooming_meeting", "2026-10-09 08:30", {"note": "未穿工装参加晨会"}),
    ("C01", "showroom.toolkit", "2026-10-13 10:30", {"items": ("订单", "金融资料", "资料摘要")}),
    ("C02", "showroom.phone", "2026-10-13 15:20", {}),
    ("C03", "showroom.greeting", "2026-10-14 10:05", {"count": 2}),
    ("team:B", "testdrive.window_open", "2026-10-15 18:00", {"note": "试驾车车窗未关,无法确定责任人"}),
    ("C03", "vehicle.warehouse_visit", "2026-10-16 11:00", {}),
    ("K01", "keyaccount.gift_undelivered", "2026-10-19 16:00", {"value": "80", "note": "礼品未送达客户"}),
    ("K01", "keyaccount.daily_quota", "2026-10-20 18:00", {"count": 3}),
    ("C04", "sales.customer_grab", "2026-10-21 14:00", {"outcome": "serious", "note": "与同事争抢客户,情节严重"}),
    ("C02", "uniform.noncompliant", "2026-10-22 08:35", {}),
    ("F01", "vehicle.key_lost", "2026-10-22 17:00", {"loss": "120"}),
    ("A01", "office.badge", "2026-10-23 09:30", {"outcome": "damaged"}),
    ("MK1", "marketing.insert_duty", "2026-10-24 18:00", {}),
    ("C01", "marketing.insert_duty", "2026-10-24 18:00", {}),
    ("C02", "marketing.promotion", "2026-10-25 12:00", {}),
    ("GA1", "marketing.promotion", "2026-10-25 12:00", {}),
    ("GA1", "showroom.evaluation_missed", "2026-10-26 17:00", {"count": 2}),
    ("C03", "showroom.sales_task", "2026-10-27 10:00", {}),
    ("CL1", "office.negligence", "2026-10-28 16:00", {"loss": "200", "note": "合同归档错误导致客户资料丢失"}),
    ("C02", "testdrive.paperwork", "2026-10-29 15:00", {}),
)

#: Withdrawn after an appeal, to show a void in the log: (rule of the event, reason).
APPEAL = ("showroom.phone", "客户来电为预约试驾,经核实不属违规 (the call was a booked test drive)")
NOW = dt.datetime(2026, 11, 2, 9, 0)


def build(directory: Path, table: RuleTable) -> list[Path]:
    """Build the demo in ``directory`` and return the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    db_path = directory / "demo.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    tz = table.zone
    now = NOW.replace(tzinfo=tz)
    store = Store(db_path, create=True)
    store.migrate()
    table = versions.publish(store, read_text(Path(table.path)), name=table.path, effective=None,
                             published=now.date(), by="demo", retroactive=False, now=now).version.table
    service.import_staff(store, table, ROSTER.encode("utf-8"), now=now)
    for staff_id, rule, when, options in EVENTS:
        at = dt.datetime.fromisoformat(when).replace(tzinfo=tz)
        by = "L01" if staff_id.startswith("G") else "SM1"
        options = {key: Decimal(str(v)) if key in ("value", "loss") else v for key, v in options.items()}
        logged = service.log(store, table, Event(id=0, staff=staff_id, rule=rule, at=at, by=by, **options),  # type: ignore[arg-type]
                             now=now)
        if rule == APPEAL[0]:
            service.void(store, table, logged.event_id, reason=APPEAL[1], by="SM1", now=now)
    punch_file = directory / f"punches-{MONTH}.csv"
    write_atomic(punch_file, punches_csv(table).encode("utf-8"))
    service.import_punches(store, table, punch_file, "csv", now=now)
    service.derive_attendance(store, table, MONTH, now=now)
    month = statements.month_statements(store, table, MONTH)
    written = [punch_file]
    for fmt in (*statements.PAYROLL_FORMATS, "xlsx"):
        path = directory / f"payroll-{MONTH}.{fmt}"
        write_atomic(path, statements.render_payroll(MONTH, month, table, fmt))
        written.append(path)
    cards = directory / "scorecards"
    cards.mkdir(exist_ok=True)
    for statement in month:
        html = cards / f"{statement.staff_id}.html"
        write_atomic(html, reports.scorecard_html(statement, table).encode("utf-8"))
        text = cards / f"{statement.staff_id}.txt"
        write_atomic(text, reports.scorecard_text(statement, table).encode("utf-8"))
        data = cards / f"{statement.staff_id}.json"
        card = json.dumps(payroll.to_json(statement), ensure_ascii=False, indent=2) + "\n"
        write_atomic(data, card.encode("utf-8"))
        written.extend([html, text, data])
    store.close()
    return [db_path, *written]


def punches_csv(table: RuleTable) -> str:
    """A month of punches for everyone with a shift: on time mostly, a few late, early or missing."""
    import chinese_calendar

    first, last = payroll.month_bounds(MONTH)
    people = [line.split(",") for line in ROSTER.splitlines()[1:]]
    shifts = {shift.name: shift for shift in table.shifts}
    # (staff, day of month) → (in, out); None means no punch at all that day.
    odd: dict[tuple[str, int], tuple[str, str] | None] = {
        ("C02", 12): ("08:47:10", "17:31:02"), ("C02", 19): ("08:35:40", "17:30:15"),
        ("C02", 28): ("08:33:10", "17:35:00"),
        ("G01", 13): ("09:12:30", "17:45:00"), ("C03", 20): ("08:29:59", "17:12:44"),
        ("G03", 21): None, ("C04", 26): ("08:30:59", "17:29:59"), ("F01", 27): ("08:31:00", "17:40:00"),
    }
    lines = ["staff,time"]
    day = first
    while day <= last:
        if chinese_calendar.is_workday(day):
            for person in people:
                shift = shifts[person[8]]
                punches = odd.get((person[0], day.day), (f"{shift.start:%H:%M}:00", f"{shift.end:%H:%M}:00"))
                if (person[0], day.day) not in odd:
                    start = dt.datetime.combine(day, shift.start) - dt.timedelta(minutes=5 + (day.day * 7) % 11)
                    end = dt.datetime.combine(day, shift.end) + dt.timedelta(minutes=2 + (day.day * 5) % 13)
                    punches = (f"{start:%H:%M:%S}", f"{end:%H:%M:%S}")
                if punches is None:
                    continue
                lines.extend(f"{person[0]},{day.isoformat()} {clock}" for clock in punches)
        day += dt.timedelta(days=1)
    return "\n".join(lines) + "\n"
