"""Staffing for the coming week (docs/semantics.md#staffing): arrivals per hour of the week
forecast from the last full weeks, handle time from the data or given, agents per hour."""

from __future__ import annotations

from cstool.core.errors import InputMissing, UsageError
from cstool.core.formats import format_seconds
from cstool.core.kpi import duration_figures
from cstool.core.periods import next_monday
from cstool.core.staffing import LIVE_CHANNELS, erlang_staffing, workload_staffing
from cstool.store import Store
from cstool.store import heatmap as cells

LONG_HANDLE = 3600  # a live contact handled for longer than this: the export's times are not handle times


def staffing_plan(store: Store, channel: str, as_of: int, tz: str, weeks: int, target: tuple[float, int],
                  aht: int | None, shrinkage: float, max_occupancy: float) -> dict:
    """{week_start, channel, model, weeks, history_since, history_until, aht_seconds, aht_basis, warning,
    hours: 168 records (weekday, hour, arrivals, agents, agents_with_shrinkage, and for live
    channels service_level, asa_seconds, occupancy)}.

    Arrivals: the mean of the same local hour over the `weeks` full weeks before this one (those
    weeks' tickets of `channel`). Handle time: `aht`, or the median first response to resolution
    of the channel's tickets of those weeks (live channels only: for the others it must be given)."""
    start, hi, lo = next_monday(as_of, tz), next_monday(as_of, tz, -1), next_monday(as_of, tz, -1 - weeks)
    counts = cells.created_cells(store, tz, lo, hi, channel=channel)
    if not counts:
        raise InputMissing(f"no {channel} tickets in the {weeks} weeks before this week; nothing to forecast from "
                           "(check --channel, or import more history)")
    basis = "given"
    live = channel in LIVE_CHANNELS
    if aht is None and not live:
        raise UsageError(f"{channel} is answered later, not while the customer waits: its first response to "
                         "resolution is waiting time, not work, so the export cannot tell its handle time; give --aht")
    if aht is None:
        times = cells.handle_times(store, lo, hi, channel)
        median = duration_figures("resolution", times)["resolution_median_s"].value
        if not median:
            raise InputMissing(f"no resolved {channel} ticket with a first response in those weeks to measure the "
                               "handle time from; give --aht")
        aht, basis = int(median), f"median first response to resolution of {len(times):,} tickets"
    level, within = target
    arrivals = [counts.get(cell, 0) / weeks for cell in range(168)]
    hours = []
    if live:
        for cell, a in enumerate(arrivals):
            hours.append({"weekday": cell // 24, "hour": cell % 24, "arrivals": round(a, 2),
                          **erlang_staffing(a, 3600, aht, level, within, shrinkage, max_occupancy)})
    else:
        for cell, (agents, shrunk) in enumerate(workload_staffing([a * aht for a in arrivals], within, shrinkage,
                                                                  max_occupancy)):
            hours.append({"weekday": cell // 24, "hour": cell % 24, "arrivals": round(arrivals[cell], 2),
                          "agents": agents, "agents_with_shrinkage": shrunk})
    warning = (f"the {basis} is {format_seconds(aht)}: {channel} contacts that long are not handled while the "
               "customer waits; give --aht" if basis != "given" and aht > LONG_HANDLE else None)
    return {"warning": warning, "week_start": start, "channel": channel, "model": "erlang_c" if live else "workload",
            "weeks": weeks,
            "history_since": lo, "history_until": hi, "aht_seconds": aht, "aht_basis": basis,
            "target": {"service_level": level, "within_seconds": within}, "shrinkage": shrinkage,
            "max_occupancy": max_occupancy, "hours": hours}
