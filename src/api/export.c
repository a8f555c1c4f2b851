/*
 * GET /api/v1/cases/{id}/export: the whole case as the caller may see it, for a court, a
 * transfer to another county or a records request: the case view, its whole timeline and
 * its steps, filtered exactly as the case view and the timeline are (casefile.c), as one
 * JSON document or a printable page (format=html). Each export is audited with its reason,
 * one row per section it shows (docs/api.md "Export").
 */
#include "lib/common.h"
#include "api/app.h"
#include "api/audit.h"
#include "api/casefile.h"
#include "api/handlers.h"
#include "lib/jsonh.h"
#include "lib/timefmt.h"

static const char *const reasons[] = { "court", "transfer", "records_request", NULL };

#define NOTE_MAX 120

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

/* reason (one of reasons) and note (a reference: an order or request number, never a
 * name), both required; format json (default) or html */
static enum sh_code read_params(const struct api_request *req, const char **reason,
				const char **note, bool *html, struct sh_error *err)
{
	const char *f = api_query(req, "format");
	size_t n = 0;

	*reason = api_query(req, "reason");
	*note = api_query(req, "note");
	if (!*reason || !*reason[0])
		sh_error_field(err, SH_EINVAL, "reason",
			       "say why the case leaves safeharbor: court, transfer or "
			       "records_request");
	else if (!in_list(*reason, reasons))
		sh_error_field(err, SH_EINVAL, "reason", "give court, transfer or records_request");
	if (*note)
		n = jsonh_utf8_len(*note);
	if (!n || n > NOTE_MAX) {
		sh_error_field(err, SH_EINVAL, "note",
			       "give the order, request or transfer it answers, in 1 to %d "
			       "characters (a reference such as a court order number, never a "
			       "name)",
			       NOTE_MAX);
	} else {
		json_t *t = json_string(*note); /* NULL: not UTF-8 */
		for (const char *c = *note; t && *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f) {
				json_decref(t);
				t = NULL;
			}
		if (!t)
			sh_error_field(err, SH_EINVAL, "note",
				       "one line of text (UTF-8), without tabs");
		json_decref(t);
	}
	*html = f && !strcmp(f, "html");
	if (f && !*html && strcmp(f, "json"))
		sh_error_field(err, SH_EINVAL, "format",
			       "leave it out, or give json or html (a page to print)");
	return err->nfields ? SH_EINVAL : SH_OK;
}

/* The printable page: the same document, every value shown as it is in the JSON, so the
 * page can never show more than the JSON does. */
static void html_value(struct buf *b, const json_t *v);

static void html_object(struct buf *b, const json_t *o)
{
	const char *k;
	json_t *v;

	buf_adds(b, "<dl>");
	json_object_foreach((json_t *)o, k, v) {
		buf_adds(b, "<dt>");
		buf_add_html(b, k);
		buf_adds(b, "</dt><dd>");
		html_value(b, v);
		buf_adds(b, "</dd>");
	}
	buf_adds(b, "</dl>");
}

static void html_value(struct buf *b, const json_t *v)
{
	size_t i;
	json_t *x;

	switch (json_typeof(v)) {
	case JSON_OBJECT: html_object(b, v); break;
	case JSON_ARRAY:
		if (!json_array_size(v)) {
			buf_adds(b, "none");
			break;
		}
		buf_adds(b, "<ol>");
		json_array_foreach(v, i, x) {
			buf_adds(b, "<li>");
			html_value(b, x);
			buf_adds(b, "</li>");
		}
		buf_adds(b, "</ol>");
		break;
	case JSON_STRING: buf_add_html(b, json_string_value(v)); break;
	case JSON_INTEGER: buf_addf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v)); break;
	case JSON_TRUE: buf_adds(b, "yes"); break;
	case JSON_FALSE: buf_adds(b, "no"); break;
	case JSON_NULL: buf_adds(b, "&mdash;"); break;
	default: break;
	}
}

static void html_page(struct buf *b, const json_t *doc)
{
	const json_t *ex = json_object_get(doc, "export");

	buf_adds(b, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
		    "<title>Case export ");
	buf_add_html(b, json_string_value(json_object_get(ex, "case_id")));
	buf_adds(b, "</title></head><body><h1>Case ");
	buf_add_html(b, json_string_value(json_object_get(ex, "case_id")));
	buf_adds(b, "</h1><p><strong>Confidential: the record of a child victim, released under "
		    "WIC 18961.7 for the reason below. It shows only what the exporting agency "
		    "may see. Do not copy or pass it on.</strong></p><h2>Export</h2>");
	html_value(b, ex);
	buf_adds(b, "<h2>Case</h2>");
	html_value(b, json_object_get(doc, "case"));
	buf_adds(b, "<h2>Timeline</h2>");
	html_value(b, json_object_get(doc, "timeline"));
	buf_adds(b, "</body></html>\n");
}

API_HANDLER(api_case_export)
{
	struct app *app = req->app;
	struct store_conn *c;
	struct casefile cf;
	int64_t now = clock_now(&app->clock);
	bool seen[SEC_COUNT] = { false }, html;
	const char *id = req->params[0], *reason, *note, *detail;
	json_t *doc = NULL, *timeline, *j;
	enum sh_code rc;

	if ((rc = read_params(req, &reason, &note, &html, err)) ||
	    (rc = store_read_begin(app->store, &c, err)))
		return rc;
	rc = casefile_open(req, c, id, &cf, err);
	store_read_end(c);
	if (rc || (rc = casefile_evaluate(req, &cf, now, err)))
		return rc;
	seen[SEC_CORE] = true;
	timeline = json_array();
	for (size_t i = 0; i < cf.nevents; i++) {
		const struct event_rec *e = &cf.events[i];
		if ((j = casefile_event_json(req, &cf, e))) {
			json_array_append_new(timeline, j);
			seen[access_section_parse(e->section)] = true;
		}
	}
	doc = json_pack("{s:{s:s, s:i, s:s, s:s, s:s, s:{s:s?, s:s?, s:s}}, s:o, s:o}", "export",
			"format", "safeharbor.case-export", "version", 1, "case_id", id, "reason",
			reason, "note", note, "exported_by", "name", req->who->display_name,
			"agency", req->who->agency_name, "kind", access_kind_name(req->who->kind),
			"case", casefile_json(req, &cf, now), "timeline", timeline);
	if (!doc) {
		rc = sh_error_set(err, SH_EINTERNAL, "out of memory");
		goto out;
	}
	jsonh_set_time(json_object_get(doc, "export"), "exported_at", now, false);
	/* one row per section the export shows, with the reason, durable before it leaves */
	detail = arena_printf(req->arena, "%s: %s", reason, note);
	for (int s = 0; s < SEC_COUNT; s++) {
		struct audit_batch b = { .who = req->who,
					 .now = now,
					 .action = "case.export",
					 .outcome = "ok",
					 .detail = detail,
					 .case_ids = &id,
					 .ncases = 1,
					 .section = access_section_name((enum section)s) };
		if (seen[s] && (rc = audit_defer(req, &b, err)))
			goto out;
	}
	if (!html) {
		rc = api_reply_json(res, 200, doc);
		goto out;
	}
	buf_reset(&res->body);
	res->status = 200;
	res->content_type = "text/html; charset=utf-8";
	/* a page of escaped text: nothing on it may run, load or be framed */
	api_add_header(res, "Content-Security-Policy",
		       "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
		       "form-action 'none'");
	html_page(&res->body, doc);
out:
	json_decref(doc);
	return rc;
}
