/*
 * The timeline: POST/GET /api/v1/cases/{id}/events. Append-only: a correction is a
 * new event that amends an earlier one. Each event type has its section, fields
 * and rules (guardrails in core/rules.c); free text is sealed at rest and checked
 * for derogatory labels.
 */
#include "lib/common.h"
#include "lib/catalog.h"
#include "api/app.h"
#include "api/audit.h"
#include "api/casefile.h"
#include "api/handlers.h"
#include "api/identity.h"
#include "api/inflight.h"
#include "api/params.h"
#include "api/search.h"
#include "core/csec.h"
#include "core/guardrail.h"
#include "core/search.h"
#include "core/offences.h"
#include "core/phrase.h"
#include "core/rules.h"
#include "core/witness.h"
#include "lib/jsonh.h"
#include "lib/jsonw.h"
#include "lib/shcrypto.h"
#include "lib/timefmt.h"
#include "notify/summons.h"

struct ectx; /* one event being added */
typedef enum sh_code (*event_check)(struct ectx *x, struct sh_error *err);

struct event_kind {
	const char *type;
	int section; /* enum section; -1 when the body names it */
	const struct jsonh_field *spec;
	const char *const *text_fields; /* sealed at rest, checked for derogatory labels */
	event_check check;
};

struct ectx {
	struct api_request *req;
	const struct event_kind *kind;
	json_t *body;
	json_t *data; /* structured fields stored in the clear */
	json_t *text; /* free text, sealed */
	const char *section;
	int64_t at;
	int64_t amends;
	struct casefile cf;	 /* as loaded inside the write */
	struct store_conn *conn; /* the write connection, for checks that look things up */
	int64_t now;
	int64_t event_id;
	bool close, reopen;
	const char *refusal; /* an arrest refused by the guardrail: the answer's detail */
	const char *lang;    /* the caller's language (api_language), for the warnings */
	json_t *warnings;    /* cautions for the answer */
	int retry_after;     /* seconds, with a 429 */
	char search_term[SEARCH_HASH_LEN + 1]; /* a verified birth date, for the search index */
	int64_t worker; /* worker_assigned: the user named (-1: nobody any more) */
	/* Idempotency-Key (optional for events): the key, the hash of the case id and the
	 * body, and whether the key answered an earlier request (its event_id) */
	const char *idem_key;
	char request_hash[65];
	bool replay;
};

#define COMMON                                              \
	{ "type", JT_STRING, JF_REQUIRED, 1, 40, NULL },    \
		{ "at", JT_TIME, JF_REQUIRED, 0, 0, NULL }, \
	{                                                   \
		"amends", JT_INT, 0, 1, INT64_MAX, NULL     \
	}

static const char *const settings[] = { "home", "relative", "foster",	 "shelter", "group_home",
					"str",	"hospital", "detention", "other",   NULL };
static const char *const close_reasons[] = { "stable_services_ended", "aged_out",
					     "moved_out_of_county", "other", NULL };
static const char *const bases[] = { "victim_consent", "court_order", NULL };
static const char *const exploiter_roles[] = { "exploiter", "buyer", NULL };

static const char *const t_text[] = { "text", NULL };
static const char *const t_reason[] = { "reason", NULL };
static const char *const t_just[] = { "justification", NULL };
static const char *const t_placement[] = { "justification", "setting_detail", "late_entry_reason",
					   NULL };
static const char *const t_note[] = { "note", NULL };
static const char *const t_level[] = { "level", "late_entry_reason", NULL };
static const char *const t_note_late[] = { "note", "late_entry_reason", NULL };
static const char *const t_late[] = { "late_entry_reason", NULL };
static const char *const t_close[] = { "text", "late_entry_reason", NULL };
static const char *const t_birth[] = { "birth_date", NULL };
static const char *const t_exploiter[] = { "note", "person", NULL };

static const struct event_kind *event_kind_of(const char *type);

/* ---- type-specific rules, run inside the write with the case as it is now ---- */

/* A text given in both languages (lib/error.h, SH_BOTH_SEP), so that each language's answer
 * says it in its own words; en alone when there is no Spanish. */
static const char *both(struct ectx *x, const char *en, const char *es)
{
	return es ? arena_printf(x->req->arena, "%s" SH_BOTH_SEP "%s", en, es) : en;
}

/* A step's title for a refusal, with its Spanish: a witness item's, or the protocol's
 * title_es. */
static const char *title_both(struct ectx *x, const struct step_status *s)
{
	const struct protocol *p = x->cf.protocol;
	const struct protocol_witness_item *w = casefile_witness_item(&x->cf, s->key);
	const char *es = w ? w->title_es : NULL;

	for (size_t i = 0; !es && i < protocol_nsteps(p); i++)
		if (!strcmp(protocol_step_key(p, i), s->key))
			es = protocol_step_title_es(p, i);
	return both(x, s->title, es);
}

static enum sh_code pick_step(struct ectx *x, struct sh_error *err)
{
	const char *key = jsonh_str(x->body, "step");
	int episode = (int)jsonh_int(x->body, "episode", -1);
	const struct step_status *s = NULL;

	if (!protocol_has_step(x->cf.protocol, key))
		return sh_error_field(
			err, SH_EINVAL, "step",
			"this case's protocol (%s %s) has no such step: choose one of "
			"the steps listed on the case",
			protocol_name(x->cf.protocol), protocol_version(x->cf.protocol));
	if (episode >= 0) {
		s = casefile_step(&x->cf, key, episode);
	} else {
		/* an episodic step without an episode: the earliest one still pending */
		for (size_t i = 0; i < x->cf.nsteps; i++) {
			const struct step_status *t = &x->cf.steps[i];
			if (strcmp(t->key, key))
				continue;
			if (!s || (s->state != STEP_PENDING && t->state == STEP_PENDING))
				s = t;
		}
	}
	if (!s || s->state == STEP_NOT_APPLICABLE)
		return sh_error_field(err, SH_EINVAL, "step",
				      "this step does not apply to this case%s: choose one of the "
				      "steps listed on the case",
				      episode >= 0 ? N_(" (or this episode)") : "");
	/* the owner, or a co-owner the protocol names for this case (co_owner) */
	if ((!s->owner || strcmp(s->owner, access_kind_name(x->req->who->kind))) &&
	    (!s->also_owner || strcmp(s->also_owner, access_kind_name(x->req->who->kind))))
		return sh_error_set(err, SH_EFORBIDDEN,
				    "the step \"%s\" is %s's to do, not your agency's",
				    title_both(x, s), s->owner ? s->owner : N_("no agency"));
	if (s->state != STEP_PENDING && !x->amends)
		return sh_error_set(err, SH_ECONFLICT,
				    "the step \"%s\" is already %s; to change that, correct the "
				    "earlier entry on the timeline",
				    title_both(x, s), protocol_state_name(s->state));
	if (s->not_before && x->at < s->not_before && !strcmp(x->kind->type, "step_done")) {
		char from[TZ_LOCAL_LEN];
		tz_format(x->req->app->county.tz, s->not_before, from);
		return sh_error_field(
			err, SH_EINVAL, "at",
			"%s cannot be done before %.10s %.5s (its window opens then): "
			"give a later time, or record it once the window opens",
			title_both(x, s), from, from + 11);
	}
	json_object_set_new(x->data, "step", json_string(key));
	json_object_set_new(x->data, "episode", json_integer(s->episode));
	return SH_OK;
}

/*
 * A late entry: a step done or a close dated more than events.late_entry_minutes before it
 * is recorded. It is kept with its stated time, needs a reason, is a deviation a supervisor
 * reviews, and counts for the clocks (and the Board) when it was recorded
 * (casefile_counted_at), so that backdating cannot turn a late step into a timely one.
 */
static enum sh_code late_entry(struct ectx *x, struct sh_error *err)
{
	int64_t late = x->now - x->at,
		margin = (int64_t)x->req->app->county.late_entry_minutes * 60;
	const char *problem;

