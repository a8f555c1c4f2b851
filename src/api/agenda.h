#ifndef SH_AGENDA_H
#define SH_AGENDA_H
/*
 * One agency's agenda: what it owes and where it must be, in a window of county days.
 * The steps its kind owes (follow-ups and every other deadline, witness items included),
 * the MDT meeting of each case (due from the protocol; every agency on the case attends),
 * the hearings of its cases' minor witnesses (for agencies that read court matters) and
 * its on-call shifts. Only cases the agency may see, by the rule of the case list (it
 * takes part now; supervisors: ever took part). No youth names: a case number and what
 * is due. GET /api/v1/agenda shows it; the calendar feeds (api/calendar.c) carry it to a
 * calendar app. Everything is allocated from the arena given.
 */
#include <stdbool.h>
#include <stdint.h>
#include "api/api.h"
#include "core/access.h"
#include "lib/timefmt.h"
#include "store/records.h"

struct app;

enum agenda_kind { AGENDA_STEP, AGENDA_MDT, AGENDA_HEARING, AGENDA_SHIFT };

struct agenda_item {
	enum agenda_kind kind;
	int64_t at;	 /* the deadline, the hearing's start, the shift's start */
	int64_t ends_at; /* a shift's end; 0: a moment */
	const char *title;
	const char *case_id; /* NULL for a shift */
	const char *area;
	const struct agenda_step_rec *step;	  /* AGENDA_STEP, AGENDA_MDT */
	const struct agenda_hearing_rec *hearing; /* AGENDA_HEARING */
	const struct roster_rec *shift;		  /* AGENDA_SHIFT */
};

struct agenda {
	struct sh_date first, last; /* the county days shown, both included */
	int64_t from, to;	    /* [from, to): the start of `first`, the end of `last` */
	struct agenda_item *items;  /* by time */
	size_t n;
	bool truncated; /* more steps or hearings than an agenda shows (AGENDA_MAX of each) */
};

#define AGENDA_MAX 1000
#define AGENDA_DAYS_MAX 92 /* the longest window, in days */

/*
 * The agenda of who's agency for county days first to last (both included). mine: only
 * the cases whose named worker for the agency is who, and the shifts who is on (on call,
 * fallback or supervisor). who must be case staff (a member or a supervisor).
 */
enum sh_code agenda_build(struct app *app, const struct principal *who, struct sh_date first,
			  struct sh_date last, bool mine, struct arena *a, struct agenda *out,
			  struct sh_error *err);

/* An item's UID: the same for the same step, hearing (and case) or shift at every fetch. */
const char *agenda_uid(const struct agenda_item *it, struct arena *a);

/* Audits a read of the agenda: one row per case (section core, or court for a case that
 * shows only through its hearings) under `action`, or one row without a case when no case
 * is on it and always_one is set; feed_user > 0 also records the feed's use, in the same
 * transaction. */
enum sh_code agenda_audit(struct app *app, const struct principal *who, int64_t now,
			  const char *action, const struct agenda *ag, const char *detail,
			  bool always_one, int64_t feed_user, struct sh_error *err);

#endif
