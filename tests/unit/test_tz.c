/* lib/tz: the county's calendar day from the system zone database. */
#include "lib/common.h"
#include <setjmp.h>
#include <cmocka.h>
#include "lib/tz.h"

static int64_t at(const char *rfc3339)
{
	int64_t t = 0;

	assert_int_equal(timefmt_parse_rfc3339(rfc3339, &t), 0);
	return t;
}

static struct tz *load(const char *name)
{
	struct sh_error err = SH_ERROR_INIT;
	struct tz *z = NULL;

	assert_int_equal(tz_load(NULL, name, &z, &err), SH_OK);
	assert_non_null(z);
	return z;
}

static void assert_date(struct sh_date d, int y, int m, int day)
{
	assert_int_equal(d.year, y);
	assert_int_equal(d.month, m);
	assert_int_equal(d.day, day);
}

static void los_angeles_offsets_and_days(void **state)
{
	struct tz *z = load("America/Los_Angeles");
	char out[TZ_LOCAL_LEN];

	UNUSED(state);
	assert_string_equal(tz_name(z), "America/Los_Angeles");
	/* winter and summer time; the 2026 changes (8 March, 1 November) at 02:00 local */
	assert_int_equal(tz_offset(z, at("2026-01-15T12:00:00Z")), -8 * 3600);
	assert_int_equal(tz_offset(z, at("2026-07-15T12:00:00Z")), -7 * 3600);
	assert_int_equal(tz_offset(z, at("2026-03-08T09:59:59Z")), -8 * 3600);
	assert_int_equal(tz_offset(z, at("2026-03-08T10:00:00Z")), -7 * 3600);
	assert_int_equal(tz_offset(z, at("2026-11-01T08:59:59Z")), -7 * 3600);
	assert_int_equal(tz_offset(z, at("2026-11-01T09:00:00Z")), -8 * 3600);
	assert_string_equal(tz_abbr(z, at("2026-07-15T12:00:00Z")), "PDT");
	assert_string_equal(tz_abbr(z, at("2026-01-15T12:00:00Z")), "PST");
	/* 20:00 Pacific on 31 March is 1 April in UTC, and still 31 March in the county */
	assert_date(tz_date(z, at("2026-04-01T03:00:00Z")), 2026, 3, 31);
	assert_date(tz_date(z, at("2026-04-01T06:59:59Z")), 2026, 3, 31);
	assert_date(tz_date(z, at("2026-04-01T07:00:00Z")), 2026, 4, 1);
	tz_format(z, at("2026-04-01T03:00:00Z"), out);
	assert_string_equal(out, "2026-03-31T20:00:00-07:00");
	tz_format(z, at("2026-12-25T08:30:00Z"), out);
	assert_string_equal(out, "2026-12-25T00:30:00-08:00");
	/* a local day: 24 hours, 23 on the spring change, 25 on the autumn one */
	assert_int_equal(tz_day_start(z, (struct sh_date){ 2026, 4, 1 }),
			 at("2026-04-01T07:00:00Z"));
	assert_int_equal(tz_day_end(z, (struct sh_date){ 2026, 3, 31 }),
			 at("2026-04-01T06:59:59Z"));
	assert_int_equal(tz_day_end(z, (struct sh_date){ 2026, 3, 8 }) + 1 -
				 tz_day_start(z, (struct sh_date){ 2026, 3, 8 }),
			 23 * 3600);
	assert_int_equal(tz_day_end(z, (struct sh_date){ 2026, 11, 1 }) + 1 -
				 tz_day_start(z, (struct sh_date){ 2026, 11, 1 }),
			 25 * 3600);
	assert_int_equal(tz_day_start(z, (struct sh_date){ 2026, 1, 1 }),
			 at("2026-01-01T08:00:00Z"));
	/* past the file's last transition: the POSIX rule in its footer */
	assert_int_equal(tz_offset(z, at("2061-07-04T12:00:00Z")), -7 * 3600);
	assert_int_equal(tz_offset(z, at("2061-12-04T12:00:00Z")), -8 * 3600);
	assert_int_equal(tz_offset(z, at("2061-03-13T09:59:59Z")), -8 * 3600); /* 2nd Sunday */
	assert_int_equal(tz_offset(z, at("2061-03-13T10:00:00Z")), -7 * 3600);
	tz_free(z);
}

