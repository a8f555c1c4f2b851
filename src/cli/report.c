/* safeharbor report board | federal | csec | settings: the Board report, its federal
 * layout, the state's CSEC indicators (docs/report.md). */
#include "lib/common.h"
#include "api/audit.h"
#include "api/county.h"
#include "api/reports.h"
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

/* The Board report; its federal layout and the state's indicators: csv only, internal, no area. */
enum kind { BOARD, FEDERAL, CSEC };

struct report_opts {
	const char *from, *to, *format;
	struct report_request *rq;
};

static int report_option(void *ctx, int c, const char *arg, const char *help)
{
	struct report_opts *o = ctx;

	(void)help;
	switch (c) {
	case 'f': o->from = arg; break;
	case 't': o->to = arg; break;
	case 'F': o->format = arg; break;
	case 'p': o->rq->public_release = true; break;
	case 'a': o->rq->area = arg; break;
	}
	return EXIT_OK;
}

static int report(int argc, char **argv, enum kind kind)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'F' },
		{ "public", no_argument, NULL, 'p' },
		{ "area", required_argument, NULL, 'a' },
		{ "offences", required_argument, NULL, CLI_OPT(CONF_OFFENCES) },
		{ 0 },
	};
	static const char *const actions[] = { "report.board", "report.federal", "report.csec" };
	struct sh_error err = SH_ERROR_INIT, ignored = SH_ERROR_INIT;
	struct offences *off = NULL;
	struct county county = { 0 };
	struct buf errors = BUF_INIT;
	struct report_request rq = { .format = kind == BOARD ? METRICS_JSON : METRICS_FEDERAL };
	struct registry reg = { 0 };
	struct store *s = NULL;
	struct buf out = BUF_INIT;
	struct audit_batch b = { .who = NULL,
				 .action = actions[kind],
				 .outcome = "ok",
				 .section = kind == CSEC ? "state" : NULL };
	struct cli_target t = { 0 };
	struct report_opts o = { .rq = &rq };
	const char *from, *to, *format;
	char detail[160];
	int code, f;
	enum sh_code rc;

	if (!cli_args(argc, argv, opts, usage, &t, report_option, &o, &code))
		return code;
	from = o.from, to = o.to, format = o.format;
	if (!from || !to)
		return cli_usage_error(usage, "--from and --to are required");
	if (timefmt_parse_date(from, &rq.from) || rq.from.year < 2000)
		return cli_usage_error(usage, "--from must be a date YYYY-MM-DD, 2000 or later");
	if (timefmt_parse_date(to, &rq.to) || rq.to.year < 2000)
		return cli_usage_error(usage, "--to must be a date YYYY-MM-DD, 2000 or later");
	if (kind != BOARD) {
		if (format && strcmp(format, "csv"))
			return cli_usage_error(usage, "--format: this report comes as csv only");
		if (rq.public_release || rq.area)
			return cli_usage_error(usage, "this report is the county's, internal: no "
						      "--public, no --area");
	} else if (format && ((f = metrics_format_parse(format)) < 0 || f == METRICS_CHARTS)) {
		return cli_usage_error(usage, "--format is json, csv or html");
	} else if (format) {
		rq.format = (enum metrics_format)f;
	}
	if (rq.area && !report_area_valid(rq.area))
		return cli_usage_error(usage,
				       "--area is an area code (lowercase letters, digits, _, -)");
	if ((rc = cli_open_store(&t, &s, &err)) || (rc = county_settings_load(s, &county, &err)))
		goto out;
	rq.tz = county.tz;
	if (kind == CSEC) {
		rc = report_csec(s, county.tz, rq.from, rq.to, &out, &err);
	} else {
		/* old arrests are read with the offences file (docs/offences.md) */
		if ((rc = offences_load_file(conf_get(&t.conf, CONF_OFFENCES), &off, &errors))) {
			fprintf(stderr, "%s", errors.data);
			code = EXIT_FAIL;
			goto out;
		}
		/* the protocol versions name the steps; a database without one has no cases */
		if (registry_load(s, NULL, (int64_t)time(NULL), &reg, &ignored))
			memset(&reg, 0, sizeof(reg));
		rq.offences = off;
		rc = report_board(s, &reg, &rq, SH_VERSION, &out, &err);
	}
	if (!rc) {
		if (kind == BOARD)
			snprintf(detail, sizeof(detail), "%s..%s %s %s%s%s", from, to,
				 format ? format : "json",
				 rq.public_release ? "public" : "internal", rq.area ? " area=" : "",
				 rq.area ? rq.area : "");
		else
			snprintf(detail, sizeof(detail), "%s..%s csv", from, to);
		b.now = (int64_t)time(NULL);
		b.detail = detail;
		rc = audit_write(s, &b, &err);
	}
out:
	registry_release(&reg);
	store_close(s);
	county_release(&county);
	offences_free(off);
	cli_target_release(&t);
	buf_release(&errors);
	if (code || rc) {
		buf_release(&out);
		return code ? code : cli_fail(&err);
	}
	if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout)) {
		buf_release(&out);
		fprintf(stderr, "safeharbor: cannot write the report: %s\n", strerror(errno));
		return EXIT_FAIL;
	}
	buf_release(&out);
	return EXIT_OK;
}

static int run_board(int argc, char **argv)
{
	return report(argc, argv, BOARD);
}

static int run_federal(int argc, char **argv)
{
	return report(argc, argv, FEDERAL);
}

static int run_csec(int argc, char **argv)
{
	return report(argc, argv, CSEC);
}

static int run_settings(int argc, char **argv)
{
	return cli_settings(argc, argv, "report.", usage);
}

int cmd_report(int argc, char **argv)
{
	static const struct cli_command subs[] = {
		{ "board", run_board, NULL }, { "federal", run_federal, NULL },
		{ "csec", run_csec, NULL },   { "settings", run_settings, NULL },
		{ NULL, NULL, NULL },
	};

	return cli_run_command(argc, argv, subs, usage);
}
