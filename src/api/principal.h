#ifndef SH_PRINCIPAL_H
#define SH_PRINCIPAL_H
/* Building a principal from a stored user (shared by sign-in and credential checks). */
#include "core/access.h"
#include "lib/arena.h"
#include "store/records.h"

/* A session that owes its second factor lasts this long (from the password) at most. */
#define SIGNIN_PENDING_S 300

/* Fills p from u (strings borrowed from u). false when the stored kind or role is unknown. */
bool principal_from_user(struct principal *p, const struct user_rec *u);
/* The principal as JSON for /me and sign-in: user, agency, role, what it may read/write. */
#include <jansson.h>
json_t *principal_to_json(const struct principal *p);

#endif
