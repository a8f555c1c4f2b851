#ifndef SH_SQLITE_H
#define SH_SQLITE_H
#include "store/store.h"
extern const struct store_ops sqlite_store_ops;
#endif
