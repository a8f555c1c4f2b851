/* PostgreSQL backend: prosecutions, defendants, hearings and witnesses; the agenda (as
 * sqlite_court.c and sqlite_agenda.c). */
#include "lib/common.h"
#include "lib/catalog.h"
#include "store/pg_internal.h"

#define SQ_REC struct witness_rec
static const struct sq_col witnesses_list_cols[] = {
	SQ_C(id),	 SQ_C(prosecution_id),	     SQ_C(case_id),
	SQ_C(listed_at), SQ_C(prosecutor_agency_id), SQ_C(court_case_number),
	SQ_C(charges)
};
#undef SQ_REC

PG_MAPPER(map_witnesses_list, witnesses_list_cols)

enum sh_code pg_witnesses_list(struct store_conn *c, const char *case_id, int64_t prosecution_id,
			       struct arena *a, struct witness_rec **out, size_t *n,
			       struct sh_error *err)
{
	static const char sql[] =
		"SELECT w.id, w.prosecution_id, w.case_id, w.listed_at, p.agency_id,"
		" p.court_case_number, p.charges FROM witnesses w"
		" JOIN prosecutions p ON p.id = w.prosecution_id"
		" WHERE ($1::text IS NOT NULL AND w.case_id = $1)"
		" OR ($1::text IS NULL AND w.prosecution_id = $2)"
		" ORDER BY w.listed_at, w.id";
	struct pconn *pc = pconn_of(c);
	PGresult *st = pg_exec(pc, sql, SQ_VALS(sq_text(case_id), sq_int(prosecution_id)), err);

	return pg_rows(st, map_witnesses_list, a, out, n, sizeof(**out), err);
}

/* ---- the agenda ---- */

/* the agency's named worker on the case ($1: the agency) */
#define WORKER_JOINS                                                         \
	" LEFT JOIN case_workers w ON w.case_id = c.id AND w.agency_id = $1" \
	" LEFT JOIN users wu ON wu.id = w.user_id"

#define SQ_REC struct agenda_step_rec
static const struct sq_col agenda_steps_cols[] = {
	SQ_C(case_id),	   SQ_C(area),	    SQ_C(step),	      SQ_C(owner),
	SQ_C(also_owner),  SQ_C(episode),   SQ_C(due_at),     SQ_C(opened_at),
	SQ_C(protocol_id), SQ_C(worker_id), SQ_C(worker_name)
};
#undef SQ_REC

PG_MAPPER(map_agenda_steps, agenda_steps_cols)

enum sh_code pg_agenda_steps(struct store_conn *c, const struct agenda_query *q, struct arena *a,
			     struct agenda_step_rec **out, size_t *n, struct sh_error *err)
{
	static const char sql[] =
		"SELECT s.case_id, c.area, s.step, s.owner, s.also_owner, s.episode, s.due_at,"
		" s.opened_at, c.protocol_id, COALESCE(w.user_id, 0), wu.display_name"
		" FROM case_steps s JOIN cases c ON c.id = s.case_id"
		" JOIN case_agencies ca ON ca.case_id = s.case_id AND ca.agency_id = $1" WORKER_JOINS
		" WHERE s.state = 'pending' AND s.due_at >= $4 AND s.due_at < $5"
		" AND ($2::bigint <> 0 OR ca.left_at = 0)"
		" AND (s.owner = $3 OR s.also_owner = $3 OR s.step = $6)"
		" AND ($7::bigint = 0 OR w.user_id = $7)"
		" ORDER BY s.due_at, s.case_id, s.step, s.episode LIMIT $8";
	struct pconn *pc = pconn_of(c);
	PGresult *st = pg_exec(pc, sql,
			       SQ_VALS(sq_int(q->agency_id), sq_int(q->ever), sq_text(q->owner),
				       sq_int(q->from), sq_int(q->to), sq_text(q->also),
				       sq_int(q->worker), sq_int(q->limit)),
			       err);

	return pg_rows(st, map_agenda_steps, a, out, n, sizeof(**out), err);
}

#define SQ_REC struct agenda_hearing_rec
static const struct sq_col agenda_hearings_cols[] = { SQ_C(id),	       SQ_C(kind),	 SQ_C(at),
						      SQ_C(court),     SQ_C(case_id),	 SQ_C(area),
						      SQ_C(worker_id), SQ_C(worker_name) };
#undef SQ_REC

PG_MAPPER(map_agenda_hearings, agenda_hearings_cols)

enum sh_code pg_agenda_hearings(struct store_conn *c, const struct agenda_query *q, struct arena *a,
				struct agenda_hearing_rec **out, size_t *n, struct sh_error *err)
{
	static const char sql[] =
		"SELECT h.id, h.kind, h.at, p.court, c.id, c.area, COALESCE(w.user_id, 0),"
		" wu.display_name"
		" FROM hearings h JOIN prosecutions p ON p.id = h.prosecution_id"
		" JOIN witnesses x ON x.prosecution_id = h.prosecution_id"
		" JOIN cases c ON c.id = x.case_id"
		" JOIN case_agencies ca ON ca.case_id = c.id AND ca.agency_id = $1" WORKER_JOINS
		" WHERE h.at >= $3 AND h.at < $4 AND ($2::bigint <> 0 OR ca.left_at = 0)"
		" AND (p.outcome IS NULL OR h.at < p.outcome_at)"
		" AND ($5::bigint = 0 OR w.user_id = $5)"
		" ORDER BY h.at, h.id, c.id LIMIT $6";
	struct pconn *pc = pconn_of(c);
	PGresult *st = pg_exec(pc, sql,
			       SQ_VALS(sq_int(q->agency_id), sq_int(q->ever), sq_int(q->from),
				       sq_int(q->to), sq_int(q->worker), sq_int(q->limit)),
			       err);

	return pg_rows(st, map_agenda_hearings, a, out, n, sizeof(**out), err);
}
