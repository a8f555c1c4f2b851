/*
 * safeharbor backup and restore: a verified copy of the database taken while the
 * server serves, and putting one back after checking that the key belongs to it.
 * The key file is never inside a backup (key custody: docs/operations.md).
 */
#include "lib/common.h"
#include <sodium.h>
#include <sys/stat.h>
#include "api/audit.h"
#include "api/checkpoints.h"
#include "api/keycheck.h"
#include "cli/cli.h"
#include "lib/buf.h"

static void print_size(int64_t bytes, char *out, size_t size)
{
	if (bytes >= 1024 * 1024)
		snprintf(out, size, "%.1f MiB", (double)bytes / (1024.0 * 1024.0));
	else
		snprintf(out, size, "%.1f KiB", (double)bytes / 1024.0);
}

/* Do the keys in keyfile belong to the database at path (opened read-only)? On success
 * *keys holds them (they also key the audit chain); release with shcrypto_keys_release. */
static enum sh_code check_key(struct cli_target *t, const char *path, struct shcrypto_keys *keys,
			      struct sh_error *err)
{
	struct store_options so = { .read_only = true, .read_conns = 1 };
	struct store *s = NULL;
	enum sh_code rc;

	memset(keys, 0, sizeof(*keys));
	if ((rc = shcrypto_keyfile_load(cli_target_keyfile(t), keys, err)) ||
	    (rc = store_open(path, &so, &s, err)))
		goto out;
	rc = keycheck_verify(s, keys, cli_target_keyfile(t), false, err);
out:
	store_close(s);
	if (rc && keys->keys)
		shcrypto_keys_release(keys);
	return rc;
}

/* "audit chain holds: N rows, head H; E timeline events in the chain; C checkpoints match" */
static void print_audit(const struct cli_backup_report *rep)
{
	if (!rep->audit_keyed) {
		printf("audit chain holds: %" PRId64
		       " rows, head %s (unkeyed: from before schema %d; "
		       "the upgrade re-chains it with the key)",
		       rep->audit_rows, rep->audit_head, AUDIT_CHAIN_KEYED_SCHEMA);
		return;
	}
	printf("audit chain holds: %" PRId64 " rows, head %s; %" PRId64 " timeline events in the "
	       "chain; %zu checkpoints match",
	       rep->audit_rows, rep->audit_head, rep->audit_events, rep->checkpoints);
}

/* --to FILE (backup), --from FILE and --force (restore) */
struct copy_opts {
	const char *file;
	bool force;
};

static int copy_option(void *ctx, int c, const char *arg, const char *usage)
{
	struct copy_opts *o = ctx;

	(void)usage;
	if (c == 'F')
		o->force = true;
	else
		o->file = arg;
	return EXIT_OK;
}

int cmd_backup(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ 0 },
	};
	static const char usage[] =
		"safeharbor backup [--db SRC] --to FILE [--key-file FILE] [--config FILE]\n"
		"  Copies the database into FILE (a new file) while the server goes on serving:\n"
		"  one consistent snapshot (SQLite's online backup), then checked (integrity, and\n"
		"  with the key file the audit chain and the checkpoints up to the snapshot). The\n"
		"  key file is not in the backup: escrow it separately.";
	struct sh_error err = SH_ERROR_INIT;
	struct cli_target t = { 0 };
	struct cli_backup_report rep;
	struct shcrypto_keys keys = { 0 };
	struct copy_opts o = { 0 };
	const char *to;
	char size[32];
	bool key_ok = false;
	int code;
	struct stat st;
	enum sh_code rc;

	if (!cli_args(argc, argv, opts, usage, &t, copy_option, &o, &code))
		return code;
	if (!(to = o.file) || !*to)
		return cli_usage_error(usage, "say where the backup goes: --to FILE");
	if ((rc = cli_target_load(&t, &err)))
		goto out;
	/* a PostgreSQL address goes on to the copy, which refuses it naming pg_basebackup */
	if (!store_is_uri(cli_target_db(&t)) && stat(cli_target_db(&t), &st) != 0) {
		rc = sh_error_set(&err, SH_EIO, "no database at %s", cli_target_db(&t));
		goto out;
	}
	/* a key file that is there must be the database's; one that is not is only noted:
	 * the backup is still good, and the key's custody is somebody else's job */
	if (stat(cli_target_keyfile(&t), &st) == 0) {
		if ((rc = check_key(&t, cli_target_db(&t), &keys, &err)))
			goto out;
		key_ok = true;
	}
	/* the audit chain is keyed from the key file: without it only the integrity is checked */
	if ((rc = cli_backup_file(cli_target_db(&t), to, key_ok ? &keys : NULL,
				  cli_target_checkpoints(&t), false, &rep, &err)))
		goto out;
	print_size(rep.bytes, size, sizeof(size));
	printf("backed up %s to %s: %" PRId64 " pages, %s in %.2f s (one consistent snapshot; "
	       "writes went on meanwhile)\n",
	       cli_target_db(&t), to, rep.pages, size, rep.seconds);
	if (rep.audit_checked) {
		printf("checked: integrity ok; ");
		print_audit(&rep);
		printf("\n");
	} else {
		printf("checked: integrity ok; the audit chain is not checked: it is keyed from the "
		       "key file, which is not here\n");
	}
	if (key_ok)
		printf("the key is NOT in the backup: it is %s (it matches this database). Escrow "
		       "it separately; a restore needs both (docs/operations.md, key custody).\n",
		       cli_target_keyfile(&t));
	else
		printf("the key is NOT in the backup, and there is no key file at %s: a restore "
		       "needs this database's key from escrow (docs/operations.md, key custody).\n",
		       cli_target_keyfile(&t));
