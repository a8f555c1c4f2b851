/* SQLite backend: the counts /metrics shows (counts only; no ids, no names). */
#include "lib/common.h"
#include "store/sqlite_internal.h"

static enum sh_code count(struct sconn *sc, const char *sql, int64_t now, int64_t *out,
			  struct sh_error *err)
{
	return sq_value(sc, sq_bind(sc, sql, SQ_VALS(sq_int(now)), err), out, err);
}

enum sh_code sqlite_gauges(struct store_conn *c, int64_t now, struct arena *a,
			   struct store_gauges *out, struct sh_error *err)
{
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st;
	bool row;
	enum sh_code rc;

	memset(out, 0, sizeof(*out));
	if ((rc = count(sc, "SELECT count(*) FROM outbox WHERE status = 'pending' AND ?1 >= 0", now,
			&out->outbox_pending, err)) ||
	    (rc = count(sc, "SELECT count(*) FROM outbox WHERE status = 'failed' AND ?1 >= 0", now,
			&out->outbox_failed, err)) ||
	    (rc = count(sc,
			"SELECT count(*) FROM summons s JOIN cases c ON c.id = s.case_id"
			" WHERE s.acked_at = 0 AND c.closed_at = 0 AND ?1 >= 0",
			now, &out->summons_unacked, err)) ||
	    (rc = count(sc, "SELECT coalesce(max(seq), 0) FROM audit WHERE ?1 >= 0", now,
			&out->audit_rows, err)))
		return rc;
	/* a step with two owners is owed by both kinds */
	st = sq_bind(sc,
		     "SELECT k, count(*) FROM ("
		     " SELECT s.owner AS k FROM case_steps s JOIN cases c ON c.id = s.case_id"
		     "  WHERE s.state = 'pending' AND s.due_at > 0 AND s.due_at < ?1"
		     "  AND c.closed_at = 0 AND s.owner IS NOT NULL"
		     " UNION ALL"
		     " SELECT s.also_owner FROM case_steps s JOIN cases c ON c.id = s.case_id"
		     "  WHERE s.state = 'pending' AND s.due_at > 0 AND s.due_at < ?1"
		     "  AND c.closed_at = 0 AND s.also_owner IS NOT NULL"
		     ") GROUP BY k ORDER BY k",
		     SQ_VALS(sq_int(now)), err);
	if (!st)
		return err->code;
	while (!(rc = sq_step(sc, st, &row, err)) && row) {
		if (out->nkinds == GAUGES_MAX_KINDS)
			continue;
		out->overdue[out->nkinds].kind = sq_col_text(st, 0, a);
		out->overdue[out->nkinds].overdue = sqlite3_column_int64(st, 1);
		if (!out->overdue[out->nkinds].kind)
			return sq_no_mem(err);
		out->nkinds++;
	}
	sqlite3_reset(st);
	return rc;
}
