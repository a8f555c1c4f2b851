#ifndef SH_CORE_CASEFILE_H
#define SH_CORE_CASEFILE_H
/*
 * One case's derived state, from plain records: the facts as they stand after every
 * correction (youth status as determined, a verified birth date, an assault disclosed
 * after identification, missing episodes and when the agency learned of each), the
 * protocol's step instances with their clocks, what a closed case still owes, the
 * items each minor witness brings, and who may read what. casefile_derive() takes the
 * records, the pinned protocol, the witness rules, the county's zone and "now"; no
 * request, no store, no clock of its own. api/casefile.c loads the records, opens what is
 * sealed, and writes the JSON views.
 */
#include <stdbool.h>
#include <stdint.h>
#include "core/access.h"
#include "core/case_records.h"
#include "core/protocol.h"
#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "lib/tz.h"

struct witness_rules;

/* The case's facts after every event that changes them (docs/api.md, "Facts that change"). */
struct case_state {
	enum youth_status status; /* as identified, or as a later status_determined says */
	int age;		  /* whole years at identification */
	bool age_estimated;	  /* no birth date verified yet */
	bool has_birth;		  /* a birth date is known (identification or verified) */
	struct sh_date birth;
	int64_t last_assault_at;      /* 0 = none reported */
	int64_t assault_disclosed_at; /* when it became known (identification or disclosure) */
	bool name_confidential;	      /* after any later election */
	int64_t in_custody_at;	      /* the first arrest or placement in detention; 0: none */
};

struct casefile {
	/* the records (filled by the caller) */
	struct case_rec c;
	struct case_agency_rec *agencies;
	size_t nagencies;
	struct event_rec *events; /* the whole timeline, oldest first */
	size_t nevents;
	const struct protocol *protocol; /* the version the case is pinned to */
	struct case_rec *siblings;	 /* the youth's other recoveries */
	size_t nsiblings;
	/* the starts of the youth's missing episodes on earlier recoveries, for the protocol's
	 * "missing_count" conditions (the caller loads them when the protocol counts them) */
	const int64_t *earlier_missing;
	size_t nearlier_missing;
	/* the on-call shifts of the agencies serving the case's area, for "due shift_end" (the
	 * caller loads them when the protocol has such a step) */
	const struct protocol_shift *shifts;
	size_t nshifts;
	bool *sibling_visible;	       /* may the caller know of siblings[i]? */
	struct witness_rec *witnesses; /* prosecutions the youth is a witness in */
	size_t nwitnesses;
	struct hearing_rec **hearings; /* hearings[i]: the hearings of witnesses[i]'s prosecution */
	size_t *nhearings;
	struct {
		int64_t note_id, agency_id;
	} * disclosures; /* privileged notes disclosed to agencies (casefile_index) */
	size_t ndisclosures;
	/* the youth's sealed identity as opened once for this view (api/casefile.c), kept
	 * with the request; NULL: opened at each use */
	struct casefile_opened *opened;
	bool participating; /* the caller's agency takes part now */
	bool participated;  /* it took part at some time */
	const char *identified_by_kind;
	/* derived by casefile_derive() */
	int64_t derived_at; /* the "now" it was derived for */
	struct case_state state;
	struct missing_episode *missing;
	size_t nmissing;
	struct step_status *steps;
	size_t nsteps;
	size_t nprotocol_steps; /* steps[0..nprotocol_steps): the protocol's; then witness items */
	const struct protocol *witness_protocol; /* whose witness items (the pinned version's, or
						    ctx->witness_protocol); NULL: none */
};

/* No fact about a youth lies further back than this before the identification (an
 * assault in 1900 is a typing mistake, not a fact to start a clock from). */
#define CASEFILE_PAST_MAX_S ((int64_t)20 * 366 * 86400)

/* What derivation needs besides the records. */
struct casefile_context {
	const struct witness_rules *witness_rules; /* NULL: no witness items */
	/* the witness items of a case whose protocol version declares none (a version from
	 * before they were in the file): the caller gives the latest version of the same
	 * protocol that declares them; NULL: none */
	const struct protocol *witness_protocol;
	const struct tz *tz; /* the county's zone (ages, witness items) */
	/* the calendar of the protocol's deadlines: the protocol's own zone ("timezone"; NULL:
	 * tz) and holidays ("holidays", else the county's protocol.holidays) */
	const struct tz *deadline_tz;
	const struct sh_date *holidays;
	size_t nholidays;
	int64_t now;
	int safety_review_days; /* a witness's plan is reviewed this long before each hearing */
	int advocate_days;	/* a listed witness's advocate is due by the end of the county
				      day this many days after the listing (witness.advocate_days) */
	/* the latest birth date known (identification, or a birth_date_verified event), opened
	 * by the caller because it is sealed; has_birth false when none */
	bool has_birth;
	struct sh_date birth;
	bool birth_verified; /* from a birth_date_verified event */
	/* the latest screening's level, opened by the caller because it is sealed ("screening
	 * in ..." conditions); NULL: none recorded */
	const char *screening_level;
};

