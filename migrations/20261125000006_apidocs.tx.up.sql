-- Generated API docs, one document per project.
CREATE TABLE apidocs (
    project_id  bigint PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    source      text NOT NULL CHECK (source IN ('spec', 'zip', 'tar.gz', 'repository')),
    -- Bumped by every new request, so a job that finds it changed runs again.
    generation  bigint NOT NULL DEFAULT 1,
    status      text NOT NULL CHECK (status IN ('pending', 'generating', 'ready', 'failed')),
    error       text NOT NULL DEFAULT '',
    title       text NOT NULL DEFAULT '',
    api_version text NOT NULL DEFAULT '',
    operations  integer NOT NULL DEFAULT 0,
    tags        text[] NOT NULL DEFAULT '{}',
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER apidocs_bump AFTER INSERT OR UPDATE ON apidocs FOR EACH ROW EXECUTE FUNCTION folio_bump_from_demo();
