/* safeharbor protocol check|show FILE: validate or list a protocol definition. */
#include "lib/common.h"
#include "cli/cli.h"
#include "core/protocol.h"
#include "lib/tz.h"

static const char usage_top[] =
	"safeharbor protocol check FILE | safeharbor protocol show FILE\n"
	"  check: validates a protocol definition (docs/protocol-format.md); prints a one-line\n"
	"         summary, or every problem as FILE:LINE: message on stderr (exit 1).\n"
	"  show:  prints the steps, one per line: key | title | owner | due rule | conditions.";
static const char usage_check[] =
	"safeharbor protocol check FILE\n"
	"  Validates a protocol definition. Valid: a one-line summary on stdout, exit 0.\n"
	"  Invalid: one FILE:LINE: message line per problem on stderr, exit 1.";
static const char usage_show[] =
	"safeharbor protocol show FILE\n"
	"  Prints the protocol's name, version and effective date, then one line per step:\n"
	"  key | title | owner(s) | due rule | conditions | repetition | source.";

/* Loads path and checks its own zone and holiday file, printing its problems on stderr. */
static int load(const char *path, struct protocol **p)
{
	struct buf errors = BUF_INIT;
	struct tz *tz = NULL;
	struct sh_date *days = NULL;
	size_t ndays;
	bool has_days;
	enum sh_code rc = protocol_load_file(path, p, &errors);

	if (!rc &&
	    (rc = protocol_calendar_load(*p, path, &tz, &days, &ndays, &has_days, &errors))) {
		protocol_free(*p);
		*p = NULL;
	}
	tz_free(tz);
	free(days);

	if (rc) {
		if (errors.len)
			fputs(errors.data, stderr);
		else
			fprintf(stderr, "%s: %s\n", path, sh_code_title(rc));
	}
	buf_release(&errors);
	return rc ? EXIT_FAIL : EXIT_OK;
}

/* Options and the one FILE argument of a subcommand; returns -1 to go on. */
static int file_arg(int argc, char **argv, const char *usage, const char **file)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	bool done;
	int code = EXIT_OK, c;

	while ((c = cli_getopt(argc, argv, opts, usage, &done, &code)) != -1)
		if (done)
			return code;
	if (optind >= argc)
		return cli_usage_error(usage, "protocol %s: missing FILE", argv[0]);
	if (optind + 1 < argc)
		return cli_usage_error(usage, "protocol %s: unexpected argument '%s'", argv[0],
				       argv[optind + 1]);
	*file = argv[optind];
	return -1;
}

static int protocol_check(int argc, char **argv)
{
	struct protocol *p = NULL;
	const char *file = NULL;
	size_t episodic = 0;
	int code;

	if ((code = file_arg(argc, argv, usage_check, &file)) >= 0)
		return code;
	if ((code = load(file, &p)) != EXIT_OK)
		return code;
	for (size_t i = 0; i < protocol_nsteps(p); i++)
		episodic += protocol_step_episodic(p, protocol_step_key(p, i));
	printf("%s: ok: %s version %s, effective %s: %zu steps (%zu per case, %zu per missing "
	       "episode or hearing), %zu witness items\n",
	       file, protocol_name(p), protocol_version(p), protocol_effective(p),
	       protocol_nsteps(p), protocol_nsteps(p) - episodic, episodic, protocol_nwitness(p));
	protocol_free(p);
	return EXIT_OK;
}

static int protocol_show(int argc, char **argv)
{
	struct protocol *p = NULL;
	struct buf out = BUF_INIT;
	const char *file = NULL;
	int code;

	if ((code = file_arg(argc, argv, usage_show, &file)) >= 0)
		return code;
	if ((code = load(file, &p)) != EXIT_OK)
		return code;
	buf_addf(&out, "%s version %s, effective %s\n", protocol_name(p), protocol_version(p),
		 protocol_effective(p));
	protocol_describe(p, &out);
	fputs(out.data, stdout);
	buf_release(&out);
	protocol_free(p);
	return EXIT_OK;
}

int cmd_protocol(int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	static const struct cli_command subs[] = {
		{ "check", protocol_check, NULL },
		{ "show", protocol_show, NULL },
		{ NULL, NULL, NULL },
	};
	bool done;
	int code = EXIT_OK, c, sub_argc;
	char **sub_argv;

	while ((c = cli_getopt(argc, argv, opts, usage_top, &done, &code)) != -1)
		if (done)
			return code;
	if (optind >= argc)
		return cli_usage_error(usage_top, "protocol: missing subcommand (check or show)");
	sub_argc = argc - optind;
	sub_argv = argv + optind;
	optind = 0; /* getopt starts again on the subcommand's arguments */
	for (const struct cli_command *sub = subs; sub->name; sub++)
		if (!strcmp(sub_argv[0], sub->name))
			return sub->run(sub_argc, sub_argv);
	return cli_usage_error(usage_top, "protocol: unknown subcommand '%s'", sub_argv[0]);
}
