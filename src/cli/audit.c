/* safeharbor audit verify */
#include "lib/common.h"
#include <sodium.h>
#include "api/audit.h"
#include "api/checkpoints.h"
#include "cli/cli.h"
#include "lib/timefmt.h"

/* The chain's keys come from the key file, which must belong to the database. */
static enum sh_code audit_verify_run(struct cli_ctx *x, struct sh_error *err)
{
	const char *cp_path = cli_target_checkpoints(&x->t);
	struct audit_verdict v;
	struct audit_keys keys = { 0 };
	enum sh_code rc;

	audit_keys_derive(&x->k, &keys);
	if ((rc = audit_verify(x->s, &keys, cp_path, false, &v, err)))
		goto out;
	if (!v.ok) {
		rc = sh_error_set(err, SH_EINVAL, "%s", v.why);
		goto out;
	}
	printf("audit chain holds: %" PRId64 " rows, head %s; %" PRId64 " timeline events in the "
	       "chain; ",
	       v.rows, v.head, v.events);
	if (v.unlinked)
		printf("%" PRId64
		       " rows written meanwhile still waiting to be linked (not checked: "
		       "run it again to check them); ",
		       v.unlinked);
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
		struct sh_error warn = SH_ERROR_INIT;
		memcpy(cp.head, v.head, sizeof(cp.head));
		if (checkpoints_append(cp_path, keys.checkpoint, &cp, &warn))
			fprintf(stderr, "safeharbor: warning: %s\n", warn.detail);
	}
out:
	sodium_memzero(&keys, sizeof(keys));
	return rc;
}

static const struct option audit_options[] = {
	{ "checkpoints", required_argument, NULL, CLI_OPT(CONF_CHECKPOINTS) },
	{ 0 },
};
static const char usage[] =
	"safeharbor audit verify [--db PATH] [--key-file FILE] [--checkpoints FILE]\n"
	"  Recomputes the audit chain with the key file's chain key, checks every timeline\n"
	"  event against the chain, and every checkpoint of the checkpoints file (default:\n"
	"  beside the key file) against the row it names, so rows cut from the end (or all\n"
	"  of them) are noticed. Exit 0 when everything holds (and appends a checkpoint of\n"
	"  the head it verified); exit 1 naming the first bad row. On PostgreSQL it first\n"
	"  links the rows committed and still waiting for their place in the chain.";
const struct cli_table cli_audit = {
	usage, audit_options, NULL,
	(const struct cli_sub[]){ { "verify", NULL, audit_verify_run, .keys = CLI_KEYS }, { NULL } }
};
