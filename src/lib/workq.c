#include "lib/common.h"
#include <pthread.h>
#include "lib/workq.h"

struct workq {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct workq_job *head, *tail;
	size_t waiting;
	bool stopping;
	int nthreads;
	pthread_t *threads;
};

static void *worker_main(void *arg)
{
	struct workq *q = arg;

	for (;;) {
		struct workq_job *job;

		pthread_mutex_lock(&q->mu);
		while (!q->head && !q->stopping)
			pthread_cond_wait(&q->cv, &q->mu);
		job = q->head;
		if (job) {
			q->head = job->next;
			if (!q->head)
				q->tail = NULL;
			q->waiting--;
		}
		pthread_mutex_unlock(&q->mu);
		if (!job)
			break; /* stopping, and nothing is left */
		job->next = NULL;
		job->fn(job);
	}
	return NULL;
}

enum sh_code workq_start(int threads, struct workq **out, struct sh_error *err)
{
	struct workq *q;

	*out = NULL;
	if (threads < 1)
		threads = 1;
	q = calloc(1, sizeof(*q));
	if (!q || !(q->threads = calloc((size_t)threads, sizeof(pthread_t)))) {
		free(q);
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	}
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	for (; q->nthreads < threads; q->nthreads++)
		if (pthread_create(&q->threads[q->nthreads], NULL, worker_main, q)) {
			workq_stop(q);
			return sh_error_set(err, SH_EINTERNAL,
					    "cannot start worker thread %d of %d", q->nthreads + 1,
					    threads);
		}
	*out = q;
	return SH_OK;
}

void workq_submit(struct workq *q, struct workq_job *job)
{
	job->next = NULL;
	pthread_mutex_lock(&q->mu);
	if (q->stopping) {
		pthread_mutex_unlock(&q->mu);
		job->fn(job);
		return;
	}
	if (q->tail)
		q->tail->next = job;
	else
		q->head = job;
	q->tail = job;
	q->waiting++;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

size_t workq_waiting(struct workq *q)
{
	size_t n;

	pthread_mutex_lock(&q->mu);
	n = q->waiting;
	pthread_mutex_unlock(&q->mu);
	return n;
}

void workq_stop(struct workq *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->mu);
	q->stopping = true;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	for (int i = 0; i < q->nthreads; i++)
		pthread_join(q->threads[i], NULL);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	free(q->threads);
	free(q);
}
