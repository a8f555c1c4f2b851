#ifndef SH_ADMIN_H
#define SH_ADMIN_H
/*
 * Agencies, users and integration tokens: validated operations shared by the CLI
 * (`agency`, `user`, `token` commands) and the admin API. Each writes through the
 * group-commit writer with its audit row. actor is NULL for the command line.
 * Record strings are borrowed from the caller for the duration of the call.
 *
 * What one person does to another's account is announced to that account's agency
 * (its supervisors see it, and so does the person: GET /api/v1/notices), in the same
 * transaction: a supervisor or admin account made, a token made, a password reset, an
 * account disabled or enabled, a role or agency changed, a county account linked, a second
 * factor reset.
 */
#include "core/access.h"
#include "store/store.h"

#define ADMIN_TOKEN_LEN 68 /* "sh_" + 64 hex + NUL */

/* The actor of what safeharbor does by itself (an account disabled for its inactivity);
 * notices name it "safeharbor" (actor id ADMIN_SYSTEM_ID), audit rows the system (user 0). */
#define ADMIN_SYSTEM ((const struct principal *)1)
#define ADMIN_SYSTEM_ID (-1)

/* Writes a notice about u to agency_id (0: u's agency): its supervisors and u see it. */
enum sh_code admin_notice(struct store_conn *c, const struct principal *actor, int64_t now,
			  const struct user_rec *u, int64_t agency_id, const char *kind,
			  const char *detail, struct sh_error *err);

/* The agency (user) with that id, else that name (store_agency_get, store_user_get), read in
 * a transaction of its own; allocated from a. */
enum sh_code admin_agency_read(struct store *s, int64_t id, const char *name, struct arena *a,
			       struct agency_rec *out, struct sh_error *err);
enum sh_code admin_user_read(struct store *s, int64_t id, const char *name, struct arena *a,
			     struct user_rec *out, struct sh_error *err);

enum sh_code admin_agency_add(struct store *s, int64_t now, const struct principal *actor,
			      struct agency_rec *r, struct sh_error *err);
enum sh_code admin_agency_disable(struct store *s, int64_t now, const struct principal *actor,
				  int64_t id, bool disabled, struct sh_error *err);
/* r->agency_id must be set; the password is hashed with Argon2id here. */
enum sh_code admin_user_add(struct store *s, int64_t now, const struct principal *actor,
			    struct user_rec *r, const char *password, struct sh_error *err);
enum sh_code admin_user_disable(struct store *s, int64_t now, const struct principal *actor,
				int64_t id, bool disabled, struct sh_error *err);
/*
 * What an admin changes of an agency or a user; NULL (0) leaves a field as it is. An
 * agency's kind never changes (it decides what its staff read). A user's new agency or role
 * ends their sessions and tokens (they sign in again into what they may now do), drops
 * them as the worker of their old agency's cases, is refused while they are on a shift of
 * their agency now or ahead (409: end the shifts first), and is announced to the agencies
 * concerned. Nobody changes their own role or agency.
 */
struct admin_agency_change {
	const char *name;
	bool set_home_area;
	const char *home_area; /* NULL with set_home_area: none */
	const char **areas;    /* NULL-terminated; NULL: unchanged */
};
enum sh_code admin_agency_update(struct store *s, int64_t now, const struct principal *actor,
				 int64_t id, const struct admin_agency_change *ch,
				 struct sh_error *err);
enum sh_code admin_user_password(struct store *s, int64_t now, const struct principal *actor,
				 int64_t id, const char *password, struct sh_error *err);
/* What PATCH /api/v1/users/{id} changes: NULL / 0 / a false set_* leave a field as it is. */
struct admin_user_change {
	int64_t agency_id;
	const char *role;
	const char *display_name;
	bool set_contact;
	const char *contact; /* NULL with set_contact: none */
	bool set_sso;
	const char *sso_id; /* NULL with set_sso: the link is removed */
};
/*
 * Changes a user's agency, role, display name, contact or county account. A new role or
 * agency is refused while the person is on a shift of the agency's roster (end it first),
 * ends their sessions and tokens, lets go of the cases they were the named worker on, and
 * is announced to the agency (an agency change to both); so is a county account link.
 * Nobody changes their own role or agency (403 naming the field).
 */
enum sh_code admin_user_update(struct store *s, int64_t now, const struct principal *actor,
			       int64_t id, const struct admin_user_change *ch,
			       struct sh_error *err);
/* Removes the user's second factor and recovery codes and ends their sessions; they set up
 * a new one at the next sign-in. Announced. SH_ECONFLICT when there is none. */
enum sh_code admin_user_totp_reset(struct store *s, int64_t now, const struct principal *actor,
				   int64_t id, struct sh_error *err);
/* May the agency's staff sign in with local passwords (audited). */
enum sh_code admin_agency_password_signin(struct store *s, int64_t now,
					  const struct principal *actor, int64_t id, bool allowed,
					  struct sh_error *err);
/* Disables every enabled account unused for `days` (0: none), each in its own write with its
 * audit row and notice, except the last enabled admin; *disabled counts them. */
enum sh_code admin_disable_inactive(struct store *s, int64_t now, int days, int *disabled,
				    struct sh_error *err);
#define ADMIN_TOKEN_DEFAULT_S (90 * 86400) /* a token lives 90 days unless told otherwise */
#define ADMIN_TOKEN_MAX_S (366 * 86400)

/* What a new token is: its label (NULL: none), when it expires, its scope. */
struct admin_token_spec {
	const char *label;
	const char *expires; /* "30d", "12h", "2w" or a date YYYY-MM-DD (its start, UTC);
				NULL: 90 days */
	const char *scope;   /* "read", "write" or "report"; NULL: "write" */
};
/*
 * Creates a token for the user and writes it (shown once, stored hashed) into out;
 * *expires_at gets its end. The token is made by actor (NULL: the operator at the
 * command line) and announced to the user's agency.
 */
enum sh_code admin_token_create(struct store *s, int64_t now, const struct principal *actor,
				int64_t user_id, const struct admin_token_spec *spec,
				char out[ADMIN_TOKEN_LEN], int64_t *expires_at,
				struct sh_error *err);
enum sh_code admin_token_revoke(struct store *s, int64_t now, const struct principal *actor,
				int64_t id, struct sh_error *err);

#endif
