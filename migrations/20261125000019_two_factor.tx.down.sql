ALTER TABLE sessions DROP COLUMN IF EXISTS authenticated_at;
DROP TABLE IF EXISTS auth_challenges;
DROP TABLE IF EXISTS webauthn_credentials;
DROP TABLE IF EXISTS webauthn_users;
DROP TABLE IF EXISTS recovery_codes;
DROP TABLE IF EXISTS totp_secrets;