out:
	return cli_close(&t, NULL, &keys, rc, &err);
}

int cmd_restore(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "force", no_argument, NULL, 'F' },
		{ 0 },
	};
	static const char usage[] =
		"safeharbor restore --from FILE [--db DEST] [--key-file FILE] [--force]\n"
		"  Puts a backup back as DEST. First checks that the key file (DEST's, or --key-file)\n"
		"  belongs to the backup, and the backup itself (integrity, audit chain, and the\n"
		"  checkpoints up to it). An existing DEST is replaced only with --force; stop the\n"
		"  server first. Checkpoints written after the backup no longer describe the chain:\n"
		"  their file is set aside (<checkpoints>.before-restore-<time>) and a new one starts\n"
		"  with those up to the backup and its head.";
	struct sh_error err = SH_ERROR_INIT;
	struct cli_target t = { 0 };
	struct cli_backup_report rep;
	struct store_copy_result res;
	struct shcrypto_keys keys = { 0 };
	struct audit_keys akeys = { 0 };
	struct buf moved = BUF_INIT;
	struct copy_opts o = { 0 };
	size_t kept = 0, dropped = 0;
	const char *from, *db;
	char tmp[4200];
	bool had_db;
	int code;
	struct stat st;
	enum sh_code rc;

	if (!cli_args(argc, argv, opts, usage, &t, copy_option, &o, &code))
		return code;
	if (!(from = o.file) || !*from)
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
		rc = sh_error_set(
			&err, SH_EIO,
			"no key file at %s: a restore needs the key that belongs to the "
			"backup. Put the escrowed key file there, or name it with "
			"--key-file (docs/operations.md, key custody). Nothing was changed.",
			cli_target_keyfile(&t));
		goto out;
	}
	if ((rc = check_key(&t, from, &keys, &err))) {
		char why[sizeof(err.detail)];
		snprintf(why, sizeof(why), "%s", err.detail);
		rc = sh_error_set(&err, rc, "refusing to restore %s: %s Nothing was changed.", from,
				  why);
		goto out;
	}
	if ((rc = cli_verify_copy(from, &keys, cli_target_checkpoints(&t), &rep, &err)))
		goto out;
	had_db = stat(db, &st) == 0;
	if (had_db && !o.force) {
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
		cli_remove_db_files(
			db, false); /* an old WAL must never be replayed onto the restored file */
	if (rename(tmp, db)) {
		rc = sh_error_set(&err, SH_EIO, "cannot rename %s to %s: %s", tmp, db,
				  strerror(errno));
		goto out_tmp;
	}
	printf("restored %s to %s%s: %" PRId64 " pages; integrity ok; ", from, db,
	       had_db ? " (replaced)" : "", res.pages);
	print_audit(&rep);
	printf("; key file %s matches\n", cli_target_keyfile(&t));
	/* the chain is back where the backup left it: later checkpoints are set aside, and an
	 * unkeyed chain (a backup from before schema 8) keeps none, its upgrade re-chains it */
	audit_keys_derive(&keys, &akeys);
	{
		struct checkpoint head = { .at = (int64_t)time(NULL), .seq = rep.audit_rows };
		memcpy(head.head, rep.audit_head, sizeof(head.head));
		rc = checkpoints_rewind(cli_target_checkpoints(&t), akeys.checkpoint,
					rep.audit_keyed ? rep.audit_rows : 0,
					rep.audit_keyed ? &head : NULL, &moved, &kept, &dropped,
					&err);
	}
	if (rc)
		goto out;
	if (moved.len)
		printf("checkpoints: %zu written after the backup set aside in %s; %zu up to it kept "
		       "in %s\n",
		       dropped, moved.data, kept, cli_target_checkpoints(&t));
	goto out;
out_tmp:
	cli_remove_db_files(tmp, true);
out:
	sodium_memzero(&akeys, sizeof(akeys));
	buf_release(&moved);
	return cli_close(&t, NULL, &keys, rc, &err);
}
