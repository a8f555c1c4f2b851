/*
 * The county calendar for protocol deadlines: holiday files, business days, and local
 * times of day (docs/protocol-format.md, "Business days and times of day"). Pure except
 * protocol_holidays_load(); the time zone is the county's (lib/tz.h), UTC without one.
 */
#include "lib/common.h"
#include "core/protocol_internal.h"
#include "lib/tz.h"

#define HOLIDAYS_MAX 4096
#define HOLIDAY_NAME_MAX 200
/* the dates the calendar arithmetic accepts: years 1 to 9999 */
#define CAL_MIN_T (-62135596800LL)
#define CAL_MAX_T 253402300799LL

static int date_cmp(const struct sh_date *a, const struct sh_date *b)
{
	if (a->year != b->year)
		return a->year < b->year ? -1 : 1;
	if (a->month != b->month)
		return a->month < b->month ? -1 : 1;
	return a->day < b->day ? -1 : a->day > b->day;
}

static int date_qcmp(const void *a, const void *b)
{
	return date_cmp(a, b);
}

/* One line: "YYYY-MM-DD NAME"; the date into *d. false (and an error) when malformed. */
static bool holiday_line(const char *s, size_t n, struct sh_date *d, const char **why)
{
	char date[11];
	size_t i = 10;

	if (n < 10) {
		*why = "a holiday line is a date written YYYY-MM-DD, then the holiday's name";
		return false;
	}
	memcpy(date, s, 10);
	date[10] = '\0';
	if (timefmt_parse_date(date, d)) {
		*why = "the date must be a real date written YYYY-MM-DD, e.g. '2026-11-26 "
		       "Thanksgiving Day'";
		return false;
	}
	if (i < n && s[i] != ' ' && s[i] != '\t') {
		*why = "write a space between the date and the holiday's name";
		return false;
	}
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == n) {
		*why = "the holiday needs a name after its date, e.g. '2026-11-26 Thanksgiving Day'";
		return false;
	}
	if (n - i > HOLIDAY_NAME_MAX) {
		*why = "the holiday's name is longer than 200 characters";
		return false;
	}
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			*why = "invalid character: the file must be text without control characters";
			return false;
		}
	}
	return true;
}

enum sh_code protocol_holidays_parse(const char *text, size_t len, const char *filename,
				     struct sh_date **out, size_t *n, struct buf *errors)
{
	enum sh_code rc = SH_OK;
	struct sh_date *d = NULL;
	int *lines = NULL;
	size_t nd = 0, nerr = 0;
	const char *s = text ? text : "", *end = s + (text ? len : 0);
	int line = 0;

	*out = NULL;
	*n = 0;
	filename = filename ? filename : "holidays";
	d = calloc(HOLIDAYS_MAX, sizeof(*d));
	lines = calloc(HOLIDAYS_MAX, sizeof(*lines));
	if (!d || !lines) {
		rc = SH_ENOMEM;
		goto out;
	}
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s)), *hash;
		size_t width = nl ? (size_t)(nl - s) : (size_t)(end - s),
		       next = nl ? width + 1 : width;
		const char *why = NULL;
		size_t k;

		line++;
		hash = memchr(s, '#', width);
		if (hash)
			width = (size_t)(hash - s);
		while (width &&
		       (s[width - 1] == '\r' || s[width - 1] == ' ' || s[width - 1] == '\t'))
			width--;
		while (width && (*s == ' ' || *s == '\t')) {
			s++;
			width--;
			next--;
		}
		if (width) {
			if (nd == HOLIDAYS_MAX)
				why = "too many holidays (at most 4096)";
			else if (holiday_line(s, width, &d[nd], &why)) {
				for (k = 0; k < nd && date_cmp(&d[k], &d[nd]); k++)
					;
				if (k < nd) {
					buf_addf(
						errors,
						"%s:%d: duplicate holiday %.10s (first on line %d)\n",
						filename, line, s, lines[k]);
					nerr++;
				} else {
					lines[nd++] = line;
				}
			}
			if (why) {
				buf_addf(errors, "%s:%d: %s\n", filename, line, why);
				nerr++;
			}
		}
		s += next;
	}
	if (nerr) {
		rc = SH_EINVAL;
		goto out;
	}
	qsort(d, nd, sizeof(*d), date_qcmp);
	*out = realloc(d, (nd ? nd : 1) * sizeof(*d)); /* keep what the file holds */
	if (!*out)
		*out = d;
	*n = nd;
	d = NULL;
out:
	free(d);
	free(lines);
	return rc;
}

enum sh_code protocol_holidays_load(const char *path, struct sh_date **out, size_t *n,
				    struct buf *errors)
{
	struct buf text;
	enum sh_code rc;

