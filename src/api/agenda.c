/*
 * The agenda (api/agenda.h): building it, auditing its reads, and GET /api/v1/agenda.
 */
#include "lib/common.h"
#include "api/agenda.h"
#include "api/app.h"
#include "api/audit.h"
#include "api/handlers.h"
#include "api/oncall.h"
#include "api/params.h"
#include "lib/jsonh.h"
#include "lib/tz.h"

static const char *const kind_names[] = { "step", "mdt", "hearing", "shift" };

static const char *hearing_titles[][2] = {
	{ "preliminary", "Preliminary hearing" },
	{ "trial", "Trial" },
	{ "motion", "Motion hearing" },
	{ "other", "Hearing" },
};

static const char *hearing_title(const char *kind)
{
	for (size_t i = 0; i < ARRAY_SIZE(hearing_titles); i++)
		if (!strcmp(hearing_titles[i][0], kind))
			return hearing_titles[i][1];
	return "Hearing";
}

static int day_number(struct sh_date d)
{
	return (int)timefmt_days_from_civil(d.year, d.month, d.day);
}

static int cmp_item(const void *x, const void *y)
{
	const struct agenda_item *a = x, *b = y;
	int c;

	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	if (a->kind != b->kind)
		return (int)a->kind - (int)b->kind;
	if ((c = strcmp(a->case_id ? a->case_id : "", b->case_id ? b->case_id : "")))
		return c;
	return strcmp(a->title, b->title);
}

/* Is who on this shift (on call, fallback or supervisor)? */
static bool on_shift(const struct roster_rec *r, int64_t user_id)
{
	return r->user_id == user_id || r->fallback_id == user_id || r->supervisor_id == user_id;
}

enum sh_code agenda_build(struct app *app, const struct principal *who, struct sh_date first,
			  struct sh_date last, bool mine, struct arena *a, struct agenda *out,
			  struct sh_error *err)
{
	struct agenda_query q = {
		.agency_id = who->agency_id,
		.ever = who->role == ROLE_SUPERVISOR,
		.owner = access_kind_name(who->kind),
		/* the team meets: every agency on the case sees its MDT meeting */
		.also = "mdt_meeting",
		.worker = mine ? who->user_id : 0,
		.limit = AGENDA_MAX
	};
	struct agenda_step_rec *steps = NULL;
	struct agenda_hearing_rec *hearings = NULL;
	struct roster_rec *shifts = NULL;
	size_t nsteps = 0, nhearings = 0, nshifts = 0, n = 0;
	struct store_conn *c;
	enum sh_code rc;

	memset(out, 0, sizeof(*out));
	out->first = first;
	out->last = last;
	q.from = out->from = tz_day_start(app->county.tz, first);
	q.to = out->to = tz_day_end(app->county.tz, last) + 1;
	if ((rc = store_read_begin(app->store, &c, err)))
		return rc;
	rc = store_agenda_steps(c, &q, a, &steps, &nsteps, err);
	/* hearings are court matters: only for the agencies that read them */
	if (!rc && access_can_read(who, SEC_COURT))
		rc = store_agenda_hearings(c, &q, a, &hearings, &nhearings, err);
	if (!rc)
		rc = store_roster_list(c, who->agency_id, NULL, q.from, q.to, a, &shifts, &nshifts,
				       err);
	store_read_end(c);
	if (rc)
		return rc;
	out->truncated = nsteps == AGENDA_MAX || nhearings == AGENDA_MAX;
	if (!(out->items =
		      arena_alloc(a, (nsteps + nhearings + nshifts + 1) * sizeof(*out->items))))
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	for (size_t i = 0; i < nsteps; i++) {
		struct agenda_item *it = &out->items[n++];
		memset(it, 0, sizeof(*it));
		it->kind = !strcmp(steps[i].step, "mdt_meeting") ? AGENDA_MDT : AGENDA_STEP;
		it->at = steps[i].due_at;
		it->title =
			registry_step_title(&app->registry, steps[i].protocol_id, steps[i].step);
		it->case_id = steps[i].case_id;
		it->area = steps[i].area;
		it->step = &steps[i];
	}
	for (size_t i = 0; i < nhearings; i++) {
		struct agenda_item *it = &out->items[n++];
		memset(it, 0, sizeof(*it));
		it->kind = AGENDA_HEARING;
		it->at = hearings[i].at;
		it->title = hearing_title(hearings[i].kind);
		it->case_id = hearings[i].case_id;
		it->area = hearings[i].area;
		it->hearing = &hearings[i];
	}
	for (size_t i = 0; i < nshifts; i++) {
		struct agenda_item *it;
		if (mine && !on_shift(&shifts[i], who->user_id))
			continue;
		it = &out->items[n++];
		memset(it, 0, sizeof(*it));
		it->kind = AGENDA_SHIFT;
		it->at = shifts[i].starts_at;
		it->ends_at = shifts[i].ends_at;
		it->title = "On call";
		it->area = shifts[i].area;
		it->shift = &shifts[i];
	}
	out->n = n;
	qsort(out->items, n, sizeof(*out->items), cmp_item);
	return SH_OK;
}

