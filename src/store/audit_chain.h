#ifndef SH_AUDIT_CHAIN_H
#define SH_AUDIT_CHAIN_H
/*
 * The audit chain, shared by every backend and by `audit verify`.
 *
 * Each audit row stores prev_hash (the previous row's hash; 64 zeros for the first) and
 * hash = keyed BLAKE2b-256(prev_hash, every field of the row), keyed with the chain key
 * (lib/shcrypto.h shcrypto_audit_keys: derived from the key file, never in the database),
 * so nobody who can only write the database can rewrite a row and recompute the chain.
 *
 * Timeline events are in the chain too: every event the store writes is followed in the
 * same transaction by an anchor row (action "event.chain", ref_event = the event's id,
 * ref_mac = the keyed MAC of the event's stored fields). A later legitimate change of an
 * event row (a key rotation re-seals its text) writes a new anchor; the latest one must
 * match the row.
 *
 * Encoding: a domain string, then every field in a fixed order; integers as 8 bytes big
 * endian, text as a presence byte, an 8-byte length and the bytes. No text can shift one
 * field into the next, and NULL differs from "".
 */
#include <stddef.h>
#include "store/records.h"

#define AUDIT_CHAIN_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"
#define AUDIT_CHAIN_KEY_LEN 32
#define AUDIT_ANCHOR_ACTION "event.chain"
/* The first schema version whose chain is keyed and anchors events; a database before it
 * chains rows with audit_chain_hash_v1 until its upgrade re-chains them. */
#define AUDIT_CHAIN_KEYED_SCHEMA 8

/* The hash of e chained to prev (64 hex), keyed with key, into out (65 bytes). */
void audit_chain_mac(const unsigned char key[AUDIT_CHAIN_KEY_LEN], const char *prev,
		     const struct audit_entry *e, char out[65]);
/* The MAC of an event's stored fields (data_len bytes of e->data; sealed as is). */
void audit_chain_event_mac(const unsigned char key[AUDIT_CHAIN_KEY_LEN], const struct event_rec *e,
			   size_t data_len, char out[65]);
/* The signature of one line of the checkpoints file (api/checkpoints.h), keyed with the
 * checkpoint key. */
void audit_chain_checkpoint_mac(const unsigned char key[AUDIT_CHAIN_KEY_LEN], int64_t at,
				int64_t seq, const char *head, char out[65]);
/*
 * The unkeyed hash of schema versions before 8, kept only to check the old rows: when a
 * database is upgraded (they are then re-chained with the keyed MAC; sqlite_schema.c) and
 * in a copy of such a database (the backup taken before the upgrade; api/audit.h).
 */
void audit_chain_hash_v1(const char *prev, const struct audit_entry *e, char out[65]);

#endif
