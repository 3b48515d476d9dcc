"""Weekly KPIs with pandas from the CSV exports (tickets.csv, surveys.csv), the contender of
`cstool kpi --period all --by week` in benchmarks/run.py: tickets created and resolved, backlog
at each week's end with its age buckets, first response and resolution times (median, p90
nearest rank, mean; calendar time: pandas has no business calendar or SLA policies), FCR,
reopen rate, CSAT, NPS and CES per ISO week in UTC.

    python benchmarks/reference/kpi_pandas.py FOLDER
"""

import sys

import numpy as np
import pandas as pd

AGE_EDGES = [0, 86400, 3 * 86400, 7 * 86400, 30 * 86400, np.inf]


def nearest_rank(values: pd.Series, q: float) -> float:
    v = np.sort(values.to_numpy())
    return v[max(int(np.ceil(q * len(v) - 1e-9)), 1) - 1] if len(v) else np.nan


def epoch(text: pd.Series) -> pd.Series:
    """ISO-8601 text with offsets as epoch seconds (NaN when empty)."""
    return (pd.to_datetime(text, utc=True, format="ISO8601") - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)


def main(folder: str) -> None:
    t = pd.read_csv(f"{folder}/tickets.csv", usecols=["created_at", "first_response_at", "resolved_at", "status",
                                                      "replies", "reopens"])
    for col in ("created_at", "first_response_at", "resolved_at"):
        t[col] = epoch(t[col])
    monday = (t["created_at"].min() // 86400 - (t["created_at"].min() // 86400 + 3) % 7) * 86400
    week = 7 * 86400
    t["cw"] = (t["created_at"] - monday) // week
    t["rw"] = (t["resolved_at"] - monday) // week
    weeks = np.arange(0, int(max(t["cw"].max(), t["rw"].max())) + 1)
    ends = monday + (weeks + 1) * week
    t["fr"] = t["first_response_at"] - t["created_at"]
    t["res"] = t["resolved_at"] - t["created_at"]
    out = pd.DataFrame(index=weeks)
    out["created"] = t.groupby("cw").size()
    g = t.groupby("cw")["fr"]
    out["fr_median"], out["fr_mean"] = g.median(), g.mean()
    out["fr_p90"] = g.apply(nearest_rank, q=0.9)
    r = t[t["resolved_at"].notna()]
    g = r.groupby("rw")
    out["resolved"] = g.size()
    out["res_median"], out["res_mean"] = g["res"].median(), g["res"].mean()
    out["res_p90"] = g["res"].apply(nearest_rank, q=0.9)
    out["fcr_pct"] = (r.assign(x=(r["replies"] <= 1) & (r["reopens"] == 0)).groupby("rw")["x"].mean() * 100).round(2)
    out["reopen_pct"] = (r.assign(x=r["reopens"] >= 1).groupby("rw")["x"].mean() * 100).round(2)
    # Backlog at each week's end, with ages: open tickets are created before the end and not
    # yet resolved then (unresolved ones count unless solved/closed).
    left = t["resolved_at"].where(t["resolved_at"].notna(),
                                  np.where(t["status"].isin(["solved", "closed"]), -np.inf, np.inf))
    crossing = t[left >= monday + week]
    c, lv = crossing["created_at"].to_numpy(), left[crossing.index].to_numpy()
    first = np.searchsorted(ends, c, side="right")
    last = np.searchsorted(ends, lv, side="right")
    counts = np.zeros((len(weeks), len(AGE_EDGES) - 1), dtype=np.int64)
    span = last - first
    rows = np.repeat(np.arange(len(c)), np.maximum(span, 0))
    k = np.concatenate([np.arange(a, b) for a, b in zip(first, last) if b > a]) if len(rows) else np.array([], int)
    age = ends[k] - c[rows]
    np.add.at(counts, (k, np.searchsorted(AGE_EDGES, age, side="right") - 1), 1)
    out["backlog"] = counts.sum(axis=1)
    for i, name in enumerate(["<1d", "1-3d", "3-7d", "7-30d", ">30d"]):
        out[f"backlog_{name}"] = counts[:, i]
    s = pd.read_csv(f"{folder}/surveys.csv", usecols=["kind", "score", "submitted_at"])
    s["w"] = (epoch(s["submitted_at"]) - monday) // week
    csat, nps, ces = s[s.kind == "csat"], s[s.kind == "nps"], s[s.kind == "ces"]
    out["csat_pct"] = (csat.assign(x=csat["score"] >= 4).groupby("w")["x"].mean() * 100).round(2)
    out["csat_avg"] = csat.groupby("w")["score"].mean().round(2)
    out["nps"] = nps.groupby("w")["score"].apply(lambda x: round(100 * ((x >= 9).mean() - (x <= 6).mean()), 2))
    out["ces_avg"] = ces.groupby("w")["score"].mean().round(2)
    out.index = pd.to_datetime(monday + out.index * week, unit="s").strftime("%G-W%V")
    sys.stdout.write(out.to_csv())


if __name__ == "__main__":
    main(sys.argv[1])
