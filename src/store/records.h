#ifndef SH_RECORDS_H
#define SH_RECORDS_H
/*
 * Plain records that cross the store interface. Strings in records that the store
 * fills are allocated from the arena the caller passes and live as long as it.
 */
#include <stdbool.h>
#include <stdint.h>

/* One audit row: who did what to which case and section, and whether it was allowed. */
struct audit_entry {
	int64_t seq;      /* assigned by the store */
	int64_t at;       /* Unix seconds */
	int64_t user_id;  /* 0 for the system or an anonymous caller */
	int64_t agency_id;
	const char *action;  /* "case.read", "event.create", "session.create", ... */
	const char *case_id; /* NULL when not about a case */
	const char *section; /* NULL when not about one section */
	const char *outcome; /* "ok", "denied", "failed" */
	const char *detail;  /* short, never personal data */
	char prev_hash[65];
	char hash[65];
};

#endif
