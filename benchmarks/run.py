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
from datetime import UTC, datetime
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--large", action="store_true", help="also 10M tickets for the scaling rows")
    parser.add_argument("--skip-slow", action="store_true",
                        help="leave out sqlite-utils insert and pandas to_sql (minutes at 1M)")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    cstool = [sys.executable, "-m", "cstool", "--quiet"]
    work = Path(tempfile.mkdtemp(prefix="cstool-bench-"))
    results: list[dict] = []
    notes: list[str] = []
    try:
        pandas_ok = _has_pandas()
        if not pandas_ok:
            notes.append("pandas is not installed here: its contenders were skipped "
                         "(`pip install -e '.[bench]'` adds it).")
        sizes = sorted({100_000, args.tickets} | ({10_000_000} if args.large else set()))
        for n in sizes:
            folder = work / f"n{n}"
            print(f"generating {n:,} tickets in {folder}", flush=True)
            paths = generate(n, folder, events=False)
            (folder / "cstool.toml").write_text('[defaults]\ntimezone = "UTC"\n')
            bench_size(n, folder, paths, cstool, args, pandas_ok, results)
        bench("cold start", {
            "cstool --version": (cstool[:3] + ["--version"], None),
            # (sqlite_utils imports pandas and numpy when they are installed, as they are for the
            # pandas contenders: hidden here, so the reference loads what a plain install loads)
            BARE: ([sys.executable, "-c", "import sys; sys.modules.update(pandas=None, numpy=None); "
                    "import typer, rich, sqlite_utils, dateutil"], None),
        }, max(args.runs, 5), work, results)
        bench("calendar 1M add+between", {
            "1M add and 1M between on a lunch-break calendar": (
                [sys.executable, str(HERE / "calendar_bench.py"), "1000000"], None),
            "the same with night windows and per-date hours": (
                [sys.executable, str(HERE / "calendar_bench.py"), "1000000", "--night"], None)},
            args.runs, work, results)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    write_results(args, results, notes + summary_lines(results, args.tickets, sizes))


BARE = "python -c 'import typer, rich, sqlite_utils, dateutil'"
REFERENCES = [
    "What the references compute:", "",
    "- `sqlite3 .import --csv`: the raw text into one table, no parsing or validation (C).",
    "- `sqlite-utils insert --csv` and pandas `read_csv` + `to_sql`: typed by their own detection, no validation.",
    "- sla check / escalations SQL: the same stored clocks classified and joined to their tickets, no rules "
    "evaluated and nothing rendered.",
    "- sla check / escalations pandas (`benchmarks/reference/sla_pandas.py`): reads the CSV export and finds "
    "the breached and at-risk clocks under the default 24x7 policy (the same tickets as cstool), no rules.",
    "- kpi SQL (`benchmarks/reference/kpi_week.sql`): per UTC week created, resolved, backlog, median / p90 / "
    "mean of four durations by window functions, FCR, reopens, SLA % by stop week, CSAT, NPS, CES; no backlog "
    "ages, no low-sample flags.",
    "- kpi pandas (`benchmarks/reference/kpi_pandas.py`): reads the CSV exports and computes the same per week "
    "in calendar time, backlog ages included; no business time or SLA (pandas has no calendar).",
]
CSTOOL_KPI = "cstool kpi --period all --by week --format json"
SQL_KPI = "sqlite3 < benchmarks/reference/kpi_week.sql"
PANDAS_KPI = "pandas: read the CSVs, weekly KPIs (reference/kpi_pandas.py)"
PANDAS_SLA = "pandas: read the CSV, breached/at-risk clocks (reference/sla_pandas.py)"


def _has_pandas() -> bool:
    return subprocess.run([sys.executable, "-c", "import pandas"], capture_output=True).returncode == 0


