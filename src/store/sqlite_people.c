/* SQLite backend: agencies, users, sessions and tokens. */
#include "lib/common.h"
#include "lib/catalog.h"
#include "store/sqlite_internal.h"
#include "store/user_cols.h"

/* a user_rec from USER_COLS at column i */
static void read_user(sqlite3_stmt *st, int i, struct arena *a, struct user_rec *u)
{
	SQ_MAP(st, i, a, u, user_cols);
}

static enum sh_code read_areas(struct sconn *sc, int64_t agency_id, struct arena *a,
			       const char ***out, struct sh_error *err)
{
	static const char sql[] =
		"SELECT area FROM agency_areas WHERE agency_id = ?1 ORDER BY area";
	sqlite3_stmt *st = sq_prep(sc, sql, err);
	const char **arr = NULL;
	size_t n = 0, cap = 0;
	bool row;
	enum sh_code rc;

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, agency_id);
	while (!(rc = sq_step(sc, st, &row, err)) && row) {
		const char **slot = sq_push(a, (void **)&arr, &n, &cap, sizeof(*arr) * 1);
		if (!slot)
			return sh_error_set(err, SH_ENOMEM, "out of memory");
		*slot = sq_col_text(st, 0, a);
	}
	sqlite3_reset(st);
	if (rc)
		return rc;
	if (!sq_push(a, (void **)&arr, &n, &cap, sizeof(*arr)))
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	*out = arr; /* the pushed slot is zeroed: NULL terminator */
	return SH_OK;
}

/* The agency's areas, added to those it has. */
static enum sh_code add_areas(struct store_conn *c, const struct agency_rec *r,
			      struct sh_error *err)
{
	static const char sql[] =
		"INSERT OR IGNORE INTO agency_areas(agency_id, area) VALUES (?1, ?2)";
	enum sh_code rc = SH_OK;

	for (const char **ar = r->areas; !rc && ar && *ar; ar++)
		rc = sq_write(c, sql, NULL, NULL, SQ_VALS(sq_int(r->id), sq_text(*ar)), err);
	return rc;
}

enum sh_code sqlite_agency_insert(struct store_conn *c, struct agency_rec *r, struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO agencies(name, kind, home_area, disabled, created_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5)";
	enum sh_code rc =
		sq_insert(c, sql, &r->id,
			  SQ_VALS(sq_text(r->name), sq_text(r->kind), sq_text(r->home_area),
				  sq_int(r->disabled), sq_int(r->created_at)),
			  err);

	if (rc == SH_ECONFLICT)
		return sh_error_field(err, SH_ECONFLICT, "name", "an agency with this name exists");
	return rc ? rc : add_areas(c, r, err);
}

#define SQ_REC struct agency_rec
static const struct sq_col agency_cols[] = {
	SQ_C(id),	SQ_C(name),	  SQ_C(kind),		SQ_C(home_area),
	SQ_C(disabled), SQ_C(created_at), SQ_C(password_signin)
};
#undef SQ_REC

SQ_MAPPER(read_agency, agency_cols)

enum sh_code sqlite_agency_get(struct store_conn *c, int64_t id, const char *name, struct arena *a,
			       struct agency_rec *out, struct sh_error *err)
{
	static const char by_id[] = "SELECT id, name, kind, home_area, disabled, created_at,"
				    " password_signin FROM agencies WHERE id = ?1";
	static const char by_name[] = "SELECT id, name, kind, home_area, disabled, created_at,"
				      " password_signin FROM agencies WHERE name = ?1";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st = sq_prep(sc, name ? by_name : by_id, err);
	enum sh_code rc;

	if (st && name)
		sq_bind_text(st, 1, name);
	else if (st)
		sqlite3_bind_int64(st, 1, id);
	if ((rc = sq_row(sc, st, read_agency, a, out, sizeof(*out), "no such agency", err)))
		return rc;
	return read_areas(sc, out->id, a, &out->areas, err);
}

enum sh_code sqlite_agency_list(struct store_conn *c, struct arena *a, struct agency_rec **out,
				size_t *n, struct sh_error *err)
{
	static const char sql[] = "SELECT id, name, kind, home_area, disabled, created_at,"
				  " password_signin FROM agencies ORDER BY name";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st = sq_prep(sc, sql, err);
	enum sh_code rc = sq_rows(sc, st, read_agency, a, out, n, sizeof(**out), err);

	for (size_t i = 0; !rc && i < *n; i++)
		rc = read_areas(sc, (*out)[i].id, a, &(*out)[i].areas, err);
	return rc;
}

