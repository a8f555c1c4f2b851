/* lib/workq.c: every job runs once, in order on one worker, at once on several; a stop
 * runs what is queued first. */
#include "lib/common.h"
#include <pthread.h>
#include <setjmp.h>
#include <cmocka.h>
#include "lib/workq.h"

struct probe {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int order[64];
	int ran;
	int inside;	 /* jobs running now */
	int most_inside; /* the most that ran at once */
	int hold;	 /* jobs wait until this many are inside (0: none waits) */
};

struct job {
	struct workq_job base; /* first: the job is found from it */
	struct probe *p;
	int n;
};

static void run(struct workq_job *base)
{
	struct job *j = (struct job *)base;
	struct probe *p = j->p;

	pthread_mutex_lock(&p->mu);
	p->inside++;
	if (p->inside > p->most_inside)
		p->most_inside = p->inside;
	pthread_cond_broadcast(&p->cv);
	if (p->hold) {
		/* the others come at once on their own threads; on one thread they never would,
		 * and the test fails after 5 s instead of hanging */
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 5;
		while (p->most_inside < p->hold)
			if (pthread_cond_timedwait(&p->cv, &p->mu, &until))
				break;
	}
	p->order[p->ran++] = j->n;
	p->inside--;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

static void probe_init(struct probe *p)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
}

static void wait_ran(struct probe *p, int n)
{
	pthread_mutex_lock(&p->mu);
	while (p->ran < n)
		pthread_cond_wait(&p->cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

/* Starts a pool of threads workers and submits jobs[0..n) to it, numbered in order. */
static struct workq *start_and_submit(int threads, struct job *jobs, int n, struct probe *p)
{
	struct workq *q;
	struct sh_error err = SH_ERROR_INIT;

	assert_int_equal(workq_start(threads, &q, &err), SH_OK);
	for (int i = 0; i < n; i++) {
		jobs[i] = (struct job){ { run, NULL }, p, i };
		workq_submit(q, &jobs[i].base);
	}
	return q;
}

static void one_worker_runs_the_jobs_in_order(void **state)
{
	struct probe p;
	struct job jobs[32];
	struct workq *q;

	UNUSED(state);
	probe_init(&p);
	q = start_and_submit(1, jobs, 32, &p);
	wait_ran(&p, 32);
	workq_stop(q);
	for (int i = 0; i < 32; i++)
		assert_int_equal(p.order[i], i);
	assert_int_equal(p.most_inside, 1);
}

static void several_workers_run_jobs_at_once(void **state)
{
	struct probe p;
	struct job jobs[4];
	struct workq *q;

	UNUSED(state);
	probe_init(&p);
	p.hold = 4; /* each job waits until all four are running: only four threads finish */
	q = start_and_submit(4, jobs, 4, &p);
	wait_ran(&p, 4);
	workq_stop(q);
	assert_int_equal(p.most_inside, 4);
}

static void a_stop_runs_every_job_already_queued(void **state)
{
	struct probe p;
	struct job jobs[16];

	UNUSED(state);
	probe_init(&p);
	workq_stop(start_and_submit(2, jobs, 16, &p)); /* returns after all sixteen ran */
	assert_int_equal(p.ran, 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_worker_runs_the_jobs_in_order),
		cmocka_unit_test(several_workers_run_jobs_at_once),
		cmocka_unit_test(a_stop_runs_every_job_already_queued),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
