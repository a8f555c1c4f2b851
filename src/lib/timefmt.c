#include "lib/common.h"
#include "lib/timefmt.h"

static int64_t system_now(void *ctx)
{
	UNUSED(ctx);
	return (int64_t)time(NULL);
}

const struct sh_clock timefmt_system_clock = { system_now, NULL };

/* Howard Hinnant's days_from_civil / civil_from_days. */
int64_t timefmt_days_from_civil(int y, int m, int d)
{
	int64_t yy = y - (m <= 2);
	int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void timefmt_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp, yy;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

bool timefmt_valid_date(int y, int m, int d)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap, max;

	if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1)
		return false;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	max = mdays[m - 1] + (m == 2 && leap);
	return d <= max;
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int timefmt_parse_date(const char *s, struct sh_date *out)
{
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	if (digits(s, 4, &y) || digits(s + 5, 2, &m) || digits(s + 8, 2, &d))
		return -1;
	if (!timefmt_valid_date(y, m, d))
		return -1;
	out->year = y;
	out->month = m;
	out->day = d;
	return 0;
}

int timefmt_parse_rfc3339(const char *s, int64_t *out)
{
	struct sh_date date;
	char day[11];
	int hh, mm, ss, oh = 0, om = 0, sign = 0;
	const char *p;

	if (strlen(s) < 20 || (s[10] != 'T' && s[10] != 't' && s[10] != ' '))
		return -1;
	memcpy(day, s, 10);
	day[10] = '\0';
	if (timefmt_parse_date(day, &date))
		return -1;
	p = s + 11;
	if (digits(p, 2, &hh) || p[2] != ':' || digits(p + 3, 2, &mm) || p[5] != ':' ||
	    digits(p + 6, 2, &ss))
		return -1;
	if (hh > 23 || mm > 59 || ss > 60)
		return -1;
	if (ss == 60)
		ss = 59; /* a leap second is held at :59 */
	p += 8;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '+' ? 1 : -1;
		if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 23 ||
		    om > 59)
			return -1;
		p += 6;
	} else {
		return -1;
	}
	if (*p)
		return -1;
	*out = timefmt_date_to_time(date) + hh * 3600 + mm * 60 + ss - sign * (oh * 3600 + om * 60);
	return 0;
}

static char *put_digits(char *p, unsigned v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

static void format_day(int y, int m, int d, char *out)
{
	char *p = put_digits(out, (unsigned)y % 10000, 4);

	*p++ = '-';
	p = put_digits(p, (unsigned)m, 2);
	*p++ = '-';
	p = put_digits(p, (unsigned)d, 2);
	*p = '\0';
}

void timefmt_format_rfc3339(int64_t t, char *out)
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	unsigned secs = (unsigned)(t - days * 86400);
	int y, m, d;
	char *p;

	timefmt_civil_from_days(days, &y, &m, &d);
	format_day(y, m, d, out);
	p = out + 10;
	*p++ = 'T';
	p = put_digits(p, secs / 3600, 2);
	*p++ = ':';
	p = put_digits(p, secs / 60 % 60, 2);
	*p++ = ':';
	p = put_digits(p, secs % 60, 2);
	*p++ = 'Z';
	*p = '\0';
}

void timefmt_format_date(struct sh_date d, char out[11])
{
	format_day(d.year, d.month, d.day, out);
}

int64_t timefmt_date_to_time(struct sh_date d)
{
	return timefmt_days_from_civil(d.year, d.month, d.day) * 86400;
}

struct sh_date timefmt_time_to_date(int64_t t)
{
	struct sh_date d;
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);

	timefmt_civil_from_days(days, &d.year, &d.month, &d.day);
	return d;
}

int timefmt_age_on(struct sh_date birth, struct sh_date on)
{
	int age = on.year - birth.year;

	/* a birthday on 29 February is reached on 1 March in common years */
	if (on.month < birth.month || (on.month == birth.month && on.day < birth.day))
		age--;
	return age;
}

enum sh_code timefmt_check_range(const char *field, int64_t t, int64_t lo, int64_t hi,
				 const char *why, struct sh_error *err)
{
	char from[TIMEFMT_RFC3339_LEN], to[TIMEFMT_RFC3339_LEN];

	if (t >= lo && t <= hi)
		return SH_OK;
	timefmt_format_rfc3339(lo, from);
	timefmt_format_rfc3339(hi, to);
	return sh_error_field(err, SH_EINVAL, field, "must be between %s and %s (%s)", from, to,
			      why);
}

struct sh_date timefmt_date_add(struct sh_date d, int days)
{
	timefmt_civil_from_days(timefmt_days_from_civil(d.year, d.month, d.day) + days, &d.year,
				&d.month, &d.day);
	return d;
}
