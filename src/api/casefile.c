#include "lib/common.h"
#include "api/app.h"
#include "api/casefile.h"
#include "api/identity.h"
#include "lib/jsonh.h"
#include "lib/jsonw.h"
#include "lib/shcrypto.h"
#include "lib/timefmt.h"
#include "core/guardrail.h"
#include "core/witness.h"


static enum sh_code no_mem(struct sh_error *err)
{
	return sh_error_set(err, SH_ENOMEM, "out of memory");
}

enum sh_code casefile_load(struct api_request *req, struct store_conn *c, const char *id,
			   struct casefile *cf, struct sh_error *err)
{
	const struct principal *who = req->who;
	enum sh_code rc;

	memset(cf, 0, sizeof(*cf));
	if ((rc = store_case_get(c, id, req->arena, &cf->c, err)) ||
	    (rc = store_case_agencies(c, id, req->arena, &cf->agencies, &cf->nagencies, err)) ||
	    (rc = store_events_list(c, id, req->arena, &cf->events, &cf->nevents, err)))
		return rc;
	cf->proto = registry_by_id(&req->app->registry, cf->c.protocol_id);
	if ((rc = store_case_siblings(c, &cf->c, req->arena, &cf->siblings, &cf->nsiblings, err)))
		return rc;
	if ((rc = store_witnesses_list(c, id, 0, req->arena, &cf->witnesses, &cf->nwitnesses, err)))
		return rc;
	cf->hearings = arena_alloc(req->arena, (cf->nwitnesses + 1) * sizeof(*cf->hearings));
	cf->nhearings = arena_alloc(req->arena, (cf->nwitnesses + 1) * sizeof(*cf->nhearings));
	if (!cf->hearings || !cf->nhearings)
		return no_mem(err);
	for (size_t i = 0; i < cf->nwitnesses; i++)
		if ((rc = store_hearings_list(c, cf->witnesses[i].prosecution_id, req->arena,
					      &cf->hearings[i], &cf->nhearings[i], err)))
			return rc;
	cf->sibling_visible = arena_alloc(req->arena, (cf->nsiblings + 1) * sizeof(bool));
	for (size_t i = 0; who && i < cf->nsiblings; i++) {
		struct case_agency_rec *ags;
		size_t nags;
		if ((rc = store_case_agencies(c, cf->siblings[i].id, req->arena, &ags, &nags, err)))
			return rc;
		for (size_t k = 0; k < nags; k++)
			if (ags[k].agency_id == who->agency_id)
				cf->sibling_visible[i] = access_case_visible(who, ags[k].left_at == 0, true);
	}
	cf->name_confidential = cf->c.name_confidential;
	for (size_t i = 0; i < cf->nagencies; i++) {
		const struct case_agency_rec *a = &cf->agencies[i];
		if (who && a->agency_id == who->agency_id) {
			cf->participated = true;
			cf->participating = a->left_at == 0;
		}
		if (a->agency_id == cf->c.identified_by_agency)
			cf->identified_by_kind = a->kind;
	}
	for (size_t i = 0; i < cf->nevents; i++) {
		const struct event_rec *e = &cf->events[i];
		if (!strcmp(e->type, "name_confidentiality") && !casefile_amended(cf, e)) {
			json_t *d = json_loads(e->data, 0, NULL);
			cf->name_confidential = jsonh_bool(d, "confidential", cf->name_confidential);
			json_decref(d);
		}
	}
	return SH_OK;
}

enum sh_code casefile_open(struct api_request *req, struct store_conn *c, const char *id,
			   struct casefile *cf, struct sh_error *err)
{
	enum sh_code rc = casefile_load(req, c, id, cf, err);

	if (rc == SH_ENOTFOUND || (!rc && !access_case_visible(req->who, cf->participating,
								cf->participated))) {
		sh_error_init(err);
		/* the same answer whether it does not exist or is not for this caller */
		return sh_error_set(err, SH_ENOTFOUND, "no such case");
	}
	return rc;
}

bool casefile_amended(const struct casefile *cf, const struct event_rec *e)
{
	for (size_t i = 0; i < cf->nevents; i++)
		if (cf->events[i].amends == e->id)
			return true;
	return false;
}

