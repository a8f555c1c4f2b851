/* PostgreSQL backend: agencies and users (the operations written so far: pg_internal.h).
 * Names and usernames compare without case, as SQLite's COLLATE NOCASE: by lower(). */
#include "lib/common.h"
#include "lib/catalog.h"
#include "store/pg_internal.h"

static void map_area(const PGresult *res, int r, struct arena *a, void *rec)
{
	*(char **)rec = pg_col_text(res, r, 0, a);
}

/* The agency's areas as a NULL-terminated arena array. */
static enum sh_code read_areas(struct pconn *pc, int64_t agency_id, struct arena *a,
			       const char ***out, struct sh_error *err)
{
	static const char sql[] =
		"SELECT area FROM agency_areas WHERE agency_id = $1 ORDER BY area";
	char **rows;
	const char **arr;
	size_t n;
	enum sh_code rc = pg_rows(pg_exec(pc, sql, SQ_VALS(sq_int(agency_id)), err), map_area, a,
				  &rows, &n, sizeof(*rows), err);

	if (rc)
		return rc;
	if (!(arr = arena_alloc(a, (n + 1) * sizeof(*arr))))
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		arr[i] = rows[i];
	arr[n] = NULL;
	*out = arr;
	return SH_OK;
}

/* The agency's areas, added to those it has. */
static enum sh_code add_areas(struct store_conn *c, const struct agency_rec *r,
			      struct sh_error *err)
{
	static const char sql[] = "INSERT INTO agency_areas(agency_id, area) VALUES ($1, $2)"
				  " ON CONFLICT DO NOTHING";
	enum sh_code rc = SH_OK;

	for (const char **ar = r->areas; !rc && ar && *ar; ar++)
		rc = pg_write(c, sql, NULL, NULL, SQ_VALS(sq_int(r->id), sq_text(*ar)), err);
	return rc;
}

enum sh_code pg_agency_insert(struct store_conn *c, struct agency_rec *r, struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO agencies(name, kind, home_area, disabled, created_at)"
		" VALUES ($1, $2, $3, $4, $5) RETURNING id";
	enum sh_code rc =
		pg_insert(c, sql, &r->id,
			  SQ_VALS(sq_text(r->name), sq_text(r->kind), sq_text(r->home_area),
				  sq_int(r->disabled), sq_int(r->created_at)),
			  err);

	if (rc == SH_ECONFLICT)
		return sh_error_field(err, SH_ECONFLICT, "name", "an agency with this name exists");
	return rc ? rc : add_areas(c, r, err);
}

#define AGENCY_COLS "id, name, kind, home_area, disabled, created_at, password_signin"

#define SQ_REC struct agency_rec
static const struct sq_col agency_cols[] = {
	SQ_C(id),	SQ_C(name),	  SQ_C(kind),		SQ_C(home_area),
	SQ_C(disabled), SQ_C(created_at), SQ_C(password_signin)
};
#undef SQ_REC

PG_MAPPER(map_agency, agency_cols)

enum sh_code pg_agency_get(struct store_conn *c, int64_t id, const char *name, struct arena *a,
			   struct agency_rec *out, struct sh_error *err)
{
	static const char by_id[] = "SELECT " AGENCY_COLS " FROM agencies WHERE id = $1";
	static const char by_name[] =
		"SELECT " AGENCY_COLS " FROM agencies WHERE lower(name) = lower($1)";
	struct pconn *pc = pconn_of(c);
	PGresult *res = name ? pg_exec(pc, by_name, SQ_VALS(sq_text(name)), err)
			     : pg_exec(pc, by_id, SQ_VALS(sq_int(id)), err);
	enum sh_code rc = pg_row(res, map_agency, a, out, sizeof(*out), "no such agency", err);

	return rc ? rc : read_areas(pc, out->id, a, &out->areas, err);
}

