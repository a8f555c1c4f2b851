/*
 * safeharbor demo: a synthetic county (LA-like agencies, a user for each role) and
 * about forty synthetic recoveries over nine months with realistic timelines: most
 * steps on time, some late, missing episodes, re-recoveries, no arrests. The cases
 * go through the same API handlers the server uses, in process, with a clock that
 * walks through the months. Every name is obviously fictional.
 */
#include "lib/common.h"
#include "api/admin.h"
#include "api/app.h"
#include "api/handlers.h"
#include "api/principal.h"
#include "core/witness.h"
#include "cli/cli.h"
#include "lib/jsonh.h"
#include "lib/log.h"
#include "lib/xorshift.h"

#define DEMO_PASSWORD "demo-password-2026"
#define NCASES 40
#define DAY 86400

struct demo {
	struct app app;
	int64_t clock; /* what the handlers see as "now" */
	int64_t real_now;
	uint64_t rng;
	struct arena arena;
};

static const struct {
	const char *name, *kind, *area, *home;
} agencies[] = {
	{ "Sheriff Compton Station (demo)", "law_enforcement", "compton", "compton" },
	{ "Sheriff Century Station (demo)", "law_enforcement", "century", "century" },
	{ "Long Beach Police (demo)", "law_enforcement", "long_beach", "long_beach" },
	{ "Children and Family Services (demo)", "child_welfare", "*", NULL },
	{ "Probation Child Trafficking Unit (demo)", "probation", "*", NULL },
	{ "Harbor Advocates (demo)", "advocacy", "*", NULL },
	{ "County Medical Hub (demo)", "medical", "*", NULL },
	{ "Mental Health Services (demo)", "mental_health", "*", NULL },
	{ "District Attorney (demo)", "prosecutor", "*", NULL },
	{ "Safe Harbor Shelter (demo)", "shelter", "*", NULL },
	{ "CSEC Oversight Office (demo)", "oversight", "*", NULL },
};

enum who {
	DEP_COMPTON,
	DEP_CENTURY,
	OFF_LB,
	SGT,
	SW,
	SW_SUP,
	PO,
	ADV,
	ADV_SUP,
	NURSE,
	CLINICIAN,
	DDA,
	SHELTER,
	OVERSIGHT,
	ANALYST,
	ADMIN,
	NWHO
};

static const struct {
	const char *username, *display, *agency, *role;
} users[NWHO] = {
	[DEP_COMPTON] = { "deputy.compton", "Deputy A. Example", "Sheriff Compton Station (demo)",
			  "member" },
	[DEP_CENTURY] = { "deputy.century", "Deputy B. Example", "Sheriff Century Station (demo)",
			  "member" },
	[OFF_LB] = { "officer.longbeach", "Officer C. Example", "Long Beach Police (demo)",
		     "member" },
	[SGT] = { "sergeant.compton", "Sergeant D. Example", "Sheriff Compton Station (demo)",
		  "supervisor" },
	[SW] = { "socialworker", "Social Worker E. Example", "Children and Family Services (demo)",
		 "member" },
	[SW_SUP] = { "sw.supervisor", "Supervisor F. Example",
		     "Children and Family Services (demo)", "supervisor" },
	[PO] = { "probation", "Probation Officer G. Example",
		 "Probation Child Trafficking Unit (demo)", "member" },
	[ADV] = { "advocate", "Advocate H. Example", "Harbor Advocates (demo)", "member" },
	[ADV_SUP] = { "advocate.lead", "Advocate Lead I. Example", "Harbor Advocates (demo)",
		      "supervisor" },
	[NURSE] = { "nurse", "Nurse J. Example", "County Medical Hub (demo)", "member" },
	[CLINICIAN] = { "clinician", "Clinician K. Example", "Mental Health Services (demo)",
			"member" },
	[DDA] = { "prosecutor", "Deputy DA L. Example", "District Attorney (demo)", "member" },
	[SHELTER] = { "shelter", "Shelter Staff M. Example", "Safe Harbor Shelter (demo)",
		      "member" },
	[OVERSIGHT] = { "oversight", "Reviewer N. Example", "CSEC Oversight Office (demo)",
			"member" },
	[ANALYST] = { "analyst", "Analyst O. Example", "CSEC Oversight Office (demo)", "analyst" },
	[ADMIN] = { "admin", "Administrator P. Example", "CSEC Oversight Office (demo)", "admin" },
};

