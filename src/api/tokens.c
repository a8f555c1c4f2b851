/* Integration tokens (admins): GET/POST /api/v1/tokens, DELETE /api/v1/tokens/{id}. */
#include "lib/common.h"
#include "api/admin.h"
#include "api/app.h"
#include "api/handlers.h"
#include "api/params.h"
#include "lib/jsonh.h"

API_HANDLER(api_tokens_list)
{
	struct store_conn *c;
	struct token_rec *list;
	size_t n;
	json_t *items;
	enum sh_code rc;

	if (!access_admin(req->who))
		return sh_error_set(err, SH_EFORBIDDEN, "only an admin may list tokens");
	if ((rc = store_read_begin(req->app->store, &c, err)))
		return rc;
	rc = store_token_list(c, 0, req->arena, &list, &n, err);
	store_read_end(c);
	if (rc)
		return rc;
	items = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *t = json_pack("{s:I, s:s, s:o}", "id", (json_int_t)list[i].id, "username",
				      list[i].username, "label",
				      list[i].label ? json_string(list[i].label) : json_null());
		jsonh_set_time(t, "created_at", list[i].created_at, false);
		jsonh_set_time(t, "revoked_at", list[i].revoked_at, true);
		json_array_append_new(items, t);
	}
	return api_reply_json_new(res, 200, json_pack("{s:o}", "items", items));
}

API_HANDLER(api_tokens_create)
{
	static const struct jsonh_field spec[] = {
		{ "username", JT_STRING, JF_REQUIRED, 1, 64, NULL },
		{ "label", JT_STRING, 0, 1, 100, NULL },
		{ NULL },
	};
	json_t *body;
	struct store_conn *c;
	struct user_rec u;
	char token[ADMIN_TOKEN_LEN];
	enum sh_code rc;

	if (!access_admin(req->who))
		return sh_error_set(err, SH_EFORBIDDEN, "only an admin may create tokens");
	if (!(body = api_body_object(req, err)))
		return err->code;
	if ((rc = jsonh_check(body, spec, "", err)))
		goto out;
	if ((rc = store_read_begin(req->app->store, &c, err)))
		goto out;
	rc = store_user_get(c, 0, jsonh_str(body, "username"), req->arena, &u, err);
	store_read_end(c);
	if (rc == SH_ENOTFOUND) {
		sh_error_init(err);
		rc = sh_error_field(err, SH_EINVAL, "username", "no such user");
	}
	if (rc)
		goto out;
	if ((rc = admin_token_create(req->app->store, clock_now(&req->app->clock), req->who, u.id,
				     jsonh_str(body, "label"), token, err)))
		goto out;
	rc = api_reply_json_new(res, 201, json_pack("{s:s, s:s}", "token", token, "username",
						    u.username));
out:
	json_decref(body);
	return rc;
}

API_HANDLER(api_token_revoke)
{
	int64_t id;
	enum sh_code rc;

	if (!access_admin(req->who))
		return sh_error_set(err, SH_EFORBIDDEN, "only an admin may revoke tokens");
	if ((rc = params_id(req, 0, &id, err)))
		return rc;
	if ((rc = admin_token_revoke(req->app->store, clock_now(&req->app->clock), req->who, id, err)))
		return rc;
	res->status = 204;
	res->content_type = NULL;
	return SH_OK;
}
