/*
 * GET /api/v1/notices: what others did to accounts of the caller's agency (admins: of
 * every agency), newest first: supervisor and admin accounts made, bearer tokens made,
 * passwords reset, accounts disabled and enabled (by an admin, or by safeharbor after
 * accounts.inactive_days unused), roles and agencies changed, county accounts linked, second
 * factors set up and reset. Supervisors see their agency's; everyone sees those about themselves.
 * They are written with the change itself (api/admin.c), so none is missed.
 */
#include "lib/common.h"
#include "api/app.h"
#include "api/handlers.h"
#include "api/params.h"
#include "core/access.h"
#include "lib/jsonh.h"

API_HANDLER(api_notices_list)
{
	const struct principal *who = req->who;
	struct store_conn *c;
	struct notice_rec *list;
	size_t n;
	int64_t limit, agency = 0, subject = who->user_id;
	json_t *items;
	enum sh_code rc;

	if ((rc = params_int(req, "limit", 1, 500, 100, &limit, err)))
		return rc;
	if (access_admin(who))
		subject = 0; /* every agency's */
	else if (who->role == ROLE_SUPERVISOR)
		agency = who->agency_id;
	if ((rc = store_read_begin(req->app->store, &c, err)))
		return rc;
	rc = store_notice_list(c, agency, subject, (int)limit, req->arena, &list, &n, err);
	store_read_end(c);
	if (rc)
		return rc;
	items = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct notice_rec *r = &list[i];
		json_t *o = json_pack(
			"{s:I, s:s, s:s, s:I, s:{s:I, s:s, s:s}, s:o}", "id", (json_int_t)r->id,
			"kind", r->kind, "detail", r->detail, "agency_id", (json_int_t)r->agency_id,
			"subject", "id", (json_int_t)r->subject_id, "name", r->subject_name,
			"username", r->subject_username, "by",
			r->actor_id < 0 ? json_string("safeharbor (automatic)")
			: r->actor_id
				? json_pack("{s:I, s:o}", "id", (json_int_t)r->actor_id, "name",
					    r->actor_name ? json_string(r->actor_name)
							  : json_null())
				: json_string("the operator (command line)"));
		jsonh_set_time(o, "at", r->created_at, false);
		json_array_append_new(items, o);
	}
	return api_reply_json_new(res, 200, json_pack("{s:o}", "items", items));
}
