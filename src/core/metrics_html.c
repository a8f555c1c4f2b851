/*
 * The Board report as one self-contained printable HTML page: inline CSS, no script,
 * no external resource, and SVG charts drawn here (recoveries per month, on-time share
 * per step, stability). Each chart has a title and a description that carries its
 * data, and the tables below carry every figure. Colours meet WCAG AA: text is
 * #1a1a1a or #333 on white, bars have at least 3:1 against the page, and the previous
 * period is hatched as well as lighter so the charts also read in grey print.
 */
#include "lib/common.h"
#include "lib/catalog.h"
#include "core/metrics_internal.h"

#define C_CUR "#1f4e79"	 /* 9.1:1 on white */
#define C_PREV "#5b7fa6" /* 4.2:1 on white */
#define C_PREV_EDGE "#2d4f73"
#define C_TEXT "#1a1a1a"
#define C_GRID "#b3b3b3"

static const char *const month_names[] = { "January",	"February", "March",	"April",
					   "May",	"June",	    "July",	"August",
					   "September", "October",  "November", "December" };
static const char *const month_names_es[] = { "enero",	    "febrero", "marzo",	    "abril",
					      "mayo",	    "junio",   "julio",	    "agosto",
					      "septiembre", "octubre", "noviembre", "diciembre" };

static void h(struct mout *b, const char *s)
{
	mo_add_html(b, s ? s : "");
}

static void mo_add_html_n(struct mout *b, const char *s, size_t n)
{
	char tmp[128];

	snprintf(tmp, sizeof(tmp), "%.*s", (int)(n < sizeof(tmp) - 1 ? n : sizeof(tmp) - 1), s);
	mo_add_html(b, tmp);
}

/* 7 March 2026; in Spanish, 7 de marzo de 2026 */
static void human_date(const struct metrics *m, struct mout *b, struct sh_date d)
{
	if (m->o.es)
		mo_addf(b, "%d de %s de %d", d.day, month_names_es[d.month - 1], d.year);
	else
		mo_addf(b, "%d %s %d", d.day, month_names[d.month - 1], d.year);
}

static void period_text(const struct metrics *m, int p, struct mout *b)
{
	human_date(m, b, p ? m->per.prev_first : m->o.from);
	mo_adds(b, metrics_words(m, N_(" to ")));
	human_date(m, b, p ? m->per.prev_last : m->o.to);
}

#define AREA_OR_AGENCY metrics_words(m, N_("Area or agency"))
#define STEP metrics_words(m, N_("Step"))
#define BY_AREA N_("By area")
#define BY_AGENCY N_("By identifying agency")
#define BY_PROTOCOL N_("By protocol")

/* A measure's two column heads: this period, the previous one. */
static void period_heads(const struct metrics *m, struct mout *b)
{
	mo_adds(b, "<th scope=\"col\">");
	h(b, metrics_words(m, N_("This period")));
	mo_adds(b, "</th><th scope=\"col\" class=\"prev\">");
	h(b, metrics_words(m, N_("Previous")));
	mo_adds(b, "</th>");
}

/* The row that heads the areas, or the agencies. */
static void sub_head(const struct metrics *m, struct mout *b, size_t cols, const char *what)
{
	mo_adds(b, "<tr class=\"sub\"><th colspan=\"");
	mo_addi(b, (int64_t)cols);
	mo_adds(b, "\" scope=\"rowgroup\">");
	h(b, metrics_words(m, what));
	mo_adds(b, "</th></tr>");
}

/* A whole percentage: "87%"; in Spanish "87 %", as the web app writes it (web/i18n). */
static void percent(const struct metrics *m, struct mout *b, int64_t p)
{
	mo_addi(b, p);
	mo_adds(b, m->o.es ? " %" : "%");
}

/* The text of a value in a table cell (HTML). */
static void cell(const struct metrics *m, struct mout *b, const struct mval *v)
{
	char d[48];

	if (v->kind == MK_COUNT) {
		if (v->state == MC_SMALL)
			mo_adds(b, "1-10");
		else if (v->state != MC_SHOWN)
			mo_adds(b,
				metrics_words(
					m,
					N_("<abbr class=\"supp\" title=\"suppressed so that a small "
					   "count cannot be worked out\">supp.</abbr>")));
		else
			mo_addi(b, v->n);
		return;
	}
	if (v->state != MC_SHOWN && !(v->none && v->kind != MK_SHARE)) {
		mo_adds(b, metrics_words(
				   m, N_("<abbr class=\"supp\" title=\"suppressed: too few to show "
					 "in a public release\">supp.</abbr>")));
		return;
	}
	if (v->none) {
		mo_adds(b, metrics_words(
				   m, N_("<span class=\"none\" title=\"no data\">&ndash;</span>")));
		return;
	}
	switch (v->kind) {
	case MK_SHARE: {
		int64_t t = metrics_tenths(v->num, v->den);
		percent(m, b, (t + 5) / 10);
		mo_adds(b, " <small>");
		mo_addi(b, v->num);
		mo_addch(b, '/');
		mo_addi(b, v->den);
		mo_adds(b, "</small>");
		return;
	}
	case MK_AGE_MEAN: {
		mo_addtenths(b, (v->num * 20 + v->den) / (2 * v->den));
		return;
	}
	case MK_AGE_MIN: mo_addi(b, v->n); return;
	default: metrics_fmt_duration(v->n, d, sizeof(d)); h(b, d);
	}
}

