/*
 * SQLite backend: connections, the group-commit writer thread, the read pool and
 * migrations. Record operations live in sqlite_records.c.
 */
#include "lib/common.h"
#include <assert.h>
#include <sodium.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lib/log.h"
#include "store/sqlite.h"
#include "store/sqlite_internal.h"
#include "store/sqlite_schema.h"

struct wreq {
	store_write_fn fn;
	void *arg;
	struct sh_error *err;
	enum sh_code rc;
	bool done;
	pthread_cond_t cv; /* its own: the writer wakes each waiter of a group, and no other */
	struct wreq *next;
	struct timespec queued; /* when store_write queued it (CLOCK_MONOTONIC) */
	/* store_write_async: called after the group's commit instead of waking a waiter; the
	 * request is then on the heap and err points at own_err */
	store_done_fn on_done;
	void *done_arg;
	struct sh_error own_err;
};

/* Transaction control, as cached statements (sq_prep: parsed once per connection). */
static const char SQL_BEGIN[] = "BEGIN";
static const char SQL_BEGIN_IMMEDIATE[] = "BEGIN IMMEDIATE";
static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_ROLLBACK[] = "ROLLBACK";
static const char SQL_SAVEPOINT[] = "SAVEPOINT req";
static const char SQL_ROLLBACK_TO[] = "ROLLBACK TO req";
static const char SQL_RELEASE[] = "RELEASE req";

/* WAL pages after which the checkpointer copies the WAL back into the database. */
#define CHECKPOINT_PAGES 1000

/* The cache entry to fill: a free one, else the least recently used that is not mid-step
 * (finalized here); -1 when every entry is mid-step. */
static int stmt_slot(struct sconn *c)
{
	int victim = -1;

	if (c->nstmts < SCONN_STMTS)
		return c->nstmts++;
	for (int i = 0; i < SCONN_STMTS; i++)
		if (!sqlite3_stmt_busy(c->stmts[i].st) &&
		    (victim < 0 || c->stmts[i].used < c->stmts[victim].used))
			victim = i;
	if (victim >= 0) {
		sqlite3_finalize(c->stmts[victim].st);
		c->stmts[victim].st = NULL;
		c->stmts[victim].sql = NULL;
	}
	return victim;
}

sqlite3_stmt *sq_prep(struct sconn *c, const char *sql, struct sh_error *err)
{
	sqlite3_stmt *st;
	int rc, slot = -1;

	c->clock++;
	for (int i = 0; i < c->nstmts; i++) {
		if (c->stmts[i].sql != sql)
			continue;
		st = c->stmts[i].st;
		sqlite3_reset(st);
		if (strcmp(sqlite3_sql(st), sql) == 0) {
			sqlite3_clear_bindings(st);
			c->stmts[i].used = c->clock;
			return st;
		}
		/* the same address now holds other SQL (a reused buffer): replace this entry */
		sqlite3_finalize(st);
		c->stmts[i].st = NULL;
		c->stmts[i].sql = NULL;
		slot = i;
		break;
	}
	if (slot < 0 && (slot = stmt_slot(c)) < 0) {
		sh_error_set(err, SH_EINTERNAL, "statement cache full: every statement is in use");
		return NULL;
	}
	assert(c->nstmts <= SCONN_STMTS);
	rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		/* an empty entry goes last, so the cache stays a dense array */
		c->nstmts--;
		c->stmts[slot] = c->stmts[c->nstmts];
		c->stmts[c->nstmts].st = NULL;
		c->stmts[c->nstmts].sql = NULL;
		sq_err(c, rc, err);
		return NULL;
	}
	c->stmts[slot].sql = sql;
	c->stmts[slot].st = st;
	c->stmts[slot].used = c->clock;
	return st;
}

enum sh_code sq_err(struct sconn *c, int rc, struct sh_error *err)
{
	int primary = rc & 0xff;

	if (primary == SQLITE_CONSTRAINT)
		return sh_error_set(err, SH_ECONFLICT, "conflicts with a stored record (%s)",
				    sqlite3_errmsg(c->db));
	if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
		return sh_error_set(err, SH_EUNAVAILABLE, "the database is busy; try again");
	return sh_error_set(err, SH_ESTORE, "database error: %s", sqlite3_errmsg(c->db));
}

enum sh_code sq_exec_stmt(struct sconn *c, sqlite3_stmt *st, struct sh_error *err)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return sq_err(c, rc, err);
	return SH_OK;
}

int sq_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i);
}

char *sq_col_text(sqlite3_stmt *st, int i, struct arena *a)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	if (!t || !a)
		return (char *)t;
	return arena_strndup(a, (const char *)t, (size_t)sqlite3_column_bytes(st, i));
}

char *sq_col_text_checked(sqlite3_stmt *st, int i, struct arena *a, bool *has_nul)
{
	char *t = sq_col_text(st, i, a);

	if (t && strlen(t) != (size_t)sqlite3_column_bytes(st, i))
		*has_nul = true;
	return t;
}

