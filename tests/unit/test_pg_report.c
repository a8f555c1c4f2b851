/*
 * The Board report on both backends (store/pg_report.c beside store/sqlite_report.c): the
 * same generated county (identifications across the period's bounds at 11 pm county
 * time, second recoveries, arrests, refused arrests, placements, stability checks,
 * missing episodes and their reports, exploiter arrests, witnesses and prosecutions,
 * amended entries, three areas under two protocols) written into a SQLite and a
 * PostgreSQL store gives the same rows from every report query, the same area-protocol
 * list in the same order, and the same rendered report. Needs SAFEHARBOR_PG_URL (make
 * test-pg); without it the comparison is skipped, said on stdout.
 */
#include "lib/common.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <cmocka.h>
#include "api/reports.h"
#include "lib/buf.h"
#include "lib/tz.h"
#include "store/audit_chain.h"
#include "store/store.h"
#include "testdb.h"

static struct testdb lite, pg = { .pg = true };
static struct tz *la;

static const unsigned char chain_key[AUDIT_CHAIN_KEY_LEN] = "test-audit-chain-key-32-bytes!!";

static int setup(void **state)
{
	struct sh_error err = SH_ERROR_INIT;

	UNUSED(state);
	if (tz_load(NULL, "America/Los_Angeles", &la, &err))
		return -1;
	return testdb_setup(&lite, "pgreport") || testdb_setup(&pg, "pgreport") ? -1 : 0;
}

static int teardown(void **state)
{
	UNUSED(state);
	tz_free(la);
	return testdb_teardown(&lite);
}

static struct store *open_store(const struct testdb *t)
{
	struct store_options o = { .create = true, .read_conns = 2, .audit_key = chain_key };
	struct sh_error err = SH_ERROR_INIT;
	struct store *s = NULL;

	if (store_open(t->path, &o, &s, &err))
		fail_msg("store_open %s: %s", t->pg ? "postgresql" : "sqlite", err.detail);
	return s;
}

/* ---- the county: the same rows, from the same seed, on each backend ---- */

#define DAY 86400
#define HOUR 3600

static uint32_t rng_state;
static uint32_t rnd(uint32_t n)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return (rng_state >> 8) % n;
}

/* 11 pm county time on a day (the hour the period's bounds are easiest to get wrong at) */
static int64_t at_local(int y, int m, int d, int hour)
{
	return tz_day_start(la, (struct sh_date){ y, m, d }) + (int64_t)hour * HOUR;
}

#define NCASES 70

struct county {
	int64_t agencies[3], protocols[2];
	char ids[NCASES][24];
	int64_t identified[NCASES];
	int ncases;
};

static enum sh_code event(struct store_conn *c, const char *case_id, const char *type, int64_t at,
			  int64_t amends, const char *data, int64_t *id, struct sh_error *err)
{
	struct event_rec ev = { .case_id = case_id,
				.type = type,
				.section = "le",
				.at = at,
				.recorded_at = at,
				.user_id = 1,
				.agency_id = 1,
				.amends = amends,
				.data = data };
	enum sh_code rc = store_event_insert(c, &ev, err);

	if (id)
		*id = ev.id;
	return rc;
}

static const char *const areas[] = { "compton", "lancaster", "pomona" };
static const char *const genders[] = { "female", "male", "nonbinary", NULL };
static const char *const races[] = { "black", "latino", "white", NULL };
static const char *const settings_[] = { "{\"setting\":\"detention\"}",
					 "{\"setting\":\"foster\",\"detention\":false}",
					 "{\"setting\":\"group_home\",\"detention\":true}",
					 "{\"setting\":\"relative\"}" };
static const char *const exploiters[] = {
	"{\"role\":\"buyer\",\"person_key\":\"p1\"}",
	"{\"role\":\"buyer\",\"person_key\":\"p2\"}",
	"{\"role\":\"exploiter\",\"person_key\":\"p3\"}",
	"{\"role\":\"exploiter\"}",
	"{\"role\":\"buyer\"}",
};

