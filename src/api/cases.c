/*
 * Cases: POST /api/v1/cases (identification: starts the protocol clock),
 * GET /api/v1/cases (what my agency takes part in / owes now),
 * GET /api/v1/cases/{id}, GET /api/v1/cases/{id}/audit (who viewed it).
 */
#include "lib/common.h"
#include <ctype.h>
#include <sodium.h>
#include "api/app.h"
#include "api/audit.h"
#include "api/casefile.h"
#include "api/handlers.h"
#include "api/identity.h"
#include "api/inflight.h"
#include "api/params.h"
#include "api/search.h"
#include "core/rules.h"
#include "lib/jsonh.h"
#include "lib/shcrypto.h"
#include "lib/timefmt.h"
#include "notify/summons.h"

#define AGE_MIN 0 /* young children are exploited too; the protocol decides by age */
#define AGE_MAX 25

static const char *const statuses[] = { "dependent", "probation", "both", "none", "unknown", NULL };

static const struct jsonh_field case_spec[] = {
	{ "identified_at", JT_TIME, JF_REQUIRED, 0, 0, NULL },
	{ "area", JT_STRING, JF_REQUIRED, 1, 64, NULL },
	{ "youth_status", JT_ENUM, JF_REQUIRED, 0, 0, statuses },
	{ "youth", JT_OBJECT, JF_REQUIRED, 0, 0, NULL },
	{ "last_assault_at", JT_TIME, 0, 0, 0, NULL },
	{ "indicators", JT_STRINGS, 0, 1, 60, NULL },
	{ "name_confidential", JT_BOOL, 0, 0, 0, NULL },
	/* the encounter (docs/api.md): where, the youth's language, the officer's number */
	{ "location", JT_TEXT, 0, 1, 300, NULL },
	{ "language", JT_STRING, 0, 1, 40, NULL },
	{ "interpreter", JT_BOOL, 0, 0, 0, NULL },
	{ "callback_number", JT_STRING, 0, 1, 40, NULL },
	{ NULL },
};

static const struct jsonh_field youth_spec[] = {
	{ "birth_date", JT_DATE, 0, 0, 0, NULL },
	{ "age_estimate", JT_INT, 0, AGE_MIN, AGE_MAX, NULL },
	{ "first_name", JT_STRING, 0, 1, 80, NULL },
	{ "last_name", JT_STRING, 0, 1, 80, NULL },
	{ "aliases", JT_STRINGS, 0, 1, 80, NULL },
	{ "gender", JT_STRING, 0, 1, 40, NULL },
	{ "race_ethnicity", JT_STRING, 0, 1, 60, NULL },
	{ "contact", JT_STRING, 0, 1, 200, NULL },
	{ NULL },
};

/* Everything the writer needs, computed before the write. */
struct create {
	struct api_request *req;
	const char *idem_key;
	char request_hash[65];
	struct case_rec rec;
	struct youth_rec youth;
	int64_t *agencies;
	const char **reasons;
	const char **kinds;
	size_t nagencies;
	const char *event_data;
	/* the identification's text to seal (where the youth was met, the officer's call-back
	 * number; empty when none): sealed in the writer under the key of the youth it finds,
	 * or of the new one (youth.youth_key) */
	const struct buf *event_text;
	struct buf event_sealed;
	/* the youth's search terms (api/search.h), for a youth not seen before */
	const char **search_terms;
	size_t nsearch;
	/* the new case's steps, derived before the write (its timeline holds only the
	 * identification), so the writer only inserts them */
	struct casefile cf;
	/* its summonses and their messages, looked up before the write too (notify/summons.h) */
	struct summons_plan summons;
	/* results */
	bool replay;
	char *existing_id;
	bool key_conflict;
};

/* A case id: "SH-", then the minute it was made since 2020 (5 Crockford base32
 * characters, good until 2083), then 40 random bits (8 characters). New cases sort after
 * older ones, so every index keyed by case id grows at its end instead of taking a new
 * random page per identification (fewer pages written per commit). */
static void new_case_id(char out[17], int64_t now)
{
	static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; /* Crockford base32 */
	int64_t minute = (now - 1577836800) / 60;
	unsigned char r[8];

	randombytes_buf(r, sizeof(r));
	memcpy(out, "SH-", 3);
	for (int i = 0; i < 5; i++)
		out[3 + i] = alphabet[(minute >> (5 * (4 - i))) & 31];
	for (int i = 0; i < 8; i++)
		out[8 + i] = alphabet[r[i] & 31];
	out[16] = '\0';
}

