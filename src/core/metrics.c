/*
 * The Board report's figures: the facts the store hands over, the figure catalogue
 * (each figure's categories, the lines that tie them, what is shown, and the
 * definition printed beside it), and metrics_finish(): groups, totals, percentiles
 * and suppression. docs/report.md explains every figure in words.
 */
#include "lib/common.h"
#include "lib/catalog.h"
#include "core/metrics_internal.h"

const int metrics_stability_days[METRICS_NSTAB] = { 30, 90, 180 };

#define DAY 86400
#define MAX_RAW (1u << 24) /* areas and agencies */
#define MAX_CATS 16000u	   /* distinct genders / races kept apart */
#define CAT_AGE_N 16001u   /* statistics kept beside the counts */
#define CAT_AGE_SUM 16002u
#define CAT_AGE_MIN 16003u
#define UNLINKED "" /* the area of a prosecution with no recovery linked */

#define KEY(f, c, p, dim, raw)                                                   \
	(((uint64_t)(f) << 40) | ((uint64_t)(c) << 26) | ((uint64_t)(p) << 25) | \
	 ((uint64_t)(dim) << 24) | (uint64_t)(raw))
#define KEY_F(k) ((int)((k) >> 40))
#define KEY_C(k) ((uint32_t)(((k) >> 26) & 0x3fff))
#define KEY_P(k) ((int)(((k) >> 25) & 1))
#define KEY_DIM(k) ((int)(((k) >> 24) & 1))
#define KEY_RAW(k) ((uint32_t)((k)&0xffffff))

/* ---- the figure catalogue ---- */

#define S_YOUTH N_("Youth and recoveries")
#define S_ARRESTS N_("Arrests and detention of identified victims (goal: zero)")
#define S_STEPS N_("Protocol timeliness")
#define S_MISSING N_("Missing from care")
#define S_STABILITY N_("Stability")
#define S_EXPLOITERS N_("Exploiters and buyers")
#define S_WITNESSES N_("Minor victim witnesses")

#define B_IDENTIFIED N_("Counted by the day the youth was identified (identified_at).")
#define B_EVENT N_("Counted by the time of the event, whenever the recovery was identified.")

