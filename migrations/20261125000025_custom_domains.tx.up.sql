-- Custom domains: an owner's own host names (jane.dev) that serve their
-- portfolio at the root once a DNS TXT record proves they control them.
-- A host name belongs to one owner at most (verified or not), so two
-- owners cannot race for one; the application limits each owner to a few.
CREATE TABLE custom_domains (
    id              bigserial PRIMARY KEY,
    owner_id        bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Lower-case ASCII (IDNA A-label) host name, validated by
    -- internal/customdomain.
    domain          text NOT NULL UNIQUE CHECK (length(domain) BETWEEN 4 AND 253 AND domain = lower(domain)),
    -- The value expected in the TXT record _folio-challenge.<domain>.
    token           text NOT NULL CHECK (length(token) BETWEEN 16 AND 64),
    verified_at     timestamptz,
    last_checked_at timestamptz,
    -- Why the last check failed, for the owner ("" when it passed).
    last_error      text NOT NULL DEFAULT '' CHECK (length(last_error) <= 300),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX custom_domains_owner ON custom_domains (owner_id, id);
