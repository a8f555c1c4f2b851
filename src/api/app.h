#ifndef SH_APP_H
#define SH_APP_H
/*
 * The application context handed to every handler: the store, the clock, the keys
 * and the configuration. Built once by `serve` (or a test), read-only afterwards,
 * so handlers on many threads share it without locks.
 */
#include <stdbool.h>
#include <stdint.h>
#include "api/county.h"
#include "api/registry.h"
#include "lib/shcrypto.h"
#include "lib/timefmt.h"
#include "lib/tz.h"
#include "store/store.h"

struct app_config {
	int session_idle_s;	/* sign-out after this much inactivity (default 900) */
	int session_absolute_s; /* and after this long in any case (default 43200) */
	bool secure_cookies;	/* served over TLS, or behind a proxy that terminates it */
	int clock_skew_s;	/* how far in the future a reported time may be (default 300) */
	int safety_review_days; /* a witness's safety plan is reviewed this long before each
				   hearing (default 7) */
};

struct telemetry;
struct notify_worker;

struct app {
	struct store *store;
	struct sh_clock clock;
	struct shcrypto_keys keys;
	struct app_config cfg;
	struct registry registry; /* protocol versions */
	struct witness_rules
		*witness_rules;	   /* CCTV eligibility and notice (protocols/ca-cctv.rules) */
	struct offences *offences; /* what the arrest guardrail recognises (ca-offences.rules) */
	struct county county;	   /* the county's settings: its zone, the arrest window, the
					 late-entry margin, the timeline limits (api/county.h) */
	struct inflight *inflight; /* idempotency keys being processed (mutable, locked) */
	struct throttle *throttle; /* failed sign-ins (api/throttle.h; mutable, locked) */
	struct credcache *creds;   /* checked credentials (api/credcache.h; locked); NULL: none */
	struct oidc_cache *oidc;   /* the provider's discovery and keys (api/oidc.h; locked) */
	const char
		*oidc_client_secret; /* oidc_client_secret (configuration); NULL: a public client */
	const char *public_url;	     /* public_url (configuration); NULL: the request's Host */
	/* protocol_areas (configuration): "AREA[,AREA...]=FILE;..." (registry_load); NULL: none */
	const char *protocol_areas;
	char dummy_hash
		[128]; /* verified against for unknown usernames, so timing reveals nothing */
	/* operations (docs/operations.md): /metrics and /readyz */
	struct telemetry *telemetry;	/* HTTP counters (http/telemetry.h); NULL: none kept */
	struct notify_worker *notifier; /* the delivery worker /readyz watches; NULL: none */
	const char *metrics_token;	/* bearer token for /metrics on the main port; NULL: off */
	int64_t started_at;		/* Unix seconds */
};

void app_config_defaults(struct app_config *cfg);
/*
 * Loads the rules files (witness rules, offences; errors as "FILE:LINE: message") and
 * the county settings (county.*, arrest.*) from app->store, which must be open.
 * Free with app_release_rules().
 */
enum sh_code app_load_rules(struct app *app, const char *witness_rules, const char *offences,
			    struct sh_error *err);
void app_release_rules(struct app *app);
/* Fills the parts of app that need computing once (the dummy password hash). */
enum sh_code app_prepare(struct app *app, struct sh_error *err);
/*
 * Builds the rest of app around app->store and app->keys, which the caller opened and app
 * owns from here (serve, demo, bench, the fuzzers): the dummy password hash, the protocol
 * registry (protocol loaded at clock_now(&app->clock)), the rules files and the county
 * settings, and the in-flight, throttle and OIDC tables. app->cfg and app->clock are the
 * caller's to set first. On failure app_close() frees what was built.
 */
enum sh_code app_open(struct app *app, const char *protocol, const char *witness_rules,
		      const char *offences, struct sh_error *err);
/* Frees what app_open built and closes the store and the keys; the caller's threads
 * (server, workers) are stopped first. */
void app_close(struct app *app);

#endif
