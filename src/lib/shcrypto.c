#include "lib/common.h"
#include "lib/shcrypto.h"
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <sys/stat.h>

#define SEAL_VERSION 1
#define SEAL_HEADER (1 + 4 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
/* a value sealed under a youth's own data key: version, nonce, ciphertext+tag */
#define SEAL_VERSION_YOUTH 2
#define YOUTH_SEAL_HEADER (1 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
#define YOUTH_KEY_CONTEXT "youth.key"

enum sh_code shcrypto_init(struct sh_error *err)
{
	if (sodium_init() < 0)
		return sh_error_set(err, SH_EINTERNAL, "libsodium failed to initialise");
	return SH_OK;
}

char *shcrypto_keyfile_path(const char *db_path)
{
	size_t n = strlen(db_path);
	char *p;

	if (n > 3 && !strcmp(db_path + n - 3, ".db"))
		n -= 3;
	p = malloc(n + 5);
	if (!p)
		return NULL;
	memcpy(p, db_path, n);
	memcpy(p + n, ".key", 5);
	return p;
}

enum sh_code shcrypto_keyfile_create(const char *path, struct sh_error *err)
{
	unsigned char key[SHCRYPTO_KEY_LEN];
	char hex[2 * SHCRYPTO_KEY_LEN + 1];
	struct buf b = BUF_INIT;
	int fd;
	enum sh_code rc = SH_OK;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return SH_OK;
		return sh_error_set(err, SH_EIO, "cannot create key file %s: %s", path,
				    strerror(errno));
	}
	randombytes_buf(key, sizeof(key));
	shcrypto_hex(key, sizeof(key), hex);
	buf_adds(&b, "# safeharbor field-encryption keys. Secret: mode 0600, back up apart from\n"
		     "# the database. The last key encrypts; earlier ones only decrypt.\n");
	buf_addf(&b, "key 1 %s\n", hex);
	if (write(fd, b.data, b.len) != (ssize_t)b.len || fsync(fd))
		rc = sh_error_set(err, SH_EIO, "cannot write key file %s: %s", path,
				  strerror(errno));
	close(fd);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(hex, sizeof(hex));
	sodium_memzero(b.data, b.len);
	buf_release(&b);
	if (rc)
		unlink(path);
	return rc;
}

enum sh_code shcrypto_keyfile_add_key(const char *path, uint32_t *new_id, struct sh_error *err)
{
	struct shcrypto_keys k;
	struct buf text = BUF_INIT, tmp = BUF_INIT;
	unsigned char key[SHCRYPTO_KEY_LEN];
	char hex[2 * SHCRYPTO_KEY_LEN + 1], chunk[512];
	FILE *f;
	size_t n;
	int fd = -1;
	enum sh_code rc;

	if ((rc = shcrypto_keyfile_load(path, &k, err)))
		return rc;
	*new_id = k.ids[k.nkeys - 1] + 1;
	shcrypto_keys_release(&k);
	if (!(f = fopen(path, "re")))
		return sh_error_set(err, SH_EIO, "cannot read %s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&text, chunk, n);
	fclose(f);
	sodium_memzero(chunk, sizeof(chunk));
	randombytes_buf(key, sizeof(key));
	shcrypto_hex(key, sizeof(key), hex);
	if (text.len && text.data[text.len - 1] != '\n')
		buf_addch(&text, '\n');
	buf_addf(&text, "key %" PRIu32 " %s\n", *new_id, hex);
	buf_addf(&tmp, "%s.new", path);
	fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = sh_error_set(err, SH_EIO, "cannot write %s: %s", tmp.data, strerror(errno));
	} else {
		bool ok = write(fd, text.data, text.len) == (ssize_t)text.len && fsync(fd) == 0;
		ok = close(fd) == 0 && ok;
		if (!ok || rename(tmp.data, path)) {
			rc = sh_error_set(err, SH_EIO, "cannot write %s: %s", path,
					  strerror(errno));
			unlink(tmp.data);
		}
	}
	sodium_memzero(key, sizeof(key));
	sodium_memzero(hex, sizeof(hex));
	buf_wipe(&text);
	buf_release(&tmp);
	return rc;
}

