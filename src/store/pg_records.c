/* PostgreSQL backend: settings, the audit chain, idempotency keys, protocols and the
 * derived steps of a case (the operations of ops.def written so far: pg_internal.h). */
#include "lib/common.h"
#include <sodium.h>
#include "lib/buf.h"
#include "store/audit_chain.h"
#include "store/pg_internal.h"

/*
 * Appends do not wait on each other (schema 18): a request's transaction inserts its rows
 * without a place in the chain (seq and prev_hash NULL; the row's id from a sequence) and
 * takes no lock, so the commits of requests on every server go on at once and PostgreSQL
 * flushes them together. The linker (pg_audit_link, on a thread of every process that
 * writes: pg.c) then gives the committed rows their place. Until then the row's hash is
 * its own MAC (audit_chain_mac with no previous row and seq 0), which the linker checks:
 * a row inserted or edited by someone without the key is not linked.
 */
enum sh_code pg_audit_append(struct store_conn *c, struct audit_entry *e, struct sh_error *err)
{
	static const char ins[] =
		"INSERT INTO audit(at, user_id, agency_id, action, case_id, section, outcome,"
		" detail, token_id, ref_event, ref_mac, hash)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
	enum sh_code rc;

	if (pg_need_writer(c, err))
		return err->code;
	if (!pstore_of(c)->has_audit_key)
		return sh_error_set(err, SH_EINTERNAL,
				    "the audit chain key is not loaded (the database was opened "
				    "without its key file)");
	e->seq = 0;
	e->prev_hash[0] = '\0';
	audit_chain_mac(pstore_of(c)->audit_key, NULL, e, e->hash);
	if ((rc = pg_write(c, ins, NULL, NULL,
			   SQ_VALS(sq_int(e->at), sq_int(e->user_id), sq_int(e->agency_id),
				   sq_text(e->action), sq_text(e->case_id), sq_text(e->section),
				   sq_text(e->outcome), sq_text(e->detail), sq_int(e->token_id),
				   sq_id(e->ref_event), sq_text(e->ref_mac), sq_text(e->hash)),
			   err)))
		return rc;
	pconn_of(c)->appended = true;
	return SH_OK;
}

/* The columns read_audit reads, in its order. */
#define AUDIT_COLS                                                                \
	"seq, at, user_id, agency_id, action, case_id, section, outcome, detail," \
	" prev_hash, hash, token_id, COALESCE(ref_event, 0), ref_mac"

/* One audit row (AUDIT_COLS) into e; an unlinked row's seq is 0 and its hashes "". */
static void read_audit(const PGresult *res, int r, struct arena *a, struct audit_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->seq = pg_col_int(res, r, 0);
	e->at = pg_col_int(res, r, 1);
	e->user_id = pg_col_int(res, r, 2);
	e->agency_id = pg_col_int(res, r, 3);
	e->action = pg_col_text(res, r, 4, a);
	e->case_id = pg_col_text(res, r, 5, a);
	e->section = pg_col_text(res, r, 6, a);
	e->outcome = pg_col_text(res, r, 7, a);
	e->detail = pg_col_text(res, r, 8, a);
	snprintf(e->prev_hash, sizeof(e->prev_hash), "%s", PQgetvalue(res, r, 9));
	snprintf(e->hash, sizeof(e->hash), "%s", PQgetvalue(res, r, 10));
	e->token_id = pg_col_int(res, r, 11);
	e->ref_event = pg_col_int(res, r, 12);
	e->ref_mac = pg_col_text(res, r, 13, a);
}

/* Rows are read a page at a time (by seq), so a long chain never sits in memory whole; the
 * linker links at most a page per transaction. */
#define AUDIT_PAGE STORE_AUDIT_LINK_PAGE

/* the key of the advisory lock one linker at a time holds, across servers ("shlinker") */
#define PG_LINK_LOCK "8388069078232016242"

