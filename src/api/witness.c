/*
 * Minor victim witnesses (motion item 3): CCTV eligibility, prosecutions with their
 * defendants and hearings, listing a youth as a witness, and the witness view of a
 * case (eligibility with reasons, the advocate, the safety plan, the clocks).
 *
 *   POST /api/v1/witness/eligibility
 *   GET/POST /api/v1/prosecutions, GET /api/v1/prosecutions/{id}
 *   POST /api/v1/prosecutions/{id}/hearings | /outcome | /witnesses
 *   GET  /api/v1/cases/{id}/witness
 */
#include "lib/common.h"
#include "api/app.h"
#include "api/audit.h"
#include "api/casefile.h"
#include "api/handlers.h"
#include "api/params.h"
#include "core/witness.h"
#include "lib/jsonh.h"
#include "lib/shcrypto.h"
#include "lib/timefmt.h"

static const char *const roles[] = { "exploiter", "buyer", NULL };
static const char *const hearing_kinds[] = { "preliminary", "trial", "motion", "other", NULL };
static const char *const outcomes[] = { "convicted", "plea", "acquitted", "dismissed", NULL };

/* Checks a list of charges: each normalises to a Penal Code section. */
static enum sh_code check_charges(const json_t *arr, const char *field, bool required,
				  struct sh_error *err)
{
	size_t i;
	json_t *v;
	char norm[WITNESS_CHARGE_MAX + 1], name[96];

	if (!arr) {
		if (required)
			sh_error_field(err, SH_EINVAL, field, "is required");
		return err->nfields ? SH_EINVAL : SH_OK;
	}
	if (!json_is_array(arr) || (required && !json_array_size(arr)) || json_array_size(arr) > 30)
		return sh_error_field(err, SH_EINVAL, field,
				      "give 1 to 30 charges, such as PC 236.1, PC 288");
	json_array_foreach(arr, i, v) {
		snprintf(name, sizeof(name), "%s[%zu]", field, i);
		if (!json_is_string(v) || witness_charge_normalise(json_string_value(v), norm))
			sh_error_field(err, SH_EINVAL, name,
				       "write a Penal Code section, such as PC 236.1");
	}
	return err->nfields ? SH_EINVAL : SH_OK;
}

/* The rules' verdicts as JSON: [{rule, eligible, in_effect, age, reason, source}], each
 * reason in lang ("es" or English) */
static json_t *verdicts(const struct witness_rules *rules, struct sh_date birth,
			struct sh_date motion, const json_t *charges, bool victim, const char *lang,
			struct sh_error *err)
{
	struct witness_result res[WITNESS_MAX_RULES];
	const char *list[32];
	size_t n = 0, nc = 0, i;
	json_t *v, *out;

	json_array_foreach(charges, i, v)
		if (nc < ARRAY_SIZE(list) && json_is_string(v))
			list[nc++] = json_string_value(v);
	if (witness_evaluate(rules, birth, motion, list, nc, victim, res, ARRAY_SIZE(res), &n)) {
		sh_error_field(err, SH_EINVAL, "birth_date",
			       "the birth date must be before the date of the motion: check both");
		return NULL;
	}
	out = json_array();
	for (size_t r = 0; r < n; r++) {
		json_t *o =
			json_pack("{s:s, s:b, s:b, s:i, s:s}", "rule", res[r].rule, "eligible",
				  res[r].eligible, "in_effect", res[r].in_effect, "age", res[r].age,
				  "reason", strcmp(lang, "es") ? res[r].reason : res[r].reason_es);
		json_object_set_new(o, "source",
				    res[r].source ? json_string(res[r].source) : json_null());
		json_array_append_new(out, o);
	}
	return out;
}

