"""The heat map and the staffing tables: week grids that fit 80 columns, readable without colour."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cstool.render import Column
from cstool.render.values import format_seconds, iso_instant, local_time

if TYPE_CHECKING:
    from rich.console import Console

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SHADES = (" ·", "░░", "▒▒", "▓▓", "██")  # five levels: the shade says it without colour
COLOURS = ("grey50", "yellow", "dark_orange", "red", "bold red")
HEAT_MACHINE = [Column(k, k) for k in ("weekday", "hour", "value", "n")]
PLAN_MACHINE = [Column(k, k) for k in ("weekday", "hour", "arrivals", "agents", "agents_with_shrinkage",
                                       "service_level", "asa_seconds", "occupancy")]
CALC_LABELS = (("agents", "Agents"), ("agents_with_shrinkage", "With shrinkage"),
               ("service_level", "Service level"), ("asa_seconds", "Average speed of answer"),
               ("occupancy", "Occupancy"), ("traffic_erlangs", "Traffic (Erlangs)"))


def _level(value: float | None, top: float) -> int:
    """0 for nothing, 1-3 for the thirds of [0, top), 4 for the peak itself."""
    if not value or not top:
        return 0
    return 1 + int(3 * value / top) if value < top else 4


def print_heatmap(console: Console, records: list[dict[str, Any]], title: str, unit: str) -> None:
    """A 7 x 24 grid of shaded cells (two characters per hour), then the legend and the peak."""
    values = [r["value"] for r in records if r["value"] is not None]
    top = max(values, default=0)
    console.print(title, highlight=False, markup=False)
    console.print("     " + "".join(f"{h:<6d}" for h in range(0, 24, 2)).rstrip(), highlight=False)
    from rich.text import Text

    grid = {(r["weekday"], r["hour"]): r["value"] for r in records}
    for d, day in enumerate(DAYS):
        line = [(f"{day}  ", "")]
        for h in range(24):
            level = _level(grid.get((d, h)), top)
            line.append((SHADES[level] + (" " if h < 23 else ""), COLOURS[level]))
        console.print(Text.assemble(*line))
    if not top:
        console.print("No data in this period.")
        return
    shown = (lambda v: format_seconds(v)) if unit == "duration" else (lambda v: f"{v:,.1f}".removesuffix(".0"))
    bounds = [f"{SHADES[i]} <{shown(top * i / 3)}" for i in range(1, 4)]
    console.print("Legend: · none  " + "  ".join(bounds) + f"  {SHADES[4]} {shown(top)} (the peak)", highlight=False)
    peak = max((r for r in records if r["value"] is not None), key=lambda r: r["value"])
    console.print(f"Peak: {DAYS[peak['weekday']]} {peak['hour']:02d}:00-{peak['hour'] + 1:02d}:00, "
                  f"{shown(peak['value'])}", highlight=False)


def print_calc(console: Console, result: Mapping[str, Any]) -> None:
    for key, label in CALC_LABELS:
        value = result[key]
        text = (f"{value:.1%}" if key in ("service_level", "occupancy") else format_seconds(round(value))
                if key == "asa_seconds" else f"{value:,}")
        console.print(f"{label:<25}{text}", highlight=False)


def print_plan(console: Console, plan: dict[str, Any], tz: str) -> None:
    target = plan["target"]
    model = (f"Erlang C, {target['service_level']:.0%} answered within {format_seconds(target['within_seconds'])}"
             if plan["model"] == "erlang_c" else
             f"workload: the work of the last {format_seconds(target['within_seconds'])} done within it")
    week = local_time(plan["week_start"], tz)[:10]
    for line in (f"Agents needed per hour, {plan['channel']}, week of {week} ({tz})", f"Model: {model}",
                 f"Arrivals: the mean of the same hour over the last {plan['weeks']} full weeks",
                 f"Handle time: {format_seconds(plan['aht_seconds'])} ({plan['aht_basis']})",
                 f"Shrinkage {plan['shrinkage']:.0%}, occupancy at most {plan['max_occupancy']:.0%}"):
        console.print(line, highlight=False, markup=False)
    grid = {(r["weekday"], r["hour"]): r["agents_with_shrinkage"] for r in plan["hours"]}
    for half in (range(0, 12), range(12, 24)):
        console.print("     " + "".join(f"{h:>5}" for h in (f"{x:02d}h" for x in half)), highlight=False)
        for d, day in enumerate(DAYS):
            console.print(f"{day}  " + "".join(f"{grid[(d, h)]:>5}" for h in half), highlight=False)
    total = sum(r["agents_with_shrinkage"] for r in plan["hours"])
    console.print(f"{total:,} agent-hours in the week.", highlight=False)


def plan_document(plan: dict[str, Any], tz: str) -> dict[str, Any]:
    return {**plan, **{k: iso_instant(plan[k], tz) for k in ("week_start", "history_since", "history_until")}}
