#ifndef SH_API_SEARCH_H
#define SH_API_SEARCH_H
/*
 * Finding a youth (POST /api/v1/search, docs/api.md): the search index of names, aliases
 * and birth dates as keyed hashes (the blind-index key; core/search.h makes the terms), kept
 * when a youth is identified or a birth date verified, and made at `serve`'s start for every
 * youth whose terms were made under another key (an upgrade, a key rotation). Also the youth
 * as lists show it: initials, to those who may see identity.
 */
#include <jansson.h>
#include "api/api.h"
#include "lib/shcrypto.h"
#include "store/store.h"

#define SEARCH_HASH_LEN 32 /* hex characters of a stored term (128 bits) */

/* The id of the key the terms are made with (the current one). */
int64_t search_key_id(const struct shcrypto_keys *k);
/* The stored form of a term (core/search.h): a keyed hash, SEARCH_HASH_LEN hex + NUL. */
void search_hash_term(const struct shcrypto_keys *k, const char *term,
		      char out[SEARCH_HASH_LEN + 1]);
/* The hashed terms of an identity (first and last names, aliases, birth date), allocated
 * from a; *n may be 0 (no name, no date). */
enum sh_code search_identity_terms(const struct shcrypto_keys *k, const json_t *identity,
				   struct arena *a, const char ***out, size_t *n,
				   struct sh_error *err);
/* Indexes every youth whose terms were not made with the current key, a batch per write
 * (each audited as "search.index"); *done gets their number. For `serve`, before it listens. */
enum sh_code search_reindex(struct store *s, const struct shcrypto_keys *k, int64_t now,
			    size_t *done, struct sh_error *err);
/* The youth in a list row for this caller: {"initials"} when it may see identity, else
 * NULL (new reference). */
json_t *search_list_youth(const struct api_request *req, const struct owed_rec *row);

#endif
