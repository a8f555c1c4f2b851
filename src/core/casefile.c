#include "lib/common.h"
#include <jansson.h>
#include "core/casefile.h"
#include "core/guardrail.h"
#include "core/witness.h"
#include "lib/jsonh.h"

#define DAY 86400

static enum sh_code no_mem(struct sh_error *err)
{
	return sh_error_set(err, SH_ENOMEM, "out of memory");
}

/* The timeline is in id order (the store lists it so; ids only grow): found by halving. */
static struct event_rec *event_by_id(const struct casefile *cf, int64_t id)
{
	size_t lo = 0, hi = cf->nevents;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cf->events[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < cf->nevents && cf->events[lo].id == id ? &cf->events[lo] : NULL;
}

enum sh_code casefile_index(struct casefile *cf, struct arena *a, struct sh_error *err)
{
	size_t n = 0;

	for (size_t i = 0; i < cf->nevents; i++)
		cf->events[i].amended_by = cf->events[i].reviewed_at = 0;
	for (size_t i = 0; i < cf->nevents; i++) {
		struct event_rec *orig =
			cf->events[i].amends ? event_by_id(cf, cf->events[i].amends) : NULL;
		if (orig)
			orig->amended_by = cf->events[i].id;
		n += !strcmp(cf->events[i].type, "disclosure");
	}
	/* who may read which privileged note, so that a reader's cost does not grow with the
	 * square of the notes it may not read */
	cf->ndisclosures = 0;
	if (!(cf->disclosures = arena_alloc(a, (n + 1) * sizeof(*cf->disclosures))))
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	for (size_t i = 0; i < cf->nevents; i++) {
		const struct event_rec *e = &cf->events[i];
		bool disclosure = !strcmp(e->type, "disclosure");
		struct event_rec *reviewed;
		json_t *d;
		if ((!disclosure && strcmp(e->type, "deviation_review")) || e->amended_by)
			continue;
		d = json_loads(e->data, 0, NULL);
		if (disclosure) {
			cf->disclosures[cf->ndisclosures].note_id = jsonh_int(d, "event_id", 0);
			cf->disclosures[cf->ndisclosures++].agency_id =
				jsonh_int(d, "to_agency_id", 0);
		} else if ((reviewed = event_by_id(cf, jsonh_int(d, "event_id", 0)))) {
			reviewed->reviewed_at = e->at;
		}
		json_decref(d);
	}
	return SH_OK;
}

bool casefile_amended(const struct casefile *cf, const struct event_rec *e)
{
	UNUSED(cf);
	return e->amended_by != 0;
}

const struct event_rec *casefile_event(const struct casefile *cf, int64_t id)
{
	return event_by_id(cf, id);
}

const struct event_rec *casefile_find(const struct casefile *cf, const char *type,
				      const char *field, int64_t value, const char *field2,
				      int64_t value2)
{
	const struct event_rec *found = NULL;

	for (size_t i = 0; i < cf->nevents; i++) {
		const struct event_rec *e = &cf->events[i];
		json_t *d;
		bool match;
		if (strcmp(e->type, type) || casefile_amended(cf, e))
			continue;
		d = json_loads(e->data, 0, NULL);
		match = jsonh_int(d, field, -1) == value &&
			(!field2 || jsonh_int(d, field2, -1) == value2);
		json_decref(d);
		if (match)
			found = e;
	}
	return found;
}

void casefile_plan_state(const struct casefile *cf, int64_t witness_id, struct plan_state *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < cf->nevents; i++) {
		const struct event_rec *e = &cf->events[i];
		json_t *d;
		int part;
		if (strcmp(e->type, "safety_plan"))
			continue;
		d = json_loads(e->data, 0, NULL);
		part = witness_plan_part(jsonh_str(d, "part"));
		if (jsonh_int(d, "witness_id", -1) == witness_id && part >= 0) {
			/* the timeline is in id order: the last one seen is the latest change */
			out->changed_by = e->id;
			out->changed_at = e->recorded_at;
			if (!casefile_amended(cf, e))
				out->written |= 1u << part;
		}
		json_decref(d);
	}
}

