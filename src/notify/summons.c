#include "lib/common.h"
#include "lib/log.h"
#include "notify/summons.h"

/* The person a stage goes to, from the shift in force; 0 when the shift names none. */
static int64_t recipient(const struct roster_rec *r, enum escalation_role role)
{
	if (!r->id)
		return 0;
	switch (role) {
	case ESC_ON_CALL: return r->user_id;
	case ESC_FALLBACK: return r->fallback_id;
	case ESC_SUPERVISOR: return r->supervisor_id;
	default: return 0;
	}
}

/*
 * The person a stage goes to: the shift's person for role, or, when that person (or
 * their agency) is disabled, the next of the fallback and the supervisor who is not: a
 * disabled account is never paged, and its shift's summonses still reach someone.
 * *to 0 when nobody can be; *as the role of whoever it is.
 */
static enum sh_code reachable(struct store_conn *c, const struct roster_rec *r,
			      enum escalation_role role, struct arena *a, int64_t *to,
			      enum escalation_role *as, struct sh_error *err)
{
	*to = 0;
	*as = role;
	for (int k = role; k < ESC_ROLE_COUNT; k++) {
		int64_t uid = recipient(r, (enum escalation_role)k);
		struct user_rec u;
		enum sh_code rc;

		if (!uid)
			continue;
		if ((rc = store_user_get(c, uid, NULL, a, &u, err)) == SH_ENOTFOUND) {
			sh_error_init(err);
			continue;
		}
		if (rc)
			return rc;
		if (u.disabled || u.agency_disabled)
			continue;
		*to = uid;
		*as = (enum escalation_role)k;
		return SH_OK;
	}
	return SH_OK;
}

/*
 * The agency's named worker on the case (worker_assigned), when they can be paged: enabled,
 * still of the agency, with an e-mail address or a webhook. Summonses to the person on call
 * and due-soon alerts go to them first; *to 0 when there is none (then the roster decides).
 */
static enum sh_code worker_first(struct store_conn *c, const char *case_id, int64_t agency_id,
				 struct arena *a, int64_t *to, struct sh_error *err)
{
	struct user_rec u;
	struct channel_rec ch;
	int64_t uid;
	enum sh_code rc;

	*to = 0;
	if ((rc = store_case_worker_get(c, case_id, agency_id, &uid, err)) || !uid)
		return rc;
	if ((rc = store_user_get(c, uid, NULL, a, &u, err)) == SH_ENOTFOUND) {
		sh_error_init(err);
		return SH_OK;
	}
	if (rc || u.disabled || u.agency_disabled || u.agency_id != agency_id)
		return rc;
	if ((rc = store_channels_get(c, uid, a, &ch, err)))
		return rc;
	if (ch.webhook_url || ch.email)
		*to = uid;
	return SH_OK;
}

/*
 * Adds one message per contact channel in ch of user_id, from the template t (kind,
 * stage, role, case, step, ...). A cause already in the outbox is not added again.
 */
static enum sh_code enqueue_to(struct store_conn *c, struct outbox_rec *t, int64_t user_id,
			       const struct channel_rec *ch, int *queued, struct sh_error *err)
{
	const char *const to[][2] = { { "webhook", ch->webhook_url }, { "email", ch->email } };
	bool inserted;
	enum sh_code rc;

	t->user_id = user_id;
	t->status = "pending";
	t->next_attempt_at = t->created_at;
	for (size_t i = 0; i < ARRAY_SIZE(to); i++) {
		if (!to[i][1])
			continue;
		t->channel = to[i][0];
		t->target = to[i][1];
		if ((rc = store_outbox_insert(c, t, &inserted, err)))
			return rc;
		*queued += inserted;
	}
	return SH_OK;
}

/* enqueue_to with user_id's channels as they are now; nothing when user_id is 0 */
static enum sh_code enqueue(struct store_conn *c, struct outbox_rec *t, int64_t user_id,
			    struct arena *a, int *queued, struct sh_error *err)
{
	struct channel_rec ch;
	enum sh_code rc;

	if (!user_id)
		return SH_OK;
	if ((rc = store_channels_get(c, user_id, a, &ch, err)))
		return rc;
	return enqueue_to(c, t, user_id, &ch, queued, err);
}

