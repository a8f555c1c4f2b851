/*
 * GET /api/v1/protocols: the protocols new cases run under (docs/protocols.md, "Several
 * protocols on one server"): the default and each area's own, each with the version in
 * force today. Nothing about a case.
 */
#include "lib/common.h"
#include "api/api.h"
#include "api/app.h"
#include "api/handlers.h"

/* The item of protocol name in items, added (with the version in force today) if new. */
static json_t *item_of(struct api_request *req, json_t *items, const char *name, const char *area)
{
	const struct app *app = req->app;
	const struct registry_entry *e;
	size_t i;
	json_t *it;

	json_array_foreach(items, i, it)
		if (!strcmp(json_string_value(json_object_get(it, "name")), name))
			return it;
	e = registry_for(&app->registry, area, app->county.tz, clock_now(&app->clock));
	it = json_pack("{s:s, s:s?, s:s?, s:I, s:b, s:[]}", "name", name, "version",
		       e ? e->version : NULL, "effective", e ? e->effective : NULL, "steps",
		       (json_int_t)(e ? protocol_nsteps(e->p) : 0), "default",
		       !strcmp(name, app->registry.current), "areas");
	json_array_append_new(items, it);
	return it;
}

API_HANDLER(api_protocols)
{
	const struct registry *r = &req->app->registry;
	json_t *items = json_array();

	UNUSED(err);
	item_of(req, items, r->current, NULL);
	for (size_t i = 0; i < r->nareas; i++)
		json_array_append_new(
			json_object_get(item_of(req, items, r->areas[i].name, r->areas[i].area),
					"areas"),
			json_string(r->areas[i].area));
	return api_reply_json_new(res, 200,
				  json_pack("{s:s, s:o}", "default", r->current, "items", items));
}
