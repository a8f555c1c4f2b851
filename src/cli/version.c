/* safeharbor version */
#include "lib/common.h"
#include "cli/cli.h"

int cmd_version(int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	static const char usage[] = "safeharbor version";
	bool done;
	int code = EXIT_OK, c;

	while ((c = cli_getopt(argc, argv, opts, usage, &done, &code)) != -1)
		if (done)
			return code;
	if (optind < argc)
		return cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	printf("safeharbor %s (schema %d)\n", SH_VERSION, store_schema_latest());
	return EXIT_OK;
}
