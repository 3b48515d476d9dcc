"""`cstool tickets` output: streamed CSV/TSV/JSON Lines/JSON for any number of rows, and a table.

CSV rows that need no care come as lines written by the SQL (store/ticket_rows); a row flagged
`care` (a cell that could read as a formula, or needs quotes) is written by render/machine, cell
by cell, as every other command writes CSV: the output is the same as if every row went that way.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO

from cstool.render import Column
from cstool.render.machine import csv_line, csv_record, write_json
from cstool.render.table import print_table

Rows = Iterable[tuple]  # (item, care): see services/tickets.TicketListing
TABLE_COLUMNS = [Column("id", "Ticket", "id"), Column("created", "Created", rank=4), Column("status", "Status", rank=2),
                 Column("priority", "Priority", rank=3), Column("team", "Team", rank=5),
                 Column("assignee", "Assignee", rank=6), Column("first_response_state", "First resp.", rank=1),
                 Column("resolution_state", "Resolution"), Column("subject", "Subject", wrap=True)]
JSON_INDENTED_UP_TO = 500  # rows: above, one line per document (as render/machine.write_json)


def write_csv_rows(names: list[str], blocks: Iterable[list[tuple]], out: IO[str], delimiter: str = ",") -> int:
    """Header and rows, in blocks of (CSV line, False) or (values, True); returns how many rows."""
    out.write(csv_line(names, delimiter))
    count = 0
    for block in blocks:
        count += len(block)
        if not any(care for _, care in block):
            out.write("\n".join(item for item, _ in block) + "\n")
            continue
        out.write("".join(csv_record(item, delimiter) if care else item + "\n" for item, care in block))
    return count


def records(names: list[str], rows: Rows, tags_at: int | None) -> Iterator[dict]:
    """Rows as JSON records (tags as a list)."""
    for values, _ in rows:
        record = dict(zip(names, values))
        if tags_at is not None:
            record[names[tags_at]] = json.loads(values[tags_at] or "[]")
        yield record


def write_jsonl_rows(items: Iterable[dict], out: IO[str]) -> None:
    for record in items:
        out.write(json.dumps(record, ensure_ascii=False))
        out.write("\n")


def write_json_rows(items: Iterable[dict], out: IO[str]) -> None:
    """One JSON list, indented when short, streamed on one line when long (as write_json)."""
    iterator = iter(items)
    head = [record for _, record in zip(range(JSON_INDENTED_UP_TO + 1), iterator)]
    if len(head) <= JSON_INDENTED_UP_TO:
        write_json(head, out)
        return
    out.write("[")
    for i, record in enumerate(_chain(head, iterator)):
        out.write((", " if i else "") + json.dumps(record, ensure_ascii=False, default=str))
    out.write("]\n")


def _chain(head: list, rest: Iterator) -> Iterator:
    yield from head
    yield from rest


def _short_time(value) -> str:
    return (value or "")[:16].replace("T", " ")  # (an instant as written in the zone: its wall time)


def print_tickets(console, shown: list[dict], more: bool, limit: int | None, fields: list[str] | None) -> None:
    """The tickets as a table: a few columns, or the --fields (instants as local wall times)."""
    if fields:
        columns = [Column(n, n, "text" if n.endswith("_at") else "duration" if n.endswith("_seconds") else "text")
                   for n in fields]
        times = [n for n in fields if n.endswith("_at")]
        shown = [{**r, **{n: _short_time(r.get(n)) for n in times}} for r in shown]
    else:
        columns = TABLE_COLUMNS
        shown = [{**r, "created": _short_time(r.get("created_at"))} for r in shown]
    print_table(console, shown, columns, title=f"Tickets: {len(shown):,}" + (" shown" if more else ""),
                empty="No ticket matches (cstool tickets --help lists the filters).")
    if more:
        console.print(f"(the first {limit:,}; --limit 0 for all, -f csv for a spreadsheet)", markup=False,
                      highlight=False)
