/*
 * The Board report: settings, the store's queries, core/metrics, rendering; and the
 * handler GET /api/v1/reports/board (analysts, supervisors and oversight; audited as
 * "report.board").
 */
#include "lib/common.h"
#include "api/app.h"
#include "api/audit.h"
#include "api/handlers.h"
#include "api/params.h"
#include "api/reports.h"
#include "core/offences.h"

#define DEFAULT_MISSING_STEPS "missing_report_le,missing_report_ncmec,missing_attorney_notice"

const struct report_setting report_settings[] = {
	{ "report.public_min_recoveries", "11",
	  "public release: areas and identifying agencies with fewer recoveries in the period "
	  "are shown together as \"other\" (so are genders and races recorded for fewer youth)" },
	{ "report.stability.window_days", "15",
	  "a stability check counts for day N when it is at most this many days before or after it" },
	{ "report.stability.require", "stable,not_detained,engaged",
	  "what stable means: any of stable (the check says so), safe_placement (the check "
	  "says so), engaged (the check says the youth is engaged with the advocate), "
	  "not_detained (the latest placement is not a detention setting), comma-separated, "
	  "or none" },
	{ "report.stability.no_missing_days", "30",
	  "not stable when a missing-from-care episode overlapped this many days before the "
	  "check (0: not considered)" },
	{ "report.stability.recovery_breaks", "true",
	  "not stable when the youth was recovered again (a new recovery) before the check" },
	{ "report.currently_stable.since", "",
	  "\"currently stable\" counts the youth identified since this day (YYYY-MM-DD); "
	  "empty: since the report period's first day" },
	{ "report.currently_stable.max_check_age_days", "90",
	  "\"currently stable\" looks at the youth's latest stability check at most this many "
	  "days before the end of the period (1 to 730)" },
	{ "report.missing_report_steps", DEFAULT_MISSING_STEPS,
	  "the protocol steps that are a missing episode's 24-hour reports (comma-separated keys)" },
};
const size_t report_nsettings = ARRAY_SIZE(report_settings);

bool report_area_valid(const char *area)
{
	size_t n = 0;

	for (const char *s = area; s && *s; s++, n++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
		      *s == '-'))
			return false;
	return n >= 1 && n <= 64;
}

const char *report_content_type(enum metrics_format f)
{
	switch (f) {
	case METRICS_CSV:
	case METRICS_FEDERAL: return "text/csv; charset=utf-8";
	case METRICS_HTML: return "text/html; charset=utf-8";
	case METRICS_CHARTS: return "application/xhtml+xml; charset=utf-8";
	default: return "application/json";
	}
}

static bool parse_int(const char *v, long lo, long hi, int *out)
{
	char *end;
	long x;

	errno = 0;
	x = v ? strtol(v, &end, 10) : 0;
	if (!v || errno || end == v || *end || x < lo || x > hi)
		return false;
	*out = (int)x;
	return true;
}

/* Calls fn for each comma-separated word of list (spaces trimmed); false stops. */
static bool each_word(const char *list, bool (*fn)(const char *w, size_t n, void *arg), void *arg)
{
	const char *p = list;

	while (p && *p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		const char *w = p;
		size_t k = n;
		while (k && *w == ' ') {
			w++;
			k--;
		}
		while (k && w[k - 1] == ' ')
			k--;
		if (k && !fn(w, k, arg))
			return false;
		p = e ? e + 1 : NULL;
	}
	return true;
}

static bool word_is(const char *w, size_t n, const char *s)
{
	return strlen(s) == n && !memcmp(w, s, n);
}

static bool require_word(const char *w, size_t n, void *arg)
{
	struct metrics_stability_def *d = arg;

	if (word_is(w, n, "stable"))
		d->need_stable = true;
	else if (word_is(w, n, "safe_placement"))
		d->need_safe_placement = true;
	else if (word_is(w, n, "engaged"))
		d->need_engaged = true;
	else if (word_is(w, n, "not_detained"))
		d->need_not_detained = true;
	else if (!word_is(w, n, "none"))
		return false;
	return true;
}

