#include "lib/common.h"
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <sodium.h>
#include "lib/buf.h"
#include "lib/idtoken.h"

const char *idtoken_result_name(enum idtoken_result r)
{
	static const char *const names[] = {
		[IDTOKEN_OK] = "ok",
		[IDTOKEN_MALFORMED] = "malformed token",
		[IDTOKEN_ALG] = "algorithm not accepted",
		[IDTOKEN_NO_KEY] = "no key of the provider fits",
		[IDTOKEN_SIGNATURE] = "bad signature",
		[IDTOKEN_ISSUER] = "wrong issuer",
		[IDTOKEN_AUDIENCE] = "wrong audience",
		[IDTOKEN_EXPIRED] = "expired",
		[IDTOKEN_NOT_YET] = "issued in the future",
		[IDTOKEN_NONCE] = "wrong nonce",
	};
	return (unsigned)r < ARRAY_SIZE(names) ? names[r] : "unknown";
}

/* base64url (no padding) of s[0..n) into out; false when it is not. */
static bool b64url(const char *s, size_t n, struct buf *out)
{
	size_t len = 0;

	buf_reset(out);
	if (buf_grow(out, n))
		return false;
	if (sodium_base642bin((unsigned char *)out->data, out->cap, s, n, NULL, &len, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING))
		return false;
	buf_setlen(out, len);
	return true;
}

static json_t *b64url_json(const char *s, size_t n)
{
	struct buf b = BUF_INIT;
	json_t *v =
		b64url(s, n, &b) ? json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, NULL) : NULL;

	buf_release(&b);
	if (v && !json_is_object(v)) {
		json_decref(v);
		v = NULL;
	}
	return v;
}

static BIGNUM *bignum_of(const json_t *jwk, const char *name)
{
	const char *v = json_string_value(json_object_get(jwk, name));
	struct buf b = BUF_INIT;
	BIGNUM *n = v && b64url(v, strlen(v), &b) && b.len
			    ? BN_bin2bn((unsigned char *)b.data, (int)b.len, NULL)
			    : NULL;

	buf_release(&b);
	return n;
}

/* The public key of one JWK (RSA, or EC on P-256), or NULL. */
static EVP_PKEY *key_of(const json_t *jwk, bool rsa)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *key = NULL;
	BIGNUM *n = NULL, *e = NULL;
	struct buf x = BUF_INIT, y = BUF_INIT;
	unsigned char point[65];
	const char *xs = json_string_value(json_object_get(jwk, "x"));
	const char *ys = json_string_value(json_object_get(jwk, "y"));

	if (!bld)
		return NULL;
	if (rsa) {
		if (!(n = bignum_of(jwk, "n")) || !(e = bignum_of(jwk, "e")) ||
		    BN_num_bits(n) < 2048 ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
			goto out;
	} else {
		if (!json_is_string(json_object_get(jwk, "crv")) ||
		    strcmp(json_string_value(json_object_get(jwk, "crv")), "P-256") || !xs || !ys ||
		    !b64url(xs, strlen(xs), &x) || !b64url(ys, strlen(ys), &y) || x.len != 32 ||
		    y.len != 32)
			goto out;
		point[0] = 0x04; /* uncompressed */
		memcpy(point + 1, x.data, 32);
		memcpy(point + 33, y.data, 32);
		if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1",
						     0) ||
		    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point,
						      sizeof(point)))
			goto out;
	}
	if (!(params = OSSL_PARAM_BLD_to_param(bld)) ||
	    !(ctx = EVP_PKEY_CTX_new_from_name(NULL, rsa ? "RSA" : "EC", NULL)) ||
	    EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		key = NULL;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	buf_release(&x);
	buf_release(&y);
	return key;
}

/* ES256 signatures are r || s (32 bytes each); OpenSSL verifies DER. */
static bool ecdsa_der(const struct buf *raw, struct buf *der)
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *r, *s;
	unsigned char *p = NULL;
	int n;
	bool ok = false;

	if (!sig || raw->len != 64)
		goto out;
	r = BN_bin2bn((const unsigned char *)raw->data, 32, NULL);
	s = BN_bin2bn((const unsigned char *)raw->data + 32, 32, NULL);
	if (!r || !s || !ECDSA_SIG_set0(sig, r, s)) {
		BN_free(r);
		BN_free(s);
		goto out;
	}
	if ((n = i2d_ECDSA_SIG(sig, &p)) > 0) {
		buf_reset(der);
		ok = !buf_add(der, p, (size_t)n);
	}
	OPENSSL_free(p);
out:
	ECDSA_SIG_free(sig);
	return ok;
}