API_HANDLER(api_witness_eligibility)
{
	static const struct jsonh_field spec[] = {
		{ "birth_date", JT_DATE, JF_REQUIRED, 0, 0, NULL },
		{ "motion_date", JT_DATE, JF_REQUIRED, 0, 0, NULL },
		{ "hearing_date", JT_DATE, 0, 0, 0, NULL },
		{ "charges", JT_ANY, JF_REQUIRED, 0, 0, NULL },
		{ "victim", JT_BOOL, 0, 0, 0, NULL },
		{ NULL },
	};
	const struct witness_rules *rules = req->app->witness_rules;
	struct sh_date birth, motion, hearing;
	json_t *body, *rs, *out = NULL;
	enum sh_code rc;

	if (!rules)
		return sh_error_set(err, SH_EINTERNAL, "no witness rules are loaded");
	if (!(body = api_body_object(req, err)))
		return err->code;
	jsonh_check(body, spec, "", err);
	check_charges(json_object_get(body, "charges"), "charges", true, err);
	if (err->nfields) {
		rc = SH_EINVAL;
		goto out;
	}
	timefmt_parse_date(jsonh_str(body, "birth_date"), &birth);
	timefmt_parse_date(jsonh_str(body, "motion_date"), &motion);
	if (!(rs = verdicts(rules, birth, motion, json_object_get(body, "charges"),
			    jsonh_bool(body, "victim", true), api_language(req), err))) {
		rc = err->code;
		goto out;
	}
	out = json_pack("{s:o, s:s, s:s}", "rules", rs, "rule_set", witness_rules_name(rules),
			"rule_set_version", witness_rules_version(rules));
	if (jsonh_str(body, "hearing_date")) {
		char d[11];
		timefmt_parse_date(jsonh_str(body, "hearing_date"), &hearing);
		timefmt_format_date(witness_notice_due(rules, hearing), d);
		json_object_set_new(out, "notice_due", json_string(d));
	}
	rc = api_reply_json_new(res, 200, out);
out:
	json_decref(body);
	return rc;
}

/* ---- prosecutions ---- */

static bool is_prosecutor(const struct principal *p)
{
	return p->kind == AK_PROSECUTOR && (p->role == ROLE_MEMBER || p->role == ROLE_SUPERVISOR);
}

struct pros_write {
	struct api_request *req;
	int64_t now;
	struct prosecution_rec p;
	json_t *defendants;
	struct hearing_rec h;
	const char *outcome;
	int64_t outcome_at;
	struct witness_rec w;
	bool not_victim;  /* the minor witnessed the charged offences but is not their victim */
	const char *what; /* "create", "hearing", "outcome", "witness" */
};

static enum sh_code seal_name(struct api_request *req, const char *name, struct buf *out)
{
	return shcrypto_seal(&req->app->keys, name, strlen(name),
			     sealed_context[SEALED_DEFENDANT_NAME], out);
}

/* How far from now a prosecution's dates may lie (a prosecution still open twenty years
 * on is not one this system follows; hearings are set at most about three years ahead). */
#define PROSECUTION_BACK_S ((int64_t)20 * 366 * 86400)
#define PROSECUTION_AHEAD_S ((int64_t)3 * 366 * 86400)