const unsigned char *sq_col_blob(sqlite3_stmt *st, int i, struct arena *a, size_t *len)
{
	const void *b = sqlite3_column_blob(st, i);
	unsigned char *copy;

	*len = (size_t)sqlite3_column_bytes(st, i);
	if (!b)
		return NULL;
	copy = arena_alloc(a, *len + 1);
	if (copy)
		memcpy(copy, b, *len);
	return copy;
}

enum sh_code sq_no_mem(struct sh_error *err)
{
	return sh_error_set(err, SH_ENOMEM, "out of memory");
}

enum sh_code sq_need_writer(struct store_conn *c, struct sh_error *err)
{
	if (!c->writable)
		return sh_error_set(err, SH_EINTERNAL,
				    "a write was attempted on a read connection");
	return SH_OK;
}

void *sq_push(struct arena *a, void **arr, size_t *n, size_t *cap, size_t sz)
{
	void *p;

	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		void *grown = arena_alloc(a, ncap * sz);
		if (!grown)
			return NULL;
		if (*n)
			memcpy(grown, *arr, *n * sz);
		*arr = grown;
		*cap = ncap;
	}
	p = (char *)*arr + *n * sz;
	(*n)++;
	memset(p, 0, sz);
	return p;
}

enum sh_code sq_step(struct sconn *c, sqlite3_stmt *st, bool *row, struct sh_error *err)
{
	int rc = sqlite3_step(st);

	*row = rc == SQLITE_ROW;
	if (rc == SQLITE_ROW)
		return SH_OK;
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return SH_OK;
	return sq_err(c, rc, err);
}

void sq_map(sqlite3_stmt *st, int first, struct arena *a, void *rec, const struct sq_col *cols,
	    size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *f = (char *)rec + cols[i].off;
		int col = first + (int)i;
		/* stored by memcpy: the field's type is the kind's, the pointer is untyped */
		switch (cols[i].kind) {
		case SQF_I64: {
			int64_t v = sqlite3_column_int64(st, col);
			memcpy(f, &v, sizeof(v));
			break;
		}
		case SQF_INT: {
			int v = sqlite3_column_int(st, col);
			memcpy(f, &v, sizeof(v));
			break;
		}
		case SQF_BOOL: {
			bool v = sqlite3_column_int(st, col) != 0;
			memcpy(f, &v, sizeof(v));
			break;
		}
		case SQF_TEXT: {
			const char *v = sq_col_text(st, col, a);
			memcpy(f, &v, sizeof(v));
			break;
		}
		case SQF_BLOB: {
			size_t len;
			const unsigned char *v = sq_col_blob(st, col, a, &len);
			memcpy(f, &v, sizeof(v));
			memcpy((char *)rec + cols[i].len_off, &len, sizeof(len));
			break;
		}
		}
	}
}

/* One row into rec: by map, or by q's columns when map is NULL (store/query.h). */
static void map_row(sqlite3_stmt *st, sq_map_fn *map, const struct sq_query *q, struct arena *a,
		    void *rec)
{
	if (map)
		map(st, a, rec);
	else {
		sq_map(st, 0, a, rec, q->cols, q->ncols);
		if (q->then)
			sq_map(st, (int)q->ncols, a, (char *)rec + q->then_off, q->then, q->nthen);
	}
}

static enum sh_code row_of(struct sconn *c, sqlite3_stmt *st, sq_map_fn *map,
			   const struct sq_query *q, struct arena *a, void *out, size_t sz,
			   const char *missing, struct sh_error *err)
{
	bool row;
	enum sh_code rc;

	memset(out, 0, sz);
	if (!st)
		return err->code;
	if ((rc = sq_step(c, st, &row, err)))
		return rc;
	if (!row)
		return missing ? sh_error_set(err, SH_ENOTFOUND, "%s", missing) : SH_OK;
	map_row(st, map, q, a, out);
	sqlite3_reset(st);
	return SH_OK;
}

static enum sh_code rows_of(struct sconn *c, sqlite3_stmt *st, sq_map_fn *map,
			    const struct sq_query *q, struct arena *a, void *out, size_t *n,
			    size_t sz, struct sh_error *err)
{
	void **arr = out;
	size_t cap = 0;
	bool row;
	enum sh_code rc;

	*arr = NULL;
	*n = 0;
	if (!st)
		return err->code;
	while (!(rc = sq_step(c, st, &row, err)) && row) {
		void *rec = sq_push(a, arr, n, &cap, sz);
		if (!rec) {
			sqlite3_reset(st);
			return sq_no_mem(err);
		}
		map_row(st, map, q, a, rec);
	}
	sqlite3_reset(st);
	return rc;
}

enum sh_code sq_row(struct sconn *c, sqlite3_stmt *st, sq_map_fn *map, struct arena *a, void *out,
		    size_t sz, const char *missing, struct sh_error *err)
{
	return row_of(c, st, map, NULL, a, out, sz, missing, err);
}

