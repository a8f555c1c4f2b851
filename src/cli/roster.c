/* safeharbor roster add|list|remove|contact: on-call rosters and contact channels */
#include "lib/common.h"
#include <sodium.h>
#include "api/oncall.h"
#include "cli/cli.h"
#include "lib/timefmt.h"
#include "notify/deliver.h"

static const char usage[] =
	"safeharbor roster add --agency NAME --user USERNAME --supervisor USERNAME\n"
	"                      [--fallback USERNAME] [--area AREA] [--from TIME|now]\n"
	"                      (--to TIME | --hours N) [--db PATH]\n"
	"       safeharbor roster list --agency NAME [--all] [--db PATH]\n"
	"       safeharbor roster remove --agency NAME --id N [--db PATH]\n"
	"       safeharbor roster contact --username NAME [--webhook URL|none] [--email ADDR|none]\n"
	"                      [--db PATH]    (with --webhook URL, its secret is read from stdin)\n"
	"  A roster entry is one shift: who of the agency is on call in an area ('*', the\n"
	"  default, is every area), from --from (default now) until --to, with a fallback and a\n"
	"  supervisor; shifts of one agency and area must not overlap. TIME is RFC 3339\n"
	"  (2026-03-01T08:00:00-08:00). list shows the shifts that have not ended (--all: past\n"
	"  ones too; removed shifts are kept for reports but not listed). contact sets how a user is reached: an https:// webhook (signed with the\n"
	"  secret, 16 to 256 characters) and/or an e-mail address; 'none' removes one.";

static void print_entry(const struct roster_rec *r, int64_t now)
{
	char from[TIMEFMT_RFC3339_LEN], to[TIMEFMT_RFC3339_LEN];

	timefmt_format_rfc3339(r->starts_at, from);
	timefmt_format_rfc3339(r->ends_at, to);
	printf("%" PRId64 "\t%s\t%s\t%s\ton call: %s\tfallback: %s\tsupervisor: %s%s\n", r->id,
	       r->area, from, to, r->user_name ? r->user_name : "?",
	       r->fallback_name ? r->fallback_name : "-",
	       r->supervisor_name ? r->supervisor_name : "?",
	       r->starts_at <= now && now < r->ends_at ? "\tin force" : "");
}

static enum sh_code parse_time(const char *opt, const char *v, int64_t now, int64_t *out,
			       struct sh_error *err)
{
	if (!strcmp(v, "now")) {
		*out = now;
		return SH_OK;
	}
	if (timefmt_parse_rfc3339(v, out))
		return sh_error_field(
			err, SH_EINVAL, opt,
			"must be 'now' or an RFC 3339 time such as 2026-03-01T08:00:00Z");
	return SH_OK;
}

struct roster_opts {
	const char *agency, *user, *fallback, *supervisor;
	const char *area, *from, *to, *hours, *id;
	const char *webhook, *email;
	bool all;
};

/* contact: sets a user's channels; the webhook secret comes from stdin. */
static enum sh_code roster_contact(struct cli_ctx *x, struct sh_error *err)
{
	const struct roster_opts *o = x->opts;
	const char *webhook = o->webhook, *email = o->email;
	struct shcrypto_keys keys = { 0 };
	struct oncall_channels ch = { 0 };
	struct user_rec u;
	char secret[DELIVER_SECRET_MAX + 2] = "";
	enum sh_code rc;

	if ((rc = cli_find_user(x->s, o->user, &x->a, &u, err)))
		return rc;
	if (webhook) {
		ch.set_webhook = true;
		ch.webhook_url = strcmp(webhook, "none") ? webhook : NULL;
		if (ch.webhook_url) {
			if (cli_read_secret(secret, sizeof(secret)))
				return sh_error_field(
					err, SH_EINVAL, "webhook_secret",
					"give the webhook's secret on stdin (one line)");
			ch.set_secret = true;
			ch.webhook_secret = secret;
		}
	}
	if (email) {
		ch.set_email = true;
		ch.email = strcmp(email, "none") ? email : NULL;
	}
	if ((rc = cli_load_keys(&x->t, x->s, false, &keys, err)))
		goto out;
	rc = oncall_channels_set(x->s, &keys, (int64_t)time(NULL), NULL, u.id, &ch, err);
	shcrypto_keys_release(&keys);
	if (!rc)
		printf("user %s: webhook %s, e-mail %s\n", u.username,
		       ch.set_webhook ? (ch.webhook_url ? "set" : "removed") : "unchanged",
		       ch.set_email ? (ch.email ? "set" : "removed") : "unchanged");
out:
	sodium_memzero(secret, sizeof(secret));
	return rc;
}

static int roster_option(void *opts, int c, const char *arg, const char *help)
{
	struct roster_opts *o = opts;

	UNUSED(help);
	switch (c) {
	case 'a': o->agency = arg; break;
	case 'u': o->user = arg; break;
	case 'f': o->fallback = arg; break;
	case 's': o->supervisor = arg; break;
	case 'A': o->area = arg; break;
	case 'F': o->from = arg; break;
	case 'T': o->to = arg; break;
	case 'H': o->hours = arg; break;
	case 'i': o->id = arg; break;
	case 'l': o->all = true; break;
	case 'w': o->webhook = arg; break;
	case 'e': o->email = arg; break;
	}
	return EXIT_OK;
}

