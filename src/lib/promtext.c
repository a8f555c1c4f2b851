/* The Prometheus text format, version 0.0.4 (promtext.h). */
#include "lib/common.h"
#include <math.h>
#include "lib/promtext.h"

void prom_family(struct buf *b, const char *name, const char *type, const char *help)
{
	buf_addf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void add_number(struct buf *b, double v)
{
	if (isinf(v))
		buf_adds(b, v > 0 ? "+Inf" : "-Inf");
	else if (v == floor(v) && fabs(v) < 9e15)
		buf_addf(b, "%.0f", v);
	else
		buf_addf(b, "%.9g", v);
}

void prom_sample(struct buf *b, const char *name, const char *labels, double value)
{
	if (labels && *labels)
		buf_addf(b, "%s{%s} ", name, labels);
	else
		buf_addf(b, "%s ", name);
	add_number(b, value);
	buf_addch(b, '\n');
}

void prom_histo(struct buf *b, const char *name, const char *labels, const struct histo *h)
{
	uint64_t cum = 0, count;
	bool lab = labels && *labels;

	for (int i = 0; i <= h->nbounds; i++) {
		cum += atomic_load_explicit(&h->buckets[i], memory_order_relaxed);
		buf_addf(b, "%s_bucket{%s%sle=\"", name, lab ? labels : "", lab ? "," : "");
		add_number(b, i < h->nbounds ? h->bounds[i] : INFINITY);
		buf_addf(b, "\"} %" PRIu64 "\n", cum);
	}
	/* the count is the +Inf bucket, so the two always agree within one scrape */
	count = cum;
	if (lab)
		buf_addf(b, "%s_sum{%s} ", name, labels);
	else
		buf_addf(b, "%s_sum ", name);
	add_number(b, (double)atomic_load_explicit(&h->sum_micro, memory_order_relaxed) / 1e6);
	buf_addch(b, '\n');
	if (lab)
		buf_addf(b, "%s_count{%s} %" PRIu64 "\n", name, labels, count);
	else
		buf_addf(b, "%s_count %" PRIu64 "\n", name, count);
}

void prom_label(struct buf *b, const char *name, const char *value)
{
	buf_addf(b, "%s%s=\"", b->len ? "," : "", name);
	for (const char *p = value; *p; p++) {
		if (*p == '\\')
			buf_adds(b, "\\\\");
		else if (*p == '"')
			buf_adds(b, "\\\"");
		else if (*p == '\n')
			buf_adds(b, "\\n");
		else
			buf_addch(b, *p);
	}
	buf_addch(b, '"');
}
