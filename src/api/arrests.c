/*
 * GET /api/v1/arrests/refused?from=YYYY-MM-DD&to=YYYY-MM-DD: the arrests the SB 1322
 * guardrail refused (docs/offences.md), for oversight staff (every agency) and for the
 * supervisors of the agency that attempted them. Days are the county's; audited.
 */
#include "lib/common.h"
#include "api/app.h"
#include "api/audit.h"
#include "api/handlers.h"
#include "api/params.h"
#include "core/metrics.h"
#include "lib/jsonh.h"

#define REFUSED_MAX 1000 /* items in one answer; `truncated` says when there were more */

API_HANDLER(api_refused_arrests)
{
	struct app *app = req->app;
	const struct principal *who = req->who;
	bool oversight = who->kind == AK_OVERSIGHT && access_can_read(who, SEC_CORE);
	struct audit_batch b = { .who = who,
				 .now = clock_now(&app->clock),
				 .action = "arrests.refused.read",
				 .outcome = "ok" };
	struct sh_date from, to;
	struct metrics_period per;
	struct store_conn *c;
	struct event_rec *ev;
	size_t n;
	json_t *items;
	enum sh_code rc;

	params_date(req, "from", &from, err);
	params_date(req, "to", &to, err);
	if (err->code || (rc = metrics_period(app->county.tz, from, to, &per, err)))
		return err->code;
	if ((rc = store_read_begin(app->store, &c, err)))
		return rc;
	/* a supervisor sees the attempts of their own agency only */
	rc = store_events_by_type(c, "refused_arrest", per.from, per.to,
				  oversight ? 0 : who->agency_id, REFUSED_MAX + 1, req->arena, &ev,
				  &n, err);
	store_read_end(c);
	if (rc)
		return rc;
	items = json_array();
	for (size_t i = 0; i < n && i < REFUSED_MAX; i++) {
		json_t *d = json_loads(ev[i].data ? ev[i].data : "{}", 0, NULL), *o = json_object();
		static const char *const keep[] = {
			"offense",   "offense_cited", "refused",
			"act_at",    "act_date",      "age_at_act",
			"age_basis", "minor",	      "prostitution_related"
		};
		for (size_t k = 0; k < ARRAY_SIZE(keep); k++)
			if (json_object_get(d, keep[k]))
				json_object_set(o, keep[k], json_object_get(d, keep[k]));
		json_object_set_new(o, "event_id", json_integer(ev[i].id));
		json_object_set_new(o, "case_id", json_string(ev[i].case_id));
		json_object_set_new(o, "area", json_string(ev[i].case_area ? ev[i].case_area : ""));
		jsonh_set_time(o, "at", ev[i].at, false);
		json_object_set_new(o, "agency",
				    json_pack("{s:I, s:s?}", "id", (json_int_t)ev[i].agency_id,
					      "name", ev[i].agency_name));
		json_object_set_new(o, "recorded_by",
				    json_string(ev[i].author ? ev[i].author : ""));
		json_array_append_new(items, o);
		json_decref(d);
	}
	b.detail = arena_printf(req->arena, "%zu items", json_array_size(items));
	if ((rc = audit_defer(req, &b, err))) {
		json_decref(items);
		return rc;
	}
	return api_reply_json_new(
		res, 200, json_pack("{s:o, s:b}", "items", items, "truncated", n > REFUSED_MAX));
}
