/* safeharbor: one binary; the first argument picks the command. */
#include "lib/common.h"
#include <sys/stat.h>
#include "cli/cli.h"
#include "lib/shcrypto.h"

const struct cli_command cli_commands[] = {
	{ "init", cmd_init, "create or upgrade the database and its key file" },
	{ "serve", cmd_serve, "serve the API and web app" },
	{ "protocol", cmd_protocol, "check or show a protocol definition file" },
	{ "agency", NULL, "add, list, disable or enable agencies", &cli_agency },
	{ "user", NULL, "add, list, disable or enable users; reset a password", &cli_user },
	{ "token", NULL, "create, list or revoke integration tokens", &cli_token },
	{ "demo", cmd_demo, "load synthetic agencies, users and cases into a new database" },
	{ "key", NULL, "rotate the field-encryption key", &cli_key },
	{ "seal", NULL, "carry out a court order to seal a youth's records", &cli_seal },
	{ "retention", NULL, "the retention schedule: dry run, apply, holds", &cli_retention },
	{ "audit", NULL, "verify the audit chain; list who viewed a case", &cli_audit },
	{ "case", cmd_case, "move a case to another county, or take one in (a sealed file)" },
	{ "transfer-key", NULL, "print this county's public key for cases transferred to it",
	  &cli_transfer_key },
	{ "roster", NULL, "on-call rosters and how people are reached (webhook, e-mail)",
	  &cli_roster },
	{ "notify", NULL, "notification settings and the outbox of summonses", &cli_notify },
	{ "report", cmd_report,
	  "the Board report (json, csv, html), federal counts, the state's CSEC indicators" },
	{ "settings", cmd_settings,
	  "the county's settings: time zone, arrest window, report definitions" },
	{ "backup", cmd_backup, "copy the database while it serves, verified (not the key)" },
	{ "restore", cmd_restore, "put a backup back, after checking the key belongs to it" },
	{ "migrate", cmd_migrate,
	  "copy a county's database into another backend (SQLite to PostgreSQL, or back)" },
	{ "config", cmd_config, "show the configuration in force and where each value came from" },
	{ "version", cmd_version, "print the version" },
	{ "help", cmd_help, "list the commands, or show one command's help" },
	{ NULL, NULL, NULL, NULL },
};

int main(int argc, char **argv)
{
	struct sh_error err = SH_ERROR_INIT;

	/* every file safeharbor creates (database, WAL, key file, exports) is private */
	umask(077);
	if (argc < 2) {
		cmd_help(1, argv);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(1, argv);
	if (!strcmp(argv[1], "--version"))
		return cmd_version(1, argv);
	if (shcrypto_init(&err))
		return cli_fail(&err);
	for (const struct cli_command *c = cli_commands; c->name; c++)
		if (!strcmp(c->name, argv[1]))
			return cli_command_run(c, argc - 1, argv + 1);
	fprintf(stderr, "safeharbor: '%s' is not a command; see 'safeharbor help'\n", argv[1]);
	return EXIT_USAGE;
}
