/* The deployment configuration: file, then environment, then flags (conf.h). */
#include "lib/common.h"
#include <arpa/inet.h>
#include <ctype.h>
#include <sys/stat.h>
#include "lib/buf.h"
#include "lib/conf.h"
#include "lib/netaddr.h"
#include "lib/paths.h"

const struct conf_def conf_defs[CONF_NKEYS] = {
	[CONF_DB] = { "db", CONF_T_PATH, "./var/safeharbor.db", NULL, false, "the database file" },
	[CONF_KEY_FILE] = { "key_file", CONF_T_PATH, "", NULL, true,
			    "the key file (empty: beside the database, <db without .db>.key)" },
	[CONF_CHECKPOINTS] = { "checkpoints", CONF_T_PATH, "", NULL, true,
			       "checkpoints of the audit chain's head (empty: beside the key "
			       "file, <key file without .key>.checkpoints)" },
	[CONF_LISTEN] = { "listen", CONF_T_ADDR, "127.0.0.1:8080", NULL, false,
			  "address and port of the API and web app" },
	[CONF_PROTOCOL] = { "protocol", CONF_T_PATH, NULL, NULL, false,
			    "the protocol new cases run under" },
	[CONF_PROTOCOL_AREAS] = { "protocol_areas", CONF_T_PATH, "", NULL, true,
				  "areas whose new cases run under another protocol: "
				  "AREA[,AREA...]=FILE entries separated by ';' (empty: none)" },
	[CONF_WITNESS_RULES] = { "witness_rules", CONF_T_PATH, NULL, NULL, false,
				 "the CCTV eligibility rules" },
	[CONF_OFFENCES] = { "offences", CONF_T_PATH, NULL, NULL, false,
			    "the offences the arrest guardrail recognises" },
	[CONF_PUBLIC_URL] = { "public_url", CONF_T_URL, "", NULL, true,
			      "base of the case links in notifications (empty: the "
			      "notify.public_url database setting)" },
	[CONF_SECURE_COOKIES] = { "secure_cookies", CONF_T_BOOL, "false", NULL, false,
				  "mark the session cookie Secure (TLS in front of the server)" },
	[CONF_SESSION_IDLE] = { "session_idle", CONF_T_SECONDS, "900", NULL, false,
				"sign out after this many seconds without a request" },
	[CONF_SESSION_MAX] = { "session_max", CONF_T_SECONDS, "43200", NULL, false,
			       "and after this many seconds in any case" },
	[CONF_TRUSTED_PROXIES] = { "trusted_proxies", CONF_T_PROXIES, "", NULL, true,
				   "reverse proxies whose X-Forwarded-For and X-Forwarded-Proto "
				   "are believed (addresses or CIDR ranges, comma-separated)" },
	[CONF_MAX_CONNS] = { "max_conns", CONF_T_COUNT, "512", NULL, false,
			     "connections at once, in all" },
	[CONF_MAX_CONNS_PER_IP] = { "max_conns_per_ip", CONF_T_COUNT, "64", NULL, false,
				    "connections at once from one client address" },
	[CONF_HEADER_TIMEOUT] = { "header_timeout", CONF_T_SECONDS, "10", NULL, false,
				  "seconds of silence allowed while a request's headers are "
				  "awaited" },
	[CONF_CONN_TIMEOUT] = { "conn_timeout", CONF_T_SECONDS, "30", NULL, false,
				"seconds of silence allowed while a request is read and answered" },
	[CONF_DB_READ_CONNS] = { "db_read_conns", CONF_T_COUNT, "2", NULL, false,
				 "database connections that read at once (each server)" },
	[CONF_DB_WRITE_CONNS] = { "db_write_conns", CONF_T_COUNT, "4", NULL, false,
				  "PostgreSQL: database connections that write at once (each "
				  "server; SQLite has one writer)" },
	[CONF_AUDIT_LINK_MS] = { "audit_link_ms", CONF_T_COUNT, "200", NULL, false,
				 "PostgreSQL: milliseconds between the audit linker's runs (each "
				 "server; it also runs after each write)" },
	[CONF_HTTP_THREADS] = { "http_threads", CONF_T_COUNT, "", NULL, true,
				"threads that read requests and send answers (epoll; empty: one "
				"per core)" },
	[CONF_HTTP_WORKERS] = { "http_workers", CONF_T_COUNT, "32", NULL, false,
				"threads that run the handlers that may block: writes, reports, "
				"exports" },
	[CONF_CHECKPOINT_INTERVAL] = { "checkpoint_interval", CONF_T_SECONDS, "300", NULL, false,
				       "a checkpoint of the audit chain every this many seconds "
				       "while it grows" },
	[CONF_CHECKPOINT_SYSLOG] = { "checkpoint_syslog", CONF_T_BOOL, "false", NULL, false,
				     "also send each checkpoint to syslog (authpriv.notice)" },
	[CONF_CHECKPOINT_WEBHOOK] = { "checkpoint_webhook", CONF_T_URL, "", NULL, true,
				      "also POST each checkpoint there, signed with "
				      "checkpoint_secret (empty: off)" },
	[CONF_CHECKPOINT_SECRET] = { "checkpoint_secret", CONF_T_SECRET, "", NULL, true,
				     "signs the checkpoint webhook's requests" },
	[CONF_METRICS_LISTEN] = { "metrics_listen", CONF_T_ADDR, "", NULL, true,
				  "address and port serving only /metrics (empty: off)" },
	[CONF_METRICS_TOKEN] = { "metrics_token", CONF_T_SECRET, "", NULL, true,
				 "bearer token for /metrics on the main port (empty: off)" },
	[CONF_OIDC_CLIENT_SECRET] = { "oidc_client_secret", CONF_T_SECRET, "", NULL, true,
				      "safeharbor's client secret at the county's OpenID Connect "
				      "provider (the oidc.* settings; empty: a public client)" },
	[CONF_LOG_FORMAT] = { "log_format", CONF_T_CHOICE, "text", "text|json", false,
			      "log lines as text or as JSON objects" },
	[CONF_LOG_LEVEL] = { "log_level", CONF_T_CHOICE, "info", "debug|info|warn|error", false,
			     "the least important messages logged" },
};

