/*
 * On-call rosters and contact channels: the shared validated operations, and
 * GET/POST /api/v1/agencies/{id}/roster, DELETE /api/v1/agencies/{id}/roster/{entry},
 * GET/PUT /api/v1/users/{id}/channels.
 */
#include "lib/common.h"
#include "api/admin.h"
#include "api/app.h"
#include "api/audit.h"
#include "api/handlers.h"
#include "api/oncall.h"
#include "api/params.h"
#include "lib/jsonh.h"
#include "lib/timefmt.h"
#include "notify/config.h"
#include "notify/deliver.h"

bool oncall_may_edit_channels(const struct principal *p, const struct user_rec *u)
{
	return access_admin(p) || p->user_id == u->id ||
	       (p->role == ROLE_SUPERVISOR && p->agency_id == u->agency_id);
}

static void warn_add(struct oncall_warnings *w, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void warn_add(struct oncall_warnings *w, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (!w || w->n == (int)ARRAY_SIZE(w->w))
		return;
	snprintf(w->w[w->n].field, sizeof(w->w[w->n].field), "%s", field);
	va_start(ap, fmt);
	vsnprintf(w->w[w->n].message, sizeof(w->w[w->n].message), fmt, ap);
	va_end(ap);
	w->n++;
}

static bool area_ok(const char *area)
{
	size_t n = area ? strlen(area) : 0;

	if (n == 1 && area[0] == '*')
		return true;
	if (!n || n > 64)
		return false;
	for (const char *p = area; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
		      *p == '-'))
			return false;
	return true;
}

/* ---- roster ---- */

struct roster_op {
	const struct principal *actor;
	const struct tz *tz; /* the county's, for times in messages; NULL: UTC */
	int64_t now;
	struct roster_rec *r;
	struct oncall_warnings *warn;
	int64_t agency_id, id; /* remove */
	struct arena a;
};

/* A person named on a shift: an enabled user of the agency, with the right role. */
static void check_person(struct store_conn *c, struct roster_op *o, const char *field, int64_t id,
			 bool supervisor, struct sh_error *err)
{
	struct user_rec u;
	struct channel_rec ch;
	struct sh_error e = SH_ERROR_INIT;

	if (store_user_get(c, id, NULL, &o->a, &u, &e) || u.agency_id != o->r->agency_id) {
		sh_error_field(err, SH_EINVAL, field, "choose someone of this agency");
		return;
	}
	if (u.disabled) {
		sh_error_field(err, SH_EINVAL, field,
			       "this person's account is disabled: choose someone else");
		return;
	}
	if (supervisor ? strcmp(u.role, "supervisor")
		       : (strcmp(u.role, "member") && strcmp(u.role, "supervisor"))) {
		sh_error_field(
			err, SH_EINVAL, field,
			supervisor ? "choose a supervisor of the agency"
				   : "choose a member or supervisor of the agency (analysts and "
				     "admins are not paged)");
		return;
	}
	if (!store_channels_get(c, id, &o->a, &ch, &e) && !ch.webhook_url && !ch.email)
		warn_add(o->warn, field,
			 "%s has no contact channel yet: they cannot be summoned until a webhook "
			 "or e-mail address is set (PUT /api/v1/users/%" PRId64 "/channels)",
			 u.username, id);
}

/* "2026-03-07 20:00 PST": a time in a message, on the county's clock (UTC without one) */
static const char *shift_time(const struct tz *tz, int64_t t, struct arena *a)
{
	char s[TZ_LOCAL_LEN > TIMEFMT_RFC3339_LEN ? TZ_LOCAL_LEN : TIMEFMT_RFC3339_LEN];

	if (!tz) {
		timefmt_format_rfc3339(t, s);
		return arena_printf(a, "%.10s %.5s UTC", s, s + 11);
	}
	tz_format(tz, t, s);
	return arena_printf(a, "%.10s %.5s %s", s, s + 11, tz_abbr(tz, t));
}

