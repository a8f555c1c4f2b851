#ifndef SH_IDENTITY_H
#define SH_IDENTITY_H
/*
 * A youth's identity (names, aliases, birth date, contact): sealed at rest with
 * the field key, and a keyed blind index over the normalised name and birth date
 * that links recoveries of the same youth without storing either in the clear.
 */
#include <jansson.h>
#include <stdbool.h>
#include "lib/buf.h"
#include "lib/shcrypto.h"

/* Seals the identity object (appended to out). */
enum sh_code identity_seal(const struct shcrypto_keys *k, const json_t *identity, struct buf *out);
/* Opens a sealed identity; NULL when it cannot be read. The caller decrefs. */
json_t *identity_open(const struct shcrypto_keys *k, const unsigned char *sealed, size_t len);
/*
 * The blind index of first_name + last_name + birth_date (lowercase letters and
 * digits only, so spacing, case and punctuation do not matter). false, and out
 * untouched, when one of the three is missing.
 */
bool identity_blind_index(const struct shcrypto_keys *k, const json_t *identity, char out[65]);

#endif
