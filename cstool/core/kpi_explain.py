"""The records behind one KPI figure (`cstool kpi --explain METRIC`). Pure.

For the records of one window [since, until) (and group), `explain` lists exactly the `n`
records the figure counts, by the record-level rules of cstool.core.kpi, each with the value it
contributes (a duration, a score, a revenue) and, for a share, whether it is in the numerator
(`counted`); for a median or p90 the row that is that order statistic is marked (`mark`).
"""

from __future__ import annotations

from collections.abc import Callable

from cstool.core.formats import iso_instant
from cstool.core.kpi import BACKLOG_BUCKETS, DURATIONS, _clean, _rank, _reported, figures, record_stats
from cstool.core.models import Record
from cstool.core.tickets import is_open_at

_BUSINESS_FIELDS = {"first_response_business": ("first_response_business_s", "first_reply_business"),
                    "resolution_business": ("resolution_business_s", "full_resolution_business")}
_SURVEY_KIND = {"csat": "csat", "nps": "nps", "promoters": "nps", "passives": "nps", "detractors": "nps",
                "ces": "ces"}


def metrics() -> list[str]:
    """Every figure that can be explained: all of them, in the order of the KPI document."""
    return list(figures(record_stats([], [], [], 0, 1), [], 0, 1))


def _ticket(t: Record, at: int | None, value: float | None = None, counted: str | None = None) -> Record:
    return {"record": "ticket", "source": t.get("source"), "id": t.get("id"), "ticket_id": t.get("id"), "at": at,
            "value": value, "counted": counted, "mark": None}


def _in(x: int | None, since: int, until: int) -> bool:
    return x is not None and since <= x < until


def _duration_rows(key: str, tickets: list[Record], since: int, until: int) -> list[Record]:
    """The samples of one duration with their tickets, smallest first (ticket_stats' rules)."""
    rows = []
    for t in tickets:
        if not _clean(t):
            continue
        if key.startswith("first_response"):
            if not _in(t.get("created_at"), since, until):
                continue
            at = t["created_at"]
        else:
            if not _in(t.get("resolution_at"), since, until):
                continue
            at = t["resolution_at"]
        if key == "first_response":
            value = t["first_response_at"] - t["created_at"] if t.get("first_response_at") is not None else None
            basis = None
        elif key == "resolution":
            value = (t["resolution_at"] - t["created_at"] - (t.get("resolution_paused_s") or 0)
                     if t.get("created_at") is not None else None)
            basis = None
        else:
            own, reported = _BUSINESS_FIELDS[key]
            value = t.get(own)
            basis = "clock" if value is not None else "reported"
            if value is None:
                value = _reported(t, reported)
        if value is not None:
            rows.append(_ticket(t, at, value, basis))
    rows.sort(key=lambda r: (r["value"], str(r["source"]), str(r["id"])))
    return rows


