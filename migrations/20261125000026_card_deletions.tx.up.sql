-- An account's social cards (cards/{user id}-{created unix}/) are deleted
-- with the account through the object deletion ledger.
ALTER TABLE object_deletions DROP CONSTRAINT object_deletions_key_prefix_check;
ALTER TABLE object_deletions ADD CONSTRAINT object_deletions_key_prefix_check
    CHECK (key_prefix ~ '^((media|apidocs|archives)/([0-9]+|[0-9a-f]{32})|(portfolio-pdf|cards)/[0-9]+-[0-9]+)/$');
