/* Written once for every backend: prosecutions, defendants and hearings, and listing a
 * witness (store/query.h). */
#include "lib/catalog.h"
#include "lib/common.h"
#include "store/query.h"

#define STORE_BACKEND sql
#include "store/backend.h"

/* A constraint failure (rc) said as the field it concerns; any other rc as it is. */
static enum sh_code conflict_on(enum sh_code rc, const char *field, const char *why,
				struct sh_error *err)
{
	if (rc != SH_ECONFLICT)
		return rc;
	sh_error_init(err);
	return sh_error_field(err, SH_ECONFLICT, field, "%s", why);
}

enum sh_code sql_prosecution_insert(struct store_conn *c, struct prosecution_rec *r,
				    struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO prosecutions(agency_id, court_case_number, court, charges, filed_at,"
		" created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id";
	enum sh_code rc =
		sql_insert(c, sql, &r->id,
			   SQ_VALS(sq_int(r->agency_id), sq_text(r->court_case_number),
				   sq_text(r->court), sq_text(r->charges), sq_int(r->filed_at),
				   sq_int(r->created_at), sq_int(r->created_by)),
			   err);

	return conflict_on(rc, "court_case_number",
			   N_("your agency already has a prosecution with this number"), err);
}

#define PROSECUTION_COLS                                                              \
	"SELECT id, agency_id, court_case_number, court, charges, filed_at, outcome," \
	" outcome_at, created_at, created_by FROM prosecutions"

#define SQ_REC struct prosecution_rec
static const struct sq_col prosecution_cols[] = {
	SQ_C(id),	SQ_C(agency_id), SQ_C(court_case_number), SQ_C(court),	    SQ_C(charges),
	SQ_C(filed_at), SQ_C(outcome),	 SQ_C(outcome_at),	  SQ_C(created_at), SQ_C(created_by)
};
static const struct sq_query prosecution_by_id =
	SQ_QUERY(PROSECUTION_COLS " WHERE id = ?1", prosecution_cols);
static const struct sq_query prosecutions_of_agency = SQ_QUERY(
	PROSECUTION_COLS " WHERE agency_id = ?1 ORDER BY filed_at DESC, id DESC", prosecution_cols);
#undef SQ_REC

enum sh_code sql_prosecution_get(struct store_conn *c, int64_t id, struct arena *a,
				 struct prosecution_rec *out, struct sh_error *err)
{
	return sql_row(c, &prosecution_by_id, "no such prosecution", a, out, SQ_VALS(sq_int(id)),
		       err);
}

enum sh_code sql_prosecution_list(struct store_conn *c, int64_t agency_id, struct arena *a,
				  struct prosecution_rec **out, size_t *n, struct sh_error *err)
{
	return sql_rows(c, &prosecutions_of_agency, a, out, n, SQ_VALS(sq_int(agency_id)), err);
}

enum sh_code sql_prosecution_set_outcome(struct store_conn *c, int64_t id, const char *outcome,
					 int64_t at, struct sh_error *err)
{
	static const char sql[] =
		"UPDATE prosecutions SET outcome = ?2, outcome_at = ?3 WHERE id = ?1";

	return sql_write(c, sql, NULL, NULL, SQ_VALS(sq_int(id), sq_text(outcome), sq_int(at)),
			 err);
}

enum sh_code sql_defendant_insert(struct store_conn *c, struct defendant_rec *r,
				  struct sh_error *err)
{
	static const char sql[] = "INSERT INTO defendants(prosecution_id, role, name_sealed,"
				  " charges, created_at) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id";

	return sql_insert(c, sql, &r->id,
			  SQ_VALS(sq_int(r->prosecution_id), sq_text(r->role),
				  sq_blob(r->name_sealed, r->name_len), sq_text(r->charges),
				  sq_int(r->created_at)),
			  err);
}

#define SQ_REC struct defendant_rec
static const struct sq_col defendant_cols[] = { SQ_C(id),      SQ_C(prosecution_id),
						SQ_C(role),    SQ_B(name_sealed, name_len),
						SQ_C(charges), SQ_C(created_at) };
static const struct sq_query defendants_of_prosecution =
	SQ_QUERY("SELECT id, prosecution_id, role, name_sealed, charges, created_at"
		 " FROM defendants WHERE prosecution_id = ?1 ORDER BY id",
		 defendant_cols);
#undef SQ_REC

enum sh_code sql_defendants_list(struct store_conn *c, int64_t prosecution_id, struct arena *a,
				 struct defendant_rec **out, size_t *n, struct sh_error *err)
{
	return sql_rows(c, &defendants_of_prosecution, a, out, n, SQ_VALS(sq_int(prosecution_id)),
			err);
}

enum sh_code sql_hearing_insert(struct store_conn *c, struct hearing_rec *r, struct sh_error *err)
{
	static const char sql[] = "INSERT INTO hearings(prosecution_id, kind, at, created_at)"
				  " VALUES (?1, ?2, ?3, ?4) RETURNING id";

	return sql_insert(c, sql, &r->id,
			  SQ_VALS(sq_int(r->prosecution_id), sq_text(r->kind), sq_int(r->at),
				  sq_int(r->created_at)),
			  err);
}

#define SQ_REC struct hearing_rec
static const struct sq_col hearing_cols[] = { SQ_C(id), SQ_C(prosecution_id), SQ_C(kind), SQ_C(at),
					      SQ_C(created_at) };
static const struct sq_query hearings_of_prosecution =
	SQ_QUERY("SELECT id, prosecution_id, kind, at, created_at FROM hearings"
		 " WHERE prosecution_id = ?1 ORDER BY at, id",
		 hearing_cols);
#undef SQ_REC

enum sh_code sql_hearings_list(struct store_conn *c, int64_t prosecution_id, struct arena *a,
			       struct hearing_rec **out, size_t *n, struct sh_error *err)
{
	return sql_rows(c, &hearings_of_prosecution, a, out, n, SQ_VALS(sq_int(prosecution_id)),
			err);
}

enum sh_code sql_witness_insert(struct store_conn *c, struct witness_rec *r, struct sh_error *err)
{
	static const char sql[] = "INSERT INTO witnesses(prosecution_id, case_id, listed_at)"
				  " VALUES (?1, ?2, ?3) RETURNING id";
	enum sh_code rc = sql_insert(
		c, sql, &r->id,
		SQ_VALS(sq_int(r->prosecution_id), sq_text(r->case_id), sq_int(r->listed_at)), err);

	return conflict_on(rc, "case_id", N_("this youth is already a witness in this prosecution"),
			   err);
}
