/* HTTP request counters and latency histograms for /metrics (telemetry.h). */
#include "lib/common.h"
#include <stdatomic.h>
#include "http/telemetry.h"
#include "lib/histo.h"
#include "lib/promtext.h"

static const int statuses[] = { 200, 201, 204, 206, 301, 302, 304, 400, 401, 403,
				404, 405, 406, 409, 410, 412, 413, 414, 415, 416,
				422, 429, 431, 500, 501, 502, 503, 504 };
#define NSTATUS (ARRAY_SIZE(statuses) + 1) /* the last slot: any other status */

struct telemetry {
	const struct route *routes;
	size_t nroutes, nslots;	      /* slots: each route, then the web app / unknown paths */
	atomic_uint_fast64_t *counts; /* [slot][status] */
	struct histo *latency;	      /* [slot] */
};

struct telemetry *telemetry_new(const struct route *routes, size_t nroutes)
{
	struct telemetry *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->routes = routes;
	t->nroutes = nroutes;
	t->nslots = nroutes + 1;
	t->counts = calloc(t->nslots * NSTATUS, sizeof(*t->counts));
	t->latency = calloc(t->nslots, sizeof(*t->latency));
	if (!t->counts || !t->latency) {
		telemetry_free(t);
		return NULL;
	}
	for (size_t i = 0; i < t->nslots * NSTATUS; i++)
		atomic_init(&t->counts[i], 0);
	for (size_t i = 0; i < t->nslots; i++)
		histo_init(&t->latency[i], histo_latency_bounds, histo_latency_nbounds);
	return t;
}

void telemetry_free(struct telemetry *t)
{
	if (!t)
		return;
	free(t->counts);
	free(t->latency);
	free(t);
}

static size_t slot_of(const struct telemetry *t, const struct route *r)
{
	if (r && r >= t->routes && r < t->routes + t->nroutes)
		return (size_t)(r - t->routes);
	return t->nroutes;
}

static size_t status_slot(int status)
{
	for (size_t i = 0; i < ARRAY_SIZE(statuses); i++)
		if (statuses[i] == status)
			return i;
	return ARRAY_SIZE(statuses);
}

void telemetry_record(struct telemetry *t, const struct route *r, int status, double seconds)
{
	size_t s;

	if (!t)
		return;
	s = slot_of(t, r);
	atomic_fetch_add_explicit(&t->counts[s * NSTATUS + status_slot(status)], 1,
				  memory_order_relaxed);
	histo_observe(&t->latency[s], seconds);
}

static void slot_labels(const struct telemetry *t, size_t s, struct buf *l)
{
	buf_reset(l);
	prom_label(l, "route", s < t->nroutes ? t->routes[s].pattern : "(web app or unknown path)");
	prom_label(l, "method", s < t->nroutes ? t->routes[s].method : "-");
}

void telemetry_render(const struct telemetry *t, struct buf *b)
{
	struct buf l = BUF_INIT;
	char status[8];

	prom_family(b, "safeharbor_http_requests_total", "counter",
		    "HTTP requests answered, by route pattern, method and status.");
	for (size_t s = 0; s < t->nslots; s++) {
		for (size_t i = 0; i < NSTATUS; i++) {
			uint64_t n = atomic_load_explicit(&t->counts[s * NSTATUS + i],
							  memory_order_relaxed);
			if (!n)
				continue;
			slot_labels(t, s, &l);
			if (i < ARRAY_SIZE(statuses))
				snprintf(status, sizeof(status), "%d", statuses[i]);
			else
				snprintf(status, sizeof(status), "other");
			prom_label(&l, "status", status);
			prom_sample(b, "safeharbor_http_requests_total", l.data, (double)n);
		}
	}
	prom_family(b, "safeharbor_http_request_duration_seconds", "histogram",
		    "Time from the request's first byte to the end of its answer, by route.");
	for (size_t s = 0; s < t->nslots; s++) {
		if (!atomic_load_explicit(&t->latency[s].count, memory_order_relaxed))
			continue;
		slot_labels(t, s, &l);
		prom_histo(b, "safeharbor_http_request_duration_seconds", l.data, &t->latency[s]);
	}
	buf_release(&l);
}
