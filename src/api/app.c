#include "lib/common.h"
#include "api/app.h"

void app_config_defaults(struct app_config *cfg)
{
	cfg->session_idle_s = 15 * 60;
	cfg->session_absolute_s = 12 * 3600;
	cfg->secure_cookies = false;
	cfg->clock_skew_s = 5 * 60;
}

enum sh_code app_prepare(struct app *app, struct sh_error *err)
{
	char pw[33];

	shcrypto_random_hex(pw, 16);
	return shcrypto_password_hash(pw, app->dummy_hash, err);
}