static void set_value(struct conf *c, enum conf_key k, char *v, const char *source)
{
	free(c->value[k]);
	c->value[k] = v;
	snprintf(c->source[k], sizeof(c->source[k]), "%s", source);
}

void conf_init(struct conf *c)
{
	char dir[4096], path[4200];

	memset(c, 0, sizeof(*c));
	paths_datadir(dir, sizeof(dir));
	for (int k = 0; k < CONF_NKEYS; k++) {
		const char *d = conf_defs[k].dflt ? conf_defs[k].dflt : "";
		if (k == CONF_PROTOCOL || k == CONF_WITNESS_RULES || k == CONF_OFFENCES) {
			snprintf(path, sizeof(path), "%s/%s", dir,
				 k == CONF_PROTOCOL	   ? "la-county-frp.protocol"
				 : k == CONF_WITNESS_RULES ? "ca-cctv.rules"
							   : "ca-offences.rules");
			d = path;
		}
		set_value(c, (enum conf_key)k, strdup(d), "default");
	}
}

void conf_release(struct conf *c)
{
	for (int k = 0; k < CONF_NKEYS; k++) {
		if (c->value[k] && conf_defs[k].type == CONF_T_SECRET)
			memset(c->value[k], 0, strlen(c->value[k]));
		free(c->value[k]);
		c->value[k] = NULL;
	}
}

int conf_key_by_name(const char *name)
{
	for (int k = 0; k < CONF_NKEYS; k++)
		if (!strcmp(conf_defs[k].key, name))
			return k;
	return -1;
}

void conf_flag_name(enum conf_key k, char *out, size_t size)
{
	size_t i = 0;

	snprintf(out, size, "--%s", conf_defs[k].key);
	for (i = 2; out[i]; i++)
		if (out[i] == '_')
			out[i] = '-';
}

void conf_env_name(enum conf_key k, char *out, size_t size)
{
	snprintf(out, size, "SAFEHARBOR_%s", conf_defs[k].key);
	for (size_t i = 11; out[i]; i++)
		out[i] = (char)toupper((unsigned char)out[i]);
}

static bool valid_addr(const char *v)
{
	const char *colon, *hostend;
	char host[64];
	unsigned char b[16];
	char *end;
	long port;

	if (v[0] == '[') {
		const char *close = strchr(v, ']');
		if (!close || close[1] != ':')
			return false;
		hostend = close;
		colon = close + 1;
		v++;
	} else {
		colon = strrchr(v, ':');
		if (!colon)
			return false;
		hostend = colon;
	}
	if ((size_t)(hostend - v) >= sizeof(host) || hostend == v)
		return false;
	memcpy(host, v, (size_t)(hostend - v));
	host[hostend - v] = '\0';
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || port < 0 || port > 65535)
		return false;
	return inet_pton(AF_INET, host, b) == 1 || inet_pton(AF_INET6, host, b) == 1;
}

/* Checks v against k's rule; on success *norm is the value to keep (malloc'd). */
static enum sh_code check_value(enum conf_key k, const char *v, char **norm, struct buf *why)
{
	const struct conf_def *d = &conf_defs[k];

