#include "lib/common.h"
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>
#include "lib/totp.h"

uint32_t totp_code(const unsigned char *secret, size_t len, int64_t step, int digits)
{
	unsigned char msg[8], mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0, off;
	uint32_t bin, mod = 1;
	uint64_t c = (uint64_t)step;

	for (int i = 7; i >= 0; i--, c >>= 8)
		msg[i] = (unsigned char)(c & 0xff);
	if (!HMAC(EVP_sha1(), secret, (int)len, msg, sizeof(msg), mac, &maclen) || maclen < 20)
		return UINT32_MAX; /* never a code: it has more than 8 digits */
	off = mac[maclen - 1] & 0x0f;
	bin = ((uint32_t)(mac[off] & 0x7f) << 24) | ((uint32_t)mac[off + 1] << 16) |
	      ((uint32_t)mac[off + 2] << 8) | mac[off + 3];
	for (int i = 0; i < digits; i++)
		mod *= 10;
	sodium_memzero(mac, sizeof(mac));
	return bin % mod;
}

int64_t totp_match(const unsigned char *secret, size_t len, int64_t now, const char *code)
{
	char want[TOTP_DIGITS + 1];
	int64_t found = -1;

	if (!code || strlen(code) != TOTP_DIGITS || strspn(code, "0123456789") != TOTP_DIGITS)
		return -1;
	/* every candidate is computed and compared, so the time taken says nothing */
	for (int64_t s = totp_step(now) - 1; s <= totp_step(now) + 1; s++) {
		snprintf(want, sizeof(want), "%06" PRIu32, totp_code(secret, len, s, TOTP_DIGITS));
		if (!sodium_memcmp(want, code, TOTP_DIGITS) && found < 0)
			found = s;
	}
	sodium_memzero(want, sizeof(want));
	return found;
}

void totp_base32(const unsigned char *in, size_t len, char *out, size_t outsize)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	size_t o = 0;
	unsigned bits = 0, acc = 0;

	for (size_t i = 0; i < len && o + 1 < outsize; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5 && o + 1 < outsize) {
			out[o++] = alphabet[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits && o + 1 < outsize)
		out[o++] = alphabet[(acc << (5 - bits)) & 31];
	if (outsize)
		out[o] = '\0';
}

enum sh_code totp_uri(struct buf *out, const char *issuer, const char *account,
		      const char *secret_base32)
{
	enum sh_code rc = buf_adds(out, "otpauth://totp/");

	if (!rc)
		rc = buf_add_urlencoded(out, issuer);
	if (!rc)
		rc = buf_adds(out, ":");
	if (!rc)
		rc = buf_add_urlencoded(out, account);
	if (!rc)
		rc = buf_addf(out, "?secret=%s&issuer=", secret_base32);
	if (!rc)
		rc = buf_add_urlencoded(out, issuer);
	if (!rc)
		rc = buf_addf(out, "&algorithm=SHA1&digits=%d&period=%d", TOTP_DIGITS, TOTP_PERIOD);
	return rc;
}
