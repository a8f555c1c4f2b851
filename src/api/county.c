#include "lib/common.h"
#include "api/county.h"
#include "lib/arena.h"

#define WINDOW_MAX 365

const struct county_setting county_settings[] = {
	{ "county.timezone", TZ_DEFAULT,
	  "the county's time zone (a name from the system time zone database): ages, deadlines "
	  "that end on a day and report periods use its calendar days" },
	{ "arrest.before_identification_days", "30",
	  "an arrest of a youth may be recorded this many days before the identification "
	  "(\"arrested first, recognised as a victim later\"); 0 to 365" },
};
const size_t county_nsettings = ARRAY_SIZE(county_settings);

static enum sh_code parse_window(const char *key, const char *v, int *out, struct sh_error *err)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (!*v || *end || n < 0 || n > WINDOW_MAX)
		return sh_error_field(err, SH_EINVAL, key, "'%s' is not a number of days from 0 to %d",
				      v, WINDOW_MAX);
	*out = (int)n;
	return SH_OK;
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
	return sh_error_field(err, SH_EINVAL, key, "is not a county setting");
}

enum sh_code county_settings_load(struct store *s, struct tz **tz, int *arrest_window_days,
				  struct sh_error *err)
{
	struct store_conn *c;
	struct arena a = ARENA_INIT;
	char *zone = NULL, *window = NULL;
	enum sh_code rc;

	*tz = NULL;
	if ((rc = store_read_begin(s, &c, err)))
		return rc;
	if (!(rc = store_setting_get(c, "county.timezone", &a, &zone, err)))
		rc = store_setting_get(c, "arrest.before_identification_days", &a, &window, err);
	store_read_end(c);
	if (!rc)
		rc = tz_load(NULL, zone ? zone : TZ_DEFAULT, tz, err);
	if (!rc)
		rc = parse_window("arrest.before_identification_days", window ? window : "30",
				  arrest_window_days, err);
	arena_release(&a);
	return rc;
}
