#include "lib/common.h"
#include "api/app.h"
#include "api/audit.h"
#include "api/handlers.h"
#include "api/identity.h"
#include "api/seal.h"
#include "lib/jsonh.h"
#include "lib/timefmt.h"
#include "lib/tz.h"

/* ---- sealing by court order ---- */

struct seal_job {
	const struct principal *who;
	int64_t now;
	const char *case_id;
	int64_t youth_id;
	const char *detail;
	int64_t ncases;
};

static enum sh_code do_seal(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct seal_job *j = arg;
	int64_t sealed_at = 0;
	enum sh_code rc;

	if (j->case_id) {
		if ((rc = store_youth_of_case(c, j->case_id, &j->youth_id, &sealed_at, err)))
			return rc;
		if (!j->youth_id)
			return sh_error_set(err, SH_ENOTFOUND, "no such case");
	}
	if ((rc = store_youth_seal(c, j->youth_id, j->now, "court order", &j->ncases, err)))
		return rc;
	/* the order and who carried it out; not the youth, nor what was sealed */
	return audit_record(c, j->who, j->now, "youth.seal", NULL, NULL, "ok", j->detail, err);
}

/* The order's reference and date, as a court gives them. */
static enum sh_code check_order(const struct county *county, int64_t now, const char *ref,
				const char *date, struct sh_error *err)
{
	struct sh_date d, today = tz_date(county->tz, now);
	size_t n = ref ? strlen(ref) : 0;

	if (!n || n > 100)
		sh_error_field(err, SH_EINVAL, "order",
			       "the court order's reference is required (1 to 100 characters)");
	else
		for (const char *p = ref; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f) {
				sh_error_field(err, SH_EINVAL, "order",
					       "the order's reference is one line of text");
				break;
			}
	if (!date || timefmt_parse_date(date, &d))
		sh_error_field(err, SH_EINVAL, "order_date",
			       "the order's date is required, as YYYY-MM-DD");
	else if (timefmt_days_from_civil(d.year, d.month, d.day) >
			 timefmt_days_from_civil(today.year, today.month, today.day) ||
		 d.year < 1990)
		sh_error_field(err, SH_EINVAL, "order_date",
			       "an order is dated from 1990 to today (county time)");
	return err->nfields ? SH_EINVAL : SH_OK;
}

enum sh_code seal_by_order(struct store *s, const struct county *county,
			   const struct principal *who, int64_t now, const char *case_id,
			   int64_t youth_id, const char *ref, const char *date, int64_t *ncases,
			   struct sh_error *err)
{
	struct seal_job j = { .who = who, .now = now, .case_id = case_id, .youth_id = youth_id };
	char detail[160];
	enum sh_code rc;

	*ncases = 0;
	if ((rc = check_order(county, now, ref, date, err)))
		return rc;
	snprintf(detail, sizeof(detail), "court order %s of %s", ref, date);
	j.detail = detail;
	if ((rc = store_write(s, do_seal, &j, err)))
		return rc;
	*ncases = j.ncases;
	return SH_OK;
}

/* ---- retention ---- */

static int64_t days_of(struct sh_date d)
{
	return timefmt_days_from_civil(d.year, d.month, d.day);
}

/* d plus n years (29 February becomes 1 March in a common year). */
static struct sh_date add_years(struct sh_date d, int n)
{
	d.year += n;
	if (!timefmt_valid_date(d.year, d.month, d.day)) {
		d.month = 3;
		d.day = 1;
	}
	return d;
}

/* The county day the youth reached age: from the birth date when it can be read, else the
 * latest day it can be, from the age at the last identification. */
static struct sh_date adult_on(const struct shcrypto_keys *k, const struct tz *tz,
			       const struct retention_rec *r, int age)
{
	json_t *id = identity_open(k, r->youth_key, r->youth_key_len, r->identity, r->identity_len);
	const char *b = jsonh_str(id, "birth_date");
	struct sh_date birth, out;

	if (b && !timefmt_parse_date(b, &birth))
		out = add_years(birth, age);
	else
		out = add_years(tz_date(tz, r->last_identified_at),
				age > r->last_age ? age - r->last_age : 0);
	json_decref(id);
	return out;
}

struct retention_job {
	const struct shcrypto_keys *k;
	const struct county *county;
	const struct principal *who;
	int64_t now;
	const char *month; /* the monthly run: "YYYY-MM" (county time), once per month */
	bool skipped;	   /* the monthly run had already been made this month */
	struct arena *a;
	struct retention_item *out;
	size_t n;
};

#define RETENTION_MONTH_SETTING "retention.last_month"

/* The youth due now, in a (read or write) transaction: the same list for both. */
static enum sh_code list_due(struct store_conn *c, struct retention_job *j, struct sh_error *err)
{
	struct retention_rec *rows;
	size_t nrows;
	struct sh_date today = tz_date(j->county->tz, j->now);
	enum sh_code rc;

