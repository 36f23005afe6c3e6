-- The host's store (D28). Portable SQL: the PostgreSQL migrations differ only where marked.

-- The application's state (application-scope `!save` values and webhook subscriptions): one row.
CREATE TABLE app_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    state TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- One ActiveCampaign account + one connection + one workflow.
CREATE TABLE installations (
    id TEXT PRIMARY KEY,
    workflow TEXT NOT NULL,
    auth TEXT NOT NULL,
    -- the connection's account id (`describe_connection`), as text: routes application scope
    account_id TEXT,
    -- sealed JSON: credentials, tokens, the ActiveCampaign URL and API token (PG: BYTEA)
    secrets BLOB NOT NULL,
    connection_state TEXT NOT NULL,
    workflow_state TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Webhook URLs: `/hooks/{token}`; an application-scope intake has one, without installation.
CREATE TABLE hooks (
    token TEXT PRIMARY KEY,
    intake TEXT NOT NULL,
    scope TEXT NOT NULL,
    installation_id TEXT REFERENCES installations (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);

-- Stored webhook requests, one per installation they are for: the queue.
-- (PG: `id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY`, `body BYTEA`.)
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    installation_id TEXT NOT NULL REFERENCES installations (id) ON DELETE CASCADE,
    content_type TEXT,
    query TEXT NOT NULL,
    headers TEXT NOT NULL,
    body BLOB NOT NULL,
    dedup_key TEXT NOT NULL,
    -- pending, done, dead
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    available_at BIGINT NOT NULL,
    lease_owner TEXT,
    lease_until BIGINT,
    received_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX events_by_installation ON events (installation_id, status, id);
CREATE INDEX events_ready ON events (status, available_at);

-- What became of each event (the run log).
CREATE TABLE runs (
    event_id BIGINT PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
    installation_id TEXT NOT NULL REFERENCES installations (id) ON DELETE CASCADE,
    -- received, processed, ignored, responded, failed (to be retried), dead
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    received_at BIGINT NOT NULL,
    finished_at BIGINT,
    duration_ms BIGINT,
    output TEXT,
    log TEXT,
    error TEXT,
    error_kind TEXT,
    step TEXT,
    location TEXT
);
CREATE INDEX runs_by_installation ON runs (installation_id, event_id);

-- Bodies seen per installation within the dedup window.
CREATE TABLE dedup (
    installation_id TEXT NOT NULL REFERENCES installations (id) ON DELETE CASCADE,
    dedup_key TEXT NOT NULL,
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (installation_id, dedup_key)
);
