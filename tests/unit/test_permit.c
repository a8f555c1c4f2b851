#include "lib/common.h"
#include <setjmp.h>
#include <cmocka.h>
#include "api/permit.h"

static const struct principal
	member = { .agency_id = 3, .kind = AK_CHILD_WELFARE, .role = ROLE_MEMBER },
	supervisor = { .agency_id = 3, .kind = AK_CHILD_WELFARE, .role = ROLE_SUPERVISOR },
	oversight = { .agency_id = 9, .kind = AK_OVERSIGHT, .role = ROLE_MEMBER },
	analyst = { .agency_id = 9, .kind = AK_OVERSIGHT, .role = ROLE_ANALYST },
	admin = { .agency_id = 9, .kind = AK_OVERSIGHT, .role = ROLE_ADMIN };

/* No grant: everyone signed in; a permit with none is the same as no permit. */
static void no_grant_is_everyone(void **state)
{
	static const struct api_permit p = { .case_member = true };

	UNUSED(state);
	assert_true(api_permit_granted(NULL, &analyst, 0));
	assert_true(api_permit_granted(&p, &admin, 0));
}

/* Roles and kinds must both match within one grant; any grant will do. */
static void roles_and_kinds(void **state)
{
	static const struct api_permit p = {
		.grants = { { PERMIT_ROLE(SUPERVISOR) }, { PERMIT_STAFF, PERMIT_KIND(OVERSIGHT) } }
	};

	UNUSED(state);
	assert_true(api_permit_granted(&p, &supervisor, 0));
	assert_true(api_permit_granted(&p, &oversight, 0));
	assert_false(api_permit_granted(&p, &member, 0));  /* a member, not of oversight */
	assert_false(api_permit_granted(&p, &analyst, 0)); /* of oversight, not staff */
	assert_false(api_permit_granted(&p, &admin, 0));
}

/* Own agency: only for the agency named in the path; an admin grant is for any. */
static void own_agency(void **state)
{
	static const struct api_permit p = { .grants = { { PERMIT_ROLE(ADMIN) },
							 { PERMIT_ROLE(SUPERVISOR), 0, true } } };

	UNUSED(state);
	assert_true(api_permit_granted(&p, &supervisor, 3));
	assert_false(api_permit_granted(&p, &supervisor, 4));
	assert_false(api_permit_granted(&p, &supervisor, 0)); /* no agency named */
	assert_false(api_permit_granted(&p, &member, 3));
	assert_true(api_permit_granted(&p, &admin, 4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_grant_is_everyone),
		cmocka_unit_test(roles_and_kinds),
		cmocka_unit_test(own_agency),
	};
	return cmocka_run_group_tests_name("permit", tests, NULL, NULL);
}
