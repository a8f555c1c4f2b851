#include "lib/common.h"
#include <setjmp.h>
#include <cmocka.h>
#include "lib/timefmt.h"

static void rfc3339_round_trip(void **state)
{
	int64_t t;
	char out[TIMEFMT_RFC3339_LEN];

	UNUSED(state);
	assert_int_equal(timefmt_parse_rfc3339("2026-03-08T02:15:00Z", &t), 0);
	timefmt_format_rfc3339(t, out);
	assert_string_equal(out, "2026-03-08T02:15:00Z");
	/* an offset is folded into UTC */
	assert_int_equal(timefmt_parse_rfc3339("2026-03-07T18:15:00-08:00", &t), 0);
	timefmt_format_rfc3339(t, out);
	assert_string_equal(out, "2026-03-08T02:15:00Z");
	assert_int_equal(timefmt_parse_rfc3339("1970-01-01T00:00:00.123+00:00", &t), 0);
	assert_int_equal(t, 0);
	timefmt_format_rfc3339(-1, out);
	assert_string_equal(out, "1969-12-31T23:59:59Z");
}

static void rfc3339_rejects(void **state)
{
	static const char *bad[] = {
		"2026-02-30T00:00:00Z",
		"2026-13-01T00:00:00Z",
		"2026-01-01T24:00:00Z",
		"2026-01-01T00:00:00",
		"2026-01-01",
		"2026-01-01T00:00:00+8:00",
		"2026-01-01T00:00:00Zjunk",
		"",
		"2026-01-01T00:60:00Z",
		"2026-01-01T00:00:00.Z",
	};
	int64_t t;

	UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(timefmt_parse_rfc3339(bad[i], &t), -1);
}

static void dates_and_ages(void **state)
{
	struct sh_date b, on;

	UNUSED(state);
	assert_int_equal(timefmt_parse_date("2012-02-29", &b), 0);
	assert_int_equal(timefmt_parse_date("2013-02-29", &b), -1);
	assert_int_equal(timefmt_parse_date("2010-06-15", &b), 0);
	timefmt_parse_date("2023-06-14", &on);
	assert_int_equal(timefmt_age_on(b, on), 12); /* the day before the birthday */
	timefmt_parse_date("2023-06-15", &on);
	assert_int_equal(timefmt_age_on(b, on), 13); /* on the birthday */
	timefmt_parse_date("2012-02-29", &b);
	timefmt_parse_date("2025-02-28", &on);
	assert_int_equal(timefmt_age_on(b, on), 12); /* leap-day birthday: reached on 1 March */
	timefmt_parse_date("2025-03-01", &on);
	assert_int_equal(timefmt_age_on(b, on), 13);
	/* adding days crosses months, leap days and years, both ways */
	{
		char d[11];
		timefmt_format_date(timefmt_date_add(b, 1), d); /* 2012-02-29 + 1 */
		assert_string_equal(d, "2012-03-01");
		timefmt_format_date(timefmt_date_add(on, -60), d);
		assert_string_equal(d, "2024-12-31");
		timefmt_format_date(timefmt_date_add(on, 0), d);
		assert_string_equal(d, "2025-03-01");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc3339_round_trip),
		cmocka_unit_test(rfc3339_rejects),
		cmocka_unit_test(dates_and_ages),
	};
	return cmocka_run_group_tests_name("timefmt", tests, NULL, NULL);
}
