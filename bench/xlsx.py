"""Time and memory of the payroll workbook (``workbooks.payroll_xlsx``) for a whole chain.

Run it from the project folder with the venv active, in a process of its own::

    python bench/xlsx.py --stores 2000            # 15 staff a store: 30,000 statements

It builds the statements directly (no database, no engine), measures the resident memory they take,
then times ``payroll_xlsx`` and reports the process's peak resident memory (``ru_maxrss``), which
includes the statements themselves. ``--out FILE`` keeps the workbook; ``--check`` opens it again with
openpyxl (read-only) and counts sheets and rows, which is not timed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import time
import zoneinfo
from decimal import Decimal
from pathlib import Path

from discipline.model import Statement
from discipline.rules import load_rules
from discipline.wording import Said
from discipline.workbooks import payroll_xlsx

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def statements(stores: int, staff: int, table) -> list[Statement]:
    """``stores`` × ``staff`` statements with varied figures, Chinese names and a few dispositions."""
    roles = [key for key, _, _ in table.roles]
    out = []
    for store_no in range(1, stores + 1):
        store = f"浦东{store_no:04d}展厅" if store_no % 2 else f"S{store_no:04d} 门店/上海"
        for person in range(1, staff + 1):
            n = store_no * 100 + person
            fines = Decimal(n % 7 * 50)
            due = fines + Decimal(n % 3 * 20)
            deducted = min(due, Decimal(1200))
            dispositions = (("store.theft", "dismissal_recommended", dt.datetime(2026, 11, 5, 9, tzinfo=TZ), n),) \
                if n % 37 == 0 else ()
            out.append(Statement(
                staff_id=f"{store_no:04d}-{person:02d}", name=f"张{person}三", store=store,
                role=roles[person % len(roles)], month="2026-11", points_lost=Decimal(n % 11) / 2,
                score=Decimal(100) - Decimal(n % 11) / 2, rating="良好", fines=fines,
                compensation=Decimal(n % 5 * 10), salary_penalties=Decimal(0), cost_recovery=Decimal("12.50"),
                rewards=Decimal(n % 4 * 25), due=due, carried_in=Decimal(0), deducted=deducted,
                carried_out=due - deducted, cap=Decimal("1200.00"), wage=Decimal(6000),
                minimum_wage=Decimal(2690), fines_reported=Decimal(0), dispositions=dispositions, lines=(),
                cap_not_computed=Said("未知最低工资", "no minimum wage known") if n % 101 == 0 else None))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=2000)
    parser.add_argument("--staff", type=int, default=15)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()

    table = load_rules()
    before = peak_mb()
    built = statements(args.stores, args.staff, table)
    with_statements = peak_mb()
    start = time.perf_counter()
    data = payroll_xlsx("2026-11", built, table, head="abc123")
    seconds = time.perf_counter() - start
    peak = peak_mb()
    if args.out:
        args.out.write_bytes(data)
    result = {"stores": args.stores, "statements": len(built), "seconds": round(seconds, 2),
              "peak_mb": round(peak, 1), "peak_mb_before_statements": round(before, 1),
              "peak_mb_with_statements": round(with_statements, 1), "xlsx_mb": round(len(data) / 2**20, 2),
              "open_files_limit": resource.getrlimit(resource.RLIMIT_NOFILE)[0]}
    if args.check:
        import io

        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        result["sheets"] = len(book.sheetnames)
        result["rows"] = sum(sum(1 for _ in ws.iter_rows(values_only=True)) for ws in book.worksheets)
    print(f"{seconds:.2f} s, peak {peak:.0f} MB")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