enum sh_code sq_rows(struct sconn *c, sqlite3_stmt *st, sq_map_fn *map, struct arena *a, void *out,
		     size_t *n, size_t sz, struct sh_error *err)
{
	return rows_of(c, st, map, NULL, a, out, n, sz, err);
}

/* The shapes of store/query.h (sql_rows, sql_row; sql_write is sq_write). */
static enum sh_code sqlite_q_rows(struct store_conn *c, const struct sq_query *q, struct arena *a,
				  void *out, size_t *n, const struct sq_val *v, size_t nv,
				  struct sh_error *err)
{
	struct sconn *sc = sconn_of(c);

	return rows_of(sc, sq_bind(sc, q->sql, v, nv, err), NULL, q, a, out, n, q->size, err);
}

static enum sh_code sqlite_q_row(struct store_conn *c, const struct sq_query *q,
				 const char *missing, struct arena *a, void *out,
				 const struct sq_val *v, size_t nv, struct sh_error *err)
{
	struct sconn *sc = sconn_of(c);

	return row_of(sc, sq_bind(sc, q->sql, v, nv, err), NULL, q, a, out, q->size, missing, err);
}

enum sh_code sq_row_id(struct sconn *c, const char *sql, int64_t id, sq_map_fn *map,
		       struct arena *a, void *out, size_t sz, const char *missing,
		       struct sh_error *err)
{
	sqlite3_stmt *st = sq_prep(c, sql, err);

	if (st)
		sqlite3_bind_int64(st, 1, id);
	return sq_row(c, st, map, a, out, sz, missing, err);
}

enum sh_code sq_rows_id(struct sconn *c, const char *sql, int64_t id, sq_map_fn *map,
			struct arena *a, void *out, size_t *n, size_t sz, struct sh_error *err)
{
	sqlite3_stmt *st = sq_prep(c, sql, err);

	if (st)
		sqlite3_bind_int64(st, 1, id);
	return sq_rows(c, st, map, a, out, n, sz, err);
}

enum sh_code sq_rows_key(struct sconn *c, const char *sql, const char *key, sq_map_fn *map,
			 struct arena *a, void *out, size_t *n, size_t sz, struct sh_error *err)
{
	sqlite3_stmt *st = sq_prep(c, sql, err);

	if (st)
		sq_bind_text(st, 1, key);
	return sq_rows(c, st, map, a, out, n, sz, err);
}

sqlite3_stmt *sq_bind(struct sconn *c, const char *sql, const struct sq_val *v, size_t n,
		      struct sh_error *err)
{
	sqlite3_stmt *st = sq_prep(c, sql, err);
	int want, rc = SQLITE_OK;

	if (!st)
		return NULL;
	want = sqlite3_bind_parameter_count(st);
	if ((size_t)want != n) {
		sh_error_set(err, SH_EINTERNAL,
			     "the statement takes %d values, %zu were given (%.60s)", want, n, sql);
		return NULL;
	}
	for (size_t i = 0; i < n && rc == SQLITE_OK; i++) {
		int at = (int)i + 1;
		switch (v[i].kind) {
		case SQ_INT: rc = sqlite3_bind_int64(st, at, v[i].i); break;
		case SQ_ID:
			rc = v[i].i ? sqlite3_bind_int64(st, at, v[i].i)
				    : sqlite3_bind_null(st, at);
			break;
		case SQ_TEXT: rc = sq_bind_text(st, at, v[i].p); break;
		case SQ_BLOB:
			rc = v[i].p ? sqlite3_bind_blob64(st, at, v[i].p, v[i].len,
							  SQLITE_TRANSIENT)
				    : sqlite3_bind_null(st, at);
			break;
		default:
			sh_error_set(err, SH_EINTERNAL, "value %d has no known kind (%.60s)", at,
				     sql);
			return NULL;
		}
	}
	if (rc != SQLITE_OK) {
		sq_err(c, rc, err);
		return NULL;
	}
	return st;
}

static void map_text(sqlite3_stmt *st, struct arena *a, void *rec)
{
	char *v = sq_col_text(st, 0, a);

	memcpy(rec, &v, sizeof(v));
}

enum sh_code sq_ints(struct sconn *c, sqlite3_stmt *st, int64_t *out, int n, struct sh_error *err)
{
	bool row;
	enum sh_code rc;

	memset(out, 0, (size_t)n * sizeof(*out));
	if (!st)
		return err->code;
	if ((rc = sq_step(c, st, &row, err)) || !row)
		return rc;
	for (int i = 0; i < n; i++)
		out[i] = sqlite3_column_int64(st, i);
	sqlite3_reset(st);
	return SH_OK;
}

enum sh_code sq_value(struct sconn *c, sqlite3_stmt *st, int64_t *out, struct sh_error *err)
{
	return sq_ints(c, st, out, 1, err);
}

