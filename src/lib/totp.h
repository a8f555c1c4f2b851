#ifndef SH_TOTP_H
#define SH_TOTP_H
/*
 * Time-based one-time passwords (RFC 6238 over RFC 4226): HMAC-SHA1 (OpenSSL's libcrypto;
 * libsodium has no SHA-1), 6 digits, 30-second steps, the form every authenticator app
 * reads from an otpauth:// URI. Pure computation: the secret is the caller's, nothing is
 * kept.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/buf.h"

#define TOTP_SECRET_LEN 20 /* 160 bits, RFC 4226's recommendation */
#define TOTP_PERIOD 30
#define TOTP_DIGITS 6
#define TOTP_BASE32_LEN 33 /* 20 bytes in base32 (32 characters) and a NUL */

/* The step a Unix time falls in. */
static inline int64_t totp_step(int64_t now)
{
	return now / TOTP_PERIOD;
}
/* RFC 4226 HOTP of counter `step`, truncated to `digits` decimal digits (6 to 8). */
uint32_t totp_code(const unsigned char *secret, size_t len, int64_t step, int digits);
/*
 * The step in [now's step - 1, now's step + 1] (a 30-second drift either way) whose
 * 6-digit code is `code` (compared in constant time), or -1: none, or `code` is not six
 * digits. The caller refuses a step already used (a replayed code).
 */
int64_t totp_match(const unsigned char *secret, size_t len, int64_t now, const char *code);
/* RFC 4648 base32 without padding (what otpauth:// URIs carry) into out (NUL-terminated). */
void totp_base32(const unsigned char *in, size_t len, char *out, size_t outsize);
/* otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=ISSUER&algorithm=SHA1&digits=6&period=30,
 * issuer and account percent-encoded. */
enum sh_code totp_uri(struct buf *out, const char *issuer, const char *account,
		      const char *secret_base32);

#endif
