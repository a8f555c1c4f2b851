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
	{ "accounts.inactive_days", 0, 3650, "days", offsetof(struct county, inactive_days) },
	{ "witness.advocate_days", 0, 30, "days", offsetof(struct county, advocate_days) },
	{ "retention.years_after_close", 0, 50, "years", offsetof(struct county, retention_years) },
	{ "retention.after_age", 18, 25, "years", offsetof(struct county, retention_age) },
};

/* The words among the settings: where they go, and how a value is checked. */
struct text {
	const char *key;
	size_t offset; /* in struct county */
	bool (*valid)(const char *v);
	const char *rule;
};

/* Names of scopes and claims: letters, digits, '_', '-', ':', '.' and '/' (1 to 100). */
static bool name_list(const char *v, bool spaces)
{
	size_t n = strlen(v);

	if (!n || n > 200)
		return false;
	for (const char *p = v; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("_-:./", *p) || (spaces && *p == ' ')))
			return false;
	return true;
}

static bool valid_claim(const char *v)
{
	return name_list(v, false);
}

static bool valid_claim_or_none(const char *v)
{
	return !*v || name_list(v, false);
}

static bool valid_scopes(const char *v)
{
	return name_list(v, true) && strstr(v, "openid");
}

static bool valid_client_id(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p <= ' ' || *p >= 0x7f)
			return false;
	return strlen(v) <= 200;
}

bool county_http_loopback(const char *url)
{
	return !strncmp(url, "http://127.0.0.1:", 17) || !strncmp(url, "http://localhost:", 17) ||
	       !strncmp(url, "http://[::1]:", 13);
}

/* https://..., or http:// on the loopback (a provider on the same machine, in tests) */
static bool valid_issuer(const char *v)
{
	if (!*v)
		return true;
	if (strlen(v) > 300 || strpbrk(v, " \t\"<>?#"))
		return false;
	return !strncmp(v, "https://", 8) || county_http_loopback(v);
}

static bool valid_totp_required(const char *v)
{
	return !strcmp(v, "privileged") || !strcmp(v, "everyone");
}

/* GROUP=AGENCY_ID:ROLE, separated by ';' (county_oidc_group() reads them) */
static bool valid_groups(const char *v)
{
	for (const char *p = v; *p;) {
		size_t n = strcspn(p, ";");
		const char *eq = memchr(p, '=', n),
			   *colon = eq ? memchr(eq, ':', n - (size_t)(eq - p)) : NULL;
		char role[16];
		long id;
		char *end;

		if (n) {
			if (!eq || eq == p || !colon || (size_t)(p + n - colon - 1) >= sizeof(role))
				return false;
			id = strtol(eq + 1, &end, 10);
			if (end != colon || id < 1)
				return false;
			snprintf(role, sizeof(role), "%.*s", (int)(p + n - colon - 1), colon + 1);
			if (strcmp(role, "member") && strcmp(role, "supervisor") &&
			    strcmp(role, "analyst") && strcmp(role, "admin"))
				return false;
		}
		p += n + (p[n] == ';');
	}
	return strlen(v) <= 4000;
}

/* NAME|PHONE|TEXT entries separated by ';' (TEXT may be empty): the hotlines on the page for
 * the youth. NAME: printable, no '|' or ';'; PHONE: digits, spaces, + - ( ); TEXT: digits. */
static bool valid_hotlines(const char *v)
{
	for (const char *p = v; *p;) {
		size_t n = strcspn(p, ";"), name = strcspn(p, "|;"), phone, text;

		if (!name || name > 80 || p[name] != '|')
			return false;
		phone = strspn(p + name + 1, "0123456789 +-()");
		if (!phone || phone > 30 || p[name + 1 + phone] != '|')
			return false;
		text = strspn(p + name + phone + 2, "0123456789");
		if (name + phone + text + 2 != n || text > 15)
			return false;
		for (size_t i = 0; i < name; i++)
			if ((unsigned char)p[i] < ' ' || p[i] == 0x7f)
				return false;
		p += n + (p[n] == ';');
	}
	return strlen(v) <= 1000;
}

