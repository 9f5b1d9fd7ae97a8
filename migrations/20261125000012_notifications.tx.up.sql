-- The notification outbox: one row per cause, written in the same
-- transaction as the change that causes it (a demo going down, a failed
-- screencast, a password reset requested). The worker fans each row out
-- into deliveries (notification_deliveries, next migration): by the
-- owner's preferences, email to the verified account address and each
-- enabled webhook. dedupe_key is unique, so a cause recorded twice (a
-- retried job, a redelivered task) sends nothing twice.
CREATE TABLE notifications (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind          text NOT NULL CHECK (kind ~ '^[a-z_]{1,40}$'),
    -- '' : delivered by the owner's preferences. 'email': account mail,
    -- sent to target (or the account's address when target is empty)
    -- whatever the preferences, e.g. a new address to confirm.
    channel       text NOT NULL DEFAULT '' CHECK (channel IN ('', 'email')),
    target        text NOT NULL DEFAULT '' CHECK (length(target) <= 254),
    dedupe_key    text NOT NULL UNIQUE CHECK (length(dedupe_key) <= 200),
    -- What the message says, by kind (never a secret that outlives the
    -- message, such as a token's hash).
    payload       jsonb NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL DEFAULT now(),
    -- Set once the deliveries are written.
    fanned_out_at timestamptz
);
CREATE INDEX notifications_pending_idx ON notifications (id) WHERE fanned_out_at IS NULL;
CREATE INDEX notifications_owner_idx ON notifications (owner_id, id DESC);

-- Notifications are mailed only to a verified address. Accounts made
-- before verification existed keep getting mail: they are taken as
-- verified.
ALTER TABLE users ADD COLUMN email_verified_at timestamptz;
UPDATE users SET email_verified_at = created_at;
