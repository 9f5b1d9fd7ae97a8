-- Live demo checks: raw results for 30 days, one status row per project
-- (so the current state and its last change are one lookup), and events
-- the owner sees when a demo stays down.
CREATE TABLE demo_checks (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    checked_at  timestamptz NOT NULL,
    up          boolean NOT NULL,
    status_code integer NOT NULL DEFAULT 0,
    latency_ms  integer NOT NULL DEFAULT 0,
    final_url   text NOT NULL DEFAULT '',
    error_class text NOT NULL DEFAULT '',
    error       text NOT NULL DEFAULT ''
);
-- Uptime over 24 h and 7 d and the recent history read one project's
-- newest rows; pruning reads by time.
CREATE INDEX demo_checks_project_time_idx ON demo_checks (project_id, checked_at DESC);
CREATE INDEX demo_checks_checked_at_idx ON demo_checks (checked_at);

CREATE TABLE demo_status (
    project_id        bigint PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    state             text NOT NULL CHECK (state IN ('up', 'down')),
    since             timestamptz NOT NULL,
    last_checked_at   timestamptz NOT NULL,
    consecutive_fails integer NOT NULL DEFAULT 0,
    last_error        text NOT NULL DEFAULT ''
);

CREATE TABLE demo_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    kind       text NOT NULL CHECK (kind IN ('down', 'recovered')),
    message    text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX demo_events_project_idx ON demo_events (project_id, id DESC);
