/* The route table: every HTTP path safeharbor serves (contract.md, docs/api.md). */
#include "lib/common.h"
#include "api/handlers.h"
#include "http/metrics.h"
#include "http/router.h"

#define KiB 1024

const struct route http_routes[] = {
	/* operations (docs/operations.md): liveness, readiness, Prometheus */
	{ "GET", "/healthz", api_health, ROUTE_PUBLIC, 0 },
	{ "HEAD", "/healthz", api_health, ROUTE_PUBLIC, 0 },
	{ "GET", "/readyz", api_ready, ROUTE_PUBLIC, 0 },
	{ "GET", "/metrics", http_metrics_token, ROUTE_PUBLIC, 0 },

	{ "POST", "/api/v1/session", api_session_create, ROUTE_PUBLIC, 4 * KiB },
	{ "GET", "/api/v1/me/preferences", api_prefs_get, ROUTE_SIGNED_IN, 0 },
	{ "PUT", "/api/v1/me/preferences/{key}", api_prefs_put, ROUTE_SIGNED_IN, 2 * KiB },
	{ "DELETE", "/api/v1/session", api_session_delete, ROUTE_SIGNING_IN, 0 },
	{ "GET", "/api/v1/signin/options", api_signin_options, ROUTE_PUBLIC, 0 },
	{ "GET", "/api/v1/oidc/start", api_oidc_start, ROUTE_PUBLIC, 0 },
	{ "GET", "/api/v1/oidc/callback", api_oidc_callback, ROUTE_PUBLIC, 0 },
	{ "POST", "/api/v1/session/code", api_session_code, ROUTE_SIGNING_IN, 1 * KiB },
	{ "GET", "/api/v1/me", api_me, ROUTE_SIGNING_IN, 0 },
	{ "POST", "/api/v1/me/totp", api_me_totp_begin, ROUTE_SIGNING_IN, 1 * KiB },
	{ "POST", "/api/v1/me/totp/confirm", api_me_totp_confirm, ROUTE_SIGNING_IN, 1 * KiB },
	{ "POST", "/api/v1/me/password", api_me_password, ROUTE_SIGNED_IN, 4 * KiB },

	{ "GET", "/api/v1/agencies", api_agencies_list, ROUTE_SIGNED_IN, 0 },
	{ "POST", "/api/v1/agencies", api_agencies_create, ROUTE_SIGNED_IN, 16 * KiB },
	{ "POST", "/api/v1/agencies/{id}/disable", api_agency_disable, ROUTE_SIGNED_IN, 1 * KiB },
	{ "POST", "/api/v1/agencies/{id}/enable", api_agency_enable, ROUTE_SIGNED_IN, 1 * KiB },
	{ "PATCH", "/api/v1/agencies/{id}", api_agency_update, ROUTE_SIGNED_IN, 16 * KiB },
	{ "PUT", "/api/v1/agencies/{id}/signin", api_agency_signin, ROUTE_SIGNED_IN, 1 * KiB },
	{ "GET", "/api/v1/users", api_users_list, ROUTE_SIGNED_IN, 0 },
	{ "POST", "/api/v1/users", api_users_create, ROUTE_SIGNED_IN, 8 * KiB },
	{ "PATCH", "/api/v1/users/{id}", api_user_update, ROUTE_SIGNED_IN, 4 * KiB },
	{ "POST", "/api/v1/users/{id}/disable", api_user_disable, ROUTE_SIGNED_IN, 1 * KiB },
	{ "POST", "/api/v1/users/{id}/enable", api_user_enable, ROUTE_SIGNED_IN, 1 * KiB },
	{ "POST", "/api/v1/users/{id}/password", api_user_password, ROUTE_SIGNED_IN, 4 * KiB },
	{ "DELETE", "/api/v1/users/{id}/totp", api_user_totp_reset, ROUTE_SIGNED_IN, 0 },
	{ "GET", "/api/v1/tokens", api_tokens_list, ROUTE_SIGNED_IN, 0 },
	{ "POST", "/api/v1/tokens", api_tokens_create, ROUTE_SIGNED_IN, 4 * KiB },
	{ "DELETE", "/api/v1/tokens/{id}", api_token_revoke, ROUTE_SIGNED_IN, 0 },
	{ "GET", "/api/v1/notices", api_notices_list, ROUTE_SIGNED_IN, 0 },

	{ "POST", "/api/v1/cases", api_cases_create, ROUTE_SIGNED_IN, 16 * KiB },
	{ "GET", "/api/v1/cases", api_cases_list, ROUTE_SIGNED_IN, 0 },
	{ "GET", "/api/v1/cases/{id}", api_case_get, ROUTE_SIGNED_IN, 0 },
	{ "GET", "/api/v1/cases/{id}/audit", api_case_audit, ROUTE_SIGNED_IN, 0 },
	{ "POST", "/api/v1/cases/{id}/events", api_events_create, ROUTE_SIGNED_IN, 64 * KiB },
	{ "GET", "/api/v1/cases/{id}/events", api_events_list, ROUTE_SIGNED_IN, 0 },
	{ "GET", "/api/v1/cases/{id}/witness", api_case_witness, ROUTE_SIGNED_IN, 0 },
	/* the terms go in a body, never in a URL (browser history, proxy logs) */
	{ "POST", "/api/v1/search", api_search, ROUTE_SIGNED_IN, 4 * KiB },
	{ "GET", "/api/v1/steps", api_steps, ROUTE_SIGNED_IN, 0 },
	{ "GET", "/api/v1/agenda", api_agenda, ROUTE_SIGNED_IN, 0 },
	{ "GET", "/api/v1/me/calendar", api_calendar_get, ROUTE_SIGNED_IN, 0 },
	{ "POST", "/api/v1/me/calendar", api_calendar_create, ROUTE_SIGNED_IN, 1 * KiB },
	{ "DELETE", "/api/v1/me/calendar", api_calendar_delete, ROUTE_SIGNED_IN, 0 },
	/* the feed a calendar app fetches: the secret in the path is the credential (never
	 * logged: the access log names the route pattern) */
	{ "GET", "/calendar/{file}", api_calendar_feed, ROUTE_PUBLIC, 0 },

	{ "POST", "/api/v1/witness/eligibility", api_witness_eligibility, ROUTE_SIGNED_IN, 8 * KiB },
	{ "GET", "/api/v1/prosecutions", api_prosecutions_list, ROUTE_SIGNED_IN, 0 },
	{ "POST", "/api/v1/prosecutions", api_prosecutions_create, ROUTE_SIGNED_IN, 64 * KiB },
	{ "GET", "/api/v1/prosecutions/{id}", api_prosecution_get, ROUTE_SIGNED_IN, 0 },
	{ "POST", "/api/v1/prosecutions/{id}/hearings", api_prosecution_hearing, ROUTE_SIGNED_IN, 4 * KiB },
	{ "POST", "/api/v1/prosecutions/{id}/outcome", api_prosecution_outcome, ROUTE_SIGNED_IN, 4 * KiB },
	{ "POST", "/api/v1/prosecutions/{id}/witnesses", api_prosecution_witness, ROUTE_SIGNED_IN, 4 * KiB },

	{ "GET", "/api/v1/agencies/{id}/roster", api_roster_list, ROUTE_SIGNED_IN, 0 },
	{ "GET", "/api/v1/agencies/{id}/caseloads", api_caseloads, ROUTE_SIGNED_IN, 0 },
	{ "POST", "/api/v1/agencies/{id}/roster", api_roster_add, ROUTE_SIGNED_IN, 4 * KiB },
	{ "DELETE", "/api/v1/agencies/{id}/roster/{entry}", api_roster_remove, ROUTE_SIGNED_IN, 0 },
	{ "GET", "/api/v1/users/{id}/channels", api_channels_get, ROUTE_SIGNED_IN, 0 },
	{ "PUT", "/api/v1/users/{id}/channels", api_channels_put, ROUTE_SIGNED_IN, 4 * KiB },
	{ "POST", "/api/v1/notifications/{id}/ack", api_notification_ack, ROUTE_SIGNED_IN, 1 * KiB },
	{ "GET", "/api/v1/cases/{id}/notifications", api_case_notifications, ROUTE_SIGNED_IN, 0 },
	{ "GET", "/api/v1/summons", api_summons_list, ROUTE_SIGNED_IN, 0 },
	{ "POST", "/api/v1/summons/{id}/ack", api_summons_ack, ROUTE_SIGNED_IN, 1 * KiB },

	{ "GET", "/api/v1/reports/board", api_report_board, ROUTE_SIGNED_IN, 0 },
	{ "GET", "/api/v1/arrests/refused", api_refused_arrests, ROUTE_SIGNED_IN, 0 },
};

const size_t http_nroutes = ARRAY_SIZE(http_routes);

/* The metrics listener (metrics_listen) answers these and nothing else. */
const struct route http_metrics_routes[] = {
	{ "GET", "/metrics", http_metrics, ROUTE_PUBLIC, 0 },
	{ "GET", "/healthz", api_health, ROUTE_PUBLIC, 0 },
	{ "HEAD", "/healthz", api_health, ROUTE_PUBLIC, 0 },
	{ "GET", "/readyz", api_ready, ROUTE_PUBLIC, 0 },
};

const size_t http_metrics_nroutes = ARRAY_SIZE(http_metrics_routes);