const char *agenda_uid(const struct agenda_item *it, struct arena *a)
{
	switch (it->kind) {
	case AGENDA_STEP:
	case AGENDA_MDT:
		return arena_printf(a, "step-%s-%s-%d@safeharbor", it->case_id, it->step->step,
				    it->step->episode);
	case AGENDA_HEARING:
		return arena_printf(a, "hearing-%" PRId64 "-%s@safeharbor", it->hearing->id,
				    it->case_id);
	default: return arena_printf(a, "shift-%" PRId64 "@safeharbor", it->shift->id);
	}
}

struct audit_job {
	const struct principal *who;
	int64_t now;
	const char *action, *detail;
	const struct agenda *ag;
	bool always_one;
	int64_t feed_user;
};

/* Is the case of item i shown before i (so it already has its row)? Only the section of a
 * case's first item counts: core unless the case shows only through its hearings. */
static bool seen_before(const struct agenda *ag, size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (ag->items[k].case_id && !strcmp(ag->items[k].case_id, ag->items[i].case_id))
			return true;
	return false;
}

static const char *case_section(const struct agenda *ag, const char *case_id)
{
	for (size_t k = 0; k < ag->n; k++)
		if (ag->items[k].case_id && !strcmp(ag->items[k].case_id, case_id) &&
		    ag->items[k].kind != AGENDA_HEARING)
			return "core";
	return "court";
}

static enum sh_code do_audit(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct audit_job *j = arg;
	const struct agenda *ag = j->ag;
	size_t rows = 0;
	enum sh_code rc = SH_OK;

	for (size_t i = 0; !rc && i < ag->n; i++) {
		if (!ag->items[i].case_id || seen_before(ag, i))
			continue;
		rc = audit_record(c, j->who, j->now, j->action, ag->items[i].case_id,
				  case_section(ag, ag->items[i].case_id), "ok", j->detail, err);
		rows++;
	}
	if (!rc && !rows && j->always_one)
		rc = audit_record(c, j->who, j->now, j->action, NULL, NULL, "ok", j->detail, err);
	if (!rc && j->feed_user)
		rc = store_calendar_feed_used(c, j->feed_user, j->now, err);
	return rc;
}

enum sh_code agenda_audit(struct app *app, const struct principal *who, int64_t now,
			  const char *action, const struct agenda *ag, const char *detail,
			  bool always_one, int64_t feed_user, struct sh_error *err)
{
	struct audit_job j = { who, now, action, detail, ag, always_one, feed_user };
	bool any = always_one || feed_user;

	for (size_t i = 0; !any && i < ag->n; i++)
		any = ag->items[i].case_id != NULL;
	return any ? store_write(app->store, do_audit, &j, err) : SH_OK;
}

/* ---- GET /api/v1/agenda ---- */

static json_t *person(int64_t id, const char *name)
{
	return id ? json_pack("{s:I, s:s?}", "id", (json_int_t)id, "name", name) : json_null();
}

