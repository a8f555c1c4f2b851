/* SQLite backend: listing and replacing sealed values (key rotation). */
#include "lib/common.h"
#include "store/sqlite_internal.h"

static const char *const list_sql[] = {
	[SEALED_IDENTITY] = "SELECT id, identity FROM youth ORDER BY id",
	/* texts under the field key (format 1); those under a youth's key stay as they are */
	[SEALED_EVENT_TEXT] = "SELECT id, sealed FROM events WHERE substr(sealed, 1, 1) = X'01'"
			      " ORDER BY id",
	[SEALED_DEFENDANT_NAME] = "SELECT id, name_sealed FROM defendants ORDER BY id",
	[SEALED_WEBHOOK_SECRET] = "SELECT user_id, webhook_secret FROM user_channels"
				  " WHERE webhook_secret IS NOT NULL ORDER BY user_id",
	[SEALED_TOTP_SECRET] = "SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL"
			       " ORDER BY id",
	[SEALED_YOUTH_KEY] = "SELECT youth_id, wrapped FROM youth_keys ORDER BY youth_id",
};
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

enum sh_code sqlite_sealed_list(struct store_conn *c, enum sealed_kind kind, struct arena *a,
				struct sealed_rec **out, size_t *n, struct sh_error *err)
{
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st;
	size_t cap = 0;
	bool row;
	enum sh_code rc;

	*out = NULL;
	*n = 0;
	if ((unsigned)kind >= ARRAY_SIZE(list_sql))
		return sh_error_set(err, SH_EINTERNAL, "unknown sealed kind");
	if (!(st = sq_prep(sc, list_sql[kind], err)))
		return err->code;
	while (!(rc = sq_step(sc, st, &row, err)) && row) {
		struct sealed_rec *r = sq_push(a, (void **)out, n, &cap, sizeof(**out));
		unsigned char *p;
		if (!r)
			return sh_error_set(err, SH_ENOMEM, "out of memory");
		r->id = sqlite3_column_int64(st, 0);
		r->len = (size_t)sqlite3_column_bytes(st, 1);
		if (!(p = arena_alloc(a, r->len + 1)))
			return sh_error_set(err, SH_ENOMEM, "out of memory");
		if (r->len)
			memcpy(p, sqlite3_column_blob(st, 1), r->len);
		r->blob = p;
	}
	sqlite3_reset(st);
	return rc;
}

/* only values under the field key (format 1) tell whether the key file is this database's */
static const char *const first_sql[] = {
	[SEALED_IDENTITY] = "SELECT id, identity FROM youth WHERE substr(identity, 1, 1) = X'01'"
			    " ORDER BY id LIMIT 1",
	[SEALED_EVENT_TEXT] = "SELECT id, sealed FROM events WHERE substr(sealed, 1, 1) = X'01'"
			      " ORDER BY id LIMIT 1",
	[SEALED_DEFENDANT_NAME] = "SELECT id, name_sealed FROM defendants ORDER BY id LIMIT 1",
	[SEALED_WEBHOOK_SECRET] = "SELECT user_id, webhook_secret FROM user_channels"
				  " WHERE webhook_secret IS NOT NULL ORDER BY user_id LIMIT 1",
	[SEALED_TOTP_SECRET] = "SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL"
			       " ORDER BY id LIMIT 1",
	[SEALED_YOUTH_KEY] = "SELECT youth_id, wrapped FROM youth_keys ORDER BY youth_id LIMIT 1",
};

enum sh_code sqlite_sealed_first(struct store_conn *c, enum sealed_kind kind, struct arena *a,
				 struct sealed_rec *r, struct sh_error *err)
{
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st;
	bool row;
	enum sh_code rc;

	memset(r, 0, sizeof(*r));
	if ((unsigned)kind >= ARRAY_SIZE(first_sql))
		return sh_error_set(err, SH_EINTERNAL, "unknown sealed kind");
	if (!(st = sq_prep(sc, first_sql[kind], err)))
		return err->code;
	if ((rc = sq_step(sc, st, &row, err)) || !row)
		return rc;
	r->id = sqlite3_column_int64(st, 0);
	r->blob = sq_col_blob(st, 1, a, &r->len);
	sqlite3_reset(st);
	return r->blob || !r->len ? SH_OK : sq_no_mem(err);
}

enum sh_code sqlite_sealed_set(struct store_conn *c, enum sealed_kind kind,
			       const struct sealed_rec *r, const char *blind_index,
			       struct sh_error *err)
{
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st;
	enum sh_code rc;

	if ((unsigned)kind >= ARRAY_SIZE(set_sql))
		return sh_error_set(err, SH_EINTERNAL, "unknown sealed kind");
	if (sq_need_writer(c, err) || !(st = sq_prep(sc, set_sql[kind], err)))
		return err->code;
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_blob(st, 2, r->blob, (int)r->len, SQLITE_TRANSIENT);
	sq_bind_text(st, 3, blind_index);
	if ((rc = sq_exec_stmt(sc, st, err)))
		return rc;
	/* a re-sealed event is anchored again: the chain's latest word on it is its new row */
	if (kind == SEALED_EVENT_TEXT)
		return sq_event_reanchor(c, r->id, (int64_t)time(NULL), "re-sealed", err);
	return SH_OK;
}
