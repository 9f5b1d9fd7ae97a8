DROP TABLE demo_events;
DROP TABLE demo_status;
DROP TABLE demo_checks;
