-- Single-use tokens of the account email flows: verifying an address,
-- resetting a password, confirming a new address. Only the SHA-256 of a
-- token is stored, so a leaked database holds no working link. email is
-- the address the link was sent to: the one to verify, or the new one of
-- an email change.
CREATE TABLE account_tokens (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    text NOT NULL CHECK (purpose IN ('verify_email', 'password_reset', 'email_change')),
    email      text NOT NULL CHECK (length(email) <= 254),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    -- Set when the token is used, or voided by a later change (a reset
    -- voids every open token of the account); a used token never works.
    used_at    timestamptz
);
CREATE INDEX account_tokens_user_idx ON account_tokens (user_id, purpose) WHERE used_at IS NULL;
CREATE INDEX account_tokens_expires_idx ON account_tokens (expires_at);
