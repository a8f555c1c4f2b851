/* PostgreSQL backend: youth, cases, participation, the timeline, derived steps and a case's
 * audit rows (the operations written so far: pg_internal.h). */
#include "lib/common.h"
#include "lib/catalog.h"
#include "store/pg_internal.h"

#define CASE_COLS                                                                                  \
	"c.id, c.youth_id, c.recovery_no, c.identified_at, c.recorded_at, c.area, c.youth_status," \
	" c.identified_by_agency, c.identified_by_user, c.protocol_id, c.age, c.age_estimated,"    \
	" c.gender, c.race_ethnicity, c.last_assault_at, c.name_confidential, c.indicators,"       \
	" c.closed_at, c.close_reason"

/* CASE_COLS, in order */
#define SQ_REC struct case_rec
static const struct sq_col case_cols[] = { SQ_C(id),
					   SQ_C(youth_id),
					   SQ_C(recovery_no),
					   SQ_C(identified_at),
					   SQ_C(recorded_at),
					   SQ_C(area),
					   SQ_C(youth_status),
					   SQ_C(identified_by_agency),
					   SQ_C(identified_by_user),
					   SQ_C(protocol_id),
					   SQ_C(age),
					   SQ_C(age_estimated),
					   SQ_C(gender),
					   SQ_C(race_ethnicity),
					   SQ_C(last_assault_at),
					   SQ_C(name_confidential),
					   SQ_C(indicators),
					   SQ_C(closed_at),
					   SQ_C(close_reason) };
/* what case_get adds after CASE_COLS */
static const struct sq_col case_youth_cols[] = { SQ_B(identity, identity_len),
						 SQ_B(youth_key, youth_key_len), SQ_C(sealed_at),
						 SQ_C(sealed_why) };
#undef SQ_REC

PG_MAPPER(read_case, case_cols)

static void map_case_get(const PGresult *res, int r, struct arena *a, void *rec)
{
	PG_MAP(res, r, 0, a, rec, case_cols);
	PG_MAP(res, r, (int)ARRAY_SIZE(case_cols), a, rec, case_youth_cols);
}

enum sh_code pg_case_get(struct store_conn *c, const char *id, struct arena *a,
			 struct case_rec *out, struct sh_error *err)
{
	static const char sql[] = "SELECT " CASE_COLS ", y.identity, yk.wrapped, y.sealed_at,"
				  " y.sealed_why"
				  " FROM cases c JOIN youth y ON y.id = c.youth_id"
				  " LEFT JOIN youth_keys yk ON yk.youth_id = y.id WHERE c.id = $1";

	return pg_row(pg_exec(pconn_of(c), sql, SQ_VALS(sq_text(id)), err), map_case_get, a, out,
		      sizeof(*out), "no such case", err);
}

enum sh_code pg_case_siblings(struct store_conn *c, const struct case_rec *r, struct arena *a,
			      struct case_rec **out, size_t *n, struct sh_error *err)
{
	static const char sql[] = "SELECT " CASE_COLS " FROM cases c WHERE c.youth_id = $1"
				  " AND c.id <> $2 ORDER BY c.recovery_no";

	return pg_rows(pg_exec(pconn_of(c), sql, SQ_VALS(sq_int(r->youth_id), sq_text(r->id)), err),
		       read_case, a, out, n, sizeof(**out), err);
}

/*
 * "What my agency owes now" (GET /api/v1/cases), as sqlite_case_query answers it: the cases
 * agency q->agency_id takes part in, by the next due time of a pending step its kind owns
 * (each case at its earliest such step, with that step), then the cases with nothing due,
 * by id; pages follow the cursor (due, case id). PostgreSQL plans the first part as one
 * query (the earliest step per case, grouped) instead of SQLite's merge of two index walks.
 */
#define OWED_COLS                                                                           \
	"c.id, c.identified_at, c.area, c.youth_status, c.age, c.closed_at, c.protocol_id," \
	" c.name_confidential, y.identity, w.user_id, wu.display_name, yk.wrapped,"         \
	" y.sealed_why"