static json_t *item_json(struct api_request *req, const struct agenda *ag,
			 const struct agenda_item *it, int64_t now)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s?, s:s?}", "kind", kind_names[it->kind], "uid",
			      agenda_uid(it, req->arena), "title", it->title, "case_id",
			      it->case_id, "area", it->area);
	struct sh_date day = tz_date(req->app->county.tz, it->at > ag->from ? it->at : ag->from);
	char d[11];

	timefmt_format_date(day, d);
	json_object_set_new(o, "day", json_string(d));
	jsonh_set_time(o, "at", it->at, false);
	jsonh_set_time(o, "ends_at", it->ends_at, true);
	if (it->step) {
		json_t *st =
			json_pack("{s:s, s:i, s:s?, s:s?, s:b}", "key", it->step->step, "episode",
				  it->step->episode, "owner", it->step->owner, "also_owner",
				  it->step->also_owner, "overdue", now > it->step->due_at);
		jsonh_set_time(st, "opened_at", it->step->opened_at, true);
		json_object_set_new(o, "step", st);
		json_object_set_new(o, "worker",
				    person(it->step->worker_id, it->step->worker_name));
	} else if (it->hearing) {
		json_object_set_new(o, "hearing",
				    json_pack("{s:I, s:s, s:s?}", "id", (json_int_t)it->hearing->id,
					      "kind", it->hearing->kind, "court",
					      it->hearing->court));
		json_object_set_new(o, "worker",
				    person(it->hearing->worker_id, it->hearing->worker_name));
	} else {
		json_object_set_new(o, "shift", oncall_roster_json(it->shift, now));
	}
	return o;
}

/* from and to as county dates: from defaults to today, to to 13 days after from. */
static enum sh_code window(struct api_request *req, struct sh_date *first, struct sh_date *last,
			   struct sh_error *err)
{
	struct sh_date today = tz_date(req->app->county.tz, clock_now(&req->app->clock));

	*first = today;
	if (api_query(req, "from"))
		params_date(req, "from", first, err);
	*last = timefmt_date_add(*first, 13);
	if (api_query(req, "to"))
		params_date(req, "to", last, err);
	if (err->nfields)
		return SH_EINVAL;
	if (day_number(*last) < day_number(*first))
		return sh_error_field(err, SH_EINVAL, "to",
				      "the last day must be the first day (from) or after it");
	if (day_number(*last) - day_number(*first) >= AGENDA_DAYS_MAX)
		return sh_error_field(err, SH_EINVAL, "to",
				      "an agenda shows at most %d days: choose a shorter period",
				      AGENDA_DAYS_MAX);
	return SH_OK;
}

API_HANDLER(api_agenda)
{
	struct app *app = req->app;
	int64_t now = clock_now(&app->clock);
	struct sh_date first, last;
	struct agenda ag;
	char f[11], l[11];
	bool mine;
	json_t *items;
	enum sh_code rc;

	if ((rc = window(req, &first, &last, err)) ||
	    (rc = params_flag(req, "mine", false, &mine, err)) ||
	    (rc = agenda_build(app, req->who, first, last, mine, req->arena, &ag, err)))
		return rc;
	timefmt_format_date(first, f);
	timefmt_format_date(last, l);
	if ((rc = agenda_audit(app, req->who, now, "agenda.read", &ag,
			       arena_printf(req->arena, "agenda %s to %s%s, %zu items", f, l,
					    mine ? " (mine)" : "", ag.n),
			       false, 0, err)))
		return rc;
	items = json_array();
	for (size_t i = 0; i < ag.n; i++)
		json_array_append_new(items, item_json(req, &ag, &ag.items[i], now));
	return api_reply_json_new(res, 200,
				  json_pack("{s:s, s:s, s:s, s:b, s:b, s:o}", "from", f, "to", l,
					    "timezone", tz_name(app->county.tz), "mine", mine,
					    "truncated", ag.truncated, "items", items));
}