enum sh_code shcrypto_keyfile_load(const char *path, struct shcrypto_keys *k, struct sh_error *err)
{
	struct stat st;
	FILE *f;
	char line[256];
	int lineno = 0;
	enum sh_code rc = SH_OK;

	memset(k, 0, sizeof(*k));
	f = fopen(path, "re");
	if (!f)
		return sh_error_set(err, SH_EIO,
				    "cannot open key file %s: %s (run safeharbor init)", path,
				    strerror(errno));
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & 077)) {
		fclose(f);
		return sh_error_set(err, SH_EIO,
				    "key file %s is readable by others (mode %03o); chmod 600 it",
				    path, (unsigned)(st.st_mode & 0777));
	}
	k->keys = sodium_malloc(SHCRYPTO_MAX_KEYS * SHCRYPTO_KEY_LEN);
	k->index_key = sodium_malloc(crypto_generichash_KEYBYTES);
	if (!k->keys || !k->index_key) {
		fclose(f);
		shcrypto_keys_release(k);
		return sh_error_set(err, SH_ENOMEM, "cannot allocate key memory");
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *end;
		unsigned long id;
		size_t bin_len;

		lineno++;
		if (*p == '#' || *p == '\n')
			continue;
		if (strncmp(p, "key ", 4)) {
			rc = sh_error_set(err, SH_EIO, "%s:%d: expected 'key ID HEX'", path,
					  lineno);
			break;
		}
		id = strtoul(p + 4, &end, 10);
		if (end == p + 4 || *end != ' ' || id == 0 || id > UINT32_MAX ||
		    k->nkeys >= SHCRYPTO_MAX_KEYS) {
			rc = sh_error_set(err, SH_EIO, "%s:%d: bad key id", path, lineno);
			break;
		}
		if (sodium_hex2bin(k->keys + k->nkeys * SHCRYPTO_KEY_LEN, SHCRYPTO_KEY_LEN, end + 1,
				   strlen(end + 1), "\n", &bin_len, NULL) ||
		    bin_len != SHCRYPTO_KEY_LEN) {
			rc = sh_error_set(err, SH_EIO, "%s:%d: a key is 64 hex characters", path,
					  lineno);
			break;
		}
		k->ids[k->nkeys++] = (uint32_t)id;
	}
	sodium_memzero(line, sizeof(line));
	fclose(f);
	if (!rc && k->nkeys == 0)
		rc = sh_error_set(err, SH_EIO, "%s: no key found", path);
	if (rc) {
		shcrypto_keys_release(k);
		return rc;
	}
	crypto_kdf_derive_from_key(k->index_key, crypto_generichash_KEYBYTES, 1, "blindidx",
				   k->keys + (k->nkeys - 1) * SHCRYPTO_KEY_LEN);
	return SH_OK;
}

void shcrypto_keys_release(struct shcrypto_keys *k)
{
	sodium_free(k->keys);
	sodium_free(k->index_key);
	memset(k, 0, sizeof(*k));
}

static void field_key(const unsigned char *master, unsigned char out[32])
{
	crypto_kdf_derive_from_key(out, 32, 2, "fieldenc", master);
}

/*
 * Appends header (hlen bytes, ending with a fresh nonce) and plain encrypted under key with
 * context as associated data, so a sealed field cannot be moved to another.
 */
static enum sh_code aead_seal(const unsigned char *key, const unsigned char *header, size_t hlen,
			      const void *plain, size_t len, const char *context, struct buf *out)
{
	unsigned long long clen;
	enum sh_code rc = buf_grow(out, hlen + len + crypto_aead_xchacha20poly1305_ietf_ABYTES);

	if (rc)
		return rc;
	buf_add(out, header, hlen);
	crypto_aead_xchacha20poly1305_ietf_encrypt(
		(unsigned char *)out->data + out->len, &clen, plain, len,
		(const unsigned char *)context, strlen(context), NULL,
		header + hlen - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, key);
	out->len += (size_t)clen;
	out->data[out->len] = '\0';
	return SH_OK;
}

/* What aead_seal wrote (sealed, len bytes, the header hlen of them, checked to be there),
 * decrypted and appended to out. */
static enum sh_code aead_open(const unsigned char *key, const unsigned char *sealed, size_t len,
			      size_t hlen, const char *context, struct buf *out,
			      struct sh_error *err)
{
	unsigned long long plen;
	enum sh_code rc;

