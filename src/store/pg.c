/*
 * PostgreSQL backend (libpq): connections, transactions, migrations. Record operations
 * live in pg_*.c.
 *
 * Two pools of connections: readers (store_options.read_conns) and writers
 * (store_options.write_conns), so a request holding a read transaction can always get a
 * write one. A write runs on the caller's thread: BEGIN, fn, COMMIT; many run at once and
 * PostgreSQL commits them together (its own group commit; synchronous_commit must be on,
 * checked at every connection). A transaction PostgreSQL rejects with a serialization
 * failure or a deadlock runs again, a bounded number of times.
 */
#include "lib/common.h"
#include <ctype.h>
#include <sodium.h>
#include "lib/log.h"
#include "lib/ticker.h"
#include "store/pg_internal.h"

#define PG_WRITE_ATTEMPTS 5
#define PG_DEFAULT_WRITERS 4
#define PG_DEFAULT_LINK_MS 200
/* the key of the advisory lock that serializes migrations across servers ("shmigrat") */
#define PG_MIGRATE_LOCK 0x73686d6967726174LL

static enum sh_code conn_err(struct pconn *c, const PGresult *res, struct sh_error *err)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(c->db);

	if (!msg || !*msg)
		msg = PQerrorMessage(c->db);
	if (state && !strncmp(state, "23", 2))
		return sh_error_set(err, SH_ECONFLICT, "conflicts with a stored record (%s)",
				    PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME)
					    ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME)
					    : state);
	if (state && (!strcmp(state, "40001") || !strcmp(state, "40P01"))) {
		c->retry = true;
		return sh_error_set(err, SH_EUNAVAILABLE, "the database is busy; try again");
	}
	if (PQstatus(c->db) != CONNECTION_OK)
		return sh_error_set(err, SH_EUNAVAILABLE, "the database connection was lost: %s",
				    msg);
	return sh_error_set(err, SH_ESTORE, "database error: %s", msg);
}

char *pg_placeholders(const char *sql, struct sh_error *err)
{
	char *out = strdup(sql), quote = 0;

	if (!out) {
		sh_error_set(err, SH_ENOMEM, "out of memory");
		return NULL;
	}
	for (char *p = out; *p; p++) {
		if (quote) {
			/* '' inside a literal closes and reopens it: the same state */
			if (*p == quote)
				quote = 0;
			else if (*p == '?')
				goto bad;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '?') {
			if (!isdigit((unsigned char)p[1]))
				goto bad;
			*p = '$';
		}
	}
	return out;
bad:
	free(out);
	/* a bug in the statement, not in the data: said loudly, never run mistranslated */
	sh_error_set(err, SH_EINTERNAL,
		     "a ? that is not a numbered parameter outside quotes (%.60s)", sql);
	return NULL;
}

/* The statement's name on this connection: its slot, prepared when first used from the
 * text with PostgreSQL's placeholders (kept in the slot); NULL (run unprepared from
 * *unprepared, which the caller frees) when the cache is full. */
static const char *stmt_name(struct pconn *c, const char *sql, char name[16], char **unprepared,
			     bool *ok, struct sh_error *err)
{
	PGresult *res;
	char *text;
	int i;

	*ok = true;
	*unprepared = NULL;
	for (i = 0; i < c->nstmts; i++)
		if (c->stmts[i].sql == sql && !strcmp(c->stmts[i].text, sql))
			break;
	if (i < c->nstmts) {
		snprintf(name, 16, "s%d", i);
		return name;
	}
	if (!(text = pg_placeholders(sql, err))) {
		*ok = false;
		return NULL;
	}
	if (i == PCONN_STMTS) {
		*unprepared = text;
		return NULL;
	}
	snprintf(name, 16, "s%d", i);
	if (!(c->stmts[i].text = strdup(sql))) {
		free(text);
		*ok = false;
		sh_error_set(err, SH_ENOMEM, "out of memory");
		return NULL;
	}
	res = PQprepare(c->db, name, text, 0, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		conn_err(c, res, err);
		PQclear(res);
		free(c->stmts[i].text);
		c->stmts[i].text = NULL;
		free(text);
		*ok = false;
		return NULL;
	}
	PQclear(res);
	c->stmts[i].sql = sql;
	c->stmts[i].pg_text = text;
	c->nstmts++;
	return name;
}

