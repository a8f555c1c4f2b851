/* SQLite backend: protocols, youth, cases, participation, events, steps, idempotency. */
#include "lib/common.h"
#include "store/sqlite_internal.h"

#define CASE_COLS                                                                                  \
	"c.id, c.youth_id, c.recovery_no, c.identified_at, c.recorded_at, c.area, c.youth_status," \
	" c.identified_by_agency, c.identified_by_user, c.protocol_id, c.age, c.age_estimated,"    \
	" c.gender, c.race_ethnicity, c.last_assault_at, c.name_confidential, c.indicators,"       \
	" c.closed_at, c.close_reason"

/* the case's columns (CASE_COLS) from column b on */
static void read_case_at(sqlite3_stmt *st, int b, struct arena *a, struct case_rec *r)
{
	r->id = sq_col_text(st, b, a);
	r->youth_id = sqlite3_column_int64(st, b + 1);
	r->recovery_no = sqlite3_column_int(st, b + 2);
	r->identified_at = sqlite3_column_int64(st, b + 3);
	r->recorded_at = sqlite3_column_int64(st, b + 4);
	r->area = sq_col_text(st, b + 5, a);
	r->youth_status = sq_col_text(st, b + 6, a);
	r->identified_by_agency = sqlite3_column_int64(st, b + 7);
	r->identified_by_user = sqlite3_column_int64(st, b + 8);
	r->protocol_id = sqlite3_column_int64(st, b + 9);
	r->age = sqlite3_column_int(st, b + 10);
	r->age_estimated = sqlite3_column_int(st, b + 11) != 0;
	r->gender = sq_col_text(st, b + 12, a);
	r->race_ethnicity = sq_col_text(st, b + 13, a);
	r->last_assault_at = sqlite3_column_int64(st, b + 14);
	r->name_confidential = sqlite3_column_int(st, b + 15) != 0;
	r->indicators = sq_col_text(st, b + 16, a);
	r->closed_at = sqlite3_column_int64(st, b + 17);
	r->close_reason = sq_col_text(st, b + 18, a);
}

static void read_case(sqlite3_stmt *st, struct arena *a, void *rec)
{
	read_case_at(st, 0, a, rec);
}

/* CASE_COLS and the youth's (CASE_YOUTH_COLS) from column b on */
#define CASE_YOUTH_COLS " y.identity, yk.wrapped, y.sealed_at, y.sealed_why"
#define CASE_YOUTH_JOINS                     \
	" JOIN youth y ON y.id = c.youth_id" \
	" LEFT JOIN youth_keys yk ON yk.youth_id = y.id"
static void read_case_youth_at(sqlite3_stmt *st, int b, struct arena *a, struct case_rec *r)
{
	read_case_at(st, b, a, r);
	r->identity = sq_col_blob(st, b + 19, a, &r->identity_len);
	r->youth_key = sq_col_blob(st, b + 20, a, &r->youth_key_len);
	r->sealed_at = sqlite3_column_int64(st, b + 21);
	r->sealed_why = sq_col_text(st, b + 22, a);
}

static void map_case_get(sqlite3_stmt *st, struct arena *a, void *rec)
{
	read_case_youth_at(st, 0, a, rec);
}

enum sh_code sqlite_case_get(struct store_conn *c, const char *id, struct arena *a,
			     struct case_rec *out, struct sh_error *err)
{
	static const char sql[] = "SELECT " CASE_COLS "," CASE_YOUTH_COLS
				  " FROM cases c" CASE_YOUTH_JOINS " WHERE c.id = ?1";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st = sq_prep(sc, sql, err);

	if (st) {
		sq_bind_text(st, 1, id);
	}
	return sq_row(sc, st, map_case_get, a, out, sizeof(*out), "no such case", err);
}

enum sh_code sqlite_case_siblings(struct store_conn *c, const struct case_rec *r, struct arena *a,
				  struct case_rec **out, size_t *n, struct sh_error *err)
{
	static const char sql[] = "SELECT " CASE_COLS " FROM cases c WHERE c.youth_id = ?1"
				  " AND c.id <> ?2 ORDER BY c.recovery_no";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st = sq_prep(sc, sql, err);

	if (st) {
		sqlite3_bind_int64(st, 1, r->youth_id);
		sq_bind_text(st, 2, r->id);
	}
	return sq_rows(sc, st, read_case, a, out, n, sizeof(**out), err);
}

/*
 * "What my agency owes now" (GET /api/v1/cases): the cases agency q->agency_id takes part
 * in, by the next due time of a pending step its kind owns, then the cases with nothing
 * due, by id; pages follow the cursor (due, case id).
 *
 * Phase 1 walks the kind's pending steps in (due, case) order through the indexes
 * case_steps_due and case_steps_also, merging the two, and takes each case at its
 * earliest step; it stops when the page is full, so a page costs about the same with a
 * hundred open cases or a hundred thousand. Phase 2 lists the cases with nothing due.
 */
