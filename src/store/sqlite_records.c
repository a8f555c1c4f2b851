/* SQLite backend: the record operations of ops.def. */
#include "lib/common.h"
#include "store/audit_chain.h"
#include "store/sqlite_internal.h"

enum sh_code sqlite_setting_get(struct store_conn *c, const char *key, struct arena *a, char **out,
				struct sh_error *err)
{
	static const char sql[] = "SELECT value FROM settings WHERE key = ?1";
	sqlite3_stmt *st = sq_prep(sconn_of(c), sql, err);
	int rc;

	*out = NULL;
	if (!st)
		return err->code;
	sq_bind_text(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sq_col_text(st, 0, a);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_err(sconn_of(c), rc, err);
	return SH_OK;
}

enum sh_code sqlite_setting_set(struct store_conn *c, const char *key, const char *value,
				struct sh_error *err)
{
	static const char sql[] = "INSERT INTO settings(key, value) VALUES (?1, ?2) "
				  "ON CONFLICT(key) DO UPDATE SET value = excluded.value";
	sqlite3_stmt *st;

	if (sq_need_writer(c, err))
		return err->code;
	if (!(st = sq_prep(sconn_of(c), sql, err)))
		return err->code;
	sq_bind_text(st, 1, key);
	sq_bind_text(st, 2, value);
	return sq_exec_stmt(sconn_of(c), st, err);
}

enum sh_code sqlite_audit_append(struct store_conn *c, struct audit_entry *e, struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO audit(seq, at, user_id, agency_id, action, case_id, section, outcome,"
		" detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
	/* the tail is read inside the write transaction: other processes (the CLI) append too */
	static const char tail[] = "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st;
	bool row;
	enum sh_code rc;

	if (sq_need_writer(c, err))
		return err->code;
	if (!(st = sq_prep(sc, tail, err)))
		return err->code;
	if ((rc = sq_step(sc, st, &row, err)))
		return rc;
	e->seq = row ? sqlite3_column_int64(st, 0) + 1 : 1;
	snprintf(e->prev_hash, sizeof(e->prev_hash), "%s",
		 row ? (const char *)sqlite3_column_text(st, 1) : AUDIT_CHAIN_GENESIS);
	sqlite3_reset(st);
	if (!(st = sq_prep(sc, sql, err)))
		return err->code;
	audit_chain_hash(e->prev_hash, e, e->hash);
	sqlite3_bind_int64(st, 1, e->seq);
	sqlite3_bind_int64(st, 2, e->at);
	sqlite3_bind_int64(st, 3, e->user_id);
	sqlite3_bind_int64(st, 4, e->agency_id);
	sq_bind_text(st, 5, e->action);
	sq_bind_text(st, 6, e->case_id);
	sq_bind_text(st, 7, e->section);
	sq_bind_text(st, 8, e->outcome);
	sq_bind_text(st, 9, e->detail);
	sq_bind_text(st, 10, e->prev_hash);
	sq_bind_text(st, 11, e->hash);
	return sq_exec_stmt(sc, st, err);
}

enum sh_code sqlite_audit_scan(struct store_conn *c,
			       int (*fn)(const struct audit_entry *e, void *arg), void *arg,
			       struct sh_error *err)
{
	static const char sql[] = "SELECT seq, at, user_id, agency_id, action, case_id, section,"
				  " outcome, detail, prev_hash, hash FROM audit ORDER BY seq";
	sqlite3_stmt *st = sq_prep(sconn_of(c), sql, err);
	int rc;

	if (!st)
		return err->code;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct audit_entry e = { 0 };
		const char *ph = (const char *)sqlite3_column_text(st, 9);
		const char *h = (const char *)sqlite3_column_text(st, 10);

		e.seq = sqlite3_column_int64(st, 0);
		e.at = sqlite3_column_int64(st, 1);
		e.user_id = sqlite3_column_int64(st, 2);
		e.agency_id = sqlite3_column_int64(st, 3);
		e.action = (const char *)sqlite3_column_text(st, 4);
		e.case_id = (const char *)sqlite3_column_text(st, 5);
		e.section = (const char *)sqlite3_column_text(st, 6);
		e.outcome = (const char *)sqlite3_column_text(st, 7);
		e.detail = (const char *)sqlite3_column_text(st, 8);
		snprintf(e.prev_hash, sizeof(e.prev_hash), "%s", ph ? ph : "");
		snprintf(e.hash, sizeof(e.hash), "%s", h ? h : "");
		if (fn(&e, arg))
			break;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_err(sconn_of(c), rc, err);
	return SH_OK;
}
