-- Single sign-on and registration by invitation.
--
-- identities: an account's sign-in through an outside provider ("oidc" for
-- the configured OpenID Connect issuer, "github"), named by the provider's
-- stable subject, never by the email (which may change or be reused).
-- One identity signs in to one account, and an account has at most one
-- identity per provider.
CREATE TABLE identities (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider      text NOT NULL CHECK (provider ~ '^[a-z][a-z0-9_]{0,19}$'),
    subject       text NOT NULL CHECK (length(subject) BETWEEN 1 AND 255),
    -- The address the provider gave at the last sign-in, for the owner's
    -- list of connected accounts.
    email         text NOT NULL DEFAULT '' CHECK (length(email) <= 254),
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz,
    UNIQUE (provider, subject),
    UNIQUE (user_id, provider)
);

-- The state of a sign-in in progress, between the redirect to the
-- provider and its return: single use (deleted when taken), bound to the
-- browser by a cookie holding the state, and short-lived. user_id is set
-- when a signed-in owner links an identity.
CREATE TABLE sso_flows (
    state_hash bytea PRIMARY KEY CHECK (length(state_hash) = 32),
    provider   text NOT NULL,
    nonce      text NOT NULL,
    verifier   text NOT NULL,
    user_id    bigint REFERENCES users (id) ON DELETE CASCADE,
    invite     text NOT NULL DEFAULT '' CHECK (length(invite) <= 64),
    expires_at timestamptz NOT NULL
);
CREATE INDEX sso_flows_expires_idx ON sso_flows (expires_at);

-- Invitations of an invite-only instance: a single-use, expiring link sent
-- to one address. Only the SHA-256 of the token is stored. The rows go
-- with the admin who sent them and with the account made from them.
CREATE TABLE invitations (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    email      text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    invited_by bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    used_by    bigint REFERENCES users (id) ON DELETE CASCADE,
    revoked_at timestamptz
);
CREATE INDEX invitations_created_idx ON invitations (created_at DESC, id DESC);
CREATE INDEX invitations_used_by_idx ON invitations (used_by) WHERE used_by IS NOT NULL;
CREATE INDEX invitations_invited_by_idx ON invitations (invited_by);
