/*
 * What only the PostgreSQL backend has to show (make test-pg; skipped without
 * SAFEHARBOR_PG_URL): several stores on one database as several servers, the durability
 * settings it refuses, a failed statement undone alone, operations not written yet, and
 * the records written so far (the operations both backends share are in test_store.c).
 */
#include "lib/common.h"
#include <pthread.h>
#include <setjmp.h>
#include <cmocka.h>
#include "store/audit_chain.h"
#include "store/pg_internal.h"
#include "store/store.h"
#include "testdb.h"

static struct testdb db = { .pg = true };

static int setup(void **state)
{
	UNUSED(state);
	return testdb_setup(&db, "store-pg");
}

static const unsigned char chain_key[AUDIT_CHAIN_KEY_LEN] = "test-audit-chain-key-32-bytes!!";

static enum sh_code open_url(const char *url, bool create, struct store **s, struct sh_error *err)
{
	struct store_options o = {
		.create = create, .read_conns = 2, .write_conns = 4, .audit_key = chain_key
	};

	return store_open(url, &o, s, err);
}

static struct store *open_store(bool create)
{
	struct sh_error err = SH_ERROR_INIT;
	struct store *s = NULL;

	if (open_url(db.path, create, &s, &err))
		fail_msg("store_open: %s", err.detail);
	return s;
}

/* One SQL statement straight on the database (as an operator would); its first value. */
static char *psql(const char *sql, char *out, size_t len)
{
	PGconn *c = PQconnectdb(db.path);
	PGresult *res = PQexec(c, sql);

	assert_true(PQresultStatus(res) == PGRES_TUPLES_OK ||
		    PQresultStatus(res) == PGRES_COMMAND_OK);
	snprintf(out, len, "%s",
		 PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) ? PQgetvalue(res, 0, 0)
									  : "");
	PQclear(res);
	PQfinish(c);
	return out;
}

/* init asks for the schema version before it opens: 0 for an empty database. */
static void peek_version_reads_the_schema(void **state)
{
	struct sh_error err = SH_ERROR_INIT;
	struct store *s = NULL;

	UNUSED(state);
	assert_int_equal(store_peek_version(db.path, &err), 0);
	assert_int_equal(open_url(db.path, true, &s, &err), SH_OK);
	store_close(s);
	assert_int_equal(store_peek_version(db.path, &err), store_schema_latest());
	assert_int_equal(store_peek_version("postgresql:///no_such_db?host=/nonexistent", &err),
			 -1);
	assert_non_null(strstr(err.detail, "cannot connect"));
}

static void missing_database_refused_without_create(void **state)
{
	struct sh_error err = SH_ERROR_INIT;
	struct store *s = NULL;
	char v[32];

	UNUSED(state);
	assert_int_equal(open_url(db.path, false, &s, &err), SH_ESCHEMA);
	assert_null(s);
	assert_non_null(strstr(err.detail, "safeharbor init"));
	assert_string_equal(
		psql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", v, sizeof(v)),
		"0");
}

static void newer_schema_refused_untouched(void **state)
{
	struct sh_error err = SH_ERROR_INIT;
	struct store *s = open_store(true);
	char v[32];

	UNUSED(state);
	store_close(s);
	psql("UPDATE safeharbor_schema SET version = 999", v, sizeof(v));
	assert_int_equal(open_url(db.path, true, &s, &err), SH_ESCHEMA);
	assert_non_null(strstr(err.detail, "newer"));
	assert_string_equal(psql("SELECT version FROM safeharbor_schema", v, sizeof(v)), "999");
}

/* Both backends number the schema alike: PostgreSQL starts at SQLite's 15 and has each
 * later migration SQLite has */
static void schema_version_numbered_as_sqlite(void **state)
{
	struct store *s = open_store(true);

	UNUSED(state);
	assert_int_equal(PG_SCHEMA_BASELINE, 15);
	assert_int_equal(store_schema_version(s), pg_schema_count());
	assert_int_equal(store_schema_version(s), store_schema_latest());
	store_close(s);
}

