// The newest schema migration undone, for the upgrade tests (tests/api/backup.test.mjs,
// tests/deploy/package.test.mjs): a database "from the previous release". A new migration
// in src/store/sqlite_schema.c changes these three together.
export const LAST_MIGRATION = 16; // the stability figures' events kept as they stand (issue 21)
export const UNDO_LAST_MIGRATION =
  'DROP TRIGGER stability_events_add; DROP TRIGGER stability_events_amended; DROP TABLE stability_events;';
// 1 once the migration has run again
export const LAST_MIGRATION_PRESENT = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'stability_events'";
