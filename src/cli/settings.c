/* safeharbor settings: the county's settings in the database (docs/cli.md). */
#include "lib/common.h"
#include "api/audit.h"
#include "api/county.h"
#include "api/reports.h"
#include "cli/cli.h"
#include "lib/arena.h"

static const char usage[] =
	"safeharbor settings [--db PATH] [--config FILE] [KEY=VALUE ...]\n"
	"  Shows every county setting (its value, or the default) and what it means; with\n"
	"  KEY=VALUE pairs, checks and stores them first (all or none; audited). Servers read\n"
	"  the settings when they start: restart them after a change.";

struct set_args {
	char **kv;
	int n;
};

static enum sh_code check(const char *key, const char *value, struct sh_error *err)
{
	return strncmp(key, "report.", 7) ? county_setting_check(key, value, err)
					  : report_setting_check(key, value, err);
}

static enum sh_code write_settings(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct set_args *a = arg;
	enum sh_code rc = SH_OK;

	for (int i = 0; !rc && i < a->n; i++) {
		char *eq = strchr(a->kv[i], '=');
		*eq = '\0';
		rc = store_setting_set(c, a->kv[i], eq + 1, err);
		if (!rc)
			rc = audit_record(c, NULL, (int64_t)time(NULL), "settings.set", NULL, NULL,
					  "ok", a->kv[i], err);
		*eq = '=';
	}
	return rc;
}

static enum sh_code show(struct store_conn *c, const char *key, const char *dflt, const char *help,
			 struct sh_error *err)
{
	struct arena a = ARENA_INIT;
	char *v = NULL;
	enum sh_code rc = store_setting_get(c, key, &a, &v, err);

	if (!rc)
		printf("%s = %s%s\n    %s\n", key, v ? v : dflt, v ? "" : " (default)", help);
	arena_release(&a);
	return rc;
}

int cli_settings(int argc, char **argv, const char *prefix, const char *usage_text)
{
	struct cli_target t = { 0 };
	struct sh_error err = SH_ERROR_INIT;
	struct store *s = NULL;
	struct store_conn *c;
	struct set_args a;
	int code;
	enum sh_code rc = SH_OK;

	if (!cli_parse(argc, argv, NULL, usage_text, &t, NULL, NULL, &code))
		return code;
	a.kv = argv + optind;
	a.n = argc - optind;
	for (int i = 0; i < a.n; i++) {
		char *eq = strchr(a.kv[i], '=');
		if (!eq)
			return cli_usage_error(usage_text, "write a setting as KEY=VALUE ('%s')",
					       a.kv[i]);
		*eq = '\0';
		rc = prefix && strncmp(a.kv[i], prefix, strlen(prefix))
			     ? sh_error_field(&err, SH_EINVAL, a.kv[i], "is not a %ssetting",
					      prefix)
			     : check(a.kv[i], eq + 1, &err);
		*eq = '=';
		if (rc)
			return cli_fail(&err);
	}
	if ((rc = cli_open_store(&t, &s, &err))) {
		cli_target_release(&t);
		return cli_fail(&err);
	}
	if (a.n)
		rc = store_write(s, write_settings, &a, &err);
	if (!rc && !(rc = store_read_begin(s, &c, &err))) {
		for (size_t i = 0; !rc && !prefix && i < county_nsettings; i++)
			rc = show(c, county_settings[i].key, county_settings[i].dflt,
				  county_settings[i].help, &err);
		for (size_t i = 0; !rc && i < report_nsettings; i++)
			rc = show(c, report_settings[i].key, report_settings[i].dflt,
				  report_settings[i].help, &err);
		store_read_end(c);
	}
	store_close(s);
	cli_target_release(&t);
	if (!rc && a.n)
		fprintf(stderr, "settings: stored; restart the servers for them to take effect\n");
	return rc ? cli_fail(&err) : EXIT_OK;
}

int cmd_settings(int argc, char **argv)
{
	return cli_settings(argc, argv, NULL, usage);
}
