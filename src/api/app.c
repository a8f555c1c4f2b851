#include "lib/common.h"
#include "api/app.h"

void app_config_defaults(struct app_config *cfg)
{
	cfg->session_idle_s = 15 * 60;
	cfg->session_absolute_s = 12 * 3600;
	cfg->secure_cookies = false;
	cfg->clock_skew_s = 5 * 60;
}
