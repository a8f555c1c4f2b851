/* lib/idtoken.c: ID tokens signed here with keys made here (RSA 2048, EC P-256), verified
 * against a JWK set; every way a token can be wrong is refused with its own reason. */
#include "lib/common.h"
#include <setjmp.h>
#include <cmocka.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <sodium.h>
#include "lib/buf.h"
#include "lib/idtoken.h"

static EVP_PKEY *rsa, *ec, *other;
static json_t *jwks;

static char *b64(const unsigned char *p, size_t n)
{
	size_t len = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = malloc(len);
	sodium_bin2base64(out, len, p, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

static json_t *bn_member(EVP_PKEY *k, const char *param)
{
	BIGNUM *bn = NULL;
	unsigned char buf[512];
	int n;
	char *s;
	json_t *v;

	EVP_PKEY_get_bn_param(k, param, &bn);
	n = BN_bn2bin(bn, buf);
	s = b64(buf, (size_t)n);
	v = json_string(s);
	free(s);
	BN_free(bn);
	return v;
}

static json_t *jwk_of(EVP_PKEY *k, const char *kid, bool is_rsa)
{
	if (is_rsa)
		return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o}", "kty", "RSA", "kid", kid, "use",
				 "sig", "alg", "RS256", "n", bn_member(k, OSSL_PKEY_PARAM_RSA_N),
				 "e", bn_member(k, OSSL_PKEY_PARAM_RSA_E));
	unsigned char pt[65];
	size_t n = 0;
	char *x, *y;
	json_t *o;

	EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof(pt), &n);
	x = b64(pt + 1, 32);
	y = b64(pt + 33, 32);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "kty", "EC", "kid", kid, "crv", "P-256", "x", x,
		      "y", y);
	free(x);
	free(y);
	return o;
}

/* header.payload.signature, signed with k (RS256 or ES256; alg as written in the header). */
static char *sign(EVP_PKEY *k, bool is_rsa, const char *alg, const char *kid, json_t *payload)
{
	json_t *header = json_pack("{s:s, s:s, s:s}", "alg", alg, "typ", "JWT", "kid", kid);
	char *hj = json_dumps(header, JSON_COMPACT), *pj = json_dumps(payload, JSON_COMPACT);
	char *h64 = b64((unsigned char *)hj, strlen(hj)),
	     *p64 = b64((unsigned char *)pj, strlen(pj));
	struct buf input = BUF_INIT, out = BUF_INIT;
	unsigned char sig[512], raw[64];
	size_t slen = sizeof(sig);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	char *s64;

	buf_addf(&input, "%s.%s", h64, p64);
	EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k);
	EVP_DigestSign(md, sig, &slen, (unsigned char *)input.data, input.len);
	if (is_rsa) {
		s64 = b64(sig, slen);
	} else {
		const unsigned char *p = sig;
		ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)slen);
		BN_bn2binpad(ECDSA_SIG_get0_r(es), raw, 32);
		BN_bn2binpad(ECDSA_SIG_get0_s(es), raw + 32, 32);
		ECDSA_SIG_free(es);
		s64 = b64(raw, 64);
	}
	buf_addf(&out, "%s.%s", input.data, s64);
	EVP_MD_CTX_free(md);
	free(hj), free(pj), free(h64), free(p64), free(s64);
	buf_release(&input);
	json_decref(header);
	json_decref(payload);
	return buf_detach(&out, NULL);
}

static const int64_t NOW = 1770000000;
static const struct idtoken_expect expect = { "https://id.county.example", "safeharbor",
					      "n0nce-abc", NOW, 120 };

static json_t *claims(void)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:s}", "iss", "https://id.county.example",
			 "aud", "safeharbor", "sub", "synthetic-subject-1", "nonce", "n0nce-abc",
			 "exp", (json_int_t)(NOW + 300), "iat", (json_int_t)(NOW - 10), "email",
			 "synthetic@county.example");
}

static enum idtoken_result verdict(char *token)
{
	json_t *c = NULL;
	enum idtoken_result r = idtoken_verify_signature(token, jwks, &c);

	if (r == IDTOKEN_OK)
		r = idtoken_check_claims(c, &expect);
	json_decref(c);
	free(token);
	return r;
}

static int setup(void **state)
{
	UNUSED(state);
	rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	other = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	jwks = json_pack("{s:[o, o]}", "keys", jwk_of(rsa, "r1", true), jwk_of(ec, "e1", false));
	return !rsa || !ec || !other || !jwks;
}

static int teardown(void **state)
{
	UNUSED(state);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(other);
	json_decref(jwks);
	return 0;
}