	if ((rc = buf_grow(out, len)))
		return sh_error_set(err, rc, "out of memory");
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
		    (unsigned char *)out->data + out->len, &plen, NULL, sealed + hlen, len - hlen,
		    (const unsigned char *)context, strlen(context),
		    sealed + hlen - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, key))
		return sh_error_set(err, SH_EINTERNAL,
				    "an encrypted field failed its integrity check");
	out->len += (size_t)plen;
	out->data[out->len] = '\0';
	return SH_OK;
}

enum sh_code shcrypto_seal(const struct shcrypto_keys *k, const void *plain, size_t len,
			   const char *context, struct buf *out)
{
	unsigned char key[32], header[SEAL_HEADER];
	uint32_t id = k->ids[k->nkeys - 1];
	enum sh_code rc;

	header[0] = SEAL_VERSION;
	header[1] = (unsigned char)(id >> 24);
	header[2] = (unsigned char)(id >> 16);
	header[3] = (unsigned char)(id >> 8);
	header[4] = (unsigned char)id;
	randombytes_buf(header + 5, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	field_key(k->keys + (k->nkeys - 1) * SHCRYPTO_KEY_LEN, key);
	rc = aead_seal(key, header, SEAL_HEADER, plain, len, context, out);
	sodium_memzero(key, sizeof(key));
	return rc;
}

enum sh_code shcrypto_open(const struct shcrypto_keys *k, const void *sealed, size_t len,
			   const char *context, struct buf *out, struct sh_error *err)
{
	const unsigned char *s = sealed;
	unsigned char key[32];
	uint32_t id;
	int i;
	enum sh_code rc;

	if (len < SEAL_HEADER + crypto_aead_xchacha20poly1305_ietf_ABYTES || s[0] != SEAL_VERSION)
		return sh_error_set(err, SH_EINTERNAL, "an encrypted field is damaged");
	id = (uint32_t)s[1] << 24 | (uint32_t)s[2] << 16 | (uint32_t)s[3] << 8 | s[4];
	for (i = 0; i < k->nkeys && k->ids[i] != id; i++)
		;
	if (i == k->nkeys)
		return sh_error_set(err, SH_EINTERNAL, "encryption key %u is not in the key file",
				    id);
	field_key(k->keys + i * SHCRYPTO_KEY_LEN, key);
	rc = aead_open(key, s, len, SEAL_HEADER, context, out, err);
	sodium_memzero(key, sizeof(key));
	return rc;
}

enum sh_code shcrypto_youth_key_new(const struct shcrypto_keys *k,
				    unsigned char key[SHCRYPTO_YOUTH_KEY_LEN], struct buf *wrapped)
{
	randombytes_buf(key, SHCRYPTO_YOUTH_KEY_LEN);
	return shcrypto_seal(k, key, SHCRYPTO_YOUTH_KEY_LEN, YOUTH_KEY_CONTEXT, wrapped);
}

enum sh_code shcrypto_youth_key_open(const struct shcrypto_keys *k, const void *wrapped, size_t len,
				     unsigned char key[SHCRYPTO_YOUTH_KEY_LEN],
				     struct sh_error *err)
{
	struct buf plain = BUF_INIT;
	enum sh_code rc = shcrypto_open(k, wrapped, len, YOUTH_KEY_CONTEXT, &plain, err);

	if (!rc && plain.len != SHCRYPTO_YOUTH_KEY_LEN)
		rc = sh_error_set(err, SH_EINTERNAL, "a youth's data key is damaged");
	if (!rc)
		memcpy(key, plain.data, SHCRYPTO_YOUTH_KEY_LEN);
	buf_wipe(&plain);
	return rc;
}

enum sh_code shcrypto_seal_youth(const unsigned char key[SHCRYPTO_YOUTH_KEY_LEN], const void *plain,
				 size_t len, const char *context, struct buf *out)
{
	unsigned char header[YOUTH_SEAL_HEADER];

	header[0] = SEAL_VERSION_YOUTH;
	randombytes_buf(header + 1, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	return aead_seal(key, header, YOUTH_SEAL_HEADER, plain, len, context, out);
}

enum sh_code shcrypto_open_youth(const struct shcrypto_keys *k, const unsigned char *youth_key,
				 const void *sealed, size_t len, const char *context,
				 struct buf *out, struct sh_error *err)
{
	const unsigned char *s = sealed;

	if (len < 1 || s[0] != SEAL_VERSION_YOUTH)
		return shcrypto_open(k, sealed, len, context, out, err);
	if (!youth_key)
		return sh_error_set(err, SH_ENOTFOUND, "sealed by court order");
	if (len < YOUTH_SEAL_HEADER + crypto_aead_xchacha20poly1305_ietf_ABYTES)
		return sh_error_set(err, SH_EINTERNAL, "an encrypted field is damaged");
	return aead_open(youth_key, s, len, YOUTH_SEAL_HEADER, context, out, err);
}

void shcrypto_key_check(const struct shcrypto_keys *k, int i, char out[65])
{
	static const char label[] = "safeharbor key check v1";
	unsigned char sub[crypto_generichash_KEYBYTES], h[32];

	crypto_kdf_derive_from_key(sub, sizeof(sub), 3, "keycheck", k->keys + i * SHCRYPTO_KEY_LEN);
	crypto_generichash(h, sizeof(h), (const unsigned char *)label, sizeof(label) - 1, sub,
			   sizeof(sub));
	sodium_memzero(sub, sizeof(sub));
	shcrypto_hex(h, sizeof(h), out);
}

/* Subkey (id, ctx) of the key with the lowest id: the one every rotation keeps, so what is
 * derived from it (the audit chain's keys, stored hashes, the transfer keys) stays valid. */
static void oldest_subkey(const struct shcrypto_keys *k, uint64_t id, const char ctx[8],
			  unsigned char *out, size_t len)
{
	int oldest = 0;

	for (int i = 1; i < k->nkeys; i++)
		if (k->ids[i] < k->ids[oldest])
			oldest = i;
	crypto_kdf_derive_from_key(out, len, id, ctx, k->keys + oldest * SHCRYPTO_KEY_LEN);
}

void shcrypto_audit_keys(const struct shcrypto_keys *k, unsigned char mac[SHCRYPTO_AUDIT_KEY_LEN],
			 unsigned char checkpoint[SHCRYPTO_AUDIT_KEY_LEN])
{
	oldest_subkey(k, 3, "auditmac", mac, SHCRYPTO_AUDIT_KEY_LEN);
	oldest_subkey(k, 4, "auditchk", checkpoint, SHCRYPTO_AUDIT_KEY_LEN);
}

/* Keyed BLAKE2b of text under subkey (id, ctx) of the oldest key, so stored hashes go on
 * matching. */
static void oldest_keyed_hash(const struct shcrypto_keys *k, uint64_t id, const char ctx[8],
			      const char *text, char out[65])
{
	unsigned char sub[crypto_generichash_KEYBYTES], h[32];

	oldest_subkey(k, id, ctx, sub, sizeof(sub));
	crypto_generichash(h, sizeof(h), (const unsigned char *)text, strlen(text), sub,
			   sizeof(sub));
	sodium_memzero(sub, sizeof(sub));
	shcrypto_hex(h, sizeof(h), out);
}

void shcrypto_code_hash(const struct shcrypto_keys *k, const char *code, char out[65])
{
	oldest_keyed_hash(k, 5, "rcvcodes", code, out);
}

void shcrypto_feed_hash(const struct shcrypto_keys *k, const char *token, char out[65])
{
	oldest_keyed_hash(k, 6, "calfeeds", token, out);
}

/* A key pair from a seed derived as subkey (id, ctx) of the oldest key: the same pair for as
 * long as the key file keeps that key. */
static void oldest_keypair(const struct shcrypto_keys *k, uint64_t id, const char ctx[8],
			   int (*from_seed)(unsigned char *pk, unsigned char *sk,
					    const unsigned char *seed),
			   unsigned char *pk, unsigned char *sk)
{
	unsigned char seed[32];

	_Static_assert(crypto_box_SEEDBYTES == sizeof(seed) &&
			       crypto_sign_SEEDBYTES == sizeof(seed),
		       "both seeds are 32 bytes");
	oldest_subkey(k, id, ctx, seed, sizeof(seed));
	from_seed(pk, sk, seed);
	sodium_memzero(seed, sizeof(seed));
}

void shcrypto_transfer_keypair(const struct shcrypto_keys *k,
			       unsigned char pk[SHCRYPTO_TRANSFER_KEY_LEN],
			       unsigned char sk[SHCRYPTO_TRANSFER_KEY_LEN])
{
	oldest_keypair(k, 7, "transfer", crypto_box_seed_keypair, pk, sk);
}

void shcrypto_transfer_signkeys(const struct shcrypto_keys *k,
				unsigned char pk[SHCRYPTO_TRANSFER_KEY_LEN],
				unsigned char sk[SHCRYPTO_SIGN_SECRET_LEN])
{
	oldest_keypair(k, 8, "transign", crypto_sign_seed_keypair, pk, sk);
}

void shcrypto_blind_index(const struct shcrypto_keys *k, const char *text, char out[65])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), (const unsigned char *)text, strlen(text), k->index_key,
			   crypto_generichash_KEYBYTES);
	shcrypto_hex(h, sizeof(h), out);
}