static bool step_word(const char *w, size_t n, void *arg)
{
	struct buf *json = arg;

	if (n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((w[i] >= 'a' && w[i] <= 'z') || (w[i] >= '0' && w[i] <= '9') || w[i] == '_'))
			return false;
	if (json) {
		buf_adds(json, json->len > 1 ? ",\"" : "\"");
		buf_add(json, w, n);
		buf_addch(json, '"');
	}
	return true;
}

/* Applies one setting to o (and the missing-step JSON); false when the value is bad. */
static bool apply(const char *key, const char *v, struct metrics_options *o, struct buf *steps)
{
	if (!strcmp(key, "report.public_min_recoveries"))
		return parse_int(v, 0, 1000000, &o->min_group_recoveries);
	if (!strcmp(key, "report.stability.window_days"))
		return parse_int(v, 0, 90, &o->stability.window_days);
	if (!strcmp(key, "report.stability.no_missing_days"))
		return parse_int(v, 0, 365, &o->stability.no_missing_days);
	if (!strcmp(key, "report.currently_stable.max_check_age_days"))
		return parse_int(v, 1, 730, &o->stability.current_max_age_days);
	if (!strcmp(key, "report.currently_stable.since")) {
		o->stability.has_current_since = *v != '\0';
		return !*v || (!timefmt_parse_date(v, &o->stability.current_since) &&
			       o->stability.current_since.year >= 2000);
	}
	if (!strcmp(key, "report.stability.recovery_breaks")) {
		if (strcmp(v, "true") && strcmp(v, "false"))
			return false;
		o->stability.recovery_breaks = !strcmp(v, "true");
		return true;
	}
	if (!strcmp(key, "report.stability.require")) {
		o->stability.need_stable = o->stability.need_safe_placement =
			o->stability.need_engaged = o->stability.need_not_detained = false;
		return each_word(v, require_word, &o->stability);
	}
	if (!strcmp(key, "report.missing_report_steps")) {
		buf_reset(steps);
		buf_addch(steps, '[');
		if (!each_word(v, step_word, steps))
			return false;
		buf_addch(steps, ']');
		return true;
	}
	return false;
}

enum sh_code report_setting_check(const char *key, const char *value, struct sh_error *err)
{
	struct metrics_options o;
	struct buf steps = BUF_INIT;
	bool known = false, ok;

	metrics_options_defaults(&o);
	for (size_t i = 0; i < report_nsettings; i++)
		known |= !strcmp(report_settings[i].key, key);
	if (!known)
		return sh_error_field(err, SH_EINVAL, key, "is not a report setting");
	ok = apply(key, value, &o, &steps);
	buf_release(&steps);
	return ok ? SH_OK
		  : sh_error_field(err, SH_EINVAL, key, "the value '%s' is not valid", value);
}

static enum sh_code load_settings(struct store_conn *c, struct metrics_options *o,
				  struct buf *steps, struct sh_error *err)
{
	struct arena a = ARENA_INIT;
	enum sh_code rc = SH_OK;

	for (size_t i = 0; !rc && i < report_nsettings; i++) {
		const char *key = report_settings[i].key;
		char *v = NULL;
		if ((rc = store_setting_get(c, key, &a, &v, err)))
			break;
		if (!apply(key, v ? v : report_settings[i].dflt, o, steps))
			rc = sh_error_field(
				err, SH_EINVAL, key,
				"the stored setting '%s' is not valid; see docs/report.md",
				v ? v : "");
	}
	arena_release(&a);
	return rc;
}

/* ---- rows into the figures ---- */

static struct metrics_where where(const struct report_where *w)
{
	return (struct metrics_where){ w->period, w->area, w->agency_id };
}

/* The report's accumulator, and what reads arrests stored before their classification. */
struct sink_ctx {
	struct metrics *m;
	const struct offences *offences;
};

static enum sh_code on_recoveries(void *arg, const struct report_case_row *r)
{
	struct metrics_where w = where(&r->w);

	return metrics_add_recoveries(((struct sink_ctx *)arg)->m, &w, r->re_recovery,
				      r->first_in_period, r->age, r->gender, r->race_ethnicity,
				      r->n);
}