def bench_size(n: int, folder: Path, paths: dict, cstool: list[str], args, pandas_ok: bool, results: list) -> None:
    """Every benchmark on one generated data set of n tickets."""
    tickets = paths["tickets"]
    db = ["--db", "c.db"]
    contenders = {
        "cstool import tickets": (cstool + db + ["import", "tickets", str(tickets)], remover(folder / "c.db")),
        "sqlite3 .import --csv (C reference)": (["sqlite3", "ref.db", f".import --csv {tickets} t"],
                                                remover(folder / "ref.db")),
    }
    if not args.skip_slow and n <= 1_000_000:
        if shutil.which("sqlite-utils"):
            contenders["sqlite-utils insert --csv"] = (["sqlite-utils", "insert", "su.db", "t", str(tickets), "--csv"],
                                                       remover(folder / "su.db"))
        if pandas_ok:
            contenders["pandas read_csv + to_sql"] = (
                [sys.executable, "-c", "import sys, sqlite3, pandas; pandas.read_csv(sys.argv[1]).to_sql("
                 "'t', sqlite3.connect(sys.argv[2]), index=False)", str(tickets), "pd.db"], remover(folder / "pd.db"))
    bench(f"import {n:,}", contenders, args.runs, folder, results)
    bench(f"re-import {n:,} (unchanged)", {"cstool import tickets": (
        cstool + db + ["import", "tickets", str(tickets)], None)}, args.runs, folder, results)
    run_once(cstool + db + ["import", "surveys", str(paths["surveys"])], folder)
    run_once(cstool + db + ["import", "customers", str(paths["customers"])], folder)
    bench(f"first sla check {n:,} (computes and stores every clock)", {
        "cstool sla check": (cstool + db + ["sla", "check", "--as-of", AS_OF], None)}, 1, folder, results)
    sla_sql = "SELECT count(*) FROM sla_clocks WHERE mode = 'running' AND risk_at < 1774569600"
    pandas_sla = {PANDAS_SLA: ([sys.executable, str(HERE / "reference" / "sla_pandas.py"), str(folder), AS_OF], None)
                  } if pandas_ok else {}
    bench(f"sla check {n:,}", {
        "cstool sla check": (cstool + db + ["sla", "check", "--as-of", AS_OF], None),
        "cstool sla check --format nagios": (cstool + db + ["sla", "check", "--as-of", AS_OF, "--format", "nagios"],
                                             None),
        "sqlite3: count breached/at-risk clocks": (["sqlite3", "c.db", sla_sql], None),
        **pandas_sla,
    }, args.runs, folder, results)
    queue_sql = ("SELECT t.id, t.priority, t.customer_tier, t.assignee, t.reopens, c.metric, c.due_at "
                 "FROM sla_clocks c "
                 "JOIN tickets t ON t.source = c.source AND t.id = c.ticket_id "
                 "WHERE c.mode = 'running' AND c.risk_at < 1774569600 ORDER BY c.due_at")
    bench(f"escalations {n:,}", {
        "cstool escalations": (cstool + db + ["escalations", "--as-of", AS_OF], None),
        "cstool escalations --format json": (cstool + db + ["escalations", "--as-of", AS_OF, "--format", "json"],
                                             None),
        "sqlite3: breached/at-risk clocks with their tickets": (["sqlite3", "c.db", queue_sql], None),
        **pandas_sla,
    }, args.runs, folder, results)
    kpi = {CSTOOL_KPI: (cstool + db + ["kpi", "--period", "all", "--by", "week", "--as-of", AS_OF, "--format", "json"],
                        None),
           SQL_KPI: (f"sqlite3 c.db < {HERE / 'reference' / 'kpi_week.sql'}", None)}
    if pandas_ok:
        kpi[PANDAS_KPI] = ([sys.executable, str(HERE / "reference" / "kpi_pandas.py"), str(folder)], None)
    bench(f"kpi {n:,} (+{_lines(paths['surveys']):,} surveys)", kpi, args.runs, folder, results)


def _lines(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(1 for _ in fh) - 1


def _row(results, name: str, contender: str) -> dict | None:
    return next((r for r in results if r["benchmark"].startswith(name) and r["contender"] == contender), None)


def summary_lines(results: list[dict], n: int, sizes: list[int]) -> list[str]:
    """The ratios the targets are stated in, then the per-size cost of import and kpi."""
    def ratio(name, a, b, target) -> str:
        x, y = _row(results, name, a), _row(results, name, b)
        return f"{x['median'] / y['median']:.2f}x (target {target})" if x and y else "n/a"

    def seconds(name, contender, target) -> str:
        x = _row(results, name, contender)
        return f"{x['median']:.2f} s (target {target})" if x else "n/a"

    first = _row(results, f"import {n:,}", "cstool import tickets")
    again = _row(results, f"re-import {n:,}", "cstool import tickets")
    reimport = f"{again['median'] / first['median']:.2f}x" if first and again else "n/a"
    lines = [
        f"- import {n:,}: cstool / sqlite3 .import = "
        f"{ratio(f'import {n:,}', 'cstool import tickets', 'sqlite3 .import --csv (C reference)', '<= 2.5x')}; "
        f"peak {first['rss'] if first else '?'} MB (target < 150 MB)",
        f"- re-import / first import = {reimport} (target <= 1.0x)",
        f"- sla check {n:,}: {seconds(f'sla check {n:,}', 'cstool sla check', '< 0.5 s')}; "
        f"escalations: {seconds(f'escalations {n:,}', 'cstool escalations', '< 1 s')}; cstool sla check / pandas = "
        f"{ratio(f'sla check {n:,}', 'cstool sla check', PANDAS_SLA, 'none set')}",
        f"- kpi {n:,} by week: cstool / direct SQL = {ratio(f'kpi {n:,}', CSTOOL_KPI, SQL_KPI, '<= 3x')}; "
        f"cstool / pandas = {ratio(f'kpi {n:,}', CSTOOL_KPI, PANDAS_KPI, '< 1x')}",
        f"- cold start: cstool --version / bare imports = {ratio('cold start', 'cstool --version', BARE, '<= 1.5x')}",
        "", "Scaling (median wall time per million tickets):", ""]
    for size in sizes:
        imp, kp = _row(results, f"import {size:,}", "cstool import tickets"), _row(results, f"kpi {size:,}", CSTOOL_KPI)
        if imp and kp:
            lines.append(f"- {size:,} tickets: import {imp['median']:.2f} s ({imp['median'] * 1e6 / size:.2f} s per "
                         f"million), kpi {kp['median']:.2f} s ({kp['median'] * 1e6 / size:.2f} s per million)")
    return lines


def write_results(args, results: list[dict], notes: list[str]) -> None:
    """The table of every result, the ratios and the references, into --results (and stdout)."""
    lines = ["# Benchmark results", "",
             f"`python benchmarks/run.py --tickets {args.tickets} --runs {args.runs}` on "
             f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC.", "", f"Machine: {machine()}.", "",
             "Whole processes, median of the runs with min-max, peak RSS; contenders alternate within one run.", "",
             "| benchmark | contender | median s | min-max s | peak MB |", "|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r['benchmark']} | {r['contender']} | {r['median']:.2f} | {r['min']:.2f}-{r['max']:.2f} "
                     f"| {r['rss']} |")
    lines += ["", "Ratios (same run):", "", *notes, "", *REFERENCES, ""]
    args.results.write_text("\n".join(lines))
    print("\n".join(lines[-len(notes) - 2:]))
    print(f"written to {args.results}")


if __name__ == "__main__":
    main()
