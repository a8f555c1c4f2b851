#include "lib/common.h"
#include "lib/histo.h"

const double histo_latency_bounds[] = { 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
					0.25,  0.5,    1,     2.5,  5,	   10 };
const int histo_latency_nbounds = (int)ARRAY_SIZE(histo_latency_bounds);
const double histo_size_bounds[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256 };
const int histo_size_nbounds = (int)ARRAY_SIZE(histo_size_bounds);

void histo_init(struct histo *h, const double *bounds, int nbounds)
{
	h->bounds = bounds;
	h->nbounds = nbounds < HISTO_MAX_BUCKETS ? nbounds : HISTO_MAX_BUCKETS;
	for (int i = 0; i <= HISTO_MAX_BUCKETS; i++)
		atomic_init(&h->buckets[i], 0);
	atomic_init(&h->count, 0);
	atomic_init(&h->sum_micro, 0);
}

void histo_observe(struct histo *h, double v)
{
	int i = 0;

	while (i < h->nbounds && v > h->bounds[i])
		i++;
	atomic_fetch_add_explicit(&h->buckets[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->count, 1, memory_order_relaxed);
	if (v > 0)
		atomic_fetch_add_explicit(&h->sum_micro, (uint_fast64_t)(v * 1e6 + 0.5),
					  memory_order_relaxed);
}
