#ifndef SH_STORE_BACKEND_H
#define SH_STORE_BACKEND_H
/*
 * What a backend implements, declared from the rows of store/ops.def (the same rows that
 * make the slots of struct store_ops and the store_<op>() wrappers of store.h). A file
 * that defines record operations includes this header after defining STORE_BACKEND (the
 * prefix of its functions), so a definition whose return type or parameters differ from
 * its row fails to compile, and one missing from the table fails to link. Nothing outside
 * store/ includes it.
 *
 *   #define STORE_BACKEND sqlite
 *   #include "store/backend.h"     declares sqlite_setting_get(...), ...
 *
 * and fills its table from the same rows (STORE_OPS_SQL_ROW: an operation written once,
 * sql_<name>, for every backend):
 *
 *   #define STORE_OP(ret, name, params, args) .name = STORE_BACKEND_FN(name),
 *   #define STORE_OP_SQL STORE_OPS_SQL_ROW
 *   #include "store/ops.def"
 *
 * The operations written once (store/sql_*.c) define STORE_BACKEND sql.
 */
#include "store/store.h"

#ifndef STORE_BACKEND
#error "define STORE_BACKEND (the backend's function prefix) before including store/backend.h"
#endif

#define STORE_BACKEND_PASTE_(prefix, name) prefix##_##name
#define STORE_BACKEND_FN_(prefix, name) STORE_BACKEND_PASTE_(prefix, name)
/* The function that implements operation `name` in this backend. */
#define STORE_BACKEND_FN(name) STORE_BACKEND_FN_(STORE_BACKEND, name)

#define STORE_OP(ret, name, params, args) ret STORE_BACKEND_FN(name) params;
#define STORE_OP_SQL(ret, name, params, args) ret sql_##name params;
#include "store/ops.def"
#undef STORE_OP
#undef STORE_OP_SQL

/* A backend's table slot for an operation written once. */
#define STORE_OPS_SQL_ROW(ret, name, params, args) .name = sql_##name,

#endif