/* Plain text of a value for chart descriptions. */
static void plain(const struct metrics *m, struct mout *b, const struct mval *v)
{
	if (v->kind == MK_COUNT) {
		if (v->state == MC_SMALL)
			mo_adds(b, metrics_words(m, N_("1 to 10")));
		else if (v->state != MC_SHOWN)
			mo_adds(b, metrics_words(m, N_("suppressed")));
		else
			mo_addi(b, v->n);
	} else if (v->state != MC_SHOWN) {
		mo_adds(b, metrics_words(m, N_("suppressed")));
	} else if (v->none) {
		mo_adds(b, metrics_words(m, N_("no data")));
	} else {
		int64_t t = metrics_tenths(v->num, v->den);
		mo_addf(b, metrics_words(m, N_("%" PRId64 "%% (%" PRId64 " of %" PRId64 ")")),
			(t + 5) / 10, v->num, v->den);
	}
}

static const char css[] =
	"body{font:10.5pt/1.45 \"Liberation Sans\",Arial,Helvetica,sans-serif;color:" C_TEXT ";"
	"background:#fff;margin:1.5rem auto;max-width:72rem;padding:0 1rem}"
	"h1{font-size:17pt;margin:0 0 .4rem;line-height:1.25}"
	"h2{font-size:13.5pt;border-bottom:2px solid " C_CUR
	";padding-bottom:.15rem;margin:1.8rem 0 .5rem;"
	"break-after:avoid;page-break-after:avoid}"
	"h3{font-size:11pt;margin:1.2rem 0 .2rem;break-after:avoid;page-break-after:avoid}"
	"p{margin:.25rem 0}.def{color:#333;font-size:9.5pt;max-width:60rem}"
	".basis{color:#333;font-size:9pt;font-style:italic}"
	".meta{font-size:10pt}.release{border:2px solid #8a4b00;background:#fff8ec;padding:.4rem .7rem;"
	"margin:.6rem 0;max-width:60rem}"
	"table{border-collapse:collapse;margin:.3rem 0 .9rem;font-size:9pt;"
	"font-variant-numeric:tabular-nums}"
	"th,td{border:1px solid #8c8c8c;padding:.15rem .4rem;text-align:right;vertical-align:top}"
	"thead th{background:#e6edf5;font-weight:600;text-align:center}"
	"tbody th{text-align:left;font-weight:normal;min-width:10em}td.basis{text-align:left}tbody tr.all th,tbody tr.all td{font-weight:600}"
	"tr.sub th{background:#f2f2f2;font-style:italic;font-weight:normal}"
	".prev{color:#404040}td.prev{background:#fafafa}small{color:#404040;font-size:8pt}"
	"abbr.supp{text-decoration:none;font-style:italic}.none{color:#404040}"
	".wide{overflow-x:auto;max-width:100%}"
	"figure{margin:.8rem 0 1.2rem;break-inside:avoid;page-break-inside:avoid}"
	"figcaption{font-size:9.5pt;color:#333;max-width:60rem}"
	"svg{max-width:100%;height:auto}svg text{font-family:inherit}"
	"footer{margin-top:2rem;font-size:9pt;color:#333;border-top:1px solid #8c8c8c;padding-top:.4rem}"
	"@media print{body{margin:0;max-width:none;font-size:9pt}h2{break-before:auto}"
	"table{font-size:8pt}.wide{overflow:visible}@page{size:A4 landscape;margin:12mm}}";

/* ---- SVG ---- */

static int64_t nice_max(int64_t v, int64_t *step)
{
	static const int64_t mult[] = { 1, 2, 5 };
	int64_t base = 1;

	if (v < 1)
		v = 1;
	for (;;) {
		for (size_t i = 0; i < ARRAY_SIZE(mult); i++) {
			int64_t s = base * mult[i];
			if ((v + s - 1) / s <= 5) {
				*step = s;
				return (v + s - 1) / s * s;
			}
		}
		base *= 10;
	}
}

static void svg_open(struct mout *b, const char *id, int w, int hgt, const char *title,
		     const char *desc)
{
	mo_addf(b,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
		"height=\"%d\" role=\"img\" aria-labelledby=\"%s-t %s-d\" font-size=\"12\">"
		"<title id=\"%s-t\">",
		w, hgt, w, hgt, id, id, id);
	h(b, title);
	mo_addf(b, "</title><desc id=\"%s-d\">", id);
	h(b, desc);
	mo_addf(b,
		"</desc><defs><pattern id=\"%s-hatch\" patternUnits=\"userSpaceOnUse\" "
		"width=\"6\" height=\"6\" patternTransform=\"rotate(45)\"><rect width=\"6\" "
		"height=\"6\" fill=\"" C_PREV "\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" "
		"stroke=\"#fff\" stroke-width=\"1.5\"/></pattern></defs>"
		"<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>",
		id, w, hgt);
}

