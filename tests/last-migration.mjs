// The newest schema migration undone, for the upgrade tests (tests/api/backup.test.mjs,
// tests/deploy/package.test.mjs): a database "from the previous release". A new migration
// in src/store/sqlite_schema.c changes these three together.
export const LAST_MIGRATION = 15; // the derived steps kept beside each case (issue 21)
export const UNDO_LAST_MIGRATION = 'DROP TABLE case_derived;';
// 1 once the migration has run again
export const LAST_MIGRATION_PRESENT = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'case_derived'";
