#include "lib/common.h"
#include "api/admin.h"
#include "api/seal.h"
#include "api/sweep.h"
#include "lib/log.h"
#include "lib/ticker.h"

#define SWEEP_INTERVAL_MS (3600 * 1000)

struct sweeper {
	struct app *app;
	struct ticker *ticker;
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

static int64_t tick(void *ctx, const struct ticker *t, int index)
{
	UNUSED(t);
	UNUSED(index);
	sweep_now(ctx);
	return SWEEP_INTERVAL_MS;
}

enum sh_code sweeper_start(struct app *app, struct sweeper **out, struct sh_error *err)
{
	struct sweeper *s = calloc(1, sizeof(*s));
	enum sh_code rc;

	*out = NULL;
	if (!s)
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	s->app = app;
	sweep_now(s);
	rc = ticker_start(
		&(struct ticker_options){ .fn = tick, .ctx = s, .first_ms = SWEEP_INTERVAL_MS },
		&s->ticker, err);
	if (rc) {
		free(s);
		return rc;
	}
	*out = s;
	return SH_OK;
}

void sweeper_stop(struct sweeper *s)
{
	if (!s)
		return;
	ticker_stop(s->ticker);
	free(s);
}
