"""Breached and at-risk SLA clocks with pandas from the tickets CSV, the contender of
`cstool sla check` and `cstool escalations` in benchmarks/run.py: which open tickets' clocks
are past or near their deadline, most urgent first. The benchmark store uses cstool's default
policy (24x7 calendar, so calendar time is business time; targets by priority; at risk in the
last 25 %; without status events, as in the generated export, no clock pauses: when a pending
status began is unknown). On the 1M benchmark data it finds the same 10,815 tickets as cstool.

    python benchmarks/reference/sla_pandas.py FOLDER AS_OF
"""

import sys

import pandas as pd

H = 3600
TARGETS = {"urgent": (1 * H, 4 * H), "high": (4 * H, 24 * H), "normal": (8 * H, 72 * H), "low": (24 * H, 120 * H)}


def epoch(text: pd.Series) -> pd.Series:
    return (pd.to_datetime(text, utc=True, format="ISO8601") - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)


def main(folder: str, as_of_text: str) -> None:
    as_of = int(pd.Timestamp(as_of_text).timestamp())
    t = pd.read_csv(f"{folder}/tickets.csv", usecols=["id", "priority", "status", "created_at", "first_response_at",
                                                      "resolved_at", "team", "assignee"])
    for col in ("created_at", "first_response_at", "resolved_at"):
        t[col] = epoch(t[col])
    t = t[t["created_at"] <= as_of]
    done = t["resolved_at"] <= as_of                                     # solved or closed by then
    never = t["resolved_at"].isna() & t["status"].isin(["solved", "closed"])  # done, time unknown
    clocks = []
    for metric, k, stop in (("first_response", 0, "first_response_at"), ("resolution", 1, "resolved_at")):
        target = t["priority"].map({p: v[k] for p, v in TARGETS.items()})
        running = (t[stop].isna() | (t[stop] > as_of)) & ~done & ~never
        c = t.loc[running, ["id", "priority", "team", "assignee"]].copy()
        c["metric"] = metric
        c["due_at"] = t.loc[running, "created_at"] + target[running]
        c["state"] = "running"
        c.loc[c["due_at"] - target[running] * 0.25 <= as_of, "state"] = "at_risk"
        c.loc[c["due_at"] < as_of, "state"] = "breached"
        clocks.append(c[c["state"] != "running"])
    found = pd.concat(clocks).sort_values(["state", "due_at"], key=lambda s: s.map({"breached": 0, "at_risk": 1})
                                          if s.name == "state" else s)
    print(f"{found['id'].nunique()} tickets breached or at risk")
    print(found.head(50).to_string())


if __name__ == "__main__":
    main(*sys.argv[1:])
