CREATE INDEX demo_checks_project_time_idx ON demo_checks (project_id, checked_at DESC);
DROP INDEX demo_checks_project_time_up_idx;

DROP TRIGGER users_pages_notify_delete ON users;
DROP TRIGGER users_pages_notify ON users;
DROP FUNCTION folio_pages_notify();

DROP TRIGGER users_explore_update ON users;
DROP FUNCTION folio_explore_from_users();
DROP TRIGGER projects_explore_delete ON projects;
DROP TRIGGER projects_explore_update ON projects;
DROP TRIGGER projects_explore_insert ON projects;
DROP FUNCTION folio_explore_from_projects();
DROP FUNCTION folio_explore_refresh(bigint[]);
DROP TABLE explore_portfolios;