static enum sh_code do_create(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct create *cr = arg;
	struct api_request *req = cr->req;
	struct event_rec ev = { 0 };
	char *hash = NULL, *existing = NULL;
	const unsigned char *wrapped = cr->youth.youth_key;
	size_t wrapped_len = cr->youth.youth_key_len;
	int64_t youth_id = 0, event_id;
	int recoveries = 0;
	enum sh_code rc;

	if ((rc = store_idem_get(c, req->who->user_id, cr->idem_key, req->arena, &hash, &existing,
				 &event_id, err)))
		return rc;
	if (existing) {
		if (event_id || strcmp(hash, cr->request_hash)) {
			cr->key_conflict = true;
			return sh_error_set(
				err, SH_EINVAL,
				"this Idempotency-Key was already used with a different "
				"request body; use a new key for a new identification");
		}
		cr->replay = true;
		cr->existing_id = existing;
		/* the answer shows the case again: that is a read, and it is recorded */
		return audit_record(c, req->who, cr->rec.recorded_at, "case.create", existing,
				    "core", "replayed", NULL, err);
	}
	if (cr->youth.blind_index &&
	    (rc = store_youth_find(c, cr->youth.blind_index, &youth_id, err)))
		return rc;
	if (youth_id) {
		if ((rc = store_youth_recoveries(c, youth_id, &recoveries, err)) ||
		    (rc = store_youth_key_get(c, youth_id, req->arena, &wrapped, &wrapped_len,
					      err)))
			return rc;
	} else {
		if ((rc = store_youth_insert(c, &cr->youth, err)) ||
		    (rc = store_youth_search_set(c, cr->youth.id, search_key_id(&req->app->keys),
						 cr->search_terms, cr->nsearch, err)))
			return rc;
		youth_id = cr->youth.id;
	}
	/* the identification's text under the key of the youth found, or made */
	buf_release(&cr->event_sealed);
	if (cr->event_text->len &&
	    (rc = youth_seal_wrapped(&req->app->keys, wrapped, wrapped_len, SEALED_EVENT_TEXT,
				     cr->event_text->data, cr->event_text->len, &cr->event_sealed,
				     err)))
		return rc;
	cr->rec.youth_id = youth_id;
	cr->rec.recovery_no = recoveries + 1;
	if ((rc = store_case_insert(c, &cr->rec, err)))
		return rc;
	for (size_t i = 0; i < cr->nagencies; i++)
		if ((rc = store_case_agency_add(c, cr->rec.id, cr->agencies[i], cr->reasons[i],
						cr->rec.recorded_at, err)))
			return rc;
	ev.case_id = cr->rec.id;
	ev.type = "identification";
	ev.section = "core";
	ev.at = cr->rec.identified_at;
	ev.recorded_at = cr->rec.recorded_at;
	ev.user_id = req->who->user_id;
	ev.agency_id = req->who->agency_id;
	ev.data = cr->event_data;
	if (cr->event_sealed.len) {
		ev.sealed = (const unsigned char *)cr->event_sealed.data;
		ev.sealed_len = cr->event_sealed.len;
	}
	if ((rc = store_event_insert(c, &ev, err)))
		return rc;
	/* the steps were derived before the write from the identification alone, on which no
	 * step depends; kept with the timeline as it now is (the identification) */
	cr->cf.events = &ev;
	cr->cf.nevents = 1;
	rc = casefile_save_steps(c, req, &cr->cf, err);
	cr->cf.events = NULL;
	cr->cf.nevents = 0;
	if (rc)
		return rc;
	/* the on-call people of every agency taking part are summoned in this transaction */
	if ((rc = summons_write(c, &cr->summons, err)))
		return rc;
	if ((rc = store_idem_put(c, req->who->user_id, cr->idem_key, cr->request_hash, cr->rec.id,
				 0, cr->rec.recorded_at, err)))
		return rc;
	return audit_record(c, req->who, cr->rec.recorded_at, "case.create", cr->rec.id, "core",
			    "ok", recoveries ? "re-recovery" : NULL, err);
}

