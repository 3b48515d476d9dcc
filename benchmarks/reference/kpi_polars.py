"""Weekly KPIs with Polars from the CSV exports (tickets.csv, surveys.csv): the same figures as
kpi_pandas.py (created, resolved, first response and resolution median / p90 nearest rank / mean
in calendar time, FCR, reopen rate, backlog at each week's end with age buckets, CSAT, NPS,
CES per ISO week in UTC).

    python benchmarks/reference/kpi_polars.py FOLDER
"""

import sys

import numpy as np
import polars as pl

WEEK = 7 * 86400
AGE_EDGES = [0, 86400, 3 * 86400, 7 * 86400, 30 * 86400, np.inf]


def epoch(name: str) -> pl.Expr:
    return pl.col(name).str.to_datetime(time_zone="UTC").dt.epoch("s")


def main(folder: str) -> None:
    t = pl.read_csv(f"{folder}/tickets.csv", columns=["created_at", "first_response_at", "resolved_at", "status",
                                                      "replies", "reopens"])
    t = t.with_columns(c=epoch("created_at"), f=epoch("first_response_at"), r=epoch("resolved_at"))
    lo = int(t["c"].min())
    monday = (lo // 86400 - (lo // 86400 + 3) % 7) * 86400
    t = t.with_columns(cw=(pl.col("c") - monday) // WEEK, rw=(pl.col("r") - monday) // WEEK,
                       fr=pl.col("f") - pl.col("c"), res=pl.col("r") - pl.col("c"))
    weeks = np.arange(0, int(max(t["cw"].max(), t["rw"].max())) + 1)
    ends = monday + (weeks + 1) * WEEK
    created = t.group_by("cw").agg(created=pl.len(), fr_median=pl.col("fr").median(),
                                   fr_p90=pl.col("fr").quantile(0.9, "higher"), fr_mean=pl.col("fr").mean())
    done = t.filter(pl.col("r").is_not_null())
    resolved = done.group_by("rw").agg(
        resolved=pl.len(), res_median=pl.col("res").median(), res_p90=pl.col("res").quantile(0.9, "higher"),
        res_mean=pl.col("res").mean(),
        fcr_pct=(((pl.col("replies") <= 1) & (pl.col("reopens") == 0)).mean() * 100).round(2),
        reopen_pct=((pl.col("reopens") >= 1).mean() * 100).round(2))
    left = t.select(pl.when(pl.col("r").is_not_null()).then(pl.col("r").cast(pl.Float64))
                    .when(pl.col("status").is_in(["solved", "closed"])).then(-np.inf).otherwise(np.inf))
    left = left.to_series().to_numpy()
    c = t["c"].to_numpy()
    keep = left >= monday + WEEK
    c, left = c[keep], left[keep]
    first, last = np.searchsorted(ends, c, side="right"), np.searchsorted(ends, left, side="right")
    counts = np.zeros((len(weeks), len(AGE_EDGES) - 1), dtype=np.int64)
    span = np.maximum(last - first, 0)
    rows = np.repeat(np.arange(len(c)), span)
    k = (np.arange(len(rows)) - np.repeat(np.cumsum(span) - span, span)) + np.repeat(first, span)
    np.add.at(counts, (k, np.searchsorted(AGE_EDGES, ends[k] - c[rows], side="right") - 1), 1)
    s = pl.read_csv(f"{folder}/surveys.csv", columns=["kind", "score", "submitted_at"])
    s = s.with_columns(w=(epoch("submitted_at") - monday) // WEEK)
    kind, score = pl.col("kind"), pl.col("score")
    surveys = s.group_by("w").agg(
        csat_pct=((score >= 4).filter(kind == "csat").mean() * 100).round(2),
        csat_avg=score.filter(kind == "csat").mean().round(2),
        nps=(100 * ((score >= 9).filter(kind == "nps").mean() - (score <= 6).filter(kind == "nps").mean())).round(2),
        ces_avg=score.filter(kind == "ces").mean().round(2))
    out = pl.DataFrame({"w": weeks, "backlog": counts.sum(axis=1),
                        **{name: counts[:, i] for i, name in enumerate(["<1d", "1-3d", "3-7d", "7-30d", ">30d"])}})
    out = (out.join(created.rename({"cw": "w"}), on="w", how="left").join(resolved.rename({"rw": "w"}), on="w",
                                                                          how="left")
           .join(surveys, on="w", how="left").sort("w"))
    sys.stdout.write(out.write_csv())


if __name__ == "__main__":
    main(sys.argv[1])