enum sh_code sq_text_value(struct sconn *c, sqlite3_stmt *st, struct arena *a, char **out,
			   struct sh_error *err)
{
	return sq_row(c, st, map_text, a, out, sizeof(*out), NULL, err);
}

enum sh_code sq_write(struct store_conn *c, const char *sql, const char *missing,
		      struct sq_done *done, const struct sq_val *v, size_t n, struct sh_error *err)
{
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st;
	int64_t changes;
	enum sh_code rc;

	if (done)
		*done = (struct sq_done){ 0, 0 };
	if (sq_need_writer(c, err) || !(st = sq_bind(sc, sql, v, n, err)))
		return err->code;
	if ((rc = sq_exec_stmt(sc, st, err)))
		return rc;
	changes = sqlite3_changes64(sc->db);
	if (!changes && missing)
		return sh_error_set(err, SH_ENOTFOUND, "%s", missing);
	if (done)
		*done = (struct sq_done){ changes,
					  changes ? sqlite3_last_insert_rowid(sc->db) : 0 };
	return SH_OK;
}

enum sh_code sq_insert(struct store_conn *c, const char *sql, int64_t *id, const struct sq_val *v,
		       size_t n, struct sh_error *err)
{
	struct sq_done done;
	enum sh_code rc = sq_write(c, sql, NULL, &done, v, n, err);

	*id = done.rowid;
	return rc;
}

static enum sh_code exec_sql(struct sconn *c, const char *sql, struct sh_error *err)
{
	char *msg = NULL;
	int rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		sh_error_set(err, (rc & 0xff) == SQLITE_BUSY ? SH_EUNAVAILABLE : SH_ESTORE,
			     "database error: %s", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return err ? err->code : SH_ESTORE;
	}
	return SH_OK;
}

/* One transaction-control statement, from the connection's statement cache (err may be
 * NULL when the outcome does not matter). */
static enum sh_code tx_exec(struct sconn *c, const char *sql, struct sh_error *err)
{
	sqlite3_stmt *st = sq_prep(c, sql, err);

	if (!st)
		return err ? err->code : SH_ESTORE;
	return sq_exec_stmt(c, st, err);
}

static enum sh_code conn_open(struct sqlite_store *s, struct sconn *c, bool writable, bool create,
			      struct sh_error *err)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
	int rc;

	memset(c, 0, sizeof(*c));
	c->base.store = &s->base;
	c->base.writable = writable;
	rc = sqlite3_open_v2(s->path, &c->db, flags, NULL);
	if (rc != SQLITE_OK) {
		sh_error_set(err, SH_ESTORE, "cannot open database %s: %s", s->path,
			     c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		sqlite3_close(c->db);
		c->db = NULL;
		return SH_ESTORE;
	}
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, s->busy_timeout_ms);
	/* synchronous=FULL: a commit is on disk (WAL fsynced) before we acknowledge it.
	 * temp_store=MEMORY on the writer: each request's savepoint journal stays in memory
	 * instead of a temporary file created and deleted at every group commit. */
	return exec_sql(c,
			writable ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
				   "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
				 : "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
				   "PRAGMA query_only=1;",
			err);
}

static void conn_close(struct sconn *c)
{
	for (int i = 0; i < c->nstmts; i++)
		sqlite3_finalize(c->stmts[i].st);
	c->nstmts = 0;
	sqlite3_close(c->db);
	c->db = NULL;
}

static int user_version(struct sconn *c)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Migration n's fill (sqlite_schema_fill), a chunk of event ids at a time, with progress. */
static enum sh_code migrate_fill(struct sqlite_store *s, int n, const struct store_options *o,
				 struct sh_error *err)
{
	enum { CHUNK = 100000 };
	const char *sql = sqlite_schema_fill(n);
	struct sconn *w = &s->writer;
	int64_t last = 0;
	enum sh_code rc;

	if (!sql)
		return SH_OK;
	if ((rc = sq_value(w, sq_prep(w, "SELECT coalesce(max(id), 0) FROM events", err), &last,
			   err)))
		return rc;
	for (int64_t lo = 0; lo < last; lo += CHUNK) {
		sqlite3_stmt *st = sq_bind(w, sql, SQ_VALS(sq_int(lo), sq_int(lo + CHUNK)), err);

		if (!st || (rc = sq_exec_stmt(w, st, err)))
			return err->code;
		if (o->migrate_progress)
			o->migrate_progress(o->migrate_ctx, lo + CHUNK < last ? lo + CHUNK : last,
					    last);
	}
	return SH_OK;
}

static enum sh_code migrate(struct sqlite_store *s, const struct store_options *o,
			    struct sh_error *err)
{
	bool create = o->create;
	struct sconn *w = &s->writer;
	int v = user_version(w), latest = sqlite_schema_count();
	char sql[64];

