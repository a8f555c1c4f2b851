/*
 * The federal layout of the Board's figures (docs/report.md, "Federal and grant counts"):
 * the counts the OVC's TIMS and the BJS's HTRS ask of a task force that the case holds,
 * read from the same cells as the Board report (the report period, the county total), so
 * the two never disagree. Internal release only: the caller refuses a public one.
 */
#include "lib/common.h"
#include "core/metrics_internal.h"

/* One row: cells [c0, c1] of figure f added up (a band of ages, on time + late). */
struct frow {
	const char *item, *category, *label, *asked_by;
	int fig, c0, c1;
	const char *measure, *definition;
};

static const struct frow rows[] = {
	{ "victims", "recoveries", "Recoveries (a youth recovered twice counts twice)", "TIMS HTRS",
	  F_RECOVERIES, 0, 0, "recoveries",
	  "youth identified as suspected victims of commercial sexual exploitation in the period" },
	{ "victims", "new_victims", "First recoveries (new victims)", "TIMS HTRS", F_RECOVERIES,
	  C_FIRST, C_FIRST, "first_recoveries", "recoveries that were the youth's first" },
	{ "victims", "re_recoveries", "Re-recoveries", "TIMS", F_RECOVERIES, C_RE, C_RE,
	  "re_recoveries", "recoveries of a youth recovered before" },
	{ "victims", "unique_youth", "Youth identified (each once)", "TIMS HTRS", F_YOUTH, 0, 0,
	  "youth", "distinct youth recovered in the period" },
	{ "victims_by_age", "under_12", "New victims under 12", "TIMS HTRS", F_AGE, 1, 1,
	  "under_12", "first recoveries by age at identification" },
	{ "victims_by_age", "12_to_17", "New victims 12 to 17", "TIMS HTRS", F_AGE, 2, 7, "12..17",
	  "first recoveries by age at identification" },
	{ "victims_by_age", "18_or_older", "New victims 18 or older", "TIMS HTRS", F_AGE, 8, 8,
	  "18_or_older", "first recoveries by age at identification" },
	{ "victims_by_type", "sex_trafficking_minor", "Sex trafficking, minor (new victims)",
	  "TIMS HTRS", F_AGE, 1, 7, "under_12..17",
	  "every recovery is commercial sexual exploitation: sex trafficking of a minor under 18 "
	  "at identification" },
	{ "victims_by_type", "sex_trafficking_adult", "Sex trafficking, adult (new victims)",
	  "TIMS HTRS", F_AGE, 8, 8, "18_or_older",
	  "a youth 18 or older at identification (an estimate, or a birth date verified later)" },
	{ "arrests", "exploiter_arrests", "Arrests of exploiters and buyers", "HTRS", F_EXPLOITER,
	  0, 0, "arrests", "exploiter_arrest events in the period" },
	{ "arrests", "exploiters_arrested", "Exploiters arrested (people)", "HTRS", F_EXPLOITER,
	  C_EXPLOITERS, C_EXPLOITERS, "exploiters", "each person once, by a keyed hash" },
	{ "arrests", "buyers_arrested", "Buyers arrested (people)", "HTRS", F_EXPLOITER, C_BUYERS,
	  C_BUYERS, "buyers", "each person once, by a keyed hash" },
	{ "prosecutions", "filed", "Prosecutions filed", "HTRS", F_PROSECUTIONS, 0, 0,
	  "prosecutions_filed", "prosecutions by filing date" },
	{ "prosecutions", "convictions", "Convictions (convicted or a guilty plea)", "HTRS",
	  F_CONVICTIONS, 0, 0, "convictions", "prosecutions by the date of their outcome" },
};

static int64_t cells(const struct metrics *m, int f, int c0, int c1)
{
	int64_t n = 0;

	for (int c = c0; c <= c1; c++)
		n += m->cells[metrics_cell_index(m, f, c, 0, 0)].value;
	return n;
}

/* Text cells here are our own words and step titles: quoted when they hold a comma or
 * quote; a title never starts like a formula (the protocol's titles are checked text). */
static void text(struct mout *o, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		mo_adds(o, s);
		return;
	}
	mo_addch(o, '"');
	for (; *s; s++) {
		if (*s == '"')
			mo_addch(o, '"');
		mo_addch(o, *s);
	}
	mo_addch(o, '"');
}

static void row(struct mout *o, const char *from, const char *to, const char *item,
		const char *category, const char *label, int64_t value, const char *figure,
		const char *measure, const char *asked_by, const char *definition)
{
	mo_addf(o, "%s,%s,%s,", from, to, item);
	text(o, category);
	mo_addch(o, ',');
	text(o, label);
	mo_addf(o, ",%" PRId64 ",", value);
	text(o, figure);
	mo_addf(o, ",%s,%s,", measure, asked_by);
	text(o, definition);
	mo_adds(o, "\r\n");
}

enum sh_code metrics_render_federal(const struct metrics *m, struct mout *o)
{
	char from[11], to[11];

	if (m->o.public_release)
		return SH_EINVAL;
	metrics_fmt_date(m->o.from, from);
	metrics_fmt_date(m->o.to, to);
	mo_adds(o, "period_from,period_to,item,category,label,value,board_figure,board_measure,"
		   "asked_by,definition\r\n");
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		const struct frow *r = &rows[i];
		row(o, from, to, r->item, r->category, r->label, cells(m, r->fig, r->c0, r->c1),
		    m->figs[r->fig].key, r->measure, r->asked_by, r->definition);
	}
	/* services: each protocol step, as the Board's timeliness counts it */
	for (size_t s = 0; s < m->steps.n; s++) {
		const struct mfig *f = &m->figs[F_STEP0 + s];
		static const char *const what[] = { "due", "on_time", "late" };
		for (int c = 0; c < 3; c++)
			row(o, from, to, "services", f->key + 5, f->title, cells(m, f->id, c, c),
			    f->key, what[c], "TIMS",
			    c == 0 ? "steps due for recoveries identified in the period (done, or "
				     "pending past the deadline)"
			    : c == 1 ? "done by the deadline"
				     : "done after the deadline, or not done and past it");
	}
	return SH_OK;
}