static bool verify_with(EVP_PKEY *key, bool rsa, const char *input, size_t len,
			const struct buf *sig)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	struct buf der = BUF_INIT;
	const struct buf *s = sig;
	bool ok = false;

	if (!rsa) {
		if (!ecdsa_der(sig, &der))
			goto out;
		s = &der;
	}
	ok = md && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
	     EVP_DigestVerify(md, (const unsigned char *)s->data, s->len,
			      (const unsigned char *)input, len) == 1;
out:
	EVP_MD_CTX_free(md);
	buf_release(&der);
	return ok;
}

enum idtoken_result idtoken_verify_signature(const char *token, const json_t *jwks, json_t **claims)
{
	const char *dot1 = strchr(token, '.'), *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
	json_t *header = NULL, *payload = NULL, *k;
	struct buf sig = BUF_INIT;
	const char *alg, *kid;
	enum idtoken_result r = IDTOKEN_MALFORMED;
	bool rsa, tried = false;
	size_t i;

	*claims = NULL;
	if (!dot1 || !dot2 || strchr(dot2 + 1, '.') ||
	    !(header = b64url_json(token, (size_t)(dot1 - token))) ||
	    !(payload = b64url_json(dot1 + 1, (size_t)(dot2 - dot1 - 1))) ||
	    !b64url(dot2 + 1, strlen(dot2 + 1), &sig))
		goto out;
	alg = json_string_value(json_object_get(header, "alg"));
	kid = json_string_value(json_object_get(header, "kid"));
	r = IDTOKEN_ALG;
	if (!alg || (strcmp(alg, "RS256") && strcmp(alg, "ES256")))
		goto out;
	rsa = !strcmp(alg, "RS256");
	r = IDTOKEN_NO_KEY;
	json_array_foreach(json_object_get(jwks, "keys"), i, k) {
		const char *kty = json_string_value(json_object_get(k, "kty"));
		const char *use = json_string_value(json_object_get(k, "use"));
		const char *kalg = json_string_value(json_object_get(k, "alg"));
		const char *kkid = json_string_value(json_object_get(k, "kid"));
		EVP_PKEY *key;

		if (!kty || strcmp(kty, rsa ? "RSA" : "EC") || (use && strcmp(use, "sig")) ||
		    (kalg && strcmp(kalg, alg)) || (kid && (!kkid || strcmp(kid, kkid))))
			continue;
		if (!(key = key_of(k, rsa)))
			continue;
		tried = true;
		if (verify_with(key, rsa, token, (size_t)(dot2 - token), &sig)) {
			EVP_PKEY_free(key);
			*claims = payload;
			payload = NULL;
			r = IDTOKEN_OK;
			goto out;
		}
		EVP_PKEY_free(key);
	}
	if (tried)
		r = IDTOKEN_SIGNATURE;
out:
	json_decref(header);
	json_decref(payload);
	buf_release(&sig);
	return r;
}

enum idtoken_result idtoken_check_claims(const json_t *claims, const struct idtoken_expect *x)
{
	const json_t *aud = json_object_get(claims, "aud"), *v;
	const char *iss = json_string_value(json_object_get(claims, "iss"));
	const char *azp = json_string_value(json_object_get(claims, "azp"));
	const char *nonce = json_string_value(json_object_get(claims, "nonce"));
	const json_t *exp = json_object_get(claims, "exp"), *iat = json_object_get(claims, "iat");
	bool ours = false;
	size_t i;

	if (!iss || strcmp(iss, x->issuer))
		return IDTOKEN_ISSUER;
	if (json_is_string(aud)) {
		ours = !strcmp(json_string_value(aud), x->client_id);
	} else if (json_is_array(aud)) {
		json_array_foreach(aud, i, v)
			if (json_is_string(v) && !strcmp(json_string_value(v), x->client_id))
				ours = true;
		/* several audiences: the party it was issued to must be us */
		if (json_array_size(aud) > 1 && (!azp || strcmp(azp, x->client_id)))
			ours = false;
	}
	if (!ours || (azp && strcmp(azp, x->client_id)))
		return IDTOKEN_AUDIENCE;
	if (!json_is_number(exp) || (int64_t)json_number_value(exp) + x->skew_s <= x->now)
		return IDTOKEN_EXPIRED;
	if (!json_is_number(iat) || (int64_t)json_number_value(iat) - x->skew_s > x->now)
		return IDTOKEN_NOT_YET;
	if (!nonce || !x->nonce || strlen(nonce) != strlen(x->nonce) ||
	    sodium_memcmp(nonce, x->nonce, strlen(nonce)))
		return IDTOKEN_NONCE;
	return IDTOKEN_OK;
}
