#ifndef SH_RECORDS_AGENDA_H
#define SH_RECORDS_AGENDA_H
/*
 * Records of the agenda and the calendar feeds (issue 17): what an agency has on its
 * calendar (steps due, hearings of its cases' minor witnesses) and each user's feed.
 * Included by records.h; strings the store fills live in the caller's arena.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The cases one agency sees (as struct case_query: now, or ever for supervisors), their
 * items in [from, to). */
struct agenda_query {
	int64_t agency_id;
	bool ever;
	const char *owner; /* the agency's kind: whose steps are shown */
	const char *also;  /* a step shown whoever owns it (the MDT meeting); NULL: none */
	int64_t from, to;
	int64_t worker; /* > 0: only cases whose named worker for the agency is this user */
	int limit;	/* at most this many rows of each kind */
};

/* A pending step due in the window. */
struct agenda_step_rec {
	const char *case_id, *area, *step, *owner, *also_owner;
	int episode;
	int64_t due_at, opened_at;
	int64_t protocol_id;
	int64_t worker_id; /* the agency's named worker on the case; 0: nobody */
	const char *worker_name;
};

/* A hearing in the window of a prosecution in which a case's youth is a witness (one row
 * per hearing and case). */
struct agenda_hearing_rec {
	int64_t id;
	const char *kind; /* preliminary, trial, motion, other */
	int64_t at;
	const char *court;
	const char *case_id, *area;
	int64_t worker_id;
	const char *worker_name;
};

/* A user's calendar feed (the token itself is never stored: a keyed hash of it is). */
struct calendar_feed_rec {
	int64_t user_id; /* 0: none */
	bool mine;	 /* only the user's own cases and shifts */
	int64_t created_at;
	int64_t used_at; /* the last fetch; 0: never */
};

#endif
