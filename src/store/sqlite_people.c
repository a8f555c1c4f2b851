/* SQLite backend: agencies, users, sessions and tokens. */
#include "lib/common.h"
#include "lib/catalog.h"
#include "store/sqlite_internal.h"

#define USER_COLS                                                                            \
	"u.id, u.agency_id, u.username, u.display_name, u.contact, u.role, u.password_hash," \
	" u.disabled, u.failed_logins, u.locked_until, u.created_at, a.name, a.kind,"        \
	" a.home_area, a.disabled, u.totp_secret, u.totp_enrolled_at, u.totp_last_step,"     \
	" u.last_active_at, u.sso_id, a.password_signin"

static void read_user(sqlite3_stmt *st, int i, struct arena *a, struct user_rec *u)
{
	u->id = sqlite3_column_int64(st, i + 0);
	u->agency_id = sqlite3_column_int64(st, i + 1);
	u->username = sq_col_text(st, i + 2, a);
	u->display_name = sq_col_text(st, i + 3, a);
	u->contact = sq_col_text(st, i + 4, a);
	u->role = sq_col_text(st, i + 5, a);
	u->password_hash = sq_col_text(st, i + 6, a);
	u->disabled = sqlite3_column_int(st, i + 7) != 0;
	u->failed_logins = sqlite3_column_int(st, i + 8);
	u->locked_until = sqlite3_column_int64(st, i + 9);
	u->created_at = sqlite3_column_int64(st, i + 10);
	u->agency_name = sq_col_text(st, i + 11, a);
	u->agency_kind = sq_col_text(st, i + 12, a);
	u->agency_home_area = sq_col_text(st, i + 13, a);
	u->agency_disabled = sqlite3_column_int(st, i + 14) != 0;
	u->totp_secret = sq_col_blob(st, i + 15, a, &u->totp_secret_len);
	u->totp_enrolled_at = sqlite3_column_int64(st, i + 16);
	u->totp_last_step = sqlite3_column_int64(st, i + 17);
	u->last_active_at = sqlite3_column_int64(st, i + 18);
	u->sso_id = sq_col_text(st, i + 19, a);
	u->agency_password_signin = sqlite3_column_int(st, i + 20) != 0;
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

enum sh_code sqlite_agency_insert(struct store_conn *c, struct agency_rec *r, struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO agencies(name, kind, home_area, disabled, created_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5)";
	static const char area_sql[] =
		"INSERT OR IGNORE INTO agency_areas(agency_id, area) VALUES (?1, ?2)";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st;
	enum sh_code rc;

	if (sq_need_writer(c, err) || !(st = sq_prep(sc, sql, err)))
		return err->code;
	sq_bind_text(st, 1, r->name);
	sq_bind_text(st, 2, r->kind);
	sq_bind_text(st, 3, r->home_area);
	sqlite3_bind_int(st, 4, r->disabled);
	sqlite3_bind_int64(st, 5, r->created_at);
	rc = sq_exec_stmt(sc, st, err);
	if (rc == SH_ECONFLICT)
		return sh_error_field(err, SH_ECONFLICT, "name", "an agency with this name exists");
	if (rc)
		return rc;
	r->id = sqlite3_last_insert_rowid(sc->db);
	for (const char **ar = r->areas; ar && *ar; ar++) {
		if (!(st = sq_prep(sc, area_sql, err)))
			return err->code;
		sqlite3_bind_int64(st, 1, r->id);
		sq_bind_text(st, 2, *ar);
		if ((rc = sq_exec_stmt(sc, st, err)))
			return rc;
	}
	return SH_OK;
}

static void read_agency(sqlite3_stmt *st, struct arena *a, void *rec)
{
	struct agency_rec *r = rec;

	r->id = sqlite3_column_int64(st, 0);
	r->name = sq_col_text(st, 1, a);
	r->kind = sq_col_text(st, 2, a);
	r->home_area = sq_col_text(st, 3, a);
	r->disabled = sqlite3_column_int(st, 4) != 0;
	r->created_at = sqlite3_column_int64(st, 5);
	r->password_signin = sqlite3_column_int(st, 6) != 0;
}

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

static enum sh_code exec_id_flag(struct store_conn *c, const char *sql, int64_t id, int64_t v,
				 const char *what,
				 struct sh_error *err) /* what: the refusal when no row changes */
{
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st;
	enum sh_code rc;

	if (sq_need_writer(c, err) || !(st = sq_prep(sc, sql, err)))
		return err->code;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, v);
	if ((rc = sq_exec_stmt(sc, st, err)))
		return rc;
	if (what && sqlite3_changes(sc->db) == 0)
		return sh_error_set(err, SH_ENOTFOUND, "%s", what);
	return SH_OK;
}

