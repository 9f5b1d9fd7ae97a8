-- Projects of a portfolio; up to five public ones are featured, in order.
CREATE TABLE projects (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    slug           text NOT NULL,
    title          text NOT NULL,
    tagline        text NOT NULL DEFAULT '',
    description    text NOT NULL DEFAULT '',
    pitch_problem  text NOT NULL DEFAULT '',
    pitch_approach text NOT NULL DEFAULT '',
    pitch_result   text NOT NULL DEFAULT '',
    tech_tags      text[] NOT NULL DEFAULT '{}',
    demo_url       text NOT NULL DEFAULT '',
    repository_url text NOT NULL DEFAULT '',
    visibility     text NOT NULL DEFAULT 'draft' CHECK (visibility IN ('draft', 'public', 'unlisted')),
    featured_rank  smallint CHECK (featured_rank BETWEEN 1 AND 5),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT projects_owner_slug_key UNIQUE (owner_id, slug),
    -- Deferred so that reordering within one transaction may pass through
    -- states where two projects briefly share a rank.
    CONSTRAINT projects_owner_featured_rank_key UNIQUE (owner_id, featured_rank) DEFERRABLE INITIALLY DEFERRED,
    -- Only public projects can be featured.
    CONSTRAINT projects_featured_public CHECK (featured_rank IS NULL OR visibility = 'public')
);
-- The owner's list pages by id descending (newest first).
CREATE INDEX projects_owner_id_idx ON projects (owner_id, id DESC);

-- Responses to POSTs that carried an Idempotency-Key, replayed on a repeat.
CREATE TABLE idempotency_keys (
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key          text NOT NULL,
    request_hash bytea NOT NULL,
    status       integer NOT NULL,
    body         bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);
