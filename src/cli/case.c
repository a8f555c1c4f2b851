/*
 * safeharbor transfer-key: this county's public key for cases transferred to it.
 * safeharbor case export: a case moves to another county (a file sealed to its key).
 * safeharbor case import: a case transferred to this county (api/transfer.h).
 * safeharbor case check-steps: every case shown from its kept steps is what derivation gives.
 */
#include "lib/common.h"
#include "api/app.h"
#include "api/casefile.h"
#include "api/principal.h"
#include "api/transfer.h"
#include "lib/timefmt.h"
#include "cli/cli.h"

static enum sh_code transfer_key(struct cli_ctx *x, struct sh_error *err)
{
	struct transfer_key key;
	char hex[TRANSFER_KEY_HEX + 1];

	UNUSED(err);
	transfer_key_of(&x->k, &key);
	transfer_key_hex(&key, hex);
	printf("%s\n", hex);
	return SH_OK;
}

static const char transfer_key_usage[] =
	"safeharbor transfer-key [--db PATH] [--key-file FILE]\n"
	"  Prints this county's public transfer key (128 hex characters). Give it to the\n"
	"  counties you exchange cases with: a case sent to you is sealed to it (only this\n"
	"  county's key file opens it), and a case you send is checked against it. It stays\n"
	"  the same across key rotations.";
const struct cli_table cli_transfer_key = {
	transfer_key_usage, NULL, NULL,
	(const struct cli_sub[]){ { "", NULL, transfer_key, .keys = CLI_KEYS }, { NULL } }
};

/* "now", "+3d", "-2h", "+90m" (from now) or an RFC 3339 instant; false when none of these */
static bool parse_at(const char *s, int64_t now, int64_t *out)
{
	char *end;
	long long n;

	if (!strcmp(s, "now")) {
		*out = now;
		return true;
	}
	if (*s == '+' || *s == '-') {
		errno = 0;
		n = strtoll(s + 1, &end, 10);
		if (errno || end == s + 1 || n < 0 || n > 36600 || end[1])
			return false;
		n *= *end == 'd' ? 86400 : *end == 'h' ? 3600 : *end == 'm' ? 60 : 0;
		if (!n && strtoll(s + 1, NULL, 10))
			return false;
		*out = *s == '+' ? now + n : now - n;
		return true;
	}
	return !timefmt_parse_rfc3339(s, out);
}

/* Each case as a member of each agency taking part sees it, at each instant. */
static enum sh_code check_case(struct app *app, const char *id, const int64_t *at, size_t nat,
			       size_t *views, bool *kept, struct sh_error *err)
{
	struct arena a = ARENA_INIT;
	struct api_request req = { 0 };
	struct store_conn *c;
	struct case_agency_rec *ags;
	struct step_rec *steps;
	size_t nags, nsteps, differ;
	int64_t *when;
	enum sh_code rc;

	req.arena = &a;
	req.app = app;
	req.request_id = "check-steps";
	if ((rc = store_read_begin(app->store, &c, err)))
		goto out;
	/* the instants asked for, and a second either side of each deadline of the case (where
	 * a step turns overdue) */
	if (!(rc = store_case_agencies(c, id, &a, &ags, &nags, err)) &&
	    !(rc = store_steps_list(c, id, &a, &steps, &nsteps, err)) &&
	    !(when = arena_alloc(&a, (nat + 3 * nsteps + 1) * sizeof(*when))))
		rc = sh_error_set(err, SH_ENOMEM, "out of memory");
	if (!rc) {
		memcpy(when, at, nat * sizeof(*at));
		for (size_t i = 0; i < nsteps; i++)
			for (int d = -1; steps[i].due_at && d <= 1; d++)
				when[nat++] = steps[i].due_at + d;
		at = when;
	}
	for (size_t g = 0; !rc && g < nags; g++) {
		struct principal p = { 0 };
		int kind = access_kind_parse(ags[g].kind);
		if (kind < 0)
			continue;
		p.agency_id = ags[g].agency_id;
		p.agency_name = ags[g].name;
		p.kind = (enum agency_kind)kind;
		p.role = ROLE_MEMBER;
		p.username = p.display_name = "check-steps";
		req.who = &p;
		for (size_t k = 0; !rc && k < nat; k++) {
			if ((rc = casefile_view_check(&req, c, id, at[k], kept, &differ, err)) ||
			    !*kept)
				break;
			(*views)++;
			if (differ != SIZE_MAX) {
				char t[32];
				timefmt_format_rfc3339(at[k], t);
				rc = sh_error_set(
					err, SH_ECONFLICT,
					"case %s: the view from its kept steps differs from "
					"the derived one at %s, as %s sees it (byte %zu)",
					id, t, ags[g].kind, differ);
			}
		}
		if (!rc && !*kept)
			break;
	}
	store_read_end(c);
out:
	arena_release(&a);
	return rc;
}