enum sh_code sqlite_agency_set_disabled(struct store_conn *c, int64_t id, bool disabled,
					struct sh_error *err)
{
	static const char sql[] = "UPDATE agencies SET disabled = ?2 WHERE id = ?1";

	return exec_id_flag(c, sql, id, disabled, N_("no such agency"), err);
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
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st;
	enum sh_code rc;

	if (sq_need_writer(c, err) || !(st = sq_prep(sc, sql, err)))
		return err->code;
	sqlite3_bind_int64(st, 1, r->agency_id);
	sq_bind_text(st, 2, r->username);
	sq_bind_text(st, 3, r->display_name);
	sq_bind_text(st, 4, r->contact);
	sq_bind_text(st, 5, r->role);
	sq_bind_text(st, 6, r->password_hash);
	sqlite3_bind_int(st, 7, r->disabled);
	sqlite3_bind_int64(st, 8, r->created_at);
	sq_bind_text(st, 9, r->sso_id);
	rc = sq_exec_stmt(sc, st, err);
	if (rc == SH_ECONFLICT)
		return sso_taken(sc, r->sso_id, err) ? err->code
						     : sh_error_field(err, SH_ECONFLICT, "username",
								      "this username is taken");
	if (!rc)
		r->id = sqlite3_last_insert_rowid(sc->db);
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

static const char feed_remove[] = "DELETE FROM calendar_feeds WHERE user_id = ?1 AND ?2 = ?2";

/* Every session, bearer token and calendar feed of the user ends now (disabled, a new
 * password, another agency or role). */
static enum sh_code revoke_user_access(struct store_conn *c, int64_t user_id, int64_t now,
				       struct sh_error *err)
{
	static const char sessions[] =
		"UPDATE sessions SET revoked = 1 WHERE user_id = ?1 AND ?2 = ?2";
	static const char tokens[] = "UPDATE tokens SET revoked_at = ?2 WHERE user_id = ?1"
				     " AND revoked_at = 0";
	enum sh_code rc = exec_id_flag(c, sessions, user_id, 0, NULL, err);

	if (!rc)
		rc = exec_id_flag(c, tokens, user_id, now, NULL, err);
	return rc ? rc : exec_id_flag(c, feed_remove, user_id, 0, NULL, err);
}

enum sh_code sqlite_user_set_disabled(struct store_conn *c, int64_t id, bool disabled, int64_t now,
				      struct sh_error *err)
{
	static const char sql[] = "UPDATE users SET disabled = ?2 WHERE id = ?1";
	/* enabled again: its time without use starts again, or the next sweep disables it */
	static const char used[] = "UPDATE users SET last_active_at = ?2 WHERE id = ?1";
	enum sh_code rc = exec_id_flag(c, sql, id, disabled, N_("no such user"), err);

