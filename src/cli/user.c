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

struct user_opts {
	struct user_rec u;
	const char *agency;
	char password[1100];
};

static int user_option(void *opts, int c, const char *arg, const char *help)
{
	struct user_opts *o = opts;

	UNUSED(help);
	switch (c) {
	case 'a': o->agency = arg; break;
	case 'u': o->u.username = arg; break;
	case 'r': o->u.role = arg; break;
	case 'n': o->u.display_name = arg; break;
	case 'c': o->u.contact = arg; break;
	case 's': o->u.sso_id = arg; break;
	}
	return EXIT_OK;
}

static int read_password(struct cli_ctx *x)
{
	struct user_opts *o = x->opts;

	if (cli_read_secret(o->password, sizeof(o->password)))
		return cli_usage_error(x->usage, "give the password on stdin (one line)");
	return EXIT_OK;
}

static int check_add(struct cli_ctx *x)
{
	const struct user_opts *o = x->opts;

	int rc = cli_needs(x, o->agency && o->u.username && o->u.role,
			   "--agency, --username and --role");

	return rc ? rc : read_password(x);
}

static int check_username(struct cli_ctx *x)
{
	return cli_needs(x, ((const struct user_opts *)x->opts)->u.username, "--username");
}

static int check_password(struct cli_ctx *x)
{
	int rc = check_username(x);

	return rc ? rc : read_password(x);
}

static enum sh_code user_add(struct cli_ctx *x, struct sh_error *err)
{
	struct user_opts *o = x->opts;
	struct store_conn *conn;
	struct agency_rec ag;
	enum sh_code rc;

	if ((rc = store_read_begin(x->s, &conn, err)))
		return rc;
	rc = store_agency_get(conn, 0, o->agency, &x->a, &ag, err);
	store_read_end(conn);
	if (rc == SH_ENOTFOUND) {
		sh_error_init(err);
		rc = sh_error_field(err, SH_EINVAL, "agency", "no agency named '%s'", o->agency);
	}
	if (rc)
		return rc;
	o->u.agency_id = ag.id;
	if (!o->u.display_name)
		o->u.display_name = o->u.username;
	if (!(rc = admin_user_add(x->s, (int64_t)time(NULL), NULL, &o->u, o->password, err)))
		printf("user %" PRId64 " %s (%s, %s)\n", o->u.id, o->u.username, o->u.role,
		       ag.name);
	return rc;
}

static enum sh_code user_list(struct cli_ctx *x, struct sh_error *err)
{
	const struct user_opts *o = x->opts;
	struct store_conn *conn;
	struct user_rec *list;
	struct agency_rec ag = { 0 };
	size_t n;
	enum sh_code rc;

	if ((rc = store_read_begin(x->s, &conn, err)))
		return rc;
	if (o->agency)
		rc = store_agency_get(conn, 0, o->agency, &x->a, &ag, err);
	if (!rc)
		rc = store_user_list(conn, ag.id, &x->a, &list, &n, err);
	store_read_end(conn);
	for (size_t i = 0; !rc && i < n; i++)
		printf("%" PRId64 "\t%s\t%s\t%s\t%s%s\n", list[i].id, list[i].username,
		       list[i].role, list[i].agency_name, list[i].display_name,
		       list[i].disabled ? "\tdisabled" : "");
	return rc;
}

/* disable, enable, password, reset-factor: a change to the user named */
static enum sh_code user_set(struct cli_ctx *x, struct sh_error *err)
{
	const struct user_opts *o = x->opts;
	struct user_rec found;
	int64_t now = (int64_t)time(NULL);
	enum sh_code rc;

	if ((rc = cli_find_user(x->s, o->u.username, &x->a, &found, err)))
		return rc;
	if (!strcmp(x->sub, "password"))
		rc = admin_user_password(x->s, now, NULL, found.id, o->password, err);
	else if (!strcmp(x->sub, "reset-factor"))
		rc = admin_user_totp_reset(x->s, now, NULL, found.id, err);
	else
		rc = admin_user_disable(x->s, now, NULL, found.id, !strcmp(x->sub, "disable"), err);
	if (!rc)
		printf("user %s: %s done\n", found.username, x->sub);
	return rc;
}

static const struct option user_options[] = {
	{ "agency", required_argument, NULL, 'a' },
	{ "username", required_argument, NULL, 'u' },
	{ "role", required_argument, NULL, 'r' },
	{ "display-name", required_argument, NULL, 'n' },
	{ "contact", required_argument, NULL, 'c' },
	{ "sso-id", required_argument, NULL, 's' },
	{ 0 },
};
static const struct cli_sub user_subs[] = {
	{ "add", check_add, user_add },
	{ "list", NULL, user_list },
	{ "disable", check_username, user_set },
	{ "enable", check_username, user_set },
	{ "password", check_password, user_set },
	{ "reset-factor", check_username, user_set },
	{ NULL },
};

const struct cli_table cli_user = { usage, user_options, user_option, user_subs,
				    sizeof(struct user_opts) };
