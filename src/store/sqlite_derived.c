/* SQLite backend: the read path of a case (issue 21): the derived steps kept beside it
 * (schema 15), one agency's part in it, every case id. */
#include "lib/common.h"
#include "store/sqlite_internal.h"

enum sh_code sqlite_derived_put(struct store_conn *c, const char *case_id, const char *stamp,
				const char *steps, struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO case_derived(case_id, stamp, steps) VALUES (?1, ?2, ?3)"
		" ON CONFLICT(case_id) DO UPDATE SET stamp = excluded.stamp,"
		" steps = excluded.steps";
	sqlite3_stmt *st;

	if (sq_need_writer(c, err) || !(st = sq_prep(sconn_of(c), sql, err)))
		return err->code;
	sq_bind_text(st, 1, case_id);
	sq_bind_text(st, 2, stamp);
	sq_bind_text(st, 3, steps);
	return sq_exec_stmt(sconn_of(c), st, err);
}

enum sh_code sqlite_derived_get(struct store_conn *c, const char *case_id, struct arena *a,
				char **stamp, char **steps, struct sh_error *err)
{
	static const char sql[] = "SELECT stamp, steps FROM case_derived WHERE case_id = ?1";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st = sq_prep(sc, sql, err);
	bool row;
	enum sh_code rc;

	*stamp = *steps = NULL;
	if (!st)
		return err->code;
	sq_bind_text(st, 1, case_id);
	if (!(rc = sq_step(sc, st, &row, err)) && row) {
		*stamp = sq_col_text(st, 0, a);
		*steps = sq_col_text(st, 1, a);
		if (!*stamp || !*steps)
			rc = sq_no_mem(err);
	}
	sqlite3_reset(st);
	return rc;
}

static void map_id(sqlite3_stmt *st, struct arena *a, void *rec)
{
	*(char **)rec = sq_col_text(st, 0, a);
}

enum sh_code sqlite_case_ids(struct store_conn *c, struct arena *a, char ***out, size_t *n,
			     struct sh_error *err)
{
	static const char sql[] = "SELECT id FROM cases ORDER BY rowid";

	return sq_rows(sconn_of(c), sq_prep(sconn_of(c), sql, err), map_id, a, out, n,
		       sizeof(**out), err);
}

enum sh_code sqlite_case_agency_of(struct store_conn *c, const char *case_id, int64_t agency_id,
				   bool *joined, int64_t *left_at, struct sh_error *err)
{
	static const char sql[] =
		"SELECT left_at FROM case_agencies WHERE case_id = ?1 AND agency_id = ?2";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st = sq_prep(sc, sql, err);
	enum sh_code rc;

	*joined = false;
	*left_at = 0;
	if (!st)
		return err->code;
	sq_bind_text(st, 1, case_id);
	sqlite3_bind_int64(st, 2, agency_id);
	if (!(rc = sq_step(sc, st, joined, err)) && *joined)
		*left_at = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc;
}