static void durability_off_refused(void **state)
{
	static const char *const settings[] = { "synchronous_commit%3Doff", "fsync%3Doff" };
	struct sh_error err = SH_ERROR_INIT;
	struct store *s = open_store(true);

	UNUSED(state);
	store_close(s);
	for (size_t i = 0; i < ARRAY_SIZE(settings); i++) {
		char url[1200];
		/* synchronous_commit per session; fsync is the server's: asking fails either way */
		snprintf(url, sizeof(url), "%s&options=-c%%20%s", db.path, settings[i]);
		s = NULL;
		assert_int_not_equal(open_url(url, false, &s, &err), SH_OK);
		assert_null(s);
		if (i == 0)
			assert_non_null(strstr(err.detail, "synchronous_commit=off"));
	}
}

static void *opener(void *arg)
{
	struct sh_error err = SH_ERROR_INIT;
	struct store *s = NULL;

	*(enum sh_code *)arg = open_url(db.path, true, &s, &err);
	store_close(s);
	return NULL;
}

/* Several servers starting at once on an empty database migrate it once. */
static void concurrent_starts_migrate_once(void **state)
{
	pthread_t th[4];
	enum sh_code rc[4];
	char v[32];

	UNUSED(state);
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, opener, &rc[i]);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < 4; i++)
		assert_int_equal(rc[i], SH_OK);
	assert_string_equal(psql("SELECT count(*) FROM safeharbor_schema", v, sizeof(v)), "1");
	assert_string_equal(psql("SELECT count(*) FROM audit_head", v, sizeof(v)), "1");
}

/* A duplicate agency is a conflict naming the field; the transaction goes on (as SQLite's
 * does), and what it wrote after the conflict commits. */
static enum sh_code duplicate_then_write(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct agency_rec again = { .name = "NORTH Advocates",
				    .kind = "advocacy",
				    .created_at = 2 };
	struct sh_error *conflict = arg;
	enum sh_code rc = store_agency_insert(c, &again, conflict);

	if (rc != SH_ECONFLICT)
		return sh_error_set(err, SH_EINTERNAL, "expected a conflict, got %d", rc);
	return store_setting_set(c, "after", "yes", err);
}

static enum sh_code people(struct store_conn *c, void *arg, struct sh_error *err)
{
	const char *areas[] = { "compton", "lancaster", NULL };
	struct agency_rec ag = {
		.name = "North Advocates", .kind = "advocacy", .areas = areas, .created_at = 1
	};
	struct user_rec u = { .username = "Adv.One",
			      .display_name = "Synthetic Advocate",
			      .role = "member",
			      .password_hash = "x",
			      .created_at = 5,
			      .sso_id = "Adv1@Example.Test" };
	struct user_rec dup = u;
	enum sh_code rc;

	UNUSED(arg);
	if ((rc = store_agency_insert(c, &ag, err)))
		return rc;
	u.agency_id = ag.id;
	if ((rc = store_user_insert(c, &u, err)))
		return rc;
	/* usernames and provider accounts compare without case */
	dup.agency_id = ag.id;
	dup.username = "ADV.ONE";
	dup.sso_id = NULL;
	rc = store_user_insert(c, &dup, err);
	if (rc != SH_ECONFLICT || strcmp(err->fields[0].field, "username"))
		return sh_error_set(err, SH_EINTERNAL, "a duplicate username was not refused");
	dup.username = "adv.two";
	dup.sso_id = "adv1@example.test";
	sh_error_init(err);
	rc = store_user_insert(c, &dup, err);
	if (rc != SH_ECONFLICT || strcmp(err->fields[0].field, "sso_id"))
		return sh_error_set(err, SH_EINTERNAL, "a duplicate sso_id was not refused");
	sh_error_init(err);
	return store_agency_set_disabled(c, ag.id, true, err);
}