const struct event_rec *casefile_latest(const struct casefile *cf, const char *type)
{
	const struct event_rec *found = NULL;

	for (size_t i = 0; i < cf->nevents; i++)
		if (!strcmp(cf->events[i].type, type) && !casefile_amended(cf, &cf->events[i]))
			found = &cf->events[i];
	return found;
}

/* ---- the facts, as known when the timeline ended at event id `known` ---- */

/* The latest effective event of a type among the first events (ids up to `known`). The
 * timeline is append-only, so ids order what was known when. */
static const struct event_rec *latest_known(const struct casefile *cf, const char *type,
					    int64_t known)
{
	const struct event_rec *found = NULL;

	for (size_t i = 0; i < cf->nevents; i++) {
		const struct event_rec *e = &cf->events[i];
		if (e->id <= known && !strcmp(e->type, type) && !casefile_amended(cf, e))
			found = e;
	}
	return found;
}

static void state_as_of(const struct casefile *cf, const struct casefile_context *ctx,
			int64_t known, struct case_state *s)
{
	const struct event_rec *e;
	int st = protocol_status_parse(cf->c.youth_status);

	memset(s, 0, sizeof(*s));
	s->status = st < 0 ? YOUTH_UNKNOWN : (enum youth_status)st;
	s->age = cf->c.age;
	s->age_estimated = cf->c.age_estimated;
	s->last_assault_at = cf->c.last_assault_at;
	s->assault_disclosed_at = cf->c.last_assault_at ? cf->c.identified_at : 0;
	s->name_confidential = cf->c.name_confidential;
	if ((e = latest_known(cf, "status_determined", known))) {
		json_t *d = json_loads(e->data, 0, NULL);
		st = protocol_status_parse(jsonh_str(d, "status"));
		if (st >= 0)
			s->status = (enum youth_status)st;
		json_decref(d);
	}
	if ((e = latest_known(cf, "assault_disclosed", known))) {
		json_t *d = json_loads(e->data, 0, NULL);
		const char *at = jsonh_str(d, "last_assault_at");
		int64_t t;
		if (at && !timefmt_parse_rfc3339(at, &t)) {
			s->last_assault_at = t;
			s->assault_disclosed_at = e->at;
		}
		json_decref(d);
	}
	for (size_t i = 0; i < cf->nevents; i++) {
		const struct event_rec *c = &cf->events[i];
		bool custody = !strcmp(c->type, "arrest");
		if (c->id > known || casefile_amended(cf, c) ||
		    (s->in_custody_at && s->in_custody_at <= c->at))
			continue;
		if (!custody && !strcmp(c->type, "placement")) {
			json_t *d = json_loads(c->data, 0, NULL);
			const char *setting = jsonh_str(d, "setting");
			custody = setting && !strcmp(setting, "detention");
			json_decref(d);
		}
		if (custody)
			s->in_custody_at = c->at;
	}
	if ((e = latest_known(cf, "name_confidentiality", known))) {
		json_t *d = json_loads(e->data, 0, NULL);
		s->name_confidential = jsonh_bool(d, "confidential", s->name_confidential);
		json_decref(d);
	}
	/* a verified birth date counts once it is recorded */
	if (ctx->has_birth && (!ctx->birth_verified ||
			       (e = latest_known(cf, "birth_date_verified", known)) != NULL)) {
		s->has_birth = true;
		s->birth = ctx->birth;
		s->age = tz_age_at(ctx->tz, ctx->birth, cf->c.identified_at);
		s->age_estimated = false;
	}
}

struct sh_date casefile_birth(const struct casefile *cf, const struct tz *tz)
{
	if (cf->state.has_birth)
		return cf->state.birth;
	return tz_date(tz, cf->c.identified_at - (int64_t)cf->state.age * 365 * DAY - 182 * DAY);
}

int casefile_age_at(const struct casefile *cf, const struct tz *tz, int64_t t)
{
	struct guardrail_youth y = { .identified_at = cf->c.identified_at,
				     .has_birth = cf->state.has_birth,
				     .birth = cf->state.birth,
				     .has_estimate = !cf->state.has_birth,
				     .estimate = cf->state.age };

	return guardrail_age_at(tz, &y, t);
}

