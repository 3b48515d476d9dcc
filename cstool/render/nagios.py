"""Nagios plugin output: one status line with perfdata, then detail lines (plugin guidelines)."""

from __future__ import annotations

from cstool.core.models import DataAge, SlaCounts, SlaFinding
from cstool.render.sla import left
from cstool.render.values import format_seconds, many

OK, WARNING, CRITICAL, UNKNOWN = 0, 1, 2, 3
LABELS = {OK: "OK", WARNING: "WARNING", CRITICAL: "CRITICAL", UNKNOWN: "UNKNOWN"}


def nagios_status(counts: SlaCounts, findings: list[SlaFinding], age: DataAge | None = None,
                  details: int = 10) -> tuple[int, str]:
    """(exit code, text): CRITICAL when anything is breached, WARNING when at risk or when the
    data is stale (older than [store] max_data_age: a broken import is not a quiet day), else OK."""
    code = CRITICAL if counts["breached"] else WARNING if counts["at_risk"] else OK
    open_tickets = many(counts["open"], "open ticket")
    summary = (f"{counts['breached']:,} breached, {counts['at_risk']:,} at risk of {open_tickets}" if code != OK
               else f"no SLA breached or at risk in {open_tickets}")
    perf = (f"breached={counts['breached']};;1;0 at_risk={counts['at_risk']};1;;0 open={counts['open']};;;0 "
            f"oldest_overdue={counts['oldest_overdue_seconds']}s;;;0")
    if age is not None:
        if age["stale"]:
            code = max(code, WARNING)
            old = format_seconds(age["age_seconds"]) + " old" if age["age_seconds"] is not None else "missing"
            summary = f"stale data: the newest ticket activity is {old}; " + summary
        if age["age_seconds"] is not None:
            perf += f" data_age={age['age_seconds']}s;{age['max_age_seconds'] or ''};;0"
    lines = [f"SLA {LABELS[code]} - {summary} | {perf}"]
    for f in findings[:details]:
        when = left(f, "overdue by", unknown=0)
        lines.append(f"{f['ticket_id']} {f['metric']} {f['state'].replace('_', ' ')} ({when}; {f['policy']})")
    return code, "\n".join(lines) + "\n"


def nagios_unknown(message: str) -> str:
    return f"SLA UNKNOWN - {message.splitlines()[0]}\n"