static void bar_fill(struct mout *b, const char *id, int p)
{
	if (p)
		mo_addf(b, "fill=\"url(#%s-hatch)\" stroke=\"" C_PREV_EDGE "\"", id);
	else
		mo_adds(b, "fill=\"" C_CUR "\" stroke=\"" C_CUR "\"");
}

static void svg_legend(const struct metrics *m, struct mout *b, const char *id, int x, int y)
{
	for (int p = 0; p < METRICS_NP; p++) {
		int lx = x + p * 350;
		mo_addf(b, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" ", lx, y - 11);
		bar_fill(b, id, p);
		mo_addf(b, "/><text x=\"%d\" y=\"%d\" fill=\"" C_TEXT "\">", lx + 20, y);
		mo_adds(b, p ? metrics_words(m, N_("Previous period: "))
			     : metrics_words(m, N_("This period: ")));
		period_text(m, p, b);
		mo_adds(b, "</text>");
	}
}

/* Recoveries per month: one bar per (month, period), oldest first. */
static void chart_months(const struct metrics *m, struct mout *b)
{
	const struct mfig *f = &m->figs[F_MONTHS];
	const char *id = "chart-months";
	struct buf descb = BUF_INIT;
	struct mout desc = { &descb, SH_OK };
	int nbars = 0, left = 56, top = 40, ph = 220, bw, gap = 8, w, x;
	int64_t max = 1, step, ymax;

	for (int c = 0; c < f->ncat; c++)
		for (int p = METRICS_NP - 1; p >= 0; p--) {
			struct mval v;
			if (!metrics_month_value(m, c, p, &v))
				continue;
			nbars++;
			if (v.n > max && v.state == MC_SHOWN)
				max = v.n;
		}
	if (max < METRICS_SMALL_MAX && m->o.public_release)
		max = METRICS_SMALL_MAX;
	ymax = nice_max(max, &step);
	/* bars share the width of the legend below, 12 to 60 pixels each */
	bw = nbars ? (720 - left - 30) / nbars - gap : 60;
	bw = bw < 12 ? 12 : bw > 60 ? 60 : bw;
	w = left + nbars * (bw + gap) + 30;
	if (w < 720)
		w = 720;
	mo_adds(&desc, metrics_words(m, N_("Bar chart of recoveries per calendar month. ")));
	for (int p = METRICS_NP - 1; p >= 0; p--) {
		bool first = true;
		mo_adds(&desc, p ? metrics_words(m, N_("Previous period: "))
				 : metrics_words(m, N_(" This period: ")));
		for (int c = 0; c < f->ncat; c++) {
			struct mval v;
			if (!metrics_month_value(m, c, p, &v))
				continue;
			mo_addf(&desc, "%s%s ", first ? "" : ", ", f->cat[c].label);
			plain(m, &desc, &v);
			first = false;
		}
		mo_addch(&desc, '.');
	}
	svg_open(b, id, w, top + ph + 80, metrics_words(m, N_("Recoveries per month")), descb.data);
	if (desc.rc)
		b->rc = desc.rc;
	buf_release(&descb);
	for (int64_t t = 0; t <= ymax; t += step) {
		int y = top + ph - (int)(t * ph / ymax);
		mo_addf(b,
			"<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"" C_GRID "\"/>"
			"<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"" C_TEXT "\">%" PRId64
			"</text>",
			left, w - 10, y, y, left - 6, y + 4, t);
	}
	x = left + gap;
	for (int c = 0; c < f->ncat; c++)
		for (int p = METRICS_NP - 1; p >= 0; p--) {
			struct mval v;
			int state, bh;
			if (!metrics_month_value(m, c, p, &v))
				continue;
			state = v.state;
			/* only a shown count has a height: a small one (1 to 10) is a dashed mark on
			 * the baseline, never a bar that reads as 10 */
			bh = state == MC_SHOWN ? (int)(v.n * ph / ymax) : 0;
			if (state == MC_SMALL)
				mo_addf(b,
					"<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" "
					"stroke=\"%s\" stroke-width=\"3\" stroke-dasharray=\"4 3\"/>",
					x, x + bw, top + ph - 2, top + ph - 2,
					p ? C_PREV_EDGE : C_CUR);
			else if (bh > 0) {
				mo_addf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" ", x,
					top + ph - bh, bw, bh);
				bar_fill(b, id, p);
				mo_adds(b, "/>");
			}
			mo_addf(b,
				"<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"10\" "
				"fill=\"" C_TEXT "\">",
				x + bw / 2, top + ph - bh - 4);
			if (state == MC_SMALL)
				mo_adds(b, "1-10");
			else if (state == MC_COMPLEMENT)
				mo_adds(b, metrics_words(m, N_("supp.")));
			else
				mo_addf(b, "%" PRId64, v.n);
			mo_addf(b,
				"</text><text transform=\"translate(%d %d) rotate(-45)\" "
				"text-anchor=\"end\" font-size=\"10\" fill=\"" C_TEXT "\">",
				x + bw / 2 + 3, top + ph + 14);
			h(b, f->cat[c].label);
			mo_adds(b, "</text>");
			x += bw + gap;
		}
	mo_addf(b, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"" C_TEXT "\"/>", left,
		w - 10, top + ph, top + ph);
	mo_addf(b, "<text x=\"%d\" y=\"16\" fill=\"" C_TEXT "\" font-weight=\"600\">", left);
	h(b, metrics_words(m, N_("Recoveries per month")));
	mo_adds(b, "</text>");
	svg_legend(m, b, id, left, top + ph + 74);
	mo_adds(b, "</svg>");
}

