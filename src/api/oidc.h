#ifndef SH_API_OIDC_H
#define SH_API_OIDC_H
/*
 * Sign-in with the county's OpenID Connect provider (docs/security.md, "Single sign-on";
 * docs/operations.md for registering safeharbor with Entra ID, Okta or Keycloak): the
 * authorization code flow with PKCE (S256), state and nonce. GET /api/v1/oidc/start sends
 * the browser to the provider; GET /api/v1/oidc/callback exchanges the code (libcurl),
 * verifies the ID token (lib/idtoken.h), finds the user pre-provisioned by an admin by the
 * configured claim (users.sso_id), applies the group mapping when there is one, and starts
 * a session; any failure redirects to the sign-in screen with a reason and signs nobody in.
 *
 * The provider's discovery document and its JWK set are fetched with libcurl and kept for
 * their Cache-Control max-age (60 s to a day; an hour when none); an ID token signed with a
 * key the set does not have makes one new fetch of the set (at most one a minute).
 */
#include "api/api.h"

struct oidc_cache;

struct oidc_cache *oidc_cache_new(void); /* NULL when out of memory; freed with oidc_cache_free */
void oidc_cache_free(struct oidc_cache *c);

#endif
