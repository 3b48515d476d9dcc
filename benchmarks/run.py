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


# Every contender runs as an installed program would: with its compiled bytecode cached (a
# PYTHONDONTWRITEBYTECODE inherited from a development shell would recompile every module of
# every run, a tenth of a second that no user pays).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run_once(cmd: list[str] | str, cwd: Path, setup=None) -> tuple[float, int]:
    """(wall seconds, peak RSS in MB) of one whole process."""
    if setup:
        setup()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, shell=isinstance(cmd, str), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    err = proc.stderr.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    # (cstool's checks exit 1 or 2 when something is late; every reference must exit 0)
    if code not in ((0, 1, 2) if "cstool" in cmd else (0,)):
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
    parser.add_argument("--realistic", action="store_true",
                        help="also the main size with realistic shapes and a 15 %% open backlog")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    cstool = [sys.executable, "-m", "cstool", "--quiet"]
    args.load_before = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="cstool-bench-"))
    results: list[dict] = []
    notes: list[str] = []
    try:
        peers = {name for name, modules in (("pandas", ("pandas",)), ("columnar", ("duckdb", "polars")))
                 if all(_has(m) for m in modules)}
        if peers != {"pandas", "columnar"}:
            notes.append("pandas, DuckDB or Polars is not installed here: their contenders were skipped "
                         "(`pip install -e '.[bench]'` adds them).")
        sizes = sorted({100_000, args.tickets} | ({10_000_000} if args.large else set()))
        for n in sizes:
            folder = work / f"n{n}"
            print(f"generating {n:,} tickets in {folder}", flush=True)
            paths = generate(n, folder, events=False)
            _configs(folder)
            # (10M: one run of each, and no pandas: it would hold the whole file in memory)
            sized = argparse.Namespace(**{**vars(args), "runs": 1 if n > 1_000_000 else args.runs})
            bench_size(n, folder, paths, cstool, sized, peers - ({"pandas"} if n > 1_000_000 else set()), results)
            shutil.rmtree(folder, ignore_errors=True)
        if args.realistic:
            n = args.tickets
            folder = work / f"r{n}"
            print(f"generating {n:,} realistic tickets (15 % open) in {folder}", flush=True)
            paths = generate(n, folder, events=False, realistic=True, backlog=0.15)
            _configs(folder)
            bench_size(n, folder, paths, cstool, args, peers, results, REALISTIC)
            shutil.rmtree(folder, ignore_errors=True)
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
    "- kpi DuckDB and Polars (`reference/kpi_duckdb.py`, `kpi_polars.py`): the pandas figures, from the CSVs.",
    "- import DuckDB (`read_csv` into a table of its own file) and Polars (`read_csv`, then `write_parquet`): "
    "typed by their own detection, no validation.",
    "- tickets to csv, sqlite3 `-csv`: every stored column the rows come from (tickets, clocks, names, CSAT/NPS "
    "answers joined), as stored: epoch seconds, mode codes, no state at an instant, no neutralising.",
    "- first sla check: each run alternates the lunch-break calendar (Europe/Berlin, 09:00-12:00 and "
    "13:00-17:30, German and Berlin holidays, business-day targets) and the default 24x7 policy, so every run "
    "recomputes every clock.",
    "- realistic: the same generator with `--realistic --backlog 0.15` (quoted subjects with commas, quotes and "
    "line breaks in 42 % of rows, customer e-mails, five UTC offsets, fractional seconds, 15 % of all tickets "
    "open).",
]
CSTOOL_KPI = "cstool kpi --period all --by week --format json"
SQL_KPI = "sqlite3 < benchmarks/reference/kpi_week.sql"
TICKETS_CSV, SQL_TICKETS = "cstool tickets -f csv", "sqlite3 -csv: the stored columns behind them"
TICKETS_SQL = ("SELECT t.*, c.*, n.*, s.kind, s.score, s.label, s.submitted_at FROM tickets t LEFT JOIN clocks c "
               "ON c.ticket = t.rowid LEFT JOIN clock_names n ON n.id = c.names LEFT JOIN surveys s ON "
               "s.source = t.source AND s.ticket_id = t.id AND s.kind IN ('csat', 'nps')")