	if (!margin || late <= margin) /* 0: no such rule, while past records are loaded */
		return SH_OK;
	if ((problem = rules_justification_problem(jsonh_str(x->body, "late_entry_reason"))))
		return sh_error_field(
			err, SH_EINVAL, "late_entry_reason",
			"the time given is %" PRId64 " h %02" PRId64 " min before now, "
			"more than the %d minutes the setting events.late_entry_minutes "
			"allows: say why it is entered late (it is a deviation a "
			"supervisor reviews, and it counts as done when recorded): %s",
			late / 3600, late / 60 % 60, x->req->app->county.late_entry_minutes,
			problem);
	json_object_set_new(x->data, "late_entry", json_true());
	json_object_set_new(x->data, "deviation", json_true());
	return SH_OK;
}

static enum sh_code check_step_done(struct ectx *x, struct sh_error *err)
{
	enum sh_code rc = pick_step(x, err);

	return rc ? rc : late_entry(x, err);
}

static enum sh_code check_note(struct ectx *x, struct sh_error *err)
{
	int s = access_section_parse(jsonh_str(x->body, "section"));

	if (s == SEC_ADVOCACY)
		return sh_error_field(
			err, SH_EINVAL, "section",
			"a privileged advocacy note is written with the advocate note "
			"form, not as a note");
	if (!access_can_write(x->req->who, (enum section)s))
		return sh_error_set(
			err, SH_EFORBIDDEN,
			"your agency may not write notes that %s staff read: choose who "
			"may read the note from the list",
			access_section_name((enum section)s));
	x->section = access_section_name((enum section)s);
	return SH_OK;
}

/* A deviation's written justification: required, and it must say something. */
static enum sh_code justified(struct ectx *x, const char *what, struct sh_error *err)
{
	const char *problem = rules_justification_problem(jsonh_str(x->body, "justification"));

	if (!problem)
		return SH_OK;
	return sh_error_field(err, SH_EINVAL, "justification",
			      "%s is a protocol deviation that a supervisor reviews: %s", what,
			      problem);
}

static void warn(struct ectx *x, const char *field, const char *message)
{
	json_array_append_new(x->warnings,
			      json_pack("{s:s, s:s}", "field", field, "message", message));
}

/* What the case knows of the youth's age, for the guardrail: a birth date (given or
 * verified), else the officer's estimate. */
static void youth_age(struct ectx *x, struct guardrail_youth *y)
{
	memset(y, 0, sizeof(*y));
	y->identified_at = x->cf.c.identified_at;
	y->has_birth = x->cf.state.has_birth;
	y->birth = x->cf.state.birth;
	y->has_estimate = !y->has_birth;
	y->estimate = x->cf.state.age;
}

/*
 * The SB 1322 guardrail (core/guardrail.h). A refused arrest is not lost: it is recorded
 * as a refused_arrest entry for the agency's supervisors and oversight, and the request
 * is answered 422 once that entry is committed.
 */
static enum sh_code check_arrest(struct ectx *x, struct sh_error *err)
{
	const struct app *app = x->req->app;
	const char *offense = jsonh_str(x->body, "offense"), *act = jsonh_str(x->body, "act_at");
	struct guardrail_youth y;
	struct guardrail_result g;
	int64_t act_at = x->at;
	char date[11];
	enum sh_code rc;

	if (act)
		timefmt_parse_rfc3339(act, &act_at);
	if (act_at > x->at)
		return sh_error_field(
			err, SH_EINVAL, "act_at",
			"the act cannot be after the arrest: give the time of the act "
			"(or leave it empty when it is the time of the arrest)");
	if (act_at < x->cf.c.identified_at - (int64_t)app->county.arrest_window_days * 86400)
		return sh_error_field(err, SH_EINVAL, act ? "act_at" : "at",
				      "this is more than %d days before the youth was identified, "
				      "further back than the county allows (setting "
				      "arrest.before_identification_days): check the date",
				      app->county.arrest_window_days);
	youth_age(x, &y);
	guardrail_arrest(app->offences, app->county.tz, offense, act_at, &y, &g);
	timefmt_format_date(g.act_date, date);
	json_object_set_new(x->data, "offense", json_string(offense));
	json_object_set_new(x->data, "offense_cited",
			    g.match.offence   ? json_string(g.match.offence->cite)
			    : g.match.cite[0] ? json_string(g.match.cite)
					      : json_null());
	json_object_set_new(x->data, "prostitution_related", json_boolean(g.match.prostitution));
	jsonh_set_time(x->data, "act_at", act_at, false);
	json_object_set_new(x->data, "act_date", json_string(date));
	json_object_set_new(x->data, "age_at_act", g.age >= 0 ? json_integer(g.age) : json_null());
	json_object_set_new(x->data, "age_basis", json_string(g.age_basis));
	json_object_set_new(x->data, "minor", json_boolean(g.minor));
	json_object_set_new(x->data, "before_identification",
			    json_boolean(act_at < x->cf.c.identified_at));
	switch (g.verdict) {
	case GUARDRAIL_REFUSE_MINOR:
	case GUARDRAIL_REFUSE_REPEALED:
		json_object_set_new(
			x->data, "refused",
			json_string(g.verdict == GUARDRAIL_REFUSE_MINOR ? "sb1322" : "repealed"));
		x->kind = event_kind_of("refused_arrest");
		/* both languages: the refusal is answered in the caller's (lib/error.h) */
		x->refusal = both(x, g.reason, g.reason_es);
		return SH_OK;
	case GUARDRAIL_ASK_SUBDIVISION:
		return sh_error_field(err, SH_EINVAL, "offense", "%s",
				      both(x, g.reason, g.reason_es));
	case GUARDRAIL_ACCEPT: break;
	}
	if ((rc = justified(x, N_("any arrest of an identified victim"), err)))
		return rc;
	if (g.reason[0])
		warn(x, "offense",
		     arena_strdup(x->req->arena,
				  x->lang && !strcmp(x->lang, "es") ? g.reason_es : g.reason));
	json_object_set_new(x->data, "deviation", json_true());
	return SH_OK;
}

static enum sh_code check_placement(struct ectx *x, struct sh_error *err)
{
	const char *setting = jsonh_str(x->body, "setting");
	const char *detail = jsonh_str(x->body, "setting_detail"), *words = NULL;
	enum sh_code rc;

	json_object_set_new(x->data, "setting", json_string(setting));
	if (!strcmp(setting, "other") && !detail)
		return sh_error_field(err, SH_EINVAL, "setting_detail",
				      "say what the placement is when the setting is Other");
	/* "other: juvenile hall" is a detention placement, whatever it was recorded as */
	if (detail && strcmp(setting, "detention"))
		words = offences_detention_words(x->req->app->offences, detail);
	if (!strcmp(setting, "detention") || words) {
		if ((rc = justified(x,
				    words ? N_("a placement that is detention (juvenile hall, "
					       "camp or the like)")
					  : N_("placement in detention"),
				    err)))
			return rc;
		json_object_set_new(x->data, "detention", json_true());
		json_object_set_new(x->data, "deviation", json_true());
	}
	return SH_OK;
}

/* The youth went missing at `at`; the reports run from when the agency learned of it
 * (learned_at, default: at). */
static enum sh_code check_missing_start(struct ectx *x, struct sh_error *err)
{
	const char *learned = jsonh_str(x->body, "learned_at");
	int64_t t;

	if (casefile_missing_now(&x->cf) && !x->amends)
		return sh_error_set(err, SH_ECONFLICT, "the youth is already recorded as missing");
	if (learned) {
		timefmt_parse_rfc3339(learned, &t);
		if (t < x->at)
			return sh_error_field(
				err, SH_EINVAL, "learned_at",
				"your agency cannot have learned of the absence before it "
				"began: give a time after the youth went missing");
		if (t > x->now + x->req->app->cfg.clock_skew_s)
			return sh_error_field(
				err, SH_EINVAL, "learned_at",
				"this time is in the future: give when your agency learned "
				"of it");
		jsonh_set_time(x->data, "learned_at", t, false);
	}
	return SH_OK;
}

static enum sh_code copy_fields(struct ectx *x, const char *const *keys)
{
	for (; *keys; keys++) {
		json_t *v = json_object_get(x->body, *keys);
		if (v)
			json_object_set(x->data, *keys, v);
	}
	return SH_OK;
}

