/*
 * notify/summons.c: a new case's summonses planned before the write (reads only) and
 * written by it, as summons_open does in one go.
 */
#include "lib/common.h"
#include <setjmp.h>
#include <cmocka.h>
#include <sqlite3.h>
#include "notify/summons.h"
#include "store/audit_chain.h"
#include "store/store.h"
#include "store_fixture.h"

static char dir[64], path[128];

static int setup(void **state)
{
	/* besides the case: the agency's supervisor, its on-call person's e-mail address and a
	 * shift over the case's area */
	static const char fixtures[] = FIXTURE_ONE_CASE
		"INSERT INTO users(id, agency_id, username, display_name, role, password_hash, created_at)"
		" VALUES (2, 1, 'advsup', 'Synthetic supervisor', 'supervisor', 'x', 0);"
		"INSERT INTO user_channels(user_id, email, updated_at)"
		" VALUES (1, 'adv@example.test', 0);"
		"INSERT INTO roster(id, agency_id, area, starts_at, ends_at, user_id, supervisor_id,"
		" created_at, created_by) VALUES (7, 1, 'compton', 0, 1000, 1, 2, 0, 0);";
	UNUSED(state);
	return fixture_db_create(dir, path, "summons", fixtures);
}

static int teardown(void **state)
{
	UNUSED(state);
	return fixture_db_remove(dir);
}

static const unsigned char chain_key[AUDIT_CHAIN_KEY_LEN] = "test-audit-chain-key-32-bytes!!";

static enum sh_code write_plan(struct store_conn *c, void *arg, struct sh_error *err)
{
	return summons_write(c, arg, err);
}

static size_t count(struct store *s, const char *what)
{
	struct sh_error err = SH_ERROR_INIT;
	struct arena a = ARENA_INIT;
	struct store_conn *c;
	struct summons_rec *sm;
	struct outbox_rec *ob;
	size_t n = 0;

	assert_int_equal(store_read_begin(s, &c, &err), SH_OK);
	if (!strcmp(what, "summons"))
		assert_int_equal(store_summons_list(c, "SH-TEST", &a, &sm, &n, &err), SH_OK);
	else
		assert_int_equal(store_outbox_list(c, "SH-TEST", NULL, 100, &a, &ob, &n, &err),
				 SH_OK);
	store_read_end(c);
	arena_release(&a);
	return n;
}

static void planned_before_and_written_by_the_write(void **state)
{
	struct store_options o = { .create = false, .read_conns = 2, .audit_key = chain_key };
	struct sh_error err = SH_ERROR_INIT;
	struct arena a = ARENA_INIT, b = ARENA_INIT;
	struct store *s = NULL;
	struct store_conn *c;
	struct case_agency_rec ags[] = {
		{ .agency_id = 1, .kind = "advocacy" },
		{ .agency_id = 9, .kind = "probation" }, /* owes nothing: not summoned */
	};
	struct step_status steps[] = {
		{ .key = "advocate_follow_up",
		  .title = "Advocate follow-up",
		  .owner = "advocacy",
		  .state = STEP_PENDING,
		  .due_at = 900 },
		{ .key = "advocate_on_scene",
		  .title = "Advocate on scene",
		  .owner = "advocacy",
		  .state = STEP_PENDING,
		  .due_at = 200 },
		{ .key = "probation_notice",
		  .title = "Probation notice",
		  .owner = "probation",
		  .state = STEP_DONE,
		  .due_at = 300 },
	};
	struct summons_plan plan;
	struct summons_rec *sm;
	struct outbox_rec *ob;
	size_t n;

	UNUSED(state);
	if (store_open(path, &o, &s, &err))
		fail_msg("store_open: %s", err.detail);
	/* the plan only reads: the shift in force at 100, its person and their channel */
	assert_int_equal(store_read_begin(s, &c, &err), SH_OK);
	assert_int_equal(summons_plan(c, "SH-TEST", "compton", 100, ags, ARRAY_SIZE(ags), steps,
				      ARRAY_SIZE(steps), &a, &plan, &err),
			 SH_OK);
	store_read_end(c);
	assert_int_equal(plan.n, 1);
	assert_int_equal(plan.items[0].sm.roster_id, 7);
	assert_string_equal(plan.items[0].sm.step, "advocate_on_scene"); /* the earliest due */
	assert_int_equal(plan.items[0].to, 1);
	assert_string_equal(plan.items[0].ch.email, "adv@example.test");
	assert_int_equal(count(s, "summons"), 0);
	assert_int_equal(count(s, "outbox"), 0);
	/* the write makes the summons and its one message */
	assert_int_equal(store_write(s, write_plan, &plan, &err), SH_OK);
	assert_int_equal(store_read_begin(s, &c, &err), SH_OK);
	assert_int_equal(store_summons_list(c, "SH-TEST", &b, &sm, &n, &err), SH_OK);
	assert_int_equal(n, 1);
	assert_int_equal(sm[0].roster_id, 7);
	assert_string_equal(sm[0].role, "on_call");
	assert_int_equal(store_outbox_list(c, "SH-TEST", NULL, 100, &b, &ob, &n, &err), SH_OK);
	store_read_end(c);
	assert_int_equal(n, 1);
	assert_int_equal(ob[0].summons_id, sm[0].id);
	assert_int_equal(ob[0].user_id, 1);
	assert_string_equal(ob[0].channel, "email");
	assert_string_equal(ob[0].target, "adv@example.test");
	/* the same plan written again (a retried write) adds nothing: one row per cause */
	assert_int_equal(store_write(s, write_plan, &plan, &err), SH_OK);
	assert_int_equal(count(s, "summons"), 1);
	assert_int_equal(count(s, "outbox"), 1);
	store_close(s);
	arena_release(&a);
	arena_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(planned_before_and_written_by_the_write),
	};
	return cmocka_run_group_tests_name("summons", tests, setup, teardown);
}
