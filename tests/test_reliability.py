"""Reliability: concurrent leads, SIGKILL during bulk commands, hostile input, tamper evidence, backups.

The installed ``discipline`` command is run as real processes where processes matter (concurrency,
crashes, backups: those tests are marked ``subprocess``); click's CliRunner is used where speed
matters (fuzzing, tampering). "Changed nothing" is checked with `digest`, a SHA-256 over the schema
and every row of every table.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import random
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import chinese_calendar
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from discipline.resources import shipped_rules_path

DISCIPLINE = str(Path(sys.executable).parent / "discipline")
HEADER = ["id", "name", "store", "team", "role", "supervisor", "base_wage", "bonus", "shift", "city", "hired", "left"]
#: A month in the past (the clock is never frozen in a subprocess), so deriving it is deterministic.
PAST_MONTH = "2026-10"


# ---------------------------------------------------------------------------------------------------
# Helpers


def run(db: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The installed command against ``db``, to completion."""
    return subprocess.run([DISCIPLINE, "--db", str(db), *args], capture_output=True, text=True, timeout=timeout,
                          check=False)


def ok(db: Path, *args: str) -> str:
    """Run a command that must succeed; its stdout."""
    done = run(db, *args)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    return done.stdout


def digest(db: Path) -> str:
    """SHA-256 over the schema and every row of every table, in a fixed order."""
    sha = hashlib.sha256()
    conn = sqlite3.connect(str(db))
    try:
        tables = conn.execute("select name, sql from sqlite_master where type = 'table' order by name").fetchall()
        for name, sql in tables:
            sha.update(f"{name}\n{sql}\n".encode())
            for row in sorted(repr(r) for r in conn.execute(f'select * from "{name}"')):
                sha.update(row.encode("utf-8", "surrogatepass") + b"\n")
    finally:
        conn.close()
    return sha.hexdigest()