	j->out = NULL;
	j->n = 0;
	if (j->county->retention_years <= 0)
		return SH_OK;
	if ((rc = store_retention_candidates(c, j->a, &rows, &nrows, err)))
		return rc;
	if (!(j->out = arena_alloc(j->a, (nrows + 1) * sizeof(*j->out))))
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	for (size_t i = 0; i < nrows; i++) {
		struct sh_date adult =
			adult_on(j->k, j->county->tz, &rows[i], j->county->retention_age);
		struct sh_date closed = add_years(tz_date(j->county->tz, rows[i].last_closed_at),
						  j->county->retention_years);
		struct sh_date due = days_of(adult) > days_of(closed) ? adult : closed;
		struct retention_item *it = &j->out[j->n];
		if (days_of(due) > days_of(today))
			continue;
		j->n++;
		it->youth_id = rows[i].youth_id;
		it->case_ids = rows[i].case_ids;
		it->held = rows[i].held;
		timefmt_format_date(due, it->due);
	}
	return SH_OK;
}

static enum sh_code do_retention(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct retention_job *j = arg;
	size_t destroyed = 0, held = 0;
	char detail[96];
	enum sh_code rc;

	if (j->month) {
		/* in the write itself: servers sharing the database run it once between them */
		char *last = NULL;
		if ((rc = store_setting_get(c, RETENTION_MONTH_SETTING, j->a, &last, err)))
			return rc;
		if ((j->skipped = last && !strcmp(last, j->month)))
			return SH_OK;
		if ((rc = store_setting_set(c, RETENTION_MONTH_SETTING, j->month, err)))
			return rc;
	}
	if ((rc = list_due(c, j, err)))
		return rc;
	for (size_t i = 0; !rc && i < j->n; i++) {
		int64_t ncases;
		if (j->out[i].held) {
			held++;
			continue;
		}
		rc = store_youth_seal(c, j->out[i].youth_id, j->now, "retention", &ncases, err);
		destroyed++;
	}
	if (rc)
		return rc;
	snprintf(detail, sizeof(detail), "%zu youth destroyed, %zu kept by a hold", destroyed,
		 held);
	return audit_record(c, j->who, j->now, "retention.apply", NULL, NULL, "ok", detail, err);
}

enum sh_code retention_run(struct store *s, const struct shcrypto_keys *k,
			   const struct county *county, const struct principal *who, int64_t now,
			   bool apply, struct arena *a, struct retention_item **out, size_t *n,
			   struct sh_error *err)
{
	struct retention_job j = { .k = k, .county = county, .who = who, .now = now, .a = a };
	struct store_conn *c;
	enum sh_code rc;

	if (apply) {
		rc = store_write(s, do_retention, &j, err);
	} else if (!(rc = store_read_begin(s, &c, err))) {
		rc = list_due(c, &j, err);
		store_read_end(c);
	}
	*out = j.out;
	*n = rc ? 0 : j.n;
	return rc;
}

json_t *retention_item_json(const struct retention_item *it)
{
	json_t *cases = json_array();
	const char *p = it->case_ids ? it->case_ids : "";

	while (*p) {
		size_t n = strcspn(p, " ");
		json_array_append_new(cases, json_stringn(p, n));
		p += n + (p[n] == ' ');
	}
	return json_pack("{s:o, s:s, s:b}", "cases", cases, "due", it->due, "held", it->held);
}

enum sh_code retention_monthly(struct app *app, bool *ran, size_t *destroyed, struct sh_error *err)
{
	struct arena a = ARENA_INIT;
	int64_t now = clock_now(&app->clock);
	struct sh_date today = tz_date(app->county.tz, now);
	char month[16];
	struct retention_job j = {
		.k = &app->keys, .county = &app->county, .now = now, .month = month, .a = &a
	};
	enum sh_code rc = SH_OK;

	*ran = false;
	*destroyed = 0;
	if (app->county.retention_years <= 0)
		return SH_OK;
	snprintf(month, sizeof(month), "%04d-%02d", today.year, today.month);
	if (!(rc = store_write(app->store, do_retention, &j, err)) && !j.skipped) {
		*ran = true;
		for (size_t i = 0; i < j.n; i++)
			*destroyed += !j.out[i].held;
	}
	arena_release(&a);
	return rc;
}

/* ---- holds ---- */

struct hold_job {
	const struct principal *who;
	int64_t now;
	const char *case_id;
	const char *reason; /* NULL: remove */
};

static enum sh_code do_hold(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct hold_job *j = arg;
	int64_t youth_id, sealed_at;
	enum sh_code rc;

	if ((rc = store_youth_of_case(c, j->case_id, &youth_id, &sealed_at, err)))
		return rc;
	if (!youth_id)
		return sh_error_set(err, SH_ENOTFOUND, "no such case");
	if (j->reason) {
		struct hold_rec h = { .case_id = j->case_id,
				      .reason = j->reason,
				      .user_id = j->who ? j->who->user_id : 0,
				      .set_at = j->now };
		rc = store_hold_set(c, &h, err);
	} else {
		rc = store_hold_clear(c, j->case_id, err);
	}
	if (rc)
		return rc;
	/* the reason is the admin's free text: it stays in the hold, not in the audit */
	return audit_record(c, j->who, j->now, j->reason ? "hold.set" : "hold.clear", j->case_id,
			    NULL, "ok", NULL, err);
}

