/*
 * For the unit suites that need a database with rows in it: a new store at the newest
 * schema in a fresh directory under /tmp, the fixture SQL (synthetic rows only) written
 * straight into it, and the directory removed at the end.
 */
#ifndef SH_TEST_STORE_FIXTURE_H
#define SH_TEST_STORE_FIXTURE_H
#include "lib/common.h"
#include <sqlite3.h>
#include "store/store.h"

/* Synthetic: one advocacy agency (1), its member (1), a protocol (1), a youth (1) and the
 * case 'SH-TEST' in compton. */
#define FIXTURE_ONE_CASE                                                                            \
	"INSERT INTO agencies(id, name, kind, created_at) VALUES (1, 'Advocates', 'advocacy', 0);"  \
	"INSERT INTO users(id, agency_id, username, display_name, role, password_hash, created_at)" \
	" VALUES (1, 1, 'adv', 'Synthetic adv', 'member', 'x', 0);"                                 \
	"INSERT INTO protocols(id, name, version, effective, text, sha, loaded_at)"                 \
	" VALUES (1, 'p', '1', '2015-01-01', '', '', 0);"                                           \
	"INSERT INTO youth(id, identity, created_at) VALUES (1, x'00', 0);"                         \
	"INSERT INTO cases(id, youth_id, recovery_no, identified_at, recorded_at, area,"            \
	" youth_status, identified_by_agency, identified_by_user, protocol_id, age, age_estimated)" \
	" VALUES ('SH-TEST', 1, 1, 0, 0, 'compton', 'none', 1, 1, 1, 15, 1);"

/* dir: at least 64 bytes, path 128; name: what the directory's name starts with */
static int fixture_db_create(char *dir, char *path, const char *name, const char *fixtures)
{
	struct store_options o = { .create = true, .read_conns = 2 };
	struct sh_error err = SH_ERROR_INIT;
	struct store *s = NULL;
	sqlite3 *db;
	int rc;

	snprintf(dir, 64, "/tmp/sh-%s-XXXXXX", name);
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, 128, "%s/t.db", dir);
	if (store_open(path, &o, &s, &err))
		return -1;
	store_close(s);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	rc = sqlite3_exec(db, fixtures, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
	sqlite3_close(db);
	return rc;
}

static int fixture_db_remove(const char *dir)
{
	char cmd[200];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}
#endif
