"""`cstool kpi --explain METRIC [--group DIM=VALUE]…`: the records behind one figure of a KPI
document.

The records of the figure's window and group are read from the store (store/kpi.scope_records)
and listed by the record-level rules (core/kpi_explain); the figure is computed again from the
same records (core/kpi), which the SQL aggregation agrees with (tests/services/test_kpi_sql.py).
"""

from __future__ import annotations

from cstool.core import kpi, periods
from cstool.core.errors import UsageError
from cstool.core.kpi_explain import explain, metrics
from cstool.core.models import Record
from cstool.services.filters import where_pairs
from cstool.services.sla import refresh_clocks
from cstool.store import Store
from cstool.store import kpi as kpi_store


def _window(since: int, until: int, by: list[str], group: dict[str, str], tz: str) -> tuple[int, int]:
    time_dims = [d for d in by if d in kpi.TIME_DIMS]
    if not time_dims:
        return since, until
    split = periods.split(since, until, time_dims[0], tz)
    for label, start, end in split:
        if label == group[time_dims[0]]:
            return start, end
    raise UsageError(f"--group {time_dims[0]}={group[time_dims[0]]}: not a {time_dims[0]} of the period (it has "
                     f"{', '.join(label for label, _, _ in split[:6])}{'…' if len(split) > 6 else ''})")


def parse_group(texts: list[str], by: list[str]) -> dict[str, str]:
    """--group DIM=VALUE options naming one group of the --by dimensions (all of them, or none:
    the period's own figure)."""
    group = {}
    for text in texts:
        dim, sep, value = text.partition("=")
        if not sep or dim.strip() not in by or not value.strip():
            raise UsageError(f"--group {text!r}: expected DIM=VALUE with DIM one of the --by dimensions "
                             f"({', '.join(by) or 'none given'})")
        group[dim.strip()] = value.strip()
    if group and set(group) != set(by):
        missing = [d for d in by if d not in group]
        raise UsageError(f"--group: name the group in every --by dimension (missing {', '.join(missing)})")
    return group


def explain_figure(store: Store, engine, since: int, until: int, by: list[str], where: kpi_store.Where,
                   group: dict[str, str], metric: str, tz: str) -> Record:
    """{metric, since, until, group, value, n, rows}: the figure and exactly its n records."""
    if metric not in metrics():
        raise UsageError(f"--explain {metric!r}: expected one of {', '.join(metrics())}")
    refresh_clocks(store, engine)
    start, end = _window(since, until, by, group, tz)
    cats = where_pairs(store, [(d, v) for d, v in group.items() if d in kpi.TICKET_DIMS])
    if "theme" in group:  # (the themes of the whole period, as `kpi --by theme` chose them)
        from cstool.services.texts import kpi_themes

        kpi_themes(store, since, until, where)
        cats += (("theme", group["theme"]),)
    tickets, surveys, clocks = kpi_store.scope_records(store, start, end, where, cats)
    customers = kpi_store.kpi_customers(store) if not group else None  # (groups have no churn figures)
    figure = kpi.compute_kpis(tickets, surveys, clocks, customers, start, end)[metric]
    rows = explain(metric, tickets, surveys, clocks, customers, start, end)
    return {"metric": metric, "since": start, "until": end, "group": group, "value": figure.value, "n": figure.n,
            "rows": [{"row": i + 1, **r} for i, r in enumerate(rows)]}

