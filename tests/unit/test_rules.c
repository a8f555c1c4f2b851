#include "lib/common.h"
#include <setjmp.h>
#include <cmocka.h>
#include "core/rules.h"

static void prostitution_offenses(void **state)
{
	UNUSED(state);
	const char *yes[] = { "PC 647(b)", "647b", "pc647(b)(1)", "Penal Code 647(b)", "PC 653.22",
			      "653.22(a)" };
	const char *no[] = { "PC 647(a)", "PC 459", "PC 236.1", "647", "653.2", "" };
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++)
		assert_true(rules_is_prostitution_offense(yes[i]));
	for (size_t i = 0; i < ARRAY_SIZE(no); i++)
		assert_false(rules_is_prostitution_offense(no[i]));
}

static void derogatory_labels(void **state)
{
	UNUSED(state);
	assert_string_equal(rules_derogatory_phrase("called a CHILD prostitute"), "child prostitute");
	assert_string_equal(rules_derogatory_phrase("teen-prostitutes were"), "teen prostitute");
	assert_string_equal(rules_derogatory_phrase("Juvenile  prostitute"), "juvenile prostitute");
	assert_string_equal(rules_derogatory_phrase("an underage prostitute"), "underage prostitute");
	assert_null(rules_derogatory_phrase("commercially sexually exploited child"));
	assert_null(rules_derogatory_phrase("grandchild prostitutes nothing")); /* not a word start */
	assert_null(rules_derogatory_phrase(""));
}

static void routing(void **state)
{
	const char *const compton[] = { "compton", NULL }, *const all[] = { "*", NULL },
			  *const lb[] = { "long_beach", NULL };
	const struct rules_agency ags[] = {
		{ 1, "advocacy", lb, false },	   { 2, "advocacy", all, false },
		{ 3, "advocacy", compton, false }, { 4, "medical", NULL, false },
		{ 5, "probation", compton, true },
	};
	int64_t id = 0;

	UNUSED(state);
	assert_int_equal(rules_route(ags, ARRAY_SIZE(ags), "advocacy", "compton", &id), 1);
	assert_int_equal(id, 3); /* serving the area by name beats serving all */
	assert_int_equal(rules_route(ags, ARRAY_SIZE(ags), "advocacy", "pomona", &id), 1);
	assert_int_equal(id, 2);
	assert_int_equal(rules_route(ags, ARRAY_SIZE(ags), "medical", "pomona", &id), 1);
	assert_int_equal(id, 4); /* the only one of its kind takes part by default */
	assert_int_equal(rules_route(ags, ARRAY_SIZE(ags), "probation", "compton", &id), 0);
	assert_int_equal(rules_route(ags, ARRAY_SIZE(ags), "shelter", "compton", &id), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(prostitution_offenses),
		cmocka_unit_test(derogatory_labels),
		cmocka_unit_test(routing),
	};
	return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
