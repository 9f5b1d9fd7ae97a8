-- Privacy-first analytics (the Plausible model): no cookies, no IP. A
-- visitor id is a hash of a daily salt, the IP, the User-Agent and the
-- portfolio; the salt of a past day is destroyed, so ids cannot be linked
-- across days. Raw events live in monthly partitions dropped whole by
-- retention; daily rollups are kept for as long as the account lives.
CREATE TABLE analytics_salts (
    day  date PRIMARY KEY,
    salt bytea NOT NULL CHECK (length(salt) = 32)
);

CREATE TABLE analytics_events (
    occurred_at timestamptz NOT NULL,
    owner_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- NULL: the portfolio page itself.
    project_id  bigint REFERENCES projects (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('view', 'play', 'demo_click', 'code_click', 'docs_open')),
    -- NULL: counted anonymously (Do Not Track or Global Privacy Control).
    visitor_id  bigint,
    referrer    text NOT NULL DEFAULT '' CHECK (length(referrer) <= 253),
    source      text NOT NULL DEFAULT '' CHECK (length(source) <= 100),
    device      text NOT NULL DEFAULT '' CHECK (device IN ('', 'desktop', 'mobile', 'tablet')),
    -- For plays: 0 when it starts, then 25, 50, 75, 100 as each quarter is reached.
    progress    smallint NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100)
) PARTITION BY RANGE (occurred_at);
CREATE INDEX analytics_events_owner_time_idx ON analytics_events (owner_id, occurred_at);
CREATE INDEX analytics_events_project_idx ON analytics_events (project_id) WHERE project_id IS NOT NULL;

-- The current month and the next two exist from the start; the worker
-- keeps three months ahead.
DO $$
DECLARE
    m date := date_trunc('month', now())::date;
BEGIN
    FOR i IN 0..2 LOOP
        EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF analytics_events FOR VALUES FROM (%L) TO (%L)',
            'analytics_events_' || to_char(m + make_interval(months => i), 'YYYYMM'),
            m + make_interval(months => i), m + make_interval(months => i + 1));
    END LOOP;
END $$;

-- One row per owner, day, project (0: the portfolio page), kind and
-- breakdown (dimension '' is the total; 'referrer', 'source', 'device',
-- 'progress' split it by value).
CREATE TABLE analytics_daily (
    owner_id   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day        date NOT NULL,
    project_id bigint NOT NULL DEFAULT 0,
    kind       text NOT NULL,
    dimension  text NOT NULL DEFAULT '',
    value      text NOT NULL DEFAULT '',
    events     bigint NOT NULL,
    visitors   bigint NOT NULL,
    PRIMARY KEY (owner_id, day, project_id, kind, dimension, value)
);
CREATE INDEX analytics_daily_project_idx ON analytics_daily (project_id) WHERE project_id <> 0;

-- A deleted project takes its rollups along (project_id 0 cannot be a
-- foreign key, so a trigger does it).
CREATE FUNCTION analytics_forget_project() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM analytics_daily WHERE project_id = OLD.id;
    RETURN OLD;
END $$;
CREATE TRIGGER analytics_forget_project AFTER DELETE ON projects
    FOR EACH ROW EXECUTE FUNCTION analytics_forget_project();
