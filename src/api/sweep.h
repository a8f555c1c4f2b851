#ifndef SH_SWEEP_H
#define SH_SWEEP_H
/*
 * The account sweep of `serve`: accounts unused for accounts.inactive_days are disabled
 * (api/admin.h admin_disable_inactive) when the server starts and every hour after, on a
 * thread of its own. The same hourly turn applies retention once a month (api/seal.h
 * retention_monthly): the first turn of each county month.
 */
#include "api/app.h"
#include "lib/ticker.h"

/* Sweeps once now, then hourly on *out (stop it with ticker_stop); app (its store, clock
 * and county) must outlive it. */
enum sh_code sweeper_start(struct app *app, struct ticker **out, struct sh_error *err);

#endif
