#include "lib/common.h"
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include "core/access.h"
#include "http/auth.h"
#include "http/client_addr.h"
#include "http/router.h"
#include "http/server.h"
#include "http/static.h"
#include "http/telemetry.h"
#include "lib/log.h"
#include "lib/shcrypto.h"

struct http_server {
	struct MHD_Daemon *d;
	struct app *app;
	int port;
	size_t body_limit;
	pthread_mutex_t mu;
	pthread_cond_t idle_cv;
	int inflight;
	const struct route *routes;
	size_t nroutes;
	bool no_web_app;
	struct netaddr_list proxies; /* trusted: their X-Forwarded-For names the client */
	struct telemetry *telemetry;
	unsigned timeout_s, header_timeout_s;
};

/* One request and its response: lives from the first callback to "completed". */
struct exchange {
	struct http_server *srv;
	struct MHD_Connection *conn;
	const struct route *route;
	enum route_match match;
	char allow[64];
	const char *params[API_MAX_PARAMS];
	int nparams;
	struct buf body;
	bool too_big;
	struct timespec start;
	char request_id[17];
	char method[12];
	struct arena arena;
	int status;
	struct http_client client;
};

static const char *conn_header(void *ctx, const char *name)
{
	return MHD_lookup_connection_value(ctx, MHD_HEADER_KIND, name);
}

static const char *conn_query(void *ctx, const char *name)
{
	return MHD_lookup_connection_value(ctx, MHD_GET_ARGUMENT_KIND, name);
}

static enum MHD_Result send_response(struct exchange *x, struct api_response *res, bool is_api)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(res->body.len, res->body.data, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	if (res->content_type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, res->content_type);
	MHD_add_response_header(r, "X-Request-Id", x->request_id);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	if (is_api)
		MHD_add_response_header(r, "Cache-Control", "no-store");
	for (int i = 0; i < res->nheaders; i++)
		MHD_add_response_header(r, res->headers[i].name, res->headers[i].value);
	x->status = res->status;
	ret = MHD_queue_response(x->conn, (unsigned)res->status, r);
	MHD_destroy_response(r);
	return ret;
}

static bool is_json(const char *content_type)
{
	size_t n = strlen("application/json");

	return content_type && !strncasecmp(content_type, "application/json", n) &&
	       (content_type[n] == '\0' || content_type[n] == ';' || content_type[n] == ' ');
}

static bool has_body_method(const char *m)
{
	return !strcmp(m, "POST") || !strcmp(m, "PUT") || !strcmp(m, "PATCH");
}

void http_answer(const struct http_routing *r, struct api_request *req, struct api_response *res)
{
	struct sh_error err;
	struct principal *who = NULL;
	enum sh_code rc;

	sh_error_init(&err);
	res->status = 200;
	if (r->match == ROUTE_NO_PATH) {
		rc = sh_error_set(&err, SH_ENOTFOUND, "no such path: %s", req->path);
		goto out;
	}
	if (r->match == ROUTE_NO_METHOD) {
		rc = sh_error_set(&err, SH_EMETHOD, "%s is not allowed here; allowed: %s",
				  req->method, r->allow);
		api_add_header(res, "Allow", r->allow);
		goto out;
	}
	if (r->too_big) {
		rc = sh_error_set(&err, SH_ETOOBIG, "the request body is larger than %zu bytes",
				  r->body_limit);
		goto out;
	}
	req->route = r->route->pattern;
	if (has_body_method(req->method) && req->body_len &&
	    !is_json(api_header(req, MHD_HTTP_HEADER_CONTENT_TYPE))) {
		rc = sh_error_set(&err, SH_EMEDIA, "send the body as application/json");
		goto out;
	}
	if (r->route->auth != ROUTE_PUBLIC) {
		rc = http_auth_check(req, &who, &err);
		if (!rc && who->stage && r->route->auth != ROUTE_SIGNING_IN)
			rc = sh_error_set(
				&err, SH_EUNAUTH,
				!strcmp(who->stage, "code")
					? "finish signing in: enter the code from your authenticator app"
					: "finish signing in: set up an authenticator app first");
		if (rc)
			goto out;
		req->who = who;
		/* who may call the route (api/permit.h); a case probe is audited */
		if ((rc = api_permit_check(req, r->route->permit, &err))) {
			api_request_done(req);
			goto out;
		}
	}
	rc = r->route->fn(req, res, &err);
	api_request_done(req);
	if (rc && !err.code)
		err.code = rc;
	if (rc && sh_code_http_status(err.code) >= 500)
		log_error("request %s %s failed: %s", req->request_id, r->route->pattern,
			  err.detail);
out:
	if (rc)
		api_problem(res, &err, req->request_id, api_language(req));
}

