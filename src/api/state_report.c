/*
 * State and federal reporting (docs/report.md): the state's CSEC indicators per recovery
 * (GET /api/v1/reports/csec, `safeharbor report csec`, and one case's at
 * GET /api/v1/cases/{id}/csec), and the federal counts (GET /api/v1/reports/federal,
 * `safeharbor report federal`), which are the Board report's figures in another layout.
 */
#include "lib/common.h"
#include "lib/catalog.h"
#include "api/app.h"
#include "api/audit.h"
#include "api/casefile.h"
#include "api/handlers.h"
#include "api/params.h"
#include "api/reports.h"
#include "core/csec.h"
#include "lib/jsonh.h"

void report_csec_values(const struct csec_rec *r, struct csec_view *v)
{
	struct csec_facts f = { .missing_at_identification = r->missing_at_identification,
				.missing_episodes = r->missing_episodes };
	int st = protocol_status_parse(r->status);

	f.status = st < 0 ? YOUTH_UNKNOWN : (enum youth_status)st;
	csec_derive(&f, v->proposed);
	memcpy(v->value, v->proposed, sizeof(v->value));
	v->confirmed = r->confirmed_id != 0;
	if (v->confirmed) {
		json_t *d = json_loads(r->confirmed, 0, NULL);
		for (int i = 0; i < CSEC_N; i++) {
			int x = csec_value_parse(jsonh_str(d, csec_indicator_keys[i]));
			v->value[i] = x < 0 ? CSEC_UNKNOWN : (enum csec_value)x;
		}
		json_decref(d);
	}
}

enum sh_code report_csec(struct store *s, const struct tz *tz, struct sh_date from,
			 struct sh_date to, struct buf *out, struct sh_error *err)
{
	struct metrics_period per;
	struct store_conn *c = NULL;
	struct arena a = ARENA_INIT;
	struct csec_rec *rows;
	size_t n;
	enum sh_code rc;

	if ((rc = metrics_period(tz, from, to, &per, err)))
		return rc;
	if ((rc = store_read_begin(s, &c, err)))
		return rc;
	rc = store_csec_list(c, per.from, per.to, NULL, &a, &rows, &n, err);
	store_read_end(c);
	if (rc)
		goto out;
	buf_adds(out, "case_id,identified_on,youth_status");
	for (int i = 0; i < CSEC_N; i++)
		buf_addf(out, ",%s", csec_indicator_keys[i]);
	buf_adds(out, ",confirmed,confirmed_on");
	for (int i = 0; i < CSEC_N; i++)
		buf_addf(out, ",proposed_%s", csec_indicator_keys[i]);
	buf_adds(out, ",missing_at_identification,missing_episodes\r\n");
	for (size_t k = 0; k < n; k++) {
		struct csec_view v;
		char day[11], on[11] = "";
		report_csec_values(&rows[k], &v);
		timefmt_format_date(tz_date(tz, rows[k].identified_at), day);
		if (v.confirmed)
			timefmt_format_date(tz_date(tz, rows[k].confirmed_at), on);
		/* case ids, dates and the values below are plain words: nothing to quote */
		buf_addf(out, "%s,%s,%s", rows[k].case_id, day, rows[k].status);
		for (int i = 0; i < CSEC_N; i++)
			buf_addf(out, ",%s", csec_value_name(v.value[i]));
		buf_addf(out, ",%s,%s", v.confirmed ? "yes" : "no", on);
		for (int i = 0; i < CSEC_N; i++)
			buf_addf(out, ",%s", csec_value_name(v.proposed[i]));
		rc = buf_addf(out, ",%s,%d\r\n", rows[k].missing_at_identification ? "yes" : "no",
			      rows[k].missing_episodes);
	}
	if (rc)
		rc = sh_error_set(err, rc, "out of memory");
out:
	arena_release(&a);
	return rc;
}

/* The period and format shared by both report routes; SH_EINVAL naming the field. */
static enum sh_code period_params(struct api_request *req, struct sh_date *from, struct sh_date *to,
				  const char *formats, struct sh_error *err)
{
	const char *format = api_query(req, "format");

	params_date(req, "from", from, err);
	params_date(req, "to", to, err);
	if (format && strcmp(format, "csv"))
		sh_error_field(err, SH_EINVAL, "format", "%s", formats);
	return err->code;
}

