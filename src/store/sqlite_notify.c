/*
 * SQLite backend: on-call rosters, contact channels, summonses, the notification
 * outbox and step alerts (ops.def, docs/notifications.md).
 *
 * Claiming (outbox_claim) is one conditional UPDATE: a row is taken only when it is
 * pending, due and not held by a live claim (claimed_until <= now), and the claim
 * (claimed_by, claimed_until) is written by the same statement. On PostgreSQL the
 * inner SELECT becomes "... ORDER BY next_attempt_at LIMIT n FOR UPDATE SKIP
 * LOCKED", so servers sharing a database never take the same row.
 */
#include "lib/common.h"
#include "store/sqlite_internal.h"
#include "store/notify_cols.h"

/* ---- rosters ---- */

SQ_MAPPER(read_roster, roster_cols)

enum sh_code sqlite_roster_list(struct store_conn *c, int64_t agency_id, const char *area,
				int64_t from, int64_t to, struct arena *a, struct roster_rec **out,
				size_t *n, struct sh_error *err)
{
	static const char sql[] =
		"SELECT " ROSTER_COLS
		" WHERE r.agency_id = ?1 AND r.removed_at = 0 AND r.ends_at > ?2"
		" AND (?3 = 0 OR r.starts_at < ?3) AND (?4 IS NULL OR r.area = ?4)"
		" ORDER BY r.starts_at, r.id";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st = sq_bind(
		sc, sql, SQ_VALS(sq_int(agency_id), sq_int(from), sq_int(to), sq_text(area)), err);

	return sq_rows(sc, st, read_roster, a, out, n, sizeof(**out), err);
}

/* ---- the outbox ---- */

SQ_MAPPER(read_outbox, outbox_cols)

enum sh_code sqlite_outbox_list(struct store_conn *c, const char *case_id, const char *status,
				int limit, struct arena *a, struct outbox_rec **out, size_t *n,
				struct sh_error *err)
{
	static const char by_case[] = "SELECT " OUTBOX_COLS " WHERE o.case_id = ?1"
				      " ORDER BY o.id DESC LIMIT ?2";
	static const char by_status[] =
		"SELECT " OUTBOX_COLS
		" WHERE (?1 IS NULL OR o.status = ?1) ORDER BY o.id DESC LIMIT ?2";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st =
		sq_bind(sc, case_id ? by_case : by_status,
			SQ_VALS(sq_text(case_id ? case_id : status), sq_int(limit)), err);

	return sq_rows(sc, st, read_outbox, a, out, n, sizeof(**out), err);
}

enum sh_code sqlite_outbox_next_due(struct store_conn *c, int64_t *at, struct sh_error *err)
{
	static const char sql[] = "SELECT min(max(next_attempt_at, claimed_until)) FROM outbox"
				  " WHERE status = 'pending'";
	struct sconn *sc = sconn_of(c);

	/* NULL (no row pending) reads as 0 */
	return sq_value(sc, sq_prep(sc, sql, err), at, err);
}

enum sh_code sqlite_outbox_claim(struct store_conn *c, const char *worker, int64_t now,
				 int64_t until, int limit, struct arena *a, struct outbox_rec **out,
				 size_t *n, struct sh_error *err)
{
	/* the claim: one conditional UPDATE (PostgreSQL: FOR UPDATE SKIP LOCKED inside) */
	static const char claim[] =
		"UPDATE outbox SET claimed_by = ?1, claimed_until = ?3 WHERE id IN ("
		" SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?2"
		" AND claimed_until <= ?2 ORDER BY next_attempt_at, id LIMIT ?4)"
		" AND status = 'pending' AND claimed_until <= ?2 RETURNING id";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st;
	int64_t ids[64];
	size_t nids = 0, cap = 0;
	bool row;
	enum sh_code rc;

	*out = NULL;
	*n = 0;
	if (limit > (int)ARRAY_SIZE(ids))
		limit = (int)ARRAY_SIZE(ids);
	if (sq_need_writer(c, err) ||
	    !(st = sq_bind(sc, claim,
			   SQ_VALS(sq_text(worker), sq_int(now), sq_int(until), sq_int(limit)),
			   err)))
		return err->code;
	while (!(rc = sq_step(sc, st, &row, err)) && row)
		if (nids < ARRAY_SIZE(ids))
			ids[nids++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc)
		return rc;
	for (size_t i = 0; i < nids; i++) {
		struct outbox_rec *r = sq_push(a, (void **)out, n, &cap, sizeof(**out));
		if (!r)
			return sq_no_mem(err);
		if ((rc = sql_outbox_get(c, ids[i], a, r, err)))
			return rc;
	}
	return SH_OK;
}

enum sh_code sqlite_outbox_finish(struct store_conn *c, const struct outbox_rec *r,
				  const char *worker, struct sh_error *err)
{
	static const char sql[] =
		"UPDATE outbox SET status = CASE WHEN status = 'cancelled' AND ?3 <> 'sent'"
		" THEN 'cancelled' ELSE ?3 END, attempts = ?4, next_attempt_at = ?5, sent_at = ?6,"
		" target = ?7, last_error = ?8, claimed_by = NULL, claimed_until = 0"
		" WHERE id = ?1 AND claimed_by = ?2";

	return sq_write(c, sql, NULL, NULL,
			SQ_VALS(sq_int(r->id), sq_text(worker), sq_text(r->status),
				sq_int(r->attempts), sq_int(r->next_attempt_at), sq_int(r->sent_at),
				sq_text(r->target ? r->target : ""), sq_text(r->last_error)),
			err);
}

enum sh_code sqlite_step_alert_mark(struct store_conn *c, const char *case_id, const char *step,
				    int episode, const char *kind, int64_t at, const char *outcome,
				    bool *inserted, struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO step_alerts(case_id, step, episode, kind, at, outcome)"
		" SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM case_steps k"
		" WHERE k.case_id = ?1 AND k.step = ?2 AND k.episode = ?3 AND k.state = 'pending')"
		" ON CONFLICT(case_id, step, episode, kind) DO NOTHING";
	struct sq_done done;
	enum sh_code rc = sq_write(c, sql, NULL, &done,
				   SQ_VALS(sq_text(case_id), sq_text(step), sq_int(episode),
					   sq_text(kind), sq_int(at), sq_text(outcome)),
				   err);

	*inserted = done.changes > 0;
	return rc;
}
