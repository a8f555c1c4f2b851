/* lib/totp.c: RFC 6238's own test vectors (SHA-1), the drift allowed, base32, the URI. */
#include "lib/common.h"
#include <setjmp.h>
#include <cmocka.h>
#include "lib/totp.h"

static const unsigned char rfc_secret[] = "12345678901234567890";

static void rfc6238_vectors(void **state)
{
	static const struct {
		int64_t t;
		uint32_t code;
	} v[] = {
		{ 59, 94287082 },	  { 1111111109, 7081804 },  { 1111111111, 14050471 },
		{ 1234567890, 89005924 }, { 2000000000, 69279037 }, { 20000000000, 65353130 },
	};

	UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		assert_int_equal(totp_code(rfc_secret, 20, totp_step(v[i].t), 8), v[i].code);
		/* six digits are the last six of eight */
		assert_int_equal(totp_code(rfc_secret, 20, totp_step(v[i].t), 6),
				 v[i].code % 1000000);
	}
}

static void a_code_matches_its_step_and_one_either_side(void **state)
{
	const int64_t now = 1111111111;
	char code[8];

	UNUSED(state);
	snprintf(code, sizeof(code), "%06" PRIu32, totp_code(rfc_secret, 20, totp_step(now), 6));
	assert_int_equal(totp_match(rfc_secret, 20, now, code), totp_step(now));
	assert_int_equal(totp_match(rfc_secret, 20, now + 30, code), totp_step(now));
	assert_int_equal(totp_match(rfc_secret, 20, now - 30, code), totp_step(now));
	assert_int_equal(totp_match(rfc_secret, 20, now + 60, code), -1);
	assert_int_equal(totp_match(rfc_secret, 20, now - 60, code), -1);
	/* not six digits */
	assert_int_equal(totp_match(rfc_secret, 20, now, "14050471"), -1);
	assert_int_equal(totp_match(rfc_secret, 20, now, "05047"), -1);
	assert_int_equal(totp_match(rfc_secret, 20, now, "05o471"), -1);
	assert_int_equal(totp_match(rfc_secret, 20, now, NULL), -1);
	/* another secret's code */
	assert_int_equal(totp_match((const unsigned char *)"another secret 12345", 20, now, code),
			 -1);
}

static void base32_and_the_uri(void **state)
{
	char b32[TOTP_BASE32_LEN];
	struct buf uri = BUF_INIT;

	UNUSED(state);
	totp_base32(rfc_secret, 20, b32, sizeof(b32));
	assert_string_equal(b32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
	totp_base32((const unsigned char *)"f", 1, b32, sizeof(b32));
	assert_string_equal(b32, "MY");
	assert_int_equal(totp_uri(&uri, "safeharbor", "le.sup", "GEZDGNBVGY3TQOJQ"), SH_OK);
	assert_string_equal(uri.data, "otpauth://totp/safeharbor:le.sup?secret=GEZDGNBVGY3TQOJQ"
				      "&issuer=safeharbor&algorithm=SHA1&digits=6&period=30");
	buf_release(&uri);
	assert_int_equal(totp_uri(&uri, "Synthetic County", "a b&c", "MY"), SH_OK);
	assert_string_equal(uri.data,
			    "otpauth://totp/Synthetic%20County:a%20b%26c?secret=MY"
			    "&issuer=Synthetic%20County&algorithm=SHA1&digits=6&period=30");
	buf_release(&uri);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc6238_vectors),
		cmocka_unit_test(a_code_matches_its_step_and_one_either_side),
		cmocka_unit_test(base32_and_the_uri),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
