DROP TABLE IF EXISTS app_secrets;
DROP TABLE IF EXISTS notification_preferences;
DROP TABLE IF EXISTS notification_deliveries;
DROP TABLE IF EXISTS webhooks;