/* Missing episodes, in timeline order, as known at event id `known`. */
static size_t missing_as_of(const struct casefile *cf, int64_t known, struct missing_episode *m)
{
	size_t n = 0;

	for (size_t i = 0; i < cf->nevents; i++) {
		const struct event_rec *e = &cf->events[i];
		if (e->id > known || casefile_amended(cf, e))
			continue;
		if (!strcmp(e->type, "missing_start")) {
			json_t *d = json_loads(e->data, 0, NULL);
			const char *learned = jsonh_str(d, "learned_at");
			int64_t t = 0;
			m[n].start = e->at;
			m[n].end = 0;
			m[n].found = 0;
			m[n].learned = learned && !timefmt_parse_rfc3339(learned, &t) ? t : 0;
			n++;
			json_decref(d);
		} else if (!strcmp(e->type, "missing_end") && n) {
			m[n - 1].end = e->at;
			m[n - 1].found = 0;
			if (e->data &&
			    strstr(e->data, "\"found_at\"")) { /* when found, if not back */
				json_t *d = json_loads(e->data, 0, NULL);
				const char *found = jsonh_str(d, "found_at");
				int64_t t = 0;
				m[n - 1].found = found && !timefmt_parse_rfc3339(found, &t) ? t : 0;
				json_decref(d);
			}
		}
	}
	return n;
}

int64_t casefile_counted_at(const struct event_rec *e)
{
	json_t *d;
	bool late;

	/* event data is compact JSON we wrote: most events need no parsing */
	if (!e->data || !strstr(e->data, "\"late_entry\""))
		return e->at;
	d = json_loads(e->data, 0, NULL);
	late = jsonh_bool(d, "late_entry", false);
	json_decref(d);
	return late ? e->recorded_at : e->at;
}

/*
 * The events that settle steps, in timeline order (the engine lets a later one correct an
 * earlier one): step_done and step_waived, and the entries that do a step by themselves
 * ("done by" in the protocol: a placement decides the placement) when recorded by an agency
 * of the kinds the protocol names ("from"). The engine lets such an entry do its step only
 * when it is the first to settle it, from the step's window on; its time counts as a
 * step_done's does (a late entry counts when it was recorded).
 */
static size_t step_events(const struct casefile *cf, struct arena *a, struct step_event *se)
{
	size_t n = 0, nsteps = protocol_nsteps(cf->protocol);

	for (size_t i = 0; i < cf->nevents; i++) {
		const struct event_rec *e = &cf->events[i];
		if (casefile_amended(cf, e))
			continue;
		if (!strcmp(e->type, "step_done") || !strcmp(e->type, "step_waived")) {
			json_t *d = json_loads(e->data, 0, NULL);
			se[n].step =
				arena_strdup(a, jsonh_str(d, "step") ? jsonh_str(d, "step") : "");
			se[n].episode = (int)jsonh_int(d, "episode", 0);
			se[n].waived = !strcmp(e->type, "step_waived");
			se[n].at = casefile_counted_at(e);
			se[n].event_id = e->id;
			se[n].by_entry = false;
			n++;
			json_decref(d);
			continue;
		}
		for (size_t k = 0; k < nsteps; k++) {
			const char *type = protocol_step_done_by(cf->protocol, k);
			if (type && !strcmp(type, e->type) &&
			    protocol_step_done_by_kind(cf->protocol, k, e->agency_kind))
				se[n++] = (struct step_event){ protocol_step_key(cf->protocol, k),
							       0,
							       false,
							       casefile_counted_at(e),
							       e->id,
							       true };
		}
	}
	return n;
}

/* All hearings of every prosecution the youth is a witness in, in time order. */
static size_t all_hearings(const struct casefile *cf, int64_t *out)
{
	size_t n = 0;

	for (size_t i = 0; i < cf->nwitnesses; i++)
		for (size_t h = 0; h < cf->nhearings[i]; h++) {
			size_t k = n++;
			int64_t t = cf->hearings[i][h].at;
			while (k && out[k - 1] > t) {
				out[k] = out[k - 1];
				k--;
			}
			out[k] = t;
		}
	return n;
}

/* The facts of state s into f (the hearings and step events are left as they are). */
static void fill_facts(const struct casefile *cf, const struct case_state *s,
		       const struct missing_episode *m, size_t nm, struct case_facts *f)
{
	f->identified_at = cf->c.identified_at;
	f->status = s->status;
	f->age = s->age;
	f->identified_by = cf->identified_by_kind;
	f->last_assault_at = s->last_assault_at;
	f->assault_disclosed_at = s->assault_disclosed_at;
	f->in_custody_at = s->in_custody_at;
	f->missing = m;
	f->nmissing = nm;
}