#define OWED_COLS                                                                           \
	"c.id, c.identified_at, c.area, c.youth_status, c.age, c.closed_at, c.protocol_id," \
	" c.name_confidential, y.identity, w.user_id, wu.display_name, yk.wrapped,"         \
	" y.sealed_why"
/* the youth (for initials) and the agency's named worker */
#define OWED_JOINS                                                                         \
	" JOIN youth y ON y.id = c.youth_id LEFT JOIN youth_keys yk ON yk.youth_id = y.id" \
	" LEFT JOIN case_workers w ON w.case_id = c.id"                                    \
	" AND w.agency_id = ?1 LEFT JOIN users wu ON wu.id = w.user_id"
#define MINE_PENDING                                                                   \
	"s.state = 'pending' AND (s.owner = ?3 OR s.also_owner = ?3) AND s.due_at > 0" \
	" AND (?8 IS NULL OR s.step = ?8)"
/* the filters of struct case_query: area (?7), step (?8, in MINE_PENDING), worker (?9) */
#define CASE_FILTERS                       \
	" AND (?7 IS NULL OR c.area = ?7)" \
	" AND (?9 = 0 OR (?9 > 0 AND w.user_id = ?9) OR (?9 < 0 AND w.user_id IS NULL))"

static const char walk_owner[] =
	"SELECT case_id, due_at FROM case_steps WHERE owner = ?1 AND state = 'pending'"
	" AND due_at > 0 AND due_at >= ?2 AND (?3 = 0 OR due_at < ?4) AND (?5 IS NULL OR step = ?5)"
	" ORDER BY due_at, case_id";
static const char walk_also[] =
	"SELECT case_id, due_at FROM case_steps WHERE also_owner = ?1 AND state = 'pending'"
	" AND due_at > 0 AND due_at >= ?2 AND (?3 = 0 OR due_at < ?4) AND (?5 IS NULL OR step = ?5)"
	" ORDER BY due_at, case_id";
/* one case met on the walk: shown if the agency takes part, it passes the filters, and
 * this is its earliest step; with the step to show ("step episode opened_at") */
static const char owed_case[] =
	"SELECT " OWED_COLS ","
	" (SELECT MIN(s.due_at) FROM case_steps s WHERE s.case_id = c.id AND " MINE_PENDING "),"
	" (SELECT s.step || ' ' || s.episode || ' ' || s.opened_at FROM case_steps s"
	"   WHERE s.case_id = c.id AND " MINE_PENDING " AND s.due_at = ?5"
	"   ORDER BY s.step, s.episode LIMIT 1)"
	" FROM cases c JOIN case_agencies ca ON ca.case_id = c.id AND ca.agency_id = ?1" OWED_JOINS
	" WHERE c.id = ?6 AND (?2 OR ca.left_at = 0) AND (?4 = 0 OR c.closed_at = 0)" CASE_FILTERS;
static const char nothing_due[] =
	"SELECT " OWED_COLS " FROM case_agencies ca JOIN cases c ON c.id = ca.case_id" OWED_JOINS
	" WHERE ca.agency_id = ?1 AND (?2 OR ca.left_at = 0) AND (?4 = 0 OR c.closed_at = 0)"
	" AND ca.case_id > ?5 AND NOT EXISTS (SELECT 1 FROM case_steps s"
	"  WHERE s.case_id = c.id AND " MINE_PENDING ")" CASE_FILTERS
	" ORDER BY ca.case_id LIMIT ?6";

static struct owed_rec *owed_push(sqlite3_stmt *st, struct arena *a, struct owed_rec **out,
				  size_t *n, size_t *cap)
{
	struct owed_rec *o = sq_push(a, (void **)out, n, cap, sizeof(**out));

	if (!o)
		return NULL;
	o->case_id = sq_col_text(st, 0, a);
	o->identified_at = sqlite3_column_int64(st, 1);
	o->area = sq_col_text(st, 2, a);
	o->youth_status = sq_col_text(st, 3, a);
	o->age = sqlite3_column_int(st, 4);
	o->closed_at = sqlite3_column_int64(st, 5);
	o->protocol_id = sqlite3_column_int64(st, 6);
	o->name_confidential = sqlite3_column_int(st, 7) != 0;
	o->identity = sq_col_blob(st, 8, a, &o->identity_len);
	o->worker_id = sqlite3_column_int64(st, 9);
	o->worker_name = sq_col_text(st, 10, a);
	o->youth_key = sq_col_blob(st, 11, a, &o->youth_key_len);
	o->sealed_why = sq_col_text(st, 12, a);
	return o;
}

