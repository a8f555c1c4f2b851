/*
 * SQLite backend: whole-database copies (backup, restore) with SQLite's online
 * backup API, the integrity check, and reading a file's schema version.
 *
 * The source keeps one read transaction open for the whole copy: in WAL mode the
 * copy is then one consistent snapshot while the server goes on committing, and
 * the backup never restarts (without it, every step would start a new read
 * transaction and a write by another process would send the copy back to page 1).
 */
#include "lib/common.h"
#include <sqlite3.h>
#include "store/sqlite.h"

static enum sh_code db_fail(sqlite3 *db, const char *what, const char *path, int rc,
			    struct sh_error *err)
{
	return sh_error_set(err, SH_ESTORE, "%s %s: %s", what, path,
			    db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

static enum sh_code exec(sqlite3 *db, const char *sql, const char *path, struct sh_error *err)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);

	if (rc == SQLITE_OK)
		return SH_OK;
	sh_error_set(err, SH_ESTORE, "%s: %s", path, msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	return SH_ESTORE;
}

static int read_version(sqlite3 *db)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

int sqlite_peek_version(const char *path, struct sh_error *err)
{
	sqlite3 *db = NULL;
	int v, rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);

	if (rc != SQLITE_OK) {
		db_fail(db, "cannot open database", path, rc, err);
		sqlite3_close(db);
		return -1;
	}
	sqlite3_busy_timeout(db, 5000);
	if ((v = read_version(db)) < 0)
		sh_error_set(err, SH_ESTORE, "%s is not a SQLite database: %s", path,
			     sqlite3_errmsg(db));
	sqlite3_close(db);
	return v;
}

enum sh_code sqlite_copy(const char *from, const char *to, bool standalone, int step_pages,
			 store_progress_fn progress, void *ctx, struct store_copy_result *res,
			 struct sh_error *err)
{
	sqlite3 *src = NULL, *dst = NULL;
	sqlite3_backup *b = NULL;
	enum sh_code rc = SH_OK;
	int src_rc, v;

	memset(res, 0, sizeof(*res));
	if (step_pages <= 0)
		step_pages = 256;
	/* read-write so that a WAL database's shared memory works; nothing is written */
	src_rc = sqlite3_open_v2(from, &src, SQLITE_OPEN_READWRITE, NULL);
	if (src_rc != SQLITE_OK) {
		rc = db_fail(src, "cannot open database", from, src_rc, err);
		goto out;
	}
	sqlite3_busy_timeout(src, 5000);
	if ((rc = exec(src, "PRAGMA query_only=1; BEGIN; SELECT count(*) FROM sqlite_schema;", from,
		       err)))
		goto out;
	if ((v = read_version(src)) <= 0) {
		rc = sh_error_set(err, SH_ESCHEMA, "%s is not a safeharbor database", from);
		goto out;
	}
	src_rc = sqlite3_open_v2(to, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (src_rc != SQLITE_OK) {
		rc = db_fail(dst, "cannot open", to, src_rc, err);
		goto out;
	}
	sqlite3_busy_timeout(dst, 5000);
	if (!(b = sqlite3_backup_init(dst, "main", src, "main"))) {
		rc = db_fail(dst, "cannot copy into", to, 0, err);
		goto out;
	}
	for (;;) {
		int step = sqlite3_backup_step(b, step_pages);
		int64_t total = sqlite3_backup_pagecount(b);
		if (progress)
			progress(ctx, total - sqlite3_backup_remaining(b), total);
		if (step == SQLITE_DONE)
			break;
		if (step == SQLITE_BUSY || step == SQLITE_LOCKED) {
			sqlite3_sleep(20);
			continue;
		}
		if (step != SQLITE_OK) {
			rc = sh_error_set(err, SH_ESTORE, "copying %s to %s failed: %s", from, to,
					  sqlite3_errstr(step));
			break;
		}
	}
	res->pages = sqlite3_backup_pagecount(b);
	if (sqlite3_backup_finish(b) != SQLITE_OK && !rc)
		rc = db_fail(dst, "copying into", to, 0, err);
	b = NULL;
	if (rc)
		goto out;
	{
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(dst, "PRAGMA page_size", -1, &st, NULL) == SQLITE_OK) {
			if (sqlite3_step(st) == SQLITE_ROW)
				res->page_size = sqlite3_column_int64(st, 0);
			sqlite3_finalize(st);
		}
	}
	/* a backup is one file that stands alone; a restored database runs in WAL mode */
	rc = exec(dst, standalone ? "PRAGMA journal_mode=DELETE" : "PRAGMA journal_mode=WAL", to,
		  err);
out:
	if (b)
		sqlite3_backup_finish(b);
	if (src) {
		sqlite3_exec(src, "COMMIT", NULL, NULL, NULL);
		sqlite3_close(src);
	}
	sqlite3_close(dst);
	return rc;
}

enum sh_code sqlite_integrity_check(const char *path, struct sh_error *err)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	enum sh_code rc = SH_OK;
	int r = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);

	if (r != SQLITE_OK) {
		rc = db_fail(db, "cannot open database", path, r, err);
		goto out;
	}
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check(1)", -1, &st, NULL) != SQLITE_OK) {
		rc = db_fail(db, "cannot check", path, 0, err);
		goto out;
	}
	r = sqlite3_step(st);
	if (r != SQLITE_ROW)
		rc = db_fail(db, "cannot check", path, r, err);
	else if (strcmp((const char *)sqlite3_column_text(st, 0), "ok"))
		rc = sh_error_set(err, SH_ESTORE, "%s fails its integrity check: %s", path,
				  (const char *)sqlite3_column_text(st, 0));
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}
