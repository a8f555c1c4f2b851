/*
 * Sign-in and sign-out: POST/DELETE /api/v1/session, GET /api/v1/me.
 * Passwords are checked with Argon2id. Failed sign-ins are slowed per account and client
 * address (api/throttle.h) so that nobody can lock someone else out, and every attempt
 * that reaches the password check is audited, and every lock it starts. The session id
 * lives only in an HttpOnly, SameSite=Strict cookie; the store keeps its hash.
 */
#include "lib/common.h"
#include <sodium.h>
#include "api/app.h"
#include "api/audit.h"
#include "api/handlers.h"
#include "api/principal.h"
#include "api/throttle.h"
#include "lib/jsonh.h"
#include "lib/shcrypto.h"

struct signin {
	const struct principal *who; /* NULL when the user is unknown */
	int64_t user_id;
	int64_t now;
	const char *outcome;
	const char *detail;
	const char *lock;     /* the lock this failure started, for the audit; NULL: none */
	struct session_rec session;
	bool create;
};

static enum sh_code do_signin(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct signin *s = arg;
	struct principal anon = { .user_id = s->user_id };
	enum sh_code rc = SH_OK;

	if (s->create)
		rc = store_session_insert(c, &s->session, err);
	if (!rc)
		rc = audit_record(c, s->who ? s->who : &anon, s->now,
				  s->create ? "session.create" : "session.denied", NULL, NULL,
				  s->outcome, s->detail, err);
	/* the lock, without the username or the address (they are personal data) */
	if (!rc && s->lock)
		rc = audit_record(c, s->who ? s->who : &anon, s->now, "session.locked", NULL, NULL,
				  "denied", s->lock, err);
	return rc;
}

static const char *cookie_header(struct api_request *req, const char *value, bool clear)
{
	/* Secure when configured, or when a trusted proxy says the client came over TLS */
	bool secure = req->app->cfg.secure_cookies || req->secure;

	if (clear)
		return arena_printf(req->arena, "sh_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
				    secure ? "; Secure" : "");
	return arena_printf(req->arena, "sh_session=%s; Path=/; HttpOnly; SameSite=Strict%s", value,
			    secure ? "; Secure" : "");
}

/* The county's zone (the web app shows every time in it, whatever the device's) and the
 * margin after which a step done or a close is a late entry that needs a reason. */
static json_t *county_json(const struct app *app)
{
	int64_t now = clock_now(&app->clock);

	return json_pack("{s:s, s:i, s:s, s:i}", "timezone", tz_name(app->county.tz), "utc_offset_s",
			 (int)tz_offset(app->county.tz, now), "abbreviation", tz_abbr(app->county.tz, now),
			 "late_entry_minutes", app->county.late_entry_minutes);
}

/* The session's limits, for the web app to take case data off the screen when it ends. */
static json_t *session_json(const struct app *app, const struct principal *p)
{
	json_t *o = json_pack("{s:i}", "idle_seconds", app->cfg.session_idle_s);

	jsonh_set_time(o, "ends_at", p->session_ends, false);
	return o;
}

/* The one answer to a throttled client, whoever it names: existence is not revealed. */
static enum sh_code too_many(struct api_request *req, struct api_response *res, int64_t wait,
			     struct sh_error *err)
{
	api_add_header(res, "Retry-After", arena_printf(req->arena, "%" PRId64, wait));
	return sh_error_set(err, SH_ETOOMANY,
			    "too many failed sign-ins; try again in %" PRId64 " seconds", wait);
}

static const char *lock_detail(struct arena *a, enum throttle_lock lock, int64_t seconds)
{
	switch (lock) {
	case THROTTLE_LOCK_PAIR:
		return arena_printf(a, "account locked for one client address for %" PRId64 " s",
				    seconds);
	case THROTTLE_LOCK_ADDR:
		return arena_printf(a, "client address locked for %" PRId64 " s", seconds);
	case THROTTLE_LOCK_ACCOUNT:
		return arena_printf(a, "account locked for addresses it was not used from for "
				       "%" PRId64 " s", seconds);
	default:
		return NULL;
	}
}