/*
 * The linker: one transaction that takes the linkers' lock (or leaves the work to the
 * linker holding it: *linked -1), locks the head row, reads the unlinked rows it can see
 * (committed ones) in id order, checks each one's own MAC and chains them after the head:
 * seq, prev_hash and the MAC as an append under a lock would have. The chain's order is
 * this link order: a row that commits after others were linked is linked after them even
 * with a lower id. A row whose own MAC fails stops the linker (SH_ESTORE naming it):
 * linking it would give a forged or edited row a valid place in the chain.
 */
enum sh_code pg_audit_link(struct store_conn *c, bool wait, int64_t *linked, struct sh_error *err)
{
	static const char try_lock[] = "SELECT pg_try_advisory_xact_lock(" PG_LINK_LOCK ")";
	static const char lock[] = "SELECT pg_advisory_xact_lock(" PG_LINK_LOCK ")";
	static const char head[] = "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE";
	static const char pending[] = "SELECT " AUDIT_COLS ", id FROM audit WHERE seq IS NULL"
				      " ORDER BY id LIMIT 1000";
	static const char set[] =
		"UPDATE audit a SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash"
		" FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[])"
		" AS v(id, seq, prev_hash, hash) WHERE a.id = v.id AND a.seq IS NULL";
	static const char move[] = "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1";
	struct pg_store *s = pstore_of(c);
	struct buf ids = BUF_INIT, seqs = BUF_INIT, prevs = BUF_INIT, hashes = BUF_INIT;
	PGresult *res = NULL;
	int64_t seq, done = 0;
	char prev[65], own[65];
	int rows;
	enum sh_code rc = SH_OK;

	*linked = 0;
	if (pg_need_writer(c, err))
		return err->code;
	if (!s->has_audit_key)
		return sh_error_set(err, SH_EINTERNAL,
				    "the audit chain key is not loaded (the database was opened "
				    "without its key file)");
	if (!(res = pg_exec(pconn_of(c), wait ? lock : try_lock, PG_NONE, err)))
		return err->code;
	if (!wait && !pg_col_int(res, 0, 0)) {
		*linked = -1;
		goto out;
	}
	PQclear(res);
	if (!(res = pg_exec(pconn_of(c), head, PG_NONE, err))) {
		rc = err->code;
		goto out;
	}
	if (PQntuples(res) != 1) {
		rc = sh_error_set(err, SH_ESTORE, "the audit chain's head row is missing");
		goto out;
	}
	seq = pg_col_int(res, 0, 0);
	snprintf(prev, sizeof(prev), "%s", PQgetvalue(res, 0, 1));
	PQclear(res);
	if (!(res = pg_exec(pconn_of(c), pending, PG_NONE, err))) {
		rc = err->code;
		goto out;
	}
	if (!(rows = PQntuples(res)))
		goto out;
	for (int r = 0; r < rows; r++) {
		struct arena a = ARENA_INIT;
		struct audit_entry e;
		const char *sep = r ? "," : "{";

		read_audit(res, r, &a, &e);
		audit_chain_mac(s->audit_key, NULL, &e, own);
		if (sodium_memcmp(own, e.hash, 64) || strlen(e.hash) != 64) {
			rc = sh_error_set(err, SH_ESTORE,
					  "audit row id %s (not linked yet): its contents do not "
					  "match the MAC it was written with (inserted or edited "
					  "outside safeharbor?): the audit chain is not extended "
					  "until it is dealt with",
					  PQgetvalue(res, r, 14));
			arena_release(&a);
			goto out;
		}
		e.seq = ++seq;
		memcpy(e.prev_hash, prev, sizeof(prev));
		audit_chain_mac(s->audit_key, e.prev_hash, &e, e.hash);
		buf_addf(&ids, "%s%s", sep, PQgetvalue(res, r, 14));
		buf_addf(&seqs, "%s%" PRId64, sep, e.seq);
		buf_addf(&prevs, "%s%s", sep, e.prev_hash);
		buf_addf(&hashes, "%s%s", sep, e.hash);
		memcpy(prev, e.hash, sizeof(prev));
		arena_release(&a);
	}
	buf_adds(&ids, "}");
	buf_adds(&seqs, "}");
	buf_adds(&prevs, "}");
	buf_adds(&hashes, "}");
	if (!ids.data || !seqs.data || !prevs.data || !hashes.data) {
		rc = sh_error_set(err, SH_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = pg_write(c, set, NULL, &done,
			   SQ_VALS(sq_text(ids.data), sq_text(seqs.data), sq_text(prevs.data),
				   sq_text(hashes.data)),
			   err)))
		goto out;
	if (done != rows) {
		rc = sh_error_set(err, SH_ESTORE,
				  "the audit linker linked %" PRId64 " of %d rows (another linker "
				  "at work without the lock?)",
				  done, rows);
		goto out;
	}
	if (!(rc = pg_write(c, move, NULL, NULL, SQ_VALS(sq_int(seq), sq_text(prev)), err)))
		*linked = rows;
out:
	PQclear(res);
	buf_release(&ids);
	buf_release(&seqs);
	buf_release(&prevs);
	buf_release(&hashes);
	return rc;
}

