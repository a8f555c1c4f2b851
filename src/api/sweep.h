#ifndef SH_SWEEP_H
#define SH_SWEEP_H
/*
 * The account sweep of `serve`: accounts unused for accounts.inactive_days are disabled
 * (api/admin.h admin_disable_inactive) when the server starts and every hour after, on a
 * thread of its own. The same hourly turn applies retention once a month (api/seal.h
 * retention_monthly): the first turn of each county month.
 */
#include "api/app.h"

struct sweeper;

/* Sweeps once now, then hourly; app (its store, clock and county) must outlive it. */
enum sh_code sweeper_start(struct app *app, struct sweeper **out, struct sh_error *err);
/* Stops and frees it (NULL: nothing). */
void sweeper_stop(struct sweeper *s);

#endif
