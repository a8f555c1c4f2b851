/*
 * PostgreSQL backend: on-call rosters, contact channels, summonses, the notification
 * outbox and step alerts (ops.def, docs/notifications.md), as sqlite_notify.c. Claiming
 * (outbox_claim) locks the rows it picks with FOR UPDATE SKIP LOCKED, so servers sharing
 * a database never take the same row.
 */
#include "lib/common.h"
#include "store/pg_internal.h"

/* ---- rosters ---- */

/* Can user u be paged: enabled, with an e-mail address or a webhook (SQL). */
#define PAGEABLE(u)                                                                            \
	"(" u ".disabled = 0 AND EXISTS (SELECT 1 FROM user_channels ch WHERE ch.user_id = " u \
	".id AND (ch.webhook_url IS NOT NULL OR ch.email IS NOT NULL)))"

#define ROSTER_COLS                                                                         \
	"r.id, r.agency_id, r.area, r.starts_at, r.ends_at, r.user_id, r.fallback_id,"      \
	" r.supervisor_id, r.created_at, r.created_by, r.removed_at, u.display_name,"       \
	" f.display_name, s.display_name, " PAGEABLE("u") ", " PAGEABLE("f") ", " PAGEABLE( \
		"s") " FROM roster r JOIN users u ON u.id = r.user_id"                      \
		     " LEFT JOIN users f ON f.id = r.fallback_id JOIN users s ON s.id = r.supervisor_id"

#define SQ_REC struct roster_rec
static const struct sq_col roster_cols[] = { SQ_C(id),
					     SQ_C(agency_id),
					     SQ_C(area),
					     SQ_C(starts_at),
					     SQ_C(ends_at),
					     SQ_C(user_id),
					     SQ_C(fallback_id),
					     SQ_C(supervisor_id),
					     SQ_C(created_at),
					     SQ_C(created_by),
					     SQ_C(removed_at),
					     SQ_C(user_name),
					     SQ_C(fallback_name),
					     SQ_C(supervisor_name),
					     SQ_C(user_pageable),
					     SQ_C(fallback_pageable),
					     SQ_C(supervisor_pageable) };
#undef SQ_REC

PG_MAPPER(read_roster, roster_cols)