PGresult *pg_exec(struct pconn *c, const char *sql, const struct sq_val *v, size_t n,
		  struct sh_error *err)
{
	enum { MAXP = 32 };
	const char *vals[MAXP];
	int lens[MAXP], fmts[MAXP];
	char nums[MAXP][24], name[16], *unprepared;
	const char *stmt;
	PGresult *res;
	ExecStatusType st;
	bool ok;

	if (n > MAXP) {
		sh_error_set(err, SH_EINTERNAL, "too many values for one statement (%.60s)", sql);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		lens[i] = 0;
		fmts[i] = 0;
		switch (v[i].kind) {
		case SQ_ID:
		case SQ_INT:
			snprintf(nums[i], sizeof(nums[i]), "%" PRId64, v[i].i);
			vals[i] = v[i].kind == SQ_ID && !v[i].i ? NULL : nums[i];
			break;
		case SQ_TEXT: vals[i] = v[i].p; break;
		case SQ_BLOB:
			vals[i] = v[i].p;
			lens[i] = (int)v[i].len;
			fmts[i] = 1;
			break;
		default:
			sh_error_set(err, SH_EINTERNAL, "value %zu has no known kind (%.60s)",
				     i + 1, sql);
			return NULL;
		}
	}
	stmt = stmt_name(c, sql, name, &unprepared, &ok, err);
	if (!ok)
		return NULL;
	res = stmt ? PQexecPrepared(c->db, stmt, (int)n, vals, lens, fmts, 0)
		   : PQexecParams(c->db, unprepared, (int)n, NULL, vals, lens, fmts, 0);
	free(unprepared);
	st = PQresultStatus(res);
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		conn_err(c, res, err);
		PQclear(res);
		return NULL;
	}
	return res;
}

/* One statement without values or result, not prepared (transaction control). */
static enum sh_code exec_simple(struct pconn *c, const char *sql, struct sh_error *err)
{
	PGresult *res = PQexec(c->db, sql);
	enum sh_code rc = SH_OK;

	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = err ? conn_err(c, res, err) : SH_ESTORE;
	PQclear(res);
	return rc;
}

enum sh_code pg_need_writer(struct store_conn *c, struct sh_error *err)
{
	if (!c->writable)
		return sh_error_set(err, SH_EINTERNAL,
				    "a write was attempted on a read connection");
	return SH_OK;
}

/* sql_write (store/query.h); pg_write and pg_insert are it. */
static enum sh_code pg_q_write(struct store_conn *c, const char *sql, const char *missing,
			       struct sq_done *done, const struct sq_val *v, size_t n,
			       struct sh_error *err)
{
	struct pconn *pc = pconn_of(c);
	struct sq_done d = { 0, 0 };
	PGresult *res;

	if (done)
		*done = d;
	if (pg_need_writer(c, err) || exec_simple(pc, "SAVEPOINT w", err))
		return err->code;
	if (!(res = pg_exec(pc, sql, v, n, err))) {
		/* the statement alone is undone; the transaction goes on (unless it must be
		 * retried whole) */
		if (!pc->retry)
			exec_simple(pc, "ROLLBACK TO SAVEPOINT w", NULL);
		return err->code;
	}
	d.changes = strtoll(PQcmdTuples(res), NULL, 10);
	if (PQntuples(res) > 0 && PQnfields(res) > 0)
		d.rowid = pg_col_int(res, 0, 0);
	PQclear(res);
	if (exec_simple(pc, "RELEASE SAVEPOINT w", err))
		return err->code;
	if (done)
		*done = d;
	if (!d.changes && missing)
		return sh_error_set(err, SH_ENOTFOUND, "%s", missing);
	return SH_OK;
}

enum sh_code pg_write(struct store_conn *c, const char *sql, const char *missing, int64_t *changes,
		      const struct sq_val *v, size_t n, struct sh_error *err)
{
	struct sq_done d;
	enum sh_code rc = pg_q_write(c, sql, missing, &d, v, n, err);

	if (changes)
		*changes = d.changes;
	return rc;
}

enum sh_code pg_insert(struct store_conn *c, const char *sql, int64_t *id, const struct sq_val *v,
		       size_t n, struct sh_error *err)
{
	struct sq_done d;
	enum sh_code rc = pg_q_write(c, sql, NULL, &d, v, n, err);

	*id = d.rowid;
	return rc;
}

