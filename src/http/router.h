#ifndef SH_ROUTER_H
#define SH_ROUTER_H
/*
 * Routing from one table (CONTRIBUTING.md 10). Each row names the method, the path
 * pattern ("{name}" matches one segment), the handler, whether a signed-in user is
 * needed, the largest body accepted and who may call it (api/permit.h). Checks common to
 * all rows run once, in server.c, before any handler.
 */
#include <stddef.h>
#include "api/api.h"
#include "api/permit.h"

enum route_auth {
	ROUTE_PUBLIC,	  /* anyone */
	ROUTE_SIGNED_IN,  /* a session cookie (+ CSRF on writes) or a bearer token */
	ROUTE_SIGNING_IN, /* the same, or a session that still owes its second factor */
};

struct route {
	const char *method;
	const char *pattern;
	api_handler fn;
	enum route_auth auth;
	size_t body_limit;		 /* 0 = the server default (1 MiB); GET rows take no body */
	const struct api_permit *permit; /* NULL: everyone the auth level lets through */
	/* a GET whose handler may block (it writes or waits for a commit of its own, computes
	 * a report, calls out): run on a worker like every route that takes a body (server.c) */
	bool on_worker;
};

extern const struct route http_routes[];
extern const size_t http_nroutes;

enum route_match { ROUTE_FOUND, ROUTE_NO_PATH, ROUTE_NO_METHOD };

/*
 * Matches method and path against routes[0..n). On ROUTE_FOUND, *out is the row and
 * params/nparams hold the captured segments (pointers into a copy made in arena).
 * On ROUTE_NO_METHOD, allow holds the methods the path accepts ("GET, POST").
 */
enum route_match router_match(const struct route *routes, size_t n, const char *method,
			      const char *path, struct arena *a, const struct route **out,
			      const char **params, int *nparams, char *allow, size_t allow_len);

#endif