static struct principal who_p[NWHO];
static struct user_rec who_u[NWHO];

static bool chance(struct demo *d, int percent)
{
	return (int)(xorshift_next(&d->rng) % 100) < percent;
}

/* Calls a handler in process as `who` at the demo clock; *out gets the JSON answer. */
static enum sh_code call(struct demo *d, api_handler fn, enum who w, const char *case_id,
			 json_t *body, const char *key, json_t **out, struct sh_error *err)
{
	const struct api_call c = { &d->app, &who_p[w], "demo", case_id, key };

	return api_call(&c, fn, body, out, NULL, err);
}

static json_t *at(json_t *o, int64_t t)
{
	jsonh_set_time(o, "at", t, false);
	return o;
}

static enum who owner_of(const char *kind, enum who le)
{
	if (!strcmp(kind, "law_enforcement"))
		return le;
	if (!strcmp(kind, "child_welfare"))
		return SW;
	if (!strcmp(kind, "probation"))
		return PO;
	if (!strcmp(kind, "advocacy"))
		return ADV;
	if (!strcmp(kind, "medical"))
		return NURSE;
	if (!strcmp(kind, "mental_health"))
		return CLINICIAN;
	return NWHO;
}

/* A timeline entry that is not a step: missing episodes, notes, checks, closing. */
struct plan {
	int64_t t;
	enum who w;
	json_t *body;
};

static int cmp_plan(const void *a, const void *b)
{
	const struct plan *x = a, *y = b;

	return x->t < y->t ? -1 : x->t > y->t;
}

static enum sh_code post_event(struct demo *d, enum who w, const char *id, json_t *body, int64_t t,
			       json_t **steps, struct sh_error *err)
{
	json_t *out = NULL;
	enum sh_code rc;

	/* recorded a little after the fact, never in the future */
	d->clock = t + xorshift_between(&d->rng, 60, 1800);
	if (d->clock > d->real_now)
		d->clock = d->real_now;
	rc = call(d, api_events_create, w, id, at(body, t), NULL, &out, err);
	if (!rc) {
		json_decref(*steps);
		*steps = json_incref(json_object_get(out, "steps"));
	}
	json_decref(out);
	return rc;
}

