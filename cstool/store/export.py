"""The rows of a warehouse export (docs/export.md): tickets with their computed clocks, the
next-response cycles, events, surveys and customers, month by month (UTC) so that no more than
one month of rows is held at once.

Each dataset is (name, column names with their kinds, the SQL of its month key, the SQL of its
rows for one month). Kinds: text, int, real, time (UTC epoch seconds), tags (a JSON list of text).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from cstool.store.connection import Store
from cstool.store.sla import MODES

_MODE = "CASE {0} " + " ".join(f"WHEN {code} THEN '{mode}'" for code, mode in enumerate(MODES)) + " END"
_TICKET_TEXT = ("source", "id", "subject", "customer_id", "customer_email", "customer_name", "customer_tier",
                "channel", "priority", "status", "team", "assignee")
_TICKET_TIMES = ("created_at", "first_response_at", "resolved_at", "closed_at", "updated_at", "resolution_at")


def clock_columns(prefix: str, metric: str) -> list[tuple[str, str, str]]:
    """(column, kind, SQL) of one of a ticket's clocks in the compact row `c`."""
    return [(f"{metric}_mode", "text", _MODE.format(f"c.{prefix}mode")),
            (f"{metric}_target_s", "int", f"c.{prefix}target_seconds"),
            (f"{metric}_stopped_at", "time", f"c.{prefix}stopped_at"),
            (f"{metric}_due_at", "time", f"c.{prefix}due_at"),
            (f"{metric}_at_risk_at", "time", f"c.{prefix}risk_at"),
            (f"{metric}_elapsed_business_s", "int", f"c.{prefix}elapsed"),
            (f"{metric}_running_since", "time", f"c.{prefix}elapsed_since"),
            (f"{metric}_paused_s", "int", f"c.{prefix}paused_seconds"),
            (f"{metric}_note", "text", f"c.{prefix}note")]


@dataclass(frozen=True)
class Dataset:
    name: str
    columns: tuple[tuple[str, str, str], ...]   # (name, kind, SQL expression)
    source: str                                 # FROM … (aliases the SQL expressions use)
    month_of: str                               # SQL instant whose UTC month partitions the rows
    order: str                                  # the order of the rows within a month

    def month_sql(self) -> str:
        return f"coalesce(strftime('%Y-%m', {self.month_of}, 'unixepoch'), 'none')"


DATASETS = (
    Dataset("tickets", (*[(c, "text", f"t.{c}") for c in _TICKET_TEXT], *[(c, "time", f"t.{c}") for c in _TICKET_TIMES],
                        ("reopens", "int", "t.reopens"), ("replies", "int", "t.replies"), ("tags", "tags", "t.tags"),
                        ("reported", "text", "t.reported"), ("findings", "text", "t.findings"),
                        ("import_id", "int", "t.import_id"),
                        ("sla_policy", "text", "n.policy"), ("sla_matched", "text", "n.matched"),
                        ("sla_calendar", "text", "n.calendar"),
                        *clock_columns("fr_", "first_response"), *clock_columns("res_", "resolution"),
                        ("next_response_cycles", "int",
                         "(SELECT count(*) FROM clock_cycles y WHERE y.ticket = t.rowid)"),
                        ("clocks_valid_from", "time", "c.last_event_at")),
            "tickets t LEFT JOIN clocks c ON c.ticket = t.rowid LEFT JOIN clock_names n ON n.id = c.names",
            "t.created_at", "t.rowid"),
    Dataset("next_response_clocks", (("source", "text", "t.source"), ("ticket_id", "text", "t.id"),
                                     ("cycle", "int", "y.cycle"), ("mode", "text", _MODE.format("y.mode")),
                                     ("target_s", "int", "y.target_seconds"), ("started_at", "time", "y.started_at"),
                                     ("stopped_at", "time", "y.stopped_at"), ("due_at", "time", "y.due_at"),
                                     ("at_risk_at", "time", "y.risk_at"),
                                     ("elapsed_business_s", "int", "y.elapsed"),
                                     ("paused_s", "int", "y.paused_seconds"), ("note", "text", "y.note")),
            "clock_cycles y JOIN tickets t ON t.rowid = y.ticket", "y.started_at", "y.ticket, y.cycle"),
    Dataset("events", (("source", "text", "e.source"), ("ticket_id", "text", "e.ticket_id"), ("at", "time", "e.at"),
                       ("type", "text", "e.type"), ("value", "text", "e.value"), ("import_id", "int", "e.import_id")),
            "ticket_events e", "e.at", "e.rowid"),
    Dataset("surveys", (("source", "text", "s.source"), ("id", "text", "s.id"), ("ticket_id", "text", "s.ticket_id"),
                        ("customer_id", "text", "s.customer_id"), ("kind", "text", "s.kind"),
                        ("score", "real", "s.score"), ("scale_min", "int", "s.scale_min"),
                        ("scale_max", "int", "s.scale_max"), ("label", "text", "s.label"),
                        ("comment", "text", "s.comment"), ("submitted_at", "time", "s.submitted_at"),
                        ("import_id", "int", "s.import_id")),
            "surveys s", "s.submitted_at", "s.rowid"),
    Dataset("customers", (("source", "text", "u.source"), ("id", "text", "u.id"), ("email", "text", "u.email"),
                          ("name", "text", "u.name"), ("tier", "text", "u.tier"), ("signup_at", "time", "u.signup_at"),
                          ("churned_at", "time", "u.churned_at"), ("revenue", "real", "u.revenue"),
                          ("import_id", "int", "u.import_id")),
            "customers u", "u.signup_at", "u.rowid"),
)


def rows_by_month(store: Store, dataset: Dataset) -> Iterator[tuple[str, list[tuple]]]:
    """(month, its rows as tuples in the order of the columns) for every UTC month (YYYY-MM, or
    'none' for rows without the instant), oldest first: one scan in the order of the instant."""
    select = ", ".join(sql for _, _, sql in dataset.columns)
    cursor = store.conn.execute(f"SELECT {dataset.month_sql()}, {select} FROM {dataset.source} "
                                f"ORDER BY {dataset.month_of}, {dataset.order}")
    month: str = ""
    rows: list[tuple] = []
    for row in cursor:
        if row[0] != month:
            if rows:
                yield month, rows
            month, rows = row[0], []
        rows.append(row[1:])
    if rows:
        yield month, rows
