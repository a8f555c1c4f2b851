#include "lib/common.h"
#include "api/county.h"
#include "lib/arena.h"

#define WINDOW_MAX 365
#define LATE_ENTRY_MAX 1440

const struct county_setting county_settings[] = {
	{ "county.timezone", TZ_DEFAULT,
	  "the county's time zone (a name from the system time zone database): ages, deadlines "
	  "that end on a day and report periods use its calendar days" },
	{ "arrest.before_identification_days", "30",
	  "an arrest of a youth may be recorded this many days before the identification "
	  "(\"arrested first, recognised as a victim later\"); 0 to 365" },
	{ "events.late_entry_minutes", "60",
	  "a step done or a case closed with a time more than this many minutes before it is "
	  "recorded is a late entry: it needs a reason, is a deviation a supervisor reviews, and "
	  "the Board's timeliness counts it at the time it was recorded; 1 to 1440, or 0 for no "
	  "such rule (only while past records are loaded)" },
};
const size_t county_nsettings = ARRAY_SIZE(county_settings);

static enum sh_code parse_count(const char *key, const char *v, long min, long max,
			       const char *unit, int *out, struct sh_error *err)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (!*v || *end || n < min || n > max)
		return sh_error_field(err, SH_EINVAL, key, "'%s' is not a number of %s from %ld to %ld",
				      v, unit, min, max);
	*out = (int)n;
	return SH_OK;
}

static enum sh_code parse_window(const char *key, const char *v, int *out, struct sh_error *err)
{
	return parse_count(key, v, 0, WINDOW_MAX, "days", out, err);
}

static enum sh_code parse_late(const char *key, const char *v, int *out, struct sh_error *err)
{
	return parse_count(key, v, 0, LATE_ENTRY_MAX, "minutes", out, err);
}

enum sh_code county_setting_check(const char *key, const char *value, struct sh_error *err)
{
	struct tz *z = NULL;
	int n;
	enum sh_code rc;

	if (!strcmp(key, "county.timezone")) {
		rc = tz_load(NULL, value, &z, err);
		tz_free(z);
		return rc;
	}
	if (!strcmp(key, "arrest.before_identification_days"))
		return parse_window(key, value, &n, err);
	if (!strcmp(key, "events.late_entry_minutes"))
		return parse_late(key, value, &n, err);
	return sh_error_field(err, SH_EINVAL, key, "is not a county setting");
}

static const char *value_or_default(struct store_conn *c, const char *key, struct arena *a,
				    enum sh_code *rc, struct sh_error *err)
{
	char *v = NULL;

	if (*rc || (*rc = store_setting_get(c, key, a, &v, err)))
		return NULL;
	if (v)
		return v;
	for (size_t i = 0; i < county_nsettings; i++)
		if (!strcmp(county_settings[i].key, key))
			return county_settings[i].dflt;
	return NULL;
}

enum sh_code county_settings_load(struct store *s, struct county *out, struct sh_error *err)
{
	struct store_conn *c;
	struct arena a = ARENA_INIT;
	const char *zone, *window, *late;
	enum sh_code rc = SH_OK;

	memset(out, 0, sizeof(*out));
	if ((rc = store_read_begin(s, &c, err)))
		return rc;
	zone = value_or_default(c, "county.timezone", &a, &rc, err);
	window = value_or_default(c, "arrest.before_identification_days", &a, &rc, err);
	late = value_or_default(c, "events.late_entry_minutes", &a, &rc, err);
	store_read_end(c);
	if (!rc && !(rc = tz_load(NULL, zone, &out->tz, err)) &&
	    !(rc = parse_window("arrest.before_identification_days", window,
				&out->arrest_window_days, err)))
		rc = parse_late("events.late_entry_minutes", late, &out->late_entry_minutes, err);
	arena_release(&a);
	if (rc) {
		tz_free(out->tz);
		out->tz = NULL;
	}
	return rc;
}
