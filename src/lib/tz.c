/*
 * TZif reader (RFC 8536, versions 1 to 4) and POSIX TZ rules for instants past the
 * file's last transition. Only the 64-bit data block of version 2+ files is used;
 * leap-second records are skipped (instants are POSIX seconds).
 */
#include "lib/common.h"
#include <ctype.h>
#include <errno.h>
#include "lib/buf.h"
#include "lib/tz.h"

#define TZ_MAX_TIMES 4000 /* the largest zone files hold about 240 */
#define TZ_MAX_TYPES 256
#define TZ_FILE_MAX (256 * 1024)
#define DAY 86400

struct tz_rule {   /* one end of daylight time in a POSIX TZ string */
	char kind; /* 'J' (Julian, no Feb 29), 'D' (zero-based day), 'M' (month.week.day) */
	int day, week, month;
	int32_t time; /* seconds after local midnight, may be negative or past 24 h */
};

struct tz_type {
	int32_t utoff;
	bool isdst;
	char abbr[16];
};

struct tz {
	char name[64];
	size_t ntimes, ntypes;
	int64_t *times;
	unsigned char *idx; /* the type of each transition */
	struct tz_type types[TZ_MAX_TYPES];
	/* the footer rule: std only (no dst), or std and dst with their two rules */
	bool has_rule, rule_dst;
	struct tz_type std, dst;
	struct tz_rule start, end;
};

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* ---- reading the file ---- */

struct rd {
	const unsigned char *p, *end;
};