int64_t pg_col_int(const PGresult *res, int r, int col)
{
	const char *v;

	if (PQgetisnull(res, r, col))
		return 0;
	v = PQgetvalue(res, r, col);
	/* a boolean (EXISTS, a comparison) reads as SQLite's 0 or 1 */
	if (*v == 't' || *v == 'f')
		return *v == 't';
	return strtoll(v, NULL, 10);
}

char *pg_col_text(const PGresult *res, int r, int col, struct arena *a)
{
	if (PQgetisnull(res, r, col))
		return NULL;
	return arena_strndup(a, PQgetvalue(res, r, col), (size_t)PQgetlength(res, r, col));
}

char *pg_col_text_checked(const PGresult *res, int r, int col, struct arena *a, bool *has_nul)
{
	/* PostgreSQL text cannot hold a NUL byte */
	UNUSED(has_nul);
	return pg_col_text(res, r, col, a);
}

const unsigned char *pg_col_blob(const PGresult *res, int r, int col, struct arena *a, size_t *len)
{
	unsigned char *raw, *copy;
	size_t n = 0;

	*len = 0;
	if (PQgetisnull(res, r, col))
		return NULL;
	raw = PQunescapeBytea((const unsigned char *)PQgetvalue(res, r, col), &n);
	if (!raw)
		return NULL;
	copy = arena_alloc(a, n + 1);
	if (copy) {
		memcpy(copy, raw, n);
		*len = n;
	}
	PQfreemem(raw);
	return copy;
}

void pg_map(const PGresult *res, int r, int first, struct arena *a, void *rec,
	    const struct sq_col *cols, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *f = (char *)rec + cols[i].off;
		int col = first + (int)i;
		/* stored by memcpy: the field's type is the kind's, the pointer is untyped */
		switch (cols[i].kind) {
		case SQF_I64: {
			int64_t v = pg_col_int(res, r, col);
			memcpy(f, &v, sizeof(v));
			break;
		}
		case SQF_INT: {
			int v = (int)pg_col_int(res, r, col);
			memcpy(f, &v, sizeof(v));
			break;
		}
		case SQF_BOOL: {
			bool v = pg_col_int(res, r, col) != 0;
			memcpy(f, &v, sizeof(v));
			break;
		}
		case SQF_TEXT: {
			const char *v = pg_col_text(res, r, col, a);
			memcpy(f, &v, sizeof(v));
			break;
		}
		case SQF_BLOB: {
			size_t len;
			const unsigned char *v = pg_col_blob(res, r, col, a, &len);
			memcpy(f, &v, sizeof(v));
			memcpy((char *)rec + cols[i].len_off, &len, sizeof(len));
			break;
		}
		}
	}
}

/* Row r into rec: by map, or by q's columns when map is NULL (store/query.h). */
static void map_row(const PGresult *res, int r, pg_map_fn *map, const struct sq_query *q,
		    struct arena *a, void *rec)
{
	if (map)
		map(res, r, a, rec);
	else {
		pg_map(res, r, 0, a, rec, q->cols, q->ncols);
		if (q->then)
			pg_map(res, r, (int)q->ncols, a, (char *)rec + q->then_off, q->then,
			       q->nthen);
	}
}

static enum sh_code row_of(PGresult *res, pg_map_fn *map, const struct sq_query *q, struct arena *a,
			   void *out, size_t sz, const char *missing, struct sh_error *err)
{
	bool row;

	memset(out, 0, sz);
	if (!res)
		return err->code;
	row = PQntuples(res) > 0;
	if (row)
		map_row(res, 0, map, q, a, out);
	PQclear(res);
	if (!row)
		return missing ? sh_error_set(err, SH_ENOTFOUND, "%s", missing) : SH_OK;
	return SH_OK;
}

static enum sh_code rows_of(PGresult *res, pg_map_fn *map, const struct sq_query *q,
			    struct arena *a, void *out, size_t *n, size_t sz, struct sh_error *err)
{
	void **arr = out;
	int rows;

	*arr = NULL;
	*n = 0;
	if (!res)
		return err->code;
	rows = PQntuples(res);
	if (rows > 0) {
		char *all = arena_alloc(a, (size_t)rows * sz);
		if (!all) {
			PQclear(res);
			return sh_error_set(err, SH_ENOMEM, "out of memory");
		}
		memset(all, 0, (size_t)rows * sz);
		for (int r = 0; r < rows; r++)
			map_row(res, r, map, q, a, all + (size_t)r * sz);
		*arr = all;
		*n = (size_t)rows;
	}
	PQclear(res);
	return SH_OK;
}