/* Binds the parameters the case statements share (?1 to ?4, ?7 to ?9). */
static void bind_case_filter(sqlite3_stmt *st, const struct case_query *q)
{
	sqlite3_bind_int64(st, 1, q->agency_id);
	sqlite3_bind_int(st, 2, q->ever);
	sq_bind_text(st, 3, q->owner);
	sqlite3_bind_int(st, 4, q->open_only);
	sq_bind_text(st, 7, q->area);
	sq_bind_text(st, 8, q->step);
	sqlite3_bind_int64(st, 9, q->worker);
}

/* Phase 1: the cases with something due, from the cursor on, until the page is full. */
static enum sh_code owed_due(struct sconn *sc, const struct case_query *q, struct arena *a,
			     struct owed_rec **out, size_t *n, size_t *cap, struct sh_error *err)
{
	sqlite3_stmt *walk[2], *one;
	bool row[2];
	enum sh_code rc = SH_OK;

	if (!(walk[0] = sq_prep(sc, walk_owner, err)) || !(walk[1] = sq_prep(sc, walk_also, err)) ||
	    !(one = sq_prep(sc, owed_case, err)))
		return err->code;
	for (int w = 0; w < 2; w++) {
		sq_bind_text(walk[w], 1, q->owner);
		sqlite3_bind_int64(walk[w], 2, q->after_id ? q->after_due : 0);
		sqlite3_bind_int(walk[w], 3, q->overdue_only);
		sqlite3_bind_int64(walk[w], 4, q->now);
		sq_bind_text(walk[w], 5, q->step);
		if ((rc = sq_step(sc, walk[w], &row[w], err)))
			goto out;
	}
	bind_case_filter(one, q);
	while ((row[0] || row[1]) && *n < (size_t)q->limit) {
		/* the smaller (due, case) of the two walks' current rows */
		int w = row[0] ? 0 : 1;
		char id[64];
		int64_t due;
		bool found, seen = false;

		if (row[0] && row[1]) {
			int64_t d0 = sqlite3_column_int64(walk[0], 1),
				d1 = sqlite3_column_int64(walk[1], 1);
			w = d0 != d1 ? d1 < d0
				     : strcmp((const char *)sqlite3_column_text(walk[1], 0),
					      (const char *)sqlite3_column_text(walk[0], 0)) < 0;
		}
		snprintf(id, sizeof(id), "%s", (const char *)sqlite3_column_text(walk[w], 0));
		due = sqlite3_column_int64(walk[w], 1);
		if ((rc = sq_step(sc, walk[w], &row[w], err)))
			goto out;
		/* at or before the cursor: on an earlier page */
		if (q->after_id && due == q->after_due && strcmp(id, q->after_id) <= 0)
			continue;
		for (size_t i = 0; i < *n && !seen; i++)
			seen = !strcmp((*out)[i].case_id, id);
		if (seen)
			continue;
		sqlite3_bind_int64(one, 5, due);
		sq_bind_text(one, 6, id);
		if ((rc = sq_step(sc, one, &found, err)))
			goto out;
		if (found && sqlite3_column_int64(one, 13) == due) {
			struct owed_rec *o = owed_push(one, a, out, n, cap);
			const char *next = (const char *)sqlite3_column_text(one, 14);
			if (!o) {
				rc = sq_no_mem(err);
				goto out;
			}
			o->due_at = due;
			if (next) {
				/* "step episode opened_at": step keys have no spaces */
				const char *sp = strchr(next, ' ');
				char *end;
				if (sp) {
					o->step = arena_strndup(a, next, (size_t)(sp - next));
					o->episode = (int)strtol(sp + 1, &end, 10);
					o->opened_at = strtoll(end, NULL, 10);
				}
			}
		}
		if (found)
			sqlite3_reset(one);
	}
out:
	sqlite3_reset(walk[0]);
	sqlite3_reset(walk[1]);
	sqlite3_reset(one);
	return rc;
}

/* Phase 2: the cases with nothing due, by id, after after_id. */
static enum sh_code owed_rest(struct sconn *sc, const struct case_query *q, const char *after_id,
			      struct arena *a, struct owed_rec **out, size_t *n, size_t *cap,
			      struct sh_error *err)
{
	sqlite3_stmt *st = sq_prep(sc, nothing_due, err);
	bool row;
	enum sh_code rc;

	if (!st)
		return err->code;
	bind_case_filter(st, q);
	sq_bind_text(st, 5, after_id);
	sqlite3_bind_int(st, 6, q->limit - (int)*n);
	while (!(rc = sq_step(sc, st, &row, err)) && row)
		if (!owed_push(st, a, out, n, cap)) {
			sqlite3_reset(st);
			return sq_no_mem(err);
		}
	return rc;
}

