#ifndef SH_PROTOCOL_INTERNAL_H
#define SH_PROTOCOL_INTERNAL_H
/*
 * The parsed form of a protocol, shared by protocol_parse.c (which builds it) and
 * protocol_eval.c (which reads it). Nothing outside src/core/protocol_*.c includes
 * this file: everyone else goes through core/protocol.h.
 *
 * Everything hangs off one arena owned by struct protocol, so protocol_free() is one
 * arena_release(); nothing in here is written after protocol_parse() returns.
 */
#include <stdbool.h>
#include <stdint.h>
#include "core/access.h"
#include "core/protocol.h"
#include "lib/arena.h"

/* What a due rule or a window condition can be measured from. */
enum anchor {
	ANCHOR_IDENTIFIED,
	ANCHOR_LAST_ASSAULT,
	ANCHOR_MISSING_START,
	ANCHOR_MISSING_END,
	ANCHOR_HEARING,
	ANCHOR_MISSING_LEARNED,	  /* the agency learned of the absence (per missing episode) */
	ANCHOR_ASSAULT_DISCLOSED, /* the last assault became known (identification or later) */
	ANCHOR_FOUND,		  /* the youth was found (per missing episode; at the return
				     unless the episode says when they were found) */
	ANCHOR_IN_CUSTODY,	  /* the youth was first taken into custody (an arrest, a
				     placement in detention) */
	ANCHOR_STEP,		  /* the completion of another step (due rules only) */
	ANCHOR_COUNT
};

/* How often a step happens: once per case, per missing episode, per hearing. */
enum step_kind { KIND_CASE, KIND_MISSING, KIND_HEARING };

/* How often an anchor happens. */
static inline enum step_kind protocol_anchor_kind(enum anchor a)
{
	if (a == ANCHOR_MISSING_START || a == ANCHOR_MISSING_END || a == ANCHOR_MISSING_LEARNED ||
	    a == ANCHOR_FOUND)
		return KIND_MISSING;
	if (a == ANCHOR_HEARING)
		return KIND_HEARING;
	return KIND_CASE;
}

/* "within D before|after|of", "more than D before|after" */
enum window_dir { WIN_BEFORE, WIN_AFTER, WIN_AROUND, WIN_MORE_BEFORE, WIN_MORE_AFTER };

#define PROTOCOL_NKINDS AK_COUNT /* agency kinds: core/access.h holds the one list */

/* A duration as written (for `show`) and in seconds (for the clock). */
struct pduration {
	int64_t secs;
	long amount;
	char unit; /* 'm', 'h', 'd', or 'b' (business days, written "bd": secs is 0) */
};

/* "A within D before|after|of B", "A more than D before|after B" */
struct pwindow {
	struct pwindow *next;
	enum anchor a, b;
	struct pduration d;
	enum window_dir dir;
	int line;
};

/* "missing_count more than N within D before ANCHOR" (or "at most N"): the youth's missing
 * episodes (this case's and the earlier ones the caller gives) that started in that span */
struct pcount {
	struct pcount *next;
	long n;
	bool more; /* true: more than n; false: at most n */
	struct pduration d;
	enum anchor b;
	int line;
};

/* "step KEY in done, waived": a branch on another step's outcome (its state) */
struct pstepref {
	struct pstepref *next;
	const char *key;
	size_t idx;	 /* resolved: index of that step */
	unsigned states; /* bit per enum step_state */
	int line;
};

/* A conjunction of clauses; the zero-constraint value is PCOND_ANY (all bits set). */
struct pcond {
	unsigned status; /* bit per enum youth_status allowed */
	unsigned by;	 /* bit per agency kind allowed to have identified the youth */
	int age_min, age_max;
	bool age_set;
	unsigned has; /* bit per enum anchor that must be present */
	struct pwindow *windows;
	struct pcount *counts;
	struct pstepref *steps; /* "step KEY in STATE, ...": another step's state */
	const char **screening; /* "screening in LEVEL, ...": the latest screening's level */
	size_t nscreening;
	bool set; /* at least one clause was written */
};

/* A 'when' line with 'or': one of its alternatives must hold */
struct pany {
	struct pany *next;
	struct pcond *alt;
	size_t nalt;
	int line;
};

