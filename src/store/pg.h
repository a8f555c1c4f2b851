#ifndef SH_STORE_PG_H
#define SH_STORE_PG_H
/* The PostgreSQL backend's table (store.c picks it for a postgresql:// address). */
#include "store/store.h"

extern const struct store_ops pg_store_ops;

/* The schema version of the database at url (0: none yet), -1 with err set on failure. */
int pg_peek_version(const char *url, struct sh_error *err);

#endif
