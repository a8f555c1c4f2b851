#include "lib/common.h"
#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include "api/admin.h"
#include "api/app.h"
#include "api/handlers.h"
#include "api/oidc.h"
#include "api/principal.h"
#include "api/session.h"
#include "lib/idtoken.h"
#include "lib/log.h"
#include "lib/shcrypto.h"

#define FETCH_MAX (1024 * 1024) /* a discovery document, a JWK set, a token answer */
#define FETCH_TIMEOUT_S 10
#define REQUEST_TTL_S 600 /* a sign-in at the provider may take this long */
#define SKEW_S 120	  /* clock difference allowed with the provider */
#define BINDING_COOKIE "sh_oidc"

struct oidc_cache {
	pthread_mutex_t mu;
	json_t *discovery;
	int64_t discovery_until;
	json_t *jwks;
	int64_t jwks_until, jwks_fetched;
};

struct oidc_cache *oidc_cache_new(void)
{
	struct oidc_cache *c = calloc(1, sizeof(*c));

	if (c)
		pthread_mutex_init(&c->mu, NULL);
	return c;
}

void oidc_cache_free(struct oidc_cache *c)
{
	if (!c)
		return;
	json_decref(c->discovery);
	json_decref(c->jwks);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

/* ---- fetching ---- */

struct fetched {
	struct buf body;
	int64_t max_age; /* Cache-Control max-age; -1 when none */
};

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	struct fetched *f = arg;

	return buf_add(&f->body, p, size * n) ? 0 : size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	struct fetched *f = arg;
	size_t len = size * n;
	char line[256];

	if (len < sizeof(line) && !strncasecmp(p, "cache-control:", 14)) {
		char *m;
		memcpy(line, p, len);
		line[len] = '\0';
		if ((m = strstr(line, "max-age=")))
			f->max_age = strtol(m + 8, NULL, 10);
		if (strstr(line, "no-store") || strstr(line, "no-cache"))
			f->max_age = 0;
	}
	return len;
}

/* GET url (form NULL), or POST the form; *status the HTTP status. No redirects, bounded. */
static enum sh_code fetch(const char *url, const char *form, const char *basic_user,
			  const char *basic_password, struct fetched *f, long *status,
			  struct sh_error *err)
{
	CURL *h = curl_easy_init();
	CURLcode cc;

	buf_init(&f->body, FETCH_MAX);
	f->max_age = -1;
	*status = 0;
	if (!h)
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)FETCH_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, f);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, f);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "safeharbor/" SH_VERSION);
	if (form)
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, form);
	if (basic_user) {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(h, CURLOPT_USERNAME, basic_user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, basic_password);
	}
	cc = curl_easy_perform(h);
	if (cc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	curl_easy_cleanup(h);
	if (cc != CURLE_OK) {
		buf_release(&f->body);
		return sh_error_set(err, SH_EUNAVAILABLE,
				    "the identity provider did not answer: %s",
				    curl_easy_strerror(cc));
	}
	return SH_OK;
}

static json_t *fetch_json(const char *url, int64_t *max_age, struct sh_error *err)
{
	struct fetched f;
	long status;
	json_t *v = NULL;

	if (fetch(url, NULL, NULL, NULL, &f, &status, err))
		return NULL;
	if (status == 200)
		v = json_loadb(f.body.data, f.body.len, 0, NULL);
	if (!json_is_object(v)) {
		json_decref(v);
		v = NULL;
		sh_error_set(err, SH_EUNAVAILABLE,
			     "the identity provider answered %ld, not a JSON object", status);
	}
	*max_age = f.max_age;
	buf_release(&f.body);
	return v;
}

static int64_t lifetime(int64_t max_age)
{
	return max_age < 0 ? 3600 : max_age < 60 ? 60 : max_age > 86400 ? 86400 : max_age;
}

/* An endpoint the provider names: https, or http on the loopback when the issuer is too. */
static bool endpoint_ok(const char *issuer, const char *url)
{
	return url && (!strncmp(url, "https://", 8) ||
		       (county_http_loopback(issuer) && county_http_loopback(url)));
}

