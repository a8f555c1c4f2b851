/*
 * Users: GET/POST /api/v1/users, PATCH /api/v1/users/{id} (role, agency, county account),
 * POST /api/v1/users/{id}/disable|enable|password, DELETE /api/v1/users/{id}/totp (a lost
 * second factor). Admins manage everyone; case staff may list their own agency's staff.
 */
#include "lib/common.h"
#include "api/admin.h"
#include "api/app.h"
#include "api/handlers.h"
#include "api/params.h"
#include "lib/jsonh.h"

static json_t *user_to_json(const struct user_rec *u, bool admin)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:o, s:s, s:b, s:{s:I, s:s, s:s}}", "id",
			      (json_int_t)u->id, "username", u->username, "display_name",
			      u->display_name, "contact",
			      u->contact ? json_string(u->contact) : json_null(), "role", u->role,
			      "disabled", u->disabled, "agency", "id", (json_int_t)u->agency_id,
			      "name", u->agency_name, "kind", u->agency_kind);

	/* how the account signs in is for admins to see */
	if (admin) {
		json_object_set_new(o, "second_factor",
				    json_boolean(u->totp_secret && u->totp_enrolled_at));
		json_object_set_new(o, "sso_id", u->sso_id ? json_string(u->sso_id) : json_null());
		jsonh_set_time(o, "last_active_at", u->last_active_at, true);
	}
	return o;
}

API_HANDLER(api_users_list)
{
	struct store_conn *c;
	struct user_rec *list;
	size_t n;
	json_t *items;
	int64_t agency = 0;
	enum sh_code rc;

	/* case staff see their own agency's colleagues (to assign a witness's advocate) */
	if (!access_admin(req->who))
		agency = req->who->agency_id;
	if ((rc = store_read_begin(req->app->store, &c, err)))
		return rc;
	rc = store_user_list(c, agency, req->arena, &list, &n, err);
	store_read_end(c);
	if (rc)
		return rc;
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, user_to_json(&list[i], access_admin(req->who)));
	return api_reply_json_new(res, 200, json_pack("{s:o}", "items", items));
}

API_HANDLER(api_users_create)
{
	static const struct jsonh_field spec[] = {
		{ "agency_id", JT_INT, JF_REQUIRED, 1, INT32_MAX, NULL },
		{ "username", JT_STRING, JF_REQUIRED, 2, 64, NULL },
		{ "display_name", JT_STRING, JF_REQUIRED, 1, 100, NULL },
		{ "contact", JT_STRING, 0, 1, 100, NULL },
		{ "role", JT_STRING, JF_REQUIRED, 1, 16, NULL },
		{ "password", JT_STRING, JF_REQUIRED, 1, 1024, NULL },
		{ "sso_id", JT_STRING, 0, 1, 200, NULL },
		{ NULL },
	};
	json_t *body;
	struct user_rec u = { 0 };
	enum sh_code rc;

	if (!(body = api_body_object(req, err)))
		return err->code;
	if ((rc = jsonh_check(body, spec, "", err)))
		goto out;
	u.agency_id = jsonh_int(body, "agency_id", 0);
	u.username = jsonh_str(body, "username");
	u.display_name = jsonh_str(body, "display_name");
	u.contact = jsonh_str(body, "contact");
	u.role = jsonh_str(body, "role");
	u.sso_id = jsonh_str(body, "sso_id");
	if ((rc = admin_user_add(req->app->store, clock_now(&req->app->clock), req->who, &u,
				 jsonh_str(body, "password"), err)))
		goto out;
	if (!(rc = admin_user_read(req->app->store, u.id, NULL, req->arena, &u, err)))
		rc = api_reply_json_new(res, 201, user_to_json(&u, true));
out:
	json_decref(body);
	return rc;
}

API_HANDLER(api_user_disable)
{
	return api_set_disabled(req, res, err, admin_user_disable, true);
}

API_HANDLER(api_user_enable)
{
	return api_set_disabled(req, res, err, admin_user_disable, false);
}

API_HANDLER(api_user_password)
{
	static const struct jsonh_field spec[] = {
		{ "password", JT_STRING, JF_REQUIRED, 1, 1024, NULL },
		{ NULL },
	};
	json_t *body;
	int64_t id;
	enum sh_code rc;

	if ((rc = params_id(req, 0, &id, err)))
		return rc;
	if (!(body = api_body_object(req, err)))
		return err->code;
	if (!(rc = jsonh_check(body, spec, "", err)))
		rc = admin_user_password(req->app->store, clock_now(&req->app->clock), req->who, id,
					 jsonh_str(body, "password"), err);
	json_decref(body);
	if (rc)
		return rc;
	res->status = 204;
	res->content_type = NULL;
	return SH_OK;
}

/* PATCH /api/v1/users/{id}: an admin changes a user's agency, role, display name, contact
 * or county account (api/admin.h: what a new agency or role ends, and who hears of it). */
API_HANDLER(api_user_update)
{
	static const struct jsonh_field spec[] = {
		{ "agency_id", JT_INT, 0, 1, INT32_MAX, NULL },
		{ "role", JT_STRING, 0, 1, 16, NULL },
		{ "display_name", JT_STRING, 0, 1, 100, NULL },
		{ "contact", JT_STRING, JF_NULLABLE, 1, 100, NULL },
		{ "sso_id", JT_STRING, JF_NULLABLE, 1, 200, NULL },
		{ NULL },
	};
	struct admin_user_change ch = { 0 };
	struct user_rec u;
	json_t *body;
	int64_t id;
	enum sh_code rc;

	if ((rc = params_id(req, 0, &id, err)))
		return sh_error_set(err, SH_ENOTFOUND, "no such user");
	if (!(body = api_body_object(req, err)))
		return err->code;
	if ((rc = jsonh_check(body, spec, "", err)))
		goto out;
	ch.agency_id = jsonh_int(body, "agency_id", 0);
	ch.role = jsonh_str(body, "role");
	ch.display_name = jsonh_str(body, "display_name");
	ch.set_contact = json_object_get(body, "contact") != NULL;
	ch.contact = jsonh_str(body, "contact");
	ch.set_sso = json_object_get(body, "sso_id") != NULL;
	ch.sso_id = jsonh_str(body, "sso_id");
	if (!(rc = admin_user_update(req->app->store, clock_now(&req->app->clock), req->who, id,
				     &ch, err)) &&
	    !(rc = admin_user_read(req->app->store, id, NULL, req->arena, &u, err)))
		rc = api_reply_json_new(res, 200, user_to_json(&u, true));
out:
	json_decref(body);
	return rc;
}

/* DELETE /api/v1/users/{id}/totp: an admin removes a lost second factor (announced). */
API_HANDLER(api_user_totp_reset)
{
	int64_t id;
	enum sh_code rc;

	if ((rc = params_id(req, 0, &id, err)) ||
	    (rc = admin_user_totp_reset(req->app->store, clock_now(&req->app->clock), req->who, id,
					err)))
		return rc;
	res->status = 204;
	res->content_type = NULL;
	return SH_OK;
}
