/*
 * The second factor and one's own password (docs/security.md, "Sign-in"):
 *   POST /api/v1/session/code       the TOTP code (or a recovery code) after the password
 *   POST /api/v1/me/totp            a new authenticator app: its secret, URI and QR code
 *   POST /api/v1/me/totp/confirm    its first code: enrolled, recovery codes shown once
 *   POST /api/v1/me/password        a new password, the old one given
 * Codes are slowed like passwords (api/throttle.h, keyed by the account and the client), a
 * TOTP code is good once (the step used is remembered), and recovery codes are stored as
 * keyed hashes and used once.
 */
#include "lib/common.h"
#include <sodium.h>
#include "api/admin.h"
#include "api/app.h"
#include "api/audit.h"
#include "api/handlers.h"
#include "api/principal.h"
#include "api/session.h"
#include "core/password.h"
#include "lib/jsonh.h"
#include "lib/qr.h"
#include "lib/totp.h"

#define RECOVERY_CODES 10
#define RECOVERY_LEN 10 /* characters, shown as xxxxx-xxxxx: 31^10, about 49 bits */
static const char recovery_alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";

/* A code as typed: spaces and dashes dropped, letters in lower case; false when too long. */
static bool normalise(const char *in, char *out, size_t size)
{
	size_t n = 0;

	for (; *in; in++) {
		if (*in == ' ' || *in == '-')
			continue;
		if (n + 1 >= size)
			return false;
		out[n++] = (char)(*in >= 'A' && *in <= 'Z' ? *in - 'A' + 'a' : *in);
	}
	out[n] = '\0';
	return true;
}

/* The user's TOTP secret, opened into out (wipe it); false when there is none or it does not
 * open. enrolled: the confirmed one (else the one awaiting its first code). */
static bool open_secret(const struct app *app, const struct user_rec *u, bool enrolled,
			struct buf *out)
{
	struct sh_error ignored = SH_ERROR_INIT;

	if (!u->totp_secret || (u->totp_enrolled_at != 0) != enrolled)
		return false;
	return !shcrypto_open(&app->keys, u->totp_secret, u->totp_secret_len,
			      sealed_context[SEALED_TOTP_SECRET], out, &ignored) &&
	       out->len == TOTP_SECRET_LEN;
}

/* What a code given at sign-in is: the step of a TOTP code, or the hash of a recovery code. */
struct code_use {
	int64_t user_id;
	int64_t step;	   /* > 0: a TOTP code of this step */
	char recovery[65]; /* else: the hash of a recovery code */
	int64_t now;
	bool replayed; /* set when the code had been used */
};

static bool check_code(const struct app *app, const struct user_rec *u, const char *typed,
		       int64_t now, struct code_use *use)
{
	char code[32];
	struct buf secret = BUF_INIT;
	bool ok = false;

	memset(use, 0, sizeof(*use));
	use->user_id = u->id;
	use->now = now;
	if (!normalise(typed, code, sizeof(code)))
		return false;
	if (strlen(code) == TOTP_DIGITS) {
		if (open_secret(app, u, true, &secret))
			ok = (use->step = totp_match((const unsigned char *)secret.data, secret.len,
						     now, code)) > 0;
	} else if (strlen(code) == RECOVERY_LEN &&
		   strspn(code, recovery_alphabet) == RECOVERY_LEN && u->totp_secret &&
		   u->totp_enrolled_at) {
		shcrypto_code_hash(&app->keys, code, use->recovery);
		ok = true; /* whether it is one of the user's unused codes is for the write */
	}
	buf_wipe(&secret);
	sodium_memzero(code, sizeof(code));
	return ok;
}

/* In the sign-in's transaction: the code is used now, and never again. */
static enum sh_code do_use_code(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct code_use *use = arg;
	bool fresh = false;
	enum sh_code rc = use->step > 0
				  ? store_user_totp_use(c, use->user_id, use->step, &fresh, err)
				  : store_recovery_code_use(c, use->user_id, use->recovery,
							    use->now, &fresh, err);

	if (!rc && !fresh) {
		use->replayed = true;
		rc = sh_error_set(err, SH_EUNAUTH, "that code was used already");
	}
	return rc;
}

