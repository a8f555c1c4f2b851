#ifndef SH_SQLITE_INTERNAL_H
#define SH_SQLITE_INTERNAL_H
/*
 * Shared by the SQLite backend's files (sqlite.c: connections, group commit,
 * migrations; sqlite_*.c: record operations) and by their unit test (tests/unit/test_sqlite.c);
 * nothing else includes it.
 */
#include <pthread.h>
#include <sqlite3.h>
#include "store/query.h"
#include "store/store.h"

#define STORE_BACKEND sqlite
#include "store/backend.h"

/*
 * The statement cache (sq_prep): at most SCONN_STMTS prepared statements per connection,
 * whatever SQL is passed. An entry is found by the SQL text's address (the store's SQL
 * lives in static strings, so a lookup is a pointer compare) and confirmed by the text
 * itself, so SQL built at run time in a reused buffer never gets another statement's
 * plan. When the cache is full the least recently used statement that is not mid-step is
 * finalized to make room.
 */
#define SCONN_STMTS 256

struct sconn {
	struct store_conn base;
	sqlite3 *db;
	int nstmts;	/* entries in use, never more than SCONN_STMTS */
	uint64_t clock; /* counts sq_prep calls: an entry's `used` is when it was last taken */
	struct {
		const char *sql; /* the key: the address the SQL was passed at */
		sqlite3_stmt *st;
		uint64_t used;
	} stmts[SCONN_STMTS];
};

struct sqlite_store {
	struct store base;
	char *path;
	int busy_timeout_ms;
	int group_max;
	struct sconn writer;
	pthread_t thread;
	bool thread_started;
	pthread_mutex_t mu;
	pthread_cond_t work_cv, reader_cv;
	struct wreq *head, *tail;
	bool stopping;
	/* WAL checkpoints run on their own connection and thread, never in a commit */
	struct sconn checkpointer;
	pthread_t checkpointer_thread;
	bool checkpointer_started;
	pthread_cond_t checkpoint_cv;
	bool checkpoint_wanted; /* under mu */
	int wal_pages;		/* the WAL's length after the last commit (writer thread) */
	int nreaders;
	struct sconn *readers;
	bool *reader_busy;
	/* the read pool has its own lock: borrowing a reader never waits on the writer's queue */
	pthread_mutex_t pool_mu; /* guards reader_busy; reader_cv waits on it */
	bool read_only;		 /* no writer thread: store_write refuses */
	/* /metrics: group sizes and how long a write waits for its durable commit */
	struct histo group_size, commit_wait;
	/* the audit chain's MAC key (store/audit_chain.h); wiped at close */
	unsigned char audit_key[32];
	bool has_audit_key;
	/* The credentials generation (store_cred_gen): a counter in the shared file
	 * <path>-cred, mapped by every process that opens the database, raised after each
	 * commit that changed a user, agency, session or token; NULL in a read-only store
	 * (nothing cached; a writable store that cannot map it does not open). */
	uint64_t *cred_gen;
	bool cred_dirty; /* writer thread: the open transaction changed one of those rows */
};

static inline struct sconn *sconn_of(struct store_conn *c)
{
	return (struct sconn *)c;
}
static inline struct sqlite_store *sstore_of(struct store_conn *c)
{
	return (struct sqlite_store *)c->store;
}

/*
 * A cached prepared statement for sql, reset and unbound; NULL with err set on failure.
 * The connection owns it: it stays valid until SCONN_STMTS - 1 other statements have
 * been taken from the same connection (so a caller may hold a few at once).
 */
sqlite3_stmt *sq_prep(struct sconn *c, const char *sql, struct sh_error *err);
/* Maps a SQLite result code to our error (constraint -> SH_ECONFLICT, else SH_ESTORE). */
enum sh_code sq_err(struct sconn *c, int rc, struct sh_error *err);
/* Runs one statement that returns no rows; resets it. */
enum sh_code sq_exec_stmt(struct sconn *c, sqlite3_stmt *st, struct sh_error *err);
int sq_bind_text(sqlite3_stmt *st, int i, const char *s); /* NULL binds NULL */
/* Column text copied into the arena; NULL for SQL NULL. Without an arena (a NULL), the
 * statement's own text, valid until it is stepped or reset (sq_map the same). */
char *sq_col_text(sqlite3_stmt *st, int i, struct arena *a);
/* Column blob copied into the arena (*len its size); NULL for SQL NULL. */
const unsigned char *sq_col_blob(sqlite3_stmt *st, int i, struct arena *a, size_t *len);
/* SH_ENOMEM with the one message the store uses. */
enum sh_code sq_no_mem(struct sh_error *err);
enum sh_code sq_need_writer(struct store_conn *c, struct sh_error *err);
/*
 * Makes room for one more element in an arena array of *n elements of size sz
 * (capacity doubling, tracked in *cap). Returns the new element, zeroed, or NULL.
 */
void *sq_push(struct arena *a, void **arr, size_t *n, size_t *cap, size_t sz);
/* Steps st once; SH_OK with *row set, or an error (st reset). */
enum sh_code sq_step(struct sconn *c, sqlite3_stmt *st, bool *row, struct sh_error *err);
/* sq_map reads column first + i of the current row into the field cols[i] names
 * (store/colmap.h). */
void sq_map(sqlite3_stmt *st, int first, struct arena *a, void *rec, const struct sq_col *cols,
	    size_t n);