/* the instants of check-steps (--at) */
struct instants {
	int64_t at[32], now;
	size_t n;
};

static int at_option(void *ctx, int c, const char *arg, const char *usage)
{
	struct instants *in = ctx;

	(void)c;
	if (in->n == ARRAY_SIZE(in->at))
		return cli_usage_error(usage, "at most %zu --at", ARRAY_SIZE(in->at));
	if (!parse_at(arg, in->now, &in->at[in->n++]))
		return cli_usage_error(
			usage, "--at %s: give now, +3d, -2h, +90m or an RFC 3339 instant", arg);
	return EXIT_OK;
}

static int check_steps(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "at", required_argument, NULL, 'a' },
		{ 0 },
	};
	static const char usage[] =
		"safeharbor case check-steps [--at TIME]... [--db PATH] [--key-file FILE]\n"
		"  Checks that every case shown from the steps its last write kept is the case\n"
		"  derived from its timeline: the view of each agency taking part, byte for byte,\n"
		"  at each --at (now, +3d, -2h, +90m from now, or an RFC 3339 instant; default\n"
		"  now) and a second before, at and after each of the case's deadlines. Exit 1\n"
		"  naming the first case that differs.";
	struct sh_error err = SH_ERROR_INIT;
	struct cli_target t = { 0 };
	struct app app = { 0 };
	struct arena a = ARENA_INIT;
	struct store_conn *c;
	char **ids = NULL;
	struct instants in = { .now = (int64_t)time(NULL) };
	size_t nids = 0, views = 0, derived = 0;
	int code;
	enum sh_code rc;

	if (!cli_args(argc, argv, opts, usage, &t, at_option, &in, &code))
		return code;
	if (!in.n)
		in.at[in.n++] = in.now;
	app_config_defaults(&app.cfg);
	app.clock = timefmt_system_clock;
	if ((rc = cli_open_app(&t, &app, &err)))
		goto out;
	if ((rc = store_read_begin(app.store, &c, &err)))
		goto out;
	rc = store_case_ids(c, &a, &ids, &nids, &err);
	store_read_end(c);
	for (size_t i = 0; !rc && i < nids; i++) {
		bool kept = false;
		rc = check_case(&app, ids[i], in.at, in.n, &views, &kept, &err);
		derived += !kept;
	}
	if (!rc)
		printf("%zu cases: %zu views from kept steps the same as derived (%zu instants and "
		       "each deadline); %zu cases without kept steps for their records (derived "
		       "when read)\n",
		       nids, views, in.n, derived);
out:
	app_close(&app);
	arena_release(&a);
	cli_target_release(&t);
	return rc ? cli_fail(&err) : EXIT_OK;
}

enum {
	OPT_CASE = 'c',
	OPT_TO = 't',
	OPT_FROM = 'f',
	OPT_KEY = 'k',
	OPT_OUT = 'o',
	OPT_IN = 'i',
	OPT_AGENCY = 'a',
	OPT_FROM_KEY = 'K'
};

struct transfer_opts {
	const char *id, *to, *from, *key, *out, *in, *from_key, *chosen[17];
	size_t nchosen;
};

static int transfer_option(void *ctx, int c, const char *arg, const char *usage)
{
	struct transfer_opts *o = ctx;

	switch (c) {
	case OPT_CASE: o->id = arg; break;
	case OPT_TO: o->to = arg; break;
	case OPT_FROM: o->from = arg; break;
	case OPT_KEY: o->key = arg; break;
	case OPT_OUT: o->out = arg; break;
	case OPT_IN: o->in = arg; break;
	case OPT_FROM_KEY: o->from_key = arg; break;
	case OPT_AGENCY:
		if (o->nchosen == ARRAY_SIZE(o->chosen) - 1)
			return cli_usage_error(usage, "at most %zu --agency",
					       ARRAY_SIZE(o->chosen) - 1);
		o->chosen[o->nchosen++] = arg;
		break;
	}
	return EXIT_OK;
}

