/* SQLite backend: the read path of a case (issue 21): the derived steps kept beside it
 * (schema 15), one agency's part in it, every case id. */
#include "lib/common.h"
#include "store/sqlite_internal.h"

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
