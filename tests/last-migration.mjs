// The newest schema migration undone, for the upgrade tests (tests/api/backup.test.mjs,
// tests/deploy/package.test.mjs): a database "from the previous release". A new migration
// in src/store/sqlite_schema.c changes these three together.
export const LAST_MIGRATION = 12; // the agenda's calendar feeds and hearings by time
export const UNDO_LAST_MIGRATION = 'DROP TABLE calendar_feeds; DROP INDEX hearings_at;';
// 1 once the migration has run again
export const LAST_MIGRATION_PRESENT = "SELECT count(*) FROM sqlite_schema WHERE name = 'calendar_feeds'";
