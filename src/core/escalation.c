#include "lib/common.h"
#include "core/escalation.h"

/* The keys, and where each lives in struct escalation_config (same order). */
#define INT_KEY(name, lo, hi, d, h)                  \
	{                                            \
		"notify." name, EK_INT, lo, hi, d, h \
	}
#define TEXT_KEY(name, d, h)                                              \
	{                                                                 \
		"notify." name, EK_TEXT, 0, ESCALATION_TEXT_MAX - 1, d, h \
	}
#define AT(field) offsetof(struct escalation_config, field)

static const struct escalation_key keys[] = {
	{ "notify.enabled", EK_BOOL, 0, 1, "1",
	  "deliver notifications and escalate (0 pauses; the outbox keeps filling)" },
	TEXT_KEY("public_url", "",
		 "base URL of the web app for case links, e.g. https://safeharbor.county.example"),
	INT_KEY("summons_interval", 1, 86400, "600",
		"seconds between the stages of an unacknowledged summons"),
	INT_KEY("summons_repeats", 0, 10, "1",
		"repeats to the on-call person before the fallback is summoned"),
	INT_KEY("due_soon_percent", 1, 99, "75",
		"the owner is alerted when a step has used this share of its time"),
	INT_KEY("alert_grace", 60, 30 * 86400, "86400",
		"an alert first noticed this many seconds after its moment is skipped, not sent"),
	INT_KEY("scan_interval", 1, 3600, "15", "seconds between escalation scans"),
	INT_KEY("poll_ms", 50, 60000, "250", "milliseconds between outbox polls"),
	INT_KEY("retry_base", 1, 3600, "10", "seconds before the first retry"),
	INT_KEY("retry_max", 1, 86400, "1800", "longest wait between retries"),
	INT_KEY("max_attempts", 1, 100, "12",
		"delivery attempts before a notification is marked failed"),
	INT_KEY("timeout", 1, 120, "10", "seconds allowed for one delivery attempt"),
	INT_KEY("lease", 5, 3600, "60",
		"seconds a worker's claim on a notification lasts (more than twice the timeout)"),
	INT_KEY("workers", 1, 16, "2", "delivery threads per server (read at start-up)"),
	TEXT_KEY(
		"smtp_url", "",
		"mail server: smtp://host:587 (STARTTLS required unless loopback) or smtps://host:465"),
	TEXT_KEY("mail_from", "", "sender address of notification e-mail"),
	TEXT_KEY("smtp_user", "",
		 "SMTP AUTH user name; the password comes from $SAFEHARBOR_SMTP_PASSWORD"),
	TEXT_KEY("webhook_allow", "",
		 "addresses webhooks may reach although loopback, private or link-local, as "
		 "prefixes separated by commas, e.g. 10.20.0.0/16,127.0.0.1 (empty: none)"),
};

static const size_t offsets[] = {
	AT(enabled),	     AT(public_url),	   AT(summons_interval),
	AT(summons_repeats), AT(due_soon_percent), AT(alert_grace),
	AT(scan_interval),   AT(poll_ms),	   AT(retry_base),
	AT(retry_max),	     AT(max_attempts),	   AT(timeout),
	AT(lease),	     AT(workers),	   AT(smtp_url),
	AT(mail_from),	     AT(smtp_user),	   AT(webhook_allow),
};

_Static_assert(ARRAY_SIZE(keys) == ARRAY_SIZE(offsets), "one offset per key");

const struct escalation_key *escalation_keys(size_t *n)
{
	*n = ARRAY_SIZE(keys);
	return keys;
}

static int find(const char *key)
{
	for (size_t i = 0; key && i < ARRAY_SIZE(keys); i++)
		if (!strcmp(keys[i].key, key))
			return (int)i;
	return -1;
}

static bool text_ok(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p <= 0x20 || *p == 0x7f)
			return false;
	return true;
}

static bool has_prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

static enum sh_code set_key(struct escalation_config *c, int i, const char *value,
			    struct sh_error *err)
{
	const struct escalation_key *k = &keys[i];
	char *field = (char *)c + offsets[i];
	char *end;
	long v;

	switch (k->type) {
	case EK_BOOL:
		if (strcmp(value, "0") && strcmp(value, "1"))
			return sh_error_field(err, SH_EINVAL, k->key, "must be 0 or 1");
		*(bool *)field = value[0] == '1';
		return SH_OK;
	case EK_INT:
		errno = 0;
		v = strtol(value, &end, 10);
		if (errno || end == value || *end || v < k->min || v > k->max)
			return sh_error_field(err, SH_EINVAL, k->key,
					      "must be a whole number from %ld to %ld", k->min,
					      k->max);
		*(int *)field = (int)v;
		return SH_OK;
	case EK_TEXT:
		if (strlen(value) > (size_t)k->max || !text_ok(value))
			return sh_error_field(err, SH_EINVAL, k->key,
					      "must be at most %ld characters without spaces",
					      k->max);
		if (*value && !strcmp(k->key, "notify.public_url") &&
		    !has_prefix(value, "https://") && !has_prefix(value, "http://"))
			return sh_error_field(err, SH_EINVAL, k->key,
					      "must start with https:// (or http://)");
		if (*value && !strcmp(k->key, "notify.smtp_url") && !has_prefix(value, "smtp://") &&
		    !has_prefix(value, "smtps://"))
			return sh_error_field(err, SH_EINVAL, k->key,
					      "must start with smtp:// or smtps://");
		if (*value && !strcmp(k->key, "notify.mail_from") &&
		    (!strchr(value, '@') || strchr(value, '<') || strchr(value, '>')))
			return sh_error_field(
				err, SH_EINVAL, k->key,
				"must be a bare address such as safeharbor@county.example");
		if (!strcmp(k->key, "notify.webhook_allow")) {
			struct netaddr_list list;
			char bad[64];
			if (!netaddr_parse_list(value, &list, bad, sizeof(bad)))
				return sh_error_field(err, SH_EINVAL, k->key,
						      "'%s' is not an address or prefix (such as "
						      "10.20.0.0/16 or fd00:1::/48; at most %d)",
						      bad, NETADDR_LIST_MAX);
			c->webhook_allow_list = list;
		}
		snprintf(field, ESCALATION_TEXT_MAX, "%s", value);
		/* a base URL is joined with "/cases/...": no trailing slash */
		if (!strcmp(k->key, "notify.public_url")) {
			size_t n = strlen(field);
			while (n && field[n - 1] == '/')
				field[--n] = '\0';
		}
		return SH_OK;
	}
	return sh_error_field(err, SH_EINVAL, k->key, "has an unknown type");
}