struct powner {
	struct powner *next;
	const char *kind;  /* the access table's kind (core/access.h) */
	const char *label; /* the kind as the file declared it ("kind NAME = KIND"), or NULL */
	struct pcond cond; /* cond.set == false: unconditional */
	int line;
};

struct pstep {
	const char *key;
	const char *title;
	const char *title_es; /* NULL when the file gives none */
	const char *source;   /* "; "-joined source lines, or NULL */
	struct powner *owners;
	struct powner *co_owners; /* "co_owner KIND [when ...]": the first that matches also
				     answers for the step (step_status.also_owner) */
	const char *notify;	  /* "notify PARTY, ...": ", "-joined, or NULL */
	int notify_line;
	enum anchor anchor;
	const char *anchor_key; /* ANCHOR_STEP: the step it waits for */
	size_t dep;		/* ANCHOR_STEP: index of that step */
	int sign;		/* +1 or -1 */
	struct pduration offset;
	int due_at_min; /* "due ... at HH:MM": minutes after local midnight; -1: none */
	/* "repeat every D [until closed]": occurrences 1.., each due D after the one before */
	struct pduration every; /* secs 0: no repeat */
	bool until_closed;
	int repeat_line;
	bool shift_end; /* "due shift_end after ANCHOR within D": the end of the owner's on-call
			   shift in progress at the anchor, at most offset after it */
	struct pcond when;
	struct pany *any;      /* 'when A or B' lines: each must have an alternative that holds */
	const char *done_by;   /* "done by EVENT": an event of that type does the step */
	unsigned done_by_from; /* "... from KIND, KIND": recorded by those kinds only (a bit per
				  agency kind; PCOND_ALL_KINDS: by anyone) */
	int done_by_line;
	/* "not before ANCHOR +- DURATION": the step cannot be done earlier */
	bool has_not_before;
	enum anchor nb_anchor;
	int nb_sign;
	struct pduration nb_offset;
	int nb_line;
	enum step_kind kind;
	bool needs_end;	  /* the chain of anchors ends at missing_end or found: the step appears
			   once that moment is known */
	enum anchor root; /* the anchor the chain ends at */
	int line, due_line;
	/* whether the step exists depends on a screening level: a "screening in" condition,
	 * or it waits for or branches on such a step (protocol_screening_gated) */
	bool screening_gated;
};

/* "kind NAME = KIND": an agency kind the file names, exactly one of the access table's */
#define PROTOCOL_MAX_DECLARED_KINDS 32
struct pkind {
	const char *name;
	int kind; /* enum agency_kind */
	int line;
};

#define PROTOCOL_MAX_WITNESS 32 /* witness items per file */

struct protocol {
	struct arena arena;
	struct pkind kinds[PROTOCOL_MAX_DECLARED_KINDS];
	size_t nkinds;
	const char *name;
	const char *version;
	const char *effective;
	/* "timezone ZONE" and "holidays FILE" (relative to the file's folder), on their lines;
	 * NULL: the county's */
	const char *timezone, *holidays;
	int timezone_line, holidays_line;
	const char *source;
	struct pstep *steps;
	size_t nsteps;
	struct protocol_witness_item witness[PROTOCOL_MAX_WITNESS]; /* "witness KEY" blocks */
	size_t nwitness;
	size_t *order;		  /* step indexes, each after the step it waits for */
	bool any_screening_gated; /* a step has screening_gated */
};

#define PROTOCOL_MAX_FILE (1024 * 1024)
#define PROTOCOL_MAX_OCCURRENCES 500 /* of a repeating step, per case */

/* A deadline on the county's calendar: anchor's local day plus (or minus) d days or
 * business days, at at_min minutes after midnight (-1: the end of that day). */
int64_t protocol_calendar_due(const struct protocol_calendar *cal, int64_t anchor, int sign,
			      const struct pduration *d, int at_min);

/* The index of an agency kind (core/access.h), -1 when unknown or NULL. */
int protocol_kind_index(const char *s);

#define PCOND_ALL_STATUS ((1u << YOUTH_STATUS_COUNT) - 1)
#define PCOND_ALL_KINDS ((1u << PROTOCOL_NKINDS) - 1)

#endif
