/*
 * store/sqlite_notify.c: one outbox row per cause, and the claim (lease) that keeps
 * two workers (or two servers) from taking the same row.
 */
#include "lib/common.h"
#include <setjmp.h>
#include <cmocka.h>
#include <sqlite3.h>
#include "store/audit_chain.h"
#include "store/store.h"
#include "store_fixture.h"

static char dir[64], path[128];

static int setup(void **state)
{
	static const char fixtures[] = FIXTURE_ONE_CASE;
	UNUSED(state);
	return fixture_db_create(dir, path, "notify", fixtures);
}

static int teardown(void **state)
{
	UNUSED(state);
	return fixture_db_remove(dir);
}

static const unsigned char chain_key[AUDIT_CHAIN_KEY_LEN] = "test-audit-chain-key-32-bytes!!";

static struct store *open_store(void)
{
	struct store_options o = { .create = false, .read_conns = 2, .audit_key = chain_key };
	struct sh_error err = SH_ERROR_INIT;
	struct store *s = NULL;

	if (store_open(path, &o, &s, &err))
		fail_msg("store_open: %s", err.detail);
	return s;
}

struct op {
	const char *what;
	const char *worker;
	int64_t now, until;
	struct outbox_rec rec;
	bool inserted;
	struct arena a;
	struct outbox_rec *rows;
	size_t n;
};

static enum sh_code run(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct op *o = arg;

	if (!strcmp(o->what, "insert"))
		return store_outbox_insert(c, &o->rec, &o->inserted, err);
	if (!strcmp(o->what, "claim"))
		return store_outbox_claim(c, o->worker, o->now, o->until, 10, &o->a, &o->rows,
					  &o->n, err);
	if (!strcmp(o->what, "finish"))
		return store_outbox_finish(c, &o->rec, o->worker, err);
	if (!strcmp(o->what, "release"))
		return store_outbox_release(c, o->worker, err);
	return SH_EINTERNAL;
}

static struct outbox_rec message(int stage, const char *channel)
{
	struct outbox_rec r = { 0 };

	r.kind = "summons";
	r.stage = stage;
	r.role = "on_call";
	r.case_id = "SH-TEST";
	r.step = "advocate_on_scene";
	r.step_title = "Advocate on scene";
	r.area = "compton";
	r.agency_id = 1;
	r.user_id = 1;
	r.channel = channel;
	r.target = "x";
	r.created_at = r.next_attempt_at = 100;
	return r;
}

static void do_op(struct store *s, struct op *o)
{
	struct sh_error err = SH_ERROR_INIT;

	o->rows = NULL;
	o->n = 0;
	if (store_write(s, run, o, &err))
		fail_msg("%s: %s", o->what, err.detail);
}

static void one_row_per_cause(void **state)
{
	struct store *s = open_store();
	struct op o = { .what = "insert", .a = ARENA_INIT };

	UNUSED(state);
	o.rec = message(0, "webhook");
	do_op(s, &o);
	assert_true(o.inserted);
	assert_true(o.rec.id > 0);
	/* the same cause again (a retried request, a second server's scan): nothing new */
	o.rec = message(0, "webhook");
	do_op(s, &o);
	assert_false(o.inserted);
	assert_int_equal(o.rec.id, 0);
	/* another channel or stage is another cause */
	o.rec = message(0, "email");
	do_op(s, &o);
	assert_true(o.inserted);
	store_close(s);
	arena_release(&o.a);
}

static void claims_are_exclusive_until_the_lease_ends(void **state)
{
	struct store *s = open_store();
	struct op a = {
		.what = "claim", .worker = "server-a", .now = 100, .until = 160, .a = ARENA_INIT
	};
	struct op b = {
		.what = "claim", .worker = "server-b", .now = 100, .until = 160, .a = ARENA_INIT
	};
	struct op f = { .what = "finish", .a = ARENA_INIT };
	struct store_conn *c;
	struct sh_error err = SH_ERROR_INIT;
	struct outbox_rec got;
	int64_t due, other;

	UNUSED(state);
	do_op(s, &a);
	assert_int_equal(a.n, 2); /* both rows of the previous test */
	assert_string_equal(a.rows[0].claimed_by, "server-a");
	assert_string_equal(a.rows[0].username, "adv");
	do_op(s, &b);
	assert_int_equal(b.n, 0); /* held by a */
	/* not before the lease ends */
	assert_int_equal(store_read_begin(s, &c, &err), SH_OK);
	assert_int_equal(store_outbox_next_due(c, &due, &err), SH_OK);
	store_read_end(c);
	assert_int_equal(due, 160);
	/* server a died: after its lease, b takes the rows */
	b.now = 160;
	b.until = 220;
	do_op(s, &b);
	assert_int_equal(b.n, 2);
	/* a's late result does not touch a row it no longer holds */
	f.worker = "server-a";
	f.rec = a.rows[0];
	f.rec.status = "sent";
	f.rec.attempts = 1;
	f.rec.sent_at = 150;
	do_op(s, &f);
	assert_int_equal(store_read_begin(s, &c, &err), SH_OK);
	assert_int_equal(store_outbox_get(c, a.rows[0].id, &f.a, &got, &err), SH_OK);
	store_read_end(c);
	assert_string_equal(got.status, "pending");
	assert_string_equal(got.claimed_by, "server-b");
	/* b's result counts, and the row is released */
	f.worker = "server-b";
	f.rec = b.rows[0];
	f.rec.status = "sent";
	f.rec.attempts = 1;
	f.rec.sent_at = 170;
	do_op(s, &f);
	assert_int_equal(store_read_begin(s, &c, &err), SH_OK);
	assert_int_equal(store_outbox_get(c, b.rows[0].id, &f.a, &got, &err), SH_OK);
	store_read_end(c);
	assert_string_equal(got.status, "sent");
	assert_null(got.claimed_by);
	assert_int_equal(got.attempts, 1);
	/* a sent row is never claimed again; b gives back the other at shutdown */
	other = b.rows[1].id;
	a.now = 170;
	a.until = 230;
	do_op(s, &a);
	assert_int_equal(a.n, 0); /* still b's */
	b.what = "release";
	do_op(s, &b);
	do_op(s, &a);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.rows[0].id, other);
	store_close(s);
	arena_release(&a.a);
	arena_release(&b.a);
	arena_release(&f.a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_row_per_cause),
		cmocka_unit_test(claims_are_exclusive_until_the_lease_ends),
	};
	return cmocka_run_group_tests_name("store_notify", tests, setup, teardown);
}
