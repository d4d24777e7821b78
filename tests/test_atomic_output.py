"""Output files are written whole or not at all (``discipline/atomicfile.py``, issue 12 item 6).

A generator failing halfway, a full disk, Ctrl-C or SIGKILL leave the previous file byte for byte and
no temporary file (SIGKILL aside, which can leave only a hidden ``.NAME.*.tmp``); a backup is one
file in rollback-journal mode with nothing beside it; new files get the umask's mode, replaced files
keep theirs. CliRunner runs the command where speed matters; the SIGKILL test runs the installed one.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import random
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import invoke, refused, run, shop_at

from discipline import atomicfile, statements
from discipline.atomicfile import write_atomic
from discipline.model import DisciplineError

ROSTER = """\
id,name,store,team,role,supervisor,base_wage,bonus,shift,city,hired,left
SM1,赵强,浦东展厅,,sales_manager,,9000,3000,showroom,shanghai,2022-09-01,
GA1,孙磊,浦东展厅,A,group_leader,SM1,6000,1500,showroom,shanghai,2023-04-01,
C01,郑浩,浦东展厅,A,consultant,GA1,4000,1000,showroom,shanghai,2024-07-01,
C02,冯雪,浦东展厅,A,consultant,GA1,4200,1200,showroom,shanghai,2024-11-01,
"""
NOW = "2026-12-05 10:00:00+08:00"


@pytest.fixture
def shop():
    """A database with a four-person showroom, one lateness logged in November, the clock frozen."""
    with shop_at(NOW, ROSTER):
        run("log", "C01", "showroom.late", "--at", "2026-11-03 08:42")
        yield


def leftovers(folder: Path = Path()) -> list[str]:
    """Temporary or partial files in ``folder``: what a failed write must not leave behind."""
    return sorted(name for name in os.listdir(folder)
                  if name.endswith((".tmp", ".partial", "-journal")) or name.startswith("."))


def one_sentence(result) -> str:
    """The single stderr line of a failed command that printed no traceback."""
    assert result.exit_code != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# ─── write_atomic itself ────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("error", [RuntimeError("the data failed"), KeyboardInterrupt()],
                         ids=["exception", "ctrl-c"])
def test_a_generator_failing_halfway_leaves_the_old_file_and_no_temporary(tmp_path, error):
    """200 kB already written to the temporary file, then the data fails: the old file is as it was."""
    target = tmp_path / "payroll.json"
    target.write_bytes(b'{"old": "complete"}\n')
    seen = {}

    def chunks():
        for n in range(2000):
            yield b'{"row": %d, "pad": "%s"},\n' % (n, b"x" * 80)
        temporary = [p for p in tmp_path.iterdir() if p.name.startswith(".payroll.json.")]
        seen["temporary"] = [(p.name, p.stat().st_size) for p in temporary]
        seen["target"] = target.read_bytes()
        raise error

    with pytest.raises(type(error)):
        write_atomic(target, chunks())
    [(name, size)] = seen["temporary"]  # the bytes were going to a temporary file beside it …
    assert name.endswith(".tmp") and size >= atomicfile.BUFFER
    assert seen["target"] == b'{"old": "complete"}\n'  # … never into the target
    assert target.read_bytes() == b'{"old": "complete"}\n'
    assert sorted(os.listdir(tmp_path)) == ["payroll.json"]


def test_a_complete_write_replaces_the_file(tmp_path):
    """Bytes or chunks larger than the buffer end up exactly in the target, and nothing else in the folder."""
    target = tmp_path / "out.csv"
    target.write_bytes(b"old\n")
    rows = [b"%06d,\xe5\xbc\xa0\xe4\xb8\x89\n" % n for n in range(20_000)]
    write_atomic(target, iter(rows))
    assert target.read_bytes() == b"".join(rows)
    write_atomic(target, b"short\n")
    assert target.read_bytes() == b"short\n"
    assert os.listdir(tmp_path) == ["out.csv"]


def test_a_symbolic_link_is_written_through(tmp_path):
    """--out onto a link rewrites the file it points to and keeps the link, as writing in place did."""
    real = tmp_path / "real.csv"
    real.write_bytes(b"old\n")
    link = tmp_path / "latest.csv"
    link.symlink_to(real.name)
    write_atomic(link, b"new\n")
    assert link.is_symlink()
    assert real.read_bytes() == b"new\n"
    assert leftovers(tmp_path) == []


# ─── through the command ────────────────────────────────────────────────────────────────────────

def test_payroll_out_failing_halfway_leaves_the_previous_file(shop, monkeypatch):
    """payroll --out whose rows fail after the first statement: exit 1, one sentence, the old file intact."""
    run("payroll", "2026-11", "--format", "json", "--out", "payroll.json")
    before = Path("payroll.json").read_bytes()
    assert {s["staff_id"]: s["fines"] for s in json.loads(before)}["C02"] == "0.00"  # a complete file to lose
    run("log", "C02", "showroom.late", "--at", "2026-11-04 08:42")
    real = statements.payroll_export

    def failing(*args, **kwargs):
        chunks = real(*args, **kwargs)
        yield next(chunks)
        yield next(chunks)
        raise DisciplineError("the rule table changed while the file was being written")

    with monkeypatch.context() as patch:
        patch.setattr(statements, "payroll_export", failing)
        result = invoke("payroll", "2026-11", "--format", "json", "--out", "payroll.json")
    assert one_sentence(result) == "Error: the rule table changed while the file was being written"
    assert Path("payroll.json").read_bytes() == before
    assert leftovers() == []
    run("payroll", "2026-11", "--format", "json", "--out", "payroll.json")  # and without the fault, it is new
    assert {s["staff_id"]: s["fines"] for s in json.loads(Path("payroll.json").read_bytes())}["C02"] == "20.00"


@pytest.mark.parametrize("fails", ["write", "fsync"])
def test_a_full_disk_leaves_the_previous_file(shop, monkeypatch, fails):
    """ENOSPC after half the bytes (or at fsync): exit 1, one sentence naming the file, the old CSV intact."""
    run("payroll", "2026-11", "--out", "payroll.csv")
    before = Path("payroll.csv").read_bytes()
    run("log", "C02", "showroom.late", "--at", "2026-11-04 08:42")
    real_write, real_fsync = os.write, os.fsync
    calls = []

    def write(fd, data):
        if fd <= 2:
            return real_write(fd, data)
        calls.append(len(data))
        if len(calls) == 1 and fails == "write":  # the disk fills up mid-row: half goes, then ENOSPC
            return real_write(fd, bytes(data[: len(data) // 2]))
        if fails == "write":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    def fsync(fd):
        if fails == "fsync":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_fsync(fd)

    with monkeypatch.context() as patch:
        patch.setattr(os, "write", write)
        patch.setattr(os, "fsync", fsync)
        result = invoke("payroll", "2026-11", "--out", "payroll.csv")
    assert result.exit_code == 1
    assert one_sentence(result) == ("Error: payroll.csv was not written (No space left on device); the file there "
                                    "before, if any, is unchanged")
    assert calls, "the payroll was never written through os.write"
    assert Path("payroll.csv").read_bytes() == before
    assert leftovers() == []
    assert "wrote" not in result.stderr


def test_out_into_a_missing_folder_or_onto_a_folder_is_refused(shop):
    """--out whose folder does not exist, or which is a folder: exit 2, one sentence, nothing created."""
    assert refused("payroll", "2026-11", "--out", "nowhere/payroll.csv") == \
        "Error: cannot write nowhere/payroll.csv: the folder nowhere does not exist"
    assert not Path("nowhere").exists()
    Path("reports").mkdir()
    assert "reports" in refused("scorecard", "C01", "--month", "2026-11", "--out", "reports")
    Path("a-file").write_text("x", encoding="utf-8")
    assert refused("rules", "export", "--out", "a-file/rules.toml") == \
        "Error: cannot write a-file/rules.toml: the folder a-file is not a folder"
    assert os.listdir("reports") == []
    assert leftovers() == []


# ─── permissions ────────────────────────────────────────────────────────────────────────────────

@pytest.fixture
def umask():
    """Set the process umask for one test, then put the old one back."""
    old = os.umask(0o022)
    yield os.umask
    os.umask(old)


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_a_new_output_file_gets_the_umask_mode_not_0600(shop, umask, mask, mode):
    """A new payroll file is readable as any new file would be under the umask (mkstemp alone gives 0600)."""
    umask(mask)
    run("payroll", "2026-11", "--out", "payroll.csv")
    assert stat.S_IMODE(Path("payroll.csv").stat().st_mode) == mode


@pytest.mark.parametrize("mode", [0o600, 0o664, 0o640])
def test_a_replaced_output_file_keeps_its_mode(shop, umask, mode):
    """Rewriting an existing file keeps the permission bits it was given, whatever the umask."""
    Path("payroll.csv").write_bytes(b"old\n")
    os.chmod("payroll.csv", mode)
    run("payroll", "2026-11", "--out", "payroll.csv")
    assert Path("payroll.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert stat.S_IMODE(Path("payroll.csv").stat().st_mode) == mode


# ─── backup ─────────────────────────────────────────────────────────────────────────────────────

def test_backup_is_one_file_in_rollback_journal_mode(shop):
    """backup: the copy verifies, nothing lies beside it (no -wal, -shm, .partial, temporary), journal DELETE."""
    Path("backup").mkdir()
    result = run("backup", "backup/copy.db")
    assert result.stdout == "backup written to backup/copy.db (1 log entries, chain intact)\n"
    assert os.listdir("backup") == ["copy.db"]
    header = Path("backup/copy.db").read_bytes()[:100]
    assert header[18:20] == b"\x01\x01"  # the file format of rollback-journal mode, not WAL's 2, 2
    conn = sqlite3.connect("backup/copy.db")
    try:
        assert conn.execute("pragma journal_mode").fetchone()[0] == "delete"
        assert conn.execute("select count(*) from events").fetchone()[0] == 1
    finally:
        conn.close()
    assert os.listdir("backup") == ["copy.db"]


def test_a_backup_that_fills_the_disk_leaves_nothing(shop, monkeypatch):
    """The copy runs out of room halfway (SQLite's 'database or disk is full'): exit 1, no file of it remains."""
    real = sqlite3.connect

    def connect(path, *args, **kwargs):
        conn = real(path, *args, **kwargs)
        if Path(str(path)).name.startswith(".copy.db."):
            conn.execute("pragma max_page_count = 3")  # a disk with room for three pages
        return conn

    Path("backup").mkdir()
    with monkeypatch.context() as patch:
        patch.setattr(sqlite3, "connect", connect)
        result = invoke("backup", "backup/copy.db")
    assert result.exit_code == 1
    assert "full" in one_sentence(result)
    assert os.listdir("backup") == []
    run("backup", "backup/copy.db")  # the same name is free for the next try
    assert os.listdir("backup") == ["copy.db"]


def test_a_backup_into_a_missing_folder_is_refused(shop):
    """backup into a folder that does not exist: exit 2, one sentence, nothing created."""
    assert "the folder nowhere does not exist" in refused("backup", "nowhere/copy.db")
    assert not Path("nowhere").exists()
    assert leftovers() == []


# ─── SIGKILL of the installed command ───────────────────────────────────────────────────────────

DISCIPLINE = str(Path(sys.executable).parent / "discipline")
PEOPLE = 2500
KILLS = 6


def discipline(*args: str) -> None:
    done = subprocess.run([DISCIPLINE, *args], capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")


def big_roster(n: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "name", "store", "team", "role", "supervisor", "base_wage", "bonus", "shift", "city",
                     "hired", "left"])
    for i in range(n):
        person, lead = f"p{i:05d}", f"p{i // 15 * 15:05d}"
        writer.writerow([person, f"员工{i}", f"S{i // 15:04d}", "A", "store_lead" if person == lead else "guide",
                         "" if person == lead else lead, "4000.00", "500", "store", "shanghai", "2025-01-01", ""])
    return out.getvalue()


def state(path: Path) -> tuple[int, int, int] | None:
    """Which file is at ``path`` and how far it is written: inode, size, modification time."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return found.st_ino, found.st_size, found.st_mtime_ns


def begun(folder: Path, target: Path, untouched: tuple[int, int, int] | None) -> bool:
    """Whether the output has started: a temporary file beside ``target``, or ``target`` itself changed."""
    return (any(name.startswith(f".{target.name}.") for name in os.listdir(folder))
            or state(target) != untouched)


@pytest.mark.subprocess
def test_sigkill_during_payroll_out_never_leaves_a_truncated_file(tmp_path):
    """payroll --out of 2,500 people killed at 6 moments (some while the file is being written): the target
    is always absent or the complete JSON, never a truncated one."""
    discipline("init")
    (tmp_path / "roster.csv").write_text(big_roster(PEOPLE), encoding="utf-8")
    discipline("staff", "import", "roster.csv")
    events = ["staff,rule,at"] + [f"p{i:05d},attendance.late,2025-11-{i % 28 + 1:02d} 09:{10 + i % 40:02d}"
                                  for i in range(0, PEOPLE, 2)]
    (tmp_path / "events.csv").write_text("\n".join(events) + "\n", encoding="utf-8")
    discipline("events", "import", "events.csv", "--by", "test")
    args = [DISCIPLINE, "payroll", "2025-11", "--format", "json", "--out", "payroll.json"]
    started = time.monotonic()
    discipline(*args[1:])
    seconds = time.monotonic() - started
    complete = (tmp_path / "payroll.json").read_bytes()
    assert len(json.loads(complete)) == PEOPLE and len(complete) > 1_000_000
    discipline("payroll", "2025-10", "--format", "json", "--out", "previous.json")  # last month's: no fines
    previous = (tmp_path / "previous.json").read_bytes()
    assert previous != complete and len(json.loads(previous)) == PEOPLE

    rng = random.Random(2026)
    outcomes, inside = [], 0
    target = tmp_path / "payroll.json"
    for n in range(KILLS):
        if n < 2:
            target.unlink(missing_ok=True)  # a first write: no file to keep
        else:
            target.write_bytes(previous)  # the previous good file, which must survive
        allowed = {previous, complete} if n >= 2 else {complete}
        process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        untouched = state(target)
        writing = False
        if n % 2:  # once the output has begun (a temporary file, or bytes in the target itself), a little later
            deadline = time.monotonic() + 30
            while not writing and process.poll() is None and time.monotonic() < deadline:
                writing = begun(tmp_path, target, untouched)
                time.sleep(0.001)
            time.sleep(rng.uniform(0, 0.03))
        else:  # anywhere: start-up, pricing, writing
            time.sleep(rng.uniform(0.3, 1.0) * seconds)
        writing = begun(tmp_path, target, untouched)
        process.send_signal(signal.SIGKILL)
        killed = process.wait(timeout=30) == -signal.SIGKILL
        if target.exists():
            found = target.read_bytes()
            assert found in allowed, f"kill {n}: payroll.json holds {len(found)} bytes, not a complete file"
            assert len(json.loads(found)) == PEOPLE
        else:
            assert n < 2, f"kill {n}: the previous payroll.json disappeared"
        outcomes.append(("killed" if killed else "finished", "while writing" if writing else "",
                         "new" if target.exists() and target.read_bytes() == complete
                         else "previous" if target.exists() else "absent"))
        inside += killed and writing
        for stale in tmp_path.glob(".payroll.json.*.tmp"):  # SIGKILL gives no chance to clean up
            stale.unlink()
    elapsed = time.monotonic() - started
    print(f"payroll --out: {seconds:.2f} s uninterrupted, {len(complete)} bytes; kills {outcomes}; {elapsed:.1f} s")
    assert inside >= 1, f"no kill landed while the file was being written: {outcomes}"