#define OWED_JOINS                                                                         \
	" JOIN youth y ON y.id = c.youth_id LEFT JOIN youth_keys yk ON yk.youth_id = y.id" \
	" LEFT JOIN case_workers w ON w.case_id = c.id"                                    \
	" AND w.agency_id = $1 LEFT JOIN users wu ON wu.id = w.user_id"
#define MINE_PENDING                                                                   \
	"s.state = 'pending' AND (s.owner = $3 OR s.also_owner = $3) AND s.due_at > 0" \
	" AND ($8::text IS NULL OR s.step = $8)"
/* the filters of struct case_query: area ($7), step ($8, in MINE_PENDING), worker ($9) */
#define CASE_FILTERS                             \
	" AND ($7::text IS NULL OR c.area = $7)" \
	" AND ($9::bigint = 0 OR ($9 > 0 AND w.user_id = $9) OR ($9 < 0 AND w.user_id IS NULL))"
#define TAKES_PART                                                          \
	" JOIN case_agencies ca ON ca.case_id = c.id AND ca.agency_id = $1" \
	" AND ($2::bigint <> 0 OR ca.left_at = 0) AND ($4::bigint = 0 OR c.closed_at = 0)"

/* $5 $6: the cursor (due, id; id '' on the first page; nothing_due_sql: the id alone);
 * $10: overdue only, before $11; $12: the page's length */
static const char owed_due_sql[] =
	"SELECT " OWED_COLS ", m.due,"
	" (SELECT s.step || ' ' || s.episode || ' ' || s.opened_at FROM case_steps s"
	"   WHERE s.case_id = c.id AND " MINE_PENDING " AND s.due_at = m.due"
	"   ORDER BY s.step, s.episode LIMIT 1)"
	" FROM (SELECT s.case_id, MIN(s.due_at) AS due FROM case_steps s WHERE " MINE_PENDING
	"   GROUP BY s.case_id) m JOIN cases c ON c.id = m.case_id" TAKES_PART OWED_JOINS
	" WHERE (m.due > $5 OR (m.due = $5 AND c.id > $6))"
	" AND ($10::bigint = 0 OR m.due < $11)" CASE_FILTERS " ORDER BY m.due, c.id LIMIT $12";
static const char nothing_due_sql[] =
	"SELECT " OWED_COLS " FROM cases c" TAKES_PART OWED_JOINS
	" WHERE c.id > $6 AND $5::bigint = $5 AND $10::bigint = $10 AND $11::bigint = $11"
	" AND NOT EXISTS (SELECT 1 FROM case_steps s WHERE s.case_id = c.id AND " MINE_PENDING
	")" CASE_FILTERS " ORDER BY c.id LIMIT $12";

#define SQ_REC struct owed_rec
static const struct sq_col owed_cols[] = { SQ_C(case_id),
					   SQ_C(identified_at),
					   SQ_C(area),
					   SQ_C(youth_status),
					   SQ_C(age),
					   SQ_C(closed_at),
					   SQ_C(protocol_id),
					   SQ_C(name_confidential),
					   SQ_B(identity, identity_len),
					   SQ_C(worker_id),
					   SQ_C(worker_name),
					   SQ_B(youth_key, youth_key_len),
					   SQ_C(sealed_why) };
#undef SQ_REC

static void map_owed(const PGresult *res, int r, struct arena *a, void *rec)
{
	struct owed_rec *o = rec;
	const int at = (int)ARRAY_SIZE(owed_cols);

	PG_MAP(res, r, 0, a, rec, owed_cols);
	if (PQnfields(res) <= at)
		return;
	o->due_at = pg_col_int(res, r, at);
	if (!PQgetisnull(res, r, at + 1)) {
		/* "step episode opened_at": step keys have no spaces */
		const char *next = PQgetvalue(res, r, at + 1), *sp = strchr(next, ' ');
		char *end;
		if (sp) {
			o->step = arena_strndup(a, next, (size_t)(sp - next));
			o->episode = (int)strtol(sp + 1, &end, 10);
			o->opened_at = strtoll(end, NULL, 10);
		}
	}
}

