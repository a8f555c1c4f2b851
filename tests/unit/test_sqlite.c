/*
 * The SQLite backend's statement cache (store/sqlite.c sq_prep): bounded whatever SQL it
 * is given, never handing out one statement's plan for another's text, never finalizing
 * a statement that is being stepped.
 */
#include "lib/common.h"
#include <setjmp.h>
#include <cmocka.h>
#include "store/audit_chain.h"
#include "store/sqlite_internal.h"

static const unsigned char chain_key[AUDIT_CHAIN_KEY_LEN] = "test-audit-chain-key-32-bytes!!";
static char dir[64], path[128];
static struct store *store;
static struct store_conn *conn;

static int setup(void **state)
{
	struct store_options o = { .create = true, .read_conns = 1, .audit_key = chain_key };
	struct sh_error err = SH_ERROR_INIT;

	UNUSED(state);
	snprintf(dir, sizeof(dir), "/tmp/sh-sqlite-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/t.db", dir);
	if (store_open(path, &o, &store, &err) || store_read_begin(store, &conn, &err))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	char cmd[200];

	UNUSED(state);
	store_read_end(conn);
	store_close(store);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

/* The one integer the statement answers (its first row). */
static int64_t answer(const char *sql)
{
	struct sh_error err = SH_ERROR_INIT;
	sqlite3_stmt *st = sq_prep(sconn_of(conn), sql, &err);
	int64_t v;

	if (!st)
		fail_msg("sq_prep(%s): %s", sql, err.detail);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return v;
}

static const char SQL_STATIC[] = "SELECT 424242";

/* SQL built at run time in one buffer: each text gets its own statement, not the plan of
 * whatever the buffer held before. */
static void reused_buffer_never_gets_an_old_plan(void **state)
{
	char sql[64];

	UNUSED(state);
	for (int i = 0; i < 3 * SCONN_STMTS; i++) {
		snprintf(sql, sizeof(sql), "SELECT %d", i);
		assert_int_equal(answer(sql), i);
		assert_true(sconn_of(conn)->nstmts <= SCONN_STMTS);
	}
	assert_int_equal(answer(SQL_STATIC), 424242);
}

/* Many distinct statements, all alive at once: the cache stays at its bound, evicts the
 * least recently used, and every statement still answers its own question. */
static void many_distinct_statements_stay_bounded(void **state)
{
	enum { N = 4 * SCONN_STMTS };
	static char sql[N][48];
	struct sconn *sc = sconn_of(conn);

	UNUSED(state);
	assert_int_equal(answer(SQL_STATIC), 424242);
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < N; i++) {
			snprintf(sql[i], sizeof(sql[i]), "SELECT %d + %d", i, round);
			assert_int_equal(answer(sql[i]), i + round);
			assert_true(sc->nstmts <= SCONN_STMTS);
		}
		assert_int_equal(sc->nstmts, SCONN_STMTS);
	}
	/* the statements taken last are still cached: taking them again prepares nothing */
	for (int i = N - 8; i < N; i++) {
		sqlite3_stmt *before = NULL;
		for (int j = 0; j < sc->nstmts; j++)
			if (sc->stmts[j].sql == sql[i])
				before = sc->stmts[j].st;
		assert_non_null(before);
		assert_int_equal(answer(sql[i]), i + 1);
		assert_ptr_equal(sq_prep(sc, sql[i], NULL), before);
	}
	assert_int_equal(answer(SQL_STATIC), 424242);
	assert_int_equal(sc->nstmts, SCONN_STMTS);
}

/* A statement in the middle of its rows is never evicted, however many others follow. */
static void statement_being_stepped_is_kept(void **state)
{
	static const char rows[] = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 "
				   "FROM n WHERE x < 3) SELECT x FROM n";
	struct sh_error err = SH_ERROR_INIT;
	sqlite3_stmt *st = sq_prep(sconn_of(conn), rows, &err);
	char sql[64];

	UNUSED(state);
	assert_non_null(st);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 1);
	for (int i = 0; i < 2 * SCONN_STMTS; i++) {
		char *own = sql + (i % 2); /* two addresses, so entries are added, not replaced */
		snprintf(own, sizeof(sql) - 1, "SELECT %d", i);
		assert_int_equal(answer(own), i);
	}
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 2);
	sqlite3_reset(st);
}

/* SQL that does not compile takes no entry and leaves the cache usable. */
static void bad_sql_leaves_no_hole(void **state)
{
	struct sh_error err = SH_ERROR_INIT;
	struct sconn *sc = sconn_of(conn);
	int before;

	UNUSED(state);
	assert_int_equal(answer(SQL_STATIC), 424242);
	before = sc->nstmts;
	assert_null(sq_prep(sc, "SELEC 1", &err));
	assert_int_equal(err.code, SH_ESTORE);
	assert_int_equal(sc->nstmts, before);
	for (int i = 0; i < sc->nstmts; i++)
		assert_non_null(sc->stmts[i].st);
	assert_int_equal(answer(SQL_STATIC), 424242);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(reused_buffer_never_gets_an_old_plan, setup,
						teardown),
		cmocka_unit_test_setup_teardown(many_distinct_statements_stay_bounded, setup,
						teardown),
		cmocka_unit_test_setup_teardown(statement_being_stepped_is_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_sql_leaves_no_hole, setup, teardown),
	};
	return cmocka_run_group_tests_name("sqlite statement cache", tests, NULL, NULL);
}