static void agencies_and_users(void **state)
{
	struct sh_error err = SH_ERROR_INIT, conflict = SH_ERROR_INIT;
	struct arena a = ARENA_INIT;
	struct store *s = open_store(true);
	struct store_conn *c;
	struct agency_rec ag, *list;
	struct user_rec u;
	size_t n;
	char *v;

	UNUSED(state);
	assert_int_equal(store_write(s, people, NULL, &err), SH_OK);
	assert_int_equal(store_write(s, duplicate_then_write, &conflict, &err), SH_OK);
	assert_int_equal(conflict.code, SH_ECONFLICT);
	assert_string_equal(conflict.fields[0].field, "name");
	assert_int_equal(store_read_begin(s, &c, &err), SH_OK);
	assert_int_equal(store_setting_get(c, "after", &a, &v, &err), SH_OK);
	assert_string_equal(v, "yes");
	assert_int_equal(store_agency_get(c, 0, "north ADVOCATES", &a, &ag, &err), SH_OK);
	assert_string_equal(ag.name, "North Advocates");
	assert_true(ag.disabled);
	assert_string_equal(ag.areas[0], "compton");
	assert_string_equal(ag.areas[1], "lancaster");
	assert_null(ag.areas[2]);
	assert_int_equal(store_agency_list(c, &a, &list, &n, &err), SH_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_user_get(c, 0, "adv.one", &a, &u, &err), SH_OK);
	assert_string_equal(u.username, "Adv.One");
	assert_string_equal(u.agency_name, "North Advocates");
	assert_true(u.agency_disabled);
	assert_int_equal(u.last_active_at, 5);
	assert_null(u.totp_secret);
	assert_int_equal(store_user_get(c, 999, NULL, &a, &u, &err), SH_ENOTFOUND);
	store_read_end(c);
	store_close(s);
	arena_release(&a);
}

/* What signing in keeps: a session with its user, a bearer token, the sealed TOTP secret
 * (bytes, NUL included, as stored), one-time codes and steps, an OpenID Connect request. */
static enum sh_code sign_in(struct store_conn *c, void *arg, struct sh_error *err)
{
	static const unsigned char secret[] = { 's', 0, 'e', 0xff, 'd' };
	const char *const codes[] = { "c1", "c2" };
	struct agency_rec ag = { .name = "Agency", .kind = "advocacy", .created_at = 1 };
	struct user_rec u = { .username = "adv",
			      .display_name = "Synthetic",
			      .role = "member",
			      .password_hash = "x" };
	struct session_rec se = { .id_hash = "sess", .csrf_token = "csrf", .last_seen = 10 };
	struct token_rec t = { .hash = "tok", .label = "feed", .expires_at = 99 };
	struct oidc_request_rec o = { "state", "bind", "nonce", "verifier", "/", 50 };
	bool fresh, used;
	enum sh_code rc;

	UNUSED(arg);
	if ((rc = store_agency_insert(c, &ag, err)))
		return rc;
	u.agency_id = ag.id;
	if ((rc = store_user_insert(c, &u, err)))
		return rc;
	se.user_id = t.user_id = u.id;
	if ((rc = store_session_insert(c, &se, err)) ||
	    (rc = store_session_touch(c, "sess", 20, err)) ||
	    (rc = store_token_insert(c, &t, err)) ||
	    (rc = store_user_totp_set(c, u.id, secret, sizeof(secret), 30, err)) ||
	    (rc = store_user_totp_use(c, u.id, 7, &fresh, err)) || !fresh ||
	    (rc = store_user_totp_use(c, u.id, 7, &fresh, err)) || fresh ||
	    (rc = store_recovery_codes_set(c, u.id, codes, 2, err)) ||
	    (rc = store_recovery_code_use(c, u.id, "c2", 40, &used, err)) || !used ||
	    (rc = store_recovery_code_use(c, u.id, "c2", 41, &used, err)) || used ||
	    (rc = store_oidc_request_put(c, &o, 0, err)))
		return rc ? rc : sh_error_set(err, SH_EINTERNAL, "a step or code was taken twice");
	return SH_OK;
}

static enum sh_code take_oidc(struct store_conn *c, void *arg, struct sh_error *err)
{
	return store_oidc_request_take(c, "state", arg, &(struct oidc_request_rec){ 0 }, err);
}

