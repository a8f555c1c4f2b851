#ifndef SH_TIMEFMT_H
#define SH_TIMEFMT_H
/*
 * Times are Unix seconds in UTC (int64_t) everywhere inside safeharbor. This module
 * converts them to and from RFC 3339 text and calendar dates with its own arithmetic
 * (no gmtime/localtime, no TZ environment), and carries the injectable clock.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include "lib/error.h"

#define TIMEFMT_RFC3339_LEN 21 /* "2026-11-28T14:04:25Z" + NUL */

struct sh_date {
	int year, month, day;
};

/* A clock that tests can fix. now() returns Unix seconds. */
struct sh_clock {
	int64_t (*now)(void *ctx);
	void *ctx;
};

extern const struct sh_clock timefmt_system_clock;
static inline int64_t clock_now(const struct sh_clock *c)
{
	return c->now(c->ctx);
}

/* Days since 1970-01-01 for a proleptic Gregorian date, and back. */
int64_t timefmt_days_from_civil(int y, int m, int d);
void timefmt_civil_from_days(int64_t days, int *y, int *m, int *d);

/* "YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm|-hh:mm)"; fraction dropped. 0 or -1. */
int timefmt_parse_rfc3339(const char *s, int64_t *out);
/* Writes "YYYY-MM-DDTHH:MM:SSZ" into out (at least TIMEFMT_RFC3339_LEN bytes). */
void timefmt_format_rfc3339(int64_t t, char *out);
/* Strict "YYYY-MM-DD" with a real calendar day. 0 or -1. */
int timefmt_parse_date(const char *s, struct sh_date *out);
void timefmt_format_date(struct sh_date d, char out[11]);
int64_t timefmt_date_to_time(struct sh_date d); /* midnight UTC */
struct sh_date timefmt_time_to_date(int64_t t); /* UTC calendar day */
/* The calendar date `days` days after d (before it when negative). */
struct sh_date timefmt_date_add(struct sh_date d, int days);
/* Whole years from birth date to a date: the age a court or the law uses. */
int timefmt_age_on(struct sh_date birth, struct sh_date on);
bool timefmt_valid_date(int y, int m, int d);

/*
 * A time of a form field that must lie in [lo, hi]: SH_OK, or SH_EINVAL naming field and
 * the range ("must be between 2026-01-01T00:00:00Z and 2027-01-01T00:00:00Z (why)").
 * For the sanity bounds of dates people type (a shift ending in 9999, a hearing in 1900).
 */
enum sh_code timefmt_check_range(const char *field, int64_t t, int64_t lo, int64_t hi,
				 const char *why, struct sh_error *err);

#endif
