"""The chain-scale speed benchmark: build a chain, load it through the product, time whole processes.

Run it from the project folder with the venv active::

    python bench/run.py --stores 200                 # --repeat 3, files in /tmp/discipline-bench-200
    python bench/run.py --stores 2000 --repeat 5 --dir /tmp/chain --keep

Steps (every ``discipline`` call is a separate process with ``DISCIPLINE_DB`` set to ``DIR/chain.db``
and ``DISCIPLINE_RULES`` to this project's ``rules.toml``; the working directory is ``DIR``, so the
repository's own ``discipline.db`` is never touched):

1. set-up, timed but not a target: ``bench/chain.py`` writes the chain; ``discipline init``,
   ``staff import roster.csv`` and ``events import`` of each month's file (a year of events); with
   ``--close``, ``close`` of every month before 2026-10 (by default the whole year stays open, the
   worst case: a payroll replays the carry-over from the first month). ``--reuse`` skips all this
   and measures the chain a ``--keep`` run left in DIR, after ``discipline init`` migrates it;
2. ``punches import punches-2026-10.csv``: the first import, then ``--repeat`` re-imports of a copy
   with other bytes (the same file again is known by its SHA-256 and skipped whole), which must read
   every row and add nothing (``import_punches_first_s``; ``import_punches_s`` is the median of the
   re-imports);
3. ``attendance derive 2026-10``, likewise (``derive_first_s``, ``derive_s``);
4. medians of ``--repeat`` runs: ``floor_s``, a plain ``sqlite3`` script that reads the month's
   violation rows into Python and counts them per person (the least any implementation must pay);
   ``help_ms`` (``discipline --help``, at least five runs); ``payroll 2026-10 --format json --out
   FILE`` (``payroll_s``, and ``payroll_rss_mb``, the largest peak resident memory of those runs,
   from ``os.wait4``; ``payroll_first_s`` is the first run alone, which with open months before
   2026-10 also replays them once and keeps the balances they carry out); ``log_ms`` (``log`` of
   one new violation on the full database, at least five runs, each a new event in 2026-11);
5. changes that re-price, timed once, last (they change the chain): ``staff import`` of the whole
   roster with one raise from the first day of 2026-10 (``roster_change_s``), and ``rules publish`` of
   a version with one ladder changed from that day (``publish_s``).

A step that fails is reported in ``failures`` and the other steps still run (exit code 1). Each
process's CPU seconds are reported beside the wall-clock figures (``cpu_s``), with the load average
before and after and a digest of the product's source: on a shared machine, or while the product
changes under the benchmark, these say how far the figures can be trusted.

Progress goes to stdout line by line; the last line is one JSON object with the figures, the raw
runs and the machine. The issue's targets at 2,000 stores: payroll ≤ 3 s and ≤ 4 × floor, log ≤
250 ms, --help ≤ 150 ms, punches import ≤ 20 s, derive ≤ 30 s, payroll peak memory ≤ 400 MB, and
2,000 stores no more than 12 × the cost of 200.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
MONTH = "2026-10"

FLOOR_SCRIPT = """\
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
cur = con.execute("select * from events where type='violation' and at >= '2026-10-01' and at < '2026-11-01'")
staff = [d[0] for d in cur.description].index("staff")
counts = {}
for row in cur:
    counts[row[staff]] = counts.get(row[staff], 0) + 1
