#ifndef SH_STORE_COPY_H
#define SH_STORE_COPY_H
/*
 * Copying a county from one database into another, whatever their backends (`safeharbor
 * migrate`, docs/operations.md): every table of store/records_copy.h row for row, ids
 * kept, sealed values and the audit chain as the same bytes, in one transaction on the
 * target read from one snapshot of the source. The target must be empty (its schema
 * made by opening it).
 */
#include "store/store.h"

struct copy_count {
	const char *table;
	int64_t rows; /* rows in the source, and now in the target */
};

/* What was copied: the rows of each table, and the audit chain's last row in the snapshot
 * read (seq 0 and the genesis hash when it has none). */
struct copy_result {
	struct copy_count counts[64];
	int64_t audit_seq;
	char audit_head[65];
};

/* progress: after every few thousand rows and at each table's end (NULL: none) */
typedef void (*copy_progress_fn)(void *ctx, const char *table, int64_t done, int64_t total);

/*
 * Copies from into to, saying what in *out. SH_ECONFLICT naming the table when the target
 * holds any row; a failure copies nothing (the target's transaction is rolled back).
 */
enum sh_code store_copy_county(struct store *from, struct store *to, copy_progress_fn progress,
			       void *ctx, struct copy_result *out, struct sh_error *err);

/* SH_ECONFLICT naming the first table of `to` that holds a row (store_copy_county checks
 * again inside its transaction) */
enum sh_code store_copy_target_empty(struct store *to, struct sh_error *err);

#endif
