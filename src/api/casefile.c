#include "lib/common.h"
#include "api/app.h"
#include "api/casefile.h"
#include "api/identity.h"
#include "lib/jsonh.h"
#include "lib/jsonw.h"
#include "lib/shcrypto.h"
#include "lib/timefmt.h"
#include "lib/tz.h"
#include "core/guardrail.h"
#include "core/witness.h"

static enum sh_code no_mem(struct sh_error *err)
{
	return sh_error_set(err, SH_ENOMEM, "out of memory");
}

static bool verified_birth(struct api_request *req, const struct casefile *cf, struct sh_date *out,
			   bool *verified);
static const char *screening_level(struct api_request *req, const struct casefile *cf);

/* The sealed identity opened for a view: a read needs it for the youth's age (the birth
 * date) and again for the names it shows, and opening it (the youth's key, the value,
 * parsing) is 25,000 instructions. */
struct casefile_opened {
	bool tried;
	json_t *identity; /* NULL: none, or it cannot be read */
};

static void opened_release(void *arg)
{
	json_decref(arg);
}

/* b's bytes in the request's arena (NULL when out of memory). */
static void *kept_copy(struct api_request *req, const struct buf *b)
{
	void *p = arena_alloc(req->arena, b->len);

	return p ? memcpy(p, b->data, b->len) : NULL;
}

/* The starts of the youth's missing episodes on the recoveries identified before this one
 * (the amended ones left out), into cf->earlier_missing: only counted, never shown. */
static enum sh_code earlier_missing(struct api_request *req, struct store_conn *c,
				    struct casefile *cf, struct sh_error *err)
{
	struct buf starts = BUF_INIT;
	enum sh_code rc = SH_OK;

	for (size_t i = 0; !rc && i < cf->nsiblings; i++) {
		struct casefile s = { 0 };
		if (cf->siblings[i].identified_at >= cf->c.identified_at)
			continue;
		if ((rc = store_events_list(c, cf->siblings[i].id, req->arena, &s.events,
					    &s.nevents, err)) ||
		    (rc = casefile_index(&s, req->arena, err)))
			break;
		for (size_t k = 0; k < s.nevents; k++)
			if (!strcmp(s.events[k].type, "missing_start") &&
			    !casefile_amended(&s, &s.events[k]) &&
			    buf_add(&starts, &s.events[k].at, sizeof(int64_t)))
				rc = no_mem(err);
	}
	if (!rc && starts.len && !(cf->earlier_missing = kept_copy(req, &starts)))
		rc = no_mem(err);
	cf->nearlier_missing = cf->earlier_missing ? starts.len / sizeof(int64_t) : 0;
	buf_release(&starts);
	return rc;
}

/* The on-call shifts (in force, not ended before the case) of the enabled agencies serving
 * the case's area, for the area or every area, into cf->shifts: "due shift_end" ends with
 * the owner kind's shift. */
static enum sh_code roster_shifts(struct api_request *req, struct store_conn *c,
				  struct casefile *cf, struct sh_error *err)
{
	struct agency_rec *ags;
	struct buf out = BUF_INIT;
	size_t nags;
	enum sh_code rc = store_agency_list(c, req->arena, &ags, &nags, err);

	for (size_t i = 0; !rc && i < nags; i++) {
		struct roster_rec *r;
		size_t n;
		bool serves = false;
		for (const char **a = ags[i].areas; a && *a && !serves; a++)
			serves = !strcmp(*a, "*") || !strcmp(*a, cf->c.area);
		if (ags[i].disabled || !serves)
			continue;
		if ((rc = store_roster_list(c, ags[i].id, NULL, cf->c.identified_at, 0, req->arena,
					    &r, &n, err)))
			break;
		for (size_t k = 0; k < n; k++) {
			struct protocol_shift s = { ags[i].kind, r[k].starts_at, r[k].ends_at };
			if ((!strcmp(r[k].area, "*") || !strcmp(r[k].area, cf->c.area)) &&
			    buf_add(&out, &s, sizeof(s)))
				rc = no_mem(err);
		}
	}
	if (!rc && out.len && !(cf->shifts = kept_copy(req, &out)))
		rc = no_mem(err);
	cf->nshifts = cf->shifts ? out.len / sizeof(*cf->shifts) : 0;
	buf_release(&out);
	return rc;
}

/* The case's records, with nothing derived yet; with its kept derivation in *kept_stamp and
 * *kept_steps when they are not NULL (NULL: none kept). */
