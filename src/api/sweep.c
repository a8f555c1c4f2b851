#include "lib/common.h"
#include <pthread.h>
#include <stdatomic.h>
#include "api/admin.h"
#include "api/seal.h"
#include "api/sweep.h"
#include "lib/log.h"

#define SWEEP_INTERVAL_S 3600

struct sweeper {
	struct app *app;
	pthread_t tid;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	atomic_bool stop;
	bool started;
};

static void sweep_now(struct sweeper *s)
{
	struct sh_error err = SH_ERROR_INIT;
	size_t destroyed;
	bool ran;
	int n = 0;

	if (admin_disable_inactive(s->app->store, clock_now(&s->app->clock),
				   s->app->county.inactive_days, &n, &err))
		log_error("accounts: the inactivity sweep failed: %s", err.detail);
	else if (n)
		log_info("accounts: %d accounts disabled after %d days without use", n,
			 s->app->county.inactive_days);
	sh_error_init(&err);
	if (retention_monthly(s->app, &ran, &destroyed, &err))
		log_error("retention: the monthly run failed: %s", err.detail);
	else if (ran)
		log_info("retention: the monthly run destroyed %zu youth's identities", destroyed);
}

static void *thread_main(void *arg)
{
	struct sweeper *s = arg;

	pthread_mutex_lock(&s->mu);
	while (!atomic_load(&s->stop)) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += SWEEP_INTERVAL_S;
		pthread_cond_timedwait(&s->cv, &s->mu, &ts);
		if (atomic_load(&s->stop))
			break;
		pthread_mutex_unlock(&s->mu);
		sweep_now(s);
		pthread_mutex_lock(&s->mu);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

enum sh_code sweeper_start(struct app *app, struct sweeper **out, struct sh_error *err)
{
	struct sweeper *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s)
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	s->app = app;
	atomic_init(&s->stop, false);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	sweep_now(s);
	if (pthread_create(&s->tid, NULL, thread_main, s)) {
		sweeper_stop(s);
		return sh_error_set(err, SH_EINTERNAL, "cannot start the account sweep thread");
	}
	s->started = true;
	*out = s;
	return SH_OK;
}

void sweeper_stop(struct sweeper *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	atomic_store(&s->stop, true);
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	if (s->started)
		pthread_join(s->tid, NULL);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s);
}