static enum sh_code one_case(struct store_conn *c, struct county *k, int i, int64_t youth,
			     int recovery_no, int64_t t0, struct sh_error *err)
{
	char data[160];
	int64_t arrest = 0, checks[] = { 30, 90, 180 };
	int area = (int)rnd(3);
	struct case_rec r = { .id = k->ids[i],
			      .youth_id = youth,
			      .recovery_no = recovery_no,
			      .identified_at = t0,
			      .recorded_at = t0,
			      .area = areas[area],
			      .youth_status = rnd(4) ? "none" : "ward",
			      .identified_by_agency = k->agencies[rnd(2)],
			      .identified_by_user = 1,
			      .protocol_id = k->protocols[area == 1],
			      .age = 13 + (int)rnd(7),
			      .gender = genders[rnd(4)],
			      .race_ethnicity = races[rnd(4)] };
	struct step_rec steps[3] = {
		{ "le_response", 0, "law_enforcement", NULL, rnd(3) ? "done" : "pending", t0,
		  t0 + 90 * 60, 0 },
		{ "medical_exam", 0, "medical", NULL, rnd(2) ? "done" : "pending", t0,
		  t0 + 72 * HOUR, 0 },
	};
	size_t nsteps = 2;
	enum sh_code rc;

	k->identified[i] = t0;
	steps[0].done_at = !strcmp(steps[0].state, "done") ? t0 + (int64_t)rnd(150) * 60 : 0;
	steps[1].done_at = !strcmp(steps[1].state, "done") ? t0 + (int64_t)rnd(100) * HOUR : 0;
	if ((rc = store_case_insert(c, &r, err)))
		return rc;
	if (rnd(3)) {
		snprintf(data, sizeof(data), "{\"prostitution_related\":%s%s}",
			 rnd(4) ? "true" : "false", rnd(3) ? "" : ",\"minor\":false");
		if ((rc = event(c, r.id, "arrest", t0 + HOUR, 0, data, &arrest, err)))
			return rc;
		/* some arrests corrected: the entry amended is left out */
		if (!rnd(4) &&
		    (rc = event(c, r.id, "note", t0 + 2 * HOUR, arrest, "{}", NULL, err)))
			return rc;
	}
	if (!rnd(3) && (rc = event(c, r.id, "refused_arrest", t0 + 30 * 60, 0,
				   "{\"prostitution_related\":true}", NULL, err)))
		return rc;
	if (rnd(2) &&
	    (rc = event(c, r.id, "placement", t0 + 5 * HOUR, 0, settings_[rnd(4)], NULL, err)))
		return rc;
	for (int n = 0; n < 3; n++) {
		if (!rnd(4))
			continue;
		snprintf(data, sizeof(data), "{\"stable\":%s,\"safe_placement\":%s,\"engaged\":%s}",
			 rnd(3) ? "true" : "false", rnd(3) ? "true" : "false",
			 rnd(2) ? "true" : "false");
		if ((rc = event(c, r.id, "stability_check",
				t0 + (checks[n] + (int64_t)rnd(11) - 5) * DAY, 0, data, NULL, err)))
			return rc;
	}
	if (!rnd(3)) {
		int64_t gone = t0 + (int64_t)(5 + rnd(60)) * DAY + (int64_t)rnd(24) * HOUR;
		const char *state = rnd(3) ? "done" : (rnd(2) ? "pending" : "waived");

		if ((rc = event(c, r.id, "missing_start", gone, 0, "{}", NULL, err)))
			return rc;
		if (rnd(3) && (rc = event(c, r.id, "missing_end",
					  gone + (int64_t)(1 + rnd(20)) * DAY, 0, "{}", NULL, err)))
			return rc;
		steps[nsteps++] =
			(struct step_rec){ "missing_report_le",
					   1,
					   "law_enforcement",
					   NULL,
					   state,
					   gone,
					   gone + 24 * HOUR,
					   !strcmp(state, "done") ? gone + (int64_t)rnd(40) * HOUR
								  : 0 };
	}
	if (!rnd(3) && (rc = event(c, r.id, "exploiter_arrest", t0 + (int64_t)rnd(20) * DAY, 0,
				   exploiters[rnd(5)], NULL, err)))
		return rc;
	return store_steps_replace(c, r.id, steps, nsteps, err);
}

/* prosecutions with the cases as witnesses, and the witness entries */
static enum sh_code court(struct store_conn *c, struct county *k, struct sh_error *err)
{
	enum sh_code rc = SH_OK;