/* ---- facts that change after identification (docs/api.md) ---- */

/* The hotline's status check: the youth is a dependent, a ward, both or neither. */
static enum sh_code check_status(struct ectx *x, struct sh_error *err)
{
	if (x->req->who->kind != AK_CHILD_WELFARE && x->req->who->kind != AK_PROBATION)
		return sh_error_set(err, SH_EFORBIDDEN,
				    "child welfare or probation records the youth's status");
	json_object_set_new(x->data, "status", json_string(jsonh_str(x->body, "status")));
	json_object_set_new(x->data, "previous",
			    json_string(protocol_status_name(x->cf.state.status)));
	return SH_OK;
}

/* A birth date from a document: replaces an estimate (or corrects the one given). */
static enum sh_code check_birth(struct ectx *x, struct sh_error *err)
{
	struct sh_date b;
	int age;

	if (!casefile_sees_identity(x->req->who, &x->cf))
		return sh_error_set(err, SH_EFORBIDDEN,
				    "your agency does not see this youth's identity "
				    "(PC 293), so it cannot record a birth date");
	timefmt_parse_date(jsonh_str(x->body, "birth_date"), &b);
	age = tz_age_at(x->req->app->county.tz, b, x->cf.c.identified_at);
	if (age < 0 || age > 25)
		return sh_error_field(
			err, SH_EINVAL, "birth_date",
			"gives an age of %d at identification; the protocol serves ages 0 "
			"to 25",
			age);
	json_object_set_new(x->data, "age_at_identification", json_integer(age));
	json_object_set_new(x->data, "adult", json_boolean(age >= 18));
	{
		/* the youth can be found by the verified date too */
		char term[SEARCH_TERM_MAX];
		search_birth_term(jsonh_str(x->body, "birth_date"), term);
		search_hash_term(&x->req->app->keys, term, x->search_term);
	}
	return copy_fields(x, (const char *const[]){ "document", NULL });
}

/* An assault disclosed after identification: the acute or the non-acute exam, from the
 * disclosure; the minor's consent or refusal of the exam (Family Code 6927). */
static enum sh_code check_assault(struct ectx *x, struct sh_error *err)
{
	int64_t t;

	timefmt_parse_rfc3339(jsonh_str(x->body, "last_assault_at"), &t);
	if (timefmt_check_range(
		    "last_assault_at", t, x->cf.c.identified_at - CASEFILE_PAST_MAX_S, x->at,
		    "the assault cannot be after it was disclosed: check both times", err))
		return err->code;
	jsonh_set_time(x->data, "last_assault_at", t, false);
	return copy_fields(x, (const char *const[]){ "exam_consent", NULL });
}

/* The youth is back at `at`; found_at (default: at) is when they were found, which the
 * protocol's "found" deadlines run from. */
static enum sh_code check_missing_end(struct ectx *x, struct sh_error *err)
{
	const char *found = jsonh_str(x->body, "found_at");
	int64_t t;

	if (!x->amends && !casefile_missing_now(&x->cf))
		return sh_error_set(err, SH_ECONFLICT, "the youth is not recorded as missing");
	if (!x->amends && x->at < x->cf.missing[x->cf.nmissing - 1].start)
		return sh_error_field(err, SH_EINVAL, "at",
				      "the youth cannot return before going missing: give a later "
				      "time");
	if (found) {
		timefmt_parse_rfc3339(found, &t);
		if (t > x->at || (!x->amends && t < x->cf.missing[x->cf.nmissing - 1].start))
			return sh_error_field(
				err, SH_EINVAL, "found_at",
				"the youth is found after going missing and at the latest when "
				"back (at): give a time between the two");
		jsonh_set_time(x->data, "found_at", t, false);
	}
	return SH_OK;
}

static enum sh_code check_screening(struct ectx *x, struct sh_error *err)
{
	UNUSED(err);
	return copy_fields(x, (const char *const[]){ "tool", "version", NULL });
}

static enum sh_code check_stability(struct ectx *x, struct sh_error *err)
{
	UNUSED(err);
	return copy_fields(x, (const char *const[]){ "stable", "safe_placement", "engaged", NULL });
}

/* The state's CSEC indicators, as child welfare confirms them (core/csec.h); the section
 * (state) lets only child welfare write them. */
static enum sh_code check_csec(struct ectx *x, struct sh_error *err)
{
	UNUSED(err);
	return copy_fields(x, csec_indicator_keys);
}

/* Exploiters and buyers are counted as people: who was arrested is kept sealed, and a
 * keyed hash of it (case, spacing and punctuation folded) tells the same person apart. */
static enum sh_code check_exploiter(struct ectx *x, struct sh_error *err)
{
	const char *person = jsonh_str(x->body, "person");

	UNUSED(err);
	if (person) {
		char folded[OFFENCE_TEXT_MAX + 1], key[65];
		phrase_fold(person, folded, sizeof(folded), PHRASE_WORDS);
		if (!folded[0])
			return sh_error_field(err, SH_EINVAL, "person",
					      "give a booking number, or the name and birth date");
		shcrypto_blind_index(&x->req->app->keys,
				     arena_printf(x->req->arena, "person:%s", folded), key);
		json_object_set_new(x->data, "person_key", json_string(key));
	}
	return copy_fields(x, (const char *const[]){ "role", "charge", NULL });
}

static enum sh_code check_review(struct ectx *x, struct sh_error *err)
{
	int64_t id = jsonh_int(x->body, "event_id", 0);
	const struct event_rec *e = casefile_event(&x->cf, id);
	json_t *d;
	bool deviation;

	if (x->req->who->role != ROLE_SUPERVISOR)
		return sh_error_set(err, SH_EFORBIDDEN, "only a supervisor reviews a deviation");
	if (!e || !casefile_event_readable(x->req->who, &x->cf, e))
		return sh_error_field(
			err, SH_EINVAL, "event_id",
			"this entry is not on the case's timeline: choose one from the "
			"list");
	d = json_loads(e->data, 0, NULL);
	deviation = jsonh_bool(d, "deviation", false);
	json_decref(d);
	if (!deviation)
		return sh_error_field(err, SH_EINVAL, "event_id",
				      "this entry is not a protocol deviation: there is nothing to "
				      "review");
	if (e->agency_id != x->req->who->agency_id)
		return sh_error_set(err, SH_EFORBIDDEN,
				    "a supervisor of the agency that recorded it reviews it");
	if (e->reviewed_at && !x->amends)
		return sh_error_set(err, SH_ECONFLICT, "this deviation is already reviewed");
	json_object_set_new(x->data, "event_id", json_integer(id));
	x->section = e->section; /* the review is read by those who may read what it reviews */
	return SH_OK;
}

static enum sh_code check_disclosure(struct ectx *x, struct sh_error *err)
{
	int64_t id = jsonh_int(x->body, "event_id", 0), to = jsonh_int(x->body, "to_agency_id", 0);
	const struct event_rec *e = casefile_event(&x->cf, id);
	bool takes_part = false;

	if (x->req->who->kind != AK_ADVOCACY)
		return sh_error_set(err, SH_EFORBIDDEN,
				    "only the advocacy agency discloses its notes");
	if (!e || strcmp(e->type, "advocate_note"))
		return sh_error_field(err, SH_EINVAL, "event_id",
				      "choose one of this case's advocate notes");
	for (size_t i = 0; i < x->cf.nagencies; i++)
		takes_part |= x->cf.agencies[i].agency_id == to && x->cf.agencies[i].left_at == 0;
	if (!takes_part)
		return sh_error_field(err, SH_EINVAL, "to_agency_id",
				      "choose an agency taking part in this case (bring it in "
				      "first if it is not)");
	json_object_set_new(x->data, "event_id", json_integer(id));
	json_object_set_new(x->data, "to_agency_id", json_integer(to));
	json_object_set_new(x->data, "basis", json_string(jsonh_str(x->body, "basis")));
	return SH_OK;
}