static bool take(struct rd *r, size_t n, const unsigned char **out)
{
	if ((size_t)(r->end - r->p) < n)
		return false;
	*out = r->p;
	r->p += n;
	return true;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct header {
	char version;
	uint32_t isut, isstd, leap, times, types, chars;
};

static bool read_header(struct rd *r, struct header *h)
{
	const unsigned char *p;

	if (!take(r, 44, &p) || memcmp(p, "TZif", 4))
		return false;
	h->version = (char)p[4];
	h->isut = be32(p + 20);
	h->isstd = be32(p + 24);
	h->leap = be32(p + 28);
	h->times = be32(p + 32);
	h->types = be32(p + 36);
	h->chars = be32(p + 40);
	return h->types >= 1 && h->types <= TZ_MAX_TYPES && h->times <= TZ_MAX_TIMES &&
	       h->chars <= 1024 && h->leap <= 1024 && (h->isut == 0 || h->isut == h->types) &&
	       (h->isstd == 0 || h->isstd == h->types);
}

static size_t block_len(const struct header *h, int tsize)
{
	return (size_t)h->times * (size_t)tsize + h->times + (size_t)h->types * 6 + h->chars +
	       (size_t)h->leap * (size_t)(tsize + 4) + h->isstd + h->isut;
}

/* ---- POSIX TZ strings: "PST8PDT,M3.2.0,M11.1.0", "<+0530>-5:30", "<-03>3" ---- */

static const char *rule_name(const char *s, char *out, size_t size)
{
	size_t n = 0;

	if (*s == '<') {
		for (s++; *s && *s != '>'; s++)
			if (n + 1 < size)
				out[n++] = *s;
		if (*s != '>')
			return NULL;
		s++;
	} else {
		for (; isalpha((unsigned char)*s); s++)
			if (n + 1 < size)
				out[n++] = *s;
	}
	out[n] = '\0';
	return n >= 3 ? s : NULL;
}

/* [+-]hh[:mm[:ss]], hours up to 167 (RFC 8536 version 3) */
static const char *rule_hms(const char *s, int32_t *out)
{
	int sign = 1, part[3] = { 0, 0, 0 };

	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	for (int i = 0; i < 3; i++) {
		int v = 0, nd = 0;
		if (i && *s != ':')
			break;
		if (i)
			s++;
		while (isdigit((unsigned char)*s) && nd < 3) {
			v = v * 10 + (*s++ - '0');
			nd++;
		}
		if (!nd || (i && v > 59) || (!i && v > 167))
			return NULL;
		part[i] = v;
	}
	*out = sign * (part[0] * 3600 + part[1] * 60 + part[2]);
	return s;
}

static const char *rule_num(const char *s, int lo, int hi, int *out)
{
	int v = 0, nd = 0;

	while (isdigit((unsigned char)*s) && nd < 4) {
		v = v * 10 + (*s++ - '0');
		nd++;
	}
	if (!nd || v < lo || v > hi)
		return NULL;
	*out = v;
	return s;
}

static const char *rule_date(const char *s, struct tz_rule *r)
{
	if (*s == 'J') {
		r->kind = 'J';
		s = rule_num(s + 1, 1, 365, &r->day);
	} else if (*s == 'M') {
		r->kind = 'M';
		if (!(s = rule_num(s + 1, 1, 12, &r->month)) || *s++ != '.' ||
		    !(s = rule_num(s, 1, 5, &r->week)) || *s++ != '.')
			return NULL;
		s = rule_num(s, 0, 6, &r->day);
	} else {
		r->kind = 'D';
		s = rule_num(s, 0, 365, &r->day);
	}
	r->time = 7200;
	if (s && *s == '/')
		s = rule_hms(s + 1, &r->time);
	return s;
}

static bool parse_rule(struct tz *z, const char *s)
{
	int32_t off;

	if (!*s)
		return true; /* no rule: the last transition's type holds */
	if (!(s = rule_name(s, z->std.abbr, sizeof(z->std.abbr))) || !(s = rule_hms(s, &off)))
		return false;
	z->std.utoff = -off; /* POSIX offsets are west of UTC */
	z->has_rule = true;
	if (!*s)
		return true;
	if (!(s = rule_name(s, z->dst.abbr, sizeof(z->dst.abbr))))
		return false;
	z->dst.utoff = z->std.utoff + 3600;
	z->dst.isdst = true;
	if (*s && *s != ',') {
		if (!(s = rule_hms(s, &off)))
			return false;
		z->dst.utoff = -off;
	}
	if (*s++ != ',' || !(s = rule_date(s, &z->start)) || *s++ != ',' ||
	    !(s = rule_date(s, &z->end)) || *s)
		return false;
	z->rule_dst = true;
	return true;
}

/* The local day (days since 1970-01-01) on which rule r falls in year y. */
static int64_t rule_day(const struct tz_rule *r, int y)
{
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	int64_t jan1 = timefmt_days_from_civil(y, 1, 1), first, d;

	switch (r->kind) {
	case 'J': /* 1..365, February 29 never counted */
		return jan1 + r->day - 1 + (leap && r->day >= 60);
	case 'D': return jan1 + r->day;
	default:
		first = timefmt_days_from_civil(y, r->month, 1);
		/* weekday of the first (1970-01-01 was a Thursday: 4) */
		d = first + ((r->day - (first + 4) % 7 + 7) % 7) + (int64_t)(r->week - 1) * 7;
		if (r->week == 5) {
			int ny = r->month == 12 ? y + 1 : y, nm = r->month == 12 ? 1 : r->month + 1;
			while (d >= timefmt_days_from_civil(ny, nm, 1))
				d -= 7;
		}
		return d;
	}
}

static const struct tz_type *rule_type(const struct tz *z, int64_t t)
{
	int y, m, d;
	int64_t start, end;

	if (!z->rule_dst)
		return &z->std;
	timefmt_civil_from_days(floor_div(t + z->std.utoff, DAY), &y, &m, &d);
	/* the transitions in UTC: each rule's local time is in the time then in force */
	start = rule_day(&z->start, y) * DAY + z->start.time - z->std.utoff;
	end = rule_day(&z->end, y) * DAY + z->end.time - z->dst.utoff;
	if (start < end)
		return t >= start && t < end ? &z->dst : &z->std;
	return t >= end && t < start ? &z->std : &z->dst; /* southern hemisphere */
}

enum sh_code tz_parse(const char *name, const unsigned char *data, size_t len, struct tz **out,
		      struct sh_error *err)
{
	struct rd r = { data, data + len };
	struct header h;
	const unsigned char *p, *times, *idx, *types, *chars;
	struct tz *z = NULL;
	char footer[128];
	size_t n = 0;

	*out = NULL;
	if (!read_header(&r, &h))
		goto bad;
	if (h.version >= '2') {
		/* skip the 32-bit block; the 64-bit one follows with its own header */
		if (!take(&r, block_len(&h, 4), &p) || !read_header(&r, &h))
			goto bad;
	}
	{
		int tsize = h.version >= '2' ? 8 : 4;
		if (!take(&r, (size_t)h.times * (size_t)tsize, &times) ||
		    !take(&r, h.times, &idx) || !take(&r, (size_t)h.types * 6, &types) ||
		    !take(&r, h.chars, &chars) ||
		    !take(&r, (size_t)h.leap * (size_t)(tsize + 4) + h.isstd + h.isut, &p))
			goto bad;
		if (!(z = calloc(1, sizeof(*z))))
			return sh_error_set(err, SH_ENOMEM, "out of memory");
		z->times = calloc(h.times + 1, sizeof(*z->times));
		z->idx = calloc(h.times + 1, 1);
		if (!z->times || !z->idx) {
			tz_free(z);
			return sh_error_set(err, SH_ENOMEM, "out of memory");
		}
		for (uint32_t i = 0; i < h.times; i++) {
			z->times[i] =
				tsize == 8 ? be64(times + 8 * i) : (int32_t)be32(times + 4 * i);
			if (idx[i] >= h.types || (i && z->times[i] <= z->times[i - 1]))
				goto bad;
			z->idx[i] = idx[i];
		}
	}
	z->ntimes = h.times;
	z->ntypes = h.types;
	for (uint32_t i = 0; i < h.types; i++) {
		const unsigned char *t = types + 6 * i;
		int32_t off = (int32_t)be32(t);
		if (off <= -25 * 3600 || off >= 26 * 3600 || t[4] > 1 || t[5] >= h.chars)
			goto bad;
		z->types[i].utoff = off;
		z->types[i].isdst = t[4];
		snprintf(z->types[i].abbr, sizeof(z->types[i].abbr), "%.*s",
			 (int)strnlen((const char *)chars + t[5], h.chars - t[5]), chars + t[5]);
	}
	/* the footer: "\n" TZ-string "\n" (version 2+) */
	if (h.version >= '2') {
		if (!take(&r, 1, &p) || *p != '\n')
			goto bad;
		while (r.p < r.end && *r.p != '\n' && n + 1 < sizeof(footer))
			footer[n++] = (char)*r.p++;
		footer[n] = '\0';
		if (r.p >= r.end || *r.p != '\n' || !parse_rule(z, footer))
			goto bad;
	}
	snprintf(z->name, sizeof(z->name), "%s", name);
	*out = z;
	return SH_OK;
bad:
	tz_free(z);
	return sh_error_field(err, SH_EINVAL, "county.timezone",
			      "'%s' is not a valid zone file in the time zone database", name);
}

static bool valid_name(const char *name)
{
	size_t n = strlen(name);

	if (!n || n >= 64 || name[0] == '/' || name[0] == '.' || strstr(name, ".."))
		return false;
	for (const char *s = name; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("/_+-", *s))
			return false;
	return true;
}

enum sh_code tz_load(const char *dir, const char *name, struct tz **out, struct sh_error *err)
{
	struct buf path = BUF_INIT, data = BUF_INIT;
	FILE *f = NULL;
	char chunk[4096];
	size_t n;
	enum sh_code rc;

	*out = NULL;
	if (!name || !valid_name(name))
		return sh_error_field(err, SH_EINVAL, "county.timezone",
				      "'%s' is not a time zone name (like America/Los_Angeles)",
				      name ? name : "");
	buf_addf(&path, "%s/%s", dir ? dir : TZ_DIR, name);
	if (!(f = fopen(path.data, "rb"))) {
		rc = sh_error_field(err, SH_EINVAL, "county.timezone",
				    "'%s' is not in the time zone database (%s: %s)", name,
				    dir ? dir : TZ_DIR, strerror(errno));
		goto out;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && data.len < TZ_FILE_MAX)
		if (buf_add(&data, chunk, n)) {
			rc = sh_error_set(err, SH_ENOMEM, "out of memory");
			goto out;
		}
	rc = tz_parse(name, (const unsigned char *)data.data, data.len, out, err);
out:
	if (f)
		fclose(f);
	buf_release(&path);
	buf_release(&data);
	return rc;
}

void tz_free(struct tz *z)
{
	if (!z)
		return;
	free(z->times);
	free(z->idx);
	free(z);
}

const char *tz_name(const struct tz *z)
{
	return z->name;
}

static const struct tz_type *type_at(const struct tz *z, int64_t t)
{
	size_t lo = 0, hi = z->ntimes;

	if (!z->ntimes || t < z->times[0])
		return &z->types[0];
	if (t >= z->times[z->ntimes - 1] && z->has_rule)
		return rule_type(z, t);
	/* the last transition at or before t */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (z->times[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return &z->types[z->idx[lo]];
}

int32_t tz_offset(const struct tz *z, int64_t t)
{
	return type_at(z, t)->utoff;
}

const char *tz_abbr(const struct tz *z, int64_t t)
{
	return type_at(z, t)->abbr;
}

static int64_t local_days(const struct tz *z, int64_t t)
{
	return floor_div(t + tz_offset(z, t), DAY);
}

struct sh_date tz_date(const struct tz *z, int64_t t)
{
	struct sh_date d;

	timefmt_civil_from_days(local_days(z, t), &d.year, &d.month, &d.day);
	return d;
}

int64_t tz_day_start(const struct tz *z, struct sh_date d)
{
	int64_t day = timefmt_days_from_civil(d.year, d.month, d.day);
	/* the first instant whose local day is `day`: offsets lie within +-26 hours */
	int64_t lo = day * DAY - 26 * 3600, hi = day * DAY + 26 * 3600;

	while (lo < hi) {
		int64_t mid = lo + (hi - lo) / 2;
		if (local_days(z, mid) >= day)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

int64_t tz_day_end(const struct tz *z, struct sh_date d)
{
	int y, m, dd;

	timefmt_civil_from_days(timefmt_days_from_civil(d.year, d.month, d.day) + 1, &y, &m, &dd);
	return tz_day_start(z, (struct sh_date){ y, m, dd }) - 1;
}

int tz_age_at(const struct tz *z, struct sh_date birth, int64_t t)
{
	return timefmt_age_on(birth, tz_date(z, t));
}

void tz_format(const struct tz *z, int64_t t, char *out)
{
	int32_t off = tz_offset(z, t);
	char utc[TIMEFMT_RFC3339_LEN];
	int32_t a = off < 0 ? -off : off;

	/* the local wall time is the UTC formatting of t + offset */
	timefmt_format_rfc3339(t + off, utc);
	snprintf(out, TZ_LOCAL_LEN, "%.19s%c%02d:%02d", utc, off < 0 ? '-' : '+',
		 (int)(a / 3600 % 100), (int)(a % 3600 / 60));
}
