/* core/offences and core/guardrail: however an offence is written, a minor is never
 * arrested for prostitution; ages on the county's local day of the act. */
#include "lib/common.h"
#include <setjmp.h>
#include <cmocka.h>
#include "core/guardrail.h"
#include "core/offences.h"

#define OFFENCES_FILE "protocols/ca-offences.rules"

static struct offences *offences;
static struct tz *la;

static int setup(void **state)
{
	struct buf errors = BUF_INIT;
	struct sh_error err = SH_ERROR_INIT;

	UNUSED(state);
	if (offences_load_file(OFFENCES_FILE, &offences, &errors)) {
		fprintf(stderr, "%s", errors.data);
		buf_release(&errors);
		return -1;
	}
	buf_release(&errors);
	return tz_load(NULL, "America/Los_Angeles", &la, &err) ? -1 : 0;
}

static int teardown(void **state)
{
	UNUSED(state);
	offences_free(offences);
	tz_free(la);
	return 0;
}

static int64_t at(const char *rfc3339)
{
	int64_t t = 0;

	assert_int_equal(timefmt_parse_rfc3339(rfc3339, &t), 0);
	return t;
}

/*
 * What happens to an arrest record, for a youth born 2008-04-01 arrested just before
 * local midnight on 31 March 2026 (17) and just after (18):
 *   R refused (SB 1322), P refused for anyone (repealed), S asks for the subdivision,
 *   A accepted as another offence, X accepted as prostitution-related (adults only).
 */
static const struct {
	const char *text;
	char minor, adult;
} table[] = {
	/* the spellings of PC 647(b) */
	{ "PC 647(b)", 'R', 'X' },
	{ "P.C. 647(b)", 'R', 'X' },
	{ "PC647B", 'R', 'X' },
	{ "647b PC", 'R', 'X' },
	{ "Penal Code 647(b)", 'R', 'X' },
	{ "Cal. Penal Code \xc2\xa7 647(b)", 'R', 'X' },
	{ "CPC 647(b)", 'R', 'X' },
	{ "Pen. Code, \xc2\xa7 647, subd. (b)", 'R', 'X' },
	{ "Penal Code section 647, subdivision (b)", 'R', 'X' },
	{ "Section 647(b)", 'R', 'X' },
	{ "647 subd. (b)", 'R', 'X' },
	/* and more of the same class */
	{ "PC 647(b)(1)", 'R', 'X' },
	{ "pc 647 (b) (2)", 'R', 'X' },
	{ "647(B)", 'R', 'X' },
	{ "647b", 'R', 'X' },
	{ "PC 647 b", 'R', 'X' },
	{ "PC 647-b", 'R', 'X' },
	{ "647.b P.C.", 'R', 'X' },
	{ "647(b) of the Penal Code", 'R', 'X' },
	{ "California Penal Code section 647(b)", 'R', 'X' },
	{ "Cal Pen Code \xc2\xa7"
	  "647(b)(1)",
	  'R', 'X' },
	{ "PC  647  ( b )", 'R', 'X' },
	{ "PC 647b1", 'R', 'X' },
	{ "CA PC 647(b)", 'R', 'X' },
	{ "Penal Code \xc2\xa7\xc2\xa7 647(b)", 'R', 'X' },
	{ "PC 664/647(b)", 'R', 'X' },	      /* an attempt */
	{ "PC 459 and PC 647(b)", 'R', 'X' }, /* among other charges */
	{ "\xef\xbc\xb0\xef\xbc\xa3\xef\xbc\x96\xef\xbc\x94\xef\xbc\x97(\xef\xbd\x82)", 'R',
	  'X' }, /* full width */
	{ "PC\xc2\xa0"
	  "647(b)",
	  'R', 'X' },			       /* a no-break space */
	{ "PC 647\xe2\x80\x8b(b)", 'R', 'X' }, /* a zero-width space */
	{ "prost. 647b", 'R', 'X' },
	/* words for the act */
	{ "prostitution", 'R', 'X' },
	{ "Solicitation of prostitution", 'R', 'X' },
	{ "solicitation", 'R', 'X' },
	{ "SOLICITING", 'R', 'X' },
	{ "engaging in prostitution", 'R', 'X' },
	{ "child prostitution", 'R', 'X' },
	{ "pr0stitution", 'R', 'X' },
	{ "PROSTITUCI\xc3\x93N", 'R', 'X' },
	{ "prostitute", 'R', 'X' },
	{ "sex work", 'R', 'X' },
	{ "commercial sex act", 'R', 'X' },
	{ "selling sex", 'R', 'X' },
	{ "street-walking", 'R', 'X' },
	/* PC 653.22, repealed from 2023 (SB 357): refused for anyone; for a minor, SB 1322 */
	{ "PC 653.22", 'R', 'P' },
	{ "PC 653.22(a)", 'R', 'P' },
	{ "653.22 PC", 'R', 'P' },
	{ "Pen. Code \xc2\xa7 653.22, subd. (a)", 'R', 'P' },
	{ "loitering for prostitution", 'R', 'P' },
	{ "loitering with intent", 'R', 'P' },
	{ "loitering", 'R', 'P' },
	{ "PC 653.23", 'P', 'P' },
	/* a bare PC 647 names no offence yet */
	{ "PC 647", 'S', 'A' },
	{ "Penal Code section 647", 'S', 'A' },
	{ "647 PC", 'S', 'A' },
	/* other offences */
	{ "PC 647(f)", 'A', 'A' },
	{ "PC 647(a)", 'A', 'A' },
	{ "PC 647.6", 'A', 'A' },
	{ "PC 6470", 'A', 'A' },
	{ "PC 459", 'A', 'A' },
	{ "burglary", 'A', 'A' },
	{ "HS 11350", 'A', 'A' },
	{ "H&S 11350(a)", 'A', 'A' },
	{ "VC 10851", 'A', 'A' },
	{ "VC 647(b)", 'A', 'A' },	      /* another code's 647(b) */
	{ "PC 653f solicitation", 'A', 'A' }, /* cited: "solicitation" is 653f's */
	{ "resisting arrest PC 148(a)(1)", 'A', 'A' },
	{ "WIC 602", 'A', 'A' },
};

