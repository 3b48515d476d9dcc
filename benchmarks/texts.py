"""Comments on a generated store: the first reading, `themes`, `kpi --by theme`, and the cost of
`kpi --intervals`.

    python benchmarks/texts.py [--tickets 1000000] [--runs 3]

Builds a store of --tickets generated tickets with their surveys (0.3 per ticket, 60 % with a
comment) and clocks, times the first `themes` (which reads every comment and subject) once, then
`themes`, `themes --of subjects`, `kpi --by theme` and `kpi --by assignee` with and without
`--intervals`, alternating, against a bare `sqlite3` count of the stored key phrases. Writes the
section "Comments and fair comparisons" of benchmarks/RESULTS.md (replacing an earlier one).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from proactive import build as stores  # noqa: E402
from proactive import target_rows  # noqa: E402
from run import AS_OF, bench, machine, run_once  # noqa: E402

TITLE = "## Comments and fair comparisons (issue 19)"
TARGETS = {"cstool themes --period all": 5.0, "cstool themes": 5.0}
TERMS_SQL = "SELECT term, count(*) FROM text_terms WHERE kind = 'comment' GROUP BY term ORDER BY 2 DESC LIMIT 15"


def build(folder: Path, n: int, cstool: list[str]) -> dict:
    """The store (proactive.build: tickets, surveys, customers, clocks) and its survey counts."""
    stores(folder, n, False, cstool)
    q = ["sqlite3", str(folder / "c.db")]
    count = subprocess.run(q + ["SELECT count(*), count(nullif(comment, '')) FROM surveys"], capture_output=True,
                           text=True, check=True).stdout.strip().split("|")
    return {"surveys": int(count[0]), "comments": int(count[1])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    load_before = os.getloadavg()
    cstool = [sys.executable, "-m", "cstool", "--quiet"]
    folder = Path(tempfile.mkdtemp(prefix="cstool-texts-"))
    results: list[dict] = []
    try:
        counts = build(folder, args.tickets, cstool)
        db = cstool + ["--db", "c.db"]
        at = ["--as-of", AS_OF]
        first, first_rss = run_once(db + ["themes", *at, "--period", "last-month"], folder)
        size = f"{args.tickets:,}"
        bench(f"themes {size}", {
            "cstool themes": (db + ["themes", *at, "--period", "last-month"], None),
            "cstool themes --period all": (db + ["themes", *at, "--period", "all"], None),
            "cstool themes --of subjects": (db + ["themes", *at, "--period", "last-month", "--of", "subjects"],
                                            None),
            "sqlite3: stored key phrases of every comment counted": (["sqlite3", "c.db", TERMS_SQL], None)},
            args.runs, folder, results)
        kpi = db + ["kpi", *at, "--period", "all", "-f", "json"]
        bench(f"kpi {size}", {
            "cstool kpi --by assignee": (kpi + ["--by", "assignee"], None),
            "cstool kpi --by assignee --intervals": (kpi + ["--by", "assignee", "--intervals"], None),
            "cstool kpi --by theme": (kpi + ["--by", "theme"], None)}, args.runs, folder, results)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    replace_section(args.results, section(args, counts, (first, first_rss), results, load_before))


def section(args, counts: dict, first: tuple[float, int], results: list[dict], load_before) -> str:
    by = {r["contender"]: r for r in results}
    ratio = by["cstool kpi --by assignee --intervals"]["median"] / by["cstool kpi --by assignee"]["median"]
    lines = [TITLE, "", f"`python benchmarks/texts.py --tickets {args.tickets} --runs {args.runs}` on "
             f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC. {machine()}", "",
             f"Load average when the run began: {', '.join(f'{x:.2f}' for x in load_before)}; when it ended: "
             f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}.", "",
             f"The store: {args.tickets:,} tickets (997 different subjects), {counts['surveys']:,} survey answers, "
             f"{counts['comments']:,} with a comment (mostly different texts, 4 % in French or German).", "",
             f"The first `themes` reads every comment and subject (language, sentiment, key phrases; on two "
             f"cores) and stores them: {first[0]:.1f} s, peak {first[1]} MB, once; later commands read only "
             "what imports add.", "",
             "| benchmark | contender | median s | min-max s | peak MB | target |", "|---|---|---|---|---|---|"]
    lines += target_rows(results, TARGETS)
    lines += ["", f"`kpi --by assignee --intervals` / without: {ratio:.2f}× (target: at most 1.5×)."]
    return "\n".join(lines) + "\n"


def replace_section(path: Path, text: str) -> None:
    """TITLE's section of RESULTS.md replaced by `text` (appended when there is none)."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if TITLE not in old:
        path.write_text(old.rstrip("\n") + "\n\n" + text, encoding="utf-8")
        return
    head, rest = old.split(TITLE, 1)
    tail = rest.split("\n## ", 1)[1] if "\n## " in rest else ""
    path.write_text(head + text + ("\n## " + tail if tail else ""), encoding="utf-8")


if __name__ == "__main__":
    main()
