/* The route table: every HTTP path safeharbor serves (contract.md, docs/api.md). */
#include "lib/common.h"
#include "api/handlers.h"
#include "http/metrics.h"
#include "http/router.h"

#define KiB 1024

/*
 * Who may call each route (api/permit.h), checked before its handler; docs/security.md
 * lists them ("Who may call each route"), and tests/api/routes.test.mjs walks every route
 * with every role against that list.
 */
#define PERMIT(...) (&(const struct api_permit){ __VA_ARGS__ })
#define ROLE PERMIT_ROLE
#define KIND PERMIT_KIND
#define STAFF PERMIT_STAFF
#define GRANT(...)          \
	{                   \
		__VA_ARGS__ \
	}
#define ADMINS(why) PERMIT(.grants = { GRANT(ROLE(ADMIN)) }, .rule = why)
#define CASE_STAFF(why) PERMIT(.grants = { GRANT(STAFF) }, .rule = why)
#define NO_CASE_CONTENT CASE_STAFF("analysts and admins see no case content")
#define SESSION(why) PERMIT(.session = true, .session_rule = why)
/* {id} is a case the caller's agency takes part in */
#define ON_CASE PERMIT(.case_member = true)
#define PROSECUTOR(why) PERMIT(.grants = { GRANT(STAFF, KIND(PROSECUTOR)) }, .rule = why)
/* an admin, or these roles of the agency {id} */
#define ADMIN_OR_OWN(own, why) \
	PERMIT(.grants = { GRANT(ROLE(ADMIN)), GRANT(own, 0, true) }, .rule = why)