static enum sh_code load_records(struct api_request *req, struct store_conn *c, const char *id,
				 struct casefile *cf, char **kept_stamp, char **kept_steps,
				 struct sh_error *err)
{
	const struct principal *who = req->who;
	struct case_records r;
	enum sh_code rc;

	memset(cf, 0, sizeof(*cf));
	if ((rc = store_case_records(c, id, who ? who->agency_id : 0, kept_stamp != NULL,
				     req->arena, &r, err)))
		return rc;
	cf->c = r.c;
	cf->agencies = r.agencies;
	cf->nagencies = r.nagencies;
	cf->events = r.events;
	cf->nevents = r.nevents;
	cf->siblings = r.siblings;
	cf->nsiblings = r.nsiblings;
	cf->witnesses = r.witnesses;
	cf->nwitnesses = r.nwitnesses;
	if (!(cf->opened = arena_alloc(req->arena, sizeof(*cf->opened))))
		return no_mem(err);
	if (kept_stamp) {
		*kept_stamp = r.derived_stamp;
		*kept_steps = r.derived_steps;
	}
	/* screening results and stability checks were recorded in core before they had a
	 * section of their own: they are read as services however old they are */
	for (size_t i = 0; i < cf->nevents; i++)
		if (!strcmp(cf->events[i].type, "screening") ||
		    !strcmp(cf->events[i].type, "stability_check"))
			cf->events[i].section = access_section_name(SEC_SERVICES);
	if ((rc = casefile_index(cf, req->arena, err)))
		return rc;
	{
		const struct registry_entry *e =
			registry_by_id(&req->app->registry, cf->c.protocol_id);
		cf->protocol = e ? e->p : NULL;
		if ((e && e->counts_missing && (rc = earlier_missing(req, c, cf, err))) ||
		    (e && e->ends_with_shifts && (rc = roster_shifts(req, c, cf, err))))
			return rc;
	}
	cf->hearings = arena_alloc(req->arena, (cf->nwitnesses + 1) * sizeof(*cf->hearings));
	cf->nhearings = arena_alloc(req->arena, (cf->nwitnesses + 1) * sizeof(*cf->nhearings));
	if (!cf->hearings || !cf->nhearings)
		return no_mem(err);
	for (size_t i = 0; i < cf->nwitnesses; i++)
		if ((rc = store_hearings_list(c, cf->witnesses[i].prosecution_id, req->arena,
					      &cf->hearings[i], &cf->nhearings[i], err)))
			return rc;
	cf->sibling_visible = arena_alloc(req->arena, (cf->nsiblings + 1) * sizeof(bool));
	for (size_t i = 0; who && cf->sibling_visible && i < cf->nsiblings; i++)
		if (r.sibling_joined[i])
			cf->sibling_visible[i] =
				access_case_visible(who, r.sibling_left_at[i] == 0, true);
	casefile_participation(who, cf->agencies, cf->nagencies, &cf->participating,
			       &cf->participated);
	for (size_t i = 0; i < cf->nagencies; i++)
		if (cf->agencies[i].agency_id == cf->c.identified_by_agency)
			cf->identified_by_kind = cf->agencies[i].kind;
	return SH_OK;
}

/* A case loaded (rc) that the caller may not see is SH_ENOTFOUND, as if it did not exist, and
 * the probe is audited after the request. */
static enum sh_code gate(struct api_request *req, const char *id, enum sh_code rc,
			 const struct casefile *cf, struct sh_error *err)
{
	if (rc == SH_ENOTFOUND || (!rc && !casefile_visible(req, cf))) {
		if (!rc) /* a case that exists: its supervisors see the probe */
			req->denied_case = arena_strdup(req->arena, id);
		sh_error_init(err);
		/* the same answer whether it does not exist or is not for this caller */
		return sh_error_set(err, SH_ENOTFOUND, "no such case");
	}
	return rc;
}

enum sh_code casefile_load(struct api_request *req, struct store_conn *c, const char *id,
			   struct casefile *cf, struct sh_error *err)
{
	enum sh_code rc = load_records(req, c, id, cf, NULL, NULL, err);

	/* the facts and clocks as of now; a writer derives again after its change */
	return rc ? rc : casefile_evaluate(req, cf, clock_now(&req->app->clock), err);
}

/* Raise when derivation changes what it gives for the same records: every kept derivation
 * is then derived again at its next read (and kept again at the case's next write). */
#define DERIVE_VERSION 1

/* The calendar cf's deadlines count in: its protocol's zone and holidays, else the county's */
static struct protocol_calendar case_calendar(const struct api_request *req,
					      const struct casefile *cf)
{
	const struct county *k = &req->app->county;

	return registry_calendar(&req->app->registry, cf->c.protocol_id, k->tz, k->holidays,
				 k->nholidays);
}