/* The agencies that take part: the identifying agency, then the owners of applicable steps. */
static enum sh_code route(struct api_request *req, struct create *cr, const struct protocol *p,
			  enum youth_status status, int age, int64_t last_assault,
			  struct sh_error *err)
{
	struct agency_rec *list;
	struct rules_agency *ra;
	struct step_status *steps;
	struct case_facts f = { 0 };
	size_t n, nsteps = 0, cap = protocol_nsteps(p) + 8;
	enum sh_code rc;

	if ((rc = store_agencies(req->app->store, req->arena, &list, &n, err)))
		return rc;
	ra = arena_alloc(req->arena, (n + 1) * sizeof(*ra));
	steps = arena_alloc(req->arena, cap * sizeof(*steps));
	cr->agencies = arena_alloc(req->arena, (cap + 2) * sizeof(int64_t));
	cr->reasons = arena_alloc(req->arena, (cap + 2) * sizeof(char *));
	cr->kinds = arena_alloc(req->arena, (cap + 2) * sizeof(char *));
	if (!ra || !steps || !cr->agencies || !cr->reasons || !cr->kinds)
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		ra[i].id = list[i].id;
		ra[i].kind = list[i].kind;
		ra[i].areas = list[i].areas;
		ra[i].disabled = list[i].disabled;
	}
	f.identified_at = cr->rec.identified_at;
	f.status = status;
	f.age = age;
	f.identified_by = access_kind_name(req->who->kind);
	f.last_assault_at = last_assault;
	if ((rc = protocol_evaluate(p, &f, cr->rec.identified_at, steps, cap, &nsteps)))
		return sh_error_set(err, rc, "the protocol could not be evaluated");
	cr->agencies[0] = req->who->agency_id;
	cr->reasons[0] = "identified";
	cr->kinds[0] = access_kind_name(req->who->kind);
	cr->nagencies = 1;
	for (size_t i = 0; i < nsteps; i++) {
		int64_t id;
		bool have = false;
		if (steps[i].state == STEP_NOT_APPLICABLE || !steps[i].owner ||
		    !strcmp(steps[i].owner, access_kind_name(req->who->kind)))
			continue;
		if (!rules_route(ra, n, steps[i].owner, cr->rec.area, &id))
			continue; /* no agency of that kind: the step shows as owned by nobody here */
		for (size_t k = 0; k < cr->nagencies; k++)
			have |= cr->agencies[k] == id;
		if (!have) {
			cr->agencies[cr->nagencies] = id;
			cr->kinds[cr->nagencies] = steps[i].owner;
			cr->reasons[cr->nagencies++] = "routed";
		}
	}
	return SH_OK;
}

/* The new case as the protocol sees it at the time it is recorded: the record, the
 * agencies routed to it, and a timeline holding only the identification, on which no
 * step depends. Done before the write, so the writer thread only inserts the rows. */
static enum sh_code derive_steps(struct api_request *req, struct create *cr,
				 const struct registry_entry *proto, struct sh_error *err)
{
	struct casefile *cf = &cr->cf;

	cf->c = cr->rec;
	cf->protocol = proto->p;
	cf->identified_by_kind = cr->kinds[0];
	cf->agencies = arena_alloc(req->arena, cr->nagencies * sizeof(*cf->agencies));
	if (!cf->agencies)
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	for (size_t i = 0; i < cr->nagencies; i++) {
		cf->agencies[i] = (struct case_agency_rec){ .agency_id = cr->agencies[i],
							    .kind = cr->kinds[i],
							    .reason = cr->reasons[i],
							    .joined_at = cr->rec.recorded_at };
	}
	cf->nagencies = cr->nagencies;
	return casefile_evaluate(req, cf, cr->rec.recorded_at, err);
}

/* Who each agency's summons goes to and how (the shift in force when the case is
 * recorded), read before the write, so the writer thread only inserts the rows. */
static enum sh_code plan_summons(struct api_request *req, struct create *cr, struct sh_error *err)
{
	struct store_conn *c;
	enum sh_code rc;

	if ((rc = store_read_begin(req->app->store, &c, err)))
		return rc;
	rc = summons_plan(c, cr->rec.id, cr->rec.area, cr->rec.recorded_at, cr->cf.agencies,
			  cr->cf.nagencies, cr->cf.steps, cr->cf.nsteps, req->arena, &cr->summons,
			  err);
	store_read_end(c);
	return rc;
}