enum sh_code pg_agency_list(struct store_conn *c, struct arena *a, struct agency_rec **out,
			    size_t *n, struct sh_error *err)
{
	static const char sql[] = "SELECT " AGENCY_COLS " FROM agencies ORDER BY lower(name), id";
	struct pconn *pc = pconn_of(c);
	enum sh_code rc =
		pg_rows(pg_exec(pc, sql, PG_NONE, err), map_agency, a, out, n, sizeof(**out), err);

	for (size_t i = 0; !rc && i < *n; i++)
		rc = read_areas(pc, (*out)[i].id, a, &(*out)[i].areas, err);
	return rc;
}

/* sql with $1 the row's id and $2 a value; missing as pg_write's. */
static enum sh_code exec_id_flag(struct store_conn *c, const char *sql, int64_t id, int64_t v,
				 const char *missing, struct sh_error *err)
{
	return pg_write(c, sql, missing, NULL, SQ_VALS(sq_int(id), sq_int(v)), err);
}

enum sh_code pg_agency_set_disabled(struct store_conn *c, int64_t id, bool disabled,
				    struct sh_error *err)
{
	static const char sql[] = "UPDATE agencies SET disabled = $2 WHERE id = $1";

	return exec_id_flag(c, sql, id, disabled, N_("no such agency"), err);
}

#define USER_COLS                                                                            \
	"u.id, u.agency_id, u.username, u.display_name, u.contact, u.role, u.password_hash," \
	" u.disabled, u.failed_logins, u.locked_until, u.created_at, a.name, a.kind,"        \
	" a.home_area, a.disabled, u.totp_secret, u.totp_enrolled_at, u.totp_last_step,"     \
	" u.last_active_at, u.sso_id, a.password_signin"

/* USER_COLS, in order */
#define SQ_REC struct user_rec
static const struct sq_col user_cols[] = { SQ_C(id),
					   SQ_C(agency_id),
					   SQ_C(username),
					   SQ_C(display_name),
					   SQ_C(contact),
					   SQ_C(role),
					   SQ_C(password_hash),
					   SQ_C(disabled),
					   SQ_C(failed_logins),
					   SQ_C(locked_until),
					   SQ_C(created_at),
					   SQ_C(agency_name),
					   SQ_C(agency_kind),
					   SQ_C(agency_home_area),
					   SQ_C(agency_disabled),
					   SQ_B(totp_secret, totp_secret_len),
					   SQ_C(totp_enrolled_at),
					   SQ_C(totp_last_step),
					   SQ_C(last_active_at),
					   SQ_C(sso_id),
					   SQ_C(agency_password_signin) };
#undef SQ_REC

/* a user_rec from USER_COLS at column first of row r */
static void read_user(const PGresult *res, int r, int first, struct arena *a, struct user_rec *u)
{
	PG_MAP(res, r, first, a, u, user_cols);
}

static void map_user(const PGresult *res, int r, struct arena *a, void *rec)
{
	read_user(res, r, 0, a, rec);
}

/* A conflict on users: the account at the identity provider (another user has it), else
 * the username. */
static enum sh_code sso_conflict(struct store_conn *c, const char *sso_id, struct sh_error *err)
{
	static const char sql[] = "SELECT 1 FROM users WHERE lower(sso_id) = lower($1)";
	struct sh_error ignored = SH_ERROR_INIT;
	int64_t taken = 0;

	if (sso_id)
		pg_value(pg_exec(pconn_of(c), sql, SQ_VALS(sq_text(sso_id)), &ignored), &taken,
			 &ignored);
	sh_error_init(err);
	if (taken)
		return sh_error_field(err, SH_ECONFLICT, "sso_id",
				      "another user has this account at the identity provider");
	return sh_error_field(err, SH_ECONFLICT, "username", "this username is taken");
}

