-- An account's own preferences, beside users so that changing one is not
-- a profile change (users' triggers bump the content version and notify
-- the page caches; the dashboard's language changes no public page).
CREATE TABLE account_preferences (
    user_id    bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    -- The dashboard's and the account mail's language (a BCP 47 tag Folio
    -- has a catalog for; the application validates it so that a language
    -- can be added without a migration). '' follows the browser.
    language   text NOT NULL DEFAULT '' CHECK (length(language) <= 16),
    updated_at timestamptz NOT NULL DEFAULT now()
);
