"""ServiceNow audit/event-log extracts: many rows per incident -> one ticket + its state changes.

The ticket is the incident's row with the highest `sys_mod_count`; every change of state, in
`sys_mod_count` order, becomes a `status` event at that row's `sys_updated_at`. The earlier rows
are counted as skipped (merged into their incident), never dropped silently. Rows of one
incident must be contiguous, as the extract writes them; a reappearing incident is rejected.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator

from cstool.core.ingest.records import Item, Reject, Summary, to_row
from cstool.core.models import TICKET_ROW

_ID, _STATUS, _UPDATED, _FINDINGS, _EXTRA = (TICKET_ROW.index(n) for n in
                                            ("id", "status", "updated_at", "findings", "extra"))


def _mod_count(item: Item) -> int:
    try:
        return int(json.loads(item.value[_EXTRA] or "{}").get("sys_mod_count", 0))
    except ValueError:
        return 0


def group_incidents(items: Iterator[Item], summary: Summary) -> Iterator[Item]:
    current: list[Item] = []
    done: set[str] = set()

    def flush() -> list[Item]:
        rows = sorted(current, key=_mod_count)
        latest = rows[-1]
        summary.skipped += len(rows) - 1
        for row in rows[:-1]:  # only the incident's latest row counts for findings
            if row.value[_FINDINGS]:
                summary.findings.subtract(row.value[_FINDINGS].split(","))
        summary.findings += Counter()
        events, previous = [], None
        for row in rows:
            status, at = row.value[_STATUS], row.value[_UPDATED]
            if status is not None and status != previous and at is not None:
                events.append(Item("event", to_row("events", {
                    "ticket_id": row.value[_ID], "at": at, "type": "status", "value": status,
                    "extra": {"sys_mod_count": str(_mod_count(row))}})))
                previous = status
        summary.events_derived += len(events)
        return [latest, *events]

    for item in items:
        if item.kind != "record":
            yield item
            continue
        ticket_id = item.value[_ID]
        if current and current[0].value[_ID] != ticket_id:
            done.add(current[0].value[_ID])
            yield from flush()
            current = []
        if ticket_id in done:
            summary.rejected += 1
            number, line, raw = item.origin or (0, 0, "")
            yield Item("reject", Reject(number, line, "number", "DUPLICATE KEY IN FILE",
                                        f"incident {ticket_id} reappears after other incidents; sort the "
                                        "extract by number", raw, ticket_id))
            continue
        current.append(item)
    if current:
        yield from flush()
