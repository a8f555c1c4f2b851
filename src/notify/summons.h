#ifndef SH_SUMMONS_H
#define SH_SUMMONS_H
/*
 * The write side of summoning and escalation (docs/notifications.md): what an
 * identification, a timeline event, an acknowledgement and the escalation scan
 * put into the outbox. summons_open/settle/ack run inside the caller's write (on
 * the writer thread), so a notification exists exactly when the fact that caused
 * it was committed; the scan makes its own write. Messages carry no personal data
 * of the youth: only the case id, the area, the step and its due time.
 */
#include "core/escalation.h"
#include "core/protocol.h"
#include "store/store.h"

/*
 * A new case: each agency taking part is summoned for its earliest-due pending
 * step. The summons goes to the agency's on-call person for the case's area at
 * `now` (one message per contact channel); an agency with no one on call gets a
 * summons row without messages (it still escalates, to whoever is on call later).
 * agencies and steps are the case as just written; allocates from a.
 */
enum sh_code summons_open(struct store_conn *c, const char *case_id, const char *area, int64_t now,
			  const struct case_agency_rec *agencies, size_t nagencies,
			  const struct step_status *steps, size_t nsteps, struct arena *a,
			  struct sh_error *err);

/*
 * summons_open in two halves, so that an identification's writer only writes: the plan
 * (the shift in force, who is reachable and their channels: reads only, on any
 * connection, before the write) and the rows it makes (on the writer, in the write of the
 * case). The plan reads the roster a moment before the write commits, as if the
 * identification had come that moment earlier. Allocates from a.
 */
struct summons_plan_item {
	struct summons_rec sm; /* the summons row */
	struct outbox_rec t;   /* its message, one per channel in ch; none when to is 0 */
	int64_t to;
	struct channel_rec ch;
};
struct summons_plan {
	struct summons_plan_item *items;
	size_t n;
};
enum sh_code summons_plan(struct store_conn *c, const char *case_id, const char *area, int64_t now,
			  const struct case_agency_rec *agencies, size_t nagencies,
			  const struct step_status *steps, size_t nsteps, struct arena *a,
			  struct summons_plan *out, struct sh_error *err);
enum sh_code summons_write(struct store_conn *c, struct summons_plan *plan, struct sh_error *err);

/*
 * After an event: every unacknowledged summons of the case whose step is no longer
 * pending (done, waived, no longer applicable), or all of them when the case is
 * closed, is acknowledged by user_id at now, and its undelivered messages cancelled.
 */
enum sh_code summons_settle(struct store_conn *c, const char *case_id, bool closed,
			    const struct step_status *steps, size_t nsteps, int64_t user_id,
			    int64_t now, struct arena *a, struct sh_error *err);

/*
 * The acknowledgement of notification n (already loaded, and checked to concern
 * the caller's agency) by user_id: marks it, acknowledges its summons (if any) and
 * cancels the summons' undelivered messages. *first is false when the summons (or
 * the alert) had been acknowledged before.
 */
enum sh_code summons_ack(struct store_conn *c, const struct outbox_rec *n, int64_t user_id,
			 int64_t now, bool *first, struct sh_error *err);

/* The escalation scan: what it needs besides the store. */
struct summons_scan {
	const struct escalation_config *cfg;
	int64_t now;
	/* the title of a step of a stored protocol version (for alert messages); kept */
	const char *(*step_title)(void *ctx, int64_t protocol_id, const char *step);
	void *title_ctx;
	int limit; /* most summonses and alerts handled per scan (default 200) */
};

/*
 * One scan: reads what is due on a read connection, and only when something is,
 * makes one write that (re-checking each item inside it) moves unacknowledged
 * summonses to their next stage and decides the due-soon and overdue alerts of
 * pending steps, adding their messages to the outbox. Safe to run from several
 * servers at once: every change is conditional and every cause unique. *queued
 * (may be NULL) gets the number of messages added.
 */
enum sh_code summons_scan(struct store *s, const struct summons_scan *x, int *queued,
			  struct sh_error *err);

#endif