enum sh_code pg_row(PGresult *res, pg_map_fn *map, struct arena *a, void *out, size_t sz,
		    const char *missing, struct sh_error *err)
{
	return row_of(res, map, NULL, a, out, sz, missing, err);
}

enum sh_code pg_rows(PGresult *res, pg_map_fn *map, struct arena *a, void *out, size_t *n,
		     size_t sz, struct sh_error *err)
{
	return rows_of(res, map, NULL, a, out, n, sz, err);
}

/* The shapes of store/query.h (sql_rows, sql_row). */
static enum sh_code pg_q_rows(struct store_conn *c, const struct sq_query *q, struct arena *a,
			      void *out, size_t *n, const struct sq_val *v, size_t nv,
			      struct sh_error *err)
{
	return rows_of(pg_exec(pconn_of(c), q->sql, v, nv, err), NULL, q, a, out, n, q->size, err);
}

static enum sh_code pg_q_row(struct store_conn *c, const struct sq_query *q, const char *missing,
			     struct arena *a, void *out, const struct sq_val *v, size_t nv,
			     struct sh_error *err)
{
	return row_of(pg_exec(pconn_of(c), q->sql, v, nv, err), NULL, q, a, out, q->size, missing,
		      err);
}

enum sh_code pg_value(PGresult *res, int64_t *out, struct sh_error *err)
{
	*out = 0;
	if (!res)
		return err->code;
	if (PQntuples(res) > 0 && PQnfields(res) > 0)
		*out = pg_col_int(res, 0, 0);
	PQclear(res);
	return SH_OK;
}

enum sh_code pg_text_value(PGresult *res, struct arena *a, char **out, struct sh_error *err)
{
	bool oom = false;

	*out = NULL;
	if (!res)
		return err->code;
	if (PQntuples(res) > 0 && PQnfields(res) > 0 && !PQgetisnull(res, 0, 0))
		oom = !(*out = pg_col_text(res, 0, 0, a));
	PQclear(res);
	return oom ? sh_error_set(err, SH_ENOMEM, "out of memory") : SH_OK;
}

/* ---- connections ---- */

/* A setting of the server this connection talks to, into out ("" when unknown). */
static void show(struct pconn *c, const char *sql, char *out, size_t len)
{
	PGresult *res = PQexec(c->db, sql);

	snprintf(out, len, "%s",
		 PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1
			 ? PQgetvalue(res, 0, 0)
			 : "");
	PQclear(res);
}

static enum sh_code conn_open(struct pg_store *s, struct pconn *c, bool writable,
			      struct sh_error *err)
{
	char sync[32], fsync[32];

	memset(c, 0, sizeof(*c));
	c->base.store = &s->base;
	c->base.writable = writable;
	c->db = PQconnectdb(s->url);
	if (!c->db || PQstatus(c->db) != CONNECTION_OK)
		return sh_error_set(err, SH_ESTORE, "cannot connect to the PostgreSQL database: %s",
				    c->db ? PQerrorMessage(c->db) : "out of memory");
	if (PQsetClientEncoding(c->db, "UTF8") != 0)
		return sh_error_set(err, SH_ESTORE, "the PostgreSQL server does not speak UTF-8");
	/* a request is answered only after its commit is on disk */
	show(c, "SHOW synchronous_commit", sync, sizeof(sync));
	show(c, "SHOW fsync", fsync, sizeof(fsync));
	if (!strcmp(sync, "off") || !*sync)
		return sh_error_set(err, SH_ESTORE,
				    "the PostgreSQL server has synchronous_commit=%s: a commit "
				    "could be lost after it was acknowledged; set it to on",
				    *sync ? sync : "(unknown)");
	if (strcmp(fsync, "on") != 0)
		return sh_error_set(err, SH_ESTORE,
				    "the PostgreSQL server has fsync=%s: a commit could be lost "
				    "after it was acknowledged; set it to on",
				    *fsync ? fsync : "(unknown)");
	return SH_OK;
}