def _marked(rows: list[Record], statistic: str) -> list[Record]:
    n = len(rows)
    if not n:
        return rows
    if statistic == "median":
        picks = [n // 2] if n % 2 else [n // 2 - 1, n // 2]
        label = "median" if n % 2 else "median (mean of the two)"
    elif statistic == "p90":
        picks, label = [_rank(n, 0.9)], "p90"
    else:
        return rows
    for i in picks:
        rows[i]["mark"] = label
    return rows


def _sla_rows(metric: str, clocks: list[Record], since: int, until: int) -> list[Record]:
    rows = []
    for c in clocks:
        if c["metric"] != metric or c.get("cycle", 0) != 0 or c.get("due_at") is None:
            continue
        stopped, due = c.get("stopped_at"), c["due_at"]
        if _in(stopped, since, until):
            at, counted = stopped, "met" if stopped <= due else "breached"
        elif _in(due, since, until) and (stopped is None or stopped > due):
            at, counted = due, "breached"
        else:
            continue
        rows.append({"record": "clock", "source": c.get("source"), "id": c.get("ticket_id"),
                     "ticket_id": c.get("ticket_id"), "at": at, "value": None, "counted": counted, "mark": None})
    return sorted(rows, key=lambda r: (r["at"], str(r["id"])))


def _survey_rows(metric: str, surveys: list[Record], since: int, until: int) -> list[Record]:
    kind = _SURVEY_KIND[metric.split("_")[0]]
    rows = []
    for s in surveys:
        score, label = s.get("score"), s.get("label")
        if s.get("kind") != kind or not _in(s.get("submitted_at"), since, until):
            continue
        if kind == "csat":
            if score is None and not label:
                continue
            if metric == "csat_avg" and score is None:
                continue
            satisfied = (label == "good") if label or score is None else score >= (s.get("scale_max") or 5) - 1
            counted = "satisfied" if satisfied else "not satisfied"
        elif score is None:
            continue
        elif kind == "nps":
            counted = "promoter" if score >= 9 else "detractor" if score <= 6 else "passive"
        else:
            counted = "easy" if score >= 5 else "not easy"
        rows.append({"record": "survey", "source": s.get("source"), "id": s.get("id"), "ticket_id": s.get("ticket_id"),
                     "at": s["submitted_at"], "value": score, "counted": counted, "mark": None})
    return sorted(rows, key=lambda r: (r["at"], str(r["id"])))


def _customer_rows(metric: str, customers: list[Record] | None, since: int, until: int) -> list[Record]:
    rows = []
    for c in customers or []:
        if not ((c.get("signup_at") is None or c["signup_at"] < since) and
                (c.get("churned_at") is None or c["churned_at"] >= since)):
            continue
        churned = c.get("churned_at") is not None and c["churned_at"] < until
        if metric == "clv" and c.get("revenue") is None:
            continue
        rows.append({"record": "customer", "source": c.get("source"), "id": c.get("id"), "ticket_id": None,
                     "at": c.get("churned_at") if churned else c.get("signup_at"),
                     "value": c.get("revenue") if metric == "clv" else None,
                     "counted": "churned" if churned else "stayed", "mark": None})
    return sorted(rows, key=lambda r: str(r["id"]))


def _ticket_rows(metric: str, tickets: list[Record], since: int, until: int) -> list[Record]:
    if metric == "tickets_created":
        return [_ticket(t, t["created_at"]) for t in tickets if _in(t.get("created_at"), since, until)]
    resolved = [t for t in tickets if _in(t.get("resolution_at"), since, until)]
    if metric == "tickets_resolved":
        return [_ticket(t, t["resolution_at"]) for t in resolved]
    if metric == "fcr_pct":
        return [_ticket(t, t["resolution_at"], None, "one-touch" if (t.get("replies") or 0) <= 1 and
                        not (t.get("reopens") or 0) else "not one-touch") for t in resolved]
    if metric == "reopen_pct":
        return [_ticket(t, t["resolution_at"], None, "reopened" if (t.get("reopens") or 0) >= 1 else "not reopened")
                for t in resolved]
    backlog = [t for t in tickets if is_open_at(t, until)]
    if metric == "backlog":
        return [_ticket(t, t.get("created_at"), until - t["created_at"] if t.get("created_at") is not None else None)
                for t in backlog]
    label = metric.removeprefix("backlog_age_")
    low, high = next((lo, hi) for name, lo, hi in BACKLOG_BUCKETS if name == label)
    return [_ticket(t, t["created_at"], until - t["created_at"]) for t in backlog
            if t.get("created_at") is not None and low <= until - t["created_at"] < high]


def explain(metric: str, tickets: list[Record], surveys: list[Record], clocks: list[Record],
            customers: list[Record] | None, since: int, until: int) -> list[Record]:
    """The records behind `metric` over [since, until), in a stable order (durations: smallest
    first; the rest by the instant that placed them in the window)."""
    for key in sorted(DURATIONS, key=len, reverse=True):
        for statistic in ("median", "p90", "mean"):
            if metric == f"{key}_{statistic}_s":
                return _marked(_duration_rows(key, tickets, since, until), statistic)
    by_family: list[tuple[Callable[[str], bool], Callable[[], list[Record]]]] = [
        (lambda m: m.startswith("sla_"), lambda: _sla_rows(metric[4:-4], clocks, since, until)),
        (lambda m: m in ("churn_pct", "clv"), lambda: _customer_rows(metric, customers, since, until)),
        (lambda m: m.split("_")[0] in _SURVEY_KIND, lambda: _survey_rows(metric, surveys, since, until)),
        (lambda m: m.startswith(("tickets_", "backlog", "fcr_", "reopen_")),
         lambda: _ticket_rows(metric, tickets, since, until))]
    for matches, rows in by_family:
        if matches(metric):
            return rows()
    raise ValueError(f"no KPI figure {metric!r}")


def explain_command(since: int, until: int, tz: str, by: list[str] | tuple[str, ...] = (),
                    where: tuple[tuple[str, str], ...] = ()) -> str:
    """The start of the command line that explains a figure of the KPI document of this period
    (`--explain METRIC` and a `--group` per --by dimension follow)."""
    import shlex

    args = ["cstool", "kpi", "--since", iso_instant(since, tz) or "", "--until", iso_instant(until, tz) or ""]
    for dim in by:
        args += ["--by", dim]
    for dim, value in where:
        args += ["--where", f"{dim}={value}"]
    return shlex.join(args)
