#ifndef SH_RECORDS_H
#define SH_RECORDS_H
/*
 * Plain records that cross the store interface. Strings in records that the store
 * fills are allocated from the arena the caller passes and live as long as it.
 */
#include <stdbool.h>
#include <stdint.h>
#include "core/case_records.h"

/* One audit row: who did what to which case and section, and whether it was allowed. */
struct audit_entry {
	int64_t seq;	 /* assigned by the store */
	int64_t at;	 /* Unix seconds */
	int64_t user_id; /* 0 for the system or an anonymous caller */
	int64_t agency_id;
	const char *action;  /* "case.read", "event.create", "session.create", ... */
	const char *case_id; /* NULL when not about a case */
	const char *section; /* NULL when not about one section */
	const char *outcome; /* "ok", "denied", "failed" */
	const char *detail;  /* short, never personal data */
	int64_t token_id;    /* the bearer token the request came with; 0 for none */
	/* an anchor row (action "event.chain") commits to one timeline event: its id and the
	 * MAC of its stored fields (store/audit_chain.h); 0 / NULL on other rows */
	int64_t ref_event;
	const char *ref_mac;
	char prev_hash[65];
	char hash[65];
	bool has_nul; /* set by scans: a text field holds a NUL byte (never written by us) */
};

struct agency_rec {
	int64_t id;
	const char *name;
	const char *kind;      /* contract.md agency kind */
	const char *home_area; /* the area its staff usually work in; NULL when none */
	const char **areas;    /* areas it serves ("*" = all); NULL-terminated, may be NULL */
	bool disabled;
	int64_t created_at;
	bool password_signin; /* its staff may sign in with local passwords (default true) */
};

struct user_rec {
	int64_t id;
	int64_t agency_id;
	const char *username;
	const char *display_name;
	const char *contact; /* work phone or e-mail shown to a case team; NULL when none */
	const char *role;
	const char *password_hash;
	bool disabled;
	int failed_logins;
	int64_t locked_until;
	int64_t created_at;
	/* the second factor: the sealed TOTP secret (NULL: none), when its first code was
	 * given (0: awaiting it), the last step whose code was used */
	const unsigned char *totp_secret;
	size_t totp_secret_len;
	int64_t totp_enrolled_at;
	int64_t totp_last_step;
	int64_t last_active_at; /* the last sign-in or request (inactive accounts are disabled) */
	const char *sso_id;	/* the account at the county's identity provider; NULL: none */
	/* from the user's agency (filled by lookups) */
	const char *agency_name;
	const char *agency_kind;
	const char *agency_home_area;
	bool agency_disabled;
	bool agency_password_signin; /* its staff may sign in with local passwords */
};

struct session_rec {
	const char *id_hash; /* BLAKE2b of the cookie value; the value itself is never stored */
	int64_t user_id;
	const char *csrf_token;
	int64_t created_at;
	int64_t last_seen;
	bool revoked;
	/* "full"; "code" (the password was right, the TOTP code is owed) or "enrol" (a second
	 * factor must be set up first) */
	const char *stage;
	const char *method; /* "password" or "oidc" */
};

struct token_rec {
	int64_t id;
	const char *hash; /* BLAKE2b of the token; the token itself is shown once */
	int64_t user_id;
	const char *username; /* filled by lists */
	const char *label;
	int64_t created_at;
	int64_t revoked_at; /* 0 while valid */
	int64_t expires_at; /* it stops working then */
	const char *scope;  /* "read" (GET only), "write" (what the role allows), "report" */
	int64_t created_by; /* the user who made it; 0: the operator at the command line */
	const char *created_by_name; /* filled by lists */
};

/* A notice to an agency's supervisors and to the person concerned: something another
 * person did to an account (a privileged account made, a token, a password reset). */
struct notice_rec {
	int64_t id;
	int64_t agency_id;
	const char *kind;   /* "privileged_account", "token_created", "password_reset" */
	int64_t subject_id; /* the account concerned */
	int64_t actor_id;   /* who did it; 0: the operator at the command line */
	const char *detail; /* short, never a secret */
	int64_t created_at;
	/* filled by lists */
	const char *subject_name, *subject_username, *actor_name;
};

/* An OpenID Connect sign-in in flight (api/oidc.c): found by the hash of its state, bound
 * to the browser that started it by the hash of a cookie, used once. */