static enum MHD_Result dispatch(struct exchange *x, const char *url)
{
	struct http_routing r = { x->match, x->route, x->allow, x->srv->body_limit, x->too_big };
	struct api_request req = { 0 };
	struct api_response res = { 0 };
	enum MHD_Result ret;

	/* the web app: pages and assets outside /api/ */
	if (x->match == ROUTE_NO_PATH && !x->srv->no_web_app &&
	    http_static_serve(x->conn, x->method, url, x->request_id, &x->status, &ret))
		return ret;
	if (x->route && x->route->body_limit)
		r.body_limit = x->route->body_limit;
	req.method = x->method;
	req.path = url;
	req.nparams = x->nparams;
	memcpy(req.params, x->params, sizeof(req.params));
	req.body = x->body.data;
	req.body_len = x->body.len;
	req.header = conn_header;
	req.query = conn_query;
	req.ctx = x->conn;
	req.arena = &x->arena;
	req.app = x->srv->app;
	req.request_id = x->request_id;
	req.client_addr = x->client.addr;
	req.secure = x->client.secure;
	buf_init(&res.body, 0);
	http_answer(&r, &req, &res);
	ret = send_response(x, &res, true);
	buf_release(&res.body);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	struct http_server *srv = cls;
	struct exchange *x = *con_cls;

	UNUSED(version);
	if (!x) {
		const char *cl;
		size_t limit;

		x = calloc(1, sizeof(*x));
		if (!x)
			return MHD_NO;
		x->srv = srv;
		x->conn = conn;
		clock_gettime(CLOCK_MONOTONIC, &x->start);
		shcrypto_random_hex(x->request_id, 8);
		snprintf(x->method, sizeof(x->method), "%s", method);
		arena_init(&x->arena);
		{
			const union MHD_ConnectionInfo *ci =
				MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
			http_client_address(ci ? ci->client_addr : NULL,
					    MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
									"X-Forwarded-For"),
					    MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
									"X-Forwarded-Proto"),
					    &srv->proxies, &x->client);
		}
		x->match =
			router_match(srv->routes, srv->nroutes, method, url, &x->arena, &x->route,
				     x->params, &x->nparams, x->allow, sizeof(x->allow));
		limit = x->route && x->route->body_limit ? x->route->body_limit : srv->body_limit;
		buf_init(&x->body, limit);
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						 MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > limit)
			x->too_big = true;
		pthread_mutex_lock(&srv->mu);
		srv->inflight++;
		pthread_mutex_unlock(&srv->mu);
		*con_cls = x;
		/* the headers are in: the body and the handler get the longer timeout (this
		 * connection's own thread: safe) */
		MHD_set_connection_option(conn, MHD_CONNECTION_OPTION_TIMEOUT, srv->timeout_s);
		/* refuse an oversized body before reading it */
		if (x->too_big && x->match == ROUTE_FOUND)
			return dispatch(x, url);
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!x->too_big && x->match == ROUTE_FOUND &&
		    buf_add(&x->body, upload_data, *upload_data_size))
			x->too_big = true;
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (x->status)
		return MHD_YES; /* answered early */
	return dispatch(x, url);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct http_server *srv = cls;
	struct exchange *x = *con_cls;
	struct timespec end;
	double ms;

	if (!x)
		return;
	/* back to waiting for a request's headers (keep-alive): the short timeout again */
	if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)
		MHD_set_connection_option(conn, MHD_CONNECTION_OPTION_TIMEOUT,
					  srv->header_timeout_s);
	clock_gettime(CLOCK_MONOTONIC, &end);
	ms = (double)(end.tv_sec - x->start.tv_sec) * 1e3 +
	     (double)(end.tv_nsec - x->start.tv_nsec) / 1e6;
	/* the route pattern, never the path: paths can carry ids, and ids are not for logs */
	{
		struct log_access a = { x->method,
					x->route ? x->route->pattern : "-",
					x->status,
					ms,
					x->request_id,
					x->client.addr,
					toe != MHD_REQUEST_TERMINATED_COMPLETED_OK };
		log_access(&a);
	}
	telemetry_record(srv->telemetry, x->route, x->status, ms / 1e3);
	buf_release(&x->body);
	arena_release(&x->arena);
	free(x);
	*con_cls = NULL;
	pthread_mutex_lock(&srv->mu);
	if (--srv->inflight == 0)
		pthread_cond_broadcast(&srv->idle_cv);
	pthread_mutex_unlock(&srv->mu);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	size_t n;

	UNUSED(cls);
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	log_warn("http: %s", line);
}