API_HANDLER(api_session_code)
{
	static const struct jsonh_field spec[] = {
		{ "code", JT_STRING, JF_REQUIRED, 1, 40, NULL },
		{ NULL },
	};
	struct app *app = req->app;
	const struct principal *who = req->who;
	int64_t now = clock_now(&app->clock), wait, lock_s = 0;
	struct throttle_ticket tk;
	struct user_rec u;
	struct code_use use;
	struct session_start st = { .user = &u,
				    .stage = "full",
				    .method = "password",
				    .action = "session.create",
				    .also = do_use_code,
				    .also_arg = &use };
	enum throttle_lock lock;
	json_t *body;
	bool ok;
	enum sh_code rc;

	if (!who->via_session || !who->stage || strcmp(who->stage, "code"))
		return sh_error_set(
			err, SH_ECONFLICT,
			who->stage ? "set up an authenticator app first (POST /api/v1/me/totp)"
				   : "no code is owed: this session is signed in");
	if (!(body = api_body_object(req, err)))
		return err->code;
	if ((rc = jsonh_check(body, spec, "", err)))
		goto out;
	if ((wait = throttle_begin(app->throttle, who->username, req->client_addr, now, &tk))) {
		rc = session_too_many(req, res, wait, err);
		goto out;
	}
	if ((rc = admin_user_read(app->store, who->user_id, NULL, req->arena, &u, err))) {
		throttle_end(app->throttle, &tk, THROTTLE_NEITHER, now, &lock_s);
		goto out;
	}
	ok = check_code(app, &u, jsonh_str(body, "code"), now, &use);
	st.replaces = who->session;
	st.detail = use.step > 0 ? "password and code" : "password and recovery code";
	if (ok) {
		rc = session_start(req, res, &st, err);
		if (rc && !use.replayed) {
			throttle_end(app->throttle, &tk, THROTTLE_NEITHER, now, &lock_s);
			goto out;
		}
	}
	lock = throttle_end(app->throttle, &tk, ok && !rc ? THROTTLE_OK : THROTTLE_FAILED, now,
			    &lock_s);
	if (ok && !rc)
		goto out;
	sh_error_init(err);
	if (!(rc = session_denied(req, u.id,
				  use.replayed && use.step > 0 ? "code used before" : "wrong code",
				  lock, lock_s, err)))
		rc = sh_error_set(err, SH_EUNAUTH,
				  "that is not the code your authenticator app shows now, nor an "
				  "unused recovery code (a code works once)");
out:
	json_decref(body);
	return rc;
}

/* May this caller set up an authenticator app: with a session (the route's permit: not a
 * token) that is signed in, or that owes its set-up; never while it owes a code (that would
 * replace the factor with the password alone). */
static enum sh_code may_enrol(const struct principal *who, struct sh_error *err)
{
	if (who->stage && strcmp(who->stage, "enrol"))
		return sh_error_set(err, SH_EFORBIDDEN,
				    "enter the code from your authenticator app first");
	return SH_OK;
}

struct enrol {
	const struct principal *who;
	const struct user_rec *u;
	const unsigned char *sealed;
	size_t len;
	int64_t now, step;
	const char *hashes[RECOVERY_CODES];
};

static enum sh_code do_begin(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct enrol *e = arg;
	enum sh_code rc = store_user_totp_set(c, e->u->id, e->sealed, e->len, 0, err);

	return rc ? rc
		  : audit_record(c, e->who, e->now, "factor.begin", NULL, NULL, "ok", NULL, err);
}

/*
 * The account's password given again by a signed-in person, throttled like a sign-in: a
 * wrong one is a denied sign-in (counted, audited as `why`) and 422 on `field`.
 */
static enum sh_code password_again(struct api_request *req, struct api_response *res,
				   const struct user_rec *u, const char *field, const char *given,
				   const char *why, struct sh_error *err)
{
	struct app *app = req->app;
	struct throttle_ticket tk;
	int64_t now = clock_now(&app->clock), wait, lock_s = 0;
	enum throttle_lock lock;
	enum sh_code rc;
	bool ok;

	if ((wait = throttle_begin(app->throttle, u->username, req->client_addr, now, &tk)))
		return session_too_many(req, res, wait, err);
	ok = given && shcrypto_password_verify(u->password_hash, given, tk.suspect);
	lock = throttle_end(app->throttle, &tk, ok ? THROTTLE_OK : THROTTLE_FAILED, now, &lock_s);
	if (ok)
		return SH_OK;
	if ((rc = session_denied(req, u->id, why, lock, lock_s, err)))
		return rc;
	return sh_error_field(err, SH_EINVAL, field, "is not your current password");
}

