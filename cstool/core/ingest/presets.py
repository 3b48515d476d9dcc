"""Presets: how a vendor's export maps onto canonical fields (docs/semantics.md#import-guarantees).

Each preset lists, per canonical field, the header names the vendor uses (matched trimmed and
case-insensitively), the headers whose values are vendor-reported durations, and the header
signature `auto` detection looks for. Columns no preset field claims are kept in `extra`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cstool.core.errors import DataError, UsageError


@dataclass(frozen=True)
class Reported:
    """A vendor-reported duration column: stored under `key` in seconds; `unit` is
    `min` (minutes), `hours` or `hms` (H:MM:SS, hours may exceed 24). If `derives` names a
    timestamp field that is empty, it is derived as created_at + the duration (calendar
    durations only)."""

    key: str
    unit: str
    derives: str | None = None


@dataclass(frozen=True)
class Preset:
    name: str
    kind: str
    columns: dict[str, tuple[str, ...]]
    signature: tuple[str, ...] = ()
    reported: dict[str, Reported] = field(default_factory=dict)
    repeated: tuple[str, ...] = ()       # headers that may repeat; values join into a list field
    tag_separators: dict[str, str] = field(default_factory=dict)  # header -> separator (default , or ;)
    csat_column: str | None = None      # a satisfaction column that becomes CSAT surveys
    null_values: tuple[str, ...] = ()   # extra null sentinels of this vendor
    survey_kind: str | None = None      # for survey presets
    required: tuple[str, ...] = ("id",)
    description: str = ""


def _c(**fields: str | tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return {k: (v,) if isinstance(v, str) else v for k, v in fields.items()}


GENERIC_TICKETS = Preset(
    "generic", "tickets",
    _c(id="id", subject="subject", customer_id="customer_id", customer_email="customer_email",
       customer_name="customer_name", customer_tier="customer_tier", channel="channel",
       priority="priority", status="status", team="team", assignee="assignee",
       created_at="created_at", first_response_at="first_response_at", resolved_at="resolved_at",
       closed_at="closed_at", updated_at="updated_at", reopens="reopens", replies="replies", tags="tags"),
    signature=("id", "created_at", "status", "priority"),
    description="cstool's canonical headers",
)

ZENDESK = Preset(
    "zendesk", "tickets",
    _c(id="id", subject="subject", customer_id="requester id", customer_email="requester email",
       customer_name="requester", customer_tier="organization", channel="via", priority="priority",
       status="status", team="group", assignee="assignee", created_at="created at",
       first_response_at="first reply at", resolved_at="solved at", closed_at="closed at",
       updated_at="updated at", reopens="reopens", replies="replies",
       tags=("tags", "manual tagging of categories [list]")),
    signature=("id", "requester id", "created at", "solved at"),
    reported={
        "first reply time in minutes": Reported("first_reply", "min", "first_response_at"),
        "first reply time in minutes within business hours": Reported("first_reply_business", "min"),
        "first resolution time in minutes": Reported("first_resolution", "min"),
        "first resolution time in minutes within business hours":
            Reported("first_resolution_business", "min"),
        "full resolution time in minutes": Reported("full_resolution", "min", "resolved_at"),
        "full resolution time in minutes within business hours":
            Reported("full_resolution_business", "min"),
        "requester wait time in minutes": Reported("requester_wait", "min"),
        "requester wait time in minutes within business hours": Reported("requester_wait_business", "min"),
        "agent wait time in minutes": Reported("agent_wait", "min"),
        "on hold time in minutes": Reported("on_hold", "min"),
    },
    tag_separators={"tags": " "},
    csat_column="satisfaction score",
    description="Zendesk Support CSV export",
)

FRESHDESK = Preset(
    "freshdesk", "tickets",
    _c(id="ticket id", subject="subject", customer_id="contact id", customer_email="email",
       customer_name="full name", customer_tier="company name", channel="source", priority="priority",
       status="status", team="group", assignee="agent", created_at="created time",
       first_response_at="initial response time", resolved_at="resolved time", closed_at="closed time",
       updated_at="last update time", replies="agent interactions", tags="tags"),
    signature=("ticket id", "created time", "source"),
    reported={
        "first response time (in hrs)": Reported("first_response", "hms", "first_response_at"),
        "resolution time (in hrs)": Reported("resolution", "hms", "resolved_at"),
        "time tracked": Reported("time_tracked", "hms"),
    },
    csat_column="survey results",
    description="Freshdesk ticket export",
)

JIRA = Preset(
    "jira", "tickets",
    _c(id="issue key", subject="summary", customer_name="reporter", customer_email="reporter email",
       channel="custom field (source)", priority="priority", status="status",
       team="custom field (team)", assignee="assignee", created_at="created", resolved_at="resolved",
       updated_at="updated", tags="labels"),
    signature=("issue key", "summary", "created"),
    repeated=("labels", "components"),
    tag_separators={"labels": " "},
    csat_column="custom field (satisfaction)",
    description="Jira Service Management CSV export",
)

SERVICENOW = Preset(
    "servicenow", "tickets",
    _c(id=("number",), subject=("short_description", "short description"),
       customer_name=("caller_id", "caller"), channel=("contact_type", "contact type", "channel"),
       priority="priority", status=("state", "incident_state", "incident state"),
       team=("assignment_group", "assignment group"), assignee=("assigned_to", "assigned to"),
       created_at=("opened_at", "opened"), resolved_at=("resolved_at", "resolved"),
       closed_at=("closed_at", "closed"), updated_at=("sys_updated_on", "updated"),
       reopens=("reopen_count", "reopen count")),
    signature=("number", "priority"),
    description="ServiceNow incident list export (field-name or label headers)",
)

SERVICENOW_EVENTS = Preset(
    "servicenow-events", "tickets",
    _c(id="number", customer_name="caller_id", channel="contact_type", priority="priority",
       status="incident_state", team="assignment_group", assignee="assigned_to", created_at="opened_at",
       resolved_at="resolved_at", closed_at="closed_at", updated_at="sys_updated_at",
       reopens="reopen_count", tags="category"),
    signature=("number", "incident_state", "sys_mod_count", "sys_updated_at"),
    null_values=("-100",),
    description="ServiceNow audit/event-log extract (one ticket per incident, states as events)",
)

KAGGLE = Preset(
    "kaggle", "tickets",
    _c(id="ticket id", subject="ticket subject", customer_name="customer name",
       customer_email="customer email", channel="ticket channel", priority="ticket priority",
       status="ticket status", first_response_at="first response time",
       resolved_at="time to resolution", tags="ticket type"),
    signature=("ticket id", "ticket subject", "customer satisfaction rating", "time to resolution"),
    csat_column="customer satisfaction rating",
    description="Kaggle 'Customer Support Ticket Dataset' (17 columns, no creation time)",
)

GENERIC_SURVEYS = Preset(
    "generic", "surveys",
    _c(id=("id", "survey_id"), ticket_id="ticket_id", customer_id="customer_id", kind="kind",
       score="score", comment="comment", submitted_at="submitted_at"),
    signature=("score",), required=("score",),
)
GENERIC_EVENTS = Preset(
    "generic", "events", _c(ticket_id="ticket_id", at="at", type="type", value="value"),
    signature=("ticket_id", "at", "type"), required=("ticket_id", "at", "type"),
)
GENERIC_CUSTOMERS = Preset(
    "generic", "customers",
    _c(id=("id", "customer_id"), email="email", name="name", tier="tier", signup_at="signup_at",
       churned_at="churned_at", revenue="revenue"),
    signature=("id",),
)

TICKET_PRESETS = {p.name: p for p in (GENERIC_TICKETS, ZENDESK, FRESHDESK, JIRA, SERVICENOW,
                                      SERVICENOW_EVENTS, KAGGLE)}
OTHER_PRESETS = {"surveys": GENERIC_SURVEYS, "events": GENERIC_EVENTS, "customers": GENERIC_CUSTOMERS}


def detect_preset(header: list[str]) -> tuple[Preset | None, list[str]]:
    """The ticket preset whose signature the header holds, and the candidates considered.

    The most specific match wins (the longest signature among full matches); two equally
    specific matches are ambiguous and return (None, candidates)."""
    names = {h.strip().lower() for h in header}
    matches = [p for p in TICKET_PRESETS.values() if all(s in names for s in p.signature)]
    if not matches:
        return None, []
    matches.sort(key=lambda p: -len(p.signature))
    best = [p for p in matches if len(p.signature) == len(matches[0].signature)]
    if len(best) > 1:
        return None, [p.name for p in best]
    return best[0], [p.name for p in matches]


def looks_like(header: list[str]) -> tuple[str, tuple[str, ...]] | None:
    """(the kind of file whose signature the header holds, that signature): ticket exports
    first, then events, surveys and customers; None when it holds none."""
    preset, candidates = detect_preset(header)
    if preset is not None or candidates:
        return "tickets", preset.signature if preset else TICKET_PRESETS[candidates[0]].signature
    names = {h.strip().lower() for h in header}
    for kind, signature in _LOOKS.items():
        if all(s in names for s in signature):
            return kind, signature
    return None


# What makes a header plainly one of the other kinds (an `id` alone says nothing).
_LOOKS = {"events": GENERIC_EVENTS.signature, "surveys": GENERIC_SURVEYS.signature, "customers": ("id", "email")}


def choose_preset(kind: str, requested: str, header: list[str], file: str) -> tuple[Preset, str]:
    """(preset, why) for this file; `auto` detects ticket presets by header signature. A file
    that is plainly another kind (a ticket export given to `import customers`) is refused."""
    seems = looks_like(header)
    if seems is not None and seems[0] != kind:
        other, signature = seems
        raise DataError(f"{file}: MISSING COLUMNS: this looks like a {other} file (it has "
                        f"{', '.join(signature)}), not {kind}; import it with `cstool import {other} {file}`")
    if kind != "tickets":
        if requested not in ("auto", "generic"):
            raise UsageError(f"--preset {requested}: {kind} imports take the generic format only")
        return OTHER_PRESETS[kind], "generic format"
    if requested != "auto":
        if requested not in TICKET_PRESETS:
            raise UsageError(f"--preset {requested!r}: expected auto or one of " + ", ".join(TICKET_PRESETS))
        return TICKET_PRESETS[requested], "--preset"
    preset, candidates = detect_preset(header)
    if preset is None and candidates:
        raise DataError(f"{file}: the header fits several presets ({', '.join(candidates)}); choose one with --preset")
    if preset is None:
        raise DataError(f"{file}: no preset recognises this header; use --preset generic with --map "
                        f"FIELD=COLUMN, or one of: {', '.join(TICKET_PRESETS)}")
    return preset, "auto: header has " + ", ".join(repr(s) for s in preset.signature)
