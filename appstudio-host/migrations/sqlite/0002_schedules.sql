-- The scheduler (D28): polling cycles and historical syncs, run as events of their own.

-- What an event is: a webhook request, a polling cycle (`poll`) or a historical sync
-- (`historical`); the last two have an empty request.
ALTER TABLE events ADD COLUMN source TEXT NOT NULL DEFAULT 'webhook';

-- One row per installation and kind (`poll`, `historical`).
CREATE TABLE schedules (
    installation_id TEXT NOT NULL REFERENCES installations (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    -- the import option the user chose (`single`, `recurring`); NULL: the first offered
    import TEXT,
    -- when it is due (ms since the epoch, by the scheduler's clock); NULL: nothing left to run
    next_at BIGINT,
    -- the event queued for it and not finished yet: it is not queued again meanwhile
    queued_event BIGINT,
    PRIMARY KEY (installation_id, kind)
);
CREATE INDEX schedules_due ON schedules (next_at);

-- Dedup keys past the window are pruned by time.
CREATE INDEX dedup_by_time ON dedup (seen_at);