static void sign_in_records(void **state)
{
	struct sh_error err = SH_ERROR_INIT;
	struct arena a = ARENA_INIT;
	struct store *s = open_store(true);
	struct store_conn *c;
	struct session_rec se;
	struct token_rec t, *tl;
	struct user_rec u;
	size_t n;
	int left;

	UNUSED(state);
	assert_int_equal(store_write(s, sign_in, NULL, &err), SH_OK);
	assert_int_equal(store_write(s, take_oidc, &a, &err), SH_OK);
	assert_int_equal(store_write(s, take_oidc, &a, &err), SH_ENOTFOUND);
	assert_int_equal(store_read_begin(s, &c, &err), SH_OK);
	assert_int_equal(store_session_get(c, "sess", &a, &se, &u, &err), SH_OK);
	assert_int_equal(se.last_seen, 20);
	assert_string_equal(se.stage, "full");
	assert_string_equal(u.username, "adv");
	assert_int_equal(u.totp_secret_len, 5);
	assert_memory_equal(u.totp_secret,
			    "s\0e\xff"
			    "d",
			    5);
	assert_int_equal(u.totp_last_step, 7);
	assert_int_equal(store_token_get(c, "tok", &a, &t, &u, &err), SH_OK);
	assert_string_equal(t.scope, "write");
	assert_int_equal(store_token_list(c, 0, &a, &tl, &n, &err), SH_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_recovery_codes_left(c, u.id, &left, &err), SH_OK);
	assert_int_equal(left, 1);
	store_read_end(c);
	store_close(s);
	arena_release(&a);
}

/* ---- two servers on one database ---- */

#define KEYS 40
#define THREADS 4

struct racer {
	struct store *s;
	int made, conflicts, other;
};

struct idem_arg {
	const char *key;
};

/* What an identification does with its Idempotency-Key: look it up, and when it is new
 * store it and audit the creation. */
static enum sh_code identify(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct idem_arg *ia = arg;
	struct arena a = ARENA_INIT;
	char *hash, *case_id;
	int64_t event_id;
	struct audit_entry e = { .at = 1700000000,
				 .user_id = 1,
				 .agency_id = 1,
				 .action = "case.create",
				 .case_id = ia->key,
				 .outcome = "ok" };
	enum sh_code rc = store_idem_get(c, 1, ia->key, &a, &hash, &case_id, &event_id, err);

	if (!rc && case_id)
		rc = sh_error_set(err, SH_EMETHOD, "replayed"); /* any code: counted as a replay */
	arena_release(&a);
	if (!rc)
		rc = store_idem_put(c, 1, ia->key, "h", ia->key, 0, 1700000000, err);
	return rc ? rc : store_audit_append(c, &e, err);
}

static enum sh_code read_audit(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct audit_entry e = { .at = 1700000001,
				 .user_id = 2,
				 .agency_id = 1,
				 .action = "case.read",
				 .outcome = "ok" };

	UNUSED(arg);
	return store_audit_append(c, &e, err);
}

static void *race(void *p)
{
	struct racer *r = p;

	for (int k = 0; k < KEYS; k++) {
		char key[16];
		struct idem_arg ia = { key };
		struct sh_error err = SH_ERROR_INIT;
		enum sh_code rc;

		snprintf(key, sizeof(key), "key-%d", k);
		rc = store_write(r->s, identify, &ia, &err);
		if (rc == SH_OK)
			r->made++;
		else if (rc == SH_ECONFLICT || rc == SH_EMETHOD)
			r->conflicts++;
		else
			r->other++;
		if (store_write(r->s, read_audit, NULL, &err))
			r->other++;
	}
	return NULL;
}

struct chain_check {
	char prev[65];
	int64_t rows, next_seq;
	bool ok;
};

static int check_row(const struct audit_entry *e, void *arg)
{
	struct chain_check *cc = arg;
	char h[65];

	audit_chain_mac(chain_key, cc->prev, e, h);
	if (strcmp(e->prev_hash, cc->prev) || strcmp(h, e->hash) || e->seq != cc->next_seq)
		cc->ok = false;
	memcpy(cc->prev, e->hash, 65);
	cc->rows++;
	cc->next_seq++;
	return 0;
}

