/* safeharbor init: create or upgrade the database and its key file; never destroys data. */
#include "lib/common.h"
#include <sys/stat.h>
#include "api/audit.h"
#include "cli/cli.h"
#include "lib/shcrypto.h"

static enum sh_code make_parent_dir(const char *path, struct sh_error *err)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');

	if (!slash || slash == path)
		return SH_OK;
	if ((size_t)(slash - path) >= sizeof(dir))
		return sh_error_set(err, SH_EINVAL, "database path too long");
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	if (mkdir(dir, 0750) && errno != EEXIST)
		return sh_error_set(err, SH_EIO, "cannot create directory %s: %s", dir,
				    strerror(errno));
	return SH_OK;
}

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const char usage[] =
		"safeharbor init [--db PATH]\n"
		"  Creates the database and its key file (PATH without .db, plus .key, mode 0600),\n"
		"  or applies pending schema migrations. Safe to re-run: existing data is kept.";
	struct sh_error err = SH_ERROR_INIT;
	struct store_options so = { .create = true, .read_conns = 1 };
	struct store *store = NULL;
	struct shcrypto_keys keys;
	const char *db = NULL;
	char *keyfile = NULL;
	bool done;
	int code = EXIT_OK, c, before;
	enum sh_code rc;
	struct stat st;

	while ((c = cli_getopt(argc, argv, opts, usage, &done, &code)) != -1) {
		if (done)
			return code;
		if (c == 'd')
			db = optarg;
	}
	if (optind < argc)
		return cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	db = cli_db_path(db);
	before = stat(db, &st) == 0;
	if (make_parent_dir(db, &err))
		return cli_fail(&err);
	keyfile = shcrypto_keyfile_path(db);
	if (!keyfile || shcrypto_keyfile_create(keyfile, &err) ||
	    shcrypto_keyfile_load(keyfile, &keys, &err)) {
		free(keyfile);
		return cli_fail(&err);
	}
	rc = audit_store_open(db, &keys, &so, &store, &err);
	shcrypto_keys_release(&keys);
	if (rc) {
		free(keyfile);
		return cli_fail(&err);
	}
	printf("%s %s (schema version %d)\nkey file %s (keep it secret, back it up apart from "
	       "the database)\n",
	       before ? "checked" : "created", db, store_schema_version(store), keyfile);
	store_close(store);
	free(keyfile);
	return EXIT_OK;
}
