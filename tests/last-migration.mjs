// The newest schema migration undone, for the upgrade tests (tests/api/backup.test.mjs,
// tests/deploy/package.test.mjs): a database "from the previous release". A new migration
// in src/store/sqlite_schema.c changes these three together.
export const LAST_MIGRATION = 17; // the stability trigger's test without IN (...) (issue 21)
// 16's trigger as it was
export const UNDO_LAST_MIGRATION =
  'DROP TRIGGER stability_events_add; ' +
  'CREATE TRIGGER stability_events_add AFTER INSERT ON events WHEN new.type IN (\'stability_check\', \'missing_start\', \'missing_end\', \'placement\') BEGIN INSERT INTO stability_events(event_id, case_id, youth_id, type, at, stable, safe_placement, engaged, detained) SELECT new.id, new.case_id, c.youth_id, new.type, new.at, CASE WHEN new.type = \'stability_check\' AND json_valid(new.data) THEN json_extract(new.data, \'$.stable\') END, CASE WHEN new.type = \'stability_check\' AND json_valid(new.data) THEN json_extract(new.data, \'$.safe_placement\') END, CASE WHEN new.type = \'stability_check\' AND json_valid(new.data) THEN json_extract(new.data, \'$.engaged\') END, CASE WHEN new.type = \'placement\' AND json_valid(new.data) THEN json_extract(new.data, \'$.setting\') = \'detention\' OR coalesce(json_extract(new.data, \'$.detention\'), 0) = 1 END FROM cases c WHERE c.id = new.case_id; END;';
// 1 once the migration has run again
export const LAST_MIGRATION_PRESENT =
  "SELECT count(*) FROM sqlite_master WHERE name = 'stability_events_add' AND instr(sql, 'new.type IN') = 0";
