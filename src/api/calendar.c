/*
 * Calendar feeds: the agenda (api/agenda.h) as iCalendar (RFC 5545) at a secret URL each
 * person makes, replaces and ends from "Your account".
 *
 *   GET|POST|DELETE /api/v1/me/calendar   the caller's feed: shown, made anew, ended
 *   GET /calendar/{token}.ics             the feed, public to whoever holds the URL
 *
 * The token is 32 random bytes; only a keyed hash of it is stored (lib/shcrypto.h
 * shcrypto_feed_hash), so the database alone does not give the URL. A feed reads as its
 * owner would: the same cases, no youth names, every fetch audited (calendar.feed). It
 * ends when its owner makes a new one or ends it, and with the owner's access (disabled,
 * a password reset, another agency or role: store revoke_user_access).
 */
#include "lib/common.h"
#include <sodium.h>
#include "api/agenda.h"
#include "api/app.h"
#include "api/audit.h"
#include "api/handlers.h"
#include "api/principal.h"
#include "lib/ics.h"
#include "lib/jsonh.h"
#include "lib/shcrypto.h"
#include "lib/tz.h"

#define TOKEN_BYTES 32
#define FEED_DAYS_BACK 7   /* a feed shows the last week */
#define FEED_DAYS_AHEAD 84 /* and twelve weeks ahead */

static bool is_staff(const struct principal *p)
{
	return p->role == ROLE_MEMBER || p->role == ROLE_SUPERVISOR;
}

/* ---- the caller's feed ---- */

static json_t *feed_json(const struct calendar_feed_rec *f)
{
	json_t *o = json_pack("{s:b, s:b}", "active", f->user_id != 0, "mine", f->mine);

	jsonh_set_time(o, "created_at", f->created_at, true);
	jsonh_set_time(o, "used_at", f->used_at, true);
	return o;
}

API_HANDLER(api_calendar_get)
{
	struct calendar_feed_rec f;
	struct store_conn *c;
	enum sh_code rc;

	if ((rc = store_read_begin(req->app->store, &c, err)))
		return rc;
	rc = store_calendar_feed_get(c, req->who->user_id, &f, err);
	store_read_end(c);
	return rc ? rc : api_reply_json_new(res, 200, feed_json(&f));
}

struct feed_op {
	const struct principal *who;
	int64_t now;
	const char *hash; /* NULL: end the feed */
	bool mine;
};

static enum sh_code do_feed(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct feed_op *o = arg;
	enum sh_code rc =
		o->hash ? store_calendar_feed_put(c, o->who->user_id, o->hash, o->mine, o->now, err)
			: store_calendar_feed_remove(c, o->who->user_id, err);

	return rc ? rc
		  : audit_record(c, o->who, o->now, o->hash ? "calendar.create" : "calendar.revoke",
				 NULL, NULL, "ok",
				 o->hash && o->mine ? "only my cases and shifts" : NULL, err);
}

API_HANDLER(api_calendar_create)
{
	static const struct jsonh_field spec[] = {
		{ "mine", JT_BOOL, 0, 0, 0, NULL },
		{ NULL },
	};
	struct app *app = req->app;
	struct feed_op o = { .who = req->who, .now = clock_now(&app->clock) };
	char token[2 * TOKEN_BYTES + 1], hash[65];
	const char *path;
	json_t *body = NULL, *out;
	enum sh_code rc;

	/* case staff only, with a session (routes.c): like a bearer token, the link is a
	 * credential, made by a person signed in */
	if (req->body_len) {
		if (!(body = api_body_object(req, err)))
			return err->code;
		if ((rc = jsonh_check(body, spec, "", err))) {
			json_decref(body);
			return rc;
		}
	}
	o.mine = jsonh_bool(body, "mine", false);
	json_decref(body);
	shcrypto_random_hex(token, TOKEN_BYTES);
	shcrypto_feed_hash(&app->keys, token, hash);
	o.hash = hash;
	rc = store_write(app->store, do_feed, &o, err);
	path = arena_printf(req->arena, "/calendar/%s.ics", token);
	sodium_memzero(token, sizeof(token));
	if (rc)
		return rc;
	out = json_pack("{s:s, s:s, s:b}", "path", path, "url",
			arena_printf(req->arena, "%s%s", api_base_url(req), path), "mine", o.mine);
	jsonh_set_time(out, "created_at", o.now, false);
	return api_reply_json_new(res, 201, out);
}

