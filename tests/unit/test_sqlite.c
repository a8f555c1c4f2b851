/*
 * The SQLite backend's statement cache (store/sqlite.c sq_prep): bounded whatever SQL it
 * is given, never handing out one statement's plan for another's text, never finalizing
 * a statement that is being stepped; and the typed binds every store operation goes through
 * (sq_bind, sq_write).
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

/* ---- sq_bind and sq_write: typed values, the one shape of a write ---- */

static const char PUT[] = "INSERT INTO settings(key, value) VALUES (?1, ?2)";
static const char SET[] = "UPDATE settings SET value = ?2 WHERE key = ?1";
static const char GET[] = "SELECT value FROM settings WHERE key = ?1";

struct write_case {
	enum sh_code (*fn)(struct store_conn *c, struct sh_error *err);
	struct sh_error err;
};

static enum sh_code run_case(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct write_case *w = arg;
	enum sh_code rc = w->fn(c, &w->err);

	UNUSED(err);
	return rc;
}

/* Runs fn on the writer; its error is kept in *out (the write is rolled back on failure). */
static enum sh_code on_writer(enum sh_code (*fn)(struct store_conn *c, struct sh_error *err),
			      struct sh_error *out)
{
	struct write_case w = { fn, SH_ERROR_INIT };
	struct sh_error err = SH_ERROR_INIT;
	enum sh_code rc = store_write(store, run_case, &w, &err);

	*out = w.err;
	return rc;
}

/* The value stored under key, read through the read connection (NULL when none). */
static char *setting(const char *key, struct arena *a)
{
	struct sh_error err = SH_ERROR_INIT;
	struct sconn *sc = sconn_of(conn);
	char *v = NULL;

	assert_int_equal(
		sq_text_value(sc, sq_bind(sc, GET, SQ_VALS(sq_text(key)), &err), a, &v, &err),
		SH_OK);
	return v;
}

/* sq_insert: the row inserted, and 0 when the insert did nothing */
static enum sh_code put_once(struct store_conn *c, struct sh_error *err)
{
	static const char once[] = "INSERT INTO settings(key, value) VALUES (?1, ?2)"
				   " ON CONFLICT(key) DO NOTHING";
	int64_t first = -1, again = -1;
	enum sh_code rc;

	if ((rc = sq_insert(c, once, &first, SQ_VALS(sq_text("once"), sq_text("1")), err)) ||
	    (rc = sq_insert(c, once, &again, SQ_VALS(sq_text("once"), sq_text("2")), err)))
		return rc;
	assert_true(first > 0);
	assert_int_equal(again, 0);
	return SH_OK;
}

static enum sh_code put_and_set(struct store_conn *c, struct sh_error *err)
{
	struct sq_done done = { -1, -1 };
	enum sh_code rc;

	if ((rc = sq_write(c, PUT, NULL, &done, SQ_VALS(sq_text("color"), sq_text("red")), err)))
		return rc;
	assert_int_equal(done.changes, 1);
	assert_true(done.rowid > 0);
	if ((rc = sq_write(c, SET, "no such setting", &done,
			   SQ_VALS(sq_text("color"), sq_text("blue")), err)))
		return rc;
	assert_int_equal(done.changes, 1);
	/* no row changed: the missing text, and done says nothing changed */
	rc = sq_write(c, SET, "no such setting", &done, SQ_VALS(sq_text("size"), sq_text("big")),
		      err);
	assert_int_equal(rc, SH_ENOTFOUND);
	assert_string_equal(err->detail, "no such setting");
	assert_int_equal(done.changes, 0);
	assert_int_equal(done.rowid, 0);
	sh_error_init(err);
	/* without missing, changing nothing is no error */
	if ((rc = sq_write(c, SET, NULL, NULL, SQ_VALS(sq_text("size"), sq_text("big")), err)))
		return rc;
	return put_once(c, err);
}

/* A write binds its values in order, says what it changed and the row it inserted, and
 * "nothing changed" is SH_ENOTFOUND only when the caller names what was missing. */
static void write_binds_in_order_and_counts(void **state)
{
	struct arena a = ARENA_INIT;
	struct sh_error err = SH_ERROR_INIT;

	UNUSED(state);
	assert_int_equal(on_writer(put_and_set, &err), SH_OK);
	assert_string_equal(setting("color", &a), "blue");
	assert_null(setting("size", &a));
	assert_string_equal(setting("once", &a), "1");
	arena_release(&a);
}

static enum sh_code put_null(struct store_conn *c, struct sh_error *err)
{
	return sq_write(c, PUT, NULL, NULL, SQ_VALS(sq_text("color"), sq_text(NULL)), err);
}

static enum sh_code put_twice(struct store_conn *c, struct sh_error *err)
{
	enum sh_code rc = sq_write(c, PUT, NULL, NULL, SQ_VALS(sq_text("k"), sq_text("1")), err);

	return rc ? rc : sq_write(c, PUT, NULL, NULL, SQ_VALS(sq_text("k"), sq_text("2")), err);
}

/* A constraint the database refuses is SH_ECONFLICT (a NULL text binds NULL), and the
 * failed write leaves nothing behind. */
