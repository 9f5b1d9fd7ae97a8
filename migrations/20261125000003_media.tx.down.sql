ALTER TABLE users DROP COLUMN avatar_media_id;
DROP TABLE renditions;
DROP TABLE media;
