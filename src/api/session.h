#ifndef SH_API_SESSION_H
#define SH_API_SESSION_H
/*
 * Sessions as sign-in makes them (session.c), shared by the password, the second factor
 * (factor.c), the county's identity provider (oidc.c) and a change of one's own password.
 *
 * A password sign-in of someone who must give a second factor makes a session that only
 * finishes signing in ("code": the TOTP code is owed; "enrol": an authenticator app must be
 * set up first): it reaches the routes marked ROUTE_SIGNING_IN and nothing else, and ends
 * after SIGNIN_PENDING_S. Finishing replaces it with a new session (new cookie, new CSRF
 * token), so nothing learnt about the first one carries over.
 */
#include <jansson.h>
#include "api/api.h"
#include "api/throttle.h"
#include "store/store.h"

struct app;

struct session_start {
	const struct user_rec *user;
	const char *stage;    /* "full", "code" or "enrol" */
	const char *method;   /* "password" or "oidc" */
	const char *replaces; /* hash of the session this one ends (a finished sign-in); NULL */
	const char *action;   /* its audit row: "session.create", "session.password" */
	const char *detail;   /* how: "password and code", ... (never personal data) */
	/* more writes in the same transaction, before the session is inserted (a code marked
	 * used, a factor enrolled, a new password); NULL: none */
	enum sh_code (*also)(struct store_conn *c, void *arg, struct sh_error *err);
	void *also_arg;
	json_t *extra; /* merged into the answer (consumed); NULL: none */
	bool no_reply; /* set the cookie only (a redirect answers) */
};
/*
 * Writes the session with its audit row (and `also`) in one transaction, sets the cookie
 * and answers 200 {"user","csrf_token","county","session","signin"} where signin is "done",
 * "code" or "enrol". s->user must make a valid principal.
 */
enum sh_code session_start(struct api_request *req, struct api_response *res,
			   struct session_start *s, struct sh_error *err);
/* Audits a refused sign-in step as session.denied with `detail` (and session.locked when
 * it started a lock). user_id 0: unknown. */
enum sh_code session_denied(struct api_request *req, int64_t user_id, const char *detail,
			    enum throttle_lock lock, int64_t lock_s, struct sh_error *err);
/* The one answer to a throttled client (429, Retry-After), whoever it names. */
enum sh_code session_too_many(struct api_request *req, struct api_response *res, int64_t wait,
			      struct sh_error *err);
/* Must u give a second factor after the password? Supervisors and admins, everyone when
 * signin.totp_required is everyone, and whoever set one up. */
bool session_factor_required(const struct app *app, const struct user_rec *u);

#endif