static const struct mcat cats_recoveries[] = {
	{ "recoveries", "Recoveries", false },
	{ "first_recoveries", "First recoveries", false },
	{ "re_recoveries", "Re-recoveries", false },
};
static const int members_12[] = { 1, 2 };
static const int members_123[] = { 1, 2, 3 };
static const int members_14[] = { 1, 4 };
static const int members_23[] = { 2, 3 };
static const int members_34[] = { 3, 4 };
static const int members_56[] = { 5, 6 };
static const int members_78[] = { 7, 8 };
static const int members_age[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const struct mline lines_12[] = { { 0, 2, members_12 } };
static const struct mline lines_arrests[] = { { 0, 2, members_12 }, { 0, 2, members_34 } };
static const struct mline lines_people[] = { { 3, 2, members_12 } };
static const struct mline lines_stab[] = { { 0, 3, members_123 } };
static const struct mline lines_missing[] = { { 0, 2, members_14 }, { 1, 2, members_23 } };
static const struct mline lines_age[] = { { 0, AGE_BUCKETS, members_age } };
static const struct mline lines_witness[] = {
	{ 0, 2, members_12 }, { 0, 2, members_34 }, { 0, 2, members_56 }, { 5, 2, members_78 }
};

static const struct mmeasure meas_recoveries[] = {
	{ MK_COUNT, 0, 0, "recoveries", N_("Recoveries") },
	{ MK_COUNT, 1, 0, "first_recoveries", N_("First recoveries") },
	{ MK_COUNT, 2, 0, "re_recoveries", N_("Re-recoveries") },
};
static const struct mcat cats_youth[] = { { "youth", "Youth identified", false } };
static const struct mmeasure meas_youth[] = { { MK_COUNT, 0, 0, "youth", N_("Youth identified") } };

static const struct mcat cats_age[] = {
	{ "first_recoveries", "First recoveries", false },
	{ "under_12", "Under 12", false },
	{ "12", "12", false },
	{ "13", "13", false },
	{ "14", "14", false },
	{ "15", "15", false },
	{ "16", "16", false },
	{ "17", "17", false },
	{ "18_or_older", "18 or older", false },
};
static const struct mmeasure meas_age[] = {
	{ MK_AGE_MEAN, 0, 0, "mean", N_("Mean age") },
	{ MK_AGE_MIN, 0, 0, "youngest", N_("Youngest") },
	{ MK_COUNT, 1, 0, "under_12", N_("Under 12") },
	{ MK_COUNT, 2, 0, "12", N_("12") },
	{ MK_COUNT, 3, 0, "13", N_("13") },
	{ MK_COUNT, 4, 0, "14", N_("14") },
	{ MK_COUNT, 5, 0, "15", N_("15") },
	{ MK_COUNT, 6, 0, "16", N_("16") },
	{ MK_COUNT, 7, 0, "17", N_("17") },
	{ MK_COUNT, 8, 0, "18_or_older", N_("18 or older") },
};

static const struct mcat cats_arrests[] = {
	{ "arrests", "All arrests", false },
	{ "prostitution_related", "Prostitution-related", false },
	{ "other_offences", "Other offences", false },
	{ "of_minors", "Under 18 at the time of the act", false },
	{ "of_18_or_older", "18 or older at the time of the act", false },
};
static const struct mmeasure meas_arrests[] = {
	{ MK_COUNT, 1, 0, "prostitution_related", N_("Prostitution-related") },
	{ MK_COUNT, 2, 0, "other_offences", N_("Other offences") },
	{ MK_COUNT, 3, 0, "of_minors", N_("Under 18 at the time of the act") },
	{ MK_COUNT, 4, 0, "of_18_or_older", N_("18 or older at the time of the act") },
	{ MK_COUNT, 0, 0, "arrests", N_("All arrests") },
};
static const struct mcat cats_refused[] = {
	{ "refused", "Refused attempts", false },
	{ "prostitution_of_minors", "Prostitution arrests of minors (SB 1322)", false },
	{ "repealed_offence", "Offence repealed before the act", false },
};
static const struct mmeasure meas_refused[] = {
	{ MK_COUNT, 1, 0, "prostitution_of_minors",
	  N_("Prostitution arrests of minors (SB 1322)") },
	{ MK_COUNT, 2, 0, "repealed_offence", N_("Offence repealed before the act") },
	{ MK_COUNT, 0, 0, "refused", N_("All refused attempts") },
};
static const struct mcat cats_detention[] = { { "detention_placements", "Placements in detention",
						false } };
static const struct mmeasure meas_detention[] = {
	{ MK_COUNT, 0, 0, "detention_placements", N_("Placements in detention") },
};

static const struct mcat cats_missing[] = {
	{ "episodes", "Episodes", false },
	{ "reports_due", "Episodes with reports due", false },
	{ "reports_on_time", "24-hour reports on time", false },
	{ "reports_late", "Reports late", true },
	{ "not_assessed", "Not yet due", true },
};
static const struct mmeasure meas_missing[] = {
	{ MK_COUNT, 0, 0, "episodes", N_("Episodes") },
	{ MK_SHARE, 2, 1, "reports_on_time", N_("24-hour reports on time") },
};

static const struct mcat cats_stability[] = {
	{ "recoveries", "Reached the day", false },
	{ "stable", "Stable", false },
	{ "not_stable", "Not stable", true },
	{ "no_check", "No check recorded", false },
};
static const struct mmeasure meas_stability[] = {
	{ MK_COUNT, 0, 0, "recoveries", N_("Reached the day") },
	{ MK_SHARE, 1, 0, "stable", N_("Stable") },
	{ MK_COUNT, 3, 0, "no_check", N_("No check recorded") },
};

static const struct mcat cats_current[] = {
	{ "youth", "Youth identified since the start day", false },
	{ "stable", "Currently stable", false },
	{ "not_stable", "Not stable", true },
	{ "no_recent_check", "No recent check", false },
};
static const struct mmeasure meas_current[] = {
	{ MK_COUNT, 0, 0, "youth", N_("Youth identified since the start day") },
	{ MK_SHARE, 1, 0, "stable", N_("Currently stable") },
	{ MK_COUNT, 3, 0, "no_recent_check", N_("No recent check") },
};

static const struct mcat cats_exploiter[] = {
	{ "arrests", "Arrests", false },
	{ "exploiters", "Exploiters (people)", false },
	{ "buyers", "Buyers (people)", false },
	{ "people", "People arrested", false },
};
static const struct mmeasure meas_exploiter[] = {
	{ MK_COUNT, 1, 0, "exploiters", N_("Exploiters (people)") },
	{ MK_COUNT, 2, 0, "buyers", N_("Buyers (people)") },
	{ MK_COUNT, 3, 0, "people", N_("People arrested") },
	{ MK_COUNT, 0, 0, "arrests", N_("Arrests") },
};
static const struct mcat cats_filed[] = { { "filed", "Prosecutions filed", false } };
static const struct mmeasure meas_filed[] = { { MK_COUNT, 0, 0, "filed",
						N_("Prosecutions filed") } };
static const struct mcat cats_convictions[] = { { "convictions", "Convictions", false } };
static const struct mmeasure meas_convictions[] = {
	{ MK_COUNT, 0, 0, "convictions", N_("Convictions") },
};

static const struct mcat cats_witnesses[] = {
	{ "listed", "Minor witnesses listed", false },
	{ "with_advocate", "With an advocate", false },
	{ "without_advocate", "Without an advocate", true },
	{ "with_safety_plan", "With a safety plan", false },
	{ "without_safety_plan", "Without a safety plan", true },
	{ "cctv_filed", "CCTV motion filed", false },
	{ "no_cctv", "No CCTV motion", true },
	{ "cctv_granted", "CCTV motion granted", false },
	{ "cctv_not_granted", "CCTV motion not granted", true },
};
static const struct mmeasure meas_witnesses[] = {
	{ MK_COUNT, 0, 0, "listed", N_("Listed") },
	{ MK_SHARE, 1, 0, "with_advocate", N_("With an advocate") },
	{ MK_SHARE, 3, 0, "with_safety_plan", N_("With a safety plan") },
	{ MK_COUNT, 5, 0, "cctv_filed", N_("CCTV motion filed") },
	{ MK_COUNT, 7, 0, "cctv_granted", N_("CCTV motion granted") },
};

static const struct mcat cats_step[] = {
	{ "due", "Due", false },
	{ "on_time", "On time", false },
	{ "late", "Late", true },
};
static const struct mmeasure meas_step[] = {
	{ MK_COUNT, 0, 0, "due", N_("Due") },
	{ MK_SHARE, 1, 0, "on_time", N_("On time") },
	{ MK_MEDIAN, 0, 0, "median", N_("Median time to done") },
	{ MK_P90, 0, 0, "p90", N_("90th percentile") },
};

struct fig_def {
	const char *key, *section, *title, *definition, *basis;
	int ncat;
	const struct mcat *cat;
	int base_fig, base_cat;
	int nlines;
	const struct mline *line;
	int nmeas;
	const struct mmeasure *meas;
};

#define N(a) (int)ARRAY_SIZE(a)

static const struct fig_def fixed[F_STEP0] = {
	[F_RECOVERIES] = { "recoveries", S_YOUTH, N_("Recoveries and re-recoveries"),
			   N_("A recovery is one run of the protocol for one youth, from the moment the youth is "
			      "identified as a suspected victim (T0). A re-recovery is a recovery of a youth who "
			      "was recovered before (recovery number 2 or more; recoveries are linked by name and "
			      "birth date through the blind index, so a youth recorded without both counts as "
			      "new each time). Recoveries = first recoveries + re-recoveries."),
			   B_IDENTIFIED, N(cats_recoveries), cats_recoveries, -1, 0, N(lines_12),
			   lines_12, N(meas_recoveries), meas_recoveries },
	[F_YOUTH] = { "youth", S_YOUTH, N_("Youth identified (unique)"),
		      N_("Each youth identified in the period, counted once however many times they were "
			 "recovered in it. A youth is counted under the area and identifying agency of their "
			 "first recovery in the period, so the areas and the agencies add up to the total."),
		      B_IDENTIFIED, N(cats_youth), cats_youth, -1, 0, 0, NULL, N(meas_youth),
		      meas_youth },
	[F_AGE] = { "age_at_first_recovery", S_YOUTH, N_("Age at first recovery"),
		    N_("Age in whole years at identification (from the birth date, or the officer's "
		       "estimate when there is none) of youth recovered for the first time in the period. "
		       "Mean to one decimal, the youngest, and how many in each band."),
		    B_IDENTIFIED, N(cats_age), cats_age, F_RECOVERIES, C_FIRST, N(lines_age),
		    lines_age, N(meas_age), meas_age },
	[F_GENDER] = { "gender", S_YOUTH, N_("Gender"),
		       N_("Gender as recorded at identification, of each youth identified in the period "
			  "(counted once, at their first recovery in the period). Shown as recorded, in lower "
			  "case; \"not recorded\" when none was given."),
		       B_IDENTIFIED, 0, NULL, F_YOUTH, 0, 0, NULL, 0, NULL },
	[F_RACE] = { "race_ethnicity", S_YOUTH, N_("Race and ethnicity"),
		     N_("Race and ethnicity as recorded at identification, of each youth identified in the "
			"period (counted once, at their first recovery in the period). Shown as recorded, in "
			"lower case; \"not recorded\" when none was given."),
		     B_IDENTIFIED, 0, NULL, F_YOUTH, 0, 0, NULL, 0, NULL },
	[F_ARRESTS] = { "victim_arrests", S_ARRESTS, N_("Arrests of identified victims"),
			N_("Arrests of youth identified as victims (arrest events on a recovery's timeline, "
			   "including arrests made up to the setting arrest.before_identification_days before "
			   "the identification), by the time of the arrest. Prostitution-related: the offence "
			   "recorded names PC 647(b) or PC 653.22 however written, or words for the act "
			   "(docs/offences.md); the guardrail refuses these for anyone under 18, so only "
			   "youth 18 or older can have one. Under 18 at the time of the act: by the birth "
			   "date on the county's local day of the act, or treated as under 18 when only an "
			   "estimate under 20 or no age is known. Every arrest is a protocol deviation with a "
			   "written justification. Goal: zero."),
			B_EVENT, N(cats_arrests), cats_arrests, -1, 0, N(lines_arrests),
			lines_arrests, N(meas_arrests), meas_arrests },
	[F_REFUSED] = { "refused_arrests", S_ARRESTS, N_("Attempted arrests refused"),
			N_("Arrests the guardrail refused to record, by the time of the arrest: a prostitution "
			   "offence (PC 647(b), PC 653.22, however written, or words for the act) of a youth "
			   "under 18 at the time of the act (SB 1322), or any arrest for an offence repealed "
			   "before the act (PC 653.22 from 2023-01-01, SB 357). Each attempt is kept for the "
			   "agency's supervisors and oversight. Goal: zero."),
			B_EVENT, N(cats_refused), cats_refused, -1, 0, N(lines_12), lines_12,
			N(meas_refused), meas_refused },
	[F_DETENTION] = { "detention_placements", S_ARRESTS, N_("Placements in detention"),
			  N_("Placements recorded with the setting \"detention\", or with the setting \"other\" "
			     "described as a detention setting (juvenile hall, a probation camp, jail and the "
			     "like: docs/offences.md), by the time of the placement. Each is a protocol "
			     "deviation. Goal: zero."),
			  B_EVENT, N(cats_detention), cats_detention, -1, 0, 0, NULL,
			  N(meas_detention), meas_detention },
	[F_MISSING] = { "missing_episodes", S_MISSING, N_("Missing episodes and 24-hour reports"),
			N_("Missing-from-care episodes that started in the period (by the time the youth went "
			   "missing). 24-hour reports: the protocol steps due 24 hours after the youth went "
			   "missing (setting report.missing_report_steps; by default the reports to law "
			   "enforcement and NCMEC and the notice to the youth's attorney). On time: every one of "
			   "them that applies was done by its deadline; a late or waived report, or one still "
			   "pending after its deadline, is not on time. Episodes whose reports are not yet due "
			   "are left out of the share."),
			B_EVENT, N(cats_missing), cats_missing, -1, 0, N(lines_missing),
			lines_missing, N(meas_missing), meas_missing },
	[F_STAB30] = { "stability_30d", S_STABILITY, N_("Stable at 30 days"), NULL,
		       N_("Counted by day 30 after identification: recoveries whose day 30 fell in the period "
			  "and whose check window has closed."),
		       N(cats_stability), cats_stability, -1, 0, N(lines_stab), lines_stab,
		       N(meas_stability), meas_stability },
	[F_STAB90] = { "stability_90d", S_STABILITY, N_("Stable at 90 days"), NULL,
		       N_("Counted by day 90 after identification: recoveries whose day 90 fell in the period "
			  "and whose check window has closed."),
		       N(cats_stability), cats_stability, -1, 0, N(lines_stab), lines_stab,
		       N(meas_stability), meas_stability },
	[F_STAB180] = { "stability_180d", S_STABILITY, N_("Stable at 180 days"), NULL,
			N_("Counted by day 180 after identification: recoveries whose day 180 fell in the "
			   "period and whose check window has closed."),
			N(cats_stability), cats_stability, -1, 0, N(lines_stab), lines_stab,
			N(meas_stability), meas_stability },
	[F_CURRENT] = { "currently_stable", S_STABILITY, N_("Currently stable"), NULL,
			N_("Counted once per youth identified since the start day, under the area and "
			   "identifying agency of their first recovery since then."),
			N(cats_current), cats_current, -1, 0, N(lines_stab), lines_stab,
			N(meas_current), meas_current },
	[F_EXPLOITER] = { "exploiter_arrests", S_EXPLOITERS, N_("Exploiters and buyers arrested"),
			  N_("Arrests of exploiters and of buyers recorded on recoveries' timelines "
			     "(exploiter_arrest events), by the time of the arrest, and the people they were: a "
			     "person arrested several times in the period (the same `person` recorded, compared "
			     "through a keyed hash) counts once, under the recovery of their first arrest in the "
			     "period; an arrest recorded without a person counts as a person of its own."),
			  B_EVENT, N(cats_exploiter), cats_exploiter, -1, 0, N(lines_people),
			  lines_people, N(meas_exploiter), meas_exploiter },
	[F_PROSECUTIONS] = { "prosecutions_filed", S_EXPLOITERS, N_("Prosecutions filed"),
			     N_("Prosecutions of exploiters and buyers filed in the period (by filing date); counted "
				"under the area and identifying agency of the recovery of the first minor witness "
				"listed in it, or \"no recovery linked\" when none is listed."),
			     N_("Counted by filing date."), N(cats_filed), cats_filed, -1, 0, 0,
			     NULL, N(meas_filed), meas_filed },
	[F_CONVICTIONS] = { "convictions", S_EXPLOITERS, N_("Convictions"),
			    N_("Prosecutions whose outcome, convicted or a guilty plea, is dated in the period; "
			       "counted like prosecutions filed."),
			    N_("Counted by the date of the outcome."), N(cats_convictions),
			    cats_convictions, -1, 0, 0, NULL, N(meas_convictions),
			    meas_convictions },
	[F_WITNESSES] = { "minor_witnesses", S_WITNESSES, N_("Minor victim witnesses"),
			  N_("Youth under 18 at identification listed as witnesses in prosecutions in the period "
			     "(by listing date), and, as of the data: with an advocate assigned; with a safety "
			     "plan signed off at least once; with a closed-circuit testimony (CCTV) motion "
			     "recorded; with one granted. Goal: every minor witness has an advocate."),
			  N_("Counted by the day the witness was listed."), N(cats_witnesses),
			  cats_witnesses, -1, 0, N(lines_witness), lines_witness, N(meas_witnesses),
			  meas_witnesses },
	[F_MONTHS] = { "recoveries_per_month", S_YOUTH, N_("Recoveries per month"),
		       N_("Recoveries by calendar month (county time) of identification; the first and last months "
			  "of a period can be partial."),
		       B_IDENTIFIED, 0, NULL, -1, 0, 0, NULL, 0, NULL },
};

static const char *const step_definition =
	N_("The step's instances on recoveries identified in the period. Due: done, or still "
	   "pending after its deadline at the data's as-of time (steps waived, not applicable or "
	   "not yet due are left out). On time: done at or before the deadline (done_at <= "
	   "due_at; a late entry, dated well before it was recorded, counts when it was recorded). "
	   "Median and 90th percentile: time from the step's clock start (its anchor: "
	   "identification, the last assault, or the start or end of a missing episode) to done, "
	   "over the steps done, on time or late (nearest-rank percentiles).");

/* ---- options, periods, small helpers ---- */

int metrics_format_parse(const char *s)
{
	if (!s)
		return -1;
	if (!strcmp(s, "json"))
		return METRICS_JSON;
	if (!strcmp(s, "csv"))
		return METRICS_CSV;
	if (!strcmp(s, "html"))
		return METRICS_HTML;
	if (!strcmp(s, "charts"))
		return METRICS_CHARTS;
	return -1;
}

void metrics_options_defaults(struct metrics_options *o)
{
	memset(o, 0, sizeof(*o));
	o->min_group_recoveries = 11;
	o->stability.window_days = 15;
	o->stability.no_missing_days = 30;
	o->stability.need_stable = true;
	o->stability.need_not_detained = true;
	o->stability.need_engaged = true;
	o->stability.recovery_breaks = true;
	o->stability.current_max_age_days = 90;
	o->version = "";
}

/* s in Spanish when es and the catalogue has it (lib/catalog.h) */
static const char *say(bool es, const char *s)
{
	const char *t = es && s ? catalog_es(s) : NULL;

	return t ? t : s;
}

/* The parts of a stable check, as words (the fields' names stay as recorded). */
static void stable_parts(const struct metrics_stability_def *d, bool es, struct buf *out)
{
	const char *sep = "";

	if (!d->need_stable && !d->need_safe_placement && !d->need_engaged)
		buf_adds(out, say(es, N_("any result")));
	if (d->need_stable) {
		buf_adds(out, say(es, N_("stable: true")));
		sep = ", ";
	}
	if (d->need_safe_placement) {
		buf_addf(out, say(es, N_("%ssafe_placement: true")), sep);
		sep = ", ";
	}
	if (d->need_engaged)
		buf_addf(out, say(es, N_("%sengaged (with the advocate): true")), sep);
}

/* What else must hold by `when` (the check, or the end of the period). */
static void stable_conditions(const struct metrics_stability_def *d, bool es, const char *when,
			      struct buf *out)
{
	if (d->need_not_detained)
		buf_addf(out,
			 say(es, N_("; the latest placement recorded by %s was not a detention "
				    "setting")),
			 when);
	if (d->no_missing_days > 0)
		buf_addf(out,
			 say(es, N_("; no missing-from-care episode overlapped the %d days before "
				    "%s")),
			 d->no_missing_days, when);
	if (d->recovery_breaks)
		buf_adds(out, say(es, N_("; and the youth was not recovered again before it")));
}

void metrics_stability_text(const struct metrics_stability_def *d, bool es, struct buf *out)
{
	buf_addf(out,
		 say(es, N_("Stable at day N (30, 90, 180): the latest stability check from day "
			    "N-%d to day N+%d after identification records ")),
		 d->window_days, d->window_days);
	stable_parts(d, es, out);
	stable_conditions(d, es, say(es, N_("that check")), out);
	buf_adds(out,
		 say(es, N_(". A recovery without a check in that window counts as not stable.")));
}

void metrics_current_text(const struct metrics_stability_def *d, bool es, struct buf *out)
{
	char since[11];

	if (d->has_current_since)
		timefmt_format_date(d->current_since, since);
	buf_addf(out,
		 say(es, N_("Currently stable: of the youth identified since %s, the share whose "
			    "latest stability check, at most %d days before the end of the period "
			    "(or the data's as-of time, if earlier), records ")),
		 d->has_current_since ? since : say(es, N_("the period's first day")),
		 d->current_max_age_days);
	stable_parts(d, es, out);
	stable_conditions(d, es, say(es, N_("the end of the period")), out);
	if (d->recovery_breaks)
		buf_adds(out, say(es, N_(" (after the check)")));
	buf_adds(out, say(es, N_(". A youth without such a check counts as not stable.")));
}

static int64_t day_start(const struct tz *tz, struct sh_date d)
{
	return tz ? tz_day_start(tz, d) : timefmt_days_from_civil(d.year, d.month, d.day) * DAY;
}

static struct sh_date date_of_day(int64_t day)
{
	struct sh_date d;

	timefmt_civil_from_days(day, &d.year, &d.month, &d.day);
	return d;
}

enum sh_code metrics_period(const struct tz *tz, struct sh_date from, struct sh_date to,
			    struct metrics_period *out, struct sh_error *err)
{
	int64_t first = timefmt_days_from_civil(from.year, from.month, from.day);
	int64_t last = timefmt_days_from_civil(to.year, to.month, to.day);

	memset(out, 0, sizeof(*out));
	if (last < first)
		return sh_error_field(
			err, SH_EINVAL, "to",
			"the period must end on or after its first day: choose a later end");
	if (last - first + 1 > METRICS_MAX_DAYS)
		return sh_error_field(err, SH_EINVAL, "to",
				      "a report covers at most %d days: choose a shorter period",
				      METRICS_MAX_DAYS);
	out->days = (int)(last - first + 1);
	out->first_day = first;
	out->from = day_start(tz, from);
	out->to = day_start(tz, date_of_day(last + 1));
	out->prev_first = date_of_day(first - out->days);
	out->prev_last = date_of_day(first - 1);
	out->prev_from = day_start(tz, out->prev_first);
	return SH_OK;
}

bool metrics_is_stable(const struct metrics_stability_def *d, const struct metrics_check *c)
{
	if (!c->found)
		return false;
	if ((d->need_stable && c->stable != 1) ||
	    (d->need_safe_placement && c->safe_placement != 1) ||
	    (d->need_engaged && c->engaged != 1))
		return false;
	if (d->no_missing_days > 0 && c->missing)
		return false;
	if (d->need_not_detained && c->detained)
		return false;
	return !(d->recovery_breaks && c->recovered_again);
}

enum metrics_timeliness metrics_timeliness(const char *state, int64_t due_at, int64_t done_at,
					   int64_t as_of)
{
	if (!state)
		return TIMELY_NOT_APPLICABLE;
	if (!strcmp(state, "done")) {
		if (!due_at)
			return TIMELY_NOT_DUE;
		return done_at <= due_at ? TIMELY_ON_TIME : TIMELY_LATE;
	}
	if (!strcmp(state, "pending"))
		return due_at && as_of > due_at ? TIMELY_LATE : TIMELY_NOT_DUE;
	if (!strcmp(state, "waived"))
		return TIMELY_WAIVED;
	return TIMELY_NOT_APPLICABLE;
}

int64_t metrics_percentile(const int64_t *sorted, size_t n, int p)
{
	size_t k = ((size_t)p * n + 99) / 100;

	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return sorted[k - 1];
}

int64_t metrics_tenths(int64_t num, int64_t den)
{
	return den ? (num * 2000 + den) / (2 * den) : 0;
}

void metrics_fmt_date(struct sh_date d, char out[11])
{
	timefmt_format_date(d, out);
}

void metrics_fmt_duration(int64_t s, char *out, size_t len)
{
	int64_t min = (s + 30) / 60;

	if (s < 0)
		snprintf(out, len, "-");
	else if (min < 60)
		snprintf(out, len, "%" PRId64 " min", min);
	else if (min < 48 * 60)
		snprintf(out, len, "%" PRId64 " h %02" PRId64 " min", min / 60, min % 60);
	else
		snprintf(out, len, "%" PRId64 " d %" PRId64 " h", min / 1440,
			 (min % 1440 + 30) / 60);
}

const char *metrics_words(const struct metrics *m, const char *s)
{
	return say(m->o.es, s);
}

const char *metrics_period_name(int p)
{
	return p ? "previous" : "current";
}

/* ---- interned strings ---- */

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static const char *dict_name(const struct dict *d, size_t i)
{
	return ((const char *const *)(const void *)d->names.data)[i];
}

static enum sh_code dict_rehash(struct dict *d)
{
	size_t ns = d->nslots ? d->nslots * 2 : 64;
	uint32_t *slots = calloc(ns, sizeof(*slots));

	if (!slots)
		return SH_ENOMEM;
	for (size_t i = 0; i < d->n; i++) {
		size_t k = hash_str(dict_name(d, i)) & (ns - 1);
		while (slots[k])
			k = (k + 1) & (ns - 1);
		slots[k] = (uint32_t)i + 1;
	}
	free(d->slots);
	d->slots = slots;
	d->nslots = ns;
	return SH_OK;
}

/* index of s, or (add) a new one; *out SIZE_MAX when absent and !add */
static enum sh_code dict_find(struct dict *d, struct arena *a, const char *s, bool add, size_t *out)
{
	size_t k;
	char *copy;
	enum sh_code rc;

	*out = SIZE_MAX;
	if ((d->n + 1) * 2 > d->nslots && (rc = dict_rehash(d)))
		return rc;
	for (k = hash_str(s) & (d->nslots - 1); d->slots[k]; k = (k + 1) & (d->nslots - 1))
		if (!strcmp(dict_name(d, d->slots[k] - 1), s)) {
			*out = d->slots[k] - 1;
			return SH_OK;
		}
	if (!add)
		return SH_OK;
	if (!(copy = arena_strdup(a, s)) || (rc = buf_add(&d->names, &copy, sizeof(copy))))
		return SH_ENOMEM;
	d->slots[k] = (uint32_t)++d->n;
	*out = d->n - 1;
	return SH_OK;
}

static void dict_release(struct dict *d)
{
	buf_release(&d->names);
	free(d->slots);
}

/* ---- sparse sums ---- */

static enum sh_code counter_grow(struct counter *c)
{
	size_t cap = c->cap ? c->cap * 2 : 1024;
	uint64_t *keys = calloc(cap, sizeof(*keys));
	int64_t *vals = calloc(cap, sizeof(*vals));

	if (!keys || !vals) {
		free(keys);
		free(vals);
		return SH_ENOMEM;
	}
	for (size_t i = 0; i < c->cap; i++) {
		size_t k;
		if (!c->keys[i])
			continue;
		for (k = (c->keys[i] * 0x9e3779b97f4a7c15ull >> 20) & (cap - 1); keys[k];
		     k = (k + 1) & (cap - 1))
			;
		keys[k] = c->keys[i];
		vals[k] = c->vals[i];
	}
	free(c->keys);
	free(c->vals);
	c->keys = keys;
	c->vals = vals;
	c->cap = cap;
	return SH_OK;
}

static int64_t *counter_slot(struct counter *c, uint64_t key, bool *fresh)
{
	size_t k;

	key++;
	if ((c->n + 1) * 2 > c->cap && counter_grow(c))
		return NULL;
	for (k = (key * 0x9e3779b97f4a7c15ull >> 20) & (c->cap - 1); c->keys[k];
	     k = (k + 1) & (c->cap - 1))
		if (c->keys[k] == key) {
			*fresh = false;
			return &c->vals[k];
		}
	c->keys[k] = key;
	c->vals[k] = 0;
	c->n++;
	*fresh = true;
	return &c->vals[k];
}

static enum sh_code counter_add(struct counter *c, uint64_t key, int64_t v)
{
	bool fresh;
	int64_t *s = counter_slot(c, key, &fresh);

	if (!s)
		return SH_ENOMEM;
	*s += v;
	return SH_OK;
}

static enum sh_code counter_min(struct counter *c, uint64_t key, int64_t v)
{
	bool fresh;
	int64_t *s = counter_slot(c, key, &fresh);

	if (!s)
		return SH_ENOMEM;
	if (fresh || v < *s)
		*s = v;
	return SH_OK;
}

static int64_t counter_get(const struct counter *c, uint64_t key)
{
	size_t k;

	key++;
	if (!c->cap)
		return 0;
	for (k = (key * 0x9e3779b97f4a7c15ull >> 20) & (c->cap - 1); c->keys[k];
	     k = (k + 1) & (c->cap - 1))
		if (c->keys[k] == key)
			return c->vals[k];
	return 0;
}

static void counter_release(struct counter *c)
{
	free(c->keys);
	free(c->vals);
}

/* ---- the accumulator ---- */

enum sh_code metrics_new(const struct metrics_options *o, struct metrics **out,
			 struct sh_error *err)
{
	struct metrics *m;
	struct buf t = BUF_INIT;
	enum sh_code rc;

	*out = NULL;
	if (!(m = calloc(1, sizeof(*m))))
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	m->o = *o;
	arena_init(&m->arena);
	if ((rc = metrics_period(o->tz, o->from, o->to, &m->per, err))) {
		metrics_free(m);
		return rc;
	}
	m->o.area = o->area ? arena_strdup(&m->arena, o->area) : NULL;
	m->o.version = arena_strdup(&m->arena, o->version ? o->version : "");
	if (m->o.min_group_recoveries < 0)
		m->o.min_group_recoveries = 0;
	metrics_stability_text(&o->stability, o->es, &t);
	snprintf(m->stability_text, sizeof(m->stability_text), "%s", t.data);
	buf_reset(&t);
	metrics_current_text(&o->stability, o->es, &t);
	snprintf(m->current_text, sizeof(m->current_text), "%s", t.data);
	buf_release(&t);
	*out = m;
	return SH_OK;
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	dict_release(&m->areas);
	dict_release(&m->agencies);
	dict_release(&m->steps);
	dict_release(&m->genders);
	dict_release(&m->races);
	dict_release(&m->months);
	buf_release(&m->agency_ids);
	buf_release(&m->agency_names);
	buf_release(&m->named_ids);
	buf_release(&m->named_names);
	buf_release(&m->step_titles);
	counter_release(&m->sums);
	counter_release(&m->mins);
	for (int p = 0; p < METRICS_NP; p++)
		for (int s = 0; s < METRICS_MAX_STEPS; s++)
			buf_release(&m->durs[p][s]);
	free(m->area_group);
	free(m->agency_group);
	free(m->gender_cat);
	free(m->race_cat);
	free(m->month_cat);
	free(m->cells);
	arena_release(&m->arena);
	free(m);
}

void metrics_set_as_of(struct metrics *m, int64_t as_of)
{
	m->as_of = as_of;
}

enum sh_code metrics_set_agency(struct metrics *m, int64_t id, const char *name)
{
	const char *copy = arena_strdup(&m->arena, name ? name : "");

	if (!copy || buf_add(&m->named_ids, &id, sizeof(id)) ||
	    buf_add(&m->named_names, &copy, sizeof(copy)))
		return SH_ENOMEM;
	return SH_OK;
}

enum sh_code metrics_set_step(struct metrics *m, const char *key, const char *title)
{
	size_t i;
	const char *t;
	enum sh_code rc;

	if ((rc = dict_find(&m->steps, &m->arena, key, false, &i)))
		return rc;
	if (i != SIZE_MAX)
		return SH_OK; /* the first title given wins */
	if (m->steps.n >= METRICS_MAX_STEPS)
		return SH_ETOOBIG;
	if ((rc = dict_find(&m->steps, &m->arena, key, true, &i)))
		return rc;
	t = arena_strdup(&m->arena, title ? title : key);
	return t ? buf_add(&m->step_titles, &t, sizeof(t)) : SH_ENOMEM;
}

struct loc {
	int p;
	uint32_t area, agency;
};

static enum sh_code locate(struct metrics *m, const struct metrics_where *w, struct loc *l)
{
	const char *area = w->area ? w->area : UNLINKED;
	size_t i;
	enum sh_code rc;

	if (m->finished || w->period < 0 || w->period >= METRICS_NP)
		return SH_EINVAL;
	l->p = w->period;
	if (!m->have_last || strcmp(area, m->last_area_s)) {
		if ((rc = dict_find(&m->areas, &m->arena, area, true, &i)))
			return rc;
		if (i >= MAX_RAW)
			return SH_ETOOBIG;
		m->last_area = (uint32_t)i;
		m->last_area_s = dict_name(&m->areas, i);
	}
	if (!m->have_last || w->agency_id != m->last_agency_id) {
		char key[24];
		size_t before = m->agencies.n;
		snprintf(key, sizeof(key), "%" PRId64, w->agency_id);
		if ((rc = dict_find(&m->agencies, &m->arena, key, true, &i)))
			return rc;
		if (i >= MAX_RAW)
			return SH_ETOOBIG;
		if (m->agencies.n > before &&
		    buf_add(&m->agency_ids, &w->agency_id, sizeof(int64_t)))
			return SH_ENOMEM;
		m->last_agency = (uint32_t)i;
		m->last_agency_id = w->agency_id;
	}
	m->have_last = true;
	l->area = m->last_area;
	l->agency = m->last_agency;
	return SH_OK;
}

static enum sh_code count(struct metrics *m, const struct loc *l, int f, uint32_t c, int64_t n)
{
	enum sh_code rc = counter_add(&m->sums, KEY(f, c, l->p, 0, l->area), n);

	return rc ? rc : counter_add(&m->sums, KEY(f, c, l->p, 1, l->agency), n);
}

/* Lower-cased (ASCII), trimmed, at most 120 bytes cut at a character boundary. */
static void normalise(const char *s, char *out, size_t len)
{
	size_t n = 0;

	while (s && (*s == ' ' || *s == '\t' || *s == '('))
		s++; /* "(" starts the names of the folded categories */
	for (; s && *s && n + 1 < len && n < 120; s++) {
		unsigned char ch = (unsigned char)*s;
		out[n++] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : (char)ch;
	}
	while (n && (out[n - 1] == ' ' || out[n - 1] == '\t'))
		n--;
	while (n && ((unsigned char)out[n - 1] & 0xc0) == 0x80 && s && *s)
		n--; /* never end inside a multi-byte character */
	if (n && ((unsigned char)out[n - 1] & 0xc0) == 0xc0 && s && *s)
		n--;
	out[n] = '\0';
}

static enum sh_code category(struct metrics *m, struct dict *d, const char *value, uint32_t *out)
{
	char norm[128];
	size_t i;
	enum sh_code rc;

	normalise(value, norm, sizeof(norm));
	if ((rc = dict_find(d, &m->arena, norm, d->n < MAX_CATS - 1, &i)))
		return rc;
	if (i == SIZE_MAX && (rc = dict_find(d, &m->arena, "other", true, &i)))
		return rc;
	*out = (uint32_t)i + 1;
	return SH_OK;
}

enum sh_code metrics_add_recoveries(struct metrics *m, const struct metrics_where *w,
				    bool re_recovery, bool first_in_period, int age,
				    const char *gender, const char *race_ethnicity, int64_t n)
{
	struct loc l;
	uint32_t g, r, bucket;
	enum sh_code rc;

	if ((rc = locate(m, w, &l)) || (rc = count(m, &l, F_RECOVERIES, 0, n)) ||
	    (rc = count(m, &l, F_RECOVERIES, re_recovery ? C_RE : C_FIRST, n)))
		return rc;
	if (first_in_period &&
	    ((rc = count(m, &l, F_YOUTH, 0, n)) || (rc = category(m, &m->genders, gender, &g)) ||
	     (rc = category(m, &m->races, race_ethnicity, &r)) ||
	     (rc = count(m, &l, F_GENDER, g, n)) || (rc = count(m, &l, F_RACE, r, n))))
		return rc;
	if (re_recovery)
		return SH_OK;
	bucket = age < 12 ? 1 : age >= 18 ? 8 : (uint32_t)(age - 10);
	if ((rc = count(m, &l, F_AGE, bucket, n)) || (rc = count(m, &l, F_AGE, CAT_AGE_N, n)) ||
	    (rc = count(m, &l, F_AGE, CAT_AGE_SUM, (int64_t)age * n)) ||
	    (rc = counter_min(&m->mins, KEY(F_AGE, CAT_AGE_MIN, l.p, 0, l.area), age)))
		return rc;
	return counter_min(&m->mins, KEY(F_AGE, CAT_AGE_MIN, l.p, 1, l.agency), age);
}

enum sh_code metrics_add_arrests(struct metrics *m, const struct metrics_where *w,
				 bool prostitution, bool minor, int64_t n)
{
	struct loc l;
	enum sh_code rc;

	if ((rc = locate(m, w, &l)) || (rc = count(m, &l, F_ARRESTS, 0, n)) ||
	    (rc = count(m, &l, F_ARRESTS, prostitution ? C_PROSTITUTION : C_OTHER, n)))
		return rc;
	return count(m, &l, F_ARRESTS, minor ? C_MINOR : C_ADULT, n);
}

enum sh_code metrics_add_refused_arrests(struct metrics *m, const struct metrics_where *w,
					 bool minor_prostitution, int64_t n)
{
	struct loc l;
	enum sh_code rc;

	if ((rc = locate(m, w, &l)) || (rc = count(m, &l, F_REFUSED, 0, n)))
		return rc;
	return count(m, &l, F_REFUSED, minor_prostitution ? C_REFUSED_MINOR : C_REFUSED_OTHER, n);
}

enum sh_code metrics_add_detention(struct metrics *m, const struct metrics_where *w, int64_t n)
{
	struct loc l;
	enum sh_code rc = locate(m, w, &l);

	return rc ? rc : count(m, &l, F_DETENTION, 0, n);
}

enum sh_code metrics_add_exploiters(struct metrics *m, const struct metrics_where *w, bool buyer,
				    int64_t arrests, int64_t people)
{
	struct loc l;
	enum sh_code rc;

	if ((rc = locate(m, w, &l)) || (rc = count(m, &l, F_EXPLOITER, 0, arrests)) ||
	    (rc = count(m, &l, F_EXPLOITER, C_PEOPLE, people)))
		return rc;
	return count(m, &l, F_EXPLOITER, buyer ? C_BUYERS : C_EXPLOITERS, people);
}

enum sh_code metrics_add_step(struct metrics *m, const struct metrics_where *w, const char *step,
			      const char *state, int64_t opened_at, int64_t due_at, int64_t done_at)
{
	struct loc l;
	size_t s;
	enum metrics_timeliness t;
	enum sh_code rc;

	if (!step || !state)
		return SH_OK;
	if ((rc = dict_find(&m->steps, &m->arena, step, false, &s)))
		return rc;
	if (s == SIZE_MAX)
		return SH_OK; /* not a protocol step (e.g. a witness item) */
	t = metrics_timeliness(state, due_at, done_at, m->as_of);
	if (t != TIMELY_ON_TIME && t != TIMELY_LATE)
		return SH_OK;
	if ((rc = locate(m, w, &l)) || (rc = count(m, &l, F_STEP0 + (int)s, 0, 1)) ||
	    (rc = count(m, &l, F_STEP0 + (int)s, t == TIMELY_ON_TIME ? C_STEP_ON_TIME : C_STEP_LATE,
			1)))
		return rc;
	if (!strcmp(state, "done") && opened_at && done_at >= opened_at) {
		struct dur_row r = { done_at - opened_at, l.area, l.agency };
		return buf_add(&m->durs[l.p][s], &r, sizeof(r));
	}
	return SH_OK;
}

enum sh_code metrics_add_missing(struct metrics *m, const struct metrics_where *w,
				 enum metrics_missing_class cls, int64_t n)
{
	struct loc l;
	enum sh_code rc;

	if ((rc = locate(m, w, &l)) || (rc = count(m, &l, F_MISSING, 0, n)))
		return rc;
	switch (cls) {
	case MISSING_ON_TIME:
		return (rc = count(m, &l, F_MISSING, C_DUE, n))
			       ? rc
			       : count(m, &l, F_MISSING, C_ON_TIME, n);
	case MISSING_LATE:
		return (rc = count(m, &l, F_MISSING, C_DUE, n))
			       ? rc
			       : count(m, &l, F_MISSING, C_LATE, n);
	default: return count(m, &l, F_MISSING, C_NOT_ASSESSED, n);
	}
}

enum sh_code metrics_add_stability(struct metrics *m, const struct metrics_where *w, int days,
				   const struct metrics_check *chk, int64_t n)
{
	struct loc l;
	int f = -1;
	enum sh_code rc;

	for (int i = 0; i < METRICS_NSTAB; i++)
		if (metrics_stability_days[i] == days)
			f = F_STAB30 + i;
	if (f < 0)
		return SH_EINVAL;
	if ((rc = locate(m, w, &l)) || (rc = count(m, &l, f, 0, n)))
		return rc;
	if (!chk->found)
		return count(m, &l, f, C_NO_CHECK, n);
	return count(m, &l, f, metrics_is_stable(&m->o.stability, chk) ? C_STABLE : C_NOT_STABLE,
		     n);
}

enum sh_code metrics_add_current(struct metrics *m, const struct metrics_where *w,
				 const struct metrics_check *chk, int64_t n)
{
	struct loc l;
	enum sh_code rc;

	if ((rc = locate(m, w, &l)) || (rc = count(m, &l, F_CURRENT, 0, n)))
		return rc;
	if (!chk->found)
		return count(m, &l, F_CURRENT, C_NO_CHECK, n);
	return count(m, &l, F_CURRENT,
		     metrics_is_stable(&m->o.stability, chk) ? C_STABLE : C_NOT_STABLE, n);
}

enum sh_code metrics_add_witnesses(struct metrics *m, const struct metrics_where *w, bool advocate,
				   bool safety_plan, bool cctv_filed, bool cctv_granted, int64_t n)
{
	struct loc l;
	enum sh_code rc;

	cctv_filed |= cctv_granted;
	if ((rc = locate(m, w, &l)) || (rc = count(m, &l, F_WITNESSES, 0, n)) ||
	    (rc = count(m, &l, F_WITNESSES, advocate ? C_ADVOCATE : C_NO_ADVOCATE, n)) ||
	    (rc = count(m, &l, F_WITNESSES, safety_plan ? C_PLAN : C_NO_PLAN, n)) ||
	    (rc = count(m, &l, F_WITNESSES, cctv_filed ? C_CCTV : C_NO_CCTV, n)))
		return rc;
	if (!cctv_filed)
		return SH_OK;
	return count(m, &l, F_WITNESSES, cctv_granted ? C_GRANTED : C_NOT_GRANTED, n);
}

enum sh_code metrics_add_prosecutions(struct metrics *m, const struct metrics_where *w,
				      bool conviction, int64_t n)
{
	struct loc l;
	enum sh_code rc = locate(m, w, &l);

	return rc ? rc : count(m, &l, conviction ? F_CONVICTIONS : F_PROSECUTIONS, 0, n);
}

enum sh_code metrics_add_month(struct metrics *m, int period, const char *month, int64_t n)
{
	size_t i;
	enum sh_code rc;

	if (m->finished || period < 0 || period >= METRICS_NP || !month)
		return SH_EINVAL;
	if ((rc = dict_find(&m->months, &m->arena, month, true, &i)))
		return rc;
	return counter_add(&m->sums, KEY(F_MONTHS, i, period, 0, 0), n);
}

/* ---- finish: groups ---- */

struct sort_item {
	const char *s;
	int64_t id;
	uint32_t raw;
};

static int cmp_item(const void *a, const void *b)
{
	const struct sort_item *x = a, *y = b;
	int c = strcmp(x->s, y->s);

	if (c)
		return c;
	return x->id < y->id ? -1 : x->id > y->id;
}

static const char *agency_name(const struct metrics *m, int64_t id)
{
	const int64_t *ids = (const int64_t *)(const void *)m->named_ids.data;
	const char *const *names = (const char *const *)(const void *)m->named_names.data;
	size_t n = m->named_ids.len / sizeof(int64_t);

	for (size_t i = n; i-- > 0;)
		if (ids[i] == id)
			return names[i];
	return NULL;
}

static enum sh_code add_group(struct metrics *m, size_t *n, enum group_kind kind, const char *key,
			      const char *label)
{
	struct mgroup *g = &m->groups[(*n)++];

	g->kind = kind;
	g->key = key;
	g->label = label;
	return key && label ? SH_OK : SH_ENOMEM;
}

/*
 * One dimension's groups: sorted, and in public, the ones under the threshold folded
 * into "other". map[raw] = group index.
 */
static enum sh_code dimension_groups(struct metrics *m, int dim, size_t *ng, uint32_t *map,
				     struct sh_error *err)
{
	bool area = dim == 0;
	size_t nraw = area ? m->areas.n : m->agencies.n, nsort = 0;
	const int64_t *ids = (const int64_t *)(const void *)m->agency_ids.data;
	struct sort_item *items = calloc(nraw + 1, sizeof(*items));
	int64_t unlinked = -1, other = -1;
	bool folded = false;
	enum sh_code rc = SH_OK;

	if (!items)
		return SH_ENOMEM;
	for (size_t i = 0; i < nraw; i++) {
		const char *name = area ? dict_name(&m->areas, i) : NULL;
		int64_t id = area ? 0 : ids[i];
		if (area ? !strcmp(name, UNLINKED) : id == 0) {
			unlinked = (int64_t)i;
			continue;
		}
		if (!area) {
			name = agency_name(m, id);
			if (!name)
				name = arena_printf(&m->arena, "agency %" PRId64, id);
		}
		if (m->o.public_release && counter_get(&m->sums, KEY(F_RECOVERIES, 0, 0, dim, i)) <
						   m->o.min_group_recoveries) {
			if (area && m->o.area) {
				rc = sh_error_field(
					err, SH_EINVAL, "area",
					"has fewer than %d recoveries in the period, so it "
					"is not released publicly",
					m->o.min_group_recoveries);
				goto out;
			}
			folded = true;
			map[i] = UINT32_MAX;
			continue;
		}
		items[nsort].s = name;
		items[nsort].id = id;
		items[nsort++].raw = (uint32_t)i;
	}
	qsort(items, nsort, sizeof(*items), cmp_item);
	for (size_t i = 0; !rc && i < nsort; i++) {
		map[items[i].raw] = (uint32_t)*ng;
		rc = area ? add_group(m, ng, G_AREA, arena_printf(&m->arena, "area:%s", items[i].s),
				      items[i].s)
			  : add_group(m, ng, G_AGENCY,
				      arena_printf(&m->arena, "agency:%" PRId64, items[i].id),
				      items[i].s);
	}
	if (!rc && folded) {
		other = (int64_t)*ng;
		rc = add_group(
			m, ng, area ? G_AREA : G_AGENCY, area ? "area:(other)" : "agency:(other)",
			arena_printf(
				&m->arena,
				area ? metrics_words(m,
						     N_("Other areas (each under %d recoveries)"))
				     : metrics_words(
					       m, N_("Other agencies (each under %d recoveries)")),
				m->o.min_group_recoveries));
		for (size_t i = 0; i < nraw; i++)
			if (map[i] == UINT32_MAX)
				map[i] = (uint32_t)other;
	}
	if (!rc && unlinked >= 0) {
		map[unlinked] = (uint32_t)*ng;
		rc = add_group(m, ng, area ? G_AREA : G_AGENCY,
			       area ? "area:(none)" : "agency:(none)",
			       metrics_words(m, N_("No recovery linked")));
	}
out:
	free(items);
	return rc;
}

static enum sh_code make_groups(struct metrics *m, struct sh_error *err)
{
	size_t n = 0;
	enum sh_code rc;

	m->groups = arena_alloc(&m->arena, (m->areas.n + m->agencies.n + 5) * sizeof(*m->groups));
	m->area_group = calloc(m->areas.n + 1, sizeof(uint32_t));
	m->agency_group = calloc(m->agencies.n + 1, sizeof(uint32_t));
	if (!m->groups || !m->area_group || !m->agency_group)
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	if ((rc = add_group(m, &n, G_ALL, "all",
			    m->o.area
				    ? arena_printf(&m->arena, metrics_words(m, N_("All (area %s)")),
						   m->o.area)
				    : metrics_words(m, N_("All areas")))) ||
	    (rc = dimension_groups(m, 0, &n, m->area_group, err)))
		return rc == SH_ENOMEM ? sh_error_set(err, rc, "out of memory") : rc;
	m->nareas = n - 1;
	if ((rc = dimension_groups(m, 1, &n, m->agency_group, err)))
		return rc == SH_ENOMEM ? sh_error_set(err, rc, "out of memory") : rc;
	m->nagencies = n - 1 - m->nareas;
	m->ngroups = n;
	return SH_OK;
}

/* ---- finish: categories that come from the data ---- */

static enum sh_code data_categories(struct metrics *m, int f, const struct dict *d, int **map,
				    struct mfig *fig, const char *other_label)
{
	size_t n = d->n, nsort = 0, ncat = 1;
	int64_t *county = calloc(n + 1, sizeof(*county));
	struct sort_item *items = calloc(n + 1, sizeof(*items));
	struct mcat *cats = arena_alloc(&m->arena, (n + 3) * sizeof(*cats));
	int64_t none = -1;
	bool folded = false;

	*map = calloc(n + 1, sizeof(int));
	if (!county || !items || !cats || !*map) {
		free(county);
		free(items);
		return SH_ENOMEM;
	}
	for (size_t k = 0; k < m->sums.cap; k++) {
		uint64_t key = m->sums.keys[k] - 1;
		if (m->sums.keys[k] && KEY_F(key) == f && KEY_P(key) == 0 && KEY_DIM(key) == 0 &&
		    KEY_C(key) >= 1 && KEY_C(key) <= n)
			county[KEY_C(key) - 1] += m->sums.vals[k];
	}
	cats[0] = (struct mcat){ "youth", "Youth identified", false };
	for (size_t i = 0; i < n; i++) {
		const char *s = dict_name(d, i);
		if (!*s) {
			none = (int64_t)i;
		} else if (m->o.public_release && county[i] < m->o.min_group_recoveries) {
			folded = true;
			(*map)[i] = -1;
		} else {
			items[nsort].s = s;
			items[nsort++].raw = (uint32_t)i;
		}
	}
	qsort(items, nsort, sizeof(*items), cmp_item);
	for (size_t i = 0; i < nsort; i++) {
		(*map)[items[i].raw] = (int)ncat;
		cats[ncat++] = (struct mcat){ items[i].s, items[i].s, false };
	}
	if (folded) {
		for (size_t i = 0; i < n; i++)
			if ((*map)[i] == -1)
				(*map)[i] = (int)ncat;
		cats[ncat++] = (struct mcat){ "(other)", other_label, false };
	}
	if (none >= 0) {
		(*map)[none] = (int)ncat;
		cats[ncat++] = (struct mcat){ "(not recorded)",
					      metrics_words(m, N_("not recorded")), false };
	}
	free(county);
	free(items);
	fig->ncat = (int)ncat;
	fig->cat = cats;
	return SH_OK;
}

/* a line over categories 1..ncat-1 and a count measure for each */
static enum sh_code category_lines(struct metrics *m, struct mfig *f)
{
	int *members = arena_alloc(&m->arena, (size_t)(f->ncat + 1) * sizeof(int));
	struct mline *l = arena_alloc(&m->arena, sizeof(*l));
	struct mmeasure *ms = arena_alloc(&m->arena, (size_t)(f->ncat + 1) * sizeof(*ms));

	if (!members || !l || !ms)
		return SH_ENOMEM;
	for (int c = 1; c < f->ncat; c++) {
		members[c - 1] = c;
		ms[c - 1] = (struct mmeasure){ MK_COUNT, c, 0, f->cat[c].key, f->cat[c].label };
	}
	*l = (struct mline){ 0, f->ncat - 1, members };
	f->line = l;
	f->nlines = f->ncat > 1 ? 1 : 0;
	f->meas = ms;
	f->nmeas = f->ncat - 1;
	return SH_OK;
}

/* The calendar months the two periods touch, oldest first; data months map onto them. */
static enum sh_code calendar_months(struct metrics *m)
{
	static const char *const names[2][12] = {
		{ "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
		  "Dec" },
		{ "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov",
		  "dic" },
	};
	int64_t first = m->per.first_day, after = first + m->per.days, prev = first - m->per.days;
	struct sh_date last = date_of_day(after - 1);
	int y = m->per.prev_first.year, mo = m->per.prev_first.month;
	size_t n = (size_t)((last.year - y) * 12 + (last.month - mo) + 1), c = 0;
	struct mcat *cats = arena_alloc(&m->arena, (n + 1) * sizeof(*cats));

	m->month_mask = arena_alloc(&m->arena, n + 1);
	m->month_cat = calloc(m->months.n + 1, sizeof(int));
	if (!cats || !m->month_mask || !m->month_cat)
		return SH_ENOMEM;
	for (; c < n; c++) {
		int64_t start = timefmt_days_from_civil(y, mo, 1);
		int64_t end =
			timefmt_days_from_civil(mo == 12 ? y + 1 : y, mo == 12 ? 1 : mo + 1, 1);
		char *key = arena_printf(&m->arena, "%04d-%02d", y, mo);
		size_t raw;
		if (!key || dict_find(&m->months, &m->arena, key, false, &raw))
			return SH_ENOMEM;
		cats[c] = (struct mcat){
			key, arena_printf(&m->arena, "%s %d", names[m->o.es][mo - 1], y), false
		};
		m->month_mask[c] = (unsigned char)((start < after && end > first ? 1 : 0) |
						   (start < first && end > prev ? 2 : 0));
		if (raw != SIZE_MAX)
			m->month_cat[raw] = (int)c + 1;
		if (++mo > 12) {
			mo = 1;
			y++;
		}
	}
	m->figs[F_MONTHS].ncat = (int)n;
	m->figs[F_MONTHS].cat = cats;
	return SH_OK;
}

static enum sh_code make_figures(struct metrics *m)
{
	size_t nsteps = m->steps.n;
	enum sh_code rc;

	m->nfigs = F_STEP0 + nsteps;
	if (!(m->figs = arena_alloc(&m->arena, m->nfigs * sizeof(*m->figs))))
		return SH_ENOMEM;
	for (int f = 0; f < F_STEP0; f++) {
		const struct fig_def *d = &fixed[f];
		struct mfig *x = &m->figs[f];
		*x = (struct mfig){ f,	       d->key,	d->section, d->title,	 d->definition,
				    d->basis,  d->ncat, d->cat,	    d->base_fig, d->base_cat,
				    d->nlines, d->line, d->nmeas,   d->meas,	 0,
				    NULL };
		if (f >= F_STAB30 && f <= F_STAB180)
			x->definition = m->stability_text;
		if (f == F_CURRENT)
			x->definition = m->current_text;
	}
	if ((rc = data_categories(m, F_GENDER, &m->genders, &m->gender_cat, &m->figs[F_GENDER],
				  metrics_words(m, N_("another gender")))) ||
	    (rc = category_lines(m, &m->figs[F_GENDER])) ||
	    (rc = data_categories(m, F_RACE, &m->races, &m->race_cat, &m->figs[F_RACE],
				  metrics_words(m, N_("another race or ethnicity")))) ||
	    (rc = category_lines(m, &m->figs[F_RACE])))
		return rc;
	if ((rc = calendar_months(m)))
		return rc;
	for (size_t s = 0; s < nsteps; s++) {
		struct mfig *x = &m->figs[F_STEP0 + s];
		const char *key = dict_name(&m->steps, s);
		*x = (struct mfig){ F_STEP0 + (int)s,
				    arena_printf(&m->arena, "step.%s", key),
				    S_STEPS,
				    ((const char *const *)(const void *)m->step_titles.data)[s],
				    step_definition,
				    B_IDENTIFIED,
				    N(cats_step),
				    cats_step,
				    -1,
				    0,
				    N(lines_12),
				    lines_12,
				    N(meas_step),
				    meas_step,
				    0,
				    NULL };
		if (!x->key)
			return SH_ENOMEM;
	}
	return SH_OK;
}

size_t metrics_cell_index(const struct metrics *m, int f, int c, int p, size_t g)
{
	const struct mfig *x = &m->figs[f];

	if (c == 0 && x->base_fig >= 0)
		return metrics_cell_index(m, x->base_fig, x->base_cat, p, g);
	return x->cell0 + ((size_t)c * METRICS_NP + (size_t)p) * m->ngroups + g;
}

static int display_cat(const struct metrics *m, int f, uint32_t c)
{
	if (f == F_GENDER)
		return m->gender_cat[c - 1];
	if (f == F_RACE)
		return m->race_cat[c - 1];
	if (f == F_MONTHS)
		return m->month_cat[c] - 1; /* -1: outside both periods */
	return (int)c;
}

static size_t group_of(const struct metrics *m, int dim, uint32_t raw)
{
	return dim ? m->agency_group[raw] : m->area_group[raw];
}

static int64_t *stat_of(const struct metrics *m, int f, int p, size_t g)
{
	return &m->figs[f].st[((size_t)p * m->ngroups + g) * 3];
}

static enum sh_code fill_cells(struct metrics *m)
{
	size_t total = 0, G = m->ngroups;

	for (size_t f = 0; f < m->nfigs; f++) {
		struct mfig *x = &m->figs[f];
		x->cell0 = total;
		total += (size_t)x->ncat * METRICS_NP * G;
		if (f == F_AGE || f >= F_STEP0) {
			x->st = arena_alloc(&m->arena, METRICS_NP * G * 3 * sizeof(int64_t));
			if (!x->st)
				return SH_ENOMEM;
		}
	}
	m->ncells = total;
	if (!(m->cells = calloc(total + 1, sizeof(*m->cells))))
		return SH_ENOMEM;
	for (size_t f = 0; f < m->nfigs; f++) {
		const struct mfig *x = &m->figs[f];
		for (int c = 0; c < x->ncat; c++)
			for (size_t i = 0; i < METRICS_NP * G; i++)
				m->cells[x->cell0 + (size_t)c * METRICS_NP * G + i].state =
					x->cat[c].hidden ? MC_HIDDEN : MC_SHOWN;
	}
	for (size_t k = 0; k < m->sums.cap; k++) {
		uint64_t key = m->sums.keys[k] - 1;
		int64_t v = m->sums.vals[k];
		int f, p, dim;
		uint32_t c;
		size_t g;

		if (!m->sums.keys[k])
			continue;
		f = KEY_F(key);
		c = KEY_C(key);
		p = KEY_P(key);
		dim = KEY_DIM(key);
		if (f == F_MONTHS) {
			if (display_cat(m, f, c) >= 0)
				m->cells[metrics_cell_index(m, f, display_cat(m, f, c), p, 0)]
					.value += v;
			continue;
		}
		g = group_of(m, dim, KEY_RAW(key));
		if (f == F_AGE && (c == CAT_AGE_N || c == CAT_AGE_SUM)) {
			int i = c == CAT_AGE_N ? 0 : 1;
			stat_of(m, f, p, g)[i] += v;
			if (!dim)
				stat_of(m, f, p, 0)[i] += v;
			continue;
		}
		m->cells[metrics_cell_index(m, f, display_cat(m, f, c), p, g)].value += v;
		if (!dim)
			m->cells[metrics_cell_index(m, f, display_cat(m, f, c), p, 0)].value += v;
	}
	for (size_t k = 0; k < m->mins.cap; k++) {
		uint64_t key = m->mins.keys[k] - 1;
		int64_t v = m->mins.vals[k];
		size_t g;
		if (!m->mins.keys[k])
			continue;
		g = group_of(m, KEY_DIM(key), KEY_RAW(key));
		for (int i = 0; i < 2; i++) {
			int64_t *s = stat_of(m, F_AGE, KEY_P(key), i ? 0 : g);
			if (!s[2] || v + 1 < s[2])
				s[2] = v + 1; /* stored +1: 0 means none */
		}
	}
	return SH_OK;
}

static int cmp_dur(const void *a, const void *b)
{
	const struct dur_row *x = a, *y = b;

	return x->d < y->d ? -1 : x->d > y->d;
}

/* Medians and 90th percentiles of time to done, for every group, in one sort per step. */
static enum sh_code step_percentiles(struct metrics *m)
{
	size_t G = m->ngroups;
	int64_t *cnt = calloc(G * 4 + 1, sizeof(*cnt));

	if (!cnt)
		return SH_ENOMEM;
	for (size_t s = 0; s < m->steps.n; s++) {
		int f = F_STEP0 + (int)s;
		for (int p = 0; p < METRICS_NP; p++) {
			struct dur_row *r = (struct dur_row *)(void *)m->durs[p][s].data;
			size_t n = m->durs[p][s].len / sizeof(*r);
			int64_t *k50 = cnt + G, *k90 = cnt + 2 * G, *seen = cnt + 3 * G;

			if (!n)
				continue;
			memset(cnt, 0, G * 4 * sizeof(*cnt));
			qsort(r, n, sizeof(*r), cmp_dur);
			for (size_t i = 0; i < n; i++) {
				cnt[0]++;
				cnt[m->area_group[r[i].area]]++;
				cnt[m->agency_group[r[i].agency]]++;
			}
			for (size_t g = 0; g < G; g++) {
				k50[g] = (50 * cnt[g] + 99) / 100;
				k90[g] = (90 * cnt[g] + 99) / 100;
				stat_of(m, f, p, g)[0] = cnt[g];
			}
			for (size_t i = 0; i < n; i++) {
				size_t gs[3] = { 0, m->area_group[r[i].area],
						 m->agency_group[r[i].agency] };
				for (int j = 0; j < 3; j++) {
					size_t g = gs[j];
					seen[g]++;
					if (seen[g] == k50[g])
						stat_of(m, f, p, g)[1] = r[i].d;
					if (seen[g] == k90[g])
						stat_of(m, f, p, g)[2] = r[i].d;
				}
			}
		}
	}
	free(cnt);
	return SH_OK;
}

/* ---- finish: suppression (public release) ---- */

struct line_builder {
	struct buf lines;   /* struct metrics_line (members set at the end) */
	struct buf offsets; /* size_t: where each line's members start */
	struct buf members; /* uint32_t */
};

static enum sh_code lb_begin(struct line_builder *b, size_t total)
{
	struct metrics_line l = { NULL, 0, (uint32_t)total };
	size_t off = b->members.len / sizeof(uint32_t);

	if (buf_add(&b->lines, &l, sizeof(l)) || buf_add(&b->offsets, &off, sizeof(off)))
		return SH_ENOMEM;
	return SH_OK;
}

static enum sh_code lb_member(struct line_builder *b, size_t cell)
{
	uint32_t c = (uint32_t)cell;
	struct metrics_line *l =
		(struct metrics_line *)(void *)(b->lines.data + b->lines.len - sizeof(*l));

	l->n++;
	return buf_add(&b->members, &c, sizeof(c));
}

static enum sh_code suppress(struct metrics *m)
{
	struct line_builder b = { BUF_INIT, BUF_INIT, BUF_INIT };
	size_t G = m->ngroups, a0 = 1, a1 = 1 + m->nareas, g1 = G;
	struct metrics_line *lines;
	size_t nlines;
	enum sh_code rc = SH_OK;

	if ((size_t)UINT32_MAX < m->ncells)
		return SH_ETOOBIG;
	for (size_t f = 0; !rc && f < m->nfigs; f++) {
		const struct mfig *x = &m->figs[f];
		if ((int)f == F_MONTHS)
			continue;
		/* areas add up to the total, and so do agencies */
		for (int c = x->base_fig >= 0 ? 1 : 0; !rc && c < x->ncat; c++)
			for (int p = 0; !rc && p < METRICS_NP; p++)
				for (int dim = 0; !rc && dim < 2; dim++) {
					size_t lo = dim ? a1 : a0, hi = dim ? g1 : a1;
					if (lo == hi)
						continue;
					rc = lb_begin(&b, metrics_cell_index(m, (int)f, c, p, 0));
					for (size_t g = lo; !rc && g < hi; g++)
						rc = lb_member(
							&b, metrics_cell_index(m, (int)f, c, p, g));
				}
		/* categories add up to their total in every group */
		for (int k = 0; !rc && k < x->nlines; k++)
			for (int p = 0; !rc && p < METRICS_NP; p++)
				for (size_t g = 0; !rc && g < G; g++) {
					const struct mline *l = &x->line[k];
					rc = lb_begin(
						&b, metrics_cell_index(m, (int)f, l->total, p, g));
					for (int i = 0; !rc && i < l->n; i++)
						rc = lb_member(&b, metrics_cell_index(m, (int)f,
										      l->members[i],
										      p, g));
				}
	}
	/* the months add up to the period's recoveries */
	for (int p = 0; !rc && p < METRICS_NP && m->figs[F_MONTHS].ncat; p++) {
		rc = lb_begin(&b, metrics_cell_index(m, F_RECOVERIES, 0, p, 0));
		for (int c = 0; !rc && c < m->figs[F_MONTHS].ncat; c++)
			rc = lb_member(&b, metrics_cell_index(m, F_MONTHS, c, p, 0));
	}
	if (!rc) {
		lines = (struct metrics_line *)(void *)b.lines.data;
		nlines = b.lines.len / sizeof(*lines);
		for (size_t i = 0; i < nlines; i++)
			lines[i].members = (const uint32_t *)(const void *)b.members.data +
					   ((const size_t *)(const void *)b.offsets.data)[i];
		rc = metrics_suppress(m->cells, m->ncells, lines, nlines, METRICS_SMALL_MAX);
	}
	buf_release(&b.lines);
	buf_release(&b.offsets);
	buf_release(&b.members);
	return rc;
}

enum sh_code metrics_finish(struct metrics *m, struct sh_error *err)
{
	enum sh_code rc;

	if (m->finished)
		return sh_error_set(err, SH_EINTERNAL, "the report was already finished");
	if ((rc = make_groups(m, err)))
		return rc;
	if ((rc = make_figures(m)) || (rc = fill_cells(m)) || (rc = step_percentiles(m)) ||
	    (m->o.public_release && (rc = suppress(m))))
		return sh_error_set(err, rc, "the report could not be computed (%s)",
				    sh_code_title(rc));
	m->finished = true;
	return SH_OK;
}

/* ---- values as shown ---- */

bool metrics_month_value(const struct metrics *m, int c, int p, struct mval *v)
{
	const struct metrics_cell *x = &m->cells[metrics_cell_index(m, F_MONTHS, c, p, 0)];

	if (!(m->month_mask[c] & (1 << p)))
		return false;
	*v = (struct mval){ .kind = MK_COUNT,
			    .state = m->o.public_release ? x->state : MC_SHOWN,
			    .n = x->value };
	return true;
}

void metrics_value(const struct metrics *m, const struct mfig *f, const struct mmeasure *ms, int p,
		   size_t g, struct mval *v)
{
	const struct metrics_cell *a, *b;
	const int64_t *st;
	bool pub = m->o.public_release;

	memset(v, 0, sizeof(*v));
	v->kind = ms->kind;
	v->state = MC_SHOWN;
	switch (ms->kind) {
	case MK_COUNT:
		a = &m->cells[metrics_cell_index(m, f->id, ms->a, p, g)];
		v->n = a->value;
		v->state = pub ? a->state : MC_SHOWN;
		break;
	case MK_SHARE:
		a = &m->cells[metrics_cell_index(m, f->id, ms->a, p, g)];
		b = &m->cells[metrics_cell_index(m, f->id, ms->b, p, g)];
		v->num = a->value;
		v->den = b->value;
		v->none = b->value == 0;
		if (pub && (a->state != MC_SHOWN || b->state != MC_SHOWN))
			v->state = MC_COMPLEMENT;
		break;
	case MK_MEDIAN:
	case MK_P90:
		st = stat_of(m, f->id, p, g);
		v->den = st[0];
		v->n = st[ms->kind == MK_MEDIAN ? 1 : 2];
		v->none = st[0] == 0;
		if (pub && st[0] <= METRICS_SMALL_MAX)
			v->state = MC_HIDDEN;
		break;
	case MK_AGE_MEAN:
	case MK_AGE_MIN:
		st = stat_of(m, f->id, p, g);
		v->den = st[0];
		v->num = st[1];
		v->n = st[2] - 1;
		v->none = st[0] == 0;
		/* public: the county's only, and from more than a small count of youth */
		if (pub && (g != 0 || st[0] <= METRICS_SMALL_MAX))
			v->state = MC_HIDDEN;
		break;
	}
}

size_t metrics_order(const struct metrics *m, int *out)
{
	static const int before[] = { F_RECOVERIES, F_YOUTH,   F_AGE,	  F_GENDER,
				      F_RACE,	    F_ARRESTS, F_REFUSED, F_DETENTION };
	static const int after[] = { F_MISSING,	     F_STAB30,	    F_STAB90,
				     F_STAB180,	     F_CURRENT,	    F_EXPLOITER,
				     F_PROSECUTIONS, F_CONVICTIONS, F_WITNESSES };
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(before); i++)
		out[n++] = before[i];
	for (size_t s = 0; s < m->steps.n; s++)
		out[n++] = F_STEP0 + (int)s;
	for (size_t i = 0; i < ARRAY_SIZE(after); i++)
		out[n++] = after[i];
	return n;
}

const char *const metrics_suppression_text =
	N_("Every count from 1 to 10 is shown as \"1-10\". So that none can be worked out by "
	   "subtraction from a total or from the other cells of its row or column (the areas add "
	   "up to the county, so do the agencies, and a figure's categories add up to its total), "
	   "more cells are suppressed and shown as \"suppressed\": wherever one suppressed cell "
	   "would stand alone in such a line, the smallest other non-zero cell of the line is "
	   "suppressed too; then all lines are checked together with interval arithmetic, and "
	   "cells are added until no small count can be narrowed to a single value. A share is "
	   "shown only when both of its counts are; medians and percentiles only when they "
	   "summarise more than 10 steps; the mean and youngest age only for the whole county and "
	   "more than 10 youth. Areas and identifying agencies with fewer recoveries in the period "
	   "than the threshold are shown together as \"other\", and so are genders and races "
	   "recorded for fewer youth than the threshold. No names and no free text appear.");
