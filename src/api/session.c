/*
 * Sign-in and sign-out: POST/DELETE /api/v1/session, GET /api/v1/me, and the sessions
 * every way of signing in makes (api/session.h). Passwords are checked with Argon2id. Failed sign-ins are slowed per account and client
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
#include "api/session.h"
#include "lib/jsonh.h"
#include "lib/shcrypto.h"

/* The audit rows of a refused step; the lock, without the username or the address (they
 * are personal data). */
struct denied {
	const struct principal *who;
	int64_t now;
	const char *detail, *lock;
};

static enum sh_code do_denied(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct denied *d = arg;
	enum sh_code rc = audit_record(c, d->who, d->now, "session.denied", NULL, NULL, "denied",
				       d->detail, err);

	if (!rc && d->lock)
		rc = audit_record(c, d->who, d->now, "session.locked", NULL, NULL, "denied",
				  d->lock, err);
	return rc;
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
		return arena_printf(a,
				    "account locked for addresses it was not used from for "
				    "%" PRId64 " s",
				    seconds);
	default: return NULL;
	}
}

enum sh_code session_denied(struct api_request *req, int64_t user_id, const char *detail,
			    enum throttle_lock lock, int64_t lock_s, struct sh_error *err)
{
	struct principal anon = { .user_id = user_id };
	struct denied d = { &anon, clock_now(&req->app->clock), detail,
			    lock_detail(req->arena, lock, lock_s) };

	return store_write(req->app->store, do_denied, &d, err);
}

static const char *cookie_header(struct api_request *req, const char *value, bool clear)
{
	/* Secure when configured, or when a trusted proxy says the client came over TLS */
	bool secure = req->app->cfg.secure_cookies || req->secure;

	if (clear)
		return arena_printf(req->arena,
				    "sh_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
				    secure ? "; Secure" : "");
	return arena_printf(req->arena, "sh_session=%s; Path=/; HttpOnly; SameSite=Strict%s", value,
			    secure ? "; Secure" : "");
}

/* The protocols' step titles in Spanish by step key ("title_es" lines; the versions in
 * load order, so the latest one's title wins). */
static json_t *step_titles_json(const struct app *app)
{
	json_t *es = json_object();

	for (size_t i = 0; i < app->registry.n; i++) {
		const struct protocol *p = app->registry.e[i].p;
		for (size_t j = 0; p && j < protocol_nsteps(p); j++) {
			const char *t = protocol_step_title_es(p, j);
			if (t && *t)
				json_object_set_new(es, protocol_step_key(p, j), json_string(t));
		}
	}
	return json_pack("{s:o}", "es", es);
}

/* The hotlines of the page for the youth (youth.hotlines): [{"name","phone","text"?}] */
static json_t *hotlines_json(const struct app *app)
{
	json_t *out = json_array();

	for (const char *p = app->county.hotlines ? app->county.hotlines : ""; *p;) {
		size_t n = strcspn(p, ";"), name = strcspn(p, "|"),
		       phone = strcspn(p + name + 1, "|");
		json_t *o =
			json_pack("{s:s%, s:s%}", "name", p, name, "phone", p + name + 1, phone);

		if (n > name + phone + 2)
			json_object_set_new(
				o, "text",
				json_stringn(p + name + phone + 2, n - name - phone - 2));
		json_array_append_new(out, o);
		p += n + (p[n] == ';');
	}
	return out;
}

/* The county's zone (the web app shows every time in it, whatever the device's), the
 * margin after which a step done or a close is a late entry that needs a reason, and the
 * protocol's step titles in the other languages. */
static json_t *county_json(const struct app *app)
{
	int64_t now = clock_now(&app->clock);

	return json_pack("{s:s, s:i, s:s, s:i, s:o, s:o}", "timezone", tz_name(app->county.tz),
			 "utc_offset_s", (int)tz_offset(app->county.tz, now), "abbreviation",
			 tz_abbr(app->county.tz, now), "late_entry_minutes",
			 app->county.late_entry_minutes, "step_titles", step_titles_json(app),
			 "hotlines", hotlines_json(app));
}

/* The session's limits, for the web app to take case data off the screen when it ends. */
static json_t *session_json(const struct app *app, const struct principal *p)
{
	json_t *o = json_pack("{s:i, s:s}", "idle_seconds", app->cfg.session_idle_s, "method",
			      p->method ? p->method : "password");

	jsonh_set_time(o, "ends_at", p->session_ends, false);
	return o;
}

