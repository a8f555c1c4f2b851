#ifndef SH_METRICS_H
#define SH_METRICS_H
/*
 * The Board report's figures (docs/report.md). Pure: no I/O, no clock, no globals.
 * The store aggregates what it can in SQL and hands over facts, one metrics_add_*()
 * call per row; metrics_finish() folds small areas (public release), totals every
 * figure by area and by identifying agency for the report period and the previous
 * period of equal length, computes percentiles and shares, and applies small-count
 * and complementary suppression; metrics_render() writes JSON, CSV or one
 * self-contained HTML page with SVG charts. Same facts, same options: same bytes.
 *
 * Split over metrics.c (facts, figures, finish), metrics_suppress.c (the suppression
 * engine), metrics_render.c (JSON, CSV) and metrics_html.c (HTML and SVG).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/buf.h"
#include "lib/error.h"
#include "lib/timefmt.h"
#include "lib/tz.h"

#define METRICS_SMALL_MAX 10  /* public release: counts 1..10 are shown as "1-10" */
#define METRICS_MAX_DAYS 3660 /* the longest report period */
#define METRICS_NSTAB 3	      /* stability at 30, 90 and 180 days */

extern const int metrics_stability_days[METRICS_NSTAB];

/* METRICS_CHARTS: the HTML page's charts alone, as one XHTML element (<div class="charts">
 * with a <figure> per chart: inline SVG and its caption), for the web app to show */
/* METRICS_FEDERAL: the counts the federal task-force reports ask for, as CSV (the report
 * period, county total, internal release only; docs/report.md); never a Board format */
enum metrics_format { METRICS_JSON, METRICS_CSV, METRICS_HTML, METRICS_CHARTS, METRICS_FEDERAL };
/* "json", "csv", "html"; -1 when unknown */
int metrics_format_parse(const char *s);

/* What "stable" means (settings report.stability.*, docs/report.md). */
struct metrics_stability_def {
	int window_days;     /* the check counts within this many days either side of day N */
	int no_missing_days; /* ... and no missing episode in this many days before the check */
	bool need_stable;    /* the check says stable: true */
	bool need_safe_placement;
	bool need_engaged;	      /* the check says engaged (with the advocate): true */
	bool need_not_detained;	      /* the latest placement then is not a detention setting */
	bool recovery_breaks;	      /* a new recovery of the youth before the check: not stable */
	int current_max_age_days;     /* "currently stable": the check is at most this old */
	bool has_current_since;	      /* "currently stable": youth identified since this day */
	struct sh_date current_since; /* (else since the period's first day) */
};

struct metrics_options {
	struct sh_date from, to; /* the report period, both days included (county days) */
	const struct tz *tz;	 /* the county's zone; NULL: UTC */
	bool public_release;
	int min_group_recoveries; /* public: areas and agencies with fewer fold into "other" */
	const char *area;	  /* the report covers this area only; NULL = every area */
	struct metrics_stability_def stability;
	const char *version; /* printed in the output (no generation time is) */
	/* in Spanish (lib/catalog.h): every word for people in every format; the keys, the
	 * CSV's header row and the values stay as they are (docs/report.md) */
	bool es;
};

void metrics_options_defaults(struct metrics_options *o);
/* One line describing the stability definition, for the report and the docs. */
void metrics_stability_text(const struct metrics_stability_def *d, bool es, struct buf *out);

/* The period [from, to) in Unix seconds and the previous one, [prev_from, from): local
 * midnights of zone tz (NULL: UTC), so a day of a daylight-saving change has 23 or 25
 * hours and an evening in the county belongs to its local day. */
struct metrics_period {
	int64_t prev_from, from, to;
	int days;
	int64_t first_day;		      /* the period's first day, days since 1970 */
	struct sh_date prev_first, prev_last; /* the previous period's days, both included */
};
/* SH_EINVAL (naming "from" or "to") for a reversed period or one longer than the maximum. */
enum sh_code metrics_period(const struct tz *tz, struct sh_date from, struct sh_date to,
			    struct metrics_period *out, struct sh_error *err);

