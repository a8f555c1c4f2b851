#ifndef SH_RECORDS_NOTIFY_H
#define SH_RECORDS_NOTIFY_H
/*
 * Records of on-call rosters, contact channels, summonses and the notification
 * outbox (docs/notifications.md). Included by records.h; strings the store fills
 * live in the caller's arena.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One shift: who of an agency is on call, in one area ("*" = every area), from-to. */
struct roster_rec {
	int64_t id;
	int64_t agency_id;
	const char *area;
	int64_t starts_at, ends_at; /* [starts_at, ends_at) */
	int64_t user_id;	    /* on call */
	int64_t fallback_id;	    /* 0 when none */
	int64_t supervisor_id;
	int64_t created_at, created_by;
	int64_t removed_at; /* 0 while in force */
	/* filled by lookups: display names, and whether each can be paged now (enabled, with
	 * an e-mail address or a webhook) */
	const char *user_name, *fallback_name, *supervisor_name;
	bool user_pageable, fallback_pageable, supervisor_pageable;
};

/* How a user is reached. The webhook secret is sealed (shcrypto) with its context. */
struct channel_rec {
	int64_t user_id;		     /* 0 from channels_get: the user has none */
	const char *webhook_url;	     /* NULL when none */
	const unsigned char *webhook_secret; /* sealed; NULL when none */
	size_t webhook_secret_len;
	const char *email; /* NULL when none */
	int64_t updated_at;
};

/* One summons: an agency called to one step of a case; escalates until acknowledged. */
struct summons_rec {
	int64_t id;
	const char *case_id;
	int64_t agency_id;
	const char *step;
	const char *step_title;
	int episode;
	int64_t due_at;
	int64_t roster_id; /* the shift in force when it started; 0 when no one was on call */
	int stage;	   /* 0 = first call; see core/escalation.h */
	const char *role;  /* who the current stage went to: on_call, fallback, supervisor */
	int64_t created_at;
	int64_t stage_at; /* when the current stage started */
	int64_t acked_at; /* 0 while unacknowledged */
	int64_t acked_by; /* user, 0 for none */
	const char
		*ack_how; /* "ack", "step_done", "step_waived", "not_applicable", "case_closed" */
	/* filled by lists */
	const char *area;
	const char *agency_name, *agency_kind;
	const char *acked_by_name;
	/* a message of it is on its way or was delivered; false: nobody could be paged (no one
	 * on call, nobody with a channel, every attempt failed) */
	bool reached;
};

/* One message to one person on one channel: a row of the outbox. */
struct outbox_rec {
	int64_t id;
	const char *kind; /* "summons", "due_soon", "overdue" */
	int stage;
	const char *role; /* "on_call", "fallback", "supervisor" */
	const char *case_id;
	const char *step;
	int episode;
	const char *step_title;
	int64_t due_at;
	const char *area;
	int64_t agency_id;
	int64_t summons_id;  /* 0 for step alerts */
	int64_t user_id;     /* the recipient */
	const char *channel; /* "webhook", "email" */
	const char *target;  /* the address used (last attempt) */
	const char *status;  /* "pending", "sent", "failed", "cancelled" */
	int attempts;
	int64_t created_at;
	int64_t next_attempt_at;
	const char *claimed_by;
	int64_t claimed_until;
	int64_t sent_at;
	int64_t acked_at, acked_by;
	const char *last_error;
	/* filled by reads: the recipient, their agency, and their channels now */
	const char *username, *display_name, *agency_name;
	const char *webhook_url, *email;
	const unsigned char *webhook_secret;
	size_t webhook_secret_len;
};

/* A pending step near or past its deadline, for the escalation scan. */
struct step_alert_rec {
	const char *case_id;
	const char *area;
	int64_t protocol_id;
	const char *step;
	int episode;
	const char *owner; /* agency kind */
	int64_t agency_id; /* the agency of that kind taking part; 0 when none */
	int64_t opened_at, due_at;
	bool due_soon_marked, overdue_marked; /* already decided */
};

#endif
