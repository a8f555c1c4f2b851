/*
 * SQLite backend: rows as stored, for copying a county between databases (store/copy.c):
 * a table's rows in storage order with each value's own type (SQLite's STRICT tables keep
 * text text and bytes bytes), and the same rows written back, ids and all. Table names
 * come from copy_tables only; the statements are built from them and prepared.
 */
#include "lib/common.h"
#include "lib/buf.h"
#include "store/sqlite_internal.h"

static sqlite3_stmt *prepare(struct sconn *sc, const char *sql, struct sh_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(sc->db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		sq_err(sc, rc, err);
	return st;
}

enum sh_code sqlite_rows_count(struct store_conn *c, const char *table, int64_t *n,
			       struct sh_error *err)
{
	const struct copy_table *t = copy_table_find(table, err);
	struct sconn *sc = sconn_of(c);
	char sql[128];
	sqlite3_stmt *st;
	enum sh_code rc;
	bool row;

	if (!t)
		return err->code;
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", t->name);
	if (!(st = prepare(sc, sql, err)))
		return err->code;
	if (!(rc = sq_step(sc, st, &row, err)))
		*n = row ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc;
}

enum sh_code sqlite_rows_scan(struct store_conn *c, const char *table, store_row_fn fn, void *arg,
			      struct sh_error *err)
{
	const struct copy_table *t = copy_table_find(table, err);
	struct sconn *sc = sconn_of(c);
	struct store_value *v = NULL;
	const char **cols = NULL;
	char sql[160];
	sqlite3_stmt *st;
	enum sh_code rc;
	bool row;
	int n;

	if (!t)
		return err->code;
	snprintf(sql, sizeof(sql), "SELECT * FROM %s ORDER BY %s", t->name, t->lite_order);
	if (!(st = prepare(sc, sql, err)))
		return err->code;
	n = sqlite3_column_count(st);
	cols = calloc((size_t)n, sizeof(*cols));
	v = calloc((size_t)n, sizeof(*v));
	if (!cols || !v) {
		rc = sq_no_mem(err);
		goto out;
	}
	for (int i = 0; i < n; i++)
		cols[i] = sqlite3_column_name(st, i);
	while (!(rc = sq_step(sc, st, &row, err)) && row) {
		for (int i = 0; i < n; i++) {
			switch (sqlite3_column_type(st, i)) {
			case SQLITE_INTEGER:
				v[i] = (struct store_value){ .kind = SV_INT,
							     .i = sqlite3_column_int64(st, i) };
				break;
			case SQLITE_FLOAT:
				v[i] = (struct store_value){ .kind = SV_REAL,
							     .r = sqlite3_column_double(st, i) };
				break;
			case SQLITE_TEXT:
				v[i] = (struct store_value){ .kind = SV_TEXT,
							     .p = sqlite3_column_text(st, i) };
				v[i].len = (size_t)sqlite3_column_bytes(st, i);
				break;
			case SQLITE_BLOB:
				v[i] = (struct store_value){ .kind = SV_BLOB,
							     .p = sqlite3_column_blob(st, i) };
				v[i].len = (size_t)sqlite3_column_bytes(st, i);
				break;
			default: v[i] = (struct store_value){ .kind = SV_NULL };
			}
		}
		if ((rc = fn(arg, &(struct store_row){ (size_t)n, cols, v }, err)))
			break;
	}
out:
	sqlite3_finalize(st);
	free(cols);
	free(v);
	return rc;
}

enum sh_code sqlite_rows_insert(struct store_conn *c, const char *table,
				const struct store_row *rows, size_t n, struct sh_error *err)
{
	const struct copy_table *t = copy_table_find(table, err);
	struct sconn *sc = sconn_of(c);
	struct buf sql = BUF_INIT;
	sqlite3_stmt *st = NULL;
	enum sh_code rc = SH_OK;
	size_t k = 0;

	if (!t)
		return err->code;
	if (!n || (rc = sq_need_writer(c, err)))
		return rc;
	buf_addf(&sql, "INSERT INTO %s(", t->name);
	for (size_t i = 0; i < rows[0].n; i++)
		if (!copy_column_generated(t, rows[0].cols[i]))
			buf_addf(&sql, "%s\"%s\"", k++ ? ", " : "", rows[0].cols[i]);
	buf_adds(&sql, ") VALUES (");
	for (size_t i = 0; i < k; i++)
		buf_addf(&sql, "%s?%zu", i ? ", " : "", i + 1);
	buf_adds(&sql, ")");
	if (!sql.data) {
		rc = sq_no_mem(err);
		goto out;
	}
	if (!(st = prepare(sc, sql.data, err))) {
		rc = err->code;
		goto out;
	}
	for (size_t r = 0; !rc && r < n; r++) {
		int at = 0;

		for (size_t i = 0; i < rows[r].n; i++) {
			const struct store_value *v = &rows[r].v[i];

			if (copy_column_generated(t, rows[r].cols[i]))
				continue;
			switch (v->kind) {
			case SV_INT: sqlite3_bind_int64(st, ++at, v->i); break;
			case SV_REAL: sqlite3_bind_double(st, ++at, v->r); break;
			case SV_TEXT:
				sqlite3_bind_text(st, ++at, v->p, (int)v->len, SQLITE_STATIC);
				break;
			case SV_BLOB:
				sqlite3_bind_blob(st, ++at, v->p, (int)v->len, SQLITE_STATIC);
				break;
			case SV_NULL: sqlite3_bind_null(st, ++at); break;
			}
		}
		rc = sq_exec_stmt(sc, st, err);
	}
out:
	sqlite3_finalize(st);
	buf_release(&sql);
	return rc;
}

enum sh_code sqlite_copy_finish(struct store_conn *c, struct sh_error *err)
{
	/* explicit ids move SQLite's own sequences; nothing is kept beside the rows */
	return sq_need_writer(c, err);
}
