#ifndef SH_KEYCHECK_H
#define SH_KEYCHECK_H
/*
 * The key file belongs to its database. The database keeps a check value for each
 * key (settings row `key.check`: "ID:HEX ID:HEX ...", shcrypto_key_check), written
 * by init and key rotate. Every command that loads the keys checks them first, so a
 * key file from another database, or a regenerated one, is refused before it can
 * hide names (nothing opens) or seal new data under the wrong key.
 *
 * A database from before the check values (none stored) is checked against its data
 * instead: the first sealed value of each kind must open. With `adopt` the check
 * values are then stored (the one-time upgrade `serve` and `init` do).
 */
#include <stdbool.h>
#include "lib/shcrypto.h"
#include "store/store.h"

/* SH_ECONFLICT naming keyfile and the mismatch when the keys do not belong to s. */
enum sh_code keycheck_verify(struct store *s, const struct shcrypto_keys *k, const char *keyfile,
			     bool adopt, struct sh_error *err);
/* Stores the check value of key i (inside a write: init, key rotate). */
enum sh_code keycheck_record(struct store_conn *c, const struct shcrypto_keys *k, int i,
			     struct sh_error *err);
/* For /readyz: the current key's check value is stored and matches. */
bool keycheck_current_matches(struct store_conn *c, const struct shcrypto_keys *k);

#endif