struct oidc_request_rec {
	const char *state_hash;
	const char *binding_hash;
	const char *nonce;
	const char *verifier;  /* the PKCE code verifier */
	const char *return_to; /* a path of the web app */
	int64_t created_at;
};

struct protocol_rec {
	int64_t id;
	const char *name;
	const char *version;
	const char *effective; /* YYYY-MM-DD */
	const char *text;
	const char *sha;
	int64_t loaded_at;
};

/* A person across recoveries. identity is sealed (encrypted) JSON. */
struct youth_rec {
	int64_t id;
	const char *blind_index; /* NULL when there is no name and birth date to match on */
	const unsigned char *identity;
	size_t identity_len;
	int64_t created_at;
	/* the youth's data key, wrapped (lib/shcrypto.h): youth_insert stores it beside the
	 * youth, so every way of making a youth gives them a key to shred */
	const unsigned char *youth_key;
	size_t youth_key_len;
};

/* A row of "who viewed and changed a case", with the names it needs. */
struct audit_view_rec {
	struct audit_entry e;  /* e.seq 0: not linked into the chain yet (PostgreSQL) */
	int64_t cursor;	       /* where the next page starts (SQLite: seq; PostgreSQL: the id) */
	const char *user_name; /* display name; NULL for the system */
	const char *agency_name;
	const char *token_label; /* the bearer token of the request, when there was one */
	int64_t token_created_by;
	const char *token_creator_name; /* NULL when the operator made it */
};

/* A timeline event as the audit verification reads it, with its latest anchor. */
struct event_chain_rec {
	struct event_rec ev;
	size_t data_len;	/* bytes of ev.data as stored */
	bool has_nul;		/* a text field holds a NUL byte */
	int64_t anchor_seq;	/* the latest audit row anchoring it; 0 when none */
	bool anchor_unlinked;	/* that row is not linked into the chain yet (PostgreSQL) */
	const char *anchor_mac; /* that row's ref_mac */
};
/* A derived step row (the cache of protocol_evaluate for lists and reports). */
struct step_rec {
	const char *step;
	int episode;
	const char *owner;
	const char *also_owner; /* a second agency kind that answers for it, or NULL */
	const char *state;
	int64_t opened_at;
	int64_t due_at;
	int64_t done_at;
};

/* A row of "what does my agency owe": a case and its next due step for that agency. */
struct owed_rec {
	const char *case_id;
	int64_t protocol_id;
	int64_t identified_at;
	const char *area;
	const char *youth_status;
	int age;
	int64_t closed_at;
	const char *step; /* NULL when the agency owes nothing on this case */
	int episode;
	int64_t opened_at;
	int64_t due_at;
	/* who the youth is, for initials (sealed), and whether the name is confidential now */
	const unsigned char *identity;
	size_t identity_len;
	const unsigned char *youth_key; /* wrapped; NULL when sealed (or from before schema 13) */
	size_t youth_key_len;
	const char *sealed_why; /* NULL, or why no identity is left: "court order", "retention" */
	bool name_confidential;
	int64_t worker_id; /* the agency's named worker on the case; 0: nobody */
	const char *worker_name;
};

/* A prosecution of exploiters or buyers, by a prosecutor's agency. */
struct prosecution_rec {
	int64_t id;
	int64_t agency_id;
	const char *court_case_number;
	const char *court;
	const char *charges; /* JSON array of Penal Code sections */
	int64_t filed_at;
	const char *outcome; /* NULL while open: convicted, acquitted, dismissed, plea */
	int64_t outcome_at;
	int64_t created_at;
	int64_t created_by;
};

struct defendant_rec {
	int64_t id;
	int64_t prosecution_id;
	const char *role; /* exploiter, buyer */
	const unsigned char *name_sealed;
	size_t name_len;
	const char *charges; /* JSON array */
	int64_t created_at;
};

struct case_query {
	int64_t agency_id; /* cases this agency takes part in */
	bool ever;	   /* also those it took part in before (supervisors) */
	const char *owner; /* agency kind whose pending steps are shown */
	bool open_only;
	bool overdue_only; /* only cases with a step of `owner` due before now */
	int64_t now;
	/* cursor: the sort key of the last row of the previous page (after_id NULL: first page) */
	int64_t after_due; /* INT64_MAX for cases with nothing due */
	const char *after_id;
	int limit;
	/* filters (NULL / 0: none): the case's area; cases owing this step (of `owner`); the
	 * agency's named worker: a user (> 0) or nobody (-1) */
	const char *area;
	const char *step;
	int64_t worker;
};

