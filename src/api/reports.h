#ifndef SH_REPORTS_H
#define SH_REPORTS_H
/*
 * The Board report (docs/report.md), shared by GET /api/v1/reports/board and
 * `safeharbor report board` (and, in the federal layout, by `report federal`): reads the report settings, runs the store's aggregate
 * queries in one read snapshot, feeds core/metrics and renders the result.
 */
#include "api/registry.h"
#include "core/csec.h"
#include "core/metrics.h"
#include "store/store.h"

struct report_request {
	struct sh_date from, to;	 /* the period, both days included, county days */
	const struct tz *tz;		 /* the county's zone */
	const struct offences *offences; /* to read arrests stored before their classification */
	bool public_release;
	enum metrics_format format;
	const char *area; /* NULL: every area */
	bool es; /* the people's words in Spanish where they are translated (docs/report.md) */
};

/*
 * Appends the report to out. reg: the protocol versions whose steps the timeliness
 * figures list (may be empty). version: printed in the report. Errors: SH_EINVAL
 * naming the field (from, to, area) or the bad setting; storage errors.
 */
enum sh_code report_board(struct store *s, const struct registry *reg,
			  const struct report_request *rq, const char *version, struct buf *out,
			  struct sh_error *err);

/* The state's CSEC indicators of one recovery (core/csec.h): what the case proposes, and
 * the values in force (child welfare's latest confirmation, else the proposal). */
struct csec_view {
	enum csec_value proposed[CSEC_N], value[CSEC_N];
	bool confirmed;
};
void report_csec_values(const struct csec_rec *r, struct csec_view *v);
/* Appends the indicators of the recoveries identified in the period (county days, both
 * included) as CSV (docs/report.md). Errors: SH_EINVAL naming from or to; storage. Not
 * audited here: the caller audits. */
enum sh_code report_csec(struct store *s, const struct tz *tz, struct sh_date from,
			 struct sh_date to, struct buf *out, struct sh_error *err);

/* Is this an area code (lowercase letters, digits, '_' and '-', 1 to 64)? */
bool report_area_valid(const char *area);

/* The report's settings (settings table): key, default and what it means. */
struct report_setting {
	const char *key, *dflt, *help;
};
extern const struct report_setting report_settings[];
extern const size_t report_nsettings;
/* SH_EINVAL naming the key when it is not a report setting or the value is not valid. */
enum sh_code report_setting_check(const char *key, const char *value, struct sh_error *err);

/* The Content-Type of a format. */
const char *report_content_type(enum metrics_format f);

#endif
