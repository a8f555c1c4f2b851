#ifndef SH_CONF_H
#define SH_CONF_H
/*
 * The deployment configuration of one server: one file of `key = value` lines
 * (/etc/safeharbor/safeharbor.conf; docs/operations.md, safeharbor.conf(5)), then
 * SAFEHARBOR_<KEY> environment variables, then command-line flags, each overriding
 * the one before. Every value is checked when it is set; each remembers where it
 * came from (`safeharbor config show`). County policy that every server of a county
 * shares (time zone, report and notification settings) is not here: it lives in the
 * database's settings table.
 */
#include <stdbool.h>
#include "lib/error.h"

enum conf_key {
	CONF_DB,
	CONF_KEY_FILE,
	CONF_CHECKPOINTS,
	CONF_LISTEN,
	CONF_PROTOCOL,
	CONF_PROTOCOL_AREAS,
	CONF_WITNESS_RULES,
	CONF_OFFENCES,
	CONF_PUBLIC_URL,
	CONF_SECURE_COOKIES,
	CONF_SESSION_IDLE,
	CONF_SESSION_MAX,
	CONF_TRUSTED_PROXIES,
	CONF_MAX_CONNS,
	CONF_MAX_CONNS_PER_IP,
	CONF_HEADER_TIMEOUT,
	CONF_CONN_TIMEOUT,
	CONF_DB_READ_CONNS,
	CONF_DB_WRITE_CONNS,
	CONF_AUDIT_LINK_MS,
	CONF_HTTP_THREADS,
	CONF_HTTP_WORKERS,
	CONF_CHECKPOINT_INTERVAL,
	CONF_CHECKPOINT_SYSLOG,
	CONF_CHECKPOINT_WEBHOOK,
	CONF_CHECKPOINT_SECRET,
	CONF_METRICS_LISTEN,
	CONF_METRICS_TOKEN,
	CONF_OIDC_CLIENT_SECRET,
	CONF_LOG_FORMAT,
	CONF_LOG_LEVEL,
	CONF_NKEYS
};

enum conf_type {
	CONF_T_PATH,	/* a file name */
	CONF_T_ADDR,	/* ADDRESS:PORT, numeric ([::1]:8080 for IPv6) */
	CONF_T_URL,	/* http:// or https:// */
	CONF_T_BOOL,	/* true/false, yes/no, on/off, 1/0 */
	CONF_T_SECONDS, /* 1 to 2592000 */
	CONF_T_COUNT,	/* a whole number from 1 to 65536 */
	CONF_T_PROXIES, /* comma-separated addresses or CIDR ranges */
	CONF_T_CHOICE,	/* one of `choices` */
	CONF_T_SECRET,	/* 16 to 256 printable characters; masked when shown */
};

struct conf_def {
	const char *key; /* "session_idle" (flag --session-idle, SAFEHARBOR_SESSION_IDLE) */
	enum conf_type type;
	const char *dflt;    /* NULL: computed (paths) or empty */
	const char *choices; /* CONF_T_CHOICE: "text|json" */
	bool may_be_empty;   /* "" means off / not set */
	const char *help;    /* one line for `config show` and the man page */
};

extern const struct conf_def conf_defs[CONF_NKEYS];

#define CONF_SOURCE_MAX 300

struct conf {
	char *value[CONF_NKEYS]; /* malloc'd, never NULL after conf_init */
	char source[CONF_NKEYS]
		   [CONF_SOURCE_MAX]; /* "default", "FILE:LINE", "environment X", "flag --x" */
	/* a secret (metrics_token, checkpoint_secret) came from a file others may read: its key */
	const char *secret_in_world_readable_file;
};

/* Fills every key with its default. Release with conf_release(). */
void conf_init(struct conf *c);
void conf_release(struct conf *c);

/* The key named `name` ("session_idle"), or -1. */
int conf_key_by_name(const char *name);

/*
 * Checks and sets one value. `source` says where it came from. On a bad value:
 * SH_EINVAL with the detail "KEY: the rule (got "VALUE")"; c is unchanged.
 */
enum sh_code conf_set(struct conf *c, enum conf_key k, const char *value, const char *source,
		      struct sh_error *err);
/*
 * Reads a configuration file. Every problem is a field error "FILE:LINE" with its
 * message (unknown key, a key twice, a bad value, a line that is not key = value);
 * nothing is set unless the whole file is valid. A missing file is SH_EIO.
 */
enum sh_code conf_read_file(struct conf *c, const char *path, struct sh_error *err);
/* Applies the SAFEHARBOR_<KEY> environment variables that are set (non-empty). */
enum sh_code conf_read_env(struct conf *c, struct sh_error *err);

const char *conf_get(const struct conf *c, enum conf_key k);
bool conf_bool(const struct conf *c, enum conf_key k);
long conf_long(const struct conf *c, enum conf_key k);
/* The flag and environment names of a key, into out. */
void conf_flag_name(enum conf_key k, char *out, size_t size);
void conf_env_name(enum conf_key k, char *out, size_t size);

#endif