	if (rc)
		return rc;
	return disabled ? revoke_user_access(c, id, now, err)
			: exec_id_flag(c, used, id, now, NULL, err);
}

enum sh_code sqlite_user_set_password(struct store_conn *c, int64_t id, const char *hash,
				      int64_t now, struct sh_error *err)
{
	static const char sql[] = "UPDATE users SET password_hash = ?2, failed_logins = 0,"
				  " locked_until = 0 WHERE id = ?1";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st;
	enum sh_code rc;

	if (sq_need_writer(c, err) || !(st = sq_prep(sc, sql, err)))
		return err->code;
	sqlite3_bind_int64(st, 1, id);
	sq_bind_text(st, 2, hash);
	if ((rc = sq_exec_stmt(sc, st, err)))
		return rc;
	if (sqlite3_changes(sc->db) == 0)
		return sh_error_set(err, SH_ENOTFOUND, "no such user");
	return revoke_user_access(c, id, now, err);
}

enum sh_code sqlite_session_insert(struct store_conn *c, const struct session_rec *r,
				   struct sh_error *err)
{
	static const char sql[] = "INSERT INTO sessions(id_hash, user_id, csrf_token, created_at,"
				  " last_seen, stage, method) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st;

	if (sq_need_writer(c, err) || !(st = sq_prep(sc, sql, err)))
		return err->code;
	sq_bind_text(st, 1, r->id_hash);
	sqlite3_bind_int64(st, 2, r->user_id);
	sq_bind_text(st, 3, r->csrf_token);
	sqlite3_bind_int64(st, 4, r->created_at);
	sqlite3_bind_int64(st, 5, r->last_seen);
	sq_bind_text(st, 6, r->stage ? r->stage : "full");
	sq_bind_text(st, 7, r->method ? r->method : "password");
	return sq_exec_stmt(sc, st, err);
}

enum sh_code sqlite_session_get(struct store_conn *c, const char *id_hash, struct arena *a,
				struct session_rec *out, struct user_rec *user,
				struct sh_error *err)
{
	static const char sql[] = "SELECT s.id_hash, s.user_id, s.csrf_token, s.created_at,"
				  " s.last_seen, s.revoked, s.stage, s.method, " USER_COLS
				  " FROM sessions s JOIN users u ON u.id = s.user_id"
				  " JOIN agencies a ON a.id = u.agency_id WHERE s.id_hash = ?1";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st = sq_prep(sc, sql, err);
	bool row;
	enum sh_code rc;

	if (!st)
		return err->code;
	sq_bind_text(st, 1, id_hash);
	if ((rc = sq_step(sc, st, &row, err)))
		return rc;
	if (!row)
		return sh_error_set(err, SH_ENOTFOUND, "no such session");
	out->id_hash = sq_col_text(st, 0, a);
	out->user_id = sqlite3_column_int64(st, 1);
	out->csrf_token = sq_col_text(st, 2, a);
	out->created_at = sqlite3_column_int64(st, 3);
	out->last_seen = sqlite3_column_int64(st, 4);
	out->revoked = sqlite3_column_int(st, 5) != 0;
	out->stage = sq_col_text(st, 6, a);
	out->method = sq_col_text(st, 7, a);
	read_user(st, 8, a, user);
	sqlite3_reset(st);
	return SH_OK;
}

enum sh_code sqlite_session_touch(struct store_conn *c, const char *id_hash, int64_t now,
				  struct sh_error *err)
{
	static const char sql[] = "UPDATE sessions SET last_seen = ?2 WHERE id_hash = ?1";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st;

	if (sq_need_writer(c, err) || !(st = sq_prep(sc, sql, err)))
		return err->code;
	sq_bind_text(st, 1, id_hash);
	sqlite3_bind_int64(st, 2, now);
	return sq_exec_stmt(sc, st, err);
}

enum sh_code sqlite_session_revoke(struct store_conn *c, const char *id_hash, struct sh_error *err)
{
	static const char sql[] = "UPDATE sessions SET revoked = 1 WHERE id_hash = ?1";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st;

	if (sq_need_writer(c, err) || !(st = sq_prep(sc, sql, err)))
		return err->code;
	sq_bind_text(st, 1, id_hash);
	return sq_exec_stmt(sc, st, err);
}

enum sh_code sqlite_token_insert(struct store_conn *c, struct token_rec *r, struct sh_error *err)
{
	static const char sql[] = "INSERT INTO tokens(hash, user_id, label, created_at, expires_at,"
				  " scope, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st;
	enum sh_code rc;