static enum sh_code parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len,
				 struct sh_error *err)
{
	char host[64];
	const char *colon;
	char *end;
	long port;

	memset(ss, 0, sizeof(*ss));
	if (listen[0] == '[') {
		const char *close = strchr(listen, ']');
		if (!close || close[1] != ':' || (size_t)(close - listen - 1) >= sizeof(host))
			goto bad;
		memcpy(host, listen + 1, (size_t)(close - listen - 1));
		host[close - listen - 1] = '\0';
		colon = close + 1;
	} else {
		colon = strrchr(listen, ':');
		if (!colon || (size_t)(colon - listen) >= sizeof(host))
			goto bad;
		memcpy(host, listen, (size_t)(colon - listen));
		host[colon - listen] = '\0';
	}
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || port < 0 || port > 65535)
		goto bad;
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		*len = sizeof(*sin);
		return SH_OK;
	}
	if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*sin6);
		return SH_OK;
	}
bad:
	return sh_error_set(err, SH_EINVAL,
			    "--listen must be ADDRESS:PORT with a numeric address, e.g. "
			    "127.0.0.1:8080 or [::1]:8080 (got \"%s\")",
			    listen);
}

enum sh_code http_server_start(struct app *app, const struct http_server_options *o,
			       struct http_server **out, struct sh_error *err)
{
	struct http_server *s;
	struct sockaddr_storage ss;
	socklen_t sslen;
	const union MHD_DaemonInfo *info;
	enum sh_code rc;

	*out = NULL;
	rc = parse_listen(o->listen ? o->listen : "127.0.0.1:8080", &ss, &sslen, err);
	if (rc)
		return rc;
	s = calloc(1, sizeof(*s));
	if (!s)
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	s->app = app;
	s->body_limit = o->body_limit ? o->body_limit : 1024 * 1024;
	s->routes = o->routes ? o->routes : http_routes;
	s->nroutes = o->routes ? o->nroutes : http_nroutes;
	s->no_web_app = o->no_web_app;
	s->telemetry = o->telemetry;
	s->timeout_s = o->timeout_s ? o->timeout_s : 30;
	s->header_timeout_s = o->header_timeout_s ? o->header_timeout_s : 10;
	if ((rc = http_proxies_parse(o->trusted_proxies, &s->proxies, err))) {
		free(s);
		return rc;
	}
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->idle_cv, NULL);
	s->d = MHD_start_daemon(
		MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC |
			MHD_USE_ERROR_LOG | (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
		0, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_NOTIFY_COMPLETED,
		on_completed, s,
		/* a new connection waits for its headers: the short timeout (slowloris) */
		MHD_OPTION_CONNECTION_TIMEOUT, s->header_timeout_s, MHD_OPTION_CONNECTION_LIMIT,
		(unsigned)(o->max_conns ? o->max_conns : 512), MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		(unsigned)(o->max_conns_per_ip ? o->max_conns_per_ip : 64),
		MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)(o->header_limit ? o->header_limit : 32 * 1024),
		MHD_OPTION_THREAD_STACK_SIZE, (size_t)(1024 * 1024), MHD_OPTION_END);
	if (!s->d) {
		pthread_mutex_destroy(&s->mu);
		pthread_cond_destroy(&s->idle_cv);
		free(s);
		return sh_error_set(err, SH_EIO, "cannot listen on %s: %s",
				    o->listen ? o->listen : "127.0.0.1:8080",
				    errno ? strerror(errno) : "address in use or not available");
	}
	info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : 0;
	*out = s;
	return SH_OK;
}

int http_server_port(const struct http_server *s)
{
	return s->port;
}

void http_server_stop(struct http_server *s)
{
	struct timespec deadline;
	MHD_socket fd;

	if (!s)
		return;
	fd = MHD_quiesce_daemon(s->d);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 10;
	pthread_mutex_lock(&s->mu);
	while (s->inflight > 0)
		if (pthread_cond_timedwait(&s->idle_cv, &s->mu, &deadline))
			break;
	if (s->inflight > 0)
		log_warn("http: stopping with %d requests still running", s->inflight);
	pthread_mutex_unlock(&s->mu);
	MHD_stop_daemon(s->d);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->idle_cv);
	free(s);
}
