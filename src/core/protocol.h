#ifndef SH_PROTOCOL_H
#define SH_PROTOCOL_H
/*
 * The protocol engine. A protocol (e.g. protocols/la-county-frp.protocol) is a text
 * file of steps with owners, due rules and conditions; see docs/protocol-format.md.
 * protocol_parse() turns it into an immutable structure; protocol_evaluate()
 * computes, for one case's facts and a given "now", every step's state and clock.
 * Pure: no I/O except protocol_load_file(), no clock of its own, no globals, so one
 * parsed protocol is shared by every thread.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/buf.h"
#include "lib/error.h"
#include "lib/timefmt.h"

struct protocol;
struct tz;

/*
 * The county's calendar, for the deadlines counted in business days ("2bd") or ending at a
 * local time of day ("at 19:00"): its time zone and its holidays (a holiday file, see
 * protocol_holidays_parse). Deadlines in minutes, hours and plain days never use it.
 */
struct protocol_calendar {
	const struct tz *tz;		/* NULL: UTC */
	const struct sh_date *holidays; /* sorted, each once */
	size_t nholidays;
};

enum youth_status {
	YOUTH_DEPENDENT, /* child-welfare dependent (WIC 300) */
	YOUTH_PROBATION, /* probation ward (WIC 602) */
	YOUTH_BOTH,	 /* both: joint assessment (WIC 241.1) */
	YOUTH_NONE,	 /* neither */
	YOUTH_UNKNOWN,
	YOUTH_STATUS_COUNT
};
/* "dependent", "probation", "both", "none", "unknown"; parse returns -1 when unknown. */
const char *protocol_status_name(enum youth_status s);
int protocol_status_parse(const char *s);

enum step_state { STEP_PENDING, STEP_DONE, STEP_WAIVED, STEP_NOT_APPLICABLE };
const char *protocol_state_name(enum step_state s); /* "pending", "done", ... */

/* An event that settles one step (or one instance of an episodic step). */
struct step_event {
	const char *step; /* step key */
	int episode;	  /* 0 for case-level steps; 1.. for the nth missing episode / hearing, or
			     the nth occurrence of a repeating step */
	bool waived;	  /* false: done */
	int64_t at;	  /* when it was done or waived (the time of the fact) */
	int64_t event_id; /* the timeline entry (0: none); the step shows which entry settled it */
	bool by_entry;	  /* an entry that does the step by itself ("done by"): it settles the
			     step only when nothing earlier did, and not before its window opens */
};

struct missing_episode {
	int64_t start;	 /* when the youth went missing */
	int64_t end;	 /* when they returned; 0 while still missing */
	int64_t learned; /* when the agency learned of it (>= start); 0: at the start */
	int64_t found;	 /* when the youth was found (<= end); 0: at the return (end) */
};

/* An on-call shift of an agency kind that serves the case ([start, end)), from the rosters:
 * "due shift_end after ..." ends at the end of the owner's shift. */
struct protocol_shift {
	const char *kind; /* agency kind */
	int64_t start, end;
};

/* What the engine needs to know about one case. Times are Unix seconds (UTC). */
struct case_facts {
	int64_t identified_at; /* T0 */
	enum youth_status status;
	int age;		      /* whole years at T0 */
	const char *identified_by;    /* agency kind that identified the youth */
	int64_t last_assault_at;      /* 0 = none reported */
	int64_t assault_disclosed_at; /* when the assault became known; 0: at identification */
	const struct missing_episode *missing;
	size_t nmissing;
	const int64_t *hearings; /* hearing dates, in order */
	size_t nhearings;
	const struct step_event *events;
	size_t nevents;
	const struct protocol_calendar *cal; /* NULL: UTC, no holidays */
	/* the starts of the youth's missing episodes before this case (its earlier cases), for
	 * "missing_count" conditions; this case's episodes are in missing */
	const int64_t *earlier_missing;
	size_t nearlier_missing;
	const char *screening_level; /* the latest screening's level; NULL: none recorded */
	int64_t in_custody_at;	     /* first taken into custody (arrest, detention); 0: never */
	int64_t closed_at;	     /* the case closed ("repeat ... until closed"); 0: open */
	const struct protocol_shift *shifts; /* the rosters' shifts around the case's anchors */
	size_t nshifts;
};

struct step_status {
	const char *key; /* points into the protocol */
	const char *title;
	const char *owner;	/* agency kind, after the owner rules; NULL when not applicable */
	const char *also_owner; /* a second kind that also answers for it (witness items); the
				   engine leaves it NULL */
	int episode;		/* 0, or the missing episode / hearing number (from 1) */
	enum step_state state;
	int64_t opened_at;  /* when the clock started (the anchor); 0 when not known */
	int64_t due_at;	    /* 0 = no deadline yet (e.g. waiting for another step) */
	int64_t not_before; /* it cannot be done before this time; 0 = any time */
	int64_t done_at;    /* time of the done/waived event, else 0 */
	int64_t settled_by; /* the event_id of the step_event that settled it, else 0 */
	bool overdue;	    /* pending and now > due_at (a step due at T is on time at T) */
	int64_t time_left;  /* due_at - now; negative when overdue; 0 when no deadline */
};

