-- Account archives: exports built by the worker and kept in the bucket
-- for a day, and imports of such archives, recorded so that importing
-- the same archive twice adds nothing the second time.
CREATE TABLE archive_exports (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The object is archives/{key}/folio-archive.zip.
    key         text NOT NULL UNIQUE CHECK (key ~ '^[0-9a-f]{32}$'),
    status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'building', 'ready', 'failed')),
    error       text NOT NULL DEFAULT '' CHECK (length(error) <= 500),
    size_bytes  bigint NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    -- The download works until then; the worker removes the object after.
    expires_at  timestamptz
);
CREATE INDEX archive_exports_owner_idx ON archive_exports (owner_id, id DESC);
CREATE INDEX archive_exports_expires_idx ON archive_exports (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE archive_imports (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The uploaded zip is archives/{key}/upload.zip until the import ends.
    key         text NOT NULL UNIQUE CHECK (key ~ '^[0-9a-f]{32}$'),
    status      text NOT NULL DEFAULT 'uploaded' CHECK (status IN ('uploaded', 'importing', 'done', 'failed')),
    error       text NOT NULL DEFAULT '' CHECK (length(error) <= 500),
    -- The archive's own id (from its manifest), once verified.
    archive_id  text NOT NULL DEFAULT '' CHECK (length(archive_id) <= 64),
    projects    integer NOT NULL DEFAULT 0,
    media       integer NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
CREATE INDEX archive_imports_owner_idx ON archive_imports (owner_id, id DESC);

-- Which project an archive's project became: a second import of the same
-- archive finds it here and skips it.
CREATE TABLE archive_import_projects (
    owner_id          bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    archive_id        text NOT NULL,
    source_project_id bigint NOT NULL,
    project_id        bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    PRIMARY KEY (owner_id, archive_id, source_project_id)
);
CREATE INDEX archive_import_projects_project_idx ON archive_import_projects (project_id);

-- Archives' folders are deleted through the object deletion ledger too.
ALTER TABLE object_deletions DROP CONSTRAINT object_deletions_key_prefix_check;
ALTER TABLE object_deletions ADD CONSTRAINT object_deletions_key_prefix_check
    CHECK (key_prefix ~ '^(media|apidocs|archives)/([0-9]+|[0-9a-f]{32})/$');