enum sh_code sqlite_case_query(struct store_conn *c, const struct case_query *q, struct arena *a,
			       struct owed_rec **out, size_t *n, struct sh_error *err)
{
	struct sconn *sc = sconn_of(c);
	bool in_rest = q->after_id && q->after_due == INT64_MAX;
	size_t cap = 0;
	enum sh_code rc;

	*out = NULL;
	*n = 0;
	if (!in_rest && (rc = owed_due(sc, q, a, out, n, &cap, err)))
		return rc;
	/* a case with nothing due owes no step, nor the one asked for */
	if (q->overdue_only || q->step || *n >= (size_t)q->limit)
		return SH_OK;
	return owed_rest(sc, q, in_rest ? q->after_id : "", a, out, n, &cap, err);
}

/* CASE_AGENCY_COLS from column b on */
#define CASE_AGENCY_COLS                                                      \
	" ca.agency_id, g.name, g.kind, ca.reason, ca.joined_at, ca.left_at," \
	" w.user_id, u.display_name, w.assigned_at"
#define CASE_AGENCY_JOINS                                               \
	" FROM case_agencies ca JOIN agencies g ON g.id = ca.agency_id" \
	" LEFT JOIN case_workers w ON w.case_id = ca.case_id"           \
	" AND w.agency_id = ca.agency_id LEFT JOIN users u ON u.id = w.user_id"
static void read_case_agency_at(sqlite3_stmt *st, int b, struct arena *a, struct case_agency_rec *r)
{
	r->agency_id = sqlite3_column_int64(st, b);
	r->name = sq_col_text(st, b + 1, a);
	r->kind = sq_col_text(st, b + 2, a);
	r->reason = sq_col_text(st, b + 3, a);
	r->joined_at = sqlite3_column_int64(st, b + 4);
	r->left_at = sqlite3_column_int64(st, b + 5);
	r->worker_id = sqlite3_column_int64(st, b + 6);
	r->worker_name = sq_col_text(st, b + 7, a);
	r->worker_since = sqlite3_column_int64(st, b + 8);
}

static void map_case_agencies(sqlite3_stmt *st, struct arena *a, void *rec)
{
	read_case_agency_at(st, 0, a, rec);
}

enum sh_code sqlite_case_agencies(struct store_conn *c, const char *case_id, struct arena *a,
				  struct case_agency_rec **out, size_t *n, struct sh_error *err)
{
	static const char sql[] = "SELECT" CASE_AGENCY_COLS CASE_AGENCY_JOINS
				  " WHERE ca.case_id = ?1 ORDER BY ca.joined_at, g.name";
	return sq_rows_key(sconn_of(c), sql, case_id, map_case_agencies, a, out, n, sizeof(**out),
			   err);
}

