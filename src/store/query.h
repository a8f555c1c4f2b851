#ifndef SH_STORE_QUERY_H
#define SH_STORE_QUERY_H
/*
 * What the backends share to run one statement text: typed values for its parameters, a
 * query as data (the SQL, the columns it reads into which record), and the three shapes
 * an operation written once (sql_*.c, the STORE_OP_SQL rows of ops.def) runs through,
 * each backend's own: sql_rows, sql_row, sql_write. Statements are written with SQLite's
 * numbered parameters ?1..?n; PostgreSQL prepares them with $1..$n (pg_placeholders), so
 * a statement both dialects read alike is written once. Nothing outside store/ includes
 * it.
 */
#include "lib/common.h"
#include "store/colmap.h"
#include "store/store.h"

/*
 * Typed values for a statement's parameters ?1..?n, in order. The constructors are
 * functions so that the compiler checks each value's type: sq_int (any integer or bool),
 * sq_text (NULL binds NULL), sq_id (a row id: 0 binds NULL), sq_blob (NULL binds NULL).
 * Text and blobs are copied when bound: the caller keeps what it passes.
 */
enum sq_kind { SQ_INT = 1, SQ_TEXT, SQ_ID, SQ_BLOB };
struct sq_val {
	enum sq_kind kind;
	int64_t i;
	const void *p;
	size_t len;
};
static inline struct sq_val sq_int(int64_t v)
{
	return (struct sq_val){ .kind = SQ_INT, .i = v };
}
static inline struct sq_val sq_text(const char *s)
{
	return (struct sq_val){ .kind = SQ_TEXT, .p = s };
}
static inline struct sq_val sq_id(int64_t id)
{
	return (struct sq_val){ .kind = SQ_ID, .i = id };
}
static inline struct sq_val sq_blob(const void *p, size_t len)
{
	return (struct sq_val){ .kind = SQ_BLOB, .p = p, .len = len };
}
/* The two arguments (array, count) that a statement's runner takes, from a list of values. */
#define SQ_VALS(...)                            \
	(const struct sq_val[]){ __VA_ARGS__ }, \
		sizeof((const struct sq_val[]){ __VA_ARGS__ }) / sizeof(struct sq_val)

/* What a write did: the rows changed and, when one was, the row inserted (SQLite's last
 * rowid; PostgreSQL's first RETURNING column: an INSERT written once ends RETURNING id);
 * both 0 on failure. */
struct sq_done {
	int64_t changes;
	int64_t rowid;
};

/*
 * A read as data: the SQL, and each column it selects read in order into the field of a
 * record of `size` bytes that cols names (store/colmap.h); when `then` is set, the
 * columns after those are read into the record at then_off (a pair: a session and its
 * user). Written with SQ_REC defined as the record's type: SQ_QUERY(sql, cols), or
 * SQ_QUERY_PAIR for a pair.
 */
struct sq_query {
	const char *sql;
	const struct sq_col *cols;
	size_t ncols;
	size_t size;
	const struct sq_col *then;
	size_t nthen, then_off;
};
#define SQ_QUERY(text, columns)                                                \
	{                                                                      \
		text, columns, ARRAY_SIZE(columns), sizeof(SQ_REC), NULL, 0, 0 \
	}
/* SQ_REC is a pair of records: the first member read from columns, the member `second`
 * from second_cols after them */
#define SQ_QUERY_PAIR(text, columns, second, second_cols)                        \
	{                                                                        \
		text, columns, ARRAY_SIZE(columns), sizeof(SQ_REC), second_cols, \
			ARRAY_SIZE(second_cols), offsetof(SQ_REC, second)        \
	}

/*
 * The shapes, on the backend the connection belongs to:
 * sql_rows: every row of q, as an arena array of records in *out (a T **), *n of them;
 * sql_row: the first row into out (zeroed first); without one, SH_ENOTFOUND with the text
 *   missing, or SH_OK with out left zeroed when missing is NULL;
 * sql_write: runs sql on a writable connection (a constraint failure is SH_ECONFLICT; with
 *   missing set, changing no row is SH_ENOTFOUND with that text); done may be NULL;
 * sql_insert: sql_write of an INSERT ... RETURNING id: *id the row made (0 when none was).
 * A count of values that is not the statement's parameters is SH_EINTERNAL.
 */
static inline enum sh_code sql_rows(struct store_conn *c, const struct sq_query *q, struct arena *a,
				    void *out, size_t *n, const struct sq_val *v, size_t nv,
				    struct sh_error *err)
{
	return c->store->ops->q_rows(c, q, a, out, n, v, nv, err);
}
static inline enum sh_code sql_row(struct store_conn *c, const struct sq_query *q,
				   const char *missing, struct arena *a, void *out,
				   const struct sq_val *v, size_t nv, struct sh_error *err)
{
	return c->store->ops->q_row(c, q, missing, a, out, v, nv, err);
}
static inline enum sh_code sql_write(struct store_conn *c, const char *sql, const char *missing,
				     struct sq_done *done, const struct sq_val *v, size_t nv,
				     struct sh_error *err)
{
	return c->store->ops->q_write(c, sql, missing, done, v, nv, err);
}
static inline enum sh_code sql_insert(struct store_conn *c, const char *sql, int64_t *id,
				      const struct sq_val *v, size_t nv, struct sh_error *err)
{
	struct sq_done done;
	enum sh_code rc = sql_write(c, sql, NULL, &done, v, nv, err);

	*id = done.rowid;
	return rc;
}
/* The first column of the first row as an integer into *out, or as text copied into a
 * (*out 0 or NULL without a row or for NULL). */
static inline enum sh_code sql_value(struct store_conn *c, const char *sql, int64_t *out,
				     const struct sq_val *v, size_t nv, struct sh_error *err)
{
	static const struct sq_col col[] = { { SQF_I64, 0, 0 } };
	const struct sq_query q = { sql, col, 1, sizeof(*out), NULL, 0, 0 };

	return sql_row(c, &q, NULL, NULL, out, v, nv, err);
}
static inline enum sh_code sql_text_value(struct store_conn *c, const char *sql, struct arena *a,
					  char **out, const struct sq_val *v, size_t nv,
					  struct sh_error *err)
{
	static const struct sq_col col[] = { { SQF_TEXT, 0, 0 } };
	const struct sq_query q = { sql, col, 1, sizeof(*out), NULL, 0, 0 };

	return sql_row(c, &q, NULL, a, out, v, nv, err);
}

#endif
