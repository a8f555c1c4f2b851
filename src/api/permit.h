#ifndef SH_PERMIT_H
#define SH_PERMIT_H
/*
 * Who may call a route, declared beside it in the route table (http/routes.c) and checked
 * once, before the handler (api_permit_check). docs/security.md lists every route's rule,
 * and tests/api/routes.test.mjs walks every route with every role against that list.
 *
 * In order: a bearer token where a session is needed (403), no grant matching the caller
 * (403 naming the rule, or 404 when the route hides what it names), the case named by
 * {id} not one the caller's agency takes part in (404, word for word a case that does not
 * exist, and audited after the request as a probe: casefile_open), a section of that case
 * the caller's kind does not read or write (403). Rules that depend on the records a
 * request names (whose token, which agency a summons went to, a section chosen in the
 * body) stay in the handlers.
 */
#include "api/api.h"
#include "core/access.h"

#define PERMIT_ROLE(r) (1u << ROLE_##r)
#define PERMIT_KIND(k) (1u << AK_##k)
#define PERMIT_STAFF (PERMIT_ROLE(MEMBER) | PERMIT_ROLE(SUPERVISOR)) /* case staff */
#define PERMIT_GRANTS 2

/* One way to be allowed: a role among roles, of an agency kind among kinds (0: any), and
 * with own_agency, only for one's own agency ({id}, the path's first segment). */
struct api_grant {
	unsigned roles;
	unsigned kinds;
	bool own_agency;
};

struct api_permit {
	bool session;		  /* a signed-in session, not a bearer token */
	const char *session_rule; /* the 403's detail when it came with a token */
	/* any one of these; none (roles 0): everyone who is signed in */
	struct api_grant grants[PERMIT_GRANTS];
	const char *rule;  /* the detail when no grant matches: 403, or 404 with hidden */
	bool hidden;	   /* to those not granted the record does not exist (404) */
	const char *audit; /* the audit action a refusal is recorded as (outcome "denied") */
	bool case_member;  /* {id} is a case the caller's agency takes part in (else 404) */
	enum access need;  /* with case_member: what the caller's kind needs on section */
	enum section section;
	const char *section_rule; /* the 403's detail when it is lacking */
};

/* May req->who call a route with this permit (NULL: anyone who reached it)? SH_OK, or
 * SH_EFORBIDDEN / SH_ENOTFOUND with err filled as the handlers answered. A probe of a case
 * sets req->denied_case: call api_request_done() after answering, as after a handler. */
enum sh_code api_permit_check(struct api_request *req, const struct api_permit *p,
			      struct sh_error *err);
/* Does some grant of p let who call it for the agency named in the path (0: none)? */
bool api_permit_granted(const struct api_permit *p, const struct principal *who,
			int64_t path_agency);

#endif
