"""Canonical record shapes shared by every layer.

Records are plain dicts keyed by these field names. Instants are int UTC epoch seconds
(or None); ids are str. Vocabularies below are the normalised values; the raw vendor
value is kept beside them by the importer.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

# A canonical record (ticket, survey, customer) keyed by field name; a row is one in storage order.
Record = dict[str, Any]
Row = tuple[Any, ...]
Event = tuple[int, str, str]            # (instant, type, value) of one ticket event
Metric = Literal["first_response", "next_response", "resolution"]
ClockMode = Literal["stopped", "running", "paused", "unknown", "n/a"]
ClockState = Literal["breached", "at_risk", "paused", "running", "met", "unknown", "n/a"]

TICKET_TEXT_FIELDS = (
    "id", "subject", "customer_id", "customer_email", "customer_name", "customer_tier",
    "channel", "priority", "status", "team", "assignee",
)
TICKET_TIME_FIELDS = ("created_at", "first_response_at", "resolved_at", "closed_at", "updated_at")
TICKET_INT_FIELDS = ("reopens", "replies")
TICKET_FIELDS = TICKET_TEXT_FIELDS + TICKET_TIME_FIELDS + TICKET_INT_FIELDS + ("tags",)


PRIORITIES = ("urgent", "high", "normal", "low")
STATUSES = ("new", "open", "pending", "on_hold", "solved", "closed")
CHANNELS = ("email", "chat", "phone", "social", "web", "other")
SURVEY_KINDS = ("csat", "nps", "ces")
EVENT_TYPES = ("status", "agent_reply", "customer_reply", "note", "assign", "priority")

# Survey scales: (min, max). The defaults per kind; a source may declare another.
DEFAULT_SCALES = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}

# Data-quality findings (docs/semantics.md#data-quality-findings): flagged on the row, excluded from duration metrics.
FINDING_RESOLVED_BEFORE_CREATED = "resolved_before_created"
FINDING_RESOLVED_BEFORE_FIRST_RESPONSE = "resolved_before_first_response"
FINDING_RESPONSE_BEFORE_CREATED = "response_before_created"
FINDING_FUTURE_DATE = "future_date"
FINDING_NO_CREATED_AT = "no_creation_time"  # the export has no creation time at all (Kaggle)


# Storage order of each kind's rows (the store adds `source` first and `import_id` last).
# JSON_FIELDS hold lists/objects serialised as text; `row_hash` is the content hash of a survey,
# event or customer (tickets store '': an unchanged ticket is found by comparing its columns).
TICKET_ROW = ("id", "subject", "customer_id", "customer_email", "customer_name", "customer_tier", "channel",
              "priority", "status", "team", "assignee", "created_at", "first_response_at", "resolved_at",
              "closed_at", "updated_at", "resolution_at", "reopens", "replies", "tags", "reported", "findings",
              "raw", "extra", "row_hash")
SURVEY_ROW = ("id", "ticket_id", "customer_id", "kind", "score", "scale_min", "scale_max", "label", "comment",
              "submitted_at", "raw", "extra", "row_hash")
EVENT_ROW = ("ticket_id", "at", "type", "value", "extra")
CUSTOMER_ROW = ("id", "email", "name", "tier", "signup_at", "churned_at", "revenue", "raw", "extra", "row_hash")
ROWS = {"tickets": TICKET_ROW, "surveys": SURVEY_ROW, "events": EVENT_ROW, "customers": CUSTOMER_ROW}
JSON_FIELDS = frozenset({"tags", "reported", "raw", "extra"})


class FigureDoc(TypedDict):
    """One KPI figure as the kpi service returns it (and json prints it)."""

    value: float | None
    n: int
    low_sample: bool
    basis: NotRequired[str]         # durations: timestamps | clock | reported | mixed
    unknown: NotRequired[int]       # SLA percentages: clocks of unknown stop, not counted in n
    ci: NotRequired[list[float]]    # kpi --intervals: the 95 % interval of a share or a median
    flag: NotRequired[str | None]   # kpi --intervals, groups: above | below the overall figure, or None


class GroupPrevious(TypedDict):
    metrics: dict[str, FigureDoc]
    delta: dict[str, float | None]


class KpiGroup(TypedDict):
    key: dict[str, str]
    metrics: dict[str, FigureDoc]
    previous: NotRequired[GroupPrevious]   # with --compare previous (groups without a time dimension)


class KpiPrevious(TypedDict):
    since: int
    until: int
    metrics: dict[str, FigureDoc]
    delta: dict[str, float | None]


class KpiDocument(TypedDict):
    """The kpi service's answer for one period: `cstool kpi --format json` with epoch instants."""

    since: int
    until: int
    timezone: str
    metrics: dict[str, FigureDoc]
    groups: list[KpiGroup]
    previous: KpiPrevious | None
    data: NotRequired[DataAge]          # set by `cstool kpi`: how old the data is
    churn_link: NotRequired[dict[str, Any]]  # set by `cstool kpi` (table, json): services/churn.churn_after_bad