static enum sh_code do_prosecution(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct pros_write *x = arg;
	struct api_request *req = x->req;
	enum sh_code rc = SH_OK;
	size_t i;
	json_t *d;

	if (!strcmp(x->what, "create")) {
		if ((rc = store_prosecution_insert(c, &x->p, err)))
			return rc;
		json_array_foreach(x->defendants, i, d) {
			struct buf sealed = BUF_INIT, charges = BUF_INIT;
			struct defendant_rec r = { .prosecution_id = x->p.id,
						   .role = jsonh_str(d, "role"),
						   .created_at = x->now };
			json_t *ch = json_object_get(d, "charges");
			if (ch)
				jsonh_dump(ch, &charges);
			else
				buf_adds(&charges, "[]");
			rc = seal_name(req, jsonh_str(d, "name"), &sealed);
			r.name_sealed = (const unsigned char *)sealed.data;
			r.name_len = sealed.len;
			r.charges = charges.data;
			if (!rc)
				rc = store_defendant_insert(c, &r, err);
			buf_release(&sealed);
			buf_release(&charges);
			if (rc)
				return rc;
		}
		return audit_record(c, req->who, x->now, "prosecution.create", NULL, "prosecution",
				    "ok", NULL, err);
	}
	if ((rc = store_prosecution_get(c, x->p.id, req->arena, &x->p, err)))
		return rc;
	if (x->p.agency_id != req->who->agency_id)
		return sh_error_set(err, SH_ENOTFOUND, "no such prosecution");
	/* times a court could have: nothing before the charges were filed, hearings up to
	 * three years ahead, an outcome not in the future */
	if (!strcmp(x->what, "hearing") &&
	    (rc = timefmt_check_range("at", x->h.at, x->p.filed_at, x->now + PROSECUTION_AHEAD_S,
				      "from the filing of the charges to three years ahead", err)))
		return rc;
	if (!strcmp(x->what, "outcome") &&
	    (rc = timefmt_check_range("at", x->outcome_at, x->p.filed_at,
				      x->now + req->app->cfg.clock_skew_s,
				      "from the filing of the charges to now", err)))
		return rc;
	if (!strcmp(x->what, "hearing")) {
		x->h.prosecution_id = x->p.id;
		x->h.created_at = x->now;
		rc = store_hearing_insert(c, &x->h, err);
	} else if (!strcmp(x->what, "outcome")) {
		rc = store_prosecution_set_outcome(c, x->p.id, x->outcome, x->outcome_at, err);
	} else {
		/* listing a witness: only on a case the prosecutor's agency already takes part
		 * in (an agency on the case invited it: agency_invited); the youth must be a minor
		 * on the day. A case it may not see does not exist for it. */
		struct casefile cf;
		struct event_rec ev = { 0 };
		char data[128];
		if ((rc = casefile_open(req, c, x->w.case_id, &cf, err))) {
			if (rc == SH_ENOTFOUND) {
				sh_error_init(err);
				return sh_error_field(
					err, SH_ENOTFOUND, "case_id",
					"no such case is shared with your agency: an agency "
					"on the case brings the prosecutor in first");
			}
			return rc;
		}
		if (casefile_age_at(&cf, req->app->county.tz, x->now) >= 18)
			return sh_error_field(err, SH_EINVAL, "case_id",
					      "the youth is 18 or older, so not a minor victim "
					      "witness: this list is for minors");
		x->w.prosecution_id = x->p.id;
		x->w.listed_at = x->now;
		if ((rc = store_witness_insert(c, &x->w, err)))
			return rc;
		snprintf(data, sizeof(data),
			 "{\"prosecution_id\":%" PRId64 ",\"victim\":%s,\"witness_id\":%" PRId64
			 "}",
			 x->p.id, x->not_victim ? "false" : "true", x->w.id);
		ev.case_id = x->w.case_id;
		ev.type = "witness_listed";
		ev.section = "court";
		ev.at = x->now;
		ev.recorded_at = x->now;
		ev.user_id = req->who->user_id;
		ev.agency_id = req->who->agency_id;
		ev.data = data;
		if ((rc = store_event_insert(c, &ev, err)))
			return rc;
		/* the witness items (advocate, notice, review) join the case's derived steps */
		if ((rc = casefile_load(req, c, x->w.case_id, &cf, err)) ||
		    (rc = casefile_save_steps(c, req, &cf, err)))
			return rc;
		return audit_record(c, req->who, x->now, "witness.list", x->w.case_id, "court",
				    "ok", NULL, err);
	}
	if (rc)
		return rc;
	/* hearings change the witness clocks of every case listed in the prosecution */
	if (!strcmp(x->what, "hearing")) {
		struct witness_rec *ws;
		size_t n;
		if ((rc = store_witnesses_list(c, NULL, x->p.id, req->arena, &ws, &n, err)))
			return rc;
		for (size_t k = 0; k < n; k++) {
			struct casefile cf;
			if ((rc = casefile_load(req, c, ws[k].case_id, &cf, err)) ||
			    (rc = casefile_save_steps(c, req, &cf, err)))
				return rc;
		}
	}
	return audit_record(c, req->who, x->now,
			    !strcmp(x->what, "hearing") ? "prosecution.hearing"
							: "prosecution.outcome",
			    NULL, "prosecution", "ok", NULL, err);
}

