/* SQLite backend: prosecutions, defendants, hearings and witnesses. */
#include "lib/catalog.h"
#include "lib/common.h"
#include "store/sqlite_internal.h"

/* A constraint failure (rc) said as the field it concerns; any other rc as it is. */
static enum sh_code conflict_on(enum sh_code rc, const char *field, const char *why,
				struct sh_error *err)
{
	if (rc != SH_ECONFLICT)
		return rc;
	sh_error_init(err);
	return sh_error_field(err, SH_ECONFLICT, field, "%s", why);
}

enum sh_code sqlite_prosecution_insert(struct store_conn *c, struct prosecution_rec *r,
				       struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO prosecutions(agency_id, court_case_number, court, charges, filed_at,"
		" created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	enum sh_code rc =
		sq_insert(c, sql, &r->id,
			  SQ_VALS(sq_int(r->agency_id), sq_text(r->court_case_number),
				  sq_text(r->court), sq_text(r->charges), sq_int(r->filed_at),
				  sq_int(r->created_at), sq_int(r->created_by)),
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

SQ_MAPPER(read_prosecution, prosecution_cols)

enum sh_code sqlite_prosecution_get(struct store_conn *c, int64_t id, struct arena *a,
				    struct prosecution_rec *out, struct sh_error *err)
{
	static const char sql[] = "SELECT " PROSECUTION_COLS " FROM prosecutions WHERE id = ?1";
	return sq_row_id(sconn_of(c), sql, id, read_prosecution, a, out, sizeof(*out),
			 "no such prosecution", err);
}

enum sh_code sqlite_prosecution_list(struct store_conn *c, int64_t agency_id, struct arena *a,
				     struct prosecution_rec **out, size_t *n, struct sh_error *err)
{
	static const char sql[] = "SELECT " PROSECUTION_COLS " FROM prosecutions"
				  " WHERE agency_id = ?1 ORDER BY filed_at DESC, id DESC";
	return sq_rows_id(sconn_of(c), sql, agency_id, read_prosecution, a, out, n, sizeof(**out),
			  err);
}

enum sh_code sqlite_prosecution_set_outcome(struct store_conn *c, int64_t id, const char *outcome,
					    int64_t at, struct sh_error *err)
{
	static const char sql[] =
		"UPDATE prosecutions SET outcome = ?2, outcome_at = ?3 WHERE id = ?1";

	return sq_write(c, sql, NULL, NULL, SQ_VALS(sq_int(id), sq_text(outcome), sq_int(at)), err);
}

enum sh_code sqlite_defendant_insert(struct store_conn *c, struct defendant_rec *r,
				     struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO defendants(prosecution_id, role, name_sealed, charges,"
		" created_at) VALUES (?1, ?2, ?3, ?4, ?5)";
	enum sh_code rc = sq_insert(c, sql, &r->id,
				    SQ_VALS(sq_int(r->prosecution_id), sq_text(r->role),
					    sq_blob(r->name_sealed, r->name_len),
					    sq_text(r->charges), sq_int(r->created_at)),
				    err);

	return rc;
}

#define SQ_REC struct defendant_rec
static const struct sq_col defendants_list_cols[] = { SQ_C(id),	     SQ_C(prosecution_id),
						      SQ_C(role),    SQ_B(name_sealed, name_len),
						      SQ_C(charges), SQ_C(created_at) };
#undef SQ_REC

SQ_MAPPER(map_defendants_list, defendants_list_cols)

enum sh_code sqlite_defendants_list(struct store_conn *c, int64_t prosecution_id, struct arena *a,
				    struct defendant_rec **out, size_t *n, struct sh_error *err)
{
	static const char sql[] =
		"SELECT id, prosecution_id, role, name_sealed, charges, created_at"
		" FROM defendants WHERE prosecution_id = ?1 ORDER BY id";
	return sq_rows_id(sconn_of(c), sql, prosecution_id, map_defendants_list, a, out, n,
			  sizeof(**out), err);
}

enum sh_code sqlite_hearing_insert(struct store_conn *c, struct hearing_rec *r,
				   struct sh_error *err)
{
	static const char sql[] = "INSERT INTO hearings(prosecution_id, kind, at, created_at)"
				  " VALUES (?1, ?2, ?3, ?4)";
	enum sh_code rc = sq_insert(c, sql, &r->id,
				    SQ_VALS(sq_int(r->prosecution_id), sq_text(r->kind),
					    sq_int(r->at), sq_int(r->created_at)),
				    err);

	return rc;
}

#define SQ_REC struct hearing_rec
static const struct sq_col hearings_list_cols[] = { SQ_C(id), SQ_C(prosecution_id), SQ_C(kind),
						    SQ_C(at), SQ_C(created_at) };
#undef SQ_REC

SQ_MAPPER(map_hearings_list, hearings_list_cols)

enum sh_code sqlite_hearings_list(struct store_conn *c, int64_t prosecution_id, struct arena *a,
				  struct hearing_rec **out, size_t *n, struct sh_error *err)
{
	static const char sql[] = "SELECT id, prosecution_id, kind, at, created_at FROM hearings"
				  " WHERE prosecution_id = ?1 ORDER BY at, id";
	return sq_rows_id(sconn_of(c), sql, prosecution_id, map_hearings_list, a, out, n,
			  sizeof(**out), err);
}

enum sh_code sqlite_witness_insert(struct store_conn *c, struct witness_rec *r,
				   struct sh_error *err)
{
	static const char sql[] = "INSERT INTO witnesses(prosecution_id, case_id, listed_at)"
				  " VALUES (?1, ?2, ?3)";
	enum sh_code rc = sq_insert(
		c, sql, &r->id,
		SQ_VALS(sq_int(r->prosecution_id), sq_text(r->case_id), sq_int(r->listed_at)), err);

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

SQ_MAPPER(map_witnesses_list, witnesses_list_cols)

void sq_read_witness(sqlite3_stmt *st, int first, struct arena *a, struct witness_rec *r)
{
	SQ_MAP(st, first, a, r, witnesses_list_cols);
}

enum sh_code sqlite_witnesses_list(struct store_conn *c, const char *case_id,
				   int64_t prosecution_id, struct arena *a,
				   struct witness_rec **out, size_t *n, struct sh_error *err)
{
	static const char sql[] =
		"SELECT " SQ_WITNESS_COLS " FROM witnesses w"
		" JOIN prosecutions p ON p.id = w.prosecution_id"
		" WHERE (?1 IS NOT NULL AND w.case_id = ?1) OR (?1 IS NULL AND w.prosecution_id = ?2)"
		" ORDER BY w.listed_at, w.id";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st = sq_bind(sc, sql, SQ_VALS(sq_text(case_id), sq_int(prosecution_id)), err);

	return sq_rows(sc, st, map_witnesses_list, a, out, n, sizeof(**out), err);
}
