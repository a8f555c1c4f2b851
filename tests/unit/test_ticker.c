/* lib/ticker.c: runs when woken or when its wait ends, never after a stop; stops promptly. */
#include "lib/common.h"
#include <pthread.h>
#include <setjmp.h>
#include <cmocka.h>
#include "lib/ticker.h"

#define HOUR_MS (3600 * 1000)

/* What the runs saw, for the test thread to wait on. */
struct probe {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int entered, runs;
	int by_index[4];
	int64_t next_ms[8]; /* what run i returns (HOUR_MS past the end) */
	bool hold;	    /* the first run waits for a stop or for release */
	bool release;
	bool stopped_seen; /* a held run saw ticker_stopping() */
};

static void probe_init(struct probe *p)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
}

static void probe_destroy(struct probe *p)
{
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
}

static int64_t run(void *ctx, const struct ticker *t, int index)
{
	struct probe *p = ctx;
	int64_t next;

	pthread_mutex_lock(&p->mu);
	p->entered++;
	pthread_cond_broadcast(&p->cv);
	while (p->hold && !p->runs && !p->release && !ticker_stopping(t)) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 10 * 1000000L; /* polls the stop flag, as a long run does */
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&p->cv, &p->mu, &ts);
	}
	p->stopped_seen = ticker_stopping(t);
	next = p->runs < 8 && p->next_ms[p->runs] ? p->next_ms[p->runs] : HOUR_MS;
	p->runs++;
	p->by_index[index]++;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return next;
}

/* Waits (30 s at most, then fails) until *count (runs or entered) reaches n. */
static void wait_count(struct probe *p, const int *count, int n)
{
	struct timespec ts;
	int seen;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 30;
	pthread_mutex_lock(&p->mu);
	while (*count < n)
		if (pthread_cond_timedwait(&p->cv, &p->mu, &ts) == ETIMEDOUT)
			break;
	seen = *count;
	pthread_mutex_unlock(&p->mu);
	assert_true(seen >= n);
}

static void wait_runs(struct probe *p, int n)
{
	wait_count(p, &p->runs, n);
}

static struct ticker *start(struct probe *p, int threads, int64_t first_ms)
{
	struct sh_error err = SH_ERROR_INIT;
	struct ticker *t = NULL;

	assert_int_equal(
		ticker_start(&(struct ticker_options){ run, p, threads, first_ms }, &t, &err),
		SH_OK);
	return t;
}

static void a_wake_runs_it_at_once_and_a_stop_ends_the_wait(void **state)
{
	struct probe p;
	struct ticker *t;

	UNUSED(state);
	probe_init(&p);
	t = start(&p, 1, HOUR_MS);
	ticker_wake(t);
	wait_runs(&p, 1);
	ticker_wake(t);
	wait_runs(&p, 2);
	/* both waits were an hour long: only the wakes and the stop end them */
	ticker_stop(t);
	assert_int_equal(p.runs, 2);
	probe_destroy(&p);
}

static void the_run_chooses_the_next_wait(void **state)
{
	struct probe p;
	struct ticker *t;

	UNUSED(state);
	probe_init(&p);
	for (int i = 0; i < 4; i++)
		p.next_ms[i] = -1; /* again at once */
	p.next_ms[4] = 1;
	t = start(&p, 1, 0);
	/* the sixth follows a wait of 1 ms; then an hour; each is counted once it returned */
	wait_runs(&p, 6);
	assert_true(ticker_runs(t) >= 5);
	ticker_stop(t);
	assert_int_equal(p.runs, 6);
	assert_int_equal(ticker_runs(NULL), 0);
	probe_destroy(&p);
}

static void each_thread_runs_with_its_index(void **state)
{
	struct probe p;
	struct ticker *t;

	UNUSED(state);
	probe_init(&p);
	t = start(&p, 3, 0);
	wait_runs(&p, 3);
	ticker_stop(t);
	assert_int_equal(p.runs, 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(p.by_index[i], 1);
	probe_destroy(&p);
}

static void a_stop_waits_for_the_run_in_progress(void **state)
{
	struct probe p;
	struct ticker *t;

	UNUSED(state);
	probe_init(&p);
	p.hold = true; /* the first run lasts until it sees the stop */
	t = start(&p, 1, 0);
	wait_count(&p, &p.entered, 1);
	assert_false(ticker_stopping(t));
	ticker_stop(t);
	/* ticker_stop returned: the run saw the stop, finished, and none followed */
	assert_int_equal(p.runs, 1);
	assert_true(p.stopped_seen);
	probe_destroy(&p);
}

static void a_wake_during_a_run_is_not_lost(void **state)
{
	struct probe p;
	struct ticker *t;

	UNUSED(state);
	probe_init(&p);
	p.hold = true;
	t = start(&p, 1, 0);
	wait_count(&p, &p.entered, 1);
	ticker_wake(t); /* while the first run is in progress */
	pthread_mutex_lock(&p.mu);
	p.release = true;
	pthread_cond_broadcast(&p.cv);
	pthread_mutex_unlock(&p.mu);
	/* the first run returns an hour: only the wake brings the second */
	wait_runs(&p, 2);
	ticker_stop(t);
	assert_int_equal(p.runs, 2);
	assert_false(p.stopped_seen);
	probe_destroy(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_wake_runs_it_at_once_and_a_stop_ends_the_wait),
		cmocka_unit_test(the_run_chooses_the_next_wait),
		cmocka_unit_test(each_thread_runs_with_its_index),
		cmocka_unit_test(a_stop_waits_for_the_run_in_progress),
		cmocka_unit_test(a_wake_during_a_run_is_not_lost),
	};

	/* a stop that did not end an hour's wait fails here, not after the hour */
	alarm(120);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