static enum sh_code check_lead(struct ectx *x, struct sh_error *err)
{
	if (strcmp(access_kind_name(x->req->who->kind), casefile_lead_kind(&x->cf)))
		return sh_error_set(err, SH_EFORBIDDEN,
				    "the lead agency (%s) closes and reopens the case",
				    casefile_lead_kind(&x->cf));
	return SH_OK;
}

static enum sh_code check_close(struct ectx *x, struct sh_error *err)
{
	const char *reason = jsonh_str(x->body, "reason");
	enum sh_code rc = check_lead(x, err);

	if (rc)
		return rc;
	if (x->cf.c.closed_at)
		return sh_error_set(err, SH_ECONFLICT, "the case is already closed");
	if (!strcmp(reason, "other") && !jsonh_str(x->body, "text"))
		return sh_error_field(err, SH_EINVAL, "text",
				      "say why the case closes when the reason is Other");
	json_object_set_new(x->data, "reason", json_string(reason));
	x->close = true;
	return late_entry(x, err);
}

static enum sh_code check_reopen(struct ectx *x, struct sh_error *err)
{
	enum sh_code rc = check_lead(x, err);

	if (rc)
		return rc;
	if (!x->cf.c.closed_at)
		return sh_error_set(err, SH_ECONFLICT, "the case is open");
	x->reopen = true;
	return SH_OK;
}

static enum sh_code check_name(struct ectx *x, struct sh_error *err)
{
	if (x->req->who->kind != AK_LAW_ENFORCEMENT)
		return sh_error_set(err, SH_EFORBIDDEN,
				    "law enforcement records the victim's PC 293 election");
	return copy_fields(x, (const char *const[]){ "confidential", NULL });
}

/* An agency on the case brings another in (the prosecutor, to list the youth as a
 * witness; the office of education): audited, named in the timeline. */
static enum sh_code check_invite(struct ectx *x, struct sh_error *err)
{
	int64_t id = jsonh_int(x->body, "agency_id", 0);
	struct agency_rec ag;
	enum sh_code rc;

	if (!x->cf.participating)
		return sh_error_set(err, SH_EFORBIDDEN,
				    "only an agency taking part in the case brings another in");
	for (size_t i = 0; i < x->cf.nagencies; i++)
		if (x->cf.agencies[i].agency_id == id && !x->cf.agencies[i].left_at)
			return sh_error_set(err, SH_ECONFLICT, "that agency already takes part");
	rc = store_agency_get(x->conn, id, NULL, x->req->arena, &ag, err);
	if (rc == SH_ENOTFOUND || (!rc && ag.disabled)) {
		sh_error_init(err);
		return sh_error_field(err, SH_EINVAL, "agency_id",
				      "this agency is not active: choose another from the list");
	}
	if (rc)
		return rc;
	if ((rc = store_case_agency_add(x->conn, x->cf.c.id, id, "invited", x->now, err)))
		return rc;
	json_object_set_new(x->data, "agency_id", json_integer(id));
	json_object_set_new(x->data, "agency_kind", json_string(ag.kind));
	return SH_OK;
}

/* Each agency on a case names its worker (and changes or clears it): a supervisor names
 * anyone of the agency who works cases, a member only themselves; the named worker gets
 * the agency's summonses and alerts on the case first (notify/summons.c). */
static enum sh_code check_worker(struct ectx *x, struct sh_error *err)
{
	const struct principal *who = x->req->who;
	json_t *v = json_object_get(x->body, "user_id");
	int64_t uid = json_is_integer(v) ? json_integer_value(v) : 0, current = 0;
	struct user_rec u;
	enum sh_code rc;

	if (!x->cf.participating)
		return sh_error_set(err, SH_EFORBIDDEN,
				    "only an agency taking part in the case names its worker");
	for (size_t i = 0; i < x->cf.nagencies; i++)
		if (x->cf.agencies[i].agency_id == who->agency_id)
			current = x->cf.agencies[i].worker_id;
	if (who->role != ROLE_SUPERVISOR && uid != who->user_id &&
	    !(!uid && current == who->user_id))
		return sh_error_set(err, SH_EFORBIDDEN,
				    "a supervisor names another person as the agency's worker; you "
				    "can name yourself, or step down when you are the worker");
	if (uid) {
		rc = store_user_get(x->conn, uid, NULL, x->req->arena, &u, err);
		if (rc == SH_ENOTFOUND ||
		    (!rc && (u.agency_id != who->agency_id || u.disabled ||
			     (strcmp(u.role, "member") && strcmp(u.role, "supervisor"))))) {
			sh_error_init(err);
			return sh_error_field(
				err, SH_EINVAL, "user_id",
				"is not an active member or supervisor of your agency");
		}
		if (rc)
			return rc;
		json_object_set_new(x->data, "user_name", json_string(u.display_name));
	}
	if (uid == current && !x->amends)
		return sh_error_set(err, SH_ECONFLICT,
				    uid ? "%s is already the agency's worker"
					: "the agency has no worker named",
				    uid ? u.display_name : "");
	json_object_set_new(x->data, "agency_id", json_integer(who->agency_id));
	json_object_set_new(x->data, "user_id", uid ? json_integer(uid) : json_null());
	x->worker = uid ? uid : -1;
	return SH_OK;
}

/* ---- minor victim witnesses (motion item 3): events on the witness's case ---- */

static const struct witness_rec *witness_of(struct ectx *x, struct sh_error *err)
{
	int64_t id = jsonh_int(x->body, "witness_id", 0);

	for (size_t i = 0; i < x->cf.nwitnesses; i++)
		if (x->cf.witnesses[i].id == id) {
			json_object_set_new(x->data, "witness_id", json_integer(id));
			return &x->cf.witnesses[i];
		}
	sh_error_field(err, SH_EINVAL, "witness_id",
		       "this case's youth is not listed as that witness: reload the case");
	return NULL;
}

static enum sh_code check_hearing(struct ectx *x, const struct witness_rec *w, struct sh_error *err)
{
	int64_t id = jsonh_int(x->body, "hearing_id", 0);

	for (size_t i = 0; i < x->cf.nwitnesses; i++) {
		if (&x->cf.witnesses[i] != w)
			continue;
		for (size_t h = 0; h < x->cf.nhearings[i]; h++)
			if (x->cf.hearings[i][h].id == id) {
				json_object_set_new(x->data, "hearing_id", json_integer(id));
				return SH_OK;
			}
	}
	return sh_error_field(
		err, SH_EINVAL, "hearing_id",
		"this hearing is not one of the witness's prosecution: choose one from "
		"the list");
}

static enum sh_code check_witness_advocate(struct ectx *x, struct sh_error *err)
{
	struct user_rec u;
	struct arena a = ARENA_INIT;
	struct store_conn *c;
	int64_t uid = jsonh_int(x->body, "user_id", 0);
	enum sh_code rc;

	if (x->req->who->kind != AK_ADVOCACY)
		return sh_error_set(err, SH_EFORBIDDEN, "the advocacy agency assigns the advocate");
	if (!witness_of(x, err))
		return err->code;
	/* the advocate is one of the caller's own agency's staff, looked up in this transaction */
	c = x->conn;
	rc = store_user_get(c, uid, NULL, &a, &u, err);
	if (rc == SH_ENOTFOUND || (!rc && (u.agency_id != x->req->who->agency_id || u.disabled))) {
		sh_error_init(err);
		rc = sh_error_field(err, SH_EINVAL, "user_id",
				    "choose an active member of your advocacy agency");
	}
	arena_release(&a);
	if (!rc)
		json_object_set_new(x->data, "user_id", json_integer(uid));
	return rc;
}

static enum sh_code check_plan_part(struct ectx *x, struct sh_error *err)
{
	if (!witness_of(x, err))
		return err->code;
	json_object_set_new(x->data, "part", json_string(jsonh_str(x->body, "part")));
	json_object_set_new(x->data, "kind", json_string(access_kind_name(x->req->who->kind)));
	return SH_OK;
}

/* A plan is signed off whole: every part the county requires is written first (each
 * empty part is named, in words). */
static enum sh_code check_signoff(struct ectx *x, struct sh_error *err)
{
	const struct witness_rec *w = witness_of(x, err);
	unsigned missing;
	struct plan_state plan;
	struct buf names = BUF_INIT;

