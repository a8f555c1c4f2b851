/* Helpers shared by the commands. */
#include "lib/common.h"
#include <sodium.h>
#include <sys/stat.h>
#include "api/admin.h"
#include "api/app.h"
#include "api/audit.h"
#include "api/checkpoints.h"
#include "api/keycheck.h"
#include "cli/cli.h"
#include "lib/paths.h"

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
		fprintf(stderr, "safeharbor: %s\n",
			err->detail[0] ? err->detail : sh_code_title(err->code));
	for (int i = 0; i < err->nfields; i++)
		fprintf(stderr, "safeharbor: %s: %s\n", err->fields[i].field,
			err->fields[i].message);
	return EXIT_FAIL;
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
			*exit_code = cli_usage_error(
				usage, "option -%c is unknown or needs a value", optopt);
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

/* The user (agency when agency) of that name, for commands that take names; "no user named
 * 'x'" (a failure, exit 1) when there is none. */
static enum sh_code find_named(struct store *s, bool agency, const char *name, struct arena *a,
			       void *out, struct sh_error *err)
{
	enum sh_code rc = agency ? admin_agency_read(s, 0, name, a, out, err)
				 : admin_user_read(s, 0, name, a, out, err);

	if (rc == SH_ENOTFOUND) {
		sh_error_init(err);
		rc = sh_error_set(err, SH_EINVAL, "no %s named '%s'", agency ? "agency" : "user",
				  name);
	}
	return rc;
}

enum sh_code cli_find_user(struct store *s, const char *name, struct arena *a, struct user_rec *u,
			   struct sh_error *err)
{
	return find_named(s, false, name, a, u, err);
}

enum sh_code cli_find_agency(struct store *s, const char *name, struct arena *a,
			     struct agency_rec *ag, struct sh_error *err)
{
	return find_named(s, true, name, a, ag, err);
}

/* ---- the database, the key file and the configuration ---- */

bool cli_target_option(struct cli_target *t, int c, const char *arg)
{
	if (c == CLI_OPT_CONFIG) {
		t->config = arg;
		return true;
	}
	if (c >= CLI_OPT(0) && c < CLI_OPT(CONF_NKEYS)) {
		/* a flag without a value (--secure-cookies) sets true */
		t->flags[c - CLI_OPT(0)] = arg ? arg : "true";
		return true;
	}
	return false;
}

enum sh_code cli_target_load(struct cli_target *t, struct sh_error *err)
{
	const char *file = t->config;
	char dflt[4096], flag[64], source[96];
	enum sh_code rc;

	if (t->loaded)
		return SH_OK;
	conf_init(&t->conf);
	t->loaded = true;
	if (!file || !*file)
		file = getenv("SAFEHARBOR_CONFIG");
	if (!file || !*file) {
		struct stat st;
		paths_default_config(dflt, sizeof(dflt));
		file = dflt[0] && stat(dflt, &st) == 0 ? dflt : NULL;
	}
	if (file && (rc = conf_read_file(&t->conf, file, err)))
		return rc;
	if ((rc = conf_read_env(&t->conf, err)))
		return rc;
	for (int k = 0; k < CONF_NKEYS; k++) {
		if (!t->flags[k])
			continue;
		conf_flag_name((enum conf_key)k, flag, sizeof(flag));
		snprintf(source, sizeof(source), "flag %s", flag);
		if ((rc = conf_set(&t->conf, (enum conf_key)k, t->flags[k], source, err))) {
			char why[sizeof(err->detail)];
			snprintf(why, sizeof(why), "%s", err->detail);
			return sh_error_set(err, rc, "%s: %s", flag, why);
		}
	}
	free(t->keyfile);
	if (*conf_get(&t->conf, CONF_KEY_FILE))
		t->keyfile = strdup(conf_get(&t->conf, CONF_KEY_FILE));
	else if (store_is_uri(cli_target_db(t)))
		return sh_error_set(err, SH_EINVAL,
				    "--key-file: required when --db is a PostgreSQL address (or "
				    "key_file in the configuration file)");
	else
		t->keyfile = shcrypto_keyfile_path(cli_target_db(t));
	if (!t->keyfile)
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	free(t->checkpoints);
	if (*conf_get(&t->conf, CONF_CHECKPOINTS))
		t->checkpoints = strdup(conf_get(&t->conf, CONF_CHECKPOINTS));
	else
		t->checkpoints = checkpoints_default_path(t->keyfile);
	if (!t->checkpoints)
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	return SH_OK;
}

const char *cli_target_db(const struct cli_target *t)
{
	return conf_get(&t->conf, CONF_DB);
}

const char *cli_target_keyfile(const struct cli_target *t)
{
	return t->keyfile;
}

const char *cli_target_checkpoints(const struct cli_target *t)
{
	return t->checkpoints;
}