enum sh_code pg_audit_unlinked(struct store_conn *c, int64_t *n, struct sh_error *err)
{
	static const char sql[] = "SELECT count(*) FROM audit WHERE seq IS NULL";

	return pg_value(pg_exec(pconn_of(c), sql, PG_NONE, err), n, err);
}

/* The linked rows in seq order (the unlinked ones have none: audit_unlinked counts them). */
enum sh_code pg_audit_scan(struct store_conn *c, int (*fn)(const struct audit_entry *e, void *arg),
			   void *arg, struct sh_error *err)
{
	static const char sql[] =
		"SELECT " AUDIT_COLS " FROM audit WHERE seq > $1 ORDER BY seq LIMIT 1000";
	int64_t after = 0;

	for (;;) {
		PGresult *res = pg_exec(pconn_of(c), sql, SQ_VALS(sq_int(after)), err);
		int rows, stop = 0;

		if (!res)
			return err->code;
		rows = PQntuples(res);
		for (int r = 0; r < rows && !stop; r++) {
			struct arena a = ARENA_INIT;
			struct audit_entry e;
			read_audit(res, r, &a, &e);
			after = e.seq;
			stop = fn(&e, arg);
			arena_release(&a);
		}
		PQclear(res);
		if (stop || rows < AUDIT_PAGE)
			return SH_OK;
	}
}

/* The last linked row. */
enum sh_code pg_audit_head(struct store_conn *c, int64_t *seq, char hash[65], struct sh_error *err)
{
	static const char sql[] = "SELECT seq, hash FROM audit WHERE seq IS NOT NULL"
				  " ORDER BY seq DESC LIMIT 1";
	PGresult *res = pg_exec(pconn_of(c), sql, PG_NONE, err);

	*seq = 0;
	snprintf(hash, 65, "%s", AUDIT_CHAIN_GENESIS);
	if (!res)
		return err->code;
	if (PQntuples(res) > 0) {
		*seq = pg_col_int(res, 0, 0);
		snprintf(hash, 65, "%s", PQgetvalue(res, 0, 1));
	}
	PQclear(res);
	return SH_OK;
}

/* ---- events in the chain ---- */

/* the latest anchor is the one inserted last (id: the rows of one event are written one
 * after another, each under the event row's lock); -1 for its seq when it is not linked */
#define EVENT_CHAIN_COLS                                                                   \
	"e.id, e.case_id, e.type, e.section, e.at, e.recorded_at, e.user_id, e.agency_id," \
	" COALESCE(e.amends, 0), e.data, e.sealed,"                                        \
	" (SELECT COALESCE(seq, -1) FROM audit a WHERE a.ref_event = e.id"                 \
	"  ORDER BY id DESC LIMIT 1),"                                                     \
	" (SELECT ref_mac FROM audit a WHERE a.ref_event = e.id ORDER BY id DESC LIMIT 1)" \
	" FROM events e"

