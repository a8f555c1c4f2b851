/* lib/shcrypto.c: per-youth data keys (crypto-shredding) beside the field key; the county's
 * transfer keys (a case sealed to one county opens only with that county's key file; one
 * signed by a county checks only against its key; the public key survives a key rotation). */
#include "lib/common.h"
#include <setjmp.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdlib.h>
#include <unistd.h>
#include "lib/shcrypto.h"

static char dir[64];
static struct shcrypto_keys keys;

static int setup(void **state)
{
	struct sh_error err = SH_ERROR_INIT;
	char path[96];

	UNUSED(state);
	snprintf(dir, sizeof(dir), "/tmp/sh-crypto-XXXXXX");
	if (!mkdtemp(dir) || shcrypto_init(&err))
		return -1;
	snprintf(path, sizeof(path), "%s/k.key", dir);
	if (shcrypto_keyfile_create(path, &err) || shcrypto_keyfile_load(path, &keys, &err))
		return -1;
	unlink(path);
	return 0;
}

static int teardown(void **state)
{
	UNUSED(state);
	shcrypto_keys_release(&keys);
	rmdir(dir);
	return 0;
}

static void a_youth_value_opens_with_the_youth_key_only(void **state)
{
	unsigned char key[SHCRYPTO_YOUTH_KEY_LEN], again[SHCRYPTO_YOUTH_KEY_LEN],
		other[SHCRYPTO_YOUTH_KEY_LEN];
	struct buf wrapped = BUF_INIT, wrapped2 = BUF_INIT, sealed = BUF_INIT, plain = BUF_INIT;
	struct sh_error err = SH_ERROR_INIT;

	UNUSED(state);
	assert_int_equal(shcrypto_youth_key_new(&keys, key, &wrapped), SH_OK);
	assert_int_equal(shcrypto_youth_key_new(&keys, other, &wrapped2), SH_OK);
	assert_memory_not_equal(key, other, sizeof(key));
	/* the wrapped key opens under the field key, to the same bytes */
	assert_int_equal(shcrypto_youth_key_open(&keys, wrapped.data, wrapped.len, again, &err),
			 SH_OK);
	assert_memory_equal(key, again, sizeof(key));
	for (size_t i = 0; i + sizeof(key) <= wrapped.len; i++) /* never kept in the clear */
		assert_memory_not_equal(wrapped.data + i, key, sizeof(key));

	assert_int_equal(shcrypto_seal_youth(key, "Synthetic Name", 14, "youth.identity", &sealed),
			 SH_OK);
	assert_int_equal(sealed.data[0], 2);
	assert_int_equal(shcrypto_open_youth(&keys, key, sealed.data, sealed.len, "youth.identity",
					     &plain, &err),
			 SH_OK);
	assert_string_equal(plain.data, "Synthetic Name");
	buf_release(&plain);
	/* the key destroyed: "sealed", not a failure of the server */
	assert_int_equal(shcrypto_open_youth(&keys, NULL, sealed.data, sealed.len, "youth.identity",
					     &plain, &err),
			 SH_ENOTFOUND);
	/* another youth's key, or another field, does not open it; nor does the field key */
	assert_int_not_equal(shcrypto_open_youth(&keys, other, sealed.data, sealed.len,
						 "youth.identity", &plain, &err),
			     SH_OK);
	assert_int_not_equal(shcrypto_open_youth(&keys, key, sealed.data, sealed.len, "event.text",
						 &plain, &err),
			     SH_OK);
	assert_int_not_equal(
		shcrypto_open(&keys, sealed.data, sealed.len, "youth.identity", &plain, &err),
		SH_OK);
	buf_release(&wrapped);
	buf_release(&wrapped2);
	buf_release(&sealed);
	buf_release(&plain);
}

static void a_value_from_before_youth_keys_still_opens(void **state)
{
	struct buf sealed = BUF_INIT, plain = BUF_INIT;
	struct sh_error err = SH_ERROR_INIT;

	UNUSED(state);
	assert_int_equal(shcrypto_seal(&keys, "Synthetic old note", 18, "event.text", &sealed),
			 SH_OK);
	assert_int_equal(sealed.data[0], 1);
	assert_int_equal(shcrypto_open_youth(&keys, NULL, sealed.data, sealed.len, "event.text",
					     &plain, &err),
			 SH_OK);
	assert_string_equal(plain.data, "Synthetic old note");
	buf_release(&sealed);
	buf_release(&plain);
}

struct county {
	char dir[64], path[96];
	struct shcrypto_keys k;
};

static void county_make(struct county *c)
{
	struct sh_error err = SH_ERROR_INIT;

	snprintf(c->dir, sizeof(c->dir), "/tmp/sh-unit-XXXXXX");
	assert_non_null(mkdtemp(c->dir));
	snprintf(c->path, sizeof(c->path), "%s/county.key", c->dir);
	assert_int_equal(shcrypto_keyfile_create(c->path, &err), SH_OK);
	assert_int_equal(shcrypto_keyfile_load(c->path, &c->k, &err), SH_OK);
}

