/* The store contract, run against each backend (tests/unit/testdb.h): the tests in
 * both_backends on SQLite and on PostgreSQL, the rest on SQLite. */
#include "lib/common.h"
#include <pthread.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sqlite3.h>
#include "lib/buf.h"
#include "store/audit_chain.h"
#include "store/store.h"
#include "testdb.h"

static struct testdb db; /* the backend of the group running (main) */

static int setup(void **state)
{
	UNUSED(state);
	return testdb_setup(&db, "store");
}

static int teardown(void **state)
{
	UNUSED(state);
	return testdb_teardown(&db);
}

static const unsigned char chain_key[AUDIT_CHAIN_KEY_LEN] = "test-audit-chain-key-32-bytes!!";

static struct store *open_store(bool create)
{
	struct store_options o = { .create = create, .read_conns = 2, .audit_key = chain_key };
	struct sh_error err = SH_ERROR_INIT;
	struct store *s = NULL;

	if (store_open(db.path, &o, &s, &err))
		fail_msg("store_open: %s", err.detail);
	return s;
}

struct kv {
	const char *key, *value;
	bool fail;
};

static enum sh_code put(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct kv *kv = arg;
	enum sh_code rc = store_setting_set(c, kv->key, kv->value, err);

	if (!rc && kv->fail)
		return sh_error_set(err, SH_EINVAL, "asked to fail after writing");
	return rc;
}

static char *get(struct store *s, const char *key, struct arena *a)
{
	struct sh_error err = SH_ERROR_INIT;
	struct store_conn *c;
	char *v = NULL;

	assert_int_equal(store_read_begin(s, &c, &err), SH_OK);
	assert_int_equal(store_setting_get(c, key, a, &v, &err), SH_OK);
	store_read_end(c);
	return v;
}

static void missing_database_refused_without_create(void **state)
{
	struct store_options o = { .create = false };
	struct sh_error err = SH_ERROR_INIT;
	struct store *s = NULL;

	UNUSED(state);
	assert_int_equal(store_open(db.path, &o, &s, &err), SH_ESCHEMA);
	assert_null(s);
	assert_non_null(strstr(err.detail, "safeharbor init"));
}

static void migrations_idempotent_and_data_kept(void **state)
{
	struct sh_error err = SH_ERROR_INIT;
	struct arena a = ARENA_INIT;
	struct kv kv = { "county", "Los Angeles", false };
	struct store *s = open_store(true);

	UNUSED(state);
	assert_int_equal(store_schema_version(s), store_schema_latest());
	assert_int_equal(store_write(s, put, &kv, &err), SH_OK);
	store_close(s);
	/* "init" again: same schema, same data */
	s = open_store(true);
	assert_int_equal(store_schema_version(s), store_schema_latest());
	assert_string_equal(get(s, "county", &a), "Los Angeles");
	store_close(s);
	arena_release(&a);
}