static json_t *prosecution_json(struct api_request *req, struct store_conn *c,
				const struct prosecution_rec *p, bool defendants,
				struct sh_error *err)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)p->id, "court_case_number",
			      p->court_case_number, "court", p->court, "charges",
			      json_loads(p->charges, 0, NULL));
	json_t *hs = json_array(), *ws = json_array();
	struct hearing_rec *h;
	struct witness_rec *w;
	size_t n;

	jsonh_set_time(o, "filed_at", p->filed_at, false);
	jsonh_set_str(o, "outcome", p->outcome);
	jsonh_set_time(o, "outcome_at", p->outcome_at, true);
	if (!store_hearings_list(c, p->id, req->arena, &h, &n, err))
		for (size_t i = 0; i < n; i++) {
			json_t *j = json_pack("{s:I, s:s}", "id", (json_int_t)h[i].id, "kind",
					      h[i].kind);
			jsonh_set_time(j, "at", h[i].at, false);
			json_array_append_new(hs, j);
		}
	json_object_set_new(o, "hearings", hs);
	if (!store_witnesses_list(c, NULL, p->id, req->arena, &w, &n, err))
		for (size_t i = 0; i < n; i++) {
			struct casefile cf;
			json_t *j;
			/* another witness's case only for those who may know it exists */
			if (casefile_load(req, c, w[i].case_id, &cf, err) ||
			    !casefile_visible(req, &cf)) {
				sh_error_init(err);
				continue;
			}
			j = json_pack("{s:I, s:s}", "id", (json_int_t)w[i].id, "case_id",
				      w[i].case_id);
			jsonh_set_time(j, "listed_at", w[i].listed_at, false);
			json_array_append_new(ws, j);
		}
	json_object_set_new(o, "witnesses", ws);
	if (defendants) {
		struct defendant_rec *d;
		json_t *ds = json_array();
		if (!store_defendants_list(c, p->id, req->arena, &d, &n, err))
			for (size_t i = 0; i < n; i++) {
				struct buf name = BUF_INIT;
				struct sh_error ignored = SH_ERROR_INIT;
				shcrypto_open(&req->app->keys, d[i].name_sealed, d[i].name_len,
					      sealed_context[SEALED_DEFENDANT_NAME], &name,
					      &ignored);
				json_array_append_new(
					ds,
					json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)d[i].id,
						  "role", d[i].role, "name", name.data, "charges",
						  json_loads(d[i].charges, 0, NULL)));
				buf_wipe(&name);
			}
		json_object_set_new(o, "defendants", ds);
	}
	return o;
}

API_HANDLER(api_prosecutions_create)
{
	static const struct jsonh_field spec[] = {
		{ "court_case_number", JT_STRING, JF_REQUIRED, 1, 40, NULL },
		{ "court", JT_STRING, JF_REQUIRED, 1, 100, NULL },
		{ "charges", JT_ANY, JF_REQUIRED, 0, 0, NULL },
		{ "filed_at", JT_TIME, JF_REQUIRED, 0, 0, NULL },
		{ "defendants", JT_ANY, 0, 0, 0, NULL },
		{ NULL },
	};
	static const struct jsonh_field dspec[] = {
		{ "role", JT_ENUM, JF_REQUIRED, 0, 0, roles },
		{ "name", JT_STRING, JF_REQUIRED, 1, 120, NULL },
		{ "charges", JT_ANY, 0, 0, 0, NULL },
		{ NULL },
	};
	struct pros_write x = { .req = req, .what = "create" };
	struct buf charges = BUF_INIT;
	struct store_conn *c;
	json_t *body, *defs, *d, *out;
	size_t i;
	enum sh_code rc;

	if (!(body = api_body_object(req, err)))
		return err->code;
	jsonh_check(body, spec, "", err);
	check_charges(json_object_get(body, "charges"), "charges", true, err);
	defs = json_object_get(body, "defendants");
	if (defs && (!json_is_array(defs) || json_array_size(defs) > 50))
		sh_error_field(err, SH_EINVAL, "defendants", "must be a list of at most 50");
	else
		json_array_foreach(defs, i, d) {
			char prefix[40], field[60];
			snprintf(prefix, sizeof(prefix), "defendants[%zu].", i);
			snprintf(field, sizeof(field), "defendants[%zu].charges", i);
			if (!json_is_object(d)) {
				sh_error_field(err, SH_EINVAL, prefix, "must be an object");
				continue;
			}
			jsonh_check(d, dspec, prefix, err);
			check_charges(json_object_get(d, "charges"), field, false, err);
		}
	if (err->nfields) {
		rc = SH_EINVAL;
		goto out;
	}
	x.now = clock_now(&req->app->clock);
	jsonh_dump(json_object_get(body, "charges"), &charges);
	x.p.agency_id = req->who->agency_id;
	x.p.court_case_number = jsonh_str(body, "court_case_number");
	x.p.court = jsonh_str(body, "court");
	x.p.charges = charges.data;
	timefmt_parse_rfc3339(jsonh_str(body, "filed_at"), &x.p.filed_at);
	if ((rc = timefmt_check_range("filed_at", x.p.filed_at, x.now - PROSECUTION_BACK_S,
				      x.now + req->app->cfg.clock_skew_s,
				      "charges filed in the last twenty years, not in the future",
				      err)))
		goto out;
	x.p.created_at = x.now;
	x.p.created_by = req->who->user_id;
	x.defendants = defs;
	if ((rc = store_write(req->app->store, do_prosecution, &x, err)))
		goto out;
	if ((rc = store_read_begin(req->app->store, &c, err)))
		goto out;
	if (!(rc = store_prosecution_get(c, x.p.id, req->arena, &x.p, err)))
		out = prosecution_json(req, c, &x.p, true, err);
	store_read_end(c);
	if (!rc)
		rc = api_reply_json_new(res, 201, out);
out:
	buf_release(&charges);
	json_decref(body);
	return rc;
}