/* A label right-aligned at x, on two lines when long (at most 2 x 44 characters). */
static void svg_label(struct mout *b, const char *s, int x, int y)
{
	size_t n = strlen(s), cut = 0;

	mo_addf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"" C_TEXT "\">", x,
		n > 44 ? y - 7 : y);
	if (n <= 44) {
		h(b, s);
		mo_adds(b, "</text>");
		return;
	}
	for (size_t i = 0; i < n && i <= 44; i++)
		if (s[i] == ' ')
			cut = i;
	if (!cut)
		cut = 44;
	mo_add_html_n(b, s, cut);
	mo_addf(b, "<tspan x=\"%d\" dy=\"14\">", x);
	s += cut + (s[cut] == ' ');
	n = strlen(s);
	if (n > 44) {
		size_t k = 41;
		while (k && ((unsigned char)s[k] & 0xc0) == 0x80)
			k--;
		mo_add_html_n(b, s, k);
		mo_adds(b, "...");
	} else {
		h(b, s);
	}
	mo_adds(b, "</tspan></text>");
}

/* Horizontal bars of shares (0-100%), two per row: this period, then the previous one. */
static void chart_shares(const struct metrics *m, struct mout *b, const char *id, const char *title,
			 const int *figs, size_t nfigs, const char *const *labels, int meas)
{
	struct buf descb = BUF_INIT;
	struct mout desc = { &descb, SH_OK };
	int label_w = 300, plot_w = 480, row = 40, top = 34, w = label_w + plot_w + 90;
	int hgt = top + (int)nfigs * row + 56;

	mo_adds(&desc, title);
	mo_adds(&desc, metrics_words(m, N_(", this period and the previous one. ")));
	for (size_t i = 0; i < nfigs; i++) {
		const struct mfig *f = &m->figs[figs[i]];
		for (int p = 0; p < METRICS_NP; p++) {
			struct mval v;
			metrics_value(m, f, &f->meas[meas], p, 0, &v);
			mo_addf(&desc,
				p ? metrics_words(m, N_("%s%s, previous period: "))
				  : metrics_words(m, N_("%s%s, this period: ")),
				i || p ? "; " : "",
				metrics_words(m, labels ? labels[i] : f->title));
			plain(m, &desc, &v);
		}
	}
	mo_addch(&desc, '.');
	svg_open(b, id, w, hgt, title, descb.data);
	if (desc.rc)
		b->rc = desc.rc;
	buf_release(&descb);
	mo_adds(b, "<text x=\"4\" y=\"16\" fill=\"" C_TEXT "\" font-weight=\"600\">");
	h(b, title);
	mo_adds(b, "</text>");
	for (int t = 0; t <= 100; t += 25) {
		int x = label_w + t * plot_w / 100;
		mo_addf(b,
			"<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"" C_GRID "\"/>"
			"<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"" C_TEXT "\">",
			x, x, top - 4, top + (int)nfigs * row, x, top + (int)nfigs * row + 16);
		percent(m, b, t);
		mo_adds(b, "</text>");
	}
	for (size_t i = 0; i < nfigs; i++) {
		const struct mfig *f = &m->figs[figs[i]];
		int y = top + (int)i * row;
		svg_label(b, metrics_words(m, labels ? labels[i] : f->title), label_w - 8,
			  y + row / 2 + 4);
		for (int p = 0; p < METRICS_NP; p++) {
			struct mval v;
			int by = y + 4 + p * 16, bw = 0;
			metrics_value(m, f, &f->meas[meas], p, 0, &v);
			if (v.state == MC_SHOWN && !v.none)
				bw = (int)(v.num * plot_w / v.den);
			if (bw > 0) {
				mo_addf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"14\" ",
					label_w, by, bw);
				bar_fill(b, id, p);
				mo_adds(b, "/>");
			}
			mo_addf(b,
				"<text x=\"%d\" y=\"%d\" font-size=\"10.5\" fill=\"" C_TEXT "\">",
				label_w + bw + 5, by + 11);
			if (v.state != MC_SHOWN)
				mo_adds(b, metrics_words(m, N_("suppressed")));
			else if (v.none)
				mo_adds(b, metrics_words(m, N_("no data")));
			else
				percent(m, b, (metrics_tenths(v.num, v.den) + 5) / 10);
			mo_adds(b, "</text>");
		}
	}
	svg_legend(m, b, id, 4, hgt - 12);
	mo_adds(b, "</svg>");
}

