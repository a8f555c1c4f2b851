#include "lib/common.h"
#include "api/county.h"
#include "core/witness.h"
#include "lib/arena.h"

/* The numbers among the settings: their range, unit, and where they go in struct county. */
struct number {
	const char *key;
	long min, max;
	const char *unit;
	size_t offset;
};

static const struct number numbers[] = {
	{ "arrest.before_identification_days", 0, 365, "days",
	  offsetof(struct county, arrest_window_days) },
	{ "events.late_entry_minutes", 0, 1440, "minutes",
	  offsetof(struct county, late_entry_minutes) },
	{ "events.per_case_max", 100, 100000, "entries", offsetof(struct county, events_per_case) },
	{ "events.per_case_per_minute", 1, 100000, "entries",
	  offsetof(struct county, events_per_minute) },
};

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
	{ "events.per_case_max", "2000",
	  "the most entries one case's timeline may hold (a real case holds tens to a few "
	  "hundred); past it, new entries are refused (422) and an administrator is needed; "
	  "100 to 100000" },
	{ "events.per_case_per_minute", "30",
	  "the most entries one case takes in a minute, from everyone together; past it, 429 "
	  "with Retry-After; 1 to 100000" },
	{ "witness.plan_required_parts",
	  "exploiter_contact,safe_people_places,phone_social_media,leaving_placement,"
	  "numbers_24_7,court_transport,waiting_area,support_person,address_confidentiality",
	  "the parts of a minor witness's safety plan that must be written before the plan can "
	  "be signed off (a county default: every part; a part that does not apply is written "
	  "as such, with why), separated by commas, or none" },
};
const size_t county_nsettings = ARRAY_SIZE(county_settings);

static enum sh_code parse_number(const struct number *n, const char *v, int *out,
				 struct sh_error *err)
{
	char *end;
	long x = strtol(v, &end, 10);

	if (!*v || *end || x < n->min || x > n->max)
		return sh_error_field(err, SH_EINVAL, n->key, "'%s' is not a number of %s from %ld to %ld",
				      v, n->unit, n->min, n->max);
	*out = (int)x;
	return SH_OK;
}

/* "exploiter_contact,numbers_24_7" (or "none") -> a bit per part */
static enum sh_code parse_parts(const char *v, unsigned *out, struct sh_error *err)
{
	const char *p = v;

	*out = 0;
	if (!strcmp(v, "none"))
		return SH_OK;
	while (*p) {
		size_t n = strcspn(p, ",");
		char key[64];
		int i;
		snprintf(key, sizeof(key), "%.*s", (int)(n < sizeof(key) ? n : sizeof(key) - 1), p);
		if ((i = witness_plan_part(key)) < 0)
			return sh_error_field(err, SH_EINVAL, "witness.plan_required_parts",
					      "'%s' is not a part of the safety plan; the parts are "
					      "exploiter_contact, safe_people_places, phone_social_media, "
					      "leaving_placement, numbers_24_7, court_transport, "
					      "waiting_area, support_person, address_confidentiality "
					      "(or write none)",
					      key);
		*out |= 1u << i;
		p += n + (p[n] == ',');
	}
	return SH_OK;
}

static const struct number *number_of(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(numbers); i++)
		if (!strcmp(numbers[i].key, key))
			return &numbers[i];
	return NULL;
}

enum sh_code county_setting_check(const char *key, const char *value, struct sh_error *err)
{
	const struct number *n = number_of(key);
	struct tz *z = NULL;
	int ignored;
	enum sh_code rc;

	if (!strcmp(key, "county.timezone")) {
		rc = tz_load(NULL, value, &z, err);
		tz_free(z);
		return rc;
	}
	if (n)
		return parse_number(n, value, &ignored, err);
	if (!strcmp(key, "witness.plan_required_parts")) {
		unsigned parts;
		return parse_parts(value, &parts, err);
	}
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
	const char *zone, *parts, *values[ARRAY_SIZE(numbers)];
	enum sh_code rc = SH_OK;

	memset(out, 0, sizeof(*out));
	if ((rc = store_read_begin(s, &c, err)))
		return rc;
	zone = value_or_default(c, "county.timezone", &a, &rc, err);
	parts = value_or_default(c, "witness.plan_required_parts", &a, &rc, err);
	for (size_t i = 0; i < ARRAY_SIZE(numbers); i++)
		values[i] = value_or_default(c, numbers[i].key, &a, &rc, err);
	store_read_end(c);
	if (!rc)
		rc = tz_load(NULL, zone, &out->tz, err);
	for (size_t i = 0; !rc && i < ARRAY_SIZE(numbers); i++)
		rc = parse_number(&numbers[i], values[i],
				  (int *)((char *)out + numbers[i].offset), err);
	if (!rc)
		rc = parse_parts(parts, &out->plan_required, err);
	arena_release(&a);
	if (rc) {
		tz_free(out->tz);
		out->tz = NULL;
	}
	return rc;
}