/* Audits the export (durable before it leaves), then answers with it as a CSV file. */
static enum sh_code send_csv(struct api_request *req, struct api_response *res,
			     struct audit_batch *b, const char *name, struct sh_date from,
			     struct sh_date to, struct sh_error *err)
{
	char f[11], t[11];
	enum sh_code rc;

	timefmt_format_date(from, f);
	timefmt_format_date(to, t);
	b->detail = arena_printf(req->arena, "%s..%s csv", f, t);
	if ((rc = audit_defer(req, b, err))) {
		buf_reset(&res->body);
		return rc;
	}
	res->status = 200;
	res->content_type = report_content_type(METRICS_CSV);
	api_add_header(
		res, "Content-Disposition",
		arena_printf(req->arena, "attachment; filename=\"%s-%s-%s.csv\"", name, f, t));
	return SH_OK;
}

/* ---- GET /api/v1/reports/csec: analysts and child welfare's supervisors (routes.c) ---- */

API_HANDLER(api_report_csec)
{
	struct audit_batch b = { .who = req->who,
				 .now = clock_now(&req->app->clock),
				 .action = "report.csec",
				 .outcome = "ok",
				 .section = "state" };
	struct sh_date from, to;
	enum sh_code rc;

	if (period_params(req, &from, &to, N_("the indicators come as csv only"), err))
		return err->code;
	if ((rc = report_csec(req->app->store, req->app->county.tz, from, to, &res->body, err)))
		return rc;
	return send_csv(req, res, &b, "csec", from, to, err);
}

/* ---- GET /api/v1/reports/federal: the Board's internal readers (routes.c) ---- */

API_HANDLER(api_report_federal)
{
	struct app *app = req->app;
	struct audit_batch b = { .who = req->who,
				 .now = clock_now(&app->clock),
				 .action = "report.federal",
				 .outcome = "ok" };
	struct report_request rq = { .format = METRICS_FEDERAL };
	enum sh_code rc;

	if (period_params(req, &rq.from, &rq.to, N_("the federal counts come as csv only"), err))
		return err->code;
	rq.tz = app->county.tz;
	rq.offences = app->offences;
	if ((rc = report_board(app->store, &app->registry, &rq, SH_VERSION, &res->body, err)))
		return rc;
	return send_csv(req, res, &b, "federal", rq.from, rq.to, err);
}

/* ---- GET /api/v1/cases/{id}/csec: child welfare and oversight on the case ---- */

static json_t *values_json(const enum csec_value v[CSEC_N])
{
	json_t *o = json_object();

	for (int i = 0; i < CSEC_N; i++)
		json_object_set_new(o, csec_indicator_keys[i], json_string(csec_value_name(v[i])));
	return o;
}

API_HANDLER(api_case_csec)
{
	struct store_conn *c;
	struct casefile cf;
	int64_t now = clock_now(&req->app->clock);
	const char *id = req->params[0];
	struct audit_batch b = audit_case_ok(req->who, now, "csec.read", "state", &id);
	struct csec_rec *rows = NULL;
	struct csec_view v;
	size_t n = 0;
	json_t *out, *confirmed = json_null(), *facts;
	enum sh_code rc;

	if ((rc = store_read_begin(req->app->store, &c, err)))
		return rc;
	if (!(rc = casefile_open(req, c, id, &cf, err)))
		rc = store_csec_list(c, 0, 0, cf.c.id, req->arena, &rows, &n, err);
	store_read_end(c);
	if (!rc && n != 1)
		rc = sh_error_set(err, SH_EINTERNAL, "the case's indicators could not be read");
	if (rc || (rc = audit_defer(req, &b, err)))
		return rc;
	report_csec_values(&rows[0], &v);
	if (v.confirmed) {
		confirmed = values_json(v.value);
		json_object_set_new(confirmed, "event_id", json_integer(rows[0].confirmed_id));
		jsonh_set_time(confirmed, "at", rows[0].confirmed_at, false);
	}
	facts = json_pack("{s:s, s:b, s:i}", "youth_status", rows[0].status,
			  "missing_at_identification", rows[0].missing_at_identification,
			  "missing_episodes", rows[0].missing_episodes);
	out = json_pack("{s:s, s:o, s:o, s:o}", "case_id", cf.c.id, "proposed",
			values_json(v.proposed), "confirmed", confirmed, "facts", facts);
	return api_reply_json_new(res, 200, out);
}
