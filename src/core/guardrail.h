#ifndef SH_GUARDRAIL_H
#define SH_GUARDRAIL_H
/*
 * The arrest guardrail (SB 1322): no prostitution arrest of anyone under 18 at the time
 * of the act, no arrest for an offence repealed before the act, and every other arrest
 * of an identified victim a protocol deviation. Age is taken on the county's local day
 * of the act. When the age is not known for certain the youth is treated as a minor:
 * an estimate under 20 (18 and 19 until a birth date is verified) or no age at all.
 * Pure: the offences and the zone are passed in.
 */
#include <stdbool.h>
#include <stdint.h>
#include "core/offences.h"
#include "lib/tz.h"

/* What is known of the youth's age. */
struct guardrail_youth {
	bool has_birth; /* a birth date (verified) */
	struct sh_date birth;
	bool has_estimate; /* else an officer's estimate, at identification */
	int estimate;
	int64_t identified_at;
};

enum guardrail_verdict {
	GUARDRAIL_ACCEPT,	   /* record it (a protocol deviation) */
	GUARDRAIL_REFUSE_MINOR,	   /* a prostitution offence, the youth under 18 (or unsure) */
	GUARDRAIL_REFUSE_REPEALED, /* the offence no longer existed on the day of the act */
	GUARDRAIL_ASK_SUBDIVISION, /* a minor, and a citation that names no offence yet */
};

#define GUARDRAIL_REASON_MAX 1200

struct guardrail_result {
	enum guardrail_verdict verdict;
	struct offence_match match;
	struct sh_date act_date; /* the county's local day of the act */
	int age;		 /* the age at the act (estimated when estimated), -1 unknown */
	bool minor;		 /* treated as under 18 for the guardrail */
	const char *age_basis;	 /* "birth date", "estimate", "estimate not verified",
				    "unknown" (static) */
	char reason[GUARDRAIL_REASON_MAX];    /* why refused, or why treated as a minor */
	char reason_es[GUARDRAIL_REASON_MAX]; /* the same in Spanish */
};

/* Judges an arrest for `offense` (what was typed) at instant act_at. */
void guardrail_arrest(const struct offences *o, const struct tz *z, const char *offense,
		      int64_t act_at, const struct guardrail_youth *y, struct guardrail_result *r);

/* The age at instant t (local day), estimated when only an estimate exists; -1 unknown. */
int guardrail_age_at(const struct tz *z, const struct guardrail_youth *y, int64_t t);

#endif
