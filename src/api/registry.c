#include "lib/common.h"
#include <sys/stat.h>
#include "api/registry.h"
#include "core/casefile.h"
#include "lib/tz.h"
#include "lib/log.h"
#include "lib/shcrypto.h"
#include "lib/timefmt.h"

struct put {
	struct protocol_rec rec;
};

static enum sh_code do_put(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct put *p = arg;

	return store_protocol_put(c, &p->rec, err);
}

static enum sh_code read_file(const char *path, struct buf *out, struct sh_error *err)
{
	FILE *f = fopen(path, "re");
	char chunk[4096];
	size_t n;

	if (!f)
		return sh_error_set(err, SH_EIO, "%s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(out, chunk, n)) {
			fclose(f);
			return sh_error_set(err, SH_ETOOBIG, "%s: file too large", path);
		}
	fclose(f);
	return SH_OK;
}

static enum sh_code store_file(struct store *s, const char *path, int64_t now, char *name,
			       size_t name_size, struct sh_error *err)
{
	struct buf text, errors = BUF_INIT;
	struct protocol *p = NULL;
	struct put put = { 0 };
	char sha[65];
	enum sh_code rc;

	buf_init(&text, 4 * 1024 * 1024);
	if ((rc = read_file(path, &text, err)))
		goto out;
	if ((rc = protocol_parse(text.data, text.len, path, &p, &errors))) {
		rc = sh_error_set(err, SH_EINVAL, "%s", errors.data);
		goto out;
	}
	shcrypto_hash_hex(text.data, text.len, sha);
	put.rec.name = protocol_name(p);
	put.rec.version = protocol_version(p);
	put.rec.effective = protocol_effective(p);
	put.rec.text = text.data;
	put.rec.sha = sha;
	put.rec.loaded_at = now;
	if ((rc = store_write(s, do_put, &put, err)))
		goto out;
	snprintf(name, name_size, "%s", protocol_name(p));
	log_info("protocol: %s version %s (effective %s) from %s", protocol_name(p),
		 protocol_version(p), protocol_effective(p), path);
out:
	protocol_free(p);
	buf_release(&text);
	buf_release(&errors);
	return rc;
}

enum sh_code registry_load(struct store *s, const char *path, int64_t now, struct registry *r,
			   struct sh_error *err)
{
	struct arena a = ARENA_INIT;
	struct store_conn *c;
	struct protocol_rec *list;
	struct stat st;
	size_t n;
	enum sh_code rc;

	memset(r, 0, sizeof(*r));
	if (path && stat(path, &st) == 0 &&
	    (rc = store_file(s, path, now, r->current, sizeof(r->current), err)))
		return rc;
	if ((rc = store_read_begin(s, &c, err)))
		return rc;
	rc = store_protocol_list(c, &a, &list, &n, err);
	store_read_end(c);
	if (rc)
		goto out;
	if (n == 0) {
		rc = sh_error_set(err, SH_EINVAL,
				  "no protocol: %s not found and none stored; pass "
				  "--protocol FILE",
				  path ? path : "(no file)");
		goto out;
	}
	r->e = calloc(n, sizeof(*r->e));
	if (!r->e) {
		rc = sh_error_set(err, SH_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct buf errors = BUF_INIT;
		struct registry_entry *e = &r->e[r->n];
		if (protocol_parse(list[i].text, strlen(list[i].text), list[i].name, &e->p,
				   &errors)) {
			/* a stored version this build cannot read: its cases keep their cached steps */
			log_error("protocol: stored %s version %s no longer parses: %s",
				  list[i].name, list[i].version, errors.data);
			buf_release(&errors);
			continue;
		}
		buf_release(&errors);
		e->id = list[i].id;
		snprintf(e->name, sizeof(e->name), "%s", list[i].name);
		snprintf(e->version, sizeof(e->version), "%s", list[i].version);
		snprintf(e->effective, sizeof(e->effective), "%s", list[i].effective);
		r->n++;
	}
	if (!r->current[0] && r->n) /* no file: run under the newest stored protocol */
		snprintf(r->current, sizeof(r->current), "%s", r->e[r->n - 1].name);
	if (!r->n)
		rc = sh_error_set(err, SH_EINVAL, "no stored protocol could be parsed");
out:
	arena_release(&a);
	if (rc)
		registry_release(r);
	return rc;
}

void registry_release(struct registry *r)
{
	for (size_t i = 0; i < r->n; i++)
		protocol_free(r->e[i].p);
	free(r->e);
	memset(r, 0, sizeof(*r));
}

const struct registry_entry *registry_for(const struct registry *r, const struct tz *tz, int64_t t0)
{
	const struct registry_entry *best = NULL, *earliest = NULL;
	char day[11];

	timefmt_format_date(tz_date(tz, t0), day); /* the county's day of identification */
	for (size_t i = 0; i < r->n; i++) {
		const struct registry_entry *e = &r->e[i];
		if (strcmp(e->name, r->current))
			continue;
		if (!earliest || strcmp(e->effective, earliest->effective) < 0)
			earliest = e;
		/* on equal dates the later-loaded version wins */
		if (strcmp(e->effective, day) <= 0 &&
		    (!best || strcmp(e->effective, best->effective) >= 0))
			best = e;
	}
	return best ? best : earliest;
}

const struct registry_entry *registry_by_id(const struct registry *r, int64_t id)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->e[i].id == id)
			return &r->e[i];
	return NULL;
}

const struct protocol *registry_witness_protocol(const struct registry *r, const struct protocol *p)
{
	const struct protocol *found = NULL;

	if (!p || protocol_nwitness(p))
		return p;
	for (size_t i = 0; i < r->n; i++) /* in load order: the latest wins */
		if (!strcmp(protocol_name(r->e[i].p), protocol_name(p)) &&
		    protocol_nwitness(r->e[i].p))
			found = r->e[i].p;
	return found;
}

const char *registry_step_title(const struct registry *r, int64_t protocol_id, const char *key)
{
	const struct registry_entry *e = registry_by_id(r, protocol_id);
	const struct protocol_witness_item *w =
		e ? protocol_witness_find(registry_witness_protocol(r, e->p), key) : NULL;

	return w ? w->title : e ? protocol_step_title(e->p, key) : key;
}

const char *registry_step_title_es(const struct registry *r, const char *key)
{
	const char *found = NULL;

	/* a witness item's, then a step's */
	for (size_t i = 0; key && !found && i < r->n; i++) {
		const struct protocol_witness_item *w = protocol_witness_find(r->e[i].p, key);
		if (w && w->title_es)
			found = w->title_es;
	}
	if (found)
		return found;

	for (size_t i = 0; key && i < r->n; i++) {
		const struct protocol *p = r->e[i].p;
		for (size_t j = 0; p && j < protocol_nsteps(p); j++)
			if (!strcmp(protocol_step_key(p, j), key) && protocol_step_title_es(p, j))
				found = protocol_step_title_es(p, j);
	}
	return found;
}
