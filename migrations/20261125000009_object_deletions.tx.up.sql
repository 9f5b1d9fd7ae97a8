-- Stored objects to delete, written in the same transaction as the rows
-- that named them (a project with its media and API docs, a media item),
-- so that a delete while the queue is down loses nothing: a task removes
-- them at once and a periodic task drains whatever is left.
--
-- Each row is one object folder. The folder is removed once as soon as
-- possible (removed_at), and once more after a job that was still writing
-- there when the rows went (media processing, API-docs generation) has
-- timed out; only then is the row forgotten.
CREATE TABLE object_deletions (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- One media item's or one project's API-docs folder, never more: a
    -- bad row must not turn into "delete the bucket".
    key_prefix text NOT NULL CHECK (key_prefix ~ '^(media|apidocs)/([0-9]+|[0-9a-f]{32})/$'),
    created_at timestamptz NOT NULL DEFAULT now(),
    removed_at timestamptz,
    attempts   integer NOT NULL DEFAULT 0,
    last_error text NOT NULL DEFAULT ''
);
CREATE INDEX object_deletions_created_at_idx ON object_deletions (created_at);