#define SQ_MAP(st, first, a, rec, cols) sq_map(st, first, a, rec, cols, ARRAY_SIZE(cols))
/* The sq_map_fn `name` that reads a whole record from the columns cols, from column 0. */
#define SQ_MAPPER(name, cols)                                          \
	static void name(sqlite3_stmt *st, struct arena *a, void *rec) \
	{                                                              \
		SQ_MAP(st, 0, a, rec, cols);                           \
	}

/* A witness listing (witnesses w JOIN prosecutions p) as witnesses_list reads it: its
 * columns, and the reader of them from column first on (sqlite_court.c) */
#define SQ_WITNESS_COLS                                                                     \
	"w.id, w.prosecution_id, w.case_id, w.listed_at, p.agency_id, p.court_case_number," \
	" p.charges"
void sq_read_witness(sqlite3_stmt *st, int first, struct arena *a, struct witness_rec *r);
/*
 * The two shapes of a read. A mapper fills one record (rec, zeroed) from the current row
 * of st, copying text into a. st is prepared and bound, or NULL when sq_prep failed (err
 * is then set and returned); either way st is reset on return.
 *
 * sq_row: the first row into out (sz bytes, zeroed first). Without a row, SH_ENOTFOUND
 * with the text missing, or SH_OK with out left zeroed when missing is NULL.
 * sq_rows: every row, as an arena array of records of sz bytes in *out (a T **), *n of
 * them; *out is NULL and *n 0 before the first row.
 */
typedef void sq_map_fn(sqlite3_stmt *st, struct arena *a, void *rec);
enum sh_code sq_row(struct sconn *c, sqlite3_stmt *st, sq_map_fn *map, struct arena *a, void *out,
		    size_t sz, const char *missing, struct sh_error *err);
enum sh_code sq_rows(struct sconn *c, sqlite3_stmt *st, sq_map_fn *map, struct arena *a, void *out,
		     size_t *n, size_t sz, struct sh_error *err);
/* sq_row and sq_rows of sql with ?1 bound to id or to the text key: a record or list by key. */
enum sh_code sq_row_id(struct sconn *c, const char *sql, int64_t id, sq_map_fn *map,
		       struct arena *a, void *out, size_t sz, const char *missing,
		       struct sh_error *err);
enum sh_code sq_rows_id(struct sconn *c, const char *sql, int64_t id, sq_map_fn *map,
			struct arena *a, void *out, size_t *n, size_t sz, struct sh_error *err);
enum sh_code sq_rows_key(struct sconn *c, const char *sql, const char *key, sq_map_fn *map,
			 struct arena *a, void *out, size_t *n, size_t sz, struct sh_error *err);
/*
 * sql from the statement cache (sq_prep) with v[0..n) bound to ?1..?n; NULL with err set
 * when it does not prepare, when n is not the number of parameters the SQL takes or a
 * value's kind is unknown (SH_EINTERNAL: a bug, said loudly), or a value does not bind.
 * The statement is the connection's, as with sq_prep; sq_row and sq_rows take it (NULL
 * included).
 */
sqlite3_stmt *sq_bind(struct sconn *c, const char *sql, const struct sq_val *v, size_t n,
		      struct sh_error *err);
/*
 * The shape of a write: on the writer connection, runs sql (cached) with v bound as
 * sq_bind does (a RETURNING clause's rows are not read: SQLite makes every change on
 * the first step). A constraint failure is SH_ECONFLICT (sq_err). With missing set,
 * changing no row is SH_ENOTFOUND with that text. done (may be NULL) gets the rows
 * changed and, when one was, the last inserted row id (meaningful for an INSERT only);
 * both 0 on failure.
 */
enum sh_code sq_write(struct store_conn *c, const char *sql, const char *missing,
		      struct sq_done *done, const struct sq_val *v, size_t n, struct sh_error *err);
/* sq_write of an INSERT: *id is the row inserted, 0 when none was (ON CONFLICT DO NOTHING)
 * or on failure. */
enum sh_code sq_insert(struct store_conn *c, const char *sql, int64_t *id, const struct sq_val *v,
		       size_t n, struct sh_error *err);
/* The first column of st's first row as an integer into *out (0 without a row or for NULL);
 * st as sq_row takes it. */
enum sh_code sq_value(struct sconn *c, sqlite3_stmt *st, int64_t *out, struct sh_error *err);
/* The same for the first n columns, into out[0..n). */
enum sh_code sq_ints(struct sconn *c, sqlite3_stmt *st, int64_t *out, int n, struct sh_error *err);
/* The same for a text (copied into a; NULL without a row or for NULL). */
enum sh_code sq_text_value(struct sconn *c, sqlite3_stmt *st, struct arena *a, char **out,
			   struct sh_error *err);
/* Column text copied into the arena, with *has_nul set when it holds a NUL byte. */
char *sq_col_text_checked(sqlite3_stmt *st, int i, struct arena *a, bool *has_nul);

/*
 * The audit chain (sqlite_records.c). sq_audit_anchor appends the anchor row of an event
 * just written or changed (store/audit_chain.h); at is the anchor's time.
 * sqlite_audit_rekey re-chains the rows of an upgraded database with the keyed MAC and
 * anchors its events, inside the migration's transaction (sqlite.c migrate).
 */
enum sh_code sq_audit_anchor(struct store_conn *c, const struct event_rec *ev, size_t data_len,
			     int64_t at, const char *detail, struct sh_error *err);
enum sh_code sq_event_reanchor(struct store_conn *c, int64_t event_id, int64_t at,
			       const char *detail, struct sh_error *err);
enum sh_code sqlite_audit_rekey(struct sqlite_store *s, struct sh_error *err);

#endif