	*out = NULL;
	*n = 0;
	buf_init(&text, PROTOCOL_MAX_FILE);
	rc = buf_read_file(&text, path, errors);
	if (!rc)
		rc = protocol_holidays_parse(text.data, text.len, path, out, n, errors);
	buf_release(&text);
	return rc;
}

const char *protocol_timezone(const struct protocol *p)
{
	return p->timezone;
}

const char *protocol_holidays_file(const struct protocol *p)
{
	return p->holidays;
}

enum sh_code protocol_calendar_load(const struct protocol *p, const char *path, struct tz **tz,
				    struct sh_date **days, size_t *n, bool *has_days,
				    struct buf *errors)
{
	struct sh_error err = SH_ERROR_INIT;
	struct buf why = BUF_INIT;
	char file[4096];
	const char *slash = path ? strrchr(path, '/') : NULL;
	enum sh_code rc = SH_OK;

	*tz = NULL;
	*days = NULL;
	*n = 0;
	*has_days = p->holidays && path;
	if (p->timezone && tz_load(NULL, p->timezone, tz, &err)) {
		buf_addf(errors,
			 "%s:%d: unknown time zone '%s': write an IANA name of the zone database, "
			 "e.g. America/Chicago\n",
			 path ? path : p->name, p->timezone_line, p->timezone);
		rc = SH_EINVAL;
		goto out;
	}
	if (!*has_days)
		goto out;
	if (p->holidays[0] == '/' || !slash)
		snprintf(file, sizeof(file), "%s", p->holidays);
	else
		snprintf(file, sizeof(file), "%.*s/%s", (int)(slash - path), path, p->holidays);
	rc = protocol_holidays_load(file, days, n, &why);
	if (rc == SH_EINVAL) /* its own FILE:LINE problems */
		buf_addf(errors, "%s", why.data);
	else if (rc)
		buf_addf(errors, "%s:%d: the holiday file: %s", path, p->holidays_line,
			 why.len ? why.data : "cannot read\n");
	if (rc) {
		rc = SH_EINVAL;
		tz_free(*tz);
		*tz = NULL;
	}
out:
	buf_release(&why);
	return rc;
}

bool protocol_business_day(const struct protocol_calendar *cal, struct sh_date d)
{
	int64_t days = timefmt_days_from_civil(d.year, d.month, d.day);
	int wd = (int)(((days % 7) + 11) % 7); /* 1970-01-01 was a Thursday: 0 = Sunday */
	size_t lo = 0, hi = cal ? cal->nholidays : 0;

	if (wd == 0 || wd == 6)
		return false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = date_cmp(&cal->holidays[mid], &d);
		if (!c)
			return false;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return true;
}

static struct sh_date local_date(const struct protocol_calendar *cal, int64_t t)
{
	return cal && cal->tz ? tz_date(cal->tz, t) : timefmt_time_to_date(t);
}

/* The instant of local day d at secs after midnight. A time the clocks skip (a spring
 * forward) is read after the change; a time that happens twice (fall back), the first. */
static int64_t local_instant(const struct protocol_calendar *cal, struct sh_date d, int secs)
{
	int64_t wall = timefmt_date_to_time(d) + secs, t1, t2;
	int32_t o1, o2;

	if (!cal || !cal->tz)
		return wall;
	o1 = tz_offset(cal->tz, wall);
	t1 = wall - o1;
	o2 = tz_offset(cal->tz, t1);
	if (o2 == o1)
		return t1;
	t2 = wall - o2;
	if (tz_offset(cal->tz, t2) == o2)
		return t2;
	return t1 > t2 ? t1 : t2;
}

int64_t protocol_calendar_due(const struct protocol_calendar *cal, int64_t anchor, int sign,
			      const struct pduration *d, int at_min)
{
	struct sh_date day;
	long left = d->amount;

	if (anchor < CAL_MIN_T + 30 * 86400LL || anchor > CAL_MAX_T - 30 * 86400LL)
		return anchor; /* absurd facts: no calendar for them */
	day = local_date(cal, anchor);
	if (d->unit == 'b') {
		while (left > 0) {
			day = timefmt_date_add(day, sign < 0 ? -1 : 1);
			if (protocol_business_day(cal, day))
				left--;
		}
	} else {
		day = timefmt_date_add(day, (int)(sign < 0 ? -left : left));
	}
	if (day.year < 1 || day.year > 9999)
		return anchor;
	if (at_min < 0)
		return cal && cal->tz ? tz_day_end(cal->tz, day)
				      : timefmt_date_to_time(day) + 86399;
	return local_instant(cal, day, at_min * 60);
}
