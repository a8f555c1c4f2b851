#include "lib/common.h"
#include "api/audit.h"
#include <sodium.h>
#include "store/audit_chain.h"
#include "lib/timefmt.h"

enum sh_code audit_record(struct store_conn *c, const struct principal *who, int64_t now,
			  const char *action, const char *case_id, const char *section,
			  const char *outcome, const char *detail, struct sh_error *err)
{
	struct audit_entry e = { 0 };

	e.at = now;
	e.user_id = who ? who->user_id : 0;
	e.agency_id = who ? who->agency_id : 0;
	e.action = action;
	e.case_id = case_id;
	e.section = section;
	e.outcome = outcome;
	e.detail = detail;
	e.token_id = who ? who->token_id : 0;
	return store_audit_append(c, &e, err);
}

static enum sh_code write_batch(struct store_conn *c, void *arg, struct sh_error *err)
{
	const struct audit_batch *b = arg;
	enum sh_code rc = SH_OK;

	if (!b->case_ids)
		return audit_record(c, b->who, b->now, b->action, NULL, b->section, b->outcome,
				    b->detail, err);
	for (size_t i = 0; !rc && i < b->ncases; i++)
		if (b->case_ids[i])
			rc = audit_record(c, b->who, b->now, b->action, b->case_ids[i], b->section,
					  b->outcome, b->detail, err);
	return rc;
}

enum sh_code audit_write(struct store *s, const struct audit_batch *b, struct sh_error *err)
{
	return store_write(s, write_batch, (void *)b, err);
}

struct audit_deferred {
	struct audit_batch b;
	struct audit_deferred *next;
};

static const char *keep_str(struct arena *a, const char *s, bool *oom)
{
	char *d = s ? arena_strdup(a, s) : NULL;

	if (s && !d)
		*oom = true;
	return d;
}

enum sh_code audit_defer(struct api_request *req, const struct audit_batch *b, struct sh_error *err)
{
	struct arena *a = req->arena;
	struct audit_deferred *d = arena_alloc(a, sizeof(*d)), **tail;
	struct principal *who = b->who ? arena_alloc(a, sizeof(*who)) : NULL;
	const char **ids = b->case_ids ? arena_alloc(a, (b->ncases + 1) * sizeof(*ids)) : NULL;
	bool oom = !d || (b->who && !who) || (b->case_ids && !ids);

	if (oom)
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	/* what audit_record keeps of who: the rest may not outlive the handler */
	if (who)
		*who = (struct principal){ .user_id = b->who->user_id,
					   .agency_id = b->who->agency_id,
					   .token_id = b->who->token_id };
	for (size_t i = 0; ids && i < b->ncases; i++)
		ids[i] = keep_str(a, b->case_ids[i], &oom);
	d->b = (struct audit_batch){ .who = who,
				     .now = b->now,
				     .action = keep_str(a, b->action, &oom),
				     .outcome = keep_str(a, b->outcome, &oom),
				     .detail = keep_str(a, b->detail, &oom),
				     .case_ids = ids,
				     .ncases = b->ncases,
				     .section = keep_str(a, b->section, &oom) };
	d->next = NULL;
	if (oom)
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	for (tail = &req->deferred; *tail; tail = &(*tail)->next)
		;
	*tail = d;
	return SH_OK;
}

enum sh_code audit_deferred_write(struct store_conn *c, void *deferred, struct sh_error *err)
{
	enum sh_code rc = SH_OK;

	for (struct audit_deferred *d = deferred; d && !rc; d = d->next)
		rc = write_batch(c, &d->b, err);
	return rc;
}

void audit_keys_derive(const struct shcrypto_keys *k, struct audit_keys *out)
{
	shcrypto_audit_keys(k, out->mac, out->checkpoint);
}

enum sh_code audit_store_open(const char *db, const struct shcrypto_keys *k,
			      const struct store_options *o, struct store **out,
			      struct sh_error *err)
{
	struct store_options so = o ? *o : (struct store_options){ 0 };
	struct audit_keys keys;
	enum sh_code rc;

	audit_keys_derive(k, &keys);
	so.audit_key = keys.mac;
	rc = store_open(db, &so, out, err);
	sodium_memzero(&keys, sizeof(keys));
	return rc;
}

