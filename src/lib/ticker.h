#ifndef SH_TICKER_H
#define SH_TICKER_H
/*
 * Background threads that run a function again and again: after a wait the function
 * chooses, at once when woken (ticker_wake), and never again once stopped (ticker_stop
 * wakes every thread from its wait, lets a run in progress finish, and joins). The
 * account sweep, the audit checkpointer and the notification worker of `serve` run on it.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include "lib/error.h"

struct ticker;

/*
 * One run on thread index (0 .. threads - 1) of ticker t: returns how many milliseconds
 * to wait before the next run (0 or less: go round again at once). A long run polls
 * ticker_stopping(t) (or hands ticker_stop_flag(t) to what it calls) to end early.
 */
typedef int64_t (*ticker_fn)(void *ctx, const struct ticker *t, int index);

struct ticker_options {
	ticker_fn fn;
	void *ctx;	  /* kept, not owned: must outlive the ticker */
	int threads;	  /* 1 when 0 */
	int64_t first_ms; /* the wait before each thread's first run (0: none) */
};

/* Starts the threads; on failure none runs. Stop with ticker_stop(). */
enum sh_code ticker_start(const struct ticker_options *o, struct ticker **out,
			  struct sh_error *err);
/* Every waiting thread runs now; a thread in a run goes round again without waiting. */
void ticker_wake(struct ticker *t);
/* Asks the threads to stop, waits for the runs in progress, joins and frees t (NULL: nothing). */
void ticker_stop(struct ticker *t);
/* true once ticker_stop() was called (false for NULL). */
bool ticker_stopping(const struct ticker *t);
/* The flag ticker_stopping() reads, for code that takes an atomic_bool to abort on. */
const atomic_bool *ticker_stop_flag(const struct ticker *t);
/* Runs finished so far, all threads together (0 for NULL). */
uint64_t ticker_runs(const struct ticker *t);

#endif
