-- Sessions now expire after 14 idle days (and 30 days at most); sessions
-- opened under the old 30-day rule get the idle limit from now.
UPDATE sessions SET expires_at = least(expires_at, now() + interval '14 days');

-- Personal tokens carry scopes. Tokens made before scopes get none: they
-- keep working for the API but can no longer mint more tokens.
ALTER TABLE api_tokens ADD COLUMN scopes text[] NOT NULL DEFAULT '{}';

-- Browsers that logged in to an account before. A known device may still
-- log in when strangers have spent the account's failed-login ceiling.
-- Only the SHA-256 of the device cookie is stored.
CREATE TABLE known_devices (
    token_hash    bytea PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX known_devices_user_id_idx ON known_devices (user_id);
