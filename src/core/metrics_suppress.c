/*
 * Small-count and complementary suppression (metrics.h, docs/report.md).
 *
 * What a reader of a public table knows: a shown cell's value; a small cell is 1..max
 * ("1-10"); a complementary cell is above max (small ones are labelled "1-10", and
 * complements are only ever taken from shown non-zero cells, so they are above max);
 * a hidden cell is anything from 0 up. And every line: its members add up to its
 * total. Interval reasoning over the lines, repeated until nothing tightens, is what
 * a reader with a spreadsheet can do; a small cell whose interval closes to one value
 * has been disclosed, so another cell of that line is suppressed and the audit runs
 * again. Each round adds at least one complement, so it ends.
 */
#include "lib/common.h"
#include "core/metrics.h"

#define INF (INT64_MAX / 8)
#define MAX_ROUNDS 100

struct bound {
	int64_t lo, hi;
};

/* lines each cell takes part in (members or total), as offsets into one array */
struct incidence {
	size_t *start; /* ncells + 1 */
	uint32_t *line;
};

static bool suppressed(const struct metrics_cell *c)
{
	return c->state != MC_SHOWN;
}

/* a cell whose value must not be worked out: small, or hidden and 1..max */
static bool sensitive(const struct metrics_cell *c, int max)
{
	return c->state == MC_SMALL || (c->state == MC_HIDDEN && c->value >= 1 && c->value <= max);
}

/* a suppressed cell that must not stand alone in a line */
static bool matters(const struct metrics_cell *c, int max)
{
	return c->state == MC_SMALL || c->state == MC_COMPLEMENT || sensitive(c, max);
}

static struct bound initial(const struct metrics_cell *c, int max)
{
	switch (c->state) {
	case MC_SHOWN: return (struct bound){ c->value, c->value };
	case MC_SMALL: return (struct bound){ 1, max };
	case MC_COMPLEMENT: return (struct bound){ (int64_t)max + 1, INF };
	default: return (struct bound){ 0, INF };
	}
}

static int64_t add_sat(int64_t a, int64_t b)
{
	return a >= INF || b >= INF || a + b >= INF ? INF : a + b;
}

/* Tightens the bounds of one line's members and total; true when something changed. */
static bool tighten(struct bound *b, const struct metrics_line *l)
{
	int64_t lo = 0, hi_fin = 0;
	size_t ninf = 0;
	bool changed = false;
	struct bound *t = &b[l->total];

	for (uint32_t i = 0; i < l->n; i++) {
		const struct bound *x = &b[l->members[i]];
		lo = add_sat(lo, x->lo);
		if (x->hi >= INF)
			ninf++;
		else
			hi_fin = add_sat(hi_fin, x->hi);
	}
	if (lo > t->lo) {
		t->lo = lo;
		changed = true;
	}
	if (!ninf && hi_fin < t->hi) {
		t->hi = hi_fin;
		changed = true;
	}
	for (uint32_t i = 0; i < l->n; i++) {
		struct bound *x = &b[l->members[i]];
		int64_t others_lo = lo - x->lo;
		size_t others_inf = ninf - (x->hi >= INF);
		int64_t others_hi = others_inf ? INF : hi_fin - (x->hi >= INF ? 0 : x->hi);

		if (others_hi < INF && t->lo - others_hi > x->lo) {
			x->lo = t->lo - others_hi;
			changed = true;
		}
		if (t->hi < INF && t->hi - others_lo < x->hi) {
			x->hi = t->hi - others_lo;
			changed = true;
		}
	}
	return changed;
}

/* Bounds a reader can reach by interval reasoning (sound; may stop before the fixpoint). */
static void propagate(const struct metrics_cell *cells, size_t ncells,
		      const struct metrics_line *lines, size_t nlines, int max, struct bound *b)
{
	bool changed = true;

	for (size_t i = 0; i < ncells; i++)
		b[i] = initial(&cells[i], max);
	for (int round = 0; changed && round < MAX_ROUNDS; round++) {
		changed = false;
		for (size_t k = 0; k < nlines; k++)
			changed |= tighten(b, &lines[k]);
	}
}

static bool pinned(const struct bound *b)
{
	return b->lo == b->hi;
}

/* The smallest shown non-zero cell of a line (members before the total); SIZE_MAX if none. */
static size_t smallest_shown(const struct metrics_cell *cells, const struct metrics_line *l)
{
	size_t best = SIZE_MAX;

	for (uint32_t i = 0; i <= l->n; i++) {
		uint32_t x = i < l->n ? l->members[i] : l->total;
		if (cells[x].state == MC_SHOWN && cells[x].value > 0 &&
		    (best == SIZE_MAX || cells[x].value < cells[best].value))
			best = x;
	}
	return best;
}

/* Rule 1: the one suppressed member of a line that matters; SIZE_MAX when none. */
static size_t lonely(const struct metrics_cell *cells, const struct metrics_line *l, int max)
{
	size_t count = 0, which = SIZE_MAX;

	for (uint32_t i = 0; i <= l->n; i++) {
		uint32_t x = i < l->n ? l->members[i] : l->total;
		if (suppressed(&cells[x])) {
			count++;
			which = x;
		}
	}
	return count == 1 && matters(&cells[which], max) ? which : SIZE_MAX;
}

static enum sh_code incidence_build(size_t ncells, const struct metrics_line *lines, size_t nlines,
				    struct incidence *inc)
{
	size_t total = 0, *fill;