enum sh_code sqlite_event_insert(struct store_conn *c, struct event_rec *r, struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO events(case_id, type, section, at, recorded_at, user_id, agency_id,"
		" amends, data, sealed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
	struct event_rec stored = *r;
	enum sh_code rc;

	stored.data = r->data ? r->data : "{}";
	rc = sq_insert(c, sql, &r->id,
		       SQ_VALS(sq_text(r->case_id), sq_text(r->type), sq_text(r->section),
			       sq_int(r->at), sq_int(r->recorded_at), sq_int(r->user_id),
			       sq_int(r->agency_id), sq_id(r->amends), sq_text(stored.data),
			       sq_blob(r->sealed, r->sealed_len)),
		       err);
	if (rc)
		return rc;
	stored.id = r->id;
	/* the event joins the audit chain in the same transaction (store/audit_chain.h) */
	return sq_audit_anchor(c, &stored, strlen(stored.data), r->recorded_at, NULL, err);
}

/* The columns both event lists select, in this order. */
#define EVENT_COLUMNS                                                                      \
	"e.id, e.case_id, e.type, e.section, e.at, e.recorded_at, e.user_id, e.agency_id," \
	" COALESCE(e.amends, 0), e.data, e.sealed, u.display_name, g.name, g.kind"
#define EVENT_JOINS \
	" LEFT JOIN users u ON u.id = e.user_id LEFT JOIN agencies g ON g.id = e.agency_id"

/* EVENT_COLUMNS from column b on */
static void read_event_at(sqlite3_stmt *st, int b, struct arena *a, struct event_rec *e)
{
	e->id = sqlite3_column_int64(st, b);
	e->case_id = sq_col_text(st, b + 1, a);
	e->type = sq_col_text(st, b + 2, a);
	e->section = sq_col_text(st, b + 3, a);
	e->at = sqlite3_column_int64(st, b + 4);
	e->recorded_at = sqlite3_column_int64(st, b + 5);
	e->user_id = sqlite3_column_int64(st, b + 6);
	e->agency_id = sqlite3_column_int64(st, b + 7);
	e->amends = sqlite3_column_int64(st, b + 8);
	e->data = sq_col_text(st, b + 9, a);
	e->sealed = sq_col_blob(st, b + 10, a, &e->sealed_len);
	e->author = sq_col_text(st, b + 11, a);
	e->agency_name = sq_col_text(st, b + 12, a);
	e->agency_kind = sq_col_text(st, b + 13, a);
}

/* Reads the rows of a statement selecting EVENT_COLUMNS (then, optionally, the case's area)
 * into an arena array. */
static enum sh_code event_rows(struct sconn *sc, sqlite3_stmt *st, bool area, size_t max,
			       struct arena *a, struct event_rec **out, size_t *n,
			       struct sh_error *err)
{
	size_t cap = 0;
	bool row;
	enum sh_code rc;

	*out = NULL;
	*n = 0;
	while (*n < max && !(rc = sq_step(sc, st, &row, err)) && row) {
		struct event_rec *e = sq_push(a, (void **)out, n, &cap, sizeof(**out));
		if (!e) {
			sqlite3_reset(st);
			return sq_no_mem(err);
		}
		read_event_at(st, 0, a, e);
		e->case_area = area ? sq_col_text(st, 14, a) : NULL;
	}
	if (*n >= max)
		rc = SH_OK;
	sqlite3_reset(st);
	return rc;
}

enum sh_code sqlite_events_list(struct store_conn *c, const char *case_id, struct arena *a,
				struct event_rec **out, size_t *n, struct sh_error *err)
{
	static const char sql[] = "SELECT " EVENT_COLUMNS " FROM events e" EVENT_JOINS
				  " WHERE e.case_id = ?1 ORDER BY e.id";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st = sq_prep(sc, sql, err);

	if (!st)
		return err->code;
	sq_bind_text(st, 1, case_id);
	return event_rows(sc, st, false, SIZE_MAX, a, out, n, err);
}

enum sh_code sqlite_events_by_type(struct store_conn *c, const char *type, int64_t from, int64_t to,
				   int64_t agency_id, size_t max, struct arena *a,
				   struct event_rec **out, size_t *n, struct sh_error *err)
{
	static const char sql[] = "SELECT " EVENT_COLUMNS ", k.area FROM events e" EVENT_JOINS
				  " JOIN cases k ON k.id = e.case_id"
				  " WHERE e.type = ?1 AND e.at >= ?2 AND e.at < ?3"
				  " AND (?4 = 0 OR e.agency_id = ?4) ORDER BY e.at, e.id";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st = sq_prep(sc, sql, err);

	if (!st)
		return err->code;
	sq_bind_text(st, 1, type);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to);
	sqlite3_bind_int64(st, 4, agency_id);
	return event_rows(sc, st, true, max, a, out, n, err);
}

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

/*
 * The rows become exactly `steps`, but only the rows that differ are written: an
 * event usually changes one or two steps, and every row written touches the table
 * and its four indexes (pages the commit then writes to the WAL and the checkpoint
 * writes again).
 */
