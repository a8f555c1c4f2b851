/*
 * Bearer tokens: GET/POST /api/v1/tokens, DELETE /api/v1/tokens/{id}.
 * A signed-in person makes tokens for themselves only: nobody, admins included, can
 * mint a token that acts as someone else (the operator's `safeharbor token create` on
 * the server is the one way, announced to the user's agency). Admins list and revoke
 * every token; others their own.
 */
#include "lib/common.h"
#include <sodium.h>
#include "api/admin.h"
#include "api/app.h"
#include "api/handlers.h"
#include "api/params.h"
#include "lib/jsonh.h"

static json_t *token_json(const struct token_rec *t)
{
	json_t *o = json_pack(
		"{s:I, s:s, s:o, s:s, s:o}", "id", (json_int_t)t->id, "username", t->username,
		"label", t->label ? json_string(t->label) : json_null(), "scope",
		t->scope ? t->scope : "write", "created_by",
		t->created_by ? json_pack("{s:I, s:o}", "id", (json_int_t)t->created_by, "name",
					  t->created_by_name ? json_string(t->created_by_name)
							     : json_null())
			      : json_null());

	jsonh_set_time(o, "created_at", t->created_at, false);
	jsonh_set_time(o, "expires_at", t->expires_at, true);
	jsonh_set_time(o, "revoked_at", t->revoked_at, true);
	return o;
}

/* The tokens the caller may see: every one for an admin, else their own. */
static enum sh_code visible_tokens(struct api_request *req, struct token_rec **list, size_t *n,
				   struct sh_error *err)
{
	struct store_conn *c;
	enum sh_code rc;

	if ((rc = store_read_begin(req->app->store, &c, err)))
		return rc;
	rc = store_token_list(c, access_admin(req->who) ? 0 : req->who->user_id, req->arena, list,
			      n, err);
	store_read_end(c);
	return rc;
}

API_HANDLER(api_tokens_list)
{
	struct token_rec *list;
	size_t n;
	json_t *items;
	enum sh_code rc;

	if ((rc = visible_tokens(req, &list, &n, err)))
		return rc;
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, token_json(&list[i]));
	return api_reply_json_new(res, 200, json_pack("{s:o}", "items", items));
}

API_HANDLER(api_tokens_create)
{
	static const struct jsonh_field spec[] = {
		{ "username", JT_STRING, 0, 1, 64, NULL },
		{ "label", JT_STRING, 0, 1, 100, NULL },
		{ "expires", JT_STRING, 0, 1, 16, NULL },
		{ "scope", JT_STRING, 0, 1, 16, NULL },
		{ NULL },
	};
	struct admin_token_spec ts;
	const char *username;
	char token[ADMIN_TOKEN_LEN], until[TIMEFMT_RFC3339_LEN];
	int64_t expires_at;
	json_t *body;
	enum sh_code rc;

	/* a token cannot make tokens (the route's permit): a stolen one must not outlive itself */
	if (!(body = api_body_object(req, err)))
		return err->code;
	if ((rc = jsonh_check(body, spec, "", err)))
		goto out;
	username = jsonh_str(body, "username");
	if (username && strcasecmp(username, req->who->username)) {
		rc = sh_error_field(
			err, SH_EFORBIDDEN, "username",
			"a token acts as its user, so each person makes their own: nobody, "
			"admins included, makes one for someone else (the operator can, on "
			"the server: safeharbor token create, announced to the user's "
			"agency)");
		goto out;
	}
	ts.label = jsonh_str(body, "label");
	ts.expires = jsonh_str(body, "expires");
	ts.scope = jsonh_str(body, "scope");
	if ((rc = admin_token_create(req->app->store, clock_now(&req->app->clock), req->who,
				     req->who->user_id, &ts, token, &expires_at, err)))
		goto out;
	timefmt_format_rfc3339(expires_at, until);
	rc = api_reply_json_new(res, 201,
				json_pack("{s:s, s:s, s:s, s:s}", "token", token, "username",
					  req->who->username, "scope",
					  ts.scope ? ts.scope : "write", "expires_at", until));
	sodium_memzero(token, sizeof(token));
out:
	json_decref(body);
	return rc;
}

API_HANDLER(api_token_revoke)
{
	struct token_rec *list;
	size_t n, i;
	int64_t id;
	enum sh_code rc;

	if ((rc = params_id(req, 0, &id, err)))
		return rc;
	/* someone else's token, for a non-admin, does not exist */
	if ((rc = visible_tokens(req, &list, &n, err)))
		return rc;
	for (i = 0; i < n && list[i].id != id; i++)
		;
	if (i == n)
		return sh_error_set(err, SH_ENOTFOUND, "no such token");
	if ((rc = admin_token_revoke(req->app->store, clock_now(&req->app->clock), req->who, id,
				     err)))
		return rc;
	res->status = 204;
	res->content_type = NULL;
	return SH_OK;
}