	if (v < 0)
		return sh_error_set(err, SH_ESTORE, "%s is not a SQLite database: %s", s->path,
				    sqlite3_errmsg(w->db));
	if (v > latest)
		return sh_error_set(err, SH_ESCHEMA,
				    "%s has schema version %d, newer than this safeharbor knows "
				    "(%d); upgrade safeharbor. The database was not changed.",
				    s->path, v, latest);
	if (v == 0 && !create)
		return sh_error_set(
			err, SH_ESCHEMA,
			"%s is not a safeharbor database yet; run: safeharbor init --db %s",
			s->path, s->path);
	for (int n = v + 1; n <= latest; n++) {
		if (exec_sql(w, "BEGIN IMMEDIATE", err))
			return err->code;
		snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", n);
		if (exec_sql(w, sqlite_schema_migration(n), err) ||
		    (n == SQLITE_SCHEMA_AUDIT_KEYED && sqlite_audit_rekey(s, err)) ||
		    migrate_fill(s, n, o, err) || exec_sql(w, sql, err) ||
		    exec_sql(w, "COMMIT", err)) {
			struct sh_error ignored = SH_ERROR_INIT;
			char why[sizeof(err->detail)];
			/* the detail is copied first: it is both the format's argument and the
			 * buffer written */
			snprintf(why, sizeof(why), "%s", err->detail);
			exec_sql(w, "ROLLBACK", &ignored);
			return sh_error_set(err, SH_ESCHEMA, "schema migration %d failed: %s", n,
					    why);
		}
		log_info("store: applied schema migration %d", n);
	}
	return SH_OK;
}

/* The tables a credential check reads (http/auth.c): a change to any of their rows ends
 * the credentials generation. The hook sees every row the writer changes, whatever the
 * statement; the truncate optimisation (a DELETE without WHERE) would bypass it, and no
 * statement deletes those tables whole. */
static void cred_hook(void *arg, int op, const char *dbname, const char *table, sqlite3_int64 row)
{
	struct sqlite_store *s = arg;

	UNUSED(op);
	UNUSED(dbname);
	UNUSED(row);
	if (!strcmp(table, "users") || !strcmp(table, "agencies") || !strcmp(table, "sessions") ||
	    !strcmp(table, "tokens"))
		s->cred_dirty = true;
}

/* After the writer's commit (or rollback), before any waiter is answered. */
static void cred_bump(struct sqlite_store *s)
{
	if (!s->cred_dirty)
		return;
	s->cred_dirty = false;
	if (s->cred_gen)
		__atomic_add_fetch(s->cred_gen, 1, __ATOMIC_SEQ_CST);
}

/* Maps <path>-cred (created 0600 when absent) for the credentials generation. A process
 * that writes the database without it could revoke a token that a server keeps checked in
 * memory, unseen: opening for writing fails instead. */
static enum sh_code cred_map(struct sqlite_store *s, struct sh_error *err)
{
	char side[4200];
	int fd;
	void *m = MAP_FAILED;

	snprintf(side, sizeof(side), "%s-cred", s->path);
	fd = open(side, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0 && ftruncate(fd, (off_t)sizeof(uint64_t)) == 0)
		m = mmap(NULL, sizeof(uint64_t), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		sh_error_set(err, SH_ESTORE,
			     "cannot open %s (the credentials generation every process writing the "
			     "database shares; it must be writable by the same user): %s",
			     side, strerror(errno));
	else
		s->cred_gen = m;
	if (fd >= 0)
		close(fd);
	return m == MAP_FAILED ? SH_ESTORE : SH_OK;
}

static uint64_t sqlite_cred_gen(struct store *base)
{
	struct sqlite_store *s = (struct sqlite_store *)base;

	/* + 1: a new file holds 0, which means "not available" to callers */
	return s->cred_gen ? __atomic_load_n(s->cred_gen, __ATOMIC_SEQ_CST) + 1 : 0;
}

static void run_group(struct sqlite_store *s, struct wreq *batch)
{
	struct sconn *w = &s->writer;
	struct sh_error gerr;

	sh_error_init(&gerr);
	if (tx_exec(w, SQL_BEGIN_IMMEDIATE, &gerr)) {
		for (struct wreq *r = batch; r; r = r->next)
			r->rc = sh_error_set(r->err, gerr.code, "%s", gerr.detail);
		return;
	}
	for (struct wreq *r = batch; r; r = r->next) {
		if (tx_exec(w, SQL_SAVEPOINT, r->err)) {
			r->rc = r->err->code;
			continue;
		}
		r->rc = r->fn(&w->base, r->arg, r->err);
		if (r->rc) {
			/* this request alone is undone; the rest of the group goes on */
			tx_exec(w, SQL_ROLLBACK_TO, NULL);
		}
		tx_exec(w, SQL_RELEASE, NULL);
	}
	/* synchronous=FULL: the WAL is fsynced before COMMIT returns */
	if (tx_exec(w, SQL_COMMIT, &gerr)) {
		tx_exec(w, SQL_ROLLBACK, NULL);
		for (struct wreq *r = batch; r; r = r->next)
			if (!r->rc)
				r->rc = sh_error_set(r->err, SH_ESTORE, "commit failed: %s",
						     gerr.detail);
		log_error("store: group commit failed: %s", gerr.detail);
	}
	cred_bump(s);
}

/* After each commit (writer thread): how long the WAL has grown, for the checkpointer. */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct sqlite_store *s = arg;

