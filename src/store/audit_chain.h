#ifndef SH_AUDIT_CHAIN_H
#define SH_AUDIT_CHAIN_H
/*
 * The audit hash chain, shared by every backend and by `audit verify`:
 * hash(row) = BLAKE2b-256(prev_hash || canonical bytes of the row).
 * The first row's prev_hash is 64 zeros.
 */
#include "store/records.h"

#define AUDIT_CHAIN_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* Computes the hash of e chained to prev (64 hex) into out (65 bytes). */
void audit_chain_hash(const char *prev, const struct audit_entry *e, char out[65]);

#endif
