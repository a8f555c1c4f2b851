// The newest schema migration undone, for the upgrade tests (tests/api/backup.test.mjs,
// tests/deploy/package.test.mjs): a database "from the previous release". A new migration
// in src/store/sqlite_schema.c changes these three together.
export const LAST_MIGRATION = 13; // per-youth data keys, sealing, retention holds
export const UNDO_LAST_MIGRATION =
  'DROP TABLE case_holds; ALTER TABLE youth DROP COLUMN sealed_why;' +
  ' ALTER TABLE youth DROP COLUMN sealed_at; DROP TABLE youth_keys;';
// 1 once the migration has run again
export const LAST_MIGRATION_PRESENT = "SELECT count(*) FROM sqlite_schema WHERE name = 'case_holds'";
