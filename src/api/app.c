#include "lib/common.h"
#include "api/app.h"
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

enum sh_code app_load_witness_rules(struct app *app, const char *path, struct sh_error *err)
{
	struct buf errors = BUF_INIT;
	enum sh_code rc = witness_rules_load_file(path, &app->witness_rules, &errors);

	if (rc)
		sh_error_set(err, rc, "%s", errors.data);
	buf_release(&errors);
	return rc;
}