static enum sh_code on_event(void *arg, const struct report_event_row *r)
{
	struct sink_ctx *k = arg;
	struct metrics_where w = where(&r->w);
	struct offence_match om;

	if (!r->type)
		return SH_OK;
	if (!strcmp(r->type, "detention"))
		return metrics_add_detention(k->m, &w, r->n);
	if (!strcmp(r->type, "refused_arrest"))
		return metrics_add_refused_arrests(k->m, &w, r->minor && r->prostitution == 1,
						   r->n);
	if (r->prostitution < 0) {
		offences_classify(k->offences, r->offense ? r->offense : "", &om);
		return metrics_add_arrests(k->m, &w, om.prostitution, r->minor, r->n);
	}
	return metrics_add_arrests(k->m, &w, r->prostitution == 1, r->minor, r->n);
}

static enum sh_code on_exploiters(void *arg, const struct report_exploiter_row *r)
{
	struct metrics_where w = where(&r->w);

	return metrics_add_exploiters(((struct sink_ctx *)arg)->m, &w, r->buyer, r->arrests,
				      r->people);
}

static enum sh_code on_step(void *arg, const struct report_step_row *r)
{
	struct metrics_where w = where(&r->w);

	return metrics_add_step(((struct sink_ctx *)arg)->m, &w, r->step, r->state, r->opened_at,
				r->due_at, r->done_at);
}

static enum sh_code on_missing(void *arg, const struct report_missing_row *r)
{
	struct metrics_where w = where(&r->w);
	enum metrics_missing_class cls = !r->cls		      ? MISSING_NO_REPORTS
					 : !strcmp(r->cls, "on_time") ? MISSING_ON_TIME
					 : !strcmp(r->cls, "late")    ? MISSING_LATE
					 : !strcmp(r->cls, "not_due") ? MISSING_NOT_DUE
								      : MISSING_NO_REPORTS;

	return metrics_add_missing(((struct sink_ctx *)arg)->m, &w, cls, r->n);
}

static enum sh_code on_stability(void *arg, const struct report_stability_row *r)
{
	struct metrics_where w = where(&r->w);
	struct metrics_check chk = { r->found,	 r->stable,	     r->safe_placement, r->engaged,
				     r->missing, r->recovered_again, r->detained };

	return metrics_add_stability(((struct sink_ctx *)arg)->m, &w, r->days, &chk, r->n);
}

static enum sh_code on_current(void *arg, const struct report_stability_row *r)
{
	struct metrics_where w = where(&r->w);
	struct metrics_check chk = { r->found,	 r->stable,	     r->safe_placement, r->engaged,
				     r->missing, r->recovered_again, r->detained };

	return metrics_add_current(((struct sink_ctx *)arg)->m, &w, &chk, r->n);
}

static enum sh_code on_witnesses(void *arg, const struct report_witness_row *r)
{
	struct metrics_where w = where(&r->w);

	return metrics_add_witnesses(((struct sink_ctx *)arg)->m, &w, r->advocate, r->safety_plan,
				     r->cctv_filed, r->cctv_granted, r->n);
}

static enum sh_code on_prosecutions(void *arg, const struct report_prosecution_row *r)
{
	struct metrics_where w = where(&r->w);

	return metrics_add_prosecutions(((struct sink_ctx *)arg)->m, &w, r->conviction, r->n);
}

static enum sh_code on_month(void *arg, const struct report_month_row *r)
{
	return metrics_add_month(((struct sink_ctx *)arg)->m, r->period, r->month, r->n);
}

/* The county's months over both periods, cut at the periods' bounds, as the store's
 * JSON: [["YYYY-MM", start, end], ...] (instants of local midnights). */
static enum sh_code months_json(const struct tz *tz, const struct metrics_period *per,
				struct buf *out)
{
	int64_t day = per->first_day - per->days, end = per->first_day + per->days;
	const char *sep = "";

