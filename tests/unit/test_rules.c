#include "lib/common.h"
#include <setjmp.h>
#include <cmocka.h>
#include "core/rules.h"

static void derogatory_labels(void **state)
{
	static const struct {
		const char *text, *phrase;
	} found[] = {
		{ "called a CHILD prostitute", "child prostitute" },
		{ "teen-prostitutes were", "teen prostitute" },
		{ "Juvenile  prostitute", "juvenile prostitute" },
		{ "an underage prostitute", "underage prostitute" },
		{ "childprostitute", "child prostitute" },
		/* the Sheriff's 2015 memo and common usage */
		{ "a case of child prostitution", "child prostitute" },
		{ "JUVENILE PROSTITUTION unit", "juvenile prostitute" },
		{ "underage-prostitution ring", "underage prostitute" },
		{ "known minor prostitute", "minor prostitute" },
		{ "a 15-year-old prostitute", "N-year-old prostitute" },
		{ "the 16 year old prostitute", "N-year-old prostitute" },
		{ "a fifteen-year-old prostitute", "N-year-old prostitute" },
		{ "14yo prostitute", "N-year-old prostitute" },
		{ "Teen Hooker", "teen hooker" },
		{ "teen-hookers", "teen hooker" },
		{ "an underage sex worker", "underage sex worker" },
		{ "under-age sex-workers", "underage sex worker" },
		{ "young prostitutes", "young prostitute" },
		{ "child pr0stitute", "child prostitute" },
		{ "a\xc2\xa0"
		  "child\xe2\x80\x8b prostitute",
		  "child prostitute" },
	};
	static const char *const clean[] = {
		"commercially sexually exploited child",
		"grandchild prostitutes nothing",
		"",
		"the youth is a victim of sex trafficking",
		"child welfare on scene",
		"15 year old victim",
		"prostitution charges against the buyer",
	};

	UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(found); i++) {
		const char *got = rules_derogatory_phrase(found[i].text);
		if (!got || strcmp(got, found[i].phrase))
			fail_msg("\"%s\": expected %s, got %s", found[i].text, found[i].phrase,
				 got ? got : "nothing");
	}
	for (size_t i = 0; i < ARRAY_SIZE(clean); i++)
		if (rules_derogatory_phrase(clean[i]))
			fail_msg("\"%s\" flagged", clean[i]);
}

static void justifications(void **state)
{
	static const char *const bad[] = {
		"",
		"                         ",
		"xxxxxxxxxxxxxxxxxxxx",
		"n/a",
		"N/A",
		"test",
		"asdf asdf asdf asdf",
		"aaaa aaaa aaaa aaaa aaaa",
		"......................",
		"1234567890 1234567890",
		"see above",
		"because because because",
		"x y z w v u t",
		"Lorem ipsum",
	};
	static const char *const good[] = {
		"Youth assaulted an officer during transport; supervisor notified",
		"Warrant from another county for a felony; victim status shared with DCFS",
		"Outstanding bench warrant, no other placement was safe tonight",
	};

	UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (!rules_justification_problem(bad[i]))
			fail_msg("\"%s\" accepted as a justification", bad[i]);
	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		if (rules_justification_problem(good[i]))
			fail_msg("\"%s\" refused: %s", good[i],
				 rules_justification_problem(good[i]));
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
		cmocka_unit_test(justifications),
		cmocka_unit_test(derogatory_labels),
		cmocka_unit_test(routing),
	};
	return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
