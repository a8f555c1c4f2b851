#ifndef SH_ADMIN_H
#define SH_ADMIN_H
/*
 * Agencies, users and integration tokens: validated operations shared by the CLI
 * (`agency`, `user`, `token` commands) and the admin API. Each writes through the
 * group-commit writer with its audit row. actor is NULL for the command line.
 * Record strings are borrowed from the caller for the duration of the call.
 */
#include "core/access.h"
#include "store/store.h"

#define ADMIN_PASSWORD_MIN 12
#define ADMIN_TOKEN_LEN 68 /* "sh_" + 64 hex + NUL */

enum sh_code admin_agency_add(struct store *s, int64_t now, const struct principal *actor,
			      struct agency_rec *r, struct sh_error *err);
enum sh_code admin_agency_disable(struct store *s, int64_t now, const struct principal *actor,
				  int64_t id, bool disabled, struct sh_error *err);
/* r->agency_id must be set; the password is hashed with Argon2id here. */
enum sh_code admin_user_add(struct store *s, int64_t now, const struct principal *actor,
			    struct user_rec *r, const char *password, struct sh_error *err);
enum sh_code admin_user_disable(struct store *s, int64_t now, const struct principal *actor,
				int64_t id, bool disabled, struct sh_error *err);
enum sh_code admin_user_password(struct store *s, int64_t now, const struct principal *actor,
				 int64_t id, const char *password, struct sh_error *err);
/* Creates a token for the user and writes it (shown once, stored hashed) into out. */
enum sh_code admin_token_create(struct store *s, int64_t now, const struct principal *actor,
				int64_t user_id, const char *label, char out[ADMIN_TOKEN_LEN],
				struct sh_error *err);
enum sh_code admin_token_revoke(struct store *s, int64_t now, const struct principal *actor,
				int64_t id, struct sh_error *err);

/* Field rules, also used by the API's JSON validation. */
enum sh_code admin_check_password(const char *field, const char *password, struct sh_error *err);

#endif
