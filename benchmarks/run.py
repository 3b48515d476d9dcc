"""Side-by-side benchmarks of whole processes: median, min-max wall time and peak memory.

    python benchmarks/run.py --tickets 1000000 [--runs 3] [--large] [--skip-slow]

Contenders run alternately in one invocation (the machine is noisy: only same-run ratios
count). Generated data goes to a temporary folder and is deleted afterwards. Results print as
a table and are written to benchmarks/RESULTS.md with the machine description and date.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

AS_OF = "2026-03-27T00:00:00Z"  # the generated data ends on 2026-03-27


def run_once(cmd: list[str] | str, cwd: Path, setup=None) -> tuple[float, int]:
    """(wall seconds, peak RSS in MB) of one whole process."""
    if setup:
        setup()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, shell=isinstance(cmd, str), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    err = proc.stderr.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1, 2):
        raise RuntimeError(f"{cmd} exited {code}: {err[-2000:]}")
    return wall, usage.ru_maxrss // 1024


def bench(name: str, contenders: dict, runs: int, cwd: Path, results: list) -> None:
    """Run each contender `runs` times, alternating; append one result row per contender."""
    times: dict[str, list[tuple[float, int]]] = {k: [] for k in contenders}
    for _ in range(runs):
        for label, (cmd, setup) in contenders.items():
            times[label].append(run_once(cmd, cwd, setup))
    for label, samples in times.items():
        walls = [w for w, _ in samples]
        results.append({"benchmark": name, "contender": label, "median": statistics.median(walls),
                        "min": min(walls), "max": max(walls), "rss": max(m for _, m in samples)})
        print(f"{name:28} {label:42} median {statistics.median(walls):7.2f}s  "
              f"[{min(walls):.2f}-{max(walls):.2f}]  peak {max(m for _, m in samples)} MB", flush=True)


def remover(*paths: Path):
    def remove():
        for path in paths:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    return remove


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, Python "
            f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}")


def ratio(results, name, a, b) -> str:
    rows = {r["contender"]: r for r in results if r["benchmark"] == name}
    if a in rows and b in rows:
        return f"{rows[a]['median'] / rows[b]['median']:.2f}x"
    return "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--large", action="store_true", help="also 10M tickets for the scaling rows")
    parser.add_argument("--skip-slow", action="store_true", help="leave out sqlite-utils insert (minutes at 1M)")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    cstool = [sys.executable, "-m", "cstool", "--quiet"]
    work = Path(tempfile.mkdtemp(prefix="cstool-bench-"))
    results: list[dict] = []
    notes: list[str] = []
    try:
        sizes = sorted({100_000, args.tickets} | ({10_000_000} if args.large else set()))
        for n in sizes:
            folder = work / f"n{n}"
            print(f"generating {n:,} tickets in {folder}", flush=True)
            paths = generate(n, folder, events=False)
            (folder / "cstool.toml").write_text('[defaults]\ntimezone = "UTC"\n')
            tickets = paths["tickets"]
            label = f"import {n:,}"
            contenders = {
                "cstool import tickets": (cstool + ["--db", "c.db", "import", "tickets", str(tickets)],
                                          remover(folder / "c.db")),
                "sqlite3 .import --csv (C reference)": (["sqlite3", "ref.db", f".import --csv {tickets} t"],
                                                        remover(folder / "ref.db")),
            }
            if shutil.which("sqlite-utils") and not args.skip_slow and n <= 1_000_000:
                contenders["sqlite-utils insert --csv"] = (["sqlite-utils", "insert", "su.db", "t", str(tickets), "--csv"],
                                                           remover(folder / "su.db"))
            bench(label, contenders, args.runs, folder, results)
            bench(f"re-import {n:,} (unchanged)", {"cstool import tickets": (
                cstool + ["--db", "c.db", "import", "tickets", str(tickets)], None)}, args.runs, folder, results)
            run_once(cstool + ["--db", "c.db", "sla", "check", "--as-of", AS_OF], folder)  # materialise the clocks
            sla_sql = ("SELECT count(*) FROM sla_clocks WHERE mode = 'running' AND risk_at < 1774569600")
            bench(f"sla check {n:,}", {
                "cstool sla check": (cstool + ["--db", "c.db", "sla", "check", "--as-of", AS_OF], None),
                "cstool sla check --format nagios": (cstool + ["--db", "c.db", "sla", "check", "--as-of", AS_OF,
                                                               "--format", "nagios"], None),
                "sqlite3 count of breached/at-risk clocks": (["sqlite3", "c.db", sla_sql], None),
            }, args.runs, folder, results)
            bench(f"escalations {n:,}", {
                "cstool escalations": (cstool + ["--db", "c.db", "escalations", "--as-of", AS_OF], None),
                "cstool escalations --format json": (cstool + ["--db", "c.db", "escalations", "--as-of", AS_OF,
                                                               "--format", "json"], None),
            }, args.runs, folder, results)
        try:
            import pandas  # noqa: F401
        except ImportError:
            notes.append("pandas is not installed here: its contenders were skipped.")
        bench("cold start", {
            "cstool --version": (cstool[:3] + ["--version"], None),
            "python -c 'import typer, rich, sqlite_utils, dateutil'": (
                [sys.executable, "-c", "import typer, rich, sqlite_utils, dateutil"], None),
        }, max(args.runs, 5), work, results)
        bench("calendar 1M add+between", {
            "1M add and 1M between on a lunch-break calendar": (
                [sys.executable, str(HERE / "calendar_bench.py"), "1000000"], None)}, args.runs, work, results)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    n = args.tickets
    summary = [
        f"- import {n:,}: cstool / sqlite3 .import = {ratio(results, f'import {n:,}', 'cstool import tickets', 'sqlite3 .import --csv (C reference)')}"
        " (target ≤ 2.5x)",
        f"- re-import / first import = {_reimport_ratio(results, n)} (target ≤ 1.0x)",
        f"- cold start: cstool --version / bare imports = "
        f"{ratio(results, 'cold start', 'cstool --version', chr(112) + 'ython -c ' + chr(39) + 'import typer, rich, sqlite_utils, dateutil' + chr(39))}"
        " (target ≤ 1.5x)",
    ]
    write_results(args, results, notes + summary)


def _reimport_ratio(results, n) -> str:
    first = [r for r in results if r["benchmark"] == f"import {n:,}" and r["contender"] == "cstool import tickets"]
    again = [r for r in results if r["benchmark"] == f"re-import {n:,} (unchanged)"]
    return f"{again[0]['median'] / first[0]['median']:.2f}x" if first and again else "n/a"


def write_results(args, results: list[dict], notes: list[str]) -> None:
    lines = ["# Benchmark results", "",
             f"`python benchmarks/run.py --tickets {args.tickets} --runs {args.runs}` on "
             f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC.", "", f"Machine: {machine()}.", "",
             "Whole processes, median of the runs with min-max, peak RSS; contenders alternate within one run.", "",
             "| benchmark | contender | median s | min-max s | peak MB |", "|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r['benchmark']} | {r['contender']} | {r['median']:.2f} | {r['min']:.2f}-{r['max']:.2f} "
                     f"| {r['rss']} |")
    lines += ["", "Ratios (same run):", "", *notes, ""]
    args.results.write_text("\n".join(lines))
    print("\n".join(lines[-len(notes) - 2:]))
    print(f"written to {args.results}")


if __name__ == "__main__":
    main()
