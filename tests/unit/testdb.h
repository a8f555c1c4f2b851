/*
 * The database a store suite runs on: SQLite (a file in a fresh folder under /tmp) or
 * PostgreSQL (the database at SAFEHARBOR_PG_URL, emptied before each test; make test-pg
 * starts a throwaway cluster and sets it). A suite runs its backend-neutral tests once per
 * backend; without SAFEHARBOR_PG_URL the PostgreSQL run is skipped, said on stdout.
 */
#ifndef SH_TEST_TESTDB_H
#define SH_TEST_TESTDB_H
#include "lib/common.h"
#include <libpq-fe.h>
#include "store/store.h"

struct testdb {
	bool pg;
	char dir[64];
	char path[1024]; /* the SQLite file or the PostgreSQL URI */
};

static inline const char *testdb_pg_url(void)
{
	const char *u = getenv("SAFEHARBOR_PG_URL");

	return u && *u ? u : NULL;
}

/* An empty database of t's backend at t->path; 0 on success. */
static inline int testdb_setup(struct testdb *t, const char *name)
{
	PGconn *db;
	PGresult *res;
	int rc;

	if (!t->pg) {
		snprintf(t->dir, sizeof(t->dir), "/tmp/sh-%s-XXXXXX", name);
		if (!mkdtemp(t->dir))
			return -1;
		snprintf(t->path, sizeof(t->path), "%s/t.db", t->dir);
		return 0;
	}
	if (!testdb_pg_url())
		return -1;
	snprintf(t->path, sizeof(t->path), "%s", testdb_pg_url());
	db = PQconnectdb(t->path);
	if (PQstatus(db) != CONNECTION_OK) {
		fprintf(stderr, "testdb: %s", PQerrorMessage(db));
		PQfinish(db);
		return -1;
	}
	res = PQexec(db, "SET client_min_messages = warning;"
			 "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
	rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : -1;
	if (rc)
		fprintf(stderr, "testdb: %s", PQerrorMessage(db));
	PQclear(res);
	PQfinish(db);
	return rc;
}

static inline int testdb_teardown(struct testdb *t)
{
	char cmd[200];

	if (t->pg)
		return 0;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", t->dir);
	return system(cmd);
}

#endif
