#include "lib/common.h"
#include "api/admin.h"
#include "api/app.h"
#include "api/audit.h"
#include "api/casefile.h"
#include "api/params.h"
#include "api/permit.h"

bool api_permit_granted(const struct api_permit *p, const struct principal *who,
			int64_t path_agency)
{
	if (!p || !p->grants[0].roles)
		return true;
	for (int i = 0; i < PERMIT_GRANTS && p->grants[i].roles; i++) {
		const struct api_grant *g = &p->grants[i];
		if ((g->roles & (1u << who->role)) &&
		    (!g->kinds || (g->kinds & (1u << who->kind))) &&
		    (!g->own_agency || path_agency == who->agency_id))
			return true;
	}
	return false;
}

/* The case {id} as the gate sees it (casefile_open answers alike): SH_ENOTFOUND when the
 * caller's agency may not know it exists, and a case that does exist is a probe. */
static enum sh_code case_member(struct api_request *req, struct sh_error *err)
{
	const char *id = req->nparams ? req->params[0] : "";
	struct store_conn *c;
	struct case_rec cr;
	int64_t left_at;
	bool ever = false;
	enum sh_code rc;

	if ((rc = store_read_begin(req->app->store, &c, err)))
		return rc;
	/* the caller's agency's row alone (the primary key), as casefile_participation() reads
	 * it from the case's list */
	if (!(rc = store_case_agency_of(c, id, req->who ? req->who->agency_id : 0, &ever, &left_at,
					err))) {
		if (!access_case_visible(req->who, ever && !left_at, ever)) {
			rc = store_case_get(c, id, req->arena, &cr, err);
			if (!rc) /* a case that exists: its supervisors see the probe */
				req->denied_case = arena_strdup(req->arena, id);
			if (!rc || rc == SH_ENOTFOUND) {
				sh_error_init(err);
				rc = sh_error_set(err, SH_ENOTFOUND, "no such case");
			}
		}
	}
	store_read_end(c);
	return rc;
}

/* Does the agency {id} exist? A refusal names no agency that does not (as before the check
 * moved out of the handlers: 404, the agency list is everyone's anyway). */
static enum sh_code agency_exists(struct api_request *req, int64_t id, struct sh_error *err)
{
	struct agency_rec ag;
	enum sh_code rc;

	if (id <= 0)
		return sh_error_set(err, SH_ENOTFOUND, "no such agency");
	rc = admin_agency_read(req->app->store, id, NULL, req->arena, &ag, err);
	if (rc == SH_ENOTFOUND) {
		sh_error_init(err);
		return sh_error_set(err, SH_ENOTFOUND, "no such agency");
	}
	return rc;
}

enum sh_code api_permit_check(struct api_request *req, const struct api_permit *p,
			      struct sh_error *err)
{
	const struct principal *who = req->who;
	int64_t agency = 0;
	bool own = false;
	enum sh_code rc;

	if (!p)
		return SH_OK;
	if (p->session && !who->via_session)
		return sh_error_set(err, SH_EFORBIDDEN, "%s", p->session_rule);
	for (int i = 0; i < PERMIT_GRANTS; i++)
		own |= p->grants[i].own_agency;
	if (own && params_id(req, 0, &agency, err))
		sh_error_init(err); /* not an agency id: nobody's own */
	if (!api_permit_granted(p, who, agency)) {
		if (own && (rc = agency_exists(req, agency, err)))
			return rc;
		if (p->audit) {
			struct audit_batch b = { .who = who,
						 .now = clock_now(&req->app->clock),
						 .action = p->audit,
						 .outcome = "denied" };
			struct sh_error ignored = SH_ERROR_INIT;
			audit_write(req->app->store, &b, &ignored);
		}
		return sh_error_set(err, p->hidden ? SH_ENOTFOUND : SH_EFORBIDDEN, "%s", p->rule);
	}
	if (p->case_member && (rc = case_member(req, err)))
		return rc;
	if (p->need && access_section(who->kind, who->role, p->section) < p->need)
		return sh_error_set(err, SH_EFORBIDDEN, "%s", p->section_rule);
	return SH_OK;
}
