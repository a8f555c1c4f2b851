/* PostgreSQL backend: prosecutions, defendants, hearings and witnesses; the agenda (as
 * sqlite_court.c and sqlite_agenda.c). */
#include "lib/common.h"
#include "lib/catalog.h"
#include "store/pg_internal.h"

/* A constraint failure (rc) said as the field it concerns; any other rc as it is. */
static enum sh_code conflict_on(enum sh_code rc, const char *field, const char *why,
				struct sh_error *err)
{
	if (rc != SH_ECONFLICT)
		return rc;
	sh_error_init(err);
	return sh_error_field(err, SH_ECONFLICT, field, "%s", why);
}

enum sh_code pg_prosecution_insert(struct store_conn *c, struct prosecution_rec *r,
				   struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO prosecutions(agency_id, court_case_number, court, charges, filed_at,"
		" created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
	enum sh_code rc =
		pg_insert(c, sql, &r->id,
			  PG_VALS(pg_int(r->agency_id), pg_text(r->court_case_number),
				  pg_text(r->court), pg_text(r->charges), pg_int(r->filed_at),
				  pg_int(r->created_at), pg_int(r->created_by)),
			  err);

	return conflict_on(rc, "court_case_number",
			   N_("your agency already has a prosecution with this number"), err);
}

#define PROSECUTION_COLS                                                                   \
	"id, agency_id, court_case_number, court, charges, filed_at, outcome, outcome_at," \
	" created_at, created_by"

#define SQ_REC struct prosecution_rec
static const struct sq_col prosecution_cols[] = {
	SQ_C(id),	SQ_C(agency_id), SQ_C(court_case_number), SQ_C(court),	    SQ_C(charges),
	SQ_C(filed_at), SQ_C(outcome),	 SQ_C(outcome_at),	  SQ_C(created_at), SQ_C(created_by)
};
#undef SQ_REC

PG_MAPPER(read_prosecution, prosecution_cols)

enum sh_code pg_prosecution_get(struct store_conn *c, int64_t id, struct arena *a,
				struct prosecution_rec *out, struct sh_error *err)
{
	static const char sql[] = "SELECT " PROSECUTION_COLS " FROM prosecutions WHERE id = $1";
	return pg_row(pg_exec(pconn_of(c), sql, PG_VALS(pg_int(id)), err), read_prosecution, a, out,
		      sizeof(*out), "no such prosecution", err);
}

enum sh_code pg_prosecution_list(struct store_conn *c, int64_t agency_id, struct arena *a,
				 struct prosecution_rec **out, size_t *n, struct sh_error *err)
{
	static const char sql[] = "SELECT " PROSECUTION_COLS " FROM prosecutions"
				  " WHERE agency_id = $1 ORDER BY filed_at DESC, id DESC";
	return pg_rows(pg_exec(pconn_of(c), sql, PG_VALS(pg_int(agency_id)), err), read_prosecution,
		       a, out, n, sizeof(**out), err);
}

enum sh_code pg_prosecution_set_outcome(struct store_conn *c, int64_t id, const char *outcome,
					int64_t at, struct sh_error *err)
{
	static const char sql[] =
		"UPDATE prosecutions SET outcome = $2, outcome_at = $3 WHERE id = $1";

	return pg_write(c, sql, NULL, NULL, PG_VALS(pg_int(id), pg_text(outcome), pg_int(at)), err);
}

enum sh_code pg_defendant_insert(struct store_conn *c, struct defendant_rec *r,
				 struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO defendants(prosecution_id, role, name_sealed, charges,"
		" created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id";
	enum sh_code rc = pg_insert(c, sql, &r->id,
				    PG_VALS(pg_int(r->prosecution_id), pg_text(r->role),
					    pg_blob(r->name_sealed, r->name_len),
					    pg_text(r->charges), pg_int(r->created_at)),
				    err);

	return rc;
}

#define SQ_REC struct defendant_rec
static const struct sq_col defendants_list_cols[] = { SQ_C(id),	     SQ_C(prosecution_id),
						      SQ_C(role),    SQ_B(name_sealed, name_len),
						      SQ_C(charges), SQ_C(created_at) };
#undef SQ_REC

PG_MAPPER(map_defendants_list, defendants_list_cols)

enum sh_code pg_defendants_list(struct store_conn *c, int64_t prosecution_id, struct arena *a,
				struct defendant_rec **out, size_t *n, struct sh_error *err)
{
	static const char sql[] =
		"SELECT id, prosecution_id, role, name_sealed, charges, created_at"
		" FROM defendants WHERE prosecution_id = $1 ORDER BY id";
	return pg_rows(pg_exec(pconn_of(c), sql, PG_VALS(pg_int(prosecution_id)), err),
		       map_defendants_list, a, out, n, sizeof(**out), err);
}

enum sh_code pg_hearing_insert(struct store_conn *c, struct hearing_rec *r, struct sh_error *err)
{
	static const char sql[] = "INSERT INTO hearings(prosecution_id, kind, at, created_at)"
				  " VALUES ($1, $2, $3, $4) RETURNING id";
	enum sh_code rc = pg_insert(c, sql, &r->id,
				    PG_VALS(pg_int(r->prosecution_id), pg_text(r->kind),
					    pg_int(r->at), pg_int(r->created_at)),
				    err);

	return rc;
}

#define SQ_REC struct hearing_rec
static const struct sq_col hearings_list_cols[] = { SQ_C(id), SQ_C(prosecution_id), SQ_C(kind),
						    SQ_C(at), SQ_C(created_at) };
#undef SQ_REC

PG_MAPPER(map_hearings_list, hearings_list_cols)

enum sh_code pg_hearings_list(struct store_conn *c, int64_t prosecution_id, struct arena *a,
			      struct hearing_rec **out, size_t *n, struct sh_error *err)
{
	static const char sql[] = "SELECT id, prosecution_id, kind, at, created_at FROM hearings"
				  " WHERE prosecution_id = $1 ORDER BY at, id";
	return pg_rows(pg_exec(pconn_of(c), sql, PG_VALS(pg_int(prosecution_id)), err),
		       map_hearings_list, a, out, n, sizeof(**out), err);
}

enum sh_code pg_witness_insert(struct store_conn *c, struct witness_rec *r, struct sh_error *err)
{
	static const char sql[] = "INSERT INTO witnesses(prosecution_id, case_id, listed_at)"
				  " VALUES ($1, $2, $3) RETURNING id";
	enum sh_code rc = pg_insert(
		c, sql, &r->id,
		PG_VALS(pg_int(r->prosecution_id), pg_text(r->case_id), pg_int(r->listed_at)), err);

	return conflict_on(rc, "case_id", N_("this youth is already a witness in this prosecution"),
			   err);
}

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
	PGresult *st = pg_exec(pc, sql, PG_VALS(pg_text(case_id), pg_int(prosecution_id)), err);

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
			       PG_VALS(pg_int(q->agency_id), pg_int(q->ever), pg_text(q->owner),
				       pg_int(q->from), pg_int(q->to), pg_text(q->also),
				       pg_int(q->worker), pg_int(q->limit)),
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
			       PG_VALS(pg_int(q->agency_id), pg_int(q->ever), pg_int(q->from),
				       pg_int(q->to), pg_int(q->worker), pg_int(q->limit)),
			       err);

	return pg_rows(st, map_agenda_hearings, a, out, n, sizeof(**out), err);
}
