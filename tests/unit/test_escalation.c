/* core/escalation.c: settings, retry schedule, summons stages, step alerts. */
#include "lib/common.h"
#include <setjmp.h>
#include <cmocka.h>
#include "core/escalation.h"

static struct escalation_config cfg(void)
{
	struct escalation_config c;

	escalation_config_defaults(&c);
	return c;
}

static void test_defaults(void **state)
{
	struct escalation_config c = cfg();
	const struct escalation_key *keys;
	size_t n;
	char v[ESCALATION_TEXT_MAX];
	struct sh_error err = SH_ERROR_INIT;

	UNUSED(state);
	assert_true(c.enabled);
	assert_int_equal(c.summons_interval, 600);
	assert_int_equal(c.summons_repeats, 1);
	assert_int_equal(c.due_soon_percent, 75);
	assert_int_equal(c.retry_base, 10);
	assert_int_equal(c.retry_max, 1800);
	assert_int_equal(c.max_attempts, 12);
	assert_int_equal(c.lease, 60);
	assert_string_equal(c.public_url, "");
	assert_int_equal(escalation_config_check(&c, &err), SH_OK);
	/* every key round-trips its default */
	keys = escalation_keys(&n);
	assert_true(n >= 15);
	for (size_t i = 0; i < n; i++) {
		escalation_config_get(&c, keys[i].key, v, sizeof(v));
		assert_string_equal(v, keys[i].dflt);
		assert_true(!strncmp(keys[i].key, "notify.", 7));
	}
}

