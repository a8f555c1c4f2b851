#include "lib/common.h"
#include "core/guardrail.h"
#include "lib/catalog.h"

#define YEAR_S 31556952 /* 365.2425 days: an estimate ages with the calendar */

static int64_t date_day(struct sh_date d)
{
	return timefmt_days_from_civil(d.year, d.month, d.day);
}

int guardrail_age_at(const struct tz *z, const struct guardrail_youth *y, int64_t t)
{
	int64_t d;

	if (y->has_birth)
		return tz_age_at(z, y->birth, t);
	if (!y->has_estimate)
		return -1;
	d = t - y->identified_at;
	return y->estimate + (int)(d / YEAR_S); /* whole years before or after */
}

static void minor_status(const struct guardrail_youth *y, struct guardrail_result *r)
{
	if (y->has_birth) {
		r->age_basis = "birth date";
		r->minor = r->age < 18;
	} else if (!y->has_estimate) {
		r->age_basis = "unknown";
		r->minor = true;
	} else {
		/* an estimate of 18 or 19 may be a 17-year-old: minor until a birth date is
		 * verified (county default, docs/offences.md) */
		r->age_basis = r->age < 18 ? "estimate" : "estimate not verified";
		r->minor = r->age < 20;
	}
}

/* The youth's age in words, in English and in Spanish (lib/catalog.h), as one argument
 * "English" SH_BOTH_SEP "Español" for the reasons below. */
static const char *age_words(const struct guardrail_result *r, char *buf, size_t size)
{
	char en[200], es[200];

	for (int l = 0; l < 2; l++) {
		char *out = l ? es : en;
		if (!strcmp(r->age_basis, "birth date"))
			sh_error_text(l, out, sizeof(en),
				      N_("the youth was %d on the day of the act (from the "
					 "birth date)"),
				      r->age);
		else if (!strcmp(r->age_basis, "unknown"))
			sh_error_text(l, out, sizeof(en), "%s",
				      N_("the youth's age is not known, so the youth is "
					 "treated as under 18"));
		else if (!strcmp(r->age_basis, "estimate"))
			sh_error_text(l, out, sizeof(en),
				      N_("the youth's estimated age on the day of the act is %d"),
				      r->age);
		else
			sh_error_text(l, out, sizeof(en),
				      N_("the youth's estimated age on the day of the act is %d, "
					 "and an estimate of 18 or 19 counts as under 18 until a "
					 "birth date is verified"),
				      r->age);
	}
	snprintf(buf, size, "%s" SH_BOTH_SEP "%s", en, es);
	return buf;
}

/* r->reason and r->reason_es from one English template and the same arguments */
#define SAY(r, ...)                                                           \
	(sh_error_text(false, (r)->reason, sizeof((r)->reason), __VA_ARGS__), \
	 sh_error_text(true, (r)->reason_es, sizeof((r)->reason_es), __VA_ARGS__))

void guardrail_arrest(const struct offences *o, const struct tz *z, const char *offense,
		      int64_t act_at, const struct guardrail_youth *y, struct guardrail_result *r)
{
	const struct offence *e;
	char date[11] = "", age[420];
	int64_t day;
	bool repealed;

	memset(r, 0, sizeof(*r));
	offences_classify(o, offense, &r->match);
	e = r->match.offence;
	r->act_date = tz_date(z, act_at);
	day = date_day(r->act_date);
	r->age = guardrail_age_at(z, y, act_at);
	minor_status(y, r);
	age_words(r, age, sizeof(age));
	repealed = e && e->has_repealed && day >= date_day(e->repealed);
	if (repealed)
		timefmt_format_date(e->repealed, date);
	if (r->match.prostitution && r->minor &&
	    (!e || !e->has_sb1322 || day >= date_day(e->sb1322))) {
		r->verdict = GUARDRAIL_REFUSE_MINOR;
		SAY(r,
		    N_("Refused: %s%s%s names a prostitution offence, and %s. Since 1 January "
		       "2017 (SB 1322) PC 647(b) and PC 653.22 do not apply to anyone under 18 "
		       "at the time of the act%s%s%s. This youth is a victim of commercial "
		       "sexual exploitation, not an offender: do not arrest; report to the "
		       "child abuse hotline (child welfare) and continue the First Responder "
		       "Protocol. The attempt is recorded for your supervisors and the Board "
		       "report."),
		    r->match.words ? N_("the wording \"") : "",
		    r->match.words ? r->match.words : r->match.cite, r->match.words ? "\"" : "",
		    age, repealed ? "; " : "", repealed ? e->cite : "",
		    repealed ? N_(" no longer exists for anyone") : "");
		return;
	}
	if (repealed) {
		r->verdict = GUARDRAIL_REFUSE_REPEALED;
		SAY(r,
		    N_("Refused: %s (%s) was repealed from %s; no one can be arrested for it for "
		       "an act on or after that day. Record the offence actually charged.%s%s"),
		    e->cite, e->label, date, e->source ? N_(" Source: ") : "",
		    e->source ? e->source : "");
		return;
	}
	if (r->match.needs_subdivision && r->minor) {
		r->verdict = GUARDRAIL_ASK_SUBDIVISION;
		SAY(r,
		    N_("%s covers several offences, one of them prostitution (PC 647(b)), and "
		       "%s: give the subdivision (for example PC 647(f))."),
		    r->match.cite, age);
		return;
	}
	r->verdict = GUARDRAIL_ACCEPT;
	if (r->minor && strcmp(r->age_basis, "birth date"))
		SAY(r, N_("Treated as under 18: %s."), age);
}