	if (!w)
		return err->code;
	casefile_plan_state(&x->cf, w->id, &plan);
	missing = x->req->app->county.plan_required & ~plan.written;
	if (missing) {
		for (int i = 0; i < WITNESS_PLAN_NPARTS; i++)
			if (missing & (1u << i)) {
				buf_addf(&names, "%s%s", names.len ? ", " : "",
					 witness_plan_part_labels[i]);
				sh_error_field(
					err, SH_EINVAL,
					arena_printf(x->req->arena, "safety_plan.%s",
						     witness_plan_part_keys[i]),
					"the part \"%s\" is empty: write it before the plan is "
					"signed off (for a part that does not apply, write that it "
					"does not, and why)",
					witness_plan_part_labels[i]);
			}
		sh_error_set(
			err, SH_EINVAL,
			"the safety plan cannot be signed off while parts are empty: %s. Write "
			"them first.",
			names.data);
		buf_release(&names);
		return SH_EINVAL;
	}
	json_object_set_new(x->data, "kind", json_string(access_kind_name(x->req->who->kind)));
	return SH_OK;
}

static enum sh_code check_review_plan(struct ectx *x, struct sh_error *err)
{
	const struct witness_rec *w;

	if (x->req->who->kind != AK_ADVOCACY && x->req->who->kind != AK_PROSECUTOR)
		return sh_error_set(err, SH_EFORBIDDEN,
				    "the advocate or the prosecutor records the review");
	if (!(w = witness_of(x, err)))
		return err->code;
	return check_hearing(x, w, err);
}

static enum sh_code check_cctv(struct ectx *x, struct sh_error *err)
{
	if (x->req->who->kind != AK_PROSECUTOR)
		return sh_error_set(err, SH_EFORBIDDEN, "the prosecutor files the motion");
	if (!witness_of(x, err))
		return err->code;
	return copy_fields(x, (const char *const[]){ "rule", "outcome", NULL });
}

static enum sh_code check_notice(struct ectx *x, struct sh_error *err)
{
	const struct witness_rec *w;

	if (x->req->who->kind != AK_PROSECUTOR)
		return sh_error_set(err, SH_EFORBIDDEN, "the prosecutor serves the notice");
	if (!(w = witness_of(x, err)))
		return err->code;
	return check_hearing(x, w, err);
}

/* ---- the table of event types ---- */

#define LATE_ENTRY                                                                \
	{                                                                         \
		"late_entry_reason", JT_TEXT, 0, 1, RULES_JUSTIFICATION_MAX, NULL \
	}
static const struct jsonh_field s_step_done[] = { COMMON,
						  { "step", JT_STRING, JF_REQUIRED, 1, 64, NULL },
						  { "episode", JT_INT, 0, 0, 1000, NULL },
						  LATE_ENTRY,
						  { NULL } };
static const struct jsonh_field s_step_waived[] = { COMMON,
						    { "step", JT_STRING, JF_REQUIRED, 1, 64, NULL },
						    { "episode", JT_INT, 0, 0, 1000, NULL },
						    { "reason", JT_TEXT, JF_REQUIRED, 1, 4000,
						      NULL },
						    { NULL } };
static const struct jsonh_field s_note[] = { COMMON,
					     { "section", JT_ENUM, JF_REQUIRED, 0, 0,
					       access_section_names },
					     { "text", JT_TEXT, JF_REQUIRED, 1, 20000, NULL },
					     { NULL } };
static const struct jsonh_field s_advocate_note[] = {
	COMMON,
	{ "text", JT_TEXT, JF_REQUIRED, 1, 20000, NULL },
	{ "confidentiality_explained", JT_BOOL, 0, 0, 0, NULL },
	{ NULL }
};
static const struct jsonh_field s_arrest[] = {
	COMMON,
	{ "offense", JT_STRING, JF_REQUIRED, 1, OFFENCE_TEXT_MAX, NULL },
	{ "act_at", JT_TIME, 0, 0, 0, NULL },
	{ "justification", JT_TEXT, 0, 1, RULES_JUSTIFICATION_MAX, NULL },
	{ NULL }
};
static const struct jsonh_field s_placement[] = {
	COMMON,
	{ "setting", JT_ENUM, JF_REQUIRED, 0, 0, settings },
	{ "setting_detail", JT_TEXT, 0, 1, OFFENCE_TEXT_MAX, NULL },
	{ "justification", JT_TEXT, 0, 1, RULES_JUSTIFICATION_MAX, NULL },
	LATE_ENTRY,
	{ NULL }
};
static const char *const statuses[] = { "dependent", "probation", "both", "none", "unknown", NULL };
static const char *const consents[] = { "consented", "refused", "not_asked", NULL };
static const struct jsonh_field s_missing_start[] = { COMMON,
						      { "learned_at", JT_TIME, 0, 0, 0, NULL },
						      { "note", JT_TEXT, 0, 1, 4000, NULL },
						      { NULL } };
static const struct jsonh_field s_status[] = { COMMON,
					       { "status", JT_ENUM, JF_REQUIRED, 0, 0, statuses },
					       { "note", JT_TEXT, 0, 1, 4000, NULL },
					       LATE_ENTRY,
					       { NULL } };
static const struct jsonh_field s_birth[] = { COMMON,
					      { "birth_date", JT_DATE, JF_REQUIRED, 0, 0, NULL },
					      { "document", JT_STRING, 0, 1, 80, NULL },
					      { NULL } };
static const struct jsonh_field s_assault[] = { COMMON,
						{ "last_assault_at", JT_TIME, JF_REQUIRED, 0, 0,
						  NULL },
						{ "exam_consent", JT_ENUM, 0, 0, 0, consents },
						{ "note", JT_TEXT, 0, 1, 4000, NULL },
						{ NULL } };
static const struct jsonh_field s_missing_end[] = { COMMON,
						    { "found_at", JT_TIME, 0, 0, 0, NULL },
						    { "note", JT_TEXT, 0, 1, 4000, NULL },
						    { NULL } };
static const struct jsonh_field s_screening[] = { COMMON,
						  { "tool", JT_STRING, JF_REQUIRED, 1, 60, NULL },
						  { "version", JT_STRING, 0, 1, 30, NULL },
						  { "level", JT_STRING, JF_REQUIRED, 1, 40, NULL },
						  LATE_ENTRY,
						  { NULL } };
static const struct jsonh_field s_stability[] = { COMMON,
						  { "stable", JT_BOOL, JF_REQUIRED, 0, 0, NULL },
						  { "safe_placement", JT_BOOL, 0, 0, 0, NULL },
						  { "engaged", JT_BOOL, 0, 0, 0, NULL },
						  { "note", JT_TEXT, 0, 1, 4000, NULL },
						  { NULL } };
static const struct jsonh_field s_csec[] = {
	COMMON,
	{ "before_care", JT_ENUM, JF_REQUIRED, 0, 0, csec_value_names },
	{ "in_care", JT_ENUM, JF_REQUIRED, 0, 0, csec_value_names },
	{ "while_missing", JT_ENUM, JF_REQUIRED, 0, 0, csec_value_names },
	{ "at_risk", JT_ENUM, JF_REQUIRED, 0, 0, csec_value_names },
	{ NULL }
};
static const struct jsonh_field s_exploiter[] = {
	COMMON,
	{ "role", JT_ENUM, JF_REQUIRED, 0, 0, exploiter_roles },
	{ "charge", JT_STRING, 0, 1, 60, NULL },
	{ "person", JT_TEXT, 0, 1, OFFENCE_TEXT_MAX, NULL },
	{ "note", JT_TEXT, 0, 1, 4000, NULL },
	{ NULL }
};
static const struct jsonh_field s_review[] = { COMMON,
					       { "event_id", JT_INT, JF_REQUIRED, 1, INT64_MAX,
						 NULL },
					       { "note", JT_TEXT, JF_REQUIRED, 1, 4000, NULL },
					       { NULL } };
