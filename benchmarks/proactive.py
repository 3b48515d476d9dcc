"""The proactive commands on a generated store: speed of whole processes and the forecast's scores.

    python benchmarks/proactive.py [--tickets 1000000] [--runs 3] [--realistic]

Builds a store of --tickets generated tickets (with surveys and customers) and its clocks, then
times `sla check --forecast`, `spikes`, `heatmap` and `staffing plan` against `sla check` and a
bare `sqlite3` count by hour of the week, alternating, and back-tests the breach forecast on a
smaller generated store with events. Writes the section "Proactive commands" of
benchmarks/RESULTS.md (replacing an earlier one).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402
from run import AS_OF, ENV, bench, machine  # noqa: E402

TITLE = "## Proactive commands (issue 17)"
TARGETS = {"cstool sla check --forecast": 2.0, "cstool spikes": 2.0, "cstool heatmap": 2.0,
           "cstool heatmap --metric breaches": 2.0, "cstool heatmap --metric frt": 2.0,
           "cstool staffing plan --channel chat": 3.0, "cstool staffing plan --channel email": 3.0}
HOUR_OF_WEEK_SQL = "SELECT ((created_at / 3600) + 72) % 168 AS h, count(*) FROM tickets GROUP BY h"


def build(folder: Path, n: int, realistic: bool, cstool: list[str]) -> None:
    paths = generate(n, folder, events=False, realistic=realistic, backlog=0.15 if realistic else None)
    (folder / "cstool.toml").write_text('[defaults]\ntimezone = "UTC"\n')
    for kind in ("tickets", "surveys", "customers"):
        subprocess.run(cstool + ["--db", "c.db", "import", kind, str(paths[kind])], cwd=folder, check=True,
                       stdout=subprocess.DEVNULL, env=ENV)
    subprocess.run(cstool + ["--db", "c.db", "sla", "check", "--as-of", AS_OF], cwd=folder, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env=ENV)


def speed(folder: Path, label: str, cstool: list[str], runs: int, results: list) -> None:
    db = cstool + ["--db", "c.db"]
    at = ["--as-of", AS_OF]
    bench(f"forecast {label}", {
        "cstool sla check": (db + ["sla", "check", *at], None),
        "cstool sla check --forecast": (db + ["sla", "check", *at, "--forecast"], None)}, runs, folder, results)
    bench(f"spikes {label}", {
        "cstool spikes": (db + ["spikes", *at], None),
        "cstool spikes --customers -f csv": (db + ["spikes", *at, "--customers", "-f", "csv"], None)},
        runs, folder, results)
    bench(f"heatmap {label}", {
        "cstool heatmap": (db + ["heatmap", *at], None),
        "cstool heatmap --metric breaches": (db + ["heatmap", *at, "--metric", "breaches"], None),
        "cstool heatmap --metric frt": (db + ["heatmap", *at, "--metric", "frt"], None),
        "sqlite3: every ticket counted by hour of the week (UTC)": (["sqlite3", "c.db", HOUR_OF_WEEK_SQL], None)},
        runs, folder, results)
    plan = ["staffing", "plan", "--target", "80%/20s", *at]
    bench(f"staffing plan {label}", {
        "cstool staffing plan --channel chat": (db + plan + ["--channel", "chat", "--aht", "5m"], None),
        "cstool staffing plan --channel email": (db + plan + ["--channel", "email", "--aht", "6m"], None)},
        runs, folder, results)


def backtest(folder: Path, cstool: list[str], n: int) -> dict:
    """The forecast's scores on `n` generated tickets with events, replayed weekly."""
    paths = generate(n, folder)
    for kind in ("tickets", "events"):
        subprocess.run(cstool + ["--db", "g.db", "import", kind, str(paths[kind])], cwd=folder, check=True,
                       stdout=subprocess.DEVNULL, env=ENV)
    out = subprocess.run(cstool + ["--db", "g.db", "forecast", "backtest", "--since", "2025-04-01", "--until",
                                   "2026-03-20", "--every", "7d", "-f", "json"], cwd=folder, check=True,
                         capture_output=True, env=ENV, text=True).stdout
    return json.loads(out)


def section(args, results: list[dict], scores: dict) -> str:
    lines = [TITLE, "", f"`python benchmarks/proactive.py --tickets {args.tickets} --runs {args.runs}"
             f"{' --realistic' if args.realistic else ''}` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. {machine()}",
             "", f"Load average when the run began: {', '.join(f'{x:.2f}' for x in args.load_before)}; when it ended: "
             f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}.", "",
             "| benchmark | contender | median s | min-max s | peak MB | target |", "|---|---|---|---|---|---|"]
    lines += target_rows(results, TARGETS)
    b = scores["baselines"]
    lines += ["", f"Breach forecast back-test on {args.backtest:,} generated tickets with events, weekly from "
              f"2025-04-01 to 2026-03-20: {scores['predictions']:,} forecasts; Brier score {scores['brier']:.4f} "
              f"against {b['base_rate']:.4f} (the group's breach rate) and {b['target_used']:.4f} (the share of the "
              "target used).", "", "| forecast | clocks | mean forecast | breached |", "|---|---|---|---|"]
    lines += [f"| {r['bucket']} | {r['n']:,} | {r['predicted']:.1%} | {r['observed']:.1%} |"
              for r in scores["reliability"]]
    return "\n".join(lines) + "\n"


def target_rows(results: list[dict], targets: dict[str, float]) -> list[str]:
    """The results as Markdown table rows, each contender with a target marked met or missed."""
    rows = []
    for r in results:
        target = targets.get(r["contender"])
        verdict = "" if target is None else f"< {target:g} s: {'met' if r['median'] < target else 'missed'}"
        rows.append(f"| {r['benchmark']} | {r['contender']} | {r['median']:.2f} | {r['min']:.2f}-{r['max']:.2f} | "
                    f"{r['rss']} | {verdict} |")
    return rows


def write(path: Path, text: str) -> None:
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    head = old.split(TITLE)[0].rstrip("\n")
    path.write_text((head + "\n\n" if head else "") + text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backtest", type=int, default=30_000, help="tickets of the back-test's store")
    parser.add_argument("--realistic", action="store_true", help="also realistic shapes with a 15 %% open backlog")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    args.load_before = os.getloadavg()
    cstool = [sys.executable, "-m", "cstool", "--quiet"]
    work = Path(tempfile.mkdtemp(prefix="cstool-proactive-"))
    results: list[dict] = []
    try:
        for label, realistic in [(f"{args.tickets:,}", False)] + ([(f"{args.tickets:,} realistic", True)]
                                                                   if args.realistic else []):
            folder = work / label.replace(",", "").replace(" ", "-")
            print(f"building {label} in {folder}", flush=True)
            build(folder, args.tickets, realistic, cstool)
            speed(folder, label, cstool, args.runs, results)
            shutil.rmtree(folder, ignore_errors=True)
        scores = backtest(work / "backtest", cstool, args.backtest)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = section(args, results, scores)
    print(text)
    write(args.results, text)


if __name__ == "__main__":
    main()
