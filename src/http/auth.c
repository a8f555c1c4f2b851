#include "lib/common.h"
#include <sodium.h>
#include "api/app.h"
#include "api/credcache.h"
#include "api/principal.h"
#include "http/auth.h"
#include "lib/shcrypto.h"

#define SESSION_COOKIE "sh_session"

static bool is_safe_method(const char *m)
{
	return !strcmp(m, "GET") || !strcmp(m, "HEAD");
}

struct touch {
	const char *hash; /* the session seen; NULL: none */
	int64_t user_id;  /* the account used; 0: not to be written */
	int64_t now;
};

static enum sh_code do_touch(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct touch *t = arg;
	enum sh_code rc = t->hash ? store_session_touch(c, t->hash, t->now, err) : SH_OK;

	return rc || !t->user_id ? rc : store_user_touch(c, t->user_id, t->now, err);
}

/* An account's last use is written at most hourly (accounts unused too long are disabled:
 * accounts.inactive_days), so a request rarely waits for a write because of it. */
static int64_t touch_user(const struct user_rec *u, int64_t now)
{
	return now - u->last_active_at >= 3600 ? u->id : 0;
}

static enum sh_code check_user(const struct user_rec *u, struct principal *p, struct sh_error *err)
{
	if (u->disabled || u->agency_disabled)
		return sh_error_set(err, SH_EUNAUTH, "this account is disabled");
	if (!principal_from_user(p, u))
		return sh_error_set(err, SH_EFORBIDDEN,
				    "this account has an unknown role or agency kind");
	return SH_OK;
}

/* What a token's scope lets it do: read (GET and HEAD), report (the report endpoints and
 * /me), write (everything its user's role allows). */
static enum sh_code check_scope(const struct api_request *req, const char *scope,
				struct sh_error *err)
{
	if (!scope || !strcmp(scope, "write"))
		return SH_OK;
	if (!strcmp(scope, "read")) {
		if (is_safe_method(req->method))
			return SH_OK;
		return sh_error_set(err, SH_EFORBIDDEN,
				    "this token's scope is read: it may only GET");
	}
	if (!strcmp(scope, "report") && is_safe_method(req->method) &&
	    (!strncmp(req->route, "/api/v1/reports/", 16) || !strcmp(req->route, "/api/v1/me")))
		return SH_OK;
	return sh_error_set(err, SH_EFORBIDDEN,
			    "this token's scope is %s: it may only read the reports", scope);
}

enum sh_code http_auth_check(struct api_request *req, struct principal **who, struct sh_error *err)
{
	struct app *app = req->app;
	const char *authz = api_header(req, "Authorization"), *cookie;
	struct principal *p = arena_alloc(req->arena, sizeof(*p));
	struct store_conn *c = NULL;
	struct user_rec u;
	char hash[65];
	int64_t now = clock_now(&app->clock);
	/* read before any credential is: an answer read after it is valid while it lasts */
	uint64_t gen = store_cred_gen(app->store);
	enum sh_code rc;

	*who = NULL;
	if (!p)
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	if (authz) {
		struct token_rec t;
		if (strncasecmp(authz, "Bearer ", 7) || !authz[7])
			return sh_error_set(err, SH_EUNAUTH, "use 'Authorization: Bearer TOKEN'");
		shcrypto_hash_hex(authz + 7, strlen(authz + 7), hash);
		if (credcache_get(app->creds, gen, false, hash, req->arena, &t, NULL, &u)) {
			rc = SH_OK;
		} else {
			if ((rc = store_read_begin(app->store, &c, err)))
				return rc;
			rc = store_token_get(c, hash, req->arena, &t, &u, err);
			store_read_end(c);
			if (!rc)
				credcache_put(app->creds, gen, false, hash, &t, NULL, &u);
		}
		if (rc == SH_ENOTFOUND)
			return sh_error_set(err, SH_EUNAUTH,
					    "the token is not valid (revoked or unknown)");
		if (!rc && t.expires_at <= now)
			return sh_error_set(err, SH_EUNAUTH,
					    "the token has expired; make a new one");
		if (rc || (rc = check_user(&u, p, err)) || (rc = check_scope(req, t.scope, err)))
			return rc;
		p->token_id = t.id;
		if (touch_user(&u, now)) {
			struct touch tt = { NULL, u.id, now };
			if ((rc = store_write(app->store, do_touch, &tt, err)))
				return rc;
		}
		*who = p;
		return SH_OK;
	}
	cookie = api_cookie(req, SESSION_COOKIE);
	if (!cookie || !*cookie)
		return sh_error_set(err, SH_EUNAUTH, "sign in first");
	{
		struct session_rec s;
		struct touch t;

		shcrypto_hash_hex(cookie, strlen(cookie), hash);
		if (credcache_get(app->creds, gen, true, hash, req->arena, NULL, &s, &u)) {
			rc = SH_OK;
		} else {
			if ((rc = store_read_begin(app->store, &c, err)))
				return rc;
			rc = store_session_get(c, hash, req->arena, &s, &u, err);
			store_read_end(c);
			if (!rc && !s.revoked)
				credcache_put(app->creds, gen, true, hash, NULL, &s, &u);
		}
		if (rc == SH_ENOTFOUND || (!rc && s.revoked))
			return sh_error_set(err, SH_EUNAUTH,
					    "the session has ended; sign in again");
		if (rc)
			return rc;
		if (now - s.last_seen > app->cfg.session_idle_s ||
		    now - s.created_at > app->cfg.session_absolute_s)
			return sh_error_set(err, SH_EUNAUTH,
					    "the session has expired; sign in again");
		if (strcmp(s.stage, "full") && now - s.created_at > SIGNIN_PENDING_S)
			return sh_error_set(
				err, SH_EUNAUTH,
				"signing in took too long; start again with the password");
		if ((rc = check_user(&u, p, err)))
			return rc;
		if (!is_safe_method(req->method)) {
			const char *sent = api_header(req, "X-CSRF-Token");
			size_t n = strlen(s.csrf_token);
			if (!sent || strlen(sent) != n || sodium_memcmp(sent, s.csrf_token, n))
				return sh_error_set(err, SH_EFORBIDDEN,
						    "the X-CSRF-Token header is missing or wrong");
		}
		p->via_session = true;
		p->session = arena_strdup(req->arena, hash);
		p->session_ends =
			s.created_at +
			(strcmp(s.stage, "full") ? SIGNIN_PENDING_S : app->cfg.session_absolute_s);
		p->csrf_token = s.csrf_token;
		p->stage = strcmp(s.stage, "full") ? s.stage : NULL;
		p->method = s.method;
		/* last_seen is written at most once a minute (sooner for short idle limits) */
		t.hash = now - s.last_seen >= (app->cfg.session_idle_s / 4 < 60
						       ? app->cfg.session_idle_s / 4
						       : 60)
				 ? hash
				 : NULL;
		t.user_id = p->stage ? 0 : touch_user(&u, now);
		t.now = now;
		if ((t.hash || t.user_id) && (rc = store_write(app->store, do_touch, &t, err)))
			return rc;
	}
	*who = p;
	return SH_OK;
}
