#ifndef SH_HANDLERS_H
#define SH_HANDLERS_H
/* Every API handler, one group per resource file in api/. The route table is in http/routes.c. */
#include "api/api.h"
#include "store/records.h"

/* Shared JSON shapes; each returns a new reference the caller owns (json_decref). */
json_t *agency_to_json(const struct agency_rec *r, bool admin);

/*
 * The disable and enable routes of an agency or a user (agencies.c): path parameter 0 is
 * the id, disable is admin_agency_disable or admin_user_disable (api/admin.h); the reply
 * is {"id", "disabled"}.
 */
struct principal;
struct store;
typedef enum sh_code (*api_disable_fn)(struct store *s, int64_t now, const struct principal *actor,
				       int64_t id, bool disabled, struct sh_error *err);
enum sh_code api_set_disabled(struct api_request *req, struct api_response *res,
			      struct sh_error *err, api_disable_fn disable, bool disabled);

#define API_HANDLER(name) \
	enum sh_code name(struct api_request *req, struct api_response *res, struct sh_error *err)

API_HANDLER(api_health);
API_HANDLER(api_ready);

/* session.c */
API_HANDLER(api_session_create);
API_HANDLER(api_session_delete);
API_HANDLER(api_me);
API_HANDLER(api_signin_options);
/* oidc.c: sign-in with the county's OpenID Connect provider */
API_HANDLER(api_oidc_start);
API_HANDLER(api_oidc_callback);
/* factor.c: the second factor (TOTP) and one's own password */
API_HANDLER(api_session_code);
API_HANDLER(api_me_totp_begin);
API_HANDLER(api_me_totp_confirm);
API_HANDLER(api_me_password);

/* agencies.c, users.c, tokens.c */
API_HANDLER(api_agencies_list);
API_HANDLER(api_agencies_create);
API_HANDLER(api_agency_disable);
API_HANDLER(api_agency_enable);
API_HANDLER(api_agency_update);
API_HANDLER(api_user_update);
API_HANDLER(api_users_list);
API_HANDLER(api_users_create);
API_HANDLER(api_user_disable);
API_HANDLER(api_user_enable);
API_HANDLER(api_user_password);
API_HANDLER(api_user_totp_reset);
API_HANDLER(api_agency_signin);
API_HANDLER(api_tokens_list);
API_HANDLER(api_tokens_create);
API_HANDLER(api_token_revoke);

/* cases.c, events.c */
API_HANDLER(api_cases_create);
API_HANDLER(api_cases_list);
API_HANDLER(api_case_get);
API_HANDLER(api_case_audit);
API_HANDLER(api_notices_list);
API_HANDLER(api_events_create);
API_HANDLER(api_events_list);
API_HANDLER(api_case_export);

/* search.c, caseloads.c, prefs.c: finding a youth, caseloads, saved filters */
API_HANDLER(api_search);
API_HANDLER(api_caseloads);
API_HANDLER(api_steps);
/* protocols.c: the protocols in use */
API_HANDLER(api_protocols);
API_HANDLER(api_prefs_get);
API_HANDLER(api_prefs_put);

/* agenda.c, calendar.c: the agenda and the calendar feeds */
API_HANDLER(api_agenda);
API_HANDLER(api_calendar_get);
API_HANDLER(api_calendar_create);
API_HANDLER(api_calendar_delete);
API_HANDLER(api_calendar_feed);

/* witness.c */
API_HANDLER(api_witness_eligibility);
API_HANDLER(api_prosecutions_create);
API_HANDLER(api_prosecutions_list);
API_HANDLER(api_prosecution_get);
API_HANDLER(api_prosecution_hearing);
API_HANDLER(api_prosecution_outcome);
API_HANDLER(api_prosecution_witness);
API_HANDLER(api_case_witness);

/* oncall.c, notifications.c: rosters, contact channels, summonses */
API_HANDLER(api_roster_list);
API_HANDLER(api_roster_add);
API_HANDLER(api_roster_remove);
API_HANDLER(api_channels_get);
API_HANDLER(api_channels_put);
API_HANDLER(api_notification_ack);
API_HANDLER(api_case_notifications);
API_HANDLER(api_summons_ack);
API_HANDLER(api_summons_list);

/* reports.c: the Board report */
API_HANDLER(api_report_board);
API_HANDLER(api_report_csec);
API_HANDLER(api_report_federal);
API_HANDLER(api_case_csec);
API_HANDLER(api_refused_arrests);

/* seal.c: sealing by court order, retention and its holds */
API_HANDLER(api_seal_create);
API_HANDLER(api_holds_list);
API_HANDLER(api_hold_put);
API_HANDLER(api_hold_delete);
API_HANDLER(api_retention_get);

#endif
