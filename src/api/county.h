#ifndef SH_COUNTY_H
#define SH_COUNTY_H
/*
 * The county's own settings (settings table, shared by every server of the county):
 * its time zone, used for every calendar-day rule (docs/domain.md, "County time"), the
 * arrest guardrail's window, the margin after which an entry is a late entry and the safety
 * plan's required parts. Read when a server starts; `safeharbor settings` sets
 * them (checked) and says that servers read them again when restarted.
 */
#include "core/protocol.h"
#include "lib/tz.h"
#include "store/store.h"

struct county_setting {
	const char *key, *dflt, *help;
};
extern const struct county_setting county_settings[];
extern const size_t county_nsettings;

/* SH_EINVAL naming the key when it is not a county setting or the value is not valid. */
enum sh_code county_setting_check(const char *key, const char *value, struct sh_error *err);

/* Sign-in with the county's OpenID Connect provider (api/oidc.h); off while issuer is "". */
struct county_oidc {
	char *issuer;	    /* oidc.issuer */
	char *client_id;    /* oidc.client_id */
	char *scopes;	    /* oidc.scopes, space-separated, with openid */
	char *user_claim;   /* oidc.user_claim: the claim whose value is a user's sso_id */
	char *groups_claim; /* oidc.groups_claim: "" for no group mapping */
	char *groups;	    /* oidc.groups: "GROUP=AGENCY_ID:ROLE;..." */
};

struct county {
	struct tz *tz;		/* county.timezone */
	int arrest_window_days; /* arrest.before_identification_days */
	int late_entry_minutes; /* events.late_entry_minutes */
	int events_per_case;	/* events.per_case_max */
	int events_per_minute;	/* events.per_case_per_minute */
	unsigned plan_required; /* witness.plan_required_parts: bit i for
				      witness_plan_part_keys[i] (core/witness.h) */
	int advocate_days;	/* witness.advocate_days */
	int inactive_days;   /* accounts.inactive_days: disabled after this long unused; 0 never */
	bool totp_everyone;  /* signin.totp_required = everyone (else supervisors and admins) */
	int retention_years; /* retention.years_after_close: 0 (retention off) or years */
	int retention_age;   /* retention.after_age: not before the youth is this old */
	struct county_oidc oidc;
	char *hotlines; /* youth.hotlines: "NAME|PHONE|TEXT;..." */
	/* protocol.holidays: the holiday file for business-day deadlines (none: "") */
	struct sh_date *holidays;
	size_t nholidays;
};
/* Reads the settings, each as set or its default. Release with county_release(). */
enum sh_code county_settings_load(struct store *s, struct county *out, struct sh_error *err);
void county_release(struct county *c);
/* Is sign-in with the county's OpenID Connect provider set up (issuer and client id)? */
bool county_oidc_configured(const struct county *c);
/* http:// on the loopback (127.0.0.1, localhost, [::1], with a port): a provider on the same
 * machine, the only place plain http is accepted for sign-in */
bool county_http_loopback(const char *url);

#endif
