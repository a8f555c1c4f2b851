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
#include "store/records.h"

/*
 * A youth's data key in the clear (lib/shcrypto.h): present false when there is none (the
 * row is gone: sealed by court order or destroyed by retention; or the youth is from before
 * schema 13). Wipe it with youth_key_wipe.
 */
struct youth_key {
	bool present;
	unsigned char key[SHCRYPTO_YOUTH_KEY_LEN];
};
void youth_key_wipe(struct youth_key *y);
/* Seals one of the youth's values (appended to out) under their key, given wrapped as the
 * store returns it; a youth from before schema 13 (wrapped NULL) under the field key, as
 * then. Check first that the youth is not sealed. */
enum sh_code youth_seal_wrapped(const struct shcrypto_keys *k, const unsigned char *wrapped,
				size_t wrapped_len, enum sealed_kind kind, const void *plain,
				size_t len, struct buf *out, struct sh_error *err);
/* Opens one of the youth's values with their wrapped key as the store returns it (NULL when
 * it is gone): plain appended to out; SH_ENOTFOUND when sealed by court order or retention. */
enum sh_code youth_open(const struct shcrypto_keys *k, const unsigned char *wrapped,
			size_t wrapped_len, enum sealed_kind kind, const void *sealed, size_t len,
			struct buf *out, struct sh_error *err);

/* Seals the identity object under the youth's key (appended to out). */
enum sh_code identity_seal(const struct youth_key *y, const json_t *identity, struct buf *out);
/* A value under the field key (from before schema 13) opened with k and sealed again under
 * the youth's key y (appended to out): key rotation gives such a youth a key. */
enum sh_code youth_reseal(const struct shcrypto_keys *k, const struct youth_key *y,
			  enum sealed_kind kind, const void *sealed, size_t len, struct buf *out,
			  struct sh_error *err);
/* Opens a sealed identity; NULL when it cannot be read (or was sealed). The caller decrefs. */
json_t *identity_open(const struct shcrypto_keys *k, const unsigned char *wrapped,
		      size_t wrapped_len, const unsigned char *sealed, size_t len);
/*
 * The blind index of first_name + last_name + birth_date (lowercase letters and
 * digits only, so spacing, case and punctuation do not matter). false, and out
 * untouched, when one of the three is missing.
 */
bool identity_blind_index(const struct shcrypto_keys *k, const json_t *identity, char out[65]);

#endif