const struct route http_routes[] = {
	/* operations (docs/operations.md): liveness, readiness, Prometheus */
	{ "GET", "/healthz", api_health, ROUTE_PUBLIC, 0 },
	{ "HEAD", "/healthz", api_health, ROUTE_PUBLIC, 0 },
	{ "GET", "/readyz", api_ready, ROUTE_PUBLIC, 0, .on_worker = true },
	{ "GET", "/metrics", http_metrics_token, ROUTE_PUBLIC, 0 },

	{ "POST", "/api/v1/session", api_session_create, ROUTE_PUBLIC, 4 * KiB },
	{ "GET", "/api/v1/me/preferences", api_prefs_get, ROUTE_SIGNED_IN, 0 },
	{ "PUT", "/api/v1/me/preferences/{key}", api_prefs_put, ROUTE_SIGNED_IN, 2 * KiB },
	{ "DELETE", "/api/v1/session", api_session_delete, ROUTE_SIGNING_IN, 0 },
	{ "GET", "/api/v1/signin/options", api_signin_options, ROUTE_PUBLIC, 0 },
	{ "GET", "/api/v1/oidc/start", api_oidc_start, ROUTE_PUBLIC, 0, .on_worker = true },
	{ "GET", "/api/v1/oidc/callback", api_oidc_callback, ROUTE_PUBLIC, 0, .on_worker = true },
	{ "POST", "/api/v1/session/code", api_session_code, ROUTE_SIGNING_IN, 1 * KiB },
	{ "GET", "/api/v1/me", api_me, ROUTE_SIGNING_IN, 0 },
	{ "POST", "/api/v1/me/totp", api_me_totp_begin, ROUTE_SIGNING_IN, 1 * KiB,
	  SESSION("an authenticator app is set up from a signed-in session, not with a bearer token") },
	{ "POST", "/api/v1/me/totp/confirm", api_me_totp_confirm, ROUTE_SIGNING_IN, 1 * KiB,
	  SESSION("an authenticator app is set up from a signed-in session, not with a bearer token") },
	{ "POST", "/api/v1/me/password", api_me_password, ROUTE_SIGNED_IN, 4 * KiB,
	  SESSION("a password is changed from a signed-in session, not with a token") },

	{ "GET", "/api/v1/agencies", api_agencies_list, ROUTE_SIGNED_IN, 0 },

	/* sealing by court order and retention (docs/security.md, "Sealing and retention") */
	{ "POST", "/api/v1/seals", api_seal_create, ROUTE_SIGNED_IN, 4 * KiB,
	  ADMINS("only an admin carries out a court order to seal") },
	{ "GET", "/api/v1/retention", api_retention_get, ROUTE_SIGNED_IN, 0,
	  ADMINS("only an admin sees what retention would destroy"), .on_worker = true },
	{ "GET", "/api/v1/holds", api_holds_list, ROUTE_SIGNED_IN, 0,
	  ADMINS("only an admin manages holds") },
	{ "PUT", "/api/v1/holds/{id}", api_hold_put, ROUTE_SIGNED_IN, 4 * KiB,
	  ADMINS("only an admin manages holds") },
	{ "DELETE", "/api/v1/holds/{id}", api_hold_delete, ROUTE_SIGNED_IN, 0,
	  ADMINS("only an admin manages holds") },
	{ "POST", "/api/v1/agencies", api_agencies_create, ROUTE_SIGNED_IN, 16 * KiB,
	  ADMINS("only an admin may add agencies") },
	{ "POST", "/api/v1/agencies/{id}/disable", api_agency_disable, ROUTE_SIGNED_IN, 1 * KiB,
	  ADMINS("only an admin may change agencies") },
	{ "POST", "/api/v1/agencies/{id}/enable", api_agency_enable, ROUTE_SIGNED_IN, 1 * KiB,
	  ADMINS("only an admin may change agencies") },
	{ "PATCH", "/api/v1/agencies/{id}", api_agency_update, ROUTE_SIGNED_IN, 16 * KiB,
	  ADMINS("only an admin may change agencies") },
	{ "PUT", "/api/v1/agencies/{id}/signin", api_agency_signin, ROUTE_SIGNED_IN, 1 * KiB,
	  ADMINS("only an admin may change how an agency signs in") },
	{ "GET", "/api/v1/users", api_users_list, ROUTE_SIGNED_IN, 0,
	  PERMIT(.grants = { GRANT(ROLE(ADMIN) | STAFF) },
		 .rule = "admins and case staff list users") },
	{ "POST", "/api/v1/users", api_users_create, ROUTE_SIGNED_IN, 8 * KiB,
	  ADMINS("only an admin may add users") },
	{ "PATCH", "/api/v1/users/{id}", api_user_update, ROUTE_SIGNED_IN, 4 * KiB,
	  ADMINS("only an admin may change users") },
	{ "POST", "/api/v1/users/{id}/disable", api_user_disable, ROUTE_SIGNED_IN, 1 * KiB,
	  ADMINS("only an admin may change users") },
	{ "POST", "/api/v1/users/{id}/enable", api_user_enable, ROUTE_SIGNED_IN, 1 * KiB,
	  ADMINS("only an admin may change users") },
	{ "POST", "/api/v1/users/{id}/password", api_user_password, ROUTE_SIGNED_IN, 4 * KiB,
	  ADMINS("only an admin may reset passwords") },
	{ "DELETE", "/api/v1/users/{id}/totp", api_user_totp_reset, ROUTE_SIGNED_IN, 0,
	  ADMINS("only an admin may reset a second factor") },
	{ "GET", "/api/v1/tokens", api_tokens_list, ROUTE_SIGNED_IN, 0 },
	{ "POST", "/api/v1/tokens", api_tokens_create, ROUTE_SIGNED_IN, 4 * KiB,
	  SESSION("tokens are made from a signed-in session, not with another token") },
	{ "DELETE", "/api/v1/tokens/{id}", api_token_revoke, ROUTE_SIGNED_IN, 0 },
	{ "GET", "/api/v1/notices", api_notices_list, ROUTE_SIGNED_IN, 0 },

	{ "POST", "/api/v1/cases", api_cases_create, ROUTE_SIGNED_IN, 16 * KiB,
	  PERMIT(.grants = { GRANT(STAFF,
				   KIND(LAW_ENFORCEMENT) | KIND(CHILD_WELFARE) | KIND(PROBATION)) },
		 .rule = "identifications are recorded by law enforcement, child welfare or probation staff") },
	{ "GET", "/api/v1/cases", api_cases_list, ROUTE_SIGNED_IN, 0, NO_CASE_CONTENT },
	{ "GET", "/api/v1/cases/{id}", api_case_get, ROUTE_SIGNED_IN, 0, ON_CASE },
	{ "GET", "/api/v1/cases/{id}/audit", api_case_audit, ROUTE_SIGNED_IN, 0,
	  PERMIT(.grants = { GRANT(ROLE(SUPERVISOR)) }, .rule = "supervisors see who viewed a case",
		 .case_member = true),
	  .on_worker = true },
	{ "POST", "/api/v1/cases/{id}/events", api_events_create, ROUTE_SIGNED_IN, 64 * KiB,
	  ON_CASE },
	{ "GET", "/api/v1/cases/{id}/events", api_events_list, ROUTE_SIGNED_IN, 0, ON_CASE },
	{ "GET", "/api/v1/cases/{id}/export", api_case_export, ROUTE_SIGNED_IN, 0, ON_CASE,
	  .on_worker = true },
	{ "GET", "/api/v1/cases/{id}/witness", api_case_witness, ROUTE_SIGNED_IN, 0,
	  PERMIT(.case_member = true, .need = ACCESS_READ, .section = SEC_COURT,
		 .section_rule = "your agency does not see court matters") },
	{ "GET", "/api/v1/cases/{id}/csec", api_case_csec, ROUTE_SIGNED_IN, 0,
	  PERMIT(.case_member = true, .need = ACCESS_READ, .section = SEC_STATE,
		 .section_rule =
			 "the state's CSEC indicators are for child welfare and oversight") },
	/* the terms go in a body, never in a URL (browser history, proxy logs) */
	{ "POST", "/api/v1/search", api_search, ROUTE_SIGNED_IN, 4 * KiB, NO_CASE_CONTENT },
	{ "GET", "/api/v1/steps", api_steps, ROUTE_SIGNED_IN, 0 },
	{ "GET", "/api/v1/protocols", api_protocols, ROUTE_SIGNED_IN, 0 },
	{ "GET", "/api/v1/agenda", api_agenda, ROUTE_SIGNED_IN, 0, NO_CASE_CONTENT,
	  .on_worker = true },
	{ "GET", "/api/v1/me/calendar", api_calendar_get, ROUTE_SIGNED_IN, 0 },
	{ "POST", "/api/v1/me/calendar", api_calendar_create, ROUTE_SIGNED_IN, 1 * KiB,
	  PERMIT(.session = true,
		 .session_rule = "make a calendar link while signed in, not with a token",
		 .grants = { GRANT(STAFF) },
		 .rule = "a calendar shows case deadlines: only case staff have one") },
	{ "DELETE", "/api/v1/me/calendar", api_calendar_delete, ROUTE_SIGNED_IN, 0 },
	/* the feed a calendar app fetches: the secret in the path is the credential (never
	 * logged: the access log names the route pattern) */
	{ "GET", "/calendar/{file}", api_calendar_feed, ROUTE_PUBLIC, 0, .on_worker = true },

	{ "POST", "/api/v1/witness/eligibility", api_witness_eligibility, ROUTE_SIGNED_IN, 8 * KiB,
	  CASE_STAFF("case staff use the eligibility check") },
	{ "GET", "/api/v1/prosecutions", api_prosecutions_list, ROUTE_SIGNED_IN, 0,
	  PROSECUTOR("the prosecutor's agency lists its prosecutions") },
	{ "POST", "/api/v1/prosecutions", api_prosecutions_create, ROUTE_SIGNED_IN, 64 * KiB,
	  PROSECUTOR("prosecutions are recorded by the prosecutor") },
	{ "GET", "/api/v1/prosecutions/{id}", api_prosecution_get, ROUTE_SIGNED_IN, 0 },
	{ "POST", "/api/v1/prosecutions/{id}/hearings", api_prosecution_hearing, ROUTE_SIGNED_IN,
	  4 * KiB, PROSECUTOR("the prosecutor's agency changes its prosecutions") },
	{ "POST", "/api/v1/prosecutions/{id}/outcome", api_prosecution_outcome, ROUTE_SIGNED_IN,
	  4 * KiB, PROSECUTOR("the prosecutor's agency changes its prosecutions") },
	{ "POST", "/api/v1/prosecutions/{id}/witnesses", api_prosecution_witness, ROUTE_SIGNED_IN,
	  4 * KiB, PROSECUTOR("the prosecutor's agency changes its prosecutions") },

	{ "GET", "/api/v1/agencies/{id}/roster", api_roster_list, ROUTE_SIGNED_IN, 0,
	  ADMIN_OR_OWN(STAFF, "only the agency's own staff see its roster") },
	{ "GET", "/api/v1/agencies/{id}/caseloads", api_caseloads, ROUTE_SIGNED_IN, 0,
	  PERMIT(.grants = { GRANT(ROLE(SUPERVISOR), 0, true) },
		 .rule = "an agency's caseloads are for its supervisors") },
	{ "POST", "/api/v1/agencies/{id}/roster", api_roster_add, ROUTE_SIGNED_IN, 4 * KiB,
	  ADMIN_OR_OWN(ROLE(SUPERVISOR), "a roster is kept by the supervisors of its own agency") },
	{ "DELETE", "/api/v1/agencies/{id}/roster/{entry}", api_roster_remove, ROUTE_SIGNED_IN, 0,
	  ADMIN_OR_OWN(ROLE(SUPERVISOR), "a roster is kept by the supervisors of its own agency") },
	{ "GET", "/api/v1/users/{id}/channels", api_channels_get, ROUTE_SIGNED_IN, 0 },
	{ "PUT", "/api/v1/users/{id}/channels", api_channels_put, ROUTE_SIGNED_IN, 4 * KiB },
	{ "POST", "/api/v1/notifications/{id}/ack", api_notification_ack, ROUTE_SIGNED_IN, 1 * KiB,
	  PERMIT(.grants = { GRANT(STAFF) }, .rule = "no such notification", .hidden = true) },
	{ "GET", "/api/v1/cases/{id}/notifications", api_case_notifications, ROUTE_SIGNED_IN, 0,
	  PERMIT(.grants = { GRANT(STAFF) }, .rule = "analysts and admins see no case content",
		 .case_member = true) },
	{ "GET", "/api/v1/summons", api_summons_list, ROUTE_SIGNED_IN, 0, NO_CASE_CONTENT },
	{ "POST", "/api/v1/summons/{id}/ack", api_summons_ack, ROUTE_SIGNED_IN, 1 * KiB,
	  PERMIT(.grants = { GRANT(STAFF) }, .rule = "no such summons", .hidden = true) },

	{ "GET", "/api/v1/reports/board", api_report_board, ROUTE_SIGNED_IN, 0,
	  PERMIT(.grants = { GRANT(ROLE(ANALYST) | ROLE(SUPERVISOR)),
			     GRANT(STAFF, KIND(OVERSIGHT)) },
		 .rule = "reports are for analysts, supervisors and oversight staff",
		 .audit = "report.board"),
	  .on_worker = true },
	{ "GET", "/api/v1/reports/csec", api_report_csec, ROUTE_SIGNED_IN, 0,
	  PERMIT(.grants = { GRANT(ROLE(ANALYST)), GRANT(ROLE(SUPERVISOR), KIND(CHILD_WELFARE)) },
		 .rule = "the state's CSEC indicators are for analysts and child welfare's supervisors",
		 .audit = "report.csec"),
	  .on_worker = true },
	{ "GET", "/api/v1/reports/federal", api_report_federal, ROUTE_SIGNED_IN, 0,
	  PERMIT(.grants = { GRANT(ROLE(ANALYST)), GRANT(STAFF, KIND(OVERSIGHT)) },
		 .rule = "the federal counts are for analysts and oversight staff",
		 .audit = "report.federal"),
	  .on_worker = true },
	{ "GET", "/api/v1/arrests/refused", api_refused_arrests, ROUTE_SIGNED_IN, 0,
	  PERMIT(.grants = { GRANT(ROLE(SUPERVISOR)), GRANT(STAFF, KIND(OVERSIGHT)) },
		 .rule = "refused arrests are for oversight staff and supervisors",
		 .audit = "arrests.refused.read"),
	  .on_worker = true },
};

const size_t http_nroutes = ARRAY_SIZE(http_routes);

/* The metrics listener (metrics_listen) answers these and nothing else. */
const struct route http_metrics_routes[] = {
	{ "GET", "/metrics", http_metrics, ROUTE_PUBLIC, 0 },
	{ "GET", "/healthz", api_health, ROUTE_PUBLIC, 0 },
	{ "HEAD", "/healthz", api_health, ROUTE_PUBLIC, 0 },
	{ "GET", "/readyz", api_ready, ROUTE_PUBLIC, 0, .on_worker = true },
};

const size_t http_metrics_nroutes = ARRAY_SIZE(http_metrics_routes);
