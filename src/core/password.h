#ifndef SH_PASSWORD_H
#define SH_PASSWORD_H
/*
 * What a password must not be (security.md "Passwords"): shorter than 12 characters
 * (or longer than 1024), one of the common passwords of share/common-passwords.txt
 * (compared lower-cased, '@' as 'a', '$' as 's', other characters that are not letters
 * or digits ignored, so "P@ssword-2024!" is "password2024"), one character repeated, a
 * run such as 123456789012 or abcdefghijkl (either way), a short part repeated
 * (abcabcabcabc), made of fewer than 5 different characters, or one that contains the
 * username or the agency's name. Pure: no I/O.
 */
#include "lib/error.h"

#define PASSWORD_MIN 12
#define PASSWORD_MAX 1024

/* SH_OK, or SH_EINVAL with the rule broken named on field. username and agency may be NULL. */
enum sh_code password_check(const char *field, const char *password, const char *username,
			    const char *agency, struct sh_error *err);

#endif
