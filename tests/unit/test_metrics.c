#include "lib/common.h"
#include <setjmp.h>
#include <cmocka.h>
#include "core/metrics.h"
#include "core/metrics_internal.h"

#define DAY 86400

/* ---- percentiles, timeliness, stability, periods ---- */

static void percentiles(void **state)
{
	const int64_t one[] = { 42 };
	const int64_t four[] = { 10, 20, 30, 40 };
	const int64_t ten[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	const int64_t eleven[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };

	UNUSED(state);
	assert_int_equal(metrics_percentile(one, 1, 50), 42);
	assert_int_equal(metrics_percentile(one, 1, 90), 42);
	/* nearest rank: the k-th smallest, k = ceil(p n / 100); even n: the lower middle */
	assert_int_equal(metrics_percentile(four, 4, 50), 20);
	assert_int_equal(metrics_percentile(four, 4, 90), 40);
	assert_int_equal(metrics_percentile(four, 4, 25), 10);
	assert_int_equal(metrics_percentile(ten, 10, 50), 5);
	assert_int_equal(metrics_percentile(ten, 10, 90), 9);
	assert_int_equal(metrics_percentile(ten, 10, 100), 10);
	assert_int_equal(metrics_percentile(eleven, 11, 50), 6);
	assert_int_equal(metrics_percentile(eleven, 11, 90), 10);
}

static void timeliness(void **state)
{
	const int64_t due = 1000000, asof = 2000000;

	UNUSED(state);
	/* exactly at the deadline is on time; one second later is late */
	assert_int_equal(metrics_timeliness("done", due, due, asof), TIMELY_ON_TIME);
	assert_int_equal(metrics_timeliness("done", due, due - 500, asof), TIMELY_ON_TIME);
	assert_int_equal(metrics_timeliness("done", due, due + 1, asof), TIMELY_LATE);
	/* pending: late once the data's as-of time is past the deadline */
	assert_int_equal(metrics_timeliness("pending", due, 0, asof), TIMELY_LATE);
	assert_int_equal(metrics_timeliness("pending", due, 0, due), TIMELY_NOT_DUE);
	assert_int_equal(metrics_timeliness("pending", due, 0, due - 1), TIMELY_NOT_DUE);
	assert_int_equal(metrics_timeliness("pending", 0, 0, asof), TIMELY_NOT_DUE);
	assert_int_equal(metrics_timeliness("waived", due, due, asof), TIMELY_WAIVED);
	assert_int_equal(metrics_timeliness("not_applicable", 0, 0, asof), TIMELY_NOT_APPLICABLE);
	assert_int_equal(metrics_timeliness(NULL, 0, 0, asof), TIMELY_NOT_APPLICABLE);
}

static void stability(void **state)
{
	struct metrics_options o;
	struct metrics_check c = { true, 1, -1, 1, false, false, false };
	struct buf t = BUF_INIT;

	UNUSED(state);
	metrics_options_defaults(&o);
	/* the default: stable, engaged with the advocate, not in detention, not missing */
	assert_true(metrics_is_stable(&o.stability, &c));
	c.detained = true;
	assert_false(metrics_is_stable(&o.stability, &c));
	c.detained = false;
	c.engaged = -1;
	assert_false(metrics_is_stable(&o.stability, &c));
	c.engaged = 0;
	assert_false(metrics_is_stable(&o.stability, &c));
	c.engaged = 1;
	metrics_stability_text(&o.stability, false, &t);
	assert_non_null(strstr(t.data,
			       "stable: true, engaged (with the advocate): true; the "
			       "latest placement recorded by that check was not a detention "
			       "setting; no missing-from-care episode overlapped the 30 days"));
	buf_reset(&t);
	metrics_current_text(&o.stability, false, &t);
	assert_non_null(strstr(t.data, "identified since the period's first day"));
	assert_non_null(strstr(t.data, "at most 90 days"));
	buf_reset(&t);
	o.stability.need_engaged = o.stability.need_not_detained = false;
	c.engaged = -1;
	c.detained = true;
	assert_true(metrics_is_stable(&o.stability, &c));
	c.detained = false;
	c.missing = true;
	assert_false(metrics_is_stable(&o.stability, &c));
	c.missing = false;
	c.recovered_again = true;
	assert_false(metrics_is_stable(&o.stability, &c));
	o.stability.recovery_breaks = false;
	assert_true(metrics_is_stable(&o.stability, &c));
	c.stable = 0;
	assert_false(metrics_is_stable(&o.stability, &c));
	c.found = false;
	c.stable = 1;
	assert_false(metrics_is_stable(&o.stability, &c));
	/* the fuller definition: also in a safe placement and engaged; not recorded = not met */
	c.found = true;
	o.stability.need_safe_placement = o.stability.need_engaged = true;
	assert_false(metrics_is_stable(&o.stability, &c));
	c.safe_placement = c.engaged = 1;
	assert_true(metrics_is_stable(&o.stability, &c));
	o.stability.no_missing_days = 0; /* missing episodes not considered */
	c.missing = true;
	assert_true(metrics_is_stable(&o.stability, &c));
	metrics_stability_text(&o.stability, false, &t);
	assert_non_null(strstr(
		t.data, "stable: true, safe_placement: true, engaged (with the advocate): true"));
	assert_null(strstr(t.data, "missing"));
	buf_release(&t);
}

static void periods(void **state)
{
	struct metrics_period p;
	struct sh_error err = SH_ERROR_INIT;
	struct sh_date a = { 2026, 1, 1 }, b = { 2026, 3, 31 }, c = { 2036, 12, 31 };
	char s[11];

	UNUSED(state);
	assert_int_equal(metrics_period(NULL, a, b, &p, &err), SH_OK);
	assert_int_equal(p.days, 90);
	assert_int_equal(p.to - p.from, 90 * DAY);
	assert_int_equal(p.from - p.prev_from, 90 * DAY);
	timefmt_format_date(p.prev_first, s);
	assert_string_equal(s, "2025-10-03");
	timefmt_format_date(p.prev_last, s);
	assert_string_equal(s, "2025-12-31");
	assert_int_equal(metrics_period(NULL, b, a, &p, &err), SH_EINVAL);
	assert_string_equal(err.fields[0].field, "to");
	sh_error_init(&err);
	assert_int_equal(metrics_period(NULL, a, c, &p, &err), SH_EINVAL);
	assert_int_equal(metrics_period(NULL, a, a, &p, &err), SH_OK);
	assert_int_equal(p.days, 1);
}

/* Periods are the county's days: local midnights, 23- and 25-hour days included. */
static void periods_in_county_time(void **state)
{
	struct metrics_period p;
	struct sh_error err = SH_ERROR_INIT;
	struct tz *la = NULL;
	int64_t t;

	UNUSED(state);
	assert_int_equal(tz_load(NULL, "America/Los_Angeles", &la, &err), SH_OK);
	assert_int_equal(metrics_period(la, (struct sh_date){ 2026, 1, 1 },
					(struct sh_date){ 2026, 3, 31 }, &p, &err),
			 SH_OK);
	assert_int_equal(p.days, 90);
	timefmt_parse_rfc3339("2026-01-01T08:00:00Z", &t);
	assert_int_equal(p.from, t);
	/* 20:00 Pacific on 31 March (03:00 UTC on 1 April) is still in the first quarter */
	timefmt_parse_rfc3339("2026-04-01T07:00:00Z", &t);
	assert_int_equal(p.to, t);
	/* the quarter holds the spring change: one hour short of 90 days */
	assert_int_equal(p.to - p.from, 90 * DAY - 3600);
	timefmt_parse_rfc3339("2025-10-03T07:00:00Z", &t);
	assert_int_equal(p.prev_from, t);
	tz_free(la);
}

/* ---- the suppression engine ---- */

struct table {
	struct metrics_cell cells[64];
	size_t ncells;
	uint32_t members[256];
	size_t nmembers;
	struct metrics_line lines[32];
	size_t nlines;
};

static void line(struct table *t, uint32_t total, const uint32_t *m, uint32_t n)
{
	struct metrics_line *l = &t->lines[t->nlines++];

	memcpy(&t->members[t->nmembers], m, n * sizeof(*m));
	l->members = &t->members[t->nmembers];
	l->n = n;
	l->total = total;
	t->nmembers += n;
}

/* A rows x cols table with row totals, column totals and a grand total, each a line. */
static void make_table(struct table *t, int rows, int cols, const int64_t *v)
{
	uint32_t m[8];
	size_t inner = (size_t)rows * cols, rt = inner, ct = inner + rows,
	       grand = inner + rows + cols;

	memset(t, 0, sizeof(*t));
	t->ncells = grand + 1;
	for (size_t i = 0; i < inner; i++)
		t->cells[i].value = v[i];
	for (int r = 0; r < rows; r++) {
		for (int c = 0; c < cols; c++) {
			t->cells[rt + r].value += v[r * cols + c];
			t->cells[ct + c].value += v[r * cols + c];
			t->cells[grand].value += v[r * cols + c];
			m[c] = (uint32_t)(r * cols + c);
		}
		line(t, (uint32_t)(rt + r), m, (uint32_t)cols);
	}
	for (int c = 0; c < cols; c++) {
		for (int r = 0; r < rows; r++)
			m[r] = (uint32_t)(r * cols + c);
		line(t, (uint32_t)(ct + c), m, (uint32_t)rows);
	}
	for (int r = 0; r < rows; r++)
		m[r] = (uint32_t)(rt + r);
	line(t, (uint32_t)grand, m, (uint32_t)rows);
	for (int c = 0; c < cols; c++)
		m[c] = (uint32_t)(ct + c);
	line(t, (uint32_t)grand, m, (uint32_t)cols);
}

/* The test's own reading of the rule: in every line with a total, a single suppressed
 * cell never stands alone (a small or complementary cell, or a never-shown one of 1..10;
 * a never-shown cell above 10 may: it is no small count). */
static void assert_never_alone(const struct table *t)
{
	for (size_t k = 0; k < t->nlines; k++) {
		const struct metrics_line *l = &t->lines[k];
		const struct metrics_cell *one = NULL;
		int n = 0;
		for (uint32_t i = 0; i <= l->n; i++) {
			const struct metrics_cell *c =
				&t->cells[i < l->n ? l->members[i] : l->total];
			if (c->state != MC_SHOWN) {
				n++;
				one = c;
			}
		}
		if (n == 1 && (one->state != MC_HIDDEN || (one->value >= 1 && one->value <= 10)))
			fail_msg("line %zu has one suppressed cell", k);
	}
	for (size_t i = 0; i < t->ncells; i++)
		if (t->cells[i].state == MC_SHOWN && t->cells[i].value >= 1 &&
		    t->cells[i].value <= 10)
			fail_msg("cell %zu shows the small count %" PRId64, i, t->cells[i].value);
}

/*
 * The attacker: every assignment of the suppressed cells that agrees with what is shown
 * (small: 1..10; complementary: 11..hi; every line adds up), by search with forced
 * values. Each small cell must keep at least two possible values.
 */
struct attack {
	const struct table *t;
	int64_t val[64];
	bool known[64];
	int64_t first[64]; /* a value the cell can take in some solution (-1: none yet) */
	bool multi[64];	   /* ... and another one */
	int64_t hi;
	long leaves;
};

static bool lines_hold(struct attack *a)
{
	for (size_t k = 0; k < a->t->nlines; k++) {
		const struct metrics_line *l = &a->t->lines[k];
		int64_t s = 0;
		bool all = a->known[l->total];
		for (uint32_t i = 0; all && i < l->n; i++) {
			all = a->known[l->members[i]];
			s += a->val[l->members[i]];
		}
		if (all && s != a->val[l->total])
			return false;
	}
	return true;
}

static bool in_domain(const struct attack *a, size_t c, int64_t v)
{
	switch (a->t->cells[c].state) {
	case MC_SMALL: return v >= 1 && v <= 10;
	case MC_COMPLEMENT: return v >= 11 && v <= a->hi;
	default: return v >= 0 && v <= a->hi;
	}
}

static void search(struct attack *a)
{
	const struct table *t = a->t;
	size_t free_cell = SIZE_MAX;

	if (!lines_hold(a) || ++a->leaves > 3000000)
		return;
	/* a line with one unknown forces it */
	for (size_t k = 0; k < t->nlines; k++) {
		const struct metrics_line *l = &t->lines[k];
		size_t unknown = SIZE_MAX, nu = 0;
		int64_t s = 0;
		for (uint32_t i = 0; i <= l->n; i++) {
			uint32_t x = i < l->n ? l->members[i] : l->total;
			if (!a->known[x]) {
				unknown = x;
				nu++;
			} else {
				s += i < l->n ? a->val[x] : -a->val[x];
			}
		}
		if (nu == 1) {
			int64_t v = unknown == l->total ? s : -s;
			if (!in_domain(a, unknown, v))
				return;
			a->known[unknown] = true;
			a->val[unknown] = v;
			search(a);
			a->known[unknown] = false;
			return;
		}
	}
	for (size_t i = 0; i < t->ncells && free_cell == SIZE_MAX; i++)
		if (!a->known[i])
			free_cell = i;
	if (free_cell == SIZE_MAX) {
		for (size_t i = 0; i < t->ncells; i++) {
			if (a->first[i] < 0)
				a->first[i] = a->val[i];
			else if (a->first[i] != a->val[i])
				a->multi[i] = true;
		}
		return;
	}
	a->known[free_cell] = true;
	for (int64_t v = 0; v <= (a->hi > 10 ? a->hi : 10); v++)
		if (in_domain(a, free_cell, v)) {
			a->val[free_cell] = v;
			search(a);
		}
	a->known[free_cell] = false;
}

static bool sensitive_cell(const struct metrics_cell *c)
{
	return c->state == MC_SMALL || (c->state == MC_HIDDEN && c->value >= 1 && c->value <= 10);
}

static void assert_not_recoverable(const struct table *t, int64_t hi)
{
	struct attack a;

	memset(&a, 0, sizeof(a));
	a.t = t;
	a.hi = hi;
	for (size_t i = 0; i < t->ncells; i++) {
		a.known[i] = t->cells[i].state == MC_SHOWN;
		a.val[i] = t->cells[i].value;
		a.first[i] = -1;
	}
	search(&a);
	for (size_t i = 0; i < t->ncells; i++) {
		if (!sensitive_cell(&t->cells[i]))
			continue;
		/* the cell has solutions, and more than one value */
		assert_true(a.first[i] >= 0);
		if (!a.multi[i]) {
			for (size_t k = 0; k < t->ncells; k++)
				print_message("cell %zu = %" PRId64 " state %d\n", k,
					      t->cells[k].value, t->cells[k].state);
			fail_msg("small cell %zu (%" PRId64 ") can be worked out", i,
				 t->cells[i].value);
		}
	}
}

static void suppress_column(void **state)
{
	/* one column: 5, 30, 12 -> 47. The 5 alone could be subtracted: 12 goes too. */
	struct table t = { 0 };
	const uint32_t m[] = { 0, 1, 2 };
	size_t bad;

	UNUSED(state);
	t.ncells = 4;
	t.cells[0].value = 5;
	t.cells[1].value = 30;
	t.cells[2].value = 12;
	t.cells[3].value = 47;
	line(&t, 3, m, 3);
	assert_int_equal(metrics_suppress(t.cells, t.ncells, t.lines, t.nlines, 10), SH_OK);
	assert_int_equal(t.cells[0].state, MC_SMALL);
	assert_int_equal(t.cells[1].state, MC_SHOWN);
	assert_int_equal(t.cells[2].state, MC_COMPLEMENT);
	assert_int_equal(t.cells[3].state, MC_SHOWN);
	assert_true(metrics_suppress_check(t.cells, t.ncells, t.lines, t.nlines, 10, &bad));
	assert_never_alone(&t);
	assert_not_recoverable(&t, 60);
}

static void suppress_pinned_pair(void **state)
{
	/* 1 and 1 of 32 beside a 30: two small cells, yet both are 1 by subtraction */
	struct table t = { 0 };
	const uint32_t m[] = { 0, 1, 2 };

	UNUSED(state);
	t.ncells = 4;
	t.cells[0].value = 1;
	t.cells[1].value = 1;
	t.cells[2].value = 30;
	t.cells[3].value = 32;
	line(&t, 3, m, 3);
	assert_int_equal(metrics_suppress(t.cells, t.ncells, t.lines, t.nlines, 10), SH_OK);
	assert_int_equal(t.cells[2].state, MC_COMPLEMENT);
	assert_never_alone(&t);
	assert_not_recoverable(&t, 60);
}

static void suppress_hidden_complement(void **state)
{
	/* listed 45 = with an advocate 38 + without 7 (never shown, but 45 - 38 = 7) */
	struct table t = { 0 };
	const uint32_t m[] = { 0, 1 };
	size_t bad;

	UNUSED(state);
	t.ncells = 3;
	t.cells[0].value = 38;
	t.cells[1].value = 7;
	t.cells[1].state = MC_HIDDEN;
	t.cells[2].value = 45;
	line(&t, 2, m, 2);
	assert_false(metrics_suppress_check(t.cells, t.ncells, t.lines, t.nlines, 10, &bad));
	assert_int_equal(metrics_suppress(t.cells, t.ncells, t.lines, t.nlines, 10), SH_OK);
	assert_int_equal(t.cells[0].state, MC_COMPLEMENT);
	assert_int_equal(t.cells[1].state, MC_HIDDEN);
	assert_int_equal(t.cells[2].state, MC_SHOWN);
	assert_true(metrics_suppress_check(t.cells, t.ncells, t.lines, t.nlines, 10, &bad));
	/* nothing small: nothing suppressed */
	t.cells[0].value = 20;
	t.cells[0].state = MC_SHOWN;
	t.cells[1].value = 25;
	t.cells[2].value = 45;
	assert_int_equal(metrics_suppress(t.cells, t.ncells, t.lines, t.nlines, 10), SH_OK);
	assert_int_equal(t.cells[0].state, MC_SHOWN);
	assert_int_equal(t.cells[2].state, MC_SHOWN);
}

static void suppress_cross_table(void **state)
{
	/* 2 x 3 with margins; the 3 must not be recoverable from its row or its column */
	const int64_t v[] = { 3, 25, 14, 18, 22, 30 };
	struct table t;
	size_t bad;

	UNUSED(state);
	make_table(&t, 2, 3, v);
	assert_int_equal(metrics_suppress(t.cells, t.ncells, t.lines, t.nlines, 10), SH_OK);
	assert_true(metrics_suppress_check(t.cells, t.ncells, t.lines, t.nlines, 10, &bad));
	assert_never_alone(&t);
	assert_not_recoverable(&t, 120);
}

/* Random tables: the rules hold, and (when small enough to search) no small count can be
 * worked out from the rows, the columns and the totals. */
static void suppress_random(void **state)
{
	uint64_t s = 0x5eed5eedULL;
	int searched = 0;

	UNUSED(state);
	for (int round = 0; round < 3000; round++) {
		int rows = 1 + (int)(s % 4), cols = 1 + (int)((s >> 8) % 4);
		int64_t v[16];
		struct table t;
		size_t bad, nsup = 0;
		for (int i = 0; i < rows * cols; i++) {
			s ^= s << 13;
			s ^= s >> 7;
			s ^= s << 17;
			v[i] = s % 10 < 3   ? 0
			       : s % 10 < 7 ? 1 + (int64_t)((s >> 20) % 10)
					    : 11 + (int64_t)((s >> 20) % 20);
		}
		make_table(&t, rows, cols, v);
		if (cols > 1 && round % 3 == 0) {
			/* the last column is never shown (like "without an advocate"), though
			 * derivable from the rows */
			for (int r = 0; r < rows; r++)
				t.cells[r * cols + cols - 1].state = MC_HIDDEN;
			t.cells[rows * cols + rows + cols - 1].state = MC_HIDDEN;
		}
		assert_int_equal(metrics_suppress(t.cells, t.ncells, t.lines, t.nlines, 10), SH_OK);
		if (!metrics_suppress_check(t.cells, t.ncells, t.lines, t.nlines, 10, &bad))
			fail_msg("round %d: cell %zu is not protected", round, bad);
		assert_never_alone(&t);
		for (size_t i = 0; i < t.ncells; i++)
			nsup += t.cells[i].state != MC_SHOWN;
		if (nsup <= 7 && t.cells[t.ncells - 1].value <= 150) {
			/* a reader knows the grand total only when it is shown */
			const struct metrics_cell *g = &t.cells[t.ncells - 1];
			assert_not_recoverable(&t, g->state == MC_SHOWN ? g->value : 150);
			searched++;
		}
		s += (uint64_t)round * 7919;
	}
	assert_true(searched > 50);
}

/* ---- the figures, end to end ---- */

/* The known county; north_p and south_p: the protocols its areas ran under (NULL: none
 * given). */
static struct metrics *known_p(bool public_release, bool reverse, const char *north_p,
			       const char *south_p)
{
	struct metrics_options o;
	struct metrics *m = NULL;
	struct sh_error err = SH_ERROR_INIT;
	const int64_t t0 = timefmt_days_from_civil(2026, 1, 10) * DAY;
	struct metrics_where north = { 0, "north", 1 }, south = { 0, "south", 2 },
			     prev = { 1, "north", 1 };

	metrics_options_defaults(&o);
	o.from = (struct sh_date){ 2026, 1, 1 };
	o.to = (struct sh_date){ 2026, 3, 31 };
	o.public_release = public_release;
	o.version = "test";
	assert_int_equal(metrics_new(&o, &m, &err), SH_OK);
	metrics_set_as_of(m, t0 + 100 * DAY);
	assert_int_equal(metrics_set_agency(m, 1, "North Station"), SH_OK);
	assert_int_equal(metrics_set_agency(m, 2, "South Police"), SH_OK);
	assert_int_equal(metrics_set_step(m, "hotline_report", "Report to the hotline"), SH_OK);
	assert_int_equal(metrics_set_step(m, "advocate_on_scene", "Advocate on scene"), SH_OK);
	if (north_p)
		assert_int_equal(metrics_set_area_protocol(m, "north", north_p), SH_OK);
	if (south_p)
		assert_int_equal(metrics_set_area_protocol(m, "south", south_p), SH_OK);
	for (int k = 0; k < 2; k++) {
		if ((k == 0) != reverse) {
			/* north: 10 first recoveries (ages 13..17, Female/female) and 2 re-recoveries */
			for (int i = 0; i < 10; i++)
				assert_int_equal(metrics_add_recoveries(
							 m, &north, false, true, 13 + i % 5,
							 i % 2 ? "Female" : " female", NULL, 1),
						 SH_OK);
			assert_int_equal(metrics_add_recoveries(m, &north, true, false, 16,
								"female", NULL, 2),
					 SH_OK);
			/* hotline: on time after 60, 120, 180, 240 s; late after 3600 s; one pending
			 * past due, one not yet due, one waived */
			for (int i = 1; i <= 4; i++)
				assert_int_equal(metrics_add_step(m, &north, "hotline_report",
								  "done", t0, t0 + 1800,
								  t0 + 60 * i),
						 SH_OK);
			assert_int_equal(metrics_add_step(m, &north, "hotline_report", "done", t0,
							  t0 + 1800, t0 + 3600),
					 SH_OK);
			assert_int_equal(metrics_add_step(m, &north, "hotline_report", "pending",
							  t0, t0 + 1800, 0),
					 SH_OK);
			assert_int_equal(metrics_add_step(m, &north, "hotline_report", "pending",
							  t0, t0 + 200 * DAY, 0),
					 SH_OK);
			assert_int_equal(metrics_add_step(m, &north, "hotline_report", "waived", t0,
							  t0 + 1800, t0 + 10),
					 SH_OK);
			assert_int_equal(
				metrics_add_step(m, &north, "witness_advocate", "done", t0, t0, t0),
				SH_OK);
		} else {
			/* south: 3 first recoveries; the previous period: 4 in north */
			for (int i = 0; i < 3; i++)
				assert_int_equal(metrics_add_recoveries(m, &south, false, true,
									11 + i, "male",
									"Latina/Latino", 1),
						 SH_OK);
			assert_int_equal(
				metrics_add_recoveries(m, &prev, false, true, 15, NULL, NULL, 4),
				SH_OK);
			/* arrests: an adult's other offence, a minor's other offence, an adult's
			 * prostitution arrest; refused: two of minors, one repealed offence */
			assert_int_equal(metrics_add_arrests(m, &north, false, false, 1), SH_OK);
			assert_int_equal(metrics_add_arrests(m, &north, false, true, 1), SH_OK);
			assert_int_equal(metrics_add_arrests(m, &south, true, false, 1), SH_OK);
			assert_int_equal(metrics_add_refused_arrests(m, &north, true, 2), SH_OK);
			assert_int_equal(metrics_add_refused_arrests(m, &south, false, 1), SH_OK);
			assert_int_equal(metrics_add_detention(m, &south, 1), SH_OK);
			/* one buyer arrested twice; two exploiters in three arrests */
			assert_int_equal(metrics_add_exploiters(m, &north, true, 2, 1), SH_OK);
			assert_int_equal(metrics_add_exploiters(m, &south, false, 3, 2), SH_OK);
			{
				struct metrics_check yes = { true, 1, -1, 1, false, false, false };
				struct metrics_check held = { true, 1, -1, 1, false, false, true };
				struct metrics_check none = {
					false, -1, -1, -1, false, false, false
				};
				assert_int_equal(metrics_add_current(m, &north, &yes, 2), SH_OK);
				assert_int_equal(metrics_add_current(m, &north, &held, 1), SH_OK);
				assert_int_equal(metrics_add_current(m, &south, &none, 1), SH_OK);
			}
			assert_int_equal(metrics_add_missing(m, &north, MISSING_ON_TIME, 1), SH_OK);
			assert_int_equal(metrics_add_missing(m, &north, MISSING_LATE, 1), SH_OK);
			assert_int_equal(metrics_add_missing(m, &north, MISSING_NOT_DUE, 1), SH_OK);
			{
				struct metrics_check yes = { true, 1, 1, 1, false, false, false };
				struct metrics_check gone = { true, 1, 1, 1, true, false, false };
				struct metrics_check none = {
					false, -1, -1, -1, false, false, false
				};
				assert_int_equal(metrics_add_stability(m, &north, 90, &yes, 3),
						 SH_OK);
				assert_int_equal(metrics_add_stability(m, &north, 90, &gone, 1),
						 SH_OK);
				assert_int_equal(metrics_add_stability(m, &north, 90, &none, 1),
						 SH_OK);
			}
			assert_int_equal(metrics_add_month(m, 0, "2026-01", 15), SH_OK);
			assert_int_equal(metrics_add_month(m, 1, "2025-12", 4), SH_OK);
		}
	}
	assert_int_equal(metrics_finish(m, &err), SH_OK);
	return m;
}

static struct metrics *known(bool public_release, bool reverse)
{
	return known_p(public_release, reverse, NULL, NULL);
}

static char *render(const struct metrics *m, enum metrics_format f)
{
	struct buf b = BUF_INIT;

	assert_int_equal(metrics_render(m, f, &b), SH_OK);
	return buf_detach(&b, NULL);
}

static void assert_has(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("missing: %s", needle);
}

static void figures_internal(void **state)
{
	struct metrics *m = known(false, false);
	char *j = render(m, METRICS_JSON);

	UNUSED(state);
	assert_has(j, "\"release\":\"internal\"");
	assert_has(j, "\"period\":{\"from\":\"2026-01-01\",\"to\":\"2026-03-31\",\"days\":90}");
	assert_has(
		j,
		"\"previous_period\":{\"from\":\"2025-10-03\",\"to\":\"2025-12-31\",\"days\":90}");
	assert_has(j, "\"current\":{\"all\":{\"recoveries\":15,\"first_recoveries\":13,"
		      "\"re_recoveries\":2},\"area:north\":{\"recoveries\":12,");
	assert_has(j, "\"previous\":{\"all\":{\"recoveries\":4,\"first_recoveries\":4,");
	/* unique youth: 10 + 3; "Female" and " female" are one category */
	assert_has(j, "\"current\":{\"all\":{\"youth\":13}");
	assert_has(j, "\"all\":{\"female\":10,\"male\":3,\"(not recorded)\":0}");
	/* ages 13..17 twice, 11, 12, 13: mean (2*75 + 36) / 13 = 14.3, youngest 11 */
	assert_has(j, "\"all\":{\"mean\":14.3,\"youngest\":11,\"under_12\":1,\"12\":1,\"13\":3,");
	assert_has(j, "\"all\":{\"prostitution_related\":1,\"other_offences\":2,\"of_minors\":1,"
		      "\"of_18_or_older\":2,\"arrests\":3}");
	assert_has(j,
		   "\"all\":{\"prostitution_of_minors\":2,\"repealed_offence\":1,\"refused\":3}");
	assert_has(j, "\"all\":{\"youth\":4,\"stable\":{\"numerator\":2,\"denominator\":4,"
		      "\"percent\":50.0},\"no_recent_check\":1}");
	assert_has(j, "\"all\":{\"detention_placements\":1}");
	/* due 6 = 4 on time + 1 late + 1 overdue; median of 60..240, 3600 = 180; p90 = 3600 */
	assert_has(j, "\"all\":{\"due\":6,\"on_time\":{\"numerator\":4,\"denominator\":6,"
		      "\"percent\":66.7},\"median\":180,\"p90\":3600}");
	/* a witness item is not a protocol step */
	assert_null(strstr(j, "witness_advocate"));
	assert_has(j, "\"all\":{\"episodes\":3,\"reports_on_time\":{\"numerator\":1,"
		      "\"denominator\":2,\"percent\":50.0}}");
	assert_has(j, "\"all\":{\"recoveries\":5,\"stable\":{\"numerator\":3,\"denominator\":5,"
		      "\"percent\":60.0},\"no_check\":1}");
	assert_has(j, "\"all\":{\"exploiters\":2,\"buyers\":1,\"people\":3,\"arrests\":5}");
	assert_has(j, "{\"month\":\"2025-12\",\"period\":\"previous\",\"recoveries\":4}");
	assert_has(j, "{\"month\":\"2026-01\",\"period\":\"current\",\"recoveries\":15}");
	assert_has(j, "{\"month\":\"2026-03\",\"period\":\"current\",\"recoveries\":0}");
	assert_has(j,
		   "{\"key\":\"agency:1\",\"label\":\"North Station\",\"breakdown\":\"agency\"}");
	free(j);
	metrics_free(m);
}

static void figures_public(void **state)
{
	struct metrics *m = known(true, false);
	char *j = render(m, METRICS_JSON), *h = render(m, METRICS_HTML);

	UNUSED(state);
	assert_has(j, "\"release\":\"public\"");
	/* south (3 recoveries) folds into the other areas; north 12 must go with it */
	assert_null(strstr(j, "area:south"));
	assert_has(j, "\"area:(other)\":{\"recoveries\":\"1-10\"");
	assert_has(j, "\"area:north\":{\"recoveries\":\"suppressed\"");
	assert_has(j, "\"current\":{\"all\":{\"recoveries\":15,");
	/* 1 detention placement, 2 buyer arrests: small */
	assert_has(j, "\"all\":{\"detention_placements\":\"1-10\"}");
	/* a statistic of few steps is withheld */
	assert_has(j, "\"median\":\"suppressed\"");
	assert_has(h, "1-10");
	assert_has(h, "Public release");
	free(j);
	free(h);
	metrics_free(m);
}

/* The charts alone (the web app's): the page's charts, byte for byte, in one XHTML element;
 * a month of 1 to 10 recoveries in a public release is a mark on the baseline, never a bar
 * drawn as if it were 10. */
static void charts_public(void **state)
{
	struct metrics *m = known(true, false);
	char *c = render(m, METRICS_CHARTS), *h = render(m, METRICS_HTML);
	const char *svg = strstr(c, "<svg"), *end = strstr(c, "</figure>");
	char *months;
	static const char open[] = "<div xmlns=\"http://www.w3.org/1999/xhtml\" class=\"charts\">";

	UNUSED(state);
	assert_true(!strncmp(c, open, strlen(open)));
	assert_non_null(svg);
	assert_non_null(end);
	months = strndup(svg, (size_t)(end - svg));
	assert_non_null(strstr(h, months)); /* the same chart as the printable page's */
	assert_has(months, "Dec 2025 1 to 10");
	assert_has(months, "stroke-width=\"3\" stroke-dasharray=\"4 3\"");
	assert_null(strstr(months, "fill=\"none\""));
	assert_null(strstr(c, "&ndash;")); /* well-formed XML: no HTML entities */
	free(months);
	free(c);
	free(h);
	metrics_free(m);
}

static void deterministic(void **state)
{
	for (int pub = 0; pub < 2; pub++)
		for (int f = METRICS_JSON; f <= METRICS_HTML; f++) {
			struct metrics *a = known(pub, false), *b = known(pub, true);
			char *x = render(a, (enum metrics_format)f),
			     *y = render(b, (enum metrics_format)f);
			UNUSED(state);
			/* facts handed over in another order give the same bytes */
			assert_string_equal(x, y);
			free(x);
			free(y);
			metrics_free(a);
			metrics_free(b);
		}
}

static void formats(void **state)
{
	struct metrics *m = known(false, false);
	char *c = render(m, METRICS_CSV), *h = render(m, METRICS_HTML);

	UNUSED(state);
	assert_true(!strncmp(c,
			     "section,figure,title,measure,label,breakdown,group,group_label,"
			     "period,period_from,period_to,value,display,numerator,denominator,"
			     "basis,definition,release\r\n",
			     150));
	assert_has(c, ",recoveries,Recoveries and re-recoveries,recoveries,Recoveries,all,all,All "
		      "areas,current,2026-01-01,2026-03-31,15,15,,,");
	assert_has(
		c,
		"on_time,On time,all,all,All areas,current,2026-01-01,2026-03-31,66.7,66.7%,4,6,");
	assert_true(!strncmp(h, "<!DOCTYPE html>", 15));
	assert_has(h, "<svg");
	assert_has(h, "aria-labelledby=\"chart-months-t chart-months-d\"");
	assert_has(h, "Report to the hotline");
	assert_null(strstr(h, "<script"));
	/* no external resource: the only URL is the SVG namespace */
	for (const char *p = strstr(h, "http"); p; p = strstr(p + 1, "http"))
		assert_true(!strncmp(p, "http://www.w3.org/2000/svg", 26));
	free(c);
	free(h);
	metrics_free(m);
}

/* The renderers' digit writer writes what printf would; a full or bounded buffer keeps
 * the first failure and nothing of the append that failed. */
static void writers(void **state)
{
	const int64_t v[] = { 0, 7, -1, 10, -10, 1234567890123, INT64_MAX, INT64_MIN };
	struct buf b = BUF_INIT, want = BUF_INIT;
	struct mout o = { &b, SH_OK };

	UNUSED(state);
	for (size_t i = 0; i < sizeof(v) / sizeof(*v); i++) {
		mo_addi(&o, v[i]);
		mo_addch(&o, ' ');
		buf_addf(&want, "%" PRId64 " ", v[i]);
		if (v[i] != INT64_MIN) {
			mo_addtenths(&o, v[i]);
			mo_addch(&o, ' ');
			buf_addf(&want, "%" PRId64 ".%" PRId64 " ", v[i] / 10, v[i] % 10);
		}
	}
	assert_int_equal(o.rc, SH_OK);
	assert_string_equal(b.data, want.data);
	buf_release(&b);
	buf_init(&b, 8);
	mo_adds(&o, "1234");
	mo_adds(&o, "56789");
	mo_adds(&o, "0");
	assert_int_equal(o.rc, SH_ETOOBIG);
	assert_string_equal(b.data, "1234");
	buf_release(&b);
	buf_release(&want);
}

/* Several protocols: every figure per protocol too; one protocol: the same bytes as none. */
static void by_protocol(void **state)
{
	const enum metrics_format fmts[] = { METRICS_JSON, METRICS_CSV, METRICS_HTML };
	struct metrics *none = known(false, false), *one = known_p(false, false, "la", "la"),
		       *two = known_p(false, false, "la", "sf"),
		       *pub = known_p(true, false, "la", "sf");
	char *j, *c, *h;

	UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(fmts); i++) {
		char *a = render(none, fmts[i]), *b = render(one, fmts[i]);
		assert_string_equal(a, b);
		assert_null(strstr(b, "protocol:la"));
		free(a);
		free(b);
	}
	j = render(two, METRICS_JSON);
	assert_has(j, "{\"key\":\"protocol:la\",\"label\":\"la\",\"breakdown\":\"protocol\"}");
	assert_has(j, "{\"key\":\"protocol:sf\",\"label\":\"sf\",\"breakdown\":\"protocol\"}");
	/* the areas' figures, each under its protocol; medians too (north's steps are la's) */
	assert_has(j, "\"protocol:la\":{\"recoveries\":12,");
	assert_has(j, "\"protocol:sf\":{\"recoveries\":3,");
	c = render(two, METRICS_CSV);
	assert_has(c, ",protocol,protocol:sf,sf,current,");
	h = render(two, METRICS_HTML);
	assert_has(h, "By protocol");
	free(j);
	free(c);
	free(h);
	/* public: sf's 3 recoveries fold into the other protocols, as its area folds */
	j = render(pub, METRICS_JSON);
	assert_null(strstr(j, "protocol:sf"));
	assert_has(j, "\"protocol:(other)\"");
	assert_has(j, "\"protocol:la\"");
	free(j);
	metrics_free(none);
	metrics_free(one);
	metrics_free(two);
	metrics_free(pub);
}

