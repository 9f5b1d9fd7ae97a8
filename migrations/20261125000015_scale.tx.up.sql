-- Explore and the sitemap read one row per public portfolio instead of
-- joining every project on every request: the portfolio's profile, the
-- text of its public projects as one tsvector, its tags lower-cased (for
-- the tag filter) and as shown, and how many public projects it has (for
-- splitting the sitemap by URL count). Statement-level triggers keep it
-- current, so a bulk insert refreshes each owner once.
CREATE TABLE explore_portfolios (
    user_id         bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    handle          text NOT NULL,
    display_name    text NOT NULL,
    headline        text NOT NULL,
    tags            text[] NOT NULL,  -- up to 8 distinct tags, sorted, as written
    tags_lower      text[] NOT NULL,  -- every distinct tag, lower-cased
    search          tsvector NOT NULL,
    public_projects integer NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE INDEX explore_portfolios_search_idx ON explore_portfolios USING gin (search);
CREATE INDEX explore_portfolios_tags_idx ON explore_portfolios USING gin (tags_lower);
-- The sitemap pages by user id reading only the index.
CREATE INDEX explore_portfolios_sitemap_idx ON explore_portfolios (user_id) INCLUDE (public_projects);

-- folio_explore_refresh recomputes the rows of the given owners: an owner
-- without a public project has none.
CREATE FUNCTION folio_explore_refresh(owners bigint[]) RETURNS void LANGUAGE sql AS $$
    DELETE FROM explore_portfolios e WHERE e.user_id = ANY (owners) AND NOT EXISTS (
        SELECT 1 FROM projects p WHERE p.owner_id = e.user_id AND p.visibility = 'public');
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
    WHERE u.id = ANY (owners) AND EXISTS (SELECT 1 FROM projects p WHERE p.owner_id = u.id AND p.visibility = 'public')
    ON CONFLICT (user_id) DO UPDATE SET handle = EXCLUDED.handle, display_name = EXCLUDED.display_name,
        headline = EXCLUDED.headline, tags = EXCLUDED.tags, tags_lower = EXCLUDED.tags_lower, search = EXCLUDED.search,
        public_projects = EXCLUDED.public_projects, updated_at = EXCLUDED.updated_at;
$$;

CREATE FUNCTION folio_explore_from_projects() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM folio_explore_refresh(ARRAY(SELECT DISTINCT owner_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM folio_explore_refresh(ARRAY(SELECT DISTINCT owner_id FROM old_rows));
    ELSE
        PERFORM folio_explore_refresh(ARRAY(SELECT owner_id FROM new_rows UNION SELECT owner_id FROM old_rows));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER projects_explore_insert AFTER INSERT ON projects REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION folio_explore_from_projects();
CREATE TRIGGER projects_explore_update AFTER UPDATE ON projects REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION folio_explore_from_projects();
CREATE TRIGGER projects_explore_delete AFTER DELETE ON projects REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION folio_explore_from_projects();

-- A profile change shows in explore; a content_version bump alone (one
-- per project change) needs no refresh, and the WHEN keeps it cheap.
CREATE FUNCTION folio_explore_from_users() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM folio_explore_refresh(ARRAY[NEW.id]);
    RETURN NULL;
END $$;
CREATE TRIGGER users_explore_update AFTER UPDATE ON users FOR EACH ROW
    WHEN ((NEW.handle, NEW.display_name, NEW.headline, NEW.bio) IS DISTINCT FROM (OLD.handle, OLD.display_name, OLD.headline, OLD.bio))
    EXECUTE FUNCTION folio_explore_from_users();

SELECT folio_explore_refresh(ARRAY(SELECT DISTINCT owner_id FROM projects WHERE visibility = 'public'));

-- Public pages are cached in Redis by canonical path; every serving
-- process listens here and drops an owner's pages when their content
-- version moves (whoever made the change: API, worker or psql), or their
-- handle changes or they are deleted. The payload is
-- "<user id> <old handle> <new handle>", lower-cased.
CREATE FUNCTION folio_pages_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('folio_pages', OLD.id || ' ' || lower(OLD.handle) || ' ' || lower(OLD.handle));
        RETURN OLD;
    END IF;
    PERFORM pg_notify('folio_pages', NEW.id || ' ' || lower(OLD.handle) || ' ' || lower(NEW.handle));
    RETURN NEW;
END $$;
CREATE TRIGGER users_pages_notify AFTER UPDATE ON users FOR EACH ROW
    WHEN (OLD.content_version IS DISTINCT FROM NEW.content_version OR OLD.handle IS DISTINCT FROM NEW.handle)
    EXECUTE FUNCTION folio_pages_notify();
CREATE TRIGGER users_pages_notify_delete AFTER DELETE ON users FOR EACH ROW EXECUTE FUNCTION folio_pages_notify();

-- The demo uptime (avg(up) over a window) reads the index alone.
CREATE INDEX demo_checks_project_time_up_idx ON demo_checks (project_id, checked_at DESC) INCLUDE (up);
DROP INDEX demo_checks_project_time_idx;
