DROP TABLE known_devices;
ALTER TABLE api_tokens DROP COLUMN scopes;
