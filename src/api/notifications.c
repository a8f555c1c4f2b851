/*
 * Summonses and notifications: POST /api/v1/notifications/{id}/ack,
 * GET /api/v1/cases/{id}/notifications, and starting the worker for `serve`.
 */
#include "lib/common.h"
#include "api/app.h"
#include "api/audit.h"
#include "api/casefile.h"
#include "api/handlers.h"
#include "api/notifications.h"
#include "api/params.h"
#include "lib/jsonh.h"
#include "notify/summons.h"

static const char *step_title(void *ctx, int64_t protocol_id, const char *step)
{
	return registry_step_title(ctx, protocol_id, step);
}

static const char *step_title_es(void *ctx, const char *step)
{
	return registry_step_title_es(ctx, step);
}

enum sh_code notifications_start(struct app *app, const char *public_url,
				 struct notify_worker **out, struct sh_error *err)
{
	struct notify_worker_options o = { 0 };

	o.store = app->store;
	o.keys = &app->keys;
	o.clock = app->clock;
	o.public_url = public_url;
	o.step_title = step_title;
	o.step_title_es = step_title_es;
	o.title_ctx = &app->registry;
	return notify_worker_start(&o, out, err);
}

/* An acknowledgement has no fields: an empty body or {}. */
static enum sh_code body_without_fields(struct api_request *req, struct sh_error *err)
{
	static const struct jsonh_field spec[] = { { NULL } };
	json_t *body;
	enum sh_code rc;

	if (!req->body_len)
		return SH_OK;
	if (!(body = api_body_object(req, err)))
		return err->code;
	rc = jsonh_check(body, spec, "", err);
	json_decref(body);
	return rc;
}

struct ack_op {
	struct api_request *req;
	int64_t id, now;
	struct outbox_rec n;
	bool first;
};

static enum sh_code do_ack(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct ack_op *o = arg;
	const struct principal *who = o->req->who;
	char detail[64];
	enum sh_code rc;

	if ((rc = store_outbox_get(c, o->id, o->req->arena, &o->n, err)))
		return rc;
	/* the case staff (the route's permit) of the summoned agency acknowledge; others may not
	 * know it exists */
	if (o->n.agency_id != who->agency_id)
		return sh_error_set(err, SH_ENOTFOUND, "no such notification");
	if ((rc = summons_ack(c, &o->n, who->user_id, o->now, &o->first, err)))
		return rc;
	if (!o->first)
		return SH_OK;
	snprintf(detail, sizeof(detail), "notification %" PRId64, o->id);
	return audit_record(c, who, o->now, "notification.ack", o->n.case_id, "core", "ok", detail,
			    err);
}

API_HANDLER(api_notification_ack)
{
	struct ack_op o = { .req = req };
	struct store_conn *c;
	struct summons_rec *list = NULL;
	size_t n = 0;
	json_t *out;
	enum sh_code rc;

	if (params_id(req, 0, &o.id, err))
		return sh_error_set(err, SH_ENOTFOUND, "no such notification");
	if ((rc = body_without_fields(req, err)))
		return rc;
	o.now = clock_now(&req->app->clock);
	if ((rc = store_write(req->app->store, do_ack, &o, err)))
		return rc;
	out = json_pack("{s:I, s:s, s:b}", "id", (json_int_t)o.id, "case_id", o.n.case_id, "first",
			o.first);
	if ((rc = store_read_begin(req->app->store, &c, err))) {
		json_decref(out);
		return rc;
	}
	if (o.n.summons_id)
		rc = store_summons_list(c, o.n.case_id, req->arena, &list, &n, err);
	if (!rc)
		rc = store_outbox_get(c, o.id, req->arena, &o.n, err);
	store_read_end(c);
	if (rc) {
		json_decref(out);
		return rc;
	}
	jsonh_set_time(out, "acknowledged_at", o.n.acked_at, true);
	for (size_t i = 0; i < n; i++)
		if (list[i].id == o.n.summons_id)
			json_object_set_new(out, "summons", notifications_summons_json(&list[i]));
	return api_reply_json_new(res, 200, out);
}