	buf_addch(out, '[');
	while (day < end) {
		struct sh_date d, nd;
		int64_t next;
		timefmt_civil_from_days(day, &d.year, &d.month, &d.day);
		next = timefmt_days_from_civil(d.month == 12 ? d.year + 1 : d.year,
					       d.month == 12 ? 1 : d.month + 1, 1);
		if (day < per->first_day && next > per->first_day)
			next = per->first_day; /* the month the report period starts in, cut */
		if (next > end)
			next = end;
		timefmt_civil_from_days(next, &nd.year, &nd.month, &nd.day);
		buf_addf(out, "%s[\"%04d-%02d\",%" PRId64 ",%" PRId64 "]", sep, d.year, d.month,
			 tz_day_start(tz, d), tz_day_start(tz, nd));
		sep = ",";
		day = next;
	}
	return buf_addch(out, ']');
}

/* The steps the timeliness figures list: every stored protocol version's, newest first. */
static enum sh_code catalogue(struct metrics *m, const struct registry *reg, bool es)
{
	enum sh_code rc = SH_OK;

	for (size_t i = reg ? reg->n : 0; !rc && i-- > 0;) {
		const struct protocol *p = reg->e[i].p;
		for (size_t k = 0; !rc && k < protocol_nsteps(p); k++) {
			const char *key = protocol_step_key(p, k), *t = NULL;
			if (es)
				t = protocol_step_title_es(p, k);
			rc = metrics_set_step(m, key, t ? t : protocol_step_title(p, key));
		}
	}
	return rc;
}

enum sh_code report_board(struct store *s, const struct registry *reg,
			  const struct report_request *rq, const char *version, struct buf *out,
			  struct sh_error *err)
{
	struct metrics_options o;
	struct metrics_period per;
	struct metrics *m = NULL;
	struct store_conn *c = NULL;
	struct buf steps = BUF_INIT;
	struct arena a = ARENA_INIT;
	struct agency_rec *ags;
	struct area_protocol_rec *aps;
	struct report_query q = { 0 };
	struct sink_ctx k = { NULL, rq->offences };
	struct report_sink sink = { &k,		  on_recoveries,   on_event,	 on_exploiters,
				    on_step,	  on_missing,	   on_stability, on_current,
				    on_witnesses, on_prosecutions, on_month };
	struct buf months = BUF_INIT;
	size_t nags, naps;
	int64_t as_of = 0;
	enum sh_code rc;

	metrics_options_defaults(&o);
	o.from = rq->from;
	o.to = rq->to;
	o.public_release = rq->public_release;
	o.area = rq->area;
	o.version = version;
	o.tz = rq->tz;
	o.es = rq->es;
	if (rq->area && !report_area_valid(rq->area))
		return sh_error_field(err, SH_EINVAL, "area",
				      "choose one of the county's areas (an area code is lowercase "
				      "letters, digits, '_' or '-')");
	if ((rc = metrics_period(rq->tz, rq->from, rq->to, &per, err)))
		return rc;
	buf_adds(&steps, "[]");
	if ((rc = store_read_begin(s, &c, err)))
		goto out;
	if ((rc = load_settings(c, &o, &steps, err)) || (rc = metrics_new(&o, &m, err)))
		goto out;
	k.m = m;
	if ((rc = store_agency_list(c, &a, &ags, &nags, err)) ||
	    (rc = store_report_as_of(c, &as_of, err)) ||
	    (rc = store_report_area_protocols(c, &a, &aps, &naps, err)))
		goto out;
	for (size_t i = 0; !rc && i < nags; i++)
		rc = metrics_set_agency(m, ags[i].id, ags[i].name);
	/* several protocols in use: every figure per protocol too (docs/report.md) */
	for (size_t i = 0; !rc && i < naps; i++)
		rc = metrics_set_area_protocol(m, aps[i].area, aps[i].protocol);
	if (!rc)
		rc = catalogue(m, reg, rq->es);
	if (rc) {
		rc = sh_error_set(err, rc, "the report could not be prepared (%s)",
				  sh_code_title(rc));
		goto out;
	}
	metrics_set_as_of(m, as_of);
	q.prev_from = per.prev_from;
	q.from = per.from;
	q.to = per.to;
	q.as_of = as_of;
	q.area = rq->area;
	q.window_days = o.stability.window_days;
	q.no_missing_days = o.stability.no_missing_days;
	q.missing_steps = steps.data;
	if ((rc = months_json(rq->tz, &per, &months))) {
		rc = sh_error_set(err, rc, "out of memory");
		goto out;
	}
	q.months = months.data;
	/* currently stable: judged at the end of each period (not after the data's as-of) */
	q.current_at[0] = per.to < as_of ? per.to : as_of;
	q.current_at[1] = per.from < as_of ? per.from : as_of;
	q.current_since[0] = o.stability.has_current_since
				     ? tz_day_start(rq->tz, o.stability.current_since)
				     : per.from;
	q.current_since[1] = o.stability.has_current_since
				     ? tz_day_start(rq->tz, o.stability.current_since)
				     : per.prev_from;
	q.current_max_age_days = o.stability.current_max_age_days;
	if ((rc = store_report_board(c, &q, &sink, err)))
		goto out;
	store_read_end(c);
	c = NULL;
	if ((rc = metrics_finish(m, err)))
		goto out;
	if ((rc = metrics_render(m, rq->format, out)))
		rc = sh_error_set(err, rc, "the report could not be written (%s)",
				  sh_code_title(rc));
out:
	store_read_end(c);
	metrics_free(m);
	buf_release(&steps);
	buf_release(&months);
	arena_release(&a);
	return rc;
}

