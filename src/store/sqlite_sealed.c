/* SQLite backend: listing and replacing sealed values (key rotation). */
#include "lib/common.h"
#include "store/sqlite_internal.h"

/*
 * Each kind's rows, (id, value) oldest first: all of them (listed for a rotation), and
 * which tell whether the key file is this database's (the first is read): only values
 * under the field key (format 1). Event texts under a youth's key are neither: a
 * rotation leaves them as they are.
 */
#define SEALED_KINDS(X)                                                                            \
	X(SEALED_IDENTITY, "id, identity FROM youth", "1", "substr(identity, 1, 1) = X'01'", "id") \
	X(SEALED_EVENT_TEXT, "id, sealed FROM events", "substr(sealed, 1, 1) = X'01'",             \
	  "substr(sealed, 1, 1) = X'01'", "id")                                                    \
	X(SEALED_DEFENDANT_NAME, "id, name_sealed FROM defendants", "1", "1", "id")                \
	X(SEALED_WEBHOOK_SECRET, "user_id, webhook_secret FROM user_channels",                     \
	  "webhook_secret IS NOT NULL", "webhook_secret IS NOT NULL", "user_id")                   \
	X(SEALED_TOTP_SECRET, "id, totp_secret FROM users", "totp_secret IS NOT NULL",             \
	  "totp_secret IS NOT NULL", "id")                                                         \
	X(SEALED_YOUTH_KEY, "youth_id, wrapped FROM youth_keys", "1", "1", "youth_id")
#define LIST_SQL(kind, from, listed, first, order) \
	[kind] = "SELECT " from " WHERE " listed " ORDER BY " order,
#define FIRST_SQL(kind, from, listed, first, order) \
	[kind] = "SELECT " from " WHERE " first " ORDER BY " order " LIMIT 1",
static const char *const list_sql[] = { SEALED_KINDS(LIST_SQL) };
static const char *const first_sql[] = { SEALED_KINDS(FIRST_SQL) };
static const char *const set_sql[] = {
	[SEALED_IDENTITY] = "UPDATE youth SET identity = ?2, blind_index = ?3 WHERE id = ?1",
	[SEALED_EVENT_TEXT] = "UPDATE events SET sealed = ?2 WHERE id = ?1 AND ?3 IS NULL",
	[SEALED_DEFENDANT_NAME] =
		"UPDATE defendants SET name_sealed = ?2 WHERE id = ?1 AND ?3 IS NULL",
	[SEALED_WEBHOOK_SECRET] = ("UPDATE user_channels SET webhook_secret = ?2"
				   " WHERE user_id = ?1 AND ?3 IS NULL"),
	[SEALED_TOTP_SECRET] = "UPDATE users SET totp_secret = ?2 WHERE id = ?1 AND ?3 IS NULL",
	[SEALED_YOUTH_KEY] =
		"UPDATE youth_keys SET wrapped = ?2 WHERE youth_id = ?1 AND ?3 IS NULL",
};

/* (id, value) into a sealed_rec; a NULL value reads as an empty one */
static void read_sealed(sqlite3_stmt *st, struct arena *a, void *rec)
{
	struct sealed_rec *r = rec;

	r->id = sqlite3_column_int64(st, 0);
	r->blob = sq_col_blob(st, 1, a, &r->len);
	if (!r->blob && !r->len)
		r->blob = arena_alloc(a, 1);
}

enum sh_code sqlite_sealed_list(struct store_conn *c, enum sealed_kind kind, struct arena *a,
				struct sealed_rec **out, size_t *n, struct sh_error *err)
{
	struct sconn *sc = sconn_of(c);
	enum sh_code rc;

	*out = NULL;
	*n = 0;
	if ((unsigned)kind >= ARRAY_SIZE(list_sql))
		return sh_error_set(err, SH_EINTERNAL, "unknown sealed kind");
	rc = sq_rows(sc, sq_prep(sc, list_sql[kind], err), read_sealed, a, out, n, sizeof(**out),
		     err);
	for (size_t i = 0; !rc && i < *n; i++)
		if (!(*out)[i].blob)
			rc = sq_no_mem(err);
	return rc;
}

enum sh_code sqlite_sealed_first(struct store_conn *c, enum sealed_kind kind, struct arena *a,
				 struct sealed_rec *r, struct sh_error *err)
{
	struct sconn *sc = sconn_of(c);
	enum sh_code rc;

	memset(r, 0, sizeof(*r));
	if ((unsigned)kind >= ARRAY_SIZE(first_sql))
		return sh_error_set(err, SH_EINTERNAL, "unknown sealed kind");
	rc = sq_row(sc, sq_prep(sc, first_sql[kind], err), read_sealed, a, r, sizeof(*r), NULL,
		    err);
	if (!r->len)
		r->blob = NULL; /* no row, or an empty value: nothing to open */
	return rc || !r->len || r->blob ? rc : sq_no_mem(err);
}

enum sh_code sqlite_sealed_set(struct store_conn *c, enum sealed_kind kind,
			       const struct sealed_rec *r, const char *blind_index,
			       struct sh_error *err)
{
	enum sh_code rc;

	if ((unsigned)kind >= ARRAY_SIZE(set_sql))
		return sh_error_set(err, SH_EINTERNAL, "unknown sealed kind");
	if ((rc = sq_write(c, set_sql[kind], NULL, NULL,
			   SQ_VALS(sq_int(r->id), sq_blob(r->blob, r->len), sq_text(blind_index)),
			   err)))
		return rc;
	/* a re-sealed event is anchored again: the chain's latest word on it is its new row */
	if (kind == SEALED_EVENT_TEXT)
		return sq_event_reanchor(c, r->id, (int64_t)time(NULL), "re-sealed", err);
	return SH_OK;
}
