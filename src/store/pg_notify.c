/*
 * PostgreSQL backend: on-call rosters, contact channels, summonses, the notification
 * outbox and step alerts (ops.def, docs/notifications.md), as sqlite_notify.c. Claiming
 * (outbox_claim) locks the rows it picks with FOR UPDATE SKIP LOCKED, so servers sharing
 * a database never take the same row.
 */
#include "lib/common.h"
#include "store/pg_internal.h"
#include "store/notify_cols.h"

/* ---- rosters ---- */

PG_MAPPER(read_roster, roster_cols)

enum sh_code pg_roster_list(struct store_conn *c, int64_t agency_id, const char *area, int64_t from,
			    int64_t to, struct arena *a, struct roster_rec **out, size_t *n,
			    struct sh_error *err)
{
	static const char sql[] =
		"SELECT " ROSTER_COLS
		" WHERE r.agency_id = $1 AND r.removed_at = 0 AND r.ends_at > $2"
		" AND ($3::bigint = 0 OR r.starts_at < $3) AND ($4::text IS NULL OR r.area = $4)"
		" ORDER BY r.starts_at, r.id";
	struct pconn *pc = pconn_of(c);
	PGresult *st = pg_exec(
		pc, sql, SQ_VALS(sq_int(agency_id), sq_int(from), sq_int(to), sq_text(area)), err);

	return pg_rows(st, read_roster, a, out, n, sizeof(**out), err);
}

/* ---- the outbox ---- */

PG_MAPPER(read_outbox, outbox_cols)

enum sh_code pg_outbox_list(struct store_conn *c, const char *case_id, const char *status,
			    int limit, struct arena *a, struct outbox_rec **out, size_t *n,
			    struct sh_error *err)
{
	static const char by_case[] = "SELECT " OUTBOX_COLS " WHERE o.case_id = $1"
				      " ORDER BY o.id DESC LIMIT $2";
	static const char by_status[] =
		"SELECT " OUTBOX_COLS
		" WHERE ($1::text IS NULL OR o.status = $1) ORDER BY o.id DESC LIMIT $2";
	struct pconn *pc = pconn_of(c);
	PGresult *st = pg_exec(pc, case_id ? by_case : by_status,
			       SQ_VALS(sq_text(case_id ? case_id : status), sq_int(limit)), err);

	return pg_rows(st, read_outbox, a, out, n, sizeof(**out), err);
}

enum sh_code pg_outbox_next_due(struct store_conn *c, int64_t *at, struct sh_error *err)
{
	static const char sql[] = "SELECT min(greatest(next_attempt_at, claimed_until)) FROM outbox"
				  " WHERE status = 'pending'";
	struct pconn *pc = pconn_of(c);

	/* NULL (no row pending) reads as 0 */
	return pg_value(pg_exec(pc, sql, PG_NONE, err), at, err);
}

/* Servers sharing the database never take the same row: the rows are locked as they are
 * picked, and a row another transaction holds is skipped, not waited for. */
enum sh_code pg_outbox_claim(struct store_conn *c, const char *worker, int64_t now, int64_t until,
			     int limit, struct arena *a, struct outbox_rec **out, size_t *n,
			     struct sh_error *err)
{
	static const char claim[] =
		"UPDATE outbox SET claimed_by = $1, claimed_until = $3 WHERE id IN ("
		" SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $2"
		" AND claimed_until <= $2 ORDER BY next_attempt_at, id LIMIT $4"
		" FOR UPDATE SKIP LOCKED) RETURNING id";
	PGresult *res;
	int rows;
	enum sh_code rc = SH_OK;

	*out = NULL;
	*n = 0;
	if (limit > 64)
		limit = 64;
	if (pg_need_writer(c, err) ||
	    !(res = pg_exec(pconn_of(c), claim,
			    SQ_VALS(sq_text(worker), sq_int(now), sq_int(until), sq_int(limit)),
			    err)))
		return err->code;
	rows = PQntuples(res);
	if (rows && !(*out = arena_alloc(a, (size_t)rows * sizeof(**out))))
		rc = sh_error_set(err, SH_ENOMEM, "out of memory");
	for (int i = 0; !rc && i < rows; i++) {
		if (!(rc = sql_outbox_get(c, pg_col_int(res, i, 0), a, &(*out)[i], err)))
			(*n)++;
	}
	PQclear(res);
	return rc;
}

enum sh_code pg_outbox_finish(struct store_conn *c, const struct outbox_rec *r, const char *worker,
			      struct sh_error *err)
{
	static const char sql[] =
		"UPDATE outbox SET status = CASE WHEN status = 'cancelled' AND $3::text <> 'sent'"
		" THEN 'cancelled' ELSE $3 END, attempts = $4, next_attempt_at = $5, sent_at = $6,"
		" target = $7, last_error = $8, claimed_by = NULL, claimed_until = 0"
		" WHERE id = $1 AND claimed_by = $2";

	return pg_write(c, sql, NULL, NULL,
			SQ_VALS(sq_int(r->id), sq_text(worker), sq_text(r->status),
				sq_int(r->attempts), sq_int(r->next_attempt_at), sq_int(r->sent_at),
				sq_text(r->target ? r->target : ""), sq_text(r->last_error)),
			err);
}

enum sh_code pg_step_alert_mark(struct store_conn *c, const char *case_id, const char *step,
				int episode, const char *kind, int64_t at, const char *outcome,
				bool *inserted, struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO step_alerts(case_id, step, episode, kind, at, outcome)"
		" SELECT $1::text, $2::text, $3::bigint, $4::text, $5::bigint, $6::text WHERE EXISTS (SELECT 1 FROM case_steps k"
		" WHERE k.case_id = $1 AND k.step = $2 AND k.episode = $3 AND k.state = 'pending')"
		" ON CONFLICT(case_id, step, episode, kind) DO NOTHING";
	int64_t changes;
	enum sh_code rc = pg_write(c, sql, NULL, &changes,
				   SQ_VALS(sq_text(case_id), sq_text(step), sq_int(episode),
					   sq_text(kind), sq_int(at), sq_text(outcome)),
				   err);

	*inserted = changes > 0;
	return rc;
}