/* What a case's kept steps were derived from, besides the protocol version it is pinned to
 * (in the stamp by id): this build, the county's zone, the zone and holidays its deadlines
 * count in (case_calendar), the timeline (entries are only ever added, and each write keeps
 * the steps again), the witness listings and hearings, the case closed or not, the youth's
 * records sealed or not. */
static void derive_stamp(const struct api_request *req, const struct casefile *cf, struct buf *out)
{
	struct protocol_calendar cal = case_calendar(req, cf);
	uint64_t days = cal.nholidays; /* the holidays (business-day deadlines) */
	size_t nh = 0;

	for (size_t i = 0; i < cf->nwitnesses; i++)
		nh += cf->nhearings[i];
	for (size_t i = 0; i < cal.nholidays; i++)
		days = days * 1000003u +
		       (uint64_t)(cal.holidays[i].year * 10000 + cal.holidays[i].month * 100 +
				  cal.holidays[i].day);
	buf_addf(out,
		 "%d %s %s %" PRIx64 " p%" PRId64 " e%zu/%" PRId64 " w%zu h%zu c%" PRId64
		 " s%" PRId64,
		 DERIVE_VERSION, SH_VERSION, tz_name(req->app->county.tz), days, cf->c.protocol_id,
		 cf->nevents, cf->nevents ? cf->events[cf->nevents - 1].id : 0, cf->nwitnesses, nh,
		 cf->c.closed_at, cf->c.sealed_at);
	if (cal.tz != req->app->county.tz) /* the protocol's own zone */
		buf_addf(out, " z%s", tz_name(cal.tz));
	/* an earlier recovery's episodes change what "missing_count" counts */
	for (size_t i = 0; i < cf->nearlier_missing; i++)
		buf_addf(out, " m%" PRId64, cf->earlier_missing[i]);
}

/* What deriving cf at now takes from the app and the case: the witness rules, the zone and
 * holidays of its deadlines (case_calendar), the county's days, and the youth's birth date
 * (the sealed value opened) */
static struct casefile_context context_at(struct api_request *req, const struct casefile *cf,
					  int64_t now)
{
	const struct app *app = req->app;
	struct protocol_calendar cal = case_calendar(req, cf);
	struct casefile_context ctx = { .witness_rules = app->witness_rules,
					.tz = app->county.tz,
					.deadline_tz = cal.tz,
					.holidays = cal.holidays,
					.nholidays = cal.nholidays,
					.now = now,
					.safety_review_days = app->cfg.safety_review_days,
					.advocate_days = app->county.advocate_days,
					.witness_protocol = registry_witness_protocol(
						&app->registry, cf->protocol) };

	ctx.has_birth = verified_birth(req, cf, &ctx.birth, &ctx.birth_verified);
	{ /* opened only for a protocol that asks: the level is sealed */
		const struct registry_entry *e = registry_by_id(&app->registry, cf->c.protocol_id);
		if (e && e->tests_screening)
			ctx.screening_level = screening_level(req, cf);
	}
	return ctx;
}

/* Derives cf at now from its kept steps (stamp and steps as load_records read them) when
 * they were derived from the same records (*kept true), else leaves it underived (*kept
 * false). */
static enum sh_code derive_kept(struct api_request *req, struct casefile *cf, const char *stamp,
				const char *steps, int64_t now, bool *kept, struct sh_error *err)
{
	struct casefile_context ctx;
	struct sh_error ignored;
	struct buf want = BUF_INIT;
	enum sh_code rc;

	sh_error_init(&ignored);
	*kept = false;
	/* a protocol whose steps repeat with time or follow the rosters: derived at each read */
	if (!cf->protocol || protocol_beyond_timeline(cf->protocol))
		return SH_OK;
	derive_stamp(req, cf, &want);
	*kept = stamp && want.data && !strcmp(stamp, want.data);
	buf_release(&want);
	if (!*kept)
		return SH_OK;
	ctx = context_at(req, cf, now);
	rc = casefile_derive_stored(cf, &ctx, steps, req->arena, &ignored);
	if (rc == SH_ENOMEM)
		return sh_error_set(err, rc, "out of memory");
	*kept = !rc; /* text this build cannot read: derived instead */
	return SH_OK;
}

enum sh_code casefile_open_view(struct api_request *req, struct store_conn *c, const char *id,
				struct casefile *cf, struct sh_error *err)
{
	int64_t now = clock_now(&req->app->clock);
	char *stamp, *steps;
	bool kept;
	enum sh_code rc = gate(req, id, load_records(req, c, id, cf, &stamp, &steps, err), cf, err);

