// The newest schema migration undone, for the upgrade tests (tests/api/backup.test.mjs,
// tests/deploy/package.test.mjs): a database "from the previous release". A new migration
// in src/store/sqlite_schema.c changes these three together.
export const LAST_MIGRATION = 14; // events' Idempotency-Keys (issue 24)
export const UNDO_LAST_MIGRATION = 'ALTER TABLE idempotency DROP COLUMN event_id;';
// 1 once the migration has run again
export const LAST_MIGRATION_PRESENT = "SELECT count(*) FROM pragma_table_info('idempotency') WHERE name = 'event_id'";
