"""Numbered schema migrations, applied in order on open and recorded in `migrations`.

Never edit a released migration: append a new one. Timestamps are INTEGER UTC epoch
seconds; ids are TEXT; JSON columns hold lists/objects as text.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "core tables", """
CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,            -- tickets | surveys | events | customers
    file TEXT NOT NULL,
    sha256 TEXT,
    source TEXT,
    preset TEXT,
    encoding TEXT,
    delimiter TEXT,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    rows_read INTEGER DEFAULT 0,
    inserted INTEGER DEFAULT 0,
    updated INTEGER DEFAULT 0,
    unchanged INTEGER DEFAULT 0,
    skipped INTEGER DEFAULT 0,
    rejected INTEGER DEFAULT 0,
    findings TEXT DEFAULT '{}'
);
CREATE TABLE rejects (
    id INTEGER PRIMARY KEY,
    import_id INTEGER NOT NULL REFERENCES imports(id),
    record INTEGER,
    line INTEGER,
    "column" TEXT,
    error_type TEXT NOT NULL,
    message TEXT NOT NULL,
    raw TEXT
);
CREATE TABLE tickets (
    source TEXT NOT NULL,
    id TEXT NOT NULL,
    subject TEXT, customer_id TEXT, customer_email TEXT, customer_name TEXT, customer_tier TEXT,
    channel TEXT, priority TEXT, status TEXT, team TEXT, assignee TEXT,
    created_at INTEGER, first_response_at INTEGER, resolved_at INTEGER, closed_at INTEGER,
    updated_at INTEGER,
    resolution_at INTEGER,         -- resolved_at, else closed_at (docs/semantics.md#open-at-an-instant)
    reopens INTEGER, replies INTEGER,
    tags TEXT,                     -- JSON list
    reported TEXT,                 -- JSON: vendor-reported durations, seconds
    findings TEXT,                 -- comma-separated data-quality findings
    raw TEXT,                      -- JSON: original text of normalised/interpreted fields
    extra TEXT,                    -- JSON: unmapped source columns
    row_hash TEXT NOT NULL,
    import_id INTEGER REFERENCES imports(id),
    PRIMARY KEY (source, id)
);
CREATE INDEX tickets_created ON tickets(created_at);
CREATE INDEX tickets_resolution ON tickets(resolution_at);
CREATE INDEX tickets_customer ON tickets(customer_id);
CREATE TABLE surveys (
    source TEXT NOT NULL,
    id TEXT NOT NULL,
    ticket_id TEXT, customer_id TEXT,
    kind TEXT NOT NULL,            -- csat | nps | ces
    score REAL, scale_min INTEGER, scale_max INTEGER,
    label TEXT,                    -- Good/Bad answers kept as words
    comment TEXT,
    submitted_at INTEGER,
    extra TEXT,
    row_hash TEXT NOT NULL,
    import_id INTEGER REFERENCES imports(id),
    PRIMARY KEY (source, id)
);
CREATE INDEX surveys_submitted ON surveys(kind, submitted_at);
CREATE INDEX surveys_ticket ON surveys(ticket_id);
CREATE TABLE ticket_events (
    source TEXT NOT NULL,
    ticket_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    type TEXT NOT NULL,            -- status | agent_reply | customer_reply | note | assign | priority
    value TEXT NOT NULL DEFAULT '',
    extra TEXT,
    import_id INTEGER REFERENCES imports(id),
    PRIMARY KEY (source, ticket_id, at, type, value)
);
CREATE TABLE customers (
    source TEXT NOT NULL,
    id TEXT NOT NULL,
    email TEXT, name TEXT, tier TEXT,
    signup_at INTEGER, churned_at INTEGER, revenue REAL,
    extra TEXT,
    row_hash TEXT NOT NULL,
    import_id INTEGER REFERENCES imports(id),
    PRIMARY KEY (source, id)
);
CREATE INDEX customers_email ON customers(email COLLATE NOCASE);
"""),
    (2, "materialised SLA clocks", """
CREATE TABLE sla_clocks (
    source TEXT NOT NULL,
    ticket_id TEXT NOT NULL,
    metric TEXT NOT NULL,          -- first_response | next_response | resolution
    cycle INTEGER NOT NULL,        -- next_response cycle number, else 0
    policy TEXT, matched TEXT, calendar TEXT, target TEXT, target_seconds INTEGER,
    started_at INTEGER, stopped_at INTEGER, due_at INTEGER, risk_at INTEGER,
    elapsed INTEGER, elapsed_since INTEGER, paused_seconds INTEGER,
    pauses TEXT,                   -- JSON list of [start, end|null]
    mode TEXT NOT NULL,            -- stopped | running | paused | n/a
    last_event_at INTEGER,         -- clocks are valid for any as_of at or after this
    fingerprint TEXT NOT NULL,     -- hash of the policies and calendars that produced the clock
    PRIMARY KEY (source, ticket_id, metric, cycle)
);
CREATE INDEX sla_clocks_open ON sla_clocks(mode, risk_at);
CREATE INDEX sla_clocks_recent ON sla_clocks(last_event_at);
CREATE TABLE sla_meta (key TEXT PRIMARY KEY, value TEXT);
"""),
    (3, "escalation history and follow-ups", """
CREATE TABLE escalation_log (
    as_of INTEGER NOT NULL,        -- the run's as_of: recording the same as_of again replaces it
    source TEXT NOT NULL,
    ticket_id TEXT NOT NULL,
    tier TEXT NOT NULL,
    tier_rank INTEGER NOT NULL,
    reasons TEXT,                  -- JSON list of {code, text}
    PRIMARY KEY (as_of, source, ticket_id)
);
CREATE TABLE followups (
    source TEXT NOT NULL,
    survey_id TEXT NOT NULL,
    done_at INTEGER NOT NULL,
    note TEXT,
    PRIMARY KEY (source, survey_id)
);
"""),
    (4, "business times of the stopped SLA clocks on the ticket rows (KPI scans without joins)", """
ALTER TABLE tickets ADD COLUMN sla_first_response_s INTEGER;
ALTER TABLE tickets ADD COLUMN sla_resolution_s INTEGER;
ALTER TABLE tickets ADD COLUMN sla_resolution_paused_s INTEGER;
DELETE FROM sla_meta WHERE key = 'fingerprint'
"""),
    (5, "store generation: every committed write adds one (readers on two connections check they see one state)", """
CREATE TABLE store_state (id INTEGER PRIMARY KEY CHECK (id = 1), generation INTEGER NOT NULL);
INSERT INTO store_state VALUES (1, 0)
"""),
    (6, "why a clock is unknown (the data cannot place its stop)", """
ALTER TABLE sla_clocks ADD COLUMN note TEXT
"""),
    (7, "original text of interpreted survey and customer values (times, numbers), as tickets keep it", """
ALTER TABLE surveys ADD COLUMN raw TEXT;
ALTER TABLE customers ADD COLUMN raw TEXT
"""),
]

SCHEMA_VERSION = MIGRATIONS[-1][0]
