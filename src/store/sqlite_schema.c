/*
 * The SQLite schema as numbered migrations. Migration N takes a database from
 * user_version N-1 to N in one transaction. Never edit a migration that has
 * shipped: add the next one.
 */
#include "lib/common.h"
#include "store/sqlite_schema.h"

static const char *const migrations[] = {
	/* 1: configuration and the audit chain */
	"CREATE TABLE settings ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL"
	") STRICT;"
	"CREATE TABLE audit ("
	"  seq INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  user_id INTEGER NOT NULL,"
	"  agency_id INTEGER NOT NULL,"
	"  action TEXT NOT NULL,"
	"  case_id TEXT,"
	"  section TEXT,"
	"  outcome TEXT NOT NULL,"
	"  detail TEXT,"
	"  prev_hash TEXT NOT NULL,"
	"  hash TEXT NOT NULL"
	") STRICT;"
	"CREATE INDEX audit_case ON audit(case_id, seq) WHERE case_id IS NOT NULL;",
};

int sqlite_schema_count(void)
{
	return (int)ARRAY_SIZE(migrations);
}

const char *sqlite_schema_migration(int version)
{
	if (version < 1 || version > (int)ARRAY_SIZE(migrations))
		return NULL;
	return migrations[version - 1];
}
