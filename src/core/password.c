#include "lib/common.h"
#include <ctype.h>
#include "core/password.h"

/* build/gen/common_passwords.c, from share/common-passwords.txt: sorted, normalized */
extern const char *const common_passwords[];
extern const size_t common_passwords_count;

/* Lower case, '@' as 'a', '$' as 's', nothing but letters and digits; at most n-1 bytes. */
static void normalize(const char *s, char *out, size_t n)
{
	size_t k = 0;

	for (; s && *s && k + 1 < n; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '@')
			c = 'a';
		else if (c == '$')
			c = 's';
		c = (unsigned char)tolower(c);
		if (isalnum(c) && c < 0x80)
			out[k++] = (char)c;
	}
	out[k] = '\0';
}

static int cmp_str(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

static bool common(const char *norm)
{
	return *norm && bsearch(norm, common_passwords, common_passwords_count,
				sizeof(common_passwords[0]), cmp_str) != NULL;
}

/* Each character one after the other (or before), digits wrapping 9 -> 0. */
static bool run_of(const char *s)
{
	size_t n = strlen(s);
	int step = 0;

	if (n < 3)
		return false;
	for (size_t i = 1; i < n; i++) {
		int a = (unsigned char)s[i - 1], b = (unsigned char)s[i], d;
		if (isdigit(a) && isdigit(b))
			d = (b - a + 10) % 10 == 1 ? 1 : (a - b + 10) % 10 == 1 ? -1 : 0;
		else if (islower(a) && islower(b))
			d = b - a == 1 ? 1 : a - b == 1 ? -1 : 0;
		else
			return false;
		if (!d || (step && d != step))
			return false;
		step = d;
	}
	return true;
}

/* The whole of s is a shorter part said again and again. */
static bool repeats_a_part(const char *s)
{
	size_t n = strlen(s);

	for (size_t unit = 1; unit <= n / 2; unit++) {
		size_t i;
		if (n % unit)
			continue;
		for (i = unit; i < n && s[i] == s[i % unit]; i++)
			;
		if (i == n)
			return true;
	}
	return false;
}

static int distinct(const char *s)
{
	bool seen[256] = { false };
	int d = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (!seen[*p])
			d++;
		seen[*p] = true;
	}
	return d;
}

enum sh_code password_check(const char *field, const char *password, const char *username,
			    const char *agency, struct sh_error *err)
{
	size_t n = password ? strlen(password) : 0;
	char norm[PASSWORD_MAX + 1], lower[PASSWORD_MAX + 1], other[160];

	if (n < PASSWORD_MIN || n > PASSWORD_MAX)
		return sh_error_field(err, SH_EINVAL, field, "must be %d to %d characters",
				      PASSWORD_MIN, PASSWORD_MAX);
	for (size_t i = 0; i <= n; i++)
		lower[i] = (char)tolower((unsigned char)password[i]);
	normalize(password, norm, sizeof(norm));
	if (distinct(lower) == 1)
		return sh_error_field(err, SH_EINVAL, field, "is one character repeated");
	if (run_of(lower) || run_of(norm))
		return sh_error_field(
			err, SH_EINVAL, field,
			"is a run of characters such as 123456789012 or abcdefghijkl");
	if (repeats_a_part(lower) || repeats_a_part(norm))
		return sh_error_field(err, SH_EINVAL, field,
				      "repeats a short part (such as abcabcabcabc)");
	if (distinct(lower) < 5)
		return sh_error_field(err, SH_EINVAL, field,
				      "must use at least 5 different characters");
	if (common(norm))
		return sh_error_field(
			err, SH_EINVAL, field,
			"is one of the most common passwords (or one with a small change): "
			"a guesser tries it first; a few unrelated words are better");
	normalize(username, other, sizeof(other));
	if (strlen(other) >= 3 && strstr(norm, other))
		return sh_error_field(err, SH_EINVAL, field, "must not contain the username");
	normalize(agency, other, sizeof(other));
	if (strlen(other) >= 4 && strstr(norm, other))
		return sh_error_field(err, SH_EINVAL, field, "must not contain the agency's name");
	return SH_OK;
}