enum sh_code session_too_many(struct api_request *req, struct api_response *res, int64_t wait,
			      struct sh_error *err)
{
	api_add_header(res, "Retry-After", arena_printf(req->arena, "%" PRId64, wait));
	/* also a sign-in that waited too long for its turn: "attempts", not "failures" */
	if (wait <= 1)
		return sh_error_set(err, SH_ETOOMANY,
				    "too many sign-in attempts; try again in a second");
	return sh_error_set(err, SH_ETOOMANY,
			    "too many sign-in attempts; try again in %" PRId64 " seconds", wait);
}

bool session_factor_required(const struct app *app, const struct user_rec *u)
{
	return (u->totp_secret && u->totp_enrolled_at) || app->county.totp_everyone ||
	       !strcmp(u->role, "supervisor") || !strcmp(u->role, "admin");
}

struct start {
	struct session_start *s;
	const struct principal *who;
	struct session_rec rec;
	int64_t now;
};

static enum sh_code do_start(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct start *w = arg;
	struct session_start *s = w->s;
	enum sh_code rc = s->also ? s->also(c, s->also_arg, err) : SH_OK;

	if (!rc && s->replaces)
		rc = store_session_revoke(c, s->replaces, err);
	if (!rc)
		rc = store_session_insert(c, &w->rec, err);
	if (!rc && !strcmp(s->stage, "full"))
		rc = store_user_touch(c, s->user->id, w->now, err);
	return rc ? rc
		  : audit_record(c, w->who, w->now, s->action, NULL, NULL, "ok", s->detail, err);
}

enum sh_code session_start(struct api_request *req, struct api_response *res,
			   struct session_start *s, struct sh_error *err)
{
	struct app *app = req->app;
	struct principal *p = arena_alloc(req->arena, sizeof(*p));
	struct start w = { .s = s, .now = clock_now(&app->clock) };
	bool full = !strcmp(s->stage, "full");
	char cookie[65], id_hash[65], *csrf = arena_alloc(req->arena, 65);
	json_t *out;
	enum sh_code rc;

	if (!p || !csrf || !principal_from_user(p, s->user)) {
		json_decref(s->extra);
		return sh_error_set(err, SH_EINTERNAL, "cannot start a session for this account");
	}
	shcrypto_random_hex(cookie, 32);
	shcrypto_random_hex(csrf, 32);
	shcrypto_hash_hex(cookie, strlen(cookie), id_hash);
	w.who = p;
	w.rec.id_hash = id_hash;
	w.rec.user_id = s->user->id;
	w.rec.csrf_token = csrf;
	w.rec.created_at = w.now;
	w.rec.last_seen = w.now;
	w.rec.stage = s->stage;
	w.rec.method = s->method;
	if ((rc = store_write(app->store, do_start, &w, err))) {
		sodium_memzero(cookie, sizeof(cookie));
		json_decref(s->extra);
		return rc;
	}
	p->via_session = true;
	p->csrf_token = csrf;
	p->session_ends = w.now + (full ? app->cfg.session_absolute_s : SIGNIN_PENDING_S);
	p->stage = full ? NULL : s->stage;
	p->method = s->method;
	api_add_header(res, "Set-Cookie", cookie_header(req, cookie, false));
	sodium_memzero(cookie, sizeof(cookie));
	if (s->no_reply) {
		json_decref(s->extra);
		return SH_OK;
	}
	out = json_pack("{s:o, s:s, s:o, s:o, s:s}", "user", principal_to_json(p), "csrf_token",
			csrf, "county", county_json(app), "session", session_json(app, p), "signin",
			full ? "done" : s->stage);
	if (s->extra) {
		json_object_update(out, s->extra);
		json_decref(s->extra);
	}
	return api_reply_json_new(res, 200, out);
}