	UNUSED(db);
	UNUSED(name);
	s->wal_pages = pages;
	return SQLITE_OK;
}

static void *writer_main(void *arg)
{
	struct sqlite_store *s = arg;

	for (;;) {
		struct wreq *batch, *last, *next;
		int n = 1;

		pthread_mutex_lock(&s->mu);
		while (!s->head && !s->stopping)
			pthread_cond_wait(&s->work_cv, &s->mu);
		if (!s->head) {
			pthread_mutex_unlock(&s->mu);
			break;
		}
		batch = last = s->head;
		while (last->next && n < s->group_max) {
			last = last->next;
			n++;
		}
		s->head = last->next;
		if (!s->head)
			s->tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&s->mu);

		run_group(s, batch);
		histo_observe(&s->group_size, n);
		{
			struct timespec now;
			clock_gettime(CLOCK_MONOTONIC, &now);
			for (struct wreq *r = batch; r; r = r->next)
				histo_observe(&s->commit_wait,
					      (double)(now.tv_sec - r->queued.tv_sec) +
						      (double)(now.tv_nsec - r->queued.tv_nsec) /
							      1e9);
		}

		/* the asynchronous ones first, off the mutex: their callbacks may take locks of
		 * their own (the HTTP server resumes a connection) */
		for (struct wreq *r = batch, **link = &batch; r; r = next) {
			next = r->next;
			if (!r->on_done) {
				link = &r->next;
				continue;
			}
			*link = next;
			r->on_done(r->done_arg, r->rc, r->err);
			free(r);
		}
		pthread_mutex_lock(&s->mu);
		for (struct wreq *r = batch; r; r = next) {
			next = r->next; /* r lives on its waiter's stack: read next first */
			r->done = true;
			pthread_cond_signal(&r->cv);
		}
		/* the WAL is copied back by the checkpointer, off this thread: a commit never
		 * waits for a checkpoint (as SQLite's automatic one would make it) */
		if (s->wal_pages >= CHECKPOINT_PAGES && !s->checkpoint_wanted) {
			s->checkpoint_wanted = true;
			pthread_cond_signal(&s->checkpoint_cv);
		}
		pthread_mutex_unlock(&s->mu);
	}
	return NULL;
}

static void *checkpointer_main(void *arg)
{
	struct sqlite_store *s = arg;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		int rc, log_frames = 0, copied = 0;

		while (!s->checkpoint_wanted && !s->stopping)
			pthread_cond_wait(&s->checkpoint_cv, &s->mu);
		if (s->stopping)
			break;
		pthread_mutex_unlock(&s->mu);
		/* PASSIVE: copies what no reader still needs, never blocks the writer */
		rc = sqlite3_wal_checkpoint_v2(s->checkpointer.db, NULL, SQLITE_CHECKPOINT_PASSIVE,
					       &log_frames, &copied);
		if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY)
			log_warn("store: checkpoint failed: %s",
				 sqlite3_errmsg(s->checkpointer.db));
		pthread_mutex_lock(&s->mu);
		s->checkpoint_wanted = false;
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

static void sqlite_close(struct store *base)
{
	struct sqlite_store *s = (struct sqlite_store *)base;

	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	s->stopping = true;
	pthread_cond_broadcast(&s->work_cv);
	pthread_cond_broadcast(&s->checkpoint_cv);
	pthread_mutex_unlock(&s->mu);
	if (s->thread_started)
		pthread_join(s->thread, NULL);
	if (s->checkpointer_started)
		pthread_join(s->checkpointer_thread, NULL);
	for (int i = 0; i < s->nreaders; i++)
		conn_close(&s->readers[i]);
	if (s->checkpointer.db)
		conn_close(&s->checkpointer);
	if (s->writer.db) {
		struct sh_error ignored = SH_ERROR_INIT;
		/* fold the WAL back into the database file so a copy of the file is complete */
		exec_sql(&s->writer, "PRAGMA wal_checkpoint(TRUNCATE)", &ignored);
		conn_close(&s->writer);
	}
	pthread_mutex_destroy(&s->mu);
	pthread_mutex_destroy(&s->pool_mu);
	pthread_cond_destroy(&s->work_cv);
	pthread_cond_destroy(&s->reader_cv);
	pthread_cond_destroy(&s->checkpoint_cv);
	sodium_memzero(s->audit_key, sizeof(s->audit_key));
	free(s->readers);
	free(s->reader_busy);
	if (s->cred_gen)
		munmap(s->cred_gen, sizeof(uint64_t));
	free(s->path);
	free(s);
}

