/*
 * PostgreSQL backend: rows as stored, for copying a county between databases
 * (store/copy.c): a table's rows in id order, read one at a time (libpq's single-row
 * mode: a table never held whole in memory), and the same rows written back, ids and
 * all, bytes as binary bytea. Table names come from copy_tables only; the statements
 * are built from them and run with their values as parameters (not cached: each is
 * built per table).
 */
#include "lib/common.h"
#include "lib/buf.h"
#include "store/pg_internal.h"

static enum sh_code fail(struct pconn *pc, const PGresult *res, struct sh_error *err)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(pc->db);

	return sh_error_set(err, state && !strncmp(state, "23", 2) ? SH_ECONFLICT : SH_ESTORE,
			    "database error: %s", msg && *msg ? msg : PQerrorMessage(pc->db));
}

/* runs sql without parameters; SH_OK and the first column of the first row in *out
 * (when out) */
static enum sh_code run(struct pconn *pc, const char *sql, int64_t *out, struct sh_error *err)
{
	PGresult *res = PQexec(pc->db, sql);
	ExecStatusType st = PQresultStatus(res);
	enum sh_code rc = SH_OK;

	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
		rc = fail(pc, res, err);
	else if (out)
		*out = PQntuples(res) && !PQgetisnull(res, 0, 0)
			       ? strtoll(PQgetvalue(res, 0, 0), NULL, 10)
			       : 0;
	PQclear(res);
	return rc;
}

enum sh_code pg_rows_count(struct store_conn *c, const char *table, int64_t *n,
			   struct sh_error *err)
{
	const struct copy_table *t = copy_table_find(table, err);
	char sql[128];

	if (!t)
		return err->code;
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", t->name);
	return run(pconn_of(c), sql, n, err);
}

/* the one row of a single-row result as stored values (bytea decoded from its text form
 * into bytes[k], freed by the caller); column `skip` left out */
static enum sh_code row_values(const PGresult *res, int skip, const char **cols,
			       struct store_value *v, unsigned char **bytes, struct sh_error *err)
{
	int n = PQnfields(res), k = 0;

	for (int i = 0; i < n; i++) {
		Oid type = PQftype(res, i);
		const char *val = PQgetvalue(res, 0, i);

		if (i == skip)
			continue;
		cols[k] = PQfname(res, i);
		if (PQgetisnull(res, 0, i)) {
			v[k++] = (struct store_value){ .kind = SV_NULL };
		} else if (type == 20 || type == 21 || type == 23) { /* int8, int2, int4 */
			v[k++] =
				(struct store_value){ .kind = SV_INT, .i = strtoll(val, NULL, 10) };
		} else if (type == 17) { /* bytea */
			size_t len;
			unsigned char *b = PQunescapeBytea((const unsigned char *)val, &len);

			if (!b)
				return sh_error_set(err, SH_ENOMEM, "out of memory");
			bytes[k] = b;
			v[k++] = (struct store_value){ .kind = SV_BLOB, .p = b, .len = len };
		} else {
			v[k++] = (struct store_value){ .kind = SV_TEXT,
						       .p = val,
						       .len = (size_t)PQgetlength(res, 0, i) };
		}
	}
	return SH_OK;
}

enum sh_code pg_rows_scan(struct store_conn *c, const char *table, store_row_fn fn, void *arg,
			  struct sh_error *err)
{
	const struct copy_table *t = copy_table_find(table, err);
	struct pconn *pc = pconn_of(c);
	enum sh_code rc = SH_OK;
	PGresult *res;
	char sql[160];

	if (!t)
		return err->code;
	snprintf(sql, sizeof(sql), "SELECT * FROM %s ORDER BY %s", t->name, t->pg_order);
	if (!PQsendQuery(pc->db, sql) || !PQsetSingleRowMode(pc->db))
		return fail(pc, NULL, err);
	while ((res = PQgetResult(pc->db))) {
		ExecStatusType st = PQresultStatus(res);

		if (st == PGRES_SINGLE_TUPLE && !rc) {
			int n = PQnfields(res), skip = -1;
			const char **cols = calloc((size_t)n, sizeof(*cols));
			struct store_value *v = calloc((size_t)n, sizeof(*v));
			unsigned char **bytes = calloc((size_t)n, sizeof(*bytes));

			if (t->pg_only)
				skip = PQfnumber(res, t->pg_only);
			if (!cols || !v || !bytes)
				rc = sh_error_set(err, SH_ENOMEM, "out of memory");
			else if (!(rc = row_values(res, skip, cols, v, bytes, err)))
				rc = fn(arg,
					&(struct store_row){ (size_t)(skip < 0 ? n : n - 1), cols,
							     v },
					err);
			for (int i = 0; bytes && i < n; i++)
				PQfreemem(bytes[i]);
			free(cols);
			free(v);
			free(bytes);
		} else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK && !rc) {
			rc = fail(pc, res, err);
		}
		PQclear(res); /* every result is read, so the connection is ready again */
	}
	return rc;
}

