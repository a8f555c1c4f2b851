#ifndef SH_STORE_H
#define SH_STORE_H
/*
 * The store: one interface, several backends (SQLite; PostgreSQL in progress). Callers
 * use only the store_* functions below; no SQL and no backend type leaks out.
 *
 * Connections. Every operation runs on a struct store_conn that is inside a
 * transaction:
 *   - reads:  store_read_begin() lends a read connection in a snapshot transaction,
 *             store_read_end() gives it back.
 *   - writes: store_write(fn) queues fn for the single writer thread, which runs the
 *             requests waiting together in one transaction (group commit), each
 *             inside its own savepoint. store_write returns only after the group is
 *             durable on disk; a request whose fn fails is rolled back alone.
 * fn runs on the writer thread: it must not block, and must not call store_write.
 * PostgreSQL (in progress: docs/architecture.md) runs fn on the caller's thread in its own
 * transaction, and runs it again when the database asks to retry (a deadlock): fn must
 * change nothing outside the transaction that a second run would repeat.
 */
#include <stdbool.h>
#include <stdint.h>
#include "lib/arena.h"
#include "lib/error.h"
#include "lib/histo.h"
#include "store/records.h"

struct store;

struct store_conn {
	struct store *store;
	bool writable;
};

typedef enum sh_code (*store_write_fn)(struct store_conn *c, void *arg, struct sh_error *err);
/* What store_write_async calls once: rc SH_OK when the write is durable, else the error
 * (err: valid during the call only). */
typedef void (*store_done_fn)(void *done_arg, enum sh_code rc, const struct sh_error *err);
struct workq;

struct store_options {
	bool create;	     /* create the database when absent (init); else refuse */
	int read_conns;	     /* size of the read pool (default 8) */
	int group_max;	     /* most requests committed together (default 256) */
	int busy_timeout_ms; /* default 5000 */
	int write_conns;     /* PostgreSQL: connections for writes, run at once (default 4) */
	bool read_only;	     /* readers only: no writer, no migrations (inspecting a copy) */
	/* PostgreSQL: the audit linker's period in milliseconds (default 200); it also runs
	 * after each commit that appended audit rows */
	int audit_link_ms;
	/* the audit chain's MAC key (AUDIT_CHAIN_KEY_LEN bytes, from shcrypto_audit_keys; copied):
	 * needed to append audit rows and to upgrade a database; NULL opens for reading only */
	const unsigned char *audit_key;
	/* a migration that fills a table from the timeline reports its progress here (done and
	 * total event ids; ctx passed back), when set: the command line's, on a terminal */
	void (*migrate_progress)(void *ctx, int64_t done, int64_t total);
	void *migrate_ctx;
};

/* The writer's figures for /metrics; the histograms live as long as the store. */
struct store_stats {
	const struct histo *group_size;	 /* requests committed together */
	const struct histo *commit_wait; /* seconds from queueing a write to its durable commit */
};

struct sq_query;
struct sq_val;
struct sq_done;

/* Backend table (style.md 8). Each backend fills one; callers never touch it. */
struct store_ops {
	const char *name;
	enum sh_code (*open)(struct store **out, const char *path, const struct store_options *o,
			     struct sh_error *err);
	void (*close)(struct store *s);
	int (*schema_version)(struct store *s);
	enum sh_code (*write)(struct store *s, store_write_fn fn, void *arg, struct sh_error *err);
	/* may be NULL: store_write_async runs write on the store's workers */
	void (*write_async)(struct store *s, store_write_fn fn, void *arg, store_done_fn done,
			    void *done_arg);
	enum sh_code (*read_begin)(struct store *s, struct store_conn **out, struct sh_error *err);
	void (*read_end)(struct store_conn *c);
	void (*stats)(struct store *s, struct store_stats *out);
	uint64_t (*cred_gen)(struct store *s);
	/* the shapes the operations written once run through (store/query.h: sql_rows,
	 * sql_row, sql_write) */
	enum sh_code (*q_rows)(struct store_conn *c, const struct sq_query *q, struct arena *a,
			       void *out, size_t *n, const struct sq_val *v, size_t nv,
			       struct sh_error *err);
	enum sh_code (*q_row)(struct store_conn *c, const struct sq_query *q, const char *missing,
			      struct arena *a, void *out, const struct sq_val *v, size_t nv,
			      struct sh_error *err);
	enum sh_code (*q_write)(struct store_conn *c, const char *sql, const char *missing,
				struct sq_done *done, const struct sq_val *v, size_t nv,
				struct sh_error *err);
#define STORE_OP(ret, name, params, args) ret(*name) params;
#include "store/ops.def"
#undef STORE_OP
};

