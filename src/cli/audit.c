/* safeharbor audit verify */
#include "lib/common.h"
#include <sodium.h>
#include "api/audit.h"
#include "api/checkpoints.h"
#include "cli/cli.h"
#include "lib/timefmt.h"

int cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "checkpoints", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const char usage[] =
		"safeharbor audit verify [--db PATH] [--checkpoints FILE]\n"
		"  Recomputes the audit chain with the key file's chain key, checks every timeline\n"
		"  event against the chain, and every checkpoint of the checkpoints file (default:\n"
		"  beside the key file) against the row it names, so rows cut from the end (or all\n"
		"  of them) are noticed. Exit 0 when everything holds (and appends a checkpoint of\n"
		"  the head it verified); exit 1 naming the first bad row.";
	struct sh_error err = SH_ERROR_INIT;
	struct audit_verdict v;
	struct audit_keys keys;
	struct shcrypto_keys k = { 0 };
	struct store *s = NULL;
	const char *db = NULL, *cp_path = NULL;
	char *keyfile = NULL, *default_cp = NULL;
	int code = EXIT_OK, c;
	bool done;
	enum sh_code rc;

	static const char *const subs[] = { "verify", NULL };

	if (!cli_subcommand(&argc, &argv, subs, usage, &code))
		return code;
	while ((c = cli_getopt(argc, argv, opts, usage, &done, &code)) != -1) {
		if (done)
			return code;
		if (c == 'd')
			db = optarg;
		else if (c == 'c')
			cp_path = optarg;
	}
	if (optind < argc)
		return cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	db = cli_db_path(db);
	code = EXIT_OK;
	if ((rc = cli_load_keys(db, &k, &err)))
		return cli_fail(&err);
	audit_keys_derive(&k, &keys);
	if (!cp_path) {
		keyfile = shcrypto_keyfile_path(db);
		cp_path = default_cp = keyfile ? checkpoints_default_path(keyfile) : NULL;
	}
	if (!cp_path)
		rc = sh_error_set(&err, SH_ENOMEM, "out of memory");
	else if (!(rc = audit_store_open(db, &k, &(struct store_options){ .read_conns = 2 }, &s, &err)))
		rc = audit_verify(s, &keys, cp_path, &v, &err);
	store_close(s);
	shcrypto_keys_release(&k);
	if (rc) {
		code = cli_fail(&err);
		goto out;
	}
	if (!v.ok) {
		fprintf(stderr, "safeharbor: %s\n", v.why);
		code = EXIT_FAIL;
		goto out;
	}
	printf("audit chain holds: %" PRId64 " rows, head %s; %" PRId64 " timeline events in the "
	       "chain; ",
	       v.rows, v.head, v.events);
	if (v.latest.seq) {
		char t[TIMEFMT_RFC3339_LEN];
		timefmt_format_rfc3339(v.latest.at, t);
		printf("%zu checkpoints match (the latest: row %" PRId64 " at %s)\n", v.checkpoints,
		       v.latest.seq, t);
	} else {
		printf("no checkpoint yet in %s\n", cp_path);
	}
	/* the verified head becomes a checkpoint, so a later cut is noticed */
	if (v.rows > v.latest.seq) {
		struct checkpoint cp = { .at = (int64_t)time(NULL), .seq = v.rows };
		memcpy(cp.head, v.head, sizeof(cp.head));
		sh_error_init(&err);
		if (checkpoints_append(cp_path, keys.checkpoint, &cp, &err))
			fprintf(stderr, "safeharbor: warning: %s\n", err.detail);
	}
out:
	sodium_memzero(&keys, sizeof(keys));
	free(keyfile);
	free(default_cp);
	return code;
}