/* rosters, channels, summonses, outbox */
#include "store/records_notify.h"
/* the Board report's queries and rows */
#include "store/records_report.h"
/* the search index, case searches, named workers, caseloads, preferences */
#include "store/records_find.h"
/* the agenda and calendar feeds */
#include "store/records_agenda.h"
/* rows as stored, for copying a county between databases */
#include "store/records_copy.h"

/*
 * The kinds of sealed (encrypted) values. Each is sealed with its own context
 * string as associated data, so a value cannot be moved from one field to another.
 */
enum sealed_kind {
	SEALED_IDENTITY,       /* youth.identity: names, birth date, contact */
	SEALED_EVENT_TEXT,     /* events.sealed: free text of timeline events */
	SEALED_DEFENDANT_NAME, /* defendants.name_sealed */
	SEALED_WEBHOOK_SECRET, /* user_channels.webhook_secret */
	SEALED_TOTP_SECRET,    /* users.totp_secret */
	SEALED_YOUTH_KEY,      /* youth_keys.wrapped: a youth's data key under the field key */
	SEALED_KIND_COUNT
};

/* The context string of each kind ("youth.identity", ...). */
static const char *const sealed_context[SEALED_KIND_COUNT] = {
	[SEALED_IDENTITY] = "youth.identity",
	[SEALED_EVENT_TEXT] = "event.text",
	[SEALED_DEFENDANT_NAME] = "defendant.name",
	[SEALED_WEBHOOK_SECRET] = "notify.webhook_secret",
	[SEALED_TOTP_SECRET] = "user.totp",
	[SEALED_YOUTH_KEY] = "youth.key",
};

/* A hold: the case (and so its youth) is kept from retention, for a reason. */
struct hold_rec {
	const char *case_id;
	const char *reason;
	int64_t user_id; /* who set it; 0: the operator */
	int64_t set_at;
};

/* A youth retention may destroy: every recovery closed, none held by hold_rec. */
struct retention_rec {
	int64_t youth_id;
	const char *case_ids;	       /* the recoveries' case ids, space-separated, oldest first */
	int64_t last_closed_at;	       /* the latest closure */
	int64_t last_identified_at;    /* the latest recovery's identification */
	int last_age;		       /* the youth's age then */
	bool held;		       /* a case of the youth has a hold */
	const unsigned char *identity; /* for the birth date */
	size_t identity_len;
	const unsigned char *youth_key;
	size_t youth_key_len;
};

struct sealed_rec {
	int64_t id;
	const unsigned char *blob;
	size_t len;
};

/* What /metrics shows about the data: counts only, never ids or names. */
#define GAUGES_MAX_KINDS 16
struct store_gauges {
	int64_t outbox_pending;	 /* notifications waiting to be sent (or retried) */
	int64_t outbox_failed;	 /* given up after the last attempt */
	int64_t summons_unacked; /* summonses of open cases nobody acknowledged yet */
	int64_t audit_rows;	 /* the audit chain's length */
	int nkinds;
	struct {
		const char *kind; /* agency kind owning the steps (arena) */
		int64_t overdue;  /* pending steps of open cases past their deadline */
	} overdue[GAUGES_MAX_KINDS];
};

/* Everything a case's view loads (store_case_records), in one read: the case with its
 * youth's sealed identity (as case_get), its agencies (case_agencies), its timeline
 * (events_list), the youth's other recoveries (case_siblings) with one agency's part in
 * each (case_agency_of), its witness listings (witnesses_list by case) and, when asked, its
 * kept derivation (derived_get). Arrays are in the arena, as the single operations give
 * them. */
struct case_records {
	struct case_rec c;
	struct case_agency_rec *agencies;
	size_t nagencies;
	struct event_rec *events;
	size_t nevents;
	struct case_rec *siblings;
	size_t nsiblings;
	bool *sibling_joined;	  /* nsiblings: the agency ever took part in that recovery */
	int64_t *sibling_left_at; /* nsiblings: when it left (0 while taking part) */
	struct witness_rec *witnesses;
	size_t nwitnesses;
	char *derived_stamp; /* NULL when none is kept or not asked */
	char *derived_steps;
};

#endif