enum sh_code sqlite_steps_replace(struct store_conn *c, const char *case_id,
				  const struct step_rec *steps, size_t n, struct sh_error *err)
{
	static const char cur[] = "SELECT step, episode, owner, state, opened_at, due_at, done_at,"
				  " also_owner FROM case_steps WHERE case_id = ?1";
	static const char del[] = "DELETE FROM case_steps WHERE case_id = ?1 AND step = ?2"
				  " AND episode = ?3";
	static const char put[] = "INSERT INTO case_steps(case_id, step, episode, owner, state,"
				  " opened_at, due_at, done_at, also_owner)"
				  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
				  " ON CONFLICT(case_id, step, episode) DO UPDATE SET"
				  " owner = excluded.owner, state = excluded.state,"
				  " opened_at = excluded.opened_at, due_at = excluded.due_at,"
				  " done_at = excluded.done_at, also_owner = excluded.also_owner";
	struct sconn *sc = sconn_of(c);
	struct arena a = ARENA_INIT;
	struct step_rec *old = NULL;
	bool *keep = NULL;
	size_t nold = 0, cap = 0;
	sqlite3_stmt *st;
	bool row;
	enum sh_code rc;

	if (sq_need_writer(c, err) || !(st = sq_bind(sc, cur, SQ_VALS(sq_text(case_id)), err)))
		return err->code;
	keep = arena_alloc(&a, (n + 1) * sizeof(*keep)); /* steps[i] is stored as it is */
	if (!keep) {
		sqlite3_reset(st);
		rc = sh_error_set(err, SH_ENOMEM, "out of memory");
		goto out;
	}
	while (!(rc = sq_step(sc, st, &row, err)) && row) {
		struct step_rec *s = sq_push(&a, (void **)&old, &nold, &cap, sizeof(*old));
		if (!s) {
			sqlite3_reset(st);
			rc = sh_error_set(err, SH_ENOMEM, "out of memory");
			goto out;
		}
		s->step = sq_col_text(st, 0, &a);
		s->episode = sqlite3_column_int(st, 1);
		s->owner = sq_col_text(st, 2, &a);
		s->state = sq_col_text(st, 3, &a);
		s->opened_at = sqlite3_column_int64(st, 4);
		s->due_at = sqlite3_column_int64(st, 5);
		s->done_at = sqlite3_column_int64(st, 6);
		s->also_owner = sq_col_text(st, 7, &a);
	}
	if (rc)
		goto out;
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
		if ((rc = sq_write(c, del, NULL, NULL,
				   SQ_VALS(sq_text(case_id), sq_text(old[k].step),
					   sq_int(old[k].episode)),
				   err)))
			goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (keep[i])
			continue;
		if ((rc = sq_write(c, put, NULL, NULL,
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

struct idem {
	char *request_hash, *case_id;
	int64_t event_id;
};

static void map_idem(sqlite3_stmt *st, struct arena *a, void *rec)
{
	struct idem *r = rec;

	r->request_hash = sq_col_text(st, 0, a);
	r->case_id = sq_col_text(st, 1, a);
	r->event_id = sqlite3_column_int64(st, 2);
}

enum sh_code sqlite_idem_get(struct store_conn *c, int64_t user_id, const char *key,
			     struct arena *a, char **request_hash, char **case_id,
			     int64_t *event_id, struct sh_error *err)
{
	static const char sql[] = "SELECT request_hash, case_id, event_id FROM idempotency"
				  " WHERE user_id = ?1 AND key = ?2";
	struct sconn *sc = sconn_of(c);
	struct idem r;
	enum sh_code rc = sq_row(sc, sq_bind(sc, sql, SQ_VALS(sq_int(user_id), sq_text(key)), err),
				 map_idem, a, &r, sizeof(r), NULL, err);

	*request_hash = r.request_hash;
	*case_id = r.case_id;
	*event_id = r.event_id;
	return rc;
}

enum sh_code sqlite_idem_put(struct store_conn *c, int64_t user_id, const char *key,
			     const char *request_hash, const char *case_id, int64_t event_id,
			     int64_t at, struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO idempotency(user_id, key, request_hash, case_id,"
		" event_id, created_at) VALUES (?1, ?2, ?3, ?4, NULLIF(?5, 0), ?6)";

	return sq_write(c, sql, NULL, NULL,
			SQ_VALS(sq_int(user_id), sq_text(key), sq_text(request_hash),
				sq_text(case_id), sq_int(event_id), sq_int(at)),
			err);
}

static void map_audit_for_case(sqlite3_stmt *st, struct arena *a, void *rec)
{
	struct audit_view_rec *r = rec;

	r->e.seq = r->cursor = sqlite3_column_int64(st, 0);
	r->e.at = sqlite3_column_int64(st, 1);
	r->e.user_id = sqlite3_column_int64(st, 2);
	r->e.agency_id = sqlite3_column_int64(st, 3);
	r->e.action = sq_col_text(st, 4, a);
	r->e.section = sq_col_text(st, 5, a);
	r->e.outcome = sq_col_text(st, 6, a);
	r->e.token_id = sqlite3_column_int64(st, 7);
	r->user_name = sq_col_text(st, 8, a);
	r->agency_name = sq_col_text(st, 9, a);
	r->token_label = sq_col_text(st, 10, a);
	r->token_created_by = sqlite3_column_int64(st, 11);
	r->token_creator_name = sq_col_text(st, 12, a);
	r->e.detail = sq_col_text(st, 13, a);
}

enum sh_code sqlite_audit_for_case(struct store_conn *c, const char *case_id, int64_t before_seq,
				   const char *outcome, int limit, struct arena *a,
				   struct audit_view_rec **out, size_t *n, struct sh_error *err)
{
	static const char sql[] =
		"SELECT a.seq, a.at, a.user_id, a.agency_id, a.action, a.section, a.outcome,"
		" a.token_id, u.display_name, g.name, t.label, t.created_by, tc.display_name,"
		" a.detail FROM audit a LEFT JOIN users u ON u.id = a.user_id"
		" LEFT JOIN agencies g ON g.id = a.agency_id"
		" LEFT JOIN tokens t ON t.id = a.token_id AND a.token_id <> 0"
		" LEFT JOIN users tc ON tc.id = t.created_by"
		" WHERE a.case_id = ?1 AND (?2 = 0 OR a.seq < ?2) AND (?3 IS NULL OR a.outcome = ?3)"
		" ORDER BY a.seq DESC LIMIT ?4";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st = sq_prep(sc, sql, err);

	enum sh_code rc;

	if (st) {
		sq_bind_text(st, 1, case_id);
		sqlite3_bind_int64(st, 2, before_seq);
		sq_bind_text(st, 3, outcome);
		sqlite3_bind_int(st, 4, limit);
	}
	rc = sq_rows(sc, st, map_audit_for_case, a, out, n, sizeof(**out), err);
	for (size_t i = 0; i < *n; i++)
		(*out)[i].e.case_id = case_id; /* the caller's string: every row is of this case */
	return rc;
}

/*
 * store_case_records in one statement: one typed row per record, its kind first (the
 * order of struct case_records), then the record's own columns from column 1 on, padded
 * with NULLs to the widest (the case with its youth). No ORDER BY: on a compound it would
 * sort every part in a temporary b-tree (the timeline with its texts); the rows of each
 * kind are put in the order of the single operation afterwards (sort_case_records), which
 * costs nothing when the index already gave it.
 */
enum { REC_CASE, REC_AGENCY, REC_EVENT, REC_SIBLING, REC_WITNESS, REC_DERIVED };
#define N1 ", NULL"
#define N2 N1 N1
#define N4 N2 N2
#define N8 N4 N4
#define N16 N8 N8
static const char case_records_sql[] =
	"SELECT 0, " CASE_COLS "," CASE_YOUTH_COLS " FROM cases c" CASE_YOUTH_JOINS
	" WHERE c.id = ?1"
	" UNION ALL SELECT 1," CASE_AGENCY_COLS N8 N4 N2 CASE_AGENCY_JOINS " WHERE ca.case_id = ?1"
	" UNION ALL SELECT 2, " EVENT_COLUMNS N8 N1 " FROM events e" EVENT_JOINS
	" WHERE e.case_id = ?1"
	/* the youth's other recoveries, with agency ?2's part in each (case_agency_of) */
	" UNION ALL SELECT 3, " CASE_COLS ", ca.case_id IS NOT NULL, COALESCE(ca.left_at, 0)" N2
	" FROM cases k JOIN cases c ON c.youth_id = k.youth_id AND c.id <> k.id"
	" LEFT JOIN case_agencies ca ON ca.case_id = c.id AND ca.agency_id = ?2 WHERE k.id = ?1"
	" UNION ALL SELECT 4, " SQ_WITNESS_COLS N16 " FROM witnesses w"
	" JOIN prosecutions p ON p.id = w.prosecution_id WHERE w.case_id = ?1"
	" UNION ALL SELECT 5, stamp, steps" N16 N4 N1 " FROM case_derived"
	" WHERE ?3 AND case_id = ?1";
#undef N16
#undef N8
#undef N4
#undef N2
#undef N1

/* The arrays' capacities (sq_push) while case_records_sql's rows are read */
struct case_records_read {
	size_t agencies, events, siblings, joined, njoined, left_at, nleft_at, witnesses;
	bool found; /* the case's row was read */
};

/* One row of case_records_sql into r: SH_OK, or SH_ENOMEM. */
static enum sh_code case_records_row(sqlite3_stmt *st, struct arena *a, struct case_records *r,
				     struct case_records_read *k)
{
	const int b = 1;
	void *p;
	bool *joined;
	int64_t *left_at;

	switch (sqlite3_column_int(st, 0)) {
	case REC_CASE:
		read_case_youth_at(st, b, a, &r->c);
		k->found = true;
		return SH_OK;
	case REC_AGENCY:
		if (!(p = sq_push(a, (void **)&r->agencies, &r->nagencies, &k->agencies,
				  sizeof(*r->agencies))))
			return SH_ENOMEM;
		read_case_agency_at(st, b, a, p);
		return SH_OK;
	case REC_EVENT:
		if (!(p = sq_push(a, (void **)&r->events, &r->nevents, &k->events,
				  sizeof(*r->events))))
			return SH_ENOMEM;
		read_event_at(st, b, a, p);
		return SH_OK;
	case REC_SIBLING:
		if (!(p = sq_push(a, (void **)&r->siblings, &r->nsiblings, &k->siblings,
				  sizeof(*r->siblings))) ||
		    !(joined = sq_push(a, (void **)&r->sibling_joined, &k->njoined, &k->joined,
				       sizeof(*joined))) ||
		    !(left_at = sq_push(a, (void **)&r->sibling_left_at, &k->nleft_at, &k->left_at,
					sizeof(*left_at))))
			return SH_ENOMEM;
		read_case_at(st, b, a, p);
		*joined = sqlite3_column_int(st, b + 19) != 0;
		*left_at = sqlite3_column_int64(st, b + 20);
		return SH_OK;
	case REC_WITNESS:
		if (!(p = sq_push(a, (void **)&r->witnesses, &r->nwitnesses, &k->witnesses,
				  sizeof(*r->witnesses))))
			return SH_ENOMEM;
		sq_read_witness(st, b, a, p);
		return SH_OK;
	case REC_DERIVED:
		r->derived_stamp = sq_col_text(st, b, a);
		r->derived_steps = sq_col_text(st, b + 1, a);
		return r->derived_stamp && r->derived_steps ? SH_OK : SH_ENOMEM;
	}
	return SH_OK;
}

/* The orders of the single operations: case_agencies (joined_at, then the name as the
 * NOCASE column sorts it), case_siblings (recovery_no), events_list (id), witnesses_list
 * (listed_at, id). */
static bool agency_before(const void *x, const void *y)
{
	const struct case_agency_rec *a = x, *b = y;

	return a->joined_at != b->joined_at ? a->joined_at < b->joined_at
					    : sqlite3_stricmp(a->name, b->name) < 0;
}

static bool sibling_before(const void *x, const void *y)
{
	return ((const struct case_rec *)x)->recovery_no <
	       ((const struct case_rec *)y)->recovery_no;
}

static bool event_before(const void *x, const void *y)
{
	return ((const struct event_rec *)x)->id < ((const struct event_rec *)y)->id;
}

static bool witness_before(const void *x, const void *y)
{
	const struct witness_rec *a = x, *b = y;

	return a->listed_at != b->listed_at ? a->listed_at < b->listed_at : a->id < b->id;
}

/* Swaps elements i and i - 1 of the array base of sz-byte elements. */
static void swap_back(void *base, size_t sz, size_t i)
{
	unsigned char *p = (unsigned char *)base + (i - 1) * sz, t;

	for (size_t k = 0; k < sz; k++) {
		t = p[k];
		p[k] = p[sz + k];
		p[sz + k] = t;
	}
}

/* A stable insertion sort of base (n elements of sz bytes) by before(), moving the elements
 * of the parallel arrays also and also2 (of also_sz and also2_sz bytes; NULL: none) with
 * them: one pass, no move, when the rows came in order (as the indexes give them). */
static void sort_rows(void *base, size_t n, size_t sz, bool (*before)(const void *, const void *),
		      void *also, size_t also_sz, void *also2, size_t also2_sz)
{
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k > 0 && before((unsigned char *)base + k * sz,
						   (unsigned char *)base + (k - 1) * sz);
		     k--) {
			swap_back(base, sz, k);
			if (also)
				swap_back(also, also_sz, k);
			if (also2)
				swap_back(also2, also2_sz, k);
		}
}

static void sort_case_records(struct case_records *r)
{
	sort_rows(r->agencies, r->nagencies, sizeof(*r->agencies), agency_before, NULL, 0, NULL, 0);
	sort_rows(r->events, r->nevents, sizeof(*r->events), event_before, NULL, 0, NULL, 0);
	sort_rows(r->siblings, r->nsiblings, sizeof(*r->siblings), sibling_before,
		  r->sibling_joined, sizeof(*r->sibling_joined), r->sibling_left_at,
		  sizeof(*r->sibling_left_at));
	sort_rows(r->witnesses, r->nwitnesses, sizeof(*r->witnesses), witness_before, NULL, 0, NULL,
		  0);
}

enum sh_code sqlite_case_records(struct store_conn *c, const char *id, int64_t agency_id,
				 bool derived, struct arena *a, struct case_records *out,
				 struct sh_error *err)
{
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st = sq_prep(sc, case_records_sql, err);
	struct case_records_read k = { 0 };
	bool row;
	enum sh_code rc;

	memset(out, 0, sizeof(*out));
	if (!st)
		return err->code;
	sq_bind_text(st, 1, id);
	sqlite3_bind_int64(st, 2, agency_id);
	sqlite3_bind_int(st, 3, derived);
	while (!(rc = sq_step(sc, st, &row, err)) && row)
		if (case_records_row(st, a, out, &k)) {
			sqlite3_reset(st);
			return sq_no_mem(err);
		}
	sqlite3_reset(st);
	if (rc)
		return rc;
	if (!k.found)
		return sh_error_set(err, SH_ENOTFOUND, "no such case");
	sort_case_records(out);
	return SH_OK;
}