#define OIDC(f) offsetof(struct county, oidc.f)
static const struct text texts[] = {
	{ "youth.hotlines", offsetof(struct county, hotlines), valid_hotlines,
	  "NAME|PHONE|TEXT entries separated by ';' (TEXT, a number to text, may be empty)" },
	{ "signin.totp_required", offsetof(struct county, totp_everyone), valid_totp_required,
	  "privileged or everyone" },
	{ "oidc.issuer", OIDC(issuer), valid_issuer,
	  "an https:// URL (http:// only on the loopback), or empty" },
	{ "oidc.client_id", OIDC(client_id), valid_client_id,
	  "printable characters without spaces, at most 200" },
	{ "oidc.scopes", OIDC(scopes), valid_scopes,
	  "scope names separated by spaces, openid among them" },
	{ "oidc.user_claim", OIDC(user_claim), valid_claim, "a claim name such as email or sub" },
	{ "oidc.groups_claim", OIDC(groups_claim), valid_claim_or_none,
	  "a claim name such as groups, or empty" },
	{ "oidc.groups", OIDC(groups), valid_groups,
	  "GROUP=AGENCY_ID:ROLE entries separated by ';' (ROLE: member, supervisor, analyst, admin)" },
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
	{ "witness.advocate_days", "2",
	  "a minor witness's advocate is due by the end of the county day this many days after the "
	  "youth is listed as a witness (a county default; 0: by the end of the day of the "
	  "listing); 0 to 30" },
	{ "accounts.inactive_days", "90",
	  "an account not used (no sign-in, no request) for this many days is disabled, its "
	  "sessions and tokens ended, and its agency told; 1 to 3650, or 0 for never" },
	{ "retention.years_after_close", "0",
	  "retention: a youth whose recoveries are all closed is destroyed (identity shredded, "
	  "texts unreadable, the Board's counts kept) this many years after the last closure, "
	  "once retention.after_age is reached, unless a case has a hold; the server applies it "
	  "monthly. 1 to 50, or 0 for no retention (keep everything)" },
	{ "retention.after_age", "18",
	  "retention never destroys the records of a youth younger than this (county days; from "
	  "the birth date, or the latest it can be from the age at identification); 18 to 25" },
	{ "protocol.holidays", "",
	  "the county's holiday file (one 'YYYY-MM-DD NAME' a line): protocol deadlines counted in "
	  "business days skip these days and weekends; empty: weekends only" },
	{ "signin.totp_required", "privileged",
	  "who must give a code from an authenticator app (TOTP) after the password: privileged "
	  "(supervisors and admins) or everyone; anyone who set one up gives it" },
	{ "youth.hotlines",
	  "National Human Trafficking Hotline|1-888-373-7888|233733;"
	  "Childhelp National Child Abuse Hotline|1-800-422-4453|",
	  "the hotlines on the page for the youth (in English and Spanish), each NAME|PHONE|TEXT "
	  "(TEXT: a number to text, or empty), separated by ';': the national ones by default; add "
	  "the county's own" },
	{ "oidc.issuer", "",
	  "the county's OpenID Connect provider (its issuer URL, https); empty: no sign-in with "
	  "the county account. The client secret is the oidc_client_secret configuration key" },
	{ "oidc.client_id", "", "safeharbor's client id at the provider" },
	{ "oidc.scopes", "openid email profile", "the scopes asked for (openid among them)" },
	{ "oidc.user_claim", "email",
	  "the ID token claim whose value is a user's sso_id (set by an admin: users are "
	  "provisioned first); email is taken only when email_verified is not false" },
	{ "oidc.groups_claim", "",
	  "a claim listing the person's groups (e.g. groups); with oidc.groups, the groups "
	  "decide the agency and role at each sign-in; empty: not used" },
	{ "oidc.groups", "",
	  "GROUP=AGENCY_ID:ROLE;... : a group's agency and role; a person in groups that give "
	  "more than one agency or role, or in none, is refused" },
};
const size_t county_nsettings = ARRAY_SIZE(county_settings);

static enum sh_code parse_number(const struct number *n, const char *v, int *out,
				 struct sh_error *err)
{
	char *end;
	long x = strtol(v, &end, 10);