void escalation_config_defaults(struct escalation_config *c)
{
	struct sh_error ignored;

	sh_error_init(&ignored);
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		set_key(c, (int)i, keys[i].dflt, &ignored);
}

enum sh_code escalation_config_set(struct escalation_config *c, const char *key, const char *value,
				   struct sh_error *err)
{
	int i = find(key);

	if (i < 0)
		return sh_error_field(
			err, SH_EINVAL, key ? key : "key",
			"is not a notification setting (see safeharbor notify config)");
	return set_key(c, i, value ? value : "", err);
}

void escalation_config_get(const struct escalation_config *c, const char *key, char *out,
			   size_t size)
{
	int i = find(key);
	const char *field;

	if (!size)
		return;
	out[0] = '\0';
	if (i < 0)
		return;
	field = (const char *)c + offsets[i];
	if (keys[i].type == EK_BOOL)
		snprintf(out, size, "%d", *(const bool *)field ? 1 : 0);
	else if (keys[i].type == EK_INT)
		snprintf(out, size, "%d", *(const int *)field);
	else
		snprintf(out, size, "%s", field);
}

enum sh_code escalation_config_check(const struct escalation_config *c, struct sh_error *err)
{
	int before = err->nfields;

	if (c->lease <= 2 * c->timeout)
		sh_error_field(err, SH_EINVAL, "notify.lease",
			       "must be more than twice notify.timeout (%d s), so a claim outlives "
			       "the delivery attempt it covers",
			       c->timeout);
	if (c->retry_max < c->retry_base)
		sh_error_field(err, SH_EINVAL, "notify.retry_max",
			       "must be at least notify.retry_base (%d s)", c->retry_base);
	if (c->smtp_url[0] && !c->mail_from[0])
		sh_error_field(err, SH_EINVAL, "notify.mail_from",
			       "is needed when notify.smtp_url is set");
	return err->nfields > before ? SH_EINVAL : SH_OK;
}

int64_t escalation_backoff(const struct escalation_config *c, int attempt)
{
	int64_t d = c->retry_base > 0 ? c->retry_base : 1;

	for (int i = 1; i < attempt && d < c->retry_max; i++)
		d *= 2;
	return d > c->retry_max ? c->retry_max : d;
}

bool escalation_give_up(const struct escalation_config *c, int attempts)
{
	return attempts >= c->max_attempts;
}

static const char *const role_names[ESC_ROLE_COUNT] = { "on_call", "fallback", "supervisor" };

const char *escalation_role_name(enum escalation_role r)
{
	return (unsigned)r < ESC_ROLE_COUNT ? role_names[r] : "?";
}

int escalation_role_parse(const char *s)
{
	return names_index(role_names, ESC_ROLE_COUNT, s);
}

bool escalation_next_stage(const struct escalation_config *c, int stage, enum escalation_role role,
			   bool has_fallback, int *next, enum escalation_role *next_role)
{
	switch (role) {
	case ESC_ON_CALL:
		*next = stage + 1;
		if (stage < c->summons_repeats)
			*next_role = ESC_ON_CALL;
		else
			*next_role = has_fallback ? ESC_FALLBACK : ESC_SUPERVISOR;
		return true;
	case ESC_FALLBACK:
		*next = stage + 1;
		*next_role = ESC_SUPERVISOR;
		return true;
	default: return false;
	}
}

bool escalation_stage_due(const struct escalation_config *c, int64_t stage_at, int64_t now)
{
	return stage_at + c->summons_interval <= now;
}

int64_t escalation_due_soon_at(const struct escalation_config *c, int64_t opened_at, int64_t due_at)
{
	if (!opened_at || due_at <= opened_at)
		return due_at;
	return opened_at + (due_at - opened_at) * c->due_soon_percent / 100;
}

void escalation_step_alerts(const struct escalation_config *c, int64_t opened_at, int64_t due_at,
			    int64_t now, enum escalation_verdict *due_soon,
			    enum escalation_verdict *overdue)
{
	int64_t soon;

	*due_soon = *overdue = ESC_WAIT;
	if (!due_at)
		return;
	soon = escalation_due_soon_at(c, opened_at, due_at);
	if (now > due_at) {
		*overdue = now - due_at > c->alert_grace ? ESC_SKIP : ESC_SEND;
		*due_soon = ESC_SKIP; /* moot: the supervisor hears of it now */
	} else if (now >= soon) {
		*due_soon = now - soon > c->alert_grace ? ESC_SKIP : ESC_SEND;
	}
}