/* A copy being inspected (backup, restore): readers only, the schema as it is. */
static enum sh_code open_read_only(struct sqlite_store *s, struct sh_error *err)
{
	int v, latest = sqlite_schema_count();
	enum sh_code rc = SH_OK;

	for (int i = 0; !rc && i < s->nreaders; i++)
		rc = conn_open(s, &s->readers[i], false, false, err);
	if (rc)
		return rc;
	v = user_version(&s->readers[0]);
	if (v < 0)
		return sh_error_set(err, SH_ESTORE, "%s is not a SQLite database: %s", s->path,
				    sqlite3_errmsg(s->readers[0].db));
	if (v == 0)
		return sh_error_set(err, SH_ESCHEMA, "%s is not a safeharbor database", s->path);
	if (v > latest)
		return sh_error_set(err, SH_ESCHEMA,
				    "%s has schema version %d, newer than this safeharbor knows "
				    "(%d); upgrade safeharbor",
				    s->path, v, latest);
	return SH_OK;
}

static enum sh_code sqlite_open(struct store **out, const char *path, const struct store_options *o,
				struct sh_error *err)
{
	struct sqlite_store *s;
	struct stat st;
	enum sh_code rc;

	*out = NULL;
	if (!o->create && stat(path, &st) != 0)
		return sh_error_set(err, SH_ESCHEMA,
				    "no database at %s; create it with: safeharbor init --db %s",
				    path, path);
	s = calloc(1, sizeof(*s));
	if (!s)
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	s->base.ops = &sqlite_store_ops;
	s->path = strdup(path);
	s->busy_timeout_ms = o->busy_timeout_ms > 0 ? o->busy_timeout_ms : 5000;
	s->group_max = o->group_max > 0 ? o->group_max : 256;
	s->nreaders = o->read_conns > 0 ? o->read_conns : 8;
	if (o->audit_key) {
		memcpy(s->audit_key, o->audit_key, sizeof(s->audit_key));
		s->has_audit_key = true;
	}
	pthread_mutex_init(&s->mu, NULL);
	pthread_mutex_init(&s->pool_mu, NULL);
	pthread_cond_init(&s->work_cv, NULL);
	pthread_cond_init(&s->reader_cv, NULL);
	pthread_cond_init(&s->checkpoint_cv, NULL);
	s->readers = calloc((size_t)s->nreaders, sizeof(*s->readers));
	s->reader_busy = calloc((size_t)s->nreaders, sizeof(*s->reader_busy));
	if (!s->path || !s->readers || !s->reader_busy) {
		s->nreaders = 0;
		sqlite_close(&s->base);
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	}
	histo_init(&s->group_size, histo_size_bounds, histo_size_nbounds);
	histo_init(&s->commit_wait, histo_latency_bounds, histo_latency_nbounds);
	if (o->read_only) {
		s->read_only = true;
		rc = open_read_only(s, err);
		if (rc)
			sqlite_close(&s->base);
		else
			*out = &s->base;
		return rc;
	}
	rc = conn_open(s, &s->writer, true, o->create, err);
	if (!rc)
		rc = migrate(s, o, err);
	for (int i = 0; !rc && i < s->nreaders; i++)
		rc = conn_open(s, &s->readers[i], false, false, err);
	if (!rc)
		rc = conn_open(s, &s->checkpointer, true, false, err);
	if (!rc) {
		/* replaces SQLite's automatic checkpoint on the writer (see writer_main) */
		sqlite3_wal_hook(s->writer.db, wal_hook, s);
		sqlite3_update_hook(s->writer.db, cred_hook, s);
		rc = cred_map(s, err);
	}
	if (!rc) {
		if (pthread_create(&s->thread, NULL, writer_main, s) != 0)
			rc = sh_error_set(err, SH_EINTERNAL, "cannot start the writer thread");
		else
			s->thread_started = true;
	}
	if (!rc) {
		if (pthread_create(&s->checkpointer_thread, NULL, checkpointer_main, s) != 0)
			rc = sh_error_set(err, SH_EINTERNAL, "cannot start the checkpoint thread");
		else
			s->checkpointer_started = true;
	}
	if (rc) {
		sqlite_close(&s->base);
		return rc;
	}
	*out = &s->base;
	return SH_OK;
}