void cli_target_release(struct cli_target *t)
{
	if (t->loaded)
		conf_release(&t->conf);
	free(t->keyfile);
	free(t->checkpoints);
	t->keyfile = t->checkpoints = NULL;
	t->loaded = false;
}

/* Progress on a terminal only: a cron job's mail or a pipe stays clean. */
void cli_progress(void *ctx, int64_t done, int64_t total)
{
	const char *what = ctx;

	fprintf(stderr, "\r%s: %3d%% (%" PRId64 " of %" PRId64 " pages)", what,
		total ? (int)(done * 100 / total) : 100, done, total);
	if (done >= total)
		fputc('\n', stderr);
	fflush(stderr);
}

enum sh_code cli_verify_copy(const char *path, const struct shcrypto_keys *k,
			     const char *checkpoints, struct cli_backup_report *rep,
			     struct sh_error *err)
{
	struct store_options so = { .read_only = true, .read_conns = 1 };
	struct audit_keys keys;
	struct audit_verdict v;
	struct store *s = NULL;
	enum sh_code rc;

	rep->audit_checked = false;
	if ((rc = store_integrity_check(path, err)) || !k)
		return rc;
	audit_keys_derive(k, &keys);
	if ((rc = store_open(path, &so, &s, err)) ||
	    (rc = audit_verify(s, &keys, checkpoints, true, &v, err)))
		goto out;
	if (!v.ok) {
		rc = sh_error_set(err, SH_ESTORE, "%s: %s", path, v.why);
		goto out;
	}
	rep->audit_checked = true;
	rep->audit_keyed = v.keyed;
	rep->audit_rows = v.rows;
	rep->audit_events = v.events;
	rep->checkpoints = v.checkpoints;
	memcpy(rep->audit_head, v.head, sizeof(rep->audit_head));
out:
	sodium_memzero(&keys, sizeof(keys));
	store_close(s);
	return rc;
}

void cli_remove_db_files(const char *path, bool with_db)
{
	char side[4200];

	if (with_db)
		unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-journal", path);
	unlink(side);
}

enum sh_code cli_backup_file(const char *from, const char *to, const struct shcrypto_keys *k,
			     const char *checkpoints, bool quiet, struct cli_backup_report *rep,
			     struct sh_error *err)
{
	struct store_copy_result res;
	struct timespec t0, t1;
	struct stat st;
	char partial[4200];
	bool tty = !quiet && isatty(STDERR_FILENO);
	enum sh_code rc;

	memset(rep, 0, sizeof(*rep));
	if (stat(to, &st) == 0)
		return sh_error_set(err, SH_ECONFLICT, "%s already exists; name a new file", to);
	/* written beside the target, checked, then renamed: a half copy never has its name */
	snprintf(partial, sizeof(partial), "%s.partial", to);
	cli_remove_db_files(partial, true);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = store_copy(from, partial, true, 1024, tty ? cli_progress : NULL, (void *)"backup",
			&res, err);
	if (!rc)
		rc = cli_verify_copy(partial, k, checkpoints, rep, err);
	if (!rc && rename(partial, to))
		rc = sh_error_set(err, SH_EIO, "cannot rename %s to %s: %s", partial, to,
				  strerror(errno));
	if (rc) {
		cli_remove_db_files(partial, true);
		return rc;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	rep->pages = res.pages;
	rep->bytes = stat(to, &st) == 0 ? (int64_t)st.st_size : res.pages * res.page_size;
	rep->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return SH_OK;
}

/*
 * A database with a migration pending is checked against the key file first (the
 * upgrade to the keyed audit chain re-chains it with a key derived from that file), then
 * copied, so an upgrade can be undone.
 */
static enum sh_code prepare_migration(struct cli_target *t, const struct shcrypto_keys *k,
				      struct sh_error *err)
{
	struct store_options so = { .read_only = true, .read_conns = 1 };
	struct cli_backup_report rep;
	struct store *s = NULL;
	struct stat st;
	const char *db = cli_target_db(t);
	char to[4200];
	int v, latest = store_schema_latest();
	enum sh_code rc;

