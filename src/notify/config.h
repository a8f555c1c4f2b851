#ifndef SH_NOTIFY_CONFIG_H
#define SH_NOTIFY_CONFIG_H
/*
 * The notification settings as stored: "notify.*" rows of the settings table over
 * the defaults of core/escalation.c. Read by the worker (again every second, so a
 * change applies without a restart) and by `safeharbor notify config`.
 */
#include "core/escalation.h"
#include "store/store.h"

/*
 * Fills cfg with the defaults, then each stored value. A stored value that is not
 * valid keeps the default, and its key (the first such) goes into bad when bad is
 * not NULL, for the caller to report. Allocates only from a.
 */
enum sh_code notify_config_load(struct store_conn *c, struct escalation_config *cfg,
				struct arena *a, char bad[96], struct sh_error *err);

#endif
