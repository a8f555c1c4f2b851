/* api/credcache.c: an entry is used only at the generation it was read at, for its kind. */
#include "lib/common.h"
#include <setjmp.h>
#include <cmocka.h>
#include "api/credcache.h"

static const char H1[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static void fill(struct user_rec *u)
{
	memset(u, 0, sizeof(*u));
	u->id = 7;
	u->agency_id = 3;
	u->username = "synthetic_cw";
	u->display_name = "Synthetic Worker";
	u->role = "member";
	u->agency_name = "Child Welfare";
	u->agency_kind = "child_welfare";
	u->last_active_at = 1700000000;
}

static void a_token_is_kept_for_its_generation_only(void **state)
{
	struct credcache *cc = credcache_new();
	struct arena a;
	struct token_rec t = { .id = 42, .expires_at = 1800000000, .scope = "read" }, got;
	struct user_rec u, gu;
	char name[32] = "Synthetic Worker";

	UNUSED(state);
	arena_init(&a);
	fill(&u);
	u.display_name = name;
	credcache_put(cc, 5, false, H1, &t, NULL, &u);
	name[0] = 'X'; /* the cache kept its own copy */
	assert_true(credcache_get(cc, 5, false, H1, &a, &got, NULL, &gu));
	assert_int_equal(got.id, 42);
	assert_int_equal(got.expires_at, 1800000000);
	assert_string_equal(got.scope, "read");
	assert_int_equal(gu.id, 7);
	assert_string_equal(gu.display_name, "Synthetic Worker");
	assert_string_equal(gu.agency_kind, "child_welfare");
	/* another generation, another kind, another hash, generation 0: not kept */
	assert_false(credcache_get(cc, 6, false, H1, &a, &got, NULL, &gu));
	assert_false(credcache_get(cc, 5, true, H1, &a, NULL, NULL, &gu));
	assert_false(credcache_get(cc, 5, false, "00", &a, &got, NULL, &gu));
	credcache_put(cc, 0, false, H1, &t, NULL, &u);
	assert_false(credcache_get(cc, 0, false, H1, &a, &got, NULL, &gu));
	arena_release(&a);
	credcache_free(cc);
}

static void a_session_keeps_its_stage_and_csrf_token(void **state)
{
	struct credcache *cc = credcache_new();
	struct arena a;
	struct session_rec s = { .created_at = 10,
				 .last_seen = 20,
				 .stage = "code",
				 .csrf_token = "synthetic-csrf",
				 .method = "password" },
			   got;
	struct user_rec u, gu;

	UNUSED(state);
	arena_init(&a);
	fill(&u);
	u.disabled = true;
	credcache_put(cc, 9, true, H1, NULL, &s, &u);
	assert_true(credcache_get(cc, 9, true, H1, &a, NULL, &got, &gu));
	assert_int_equal(got.created_at, 10);
	assert_int_equal(got.last_seen, 20);
	assert_string_equal(got.stage, "code");
	assert_string_equal(got.csrf_token, "synthetic-csrf");
	assert_string_equal(got.method, "password");
	assert_true(gu.disabled);
	assert_false(credcache_get(cc, 9, false, H1, &a, NULL, NULL, &gu));
	arena_release(&a);
	credcache_free(cc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_token_is_kept_for_its_generation_only),
		cmocka_unit_test(a_session_keeps_its_stage_and_csrf_token),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