/* ---- tables ---- */

/* Wide figures put both periods in one cell, this period above the previous one. */
static bool compact(const struct mfig *f)
{
	return f->nmeas > 4;
}

static void table_head(const struct metrics *m, struct mout *b, const struct mfig *f,
		       const char *fid)
{
	bool c = compact(f);

	mo_addf(b, "<table aria-labelledby=\"%s\"><thead><tr><th %sscope=\"col\">", fid,
		c ? "" : "rowspan=\"2\" ");
	h(b, AREA_OR_AGENCY);
	mo_adds(b, "</th>");
	for (int i = 0; i < f->nmeas; i++) {
		mo_adds(b, c ? "<th scope=\"col\">" : "<th colspan=\"2\" scope=\"colgroup\">");
		h(b, metrics_words(m, f->meas[i].label));
		mo_adds(b, "</th>");
	}
	mo_adds(b, "</tr>");
	if (!c) {
		mo_adds(b, "<tr>");
		for (int i = 0; i < f->nmeas; i++)
			period_heads(m, b);
		mo_adds(b, "</tr>");
	}
	mo_adds(b, "</thead><tbody>");
}

static void group_rows(const struct metrics *m, const struct mfig *f, struct mout *b)
{
	bool c = compact(f);
	int cols = 1 + (c ? 1 : 2) * f->nmeas;

	for (size_t g = 0; g < m->ngroups; g++) {
		const struct mgroup *gr = &m->groups[g];
		if (g == 1 && m->nareas)
			sub_head(m, b, (size_t)cols, BY_AREA);
		if (g == 1 + m->nareas && m->nagencies)
			sub_head(m, b, (size_t)cols, BY_AGENCY);
		if (g == 1 + m->nareas + m->nagencies && m->nprotocols)
			sub_head(m, b, (size_t)cols, BY_PROTOCOL);
		mo_adds(b, g ? "<tr><th scope=\"row\">" : "<tr class=\"all\"><th scope=\"row\">");
		h(b, gr->label);
		mo_adds(b, "</th>");
		for (int i = 0; i < f->nmeas; i++) {
			if (c)
				mo_adds(b, "<td>");
			for (int p = 0; p < METRICS_NP; p++) {
				struct mval v;
				metrics_value(m, f, &f->meas[i], p, g, &v);
				if (c)
					mo_adds(b, p ? "<br><span class=\"prev\">" : "");
				else
					mo_adds(b, p ? "<td class=\"prev\">" : "<td>");
				cell(m, b, &v);
				mo_adds(b, c ? (p ? "</span>" : "") : "</td>");
			}
			if (c)
				mo_adds(b, "</td>");
		}
		mo_adds(b, "</tr>");
	}
	mo_adds(b, "</tbody></table>");
}

static void figure_intro(const struct metrics *m, struct mout *b, const struct mfig *f,
			 const char *fid)
{
	mo_addf(b, "<h3 id=\"%s\">", fid);
	h(b, metrics_words(m, f->title));
	mo_adds(b, "</h3><p class=\"def\">");
	h(b, metrics_words(m, f->definition));
	mo_adds(b, "</p><p class=\"basis\">");
	h(b, metrics_words(m, f->basis));
	mo_adds(b, "</p>");
}

static void figure_table(const struct metrics *m, const struct mfig *f, struct mout *b)
{
	char fid[160];

	snprintf(fid, sizeof(fid), "fig-%s", f->key);
	figure_intro(m, b, f, fid);
	if (!f->nmeas) {
		mo_adds(b, metrics_words(m, N_("<p>Nothing recorded.</p>")));
		return;
	}
	if (compact(f))
		mo_adds(b,
			metrics_words(
				m,
				N_("<p class=\"def\">Each cell: this period, and below it in grey "
				   "the previous period.</p>")));
	table_head(m, b, f, fid);
	group_rows(m, f, b);
}

/* One cell of the on-time matrix: this period, the previous one below it. */
static void share_cell(const struct metrics *m, const struct mfig *f, size_t g, struct mout *b)
{
	mo_adds(b, "<td>");
	for (int p = 0; p < METRICS_NP; p++) {
		struct mval v;
		metrics_value(m, f, &f->meas[1], p, g, &v);
		mo_adds(b, p ? "<br><span class=\"prev\">" : "");
		if (v.state != MC_SHOWN)
			mo_adds(b,
				metrics_words(
					m,
					N_("<abbr class=\"supp\" title=\"suppressed\">supp.</abbr>")));
		else if (v.none)
			mo_adds(b, "&ndash;");
		else
			percent(m, b, (metrics_tenths(v.num, v.den) + 5) / 10);
		mo_adds(b, p ? "</span>" : "");
	}
	mo_adds(b, "</td>");
}