API_HANDLER(api_prosecutions_list)
{
	struct store_conn *c;
	struct prosecution_rec *list;
	size_t n;
	json_t *items;
	enum sh_code rc;

	if ((rc = store_read_begin(req->app->store, &c, err)))
		return rc;
	rc = store_prosecution_list(c, req->who->agency_id, req->arena, &list, &n, err);
	items = json_array();
	for (size_t i = 0; !rc && i < n; i++)
		json_array_append_new(items, prosecution_json(req, c, &list[i], false, err));
	store_read_end(c);
	if (rc) {
		json_decref(items);
		return rc;
	}
	return api_reply_json_new(res, 200, json_pack("{s:o}", "items", items));
}

/* Prosecutor staff of the agency, or law enforcement taking part in one of its witness cases. */
static enum sh_code open_prosecution(struct api_request *req, struct store_conn *c,
				     struct prosecution_rec *p, struct sh_error *err)
{
	int64_t id;
	enum sh_code rc;

	if ((rc = params_id(req, 0, &id, err)))
		return rc;
	if ((rc = store_prosecution_get(c, id, req->arena, p, err)))
		return rc;
	if (is_prosecutor(req->who) && p->agency_id == req->who->agency_id)
		return SH_OK;
	if (req->who->kind == AK_LAW_ENFORCEMENT) {
		struct witness_rec *ws;
		size_t n;
		if ((rc = store_witnesses_list(c, NULL, p->id, req->arena, &ws, &n, err)))
			return rc;
		for (size_t i = 0; i < n; i++) {
			struct casefile cf;
			if (!casefile_load(req, c, ws[i].case_id, &cf, err) &&
			    casefile_visible(req, &cf))
				return SH_OK;
			sh_error_init(err);
		}
	}
	return sh_error_set(err, SH_ENOTFOUND, "no such prosecution");
}

API_HANDLER(api_prosecution_get)
{
	struct store_conn *c;
	struct prosecution_rec p;
	json_t *out = NULL;
	struct audit_batch b = { .who = req->who,
				 .action = "prosecution.read",
				 .outcome = "ok",
				 .section = "prosecution" };
	enum sh_code rc;

	if ((rc = store_read_begin(req->app->store, &c, err)))
		return rc;
	if (!(rc = open_prosecution(req, c, &p, err)))
		out = prosecution_json(req, c, &p, access_can_read(req->who, SEC_PROSECUTION), err);
	store_read_end(c);
	if (rc)
		return rc;
	b.now = clock_now(&req->app->clock);
	if ((rc = audit_defer(req, &b, err))) {
		json_decref(out);
		return rc;
	}
	return api_reply_json_new(res, 200, out);
}

