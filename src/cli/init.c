/* safeharbor init: create or upgrade the database and its key file; never destroys data. */
#include "lib/common.h"
#include <sys/stat.h>
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
	static const char usage[] =
		"safeharbor init [--db PATH] [--key-file FILE] [--config FILE]\n"
		"  Creates the database and its key file (PATH without .db, plus .key, mode 0600),\n"
		"  or applies pending schema migrations after a backup to PATH.pre-vN.bak. Safe to\n"
		"  re-run: existing data is kept. A database that exists is never given a new key.";
	struct sh_error err = SH_ERROR_INIT;
	struct cli_target t = { 0 };
	struct store *store = NULL;
	struct shcrypto_keys keys = { 0 };
	const char *db, *keyfile;
	char shown[4096];
	bool had_db, had_key;
	int code = EXIT_OK;
	struct stat st;
	enum sh_code rc;

	if (!cli_args(argc, argv, NULL, usage, &t, NULL, NULL, &code))
		return code;
	if ((rc = cli_target_load(&t, &err)))
		goto out;
	db = cli_target_db(&t);
	keyfile = cli_target_keyfile(&t);
	had_db = (store_is_uri(db) || (stat(db, &st) == 0 && st.st_size > 0)) &&
		 store_peek_version(db, &err) > 0;
	had_key = stat(keyfile, &st) == 0;
	if (had_db && !had_key) {
		/* a new key would hide every name in it and seal new data under the wrong key */
		rc = sh_error_set(&err, SH_ECONFLICT,
				  "%s holds data but its key file %s is missing; init makes no new "
				  "key for an existing database. Put the key file back from escrow "
				  "(docs/operations.md, key custody) or name it with --key-file.",
				  store_shown(db, shown, sizeof(shown)), keyfile);
		goto out;
	}
	sh_error_init(&err);
	if ((!store_is_uri(db) && (rc = make_parent_dir(db, &err))) ||
	    (rc = shcrypto_keyfile_create(keyfile, &err)) ||
	    (rc = cli_open_store_create(&t, true, &store, &err)) ||
	    (rc = cli_load_keys(&t, store, true, &keys, &err)))
		goto out;
	printf("%s %s (schema version %d)\nkey file %s (keep it secret, back it up apart from "
	       "the database)\n",
	       had_db ? "checked" : "created", store_shown(db, shown, sizeof(shown)),
	       store_schema_version(store), keyfile);
out:
	return cli_close(&t, store, &keys, rc, &err);
}