API_HANDLER(api_me_totp_begin)
{
	struct app *app = req->app;
	unsigned char secret[TOTP_SECRET_LEN];
	char b32[TOTP_BASE32_LEN];
	struct buf sealed = BUF_INIT, uri = BUF_INIT, path = BUF_INIT;
	struct user_rec u;
	struct enrol e = { .who = req->who, .u = &u, .now = clock_now(&app->clock) };
	int size = 0;
	enum sh_code rc;

	if ((rc = may_enrol(req->who, err)) ||
	    (rc = admin_user_read(app->store, req->who->user_id, NULL, req->arena, &u, err)))
		return rc;
	if (u.totp_secret && u.totp_enrolled_at)
		return sh_error_set(
			err, SH_ECONFLICT,
			"an authenticator app is set up already; if it is lost, an admin "
			"resets it");
	/* from a session signed in earlier, the password again: whoever holds a session left
	 * open must not tie the account to their own phone */
	if (!req->who->stage && req->who->method && !strcmp(req->who->method, "password")) {
		static const struct jsonh_field spec[] = {
			{ "password", JT_STRING, 0, 1, 1024, NULL },
			{ NULL },
		};
		json_t *body = api_body_object(req, err);

		if (!body)
			return err->code;
		if (!(rc = jsonh_check(body, spec, "", err)) && !json_object_get(body, "password"))
			rc = sh_error_field(err, SH_EINVAL, "password",
					    "give your password to set up an authenticator app");
		if (!rc)
			rc = password_again(req, res, &u, "password", jsonh_str(body, "password"),
					    "wrong password while setting up an authenticator app",
					    err);
		json_decref(body);
		if (rc)
			return rc;
	}
	randombytes_buf(secret, sizeof(secret));
	totp_base32(secret, sizeof(secret), b32, sizeof(b32));
	if ((rc = shcrypto_seal(&app->keys, secret, sizeof(secret),
				sealed_context[SEALED_TOTP_SECRET], &sealed)) ||
	    (rc = totp_uri(&uri, "safeharbor", u.username, b32)) ||
	    (rc = qr_svg_path(uri.data, &path, &size, err))) {
		if (!err->code)
			sh_error_set(err, rc, "cannot make a secret");
		goto out;
	}
	e.sealed = (const unsigned char *)sealed.data;
	e.len = sealed.len;
	if ((rc = store_write(app->store, do_begin, &e, err)))
		goto out;
	rc = api_reply_json_new(res, 200,
				json_pack("{s:s, s:s, s:{s:i, s:s}, s:i, s:i}", "secret", b32,
					  "otpauth_uri", uri.data, "qr", "size", size, "path",
					  path.data, "digits", TOTP_DIGITS, "period", TOTP_PERIOD));
out:
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(b32, sizeof(b32));
	buf_wipe(&uri);
	buf_wipe(&path);
	buf_release(&sealed);
	return rc;
}

static enum sh_code do_enrol(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct enrol *e = arg;
	bool fresh;
	enum sh_code rc = store_user_totp_set(c, e->u->id, e->u->totp_secret, e->u->totp_secret_len,
					      e->now, err);

	if (!rc)
		rc = store_user_totp_use(c, e->u->id, e->step, &fresh, err);
	if (!rc)
		rc = store_recovery_codes_set(c, e->u->id, e->hashes, RECOVERY_CODES, err);
	if (!rc)
		rc = admin_notice(c, e->who, e->now, e->u, 0, "factor_enrolled",
				  "an authenticator app was set up by the person", err);
	return rc ? rc
		  : audit_record(c, e->who, e->now, "factor.enrol", NULL, NULL, "ok", NULL, err);
}

