#include "lib/common.h"
#include "api/app.h"
#include "api/credcache.h"
#include "api/county.h"
#include "api/inflight.h"
#include "api/oidc.h"
#include "api/throttle.h"
#include "core/offences.h"
#include "core/witness.h"

void app_config_defaults(struct app_config *cfg)
{
	cfg->session_idle_s = 15 * 60;
	cfg->session_absolute_s = 12 * 3600;
	cfg->secure_cookies = false;
	cfg->clock_skew_s = 5 * 60;
	cfg->safety_review_days = 7;
}

enum sh_code app_prepare(struct app *app, struct sh_error *err)
{
	char pw[33];

	shcrypto_random_hex(pw, 16);
	return shcrypto_password_hash(pw, app->dummy_hash, err);
}

enum sh_code app_load_rules(struct app *app, const char *witness_rules, const char *offences,
			    struct sh_error *err)
{
	struct buf errors = BUF_INIT;
	enum sh_code rc;

	if ((rc = witness_rules_load_file(witness_rules, &app->witness_rules, &errors)) ||
	    (rc = offences_load_file(offences, &app->offences, &errors)))
		sh_error_set(err, rc, "%s", errors.data);
	else
		rc = county_settings_load(app->store, &app->county, err);
	buf_release(&errors);
	return rc;
}

void app_release_rules(struct app *app)
{
	witness_rules_free(app->witness_rules);
	offences_free(app->offences);
	county_release(&app->county);
	app->witness_rules = NULL;
	app->offences = NULL;
}

enum sh_code app_open(struct app *app, const char *protocol, const char *witness_rules,
		      const char *offences, struct sh_error *err)
{
	enum sh_code rc;

	if ((rc = app_prepare(app, err)) ||
	    (rc = registry_load(app->store, protocol, app->protocol_areas, clock_now(&app->clock),
				&app->registry, err)) ||
	    (rc = app_load_rules(app, witness_rules, offences, err)))
		return rc;
	if (!(app->inflight = inflight_new()) || !(app->throttle = throttle_new()) ||
	    !(app->oidc = oidc_cache_new()) || !(app->creds = credcache_new()))
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	return SH_OK;
}

void app_close(struct app *app)
{
	registry_release(&app->registry);
	app_release_rules(app);
	inflight_free(app->inflight);
	throttle_free(app->throttle);
	oidc_cache_free(app->oidc);
	credcache_free(app->creds);
	store_close(app->store);
	if (app->keys.keys)
		shcrypto_keys_release(&app->keys);
	app->inflight = NULL;
	app->throttle = NULL;
	app->oidc = NULL;
	app->creds = NULL;
	app->store = NULL;
}