	inc->start = calloc(ncells + 1, sizeof(*inc->start));
	if (!inc->start)
		return SH_ENOMEM;
	for (size_t k = 0; k < nlines; k++) {
		for (uint32_t i = 0; i < lines[k].n; i++)
			inc->start[lines[k].members[i] + 1]++;
		inc->start[lines[k].total + 1]++;
		total += lines[k].n + 1;
	}
	for (size_t i = 0; i < ncells; i++)
		inc->start[i + 1] += inc->start[i];
	inc->line = malloc((total + 1) * sizeof(*inc->line));
	fill = calloc(ncells + 1, sizeof(*fill));
	if (!inc->line || !fill) {
		free(fill);
		return SH_ENOMEM;
	}
	for (size_t k = 0; k < nlines; k++) {
		for (uint32_t i = 0; i < lines[k].n; i++) {
			uint32_t x = lines[k].members[i];
			inc->line[inc->start[x] + fill[x]++] = (uint32_t)k;
		}
		inc->line[inc->start[lines[k].total] + fill[lines[k].total]++] = (uint32_t)k;
	}
	free(fill);
	return SH_OK;
}

static void incidence_release(struct incidence *inc)
{
	free(inc->start);
	free(inc->line);
}

/* A complement for a pinned cell: the smallest shown cell of its lines, else of the lines
 * of its suppressed line-mates. true when one was added. */
static bool protect(struct metrics_cell *cells, const struct metrics_line *lines,
		    const struct incidence *inc, size_t cell)
{
	size_t best = SIZE_MAX;

	for (size_t j = inc->start[cell]; j < inc->start[cell + 1]; j++) {
		size_t x = smallest_shown(cells, &lines[inc->line[j]]);
		if (x != SIZE_MAX && (best == SIZE_MAX || cells[x].value < cells[best].value))
			best = x;
	}
	for (size_t j = inc->start[cell]; best == SIZE_MAX && j < inc->start[cell + 1]; j++) {
		const struct metrics_line *l = &lines[inc->line[j]];
		for (uint32_t i = 0; i <= l->n; i++) {
			uint32_t mate = i < l->n ? l->members[i] : l->total;
			if (mate == cell || !suppressed(&cells[mate]))
				continue;
			for (size_t q = inc->start[mate]; q < inc->start[mate + 1]; q++) {
				size_t x = smallest_shown(cells, &lines[inc->line[q]]);
				if (x != SIZE_MAX &&
				    (best == SIZE_MAX || cells[x].value < cells[best].value))
					best = x;
			}
		}
	}
	if (best == SIZE_MAX)
		return false;
	cells[best].state = MC_COMPLEMENT;
	return true;
}

enum sh_code metrics_suppress(struct metrics_cell *cells, size_t ncells,
			      const struct metrics_line *lines, size_t nlines, int max)
{
	struct incidence inc = { NULL, NULL };
	struct bound *b = NULL;
	enum sh_code rc = SH_OK;

	for (size_t i = 0; i < ncells; i++)
		if (cells[i].state == MC_SHOWN && cells[i].value >= 1 && cells[i].value <= max)
			cells[i].state = MC_SMALL;
	if ((rc = incidence_build(ncells, lines, nlines, &inc)))
		goto out;
	if (!(b = malloc((ncells + 1) * sizeof(*b)))) {
		rc = SH_ENOMEM;
		goto out;
	}
	for (;;) {
		bool added = true, fixed = false;

		/* rule 1, until no line has a lone suppressed cell */
		while (added) {
			added = false;
			for (size_t k = 0; k < nlines; k++) {
				size_t x = lonely(cells, &lines[k], max);
				size_t y =
					x == SIZE_MAX ? SIZE_MAX : smallest_shown(cells, &lines[k]);
				if (y != SIZE_MAX) {
					cells[y].state = MC_COMPLEMENT;
					added = true;
				}
			}
		}
		/* rule 2: the audit */
		propagate(cells, ncells, lines, nlines, max, b);
		for (size_t i = 0; i < ncells; i++)
			if (sensitive(&cells[i], max) && pinned(&b[i]) &&
			    protect(cells, lines, &inc, i))
				fixed = true;
		if (!fixed)
			break;
	}
out:
	free(b);
	incidence_release(&inc);
	return rc;
}

bool metrics_suppress_check(const struct metrics_cell *cells, size_t ncells,
			    const struct metrics_line *lines, size_t nlines, int max, size_t *bad)
{
	struct bound *b = malloc((ncells + 1) * sizeof(*b));
	bool ok = true;

	*bad = SIZE_MAX;
	for (size_t k = 0; ok && k < nlines; k++) {
		size_t x = lonely(cells, &lines[k], max);
		if (x != SIZE_MAX) {
			*bad = x;
			ok = false;
		}
	}
	for (size_t i = 0; ok && i < ncells; i++)
		if (cells[i].state == MC_SHOWN && cells[i].value >= 1 && cells[i].value <= max) {
			*bad = i;
			ok = false;
		}
	if (ok && !b)
		return false;
	if (ok) {
		propagate(cells, ncells, lines, nlines, max, b);
		for (size_t i = 0; ok && i < ncells; i++)
			if (sensitive(&cells[i], max) && pinned(&b[i])) {
				*bad = i;
				ok = false;
			}
	}
	free(b);
	return ok;
}