enum sh_code hold_put(struct store *s, const struct principal *who, int64_t now,
		      const char *case_id, const char *reason, struct sh_error *err)
{
	struct hold_job j = { .who = who, .now = now, .case_id = case_id, .reason = reason };
	size_t n = reason ? strlen(reason) : 0;

	if (!n || n > 500)
		return sh_error_field(err, SH_EINVAL, "reason",
				      "a hold needs its reason (litigation, a prosecution "
				      "pending, ...): 1 to 500 characters");
	return store_write(s, do_hold, &j, err);
}

enum sh_code hold_remove(struct store *s, const struct principal *who, int64_t now,
			 const char *case_id, struct sh_error *err)
{
	struct hold_job j = { .who = who, .now = now, .case_id = case_id };

	return store_write(s, do_hold, &j, err);
}

/* ---- HTTP ---- */

/* POST /api/v1/seals {"case_id", "order", "order_date"}: an admin carries out a court
 * order; the answer names how many recoveries, nothing of what was sealed. */
API_HANDLER(api_seal_create)
{
	static const struct jsonh_field spec[] = {
		{ "case_id", JT_STRING, JF_REQUIRED, 1, 32, NULL },
		{ "order", JT_STRING, JF_REQUIRED, 1, 100, NULL },
		{ "order_date", JT_DATE, JF_REQUIRED, 0, 0, NULL },
		{ NULL },
	};
	int64_t now = clock_now(&req->app->clock), ncases;
	json_t *body;
	enum sh_code rc;

	if (!(body = api_body_object(req, err)))
		return err->code;
	if (!(rc = jsonh_check(body, spec, "", err)) &&
	    !(rc = seal_by_order(req->app->store, &req->app->county, req->who, now,
				 jsonh_str(body, "case_id"), 0, jsonh_str(body, "order"),
				 jsonh_str(body, "order_date"), &ncases, err))) {
		json_t *o = json_pack("{s:s, s:I}", "sealed", "court order", "recoveries",
				      (json_int_t)ncases);
		jsonh_set_time(o, "sealed_at", now, false);
		rc = api_reply_json_new(res, 200, o);
	}
	json_decref(body);
	return rc;
}

/* GET /api/v1/retention: the dry run, what retention would destroy today */
API_HANDLER(api_retention_get)
{
	const struct county *county = &req->app->county;
	struct retention_item *items;
	size_t n;
	json_t *o, *list;
	enum sh_code rc =
		retention_run(req->app->store, &req->app->keys, county, req->who,
			      clock_now(&req->app->clock), false, req->arena, &items, &n, err);

	if (rc)
		return rc;
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, retention_item_json(&items[i]));
	o = json_pack("{s:b, s:i, s:i, s:o}", "enabled", county->retention_years > 0,
		      "years_after_close", county->retention_years, "after_age",
		      county->retention_age, "items", list);
	return api_reply_json_new(res, 200, o);
}

/* GET /api/v1/holds */
API_HANDLER(api_holds_list)
{
	struct store_conn *c;
	struct hold_rec *h;
	size_t n;
	json_t *list;
	enum sh_code rc;

	if ((rc = store_read_begin(req->app->store, &c, err)))
		return rc;
	rc = store_hold_list(c, req->arena, &h, &n, err);
	store_read_end(c);
	if (rc)
		return rc;
	list = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_pack("{s:s, s:s, s:I}", "case_id", h[i].case_id, "reason",
				      h[i].reason, "set_by", (json_int_t)h[i].user_id);
		jsonh_set_time(o, "set_at", h[i].set_at, false);
		json_array_append_new(list, o);
	}
	return api_reply_json_new(res, 200, json_pack("{s:o}", "items", list));
}

/* PUT /api/v1/holds/{case id} {"reason"} */
API_HANDLER(api_hold_put)
{
	static const struct jsonh_field spec[] = {
		{ "reason", JT_TEXT, JF_REQUIRED, 1, 500, NULL },
		{ NULL },
	};
	json_t *body;
	enum sh_code rc;

	if (!(body = api_body_object(req, err)))
		return err->code;
	if (!(rc = jsonh_check(body, spec, "", err)) &&
	    !(rc = hold_put(req->app->store, req->who, clock_now(&req->app->clock), req->params[0],
			    jsonh_str(body, "reason"), err)))
		rc = api_reply_json_new(res, 200,
					json_pack("{s:s, s:O}", "case_id", req->params[0], "reason",
						  json_object_get(body, "reason")));
	json_decref(body);
	return rc;
}

/* DELETE /api/v1/holds/{case id} */
API_HANDLER(api_hold_delete)
{
	enum sh_code rc = hold_remove(req->app->store, req->who, clock_now(&req->app->clock),
				      req->params[0], err);

	return rc ? rc
		  : api_reply_json_new(res, 200, json_pack("{s:s}", "case_id", req->params[0]));
}
