DELETE FROM object_deletions WHERE key_prefix LIKE 'archives/%';
ALTER TABLE object_deletions DROP CONSTRAINT object_deletions_key_prefix_check;
ALTER TABLE object_deletions ADD CONSTRAINT object_deletions_key_prefix_check
    CHECK (key_prefix ~ '^(media|apidocs)/([0-9]+|[0-9a-f]{32})/$');
DROP TABLE archive_import_projects;
DROP TABLE archive_imports;
DROP TABLE archive_exports;
