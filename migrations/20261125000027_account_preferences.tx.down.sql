DROP TABLE account_preferences;
