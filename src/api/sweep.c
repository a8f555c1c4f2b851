#include "lib/common.h"
#include "api/admin.h"
#include "api/seal.h"
#include "api/sweep.h"
#include "lib/log.h"
#include "lib/ticker.h"

#define SWEEP_INTERVAL_MS (3600 * 1000)

static void sweep_now(struct app *app)
{
	struct sh_error err = SH_ERROR_INIT;
	size_t destroyed;
	bool ran;
	int n = 0;

	if (admin_disable_inactive(app->store, clock_now(&app->clock), app->county.inactive_days,
				   &n, &err))
		log_error("accounts: the inactivity sweep failed: %s", err.detail);
	else if (n)
		log_info("accounts: %d accounts disabled after %d days without use", n,
			 app->county.inactive_days);
	sh_error_init(&err);
	if (retention_monthly(app, &ran, &destroyed, &err))
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

enum sh_code sweeper_start(struct app *app, struct ticker **out, struct sh_error *err)
{
	sweep_now(app);
	return ticker_start(
		&(struct ticker_options){ .fn = tick, .ctx = app, .first_ms = SWEEP_INTERVAL_MS },
		out, err);
}
