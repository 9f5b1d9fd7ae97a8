DELETE FROM object_deletions WHERE key_prefix LIKE 'cards/%';
ALTER TABLE object_deletions DROP CONSTRAINT object_deletions_key_prefix_check;
ALTER TABLE object_deletions ADD CONSTRAINT object_deletions_key_prefix_check
    CHECK (key_prefix ~ '^((media|apidocs|archives)/([0-9]+|[0-9a-f]{32})|portfolio-pdf/[0-9]+-[0-9]+)/$');
