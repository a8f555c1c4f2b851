/* safeharbor report board | federal | csec | settings: the Board report, its federal
 * layout, the state's CSEC indicators (docs/report.md). */
#include "lib/common.h"
#include "api/audit.h"
#include "api/county.h"
#include "api/reports.h"
#include "core/csec.h"
#include "core/offences.h"
#include "cli/cli.h"

static const char usage[] =
	"safeharbor report board [--db PATH] --from YYYY-MM-DD --to YYYY-MM-DD\n"
	"                        [--format json|csv|html] [--public] [--area AREA]\n"
	"                        [--offences FILE]\n"
	"  Writes the Board report for the period (both days included, the county's days:\n"
	"  setting county.timezone) beside the\n"
	"  previous period of equal length, on stdout. --public suppresses small counts\n"
	"  (1-10) and folds small areas for release outside the agencies.\n"
	"safeharbor report federal [--db PATH] --from YYYY-MM-DD --to YYYY-MM-DD [--format csv]\n"
	"  The counts the federal task-force reports (OVC TIMS, BJS HTRS) ask for, from the\n"
	"  Board's figures, as CSV.\n"
	"safeharbor report csec [--db PATH] --from YYYY-MM-DD --to YYYY-MM-DD [--format csv]\n"
	"  The state's CSEC indicators of each recovery identified in the period, as CSV.\n"
	"safeharbor report settings [--db PATH] [KEY=VALUE ...]\n"
	"  Shows the report settings (the stability definition, the public threshold, the\n"
	"  missing-episode reports), or sets them.";

/* board, and its federal layout (federal: csv only, never public, no area) */
static int board(int argc, char **argv, bool federal)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,	    { "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },	    { "format", required_argument, NULL, 'F' },
		{ "public", no_argument, NULL, 'p' },	    { "area", required_argument, NULL, 'a' },
		{ "offences", required_argument, NULL, CLI_OPT(CONF_OFFENCES) },
		{ "help", no_argument, NULL, 'h' },	    { 0 },
	};
	struct sh_error err = SH_ERROR_INIT, ignored = SH_ERROR_INIT;
	struct offences *off = NULL;
	struct county county = { 0 };
	struct buf errors = BUF_INIT;
	struct report_request rq = { .format = METRICS_JSON };
	struct registry reg = { 0 };
	struct store *s = NULL;
	struct buf out = BUF_INIT;
	struct audit_batch b = { .who = NULL, .action = federal ? "report.federal" : "report.board",
				 .outcome = "ok" };
	struct cli_target t = { 0 };
	const char *from = NULL, *to = NULL, *format = NULL;
	char detail[160];
	int code = EXIT_OK, c, f;
	bool done;
	enum sh_code rc;

	while ((c = cli_getopt(argc, argv, opts, usage, &done, &code)) != -1) {
		if (done)
			return code;
		if (cli_target_option(&t, c, optarg))
			continue;
		if (c == 'f')
			from = optarg;
		else if (c == 't')
			to = optarg;
		else if (c == 'F')
			format = optarg;
		else if (c == 'p')
			rq.public_release = true;
		else if (c == 'a')
			rq.area = optarg;
	}
	if (optind < argc)
		return cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if (!from || !to)
		return cli_usage_error(usage, "--from and --to are required");
	if (timefmt_parse_date(from, &rq.from) || rq.from.year < 2000)
		return cli_usage_error(usage, "--from must be a date YYYY-MM-DD, 2000 or later");
	if (timefmt_parse_date(to, &rq.to) || rq.to.year < 2000)
		return cli_usage_error(usage, "--to must be a date YYYY-MM-DD, 2000 or later");
	if (federal) {
		if (format && strcmp(format, "csv"))
			return cli_usage_error(usage, "--format: the federal counts come as csv only");
		if (rq.public_release || rq.area)
			return cli_usage_error(usage, "the federal counts are the county's, internal: "
						      "no --public, no --area");
		rq.format = METRICS_FEDERAL;
	} else if (format && ((f = metrics_format_parse(format)) < 0 || f == METRICS_CHARTS)) {
		return cli_usage_error(usage, "--format is json, csv or html");
	} else if (format) {
		rq.format = (enum metrics_format)f;
	}
	if (rq.area && !report_area_valid(rq.area))
		return cli_usage_error(usage, "--area is an area code (lowercase letters, digits, _, -)");
	if ((rc = cli_open_store(&t, &s, &err)) ||
	    (rc = county_settings_load(s, &county, &err))) {
		store_close(s);
		cli_target_release(&t);
		return cli_fail(&err);
	}
	/* old arrests are read with the offences file (docs/offences.md) */
	if ((rc = offences_load_file(conf_get(&t.conf, CONF_OFFENCES), &off, &errors))) {
		fprintf(stderr, "%s", errors.data);
		buf_release(&errors);
		store_close(s);
		county_release(&county);
		cli_target_release(&t);
		return EXIT_FAIL;
	}
	/* the protocol versions name the steps; a database without one has no cases either */
	if (registry_load(s, NULL, (int64_t)time(NULL), &reg, &ignored))
		memset(&reg, 0, sizeof(reg));
	rq.tz = county.tz;
	rq.offences = off;
	rc = report_board(s, &reg, &rq, SH_VERSION, &out, &err);
	if (!rc) {
		snprintf(detail, sizeof(detail), "%s..%s %s %s%s%s", from, to,
			 federal ? "csv" : format ? format : "json",
			 rq.public_release ? "public" : "internal",
			 rq.area ? " area=" : "", rq.area ? rq.area : "");
		b.now = (int64_t)time(NULL);
		b.detail = detail;
		rc = audit_write(s, &b, &err);
	}
	registry_release(&reg);
	store_close(s);
	county_release(&county);
	offences_free(off);
	cli_target_release(&t);
	if (rc) {
		buf_release(&out);
		return cli_fail(&err);
	}
	if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout)) {
		buf_release(&out);
		fprintf(stderr, "safeharbor: cannot write the report: %s\n", strerror(errno));
		return EXIT_FAIL;
	}
	buf_release(&out);
	return EXIT_OK;
}