	for (int p = 0; !rc && p < 8; p++) {
		char number[16], data[80];
		int first = (int)rnd((uint32_t)k->ncases - 3);
		struct prosecution_rec pr = { .agency_id = k->agencies[2],
					      .court_case_number = number,
					      .court = "Synthetic Court",
					      .charges = "[\"236.1\"]",
					      .filed_at = k->identified[first] + 20 * DAY,
					      .created_at = k->identified[first] + 20 * DAY,
					      .created_by = 1 };

		snprintf(number, sizeof(number), "BA-%d", p);
		if ((rc = store_prosecution_insert(c, &pr, err)))
			break;
		for (int w = 0; !rc && w < 1 + p % 3; w++) {
			struct witness_rec wr = { .prosecution_id = pr.id,
						  .case_id = k->ids[first + w],
						  .listed_at = pr.filed_at + w * DAY };

			if ((rc = store_witness_insert(c, &wr, err)))
				break;
			snprintf(data, sizeof(data), "{\"witness_id\":%lld%s}", (long long)wr.id,
				 rnd(2) ? ",\"outcome\":\"granted\"" : "");
			if (rnd(2))
				rc = event(c, wr.case_id, "witness_advocate", wr.listed_at + DAY, 0,
					   data, NULL, err);
			if (!rc && rnd(2))
				rc = event(c, wr.case_id, "safety_plan_signoff",
					   wr.listed_at + 2 * DAY, 0, data, NULL, err);
			if (!rc && rnd(2))
				rc = event(c, wr.case_id, "cctv_motion", wr.listed_at + 3 * DAY, 0,
					   data, NULL, err);
		}
		if (!rc && p % 2)
			rc = store_prosecution_set_outcome(c, pr.id,
							   p % 4 == 1 ? "convicted" : "plea",
							   pr.filed_at + 40 * DAY, err);
	}
	return rc;
}