/* A phone number as people write one: "+1 (562) 555-0100 x12". */
static bool phone_number(const char *s)
{
	int digits = 0;

	for (; *s; s++) {
		if (isdigit((unsigned char)*s))
			digits++;
		else if (!strchr(" +-().x", *s))
			return false;
	}
	return digits >= 7 && digits <= 20;
}

static enum sh_code check_key(const char *key, struct sh_error *err)
{
	if (!key || !*key)
		return sh_error_set(err, SH_EBADREQ,
				    "the Idempotency-Key header is required: send a new random key "
				    "(e.g. a UUID) per identification and the same key on retries");
	return inflight_check_key(key, err);
}

static enum sh_code respond_case(struct api_request *req, struct api_response *res, const char *id,
				 int status, struct sh_error *err)
{
	struct store_conn *c;
	struct casefile cf;
	int64_t now = clock_now(&req->app->clock);
	enum sh_code rc;

	if ((rc = store_read_begin(req->app->store, &c, err)))
		return rc;
	/* through the gate: a replay comes later, when the agency may have left the case */
	rc = casefile_open(req, c, id, &cf, err);
	store_read_end(c);
	if (rc)
		return rc;
	return casefile_reply(req, res, status, &cf, now, err);
}

API_HANDLER(api_cases_create)
{
	struct app *app = req->app;
	struct create cr = { .req = req, .event_sealed = BUF_INIT };
	const struct registry_entry *proto;
	json_t *body = NULL, *youth, *ident = NULL, *v;
	const char *key = api_header(req, "Idempotency-Key"), *s;
	struct sh_date birth = { 0 };
	struct buf sealed = BUF_INIT, wrapped = BUF_INIT, event_text = BUF_INIT;
	struct youth_key ykey = { 0 };
	int64_t now = clock_now(&app->clock), t0 = 0, assault = 0;
	int age = 0;
	bool entered = false;
	char id[17], blind[65];
	enum sh_code rc;

	if ((rc = check_key(key, err)))
		return rc;
	if (!(body = api_body_object(req, err)))
		return err->code;
	youth = json_object_get(body, "youth");
	jsonh_check(body, case_spec, "", err);
	if (json_is_object(youth)) {
		jsonh_check(youth, youth_spec, "youth.", err);
		if (!json_object_get(youth, "birth_date") &&
		    !json_object_get(youth, "age_estimate"))
			sh_error_field(
				err, SH_EINVAL, "youth.birth_date",
				"give a birth date or, when it is not known, an age estimate");
		if (json_object_get(youth, "birth_date") && json_object_get(youth, "age_estimate"))
			sh_error_field(err, SH_EINVAL, "youth.age_estimate",
				       "give either a birth date or an age estimate, not both");
	}
	if (err->nfields) {
		rc = SH_EINVAL;
		goto out;
	}
	timefmt_parse_rfc3339(jsonh_str(body, "identified_at"), &t0);
	if (t0 > now + app->cfg.clock_skew_s)
		sh_error_field(
			err, SH_EINVAL, "identified_at",
			"this time is in the future: give when the youth was identified (now "
			"or earlier)");
	if (t0 < timefmt_days_from_civil(2000, 1, 1) * 86400)
		sh_error_field(err, SH_EINVAL, "identified_at",
			       "this date is before 2000: check the year");
	if ((s = jsonh_str(body, "last_assault_at"))) {
		timefmt_parse_rfc3339(s, &assault);
		timefmt_check_range(
			"last_assault_at", assault, t0 - CASEFILE_PAST_MAX_S,
			t0 + app->cfg.clock_skew_s,
			"the last assault cannot be after the identification: check its date and time",
			err);
	}
	if ((s = jsonh_str(body, "callback_number")) && !phone_number(s))
		sh_error_field(err, SH_EINVAL, "callback_number",
			       "a phone number: 7 to 20 digits, with spaces, +, -, ( ) or . if you "
			       "like, and x for an extension");
	for (s = jsonh_str(body, "area"); *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_' ||
		      *s == '-')) {
			sh_error_field(
				err, SH_EINVAL, "area",
				"choose one of the county's areas (an area code is lowercase "
				"letters, digits, '_' or '-')");
			break;
		}
	if ((s = jsonh_str(youth, "birth_date"))) {
		timefmt_parse_date(s, &birth);
		age = tz_age_at(app->county.tz, birth, t0);
		if (age < AGE_MIN || age > AGE_MAX)
			sh_error_field(
				err, SH_EINVAL, "youth.birth_date",
				"this birth date makes the youth %d at identification, and the "
				"protocol serves ages %d to %d: check the date",
				age, AGE_MIN, AGE_MAX);
	} else {
		age = (int)jsonh_int(youth, "age_estimate", 0);
	}
	if (err->nfields) {
		rc = SH_EINVAL;
		goto out;
	}
	if (!(proto = registry_for(&app->registry, jsonh_str(body, "area"), app->county.tz, t0))) {
		rc = sh_error_set(err, SH_EINTERNAL, "no protocol is loaded");
		goto out;
	}
	if (!inflight_enter(app->inflight, req->who->user_id, key)) {
		rc = sh_error_set(err, SH_ECONFLICT,
				  "a request with this Idempotency-Key is still being processed; "
				  "retry in a moment");
		goto out;
	}
	entered = true;

	/* the identity, sealed; the blind index links recoveries of the same youth */
	ident = json_object();
	for (const char **k = (const char *[]){ "first_name", "last_name", "aliases", "birth_date",
						"contact", NULL };
	     *k; k++)
		if ((v = json_object_get(youth, *k)))
			json_object_set(ident, *k, v);
	cr.event_text = &event_text;
	/* a new youth's own data key: if the writer finds the youth already known, it is
	 * dropped with the identity sealed under it */
	if ((rc = shcrypto_youth_key_new(&app->keys, ykey.key, &wrapped)))
		goto out;
	ykey.present = true;
	cr.youth.youth_key = (const unsigned char *)wrapped.data;
	cr.youth.youth_key_len = wrapped.len;
	if ((rc = identity_seal(&ykey, ident, &sealed)) ||
	    (rc = search_identity_terms(&app->keys, ident, req->arena, &cr.search_terms,
					&cr.nsearch, err)))
		goto out;
	if (identity_blind_index(&app->keys, ident, blind))
		cr.youth.blind_index = blind;
	/* where the youth was met and the officer's number: sealed in the identification */
	{
		json_t *text = json_object();
		for (const char **k = (const char *[]){ "location", "callback_number", NULL }; *k;
		     k++)
			if ((v = json_object_get(body, *k)))
				json_object_set(text, *k, v);
		if (json_object_size(text))
			rc = jsonh_dump(text, &event_text);
		json_decref(text);
		if (rc)
			goto out;
	}
	cr.youth.identity = (const unsigned char *)sealed.data;
	cr.youth.identity_len = sealed.len;
	cr.youth.created_at = now;

	new_case_id(id, now);
	cr.idem_key = key;
	shcrypto_hash_hex(req->body, req->body_len, cr.request_hash);
	cr.rec.id = id;
	cr.rec.identified_at = t0;
	cr.rec.recorded_at = now;
	cr.rec.area = jsonh_str(body, "area");
	cr.rec.youth_status = jsonh_str(body, "youth_status");
	cr.rec.identified_by_agency = req->who->agency_id;
	cr.rec.identified_by_user = req->who->user_id;
	cr.rec.protocol_id = proto->id;
	cr.rec.age = age;
	cr.rec.age_estimated = !jsonh_str(youth, "birth_date");
	cr.rec.gender = jsonh_str(youth, "gender");
	cr.rec.race_ethnicity = jsonh_str(youth, "race_ethnicity");
	cr.rec.last_assault_at = assault;
	cr.rec.name_confidential = jsonh_bool(body, "name_confidential", false);
	{
		struct buf ind = BUF_INIT, ev = BUF_INIT;
		json_t *arr = json_object_get(body, "indicators");
		json_t *d = json_pack("{s:s, s:s}", "area", cr.rec.area, "youth_status",
				      cr.rec.youth_status);
		if (jsonh_str(body, "language"))
			json_object_set(d, "language", json_object_get(body, "language"));
		if (json_object_get(body, "interpreter"))
			json_object_set(d, "interpreter", json_object_get(body, "interpreter"));
		if (arr)
			jsonh_dump(arr, &ind);
		else
			buf_adds(&ind, "[]");
		jsonh_dump(d, &ev);
		json_decref(d);
		cr.rec.indicators = arena_strdup(req->arena, ind.data);
		cr.event_data = arena_strdup(req->arena, ev.data);
		buf_release(&ind);
		buf_release(&ev);
	}
	if ((rc = route(req, &cr, proto->p,
			(enum youth_status)protocol_status_parse(cr.rec.youth_status), age, assault,
			err)) ||
	    (rc = derive_steps(req, &cr, proto, err)) || (rc = plan_summons(req, &cr, err)))
		goto out;
	if ((rc = store_write(app->store, do_create, &cr, err)))
		goto out;
	rc = respond_case(req, res, cr.replay ? cr.existing_id : id, cr.replay ? 200 : 201, err);
