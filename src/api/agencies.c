/* Agencies: GET/POST /api/v1/agencies, POST /api/v1/agencies/{id}/disable|enable,
 * PUT /api/v1/agencies/{id}/signin (local passwords on or off). */
#include "lib/common.h"
#include "api/admin.h"
#include "api/app.h"
#include "api/handlers.h"
#include "api/params.h"
#include "lib/jsonh.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

json_t *agency_to_json(const struct agency_rec *r, bool admin)
{
	json_t *areas = json_array(), *o;

	for (const char **a = r->areas; a && *a; a++)
		json_array_append_new(areas, json_string(*a));
	o = json_pack("{s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)r->id, "name", r->name, "kind",
		      r->kind, "home_area", r->home_area ? json_string(r->home_area) : json_null(),
		      "areas", areas);
	if (admin) {
		json_object_set_new(o, "disabled", json_boolean(r->disabled));
		json_object_set_new(o, "password_signin", json_boolean(r->password_signin));
	}
	return o;
}

/* The county's areas: every area an active agency serves or calls home ("*" is not one),
 * sorted, once each. Forms choose from them (an identification, a shift, a filter). */
static json_t *county_areas(const struct agency_rec *list, size_t n, struct arena *a)
{
	json_t *seen = json_object(), *out = json_array();
	const char *k;
	json_t *v;

	for (size_t i = 0; i < n; i++) {
		if (list[i].disabled)
			continue;
		if (list[i].home_area && strcmp(list[i].home_area, "*"))
			json_object_set_new(seen, list[i].home_area, json_true());
		for (const char **ar = list[i].areas; ar && *ar; ar++)
			if (strcmp(*ar, "*"))
				json_object_set_new(seen, *ar, json_true());
	}
	{
		const char **keys = arena_alloc(a, (json_object_size(seen) + 1) * sizeof(*keys));
		size_t m = 0;
		json_object_foreach(seen, k, v)
			if (keys)
				keys[m++] = k;
		if (keys)
			qsort(keys, m, sizeof(*keys), cmp_str);
		for (size_t i = 0; keys && i < m; i++)
			json_array_append_new(out, json_string(keys[i]));
	}
	json_decref(seen);
	return out;
}

API_HANDLER(api_agencies_list)
{
	struct agency_rec *list;
	size_t n;
	json_t *items;
	enum sh_code rc;

	if ((rc = store_agencies(req->app->store, req->arena, &list, &n, err)))
		return rc;
	items = json_array();
	for (size_t i = 0; i < n; i++)
		if (!list[i].disabled || access_admin(req->who))
			json_array_append_new(items,
					      agency_to_json(&list[i], access_admin(req->who)));
	return api_reply_json_new(res, 200,
				  json_pack("{s:o, s:o}", "items", items, "areas",
					    county_areas(list, n, req->arena)));
}

/* The strings of a checked JT_STRINGS array (NULL: none), as a NULL-terminated list in a. */
static const char **areas_of(json_t *areas, struct arena *a)
{
	const char **out = arena_alloc(a, (json_array_size(areas) + 1) * sizeof(*out));
	json_t *v;
	size_t i;

	json_array_foreach(areas, i, v)
		out[i] = json_string_value(v);
	return out;
}

API_HANDLER(api_agencies_create)
{
	static const struct jsonh_field spec[] = {
		{ "name", JT_STRING, JF_REQUIRED, 1, 100, NULL },
		{ "kind", JT_STRING, JF_REQUIRED, 1, 32, NULL },
		{ "home_area", JT_STRING, 0, 1, 64, NULL },
		{ "areas", JT_STRINGS, 0, 1, 64, NULL },
		{ NULL },
	};
	json_t *body;
	struct agency_rec r = { 0 };
	enum sh_code rc;

	if (!(body = api_body_object(req, err)))
		return err->code;
	if ((rc = jsonh_check(body, spec, "", err)))
		goto out;
	r.name = jsonh_str(body, "name");
	r.kind = jsonh_str(body, "kind");
	r.home_area = jsonh_str(body, "home_area");
	r.areas = areas_of(json_object_get(body, "areas"), req->arena);
	if ((rc = admin_agency_add(req->app->store, clock_now(&req->app->clock), req->who, &r,
				   err)))
		goto out;
	rc = api_reply_json_new(res, 201, agency_to_json(&r, true));
out:
	json_decref(body);
	return rc;
}