static enum sh_code do_roster_add(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct roster_op *o = arg;
	struct roster_rec *r = o->r;
	struct agency_rec ag;
	struct roster_rec *clash;
	size_t nclash;
	char detail[96];
	enum sh_code rc;

	if ((rc = store_agency_get(c, r->agency_id, NULL, &o->a, &ag, err)))
		return rc;
	if (ag.disabled)
		return sh_error_set(err, SH_EINVAL, "the agency is disabled");
	check_person(c, o, "user_id", r->user_id, false, err);
	if (r->fallback_id) {
		if (r->fallback_id == r->user_id)
			sh_error_field(
				err, SH_EINVAL, "fallback_id",
				"choose someone other than the person on call, or no fallback");
		else
			check_person(c, o, "fallback_id", r->fallback_id, false, err);
	}
	check_person(c, o, "supervisor_id", r->supervisor_id, true, err);
	if (err->nfields)
		return err->code;
	if ((rc = store_roster_list(c, r->agency_id, r->area, r->starts_at, r->ends_at, &o->a,
				    &clash, &nclash, err)))
		return rc;
	if (nclash)
		return sh_error_field(
			err, SH_ECONFLICT, "starts_at",
			"this shift overlaps the shift of %s from %s to %s (%s): end that "
			"shift first, or choose times that do not overlap it",
			clash[0].user_name ? clash[0].user_name : "another person",
			shift_time(o->tz, clash[0].starts_at, &o->a),
			shift_time(o->tz, clash[0].ends_at, &o->a),
			strcmp(clash[0].area, "*") ? clash[0].area : "all areas");
	r->created_at = o->now;
	r->created_by = o->actor ? o->actor->user_id : 0;
	if ((rc = store_roster_insert(c, r, err)))
		return rc;
	snprintf(detail, sizeof(detail), "roster %" PRId64 " agency %" PRId64, r->id, r->agency_id);
	return audit_record(c, o->actor, o->now, "roster.add", NULL, NULL, "ok", detail, err);
}

enum sh_code oncall_roster_add(struct store *s, int64_t now, const struct tz *tz,
			       const struct principal *actor, struct roster_rec *r,
			       struct oncall_warnings *warn, struct sh_error *err)
{
	struct roster_op o = { .actor = actor, .tz = tz, .now = now, .r = r, .warn = warn };
	enum sh_code rc;

	if (warn)
		warn->n = 0;
	if (!r->area)
		r->area = "*";
	if (!area_ok(r->area))
		sh_error_field(err, SH_EINVAL, "area",
			       "choose an area, or leave it empty for every area (an area code is "
			       "lowercase letters, digits, '_' or '-')");
	/* a roster is kept from a month back to a year ahead: a shift in 9999 or 1900 is a
	 * typing error, and would sort in front of every real one */
	timefmt_check_range("starts_at", r->starts_at, now - ONCALL_BACK_S, now + ONCALL_AHEAD_S,
			    "a roster is kept from a month back to a year ahead", err);
	if (!timefmt_check_range("ends_at", r->ends_at, now - ONCALL_BACK_S,
				 now + ONCALL_AHEAD_S + ONCALL_SHIFT_MAX_S,
				 "a roster is kept from a month back to a year ahead", err)) {
		if (r->ends_at <= r->starts_at)
			sh_error_field(err, SH_EINVAL, "ends_at",
				       "the shift must end after it starts: choose a later end");
		else if (r->ends_at - r->starts_at > ONCALL_SHIFT_MAX_S)
			sh_error_field(
				err, SH_EINVAL, "ends_at",
				"a shift lasts at most %d days: add one shift per day or week",
				ONCALL_SHIFT_MAX_S / 86400);
		else if (r->ends_at <= now)
			sh_error_field(err, SH_EINVAL, "ends_at",
				       "the shift would already be over: choose an end after now");
	}
	if (!r->user_id)
		sh_error_field(err, SH_EINVAL, "user_id", "choose who is on call");
	if (!r->supervisor_id)
		sh_error_field(err, SH_EINVAL, "supervisor_id",
			       "choose the supervisor of the shift");
	if (err->nfields)
		return SH_EINVAL;
	arena_init(&o.a);
	rc = store_write(s, do_roster_add, &o, err);
	arena_release(&o.a);
	return rc;
}

static enum sh_code do_roster_remove(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct roster_op *o = arg;
	struct roster_rec r;
	char detail[96];
	enum sh_code rc;

	if ((rc = store_roster_get(c, o->id, &o->a, &r, err)))
		return rc;
	if (r.agency_id != o->agency_id || r.removed_at)
		return sh_error_set(err, SH_ENOTFOUND, "no such roster entry");
	if ((rc = store_roster_remove(c, o->id, o->now, err)))
		return rc;
	snprintf(detail, sizeof(detail), "roster %" PRId64 " agency %" PRId64, o->id, o->agency_id);
	return audit_record(c, o->actor, o->now, "roster.remove", NULL, NULL, "ok", detail, err);
}

enum sh_code oncall_roster_remove(struct store *s, int64_t now, const struct principal *actor,
				  int64_t agency_id, int64_t id, struct sh_error *err)
{
	struct roster_op o = { .actor = actor, .now = now, .agency_id = agency_id, .id = id };
	enum sh_code rc;

	arena_init(&o.a);
	rc = store_write(s, do_roster_remove, &o, err);
	arena_release(&o.a);
	return rc;
}