enum sh_code pg_roster_insert(struct store_conn *c, struct roster_rec *r, struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO roster(agency_id, area, starts_at, ends_at, user_id, fallback_id,"
		" supervisor_id, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
		" RETURNING id";
	enum sh_code rc = pg_insert(
		c, sql, &r->id,
		SQ_VALS(sq_int(r->agency_id), sq_text(r->area), sq_int(r->starts_at),
			sq_int(r->ends_at), sq_int(r->user_id), sq_id(r->fallback_id),
			sq_int(r->supervisor_id), sq_int(r->created_at), sq_int(r->created_by)),
		err);

	return rc;
}

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

enum sh_code pg_roster_get(struct store_conn *c, int64_t id, struct arena *a,
			   struct roster_rec *out, struct sh_error *err)
{
	static const char sql[] = "SELECT " ROSTER_COLS " WHERE r.id = $1";
	return pg_row(pg_exec(pconn_of(c), sql, SQ_VALS(sq_int(id)), err), read_roster, a, out,
		      sizeof(*out), "no such roster entry", err);
}

enum sh_code pg_roster_remove(struct store_conn *c, int64_t id, int64_t at, struct sh_error *err)
{
	static const char sql[] =
		"UPDATE roster SET removed_at = $2 WHERE id = $1 AND removed_at = 0";
	return pg_write(c, sql, "no such roster entry", NULL, SQ_VALS(sq_int(id), sq_int(at)), err);
}

enum sh_code pg_roster_at(struct store_conn *c, int64_t agency_id, const char *area, int64_t t,
			  struct arena *a, struct roster_rec *out, struct sh_error *err)
{
	static const char sql[] =
		"SELECT " ROSTER_COLS
		" WHERE r.agency_id = $1 AND r.removed_at = 0 AND r.starts_at <= $3"
		" AND r.ends_at > $3 AND (r.area = $2 OR r.area = '*')"
		" ORDER BY r.area = '*', r.starts_at DESC, r.id DESC LIMIT 1";
	struct pconn *pc = pconn_of(c);
	PGresult *st = pg_exec(
		pc, sql, SQ_VALS(sq_int(agency_id), sq_text(area ? area : "*"), sq_int(t)), err);

	return pg_row(st, read_roster, a, out, sizeof(*out), NULL, err);
}

/* ---- contact channels ---- */

#define SQ_REC struct channel_rec
static const struct sq_col channels_cols[] = { SQ_C(user_id), SQ_C(webhook_url),
					       SQ_B(webhook_secret, webhook_secret_len),
					       SQ_C(email), SQ_C(updated_at) };
#undef SQ_REC

PG_MAPPER(read_channels, channels_cols)

enum sh_code pg_channels_get(struct store_conn *c, int64_t user_id, struct arena *a,
			     struct channel_rec *out, struct sh_error *err)
{
	static const char sql[] = "SELECT user_id, webhook_url, webhook_secret, email, updated_at"
				  " FROM user_channels WHERE user_id = $1";

	return pg_row(pg_exec(pconn_of(c), sql, SQ_VALS(sq_int(user_id)), err), read_channels, a,
		      out, sizeof(*out), NULL, err);
}

enum sh_code pg_channels_set(struct store_conn *c, const struct channel_rec *r,
			     struct sh_error *err)
{
	static const char put[] =
		"INSERT INTO user_channels(user_id, webhook_url, webhook_secret, email, updated_at)"
		" VALUES ($1, $2, $3, $4, $5) ON CONFLICT(user_id) DO UPDATE SET"
		" webhook_url = excluded.webhook_url, webhook_secret = excluded.webhook_secret,"
		" email = excluded.email, updated_at = excluded.updated_at";
	static const char del[] = "DELETE FROM user_channels WHERE user_id = $1";

	if (!r->webhook_url && !r->email)
		return pg_write(c, del, NULL, NULL, SQ_VALS(sq_int(r->user_id)), err);
	return pg_write(
		c, put, NULL, NULL,
		SQ_VALS(sq_int(r->user_id), sq_text(r->webhook_url),
			sq_blob(r->webhook_url ? r->webhook_secret : NULL, r->webhook_secret_len),
			sq_text(r->email), sq_int(r->updated_at)),
		err);
}

/* ---- summonses ---- */

#define SUMMONS_COLS                                                                             \
	"s.id, s.case_id, s.agency_id, s.step, s.step_title, s.episode, s.due_at,"               \
	" s.roster_id, s.stage, s.role, s.created_at, s.stage_at, s.acked_at, s.acked_by,"       \
	" s.ack_how, c.area, g.name, g.kind, u.display_name,"                                    \
	" EXISTS (SELECT 1 FROM outbox o WHERE o.summons_id = s.id"                              \
	"  AND o.status IN ('pending', 'sent'))"                                                 \
	" FROM summons s JOIN cases c ON c.id = s.case_id JOIN agencies g ON g.id = s.agency_id" \
	" LEFT JOIN users u ON u.id = s.acked_by"

#define SQ_REC struct summons_rec
static const struct sq_col summons_cols[] = {
	SQ_C(id),	   SQ_C(case_id),     SQ_C(agency_id),	   SQ_C(step),
	SQ_C(step_title),  SQ_C(episode),     SQ_C(due_at),	   SQ_C(roster_id),
	SQ_C(stage),	   SQ_C(role),	      SQ_C(created_at),	   SQ_C(stage_at),
	SQ_C(acked_at),	   SQ_C(acked_by),    SQ_C(ack_how),	   SQ_C(area),
	SQ_C(agency_name), SQ_C(agency_kind), SQ_C(acked_by_name), SQ_C(reached)
};
#undef SQ_REC

PG_MAPPER(read_summons, summons_cols)

enum sh_code pg_summons_insert(struct store_conn *c, struct summons_rec *r, bool *inserted,
			       struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO summons(case_id, agency_id, step, step_title, episode, due_at,"
		" roster_id, stage, role, created_at, stage_at)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
		" ON CONFLICT(case_id, agency_id, step, episode) DO NOTHING RETURNING id";
	enum sh_code rc =
		pg_insert(c, sql, &r->id,
			  SQ_VALS(sq_text(r->case_id), sq_int(r->agency_id), sq_text(r->step),
				  sq_text(r->step_title), sq_int(r->episode), sq_int(r->due_at),
				  sq_id(r->roster_id), sq_int(r->stage), sq_text(r->role),
				  sq_int(r->created_at), sq_int(r->stage_at)),
			  err);

	*inserted = r->id != 0;
	return rc;
}

enum sh_code pg_summons_list(struct store_conn *c, const char *case_id, struct arena *a,
			     struct summons_rec **out, size_t *n, struct sh_error *err)
{
	static const char sql[] = "SELECT " SUMMONS_COLS " WHERE s.case_id = $1 ORDER BY s.id";
	return pg_rows(pg_exec(pconn_of(c), sql, SQ_VALS(sq_text(case_id)), err), read_summons, a,
		       out, n, sizeof(**out), err);
}

enum sh_code pg_summons_open_for(struct store_conn *c, int64_t agency_id, struct arena *a,
				 struct summons_rec **out, size_t *n, struct sh_error *err)
{
	static const char sql[] =
		"SELECT " SUMMONS_COLS
		" WHERE s.agency_id = $1 AND s.acked_at = 0 AND c.closed_at = 0"
		" AND EXISTS (SELECT 1 FROM case_agencies ca WHERE ca.case_id = s.case_id"
		" AND ca.agency_id = s.agency_id AND ca.left_at = 0)"
		" AND EXISTS (SELECT 1 FROM case_steps k WHERE k.case_id = s.case_id"
		" AND k.step = s.step AND k.episode = s.episode AND k.state = 'pending')"
		" ORDER BY s.created_at, s.id LIMIT 500";
	return pg_rows(pg_exec(pconn_of(c), sql, SQ_VALS(sq_int(agency_id)), err), read_summons, a,
		       out, n, sizeof(**out), err);
}

enum sh_code pg_summons_get(struct store_conn *c, int64_t id, struct arena *a,
			    struct summons_rec *out, struct sh_error *err)
{
	static const char sql[] = "SELECT " SUMMONS_COLS " WHERE s.id = $1";
	return pg_row(pg_exec(pconn_of(c), sql, SQ_VALS(sq_int(id)), err), read_summons, a, out,
		      sizeof(*out), "no such summons", err);
}

enum sh_code pg_summons_due(struct store_conn *c, int64_t before, int limit, struct arena *a,
			    struct summons_rec **out, size_t *n, struct sh_error *err)
{
	static const char sql[] =
		"SELECT " SUMMONS_COLS " WHERE s.acked_at = 0 AND s.stage_at <= $1"
		" AND s.role <> 'supervisor' AND c.closed_at = 0 AND EXISTS (SELECT 1 FROM case_steps k"
		" WHERE k.case_id = s.case_id AND k.step = s.step AND k.episode = s.episode"
		" AND k.state = 'pending') ORDER BY s.stage_at, s.id LIMIT $2";
	struct pconn *pc = pconn_of(c);
	PGresult *st = pg_exec(pc, sql, SQ_VALS(sq_int(before), sq_int(limit)), err);

	return pg_rows(st, read_summons, a, out, n, sizeof(**out), err);
}

enum sh_code pg_summons_advance(struct store_conn *c, int64_t id, int from, int stage,
				const char *role, int64_t at, bool *changed, struct sh_error *err)
{
	static const char sql[] =
		"UPDATE summons SET stage = $3, role = $4, stage_at = $5"
		" WHERE id = $1 AND stage = $2 AND acked_at = 0 AND EXISTS (SELECT 1 FROM case_steps k"
		" WHERE k.case_id = summons.case_id AND k.step = summons.step"
		" AND k.episode = summons.episode AND k.state = 'pending')";
	int64_t changes;
	enum sh_code rc = pg_write(
		c, sql, NULL, &changes,
		SQ_VALS(sq_int(id), sq_int(from), sq_int(stage), sq_text(role), sq_int(at)), err);

	*changed = changes > 0;
	return rc;
}

enum sh_code pg_summons_ack(struct store_conn *c, int64_t id, int64_t at, int64_t by,
			    const char *how, bool *changed, struct sh_error *err)
{
	static const char sql[] = "UPDATE summons SET acked_at = $2, acked_by = $3, ack_how = $4"
				  " WHERE id = $1 AND acked_at = 0";
	int64_t changes;
	enum sh_code rc = pg_write(c, sql, NULL, &changes,
				   SQ_VALS(sq_int(id), sq_int(at), sq_int(by), sq_text(how)), err);

	*changed = changes > 0;
	return rc;
}

/* ---- the outbox ---- */

#define OUTBOX_COLS                                                                             \
	"o.id, o.kind, o.stage, o.role, o.case_id, o.step, o.episode, o.step_title, o.due_at,"  \
	" o.area, o.agency_id, o.summons_id, o.user_id, o.channel, o.target, o.status,"         \
	" o.attempts, o.created_at, o.next_attempt_at, o.claimed_by, o.claimed_until,"          \
	" o.sent_at, o.acked_at, o.acked_by, o.last_error, u.username, u.display_name,"         \
	" g.name, ch.webhook_url, ch.email, ch.webhook_secret"                                  \
	" FROM outbox o JOIN users u ON u.id = o.user_id JOIN agencies g ON g.id = o.agency_id" \
	" LEFT JOIN user_channels ch ON ch.user_id = o.user_id"

#define SQ_REC struct outbox_rec
static const struct sq_col outbox_cols[] = { SQ_C(id),
					     SQ_C(kind),
					     SQ_C(stage),
					     SQ_C(role),
					     SQ_C(case_id),
					     SQ_C(step),
					     SQ_C(episode),
					     SQ_C(step_title),
					     SQ_C(due_at),
					     SQ_C(area),
					     SQ_C(agency_id),
					     SQ_C(summons_id),
					     SQ_C(user_id),
					     SQ_C(channel),
					     SQ_C(target),
					     SQ_C(status),
					     SQ_C(attempts),
					     SQ_C(created_at),
					     SQ_C(next_attempt_at),
					     SQ_C(claimed_by),
					     SQ_C(claimed_until),
					     SQ_C(sent_at),
					     SQ_C(acked_at),
					     SQ_C(acked_by),
					     SQ_C(last_error),
					     SQ_C(username),
					     SQ_C(display_name),
					     SQ_C(agency_name),
					     SQ_C(webhook_url),
					     SQ_C(email),
					     SQ_B(webhook_secret, webhook_secret_len) };
#undef SQ_REC

PG_MAPPER(read_outbox, outbox_cols)

enum sh_code pg_outbox_insert(struct store_conn *c, struct outbox_rec *r, bool *inserted,
			      struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO outbox(kind, stage, role, case_id, step, episode, step_title, due_at,"
		" area, agency_id, summons_id, user_id, channel, target, created_at, next_attempt_at)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
		" ON CONFLICT(case_id, step, episode, kind, stage, user_id, channel) DO NOTHING"
		" RETURNING id";
	enum sh_code rc = pg_insert(
		c, sql, &r->id,
		SQ_VALS(sq_text(r->kind), sq_int(r->stage), sq_text(r->role), sq_text(r->case_id),
			sq_text(r->step), sq_int(r->episode), sq_text(r->step_title),
			sq_int(r->due_at), sq_text(r->area), sq_int(r->agency_id),
			sq_id(r->summons_id), sq_int(r->user_id), sq_text(r->channel),
			sq_text(r->target), sq_int(r->created_at), sq_int(r->next_attempt_at)),
		err);

	*inserted = r->id != 0;
	return rc;
}

enum sh_code pg_outbox_get(struct store_conn *c, int64_t id, struct arena *a,
			   struct outbox_rec *out, struct sh_error *err)
{
	static const char sql[] = "SELECT " OUTBOX_COLS " WHERE o.id = $1";
	return pg_row(pg_exec(pconn_of(c), sql, SQ_VALS(sq_int(id)), err), read_outbox, a, out,
		      sizeof(*out), "no such notification", err);
}

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
		if (!(rc = pg_outbox_get(c, pg_col_int(res, i, 0), a, &(*out)[i], err)))
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

enum sh_code pg_outbox_release(struct store_conn *c, const char *worker, struct sh_error *err)
{
	static const char sql[] = "UPDATE outbox SET claimed_by = NULL, claimed_until = 0"
				  " WHERE claimed_by = $1";

	return pg_write(c, sql, NULL, NULL, SQ_VALS(sq_text(worker)), err);
}

enum sh_code pg_outbox_cancel(struct store_conn *c, int64_t summons_id, struct sh_error *err)
{
	static const char sql[] = "UPDATE outbox SET status = 'cancelled'"
				  " WHERE summons_id = $1 AND status = 'pending'";

	return pg_write(c, sql, NULL, NULL, SQ_VALS(sq_int(summons_id)), err);
}

enum sh_code pg_outbox_ack(struct store_conn *c, int64_t id, int64_t at, int64_t by,
			   struct sh_error *err)
{
	static const char sql[] = "UPDATE outbox SET acked_at = $2, acked_by = $3"
				  " WHERE id = $1 AND acked_at = 0";

	return pg_write(c, sql, NULL, NULL, SQ_VALS(sq_int(id), sq_int(at), sq_int(by)), err);
}

/* ---- step alerts ---- */

#define SQ_REC struct step_alert_rec
static const struct sq_col step_alert_candidates_cols[] = {
	SQ_C(case_id),	     SQ_C(area),
	SQ_C(protocol_id),   SQ_C(step),
	SQ_C(episode),	     SQ_C(owner),
	SQ_C(agency_id),     SQ_C(opened_at),
	SQ_C(due_at),	     SQ_C(due_soon_marked),
	SQ_C(overdue_marked)
};
#undef SQ_REC

PG_MAPPER(map_step_alert_candidates, step_alert_candidates_cols)

enum sh_code pg_step_alert_candidates(struct store_conn *c, int64_t now, int percent, int limit,
				      struct arena *a, struct step_alert_rec **out, size_t *n,
				      struct sh_error *err)
{
	/* a prefilter: core/escalation.c decides; the 75% moment in integer seconds */
	static const char sql[] =
		"SELECT k.case_id, c.area, c.protocol_id, k.step, k.episode, k.owner,"
		" (SELECT ca.agency_id FROM case_agencies ca JOIN agencies g ON g.id = ca.agency_id"
		"  WHERE ca.case_id = k.case_id AND ca.left_at = 0 AND g.kind = k.owner"
		"  ORDER BY ca.joined_at LIMIT 1),"
		" k.opened_at, k.due_at,"
		" EXISTS (SELECT 1 FROM step_alerts x WHERE x.case_id = k.case_id AND x.step = k.step"
		"  AND x.episode = k.episode AND x.kind = 'due_soon'),"
		" EXISTS (SELECT 1 FROM step_alerts x WHERE x.case_id = k.case_id AND x.step = k.step"
		"  AND x.episode = k.episode AND x.kind = 'overdue')"
		" FROM case_steps k JOIN cases c ON c.id = k.case_id"
		" WHERE k.state = 'pending' AND k.due_at > 0 AND k.owner IS NOT NULL AND c.closed_at = 0"
		" AND (CASE WHEN k.opened_at > 0 AND k.due_at > k.opened_at"
		"  THEN k.opened_at + (k.due_at - k.opened_at) * $2 / 100 ELSE k.due_at END) <= $1"
		" AND NOT EXISTS (SELECT 1 FROM step_alerts x WHERE x.case_id = k.case_id"
		"  AND x.step = k.step AND x.episode = k.episode"
		"  AND x.kind = CASE WHEN k.due_at < $1 THEN 'overdue' ELSE 'due_soon' END)"
		" ORDER BY k.due_at LIMIT $3";
	struct pconn *pc = pconn_of(c);
	PGresult *st = pg_exec(pc, sql, SQ_VALS(sq_int(now), sq_int(percent), sq_int(limit)), err);

	return pg_rows(st, map_step_alert_candidates, a, out, n, sizeof(**out), err);
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
