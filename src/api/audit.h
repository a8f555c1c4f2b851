#ifndef SH_API_AUDIT_H
#define SH_API_AUDIT_H
/*
 * Recording what people did: one audit row per read of case data and per write,
 * appended inside the same store transaction as the change it records.
 */
#include "api/api.h"
#include "api/checkpoints.h"
#include "core/access.h"
#include "lib/shcrypto.h"
#include "store/store.h"

/* who may be NULL (the command line, or an unauthenticated caller). */
enum sh_code audit_record(struct store_conn *c, const struct principal *who, int64_t now,
			  const char *action, const char *case_id, const char *section,
			  const char *outcome, const char *detail, struct sh_error *err);

/* A whole write of audit rows, for reads (which do not write otherwise). */
struct audit_batch {
	const struct principal *who;
	int64_t now;
	const char *action;
	const char *outcome;
	const char *detail;
	const char *const *case_ids; /* one row per case (NULL entries skipped); NULL = one row */
	size_t ncases;
	const char *section;
};
/* The batch of one row: who did action on the case *id (kept, not copied) in section at
 * now, with outcome "ok" (a read of the case that succeeded, once written). */
static inline struct audit_batch audit_case_ok(const struct principal *who, int64_t now,
					       const char *action, const char *section,
					       const char *const *id)
{
	return (struct audit_batch){ .who = who,
				     .now = now,
				     .action = action,
				     .outcome = "ok",
				     .section = section,
				     .case_ids = id,
				     .ncases = 1 };
}
/* Appends the batch through the group-commit writer and waits until it is durable. */
enum sh_code audit_write(struct store *s, const struct audit_batch *b, struct sh_error *err);
/*
 * For a read handler: instead of audit_write, leaves the batch to whoever answers req, so
 * that no thread waits for its commit. The HTTP server (http/server.c) writes every batch
 * a request deferred in one write after the handler, sends the answer only once that
 * write is durable, and sends a 500 problem instead, never the body, when it fails;
 * api_call writes them before it returns. b and everything it points at are copied into
 * req's arena. SH_ENOMEM only.
 */
enum sh_code audit_defer(struct api_request *req, const struct audit_batch *b,
			 struct sh_error *err);
/* The store_write_fn that writes what req deferred (arg: req->deferred; NULL: nothing). */
enum sh_code audit_deferred_write(struct store_conn *c, void *deferred, struct sh_error *err);

/* The audit chain's keys (lib/shcrypto.h shcrypto_audit_keys). */
struct audit_keys {
	unsigned char mac[AUDIT_CHAIN_KEY_LEN];	       /* every row's hash */
	unsigned char checkpoint[AUDIT_CHAIN_KEY_LEN]; /* the checkpoints file's lines */
};

void audit_keys_derive(const struct shcrypto_keys *k, struct audit_keys *out);
/* Opens the database at db (store_open) with the chain key derived from k. */
enum sh_code audit_store_open(const char *db, const struct shcrypto_keys *k,
			      const struct store_options *o, struct store **out,
			      struct sh_error *err);

struct audit_verdict {
	bool ok;	   /* the chain, its events and the checkpoints hold */
	bool keyed;	   /* the chain is keyed; false: a database (copy) from before schema
			       AUDIT_CHAIN_KEYED_SCHEMA, checked with the old unkeyed hash */
	int64_t rows;	   /* rows checked */
	int64_t events;	   /* timeline events checked against their anchors */
	int64_t unlinked;  /* rows committed but not linked into the chain yet (PostgreSQL:
			      written while the verification ran), not checked; and the
			      events they anchor */
	int64_t bad_seq;   /* the first audit row that fails, when it is a row */
	int64_t bad_event; /* the event that fails, when it is an event */
	char why[256]; /* what is wrong: "audit row N: ...", "event N: ...", "checkpoints ..." */
	char head[65]; /* hash of the last row */
	size_t checkpoints;	  /* checkpoints checked */
	struct checkpoint latest; /* the checkpoint with the highest row (seq 0: none) */
};
/*
 * Recomputes the whole chain with keys->mac, checks every timeline event against its
 * latest anchor row, and every checkpoint of checkpoints_path (NULL: none) against the
 * row it names. copy: s is a backup, the chain as it was when it was taken: checkpoints
 * after its last row are not asked of it (else they say rows were cut from the end).
 * SH_OK even when something fails: see v->ok and v->why. The rows waiting to be linked
 * (PostgreSQL) are linked first, unless s is a copy; those committed after that are
 * counted in v->unlinked.
 */
enum sh_code audit_verify(struct store *s, const struct audit_keys *keys,
			  const char *checkpoints_path, bool copy, struct audit_verdict *v,
			  struct sh_error *err);

#endif
