#ifndef SH_CREDCACHE_H
#define SH_CREDCACHE_H
/*
 * Checked credentials kept in memory, so a bearer token or a session cookie is checked
 * without a database read on the hot path (http/auth.c). Each entry is what the store
 * answered for one token or session hash (the token or session row and its user with
 * the agency), stamped with the credentials generation read before that answer
 * (store_cred_gen). An entry is used only while the generation is still the same: any
 * committed change to a user, agency, session or token, by this process or another one
 * on the same database, changes the generation, so a revocation, a sign-out, a disabled
 * account or agency, or a new role is seen by the very next request. What an entry does
 * not decide (expiry, idle and absolute limits) is checked by the caller against the
 * clock at every request, as for a row read from the store.
 *
 * Thread-safe (one mutex); bounded (CREDCACHE_SLOTS entries, one per slot of the hash:
 * a newer credential replaces an older one in its slot). Only credentials that were
 * valid when read are kept; an unknown or revoked one goes to the store every time.
 */
#include <stdbool.h>
#include <stdint.h>
#include "lib/arena.h"
#include "store/records.h"

#define CREDCACHE_SLOTS 1024

struct credcache;

struct credcache *credcache_new(void);
/* Frees the cache and wipes what it held; accepts NULL. */
void credcache_free(struct credcache *cc);

/*
 * The entry for hash (a 64-character hex hash) of this kind (session: a session cookie,
 * else a bearer token), valid at generation gen (0: never). On a hit fills *u and *t (a
 * token: id, expires_at, scope) or *s (a session: created_at, last_seen, stage,
 * csrf_token, method) with strings copied into a; the other record fields are zero.
 * false (nothing filled) on a miss or when a runs out of memory.
 */
bool credcache_get(struct credcache *cc, uint64_t gen, bool session, const char *hash,
		   struct arena *a, struct token_rec *t, struct session_rec *s, struct user_rec *u);
/* Keeps what the store answered for hash at generation gen (read before the answer); t is
 * read for a token, s for a session. Copies everything; gen 0 keeps nothing. */
void credcache_put(struct credcache *cc, uint64_t gen, bool session, const char *hash,
		   const struct token_rec *t, const struct session_rec *s,
		   const struct user_rec *u);

#endif
