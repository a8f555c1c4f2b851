/* safeharbor notify config|status: the notification settings and the outbox */
#include "lib/common.h"
#include "cli/cli.h"
#include "lib/timefmt.h"
#include "notify/config.h"

static const char usage[] =
	"safeharbor notify config [--set KEY=VALUE]... [--unset KEY]... [--db PATH]\n"
	"       safeharbor notify status [--failed] [--db PATH]\n"
	"  config prints every notification setting (KEY = VALUE, then what it does), after\n"
	"  applying the changes given; a running server picks them up within a second.\n"
	"  status counts the outbox by state and lists the notifications still pending\n"
	"  (--failed: those given up on). See docs/notifications.md.";

#define MAX_CHANGES 32

struct change {
	char key[96];
	const char *value; /* NULL: unset */
};

struct changes {
	struct change c[MAX_CHANGES];
	int n;
};

static enum sh_code do_config(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct changes *ch = arg;
	struct escalation_config cfg;
	struct arena a = ARENA_INIT;
	char bad[96];
	enum sh_code rc;

	/* each change is checked alone, then all of them together with what is stored */
	if ((rc = notify_config_load(c, &cfg, &a, bad, err)))
		goto out;
	for (int i = 0; i < ch->n; i++) {
		const char *v = ch->c[i].value;
		char dflt[ESCALATION_TEXT_MAX];
		if (!v) {
			struct escalation_config d;
			escalation_config_defaults(&d);
			escalation_config_get(&d, ch->c[i].key, dflt, sizeof(dflt));
			v = dflt;
		}
		if ((rc = escalation_config_set(&cfg, ch->c[i].key, v, err)))
			goto out;
	}
	if ((rc = escalation_config_check(&cfg, err)))
		goto out;
	for (int i = 0; i < ch->n; i++) {
		char v[ESCALATION_TEXT_MAX];
		escalation_config_get(&cfg, ch->c[i].key, v, sizeof(v));
		if ((rc = store_setting_set(c, ch->c[i].key, v, err)))
			goto out;
	}
out:
	arena_release(&a);
	return rc;
}

static enum sh_code show_config(struct store *s, struct sh_error *err)
{
	struct escalation_config cfg;
	struct arena a = ARENA_INIT;
	struct store_conn *c;
	const struct escalation_key *keys;
	char bad[96];
	size_t n;
	enum sh_code rc;

	if ((rc = store_read_begin(s, &c, err)))
		return rc;
	rc = notify_config_load(c, &cfg, &a, bad, err);
	store_read_end(c);
	arena_release(&a);
	if (rc)
		return rc;
	keys = escalation_keys(&n);
	for (size_t i = 0; i < n; i++) {
		char v[ESCALATION_TEXT_MAX];
		escalation_config_get(&cfg, keys[i].key, v, sizeof(v));
		printf("%s = %s\t# %s (default: %s)\n", keys[i].key, v, keys[i].help,
		       keys[i].dflt[0] ? keys[i].dflt : "empty");
	}
	if (bad[0])
		fprintf(stderr,
			"safeharbor: warning: the stored %s is not valid; its default is used\n",
			bad);
	return SH_OK;
}

static enum sh_code status(struct store *s, bool failed, struct sh_error *err)
{
	static const char *const states[] = { "pending", "sent", "failed", "cancelled" };
	struct arena a = ARENA_INIT;
	struct store_conn *c;
	struct outbox_rec *rows;
	size_t n;
	enum sh_code rc;

	if ((rc = store_read_begin(s, &c, err)))
		return rc;
	for (size_t k = 0; !rc && k < ARRAY_SIZE(states); k++) {
		rc = store_outbox_list(c, NULL, states[k], 100000, &a, &rows, &n, err);
		if (!rc)
			printf("%s\t%zu\n", states[k], n);
	}
	if (!rc)
		rc = store_outbox_list(c, NULL, failed ? "failed" : "pending", 100, &a, &rows, &n,
				       err);
	store_read_end(c);
	for (size_t i = 0; !rc && i < n; i++) {
		char next[TIMEFMT_RFC3339_LEN];
		timefmt_format_rfc3339(rows[i].next_attempt_at, next);
		printf("%" PRId64 "\t%s\t%s\t%s stage %d\tto %s by %s\tattempts %d\tnext %s\t%s\n",
		       rows[i].id, rows[i].case_id, rows[i].step, rows[i].kind, rows[i].stage,
		       rows[i].username ? rows[i].username : "?", rows[i].channel, rows[i].attempts,
		       next, rows[i].last_error ? rows[i].last_error : "");
	}
	arena_release(&a);
	return rc;
}

struct notify_opts {
	struct changes ch;
	bool failed;
};

static int notify_option(void *opts, int c, const char *arg, const char *help)
{
	struct notify_opts *o = opts;
	struct changes *ch = &o->ch;
	const char *eq = c == 's' ? strchr(arg, '=') : NULL;

	if (c == 'f')
		o->failed = true;
	if (c != 's' && c != 'u')
		return EXIT_OK;
	if (ch->n == MAX_CHANGES)
		return cli_usage_error(help, "at most %d changes at once", MAX_CHANGES);
	if (c == 's' && !eq)
		return cli_usage_error(help, "--set takes KEY=VALUE");
	snprintf(ch->c[ch->n].key, sizeof(ch->c[ch->n].key), "%.*s",
		 (int)(eq ? (size_t)(eq - arg) : strlen(arg)), arg);
	ch->c[ch->n++].value = eq ? eq + 1 : NULL;
	return EXIT_OK;
}

static enum sh_code notify_config(struct cli_ctx *x, struct sh_error *err)
{
	struct notify_opts *o = x->opts;
	enum sh_code rc;

	if (o->ch.n && (rc = store_write(x->s, do_config, &o->ch, err)))
		return rc;
	return show_config(x->s, err);
}

static enum sh_code notify_status(struct cli_ctx *x, struct sh_error *err)
{
	return status(x->s, ((const struct notify_opts *)x->opts)->failed, err);
}

static const struct option notify_options[] = {
	{ "set", required_argument, NULL, 's' },
	{ "unset", required_argument, NULL, 'u' },
	{ "failed", no_argument, NULL, 'f' },
	{ 0 },
};
static const struct cli_sub notify_subs[] = {
	{ "config", NULL, notify_config },
	{ "status", NULL, notify_status },
	{ NULL },
};

const struct cli_table cli_notify = { usage, notify_options, notify_option, notify_subs,
				      sizeof(struct notify_opts) };
