ALTER TABLE apidocs DROP COLUMN document_key, DROP COLUMN key;
DROP INDEX media_public_key_key;
ALTER TABLE media DROP COLUMN public_key;