	if (sq_need_writer(c, err) || !(st = sq_prep(sc, sql, err)))
		return err->code;
	sq_bind_text(st, 1, r->hash);
	sqlite3_bind_int64(st, 2, r->user_id);
	sq_bind_text(st, 3, r->label);
	sqlite3_bind_int64(st, 4, r->created_at);
	sqlite3_bind_int64(st, 5, r->expires_at);
	sq_bind_text(st, 6, r->scope ? r->scope : "write");
	sqlite3_bind_int64(st, 7, r->created_by);
	rc = sq_exec_stmt(sc, st, err);
	if (!rc)
		r->id = sqlite3_last_insert_rowid(sc->db);
	return rc;
}

enum sh_code sqlite_token_get(struct store_conn *c, const char *hash, struct arena *a,
			      struct token_rec *out, struct user_rec *user, struct sh_error *err)
{
	static const char sql[] = "SELECT t.id, t.user_id, t.label, t.created_at, t.expires_at,"
				  " t.scope, t.created_by, " USER_COLS
				  " FROM tokens t JOIN users u ON u.id = t.user_id"
				  " JOIN agencies a ON a.id = u.agency_id"
				  " WHERE t.hash = ?1 AND t.revoked_at = 0";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st = sq_prep(sc, sql, err);
	bool row;
	enum sh_code rc;

	if (!st)
		return err->code;
	sq_bind_text(st, 1, hash);
	if ((rc = sq_step(sc, st, &row, err)))
		return rc;
	if (!row)
		return sh_error_set(err, SH_ENOTFOUND, "no such token");
	out->id = sqlite3_column_int64(st, 0);
	out->user_id = sqlite3_column_int64(st, 1);
	out->label = sq_col_text(st, 2, a);
	out->created_at = sqlite3_column_int64(st, 3);
	out->expires_at = sqlite3_column_int64(st, 4);
	out->scope = sq_col_text(st, 5, a);
	out->created_by = sqlite3_column_int64(st, 6);
	out->hash = NULL;
	read_user(st, 7, a, user);
	sqlite3_reset(st);
	return SH_OK;
}

static void map_token_list(sqlite3_stmt *st, struct arena *a, void *rec)
{
	struct token_rec *t = rec;

	t->id = sqlite3_column_int64(st, 0);
	t->user_id = sqlite3_column_int64(st, 1);
	t->username = sq_col_text(st, 2, a);
	t->label = sq_col_text(st, 3, a);
	t->created_at = sqlite3_column_int64(st, 4);
	t->revoked_at = sqlite3_column_int64(st, 5);
	t->expires_at = sqlite3_column_int64(st, 6);
	t->scope = sq_col_text(st, 7, a);
	t->created_by = sqlite3_column_int64(st, 8);
	t->created_by_name = sq_col_text(st, 9, a);
}

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

enum sh_code sqlite_token_revoke(struct store_conn *c, int64_t id, int64_t at, struct sh_error *err)
{
	static const char sql[] =
		"UPDATE tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at = 0";