/* ---- witness items: the protocol file's ("witness KEY"), none when it declares none ---- */

const struct protocol_witness_item *casefile_witness_item(const struct casefile *cf,
							  const char *key)
{
	return protocol_witness_find(cf->witness_protocol, key);
}

static void witness_item(struct casefile *cf, const struct protocol_witness_item *it, int episode,
			 const struct protocol_witness_facts *wf, const struct event_rec *done,
			 bool eligible, int64_t now)
{
	struct step_status *s = &cf->steps[cf->nsteps];
	int64_t due;

	if (!protocol_witness_due(it, wf, &due))
		return;
	cf->nsteps++;
	memset(s, 0, sizeof(*s));
	s->key = it->key;
	s->title = it->title;
	s->owner = it->owner;
	s->also_owner = it->co_owner;
	s->episode = episode;
	s->opened_at = wf->listed_at < due ? wf->listed_at : due;
	s->due_at = due;
	s->state = it->when_eligible && !eligible ? STEP_NOT_APPLICABLE
		   : done			  ? STEP_DONE
						  : STEP_PENDING;
	s->done_at = done ? done->at : 0;
	s->settled_by = done ? done->id : 0;
	if (s->state == STEP_PENDING) {
		s->time_left = due - now;
		s->overdue = now > due;
	}
}

bool casefile_witness_victim(const struct casefile *cf, const struct witness_rec *w)
{
	const struct event_rec *e =
		casefile_find(cf, "witness_listed", "witness_id", w->id, NULL, 0);
	json_t *d = e ? json_loads(e->data, 0, NULL) : NULL;
	bool victim = jsonh_bool(d, "victim", true);

	json_decref(d);
	return victim;
}

/* The charges of a witness's prosecution (JSON array text) as strings; NULL entries
 * skipped. */
static size_t charges_of(const struct witness_rec *w, struct arena *a, const char **out, size_t max)
{
	json_t *ch = json_loads(w->charges ? w->charges : "[]", 0, NULL), *v;
	size_t n = 0, k;

	json_array_foreach(ch, k, v)
		if (n < max && json_is_string(v))
			out[n++] = arena_strdup(a, json_string_value(v));
	json_decref(ch);
	return n;
}

/* How many of the file's witness items come once per witness (the rest: per hearing). */
static size_t witness_items_per_witness(const struct protocol *p, bool *motion_day)
{
	size_t n = 0;

	*motion_day = false;
	for (size_t k = 0; k < protocol_nwitness(p); k++) {
		n += protocol_witness(p, k)->anchor != PW_HEARING;
		*motion_day |= protocol_witness(p, k)->anchor == PW_LAST_MOTION_DAY;
	}
	return n;
}

/* The entry that does a witness item (for witness w, and hearing h when h > 0), or NULL. */
static const struct event_rec *witness_done(const struct casefile *cf,
					    const struct protocol_witness_item *it, int64_t w,
					    int64_t h)
{
	if (!it->done_by)
		return NULL;
	return casefile_find(cf, it->done_by, "witness_id", w, h ? "hearing_id" : NULL, h);
}

/*
 * The items each minor witness brings (motion item 3), as the protocol file declares them:
 * per witness, its once-per-witness items in file order, then for each hearing its
 * per-hearing items. Eligibility is judged on the motion date (the motion's, once filed;
 * else today); the last motion day is the day before the birthday that ends eligibility.
 * The county's policy goal never raises an item by itself.
 */
