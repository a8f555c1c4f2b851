#ifndef SH_WORKQ_H
#define SH_WORKQ_H
/*
 * A bounded pool of worker threads that run jobs in the order they were submitted. The
 * HTTP server runs its long handlers on one (writes, reports, exports: they wait for a
 * group commit or compute for long) so that its event-loop threads never wait, and the
 * store runs PostgreSQL's asynchronous writes on the same pool.
 *
 * A job is a struct the submitter owns (embedded first in something bigger, found again
 * by a cast): no allocation per job, so a submit cannot fail.
 */
#include <stdbool.h>
#include <stddef.h>
#include "lib/error.h"

struct workq;

struct workq_job {
	void (*fn)(struct workq_job *job); /* runs on a worker; may free the job */
	struct workq_job *next;		   /* the queue's own */
};

/* Starts threads workers (1 when 0 or less); on failure none runs. Stop with workq_stop. */
enum sh_code workq_start(int threads, struct workq **out, struct sh_error *err);
/* Queues job (kept, not copied: it must live until its fn has run). Once workq_stop has
 * begun (a job submitting another while the pool stops) the job runs on the caller's
 * thread, before this returns. */
void workq_submit(struct workq *q, struct workq_job *job);
/* Runs every job already queued, joins the workers and frees q. Accepts NULL. */
void workq_stop(struct workq *q);
/* Jobs waiting for a worker now (a gauge). */
size_t workq_waiting(struct workq *q);

#endif