	return exec_id_flag(c, sql, id, at, N_("no such valid token"), err);
}

/* ---- notices ---- */

enum sh_code sqlite_notice_insert(struct store_conn *c, struct notice_rec *r, struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO notices(agency_id, kind, subject_id, actor_id, detail,"
		" created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st;
	enum sh_code rc;

	if (sq_need_writer(c, err) || !(st = sq_prep(sc, sql, err)))
		return err->code;
	sqlite3_bind_int64(st, 1, r->agency_id);
	sq_bind_text(st, 2, r->kind);
	sqlite3_bind_int64(st, 3, r->subject_id);
	sqlite3_bind_int64(st, 4, r->actor_id);
	sq_bind_text(st, 5, r->detail);
	sqlite3_bind_int64(st, 6, r->created_at);
	if (!(rc = sq_exec_stmt(sc, st, err)))
		r->id = sqlite3_last_insert_rowid(sc->db);
	return rc;
}

static void map_notice_list(sqlite3_stmt *st, struct arena *a, void *rec)
{
	struct notice_rec *r = rec;

	r->id = sqlite3_column_int64(st, 0);
	r->agency_id = sqlite3_column_int64(st, 1);
	r->kind = sq_col_text(st, 2, a);
	r->subject_id = sqlite3_column_int64(st, 3);
	r->actor_id = sqlite3_column_int64(st, 4);
	r->detail = sq_col_text(st, 5, a);
	r->created_at = sqlite3_column_int64(st, 6);
	r->subject_name = sq_col_text(st, 7, a);
	r->subject_username = sq_col_text(st, 8, a);
	r->actor_name = sq_col_text(st, 9, a);
}

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
	sqlite3_stmt *st = sq_prep(sc, sql, err);

	if (st) {
		sqlite3_bind_int64(st, 1, agency_id);
		sqlite3_bind_int64(st, 2, subject_id);
		sqlite3_bind_int(st, 3, limit);
	}
	return sq_rows(sc, st, map_notice_list, a, out, n, sizeof(**out), err);
}

enum sh_code sqlite_user_revoke_access(struct store_conn *c, int64_t id, int64_t now,
				       struct sh_error *err)
{
	return revoke_user_access(c, id, now, err);
}

enum sh_code sqlite_user_update(struct store_conn *c, const struct user_rec *r,
				struct sh_error *err)
{
	static const char sql[] = "UPDATE users SET agency_id = ?2, role = ?3, display_name = ?4,"
				  " contact = ?5 WHERE id = ?1";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st;
	enum sh_code rc;

	if (sq_need_writer(c, err) || !(st = sq_prep(sc, sql, err)))
		return err->code;
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_int64(st, 2, r->agency_id);
	sq_bind_text(st, 3, r->role);
	sq_bind_text(st, 4, r->display_name);
	sq_bind_text(st, 5, r->contact);
	if ((rc = sq_exec_stmt(sc, st, err)))
		return rc;
	if (sqlite3_changes(sc->db) == 0)
		return sh_error_set(err, SH_ENOTFOUND, "no such user");
	return SH_OK;
}

enum sh_code sqlite_agency_update(struct store_conn *c, const struct agency_rec *r,
				  struct sh_error *err)
{
	static const char sql[] = "UPDATE agencies SET name = ?2, home_area = ?3 WHERE id = ?1";
	static const char clear[] = "DELETE FROM agency_areas WHERE agency_id = ?1";
	static const char area_sql[] =
		"INSERT OR IGNORE INTO agency_areas(agency_id, area) VALUES (?1, ?2)";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st;
	enum sh_code rc;

	if (sq_need_writer(c, err) || !(st = sq_prep(sc, sql, err)))
		return err->code;
	sqlite3_bind_int64(st, 1, r->id);
	sq_bind_text(st, 2, r->name);
	sq_bind_text(st, 3, r->home_area);
	rc = sq_exec_stmt(sc, st, err);
	if (rc == SH_ECONFLICT)
		return sh_error_field(err, SH_ECONFLICT, "name", "an agency with this name exists");
	if (rc)
		return rc;
	if (sqlite3_changes(sc->db) == 0)
		return sh_error_set(err, SH_ENOTFOUND, "no such agency");
	if (!(st = sq_prep(sc, clear, err)))
		return err->code;
	sqlite3_bind_int64(st, 1, r->id);
	if ((rc = sq_exec_stmt(sc, st, err)))
		return rc;
	for (const char **ar = r->areas; ar && *ar; ar++) {
		if (!(st = sq_prep(sc, area_sql, err)))
			return err->code;
		sqlite3_bind_int64(st, 1, r->id);
		sq_bind_text(st, 2, *ar);
		if ((rc = sq_exec_stmt(sc, st, err)))
			return rc;
	}
	return SH_OK;
}

/* ---- the account lifecycle and the second factor (issue 19) ---- */

enum sh_code sqlite_user_get_sso(struct store_conn *c, const char *sso_id, struct arena *a,
				 struct user_rec *out, struct sh_error *err)
{
	static const char sql[] = "SELECT " USER_COLS " FROM users u JOIN agencies a"
				  " ON a.id = u.agency_id WHERE u.sso_id = ?1 COLLATE NOCASE";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st = sq_prep(sc, sql, err);

