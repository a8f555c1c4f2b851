#ifndef SH_STORE_REPORT_COLS_H
#define SH_STORE_REPORT_COLS_H
/*
 * The Board report's statements as both backends run them (sqlite_report.c,
 * pg_report.c): their order, and each one's columns in its row's fields. Included by
 * those two files only.
 */
#include "store/colmap.h"
#include "store/records_report.h"

enum query {
	Q_CASES,
	Q_EVENTS,
	Q_EXPLOITERS,
	Q_STEPS,
	Q_MISSING,
	Q_STABILITY,
	Q_CURRENT,
	Q_WITNESSES,
	Q_PROSECUTIONS,
	Q_MONTHS,
	Q_COUNT
};

/* Each statement's columns in its row's fields, in order; every row but a month's starts
 * with where it belongs (struct report_where). Text points into the statement's row. */
#define WHERE_COLS SQ_C(w.period), SQ_C(w.area), SQ_C(w.agency_id)
#define SQ_REC struct report_case_row
static const struct sq_col case_cols[] = { WHERE_COLS, SQ_C(re_recovery), SQ_C(first_in_period),
					   SQ_C(age),  SQ_C(gender),	  SQ_C(race_ethnicity),
					   SQ_C(n) };
#undef SQ_REC
#define SQ_REC struct report_event_row
static const struct sq_col event_cols[] = { WHERE_COLS,		SQ_C(type),  SQ_C(offense),
					    SQ_C(prostitution), SQ_C(minor), SQ_C(n) };
#undef SQ_REC
#define SQ_REC struct report_exploiter_row
static const struct sq_col exploiter_cols[] = { WHERE_COLS, SQ_C(buyer), SQ_C(arrests),
						SQ_C(people) };
#undef SQ_REC
#define SQ_REC struct report_step_row
static const struct sq_col step_cols[] = { WHERE_COLS,	    SQ_C(step),	  SQ_C(state),
					   SQ_C(opened_at), SQ_C(due_at), SQ_C(done_at) };
#undef SQ_REC
#define SQ_REC struct report_missing_row
static const struct sq_col missing_cols[] = { WHERE_COLS, SQ_C(cls), SQ_C(n) };
#undef SQ_REC
#define SQ_REC struct report_stability_row
static const struct sq_col stability_cols[] = {
	WHERE_COLS,    SQ_C(days),    SQ_C(found),	     SQ_C(stable),   SQ_C(safe_placement),
	SQ_C(engaged), SQ_C(missing), SQ_C(recovered_again), SQ_C(detained), SQ_C(n)
};
#undef SQ_REC
#define SQ_REC struct report_witness_row
static const struct sq_col witness_cols[] = { WHERE_COLS,	  SQ_C(advocate),
					      SQ_C(safety_plan),  SQ_C(cctv_filed),
					      SQ_C(cctv_granted), SQ_C(n) };
#undef SQ_REC
#define SQ_REC struct report_prosecution_row
static const struct sq_col prosecution_cols[] = { WHERE_COLS, SQ_C(conviction), SQ_C(n) };
#undef SQ_REC
#define SQ_REC struct report_month_row
static const struct sq_col month_cols[] = { SQ_C(period), SQ_C(month), SQ_C(n) };
#undef SQ_REC

/* one row of statement `which` into the sink k: MAP(rec, cols) fills the record from the
 * backend's row, and the sink's callback for that statement gets it */
#define REPORT_DELIVER_ONE(which, type, cols, cb, MAP) \
	case which: {                                  \
		struct type rec = { 0 };               \
		MAP(&rec, cols);                       \
		return k->cb(k->arg, &rec);            \
	}
#define REPORT_DELIVER(which, k, MAP)                                                              \
	switch (which) {                                                                           \
		REPORT_DELIVER_ONE(Q_CASES, report_case_row, case_cols, recoveries, MAP)           \
		REPORT_DELIVER_ONE(Q_EVENTS, report_event_row, event_cols, event, MAP)             \
		REPORT_DELIVER_ONE(Q_EXPLOITERS, report_exploiter_row, exploiter_cols, exploiters, \
				   MAP)                                                            \
		REPORT_DELIVER_ONE(Q_STEPS, report_step_row, step_cols, step, MAP)                 \
		REPORT_DELIVER_ONE(Q_MISSING, report_missing_row, missing_cols, missing, MAP)      \
		REPORT_DELIVER_ONE(Q_STABILITY, report_stability_row, stability_cols, stability,   \
				   MAP)                                                            \
		REPORT_DELIVER_ONE(Q_CURRENT, report_stability_row, stability_cols, current, MAP)  \
		REPORT_DELIVER_ONE(Q_WITNESSES, report_witness_row, witness_cols, witnesses, MAP)  \
		REPORT_DELIVER_ONE(Q_PROSECUTIONS, report_prosecution_row, prosecution_cols,       \
				   prosecutions, MAP)                                              \
		REPORT_DELIVER_ONE(Q_MONTHS, report_month_row, month_cols, month, MAP)             \
	default: return SH_EINTERNAL;                                                              \
	}

#endif