static const struct jsonh_field s_disclosure[] = {
	COMMON,
	{ "event_id", JT_INT, JF_REQUIRED, 1, INT64_MAX, NULL },
	{ "basis", JT_ENUM, JF_REQUIRED, 0, 0, bases },
	{ "to_agency_id", JT_INT, JF_REQUIRED, 1, INT64_MAX, NULL },
	{ "note", JT_TEXT, 0, 1, 4000, NULL },
	{ NULL }
};
static const struct jsonh_field s_close[] = { COMMON,
					      { "reason", JT_ENUM, JF_REQUIRED, 0, 0,
						close_reasons },
					      { "text", JT_TEXT, 0, 1, 4000, NULL },
					      LATE_ENTRY,
					      { NULL } };
static const struct jsonh_field s_reopen[] = { COMMON,
					       { "text", JT_TEXT, 0, 1, 4000, NULL },
					       { NULL } };
static const char *const cctv_rules[] = { "PC 1347", "PC 1347.1", "county policy", NULL };
static const char *const cctv_outcomes[] = { "filed", "granted", "denied", NULL };
static const struct jsonh_field s_witness_advocate[] = {
	COMMON,
	{ "witness_id", JT_INT, JF_REQUIRED, 1, INT64_MAX, NULL },
	{ "user_id", JT_INT, JF_REQUIRED, 1, INT64_MAX, NULL },
	{ NULL }
};
static const struct jsonh_field s_safety_plan[] = {
	COMMON,
	{ "witness_id", JT_INT, JF_REQUIRED, 1, INT64_MAX, NULL },
	{ "part", JT_ENUM, JF_REQUIRED, 0, 0, witness_plan_part_keys },
	{ "text", JT_TEXT, JF_REQUIRED, 1, 8000, NULL },
	{ NULL }
};
static const struct jsonh_field s_signoff[] = {
	COMMON, { "witness_id", JT_INT, JF_REQUIRED, 1, INT64_MAX, NULL }, { NULL }
};
static const struct jsonh_field s_plan_review[] = {
	COMMON,
	{ "witness_id", JT_INT, JF_REQUIRED, 1, INT64_MAX, NULL },
	{ "hearing_id", JT_INT, JF_REQUIRED, 1, INT64_MAX, NULL },
	{ "note", JT_TEXT, 0, 1, 4000, NULL },
	{ NULL }
};
static const struct jsonh_field s_cctv[] = {
	COMMON,
	{ "witness_id", JT_INT, JF_REQUIRED, 1, INT64_MAX, NULL },
	{ "rule", JT_ENUM, JF_REQUIRED, 0, 0, cctv_rules },
	{ "outcome", JT_ENUM, JF_REQUIRED, 0, 0, cctv_outcomes },
	{ NULL }
};
static const struct jsonh_field s_notice[] = {
	COMMON,
	{ "witness_id", JT_INT, JF_REQUIRED, 1, INT64_MAX, NULL },
	{ "hearing_id", JT_INT, JF_REQUIRED, 1, INT64_MAX, NULL },
	{ NULL }
};
static const struct jsonh_field s_invite[] = { COMMON,
					       { "agency_id", JT_INT, JF_REQUIRED, 1, INT64_MAX,
						 NULL },
					       { "reason", JT_TEXT, JF_REQUIRED, 1, 4000, NULL },
					       { NULL } };
static const struct jsonh_field s_worker[] = {
	COMMON, { "user_id", JT_INT, JF_REQUIRED | JF_NULLABLE, 1, INT64_MAX, NULL }, { NULL }
};
static const struct jsonh_field s_name[] = { COMMON,
					     { "confidential", JT_BOOL, JF_REQUIRED, 0, 0, NULL },
					     { NULL } };

static const struct event_kind kinds[] = {
	{ "step_done", SEC_CORE, s_step_done, t_late, check_step_done },
	{ "step_waived", SEC_CORE, s_step_waived, t_reason, pick_step },
	{ "note", -1, s_note, t_text, check_note },
	{ "advocate_note", SEC_ADVOCACY, s_advocate_note, t_text, NULL },
	{ "arrest", SEC_LAW_ENFORCEMENT, s_arrest, t_just, check_arrest },
	/* never sent: what an arrest the guardrail refused is recorded as */
	{ "refused_arrest", SEC_LAW_ENFORCEMENT, NULL, NULL, NULL },
	{ "placement", SEC_PLACEMENT, s_placement, t_placement, check_placement },
	{ "missing_start", SEC_MISSING, s_missing_start, t_note, check_missing_start },
	{ "missing_end", SEC_MISSING, s_missing_end, t_note, check_missing_end },
	{ "screening", SEC_SERVICES, s_screening, t_level, check_screening },
	{ "status_determined", SEC_CORE, s_status, t_note_late, check_status },
	{ "birth_date_verified", SEC_CORE, s_birth, t_birth, check_birth },
	{ "assault_disclosed", SEC_MEDICAL, s_assault, t_note, check_assault },
	{ "stability_check", SEC_SERVICES, s_stability, t_note, check_stability },
	{ "csec_indicators", SEC_STATE, s_csec, NULL, check_csec },
	{ "exploiter_arrest", SEC_LAW_ENFORCEMENT, s_exploiter, t_exploiter, check_exploiter },
	{ "deviation_review", SEC_CORE, s_review, t_note, check_review },
	{ "disclosure", SEC_ADVOCACY, s_disclosure, t_note, check_disclosure },
	{ "close", SEC_CORE, s_close, t_close, check_close },
	{ "reopen", SEC_CORE, s_reopen, t_text, check_reopen },
	{ "name_confidentiality", SEC_CORE, s_name, NULL, check_name },
	{ "agency_invited", SEC_CORE, s_invite, t_reason, check_invite },
	{ "worker_assigned", SEC_CORE, s_worker, NULL, check_worker },
	{ "witness_advocate", SEC_COURT, s_witness_advocate, NULL, check_witness_advocate },
	{ "safety_plan", SEC_COURT, s_safety_plan, t_text, check_plan_part },
	{ "safety_plan_signoff", SEC_COURT, s_signoff, NULL, check_signoff },
	{ "safety_plan_review", SEC_COURT, s_plan_review, t_note, check_review_plan },
	{ "cctv_motion", SEC_COURT, s_cctv, NULL, check_cctv },
	{ "notice_served", SEC_COURT, s_notice, NULL, check_notice },
};

static const struct event_kind *event_kind_of(const char *type)
{
	for (size_t i = 0; type && i < ARRAY_SIZE(kinds); i++)
		if (!strcmp(kinds[i].type, type))
			return &kinds[i];
	return NULL;
}

/* ---- the write ---- */

/*
 * Facts that change can give a step to an agency kind that is not on the case yet (a
 * youth found to be a probation ward brings probation on scene): route it in as at
 * identification, and summon its on-call person for the step it owes.
 */
static enum sh_code route_new_owners(struct ectx *x, struct store_conn *c, struct sh_error *err)
{
	struct api_request *req = x->req;
	struct agency_rec *list;
	struct rules_agency *ra;
	struct case_agency_rec *added;
	size_t n, nadded = 0;
	enum sh_code rc;

	if ((rc = store_agency_list(c, req->arena, &list, &n, err)))
		return rc;
	ra = arena_alloc(req->arena, (n + 1) * sizeof(*ra));
	added = arena_alloc(req->arena, (x->cf.nsteps + 1) * sizeof(*added));
	if (!ra || !added)
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		ra[i] = (struct rules_agency){ list[i].id, list[i].kind, list[i].areas,
					       list[i].disabled };
	for (size_t i = 0; i < x->cf.nsteps; i++) {
		const struct step_status *s = &x->cf.steps[i];
		int64_t id;
		bool have = false;
		if (s->state != STEP_PENDING || !s->owner)
			continue;
		for (size_t k = 0; k < x->cf.nagencies; k++)
			have |= !strcmp(x->cf.agencies[k].kind, s->owner);
		for (size_t k = 0; k < nadded; k++)
			have |= !strcmp(added[k].kind, s->owner);
		if (have || !rules_route(ra, n, s->owner, x->cf.c.area, &id))
			continue;
		if ((rc = store_case_agency_add(c, x->cf.c.id, id, "routed", x->now, err)))
			return rc;
		added[nadded++] = (struct case_agency_rec){
			.agency_id = id, .kind = s->owner, .reason = "routed", .joined_at = x->now
		};
	}
	if (!nadded)
		return SH_OK;
	return summons_open(c, x->cf.c.id, x->cf.c.area, x->now, added, nadded, x->cf.steps,
			    x->cf.nsteps, req->arena, err);
}