static void two_servers_one_key_one_chain(void **state)
{
	struct store *s[2];
	struct racer r[2 * THREADS];
	pthread_t th[2 * THREADS];
	struct chain_check cc = { AUDIT_CHAIN_GENESIS, 0, 1, true };
	struct sh_error err = SH_ERROR_INIT;
	struct store_conn *c;
	int made = 0, other = 0;
	int64_t head_seq;
	char head[65], v[32];

	UNUSED(state);
	s[0] = open_store(true);
	s[1] = open_store(false);
	for (int i = 0; i < 2 * THREADS; i++) {
		r[i] = (struct racer){ s[i % 2], 0, 0, 0 };
		pthread_create(&th[i], NULL, race, &r[i]);
	}
	for (int i = 0; i < 2 * THREADS; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < 2 * THREADS; i++) {
		made += r[i].made;
		other += r[i].other;
	}
	assert_int_equal(other, 0);
	/* each key made once, whichever server won it */
	assert_int_equal(made, KEYS);
	assert_string_equal(psql("SELECT count(*) FROM idempotency", v, sizeof(v)), "40");
	/* what the linkers have not linked yet, linked (as audit verify does) */
	assert_int_equal(store_audit_link_all(s[1], NULL, &err), SH_OK);
	assert_int_equal(store_read_begin(s[1], &c, &err), SH_OK);
	assert_int_equal(store_audit_scan(c, check_row, &cc, &err), SH_OK);
	assert_int_equal(store_audit_head(c, &head_seq, head, &err), SH_OK);
	store_read_end(c);
	assert_true(cc.ok);
	/* one row per key made, one per read */
	assert_int_equal(cc.rows, KEYS + 2 * THREADS * KEYS);
	assert_int_equal(head_seq, cc.rows);
	assert_string_equal(head, cc.prev);
	store_close(s[0]);
	store_close(s[1]);
}

/* ---- audit rows linked after they commit ---- */

/*
 * An audit row inserted on a connection of its own, as a request's transaction inserts
 * it: no place in the chain, its own MAC in hash (mac false: a wrong one, as someone
 * without the key would write). The transaction is left open; answers the row's id.
 */
static int64_t raw_append(PGconn *pc, const char *case_id, bool mac)
{
	struct audit_entry e = { .at = 1700000100,
				 .user_id = 7,
				 .agency_id = 3,
				 .action = "case.read",
				 .case_id = case_id,
				 .outcome = "ok" };
	char own[65], sql[512];
	PGresult *res;
	int64_t id;

	audit_chain_mac(chain_key, NULL, &e, own);
	if (!mac)
		own[0] = own[0] == '0' ? '1' : '0';
	snprintf(sql, sizeof(sql),
		 "INSERT INTO audit(at, user_id, agency_id, action, case_id, outcome, hash)"
		 " VALUES (1700000100, 7, 3, 'case.read', '%s', 'ok', '%s') RETURNING id",
		 case_id, own);
	PQclear(PQexec(pc, "BEGIN"));
	res = PQexec(pc, sql);
	assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
	id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return id;
}

static enum sh_code append_one(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct audit_entry e = { .at = 1700000200,
				 .user_id = 2,
				 .agency_id = 1,
				 .action = "case.read",
				 .case_id = arg,
				 .outcome = "ok" };

	return store_audit_append(c, &e, err);
}

/* The seq of the row with that id ("" while it is not linked). */
static char *seq_of(int64_t id, char *out, size_t len)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "SELECT coalesce(seq::text, '') FROM audit WHERE id = %" PRId64,
		 id);
	return psql(sql, out, len);
}

/*
 * The chain's order is the order rows are linked in, which follows their commits, not
 * their ids: a row committed after another was linked goes after it whatever its id. A
 * committed row no linker has reached yet (its server died) is shown in the case's "who
 * viewed" and counted, not in the chain; the next linker links it.
 */