static void conn_close(struct pconn *c)
{
	for (int i = 0; i < c->nstmts; i++) {
		free(c->stmts[i].text);
		free(c->stmts[i].pg_text);
	}
	c->nstmts = 0;
	if (c->db)
		PQfinish(c->db);
	c->db = NULL;
}

static enum sh_code pool_init(struct pg_pool *p, int n)
{
	p->n = n;
	pthread_cond_init(&p->cv, NULL);
	if (!n) /* a read-only store has no writers */
		return SH_OK;
	p->conns = calloc((size_t)n, sizeof(*p->conns));
	p->busy = calloc((size_t)n, sizeof(*p->busy));
	return p->conns && p->busy ? SH_OK : SH_ENOMEM;
}

static void pool_free(struct pg_pool *p)
{
	for (int i = 0; p->conns && i < p->n; i++)
		conn_close(&p->conns[i]);
	pthread_cond_destroy(&p->cv);
	free(p->conns);
	free(p->busy);
}

static struct pconn *pool_take(struct pg_store *s, struct pg_pool *p)
{
	int i;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		for (i = 0; i < p->n && p->busy[i]; i++)
			;
		if (i < p->n)
			break;
		pthread_cond_wait(&p->cv, &s->mu);
	}
	p->busy[i] = true;
	pthread_mutex_unlock(&s->mu);
	return &p->conns[i];
}

/* Gives a connection back; one that was lost is connected again first (once). */
static void pool_give(struct pg_store *s, struct pg_pool *p, struct pconn *c)
{
	if (PQstatus(c->db) != CONNECTION_OK) {
		struct sh_error ignored = SH_ERROR_INIT;
		bool writable = c->base.writable;
		conn_close(c);
		if (conn_open(s, c, writable, &ignored))
			log_warn("store: a PostgreSQL connection could not be made again: %s",
				 ignored.detail);
	}
	pthread_mutex_lock(&s->mu);
	p->busy[c - p->conns] = false;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&s->mu);
}

/* ---- migrations ---- */

/* The schema version (0: not a safeharbor database yet), -1 with err set on failure. */
static int schema_version(struct pconn *c, struct sh_error *err)
{
	PGresult *res = PQexec(c->db, "SELECT to_regclass('safeharbor_schema') IS NOT NULL");
	int v = 0;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		conn_err(c, res, err);
		PQclear(res);
		return -1;
	}
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0) {
		PQclear(res);
		return 0;
	}
	PQclear(res);
	res = PQexec(c->db, "SELECT version FROM safeharbor_schema");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		conn_err(c, res, err);
		PQclear(res);
		return -1;
	}
	v = PQntuples(res) ? (int)pg_col_int(res, 0, 0) : 0;
	PQclear(res);
	return v;
}

int pg_peek_version(const char *url, struct sh_error *err)
{
	struct pconn c = { .db = PQconnectdb(url) };
	int v = -1;

	if (!c.db || PQstatus(c.db) != CONNECTION_OK)
		sh_error_set(err, SH_ESTORE, "cannot connect to the PostgreSQL database: %s",
			     c.db ? PQerrorMessage(c.db) : "out of memory");
	else
		v = schema_version(&c, err);
	PQfinish(c.db);
	return v;
}

/*
 * Applies the migrations the database lacks, each in one transaction, under an advisory
 * lock: several servers starting at once migrate once (the others wait, then find the
 * version current).
 */
static enum sh_code migrate(struct pg_store *s, bool create, struct sh_error *err)
{
	struct pconn *w = &s->writers.conns[0];
	int latest = pg_schema_count(), v;
	char lock[96], set[96];