/* A person on a shift: {"id","name","pageable"} (pageable: enabled, with an e-mail address or
 * a webhook: a summons can reach them). */
static json_t *person_json(int64_t id, const char *name, bool pageable)
{
	return json_pack("{s:I, s:o, s:b}", "id", (json_int_t)id, "name",
			 name ? json_string(name) : json_null(), "pageable", pageable);
}

json_t *oncall_roster_json(const struct roster_rec *r, int64_t now)
{
	json_t *o = json_pack(
		"{s:I, s:I, s:s, s:b, s:o, s:o, s:o}", "id", (json_int_t)r->id, "agency_id",
		(json_int_t)r->agency_id, "area", r->area, "in_force",
		r->starts_at <= now && now < r->ends_at && !r->removed_at, "on_call",
		person_json(r->user_id, r->user_name, r->user_pageable), "fallback",
		r->fallback_id ? person_json(r->fallback_id, r->fallback_name, r->fallback_pageable)
			       : json_null(),
		"supervisor",
		person_json(r->supervisor_id, r->supervisor_name, r->supervisor_pageable));

	jsonh_set_time(o, "starts_at", r->starts_at, false);
	jsonh_set_time(o, "ends_at", r->ends_at, false);
	jsonh_set_time(o, "created_at", r->created_at, true);
	return o;
}

/* ---- channels ---- */

struct channels_op {
	const struct principal *actor;
	const struct shcrypto_keys *keys;
	int64_t now, user_id;
	const struct oncall_channels *ch;
	struct arena a;
};

static enum sh_code do_channels_set(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct channels_op *o = arg;
	const struct oncall_channels *ch = o->ch;
	struct user_rec u;
	struct channel_rec cur, next = { 0 };
	struct buf sealed = BUF_INIT;
	char detail[64];
	enum sh_code rc;

	if ((rc = store_user_get(c, o->user_id, NULL, &o->a, &u, err)))
		return rc;
	if (o->actor && !oncall_may_edit_channels(o->actor, &u))
		return sh_error_set(err, SH_EFORBIDDEN,
				    "a user's channels are set by the user, a supervisor of their "
				    "agency, or an admin");
	if ((rc = store_channels_get(c, o->user_id, &o->a, &cur, err)))
		return rc;
	next.user_id = o->user_id;
	next.updated_at = o->now;
	next.webhook_url = ch->set_webhook ? ch->webhook_url : cur.webhook_url;
	next.email = ch->set_email ? ch->email : cur.email;
	next.webhook_secret = cur.webhook_secret;
	next.webhook_secret_len = cur.webhook_secret_len;
	if (ch->set_secret && ch->webhook_secret) {
		if ((rc = shcrypto_seal(o->keys, ch->webhook_secret, strlen(ch->webhook_secret),
					sealed_context[SEALED_WEBHOOK_SECRET], &sealed)))
			goto out;
		next.webhook_secret = (const unsigned char *)sealed.data;
		next.webhook_secret_len = sealed.len;
	}
	if (!next.webhook_url && ch->set_secret && ch->webhook_secret) {
		rc = sh_error_field(
			err, SH_EINVAL, "webhook_url",
			"a secret signs what is sent to a webhook: give the webhook_url too");
		goto out;
	}
	if (!next.webhook_url) {
		next.webhook_secret = NULL;
		next.webhook_secret_len = 0;
	} else if (!next.webhook_secret) {
		rc = sh_error_field(
			err, SH_EINVAL, "webhook_secret",
			"is required with a webhook: the receiver checks each message's "
			"HMAC-SHA256 signature with it");
		goto out;
	}
	if ((rc = store_channels_set(c, &next, err)))
		goto out;
	snprintf(detail, sizeof(detail), "user %" PRId64, o->user_id);
	rc = audit_record(c, o->actor, o->now, "user.channels", NULL, NULL, "ok", detail, err);
out:
	buf_release(&sealed);
	return rc;
}

