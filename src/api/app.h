#ifndef SH_APP_H
#define SH_APP_H
/*
 * The application context handed to every handler: the store, the clock, the keys
 * and the configuration. Built once by `serve` (or a test), read-only afterwards,
 * so handlers on many threads share it without locks.
 */
#include <stdbool.h>
#include <stdint.h>
#include "lib/shcrypto.h"
#include "lib/timefmt.h"
#include "store/store.h"

struct app_config {
	int session_idle_s;     /* sign-out after this much inactivity (default 900) */
	int session_absolute_s; /* and after this long in any case (default 43200) */
	bool secure_cookies;    /* served over TLS, or behind a proxy that terminates it */
	int clock_skew_s;       /* how far in the future a reported time may be (default 300) */
};

struct app {
	struct store *store;
	struct sh_clock clock;
	struct shcrypto_keys keys;
	struct app_config cfg;
};

void app_config_defaults(struct app_config *cfg);

#endif
