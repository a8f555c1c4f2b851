#ifndef SH_STORE_USER_COLS_H
#define SH_STORE_USER_COLS_H
/* A user with its agency's fields, as every backend selects it (users u JOIN agencies a):
 * the columns and the table that reads them into a struct user_rec. store/ only. */
#include "store/colmap.h"
#include "store/records.h"

#define USER_COLS                                                                            \
	"u.id, u.agency_id, u.username, u.display_name, u.contact, u.role, u.password_hash," \
	" u.disabled, u.failed_logins, u.locked_until, u.created_at, a.name, a.kind,"        \
	" a.home_area, a.disabled, u.totp_secret, u.totp_enrolled_at, u.totp_last_step,"     \
	" u.last_active_at, u.sso_id, a.password_signin"

/* USER_COLS, in order */
#define SQ_REC struct user_rec
static const struct sq_col user_cols[] = { SQ_C(id),
					   SQ_C(agency_id),
					   SQ_C(username),
					   SQ_C(display_name),
					   SQ_C(contact),
					   SQ_C(role),
					   SQ_C(password_hash),
					   SQ_C(disabled),
					   SQ_C(failed_logins),
					   SQ_C(locked_until),
					   SQ_C(created_at),
					   SQ_C(agency_name),
					   SQ_C(agency_kind),
					   SQ_C(agency_home_area),
					   SQ_C(agency_disabled),
					   SQ_B(totp_secret, totp_secret_len),
					   SQ_C(totp_enrolled_at),
					   SQ_C(totp_last_step),
					   SQ_C(last_active_at),
					   SQ_C(sso_id),
					   SQ_C(agency_password_signin) };
#undef SQ_REC

#endif