def query(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(str(db))
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def count(db: Path, table: str) -> int:
    return query(db, f'select count(*) from "{table}"')[0][0]


def copy_db(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API (reads through the WAL)."""
    src, dest = sqlite3.connect(str(source)), sqlite3.connect(str(target))
    try:
        src.backup(dest)
    finally:
        src.close()
        dest.close()


def roster_csv(n: int, *, shift: str = "store", prefix: str = "p") -> bytes:
    """A roster of ``n`` people in stores of 15, each store's first person its lead; UTF-8 with BOM."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for i in range(n):
        person, lead = f"{prefix}{i:05d}", f"{prefix}{i // 15 * 15:05d}"
        writer.writerow([person, f"员工{i}", f"S{i // 15:04d}", "A", "store_lead" if person == lead else "guide",
                         "" if person == lead else lead, "4000.00", "500", shift, "shanghai", "2025-01-01", ""])
    return out.getvalue().encode("utf-8-sig")


def month_punches(staff_ids: list[str], year: int, month: int, *, seed: int) -> list[tuple[str, str]]:
    """Two punches per person per official workday: mostly on time, some late, some early, some absent."""
    rng = random.Random(seed)
    rows = []
    day = dt.date(year, month, 1)
    while day.month == month:
        if chinese_calendar.is_workday(day):
            for person in staff_ids:
                luck = rng.random()
                if luck < 0.05:
                    continue  # absent
                start = dt.datetime.combine(day, dt.time(8, 50)) + dt.timedelta(minutes=rng.randint(0, 9))
                end = dt.datetime.combine(day, dt.time(17, 31)) + dt.timedelta(minutes=rng.randint(0, 30))
                if luck < 0.25:
                    start += dt.timedelta(minutes=rng.randint(12, 40))
                elif luck < 0.35:
                    end -= dt.timedelta(minutes=rng.randint(5, 60))
                rows += [(person, f"{start:%Y-%m-%d %H:%M:%S}"), (person, f"{end:%Y-%m-%d %H:%M:%S}")]
        day += dt.timedelta(days=1)
    return rows


def punches_csv(rows: list[tuple[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["staff", "time"])
    writer.writerows(rows)
    return out.getvalue().encode()


SMALL_ROSTER = (
    "id,name,store,team,role,supervisor,base_wage,bonus,shift,city\n"
    "s01,张店长,S1,,store_lead,,6000,500,store,shanghai\n"
    "g01,李导购,S1,A,guide,s01,4000,300,store,shanghai\n"
    "g02,王导购,S1,A,guide,s01,4000,300,store,shanghai\n"
    "g03,赵导购,S1,B,guide,s01,3800,0,store,shanghai\n"
    "l01,刘组长,S1,A,group_leader,s01,4500,300,store,shanghai\n"
    "c01,陈顾问,S2,,consultant,,5000,1000,showroom,beijing\n"
)


@pytest.fixture
def db(tmp_path) -> Path:
    """An initialised database with a six-person roster, made by the installed command."""
    path = tmp_path / "discipline.db"
    ok(path, "init")
    (tmp_path / "roster.csv").write_text(SMALL_ROSTER, encoding="utf-8")
    ok(path, "staff", "import", str(tmp_path / "roster.csv"))
    return path


# ---------------------------------------------------------------------------------------------------
# 1. Concurrency: eight store leads logging at the same moment

WORKERS, LOGS_PER_WORKER = 8, 10
WORKER = textwrap.dedent("""
    import json, os, subprocess, sys, time
    command, db, worker, logs, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    while not os.path.exists(go):
        time.sleep(0.001)
    staff = ["g01", "g02", "g03", "s01"]
    rules = ["attendance.late", "attendance.morning_meeting", "conduct.off_post"]
    results = []
    for i in range(logs):
        args = [command, "--db", db, "log", staff[(worker + i) % 4], rules[(worker * 7 + i) % 3],
                "--at", f"2026-10-{i + 1:02d} {9 + worker:02d}:{i * 4:02d}", "--note", f"w{worker}-e{i}",
                "--json"]
        done = subprocess.run(args, capture_output=True, text=True)
        results.append([done.returncode, done.stdout, done.stderr])
    print(json.dumps(results))
""")


@pytest.mark.subprocess
def test_eight_leads_logging_at_once_all_recorded_once(db, tmp_path):
    """8 processes × 10 `discipline log` runs at once: every event recorded exactly once, none refused."""
    go = tmp_path / "go"
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, DISCIPLINE, str(db), str(w), str(LOGS_PER_WORKER),
                                 str(go)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for w in range(WORKERS)]
    go.touch()
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=150)
        assert worker.returncode == 0, err
        results += json.loads(out)
    assert len(results) == WORKERS * LOGS_PER_WORKER
    failures = [(rc, err) for rc, _, err in results if rc != 0 or err]
    assert failures == [], failures[:3]
    assert not any("locked" in err for _, _, err in results)
    ids = sorted(json.loads(out)["event_id"] for _, out, _ in results)
    assert ids == list(range(1, WORKERS * LOGS_PER_WORKER + 1))
    notes = dict(query(db, "select note, count(*) from events group by note"))
    assert notes == {f"w{w}-e{i}": 1 for w in range(WORKERS) for i in range(LOGS_PER_WORKER)}
    assert "the chain is intact" in ok(db, "verify")


# ---------------------------------------------------------------------------------------------------
# 2. Crash safety: SIGKILL in the middle of each bulk command

KILLS_PER_COMMAND = 6
ROSTER_ROWS, PUNCH_ROWS, DERIVE_STAFF = 10_000, 100_000, 800


def _staff_import(tmp_path: Path, db: Path) -> list[str]:
    """A region's roster (10,000 people in stores of 15) in one file."""
    path = tmp_path / "chain.csv"
    path.write_bytes(roster_csv(ROSTER_ROWS))
    return ["staff", "import", str(path)]


def _punches_import(tmp_path: Path, db: Path) -> list[str]:
    """100,000 staff,time lines of which some are repeats, as machines and re-exports produce."""
    rng = random.Random(11)
    rows = [(f"{rng.randint(1, 3000):05d}", f"2026-10-{rng.randint(1, 31):02d} {rng.randint(7, 20):02d}:"
             f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}") for _ in range(PUNCH_ROWS * 9 // 10)]
    rows += rng.sample(rows, PUNCH_ROWS - len(rows))
    rng.shuffle(rows)
    path = tmp_path / "punches.csv"
    path.write_bytes(punches_csv(rows))
    return ["punches", "import", str(path), "--format", "csv"]


def _attendance_derive(tmp_path: Path, db: Path) -> list[str]:
    """800 people on the store shift with a month of punches: a few thousand derived events."""
    (tmp_path / "staff.csv").write_bytes(roster_csv(DERIVE_STAFF, prefix="d"))
    ok(db, "staff", "import", str(tmp_path / "staff.csv"))
    ids = [f"d{i:05d}" for i in range(DERIVE_STAFF)]
    (tmp_path / "month.csv").write_bytes(punches_csv(month_punches(ids, 2026, 10, seed=5)))
    ok(db, "punches", "import", str(tmp_path / "month.csv"))
    return ["attendance", "derive", PAST_MONTH]


def _write_locked(db: Path) -> bool:
    """Whether another connection holds the write lock (a command is inside its transaction)."""
    conn = sqlite3.connect(str(db), timeout=0, isolation_level=None)
    try:
        conn.execute("begin immediate")
        conn.execute("rollback")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        conn.close()


def _state(db: Path) -> tuple[frozenset, ...]:
    """What the bulk commands write, without the clock-dependent columns (imported_at, logged_at)."""
    return (frozenset(query(db, "select * from staff")),
            frozenset(query(db, "select staff, at, source, place from punches")),
            frozenset(query(db, "select staff, rule, at, count, note, derived_key, punch_ids from events")))


@pytest.mark.subprocess
@pytest.mark.parametrize("setup", [_staff_import, _punches_import, _attendance_derive],
                         ids=["staff-import", "punches-import", "attendance-derive"])
def test_sigkill_during_bulk_command_leaves_all_or_nothing(setup, tmp_path):
    """SIGKILL at 6 random moments: the database opens, verifies, holds all or nothing (or, for a punch file
    stored in parts, whole parts under a batch marked unfinished); a re-run completes it."""
    db = tmp_path / "discipline.db"
    ok(db, "init")
    args = setup(tmp_path, db)
    before = _state(db)
    pristine = tmp_path / "pristine.db"
    copy_db(db, pristine)

    reference = tmp_path / "reference.db"
    copy_db(db, reference)
    started = time.monotonic()
    ok(reference, *args)
    seconds = time.monotonic() - started
    complete = _state(reference)
    assert complete != before

    rng = random.Random(f"{setup.__name__}-2026")
    outcomes: list[str] = []
    inside = attempts = 0
    while len(outcomes) < KILLS_PER_COMMAND:
        attempts += 1
        assert attempts <= 3 * KILLS_PER_COMMAND, f"the command kept finishing before the kill: {outcomes}"
        process = subprocess.Popen([DISCIPLINE, "--db", str(db), *args], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        if attempts % 2:  # once the command holds the write lock, a little later
            while not _write_locked(db) and process.poll() is None:
                time.sleep(0.002)
            time.sleep(rng.uniform(0, 0.1) * seconds)
        else:  # anywhere: start-up, reading the file, the transaction
            time.sleep(rng.uniform(0.05, 0.9) * seconds)
        locked = _write_locked(db)
        process.send_signal(signal.SIGKILL)
        killed = process.wait(timeout=60) == -signal.SIGKILL
        assert query(db, "pragma integrity_check") == [("ok",)]
        assert "the chain is intact" in ok(db, "verify")
        state = _state(db)
        # A punch file bigger than a part is stored in parts: killed between two, its batch says unfinished
        # and holds whole parts of it, which the re-run below completes.
        unfinished = query(db, "select count(*) from batches where json_extract(details, '$.unfinished')")[0][0]
        in_part = unfinished == 1 and all(b <= s <= c for b, s, c in zip(before, state, complete, strict=True))
        assert state in (before, complete) or in_part, "a killed bulk command left part of its work behind"
        if killed:
            outcomes.append("none" if state == before else "all" if state == complete else "part")
            inside += locked
        if state == complete:  # it committed before the kill landed: start again from before
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            copy_db(pristine, db)
    print(f"{setup.__name__}: {seconds:.2f} s uninterrupted, writes {len(complete[0])} staff, {len(complete[1])} "
          f"punches, {len(complete[2])} events; kills {outcomes}, {inside} inside the transaction")
    assert inside >= 1, "no kill landed inside the write transaction"
    assert outcomes.count("none") + outcomes.count("part") >= KILLS_PER_COMMAND // 2, outcomes

    ok(db, *args)
    assert _state(db) == complete
    assert count(db, "staff") == len(complete[0])
    assert count(db, "punches") == len(complete[1])
    assert query(db, "select count(*), count(distinct derived_key) from events where derived_key is not null")[0] \
        == (len(complete[2]), len(complete[2]))
    ok(db, *args)  # and once more: nothing new
    assert _state(db) == complete
    assert "the chain is intact" in ok(db, "verify")


@pytest.mark.subprocess
def test_committed_transactions_survive_a_power_cut(db):
    """WAL with synchronous=FULL: a transaction the lead saw committed is on disk, not only in the OS cache."""
    from discipline.storage import Store

    store = Store(db)
    try:
        assert store.db.execute("pragma journal_mode").fetchone()[0] == "wal"
        assert store.db.execute("pragma synchronous").fetchone()[0] == 2  # FULL
    finally:
        store.close()


# ---------------------------------------------------------------------------------------------------
# 3. Hostile input: rosters, rule tables, log arguments

FUZZ = settings(max_examples=120, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
HOSTILE = ["", " ", "NaN", "nan", "-NaN", "sNaN", "Infinity", "-inf", "-1", "-0.01", "1e999", "1E+11", "9" * 40,
           "0x10", "1_000", "１２３", "٣", "4000,00", "<script>alert(1)</script>", "'; drop table staff; --",
           "\" OR 1=1 --", "=cmd|' /C calc'!A0", "team:A", "a\nb", "\r\n", "\t", "\u202egnp.exe", "\ufeff",
           "x" * 5000, "张" * 3000, "2026-02-30", "9999-12-31", "0001-01-01", "null", "None", "[]", "{}",
           "\\", "%s%n", "../../etc/passwd", "g\udcff01", "\udcc4\udce3"]  # the last two: bytes from a GBK terminal
hostile_text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=60), st.text(st.characters(codec="gb18030"),
                                                                                   max_size=20))


def invoke(*args: str):
    """The command in-process (CliRunner), with stdout and stderr apart."""
    from click.testing import CliRunner

    from cli import cli

    return CliRunner().invoke(cli, list(args))


def assert_clean(result, *, one_sentence: bool = False) -> None:
    """Exit 0 or 2, never a traceback; a refusal ends in one `Error:` line on stderr."""
    assert "Traceback" not in result.output + result.stderr
    assert result.exit_code in (0, 2), (result.exit_code, result.stderr, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    if result.exit_code == 2:  # a refused file may list its bad rows first; the last line sums up
        assert result.stderr.strip().splitlines()[-1].startswith("Error: "), result.stderr
        if one_sentence:
            assert result.stderr.strip().count("\n") == 0, result.stderr


@pytest.fixture
def quick_db(tmp_path) -> Path:
    """An initialised database with the six-person roster and a few events, made in-process."""
    path = tmp_path / "quick.db"
    assert invoke("--db", str(path), "init").exit_code == 0
    (tmp_path / "roster.csv").write_text(SMALL_ROSTER, encoding="utf-8")
    assert invoke("--db", str(path), "staff", "import", str(tmp_path / "roster.csv")).exit_code == 0
    for when in ("2026-10-05 09:12", "2026-10-06 09:40"):
        assert invoke("--db", str(path), "log", "g01", "attendance.late", "--at", when).exit_code == 0
    return path


ROLES = ["guide", "store_lead", "consultant", "group_leader", "five_s", "clerk"]
CELLS = {
    "id": st.one_of(st.from_regex(r"[a-z][0-9]{2}", fullmatch=True), st.sampled_from(["g02", "c01"])),
    "name": st.one_of(st.sampled_from(["李四", "O'Brien", "Zoë"]), st.text(min_size=1, max_size=20)),
    "store": st.sampled_from(["S1", "S2", "门店一"]),
    "team": st.sampled_from(["", "A", "B"]),
    "role": st.sampled_from(ROLES),
    "supervisor": st.sampled_from(["", "s01", "s01", "g01"]),
    "base_wage": st.one_of(st.sampled_from(["4000", "3800.50", "0", "99999999999.99"]),
                           st.decimals(min_value=0, max_value=10**9, places=2).map(str)),
    "bonus": st.sampled_from(["", "0", "500", "1000.5"]),
    "shift": st.sampled_from(["", "store", "showroom"]),
    "city": st.sampled_from(["shanghai", "beijing", "Shanghai"]),
    "hired": st.one_of(st.just(""), st.dates(dt.date(2000, 1, 1), dt.date(2026, 10, 1)).map(str)),
    "left": st.one_of(st.just(""), st.dates(dt.date(2026, 10, 2), dt.date(2030, 1, 1)).map(str)),
}
ENCODINGS = ["utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-8-sig", "gb18030", "gb18030", "utf-16", "utf-16-le",
             "utf-32"]


@st.composite
def roster_files(draw) -> bytes:
    """A roster CSV, well formed or with hostile cells, ragged rows, odd headers and encodings; or random bytes."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    header = list(HEADER) if draw(st.booleans()) else draw(st.permutations(HEADER))
    if draw(st.integers(0, 9)) == 0:
        header = draw(st.lists(st.one_of(st.sampled_from(HEADER), hostile_text), max_size=14))
    rows = [[draw(CELLS.get(column, hostile_text)) for column in header] for _ in range(draw(st.integers(0, 5)))]
    for _ in range(draw(st.sampled_from([0, 0, 1, 2, 3])) if rows and header else 0):
        row = draw(st.sampled_from(rows))
        row[draw(st.integers(0, len(row) - 1))] = draw(hostile_text)
    if rows and draw(st.integers(0, 9)) == 0:
        rows[-1] = rows[-1][:draw(st.integers(0, len(rows[-1])))]
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    text = out.getvalue()
    if draw(st.integers(0, 9)) == 0:
        text = text.replace(",", draw(st.sampled_from([";", "\t", "，"])))
    return text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")


@FUZZ
@given(data=roster_files())
def test_hostile_roster_files_are_refused_cleanly(quick_db, tmp_path, data):
    """Any roster file: exit 0 or 2, no traceback, and a refused file changes nothing."""
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    before = digest(quick_db)
    result = invoke("--db", str(quick_db), "staff", "import", str(path))
    event(f"exit {result.exit_code}")
    assert_clean(result)
    if result.exit_code == 2:
        assert digest(quick_db) == before
    else:
        assert result.stdout.startswith("roster: ")
        assert_clean(listed := invoke("--db", str(quick_db), "staff", "list", "--json"))
        assert listed.exit_code == 0
        payroll = invoke("--db", str(quick_db), "payroll", PAST_MONTH, "--format", "json")
        assert payroll.exit_code == 0, payroll.stderr


SHIPPED_RULES = shipped_rules_path().read_text(encoding="utf-8")
TOML_KEYS = ["code", "name", "source", "points", "fine", "reward", "cost", "compensation", "fine_times_value",
             "salary", "disposition", "from_occurrence", "counts_as", "per", "items", "window", "counter",
             "charged_to", "unidentified", "outcomes", "default_outcome", "timezone", "base_score", "point_value",
             "max_deduction_ratio", "fines", "pay_days", "lapse_multiplier", "start", "end", "grace_minutes", "late",
             "early", "absent", "city", "from", "amount", "min_score", "zh", "en"]
TOML_VALUES = st.one_of(
    st.integers(-10**20, 10**20).map(str),
    st.sampled_from(["nan", "-inf", "1e999", "0.0", "-0.0", "1.5", "true", "2026-11-03", "08:30", "[]", "{}",
                     '"month"', '"30d"', '"0d"', '"99999d"', '"showroom.late"', '"attendance.late"', '"loss"',
                     '"item"', '"group_leader"', '"dismissal_recommended"', '"Asia/Shanghai"', '"Mars/Olympus"',
                     '{ zh = "迟到", en = "Late" }', "{ base_days = 1 }", "{ base_days = -1 }", '{ 0 = "warning" }',
                     '{ 3 = "dismissal_recommended" }', "[20, 40]", "[]", '[20, "x"]', '{ guide = 10, nobody = 5 }',
                     '{ lost = { cost = 10 } }', '"<script>"', "\"'; drop table events; --\""]),
    hostile_text.map(lambda text: json.dumps(text, ensure_ascii=False)),
    hostile_text,
)
TOML_HEADERS = st.sampled_from(["[[rule]]", "[settings]", "[roles]", "[dispositions]", "[[rating]]",
                                "[[minimum_wage]]", "[shifts.store]", "[shifts.x]", "[rule]", "[[settings]]",
                                "[unknown]", "[[rule]"])


@st.composite
def toml_lines(draw) -> str:
    if draw(st.integers(0, 3)) == 0:
        return draw(st.one_of(TOML_HEADERS, hostile_text.map(lambda name: f"[shifts.{json.dumps(name)}]")))
    key = draw(st.one_of(st.sampled_from(TOML_KEYS), st.sampled_from(TOML_KEYS), hostile_text,
                         hostile_text.map(lambda text: json.dumps(text, ensure_ascii=False))))
    return f"{key} = {draw(TOML_VALUES)}"


@st.composite
def rule_files(draw) -> str:
    """Random TOML-ish text, or the shipped rules.toml with one to three lines deleted, repeated or changed."""
    if draw(st.integers(0, 3)) == 0:
        return "\n".join(draw(st.lists(toml_lines(), max_size=40)))
    lines = SHIPPED_RULES.splitlines()
    for _ in range(draw(st.integers(1, 3))):
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        how = draw(st.sampled_from(["delete", "repeat", "value", "value", "value", "insert", "swap", "truncate"]))
        if how == "delete":
            del lines[at]
        elif how == "repeat":
            lines.insert(at, lines[at])
        elif how == "value" and "=" in lines[at]:
            lines[at] = lines[at].split("=", 1)[0] + "= " + draw(TOML_VALUES)
        elif how == "insert":
            lines.insert(at, draw(toml_lines()))
        elif how == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif how == "truncate":
            lines = lines[:at]
    return "\n".join(lines) + "\n"


@settings(FUZZ, max_examples=80)
@given(text=rule_files())
@example(text=SHIPPED_RULES.replace('code = "duty.cleanup"', 'code = { zh = "迟到" }'))  # was exit 1
@example(text=SHIPPED_RULES.replace('charged_to = "five_s"', "charged_to = []"))  # was exit 1
@example(text='"\\u000A" = 0\n' + SHIPPED_RULES)  # an error of two lines
def test_hostile_rule_tables_are_refused_cleanly(quick_db, tmp_path, text):
    """Any rule file: `rules check` and `rules publish` exit 0 or 2, never a traceback; a table with problems
    is stored by nothing and changes nothing; a table that is stored prices in one sentence or none."""
    path = tmp_path / "rules-fuzz.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    check = invoke("--db", str(quick_db), "rules", "check", str(path))
    event(f"rules check: exit {check.exit_code}")
    assert_clean(check)
    db = tmp_path / f"fuzz-{hashlib.sha256(text.encode('utf-8', 'surrogatepass')).hexdigest()[:12]}.db"
    with sqlite3.connect(str(quick_db)) as source, sqlite3.connect(str(db)) as target:
        source.backup(target)  # each example its own database: a valid table is stored in it
    before = digest(db)
    published = invoke("--db", str(db), "rules", "publish", str(path), "--effective", "2026-10-07",
                       "--published", "2026-10-01", "--retroactive")
    assert_clean(published)
    if check.exit_code == 2:
        assert published.exit_code == 2
    if published.exit_code == 2:
        assert digest(db) == before
        return
    for args in (["log", "g01", "attendance.late", "--at", "2026-10-08 09:20"], ["rules", "list", "--json"],
                 ["payroll", PAST_MONTH, "--format", "json"], ["scorecard", "g01", "--month", PAST_MONTH]):
        before = digest(db)  # a valid table may still lack what this roster needs (a city's minimum wage)
        result = invoke("--db", str(db), *args)
        assert_clean(result, one_sentence=True)
        if result.exit_code == 2:
            assert digest(db) == before


LOG_STAFF = ["s01", "g01", "g02", "g03", "c01", "team:A", "team:B", "team:Z", "nobody"]
LOG_ITEMS = ["资料", "名片", "订单", "签字笔", "爱岗敬业"]
#: Argument lists that log successfully, for the fuzzer to start from and spoil.
GOOD_LOGS = [["g01", "attendance.late"], ["c01", "showroom.toolkit", "--item=订单", "--item=名片"],
             ["g02", "duty.unfinished", "--loss=120.50"], ["g03", "duty.cleanup", "--count=2", "--lapse"],
             ["team:A", "testdrive.window_open"], ["c01", "office.badge", "--outcome=lost"],
             ["c01", "office.borrow_late"], ["g01", "conduct.off_post", "--by=s01", "--note=午休后晚回"]]
PAST = st.datetimes(dt.datetime(2026, 10, 1), dt.datetime(2026, 11, 20))
TIMES = st.one_of(
    PAST.map(str),
    st.datetimes(dt.datetime(2025, 1, 1), dt.datetime(2027, 12, 31)).map(str),
    st.sampled_from(["2026-10-05T25:00", "2026-13-01 08:00", "yesterday", "2026-10-05 09:12+08:00",
                     "2026-10-05 09:12-12:00", "0001-01-01 00:00", "9999-12-31 23:59"]),
    hostile_text)
AMOUNTS = st.one_of(st.decimals(allow_nan=True, allow_infinity=True).map(str), hostile_text)


@st.composite
def log_arguments(draw) -> list[str]:
    """`discipline log` arguments: a good entry spoilt by zero to three random or hostile options and names."""
    staff, rule, *options = draw(st.sampled_from(GOOD_LOGS))
    options.append(f"--at={draw(PAST):%Y-%m-%dT%H:%M}")
    for _ in range(draw(st.sampled_from([0, 1, 1, 2, 3]))):
        what = draw(st.sampled_from(["staff", "rule", "at", "item", "value", "loss", "count", "outcome", "charge",
                                     "by", "note", "lapse"]))
        if what == "staff":
            staff = draw(st.one_of(st.sampled_from(LOG_STAFF), hostile_text))
        elif what == "rule":
            rule = draw(st.one_of(st.sampled_from([r[1] for r in GOOD_LOGS]), hostile_text))
        elif what == "at":
            options.append(f"--at={draw(TIMES)}")
        elif what in ("item", "outcome", "charge", "by", "note"):
            known = {"item": LOG_ITEMS, "outcome": ["lost", "damaged", "fine"], "note": HOSTILE}.get(what, LOG_STAFF)
            options.append(f"--{what}={draw(st.one_of(st.sampled_from(known), hostile_text))}")
        elif what in ("value", "loss"):
            options.append(f"--{what}={draw(AMOUNTS)}")
        elif what == "count":
            options.append(f"--count={draw(st.integers(-5, 10**30))}")
        else:
            options.append("--lapse")
    return [*options, "--", staff, rule]


@settings(FUZZ, max_examples=250)
@given(args=log_arguments())
@example(args=["--count=9223372036854775808", "--at=2026-10-01T00:00", "--", "g03", "duty.cleanup"])  # was exit 1
@example(args=["--note=\udcc4\udce3", "--at=2026-10-01T00:00", "--", "g01", "attendance.late"])  # was exit 1
def test_hostile_log_arguments_are_refused_in_one_sentence(quick_db, args):
    """Any `log` arguments: exit 0 or 2, one sentence on stderr, and a refusal changes nothing."""
    before = digest(quick_db)
    result = invoke("--db", str(quick_db), "log", *args)
    event(f"exit {result.exit_code}")
    assert_clean(result, one_sentence=True)
    if result.exit_code == 2:
        assert digest(quick_db) == before
    else:
        assert result.stdout.startswith("event ")


# ---------------------------------------------------------------------------------------------------
# 4. Tamper evidence: the log edited, deleted or inserted into behind the program's back

MIDDLE, LAST = 5, 10


@pytest.fixture(scope="module")
def ten_events(tmp_path_factory) -> Path:
    """A log of ten entries of every shape (items, loss, count, lapse, outcome, team, a void), made once."""
    path = tmp_path_factory.mktemp("tamper") / "base.db"
    roster = path.with_name("roster.csv")
    roster.write_text(SMALL_ROSTER, encoding="utf-8")
    rules = str(shipped_rules_path())
    steps = [["init"], ["staff", "import", str(roster)],
             ["log", "g01", "attendance.late", "--at", "2026-10-05 09:12"],
             ["log", "g01", "attendance.late", "--at", "2026-10-06 09:40"],
             ["log", "c01", "showroom.toolkit", "--item", "订单", "--item", "名片", "--at", "2026-10-07 10:00"],
             ["log", "g03", "duty.cleanup", "--count", "2", "--lapse", "--at", "2026-10-08 09:20"],
             ["log", "g02", "duty.unfinished", "--loss", "120.50", "--by", "s01", "--note", "报表未交",
              "--at", "2026-10-09 17:00"],
             ["log", "c01", "office.badge", "--outcome", "lost", "--at", "2026-10-12 11:00"],
             ["void", "2", "--reason", "appeal accepted", "--by", "s01"],
             ["log", "team:A", "testdrive.window_open", "--at", "2026-10-14 15:00"],
             ["log", "c01", "showroom.late", "--at", "2026-10-15 08:45"],
             ["log", "g01", "conduct.off_post", "--at", "2026-10-16 14:00"]]
    for step in steps:
        result = invoke("--db", str(path), "--rules", rules, *step)
        assert result.exit_code == 0, (step, result.stderr)
    assert query(path, "select max(id) from events") == [(LAST,)]
    return path


def tampered(base: Path, tmp_path: Path, *sql: str | tuple[str, tuple]) -> Path:
    """A copy of ``base`` changed with raw SQL, as someone with the sqlite3 shell would."""
    path = tmp_path / "tampered.db"
    copy_db(base, path)
    conn = sqlite3.connect(str(path))
    try:
        for statement in sql:
            text, params = statement if isinstance(statement, tuple) else (statement, ())
            assert conn.execute(text, params).rowcount != 0, text
        conn.commit()
    finally:
        conn.close()
    return path


def assert_caught(path: Path, event_id: int) -> str:
    """`discipline verify` exits 1 and names ``event_id``; its stderr."""
    result = invoke("--db", str(path), "verify")
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert re.search(rf"\bevents? {event_id}\b", result.stderr), result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr


def test_the_untouched_log_verifies(ten_events):
    """The base log of every test below is intact, so what they catch is the tampering."""
    result = invoke("--db", str(ten_events), "verify")
    assert result.exit_code == 0, result.stderr
    assert "10 log entries checked: the chain is intact" in result.stdout


def _forged(column: str, value):
    """A different value of the same kind, as a hand edit would make (an id not taken)."""
    if column == "id":
        return value + 1000
    if value is None:
        return 1
    if isinstance(value, int):
        return value + 1
    return value[:-1] + ("0" if value[-1] != "0" else "1")


def test_editing_any_column_of_a_middle_event_is_named(ten_events, tmp_path):
    """Each column of the events table in turn, changed on event 5: verify exits 1 naming event 5."""
    columns = [row[1] for row in query(ten_events, "pragma table_info(events)")]
    row = dict(zip(columns, query(ten_events, "select * from events where id = ?", (MIDDLE,))[0], strict=True))
    assert len(columns) >= 23
    for column in columns:
        path = tampered(ten_events, tmp_path, (f'update events set "{column}" = ? where id = ?',
                                               (_forged(column, row[column]), MIDDLE)))
        assert_caught(path, MIDDLE)
        path.unlink()


def test_an_edit_with_its_hash_recomputed_is_still_named(ten_events, tmp_path):
    """Whoever recomputes the edited row's hash breaks the link to the next row (or the chain head)."""
    from discipline.storage import row_hash

    for event_id in (1, MIDDLE, LAST):
        columns = [r[1] for r in query(ten_events, "pragma table_info(events)")]
        row = dict(zip(columns, query(ten_events, "select * from events where id = ?", (event_id,))[0],
                       strict=True))
        row["staff"] = "g02" if row["staff"] != "g02" else "g03"
        path = tampered(ten_events, tmp_path, ("update events set staff = ?, hash = ? where id = ?",
                                               (row["staff"], row_hash(row), event_id)))
        assert assert_caught(path, event_id).startswith((f"event {event_id} ", f"event {event_id},"))  # first
        path.unlink()


@pytest.mark.parametrize("event_id", [1, MIDDLE, LAST], ids=["first", "middle", "last"])
def test_a_deleted_event_is_named(ten_events, tmp_path, event_id):
    """Deleting the first, a middle or the last entry: verify exits 1 naming the missing event."""
    assert_caught(tampered(ten_events, tmp_path, f"delete from events where id = {event_id}"), event_id)


def test_forged_entries_are_named(ten_events, tmp_path):
    """A row appended with a well-chained hash, one with a made-up hash, one slipped in before the first."""
    from discipline.storage.log import HASHED, row_hash

    head = query(ten_events, "select hash from events where id = ?", (LAST,))[0][0]
    forged = {column: None for column in HASHED}
    forged.update(id=LAST + 1, type="violation", staff="g02", rule="attendance.late", at="2026-10-20T09:30:00+08:00",
                  lapse=0, source="manual", logged_at="2026-10-20T10:00:00+08:00", prev_hash=head)
    columns = ", ".join(f'"{c}"' for c in (*HASHED, "hash"))
    insert = f"insert into events ({columns}) values ({', '.join('?' for _ in (*HASHED, 'hash'))})"
    cases = [(LAST + 1, row_hash(forged)), (LAST + 1, "0" * 64), (0, row_hash({**forged, "id": 0}))]
    for event_id, digest_ in cases:
        values = (*({**forged, "id": event_id}[c] for c in HASHED), digest_)
        path = tampered(ten_events, tmp_path, (insert, values))
        assert_caught(path, event_id)
        path.unlink()


@pytest.mark.subprocess
def test_the_installed_command_exits_1_naming_the_event(ten_events, tmp_path):
    """The same through the real `discipline verify`: exit code 1, the event id on stderr, no traceback."""
    path = tampered(ten_events, tmp_path, f"update events set loss = '12.05' where id = {MIDDLE}")
    done = run(path, "verify")
    assert done.returncode == 1
    assert f"event {MIDDLE} was edited" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("sql", [
    f"update charges set amount_fen = 0 where event_id = {MIDDLE}",
    f"delete from charges where event_id = {MIDDLE}",
    f"update charges set month = '2026-09' where event_id = {MIDDLE}",
    f"update charges set line_json = replace(line_json, '\"amount\": \"', '\"amount\": \"1') where event_id = {MIDDLE}",
], ids=["amount-zeroed", "charge-deleted", "moved-month", "line-text-edited"])
def test_editing_the_priced_charges_payroll_reads_is_named(ten_events, tmp_path, sql):
    """Payroll reads the charges cache, not the log: a hand edit there is caught and names the event."""
    path = tampered(ten_events, tmp_path, sql)
    assert_caught(path, MIDDLE)


# ---------------------------------------------------------------------------------------------------
# 5. Backups while a lead keeps logging, and restoring one

LOGGER = textwrap.dedent("""
    import datetime as dt, os, sys
    from pathlib import Path
    from discipline import clock, service
    from discipline.model import Event
    from discipline.rules import load_rules
    db, stop = Path(sys.argv[1]), sys.argv[2]
    table = load_rules()
    tz = table.zone
    store = service.open_store(db)
    n = 0
    while not os.path.exists(stop):  # each log its own transaction, as the command does
        n += 1
        at = dt.datetime(2026, 10, 1, 8, 0, tzinfo=tz) + dt.timedelta(minutes=n)
        event = Event(id=0, staff=("g01", "g02", "g03")[n % 3], rule="attendance.morning_meeting", at=at,
                      note=f"bg-{n}")
        service.log(store, table, event, now=clock.now(tz))
    print(n)
""")


@pytest.mark.subprocess
def test_backup_while_logging_then_restore(db, tmp_path):
    """Backup while another process logs: the copy verifies, has all committed before it, and restored goes on."""
    (tmp_path / "punches.csv").write_bytes(punches_csv(month_punches(["g01", "g02", "g03"], 2026, 10, seed=1)))
    ok(db, "punches", "import", str(tmp_path / "punches.csv"))
    stop = tmp_path / "stop"
    logger = subprocess.Popen([sys.executable, "-c", LOGGER, str(db), str(stop)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        while count(db, "events") < 30:
            assert logger.poll() is None, logger.stderr.read()
            time.sleep(0.05)
        committed_before = query(db, "select max(id) from events")[0][0]
        copy = tmp_path / "backup" / "2026-11-25.db"
        copy.parent.mkdir()
        done = run(db, "backup", str(copy))
        committed_after = query(db, "select max(id) from events")[0][0]
        while count(db, "events") < committed_after + 10:  # and it goes on logging after the backup
            assert logger.poll() is None, logger.stderr.read()
            time.sleep(0.05)
    finally:
        stop.touch()
        out, err = logger.communicate(timeout=60)
    assert logger.returncode == 0, err
    assert done.returncode == 0, done.stderr
    assert "chain intact" in done.stdout
    assert not copy.with_name(copy.name + ".partial").exists()
    assert "the chain is intact" in ok(copy, "verify")

    kept = query(copy, "select * from events order by id")
    assert committed_before < committed_after, "the logger did not write while the backup ran"
    assert committed_before <= len(kept) <= committed_after
    print(f"backup: {int(out)} events logged alongside; the copy holds {len(kept)} "
          f"({committed_before} committed before it began, {committed_after} when it ended)")
    assert [row[0] for row in kept] == list(range(1, len(kept) + 1))
    assert kept == query(db, f"select * from events where id <= {len(kept)} order by id")  # the live log's prefix
    assert count(copy, "punches") == count(db, "punches")
    assert run(db, "backup", str(copy)).returncode == 2  # never overwrites a backup

    # Restore as the README says, after a crash left committed pages in the live write-ahead log.
    crash = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sqlite3, time
        conn = sqlite3.connect({str(db)!r}, isolation_level=None)
        conn.execute("pragma wal_autocheckpoint = 0")
        conn.execute("update staff set name = name || '!'")
        print("committed", flush=True)
        time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True)
    assert crash.stdout.readline().strip() == "committed"
    crash.send_signal(signal.SIGKILL)
    crash.wait(timeout=10)
    crash.stdout.close()
    assert Path(f"{db}-wal").stat().st_size > 0
    ok(copy, "verify")
    for stale in (Path(f"{db}-wal"), Path(f"{db}-shm")):
        stale.unlink(missing_ok=True)
    db.write_bytes(copy.read_bytes())
    assert digest(db) == digest(copy)
    logged = json.loads(ok(db, "log", "g01", "attendance.late", "--at", "2026-11-02 09:15", "--json"))
    assert logged["event_id"] == len(kept) + 1
    assert "the chain is intact" in ok(db, "verify")
    assert not any(name.endswith("!") for (name,) in query(db, "select name from staff"))


@pytest.mark.subprocess
def test_backup_of_an_altered_log_does_not_report_success(db, tmp_path):
    """A scheduled backup of a log edited behind the program's back exits 1 and says so (the copy is kept)."""
    ok(db, "log", "g01", "attendance.late", "--at", "2026-10-05 09:12")
    conn = sqlite3.connect(str(db))
    conn.execute("update events set staff = 'g02' where id = 1")
    conn.commit()
    conn.close()
    done = run(db, "backup", str(tmp_path / "copy.db"))
    assert done.returncode == 1
    assert "event 1 was edited" in done.stderr
    assert (tmp_path / "copy.db").exists()


def test_editing_a_kept_balance_of_an_open_month_is_named(ten_events, tmp_path):
    """November's payroll keeps what October (open) carried out; a balance slipped in by hand would be
    deducted from someone's November wage, so verify names the person and the month."""
    path = tmp_path / "kept.db"
    copy_db(ten_events, path)
    result = invoke("--db", str(path), "payroll", "2026-11", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert query(path, "select month, staff from open_balances") == [("2026-10", "")]  # nobody carries anything
    assert invoke("--db", str(path), "verify").exit_code == 0
    with sqlite3.connect(path) as con:
        con.execute("insert into open_balances (month, staff, carried_out) values ('2026-10', 'c01', '500.00')")
    november = json.loads(invoke("--db", str(path), "scorecard", "c01", "--month", "2026-11", "--format",
                                 "json").stdout)
    assert november["carried_in"] == "500.00"  # what the edit would cost c01
    result = invoke("--db", str(path), "verify")
    assert result.exit_code == 1
    assert "the balance kept for c01 at the end of 2026-10" in result.stderr


def test_appended_rows_hash_as_row_hash_does_whatever_their_text(tmp_path):
    """The append puts each row's hashed JSON together from its columns' (``log._append``): it must be the
    bytes ``row_hash`` hashes for every row, with quotes, backslashes, line breaks, Chinese, an emoji,
    items and a batch, or ``verify`` would call an honest log forged."""
    from discipline.model import Event
    from discipline.storage import Store, row_hash

    store = Store(tmp_path / "d.db", create=True)
    store.migrate()
    zone = dt.timezone(dt.timedelta(hours=8))
    notes = ['说 "你好"', "back\\slash", "line\nbreak", "迟到 😀", "", "\u2028\x1f"]
    events = [Event(id=0, staff=f"C{i:02d}", rule="conduct.quality", at=dt.datetime(2026, 11, 3, 9, i, tzinfo=zone),
                    items=("衣着", 'a"b') if i % 2 else (), note=note, by="组长" if i % 3 else None)
              for i, note in enumerate(notes)]
    logged_at = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
    with store.write():
        store.log.append_events(events[:3], logged_at=logged_at, source="import", batch=7)
        store.log.append_events(events[3:], logged_at=logged_at, source="manual")
        store.log.append_voids([2], reason="错了 \"typo\"", logged_at=logged_at, by="店长")
    rows = list(store.db.query("select * from events order by id"))
    assert [row["batch"] for row in rows] == [7, 7, 7, None, None, None, None]
    assert [row["hash"] for row in rows] == [row_hash(row) for row in rows]
    assert [row["prev_hash"] for row in rows[1:]] == [row["hash"] for row in rows[:-1]]
    assert store.log.verify() == (7, [])
