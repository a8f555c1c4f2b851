#include "lib/common.h"
#include "core/csec.h"

const char *const csec_indicator_keys[CSEC_N + 1] = { "before_care", "in_care", "while_missing",
						      "at_risk", NULL };
const char *const csec_value_names[] = { "yes", "no", "unknown", NULL };

const char *csec_value_name(enum csec_value v)
{
	return v == CSEC_YES ? "yes" : v == CSEC_NO ? "no" : "unknown";
}

int csec_value_parse(const char *s)
{
	if (!s)
		return -1;
	if (!strcmp(s, "yes"))
		return CSEC_YES;
	if (!strcmp(s, "no"))
		return CSEC_NO;
	if (!strcmp(s, "unknown"))
		return CSEC_UNKNOWN;
	return -1;
}

/*
 * Only what the case holds, and "unknown" wherever it holds nothing: child welfare knows
 * the youth's history and confirms. A probation ward may or may not be in a foster-care
 * placement, so probation decides nothing here.
 */
void csec_derive(const struct csec_facts *f, enum csec_value out[CSEC_N])
{
	bool in_care = f->status == YOUTH_DEPENDENT || f->status == YOUTH_BOTH;
	bool not_in_care = f->status == YOUTH_NONE;

	/* met while in no one's care: if child welfare takes the youth in, it was before */
	out[CSEC_BEFORE_CARE] = not_in_care ? CSEC_YES : CSEC_UNKNOWN;
	/* met while a dependent: exploited while in care */
	out[CSEC_IN_CARE] = in_care ? CSEC_YES : not_in_care ? CSEC_NO : CSEC_UNKNOWN;
	/* met while missing from care (an earlier recovery's episode still open); a youth who
	 * went missing on this recovery may have been exploited while away: the return
	 * debrief finds out, so unknown; met in care and never missing: no */
	if (f->missing_at_identification)
		out[CSEC_WHILE_MISSING] = CSEC_YES;
	else if (f->missing_episodes > 0)
		out[CSEC_WHILE_MISSING] = CSEC_UNKNOWN;
	else
		out[CSEC_WHILE_MISSING] = in_care || not_in_care ? CSEC_NO : CSEC_UNKNOWN;
	/* running from care is a risk the state names; nothing else in the case says "at risk"
	 * rather than "exploited" */
	out[CSEC_AT_RISK] =
		f->missing_at_identification || f->missing_episodes > 0 ? CSEC_YES : CSEC_UNKNOWN;
}
