/* safeharbor token create|list|revoke */
#include "lib/common.h"
#include "api/admin.h"
#include "cli/cli.h"

static const char usage[] =
	"safeharbor token create --username NAME [--label TEXT] [--db PATH]   prints the token (one line)\n"
	"       safeharbor token list [--db PATH]\n"
	"       safeharbor token revoke --id ID [--db PATH]\n"
	"  Tokens are for integrations: 'Authorization: Bearer TOKEN'. The token is shown\n"
	"  once; only its hash is stored.";

int cmd_token(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,	   { "username", required_argument, NULL, 'u' },
		{ "label", required_argument, NULL, 'l' }, { "id", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },	   { 0 },
	};
	struct sh_error err = SH_ERROR_INIT;
	struct cli_target t = { 0 };
	const char *username = NULL, *label = NULL, *sub;
	long long id = 0;
	struct store *s = NULL;
	struct store_conn *conn;
	struct arena a = ARENA_INIT;
	int code = EXIT_OK, c;
	bool done;
	enum sh_code rc;

	static const char *const subs[] = { "create", "list", "revoke", NULL };

	if (!(sub = cli_subcommand(&argc, &argv, subs, usage, &code)))
		return code;
	while ((c = cli_getopt(argc, argv, opts, usage, &done, &code)) != -1) {
		char *end;
		if (done)
			return code;
		switch (c) {
		default: cli_target_option(&t, c, optarg); break;
		case 'u': username = optarg; break;
		case 'l': label = optarg; break;
		case 'i':
			id = strtoll(optarg, &end, 10);
			if (*end || id <= 0)
				return cli_usage_error(usage, "--id must be a positive number");
			break;
		}
	}
	if (optind < argc)
		return cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if (!strcmp(sub, "create") && !username)
		return cli_usage_error(usage, "create needs --username");
	if (!strcmp(sub, "revoke") && !id)
		return cli_usage_error(usage, "revoke needs --id");
	if ((rc = cli_open_store(&t, &s, &err)))
		goto out;
	if (!strcmp(sub, "create")) {
		struct user_rec u;
		char token[ADMIN_TOKEN_LEN];
		if ((rc = store_read_begin(s, &conn, &err)))
			goto out;
		rc = store_user_get(conn, 0, username, &a, &u, &err);
		store_read_end(conn);
		if (!rc)
			rc = admin_token_create(s, (int64_t)time(NULL), NULL, u.id, label, token, &err);
		if (!rc)
			printf("%s\n", token);
	} else if (!strcmp(sub, "list")) {
		struct token_rec *list;
		size_t n;
		if ((rc = store_read_begin(s, &conn, &err)))
			goto out;
		rc = store_token_list(conn, 0, &a, &list, &n, &err);
		store_read_end(conn);
		for (size_t i = 0; !rc && i < n; i++)
			printf("%" PRId64 "\t%s\t%s\t%s\n", list[i].id, list[i].username,
			       list[i].label ? list[i].label : "-",
			       list[i].revoked_at ? "revoked" : "valid");
	} else {
		rc = admin_token_revoke(s, (int64_t)time(NULL), NULL, id, &err);
		if (!rc)
			printf("token %lld revoked\n", id);
	}
out:
	store_close(s);
	arena_release(&a);
	cli_target_release(&t);
	return rc ? cli_fail(&err) : EXIT_OK;
}