/* Does this entry do a pending step of the case by itself ("done by" in the protocol: a
 * placement decides the placement)? */
static bool does_a_step(struct ectx *x)
{
	const struct protocol *p = x->cf.protocol;
	const char *kind = access_kind_name(x->req->who->kind);

	for (size_t k = 0; k < protocol_nsteps(p); k++) {
		const char *type = protocol_step_done_by(p, k);
		const struct step_status *s;
		if (type && !strcmp(type, x->kind->type) &&
		    protocol_step_done_by_kind(p, k, kind) &&
		    (s = casefile_step(&x->cf, protocol_step_key(p, k), 0)) &&
		    s->state == STEP_PENDING)
			return true;
	}
	return false;
}

/* A timeline is bounded: so many entries a case, so many a minute on one case (from
 * everyone together), so that no one can make a case slow to read for everyone else. */
static enum sh_code timeline_room(struct ectx *x, struct sh_error *err)
{
	const struct county *k = &x->req->app->county;
	size_t recent = 0;

	if (x->cf.nevents >= (size_t)k->events_per_case)
		return sh_error_set(err, SH_EINVAL,
				    "this case holds %zu entries, the most one case may hold (the "
				    "setting events.per_case_max): an administrator can raise it",
				    x->cf.nevents);
	for (size_t i = x->cf.nevents; i-- > 0 && x->cf.events[i].recorded_at > x->now - 60;)
		recent++;
	if (recent >= (size_t)k->events_per_minute) {
		x->retry_after = 60;
		return sh_error_set(
			err, SH_ETOOMANY,
			"this case took %zu entries in the last minute, the most the "
			"setting events.per_case_per_minute allows: try again in a minute",
			recent);
	}
	return SH_OK;
}

static enum sh_code do_add(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct ectx *x = arg;
	struct api_request *req = x->req;
	struct event_rec ev = { 0 };
	const struct event_rec *orig = NULL;
	struct buf data = BUF_INIT, plain = BUF_INIT, sealed = BUF_INIT;
	enum sh_code rc;

	x->conn = c;
	if ((rc = casefile_load(req, c, req->params[0], &x->cf, err)))
		goto out;
	if (x->cf.c.sealed_at) {
		rc = sh_error_set(err, SH_ECONFLICT,
				  "this case's records are sealed (by court order or retention): "
				  "nothing can be added to them");
		goto out;
	}
	if (x->idem_key) {
		char *hash, *case_id;
		int64_t id;
		const struct event_rec *e;
		if ((rc = store_idem_get(c, req->who->user_id, x->idem_key, req->arena, &hash,
					 &case_id, &id, err)))
			goto out;
		/* a key of an identification, or of another request */
		if (case_id && (!id || strcmp(hash, x->request_hash))) {
			rc = sh_error_set(err, SH_EINVAL,
					  "this Idempotency-Key was already used with a different "
					  "case or request body; use a new key for a new entry");
			goto out;
		}
		if (id && (e = casefile_event(&x->cf, id))) {
			/* the same request again: the first answer, and the read is recorded */
			x->replay = true;
			x->event_id = id;
			rc = audit_record(c, req->who, x->now, "event.create", x->cf.c.id,
					  e->section, "replayed", e->type, err);
			goto out;
		}
	}
	if ((rc = timeline_room(x, err)) || (rc = casefile_evaluate(req, &x->cf, x->now, err)))
		goto out;
	/* an arrest may come first: "arrested first, recognised as a victim later" */
	if (x->at < x->cf.c.identified_at -
			    (strcmp(x->kind->type, "arrest")
				     ? 0
				     : (int64_t)req->app->county.arrest_window_days * 86400)) {
		rc = sh_error_field(err, SH_EINVAL, "at", "is before the identification%s",
				    strcmp(x->kind->type, "arrest")
					    ? ""
					    : N_(" by more than the days the setting "
						 "arrest.before_identification_days allows"));
		goto out;
	}
	if (x->amends) {
		orig = casefile_event(&x->cf, x->amends);
		if (!orig || !casefile_event_readable(req->who, &x->cf, orig)) {
			rc = sh_error_field(err, SH_EINVAL, "amends", "no such event in this case");
			goto out;
		}
		if (strcmp(orig->type, x->kind->type) || orig->agency_id != req->who->agency_id) {
			rc = sh_error_field(
				err, SH_EINVAL, "amends",
				"an amendment has the type of the event it corrects and "
				"comes from the same agency");
			goto out;
		}
		if (casefile_amended(&x->cf, orig)) {
			rc = sh_error_field(
				err, SH_EINVAL, "amends",
				"that event was already amended; amend the latest version");
			goto out;
		}
	}
	if (x->kind->check && (rc = x->kind->check(x, err)))
		goto out;
	/* an entry that does a pending step by itself is that step done: a late one needs a
	 * reason and counts when recorded, as a step_done would */
	if (!x->amends && !x->refusal && does_a_step(x) && (rc = late_entry(x, err)))
		goto out;
	/* a correction cannot move what it corrects into a compartment more agencies read */
	if (orig && strcmp(orig->section, x->section)) {
		rc = sh_error_field(
			err, SH_EINVAL, "section",
			"an amendment stays in the section of the event it corrects (%s)",
			orig->section);
		goto out;
	}
	if ((rc = jsonh_dump(x->data, &data)))
		goto out;
	ev.case_id = x->cf.c.id;
	ev.type = x->kind->type;
	ev.section = x->section;
	ev.at = x->at;
	ev.recorded_at = x->now;
	ev.user_id = req->who->user_id;
	ev.agency_id = req->who->agency_id;
	ev.amends = x->amends;
	ev.data = data.data;
	if (json_object_size(x->text)) {
		if ((rc = jsonh_dump(x->text, &plain)) ||
		    (rc = youth_seal_wrapped(&req->app->keys, x->cf.c.youth_key,
					     x->cf.c.youth_key_len, SEALED_EVENT_TEXT, plain.data,
					     plain.len, &sealed, err)))
			goto out;
		ev.sealed = (const unsigned char *)sealed.data;
		ev.sealed_len = sealed.len;
	}
	if ((rc = store_event_insert(c, &ev, err)))
		goto out;
	x->event_id = ev.id;
	/* a refused arrest keeps no key: sent again, it is refused (and recorded) again */
	if (x->idem_key && !x->refusal &&
	    (rc = store_idem_put(c, req->who->user_id, x->idem_key, x->request_hash, x->cf.c.id,
				 ev.id, x->now, err)))
		goto out;
	if (x->close && (rc = store_case_set_closed(c, x->cf.c.id, casefile_counted_at(&ev),
						    jsonh_str(x->data, "reason"), err)))
		goto out;
	if (x->reopen && (rc = store_case_set_closed(c, x->cf.c.id, 0, NULL, err)))
		goto out;
	if (x->worker &&
	    (rc = store_case_worker_set(c, x->cf.c.id, req->who->agency_id,
					x->worker > 0 ? x->worker : 0, x->at, ev.id, err)))
		goto out;
	if (x->search_term[0] &&
	    (rc = store_youth_search_add(c, x->cf.c.youth_id,
					 (const char *const[]){ x->search_term }, 1, err)))
		goto out;
	/* the derived steps change with the timeline: recompute them in the same transaction
	 * (the case's facts may have changed, and with them who owes what) */
	if ((rc = casefile_load(req, c, req->params[0], &x->cf, err)) ||
	    (rc = casefile_evaluate(req, &x->cf, x->now, err)) ||
	    (rc = casefile_save_steps(c, req, &x->cf, err)) || (rc = route_new_owners(x, c, err)))
		goto out;
	/* lists decide with it who sees initials (PC 293) */
	if (!strcmp(x->kind->type, "name_confidentiality") &&
	    (rc = store_case_set_confidential(c, x->cf.c.id, x->cf.state.name_confidential, err)))
		goto out;
	/* a step done (or a case closed) answers the summons for it */
	if ((rc = summons_settle(c, x->cf.c.id, x->cf.c.closed_at != 0, x->cf.steps, x->cf.nsteps,
				 req->who->user_id, x->now, req->arena, err)))
		goto out;
	rc = audit_record(c, req->who, x->now, x->refusal ? "arrest.refused" : "event.create",
			  x->cf.c.id, x->section, x->refusal ? "refused" : "ok", x->kind->type,
			  err);
out:
	buf_release(&data);
	buf_wipe(&plain);
	buf_release(&sealed);
	return rc;
}