/* The state's CSEC indicators: audited as report.csec */
static int csec(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,	    { "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },	    { "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },	    { 0 },
	};
	struct sh_error err = SH_ERROR_INIT;
	struct county county = { 0 };
	struct store *s = NULL;
	struct buf out = BUF_INIT;
	struct audit_batch b = { .who = NULL, .action = "report.csec", .outcome = "ok",
				 .section = "state" };
	struct cli_target t = { 0 };
	struct sh_date df, dt;
	const char *from = NULL, *to = NULL, *format = NULL;
	char detail[64];
	int code = EXIT_OK, c;
	bool done;
	enum sh_code rc;

	while ((c = cli_getopt(argc, argv, opts, usage, &done, &code)) != -1) {
		if (done)
			return code;
		if (cli_target_option(&t, c, optarg))
			continue;
		if (c == 'f')
			from = optarg;
		else if (c == 't')
			to = optarg;
		else if (c == 'F')
			format = optarg;
	}
	if (optind < argc)
		return cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if (!from || !to)
		return cli_usage_error(usage, "--from and --to are required");
	if (timefmt_parse_date(from, &df) || df.year < 2000)
		return cli_usage_error(usage, "--from must be a date YYYY-MM-DD, 2000 or later");
	if (timefmt_parse_date(to, &dt) || dt.year < 2000)
		return cli_usage_error(usage, "--to must be a date YYYY-MM-DD, 2000 or later");
	if (format && strcmp(format, "csv"))
		return cli_usage_error(usage, "--format: the indicators come as csv only");
	if ((rc = cli_open_store(&t, &s, &err)) || (rc = county_settings_load(s, &county, &err)) ||
	    (rc = report_csec(s, county.tz, df, dt, &out, &err)))
		goto out;
	snprintf(detail, sizeof(detail), "%s..%s csv", from, to);
	b.now = (int64_t)time(NULL);
	b.detail = detail;
	rc = audit_write(s, &b, &err);
out:
	store_close(s);
	county_release(&county);
	cli_target_release(&t);
	if (rc) {
		buf_release(&out);
		return cli_fail(&err);
	}
	if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout)) {
		buf_release(&out);
		fprintf(stderr, "safeharbor: cannot write the report: %s\n", strerror(errno));
		return EXIT_FAIL;
	}
	buf_release(&out);
	return EXIT_OK;
}

int cmd_report(int argc, char **argv)
{
	static const char *const subs[] = { "board", "federal", "csec", "settings", NULL };
	const char *sub;
	int code;

	if (!(sub = cli_subcommand(&argc, &argv, subs, usage, &code)))
		return code;
	if (!strcmp(sub, "board") || !strcmp(sub, "federal"))
		return board(argc, argv, !strcmp(sub, "federal"));
	if (!strcmp(sub, "csec"))
		return csec(argc, argv);
	return cli_settings(argc, argv, "report.", usage);
}
