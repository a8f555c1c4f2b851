/* SQLite backend: the record operations of ops.def. */
#include "lib/catalog.h"
#include "lib/common.h"
#include "store/audit_chain.h"
#include "store/sqlite_internal.h"

static enum sh_code need_key(struct store_conn *c, struct sh_error *err)
{
	if (!sstore_of(c)->has_audit_key)
		return sh_error_set(err, SH_EINTERNAL,
				    "the audit chain key is not loaded (the database was opened "
				    "without its key file)");
	return SH_OK;
}

enum sh_code sqlite_audit_append(struct store_conn *c, struct audit_entry *e, struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO audit(seq, at, user_id, agency_id, action, case_id, section, outcome,"
		" detail, prev_hash, hash, token_id, ref_event, ref_mac)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";
	/* the tail is read inside the write transaction: other processes (the CLI) append too */
	static const char tail[] = "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st;
	bool row;
	enum sh_code rc;

	if (sq_need_writer(c, err) || need_key(c, err))
		return err->code;
	if (!(st = sq_prep(sc, tail, err)))
		return err->code;
	if ((rc = sq_step(sc, st, &row, err)))
		return rc;
	e->seq = row ? sqlite3_column_int64(st, 0) + 1 : 1;
	snprintf(e->prev_hash, sizeof(e->prev_hash), "%s",
		 row ? (const char *)sqlite3_column_text(st, 1) : AUDIT_CHAIN_GENESIS);
	sqlite3_reset(st);
	audit_chain_mac(sstore_of(c)->audit_key, e->prev_hash, e, e->hash);
	return sq_write(c, sql, NULL, NULL,
			SQ_VALS(sq_int(e->seq), sq_int(e->at), sq_int(e->user_id),
				sq_int(e->agency_id), sq_text(e->action), sq_text(e->case_id),
				sq_text(e->section), sq_text(e->outcome), sq_text(e->detail),
				sq_text(e->prev_hash), sq_text(e->hash), sq_int(e->token_id),
				sq_id(e->ref_event), sq_text(e->ref_mac)),
			err);
}

/* The one writer appends in order: every row is linked as it is written. */
enum sh_code sqlite_audit_link(struct store_conn *c, bool wait, int64_t *linked,
			       struct sh_error *err)
{
	UNUSED(c);
	UNUSED(wait);
	UNUSED(err);
	*linked = 0;
	return SH_OK;
}

enum sh_code sqlite_audit_unlinked(struct store_conn *c, int64_t *n, struct sh_error *err)
{
	UNUSED(c);
	UNUSED(err);
	*n = 0;
	return SH_OK;
}

#define AUDIT_COLS                                                                                 \
	"seq, at, user_id, agency_id, action, case_id, section, outcome, detail, prev_hash, hash," \
	" token_id, COALESCE(ref_event, 0), ref_mac"

/* One audit row into e; strings in a (the arena outlives the row). */
static void read_audit(sqlite3_stmt *st, struct arena *a, struct audit_entry *e)
{
	const char *ph, *h;

	memset(e, 0, sizeof(*e));
	e->seq = sqlite3_column_int64(st, 0);
	e->at = sqlite3_column_int64(st, 1);
	e->user_id = sqlite3_column_int64(st, 2);
	e->agency_id = sqlite3_column_int64(st, 3);
	e->action = sq_col_text_checked(st, 4, a, &e->has_nul);
	e->case_id = sq_col_text_checked(st, 5, a, &e->has_nul);
	e->section = sq_col_text_checked(st, 6, a, &e->has_nul);
	e->outcome = sq_col_text_checked(st, 7, a, &e->has_nul);
	e->detail = sq_col_text_checked(st, 8, a, &e->has_nul);
	ph = (const char *)sqlite3_column_text(st, 9);
	h = (const char *)sqlite3_column_text(st, 10);
	snprintf(e->prev_hash, sizeof(e->prev_hash), "%s", ph ? ph : "");
	snprintf(e->hash, sizeof(e->hash), "%s", h ? h : "");
	e->token_id = sqlite3_column_int64(st, 11);
	e->ref_event = sqlite3_column_int64(st, 12);
	e->ref_mac = sq_col_text_checked(st, 13, a, &e->has_nul);
}

static void read_audit_any(sqlite3_stmt *st, struct arena *a, void *rec)
{
	read_audit(st, a, rec);
}

/* Calls visit for each row of sql read into rec (a fresh arena per row); stops on non-zero. */
static enum sh_code scan_each(struct store_conn *c, const char *sql, void *rec,
			      void (*read)(sqlite3_stmt *st, struct arena *a, void *rec),
			      int (*visit)(void *rec, void *ctx), void *ctx, struct sh_error *err)
{
	sqlite3_stmt *st = sq_prep(sconn_of(c), sql, err);
	int rc;

	if (!st)
		return err->code;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct arena a = ARENA_INIT;
		int stop;

		read(st, &a, rec);
		stop = visit(rec, ctx);
		arena_release(&a);
		if (stop)
			break;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_err(sconn_of(c), rc, err);
	return SH_OK;
}

struct audit_visit {
	int (*fn)(const struct audit_entry *e, void *arg);
	void *arg;
};

static int visit_audit(void *rec, void *ctx)
{
	struct audit_visit *v = ctx;

	return v->fn(rec, v->arg);
}

enum sh_code sqlite_audit_scan(struct store_conn *c,
			       int (*fn)(const struct audit_entry *e, void *arg), void *arg,
			       struct sh_error *err)
{
	static const char sql[] = "SELECT " AUDIT_COLS " FROM audit ORDER BY seq";
	/* a database from before the keyed chain (a copy being verified) lacks the columns */
	static const char sql_v1[] = "SELECT seq, at, user_id, agency_id, action, case_id, section,"
				     " outcome, detail, prev_hash, hash, 0, 0, NULL"
				     " FROM audit ORDER BY seq";
	struct audit_visit v = { fn, arg };
	struct audit_entry e;
	sqlite3_stmt *st = sq_prep(sconn_of(c), "PRAGMA user_version", err);
	int version = 0;

	if (!st)
		return err->code;
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return scan_each(c, version < AUDIT_CHAIN_KEYED_SCHEMA ? sql_v1 : sql, &e, read_audit_any,
			 visit_audit, &v, err);
}

enum sh_code sqlite_audit_head(struct store_conn *c, int64_t *seq, char hash[65],
			       struct sh_error *err)
{
	static const char sql[] = "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st = sq_prep(sc, sql, err);
	bool row;
	enum sh_code rc;

	*seq = 0;
	snprintf(hash, 65, "%s", AUDIT_CHAIN_GENESIS);
	if (!st)
		return err->code;
	if ((rc = sq_step(sc, st, &row, err)) || !row)
		return rc;
	*seq = sqlite3_column_int64(st, 0);
	snprintf(hash, 65, "%s",
		 sqlite3_column_text(st, 1) ? (const char *)sqlite3_column_text(st, 1) : "");
	sqlite3_reset(st);
	return SH_OK;
}

/* ---- events in the chain ---- */

#define EVENT_CHAIN_COLS                                                                    \
	"e.id, e.case_id, e.type, e.section, e.at, e.recorded_at, e.user_id, e.agency_id,"  \
	" COALESCE(e.amends, 0), e.data, e.sealed,"                                         \
	" (SELECT seq FROM audit a WHERE a.ref_event = e.id ORDER BY seq DESC LIMIT 1),"    \
	" (SELECT ref_mac FROM audit a WHERE a.ref_event = e.id ORDER BY seq DESC LIMIT 1)" \
	" FROM events e"

static void read_event_chain(sqlite3_stmt *st, struct arena *a, struct event_chain_rec *r)
{
	struct event_rec *e = &r->ev;

	memset(r, 0, sizeof(*r));
	e->id = sqlite3_column_int64(st, 0);
	e->case_id = sq_col_text_checked(st, 1, a, &r->has_nul);
	e->type = sq_col_text_checked(st, 2, a, &r->has_nul);
	e->section = sq_col_text_checked(st, 3, a, &r->has_nul);
	e->at = sqlite3_column_int64(st, 4);
	e->recorded_at = sqlite3_column_int64(st, 5);
	e->user_id = sqlite3_column_int64(st, 6);
	e->agency_id = sqlite3_column_int64(st, 7);
	e->amends = sqlite3_column_int64(st, 8);
	e->data = sq_col_text(st, 9, a);
	r->data_len = (size_t)sqlite3_column_bytes(st, 9);
	e->sealed = sq_col_blob(st, 10, a, &e->sealed_len);
	r->anchor_seq = sqlite3_column_int64(st, 11);
	r->anchor_mac = sq_col_text(st, 12, a);
}

static void read_event_any(sqlite3_stmt *st, struct arena *a, void *rec)
{
	read_event_chain(st, a, rec);
}

struct event_visit {
	int (*fn)(const struct event_chain_rec *e, void *arg);
	void *arg;
};

static int visit_event(void *rec, void *ctx)
{
	struct event_visit *v = ctx;

	return v->fn(rec, v->arg);
}

enum sh_code sqlite_event_chain_scan(struct store_conn *c,
				     int (*fn)(const struct event_chain_rec *e, void *arg),
				     void *arg, struct sh_error *err)
{
	static const char sql[] = "SELECT " EVENT_CHAIN_COLS " ORDER BY e.id";
	struct event_visit v = { fn, arg };
	struct event_chain_rec r;

	return scan_each(c, sql, &r, read_event_any, visit_event, &v, err);
}

enum sh_code sqlite_audit_orphan_anchor(struct store_conn *c, int64_t *seq, int64_t *event_id,
					struct sh_error *err)
{
	static const char sql[] = "SELECT a.seq, a.ref_event FROM audit a"
				  " WHERE a.ref_event IS NOT NULL AND NOT EXISTS"
				  " (SELECT 1 FROM events e WHERE e.id = a.ref_event)"
				  " ORDER BY a.seq LIMIT 1";
	struct sconn *sc = sconn_of(c);
	int64_t v[2];
	enum sh_code rc = sq_ints(sc, sq_prep(sc, sql, err), v, 2, err);

	*seq = v[0];
	*event_id = v[1];
	return rc;
}

enum sh_code sq_audit_anchor(struct store_conn *c, const struct event_rec *ev, size_t data_len,
			     int64_t at, const char *detail, struct sh_error *err)
{
	struct audit_entry e = { 0 };
	char mac[65];

	if (need_key(c, err))
		return err->code;
	audit_chain_event_mac(sstore_of(c)->audit_key, ev, data_len, mac);
	e.at = at;
	e.user_id = ev->user_id;
	e.agency_id = ev->agency_id;
	e.action = AUDIT_ANCHOR_ACTION;
	e.outcome = "ok";
	e.detail = detail;
	e.ref_event = ev->id;
	e.ref_mac = mac;
	return sqlite_audit_append(c, &e, err);
}

enum sh_code sq_event_reanchor(struct store_conn *c, int64_t event_id, int64_t at,
			       const char *detail, struct sh_error *err)
{
	static const char sql[] = "SELECT " EVENT_CHAIN_COLS " WHERE e.id = ?1";
	struct arena a = ARENA_INIT;
	struct event_chain_rec r;
	enum sh_code rc = sq_row_id(sconn_of(c), sql, event_id, read_event_any, &a, &r, sizeof(r),
				    N_("no such event"), err);

	if (!rc)
		rc = sq_audit_anchor(c, &r.ev, r.data_len, at, detail, err);
	arena_release(&a);
	return rc;
}

/* ---- upgrading a database to the keyed chain (schema 8) ---- */

#define REKEY_BATCH 512

/*
 * Walks a table in batches of sz-byte records: sql selects the rows after ?1 (by key) up to
 * ?2 of them; read fills one record, key gives its key, apply handles it. The batch is
 * read completely before apply runs, so apply may change the table being walked.
 */
static enum sh_code
batched(struct sconn *w, const char *sql, size_t sz,
	void (*read)(sqlite3_stmt *st, struct arena *a, void *rec), int64_t (*key)(const void *rec),
	enum sh_code (*apply)(struct sconn *w, void *rec, void *arg, struct sh_error *err),
	void *arg, struct sh_error *err)
{
	int64_t after = 0;

	for (;;) {
		struct arena a = ARENA_INIT;
		void *rows = NULL;
		size_t n = 0, cap = 0;
		sqlite3_stmt *st =
			sq_bind(w, sql, SQ_VALS(sq_int(after), sq_int(REKEY_BATCH)), err);
		bool row;
		enum sh_code rc = SH_OK;

		if (!st)
			return err->code;
		while (!(rc = sq_step(w, st, &row, err)) && row) {
			void *rec = sq_push(&a, &rows, &n, &cap, sz);
			if (!rec) {
				sqlite3_reset(st);
				rc = sq_no_mem(err);
				break;
			}
			read(st, &a, rec);
		}
		for (size_t i = 0; !rc && i < n; i++) {
			void *rec = (char *)rows + i * sz;
			rc = apply(w, rec, arg, err);
			after = key(rec);
		}
		arena_release(&a);
		if (rc || n < REKEY_BATCH)
			return rc;
	}
}

struct rekey {
	int64_t rows, broken_at, events, now;
	const unsigned char *key;
	char prev_v1[65], prev[65];
};

static int64_t audit_key_of(const void *rec)
{
	return ((const struct audit_entry *)rec)->seq;
}

static enum sh_code rekey_row(struct sconn *w, void *rec, void *arg, struct sh_error *err)
{
	static const char upd[] = "UPDATE audit SET prev_hash = ?2, hash = ?3 WHERE seq = ?1";
	struct audit_entry *e = rec;
	struct rekey *k = arg;
	char v1[65];

	/* the old rule, to say in the note whether the old chain held */
	audit_chain_hash_v1(k->prev_v1, e, v1);
	if (!k->broken_at && (e->seq != k->rows + 1 || strcmp(e->prev_hash, k->prev_v1) ||
			      strcmp(v1, e->hash) || e->has_nul))
		k->broken_at = e->seq;
	memcpy(k->prev_v1, e->hash, 65);
	/* the new rule, chained to the re-keyed row before it */
	memcpy(e->prev_hash, k->prev, 65);
	audit_chain_mac(k->key, k->prev, e, e->hash);
	memcpy(k->prev, e->hash, 65);
	k->rows++;
	return sq_write(&w->base, upd, NULL, NULL,
			SQ_VALS(sq_int(e->seq), sq_text(e->prev_hash), sq_text(e->hash)), err);
}

static int64_t event_key_of(const void *rec)
{
	return ((const struct event_chain_rec *)rec)->ev.id;
}

static enum sh_code anchor_old_event(struct sconn *w, void *rec, void *arg, struct sh_error *err)
{
	struct event_chain_rec *r = rec;
	struct rekey *k = arg;

	k->events++;
	return sq_audit_anchor(&w->base, &r->ev, r->data_len, k->now,
			       "recorded before the chain was keyed", err);
}

enum sh_code sqlite_audit_rekey(struct sqlite_store *s, struct sh_error *err)
{
	static const char rows_sql[] = "SELECT " AUDIT_COLS " FROM audit WHERE seq > ?1"
				       " ORDER BY seq LIMIT ?2";
	static const char events_sql[] = "SELECT " EVENT_CHAIN_COLS " WHERE e.id > ?1"
					 " ORDER BY e.id LIMIT ?2";
	struct sconn *w = &s->writer;
	struct rekey k = { .now = (int64_t)time(NULL), .key = s->audit_key };
	struct audit_entry note = { 0 };
	char detail[200];
	enum sh_code rc;

	if (!s->has_audit_key) {
		/* nothing to re-key in a new database; an old one needs the key */
		sqlite3_stmt *st;
		int rows = 0;
		if (sqlite3_prepare_v2(w->db,
				       "SELECT (SELECT count(*) FROM audit) +"
				       " (SELECT count(*) FROM events)",
				       -1, &st, NULL) != SQLITE_OK)
			return sq_err(w, sqlite3_errcode(w->db), err);
		if (sqlite3_step(st) == SQLITE_ROW)
			rows = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
		if (!rows)
			return SH_OK;
		return sh_error_set(
			err, SH_EINTERNAL,
			"upgrading the audit chain needs the key file beside the database");
	}
	memcpy(k.prev_v1, AUDIT_CHAIN_GENESIS, 65);
	memcpy(k.prev, AUDIT_CHAIN_GENESIS, 65);
	if ((rc = batched(w, rows_sql, sizeof(struct audit_entry), read_audit_any, audit_key_of,
			  rekey_row, &k, err)) ||
	    (rc = batched(w, events_sql, sizeof(struct event_chain_rec), read_event_any,
			  event_key_of, anchor_old_event, &k, err)))
		return rc;
	if (!k.rows && !k.events)
		return SH_OK;
	if (k.broken_at)
		snprintf(detail, sizeof(detail),
			 "rows 1-%" PRId64
			 " re-chained with the keyed MAC at the upgrade to schema 8; "
			 "their unkeyed chain was already broken at row %" PRId64 "; %" PRId64
			 " events anchored",
			 k.rows, k.broken_at, k.events);
	else
		snprintf(detail, sizeof(detail),
			 "rows 1-%" PRId64
			 " re-chained with the keyed MAC at the upgrade to schema 8; "
			 "their unkeyed chain held; %" PRId64 " events anchored",
			 k.rows, k.events);
	note.at = k.now;
	note.action = "audit.rekey";
	note.outcome = k.broken_at ? "failed" : "ok";
	note.detail = detail;
	return sqlite_audit_append(&w->base, &note, err);
}
