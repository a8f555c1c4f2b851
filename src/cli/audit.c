/* safeharbor audit verify */
#include "lib/common.h"
#include "api/audit.h"
#include "cli/cli.h"

int cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const char usage[] =
		"safeharbor audit verify [--db PATH]\n"
		"  Recomputes the audit hash chain. Exit 0 when it holds (prints the row count and\n"
		"  the head hash: keep it somewhere else to detect removed tail rows later);\n"
		"  exit 1 naming the first bad row.";
	struct sh_error err = SH_ERROR_INIT;
	struct audit_verdict v;
	struct store *s = NULL;
	struct cli_target t = { 0 };
	int code = EXIT_OK, c;
	bool done;
	enum sh_code rc;

	static const char *const subs[] = { "verify", NULL };

	if (!cli_subcommand(&argc, &argv, subs, usage, &code))
		return code;
	while ((c = cli_getopt(argc, argv, opts, usage, &done, &code)) != -1) {
		if (done)
			return code;
		cli_target_option(&t, c, optarg);
	}
	if (optind < argc)
		return cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	rc = cli_open_store(&t, &s, &err);
	if (!rc)
		rc = audit_verify(s, &v, &err);
	store_close(s);
	cli_target_release(&t);
	if (rc)
		return cli_fail(&err);
	if (v.bad_seq) {
		fprintf(stderr, "safeharbor: audit row %" PRId64 ": %s\n", v.bad_seq, v.why);
		return EXIT_FAIL;
	}
	printf("audit chain holds: %" PRId64 " rows, head %s\n", v.rows, v.head);
	return EXIT_OK;
}
