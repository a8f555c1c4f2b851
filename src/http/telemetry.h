#ifndef SH_TELEMETRY_H
#define SH_TELEMETRY_H
/*
 * What /metrics says about the HTTP side: requests by route pattern, method and
 * status, and a latency histogram per route. Lock-free (C11 atomics): every
 * connection thread adds to it. Labels are route patterns from the route table,
 * never paths, ids or query strings.
 */
#include "http/router.h"
#include "lib/buf.h"

struct telemetry;

/* For the routes of `routes` (kept: the static route table). Free with telemetry_free. */
struct telemetry *telemetry_new(const struct route *routes, size_t nroutes);
void telemetry_free(struct telemetry *t);
/* One answered request; r NULL for the web app's pages and unknown paths. */
void telemetry_record(struct telemetry *t, const struct route *r, int status, double seconds);
/* Appends the HTTP families in the Prometheus text format. */
void telemetry_render(const struct telemetry *t, struct buf *b);

#endif