static void sqlite_write_async(struct store *base, store_write_fn fn, void *arg, store_done_fn done,
			       void *done_arg)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	struct wreq *r = calloc(1, sizeof(*r));
	struct sh_error err = SH_ERROR_INIT;

	if (!r) {
		done(done_arg, sh_error_set(&err, SH_ENOMEM, "out of memory"), &err);
		return;
	}
	if (s->read_only) {
		free(r);
		done(done_arg,
		     sh_error_set(&err, SH_EINTERNAL, "the database was opened read-only"), &err);
		return;
	}
	r->fn = fn;
	r->arg = arg;
	r->own_err = (struct sh_error)SH_ERROR_INIT;
	r->err = &r->own_err;
	r->on_done = done;
	r->done_arg = done_arg;
	clock_gettime(CLOCK_MONOTONIC, &r->queued);
	pthread_mutex_lock(&s->mu);
	if (s->stopping) {
		pthread_mutex_unlock(&s->mu);
		free(r);
		done(done_arg, sh_error_set(&err, SH_EUNAVAILABLE, "the server is shutting down"),
		     &err);
		return;
	}
	if (s->tail)
		s->tail->next = r;
	else
		s->head = r;
	s->tail = r;
	pthread_cond_signal(&s->work_cv);
	pthread_mutex_unlock(&s->mu);
}

static enum sh_code sqlite_read_begin(struct store *base, struct store_conn **out,
				      struct sh_error *err);
static void sqlite_read_end(struct store_conn *c);

static int sqlite_schema_version(struct store *base)
{
	struct store_conn *c;
	struct sh_error ignored = SH_ERROR_INIT;
	int v;

	if (sqlite_read_begin(base, &c, &ignored))
		return -1;
	v = user_version(sconn_of(c));
	sqlite_read_end(c);
	return v;
}

static void sqlite_stats(struct store *base, struct store_stats *out)
{
	struct sqlite_store *s = (struct sqlite_store *)base;

	out->group_size = &s->group_size;
	out->commit_wait = &s->commit_wait;
}

static enum sh_code sqlite_write(struct store *base, store_write_fn fn, void *arg,
				 struct sh_error *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	struct wreq r = { .fn = fn, .arg = arg, .err = err, .cv = PTHREAD_COND_INITIALIZER };

	if (s->read_only)
		return sh_error_set(err, SH_EINTERNAL, "the database was opened read-only");
	clock_gettime(CLOCK_MONOTONIC, &r.queued);
	pthread_mutex_lock(&s->mu);
	if (s->stopping) {
		pthread_mutex_unlock(&s->mu);
		return sh_error_set(err, SH_EUNAVAILABLE, "the server is shutting down");
	}
	if (s->tail)
		s->tail->next = &r;
	else
		s->head = &r;
	s->tail = &r;
	pthread_cond_signal(&s->work_cv);
	while (!r.done)
		pthread_cond_wait(&r.cv, &s->mu);
	pthread_mutex_unlock(&s->mu);
	pthread_cond_destroy(&r.cv); /* the writer signalled it under the mutex: done with it */
	return r.rc;
}

static enum sh_code sqlite_read_begin(struct store *base, struct store_conn **out,
				      struct sh_error *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	int i;

	pthread_mutex_lock(&s->pool_mu);
	for (;;) {
		for (i = 0; i < s->nreaders && s->reader_busy[i]; i++)
			;
		if (i < s->nreaders)
			break;
		pthread_cond_wait(&s->reader_cv, &s->pool_mu);
	}
	s->reader_busy[i] = true;
	pthread_mutex_unlock(&s->pool_mu);
	if (tx_exec(&s->readers[i], SQL_BEGIN, err)) {
		pthread_mutex_lock(&s->pool_mu);
		s->reader_busy[i] = false;
		pthread_cond_signal(&s->reader_cv);
		pthread_mutex_unlock(&s->pool_mu);
		return err->code;
	}
	*out = &s->readers[i].base;
	return SH_OK;
}

static void sqlite_read_end(struct store_conn *c)
{
	struct sqlite_store *s = sstore_of(c);
	struct sconn *sc = sconn_of(c);

	for (int i = 0; i < sc->nstmts; i++)
		if (sqlite3_stmt_busy(sc->stmts[i].st))
			sqlite3_reset(sc->stmts[i].st);
	tx_exec(sc, SQL_COMMIT, NULL);
	pthread_mutex_lock(&s->pool_mu);
	s->reader_busy[sc - s->readers] = false;
	pthread_cond_signal(&s->reader_cv);
	pthread_mutex_unlock(&s->pool_mu);
}

const struct store_ops sqlite_store_ops = {
	.name = "sqlite",
	.open = sqlite_open,
	.close = sqlite_close,
	.schema_version = sqlite_schema_version,
	.write = sqlite_write,
	.write_async = sqlite_write_async,
	.read_begin = sqlite_read_begin,
	.read_end = sqlite_read_end,
	.stats = sqlite_stats,
	.cred_gen = sqlite_cred_gen,
	.q_rows = sqlite_q_rows,
	.q_row = sqlite_q_row,
	.q_write = sq_write,
#define STORE_OP(ret, name, params, args) .name = STORE_BACKEND_FN(name),
#define STORE_OP_SQL STORE_OPS_SQL_ROW
#include "store/ops.def"
#undef STORE_OP
#undef STORE_OP_SQL
};