static void arrests_however_written(void **state)
{
	struct guardrail_youth y = { .has_birth = true, .birth = { 2008, 4, 1 } };
	/* 23:59:59 and 00:00:00 Pacific around the 18th birthday */
	const int64_t before = at("2026-04-01T06:59:59Z"), after = at("2026-04-01T07:00:00Z");
	size_t n = 0;

	UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
		for (int adult = 0; adult < 2; adult++) {
			struct guardrail_result r;
			char want = adult ? table[i].adult : table[i].minor, got;
			guardrail_arrest(offences, la, table[i].text, adult ? after : before, &y,
					 &r);
			assert_int_equal(r.age, adult ? 18 : 17);
			switch (r.verdict) {
			case GUARDRAIL_REFUSE_MINOR: got = 'R'; break;
			case GUARDRAIL_REFUSE_REPEALED: got = 'P'; break;
			case GUARDRAIL_ASK_SUBDIVISION: got = 'S'; break;
			default: got = r.match.prostitution ? 'X' : 'A';
			}
			if (got != want)
				fail_msg("\"%s\" at %d: expected %c, got %c (cite \"%s\")",
					 table[i].text, r.age, want, got, r.match.cite);
			if (got == 'R' || got == 'P' || got == 'S')
				assert_true(r.reason[0]);
			n++;
		}
	}
	assert_true(n >= 80);
}

/* Text that fills the classifier's buffer and ends in a run of digits, or in letters
 * written onto a number, is read to its end and no further (found by fuzz_offences). */
static void text_ending_in_a_number_or_letters(void **state)
{
	static const char *const tails[] = { "1", "x" };
	struct offence_match m;
	char text[OFFENCE_TEXT_MAX * 4];

	UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(tails); i++) {
		memset(text, tails[i][0], sizeof(text) - 1);
		memcpy(text, "647", 3);
		text[sizeof(text) - 1] = '\0';
		offences_classify(offences, text, &m);
		assert_false(m.prostitution);
	}
}

