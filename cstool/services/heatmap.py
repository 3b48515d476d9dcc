"""When the work arrives: a day-of-week x hour heat map of created tickets, breaches or the
first-response median, in the configured time zone (docs/semantics.md#heat-map)."""

from __future__ import annotations

from cstool.core.kpi import duration_figures
from cstool.store import Store
from cstool.store import heatmap as cells
from cstool.store.kpi import Where

METRICS = ("created", "breaches", "frt")


def heatmap(store: Store, metric: str, lo: int, hi: int, tz: str, where: Where = ()) -> list[dict]:
    """168 records {weekday (0 = Monday), hour, value, n}: tickets created, breached deadlines, or the
    median first-response time in seconds (None without a sample) in each local hour of [lo, hi)."""
    if metric == "frt":
        found = cells.first_response_cells(store, tz, lo, hi, where)
        out = []
        for cell in range(168):
            figure = duration_figures("first_response", found.get(cell, []))["first_response_median_s"]
            out.append({"weekday": cell // 24, "hour": cell % 24, "value": figure.value, "n": figure.n})
        return out
    counts = (cells.created_cells if metric == "created" else cells.breach_cells)(store, tz, lo, hi, where)
    return [{"weekday": cell // 24, "hour": cell % 24, "value": counts.get(cell, 0), "n": counts.get(cell, 0)}
            for cell in range(168)]
