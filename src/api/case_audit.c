/*
 * Who viewed and changed a case: GET /api/v1/cases/{id}/audit, for supervisors of the
 * agencies taking part. Every row can be reached: pages of ?limit=N (1 to 500, 100) with
 * the cursor of the last row (?cursor=C: its seq on SQLite, its id on PostgreSQL, where a
 * row is shown before it is linked into the chain and has a seq), newest first, and ?outcome=ok|denied|failed,
 * so a flood of one kind of row cannot hide another. A read made with a bearer token
 * names the token and who made it (an admin cannot quietly act as someone else).
 */
#include "lib/common.h"
#include "api/app.h"
#include "api/casefile.h"
#include "api/handlers.h"
#include "api/params.h"
#include "lib/jsonh.h"

#define AUDIT_PAGE_DEFAULT 100
#define AUDIT_PAGE_MAX 500

/* Rows about a compartment the caller may not read would reveal that it has content (an
 * advocate's notes, medical detail): they are left out. */
static bool row_visible(const struct principal *who, const struct audit_view_rec *r)
{
	int sec = r->e.section ? access_section_parse(r->e.section) : SEC_CORE;

	return sec >= 0 && access_can_read(who, (enum section)sec);
}

static json_t *row_json(const struct audit_view_rec *r)
{
	json_t *o = json_pack(
		"{s:o, s:s, s:o, s:o, s:o, s:o, s:s}", "seq",
		r->e.seq ? json_integer(r->e.seq) : json_null(), "action", r->e.action, "user_id",
		r->e.user_id ? json_integer(r->e.user_id) : json_null(), "user",
		r->user_name ? json_string(r->user_name) : json_null(), "agency",
		r->agency_name ? json_string(r->agency_name) : json_null(), "section",
		r->e.section ? json_string(r->e.section) : json_null(), "outcome", r->e.outcome);

	jsonh_set_time(o, "at", r->e.at, false);
	/* why a case left safeharbor (an export, a transfer): the reason and its reference */
	if (r->e.detail && (!strncmp(r->e.action, "case.export", 11) ||
			    !strncmp(r->e.action, "case.transfer", 13)))
		json_object_set_new(o, "reason", json_string(r->e.detail));
	if (r->e.token_id)
		json_object_set_new(
			o, "via_token",
			json_pack("{s:I, s:o, s:o}", "id", (json_int_t)r->e.token_id, "label",
				  r->token_label ? json_string(r->token_label) : json_null(),
				  "created_by",
				  r->token_created_by
					  ? json_pack("{s:I, s:o}", "id",
						      (json_int_t)r->token_created_by, "name",
						      r->token_creator_name
							      ? json_string(r->token_creator_name)
							      : json_null())
					  : json_string("the operator (command line)")));
	return o;
}

API_HANDLER(api_case_audit)
{
	struct store_conn *c;
	struct casefile cf;
	struct audit_view_rec *rows;
	size_t n;
	int64_t limit, cursor, last = 0;
	const char *id = req->params[0], *outcome = api_query(req, "outcome");
	json_t *items = NULL;
	int got = 0;
	bool more = false;
	enum sh_code rc;

	if ((rc = params_int(req, "limit", 1, AUDIT_PAGE_MAX, AUDIT_PAGE_DEFAULT, &limit, err)) ||
	    (rc = params_int(req, "cursor", 1, INT64_MAX, 0, &cursor, err)))
		return rc;
	if (outcome && strcmp(outcome, "ok") && strcmp(outcome, "denied") &&
	    strcmp(outcome, "failed"))
		return sh_error_field(err, SH_EINVAL, "outcome", "must be ok, denied or failed");
	if ((rc = store_read_begin(req->app->store, &c, err)))
		return rc;
	if ((rc = casefile_open(req, c, id, &cf, err)))
		goto out;
	items = json_array();
	/* fill the page with rows the caller may see, reading on past the ones it may not */
	for (;;) {
		if ((rc = store_audit_for_case(c, id, cursor, outcome, (int)limit, req->arena,
					       &rows, &n, err)))
			goto out;
		for (size_t i = 0; i < n && got < limit; i++) {
			cursor = rows[i].cursor;
			if (!row_visible(req->who, &rows[i]))
				continue;
			json_array_append_new(items, row_json(&rows[i]));
			last = rows[i].cursor;
			got++;
		}
		if (got == limit) {
			more = true; /* perhaps: the next page says */
			break;
		}
		if ((int64_t)n < limit)
			break;
	}
out:
	store_read_end(c);
	if (rc) {
		json_decref(items);
		return rc;
	}
	return api_reply_json_new(
		res, 200,
		json_pack("{s:o, s:o}", "items", items, "next",
			  more ? json_string(arena_printf(req->arena, "%" PRId64, last))
			       : json_null()));
}
