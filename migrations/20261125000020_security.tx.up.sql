-- Sessions and administration: the security audit log, suspended
-- accounts, what the sessions list shows, and exactly one first admin.

-- The audit log (internal/audit). No IP address is kept: device is the
-- summary of the User-Agent ("Firefox 128 on Linux"). An entry about an
-- account's own activity names it in user_id and goes with it when the
-- account is deleted; an administrator's action on an account, and an
-- account's deletion, name it in target_id, which is nulled instead, so
-- what administrators did stays on record without naming who has left.
-- A failed sign-in with an email no account has names nobody. Entries
-- are pruned after a year by the worker (audit:prune, daily).
CREATE TABLE audit_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint REFERENCES users (id) ON DELETE CASCADE,
    target_id  bigint REFERENCES users (id) ON DELETE SET NULL,
    actor_id   bigint REFERENCES users (id) ON DELETE SET NULL,
    kind       text NOT NULL CHECK (kind ~ '^[a-z0-9_]{1,40}$'),
    detail     jsonb NOT NULL DEFAULT '{}' CHECK (octet_length(detail::text) <= 4096),
    device     text NOT NULL DEFAULT '' CHECK (length(device) <= 100),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_events_user_idx ON audit_events (user_id, id) WHERE user_id IS NOT NULL;
CREATE INDEX audit_events_target_idx ON audit_events (target_id, id) WHERE target_id IS NOT NULL;
CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, id) WHERE actor_id IS NOT NULL;
CREATE INDEX audit_events_created_idx ON audit_events (created_at);

-- The sessions list: an id to name a session by (its token hash is never
-- shown), the device it was last used from and when, written at most once
-- a minute per session.
ALTER TABLE sessions ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE sessions ADD CONSTRAINT sessions_id_key UNIQUE (id);
ALTER TABLE sessions ADD COLUMN device text NOT NULL DEFAULT '' CHECK (length(device) <= 100);
ALTER TABLE sessions ADD COLUMN last_seen_at timestamptz;

-- A suspended account cannot sign in, and its portfolio is gone from the
-- public site until an administrator lifts the suspension.
ALTER TABLE users ADD COLUMN suspended_at timestamptz;
CREATE INDEX users_suspended_idx ON users (id) WHERE suspended_at IS NOT NULL;

-- No session or API token is ever made for a suspended account, whatever
-- path signs in. FOR SHARE orders a sign-in against a suspension: one in
-- progress is waited for (and then refuses this), and one that starts
-- later waits for this insert, whose session its DELETE then ends.
CREATE FUNCTION folio_refuse_suspended() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    suspended timestamptz;
BEGIN
    SELECT u.suspended_at INTO suspended FROM users u WHERE u.id = NEW.user_id FOR SHARE;
    IF suspended IS NOT NULL THEN
        RAISE EXCEPTION 'account % is suspended', NEW.user_id USING ERRCODE = 'FO001';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER sessions_refuse_suspended BEFORE INSERT ON sessions FOR EACH ROW EXECUTE FUNCTION folio_refuse_suspended();
CREATE TRIGGER api_tokens_refuse_suspended BEFORE INSERT ON api_tokens FOR EACH ROW EXECUTE FUNCTION folio_refuse_suspended();

-- Suspending or unsuspending moves the content version, so every process
-- drops the portfolio's cached pages (folio_pages_notify).
CREATE OR REPLACE FUNCTION folio_bump_profile() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.handle, NEW.display_name, NEW.headline, NEW.bio, NEW.location, NEW.website_url,
        NEW.github_url, NEW.linkedin_url, NEW.show_email, NEW.avatar_media_id, NEW.suspended_at)
       IS DISTINCT FROM
       (OLD.handle, OLD.display_name, OLD.headline, OLD.bio, OLD.location, OLD.website_url,
        OLD.github_url, OLD.linkedin_url, OLD.show_email, OLD.avatar_media_id, OLD.suspended_at) THEN
        NEW.content_version := OLD.content_version + 1;
    END IF;
    RETURN NEW;
END $$;

-- Explore and the sitemap list no suspended portfolio.
CREATE OR REPLACE FUNCTION folio_explore_refresh(owners bigint[]) RETURNS void LANGUAGE sql AS $$
    DELETE FROM explore_portfolios e WHERE e.user_id = ANY (owners) AND (NOT EXISTS (
        SELECT 1 FROM projects p WHERE p.owner_id = e.user_id AND p.visibility = 'public')
        OR EXISTS (SELECT 1 FROM users u WHERE u.id = e.user_id AND u.suspended_at IS NOT NULL));
    INSERT INTO explore_portfolios AS e (user_id, handle, display_name, headline, tags, tags_lower, search, public_projects, updated_at)
    SELECT u.id, u.handle, u.display_name, u.headline,
           ARRAY(SELECT DISTINCT t FROM projects p, unnest(p.tech_tags) t
                 WHERE p.owner_id = u.id AND p.visibility = 'public' ORDER BY t LIMIT 8),
           ARRAY(SELECT DISTINCT lower(t) FROM projects p, unnest(p.tech_tags) t
                 WHERE p.owner_id = u.id AND p.visibility = 'public'),
           -- Capped: a tsvector holds at most 1 MB, and no search needs more.
           to_tsvector('simple', left(u.handle || ' ' || u.display_name || ' ' || u.headline || ' ' || u.bio || ' ' ||
               coalesce((SELECT string_agg(p.title || ' ' || p.tagline || ' ' || p.description || ' ' || folio_tags_text(p.tech_tags), ' ' ORDER BY p.id)
                         FROM projects p WHERE p.owner_id = u.id AND p.visibility = 'public'), ''), 200000)),
           (SELECT count(*) FROM projects p WHERE p.owner_id = u.id AND p.visibility = 'public'),
           greatest(u.updated_at, (SELECT max(p.updated_at) FROM projects p WHERE p.owner_id = u.id AND p.visibility = 'public'))
    FROM users u
    WHERE u.id = ANY (owners) AND u.suspended_at IS NULL
      AND EXISTS (SELECT 1 FROM projects p WHERE p.owner_id = u.id AND p.visibility = 'public')
    ON CONFLICT (user_id) DO UPDATE SET handle = EXCLUDED.handle, display_name = EXCLUDED.display_name,
        headline = EXCLUDED.headline, tags = EXCLUDED.tags, tags_lower = EXCLUDED.tags_lower, search = EXCLUDED.search,
        public_projects = EXCLUDED.public_projects, updated_at = EXCLUDED.updated_at;
$$;
DROP TRIGGER users_explore_update ON users;
CREATE TRIGGER users_explore_update AFTER UPDATE ON users FOR EACH ROW
    WHEN ((NEW.handle, NEW.display_name, NEW.headline, NEW.bio, NEW.suspended_at) IS DISTINCT FROM (OLD.handle, OLD.display_name, OLD.headline, OLD.bio, OLD.suspended_at))
    EXECUTE FUNCTION folio_explore_from_users();

-- Exactly one first admin. The first account of an installation
-- administers it; two sign-ups at once used to both see an empty table.
-- While the table looks empty, an insert takes a transaction lock and
-- looks again: a trigger function's queries each take a fresh snapshot,
-- so the second of two racing sign-ups sees the first once it commits.
-- Once any account exists no lock is taken.
CREATE FUNCTION folio_first_admin() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM users) THEN
        PERFORM pg_advisory_xact_lock(hashtext('folio_first_admin'));
        NEW.is_admin := NOT EXISTS (SELECT 1 FROM users);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER users_first_admin BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION folio_first_admin();