	if (rc || (rc = derive_kept(req, cf, stamp, steps, now, &kept, err)))
		return rc;
	return kept ? SH_OK : casefile_evaluate(req, cf, now, err);
}

enum sh_code casefile_view_check(struct api_request *req, struct store_conn *c, const char *id,
				 int64_t now, bool *kept, size_t *differ_at, struct sh_error *err)
{
	struct casefile from_kept, derived;
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct api_response res = { 0 };
	char *stamp, *steps;
	enum sh_code rc;

	*differ_at = SIZE_MAX;
	if ((rc = load_records(req, c, id, &from_kept, &stamp, &steps, err)) ||
	    (rc = derive_kept(req, &from_kept, stamp, steps, now, kept, err)) || !*kept ||
	    (rc = load_records(req, c, id, &derived, NULL, NULL, err)) ||
	    (rc = casefile_evaluate(req, &derived, now, err)))
		return rc;
	buf_init(&res.body, 0);
	if (!(rc = casefile_reply(req, &res, 200, &from_kept, now, err))) {
		buf_add(&a, res.body.data, res.body.len);
		if (!(rc = casefile_reply(req, &res, 200, &derived, now, err)))
			buf_add(&b, res.body.data, res.body.len);
	}
	if (!rc && (a.len != b.len || memcmp(a.data, b.data, a.len))) {
		size_t i = 0;
		while (i < a.len && i < b.len && a.data[i] == b.data[i])
			i++;
		*differ_at = i;
	}
	buf_wipe(&res.body);
	buf_wipe(&a);
	buf_wipe(&b);
	return rc;
}

void casefile_participation(const struct principal *who, const struct case_agency_rec *a, size_t n,
			    bool *participating, bool *participated)
{
	for (size_t i = 0; who && i < n; i++)
		if (a[i].agency_id == who->agency_id) {
			*participated = true;
			*participating = a[i].left_at == 0;
		}
}

bool casefile_visible(const struct api_request *req, const struct casefile *cf)
{
	return access_case_visible(req->who, cf->participating, cf->participated);
}

enum sh_code casefile_open(struct api_request *req, struct store_conn *c, const char *id,
			   struct casefile *cf, struct sh_error *err)
{
	return gate(req, id, casefile_load(req, c, id, cf, err), cf, err);
}

/* The youth's identity, decrypted into a JSON object (a new reference; NULL when it cannot
 * be read), opened once per request for the same loaded case. */
static json_t *identity(struct api_request *req, const struct casefile *cf)
{
	struct casefile_opened *o = cf->opened;
	json_t *v;

	if (o && o->tried)
		return json_incref(o->identity);
	v = identity_open(&req->app->keys, cf->c.youth_key, cf->c.youth_key_len, cf->c.identity,
			  cf->c.identity_len);
	/* kept until the request's arena is released */
	if (o && (!v || arena_defer(req->arena, opened_release, v))) {
		o->tried = true;
		o->identity = json_incref(v);
	}
	return v;
}

/* An event's sealed text as a JSON object (NULL when it has none or cannot be read). */
static json_t *sealed_text(struct api_request *req, const struct casefile *cf,
			   const struct event_rec *e)
{
	struct buf plain = BUF_INIT;
	struct sh_error err;
	json_t *text = NULL;

	sh_error_init(&err);
	if (e->sealed && !youth_open(&req->app->keys, cf->c.youth_key, cf->c.youth_key_len,
				     SEALED_EVENT_TEXT, e->sealed, e->sealed_len, &plain, &err))
		text = json_loadb(plain.data, plain.len, 0, NULL);
	buf_wipe(&plain);
	if (text && !json_is_object(text)) {
		json_decref(text);
		text = NULL;
	}
	return text;
}

/* The latest birth date known: a verified one (birth_date_verified, sealed), else the one
 * given at identification. */
static bool verified_birth(struct api_request *req, const struct casefile *cf, struct sh_date *out,
			   bool *verified)
{
	const struct event_rec *e = casefile_latest(cf, "birth_date_verified");
	json_t *id = e ? sealed_text(req, cf, e) : cf->c.age_estimated ? NULL : identity(req, cf);
	const char *b = id ? jsonh_str(id, "birth_date") : NULL;
	bool ok = b && !timefmt_parse_date(b, out);

	*verified = ok && e;
	json_decref(id);
	return ok;
}

/* The latest screening's level (sealed at rest; in clear in screenings recorded before it
 * was), in the request's arena; NULL when none is recorded or it cannot be read. */