static void good_tokens_pass(void **state)
{
	json_t *c = NULL;
	char *t = sign(rsa, true, "RS256", "r1", claims());

	UNUSED(state);
	assert_int_equal(idtoken_verify_signature(t, jwks, &c), IDTOKEN_OK);
	assert_string_equal(json_string_value(json_object_get(c, "email")),
			    "synthetic@county.example");
	json_decref(c);
	free(t);
	assert_int_equal(verdict(sign(ec, false, "ES256", "e1", claims())), IDTOKEN_OK);
	/* several audiences with azp naming us */
	json_t *p = claims();
	json_object_set_new(p, "aud", json_pack("[s, s]", "safeharbor", "another-app"));
	json_object_set_new(p, "azp", json_string("safeharbor"));
	assert_int_equal(verdict(sign(rsa, true, "RS256", "r1", p)), IDTOKEN_OK);
	/* within the skew */
	p = claims();
	json_object_set_new(p, "exp", json_integer(NOW - 60));
	assert_int_equal(verdict(sign(rsa, true, "RS256", "r1", p)), IDTOKEN_OK);
}

static void forged_tokens_are_refused(void **state)
{
	char *t;

	UNUSED(state);
	/* another key, under our key's kid */
	assert_int_equal(verdict(sign(other, true, "RS256", "r1", claims())), IDTOKEN_SIGNATURE);
	/* a kid the provider does not have */
	assert_int_equal(verdict(sign(rsa, true, "RS256", "unknown", claims())), IDTOKEN_NO_KEY);
	/* the payload changed after signing */
	t = sign(rsa, true, "RS256", "r1", claims());
	{
		struct buf b = BUF_INIT;
		char *dot1 = strchr(t, '.'), *dot2 = strchr(dot1 + 1, '.');
		json_t *p = claims();
		char *pj, *p64;
		json_object_set_new(p, "email", json_string("someone.else@county.example"));
		pj = json_dumps(p, JSON_COMPACT);
		p64 = b64((unsigned char *)pj, strlen(pj));
		buf_addf(&b, "%.*s.%s%s", (int)(dot1 - t), t, p64, dot2);
		assert_int_equal(verdict(buf_detach(&b, NULL)), IDTOKEN_SIGNATURE);
		free(pj);
		free(p64);
		json_decref(p);
	}
	free(t);
	/* algorithms other than RS256 and ES256: none, HMAC with the public key, RS512 */
	assert_int_equal(verdict(strdup("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")), IDTOKEN_ALG);
	assert_int_equal(verdict(sign(rsa, true, "HS256", "r1", claims())), IDTOKEN_ALG);
	assert_int_equal(verdict(sign(rsa, true, "RS512", "r1", claims())), IDTOKEN_ALG);
	/* an EC signature presented as RSA finds no RSA key that verifies */
	assert_int_equal(verdict(sign(ec, false, "RS256", "r1", claims())), IDTOKEN_SIGNATURE);
	assert_int_equal(verdict(strdup("not-a-token")), IDTOKEN_MALFORMED);
	assert_int_equal(verdict(strdup("a.b.c.d")), IDTOKEN_MALFORMED);
}

static void claims_are_checked(void **state)
{
	static const struct {
		const char *key;
		const char *str;
		json_int_t num;
		enum idtoken_result want;
	} cases[] = {
		{ "iss", "https://id.elsewhere.example", 0, IDTOKEN_ISSUER },
		{ "aud", "another-app", 0, IDTOKEN_AUDIENCE },
		{ "azp", "another-app", 0, IDTOKEN_AUDIENCE },
		{ "exp", NULL, NOW - 121, IDTOKEN_EXPIRED },
		{ "iat", NULL, NOW + 600, IDTOKEN_NOT_YET },
		{ "nonce", "n0nce-abd", 0, IDTOKEN_NONCE },
	};

	UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		json_t *p = claims();
		json_object_set_new(p, cases[i].key,
				    cases[i].str ? json_string(cases[i].str)
						 : json_integer(cases[i].num));
		assert_int_equal(verdict(sign(rsa, true, "RS256", "r1", p)), cases[i].want);
	}
	/* several audiences without azp */
	json_t *p = claims();
	json_object_set_new(p, "aud", json_pack("[s, s]", "safeharbor", "another-app"));
	assert_int_equal(verdict(sign(rsa, true, "RS256", "r1", p)), IDTOKEN_AUDIENCE);
	/* no nonce at all */
	p = claims();
	json_object_del(p, "nonce");
	assert_int_equal(verdict(sign(rsa, true, "RS256", "r1", p)), IDTOKEN_NONCE);
	p = claims();
	json_object_del(p, "exp");
	assert_int_equal(verdict(sign(rsa, true, "RS256", "r1", p)), IDTOKEN_EXPIRED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_tokens_pass),
		cmocka_unit_test(forged_tokens_are_refused),
		cmocka_unit_test(claims_are_checked),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
