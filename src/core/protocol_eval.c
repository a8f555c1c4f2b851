/*
 * The protocol clock: for one case's facts and a given "now", each step's state,
 * owner and deadline. Pure: reads the parsed protocol and the facts, allocates only
 * its scratch table, never looks at the system clock.
 */
#include "lib/common.h"
#include "lib/catalog.h"
#include "core/protocol_internal.h"
#include "lib/tz.h"

static const char *const status_names[YOUTH_STATUS_COUNT] = {
	"dependent", "probation", "both", "none", "unknown",
};

/* the words also stand in refusals ("the step ... is already done"): N_() */
static const char *const state_names[] = { N_("pending"), N_("done"), N_("waived"),
					   N_("not_applicable") };

const char *protocol_status_name(enum youth_status s)
{
	return (unsigned)s < YOUTH_STATUS_COUNT ? status_names[s] : "unknown";
}

int protocol_status_parse(const char *s)
{
	return names_index(status_names, YOUTH_STATUS_COUNT, s);
}

const char *protocol_state_name(enum step_state s)
{
	return (unsigned)s < ARRAY_SIZE(state_names) ? state_names[s] : "pending";
}

/* Clock arithmetic saturates instead of overflowing on absurd facts. */
static int64_t add_sat(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

static int64_t sub_sat(int64_t a, int64_t b)
{
	if (b == INT64_MIN)
		return a >= 0 ? INT64_MAX : a - b;
	return add_sat(a, -b);
}

/* One step instance while evaluating. */
struct inst {
	struct step_status st;
	bool exists; /* false: a return step for an episode that has not ended */
};

struct eval {
	const struct protocol *p;
	const struct case_facts *f;
	int64_t now;
	struct inst *inst;
	size_t *base; /* index of each step's first instance */
};

static enum step_kind own_kind(enum anchor a)
{
	return protocol_anchor_kind(a);
}

/* The anchor's time in episode ep (1..) of its own kind; 0 when absent. */
static int64_t anchor_at(const struct case_facts *f, enum anchor a, size_t ep)
{
	switch (a) {
	case ANCHOR_IDENTIFIED: return f->identified_at;
	case ANCHOR_LAST_ASSAULT: return f->last_assault_at;
	case ANCHOR_MISSING_START: return ep && ep <= f->nmissing ? f->missing[ep - 1].start : 0;
	case ANCHOR_MISSING_END: return ep && ep <= f->nmissing ? f->missing[ep - 1].end : 0;
	case ANCHOR_FOUND:
		if (!ep || ep > f->nmissing)
			return 0;
		return f->missing[ep - 1].found ? f->missing[ep - 1].found : f->missing[ep - 1].end;
	case ANCHOR_IN_CUSTODY: return f->in_custody_at;
	case ANCHOR_MISSING_LEARNED:
		if (!ep || ep > f->nmissing)
			return 0;
		return f->missing[ep - 1].learned > f->missing[ep - 1].start
			       ? f->missing[ep - 1].learned
			       : f->missing[ep - 1].start;
	case ANCHOR_ASSAULT_DISCLOSED:
		if (!f->last_assault_at)
			return 0;
		return f->assault_disclosed_at ? f->assault_disclosed_at : f->identified_at;
	case ANCHOR_HEARING: return ep && ep <= f->nhearings ? f->hearings[ep - 1] : 0;
	default: return 0;
	}
}

/* For a step of kind `kind`, instance ep: is the anchor there? Other kinds' anchors: any. */
static bool anchor_present(const struct case_facts *f, enum step_kind kind, size_t ep,
			   enum anchor a)
{
	enum step_kind ak = own_kind(a);
	size_t n;

	if (ak == KIND_CASE || ak == kind)
		return anchor_at(f, a, ak == KIND_CASE ? 0 : ep) != 0;
	n = ak == KIND_MISSING ? f->nmissing : f->nhearings;
	for (size_t i = 1; i <= n; i++)
		if (anchor_at(f, a, i))
			return true;
	return false;
}

static bool window_holds(const struct case_facts *f, size_t ep, const struct pwindow *w)
{
	int64_t a = anchor_at(f, w->a, own_kind(w->a) == KIND_CASE ? 0 : ep);
	int64_t b = anchor_at(f, w->b, own_kind(w->b) == KIND_CASE ? 0 : ep);

	if (!a || !b)
		return false;
	switch (w->dir) {
	case WIN_BEFORE: return a <= b && a >= sub_sat(b, w->d.secs);
	case WIN_AFTER: return a >= b && a <= add_sat(b, w->d.secs);
	case WIN_MORE_BEFORE: return a < sub_sat(b, w->d.secs);
	case WIN_MORE_AFTER: return a > add_sat(b, w->d.secs);
	default: return a >= sub_sat(b, w->d.secs) && a <= add_sat(b, w->d.secs);
	}
}

/* The youth's missing episodes that started in [B - D, B]: earlier cases' and this one's. */
static bool count_holds(const struct case_facts *f, size_t ep, const struct pcount *pc)
{
	int64_t b = anchor_at(f, pc->b, own_kind(pc->b) == KIND_CASE ? 0 : ep), lo;
	long k = 0;

	if (!b)
		return false;
	lo = sub_sat(b, pc->d.secs);
	for (size_t i = 0; i < f->nearlier_missing; i++)
		k += f->earlier_missing[i] >= lo && f->earlier_missing[i] <= b;
	for (size_t i = 0; i < f->nmissing; i++)
		k += f->missing[i].start >= lo && f->missing[i].start <= b;
	return pc->more ? k > pc->n : k <= pc->n;
}

static bool screening_holds(const struct pcond *c, const struct case_facts *f)
{
	for (size_t i = 0; f->screening_level && i < c->nscreening; i++)
		if (!strcasecmp(c->screening[i], f->screening_level))
			return true;
	return false;
}

/* "step KEY in STATE, ...": the state of that step (its instance ep when it happens per
 * episode like the step asking; an instance that does not exist yet is pending) */
static bool refs_hold(const struct eval *ev, const struct pcond *c, size_t ep)
{
	for (const struct pstepref *r = c->steps; r; r = r->next) {
		const struct pstep *t = &ev->p->steps[r->idx];
		const struct inst *in =
			&ev->inst[ev->base[r->idx] + (t->kind == KIND_CASE ? 0 : ep - 1)];
		enum step_state st = in->exists ? in->st.state : STEP_PENDING;
		if (!(r->states & 1u << st))
			return false;
	}
	return true;
}

static bool cond_holds(const struct pcond *c, const struct eval *ev, enum step_kind kind, size_t ep)
{
	const struct case_facts *f = ev->f;

	if (c->status != PCOND_ALL_STATUS &&
	    ((unsigned)f->status >= YOUTH_STATUS_COUNT || !(c->status & 1u << f->status)))
		return false;
	if (c->by != PCOND_ALL_KINDS) {
		int k = protocol_kind_index(f->identified_by);
		if (k < 0 || !(c->by & 1u << k))
			return false;
	}
	if (c->age_set && (f->age < c->age_min || f->age > c->age_max))
		return false;
	for (int a = 0; a < ANCHOR_STEP; a++)
		if ((c->has & 1u << a) && !anchor_present(f, kind, ep, (enum anchor)a))
			return false;
	for (const struct pwindow *w = c->windows; w; w = w->next)
		if (!window_holds(f, ep, w))
			return false;
	for (const struct pcount *pc = c->counts; pc; pc = pc->next)
		if (!count_holds(f, ep, pc))
			return false;
	return (!c->nscreening || screening_holds(c, f)) && refs_hold(ev, c, ep);
}

/* The step's conditions: its 'when' clauses, and one alternative of each 'or' line. */
static bool step_applies(const struct pstep *s, const struct eval *ev, size_t ep)
{
	if (!cond_holds(&s->when, ev, s->kind, ep))
		return false;
	for (const struct pany *g = s->any; g; g = g->next) {
		size_t k = 0;
		while (k < g->nalt && !cond_holds(&g->alt[k], ev, s->kind, ep))
			k++;
		if (k == g->nalt)
			return false;
	}
	return true;
}

/* The first deadline of a step due from a moment of the case (its anchor at + offset). */
static int64_t first_due(const struct pstep *s, const struct case_facts *f, int64_t anchor);

/* A repeating step: occurrence 1, and each next one once the one before is due (so the next
 * deadline is always shown); "until closed": none that would start after the case closed. */
static size_t occurrences(const struct pstep *s, const struct case_facts *f, int64_t now)
{
	int64_t anchor = anchor_at(f, s->anchor, 0), due;
	size_t k = 1;

	if (!anchor)
		return 1;
	due = first_due(s, f, anchor);
	while (k < PROTOCOL_MAX_OCCURRENCES && due <= now &&
	       !(s->until_closed && f->closed_at && due >= f->closed_at)) {
		due = add_sat(due, s->every.secs);
		k++;
	}
	return k;
}

static size_t instances(const struct pstep *s, const struct case_facts *f, int64_t now)
{
	if (s->kind == KIND_MISSING)
		return f->nmissing;
	if (s->kind == KIND_HEARING)
		return f->nhearings;
	if (s->every.secs)
		return occurrences(s, f, now);
	return 1;
}

/* The event that settles (key, episode): the last done/waived event for it (a later event
 * amends an earlier one); an entry that does the step by itself counts only when nothing
 * earlier settled it, and only from the moment the step's window opens. */
static const struct step_event *find_event(const struct case_facts *f, const char *key, int ep,
					   int64_t not_before)
{
	const struct step_event *found = NULL;

	for (size_t i = 0; i < f->nevents; i++) {
		const struct step_event *e = &f->events[i];
		if (!e->step || e->episode != ep || strcmp(e->step, key))
			continue;
		if (e->by_entry && (found || e->at < not_before))
			continue;
		found = e;
	}
	return found;
}

static int64_t first_due(const struct pstep *s, const struct case_facts *f, int64_t anchor)
{
	if (s->offset.unit == 'b' || s->due_at_min >= 0)
		return protocol_calendar_due(f->cal, anchor, s->sign, &s->offset, s->due_at_min);
	return add_sat(anchor, s->sign < 0 ? -s->offset.secs : s->offset.secs);
}

/* The end of the owner's on-call shift in progress at the anchor, at most cap after it (the
 * cap without such a shift). */
static int64_t shift_due(const struct case_facts *f, const char *owner, int64_t anchor, int64_t cap)
{
	int64_t due = add_sat(anchor, cap);

	for (size_t i = 0; owner && i < f->nshifts; i++) {
		const struct protocol_shift *sh = &f->shifts[i];
		if (sh->kind && !strcmp(sh->kind, owner) && sh->start <= anchor &&
		    anchor < sh->end && sh->end < due)
			due = sh->end;
	}
	return due;
}

/* Instance ep (0 for a case-level step, else 1..) of step si. */
static void eval_instance(struct eval *ev, size_t si, size_t ep)
{
	const struct pstep *s = &ev->p->steps[si];
	const struct case_facts *f = ev->f;
	struct inst *in = &ev->inst[ev->base[si] + (ep ? ep - 1 : 0)];
	struct step_status *st = &in->st;
	const struct step_event *e;
	int64_t anchor = 0;
	bool clock = false;

	st->key = s->key;
	st->title = s->title;
	st->episode = (int)ep;
	st->state = STEP_NOT_APPLICABLE;
	in->exists = true;
	if (s->needs_end && !anchor_at(f, s->root, ep)) {
		in->exists = false; /* the youth has not returned (or been found) yet */
		return;
	}
	if (!step_applies(s, ev, ep))
		return;
	if (s->anchor == ANCHOR_STEP) {
		const struct inst *d = &ev->inst[ev->base[s->dep] + (ep ? ep - 1 : 0)];
		/* nothing to follow up when the step waited for will not happen */
		if (!d->exists || d->st.state == STEP_NOT_APPLICABLE || d->st.state == STEP_WAIVED)
			return;
		if (d->st.state == STEP_DONE) {
			anchor = d->st.done_at;
			clock = true;
		}
	} else {
		anchor = anchor_at(f, s->anchor, s->kind == KIND_CASE ? 0 : ep);
		if (!anchor)
			return;
		clock = true;
	}
	st->state = STEP_PENDING;
	for (const struct powner *o = s->owners; o; o = o->next) {
		if (!o->cond.set || cond_holds(&o->cond, ev, s->kind, ep)) {
			st->owner = o->kind;
			break;
		}
	}
	for (const struct powner *o = s->co_owners; o; o = o->next) {
		if ((!o->cond.set || cond_holds(&o->cond, ev, s->kind, ep)) &&
		    strcmp(o->kind, st->owner)) {
			st->also_owner = o->kind;
			break;
		}
	}
	if (clock) {
		st->opened_at = anchor; /* (a later occurrence: see below) */
		if (s->shift_end)
			st->due_at = shift_due(f, st->owner, anchor, s->offset.secs);
		else
			st->due_at = first_due(s, f, anchor);
		if (s->every.secs && ep > 1) { /* occurrence ep opens when the one before is due */
			st->opened_at = add_sat(st->due_at, (int64_t)(ep - 2) * s->every.secs);
			st->due_at = add_sat(st->opened_at, s->every.secs);
		}
	}
	if (s->has_not_before) {
		int64_t nb =
			anchor_at(f, s->nb_anchor, own_kind(s->nb_anchor) == KIND_CASE ? 0 : ep);
		if (nb)
			st->not_before = add_sat(nb, s->nb_sign < 0 ? -s->nb_offset.secs
								    : s->nb_offset.secs);
	}
	e = find_event(f, s->key, (int)ep, st->not_before);
	if (e) {
		st->state = e->waived ? STEP_WAIVED : STEP_DONE;
		st->done_at = e->at;
		st->settled_by = e->event_id;
	} else if (clock) {
		st->overdue = ev->now > st->due_at;
		st->time_left = sub_sat(st->due_at, ev->now);
	}
}

enum sh_code protocol_evaluate(const struct protocol *p, const struct case_facts *f, int64_t now,
			       struct step_status *out, size_t max, size_t *n)
{
	enum sh_code rc = SH_OK;
	struct eval ev = { p, f, now, NULL, NULL };
	size_t total = 0, k = 0;

	if (n)
		*n = 0;
	if (!p || !f || !n || (max && !out) || (f->nmissing && !f->missing) ||
	    (f->nhearings && !f->hearings) || (f->nevents && !f->events) ||
	    (f->nearlier_missing && !f->earlier_missing) || (f->nshifts && !f->shifts) ||
	    f->nmissing > INT_MAX || f->nhearings > INT_MAX) {
		rc = SH_EINVAL;
		goto out;
	}
	ev.base = calloc(p->nsteps ? p->nsteps : 1, sizeof(*ev.base));
	if (!ev.base) {
		rc = SH_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < p->nsteps; i++) {
		size_t c = instances(&p->steps[i], f, now);
		if (c > SIZE_MAX / sizeof(struct inst) - total - 1) {
			rc = SH_ETOOBIG;
			goto out;
		}
		ev.base[i] = total;
		total += c;
	}
	ev.inst = calloc(total ? total : 1, sizeof(*ev.inst));
	if (!ev.inst) {
		rc = SH_ENOMEM;
		goto out;
	}
	/* in dependency order, so a step's anchor step is settled before it */
	for (size_t i = 0; i < p->nsteps; i++) {
		size_t si = p->order[i];
		const struct pstep *s = &p->steps[si];
		if (s->kind == KIND_CASE && !s->every.secs)
			eval_instance(&ev, si, 0);
		else
			for (size_t ep = 1; ep <= instances(s, f, now); ep++)
				eval_instance(&ev, si, ep);
	}
	/* in file order, instances in episode order */
	for (size_t i = 0; i < total; i++) {
		if (!ev.inst[i].exists)
			continue;
		if (k < max)
			out[k] = ev.inst[i].st;
		k++;
	}
	*n = k;
	if (k > max)
		rc = SH_ETOOBIG;
out:
	free(ev.inst);
	free(ev.base);
	return rc;
}

/* The county's day of t and the end of day d (no zone: UTC). */
static struct sh_date local_date(const struct tz *z, int64_t t)
{
	return z ? tz_date(z, t) : timefmt_time_to_date(t);
}

static int64_t local_day_end(const struct tz *z, struct sh_date d)
{
	return z ? tz_day_end(z, d) : timefmt_date_to_time(d) + 86399;
}

bool protocol_witness_due(const struct protocol_witness_item *w,
			  const struct protocol_witness_facts *f, int64_t *due)
{
	const int days[] = { w->days, f->advocate_days, f->notice_days, f->review_days };
	int n = w->sign * days[w->days_from];
	int64_t t = w->anchor == PW_LISTED ? f->listed_at : f->hearing_at;

	if (w->anchor == PW_LAST_MOTION_DAY) {
		if (!f->has_last_motion_day)
			return false;
		*due = local_day_end(f->tz, timefmt_date_add(f->last_motion_day, n));
		return true;
	}
	if (w->end_of_day)
		*due = local_day_end(f->tz, timefmt_date_add(local_date(f->tz, t), n));
	else
		*due = t + (int64_t)n * 86400;
	/* a hearing set (or a witness listed) later than that: by the end of that day, and in
	 * any case before the hearing */
	if (w->or_known && *due < f->hearing_known_at && f->hearing_known_at < f->hearing_at) {
		*due = local_day_end(f->tz, local_date(f->tz, f->hearing_known_at));
		if (*due > f->hearing_at)
			*due = f->hearing_at;
	}
	return true;
}
