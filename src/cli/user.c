/* safeharbor user add|list|disable|enable|password|reset-factor */
#include "lib/common.h"
#include <sodium.h>
#include "api/admin.h"
#include "cli/cli.h"

static const char usage[] =
	"safeharbor user add --agency NAME --username NAME --role ROLE [--display-name TEXT]\n"
	"                    [--contact TEXT] [--sso-id ID] [--db PATH]  (password from stdin)\n"
	"       safeharbor user list [--agency NAME] [--db PATH]\n"
	"       safeharbor user disable|enable --username NAME [--db PATH]\n"
	"       safeharbor user password --username NAME [--db PATH]   (new password from stdin)\n"
	"       safeharbor user reset-factor --username NAME [--db PATH]\n"
	"  --sso-id: the account at the county's identity provider (the oidc.user_claim value).\n"
	"  reset-factor: removes a lost authenticator app (the person sets up a new one at the\n"
	"        next sign-in); announced to the agency like every change made here.\n"
	"  ROLE: member, supervisor, analyst (aggregate reports only), admin (users and\n"
	"        agencies only, no case content). Passwords are at least 12 characters and not\n"
	"        common, a run or a repetition, nor contain the username or agency name.";

int cmd_user(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,
		{ "agency", required_argument, NULL, 'a' },
		{ "username", required_argument, NULL, 'u' },
		{ "role", required_argument, NULL, 'r' },
		{ "display-name", required_argument, NULL, 'n' },
		{ "contact", required_argument, NULL, 'c' },
		{ "sso-id", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct sh_error err = SH_ERROR_INIT;
	struct user_rec u = { 0 };
	struct cli_target t = { 0 };
	const char *agency = NULL, *sub;
	char password[1100] = "";
	struct store *s = NULL;
	struct arena a = ARENA_INIT;
	int code = EXIT_OK, c;
	bool done, needs_password;
	enum sh_code rc;

	static const char *const subs[] = { "add",	"list",		"disable", "enable",
					    "password", "reset-factor", NULL };

	if (!(sub = cli_subcommand(&argc, &argv, subs, usage, &code)))
		return code;
	while ((c = cli_getopt(argc, argv, opts, usage, &done, &code)) != -1) {
		if (done)
			return code;
		switch (c) {
		default: cli_target_option(&t, c, optarg); break;
		case 'a': agency = optarg; break;
		case 'u': u.username = optarg; break;
		case 'r': u.role = optarg; break;
		case 'n': u.display_name = optarg; break;
		case 'c': u.contact = optarg; break;
		case 's': u.sso_id = optarg; break;
		}
	}
	if (optind < argc)
		return cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if (!strcmp(sub, "add")) {
		if (!agency || !u.username || !u.role)
			return cli_usage_error(usage, "add needs --agency, --username and --role");
	} else if (strcmp(sub, "list")) {
		if (!u.username)
			return cli_usage_error(usage, "%s needs --username", sub);
	}
	needs_password = !strcmp(sub, "add") || !strcmp(sub, "password");
	if (needs_password && cli_read_secret(password, sizeof(password)))
		return cli_usage_error(usage, "give the password on stdin (one line)");
	if ((rc = cli_open_store(&t, &s, &err)))
		goto out;
	if (!strcmp(sub, "add")) {
		struct store_conn *conn;
		struct agency_rec ag;
		if ((rc = store_read_begin(s, &conn, &err)))
			goto out;
		rc = store_agency_get(conn, 0, agency, &a, &ag, &err);
		store_read_end(conn);
		if (rc == SH_ENOTFOUND) {
			sh_error_init(&err);
			rc = sh_error_field(&err, SH_EINVAL, "agency", "no agency named '%s'",
					    agency);
		}
		if (rc)
			goto out;
		u.agency_id = ag.id;
		if (!u.display_name)
			u.display_name = u.username;
		if (!(rc = admin_user_add(s, (int64_t)time(NULL), NULL, &u, password, &err)))
			printf("user %" PRId64 " %s (%s, %s)\n", u.id, u.username, u.role, ag.name);
	} else if (!strcmp(sub, "list")) {
		struct store_conn *conn;
		struct user_rec *list;
		struct agency_rec ag = { 0 };
		size_t n;
		if ((rc = store_read_begin(s, &conn, &err)))
			goto out;
		if (agency)
			rc = store_agency_get(conn, 0, agency, &a, &ag, &err);
		if (!rc)
			rc = store_user_list(conn, ag.id, &a, &list, &n, &err);
		store_read_end(conn);
		for (size_t i = 0; !rc && i < n; i++)
			printf("%" PRId64 "\t%s\t%s\t%s\t%s%s\n", list[i].id, list[i].username,
			       list[i].role, list[i].agency_name, list[i].display_name,
			       list[i].disabled ? "\tdisabled" : "");
	} else {
		struct user_rec found;
		if ((rc = cli_find_user(s, u.username, &a, &found, &err)))
			goto out;
		if (!strcmp(sub, "password"))
			rc = admin_user_password(s, (int64_t)time(NULL), NULL, found.id, password,
						 &err);
		else if (!strcmp(sub, "reset-factor"))
			rc = admin_user_totp_reset(s, (int64_t)time(NULL), NULL, found.id, &err);
		else
			rc = admin_user_disable(s, (int64_t)time(NULL), NULL, found.id,
						!strcmp(sub, "disable"), &err);
		if (!rc)
			printf("user %s: %s done\n", found.username, sub);
	}
out:
	sodium_memzero(password, sizeof(password));
	store_close(s);
	arena_release(&a);
	cli_target_release(&t);
	return rc ? cli_fail(&err) : EXIT_OK;
}