enum sh_code api_set_disabled(struct api_request *req, struct api_response *res,
			      struct sh_error *err, api_disable_fn disable, bool disabled)
{
	int64_t id;
	enum sh_code rc;

	if ((rc = params_id(req, 0, &id, err)))
		return rc;
	if ((rc = disable(req->app->store, clock_now(&req->app->clock), req->who, id, disabled,
			  err)))
		return rc;
	return api_reply_json_new(
		res, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "disabled", disabled));
}

API_HANDLER(api_agency_disable)
{
	return api_set_disabled(req, res, err, admin_agency_disable, true);
}

API_HANDLER(api_agency_enable)
{
	return api_set_disabled(req, res, err, admin_agency_disable, false);
}

/* PATCH /api/v1/agencies/{id}: an admin changes the name, the home area or the areas served
 * (routing follows from the next identification on). */
API_HANDLER(api_agency_update)
{
	static const struct jsonh_field spec[] = {
		{ "name", JT_STRING, 0, 1, 100, NULL },
		{ "home_area", JT_STRING, JF_NULLABLE, 1, 64, NULL },
		{ "areas", JT_STRINGS, 0, 1, 64, NULL },
		{ "kind", JT_ANY, 0, 0, 0, NULL },
		{ NULL },
	};
	struct admin_agency_change ch = { 0 };
	struct agency_rec r;
	json_t *body, *areas;
	int64_t id;
	enum sh_code rc;

	if ((rc = params_id(req, 0, &id, err)))
		return sh_error_set(err, SH_ENOTFOUND, "no such agency");
	if (!(body = api_body_object(req, err)))
		return err->code;
	if ((rc = jsonh_check(body, spec, "", err)))
		goto out;
	if (json_object_get(body, "kind")) {
		rc = sh_error_field(err, SH_EINVAL, "kind",
				    "an agency's kind decides what its staff may read, so it never "
				    "changes: add an agency of the right kind and move its users");
		goto out;
	}
	ch.name = jsonh_str(body, "name");
	ch.set_home_area = json_object_get(body, "home_area") != NULL;
	ch.home_area = jsonh_str(body, "home_area");
	if ((areas = json_object_get(body, "areas")))
		ch.areas = areas_of(areas, req->arena);
	if ((rc = admin_agency_update(req->app->store, clock_now(&req->app->clock), req->who, id,
				      &ch, err)))
		goto out;
	if (!(rc = admin_agency_read(req->app->store, id, NULL, req->arena, &r, err)))
		rc = api_reply_json_new(res, 200, agency_to_json(&r, true));
out:
	json_decref(body);
	return rc;
}

/* PUT /api/v1/agencies/{id}/signin {"password": bool}: may the agency's staff sign in with
 * local passwords, or only with the county account. */
API_HANDLER(api_agency_signin)
{
	static const struct jsonh_field spec[] = {
		{ "password", JT_BOOL, JF_REQUIRED, 0, 0, NULL },
		{ NULL },
	};
	json_t *body;
	int64_t id;
	bool allowed;
	enum sh_code rc;

	if ((rc = params_id(req, 0, &id, err)))
		return rc;
	if (!(body = api_body_object(req, err)))
		return err->code;
	if ((rc = jsonh_check(body, spec, "", err)))
		goto out;
	allowed = jsonh_bool(body, "password", true);
	if (!(rc = admin_agency_password_signin(req->app->store, clock_now(&req->app->clock),
						req->who, id, allowed, err)))
		rc = api_reply_json_new(
			res, 200,
			json_pack("{s:I, s:b}", "id", (json_int_t)id, "password_signin", allowed));
out:
	json_decref(body);
	return rc;
}
