#ifndef SH_AUTH_H
#define SH_AUTH_H
/*
 * Who is asking: resolves a bearer token or a session cookie (with its CSRF token
 * on state-changing requests) into a principal, once per request, centrally.
 */
#include "api/api.h"

struct principal;

/* Fills *who (allocated in req->arena) or fails with SH_EUNAUTH / SH_EFORBIDDEN. */
enum sh_code http_auth_check(struct api_request *req, struct principal **who, struct sh_error *err);

#endif