	if (st) {
		sq_bind_text(st, 1, sso_id);
	}
	return sq_row(sc, st, map_user, a, out, sizeof(*out), "no such user", err);
}

enum sh_code sqlite_user_set_sso(struct store_conn *c, int64_t id, const char *sso_id,
				 struct sh_error *err)
{
	static const char sql[] = "UPDATE users SET sso_id = ?2 WHERE id = ?1";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st;
	enum sh_code rc;

	if (sq_need_writer(c, err) || !(st = sq_prep(sc, sql, err)))
		return err->code;
	sqlite3_bind_int64(st, 1, id);
	sq_bind_text(st, 2, sso_id);
	rc = sq_exec_stmt(sc, st, err);
	if (rc == SH_ECONFLICT && sso_taken(sc, sso_id, err))
		return err->code;
	if (!rc && sqlite3_changes(sc->db) == 0)
		return sh_error_set(err, SH_ENOTFOUND, "no such user");
	return rc;
}

enum sh_code sqlite_user_touch(struct store_conn *c, int64_t id, int64_t now, struct sh_error *err)
{
	static const char sql[] = "UPDATE users SET last_active_at = ?2 WHERE id = ?1";

	return exec_id_flag(c, sql, id, now, NULL, err);
}

enum sh_code sqlite_users_inactive(struct store_conn *c, int64_t before, struct arena *a,
				   struct user_rec **out, size_t *n, struct sh_error *err)
{
	static const char sql[] =
		"SELECT " USER_COLS " FROM users u JOIN agencies a"
		" ON a.id = u.agency_id WHERE u.disabled = 0 AND u.last_active_at < ?1"
		" ORDER BY u.id";
	return sq_rows_id(sconn_of(c), sql, before, map_user, a, out, n, sizeof(**out), err);
}

enum sh_code sqlite_user_totp_set(struct store_conn *c, int64_t id, const unsigned char *sealed,
				  size_t len, int64_t enrolled_at, struct sh_error *err)
{
	static const char sql[] = "UPDATE users SET totp_secret = ?2, totp_enrolled_at = ?3,"
				  " totp_last_step = 0 WHERE id = ?1";
	static const char codes[] = "DELETE FROM recovery_codes WHERE user_id = ?1 AND ?2 = ?2";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st;
	enum sh_code rc;

	if (sq_need_writer(c, err) || !(st = sq_prep(sc, sql, err)))
		return err->code;
	sqlite3_bind_int64(st, 1, id);
	if (sealed)
		sqlite3_bind_blob(st, 2, sealed, (int)len, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_int64(st, 3, enrolled_at);
	if ((rc = sq_exec_stmt(sc, st, err)))
		return rc;
	if (sqlite3_changes(sc->db) == 0)
		return sh_error_set(err, SH_ENOTFOUND, "no such user");
	return sealed ? SH_OK : exec_id_flag(c, codes, id, 0, NULL, err);
}

enum sh_code sqlite_user_totp_use(struct store_conn *c, int64_t id, int64_t step, bool *fresh,
				  struct sh_error *err)
{
	static const char sql[] = "UPDATE users SET totp_last_step = ?2 WHERE id = ?1"
				  " AND totp_last_step < ?2";
	struct sconn *sc = sconn_of(c);
	enum sh_code rc = exec_id_flag(c, sql, id, step, NULL, err);

	*fresh = !rc && sqlite3_changes(sc->db) == 1;
	return rc;
}

enum sh_code sqlite_recovery_codes_set(struct store_conn *c, int64_t user_id,
				       const char *const *hashes, size_t n, struct sh_error *err)
{
	static const char del[] = "DELETE FROM recovery_codes WHERE user_id = ?1 AND ?2 = ?2";
	static const char ins[] = "INSERT INTO recovery_codes(user_id, hash) VALUES (?1, ?2)";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st;
	enum sh_code rc = exec_id_flag(c, del, user_id, 0, NULL, err);

	for (size_t i = 0; !rc && i < n; i++) {
		if (!(st = sq_prep(sc, ins, err)))
			return err->code;
		sqlite3_bind_int64(st, 1, user_id);
		sq_bind_text(st, 2, hashes[i]);
		rc = sq_exec_stmt(sc, st, err);
	}
	return rc;
}

enum sh_code sqlite_recovery_code_use(struct store_conn *c, int64_t user_id, const char *hash,
				      int64_t at, bool *used, struct sh_error *err)
{
	static const char sql[] = "UPDATE recovery_codes SET used_at = ?3"
				  " WHERE id = (SELECT id FROM recovery_codes WHERE user_id = ?1"
				  " AND hash = ?2 AND used_at = 0 LIMIT 1)";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st;
	enum sh_code rc;

	*used = false;
	if (sq_need_writer(c, err) || !(st = sq_prep(sc, sql, err)))
		return err->code;
	sqlite3_bind_int64(st, 1, user_id);
	sq_bind_text(st, 2, hash);
	sqlite3_bind_int64(st, 3, at);
	if (!(rc = sq_exec_stmt(sc, st, err)))
		*used = sqlite3_changes(sc->db) == 1;
	return rc;
}

enum sh_code sqlite_recovery_codes_left(struct store_conn *c, int64_t user_id, int *n,
					struct sh_error *err)
{
	static const char sql[] = "SELECT count(*) FROM recovery_codes WHERE user_id = ?1"
				  " AND used_at = 0";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st = sq_prep(sc, sql, err);
	bool row;
	enum sh_code rc;

	*n = 0;
	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, user_id);
	if (!(rc = sq_step(sc, st, &row, err)) && row)
		*n = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return rc;
}

enum sh_code sqlite_agency_set_password_signin(struct store_conn *c, int64_t id, bool allowed,
					       struct sh_error *err)
{
	static const char sql[] = "UPDATE agencies SET password_signin = ?2 WHERE id = ?1";