enum sh_code oncall_channels_set(struct store *s, const struct shcrypto_keys *keys, int64_t now,
				 const struct principal *actor, int64_t user_id,
				 const struct oncall_channels *ch, struct sh_error *err)
{
	struct channels_op o = { actor, keys, now, user_id, ch, ARENA_INIT };
	enum sh_code rc;

	if (ch->set_webhook && ch->webhook_url) {
		/* the addresses the operator allowed (notify.webhook_allow), read now */
		struct escalation_config cfg;
		struct deliver_policy pol = { &cfg.webhook_allow_list, false };
		struct store_conn *c;

		if ((rc = store_read_begin(s, &c, err)))
			return rc;
		rc = notify_config_load(c, &cfg, &o.a, NULL, err);
		store_read_end(c);
		if (rc) {
			arena_release(&o.a);
			return rc;
		}
		deliver_check_webhook_url(ch->webhook_url, "webhook_url", &pol, err);
	}
	if (ch->set_secret && ch->webhook_secret)
		deliver_check_secret(ch->webhook_secret, "webhook_secret", err);
	if (ch->set_secret && !ch->webhook_secret)
		sh_error_field(err, SH_EINVAL, "webhook_secret",
			       "cannot be removed on its own; remove the webhook_url instead");
	if (ch->set_email && ch->email)
		deliver_check_email(ch->email, "email", err);
	if (err->nfields) {
		arena_release(&o.a);
		return SH_EINVAL;
	}
	rc = store_write(s, do_channels_set, &o, err);
	arena_release(&o.a);
	return rc;
}

json_t *oncall_channels_json(int64_t user_id, const struct channel_rec *ch)
{
	json_t *o = json_pack("{s:I, s:o, s:b, s:o}", "user_id", (json_int_t)user_id, "webhook_url",
			      ch->webhook_url ? json_string(ch->webhook_url) : json_null(),
			      "webhook_secret_set", ch->webhook_secret != NULL, "email",
			      ch->email ? json_string(ch->email) : json_null());

	jsonh_set_time(o, "updated_at", ch->updated_at, true);
	return o;
}

/* ---- handlers ---- */

static enum sh_code agency_param(struct api_request *req, int64_t *id, struct sh_error *err)
{
	struct agency_rec ag;

	if (params_id(req, 0, id, err))
		return sh_error_set(err, SH_ENOTFOUND, "no such agency");
	return admin_agency_read(req->app->store, *id, NULL, req->arena, &ag, err);
}

static enum sh_code time_param(struct api_request *req, const char *name, int64_t *out,
			       struct sh_error *err)
{
	const char *v = api_query(req, name);

	if (v && timefmt_parse_rfc3339(v, out))
		return sh_error_field(err, SH_EINVAL, name, "must be an RFC 3339 time");
	return SH_OK;
}

API_HANDLER(api_roster_list)
{
	struct store_conn *c;
	struct roster_rec *list;
	size_t n;
	int64_t id, now = clock_now(&req->app->clock), from = now, to = 0;
	const char *area = api_query(req, "area");
	json_t *items;
	enum sh_code rc;

	if ((rc = agency_param(req, &id, err)))
		return rc;
	if ((rc = time_param(req, "from", &from, err)) || (rc = time_param(req, "to", &to, err)))
		return rc;
	if (area && !area_ok(area))
		return sh_error_field(err, SH_EINVAL, "area", "is '*' or an area code");
	if ((rc = store_read_begin(req->app->store, &c, err)))
		return rc;
	rc = store_roster_list(c, id, area, from, to, req->arena, &list, &n, err);
	store_read_end(c);
	if (rc)
		return rc;
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, oncall_roster_json(&list[i], now));
	return api_reply_json_new(
		res, 200, json_pack("{s:I, s:o}", "agency_id", (json_int_t)id, "items", items));
}

API_HANDLER(api_roster_add)
{
	static const struct jsonh_field spec[] = {
		{ "user_id", JT_INT, JF_REQUIRED, 1, INT64_MAX, NULL },
		{ "fallback_id", JT_INT, JF_NULLABLE, 1, INT64_MAX, NULL },
		{ "supervisor_id", JT_INT, JF_REQUIRED, 1, INT64_MAX, NULL },
		{ "starts_at", JT_TIME, JF_REQUIRED, 0, 0, NULL },
		{ "ends_at", JT_TIME, JF_REQUIRED, 0, 0, NULL },
		{ "area", JT_STRING, 0, 1, 64, NULL },
		{ NULL },
	};
	struct roster_rec r = { 0 };
	struct oncall_warnings warn = { 0 };
	struct store_conn *c;
	int64_t now = clock_now(&req->app->clock);
	json_t *body, *out;
	enum sh_code rc;

	if ((rc = agency_param(req, &r.agency_id, err)))
		return rc;
	if (!(body = api_body_object(req, err)))
		return err->code;
	if ((rc = jsonh_check(body, spec, "", err)))
		goto out;
	r.user_id = jsonh_int(body, "user_id", 0);
	r.fallback_id = jsonh_int(body, "fallback_id", 0);
	r.supervisor_id = jsonh_int(body, "supervisor_id", 0);
	r.area = jsonh_str(body, "area");
	timefmt_parse_rfc3339(jsonh_str(body, "starts_at"), &r.starts_at);
	timefmt_parse_rfc3339(jsonh_str(body, "ends_at"), &r.ends_at);
	if ((rc = oncall_roster_add(req->app->store, now, req->app->county.tz, req->who, &r, &warn,
				    err)))
		goto out;
	if ((rc = store_read_begin(req->app->store, &c, err)))
		goto out;
	rc = store_roster_get(c, r.id, req->arena, &r, err);
	store_read_end(c);
	if (rc)
		goto out;
	out = oncall_roster_json(&r, now);
	if (warn.n) {
		json_t *w = json_array();
		for (int i = 0; i < warn.n; i++)
			json_array_append_new(w, json_pack("{s:s, s:s}", "field", warn.w[i].field,
							   "message", warn.w[i].message));
		json_object_set_new(out, "warnings", w);
	}
	rc = api_reply_json_new(res, 201, out);
out:
	json_decref(body);
	return rc;
}