/*
 * Parses protocol text. filename is used only in messages. On failure returns
 * SH_EINVAL, *out NULL, and appends one "FILE:LINE: message\n" per problem to
 * errors. On success *out is owned by the caller (protocol_free).
 */
enum sh_code protocol_parse(const char *text, size_t len, const char *filename,
			    struct protocol **out, struct buf *errors);
/* Reads and parses a file (at most 1 MiB); a read failure is reported as
 * "FILE: message" and returns SH_EIO (SH_ETOOBIG for a larger file). */
enum sh_code protocol_load_file(const char *path, struct protocol **out, struct buf *errors);
void protocol_free(struct protocol *p); /* accepts NULL */

/*
 * A holiday file: one holiday a line, "YYYY-MM-DD NAME" ('#' comments, blank lines). On
 * success *out (sorted; free() it) holds *n dates; on failure SH_EINVAL and one
 * "FILE:LINE: message\n" per problem in errors. protocol_holidays_load reads a file (at most
 * 1 MiB; SH_EIO when it cannot).
 */
enum sh_code protocol_holidays_parse(const char *text, size_t len, const char *filename,
				     struct sh_date **out, size_t *n, struct buf *errors);
enum sh_code protocol_holidays_load(const char *path, struct sh_date **out, size_t *n,
				    struct buf *errors);
/*
 * A protocol's own calendar, from its header: "timezone ZONE" and "holidays FILE" (NULL when
 * the file declares none: its cases count in the county's zone and holidays).
 * protocol_calendar_load loads them for the file at path: the zone from the system database
 * (*tz, NULL when none declared; tz_free it) and the holiday file relative to path's folder
 * (*days, free() it; *has_days false when none declared, or path is NULL: the zone only).
 * Problems as "FILE:LINE: message\n" in errors (the protocol file's line, or the holiday
 * file's), SH_EINVAL.
 */
const char *protocol_timezone(const struct protocol *p);
const char *protocol_holidays_file(const struct protocol *p);
enum sh_code protocol_calendar_load(const struct protocol *p, const char *path, struct tz **tz,
				    struct sh_date **days, size_t *n, bool *has_days,
				    struct buf *errors);
/* Is local day d a business day (Monday to Friday, not a holiday) in calendar cal (NULL: no
 * holidays)? */
bool protocol_business_day(const struct protocol_calendar *cal, struct sh_date d);

const char *protocol_name(const struct protocol *p);
const char *protocol_version(const struct protocol *p);
const char *protocol_effective(const struct protocol *p); /* "YYYY-MM-DD" */
size_t protocol_nsteps(const struct protocol *p);
/* Does the i-th step's existence depend on a screening level (a "screening in" condition,
 * or waiting for or branching on such a step)? Such a step tells the screening result, so
 * only the agencies that serve the youth and the step's owners see it (docs/security.md).
 * protocol_any_screening_gated: does any step? Both are worked out once, at parsing. */
bool protocol_screening_gated(const struct protocol *p, size_t i);
bool protocol_any_screening_gated(const struct protocol *p);
/* The key of the i-th step in file order (i < protocol_nsteps); points into p. */
/* Does a step repeat with time ("repeat every") or end with an on-call shift
 * ("shift_end")? Its instances then depend on more than a case's records and "now"'s
 * clocks (the time itself, the rosters): a derivation kept at a write may not hold later. */
bool protocol_beyond_timeline(const struct protocol *p);
const char *protocol_step_key(const struct protocol *p, size_t i);
bool protocol_has_step(const struct protocol *p, const char *key);
/* The parties outside the agencies the i-th step tells ("notify" line: "parents, court"), or
 * NULL. */
const char *protocol_step_notify(const struct protocol *p, size_t i);
/* Does an owner or co_owner line of the i-th step name this agency kind (whatever its
 * condition)? */
bool protocol_step_may_own(const struct protocol *p, size_t i, const char *kind);
/* The title of a step (points into p); key itself when there is no such step. */
const char *protocol_step_title(const struct protocol *p, const char *key);
/* The index of the step with this key (SIZE_MAX: none), looked for from the index hint on
 * (a list of steps in the protocol's order finds each at once from the one before). */
