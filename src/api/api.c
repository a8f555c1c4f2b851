#include "lib/common.h"
#include "api/api.h"
#include "api/audit.h"
#include "api/app.h"
#include "lib/timefmt.h"
#include "lib/jsonh.h"
#include "lib/log.h"
#include "store/store.h"

static const char *idem_header(void *ctx, const char *name)
{
	return strcasecmp(name, "Idempotency-Key") ? NULL : ctx;
}

enum sh_code api_call(const struct api_call *call, api_handler fn, json_t *body, json_t **out,
		      struct buf *raw, struct sh_error *err)
{
	struct api_request req = { 0 };
	struct api_response res = { 0 };
	struct arena a = ARENA_INIT;
	struct buf b = BUF_INIT;
	enum sh_code rc;

	if (body) {
		jsonh_dump(body, &b);
		json_decref(body);
	}
	req.method = body ? "POST" : "GET";
	req.body = b.data;
	req.body_len = b.len;
	req.header = idem_header;
	req.ctx = (void *)call->idem_key;
	req.arena = &a;
	req.app = call->app;
	req.who = call->who;
	req.request_id = call->request_id;
	req.params[0] = call->case_id;
	req.nparams = call->case_id ? 1 : 0;
	buf_init(&res.body, 0);
	rc = fn(&req, &res, err);
	if (!rc && req.deferred)
		rc = store_write(req.app->store, audit_deferred_write, req.deferred, err);
	if (!rc && out)
		*out = json_loadb(res.body.data, res.body.len, 0, NULL);
	if (!rc && raw)
		buf_add(raw, res.body.data, res.body.len);
	buf_release(&res.body);
	buf_release(&b);
	arena_release(&a);
	return rc;
}

enum sh_code api_reply_json(struct api_response *res, int status, const json_t *v)
{
	buf_reset(&res->body);
	res->status = status;
	res->content_type = "application/json";
	return jsonh_dump(v, &res->body);
}

enum sh_code api_reply_json_new(struct api_response *res, int status, json_t *v)
{
	enum sh_code rc = v ? api_reply_json(res, status, v) : SH_ENOMEM;

	json_decref(v);
	return rc;
}

void api_add_header(struct api_response *res, const char *name, const char *value)
{
	if (res->nheaders < API_MAX_HEADERS) {
		res->headers[res->nheaders].name = name;
		res->headers[res->nheaders].value = value;
		res->nheaders++;
	}
}

json_t *api_body_object(const struct api_request *req, struct sh_error *err)
{
	return jsonh_parse_object(req->body, req->body_len, err);
}

void api_problem(struct api_response *res, const struct sh_error *err, const char *request_id,
		 const char *lang)
{
	enum sh_code code = err->code ? err->code : SH_EINTERNAL;
	int status = sh_code_http_status(code);
	json_t *p = json_object(), *errors = json_array();
	char type[64];

	snprintf(type, sizeof(type), "/problems/%s", sh_code_name(code));
	json_object_set_new(p, "type", json_string(type));
	json_object_set_new(p, "title", json_string(sh_code_title_in(code, lang)));
	json_object_set_new(p, "status", json_integer(status));
	/* internal details (SQL errors, paths) stay in the server log, not the answer;
	 * "unavailable" (shutting down, busy, not ready) says which */
	json_object_set_new(
		p, "detail",
		json_string(status >= 500 && code != SH_EUNAVAILABLE
				    ? (strcmp(lang, "es") ? "The server could not complete the "
							    "request; it has been logged with the "
							    "request id."
							  : "El servidor no pudo completar la "
							    "solicitud; quedó registrada con el "
							    "identificador de la solicitud.")
				    : sh_error_detail_in(err, lang)));
	for (int i = 0; i < err->nfields; i++) {
		json_t *f = json_object();
		json_object_set_new(f, "field", json_string(err->fields[i].field));
		json_object_set_new(f, "message",
				    json_string(sh_error_message_in(&err->fields[i], lang)));
		json_array_append_new(errors, f);
	}
	json_object_set_new(p, "errors", errors);
	if (request_id)
		json_object_set_new(p, "request_id", json_string(request_id));
	buf_reset(&res->body);
	res->status = status;
	res->content_type = "application/problem+json";
	jsonh_dump(p, &res->body);
	json_decref(p);
}

