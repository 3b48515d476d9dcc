"""Themes of comments and subjects: a table for people, records for machines."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cstool.core.models import Record
from cstool.render import Column
from cstool.render.table import print_table
from cstool.render.values import local_time, many

if TYPE_CHECKING:
    from rich.console import Console

SCORES = ("csat_pct", "csat_avg", "nps", "ces_avg")
THEME_MACHINE = [Column(k, k) for k in ("theme", "mentions", "share", "previous", "previous_share", "sentiment",
                                        "scored", "negative_pct", "positive_pct", *SCORES)]
_SCORE_COLUMNS = {"csat_pct": Column("csat_pct", "CSAT", "pct", rank=1), "nps": Column("nps", "NPS", "number", rank=1),
                  "ces_avg": Column("ces_avg", "CES", "number", rank=1)}


def theme_records(doc: Record, of: str) -> list[Record]:
    keys = [c.key for c in THEME_MACHINE if of == "comment" or c.key not in SCORES]
    return [{k: t.get(k) for k in keys} for t in doc["themes"]]


def _change(theme: Record) -> str:
    if theme["previous_share"] is None or theme["share"] is None:
        return ""
    points = 100 * (theme["share"] - theme["previous_share"])
    return f"{points:+.1f} pts" if abs(points) >= 0.05 else "="


def print_themes(console: Console, doc: Record, of: str, period: tuple[int | None, int], tz: str) -> None:
    kinds = doc["kinds"]
    columns = [Column("theme", "Theme", "id"), Column("mentions", "Mentions", "number"),
               Column("share_pct", "Share", "pct"), Column("change", "vs before", rank=2),
               Column("sentiment", "Sentiment", "number", rank=3), Column("negative_pct", "Negative", "pct", rank=4)]
    if of == "comment":
        columns += [_SCORE_COLUMNS[k] for k in ("csat_pct", "nps", "ces_avg") if k.split("_")[0] in kinds]
    rows = [{**t, "share_pct": None if t["share"] is None else 100 * t["share"], "change": _change(t)}
            for t in doc["themes"]]
    lo, hi = period
    title = (f"Themes of {many(doc['read'], of)}, {local_time(lo, tz)} – {local_time(hi, tz)} ({tz})\n"
             f"against the {doc['previous_read']:,} of the period before") if lo is not None else (
             f"Themes of every {of} ({doc['read']:,}, dated or not)")
    print_table(console, rows, columns, tz=tz, title=title,
                empty="No key phrase mentioned twice in the period (or no text in it).")
    unscored = doc.get("unscored_languages")
    if unscored:
        console.print(f"Sentiment is scored in English only; left unscored: {unscored}.")