enum sh_code pg_user_insert(struct store_conn *c, struct user_rec *r, struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO users(agency_id, username, display_name, contact, role, password_hash,"
		" disabled, created_at, last_active_at, sso_id) VALUES ($1, $2, $3, $4, $5, $6, $7,"
		" $8, $8, $9) RETURNING id";
	enum sh_code rc = pg_insert(
		c, sql, &r->id,
		SQ_VALS(sq_int(r->agency_id), sq_text(r->username), sq_text(r->display_name),
			sq_text(r->contact), sq_text(r->role), sq_text(r->password_hash),
			sq_int(r->disabled), sq_int(r->created_at), sq_text(r->sso_id)),
		err);

	return rc == SH_ECONFLICT ? sso_conflict(c, r->sso_id, err) : rc;
}

enum sh_code pg_user_get(struct store_conn *c, int64_t id, const char *username, struct arena *a,
			 struct user_rec *out, struct sh_error *err)
{
	static const char by_id[] =
		"SELECT " USER_COLS " FROM users u JOIN agencies a ON a.id = u.agency_id"
		" WHERE u.id = $1";
	static const char by_name[] =
		"SELECT " USER_COLS " FROM users u JOIN agencies a ON a.id = u.agency_id"
		" WHERE lower(u.username) = lower($1)";
	struct pconn *pc = pconn_of(c);
	PGresult *res = username ? pg_exec(pc, by_name, SQ_VALS(sq_text(username)), err)
				 : pg_exec(pc, by_id, SQ_VALS(sq_int(id)), err);

	return pg_row(res, map_user, a, out, sizeof(*out), "no such user", err);
}

enum sh_code pg_user_list(struct store_conn *c, int64_t agency_id, struct arena *a,
			  struct user_rec **out, size_t *n, struct sh_error *err)
{
	static const char sql[] = "SELECT " USER_COLS " FROM users u JOIN agencies a"
				  " ON a.id = u.agency_id WHERE $1::bigint = 0 OR u.agency_id = $1"
				  " ORDER BY lower(u.username), u.id";

	return pg_rows(pg_exec(pconn_of(c), sql, SQ_VALS(sq_int(agency_id)), err), map_user, a, out,
		       n, sizeof(**out), err);
}

/* $2 unused: the shape exec_id_flag runs */
static const char feed_remove[] =
	"DELETE FROM calendar_feeds WHERE user_id = $1 AND $2::bigint = $2";
static const char codes_remove[] =
	"DELETE FROM recovery_codes WHERE user_id = $1 AND $2::bigint = $2";

/* Every session, bearer token and calendar feed of the user ends now (disabled, a new
 * password, another agency or role). */
static enum sh_code revoke_user_access(struct store_conn *c, int64_t user_id, int64_t now,
				       struct sh_error *err)
{
	static const char sessions[] =
		"UPDATE sessions SET revoked = 1 WHERE user_id = $1 AND $2::bigint = $2";
	static const char tokens[] = "UPDATE tokens SET revoked_at = $2 WHERE user_id = $1"
				     " AND revoked_at = 0";
	enum sh_code rc = exec_id_flag(c, sessions, user_id, 0, NULL, err);

	if (!rc)
		rc = exec_id_flag(c, tokens, user_id, now, NULL, err);
	return rc ? rc : exec_id_flag(c, feed_remove, user_id, 0, NULL, err);
}

enum sh_code pg_user_set_disabled(struct store_conn *c, int64_t id, bool disabled, int64_t now,
				  struct sh_error *err)
{
	static const char sql[] = "UPDATE users SET disabled = $2 WHERE id = $1";
	/* enabled again: its time without use starts again, or the next sweep disables it */
	static const char used[] = "UPDATE users SET last_active_at = $2 WHERE id = $1";
	enum sh_code rc = exec_id_flag(c, sql, id, disabled, N_("no such user"), err);

	if (rc)
		return rc;
	return disabled ? revoke_user_access(c, id, now, err)
			: exec_id_flag(c, used, id, now, NULL, err);
}

enum sh_code pg_user_set_password(struct store_conn *c, int64_t id, const char *hash, int64_t now,
				  struct sh_error *err)
{
	static const char sql[] = "UPDATE users SET password_hash = $2, failed_logins = 0,"
				  " locked_until = 0 WHERE id = $1";
	enum sh_code rc =
		pg_write(c, sql, "no such user", NULL, SQ_VALS(sq_int(id), sq_text(hash)), err);

	return rc ? rc : revoke_user_access(c, id, now, err);
}

enum sh_code pg_session_insert(struct store_conn *c, const struct session_rec *r,
			       struct sh_error *err)
{
	static const char sql[] = "INSERT INTO sessions(id_hash, user_id, csrf_token, created_at,"
				  " last_seen, stage, method) VALUES ($1, $2, $3, $4, $5, $6, $7)";

	return pg_write(c, sql, NULL, NULL,
			SQ_VALS(sq_text(r->id_hash), sq_int(r->user_id), sq_text(r->csrf_token),
				sq_int(r->created_at), sq_int(r->last_seen),
				sq_text(r->stage ? r->stage : "full"),
				sq_text(r->method ? r->method : "password")),
			err);
}

struct session_with_user {
	struct session_rec s;
	struct user_rec u;
};

#define SQ_REC struct session_rec
static const struct sq_col session_cols[] = { SQ_C(id_hash),	SQ_C(user_id),	 SQ_C(csrf_token),
					      SQ_C(created_at), SQ_C(last_seen), SQ_C(revoked),
					      SQ_C(stage),	SQ_C(method) };
#undef SQ_REC

static void map_session_with_user(const PGresult *res, int row, struct arena *a, void *rec)
{
	struct session_with_user *r = rec;

	PG_MAP(res, row, 0, a, &r->s, session_cols);
	read_user(res, row, (int)ARRAY_SIZE(session_cols), a, &r->u);
}

enum sh_code pg_session_get(struct store_conn *c, const char *id_hash, struct arena *a,
			    struct session_rec *out, struct user_rec *user, struct sh_error *err)
{
	static const char sql[] = "SELECT s.id_hash, s.user_id, s.csrf_token, s.created_at,"
				  " s.last_seen, s.revoked, s.stage, s.method, " USER_COLS
				  " FROM sessions s JOIN users u ON u.id = s.user_id"
				  " JOIN agencies a ON a.id = u.agency_id WHERE s.id_hash = $1";
	struct pconn *pc = pconn_of(c);
	struct session_with_user both;
	enum sh_code rc =
		pg_row(pg_exec(pc, sql, SQ_VALS(sq_text(id_hash)), err), map_session_with_user, a,
		       &both, sizeof(both), N_("no such session"), err);

	*out = both.s;
	*user = both.u;
	return rc;
}

enum sh_code pg_session_touch(struct store_conn *c, const char *id_hash, int64_t now,
			      struct sh_error *err)
{
	static const char sql[] = "UPDATE sessions SET last_seen = $2 WHERE id_hash = $1";

	return pg_write(c, sql, NULL, NULL, SQ_VALS(sq_text(id_hash), sq_int(now)), err);
}

enum sh_code pg_session_revoke(struct store_conn *c, const char *id_hash, struct sh_error *err)
{
	static const char sql[] = "UPDATE sessions SET revoked = 1 WHERE id_hash = $1";

	return pg_write(c, sql, NULL, NULL, SQ_VALS(sq_text(id_hash)), err);
}

enum sh_code pg_token_insert(struct store_conn *c, struct token_rec *r, struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO tokens(hash, user_id, label, created_at, expires_at,"
		" scope, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
	enum sh_code rc =
		pg_insert(c, sql, &r->id,
			  SQ_VALS(sq_text(r->hash), sq_int(r->user_id), sq_text(r->label),
				  sq_int(r->created_at), sq_int(r->expires_at),
				  sq_text(r->scope ? r->scope : "write"), sq_int(r->created_by)),
			  err);

	return rc;
}

struct token_with_user {
	struct token_rec t;
	struct user_rec u;
};

#define SQ_REC struct token_rec
static const struct sq_col token_cols[] = { SQ_C(id),	      SQ_C(user_id),	SQ_C(label),
					    SQ_C(created_at), SQ_C(expires_at), SQ_C(scope),
					    SQ_C(created_by) };
#undef SQ_REC

static void map_token_with_user(const PGresult *res, int row, struct arena *a, void *rec)
{
	struct token_with_user *r = rec;

	PG_MAP(res, row, 0, a, &r->t, token_cols);
	read_user(res, row, (int)ARRAY_SIZE(token_cols), a, &r->u);
}

enum sh_code pg_token_get(struct store_conn *c, const char *hash, struct arena *a,
			  struct token_rec *out, struct user_rec *user, struct sh_error *err)
{
	static const char sql[] = "SELECT t.id, t.user_id, t.label, t.created_at, t.expires_at,"
				  " t.scope, t.created_by, " USER_COLS
				  " FROM tokens t JOIN users u ON u.id = t.user_id"
				  " JOIN agencies a ON a.id = u.agency_id"
				  " WHERE t.hash = $1 AND t.revoked_at = 0";
	struct pconn *pc = pconn_of(c);
	struct token_with_user both;
	enum sh_code rc = pg_row(pg_exec(pc, sql, SQ_VALS(sq_text(hash)), err), map_token_with_user,
				 a, &both, sizeof(both), "no such token", err);

	*out = both.t;
	*user = both.u;
	return rc;
}

#define SQ_REC struct token_rec
static const struct sq_col token_list_cols[] = {
	SQ_C(id),	  SQ_C(user_id),    SQ_C(username), SQ_C(label),      SQ_C(created_at),
	SQ_C(revoked_at), SQ_C(expires_at), SQ_C(scope),    SQ_C(created_by), SQ_C(created_by_name)
};
#undef SQ_REC

PG_MAPPER(map_token_list, token_list_cols)

enum sh_code pg_token_list(struct store_conn *c, int64_t user_id, struct arena *a,
			   struct token_rec **out, size_t *n, struct sh_error *err)
{
	static const char sql[] =
		"SELECT t.id, t.user_id, u.username, t.label, t.created_at,"
		" t.revoked_at, t.expires_at, t.scope, t.created_by, c.display_name"
		" FROM tokens t JOIN users u ON u.id = t.user_id"
		" LEFT JOIN users c ON c.id = t.created_by"
		" WHERE $1::bigint = 0 OR t.user_id = $1 ORDER BY t.id DESC";
	return pg_rows(pg_exec(pconn_of(c), sql, SQ_VALS(sq_int(user_id)), err), map_token_list, a,
		       out, n, sizeof(**out), err);
}

enum sh_code pg_token_revoke(struct store_conn *c, int64_t id, int64_t at, struct sh_error *err)
{
	static const char sql[] =
		"UPDATE tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at = 0";

	return exec_id_flag(c, sql, id, at, N_("no such valid token"), err);
}

/* ---- notices ---- */

enum sh_code pg_notice_insert(struct store_conn *c, struct notice_rec *r, struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO notices(agency_id, kind, subject_id, actor_id, detail,"
		" created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
	enum sh_code rc =
		pg_insert(c, sql, &r->id,
			  SQ_VALS(sq_int(r->agency_id), sq_text(r->kind), sq_int(r->subject_id),
				  sq_int(r->actor_id), sq_text(r->detail), sq_int(r->created_at)),
			  err);

	return rc;
}

#define SQ_REC struct notice_rec
static const struct sq_col notice_list_cols[] = {
	SQ_C(id),     SQ_C(agency_id),	SQ_C(kind),	    SQ_C(subject_id),	    SQ_C(actor_id),
	SQ_C(detail), SQ_C(created_at), SQ_C(subject_name), SQ_C(subject_username), SQ_C(actor_name)
};
#undef SQ_REC

PG_MAPPER(map_notice_list, notice_list_cols)

enum sh_code pg_notice_list(struct store_conn *c, int64_t agency_id, int64_t subject_id, int limit,
			    struct arena *a, struct notice_rec **out, size_t *n,
			    struct sh_error *err)
{
	static const char sql[] =
		"SELECT n.id, n.agency_id, n.kind, n.subject_id, n.actor_id, n.detail, n.created_at,"
		" s.display_name, s.username, x.display_name FROM notices n"
		" JOIN users s ON s.id = n.subject_id LEFT JOIN users x ON x.id = n.actor_id"
		" WHERE ($1::bigint = 0 AND $2::bigint = 0) OR n.agency_id = $1 OR n.subject_id = $2"
		" ORDER BY n.id DESC LIMIT $3";
	struct pconn *pc = pconn_of(c);
	PGresult *res = pg_exec(pc, sql,
				SQ_VALS(sq_int(agency_id), sq_int(subject_id), sq_int(limit)), err);

	return pg_rows(res, map_notice_list, a, out, n, sizeof(**out), err);
}

enum sh_code pg_user_revoke_access(struct store_conn *c, int64_t id, int64_t now,
				   struct sh_error *err)
{
	return revoke_user_access(c, id, now, err);
}

enum sh_code pg_user_update(struct store_conn *c, const struct user_rec *r, struct sh_error *err)
{
	static const char sql[] = "UPDATE users SET agency_id = $2, role = $3, display_name = $4,"
				  " contact = $5 WHERE id = $1";

	return pg_write(c, sql, "no such user", NULL,
			SQ_VALS(sq_int(r->id), sq_int(r->agency_id), sq_text(r->role),
				sq_text(r->display_name), sq_text(r->contact)),
			err);
}

enum sh_code pg_agency_update(struct store_conn *c, const struct agency_rec *r,
			      struct sh_error *err)
{
	static const char sql[] = "UPDATE agencies SET name = $2, home_area = $3 WHERE id = $1";
	static const char clear[] = "DELETE FROM agency_areas WHERE agency_id = $1";
	enum sh_code rc =
		pg_write(c, sql, "no such agency", NULL,
			 SQ_VALS(sq_int(r->id), sq_text(r->name), sq_text(r->home_area)), err);

	if (rc == SH_ECONFLICT)
		return sh_error_field(err, SH_ECONFLICT, "name", "an agency with this name exists");
	if (!rc)
		rc = pg_write(c, clear, NULL, NULL, SQ_VALS(sq_int(r->id)), err);
	return rc ? rc : add_areas(c, r, err);
}

/* ---- the account lifecycle and the second factor (issue 19) ---- */

enum sh_code pg_user_get_sso(struct store_conn *c, const char *sso_id, struct arena *a,
			     struct user_rec *out, struct sh_error *err)
{
	static const char sql[] = "SELECT " USER_COLS " FROM users u JOIN agencies a"
				  " ON a.id = u.agency_id WHERE lower(u.sso_id) = lower($1)";
	struct pconn *pc = pconn_of(c);
	PGresult *res = pg_exec(pc, sql, SQ_VALS(sq_text(sso_id)), err);

	return pg_row(res, map_user, a, out, sizeof(*out), "no such user", err);
}

enum sh_code pg_user_set_sso(struct store_conn *c, int64_t id, const char *sso_id,
			     struct sh_error *err)
{
	static const char sql[] = "UPDATE users SET sso_id = $2 WHERE id = $1";
	enum sh_code rc =
		pg_write(c, sql, "no such user", NULL, SQ_VALS(sq_int(id), sq_text(sso_id)), err);

	return rc == SH_ECONFLICT ? sso_conflict(c, sso_id, err) : rc;
}

enum sh_code pg_user_touch(struct store_conn *c, int64_t id, int64_t now, struct sh_error *err)
{
	static const char sql[] = "UPDATE users SET last_active_at = $2 WHERE id = $1";

	return exec_id_flag(c, sql, id, now, NULL, err);
}

enum sh_code pg_users_inactive(struct store_conn *c, int64_t before, struct arena *a,
			       struct user_rec **out, size_t *n, struct sh_error *err)
{
	static const char sql[] =
		"SELECT " USER_COLS " FROM users u JOIN agencies a"
		" ON a.id = u.agency_id WHERE u.disabled = 0 AND u.last_active_at < $1"
		" ORDER BY u.id";
	return pg_rows(pg_exec(pconn_of(c), sql, SQ_VALS(sq_int(before)), err), map_user, a, out, n,
		       sizeof(**out), err);
}

enum sh_code pg_user_totp_set(struct store_conn *c, int64_t id, const unsigned char *sealed,
			      size_t len, int64_t enrolled_at, struct sh_error *err)
{
	static const char sql[] = "UPDATE users SET totp_secret = $2, totp_enrolled_at = $3,"
				  " totp_last_step = 0 WHERE id = $1";
	enum sh_code rc =
		pg_write(c, sql, "no such user", NULL,
			 SQ_VALS(sq_int(id), sq_blob(sealed, len), sq_int(enrolled_at)), err);

	return rc || sealed ? rc : exec_id_flag(c, codes_remove, id, 0, NULL, err);
}

enum sh_code pg_user_totp_use(struct store_conn *c, int64_t id, int64_t step, bool *fresh,
			      struct sh_error *err)
{
	static const char sql[] = "UPDATE users SET totp_last_step = $2 WHERE id = $1"
				  " AND totp_last_step < $2";
	int64_t changes;
	enum sh_code rc = pg_write(c, sql, NULL, &changes, SQ_VALS(sq_int(id), sq_int(step)), err);

	*fresh = changes == 1;
	return rc;
}

enum sh_code pg_recovery_codes_set(struct store_conn *c, int64_t user_id, const char *const *hashes,
				   size_t n, struct sh_error *err)
{
	static const char ins[] = "INSERT INTO recovery_codes(user_id, hash) VALUES ($1, $2)";
	enum sh_code rc = exec_id_flag(c, codes_remove, user_id, 0, NULL, err);

	for (size_t i = 0; !rc && i < n; i++)
		rc = pg_write(c, ins, NULL, NULL, SQ_VALS(sq_int(user_id), sq_text(hashes[i])),
			      err);
	return rc;
}

enum sh_code pg_recovery_code_use(struct store_conn *c, int64_t user_id, const char *hash,
				  int64_t at, bool *used, struct sh_error *err)
{
	static const char sql[] = "UPDATE recovery_codes SET used_at = $3"
				  " WHERE id = (SELECT id FROM recovery_codes WHERE user_id = $1"
				  " AND hash = $2 AND used_at = 0 LIMIT 1)";
	int64_t changes;
	enum sh_code rc = pg_write(c, sql, NULL, &changes,
				   SQ_VALS(sq_int(user_id), sq_text(hash), sq_int(at)), err);

	*used = changes == 1;
	return rc;
}

enum sh_code pg_recovery_codes_left(struct store_conn *c, int64_t user_id, int *n,
				    struct sh_error *err)
{
	static const char sql[] = "SELECT count(*) FROM recovery_codes WHERE user_id = $1"
				  " AND used_at = 0";
	struct pconn *pc = pconn_of(c);
	int64_t v;
	enum sh_code rc = pg_value(pg_exec(pc, sql, SQ_VALS(sq_int(user_id)), err), &v, err);

	*n = (int)v;
	return rc;
}

enum sh_code pg_agency_set_password_signin(struct store_conn *c, int64_t id, bool allowed,
					   struct sh_error *err)
{
	static const char sql[] = "UPDATE agencies SET password_signin = $2 WHERE id = $1";

	return exec_id_flag(c, sql, id, allowed, N_("no such agency"), err);
}

enum sh_code pg_oidc_request_put(struct store_conn *c, const struct oidc_request_rec *r,
				 int64_t stale, struct sh_error *err)
{
	static const char drop[] = "DELETE FROM oidc_requests WHERE created_at < $1";
	static const char sql[] =
		"INSERT INTO oidc_requests(state_hash, binding_hash, nonce,"
		" verifier, return_to, created_at) VALUES ($1, $2, $3, $4, $5, $6)";
	enum sh_code rc = pg_write(c, drop, NULL, NULL, SQ_VALS(sq_int(stale)), err);

	return rc ? rc
		  : pg_write(c, sql, NULL, NULL,
			     SQ_VALS(sq_text(r->state_hash), sq_text(r->binding_hash),
				     sq_text(r->nonce), sq_text(r->verifier), sq_text(r->return_to),
				     sq_int(r->created_at)),
			     err);
}

#define SQ_REC struct oidc_request_rec
static const struct sq_col oidc_cols[] = { SQ_C(state_hash), SQ_C(binding_hash), SQ_C(nonce),
					   SQ_C(verifier),   SQ_C(return_to),	 SQ_C(created_at) };
#undef SQ_REC

PG_MAPPER(map_oidc, oidc_cols)

enum sh_code pg_oidc_request_take(struct store_conn *c, const char *state_hash, struct arena *a,
				  struct oidc_request_rec *out, struct sh_error *err)
{
	static const char sql[] =
		"DELETE FROM oidc_requests WHERE state_hash = $1 RETURNING"
		" state_hash, binding_hash, nonce, verifier, return_to, created_at";

	memset(out, 0, sizeof(*out));
	if (pg_need_writer(c, err))
		return err->code;
	return pg_row(pg_exec(pconn_of(c), sql, SQ_VALS(sq_text(state_hash)), err), map_oidc, a,
		      out, sizeof(*out), "no such sign-in", err);
}

/* ---- calendar feeds (store/records_agenda.h) ---- */

enum sh_code pg_calendar_feed_put(struct store_conn *c, int64_t user_id, const char *hash,
				  bool mine, int64_t now, struct sh_error *err)
{
	static const char sql[] = "INSERT INTO calendar_feeds(user_id, hash, mine, created_at)"
				  " VALUES ($1, $2, $3, $4) ON CONFLICT(user_id) DO UPDATE SET"
				  " hash = excluded.hash, mine = excluded.mine,"
				  " created_at = excluded.created_at, used_at = 0";

	return pg_write(c, sql, NULL, NULL,
			SQ_VALS(sq_int(user_id), sq_text(hash), sq_int(mine), sq_int(now)), err);
}

struct feed_with_user {
	struct calendar_feed_rec f;
	struct user_rec u;
};

#define SQ_REC struct calendar_feed_rec
static const struct sq_col feed_cols[] = { SQ_C(user_id), SQ_C(mine), SQ_C(created_at),
					   SQ_C(used_at) };
#undef SQ_REC

/* a feed_with_user: the user's columns (USER_COLS) follow the feed's, if the SQL has them */
static void read_feed(const PGresult *res, int row, struct arena *a, void *rec)
{
	struct feed_with_user *r = rec;

	PG_MAP(res, row, 0, a, &r->f, feed_cols);
	if (PQnfields(res) > (int)ARRAY_SIZE(feed_cols))
		read_user(res, row, (int)ARRAY_SIZE(feed_cols), a, &r->u);
}

enum sh_code pg_calendar_feed_get(struct store_conn *c, int64_t user_id,
				  struct calendar_feed_rec *out, struct sh_error *err)
{
	static const char sql[] = "SELECT user_id, mine, created_at, used_at FROM calendar_feeds"
				  " WHERE user_id = $1";
	struct feed_with_user r;
	enum sh_code rc = pg_row(pg_exec(pconn_of(c), sql, SQ_VALS(sq_int(user_id)), err),
				 read_feed, NULL, &r, sizeof(r), NULL, err);

	*out = r.f;
	return rc;
}

enum sh_code pg_calendar_feed_find(struct store_conn *c, const char *hash, struct arena *a,
				   struct calendar_feed_rec *out, struct user_rec *user,
				   struct sh_error *err)
{
	static const char sql[] = "SELECT f.user_id, f.mine, f.created_at, f.used_at, " USER_COLS
				  " FROM calendar_feeds f JOIN users u ON u.id = f.user_id"
				  " JOIN agencies a ON a.id = u.agency_id WHERE f.hash = $1";
	struct pconn *pc = pconn_of(c);
	struct feed_with_user r;
	enum sh_code rc = pg_row(pg_exec(pc, sql, SQ_VALS(sq_text(hash)), err), read_feed, a, &r,
				 sizeof(r), "no such calendar", err);

	*out = r.f;
	*user = r.u;
	return rc;
}

enum sh_code pg_calendar_feed_remove(struct store_conn *c, int64_t user_id, struct sh_error *err)
{
	return exec_id_flag(c, feed_remove, user_id, 0, NULL, err);
}

enum sh_code pg_calendar_feed_used(struct store_conn *c, int64_t user_id, int64_t now,
				   struct sh_error *err)
{
	static const char sql[] = "UPDATE calendar_feeds SET used_at = $2 WHERE user_id = $1";

	return exec_id_flag(c, sql, user_id, now, NULL, err);
}