out:
	if (entered)
		inflight_leave(app->inflight, req->who->user_id, key);
	buf_release(&sealed);
	buf_release(&wrapped);
	buf_wipe(&event_text);
	buf_release(&cr.event_sealed);
	youth_key_wipe(&ykey);
	json_decref(ident);
	json_decref(body);
	return rc;
}

API_HANDLER(api_case_get)
{
	struct store_conn *c;
	struct casefile cf;
	struct audit_batch b = {
		.who = req->who, .action = "case.read", .outcome = "ok", .section = "core"
	};
	const char *id = req->params[0];
	enum sh_code rc;

	if ((rc = params_read_action(req, "case", &b.action, err)) ||
	    (rc = store_read_begin(req->app->store, &c, err)))
		return rc;
	rc = casefile_open_view(req, c, id, &cf, err);
	store_read_end(c);
	if (rc)
		return rc;
	/* the case as loading derived it (once): the read is recorded, and answered, at that
	 * time */
	b.now = cf.derived_at;
	b.case_ids = &id;
	b.ncases = 1;
	/* the audit row is durable before the answer leaves */
	if ((rc = audit_defer(req, &b, err)))
		return rc;
	return casefile_reply(req, res, 200, &cf, cf.derived_at, err);
}

/* The titles of the pending steps this agency owns on one case, for "what we owe now". */
static json_t *owed_steps(struct api_request *req, struct store_conn *c, const char *case_id,
			  int64_t protocol_id, int64_t now, struct sh_error *err)
{
	struct step_rec *steps;
	size_t n;
	json_t *arr = json_array();
	const char *mine = access_kind_name(req->who->kind);

	if (store_steps_list(c, case_id, req->arena, &steps, &n, err))
		return arr;
	for (size_t i = 0; i < n; i++) {
		json_t *o;
		if (strcmp(steps[i].state, "pending") ||
		    ((!steps[i].owner || strcmp(steps[i].owner, mine)) &&
		     (!steps[i].also_owner || strcmp(steps[i].also_owner, mine))))
			continue;
		o = json_pack("{s:s, s:s, s:i, s:b}", "key", steps[i].step, "title",
			      registry_step_title(&req->app->registry, protocol_id, steps[i].step),
			      "episode", steps[i].episode, "overdue",
			      steps[i].due_at && now > steps[i].due_at);
		jsonh_set_time(o, "due_at", steps[i].due_at, true);
		jsonh_set_time(o, "opened_at", steps[i].opened_at, true);
		json_array_append_new(arr, o);
	}
	return arr;
}