static int check_add(struct cli_ctx *x)
{
	const struct roster_opts *o = x->opts;

	return cli_needs(x, o->agency && o->user && o->supervisor && !o->to != !o->hours,
			 "--agency, --user, --supervisor and one of --to or --hours");
}

static int check_list(struct cli_ctx *x)
{
	return cli_needs(x, ((const struct roster_opts *)x->opts)->agency, "--agency");
}

static int check_remove(struct cli_ctx *x)
{
	const struct roster_opts *o = x->opts;

	return cli_needs(x, o->agency && o->id, "--agency and --id");
}

static int check_contact(struct cli_ctx *x)
{
	const struct roster_opts *o = x->opts;

	return cli_needs(x, o->user && (o->webhook || o->email),
			 "--username and --webhook and/or --email");
}

static enum sh_code roster_add(struct cli_ctx *x, struct sh_error *err)
{
	const struct roster_opts *o = x->opts;
	struct roster_rec r = { 0 };
	struct oncall_warnings warn = { 0 };
	struct agency_rec ag;
	struct user_rec u;
	int64_t now = (int64_t)time(NULL);
	enum sh_code rc;

	if ((rc = cli_find_agency(x->s, o->agency, &x->a, &ag, err)))
		return rc;
	r.agency_id = ag.id;
	r.area = o->area;
	if ((rc = cli_find_user(x->s, o->user, &x->a, &u, err)))
		return rc;
	r.user_id = u.id;
	if ((rc = cli_find_user(x->s, o->supervisor, &x->a, &u, err)))
		return rc;
	r.supervisor_id = u.id;
	if (o->fallback) {
		if ((rc = cli_find_user(x->s, o->fallback, &x->a, &u, err)))
			return rc;
		r.fallback_id = u.id;
	}
	if ((rc = parse_time("from", o->from ? o->from : "now", now, &r.starts_at, err)))
		return rc;
	if (o->to && (rc = parse_time("to", o->to, now, &r.ends_at, err)))
		return rc;
	if (o->hours) {
		char *end;
		long h = strtol(o->hours, &end, 10);
		if (*end || h < 1 || h > ONCALL_SHIFT_MAX_S / 3600)
			return sh_error_field(err, SH_EINVAL, "hours", "must be 1 to %d",
					      ONCALL_SHIFT_MAX_S / 3600);
		r.ends_at = r.starts_at + h * 3600;
	}
	if ((rc = oncall_roster_add(x->s, now, NULL, NULL, &r, &warn, err)))
		return rc;
	printf("roster entry %" PRId64 " (%s, area %s)\n", r.id, ag.name, r.area);
	for (int i = 0; i < warn.n; i++)
		fprintf(stderr, "safeharbor: warning: %s: %s\n", warn.w[i].field,
			warn.w[i].message);
	return SH_OK;
}

static enum sh_code roster_list(struct cli_ctx *x, struct sh_error *err)
{
	const struct roster_opts *o = x->opts;
	struct agency_rec ag;
	struct store_conn *conn;
	struct roster_rec *list;
	int64_t now = (int64_t)time(NULL);
	size_t n;
	enum sh_code rc;

	if ((rc = cli_find_agency(x->s, o->agency, &x->a, &ag, err)) ||
	    (rc = store_read_begin(x->s, &conn, err)))
		return rc;
	rc = store_roster_list(conn, ag.id, NULL, o->all ? 0 : now, 0, &x->a, &list, &n, err);
	store_read_end(conn);
	for (size_t i = 0; !rc && i < n; i++)
		print_entry(&list[i], now);
	return rc;
}

static enum sh_code roster_remove(struct cli_ctx *x, struct sh_error *err)
{
	const struct roster_opts *o = x->opts;
	struct agency_rec ag;
	char *end;
	long long v = strtoll(o->id, &end, 10);
	enum sh_code rc;

	if (*end || v < 1)
		return sh_error_field(err, SH_EINVAL, "id", "must be a roster entry number");
	if ((rc = cli_find_agency(x->s, o->agency, &x->a, &ag, err)) ||
	    (rc = oncall_roster_remove(x->s, (int64_t)time(NULL), NULL, ag.id, v, err)))
		return rc;
	printf("roster entry %lld removed\n", v);
	return SH_OK;
}

static const struct option roster_options[] = {
	{ "agency", required_argument, NULL, 'a' },
	{ "user", required_argument, NULL, 'u' },
	{ "username", required_argument, NULL, 'u' },
	{ "fallback", required_argument, NULL, 'f' },
	{ "supervisor", required_argument, NULL, 's' },
	{ "area", required_argument, NULL, 'A' },
	{ "from", required_argument, NULL, 'F' },
	{ "to", required_argument, NULL, 'T' },
	{ "hours", required_argument, NULL, 'H' },
	{ "id", required_argument, NULL, 'i' },
	{ "all", no_argument, NULL, 'l' },
	{ "webhook", required_argument, NULL, 'w' },
	{ "email", required_argument, NULL, 'e' },
	{ 0 },
};
static const struct cli_sub roster_subs[] = {
	{ "add", check_add, roster_add },
	{ "list", check_list, roster_list },
	{ "remove", check_remove, roster_remove },
	{ "contact", check_contact, roster_contact },
	{ NULL },
};

const struct cli_table cli_roster = { usage, roster_options, roster_option, roster_subs,
				      sizeof(struct roster_opts) };
