#ifndef SH_IDTOKEN_H
#define SH_IDTOKEN_H
/*
 * OpenID Connect ID tokens (OpenID Connect Core 1.0, 3.1.3.7): the compact JWS verified
 * against the provider's JWK set with OpenSSL's libcrypto (RS256: RSA PKCS#1 v1.5 with
 * SHA-256; ES256: ECDSA on P-256 with SHA-256; nothing else, never "none" nor an HMAC), then
 * its claims: issuer, audience (and azp when there are several), expiry and issue time with
 * a small skew, and the nonce. Pure computation: fetching the keys is the caller's.
 */
#include <jansson.h>
#include <stdint.h>

enum idtoken_result {
	IDTOKEN_OK,
	IDTOKEN_MALFORMED, /* not three base64url parts of JSON */
	IDTOKEN_ALG,	   /* an algorithm other than RS256 and ES256 */
	IDTOKEN_NO_KEY,	   /* no key of the set fits the header's kid and alg */
	IDTOKEN_SIGNATURE, /* the signature does not verify */
	IDTOKEN_ISSUER,	   /* iss is not the provider's */
	IDTOKEN_AUDIENCE,  /* aud does not name this client (or azp is another's) */
	IDTOKEN_EXPIRED,   /* exp has passed (beyond the skew), or is missing */
	IDTOKEN_NOT_YET,   /* iat is in the future (beyond the skew), or is missing */
	IDTOKEN_NONCE,	   /* nonce is not the one this sign-in sent */
};

/* Words for the audit and the log ("wrong audience"); never the token's contents. */
const char *idtoken_result_name(enum idtoken_result r);

/* The signature against the JWK set ({"keys":[...]}); *claims gets the payload (a new
 * reference) on IDTOKEN_OK. */
enum idtoken_result idtoken_verify_signature(const char *token, const json_t *jwks,
					     json_t **claims);

struct idtoken_expect {
	const char *issuer, *client_id, *nonce;
	int64_t now;
	int skew_s; /* allowed clock difference with the provider (e.g. 120) */
};
/* The claims of a token whose signature holds. */
enum idtoken_result idtoken_check_claims(const json_t *claims, const struct idtoken_expect *x);

#endif