/* A conflict on users: is it the account at the identity provider (another user has it)? */
static bool sso_taken(struct sconn *sc, const char *sso_id, struct sh_error *err)
{
	static const char sql[] = "SELECT 1 FROM users WHERE sso_id = ?1 COLLATE NOCASE";
	struct sh_error ignored = SH_ERROR_INIT;
	sqlite3_stmt *st;
	bool row = false;

	if (!sso_id || !(st = sq_prep(sc, sql, &ignored)))
		return false;
	sq_bind_text(st, 1, sso_id);
	sq_step(sc, st, &row, &ignored);
	sqlite3_reset(st);
	sh_error_init(err);
	if (row)
		sh_error_field(err, SH_ECONFLICT, "sso_id",
			       "another user has this account at the identity provider");
	return row;
}

enum sh_code sqlite_user_insert(struct store_conn *c, struct user_rec *r, struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO users(agency_id, username, display_name, contact, role, password_hash,"
		" disabled, created_at, last_active_at, sso_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
		" ?8, ?8, ?9)";
	enum sh_code rc = sq_insert(
		c, sql, &r->id,
		SQ_VALS(sq_int(r->agency_id), sq_text(r->username), sq_text(r->display_name),
			sq_text(r->contact), sq_text(r->role), sq_text(r->password_hash),
			sq_int(r->disabled), sq_int(r->created_at), sq_text(r->sso_id)),
		err);

	if (rc == SH_ECONFLICT)
		return sso_taken(sconn_of(c), r->sso_id, err)
			       ? err->code
			       : sh_error_field(err, SH_ECONFLICT, "username",
						"this username is taken");
	return rc;
}

/* a user_rec from USER_COLS at column 0 */
static void map_user(sqlite3_stmt *st, struct arena *a, void *rec)
{
	read_user(st, 0, a, rec);
}

enum sh_code sqlite_user_get(struct store_conn *c, int64_t id, const char *username,
			     struct arena *a, struct user_rec *out, struct sh_error *err)
{
	static const char by_id[] =
		"SELECT " USER_COLS
		" FROM users u JOIN agencies a ON a.id = u.agency_id WHERE u.id = ?1";
	static const char by_name[] = "SELECT " USER_COLS " FROM users u JOIN agencies a"
				      " ON a.id = u.agency_id WHERE u.username = ?1";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st = sq_prep(sc, username ? by_name : by_id, err);

	if (st) {
		if (username)
			sq_bind_text(st, 1, username);
		else
			sqlite3_bind_int64(st, 1, id);
	}
	return sq_row(sc, st, map_user, a, out, sizeof(*out), "no such user", err);
}

enum sh_code sqlite_user_list(struct store_conn *c, int64_t agency_id, struct arena *a,
			      struct user_rec **out, size_t *n, struct sh_error *err)
{
	static const char sql[] = "SELECT " USER_COLS " FROM users u JOIN agencies a"
				  " ON a.id = u.agency_id WHERE ?1 = 0 OR u.agency_id = ?1"
				  " ORDER BY u.username";
	return sq_rows_id(sconn_of(c), sql, agency_id, map_user, a, out, n, sizeof(**out), err);
}

#define SQ_REC struct token_rec
static const struct sq_col token_list_cols[] = {
	SQ_C(id),	  SQ_C(user_id),    SQ_C(username), SQ_C(label),      SQ_C(created_at),
	SQ_C(revoked_at), SQ_C(expires_at), SQ_C(scope),    SQ_C(created_by), SQ_C(created_by_name)
};
#undef SQ_REC

SQ_MAPPER(map_token_list, token_list_cols)

enum sh_code sqlite_token_list(struct store_conn *c, int64_t user_id, struct arena *a,
			       struct token_rec **out, size_t *n, struct sh_error *err)
{
	static const char sql[] =
		"SELECT t.id, t.user_id, u.username, t.label, t.created_at,"
		" t.revoked_at, t.expires_at, t.scope, t.created_by, c.display_name"
		" FROM tokens t JOIN users u ON u.id = t.user_id"
		" LEFT JOIN users c ON c.id = t.created_by"
		" WHERE ?1 = 0 OR t.user_id = ?1 ORDER BY t.id DESC";
	return sq_rows_id(sconn_of(c), sql, user_id, map_token_list, a, out, n, sizeof(**out), err);
}

/* ---- notices ---- */

#define SQ_REC struct notice_rec
static const struct sq_col notice_list_cols[] = {
	SQ_C(id),     SQ_C(agency_id),	SQ_C(kind),	    SQ_C(subject_id),	    SQ_C(actor_id),
	SQ_C(detail), SQ_C(created_at), SQ_C(subject_name), SQ_C(subject_username), SQ_C(actor_name)
};
#undef SQ_REC

SQ_MAPPER(map_notice_list, notice_list_cols)

enum sh_code sqlite_notice_list(struct store_conn *c, int64_t agency_id, int64_t subject_id,
				int limit, struct arena *a, struct notice_rec **out, size_t *n,
				struct sh_error *err)
{
	static const char sql[] =
		"SELECT n.id, n.agency_id, n.kind, n.subject_id, n.actor_id, n.detail, n.created_at,"
		" s.display_name, s.username, x.display_name FROM notices n"
		" JOIN users s ON s.id = n.subject_id LEFT JOIN users x ON x.id = n.actor_id"
		" WHERE (?1 = 0 AND ?2 = 0) OR n.agency_id = ?1 OR n.subject_id = ?2"
		" ORDER BY n.id DESC LIMIT ?3";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st = sq_bind(
		sc, sql, SQ_VALS(sq_int(agency_id), sq_int(subject_id), sq_int(limit)), err);

	return sq_rows(sc, st, map_notice_list, a, out, n, sizeof(**out), err);
}

enum sh_code sqlite_agency_update(struct store_conn *c, const struct agency_rec *r,
				  struct sh_error *err)
{
	static const char sql[] = "UPDATE agencies SET name = ?2, home_area = ?3 WHERE id = ?1";
	static const char clear[] = "DELETE FROM agency_areas WHERE agency_id = ?1";
	enum sh_code rc =
		sq_write(c, sql, "no such agency", NULL,
			 SQ_VALS(sq_int(r->id), sq_text(r->name), sq_text(r->home_area)), err);

	if (rc == SH_ECONFLICT)
		return sh_error_field(err, SH_ECONFLICT, "name", "an agency with this name exists");
	if (!rc)
		rc = sq_write(c, clear, NULL, NULL, SQ_VALS(sq_int(r->id)), err);
	return rc ? rc : add_areas(c, r, err);
}

/* ---- the account lifecycle and the second factor (issue 19) ---- */

enum sh_code sqlite_user_get_sso(struct store_conn *c, const char *sso_id, struct arena *a,
				 struct user_rec *out, struct sh_error *err)
{
	static const char sql[] = "SELECT " USER_COLS " FROM users u JOIN agencies a"
				  " ON a.id = u.agency_id WHERE u.sso_id = ?1 COLLATE NOCASE";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st = sq_bind(sc, sql, SQ_VALS(sq_text(sso_id)), err);

	return sq_row(sc, st, map_user, a, out, sizeof(*out), "no such user", err);
}

enum sh_code sqlite_user_set_sso(struct store_conn *c, int64_t id, const char *sso_id,
				 struct sh_error *err)
{
	static const char sql[] = "UPDATE users SET sso_id = ?2 WHERE id = ?1";
	enum sh_code rc =
		sq_write(c, sql, "no such user", NULL, SQ_VALS(sq_int(id), sq_text(sso_id)), err);

	if (rc == SH_ECONFLICT && sso_taken(sconn_of(c), sso_id, err))
		return err->code;
	return rc;
}

enum sh_code sqlite_recovery_codes_left(struct store_conn *c, int64_t user_id, int *n,
					struct sh_error *err)
{
	static const char sql[] = "SELECT count(*) FROM recovery_codes WHERE user_id = ?1"
				  " AND used_at = 0";
	struct sconn *sc = sconn_of(c);
	int64_t v;
	enum sh_code rc = sq_value(sc, sq_bind(sc, sql, SQ_VALS(sq_int(user_id)), err), &v, err);

	*n = (int)v;
	return rc;
}

/* ---- calendar feeds (store/records_agenda.h) ---- */
