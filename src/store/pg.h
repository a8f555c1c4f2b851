#ifndef SH_STORE_PG_H
#define SH_STORE_PG_H
/* The PostgreSQL backend's table (store.c picks it for a postgresql:// address). */
#include "store/store.h"

extern const struct store_ops pg_store_ops;

#endif
