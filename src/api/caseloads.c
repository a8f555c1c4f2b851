/*
 * What lists are filtered by: GET /api/v1/agencies/{id}/caseloads (each worker's open
 * cases, for the agency's supervisors) and GET /api/v1/steps (the steps the caller's agency
 * may owe under the protocol in force).
 */
#include "lib/common.h"
#include "api/app.h"
#include "api/handlers.h"
#include "core/access.h"
#include "api/params.h"
#include "lib/jsonh.h"

API_HANDLER(api_caseloads)
{
	struct store_conn *c;
	struct caseload_rec *rows;
	size_t n;
	int64_t id, now = clock_now(&req->app->clock);
	json_t *items, *out;
	enum sh_code rc;

	if ((rc = params_id(req, 0, &id, err)))
		return sh_error_set(err, SH_ENOTFOUND, "no such agency");
	if ((rc = store_read_begin(req->app->store, &c, err)))
		return rc;
	rc = store_caseloads(c, id, access_kind_name(req->who->kind), now, req->arena, &rows, &n,
			     err);
	store_read_end(c);
	if (rc)
		return rc;
	items = json_array();
	out = json_pack("{s:I, s:o}", "agency_id", (json_int_t)id, "items", items);
	for (size_t i = 0; i < n; i++) {
		json_t *counts =
			json_pack("{s:I, s:I}", "open_cases", (json_int_t)rows[i].open_cases,
				  "overdue_steps", (json_int_t)rows[i].overdue_steps);
		if (!rows[i].user_id) { /* the open cases nobody is named on */
			json_object_set_new(out, "unassigned", counts);
			continue;
		}
		json_object_set_new(counts, "user",
				    json_pack("{s:I, s:s, s:s, s:b}", "id",
					      (json_int_t)rows[i].user_id, "name", rows[i].name,
					      "username", rows[i].username, "disabled",
					      rows[i].disabled));
		json_array_append_new(items, counts);
	}
	return api_reply_json_new(res, 200, out);
}

API_HANDLER(api_steps)
{
	const struct registry_entry *e = registry_for(
		&req->app->registry, NULL, req->app->county.tz, clock_now(&req->app->clock));
	const char *kind = access_kind_name(req->who->kind);
	json_t *items = json_array();

	UNUSED(err);
	for (size_t i = 0; e && i < protocol_nsteps(e->p); i++) {
		const char *key = protocol_step_key(e->p, i);
		if (protocol_step_may_own(e->p, i, kind))
			json_array_append_new(items, json_pack("{s:s, s:s}", "key", key, "title",
							       protocol_step_title(e->p, key)));
	}
	return api_reply_json_new(
		res, 200,
		json_pack("{s:o, s:s?}", "items", items, "protocol", e ? e->version : NULL));
}