static const char *screening_level(struct api_request *req, const struct casefile *cf)
{
	const struct event_rec *e = casefile_latest(cf, "screening");
	json_t *sealed = e ? sealed_text(req, cf, e) : NULL;
	json_t *clear = e && !sealed && e->data ? json_loads(e->data, 0, NULL) : NULL;
	const char *level = jsonh_str(sealed ? sealed : clear, "level");
	const char *out = level ? arena_strdup(req->arena, level) : NULL;

	json_decref(sealed);
	json_decref(clear);
	return out;
}

enum sh_code casefile_evaluate(struct api_request *req, struct casefile *cf, int64_t now,
			       struct sh_error *err)
{
	struct casefile_context ctx = context_at(req, cf, now);

	return casefile_derive(cf, &ctx, req->arena, err);
}

void casefile_write_steps(struct jsonw *w, const struct principal *who, const struct casefile *cf)
{
	/* a step that tells a screening result is for the agencies that serve the youth
	 * (docs/security.md): to others, only its owners see it */
	bool gated = who && cf->protocol && protocol_any_screening_gated(cf->protocol) &&
		     access_section(who->kind, who->role, SEC_SERVICES) == ACCESS_NONE;
	const char *mine = who ? access_kind_name(who->kind) : NULL;
	const struct protocol *proto = cf->protocol;
	size_t at = 0; /* the protocol's index of the step before: a hint for the next */

	jsonw_array(w);
	for (size_t i = 0; i < cf->nsteps; i++) {
		const struct step_status *s = &cf->steps[i];
		/* a step of the protocol (the rest are witness items) */
		bool of_protocol = proto && i < cf->nprotocol_steps &&
				   (at = protocol_step_index(proto, s->key, at)) != SIZE_MAX;
		/* the entry that settled it, when the caller may read it: a step_done, a
		 * step_waived, or an entry that does the step by itself (a placement: "done by") */
		const struct event_rec *e = s->settled_by && s->state != STEP_PENDING
						    ? casefile_event(cf, s->settled_by)
						    : NULL;

		/* "parents, court": the parties outside the agencies it tells */
		const char *notify = of_protocol ? protocol_step_notify(proto, at) : NULL;

		if (gated && of_protocol && protocol_screening_gated(proto, at) &&
		    !(s->owner && !strcmp(s->owner, mine)) &&
		    !(s->also_owner && !strcmp(s->also_owner, mine)))
			continue; /* it would tell a screening result to an agency that may not read it */
		jsonw_object(w);
		if (s->also_owner && i < cf->nprotocol_steps) /* the protocol's co_owner */
			jsonw_kstr(w, "also_owner", s->also_owner);
		jsonw_ktime(w, "done_at", s->done_at, true);
		jsonw_ktime(w, "due_at", s->due_at, true);
		jsonw_kint(w, "episode", s->episode);
		jsonw_kstr(w, "key", s->key);
		if (s->not_before)
			jsonw_ktime(w, "not_before", s->not_before, false);
		if (notify) { /* "parents, court": the parties outside the agencies it tells */
			jsonw_key(w, "notify");
			jsonw_array(w);
			for (const char *p = notify; *p;) {
				size_t n = strcspn(p, ", ");
				char party[96];
				snprintf(party, sizeof(party), "%.*s", (int)n, p);
				if (n)
					jsonw_str(w, party);
				p += n + strspn(p + n, ", ");
			}
			jsonw_end(w);
		}
		jsonw_ktime(w, "opened_at", s->opened_at, true);
		jsonw_kbool(w, "overdue", s->overdue);
		jsonw_kstr(w, "owner", s->owner);
		if (s->state == STEP_PENDING && s->due_at)
			jsonw_kint(w, "seconds_left", s->time_left);
		if (e && who && casefile_event_readable(who, cf, e)) {
			jsonw_key(w, "settled_by");
			jsonw_object(w);
			jsonw_kint(w, "event_id", e->id);
			jsonw_kstr(w, "type", e->type);
			jsonw_end(w);
		}
		jsonw_kstr(w, "state", protocol_state_name(s->state));
		jsonw_kstr(w, "title", s->title);
		jsonw_end(w);
	}
	jsonw_end(w);
}

/* A view written by fn, as a jansson value (for answers built with jansson). */
static json_t *as_json(void (*fn)(struct jsonw *, const void *, const void *), const void *a,
		       const void *b)
{
	struct buf out = BUF_INIT;
	struct jsonw w;
	struct sh_error err = SH_ERROR_INIT;
	json_t *v = NULL;

	jsonw_init(&w, &out);
	fn(&w, a, b);
	if (!jsonw_finish(&w, &err))
		v = json_loadb(out.data, out.len, 0, NULL);
	buf_wipe(&out);
	return v;
}

