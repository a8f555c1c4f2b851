#include "lib/common.h"
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <unistd.h>
#include "api/audit.h"
#include "core/access.h"
#include "http/auth.h"
#include "http/client_addr.h"
#include "http/router.h"
#include "http/server.h"
#include "http/static.h"
#include "http/telemetry.h"
#include "lib/log.h"
#include "lib/shcrypto.h"
#include "lib/workq.h"

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
	struct workq *workers; /* where long handlers run (o->workers, or own_workers) */
	struct workq *own_workers;
};

/*
 * Where an exchange is while its connection is suspended (MHD_suspend_connection): its
 * handler runs on a worker, or its answer waits for its deferred audit rows' commit.
 * READY: the answer in res may leave (the connection is resumed).
 */
enum phase { PHASE_NEW, PHASE_WAITING, PHASE_READY };

/* One request and its response: lives from the first callback to "completed". */
struct exchange {
	struct workq_job job; /* first: a worker finds the exchange from its job */
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
	/* kept while the connection is suspended */
	struct http_routing routing;
	struct api_request req;
	struct api_response res;
	const char *lang; /* for a problem that replaces the answer (api_language) */
	_Atomic enum phase phase;
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

/*
 * Routes that take a body, and GET routes marked on_worker in the route table, run on the
 * workers. Everything else runs on the event-loop thread that read the request, and leaves
 * the commit of its audit rows to audit_defer.
 */
static bool runs_on_worker(const struct exchange *x)
{
	if (x->match != ROUTE_FOUND || x->too_big)
		return false;
	return x->route->on_worker || (strcmp(x->method, "GET") && strcmp(x->method, "HEAD"));
}

static enum MHD_Result reply(struct exchange *x)
{
	enum MHD_Result ret = send_response(x, &x->res, true);

	buf_release(&x->res.body);
	return ret;
}

/* The answer may leave: the event-loop thread sends it once the connection is back. */
static void ready(struct exchange *x)
{
	atomic_store(&x->phase, PHASE_READY);
	MHD_resume_connection(x->conn);
}

/* After the commit of the deferred audit rows (the writer thread, or a worker). */
static void audit_done(void *arg, enum sh_code rc, const struct sh_error *err)
{
	struct exchange *x = arg;
	struct api_response *res = &x->res;
	struct sh_error e = SH_ERROR_INIT;

	if (rc) {
		/* the read was not recorded: the body must not leave. Whatever refused the row
		 * (a full disk, a constraint), the fault is the server's: a 5xx */
		log_error("request %s %s failed: its audit rows were not written: %s",
			  x->request_id, x->route->pattern, err->detail);
		sh_error_set(&e, sh_code_http_status(rc) >= 500 ? rc : SH_ESTORE,
			     "the read could not be recorded in the audit trail");
		buf_reset(&res->body);
		res->nheaders = 0;
		res->content_type = NULL;
		api_problem(res, &e, x->request_id, x->lang);
	}
	ready(x);
}

/* The handler has answered into x->res: send it, or first make its audit rows durable. */
static void answered(struct exchange *x)
{
	if (!x->req.deferred) {
		ready(x);
		return;
	}
	x->lang = api_language(&x->req);
	store_write_async(x->srv->app->store, audit_deferred_write, x->req.deferred, audit_done, x);
}

static void worker_run(struct workq_job *job)
{
	struct exchange *x = (struct exchange *)job;

	http_answer(&x->routing, &x->req, &x->res);
	answered(x);
}

static enum MHD_Result dispatch(struct exchange *x, const char *url)
{
	struct http_routing *r = &x->routing;
	struct api_request *req = &x->req;
	enum MHD_Result ret;

	/* the web app: pages and assets outside /api/ */
	if (x->match == ROUTE_NO_PATH && !x->srv->no_web_app &&
	    http_static_serve(x->conn, x->method, url, x->request_id, &x->status, &ret))
		return ret;
	*r = (struct http_routing){ x->match, x->route, x->allow, x->srv->body_limit, x->too_big };
	if (x->route && x->route->body_limit)
		r->body_limit = x->route->body_limit;
	req->method = x->method;
	/* MHD's copy of the path may not outlive this call if the connection is suspended */
	req->path = arena_strdup(&x->arena, url);
	req->nparams = x->nparams;
	memcpy(req->params, x->params, sizeof(req->params));
	req->body = x->body.data;
	req->body_len = x->body.len;
	req->header = conn_header;
	req->query = conn_query;
	req->ctx = x->conn;
	req->arena = &x->arena;
	req->app = x->srv->app;
	req->request_id = x->request_id;
	req->client_addr = x->client.addr;
	req->secure = x->client.secure;
	buf_init(&x->res.body, 0);
	if (!req->path) {
		buf_release(&x->res.body);
		return MHD_NO;
	}
	if (runs_on_worker(x)) {
		atomic_store(&x->phase, PHASE_WAITING);
		MHD_suspend_connection(x->conn);
		workq_submit(x->srv->workers, &x->job);
		return MHD_YES;
	}
	http_answer(r, req, &x->res);
	if (!req->deferred)
		return reply(x);
	/* a read whose audit rows are still to commit: no thread waits for that commit */
	atomic_store(&x->phase, PHASE_WAITING);
	MHD_suspend_connection(x->conn);
	answered(x);
	return MHD_YES;
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
		x->job.fn = worker_run;
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
		/* the headers are in: the body and the handler get the longer timeout (the
		 * connection's event-loop thread: safe) */
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
	switch (atomic_load(&x->phase)) {
	case PHASE_READY: /* resumed: the answer is in */ return reply(x);
	case PHASE_WAITING: return MHD_YES; /* not reached: suspended connections are not called */
	default: return dispatch(x, url);
	}
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
	buf_release(&x->res.body);
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
	unsigned threads;
	struct MHD_OptionItem pool[2] = { { MHD_OPTION_END, 0, NULL },
					  { MHD_OPTION_END, 0, NULL } };
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
	threads = o->threads ? o->threads : (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	if (threads < 1)
		threads = 1;
	s->workers = o->workers;
	if (!s->workers && (rc = workq_start(o->worker_threads ? (int)o->worker_threads : 32,
					     &s->own_workers, err))) {
		free(s);
		return rc;
	}
	if (!s->workers)
		s->workers = s->own_workers;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->idle_cv, NULL);
	/* a pool of one is no pool: MHD warns about it, so the option is left out */
	pool[0] =
		(struct MHD_OptionItem){ threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END,
					 (intptr_t)threads, NULL };
	/* event-driven: a few threads each wait on their connections with epoll; a connection
	 * whose handler runs on a worker, or whose answer waits for its audit rows' commit, is
	 * suspended and holds no thread (docs/architecture.md, "Connections") */
	s->d = MHD_start_daemon(
		MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC |
			MHD_USE_ERROR_LOG | (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
		0, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		MHD_OPTION_ARRAY, pool, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
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
		workq_stop(s->own_workers);
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
	workq_stop(s->own_workers);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->idle_cv);
	free(s);
}
