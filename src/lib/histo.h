#ifndef SH_HISTO_H
#define SH_HISTO_H
/*
 * A histogram many threads add to without a lock (C11 atomics): fixed bucket upper
 * bounds, a count and a sum, as Prometheus shows them (lib/promtext.h). Values are
 * in the unit of the bounds (seconds, requests per group, ...).
 */
#include <stdatomic.h>
#include <stdint.h>

#define HISTO_MAX_BUCKETS 16

struct histo {
	const double *bounds; /* ascending upper bounds; +Inf is implied after the last */
	int nbounds;
	atomic_uint_fast64_t buckets[HISTO_MAX_BUCKETS + 1]; /* not cumulative; last = +Inf */
	atomic_uint_fast64_t count;
	atomic_uint_fast64_t sum_micro; /* the sum in millionths of the unit */
};

/* bounds (at most HISTO_MAX_BUCKETS, kept: a static array) */
void histo_init(struct histo *h, const double *bounds, int nbounds);
void histo_observe(struct histo *h, double v);

/* Bucket bounds used across the program. */
extern const double histo_latency_bounds[]; /* seconds: 1 ms to 10 s */
extern const int histo_latency_nbounds;
extern const double histo_size_bounds[]; /* counts: 1 to 256 */
extern const int histo_size_nbounds;

#endif
