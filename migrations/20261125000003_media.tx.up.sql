-- Uploaded screencasts, screenshots and avatars, and what the worker makes
-- of them. Bytes live in object storage under media/{id}/; rows hold keys.
CREATE TABLE media (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    project_id       bigint REFERENCES projects (id) ON DELETE CASCADE,
    kind             text NOT NULL CHECK (kind IN ('screencast', 'screenshot', 'avatar')),
    status           text NOT NULL CHECK (status IN ('uploading', 'uploaded', 'processing', 'ready', 'failed')),
    error            text NOT NULL DEFAULT '',
    filename         text NOT NULL DEFAULT '',
    content_type     text NOT NULL DEFAULT '',
    size_bytes       bigint NOT NULL DEFAULT 0,
    original_key     text NOT NULL,
    upload_id        text NOT NULL DEFAULT '',
    duration_seconds double precision NOT NULL DEFAULT 0,
    width            integer NOT NULL DEFAULT 0,
    height           integer NOT NULL DEFAULT 0,
    video_codec      text NOT NULL DEFAULT '',
    audio_codec      text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'avatar') = (project_id IS NULL))
);
CREATE INDEX media_project_id_idx ON media (project_id, id);
CREATE INDEX media_owner_id_idx ON media (owner_id, id);
-- The cleanup task looks for multipart uploads left behind.
CREATE INDEX media_uploading_idx ON media (updated_at) WHERE status = 'uploading';

CREATE TABLE renditions (
    media_id     bigint NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    name         text NOT NULL,
    key          text NOT NULL,
    content_type text NOT NULL,
    size_bytes   bigint NOT NULL,
    width        integer NOT NULL DEFAULT 0,
    height       integer NOT NULL DEFAULT 0,
    PRIMARY KEY (media_id, name)
);

ALTER TABLE users ADD COLUMN avatar_media_id bigint REFERENCES media (id) ON DELETE SET NULL;
