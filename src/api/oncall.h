#ifndef SH_ONCALL_H
#define SH_ONCALL_H
/*
 * On-call rosters and contact channels (docs/notifications.md): validated
 * operations shared by the CLI (`safeharbor roster`) and the API. Each writes
 * through the group-commit writer with its audit row; actor is NULL for the
 * command line (which may do anything). Strings in records are borrowed for the
 * duration of the call.
 */
#include <jansson.h>
#include "core/access.h"
#include "lib/shcrypto.h"
#include "lib/tz.h"
#include "store/store.h"

#define ONCALL_SHIFT_MAX_S (31 * 86400) /* one roster entry covers at most a month */
#define ONCALL_BACK_S (31 * 86400)	/* a shift is entered at most a month late */
#define ONCALL_AHEAD_S (366 * 86400)	/* and at most a year ahead */

/* Cautions about an accepted entry (e.g. someone on it cannot be reached yet). */
struct oncall_warnings {
	int n;
	struct {
		char field[32];
		char message[200];
	} w[4];
};

/*
 * Adds a shift: r->agency_id, area ("*" or an area code), starts_at < ends_at (at most
 * ONCALL_SHIFT_MAX_S, ending in the future), user_id (on call), fallback_id (0 or
 * another person) and supervisor_id (a supervisor), all enabled users of that
 * agency. A shift overlapping another of the same agency and area is SH_ECONFLICT.
 * Fills r->id; warn (may be NULL) gets who has no contact channel. Messages give times on
 * tz's clock (NULL: UTC) and name the person of a shift this one overlaps.
 */
enum sh_code oncall_roster_add(struct store *s, int64_t now, const struct tz *tz,
			       const struct principal *actor, struct roster_rec *r,
			       struct oncall_warnings *warn, struct sh_error *err);
/* Removes (ends) a shift of agency_id; SH_ENOTFOUND when it is not one of its shifts. */
enum sh_code oncall_roster_remove(struct store *s, int64_t now, const struct principal *actor,
				  int64_t agency_id, int64_t id, struct sh_error *err);

/* A change of a user's channels: a set_ flag says the field was given (NULL = remove). */
struct oncall_channels {
	bool set_webhook, set_secret, set_email;
	const char *webhook_url;
	const char *webhook_secret; /* kept sealed; never shown again */
	const char *email;
};

/* May p see and change this user's channels? (the user, a supervisor of the
 * user's agency, an admin) */
bool oncall_may_edit_channels(const struct principal *p, const struct user_rec *u);

/*
 * Changes user_id's channels. A webhook needs a secret (given now or kept from
 * before); removing the webhook removes its secret.
 */
enum sh_code oncall_channels_set(struct store *s, const struct shcrypto_keys *keys, int64_t now,
				 const struct principal *actor, int64_t user_id,
				 const struct oncall_channels *ch, struct sh_error *err);

/* JSON views. */
json_t *oncall_roster_json(const struct roster_rec *r, int64_t now);
json_t *oncall_channels_json(int64_t user_id, const struct channel_rec *ch);

#endif
