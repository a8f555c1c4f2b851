#include "lib/common.h"
#include <fcntl.h>
#include <sodium.h>
#include "api/checkpoints.h"
#include "lib/buf.h"
#include "lib/log.h"
#include "lib/syslogw.h"
#include "lib/ticker.h"
#include "lib/timefmt.h"
#include "notify/deliver.h"

char *checkpoints_default_path(const char *keyfile)
{
	struct buf b = BUF_INIT;
	size_t n = strlen(keyfile);

	if (n > 4 && !strcmp(keyfile + n - 4, ".key"))
		n -= 4;
	buf_add(&b, keyfile, n);
	buf_adds(&b, ".checkpoints");
	return buf_detach(&b, NULL);
}

static void format_line(const unsigned char *key, const struct checkpoint *cp, struct buf *out)
{
	char mac[65];

	audit_chain_checkpoint_mac(key, cp->at, cp->seq, cp->head, mac);
	buf_addf(out, "checkpoint 1 %" PRId64 " %" PRId64 " %s %s\n", cp->at, cp->seq, cp->head,
		 mac);
}

enum sh_code checkpoints_append(const char *path, const unsigned char key[AUDIT_CHAIN_KEY_LEN],
				const struct checkpoint *cp, struct sh_error *err)
{
	struct buf line = BUF_INIT;
	enum sh_code rc = SH_OK;
	int fd;

	format_line(key, cp, &line);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = sh_error_set(err, SH_EIO, "cannot open the checkpoints file %s: %s", path,
				  strerror(errno));
	} else {
		/* one write of one short line: appends from several processes do not interleave */
		bool ok = write(fd, line.data, line.len) == (ssize_t)line.len && fsync(fd) == 0;
		if (close(fd) || !ok)
			rc = sh_error_set(err, SH_EIO, "cannot write the checkpoints file %s: %s",
					  path, strerror(errno));
	}
	buf_release(&line);
	return rc;
}

static bool is_hex64(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
			return false;
	return n == 64;
}

/* One line into cp; false when it is not a well-formed line with a valid signature. */
static bool parse_line(const unsigned char *key, char *line, struct checkpoint *cp)
{
	char head[80], mac[80], want[65];
	long long at, seq;
	int end = 0;

	if (sscanf(line, "checkpoint 1 %lld %lld %79s %79s%n", &at, &seq, head, mac, &end) != 4 ||
	    (line[end] != '\0' && line[end] != '\n') || at < 0 || seq < 0 || !is_hex64(head) ||
	    !is_hex64(mac))
		return false;
	cp->at = at;
	cp->seq = seq;
	memcpy(cp->head, head, 65);
	audit_chain_checkpoint_mac(key, cp->at, cp->seq, cp->head, want);
	return sodium_memcmp(want, mac, 64) == 0;
}

enum sh_code checkpoints_read(const char *path, const unsigned char key[AUDIT_CHAIN_KEY_LEN],
			      struct checkpoint **out, size_t *n, int *bad_line,
			      struct sh_error *err)
{
	FILE *f;
	char line[512];
	size_t cap = 0;
	int lineno = 0;

	*out = NULL;
	*n = 0;
	*bad_line = 0;
	if (!(f = fopen(path, "re"))) {
		if (errno == ENOENT)
			return SH_OK;
		return sh_error_set(err, SH_EIO, "cannot read the checkpoints file %s: %s", path,
				    strerror(errno));
	}
	while (fgets(line, sizeof(line), f)) {
		struct checkpoint cp = { 0 };

		lineno++;
		if (!parse_line(key, line, &cp)) {
			*bad_line = lineno;
			break;
		}
		cp.line = lineno;
		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct checkpoint *grown = realloc(*out, ncap * sizeof(**out));
			if (!grown) {
				fclose(f);
				free(*out);
				*out = NULL;
				*n = 0;
				return sh_error_set(err, SH_ENOMEM, "out of memory");
			}
			*out = grown;
			cap = ncap;
		}
		(*out)[(*n)++] = cp;
	}
	fclose(f);
	return SH_OK;
}