int cmd_case(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "case", required_argument, NULL, OPT_CASE },
		{ "to-county", required_argument, NULL, OPT_TO },
		{ "from-county", required_argument, NULL, OPT_FROM },
		{ "to-key", required_argument, NULL, OPT_KEY },
		{ "out", required_argument, NULL, OPT_OUT },
		{ "in", required_argument, NULL, OPT_IN },
		{ "from-key", required_argument, NULL, OPT_FROM_KEY },
		{ "agency", required_argument, NULL, OPT_AGENCY },
		{ 0 },
	};
	static const char usage[] =
		"safeharbor case export --case ID --to-county NAME --to-key KEY --out FILE\n"
		"                       [--from-county NAME] [--db PATH] [--key-file FILE]\n"
		"  Writes the whole case (every compartment, its timeline, steps and audit rows)\n"
		"  into FILE, sealed to the receiving county's key (its `safeharbor transfer-key`)\n"
		"  and signed with this county's, then closes the case here as moved_out_of_county\n"
		"  and audits the transfer.\n"
		"safeharbor case import --in FILE --from-key KEY [--agency NAME]... [--db PATH]\n"
		"                       [--key-file FILE]\n"
		"  Checks that the file was signed by the county whose transfer key is KEY, opens it\n"
		"  with this county's key, re-seals the case under this county's\n"
		"  key with the same case id, each sending agency replaced by this county's agency\n"
		"  of its kind (--agency chooses one for its kind), checks that its steps and clocks\n"
		"  equal the sending county's, and audits the transfer. Nothing is written when a\n"
		"  check fails. Run `safeharbor audit verify` on both sides afterwards.\n"
		"safeharbor case check-steps [--at TIME]... [--db PATH] [--key-file FILE]\n"
		"  Checks that each case shown from the steps its last write kept is the case\n"
		"  derived from its timeline, byte for byte, at each instant.";
	static const char *const subs[] = { "export", "import", "check-steps", NULL };
	struct sh_error err = SH_ERROR_INIT;
	struct cli_target t = { 0 };
	struct app app = { 0 };
	struct arena a = ARENA_INIT;
	struct transfer_report rep;
	struct transfer_opts o = { 0 };
	const char *sub, *id, *to, *from, *key, *out, *in, *from_key;
	struct transfer_key peer;
	int code = EXIT_OK;
	bool export;
	enum sh_code rc;

	if (!(sub = cli_subcommand(&argc, &argv, subs, usage, &code)))
		return code;
	if (!strcmp(sub, "check-steps"))
		return check_steps(argc, argv);
	export = !strcmp(sub, "export");
	if (!cli_args(argc, argv, opts, usage, &t, transfer_option, &o, &code))
		return code;
	id = o.id, to = o.to, from = o.from, key = o.key, out = o.out, in = o.in;
	from_key = o.from_key;
	if (export && (!id || !to || !key || !out))
		return cli_usage_error(usage, "case export needs --case, --to-county, --to-key and "
					      "--out");
	if (export && (in || from_key || o.nchosen))
		return cli_usage_error(usage, "--in, --from-key and --agency are for case import");
	if (!export && (!in || !from_key || id || to || from || key || out))
		return cli_usage_error(usage,
				       "case import takes --in FILE --from-key KEY (and --agency)");
	if (!transfer_key_parse(export ? key : from_key, &peer))
		return cli_usage_error(usage,
				       "%s: give the 128 hex characters the %s county's "
				       "`safeharbor transfer-key` prints",
				       export ? "--to-key" : "--from-key",
				       export ? "receiving" : "sending");
	app_config_defaults(&app.cfg);
	app.clock = timefmt_system_clock;
	if ((rc = cli_open_app(&t, &app, &err)))
		goto out;
	if (export) {
		if ((rc = transfer_export(&app, id, from, to, &peer, out, &a, &rep, &err)))
			goto out;
		printf("case %s written to %s for %s: %zu entries, %zu steps, %zu audit rows, "
		       "sealed to its key and signed; closed here as moved_out_of_county (file "
		       "%.16s)\n",
		       id, out, to, rep.events, rep.steps, rep.audit_rows, rep.file_hash);
	} else {
		if ((rc = transfer_import(&app, in, &peer, o.chosen, &a, &rep, &err)))
			goto out;
		printf("case %s imported from %s: %zu entries, its steps and clocks as the sending "
		       "county had them (%zu steps checked); %zu audit rows of the sending county "
		       "stay in the file: keep it (file %.16s)\n",
		       rep.case_id, rep.county, rep.events, rep.steps, rep.audit_rows,
		       rep.file_hash);
	}
out:
	app_close(&app);
	arena_release(&a);
	cli_target_release(&t);
	return rc ? cli_fail(&err) : EXIT_OK;
}
