#ifndef SH_SHCRYPTO_H
#define SH_SHCRYPTO_H
/*
 * Thin wrappers over libsodium: the key file, field encryption
 * (XChaCha20-Poly1305), the keyed blind index (BLAKE2b), password hashing
 * (Argon2id), random tokens and hex. Keys live in sodium_malloc'd memory.
 */
#include <stddef.h>
#include <stdint.h>
#include "lib/buf.h"
#include "lib/error.h"

#define SHCRYPTO_KEY_LEN 32
#define SHCRYPTO_MAX_KEYS 16

struct shcrypto_keys {
	int nkeys;
	uint32_t ids[SHCRYPTO_MAX_KEYS];
	unsigned char *keys;	  /* sodium_malloc: nkeys * 32 bytes; the last is current */
	unsigned char *index_key; /* sodium_malloc: derived from the current key */
};

/* Call once before threads start. */
enum sh_code shcrypto_init(struct sh_error *err);

/* The key file for a database: "<db without .db>.key" next to it. Caller frees. */
char *shcrypto_keyfile_path(const char *db_path);
/* Creates the key file (mode 0600) with one new random key if it does not exist. */
enum sh_code shcrypto_keyfile_create(const char *path, struct sh_error *err);
/*
 * Appends a new random key (the next id) to the key file, atomically: a new file
 * is written, fsynced and renamed over the old one. Old keys stay, so everything
 * sealed before still opens. *new_id gets the new key's id.
 */
enum sh_code shcrypto_keyfile_add_key(const char *path, uint32_t *new_id, struct sh_error *err);
/* Loads keys; refuses a file readable by group or others. Release with shcrypto_keys_release. */
enum sh_code shcrypto_keyfile_load(const char *path, struct shcrypto_keys *k, struct sh_error *err);
void shcrypto_keys_release(struct shcrypto_keys *k);

/* Encrypts plain into out (appended): version, key id, nonce, ciphertext+tag. */
enum sh_code shcrypto_seal(const struct shcrypto_keys *k, const void *plain, size_t len,
			   const char *context, struct buf *out);
/* Decrypts what shcrypto_seal made, checking that it was sealed for `context`. */
enum sh_code shcrypto_open(const struct shcrypto_keys *k, const void *sealed, size_t len,
			   const char *context, struct buf *out, struct sh_error *err);
/*
 * Per-youth data keys (crypto-shredding). Every value that belongs to a youth is sealed
 * under the youth's own random key; that key is kept only wrapped (sealed under the field
 * key, context "youth.key"), so destroying its one row makes all of them unreadable.
 * shcrypto_youth_key_new fills key and appends the wrapped form to *wrapped (the caller
 * wipes key); shcrypto_youth_key_open unwraps one.
 */
#define SHCRYPTO_YOUTH_KEY_LEN 32
enum sh_code shcrypto_youth_key_new(const struct shcrypto_keys *k,
				    unsigned char key[SHCRYPTO_YOUTH_KEY_LEN], struct buf *wrapped);
enum sh_code shcrypto_youth_key_open(const struct shcrypto_keys *k, const void *wrapped, size_t len,
				     unsigned char key[SHCRYPTO_YOUTH_KEY_LEN],
				     struct sh_error *err);
/* Seals under a youth's key (appended to out; format 2: version, nonce, ciphertext+tag). */
enum sh_code shcrypto_seal_youth(const unsigned char key[SHCRYPTO_YOUTH_KEY_LEN], const void *plain,
				 size_t len, const char *context, struct buf *out);
/*
 * Opens a youth's value: format 2 with youth_key, older values (sealed under the field key
 * before schema 13) with k. youth_key NULL (the key was destroyed: sealed by court order
 * or retention) makes a format-2 value SH_ENOTFOUND.
 */
enum sh_code shcrypto_open_youth(const struct shcrypto_keys *k, const unsigned char *youth_key,
				 const void *sealed, size_t len, const char *context,
				 struct buf *out, struct sh_error *err);

/*
 * The audit chain's two keys, derived (libsodium KDF) from the key file's oldest key (the
 * lowest id), which every rotation keeps: mac keys the hash of every audit row, checkpoint
 * signs the lines of the checkpoints file. Neither is stored in the database.
 */
#define SHCRYPTO_AUDIT_KEY_LEN 32
void shcrypto_audit_keys(const struct shcrypto_keys *k, unsigned char mac[SHCRYPTO_AUDIT_KEY_LEN],
			 unsigned char checkpoint[SHCRYPTO_AUDIT_KEY_LEN]);

/*
 * The key check value of key number i (0 = oldest in the file): a keyed BLAKE2b of a
 * fixed label under a key derived from it, as 64 hex characters. The database stores
 * it (key.check.<id>), so a key file that belongs to another database, or a
 * regenerated one, is recognised before anything is read or sealed with it. It
 * reveals nothing about the key.
 */
void shcrypto_key_check(const struct shcrypto_keys *k, int i, char out[65]);
/* Keyed BLAKE2b of a one-time recovery code, as 64 hex characters, under a key derived from
 * the oldest key (kept by every rotation, so the stored hashes keep matching); someone who
 * reads the database without the key file cannot test guesses against them. */
void shcrypto_code_hash(const struct shcrypto_keys *k, const char *code, char out[65]);
/* The same for the token of a calendar feed (its secret URL), under its own subkey. */
void shcrypto_feed_hash(const struct shcrypto_keys *k, const char *token, char out[65]);
/* Keyed BLAKE2b of text, written as 64 hex characters into out[65]. */
void shcrypto_blind_index(const struct shcrypto_keys *k, const char *text, char out[65]);

/* Argon2id string hash (libsodium's interactive limits or stronger). */
enum sh_code shcrypto_password_hash(const char *password, char out[128], struct sh_error *err);
/* suspect: the client has recent failures (api/throttle.h); such checks take at most one
 * of the two hashing slots, so they cannot keep everyone else waiting. */
bool shcrypto_password_verify(const char *hash, const char *password, bool suspect);
bool shcrypto_password_needs_rehash(const char *hash);

/* n random bytes as 2n hex characters into out (size 2n+1). */
void shcrypto_random_hex(char *out, size_t nbytes);
void shcrypto_hex(const unsigned char *in, size_t len, char *out);
/* Unkeyed BLAKE2b-256 of data as 64 hex characters. */
void shcrypto_hash_hex(const void *data, size_t len, char out[65]);

#endif