/* the rows in one INSERT ... VALUES (...), (...): one round trip for the batch */
enum sh_code pg_rows_insert(struct store_conn *c, const char *table, const struct store_row *rows,
			    size_t n, struct sh_error *err)
{
	const struct copy_table *t = copy_table_find(table, err);
	struct pconn *pc = pconn_of(c);
	struct buf sql = BUF_INIT;
	size_t cap = n * (n ? rows[0].n : 0) + 1;
	const char **vals = calloc(cap, sizeof(*vals));
	int *lens = calloc(cap, sizeof(*lens)), *fmts = calloc(cap, sizeof(*fmts));
	char(*nums)[32] = calloc(cap, sizeof(*nums));
	PGresult *res = NULL;
	enum sh_code rc = SH_OK;
	int k = 0;

	if (!t || !n || (rc = pg_need_writer(c, err)))
		goto out;
	if (!vals || !lens || !fmts || !nums) {
		rc = sh_error_set(err, SH_ENOMEM, "out of memory");
		goto out;
	}
	buf_addf(&sql, "INSERT INTO %s(", t->name);
	for (size_t i = 0, m = 0; i < rows[0].n; i++)
		if (!copy_column_generated(t, rows[0].cols[i]))
			buf_addf(&sql, "%s\"%s\"", m++ ? ", " : "", rows[0].cols[i]);
	buf_adds(&sql, ") VALUES ");
	for (size_t r = 0; r < n; r++) {
		buf_adds(&sql, r ? ", (" : "(");
		for (size_t i = 0, m = 0; i < rows[r].n; i++) {
			const struct store_value *v = &rows[r].v[i];

			if (copy_column_generated(t, rows[r].cols[i]))
				continue;
			buf_addf(&sql, "%s$%d", m++ ? ", " : "", k + 1);
			switch (v->kind) {
			case SV_INT:
				snprintf(nums[k], sizeof(nums[k]), "%" PRId64, v->i);
				vals[k] = nums[k];
				break;
			case SV_REAL:
				snprintf(nums[k], sizeof(nums[k]), "%.17g", v->r);
				vals[k] = nums[k];
				break;
			case SV_TEXT: vals[k] = v->p; break;
			case SV_BLOB:
				vals[k] = v->len ? v->p : "";
				lens[k] = (int)v->len;
				fmts[k] = 1;
				break;
			case SV_NULL: vals[k] = NULL; break;
			}
			k++;
		}
		buf_adds(&sql, ")");
	}
	if (!sql.data) {
		rc = sh_error_set(err, SH_ENOMEM, "out of memory");
		goto out;
	}
	res = PQexecParams(pc->db, sql.data, k, NULL, vals, lens, fmts, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = fail(pc, res, err);
out:
	PQclear(res);
	buf_release(&sql);
	free(vals);
	free(lens);
	free(fmts);
	free(nums);
	return t ? rc : err->code;
}

enum sh_code pg_copy_finish(struct store_conn *c, struct sh_error *err)
{
	struct pconn *pc = pconn_of(c);
	enum sh_code rc;
	char sql[256];

	if ((rc = pg_need_writer(c, err)))
		return rc;
	/* the identity sequences past the ids copied */
	for (size_t i = 0; i < copy_ntables; i++) {
		const struct copy_table *t = &copy_tables[i];

		if (strcmp(t->pg_order, "id"))
			continue;
		snprintf(sql, sizeof(sql),
			 "SELECT setval(pg_get_serial_sequence('%s', 'id'), max(id)) FROM %s"
			 " HAVING max(id) IS NOT NULL",
			 t->name, t->name);
		if ((rc = run(pc, sql, NULL, err)))
			return rc;
	}
	/* the chain's head: its last row, where the next append goes on from */
	return run(pc,
		   "UPDATE audit_head SET seq = a.seq, hash = a.hash FROM (SELECT seq, hash"
		   " FROM audit WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1) a"
		   " WHERE audit_head.id = 1",
		   NULL, err);
}