static void witness_items(struct casefile *cf, const struct casefile_context *ctx, struct arena *a)
{
	const struct witness_rules *r = ctx->witness_rules;
	const struct protocol *p = cf->witness_protocol;
	struct sh_date birth = casefile_birth(cf, ctx->tz), today = tz_date(ctx->tz, ctx->now);
	bool motion_day;

	if (!cf->nwitnesses || !r || !protocol_nwitness(p))
		return;
	witness_items_per_witness(p, &motion_day);
	for (size_t i = 0; i < cf->nwitnesses; i++) {
		const struct witness_rec *w = &cf->witnesses[i];
		const struct event_rec *motion =
			casefile_find(cf, "cctv_motion", "witness_id", w->id, NULL, 0);
		const char *charges[32];
		size_t nc = charges_of(w, a, charges, ARRAY_SIZE(charges));
		struct sh_date mdate = motion ? tz_date(ctx->tz, motion->at) : today;
		bool victim = casefile_witness_victim(cf, w);
		bool eligible = witness_statutory_eligible(r, birth, mdate, charges, nc, victim);
		struct protocol_witness_facts wf = { .tz = ctx->tz,
						     .listed_at = w->listed_at,
						     .advocate_days = ctx->advocate_days,
						     .notice_days = witness_notice_days(r),
						     .review_days = ctx->safety_review_days };

		wf.has_last_motion_day = motion_day && !motion && eligible &&
					 witness_last_motion_day(r, birth, today, charges, nc,
								 victim, &wf.last_motion_day);
		for (size_t k = 0; k < protocol_nwitness(p); k++) {
			const struct protocol_witness_item *it = protocol_witness(p, k);
			if (it->anchor != PW_HEARING)
				witness_item(cf, it, (int)w->id, &wf,
					     witness_done(cf, it, w->id, 0), eligible, ctx->now);
		}
		for (size_t h = 0; h < cf->nhearings[i]; h++) {
			const struct hearing_rec *hr = &cf->hearings[i][h];
			wf.hearing_at = hr->at;
			wf.hearing_known_at =
				hr->created_at > w->listed_at ? hr->created_at : w->listed_at;
			for (size_t k = 0; k < protocol_nwitness(p); k++) {
				const struct protocol_witness_item *it = protocol_witness(p, k);
				if (it->anchor == PW_HEARING)
					witness_item(cf, it, (int)hr->id, &wf,
						     witness_done(cf, it, w->id, hr->id), eligible,
						     ctx->now);
			}
		}
	}
}

/* At most how many witness items the case has (cf->witness_protocol set). */
static size_t witness_item_count(const struct casefile *cf)
{
	const struct protocol *p = cf->witness_protocol;
	bool motion_day;
	size_t once = witness_items_per_witness(p, &motion_day), n = 0;

	for (size_t i = 0; i < cf->nwitnesses; i++)
		n += once + (protocol_nwitness(p) - once) * cf->nhearings[i];
	return n;
}

static size_t hearing_count(const struct casefile *cf)
{
	size_t n = 0;

	for (size_t i = 0; i < cf->nwitnesses; i++)
		n += cf->nhearings[i];
	return n;
}

/* The witness items' protocol: the case's version when it declares them, else the one the
 * caller gives (an earlier version from before the items were in the file). */
static void witness_protocol(struct casefile *cf, const struct casefile_context *ctx)
{
	cf->witness_protocol =
		protocol_nwitness(cf->protocol) ? cf->protocol : ctx->witness_protocol;
}

/* ---- derivation ---- */

/* Were facts that move deadlines recorded after event id `known`? */
static bool facts_changed_after(const struct casefile *cf, int64_t known)
{
	static const char *const types[] = { "status_determined", "assault_disclosed",
					     "birth_date_verified" };

	for (size_t i = 0; i < cf->nevents; i++)
		for (size_t k = 0; k < ARRAY_SIZE(types); k++)
			if (cf->events[i].id > known && !strcmp(cf->events[i].type, types[k]))
				return true;
	return false;
}

/* The entry that settled step (key, episode), whatever the facts now (the step may no
 * longer apply): as the engine picks it, windows aside; 0 when none. */
static int64_t settling_entry(const struct case_facts *f, const char *key, int episode)
{
	const struct step_event *found = NULL;

	for (size_t i = 0; i < f->nevents; i++) {
		const struct step_event *e = &f->events[i];
		if (e->step && e->episode == episode && !strcmp(e->step, key) &&
		    !(e->by_entry && found))
			found = e;
	}
	return found ? found->event_id : 0;
}

/*
 * A step done or waived keeps what it was when it was settled: its deadline, and that it
 * applied at all (a youth found to be a ward later does not undo child welfare's visit).
 * Evaluate the protocol again with the facts known then, and take that instance back.
 */
