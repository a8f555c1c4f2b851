/* api/throttle.c: who gets locked by whose failures, and who does not. */
#include "lib/common.h"
#include <setjmp.h>
#include <cmocka.h>
#include "api/throttle.h"

#define T0 1700000000

/* One attempt: the wait it was refused with, or 0 after counting it as outcome. */
static int64_t attempt(struct throttle *t, const char *user, const char *addr, int64_t now,
		       enum throttle_outcome outcome, enum throttle_lock *lock)
{
	struct throttle_ticket tk;
	int64_t wait = throttle_begin(t, user, addr, now, &tk), s;
	enum throttle_lock l;

	if (wait)
		return wait;
	l = throttle_end(t, &tk, outcome, now, &s);
	if (lock)
		*lock = l;
	return 0;
}

static void one_address_cannot_lock_out_another(void **state)
{
	struct throttle *t = throttle_new();
	enum throttle_lock lock = THROTTLE_NO_LOCK;

	UNUSED(state);
	for (int i = 0; i < 4; i++)
		assert_int_equal(attempt(t, "mh", "192.0.2.1", T0, THROTTLE_FAILED, &lock), 0);
	assert_int_equal(lock, THROTTLE_NO_LOCK);
	assert_int_equal(attempt(t, "MH", "192.0.2.1", T0, THROTTLE_FAILED, &lock), 0);
	assert_int_equal(lock, THROTTLE_LOCK_PAIR); /* the fifth, whatever the case */
	assert_int_equal(attempt(t, "mh", "192.0.2.1", T0 + 1, THROTTLE_OK, NULL), 29);
	/* the user, elsewhere, is not affected; another account from there neither */
	assert_int_equal(attempt(t, "mh", "198.51.100.2", T0 + 1, THROTTLE_OK, NULL), 0);
	assert_int_equal(attempt(t, "cw", "192.0.2.1", T0 + 1, THROTTLE_OK, NULL), 0);
	/* the lock ends, and doubles with the next failure */
	assert_int_equal(attempt(t, "mh", "192.0.2.1", T0 + 30, THROTTLE_FAILED, &lock), 0);
	assert_int_equal(attempt(t, "mh", "192.0.2.1", T0 + 31, THROTTLE_FAILED, NULL), 59);
	throttle_free(t);
}

static void unknown_usernames_are_counted_alike(void **state)
{
	struct throttle *t = throttle_new();
	int64_t a[7], b[7];

	UNUSED(state);
	for (int i = 0; i < 7; i++) {
		a[i] = attempt(t, "cw", "192.0.2.7", T0, THROTTLE_FAILED, NULL);
		b[i] = attempt(t, "no-such-user", "192.0.2.8", T0, THROTTLE_FAILED, NULL);
	}
	assert_memory_equal(a, b, sizeof(a));
	assert_int_equal(a[5], 30);
	throttle_free(t);
}

static void spraying_usernames_locks_the_address(void **state)
{
	struct throttle *t = throttle_new();
	enum throttle_lock lock = THROTTLE_NO_LOCK;
	char user[32];

	UNUSED(state);
	for (int i = 0; i < 20; i++) {
		snprintf(user, sizeof(user), "user%d", i);
		assert_int_equal(attempt(t, user, "2001:db8:1:2::5", T0, THROTTLE_FAILED, &lock),
				 0);
	}
	assert_int_equal(lock, THROTTLE_LOCK_ADDR);
	/* the whole /64 is one client */
	assert_int_equal(attempt(t, "fresh", "2001:db8:1:2::99", T0, THROTTLE_FAILED, NULL), 30);
	assert_int_equal(attempt(t, "fresh", "2001:db8:1:3::99", T0, THROTTLE_FAILED, NULL), 0);
	throttle_free(t);
}

static void a_distributed_attack_spares_the_users_own_address(void **state)
{
	struct throttle *t = throttle_new();
	enum throttle_lock lock = THROTTLE_NO_LOCK;
	char addr[32];

	UNUSED(state);
	assert_int_equal(attempt(t, "le", "203.0.113.50", T0, THROTTLE_OK, NULL), 0);
	for (int i = 0; i < 25; i++) {
		snprintf(addr, sizeof(addr), "192.0.2.%d", 10 + i % 8);
		attempt(t, "le", addr, T0 + i, THROTTLE_FAILED, &lock);
	}
	assert_int_equal(lock, THROTTLE_LOCK_ACCOUNT);
	assert_true(attempt(t, "le", "198.51.100.77", T0 + 30, THROTTLE_FAILED, NULL) > 0);
	assert_int_equal(attempt(t, "le", "203.0.113.50", T0 + 30, THROTTLE_OK, NULL), 0);
	/* failures are forgotten after 15 quiet minutes */
	assert_int_equal(attempt(t, "le", "198.51.100.77", T0 + 30 + 1000, THROTTLE_FAILED, NULL),
			 0);
	throttle_free(t);
}

static void a_success_forgets_the_failures_of_its_address(void **state)
{
	struct throttle *t = throttle_new();

	UNUSED(state);
	for (int i = 0; i < 4; i++)
		attempt(t, "adv", "192.0.2.30", T0, THROTTLE_FAILED, NULL);
	assert_int_equal(attempt(t, "adv", "192.0.2.30", T0, THROTTLE_OK, NULL), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(attempt(t, "adv", "192.0.2.30", T0, THROTTLE_FAILED, NULL), 0);
	/* the right password of a disabled account counts neither way */
	assert_int_equal(attempt(t, "adv", "192.0.2.30", T0, THROTTLE_NEITHER, NULL), 0);
	assert_int_equal(attempt(t, "adv", "192.0.2.30", T0, THROTTLE_FAILED, NULL), 0);
	assert_int_equal(attempt(t, "adv", "192.0.2.30", T0, THROTTLE_FAILED, NULL), 30);
	throttle_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_address_cannot_lock_out_another),
		cmocka_unit_test(unknown_usernames_are_counted_alike),
		cmocka_unit_test(spraying_usernames_locks_the_address),
		cmocka_unit_test(a_distributed_attack_spares_the_users_own_address),
		cmocka_unit_test(a_success_forgets_the_failures_of_its_address),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
