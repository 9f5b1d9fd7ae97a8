-- Webhook endpoints an owner adds. The signing secret is kept sealed
-- (AES-GCM under a key from FOLIO_SECRET_KEY, or else app_secrets), so
-- a dump of this table alone does not let anyone forge deliveries.
CREATE TABLE webhooks (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    url           text NOT NULL CHECK (url LIKE 'https://%' AND length(url) <= 2000),
    format        text NOT NULL DEFAULT 'json' CHECK (format IN ('json', 'slack', 'discord')),
    description   text NOT NULL DEFAULT '' CHECK (length(description) <= 100),
    secret_sealed bytea NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_owner_idx ON webhooks (owner_id, id);

-- One delivery per notification and destination, retried on its own:
-- a webhook that is down never holds back the email.
CREATE TABLE notification_deliveries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    notification_id bigint NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    owner_id        bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    channel         text NOT NULL CHECK (channel IN ('email', 'webhook')),
    -- The address for email; webhook_id for webhooks (a deleted
    -- endpoint takes its deliveries with it).
    target          text NOT NULL DEFAULT '' CHECK (length(target) <= 254),
    webhook_id      bigint REFERENCES webhooks (id) ON DELETE CASCADE,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text NOT NULL DEFAULT '' CHECK (length(last_error) <= 1000),
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    CHECK ((channel = 'webhook') = (webhook_id IS NOT NULL))
);
CREATE UNIQUE INDEX notification_deliveries_once_idx ON notification_deliveries (notification_id, channel, target, coalesce(webhook_id, 0));
CREATE INDEX notification_deliveries_due_idx ON notification_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX notification_deliveries_owner_idx ON notification_deliveries (owner_id, id DESC);

-- Per kind and channel, what the owner changed from the defaults.
CREATE TABLE notification_preferences (
    owner_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind     text NOT NULL CHECK (kind ~ '^[a-z_]{1,40}$'),
    channel  text NOT NULL CHECK (channel IN ('email', 'webhook')),
    enabled  boolean NOT NULL,
    PRIMARY KEY (owner_id, kind, channel)
);

-- Keys Folio makes for itself when the operator gives none (see
-- FOLIO_SECRET_KEY): better than no key, but kept in the database.
CREATE TABLE app_secrets (
    name       text PRIMARY KEY,
    value      bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