const struct event_rec *casefile_event(const struct casefile *cf, int64_t id)
{
	for (size_t i = 0; i < cf->nevents; i++)
		if (cf->events[i].id == id)
			return &cf->events[i];
	return NULL;
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

static void witness_item(struct casefile *cf, const char *key, const char *title,
			 const char *owner, const char *also, int episode, int64_t opened,
			 int64_t due, const struct event_rec *done, bool applies, int64_t now)
{
	struct step_status *s = &cf->steps[cf->nsteps++];

	memset(s, 0, sizeof(*s));
	s->key = key;
	s->title = title;
	s->owner = owner;
	s->also_owner = also;
	s->episode = episode;
	s->opened_at = opened < due ? opened : due;
	s->due_at = due;
	s->state = !applies ? STEP_NOT_APPLICABLE : done ? STEP_DONE : STEP_PENDING;
	s->done_at = done ? done->at : 0;
	if (s->state == STEP_PENDING) {
		s->time_left = due - now;
		s->overdue = now > due;
	}
}

/*
 * The items each minor witness brings (motion item 3): an advocate from the moment
 * the youth is listed (overdue for the prosecutor and the advocacy agency until one
 * is assigned), the prosecutor's written CCTV notice before each hearing (when a
 * rule makes the witness eligible), and a safety-plan review before each hearing.
 */
static void witness_items(struct api_request *req, struct casefile *cf, int64_t now)
{
	const struct app *app = req->app;
	struct sh_date birth;
	bool have_birth;

	if (!cf->nwitnesses)
		return; /* most cases: no need to open the sealed identity for a birth date */
	have_birth = casefile_birth_date(req, cf, &birth);
	for (size_t i = 0; i < cf->nwitnesses; i++) {
		const struct witness_rec *w = &cf->witnesses[i];
		int wid = (int)w->id;

		witness_item(cf, "witness_advocate", "An advocate is assigned to the minor witness",
			     "advocacy", "prosecutor", wid, w->listed_at, w->listed_at,
			     casefile_find(cf, "witness_advocate", "witness_id", w->id, NULL, 0), true,
			     now);
		for (size_t h = 0; h < cf->nhearings[i]; h++) {
			const struct hearing_rec *hr = &cf->hearings[i][h];
			struct sh_date hd = tz_date(app->tz, hr->at);
			/* by the end of the county's local day, N calendar days before the hearing */
			int64_t notice = tz_day_end(app->tz, witness_notice_due(app->witness_rules, hd));
			bool eligible = false;

			if (have_birth && app->witness_rules) {
				struct witness_result res[8];
				size_t n = 0;
				json_t *ch = json_loads(w->charges, 0, NULL);
				const char *charges[32];
				size_t nc = 0, k;
				json_t *v;
				json_array_foreach(ch, k, v)
					if (nc < 32 && json_is_string(v))
						charges[nc++] = json_string_value(v);
				if (!witness_evaluate(app->witness_rules, birth, hd, charges, nc, res,
						      ARRAY_SIZE(res), &n))
					for (size_t r = 0; r < n; r++)
						eligible |= res[r].eligible;
				json_decref(ch);
			}
			witness_item(cf, "witness_notice",
				     "Written notice of the closed-circuit testimony motion", "prosecutor",
				     NULL, (int)hr->id, w->listed_at, notice,
				     casefile_find(cf, "notice_served", "witness_id", w->id, "hearing_id",
						   hr->id),
				     eligible, now);
			witness_item(cf, "safety_plan_review", "Safety plan reviewed before the hearing",
				     "advocacy", "prosecutor", (int)hr->id, w->listed_at,
				     hr->at - (int64_t)app->cfg.safety_review_days * 86400,
				     casefile_find(cf, "safety_plan_review", "witness_id", w->id,
						   "hearing_id", hr->id),
				     true, now);
		}
	}
}

enum sh_code casefile_evaluate(struct api_request *req, struct casefile *cf, int64_t now,
			       struct sh_error *err)
{
	struct step_event *se;
	struct case_facts f = { 0 };
	size_t nse = 0, need = 0, cap;
	int status;
	enum sh_code rc;

	if (!cf->proto)
		return sh_error_set(err, SH_EINTERNAL, "the case's protocol version is not loaded");
	se = arena_alloc(req->arena, (cf->nevents + 1) * sizeof(*se));
	cf->missing = arena_alloc(req->arena, (cf->nevents + 1) * sizeof(*cf->missing));
	if (!se || !cf->missing)
		return no_mem(err);
	cf->nmissing = 0;
	for (size_t i = 0; i < cf->nevents; i++) {
		const struct event_rec *e = &cf->events[i];
		json_t *d;

		if (casefile_amended(cf, e))
			continue;
		if (!strcmp(e->type, "missing_start")) {
			cf->missing[cf->nmissing].start = e->at;
			cf->missing[cf->nmissing].end = 0;
			cf->nmissing++;
		} else if (!strcmp(e->type, "missing_end") && cf->nmissing) {
			cf->missing[cf->nmissing - 1].end = e->at;
		} else if (!strcmp(e->type, "step_done") || !strcmp(e->type, "step_waived")) {
			d = json_loads(e->data, 0, NULL);
			se[nse].step = arena_strdup(req->arena, jsonh_str(d, "step") ? jsonh_str(d, "step") : "");
			se[nse].episode = (int)jsonh_int(d, "episode", 0);
			se[nse].waived = !strcmp(e->type, "step_waived");
			se[nse].at = e->at;
			nse++;
			json_decref(d);
		}
	}
	status = protocol_status_parse(cf->c.youth_status);
	f.identified_at = cf->c.identified_at;
	f.status = status < 0 ? YOUTH_UNKNOWN : (enum youth_status)status;
	f.age = cf->c.age;
	f.identified_by = cf->identified_by_kind;
	f.last_assault_at = cf->c.last_assault_at;
	f.missing = cf->missing;
	f.nmissing = cf->nmissing;
	f.events = se;
	f.nevents = nse;
	cap = protocol_nsteps(cf->proto->p) * (cf->nmissing + 2) + 8;
	for (size_t i = 0; i < cf->nwitnesses; i++)
		cap += 1 + 2 * cf->nhearings[i];
	cf->steps = arena_alloc(req->arena, cap * sizeof(*cf->steps));
	if (!cf->steps)
		return no_mem(err);
	rc = protocol_evaluate(cf->proto->p, &f, now, cf->steps, cap, &need);
	if (rc == SH_ETOOBIG) {
		cf->steps = arena_alloc(req->arena, need * sizeof(*cf->steps));
		if (!cf->steps)
			return no_mem(err);
		rc = protocol_evaluate(cf->proto->p, &f, now, cf->steps, need, &need);
	}
	if (rc)
		return sh_error_set(err, rc, "the protocol could not be evaluated");
	cf->nsteps = need;
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
	witness_items(req, cf, now);
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
	return strcmp(cf->c.youth_status, "probation") ? "child_welfare" : "probation";
}

/* The youth's identity, decrypted into a JSON object (NULL when it cannot be read). */
static json_t *identity(struct api_request *req, const struct casefile *cf)
{
	return identity_open(&req->app->keys, cf->c.identity, cf->c.identity_len);
}

bool casefile_birth_date(struct api_request *req, const struct casefile *cf, struct sh_date *out)
{
	if (!casefile_verified_birth(req, cf, out)) {
		/* from an estimate: the middle of the year of age at identification */
		*out = tz_date(req->app->tz, cf->c.identified_at -
						     (int64_t)cf->c.age * 365 * 86400 - 182 * 86400);
	}
	return true;
}

bool casefile_verified_birth(struct api_request *req, const struct casefile *cf,
			     struct sh_date *out)
{
	json_t *id = cf->c.age_estimated ? NULL : identity(req, cf);
	const char *b = id ? jsonh_str(id, "birth_date") : NULL;
	bool ok = b && !timefmt_parse_date(b, out);

	json_decref(id);
	return ok;
}

int casefile_age_at(struct api_request *req, const struct casefile *cf, int64_t t)
{
	struct sh_date birth;
	struct guardrail_youth y = { .identified_at = cf->c.identified_at,
				     .has_estimate = true, .estimate = cf->c.age };

	if (casefile_verified_birth(req, cf, &birth))
		return tz_age_at(req->app->tz, birth, t);
	/* an estimate ages with the calendar */
	return guardrail_age_at(req->app->tz, &y, t);
}

static bool disclosed_to(const struct casefile *cf, const struct event_rec *note, int64_t agency)
{
	for (size_t i = 0; i < cf->nevents; i++) {
		const struct event_rec *e = &cf->events[i];
		json_t *d;
		bool yes;

		if (strcmp(e->type, "disclosure") || casefile_amended(cf, e))
			continue;
		d = json_loads(e->data, 0, NULL);
		yes = jsonh_int(d, "event_id", 0) == note->id &&
		      jsonh_int(d, "to_agency_id", 0) == agency;
		json_decref(d);
		if (yes)
			return true;
	}
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

size_t casefile_sections_read(const struct principal *who, const struct casefile *cf,
			      const char **out, size_t max)
{
	bool seen[SEC_COUNT] = { false };
	size_t n = 0;

	for (size_t i = 0; i < cf->nevents; i++) {
		int s = access_section_parse(cf->events[i].section);
		if (s >= 0 && !seen[s] && casefile_event_readable(who, cf, &cf->events[i]))
			seen[s] = true;
	}
	for (int s = 0; s < SEC_COUNT && n < max; s++)
		if (seen[s])
			out[n++] = access_section_name((enum section)s);
	return n;
}

void casefile_write_steps(struct jsonw *w, const struct casefile *cf)
{
	jsonw_array(w);
	for (size_t i = 0; i < cf->nsteps; i++) {
		const struct step_status *s = &cf->steps[i];

		jsonw_object(w);
		jsonw_ktime(w, "done_at", s->done_at, true);
		jsonw_ktime(w, "due_at", s->due_at, true);
		jsonw_kint(w, "episode", s->episode);
		jsonw_kstr(w, "key", s->key);
		jsonw_ktime(w, "opened_at", s->opened_at, true);
		jsonw_kbool(w, "overdue", s->overdue);
		jsonw_kstr(w, "owner", s->owner);
		if (s->state == STEP_PENDING && s->due_at)
			jsonw_kint(w, "seconds_left", s->time_left);
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

static void write_steps_cb(struct jsonw *w, const void *cf, const void *unused)
{
	UNUSED(unused);
	casefile_write_steps(w, cf);
}

json_t *casefile_steps_json(const struct casefile *cf, int64_t now)
{
	UNUSED(now);
	return as_json(write_steps_cb, cf, NULL);
}

bool casefile_sees_identity(const struct principal *who, const struct casefile *cf)
{
	if (!access_can_read(who, SEC_CORE))
		return false;
	if (!cf->name_confidential)
		return true;
	switch (who->kind) {
	case AK_LAW_ENFORCEMENT:
	case AK_CHILD_WELFARE:
	case AK_PROBATION:
	case AK_ADVOCACY:
	case AK_MEDICAL:
	case AK_MENTAL_HEALTH:
		return true;
	default:
		return false;
	}
}

/* A deviation's review: the time of the last deviation_review naming it, or 0. */
static int64_t reviewed_at(const struct casefile *cf, int64_t event_id)
{
	int64_t reviewed = 0;

	for (size_t k = 0; k < cf->nevents; k++) {
		json_t *r;
		if (strcmp(cf->events[k].type, "deviation_review"))
			continue;
		r = json_loads(cf->events[k].data, 0, NULL);
		if (jsonh_int(r, "event_id", 0) == event_id)
			reviewed = cf->events[k].at;
		json_decref(r);
	}
	return reviewed;
}

static void write_deviations(struct jsonw *w, const struct casefile *cf)
{
	jsonw_array(w);
	for (size_t i = 0; i < cf->nevents; i++) {
		const struct event_rec *e = &cf->events[i];
		int64_t reviewed;
		json_t *d;
		bool deviation;

		/* event data is compact JSON we wrote: no "deviation" key, no need to parse it */
		if (!e->data || !strstr(e->data, "\"deviation\"") || casefile_amended(cf, e))
			continue;
		d = json_loads(e->data, 0, NULL);
		deviation = jsonh_bool(d, "deviation", false);
		json_decref(d);
		if (!deviation)
			continue;
		reviewed = reviewed_at(cf, e->id);
		jsonw_object(w);
		jsonw_kint(w, "agency_id", e->agency_id);
		jsonw_ktime(w, "at", e->at, false);
		jsonw_kint(w, "event_id", e->id);
		jsonw_kbool(w, "reviewed", reviewed != 0);
		jsonw_ktime(w, "reviewed_at", reviewed, true);
		jsonw_kstr(w, "type", e->type);
		jsonw_end(w);
	}
	jsonw_end(w);
}

static void write_youth(struct jsonw *w, struct api_request *req, const struct casefile *cf)
{
	json_t *id = casefile_sees_identity(req->who, cf) ? identity(req, cf) : NULL;

	/* keys in byte order; the sealed identity fields only for those who may see them */
	jsonw_object(w);
	jsonw_kint(w, "age", cf->c.age);
	jsonw_kbool(w, "age_estimated", cf->c.age_estimated);
	if (json_object_get(id, "aliases")) {
		jsonw_key(w, "aliases");
		jsonw_value(w, json_object_get(id, "aliases"));
	}
	if (json_object_get(id, "birth_date")) {
		jsonw_key(w, "birth_date");
		jsonw_value(w, json_object_get(id, "birth_date"));
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
	jsonw_kbool(w, "name_confidential", cf->name_confidential);
	jsonw_kstr(w, "race_ethnicity", cf->c.race_ethnicity);
	jsonw_end(w);
	json_decref(id);
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
		jsonw_end(w);
	}
	jsonw_end(w);
	jsonw_kstr(w, "area", cf->c.area);
	jsonw_kstr(w, "close_reason", cf->c.close_reason);
	jsonw_ktime(w, "closed_at", cf->c.closed_at, true);
	jsonw_key(w, "deviations");
	write_deviations(w, cf);
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
		jsonw_ktime(w, "last_assault_at", cf->c.last_assault_at, true);
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
		jsonw_kint(w, "recovery_number", cf->siblings[i].recovery_no);
		jsonw_end(w);
	}
	jsonw_end(w);
	jsonw_key(w, "protocol");
	jsonw_object(w);
	jsonw_kstr(w, "name", cf->proto ? cf->proto->name : "?");
	jsonw_kstr(w, "version", cf->proto ? cf->proto->version : "?");
	jsonw_end(w);
	jsonw_kbool(w, "re_recovery", cf->c.recovery_no > 1);
	jsonw_ktime(w, "recorded_at", cf->c.recorded_at, false);
	jsonw_kint(w, "recovery_number", cf->c.recovery_no);
	jsonw_key(w, "steps");
	casefile_write_steps(w, cf);
	jsonw_key(w, "youth");
	write_youth(w, req, cf);
	jsonw_kstr(w, "youth_status", cf->c.youth_status);
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
	int64_t amended_by = 0;

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
				      "kind", e->agency_kind ? json_string(e->agency_kind) : json_null()));
	json_object_set_new(o, "amends", e->amends ? json_integer(e->amends) : json_null());
	for (size_t i = 0; i < cf->nevents; i++)
		if (cf->events[i].amends == e->id)
			amended_by = cf->events[i].id;
	json_object_set_new(o, "amended_by", amended_by ? json_integer(amended_by) : json_null());
	if (e->sealed) {
		struct buf plain = BUF_INIT;
		struct sh_error err = SH_ERROR_INIT;
		json_t *text = NULL;
		if (!shcrypto_open(&req->app->keys, e->sealed, e->sealed_len,
				   sealed_context[SEALED_EVENT_TEXT],
				   &plain, &err))
			text = json_loadb(plain.data, plain.len, 0, NULL);
		buf_wipe(&plain);
		if (json_is_object(text))
			json_object_update(o, text);
		json_decref(text);
	}
	return o;
}

enum sh_code casefile_save_steps(struct store_conn *c, struct api_request *req,
				 const struct casefile *cf, struct sh_error *err)
{
	struct step_rec *rows = arena_alloc(req->arena, (cf->nsteps + 1) * sizeof(*rows));

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
	return store_steps_replace(c, cf->c.id, rows, cf->nsteps, err);
}
