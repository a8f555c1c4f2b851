#include "lib/common.h"
#include <setjmp.h>
#include <cmocka.h>
#include "lib/jsonh.h"

static const char *const statuses[] = { "dependent", "probation", NULL };
static const struct jsonh_field spec[] = {
	{ "name", JT_STRING, 0, 0, 10, NULL },
	{ "at", JT_TIME, JF_REQUIRED, 0, 0, NULL },
	{ "status", JT_ENUM, JF_REQUIRED, 0, 0, statuses },
	{ "n", JT_INT, 0, 1, 5, NULL },
	{ "tags", JT_STRINGS, 0, 0, 4, NULL },
	{ NULL },
};

static json_t *parse(const char *s)
{
	struct sh_error err = SH_ERROR_INIT;
	json_t *v = jsonh_parse_object(s, strlen(s), &err);

	assert_non_null(v);
	return v;
}

static void malformed_names_position(void **state)
{
	struct sh_error err = SH_ERROR_INIT;

	UNUSED(state);
	assert_null(jsonh_parse_object("{\"a\": 1,", 8, &err));
	assert_int_equal(err.code, SH_EBADREQ);
	assert_non_null(strstr(err.detail, "line 1"));
	assert_non_null(strstr(err.detail, "column"));
	sh_error_init(&err);
	assert_null(jsonh_parse_object("[1]", 3, &err));
	assert_int_equal(err.code, SH_EBADREQ);
	sh_error_init(&err);
	assert_null(jsonh_parse_object("{\"a\":1,\"a\":2}", 13, &err));
}

static void valid_object_passes(void **state)
{
	struct sh_error err = SH_ERROR_INIT;
	json_t *v =
		parse("{\"name\":\"Jane\",\"at\":\"2026-01-01T00:00:00Z\",\"status\":\"dependent\","
		      "\"n\":3,\"tags\":[\"a\"]}");

	UNUSED(state);
	assert_int_equal(jsonh_check(v, spec, "", &err), SH_OK);
	json_decref(v);
}

static void every_problem_named(void **state)
{
	struct sh_error err = SH_ERROR_INIT;
	json_t *v = parse("{\"name\":\"abcdefghijk\",\"at\":\"yesterday\",\"n\":9,\"extra\":1,"
			  "\"tags\":[\"ok\",\"toolong\",3]}");
	const char *want[] = { "name", "at", "n", "extra", "tags[1]", "tags[2]", "status" };

	UNUSED(state);
	assert_int_equal(jsonh_check(v, spec, "", &err), SH_EINVAL);
	assert_int_equal(err.nfields, (int)ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		bool found = false;
		for (int j = 0; j < err.nfields; j++)
			found |= !strcmp(err.fields[j].field, want[i]);
		assert_true(found);
	}
	json_decref(v);
}

static void control_characters_refused(void **state)
{
	struct sh_error err = SH_ERROR_INIT;
	json_t *v = parse(
		"{\"name\":\"a\\u0007b\",\"at\":\"2026-01-01T00:00:00Z\",\"status\":\"probation\"}");

	UNUSED(state);
	assert_int_equal(jsonh_check(v, spec, "", &err), SH_EINVAL);
	assert_string_equal(err.fields[0].field, "name");
	json_decref(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(malformed_names_position),
		cmocka_unit_test(valid_object_passes),
		cmocka_unit_test(every_problem_named),
		cmocka_unit_test(control_characters_refused),
	};
	return cmocka_run_group_tests_name("jsonh", tests, NULL, NULL);
}