	if (stat(db, &st) != 0 || st.st_size == 0)
		return SH_OK;
	if ((v = store_peek_version(db, err)) < 0)
		return err->code;
	if (v == 0 || v >= latest)
		return SH_OK;
	if (!(rc = store_open(db, &so, &s, err)))
		rc = keycheck_verify(s, k, t->keyfile, false, err);
	store_close(s);
	if (rc == SH_ECONFLICT)
		return rc;
	/* an old schema may lack what the check reads: it runs again after the upgrade */
	sh_error_init(err);
	snprintf(to, sizeof(to), "%s.pre-v%d.bak", db, latest);
	if (stat(to, &st) == 0)
		snprintf(to, sizeof(to), "%s.pre-v%d.%lld.bak", db, latest, (long long)time(NULL));
	if ((rc = cli_backup_file(db, to, k, t->checkpoints, false, &rep, err))) {
		char why[sizeof(err->detail)];
		snprintf(why, sizeof(why), "%s", err->detail);
		return sh_error_set(err, rc,
				    "schema %d -> %d: the backup before migrating failed, "
				    "nothing was changed: %s",
				    v, latest, why);
	}
	fprintf(stderr,
		"safeharbor: schema %d -> %d: backed up %s to %s first (%" PRId64 " bytes, "
		"verified)\n",
		v, latest, db, to, rep.bytes);
	return SH_OK;
}

enum sh_code cli_open_store(struct cli_target *t, struct store **out, struct sh_error *err)
{
	return cli_open_store_create(t, false, out, err);
}

/* A migration's fill from the timeline, on a terminal only (a state's takes a minute). */
static void migrate_progress(void *ctx, int64_t done, int64_t total)
{
	UNUSED(ctx);
	fprintf(stderr, "\rschema migration: %3d%% of the timeline read",
		total ? (int)(done * 100 / total) : 100);
	if (done >= total)
		fputc('\n', stderr);
	fflush(stderr);
}

enum sh_code cli_open_store_create(struct cli_target *t, bool create, struct store **out,
				   struct sh_error *err)
{
	struct store_options o = { .create = create,
				   .migrate_progress =
					   isatty(STDERR_FILENO) ? migrate_progress : NULL };
	struct shcrypto_keys k = { 0 };
	enum sh_code rc;

	*out = NULL;
	if ((rc = cli_target_load(t, err)) || (rc = shcrypto_keyfile_load(t->keyfile, &k, err)) ||
	    (rc = prepare_migration(t, &k, err)))
		goto out;
	/* the pools' sizes (PostgreSQL: connections each server holds open) */
	o.read_conns = (int)conf_long(&t->conf, CONF_DB_READ_CONNS);
	o.write_conns = (int)conf_long(&t->conf, CONF_DB_WRITE_CONNS);
	o.audit_link_ms = (int)conf_long(&t->conf, CONF_AUDIT_LINK_MS);
	/* the audit chain's key comes from the key file: appending needs it */
	rc = audit_store_open(cli_target_db(t), &k, &o, out, err);
out:
	if (k.keys)
		shcrypto_keys_release(&k);
	return rc;
}

enum sh_code cli_load_keys(struct cli_target *t, struct store *s, bool adopt,
			   struct shcrypto_keys *k, struct sh_error *err)
{
	enum sh_code rc;

	memset(k, 0, sizeof(*k));
	if ((rc = cli_target_load(t, err)) || (rc = shcrypto_keyfile_load(t->keyfile, k, err)))
		return rc;
	if ((rc = keycheck_verify(s, k, t->keyfile, adopt, err)))
		shcrypto_keys_release(k);
	return rc;
}

enum sh_code cli_open_keyed(struct cli_target *t, bool adopt, struct store **s,
			    struct shcrypto_keys *k, struct sh_error *err)
{
	enum sh_code rc;

	memset(k, 0, sizeof(*k));
	if ((rc = cli_open_store(t, s, err)))
		return rc;
	return cli_load_keys(t, *s, adopt, k, err);
}

int cli_close(struct cli_target *t, struct store *s, struct shcrypto_keys *k, enum sh_code rc,
	      const struct sh_error *err)
{
	store_close(s);
	if (k && k->keys)
		shcrypto_keys_release(k);
	cli_target_release(t);
	return rc ? cli_fail(err) : EXIT_OK;
}

enum sh_code cli_open_app(struct cli_target *t, struct app *app, struct sh_error *err)
{
	enum sh_code rc;

	/* a key file that is not this database's is refused before anything is read */
	if ((rc = cli_open_keyed(t, true, &app->store, &app->keys, err)))
		return rc;
	app->protocol_areas = conf_get(&t->conf, CONF_PROTOCOL_AREAS);
	return app_open(app, conf_get(&t->conf, CONF_PROTOCOL),
			conf_get(&t->conf, CONF_WITNESS_RULES), conf_get(&t->conf, CONF_OFFENCES),
			err);
}

/* The option loop over opts as given (every option of the command). */
static bool parse_all(int argc, char **argv, const struct option *opts, const char *usage,
		      struct cli_target *t, cli_option_fn *option, void *ctx, int *code)
{
	bool done;
	int c;

