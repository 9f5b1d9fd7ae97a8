ALTER TABLE users ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', handle || ' ' || display_name || ' ' || headline || ' ' || bio)) STORED;
ALTER TABLE projects ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', title || ' ' || tagline || ' ' || description || ' ' || folio_tags_text(tech_tags))) STORED;
CREATE INDEX users_search_idx ON users USING gin (search);
CREATE INDEX projects_search_idx ON projects USING gin (search);
CREATE INDEX projects_tech_tags_idx ON projects USING gin (tech_tags);
