/* core/password.c: the passwords refused, and some that pass. */
#include "lib/common.h"
#include <setjmp.h>
#include <cmocka.h>
#include "core/password.h"

static void refused(const char *pw, const char *user, const char *agency, const char *why)
{
	struct sh_error err = SH_ERROR_INIT;

	if (password_check("password", pw, user, agency, &err) != SH_EINVAL)
		fail_msg("'%s' was accepted", pw);
	assert_string_equal(err.fields[0].field, "password");
	if (!strstr(err.fields[0].message, why))
		fail_msg("'%s': %s (expected: %s)", pw, err.fields[0].message, why);
}

static void weak_passwords_are_refused(void **state)
{
	UNUSED(state);
	refused("short-pw", NULL, NULL, "12 to 1024");
	refused("aaaaaaaaaaaaaaaa", NULL, NULL, "one character repeated");
	refused("123456789012", NULL, NULL, "run of characters");
	refused("abcdefghijkl", NULL, NULL, "run of characters");
	refused("LKJIHGFEDCBA", NULL, NULL, "run of characters");
	refused("9876-5432-1098", NULL, NULL, "run of characters");
	refused("abcabcabcabc", NULL, NULL, "repeats a short part");
	refused("passpasspass", NULL, NULL, "repeats a short part");
	refused("aaaabbbbccccdddd", NULL, NULL, "5 different characters");
	refused("password2024", NULL, NULL, "most common passwords");
	refused("P@ssw0rd-2024!", NULL, NULL, "most common passwords");
	refused("Qwerty123456", NULL, NULL, "most common passwords");
	refused("letmein12345", NULL, NULL, "most common passwords");
	refused("1qaz2wsx3edc", NULL, NULL, "most common passwords");
	refused("ILoveSafeHarbor", NULL, NULL, "most common passwords");
	refused("sunny-deputy.compton-77", "deputy.compton", NULL, "username");
	refused("Child-Welfare-rocks!", "cw", "Child Welfare", "agency's name");
}

static void reasonable_passwords_pass(void **state)
{
	static const char *const ok[] = {
		"synthetic-pass-123",		"long-enough-pass",	 "demo-password-2026",
		"correct horse battery staple", "tangerine-orbit-pylon",
	};
	UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		struct sh_error err = SH_ERROR_INIT;
		if (password_check("password", ok[i], "le", "Sheriff Station A", &err))
			fail_msg("'%s' was refused: %s", ok[i], err.fields[0].message);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(weak_passwords_are_refused),
		cmocka_unit_test(reasonable_passwords_pass),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
