#ifndef SH_API_AUDIT_H
#define SH_API_AUDIT_H
/*
 * Recording what people did: one audit row per read of case data and per write,
 * appended inside the same store transaction as the change it records.
 */
#include "core/access.h"
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
/* Appends the batch through the group-commit writer and waits until it is durable. */
enum sh_code audit_write(struct store *s, const struct audit_batch *b, struct sh_error *err);

struct audit_verdict {
	int64_t rows;      /* rows checked */
	int64_t bad_seq;   /* 0 when the chain holds, else the first row that fails */
	char why[160];     /* what is wrong with it */
	char head[65];     /* hash of the last row: record it elsewhere to detect truncation */
};
/* Recomputes the whole chain. SH_OK even when the chain is broken: see v->bad_seq. */
enum sh_code audit_verify(struct store *s, struct audit_verdict *v, struct sh_error *err);

#endif
