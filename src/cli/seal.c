/*
 * safeharbor seal: carries out a court order to seal a youth's records (api/seal.h).
 * safeharbor retention: the retention schedule's dry run and run, and its holds.
 */
#include "lib/common.h"
#include <ctype.h>
#include "api/seal.h"
#include "cli/cli.h"

int cmd_seal(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,
		{ "case", required_argument, NULL, 'c' },
		{ "youth", required_argument, NULL, 'y' },
		{ "order", required_argument, NULL, 'o' },
		{ "order-date", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const char usage[] =
		"safeharbor seal (--case ID | --youth N) --order REF --order-date YYYY-MM-DD\n"
		"                [--db PATH]\n"
		"  Carries out a court order to seal a youth's records (WIC 781, 786): the youth of\n"
		"  the case (all their recoveries) loses their identity for good: the youth's data\n"
		"  key is destroyed, so names, birth date, contact and every text of their cases\n"
		"  are unreadable everywhere; the cases stay, without identity, for the Board's\n"
		"  figures. Audited (youth.seal) with the order, not what was sealed. Backups taken\n"
		"  before still hold the identity: destroy them (docs/operations.md).";
	struct sh_error err = SH_ERROR_INIT;
	struct county county = { 0 };
	struct store *s = NULL;
	struct cli_target t = { 0 };
	const char *case_id = NULL, *order = NULL, *date = NULL;
	int64_t youth_id = 0, ncases = 0;
	int code = EXIT_OK, c;
	bool done;
	enum sh_code rc;

	while ((c = cli_getopt(argc, argv, opts, usage, &done, &code)) != -1) {
		char *end;
		if (done)
			return code;
		switch (c) {
		case 'c': case_id = optarg; break;
		case 'y':
			youth_id = strtoll(optarg, &end, 10);
			if (*end || youth_id <= 0)
				return cli_usage_error(usage, "--youth is a youth's number");
			break;
		case 'o': order = optarg; break;
		case 'd': date = optarg; break;
		default: cli_target_option(&t, c, optarg);
		}
	}
	if (optind < argc)
		return cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if (!case_id == !youth_id)
		return cli_usage_error(usage, "name the youth by --case or --youth (one of them)");
	if ((rc = cli_open_store(&t, &s, &err)) || (rc = county_settings_load(s, &county, &err)))
		goto out;
	if ((rc = seal_by_order(s, &county, NULL, (int64_t)time(NULL), case_id, youth_id, order,
				date, &ncases, &err)))
		goto out;
	printf("sealed by court order %s of %s: %" PRId64
	       " recoveries; the youth's identity and texts are destroyed, the cases kept for "
	       "the Board's figures. Destroy backups taken before now (docs/operations.md).\n",
	       order, date, ncases);
out:
	store_close(s);
	county_release(&county);
	cli_target_release(&t);
	return rc ? cli_fail(&err) : EXIT_OK;
}

static void print_items(const struct retention_item *items, size_t n, bool apply)
{
	size_t held = 0;

	for (size_t i = 0; i < n; i++) {
		held += items[i].held;
		printf("%s youth %" PRId64 " (cases %s): due %s\n",
		       items[i].held ? "held     "
		       : apply	     ? "destroyed"
				     : "would go ",
		       items[i].youth_id, items[i].case_ids ? items[i].case_ids : "", items[i].due);
	}
	printf("%zu youth %s, %zu kept by a hold\n", n - held,
	       apply ? "destroyed" : "would be destroyed", held);
}

int cmd_retention(int argc, char **argv)
{
	enum { OPT_DRY = 1, OPT_APPLY, OPT_HOLD, OPT_RELEASE, OPT_HOLDS, OPT_REASON };
	static const struct option opts[] = {
		CLI_DB_OPTIONS,
		{ "dry-run", no_argument, NULL, OPT_DRY },
		{ "apply", no_argument, NULL, OPT_APPLY },
		{ "hold", required_argument, NULL, OPT_HOLD },
		{ "reason", required_argument, NULL, OPT_REASON },
		{ "release", required_argument, NULL, OPT_RELEASE },
		{ "holds", no_argument, NULL, OPT_HOLDS },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const char usage[] =
		"safeharbor retention --dry-run | --apply [--db PATH]\n"
		"safeharbor retention --hold CASE --reason TEXT | --release CASE | --holds\n"
		"  The retention schedule (settings retention.years_after_close, retention.after_age;\n"
		"  off while the years are 0): youth whose cases are all closed, old enough, and\n"
		"  closed long enough, by county days. --dry-run lists them; --apply destroys them\n"
		"  as sealing does (identity and texts unreadable, counts kept), audited; `serve`\n"
		"  applies it once a month. A hold keeps a case's youth (litigation, a prosecution\n"
		"  pending) until it is released.";
	struct sh_error err = SH_ERROR_INIT;
	struct shcrypto_keys keys = { 0 };
	struct county county = { 0 };
	struct arena a = ARENA_INIT;
	struct store *s = NULL;
	struct cli_target t = { 0 };
	const char *hold = NULL, *release = NULL, *reason = NULL;
	int code = EXIT_OK, c, mode = 0;
	bool done;
	enum sh_code rc;

	while ((c = cli_getopt(argc, argv, opts, usage, &done, &code)) != -1) {
		if (done)
			return code;
		switch (c) {
		case OPT_HOLD: hold = optarg; /* fall through */
		case OPT_DRY:
		case OPT_APPLY:
		case OPT_RELEASE:
		case OPT_HOLDS:
			if (mode && mode != c)
				return cli_usage_error(usage, "one of --dry-run, --apply, --hold, "
							      "--release, --holds");
			mode = c;
			if (c == OPT_RELEASE)
				release = optarg;
			break;
		case OPT_REASON: reason = optarg; break;
		default: cli_target_option(&t, c, optarg);
		}
	}
	if (optind < argc)
		return cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if (!mode)
		return cli_usage_error(usage,
				       "say --dry-run, --apply, --hold, --release or --holds");
	if (reason && mode != OPT_HOLD)
		return cli_usage_error(usage, "--reason goes with --hold");
	if ((rc = cli_open_store(&t, &s, &err)))
		goto out;
	if (mode == OPT_HOLD || mode == OPT_RELEASE) {
		int64_t now = (int64_t)time(NULL);
		rc = hold ? hold_put(s, NULL, now, hold, reason, &err)
			  : hold_remove(s, NULL, now, release, &err);
		if (!rc)
			printf("%s %s\n", hold ? "held:" : "released:", hold ? hold : release);
	} else if (mode == OPT_HOLDS) {
		struct store_conn *conn;
		struct hold_rec *h;
		size_t n = 0;
		if (!(rc = store_read_begin(s, &conn, &err))) {
			rc = store_hold_list(conn, &a, &h, &n, &err);
			store_read_end(conn);
		}
		for (size_t i = 0; !rc && i < n; i++)
			printf("%s\t%s\n", h[i].case_id, h[i].reason);
	} else {
		struct retention_item *items;
		size_t n;
		if ((rc = cli_load_keys(&t, s, false, &keys, &err)) ||
		    (rc = county_settings_load(s, &county, &err)))
			goto out;
		if (county.retention_years <= 0) {
			printf("retention is off (retention.years_after_close is 0): nothing goes\n");
			goto out;
		}
		if (!(rc = retention_run(s, &keys, &county, NULL, (int64_t)time(NULL),
					 mode == OPT_APPLY, &a, &items, &n, &err)))
			print_items(items, n, mode == OPT_APPLY);
	}
out:
	store_close(s);
	if (keys.keys)
		shcrypto_keys_release(&keys);
	county_release(&county);
	arena_release(&a);
	cli_target_release(&t);
	return rc ? cli_fail(&err) : EXIT_OK;
}