static PGresult *owed_exec(struct pconn *pc, const char *sql, const struct case_query *q,
			   int64_t after_due, const char *after_id, int limit, struct sh_error *err)
{
	return pg_exec(pc, sql,
		       SQ_VALS(sq_int(q->agency_id), sq_int(q->ever), sq_text(q->owner),
			       sq_int(q->open_only), sq_int(after_due), sq_text(after_id),
			       sq_text(q->area), sq_text(q->step), sq_int(q->worker),
			       sq_int(q->overdue_only), sq_int(q->now), sq_int(limit)),
		       err);
}

enum sh_code pg_case_query(struct store_conn *c, const struct case_query *q, struct arena *a,
			   struct owed_rec **out, size_t *n, struct sh_error *err)
{
	struct pconn *pc = pconn_of(c);
	bool in_rest = q->after_id && q->after_due == INT64_MAX;
	struct owed_rec *rest;
	size_t nrest;
	enum sh_code rc;

	*out = NULL;
	*n = 0;
	if (!in_rest && (rc = pg_rows(owed_exec(pc, owed_due_sql, q, q->after_id ? q->after_due : 0,
						q->after_id ? q->after_id : "", q->limit, err),
				      map_owed, a, out, n, sizeof(**out), err)))
		return rc;
	/* a case with nothing due owes no step, nor the one asked for */
	if (q->overdue_only || q->step || *n >= (size_t)q->limit)
		return SH_OK;
	if ((rc = pg_rows(owed_exec(pc, nothing_due_sql, q, 0, in_rest ? q->after_id : "",
				    q->limit - (int)*n, err),
			  map_owed, a, &rest, &nrest, sizeof(*rest), err)))
		return rc;
	if (nrest) {
		struct owed_rec *all = arena_alloc(a, (*n + nrest) * sizeof(*all));
		if (!all)
			return sh_error_set(err, SH_ENOMEM, "out of memory");
		if (*n)
			memcpy(all, *out, *n * sizeof(*all));
		memcpy(all + *n, rest, nrest * sizeof(*all));
		*out = all;
		*n += nrest;
	}
	return SH_OK;
}

#define SQ_REC struct case_agency_rec
static const struct sq_col case_agency_cols[] = {
	SQ_C(agency_id), SQ_C(name),	  SQ_C(kind),	     SQ_C(reason),	SQ_C(joined_at),
	SQ_C(left_at),	 SQ_C(worker_id), SQ_C(worker_name), SQ_C(worker_since)
};
#undef SQ_REC

PG_MAPPER(map_case_agencies, case_agency_cols)

enum sh_code pg_case_agencies(struct store_conn *c, const char *case_id, struct arena *a,
			      struct case_agency_rec **out, size_t *n, struct sh_error *err)
{
	static const char sql[] =
		"SELECT ca.agency_id, g.name, g.kind, ca.reason, ca.joined_at,"
		" ca.left_at, w.user_id, u.display_name, w.assigned_at"
		" FROM case_agencies ca JOIN agencies g ON g.id = ca.agency_id"
		" LEFT JOIN case_workers w ON w.case_id = ca.case_id"
		" AND w.agency_id = ca.agency_id LEFT JOIN users u ON u.id = w.user_id"
		" WHERE ca.case_id = $1 ORDER BY ca.joined_at, lower(g.name)";

	return pg_rows(pg_exec(pconn_of(c), sql, SQ_VALS(sq_text(case_id)), err), map_case_agencies,
		       a, out, n, sizeof(**out), err);
}

static void map_id(const PGresult *res, int r, struct arena *a, void *rec)
{
	*(char **)rec = pg_col_text(res, r, 0, a);
}

