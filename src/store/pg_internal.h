#ifndef SH_PG_INTERNAL_H
#define SH_PG_INTERNAL_H
/*
 * Shared by the PostgreSQL backend's files (pg.c: connections, transactions, migrations;
 * pg_*.c: record operations) and its unit test (tests/unit/test_store_pg.c); nothing else
 * includes it.
 */
#include <pthread.h>
#include <libpq-fe.h>
#include "lib/histo.h"
#include "store/query.h"
#include "store/pg.h"
#include "store/store.h"

#define STORE_BACKEND pg
#include "store/backend.h"

/* Prepared statements per connection: found by the SQL's address (static strings),
 * confirmed by its text; past PCONN_STMTS a statement runs unprepared. A statement may be
 * written with SQLite's ?N or PostgreSQL's $N: it is prepared from its text with each ?N
 * as $N (pg_placeholders), kept beside the key. */
#define PCONN_STMTS 512

struct pconn {
	struct store_conn base;
	PGconn *db;
	int nstmts;
	struct {
		const char *sql; /* the key: the address the SQL was passed at */
		char *text;	 /* a copy, to confirm the key */
		char *pg_text;	 /* what was prepared: the text with $N for ?N */
	} stmts[PCONN_STMTS];
	/* the open transaction failed with a serialization failure or a deadlock: pg_write
	 * runs it again */
	bool retry;
	/* the open transaction appended audit rows: the linker is woken after its commit */
	bool appended;
};

struct pg_pool {
	int n;
	struct pconn *conns;
	bool *busy;
	pthread_cond_t cv; /* waits on pg_store.mu */
};

struct pg_store {
	struct store base;
	char *url; /* as given (may hold a password: never logged) */
	struct pg_pool readers, writers;
	pthread_mutex_t mu;
	int retries; /* attempts at a write transaction that PostgreSQL asked to retry */
	bool read_only;
	struct histo commit_wait, group_size;
	unsigned char audit_key[32];
	bool has_audit_key;
	/* links committed audit rows (pg_audit_link) every link_ms and after each commit
	 * that appended some; NULL in a store that does not write */
	struct ticker *linker;
	int link_ms;
	time_t link_failed_logged; /* the linker's thread only */
};

static inline struct pconn *pconn_of(struct store_conn *c)
{
	return (struct pconn *)c;
}
static inline struct pg_store *pstore_of(struct store_conn *c)
{
	return (struct pg_store *)c->store;
}

int pg_schema_count(void);
/* The first version the PostgreSQL schema exists at (an empty database goes to it). */
#define PG_SCHEMA_BASELINE 15
const char *pg_schema_migration(int version);

/* No values: the (array, count) of a statement without parameters. */
#define PG_NONE NULL, 0

/*
 * sql with each ?N (SQLite's numbered parameter) as $N, malloc'd (the caller frees), or
 * NULL with err set: SH_EINTERNAL for a ? inside a quoted literal or identifier, or one
 * not followed by a number (PostgreSQL's jsonb operator): a statement is never run
 * mistranslated.
 */
char *pg_placeholders(const char *sql, struct sh_error *err);
/*
 * Runs sql (prepared once per connection; ?N or $N) with v bound to the parameters 1..n; the result (rows or
 * none) or NULL with err set: a unique, foreign-key or check violation is SH_ECONFLICT,
 * a serialization failure or deadlock SH_EUNAVAILABLE (and the connection's retry flag
 * set), a lost connection SH_EUNAVAILABLE, anything else SH_ESTORE. PQclear the result.
 */
PGresult *pg_exec(struct pconn *c, const char *sql, const struct sq_val *v, size_t n,
		  struct sh_error *err);
/*
 * The shape of a write, as sq_write: on a write connection, runs sql inside a savepoint
 * (so that a failed statement, a conflict, undoes itself alone and the transaction goes
 * on, as in SQLite). With missing set, changing no row is SH_ENOTFOUND with that text.
 * *changes (may be NULL) gets the rows changed.
 */
enum sh_code pg_write(struct store_conn *c, const char *sql, const char *missing, int64_t *changes,
		      const struct sq_val *v, size_t n, struct sh_error *err);
/* pg_write of an INSERT ... RETURNING id: *id the row made, 0 when none was (ON CONFLICT DO
 * NOTHING) or on failure. */
enum sh_code pg_insert(struct store_conn *c, const char *sql, int64_t *id, const struct sq_val *v,
		       size_t n, struct sh_error *err);
enum sh_code pg_need_writer(struct store_conn *c, struct sh_error *err);

/* Column values of row r. Text and bytea are copied into the arena; NULL for SQL NULL. */
int64_t pg_col_int(const PGresult *res, int r, int col);
char *pg_col_text(const PGresult *res, int r, int col, struct arena *a);
char *pg_col_text_checked(const PGresult *res, int r, int col, struct arena *a, bool *has_nul);
const unsigned char *pg_col_blob(const PGresult *res, int r, int col, struct arena *a, size_t *len);
void pg_map(const PGresult *res, int r, int first, struct arena *a, void *rec,
	    const struct sq_col *cols, size_t n);
#define PG_MAP(res, r, first, a, rec, cols) pg_map(res, r, first, a, rec, cols, ARRAY_SIZE(cols))
/* The pg_map_fn `name` that reads a whole record from the columns cols, from column 0. */
#define PG_MAPPER(name, cols)                                                    \
	static void name(const PGresult *res, int r, struct arena *a, void *rec) \
	{                                                                        \
		PG_MAP(res, r, 0, a, rec, cols);                                 \
	}

/*
 * The two shapes of a read, as sq_row and sq_rows: a mapper fills one record (rec, zeroed)
 * from row r of res. res is the result of pg_exec or NULL (err set and returned); either
 * way it is cleared on return.
 */
typedef void pg_map_fn(const PGresult *res, int r, struct arena *a, void *rec);
enum sh_code pg_row(PGresult *res, pg_map_fn *map, struct arena *a, void *out, size_t sz,
		    const char *missing, struct sh_error *err);
enum sh_code pg_rows(PGresult *res, pg_map_fn *map, struct arena *a, void *out, size_t *n,
		     size_t sz, struct sh_error *err);
/* The first column of the first row as an integer (0 without a row or for NULL). */
enum sh_code pg_value(PGresult *res, int64_t *out, struct sh_error *err);
/* The same as text copied into a (NULL without a row or for NULL). */
enum sh_code pg_text_value(PGresult *res, struct arena *a, char **out, struct sh_error *err);

/* The anchor row of an event just written or changed (store/audit_chain.h; pg_records.c);
 * at is the anchor's time. */
enum sh_code pg_audit_anchor(struct store_conn *c, const struct event_rec *ev, size_t data_len,
			     int64_t at, const char *detail, struct sh_error *err);
/* A new anchor row for an event whose stored fields changed (a key rotation, a sealing). */
enum sh_code pg_event_reanchor(struct store_conn *c, int64_t event_id, int64_t at,
			       const char *detail, struct sh_error *err);

#endif
