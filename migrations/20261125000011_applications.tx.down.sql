DROP INDEX IF EXISTS analytics_events_share_link_idx;
ALTER TABLE analytics_events DROP COLUMN IF EXISTS share_link_id;
DROP TABLE IF EXISTS calendar_feeds;
DROP TABLE IF EXISTS share_links;
DROP TABLE IF EXISTS application_events;
DROP TABLE IF EXISTS applications;
