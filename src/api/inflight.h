#ifndef SH_INFLIGHT_H
#define SH_INFLIGHT_H
/*
 * Idempotency keys whose first request is still being processed, so that a retry
 * arriving meanwhile gets 409 instead of racing it (IETF Idempotency-Key draft).
 * The one piece of mutable shared state in struct app; it has its own lock.
 */
#include <stdbool.h>
#include <stdint.h>

struct inflight;

struct inflight *inflight_new(void);	/* NULL when out of memory; freed with inflight_free */
void inflight_free(struct inflight *f); /* accepts NULL */
/* Marks (user, key) as in flight; false when it already is. */
bool inflight_enter(struct inflight *f, int64_t user_id, const char *key);
void inflight_leave(struct inflight *f, int64_t user_id, const char *key);

#endif
