"""`sla check` and `sla show` for people (tables) and machines (json, csv)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cstool.core.models import Record, SlaCounts, SlaFinding
from cstool.render import Column
from cstool.render.table import STATE_STYLES, fits, print_table
from cstool.render.values import format_seconds, human, iso_instant, local_time, many, time_left

if TYPE_CHECKING:
    from rich.console import Console

# Ids, state, due and time left always show; the subject moves below the row on a narrow terminal.
CHECK_COLUMNS = [Column("ticket_id", "Ticket", "id"), Column("subject", "Subject", wrap=True),
                 Column("priority", "Priority", rank=3), Column("team", "Team", rank=2),
                 Column("assignee", "Assignee", rank=4), Column("metric", "Metric", rank=1),
                 Column("state", "State"), Column("due_at", "Due", "time"), Column("left", "Left / overdue"),
                 Column("policy", "Policy", rank=5)]
MACHINE_COLUMNS = [Column(k, k) for k in ("source", "ticket_id", "subject", "priority", "team", "assignee",
                                           "metric", "cycle", "state", "due_at", "remaining_seconds",
                                           "overdue_seconds", "policy", "calendar")]
FORECAST_COLUMNS = [Column(k, k) for k in ("p_breach", "forecast_basis", "forecast_n")]
SHOW_KEYS = ("metric", "state", "policy", "calendar", "target_seconds", "started_at", "due_at", "stopped_at",
             "elapsed_business_seconds", "paused_seconds", "remaining_seconds")
SHOW_MACHINE = [Column(k, k) for k in (*SHOW_KEYS, "cycle", "matched", "note", "pauses")]
SHOW_COLUMNS = [Column("metric", "Metric"), Column("state", "State"), Column("target", "Target"),
                Column("started", "Started", "time"), Column("due", "Due", "time"),
                Column("stopped", "Stopped", "time"),
                Column("elapsed", "Elapsed (business)"), Column("paused", "Paused"),
                Column("remaining", "Left (business)"), Column("pauses", "Pause intervals", wrap=True)]


def left(finding: SlaFinding, overdue_word: str = "overdue", unknown: int | None = None) -> str:
    """`overdue 6d 7h` for a breached clock, else `3h 10m left` (business time); `unknown` stands
    for a remaining time the clock does not have."""
    overdue = finding["overdue_seconds"] if finding["state"] == "breached" else None
    remaining = finding["remaining_seconds"]
    return time_left(overdue, unknown if remaining is None else remaining, overdue_word)


def check_records(findings: list[SlaFinding], tz: str) -> list[dict[str, Any]]:
    """The findings as json/csv records: instants in ISO-8601 with the zone's offset."""
    return [{**f, "due_at": iso_instant(f["due_at"], tz)} for f in findings]


def _percent(share: float | None) -> float | None:
    return None if share is None else share * 100


def print_check(console: Console, findings: list[SlaFinding], counts: SlaCounts, tz: str, forecast: bool = False
                ) -> None:
    columns = CHECK_COLUMNS[:-1] + [Column("p", "P(breach)", "pct")] + CHECK_COLUMNS[-1:] if forecast else CHECK_COLUMNS
    rows = [{**f, "left": left(f), "p": _percent(f.get("p_breach"))} for f in findings]
    print_table(console, rows, columns, tz=tz,
                title=f"SLA: {many(counts['breached'], 'ticket')} breached, {counts['at_risk']:,} at risk, "
                      f"{counts['open']:,} open",
                empty=f"No SLA breached or at risk ({many(counts['open'], 'open ticket')}).")


def show_document(clocks: list[Record], tz: str) -> list[Record]:
    """Every clock of one ticket as a json record."""
    doc = []
    for c in clocks:
        item = {k: c[k] for k in SHOW_KEYS}
        for k in ("started_at", "due_at", "stopped_at"):
            item[k] = iso_instant(item[k], tz)
        item.update(cycle=c["cycle"], matched=c["matched"], note=c.get("note") or None,
                    pauses=[[iso_instant(s, tz), iso_instant(e, tz)] for s, e in c["pauses"]])
        doc.append(item)
    return doc


def show_rows(doc: list[Record]) -> list[Record]:
    """The clocks as csv rows: each pause as `start/end`, pauses joined by `;`."""
    return [{**c, "pauses": [f"{s}/{e or ''}" for s, e in c["pauses"]]} for c in doc]


def _clock_row(c: Record, tz: str) -> Record:
    pauses = "; ".join(f"{local_time(s, tz)} → {local_time(e, tz) if e else 'now'}" for s, e in c["pauses"])
    return {"metric": c["metric"] + (f" #{c['cycle']}" if c["cycle"] else ""), "state": c["state"],
            "target": c["target"] or "none", "started": c["started_at"], "due": c["due_at"],
            "stopped": c["stopped_at"],
            "elapsed": format_seconds(c["elapsed_business_seconds"]) if c["target_seconds"] else "",
            "paused": format_seconds(c["paused_seconds"]) if c["paused_seconds"] else "",
            "remaining": "" if c["remaining_seconds"] is None else format_seconds(c["remaining_seconds"]),
            "pauses": pauses}


def print_blocks(console: Console, rows: list[Record], columns: list[Column], tz: str) -> None:
    """Each row as a block: its first column as a bold heading, then one `label  value` line per
    other column that has a value (long values wrapped on word boundaries under the value)."""
    import textwrap

    label = max(len(c.header) for c in columns[1:])
    for row in rows:
        console.print("")
        console.print(f"{row[columns[0].key]}", style="bold", markup=False, highlight=False)
        for c in columns[1:]:
            text = human(row.get(c.key), c.kind, tz)
            if text:
                lines = textwrap.wrap(text, max(console.width - label - 4, 20), break_long_words=False,
                                      break_on_hyphens=False)
                for i, line in enumerate(lines):
                    console.print(f"  {c.header if i == 0 else '':<{label}}  {line}", markup=False, highlight=False,
                                  style=STATE_STYLES.get(text, "") if c.key == "state" else "")


def print_clocks(console, ticket: dict, clocks: list[dict], tz: str, as_of: int) -> None:
    """The ticket, its policy and why it applies, then one row per clock."""
    console.print(f"Ticket {ticket['source']}:{ticket['id']} — {ticket.get('subject') or ''}\n"
                  f"priority {ticket.get('priority')}, status {ticket.get('status')}, team {ticket.get('team')}, "
                  f"assignee {ticket.get('assignee') or '(none)'}\ncreated {local_time(ticket.get('created_at'), tz)}, "
                  f"as of {local_time(as_of, tz)} ({tz})", markup=False)
    if clocks:
        console.print(f"Policy {clocks[0]['policy']!r}: {clocks[0]['matched']}; calendar {clocks[0]['calendar']}",
                      markup=False)
    rows = [_clock_row(c, tz) for c in clocks]
    if fits(rows, SHOW_COLUMNS, console.width, tz) or not rows:
        print_table(console, rows, SHOW_COLUMNS, tz=tz)
    else:  # a narrow terminal: one block of `label  value` lines per clock
        print_blocks(console, rows, SHOW_COLUMNS, tz)
    for c in clocks:  # (why a clock is unknown, or what its stop stands for)
        if c.get("note"):
            console.print(f"{c['metric']}: {c['state']}: {c['note']}", markup=False)