static void rows_linked_in_commit_order(void **state)
{
	struct store *s = open_store(true);
	PGconn *late = PQconnectdb(db.path);
	struct chain_check cc = { AUDIT_CHAIN_GENESIS, 0, 1, true };
	struct sh_error err = SH_ERROR_INIT;
	struct store_conn *c;
	struct audit_view_rec *rows;
	struct arena a = ARENA_INIT;
	size_t n;
	int64_t low, high, unlinked, linked, head_seq;
	char v[96], w[96], head[65];

	UNUSED(state);
	/* the lower id, committed last */
	low = raw_append(late, "SH-LATE", true);
	assert_int_equal(store_write(s, append_one, "SH-EARLY", &err), SH_OK);
	assert_int_equal(store_audit_link_all(s, &linked, &err), SH_OK);
	high = strtoll(psql("SELECT max(id) FROM audit WHERE case_id = 'SH-EARLY'", v, sizeof(v)),
		       NULL, 10);
	assert_true(high > low);
	assert_string_equal(seq_of(high, v, sizeof(v)), "1");
	assert_string_equal(seq_of(low, v, sizeof(v)), "");
	PQclear(PQexec(late, "COMMIT"));

	/* committed, not linked: in "who viewed", counted, not in the chain's head */
	assert_int_equal(store_read_begin(s, &c, &err), SH_OK);
	assert_int_equal(store_audit_unlinked(c, &unlinked, &err), SH_OK);
	assert_int_equal(store_audit_head(c, &head_seq, head, &err), SH_OK);
	assert_int_equal(store_audit_for_case(c, "SH-LATE", 0, NULL, 10, &a, &rows, &n, &err),
			 SH_OK);
	store_read_end(c);
	/* (the store's own linker may have got to it already) */
	if (unlinked) {
		assert_int_equal(unlinked, 1);
		assert_int_equal(head_seq, 1);
	}
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].cursor, low);
	assert_true(rows[0].e.seq == 0 || rows[0].e.seq == 2);
	arena_release(&a);

	assert_int_equal(store_audit_link_all(s, NULL, &err), SH_OK);
	assert_string_equal(seq_of(low, v, sizeof(v)), "2");
	assert_int_equal(store_read_begin(s, &c, &err), SH_OK);
	assert_int_equal(store_audit_unlinked(c, &unlinked, &err), SH_OK);
	assert_int_equal(store_audit_scan(c, check_row, &cc, &err), SH_OK);
	assert_int_equal(store_audit_head(c, &head_seq, head, &err), SH_OK);
	store_read_end(c);
	assert_int_equal(unlinked, 0);
	assert_true(cc.ok);
	assert_int_equal(cc.rows, 2);
	assert_int_equal(head_seq, 2);
	assert_string_equal(head, cc.prev);
	assert_string_equal(
		psql("SELECT seq || ' ' || hash FROM audit_head", v, sizeof(v)),
		psql("SELECT seq || ' ' || hash FROM audit WHERE seq = 2", w, sizeof(w)));
	PQfinish(late);
	store_close(s);
}

/* A row inserted without the key (its own MAC wrong) is never given a place in the chain:
 * the linker stops at it and names it; once it is gone, linking goes on. */
static void forged_row_not_linked(void **state)
{
	struct store *s = open_store(true);
	PGconn *pc = PQconnectdb(db.path);
	struct sh_error err = SH_ERROR_INIT;
	int64_t forged;
	char v[32], sql[128];

	UNUSED(state);
	forged = raw_append(pc, "SH-FORGED", false);
	PQclear(PQexec(pc, "COMMIT"));
	assert_int_equal(store_write(s, append_one, "SH-AFTER", &err), SH_OK);
	assert_int_equal(store_audit_link_all(s, NULL, &err), SH_ESTORE);
	snprintf(v, sizeof(v), "id %" PRId64 " ", forged);
	assert_non_null(strstr(err.detail, v));
	assert_string_equal(seq_of(forged, v, sizeof(v)), "");
	assert_string_equal(psql("SELECT count(*) FROM audit WHERE seq IS NOT NULL", v, sizeof(v)),
			    "0");
	snprintf(sql, sizeof(sql), "DELETE FROM audit WHERE id = %" PRId64, forged);
	psql(sql, v, sizeof(v));
	sh_error_init(&err);
	assert_int_equal(store_audit_link_all(s, NULL, &err), SH_OK);
	assert_string_equal(psql("SELECT seq FROM audit WHERE case_id = 'SH-AFTER'", v, sizeof(v)),
			    "1");
	PQfinish(pc);
	store_close(s);
}

/* ---- the delivery outbox claimed from two servers ---- */

#define MESSAGES 30

