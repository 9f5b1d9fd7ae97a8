DROP TRIGGER IF EXISTS analytics_forget_project ON projects;
DROP FUNCTION IF EXISTS analytics_forget_project();
DROP TABLE IF EXISTS analytics_daily;
DROP TABLE IF EXISTS analytics_events;
DROP TABLE IF EXISTS analytics_salts;