static void age_on_the_local_day(void **state)
{
	struct tz *z = load("America/Los_Angeles");
	struct sh_date birth = { 2008, 4, 1 };

	UNUSED(state);
	/* the evening before her 18th birthday in Los Angeles is already the birthday in UTC */
	assert_int_equal(tz_age_at(z, birth, at("2026-04-01T03:00:00Z")), 17);
	assert_int_equal(tz_age_at(z, birth, at("2026-04-01T06:59:59Z")), 17);
	assert_int_equal(tz_age_at(z, birth, at("2026-04-01T07:00:00Z")), 18);
	/* born on 29 February: 18 on 1 March in a common year */
	assert_int_equal(tz_age_at(z, (struct sh_date){ 2008, 2, 29 }, at("2026-03-01T07:59:59Z")),
			 17);
	assert_int_equal(tz_age_at(z, (struct sh_date){ 2008, 2, 29 }, at("2026-03-01T08:00:00Z")),
			 18);
	tz_free(z);
}

static void other_zones(void **state)
{
	struct tz *z;

	UNUSED(state);
	z = load("UTC");
	assert_int_equal(tz_offset(z, at("2026-07-01T00:00:00Z")), 0);
	assert_int_equal(tz_day_start(z, (struct sh_date){ 2026, 7, 1 }),
			 at("2026-07-01T00:00:00Z"));
	tz_free(z);
	/* the southern hemisphere: daylight time across the new year */
	z = load("Australia/Sydney");
	assert_int_equal(tz_offset(z, at("2026-01-15T00:00:00Z")), 11 * 3600);
	assert_int_equal(tz_offset(z, at("2026-07-15T00:00:00Z")), 10 * 3600);
	assert_int_equal(tz_offset(z, at("2070-01-15T00:00:00Z")), 11 * 3600);
	assert_int_equal(tz_offset(z, at("2070-07-15T00:00:00Z")), 10 * 3600);
	assert_date(tz_date(z, at("2026-06-30T14:00:00Z")), 2026, 7, 1);
	tz_free(z);
	/* half-hour offsets, no daylight time */
	z = load("Asia/Kolkata");
	assert_int_equal(tz_offset(z, at("2026-07-15T00:00:00Z")), 5 * 3600 + 1800);
	assert_int_equal(tz_offset(z, at("2080-07-15T00:00:00Z")), 5 * 3600 + 1800);
	assert_int_equal(tz_day_start(z, (struct sh_date){ 2026, 7, 15 }),
			 at("2026-07-14T18:30:00Z"));
	tz_free(z);
	/* another US zone, through its rule far ahead */
	z = load("America/New_York");
	assert_int_equal(tz_offset(z, at("2090-11-05T05:59:59Z")), -4 * 3600); /* 1st Sunday */
	assert_int_equal(tz_offset(z, at("2090-11-05T06:00:00Z")), -5 * 3600);
	tz_free(z);
}

static void bad_names_and_files(void **state)
{
	static const char *bad[] = { "",
				     "../../etc/passwd",
				     "/etc/localtime",
				     "Nowhere/City",
				     "America/Los Angeles",
				     "America//",
				     ".hidden",
				     "America/" };
	static const unsigned char junk[] = "TZif2 this is not a zone file at all............";
	struct sh_error err = SH_ERROR_INIT;
	struct tz *z = (struct tz *)1;

	UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		sh_error_init(&err);
		assert_int_equal(tz_load(NULL, bad[i], &z, &err), SH_EINVAL);
		assert_null(z);
		assert_string_equal(err.fields[0].field, "county.timezone");
	}
	sh_error_init(&err);
	assert_int_equal(tz_parse("x", junk, sizeof(junk), &z, &err), SH_EINVAL);
	assert_null(z);
	sh_error_init(&err);
	assert_int_equal(tz_parse("x", junk, 3, &z, &err), SH_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(los_angeles_offsets_and_days),
		cmocka_unit_test(age_on_the_local_day),
		cmocka_unit_test(other_zones),
		cmocka_unit_test(bad_names_and_files),
	};

	return cmocka_run_group_tests_name("tz", tests, NULL, NULL);
}
