// The newest schema migration undone, for the upgrade tests (tests/api/backup.test.mjs,
// tests/deploy/package.test.mjs): a database "from the previous release". A new migration
// in src/store/sqlite_schema.c changes these three together.
export const LAST_MIGRATION = 11; // sign-in: second factors, session stages, county accounts
export const UNDO_LAST_MIGRATION =
  'DROP TABLE oidc_requests; DROP TABLE recovery_codes; DROP INDEX users_sso;' +
  ' ALTER TABLE users DROP COLUMN totp_secret; ALTER TABLE users DROP COLUMN totp_enrolled_at;' +
  ' ALTER TABLE users DROP COLUMN totp_last_step; ALTER TABLE users DROP COLUMN last_active_at;' +
  ' ALTER TABLE users DROP COLUMN sso_id; ALTER TABLE sessions DROP COLUMN stage;' +
  ' ALTER TABLE sessions DROP COLUMN method; ALTER TABLE agencies DROP COLUMN password_signin;';
// 1 once the migration has run again
export const LAST_MIGRATION_PRESENT = "SELECT count(*) FROM pragma_table_info('users') WHERE name = 'sso_id'";