API_HANDLER(api_events_create)
{
	struct app *app = req->app;
	struct ectx x = { .req = req };
	json_t *warnings = x.warnings = json_array();
	const char *type;
	struct store_conn *c;
	struct casefile cf;
	bool entered = false;
	enum sh_code rc;

	x.now = clock_now(&app->clock);
	x.idem_key = api_header(req, "Idempotency-Key");
	if (x.idem_key && (rc = inflight_check_key(x.idem_key, err))) {
		json_decref(warnings);
		return rc;
	}
	if (!(x.body = api_body_object(req, err))) {
		json_decref(warnings);
		return err->code;
	}
	/* the gate: a case the caller may not see does not exist for it */
	if ((rc = store_read_begin(app->store, &c, err)))
		goto out;
	rc = casefile_open(req, c, req->params[0], &cf, err);
	store_read_end(c);
	if (rc)
		goto out;
	type = jsonh_str(x.body, "type");
	if (!(x.kind = event_kind_of(type)) || !x.kind->spec) {
		struct buf list = BUF_INIT;
		for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
			if (kinds[i].spec)
				buf_addf(&list, "%s%s", list.len ? ", " : "", kinds[i].type);
		rc = sh_error_field(err, SH_EINVAL, "type", "must be one of: %s", list.data);
		buf_release(&list);
		goto out;
	}
	if ((rc = jsonh_check(x.body, x.kind->spec, "", err)))
		goto out;
	timefmt_parse_rfc3339(jsonh_str(x.body, "at"), &x.at);
	if (x.at > x.now + app->cfg.clock_skew_s) {
		rc = sh_error_field(err, SH_EINVAL, "at", "is in the future");
		goto out;
	}
	x.amends = jsonh_int(x.body, "amends", 0);
	if (x.kind->section >= 0) {
		x.section = access_section_name((enum section)x.kind->section);
		if (!access_can_write(req->who, (enum section)x.kind->section)) {
			rc = sh_error_set(err, SH_EFORBIDDEN,
					  "your agency may not record %s events (%s section)",
					  x.kind->type, x.section);
			goto out;
		}
	}
	x.lang = api_language(req); /* before the write: it reads a preference */
	x.data = json_object();
	x.text = json_object();
	for (const char *const *f = x.kind->text_fields; f && *f; f++) {
		const char *t = jsonh_str(x.body, *f), *phrase;
		if (!t)
			continue;
		json_object_set_new(x.text, *f, json_string(t));
		if ((phrase = rules_derogatory_phrase(t)))
			json_array_append_new(
				warnings, json_pack("{s:s, s:s}", "field", *f, "message",
						    arena_printf(req->arena, "\"%s\": %s", phrase,
								 rules_language_advice)));
	}
	if (json_is_true(json_object_get(x.body, "confidentiality_explained")))
		json_object_set_new(x.data, "confidentiality_explained", json_true());
	if (x.idem_key) {
		/* the key stands for this request on this case: the hash covers both */
		struct buf b = BUF_INIT;
		buf_addf(&b, "%s\n", req->params[0]);
		buf_add(&b, req->body, req->body_len);
		shcrypto_hash_hex(b.data, b.len, x.request_hash);
		buf_release(&b);
		if (!inflight_enter(app->inflight, req->who->user_id, x.idem_key)) {
			rc = sh_error_set(err, SH_ECONFLICT,
					  "a request with this Idempotency-Key is still being "
					  "processed; retry in a moment");
			goto out;
		}
		entered = true;
	}
	if ((rc = store_write(app->store, do_add, &x, err))) {
		if (x.retry_after)
			api_add_header(res, "Retry-After",
				       arena_printf(req->arena, "%d", x.retry_after));
		goto out;
	}
	if (x.refusal) {
		/* recorded for the supervisors; for the officer, a refusal that says why */
		rc = sh_error_field(err, SH_EINVAL, "offense", "%s", x.refusal);
		goto out;
	}
	/* answer from what was committed */
	if ((rc = store_read_begin(app->store, &c, err)))
		goto out;
	rc = casefile_load(req, c, req->params[0], &cf, err);
	store_read_end(c);
	if (rc || (rc = casefile_evaluate(req, &cf, x.now, err)))
		goto out;
	{
		/* written straight into the body (lib/jsonw.h), keys in byte order */
		json_t *ev = casefile_event_json(req, &cf, casefile_event(&cf, x.event_id));
		struct jsonw w;

		buf_reset(&res->body);
		res->status = x.replay ? 200 : 201;
		res->content_type = "application/json";
		jsonw_init(&w, &res->body);
		jsonw_object(&w);
		jsonw_key(&w, "event");
		jsonw_value(&w, ev);
		jsonw_key(&w, "steps");
		casefile_write_steps(&w, req->who, &cf);
		if (json_array_size(warnings)) {
			jsonw_key(&w, "warnings");
			jsonw_value(&w, warnings);
		}
		jsonw_end(&w);
		json_decref(ev);
		rc = jsonw_finish(&w, err);
	}
out:
	if (entered)
		inflight_leave(app->inflight, req->who->user_id, x.idem_key);
	json_decref(warnings);
	json_decref(x.data);
	json_decref(x.text);
	json_decref(x.body);
	return rc;
}

/* The timeline, oldest first, a page at a time (?limit=, ?cursor= the last id of the page
 * before): only the entries the caller may read; one audit row per section on the page. */
API_HANDLER(api_events_list)
{
	struct app *app = req->app;
	struct store_conn *c;
	struct casefile cf;
	int64_t now = clock_now(&app->clock), limit, cursor, last = 0;
	bool seen[SEC_COUNT] = { false }, more = false;
	const char *id = req->params[0], *action;
	json_t *items, *out;
	enum sh_code rc;

	if ((rc = params_int(req, "limit", 1, 1000, 500, &limit, err)) ||
	    (rc = params_int(req, "cursor", 0, INT64_MAX, 0, &cursor, err)) ||
	    (rc = params_read_action(req, "events", &action, err)))
		return rc;
	if ((rc = store_read_begin(app->store, &c, err)))
		return rc;
	rc = casefile_open(req, c, id, &cf, err);
	store_read_end(c);
	if (rc)
		return rc;
	items = json_array();
	for (size_t i = 0; i < cf.nevents; i++) {
		const struct event_rec *e = &cf.events[i];
		json_t *j;
		if (e->id <= cursor || !casefile_event_readable(req->who, &cf, e))
			continue;
		if ((int64_t)json_array_size(items) == limit) {
			more = true;
			break;
		}
		if ((j = casefile_event_json(req, &cf, e))) {
			json_array_append_new(items, j);
			seen[access_section_parse(e->section)] = true;
			last = e->id;
		}
	}
	/* one audit row per section read, durable before the answer */
	for (int s = 0; s < SEC_COUNT; s++) {
		struct audit_batch b = { .who = req->who,
					 .now = now,
					 .action = action,
					 .outcome = "ok",
					 .case_ids = &id,
					 .ncases = 1,
					 .section = access_section_name((enum section)s) };
		if (seen[s] && (rc = audit_defer(req, &b, err))) {
			json_decref(items);
			return rc;
		}
	}
	out = json_pack("{s:o}", "items", items);
	json_object_set_new(out, "next", more ? json_sprintf("%" PRId64, last) : json_null());
	return api_reply_json_new(res, 200, out);
}
