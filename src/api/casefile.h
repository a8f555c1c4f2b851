#ifndef SH_CASEFILE_H
#define SH_CASEFILE_H
/*
 * One case as a handler works with it: the record, the agencies taking part, the
 * timeline, the pinned protocol and the steps derived from them. casefile_open()
 * is the one gate every case handler passes through: it loads the case and
 * answers SH_ENOTFOUND when the caller's agency may not know it exists.
 * Everything is allocated from the request arena.
 */
#include <jansson.h>
#include "api/api.h"
#include "api/registry.h"
#include "core/access.h"
#include "store/store.h"

struct casefile {
	struct case_rec c;
	struct case_agency_rec *agencies;
	size_t nagencies;
	struct event_rec *events; /* the whole timeline, oldest first */
	size_t nevents;
	const struct registry_entry *proto;
	struct case_rec *siblings; /* the youth's other recoveries */
	size_t nsiblings;
	bool *sibling_visible;     /* may the caller know of siblings[i]? */
	struct witness_rec *witnesses; /* prosecutions the youth is a witness in */
	size_t nwitnesses;
	struct hearing_rec **hearings; /* hearings[i]: the hearings of witnesses[i]'s prosecution */
	size_t *nhearings;
	bool participating; /* the caller's agency takes part now */
	bool participated;  /* it took part at some time */
	const char *identified_by_kind;
	bool name_confidential; /* after any later election */
	/* derived by casefile_evaluate() */
	struct missing_episode *missing;
	size_t nmissing;
	struct step_status *steps;
	size_t nsteps;
};

/* Loads the case on connection c and checks that the caller may see it. */
enum sh_code casefile_open(struct api_request *req, struct store_conn *c, const char *id,
			   struct casefile *cf, struct sh_error *err);
/* Loads without the visibility check (for the writer, after the gate was passed). */
enum sh_code casefile_load(struct api_request *req, struct store_conn *c, const char *id,
			   struct casefile *cf, struct sh_error *err);
/* Recomputes missing episodes and step states from the timeline at `now`; the
 * protocol's steps come first, then the witness items (advocate assigned, notice
 * before each hearing, safety-plan review before each hearing). */
enum sh_code casefile_evaluate(struct api_request *req, struct casefile *cf, int64_t now,
			       struct sh_error *err);

/* The event with this id in the case, or NULL. */
const struct event_rec *casefile_event(const struct casefile *cf, int64_t id);
/* Writes the derived step rows (the cache lists and reports read) on a write connection. */
enum sh_code casefile_save_steps(struct store_conn *c, struct api_request *req,
				 const struct casefile *cf, struct sh_error *err);
/* Is event e superseded by a later amendment? */
bool casefile_amended(const struct casefile *cf, const struct event_rec *e);
/* Is this step (instance) owned by the caller's agency kind? NULL when no such step. */
const struct step_status *casefile_step(const struct casefile *cf, const char *key, int episode);
/* The youth's age on the county's local day of instant t (exact with a birth date, else
 * from the estimate, which ages with the calendar). */
int casefile_age_at(struct api_request *req, const struct casefile *cf, int64_t t);
/* The recorded birth date (not an estimate); false when there is none or it cannot be read. */
bool casefile_verified_birth(struct api_request *req, const struct casefile *cf,
			     struct sh_date *out);
/* The birth date, or one implied by the age estimate; false when neither is readable. */
bool casefile_birth_date(struct api_request *req, const struct casefile *cf, struct sh_date *out);
/* The latest effective event of a type whose data has field == value (witness events). */
const struct event_rec *casefile_find(const struct casefile *cf, const char *type,
				      const char *field, int64_t value, const char *field2,
				      int64_t value2);
/* May the caller see the youth's name and birth date? (PC 293 / 293.5) */
bool casefile_sees_identity(const struct principal *who, const struct casefile *cf);
/* Is the youth missing now (an episode without an end)? */
bool casefile_missing_now(const struct casefile *cf);
/* The agency kind that leads the case (closes it): probation for wards, else child welfare
 * (also for "both", matching the protocol's owners of placement and the MDT meeting). */
const char *casefile_lead_kind(const struct casefile *cf);

/* May the caller read this event? (section access, privilege and disclosures) */
bool casefile_event_readable(const struct principal *who, const struct casefile *cf,
			     const struct event_rec *e);

/* JSON views, filtered for the caller. The case view and its steps are written
 * straight into a buffer (lib/jsonw.h: no jansson tree on the hot read path);
 * casefile_json() and casefile_steps_json() give the same views as jansson values
 * (new references, NULL on failure) for answers that embed them. */
struct jsonw;
void casefile_write_json(struct jsonw *w, struct api_request *req, const struct casefile *cf,
			 int64_t now);
void casefile_write_steps(struct jsonw *w, const struct casefile *cf);
/* Answers with the case view as the JSON body, with this status. */
enum sh_code casefile_reply(struct api_request *req, struct api_response *res, int status,
			    const struct casefile *cf, int64_t now, struct sh_error *err);
json_t *casefile_json(struct api_request *req, const struct casefile *cf, int64_t now);
json_t *casefile_steps_json(const struct casefile *cf, int64_t now);
json_t *casefile_event_json(struct api_request *req, const struct casefile *cf,
			    const struct event_rec *e);
/* The sections of the timeline the caller read (for the audit), as a list of names. */
size_t casefile_sections_read(const struct principal *who, const struct casefile *cf,
			      const char **out, size_t max);

#endif