static enum sh_code freeze_settled(struct casefile *cf, const struct casefile_context *ctx,
				   struct case_facts *f, struct step_status *scratch, size_t cap)
{
	struct missing_episode *m = (struct missing_episode *)f->missing;

	for (size_t i = 0; i < cf->nsteps; i++) {
		struct step_status *s = &cf->steps[i];
		struct case_state st;
		int64_t known;
		size_t n = 0;
		enum sh_code rc;

		if (s->state == STEP_PENDING || !(known = settling_entry(f, s->key, s->episode)) ||
		    !facts_changed_after(cf, known))
			continue;
		state_as_of(cf, ctx, known, &st);
		fill_facts(cf, &st, m, missing_as_of(cf, known, m), f);
		if ((rc = protocol_evaluate(cf->protocol, f, ctx->now, scratch, cap, &n)))
			return rc;
		for (size_t k = 0; k < n; k++)
			if (!strcmp(scratch[k].key, s->key) && scratch[k].episode == s->episode &&
			    (scratch[k].state == STEP_DONE || scratch[k].state == STEP_WAIVED))
				*s = scratch[k];
	}
	return SH_OK;
}

enum sh_code casefile_derive(struct casefile *cf, const struct casefile_context *ctx,
			     struct arena *a, struct sh_error *err)
{
	struct step_event *se;
	struct case_facts f = { 0 };
	struct protocol_calendar cal = { ctx->deadline_tz ? ctx->deadline_tz : ctx->tz,
					 ctx->holidays, ctx->nholidays };
	struct step_status *scratch = NULL;
	int64_t *hearings;
	size_t nse, instances, cap, need = 0, ndone_by = 0;
	enum sh_code rc;

	if (!cf->protocol)
		return sh_error_set(err, SH_EINTERNAL, "the case's protocol version is not loaded");
	cf->derived_at = ctx->now;
	witness_protocol(cf, ctx);
	state_as_of(cf, ctx, INT64_MAX, &cf->state);
	for (size_t i = 0; i < protocol_nsteps(cf->protocol); i++)
		ndone_by += protocol_step_done_by(cf->protocol, i) != NULL;
	/* each entry settles at most one step, or does each "done by" step */
	se = arena_alloc(a, (cf->nevents * (1 + ndone_by) + 1) * sizeof(*se));
	cf->missing = arena_alloc(a, (cf->nevents + 1) * sizeof(*cf->missing));
	hearings = arena_alloc(a, (hearing_count(cf) + 1) * sizeof(*hearings));
	if (!se || !cf->missing || !hearings)
		return no_mem(err);
	cf->nmissing = missing_as_of(cf, INT64_MAX, cf->missing);
	nse = step_events(cf, a, se);
	fill_facts(cf, &cf->state, cf->missing, cf->nmissing, &f);
	f.screening_level = ctx->screening_level;
	f.earlier_missing = cf->earlier_missing;
	f.nearlier_missing = cf->nearlier_missing;
	f.shifts = cf->shifts;
	f.nshifts = cf->nshifts;
	f.cal = &cal;
	f.hearings = hearings;
	f.nhearings = all_hearings(cf, hearings);
	f.events = se;
	f.nevents = nse;
	/* the steps array, sized once: every step once per instance of its kind, then the
	 * witness items */
	instances = 1 + (cf->nmissing > f.nhearings ? cf->nmissing : f.nhearings);
	cap = protocol_nsteps(cf->protocol) * instances;
	f.closed_at = cf->c.closed_at;
	/* a repeating step has an occurrence for each period so far */
	rc = protocol_evaluate(cf->protocol, &f, ctx->now, NULL, 0, &need);
	if (rc && rc != SH_ETOOBIG)
		return sh_error_set(err, rc, "the protocol could not be evaluated");
	if (need > cap)
		cap = need;
	cf->steps = arena_alloc(a, (cap + witness_item_count(cf) + 1) * sizeof(*cf->steps));
	if (!cf->steps)
		return no_mem(err);
	if ((rc = protocol_evaluate(cf->protocol, &f, ctx->now, cf->steps, cap, &need)))
		return sh_error_set(err, rc, "the protocol could not be evaluated");
	cf->nsteps = need;
	if (facts_changed_after(cf, INT64_MIN)) {
		scratch = arena_alloc(a, (cap + 1) * sizeof(*scratch));
		struct missing_episode *m = arena_alloc(a, (cf->nevents + 1) * sizeof(*m));
		if (!scratch || !m)
			return no_mem(err);
		f.missing = m;
		if ((rc = freeze_settled(cf, ctx, &f, scratch, cap)))
			return sh_error_set(err, rc, "the protocol could not be evaluated");
	}
	/* a closed case owes nothing more: a step not yet due when the case closed no longer
	 * applies; one already late stays late (docs/report.md). The witness items go on:
	 * a prosecution outlives the case. */
	for (size_t i = 0; cf->c.closed_at && i < cf->nsteps; i++) {
		struct step_status *s = &cf->steps[i];
		if (s->state == STEP_PENDING && (!s->due_at || s->due_at > cf->c.closed_at)) {
			s->state = STEP_NOT_APPLICABLE;
			s->overdue = false;
			s->time_left = 0;
		}
	}
	cf->nprotocol_steps = cf->nsteps;
	witness_items(cf, ctx, a);
	return SH_OK;
}

