#ifndef SH_STORE_NOTIFY_COLS_H
#define SH_STORE_NOTIFY_COLS_H
/* Rosters, channels, summonses, outbox rows and step alerts as every backend selects them:
 * the columns and the tables that read them (store/colmap.h). store/ only. */
#include "store/colmap.h"
#include "store/records.h"

/* Can user u be paged: enabled, with an e-mail address or a webhook (SQL). */
#define PAGEABLE(u)                                                                            \
	"(" u ".disabled = 0 AND EXISTS (SELECT 1 FROM user_channels ch WHERE ch.user_id = " u \
	".id AND (ch.webhook_url IS NOT NULL OR ch.email IS NOT NULL)))"

#define ROSTER_COLS                                                                         \
	"r.id, r.agency_id, r.area, r.starts_at, r.ends_at, r.user_id, r.fallback_id,"      \
	" r.supervisor_id, r.created_at, r.created_by, r.removed_at, u.display_name,"       \
	" f.display_name, s.display_name, " PAGEABLE("u") ", " PAGEABLE("f") ", " PAGEABLE( \
		"s") " FROM roster r JOIN users u ON u.id = r.user_id"                      \
		     " LEFT JOIN users f ON f.id = r.fallback_id JOIN users s ON s.id = r.supervisor_id"

#define SQ_REC struct roster_rec
static const struct sq_col roster_cols[] = { SQ_C(id),
					     SQ_C(agency_id),
					     SQ_C(area),
					     SQ_C(starts_at),
					     SQ_C(ends_at),
					     SQ_C(user_id),
					     SQ_C(fallback_id),
					     SQ_C(supervisor_id),
					     SQ_C(created_at),
					     SQ_C(created_by),
					     SQ_C(removed_at),
					     SQ_C(user_name),
					     SQ_C(fallback_name),
					     SQ_C(supervisor_name),
					     SQ_C(user_pageable),
					     SQ_C(fallback_pageable),
					     SQ_C(supervisor_pageable) };
#undef SQ_REC

#define SQ_REC struct channel_rec
static const struct sq_col channels_cols[] = { SQ_C(user_id), SQ_C(webhook_url),
					       SQ_B(webhook_secret, webhook_secret_len),
					       SQ_C(email), SQ_C(updated_at) };
#undef SQ_REC

#define SUMMONS_COLS                                                                             \
	"s.id, s.case_id, s.agency_id, s.step, s.step_title, s.episode, s.due_at,"               \
	" s.roster_id, s.stage, s.role, s.created_at, s.stage_at, s.acked_at, s.acked_by,"       \
	" s.ack_how, c.area, g.name, g.kind, u.display_name,"                                    \
	" EXISTS (SELECT 1 FROM outbox o WHERE o.summons_id = s.id"                              \
	"  AND o.status IN ('pending', 'sent'))"                                                 \
	" FROM summons s JOIN cases c ON c.id = s.case_id JOIN agencies g ON g.id = s.agency_id" \
	" LEFT JOIN users u ON u.id = s.acked_by"

#define SQ_REC struct summons_rec
static const struct sq_col summons_cols[] = {
	SQ_C(id),	   SQ_C(case_id),     SQ_C(agency_id),	   SQ_C(step),
	SQ_C(step_title),  SQ_C(episode),     SQ_C(due_at),	   SQ_C(roster_id),
	SQ_C(stage),	   SQ_C(role),	      SQ_C(created_at),	   SQ_C(stage_at),
	SQ_C(acked_at),	   SQ_C(acked_by),    SQ_C(ack_how),	   SQ_C(area),
	SQ_C(agency_name), SQ_C(agency_kind), SQ_C(acked_by_name), SQ_C(reached)
};
#undef SQ_REC

#define OUTBOX_COLS                                                                             \
	"o.id, o.kind, o.stage, o.role, o.case_id, o.step, o.episode, o.step_title, o.due_at,"  \
	" o.area, o.agency_id, o.summons_id, o.user_id, o.channel, o.target, o.status,"         \
	" o.attempts, o.created_at, o.next_attempt_at, o.claimed_by, o.claimed_until,"          \
	" o.sent_at, o.acked_at, o.acked_by, o.last_error, u.username, u.display_name,"         \
	" g.name, ch.webhook_url, ch.email, ch.webhook_secret"                                  \
	" FROM outbox o JOIN users u ON u.id = o.user_id JOIN agencies g ON g.id = o.agency_id" \
	" LEFT JOIN user_channels ch ON ch.user_id = o.user_id"

#define SQ_REC struct outbox_rec
static const struct sq_col outbox_cols[] = { SQ_C(id),
					     SQ_C(kind),
					     SQ_C(stage),
					     SQ_C(role),
					     SQ_C(case_id),
					     SQ_C(step),
					     SQ_C(episode),
					     SQ_C(step_title),
					     SQ_C(due_at),
					     SQ_C(area),
					     SQ_C(agency_id),
					     SQ_C(summons_id),
					     SQ_C(user_id),
					     SQ_C(channel),
					     SQ_C(target),
					     SQ_C(status),
					     SQ_C(attempts),
					     SQ_C(created_at),
					     SQ_C(next_attempt_at),
					     SQ_C(claimed_by),
					     SQ_C(claimed_until),
					     SQ_C(sent_at),
					     SQ_C(acked_at),
					     SQ_C(acked_by),
					     SQ_C(last_error),
					     SQ_C(username),
					     SQ_C(display_name),
					     SQ_C(agency_name),
					     SQ_C(webhook_url),
					     SQ_C(email),
					     SQ_B(webhook_secret, webhook_secret_len) };
#undef SQ_REC

#define SQ_REC struct step_alert_rec
static const struct sq_col step_alert_candidates_cols[] = {
	SQ_C(case_id),	     SQ_C(area),
	SQ_C(protocol_id),   SQ_C(step),
	SQ_C(episode),	     SQ_C(owner),
	SQ_C(agency_id),     SQ_C(opened_at),
	SQ_C(due_at),	     SQ_C(due_soon_marked),
	SQ_C(overdue_marked)
};
#undef SQ_REC

#endif