static int by_time(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static enum sh_code load(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct county *k = arg;
	const char *const kinds[] = { "law_enforcement", "child_welfare", "prosecutor" };
	const char *const names[] = { "Synthetic Police", "Synthetic Child Welfare",
				      "Synthetic Prosecutor" };
	const char *const pnames[] = { "la-frp", "lancaster-frp" };
	int64_t youth[30];
	int recoveries[30] = { 0 };
	/* the bounds of the report period, 2026-01-01 to 2026-03-31, at 11 pm and just after
	 * midnight county time, and at 11 pm on the last day of the previous period's months */
	const int64_t edges[] = { at_local(2025, 12, 31, 23), at_local(2026, 1, 1, 0) + 30 * 60,
				  at_local(2026, 3, 31, 23),  at_local(2026, 4, 1, 0) + 10 * 60,
				  at_local(2025, 10, 31, 23), at_local(2025, 11, 30, 23) };
	int64_t t = at_local(2025, 6, 1, 9), times[NCASES];
	enum sh_code rc;

	rng_state = 20;
	for (int i = 0; i < 3; i++) {
		struct agency_rec ag = { .name = names[i], .kind = kinds[i], .created_at = 1 };

		if ((rc = store_agency_insert(c, &ag, err)))
			return rc;
		k->agencies[i] = ag.id;
	}
	for (int i = 0; i < 2; i++) {
		struct protocol_rec p = { .name = pnames[i],
					  .version = "1",
					  .effective = "2015-01-01",
					  .text = "x",
					  .sha = "s",
					  .loaded_at = 1 };

		if ((rc = store_protocol_put(c, &p, err)))
			return rc;
		k->protocols[i] = p.id;
	}
	for (int i = 0; i < 30; i++) {
		struct youth_rec y = { .identity = (const unsigned char *)"sealed",
				       .identity_len = 6,
				       .created_at = 1 };

		if ((rc = store_youth_insert(c, &y, err)))
			return rc;
		youth[i] = y.id;
	}
	for (int i = 0; i < NCASES; i++)
		times[i] = i < (int)ARRAY_SIZE(edges)
				   ? edges[i]
				   : (t += (int64_t)(3 + rnd(5)) * DAY + (int64_t)rnd(24) * HOUR);
	qsort(times, NCASES, sizeof(times[0]), by_time);
	/* the first 30 recoveries in time are each youth's first; the rest a later one */
	for (int i = 0; i < NCASES; i++) {
		int y = i < 30 ? i : (int)rnd(30);

		snprintf(k->ids[i], sizeof(k->ids[i]), "SH-GEN-%02d", i);
		if ((rc = one_case(c, k, i, youth[y], ++recoveries[y], times[i], err)))
			return rc;
		k->ncases = i + 1;
	}
	if ((rc = court(c, k, err)))
		return rc;
	/* the data's as-of time, after every stability window has closed */
	return event(c, k->ids[0], "note", at_local(2026, 11, 1, 12), 0, "{}", NULL, err);
}

/* ---- every row of every report query, one line each, sorted ---- */

struct lines {
	char **v;
	size_t n, cap;
	int kinds[10]; /* rows per query */
};

static enum sh_code add(struct lines *l, int kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static enum sh_code add(struct lines *l, int kind, const char *fmt, ...)
{
	va_list ap;
	char line[512];

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 256;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		assert_non_null(l->v);
	}
	l->v[l->n++] = strdup(line);
	l->kinds[kind]++;
	return SH_OK;
}

#define S(x) ((x) ? (x) : "-")
#define WHERE(r) (r)->w.period, S((r)->w.area), (long long)(r)->w.agency_id
#define WF "%d|%s|%lld"

static enum sh_code on_case(void *arg, const struct report_case_row *r)
{
	return add(arg, 0, "case|" WF "|%d|%d|%d|%s|%s|%lld", WHERE(r), r->re_recovery,
		   r->first_in_period, r->age, S(r->gender), S(r->race_ethnicity), (long long)r->n);
}
static enum sh_code on_event(void *arg, const struct report_event_row *r)
{
	return add(arg, 1, "event|" WF "|%s|%s|%d|%d|%lld", WHERE(r), r->type, S(r->offense),
		   r->prostitution, r->minor, (long long)r->n);
}
static enum sh_code on_exploiters(void *arg, const struct report_exploiter_row *r)
{
	return add(arg, 2, "exploiters|" WF "|%d|%lld|%lld", WHERE(r), r->buyer,
		   (long long)r->arrests, (long long)r->people);
}
static enum sh_code on_step(void *arg, const struct report_step_row *r)
{
	return add(arg, 3, "step|" WF "|%s|%s|%lld|%lld|%lld", WHERE(r), r->step, r->state,
		   (long long)r->opened_at, (long long)r->due_at, (long long)r->done_at);
}
static enum sh_code on_missing(void *arg, const struct report_missing_row *r)
{
	return add(arg, 4, "missing|" WF "|%s|%lld", WHERE(r), r->cls, (long long)r->n);
}
#define STABILITY_ARGS(r)                                                                \
	WHERE(r), (r)->days, (r)->found, (r)->stable, (r)->safe_placement, (r)->engaged, \
		(r)->missing, (r)->recovered_again, (r)->detained, (long long)(r)->n
static enum sh_code on_stability(void *arg, const struct report_stability_row *r)
{
	return add(arg, 5, "stability|" WF "|%d|%d|%d|%d|%d|%d|%d|%d|%lld", STABILITY_ARGS(r));
}
static enum sh_code on_current(void *arg, const struct report_stability_row *r)
{
	return add(arg, 6, "current|" WF "|%d|%d|%d|%d|%d|%d|%d|%d|%lld", STABILITY_ARGS(r));
}
static enum sh_code on_witnesses(void *arg, const struct report_witness_row *r)
{
	return add(arg, 7, "witnesses|" WF "|%d|%d|%d|%d|%lld", WHERE(r), r->advocate,
		   r->safety_plan, r->cctv_filed, r->cctv_granted, (long long)r->n);
}
static enum sh_code on_prosecutions(void *arg, const struct report_prosecution_row *r)
{
	return add(arg, 8, "prosecutions|" WF "|%d|%lld", WHERE(r), r->conviction, (long long)r->n);
}
static enum sh_code on_month(void *arg, const struct report_month_row *r)
{
	return add(arg, 9, "month|%d|%s|%lld", r->period, r->month, (long long)r->n);
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the period 2026-01-01 to 2026-03-31 in county time and the quarter before it, as
 * api/reports.c asks (months: the county's months cut at the bounds) */
static void report_query(struct store_conn *c, const char *area, struct report_query *q,
			 char *months, size_t len)
{
	struct sh_error err = SH_ERROR_INIT;
	struct metrics_period per;

	assert_int_equal(metrics_period(la, (struct sh_date){ 2026, 1, 1 },
					(struct sh_date){ 2026, 3, 31 }, &per, &err),
			 SH_OK);
	*q = (struct report_query){ .prev_from = per.prev_from,
				    .from = per.from,
				    .to = per.to,
				    .area = area,
				    .window_days = 15,
				    .no_missing_days = 30,
				    .missing_steps = "[\"missing_report_le\"]",
				    .months = months,
				    .current_since = { per.from, per.prev_from },
				    .current_at = { per.to, per.from },
				    .current_max_age_days = 90 };
	snprintf(months, len,
		 "[[\"2025-10\",%lld,%lld],[\"2025-11\",%lld,%lld],[\"2025-12\",%lld,%lld],"
		 "[\"2026-01\",%lld,%lld],[\"2026-02\",%lld,%lld],[\"2026-03\",%lld,%lld]]",
		 (long long)per.prev_from, (long long)at_local(2025, 11, 1, 0),
		 (long long)at_local(2025, 11, 1, 0), (long long)at_local(2025, 12, 1, 0),
		 (long long)at_local(2025, 12, 1, 0), (long long)per.from, (long long)per.from,
		 (long long)at_local(2026, 2, 1, 0), (long long)at_local(2026, 2, 1, 0),
		 (long long)at_local(2026, 3, 1, 0), (long long)at_local(2026, 3, 1, 0),
		 (long long)per.to);
	assert_int_equal(store_report_as_of(c, &q->as_of, &err), SH_OK);
}

/* the report's rows (sorted: a GROUP BY gives them in no set order) and the area-protocol
 * list (in its order), one text */
static void report_rows(struct store *s, const char *area, struct buf *out, int *kinds)
{
	struct sh_error err = SH_ERROR_INIT;
	struct arena a = ARENA_INIT;
	struct lines l = { 0 };
	struct report_sink sink = { &l,		  on_case,	   on_event,	 on_exploiters,
				    on_step,	  on_missing,	   on_stability, on_current,
				    on_witnesses, on_prosecutions, on_month };
	struct area_protocol_rec *aps;
	struct report_query q;
	struct store_conn *c;
	char months[1024];
	size_t n;

	assert_int_equal(store_read_begin(s, &c, &err), SH_OK);
	report_query(c, area, &q, months, sizeof(months));
	if (store_report_board(c, &q, &sink, &err))
		fail_msg("report_board: %s", err.detail);
	if (store_report_area_protocols(c, &a, &aps, &n, &err))
		fail_msg("report_area_protocols: %s", err.detail);
	store_read_end(c);
	qsort(l.v, l.n, sizeof(*l.v), by_text);
	buf_reset(out);
	buf_addf(out, "as_of %lld\n", (long long)q.as_of);
	for (size_t i = 0; i < l.n; i++) {
		buf_addf(out, "%s\n", l.v[i]);
		free(l.v[i]);
	}
	for (size_t i = 0; i < n; i++)
		buf_addf(out, "protocol|%s|%s\n", aps[i].area, aps[i].protocol);
	memcpy(kinds, l.kinds, sizeof(l.kinds));
	free(l.v);
	arena_release(&a);
}

static struct store *loaded(const struct testdb *t)
{
	struct sh_error err = SH_ERROR_INIT;
	struct county k = { 0 };
	struct store *s = open_store(t);

	if (store_write(s, load, &k, &err))
		fail_msg("load (%s): %s", t->pg ? "postgresql" : "sqlite", err.detail);
	return s;
}

static void same_rows_on_both_backends(void **state)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct store *sl = loaded(&lite), *sp = loaded(&pg);
	int ka[10], kb[10];

	UNUSED(state);
	report_rows(sl, NULL, &a, ka);
	report_rows(sp, NULL, &b, kb);
	assert_string_equal(b.data, a.data);
	/* the county gives rows of every kind, so a figure that differs would show */
	for (int i = 0; i < 10; i++)
		if (ka[i] == 0)
			fail_msg("no rows of query %d: the generated county misses a case", i);
	/* one area */
	report_rows(sl, "lancaster", &a, ka);
	report_rows(sp, "lancaster", &b, kb);
	assert_string_equal(b.data, a.data);
	assert_true(ka[0] > 0);
	store_close(sl);
	store_close(sp);
	buf_release(&a);
	buf_release(&b);
}

/* the report as a county reads it (api/reports.c: county days, settings, metrics) */
static void render(struct store *s, const char *area, enum metrics_format f, struct buf *out)
{
	struct sh_error err = SH_ERROR_INIT;
	struct registry reg = { 0 };
	struct report_request rq = {
		.from = { 2026, 1, 1 }, .to = { 2026, 3, 31 }, .tz = la, .format = f, .area = area
	};

	buf_reset(out);
	if (report_board(s, &reg, &rq, "test", out, &err))
		fail_msg("report_board: %s", err.detail);
}

static void same_report_on_both_backends(void **state)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct store *sl = loaded(&lite), *sp = loaded(&pg);

	UNUSED(state);
	render(sl, NULL, METRICS_JSON, &a);
	render(sp, NULL, METRICS_JSON, &b);
	assert_true(a.len > 1000);
	assert_string_equal(b.data, a.data);
	render(sl, "pomona", METRICS_CSV, &a);
	render(sp, "pomona", METRICS_CSV, &b);
	assert_string_equal(b.data, a.data);
	store_close(sl);
	store_close(sp);
	buf_release(&a);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(same_rows_on_both_backends, setup, teardown),
		cmocka_unit_test_setup_teardown(same_report_on_both_backends, setup, teardown),
	};

	if (!testdb_pg_url()) {
		printf("pg_report: skipped, SAFEHARBOR_PG_URL is not set (make test-pg)\n");
		return 0;
	}
	return cmocka_run_group_tests_name("pg_report (sqlite and postgresql)", tests, NULL, NULL);
}
