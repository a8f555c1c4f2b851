/* safeharbor config show: the configuration in force and where each value came from. */
#include "lib/common.h"
#include "cli/cli.h"
#include "store/store.h"
#include "lib/paths.h"

int cmd_config(int argc, char **argv)
{
	static const char usage[] =
		"safeharbor config show [--config FILE] [--db PATH] [--key-file FILE]\n"
		"  Prints every configuration key with the value in force and where it came from:\n"
		"  FILE:LINE, an environment variable, a flag, or the default. Secrets are masked.\n"
		"  Configuration file: --config FILE, else $SAFEHARBOR_CONFIG, else the system one\n"
		"  (safeharbor.conf(5)). County policy (time zone, reports, notifications) is in the\n"
		"  database: safeharbor report settings, safeharbor notify config.";
	static const char *const subs[] = { "show", NULL };
	struct sh_error err = SH_ERROR_INIT;
	struct cli_target t = { 0 };
	char sys[4096];
	int code = EXIT_OK;
	enum sh_code rc;

	if (!cli_subcommand(&argc, &argv, subs, usage, &code))
		return code;
	if (!cli_args(argc, argv, NULL, usage, &t, NULL, NULL, &code))
		return code;
	if ((rc = cli_target_load(&t, &err))) {
		cli_target_release(&t);
		return cli_fail(&err);
	}
	paths_default_config(sys, sizeof(sys));
	printf("# safeharbor %s; later sources win: file, environment, flags\n", SH_VERSION);
	for (int k = 0; k < CONF_NKEYS; k++) {
		char shown[4096];
		const char *v = conf_get(&t.conf, (enum conf_key)k);
		const char *src = t.conf.source[k];
		if (conf_defs[k].type == CONF_T_SECRET && *v)
			v = "******** (set)";
		else if (k == CONF_DB)
			v = store_shown(v, shown, sizeof(shown));
		else if (k == CONF_KEY_FILE && !*v)
			v = cli_target_keyfile(&t), src = "default (beside the database)";
		else if (k == CONF_CHECKPOINTS && !*v)
			v = cli_target_checkpoints(&t), src = "default (beside the key file)";
		else if (!*v)
			v = "(off)";
		printf("%-19s = %-44s # %s\n", conf_defs[k].key, v, src);
	}
	if (t.conf.secret_in_world_readable_file)
		fprintf(stderr,
			"safeharbor: warning: %s is in a file others may read; chmod 640 it\n",
			t.conf.secret_in_world_readable_file);
	printf("# system configuration file: %s\n",
	       sys[0] ? sys : "(none: running from the build tree)");
	cli_target_release(&t);
	return EXIT_OK;
}