	*norm = NULL;
	if (!*v) {
		if (d->may_be_empty)
			goto keep;
		buf_addf(why, "must not be empty");
		return SH_EINVAL;
	}
	switch (d->type) {
	case CONF_T_PATH: break;
	case CONF_T_ADDR:
		if (!valid_addr(v)) {
			buf_adds(why, "ADDRESS:PORT with a numeric address and a port from 0 to "
				      "65535, e.g. 127.0.0.1:8080 or [::1]:8080");
			return SH_EINVAL;
		}
		break;
	case CONF_T_URL:
		if (strncmp(v, "https://", 8) && strncmp(v, "http://", 7)) {
			buf_adds(why, "a URL starting with https:// (or http://)");
			return SH_EINVAL;
		}
		break;
	case CONF_T_BOOL: {
		static const char *const yes[] = { "true", "yes", "on", "1" };
		static const char *const no[] = { "false", "no", "off", "0" };
		for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
			if (!strcasecmp(v, yes[i]))
				return (*norm = strdup("true")) ? SH_OK : SH_ENOMEM;
			if (!strcasecmp(v, no[i]))
				return (*norm = strdup("false")) ? SH_OK : SH_ENOMEM;
		}
		buf_adds(why, "true or false (also yes/no, on/off, 1/0)");
		return SH_EINVAL;
	}
	case CONF_T_SECONDS: {
		char *end;
		long n;
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || *end || end == v || n < 1 || n > 30L * 86400) {
			buf_adds(why, "a number of seconds from 1 to 2592000 (30 days)");
			return SH_EINVAL;
		}
		break;
	}
	case CONF_T_COUNT: {
		char *end;
		long n;
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || *end || end == v || n < 1 || n > 65536) {
			buf_adds(why, "a whole number from 1 to 65536");
			return SH_EINVAL;
		}
		break;
	}
	case CONF_T_PROXIES: {
		struct buf out = BUF_INIT;
		const char *p = v;
		while (*p) {
			char item[NETADDR_TEXT_LEN + 8];
			struct netaddr_prefix np;
			size_t n;
			while (*p == ',' || *p == ' ' || *p == '\t')
				p++;
			n = strcspn(p, ", \t");
			if (!n)
				break;
			if (n >= sizeof(item) || (memcpy(item, p, n), item[n] = '\0',
						  !netaddr_parse_prefix(item, &np))) {
				buf_addf(why,
					 "addresses or CIDR ranges separated by commas, e.g. "
					 "127.0.0.1, 10.0.0.0/8, ::1; '%.*s' is neither",
					 (int)(n > 60 ? 60 : n), p);
				buf_release(&out);
				return SH_EINVAL;
			}
			buf_addf(&out, "%s%s", out.len ? "," : "", item);
			p += n;
		}
		if (!netaddr_parse_list(out.data, &(struct netaddr_list){ 0 }, NULL, 0)) {
			buf_addf(why, "at most %d addresses or CIDR ranges", NETADDR_LIST_MAX);
			buf_release(&out);
			return SH_EINVAL;
		}
		*norm = buf_detach(&out, NULL);
		return *norm ? SH_OK : SH_ENOMEM;
	}
	case CONF_T_CHOICE: {
		size_t n = strlen(v);
		const char *c = d->choices;
		while (c && *c) {
			size_t len = strcspn(c, "|");
			if (len == n && !strncmp(c, v, n))
				goto keep;
			c += len + (c[len] == '|');
		}
		buf_addf(why, "one of %s", d->choices);
		return SH_EINVAL;
	}
	case CONF_T_SECRET: {
		size_t n = strlen(v);
		if (n < 16 || n > 256) {
			buf_adds(why, "16 to 256 characters");
			return SH_EINVAL;
		}
		for (size_t i = 0; i < n; i++)
			if (!isgraph((unsigned char)v[i])) {
				buf_adds(why, "printable characters without spaces");
				return SH_EINVAL;
			}
		break;
	}
	}
keep:
	*norm = strdup(v);
	return *norm ? SH_OK : SH_ENOMEM;
}

enum sh_code conf_set(struct conf *c, enum conf_key k, const char *value, const char *source,
		      struct sh_error *err)
{
	struct buf why = BUF_INIT;
	char *norm;
	enum sh_code rc = check_value(k, value, &norm, &why);

	if (rc == SH_EINVAL) {
		bool secret = conf_defs[k].type == CONF_T_SECRET;
		sh_error_set(err, rc, "%s: %s (got \"%.80s\")", conf_defs[k].key, why.data,
			     secret ? "(hidden)" : value);
	} else if (rc) {
		sh_error_set(err, rc, "out of memory");
	} else {
		set_value(c, k, norm, source);
	}
	buf_release(&why);
	return rc;
}