	*code = EXIT_OK;
	while ((c = cli_getopt(argc, argv, opts, usage, &done, code)) != -1) {
		if (done)
			return false;
		if (!cli_target_option(t, c, optarg) && option &&
		    (*code = option(ctx, c, optarg, usage)))
			return false;
	}
	return true;
}

static bool no_argument_left(int argc, char **argv, const char *usage, int *code)
{
	if (optind < argc) {
		*code = cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
		return false;
	}
	return true;
}

bool cli_parse(int argc, char **argv, const struct option *own, const char *usage,
	       struct cli_target *t, cli_option_fn *option, void *ctx, int *code)
{
	static const struct option common[] = { CLI_DB_OPTIONS };
	struct option all[CLI_MAX_OPTIONS + ARRAY_SIZE(common) + 2];
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(common); i++)
		all[n++] = common[i];
	for (; own && own->name; own++) {
		if (n + 2 == ARRAY_SIZE(all)) {
			*code = EXIT_FAIL;
			fprintf(stderr, "safeharbor: internal error: more than %d options\n",
				CLI_MAX_OPTIONS);
			return false;
		}
		all[n++] = *own;
	}
	all[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	all[n] = (struct option){ 0 };
	return parse_all(argc, argv, all, usage, t, option, ctx, code);
}

bool cli_args(int argc, char **argv, const struct option *own, const char *usage,
	      struct cli_target *t, cli_option_fn *option, void *ctx, int *code)
{
	return cli_parse(argc, argv, own, usage, t, option, ctx, code) &&
	       no_argument_left(argc, argv, usage, code);
}

bool cli_target_args(int argc, char **argv, const struct option *opts, const char *usage,
		     struct cli_target *t, int *code)
{
	return parse_all(argc, argv, opts, usage, t, NULL, NULL, code) &&
	       no_argument_left(argc, argv, usage, code);
}

int cli_needs(const struct cli_ctx *x, bool ok, const char *what)
{
	return ok ? EXIT_OK : cli_usage_error(x->usage, "%s needs %s", x->sub, what);
}

/* The names of a table's entries (at most 15), for cli_subcommand. */
#define SUB_NAMES(names, table)                                              \
	do {                                                                 \
		size_t n_ = 0;                                               \
		for (; (table)[n_].name && n_ + 1 < ARRAY_SIZE(names); n_++) \
			(names)[n_] = (table)[n_].name;                      \
		(names)[n_] = NULL;                                          \
	} while (0)

int cli_run_command(int argc, char **argv, const struct cli_command *cmds, const char *usage)
{
	const char *names[16], *name;
	int code;

	SUB_NAMES(names, cmds);
	if (!(name = cli_subcommand(&argc, &argv, names, usage, &code)))
		return code;
	while (strcmp(cmds->name, name))
		cmds++;
	return cmds->run(argc, argv);
}

/* The table's subcommand run with the options in x->opts; the exit status. */
static int run_sub(const struct cli_table *tb, struct cli_ctx *x, int argc, char **argv)
{
	const char *names[16];
	const struct cli_sub *sub;
	struct sh_error err = SH_ERROR_INIT;
	int code = EXIT_OK;
	enum sh_code rc;

	SUB_NAMES(names, tb->subs);
	if (!*tb->subs[0].name) /* no subcommands: options start at argv[1] */
		x->sub = names[0];
	else if (!(x->sub = cli_subcommand(&argc, &argv, names, tb->usage, &code)))
		return code;
	for (sub = tb->subs; strcmp(sub->name, x->sub); sub++)
		;
	if (!cli_parse(argc, argv, tb->opts, tb->usage, &x->t, tb->option, x->opts, &code))
		return code;
	if (sub->arg && optind < argc)
		x->arg = argv[optind++];
	if (optind < argc)
		return cli_usage_error(tb->usage, "unexpected argument '%s'", argv[optind]);
	if (sub->check && (code = sub->check(x)))
		return code;
	if (!(rc = sub->keys
			   ? cli_open_keyed(&x->t, sub->keys == CLI_KEYS_ADOPT, &x->s, &x->k, &err)
			   : cli_open_store(&x->t, &x->s, &err)))
		rc = sub->run(x, &err);
	return rc ? cli_fail(&err) : EXIT_OK;
}

int cli_run_table(const struct cli_table *tb, int argc, char **argv)
{
	struct cli_ctx x = { .usage = tb->usage, .a = ARENA_INIT };
	int code;

	if (!(x.opts = calloc(1, tb->opts_size ? tb->opts_size : 1))) {
		fprintf(stderr, "safeharbor: out of memory\n");
		return EXIT_FAIL;
	}
	code = run_sub(tb, &x, argc, argv);
	store_close(x.s);
	if (x.k.keys)
		shcrypto_keys_release(&x.k);
	arena_release(&x.a);
	cli_target_release(&x.t);
	/* a password may be among the options */
	sodium_memzero(x.opts, tb->opts_size);
	free(x.opts);
	return code;
}

int cli_command_run(const struct cli_command *c, int argc, char **argv)
{
	return c->table ? cli_run_table(c->table, argc, argv) : c->run(argc, argv);
}
