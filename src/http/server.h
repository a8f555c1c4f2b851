#ifndef SH_SERVER_H
#define SH_SERVER_H
/*
 * The HTTP server: libmicrohttpd's epoll loop on a pool of threads; a handler that may
 * block (writes, reports, exports) runs on a bounded pool of workers, and a read's
 * answer waits for its audit rows' commit (audit_defer) with its connection suspended,
 * holding no thread (docs/architecture.md, "Connections"). Central checks
 * (routing, size limits, content type, credentials), problem+json errors and one
 * access-log line per request. Slow clients are bounded: connections per client
 * address, in all, and the silence allowed while the headers are awaited.
 */
#include "api/app.h"
#include "http/router.h"
#include "lib/error.h"

struct http_server;

struct http_server_options {
	const char *listen; /* "127.0.0.1:8080", "[::1]:8080"; port 0 picks a free one */
	size_t body_limit;  /* default 1 MiB */
	unsigned timeout_s; /* idle connection timeout while a request is handled, default 30 */
	unsigned header_timeout_s;  /* ... and while waiting for a request's headers, default 10 */
	unsigned max_conns;	    /* default 512 */
	unsigned max_conns_per_ip;  /* connections from one client address, default 64 */
	size_t header_limit;	    /* memory for the request line and headers, default 32 KiB */
	const struct route *routes; /* default: http_routes (the API and the web app) */
	size_t nroutes;
	bool no_web_app;	     /* answer 404 outside the route table (the metrics listener) */
	const char *trusted_proxies; /* conf.h trusted_proxies; NULL or "": none */
	struct telemetry *telemetry; /* where answered requests are counted; NULL: nowhere */
	unsigned threads;	     /* event-loop threads; 0: one per core */
	struct workq *workers;	     /* where long handlers run (kept, not owned; stop it after the
				  server); NULL: a pool of worker_threads of the server's own */
	unsigned worker_threads;     /* ... default 32 */
};

/* What routing found for a request once its headers were in (router_match). */
struct http_routing {
	enum route_match match;
	const struct route *route; /* ROUTE_FOUND: the row */
	const char *allow;	   /* ROUTE_NO_METHOD: the methods the path accepts */
	size_t body_limit;	   /* the body limit in force (for the 413's detail) */
	bool too_big;		   /* the body, or its declared length, passed it */
};

/*
 * Answers a request whose headers and body are in, whatever carried it: the checks
 * every route shares (path, method, size, content type, credentials), then the row's
 * handler; problem+json when one of them refuses. The transport fills req (method,
 * path, params, body, header and query lookups, arena, app, request id, client) and
 * initialises res->body; route and who are set here. The server's event-loop threads
 * and workers call it, and so does the county fuzzer (tests/fuzz/fuzz_county.c) in
 * process. Audit rows the handler deferred (req->deferred) are the caller's to write
 * before the answer leaves.
 */
void http_answer(const struct http_routing *r, struct api_request *req, struct api_response *res);

/* Starts serving app (kept, not owned). Stop with http_server_stop(). */
enum sh_code http_server_start(struct app *app, const struct http_server_options *o,
			       struct http_server **out, struct sh_error *err);
/* The port actually bound (useful with port 0). */
int http_server_port(const struct http_server *s);
/* Stops accepting, lets requests in flight finish (up to 10 s), then frees s. Accepts NULL. */
void http_server_stop(struct http_server *s);

#endif