static enum sh_code run_case(struct demo *d, int i, const char *first, const char *last,
			     const char *birth, int age, struct sh_error *err)
{
	static const char *const areas[] = { "compton", "century", "long_beach" };
	static const enum who les[] = { DEP_COMPTON, DEP_CENTURY, OFF_LB };
	static const char *const genders[] = { "female", "female", "female", "male", "nonbinary" };
	static const char *const races[] = { "Black",	     "Latina/Latino", "Black",
					     "White",	     "Multiracial",   "Asian",
					     "Latina/Latino" };
	static const char *const settings[] = { "shelter", "foster", "relative", "group_home",
						"home" };
	int64_t span = 270 * (int64_t)DAY, t0, now = d->real_now;
	int a = i % 3, roll = (int)(xorshift_next(&d->rng) % 100);
	const char *status = roll < 55	 ? "dependent"
			     : roll < 75 ? "probation"
			     : roll < 85 ? "both"
			     : roll < 95 ? "none"
					 : "unknown";
	struct plan plans[32];
	size_t np = 0, pi = 0;
	enum who lead = strcmp(status, "probation") ? SW : PO;
	json_t *created = NULL, *steps, *youth, *body;
	char key[32], id[32];
	enum sh_code rc;

	/* spread over nine months; the last few within the last two days, so clocks run */
	t0 = i < NCASES - 4 ? now - span + span * i / (NCASES - 4) +
				      xorshift_between(&d->rng, 0, 20 * 3600)
			    : now - xorshift_between(&d->rng, 30 * 60, 40 * 3600);
	youth = json_pack("{s:s, s:s, s:s, s:s, s:s}", "first_name", first, "last_name", last,
			  "birth_date", birth, "gender", genders[xorshift_next(&d->rng) % 5],
			  "race_ethnicity", races[xorshift_next(&d->rng) % 7]);
	UNUSED(age);
	body = json_pack("{s:s, s:s, s:o, s:[s]}", "area", areas[a], "youth_status", status,
			 "youth", youth, "indicators", "recovered during a sweep");
	jsonh_set_time(body, "identified_at", t0, false);
	if (chance(d, 30))
		jsonh_set_time(body, "last_assault_at",
			       t0 - xorshift_between(&d->rng, 6 * 3600, 60 * 3600), false);
	snprintf(key, sizeof(key), "demo-%d", i);
	d->clock = t0 + xorshift_between(&d->rng, 180, 1200);
	if ((rc = call(d, api_cases_create, les[a], NULL, body, key, &created, err)))
		return rc;
	snprintf(id, sizeof(id), "%s", jsonh_str(created, "id"));
	steps = json_incref(json_object_get(created, "steps"));
	json_decref(created);

	/* the rest of the timeline */
	plans[np++] = (struct plan){ t0 + xorshift_between(&d->rng, 3, 14) * 3600, lead,
				     json_pack("{s:s, s:s}", "type", "placement", "setting",
					       settings[xorshift_next(&d->rng) % 5]) };
	plans[np++] =
		(struct plan){ t0 + xorshift_between(&d->rng, 20, 60) * 3600, lead,
			       json_pack("{s:s, s:s, s:s, s:s}", "type", "screening", "tool",
					 "CSE-IT", "version", "2.0", "level",
					 chance(d, 80) ? "clear concern" : "possible concern") };
	plans[np++] = (struct plan){
		t0 + xorshift_between(&d->rng, 1, 6) * 3600, ADV,
		json_pack(
			"{s:s, s:s, s:b}", "type", "advocate_note", "text",
			"Synthetic demo note: met the youth at the hub, explained the limits of confidentiality, talked about what she needs tonight.",
			"confidentiality_explained", 1)
	};
	if (chance(d, 28)) {
		int64_t gone = t0 + xorshift_between(&d->rng, 8, 40) * DAY;
		plans[np++] =
			(struct plan){ gone, lead, json_pack("{s:s}", "type", "missing_start") };
		plans[np++] = (struct plan){ gone + xorshift_between(&d->rng, 2, 12) * DAY, lead,
					     json_pack("{s:s}", "type", "missing_end") };
	}
	for (int k = 0; k < 3; k++) {
		static const int days[] = { 30, 90, 180 };
		plans[np++] =
			(struct plan){ t0 + days[k] * DAY + xorshift_between(&d->rng, 0, 5) * DAY,
				       ADV,
				       json_pack("{s:s, s:b, s:b, s:b}", "type", "stability_check",
						 "stable", chance(d, 70), "safe_placement",
						 chance(d, 80), "engaged", chance(d, 75)) };
	}
	if (chance(d, 22)) {
		/* a handful of synthetic people, some arrested more than once */
		char person[48];
		snprintf(person, sizeof(person), "Synthetic Person %02d, 1990-01-01",
			 (int)(xorshift_next(&d->rng) % 12));
		plans[np++] =
			(struct plan){ t0 + xorshift_between(&d->rng, 5, 60) * DAY, les[a],
				       json_pack("{s:s, s:s, s:s, s:s}", "type", "exploiter_arrest",
						 "role", chance(d, 70) ? "exploiter" : "buyer",
						 "charge", "PC 236.1", "person", person) };
	}
	if (t0 < now - 220 * DAY && chance(d, 50))
		plans[np++] = (struct plan){ t0 + xorshift_between(&d->rng, 200, 215) * DAY, lead,
					     json_pack("{s:s, s:s}", "type", "close", "reason",
						       "stable_services_ended") };
	qsort(plans, np, sizeof(*plans), cmp_plan);

	/* walk the clock: each round does the earliest thing due, a step or a planned event */
	for (int guard = 0; guard < 200; guard++) {
		size_t idx;
		json_t *s, *best = NULL;
		int64_t best_t = INT64_MAX;

		json_array_foreach(steps, idx, s) {
			int64_t opened, due, done_t;
			unsigned h = 0;
			if (strcmp(jsonh_str(s, "state"), "pending") || !jsonh_str(s, "due_at") ||
			    !jsonh_str(s, "opened_at"))
				continue;
			timefmt_parse_rfc3339(jsonh_str(s, "opened_at"), &opened);
			timefmt_parse_rfc3339(jsonh_str(s, "due_at"), &due);
			/* a stable pseudo-random delay per case and step: mostly on time, some late */
			for (const char *p = jsonh_str(s, "key"); *p; p++)
				h = h * 31 + (unsigned char)*p;
			h = h * 31 + (unsigned)i * 7919u + (unsigned)jsonh_int(s, "episode", 0);
			done_t = opened +
				 (due - opened) *
					 (int64_t)((h % 100) < 12 ? 105 + h % 90 : 20 + h % 75) /
					 100;
			if (done_t < t0 + 600) /* clocks anchored before T0 (the assault) */
				done_t = t0 + 600 + (int64_t)(h % 7200);
			if (jsonh_str(s, "not_before")) { /* a follow-up's window opens later */
				int64_t from;
				timefmt_parse_rfc3339(jsonh_str(s, "not_before"), &from);
				if (done_t < from)
					done_t = from + (int64_t)(h % (2 * 86400));
			}
			if (done_t < best_t) {
				best_t = done_t;
				best = s;
			}
		}
		if (pi < np && plans[pi].t <= best_t) {
			if (plans[pi].t > now)
				break;
			rc = post_event(d, plans[pi].w, id, plans[pi].body, plans[pi].t, &steps,
					err);
			plans[pi].body = NULL;
			pi++;
		} else if (best) {
			enum who w = owner_of(jsonh_str(best, "owner"), les[a]);
			if (best_t > now)
				break;
			if (w == NWHO)
				break;
			rc = post_event(d, w, id,
					json_pack("{s:s, s:s, s:I}", "type", "step_done", "step",
						  jsonh_str(best, "key"), "episode",
						  (json_int_t)jsonh_int(best, "episode", 0)),
					best_t, &steps, err);
		} else {
			break;
		}
		if (rc) {
			log_error("demo: case %d: %s", i, err->detail);
			break;
		}
	}
	for (; pi < np; pi++)
		json_decref(plans[pi].body);
	json_decref(steps);
	return rc;
}