API_HANDLER(api_calendar_delete)
{
	struct feed_op o = { .who = req->who, .now = clock_now(&req->app->clock) };
	enum sh_code rc = store_write(req->app->store, do_feed, &o, err);

	if (rc)
		return rc;
	res->status = 204;
	return SH_OK;
}

/* ---- GET /calendar/{token}.ics ---- */

static const char *kind_word(const char *kind)
{
	int k = access_kind_parse(kind);
	static const char *const words[AK_COUNT] = {
		"law enforcement", "child welfare",	      "probation",	    "the advocates",
		"medical",	   "mental health",	      "the prosecutor",	    "the shelter",
		"oversight",	   "the office of education", "the juvenile court",
	};

	return k >= 0 && k < AK_COUNT ? words[k] : kind;
}

/* "2026-12-07 01:32 PST": a time on the county's clock, its zone named */
static const char *county_time(const struct tz *tz, int64_t t, struct arena *a)
{
	char local[TZ_LOCAL_LEN];

	tz_format(tz, t, local);
	return arena_printf(a, "%.10s %.5s %s", local, local + 11, tz_abbr(tz, t));
}

/* One VEVENT: the case number and what is due, never a name. */
static enum sh_code write_event(struct buf *b, const struct agenda_item *it, const char *base,
				const struct tz *tz, int64_t now, struct arena *a)
{
	const char *when = county_time(tz, it->at, a), *summary, *desc;
	enum sh_code rc;

	switch (it->kind) {
	case AGENDA_STEP:
		summary = arena_printf(a, "%s: %s%s", it->case_id, it->title,
				       now > it->at ? " (overdue)" : "");
		desc = arena_printf(a, "Case %s (%s): %s, owed by %s, due %s.", it->case_id,
				    it->area, it->title, kind_word(it->step->owner), when);
		break;
	case AGENDA_MDT:
		summary = arena_printf(a, "%s: %s", it->case_id, it->title);
		desc = arena_printf(a,
				    "Case %s (%s): the multidisciplinary team meeting, called by "
				    "%s, due by %s.",
				    it->case_id, it->area, kind_word(it->step->owner), when);
		break;
	case AGENDA_HEARING:
		summary = arena_printf(a, "%s: %s (minor witness)", it->case_id, it->title);
		desc = arena_printf(a, "Case %s (%s): %s at which the youth is a witness, %s.",
				    it->case_id, it->area, it->title, when);
		break;
	default:
		summary = arena_printf(a, "On call%s%s: %s", strcmp(it->area, "*") ? " in " : "",
				       strcmp(it->area, "*") ? it->area : "",
				       it->shift->user_name ? it->shift->user_name : "someone");
		desc = arena_printf(a, "On call from %s to %s: %s. Fallback: %s. Supervisor: %s.",
				    when, county_time(tz, it->ends_at, a),
				    it->shift->user_name ? it->shift->user_name : "someone",
				    it->shift->fallback_name ? it->shift->fallback_name : "none",
				    it->shift->supervisor_name ? it->shift->supervisor_name
							       : "someone");
	}
	if ((rc = ics_line(b, "BEGIN", "VEVENT")) || (rc = ics_text(b, "UID", agenda_uid(it, a))) ||
	    (rc = ics_time(b, "DTSTAMP", now)) || (rc = ics_time(b, "DTSTART", it->at)) ||
	    (it->ends_at && (rc = ics_time(b, "DTEND", it->ends_at))) ||
	    (rc = ics_text(b, "SUMMARY", summary)) || (rc = ics_text(b, "DESCRIPTION", desc)) ||
	    (it->hearing && it->hearing->court &&
	     (rc = ics_text(b, "LOCATION", it->hearing->court))) ||
	    (rc = ics_text(b, "CATEGORIES",
			   it->kind == AGENDA_SHIFT	? "On call"
			   : it->kind == AGENDA_HEARING ? "Hearing"
			   : it->kind == AGENDA_MDT	? "MDT meeting"
							: "Deadline")) ||
	    (it->case_id &&
	     (rc = ics_line(b, "URL", arena_printf(a, "%s/cases/%s", base, it->case_id)))) ||
	    /* a deadline takes no time; a hearing or a shift does */
	    (rc = ics_line(b, "TRANSP",
			   it->kind == AGENDA_STEP || it->kind == AGENDA_MDT ? "TRANSPARENT"
									     : "OPAQUE")))
		return rc;
	return ics_line(b, "END", "VEVENT");
}

