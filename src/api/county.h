#ifndef SH_COUNTY_H
#define SH_COUNTY_H
/*
 * The county's own settings (settings table, shared by every server of the county):
 * its time zone, used for every calendar-day rule (docs/domain.md, "County time"), the
 * arrest guardrail's window, the margin after which an entry is a late entry and the safety
 * plan's required parts. Read when a server starts; `safeharbor settings` sets
 * them (checked) and says that servers read them again when restarted.
 */
#include "lib/tz.h"
#include "store/store.h"

struct county_setting {
	const char *key, *dflt, *help;
};
extern const struct county_setting county_settings[];
extern const size_t county_nsettings;

/* SH_EINVAL naming the key when it is not a county setting or the value is not valid. */
enum sh_code county_setting_check(const char *key, const char *value, struct sh_error *err);

struct county {
	struct tz *tz;             /* county.timezone; the caller frees it with tz_free() */
	int arrest_window_days;    /* arrest.before_identification_days */
	int late_entry_minutes;    /* events.late_entry_minutes */
	int events_per_case;       /* events.per_case_max */
	int events_per_minute;     /* events.per_case_per_minute */
	unsigned plan_required;    /* witness.plan_required_parts: bit i for
				      witness_plan_part_keys[i] (core/witness.h) */
};
/* Reads the settings, each as set or its default. */
enum sh_code county_settings_load(struct store *s, struct county *out, struct sh_error *err);

#endif
