/*
 * SQLite backend: the agenda (store/records_agenda.h). Which cases an agency sees is the
 * rule of "what we owe now" (sqlite_case_query): it takes part now, or ever for
 * supervisors. Calendar feeds, being credentials, live with the people (sqlite_people.c).
 */
#include "lib/common.h"
#include "store/sqlite_internal.h"

/* the agency's named worker on the case (?1: the agency) */
#define WORKER_JOINS                                                         \
	" LEFT JOIN case_workers w ON w.case_id = c.id AND w.agency_id = ?1" \
	" LEFT JOIN users wu ON wu.id = w.user_id"

#define SQ_REC struct agenda_step_rec
static const struct sq_col agenda_steps_cols[] = {
	SQ_C(case_id),	   SQ_C(area),	    SQ_C(step),	      SQ_C(owner),
	SQ_C(also_owner),  SQ_C(episode),   SQ_C(due_at),     SQ_C(opened_at),
	SQ_C(protocol_id), SQ_C(worker_id), SQ_C(worker_name)
};
#undef SQ_REC

SQ_MAPPER(map_agenda_steps, agenda_steps_cols)

enum sh_code sqlite_agenda_steps(struct store_conn *c, const struct agenda_query *q,
				 struct arena *a, struct agenda_step_rec **out, size_t *n,
				 struct sh_error *err)
{
	static const char sql[] =
		"SELECT s.case_id, c.area, s.step, s.owner, s.also_owner, s.episode, s.due_at,"
		" s.opened_at, c.protocol_id, COALESCE(w.user_id, 0), wu.display_name"
		" FROM case_steps s JOIN cases c ON c.id = s.case_id"
		" JOIN case_agencies ca ON ca.case_id = s.case_id AND ca.agency_id = ?1" WORKER_JOINS
		" WHERE s.state = 'pending' AND s.due_at >= ?4 AND s.due_at < ?5"
		" AND (?2 OR ca.left_at = 0)"
		" AND (s.owner = ?3 OR s.also_owner = ?3 OR s.step = ?6)"
		" AND (?7 = 0 OR w.user_id = ?7)"
		" ORDER BY s.due_at, s.case_id, s.step, s.episode LIMIT ?8";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st = sq_bind(sc, sql,
				   SQ_VALS(sq_int(q->agency_id), sq_int(q->ever), sq_text(q->owner),
					   sq_int(q->from), sq_int(q->to), sq_text(q->also),
					   sq_int(q->worker), sq_int(q->limit)),
				   err);

	return sq_rows(sc, st, map_agenda_steps, a, out, n, sizeof(**out), err);
}

#define SQ_REC struct agenda_hearing_rec
static const struct sq_col agenda_hearings_cols[] = { SQ_C(id),	       SQ_C(kind),	 SQ_C(at),
						      SQ_C(court),     SQ_C(case_id),	 SQ_C(area),
						      SQ_C(worker_id), SQ_C(worker_name) };
#undef SQ_REC

SQ_MAPPER(map_agenda_hearings, agenda_hearings_cols)

enum sh_code sqlite_agenda_hearings(struct store_conn *c, const struct agenda_query *q,
				    struct arena *a, struct agenda_hearing_rec **out, size_t *n,
				    struct sh_error *err)
{
	static const char sql[] =
		"SELECT h.id, h.kind, h.at, p.court, c.id, c.area, COALESCE(w.user_id, 0),"
		" wu.display_name"
		" FROM hearings h JOIN prosecutions p ON p.id = h.prosecution_id"
		" JOIN witnesses x ON x.prosecution_id = h.prosecution_id"
		" JOIN cases c ON c.id = x.case_id"
		" JOIN case_agencies ca ON ca.case_id = c.id AND ca.agency_id = ?1" WORKER_JOINS
		" WHERE h.at >= ?3 AND h.at < ?4 AND (?2 OR ca.left_at = 0)"
		" AND (p.outcome IS NULL OR h.at < p.outcome_at)"
		" AND (?5 = 0 OR w.user_id = ?5)"
		" ORDER BY h.at, h.id, c.id LIMIT ?6";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st = sq_bind(sc, sql,
				   SQ_VALS(sq_int(q->agency_id), sq_int(q->ever), sq_int(q->from),
					   sq_int(q->to), sq_int(q->worker), sq_int(q->limit)),
				   err);

	return sq_rows(sc, st, map_agenda_hearings, a, out, n, sizeof(**out), err);
}