API_HANDLER(api_roster_remove)
{
	int64_t agency, id;
	enum sh_code rc;

	if ((rc = agency_param(req, &agency, err)))
		return rc;
	if ((rc = params_id(req, 1, &id, err)))
		return sh_error_set(err, SH_ENOTFOUND, "no such roster entry");
	if ((rc = oncall_roster_remove(req->app->store, clock_now(&req->app->clock), req->who,
				       agency, id, err)))
		return rc;
	return api_reply_json_new(res, 200,
				  json_pack("{s:I, s:b}", "id", (json_int_t)id, "removed", 1));
}

static enum sh_code load_user(struct api_request *req, int64_t *id, struct user_rec *u,
			      struct channel_rec *ch, struct sh_error *err)
{
	struct store_conn *c;
	enum sh_code rc;

	if (params_id(req, 0, id, err))
		return sh_error_set(err, SH_ENOTFOUND, "no such user");
	if ((rc = store_read_begin(req->app->store, &c, err)))
		return rc;
	rc = store_user_get(c, *id, NULL, req->arena, u, err);
	if (!rc && !oncall_may_edit_channels(req->who, u))
		rc = sh_error_set(err, SH_EFORBIDDEN,
				  "a user's channels are seen by the user, a supervisor of their "
				  "agency, or an admin");
	if (!rc && ch)
		rc = store_channels_get(c, *id, req->arena, ch, err);
	store_read_end(c);
	return rc;
}

API_HANDLER(api_channels_get)
{
	struct user_rec u;
	struct channel_rec ch;
	int64_t id;
	enum sh_code rc;

	if ((rc = load_user(req, &id, &u, &ch, err)))
		return rc;
	return api_reply_json_new(res, 200, oncall_channels_json(id, &ch));
}

API_HANDLER(api_channels_put)
{
	static const struct jsonh_field spec[] = {
		{ "webhook_url", JT_STRING, JF_NULLABLE, 1, 500, NULL },
		{ "webhook_secret", JT_STRING, 0, 1, DELIVER_SECRET_MAX, NULL },
		{ "email", JT_STRING, JF_NULLABLE, 1, 254, NULL },
		{ NULL },
	};
	struct oncall_channels ch = { 0 };
	struct user_rec u;
	struct channel_rec now_ch;
	struct store_conn *c;
	int64_t id;
	json_t *body;
	enum sh_code rc;

	if ((rc = load_user(req, &id, &u, NULL, err)))
		return rc;
	if (!(body = api_body_object(req, err)))
		return err->code;
	if ((rc = jsonh_check(body, spec, "", err)))
		goto out;
	ch.set_webhook = json_object_get(body, "webhook_url") != NULL;
	ch.webhook_url = jsonh_str(body, "webhook_url");
	ch.set_secret = json_object_get(body, "webhook_secret") != NULL;
	ch.webhook_secret = jsonh_str(body, "webhook_secret");
	ch.set_email = json_object_get(body, "email") != NULL;
	ch.email = jsonh_str(body, "email");
	if ((rc = oncall_channels_set(req->app->store, &req->app->keys, clock_now(&req->app->clock),
				      req->who, id, &ch, err)))
		goto out;
	if ((rc = store_read_begin(req->app->store, &c, err)))
		goto out;
	rc = store_channels_get(c, id, req->arena, &now_ch, err);
	store_read_end(c);
	if (!rc)
		rc = api_reply_json_new(res, 200, oncall_channels_json(id, &now_ch));
out:
	json_decref(body);
	return rc;
}