static enum sh_code prosecution_change(struct api_request *req, struct api_response *res,
				       struct sh_error *err, struct pros_write *x,
				       const struct jsonh_field *spec, json_t **body)
{
	enum sh_code rc;

	if ((rc = params_id(req, 0, &x->p.id, err)))
		return rc;
	if (!(*body = api_body_object(req, err)))
		return err->code;
	if ((rc = jsonh_check(*body, spec, "", err)))
		return rc;
	UNUSED(res);
	x->req = req;
	x->now = clock_now(&req->app->clock);
	return SH_OK;
}

API_HANDLER(api_prosecution_hearing)
{
	static const struct jsonh_field spec[] = {
		{ "kind", JT_ENUM, JF_REQUIRED, 0, 0, hearing_kinds },
		{ "at", JT_TIME, JF_REQUIRED, 0, 0, NULL },
		{ NULL },
	};
	struct pros_write x = { .what = "hearing" };
	json_t *body = NULL;
	enum sh_code rc = prosecution_change(req, res, err, &x, spec, &body);

	if (!rc) {
		x.h.kind = jsonh_str(body, "kind");
		timefmt_parse_rfc3339(jsonh_str(body, "at"), &x.h.at);
		rc = store_write(req->app->store, do_prosecution, &x, err);
	}
	if (!rc) {
		json_t *o = json_pack("{s:I, s:I, s:s}", "id", (json_int_t)x.h.id, "prosecution_id",
				      (json_int_t)x.p.id, "kind", x.h.kind);
		jsonh_set_time(o, "at", x.h.at, false);
		rc = api_reply_json_new(res, 201, o);
	}
	json_decref(body);
	return rc;
}

API_HANDLER(api_prosecution_outcome)
{
	static const struct jsonh_field spec[] = {
		{ "outcome", JT_ENUM, JF_REQUIRED, 0, 0, outcomes },
		{ "at", JT_TIME, JF_REQUIRED, 0, 0, NULL },
		{ NULL },
	};
	struct pros_write x = { .what = "outcome" };
	json_t *body = NULL;
	enum sh_code rc = prosecution_change(req, res, err, &x, spec, &body);

	if (!rc) {
		x.outcome = jsonh_str(body, "outcome");
		timefmt_parse_rfc3339(jsonh_str(body, "at"), &x.outcome_at);
		rc = store_write(req->app->store, do_prosecution, &x, err);
	}
	if (!rc)
		rc = api_reply_json_new(
			res, 200,
			json_pack("{s:I, s:s}", "id", (json_int_t)x.p.id, "outcome", x.outcome));
	json_decref(body);
	return rc;
}

API_HANDLER(api_prosecution_witness)
{
	static const struct jsonh_field spec[] = {
		{ "case_id", JT_STRING, JF_REQUIRED, 1, 40, NULL },
		{ "victim", JT_BOOL, 0, 0, 0, NULL },
		{ NULL },
	};
	struct pros_write x = { .what = "witness" };
	json_t *body = NULL;
	enum sh_code rc = prosecution_change(req, res, err, &x, spec, &body);

	if (!rc) {
		x.w.case_id = jsonh_str(body, "case_id");
		x.not_victim = !jsonh_bool(body, "victim", true);
		rc = store_write(req->app->store, do_prosecution, &x, err);
	}
	if (!rc) {
		json_t *o = json_pack("{s:I, s:I, s:s}", "id", (json_int_t)x.w.id, "prosecution_id",
				      (json_int_t)x.p.id, "case_id", x.w.case_id);
		jsonh_set_time(o, "listed_at", x.w.listed_at, false);
		rc = api_reply_json_new(res, 201, o);
	}
	json_decref(body);
	return rc;
}

/* ---- the witness view of a case ---- */

