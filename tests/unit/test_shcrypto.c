/* lib/shcrypto.c: per-youth data keys (crypto-shredding) beside the field key. */
#include "lib/common.h"
#include <setjmp.h>
#include <cmocka.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_youth_value_opens_with_the_youth_key_only),
		cmocka_unit_test(a_value_from_before_youth_keys_still_opens),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
