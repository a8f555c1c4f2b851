#ifndef SH_RECORDS_FIND_H
#define SH_RECORDS_FIND_H
/*
 * Records of finding a youth and acting on cases (issue 17): the search index, case
 * searches, each agency's named worker on a case, caseloads and saved preferences.
 * Included by records.h; strings the store fills live in the caller's arena.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A youth whose search terms were made under another key (or never): its sealed identity. */
struct youth_index_rec {
	int64_t id;
	const unsigned char *identity;
	size_t identity_len;
	const unsigned char *youth_key; /* wrapped */
	size_t youth_key_len;
};

#define CASE_SEARCH_TERMS 8

/* A search among the cases one agency may see (docs/api.md, "Finding a youth"). Every
 * criterion given must hold; newest identification first. */
struct case_search {
	int64_t agency_id; /* cases this agency takes part in */
	bool ever;	   /* also those it took part in before (supervisors) */
	const char *owner; /* the agency's kind: whose steps are "overdue" */
	int64_t now;
	const char *terms[CASE_SEARCH_TERMS]; /* blind-index terms the youth has, every one */
	size_t nterms;
	bool confidential_ok; /* may a name or birth date find a case whose name is confidential
				 (PC 293)? false: those are left out */
	const char *id_part;  /* a part of the case id (upper case) */
	const char *area;
	int open;	   /* -1: any; 0: closed; 1: open */
	bool overdue;	   /* a step of `owner` past its deadline */
	int64_t worker_id; /* > 0: the agency's named worker is this user */
	int limit;
};

/* One person's caseload in an agency: the open cases they are named on, and the steps of
 * their agency's kind overdue on those cases. user_id 0: the open cases nobody is named on. */
struct caseload_rec {
	int64_t user_id;
	const char *name, *username;
	bool disabled;
	int64_t open_cases;
	int64_t overdue_steps;
};

#endif