API_HANDLER(api_session_create)
{
	static const struct jsonh_field spec[] = {
		{ "username", JT_STRING, JF_REQUIRED, 1, 64, NULL },
		{ "password", JT_STRING, JF_REQUIRED, 1, 1024, NULL },
		{ NULL },
	};
	struct app *app = req->app;
	int64_t now = clock_now(&app->clock);
	struct throttle_ticket tk;
	struct store_conn *c;
	struct user_rec u;
	struct principal p;
	struct session_start st = { .user = &u, .method = "password" };
	const char *username, *password, *denied;
	int64_t wait, lock_s;
	enum throttle_lock lock;
	bool found, ok, allowed;
	json_t *body = api_body_object(req, err);
	enum sh_code rc;

	if (!body)
		return err->code;
	if ((rc = jsonh_check(body, spec, "", err)))
		goto out;
	username = jsonh_str(body, "username");
	password = jsonh_str(body, "password");
	/* a locked client is refused before the database or a hash is touched: the same
	 * answer in the same time for every username */
	if ((wait = throttle_begin(app->throttle, username, req->client_addr, now, &tk))) {
		rc = session_too_many(req, res, wait, err);
		goto out;
	}
	if ((rc = store_read_begin(app->store, &c, err))) {
		throttle_end(app->throttle, &tk, THROTTLE_NEITHER, now, &lock_s);
		goto out;
	}
	rc = store_user_get(c, 0, username, req->arena, &u, err);
	store_read_end(c);
	if (rc && rc != SH_ENOTFOUND) {
		throttle_end(app->throttle, &tk, THROTTLE_NEITHER, now, &lock_s);
		goto out;
	}
	found = rc == SH_OK;
	rc = SH_OK;
	sh_error_init(err);
	/* an unknown user costs as much as a known one, so timing reveals nothing */
	ok = shcrypto_password_verify(found ? u.password_hash : app->dummy_hash, password,
				      tk.suspect) &&
	     found;
	allowed = ok && !u.disabled && !u.agency_disabled && u.agency_password_signin &&
		  principal_from_user(&p, &u);
	if (allowed)
		st.stage = !session_factor_required(app, &u)	 ? "full"
			   : u.totp_secret && u.totp_enrolled_at ? "code"
								 : "enrol";
	/* the failures are forgotten only once sign-in is finished: a password that is right
	 * cannot be used to clear the count of wrong codes */
	lock = throttle_end(app->throttle, &tk,
			    allowed && !strcmp(st.stage, "full") ? THROTTLE_OK
			    : ok				 ? THROTTLE_NEITHER
								 : THROTTLE_FAILED,
			    now, &lock_s);
	if (!allowed) {
		denied = !found				   ? "unknown username"
			 : !ok				   ? "wrong password"
			 : u.disabled || u.agency_disabled ? "account disabled"
							   : "local passwords off for the agency";
		if ((rc = session_denied(req, found ? u.id : 0, denied, lock, lock_s, err)))
			goto out;
		/* only someone who knows the password learns how the agency signs in */
		if (ok && !u.disabled && !u.agency_disabled && !u.agency_password_signin)
			rc = sh_error_set(
				err, SH_EFORBIDDEN,
				"your agency signs in with the county account, not with a "
				"password: use \"Sign in with the county account\"");
		else
			rc = sh_error_set(err, SH_EUNAUTH,
					  "wrong username or password, or the account is disabled");
		goto out;
	}
	st.action = strcmp(st.stage, "full") ? "session.password" : "session.create";
	st.detail = !strcmp(st.stage, "full") ? "password"
		    : !strcmp(st.stage, "code")
			    ? "password right; the code is owed"
			    : "password right; an authenticator app is to be set up";
	rc = session_start(req, res, &st, err);
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

	return rc ? rc
		  : audit_record(c, s->who, s->now, "session.delete", NULL, NULL, "ok", NULL, err);
}

API_HANDLER(api_session_delete)
{
	struct signout s = { req->who, clock_now(&req->app->clock) };
	enum sh_code rc;

	if (!req->who->via_session)
		return sh_error_set(err, SH_EINVAL,
				    "a bearer token has no session; revoke the token instead");
	if ((rc = store_write(req->app->store, do_signout, &s, err)))
		return rc;
	api_add_header(res, "Set-Cookie", cookie_header(req, NULL, true));
	res->status = 204;
	res->content_type = NULL;
	return SH_OK;
}

API_HANDLER(api_me)
{
	const struct principal *who = req->who;
	struct store_conn *c;
	struct user_rec u;
	int left = 0;
	json_t *out;
	enum sh_code rc;

	if ((rc = store_read_begin(req->app->store, &c, err)))
		return rc;
	if (!(rc = store_user_get(c, who->user_id, NULL, req->arena, &u, err)))
		rc = store_recovery_codes_left(c, who->user_id, &left, err);
	store_read_end(c);
	if (rc)
		return rc;
	out = json_pack("{s:o, s:o, s:s, s:{s:b, s:b, s:i}}", "user", principal_to_json(who),
			"county", county_json(req->app), "signin", who->stage ? who->stage : "done",
			"second_factor", "enrolled", u.totp_secret && u.totp_enrolled_at,
			"required", session_factor_required(req->app, &u), "recovery_codes_left",
			left);
	if (who->via_session) {
		json_object_set_new(out, "csrf_token", json_string(who->csrf_token));
		json_object_set_new(out, "session", session_json(req->app, who));
	}
	return api_reply_json_new(res, 200, out);
}

/* GET /api/v1/signin/options: how this county signs in, for the sign-in screen. */
API_HANDLER(api_signin_options)
{
	UNUSED(err);
	return api_reply_json_new(res, 200,
				  json_pack("{s:b, s:b}", "password", true, "oidc",
					    county_oidc_configured(&req->app->county)));
}
