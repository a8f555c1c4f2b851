/* SQLite backend: prosecutions, defendants, hearings and witnesses. */
#include "lib/catalog.h"
#include "lib/common.h"
#include "store/sqlite_internal.h"

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