enum sh_code pg_case_ids(struct store_conn *c, struct arena *a, char ***out, size_t *n,
			 struct sh_error *err)
{
	static const char sql[] = "SELECT id FROM cases ORDER BY seq";

	return pg_rows(pg_exec(pconn_of(c), sql, PG_NONE, err), map_id, a, out, n, sizeof(**out),
		       err);
}

/* ---- the timeline ---- */

enum sh_code pg_event_insert(struct store_conn *c, struct event_rec *r, struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO events(case_id, type, section, at, recorded_at, user_id, agency_id,"
		" amends, data, sealed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
		" RETURNING id";
	struct event_rec stored = *r;
	enum sh_code rc;

	stored.data = r->data ? r->data : "{}";
	rc = pg_insert(c, sql, &r->id,
		       SQ_VALS(sq_text(r->case_id), sq_text(r->type), sq_text(r->section),
			       sq_int(r->at), sq_int(r->recorded_at), sq_int(r->user_id),
			       sq_int(r->agency_id), sq_id(r->amends), sq_text(stored.data),
			       sq_blob(r->sealed, r->sealed_len)),
		       err);
	if (rc)
		return rc;
	stored.id = r->id;
	/* the event joins the audit chain in the same transaction (store/audit_chain.h) */
	return pg_audit_anchor(c, &stored, strlen(stored.data), r->recorded_at, NULL, err);
}

/* The columns both event lists select, in this order (then, optionally, the case's area). */
#define EVENT_COLUMNS                                                                      \
	"e.id, e.case_id, e.type, e.section, e.at, e.recorded_at, e.user_id, e.agency_id," \
	" COALESCE(e.amends, 0), e.data, e.sealed, u.display_name, g.name, g.kind"
#define EVENT_JOINS \
	" LEFT JOIN users u ON u.id = e.user_id LEFT JOIN agencies g ON g.id = e.agency_id"

#define SQ_REC struct event_rec
static const struct sq_col event_cols[] = { SQ_C(id),
					    SQ_C(case_id),
					    SQ_C(type),
					    SQ_C(section),
					    SQ_C(at),
					    SQ_C(recorded_at),
					    SQ_C(user_id),
					    SQ_C(agency_id),
					    SQ_C(amends),
					    SQ_C(data),
					    SQ_B(sealed, sealed_len),
					    SQ_C(author),
					    SQ_C(agency_name),
					    SQ_C(agency_kind),
					    SQ_C(case_area) };
#undef SQ_REC

static void map_event(const PGresult *res, int r, struct arena *a, void *rec)
{
	/* case_area only when the query selects it */
	pg_map(res, r, 0, a, rec, event_cols,
	       ARRAY_SIZE(event_cols) - (PQnfields(res) < (int)ARRAY_SIZE(event_cols)));
}

enum sh_code pg_events_list(struct store_conn *c, const char *case_id, struct arena *a,
			    struct event_rec **out, size_t *n, struct sh_error *err)
{
	static const char sql[] = "SELECT " EVENT_COLUMNS " FROM events e" EVENT_JOINS
				  " WHERE e.case_id = $1 ORDER BY e.id";

	return pg_rows(pg_exec(pconn_of(c), sql, SQ_VALS(sq_text(case_id)), err), map_event, a, out,
		       n, sizeof(**out), err);
}

enum sh_code pg_events_by_type(struct store_conn *c, const char *type, int64_t from, int64_t to,
			       int64_t agency_id, size_t max, struct arena *a,
			       struct event_rec **out, size_t *n, struct sh_error *err)
{
	static const char sql[] = "SELECT " EVENT_COLUMNS ", k.area FROM events e" EVENT_JOINS
				  " JOIN cases k ON k.id = e.case_id"
				  " WHERE e.type = $1 AND e.at >= $2 AND e.at < $3"
				  " AND ($4::bigint = 0 OR e.agency_id = $4) ORDER BY e.at, e.id"
				  " LIMIT $5";

	return pg_rows(pg_exec(pconn_of(c), sql,
			       SQ_VALS(sq_text(type), sq_int(from), sq_int(to), sq_int(agency_id),
				       sq_int(max > INT64_MAX ? INT64_MAX : (int64_t)max)),
			       err),
		       map_event, a, out, n, sizeof(**out), err);
}

/* ---- derived steps ---- */

#define SQ_REC struct step_rec
static const struct sq_col step_cols[] = { SQ_C(step),	  SQ_C(episode),   SQ_C(owner),
					   SQ_C(state),	  SQ_C(opened_at), SQ_C(due_at),
					   SQ_C(done_at), SQ_C(also_owner) };
#undef SQ_REC

PG_MAPPER(map_step, step_cols)

static bool same_text(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool same_step(const struct step_rec *a, const struct step_rec *b)
{
	return a->opened_at == b->opened_at && a->due_at == b->due_at && a->done_at == b->done_at &&
	       same_text(a->state, b->state) && same_text(a->owner, b->owner) &&
	       same_text(a->also_owner, b->also_owner);
}

/* The rows become exactly `steps`; only the rows that differ are written. */
enum sh_code pg_steps_replace(struct store_conn *c, const char *case_id,
			      const struct step_rec *steps, size_t n, struct sh_error *err)
{
	static const char cur[] = "SELECT step, episode, owner, state, opened_at, due_at, done_at,"
				  " also_owner FROM case_steps WHERE case_id = $1";
	static const char del[] = "DELETE FROM case_steps WHERE case_id = $1 AND step = $2"
				  " AND episode = $3";
	static const char put[] = "INSERT INTO case_steps(case_id, step, episode, owner, state,"
				  " opened_at, due_at, done_at, also_owner)"
				  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
				  " ON CONFLICT(case_id, step, episode) DO UPDATE SET"
				  " owner = excluded.owner, state = excluded.state,"
				  " opened_at = excluded.opened_at, due_at = excluded.due_at,"
				  " done_at = excluded.done_at, also_owner = excluded.also_owner";
	struct arena a = ARENA_INIT;
	struct step_rec *old = NULL;
	bool *keep = NULL;
	size_t nold = 0;
	enum sh_code rc;

	if (pg_need_writer(c, err))
		return err->code;
	if ((rc = pg_rows(pg_exec(pconn_of(c), cur, SQ_VALS(sq_text(case_id)), err), map_step, &a,
			  &old, &nold, sizeof(*old), err)))
		goto out;
	if (!(keep = arena_alloc(&a, (n + 1) * sizeof(*keep)))) {
		rc = sh_error_set(err, SH_ENOMEM, "out of memory");
		goto out;
	}
	memset(keep, 0, (n + 1) * sizeof(*keep));
	for (size_t k = 0; k < nold; k++) {
		size_t i;
		for (i = 0; i < n; i++)
			if (steps[i].episode == old[k].episode &&
			    !strcmp(steps[i].step, old[k].step))
				break;
		if (i < n) {
			keep[i] = same_step(&steps[i], &old[k]);
			continue;
		}
		if ((rc = pg_write(c, del, NULL, NULL,
				   SQ_VALS(sq_text(case_id), sq_text(old[k].step),
					   sq_int(old[k].episode)),
				   err)))
			goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (keep[i])
			continue;
		if ((rc = pg_write(c, put, NULL, NULL,
				   SQ_VALS(sq_text(case_id), sq_text(steps[i].step),
					   sq_int(steps[i].episode), sq_text(steps[i].owner),
					   sq_text(steps[i].state), sq_int(steps[i].opened_at),
					   sq_int(steps[i].due_at), sq_int(steps[i].done_at),
					   sq_text(steps[i].also_owner)),
				   err)))
			goto out;
	}
out:
	arena_release(&a);
	return rc;
}

/* ---- who saw a case ---- */

/* Pages go by id, the order rows were inserted in: a row is shown before the linker gives
 * it a seq (which it then shows). */

static void map_audit_for_case(const PGresult *res, int row, struct arena *a, void *rec)
{
	struct audit_view_rec *r = rec;

	r->e.seq = pg_col_int(res, row, 0);
	r->e.at = pg_col_int(res, row, 1);
	r->e.user_id = pg_col_int(res, row, 2);
	r->e.agency_id = pg_col_int(res, row, 3);
	r->e.action = pg_col_text(res, row, 4, a);
	r->e.section = pg_col_text(res, row, 5, a);
	r->e.outcome = pg_col_text(res, row, 6, a);
	r->e.token_id = pg_col_int(res, row, 7);
	r->user_name = pg_col_text(res, row, 8, a);
	r->agency_name = pg_col_text(res, row, 9, a);
	r->token_label = pg_col_text(res, row, 10, a);
	r->token_created_by = pg_col_int(res, row, 11);
	r->token_creator_name = pg_col_text(res, row, 12, a);
	r->e.detail = pg_col_text(res, row, 13, a);
	r->cursor = pg_col_int(res, row, 14);
}

enum sh_code pg_audit_for_case(struct store_conn *c, const char *case_id, int64_t before_seq,
			       const char *outcome, int limit, struct arena *a,
			       struct audit_view_rec **out, size_t *n, struct sh_error *err)
{
	static const char sql[] =
		"SELECT a.seq, a.at, a.user_id, a.agency_id, a.action, a.section, a.outcome,"
		" a.token_id, u.display_name, g.name, t.label, t.created_by, tc.display_name,"
		" a.detail, a.id FROM audit a LEFT JOIN users u ON u.id = a.user_id"
		" LEFT JOIN agencies g ON g.id = a.agency_id"
		" LEFT JOIN tokens t ON t.id = a.token_id AND a.token_id <> 0"
		" LEFT JOIN users tc ON tc.id = t.created_by"
		" WHERE a.case_id = $1 AND ($2::bigint = 0 OR a.id < $2)"
		" AND ($3::text IS NULL OR a.outcome = $3) ORDER BY a.id DESC LIMIT $4";
	enum sh_code rc = pg_rows(pg_exec(pconn_of(c), sql,
					  SQ_VALS(sq_text(case_id), sq_int(before_seq),
						  sq_text(outcome), sq_int(limit)),
					  err),
				  map_audit_for_case, a, out, n, sizeof(**out), err);

	for (size_t i = 0; i < *n; i++)
		(*out)[i].e.case_id = case_id; /* the caller's string: every row is of this case */
	return rc;
}

/* store_case_records from the single operations (one statement each) */
enum sh_code pg_case_records(struct store_conn *c, const char *id, int64_t agency_id, bool derived,
			     struct arena *a, struct case_records *out, struct sh_error *err)
{
	struct case_records *r = out;
	enum sh_code rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store_case_get(c, id, a, &r->c, err)) ||
	    (rc = store_case_agencies(c, id, a, &r->agencies, &r->nagencies, err)) ||
	    (rc = store_events_list(c, id, a, &r->events, &r->nevents, err)) ||
	    (rc = store_case_siblings(c, &r->c, a, &r->siblings, &r->nsiblings, err)))
		return rc;
	r->sibling_joined = arena_alloc(a, (r->nsiblings + 1) * sizeof(bool));
	r->sibling_left_at = arena_alloc(a, (r->nsiblings + 1) * sizeof(int64_t));
	if (!r->sibling_joined || !r->sibling_left_at)
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	for (size_t i = 0; i < r->nsiblings; i++) {
		r->sibling_joined[i] = false;
		r->sibling_left_at[i] = 0;
		if (agency_id &&
		    (rc = store_case_agency_of(c, r->siblings[i].id, agency_id,
					       &r->sibling_joined[i], &r->sibling_left_at[i], err)))
			return rc;
	}
	if ((rc = store_witnesses_list(c, id, 0, a, &r->witnesses, &r->nwitnesses, err)))
		return rc;
	return derived ? store_derived_get(c, id, a, &r->derived_stamp, &r->derived_steps, err)
		       : SH_OK;
}
