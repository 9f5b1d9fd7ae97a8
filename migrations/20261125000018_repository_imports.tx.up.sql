-- Projects started from a repository: each import, queued for the worker,
-- and what it found (shown beside the draft it made for review).
CREATE TABLE repository_imports (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    repository_url text NOT NULL CHECK (length(repository_url) <= 2000),
    status         text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    error          text NOT NULL DEFAULT '',
    -- The draft; NULL before it exists, and once the owner deletes it.
    project_id     bigint REFERENCES projects (id) ON DELETE SET NULL,
    license        text NOT NULL DEFAULT '',
    languages      jsonb NOT NULL DEFAULT '[]',
    homepage       text NOT NULL DEFAULT '',
    api_docs       text NOT NULL DEFAULT '',
    notes          text[] NOT NULL DEFAULT '{}',
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    finished_at    timestamptz
);
-- The owner's list, newest first, and the count of their active imports.
CREATE INDEX repository_imports_owner_idx ON repository_imports (owner_id, id DESC);
CREATE INDEX repository_imports_active_idx ON repository_imports (owner_id) WHERE status IN ('queued', 'running');
-- A deleted draft's foreign key is cleared through this index.
CREATE INDEX repository_imports_project_idx ON repository_imports (project_id) WHERE project_id IS NOT NULL;