/* ---- the protocol's steps kept as text: one line per instance, tab-separated: key,
 * episode, owner, also owner ("-": none), state, opened, due, not before, done, the
 * settling entry ---- */

/* field then the separator (printf's formatting was most of the cost of keeping steps) */
static void add_int(struct buf *out, int64_t v, char sep)
{
	char d[24];
	int n = sizeof(d);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	d[--n] = sep;
	do {
		d[--n] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		d[--n] = '-';
	buf_add(out, d + n, sizeof(d) - (size_t)n);
}

static void add_str(struct buf *out, const char *s)
{
	buf_adds(out, s ? s : "-");
	buf_addch(out, '\t');
}

void casefile_steps_encode(const struct casefile *cf, struct buf *out)
{
	for (size_t i = 0; i < cf->nprotocol_steps; i++) {
		const struct step_status *s = &cf->steps[i];
		add_str(out, s->key);
		add_int(out, s->episode, '\t');
		add_str(out, s->owner);
		add_str(out, s->also_owner);
		add_int(out, (int)s->state, '\t');
		add_int(out, s->opened_at, '\t');
		add_int(out, s->due_at, '\t');
		add_int(out, s->not_before, '\t');
		add_int(out, s->done_at, '\t');
		add_int(out, s->settled_by, '\n');
	}
}

/* The next tab- or newline-ended field of *p (NUL-terminated in place), or NULL. */
static char *field(char **p)
{
	char *start = *p, *end = start;

	while (*end && *end != '\t' && *end != '\n')
		end++;
	if (!*end)
		return NULL;
	*end = '\0';
	*p = end + 1;
	return start;
}

/* A decimal integer field, read as it is scanned (strtoll's locale handling, then a
 * separate scan for the field's end, were most of a kept case's parsing). */
static bool int_field(char **p, int64_t *out)
{
	char *f = *p;
	bool neg = *f == '-';
	uint64_t v = 0;

	f += neg;
	if (*f < '0' || *f > '9')
		return false;
	for (; *f >= '0' && *f <= '9'; f++) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*f - '0');
	}
	if ((*f != '\t' && *f != '\n') || v > (uint64_t)INT64_MAX + neg)
		return false;
	*p = f + 1;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

/* An agency kind: NULL for "-"; the text is the caller's arena copy, NUL-terminated in
 * place, so it is not copied again */
static const char *kind_field(char **p, bool *ok)
{
	char *f = field(p);

	if (!f || !*f)
		*ok = false;
	return !f || !strcmp(f, "-") ? NULL : f;
}