/* A case, its agency and user, and MESSAGES pending messages due now. */
static enum sh_code fill_outbox(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct agency_rec ag = { .name = "Agency", .kind = "advocacy", .created_at = 1 };
	struct user_rec u = { .username = "adv",
			      .display_name = "Synthetic",
			      .role = "member",
			      .password_hash = "x" };
	struct protocol_rec p = {
		.name = "p", .version = "1", .effective = "2015-01-01", .text = "x", .sha = "s"
	};
	struct youth_rec y = { .identity = (const unsigned char *)"x", .identity_len = 1 };
	struct case_rec k = { .id = "SH-OUT",
			      .recovery_no = 1,
			      .area = "compton",
			      .youth_status = "none",
			      .age = 15 };
	enum sh_code rc;

	UNUSED(arg);
	if ((rc = store_agency_insert(c, &ag, err)) || (rc = store_protocol_put(c, &p, err)) ||
	    (rc = store_youth_insert(c, &y, err)))
		return rc;
	u.agency_id = k.identified_by_agency = ag.id;
	if ((rc = store_user_insert(c, &u, err)))
		return rc;
	k.youth_id = y.id;
	k.protocol_id = p.id;
	k.identified_by_user = u.id;
	if ((rc = store_case_insert(c, &k, err)))
		return rc;
	for (int i = 0; i < MESSAGES; i++) {
		char step[16];
		struct outbox_rec o = { .kind = "due_soon",
					.role = "on_call",
					.case_id = "SH-OUT",
					.step = step,
					.step_title = "Step",
					.area = "compton",
					.agency_id = ag.id,
					.user_id = u.id,
					.channel = "email",
					.target = "adv@example.test",
					.next_attempt_at = 100 };
		bool inserted;
		snprintf(step, sizeof(step), "s%d", i);
		if ((rc = store_outbox_insert(c, &o, &inserted, err)))
			return rc;
		/* the same cause again: never two messages */
		if ((rc = store_outbox_insert(c, &o, &inserted, err)) || inserted)
			return rc ? rc
				  : sh_error_set(err, SH_EINTERNAL, "a cause was stored twice");
	}
	return SH_OK;
}

struct claimer {
	struct store *s;
	char worker[16];
	int64_t ids[MESSAGES];
	int n, errors;
};

struct claim_arg {
	struct claimer *cl;
	size_t got;
};

static enum sh_code claim_some(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct claim_arg *ca = arg;
	struct arena a = ARENA_INIT;
	struct outbox_rec *rows;
	enum sh_code rc =
		store_outbox_claim(c, ca->cl->worker, 150, 10000, 2, &a, &rows, &ca->got, err);

	for (size_t i = 0; !rc && i < ca->got && ca->cl->n < MESSAGES; i++)
		ca->cl->ids[ca->cl->n++] = rows[i].id;
	arena_release(&a);
	return rc;
}

static void *claimer(void *p)
{
	struct claimer *cl = p;

	for (;;) {
		struct claim_arg ca = { cl, 0 };
		struct sh_error err = SH_ERROR_INIT;
		if (store_write(cl->s, claim_some, &ca, &err)) {
			cl->errors++;
			break;
		}
		if (!ca.got)
			break;
	}
	return NULL;
}

static void outbox_claimed_once_across_servers(void **state)
{
	struct sh_error err = SH_ERROR_INIT;
	struct store *s[2];
	struct claimer cl[2 * THREADS];
	pthread_t th[2 * THREADS];
	/* ids: a conflicting insert uses one up too, as PostgreSQL's sequences do */
	int seen[2 * MESSAGES + 1] = { 0 }, total = 0;

	UNUSED(state);
	s[0] = open_store(true);
	s[1] = open_store(false);
	assert_int_equal(store_write(s[0], fill_outbox, NULL, &err), SH_OK);
	for (int i = 0; i < 2 * THREADS; i++) {
		memset(&cl[i], 0, sizeof(cl[i]));
		cl[i].s = s[i % 2];
		snprintf(cl[i].worker, sizeof(cl[i].worker), "w%d", i);
		pthread_create(&th[i], NULL, claimer, &cl[i]);
	}
	for (int i = 0; i < 2 * THREADS; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < 2 * THREADS; i++) {
		assert_int_equal(cl[i].errors, 0);
		for (int k = 0; k < cl[i].n; k++) {
			assert_in_range(cl[i].ids[k], 1, 2 * MESSAGES);
			seen[cl[i].ids[k]]++;
			total++;
		}
	}
	assert_int_equal(total, MESSAGES);
	for (int id = 1; id <= 2 * MESSAGES; id++)
		assert_in_range(seen[id], 0, 1);
	store_close(s[0]);
	store_close(s[1]);
}

/* A read transaction sees one snapshot: a write committed meanwhile is not in it. */
static enum sh_code put_v(struct store_conn *c, void *arg, struct sh_error *err)
{
	return store_setting_set(c, "k", arg, err);
}