struct store {
	const struct store_ops *ops;
	struct workq *workers; /* store_use_workers: where a backend without write_async waits */
};

/* Whether path is a libpq URI (postgresql://, postgres://) rather than a file. */
bool store_is_uri(const char *path);
/* path as it may be printed: a libpq URI with its password (user:PASSWORD@ or a password=
 * parameter) replaced by ***, written into out; a file's path as it is. Answers path or
 * out. */
const char *store_shown(const char *path, char *out, size_t n);

/*
 * Opens the database at path (a SQLite file, or a libpq URI "postgresql://..." /
 * "postgres://..."; operations PostgreSQL lacks answer SH_ESTORE naming them),
 * applies pending schema migrations, each in one transaction, and starts the
 * writer. A database with a newer schema than this program knows is refused with
 * SH_ESCHEMA and left untouched. Free with store_close().
 */
enum sh_code store_open(const char *path, const struct store_options *o, struct store **out,
			struct sh_error *err);
/* Finishes queued writes, stops the writer and closes every connection. Accepts NULL. */
void store_close(struct store *s);
int store_schema_version(struct store *s);
int store_schema_latest(void);

void store_stats(struct store *s, struct store_stats *out);

/*
 * The credentials generation: a number that changes after every committed change to a
 * user, an agency, a session or a bearer token, by any process that opened the database
 * with store_open (the server, the command line), before that write returns. A credential
 * checked at generation G (read after store_cred_gen returned G) is still as read while
 * store_cred_gen returns G. 0: not available (do not cache).
 */
uint64_t store_cred_gen(struct store *s);

/*
 * Copying a whole database (backup, restore): a consistent snapshot of `from`, taken
 * while other processes go on writing to it, into `to` (created, or replaced in one
 * transaction when it exists), `step_pages` pages at a time; progress(ctx, done, total)
 * after each step (may be NULL). standalone: `to` becomes one self-contained file
 * (rollback journal) instead of a WAL database.
 */
typedef void (*store_progress_fn)(void *ctx, int64_t done, int64_t total);
struct store_copy_result {
	int64_t pages;
	int64_t page_size;
};
enum sh_code store_copy(const char *from, const char *to, bool standalone, int step_pages,
			store_progress_fn progress, void *ctx, struct store_copy_result *res,
			struct sh_error *err);
/* The backend's own consistency check of a database (SQLite: PRAGMA integrity_check);
 * SH_ESTORE naming the first problem. */
enum sh_code store_integrity_check(const char *path, struct sh_error *err);
/* The schema version of the database at path without changing it: 0 when it is not a
 * safeharbor database yet (or empty), -1 with err set when it cannot be read. */
int store_peek_version(const char *path, struct sh_error *err);

enum sh_code store_write(struct store *s, store_write_fn fn, void *arg, struct sh_error *err);
/* the most audit rows store_audit_link links in one transaction */
#define STORE_AUDIT_LINK_PAGE 1000
/*
 * Links every audit row committed so far into the chain (PostgreSQL: store_audit_link
 * until none is left, waiting for a linker at work elsewhere; SQLite: nothing to do).
 * *linked (may be NULL) counts them.
 */
enum sh_code store_audit_link_all(struct store *s, int64_t *linked, struct sh_error *err);
/*
 * store_write without waiting: fn (and arg, kept) as there; done(done_arg, rc, err) is
 * called exactly once, after the write is durable or has failed. SQLite: the writer
 * thread calls it after the group holding the write commits (it must not block, and must
 * not call store_write). A backend that writes on the caller's connection (PostgreSQL)
 * runs the write and done on the workers given to store_use_workers, or at once on the
 * caller's thread when there are none. done may run before this returns.
 */
void store_write_async(struct store *s, store_write_fn fn, void *arg, store_done_fn done,
		       void *done_arg);
/* The worker pool (lib/workq.h; kept, not owned: stop it after the last write) on which
 * store_write_async waits for a backend that has no writer thread of its own. */
void store_use_workers(struct store *s, struct workq *q);
enum sh_code store_read_begin(struct store *s, struct store_conn **out, struct sh_error *err);
void store_read_end(struct store_conn *c);
/* store_agency_list on a read connection of its own (*out in a, as there). */
enum sh_code store_agencies(struct store *s, struct arena *a, struct agency_rec **out, size_t *n,
			    struct sh_error *err);

/* The record operations: store_<name>() for each row of ops.def, documented there. */
#define STORE_OP(ret, name, params, args)        \
	static inline ret store_##name params    \
	{                                        \
		return c->store->ops->name args; \
	}
#include "store/ops.def"
#undef STORE_OP

#endif