static void read_event_chain(const PGresult *res, int row, struct arena *a,
			     struct event_chain_rec *r)
{
	struct event_rec *e = &r->ev;

	memset(r, 0, sizeof(*r));
	e->id = pg_col_int(res, row, 0);
	e->case_id = pg_col_text(res, row, 1, a);
	e->type = pg_col_text(res, row, 2, a);
	e->section = pg_col_text(res, row, 3, a);
	e->at = pg_col_int(res, row, 4);
	e->recorded_at = pg_col_int(res, row, 5);
	e->user_id = pg_col_int(res, row, 6);
	e->agency_id = pg_col_int(res, row, 7);
	e->amends = pg_col_int(res, row, 8);
	e->data = pg_col_text(res, row, 9, a);
	r->data_len = (size_t)PQgetlength(res, row, 9);
	e->sealed = pg_col_blob(res, row, 10, a, &e->sealed_len);
	r->anchor_seq = pg_col_int(res, row, 11);
	r->anchor_unlinked = r->anchor_seq < 0;
	if (r->anchor_unlinked)
		r->anchor_seq = 0;
	r->anchor_mac = pg_col_text(res, row, 12, a);
}

/* A page at a time (by id), as pg_audit_scan. */
enum sh_code pg_event_chain_scan(struct store_conn *c,
				 int (*fn)(const struct event_chain_rec *e, void *arg), void *arg,
				 struct sh_error *err)
{
	static const char sql[] = "SELECT " EVENT_CHAIN_COLS " WHERE e.id > $1 ORDER BY e.id"
				  " LIMIT 1000";
	int64_t after = 0;

	for (;;) {
		PGresult *res = pg_exec(pconn_of(c), sql, SQ_VALS(sq_int(after)), err);
		int rows, stop = 0;

		if (!res)
			return err->code;
		rows = PQntuples(res);
		for (int r = 0; r < rows && !stop; r++) {
			struct arena a = ARENA_INIT;
			struct event_chain_rec e;
			read_event_chain(res, r, &a, &e);
			after = e.ev.id;
			stop = fn(&e, arg);
			arena_release(&a);
		}
		PQclear(res);
		if (stop || rows < AUDIT_PAGE)
			return SH_OK;
	}
}

enum sh_code pg_audit_orphan_anchor(struct store_conn *c, int64_t *seq, int64_t *event_id,
				    struct sh_error *err)
{
	/* a linked row: an unlinked one is not in the chain yet (audit_unlinked) */
	static const char sql[] =
		"SELECT a.seq, a.ref_event FROM audit a"
		" WHERE a.ref_event IS NOT NULL AND a.seq IS NOT NULL AND NOT EXISTS"
		" (SELECT 1 FROM events e WHERE e.id = a.ref_event)"
		" ORDER BY a.seq LIMIT 1";
	PGresult *res = pg_exec(pconn_of(c), sql, PG_NONE, err);

	*seq = *event_id = 0;
	if (!res)
		return err->code;
	if (PQntuples(res) > 0) {
		*seq = pg_col_int(res, 0, 0);
		*event_id = pg_col_int(res, 0, 1);
	}
	PQclear(res);
	return SH_OK;
}

enum sh_code pg_audit_anchor(struct store_conn *c, const struct event_rec *ev, size_t data_len,
			     int64_t at, const char *detail, struct sh_error *err)
{
	struct audit_entry e = { 0 };
	char mac[65];

	if (!pstore_of(c)->has_audit_key)
		return sh_error_set(err, SH_EINTERNAL,
				    "the audit chain key is not loaded (the database was opened "
				    "without its key file)");
	audit_chain_event_mac(pstore_of(c)->audit_key, ev, data_len, mac);
	e.at = at;
	e.user_id = ev->user_id;
	e.agency_id = ev->agency_id;
	e.action = AUDIT_ANCHOR_ACTION;
	e.outcome = "ok";
	e.detail = detail;
	e.ref_event = ev->id;
	e.ref_mac = mac;
	return pg_audit_append(c, &e, err);
}