API_HANDLER(api_me_totp_confirm)
{
	static const struct jsonh_field spec[] = {
		{ "code", JT_STRING, JF_REQUIRED, 1, 40, NULL },
		{ NULL },
	};
	struct app *app = req->app;
	const struct principal *who = req->who;
	struct user_rec u;
	struct enrol e = { .who = who, .u = &u, .now = clock_now(&app->clock) };
	struct throttle_ticket tk;
	struct buf secret = BUF_INIT;
	char codes[RECOVERY_CODES][RECOVERY_LEN + 2], hashes[RECOVERY_CODES][65], code[32];
	int64_t wait, lock_s = 0;
	enum throttle_lock lock;
	json_t *body, *list;
	enum sh_code rc;

	if ((rc = may_enrol(who, err)))
		return rc;
	if (!(body = api_body_object(req, err)))
		return err->code;
	if ((rc = jsonh_check(body, spec, "", err)) ||
	    (rc = admin_user_read(app->store, who->user_id, NULL, req->arena, &u, err)))
		goto out;
	if (!open_secret(app, &u, false, &secret)) {
		rc = sh_error_set(err, SH_ECONFLICT,
				  u.totp_enrolled_at
					  ? "an authenticator app is set up already"
					  : "start setting up first (POST /api/v1/me/totp)");
		goto out;
	}
	if ((wait = throttle_begin(app->throttle, who->username, req->client_addr, e.now, &tk))) {
		rc = session_too_many(req, res, wait, err);
		goto out;
	}
	if (!normalise(jsonh_str(body, "code"), code, sizeof(code)) ||
	    (e.step = totp_match((const unsigned char *)secret.data, secret.len, e.now, code)) <
		    0) {
		lock = throttle_end(app->throttle, &tk, THROTTLE_FAILED, e.now, &lock_s);
		if (!(rc = session_denied(req, u.id, "wrong code while setting up", lock, lock_s,
					  err)))
			rc = sh_error_field(
				err, SH_EINVAL, "code",
				"is not the code your authenticator app shows now (check "
				"that the phone's clock is right)");
		goto out;
	}
	list = json_array();
	for (int i = 0; i < RECOVERY_CODES; i++) {
		char plain[RECOVERY_LEN + 1];
		for (int j = 0; j < RECOVERY_LEN; j++)
			plain[j] = recovery_alphabet[randombytes_uniform(sizeof(recovery_alphabet) -
									 1)];
		plain[RECOVERY_LEN] = '\0';
		shcrypto_code_hash(&app->keys, plain, hashes[i]);
		e.hashes[i] = hashes[i];
		snprintf(codes[i], sizeof(codes[i]), "%.5s-%s", plain, plain + 5);
		json_array_append_new(list, json_string(codes[i]));
		sodium_memzero(plain, sizeof(plain));
	}
	if (who->stage) {
		/* the sign-in this set-up was part of is finished */
		struct session_start st = { .user = &u,
					    .stage = "full",
					    .method = who->method,
					    .replaces = who->session,
					    .action = "session.create",
					    .detail = "password and a new authenticator app",
					    .also = do_enrol,
					    .also_arg = &e,
					    .extra = json_pack("{s:o}", "recovery_codes", list) };
		rc = session_start(req, res, &st, err);
	} else if (!(rc = store_write(app->store, do_enrol, &e, err))) {
		rc = api_reply_json_new(res, 200, json_pack("{s:o}", "recovery_codes", list));
	} else {
		json_decref(list);
	}
	throttle_end(app->throttle, &tk, rc ? THROTTLE_NEITHER : THROTTLE_OK, e.now, &lock_s);
	sodium_memzero(codes, sizeof(codes));
out:
	sodium_memzero(code, sizeof(code));
	buf_wipe(&secret);
	json_decref(body);
	return rc;
}

struct new_password {
	const struct principal *who;
	const char *hash;
	int64_t now;
};

static enum sh_code do_new_password(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct new_password *n = arg;
	enum sh_code rc = store_user_set_password(c, n->who->user_id, n->hash, n->now, err);

	return rc ? rc
		  : audit_record(c, n->who, n->now, "user.password_change", NULL, NULL, "ok", NULL,
				 err);
}

API_HANDLER(api_me_password)
{
	static const struct jsonh_field spec[] = {
		{ "old_password", JT_STRING, JF_REQUIRED, 1, 1024, NULL },
		{ "password", JT_STRING, JF_REQUIRED, 1, 1024, NULL },
		{ NULL },
	};
	struct app *app = req->app;
	const struct principal *who = req->who;
	struct user_rec u;
	char hash[128];
	struct new_password np = { .who = who, .hash = hash, .now = clock_now(&app->clock) };
	struct session_start st = { .user = &u,
				    .stage = "full",
				    .method = who->method,
				    .replaces = who->session,
				    .action = "session.create",
				    .detail = "a new password",
				    .also = do_new_password,
				    .also_arg = &np };
	json_t *body;
	enum sh_code rc;

	if (!(body = api_body_object(req, err)))
		return err->code;
	if ((rc = jsonh_check(body, spec, "", err)) ||
	    (rc = admin_user_read(app->store, who->user_id, NULL, req->arena, &u, err)))
		goto out;
	if ((rc = password_again(req, res, &u, "old_password", jsonh_str(body, "old_password"),
				 "wrong password while changing it", err)))
		goto out;
	if ((rc = password_check("password", jsonh_str(body, "password"), u.username, u.agency_name,
				 err)))
		goto out;
	if (!strcmp(jsonh_str(body, "password"), jsonh_str(body, "old_password"))) {
		rc = sh_error_field(err, SH_EINVAL, "password",
				    "must differ from the current password");
		goto out;
	}
	if ((rc = shcrypto_password_hash(jsonh_str(body, "password"), hash, err)))
		goto out;
	/* every session and token of the account ends; this browser gets a new session */
	rc = session_start(req, res, &st, err);
	sodium_memzero(hash, sizeof(hash));
out:
	json_decref(body);
	return rc;
}