/* Measure k of f for all areas: a cell this period, then one the previous period. */
static void period_cells(const struct metrics *m, const struct mfig *f, int k, struct mout *b)
{
	for (int p = 0; p < METRICS_NP; p++) {
		struct mval v;
		metrics_value(m, f, &f->meas[k], p, 0, &v);
		mo_adds(b, p ? "<td class=\"prev\">" : "<td>");
		cell(m, b, &v);
		mo_adds(b, "</td>");
	}
}

/* few groups: a row per step, a column per group */
static void steps_by_step(const struct metrics *m, const int *order, size_t n, struct mout *b)
{
	mo_adds(b, "<thead><tr><th scope=\"col\">");
	h(b, STEP);
	mo_adds(b, "</th>");
	for (size_t g = 0; g < m->ngroups; g++) {
		mo_adds(b, "<th scope=\"col\">");
		h(b, m->groups[g].label);
		mo_adds(b, "</th>");
	}
	mo_adds(b, "</tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		if (order[i] < F_STEP0)
			continue;
		mo_adds(b, "<tr><th scope=\"row\">");
		h(b, m->figs[order[i]].title);
		mo_adds(b, "</th>");
		for (size_t g = 0; g < m->ngroups; g++)
			share_cell(m, &m->figs[order[i]], g, b);
		mo_adds(b, "</tr>");
	}
	mo_adds(b, "</tbody>");
}

/* many groups: a row per group, a column per step */
static void steps_by_group(const struct metrics *m, const int *order, size_t n, size_t nsteps,
			   struct mout *b)
{
	mo_adds(b, "<thead><tr><th scope=\"col\">");
	h(b, AREA_OR_AGENCY);
	mo_adds(b, "</th>");
	for (size_t i = 0; i < n; i++)
		if (order[i] >= F_STEP0) {
			mo_adds(b, "<th scope=\"col\">");
			h(b, m->figs[order[i]].title);
			mo_adds(b, "</th>");
		}
	mo_adds(b, "</tr></thead><tbody>");
	for (size_t g = 0; g < m->ngroups; g++) {
		if (g == 1 && m->nareas)
			sub_head(m, b, nsteps + 1, BY_AREA);
		if (g == 1 + m->nareas && m->nagencies)
			sub_head(m, b, nsteps + 1, BY_AGENCY);
		if (g == 1 + m->nareas + m->nagencies && m->nprotocols)
			sub_head(m, b, nsteps + 1, BY_PROTOCOL);
		mo_adds(b, g ? "<tr><th scope=\"row\">" : "<tr class=\"all\"><th scope=\"row\">");
		h(b, m->groups[g].label);
		mo_adds(b, "</th>");
		for (size_t i = 0; i < n; i++)
			if (order[i] >= F_STEP0)
				share_cell(m, &m->figs[order[i]], g, b);
		mo_adds(b, "</tr>");
	}
	mo_adds(b, "</tbody>");
}

/* The steps: the county's figures, then the on-time share of every group. */
static void steps_tables(const struct metrics *m, const int *order, size_t n, struct mout *b)
{
	const struct mfig *first = NULL;
	size_t nsteps = 0;

	for (size_t i = 0; i < n; i++)
		if (order[i] >= F_STEP0) {
			first = first ? first : &m->figs[order[i]];
			nsteps++;
		}
	if (!first)
		return;
	mo_adds(b, "<h3 id=\"fig-steps\">");
	h(b, metrics_words(m, N_("Timeliness of every step, all areas")));
	mo_adds(b, "</h3><p class=\"def\">");
	h(b, metrics_words(m, first->definition));
	mo_adds(b, "</p><p class=\"basis\">");
	h(b, metrics_words(m, first->basis));
	mo_adds(b, "</p><table aria-labelledby=\"fig-steps\"><thead><tr><th rowspan=\"2\" "
		   "scope=\"col\">");
	h(b, STEP);
	mo_adds(b, "</th>");
	for (int i = 0; i < first->nmeas; i++) {
		mo_adds(b, "<th colspan=\"2\" scope=\"colgroup\">");
		h(b, metrics_words(m, first->meas[i].label));
		mo_adds(b, "</th>");
	}
	mo_adds(b, "</tr><tr>");
	for (int i = 0; i < first->nmeas; i++)
		period_heads(m, b);
	mo_adds(b, "</tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		const struct mfig *f = &m->figs[order[i]];
		if (order[i] < F_STEP0)
			continue;
		mo_adds(b, "<tr><th scope=\"row\">");
		h(b, f->title);
		mo_adds(b, "</th>");
		for (int k = 0; k < f->nmeas; k++)
			period_cells(m, f, k, b);
		mo_adds(b, "</tr>");
	}
	mo_adds(b, "</tbody></table>");
	if (m->ngroups < 2)
		return;
	mo_adds(b,
		metrics_words(
			m,
			N_("<h3 id=\"fig-steps-groups\">Share of each step done on time, by area "
			   "and identifying agency</h3><p class=\"def\">Each cell: this period, "
			   "then the previous period below it. The counts behind each share are in "
			   "the JSON and CSV releases.</p><div class=\"wide\"><table "
			   "aria-labelledby=\"fig-steps-groups\">")));
	if (m->ngroups <= nsteps + 1)
		steps_by_step(m, order, n, b);
	else
		steps_by_group(m, order, n, nsteps, b);
	mo_adds(b, "</table></div>");
}