/* Argon2id takes crypto_pwhash_MEMLIMIT_INTERACTIVE (64 MiB) per hash while it runs: at
 * most this many run at once, so a burst of sign-ins waits instead of taking the
 * server's memory (32 at once would be 2 GiB). Checks for clients with recent failures
 * (suspects) run one at a time, and none starts while another check runs or waits: a
 * flood of wrong passwords shares the CPU and memory bandwidth with everyone else's
 * sign-ins only for the rest of the one hash it had started. */
#define PWHASH_MAX_CONCURRENT 2
static pthread_mutex_t pwhash_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pwhash_cv = PTHREAD_COND_INITIALIZER;
static int pwhash_running, pwhash_others_waiting;

static void pwhash_enter(bool suspect)
{
	pthread_mutex_lock(&pwhash_mu);
	if (suspect) {
		while (pwhash_running > 0 || pwhash_others_waiting > 0)
			pthread_cond_wait(&pwhash_cv, &pwhash_mu);
	} else {
		pwhash_others_waiting++;
		while (pwhash_running >= PWHASH_MAX_CONCURRENT)
			pthread_cond_wait(&pwhash_cv, &pwhash_mu);
		pwhash_others_waiting--;
	}
	pwhash_running++;
	pthread_mutex_unlock(&pwhash_mu);
}