static void test_set(void **state)
{
	struct escalation_config c = cfg();
	struct sh_error err = SH_ERROR_INIT;
	char v[ESCALATION_TEXT_MAX];

	UNUSED(state);
	assert_int_equal(escalation_config_set(&c, "notify.summons_interval", "2", &err), SH_OK);
	assert_int_equal(c.summons_interval, 2);
	assert_int_equal(
		escalation_config_set(&c, "notify.public_url", "https://sh.county.example//", &err),
		SH_OK);
	assert_string_equal(c.public_url, "https://sh.county.example");
	assert_int_equal(escalation_config_set(&c, "notify.enabled", "0", &err), SH_OK);
	assert_false(c.enabled);
	escalation_config_get(&c, "notify.enabled", v, sizeof(v));
	assert_string_equal(v, "0");

	const char *bad[][2] = {
		{ "notify.summons_interval", "0" },
		{ "notify.summons_interval", "10s" },
		{ "notify.summons_interval", "" },
		{ "notify.due_soon_percent", "100" },
		{ "notify.enabled", "yes" },
		{ "notify.public_url", "ftp://x" },
		{ "notify.public_url", "https://a b" },
		{ "notify.smtp_url", "http://mail" },
		{ "notify.mail_from", "Name <a@b>" },
		{ "notify.no_such_key", "1" },
		{ "notify.retry_base", "99999999999999999999" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		sh_error_init(&err);
		assert_int_equal(escalation_config_set(&c, bad[i][0], bad[i][1], &err), SH_EINVAL);
		assert_string_equal(err.fields[0].field, bad[i][0]);
	}
	assert_int_equal(c.summons_interval, 2); /* unchanged by the refusals */
}

static void test_check(void **state)
{
	struct escalation_config c = cfg();
	struct sh_error err = SH_ERROR_INIT;

	UNUSED(state);
	c.timeout = 30; /* lease 60 is not more than twice 30 */
	assert_int_equal(escalation_config_check(&c, &err), SH_EINVAL);
	assert_string_equal(err.fields[0].field, "notify.lease");
	c = cfg();
	sh_error_init(&err);
	c.retry_max = 5;
	assert_int_equal(escalation_config_check(&c, &err), SH_EINVAL);
	c = cfg();
	sh_error_init(&err);
	snprintf(c.smtp_url, sizeof(c.smtp_url), "smtp://mail.county.example:587");
	assert_int_equal(escalation_config_check(&c, &err), SH_EINVAL);
	assert_string_equal(err.fields[0].field, "notify.mail_from");
}

static void test_backoff(void **state)
{
	struct escalation_config c = cfg();
	static const int64_t want[] = { 10, 20, 40, 80, 160, 320, 640, 1280, 1800, 1800, 1800 };

	UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_int_equal(escalation_backoff(&c, (int)i + 1), want[i]);
	/* no overflow however many attempts */
	assert_int_equal(escalation_backoff(&c, 1000), 1800);
	c.retry_base = 1;
	c.retry_max = 2;
	assert_int_equal(escalation_backoff(&c, 1), 1);
	assert_int_equal(escalation_backoff(&c, 2), 2);
	assert_int_equal(escalation_backoff(&c, 3), 2);
	assert_false(escalation_give_up(&c, 11));
	assert_true(escalation_give_up(&c, 12));
}

static void test_stages(void **state)
{
	struct escalation_config c = cfg();
	enum escalation_role role;
	int next;

	UNUSED(state);
	/* repeats 1: on call (0), repeat (1), fallback (2), supervisor (3), then nothing */
	assert_true(escalation_next_stage(&c, 0, ESC_ON_CALL, true, &next, &role));
	assert_int_equal(next, 1);
	assert_int_equal(role, ESC_ON_CALL);
	assert_true(escalation_next_stage(&c, 1, ESC_ON_CALL, true, &next, &role));
	assert_int_equal(next, 2);
	assert_int_equal(role, ESC_FALLBACK);
	assert_true(escalation_next_stage(&c, 2, ESC_FALLBACK, true, &next, &role));
	assert_int_equal(next, 3);
	assert_int_equal(role, ESC_SUPERVISOR);
	assert_false(escalation_next_stage(&c, 3, ESC_SUPERVISOR, true, &next, &role));
	/* no fallback on the roster: from the last repeat straight to the supervisor */
	assert_true(escalation_next_stage(&c, 1, ESC_ON_CALL, false, &next, &role));
	assert_int_equal(role, ESC_SUPERVISOR);
	/* no repeats configured */
	c.summons_repeats = 0;
	assert_true(escalation_next_stage(&c, 0, ESC_ON_CALL, true, &next, &role));
	assert_int_equal(next, 1);
	assert_int_equal(role, ESC_FALLBACK);
	/* three repeats */
	c.summons_repeats = 3;
	assert_true(escalation_next_stage(&c, 2, ESC_ON_CALL, true, &next, &role));
	assert_int_equal(role, ESC_ON_CALL);
	assert_true(escalation_next_stage(&c, 3, ESC_ON_CALL, true, &next, &role));
	assert_int_equal(role, ESC_FALLBACK);
	/* due: at stage_at + interval, not a second before */
	c.summons_interval = 600;
	assert_false(escalation_stage_due(&c, 1000, 1599));
	assert_true(escalation_stage_due(&c, 1000, 1600));
	assert_string_equal(escalation_role_name(ESC_FALLBACK), "fallback");
	assert_int_equal(escalation_role_parse("supervisor"), ESC_SUPERVISOR);
	assert_int_equal(escalation_role_parse("boss"), -1);
}

static void test_alerts(void **state)
{
	struct escalation_config c = cfg();
	enum escalation_verdict soon, over;
	const int64_t t0 = 1700000000, due = t0 + 90 * 60; /* the advocate's 90 minutes */

	UNUSED(state);
	assert_int_equal(escalation_due_soon_at(&c, t0, due), t0 + 4050); /* 67.5 minutes */
	escalation_step_alerts(&c, t0, due, t0 + 4049, &soon, &over);
	assert_int_equal(soon, ESC_WAIT);
	assert_int_equal(over, ESC_WAIT);
	escalation_step_alerts(&c, t0, due, t0 + 4050, &soon, &over);
	assert_int_equal(soon, ESC_SEND);
	assert_int_equal(over, ESC_WAIT);
	/* at the deadline it is on time; one second later it is overdue and due-soon is moot */
	escalation_step_alerts(&c, t0, due, due, &soon, &over);
	assert_int_equal(soon, ESC_SEND);
	assert_int_equal(over, ESC_WAIT);
	escalation_step_alerts(&c, t0, due, due + 1, &soon, &over);
	assert_int_equal(soon, ESC_SKIP);
	assert_int_equal(over, ESC_SEND);
	/* long past (a restored backup, a server down for days): recorded, not sent */
	escalation_step_alerts(&c, t0, due, due + c.alert_grace + 1, &soon, &over);
	assert_int_equal(over, ESC_SKIP);
	/* no deadline yet: wait */
	escalation_step_alerts(&c, t0, 0, t0 + 999999, &soon, &over);
	assert_int_equal(soon, ESC_WAIT);
	assert_int_equal(over, ESC_WAIT);
	/* an unknown start: the due-soon moment is the deadline itself */
	assert_int_equal(escalation_due_soon_at(&c, 0, due), due);
	/* the share is configuration */
	c.due_soon_percent = 50;
	assert_int_equal(escalation_due_soon_at(&c, t0, due), t0 + 2700);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults), cmocka_unit_test(test_set),
		cmocka_unit_test(test_check),	 cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_stages),	 cmocka_unit_test(test_alerts),
	};
	return cmocka_run_group_tests_name("escalation", tests, NULL, NULL);
}
