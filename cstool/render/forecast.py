"""The breach-forecast back-test for people (a verdict and a reliability table) and machines."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cstool.render import Column
from cstool.render.table import print_table
from cstool.render.values import iso_instant, local_time

if TYPE_CHECKING:
    from rich.console import Console

RELIABILITY = [Column("bucket", "Forecast"), Column("n", "Clocks", "number"),
               Column("predicted", "Mean forecast", "pct"), Column("observed", "Breached", "pct")]


def backtest_document(doc: dict[str, Any], tz: str) -> dict[str, Any]:
    return {**doc, "since": iso_instant(doc["since"], tz), "until": iso_instant(doc["until"], tz)}


def _pct(rows: list[dict]) -> list[dict]:
    return [{**r, "predicted": r["predicted"] * 100, "observed": r["observed"] * 100} for r in rows]


def print_backtest(console: Console, doc: dict[str, Any], tz: str) -> None:
    b = doc["baselines"]
    lines = [f"Breach forecast back-test, {local_time(doc['since'], tz)} – {local_time(doc['until'], tz)} ({tz})",
             f"{doc['predictions']:,} forecasts at {doc['instants']:,} instants; {doc['unknown_outcome']:,} with no "
             "outcome yet, left out"]
    if doc["predictions"]:
        beats = doc["brier"] < min(b["base_rate"], b["target_used"])
        lines += ["Brier score (lower is better):", f"  forecast              {doc['brier']:.4f}",
                  f"  group breach rate     {b['base_rate']:.4f}", f"  share of target used  {b['target_used']:.4f}",
                  f"The forecast {'beats both baselines' if beats else 'does not beat both baselines'}.", ""]
    else:
        lines.append("No running clock to forecast in this period.")
    for line in lines:
        console.print(line, highlight=False, markup=False)
    if doc["predictions"]:
        print_table(console, _pct(doc["reliability"]), RELIABILITY, tz=tz, title="Reliability")