void api_request_done(struct api_request *req)
{
	struct sh_error ignored;
	struct audit_batch b = { .who = req->who,
				 .action = "case.probe",
				 .outcome = "denied",
				 .section = "core",
				 .case_ids = &req->denied_case,
				 .ncases = 1 };

	if (!req->denied_case || !req->who)
		return;
	/* a flood of probes shows in the case's "who viewed" list, under the route tried */
	b.now = clock_now(&req->app->clock);
	b.detail = arena_printf(req->arena, "%s %s", req->method, req->route);
	sh_error_init(&ignored);
	if (audit_write(req->app->store, &b, &ignored))
		log_error("request %s: the audit row for a denied case probe was not written: %s",
			  req->request_id, ignored.detail);
}

const char *api_cookie(const struct api_request *req, const char *name)
{
	const char *h = api_header(req, "Cookie"), *p;
	size_t n = strlen(name);

	for (p = h; p && *p;) {
		while (*p == ' ' || *p == ';')
			p++;
		if (!strncmp(p, name, n) && p[n] == '=') {
			const char *v = p + n + 1, *end = strchr(v, ';');
			return arena_strndup(req->arena, v, end ? (size_t)(end - v) : strlen(v));
		}
		p = strchr(p, ';');
	}
	return NULL;
}

const char *api_base_url(struct api_request *req)
{
	const struct app *app = req->app;
	const char *host = api_header(req, "Host");

	if (app->public_url) {
		size_t n = strlen(app->public_url);
		while (n && app->public_url[n - 1] == '/')
			n--;
		return arena_printf(req->arena, "%.*s", (int)n, app->public_url);
	}
	if (!host || !*host ||
	    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789.-:[]") != strlen(host))
		host = "localhost";
	return arena_printf(req->arena, "%s://%s",
			    req->secure || app->cfg.secure_cookies ? "https" : "http", host);
}

/* The language of a signed-in caller's `language` preference, or NULL when unset. */
static const char *preferred_language(struct api_request *req)
{
	struct sh_error ignored = SH_ERROR_INIT;
	struct store_conn *c;
	const char *lang = NULL;
	char *v = NULL;

	if (!req->who || !req->who->user_id || store_read_begin(req->app->store, &c, &ignored))
		return NULL;
	if (!store_pref_get(c, req->who->user_id, "language", req->arena, &v, &ignored) && v) {
		json_t *j = json_loads(v, 0, NULL);
		const char *l = j ? jsonh_str(j, "language") : NULL;
		if (l)
			lang = !strcmp(l, "es") ? "es" : "en";
		json_decref(j);
	}
	store_read_end(c);
	return lang;
}

const char *api_accept_language(const char *header)
{
	const char *best = "en", *p = header;
	double best_q = -1;

	while (p && *p) {
		size_t n;
		double q = 1;
		const char *end = strchr(p, ','), *semi;

		p += strspn(p, " \t");
		if (!end)
			end = p + strlen(p);
		n = strcspn(p, ";, \t-");
		semi = memchr(p, ';', (size_t)(end - p));
		if (semi) {
			const char *qs = strstr(semi, "q=");
			if (qs && qs < end)
				q = strtod(qs + 2, NULL);
		}
		/* the first of the best: a later tag must say it is preferred */
		if (q > 0 && q > best_q &&
		    (n == 2 && (!strncasecmp(p, "es", 2) || !strncasecmp(p, "en", 2)))) {
			best = !strncasecmp(p, "es", 2) ? "es" : "en";
			best_q = q;
		}
		p = *end ? end + 1 : end;
	}
	return best;
}

const char *api_language(struct api_request *req)
{
	const char *lang = preferred_language(req);

	return lang ? lang : api_accept_language(api_header(req, "Accept-Language"));
}