/* ---- the facts (period: 0 = the report period, 1 = the previous one) ---- */

/* Where a fact belongs: its recovery's area and identifying agency (area NULL: a
 * prosecution not linked to any recovery). Strings are copied when kept. */
struct metrics_where {
	int period;
	const char *area;
	int64_t agency_id;
};

enum metrics_missing_class {
	MISSING_ON_TIME,   /* every applicable 24-hour report done by its deadline */
	MISSING_LATE,	   /* one done late, waived, or still pending after its deadline */
	MISSING_NOT_DUE,   /* none late and one not yet due at the data's as-of time */
	MISSING_NO_REPORTS /* the case's protocol has no 24-hour reports */
};

/* The stability check found for one recovery at day N, or a youth's latest (or its
 * absence). */
struct metrics_check {
	bool found;
	int stable, safe_placement, engaged; /* 1 true, 0 false, -1 not recorded */
	bool missing;			     /* a missing episode in the days before it */
	bool recovered_again;		     /* a later recovery of the youth before it */
	bool detained;			     /* the latest placement then was detention */
};

struct metrics;

/* A new accumulator; options are copied. Free with metrics_free(). */
enum sh_code metrics_new(const struct metrics_options *o, struct metrics **out,
			 struct sh_error *err);
void metrics_free(struct metrics *m); /* accepts NULL */

/* The data's as-of time (the latest record): what is due by then counts as due. */
void metrics_set_as_of(struct metrics *m, int64_t as_of);
/* Names: an agency's, a protocol step's (the steps the timeliness figures list, in
 * this order; step rows for keys not declared are left out). */
enum sh_code metrics_set_agency(struct metrics *m, int64_t id, const char *name);
enum sh_code metrics_set_step(struct metrics *m, const char *key, const char *title);

/* The protocol (by name) recoveries of area ran under: once per pair, before
 * metrics_finish(). When the facts' areas ran under more than one protocol, every figure is
 * also given per protocol (groups "protocol:NAME"; an area given several protocols counts
 * under "protocol:(several)"); with one protocol, nothing changes. */
enum sh_code metrics_set_area_protocol(struct metrics *m, const char *area, const char *protocol);

/* n recoveries identified in the period: first_in_period = the youth's first recovery in
 * that period (unique youth and their gender and race/ethnicity count there);
 * re_recovery = not the youth's first recovery ever; age in whole years at T0. */
enum sh_code metrics_add_recoveries(struct metrics *m, const struct metrics_where *w,
				    bool re_recovery, bool first_in_period, int age,
				    const char *gender, const char *race_ethnicity, int64_t n);
/* n arrests of identified victims in the period: prostitution-related or not; of a youth
 * under 18 at the time of the act (or treated as such) or not. */
enum sh_code metrics_add_arrests(struct metrics *m, const struct metrics_where *w,
				 bool prostitution, bool minor, int64_t n);
/* n arrests the guardrail refused: of a minor for prostitution (SB 1322), or other
 * (an offence repealed before the act). */
enum sh_code metrics_add_refused_arrests(struct metrics *m, const struct metrics_where *w,
					 bool minor_prostitution, int64_t n);
/* n placements in a detention setting (recorded as detention, or described as one). */
enum sh_code metrics_add_detention(struct metrics *m, const struct metrics_where *w, int64_t n);
/* Exploiter (or buyer) arrests in the period, and how many distinct people they were
 * (each counted where their first arrest of the period was). */
enum sh_code metrics_add_exploiters(struct metrics *m, const struct metrics_where *w, bool buyer,
				    int64_t arrests, int64_t people);
/* One derived step row of a recovery identified in the period. */
enum sh_code metrics_add_step(struct metrics *m, const struct metrics_where *w, const char *step,
			      const char *state, int64_t opened_at, int64_t due_at,
			      int64_t done_at);
/* n missing episodes that started in the period, by their 24-hour reports. */
enum sh_code metrics_add_missing(struct metrics *m, const struct metrics_where *w,
				 enum metrics_missing_class cls, int64_t n);
