#ifndef SH_RECORDS_COPY_H
#define SH_RECORDS_COPY_H
/*
 * Rows as they are stored, for copying a county between databases (store/copy.h,
 * `safeharbor migrate`): the tables copied, in an order their references allow, and one
 * row as column names and values, never opened or converted (a sealed value stays the
 * same bytes).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/error.h"

struct copy_table {
	const char *name;
	const char *lite_order; /* SQLite's ORDER BY (storage order) */
	const char *pg_order;	/* PostgreSQL's */
	const char *pg_only;	/* a PostgreSQL column not copied (generated), or NULL */
	bool derived;		/* kept by triggers as the timeline is written: compared, not
				   copied */
};
extern const struct copy_table copy_tables[];
extern const size_t copy_ntables;
/* The table of that name, or NULL with err set: the backends take table names from this
 * list only. */
const struct copy_table *copy_table_find(const char *name, struct sh_error *err);
/* Is col the table's generated column (not written)? */
bool copy_column_generated(const struct copy_table *t, const char *col);

enum store_value_kind { SV_NULL, SV_INT, SV_REAL, SV_TEXT, SV_BLOB };
struct store_value {
	enum store_value_kind kind;
	int64_t i;
	double r;
	const void *p; /* text (not NUL-terminated) or bytes */
	size_t len;
};
struct store_row {
	size_t n;
	const char *const *cols;
	const struct store_value *v;
};
/* Valid until it returns; a non-zero code stops the scan and is returned. */
typedef enum sh_code (*store_row_fn)(void *arg, const struct store_row *r, struct sh_error *err);

#endif
