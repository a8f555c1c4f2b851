/*
 * INCOMPLETE BACKEND: the PostgreSQL operations not written yet. Each operation of
 * ops.def has a pg_missing_<op> here that answers SH_ESTORE "not yet available on
 * PostgreSQL: <op>"; pg.c puts it in the table for every operation without a
 * PG_DONE_<op> line (pg_internal.h). Delete this file when every operation exists.
 */
#include "lib/common.h"
#include "store/pg_internal.h"

/* the parameters are the operation's: a fallback uses only err */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#define STORE_OP(ret, name, params, args)                                                       \
	ret pg_missing_##name params                                                            \
	{                                                                                       \
		return sh_error_set(err, SH_ESTORE, "not yet available on PostgreSQL: " #name); \
	}
#include "store/ops.def"
#undef STORE_OP