static void newer_schema_refused_untouched(void **state)
{
	struct store_options o = { .create = true };
	struct sh_error err = SH_ERROR_INIT;
	struct store *s = open_store(true);
	sqlite3 *sq;

	UNUSED(state);
	store_close(s);
	assert_int_equal(sqlite3_open(db.path, &sq), SQLITE_OK);
	assert_int_equal(sqlite3_exec(sq, "PRAGMA user_version=999", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(sq);
	assert_int_equal(store_open(db.path, &o, &s, &err), SH_ESCHEMA);
	assert_non_null(strstr(err.detail, "newer"));
	assert_int_equal(sqlite3_open(db.path, &sq), SQLITE_OK);
	{
		sqlite3_stmt *st;
		sqlite3_prepare_v2(sq, "PRAGMA user_version", -1, &st, NULL);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(st, 0), 999);
		sqlite3_finalize(st);
	}
	sqlite3_close(sq);
}

struct writer_arg {
	struct store *s;
	int id;
	enum sh_code rc[50];
};

static void *writer(void *p)
{
	struct writer_arg *w = p;

	for (int i = 0; i < 50; i++) {
		char key[32];
		struct kv kv = { key, "v", (i % 10) == 7 };
		struct sh_error err = SH_ERROR_INIT;

		snprintf(key, sizeof(key), "t%d-%d", w->id, i);
		w->rc[i] = store_write(w->s, put, &kv, &err);
	}
	return NULL;
}

static void group_commit_rolls_back_only_the_failed(void **state)
{
	struct store *s = open_store(true);
	struct writer_arg args[8];
	pthread_t th[8];
	struct arena a = ARENA_INIT;

	UNUSED(state);
	for (int t = 0; t < 8; t++) {
		args[t].s = s;
		args[t].id = t;
		pthread_create(&th[t], NULL, writer, &args[t]);
	}
	for (int t = 0; t < 8; t++)
		pthread_join(th[t], NULL);
	store_close(s);
	s = open_store(false);
	for (int t = 0; t < 8; t++) {
		for (int i = 0; i < 50; i++) {
			char key[32];
			char *v;
			snprintf(key, sizeof(key), "t%d-%d", t, i);
			v = get(s, key, &a);
			if ((i % 10) == 7) {
				assert_int_equal(args[t].rc[i], SH_EINVAL);
				assert_null(v);
			} else {
				assert_int_equal(args[t].rc[i], SH_OK);
				assert_non_null(v);
			}
		}
	}
	store_close(s);
	arena_release(&a);
}

struct audit_arg {
	bool fail;
	const char *action;
};

static enum sh_code audit_one(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct audit_arg *a = arg;
	struct audit_entry e = { .at = 1700000000,
				 .user_id = 3,
				 .agency_id = 2,
				 .action = a->action,
				 .case_id = "c1",
				 .outcome = "ok" };
	enum sh_code rc = store_audit_append(c, &e, err);

	return rc ? rc : a->fail ? sh_error_set(err, SH_EINVAL, "fail") : SH_OK;
}

struct chain_check {
	char prev[65];
	int rows;
	bool ok;
	char actions[8][16];
};

static int check_row(const struct audit_entry *e, void *arg)
{
	struct chain_check *cc = arg;
	char h[65];

	audit_chain_mac(chain_key, cc->prev, e, h);
	if (strcmp(e->prev_hash, cc->prev) || strcmp(h, e->hash))
		cc->ok = false;
	memcpy(cc->prev, e->hash, 65);
	if (cc->rows < 8)
		snprintf(cc->actions[cc->rows], 16, "%s", e->action);
	cc->rows++;
	return 0;
}

static void audit_chain_survives_rollback(void **state)
{
	struct store *s = open_store(true);
	struct sh_error err = SH_ERROR_INIT;
	struct audit_arg ok1 = { false, "a1" }, bad = { true, "bad" }, ok2 = { false, "a2" };
	struct chain_check cc = { AUDIT_CHAIN_GENESIS, 0, true };
	struct store_conn *c;

	UNUSED(state);
	assert_int_equal(store_write(s, audit_one, &ok1, &err), SH_OK);
	assert_int_equal(store_write(s, audit_one, &bad, &err), SH_EINVAL);
	assert_int_equal(store_write(s, audit_one, &ok2, &err), SH_OK);
	store_close(s);
	s = open_store(false);
	assert_int_equal(store_write(s, audit_one, &ok1, &err), SH_OK);
	/* (PostgreSQL: the row just committed linked, as a reader of the chain does) */
	assert_int_equal(store_audit_link_all(s, NULL, &err), SH_OK);
	assert_int_equal(store_read_begin(s, &c, &err), SH_OK);
	assert_int_equal(store_audit_scan(c, check_row, &cc, &err), SH_OK);
	store_read_end(c);
	assert_true(cc.ok);
	assert_int_equal(cc.rows, 3);
	assert_string_equal(cc.actions[1], "a2");
	store_close(s);
}

/* What store_write_async's callback saw; the test thread waits for it. */
struct async_probe {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int calls;
	enum sh_code rc;
	int rows_seen; /* audit rows a fresh read transaction saw from inside the callback */
	struct store *s;
};

static int count_row(const struct audit_entry *e, void *arg)
{
	UNUSED(e);
	(*(int *)arg)++;
	return 0;
}

static void async_done(void *arg, enum sh_code rc, const struct sh_error *err)
{
	struct async_probe *p = arg;
	struct sh_error rerr = SH_ERROR_INIT;
	struct store_conn *c;
	int rows = 0;

	UNUSED(err);
	/* committed before the callback: another connection already sees the row (a read from
	 * the writer thread, which a real callback would not do: a test may block it) */
	if (!store_read_begin(p->s, &c, &rerr)) {
		store_audit_scan(c, count_row, &rows, &rerr);
		store_read_end(c);
	}
	pthread_mutex_lock(&p->mu);
	p->calls++;
	p->rc = rc;
	p->rows_seen = rows;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

static void async_wait(struct async_probe *p, int calls)
{
	pthread_mutex_lock(&p->mu);
	while (p->calls < calls)
		pthread_cond_wait(&p->cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

static void async_write_calls_back_once_after_its_commit(void **state)
{
	struct store *s = open_store(true);
	struct audit_arg ok = { false, "a1" }, bad = { true, "bad" };
	struct async_probe p = {
		PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, SH_OK, 0, s
	};

	UNUSED(state);
	store_write_async(s, audit_one, &ok, async_done, &p);
	async_wait(&p, 1);
	assert_int_equal(p.rc, SH_OK);
	assert_int_equal(p.rows_seen, 1);
	/* a write that fails is undone and called back with its error */
	store_write_async(s, audit_one, &bad, async_done, &p);
	async_wait(&p, 2);
	assert_int_equal(p.rc, SH_EINVAL);
	assert_int_equal(p.rows_seen, 1);
	store_close(s);
	assert_int_equal(p.calls, 2);
}

/* A case with its parents, so derived step rows can be stored for it. */
static enum sh_code make_case(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct agency_rec ag = { .name = "Agency", .kind = "law_enforcement", .created_at = 1 };
	struct protocol_rec p = { .name = "p",
				  .version = "1",
				  .effective = "2015-01-01",
				  .text = "x",
				  .sha = "s",
				  .loaded_at = 1 };
	struct youth_rec y = { .identity = (const unsigned char *)"sealed",
			       .identity_len = 6,
			       .created_at = 1 };
	struct case_rec r = { .id = "SH-STEPS",
			      .recovery_no = 1,
			      .identified_at = 100,
			      .recorded_at = 100,
			      .area = "compton",
			      .youth_status = "none",
			      .identified_by_user = 1,
			      .age = 15 };
	enum sh_code rc;

	UNUSED(arg);
	if ((rc = store_agency_insert(c, &ag, err)) || (rc = store_protocol_put(c, &p, err)) ||
	    (rc = store_youth_insert(c, &y, err)))
		return rc;
	r.youth_id = y.id;
	r.identified_by_agency = ag.id;
	r.protocol_id = p.id;
	return store_case_insert(c, &r, err);
}

struct steps {
	const struct step_rec *rows;
	size_t n;
};

static enum sh_code put_steps(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct steps *s = arg;

	return store_steps_replace(c, "SH-STEPS", s->rows, s->n, err);
}

static void check_steps(struct store *s, const struct step_rec *want, size_t n)
{
	struct sh_error err = SH_ERROR_INIT;
	struct arena a = ARENA_INIT;
	struct store_conn *c;
	struct step_rec *got;
	size_t ngot;

	assert_int_equal(store_read_begin(s, &c, &err), SH_OK);
	assert_int_equal(store_steps_list(c, "SH-STEPS", &a, &got, &ngot, &err), SH_OK);
	store_read_end(c);
	assert_int_equal(ngot, n);
	for (size_t i = 0; i < n; i++) {
		const struct step_rec *w = NULL;
		for (size_t k = 0; k < n; k++)
			if (!strcmp(want[k].step, got[i].step) && want[k].episode == got[i].episode)
				w = &want[k];
		assert_non_null(w);
		assert_string_equal(got[i].state, w->state);
		assert_int_equal(got[i].due_at, w->due_at);
		assert_int_equal(got[i].done_at, w->done_at);
		assert_int_equal(got[i].opened_at, w->opened_at);
		if (w->owner)
			assert_string_equal(got[i].owner, w->owner);
		else
			assert_null(got[i].owner);
		if (w->also_owner)
			assert_string_equal(got[i].also_owner, w->also_owner);
		else
			assert_null(got[i].also_owner);
	}
	arena_release(&a);
}

static void steps_replace_leaves_exactly_the_new_rows(void **state)
{
	const struct step_rec first[] = {
		{ "a", 0, "medical", NULL, "pending", 100, 200, 0 },
		{ "b", 0, "advocacy", "prosecutor", "pending", 100, 300, 0 },
		{ "c", 1, NULL, NULL, "pending", 100, 400, 0 },
	};
	/* a unchanged, b done and its second owner gone, c gone, c episode 2 new */
	const struct step_rec second[] = {
		{ "b", 0, "advocacy", NULL, "done", 100, 300, 250 },
		{ "a", 0, "medical", NULL, "pending", 100, 200, 0 },
		{ "c", 2, "medical", NULL, "pending", 150, 500, 0 },
	};
	struct sh_error err = SH_ERROR_INIT;
	struct store *s;
	struct steps w;

	UNUSED(state);
	s = open_store(true);
	assert_int_equal(store_write(s, make_case, NULL, &err), SH_OK);
	w = (struct steps){ first, ARRAY_SIZE(first) };
	assert_int_equal(store_write(s, put_steps, &w, &err), SH_OK);
	check_steps(s, first, ARRAY_SIZE(first));
	w = (struct steps){ second, ARRAY_SIZE(second) };
	assert_int_equal(store_write(s, put_steps, &w, &err), SH_OK);
	check_steps(s, second, ARRAY_SIZE(second));
	assert_int_equal(store_write(s, put_steps, &w, &err), SH_OK); /* nothing changes */
	check_steps(s, second, ARRAY_SIZE(second));
	w = (struct steps){ NULL, 0 };
	assert_int_equal(store_write(s, put_steps, &w, &err), SH_OK);
	check_steps(s, NULL, 0);
	store_close(s);
}

/* An identification and the reads of its case, as the API makes them: the case with its
 * youth, its agencies, its timeline (each event anchored in the audit chain), what the
 * agency owes, pages of the list. */
static enum sh_code identify_case(struct store_conn *c, void *arg, struct sh_error *err)
{
	const struct step_rec steps[] = {
		{ "a", 0, "law_enforcement", NULL, "pending", 100, 300, 0 },
		{ "b", 0, "medical", "law_enforcement", "pending", 100, 200, 0 },
	};
	struct event_rec ev = { .case_id = "SH-STEPS",
				.type = "identified",
				.section = "le",
				.at = 100,
				.recorded_at = 101,
				.user_id = 1,
				.agency_id = 1,
				.data = "{\"k\":1}",
				.sealed = (const unsigned char *)"\0\1",
				.sealed_len = 2 };
	struct event_rec fix = { .case_id = "SH-STEPS",
				 .type = "note",
				 .section = "le",
				 .at = 110,
				 .recorded_at = 111,
				 .user_id = 1,
				 .agency_id = 1 };
	enum sh_code rc;

	UNUSED(arg);
	if ((rc = make_case(c, NULL, err)) ||
	    (rc = store_case_agency_add(c, "SH-STEPS", 1, "identified", 100, err)) ||
	    (rc = store_event_insert(c, &ev, err)))
		return rc;
	fix.amends = ev.id;
	if ((rc = store_event_insert(c, &fix, err)))
		return rc;
	return store_steps_replace(c, "SH-STEPS", steps, ARRAY_SIZE(steps), err);
}

static int count_anchored(const struct event_chain_rec *e, void *arg)
{
	if (e->anchor_seq > 0 && e->anchor_mac)
		(*(int *)arg)++;
	return 0;
}

static void case_and_timeline_read_back(void **state)
{
	struct sh_error err = SH_ERROR_INIT;
	struct arena a = ARENA_INIT;
	struct store *s = open_store(true);
	struct store_conn *c;
	struct case_rec k;
	struct case_agency_rec *ag;
	struct event_rec *ev;
	struct owed_rec *owed;
	struct case_query q = { .agency_id = 1, .owner = "law_enforcement", .limit = 10 };
	char **ids;
	size_t n;
	bool joined;
	int64_t left, orphan, orphan_event;
	int anchored = 0, recoveries;
	struct csec_rec *csec;
	int64_t as_of;

	UNUSED(state);
	assert_int_equal(store_write(s, identify_case, NULL, &err), SH_OK);
	/* (PostgreSQL: the anchors just committed linked, as a reader of the chain does) */
	assert_int_equal(store_audit_link_all(s, NULL, &err), SH_OK);
	assert_int_equal(store_read_begin(s, &c, &err), SH_OK);
	assert_int_equal(store_case_get(c, "SH-STEPS", &a, &k, &err), SH_OK);
	assert_string_equal(k.area, "compton");
	assert_int_equal(k.age, 15);
	assert_int_equal(k.identity_len, 6);
	assert_memory_equal(k.identity, "sealed", 6);
	assert_string_equal(k.indicators, "[]");
	assert_int_equal(store_case_get(c, "SH-NONE", &a, &k, &err), SH_ENOTFOUND);
	assert_int_equal(store_youth_recoveries(c, 1, &recoveries, &err), SH_OK);
	assert_int_equal(recoveries, 1);
	assert_int_equal(store_case_agencies(c, "SH-STEPS", &a, &ag, &n, &err), SH_OK);
	assert_int_equal(n, 1);
	assert_string_equal(ag[0].name, "Agency");
	assert_int_equal(store_case_agency_of(c, "SH-STEPS", 1, &joined, &left, &err), SH_OK);
	assert_true(joined);
	assert_int_equal(store_events_list(c, "SH-STEPS", &a, &ev, &n, &err), SH_OK);
	assert_int_equal(n, 2);
	assert_string_equal(ev[0].data, "{\"k\":1}");
	assert_int_equal(ev[0].sealed_len, 2);
	assert_memory_equal(ev[0].sealed, "\0\1", 2);
	assert_string_equal(ev[1].data, "{}");
	assert_int_equal(ev[1].amends, ev[0].id);
	assert_null(ev[1].sealed);
	assert_int_equal(store_events_by_type(c, "note", 0, 1000, 0, 10, &a, &ev, &n, &err), SH_OK);
	assert_int_equal(n, 1);
	assert_string_equal(ev[0].case_area, "compton");
	assert_int_equal(store_event_chain_scan(c, count_anchored, &anchored, &err), SH_OK);
	assert_int_equal(anchored, 2);
	assert_int_equal(store_audit_orphan_anchor(c, &orphan, &orphan_event, &err), SH_OK);
	assert_int_equal(orphan, 0);
	/* the case at its earliest step the agency's kind owns (b, owned second) */
	assert_int_equal(store_case_query(c, &q, &a, &owed, &n, &err), SH_OK);
	assert_int_equal(n, 1);
	assert_string_equal(owed[0].step, "b");
	assert_int_equal(owed[0].due_at, 200);
	assert_int_equal(owed[0].opened_at, 100);
	/* the next page is empty; so is another kind's list, past the cases with nothing due */
	q.after_due = 200;
	q.after_id = "SH-STEPS";
	assert_int_equal(store_case_query(c, &q, &a, &owed, &n, &err), SH_OK);
	assert_int_equal(n, 0);
	q = (struct case_query){ .agency_id = 1, .owner = "advocacy", .limit = 10 };
	assert_int_equal(store_case_query(c, &q, &a, &owed, &n, &err), SH_OK);
	assert_int_equal(n, 1);
	assert_null(owed[0].step);
	q.after_due = INT64_MAX;
	q.after_id = "SH-STEPS";
	assert_int_equal(store_case_query(c, &q, &a, &owed, &n, &err), SH_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_case_ids(c, &a, &ids, &n, &err), SH_OK);
	assert_int_equal(n, 1);
	assert_string_equal(ids[0], "SH-STEPS");
	/* the state's indicators, and when the data was last written */
	assert_int_equal(store_csec_list(c, 0, 1000, NULL, &a, &csec, &n, &err), SH_OK);
	assert_int_equal(n, 1);
	assert_string_equal(csec[0].status, "none");
	assert_false(csec[0].missing_at_identification);
	assert_null(csec[0].confirmed);
	assert_int_equal(store_csec_list(c, 0, 10, "SH-STEPS", &a, &csec, &n, &err), SH_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_report_as_of(c, &as_of, &err), SH_OK);
	assert_int_equal(as_of, 111);
	store_read_end(c);
	store_close(s);
	arena_release(&a);
}

/* A prosecution with its defendant (the name sealed: bytes), hearing and witness, read back
 * by the case and on the agency's agenda; a second prosecution with the number is refused. */
static enum sh_code prosecute(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct prosecution_rec p = { .agency_id = 1,
				     .court_case_number = "BA-1",
				     .court = "Synthetic Court",
				     .charges = "[\"236.1\"]",
				     .filed_at = 100 };
	struct prosecution_rec again = p;
	struct defendant_rec d = { .role = "buyer",
				   .name_sealed = (const unsigned char *)"\1\0x",
				   .name_len = 3,
				   .charges = "[]" };
	struct hearing_rec h = { .kind = "trial", .at = 500 };
	struct witness_rec w = { .case_id = "SH-STEPS", .listed_at = 120 };
	enum sh_code rc;

	UNUSED(arg);
	if ((rc = identify_case(c, NULL, err)) || (rc = store_prosecution_insert(c, &p, err)))
		return rc;
	rc = store_prosecution_insert(c, &again, err);
	if (rc != SH_ECONFLICT || strcmp(err->fields[0].field, "court_case_number"))
		return sh_error_set(err, SH_EINTERNAL, "a second BA-1 was not refused");
	sh_error_init(err);
	d.prosecution_id = h.prosecution_id = w.prosecution_id = p.id;
	if ((rc = store_defendant_insert(c, &d, err)) || (rc = store_hearing_insert(c, &h, err)) ||
	    (rc = store_witness_insert(c, &w, err)))
		return rc;
	return store_prosecution_set_outcome(c, p.id, "plea", 600, err);
}

static void court_records_read_back(void **state)
{
	struct sh_error err = SH_ERROR_INIT;
	struct arena a = ARENA_INIT;
	struct store *s = open_store(true);
	struct store_conn *c;
	struct prosecution_rec *p;
	struct defendant_rec *d;
	struct witness_rec *w;
	struct agenda_hearing_rec *ah;
	struct agenda_query q = {
		.agency_id = 1, .owner = "law_enforcement", .from = 0, .to = 1000, .limit = 10
	};
	size_t n;

	UNUSED(state);
	assert_int_equal(store_write(s, prosecute, NULL, &err), SH_OK);
	assert_int_equal(store_read_begin(s, &c, &err), SH_OK);
	assert_int_equal(store_prosecution_list(c, 1, &a, &p, &n, &err), SH_OK);
	assert_int_equal(n, 1);
	assert_string_equal(p[0].outcome, "plea");
	assert_int_equal(store_defendants_list(c, p[0].id, &a, &d, &n, &err), SH_OK);
	assert_int_equal(n, 1);
	assert_int_equal(d[0].name_len, 3);
	assert_memory_equal(d[0].name_sealed, "\1\0x", 3);
	assert_int_equal(store_witnesses_list(c, "SH-STEPS", 0, &a, &w, &n, &err), SH_OK);
	assert_int_equal(n, 1);
	assert_string_equal(w[0].court_case_number, "BA-1");
	assert_int_equal(store_agenda_hearings(c, &q, &a, &ah, &n, &err), SH_OK);
	assert_int_equal(n, 1);
	assert_string_equal(ah[0].case_id, "SH-STEPS");
	store_read_end(c);
	store_close(s);
	arena_release(&a);
}

/* Finding a case: by the youth's index terms (every one), by a part of its id, overdue;
 * its named worker and the caseloads; a saved filter. */
static enum sh_code index_case(struct store_conn *c, void *arg, struct sh_error *err)
{
	const char *const terms[] = { "t-name", "t-birth" };
	const char *const more[] = { "t-alias" };
	struct user_rec u = { .agency_id = 1,
			      .username = "worker",
			      .display_name = "Synthetic Worker",
			      .role = "member",
			      .password_hash = "x" };
	struct event_rec ev = {
		.case_id = "SH-STEPS", .type = "worker_assigned", .section = "le", .at = 120
	};
	enum sh_code rc;

	UNUSED(arg);
	if ((rc = identify_case(c, NULL, err)) || (rc = store_user_insert(c, &u, err)) ||
	    (rc = store_event_insert(c, &ev, err)) ||
	    (rc = store_youth_search_set(c, 1, 7, terms, 2, err)) ||
	    (rc = store_youth_search_add(c, 1, more, 1, err)) ||
	    (rc = store_youth_search_add(c, 1, more, 1, err)) ||
	    (rc = store_case_worker_set(c, "SH-STEPS", 1, u.id, 120, ev.id, err)) ||
	    (rc = store_case_set_confidential(c, "SH-STEPS", true, err)))
		return rc;
	return store_pref_set(c, u.id, "list", "{\"area\":\"compton\"}", 130, err);
}

static void finding_cases(void **state)
{
	struct sh_error err = SH_ERROR_INIT;
	struct arena a = ARENA_INIT;
	struct store *s = open_store(true);
	struct store_conn *c;
	struct case_search q = { .agency_id = 1,
				 .owner = "law_enforcement",
				 .now = 250,
				 .terms = { "t-alias", "t-birth" },
				 .nterms = 2,
				 .confidential_ok = true,
				 .open = -1,
				 .limit = 10 };
	struct caseload_rec *loads;
	const char **ids;
	char *pref;
	int64_t worker;
	size_t n;

	UNUSED(state);
	assert_int_equal(store_write(s, index_case, NULL, &err), SH_OK);
	assert_int_equal(store_read_begin(s, &c, &err), SH_OK);
	assert_int_equal(store_case_search(c, &q, &a, &ids, &n, &err), SH_OK);
	assert_int_equal(n, 1);
	assert_string_equal(ids[0], "SH-STEPS");
	q.confidential_ok = false; /* PC 293: a name does not find it */
	assert_int_equal(store_case_search(c, &q, &a, &ids, &n, &err), SH_OK);
	assert_int_equal(n, 0);
	q = (struct case_search){ .agency_id = 1,
				  .owner = "law_enforcement",
				  .now = 250,
				  .id_part = "STEP",
				  .open = 1,
				  .overdue = true,
				  .limit = 10 };
	assert_int_equal(store_case_search(c, &q, &a, &ids, &n, &err), SH_OK);
	assert_int_equal(n, 1);
	q.open = 0;
	assert_int_equal(store_case_search(c, &q, &a, &ids, &n, &err), SH_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_case_worker_get(c, "SH-STEPS", 1, &worker, &err), SH_OK);
	assert_true(worker > 0);
	assert_int_equal(store_caseloads(c, 1, "law_enforcement", 250, &a, &loads, &n, &err),
			 SH_OK);
	assert_int_equal(n, 2); /* the worker, then nobody */
	assert_int_equal(loads[0].user_id, worker);
	assert_int_equal(loads[0].open_cases, 1);
	assert_int_equal(loads[0].overdue_steps, 1);
	assert_int_equal(loads[1].open_cases, 0);
	assert_int_equal(store_pref_get(c, worker, "list", &a, &pref, &err), SH_OK);
	assert_string_equal(pref, "{\"area\":\"compton\"}");
	store_read_end(c);
	store_close(s);
	arena_release(&a);
}

/* Retention and a court order: a closed case held, then released, is a candidate; the
 * youth sealed loses its key and identity (a field-key text on its timeline is cleared
 * and anchored again); key rotation lists and replaces sealed values. */
static enum sh_code close_and_hold(struct store_conn *c, void *arg, struct sh_error *err)
{
	static const unsigned char key[] = { 9, 8, 7 };
	struct hold_rec h = { "SH-STEPS", "litigation", 0, 130 };
	struct event_rec legacy = { .case_id = "SH-STEPS",
				    .type = "note",
				    .section = "le",
				    .at = 125,
				    .recorded_at = 125,
				    .sealed = (const unsigned char *)"\1old",
				    .sealed_len = 4 };
	enum sh_code rc;

	UNUSED(arg);
	if ((rc = identify_case(c, NULL, err)) || (rc = store_event_insert(c, &legacy, err)) ||
	    (rc = store_youth_key_put(c, 1, key, sizeof(key), err)) ||
	    (rc = store_case_set_closed(c, "SH-STEPS", 150, "services_complete", err)) ||
	    (rc = store_hold_set(c, &h, err)))
		return rc;
	return SH_OK;
}

static enum sh_code release_and_seal(struct store_conn *c, void *arg, struct sh_error *err)
{
	enum sh_code rc = store_hold_clear(c, "SH-STEPS", err);

	return rc ? rc : store_youth_seal(c, 1, 200, "court order", arg, err);
}

static enum sh_code reseal_event(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct sealed_rec r = { 1, (const unsigned char *)"\2new", 4 };

	UNUSED(arg);
	return store_sealed_set(c, SEALED_EVENT_TEXT, &r, NULL, err);
}

static void sealing_and_retention(void **state)
{
	struct sh_error err = SH_ERROR_INIT;
	struct arena a = ARENA_INIT;
	struct store *s = open_store(true);
	struct store_conn *c;
	struct hold_rec *holds;
	struct retention_rec *cand;
	struct sealed_rec *sealed, first;
	struct store_gauges g;
	struct case_rec k;
	const unsigned char *key;
	size_t n, len;
	int64_t ncases = 0, youth, sealed_at;

	UNUSED(state);
	assert_int_equal(store_write(s, close_and_hold, NULL, &err), SH_OK);
	/* (PostgreSQL: the gauge counts linked rows: the ones just committed linked) */
	assert_int_equal(store_audit_link_all(s, NULL, &err), SH_OK);
	assert_int_equal(store_read_begin(s, &c, &err), SH_OK);
	assert_int_equal(store_hold_list(c, &a, &holds, &n, &err), SH_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_retention_candidates(c, &a, &cand, &n, &err), SH_OK);
	assert_int_equal(n, 1);
	assert_string_equal(cand[0].case_ids, "SH-STEPS");
	assert_true(cand[0].held);
	assert_int_equal(cand[0].youth_key_len, 3);
	assert_int_equal(store_youth_legacy_texts(c, 1, &a, &sealed, &n, &err), SH_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_sealed_first(c, SEALED_EVENT_TEXT, &a, &first, &err), SH_OK);
	assert_int_equal(first.len, 4);
	assert_int_equal(store_sealed_list(c, SEALED_IDENTITY, &a, &sealed, &n, &err), SH_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_gauges(c, 1000, &a, &g, &err), SH_OK);
	assert_int_equal(g.nkinds, 0); /* the case is closed */
	assert_true(g.audit_rows >= 3);
	store_read_end(c);
	assert_int_equal(store_write(s, release_and_seal, &ncases, &err), SH_OK);
	assert_int_equal(ncases, 1);
	assert_int_equal(store_write(s, release_and_seal, &ncases, &err), SH_ENOTFOUND);
	assert_int_equal(store_read_begin(s, &c, &err), SH_OK);
	assert_int_equal(store_youth_of_case(c, "SH-STEPS", &youth, &sealed_at, &err), SH_OK);
	assert_int_equal(sealed_at, 200);
	assert_int_equal(store_youth_key_get(c, youth, &a, &key, &len, &err), SH_OK);
	assert_null(key);
	assert_int_equal(store_case_get(c, "SH-STEPS", &a, &k, &err), SH_OK);
	assert_int_equal(k.identity_len, 0);
	assert_string_equal(k.sealed_why, "court order");
	assert_int_equal(store_youth_legacy_texts(c, 1, &a, &sealed, &n, &err), SH_OK);
	assert_int_equal(n, 0);
	store_read_end(c);
	assert_int_equal(store_write(s, reseal_event, NULL, &err), SH_OK);
	store_close(s);
	arena_release(&a);
}

/* Every other operation runs once, as a caller would call it, and answers as on SQLite: the
 * SQL of each is checked by the database it runs on (an error names the operation). */
#define RUNS(call)                                                                  \
	do {                                                                        \
		if ((rc = (call)))                                                  \
			return sh_error_set(err, rc, "%s: %s", #call, err->detail); \
	} while (0)
#define THEN(cond)                                                                   \
	do {                                                                         \
		if (!(cond))                                                         \
			return sh_error_set(err, SH_EINTERNAL, "not so: %s", #cond); \
	} while (0)

static enum sh_code every_other(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct arena *a = arg;
	struct user_rec u = { .agency_id = 1,
			      .username = "worker",
			      .display_name = "Synthetic Worker",
			      .role = "supervisor",
			      .password_hash = "x" },
			got, *users;
	struct agency_rec ag = { .id = 1, .name = "Agency Renamed", .home_area = "compton" };
	struct notice_rec no = { .agency_id = 1, .kind = "token", .detail = "d", .created_at = 5 },
			  *notices;
	struct roster_rec ro = { .agency_id = 1, .area = "*", .starts_at = 0, .ends_at = 1000 },
			  rget, *rosters;
	struct channel_rec ch = { .email = "worker@example.test", .updated_at = 5 }, chget;
	struct summons_rec su = { .case_id = "SH-STEPS",
				  .agency_id = 1,
				  .step = "b",
				  .step_title = "B",
				  .due_at = 200,
				  .role = "on_call",
				  .created_at = 100,
				  .stage_at = 100 },
			   sget, *summons;
	struct outbox_rec ob = { .kind = "summons",
				 .role = "on_call",
				 .case_id = "SH-STEPS",
				 .step = "b",
				 .step_title = "B",
				 .area = "compton",
				 .agency_id = 1,
				 .channel = "email",
				 .target = "worker@example.test",
				 .next_attempt_at = 100 },
			  oget, *outbox;
	struct token_rec t = { .hash = "tok", .expires_at = 99 };
	struct case_rec k = { .id = "SH-STEPS", .youth_id = 1 }, *siblings;
	struct audit_view_rec *views;
	struct protocol_rec *protocols;
	struct prosecution_rec pr = { .agency_id = 1,
				      .court_case_number = "BA-2",
				      .court = "C",
				      .charges = "[]",
				      .filed_at = 1 },
			       prget;
	struct hearing_rec *hearings;
	struct step_alert_rec *alerts;
	struct youth_index_rec *unindexed;
	struct sealed_rec *births;
	struct agenda_step_rec *steps;
	struct agenda_query q = {
		.agency_id = 1, .owner = "law_enforcement", .from = 0, .to = 1000, .limit = 10
	};
	struct calendar_feed_rec feed;
	char *stamp, *derived;
	const char *areas[] = { "lancaster", NULL };
	int64_t youth, next;
	bool done;
	size_t n;
	enum sh_code rc;

	RUNS(identify_case(c, NULL, err));
	RUNS(store_user_insert(c, &u, err));
	RUNS(store_user_list(c, 1, a, &users, &n, err));
	THEN(n == 1);
	RUNS(store_user_set_sso(c, u.id, "Worker@IdP.test", err));
	RUNS(store_user_get_sso(c, "worker@idp.test", a, &got, err));
	THEN(got.id == u.id);
	RUNS(store_user_touch(c, u.id, 50, err));
	RUNS(store_users_inactive(c, 60, a, &users, &n, err));
	THEN(n == 1);
	RUNS(store_user_set_password(c, u.id, "y", 51, err));
	u.display_name = "Renamed Worker";
	RUNS(store_user_update(c, &u, err));
	ag.areas = areas;
	RUNS(store_agency_update(c, &ag, err));
	RUNS(store_agency_set_password_signin(c, 1, false, err));
	t.user_id = u.id;
	RUNS(store_token_insert(c, &t, err));
	RUNS(store_token_revoke(c, t.id, 52, err));
	RUNS(store_session_revoke(c, "no-such-session", err));
	RUNS(store_user_revoke_access(c, u.id, 53, err));
	RUNS(store_derived_put(c, "SH-STEPS", "stamp", "[]", err));
	RUNS(store_derived_put(c, "SH-STEPS", "stamp2", "[1]", err));
	RUNS(store_derived_get(c, "SH-STEPS", a, &stamp, &derived, err));
	THEN(!strcmp(stamp, "stamp2") && !strcmp(derived, "[1]"));
	RUNS(store_protocol_list(c, a, &protocols, &n, err));
	THEN(n == 1);
	RUNS(store_youth_find(c, "no-such-index", &youth, err));
	THEN(youth == 0);
	RUNS(store_case_siblings(c, &k, a, &siblings, &n, err));
	THEN(n == 0);
	RUNS(store_audit_for_case(c, "SH-STEPS", 0, NULL, 10, a, &views, &n, err));
	no.subject_id = no.actor_id = u.id;
	RUNS(store_notice_insert(c, &no, err));
	RUNS(store_notice_list(c, 1, 0, 10, a, &notices, &n, err));
	THEN(n == 1);
	RUNS(store_prosecution_insert(c, &pr, err));
	RUNS(store_prosecution_get(c, pr.id, a, &prget, err));
	RUNS(store_hearings_list(c, pr.id, a, &hearings, &n, err));
	ch.user_id = ro.user_id = ro.supervisor_id = ob.user_id = u.id;
	RUNS(store_channels_set(c, &ch, err));
	RUNS(store_channels_get(c, u.id, a, &chget, err));
	THEN(chget.email != NULL);
	RUNS(store_roster_insert(c, &ro, err));
	RUNS(store_roster_get(c, ro.id, a, &rget, err));
	THEN(rget.user_pageable);
	RUNS(store_roster_list(c, 1, NULL, 0, 0, a, &rosters, &n, err));
	THEN(n == 1);
	RUNS(store_roster_at(c, 1, "compton", 10, a, &rget, err));
	THEN(rget.id == ro.id);
	su.roster_id = ro.id;
	RUNS(store_summons_insert(c, &su, &done, err));
	THEN(done);
	sget = su; /* the same cause again: nothing stored (its id 0) */
	RUNS(store_summons_insert(c, &sget, &done, err));
	THEN(!done && !sget.id);
	RUNS(store_summons_get(c, su.id, a, &sget, err));
	RUNS(store_summons_list(c, "SH-STEPS", a, &summons, &n, err));
	THEN(n == 1);
	RUNS(store_summons_due(c, 1000, 10, a, &summons, &n, err));
	THEN(n == 1);
	RUNS(store_summons_open_for(c, 1, a, &summons, &n, err));
	THEN(n == 1);
	RUNS(store_summons_advance(c, su.id, 0, 1, "fallback", 150, &done, err));
	THEN(done);
	ob.summons_id = su.id;
	RUNS(store_outbox_insert(c, &ob, &done, err));
	RUNS(store_outbox_get(c, ob.id, a, &oget, err));
	RUNS(store_outbox_list(c, "SH-STEPS", NULL, 10, a, &outbox, &n, err));
	THEN(n == 1);
	RUNS(store_outbox_list(c, NULL, "pending", 10, a, &outbox, &n, err));
	THEN(n == 1);
	RUNS(store_outbox_next_due(c, &next, err));
	THEN(next == 100);
	RUNS(store_outbox_claim(c, "w", 150, 300, 5, a, &outbox, &n, err));
	THEN(n == 1);
	oget.status = "sent";
	oget.attempts = 1;
	oget.sent_at = 160;
	RUNS(store_outbox_finish(c, &oget, "w", err));
	RUNS(store_outbox_release(c, "w", err));
	RUNS(store_outbox_cancel(c, su.id, err));
	RUNS(store_outbox_ack(c, ob.id, 170, u.id, err));
	RUNS(store_summons_ack(c, su.id, 170, u.id, "web", &done, err));
	THEN(done);
	RUNS(store_step_alert_candidates(c, 1000, 75, 10, a, &alerts, &n, err));
	THEN(n == 2);
	RUNS(store_step_alert_mark(c, "SH-STEPS", "a", 0, "overdue", 1000, "sent", &done, err));
	THEN(done);
	RUNS(store_youth_unindexed(c, 9, 10, a, &unindexed, &n, err));
	THEN(n == 1);
	RUNS(store_youth_verified_births(c, 1, a, &births, &n, err));
	RUNS(store_case_worker_drop(c, u.id, 1, err));
	RUNS(store_agenda_steps(c, &q, a, &steps, &n, err));
	THEN(n == 2);
	RUNS(store_calendar_feed_put(c, u.id, "feed", true, 180, err));
	RUNS(store_calendar_feed_get(c, u.id, &feed, err));
	THEN(feed.mine);
	RUNS(store_calendar_feed_find(c, "feed", a, &feed, &got, err));
	THEN(got.id == u.id);
	RUNS(store_calendar_feed_used(c, u.id, 190, err));
	RUNS(store_calendar_feed_remove(c, u.id, err));
	return store_user_set_disabled(c, u.id, true, 200, err);
}

/* Schema 16's stability_events, kept by the triggers and filled by the migration: the
 * checks, missing-from-care events and placements no entry amends, with the figures'
 * fields (NULL when the data is not JSON) */
static enum sh_code stability_timeline(struct store_conn *c, void *arg, struct sh_error *err)
{
	static const struct {
		const char *type, *data;
		int64_t at, amends;
	} evs[] = {
		{ "stability_check", "{\"stable\":true,\"safe_placement\":false}", 200, 0 },
		{ "stability_check", "{\"stable\":false,\"engaged\":true}", 300, 0 },
		{ "stability_check", "{\"stable\":true,\"engaged\":true}", 300, 2 }, /* amends 2 */
		{ "missing_start", "{}", 400, 0 },
		{ "missing_end", "{}", 500, 0 },
		{ "placement", "{\"setting\":\"detention\"}", 600, 0 },
		{ "placement", "{\"setting\":\"foster\",\"detention\":false}", 700, 0 },
		{ "placement", "{\"setting\":\"foster\",\"detention\":true}", 800, 0 },
		{ "note", "{\"stable\":true}", 900, 0 },
		{ "note", "{}", 950, 6 }, /* amends the detention placement */
		{ "stability_check", "not json", 1000, 0 },
	};
	enum sh_code rc;

	UNUSED(arg);
	if ((rc = make_case(c, NULL, err)))
		return rc;
	for (size_t i = 0; i < ARRAY_SIZE(evs); i++) {
		struct event_rec ev = { .case_id = "SH-STEPS",
					.type = evs[i].type,
					.section = "le",
					.at = evs[i].at,
					.recorded_at = evs[i].at,
					.user_id = 1,
					.agency_id = 1,
					.amends = evs[i].amends,
					.data = evs[i].data };
		if ((rc = store_event_insert(c, &ev, err)))
			return rc;
	}
	return SH_OK;
}

#define STABILITY_ROWS                                                                            \
	"SELECT event_id, case_id, youth_id, type, at, stable, safe_placement, engaged, detained" \
	" FROM stability_events ORDER BY event_id"

/* the stability_events rows, one line each (- for NULL), read through the backend's own
 * client */
static void stability_rows(struct buf *out)
{
	buf_reset(out);
	if (db.pg) {
		PGconn *pg = PQconnectdb(db.path);
		PGresult *res = PQexec(pg, STABILITY_ROWS);

		assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
		for (int r = 0; r < PQntuples(res); r++)
			for (int i = 0; i < PQnfields(res); i++)
				buf_addf(out, "%s%c",
					 PQgetisnull(res, r, i) ? "-" : PQgetvalue(res, r, i),
					 i + 1 < PQnfields(res) ? '|' : '\n');
		PQclear(res);
		PQfinish(pg);
		return;
	}
	sqlite3 *sq;
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_open(db.path, &sq), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(sq, STABILITY_ROWS, -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		for (int i = 0; i < sqlite3_column_count(st); i++) {
			const unsigned char *v = sqlite3_column_text(st, i);
			buf_addf(out, "%s%c", v ? (const char *)v : "-",
				 i + 1 < sqlite3_column_count(st) ? '|' : '\n');
		}
	sqlite3_finalize(st);
	sqlite3_close(sq);
}

/* back to schema 15, as a database written before migration 16 (PostgreSQL: 18's audit
 * table undone too, its rows all linked: the store was closed) */
static void drop_stability_events(void)
{
	if (db.pg) {
		PGconn *pg = PQconnectdb(db.path);
		PGresult *res = PQexec(
			pg, "DROP INDEX audit_seq, audit_unlinked, audit_case_id;"
			    "ALTER TABLE audit DROP COLUMN id, ALTER COLUMN seq SET NOT NULL,"
			    " ALTER COLUMN prev_hash SET NOT NULL,"
			    " ALTER COLUMN hash SET NOT NULL, ADD PRIMARY KEY (seq);"
			    "CREATE INDEX audit_case ON audit(case_id, seq)"
			    " WHERE case_id IS NOT NULL;"
			    "DROP TABLE stability_events;"
			    "DROP FUNCTION stability_events_add() CASCADE;"
			    "DROP FUNCTION stability_events_amended() CASCADE;"
			    "DROP FUNCTION sh_jsonb(text); DROP FUNCTION sh_json_int(jsonb);"
			    "UPDATE safeharbor_schema SET version = 15");

		assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
		PQclear(res);
		PQfinish(pg);
		return;
	}
	sqlite3 *sq;

	assert_int_equal(sqlite3_open(db.path, &sq), SQLITE_OK);
	assert_int_equal(
		sqlite3_exec(sq,
			     "DROP TABLE stability_events; DROP TRIGGER stability_events_add;"
			     "DROP TRIGGER stability_events_amended; PRAGMA user_version = 15",
			     NULL, NULL, NULL),
		SQLITE_OK);
	sqlite3_close(sq);
}

static void stability_events_kept_and_filled(void **state)
{
	static const char want[] = "1|SH-STEPS|1|stability_check|200|1|0|-|-\n"
				   "3|SH-STEPS|1|stability_check|300|1|-|1|-\n"
				   "4|SH-STEPS|1|missing_start|400|-|-|-|-\n"
				   "5|SH-STEPS|1|missing_end|500|-|-|-|-\n"
				   "7|SH-STEPS|1|placement|700|-|-|-|0\n"
				   "8|SH-STEPS|1|placement|800|-|-|-|1\n"
				   "11|SH-STEPS|1|stability_check|1000|-|-|-|-\n";
	struct sh_error err = SH_ERROR_INIT;
	struct buf got = BUF_INIT;
	struct store *s = open_store(true);

	UNUSED(state);
	if (store_write(s, stability_timeline, NULL, &err))
		fail_msg("%s", err.detail);
	store_close(s);
	stability_rows(&got);
	assert_string_equal(got.data, want);
	/* a database of schema 15 with this timeline: migration 16 fills the same rows (and
	 * 17 keeps 16's triggers' rows) */
	drop_stability_events();
	s = open_store(true);
	assert_int_equal(store_schema_version(s), store_schema_latest());
	store_close(s);
	stability_rows(&got);
	assert_string_equal(got.data, want);
	buf_release(&got);
}

/* A case with a row of every kind store_case_records reads: the youth's key, two agencies
 * that joined together (their names sort apart only without case: NOCASE), a named worker,
 * an amended and a sealed entry, two later recoveries (added out of order, agency 1 in one
 * of them only), a witness listing with its hearing and the kept derivation. */
static enum sh_code every_kind(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct agency_rec ag = { .name = "advocates", .kind = "advocacy", .created_at = 1 };
	struct user_rec u = { .agency_id = 1,
			      .username = "worker",
			      .display_name = "Synthetic Worker",
			      .role = "member",
			      .password_hash = "x",
			      .created_at = 1 };
	struct youth_rec y = { .identity = (const unsigned char *)"other",
			       .identity_len = 5,
			       .created_at = 1,
			       .youth_key = (const unsigned char *)"key",
			       .youth_key_len = 3 };
	struct case_rec later = { .recovery_no = 3,
				  .identified_at = 300,
				  .recorded_at = 300,
				  .area = "compton",
				  .youth_status = "none",
				  .identified_by_user = 1,
				  .identified_by_agency = 1,
				  .protocol_id = 1,
				  .age = 16 };
	enum sh_code rc;

	UNUSED(arg);
	if ((rc = prosecute(c, NULL, err)) || (rc = store_agency_insert(c, &ag, err)) ||
	    (rc = store_user_insert(c, &u, err)) ||
	    (rc = store_case_agency_add(c, "SH-STEPS", ag.id, "routed", 100, err)) ||
	    (rc = store_case_worker_set(c, "SH-STEPS", 1, u.id, 120, 1, err)) ||
	    (rc = store_youth_insert(c, &y, err)))
		return rc;
	later.youth_id = 1;
	later.id = "SH-STEPS-3";
	if ((rc = store_case_insert(c, &later, err)) ||
	    (rc = store_case_agency_add(c, "SH-STEPS-3", 1, "identified", 300, err)))
		return rc;
	later.id = "SH-STEPS-2";
	later.recovery_no = 2;
	later.identified_at = 200;
	if ((rc = store_case_insert(c, &later, err)))
		return rc;
	/* another youth's recovery: none of this case's */
	later.id = "SH-OTHER";
	later.youth_id = y.id;
	later.recovery_no = 1;
	if ((rc = store_case_insert(c, &later, err)))
		return rc;
	return store_derived_put(c, "SH-STEPS", "stamp", "[\"kept\"]", err);
}

static void same_case(const struct case_rec *a, const struct case_rec *b)
{
	assert_string_equal(a->id, b->id);
	assert_int_equal(a->youth_id, b->youth_id);
	assert_int_equal(a->recovery_no, b->recovery_no);
	assert_int_equal(a->identified_at, b->identified_at);
	assert_int_equal(a->recorded_at, b->recorded_at);
	assert_string_equal(a->area, b->area);
	assert_string_equal(a->youth_status, b->youth_status);
	assert_int_equal(a->identified_by_agency, b->identified_by_agency);
	assert_int_equal(a->identified_by_user, b->identified_by_user);
	assert_int_equal(a->protocol_id, b->protocol_id);
	assert_int_equal(a->age, b->age);
	assert_int_equal(a->age_estimated, b->age_estimated);
	assert_int_equal(a->last_assault_at, b->last_assault_at);
	assert_int_equal(a->name_confidential, b->name_confidential);
	assert_string_equal(a->indicators, b->indicators);
	assert_int_equal(a->closed_at, b->closed_at);
	assert_int_equal(a->identity_len, b->identity_len);
	if (a->identity_len)
		assert_memory_equal(a->identity, b->identity, a->identity_len);
	assert_int_equal(a->youth_key_len, b->youth_key_len);
	if (a->youth_key_len)
		assert_memory_equal(a->youth_key, b->youth_key, a->youth_key_len);
	assert_int_equal(a->sealed_at, b->sealed_at);
	assert_true(a->gender == b->gender || !strcmp(a->gender, b->gender));
	assert_true(a->close_reason == b->close_reason ||
		    !strcmp(a->close_reason, b->close_reason));
	assert_true(a->sealed_why == b->sealed_why || !strcmp(a->sealed_why, b->sealed_why));
}

static void same_text(const char *a, const char *b)
{
	if (a || b)
		assert_true(a && b && !strcmp(a, b));
}

/* store_case_records gives what the single operations give, in their order (SQLite reads
 * it in one statement; PostgreSQL composes the operations) */
static void case_records_as_the_single_operations(void **state)
{
	struct sh_error err = SH_ERROR_INIT;
	struct arena a = ARENA_INIT;
	struct store *s = open_store(true);
	struct store_conn *c;
	struct case_records r;
	struct case_rec k, *sib;
	struct case_agency_rec *ag;
	struct event_rec *ev;
	struct witness_rec *w;
	char *stamp, *steps;
	size_t nag, nev, nsib, nw;

	UNUSED(state);
	assert_int_equal(store_write(s, every_kind, NULL, &err), SH_OK);
	assert_int_equal(store_read_begin(s, &c, &err), SH_OK);
	assert_int_equal(store_case_get(c, "SH-STEPS", &a, &k, &err), SH_OK);
	assert_int_equal(store_case_agencies(c, "SH-STEPS", &a, &ag, &nag, &err), SH_OK);
	assert_int_equal(store_events_list(c, "SH-STEPS", &a, &ev, &nev, &err), SH_OK);
	assert_int_equal(store_case_siblings(c, &k, &a, &sib, &nsib, &err), SH_OK);
	assert_int_equal(store_witnesses_list(c, "SH-STEPS", 0, &a, &w, &nw, &err), SH_OK);
	assert_int_equal(store_derived_get(c, "SH-STEPS", &a, &stamp, &steps, &err), SH_OK);
	assert_int_equal(store_case_records(c, "SH-STEPS", 1, true, &a, &r, &err), SH_OK);
	/* every kind is there, more than one where a list has an order */
	assert_int_equal(nag, 2);
	assert_int_equal(nev, 2);
	assert_int_equal(nsib, 2);
	assert_int_equal(nw, 1);
	assert_string_equal(ag[0].name, "advocates"); /* NOCASE: before "Agency" */
	assert_int_equal(sib[0].recovery_no, 2);
	same_case(&r.c, &k);
	assert_int_equal(r.nagencies, nag);
	for (size_t i = 0; i < nag; i++) {
		assert_int_equal(r.agencies[i].agency_id, ag[i].agency_id);
		assert_string_equal(r.agencies[i].name, ag[i].name);
		assert_string_equal(r.agencies[i].kind, ag[i].kind);
		assert_string_equal(r.agencies[i].reason, ag[i].reason);
		assert_int_equal(r.agencies[i].joined_at, ag[i].joined_at);
		assert_int_equal(r.agencies[i].left_at, ag[i].left_at);
		assert_int_equal(r.agencies[i].worker_id, ag[i].worker_id);
		same_text(r.agencies[i].worker_name, ag[i].worker_name);
		assert_int_equal(r.agencies[i].worker_since, ag[i].worker_since);
	}
	assert_int_equal(r.nevents, nev);
	for (size_t i = 0; i < nev; i++) {
		const struct event_rec *x = &r.events[i], *y = &ev[i];
		assert_int_equal(x->id, y->id);
		assert_string_equal(x->case_id, y->case_id);
		assert_string_equal(x->type, y->type);
		assert_string_equal(x->section, y->section);
		assert_int_equal(x->at, y->at);
		assert_int_equal(x->recorded_at, y->recorded_at);
		assert_int_equal(x->user_id, y->user_id);
		assert_int_equal(x->agency_id, y->agency_id);
		assert_int_equal(x->amends, y->amends);
		same_text(x->data, y->data);
		assert_int_equal(x->sealed_len, y->sealed_len);
		if (x->sealed_len)
			assert_memory_equal(x->sealed, y->sealed, x->sealed_len);
		same_text(x->author, y->author);
		same_text(x->agency_name, y->agency_name);
		same_text(x->agency_kind, y->agency_kind);
	}
	assert_int_equal(r.nsiblings, nsib);
	for (size_t i = 0; i < nsib; i++) {
		bool joined;
		int64_t left_at;
		same_case(&r.siblings[i], &sib[i]);
		assert_int_equal(store_case_agency_of(c, sib[i].id, 1, &joined, &left_at, &err),
				 SH_OK);
		assert_int_equal(r.sibling_joined[i], joined);
		assert_int_equal(r.sibling_left_at[i], left_at);
	}
	assert_true(r.sibling_joined[1] && !r.sibling_joined[0]);
	assert_int_equal(r.nwitnesses, nw);
	assert_int_equal(r.witnesses[0].id, w[0].id);
	assert_int_equal(r.witnesses[0].prosecution_id, w[0].prosecution_id);
	assert_string_equal(r.witnesses[0].case_id, w[0].case_id);
	assert_int_equal(r.witnesses[0].listed_at, w[0].listed_at);
	assert_int_equal(r.witnesses[0].prosecutor_agency_id, w[0].prosecutor_agency_id);
	assert_string_equal(r.witnesses[0].court_case_number, w[0].court_case_number);
	assert_string_equal(r.witnesses[0].charges, w[0].charges);
	assert_string_equal(r.derived_stamp, stamp);
	assert_string_equal(r.derived_steps, steps);
	/* without the derivation; with no agency (no sibling joined); a case that is not there */
	assert_int_equal(store_case_records(c, "SH-STEPS", 0, false, &a, &r, &err), SH_OK);
	assert_null(r.derived_stamp);
	assert_int_equal(r.nevents, nev);
	assert_true(!r.sibling_joined[0] && !r.sibling_joined[1]);
	assert_int_equal(store_case_records(c, "SH-NONE", 1, true, &a, &r, &err), SH_ENOTFOUND);
	store_read_end(c);
	store_close(s);
	arena_release(&a);
}

static void every_other_operation_runs(void **state)
{
	struct sh_error err = SH_ERROR_INIT;
	struct arena a = ARENA_INIT;
	struct store *s = open_store(true);

	UNUSED(state);
	if (store_write(s, every_other, &a, &err))
		fail_msg("%s", err.detail);
	store_close(s);
	arena_release(&a);
}

/* An address printed by a command (init, demo, config show) never shows its password. */
static void shown_addresses_hide_the_password(void **state)
{
	char out[256];
	static const char *const cases[][2] = {
		{ "/var/lib/safeharbor/county.db", "/var/lib/safeharbor/county.db" },
		{ "postgresql://sh:s3cret@db.example:5432/county",
		  "postgresql://sh:***@db.example:5432/county" },
		{ "postgres://sh:p%40ss@a,b/county?target_session_attrs=read-write",
		  "postgres://sh:***@a,b/county?target_session_attrs=read-write" },
		{ "postgresql:///county?host=/run/pg&password=x&user=sh",
		  "postgresql:///county?host=/run/pg&password=***&user=sh" },
		{ "postgresql://sh@db/county?password=longer-secret",
		  "postgresql://sh@db/county?password=***" },
		{ "postgresql://db/county?sslpassword_file=f&xpassword=keep",
		  "postgresql://db/county?sslpassword_file=f&xpassword=keep" },
		{ "postgresql:///county?host=/run/pg", "postgresql:///county?host=/run/pg" },
	};

	UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		assert_string_equal(store_shown(cases[i][0], out, sizeof(out)), cases[i][1]);
}

int main(void)
{
	const struct CMUnitTest sqlite_only[] = {
		cmocka_unit_test(shown_addresses_hide_the_password),
		cmocka_unit_test_setup_teardown(missing_database_refused_without_create, setup,
						teardown),
		cmocka_unit_test_setup_teardown(newer_schema_refused_untouched, setup, teardown),
		cmocka_unit_test_setup_teardown(async_write_calls_back_once_after_its_commit, setup,
						teardown),
	};
	/* backend-neutral: the same on SQLite and PostgreSQL */
	const struct CMUnitTest both_backends[] = {
		cmocka_unit_test_setup_teardown(migrations_idempotent_and_data_kept, setup,
						teardown),
		cmocka_unit_test_setup_teardown(group_commit_rolls_back_only_the_failed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(audit_chain_survives_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(steps_replace_leaves_exactly_the_new_rows, setup,
						teardown),
		cmocka_unit_test_setup_teardown(case_and_timeline_read_back, setup, teardown),
		cmocka_unit_test_setup_teardown(court_records_read_back, setup, teardown),
		cmocka_unit_test_setup_teardown(case_records_as_the_single_operations, setup,
						teardown),
		cmocka_unit_test_setup_teardown(finding_cases, setup, teardown),
		cmocka_unit_test_setup_teardown(sealing_and_retention, setup, teardown),
		cmocka_unit_test_setup_teardown(every_other_operation_runs, setup, teardown),
		cmocka_unit_test_setup_teardown(stability_events_kept_and_filled, setup, teardown),
	};
	int failed = cmocka_run_group_tests_name("store (sqlite)", sqlite_only, NULL, NULL);

	failed += cmocka_run_group_tests_name("store (sqlite, both backends)", both_backends, NULL,
					      NULL);
	if (!testdb_pg_url()) {
		printf("store (postgresql): skipped, SAFEHARBOR_PG_URL is not set (make test-pg)\n");
		return failed;
	}
	db.pg = true;
	failed += cmocka_run_group_tests_name("store (postgresql)", both_backends, NULL, NULL);
	return failed;
}
