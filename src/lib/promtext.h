#ifndef SH_PROMTEXT_H
#define SH_PROMTEXT_H
/*
 * Writing the Prometheus text exposition format 0.0.4: one # HELP and # TYPE per
 * family, then its samples. Labels come preformatted as `name="value",...` with the
 * values escaped by prom_label(). Never put ids, names or other personal data in a
 * label: route patterns, statuses and kinds only.
 */
#include "lib/buf.h"
#include "lib/histo.h"

#define PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

void prom_family(struct buf *b, const char *name, const char *type, const char *help);
/* name{labels} value (labels may be NULL or "") */
void prom_sample(struct buf *b, const char *name, const char *labels, double value);
/* name_bucket{labels,le="..."} (cumulative), name_sum, name_count */
void prom_histo(struct buf *b, const char *name, const char *labels, const struct histo *h);
/* Appends name="value" (value escaped: backslash, quote, newline), with a leading comma
 * when b is not empty. */
void prom_label(struct buf *b, const char *name, const char *value);

#endif