PANDAS_KPI = "pandas: read the CSVs, weekly KPIs (reference/kpi_pandas.py)"
PANDAS_SLA = "pandas: read the CSV, breached/at-risk clocks (reference/sla_pandas.py)"


def _has(module: str) -> bool:
    return subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True).returncode == 0


REALISTIC = " realistic"
LUNCH = """[defaults]
timezone = "UTC"

[calendars.support]
timezone = "Europe/Berlin"
hours = { mon = ["09:00-12:00", "13:00-17:30"], tue = ["09:00-12:00", "13:00-17:30"], \
wed = ["09:00-12:00", "13:00-17:30"], thu = ["09:00-12:00", "13:00-17:30"], fri = ["09:00-12:00", "13:00-16:00"] }
holiday_country = "DE"
holiday_subdivision = "BE"

[[sla.policies]]
name = "Standard"
calendar = "support"
at_risk = "25%"
[sla.policies.targets]
urgent = { first_response = "1h", resolution = "8h" }
high = { first_response = "4h", resolution = "2bd" }
normal = { first_response = "8h", resolution = "3bd" }
low = { first_response = "1bd", resolution = "5bd" }
"""


def _configs(folder: Path) -> None:
    """cstool.toml (the default 24x7 policy) and lunch.toml (a lunch-break calendar with holidays)."""
    (folder / "cstool.toml").write_text('[defaults]\ntimezone = "UTC"\n')
    (folder / "lunch.toml").write_text(LUNCH)


def bench_size(n: int, folder: Path, paths: dict, cstool: list[str], args, peers: set[str], results: list,
               tag: str = "") -> None:
    """Every benchmark on one generated data set of n tickets (`tag` names the data set's shape;
    `peers`: which other tools run beside cstool, "pandas" and "columnar" for DuckDB and Polars)."""
    tickets, size = paths["tickets"], f"{n:,}{tag}"
    db = ["--db", "c.db"]
    contenders = {
        "cstool import tickets": (cstool + db + ["import", "tickets", str(tickets)], remover(folder / "c.db")),
        "sqlite3 .import --csv (C reference)": (["sqlite3", "ref.db", f".import --csv {tickets} t"],
                                                remover(folder / "ref.db")),
    }
    if "columnar" in peers:
        contenders[DUCKDB_LOAD] = ([sys.executable, "-c", "import sys, duckdb; duckdb.connect(sys.argv[2]).execute("
                                    "f\"CREATE TABLE t AS SELECT * FROM read_csv('{sys.argv[1]}')\")", str(tickets),
                                    "dd.duckdb"], remover(folder / "dd.duckdb"))
        contenders[POLARS_LOAD] = ([sys.executable, "-c", "import sys, polars; polars.read_csv(sys.argv[1])"
                                    ".write_parquet(sys.argv[2])", str(tickets), "pl.parquet"],
                                   remover(folder / "pl.parquet"))
    if not args.skip_slow and n <= 1_000_000:
        if shutil.which("sqlite-utils"):
            contenders["sqlite-utils insert --csv"] = (["sqlite-utils", "insert", "su.db", "t", str(tickets), "--csv"],
                                                       remover(folder / "su.db"))
        if "pandas" in peers:
            contenders["pandas read_csv + to_sql"] = (
                [sys.executable, "-c", "import sys, sqlite3, pandas; pandas.read_csv(sys.argv[1]).to_sql("
                 "'t', sqlite3.connect(sys.argv[2]), index=False)", str(tickets), "pd.db"], remover(folder / "pd.db"))
    bench(f"import {size}", contenders, args.runs, folder, results)
    bench(f"re-import {size} (unchanged)", {"cstool import tickets": (
        cstool + db + ["import", "tickets", str(tickets)], None)}, args.runs, folder, results)
    run_once(cstool + db + ["import", "surveys", str(paths["surveys"])], folder)
    run_once(cstool + db + ["import", "customers", str(paths["customers"])], folder)
    imported = _store_mb(folder / "c.db")
    # Each run alternates the two configurations: a changed fingerprint recomputes every clock.
    bench(f"first sla check {size} (computes and stores every clock)", {
        LUNCH_PASS: (cstool + db + ["--config", "lunch.toml", "sla", "check", "--as-of", AS_OF], None),
        DEFAULT_PASS: (cstool + db + ["sla", "check", "--as-of", AS_OF], None)}, args.runs, folder, results)
    results.append({"benchmark": f"store size {size}", "contender": "after import (MB)", "median": imported,
                    "min": imported, "max": imported, "rss": 0})
    clocked = _store_mb(folder / "c.db")
    results.append({"benchmark": f"store size {size}", "contender": "after the clock pass (MB)", "median": clocked,
                    "min": clocked, "max": clocked, "rss": 0})
    bench_readers(size, folder, cstool, db, args, peers, results)


