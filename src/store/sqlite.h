#ifndef SH_SQLITE_H
#define SH_SQLITE_H
#include "store/store.h"
extern const struct store_ops sqlite_store_ops;
/* store_copy, store_integrity_check and store_peek_version for SQLite files */
enum sh_code sqlite_copy(const char *from, const char *to, bool standalone, int step_pages,
			 store_progress_fn progress, void *ctx, struct store_copy_result *res,
			 struct sh_error *err);
enum sh_code sqlite_integrity_check(const char *path, struct sh_error *err);
int sqlite_peek_version(const char *path, struct sh_error *err);
#endif