enum sh_code casefile_derive_stored(struct casefile *cf, const struct casefile_context *ctx,
				    const char *stored, struct arena *a, struct sh_error *err)
{
	char *text = arena_strdup(a, stored ? stored : ""), *p = text;
	size_t lines = 0, cap, at = 0;

	if (!cf->protocol)
		return sh_error_set(err, SH_EINTERNAL, "the case's protocol version is not loaded");
	if (!text)
		return no_mem(err);
	for (const char *q = text; (q = strchr(q, '\n')); q++)
		lines++;
	cf->derived_at = ctx->now;
	witness_protocol(cf, ctx);
	state_as_of(cf, ctx, INT64_MAX, &cf->state);
	cf->missing = arena_alloc(a, (cf->nevents + 1) * sizeof(*cf->missing));
	cap = lines + witness_item_count(cf) + 1;
	cf->steps = arena_alloc(a, cap * sizeof(*cf->steps));
	if (!cf->missing || !cf->steps)
		return no_mem(err);
	cf->nmissing = missing_as_of(cf, INT64_MAX, cf->missing);
	cf->nsteps = 0;
	while (*p) {
		struct step_status *s = &cf->steps[cf->nsteps];
		int64_t v[8];
		char *key = field(&p);
		bool ok = key != NULL;

		memset(s, 0, sizeof(*s));
		if (ok && (at = protocol_step_index(cf->protocol, key, at)) != SIZE_MAX)
			s->key = protocol_step_key(cf->protocol, at);
		ok = ok && s->key && int_field(&p, &v[0]);
		if (ok) {
			s->owner = kind_field(&p, &ok);
			s->also_owner = kind_field(&p, &ok);
		}
		for (int k = 1; ok && k < 7; k++)
			ok = int_field(&p, &v[k]);
		if (!ok || v[0] < 0 || v[0] > INT_MAX || v[1] < STEP_PENDING ||
		    v[1] > STEP_NOT_APPLICABLE)
			return sh_error_set(err, SH_EINTERNAL, "the stored steps do not parse");
		s->title = protocol_step_title_at(cf->protocol, at);
		s->episode = (int)v[0];
		s->state = (enum step_state)v[1];
		s->opened_at = v[2];
		s->due_at = v[3];
		s->not_before = v[4];
		s->done_at = v[5];
		s->settled_by = v[6];
		/* as the engine sets them for a pending step whose clock runs */
		if (s->state == STEP_PENDING && s->opened_at) {
			s->overdue = ctx->now > s->due_at;
			if (__builtin_sub_overflow(s->due_at, ctx->now, &s->time_left))
				s->time_left = s->due_at > 0 ? INT64_MAX : INT64_MIN;
		}
		cf->nsteps++;
	}
	cf->nprotocol_steps = cf->nsteps;
	witness_items(cf, ctx, a);
	return SH_OK;
}

const struct step_status *casefile_step(const struct casefile *cf, const char *key, int episode)
{
	for (size_t i = 0; i < cf->nsteps; i++)
		if (!strcmp(cf->steps[i].key, key) && cf->steps[i].episode == episode)
			return &cf->steps[i];
	return NULL;
}

bool casefile_missing_now(const struct casefile *cf)
{
	return cf->nmissing && cf->missing[cf->nmissing - 1].end == 0;
}

const char *casefile_lead_kind(const struct casefile *cf)
{
	/* as the LA protocol file assigns placement and the MDT meeting: "both" stays with
	 * child welfare (WIC 241.1 joint assessment) [U: county choice] */
	return cf->state.status == YOUTH_PROBATION ? "probation" : "child_welfare";
}

/* ---- who may read what ---- */

bool casefile_sees_identity(const struct principal *who, const struct casefile *cf)
{
	return access_sees_identity(who, cf->state.name_confidential);
}

static bool disclosed_to(const struct casefile *cf, const struct event_rec *note, int64_t agency)
{
	for (size_t i = 0; i < cf->ndisclosures; i++)
		if (cf->disclosures[i].note_id == note->id &&
		    cf->disclosures[i].agency_id == agency)
			return true;
	return false;
}

bool casefile_event_readable(const struct principal *who, const struct casefile *cf,
			     const struct event_rec *e)
{
	int s = access_section_parse(e->section);

	if (s < 0)
		return false;
	/* a refused arrest (SB 1322) is for the recording agency's supervisors and oversight */
	if (!strcmp(e->type, "refused_arrest"))
		return (who->role == ROLE_SUPERVISOR && who->agency_id == e->agency_id) ||
		       (who->kind == AK_OVERSIGHT && access_can_read(who, SEC_CORE));
	if (access_can_read(who, (enum section)s))
		return true;
	/* a privileged note reaches another agency only through a recorded disclosure */
	return s == SEC_ADVOCACY && !strcmp(e->type, "advocate_note") &&
	       disclosed_to(cf, e, who->agency_id);
}