json_t *notifications_summons_json(const struct summons_rec *s)
{
	json_t *o =
		json_pack("{s:I, s:{s:I, s:o, s:o}, s:s, s:s, s:i, s:i, s:s, s:o, s:o}", "id",
			  (json_int_t)s->id, "agency", "id", (json_int_t)s->agency_id, "name",
			  s->agency_name ? json_string(s->agency_name) : json_null(), "kind",
			  s->agency_kind ? json_string(s->agency_kind) : json_null(), "step",
			  s->step, "title", s->step_title, "episode", s->episode, "stage", s->stage,
			  "role", s->role, "acknowledged_by",
			  s->acked_by && s->acked_by_name
				  ? json_pack("{s:I, s:s}", "id", (json_int_t)s->acked_by, "name",
					      s->acked_by_name)
				  : json_null(),
			  "acknowledged_how", s->ack_how ? json_string(s->ack_how) : json_null());

	json_object_set_new(o, "no_one_on_call", json_boolean(!s->roster_id));
	/* false: no message of it is on its way or delivered (nobody on call, nobody with an
	 * e-mail address or a webhook, every attempt failed); someone must act ("I'm on it") */
	json_object_set_new(o, "reached", json_boolean(s->reached));
	json_object_set_new(o, "case_id", json_string(s->case_id));
	jsonh_set_time(o, "due_at", s->due_at, true);
	jsonh_set_time(o, "created_at", s->created_at, false);
	jsonh_set_time(o, "stage_at", s->stage_at, false);
	jsonh_set_time(o, "acknowledged_at", s->acked_at, true);
	return o;
}

static json_t *notification_json(const struct outbox_rec *r)
{
	json_t *o = json_pack(
		"{s:I, s:s, s:i, s:s, s:s, s:i, s:{s:I, s:o, s:I, s:o}, s:s, s:s, s:i, s:o}", "id",
		(json_int_t)r->id, "type", r->kind, "stage", r->stage, "role", r->role, "step",
		r->step, "episode", r->episode, "recipient", "id", (json_int_t)r->user_id, "name",
		r->display_name ? json_string(r->display_name) : json_null(), "agency_id",
		(json_int_t)r->agency_id, "agency",
		r->agency_name ? json_string(r->agency_name) : json_null(), "channel", r->channel,
		"status", r->status, "attempts", r->attempts, "summons_id",
		r->summons_id ? json_integer(r->summons_id) : json_null());

	jsonh_set_time(o, "created_at", r->created_at, false);
	jsonh_set_time(o, "sent_at", r->sent_at, true);
	jsonh_set_time(o, "acknowledged_at", r->acked_at, true);
	return o;
}

API_HANDLER(api_case_notifications)
{
	struct store_conn *c;
	struct casefile cf;
	struct summons_rec *sm = NULL;
	struct outbox_rec *ob = NULL;
	size_t nsm = 0, nob = 0;
	const char *id = req->params[0];
	int64_t now = clock_now(&req->app->clock);
	struct audit_batch b = audit_case_ok(req->who, now, "notifications.read", "core", &id);
	json_t *summons, *items;
	enum sh_code rc;

	if ((rc = store_read_begin(req->app->store, &c, err)))
		return rc;
	/* the agencies taking part see who was summoned; to others the case does not exist */
	if (!(rc = casefile_open(req, c, id, &cf, err)) &&
	    !(rc = store_summons_list(c, id, req->arena, &sm, &nsm, err)))
		rc = store_outbox_list(c, id, NULL, 1000, req->arena, &ob, &nob, err);
	store_read_end(c);
	if (rc)
		return rc;
	if ((rc = audit_defer(req, &b, err)))
		return rc;
	summons = json_array();
	for (size_t i = 0; i < nsm; i++)
		json_array_append_new(summons, notifications_summons_json(&sm[i]));
	items = json_array();
	for (size_t i = nob; i-- > 0;) /* oldest first */
		json_array_append_new(items, notification_json(&ob[i]));
	return api_reply_json_new(res, 200,
				  json_pack("{s:s, s:o, s:o}", "case_id", id, "summons", summons,
					    "notifications", items));
}

