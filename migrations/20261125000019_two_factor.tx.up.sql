-- Two factors and passkeys. Every table is the user's and goes with the
-- account (ON DELETE CASCADE).

-- The TOTP secret, sealed (AES-GCM under a key from FOLIO_SECRET_KEY, or
-- else app_secrets) and bound to its user. enabled_at is NULL while the
-- owner is enrolling: the secret is shown and not yet confirmed by a code.
-- last_step is the time step (unix time / 30) of the last accepted code:
-- a code of that step or an earlier one is a replay.
CREATE TABLE totp_secrets (
    user_id    bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    sealed     bytea NOT NULL CHECK (length(sealed) <= 256),
    enabled_at timestamptz,
    last_step  bigint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Ten single-use recovery codes per account, as SHA-256 (each has 80
-- random bits, too many to guess from the hash).
CREATE TABLE recovery_codes (
    id         bigserial PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  bytea NOT NULL CHECK (length(code_hash) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    used_at    timestamptz,
    UNIQUE (user_id, code_hash)
);

-- The WebAuthn user handle of an account: random, so a passkey does not
-- carry the account's id.
CREATE TABLE webauthn_users (
    user_id bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    handle  bytea NOT NULL UNIQUE CHECK (length(handle) BETWEEN 16 AND 64)
);

-- Passkeys. data is the go-webauthn credential record (public key, sign
-- count, flags) as JSON; name is the owner's label.
CREATE TABLE webauthn_credentials (
    id            bigserial PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id bytea NOT NULL UNIQUE CHECK (length(credential_id) <= 1023),
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    data          jsonb NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz
);
CREATE INDEX webauthn_credentials_user_idx ON webauthn_credentials (user_id);

-- Short-lived server-side state: a login waiting for its second factor
-- (kind 'login', user set) and WebAuthn ceremonies between their begin
-- and finish (kind 'passkey_*', data the challenge). Only the SHA-256 of
-- the token handed to the client is stored; each row is used once.
CREATE TABLE auth_challenges (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    kind       text NOT NULL CHECK (kind IN ('login', 'passkey_register', 'passkey_login', 'passkey_reauth')),
    user_id    bigint REFERENCES users (id) ON DELETE CASCADE,
    data       jsonb,
    failures   int NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX auth_challenges_expires_idx ON auth_challenges (expires_at);
CREATE INDEX auth_challenges_user_idx ON auth_challenges (user_id);

-- When the session's owner last proved who they are (login, second factor
-- or re-authentication): the sensitive changes need it recent.
ALTER TABLE sessions ADD COLUMN authenticated_at timestamptz NOT NULL DEFAULT now();
