#include "lib/common.h"
#include "notify/config.h"

enum sh_code notify_config_load(struct store_conn *c, struct escalation_config *cfg,
				struct arena *a, char bad[96], struct sh_error *err)
{
	const struct escalation_key *keys;
	size_t n;
	enum sh_code rc;

	escalation_config_defaults(cfg);
	if (bad)
		bad[0] = '\0';
	keys = escalation_keys(&n);
	for (size_t i = 0; i < n; i++) {
		struct sh_error ignored;
		char *v = NULL;

		sh_error_init(&ignored);
		if ((rc = store_setting_get(c, keys[i].key, a, &v, err)))
			return rc;
		if (v && escalation_config_set(cfg, keys[i].key, v, &ignored)) {
			if (bad && !bad[0])
				snprintf(bad, 96, "%s", keys[i].key);
		}
	}
	return SH_OK;
}