static char *trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

enum sh_code conf_read_file(struct conf *c, const char *path, struct sh_error *err)
{
	struct conf staged;
	int seen[CONF_NKEYS] = { 0 };
	char line[4096], where[CONF_SOURCE_MAX];
	int lineno = 0;
	struct stat st;
	FILE *f = fopen(path, "re");

	if (!f)
		return sh_error_set(err, SH_EIO, "cannot open configuration file %s: %s", path,
				    strerror(errno));
	memset(&staged, 0, sizeof(staged));
	while (fgets(line, sizeof(line), f)) {
		char *p, *eq, *key, *val;
		struct sh_error one = SH_ERROR_INIT;
		int k;

		lineno++;
		snprintf(where, sizeof(where), "%s:%d", path, lineno);
		if (!strchr(line, '\n') && !feof(f)) {
			sh_error_field(err, SH_EINVAL, where, "line longer than %zu characters",
				       sizeof(line) - 2);
			while (fgets(line, sizeof(line), f) && !strchr(line, '\n'))
				;
			continue;
		}
		p = trim(line);
		if (!*p || *p == '#')
			continue;
		if (!(eq = strchr(p, '='))) {
			sh_error_field(err, SH_EINVAL, where,
				       "expected 'key = value' (a # starts a comment)");
			continue;
		}
		*eq = '\0';
		key = trim(p);
		val = trim(eq + 1);
		/* a value may be quoted to keep spaces or a '#' */
		if (val[0] == '"' && strlen(val) >= 2 && val[strlen(val) - 1] == '"') {
			val[strlen(val) - 1] = '\0';
			val++;
		} else {
			char *hash = strstr(val, " #");
			if (hash) {
				*hash = '\0';
				val = trim(val);
			}
		}
		if ((k = conf_key_by_name(key)) < 0) {
			char known[400] = "";
			for (int i = 0; i < CONF_NKEYS; i++)
				snprintf(known + strlen(known), sizeof(known) - strlen(known),
					 "%s%s", i ? ", " : "", conf_defs[i].key);
			sh_error_field(err, SH_EINVAL, where, "unknown key '%.60s' (known: %s)",
				       key, known);
			continue;
		}
		if (seen[k]) {
			sh_error_field(err, SH_EINVAL, where, "%s is set twice (first on line %d)",
				       key, seen[k]);
			continue;
		}
		seen[k] = lineno;
		if (conf_set(&staged, (enum conf_key)k, val, where, &one))
			sh_error_field(err, SH_EINVAL, where, "%s", one.detail);
	}
	for (int k = 0; k < CONF_NKEYS; k++)
		if (conf_defs[k].type == CONF_T_SECRET && seen[k] && staged.value[k] &&
		    *staged.value[k] && fstat(fileno(f), &st) == 0 && (st.st_mode & 004))
			c->secret_in_world_readable_file = conf_defs[k].key;
	fclose(f);
	if (err->nfields) {
		snprintf(err->detail, sizeof(err->detail), "%s: %s: %s", path,
			 err->nfields == 1 ? "a problem" : "problems", err->fields[0].field);
		conf_release(&staged);
		return err->code;
	}
	for (int k = 0; k < CONF_NKEYS; k++)
		if (staged.value[k]) {
			set_value(c, (enum conf_key)k, staged.value[k], staged.source[k]);
			staged.value[k] = NULL;
		}
	return SH_OK;
}

enum sh_code conf_read_env(struct conf *c, struct sh_error *err)
{
	char name[64], source[96];
	enum sh_code rc = SH_OK;

	for (int k = 0; k < CONF_NKEYS; k++) {
		const char *v;
		struct sh_error one = SH_ERROR_INIT;
		conf_env_name((enum conf_key)k, name, sizeof(name));
		if (!(v = getenv(name)) || !*v)
			continue;
		snprintf(source, sizeof(source), "environment %s", name);
		if (conf_set(c, (enum conf_key)k, v, source, &one))
			rc = sh_error_field(err, SH_EINVAL, name, "%s", one.detail);
	}
	if (rc)
		snprintf(err->detail, sizeof(err->detail), "%s", err->fields[0].field);
	return rc;
}

const char *conf_get(const struct conf *c, enum conf_key k)
{
	return c->value[k] ? c->value[k] : "";
}

bool conf_bool(const struct conf *c, enum conf_key k)
{
	return !strcmp(conf_get(c, k), "true");
}

long conf_long(const struct conf *c, enum conf_key k)
{
	return strtol(conf_get(c, k), NULL, 10);
}