static void write_steps_cb(struct jsonw *w, const void *cf, const void *who)
{
	casefile_write_steps(w, who, cf);
}

json_t *casefile_steps_json(const struct principal *who, const struct casefile *cf)
{
	return as_json(write_steps_cb, cf, who);
}

static void write_deviations(struct jsonw *w, const struct principal *who,
			     const struct casefile *cf)
{
	jsonw_array(w);
	for (size_t i = 0; i < cf->nevents; i++) {
		const struct event_rec *e = &cf->events[i];
		json_t *d;
		bool deviation;

		/* event data is compact JSON we wrote: no "deviation" key, no need to parse it */
		if (!e->data || !strstr(e->data, "\"deviation\"") || casefile_amended(cf, e) ||
		    !casefile_event_readable(who, cf, e))
			continue;
		d = json_loads(e->data, 0, NULL);
		deviation = jsonh_bool(d, "deviation", false);
		json_decref(d);
		if (!deviation)
			continue;
		jsonw_object(w);
		jsonw_kint(w, "agency_id", e->agency_id);
		jsonw_ktime(w, "at", e->at, false);
		jsonw_kint(w, "event_id", e->id);
		jsonw_kbool(w, "reviewed", e->reviewed_at != 0);
		jsonw_ktime(w, "reviewed_at", e->reviewed_at, true);
		jsonw_kstr(w, "type", e->type);
		jsonw_end(w);
	}
	jsonw_end(w);
}

/* A recovery's number as the caller may know it: counted among the recoveries of the youth
 * it may see (this case and the visible others), so that an agency that was not on an
 * earlier recovery does not learn from a "3" that two exist. */
static int64_t known_recovery_number(const struct casefile *cf, int recovery_no)
{
	int64_t n = 1 + (cf->c.recovery_no < recovery_no);

	for (size_t i = 0; i < cf->nsiblings; i++)
		n += cf->sibling_visible[i] && cf->siblings[i].recovery_no < recovery_no;
	return n;
}

static void write_youth(struct jsonw *w, struct api_request *req, const struct casefile *cf)
{
	json_t *id = casefile_sees_identity(req->who, cf) ? identity(req, cf) : NULL;

	/* keys in byte order; the sealed identity fields only for those who may see them */
	jsonw_object(w);
	jsonw_kint(w, "age", cf->state.age);
	jsonw_kbool(w, "age_estimated", cf->state.age_estimated);
	if (json_object_get(id, "aliases")) {
		jsonw_key(w, "aliases");
		jsonw_value(w, json_object_get(id, "aliases"));
	}
	if (id && cf->state.has_birth) { /* as verified later, else as given */
		char b[11];
		timefmt_format_date(cf->state.birth, b);
		jsonw_kstr(w, "birth_date", b);
	}
	if (json_object_get(id, "first_name")) {
		jsonw_key(w, "first_name");
		jsonw_value(w, json_object_get(id, "first_name"));
	}
	jsonw_kstr(w, "gender", cf->c.gender);
	if (json_object_get(id, "last_name")) {
		jsonw_key(w, "last_name");
		jsonw_value(w, json_object_get(id, "last_name"));
	}
	jsonw_kbool(w, "name_confidential", cf->state.name_confidential);
	jsonw_kstr(w, "race_ethnicity", cf->c.race_ethnicity);
	/* no identity is left: say why, for everyone (docs/api.md) */
	if (cf->c.sealed_at)
		jsonw_kstr(w, "sealed", cf->c.sealed_why);
	jsonw_end(w);
	json_decref(id);
}

/* Where the youth was met and the officer's call-back number (sealed in the identification)
 * are for the agencies that respond: those who see the youth's identity even under PC 293. */
static bool encounter_readable(const struct principal *who)
{
	return access_sees_identity(who, true);
}

/* The encounter as the identification recorded it: the youth's language and whether an
 * interpreter is needed for every reader, the rest for the agencies that respond. */
