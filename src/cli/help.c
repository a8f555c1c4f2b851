/* safeharbor help [COMMAND] */
#include "lib/common.h"
#include "cli/cli.h"

int cmd_help(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "--help")) {
		for (const struct cli_command *c = cli_commands; c->name; c++) {
			if (!strcmp(c->name, argv[1])) {
				char *sub[] = { argv[1], (char *)"--help", NULL };
				optind = 0;
				return cli_command_run(c, 2, sub);
			}
		}
		fprintf(stderr, "safeharbor: no command '%s'\n", argv[1]);
		return EXIT_USAGE;
	}
	printf("safeharbor: coordinates the First Responder Protocol for commercially sexually\n"
	       "exploited children across agencies.\n\n"
	       "usage: safeharbor COMMAND [OPTIONS]   (every command takes --help)\n\n"
	       "commands:\n");
	for (const struct cli_command *c = cli_commands; c->name; c++)
		printf("  %-10s %s\n", c->name, c->summary);
	printf("\nThe database is --db PATH, else $SAFEHARBOR_DB, else the configuration's db key,\n"
	       "else ./var/safeharbor.db. Commands that take --db also take --key-file FILE and\n"
	       "--config FILE (safeharbor.conf(5)).\n"
	       "Exit status: 0 success, 1 failure or invalid input, 2 usage error.\n");
	return EXIT_OK;
}
