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

struct agency_opts {
	struct agency_rec r;
	const char *areas[33];
	int nareas;
};

static int agency_option(void *opts, int c, const char *arg, const char *help)
{
	struct agency_opts *o = opts;

	switch (c) {
	case 'n': o->r.name = arg; break;
	case 'k': o->r.kind = arg; break;
	case 'H': o->r.home_area = arg; break;
	case 'a':
		if (o->nareas == 32)
			return cli_usage_error(help, "at most 32 areas");
		o->areas[o->nareas++] = arg;
		break;
	}
	return EXIT_OK;
}

static int check_add(struct cli_ctx *x)
{
	const struct agency_opts *o = x->opts;

	return cli_needs(x, o->r.name && o->r.kind, "--name and --kind");
}

static int check_name(struct cli_ctx *x)
{
	return cli_needs(x, ((const struct agency_opts *)x->opts)->r.name, "--name");
}

static int check_passwords(struct cli_ctx *x)
{
	const struct agency_opts *o = x->opts;

	return cli_needs(x,
			 o->r.name && x->arg && (!strcmp(x->arg, "on") || !strcmp(x->arg, "off")),
			 "--name and on or off");
}

static enum sh_code agency_add(struct cli_ctx *x, struct sh_error *err)
{
	struct agency_opts *o = x->opts;
	enum sh_code rc;

	o->r.areas = o->areas;
	if (!(rc = admin_agency_add(x->s, (int64_t)time(NULL), NULL, &o->r, err)))
		printf("agency %" PRId64 " %s (%s)\n", o->r.id, o->r.name, o->r.kind);
	return rc;
}

static enum sh_code agency_list(struct cli_ctx *x, struct sh_error *err)
{
	struct agency_rec *list;
	size_t n;
	enum sh_code rc = store_agencies(x->s, &x->a, &list, &n, err);

	for (size_t i = 0; !rc && i < n; i++) {
		printf("%" PRId64 "\t%s\t%s\t%s\t", list[i].id, list[i].name, list[i].kind,
		       list[i].home_area ? list[i].home_area : "-");
		for (const char **ar = list[i].areas; ar && *ar; ar++)
			printf("%s%s", ar == list[i].areas ? "" : ",", *ar);
		printf("%s\n", list[i].disabled ? "\tdisabled" : "");
	}
	return rc;
}

/* disable, enable, passwords: a change to the agency named */
static enum sh_code agency_set(struct cli_ctx *x, struct sh_error *err)
{
	const struct agency_opts *o = x->opts;
	struct store_conn *conn;
	struct agency_rec found;
	int64_t now = (int64_t)time(NULL);
	enum sh_code rc;

	if (!(rc = store_read_begin(x->s, &conn, err))) {
		rc = store_agency_get(conn, 0, o->r.name, &x->a, &found, err);
		store_read_end(conn);
	}
	if (!rc && x->arg)
		rc = admin_agency_password_signin(x->s, now, NULL, found.id, !strcmp(x->arg, "on"),
						  err);
	else if (!rc)
		rc = admin_agency_disable(x->s, now, NULL, found.id, !strcmp(x->sub, "disable"),
					  err);
	if (!rc && x->arg)
		printf("agency %s: local passwords %s\n", found.name, x->arg);
	else if (!rc)
		printf("agency %s %sd\n", found.name, x->sub);
	return rc;
}

static const struct option agency_options[] = {
	{ "name", required_argument, NULL, 'n' },
	{ "kind", required_argument, NULL, 'k' },
	{ "area", required_argument, NULL, 'a' },
	{ "home-area", required_argument, NULL, 'H' },
	{ 0 },
};
static const struct cli_sub agency_subs[] = {
	{ "add", check_add, agency_add },
	{ "list", NULL, agency_list },
	{ "disable", check_name, agency_set },
	{ "enable", check_name, agency_set },
	{ "passwords", check_passwords, agency_set, .arg = true },
	{ NULL },
};

const struct cli_table cli_agency = { usage, agency_options, agency_option, agency_subs,
				      sizeof(struct agency_opts) };