	snprintf(lock, sizeof(lock), "SELECT pg_advisory_xact_lock(%lld)", PG_MIGRATE_LOCK);
	for (;;) {
		if (exec_simple(w, "BEGIN", err) || exec_simple(w, lock, err))
			goto fail;
		if ((v = schema_version(w, err)) < 0)
			goto fail;
		if (v > latest) {
			exec_simple(w, "ROLLBACK", NULL);
			return sh_error_set(
				err, SH_ESCHEMA,
				"the database has schema version %d, newer than this "
				"safeharbor knows (%d); upgrade safeharbor. The database "
				"was not changed.",
				v, latest);
		}
		if (v == 0 && !create) {
			exec_simple(w, "ROLLBACK", NULL);
			return sh_error_set(err, SH_ESCHEMA,
					    "the PostgreSQL database is not a safeharbor database "
					    "yet; run: safeharbor init --db <the same address>");
		}
		if (v == latest)
			return exec_simple(w, "COMMIT", err);
		if (v == 0) {
			v = PG_SCHEMA_BASELINE - 1;
			if (exec_simple(w,
					"CREATE TABLE safeharbor_schema (version INTEGER NOT NULL);"
					"INSERT INTO safeharbor_schema VALUES (0)",
					err))
				goto fail;
		}
		snprintf(set, sizeof(set), "UPDATE safeharbor_schema SET version = %d", v + 1);
		if (exec_simple(w, pg_schema_migration(v + 1), err) || exec_simple(w, set, err) ||
		    exec_simple(w, "COMMIT", err))
			goto fail;
		log_info("store: applied schema migration %d (PostgreSQL)", v + 1);
	}
fail : {
	char why[sizeof(err->detail)];
	snprintf(why, sizeof(why), "%s", err->detail);
	exec_simple(w, "ROLLBACK", NULL);
	return sh_error_set(err, SH_ESCHEMA, "schema migration failed: %s", why);
}
}

/* ---- the audit linker ---- */

static enum sh_code pg_write_tx(struct store *base, store_write_fn fn, void *arg,
				struct sh_error *err);

static enum sh_code link_tx(struct store_conn *c, void *arg, struct sh_error *err)
{
	return pg_audit_link(c, false, arg, err);
}

/*
 * The linker's thread: links what it can see, at once again while it finds full pages,
 * soon again when another process's linker was at work (it may have missed rows committed
 * since it looked), else after link_ms or when a commit here appended rows (pg_write_tx).
 */
static int64_t link_tick(void *ctx, const struct ticker *t, int index)
{
	struct pg_store *s = ctx;
	struct sh_error err = SH_ERROR_INIT;
	int64_t linked = 0;

	UNUSED(t);
	UNUSED(index);
	if (pg_write_tx(&s->base, link_tx, &linked, &err)) {
		/* tried again at each wake, said at most every 10 s */
		time_t now = time(NULL);
		if (now - s->link_failed_logged >= 10) {
			s->link_failed_logged = now;
			log_error("audit: linking the rows written last failed (trying again): %s",
				  err.detail);
		}
		return s->link_ms;
	}
	return linked < 0 ? 10 : linked >= STORE_AUDIT_LINK_PAGE ? 0 : s->link_ms;
}

/* ---- the store ---- */

static void pg_close(struct store *base)
{
	struct pg_store *s = (struct pg_store *)base;

	if (!s)
		return;
	/* what this process appended is linked before it goes (the server after its last
	 * request, a command after its work) */
	if (s->linker) {
		struct sh_error err = SH_ERROR_INIT;

		ticker_stop(s->linker);
		if (store_audit_link_all(&s->base, NULL, &err))
			log_warn("audit: linking the rows written last failed: %s (the next "
				 "linker on this database links them)",
				 err.detail);
	}
	pool_free(&s->readers);
	pool_free(&s->writers);
	pthread_mutex_destroy(&s->mu);
	sodium_memzero(s->audit_key, sizeof(s->audit_key));
	if (s->url)
		sodium_memzero(s->url, strlen(s->url));
	free(s->url);
	free(s);
}