static void refusals_explain(void **state)
{
	struct guardrail_youth y = { .has_birth = true, .birth = { 2010, 6, 1 } };
	struct guardrail_result r;

	UNUSED(state);
	guardrail_arrest(offences, la, "CPC 647(b)", at("2026-03-01T12:00:00Z"), &y, &r);
	assert_int_equal(r.verdict, GUARDRAIL_REFUSE_MINOR);
	assert_non_null(strstr(r.reason, "SB 1322"));
	assert_non_null(strstr(r.reason, "was 15 on the day of the act"));
	assert_non_null(strstr(r.reason, "child abuse hotline"));
	assert_string_equal(r.match.offence->cite, "PC 647(b)");
	guardrail_arrest(offences, la, "PC 653.22", at("2026-03-01T12:00:00Z"), &y, &r);
	assert_int_equal(r.verdict, GUARDRAIL_REFUSE_MINOR);
	assert_non_null(strstr(r.reason, "PC 653.22 no longer exists for anyone"));
	y.birth = (struct sh_date){ 1990, 1, 1 };
	guardrail_arrest(offences, la, "PC 653.22", at("2026-03-01T12:00:00Z"), &y, &r);
	assert_int_equal(r.verdict, GUARDRAIL_REFUSE_REPEALED);
	assert_non_null(strstr(r.reason, "repealed from 2023-01-01"));
	assert_non_null(strstr(r.reason, "SB 357"));
	y.birth = (struct sh_date){ 2010, 6, 1 };
	guardrail_arrest(offences, la, "PC 647", at("2026-03-01T12:00:00Z"), &y, &r);
	assert_int_equal(r.verdict, GUARDRAIL_ASK_SUBDIVISION);
	assert_non_null(strstr(r.reason, "give the subdivision"));
	/* before the repeal, loitering was an offence for adults (and never for minors since
	 * SB 1322) */
	y.birth = (struct sh_date){ 1990, 1, 1 };
	guardrail_arrest(offences, la, "PC 653.22", at("2022-06-01T12:00:00Z"), &y, &r);
	assert_int_equal(r.verdict, GUARDRAIL_ACCEPT);
	assert_true(r.match.prostitution);
}

/* Unsure of the age: an estimate under 20 or no age at all counts as under 18. */
static void unsure_ages(void **state)
{
	const int64_t id = at("2026-05-01T19:00:00Z");
	struct guardrail_youth est = { .has_estimate = true, .estimate = 19, .identified_at = id };
	struct guardrail_youth none = { .identified_at = id };
	struct guardrail_result r;

	UNUSED(state);
	guardrail_arrest(offences, la, "PC 647(b)", id, &est, &r);
	assert_int_equal(r.verdict, GUARDRAIL_REFUSE_MINOR);
	assert_string_equal(r.age_basis, "estimate not verified");
	assert_non_null(strstr(r.reason, "until a birth date is verified"));
	est.estimate = 20;
	guardrail_arrest(offences, la, "PC 647(b)", id, &est, &r);
	assert_int_equal(r.verdict, GUARDRAIL_ACCEPT);
	assert_false(r.minor);
	est.estimate = 16;
	guardrail_arrest(offences, la, "PC 459", id, &est, &r);
	assert_int_equal(r.verdict, GUARDRAIL_ACCEPT);
	assert_true(r.minor);
	assert_non_null(strstr(r.reason, "Treated as under 18"));
	guardrail_arrest(offences, la, "prostitution", id, &none, &r);
	assert_int_equal(r.verdict, GUARDRAIL_REFUSE_MINOR);
	assert_string_equal(r.age_basis, "unknown");
	assert_int_equal(r.age, -1);
	/* an estimate ages with the calendar, both ways: 17 at identification is 16 a year
	 * and a day before, 18 a year and a day after */
	est.estimate = 17;
	assert_int_equal(guardrail_age_at(la, &est, id - 366 * 86400), 16);
	assert_int_equal(guardrail_age_at(la, &est, id + 366 * 86400), 18);
	/* young children are victims too */
	est.estimate = 6;
	guardrail_arrest(offences, la, "PC 647(b)", id, &est, &r);
	assert_int_equal(r.verdict, GUARDRAIL_REFUSE_MINOR);
}