static void pwhash_leave(bool suspect)
{
	pthread_mutex_lock(&pwhash_mu);
	UNUSED(suspect);
	pwhash_running--;
	/* waiters of both kinds: the one that may go goes */
	pthread_cond_broadcast(&pwhash_cv);
	pthread_mutex_unlock(&pwhash_mu);
}

enum sh_code shcrypto_password_hash(const char *password, char out[128], struct sh_error *err)
{
	int rc;

	pwhash_enter(false);
	rc = crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			       crypto_pwhash_MEMLIMIT_INTERACTIVE);
	pwhash_leave(false);
	if (rc)
		return sh_error_set(err, SH_ENOMEM, "password hashing ran out of memory");
	return SH_OK;
}

bool shcrypto_password_verify(const char *hash, const char *password, bool suspect)
{
	bool ok;

	pwhash_enter(suspect);
	ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
	pwhash_leave(suspect);
	return ok;
}

bool shcrypto_password_needs_rehash(const char *hash)
{
	return crypto_pwhash_str_needs_rehash(hash, crypto_pwhash_OPSLIMIT_INTERACTIVE,
					      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0;
}

void shcrypto_hex(const unsigned char *in, size_t len, char *out)
{
	sodium_bin2hex(out, len * 2 + 1, in, len);
}

void shcrypto_random_hex(char *out, size_t nbytes)
{
	unsigned char b[64];

	if (nbytes > sizeof(b))
		nbytes = sizeof(b);
	randombytes_buf(b, nbytes);
	shcrypto_hex(b, nbytes, out);
	sodium_memzero(b, sizeof(b));
}

void shcrypto_hash_hex(const void *data, size_t len, char out[65])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), data, len, NULL, 0);
	shcrypto_hex(h, sizeof(h), out);
}