/* An audit row for a change the system made on its own (no user). */
static enum sh_code audit_system(struct store_conn *c, int64_t now, const char *action,
				 const char *case_id, const char *detail, struct sh_error *err)
{
	struct audit_entry e = { 0 };

	e.at = now;
	e.action = action;
	e.case_id = case_id;
	e.section = "core";
	e.outcome = "ok";
	e.detail = detail;
	return store_audit_append(c, &e, err);
}

/* The earliest-due pending step owned by kind (with a deadline); NULL when none. */
static const struct step_status *first_owed(const struct step_status *steps, size_t n,
					    const char *kind)
{
	const struct step_status *best = NULL;

	for (size_t i = 0; i < n; i++) {
		const struct step_status *s = &steps[i];
		if (s->state != STEP_PENDING || !s->due_at || !s->owner || strcmp(s->owner, kind))
			continue;
		if (!best || s->due_at < best->due_at)
			best = s;
	}
	return best;
}

enum sh_code summons_plan(struct store_conn *c, const char *case_id, const char *area, int64_t now,
			  const struct case_agency_rec *agencies, size_t nagencies,
			  const struct step_status *steps, size_t nsteps, struct arena *a,
			  struct summons_plan *out, struct sh_error *err)
{
	enum sh_code rc;

	out->n = 0;
	if (!(out->items = arena_alloc(a, (nagencies + 1) * sizeof(*out->items))))
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	for (size_t i = 0; i < nagencies; i++) {
		const struct case_agency_rec *ag = &agencies[i];
		struct summons_plan_item *it = &out->items[out->n];
		struct summons_rec *sm = &it->sm;
		struct outbox_rec *t = &it->t;
		const struct step_status *s;
		struct roster_rec r;
		enum escalation_role as;

		if (ag->left_at || !(s = first_owed(steps, nsteps, ag->kind)))
			continue;
		if ((rc = store_roster_at(c, ag->agency_id, area, now, a, &r, err)))
			return rc;
		*it = (struct summons_plan_item){ 0 };
		sm->case_id = case_id;
		sm->agency_id = ag->agency_id;
		sm->step = s->key;
		sm->step_title = s->title;
		sm->episode = s->episode;
		sm->due_at = s->due_at;
		sm->roster_id = r.id;
		sm->stage = 0;
		sm->role = escalation_role_name(ESC_ON_CALL);
		sm->created_at = sm->stage_at = now;
		t->kind = "summons";
		t->stage = 0;
		t->role = sm->role;
		t->case_id = case_id;
		t->step = s->key;
		t->episode = s->episode;
		t->step_title = s->title;
		t->due_at = s->due_at;
		t->area = area;
		t->agency_id = ag->agency_id;
		t->created_at = now;
		if ((rc = worker_first(c, case_id, ag->agency_id, a, &it->to, err)))
			return rc;
		if (it->to)
			t->role = "worker";
		else if ((rc = reachable(c, &r, ESC_ON_CALL, a, &it->to, &as, err)))
			return rc;
		else
			t->role = escalation_role_name(as);
		if (it->to && (rc = store_channels_get(c, it->to, a, &it->ch, err)))
			return rc;
		out->n++;
	}
	return SH_OK;
}

enum sh_code summons_write(struct store_conn *c, struct summons_plan *plan, struct sh_error *err)
{
	int queued = 0;
	enum sh_code rc;

	for (size_t i = 0; i < plan->n; i++) {
		struct summons_plan_item *it = &plan->items[i];
		bool inserted;

		if ((rc = store_summons_insert(c, &it->sm, &inserted, err)))
			return rc;
		if (!inserted || !it->to)
			continue;
		it->t.summons_id = it->sm.id;
		if ((rc = enqueue_to(c, &it->t, it->to, &it->ch, &queued, err)))
			return rc;
	}
	return SH_OK;
}

enum sh_code summons_open(struct store_conn *c, const char *case_id, const char *area, int64_t now,
			  const struct case_agency_rec *agencies, size_t nagencies,
			  const struct step_status *steps, size_t nsteps, struct arena *a,
			  struct sh_error *err)
{
	struct summons_plan plan;
	enum sh_code rc = summons_plan(c, case_id, area, now, agencies, nagencies, steps, nsteps, a,
				       &plan, err);

	return rc ? rc : summons_write(c, &plan, err);
}

static const struct step_status *find_step(const struct step_status *steps, size_t n,
					   const char *key, int episode)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(steps[i].key, key) && steps[i].episode == episode)
			return &steps[i];
	return NULL;
}