static json_t *witness_json(struct api_request *req, struct store_conn *c, struct casefile *cf,
			    size_t i, int64_t now, struct sh_error *err)
{
	const struct witness_rec *w = &cf->witnesses[i];
	const struct app *app = req->app;
	const struct event_rec *adv =
		casefile_find(cf, "witness_advocate", "witness_id", w->id, NULL, 0);
	json_t *o =
		json_pack("{s:I, s:I, s:s}", "id", (json_int_t)w->id, "prosecution_id",
			  (json_int_t)w->prosecution_id, "court_case_number", w->court_case_number);
	json_t *plan = json_object(), *signoffs = json_array(), *reset = json_array(),
	       *items = json_array(), *motions = json_array(), *missing = json_array();
	struct plan_state ps;
	const struct event_rec *filed =
		casefile_find(cf, "cctv_motion", "witness_id", w->id, NULL, 0);
	struct sh_date birth = casefile_birth(cf, app->county.tz);
	/* judged on the motion date: the motion's once filed, else today (the earliest a motion
	 * could be dated), as POST /api/v1/witness/eligibility does */
	struct sh_date motion = tz_date(app->county.tz, filed ? filed->at : now);
	json_t *warnings = json_array();

	jsonh_set_time(o, "listed_at", w->listed_at, false);
	json_object_set_new(o, "charges", json_loads(w->charges, 0, NULL));
	if (app->witness_rules) {
		struct sh_error ignored = SH_ERROR_INIT;
		json_t *rs =
			verdicts(app->witness_rules, birth, motion, json_object_get(o, "charges"),
				 casefile_witness_victim(cf, w), api_language(req), &ignored);
		char d[11];
		timefmt_format_date(motion, d);
		json_object_set_new(o, "eligibility",
				    json_pack("{s:s, s:b, s:b, s:o}", "motion_date", d,
					      "motion_filed", filed != NULL, "birth_date_estimated",
					      !cf->state.has_birth, "rules",
					      rs ? rs : json_array()));
	}
	/* a motion filed after a notice was due cannot have had its notice in time */
	for (size_t k = 0; filed && k < cf->nsteps; k++) {
		const struct step_status *s = &cf->steps[k];
		char when[TZ_LOCAL_LEN];
		if (strcmp(s->key, "witness_notice") || s->state == STEP_NOT_APPLICABLE ||
		    filed->at <= s->due_at)
			continue;
		for (size_t h = 0; h < cf->nhearings[i]; h++)
			if (s->episode == (int)cf->hearings[i][h].id) {
				tz_format(app->county.tz, s->due_at, when);
				json_array_append_new(
					warnings,
					json_sprintf(
						"the motion was filed after the written notice for the %s "
						"hearing was due (%.10s): the notice cannot have been given three "
						"days ahead",
						cf->hearings[i][h].kind, when));
			}
	}
	json_object_set_new(o, "warnings", warnings);
	if (adv) {
		struct user_rec u;
		json_t *d = json_loads(adv->data, 0, NULL);
		if (!store_user_get(c, jsonh_int(d, "user_id", 0), NULL, req->arena, &u, err))
			json_object_set_new(
				o, "advocate",
				json_pack("{s:I, s:s, s:o, s:s}", "user_id", (json_int_t)u.id,
					  "name", u.display_name, "contact",
					  u.contact ? json_string(u.contact) : json_null(),
					  "agency", u.agency_name));
		json_decref(d);
		sh_error_init(err);
	} else {
		json_object_set_new(o, "advocate", json_null());
	}
	casefile_plan_state(cf, w->id, &ps);
	for (int k = 0; k < WITNESS_PLAN_NPARTS; k++)
		if (app->county.plan_required & ~ps.written & (1u << k))
			json_array_append_new(missing, json_string(witness_plan_part_keys[k]));
	for (size_t k = 0; k < cf->nevents; k++) {
		const struct event_rec *e = &cf->events[k];
		json_t *d, *ej;
		if (casefile_amended(cf, e))
			continue;
		d = json_loads(e->data, 0, NULL);
		if (jsonh_int(d, "witness_id", -1) == w->id) {
			if (!strcmp(e->type, "safety_plan") &&
			    (ej = casefile_event_json(req, cf, e))) {
				json_t *part = json_pack("{s:O, s:O, s:O, s:O}", "text",
							 json_object_get(ej, "text"), "by",
							 json_object_get(ej, "author"), "at",
							 json_object_get(ej, "at"), "kind",
							 json_object_get(ej, "kind"));
				json_object_set_new(plan, jsonh_str(d, "part"), part);
				json_decref(ej);
			} else if (!strcmp(e->type, "safety_plan_signoff")) {
				/* a sign-off recorded before the plan last changed was reset by it */
				json_t *s = json_pack("{s:s}", "kind", jsonh_str(d, "kind"));
				jsonh_set_time(s, "at", e->at, false);
				json_array_append_new(e->id > ps.changed_by ? signoffs : reset, s);
			} else if (!strcmp(e->type, "cctv_motion")) {
				json_t *m = json_pack("{s:s, s:s}", "rule", jsonh_str(d, "rule"),
						      "outcome", jsonh_str(d, "outcome"));
				jsonh_set_time(m, "at", e->at, false);
				json_array_append_new(motions, m);
			}
		}
		json_decref(d);
	}
	json_object_set_new(o, "safety_plan",
			    json_pack("{s:o, s:o, s:o, s:o}", "parts", plan, "signoffs", signoffs,
				      "reset_signoffs", reset, "missing_parts", missing));
	jsonh_set_time(json_object_get(o, "safety_plan"), "changed_at", ps.changed_at, true);
	json_object_set_new(o, "cctv_motions", motions);
	for (size_t k = cf->nprotocol_steps; k < cf->nsteps; k++) {
		const struct step_status *s = &cf->steps[k];
		const struct protocol_witness_item *it = casefile_witness_item(cf, s->key);
		bool per_hearing = it && it->anchor == PW_HEARING;
		bool mine = it && !per_hearing && s->episode == (int)w->id;
		for (size_t h = 0; per_hearing && !mine && h < cf->nhearings[i]; h++)
			mine = s->episode == (int)cf->hearings[i][h].id;
		if (mine) {
			json_t *j =
				json_pack("{s:s, s:s, s:s, s:o, s:s, s:b, s:i}", "key", s->key,
					  "title", s->title, "owner", s->owner, "also_owner",
					  s->also_owner ? json_string(s->also_owner) : json_null(),
					  "state", protocol_state_name(s->state), "overdue",
					  s->overdue, "episode", s->episode);
			jsonh_set_time(j, "due_at", s->due_at, true);
			jsonh_set_time(j, "done_at", s->done_at, true);
			json_array_append_new(items, j);
		}
	}
	json_object_set_new(o, "items", items);
	{
		json_t *hs = json_array();
		for (size_t h = 0; h < cf->nhearings[i]; h++) {
			json_t *j = json_pack("{s:I, s:s}", "id", (json_int_t)cf->hearings[i][h].id,
					      "kind", cf->hearings[i][h].kind);
			jsonh_set_time(j, "at", cf->hearings[i][h].at, false);
			json_array_append_new(hs, j);
		}
		json_object_set_new(o, "hearings", hs);
	}
	return o;
}

