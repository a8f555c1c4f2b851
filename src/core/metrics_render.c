/*
 * The Board report as JSON (for programs) and CSV (for spreadsheets). Both are
 * written by hand, in report order, so the same figures always give the same bytes.
 * Suppressed counts are the strings "1-10" or "suppressed", never a number.
 */
#include "lib/common.h"
#include "core/metrics_internal.h"

#define SMALL_TEXT "1-10"

/* ---- JSON ---- */

static void js(struct mout *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	/* the bytes that end a run: controls, DEL, '"', '\\' and the terminating NUL */
	static const bool stop[256] = {
		[0 ... 0x1f] = true, ['"'] = true, ['\\'] = true, [0x7f] = true
	};

	mo_addch(b, '"');
	while (s && *s) {
		/* the run of bytes written as they are, then one escape */
		size_t n = 0;
		unsigned char ch;

		while (!stop[(unsigned char)s[n]])
			n++;
		ch = (unsigned char)s[n];
		mo_add(b, s, n);
		s += n;
		if (!ch)
			break;
		if (ch == '"' || ch == '\\') {
			char e[2] = { '\\', (char)ch };
			mo_add(b, e, 2);
		} else {
			char e[6] = { '\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15] };
			mo_add(b, e, 6);
		}
		s++;
	}
	mo_addch(b, '"');
}

static void jkey(struct mout *b, const char *k)
{
	js(b, k);
	mo_addch(b, ':');
}

/* "k":"v", then the character after (none when 0): a member of an object being written */
static void jpair(struct mout *b, const char *k, const char *v, char after)
{
	jkey(b, k);
	js(b, v);
	if (after)
		mo_addch(b, after);
}

static void jdate(struct mout *b, struct sh_date d)
{
	char s[11];

	metrics_fmt_date(d, s);
	js(b, s);
}

static void jvalue(struct mout *b, const struct mval *v)
{
	switch (v->kind) {
	case MK_COUNT:
		if (v->state == MC_SMALL)
			js(b, SMALL_TEXT);
		else if (v->state != MC_SHOWN)
			js(b, "suppressed");
		else
			mo_addi(b, v->n);
		return;
	case MK_SHARE:
		if (v->state != MC_SHOWN)
			js(b, "suppressed");
		else if (v->none)
			mo_adds(b, "null");
		else {
			mo_adds(b, "{\"numerator\":");
			mo_addi(b, v->num);
			mo_adds(b, ",\"denominator\":");
			mo_addi(b, v->den);
			mo_adds(b, ",\"percent\":");
			mo_addtenths(b, metrics_tenths(v->num, v->den));
			mo_addch(b, '}');
		}
		return;
	default:
		if (v->none)
			mo_adds(b, "null");
		else if (v->state != MC_SHOWN)
			js(b, "suppressed");
		else if (v->kind == MK_AGE_MEAN)
			mo_addtenths(b, (v->num * 20 + v->den) / (2 * v->den));
		else
			mo_addi(b, v->n);
	}
}

static const char *type_name(enum measure_kind k)
{
	switch (k) {
	case MK_COUNT: return "count";
	case MK_SHARE: return "share";
	case MK_MEDIAN: return "median_seconds";
	case MK_P90: return "p90_seconds";
	case MK_AGE_MEAN: return "mean_years";
	default: return "min_years";
	}
}

static const char *breakdown_name(enum group_kind k)
{
	return k == G_ALL ? "all" : k == G_AREA ? "area" : k == G_AGENCY ? "agency" : "protocol";
}

static void json_figure(const struct metrics *m, const struct mfig *f, struct mout *b)
{
	mo_addch(b, '{');
	jpair(b, "key", f->key, ',');
	jpair(b, "section", metrics_words(m, f->section), ',');
	jpair(b, "title", metrics_words(m, f->title), ',');
	jpair(b, "definition", metrics_words(m, f->definition), ',');
	jpair(b, "basis", metrics_words(m, f->basis), 0);
	mo_adds(b, ",\"measures\":[");
	for (int i = 0; i < f->nmeas; i++) {
		mo_adds(b, i ? ",{" : "{");
		jpair(b, "key", f->meas[i].key, ',');
		jpair(b, "label", metrics_words(m, f->meas[i].label), ',');
		jpair(b, "type", type_name(f->meas[i].kind), '}');
	}
	mo_adds(b, "],\"values\":{");
	for (int p = 0; p < METRICS_NP; p++) {
		mo_adds(b, p ? ",\"previous\":{" : "\"current\":{");
		for (size_t g = 0; g < m->ngroups; g++) {
			if (g)
				mo_addch(b, ',');
			jkey(b, m->groups[g].key);
			mo_addch(b, '{');
			for (int i = 0; i < f->nmeas; i++) {
				struct mval v;
				metrics_value(m, f, &f->meas[i], p, g, &v);
				if (i)
					mo_addch(b, ',');
				jkey(b, f->meas[i].key);
				jvalue(b, &v);
			}
			mo_addch(b, '}');
		}
		mo_addch(b, '}');
	}
	mo_adds(b, "}}");
}

static enum sh_code render_json(const struct metrics *m, struct mout *b)
{
	int *order = calloc(m->nfigs + 1, sizeof(int));
	size_t n;
	const struct mfig *months = &m->figs[F_MONTHS];
	char asof[TIMEFMT_RFC3339_LEN];
	bool first = true;

	if (!order)
		return SH_ENOMEM;
	n = metrics_order(m, order);
	mo_adds(b, "{\"report\":\"board\",\"format_version\":1,");
	jpair(b, "generator", m->o.version, 0);
	mo_addf(b, ",\"release\":\"%s\",\"period\":{\"from\":",
		m->o.public_release ? "public" : "internal");
	jdate(b, m->o.from);
	mo_adds(b, ",\"to\":");
	jdate(b, m->o.to);
	mo_addf(b, ",\"days\":%d},\"previous_period\":{\"from\":", m->per.days);
	jdate(b, m->per.prev_first);
	mo_adds(b, ",\"to\":");
	jdate(b, m->per.prev_last);
	mo_addf(b, ",\"days\":%d},\"data_as_of\":", m->per.days);
	if (m->as_of) {
		timefmt_format_rfc3339(m->as_of, asof);
		js(b, asof);
	} else {
		mo_adds(b, "null");
	}
	mo_adds(b, ",\"area\":");
	if (m->o.area)
		js(b, m->o.area);
	else
		mo_adds(b, "null");
	mo_adds(b, ",\"stability_definition\":");
	js(b, m->stability_text);
	mo_addf(b,
		",\"suppression\":{\"applied\":%s,\"small_counts\":\"" SMALL_TEXT "\","
		"\"min_group_recoveries\":%d,\"method\":",
		m->o.public_release ? "true" : "false", m->o.min_group_recoveries);
	js(b, metrics_words(m, metrics_suppression_text));
	mo_adds(b, "},\"groups\":[");
	for (size_t g = 0; g < m->ngroups; g++) {
		mo_adds(b, g ? ",{" : "{");
		jpair(b, "key", m->groups[g].key, ',');
		jpair(b, "label", m->groups[g].label, ',');
		jpair(b, "breakdown", breakdown_name(m->groups[g].kind), '}');
	}
	mo_adds(b, "],\"figures\":[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			mo_addch(b, ',');
		json_figure(m, &m->figs[order[i]], b);
	}
	mo_adds(b, "],\"recoveries_per_month\":{\"definition\":");
	js(b, metrics_words(m, months->definition));
	mo_adds(b, ",\"months\":[");
	for (int p = METRICS_NP - 1; p >= 0; p--)
		for (int c = 0; c < months->ncat; c++) {
			struct mval v;
			if (!metrics_month_value(m, c, p, &v))
				continue;
			mo_adds(b, first ? "{" : ",{");
			first = false;
			jpair(b, "month", months->cat[c].key, ',');
			jpair(b, "period", metrics_period_name(p), 0);
			mo_adds(b, ",\"recoveries\":");
			jvalue(b, &v);
			mo_addch(b, '}');
		}
	mo_adds(b, "]}}\n");
	free(order);
	return SH_OK;
}

/* ---- CSV ---- */

static void cs(struct mout *b, const char *s)
{
	bool quote = false;

	if (!s)
		s = "";
	/* a spreadsheet would run a cell starting like a formula: make it text */
	if (*s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r')
		quote = true;
	for (const char *p = s; *p && !quote; p++)
		quote = *p == ',' || *p == '"' || *p == '\n' || *p == '\r';
	if (!quote) {
		mo_adds(b, s);
		return;
	}
	mo_addch(b, '"');
	if (*s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r')
		mo_addch(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			mo_addch(b, '"');
		mo_addch(b, *s);
	}
	mo_addch(b, '"');
}

/* "v,v" then `after` (a number, or tenths: the value and its display) */
static void csv_twice(struct mout *b, int64_t v, bool tenths, const char *after)
{
	for (int i = 0; i < 2; i++) {
		if (i)
			mo_addch(b, ',');
		if (tenths)
			mo_addtenths(b, v);
		else
			mo_addi(b, v);
	}
	mo_adds(b, after);
}

static void csv_fraction(struct mout *b, int64_t num, int64_t den)
{
	mo_addi(b, num);
	mo_addch(b, ',');
	mo_addi(b, den);
}

/* value, display, numerator, denominator */
static void csv_value(const struct mval *v, struct mout *b)
{
	char d[48];

	switch (v->kind) {
	case MK_COUNT:
		if (v->state == MC_SMALL)
			mo_adds(b, "," SMALL_TEXT ",,");
		else if (v->state != MC_SHOWN)
			mo_adds(b, ",suppressed,,");
		else
			csv_twice(b, v->n, false, ",,");
		return;
	case MK_SHARE:
		if (v->state != MC_SHOWN) {
			mo_adds(b, ",suppressed,,");
		} else if (v->none) {
			mo_adds(b, ",,");
			csv_fraction(b, v->num, v->den);
		} else {
			csv_twice(b, metrics_tenths(v->num, v->den), true, "%,");
			csv_fraction(b, v->num, v->den);
		}
		return;
	default:
		if (v->none) {
			mo_adds(b, ",,,");
		} else if (v->state != MC_SHOWN) {
			mo_adds(b, ",suppressed,,");
		} else if (v->kind == MK_AGE_MEAN) {
			csv_twice(b, (v->num * 20 + v->den) / (2 * v->den), true, ",,");
		} else if (v->kind == MK_AGE_MIN) {
			csv_twice(b, v->n, false, ",,");
		} else {
			metrics_fmt_duration(v->n, d, sizeof(d));
			mo_addi(b, v->n);
			mo_addch(b, ',');
			cs(b, d);
			mo_adds(b, ",,");
		}
	}
}

static void csv_row_head(const struct metrics *m, const struct mfig *f, const char *mkey,
			 const char *mlabel, size_t g, int p, struct mout *b)
{
	char from[11], to[11];

	metrics_fmt_date(p ? m->per.prev_first : m->o.from, from);
	metrics_fmt_date(p ? m->per.prev_last : m->o.to, to);
	cs(b, metrics_words(m, f->section));
	mo_addch(b, ',');
	cs(b, f->key);
	mo_addch(b, ',');
	cs(b, metrics_words(m, f->title));
	mo_addch(b, ',');
	cs(b, mkey);
	mo_addch(b, ',');
	cs(b, metrics_words(m, mlabel));
	mo_addch(b, ',');
	mo_adds(b, breakdown_name(m->groups[g].kind));
	mo_addch(b, ',');
	cs(b, m->groups[g].key);
	mo_addch(b, ',');
	cs(b, m->groups[g].label);
	mo_addch(b, ',');
	mo_adds(b, metrics_period_name(p));
	mo_addch(b, ',');
	mo_adds(b, from);
	mo_addch(b, ',');
	mo_adds(b, to);
	mo_addch(b, ',');
}

/* basis and definition: on each figure's first row only (they are long) */
static void csv_row_tail(const struct metrics *m, const struct mfig *f, bool first, struct mout *b)
{
	mo_addch(b, ',');
	if (first) {
		cs(b, metrics_words(m, f->basis));
		mo_addch(b, ',');
		cs(b, metrics_words(m, f->definition));
	} else {
		mo_addch(b, ',');
	}
	mo_adds(b, m->o.public_release ? ",public\r\n" : ",internal\r\n");
}

static enum sh_code render_csv(const struct metrics *m, struct mout *b)
{
	int *order = calloc(m->nfigs + 1, sizeof(int));
	const struct mfig *months = &m->figs[F_MONTHS];
	size_t n;

	if (!order)
		return SH_ENOMEM;
	n = metrics_order(m, order);
	mo_adds(b, "section,figure,title,measure,label,breakdown,group,group_label,period,"
		   "period_from,period_to,value,display,numerator,denominator,basis,definition,"
		   "release\r\n");
	for (size_t i = 0; i < n; i++) {
		const struct mfig *f = &m->figs[order[i]];
		for (size_t g = 0; g < m->ngroups; g++)
			for (int k = 0; k < f->nmeas; k++)
				for (int p = 0; p < METRICS_NP; p++) {
					struct mval v;
					metrics_value(m, f, &f->meas[k], p, g, &v);
					csv_row_head(m, f, f->meas[k].key, f->meas[k].label, g, p,
						     b);
					csv_value(&v, b);
					csv_row_tail(m, f, !g && !k && !p, b);
				}
	}
	for (int p = METRICS_NP - 1, first = 1; p >= 0; p--)
		for (int c = 0; c < months->ncat; c++) {
			struct mval v;
			if (!metrics_month_value(m, c, p, &v))
				continue;
			csv_row_head(m, months, months->cat[c].key, months->cat[c].label, 0, p, b);
			csv_value(&v, b);
			csv_row_tail(m, months, first, b);
			first = 0;
		}
	free(order);
	return SH_OK;
}

void mo_add_slow(struct mout *o, const void *p, size_t n)
{
	if (!o->rc)
		o->rc = buf_add(o->b, p, n);
}

void mo_addi(struct mout *o, int64_t v)
{
	char tmp[BUF_INT_TEXT_MAX];

	mo_add(o, tmp, buf_int_text(v, tmp));
}

void mo_addtenths(struct mout *o, int64_t t)
{
	mo_addi(o, t / 10);
	mo_addch(o, '.');
	mo_addi(o, t % 10);
}

void mo_addf(struct mout *o, const char *fmt, ...)
{
	va_list ap;

	if (o->rc)
		return;
	va_start(ap, fmt);
	o->rc = buf_vaddf(o->b, fmt, ap);
	va_end(ap);
}

void mo_add_html(struct mout *o, const char *s)
{
	if (!o->rc)
		o->rc = buf_add_html(o->b, s);
}

enum sh_code metrics_render(const struct metrics *m, enum metrics_format f, struct buf *out)
{
	struct mout o = { out, SH_OK };
	size_t before = out->len;
	enum sh_code rc;

	if (!m->finished)
		return SH_EINTERNAL;
	switch (f) {
	case METRICS_JSON: rc = render_json(m, &o); break;
	case METRICS_CSV: rc = render_csv(m, &o); break;
	case METRICS_HTML: rc = metrics_render_html(m, &o); break;
	case METRICS_CHARTS: rc = metrics_render_charts(m, &o); break;
	case METRICS_FEDERAL: rc = metrics_render_federal(m, &o); break;
	default: rc = SH_EINVAL;
	}
	if (!rc)
		rc = o.rc;
	if (rc)
		buf_setlen(out, before); /* nothing half-written */
	return rc;
}
