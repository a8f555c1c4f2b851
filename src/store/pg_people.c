/* PostgreSQL backend: agencies and users (the operations written so far: pg_internal.h).
 * Names and usernames compare without case, as SQLite's COLLATE NOCASE: by lower(). */
#include "lib/common.h"
#include "lib/catalog.h"
#include "store/pg_internal.h"
#include "store/user_cols.h"

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

/* ---- notices ---- */

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

/* ---- calendar feeds (store/records_agenda.h) ---- */

struct feed_with_user {
	struct calendar_feed_rec f;
	struct user_rec u;
};
