"""A command's reads happen in one snapshot (issue 12, item 2).

Payroll reads the roster (the wage that caps each deduction) and the priced charges (a day of
absenteeism costs a day's base wage) separately. Run while ``staff import`` switched wages, payroll
files came out matching neither roster: a wage from one beside a penalty from the other. Here the
roster import is put exactly between those two reads (``ChargesCache.month`` is wrapped so that, the
first time payroll reads the charges, a second connection imports the other roster and commits).
The file must be the month as it stood before the import; the next payroll shows it after.

C01 earns a base of 4350.00 and a bonus of 1000.00: a day's base wage is 4350 ÷ 21.75 = 200.00 and the
cap is 20 % × 5350.00 = 1070.00. Raised to 6525.00, a day is 300.00 and the cap 20 % × 7525.00 = 1505.00.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TZ, invoke, run, shop_at
from test_versions import ROSTER

from discipline import service, versions
from discipline.model import DisciplineError
from discipline.storage import Store
from discipline.storage.charges import ChargesCache

RAISED = ROSTER.replace("C01,郑浩,浦东展厅,A,consultant,GA1,4350,1000", "C01,郑浩,浦东展厅,A,consultant,GA1,6525,1000")


@contextlib.contextmanager
def import_between_reads(roster: str) -> Iterator[list[bool]]:
    original = ChargesCache.month
    done: list[bool] = []

    def month(self: ChargesCache, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not done:
            done.append(True)
            other = Store(self._store.path)
            try:
                now = dt.datetime(2026, 11, 20, 10, 0, tzinfo=TZ)
                service.import_staff(other, versions.book(other), roster.encode("utf-8"), now=now,
                                     effective=dt.date(2026, 11, 1))
            finally:
                other.close()
        return original(self, *args, **kwargs)

    ChargesCache.month = month  # type: ignore[method-assign]
    try:
        yield done
    finally:
        ChargesCache.month = original  # type: ignore[method-assign]


def c01(out: bytes | str) -> dict:
    return next(s for s in json.loads(out) if s["staff_id"] == "C01")


def test_payroll_is_the_month_before_or_after_a_roster_import_never_half_of_each():
    with shop_at("2026-11-20 10:00:00+08:00", ROSTER, "--effective", "2026-10-01"):
        run("log", "C01", "attendance.absenteeism", "--count", "2", "--at", "2026-11-05 09:00")
        before = c01(run("payroll", "2026-11", "--format", "json").stdout)
        assert (before["salary_penalties"], before["cap"], before["deducted"]) == ("400.00", "1070.00", "400.00")
        with import_between_reads(RAISED) as done:
            result = invoke("payroll", "2026-11", "--format", "json")
        assert done and result.exit_code == 0, result.stderr
        assert c01(result.stdout) == before  # the snapshot taken before the import committed
        after = c01(run("payroll", "2026-11", "--format", "json").stdout)
        assert (after["salary_penalties"], after["cap"], after["deducted"]) == ("600.00", "1505.00", "600.00")


def test_a_scorecard_is_one_snapshot_too():
    with shop_at("2026-11-20 10:00:00+08:00", ROSTER, "--effective", "2026-10-01"):
        run("log", "C01", "attendance.absenteeism", "--count", "2", "--at", "2026-11-05 09:00")
        before = json.loads(run("scorecard", "C01", "--month", "2026-11", "--json").stdout)
        with import_between_reads(RAISED) as done:
            result = invoke("scorecard", "C01", "--month", "2026-11", "--json")
        assert done and result.exit_code == 0, result.stderr
        assert json.loads(result.stdout) == before


# -- read-only use -----------------------------------------------------------------------------------

def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("copy.db"))


def test_reading_commands_leave_a_backup_as_it_is(tmp_path):
    """A copy made by ``backup`` is one file in rollback-journal mode; verify, payroll, scorecard and events
    read it read-only, so no -wal or -shm appears beside it and it stays in that mode."""
    with shop_at("2026-11-20 10:00:00+08:00", ROSTER, "--effective", "2026-10-01"):
        run("log", "C01", "attendance.absenteeism", "--count", "2", "--at", "2026-11-05 09:00")
        expected = run("payroll", "2026-11", "--format", "json").stdout
        run("backup", str(tmp_path / "copy.db"))
        before = (tmp_path / "copy.db").read_bytes()
        db = ["--db", str(tmp_path / "copy.db")]
        assert "1 log entries checked: the chain is intact" in run(*db, "verify").stdout
        assert run(*db, "payroll", "2026-11", "--format", "json").stdout == expected
        assert c01(expected)["salary_penalties"] == "400.00"
        run(*db, "scorecard", "C01", "--month", "2026-11")
        run(*db, "events")
        assert _files(tmp_path) == ["copy.db"]
        assert (tmp_path / "copy.db").read_bytes() == before
        refused = invoke(*db, "log", "C01", "attendance.late", "--at", "2026-11-06 09:00")
        assert refused.exit_code == 0  # a write command opens it for writing: the lead chose this copy


def test_a_database_on_read_only_media_is_read(tmp_path, monkeypatch):
    """On a read-only mount (os.access says so; tests run as root, who may write anywhere) the reading
    commands open it mode=ro and work; a write says why it cannot, in one sentence."""
    import os

    with shop_at("2026-11-20 10:00:00+08:00", ROSTER, "--effective", "2026-10-01"):
        run("log", "C01", "attendance.absenteeism", "--count", "2", "--at", "2026-11-05 09:00")
        expected = run("payroll", "2026-11", "--format", "json").stdout
        real = os.access
        monkeypatch.setattr(os, "access", lambda path, mode, **kw: False if mode & os.W_OK else real(path, mode))
        assert run("payroll", "2026-11", "--format", "json").stdout == expected
        assert invoke("verify").exit_code == 0
        store = Store(Path("discipline.db"), read_only=True)
        try:
            with pytest.raises(DisciplineError, match="is opened read-only"), store.write():
                pass
        finally:
            store.close()