print(len(counts), sum(counts.values()))
"""


class Failed(Exception):
    """A step of the benchmark did not succeed."""


class Runner:
    """Runs whole processes in DIR with the benchmark's environment, timing each one.

    A run given a ``label`` has its wall-clock seconds kept in ``wall[label]`` and its CPU seconds
    (user + system, from ``os.wait4``) in ``cpu[label]``: on a busy machine the CPU time moves much
    less than the wall-clock time, so both are reported.
    """

    def __init__(self, directory: Path, discipline: str) -> None:
        self.directory = directory
        self.discipline = discipline
        # An installed package runs from compiled bytecode (pip writes it at install time); a shell that
        # sets PYTHONDONTWRITEBYTECODE would make every run compile the product's modules again.
        inherited = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
        self.env = {**inherited, "DISCIPLINE_DB": str(directory / "chain.db"),
                    "DISCIPLINE_RULES": str(PROJECT / "rules.toml")}
        self.out = directory / "stdout.txt"
        self.err = directory / "stderr.txt"
        self.wall: dict[str, list[float]] = {}
        self.cpu: dict[str, list[float]] = {}

    def run(self, *args: str, label: str = "") -> tuple[float, float, str, str]:
        """(seconds, peak RSS in MB, stdout, stderr) of one process; Failed when it exits non-zero."""
        with self.out.open("wb") as out, self.err.open("wb") as err:
            started = time.perf_counter()
            process = subprocess.Popen(args, cwd=self.directory, env=self.env, stdout=out, stderr=err)
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        stdout = self.out.read_text("utf-8", errors="replace")
        stderr = self.err.read_text("utf-8", errors="replace")
        if process.returncode != 0:
            raise Failed(f"{' '.join(args[:4])}… exited {process.returncode}:\n{stderr[-3000:]}")
        if label:
            self.wall.setdefault(label, []).append(round(seconds, 3))
            self.cpu.setdefault(label, []).append(round(usage.ru_utime + usage.ru_stime, 3))
        return seconds, usage.ru_maxrss / 1024, stdout, stderr  # ru_maxrss is in KiB on Linux

    def cli(self, *args: str, label: str = "") -> tuple[float, float, str, str]:
        return self.run(self.discipline, *args, label=label)


def say(text: str) -> None:
    print(text, flush=True)


def median(values: list[float]) -> float:
    return statistics.median(values)


def find_discipline() -> str:
    beside = Path(sys.executable).parent / "discipline"
    found = str(beside) if beside.exists() else shutil.which("discipline")
    if not found:
        raise Failed("the discipline command is not installed; activate the venv (. .venv/bin/activate)")
    return found


def count_after(pattern: str, text: str) -> int:
    match = re.search(pattern, text)
    if match is None:
        raise Failed(f"unexpected output (looked for {pattern!r}): {text.strip()[:300]}")
    return int(match.group(1))


def machine() -> dict[str, object]:
    memory = ""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            memory = handle.readline().split(":", 1)[1].strip()
    except OSError:
        pass
    return {"processor": platform.processor() or platform.machine(), "cpus": os.cpu_count(),
            "python": platform.python_version(), "platform": platform.platform(), "sqlite": sqlite3.sqlite_version,
            "memory": memory}


def setup(runner: Runner, figures: dict[str, object], stores: int, seed: int, close: bool) -> None:
    """Generate the chain and load the roster and the year of events (and close months, if asked)."""
    directory = runner.directory
    say(f"generating {stores} stores in {directory} (seed {seed})")
    seconds, _, stdout, _ = runner.run(sys.executable, str(HERE / "chain.py"), "--stores", str(stores),
                                       "--dir", str(directory), "--seed", str(seed), label="gen_s")
    chain = json.loads(stdout.strip().splitlines()[-1])
    figures.update(stores=stores, staff=chain["staff"], events=chain["events"], punches=chain["punches"],
                   gen_s=round(seconds, 2))
    say(f"  {chain['staff']} staff, {chain['events']} events, {chain['punches']} punches in {seconds:.1f} s")
    for name in ("chain.db", "chain.db-wal", "chain.db-shm"):
        (directory / name).unlink(missing_ok=True)
    init_s, _, _, _ = runner.cli("init", label="init_s")
    seconds, _, stdout, _ = runner.cli("staff", "import", "roster.csv", label="staff_import_s")
    figures["staff_import_s"] = round(seconds, 2)
    say(f"  init {init_s:.2f} s; staff import {seconds:.2f} s: {stdout.strip()}")
    imported = 0
    for month in chain["months"]:
        # The generated months hold a few rows that are the same violation twice, which an import would skip.
        seconds, rss, stdout, _ = runner.cli("events", "import", f"events-{month}.csv", "--allow-duplicates",
                                             label="events_import_s")
        imported += count_after(r"(\d+) events logged", stdout)
        say(f"  events import {month}: {seconds:.2f} s, {rss:.0f} MB peak: {stdout.strip().splitlines()[0]}")
    if imported != chain["events"]:
        raise Failed(f"the chain has {chain['events']} events but {imported} were logged")
    figures["events_import_s"] = round(sum(runner.wall["events_import_s"]), 2)
    figures["events_import_month_s"] = runner.wall["events_import_s"]
    if close:
        for month in chain["months"][:-1]:
            seconds, rss, stdout, _ = runner.cli("close", month, label="close_s")
            say(f"  close {month}: {seconds:.2f} s, {rss:.0f} MB peak: {stdout.strip()}")
        figures["close_s"] = round(sum(runner.wall["close_s"]), 2)
    figures["setup_s"] = round(figures["gen_s"] + init_s + figures["staff_import_s"] + figures["events_import_s"]
                               + float(figures.get("close_s", 0)), 2)
    say(f"set-up {figures['setup_s']:.1f} s (events import {figures['events_import_s']:.1f} s)")


def reuse(runner: Runner, figures: dict[str, object]) -> None:
    """Measure a chain loaded by an earlier run: bring its schema up to date, count what it holds."""
    if not (runner.directory / "chain.db").exists():
        raise Failed(f"--reuse needs {runner.directory / 'chain.db'} from an earlier run with --keep")
    seconds, _, stdout, _ = runner.cli("init", label="migrate_s")
    say(f"reusing {runner.directory / 'chain.db'}: {stdout.strip()} ({seconds:.2f} s)")
    with contextlib.closing(sqlite3.connect(runner.directory / "chain.db")) as con:
        figures.update(
            stores=con.execute("select count(distinct store) from staff").fetchone()[0],
            staff=con.execute("select count(*) from staff").fetchone()[0],
            events=con.execute("select count(*) from events where source = 'import'").fetchone()[0],
            punches=sum(1 for _ in (runner.directory / f"punches-{MONTH}.csv").open(encoding="utf-8")) - 1,
            setup_s=None)


def twice(runner: Runner, repeat: int, args: tuple[str, ...], pattern: str, what: str, label: str,
          must_create: bool, again_args: Callable[[int], tuple[str, ...]] | None = None
          ) -> tuple[float, list[float]]:
    """A first run (which must change something on a fresh chain), then ``repeat`` runs (the n-th of
    ``again_args(n)`` when given) that must add nothing."""
    first, rss, stdout, stderr = runner.cli(*args, label=label)
    created = count_after(pattern, stdout)
    say(f"{what} (first): {first:.2f} s, {rss:.0f} MB peak: {stdout.strip().splitlines()[0]}")
    if stderr.strip():
        say(f"  stderr: {stderr.strip().splitlines()[0][:200]} ({len(stderr.strip().splitlines())} lines)")
    if must_create and not created:
        raise Failed(f"the first {what} created nothing: {stdout.strip()[:300]}")
    runs = []
    for n in range(repeat):
        seconds, rss, stdout, _ = runner.cli(*(again_args(n) if again_args else args), label=label)
        again = count_after(pattern, stdout)
        say(f"{what} (again): {seconds:.2f} s, {rss:.0f} MB peak: {stdout.strip().splitlines()[0]}")
        if again:
            raise Failed(f"repeating {what} added {again}: {stdout.strip()[:300]}")
        runs.append(round(seconds, 3))
    return round(first, 3), runs


def measure(runner: Runner, figures: dict[str, object], repeat: int, fresh: bool) -> None:
    """Every measured figure; a step that fails is recorded in ``failures`` and the others still run."""
    failures: list[str] = []

    def step(name: str, fn: Callable[[], None]) -> None:
        try:
            fn()
        except Failed as exc:
            say(f"FAILED ({name}): {exc}")
            failures.append(f"{name}: {str(exc).strip()[-500:]}")

    def punches() -> None:
        # The same file again is known by its SHA-256 and skipped whole; each repeat imports a copy with
        # other bytes (a re-export of the same punches), which must go through every row and add none.
        def again(n: int) -> tuple[str, ...]:
            copy = runner.directory / f"punches-{MONTH}-again{n}.csv"
            copy.write_bytes((runner.directory / f"punches-{MONTH}.csv").read_bytes() + b"\n" * (n + 1))
            return ("punches", "import", copy.name, "--format", "csv")

        first, runs = twice(runner, repeat, ("punches", "import", f"punches-{MONTH}.csv", "--format", "csv"),
                            r"punches read, (\d+) new", "punches import", "import_punches_s", fresh, again_args=again)
        figures.update(import_punches_first_s=first, import_punches_s=round(median(runs), 3))

    def derive() -> None:
        with lead_logging(runner) as waits:  # how long does a lead's log wait behind a derive?
            first, runs = twice(runner, repeat, ("attendance", "derive", MONTH), r": (\d+) events derived",
                                "derive", "derive_s", fresh)
        say(f"  {len(waits)} logs meanwhile, the longest {max(waits, default=0) * 1000:.0f} ms")
        figures.update(derive_first_s=first, derive_s=round(median(runs), 3), logs_during_derive=len(waits),
                       log_during_derive_max_ms=round(max(waits, default=0) * 1000, 1))

    def counts() -> None:
        with contextlib.closing(sqlite3.connect(db)) as con:
            figures["derived_events"] = con.execute(
                "select count(*) from events where source = 'derived'").fetchone()[0]
            figures["month_events"] = con.execute(
                "select count(*) from events where type='violation' and at >= '2026-10-01' and at < '2026-11-01'"
            ).fetchone()[0]
            figures["stored_punches"] = con.execute("select count(*) from punches").fetchone()[0]
        figures["db_mb"] = round(sum(p.stat().st_size for p in runner.directory.glob("chain.db*")) / 2**20, 1)

    def floor() -> None:
        for _ in range(repeat):
            seconds, _, stdout, _ = runner.run(sys.executable, "-c", FLOOR_SCRIPT, str(db), label="floor_s")
            say(f"floor (sqlite3 rows of {MONTH} summed per person): {seconds:.2f} s ({stdout.strip()})")
        figures["floor_s"] = median(runner.wall["floor_s"])

    def help_() -> None:
        for _ in range(short):
            runner.cli("--help", label="help_s")
        say(f"--help: {', '.join(f'{s * 1000:.0f}' for s in runner.wall['help_s'])} ms")
        figures["help_ms"] = round(median(runner.wall["help_s"]) * 1000, 1)

    def payroll() -> None:
        out = runner.directory / f"payroll-{MONTH}.json"
        memory = []
        for _ in range(repeat):
            seconds, rss, _, _ = runner.cli("payroll", MONTH, "--format", "json", "--out", str(out),
                                            label="payroll_s")
            memory.append(round(rss, 1))
            say(f"payroll {MONTH}: {seconds:.2f} s, {rss:.0f} MB peak, {out.stat().st_size / 2**20:.1f} MB of JSON")
            figures.update(payroll_s=median(runner.wall["payroll_s"]), payroll_first_s=runner.wall["payroll_s"][0],
                           payroll_rss_mb=max(memory), payroll_rss_mb_runs=memory)
        statements = json.loads(out.read_text("utf-8"))
        figures["payroll_statements"] = len(statements)
        figures["payroll_lines"] = sum(len(s["lines"]) for s in statements)

    def log() -> None:
        for index in range(short):
            seconds, _, stdout, _ = runner.cli("log", "S0001-03", "conduct.reception", "--at",
                                               f"2026-11-{10 + index:02d} 10:{index:02d}", "--note", "bench",
                                               label="log_s")
            say(f"log: {seconds * 1000:.0f} ms ({stdout.strip().splitlines()[0]})")
        figures["log_ms"] = round(median(runner.wall["log_s"]) * 1000, 1)

    def roster_change() -> None:
        # The whole roster again with one raise, from the start of the measured month: only that month of
        # that person's store is re-priced.
        roster = (runner.directory / "roster.csv").read_text(encoding="utf-8").splitlines()
        fields = roster[1].split(",")
        fields[6] = str(int(float(fields[6])) + 500)
        (runner.directory / "roster-raise.csv").write_text("\n".join([roster[0], ",".join(fields), *roster[2:]]) + "\n",
                                                         encoding="utf-8")
        seconds, rss, stdout, _ = runner.cli("staff", "import", "roster-raise.csv", "--effective", f"{MONTH}-01",
                                             label="roster_change_s")
        say(f"staff import, one raise from {MONTH}-01: {seconds:.2f} s, {rss:.0f} MB peak: "
            f"{stdout.strip().splitlines()[0]}")
        figures.update(roster_change_s=round(seconds, 3), roster_change_rss_mb=round(rss, 1))

    def publish() -> None:
        # A rule version with one amount changed, from the start of the measured month: every key is
        # re-priced from that day on, not the year before it.
        text = (PROJECT / "rules.toml").read_text(encoding="utf-8").replace("\nfine = [20, 40]\n",
                                                                           "\nfine = [30, 60]\n", 1)
        (runner.directory / "rules-v2.toml").write_text(text, encoding="utf-8")
        with lead_logging(runner) as waits:  # how long does a lead's log wait behind it?
            seconds, rss, stdout, _ = runner.cli("rules", "publish", "rules-v2.toml", "--effective", f"{MONTH}-01",
                                                 "--published", f"{MONTH}-01", "--retroactive", label="publish_s")
        say(f"rules publish from {MONTH}-01: {seconds:.2f} s, {rss:.0f} MB peak: {stdout.strip()}")
        say(f"  {len(waits)} logs meanwhile, the longest {max(waits, default=0) * 1000:.0f} ms")
        figures.update(publish_s=round(seconds, 3), publish_rss_mb=round(rss, 1), logs_during_publish=len(waits),
                       log_during_publish_max_ms=round(max(waits, default=0) * 1000, 1))

    db = runner.directory / "chain.db"
    short = max(repeat, 5)  # the quick figures get at least five runs
    for name, fn in (("punches import", punches), ("derive", derive), ("counts", counts), ("floor", floor),
                     ("help", help_), ("payroll", payroll), ("log", log), ("roster change", roster_change),
                     ("publish", publish)):
        step(name, fn)
    if figures.get("payroll_s") and figures.get("floor_s"):
        figures["payroll_ratio"] = round(float(figures["payroll_s"]) / float(figures["floor_s"]), 2)
    if failures:
        figures["failures"] = failures


@contextlib.contextmanager
def lead_logging(runner: Runner) -> Iterator[list[float]]:
    """A store lead logs, one ``log`` after another, all the while; the list holds each one's wall-clock
    seconds once the block is over."""
    waits: list[float] = []
    stop = runner.directory / "lead-stop"
    stop.unlink(missing_ok=True)
    lead = subprocess.Popen([sys.executable, "-c", LEAD, runner.discipline, str(stop)], cwd=runner.directory,
                            env=runner.env, stdout=subprocess.PIPE, text=True)
    try:
        yield waits
    finally:
        stop.touch()
        waits.extend(float(line) for line in lead.communicate(timeout=300)[0].split())


#: A store lead logging during a long command: one ``log`` after another until told to stop; prints each
#: one's wall-clock seconds.
LEAD = """
import os, subprocess, sys, time
discipline, stop = sys.argv[1], sys.argv[2]
n = 0
while not os.path.exists(stop):
    n += 1
    started = time.perf_counter()
    subprocess.run([discipline, "log", "S0001-03", "conduct.reception", "--at",
                    f"2026-11-{1 + n % 28:02d} 11:{n % 60:02d}", "--note", f"meanwhile {n}"],
                   check=True, capture_output=True)
    print(time.perf_counter() - started, flush=True)
