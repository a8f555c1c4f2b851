#ifndef SH_METRICS_INTERNAL_H
#define SH_METRICS_INTERNAL_H
/*
 * Shared by metrics.c (facts, figures, finish), metrics_render.c (JSON, CSV) and
 * metrics_html.c (HTML, SVG). Nothing outside core/metrics*.c includes it.
 */
#include "core/metrics.h"
#include <string.h>
#include "lib/arena.h"
#include "lib/buf.h"

#define METRICS_MAX_STEPS 256
#define METRICS_NP 2 /* periods: 0 the report period, 1 the previous one */

/* Figures, in the order their cells are laid out. Step figures follow F_STEP0. */
enum {
	F_RECOVERIES,
	F_YOUTH,
	F_AGE,
	F_GENDER,
	F_RACE,
	F_ARRESTS,
	F_REFUSED,
	F_DETENTION,
	F_MISSING,
	F_STAB30,
	F_STAB90,
	F_STAB180,
	F_CURRENT,
	F_EXPLOITER,
	F_PROSECUTIONS,
	F_CONVICTIONS,
	F_WITNESSES,
	F_MONTHS, /* recoveries per month, for the chart (county total only) */
	F_STEP0
};

/* categories of the fixed figures (0 is the figure's total) */
enum { C_FIRST = 1, C_RE = 2 };
enum { C_PROSTITUTION = 1, C_OTHER = 2, C_MINOR = 3, C_ADULT = 4 }; /* arrests */
enum { C_REFUSED_MINOR = 1, C_REFUSED_OTHER = 2 };
enum { C_DUE = 1, C_ON_TIME = 2, C_LATE = 3, C_NOT_ASSESSED = 4 }; /* missing */
enum { C_STABLE = 1, C_NOT_STABLE = 2, C_NO_CHECK = 3 };
enum { C_EXPLOITERS = 1, C_BUYERS = 2, C_PEOPLE = 3 }; /* people; 0 = arrests */
enum {
	C_ADVOCATE = 1,
	C_NO_ADVOCATE,
	C_PLAN,
	C_NO_PLAN,
	C_CCTV,
	C_NO_CCTV,
	C_GRANTED,
	C_NOT_GRANTED
};
enum { C_STEP_ON_TIME = 1, C_STEP_LATE = 2 }; /* step figures: 0 = due */
#define AGE_BUCKETS 8			      /* under 12, 12 .. 17, 18 or older */

enum measure_kind { MK_COUNT, MK_SHARE, MK_MEDIAN, MK_P90, MK_AGE_MEAN, MK_AGE_MIN };

struct mcat {
	const char *key, *label;
	bool hidden; /* never shown; derivable from its line */
};

struct mmeasure {
	enum measure_kind kind;
	int a, b; /* count: category a; share: a of b */
	const char *key, *label;
};

struct mline {
	int total;
	int n;
	const int *members;
};

struct mfig {
	int id;
	const char *key, *section, *title, *definition, *basis;
	int ncat;
	const struct mcat *cat;
	int base_fig, base_cat; /* category 0 is that figure's cell; -1 when its own */
	int nlines;
	const struct mline *line;
	int nmeas;
	const struct mmeasure *meas;
	size_t cell0;
	int64_t *st; /* [period][group][3]: steps n done, median, p90; age n, sum, min */
};

enum group_kind { G_ALL, G_AREA, G_AGENCY, G_PROTOCOL };

struct mgroup {
	enum group_kind kind;
	const char *key, *label;
};

/* A value as shown: state MC_SHOWN, MC_SMALL, MC_COMPLEMENT, or MC_HIDDEN for a
 * statistic withheld in public; none = nothing to show (no data). */
struct mval {
	enum measure_kind kind;
	int state;
	bool none;
	int64_t n, num, den; /* count / share parts / statistic */
};

/* growable table of interned strings */
struct dict {
	struct buf names; /* const char * entries */
	uint32_t *slots;  /* index + 1; 0 empty */
	size_t nslots, n;
};

/* sparse sums keyed by (figure, category, period, dimension, raw index) */
struct counter {
	uint64_t *keys; /* key + 1; 0 empty */
	int64_t *vals;
	size_t cap, n;
};