/* Names in each format: CSV formulas made text, HTML tags escaped, and in the JSON quotes,
 * backslashes, controls and DEL escaped, UTF-8 as it is. */
static void escaping(void **state)
{
	struct metrics_options o;
	struct metrics *m = NULL;
	struct sh_error err = SH_ERROR_INIT;
	struct metrics_where w = { 0, "Ri\"o\\Be\tlla\x01\x7f Grande \xc3\xb1", 7 };
	char *c;

	UNUSED(state);
	metrics_options_defaults(&o);
	o.from = (struct sh_date){ 2026, 1, 1 };
	o.to = (struct sh_date){ 2026, 1, 31 };
	assert_int_equal(metrics_new(&o, &m, &err), SH_OK);
	assert_int_equal(metrics_set_agency(m, 7, "=HYPERLINK(\"x\"), \"Police\""), SH_OK);
	assert_int_equal(metrics_add_recoveries(m, &w, false, true, 15, "<b>", NULL, 1), SH_OK);
	assert_int_equal(metrics_finish(m, &err), SH_OK);
	c = render(m, METRICS_CSV);
	/* a formula becomes text; quotes are doubled */
	assert_has(c, "\"'=HYPERLINK(\"\"x\"\"), \"\"Police\"\"\"");
	free(c);
	c = render(m, METRICS_HTML);
	assert_null(strstr(c, "<b>"));
	assert_has(c, "&lt;b&gt;");
	free(c);
	c = render(m, METRICS_JSON);
	assert_has(c, "\"Ri\\\"o\\\\Be\\u0009lla\\u0001\\u007f Grande \xc3\xb1\"");
	assert_has(c, "\"=HYPERLINK(\\\"x\\\"), \\\"Police\\\"\"");
	free(c);
	metrics_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(percentiles),
		cmocka_unit_test(timeliness),
		cmocka_unit_test(stability),
		cmocka_unit_test(periods),
		cmocka_unit_test(periods_in_county_time),
		cmocka_unit_test(suppress_column),
		cmocka_unit_test(suppress_pinned_pair),
		cmocka_unit_test(suppress_hidden_complement),
		cmocka_unit_test(suppress_cross_table),
		cmocka_unit_test(suppress_random),
		cmocka_unit_test(figures_internal),
		cmocka_unit_test(figures_public),
		cmocka_unit_test(charts_public),
		cmocka_unit_test(deterministic),
		cmocka_unit_test(formats),
		cmocka_unit_test(writers),
		cmocka_unit_test(escaping),
		cmocka_unit_test(by_protocol),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