	return exec_id_flag(c, sql, id, allowed, N_("no such agency"), err);
}

enum sh_code sqlite_oidc_request_put(struct store_conn *c, const struct oidc_request_rec *r,
				     int64_t stale, struct sh_error *err)
{
	static const char drop[] = "DELETE FROM oidc_requests WHERE created_at < ?1";
	static const char sql[] =
		"INSERT INTO oidc_requests(state_hash, binding_hash, nonce,"
		" verifier, return_to, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st;
	enum sh_code rc;

	if (sq_need_writer(c, err) || !(st = sq_prep(sc, drop, err)))
		return err->code;
	sqlite3_bind_int64(st, 1, stale);
	if ((rc = sq_exec_stmt(sc, st, err)) || !(st = sq_prep(sc, sql, err)))
		return rc ? rc : err->code;
	sq_bind_text(st, 1, r->state_hash);
	sq_bind_text(st, 2, r->binding_hash);
	sq_bind_text(st, 3, r->nonce);
	sq_bind_text(st, 4, r->verifier);
	sq_bind_text(st, 5, r->return_to);
	sqlite3_bind_int64(st, 6, r->created_at);
	return sq_exec_stmt(sc, st, err);
}

enum sh_code sqlite_oidc_request_take(struct store_conn *c, const char *state_hash, struct arena *a,
				      struct oidc_request_rec *out, struct sh_error *err)
{
	static const char sql[] =
		"DELETE FROM oidc_requests WHERE state_hash = ?1 RETURNING"
		" state_hash, binding_hash, nonce, verifier, return_to, created_at";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st;
	bool row;
	enum sh_code rc;