/* A month of on-call shifts, from now, in the agencies that have a supervisor, so a new
 * identification summons someone and "On call" has something to show. Nobody has a
 * contact channel, so the summonses are recorded and shown but nothing is sent. */
static enum sh_code add_rosters(struct demo *d, struct sh_error *err)
{
	static const enum who shifts[][2] = { { DEP_COMPTON, SGT },
					      { SW, SW_SUP },
					      { ADV, ADV_SUP } };
	enum sh_code rc = SH_OK;

	d->clock = d->real_now;
	for (size_t i = 0; !rc && i < ARRAY_SIZE(shifts); i++) {
		const struct user_rec *on_call = &who_u[shifts[i][0]], *sup = &who_u[shifts[i][1]];
		char agency[24];
		json_t *b = json_pack("{s:I, s:I}", "user_id", (json_int_t)on_call->id,
				      "supervisor_id", (json_int_t)sup->id);
		jsonh_set_time(b, "starts_at", d->real_now - 3600, false);
		jsonh_set_time(b, "ends_at", d->real_now + 30 * DAY, false);
		snprintf(agency, sizeof(agency), "%lld", (long long)sup->agency_id);
		rc = call(d, api_roster_add, shifts[i][1], agency, b, NULL, NULL, err);
	}
	return rc;
}

static int64_t demo_clock(void *ctx)
{
	return ((struct demo *)ctx)->clock;
}

int cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "protocol", required_argument, NULL, CLI_OPT(CONF_PROTOCOL) },
		{ 0 },
	};
	static const char usage[] =
		"safeharbor demo [--db PATH] [--protocol FILE]\n"
		"  Loads synthetic agencies, a user for each role and about forty synthetic\n"
		"  recoveries over nine months into a new database, then prints the logins.";
	static const char *const firsts[] = { "Ava", "Bea",   "Cleo", "Dina", "Eve",
					      "Fay", "Gia",   "Hana", "Iris", "Jade",
					      "Kai", "Lena",  "Mia",  "Nora", "Opal",
					      "Pia", "Quinn", "Rue",  "Sky",  "Tess" };
	static const char *const lasts[] = { "Placeholder", "Samplename", "Fictional",
					     "Testperson",  "Madeup",	  "Notreal" };
	struct demo d = { 0 };
	struct sh_error err = SH_ERROR_INIT;
	struct cli_target t = { 0 };
	const char *db;
	char births[NCASES][11], names[NCASES][2][24];
	int code = EXIT_OK;
	enum sh_code rc = SH_OK;

	if (!cli_args(argc, argv, opts, usage, &t, NULL, NULL, &code))
		return code;
	d.real_now = (int64_t)time(NULL);
	d.clock = d.real_now;
	d.rng = 0x5afe4a7b0u;
	app_config_defaults(&d.app.cfg);
	d.app.clock.now = demo_clock;
	d.app.clock.ctx = &d;
	if ((rc = cli_open_app(&t, &d.app, &err)))
		goto out;
	db = cli_target_db(&t);
	{
		struct agency_rec *list;
		char shown[4096];
		size_t n = 0;
		rc = store_agencies(d.app.store, &d.arena, &list, &n, &err);
		if (!rc && n) {
			rc = sh_error_set(
				&err, SH_ECONFLICT,
				"%s already has agencies; the demo loads into a new database "
				"(safeharbor init --db NEW.db)",
				store_shown(db, shown, sizeof(shown)));
			goto out;
		}
	}
	for (size_t i = 0; !rc && i < ARRAY_SIZE(agencies); i++) {
		const char *areas[] = { agencies[i].area, NULL };
		struct agency_rec r = { .name = agencies[i].name,
					.kind = agencies[i].kind,
					.home_area = agencies[i].home,
					.areas = areas };
		rc = admin_agency_add(d.app.store, d.real_now, NULL, &r, &err);
	}
	for (int w = 0; !rc && w < NWHO; w++) {
		struct store_conn *conn;
		struct agency_rec ag;
		struct user_rec u = { .username = users[w].username,
				      .display_name = users[w].display,
				      .role = users[w].role };
		if ((rc = store_read_begin(d.app.store, &conn, &err)))
			break;
		rc = store_agency_get(conn, 0, users[w].agency, &d.arena, &ag, &err);
		store_read_end(conn);
		u.agency_id = ag.id;
		if (!rc)
			rc = admin_user_add(d.app.store, d.real_now, NULL, &u, DEMO_PASSWORD, &err);
		if (!rc && !(rc = store_read_begin(d.app.store, &conn, &err))) {
			rc = store_user_get(conn, u.id, NULL, &d.arena, &who_u[w], &err);
			store_read_end(conn);
			if (!rc)
				principal_from_user(&who_p[w], &who_u[w]);
		}
	}
	/* forty recoveries; five of them are re-recoveries of earlier youth */
	for (int i = 0; !rc && i < NCASES; i++) {
		int age = 12 + (int)(xorshift_next(&d.rng) % 6),
		    src = i >= 30 && i < 35 ? (i - 30) * 4 + 2 : -1;
		if (src >= 0) {
			memcpy(births[i], births[src], sizeof(births[i]));
			memcpy(names[i], names[src], sizeof(names[i]));
		} else {
			struct sh_date b =
				timefmt_time_to_date(d.real_now - (int64_t)(age + 1) * 365 * DAY +
						     xorshift_between(&d.rng, 0, 330) * DAY);
			timefmt_format_date(b, births[i]);
			snprintf(names[i][0], sizeof(names[i][0]), "%s",
				 firsts[i % ARRAY_SIZE(firsts)]);
			snprintf(names[i][1], sizeof(names[i][1]), "%s",
				 lasts[(i / 3) % ARRAY_SIZE(lasts)]);
		}
		rc = run_case(&d, i, names[i][0], names[i][1], births[i], age, &err);
	}
	if (rc || (rc = add_rosters(&d, &err)))
		goto out;
	printf("demo data loaded into %s: %zu agencies, %d users, %d recoveries, on-call shifts\n"
	       "in the three agencies with a supervisor.\n"
	       "Every user's password is %s. Logins:\n",
	       db, ARRAY_SIZE(agencies), NWHO, NCASES, DEMO_PASSWORD);
	for (int w = 0; w < NWHO; w++)
		printf("  %-18s %-10s %s\n", users[w].username, users[w].role, users[w].agency);
out:
	app_close(&d.app);
	arena_release(&d.arena);
	cli_target_release(&t);
	return rc ? cli_fail(&err) : EXIT_OK;
}
