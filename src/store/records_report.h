#ifndef SH_RECORDS_REPORT_H
#define SH_RECORDS_REPORT_H
/*
 * The Board report's queries (store/sqlite_report.c, docs/report.md): what they are
 * asked, and the aggregated rows they hand back one at a time. The store only
 * aggregates; what the figures mean is decided in core/metrics.
 */
#include <stdbool.h>
#include <stdint.h>
#include "lib/error.h"

/* An area and a protocol (by name) its recoveries ran under: the Board report's breakdown by
 * protocol (store_report_area_protocols). */
struct area_protocol_rec {
	const char *area;
	const char *protocol;
};

struct report_query {
	int64_t prev_from, from,
		to;		   /* previous period [prev_from, from), report period [from, to) */
	int64_t as_of;		   /* the data's as-of time: deadlines after it are not yet due */
	const char *area;	   /* one area only; NULL = every area */
	int window_days;	   /* stability: a check counts within this many days of day N */
	int no_missing_days;	   /* stability: missing episodes looked for before the check */
	const char *missing_steps; /* JSON array of the 24-hour missing-report step keys */
	const char *months;	   /* JSON array of the county's months cut at the periods'
					bounds: [["YYYY-MM", start, end], ...] */
	int64_t current_since[2];  /* "currently stable", per period: youth identified since */
	int64_t current_at[2];	   /* ... judged at this instant */
	int current_max_age_days;  /* ... by a check at most this old */
};

/* Where a row belongs: 0 = the report period, 1 = the previous one; the recovery's area
 * and identifying agency (area NULL and agency 0: a prosecution linked to no recovery). */
struct report_where {
	int period;
	const char *area;
	int64_t agency_id;
};

/* Strings in rows live until the sink's callback returns. */
struct report_case_row {
	struct report_where w;
	bool re_recovery;     /* recovery_no > 1 */
	bool first_in_period; /* the youth's first recovery within that period */
	int age;
	const char *gender, *race_ethnicity;
	int64_t n;
};

struct report_event_row {
	struct report_where w;
	const char *type;    /* arrest, refused_arrest, detention */
	const char *offense; /* arrests recorded before the classification was stored: the
				offence as written (else NULL) */
	int prostitution;    /* 1, 0; -1 not stored (read offense) */
	bool minor;	     /* under 18 at the act (or treated so); else 18 or older */
	int64_t n;
};

struct report_exploiter_row {
	struct report_where w;
	bool buyer;
	int64_t arrests, people;
};

struct report_step_row {
	struct report_where w;
	const char *step, *state; /* done or pending only */
	int64_t opened_at, due_at, done_at;
};

struct report_missing_row {
	struct report_where w;
	const char *cls; /* on_time, late, not_due, none */
	int64_t n;
};

struct report_stability_row {
	struct report_where w;
	int days; /* 30, 90, 180 */
	bool found;
	int stable, safe_placement, engaged; /* 1, 0, or -1 when not recorded */
	bool missing, recovered_again, detained;
	int64_t n;
};

struct report_witness_row {
	struct report_where w;
	bool advocate, safety_plan, cctv_filed, cctv_granted;
	int64_t n;
};

struct report_prosecution_row {
	struct report_where w;
	bool conviction; /* false: filed in the period; true: convicted in it */
	int64_t n;
};

struct report_month_row {
	int period;
	const char *month; /* YYYY-MM (county time) */
	int64_t n;
};

/* Where the rows go; a callback's non-zero code stops the queries and is returned. */
struct report_sink {
	void *arg;
	enum sh_code (*recoveries)(void *arg, const struct report_case_row *r);
	enum sh_code (*event)(void *arg, const struct report_event_row *r);
	enum sh_code (*exploiters)(void *arg, const struct report_exploiter_row *r);
	enum sh_code (*step)(void *arg, const struct report_step_row *r);
	enum sh_code (*missing)(void *arg, const struct report_missing_row *r);
	enum sh_code (*stability)(void *arg, const struct report_stability_row *r);
	/* "currently stable": days is 0 */
	enum sh_code (*current)(void *arg, const struct report_stability_row *r);
	enum sh_code (*witnesses)(void *arg, const struct report_witness_row *r);
	enum sh_code (*prosecutions)(void *arg, const struct report_prosecution_row *r);
	enum sh_code (*month)(void *arg, const struct report_month_row *r);
};

/* One recovery for the state's CSEC indicators (core/csec.h, store/sqlite_report.c): what
 * the case knows, and child welfare's latest confirmation. Strings live in the arena. */
struct csec_rec {
	const char *case_id;
	int64_t identified_at;
	const char *status; /* as determined: a later status_determined, else as identified */
	bool missing_at_identification; /* an earlier recovery's missing episode was open at T0 */
	int missing_episodes;		/* missing episodes recorded on this recovery */
	int64_t confirmed_id;		/* the latest csec_indicators event; 0: none */
	int64_t confirmed_at;
	const char *confirmed; /* its data (JSON), NULL when none */
};

#endif
