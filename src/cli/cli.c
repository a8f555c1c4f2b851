/* Helpers shared by the commands. */
#include "lib/common.h"
#include "api/audit.h"
#include "cli/cli.h"

const char *cli_db_path(const char *opt)
{
	const char *env = getenv("SAFEHARBOR_DB");

	if (opt && *opt)
		return opt;
	if (env && *env)
		return env;
	return "./var/safeharbor.db";
}

int cli_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	fputs("safeharbor: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: %s\n", usage);
	return EXIT_USAGE;
}

int cli_fail(const struct sh_error *err)
{
	if (err->nfields == 0 || !strstr(err->detail, err->fields[0].field))
		fprintf(stderr, "safeharbor: %s\n", err->detail[0] ? err->detail
								 : sh_code_title(err->code));
	for (int i = 0; i < err->nfields; i++)
		fprintf(stderr, "safeharbor: %s: %s\n", err->fields[i].field, err->fields[i].message);
	return EXIT_FAIL;
}

enum sh_code cli_open_store(const char *db, struct store **out, struct sh_error *err)
{
	struct store_options o = { .create = false, .read_conns = 2 };
	struct shcrypto_keys keys;
	enum sh_code rc;

	*out = NULL;
	if ((rc = cli_load_keys(db, &keys, err)))
		return rc;
	rc = audit_store_open(db, &keys, &o, out, err);
	shcrypto_keys_release(&keys);
	return rc;
}

enum sh_code cli_load_keys(const char *db, struct shcrypto_keys *keys, struct sh_error *err)
{
	char *keyfile = shcrypto_keyfile_path(db);
	enum sh_code rc;

	memset(keys, 0, sizeof(*keys));
	if (!keyfile)
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	rc = shcrypto_keyfile_load(keyfile, keys, err);
	free(keyfile);
	return rc;
}

int cli_getopt(int argc, char **argv, const struct option *opts, const char *usage, bool *done,
	       int *exit_code)
{
	char shortopts[64] = "+";
	size_t n = 1;
	int c;

	*done = false;
	for (const struct option *o = opts; o->name && n + 2 < sizeof(shortopts); o++) {
		if (o->val > 0 && o->val < 128 && o->flag == NULL) {
			shortopts[n++] = (char)o->val;
			if (o->has_arg == required_argument)
				shortopts[n++] = ':';
		}
	}
	shortopts[n] = '\0';
	opterr = 0;
	c = getopt_long(argc, argv, shortopts, opts, NULL);
	if (c == 'h') {
		printf("usage: %s\n", usage);
		*done = true;
		*exit_code = EXIT_OK;
	} else if (c == '?' || c == ':') {
		*done = true;
		if (optopt)
			*exit_code = cli_usage_error(usage, "option -%c is unknown or needs a value",
						     optopt);
		else
			*exit_code = cli_usage_error(usage, "option %s is unknown or needs a value",
						     argv[optind - 1]);
	}
	return c;
}

int cli_read_secret(char *buf, size_t size)
{
	size_t n;

	if (!fgets(buf, (int)size, stdin))
		return -1;
	n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return n ? 0 : -1;
}

const char *cli_subcommand(int *argc, char ***argv, const char *const *subs, const char *usage,
			   int *exit_code)
{
	const char *sub = *argc >= 2 ? (*argv)[1] : NULL;
	char list[200] = "";
	size_t used = 0;

	*exit_code = EXIT_USAGE;
	if (sub && (!strcmp(sub, "--help") || !strcmp(sub, "-h"))) {
		printf("usage: %s\n", usage);
		*exit_code = EXIT_OK;
		return NULL;
	}
	for (const char *const *s = subs; *s; s++) {
		if (sub && !strcmp(sub, *s)) {
			(*argc)--;
			(*argv)++;
			return sub;
		}
		if (used < sizeof(list))
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
						 s == subs ? "" : ", ", *s);
	}
	if (!sub || sub[0] == '-')
		cli_usage_error(usage, "say what to do: %s", list);
	else
		cli_usage_error(usage, "unknown subcommand '%s'; one of: %s", sub, list);
	return NULL;
}

/* The user or agency of that name, for commands that take names; "no user named 'x'"
 * (a failure, exit 1) when there is none. */
enum sh_code cli_find_user(struct store *s, const char *name, struct arena *a,
			  struct user_rec *u, struct sh_error *err)
{
	struct store_conn *c;
	enum sh_code rc = store_read_begin(s, &c, err);

	if (rc)
		return rc;
	rc = store_user_get(c, 0, name, a, u, err);
	store_read_end(c);
	if (rc == SH_ENOTFOUND) {
		sh_error_init(err);
		rc = sh_error_set(err, SH_EINVAL, "no user named '%s'", name);
	}
	return rc;
}

enum sh_code cli_find_agency(struct store *s, const char *name, struct arena *a,
			    struct agency_rec *ag, struct sh_error *err)
{
	struct store_conn *c;
	enum sh_code rc = store_read_begin(s, &c, err);

	if (rc)
		return rc;
	rc = store_agency_get(c, 0, name, a, ag, err);
	store_read_end(c);
	if (rc == SH_ENOTFOUND) {
		sh_error_init(err);
		rc = sh_error_set(err, SH_EINVAL, "no agency named '%s'", name);
	}
	return rc;
}