/* n recoveries whose day `days` (30, 90 or 180) fell in the period, with their check. */
enum sh_code metrics_add_stability(struct metrics *m, const struct metrics_where *w, int days,
				   const struct metrics_check *chk, int64_t n);
/* n youth identified since the "currently stable" start day, by their latest check within
 * current_max_age_days of the period's end (or of the data's as-of time, if earlier). */
enum sh_code metrics_add_current(struct metrics *m, const struct metrics_where *w,
				 const struct metrics_check *chk, int64_t n);
/* n minor witnesses listed in the period and what they have (as of the data). */
enum sh_code metrics_add_witnesses(struct metrics *m, const struct metrics_where *w, bool advocate,
				   bool safety_plan, bool cctv_filed, bool cctv_granted, int64_t n);
/* n prosecutions filed (conviction false) or convicted (true) in the period. */
enum sh_code metrics_add_prosecutions(struct metrics *m, const struct metrics_where *w,
				      bool conviction, int64_t n);
/* n recoveries identified in month "YYYY-MM" (the county's months) of the period. */
enum sh_code metrics_add_month(struct metrics *m, int period, const char *month, int64_t n);

/* Totals, folding, percentiles and suppression. Call once, after the facts. */
enum sh_code metrics_finish(struct metrics *m, struct sh_error *err);
/* Appends the report to out. */
enum sh_code metrics_render(const struct metrics *m, enum metrics_format f, struct buf *out);

/* ---- building blocks, exposed for the tests ---- */

/* One line describing "currently stable", for the report and the docs. */
void metrics_current_text(const struct metrics_stability_def *d, bool es, struct buf *out);
/* Is a stability check "stable" under d? */
bool metrics_is_stable(const struct metrics_stability_def *d, const struct metrics_check *c);

enum metrics_timeliness {
	TIMELY_ON_TIME, /* done, done_at <= due_at */
	TIMELY_LATE,	/* done after due_at, or pending with due_at <= as_of */
	TIMELY_NOT_DUE, /* pending, not due by as_of (or no deadline yet) */
	TIMELY_WAIVED,
	TIMELY_NOT_APPLICABLE,
};
enum metrics_timeliness metrics_timeliness(const char *state, int64_t due_at, int64_t done_at,
					   int64_t as_of);

/* Nearest-rank percentile of sorted[0..n): the k-th smallest, k = ceil(p * n / 100).
 * n > 0, 0 < p <= 100. The median is p = 50 (for an even n, the lower middle value). */
int64_t metrics_percentile(const int64_t *sorted, size_t n, int p);

/*
 * Small-count and complementary suppression over a set of count cells tied by lines
 * (a line says: the members add up to the total). A cell is shown, small (1..max,
 * shown as "1-10"), complementary (suppressed so a small cell cannot be worked out;
 * always a cell above max), or hidden (never shown, but derivable from a line, e.g.
 * "without an advocate" = listed - with). metrics_suppress() marks small cells, then
 * adds complementary cells (the smallest shown non-zero one of the line at fault)
 * until (1) no line has exactly one suppressed member that matters (a small or
 * complementary cell, or a hidden one of 1..max) and (2) no small cell, nor hidden
 * one of 1..max, can be pinned to one value by interval reasoning over all lines.
 */
enum metrics_cell_state { MC_SHOWN, MC_SMALL, MC_COMPLEMENT, MC_HIDDEN };

struct metrics_cell {
	int64_t value;
	unsigned char state; /* enum metrics_cell_state: set SHOWN or HIDDEN before */
};

struct metrics_line {
	const uint32_t *members;
	uint32_t n;
	uint32_t total;
};

enum sh_code metrics_suppress(struct metrics_cell *cells, size_t ncells,
			      const struct metrics_line *lines, size_t nlines, int max);
/* The audit metrics_suppress() guarantees: true when both rules hold; else false and
 * *bad is a cell at fault. */
bool metrics_suppress_check(const struct metrics_cell *cells, size_t ncells,
			    const struct metrics_line *lines, size_t nlines, int max, size_t *bad);

#endif
