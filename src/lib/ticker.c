#include "lib/common.h"
#include <pthread.h>
#include "lib/ticker.h"

struct ticker_thread {
	struct ticker *t;
	int index;
	pthread_t tid;
};

struct ticker {
	struct ticker_options o;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint64_t wakes; /* under mu: ticker_wake() calls so far */
	atomic_bool stop;
	atomic_uint_fast64_t runs;
	int started;
	struct ticker_thread *threads;
};

/* Waits until ms have passed, stop, or a wake after the one seen (*seen is updated). */
static void wait_ms(struct ticker *t, int64_t ms, uint64_t *seen)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += (time_t)(ms / 1000);
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&t->mu);
	while (ms > 0 && !atomic_load(&t->stop) && t->wakes == *seen)
		if (pthread_cond_timedwait(&t->cv, &t->mu, &ts) == ETIMEDOUT)
			break;
	*seen = t->wakes;
	pthread_mutex_unlock(&t->mu);
}

static void *thread_main(void *arg)
{
	struct ticker_thread *th = arg;
	struct ticker *t = th->t;
	int64_t next = t->o.first_ms;
	uint64_t seen = 0; /* a wake from before the thread began counts */

	for (;;) {
		wait_ms(t, next, &seen);
		if (atomic_load(&t->stop))
			break;
		next = t->o.fn(t->o.ctx, t, th->index);
		atomic_fetch_add(&t->runs, 1);
	}
	return NULL;
}

enum sh_code ticker_start(const struct ticker_options *o, struct ticker **out, struct sh_error *err)
{
	struct ticker *t = calloc(1, sizeof(*t));
	pthread_condattr_t ca;
	int n = o->threads > 0 ? o->threads : 1;

	*out = NULL;
	if (!t || !(t->threads = calloc((size_t)n, sizeof(*t->threads)))) {
		free(t);
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	}
	t->o = *o;
	atomic_init(&t->stop, false);
	atomic_init(&t->runs, 0);
	pthread_mutex_init(&t->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* deadlines immune to clock steps */
	pthread_cond_init(&t->cv, &ca);
	pthread_condattr_destroy(&ca);
	for (; t->started < n; t->started++) {
		struct ticker_thread *th = &t->threads[t->started];

		th->t = t;
		th->index = t->started;
		if (pthread_create(&th->tid, NULL, thread_main, th)) {
			ticker_stop(t);
			return sh_error_set(err, SH_EINTERNAL, "cannot start a background thread");
		}
	}
	*out = t;
	return SH_OK;
}

void ticker_wake(struct ticker *t)
{
	pthread_mutex_lock(&t->mu);
	t->wakes++;
	pthread_cond_broadcast(&t->cv);
	pthread_mutex_unlock(&t->mu);
}

void ticker_stop(struct ticker *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->mu);
	atomic_store(&t->stop, true);
	pthread_cond_broadcast(&t->cv);
	pthread_mutex_unlock(&t->mu);
	for (int i = 0; i < t->started; i++)
		pthread_join(t->threads[i].tid, NULL);
	pthread_mutex_destroy(&t->mu);
	pthread_cond_destroy(&t->cv);
	free(t->threads);
	free(t);
}

bool ticker_stopping(const struct ticker *t)
{
	return t && atomic_load(&t->stop);
}

const atomic_bool *ticker_stop_flag(const struct ticker *t)
{
	return &t->stop;
}

uint64_t ticker_runs(const struct ticker *t)
{
	return t ? (uint64_t)atomic_load(&t->runs) : 0;
}