static void constraint_is_a_conflict(void **state)
{
	struct arena a = ARENA_INIT;
	struct sh_error err = SH_ERROR_INIT;

	UNUSED(state);
	assert_int_equal(on_writer(put_null, &err), SH_ECONFLICT);
	assert_non_null(strstr(err.detail, "NOT NULL"));
	assert_int_equal(on_writer(put_twice, &err), SH_ECONFLICT);
	assert_null(setting("color", &a));
	assert_null(setting("k", &a));
	arena_release(&a);
}

static enum sh_code too_few(struct store_conn *c, struct sh_error *err)
{
	return sq_write(c, PUT, NULL, NULL, SQ_VALS(sq_text("color")), err);
}

static enum sh_code too_many(struct store_conn *c, struct sh_error *err)
{
	return sq_write(c, PUT, NULL, NULL, SQ_VALS(sq_text("color"), sq_text("red"), sq_int(3)),
			err);
}

static enum sh_code no_kind(struct store_conn *c, struct sh_error *err)
{
	return sq_write(c, PUT, NULL, NULL,
			SQ_VALS(sq_text("color"), (struct sq_val){ .kind = 0, .i = 1 }), err);
}

/* A bind that does not fit the statement (too few values, too many, a value of no known
 * kind) is a bug: said loudly as SH_EINTERNAL naming the statement, and nothing runs. */
static void wrong_binds_fail_loudly(void **state)
{
	struct arena a = ARENA_INIT;
	struct sh_error err = SH_ERROR_INIT;

	UNUSED(state);
	assert_int_equal(on_writer(too_few, &err), SH_EINTERNAL);
	assert_non_null(strstr(err.detail, "takes 2 values, 1 were given"));
	assert_non_null(strstr(err.detail, "INSERT INTO settings"));
	assert_int_equal(on_writer(too_many, &err), SH_EINTERNAL);
	assert_non_null(strstr(err.detail, "takes 2 values, 3 were given"));
	assert_int_equal(on_writer(no_kind, &err), SH_EINTERNAL);
	assert_non_null(strstr(err.detail, "value 2 has no known kind"));
	assert_null(setting("color", &a));
	arena_release(&a);
}

/* A write on a read connection is refused before anything is prepared. */
static void write_on_reader_is_refused(void **state)
{
	struct sh_error err = SH_ERROR_INIT;
	struct sq_done done = { 5, 5 };

	UNUSED(state);
	assert_int_equal(
		sq_write(conn, PUT, NULL, &done, SQ_VALS(sq_text("a"), sq_text("b")), &err),
		SH_EINTERNAL);
	assert_non_null(strstr(err.detail, "read connection"));
	assert_int_equal(done.changes, 0);
}

/* Each kind binds as it says (an id of 0, a NULL blob and a NULL text bind NULL), and the
 * statement comes from the cache: the same SQL gives the same statement. */
static void kinds_bind_as_they_say(void **state)
{
	static const char sql[] = "SELECT ?1 IS NULL, ?2 IS NULL, ?3 IS NULL, ?4, ?5, ?6, ?7";
	static const unsigned char bytes[] = { 1, 0, 2 };
	struct sh_error err = SH_ERROR_INIT;
	struct sconn *sc = sconn_of(conn);
	sqlite3_stmt *st, *again;

	UNUSED(state);
	st = sq_bind(sc, sql,
		     SQ_VALS(sq_id(0), sq_blob(NULL, 0), sq_text(NULL), sq_id(42),
			     sq_int(INT64_MAX), sq_text("x"), sq_blob(bytes, sizeof(bytes))),
		     &err);
	assert_non_null(st);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	for (int i = 0; i < 3; i++)
		assert_int_equal(sqlite3_column_int(st, i), 1);
	assert_int_equal(sqlite3_column_int64(st, 3), 42);
	assert_true(sqlite3_column_int64(st, 4) == INT64_MAX);
	assert_string_equal((const char *)sqlite3_column_text(st, 5), "x");
	assert_int_equal(sqlite3_column_type(st, 6), SQLITE_BLOB);
	assert_int_equal(sqlite3_column_bytes(st, 6), sizeof(bytes));
	assert_memory_equal(sqlite3_column_blob(st, 6), bytes, sizeof(bytes));
	sqlite3_reset(st);
	again = sq_bind(sc, sql,
			SQ_VALS(sq_id(1), sq_blob(bytes, 1), sq_text(""), sq_int(0), sq_int(0),
				sq_text(NULL), sq_id(0)),
			&err);
	assert_ptr_equal(again, st);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	for (int i = 0; i < 3; i++)
		assert_int_equal(sqlite3_column_int(st, i), 0);
	sqlite3_reset(st);
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
		cmocka_unit_test_setup_teardown(write_binds_in_order_and_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(constraint_is_a_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(wrong_binds_fail_loudly, setup, teardown),
		cmocka_unit_test_setup_teardown(write_on_reader_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(kinds_bind_as_they_say, setup, teardown),
	};
	return cmocka_run_group_tests_name("sqlite statement cache and binds", tests, NULL, NULL);
}