API_HANDLER(api_case_witness)
{
	struct store_conn *c;
	struct casefile cf;
	int64_t now = clock_now(&req->app->clock);
	const char *id = req->params[0];
	struct audit_batch b = audit_case_ok(req->who, now, "witness.read", "court", &id);
	json_t *ws = NULL, *out;
	enum sh_code rc;

	if ((rc = params_read_action(req, "witness", &b.action, err)) ||
	    (rc = store_read_begin(req->app->store, &c, err)))
		return rc;
	/* readers of court matters (the route's permit) */
	if (!(rc = casefile_open(req, c, id, &cf, err))) {
		ws = json_array();
		for (size_t i = 0; i < cf.nwitnesses; i++)
			json_array_append_new(ws, witness_json(req, c, &cf, i, now, err));
	}
	store_read_end(c);
	if (rc)
		return rc;
	if ((rc = audit_defer(req, &b, err))) {
		json_decref(ws);
		return rc;
	}
	out = json_pack("{s:s, s:o}", "case_id", cf.c.id, "witnesses", ws);
	/* PC 293: the witness is named only to the agencies the law allows */
	json_object_set_new(out, "youth_label",
			    json_string(cf.c.sealed_at ? "sealed: no identity is kept"
					: casefile_sees_identity(req->who, &cf)
						? "named in the case record"
						: "Jane/John Doe (name confidential, PC 293)"));
	return api_reply_json_new(res, 200, out);
}
