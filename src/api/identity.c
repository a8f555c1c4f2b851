#include "lib/common.h"
#include <ctype.h>
#include "api/identity.h"
#include "store/records.h"
#include "lib/jsonh.h"

enum sh_code identity_seal(const struct shcrypto_keys *k, const json_t *identity, struct buf *out)
{
	struct buf plain = BUF_INIT;
	enum sh_code rc = jsonh_dump(identity, &plain);

	if (!rc)
		rc = shcrypto_seal(k, plain.data, plain.len, sealed_context[SEALED_IDENTITY], out);
	buf_wipe(&plain);
	return rc;
}

json_t *identity_open(const struct shcrypto_keys *k, const unsigned char *sealed, size_t len)
{
	struct buf plain = BUF_INIT;
	struct sh_error err = SH_ERROR_INIT;
	json_t *v = NULL;

	if (sealed && !shcrypto_open(k, sealed, len, sealed_context[SEALED_IDENTITY], &plain, &err))
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