API_HANDLER(api_session_create)
{
	static const struct jsonh_field spec[] = {
		{ "username", JT_STRING, JF_REQUIRED, 1, 64, NULL },
		{ "password", JT_STRING, JF_REQUIRED, 1, 1024, NULL },
		{ NULL },
	};
	struct app *app = req->app;
	struct signin s = { .now = clock_now(&app->clock) };
	struct throttle_ticket tk;
	struct store_conn *c;
	struct user_rec u;
	struct principal p;
	char cookie[65], id_hash[65], csrf[65];
	const char *username, *password;
	int64_t wait, lock_s;
	enum throttle_lock lock;
	bool found, ok, allowed;
	json_t *body = api_body_object(req, err), *out;
	enum sh_code rc;

	if (!body)
		return err->code;
	if ((rc = jsonh_check(body, spec, "", err)))
		goto out;
	username = jsonh_str(body, "username");
	password = jsonh_str(body, "password");
	/* a locked client is refused before the database or a hash is touched: the same
	 * answer in the same time for every username */
	if ((wait = throttle_begin(app->throttle, username, req->client_addr, s.now, &tk))) {
		rc = too_many(req, res, wait, err);
		goto out;
	}
	if ((rc = store_read_begin(app->store, &c, err))) {
		throttle_end(app->throttle, &tk, THROTTLE_NEITHER, s.now, &lock_s);
		goto out;
	}
	rc = store_user_get(c, 0, username, req->arena, &u, err);
	store_read_end(c);
	if (rc && rc != SH_ENOTFOUND) {
		throttle_end(app->throttle, &tk, THROTTLE_NEITHER, s.now, &lock_s);
		goto out;
	}
	found = rc == SH_OK;
	rc = SH_OK;
	sh_error_init(err);
	/* an unknown user costs as much as a known one, so timing reveals nothing */
	ok = shcrypto_password_verify(found ? u.password_hash : app->dummy_hash, password, tk.suspect) &&
	     found;
	allowed = ok && !u.disabled && !u.agency_disabled && principal_from_user(&p, &u);
	lock = throttle_end(app->throttle, &tk,
			    allowed ? THROTTLE_OK : ok ? THROTTLE_NEITHER : THROTTLE_FAILED, s.now,
			    &lock_s);
	if (!allowed) {
		s.user_id = found ? u.id : 0;
		s.outcome = "denied";
		s.detail = !found ? "unknown username" : !ok ? "wrong password" : "account disabled";
		s.lock = lock_detail(req->arena, lock, lock_s);
		if ((rc = store_write(app->store, do_signin, &s, err)))
			goto out;
		rc = sh_error_set(err, SH_EUNAUTH, "wrong username or password, or the account is disabled");
		goto out;
	}
	shcrypto_random_hex(cookie, 32);
	shcrypto_random_hex(csrf, 32);
	shcrypto_hash_hex(cookie, strlen(cookie), id_hash);
	s.who = &p;
	s.user_id = u.id;
	s.outcome = "ok";
	s.create = true;
	s.session.id_hash = id_hash;
	s.session.user_id = u.id;
	s.session.csrf_token = csrf;
	s.session.created_at = s.now;
	s.session.last_seen = s.now;
	if ((rc = store_write(app->store, do_signin, &s, err)))
		goto out;
	p.via_session = true;
	p.csrf_token = csrf;
	p.session_ends = s.now + app->cfg.session_absolute_s;
	api_add_header(res, "Set-Cookie", cookie_header(req, cookie, false));
	out = json_pack("{s:o, s:s, s:o, s:o}", "user", principal_to_json(&p), "csrf_token", csrf,
			"county", county_json(app), "session", session_json(app, &p));
	rc = api_reply_json_new(res, 200, out);
	sodium_memzero(cookie, sizeof(cookie));
out:
	json_decref(body);
	return rc;
}

struct signout {
	const struct principal *who;
	int64_t now;
};

static enum sh_code do_signout(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct signout *s = arg;
	enum sh_code rc = store_session_revoke(c, s->who->session, err);

	return rc ? rc : audit_record(c, s->who, s->now, "session.delete", NULL, NULL, "ok", NULL, err);
}

API_HANDLER(api_session_delete)
{
	struct signout s = { req->who, clock_now(&req->app->clock) };
	enum sh_code rc;

	if (!req->who->via_session)
		return sh_error_set(err, SH_EINVAL, "a bearer token has no session; revoke the token instead");
	if ((rc = store_write(req->app->store, do_signout, &s, err)))
		return rc;
	api_add_header(res, "Set-Cookie", cookie_header(req, NULL, true));
	res->status = 204;
	res->content_type = NULL;
	return SH_OK;
}

API_HANDLER(api_me)
{
	json_t *out = json_pack("{s:o, s:o}", "user", principal_to_json(req->who), "county",
				county_json(req->app));

	UNUSED(err);
	if (req->who->via_session) {
		json_object_set_new(out, "csrf_token", json_string(req->who->csrf_token));
		json_object_set_new(out, "session", session_json(req->app, req->who));
	}
	return api_reply_json_new(res, 200, out);
}