/* Key figures: every measure of the county's figures, except the demographic bands. */
static void key_figures(const struct metrics *m, const int *order, size_t n, struct mout *b)
{
	mo_adds(b,
		metrics_words(
			m,
			N_("<h2 id=\"key\">Key figures, all areas</h2><table "
			   "aria-labelledby=\"key\"><thead><tr><th scope=\"col\">Figure</th><th "
			   "scope=\"col\">Measure</th><th scope=\"col\">This period</th><th "
			   "scope=\"col\" class=\"prev\">Previous period</th><th scope=\"col\">How "
			   "it is counted</th></tr></thead><tbody>")));
	for (size_t i = 0; i < n; i++) {
		const struct mfig *f = &m->figs[order[i]];
		int rows = 0, first = 1;
		if (order[i] >= F_STEP0 || order[i] == F_GENDER || order[i] == F_RACE)
			continue;
		for (int k = 0; k < f->nmeas; k++)
			rows += !(order[i] == F_AGE && f->meas[k].kind == MK_COUNT);
		for (int k = 0; k < f->nmeas; k++) {
			if (order[i] == F_AGE && f->meas[k].kind == MK_COUNT)
				continue;
			mo_adds(b, "<tr>");
			if (first) {
				mo_addf(b,
					"<th scope=\"rowgroup\" rowspan=\"%d\"><a href=\"#fig-%s\">",
					rows, f->key);
				h(b, metrics_words(m, f->title));
				mo_adds(b, "</a></th>");
			}
			mo_adds(b, "<th scope=\"row\">");
			h(b, metrics_words(m, f->meas[k].label));
			mo_adds(b, "</th>");
			period_cells(m, f, k, b);
			if (first) {
				mo_addf(b, "<td class=\"basis\" rowspan=\"%d\">", rows);
				h(b, metrics_words(m, f->basis));
				mo_adds(b, "</td>");
			}
			mo_adds(b, "</tr>");
			first = 0;
		}
	}
	mo_adds(b, "</tbody></table>");
}

/* The three charts, each a <figure> with its caption: the page's, and the app's (charts format). */
static void charts(const struct metrics *m, const int *order, size_t n, struct mout *b)
{
	int steps[METRICS_MAX_STEPS], stab[METRICS_NSTAB] = { F_STAB30, F_STAB90, F_STAB180 };
	static const char *const stab_labels[] = { N_("Stable at 30 days"), N_("Stable at 90 days"),
						   N_("Stable at 180 days") };
	size_t nsteps = 0;

	for (size_t i = 0; i < n; i++)
		if (order[i] >= F_STEP0)
			steps[nsteps++] = order[i];
	mo_adds(b, "<figure>");
	chart_months(m, b);
	mo_adds(b, "<figcaption>");
	h(b,
	  metrics_words(
		  m, N_("Recoveries per calendar month of identification. The previous period "
			"is hatched. A month with 1 to 10 recoveries in a public release is marked "
			"1-10 on the baseline, not drawn as a bar.")));
	mo_adds(b, "</figcaption></figure>");
	if (nsteps) {
		mo_adds(b, "<figure>");
		chart_shares(m, b, "chart-steps",
			     metrics_words(m, N_("Steps done on time, all areas")), steps, nsteps,
			     NULL, 1);
		mo_adds(b, "<figcaption>");
		h(b, metrics_words(m, N_("Share of each protocol step done by its deadline, of the "
					 "steps due, for recoveries identified in each period.")));
		mo_adds(b, "</figcaption></figure>");
	}
	mo_adds(b, "<figure>");
	chart_shares(m, b, "chart-stability",
		     metrics_words(m, N_("Youth stable at follow-up, all areas")), stab,
		     METRICS_NSTAB, stab_labels, 1);
	mo_adds(b, "<figcaption>");
	h(b, m->stability_text);
	mo_adds(b, "</figcaption></figure>");
}

/* Well-formed XML (no named entities in the charts), so a browser can load it as a
 * document and move its SVG into a page whose policy forbids parsing HTML strings. */
enum sh_code metrics_render_charts(const struct metrics *m, struct mout *b)
{
	int *order = calloc(m->nfigs + 1, sizeof(int));
	size_t n;