/* The discovery document (a new reference), cached. */
static json_t *discovery(struct app *app, int64_t now, struct sh_error *err)
{
	struct oidc_cache *c = app->oidc;
	const char *issuer = app->county.oidc.issuer;
	json_t *doc = NULL;
	struct buf url = BUF_INIT;
	int64_t max_age;

	pthread_mutex_lock(&c->mu);
	if (c->discovery && now < c->discovery_until) {
		doc = json_incref(c->discovery);
		goto out;
	}
	{
		size_t n = strlen(issuer);
		while (n && issuer[n - 1] == '/')
			n--;
		buf_addf(&url, "%.*s/.well-known/openid-configuration", (int)n, issuer);
	}
	if (!(doc = fetch_json(url.data, &max_age, err)))
		goto out;
	if (!json_is_string(json_object_get(doc, "issuer")) ||
	    strcmp(json_string_value(json_object_get(doc, "issuer")), issuer) ||
	    !endpoint_ok(issuer,
			 json_string_value(json_object_get(doc, "authorization_endpoint"))) ||
	    !endpoint_ok(issuer, json_string_value(json_object_get(doc, "token_endpoint"))) ||
	    !endpoint_ok(issuer, json_string_value(json_object_get(doc, "jwks_uri")))) {
		json_decref(doc);
		doc = NULL;
		sh_error_set(
			err, SH_EUNAVAILABLE,
			"the provider's discovery document names another issuer or lacks an endpoint");
		goto out;
	}
	json_decref(c->discovery);
	c->discovery = json_incref(doc);
	c->discovery_until = now + lifetime(max_age);
out:
	pthread_mutex_unlock(&c->mu);
	buf_release(&url);
	return doc;
}

/* The JWK set (a new reference), cached; refresh: fetch again, unless fetched this minute. */
static json_t *jwk_set(struct app *app, const json_t *doc, int64_t now, bool refresh,
		       struct sh_error *err)
{
	struct oidc_cache *c = app->oidc;
	json_t *set = NULL;
	int64_t max_age;

	pthread_mutex_lock(&c->mu);
	if (c->jwks && (refresh ? now - c->jwks_fetched < 60 : now < c->jwks_until)) {
		set = json_incref(c->jwks);
		goto out;
	}
	if (!(set = fetch_json(json_string_value(json_object_get(doc, "jwks_uri")), &max_age, err)))
		goto out;
	json_decref(c->jwks);
	c->jwks = json_incref(set);
	c->jwks_fetched = now;
	c->jwks_until = now + lifetime(max_age);
out:
	pthread_mutex_unlock(&c->mu);
	return set;
}

/* ---- the flow ---- */

/* Where the provider sends the browser back: public_url's, or this request's host. */
static const char *redirect_uri(struct api_request *req)
{
	return arena_printf(req->arena, "%s/api/v1/oidc/callback", api_base_url(req));
}

static enum sh_code redirect(struct api_response *res, const char *location)
{
	api_add_header(res, "Location", location);
	res->status = 302;
	res->content_type = NULL;
	return SH_OK;
}

static const char *binding_cookie(struct api_request *req, const char *value)
{
	bool secure = req->app->cfg.secure_cookies || req->secure;

	/* Lax: the provider's redirect back is a top-level navigation from another site */
	return value ? arena_printf(req->arena,
				    BINDING_COOKIE "=%s; Path=/api/v1/oidc; HttpOnly; "
						   "SameSite=Lax; Max-Age=%d%s",
				    value, REQUEST_TTL_S, secure ? "; Secure" : "")
		     : arena_printf(req->arena,
				    BINDING_COOKIE "=; Path=/api/v1/oidc; HttpOnly; "
						   "SameSite=Lax; Max-Age=0%s",
				    secure ? "; Secure" : "");
}

static enum sh_code do_put(struct store_conn *c, void *arg, struct sh_error *err)
{
	const struct oidc_request_rec *r = arg;

	return store_oidc_request_put(c, r, r->created_at - REQUEST_TTL_S, err);
}

