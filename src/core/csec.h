#ifndef SH_CSEC_H
#define SH_CSEC_H
/*
 * The state's four CSEC indicators of a recovery (WIC 16501.45: exploited before entering
 * care, while in care, while missing from care, at risk; docs/report.md). Child welfare
 * confirms them with a csec_indicators event; until then, and beside it, safeharbor
 * proposes what the case already knows. Pure: no I/O.
 */
#include <stdbool.h>
#include "core/protocol.h"

enum csec_value { CSEC_UNKNOWN, CSEC_NO, CSEC_YES };

enum csec_indicator { CSEC_BEFORE_CARE, CSEC_IN_CARE, CSEC_WHILE_MISSING, CSEC_AT_RISK, CSEC_N };

/* "before_care", "in_care", "while_missing", "at_risk" (the event's fields, CSV columns) */
extern const char *const csec_indicator_keys[CSEC_N + 1]; /* NULL-terminated */
/* "yes", "no", "unknown", NULL-terminated (a request's enum) */
extern const char *const csec_value_names[];
const char *csec_value_name(enum csec_value v); /* a static string */
/* -1 when s is not a value's name */
int csec_value_parse(const char *s);

/* What the case knows (store: csec_list) */
struct csec_facts {
	enum youth_status status; /* as determined: a later status_determined, else as identified */
	bool missing_at_identification; /* an earlier recovery of the youth had a missing-from-care
					   episode open at this identification */
	int missing_episodes;		/* missing-from-care episodes recorded on this recovery */
};

/* The proposal (docs/report.md, "The state's CSEC indicators", each rule). */
void csec_derive(const struct csec_facts *f, enum csec_value out[CSEC_N]);

#endif
