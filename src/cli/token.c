/* safeharbor token create|list|revoke */
#include "lib/common.h"
#include <sodium.h>
#include "api/admin.h"
#include "cli/cli.h"
#include "lib/timefmt.h"

static const char usage[] =
	"safeharbor token create --username NAME [--expires DURATION|DATE] [--scope read|write|report]\n"
	"                        [--label TEXT] [--db PATH] [--key-file FILE] [--config FILE]\n"
	"                        prints the token (one line)\n"
	"       safeharbor token list [--db PATH]\n"
	"       safeharbor token revoke --id ID [--db PATH]\n"
	"  Tokens are for integrations: 'Authorization: Bearer TOKEN'. The token is shown\n"
	"  once; only its hash is stored. --expires: 30d, 12h, 2w or YYYY-MM-DD (at most 366\n"
	"  days; default 90d). --scope: read (GET only), write (everything the user's role\n"
	"  allows; the default) or report (the report endpoints only). A token ends with a\n"
	"  password reset or when its user is disabled. Making one is audited and announced\n"
	"  to the user's agency (its supervisors see it in GET /api/v1/notices).";

struct token_opts {
	const char *username;
	struct admin_token_spec spec;
	long long id;
};

static int token_option(void *opts, int c, const char *arg, const char *help)
{
	struct token_opts *o = opts;
	char *end;

	switch (c) {
	case 'u': o->username = arg; break;
	case 'l': o->spec.label = arg; break;
	case 'e': o->spec.expires = arg; break;
	case 's': o->spec.scope = arg; break;
	case 'i':
		o->id = strtoll(arg, &end, 10);
		if (*end || o->id <= 0)
			return cli_usage_error(help, "--id must be a positive number");
		break;
	}
	return EXIT_OK;
}

static int check_create(struct cli_ctx *x)
{
	return cli_needs(x, ((const struct token_opts *)x->opts)->username, "--username");
}

static int check_revoke(struct cli_ctx *x)
{
	return cli_needs(x, ((const struct token_opts *)x->opts)->id, "--id");
}

static enum sh_code token_create(struct cli_ctx *x, struct sh_error *err)
{
	const struct token_opts *o = x->opts;
	struct user_rec u;
	char token[ADMIN_TOKEN_LEN], until[TIMEFMT_RFC3339_LEN];
	int64_t expires_at;
	enum sh_code rc;

	if ((rc = cli_find_user(x->s, o->username, &x->a, &u, err)))
		return rc;
	/* the operator's bootstrap: audited, and announced to the user's agency */
	rc = admin_token_create(x->s, (int64_t)time(NULL), NULL, u.id, &o->spec, token, &expires_at,
				err);
	if (!rc) {
		printf("%s\n", token);
		timefmt_format_rfc3339(expires_at, until);
		fprintf(stderr,
			"safeharbor: a %s token for %s, until %s; announced to %s's notices\n",
			o->spec.scope ? o->spec.scope : "write", u.username, until, u.agency_name);
		sodium_memzero(token, sizeof(token));
	}
	return rc;
}

static enum sh_code token_list(struct cli_ctx *x, struct sh_error *err)
{
	struct store_conn *conn;
	struct token_rec *list;
	size_t n;
	enum sh_code rc;

	if ((rc = store_read_begin(x->s, &conn, err)))
		return rc;
	rc = store_token_list(conn, 0, &x->a, &list, &n, err);
	store_read_end(conn);
	for (size_t i = 0; !rc && i < n; i++) {
		char until[TIMEFMT_RFC3339_LEN];
		timefmt_format_rfc3339(list[i].expires_at, until);
		printf("%" PRId64 "\t%s\t%s\t%s\tuntil %s\t%s\n", list[i].id, list[i].username,
		       list[i].label ? list[i].label : "-", list[i].scope, until,
		       list[i].revoked_at			   ? "revoked"
		       : list[i].expires_at <= (int64_t)time(NULL) ? "expired"
								   : "valid");
	}
	return rc;
}

static enum sh_code token_revoke(struct cli_ctx *x, struct sh_error *err)
{
	const struct token_opts *o = x->opts;
	enum sh_code rc = admin_token_revoke(x->s, (int64_t)time(NULL), NULL, o->id, err);

	if (!rc)
		printf("token %lld revoked\n", o->id);
	return rc;
}

static const struct option token_options[] = {
	{ "username", required_argument, NULL, 'u' }, { "label", required_argument, NULL, 'l' },
	{ "id", required_argument, NULL, 'i' },	      { "expires", required_argument, NULL, 'e' },
	{ "scope", required_argument, NULL, 's' },    { 0 },
};
static const struct cli_sub token_subs[] = {
	{ "create", check_create, token_create },
	{ "list", NULL, token_list },
	{ "revoke", check_revoke, token_revoke },
	{ NULL },
};

const struct cli_table cli_token = { usage, token_options, token_option, token_subs,
				     sizeof(struct token_opts) };