/* ---- "I'm on it": a summons acknowledged by anyone of the agency, with or without a
 * message to answer (one that could reach nobody has none) ---- */

struct summons_ack_op {
	struct api_request *req;
	int64_t id, now;
	struct summons_rec s;
	bool first;
};

static enum sh_code do_summons_ack(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct summons_ack_op *o = arg;
	const struct principal *who = o->req->who;
	char detail[64];
	enum sh_code rc;

	if ((rc = store_summons_get(c, o->id, o->req->arena, &o->s, err)))
		return rc;
	/* the case staff (the route's permit) of the summoned agency; to others it does not exist */
	if (o->s.agency_id != who->agency_id)
		return sh_error_set(err, SH_ENOTFOUND, "no such summons");
	if ((rc = store_summons_ack(c, o->id, o->now, who->user_id, "ack", &o->first, err)))
		return rc;
	if (!o->first)
		return SH_OK;
	if ((rc = store_outbox_cancel(c, o->id, err)))
		return rc;
	snprintf(detail, sizeof(detail), "summons %" PRId64, o->id);
	return audit_record(c, who, o->now, "summons.ack", o->s.case_id, "core", "ok", detail, err);
}

API_HANDLER(api_summons_ack)
{
	struct summons_ack_op o = { .req = req };
	struct store_conn *c;
	json_t *out;
	enum sh_code rc;

	if (params_id(req, 0, &o.id, err))
		return sh_error_set(err, SH_ENOTFOUND, "no such summons");
	if ((rc = body_without_fields(req, err)))
		return rc;
	o.now = clock_now(&req->app->clock);
	if ((rc = store_write(req->app->store, do_summons_ack, &o, err)))
		return rc;
	if ((rc = store_read_begin(req->app->store, &c, err)))
		return rc;
	rc = store_summons_get(c, o.id, req->arena, &o.s, err);
	store_read_end(c);
	if (rc)
		return rc;
	out = notifications_summons_json(&o.s);
	json_object_set_new(out, "first", json_boolean(o.first));
	return api_reply_json_new(res, 200, out);
}

/* GET /api/v1/summons: the agency's summonses nobody acknowledged yet, on its open cases,
 * those that reached nobody first ("what we owe now"). */
API_HANDLER(api_summons_list)
{
	struct store_conn *c;
	struct summons_rec *list = NULL;
	size_t n = 0, k = 0;
	const char **ids;
	int64_t now = clock_now(&req->app->clock);
	struct audit_batch b = { .who = req->who,
				 .now = now,
				 .action = "summons.list",
				 .outcome = "ok",
				 .section = "core" };
	json_t *items;
	enum sh_code rc;

	if ((rc = store_read_begin(req->app->store, &c, err)))
		return rc;
	rc = store_summons_open_for(c, req->who->agency_id, req->arena, &list, &n, err);
	store_read_end(c);
	if (rc)
		return rc;
	ids = arena_alloc(req->arena, (n + 1) * sizeof(*ids));
	items = json_array();
	for (int reached = 0; reached < 2; reached++)
		for (size_t i = 0; i < n; i++)
			if (list[i].reached == reached) {
				json_array_append_new(items, notifications_summons_json(&list[i]));
				ids[k++] = list[i].case_id;
			}
	b.case_ids = ids;
	b.ncases = k;
	if (k && (rc = audit_defer(req, &b, err))) {
		json_decref(items);
		return rc;
	}
	return api_reply_json_new(res, 200, json_pack("{s:o}", "items", items));
}