static void county_drop(struct county *c)
{
	shcrypto_keys_release(&c->k);
	unlink(c->path);
	rmdir(c->dir);
}

static void a_case_sealed_to_a_county_opens_only_there(void **state)
{
	static const char plain[] = "{\"synthetic\":\"case\"}";
	unsigned char pk_a[SHCRYPTO_TRANSFER_KEY_LEN], sk_a[SHCRYPTO_TRANSFER_KEY_LEN],
		pk_b[SHCRYPTO_TRANSFER_KEY_LEN], sk_b[SHCRYPTO_TRANSFER_KEY_LEN],
		again[SHCRYPTO_TRANSFER_KEY_LEN], box[sizeof(plain) + crypto_box_SEALBYTES],
		out[sizeof(plain)];
	struct county a, b;

	UNUSED(state);
	assert_int_equal(sodium_init() >= 0, 1);
	county_make(&a);
	county_make(&b);
	shcrypto_transfer_keypair(&a.k, pk_a, sk_a);
	shcrypto_transfer_keypair(&b.k, pk_b, sk_b);
	assert_memory_not_equal(pk_a, pk_b, sizeof(pk_a));
	/* the same key file gives the same pair every time */
	shcrypto_transfer_keypair(&a.k, again, sk_b);
	assert_memory_equal(pk_a, again, sizeof(pk_a));
	shcrypto_transfer_keypair(&b.k, pk_b, sk_b);

	assert_int_equal(crypto_box_seal(box, (const unsigned char *)plain, sizeof(plain), pk_a),
			 0);
	assert_int_equal(crypto_box_seal_open(out, box, sizeof(box), pk_a, sk_a), 0);
	assert_memory_equal(out, plain, sizeof(plain));
	assert_int_not_equal(crypto_box_seal_open(out, box, sizeof(box), pk_b, sk_b), 0);
	county_drop(&a);
	county_drop(&b);
}

static void the_public_key_survives_a_rotation(void **state)
{
	unsigned char pk[SHCRYPTO_TRANSFER_KEY_LEN], sk[SHCRYPTO_TRANSFER_KEY_LEN],
		after[SHCRYPTO_TRANSFER_KEY_LEN];
	struct sh_error err = SH_ERROR_INIT;
	struct county a;
	uint32_t id;

	UNUSED(state);
	county_make(&a);
	shcrypto_transfer_keypair(&a.k, pk, sk);
	shcrypto_keys_release(&a.k);
	assert_int_equal(shcrypto_keyfile_add_key(a.path, &id, &err), SH_OK);
	assert_int_equal(shcrypto_keyfile_load(a.path, &a.k, &err), SH_OK);
	assert_int_equal(a.k.nkeys, 2);
	shcrypto_transfer_keypair(&a.k, after, sk);
	assert_memory_equal(pk, after, sizeof(pk));
	county_drop(&a);
}

static void a_transfer_signed_by_a_county_checks_only_against_its_key(void **state)
{
	static const char text[] = "safeharbor.case-transfer 1\ncase_id=SH-SYNTHETIC\n";
	unsigned char pk_a[SHCRYPTO_TRANSFER_KEY_LEN], sk_a[SHCRYPTO_SIGN_SECRET_LEN],
		pk_b[SHCRYPTO_TRANSFER_KEY_LEN], sk_b[SHCRYPTO_SIGN_SECRET_LEN],
		box_pk[SHCRYPTO_TRANSFER_KEY_LEN], box_sk[SHCRYPTO_TRANSFER_KEY_LEN],
		sig[crypto_sign_BYTES];
	struct county a, b;

	UNUSED(state);
	county_make(&a);
	county_make(&b);
	shcrypto_transfer_signkeys(&a.k, pk_a, sk_a);
	shcrypto_transfer_signkeys(&b.k, pk_b, sk_b);
	/* the signing key is not the sealing key */
	shcrypto_transfer_keypair(&a.k, box_pk, box_sk);
	assert_memory_not_equal(pk_a, box_pk, sizeof(pk_a));
	crypto_sign_detached(sig, NULL, (const unsigned char *)text, sizeof(text), sk_a);
	assert_int_equal(
		crypto_sign_verify_detached(sig, (const unsigned char *)text, sizeof(text), pk_a),
		0);
	assert_int_not_equal(
		crypto_sign_verify_detached(sig, (const unsigned char *)text, sizeof(text), pk_b),
		0);
	county_drop(&a);
	county_drop(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_youth_value_opens_with_the_youth_key_only),
		cmocka_unit_test(a_value_from_before_youth_keys_still_opens),
		cmocka_unit_test(a_case_sealed_to_a_county_opens_only_there),
		cmocka_unit_test(the_public_key_survives_a_rotation),
		cmocka_unit_test(a_transfer_signed_by_a_county_checks_only_against_its_key),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