DUCKDB_LOAD = "DuckDB read_csv into its own file"
POLARS_LOAD = "Polars read_csv + write_parquet"
DEFAULT_PASS = "cstool sla check (default 24x7 policy)"
LUNCH_PASS = "cstool sla check (lunch-break calendar, holidays)"
DUCKDB_KPI = "DuckDB: the CSVs, weekly KPIs (reference/kpi_duckdb.py)"
POLARS_KPI = "Polars: the CSVs, weekly KPIs (reference/kpi_polars.py)"


def _store_mb(path: Path) -> float:
    """The store's size with its write-ahead log checkpointed into it."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return round(path.stat().st_size / 1e6, 1)


def bench_readers(size: str, folder: Path, cstool: list[str], db: list[str], args, peers: set[str],
                  results: list) -> None:
    """sla check, escalations and kpi on the store with its clocks (default policy)."""
    sla_sql = "SELECT count(*) FROM sla_clocks WHERE mode = 'running' AND risk_at < 1774569600"
    pandas_sla = {PANDAS_SLA: ([sys.executable, str(HERE / "reference" / "sla_pandas.py"), str(folder), AS_OF], None)
                  } if "pandas" in peers else {}
    bench(f"sla check {size}", {
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
    bench(f"escalations {size}", {
        "cstool escalations": (cstool + db + ["escalations", "--as-of", AS_OF], None),
        "cstool escalations --format json": (cstool + db + ["escalations", "--as-of", AS_OF, "--format", "json"],
                                             None),
        "sqlite3: breached/at-risk clocks with their tickets": (["sqlite3", "c.db", queue_sql], None),
        **pandas_sla,
    }, args.runs, folder, results)
    bench(f"tickets to csv {size}", {TICKETS_CSV: (cstool + db + ["tickets", "--as-of", AS_OF, "-f", "csv"], None),
                                     SQL_TICKETS: (["sqlite3", "-csv", "-header", "c.db", TICKETS_SQL], None)},
          args.runs, folder, results)
    kpi = {CSTOOL_KPI: (cstool + db + ["kpi", "--period", "all", "--by", "week", "--as-of", AS_OF, "--format", "json"],
                        None),
           SQL_KPI: (f"sqlite3 c.db < {HERE / 'reference' / 'kpi_week.sql'}", None)}
    for label, script, peer in ((PANDAS_KPI, "kpi_pandas.py", "pandas"), (DUCKDB_KPI, "kpi_duckdb.py", "columnar"),
                                (POLARS_KPI, "kpi_polars.py", "columnar")):
        if peer in peers:
            kpi[label] = ([sys.executable, str(HERE / "reference" / script), str(folder)], None)
    bench(f"kpi {size} (+{_lines(folder / 'surveys.csv'):,} surveys)", kpi, args.runs, folder, results)


def _lines(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(1 for _ in fh) - 1


def _row(results, name: str, contender: str) -> dict | None:
    """The result of `contender` in the benchmark named `name` (followed by a space or nothing)."""
    return next((r for r in results if (r["benchmark"] == name or r["benchmark"].startswith(name + " ("))
                 and r["contender"] == contender), None)


def summary_lines(results: list[dict], n: int, sizes: list[int]) -> list[str]:
    """The ratios the targets are stated in (for the plain and the realistic data), then the cost
    per million tickets of every figure at each size."""
    def median(name: str, contender: str) -> float | None:
        row = _row(results, name, contender)
        return row["median"] if row else None

    def ratio(a: float | None, b: float | None, target: str) -> str:
        return f"{a / b:.2f}x (target {target})" if a and b else "n/a"

    lines = []
    for tag in ("", REALISTIC):
        size = f"{n:,}{tag}"
        imp = median(f"import {size}", "cstool import tickets")
        if imp is None:
            continue
        first = _row(results, f"import {size}", "cstool import tickets")
        kpi = median(f"kpi {size}", CSTOOL_KPI)
        passes, stored = f"first sla check {size}", f"store size {size}"
        csv_export = (median(f"tickets to csv {size}", TICKETS_CSV), median(f"tickets to csv {size}", SQL_TICKETS))
        lines += [
            f"- {size}: import / sqlite3 .import = "
            f"{ratio(imp, median(f'import {size}', 'sqlite3 .import --csv (C reference)'), '<= 2.5x')}; "
            f"peak {first['rss'] if first else '?'} MB; re-import / import = "
            f"{ratio(median(f're-import {size}', 'cstool import tickets'), imp, '<= 1.0x')}",
            f"- {size}: first clock pass / import = {ratio(median(passes, DEFAULT_PASS), imp, '<= 1.5x')} (default), "
            f"{ratio(median(passes, LUNCH_PASS), imp, '<= 1.5x')} (lunch-break calendar)",
            f"- {size}: store after the clock pass / after import = "
            f"{ratio(median(stored, 'after the clock pass (MB)'), median(stored, 'after import (MB)'), '<= 1.5x')}",
            f"- {size}: sla check {median(f'sla check {size}', 'cstool sla check') or 0:.2f} s (target < 0.5 s), "
            f"escalations {median(f'escalations {size}', 'cstool escalations') or 0:.2f} s (target < 1 s)",
            f"- {size}: kpi by week {kpi or 0:.2f} s (target <= 1 s); cstool / DuckDB from the CSVs = "
            f"{ratio(kpi, median(f'kpi {size}', DUCKDB_KPI), '<= 1.5x')}; cstool / Polars = "
            f"{ratio(kpi, median(f'kpi {size}', POLARS_KPI), 'none set')}; cstool / pandas = "
            f"{ratio(kpi, median(f'kpi {size}', PANDAS_KPI), 'none set')}",
            f"- {size}: tickets to csv / sqlite3 -csv = {ratio(*csv_export, '<= 3x')}"]
    lines += [f"- cold start: cstool --version / bare imports = "
              f"{ratio(median('cold start', 'cstool --version'), median('cold start', BARE), '<= 1.3x')}",
              "", "Cost per million tickets (median wall time):", ""]
    for size in sizes:
        parts = []
        for label, name, contender in (("import", "import", "cstool import tickets"),
                                       ("clock pass", "first sla check", DEFAULT_PASS),
                                       ("sla check", "sla check", "cstool sla check"),
                                       ("escalations", "escalations", "cstool escalations"),
                                       ("kpi", "kpi", CSTOOL_KPI)):
            x = median(f"{name} {size:,}", contender)
            if x is not None:
                parts.append(f"{label} {x * 1e6 / size:.2f} s")
        if parts:
            lines.append(f"- {size:,} tickets: " + ", ".join(parts))
    return lines


def write_results(args, results: list[dict], notes: list[str]) -> None:
    """The table of every result, the ratios and the references, into --results (and stdout)."""
    flags = "".join(f" --{name.replace('_', '-')}" for name in ("large", "skip_slow", "realistic")
                    if getattr(args, name))
    lines = ["# Benchmark results", "",
             f"`python benchmarks/run.py --tickets {args.tickets} --runs {args.runs}{flags}` on "
             f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC.", "", f"Machine: {machine()}.", "",
             "Load average (1, 5, 15 min) when the run began: {:.2f}, {:.2f}, {:.2f}; when it ended: "
             "{:.2f}, {:.2f}, {:.2f}.".format(*args.load_before, *os.getloadavg()), "",
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