size_t protocol_step_index(const struct protocol *p, const char *key, size_t hint);
/* The i-th step's title (i < protocol_nsteps), as protocol_step_title gives it by key. */
const char *protocol_step_title_at(const struct protocol *p, size_t i);
/* The i-th step's title in Spanish (title_es), or NULL when the file gives none. */
const char *protocol_step_title_es(const struct protocol *p, size_t i);
/* The event type that does the i-th step ("done by"), or NULL. */
const char *protocol_step_done_by(const struct protocol *p, size_t i);
/* Does an event of that type recorded by an agency of this kind do the i-th step? ("done by
 * EVENT from KIND, ..."; without "from", any kind) */
bool protocol_step_done_by_kind(const struct protocol *p, size_t i, const char *kind);
/* Is the step repeated per missing episode or per hearing? */
bool protocol_step_episodic(const struct protocol *p, const char *key);

/*
 * Witness items: what a minor witness in a prosecution brings (an advocate, a notice before
 * each hearing...), declared in the file with "witness KEY" blocks
 * (docs/protocol-format.md, "Witness items"). A protocol without them gives witnesses no
 * items. The caller (core/casefile.c) finds each witness's facts and entries; the file
 * says which items there are, their titles, owners, deadlines and what does them.
 */
enum protocol_witness_anchor {
	PW_LISTED,	    /* the witness's listing: once per witness */
	PW_LAST_MOTION_DAY, /* the last day a closed-circuit testimony motion can be filed while
			       a statutory rule makes the witness eligible: once per witness,
			       only while no motion is filed and the witness is eligible */
	PW_HEARING,	    /* each hearing of the witness's prosecution */
};

/* "+ 2d", or a number of days the server gives */
enum protocol_witness_days {
	PW_DAYS_FIXED,	  /* written in the file */
	PW_DAYS_ADVOCATE, /* advocate_days: the county setting witness.advocate_days */
	PW_DAYS_NOTICE,	  /* notice_days: the witness rules' written-notice lead (the rules file) */
	PW_DAYS_REVIEW,	  /* review_days: the safety plan's review lead (the server's) */
};

struct protocol_witness_item {
	const char *key, *title;
	const char *title_es; /* NULL: none */
	const char *source;   /* "; "-joined, or NULL */
	const char *owner;    /* the access table's kind */
	const char *co_owner; /* also answers for it (step_status.also_owner); NULL: none */
	enum protocol_witness_anchor anchor;
	int sign; /* +1, -1 */
	enum protocol_witness_days days_from;
	int days;	     /* PW_DAYS_FIXED */
	bool end_of_day;     /* the end of the county day reached (else anchor +- days * 24h) */
	bool or_known;	     /* a deadline before the day the hearing became known moves to the
			       end of that day, and never past the hearing */
	bool when_eligible;  /* applies only while a statutory rule makes the witness eligible */
	const char *done_by; /* the entry type that does it (for the witness, and the hearing
				of a per-hearing item); NULL: nothing does it */
	int line;
};

/* What a witness item's deadline counts from. */
struct protocol_witness_facts {
	const struct tz *tz; /* the county's zone (NULL: UTC) */
	int64_t listed_at;
	bool has_last_motion_day; /* false: no PW_LAST_MOTION_DAY item */
	struct sh_date last_motion_day;
	int64_t hearing_at;	  /* the hearing, for a per-hearing item */
	int64_t hearing_known_at; /* when it became known: set, or the witness listed, later */
	int advocate_days, notice_days, review_days;
};

size_t protocol_nwitness(const struct protocol *p);
/* The i-th witness item in file order (i < protocol_nwitness); points into p. */
const struct protocol_witness_item *protocol_witness(const struct protocol *p, size_t i);
/* The witness item with that key, or NULL. */
const struct protocol_witness_item *protocol_witness_find(const struct protocol *p,
							  const char *key);
/* The item's deadline for these facts into *due; false when its anchor is not known (no
 * last motion day). */
bool protocol_witness_due(const struct protocol_witness_item *w,
			  const struct protocol_witness_facts *f, int64_t *due);

/* `protocol show`: one line per step: key, owner(s), due rule, conditions. */
void protocol_describe(const struct protocol *p, struct buf *out);

/*
 * Evaluates every step for the facts at time now. Writes up to max results into
 * out (one per case-level step, one per instance of an episodic step, in file
 * order, instances in episode order) and sets *n to the number needed. Returns
 * SH_ETOOBIG when max was too small.
 * Also: SH_EINVAL for inconsistent facts (a count without its array), SH_ENOMEM.
 * Keeps nothing; the strings in out point into p and live as long as it does.
 * A done/waived step keeps its due_at (for timeliness) and has time_left 0; the
 * last event for a (step, episode) wins, except that a by_entry event counts only when no
 * earlier event settled it, and not before the step's window ("not before") opens; the
 * semantics are in protocol-format.md. events are in timeline order.
 */
enum sh_code protocol_evaluate(const struct protocol *p, const struct case_facts *f, int64_t now,
			       struct step_status *out, size_t max, size_t *n);

#endif
