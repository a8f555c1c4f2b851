#ifndef SH_SERVER_H
#define SH_SERVER_H
/*
 * The HTTP server: libmicrohttpd, one thread per connection (a handler may wait
 * for its group commit without holding up other connections), central checks
 * (routing, size limits, content type, credentials), problem+json errors and one
 * access-log line per request. Slow clients are bounded: connections per client
 * address, in all, and the silence allowed while the headers are awaited.
 */
#include "api/app.h"
#include "http/router.h"
#include "lib/error.h"

struct http_server;

struct http_server_options {
	const char *listen;      /* "127.0.0.1:8080", "[::1]:8080"; port 0 picks a free one */
	size_t body_limit;       /* default 1 MiB */
	unsigned timeout_s;      /* idle connection timeout while a request is handled, default 30 */
	unsigned header_timeout_s; /* ... and while waiting for a request's headers, default 10 */
	unsigned max_conns;      /* default 512 */
	unsigned max_conns_per_ip; /* connections from one client address, default 64 */
	size_t header_limit;     /* memory for the request line and headers, default 32 KiB */
	const struct route *routes; /* default: http_routes (the API and the web app) */
	size_t nroutes;
	bool no_web_app;         /* answer 404 outside the route table (the metrics listener) */
	const char *trusted_proxies; /* conf.h trusted_proxies; NULL or "": none */
	struct telemetry *telemetry; /* where answered requests are counted; NULL: nowhere */
};

/* Starts serving app (kept, not owned). Stop with http_server_stop(). */
enum sh_code http_server_start(struct app *app, const struct http_server_options *o,
			       struct http_server **out, struct sh_error *err);
/* The port actually bound (useful with port 0). */
int http_server_port(const struct http_server *s);
/* Stops accepting, lets requests in flight finish (up to 10 s), then frees s. Accepts NULL. */
void http_server_stop(struct http_server *s);

#endif
