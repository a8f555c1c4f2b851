/*
 * Sign-in and sign-out: POST/DELETE /api/v1/session, GET /api/v1/me.
 * Passwords are checked with Argon2id; repeated failures lock the account for a
 * growing time and every attempt is audited. The session id lives only in an
 * HttpOnly, SameSite=Strict cookie; the store keeps its hash.
 */
#include "lib/common.h"
#include <sodium.h>
#include "api/app.h"
#include "api/audit.h"
#include "api/handlers.h"
#include "api/principal.h"
#include "lib/jsonh.h"
#include "lib/shcrypto.h"

#define FREE_FAILURES 5      /* the fifth failure in a row starts the lock */
#define LOCK_BASE_S 30       /* first lock; doubles with each further failure */
#define LOCK_MAX_S (15 * 60)

struct signin {
	const struct principal *who; /* NULL when the user is unknown */
	int64_t user_id;
	int64_t now;
	const char *outcome;
	const char *detail;
	int failed;
	int64_t locked_until;
	bool update_state;
	struct session_rec session;
	bool create;
};

static enum sh_code do_signin(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct signin *s = arg;
	enum sh_code rc = SH_OK;

	if (s->update_state)
		rc = store_user_set_login_state(c, s->user_id, s->failed, s->locked_until, err);
	if (!rc && s->create)
		rc = store_session_insert(c, &s->session, err);
	if (!rc) {
		struct principal anon = { .user_id = s->user_id };
		rc = audit_record(c, s->who ? s->who : &anon, s->now,
				  s->create ? "session.create" : "session.denied", NULL, NULL,
				  s->outcome, s->detail, err);
	}
	return rc;
}

static int64_t lock_for(int failed)
{
	int64_t t = LOCK_BASE_S;

	if (failed < FREE_FAILURES)
		return 0;
	for (int i = FREE_FAILURES; i < failed && t < LOCK_MAX_S; i++)
		t *= 2;
	return t < LOCK_MAX_S ? t : LOCK_MAX_S;
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

API_HANDLER(api_session_create)
{
	static const struct jsonh_field spec[] = {
		{ "username", JT_STRING, JF_REQUIRED, 1, 64, NULL },
		{ "password", JT_STRING, JF_REQUIRED, 1, 1024, NULL },
		{ NULL },
	};
	struct app *app = req->app;
	struct signin s = { .now = clock_now(&app->clock) };
	struct store_conn *c;
	struct user_rec u;
	struct principal p;
	char cookie[65], id_hash[65], csrf[65], retry[24];
	bool found, ok;
	json_t *body = api_body_object(req, err), *out;
	enum sh_code rc;

	if (!body)
		return err->code;
	if ((rc = jsonh_check(body, spec, "", err)))
		goto out;
	if ((rc = store_read_begin(app->store, &c, err)))
		goto out;
	rc = store_user_get(c, 0, jsonh_str(body, "username"), req->arena, &u, err);
	store_read_end(c);
	if (rc && rc != SH_ENOTFOUND)
		goto out;
	found = rc == SH_OK;
	rc = SH_OK;
	sh_error_init(err);
	if (found && u.locked_until > s.now) {
		s.user_id = u.id;
		s.outcome = "denied";
		s.detail = "locked after repeated failures";
		if ((rc = store_write(app->store, do_signin, &s, err)))
			goto out;
		snprintf(retry, sizeof(retry), "%" PRId64, u.locked_until - s.now);
		api_add_header(res, "Retry-After", arena_strdup(req->arena, retry));
		rc = sh_error_set(err, SH_ETOOMANY,
				  "too many failed sign-ins; try again in %" PRId64 " seconds",
				  u.locked_until - s.now);
		goto out;
	}
	/* an unknown user costs as much as a known one, so timing reveals nothing */
	ok = found ? shcrypto_password_verify(u.password_hash, jsonh_str(body, "password"))
		   : (shcrypto_password_verify(app->dummy_hash, jsonh_str(body, "password")), false);
	if (!ok || u.disabled || u.agency_disabled || !principal_from_user(&p, &u)) {
		s.user_id = found ? u.id : 0;
		s.outcome = "denied";
		s.detail = !found ? "unknown username" : !ok ? "wrong password" : "account disabled";
		if (found && !ok) {
			s.update_state = true;
			s.failed = u.failed_logins + 1;
			s.locked_until = lock_for(s.failed) ? s.now + lock_for(s.failed) : 0;
		}
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
	s.update_state = u.failed_logins != 0 || u.locked_until != 0;
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
	api_add_header(res, "Set-Cookie", cookie_header(req, cookie, false));
	out = json_pack("{s:o, s:s, s:o}", "user", principal_to_json(&p), "csrf_token", csrf,
			"county", county_json(app));
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
	if (req->who->via_session)
		json_object_set_new(out, "csrf_token", json_string(req->who->csrf_token));
	return api_reply_json_new(res, 200, out);
}
