#ifndef SH_XORSHIFT_H
#define SH_XORSHIFT_H
/*
 * A small deterministic generator (xorshift64) for synthetic data: the demo and the
 * benchmarks' generators give the same data from the same seed (state, never 0). Not
 * for anything secret: lib/shcrypto.h has the random numbers for that.
 */
#include <stdint.h>

static inline uint64_t xorshift_next(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

/* A number from lo to hi, both included. */
static inline int64_t xorshift_between(uint64_t *state, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(xorshift_next(state) % (uint64_t)(hi - lo + 1));
}

#endif
