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
		{ "checkpoints", required_argument, NULL, CLI_OPT(CONF_CHECKPOINTS) },
		{ 0 },
	};
	static const char usage[] =
		"safeharbor audit verify [--db PATH] [--key-file FILE] [--checkpoints FILE]\n"
		"  Recomputes the audit chain with the key file's chain key, checks every timeline\n"
		"  event against the chain, and every checkpoint of the checkpoints file (default:\n"
		"  beside the key file) against the row it names, so rows cut from the end (or all\n"
		"  of them) are noticed. Exit 0 when everything holds (and appends a checkpoint of\n"
		"  the head it verified); exit 1 naming the first bad row.";
	struct sh_error err = SH_ERROR_INIT;
	struct audit_verdict v;
	struct audit_keys keys = { 0 };
	struct shcrypto_keys k = { 0 };
	struct store *s = NULL;
	struct cli_target t = { 0 };
	const char *cp_path;
	int code = EXIT_OK;
	enum sh_code rc;

	static const char *const subs[] = { "verify", NULL };

	if (!cli_subcommand(&argc, &argv, subs, usage, &code))
		return code;
	if (!cli_args(argc, argv, opts, usage, &t, NULL, NULL, &code))
		return code;
	code = EXIT_OK;
	/* the chain's keys come from the key file, which must belong to the database */
	if (!(rc = cli_open_keyed(&t, false, &s, &k, &err))) {
		audit_keys_derive(&k, &keys);
		rc = audit_verify(s, &keys, cli_target_checkpoints(&t), false, &v, &err);
	}
	store_close(s);
	if (k.keys)
		shcrypto_keys_release(&k);
	cp_path = cli_target_checkpoints(&t);
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
		char when[TIMEFMT_RFC3339_LEN];
		timefmt_format_rfc3339(v.latest.at, when);
		printf("%zu checkpoints match (the latest: row %" PRId64 " at %s)\n", v.checkpoints,
		       v.latest.seq, when);
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
	cli_target_release(&t);
	return code;
}
