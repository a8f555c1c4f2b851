/*
 * safeharbor backup and restore: a verified copy of the database taken while the
 * server serves, and putting one back after checking that the key belongs to it.
 * The key file is never inside a backup (key custody: docs/operations.md).
 */
#include "lib/common.h"
#include <sys/stat.h>
#include "api/keycheck.h"
#include "cli/cli.h"

static void print_size(int64_t bytes, char *out, size_t size)
{
	if (bytes >= 1024 * 1024)
		snprintf(out, size, "%.1f MiB", (double)bytes / (1024.0 * 1024.0));
	else
		snprintf(out, size, "%.1f KiB", (double)bytes / 1024.0);
}

/* Do the keys in keyfile belong to the database at path (opened read-only)? */
static enum sh_code check_key(struct cli_target *t, const char *path, struct sh_error *err)
{
	struct store_options so = { .read_only = true, .read_conns = 1 };
	struct shcrypto_keys keys = { 0 };
	struct store *s = NULL;
	enum sh_code rc;

	if ((rc = shcrypto_keyfile_load(cli_target_keyfile(t), &keys, err)) ||
	    (rc = store_open(path, &so, &s, err)))
		goto out;
	rc = keycheck_verify(s, &keys, cli_target_keyfile(t), false, err);
out:
	store_close(s);
	if (keys.keys)
		shcrypto_keys_release(&keys);
	return rc;
}

