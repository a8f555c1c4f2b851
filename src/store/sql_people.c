/* Written once for every backend: agencies' flags, users' credentials, sessions, bearer
 * tokens, notices, second factors, OpenID Connect requests and calendar feeds
 * (store/query.h). */
#include "lib/catalog.h"
#include "lib/common.h"
#include "store/query.h"
#include "store/user_cols.h"

#define STORE_BACKEND sql
#include "store/backend.h"

/* sql with ?1 the row's id and ?2 a value; missing as sql_write's. */
static enum sh_code exec_id_flag(struct store_conn *c, const char *sql, int64_t id, int64_t v,
				 const char *missing, struct sh_error *err)
{
	return sql_write(c, sql, missing, NULL, SQ_VALS(sq_int(id), sq_int(v)), err);
}

enum sh_code sql_agency_set_disabled(struct store_conn *c, int64_t id, bool disabled,
				     struct sh_error *err)
{
	static const char sql[] = "UPDATE agencies SET disabled = ?2 WHERE id = ?1";

	return exec_id_flag(c, sql, id, disabled, N_("no such agency"), err);
}

enum sh_code sql_agency_set_password_signin(struct store_conn *c, int64_t id, bool allowed,
					    struct sh_error *err)
{
	static const char sql[] = "UPDATE agencies SET password_signin = ?2 WHERE id = ?1";

	return exec_id_flag(c, sql, id, allowed, N_("no such agency"), err);
}

/* ?2 unused: the shape exec_id_flag runs (the cast types it for PostgreSQL) */
static const char feed_remove[] =
	"DELETE FROM calendar_feeds WHERE user_id = ?1 AND CAST(?2 AS BIGINT) = ?2";
static const char codes_remove[] =
	"DELETE FROM recovery_codes WHERE user_id = ?1 AND CAST(?2 AS BIGINT) = ?2";

/* Every session, bearer token and calendar feed of the user ends now (disabled, a new
 * password, another agency or role). */
static enum sh_code revoke_user_access(struct store_conn *c, int64_t user_id, int64_t now,
				       struct sh_error *err)
{
	static const char sessions[] =
		"UPDATE sessions SET revoked = 1 WHERE user_id = ?1 AND CAST(?2 AS BIGINT) = ?2";
	static const char tokens[] = "UPDATE tokens SET revoked_at = ?2 WHERE user_id = ?1"
				     " AND revoked_at = 0";
	enum sh_code rc = exec_id_flag(c, sessions, user_id, 0, NULL, err);

	if (!rc)
		rc = exec_id_flag(c, tokens, user_id, now, NULL, err);
	return rc ? rc : exec_id_flag(c, feed_remove, user_id, 0, NULL, err);
}

enum sh_code sql_user_revoke_access(struct store_conn *c, int64_t id, int64_t now,
				    struct sh_error *err)
{
	return revoke_user_access(c, id, now, err);
}