struct metrics {
	struct metrics_options o;
	struct arena arena;
	struct metrics_period per;
	int64_t as_of;
	char stability_text[1024], current_text[1024];
	/* dimensions of the facts (raw indexes) */
	struct dict areas, agencies, steps, genders, races, months;
	struct buf agency_ids;	   /* int64_t per raw agency */
	struct buf agency_names;   /* const char * per raw agency (NULL until named) */
	struct buf named_ids;	   /* int64_t: agencies named by metrics_set_agency */
	struct buf named_names;	   /* const char * */
	struct buf step_titles;	   /* const char * per step */
	struct buf area_protocols; /* struct metrics_area_protocol, as given */
	struct counter sums, mins;
	struct buf durs[METRICS_NP][METRICS_MAX_STEPS]; /* struct dur_row */
	uint32_t last_area, last_agency;
	const char *last_area_s;
	int64_t last_agency_id;
	bool have_last;
	/* after metrics_finish() */
	bool finished;
	/* groups: all, areas..., agencies..., protocols... (none when one protocol) */
	size_t ngroups, nareas, nagencies, nprotocols;
	struct mgroup *groups;
	uint32_t *area_group, *agency_group;	/* raw -> group */
	uint32_t *protocol_group;		/* raw area -> its protocol's group; NULL: none */
	int *gender_cat, *race_cat, *month_cat; /* raw -> category (months: + 1) */
	unsigned char *month_mask;		/* per month: bit p set when it touches period p */
	size_t nfigs;
	struct mfig *figs;
	struct metrics_cell *cells;
	size_t ncells;
};

struct metrics_area_protocol {
	const char *area, *protocol;
};

struct dur_row {
	int64_t d;
	uint32_t area, agency;
};

/* Appends that remember the first failure (out of memory): the renderers check once at
 * the end, so a report is never returned cut short. */
struct mout {
	struct buf *b;
	enum sh_code rc;
};
void mo_add_slow(struct mout *o, const void *p, size_t n);
/* Most appends are a few bytes into room already there: no call, no checks beyond that. */
static inline void mo_add(struct mout *o, const void *p, size_t n)
{
	struct buf *b = o->b;

	if (b->cap - b->len > n && !o->rc) {
		memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		return;
	}
	mo_add_slow(o, p, n);
}
static inline void mo_adds(struct mout *o, const char *s)
{
	mo_add(o, s, strlen(s));
}
static inline void mo_addch(struct mout *o, char c)
{
	mo_add(o, &c, 1);
}
/* A number in decimal, as printf's %" PRId64 " writes it (the reports' hot path: no
 * format string to parse). */
void mo_addi(struct mout *o, int64_t v);
/* t / 10 "." t % 10, each as mo_addi writes it: a share or mean kept in tenths */
void mo_addtenths(struct mout *o, int64_t t);
void mo_addf(struct mout *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mo_add_html(struct mout *o, const char *s);

/* The cell of figure f, category c, period p, group g (following a shared base). */
size_t metrics_cell_index(const struct metrics *m, int f, int c, int p, size_t g);
/* The value of a measure, as it may be shown. */
void metrics_value(const struct metrics *m, const struct mfig *f, const struct mmeasure *ms, int p,
		   size_t g, struct mval *v);
/* The recoveries of month c (F_MONTHS) in period p, as they may be shown; false when that
 * month is not in period p. */
bool metrics_month_value(const struct metrics *m, int c, int p, struct mval *v);
/* Text helpers shared by the renderers. */
void metrics_fmt_date(struct sh_date d, char out[11]);
void metrics_fmt_duration(int64_t seconds, char *out, size_t len);
/* Share in tenths of a percent, rounded half up. */
int64_t metrics_tenths(int64_t num, int64_t den);
const char *metrics_period_name(int p);
/* Words for people (a title, a label, a definition), in the report's language
 * (metrics_options.es; lib/catalog.h): the Spanish when the catalogue has it. */
const char *metrics_words(const struct metrics *m, const char *s);
/* The figures in report order (steps after arrests); out has room for m->nfigs. */
size_t metrics_order(const struct metrics *m, int *out);
extern const char *const metrics_suppression_text;
enum sh_code metrics_render_html(const struct metrics *m, struct mout *out);
enum sh_code metrics_render_charts(const struct metrics *m, struct mout *out);
enum sh_code metrics_render_federal(const struct metrics *m, struct mout *out);

#endif