	if (!*v || *end || x < n->min || x > n->max)
		return sh_error_field(err, SH_EINVAL, n->key,
				      "'%s' is not a number of %s from %ld to %ld", v, n->unit,
				      n->min, n->max);
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
			return sh_error_field(
				err, SH_EINVAL, "witness.plan_required_parts",
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

/* The holiday file at path ("": none); its first problem, as FILE:LINE, names the setting. */
static enum sh_code holidays_load(const char *path, struct sh_date **out, size_t *n,
				  struct sh_error *err)
{
	struct buf errors = BUF_INIT;
	enum sh_code rc = SH_OK;

	*out = NULL;
	*n = 0;
	if (*path && (rc = protocol_holidays_load(path, out, n, &errors))) {
		char *nl = strchr(errors.data ? errors.data : "", '\n');
		if (nl)
			*nl = '\0';
		rc = sh_error_field(err, rc == SH_ENOMEM ? SH_ENOMEM : SH_EINVAL,
				    "protocol.holidays", "%.300s",
				    errors.data ? errors.data : "cannot be read");
	}
	buf_release(&errors);
	return rc;
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
	if (!strcmp(key, "protocol.holidays")) {
		struct sh_date *days = NULL;
		size_t ndays = 0;
		rc = holidays_load(value, &days, &ndays, err);
		free(days);
		return rc;
	}
	if (n)
		return parse_number(n, value, &ignored, err);
	if (!strcmp(key, "witness.plan_required_parts")) {
		unsigned parts;
		return parse_parts(value, &parts, err);
	}
	for (size_t i = 0; i < ARRAY_SIZE(texts); i++)
		if (!strcmp(texts[i].key, key))
			return texts[i].valid(value) ? SH_OK
						     : sh_error_field(err, SH_EINVAL, key,
								      "'%.80s' is not valid: %s",
								      value, texts[i].rule);
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
	const char *zone, *parts, *holidays, *values[ARRAY_SIZE(numbers)],
		*words[ARRAY_SIZE(texts)];
	enum sh_code rc = SH_OK;

	memset(out, 0, sizeof(*out));
	if ((rc = store_read_begin(s, &c, err)))
		return rc;
	zone = value_or_default(c, "county.timezone", &a, &rc, err);
	parts = value_or_default(c, "witness.plan_required_parts", &a, &rc, err);
	holidays = value_or_default(c, "protocol.holidays", &a, &rc, err);
	for (size_t i = 0; i < ARRAY_SIZE(numbers); i++)
		values[i] = value_or_default(c, numbers[i].key, &a, &rc, err);
	for (size_t i = 0; i < ARRAY_SIZE(texts); i++)
		words[i] = value_or_default(c, texts[i].key, &a, &rc, err);
	store_read_end(c);
	if (!rc)
		rc = tz_load(NULL, zone, &out->tz, err);
	for (size_t i = 0; !rc && i < ARRAY_SIZE(numbers); i++)
		rc = parse_number(&numbers[i], values[i], (int *)((char *)out + numbers[i].offset),
				  err);
	if (!rc)
		rc = parse_parts(parts, &out->plan_required, err);
	if (!rc)
		rc = holidays_load(holidays, &out->holidays, &out->nholidays, err);
	for (size_t i = 0; !rc && i < ARRAY_SIZE(texts); i++) {
		if (!texts[i].valid(words[i]))
			rc = sh_error_field(err, SH_EINVAL, texts[i].key,
					    "'%.80s' is not valid: %s", words[i], texts[i].rule);
		else if (texts[i].offset == offsetof(struct county, totp_everyone))
			out->totp_everyone = !strcmp(words[i], "everyone");
		else if (!(*(char **)((char *)out + texts[i].offset) = strdup(words[i])))
			rc = sh_error_set(err, SH_ENOMEM, "out of memory");
	}
	arena_release(&a);
	if (rc)
		county_release(out);
	return rc;
}

void county_release(struct county *c)
{
	char **words[] = { &c->oidc.issuer,	&c->oidc.client_id,    &c->oidc.scopes,
			   &c->oidc.user_claim, &c->oidc.groups_claim, &c->oidc.groups,
			   &c->hotlines };

	tz_free(c->tz);
	c->tz = NULL;
	free(c->holidays);
	c->holidays = NULL;
	c->nholidays = 0;
	for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
		free(*words[i]);
		*words[i] = NULL;
	}
}

bool county_oidc_configured(const struct county *c)
{
	return c->oidc.issuer && *c->oidc.issuer && c->oidc.client_id && *c->oidc.client_id;
}