enum sh_code sql_user_set_disabled(struct store_conn *c, int64_t id, bool disabled, int64_t now,
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

enum sh_code sql_user_set_password(struct store_conn *c, int64_t id, const char *hash, int64_t now,
				   struct sh_error *err)
{
	static const char sql[] = "UPDATE users SET password_hash = ?2, failed_logins = 0,"
				  " locked_until = 0 WHERE id = ?1";
	enum sh_code rc =
		sql_write(c, sql, "no such user", NULL, SQ_VALS(sq_int(id), sq_text(hash)), err);

	return rc ? rc : revoke_user_access(c, id, now, err);
}

enum sh_code sql_user_update(struct store_conn *c, const struct user_rec *r, struct sh_error *err)
{
	static const char sql[] = "UPDATE users SET agency_id = ?2, role = ?3, display_name = ?4,"
				  " contact = ?5 WHERE id = ?1";

	return sql_write(c, sql, "no such user", NULL,
			 SQ_VALS(sq_int(r->id), sq_int(r->agency_id), sq_text(r->role),
				 sq_text(r->display_name), sq_text(r->contact)),
			 err);
}

enum sh_code sql_user_touch(struct store_conn *c, int64_t id, int64_t now, struct sh_error *err)
{
	static const char sql[] = "UPDATE users SET last_active_at = ?2 WHERE id = ?1";

	return exec_id_flag(c, sql, id, now, NULL, err);
}

#define SQ_REC struct user_rec
static const struct sq_query users_inactive =
	SQ_QUERY("SELECT " USER_COLS " FROM users u JOIN agencies a"
		 " ON a.id = u.agency_id WHERE u.disabled = 0 AND u.last_active_at < ?1"
		 " ORDER BY u.id",
		 user_cols);
#undef SQ_REC

enum sh_code sql_users_inactive(struct store_conn *c, int64_t before, struct arena *a,
				struct user_rec **out, size_t *n, struct sh_error *err)
{
	return sql_rows(c, &users_inactive, a, out, n, SQ_VALS(sq_int(before)), err);
}

/* ---- sessions and bearer tokens ---- */

enum sh_code sql_session_insert(struct store_conn *c, const struct session_rec *r,
				struct sh_error *err)
{
	static const char sql[] = "INSERT INTO sessions(id_hash, user_id, csrf_token, created_at,"
				  " last_seen, stage, method) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

	return sql_write(c, sql, NULL, NULL,
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
#define SQ_REC struct session_with_user
static const struct sq_query session_by_hash = SQ_QUERY_PAIR(
	"SELECT s.id_hash, s.user_id, s.csrf_token, s.created_at, s.last_seen, s.revoked,"
	" s.stage, s.method, " USER_COLS " FROM sessions s JOIN users u ON u.id = s.user_id"
	" JOIN agencies a ON a.id = u.agency_id WHERE s.id_hash = ?1",
	session_cols, u, user_cols);
#undef SQ_REC

enum sh_code sql_session_get(struct store_conn *c, const char *id_hash, struct arena *a,
			     struct session_rec *out, struct user_rec *user, struct sh_error *err)
{
	struct session_with_user both;
	enum sh_code rc = sql_row(c, &session_by_hash, N_("no such session"), a, &both,
				  SQ_VALS(sq_text(id_hash)), err);

	*out = both.s;
	*user = both.u;
	return rc;
}

enum sh_code sql_session_touch(struct store_conn *c, const char *id_hash, int64_t now,
			       struct sh_error *err)
{
	static const char sql[] = "UPDATE sessions SET last_seen = ?2 WHERE id_hash = ?1";

	return sql_write(c, sql, NULL, NULL, SQ_VALS(sq_text(id_hash), sq_int(now)), err);
}

enum sh_code sql_session_revoke(struct store_conn *c, const char *id_hash, struct sh_error *err)
{
	static const char sql[] = "UPDATE sessions SET revoked = 1 WHERE id_hash = ?1";

	return sql_write(c, sql, NULL, NULL, SQ_VALS(sq_text(id_hash)), err);
}

enum sh_code sql_token_insert(struct store_conn *c, struct token_rec *r, struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO tokens(hash, user_id, label, created_at, expires_at, scope,"
		" created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id";

	return sql_insert(c, sql, &r->id,
			  SQ_VALS(sq_text(r->hash), sq_int(r->user_id), sq_text(r->label),
				  sq_int(r->created_at), sq_int(r->expires_at),
				  sq_text(r->scope ? r->scope : "write"), sq_int(r->created_by)),
			  err);
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
#define SQ_REC struct token_with_user
static const struct sq_query token_by_hash = SQ_QUERY_PAIR(
	"SELECT t.id, t.user_id, t.label, t.created_at, t.expires_at, t.scope, t.created_by, " USER_COLS
	" FROM tokens t JOIN users u ON u.id = t.user_id JOIN agencies a ON a.id = u.agency_id"
	" WHERE t.hash = ?1 AND t.revoked_at = 0",
	token_cols, u, user_cols);
#undef SQ_REC

enum sh_code sql_token_get(struct store_conn *c, const char *hash, struct arena *a,
			   struct token_rec *out, struct user_rec *user, struct sh_error *err)
{
	struct token_with_user both;
	enum sh_code rc =
		sql_row(c, &token_by_hash, "no such token", a, &both, SQ_VALS(sq_text(hash)), err);

	*out = both.t;
	*user = both.u;
	return rc;
}

enum sh_code sql_token_revoke(struct store_conn *c, int64_t id, int64_t at, struct sh_error *err)
{
	static const char sql[] =
		"UPDATE tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at = 0";

	return exec_id_flag(c, sql, id, at, N_("no such valid token"), err);
}

enum sh_code sql_notice_insert(struct store_conn *c, struct notice_rec *r, struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO notices(agency_id, kind, subject_id, actor_id,"
		" detail, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id";

	return sql_insert(c, sql, &r->id,
			  SQ_VALS(sq_int(r->agency_id), sq_text(r->kind), sq_int(r->subject_id),
				  sq_int(r->actor_id), sq_text(r->detail), sq_int(r->created_at)),
			  err);
}

/* ---- the second factor ---- */

enum sh_code sql_user_totp_set(struct store_conn *c, int64_t id, const unsigned char *sealed,
			       size_t len, int64_t enrolled_at, struct sh_error *err)
{
	static const char sql[] = "UPDATE users SET totp_secret = ?2, totp_enrolled_at = ?3,"
				  " totp_last_step = 0 WHERE id = ?1";
	enum sh_code rc =
		sql_write(c, sql, "no such user", NULL,
			  SQ_VALS(sq_int(id), sq_blob(sealed, len), sq_int(enrolled_at)), err);

	return rc || sealed ? rc : exec_id_flag(c, codes_remove, id, 0, NULL, err);
}

enum sh_code sql_user_totp_use(struct store_conn *c, int64_t id, int64_t step, bool *fresh,
			       struct sh_error *err)
{
	static const char sql[] = "UPDATE users SET totp_last_step = ?2 WHERE id = ?1"
				  " AND totp_last_step < ?2";
	struct sq_done done;
	enum sh_code rc = sql_write(c, sql, NULL, &done, SQ_VALS(sq_int(id), sq_int(step)), err);

	*fresh = done.changes == 1;
	return rc;
}

enum sh_code sql_recovery_codes_set(struct store_conn *c, int64_t user_id,
				    const char *const *hashes, size_t n, struct sh_error *err)
{
	static const char ins[] = "INSERT INTO recovery_codes(user_id, hash) VALUES (?1, ?2)";
	enum sh_code rc = exec_id_flag(c, codes_remove, user_id, 0, NULL, err);

	for (size_t i = 0; !rc && i < n; i++)
		rc = sql_write(c, ins, NULL, NULL, SQ_VALS(sq_int(user_id), sq_text(hashes[i])),
			       err);
	return rc;
}

enum sh_code sql_recovery_code_use(struct store_conn *c, int64_t user_id, const char *hash,
				   int64_t at, bool *used, struct sh_error *err)
{
	static const char sql[] = "UPDATE recovery_codes SET used_at = ?3"
				  " WHERE id = (SELECT id FROM recovery_codes WHERE user_id = ?1"
				  " AND hash = ?2 AND used_at = 0 LIMIT 1)";
	struct sq_done done;
	enum sh_code rc = sql_write(c, sql, NULL, &done,
				    SQ_VALS(sq_int(user_id), sq_text(hash), sq_int(at)), err);

	*used = done.changes == 1;
	return rc;
}

/* ---- OpenID Connect requests ---- */

enum sh_code sql_oidc_request_put(struct store_conn *c, const struct oidc_request_rec *r,
				  int64_t stale, struct sh_error *err)
{
	static const char drop[] = "DELETE FROM oidc_requests WHERE created_at < ?1";
	static const char sql[] =
		"INSERT INTO oidc_requests(state_hash, binding_hash, nonce,"
		" verifier, return_to, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	enum sh_code rc = sql_write(c, drop, NULL, NULL, SQ_VALS(sq_int(stale)), err);

	return rc ? rc
		  : sql_write(c, sql, NULL, NULL,
			      SQ_VALS(sq_text(r->state_hash), sq_text(r->binding_hash),
				      sq_text(r->nonce), sq_text(r->verifier),
				      sq_text(r->return_to), sq_int(r->created_at)),
			      err);
}

#define SQ_REC struct oidc_request_rec
static const struct sq_col oidc_cols[] = { SQ_C(state_hash), SQ_C(binding_hash), SQ_C(nonce),
					   SQ_C(verifier),   SQ_C(return_to),	 SQ_C(created_at) };
/* a DELETE whose RETURNING row is read: the request is taken once */
static const struct sq_query oidc_take =
	SQ_QUERY("DELETE FROM oidc_requests WHERE state_hash = ?1 RETURNING"
		 " state_hash, binding_hash, nonce, verifier, return_to, created_at",
		 oidc_cols);
#undef SQ_REC

enum sh_code sql_oidc_request_take(struct store_conn *c, const char *state_hash, struct arena *a,
				   struct oidc_request_rec *out, struct sh_error *err)
{
	memset(out, 0, sizeof(*out));
	if (!c->writable)
		return sh_error_set(err, SH_EINTERNAL,
				    "a write was attempted on a read connection");
	return sql_row(c, &oidc_take, N_("no such sign-in"), a, out, SQ_VALS(sq_text(state_hash)),
		       err);
}

/* ---- calendar feeds (store/records_agenda.h) ---- */

enum sh_code sql_calendar_feed_put(struct store_conn *c, int64_t user_id, const char *hash,
				   bool mine, int64_t now, struct sh_error *err)
{
	static const char sql[] = "INSERT INTO calendar_feeds(user_id, hash, mine, created_at)"
				  " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(user_id) DO UPDATE SET"
				  " hash = excluded.hash, mine = excluded.mine,"
				  " created_at = excluded.created_at, used_at = 0";

	return sql_write(c, sql, NULL, NULL,
			 SQ_VALS(sq_int(user_id), sq_text(hash), sq_int(mine), sq_int(now)), err);
}

struct feed_with_user {
	struct calendar_feed_rec f;
	struct user_rec u;
};

#define SQ_REC struct calendar_feed_rec
static const struct sq_col feed_cols[] = { SQ_C(user_id), SQ_C(mine), SQ_C(created_at),
					   SQ_C(used_at) };
static const struct sq_query feed_of_user =
	SQ_QUERY("SELECT user_id, mine, created_at, used_at FROM calendar_feeds WHERE user_id = ?1",
		 feed_cols);
#undef SQ_REC
#define SQ_REC struct feed_with_user
static const struct sq_query feed_by_hash =
	SQ_QUERY_PAIR("SELECT f.user_id, f.mine, f.created_at, f.used_at, " USER_COLS
		      " FROM calendar_feeds f JOIN users u ON u.id = f.user_id"
		      " JOIN agencies a ON a.id = u.agency_id WHERE f.hash = ?1",
		      feed_cols, u, user_cols);
#undef SQ_REC

enum sh_code sql_calendar_feed_find(struct store_conn *c, const char *hash, struct arena *a,
				    struct calendar_feed_rec *out, struct user_rec *user,
				    struct sh_error *err)
{
	struct feed_with_user r;
	enum sh_code rc =
		sql_row(c, &feed_by_hash, "no such calendar", a, &r, SQ_VALS(sq_text(hash)), err);

	*out = r.f;
	*user = r.u;
	return rc;
}

enum sh_code sql_calendar_feed_get(struct store_conn *c, int64_t user_id,
				   struct calendar_feed_rec *out, struct sh_error *err)
{
	/* no text column: no arena */
	return sql_row(c, &feed_of_user, NULL, NULL, out, SQ_VALS(sq_int(user_id)), err);
}

enum sh_code sql_calendar_feed_used(struct store_conn *c, int64_t user_id, int64_t now,
				    struct sh_error *err)
{
	static const char sql[] = "UPDATE calendar_feeds SET used_at = ?2 WHERE user_id = ?1";

	return exec_id_flag(c, sql, user_id, now, NULL, err);
}

enum sh_code sql_calendar_feed_remove(struct store_conn *c, int64_t user_id, struct sh_error *err)
{
	return exec_id_flag(c, feed_remove, user_id, 0, NULL, err);
}
