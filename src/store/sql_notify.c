/* Written once for every backend: rosters, contact channels, summonses, the outbox's rows
 * and the step alerts' candidates (store/query.h; docs/notifications.md). */
#include "lib/common.h"
#include "store/notify_cols.h"
#include "store/query.h"

#define STORE_BACKEND sql
#include "store/backend.h"

/* ---- rosters ---- */

#define SQ_REC struct roster_rec
static const struct sq_query roster_by_id =
	SQ_QUERY("SELECT " ROSTER_COLS " WHERE r.id = ?1", roster_cols);
static const struct sq_query roster_in_force = SQ_QUERY(
	"SELECT " ROSTER_COLS " WHERE r.agency_id = ?1 AND r.removed_at = 0 AND r.starts_at <= ?3"
	" AND r.ends_at > ?3 AND (r.area = ?2 OR r.area = '*')"
	" ORDER BY r.area = '*', r.starts_at DESC, r.id DESC LIMIT 1",
	roster_cols);
#undef SQ_REC

enum sh_code sql_roster_insert(struct store_conn *c, struct roster_rec *r, struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO roster(agency_id, area, starts_at, ends_at, user_id, fallback_id,"
		" supervisor_id, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
		" RETURNING id";

	return sql_insert(c, sql, &r->id,
			  SQ_VALS(sq_int(r->agency_id), sq_text(r->area), sq_int(r->starts_at),
				  sq_int(r->ends_at), sq_int(r->user_id), sq_id(r->fallback_id),
				  sq_int(r->supervisor_id), sq_int(r->created_at),
				  sq_int(r->created_by)),
			  err);
}

enum sh_code sql_roster_get(struct store_conn *c, int64_t id, struct arena *a,
			    struct roster_rec *out, struct sh_error *err)
{
	return sql_row(c, &roster_by_id, "no such roster entry", a, out, SQ_VALS(sq_int(id)), err);
}

enum sh_code sql_roster_at(struct store_conn *c, int64_t agency_id, const char *area, int64_t t,
			   struct arena *a, struct roster_rec *out, struct sh_error *err)
{
	return sql_row(c, &roster_in_force, NULL, a, out,
		       SQ_VALS(sq_int(agency_id), sq_text(area ? area : "*"), sq_int(t)), err);
}

enum sh_code sql_roster_remove(struct store_conn *c, int64_t id, int64_t at, struct sh_error *err)
{
	static const char sql[] =
		"UPDATE roster SET removed_at = ?2 WHERE id = ?1 AND removed_at = 0";

	return sql_write(c, sql, "no such roster entry", NULL, SQ_VALS(sq_int(id), sq_int(at)),
			 err);
}

/* ---- contact channels ---- */

#define SQ_REC struct channel_rec
static const struct sq_query channels_of_user =
	SQ_QUERY("SELECT user_id, webhook_url, webhook_secret, email, updated_at"
		 " FROM user_channels WHERE user_id = ?1",
		 channels_cols);
#undef SQ_REC

enum sh_code sql_channels_get(struct store_conn *c, int64_t user_id, struct arena *a,
			      struct channel_rec *out, struct sh_error *err)
{
	return sql_row(c, &channels_of_user, NULL, a, out, SQ_VALS(sq_int(user_id)), err);
}

enum sh_code sql_channels_set(struct store_conn *c, const struct channel_rec *r,
			      struct sh_error *err)
{
	static const char put[] =
		"INSERT INTO user_channels(user_id, webhook_url, webhook_secret, email, updated_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(user_id) DO UPDATE SET"
		" webhook_url = excluded.webhook_url, webhook_secret = excluded.webhook_secret,"
		" email = excluded.email, updated_at = excluded.updated_at";
	static const char del[] = "DELETE FROM user_channels WHERE user_id = ?1";

	if (!r->webhook_url && !r->email)
		return sql_write(c, del, NULL, NULL, SQ_VALS(sq_int(r->user_id)), err);
	return sql_write(
		c, put, NULL, NULL,
		SQ_VALS(sq_int(r->user_id), sq_text(r->webhook_url),
			sq_blob(r->webhook_url ? r->webhook_secret : NULL, r->webhook_secret_len),
			sq_text(r->email), sq_int(r->updated_at)),
		err);
}

/* ---- summonses ---- */

/* the step the summons is for is still pending (SQL) */
#define STEP_PENDING                                                                          \
	" EXISTS (SELECT 1 FROM case_steps k WHERE k.case_id = s.case_id AND k.step = s.step" \
	" AND k.episode = s.episode AND k.state = 'pending')"

#define SQ_REC struct summons_rec
static const struct sq_query summons_by_id =
	SQ_QUERY("SELECT " SUMMONS_COLS " WHERE s.id = ?1", summons_cols);
static const struct sq_query summonses_of_case =
	SQ_QUERY("SELECT " SUMMONS_COLS " WHERE s.case_id = ?1 ORDER BY s.id", summons_cols);
static const struct sq_query summonses_due =
	SQ_QUERY("SELECT " SUMMONS_COLS " WHERE s.acked_at = 0 AND s.stage_at <= ?1"
		 " AND s.role <> 'supervisor' AND c.closed_at = 0 AND" STEP_PENDING
		 " ORDER BY s.stage_at, s.id LIMIT ?2",
		 summons_cols);
static const struct sq_query summonses_open_for = SQ_QUERY(
	"SELECT " SUMMONS_COLS " WHERE s.agency_id = ?1 AND s.acked_at = 0 AND c.closed_at = 0"
	" AND EXISTS (SELECT 1 FROM case_agencies ca WHERE ca.case_id = s.case_id"
	" AND ca.agency_id = s.agency_id AND ca.left_at = 0) AND" STEP_PENDING
	" ORDER BY s.created_at, s.id LIMIT 500",
	summons_cols);
#undef SQ_REC

enum sh_code sql_summons_insert(struct store_conn *c, struct summons_rec *r, bool *inserted,
				struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO summons(case_id, agency_id, step, step_title, episode, due_at,"
		" roster_id, stage, role, created_at, stage_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
		" ON CONFLICT(case_id, agency_id, step, episode) DO NOTHING RETURNING id";
	enum sh_code rc =
		sql_insert(c, sql, &r->id,
			   SQ_VALS(sq_text(r->case_id), sq_int(r->agency_id), sq_text(r->step),
				   sq_text(r->step_title), sq_int(r->episode), sq_int(r->due_at),
				   sq_id(r->roster_id), sq_int(r->stage), sq_text(r->role),
				   sq_int(r->created_at), sq_int(r->stage_at)),
			   err);

	*inserted = r->id != 0;
	return rc;
}

enum sh_code sql_summons_get(struct store_conn *c, int64_t id, struct arena *a,
			     struct summons_rec *out, struct sh_error *err)
{
	return sql_row(c, &summons_by_id, "no such summons", a, out, SQ_VALS(sq_int(id)), err);
}

enum sh_code sql_summons_list(struct store_conn *c, const char *case_id, struct arena *a,
			      struct summons_rec **out, size_t *n, struct sh_error *err)
{
	return sql_rows(c, &summonses_of_case, a, out, n, SQ_VALS(sq_text(case_id)), err);
}

enum sh_code sql_summons_due(struct store_conn *c, int64_t before, int limit, struct arena *a,
			     struct summons_rec **out, size_t *n, struct sh_error *err)
{
	return sql_rows(c, &summonses_due, a, out, n, SQ_VALS(sq_int(before), sq_int(limit)), err);
}

enum sh_code sql_summons_open_for(struct store_conn *c, int64_t agency_id, struct arena *a,
				  struct summons_rec **out, size_t *n, struct sh_error *err)
{
	return sql_rows(c, &summonses_open_for, a, out, n, SQ_VALS(sq_int(agency_id)), err);
}

enum sh_code sql_summons_ack(struct store_conn *c, int64_t id, int64_t at, int64_t by,
			     const char *how, bool *changed, struct sh_error *err)
{
	static const char sql[] = "UPDATE summons SET acked_at = ?2, acked_by = ?3, ack_how = ?4"
				  " WHERE id = ?1 AND acked_at = 0";
	struct sq_done done;
	enum sh_code rc = sql_write(c, sql, NULL, &done,
				    SQ_VALS(sq_int(id), sq_int(at), sq_int(by), sq_text(how)), err);

	*changed = done.changes > 0;
	return rc;
}

enum sh_code sql_summons_advance(struct store_conn *c, int64_t id, int from, int stage,
				 const char *role, int64_t at, bool *changed, struct sh_error *err)
{
	static const char sql[] =
		"UPDATE summons SET stage = ?3, role = ?4, stage_at = ?5"
		" WHERE id = ?1 AND stage = ?2 AND acked_at = 0 AND EXISTS (SELECT 1 FROM case_steps k"
		" WHERE k.case_id = summons.case_id AND k.step = summons.step"
		" AND k.episode = summons.episode AND k.state = 'pending')";
	struct sq_done done;
	enum sh_code rc = sql_write(
		c, sql, NULL, &done,
		SQ_VALS(sq_int(id), sq_int(from), sq_int(stage), sq_text(role), sq_int(at)), err);

	*changed = done.changes > 0;
	return rc;
}

/* ---- the outbox ---- */

#define SQ_REC struct outbox_rec
static const struct sq_query outbox_by_id =
	SQ_QUERY("SELECT " OUTBOX_COLS " WHERE o.id = ?1", outbox_cols);
#undef SQ_REC

enum sh_code sql_outbox_insert(struct store_conn *c, struct outbox_rec *r, bool *inserted,
			       struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO outbox(kind, stage, role, case_id, step, episode, step_title, due_at,"
		" area, agency_id, summons_id, user_id, channel, target, created_at, next_attempt_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
		" ON CONFLICT(case_id, step, episode, kind, stage, user_id, channel) DO NOTHING"
		" RETURNING id";
	enum sh_code rc = sql_insert(
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

enum sh_code sql_outbox_get(struct store_conn *c, int64_t id, struct arena *a,
			    struct outbox_rec *out, struct sh_error *err)
{
	return sql_row(c, &outbox_by_id, "no such notification", a, out, SQ_VALS(sq_int(id)), err);
}

enum sh_code sql_outbox_ack(struct store_conn *c, int64_t id, int64_t at, int64_t by,
			    struct sh_error *err)
{
	static const char sql[] = "UPDATE outbox SET acked_at = ?2, acked_by = ?3"
				  " WHERE id = ?1 AND acked_at = 0";

	return sql_write(c, sql, NULL, NULL, SQ_VALS(sq_int(id), sq_int(at), sq_int(by)), err);
}

enum sh_code sql_outbox_cancel(struct store_conn *c, int64_t summons_id, struct sh_error *err)
{
	static const char sql[] = "UPDATE outbox SET status = 'cancelled'"
				  " WHERE summons_id = ?1 AND status = 'pending'";

	return sql_write(c, sql, NULL, NULL, SQ_VALS(sq_int(summons_id)), err);
}

enum sh_code sql_outbox_release(struct store_conn *c, const char *worker, struct sh_error *err)
{
	static const char sql[] = "UPDATE outbox SET claimed_by = NULL, claimed_until = 0"
				  " WHERE claimed_by = ?1";

	return sql_write(c, sql, NULL, NULL, SQ_VALS(sq_text(worker)), err);
}

/* ---- step alerts ---- */

#define SQ_REC struct step_alert_rec
/* a prefilter: core/escalation.c decides; the 75% moment in integer seconds */
static const struct sq_query step_alert_candidates = SQ_QUERY(
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
	"  THEN k.opened_at + (k.due_at - k.opened_at) * ?2 / 100 ELSE k.due_at END) <= ?1"
	" AND NOT EXISTS (SELECT 1 FROM step_alerts x WHERE x.case_id = k.case_id"
	"  AND x.step = k.step AND x.episode = k.episode"
	"  AND x.kind = CASE WHEN k.due_at < ?1 THEN 'overdue' ELSE 'due_soon' END)"
	" ORDER BY k.due_at LIMIT ?3",
	step_alert_candidates_cols);
#undef SQ_REC

enum sh_code sql_step_alert_candidates(struct store_conn *c, int64_t now, int percent, int limit,
				       struct arena *a, struct step_alert_rec **out, size_t *n,
				       struct sh_error *err)
{
	return sql_rows(c, &step_alert_candidates, a, out, n,
			SQ_VALS(sq_int(now), sq_int(percent), sq_int(limit)), err);
}
