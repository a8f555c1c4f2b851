// The newest schema migration undone, for the upgrade tests (tests/api/backup.test.mjs,
// tests/deploy/package.test.mjs): a database "from the previous release". A new migration
// in src/store/sqlite_schema.c changes these three together.
export const LAST_MIGRATION = 18; // PostgreSQL's audit rows linked after commit (issue 20)
// SQLite's 18 changes nothing (only PostgreSQL's audit table changes): nothing to undo
// but the version number, which the tests set
export const UNDO_LAST_MIGRATION = '';
// 1 once the migration has run again
export const LAST_MIGRATION_PRESENT = 'SELECT user_version = 18 FROM pragma_user_version';