static int cmp_checkpoint(const void *a, const void *b)
{
	const struct checkpoint *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

struct verify {
	const struct audit_keys *keys;
	bool keyed; /* schema AUDIT_CHAIN_KEYED_SCHEMA or later; before: the unkeyed v1 hash */
	struct audit_verdict *v;
	const struct checkpoint *cps; /* sorted by seq */
	size_t ncps, next_cp;
};

static int fail(struct audit_verdict *v, int64_t seq, int64_t event, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(struct audit_verdict *v, int64_t seq, int64_t event, const char *fmt, ...)
{
	va_list ap;

	v->ok = false;
	v->bad_seq = seq;
	v->bad_event = event;
	va_start(ap, fmt);
	vsnprintf(v->why, sizeof(v->why), fmt, ap);
	va_end(ap);
	return 1;
}

static void when(int64_t at, char out[TIMEFMT_RFC3339_LEN])
{
	timefmt_format_rfc3339(at, out);
}

static int verify_row(const struct audit_entry *e, void *arg)
{
	struct verify *x = arg;
	struct audit_verdict *v = x->v;
	char h[65], t[TIMEFMT_RFC3339_LEN];
	int64_t expect = v->rows + 1;

	if (e->seq != expect) {
		if (e->seq > expect)
			return fail(v, e->seq, 0,
				    "audit row %" PRId64 ": rows %" PRId64 " to %" PRId64
				    " are missing (deleted?)",
				    e->seq, expect, e->seq - 1);
		return fail(v, e->seq, 0, "audit row %" PRId64 ": out of order after row %" PRId64,
			    e->seq, v->rows);
	}
	if (strcmp(e->prev_hash, v->head))
		return fail(v, e->seq, 0,
			    "audit row %" PRId64 ": its previous-hash does not match row %" PRId64
			    " (rows removed or reordered?)",
			    e->seq, v->rows);
	if (e->has_nul)
		return fail(v, e->seq, 0,
			    "audit row %" PRId64 ": a field holds a NUL byte (edited?)", e->seq);
	if (!x->keyed) {
		audit_chain_hash_v1(v->head, e, h);
		if (strcmp(h, e->hash))
			return fail(v, e->seq, 0,
				    "audit row %" PRId64 ": its contents do not match its hash "
				    "(edited?)",
				    e->seq);
	} else {
		audit_chain_mac(x->keys->mac, v->head, e, h);
		if (sodium_memcmp(h, e->hash, 64) || strlen(e->hash) != 64)
			return fail(v, e->seq, 0,
				    "audit row %" PRId64 ": its contents do not match its MAC "
				    "(edited, or the chain recomputed without the key?)",
				    e->seq);
	}
	/* a checkpoint of the empty chain (row 0) names no row */
	while (x->next_cp < x->ncps && x->cps[x->next_cp].seq < e->seq)
		x->next_cp++;
	while (x->next_cp < x->ncps && x->cps[x->next_cp].seq == e->seq) {
		const struct checkpoint *cp = &x->cps[x->next_cp++];
		if (strcmp(cp->head, h)) {
			when(cp->at, t);
			return fail(v, e->seq, 0,
				    "audit row %" PRId64 ": does not match the checkpoint of %s "
				    "(line %d): the chain up to it was rewritten",
				    e->seq, t, cp->line);
		}
		v->checkpoints++;
	}
	memcpy(v->head, h, sizeof(h));
	v->rows++;
	return 0;
}

static int verify_event(const struct event_chain_rec *r, void *arg)
{
	struct verify *x = arg;
	struct audit_verdict *v = x->v;
	char mac[65];

	/* its latest anchor is not in the chain yet: checked once it is (counted unlinked) */
	if (r->anchor_unlinked)
		return 0;
	if (!r->anchor_seq)
		return fail(v, 0, r->ev.id,
			    "event %" PRId64 ": it is not in the audit chain (added outside "
			    "safeharbor, or its anchor row removed?)",
			    r->ev.id);
	if (r->has_nul)
		return fail(v, r->anchor_seq, r->ev.id,
			    "audit row %" PRId64 ": event %" PRId64 " holds a NUL byte (edited?)",
			    r->anchor_seq, r->ev.id);
	audit_chain_event_mac(x->keys->mac, &r->ev, r->data_len, mac);
	if (!r->anchor_mac || strlen(r->anchor_mac) != 64 || sodium_memcmp(mac, r->anchor_mac, 64))
		return fail(v, r->anchor_seq, r->ev.id,
			    "audit row %" PRId64 ": event %" PRId64
			    " no longer matches what was recorded (edited?)",
			    r->anchor_seq, r->ev.id);
	v->events++;
	return 0;
}

enum sh_code audit_verify(struct store *s, const struct audit_keys *keys,
			  const char *checkpoints_path, bool copy, struct audit_verdict *v,
			  struct sh_error *err)
{
	struct verify x = { keys, true, v, NULL, 0, 0 };
	struct checkpoint *cps = NULL;
	struct store_conn *c;
	int bad_line = 0;
	int64_t orphan_seq, orphan_event;
	char t[TIMEFMT_RFC3339_LEN];
	enum sh_code rc;

	memset(v, 0, sizeof(*v));
	v->ok = true;
	memcpy(v->head, AUDIT_CHAIN_GENESIS, sizeof(v->head));
	/* a database (a copy) from before the keyed chain: its rows with the old rule; it has
	 * no anchors and no checkpoints (the upgrade re-chains and anchors it) */
	v->keyed = x.keyed = store_schema_version(s) >= AUDIT_CHAIN_KEYED_SCHEMA;
	if (!x.keyed)
		checkpoints_path = NULL;
	if (checkpoints_path && (rc = checkpoints_read(checkpoints_path, keys->checkpoint, &cps,
						       &x.ncps, &bad_line, err)))
		return rc;
	if (bad_line) {
		fail(v, 0, 0,
		     "checkpoints file %s line %d: not a checkpoint or its signature does not match "
		     "(edited or forged?)",
		     checkpoints_path, bad_line);
		free(cps);
		return SH_OK;
	}
	if (x.ncps)
		qsort(cps, x.ncps, sizeof(*cps), cmp_checkpoint);
	x.cps = cps;
	if (x.ncps)
		v->latest = cps[x.ncps - 1];
	/* rows other requests committed without a place in the chain yet (PostgreSQL) get it
	 * now, so that they are checked too */
	if ((!copy && (rc = store_audit_link_all(s, NULL, err))) ||
	    (rc = store_read_begin(s, &c, err))) {
		free(cps);
		return rc;
	}
	if (!(rc = store_audit_unlinked(c, &v->unlinked, err)))
		rc = store_audit_scan(c, verify_row, &x, err);
	/* a copy (a backup) is the chain as it was: checkpoints written after it are not
	 * asked of it; the latest it is checked against is the last one up to its end */
	while (copy && x.ncps && v->latest.seq > v->rows) {
		x.ncps--;
		v->latest = x.ncps ? cps[x.ncps - 1] : (struct checkpoint){ 0 };
	}
	if (!rc && v->ok && v->latest.seq > v->rows) {
		/* the end of the chain is gone: the checkpoint remembers it */
		when(v->latest.at, t);
		fail(v, v->rows + 1, 0,
		     "audit row %" PRId64 ": rows %" PRId64 " to %" PRId64
		     " are missing: the chain "
		     "ends at row %" PRId64 " but the checkpoint of %s (line %d) recorded %" PRId64
		     " rows (cut from the end?)",
		     v->rows + 1, v->rows + 1, v->latest.seq, v->rows, t, v->latest.line,
		     v->latest.seq);
	}
	if (!rc && v->ok && x.keyed &&
	    (rc = store_audit_orphan_anchor(c, &orphan_seq, &orphan_event, err)) == SH_OK &&
	    orphan_seq)
		fail(v, orphan_seq, orphan_event,
		     "audit row %" PRId64 ": event %" PRId64 " it records is missing (deleted?)",
		     orphan_seq, orphan_event);
	if (!rc && v->ok && x.keyed)
		rc = store_event_chain_scan(c, verify_event, &x, err);
	store_read_end(c);
	free(cps);
	return rc;
}
