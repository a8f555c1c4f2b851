#ifndef SH_SEAL_H
#define SH_SEAL_H
/*
 * Sealing a youth's records by court order (WIC 781, 786) and retention (issue 23), shared
 * by the HTTP routes and the CLI. Both destroy the same way: the youth's data key is
 * shredded, so their identity and every text sealed under it are unreadable for good; the
 * cases stay, without identity, so the Board's figures do not change (docs/security.md,
 * "Sealing and retention").
 */
#include <jansson.h>
#include "api/county.h"
#include "api/principal.h"
#include "lib/arena.h"
#include "lib/shcrypto.h"
#include "store/store.h"

/*
 * Seals the youth of case_id (or youth_id, when case_id is NULL) under a court order:
 * ref the order's reference (1 to 100 characters), date its date (YYYY-MM-DD, not after
 * today in the county). who NULL: the operator. One write, audited youth.seal with the
 * order, never what was sealed. *ncases: the youth's recoveries.
 */
enum sh_code seal_by_order(struct store *s, const struct county *county,
			   const struct principal *who, int64_t now, const char *case_id,
			   int64_t youth_id, const char *ref, const char *date, int64_t *ncases,
			   struct sh_error *err);

/* A youth retention destroys now (or would): its recoveries, the county day it became due,
 * and whether a hold keeps it. */
struct retention_item {
	int64_t youth_id;
	const char *case_ids; /* space-separated, oldest first */
	char due[11];
	bool held;
};

/*
 * Retention (the county's retention.* settings; off while retention.years_after_close is
 * 0): every youth whose recoveries are all closed, who is retention.after_age or older and
 * whose last closure is retention.years_after_close years old, by county days. apply
 * false: a read, nothing written (the dry run); true: one write that destroys those not
 * held, audited retention.apply with counts. Both list the same youth from the same data
 * (held ones too, marked). *out is in a.
 */
enum sh_code retention_run(struct store *s, const struct shcrypto_keys *k,
			   const struct county *county, const struct principal *who, int64_t now,
			   bool apply, struct arena *a, struct retention_item **out, size_t *n,
			   struct sh_error *err);

/* The monthly run of `serve` (api/sweep.h): retention applied once per county month, as the
 * system; *ran false when it was already applied this month, or retention is off. */
struct app;
enum sh_code retention_monthly(struct app *app, bool *ran, size_t *destroyed, struct sh_error *err);

/* {"cases": [...], "due", "held"}: one youth as the dry run and the CLI's --json show it. */
json_t *retention_item_json(const struct retention_item *it);

/* Holds against retention: put (reason 1 to 500 characters; replaces one there) and
 * remove (SH_ENOTFOUND when none) a case's hold; audited hold.set, hold.clear. */
enum sh_code hold_put(struct store *s, const struct principal *who, int64_t now,
		      const char *case_id, const char *reason, struct sh_error *err);
enum sh_code hold_remove(struct store *s, const struct principal *who, int64_t now,
			 const char *case_id, struct sh_error *err);

#endif
