/* safeharbor migrate: a county's database copied into another backend's (store/copy.h) */
#include "lib/common.h"
#include <sodium.h>
#include <unistd.h>
#include "api/audit.h"
#include "cli/cli.h"
#include "store/copy.h"

static const char usage[] =
	"safeharbor migrate --from sqlite:PATH --to postgresql://... --key-file FILE\n"
	"  Copies every table of a county's database into an empty database, row for row:\n"
	"  ids kept, sealed values as the same bytes (never opened), the audit chain as it is,\n"
	"  in one transaction (a failure copies nothing). The target's schema is made by\n"
	"  opening it; a target holding any row is refused. Either side may be sqlite:PATH or\n"
	"  a postgresql:// address (so also back, or to a portable SQLite copy). FILE is the\n"
	"  county's key file, checked against the source, whose audit chain must hold. Prints\n"
	"  the rows of each table and the audit chain's head, verified on the target.";

struct ends {
	const char *from, *to;
};

static int option(void *ctx, int c, const char *arg, const char *u)
{
	struct ends *e = ctx;

	UNUSED(u);
	if (c == 'f')
		e->from = arg;
	else if (c == 't')
		e->to = arg;
	return 0;
}

/* sqlite:PATH -> PATH; an address as it is; NULL for anything else */
static const char *database(const char *s)
{
	if (!strncmp(s, "sqlite:", 7) && s[7])
		return s + 7;
	return store_is_uri(s) ? s : NULL;
}

static void progress(void *ctx, const char *table, int64_t done, int64_t total)
{
	UNUSED(ctx);
	fprintf(stderr, "\rcopying %s: %3d%% (%" PRId64 " of %" PRId64 " rows)\033[K", table,
		total ? (int)(done * 100 / total) : 100, done, total);
	if (done >= total)
		fputc('\n', stderr);
	fflush(stderr);
}

int cmd_migrate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ 0 },
	};
	struct sh_error err = SH_ERROR_INIT;
	struct cli_target from = { 0 }, to = { 0 };
	struct copy_result res = { 0 };
	struct ends e = { 0 };
	struct shcrypto_keys k = { 0 };
	struct audit_keys keys = { 0 };
	struct audit_verdict v = { 0 };
	struct store *src = NULL, *dst = NULL;
	int code = EXIT_OK;
	enum sh_code rc;

	if (!cli_args(argc, argv, opts, usage, &from, option, &e, &code))
		return code;
	if (from.flags[CONF_DB])
		return cli_usage_error(usage, "name the databases with --from and --to, not --db");
	if (!e.from || !e.to)
		return cli_usage_error(usage, "--from and --to are both required");
	if (!database(e.from) || !database(e.to))
		return cli_usage_error(usage, "--from and --to take sqlite:PATH or a "
					      "postgresql:// address");
	if (!from.flags[CONF_KEY_FILE])
		return cli_usage_error(usage, "--key-file is required (the county's key file)");
	from.flags[CONF_DB] = database(e.from);
	to = from;
	to.flags[CONF_DB] = database(e.to);
	/* the key file must belong to the source; the target is made with it */
	if ((rc = cli_open_keyed(&from, false, &src, &k, &err)) ||
	    (rc = cli_open_store_create(&to, true, &dst, &err)) ||
	    (rc = store_copy_target_empty(dst, &err)))
		goto out;
	/* a chain that does not hold is not copied: the target would not verify */
	audit_keys_derive(&k, &keys);
	if ((rc = audit_verify(src, &keys, cli_target_checkpoints(&from), false, &v, &err)))
		goto out;
	if (!v.ok) {
		fprintf(stderr,
			"safeharbor: the source's audit chain does not hold (%s); nothing "
			"was copied\n",
			v.why);
		code = EXIT_FAIL;
		goto out;
	}
	if ((rc = store_copy_county(src, dst, isatty(STDERR_FILENO) ? progress : NULL, NULL, &res,
				    &err)))
		goto out;
	printf("%-18s %10s\n", "table", "rows");
	for (size_t i = 0; i < copy_ntables; i++)
		printf("%-18s %10" PRId64 "\n", res.counts[i].table, res.counts[i].rows);
	/* the chain holds on the target, with the head of the source's snapshot copied */
	if ((rc = audit_verify(dst, &keys, NULL, true, &v, &err)))
		goto out;
	if (!v.ok || strcmp(v.head, res.audit_head) || v.rows != res.audit_seq) {
		fprintf(stderr,
			"safeharbor: the copy's audit chain does not hold (%s): do not use the "
			"target\n",
			v.ok ? "its head differs from the source's" : v.why);
		code = EXIT_FAIL;
		goto out;
	}
	printf("audit chain holds on the target: %" PRId64 " rows, head %s (the source's); "
	       "%" PRId64 " timeline events in the chain\n",
	       v.rows, v.head, v.events);
	printf("done: every table copied and the chain verified on the target\n");
out:
	store_close(src);
	store_close(dst);
	sodium_memzero(&keys, sizeof(keys));
	if (k.keys)
		shcrypto_keys_release(&k);
	if (rc)
		code = cli_fail(&err);
	cli_target_release(&from);
	cli_target_release(&to);
	return code;
}