class SlaFinding(TypedDict):
    """One clock of an open ticket in `sla check` (most urgent first)."""

    source: str
    ticket_id: str
    subject: str | None
    priority: str | None
    channel: str | None
    team: str | None
    assignee: str | None
    customer_id: str | None
    customer_tier: str | None
    customer_email: str | None
    metric: str
    cycle: int
    state: str
    due_at: int | None
    remaining_seconds: int | None
    elapsed_business_seconds: int   # on the clock so far (business time, pauses excluded)
    overdue_seconds: int
    policy: str
    calendar: str
    target_seconds: int | None
    p_breach: NotRequired[float | None]        # with a forecast (sla check --forecast)
    forecast_basis: NotRequired[str | None]    # the group of clocks the forecast learnt from
    forecast_n: NotRequired[int | None]        # how many clocks that group holds


class SlaCounts(TypedDict):
    """The headline of `sla check`: tickets breached, at risk (and not breached), open; the oldest overdue."""

    breached: int
    at_risk: int
    open: int
    oldest_overdue_seconds: int


class ReasonDoc(TypedDict):
    code: str
    text: str


class QueueEntry(TypedDict):
    """One ticket in the escalation queues."""

    tier: str
    tier_rank: int
    rid: int                # (the ticket's row in the store)
    source: str
    ticket_id: str
    subject: str | None
    customer_id: str | None
    customer_tier: str | None
    priority: str | None
    team: str | None
    assignee: str | None
    age_seconds: int | None
    metric: str | None
    due_at: int | None
    remaining_seconds: int | None
    overdue_seconds: int
    reasons: list[ReasonDoc]


class TopIssue(TypedDict):
    """A tag among the period's top issues."""

    tag: str
    tickets: int
    change: int                 # tickets against the previous period
    reopen_pct: float | None
    breach_pct: float | None    # resolution clocks breached, of those met or breached


class DataAge(TypedDict):
    """How old the store's data is (docs/semantics.md#data-age)."""

    newest_ticket_at: int | None    # the latest ticket creation or resolution at or before as_of
    newest_import_at: int | None    # when the latest import finished (wall clock)
    age_seconds: int | None         # as_of - newest_ticket_at
    import_age_seconds: int | None  # now - newest_import_at
    max_age_seconds: int            # [store] max_data_age; 0: never stale
    stale: bool


class ReportDocument(TypedDict):
    """The nightly report (`cstool report`)."""

    as_of: int
    since: int
    until: int
    timezone: str
    team: str | None                # one team's report (cstool report --team)
    kpis: KpiDocument
    sla: SlaCounts
    worst: list[SlaFinding]
    likely: list[Record]            # open clocks due today, likely to breach (services/forecast)
    spikes: list[Record]            # groups whose volume spiked in the last four hours (core/spikes.Spike)
    escalations: dict[str, int]     # tickets per tier, highest tier first
    top_issues: list[TopIssue]
    findings: dict[str, int]        # data-quality findings of the latest imports
    data: DataAge
    charts: dict[str, Any]          # what the HTML charts draw (services/report.chart_data)
    churn_link: dict[str, Any]      # churn after a bad experience (services/churn.churn_after_bad)
    detractor_themes: Record        # what detractors talk about (services/texts.detractor_themes)


class TimelineEntry(TypedDict):
    at: int
    kind: str                   # ticket | agent_reply | customer_reply | csat | nps | ces
    channel: str | None
    ticket_id: str | None
    text: str


class CustomerHealth(TypedDict):
    open_tickets: int
    tickets: int
    breached_tickets_90d: int
    csat: list[tuple[int, float | str | None]]   # (submitted_at, score or label), newest first
    nps: list[tuple[int, float | None]]
    last_contact: int | None


class CustomerView(TypedDict):
    """`cstool customer`: the profile (with `churned` at as_of), health and timeline, newest first."""

    customer: Record
    health: CustomerHealth
    timeline: list[TimelineEntry]