enum sh_code pg_event_reanchor(struct store_conn *c, int64_t event_id, int64_t at,
			       const char *detail, struct sh_error *err)
{
	static const char sql[] = "SELECT " EVENT_CHAIN_COLS " WHERE e.id = $1";
	struct arena a = ARENA_INIT;
	struct event_chain_rec r;
	PGresult *res = pg_exec(pconn_of(c), sql, SQ_VALS(sq_int(event_id)), err);
	enum sh_code rc;

	if (!res)
		return err->code;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return sh_error_set(err, SH_ENOTFOUND, "no such event");
	}
	read_event_chain(res, 0, &a, &r);
	PQclear(res);
	rc = pg_audit_anchor(c, &r.ev, r.data_len, at, detail, err);
	arena_release(&a);
	return rc;
}

/* ---- idempotency keys ---- */

struct idem {
	char *request_hash, *case_id;
	int64_t event_id;
};

static void map_idem(const PGresult *res, int r, struct arena *a, void *rec)
{
	struct idem *i = rec;

	i->request_hash = pg_col_text(res, r, 0, a);
	i->case_id = pg_col_text(res, r, 1, a);
	i->event_id = pg_col_int(res, r, 2);
}

/*
 * In a write, the key is first locked until the transaction ends (an advisory lock on the
 * user and key): a request with the same key on another server waits here, then reads the
 * key the first stored (READ COMMITTED: the SELECT after the wait sees its commit) and
 * answers with the same case, where without the lock both would write a case and the
 * second fail on the key's unique index.
 */
enum sh_code pg_idem_get(struct store_conn *c, int64_t user_id, const char *key, struct arena *a,
			 char **request_hash, char **case_id, int64_t *event_id,
			 struct sh_error *err)
{
	static const char lock[] = "SELECT pg_advisory_xact_lock(1768187245," /* "idem" */
				   " hashtext($1::bigint || ':' || $2::text))";
	static const char sql[] = "SELECT request_hash, case_id, event_id FROM idempotency"
				  " WHERE user_id = $1 AND key = $2";
	struct idem r;
	enum sh_code rc;

	*request_hash = *case_id = NULL;
	*event_id = 0;
	if (c->writable) {
		PGresult *res =
			pg_exec(pconn_of(c), lock, SQ_VALS(sq_int(user_id), sq_text(key)), err);
		if (!res)
			return err->code;
		PQclear(res);
	}
	rc = pg_row(pg_exec(pconn_of(c), sql, SQ_VALS(sq_int(user_id), sq_text(key)), err),
		    map_idem, a, &r, sizeof(r), NULL, err);

	*request_hash = r.request_hash;
	*case_id = r.case_id;
	*event_id = r.event_id;
	return rc;
}

/* A key another request (on any server) stored first is SH_ECONFLICT, as in SQLite. */
enum sh_code pg_idem_put(struct store_conn *c, int64_t user_id, const char *key,
			 const char *request_hash, const char *case_id, int64_t event_id,
			 int64_t at, struct sh_error *err)
{
	static const char sql[] = "INSERT INTO idempotency(user_id, key, request_hash, case_id,"
				  " event_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)";

	return pg_write(c, sql, NULL, NULL,
			SQ_VALS(sq_int(user_id), sq_text(key), sq_text(request_hash),
				sq_text(case_id), sq_id(event_id), sq_int(at)),
			err);
}

/* ---- protocols ---- */

/* ---- the derived steps of a case ---- */

struct derived {
	char *stamp, *steps;
};
