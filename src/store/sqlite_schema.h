#ifndef SH_SQLITE_SCHEMA_H
#define SH_SQLITE_SCHEMA_H
#include "store/audit_chain.h"
/* Number of migrations this program knows (= the latest schema version). */
int sqlite_schema_count(void);
/* SQL that takes the schema from version-1 to version; NULL when out of range (a static string). */
const char *sqlite_schema_migration(int version);
/* What migration `version` fills after its SQL, in its transaction, from the events with
 * ?1 < id <= ?2 (run in chunks, for progress); NULL when it fills nothing (a static string). */
const char *sqlite_schema_fill(int version);
/* The migration after whose SQL the audit chain is re-keyed (sqlite_audit_rekey). */
#define SQLITE_SCHEMA_AUDIT_KEYED AUDIT_CHAIN_KEYED_SCHEMA
#endif
