-- How an owner's public pages look and which language they speak: one row
-- per owner, created on the first change (no row means the defaults). Kept
-- out of users so that its trigger, not users' profile trigger, bumps the
-- content version, which page caches, PDFs and social cards key on.
CREATE TABLE portfolio_appearance (
    owner_id   bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    -- A theme name from internal/theme; the application validates it so
    -- that a theme can be added without a migration.
    theme      text NOT NULL DEFAULT 'studio' CHECK (length(theme) BETWEEN 1 AND 32),
    -- auto follows the visitor's prefers-color-scheme.
    color_mode text NOT NULL DEFAULT 'auto' CHECK (color_mode IN ('auto', 'light', 'dark')),
    -- #rrggbb, or empty for the theme's own accent.
    accent     text NOT NULL DEFAULT '' CHECK (accent = '' OR accent ~ '^#[0-9a-f]{6}$'),
    font       text NOT NULL DEFAULT '' CHECK (length(font) <= 32),
    custom_css text NOT NULL DEFAULT '' CHECK (octet_length(custom_css) <= 20480),
    -- The public page's language (a BCP 47 tag Folio has a catalog for).
    language   text NOT NULL DEFAULT 'en' CHECK (length(language) BETWEEN 2 AND 16),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- The same bump as projects' and media's: the row names its owner_id.
CREATE TRIGGER portfolio_appearance_bump AFTER INSERT OR UPDATE OR DELETE ON portfolio_appearance
    FOR EACH ROW EXECUTE FUNCTION folio_bump_from_owner_row();