enum sh_code summons_settle(struct store_conn *c, const char *case_id, bool closed,
			    const struct step_status *steps, size_t nsteps, int64_t user_id,
			    int64_t now, struct arena *a, struct sh_error *err)
{
	struct summons_rec *list;
	size_t n;
	enum sh_code rc;

	if ((rc = store_summons_list(c, case_id, a, &list, &n, err)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		const struct step_status *s;
		const char *how;
		bool changed;

		if (list[i].acked_at)
			continue;
		s = find_step(steps, nsteps, list[i].step, list[i].episode);
		if (closed)
			how = "case_closed";
		else if (!s || s->state == STEP_NOT_APPLICABLE)
			how = "not_applicable";
		else if (s->state == STEP_DONE)
			how = "step_done";
		else if (s->state == STEP_WAIVED)
			how = "step_waived";
		else
			continue;
		if ((rc = store_summons_ack(c, list[i].id, now, user_id, how, &changed, err)) ||
		    (rc = store_outbox_cancel(c, list[i].id, err)))
			return rc;
	}
	return SH_OK;
}

enum sh_code summons_ack(struct store_conn *c, const struct outbox_rec *n, int64_t user_id,
			 int64_t now, bool *first, struct sh_error *err)
{
	enum sh_code rc;

	*first = !n->acked_at;
	if ((rc = store_outbox_ack(c, n->id, now, user_id, err)))
		return rc;
	if (n->summons_id) {
		if ((rc = store_summons_ack(c, n->summons_id, now, user_id, "ack", first, err)) ||
		    (rc = store_outbox_cancel(c, n->summons_id, err)))
			return rc;
	}
	return SH_OK;
}

/* ---- the escalation scan ---- */

struct scan_work {
	const struct summons_scan *x;
	struct summons_rec *due;
	size_t ndue;
	struct step_alert_rec *alerts;
	size_t nalerts;
	struct arena *a;
	int queued;
};

static enum sh_code escalate(struct store_conn *c, struct scan_work *w, const struct summons_rec *s,
			     struct sh_error *err)
{
	const struct escalation_config *cfg = w->x->cfg;
	int64_t now = w->x->now;
	struct roster_rec r;
	struct outbox_rec t = { 0 };
	int role = escalation_role_parse(s->role), next;
	enum escalation_role next_role, as;
	int64_t to;
	bool changed;
	char detail[96];
	enum sh_code rc;

	if (role < 0 || !escalation_stage_due(cfg, s->stage_at, now))
		return SH_OK;
	/* the stage goes to whoever is on call now: shifts change while a summons waits */
	if ((rc = store_roster_at(c, s->agency_id, s->area, now, w->a, &r, err)))
		return rc;
	if (!escalation_next_stage(cfg, s->stage, (enum escalation_role)role, r.fallback_id != 0,
				   &next, &next_role))
		return SH_OK;
	if ((rc = store_summons_advance(c, s->id, s->stage, next, escalation_role_name(next_role),
					now, &changed, err)))
		return rc;
	if (!changed)
		return SH_OK; /* acknowledged, settled or moved by another server meanwhile */
	t.kind = "summons";
	t.stage = next;
	t.role = escalation_role_name(next_role);
	t.case_id = s->case_id;
	t.step = s->step;
	t.episode = s->episode;
	t.step_title = s->step_title;
	t.due_at = s->due_at;
	t.area = s->area;
	t.agency_id = s->agency_id;
	t.summons_id = s->id;
	t.created_at = now;
	/* a repeat goes to the case's worker when the agency named one; the fallback and the
	 * supervisor stages go where the roster says */
	to = 0;
	if (next_role == ESC_ON_CALL &&
	    (rc = worker_first(c, s->case_id, s->agency_id, w->a, &to, err)))
		return rc;
	if (to)
		t.role = "worker";
	else if ((rc = reachable(c, &r, next_role, w->a, &to, &as, err)))
		return rc;
	else
		t.role = escalation_role_name(as);
	if ((rc = enqueue(c, &t, to, w->a, &w->queued, err)))
		return rc;
	snprintf(detail, sizeof(detail), "summons %" PRId64 " stage %d %s%s", s->id, next, t.role,
		 to ? "" : " (no one on call)");
	return audit_system(c, now, "notify.escalate", s->case_id, detail, err);
}

static enum sh_code alert(struct store_conn *c, struct scan_work *w, const struct step_alert_rec *k,
			  const char *kind, enum escalation_verdict v, struct sh_error *err)
{
	int64_t now = w->x->now;
	enum escalation_role role = strcmp(kind, "overdue") ? ESC_ON_CALL : ESC_SUPERVISOR;
	struct roster_rec r = { 0 };
	struct outbox_rec t = { 0 };
	const char *outcome;
	int64_t to = 0, worker = 0;
	bool inserted;
	char detail[128];
	enum sh_code rc;

	if (v == ESC_WAIT)
		return SH_OK;
	if (k->agency_id && (rc = store_roster_at(c, k->agency_id, k->area, now, w->a, &r, err)))
		return rc;
	/* the case's worker first: due soon goes to them instead of the person on call; overdue
	 * goes to the supervisor, and to them as well */
	if (k->agency_id && (rc = worker_first(c, k->case_id, k->agency_id, w->a, &worker, err)))
		return rc;
	if (worker && role == ESC_ON_CALL)
		to = worker;
	else if ((rc = reachable(c, &r, role, w->a, &to, &role, err)))
		return rc;
	if (!to)
		to = worker; /* nobody on the roster: the worker at least */
	if (v == ESC_SKIP)
		outcome = "skipped";
	else if (!k->agency_id)
		outcome = "no_agency";
	else if (!to)
		outcome = "no_one_on_call";
	else
		outcome = "sent";
	if ((rc = store_step_alert_mark(c, k->case_id, k->step, k->episode, kind, now, outcome,
					&inserted, err)))
		return rc;
	if (!inserted || strcmp(outcome, "sent"))
		return SH_OK;
	t.kind = kind;
	t.stage = 0;
	t.role = escalation_role_name(role);
	t.case_id = k->case_id;
	t.step = k->step;
	t.episode = k->episode;
	t.step_title = w->x->step_title ? w->x->step_title(w->x->title_ctx, k->protocol_id, k->step)
					: k->step;
	if (!t.step_title)
		t.step_title = k->step;
	t.due_at = k->due_at;
	t.area = k->area;
	t.agency_id = k->agency_id;
	t.created_at = now;
	if (to == worker)
		t.role = "worker";
	if ((rc = enqueue(c, &t, to, w->a, &w->queued, err)))
		return rc;
	if (worker && to != worker) {
		const char *role_to = t.role;
		t.role = "worker";
		if ((rc = enqueue(c, &t, worker, w->a, &w->queued, err)))
			return rc;
		t.role = role_to;
	}
	snprintf(detail, sizeof(detail), "%s %.64s episode %d to %s%s", kind, k->step, k->episode,
		 t.role, worker && to != worker ? " and the worker" : "");
	return audit_system(c, now, "notify.alert", k->case_id, detail, err);
}

static enum sh_code scan_write(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct scan_work *w = arg;
	enum sh_code rc;

	w->queued = 0;
	for (size_t i = 0; i < w->ndue; i++)
		if ((rc = escalate(c, w, &w->due[i], err)))
			return rc;
	for (size_t i = 0; i < w->nalerts; i++) {
		const struct step_alert_rec *k = &w->alerts[i];
		enum escalation_verdict soon, over;

		escalation_step_alerts(w->x->cfg, k->opened_at, k->due_at, w->x->now, &soon, &over);
		if (!k->due_soon_marked && (rc = alert(c, w, k, "due_soon", soon, err)))
			return rc;
		if (!k->overdue_marked && (rc = alert(c, w, k, "overdue", over, err)))
			return rc;
	}
	return SH_OK;
}

enum sh_code summons_scan(struct store *s, const struct summons_scan *x, int *queued,
			  struct sh_error *err)
{
	struct arena a = ARENA_INIT;
	struct scan_work w = { .x = x, .a = &a };
	struct store_conn *c;
	int limit = x->limit > 0 ? x->limit : 200;
	enum sh_code rc;

	if (queued)
		*queued = 0;
	if ((rc = store_read_begin(s, &c, err)))
		return rc;
	rc = store_summons_due(c, x->now - x->cfg->summons_interval, limit, &a, &w.due, &w.ndue,
			       err);
	if (!rc)
		rc = store_step_alert_candidates(c, x->now, x->cfg->due_soon_percent, limit, &a,
						 &w.alerts, &w.nalerts, err);
	store_read_end(c);
	/* the writer is only bothered when there is something to do */
	if (!rc && (w.ndue || w.nalerts))
		rc = store_write(s, scan_write, &w, err);
	if (!rc && queued)
		*queued = w.queued;
	arena_release(&a);
	return rc;
}