static void detention_settings(void **state)
{
	static const char *const yes[] = { "Juvenile Hall",  "Los Padrinos juvenile hall",
					   "probation camp", "Camp Scott",
					   "county jail",    "juvie",
					   "JUV HALL",	     "lock-up",
					   "DJJ facility" };
	static const char *const no[] = { "aunt's house", "campus housing", "hospital",
					  "foster home", "church shelter" };

	UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++)
		if (!offences_detention_words(offences, yes[i]))
			fail_msg("\"%s\" is a detention setting", yes[i]);
	for (size_t i = 0; i < ARRAY_SIZE(no); i++)
		if (offences_detention_words(offences, no[i]))
			fail_msg("\"%s\" is not a detention setting", no[i]);
}

static void the_file_is_checked(void **state)
{
	static const struct {
		const char *text, *message;
	} bad[] = {
		{ "ruleset x\ncode PC\n  names pc\n  default yes\noffence XX 1\n  label a\n",
		  "x:5: code XX is not declared" },
		{ "ruleset x\ncode PC\n  names pc\n  default yes\noffence PC 647(\n  label a\n",
		  "x:5: '647(' is not a section" },
		{ "ruleset x\ncode PC\n  names pc\n  default yes\noffence PC 1\n  sb1322 2017-13-01\n"
		  "  label a\n  prostitution\n",
		  "x:6: '2017-13-01' is not a date" },
		{ "ruleset x\ncode PC\n  names pc\n  default yes\noffence PC 1\n  label a\n"
		  "  words Prostitution\n",
		  "x:7: 'Prostitution' is not a word pattern" },
		{ "ruleset x\ncode PC\n  names pc\noffence PC 1\n  label a\n",
		  "no code is the default" },
		{ "ruleset x\ncode PC\n  names pc\n  default yes\nlabel a\n",
		  "x:5: label belongs to the block above: indent it" },
		{ "ruleset x\ncode PC\n  names pc\n  default yes\n  prostitution\n",
		  "x:5: prostitution is not allowed in this block" },
		{ "ruleset x\ncode PC\n  names pc | p.c.\n  default yes\n",
		  "x:3: the name 'p.c.' already belongs to code PC" },
		{ "ruleset x\ncode PC\n  names pc\n  default yes\noffence PC 1\n  label a\nbogus 1\n",
		  "x:7: unknown directive 'bogus'" },
		{ "ruleset x\ncode PC\n  names pc\n  default yes\noffence PC 1\n  label a\n"
		  "  sb1322 2017-01-01\n",
		  "has an sb1322 date but is not marked prostitution" },
	};

	UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct buf errors = BUF_INIT;
		struct offences *o = NULL;
		assert_int_equal(offences_parse(bad[i].text, strlen(bad[i].text), "x", &o, &errors),
				 SH_EINVAL);
		assert_null(o);
		if (!strstr(errors.data, bad[i].message))
			fail_msg("case %zu: expected \"%s\" in:\n%s", i, bad[i].message,
				 errors.data);
		buf_release(&errors);
	}
	assert_string_equal(offences_name(offences), "ca-offences");
	assert_true(offences_count(offences) >= 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arrests_however_written),
		cmocka_unit_test(text_ending_in_a_number_or_letters),
		cmocka_unit_test(refusals_explain),
		cmocka_unit_test(unsure_ages),
		cmocka_unit_test(detention_settings),
		cmocka_unit_test(the_file_is_checked),
	};

	return cmocka_run_group_tests_name("offences", tests, setup, teardown);
}
