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
	enum sh_code rc = pg_rows(pg_exec(pc, sql, PG_VALS(pg_int(agency_id)), err), map_area, a,
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

enum sh_code pg_agency_insert(struct store_conn *c, struct agency_rec *r, struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO agencies(name, kind, home_area, disabled, created_at)"
		" VALUES ($1, $2, $3, $4, $5) RETURNING id";
	static const char area[] = "INSERT INTO agency_areas(agency_id, area) VALUES ($1, $2)"
				   " ON CONFLICT DO NOTHING";
	enum sh_code rc =
		pg_insert(c, sql, &r->id,
			  PG_VALS(pg_text(r->name), pg_text(r->kind), pg_text(r->home_area),
				  pg_int(r->disabled), pg_int(r->created_at)),
			  err);

	if (rc == SH_ECONFLICT)
		return sh_error_field(err, SH_ECONFLICT, "name", "an agency with this name exists");
	for (const char **ar = r->areas; !rc && ar && *ar; ar++)
		rc = pg_write(c, area, NULL, NULL, PG_VALS(pg_int(r->id), pg_text(*ar)), err);
	return rc;
}

#define AGENCY_COLS "id, name, kind, home_area, disabled, created_at, password_signin"

#define SQ_REC struct agency_rec
static const struct sq_col agency_cols[] = {
	SQ_C(id),	SQ_C(name),	  SQ_C(kind),		SQ_C(home_area),
	SQ_C(disabled), SQ_C(created_at), SQ_C(password_signin)
};
#undef SQ_REC

static void map_agency(const PGresult *res, int r, struct arena *a, void *rec)
{
	PG_MAP(res, r, 0, a, rec, agency_cols);
}

enum sh_code pg_agency_get(struct store_conn *c, int64_t id, const char *name, struct arena *a,
			   struct agency_rec *out, struct sh_error *err)
{
	static const char by_id[] = "SELECT " AGENCY_COLS " FROM agencies WHERE id = $1";
	static const char by_name[] =
		"SELECT " AGENCY_COLS " FROM agencies WHERE lower(name) = lower($1)";
	struct pconn *pc = pconn_of(c);
	PGresult *res = name ? pg_exec(pc, by_name, PG_VALS(pg_text(name)), err)
			     : pg_exec(pc, by_id, PG_VALS(pg_int(id)), err);
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

enum sh_code pg_agency_set_disabled(struct store_conn *c, int64_t id, bool disabled,
				    struct sh_error *err)
{
	static const char sql[] = "UPDATE agencies SET disabled = $2 WHERE id = $1";

	return pg_write(c, sql, N_("no such agency"), NULL, PG_VALS(pg_int(id), pg_int(disabled)),
			err);
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

static void map_user(const PGresult *res, int r, struct arena *a, void *rec)
{
	PG_MAP(res, r, 0, a, rec, user_cols);
}

enum sh_code pg_user_insert(struct store_conn *c, struct user_rec *r, struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO users(agency_id, username, display_name, contact, role, password_hash,"
		" disabled, created_at, last_active_at, sso_id) VALUES ($1, $2, $3, $4, $5, $6, $7,"
		" $8, $8, $9) RETURNING id";
	static const char sso[] = "SELECT 1 FROM users WHERE lower(sso_id) = lower($1)";
	enum sh_code rc = pg_insert(
		c, sql, &r->id,
		PG_VALS(pg_int(r->agency_id), pg_text(r->username), pg_text(r->display_name),
			pg_text(r->contact), pg_text(r->role), pg_text(r->password_hash),
			pg_int(r->disabled), pg_int(r->created_at), pg_text(r->sso_id)),
		err);
	int64_t taken = 0;

	if (rc != SH_ECONFLICT)
		return rc;
	/* which one: the account at the identity provider, or the username? */
	if (r->sso_id) {
		struct sh_error ignored = SH_ERROR_INIT;
		pg_value(pg_exec(pconn_of(c), sso, PG_VALS(pg_text(r->sso_id)), &ignored), &taken,
			 &ignored);
	}
	sh_error_init(err);
	if (taken)
		return sh_error_field(err, SH_ECONFLICT, "sso_id",
				      "another user has this account at the identity provider");
	return sh_error_field(err, SH_ECONFLICT, "username", "this username is taken");
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
	PGresult *res = username ? pg_exec(pc, by_name, PG_VALS(pg_text(username)), err)
				 : pg_exec(pc, by_id, PG_VALS(pg_int(id)), err);

	return pg_row(res, map_user, a, out, sizeof(*out), "no such user", err);
}
