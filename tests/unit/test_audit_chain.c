/*
 * The keyed audit chain (store/audit_chain.c) and its verification (api/audit.c): the
 * encoding cannot be shifted between fields, a chain recomputed without the key is
 * caught, an upgraded database is re-chained with a note (its copy checked with the old
 * rule), checkpoints catch a cut, and a copy answers only for those up to its end.
 */
#include "lib/common.h"
#include <setjmp.h>
#include <cmocka.h>
#include <sqlite3.h>
#include "api/audit.h"
#include "api/checkpoints.h"
#include "lib/buf.h"
#include "store/audit_chain.h"
#include "store/sqlite_schema.h"
#include "store/store.h"

static char dir[64], path[128], cps[160];
static struct audit_keys keys;

static int setup(void **state)
{
	UNUSED(state);
	snprintf(dir, sizeof(dir), "/tmp/sh-chain-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/t.db", dir);
	snprintf(cps, sizeof(cps), "%s/t.checkpoints", dir);
	memset(keys.mac, 0x5a, sizeof(keys.mac));
	memset(keys.checkpoint, 0xa5, sizeof(keys.checkpoint));
	return 0;
}

static int teardown(void **state)
{
	char cmd[200];

	UNUSED(state);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static struct store *open_store(bool create)
{
	struct store_options o = { .create = create, .read_conns = 2, .audit_key = keys.mac };
	struct sh_error err = SH_ERROR_INIT;
	struct store *s = NULL;

	if (store_open(path, &o, &s, &err))
		fail_msg("store_open: %s", err.detail);
	return s;
}

static void sql(const char *q)
{
	sqlite3 *db;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, q, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", q, msg);
	sqlite3_close(db);
}

static int64_t sql_int(const char *q)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static enum sh_code append_rows(struct store_conn *c, void *arg, struct sh_error *err)
{
	int n = *(int *)arg;
	enum sh_code rc = SH_OK;

	for (int i = 0; !rc && i < n; i++) {
		struct audit_entry e = { .at = 1700000000 + i,
					 .user_id = 3,
					 .agency_id = 2,
					 .action = "case.read",
					 .case_id = "SH-TEST",
					 .section = "core",
					 .outcome = "ok",
					 .detail = "synthetic" };
		rc = store_audit_append(c, &e, err);
	}
	return rc;
}

static struct audit_verdict verify(struct store *s, const char *checkpoints)
{
	struct audit_verdict v;
	struct sh_error err = SH_ERROR_INIT;

	assert_int_equal(audit_verify(s, &keys, checkpoints, false, &v, &err), SH_OK);
	return v;
}

static void encoding_is_unambiguous(void **state)
{
	struct audit_entry a = { .seq = 1, .action = "ab", .case_id = "c", .outcome = "ok" };
	struct audit_entry b = { .seq = 1, .action = "a", .case_id = "bc", .outcome = "ok" };
	struct audit_entry c = {
		.seq = 1, .action = "ab", .case_id = "c", .section = "", .outcome = "ok"
	};
	unsigned char other[AUDIT_CHAIN_KEY_LEN];
	char ha[65], hb[65], hc[65], hk[65];

	UNUSED(state);
	memset(other, 0x5b, sizeof(other));
	audit_chain_mac(keys.mac, AUDIT_CHAIN_GENESIS, &a, ha);
	audit_chain_mac(keys.mac, AUDIT_CHAIN_GENESIS, &b, hb);
	audit_chain_mac(keys.mac, AUDIT_CHAIN_GENESIS, &c, hc);
	audit_chain_mac(other, AUDIT_CHAIN_GENESIS, &a, hk);
	assert_string_not_equal(ha, hb); /* text moved from one field into the next */
	assert_string_not_equal(ha, hc); /* NULL is not "" */
	assert_string_not_equal(ha, hk); /* another key, another MAC */
}

/* An attacker with the database but not the key file rewrites row 2 and recomputes the
 * chain after it, with the old unkeyed rule and with a guessed key: both are caught. */
static void recomputed_chain_without_the_key_is_caught(void **state)
{
	struct store *s = open_store(true);
	struct sh_error err = SH_ERROR_INIT;
	int n = 5;
	struct audit_verdict v;
	unsigned char guess[AUDIT_CHAIN_KEY_LEN] = { 0 };

	UNUSED(state);
	assert_int_equal(store_write(s, append_rows, &n, &err), SH_OK);
	assert_true(verify(s, NULL).ok);
	store_close(s);
	for (int mode = 0; mode < 2; mode++) {
		sqlite3 *db;
		sqlite3_stmt *st;
		char prev[65] = AUDIT_CHAIN_GENESIS;

		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		sqlite3_exec(db, "UPDATE audit SET action = 'case.list' WHERE seq = 2", NULL, NULL,
			     NULL);
		assert_int_equal(
			sqlite3_prepare_v2(db,
					   "SELECT seq, at, user_id, agency_id, action, case_id,"
					   " section, outcome, detail FROM audit ORDER BY seq",
					   -1, &st, NULL),
			SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			struct audit_entry e = { 0 };
			char h[65], q[300];
			e.seq = sqlite3_column_int64(st, 0);
			e.at = sqlite3_column_int64(st, 1);
			e.user_id = sqlite3_column_int64(st, 2);
			e.agency_id = sqlite3_column_int64(st, 3);
			e.action = (const char *)sqlite3_column_text(st, 4);
			e.case_id = (const char *)sqlite3_column_text(st, 5);
			e.section = (const char *)sqlite3_column_text(st, 6);
			e.outcome = (const char *)sqlite3_column_text(st, 7);
			e.detail = (const char *)sqlite3_column_text(st, 8);
			if (mode == 0)
				audit_chain_hash_v1(prev, &e, h);
			else
				audit_chain_mac(guess, prev, &e, h);
			snprintf(
				q, sizeof(q),
				"UPDATE audit SET prev_hash = '%s', hash = '%s' WHERE seq = %" PRId64,
				prev, h, e.seq);
			assert_int_equal(sqlite3_exec(db, q, NULL, NULL, NULL), SQLITE_OK);
			memcpy(prev, h, 65);
		}
		sqlite3_finalize(st);
		sqlite3_close(db);
		s = open_store(false);
		v = verify(s, NULL);
		store_close(s);
		assert_false(v.ok);
		assert_int_equal(v.bad_seq, 1); /* the first row recomputed fails already */
		assert_non_null(strstr(v.why, "without the key"));
	}
}

static void checkpoints_catch_a_cut_tail_and_an_emptied_table(void **state)
{
	struct store *s = open_store(true);
	struct sh_error err = SH_ERROR_INIT;
	struct store_conn *c;
	struct checkpoint cp = { .at = 1700000000 };
	struct audit_verdict v;
	int n = 6;

	UNUSED(state);
	/* the empty chain's checkpoint (a server started on a new database) names no row */
	assert_int_equal(store_read_begin(s, &c, &err), SH_OK);
	assert_int_equal(store_audit_head(c, &cp.seq, cp.head, &err), SH_OK);
	store_read_end(c);
	assert_int_equal(cp.seq, 0);
	assert_int_equal(checkpoints_append(cps, keys.checkpoint, &cp, &err), SH_OK);
	assert_int_equal(store_write(s, append_rows, &n, &err), SH_OK);
	assert_int_equal(store_read_begin(s, &c, &err), SH_OK);
	assert_int_equal(store_audit_head(c, &cp.seq, cp.head, &err), SH_OK);
	store_read_end(c);
	assert_int_equal(cp.seq, 6);
	assert_int_equal(checkpoints_append(cps, keys.checkpoint, &cp, &err), SH_OK);
	v = verify(s, cps);
	assert_true(v.ok);
	assert_int_equal(v.checkpoints, 1);
	store_close(s);

	sql("DELETE FROM audit WHERE seq > 4");
	s = open_store(false);
	v = verify(s, NULL);
	assert_true(v.ok); /* without the checkpoint the cut cannot be seen */
	v = verify(s, cps);
	assert_false(v.ok);
	assert_int_equal(v.bad_seq, 5);
	assert_non_null(strstr(v.why, "rows 5 to 6 are missing"));
	store_close(s);

	sql("DELETE FROM audit");
	s = open_store(false);
	v = verify(s, cps);
	store_close(s);
	assert_false(v.ok);
	assert_int_equal(v.bad_seq, 1);
}

/* A backup is the chain as it was: checkpoints written after it are not asked of it, the
 * ones up to its end still are; a restore keeps those and sets the file aside. */
static void a_copy_answers_only_for_checkpoints_up_to_its_end(void **state)
{
	struct store *s = open_store(true);
	struct sh_error err = SH_ERROR_INIT;
	struct store_conn *c;
	struct checkpoint cp = { .at = 1700000000 }, *read = NULL;
	struct audit_verdict v;
	struct buf moved = BUF_INIT;
	size_t kept, dropped, nread;
	int n = 3, bad;

	UNUSED(state);
	for (int round = 0; round < 2; round++) {
		assert_int_equal(store_write(s, append_rows, &n, &err), SH_OK);
		assert_int_equal(store_read_begin(s, &c, &err), SH_OK);
		assert_int_equal(store_audit_head(c, &cp.seq, cp.head, &err), SH_OK);
		store_read_end(c);
		assert_int_equal(checkpoints_append(cps, keys.checkpoint, &cp, &err), SH_OK);
	}
	store_close(s);
	sql("DELETE FROM audit WHERE seq > 3"); /* as the backup taken at row 3 has it */
	s = open_store(false);
	v = verify(s, cps);
	assert_false(v.ok); /* as the database: rows cut from the end */
	assert_int_equal(audit_verify(s, &keys, cps, true, &v, &err), SH_OK);
	assert_true(v.ok);
	assert_int_equal(v.checkpoints, 1);
	assert_int_equal(v.latest.seq, 3);
	store_close(s);
	/* restored: the checkpoint of row 6 is set aside, the one of row 3 kept */
	assert_int_equal(
		checkpoints_rewind(cps, keys.checkpoint, 3, NULL, &moved, &kept, &dropped, &err),
		SH_OK);
	assert_int_equal(kept, 1);
	assert_int_equal(dropped, 1);
	assert_non_null(strstr(moved.data, ".before-restore-"));
	assert_int_equal(checkpoints_read(cps, keys.checkpoint, &read, &nread, &bad, &err), SH_OK);
	assert_int_equal(nread, 1);
	assert_int_equal(read[0].seq, 3);
	free(read);
	s = open_store(false);
	v = verify(s, cps);
	store_close(s);
	assert_true(v.ok);
	/* an edited copy is refused */
	sql("UPDATE audit SET detail = 'rewritten' WHERE seq = 2");
	s = open_store(false);
	assert_int_equal(audit_verify(s, &keys, cps, true, &v, &err), SH_OK);
	store_close(s);
	assert_false(v.ok);
	buf_release(&moved);
}

static void a_forged_checkpoint_line_is_caught(void **state)
{
	struct store *s = open_store(true);
	struct audit_verdict v;
	FILE *f;

	UNUSED(state);
	f = fopen(cps, "w");
	assert_non_null(f);
	fprintf(f, "checkpoint 1 1700000000 1 %s %s\n", AUDIT_CHAIN_GENESIS, AUDIT_CHAIN_GENESIS);
	fclose(f);
	v = verify(s, cps);
	store_close(s);
	assert_false(v.ok);
	assert_non_null(strstr(v.why, "line 1"));
}

/* A schema-7 database with an unkeyed chain of three rows and two events. */
static void make_old_database(void)
{
	sqlite3 *db;
	char prev[65] = AUDIT_CHAIN_GENESIS, q[400];

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	for (int m = 1; m < SQLITE_SCHEMA_AUDIT_KEYED; m++)
		assert_int_equal(sqlite3_exec(db, sqlite_schema_migration(m), NULL, NULL, NULL),
				 SQLITE_OK);
	snprintf(q, sizeof(q), "PRAGMA user_version=%d", SQLITE_SCHEMA_AUDIT_KEYED - 1);
	sqlite3_exec(db, q, NULL, NULL, NULL);
	for (int i = 1; i <= 3; i++) {
		struct audit_entry e = {
			.seq = i, .at = 1700000000, .action = "agency.create", .outcome = "ok"
		};
		char h[65];
		audit_chain_hash_v1(prev, &e, h);
		snprintf(
			q, sizeof(q),
			"INSERT INTO audit(seq, at, user_id, agency_id, action, outcome, prev_hash,"
			" hash) VALUES (%d, 1700000000, 0, 0, 'agency.create', 'ok', '%s', '%s')",
			i, prev, h);
		assert_int_equal(sqlite3_exec(db, q, NULL, NULL, NULL), SQLITE_OK);
		memcpy(prev, h, 65);
	}
	assert_int_equal(
		sqlite3_exec(
			db,
			"PRAGMA foreign_keys=OFF;"
			"INSERT INTO events(id, case_id, type, section, at, recorded_at, user_id,"
			" agency_id, data) VALUES (1, 'SH-OLD', 'note', 'core', 1700000000,"
			" 1700000000, 1, 1, '{}'), (2, 'SH-OLD', 'note', 'core', 1700000001,"
			" 1700000001, 1, 1, '{\"x\":1}')",
			NULL, NULL, NULL),
		SQLITE_OK);
	sqlite3_close(db);
}

/* A copy of such a database (the backup taken before the upgrade, opened read-only: no
 * migration) is checked with the old rule, and an edited row is still named. */
static void an_old_copy_is_checked_with_the_old_rule(void **state)
{
	struct store_options o = { .read_only = true, .read_conns = 1, .audit_key = keys.mac };
	struct sh_error err = SH_ERROR_INIT;
	struct audit_verdict v;
	struct store *s = NULL;

	UNUSED(state);
	make_old_database();
	assert_int_equal(store_open(path, &o, &s, &err), SH_OK);
	v = verify(s, cps);
	store_close(s);
	assert_true(v.ok);
	assert_false(v.keyed);
	assert_int_equal(v.rows, 3);
	assert_int_equal(v.events, 0);
	assert_int_equal(sql_int("PRAGMA user_version"), SQLITE_SCHEMA_AUDIT_KEYED - 1);
	sql("UPDATE audit SET action = 'case.read' WHERE seq = 2");
	assert_int_equal(store_open(path, &o, &s, &err), SH_OK);
	v = verify(s, cps);
	store_close(s);
	assert_false(v.ok);
	assert_int_equal(v.bad_seq, 2);
}

/* A schema-7 database with an unkeyed chain: opening it with the key re-chains its rows,
 * anchors its events and says so in a note row; the chain then holds. */
static void an_old_database_is_rechained_with_a_note(void **state)
{
	struct store *s;
	struct audit_verdict v;

	UNUSED(state);
	make_old_database();
	s = open_store(false);
	v = verify(s, NULL);
	store_close(s);
	assert_true(v.ok);
	assert_int_equal(v.rows, 6); /* 3 re-chained, 2 anchors, the note */
	assert_int_equal(v.events, 2);
	assert_int_equal(sql_int("SELECT count(*) FROM audit WHERE action = 'audit.rekey'"
				 " AND detail LIKE '%unkeyed chain held%'"),
			 1);
	/* and an event edited afterwards is caught */
	sql("UPDATE events SET data = '{\"x\":2}' WHERE id = 2");
	s = open_store(false);
	v = verify(s, NULL);
	store_close(s);
	assert_false(v.ok);
	assert_int_equal(v.bad_event, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(encoding_is_unambiguous, setup, teardown),
		cmocka_unit_test_setup_teardown(recomputed_chain_without_the_key_is_caught, setup,
						teardown),
		cmocka_unit_test_setup_teardown(checkpoints_catch_a_cut_tail_and_an_emptied_table,
						setup, teardown),
		cmocka_unit_test_setup_teardown(a_copy_answers_only_for_checkpoints_up_to_its_end,
						setup, teardown),
		cmocka_unit_test_setup_teardown(a_forged_checkpoint_line_is_caught, setup,
						teardown),
		cmocka_unit_test_setup_teardown(an_old_copy_is_checked_with_the_old_rule, setup,
						teardown),
		cmocka_unit_test_setup_teardown(an_old_database_is_rechained_with_a_note, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
