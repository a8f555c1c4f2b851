#ifndef SH_CASEFILE_H
#define SH_CASEFILE_H
/*
 * One case as a handler works with it: loading the records (core/casefile.h holds the
 * case, its derivation and who may read what), opening what is sealed, and the JSON
 * views. casefile_open() is the one gate every case handler passes through: it loads
 * the case and answers SH_ENOTFOUND when the caller's agency may not know it exists.
 * Everything is allocated from the request arena.
 */
#include <jansson.h>
#include "api/api.h"
#include "api/registry.h"
#include "core/casefile.h"
#include "store/store.h"

/* Loads the case on connection c and checks that the caller may see it; a case it may not
 * see is SH_ENOTFOUND, as if it did not exist, and the probe is audited after the request
 * (req->denied_case). For a list that only leaves out what the caller may not see, use
 * casefile_load() and casefile_visible(). */
enum sh_code casefile_open(struct api_request *req, struct store_conn *c, const char *id,
			   struct casefile *cf, struct sh_error *err);
bool casefile_visible(const struct api_request *req, const struct casefile *cf);
/* Does who's agency take part in the case with these agencies now (*participating), or did
 * it ever (*participated)? Both are left as they are when it never did. */
void casefile_participation(const struct principal *who, const struct case_agency_rec *a, size_t n,
			    bool *participating, bool *participated);
/* casefile_open() for showing the case: derived from the steps its last write kept
 * (store derived_get) when they were derived from the same records and settings, with the
 * clocks at now; else derived as casefile_load() does. Not for a writer: it derives again
 * after its change anyway. */
enum sh_code casefile_open_view(struct api_request *req, struct store_conn *c, const char *id,
				struct casefile *cf, struct sh_error *err);
/* The proof that casefile_open_view() shows what derivation would (safeharbor case
 * check-steps): the case view as req->who sees it at now, rendered from the kept steps and
 * derived from the timeline. *kept false: no kept steps match the records (the view derives,
 * nothing compared); else *differ_at is the first byte where the two views differ, SIZE_MAX
 * when they are the same. No visibility check: for the operator's command. */
enum sh_code casefile_view_check(struct api_request *req, struct store_conn *c, const char *id,
				 int64_t now, bool *kept, size_t *differ_at, struct sh_error *err);
/* Loads without the visibility check (for the writer, after the gate was passed). */
enum sh_code casefile_load(struct api_request *req, struct store_conn *c, const char *id,
			   struct casefile *cf, struct sh_error *err);
/* Derives the case's state at `now` (core/casefile.h), after opening the sealed birth date
 * it needs: the latest verified one, else the one given at identification. */
enum sh_code casefile_evaluate(struct api_request *req, struct casefile *cf, int64_t now,
			       struct sh_error *err);

/* Writes the derived step rows (the cache lists and reports read) on a write connection. */
enum sh_code casefile_save_steps(struct store_conn *c, struct api_request *req,
				 const struct casefile *cf, struct sh_error *err);

/* JSON views, filtered for the caller. The case view and its steps are written
 * straight into a buffer (lib/jsonw.h: no jansson tree on the hot read path);
 * casefile_json() and casefile_steps_json() give the same views as jansson values
 * (new references, NULL on failure) for answers that embed them. */
struct jsonw;
void casefile_write_json(struct jsonw *w, struct api_request *req, const struct casefile *cf,
			 int64_t now);
/* who: the reader (each step names the entry that settled it when who may read it); NULL:
 * none named */
void casefile_write_steps(struct jsonw *w, const struct principal *who, const struct casefile *cf);
/* Answers with the case view as the JSON body, with this status. */
enum sh_code casefile_reply(struct api_request *req, struct api_response *res, int status,
			    const struct casefile *cf, int64_t now, struct sh_error *err);
json_t *casefile_json(struct api_request *req, const struct casefile *cf, int64_t now);
json_t *casefile_steps_json(const struct principal *who, const struct casefile *cf);
json_t *casefile_event_json(struct api_request *req, const struct casefile *cf,
			    const struct event_rec *e);

#endif
