"""`cstool kpi --explain METRIC [--group DIM=VALUE]…`: the records behind one figure."""

from __future__ import annotations

from cstool.cli.common import emit
from cstool.render import Format


def explain_figure(store, engine, lo: int, hi: int, dims: list[str], pairs, metric: str, group_texts: list[str],
                   tz: str, fmt: Format) -> None:
    from cstool.render import kpi_explain as view
    from cstool.services.kpi_explain import explain_figure as explained
    from cstool.services.kpi_explain import parse_group

    if fmt in (Format.markdown, Format.html):
        from cstool.core.errors import UsageError

        raise UsageError("--explain prints table, json, jsonl, csv or tsv")
    doc = explained(store, engine, lo, hi, dims, pairs, parse_group(group_texts, dims), metric, tz)
    rows = view.machine_rows(doc, tz)
    emit(fmt, view.COLUMNS, table=lambda console: view.print_explained(console, doc, tz),
         document=lambda: view.machine_document(doc, tz), csv_rows=lambda: rows)
