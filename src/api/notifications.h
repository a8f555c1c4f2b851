#ifndef SH_API_NOTIFICATIONS_H
#define SH_API_NOTIFICATIONS_H
/* Summonses as the API shows them, and the notification worker as `serve` starts it. */
#include <jansson.h>
#include "api/app.h"
#include "notify/worker.h"
#include "store/records.h"

/*
 * Starts the worker for app (its store, keys, clock and protocol registry, which
 * must outlive it). public_url (may be NULL) overrides the notify.public_url
 * setting. Stop with notify_worker_stop() before the store is closed.
 */
enum sh_code notifications_start(struct app *app, const char *public_url,
				 struct notify_worker **out, struct sh_error *err);

/* One summons as JSON (new reference). */
json_t *notifications_summons_json(const struct summons_rec *s);

#endif
