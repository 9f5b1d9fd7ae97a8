-- Explore reads explore_portfolios (migration 15) since the scale work; the
-- per-row search vectors and the tag index on projects were kept current on
-- every profile and project write and read by nothing.
DROP INDEX projects_tech_tags_idx;
ALTER TABLE projects DROP COLUMN search;
ALTER TABLE users DROP COLUMN search;
