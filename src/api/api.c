#include "lib/common.h"
#include "api/api.h"
#include "api/audit.h"
#include "api/app.h"
#include "lib/timefmt.h"
#include "lib/jsonh.h"
#include "lib/log.h"

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

void api_problem(struct api_response *res, const struct sh_error *err, const char *request_id)
{
	enum sh_code code = err->code ? err->code : SH_EINTERNAL;
	int status = sh_code_http_status(code);
	json_t *p = json_object(), *errors = json_array();
	char type[64];

	snprintf(type, sizeof(type), "/problems/%s", sh_code_name(code));
	json_object_set_new(p, "type", json_string(type));
	json_object_set_new(p, "title", json_string(sh_code_title(code)));
	json_object_set_new(p, "status", json_integer(status));
	/* internal details (SQL errors, paths) stay in the server log, not the answer;
	 * "unavailable" (shutting down, busy, not ready) says which */
	json_object_set_new(p, "detail",
			    json_string(status >= 500 && code != SH_EUNAVAILABLE
						? "The server could not complete the request; "
						  "it has been logged with the request id."
						: err->detail));
	for (int i = 0; i < err->nfields; i++) {
		json_t *f = json_object();
		json_object_set_new(f, "field", json_string(err->fields[i].field));
		json_object_set_new(f, "message", json_string(err->fields[i].message));
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
	struct sh_error ignored = SH_ERROR_INIT;
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
