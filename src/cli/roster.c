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

/* contact: sets a user's channels; the webhook secret comes from stdin. */
static enum sh_code contact(struct store *s, struct cli_target *t, const char *username,
			    const char *webhook, const char *email, struct arena *a,
			    struct sh_error *err)
{
	struct shcrypto_keys keys = { 0 };
	struct oncall_channels ch = { 0 };
	struct user_rec u;
	char secret[DELIVER_SECRET_MAX + 2] = "";
	enum sh_code rc;

	if ((rc = cli_find_user(s, username, a, &u, err)))
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
	if ((rc = cli_load_keys(t, s, false, &keys, err)))
		goto out;
	rc = oncall_channels_set(s, &keys, (int64_t)time(NULL), NULL, u.id, &ch, err);
	shcrypto_keys_release(&keys);
	if (!rc)
		printf("user %s: webhook %s, e-mail %s\n", u.username,
		       ch.set_webhook ? (ch.webhook_url ? "set" : "removed") : "unchanged",
		       ch.set_email ? (ch.email ? "set" : "removed") : "unchanged");
out:
	sodium_memzero(secret, sizeof(secret));
	return rc;
}

int cmd_roster(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,
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
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct sh_error err = SH_ERROR_INIT;
	struct arena a = ARENA_INIT;
	struct store *s = NULL;
	struct cli_target t = { 0 };
	const char *agency = NULL, *user = NULL, *fallback = NULL, *supervisor = NULL;
	const char *area = NULL, *from = "now", *to = NULL, *hours = NULL, *id = NULL;
	const char *webhook = NULL, *email = NULL, *sub;
	int64_t now = (int64_t)time(NULL);
	bool all = false, done;
	int code = EXIT_OK, c;
	enum sh_code rc = SH_OK;

	static const char *const subs[] = { "add", "list", "remove", "contact", NULL };

	if (!(sub = cli_subcommand(&argc, &argv, subs, usage, &code)))
		return code;
	while ((c = cli_getopt(argc, argv, opts, usage, &done, &code)) != -1) {
		if (done)
			return code;
		switch (c) {
		default: cli_target_option(&t, c, optarg); break;
		case 'a': agency = optarg; break;
		case 'u': user = optarg; break;
		case 'f': fallback = optarg; break;
		case 's': supervisor = optarg; break;
		case 'A': area = optarg; break;
		case 'F': from = optarg; break;
		case 'T': to = optarg; break;
		case 'H': hours = optarg; break;
		case 'i': id = optarg; break;
		case 'l': all = true; break;
		case 'w': webhook = optarg; break;
		case 'e': email = optarg; break;
		}
	}
	if (optind < argc)
		return cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if (!strcmp(sub, "add")) {
		if (!agency || !user || !supervisor || (!to == !hours))
			return cli_usage_error(usage,
					       "add needs --agency, --user, --supervisor and "
					       "one of --to or --hours");
	} else if (!strcmp(sub, "list")) {
		if (!agency)
			return cli_usage_error(usage, "list needs --agency");
	} else if (!strcmp(sub, "remove")) {
		if (!agency || !id)
			return cli_usage_error(usage, "remove needs --agency and --id");
	} else if (!user || (!webhook && !email)) { /* contact */
		return cli_usage_error(usage,
				       "contact needs --username and --webhook and/or --email");
	}
	if ((rc = cli_open_store(&t, &s, &err)))
		goto out;
	if (!strcmp(sub, "add")) {
		struct roster_rec r = { 0 };
		struct oncall_warnings warn = { 0 };
		struct agency_rec ag;
		struct user_rec u;
		if ((rc = cli_find_agency(s, agency, &a, &ag, &err)))
			goto out;
		r.agency_id = ag.id;
		r.area = area;
		if ((rc = cli_find_user(s, user, &a, &u, &err)))
			goto out;
		r.user_id = u.id;
		if ((rc = cli_find_user(s, supervisor, &a, &u, &err)))
			goto out;
		r.supervisor_id = u.id;
		if (fallback) {
			if ((rc = cli_find_user(s, fallback, &a, &u, &err)))
				goto out;
			r.fallback_id = u.id;
		}
		if ((rc = parse_time("from", from, now, &r.starts_at, &err)))
			goto out;
		if (to && (rc = parse_time("to", to, now, &r.ends_at, &err)))
			goto out;
		if (hours) {
			char *end;
			long h = strtol(hours, &end, 10);
			if (*end || h < 1 || h > ONCALL_SHIFT_MAX_S / 3600) {
				rc = sh_error_field(&err, SH_EINVAL, "hours", "must be 1 to %d",
						    ONCALL_SHIFT_MAX_S / 3600);
				goto out;
			}
			r.ends_at = r.starts_at + h * 3600;
		}
		if ((rc = oncall_roster_add(s, now, NULL, NULL, &r, &warn, &err)))
			goto out;
		printf("roster entry %" PRId64 " (%s, area %s)\n", r.id, ag.name, r.area);
		for (int i = 0; i < warn.n; i++)
			fprintf(stderr, "safeharbor: warning: %s: %s\n", warn.w[i].field,
				warn.w[i].message);
	} else if (!strcmp(sub, "list")) {
		struct agency_rec ag;
		struct store_conn *conn;
		struct roster_rec *list;
		size_t n;
		if ((rc = cli_find_agency(s, agency, &a, &ag, &err)) ||
		    (rc = store_read_begin(s, &conn, &err)))
			goto out;
		rc = store_roster_list(conn, ag.id, NULL, all ? 0 : now, 0, &a, &list, &n, &err);
		store_read_end(conn);
		for (size_t i = 0; !rc && i < n; i++)
			print_entry(&list[i], now);
	} else if (!strcmp(sub, "remove")) {
		struct agency_rec ag;
		char *end;
		long long v = strtoll(id, &end, 10);
		if (*end || v < 1) {
			rc = sh_error_field(&err, SH_EINVAL, "id", "must be a roster entry number");
			goto out;
		}
		if ((rc = cli_find_agency(s, agency, &a, &ag, &err)) ||
		    (rc = oncall_roster_remove(s, now, NULL, ag.id, v, &err)))
			goto out;
		printf("roster entry %lld removed\n", v);
	} else {
		rc = contact(s, &t, user, webhook, email, &a, &err);
	}
out:
	store_close(s);
	arena_release(&a);
	cli_target_release(&t);
	return rc ? cli_fail(&err) : EXIT_OK;
}