static void write_encounter(struct jsonw *w, struct api_request *req, const struct casefile *cf)
{
	const struct event_rec *e = casefile_latest(cf, "identification");
	json_t *d = e ? json_loads(e->data, 0, NULL) : NULL;
	json_t *text = e && encounter_readable(req->who) ? sealed_text(req, cf, e) : NULL;

	/* keys in byte order */
	jsonw_object(w);
	if (jsonh_str(text, "callback_number"))
		jsonw_kstr(w, "callback_number", jsonh_str(text, "callback_number"));
	jsonw_kbool(w, "interpreter", jsonh_bool(d, "interpreter", false));
	jsonw_kstr(w, "language", jsonh_str(d, "language"));
	if (jsonh_str(text, "location"))
		jsonw_kstr(w, "location", jsonh_str(text, "location"));
	jsonw_end(w);
	json_decref(text);
	json_decref(d);
}

void casefile_write_json(struct jsonw *w, struct api_request *req, const struct casefile *cf,
			 int64_t now)
{
	const struct principal *who = req->who;
	json_t *ind;

	UNUSED(now);
	/* every key in byte order: the bytes jsonh_dump() made of the same view */
	jsonw_object(w);
	jsonw_key(w, "agencies");
	jsonw_array(w);
	for (size_t i = 0; i < cf->nagencies; i++) {
		const struct case_agency_rec *a = &cf->agencies[i];
		jsonw_object(w);
		jsonw_kbool(w, "active", a->left_at == 0);
		jsonw_kint(w, "id", a->agency_id);
		jsonw_ktime(w, "joined_at", a->joined_at, false);
		jsonw_kstr(w, "kind", a->kind);
		jsonw_kstr(w, "name", a->name);
		jsonw_kstr(w, "reason", a->reason);
		/* the agency's named worker on the case (worker_assigned) */
		jsonw_key(w, "worker");
		if (a->worker_id) {
			jsonw_object(w);
			jsonw_kint(w, "id", a->worker_id);
			jsonw_kstr(w, "name", a->worker_name);
			jsonw_ktime(w, "since", a->worker_since, false);
			jsonw_end(w);
		} else {
			jsonw_null(w);
		}
		jsonw_end(w);
	}
	jsonw_end(w);
	jsonw_kstr(w, "area", cf->c.area);
	jsonw_kstr(w, "close_reason", cf->c.close_reason);
	jsonw_ktime(w, "closed_at", cf->c.closed_at, true);
	jsonw_key(w, "deviations");
	write_deviations(w, who, cf);
	jsonw_key(w, "encounter");
	write_encounter(w, req, cf);
	jsonw_kstr(w, "id", cf->c.id);
	jsonw_ktime(w, "identified_at", cf->c.identified_at, false);
	jsonw_key(w, "identified_by");
	jsonw_object(w);
	jsonw_kint(w, "agency_id", cf->c.identified_by_agency);
	jsonw_kstr(w, "kind", cf->identified_by_kind ? cf->identified_by_kind : "?");
	jsonw_end(w);
	jsonw_key(w, "indicators");
	ind = json_loads(cf->c.indicators ? cf->c.indicators : "[]", 0, NULL);
	if (ind) {
		jsonw_value(w, ind);
		json_decref(ind);
	} else {
		jsonw_array(w);
		jsonw_end(w);
	}
	/* the time of the assault dates the forensic exam: medical and law enforcement only */
	if (access_can_read(who, SEC_MEDICAL) || access_can_read(who, SEC_LAW_ENFORCEMENT))
		jsonw_ktime(w, "last_assault_at", cf->state.last_assault_at, true);
	jsonw_kstr(w, "lead_agency_kind", casefile_lead_kind(cf));
	if (access_can_read(who, SEC_MISSING)) {
		jsonw_key(w, "missing");
		jsonw_object(w);
		jsonw_kint(w, "episodes", (int64_t)cf->nmissing);
		jsonw_kbool(w, "now", casefile_missing_now(cf));
		jsonw_end(w);
	}
	jsonw_kbool(w, "open", cf->c.closed_at == 0);
	/* earlier and later recoveries of the same youth, as far as the caller may know them */
	jsonw_key(w, "other_recoveries");
	jsonw_array(w);
	for (size_t i = 0; i < cf->nsiblings; i++) {
		if (!cf->sibling_visible[i])
			continue;
		jsonw_object(w);
		jsonw_kstr(w, "id", cf->siblings[i].id);
		jsonw_ktime(w, "identified_at", cf->siblings[i].identified_at, false);
		jsonw_kint(w, "recovery_number",
			   known_recovery_number(cf, cf->siblings[i].recovery_no));
		jsonw_end(w);
	}
	jsonw_end(w);
	jsonw_key(w, "protocol");
	jsonw_object(w);
	jsonw_kstr(w, "name", cf->protocol ? protocol_name(cf->protocol) : "?");
	jsonw_kstr(w, "version", cf->protocol ? protocol_version(cf->protocol) : "?");
	jsonw_end(w);
	jsonw_kbool(w, "re_recovery", known_recovery_number(cf, cf->c.recovery_no) > 1);
	jsonw_ktime(w, "recorded_at", cf->c.recorded_at, false);
	jsonw_kint(w, "recovery_number", known_recovery_number(cf, cf->c.recovery_no));
	jsonw_key(w, "steps");
	casefile_write_steps(w, who, cf);
	jsonw_key(w, "youth");
	write_youth(w, req, cf);
	jsonw_kstr(w, "youth_status", protocol_status_name(cf->state.status));
	jsonw_end(w);
}

