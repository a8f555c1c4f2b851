/*
 * safeharbor seal: carries out a court order to seal a youth's records (api/seal.h).
 * safeharbor retention: the retention schedule's dry run and run, and its holds.
 */
#include "lib/common.h"
#include <ctype.h>
#include "api/seal.h"
#include "cli/cli.h"

struct seal_opts {
	const char *case_id, *order, *date;
	int64_t youth_id;
};

static int seal_option(void *opts, int c, const char *arg, const char *help)
{
	struct seal_opts *o = opts;
	char *end;

	switch (c) {
	case 'c': o->case_id = arg; break;
	case 'y':
		o->youth_id = strtoll(arg, &end, 10);
		if (*end || o->youth_id <= 0)
			return cli_usage_error(help, "--youth is a youth's number");
		break;
	case 'o': o->order = arg; break;
	case 'd': o->date = arg; break;
	}
	return EXIT_OK;
}

static int check_seal(struct cli_ctx *x)
{
	const struct seal_opts *o = x->opts;

	if (!o->case_id == !o->youth_id)
		return cli_usage_error(x->usage,
				       "name the youth by --case or --youth (one of them)");
	return EXIT_OK;
}

static enum sh_code seal_run(struct cli_ctx *x, struct sh_error *err)
{
	const struct seal_opts *o = x->opts;
	struct county county = { 0 };
	int64_t ncases = 0;
	enum sh_code rc;

	if (!(rc = county_settings_load(x->s, &county, err)) &&
	    !(rc = seal_by_order(x->s, &county, NULL, (int64_t)time(NULL), o->case_id, o->youth_id,
				 o->order, o->date, &ncases, err)))
		printf("sealed by court order %s of %s: %" PRId64
		       " recoveries; the youth's identity and texts are destroyed, the cases kept "
		       "for the Board's figures. Destroy backups taken before now "
		       "(docs/operations.md).\n",
		       o->order, o->date, ncases);
	county_release(&county);
	return rc;
}

static const struct option seal_options[] = {
	{ "case", required_argument, NULL, 'c' },
	{ "youth", required_argument, NULL, 'y' },
	{ "order", required_argument, NULL, 'o' },
	{ "order-date", required_argument, NULL, 'd' },
	{ 0 },
};
static const char seal_usage[] =
	"safeharbor seal (--case ID | --youth N) --order REF --order-date YYYY-MM-DD\n"
	"                [--db PATH]\n"
	"  Carries out a court order to seal a youth's records (WIC 781, 786): the youth of\n"
	"  the case (all their recoveries) loses their identity for good: the youth's data\n"
	"  key is destroyed, so names, birth date, contact and every text of their cases\n"
	"  are unreadable everywhere; the cases stay, without identity, for the Board's\n"
	"  figures. Audited (youth.seal) with the order, not what was sealed. Backups taken\n"
	"  before still hold the identity: destroy them (docs/operations.md).";
static const struct cli_sub seal_subs[] = { { "", check_seal, seal_run }, { NULL } };

const struct cli_table cli_seal = { seal_usage, seal_options, seal_option, seal_subs,
				    sizeof(struct seal_opts) };

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

enum { OPT_DRY = 1, OPT_APPLY, OPT_HOLD, OPT_RELEASE, OPT_HOLDS, OPT_REASON };

struct retention_opts {
	const char *hold, *release, *reason;
	int mode;
};

static int retention_option(void *opts, int c, const char *arg, const char *help)
{
	struct retention_opts *o = opts;

	if (c == OPT_REASON) {
		o->reason = arg;
		return EXIT_OK;
	}
	if (o->mode && o->mode != c)
		return cli_usage_error(help,
				       "one of --dry-run, --apply, --hold, --release, --holds");
	o->mode = c;
	if (c == OPT_HOLD)
		o->hold = arg;
	else if (c == OPT_RELEASE)
		o->release = arg;
	return EXIT_OK;
}

static int check_retention(struct cli_ctx *x)
{
	const struct retention_opts *o = x->opts;

	if (!o->mode)
		return cli_usage_error(x->usage,
				       "say --dry-run, --apply, --hold, --release or --holds");
	if (o->reason && o->mode != OPT_HOLD)
		return cli_usage_error(x->usage, "--reason goes with --hold");
	return EXIT_OK;
}

/* --dry-run and --apply: the schedule, with the keys it destroys youth with */
static enum sh_code retention_schedule(struct cli_ctx *x, bool apply, struct sh_error *err)
{
	struct shcrypto_keys keys = { 0 };
	struct county county = { 0 };
	struct retention_item *items;
	size_t n;
	enum sh_code rc;

	if ((rc = cli_load_keys(&x->t, x->s, false, &keys, err)) ||
	    (rc = county_settings_load(x->s, &county, err)))
		goto out;
	if (county.retention_years <= 0)
		printf("retention is off (retention.years_after_close is 0): nothing goes\n");
	else if (!(rc = retention_run(x->s, &keys, &county, NULL, (int64_t)time(NULL), apply, &x->a,
				      &items, &n, err)))
		print_items(items, n, apply);
out:
	if (keys.keys)
		shcrypto_keys_release(&keys);
	county_release(&county);
	return rc;
}

static enum sh_code retention_cmd(struct cli_ctx *x, struct sh_error *err)
{
	const struct retention_opts *o = x->opts;
	int64_t now = (int64_t)time(NULL);
	struct store_conn *conn;
	struct hold_rec *h;
	size_t n = 0;
	enum sh_code rc;

	switch (o->mode) {
	case OPT_HOLD:
	case OPT_RELEASE:
		rc = o->hold ? hold_put(x->s, NULL, now, o->hold, o->reason, err)
			     : hold_remove(x->s, NULL, now, o->release, err);
		if (!rc)
			printf("%s %s\n",
			       o->hold ? "held:" : "released:", o->hold ? o->hold : o->release);
		return rc;
	case OPT_HOLDS:
		if ((rc = store_read_begin(x->s, &conn, err)))
			return rc;
		rc = store_hold_list(conn, &x->a, &h, &n, err);
		store_read_end(conn);
		for (size_t i = 0; !rc && i < n; i++)
			printf("%s\t%s\n", h[i].case_id, h[i].reason);
		return rc;
	default: return retention_schedule(x, o->mode == OPT_APPLY, err);
	}
}

static const struct option retention_options[] = {
	{ "dry-run", no_argument, NULL, OPT_DRY },
	{ "apply", no_argument, NULL, OPT_APPLY },
	{ "hold", required_argument, NULL, OPT_HOLD },
	{ "reason", required_argument, NULL, OPT_REASON },
	{ "release", required_argument, NULL, OPT_RELEASE },
	{ "holds", no_argument, NULL, OPT_HOLDS },
	{ 0 },
};
static const char retention_usage[] =
	"safeharbor retention --dry-run | --apply [--db PATH]\n"
	"safeharbor retention --hold CASE --reason TEXT | --release CASE | --holds\n"
	"  The retention schedule (settings retention.years_after_close, retention.after_age;\n"
	"  off while the years are 0): youth whose cases are all closed, old enough, and\n"
	"  closed long enough, by county days. --dry-run lists them; --apply destroys them\n"
	"  as sealing does (identity and texts unreadable, counts kept), audited; `serve`\n"
	"  applies it once a month. A hold keeps a case's youth (litigation, a prosecution\n"
	"  pending) until it is released.";
static const struct cli_sub retention_subs[] = { { "", check_retention, retention_cmd }, { NULL } };

const struct cli_table cli_retention = { retention_usage, retention_options, retention_option,
					 retention_subs, sizeof(struct retention_opts) };