int cmd_backup(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,
		{ "to", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const char usage[] =
		"safeharbor backup [--db SRC] --to FILE [--key-file FILE] [--config FILE]\n"
		"  Copies the database into FILE (a new file) while the server goes on serving:\n"
		"  one consistent snapshot (SQLite's online backup), then checked (integrity and\n"
		"  the audit chain). The key file is not in the backup: escrow it separately.";
	struct sh_error err = SH_ERROR_INIT;
	struct cli_target t = { 0 };
	struct cli_backup_report rep;
	const char *to = NULL;
	char size[32];
	bool done, key_ok = false;
	int code = EXIT_OK, c;
	struct stat st;
	enum sh_code rc;

	while ((c = cli_getopt(argc, argv, opts, usage, &done, &code)) != -1) {
		if (done)
			return code;
		if (c == 't')
			to = optarg;
		else
			cli_target_option(&t, c, optarg);
	}
	if (optind < argc)
		return cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if (!to || !*to)
		return cli_usage_error(usage, "say where the backup goes: --to FILE");
	if ((rc = cli_target_load(&t, &err)))
		goto out;
	if (stat(cli_target_db(&t), &st) != 0) {
		rc = sh_error_set(&err, SH_EIO, "no database at %s", cli_target_db(&t));
		goto out;
	}
	/* a key file that is there must be the database's; one that is not is only noted:
	 * the backup is still good, and the key's custody is somebody else's job */
	if (stat(cli_target_keyfile(&t), &st) == 0) {
		if ((rc = check_key(&t, cli_target_db(&t), &err)))
			goto out;
		key_ok = true;
	}
	if ((rc = cli_backup_file(cli_target_db(&t), to, false, &rep, &err)))
		goto out;
	print_size(rep.bytes, size, sizeof(size));
	printf("backed up %s to %s: %" PRId64 " pages, %s in %.2f s (one consistent snapshot; "
	       "writes went on meanwhile)\n",
	       cli_target_db(&t), to, rep.pages, size, rep.seconds);
	printf("checked: integrity ok; audit chain holds: %" PRId64 " rows, head %s\n",
	       rep.audit_rows, rep.audit_head);
	if (key_ok)
		printf("the key is NOT in the backup: it is %s (it matches this database). Escrow "
		       "it separately; a restore needs both (docs/operations.md, key custody).\n",
		       cli_target_keyfile(&t));
	else
		printf("the key is NOT in the backup, and there is no key file at %s: a restore "
		       "needs this database's key from escrow (docs/operations.md, key custody).\n",
		       cli_target_keyfile(&t));
out:
	cli_target_release(&t);
	return rc ? cli_fail(&err) : EXIT_OK;
}

int cmd_restore(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,
		{ "from", required_argument, NULL, 'f' },
		{ "force", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const char usage[] =
		"safeharbor restore --from FILE [--db DEST] [--key-file FILE] [--force]\n"
		"  Puts a backup back as DEST. First checks that the key file (DEST's, or --key-file)\n"
		"  belongs to the backup, and the backup itself (integrity, audit chain). An existing\n"
		"  DEST is replaced only with --force; stop the server first.";
	struct sh_error err = SH_ERROR_INIT;
	struct cli_target t = { 0 };
	struct cli_backup_report rep;
	struct store_copy_result res;
	const char *from = NULL, *db;
	char tmp[4200];
	bool done, force = false, had_db;
	int code = EXIT_OK, c;
	struct stat st;
	enum sh_code rc;

	while ((c = cli_getopt(argc, argv, opts, usage, &done, &code)) != -1) {
		if (done)
			return code;
		if (c == 'f')
			from = optarg;
		else if (c == 'F')
			force = true;
		else
			cli_target_option(&t, c, optarg);
	}
	if (optind < argc)
		return cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if (!from || !*from)
		return cli_usage_error(usage, "say which backup: --from FILE");
	if ((rc = cli_target_load(&t, &err)))
		goto out;
	db = cli_target_db(&t);
	if (stat(from, &st) != 0) {
		rc = sh_error_set(&err, SH_EIO, "no backup at %s: %s", from, strerror(errno));
		goto out;
	}
	/* the key first: a backup without its key restores names nobody can read */
	if (stat(cli_target_keyfile(&t), &st) != 0) {
		rc = sh_error_set(&err, SH_EIO,
				  "no key file at %s: a restore needs the key that belongs to the "
				  "backup. Put the escrowed key file there, or name it with "
				  "--key-file (docs/operations.md, key custody). Nothing was changed.",
				  cli_target_keyfile(&t));
		goto out;
	}
	if ((rc = check_key(&t, from, &err))) {
		char why[sizeof(err.detail)];
		snprintf(why, sizeof(why), "%s", err.detail);
		rc = sh_error_set(&err, rc, "refusing to restore %s: %s Nothing was changed.", from,
				  why);
		goto out;
	}
	if ((rc = cli_verify_copy(from, &rep, &err)))
		goto out;
	had_db = stat(db, &st) == 0;
	if (had_db && !force) {
		rc = sh_error_set(&err, SH_ECONFLICT,
				  "%s exists; restore replaces a database only with --force (stop "
				  "the server first). Nothing was changed.",
				  db);
		goto out;
	}
	/* copied beside DEST and checked, then renamed over it: DEST is whole at every moment */
	snprintf(tmp, sizeof(tmp), "%s.restoring", db);
	cli_remove_db_files(tmp, true);
	if ((rc = store_copy(from, tmp, true, 1024, isatty(STDERR_FILENO) ? cli_progress : NULL,
			     (void *)"restore", &res, &err)) ||
	    (rc = store_integrity_check(tmp, &err)))
		goto out_tmp;
	if (had_db)
		cli_remove_db_files(db, false); /* an old WAL must never be replayed onto the restored file */
	if (rename(tmp, db)) {
		rc = sh_error_set(&err, SH_EIO, "cannot rename %s to %s: %s", tmp, db,
				  strerror(errno));
		goto out_tmp;
	}
	printf("restored %s to %s%s: %" PRId64 " pages; integrity ok; audit chain holds: %" PRId64
	       " rows, head %s; key file %s matches\n",
	       from, db, had_db ? " (replaced)" : "", res.pages, rep.audit_rows, rep.audit_head,
	       cli_target_keyfile(&t));
	goto out;
out_tmp:
	cli_remove_db_files(tmp, true);
out:
	cli_target_release(&t);
	return rc ? cli_fail(&err) : EXIT_OK;
}