enum sh_code casefile_reply(struct api_request *req, struct api_response *res, int status,
			    const struct casefile *cf, int64_t now, struct sh_error *err)
{
	struct jsonw w;

	buf_reset(&res->body);
	res->status = status;
	res->content_type = "application/json";
	jsonw_init(&w, &res->body);
	casefile_write_json(&w, req, cf, now);
	return jsonw_finish(&w, err);
}

struct json_view {
	struct api_request *req;
	int64_t now;
};

static void write_case_cb(struct jsonw *w, const void *cf, const void *view)
{
	const struct json_view *v = view;

	casefile_write_json(w, v->req, cf, v->now);
}

json_t *casefile_json(struct api_request *req, const struct casefile *cf, int64_t now)
{
	struct json_view v = { req, now };

	return as_json(write_case_cb, cf, &v);
}

json_t *casefile_event_json(struct api_request *req, const struct casefile *cf,
			    const struct event_rec *e)
{
	json_t *o, *data;

	if (!casefile_event_readable(req->who, cf, e))
		return NULL;
	data = json_loads(e->data ? e->data : "{}", 0, NULL);
	o = json_is_object(data) ? data : json_object();
	if (o != data)
		json_decref(data);
	json_object_set_new(o, "id", json_integer(e->id));
	json_object_set_new(o, "type", json_string(e->type));
	json_object_set_new(o, "section", json_string(e->section));
	jsonh_set_time(o, "at", e->at, false);
	jsonh_set_time(o, "recorded_at", e->recorded_at, false);
	json_object_set_new(o, "author",
			    json_pack("{s:o, s:o, s:o}", "name",
				      e->author ? json_string(e->author) : json_null(), "agency",
				      e->agency_name ? json_string(e->agency_name) : json_null(),
				      "kind",
				      e->agency_kind ? json_string(e->agency_kind) : json_null()));
	json_object_set_new(o, "amends", e->amends ? json_integer(e->amends) : json_null());
	json_object_set_new(o, "amended_by",
			    e->amended_by ? json_integer(e->amended_by) : json_null());
	/* a verified birth date is identity: only for those who may see it (PC 293); where
	 * the youth was met, for the agencies that respond */
	if (e->sealed &&
	    (strcmp(e->type, "birth_date_verified") || casefile_sees_identity(req->who, cf)) &&
	    (strcmp(e->type, "identification") || encounter_readable(req->who))) {
		json_t *text = sealed_text(req, cf, e);
		if (text)
			json_object_update(o, text);
		json_decref(text);
	}
	return o;
}

enum sh_code casefile_save_steps(struct store_conn *c, struct api_request *req,
				 const struct casefile *cf, struct sh_error *err)
{
	struct step_rec *rows = arena_alloc(req->arena, (cf->nsteps + 1) * sizeof(*rows));
	struct buf stamp = BUF_INIT, text = BUF_INIT;
	enum sh_code rc;

	if (!rows)
		return no_mem(err);
	for (size_t i = 0; i < cf->nsteps; i++) {
		rows[i].step = cf->steps[i].key;
		rows[i].episode = cf->steps[i].episode;
		rows[i].owner = cf->steps[i].owner;
		rows[i].also_owner = cf->steps[i].also_owner;
		rows[i].state = protocol_state_name(cf->steps[i].state);
		rows[i].opened_at = cf->steps[i].opened_at;
		rows[i].due_at = cf->steps[i].due_at;
		rows[i].done_at = cf->steps[i].done_at;
	}
	if ((rc = store_steps_replace(c, cf->c.id, rows, cf->nsteps, err)))
		return rc;
	/* and the derivation itself, for reads (casefile_open_view) */
	derive_stamp(req, cf, &stamp);
	casefile_steps_encode(cf, &text);
	rc = stamp.len && text.data ? store_derived_put(c, cf->c.id, stamp.data, text.data, err)
				    : no_mem(err);
	buf_release(&stamp);
	buf_release(&text);
	return rc;
}