	if (!order)
		return SH_ENOMEM;
	n = metrics_order(m, order);
	mo_adds(b, "<div xmlns=\"http://www.w3.org/1999/xhtml\" class=\"charts\">");
	charts(m, order, n, b);
	mo_adds(b, "</div>\n");
	free(order);
	return b->rc;
}

enum sh_code metrics_render_html(const struct metrics *m, struct mout *b)
{
	int *order = calloc(m->nfigs + 1, sizeof(int));
	const char *section = NULL;
	size_t n;
	char asof[TIMEFMT_RFC3339_LEN] = "";

	if (!order)
		return SH_ENOMEM;
	n = metrics_order(m, order);
	if (m->as_of)
		timefmt_format_rfc3339(m->as_of, asof);
	mo_addf(b,
		"<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		"<title>",
		m->o.es ? "es" : "en");
	h(b, metrics_words(m, N_("Board report: First Responder Protocol, ")));
	period_text(m, 0, b);
	mo_addf(b, "</title><style>%s</style></head><body><header><h1>", css);
	h(b, metrics_words(m, N_("First Responder Protocol for commercially sexually exploited "
				 "children: report to the Board")));
	mo_adds(b, "</h1><p class=\"meta\"><strong>");
	h(b, metrics_words(m, N_("Period:")));
	mo_adds(b, "</strong> ");
	period_text(m, 0, b);
	mo_addf(b, metrics_words(m, N_(" (%d days), beside the previous period of equal length, ")),
		m->per.days);
	period_text(m, 1, b);
	mo_adds(b, ".</p><p class=\"meta\"><strong>");
	h(b, metrics_words(m, N_("Data as of:")));
	mo_adds(b, "</strong> ");
	h(b, *asof ? asof : metrics_words(m, N_("no data")));
	if (m->o.area) {
		mo_adds(b, ". <strong>");
		h(b, metrics_words(m, N_("Area:")));
		mo_adds(b, "</strong> ");
		h(b, m->o.area);
	}
	mo_adds(b, ". ");
	h(b, metrics_words(m, N_("Times are UTC.")));
	mo_adds(b, "</p>");
	if (m->o.public_release)
		mo_adds(b,
			metrics_words(m, N_("<p class=\"release\"><strong>Public release.</strong> "
					    "Counts from 1 to 10 are shown as \"1-10\", and other "
					    "cells are suppressed (\"supp.\") so that none can be "
					    "worked out; see <a href=\"#method\">how small counts "
					    "are protected</a>.</p>")));
	else
		mo_adds(b, metrics_words(
				   m, N_("<p class=\"release\"><strong>Internal release</strong> "
					 "for the agencies taking part in the protocol: small "
					 "counts are not suppressed. Do not publish; use the "
					 "public release (--public) for that.</p>")));
	mo_adds(b, "</header><main>");
	key_figures(m, order, n, b);

	mo_adds(b, "<h2 id=\"charts\">");
	h(b, metrics_words(m, N_("Charts")));
	mo_adds(b, "</h2>");
	charts(m, order, n, b);

	for (size_t i = 0; i < n; i++) {
		const struct mfig *f = &m->figs[order[i]];
		if (!section || strcmp(section, f->section)) {
			section = f->section;
			mo_adds(b, "<h2>");
			h(b, metrics_words(m, section));
			mo_adds(b, "</h2>");
			if (order[i] >= F_STEP0)
				steps_tables(m, order, n, b);
		}
		if (order[i] >= F_STEP0)
			continue;
		figure_table(m, f, b);
	}

	mo_adds(b, "<h2 id=\"method\">");
	h(b, metrics_words(m, N_("How small counts are protected")));
	mo_adds(b, "</h2><p class=\"def\">");
	h(b, m->o.public_release ? metrics_words(m, N_("This is a public release. "))
				 : metrics_words(m, N_("This is an internal release: nothing below "
						       "is applied to it. In a public release: ")));
	h(b, metrics_words(m, metrics_suppression_text));
	mo_addf(b, metrics_words(m, N_(" Threshold: %d recoveries.")), m->o.min_group_recoveries);
	mo_adds(b, "</p><h2 id=\"stability\">");
	h(b, metrics_words(m, N_("What \"stable\" means")));
	mo_adds(b, "</h2><p class=\"def\">");
	h(b, m->stability_text);
	h(b, metrics_words(m, N_(" The county sets this definition (settings "
				 "report.stability.*; see docs/report.md).")));
	mo_adds(b, "</p></main><footer>");
	h(b, metrics_words(m, N_("Produced by safeharbor ")));
	h(b, m->o.version);
	h(b, metrics_words(m, N_(" from the data as of ")));
	h(b, *asof ? asof : "-");
	h(b, metrics_words(m, N_(". Every figure is printed with its definition. Privileged "
				 "advocacy records and medical details are never counted; no names "
				 "and no free text appear.")));
	mo_adds(b, "</footer></body></html>\n");
	free(order);
	return b->rc;
}
