-- The notification outbox: a row is written in the same transaction as the
-- change that causes it, and the worker delivers it (email or webhook),
-- retrying with backoff. dedupe_key is unique, so a cause recorded twice
-- (a retried job, a redelivered task) sends nothing twice.
CREATE TABLE notifications (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id        bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind            text NOT NULL CHECK (kind ~ '^[a-z_]{1,40}$'),
    -- 'email' or 'webhook'; target is the address (account mail may go to
    -- an address other than the account's, e.g. a new one to confirm) or
    -- the webhook endpoint's id.
    channel         text NOT NULL CHECK (channel IN ('email', 'webhook')),
    target          text NOT NULL DEFAULT '' CHECK (length(target) <= 254),
    dedupe_key      text NOT NULL UNIQUE CHECK (length(dedupe_key) <= 200),
    -- What the message says, by kind (never a secret that outlives the
    -- message, such as a token's hash).
    payload         jsonb NOT NULL DEFAULT '{}',
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text NOT NULL DEFAULT '' CHECK (length(last_error) <= 1000),
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE INDEX notifications_due_idx ON notifications (next_attempt_at) WHERE status = 'pending';
CREATE INDEX notifications_owner_idx ON notifications (owner_id, id DESC);

-- Notifications are mailed only to a verified address. Accounts made
-- before verification existed keep getting mail: they are taken as
-- verified.
ALTER TABLE users ADD COLUMN email_verified_at timestamptz;
UPDATE users SET email_verified_at = created_at;