static enum sh_code pg_open(struct store **out, const char *url, const struct store_options *o,
			    struct sh_error *err)
{
	struct pg_store *s;
	enum sh_code rc = SH_OK;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	s->base.ops = &pg_store_ops;
	s->url = strdup(url);
	s->read_only = o->read_only;
	s->retries = PG_WRITE_ATTEMPTS;
	pthread_mutex_init(&s->mu, NULL);
	if (o->audit_key) {
		memcpy(s->audit_key, o->audit_key, sizeof(s->audit_key));
		s->has_audit_key = true;
	}
	histo_init(&s->group_size, histo_size_bounds, histo_size_nbounds);
	histo_init(&s->commit_wait, histo_latency_bounds, histo_latency_nbounds);
	if (!s->url || pool_init(&s->readers, o->read_conns > 0 ? o->read_conns : 8) ||
	    pool_init(&s->writers, o->read_only		? 0
				   : o->write_conns > 0 ? o->write_conns
							: PG_DEFAULT_WRITERS)) {
		pg_close(&s->base);
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	}
	for (int i = 0; !rc && i < s->writers.n; i++)
		rc = conn_open(s, &s->writers.conns[i], true, err);
	if (!rc && s->writers.n)
		rc = migrate(s, o->create, err);
	for (int i = 0; !rc && i < s->readers.n; i++)
		rc = conn_open(s, &s->readers.conns[i], false, err);
	if (!rc && s->writers.n && s->has_audit_key) {
		s->link_ms = o->audit_link_ms > 0 ? o->audit_link_ms : PG_DEFAULT_LINK_MS;
		rc = ticker_start(&(struct ticker_options){ .fn = link_tick, .ctx = s }, &s->linker,
				  err);
	}
	if (!rc && s->read_only) {
		int v = schema_version(&s->readers.conns[0], err);
		if (v < 0)
			rc = err->code;
		else if (v == 0 || v > pg_schema_count())
			rc = sh_error_set(err, SH_ESCHEMA,
					  "the PostgreSQL database is not a safeharbor database "
					  "this version knows (schema %d)",
					  v);
	}
	if (rc) {
		pg_close(&s->base);
		return rc;
	}
	*out = &s->base;
	return SH_OK;
}

static int pg_schema_version(struct store *base)
{
	struct pg_store *s = (struct pg_store *)base;
	struct sh_error ignored = SH_ERROR_INIT;
	struct pconn *c = pool_take(s, &s->readers);
	int v = schema_version(c, &ignored);

	pool_give(s, &s->readers, c);
	return v;
}

static void pg_stats(struct store *base, struct store_stats *out)
{
	struct pg_store *s = (struct pg_store *)base;

	out->group_size = &s->group_size;
	out->commit_wait = &s->commit_wait;
}

static enum sh_code pg_write_tx(struct store *base, store_write_fn fn, void *arg,
				struct sh_error *err)
{
	struct pg_store *s = (struct pg_store *)base;
	struct pconn *c;
	struct timespec t0, t1;
	enum sh_code rc = SH_OK;

	if (s->read_only)
		return sh_error_set(err, SH_EINTERNAL, "the database was opened read-only");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	c = pool_take(s, &s->writers);
	for (int attempt = 1; attempt <= s->retries; attempt++) {
		sh_error_init(err);
		c->retry = c->appended = false;
		if ((rc = exec_simple(c, "BEGIN", err)))
			break;
		rc = fn(&c->base, arg, err);
		if (rc) {
			exec_simple(c, "ROLLBACK", NULL);
		} else if ((rc = exec_simple(c, "COMMIT", err))) {
			exec_simple(c, "ROLLBACK", NULL);
		}
		if (!rc && c->appended && s->linker)
			ticker_wake(s->linker);
		if (!rc || !c->retry)
			break;
		log_info("store: a write was retried (PostgreSQL asked: %s)", err->detail);
	}
	pool_give(s, &s->writers, c);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	histo_observe(&s->group_size, 1);
	histo_observe(&s->commit_wait,
		      (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return rc;
}

static enum sh_code pg_read_begin(struct store *base, struct store_conn **out, struct sh_error *err)
{
	struct pg_store *s = (struct pg_store *)base;
	struct pconn *c = pool_take(s, &s->readers);

	if (exec_simple(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err)) {
		pool_give(s, &s->readers, c);
		return err->code;
	}
	*out = &c->base;
	return SH_OK;
}

static void pg_read_end(struct store_conn *c)
{
	struct pg_store *s = pstore_of(c);

	exec_simple(pconn_of(c), "COMMIT", NULL);
	pool_give(s, &s->readers, pconn_of(c));
}

const struct store_ops pg_store_ops = {
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.schema_version = pg_schema_version,
	.write = pg_write_tx,
	.read_begin = pg_read_begin,
	.read_end = pg_read_end,
	.stats = pg_stats,
	/* no shared counter across servers yet: 0 tells callers not to cache credentials */
	.cred_gen = NULL,
	.q_rows = pg_q_rows,
	.q_row = pg_q_row,
	.q_write = pg_q_write,
#define STORE_OP(ret, name, params, args) .name = STORE_BACKEND_FN(name),
#define STORE_OP_SQL STORE_OPS_SQL_ROW
#include "store/ops.def"
#undef STORE_OP_SQL
#undef STORE_OP
};