static enum sh_code write_calendar(struct buf *b, const struct agenda *ag, const char *agency,
				   const char *base, const struct tz *tz, int64_t now,
				   struct arena *a)
{
	enum sh_code rc;

	if ((rc = ics_line(b, "BEGIN", "VCALENDAR")) || (rc = ics_line(b, "VERSION", "2.0")) ||
	    (rc = ics_line(b, "PRODID", "-//safeharbor//agenda " SH_VERSION "//EN")) ||
	    (rc = ics_line(b, "CALSCALE", "GREGORIAN")) ||
	    (rc = ics_line(b, "METHOD", "PUBLISH")) ||
	    (rc = ics_text(b, "X-WR-CALNAME", arena_printf(a, "safeharbor: %s", agency))) ||
	    (rc = ics_text(b, "X-WR-TIMEZONE", tz_name(tz))) ||
	    (rc = ics_line(b, "REFRESH-INTERVAL;VALUE=DURATION", "PT1H")) ||
	    (rc = ics_line(b, "X-PUBLISHED-TTL", "PT1H")))
		return rc;
	for (size_t i = 0; i < ag->n; i++)
		if ((rc = write_event(b, &ag->items[i], base, tz, now, a)))
			return rc;
	return ics_line(b, "END", "VCALENDAR");
}

/* "<64 hex>.ics" -> the token; NULL for anything else */
static const char *token_of(const char *file, struct arena *a)
{
	size_t n = 2 * TOKEN_BYTES;

	if (strlen(file) != n + 4 || strcmp(file + n, ".ics") ||
	    strspn(file, "0123456789abcdef") != n)
		return NULL;
	return arena_strndup(a, file, n);
}

API_HANDLER(api_calendar_feed)
{
	struct app *app = req->app;
	int64_t now = clock_now(&app->clock);
	const char *token = token_of(req->params[0], req->arena);
	struct calendar_feed_rec f;
	struct principal who = { 0 };
	struct user_rec u;
	struct store_conn *c;
	struct sh_date today;
	struct agenda ag;
	char hash[65];
	enum sh_code rc;

	if (!token)
		return sh_error_set(err, SH_ENOTFOUND, "no such calendar");
	shcrypto_feed_hash(&app->keys, token, hash);
	if ((rc = store_read_begin(app->store, &c, err)))
		return rc;
	rc = store_calendar_feed_find(c, hash, req->arena, &f, &u, err);
	store_read_end(c);
	/* an ended feed, or one whose owner may no longer read cases: as if it never was */
	if (rc == SH_ENOTFOUND || (!rc && (u.disabled || u.agency_disabled ||
					   !principal_from_user(&who, &u) || !is_staff(&who)))) {
		sh_error_init(err);
		return sh_error_set(err, SH_ENOTFOUND, "no such calendar");
	}
	if (rc)
		return rc;
	today = tz_date(app->county.tz, now);
	if ((rc = agenda_build(app, &who, timefmt_date_add(today, -FEED_DAYS_BACK),
			       timefmt_date_add(today, FEED_DAYS_AHEAD), f.mine, req->arena, &ag,
			       err)))
		return rc;
	if ((rc = agenda_audit(app, &who, now, "calendar.feed", &ag,
			       arena_printf(req->arena, "calendar feed%s, %zu items",
					    f.mine ? " (mine)" : "", ag.n),
			       true, u.id, err)))
		return rc;
	if ((rc = write_calendar(&res->body, &ag, u.agency_name, api_base_url(req), app->county.tz,
				 now, req->arena)))
		return rc;
	res->status = 200;
	res->content_type = "text/calendar; charset=utf-8";
	api_add_header(res, "Content-Disposition", "inline; filename=\"safeharbor.ics\"");
	return SH_OK;
}