	memset(out, 0, sizeof(*out));
	if (sq_need_writer(c, err) || !(st = sq_prep(sc, sql, err)))
		return err->code;
	sq_bind_text(st, 1, state_hash);
	if ((rc = sq_step(sc, st, &row, err)))
		return rc;
	if (row) {
		out->state_hash = sq_col_text(st, 0, a);
		out->binding_hash = sq_col_text(st, 1, a);
		out->nonce = sq_col_text(st, 2, a);
		out->verifier = sq_col_text(st, 3, a);
		out->return_to = sq_col_text(st, 4, a);
		out->created_at = sqlite3_column_int64(st, 5);
		/* step to the end so the DELETE completes */
		while (!(rc = sq_step(sc, st, &row, err)) && row)
			;
	}
	sqlite3_reset(st);
	if (rc)
		return rc;
	return out->state_hash ? SH_OK : sh_error_set(err, SH_ENOTFOUND, "no such sign-in");
}

/* ---- calendar feeds (store/records_agenda.h) ---- */

enum sh_code sqlite_calendar_feed_put(struct store_conn *c, int64_t user_id, const char *hash,
				      bool mine, int64_t now, struct sh_error *err)
{
	static const char sql[] = "INSERT INTO calendar_feeds(user_id, hash, mine, created_at)"
				  " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(user_id) DO UPDATE SET"
				  " hash = excluded.hash, mine = excluded.mine,"
				  " created_at = excluded.created_at, used_at = 0";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st;

	if (sq_need_writer(c, err) || !(st = sq_prep(sc, sql, err)))
		return err->code;
	sqlite3_bind_int64(st, 1, user_id);
	sq_bind_text(st, 2, hash);
	sqlite3_bind_int(st, 3, mine);
	sqlite3_bind_int64(st, 4, now);
	return sq_exec_stmt(sc, st, err);
}

static void read_feed(sqlite3_stmt *st, struct calendar_feed_rec *out)
{
	out->user_id = sqlite3_column_int64(st, 0);
	out->mine = sqlite3_column_int(st, 1) != 0;
	out->created_at = sqlite3_column_int64(st, 2);
	out->used_at = sqlite3_column_int64(st, 3);
}

enum sh_code sqlite_calendar_feed_get(struct store_conn *c, int64_t user_id,
				      struct calendar_feed_rec *out, struct sh_error *err)
{
	static const char sql[] = "SELECT user_id, mine, created_at, used_at FROM calendar_feeds"
				  " WHERE user_id = ?1";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st = sq_prep(sc, sql, err);
	bool row;
	enum sh_code rc;

	memset(out, 0, sizeof(*out));
	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, user_id);
	if ((rc = sq_step(sc, st, &row, err)) || !row)
		return rc;
	read_feed(st, out);
	sqlite3_reset(st);
	return SH_OK;
}

enum sh_code sqlite_calendar_feed_find(struct store_conn *c, const char *hash, struct arena *a,
				       struct calendar_feed_rec *out, struct user_rec *user,
				       struct sh_error *err)
{
	static const char sql[] = "SELECT f.user_id, f.mine, f.created_at, f.used_at, " USER_COLS
				  " FROM calendar_feeds f JOIN users u ON u.id = f.user_id"
				  " JOIN agencies a ON a.id = u.agency_id WHERE f.hash = ?1";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st = sq_prep(sc, sql, err);
	bool row;
	enum sh_code rc;

	memset(out, 0, sizeof(*out));
	if (!st)
		return err->code;
	sq_bind_text(st, 1, hash);
	if ((rc = sq_step(sc, st, &row, err)))
		return rc;
	if (!row)
		return sh_error_set(err, SH_ENOTFOUND, "no such calendar");
	read_feed(st, out);
	read_user(st, 4, a, user);
	sqlite3_reset(st);
	return SH_OK;
}

enum sh_code sqlite_calendar_feed_remove(struct store_conn *c, int64_t user_id,
					 struct sh_error *err)
{
	return exec_id_flag(c, feed_remove, user_id, 0, NULL, err);
}

enum sh_code sqlite_calendar_feed_used(struct store_conn *c, int64_t user_id, int64_t now,
				       struct sh_error *err)
{
	static const char sql[] = "UPDATE calendar_feeds SET used_at = ?2 WHERE user_id = ?1";

	return exec_id_flag(c, sql, user_id, now, NULL, err);
}
