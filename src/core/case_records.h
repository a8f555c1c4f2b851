#ifndef SH_CASE_RECORDS_H
#define SH_CASE_RECORDS_H
/*
 * The records a case is made of, as plain data: the recovery, the agencies taking part,
 * the timeline, and the prosecutions the youth is a witness in with their hearings. The
 * store fills them (store/records.h includes this file); core/casefile derives the
 * case's state from them. Strings live in the arena of whoever filled the record.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One recovery: one run of the protocol for one youth. */
struct case_rec {
	const char *id;
	int64_t youth_id;
	int recovery_no; /* 1 for the first recovery of this youth */
	int64_t identified_at;
	int64_t recorded_at;
	const char *area;
	const char *youth_status;
	int64_t identified_by_agency;
	int64_t identified_by_user;
	int64_t protocol_id;
	int age;	    /* whole years at identification */
	bool age_estimated; /* from an estimate, not a birth date */
	const char *gender;
	const char *race_ethnicity;
	int64_t last_assault_at; /* 0 = none reported */
	bool name_confidential;	 /* PC 293 election or a Doe order */
	const char *indicators;	 /* JSON array text */
	int64_t closed_at;	 /* 0 while open */
	const char *close_reason;
	/* filled by case_get: the youth's sealed identity, their wrapped data key (NULL when
	 * sealed by court order or destroyed by retention) and when that was (0: never) */
	const unsigned char *identity;
	size_t identity_len;
	const unsigned char *youth_key;
	size_t youth_key_len;
	int64_t sealed_at;
	const char *sealed_why; /* "court order" or "retention" */
};

struct case_agency_rec {
	int64_t agency_id;
	const char *name;
	const char *kind;
	const char *reason; /* why it takes part: "identified", "routed", "witness", ... */
	int64_t joined_at;
	int64_t left_at; /* 0 while taking part */
	/* the person the agency named as its worker on the case (worker_assigned); 0: nobody */
	int64_t worker_id;
	const char *worker_name;
	int64_t worker_since;
};

/* One timeline entry. data is the JSON of its structured fields; free text is sealed. */
struct event_rec {
	int64_t id;
	const char *case_id;
	const char *type;
	const char *section;
	int64_t at;	     /* time of the fact */
	int64_t recorded_at; /* when it was recorded */
	int64_t user_id;
	int64_t agency_id;
	int64_t amends;	     /* the event this one corrects, or 0 */
	int64_t amended_by;  /* the event that corrects this one, or 0 (casefile_index) */
	int64_t reviewed_at; /* a deviation: when a supervisor last reviewed it, or 0 (same) */
	const char *data;
	const unsigned char *sealed;
	size_t sealed_len;
	/* filled by lists */
	const char *author;
	const char *agency_name;
	const char *agency_kind;
	const char *case_area; /* filled by events_by_type */
};

struct hearing_rec {
	int64_t id;
	int64_t prosecution_id;
	const char *kind; /* preliminary, trial, motion, other */
	int64_t at;
	int64_t created_at;
};

/* A youth (by case) listed as a minor victim witness in a prosecution. */
struct witness_rec {
	int64_t id;
	int64_t prosecution_id;
	const char *case_id;
	int64_t listed_at;
	/* filled by witnesses_for_case */
	int64_t prosecutor_agency_id;
	const char *court_case_number;
	const char *charges;
};

#endif
