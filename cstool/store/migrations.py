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
    (8, "compact SLA clocks: one integer-keyed row per ticket, names in a dictionary, no per-row fingerprint", """
DROP TABLE sla_clocks;
CREATE TABLE clock_names (
    id INTEGER PRIMARY KEY,
    policy TEXT NOT NULL, matched TEXT NOT NULL, calendar TEXT NOT NULL,
    first_response_target TEXT NOT NULL, resolution_target TEXT NOT NULL, next_response_target TEXT NOT NULL,
    UNIQUE (policy, matched, calendar, first_response_target, resolution_target, next_response_target)
);
-- The first-response (fr_) and resolution (res_) clocks of each ticket. Modes: 0 stopped,
-- 1 running, 2 paused, 3 n/a, 4 unknown. Pauses: JSON list of [start, end|null], NULL for none.
CREATE TABLE clocks (
    ticket INTEGER PRIMARY KEY,    -- rowid of the ticket in tickets
    names INTEGER NOT NULL,        -- clock_names.id
    started_at INTEGER,            -- both clocks start at the ticket's creation
    last_event_at INTEGER,         -- the clocks are valid for any as_of at or after this
    fr_mode INTEGER, fr_target_seconds INTEGER, fr_stopped_at INTEGER, fr_due_at INTEGER, fr_risk_at INTEGER,
    fr_elapsed INTEGER, fr_elapsed_since INTEGER, fr_paused_seconds INTEGER, fr_pauses TEXT, fr_note TEXT,
    res_mode INTEGER, res_target_seconds INTEGER, res_stopped_at INTEGER, res_due_at INTEGER, res_risk_at INTEGER,
    res_elapsed INTEGER, res_elapsed_since INTEGER, res_paused_seconds INTEGER, res_pauses TEXT, res_note TEXT
);
-- Next-response cycles (policies with a next_response target).
CREATE TABLE clock_cycles (
    ticket INTEGER NOT NULL, cycle INTEGER NOT NULL,
    mode INTEGER NOT NULL, target_seconds INTEGER, started_at INTEGER, stopped_at INTEGER, due_at INTEGER,
    risk_at INTEGER, elapsed INTEGER, elapsed_since INTEGER, paused_seconds INTEGER, pauses TEXT, note TEXT,
    PRIMARY KEY (ticket, cycle)
) WITHOUT ROWID;
-- (Their indexes are made by the first clock pass: cstool/store/sla.py, CLOCK_INDEXES.)
-- Every clock as one row, under the names of the clock's fields (ad-hoc SQL, colder queries).
CREATE VIEW sla_clocks AS
SELECT t.source AS source, t.id AS ticket_id, 'first_response' AS metric, 0 AS cycle, n.policy AS policy,
    n.matched AS matched, n.calendar AS calendar, n.first_response_target AS target,
    c.fr_target_seconds AS target_seconds, c.started_at AS started_at, c.fr_stopped_at AS stopped_at,
    c.fr_due_at AS due_at, c.fr_risk_at AS risk_at, c.fr_elapsed AS elapsed,
    c.fr_elapsed_since AS elapsed_since, c.fr_paused_seconds AS paused_seconds,
    coalesce(c.fr_pauses, '[]') AS pauses, CASE c.fr_mode WHEN 0 THEN 'stopped' WHEN 1 THEN 'running'
    WHEN 2 THEN 'paused' WHEN 3 THEN 'n/a' ELSE 'unknown' END AS mode, c.last_event_at AS last_event_at,
    c.fr_note AS note
FROM clocks c JOIN tickets t ON t.rowid = c.ticket JOIN clock_names n ON n.id = c.names
UNION ALL
SELECT t.source AS source, t.id AS ticket_id, 'resolution' AS metric, 0 AS cycle, n.policy AS policy,
    n.matched AS matched, n.calendar AS calendar, n.resolution_target AS target,
    c.res_target_seconds AS target_seconds, c.started_at AS started_at, c.res_stopped_at AS stopped_at,
    c.res_due_at AS due_at, c.res_risk_at AS risk_at, c.res_elapsed AS elapsed,
    c.res_elapsed_since AS elapsed_since, c.res_paused_seconds AS paused_seconds,
    coalesce(c.res_pauses, '[]') AS pauses, CASE c.res_mode WHEN 0 THEN 'stopped' WHEN 1 THEN 'running'
    WHEN 2 THEN 'paused' WHEN 3 THEN 'n/a' ELSE 'unknown' END AS mode, c.last_event_at AS last_event_at,
    c.res_note AS note
FROM clocks c JOIN tickets t ON t.rowid = c.ticket JOIN clock_names n ON n.id = c.names
UNION ALL
SELECT t.source AS source, t.id AS ticket_id, 'next_response' AS metric, y.cycle AS cycle, n.policy AS policy,
    n.matched AS matched, n.calendar AS calendar, n.next_response_target AS target,
    y.target_seconds AS target_seconds, y.started_at AS started_at, y.stopped_at AS stopped_at,
    y.due_at AS due_at, y.risk_at AS risk_at, y.elapsed AS elapsed,
    y.elapsed_since AS elapsed_since, y.paused_seconds AS paused_seconds,
    coalesce(y.pauses, '[]') AS pauses, CASE y.mode WHEN 0 THEN 'stopped' WHEN 1 THEN 'running'
    WHEN 2 THEN 'paused' WHEN 3 THEN 'n/a' ELSE 'unknown' END AS mode, c.last_event_at AS last_event_at,
    y.note AS note
FROM clock_cycles y JOIN clocks c ON c.ticket = y.ticket JOIN tickets t ON t.rowid = y.ticket
    JOIN clock_names n ON n.id = c.names;
DELETE FROM sla_meta WHERE key IN ('fingerprint', 'import_id')
"""),
    (9, "prior versions of the rows an import updates (so that an import can be undone)", """
ALTER TABLE imports ADD COLUMN undone_at INTEGER;
-- When the prior versions kept for an import were dropped (only the latest imports of a source
-- keep them: store/history.UNDO_DEPTH); such an import can no longer be undone.
ALTER TABLE imports ADD COLUMN priors_dropped_at INTEGER;
-- The rejected cell as the file has it.
ALTER TABLE rejects ADD COLUMN value TEXT;
-- When an import updates a row, the row as it was is kept here under the import's id (by_import)
-- and its rowid (row): undoing the import deletes the rows it wrote and puts these back.
CREATE TABLE prior_tickets AS SELECT 0 AS by_import, rowid AS row, * FROM tickets WHERE 0;
CREATE TABLE prior_surveys AS SELECT 0 AS by_import, rowid AS row, * FROM surveys WHERE 0;
CREATE TABLE prior_customers AS SELECT 0 AS by_import, rowid AS row, * FROM customers WHERE 0;
CREATE TABLE prior_ticket_events AS SELECT 0 AS by_import, rowid AS row, * FROM ticket_events WHERE 0;
CREATE INDEX prior_tickets_import ON prior_tickets(by_import);
CREATE INDEX prior_surveys_import ON prior_surveys(by_import);
CREATE INDEX prior_customers_import ON prior_customers(by_import);
CREATE INDEX prior_ticket_events_import ON prior_ticket_events(by_import);
-- (A BEFORE trigger reads the row as it still is; only rows whose import changes fire it.)
CREATE TRIGGER tickets_keep_prior BEFORE UPDATE ON tickets WHEN NEW.import_id IS NOT OLD.import_id
BEGIN INSERT INTO prior_tickets SELECT NEW.import_id, rowid, * FROM tickets WHERE rowid = OLD.rowid; END;
CREATE TRIGGER surveys_keep_prior BEFORE UPDATE ON surveys WHEN NEW.import_id IS NOT OLD.import_id
BEGIN INSERT INTO prior_surveys SELECT NEW.import_id, rowid, * FROM surveys WHERE rowid = OLD.rowid; END;
CREATE TRIGGER customers_keep_prior BEFORE UPDATE ON customers WHEN NEW.import_id IS NOT OLD.import_id
BEGIN INSERT INTO prior_customers SELECT NEW.import_id, rowid, * FROM customers WHERE rowid = OLD.rowid; END;
CREATE TRIGGER ticket_events_keep_prior BEFORE UPDATE ON ticket_events WHEN NEW.import_id IS NOT OLD.import_id
BEGIN INSERT INTO prior_ticket_events SELECT NEW.import_id, rowid, *
    FROM ticket_events WHERE rowid = OLD.rowid; END
"""),
    (10, "what survey comments and ticket subjects say: language, sentiment, key phrases (cstool/core/text.py)", """
-- Filled on first need (services/texts.refresh_texts) for the rows whose text is not read yet.
CREATE TABLE text_facts (
    kind TEXT NOT NULL,            -- comment (surveys.comment) | subject (tickets.subject)
    row INTEGER NOT NULL,          -- the rowid in surveys or tickets
    import_id INTEGER,             -- the row's import when its text was read (a row another import wrote,
                                   -- or an undo put back, is read again)
    lang TEXT,                     -- ISO 639-1 code; NULL: undetermined
    sentiment REAL,                -- VADER compound in [-1, 1]; NULL: not scored (the language)
    PRIMARY KEY (kind, row)
) WITHOUT ROWID;
CREATE TABLE text_terms (
    kind TEXT NOT NULL, row INTEGER NOT NULL, term TEXT NOT NULL,
    PRIMARY KEY (kind, row, term)
) WITHOUT ROWID;
CREATE TABLE text_meta (key TEXT PRIMARY KEY, value TEXT)
"""),
    (11, "the never-resolved tickets in a partial index that covers the open-ticket counts", """
CREATE INDEX tickets_unresolved ON tickets(created_at, status, team, assignee, priority) WHERE resolution_at IS NULL
"""),
]

SCHEMA_VERSION = MIGRATIONS[-1][0]
