DROP TRIGGER users_first_admin ON users;
DROP FUNCTION folio_first_admin();

DROP TRIGGER users_explore_update ON users;
CREATE TRIGGER users_explore_update AFTER UPDATE ON users FOR EACH ROW
    WHEN ((NEW.handle, NEW.display_name, NEW.headline, NEW.bio) IS DISTINCT FROM (OLD.handle, OLD.display_name, OLD.headline, OLD.bio))
    EXECUTE FUNCTION folio_explore_from_users();
CREATE OR REPLACE FUNCTION folio_explore_refresh(owners bigint[]) RETURNS void LANGUAGE sql AS $$
    DELETE FROM explore_portfolios e WHERE e.user_id = ANY (owners) AND NOT EXISTS (
        SELECT 1 FROM projects p WHERE p.owner_id = e.user_id AND p.visibility = 'public');
    INSERT INTO explore_portfolios AS e (user_id, handle, display_name, headline, tags, tags_lower, search, public_projects, updated_at)
    SELECT u.id, u.handle, u.display_name, u.headline,
           ARRAY(SELECT DISTINCT t FROM projects p, unnest(p.tech_tags) t
                 WHERE p.owner_id = u.id AND p.visibility = 'public' ORDER BY t LIMIT 8),
           ARRAY(SELECT DISTINCT lower(t) FROM projects p, unnest(p.tech_tags) t
                 WHERE p.owner_id = u.id AND p.visibility = 'public'),
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
SELECT folio_explore_refresh(ARRAY(SELECT DISTINCT owner_id FROM projects WHERE visibility = 'public'));

CREATE OR REPLACE FUNCTION folio_bump_profile() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.handle, NEW.display_name, NEW.headline, NEW.bio, NEW.location, NEW.website_url,
        NEW.github_url, NEW.linkedin_url, NEW.show_email, NEW.avatar_media_id)
       IS DISTINCT FROM
       (OLD.handle, OLD.display_name, OLD.headline, OLD.bio, OLD.location, OLD.website_url,
        OLD.github_url, OLD.linkedin_url, OLD.show_email, OLD.avatar_media_id) THEN
        NEW.content_version := OLD.content_version + 1;
    END IF;
    RETURN NEW;
END $$;

DROP TRIGGER api_tokens_refuse_suspended ON api_tokens;
DROP TRIGGER sessions_refuse_suspended ON sessions;
DROP FUNCTION folio_refuse_suspended();
DROP INDEX users_suspended_idx;
ALTER TABLE users DROP COLUMN suspended_at;

ALTER TABLE sessions DROP COLUMN last_seen_at;
ALTER TABLE sessions DROP COLUMN device;
ALTER TABLE sessions DROP COLUMN id;

DROP TABLE audit_events;
