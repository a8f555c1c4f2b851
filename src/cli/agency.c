/* safeharbor agency add|list|disable|enable|passwords */
#include "lib/common.h"
#include "api/admin.h"
#include "cli/cli.h"

static const char usage[] =
	"safeharbor agency add --name NAME --kind KIND [--home-area AREA] [--area AREA]... [--db PATH]\n"
	"       safeharbor agency list [--db PATH]\n"
	"       safeharbor agency disable|enable --name NAME [--db PATH]\n"
	"       safeharbor agency passwords --name NAME on|off [--db PATH]\n"
	"  KIND: law_enforcement, child_welfare, probation, advocacy, medical, mental_health,\n"
	"        prosecutor, shelter, oversight. --area (repeatable) lists the areas the agency\n"
	"        serves for routing ('*' = every area); --home-area fills the area on its forms.\n"
	"  passwords: may the agency's staff sign in with local passwords (off: only with the\n"
	"        county account, oidc.issuer), e.g. on again when the identity provider fails.";

int cmd_agency(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,
		{ "name", required_argument, NULL, 'n' },
		{ "kind", required_argument, NULL, 'k' },
		{ "area", required_argument, NULL, 'a' },
		{ "home-area", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct sh_error err = SH_ERROR_INIT;
	struct agency_rec r = { 0 };
	const char *areas[33] = { 0 }, *sub;
	struct cli_target t = { 0 };
	struct store *s = NULL;
	struct arena a = ARENA_INIT;
	int nareas = 0, code = EXIT_OK, c;
	bool done;
	enum sh_code rc;

	static const char *const subs[] = { "add", "list", "disable", "enable", "passwords", NULL };
	const char *onoff = NULL;

	if (!(sub = cli_subcommand(&argc, &argv, subs, usage, &code)))
		return code;
	while ((c = cli_getopt(argc, argv, opts, usage, &done, &code)) != -1) {
		if (done)
			return code;
		switch (c) {
		default: cli_target_option(&t, c, optarg); break;
		case 'n': r.name = optarg; break;
		case 'k': r.kind = optarg; break;
		case 'H': r.home_area = optarg; break;
		case 'a':
			if (nareas == 32)
				return cli_usage_error(usage, "at most 32 areas");
			areas[nareas++] = optarg;
			break;
		}
	}
	if (!strcmp(sub, "passwords") && optind < argc)
		onoff = argv[optind++];
	if (optind < argc)
		return cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if (!strcmp(sub, "passwords") &&
	    (!r.name || !onoff || (strcmp(onoff, "on") && strcmp(onoff, "off"))))
		return cli_usage_error(usage, "passwords needs --name and on or off");
	r.areas = areas;
	if (!strcmp(sub, "add")) {
		if (!r.name || !r.kind)
			return cli_usage_error(usage, "add needs --name and --kind");
	} else if (!strcmp(sub, "disable") || !strcmp(sub, "enable")) {
		if (!r.name)
			return cli_usage_error(usage, "%s needs --name", sub);
	}
	if ((rc = cli_open_store(&t, &s, &err))) {
		cli_target_release(&t);
		return cli_fail(&err);
	}
	if (!strcmp(sub, "add")) {
		rc = admin_agency_add(s, (int64_t)time(NULL), NULL, &r, &err);
		if (!rc)
			printf("agency %" PRId64 " %s (%s)\n", r.id, r.name, r.kind);
	} else if (!strcmp(sub, "list")) {
		struct store_conn *conn;
		struct agency_rec *list;
		size_t n;
		if (!(rc = store_read_begin(s, &conn, &err))) {
			rc = store_agency_list(conn, &a, &list, &n, &err);
			store_read_end(conn);
		}
		for (size_t i = 0; !rc && i < n; i++) {
			printf("%" PRId64 "\t%s\t%s\t%s\t", list[i].id, list[i].name, list[i].kind,
			       list[i].home_area ? list[i].home_area : "-");
			for (const char **ar = list[i].areas; ar && *ar; ar++)
				printf("%s%s", ar == list[i].areas ? "" : ",", *ar);
			printf("%s\n", list[i].disabled ? "\tdisabled" : "");
		}
	} else {
		struct store_conn *conn;
		struct agency_rec found;
		if (!(rc = store_read_begin(s, &conn, &err))) {
			rc = store_agency_get(conn, 0, r.name, &a, &found, &err);
			store_read_end(conn);
		}
		if (!rc && onoff)
			rc = admin_agency_password_signin(s, (int64_t)time(NULL), NULL, found.id,
							  !strcmp(onoff, "on"), &err);
		else if (!rc)
			rc = admin_agency_disable(s, (int64_t)time(NULL), NULL, found.id,
						  !strcmp(sub, "disable"), &err);
		if (!rc && onoff)
			printf("agency %s: local passwords %s\n", found.name, onoff);
		else if (!rc)
			printf("agency %s %sd\n", found.name, sub);
	}
	store_close(s);
	arena_release(&a);
	cli_target_release(&t);
	return rc ? cli_fail(&err) : EXIT_OK;
}
