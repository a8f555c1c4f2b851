#include "lib/common.h"
#include <ctype.h>
#include "api/identity.h"
#include "store/records.h"
#include "lib/jsonh.h"
#include <sodium.h>

static void youth_key_load(const struct shcrypto_keys *k, const unsigned char *wrapped, size_t len,
			   struct youth_key *out)
{
	struct sh_error err;

	sh_error_init(&err);
	out->present = wrapped && !shcrypto_youth_key_open(k, wrapped, len, out->key, &err);
}

void youth_key_wipe(struct youth_key *y)
{
	sodium_memzero(y, sizeof(*y));
}

static const unsigned char *youth_key_bytes(const struct youth_key *y)
{
	return y && y->present ? y->key : NULL;
}

static enum sh_code youth_seal(const struct youth_key *y, enum sealed_kind kind, const void *plain,
			       size_t len, struct buf *out)
{
	if (!y->present) /* never sealed under the field key again: it could not be shredded */
		return SH_EINTERNAL;
	return shcrypto_seal_youth(y->key, plain, len, sealed_context[kind], out);
}

enum sh_code youth_seal_wrapped(const struct shcrypto_keys *k, const unsigned char *wrapped,
				size_t wrapped_len, enum sealed_kind kind, const void *plain,
				size_t len, struct buf *out, struct sh_error *err)
{
	struct youth_key y;
	enum sh_code rc;

	if (!wrapped)
		return shcrypto_seal(k, plain, len, sealed_context[kind], out);
	if ((rc = shcrypto_youth_key_open(k, wrapped, wrapped_len, y.key, err)))
		return rc;
	y.present = true;
	rc = youth_seal(&y, kind, plain, len, out);
	youth_key_wipe(&y);
	return rc;
}

enum sh_code youth_open(const struct shcrypto_keys *k, const unsigned char *wrapped,
			size_t wrapped_len, enum sealed_kind kind, const void *sealed, size_t len,
			struct buf *out, struct sh_error *err)
{
	struct youth_key y;
	enum sh_code rc;

	youth_key_load(k, wrapped, wrapped_len, &y);
	rc = shcrypto_open_youth(k, youth_key_bytes(&y), sealed, len, sealed_context[kind], out,
				 err);
	youth_key_wipe(&y);
	return rc;
}

enum sh_code identity_seal(const struct youth_key *y, const json_t *identity, struct buf *out)
{
	struct buf plain = BUF_INIT;
	enum sh_code rc = jsonh_dump(identity, &plain);

	if (!rc)
		rc = youth_seal(y, SEALED_IDENTITY, plain.data, plain.len, out);
	buf_wipe(&plain);
	return rc;
}

enum sh_code youth_reseal(const struct shcrypto_keys *k, const struct youth_key *y,
			  enum sealed_kind kind, const void *sealed, size_t len, struct buf *out,
			  struct sh_error *err)
{
	struct buf plain = BUF_INIT;
	enum sh_code rc = shcrypto_open(k, sealed, len, sealed_context[kind], &plain, err);

	if (!rc && (rc = youth_seal(y, kind, plain.data, plain.len, out)))
		sh_error_set(err, rc, "could not seal a value under the youth's key");
	buf_wipe(&plain);
	return rc;
}

json_t *identity_open(const struct shcrypto_keys *k, const unsigned char *wrapped,
		      size_t wrapped_len, const unsigned char *sealed, size_t len)
{
	struct buf plain = BUF_INIT;
	struct sh_error err;
	json_t *v = NULL;

	sh_error_init(&err);
	if (sealed && len &&
	    !youth_open(k, wrapped, wrapped_len, SEALED_IDENTITY, sealed, len, &plain, &err))
		v = json_loadb(plain.data, plain.len, 0, NULL);
	buf_wipe(&plain);
	return v;
}

static void normalise(const char *s, struct buf *out)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (isalnum(ch))
			buf_addch(out, (char)tolower(ch));
		else if (ch >= 0x80)
			buf_addch(out, (char)ch);
	}
}

bool identity_blind_index(const struct shcrypto_keys *k, const json_t *identity, char out[65])
{
	const char *first = jsonh_str(identity, "first_name"),
		   *last = jsonh_str(identity, "last_name");
	const char *birth = jsonh_str(identity, "birth_date");
	struct buf norm = BUF_INIT;

	if (!first || !last || !birth)
		return false;
	buf_adds(&norm, "v1|");
	normalise(first, &norm);
	buf_addch(&norm, '|');
	normalise(last, &norm);
	buf_addch(&norm, '|');
	buf_adds(&norm, birth);
	shcrypto_blind_index(k, norm.data, out);
	buf_wipe(&norm);
	return true;
}
