#ifndef SH_CHECKPOINTS_H
#define SH_CHECKPOINTS_H
/*
 * Checkpoints of the audit chain's head, kept outside the database so that rows cut from
 * the end of the chain (or all of them) are noticed: `audit verify` checks that every
 * checkpointed row is still there with the hash it had.
 *
 * The file (by default beside the key file: "<stem>.checkpoints", mode 0600) has one line
 * per checkpoint, appended with O_APPEND and fsynced:
 *   checkpoint 1 AT SEQ HEAD MAC
 * AT is Unix seconds, SEQ the last row's number, HEAD its hash, MAC the keyed BLAKE2b of
 * the three (audit_chain_checkpoint_mac, the checkpoint key): a line cannot be edited or
 * forged without the key file. `serve` appends one at start, every --checkpoint-interval
 * seconds while the chain grows and at a clean stop, and can copy each to syslog and to a
 * webhook; `audit verify` appends the head it verified.
 */
#include <stdbool.h>
#include <stdint.h>
#include "lib/error.h"
#include "store/audit_chain.h"
#include "store/store.h"

struct checkpoint {
	int64_t at;
	int64_t seq;
	char head[65];
	int line; /* in the file (reading) */
};

/* "<key file without .key>.checkpoints". Caller frees. */
char *checkpoints_default_path(const char *keyfile);

/* Appends cp as one signed line. */
enum sh_code checkpoints_append(const char *path, const unsigned char key[AUDIT_CHAIN_KEY_LEN],
				const struct checkpoint *cp, struct sh_error *err);

/*
 * Reads every line into *out (malloc'd, *n entries; caller frees), checking each
 * signature. A missing file is no checkpoints. A line that is malformed or whose
 * signature fails stops the reading: *bad_line gets its number (0 when all hold).
 */
enum sh_code checkpoints_read(const char *path, const unsigned char key[AUDIT_CHAIN_KEY_LEN],
			      struct checkpoint **out, size_t *n, int *bad_line,
			      struct sh_error *err);

/*
 * The chain was put back to an earlier state (restore), whose row seq is now the last one
 * (the caller checked that the checkpoints up to it match): the checkpoints after it no
 * longer describe the chain. When there are any (or a line does not verify), the file is
 * renamed to "<path>.before-restore-<unix time>" (into moved_to, appended) and a new one
 * holds the checkpoints up to seq. Then head (NULL: none) is appended unless it is the
 * last one already. *kept and *dropped count the checkpoints.
 */
struct buf;
enum sh_code checkpoints_rewind(const char *path, const unsigned char key[AUDIT_CHAIN_KEY_LEN],
				int64_t seq, const struct checkpoint *head, struct buf *moved_to,
				size_t *kept, size_t *dropped, struct sh_error *err);

/* The checkpointing thread of `serve`. */
struct checkpointer_options {
	struct store *store;
	const char *path;			/* kept */
	unsigned char key[AUDIT_CHAIN_KEY_LEN]; /* the checkpoint key (copied) */
	int interval_s;				/* default 300 */
	bool syslog;				/* also LOG_AUTHPRIV|LOG_NOTICE */
	const char *webhook_url;		/* also POSTed here (kept); NULL: not */
	const char *webhook_secret;		/* signs the webhook (kept) */
};
struct checkpointer;

/* Appends a checkpoint now, then every interval while the chain grows. */
enum sh_code checkpointer_start(const struct checkpointer_options *o, struct checkpointer **out,
				struct sh_error *err);
/* Stops the thread and appends a last checkpoint (call after the last write). Accepts NULL. */
void checkpointer_stop(struct checkpointer *c);

#endif
