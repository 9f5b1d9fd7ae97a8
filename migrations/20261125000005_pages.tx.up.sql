-- Public pages are cached by content version: any change to what a
-- portfolio shows bumps its owner's version, here in the database, so that
-- the API, the worker and any future writer invalidate alike.
ALTER TABLE users ADD COLUMN content_version bigint NOT NULL DEFAULT 0;

CREATE FUNCTION folio_bump_owner(owner bigint) RETURNS void LANGUAGE sql AS $$
    UPDATE users SET content_version = content_version + 1 WHERE id = owner;
$$;

CREATE FUNCTION folio_bump_profile() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE TRIGGER users_bump_profile BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION folio_bump_profile();

CREATE FUNCTION folio_bump_from_owner_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM folio_bump_owner(OLD.owner_id);
        RETURN OLD;
    END IF;
    PERFORM folio_bump_owner(NEW.owner_id);
    RETURN NEW;
END $$;
CREATE TRIGGER projects_bump AFTER INSERT OR UPDATE OR DELETE ON projects FOR EACH ROW EXECUTE FUNCTION folio_bump_from_owner_row();
CREATE TRIGGER media_bump AFTER INSERT OR UPDATE OR DELETE ON media FOR EACH ROW EXECUTE FUNCTION folio_bump_from_owner_row();

-- A demo going up or down changes its badge; a check that changes nothing
-- does not (the page's short cache lifetime keeps "checked N min ago" fresh).
CREATE FUNCTION folio_bump_from_demo() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM folio_bump_owner((SELECT owner_id FROM projects WHERE id = NEW.project_id));
    RETURN NEW;
END $$;
CREATE TRIGGER demo_status_bump_insert AFTER INSERT ON demo_status FOR EACH ROW EXECUTE FUNCTION folio_bump_from_demo();
CREATE TRIGGER demo_status_bump_update AFTER UPDATE ON demo_status FOR EACH ROW
    WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION folio_bump_from_demo();

-- Explore: full-text search over profiles and public projects, and tags.
-- array_to_string is only STABLE in general; for text[] it cannot change.
CREATE FUNCTION folio_tags_text(tags text[]) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_to_string(tags, ' ');
$$;
ALTER TABLE users ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', handle || ' ' || display_name || ' ' || headline || ' ' || bio)) STORED;
ALTER TABLE projects ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', title || ' ' || tagline || ' ' || description || ' ' || folio_tags_text(tech_tags))) STORED;
CREATE INDEX users_search_idx ON users USING gin (search);
CREATE INDEX projects_search_idx ON projects USING gin (search);
CREATE INDEX projects_tech_tags_idx ON projects USING gin (tech_tags);
