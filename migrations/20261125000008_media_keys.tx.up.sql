-- Object keys and public URLs came from sequential ids: anyone could walk
-- /media/1/..., /media/2/..., and two databases sharing a bucket wrote to
-- the same media/1/... . Each media item now has a random public key that
-- names it in rendition URLs and, for new items, in object keys; rows keep
-- the object keys they stored.
--
-- Phases: add and backfill here (a volatile default is evaluated per
-- existing row, and also keys the rows that instances of the previous
-- release insert during a rolling deploy); the code switches to the key;
-- nothing is dropped, as numeric ids stay for the owner's API.
-- gen_random_uuid draws 122 random bits from a CSPRNG; new rows get 128
-- from the application. Both are 32 lowercase hex digits.
ALTER TABLE media ADD COLUMN public_key text NOT NULL DEFAULT replace(gen_random_uuid()::text, '-', '');
CREATE UNIQUE INDEX media_public_key_key ON media (public_key);

-- API documents live under apidocs/{key}/ with a random key per project's
-- row. Existing rows keep their folder, named by the project id. The
-- column stays nullable while instances of the previous release may insert
-- rows (they store under the project id); NULL reads as the project id. A
-- later migration sets NOT NULL.
ALTER TABLE apidocs ADD COLUMN key text;

-- Each generation's document has a key of its own, recorded with the
-- generation that made it, so that a job of a superseded request cannot
-- overwrite a newer document. NULL reads as the document's old place.
ALTER TABLE apidocs ADD COLUMN document_key text;
UPDATE apidocs SET key = project_id::text, document_key = 'apidocs/' || project_id || '/openapi.json';
