#include "lib/common.h"
#include "api/audit.h"
#include "store/audit_chain.h"

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

static int verify_row(const struct audit_entry *e, void *arg)
{
	struct audit_verdict *v = arg;
	char h[65];
	int64_t expect = v->rows + 1;

	if (e->seq != expect) {
		v->bad_seq = e->seq;
		snprintf(v->why, sizeof(v->why),
			 e->seq > expect ? "rows %" PRId64 " to %" PRId64 " are missing (deleted?)"
					 : "row out of order after row %" PRId64 "%.0" PRId64,
			 e->seq > expect ? expect : v->rows, e->seq - 1);
		return 1;
	}
	if (strcmp(e->prev_hash, v->head)) {
		v->bad_seq = e->seq;
		snprintf(v->why, sizeof(v->why),
			 "its previous-hash does not match row %" PRId64 " (rows removed or reordered?)",
			 v->rows);
		return 1;
	}
	audit_chain_hash(v->head, e, h);
	if (strcmp(h, e->hash)) {
		v->bad_seq = e->seq;
		snprintf(v->why, sizeof(v->why), "its contents do not match its hash (edited?)");
		return 1;
	}
	memcpy(v->head, h, sizeof(h));
	v->rows++;
	return 0;
}

enum sh_code audit_verify(struct store *s, struct audit_verdict *v, struct sh_error *err)
{
	struct store_conn *c;
	enum sh_code rc;

	memset(v, 0, sizeof(*v));
	memcpy(v->head, AUDIT_CHAIN_GENESIS, sizeof(v->head));
	if ((rc = store_read_begin(s, &c, err)))
		return rc;
	rc = store_audit_scan(c, verify_row, v, err);
	store_read_end(c);
	return rc;
}
