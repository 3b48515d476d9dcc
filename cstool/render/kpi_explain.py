"""`kpi --explain`: the records behind one figure, as a table or records."""

from __future__ import annotations

from cstool.core.models import Record
from cstool.render import Column
from cstool.render.table import print_table
from cstool.render.values import figure, figure_kind, iso_instant, local_time

COLUMNS = [Column(k, k) for k in ("row", "record", "source", "id", "ticket_id", "at", "value", "counted", "mark")]
TABLE_COLUMNS = [Column("row", "#", "number"), Column("record", "Record", rank=3), Column("id", "Id", "id"),
                 Column("ticket_id", "Ticket", "id", rank=2), Column("at", "At", rank=1),
                 Column("value", "Value", "number"), Column("counted", "Counted"), Column("mark", "Mark")]


def machine_rows(doc: Record, tz: str) -> list[Record]:
    return [{**r, "at": iso_instant(r["at"], tz)} for r in doc["rows"]]


def machine_document(doc: Record, tz: str) -> Record:
    return {**doc, "since": iso_instant(doc["since"], tz), "until": iso_instant(doc["until"], tz),
            "rows": machine_rows(doc, tz)}


def print_explained(console, doc: Record, tz: str) -> None:
    kind = figure_kind(doc["metric"])
    group = "".join(f", {d}={v}" for d, v in doc["group"].items())
    title = (f"{doc['metric']} {local_time(doc['since'], tz)} – {local_time(doc['until'], tz)}{group}: "
             f"{figure(doc['value'], kind)}, n = {doc['n']:,}")
    shown_as = "duration" if kind == "duration" or doc["metric"].startswith("backlog") else kind
    shown = [{**r, "at": local_time(r["at"], tz), "value": _value(r["value"], shown_as)} for r in doc["rows"]]
    print_table(console, shown, TABLE_COLUMNS, title=title, empty="No record counts in this figure.")


def _value(value, kind: str) -> str:
    if value is None:
        return ""
    return figure(value, "duration") if kind == "duration" else f"{value:g}" if isinstance(value, float) else str(value)
