/* lib/netaddr.c: parsing, prefixes, lists and the special-purpose ranges. */
#include "lib/common.h"
#include <setjmp.h>
#include <cmocka.h>
#include "lib/netaddr.h"

static const char *special(const char *s)
{
	struct netaddr a;

	if (!netaddr_parse(s, &a))
		fail_msg("%s does not parse", s);
	return netaddr_special(&a);
}

static void special_ranges(void **state)
{
	static const struct {
		const char *addr, *why;
	} cases[] = {
		{ "127.0.0.1", "loopback" },
		{ "127.255.0.9", "loopback" },
		{ "::1", "loopback" },
		{ "::ffff:127.0.0.1", "loopback" },
		{ "10.1.2.3", "private" },
		{ "172.31.255.255", "private" },
		{ "192.168.0.1", "private" },
		{ "fd12:3456::1", "private (unique local)" },
		{ "169.254.169.254", "cloud metadata" },
		{ "fd00:ec2::254", "cloud metadata" },
		{ "169.254.10.1", "link-local" },
		{ "fe80::1", "link-local" },
		{ "100.64.0.1", "shared (CGNAT)" },
		{ "100.127.255.254", "shared (CGNAT)" },
		{ "0.0.0.0", "unspecified" },
		{ "::", "unspecified" },
		{ "224.0.0.251", "multicast" },
		{ "ff02::fb", "multicast" },
		{ "64:ff9b::a9fe:a9fe", "cloud metadata" },
		{ "2002:0a00:0001::", "private" },
		{ "8.8.8.8", NULL },
		{ "172.32.0.1", NULL },
		{ "100.128.0.1", NULL },
		{ "2606:4700::1111", NULL },
		{ "::ffff:8.8.8.8", NULL },
		{ "64:ff9b::808:808", NULL },
	};

	UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *got = special(cases[i].addr);
		if (cases[i].why ? !got || strcmp(got, cases[i].why) : got != NULL)
			fail_msg("%s: expected %s, got %s", cases[i].addr,
				 cases[i].why ? cases[i].why : "(public)", got ? got : "(public)");
	}
}

static void prefixes_and_lists(void **state)
{
	struct netaddr_list l;
	struct netaddr a;
	char bad[64], text[NETADDR_TEXT_LEN];

	UNUSED(state);
	assert_true(
		netaddr_parse_list("10.20.0.0/16, 127.0.0.1 ,fd00:1::/48", &l, bad, sizeof(bad)));
	assert_int_equal(l.n, 3);
	assert_true(netaddr_parse("10.20.255.1", &a) && netaddr_list_has(&l, &a));
	assert_true(netaddr_parse("::ffff:10.20.0.7", &a) && netaddr_list_has(&l, &a));
	assert_true(netaddr_parse("10.21.0.1", &a) && !netaddr_list_has(&l, &a));
	assert_true(netaddr_parse("127.0.0.2", &a) && !netaddr_list_has(&l, &a));
	assert_true(netaddr_parse("fd00:1:0:ffff::1", &a) && netaddr_list_has(&l, &a));
	assert_true(netaddr_parse_list("", &l, bad, sizeof(bad)) && l.n == 0);
	assert_false(netaddr_parse_list("10.0.0.0/33", &l, bad, sizeof(bad)));
	assert_string_equal(bad, "10.0.0.0/33");
	assert_false(netaddr_parse_list("127.1", &l, bad, sizeof(bad))); /* only plain spellings */
	assert_false(netaddr_parse_list("pager.example", &l, bad, sizeof(bad)));
	assert_true(netaddr_parse("::ffff:192.0.2.1", &a));
	netaddr_format(&a, text);
	assert_string_equal(text, "192.0.2.1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(special_ranges),
		cmocka_unit_test(prefixes_and_lists),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
