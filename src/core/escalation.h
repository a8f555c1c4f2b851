#ifndef SH_ESCALATION_H
#define SH_ESCALATION_H
/*
 * Summoning and escalation policy (docs/notifications.md): the configuration keys
 * with their defaults and limits, the retry schedule of a delivery, the stages of a
 * summons (on call, repeats, fallback, supervisor) and the alerts of a step that
 * nears or passes its deadline. Pure: no I/O, no clock; every interval and
 * threshold comes from struct escalation_config, never from a constant here.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/error.h"
#include "lib/netaddr.h"

#define ESCALATION_TEXT_MAX 256

/* The settings-table keys "notify.*" (escalation_keys() lists them with defaults). */
struct escalation_config {
	bool enabled;			      /* notify.enabled: deliver and escalate at all (1) */
	char public_url[ESCALATION_TEXT_MAX]; /* notify.public_url: base of case links ("") */
	int summons_interval; /* notify.summons_interval: s between summons stages (600) */
	int summons_repeats;  /* notify.summons_repeats: repeats to the on-call person (1) */
	int due_soon_percent; /* notify.due_soon_percent: owner alerted at this share (75) */
	int alert_grace;      /* notify.alert_grace: an alert seen this long after its
				      moment is recorded as skipped, not sent (86400) */
	int scan_interval;    /* notify.scan_interval: s between escalation scans (15) */
	int poll_ms;	      /* notify.poll_ms: outbox poll period (250) */
	int retry_base;	      /* notify.retry_base: s before the first retry (10) */
	int retry_max;	      /* notify.retry_max: longest wait between retries (1800) */
	int max_attempts;     /* notify.max_attempts: then the message is failed (12) */
	int timeout;	      /* notify.timeout: s per delivery attempt (10) */
	int lease;	      /* notify.lease: s a claim lasts; > 2 x timeout (60) */
	int workers;	      /* notify.workers: delivery threads (2; read at start) */
	char smtp_url[ESCALATION_TEXT_MAX];  /* notify.smtp_url: smtp:// or smtps:// ("") */
	char mail_from[ESCALATION_TEXT_MAX]; /* notify.mail_from: envelope and From ("") */
	char smtp_user[ESCALATION_TEXT_MAX]; /* notify.smtp_user: ("" = no AUTH) */
	/* notify.webhook_allow: addresses webhooks may reach although they are loopback,
	 * private, link-local, ... (notify/deliver.c); prefixes separated by commas ("") */
	char webhook_allow[ESCALATION_TEXT_MAX];
	struct netaddr_list webhook_allow_list; /* the same, parsed */
};

enum escalation_key_type { EK_BOOL, EK_INT, EK_TEXT };

struct escalation_key {
	const char *key; /* "notify.summons_interval" */
	enum escalation_key_type type;
	long min, max; /* EK_INT range; EK_TEXT most characters */
	const char *dflt;
	const char *help;
};

/* The table of keys, in documentation order; *n its length. Static, never freed. */
const struct escalation_key *escalation_keys(size_t *n);
void escalation_config_defaults(struct escalation_config *c);
/* Sets one key from its text form; SH_EINVAL naming the key when unknown or out of range. */
enum sh_code escalation_config_set(struct escalation_config *c, const char *key, const char *value,
				   struct sh_error *err);
/* The current value of key as text into out (empty for an unknown key). */
void escalation_config_get(const struct escalation_config *c, const char *key, char *out,
			   size_t size);
/* Checks the rules between keys (a claim outlives a delivery attempt, ...). */
enum sh_code escalation_config_check(const struct escalation_config *c, struct sh_error *err);

/*
 * Seconds to wait after the attempt-th failed delivery (1-based):
 * retry_base * 2^(attempt-1), at most retry_max. Deterministic, so tests and
 * operators can predict it.
 */
int64_t escalation_backoff(const struct escalation_config *c, int attempt);
/* After `attempts` failed attempts: give up (true) or retry. */
bool escalation_give_up(const struct escalation_config *c, int attempts);

/* Whom a summons stage goes to. */
enum escalation_role { ESC_ON_CALL, ESC_FALLBACK, ESC_SUPERVISOR, ESC_ROLE_COUNT };
const char *escalation_role_name(enum escalation_role r); /* "on_call", "fallback", ... */
int escalation_role_parse(const char *s);		  /* -1 when unknown */

/*
 * A summons starts at stage 0 with the on-call person. Each later stage is one
 * more message: stages 1..summons_repeats repeat it to the on-call person, the next
 * goes to the fallback (skipped when the roster names none), the last to the
 * supervisor. Given the stage reached and its role, writes the next stage and its
 * role and returns true; false when the supervisor stage has been reached.
 */
bool escalation_next_stage(const struct escalation_config *c, int stage, enum escalation_role role,
			   bool has_fallback, int *next, enum escalation_role *next_role);
/* Is the next stage due: stage_at + summons_interval <= now? */
bool escalation_stage_due(const struct escalation_config *c, int64_t stage_at, int64_t now);

/* What to do about one alert of a pending step. */
enum escalation_verdict {
	ESC_WAIT, /* its moment has not come */
	ESC_SEND, /* send it now */
	ESC_SKIP, /* its moment passed long ago (or it is moot): record it, send nothing */
};

/* The moment a step reaches due_soon_percent of its time (opened_at to due_at). */
int64_t escalation_due_soon_at(const struct escalation_config *c, int64_t opened_at,
			       int64_t due_at);
/*
 * The alerts of a pending step with a deadline at now: *due_soon for its owner
 * (from due_soon_percent of the time), *overdue for its owner's supervisor (once
 * now > due_at; a step is on time at its deadline). A due_soon alert is moot once
 * the step is overdue. Steps without a deadline (due_at 0) wait.
 */
void escalation_step_alerts(const struct escalation_config *c, int64_t opened_at, int64_t due_at,
			    int64_t now, enum escalation_verdict *due_soon,
			    enum escalation_verdict *overdue);

#endif
