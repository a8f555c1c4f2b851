/*
 * The need-to-know table, checked exhaustively: every agency kind x role x section x
 * operation against a matrix written out here by hand from docs/security.md.
 */
#include "lib/common.h"
#include <setjmp.h>
#include <cmocka.h>
#include "core/access.h"

/* Sections in order: core, law_enforcement, advocacy, medical, placement, court, missing,
 * prosecution, services, state. W = read and write, R = read, - = nothing. Members and supervisors. */
static const char *const expected[AK_COUNT] = {
	[AK_LAW_ENFORCEMENT] = "WW--RWWW--", [AK_CHILD_WELFARE] = "WR--WRW-WW",
	[AK_PROBATION] = "WR--WRW-W-",	     [AK_ADVOCACY] = "W-W-RWW-W-",
	[AK_MEDICAL] = "W--WR-R-W-",	     [AK_MENTAL_HEALTH] = "W--WR-R-W-",
	[AK_PROSECUTOR] = "RR---W-W--",	     [AK_SHELTER] = "R---R-W-R-",
	[AK_OVERSIGHT] = "R---RRR-RR",	     [AK_EDUCATION] = "W---R-----",
	[AK_JUVENILE_COURT] = "R---RRR-R-",
};

static void every_cell(void **state)
{
	UNUSED(state);
	for (int k = 0; k < AK_COUNT; k++) {
		for (int r = 0; r < ROLE_COUNT; r++) {
			for (int s = 0; s < SEC_COUNT; s++) {
				char want = (r == ROLE_MEMBER || r == ROLE_SUPERVISOR)
						    ? expected[k][s]
						    : '-';
				struct principal p = { .kind = (enum agency_kind)k,
						       .role = (enum role)r };
				bool read = want == 'R' || want == 'W', write = want == 'W';
				if (access_can_read(&p, (enum section)s) != read ||
				    access_can_write(&p, (enum section)s) != write)
					fail_msg("%s %s %s: expected %c",
						 access_kind_name((enum agency_kind)k),
						 access_role_name((enum role)r),
						 access_section_name((enum section)s), want);
			}
		}
	}
}

/* the kinds in messages are the kinds: every name, in order, then nothing else */
static void kind_hint_names_every_kind(void **state)
{
	const char *h = ACCESS_KIND_HINT;

	UNUSED(state);
	for (int k = 0; k < AK_COUNT; k++) {
		const char *name = access_kind_name((enum agency_kind)k);
		const char *sep = k == AK_COUNT - 1 ? "" : k == AK_COUNT - 2 ? " or " : ", ";
		if (strncmp(h, name, strlen(name)))
			fail_msg("ACCESS_KIND_HINT lacks '%s' at '%s'", name, h);
		h += strlen(name);
		if (strncmp(h, sep, strlen(sep)))
			fail_msg("ACCESS_KIND_HINT: after '%s' expected '%s'", name, sep);
		h += strlen(sep);
	}
	assert_string_equal(h, "");
}

static void privilege_is_advocacy_only(void **state)
{
	UNUSED(state);
	/* Evid. Code 1038: no other kind, no role, ever reads the advocacy compartment */
	for (int k = 0; k < AK_COUNT; k++)
		for (int r = 0; r < ROLE_COUNT; r++)
			assert_int_equal(
				access_section((enum agency_kind)k, (enum role)r, SEC_ADVOCACY) > 0,
				k == AK_ADVOCACY && (r == ROLE_MEMBER || r == ROLE_SUPERVISOR));
}

static void deny_by_default(void **state)
{
	UNUSED(state);
	assert_int_equal(access_section(AK_COUNT, ROLE_MEMBER, SEC_CORE), ACCESS_NONE);
	assert_int_equal(access_section(AK_LAW_ENFORCEMENT, ROLE_COUNT, SEC_CORE), ACCESS_NONE);
	assert_int_equal(access_section(AK_LAW_ENFORCEMENT, ROLE_MEMBER, SEC_COUNT), ACCESS_NONE);
	assert_int_equal(access_section((enum agency_kind) - 1, ROLE_MEMBER, SEC_CORE),
			 ACCESS_NONE);
}

static void case_visibility(void **state)
{
	struct principal m = { .role = ROLE_MEMBER }, s = { .role = ROLE_SUPERVISOR },
			 a = { .role = ROLE_ANALYST }, d = { .role = ROLE_ADMIN };

	UNUSED(state);
	assert_true(access_case_visible(&m, true, true));
	assert_false(access_case_visible(&m, false, true)); /* no longer taking part */
	assert_true(
		access_case_visible(&s, false, true)); /* supervisors keep their agency's cases */
	assert_false(access_case_visible(&s, false, false));
	assert_false(access_case_visible(&a, true, true));
	assert_false(access_case_visible(&d, true, true));
	assert_true(access_reports(&a));
	assert_false(access_reports(&m));
	assert_true(access_reports(&s));
	assert_true(access_reports_internal(&a));
	assert_false(access_reports_internal(&s)); /* an agency's supervisor: small cells hidden */
	assert_true(access_admin(&d));
	assert_false(access_admin(&s));
}

/* PC 293: who sees a youth's name, and so who may find one by name */
static void identity_by_kind(void **state)
{
	UNUSED(state);
	for (int k = 0; k < AK_COUNT; k++) {
		struct principal m = { .kind = (enum agency_kind)k, .role = ROLE_MEMBER };
		struct principal a = { .kind = (enum agency_kind)k, .role = ROLE_ANALYST };
		bool teams = k == AK_LAW_ENFORCEMENT || k == AK_CHILD_WELFARE ||
			     k == AK_PROBATION || k == AK_ADVOCACY || k == AK_MEDICAL ||
			     k == AK_MENTAL_HEALTH;
		assert_true(
			access_sees_identity(&m, false)); /* every kind reads a case's core facts */
		assert_int_equal(access_sees_identity(&m, true), teams);
		assert_false(access_sees_identity(&a, false)); /* analysts and admins never */
	}
}

/* The state's CSEC export names cases: analysts and child welfare's supervisors only. */
static void csec_export(void **state)
{
	UNUSED(state);
	for (int k = 0; k < AK_COUNT; k++)
		for (int r = 0; r < ROLE_COUNT; r++) {
			struct principal p = { .kind = (enum agency_kind)k, .role = (enum role)r };
			assert_int_equal(access_reports_csec(&p),
					 r == ROLE_ANALYST ||
						 (k == AK_CHILD_WELFARE && r == ROLE_SUPERVISOR));
		}
}

static void names_round_trip(void **state)
{
	UNUSED(state);
	for (int k = 0; k < AK_COUNT; k++)
		assert_int_equal(access_kind_parse(access_kind_name((enum agency_kind)k)), k);
	for (int r = 0; r < ROLE_COUNT; r++)
		assert_int_equal(access_role_parse(access_role_name((enum role)r)), r);
	for (int s = 0; s < SEC_COUNT; s++)
		assert_int_equal(access_section_parse(access_section_name((enum section)s)), s);
	assert_int_equal(access_kind_parse("police"), -1);
	assert_int_equal(access_kind_parse(NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_cell),
		cmocka_unit_test(kind_hint_names_every_kind),
		cmocka_unit_test(privilege_is_advocacy_only),
		cmocka_unit_test(deny_by_default),
		cmocka_unit_test(case_visibility),
		cmocka_unit_test(identity_by_kind),
		cmocka_unit_test(names_round_trip),
		cmocka_unit_test(csec_export),
	};
	return cmocka_run_group_tests_name("access", tests, NULL, NULL);
}