/* The list filters: ?area=, ?step= (a step the agency owes), ?worker=me|none|USER_ID. */
static enum sh_code list_filters(struct api_request *req, struct case_query *q,
				 struct sh_error *err)
{
	const char *area = api_query(req, "area"), *step = api_query(req, "step");
	const char *worker = api_query(req, "worker");

	if (area && *area) {
		for (const char *p = area; *p; p++)
			if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) ||
			      *p == '_' || *p == '-') ||
			    p - area >= 64)
				return sh_error_field(err, SH_EINVAL, "area",
						      "is an area code: lowercase letters, digits, "
						      "'_' or '-'");
		q->area = area;
	}
	if (step && *step) {
		for (const char *p = step; *p; p++)
			if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) ||
			      *p == '_') ||
			    p - step >= 64)
				return sh_error_field(
					err, SH_EINVAL, "step",
					"is a step's key: lowercase letters, digits and "
					"'_'");
		q->step = step;
	}
	if (worker && *worker) {
		char *end;
		long long id;
		if (!strcmp(worker, "me")) {
			q->worker = req->who->user_id;
		} else if (!strcmp(worker, "none")) {
			q->worker = -1;
		} else if ((id = strtoll(worker, &end, 10)) > 0 && !*end) {
			q->worker = id;
		} else {
			return sh_error_field(err, SH_EINVAL, "worker",
					      "is me, none, or the id of a person of your agency");
		}
	}
	return SH_OK;
}