enum sh_code checkpoints_rewind(const char *path, const unsigned char key[AUDIT_CHAIN_KEY_LEN],
				int64_t seq, const struct checkpoint *head, struct buf *moved_to,
				size_t *kept, size_t *dropped, struct sh_error *err)
{
	struct checkpoint *cps = NULL;
	size_t n = 0;
	int bad = 0;
	enum sh_code rc;

	*kept = *dropped = 0;
	if ((rc = checkpoints_read(path, key, &cps, &n, &bad, err)))
		return rc;
	for (size_t i = 0; i < n; i++)
		*dropped += cps[i].seq > seq;
	if (*dropped || bad) {
		/* kept for the record, under a name that says why it was set aside */
		buf_addf(moved_to, "%s.before-restore-%" PRId64, path, (int64_t)time(NULL));
		if (rename(path, moved_to->data)) {
			rc = sh_error_set(err, SH_EIO, "cannot rename %s to %s: %s", path,
					  moved_to->data, strerror(errno));
			goto out;
		}
		for (size_t i = 0; !rc && i < n; i++)
			if (cps[i].seq <= seq &&
			    !(rc = checkpoints_append(path, key, &cps[i], err)))
				(*kept)++;
	} else {
		*kept = n;
	}
	if (!rc && head && head->seq && !(n && !*dropped && cps[n - 1].seq == head->seq))
		rc = checkpoints_append(path, key, head, err);
out:
	free(cps);
	return rc;
}

/* ---- the thread in serve ---- */

struct checkpointer {
	struct checkpointer_options o;
	struct ticker *ticker;
	int64_t last_seq; /* the last head written; -1 before the first */
};

static void publish(struct checkpointer *c, const struct checkpoint *cp)
{
	char mac[65], at[TIMEFMT_RFC3339_LEN];
	struct buf body = BUF_INIT;
	struct deliver_result res;

	if (c->o.syslog) {
		audit_chain_checkpoint_mac(c->o.key, cp->at, cp->seq, cp->head, mac);
		syslogw_notice("audit checkpoint at=%" PRId64 " seq=%" PRId64 " head=%s mac=%s",
			       cp->at, cp->seq, cp->head, mac);
	}
	if (!c->o.webhook_url)
		return;
	audit_chain_checkpoint_mac(c->o.key, cp->at, cp->seq, cp->head, mac);
	timefmt_format_rfc3339(cp->at, at);
	buf_addf(&body,
		 "{\"type\":\"audit_checkpoint\",\"at\":\"%s\",\"seq\":%" PRId64
		 ",\"head\":\"%s\",\"mac\":\"%s\"}",
		 at, cp->seq, cp->head, mac);
	/* an address the operator gave at the command line: not judged */
	deliver_webhook(c->o.webhook_url, &(struct deliver_policy){ NULL, true },
			c->o.webhook_secret, strlen(c->o.webhook_secret), body.data, body.len,
			cp->seq, cp->at, 10, NULL, &res);
	if (!res.ok)
		log_warn("audit: checkpoint %" PRId64 " not delivered to the webhook (%s)", cp->seq,
			 res.error);
	buf_release(&body);
}

/* Appends the current head when it moved since the last one written. */
static void checkpoint_now(struct checkpointer *c)
{
	struct checkpoint cp = { .at = (int64_t)time(NULL) };
	struct sh_error err = SH_ERROR_INIT;
	struct store_conn *conn;
	enum sh_code rc;

	if ((rc = store_read_begin(c->o.store, &conn, &err)))
		goto fail;
	rc = store_audit_head(conn, &cp.seq, cp.head, &err);
	store_read_end(conn);
	if (rc)
		goto fail;
	if (cp.seq == c->last_seq)
		return;
	if ((rc = checkpoints_append(c->o.path, c->o.key, &cp, &err)))
		goto fail;
	c->last_seq = cp.seq;
	publish(c, &cp);
	return;
fail:
	log_error("audit: writing a checkpoint failed: %s", err.detail);
}

static int64_t tick(void *ctx, const struct ticker *t, int index)
{
	struct checkpointer *c = ctx;

	UNUSED(t);
	UNUSED(index);
	checkpoint_now(c);
	return (int64_t)c->o.interval_s * 1000;
}

enum sh_code checkpointer_start(const struct checkpointer_options *o, struct checkpointer **out,
				struct sh_error *err)
{
	struct checkpointer *c = calloc(1, sizeof(*c));
	enum sh_code rc;

	*out = NULL;
	if (!c)
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	c->o = *o;
	if (c->o.interval_s <= 0)
		c->o.interval_s = 300;
	c->last_seq = -1;
	if (c->o.syslog)
		syslogw_open();
	checkpoint_now(c);
	if ((rc = ticker_start(
		     &(struct ticker_options){
			     .fn = tick, .ctx = c, .first_ms = (int64_t)c->o.interval_s * 1000 },
		     &c->ticker, err))) {
		checkpointer_stop(c);
		return rc;
	}
	*out = c;
	return SH_OK;
}

void checkpointer_stop(struct checkpointer *c)
{
	if (!c)
		return;
	ticker_stop(c->ticker);
	checkpoint_now(c);
	if (c->o.syslog)
		syslogw_close();
	sodium_memzero(c->o.key, sizeof(c->o.key));
	free(c);
}