/*
 * Derives cf->state, cf->missing and cf->steps (protocol steps in file order, then the
 * witness items) from the records. Allocates from a (the steps array is sized once).
 * A step that is done keeps the deadline it had when it was done, whatever the facts
 * learned later. SH_EINTERNAL when the case has no protocol; SH_ENOMEM.
 */
enum sh_code casefile_derive(struct casefile *cf, const struct casefile_context *ctx,
			     struct arena *a, struct sh_error *err);

/*
 * The protocol's step instances as derived (the first cf->nprotocol_steps steps), as text
 * to keep beside the case (store derived_put): everything of each instance but what
 * depends on "now" (overdue, time left). Appends to out.
 */
void casefile_steps_encode(const struct casefile *cf, struct buf *out);
/*
 * Derives like casefile_derive(), with the protocol's step instances taken from text that
 * casefile_steps_encode() wrote for the same records instead of evaluating the protocol:
 * the facts, the missing episodes and the witness items (which depend on the day) are
 * derived as casefile_derive() does, and each pending step's overdue flag and time left
 * are computed at ctx->now from its stored deadline. The caller makes sure the text was
 * derived from the same records (api/casefile.c: the stamp). SH_EINVAL when the text does
 * not parse or names a step the protocol does not have; SH_ENOMEM.
 */
enum sh_code casefile_derive_stored(struct casefile *cf, const struct casefile_context *ctx,
				    const char *stored, struct arena *a, struct sh_error *err);

/* The event with this id in the case, or NULL. */
const struct event_rec *casefile_event(const struct casefile *cf, int64_t id);
/* Is event e superseded by a later amendment? */
/* Links each amended event to the event that corrects it (event_rec.amended_by) and lists
 * the disclosures of privileged notes: called once the timeline is loaded, before anything
 * below. The timeline is in id order. */
enum sh_code casefile_index(struct casefile *cf, struct arena *a, struct sh_error *err);
bool casefile_amended(const struct casefile *cf, const struct event_rec *e);
/* When an event counts for the clocks and the Board: its time, or when it was recorded if
 * it is a late entry (a step done or a close dated more than the county's margin before it
 * was recorded: events.late_entry_minutes). */
int64_t casefile_counted_at(const struct event_rec *e);
/* The latest effective event of a type whose data has field == value (and field2 ==
 * value2 when field2 is not NULL), or NULL. */
const struct event_rec *casefile_find(const struct casefile *cf, const char *type,
				      const char *field, int64_t value, const char *field2,
				      int64_t value2);
/* Witness w's safety plan as the timeline holds it: the parts written (bit i for
 * witness_plan_part_keys[i]) and the last entry that wrote or corrected a part (0: none).
 * A sign-off counts only when it was recorded after that entry: a change to any part
 * resets the sign-offs (the earlier ones stay on the timeline). */
struct plan_state {
	unsigned written;
	int64_t changed_by; /* event id */
	int64_t changed_at; /* when it was recorded */
};
void casefile_plan_state(const struct casefile *cf, int64_t witness_id, struct plan_state *out);

/* The latest effective event of a type, or NULL. */
const struct event_rec *casefile_latest(const struct casefile *cf, const char *type);
/* Is the youth the victim of the charges of witness w's prosecution (as listed; default
 * yes), rather than only a witness to them? */
bool casefile_witness_victim(const struct casefile *cf, const struct witness_rec *w);
/* The witness item with this key as the derived case has it (its protocol's), or NULL for
 * any other key; points into the protocol. */
const struct protocol_witness_item *casefile_witness_item(const struct casefile *cf,
							  const char *key);
/* The derived step (instance), or NULL. */
const struct step_status *casefile_step(const struct casefile *cf, const char *key, int episode);
/* Is the youth missing now (an episode without an end)? */
bool casefile_missing_now(const struct casefile *cf);
/* The agency kind that leads the case (closes it): probation for wards, else child welfare
 * (also for "both", matching the protocol's owners of placement and the MDT meeting). */
const char *casefile_lead_kind(const struct casefile *cf);
/* The youth's birth date, or, from an estimate, the middle of that year of age. */
struct sh_date casefile_birth(const struct casefile *cf, const struct tz *tz);
/* The youth's age on the county's day of instant t (whole years; from the birth date when
 * known, else the estimate ageing with the calendar). */
int casefile_age_at(const struct casefile *cf, const struct tz *tz, int64_t t);

/* May the caller see the youth's name and birth date? (PC 293 / 293.5) */
bool casefile_sees_identity(const struct principal *who, const struct casefile *cf);
/* May the caller read this event? (section access, privilege and disclosures, refused
 * arrests for supervisors and oversight) */
bool casefile_event_readable(const struct principal *who, const struct casefile *cf,
			     const struct event_rec *e);

#endif