/* ---- GET /api/v1/reports/board ---- */

API_HANDLER(api_report_board)
{
	struct app *app = req->app;
	struct report_request rq = { .format = METRICS_JSON };
	struct audit_batch b = { .who = req->who,
				 .now = clock_now(&app->clock),
				 .action = "report.board",
				 .outcome = "ok" };
	const char *format = api_query(req, "format");
	char from[11], to[11];
	enum sh_code rc;
	int f;

	params_date(req, "from", &rq.from, err);
	params_date(req, "to", &rq.to, err);
	if (format && (f = metrics_format_parse(format)) < 0)
		sh_error_field(err, SH_EINVAL, "format",
			       "choose json, csv, html (the printable page) or charts (its charts "
			       "alone)");
	else if (format)
		rq.format = (enum metrics_format)f;
	params_flag(req, "public", false, &rq.public_release, err);
	if (!access_reports_internal(req->who))
		rq.public_release = true;
	rq.area = api_query(req, "area");
	if (rq.area && !*rq.area)
		rq.area = NULL;
	if (rq.area && !report_area_valid(rq.area))
		sh_error_field(
			err, SH_EINVAL, "area",
			"choose one of the county's areas (an area code is lowercase letters, "
			"digits, '_' or '-')");
	if (err->code)
		return err->code;
	rq.tz = app->county.tz;
	rq.offences = app->offences;
	rq.es = !strcmp(api_language(req), "es");
	if ((rc = report_board(app->store, &app->registry, &rq, SH_VERSION, &res->body, err)))
		return rc;
	timefmt_format_date(rq.from, from);
	timefmt_format_date(rq.to, to);
	b.detail = arena_printf(req->arena, "%s..%s %s %s%s%s", from, to, format ? format : "json",
				rq.public_release ? "public" : "internal", rq.area ? " area=" : "",
				rq.area ? rq.area : "");
	/* the audit row is durable before the report leaves */
	if ((rc = audit_defer(req, &b, err))) {
		buf_reset(&res->body);
		return rc;
	}
	res->status = 200;
	res->content_type = report_content_type(rq.format);
	if (rq.format == METRICS_HTML || rq.format == METRICS_CHARTS)
		api_add_header(res, "Content-Security-Policy",
			       "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
			       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
	if (rq.format == METRICS_CSV || rq.format == METRICS_HTML)
		api_add_header(res, "Content-Disposition",
			       arena_printf(req->arena, "%s; filename=\"board-%s-%s.%s\"",
					    rq.format == METRICS_CSV ? "attachment" : "inline",
					    from, to, rq.format == METRICS_CSV ? "csv" : "html"));
	return SH_OK;
}