static void reads_see_one_snapshot(void **state)
{
	struct sh_error err = SH_ERROR_INIT;
	struct arena a = ARENA_INIT;
	struct store *s = open_store(true);
	struct store_conn *c;
	char *v;

	UNUSED(state);
	assert_int_equal(store_write(s, put_v, "one", &err), SH_OK);
	assert_int_equal(store_read_begin(s, &c, &err), SH_OK);
	assert_int_equal(store_setting_get(c, "k", &a, &v, &err), SH_OK);
	assert_string_equal(v, "one");
	assert_int_equal(store_write(s, put_v, "two", &err), SH_OK);
	assert_int_equal(store_setting_get(c, "k", &a, &v, &err), SH_OK);
	assert_string_equal(v, "one");
	store_read_end(c);
	assert_int_equal(store_read_begin(s, &c, &err), SH_OK);
	assert_int_equal(store_setting_get(c, "k", &a, &v, &err), SH_OK);
	assert_string_equal(v, "two");
	store_read_end(c);
	store_close(s);
	arena_release(&a);
}

/* A statement is written once with SQLite's ?N: PostgreSQL prepares it with $N, in any
 * order and reused; a ? it cannot translate (in quotes, or not numbered) is refused loudly,
 * never run mistranslated. */
static void placeholders_written_once(void **state)
{
	static const char minus[] = "SELECT CAST(?2 AS BIGINT) - ?1, '''' || ?3 || ''''";
	static const char quoted[] = "SELECT 'why?' || ?1";
	static const char bare[] = "SELECT ?1::jsonb ? 'key'";
	struct sh_error err = SH_ERROR_INIT;
	struct arena a = ARENA_INIT;
	struct store *s = open_store(true);
	struct store_conn *c;
	char *t;

	UNUSED(state);
	t = pg_placeholders("SELECT $1, ?12, 'a''?''b', \"q?\" FROM x WHERE y = ?3", &err);
	assert_null(t);
	assert_int_equal(err.code, SH_EINTERNAL);
	sh_error_init(&err);
	t = pg_placeholders("SELECT $1, ?12, 'a''b', \"q\" FROM x WHERE y = ?3", &err);
	assert_string_equal(t, "SELECT $1, $12, 'a''b', \"q\" FROM x WHERE y = $3");
	free(t);

	assert_int_equal(store_read_begin(s, &c, &err), SH_OK);
	for (int i = 0; i < 2; i++) { /* prepared, then taken from the cache */
		PGresult *res = pg_exec(pconn_of(c), minus,
					SQ_VALS(sq_int(40), sq_int(42 + i), sq_text("x")), &err);
		assert_non_null(res);
		assert_int_equal(pg_col_int(res, 0, 0), 2 + i);
		assert_string_equal(pg_col_text(res, 0, 1, &a), "'x'");
		PQclear(res);
	}
	assert_null(pg_exec(pconn_of(c), quoted, SQ_VALS(sq_text("x")), &err));
	assert_int_equal(err.code, SH_EINTERNAL);
	sh_error_init(&err);
	assert_null(pg_exec(pconn_of(c), bare, SQ_VALS(sq_text("{}")), &err));
	assert_int_equal(err.code, SH_EINTERNAL);
	store_read_end(c);
	store_close(s);
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(peek_version_reads_the_schema, setup),
		cmocka_unit_test_setup(missing_database_refused_without_create, setup),
		cmocka_unit_test_setup(newer_schema_refused_untouched, setup),
		cmocka_unit_test_setup(schema_version_numbered_as_sqlite, setup),
		cmocka_unit_test_setup(durability_off_refused, setup),
		cmocka_unit_test_setup(concurrent_starts_migrate_once, setup),
		cmocka_unit_test_setup(agencies_and_users, setup),
		cmocka_unit_test_setup(sign_in_records, setup),
		cmocka_unit_test_setup(two_servers_one_key_one_chain, setup),
		cmocka_unit_test_setup(rows_linked_in_commit_order, setup),
		cmocka_unit_test_setup(forged_row_not_linked, setup),
		cmocka_unit_test_setup(outbox_claimed_once_across_servers, setup),
		cmocka_unit_test_setup(reads_see_one_snapshot, setup),
		cmocka_unit_test_setup(placeholders_written_once, setup),
	};

	if (!testdb_pg_url()) {
		printf("store_pg: skipped, SAFEHARBOR_PG_URL is not set (make test-pg)\n");
		return 0;
	}
	return cmocka_run_group_tests_name("store_pg", tests, NULL, NULL);
}