/* GET /api/v1/oidc/start[?popup=1]: to the provider, with a fresh state, nonce and PKCE. */
API_HANDLER(api_oidc_start)
{
	struct app *app = req->app;
	int64_t now = clock_now(&app->clock);
	unsigned char raw[32], challenge[crypto_hash_sha256_BYTES];
	char state[65], nonce[65], binding[65], state_hash[65], binding_hash[65];
	char verifier[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
	char challenge64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES,
						   sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
	const char *popup = api_query(req, "popup");
	struct oidc_request_rec r = { .state_hash = state_hash,
				      .binding_hash = binding_hash,
				      .nonce = nonce,
				      .verifier = verifier,
				      .created_at = now,
				      .return_to =
					      popup && !strcmp(popup, "1") ? "/signed-in" : "/" };
	struct buf to = BUF_INIT;
	json_t *doc;
	enum sh_code rc;

	if (!county_oidc_configured(&app->county))
		return redirect(res, "/?signin_error=off");
	if (!(doc = discovery(app, now, err))) {
		log_warn("oidc: %s", err->detail);
		sh_error_init(err);
		return redirect(res, "/?signin_error=provider");
	}
	shcrypto_random_hex(state, 32);
	shcrypto_random_hex(nonce, 32);
	shcrypto_random_hex(binding, 32);
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(verifier, sizeof(verifier), raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	crypto_hash_sha256(challenge, (const unsigned char *)verifier, strlen(verifier));
	sodium_bin2base64(challenge64, sizeof(challenge64), challenge, sizeof(challenge),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	shcrypto_hash_hex(state, strlen(state), state_hash);
	shcrypto_hash_hex(binding, strlen(binding), binding_hash);
	if ((rc = store_write(app->store, do_put, &r, err)))
		goto out;
	buf_addf(&to, "%s%sresponse_type=code&client_id=",
		 json_string_value(json_object_get(doc, "authorization_endpoint")),
		 strchr(json_string_value(json_object_get(doc, "authorization_endpoint")), '?')
			 ? "&"
			 : "?");
	buf_add_urlencoded(&to, app->county.oidc.client_id);
	buf_adds(&to, "&redirect_uri=");
	buf_add_urlencoded(&to, redirect_uri(req));
	buf_adds(&to, "&scope=");
	buf_add_urlencoded(&to, app->county.oidc.scopes);
	buf_addf(&to, "&state=%s&nonce=%s&code_challenge=%s&code_challenge_method=S256", state,
		 nonce, challenge64);
	api_add_header(res, "Set-Cookie", binding_cookie(req, binding));
	rc = redirect(res, arena_strdup(req->arena, to.data));
out:
	sodium_memzero(verifier, sizeof(verifier));
	sodium_memzero(binding, sizeof(binding));
	buf_release(&to);
	json_decref(doc);
	return rc;
}

/* The sign-in failed: said on the sign-in screen by a reason's name, audited with the detail
 * (never a claim's value), and nobody is signed in. */
static enum sh_code failed(struct api_request *req, struct api_response *res, int64_t user_id,
			   const char *reason, const char *detail, struct sh_error *err)
{
	char d[160];

	snprintf(d, sizeof(d), "county account: %s", detail);
	sh_error_init(err);
	if (session_denied(req, user_id, d, THROTTLE_NO_LOCK, 0, err))
		return err->code;
	api_add_header(res, "Set-Cookie", binding_cookie(req, NULL));
	return redirect(res, arena_printf(req->arena, "/?signin_error=%s", reason));
}

struct take {
	const char *state_hash, *binding_hash; /* binding_hash NULL: the browser sent none */
	struct arena *a;
	struct oidc_request_rec *out;
};

/* The sign-in in flight, used once: taken only by the browser that started it (another
 * browser's attempt rolls back, so a leaked state cannot cancel the person's sign-in). */
static enum sh_code do_take(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct take *t = arg;
	enum sh_code rc = store_oidc_request_take(c, t->state_hash, t->a, t->out, err);

	if (!rc && (!t->binding_hash || sodium_memcmp(t->binding_hash, t->out->binding_hash, 64)))
		rc = sh_error_set(err, SH_EFORBIDDEN, "another browser's sign-in");
	return rc;
}

/* The code for the tokens; *id_token (a new string in the arena) on success. */
static enum sh_code exchange(struct api_request *req, const json_t *doc, const char *code,
			     const char *verifier, const char **id_token, struct sh_error *err)
{
	struct app *app = req->app;
	struct buf form = BUF_INIT;
	struct fetched f;
	long status;
	json_t *answer = NULL;
	enum sh_code rc;

	buf_adds(&form, "grant_type=authorization_code&code=");
	buf_add_urlencoded(&form, code);
	buf_adds(&form, "&redirect_uri=");
	buf_add_urlencoded(&form, redirect_uri(req));
	buf_adds(&form, "&code_verifier=");
	buf_add_urlencoded(&form, verifier);
	/* a confidential client authenticates with its secret (client_secret_basic); a public
	 * one names itself */
	if (!app->oidc_client_secret) {
		buf_adds(&form, "&client_id=");
		buf_add_urlencoded(&form, app->county.oidc.client_id);
	}
	rc = fetch(json_string_value(json_object_get(doc, "token_endpoint")), form.data,
		   app->oidc_client_secret ? app->county.oidc.client_id : NULL,
		   app->oidc_client_secret, &f, &status, err);
	buf_wipe(&form);
	if (rc)
		return rc;
	if (status == 200)
		answer = json_loadb(f.body.data, f.body.len, 0, NULL);
	buf_wipe(&f.body);
	if (!json_is_string(json_object_get(answer, "id_token")))
		rc = sh_error_set(err, SH_EUNAVAILABLE,
				  "the token endpoint answered %ld without an ID token", status);
	else
		*id_token = arena_strdup(req->arena,
					 json_string_value(json_object_get(answer, "id_token")));
	json_decref(answer);
	return rc;
}

/* The agency and role the person's groups give (oidc.groups): 1 when exactly one pair, 0 for
 * none, 2 for several (ambiguous). */
static int group_mapping(const struct app *app, const json_t *claims, int64_t *agency,
			 const char **role, struct arena *a)
{
	const json_t *groups = json_object_get(claims, app->county.oidc.groups_claim), *g;
	int found = 0;
	size_t i;

	json_array_foreach(groups, i, g) {
		const char *name = json_string_value(g), *p = app->county.oidc.groups;
		if (!name)
			continue;
		while (*p) {
			size_t n = strcspn(p, ";"), glen = strcspn(p, "=");
			if (glen < n && glen == strlen(name) && !strncmp(p, name, glen)) {
				char *end;
				int64_t id = strtoll(p + glen + 1, &end, 10);
				const char *r =
					arena_strndup(a, end + 1, (size_t)(p + n - end - 1));
				if (!found) {
					*agency = id;
					*role = r;
					found = 1;
				} else if (id != *agency || strcmp(r, *role)) {
					found = 2;
				}
			}
			p += n + (p[n] == ';');
		}
	}
	return found;
}

/* GET /api/v1/oidc/callback?code&state (or error): the provider sent the browser back. */
API_HANDLER(api_oidc_callback)
{
	struct app *app = req->app;
	int64_t now = clock_now(&app->clock), agency = 0;
	const char *state = api_query(req, "state"), *code = api_query(req, "code");
	const char *binding = api_cookie(req, BINDING_COOKIE), *id_token = NULL, *sso, *role = NULL;
	char state_hash[65], binding_hash[65];
	struct oidc_request_rec r;
	struct take take = { state_hash, NULL, req->arena, &r };
	struct idtoken_expect x = { app->county.oidc.issuer, app->county.oidc.client_id, NULL, now,
				    SKEW_S };
	enum idtoken_result v;
	json_t *doc = NULL, *set = NULL, *claims = NULL, *verified;
	struct user_rec u;
	struct store_conn *c;
	struct session_start st = { .user = &u,
				    .stage = "full",
				    .method = "oidc",
				    .action = "session.create",
				    .detail = "county account",
				    .no_reply = true };
	enum sh_code rc;

	if (!county_oidc_configured(&app->county))
		return redirect(res, "/?signin_error=off");
	if (!state || strlen(state) > 200)
		return failed(req, res, 0, "expired", "no state", err);
	shcrypto_hash_hex(state, strlen(state), state_hash);
	/* the browser that started this sign-in, and no other, finishes it (login CSRF); used
	 * once, whatever follows: a replayed callback finds nothing */
	if (binding) {
		shcrypto_hash_hex(binding, strlen(binding), binding_hash);
		take.binding_hash = binding_hash;
	}
	if (store_write(app->store, do_take, &take, err))
		return failed(req, res, 0, "expired",
			      err->code == SH_EFORBIDDEN ? "another browser's sign-in"
							 : "unknown or used state",
			      err);
	if (now - r.created_at > REQUEST_TTL_S)
		return failed(req, res, 0, "expired", "too slow", err);
	if (api_query(req, "error") || !code)
		return failed(req, res, 0, "provider", "the provider refused", err);
	if (!(doc = discovery(app, now, err)) ||
	    exchange(req, doc, code, r.verifier, &id_token, err)) {
		log_warn("oidc: %s", err->detail);
		rc = failed(req, res, 0, "provider", "the provider failed", err);
		goto out;
	}
	x.nonce = r.nonce;
	if (!(set = jwk_set(app, doc, now, false, err)))
		v = IDTOKEN_NO_KEY;
	else if ((v = idtoken_verify_signature(id_token, set, &claims)) == IDTOKEN_NO_KEY) {
		/* a key the set did not have yet: the provider rotated its keys */
		json_decref(set);
		if ((set = jwk_set(app, doc, now, true, err)))
			v = idtoken_verify_signature(id_token, set, &claims);
	}
	if (v == IDTOKEN_OK)
		v = idtoken_check_claims(claims, &x);
	if (v != IDTOKEN_OK) {
		rc = failed(req, res, 0, "token", idtoken_result_name(v), err);
		goto out;
	}
	verified = json_object_get(claims, "email_verified");
	sso = json_string_value(json_object_get(claims, app->county.oidc.user_claim));
	if (!sso || (!strcmp(app->county.oidc.user_claim, "email") && json_is_false(verified))) {
		rc = failed(req, res, 0, "not_provisioned",
			    sso ? "e-mail not verified" : "no such claim", err);
		goto out;
	}
	if ((rc = store_read_begin(app->store, &c, err)))
		goto out;
	rc = store_user_get_sso(c, sso, req->arena, &u, err);
	store_read_end(c);
	if (rc) {
		rc = rc == SH_ENOTFOUND
			     ? failed(req, res, 0, "not_provisioned", "not provisioned", err)
			     : rc;
		goto out;
	}
	if (u.disabled || u.agency_disabled) {
		rc = failed(req, res, u.id, "disabled", "account disabled", err);
		goto out;
	}
	if (*app->county.oidc.groups_claim && *app->county.oidc.groups) {
		int n = group_mapping(app, claims, &agency, &role, req->arena);
		if (n != 1) {
			rc = failed(req, res, u.id, "groups",
				    n ? "groups give several agencies or roles"
				      : "no group gives an agency and role",
				    err);
			goto out;
		}
		if (agency != u.agency_id || strcmp(role, u.role)) {
			struct admin_user_change ch = { .role = role, .agency_id = agency };
			if ((rc = admin_user_update(app->store, now, ADMIN_SYSTEM, u.id, &ch,
						    err))) {
				rc = failed(req, res, u.id, "groups",
					    "the groups' agency cannot be used", err);
				goto out;
			}
			if ((rc = admin_user_read(app->store, u.id, NULL, req->arena, &u, err)))
				goto out;
		}
	}
	if (!(rc = session_start(req, res, &st, err))) {
		api_add_header(res, "Set-Cookie", binding_cookie(req, NULL));
		rc = redirect(res, r.return_to);
	}
out:
	json_decref(doc);
	json_decref(set);
	json_decref(claims);
	return rc;
}
