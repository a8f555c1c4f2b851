#include "lib/common.h"
#include <setjmp.h>
#include <cmocka.h>
#include "http/router.h"

static enum sh_code h(struct api_request *q, struct api_response *r, struct sh_error *e)
{
	UNUSED(q);
	UNUSED(r);
	UNUSED(e);
	return SH_OK;
}

static const struct route table[] = {
	{ "GET", "/api/v1/cases", h, ROUTE_SIGNED_IN, 0 },
	{ "POST", "/api/v1/cases", h, ROUTE_SIGNED_IN, 0 },
	{ "GET", "/api/v1/cases/{id}", h, ROUTE_SIGNED_IN, 0 },
	{ "POST", "/api/v1/cases/{id}/events", h, ROUTE_SIGNED_IN, 0 },
};

static void matches_and_captures(void **state)
{
	struct arena a = ARENA_INIT;
	const struct route *r;
	const char *params[API_MAX_PARAMS];
	int n;
	char allow[64];

	UNUSED(state);
	assert_int_equal(router_match(table, ARRAY_SIZE(table), "POST", "/api/v1/cases/c-12/events",
				      &a, &r, params, &n, allow, sizeof(allow)),
			 ROUTE_FOUND);
	assert_ptr_equal(r, &table[3]);
	assert_int_equal(n, 1);
	assert_string_equal(params[0], "c-12");
	assert_int_equal(router_match(table, ARRAY_SIZE(table), "DELETE", "/api/v1/cases", &a, &r,
				      params, &n, allow, sizeof(allow)),
			 ROUTE_NO_METHOD);
	assert_string_equal(allow, "GET, POST");
	assert_int_equal(router_match(table, ARRAY_SIZE(table), "GET", "/api/v1/cases/", &a, &r,
				      params, &n, allow, sizeof(allow)),
			 ROUTE_NO_PATH);
	assert_int_equal(router_match(table, ARRAY_SIZE(table), "GET", "/api/v1/cases/x/y", &a, &r,
				      params, &n, allow, sizeof(allow)),
			 ROUTE_NO_PATH);
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(matches_and_captures) };
	return cmocka_run_group_tests_name("router", tests, NULL, NULL);
}