"""


def cpu_figures(runner: Runner) -> dict[str, float]:
    """Median CPU seconds of each measured figure, matched to its wall-clock figure."""
    out = {}
    for label, runs in runner.cpu.items():
        if label in ("events_import_s", "close_s"):
            out[label] = round(sum(runs), 2)
        elif label in ("import_punches_s", "derive_s"):
            out[label[:-2] + "_first_s"] = runs[0]
            out[label] = round(median(runs[1:]), 3) if len(runs) > 1 else runs[0]
        else:
            out[label] = round(median(runs), 3)
    return out


def code_version() -> dict[str, object]:
    """The commit and a digest of the product's source as measured (the tree may have local changes)."""
    digest = hashlib.sha256()
    for path in sorted([PROJECT / "cli.py", PROJECT / "rules.toml", *(PROJECT / "discipline").glob("*.py")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT, capture_output=True, text=True,
                              check=False).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "cli.py", "discipline", "rules.toml"],
                               cwd=PROJECT, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        head, dirty = "", ""
    return {"commit": head, "local_changes": bool(dirty), "source_sha256": digest.hexdigest()[:16]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stores", type=int, required=True, help="Stores in the chain (half showrooms).")
    parser.add_argument("--repeat", type=int, default=3, help="Runs per measured figure (median).")
    parser.add_argument("--dir", type=Path, help="Working folder (default /tmp/discipline-bench-STORES).")
    parser.add_argument("--seed", type=int, default=1, help="Seed of the generated chain.")
    parser.add_argument("--keep", action="store_true", help="Keep the generated files and database.")
    parser.add_argument("--close", action="store_true",
                        help="Close 2025-11 … 2026-09 (in order) before measuring, as a chain using the product "
                             "every month would have; by default every month of the year is open.")
    parser.add_argument("--reuse", action="store_true",
                        help="Skip the set-up: measure the chain an earlier --keep run left in DIR (after "
                             "'discipline init' brings its schema up to date). Implies --keep.")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be 1 or more")
    directory = (args.dir or Path(f"/tmp/discipline-bench-{args.stores}")).resolve()
    if directory == PROJECT or PROJECT in directory.parents:
        parser.error("--dir must be outside the project, so its own files are never touched")
    directory.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    load_before = os.getloadavg()
    code_before = code_version()
    figures: dict[str, object] = {}
    try:
        runner = Runner(directory, find_discipline())
    except Failed as exc:
        parser.error(str(exc))
    try:
        if args.reuse:
            reuse(runner, figures)
        else:
            setup(runner, figures, args.stores, args.seed, args.close)
        measure(runner, figures, args.repeat, fresh=not args.reuse)
    except Failed as exc:
        say(f"FAILED: {exc}")
        figures.setdefault("failures", []).append(str(exc).strip()[-500:])  # type: ignore[union-attr]
    finally:
        if not (args.keep or args.reuse):
            for pattern in ("chain.db*", "roster.csv", "events-*.csv", "punches-*.csv", "payroll-*.json", "stdout.txt",
                            "stderr.txt"):
                for path in directory.glob(pattern):
                    path.unlink()
            if not any(directory.iterdir()):
                directory.rmdir()
    failed = "failures" in figures
    cpu = cpu_figures(runner)
    if cpu.get("payroll_s") and cpu.get("floor_s"):
        figures["payroll_ratio_cpu"] = round(cpu["payroll_s"] / cpu["floor_s"], 2)
    code_after = code_version()
    if code_after != code_before:
        say("note: the product's source changed while the benchmark ran; figures mix two versions")
    figures.update(repeat=args.repeat, seed=args.seed, closed_months=args.close, reused=args.reuse,
                   total_s=round(time.perf_counter() - started, 1),
                   cpu_s=cpu, raw_wall_s=runner.wall, raw_cpu_s=runner.cpu,
                   load_before=[round(x, 2) for x in load_before], load_after=[round(x, 2) for x in os.getloadavg()],
                   code=code_after if code_after == code_before else {"before": code_before, "after": code_after},
                   machine=machine())
    keys = ("stores", "staff", "events", "punches", "payroll_s", "floor_s", "payroll_ratio", "log_ms", "help_ms",
            "import_punches_s", "import_punches_first_s", "derive_s", "derive_first_s", "payroll_rss_mb", "setup_s")
    ordered = {key: figures.pop(key, None) for key in keys} | figures
    print(json.dumps(ordered, ensure_ascii=False))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