API_HANDLER(api_cases_list)
{
	struct app *app = req->app;
	struct case_query q = { 0 };
	struct store_conn *c;
	struct owed_rec *rows;
	size_t n;
	json_t *items = json_array(), *out;
	const char **ids;
	const char *cursor = api_query(req, "cursor"), *limit = api_query(req, "limit");
	int64_t now = clock_now(&app->clock);
	struct audit_batch b = { .who = req->who,
				 .now = now,
				 .action = "case.list",
				 .outcome = "ok",
				 .section = "core" };
	enum sh_code rc;

	q.agency_id = req->who->agency_id;
	q.ever = req->who->role == ROLE_SUPERVISOR;
	q.owner = access_kind_name(req->who->kind);
	q.now = now;
	q.limit = 50;
	if ((rc = params_flag(req, "open", false, &q.open_only, err)) ||
	    (rc = params_flag(req, "overdue", false, &q.overdue_only, err)) ||
	    (rc = list_filters(req, &q, err))) {
		json_decref(items);
		return rc;
	}
	if (limit) {
		char *end;
		long l = strtol(limit, &end, 10);
		if (*end || l < 1 || l > 200) {
			json_decref(items);
			return sh_error_field(err, SH_EINVAL, "limit", "must be 1 to 200");
		}
		q.limit = (int)l;
	}
	if (cursor) {
		/* "<due>.<case id>" */
		char *end;
		q.after_due = strtoll(cursor, &end, 10);
		if (*end != '.' || !end[1]) {
			json_decref(items);
			return sh_error_field(err, SH_EINVAL, "cursor",
					      "is not a cursor from a previous page");
		}
		q.after_id = end + 1;
	}
	if ((rc = store_read_begin(app->store, &c, err))) {
		json_decref(items);
		return rc;
	}
	rc = store_case_query(c, &q, req->arena, &rows, &n, err);
	ids = arena_alloc(req->arena, (n + 1) * sizeof(*ids));
	for (size_t i = 0; !rc && i < n; i++) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:i, s:b}", "id", rows[i].case_id, "area",
				      rows[i].area, "youth_status", rows[i].youth_status, "age",
				      rows[i].age, "open", rows[i].closed_at == 0);
		json_t *youth = search_list_youth(req, &rows[i]);
		jsonh_set_time(o, "identified_at", rows[i].identified_at, false);
		jsonh_set_time(o, "next_due_at", rows[i].due_at, true);
		if (youth)
			json_object_set_new(o, "youth", youth);
		json_object_set_new(o, "worker",
				    rows[i].worker_id ? json_pack("{s:I, s:s?}", "id",
								  (json_int_t)rows[i].worker_id,
								  "name", rows[i].worker_name)
						      : json_null());
		json_object_set_new(
			o, "owed",
			owed_steps(req, c, rows[i].case_id, rows[i].protocol_id, now, err));
		json_array_append_new(items, o);
		ids[i] = rows[i].case_id;
	}
	store_read_end(c);
	if (rc) {
		json_decref(items);
		return rc;
	}
	b.case_ids = ids;
	b.ncases = n;
	if (n && (rc = audit_defer(req, &b, err))) {
		json_decref(items);
		return rc;
	}
	out = json_pack("{s:o}", "items", items);
	if ((int)n == q.limit) {
		const struct owed_rec *last = &rows[n - 1];
		json_object_set_new(
			out, "next",
			json_string(arena_printf(req->arena, "%" PRId64 ".%s",
						 last->due_at ? last->due_at : INT64_MAX,
						 last->case_id)));
	} else {
		json_object_set_new(out, "next", json_null());
	}
	return api_reply_json_new(res, 200, out);
}
