/*
 * Protocol definitions: the text format (docs/protocol-format.md) into the
 * immutable struct protocol, plus the read-only accessors and `protocol show`.
 *
 * The parser reads line by line, collects every problem it finds (up to
 * PARSE_MAX_ERRORS) instead of stopping at the first, then checks what needs the
 * whole file: missing fields, references between steps, cycles, and windows that
 * compare anchors a step does not have. Errors come out sorted by line.
 */
#include "lib/common.h"
#include "core/protocol_internal.h"
#include "lib/timefmt.h"

#define PARSE_MAX_ERRORS 100
#define PARSE_MAX_STEPS 256
#define PARSE_MAX_LINE 4096
#define PARSE_MAX_TOKENS 64
#define PARSE_MAX_TEXT 300 /* a title, a source line, a header value */
#define PARSE_MAX_KEY 64
#define PARSE_MAX_DAYS 3650 /* longest duration: about ten years */
#define PARSE_MAX_AGE 150

static const char *const anchor_names[ANCHOR_COUNT] = {
	"identified",	   "last_assault",	"missing_start", "missing_end", "hearing",
	"missing_learned", "assault_disclosed", "found",	 "in_custody",	"step",
};

static const char *const dir_names[] = { "before", "after", "of", "before", "after" };

#define ANCHOR_HINT                                                                     \
	"identified, last_assault, assault_disclosed, missing_start, missing_learned, " \
	"missing_end, found, in_custody or hearing"
#define MISSING_HINT "missing_start, missing_learned, missing_end or found"
#define STATUS_HINT "dependent, probation, both, none or unknown"

struct perror_line {
	int line;
	char msg[240];
};

struct parser {
	struct protocol *p;
	const char *file;
	int line;
	struct pstep *cur;		       /* the step being read; NULL while in the header */
	struct protocol_witness_item *witem;   /* the witness item being read, or NULL */
	struct protocol_witness_item wscratch; /* takes the lines of an item over the limit */
	int wtitle_line, wowner_line, wco_owner_line, wdue_line, wwhen_line, wdone_line;
	struct pstep scratch; /* takes the lines of a step over the limit */
	bool too_many;
	size_t cap; /* steps allocated */
	int name_line, version_line, effective_line;
	bool oom;
	size_t nerr;
	bool overflow;
	struct perror_line errs[PARSE_MAX_ERRORS];
	char text[PARSE_MAX_LINE + 1];	       /* the current line, without its comment */
	char tokstore[2 * PARSE_MAX_LINE + 2]; /* its words, each NUL-terminated */
	const char *tok[PARSE_MAX_TOKENS];
	size_t ntok;
	unsigned char color[PARSE_MAX_STEPS]; /* cycle search: 0 new, 1 on the path, 2 done */
	size_t path[PARSE_MAX_STEPS];
};

static void perr(struct parser *ps, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void perr(struct parser *ps, int line, const char *fmt, ...)
{
	va_list ap;

	if (ps->nerr == PARSE_MAX_ERRORS) {
		ps->overflow = true;
		return;
	}
	ps->errs[ps->nerr].line = line;
	va_start(ap, fmt);
	vsnprintf(ps->errs[ps->nerr].msg, sizeof(ps->errs[0].msg), fmt, ap);
	va_end(ap);
	ps->nerr++;
}

/* Copies into the protocol's arena; on failure records it and returns "". */
static const char *pstrdup(struct parser *ps, const char *s)
{
	char *d = arena_strdup(&ps->p->arena, s);

	if (!d) {
		ps->oom = true;
		return "";
	}
	return d;
}

int protocol_kind_index(const char *s)
{
	return access_kind_parse(s);
}

/* An agency kind as the file may write it: the access table's, or one it declared. */
static int kind_lookup(const struct parser *ps, const char *s, const char **label)
{
	if (label)
		*label = NULL;
	for (size_t i = 0; i < ps->p->nkinds; i++) {
		if (!strcmp(ps->p->kinds[i].name, s)) {
			if (label)
				*label = ps->p->kinds[i].name;
			return ps->p->kinds[i].kind;
		}
	}
	return protocol_kind_index(s);
}

/* A named anchor (not "step"); -1 when unknown. */
static int anchor_lookup(const char *s)
{
	return names_index(anchor_names, ANCHOR_STEP, s);
}

static bool valid_key(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > PARSE_MAX_KEY || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

static bool valid_word(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == '_'))
			return false;
	}
	return true;
}

/* UTF-8 text without control characters other than tab. */
static bool valid_text(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t len;
		unsigned cp;

		if (c < 0x80) {
			if ((c < 0x20 && c != '\t') || c == 0x7f)
				return false;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (n - i < len)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
			return false;
		i += len;
	}
	return true;
}

/*
 * Splits ps->text after the directive into words: separated by spaces, tabs and
 * commas, with '+' and '-' words of their own ("identified+90m" reads as three).
 */
static bool tokenize(struct parser *ps, const char *s)
{
	char *o = ps->tokstore;

	ps->ntok = 0;
	while (*s) {
		if (*s == ' ' || *s == '\t' || *s == ',') {
			s++;
			continue;
		}
		if (ps->ntok == PARSE_MAX_TOKENS) {
			perr(ps, ps->line, "too many words on one line (at most %d)",
			     PARSE_MAX_TOKENS);
			return false;
		}
		ps->tok[ps->ntok++] = o;
		if (*s == '+' || *s == '-') {
			*o++ = *s++;
		} else {
			while (*s && *s != ' ' && *s != '\t' && *s != ',' && *s != '+' && *s != '-')
				*o++ = *s++;
		}
		*o++ = '\0';
	}
	return true;
}

/* "30m", "36h", "3d", and in a due rule "2bd" (business days): a whole number and a unit. */
static bool parse_duration(struct parser *ps, const char *s, struct pduration *d, bool bd_ok)
{
	size_t n = strlen(s), digits = 0;
	long amount = 0, max;
	int64_t unit;
	bool bd;

	while (digits < n && s[digits] >= '0' && s[digits] <= '9')
		digits++;
	bd = digits + 2 == n && !strcmp(s + digits, "bd");
	if (digits == 0 || digits > 9 ||
	    (!bd &&
	     (digits + 1 != n || (s[digits] != 'm' && s[digits] != 'h' && s[digits] != 'd')))) {
		perr(ps, ps->line,
		     "malformed duration '%.40s' (write a whole number and a unit: 30m, 36h, 3d%s)",
		     s, bd_ok ? " or 2bd (business days)" : "");
		return false;
	}
	if (bd && !bd_ok) {
		perr(ps, ps->line,
		     "business days ('%.40s') count only in a 'due' line; write 30m, 36h or 3d here",
		     s);
		return false;
	}
	for (size_t i = 0; i < digits; i++)
		amount = amount * 10 + (s[i] - '0');
	switch (bd ? 'b' : s[digits]) {
	case 'm':
		unit = 60;
		max = PARSE_MAX_DAYS * 1440L;
		break;
	case 'h':
		unit = 3600;
		max = PARSE_MAX_DAYS * 24L;
		break;
	case 'b':
		unit = 0; /* on the county's calendar, not elapsed time */
		max = PARSE_MAX_DAYS;
		break;
	default:
		unit = 86400;
		max = PARSE_MAX_DAYS;
		break;
	}
	if (amount > max) {
		perr(ps, ps->line, "duration '%.40s' is too long (at most %d days)", s,
		     PARSE_MAX_DAYS);
		return false;
	}
	d->amount = amount;
	d->unit = bd ? 'b' : s[digits];
	d->secs = amount * unit;
	return true;
}

/* "19:00": minutes after midnight, or -1 */
static int parse_time_of_day(const char *s)
{
	int h, m;

	if (strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	return h < 24 && m < 60 ? h * 60 + m : -1;
}

static void cond_init(struct pcond *c)
{
	memset(c, 0, sizeof(*c));
	c->status = PCOND_ALL_STATUS;
	c->by = PCOND_ALL_KINDS;
	c->age_min = 0;
	c->age_max = INT_MAX;
}

/* Could both conditions hold for the same case? */
static bool cond_compatible(const struct pcond *a, const struct pcond *b)
{
	int lo = a->age_min > b->age_min ? a->age_min : b->age_min;
	int hi = a->age_max < b->age_max ? a->age_max : b->age_max;

	return (a->status & b->status) && (a->by & b->by) && lo <= hi;
}

static bool parse_age(const char *s, int *out)
{
	size_t n = strlen(s);
	int v = 0;

	if (n == 0 || n > 3)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	if (v > PARSE_MAX_AGE)
		return false;
	*out = v;
	return true;
}

/* "status in a, b" or "identified_by in a, b": the items as a bit set. */
static bool parse_set(struct parser *ps, const char *const *t, size_t n, const char *what,
		      unsigned *out)
{
	unsigned m = 0;
	bool ok = true;

	if (n < 2 || strcmp(t[1], "in")) {
		perr(ps, ps->line, "write '%s in ITEM, ITEM, ...'", what);
		return false;
	}
	if (n == 2) {
		perr(ps, ps->line, "empty %s set: the condition can never hold", what);
		return false;
	}
	for (size_t i = 2; i < n; i++) {
		int k;
		if (!strcmp(what, "status")) {
			k = protocol_status_parse(t[i]);
			if (k < 0) {
				perr(ps, ps->line,
				     "unknown youth status '%.40s' (expected " STATUS_HINT ")",
				     t[i]);
				ok = false;
				continue;
			}
		} else {
			k = kind_lookup(ps, t[i], NULL);
			if (k < 0) {
				perr(ps, ps->line,
				     "unknown agency kind '%.40s' (expected " ACCESS_KIND_HINT
				     ", or a kind the file declares)",
				     t[i]);
				ok = false;
				continue;
			}
		}
		m |= 1u << k;
	}
	*out = m;
	return ok;
}

/* "A within D before|after|of B" or "A more than D before|after B" */
static bool parse_window(struct parser *ps, const char *const *t, size_t n, struct pcond *c)
{
	struct pwindow *w;
	bool more = n >= 2 && !strcmp(t[1], "more");
	int a = anchor_lookup(t[0]), b, dir;
	struct pduration d;

	if (more ? n != 6 || strcmp(t[2], "than") : n != 5) {
		perr(ps, ps->line,
		     "write a window as 'ANCHOR within DURATION before|after|of ANCHOR' or 'ANCHOR "
		     "more than DURATION before|after ANCHOR', e.g. 'last_assault within 96h "
		     "before identified'");
		return false;
	}
	if (more)
		t += 1; /* "more than D dir B" reads like "within D dir B" from here */
	if (!parse_duration(ps, t[2], &d, false))
		return false;
	dir = names_index(dir_names, more ? 2 : 3, t[3]);
	if (dir < 0) {
		perr(ps, ps->line, "expected %s in a window, not '%.40s'",
		     more ? "'before' or 'after'" : "'before', 'after' or 'of'", t[3]);
		return false;
	}
	if (more)
		dir += WIN_MORE_BEFORE;
	b = anchor_lookup(t[4]);
	if (b < 0) {
		perr(ps, ps->line, "unknown anchor '%.40s' (a window compares " ANCHOR_HINT ")",
		     t[4]);
		return false;
	}
	if (a == b) {
		perr(ps, ps->line, "the window compares '%s' with itself", anchor_names[a]);
		return false;
	}
	w = arena_alloc(&ps->p->arena, sizeof(*w));
	if (!w) {
		ps->oom = true;
		return false;
	}
	w->a = (enum anchor)a;
	w->b = (enum anchor)b;
	w->d = d;
	w->dir = (enum window_dir)dir;
	w->line = ps->line;
	w->next = c->windows;
	c->windows = w;
	c->has |= 1u << a | 1u << b;
	c->set = true;
	return true;
}

/* "missing_count more than N within D before ANCHOR", "missing_count at most N within ..." */
static bool parse_count(struct parser *ps, const char *const *t, size_t n, struct pcond *c)
{
	struct pcount *pc;
	struct pduration d;
	int b, count;

	if (n != 8 ||
	    !((!strcmp(t[1], "more") && !strcmp(t[2], "than")) ||
	      (!strcmp(t[1], "at") && !strcmp(t[2], "most"))) ||
	    strcmp(t[4], "within") || strcmp(t[6], "before") || !parse_age(t[3], &count)) {
		perr(ps, ps->line,
		     "write 'missing_count more than N within DURATION before ANCHOR' (or 'at most "
		     "N', N a whole number up to %d), e.g. 'missing_count more than 4 within 365d "
		     "before missing_start'",
		     PARSE_MAX_AGE);
		return false;
	}
	if (!parse_duration(ps, t[5], &d, false))
		return false;
	b = anchor_lookup(t[7]);
	if (b < 0) {
		perr(ps, ps->line,
		     "unknown anchor '%.40s' (a count looks back from " ANCHOR_HINT ")", t[7]);
		return false;
	}
	pc = arena_alloc(&ps->p->arena, sizeof(*pc));
	if (!pc) {
		ps->oom = true;
		return false;
	}
	pc->n = count;
	pc->more = t[1][0] == 'm';
	pc->d = d;
	pc->b = (enum anchor)b;
	pc->line = ps->line;
	pc->next = c->counts;
	c->counts = pc;
	c->set = true;
	return true;
}

/* "step KEY in STATE, STATE": the other step's state is one of those (its outcome) */
static bool parse_stepref(struct parser *ps, const char *const *t, size_t n, struct pcond *c)
{
	struct pstepref *r;
	unsigned states = 0;

	if (n < 4 || strcmp(t[2], "in") || !valid_key(t[1])) {
		perr(ps, ps->line,
		     "write 'step KEY in STATE, STATE' (pending, done, waived, not_applicable), e.g. "
		     "'step risk_screening in done'");
		return false;
	}
	for (size_t i = 3; i < n; i++) {
		int k = -1;
		for (int st = STEP_PENDING; st <= STEP_NOT_APPLICABLE; st++)
			if (!strcmp(t[i], protocol_state_name((enum step_state)st)))
				k = st;
		if (k < 0) {
			perr(ps, ps->line,
			     "unknown step state '%.40s' (expected pending, done, waived or "
			     "not_applicable)",
			     t[i]);
			return false;
		}
		states |= 1u << k;
	}
	r = arena_alloc(&ps->p->arena, sizeof(*r));
	if (!r) {
		ps->oom = true;
		return false;
	}
	r->key = pstrdup(ps, t[1]);
	r->idx = SIZE_MAX;
	r->states = states;
	r->line = ps->line;
	r->next = c->steps;
	c->steps = r;
	c->set = true;
	return true;
}

/* "screening in LEVEL, LEVEL": the level of the latest screening is one of those */
static bool parse_screening(struct parser *ps, const char *const *t, size_t n, struct pcond *c)
{
	if (n < 2 || strcmp(t[1], "in")) {
		perr(ps, ps->line, "write 'screening in LEVEL, LEVEL', e.g. 'screening in high'");
		return false;
	}
	if (n == 2) {
		perr(ps, ps->line, "empty screening set: the condition can never hold");
		return false;
	}
	if (c->screening) {
		perr(ps, ps->line,
		     "a second 'screening in' condition: list every level in one, e.g. 'screening "
		     "in high, moderate'");
		return false;
	}
	c->screening = arena_alloc(&ps->p->arena, (n - 2) * sizeof(*c->screening));
	if (!c->screening) {
		ps->oom = true;
		return false;
	}
	for (size_t i = 2; i < n; i++) {
		if (!valid_word(t[i], 40)) {
			perr(ps, ps->line,
			     "a screening level is one word of letters, digits, '.', '-' or '_' (at "
			     "most 40), not '%.40s'",
			     t[i]);
			c->screening = NULL;
			return false;
		}
		c->screening[i - 2] = pstrdup(ps, t[i]);
	}
	c->nscreening = n - 2;
	c->set = true;
	return true;
}

/* One clause of a condition, merged into c (all clauses must hold). */
static bool parse_clause(struct parser *ps, const char *const *t, size_t n, struct pcond *c)
{
	unsigned m;
	int a, lo, hi;

	if (!strcmp(t[0], "status") || !strcmp(t[0], "identified_by")) {
		bool status = t[0][0] == 's';
		unsigned *field = status ? &c->status : &c->by;

		if (!parse_set(ps, t, n, t[0], &m))
			return false;
		if (!(*field & m)) {
			perr(ps, ps->line,
			     "the condition can never hold: '%s in' contradicts an earlier %s condition",
			     t[0], t[0]);
			return false;
		}
		*field &= m;
		c->set = true;
		return true;
	}
	if (!strcmp(t[0], "age")) {
		if (n != 4 || strcmp(t[2], "to") || !parse_age(t[1], &lo) ||
		    !parse_age(t[3], &hi)) {
			perr(ps, ps->line,
			     "write an age range as 'age 11 to 17' (whole years, 0 to %d)",
			     PARSE_MAX_AGE);
			return false;
		}
		if (lo > hi) {
			perr(ps, ps->line,
			     "the age range can never hold: %d to %d (minimum above maximum)", lo,
			     hi);
			return false;
		}
		if (lo < c->age_min)
			lo = c->age_min;
		if (hi > c->age_max)
			hi = c->age_max;
		if (lo > hi) {
			perr(ps, ps->line,
			     "the condition can never hold: 'age %s to %s' contradicts an earlier age "
			     "condition",
			     t[1], t[3]);
			return false;
		}
		c->age_min = lo;
		c->age_max = hi;
		c->age_set = true;
		c->set = true;
		return true;
	}
	if (!strcmp(t[0], "has")) {
		if (n != 2) {
			perr(ps, ps->line, "write 'has ANCHOR', e.g. 'has last_assault'");
			return false;
		}
		a = anchor_lookup(t[1]);
		if (a < 0) {
			perr(ps, ps->line, "unknown anchor '%.40s' (expected " ANCHOR_HINT ")",
			     t[1]);
			return false;
		}
		c->has |= 1u << a;
		c->set = true;
		return true;
	}
	if (!strcmp(t[0], "missing_count"))
		return parse_count(ps, t, n, c);
	if (!strcmp(t[0], "screening"))
		return parse_screening(ps, t, n, c);
	if (!strcmp(t[0], "step"))
		return parse_stepref(ps, t, n, c);
	if (anchor_lookup(t[0]) >= 0 && n >= 2 &&
	    (!strcmp(t[1], "within") || !strcmp(t[1], "more")))
		return parse_window(ps, t, n, c);
	perr(ps, ps->line,
	     "unknown condition '%.40s' (expected 'status in', 'identified_by in', 'age', 'has', "
	     "'screening in', 'missing_count', 'step KEY in', 'ANCHOR within DURATION "
	     "before|after|of ANCHOR' or "
	     "'ANCHOR more than DURATION before|after ANCHOR')",
	     t[0]);
	return false;
}

/* Clauses joined by "and". */
static bool parse_cond(struct parser *ps, const char *const *t, size_t n, struct pcond *c)
{
	size_t i = 0, j;
	bool ok = true;

	if (n == 0) {
		perr(ps, ps->line, "a condition is missing after 'when'");
		return false;
	}
	while (i <= n) {
		j = i;
		while (j < n && strcmp(t[j], "and"))
			j++;
		if (j == i) {
			perr(ps, ps->line, "an empty condition next to 'and'");
			ok = false;
		} else if (!parse_clause(ps, t + i, j - i, c)) {
			ok = false;
		}
		i = j + 1;
	}
	return ok;
}

static struct pstep *find_step(const struct protocol *p, const char *key, size_t *index)
{
	for (size_t i = 0; i < p->nsteps; i++) {
		if (!strcmp(p->steps[i].key, key)) {
			if (index)
				*index = i;
			return &p->steps[i];
		}
	}
	return NULL;
}

static const struct protocol_witness_item *find_witness(const struct protocol *p, const char *key)
{
	for (size_t i = 0; i < p->nwitness; i++)
		if (!strcmp(p->witness[i].key, key))
			return &p->witness[i];
	return NULL;
}

/* The line a step or witness item with this key starts on, or 0. */
static int key_line(const struct protocol *p, const char *key)
{
	const struct pstep *s = find_step(p, key, NULL);
	const struct protocol_witness_item *w = s ? NULL : find_witness(p, key);

	return s ? s->line : w ? w->line : 0;
}

/* Every step and witness item has a title, an owner and a deadline (has[]: in that order). */
static void required_lines(struct parser *ps, const char *what, const char *key, int line,
			   const bool has[3])
{
	static const char *const lines[] = { "title", "owner", "due" };

	for (size_t i = 0; i < ARRAY_SIZE(lines); i++)
		if (!has[i])
			perr(ps, line, "%s '%.64s' has no '%s' line", what, key, lines[i]);
}

static void finish_witness(struct parser *ps)
{
	struct protocol_witness_item *w = ps->witem;

	if (!w)
		return;
	ps->witem = NULL;
	if (w->line < 0) /* over the limit: said once */
		return;
	required_lines(ps, "witness item", w->key, w->line,
		       (bool[]){ ps->wtitle_line, ps->wowner_line, ps->wdue_line });
}

/* The checks that need the whole step: required lines and the owner rules. */
static void finish_step(struct parser *ps)
{
	struct pstep *s = ps->cur;
	struct powner *o;

	finish_witness(ps);
	if (!s)
		return;
	ps->cur = NULL;
	required_lines(ps, "step", s->key, s->line,
		       (bool[]){ s->title != NULL, s->owners != NULL, s->due_line != 0 });
	for (o = s->owners; o; o = o->next) {
		if (!o->cond.set && o->next) {
			perr(ps, o->next->line,
			     "this owner line never applies: the owner line on line %d has no "
			     "condition and always matches first",
			     o->line);
			break;
		}
		if (o->cond.set && !o->next)
			perr(ps, o->line,
			     "the last owner line must have no condition: it names the owner when no "
			     "earlier owner line matches");
		if (o->cond.set && !cond_compatible(&o->cond, &s->when))
			perr(ps, o->line,
			     "this owner line can never apply: its condition can never hold together "
			     "with the step's 'when' conditions");
	}
}

/* "timezone ZONE": an IANA name, checked against the zone database when the file is
 * loaded (protocol_calendar_load) */
static void d_timezone(struct parser *ps, const char *rest)
{
	size_t n =
		strspn(rest, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_-+.");

	if (ps->p->timezone_line) {
		perr(ps, ps->line, "duplicate 'timezone' line (first on line %d)",
		     ps->p->timezone_line);
		return;
	}
	ps->p->timezone_line = ps->line;
	if (!*rest || rest[n] || n > 64 || *rest == '/' || strstr(rest, "..")) {
		perr(ps, ps->line,
		     "the time zone must be one IANA name such as America/Chicago, not '%.40s'",
		     rest);
		return;
	}
	ps->p->timezone = pstrdup(ps, rest);
}

/* "holidays FILE": a holiday file, relative to the protocol file's folder */
static void d_holidays(struct parser *ps, const char *rest)
{
	if (ps->p->holidays_line) {
		perr(ps, ps->line, "duplicate 'holidays' line (first on line %d)",
		     ps->p->holidays_line);
		return;
	}
	ps->p->holidays_line = ps->line;
	if (!*rest || strlen(rest) > 1024) {
		perr(ps, ps->line,
		     "'holidays' needs the path of a holiday file (at most 1024 bytes)");
		return;
	}
	ps->p->holidays = pstrdup(ps, rest);
}

static void d_protocol(struct parser *ps, const char *rest)
{
	if (ps->name_line) {
		perr(ps, ps->line, "duplicate 'protocol' line (first on line %d)", ps->name_line);
		return;
	}
	ps->name_line = ps->line;
	if (!valid_word(rest, 64)) {
		perr(ps, ps->line,
		     "the protocol name must be one word of letters, digits, '.', '-' or '_' "
		     "(at most 64)");
		return;
	}
	ps->p->name = pstrdup(ps, rest);
}

static void d_version(struct parser *ps, const char *rest)
{
	if (ps->version_line) {
		perr(ps, ps->line, "duplicate 'version' line (first on line %d)", ps->version_line);
		return;
	}
	ps->version_line = ps->line;
	if (!valid_word(rest, 32)) {
		perr(ps, ps->line,
		     "the version must be one word of letters, digits, '.', '-' or '_' (at most 32), "
		     "e.g. 2015.1");
		return;
	}
	ps->p->version = pstrdup(ps, rest);
}

static void d_effective(struct parser *ps, const char *rest)
{
	struct sh_date d;

	if (ps->effective_line) {
		perr(ps, ps->line, "duplicate 'effective' line (first on line %d)",
		     ps->effective_line);
		return;
	}
	ps->effective_line = ps->line;
	if (timefmt_parse_date(rest, &d)) {
		perr(ps, ps->line,
		     "the effective date must be a real date written YYYY-MM-DD, not '%.40s'",
		     rest);
		return;
	}
	ps->p->effective = pstrdup(ps, rest);
}

/* Ends the step or witness item before, and reads the key of a new one ("step KEY",
 * "witness KEY": one namespace); false when the line could not be split into words. */
static bool new_key(struct parser *ps, const char *rest, const char *what, const char *example)
{
	finish_step(ps);
	if (!tokenize(ps, rest))
		return false;
	if (ps->ntok != 1 || !valid_key(ps->tok[0]))
		perr(ps, ps->line,
		     "a %s key is one word of lower-case letters, digits and '_' starting with a "
		     "letter (at most %d), e.g. '%s'",
		     what, PARSE_MAX_KEY, example);
	else if (key_line(ps->p, ps->tok[0]))
		perr(ps, ps->line, "duplicate step key '%s' (first on line %d)", ps->tok[0],
		     key_line(ps->p, ps->tok[0]));
	return true;
}

static void d_step(struct parser *ps, const char *rest)
{
	struct pstep *s;

	if (!new_key(ps, rest, "step", "step advocate_on_scene"))
		return;
	if (ps->p->nsteps == PARSE_MAX_STEPS) {
		if (!ps->too_many) /* say it once */
			perr(ps, ps->line, "too many steps (at most %d)", PARSE_MAX_STEPS);
		ps->too_many = true;
		s = &ps->scratch;
	} else {
		if (ps->p->nsteps == ps->cap) {
			size_t cap = ps->cap ? ps->cap * 2 : 16;
			struct pstep *a = arena_alloc(&ps->p->arena, cap * sizeof(*a));
			if (!a) {
				ps->oom = true;
				return;
			}
			if (ps->p->nsteps)
				memcpy(a, ps->p->steps, ps->p->nsteps * sizeof(*a));
			ps->p->steps = a;
			ps->cap = cap;
		}
		s = &ps->p->steps[ps->p->nsteps++];
	}
	memset(s, 0, sizeof(*s));
	s->key = pstrdup(ps, ps->ntok ? ps->tok[0] : "");
	s->line = ps->line;
	s->sign = 1;
	s->due_at_min = -1;
	cond_init(&s->when);
	ps->cur = s;
}

/* title TEXT, title_es TEXT (the title in Spanish, optional): once each per step */
static void set_title(struct parser *ps, const char **dst, const char *name, const char *rest)
{
	if (*dst) {
		if (ps->witem)
			perr(ps, ps->line, "duplicate '%s' in witness item '%.64s'", name,
			     ps->witem->key);
		else
			perr(ps, ps->line, "duplicate '%s' in step '%.64s'", name, ps->cur->key);
		return;
	}
	if (!*rest) {
		perr(ps, ps->line, "empty %s", name);
		*dst = "";
		return;
	}
	*dst = pstrdup(ps, rest);
}

static void d_title(struct parser *ps, const char *rest)
{
	if (ps->witem && !ps->wtitle_line)
		ps->wtitle_line = ps->line;
	set_title(ps, ps->witem ? &ps->witem->title : &ps->cur->title, "title", rest);
}

static void d_title_es(struct parser *ps, const char *rest)
{
	set_title(ps, ps->witem ? &ps->witem->title_es : &ps->cur->title_es, "title_es", rest);
}

static void d_source(struct parser *ps, const char *rest)
{
	const char **dst = ps->witem ? &ps->witem->source
			   : ps->cur ? &ps->cur->source
				     : &ps->p->source;
	char *joined;

	if (!*rest) {
		perr(ps, ps->line, "empty source line");
		return;
	}
	if (!*dst) {
		*dst = pstrdup(ps, rest);
		return;
	}
	joined = arena_printf(&ps->p->arena, "%s; %s", *dst, rest);
	if (!joined)
		ps->oom = true;
	else
		*dst = joined;
}

static size_t count_word(const struct parser *ps, const char *word)
{
	size_t k = 0;

	for (size_t i = 0; i < ps->ntok; i++)
		k += !strcmp(ps->tok[i], word);
	return k;
}

/* "owner KIND [when CONDITION]" or "co_owner KIND [when CONDITION]", appended to *list */
static void owner_line(struct parser *ps, const char *rest, const char *what, struct powner **list)
{
	struct powner *o, **tail;
	int k;

	if (!tokenize(ps, rest))
		return;
	if (ps->ntok == 0) {
		perr(ps, ps->line, "'%s' needs an agency kind, e.g. '%s advocacy'", what, what);
		return;
	}
	o = arena_alloc(&ps->p->arena, sizeof(*o));
	if (!o) {
		ps->oom = true;
		return;
	}
	o->line = ps->line;
	cond_init(&o->cond);
	k = kind_lookup(ps, ps->tok[0], &o->label);
	if (k < 0)
		perr(ps, ps->line,
		     "unknown agency kind '%.40s' (expected " ACCESS_KIND_HINT
		     ", or a kind the file declares)",
		     ps->tok[0]);
	o->kind = k < 0 ? pstrdup(ps, ps->tok[0]) : access_kind_name((enum agency_kind)k);
	if (count_word(ps, "or")) {
		perr(ps, ps->line,
		     "'or' is for 'when' lines: write one %s line for each choice, the most "
		     "specific first",
		     what);
	} else if (ps->ntok > 1) {
		if (strcmp(ps->tok[1], "when"))
			perr(ps, ps->line,
			     "after the agency kind write 'when CONDITION', e.g. '%s probation when "
			     "status in probation'",
			     what);
		else
			parse_cond(ps, ps->tok + 2, ps->ntok - 2, &o->cond);
		o->cond.set = true;
	}
	for (tail = list; *tail; tail = &(*tail)->next)
		;
	*tail = o;
}

static void d_owner(struct parser *ps, const char *rest)
{
	owner_line(ps, rest, "owner", &ps->cur->owners);
}

static void d_co_owner(struct parser *ps, const char *rest)
{
	owner_line(ps, rest, "co_owner", &ps->cur->co_owners);
}

/* "notify PARTY, PARTY": people outside the agencies to tell (parents, the youth's attorney,
 * the court...), shown with the step */
static void d_notify(struct parser *ps, const char *rest)
{
	struct buf list = BUF_INIT;

	if (ps->cur->notify) {
		perr(ps, ps->line, "duplicate 'notify' in step '%.64s' (first on line %d)",
		     ps->cur->key, ps->cur->notify_line);
		return;
	}
	if (!tokenize(ps, rest))
		return;
	if (ps->ntok == 0) {
		perr(ps, ps->line,
		     "'notify' needs the parties to tell, e.g. 'notify parents, attorney, court'");
		return;
	}
	for (size_t i = 0; i < ps->ntok; i++) {
		if (!valid_key(ps->tok[i])) {
			perr(ps, ps->line,
			     "a party to notify is one word of lower-case letters, digits and '_' "
			     "(e.g. guardian_ad_litem), not '%.40s'",
			     ps->tok[i]);
			buf_release(&list);
			return;
		}
		buf_addf(&list, "%s%s", i ? ", " : "", ps->tok[i]);
	}
	ps->cur->notify = pstrdup(ps, list.data ? list.data : "");
	ps->cur->notify_line = ps->line;
	buf_release(&list);
}

/* "kind NAME = KIND": a name the file uses for one of the access table's kinds (never a new
 * kind of access: what NAME may read and do is what KIND may) */
static void d_kind(struct parser *ps, const char *rest)
{
	char name[PARSE_MAX_TEXT + 1], target[PARSE_MAX_TEXT + 1];
	const char *eq = strchr(rest, '=');
	int k;

	if (!tokenize(ps, eq ? eq + 1 : "") || !eq || ps->ntok != 1 || strchr(eq + 1, '=')) {
		perr(ps, ps->line,
		     "write 'kind NAME = KIND', e.g. 'kind dfps_cvs = child_welfare': NAME is the "
		     "file's word, KIND one of " ACCESS_KIND_HINT);
		return;
	}
	snprintf(target, sizeof(target), "%s", ps->tok[0]);
	snprintf(name, sizeof(name), "%.*s", (int)(eq - rest), rest);
	for (size_t n = strlen(name); n && (name[n - 1] == ' ' || name[n - 1] == '\t'); n--)
		name[n - 1] = '\0';
	if (!valid_key(name)) {
		perr(ps, ps->line,
		     "a declared kind is one word of lower-case letters, digits and '_' starting "
		     "with a letter (at most %d)",
		     PARSE_MAX_KEY);
		return;
	}
	if (protocol_kind_index(name) >= 0) {
		perr(ps, ps->line, "'%s' is already an agency kind: declare only new names", name);
		return;
	}
	for (size_t i = 0; i < ps->p->nkinds; i++) {
		if (!strcmp(ps->p->kinds[i].name, name)) {
			perr(ps, ps->line, "duplicate kind '%s' (first on line %d)", name,
			     ps->p->kinds[i].line);
			return;
		}
	}
	k = protocol_kind_index(target);
	if (k < 0) {
		perr(ps, ps->line,
		     "'%s' must map onto one of the access table's kinds, not '%.40s' (expected " ACCESS_KIND_HINT
		     ")",
		     name, target);
		return;
	}
	if (ps->p->nkinds == PROTOCOL_MAX_DECLARED_KINDS) {
		perr(ps, ps->line, "too many declared kinds (at most %d)",
		     PROTOCOL_MAX_DECLARED_KINDS);
		return;
	}
	ps->p->kinds[ps->p->nkinds++] = (struct pkind){ pstrdup(ps, name), k, ps->line };
}

static void d_due(struct parser *ps, const char *rest)
{
	struct pstep *s = ps->cur;
	const char *const *t = ps->tok;
	size_t i, nt;
	int a;

	if (s->due_line) {
		perr(ps, ps->line, "duplicate 'due' in step '%.64s' (first on line %d)", s->key,
		     s->due_line);
		return;
	}
	s->due_line = ps->line;
	s->anchor = ANCHOR_IDENTIFIED;
	if (!tokenize(ps, rest))
		return;
	if (ps->ntok == 0) {
		perr(ps, ps->line,
		     "'due' needs an anchor and a duration, e.g. 'due identified + 90m'");
		return;
	}
	nt = ps->ntok;
	if (!strcmp(t[0], "shift_end")) {
		/* "shift_end after ANCHOR within DURATION" */
		if (nt < 5 || strcmp(t[1], "after") || strcmp(t[nt - 2], "within") ||
		    !strcmp(t[2], "+") || !strcmp(t[2], "-")) {
			perr(ps, ps->line,
			     "write 'due shift_end after ANCHOR within DURATION', e.g. 'due shift_end "
			     "after identified within 12h': the end of the owner's on-call shift, at "
			     "most that long after the anchor");
			return;
		}
		if (!parse_duration(ps, t[nt - 1], &s->offset, false))
			return;
		s->shift_end = true;
		t += 2;
		nt -= 4;
	}
	if (!strcmp(t[0], "step")) {
		if (nt < 2 || !strcmp(t[1], "+") || !strcmp(t[1], "-")) {
			perr(ps, ps->line,
			     "'step' in a due rule needs the key of another step, e.g. "
			     "'due step mdt_meeting + 7d'");
			return;
		}
		s->anchor = ANCHOR_STEP;
		s->anchor_key = pstrdup(ps, t[1]);
		i = 2;
	} else {
		a = anchor_lookup(t[0]);
		if (a < 0) {
			perr(ps, ps->line,
			     "unknown anchor '%.40s' (expected " ANCHOR_HINT " or 'step KEY')",
			     t[0]);
			return;
		}
		s->anchor = (enum anchor)a;
		i = 1;
	}
	if (i == nt)
		return; /* due at the anchor itself */
	if (s->shift_end) {
		perr(ps, ps->line,
		     "after 'shift_end after ANCHOR' write 'within DURATION', e.g. 'due shift_end "
		     "after identified within 12h'");
		return;
	}
	if ((nt != i + 2 && nt != i + 4) || (strcmp(t[i], "+") && strcmp(t[i], "-"))) {
		perr(ps, ps->line,
		     "after the anchor write '+ DURATION' or '- DURATION', then optionally 'at "
		     "HH:MM', e.g. 'due identified + 90m' or 'due identified + 1d at 19:00'");
		return;
	}
	s->sign = t[i][0] == '-' ? -1 : 1;
	if (!parse_duration(ps, t[i + 1], &s->offset, true) || nt == i + 2)
		return;
	if (strcmp(t[i + 2], "at") || (s->due_at_min = parse_time_of_day(t[i + 3])) < 0) {
		s->due_at_min = -1;
		perr(ps, ps->line,
		     "write the time of day as 'at HH:MM' on a 24-hour clock, e.g. 'due identified "
		     "+ 1d at 19:00'");
		return;
	}
	if (s->offset.unit != 'd' && s->offset.unit != 'b')
		perr(ps, ps->line,
		     "'at %s' ends the deadline on a calendar day: count days (d) or business days "
		     "(bd), e.g. 'due identified + 1d at 19:00'",
		     t[i + 3]);
}

/* "done by EVENT [from KIND, KIND]": recording an event of that type (by an agency of
 * those kinds, when named) does the step (once per case) */
static void d_done(struct parser *ps, const char *rest)
{
	struct pstep *s = ps->cur;
	const char *const *t = ps->tok;
	unsigned from = 0;

	if (!tokenize(ps, rest))
		return;
	if (ps->ntok < 2 || strcmp(t[0], "by") || !valid_key(t[1]) ||
	    (ps->ntok > 2 && (ps->ntok < 4 || strcmp(t[2], "from")))) {
		perr(ps, ps->line,
		     "write 'done by EVENT_TYPE', or 'done by EVENT_TYPE from KIND, KIND', e.g. "
		     "'done by placement' or 'done by screening from mental_health'");
		return;
	}
	if (s->done_by) {
		perr(ps, ps->line, "duplicate 'done by' in step '%.64s' (first on line %d)", s->key,
		     s->done_by_line);
		return;
	}
	for (size_t i = 3; i < ps->ntok; i++) {
		int k = kind_lookup(ps, t[i], NULL);
		if (k < 0) {
			perr(ps, ps->line,
			     "unknown agency kind '%.40s' (expected " ACCESS_KIND_HINT
			     ", or a kind the file declares)",
			     t[i]);
			return;
		}
		from |= 1u << k;
	}
	s->done_by = pstrdup(ps, t[1]);
	s->done_by_from = from ? from : PCOND_ALL_KINDS;
	s->done_by_line = ps->line;
}

/* "not before ANCHOR [+|- DURATION]": the earliest the step can be done */
static void d_not(struct parser *ps, const char *rest)
{
	struct pstep *s = ps->cur;
	const char *const *t = ps->tok;
	int a;

	if (!tokenize(ps, rest))
		return;
	if (ps->ntok == 0 || strcmp(t[0], "before")) {
		perr(ps, ps->line,
		     "write 'not before ANCHOR + DURATION', e.g. 'not before identified "
		     "+ 83d'");
		return;
	}
	if (s->has_not_before) {
		perr(ps, ps->line, "duplicate 'not before' in step '%.64s' (first on line %d)",
		     s->key, s->nb_line);
		return;
	}
	if (ps->ntok < 2 || (a = anchor_lookup(t[1])) < 0) {
		perr(ps, ps->line,
		     "unknown anchor '%.40s' after 'not before' (expected " ANCHOR_HINT
		     "; 'step KEY' is not allowed here)",
		     ps->ntok < 2 ? "" : t[1]);
		return;
	}
	s->has_not_before = true;
	s->nb_line = ps->line;
	s->nb_anchor = (enum anchor)a;
	s->nb_sign = 1;
	if (ps->ntok == 2)
		return;
	if (ps->ntok != 4 || (strcmp(t[2], "+") && strcmp(t[2], "-"))) {
		perr(ps, ps->line,
		     "after the anchor write '+ DURATION' or '- DURATION', e.g. 'not "
		     "before identified + 83d'");
		return;
	}
	s->nb_sign = t[2][0] == '-' ? -1 : 1;
	parse_duration(ps, t[3], &s->nb_offset, false);
}

/* "when A and B": merged into the step's conditions; "when A or B and C": a group of
 * alternatives, one of which must hold ('and' binds closer than 'or') */
/* "repeat every DURATION [until closed]" */
static void d_repeat(struct parser *ps, const char *rest)
{
	struct pstep *s = ps->cur;

	if (s->repeat_line) {
		perr(ps, ps->line, "duplicate 'repeat' in step '%.64s' (first on line %d)", s->key,
		     s->repeat_line);
		return;
	}
	s->repeat_line = ps->line;
	if (!tokenize(ps, rest))
		return;
	if ((ps->ntok != 2 && ps->ntok != 4) || strcmp(ps->tok[0], "every") ||
	    (ps->ntok == 4 && (strcmp(ps->tok[2], "until") || strcmp(ps->tok[3], "closed")))) {
		perr(ps, ps->line,
		     "write 'repeat every DURATION' or 'repeat every DURATION until closed', e.g. "
		     "'repeat every 30d until closed'");
		return;
	}
	if (!parse_duration(ps, ps->tok[1], &s->every, false))
		return;
	if (s->every.secs < 3600) {
		perr(ps, ps->line, "a step repeats at most every hour, not every '%.40s'",
		     ps->tok[1]);
		s->every.secs = 0;
		return;
	}
	s->until_closed = ps->ntok == 4;
}

static void d_when(struct parser *ps, const char *rest)
{
	struct pany *g, **tail;
	size_t i = 0, k = 0;

	if (!tokenize(ps, rest))
		return;
	if (!count_word(ps, "or")) {
		parse_cond(ps, ps->tok, ps->ntok, &ps->cur->when);
		return;
	}
	g = arena_alloc(&ps->p->arena, sizeof(*g));
	if (g)
		g->alt = arena_alloc(&ps->p->arena, (count_word(ps, "or") + 1) * sizeof(*g->alt));
	if (!g || !g->alt) {
		ps->oom = true;
		return;
	}
	while (i <= ps->ntok) {
		size_t j = i;
		while (j < ps->ntok && strcmp(ps->tok[j], "or"))
			j++;
		cond_init(&g->alt[k]);
		if (j == i)
			perr(ps, ps->line, "an empty condition next to 'or'");
		else
			parse_cond(ps, ps->tok + i, j - i, &g->alt[k]);
		k++;
		i = j + 1;
	}
	g->nalt = k;
	g->line = ps->line;
	g->next = NULL;
	for (tail = &ps->cur->any; *tail; tail = &(*tail)->next)
		;
	*tail = g;
}

/* ---- witness items: "witness KEY" and the lines that follow it ---- */

#define WITNESS_LINES "title, title_es, owner, co_owner, due, when eligible, done by and source"

static void d_witness(struct parser *ps, const char *rest)
{
	struct protocol_witness_item *w;

	if (!new_key(ps, rest, "witness item", "witness witness_advocate"))
		return;
	if (ps->p->nwitness == PROTOCOL_MAX_WITNESS) {
		if (ps->wscratch.line >= 0) /* say it once */
			perr(ps, ps->line, "too many witness items (at most %d)",
			     PROTOCOL_MAX_WITNESS);
		w = &ps->wscratch;
		memset(w, 0, sizeof(*w));
		w->line = -1;
	} else {
		w = &ps->p->witness[ps->p->nwitness++];
		memset(w, 0, sizeof(*w));
		w->line = ps->line;
	}
	w->key = pstrdup(ps, ps->ntok ? ps->tok[0] : "");
	w->sign = 1;
	ps->wtitle_line = ps->wowner_line = ps->wco_owner_line = 0;
	ps->wdue_line = ps->wwhen_line = ps->wdone_line = 0;
	ps->witem = w;
}

/* A line a witness item takes once: false (and said) when it is the second. */
static bool witness_once(struct parser *ps, int *first, const char *what)
{
	if (*first) {
		perr(ps, ps->line, "duplicate '%s' in witness item '%.64s' (first on line %d)",
		     what, ps->witem->key, *first);
		return false;
	}
	*first = ps->line;
	return true;
}

/* "owner KIND" / "co_owner KIND": one agency kind, no condition */
static void witness_owner(struct parser *ps, const char *rest, const char *what, int *first,
			  const char **dst)
{
	int k;

	if (!witness_once(ps, first, what) || !tokenize(ps, rest))
		return;
	if (ps->ntok != 1) {
		perr(ps, ps->line,
		     "a witness item has one %s, without a condition: write '%s KIND', e.g. '%s "
		     "advocacy'",
		     what, what, what);
		return;
	}
	k = kind_lookup(ps, ps->tok[0], NULL);
	if (k < 0) {
		perr(ps, ps->line,
		     "unknown agency kind '%.40s' (expected " ACCESS_KIND_HINT
		     ", or a kind the file declares)",
		     ps->tok[0]);
		return;
	}
	*dst = access_kind_name((enum agency_kind)k);
}

static void w_owner(struct parser *ps, const char *rest)
{
	witness_owner(ps, rest, "owner", &ps->wowner_line, &ps->witem->owner);
}

static void w_co_owner(struct parser *ps, const char *rest)
{
	witness_owner(ps, rest, "co_owner", &ps->wco_owner_line, &ps->witem->co_owner);
}

/* Do the words t[0..n) spell phrase (words separated by one space)? */
static bool words_are(const char *const *t, size_t n, const char *phrase)
{
	for (size_t k = 0; k < n; k++) {
		size_t len = strlen(t[k]);
		if (strncmp(phrase, t[k], len) || (phrase[len] != ' ' && phrase[len] != '\0'))
			return false;
		phrase += len + (phrase[len] == ' ');
	}
	return !*phrase;
}

/* "due ANCHOR [+|- DAYS] [end of day] [or end of day known]" */
static void w_due(struct parser *ps, const char *rest)
{
	static const char *const anchors[] = { "listed", "last_motion_day", "hearing" };
	static const char *const named[] = { "advocate_days", "notice_days", "review_days" };
	struct protocol_witness_item *w = ps->witem;
	const char *const *t = ps->tok;
	size_t i = 1, nt;
	int a;

	if (!witness_once(ps, &ps->wdue_line, "due") || !tokenize(ps, rest))
		return;
	nt = ps->ntok;
	if (nt == 0 || (a = names_index(anchors, (int)ARRAY_SIZE(anchors), t[0])) < 0) {
		perr(ps, ps->line,
		     "unknown witness anchor '%.40s' (expected listed, last_motion_day or hearing)",
		     nt ? t[0] : "");
		return;
	}
	w->anchor = (enum protocol_witness_anchor)a;
	if (i + 1 < nt && (!strcmp(t[i], "+") || !strcmp(t[i], "-"))) {
		int k = names_index(named, (int)ARRAY_SIZE(named), t[i + 1]);
		struct pduration d = { 0 };
		w->sign = t[i][0] == '-' ? -1 : 1;
		if (k >= 0) {
			w->days_from = (enum protocol_witness_days)(k + 1);
		} else if (!parse_duration(ps, t[i + 1], &d, false)) {
			return;
		} else if (d.unit != 'd') {
			perr(ps, ps->line,
			     "a witness item's deadline counts whole days: write 'Nd', advocate_days, "
			     "notice_days or review_days, not '%.40s'",
			     t[i + 1]);
			return;
		}
		w->days = (int)d.amount;
		i += 2;
	}
	if (i + 3 <= nt && words_are(t + i, 3, "end of day")) {
		w->end_of_day = true;
		i += 3;
	}
	if (i + 5 <= nt && words_are(t + i, 5, "or end of day known")) {
		w->or_known = true;
		i += 5;
	}
	if (i != nt) {
		perr(ps, ps->line,
		     "write 'due ANCHOR + DAYS end of day' (or '- DAYS'), e.g. 'due listed + "
		     "advocate_days end of day' or 'due hearing - review_days or end of day known'");
		return;
	}
	if (w->anchor == PW_LAST_MOTION_DAY && !w->end_of_day)
		perr(ps, ps->line,
		     "'last_motion_day' is a day: end the deadline with 'end of day', e.g. 'due "
		     "last_motion_day end of day'");
	if (w->or_known && (w->anchor != PW_HEARING || w->sign > 0))
		perr(ps, ps->line,
		     "'or end of day known' is for a deadline before a hearing, e.g. 'due hearing - "
		     "review_days or end of day known'");
}

/* "when eligible": the only condition a witness item has */
static void w_when(struct parser *ps, const char *rest)
{
	if (!witness_once(ps, &ps->wwhen_line, "when") || !tokenize(ps, rest))
		return;
	if (ps->ntok != 1 || strcmp(ps->tok[0], "eligible")) {
		perr(ps, ps->line,
		     "a witness item's condition is 'when eligible' (a statutory rule of the "
		     "witness rules makes the witness eligible on the motion date)");
		return;
	}
	ps->witem->when_eligible = true;
}

/* "done by EVENT_TYPE": the latest entry of that type for the witness (and the hearing) */
static void w_done(struct parser *ps, const char *rest)
{
	if (!witness_once(ps, &ps->wdone_line, "done by") || !tokenize(ps, rest))
		return;
	if (ps->ntok != 2 || strcmp(ps->tok[0], "by") || !valid_key(ps->tok[1])) {
		perr(ps, ps->line,
		     "write 'done by EVENT_TYPE' for a witness item, e.g. 'done by notice_served': "
		     "an entry of that type for the witness (and the hearing) does it");
		return;
	}
	ps->witem->done_by = pstrdup(ps, ps->tok[1]);
}

enum where { IN_HEADER, IN_STEP, ANYWHERE };

static const struct directive {
	const char *name;
	enum where where;
	void (*fn)(struct parser *ps, const char *rest);
	void (*wfn)(struct parser *ps, const char *rest); /* in a witness item; NULL: not there */
} directives[] = {
	{ "protocol", IN_HEADER, d_protocol },	    { "version", IN_HEADER, d_version },
	{ "effective", IN_HEADER, d_effective },    { "kind", IN_HEADER, d_kind },
	{ "timezone", IN_HEADER, d_timezone },	    { "holidays", IN_HEADER, d_holidays },
	{ "step", ANYWHERE, d_step, d_step },	    { "witness", ANYWHERE, d_witness, d_witness },
	{ "title", IN_STEP, d_title, d_title },	    { "title_es", IN_STEP, d_title_es, d_title_es },
	{ "owner", IN_STEP, d_owner, w_owner },	    { "co_owner", IN_STEP, d_co_owner, w_co_owner },
	{ "notify", IN_STEP, d_notify, NULL },	    { "due", IN_STEP, d_due, w_due },
	{ "when", IN_STEP, d_when, w_when },	    { "not", IN_STEP, d_not, NULL },
	{ "done", IN_STEP, d_done, w_done },	    { "repeat", IN_STEP, d_repeat, NULL },
	{ "source", ANYWHERE, d_source, d_source },
};

static void parse_line(struct parser *ps, const char *s, size_t n)
{
	const struct directive *d = NULL;
	char *text = ps->text, *rest, *end;
	size_t i;

	if (n && s[n - 1] == '\r')
		n--;
	if (n > PARSE_MAX_LINE) {
		perr(ps, ps->line, "line longer than %d characters", PARSE_MAX_LINE);
		return;
	}
	if (!valid_text((const unsigned char *)s, n)) {
		perr(ps, ps->line,
		     "invalid character: the file must be UTF-8 text without control characters");
		return;
	}
	/* '#' at the start of a line or after a space or tab starts a comment */
	for (i = 0; i < n; i++)
		if (s[i] == '#' && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t'))
			break;
	memcpy(text, s, i);
	text[i] = '\0';
	while (*text == ' ' || *text == '\t')
		text++;
	end = text + strlen(text);
	while (end > text && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	if (!*text)
		return;
	for (rest = text; *rest && *rest != ' ' && *rest != '\t'; rest++)
		;
	if (*rest)
		*rest++ = '\0';
	while (*rest == ' ' || *rest == '\t')
		rest++;
	for (i = 0; i < ARRAY_SIZE(directives); i++)
		if (!strcmp(directives[i].name, text))
			d = &directives[i];
	if (!d) {
		perr(ps, ps->line,
		     "unknown directive '%.40s' (expected protocol, version, effective, timezone, "
		     "holidays, kind, "
		     "source, step, witness, title, title_es, owner, co_owner, notify, due, when, "
		     "not before, done by or repeat)",
		     text);
		return;
	}
	if (d->where == IN_HEADER && (ps->cur || ps->p->nsteps || ps->witem || ps->p->nwitness)) {
		perr(ps, ps->line, "'%s' belongs in the header, before the first step", d->name);
		return;
	}
	if (ps->witem && !d->wfn) {
		perr(ps, ps->line,
		     "'%s' does not go in a witness item (it takes " WITNESS_LINES ")", d->name);
		return;
	}
	if (d->where == IN_STEP && !ps->cur && !ps->witem) {
		perr(ps, ps->line, "'%s' must follow a 'step' line", d->name);
		return;
	}
	if (strlen(rest) > PARSE_MAX_TEXT) {
		perr(ps, ps->line, "the text after '%s' is longer than %d characters", d->name,
		     PARSE_MAX_TEXT);
		return;
	}
	(ps->witem ? d->wfn : d->fn)(ps, rest);
}

static enum step_kind anchor_kind(enum anchor a)
{
	return protocol_anchor_kind(a);
}

/* A window or a count may use case-level anchors, and the anchors of the step's own
 * episode. */
static void check_windows(struct parser *ps, struct pstep *s, struct pcond *c, size_t *unused)
{
	UNUSED(unused);
	for (const struct pcount *pc = c->counts; pc; pc = pc->next) {
		enum step_kind ak = anchor_kind(pc->b);
		if (ak != KIND_CASE && ak != s->kind)
			perr(ps, pc->line,
			     "'%s' differs from one %s to the next: only a step due from %s can count "
			     "back from it",
			     anchor_names[pc->b],
			     ak == KIND_MISSING ? "missing episode" : "hearing",
			     ak == KIND_MISSING ? MISSING_HINT : "hearing");
	}
	for (const struct pwindow *w = c->windows; w; w = w->next) {
		enum anchor both[2] = { w->a, w->b };
		for (int k = 0; k < 2; k++) {
			enum step_kind ak = anchor_kind(both[k]);
			if (ak != KIND_CASE && ak != s->kind) {
				perr(ps, w->line,
				     "'%s' differs from one %s to the next: only a step due from %s can "
				     "compare it in a window",
				     anchor_names[both[k]],
				     ak == KIND_MISSING ? "missing episode" : "hearing",
				     ak == KIND_MISSING ? MISSING_HINT : "hearing");
				break;
			}
		}
	}
}

/* "done by" is for once-per-case steps; "not before" measures from an anchor of the
 * step's own kind (or a case-level one), and must open before the deadline when both count
 * from the same anchor. */
static void check_not_before(struct parser *ps, const struct pstep *s)
{
	enum step_kind ak;

	if (s->every.secs) {
		if (s->kind != KIND_CASE || s->anchor == ANCHOR_STEP)
			perr(ps, s->repeat_line,
			     "'repeat' is for a step due from a moment of the case (identified, "
			     "last_assault, assault_disclosed or in_custody), not per episode or from "
			     "another step");
		else if (s->has_not_before || s->done_by || s->shift_end)
			perr(ps, s->repeat_line,
			     "'repeat' does not go with '%s': each occurrence is due a fixed time "
			     "after the one before and recorded done (or waived) with its number",
			     s->has_not_before ? "not before"
			     : s->done_by      ? "done by"
					       : "shift_end");
	}
	if (s->anchor == ANCHOR_STEP && s->dep != SIZE_MAX && ps->p->steps[s->dep].every.secs)
		perr(ps, s->due_line,
		     "'%.64s' repeats: no step can wait for one of its occurrences",
		     ps->p->steps[s->dep].key);

	if (s->done_by && s->kind != KIND_CASE)
		perr(ps, s->done_by_line,
		     "'done by' is for steps that happen once per case; '%.64s' happens once per %s",
		     s->key, s->kind == KIND_MISSING ? "missing episode" : "hearing");

	if (!s->has_not_before)
		return;
	ak = anchor_kind(s->nb_anchor);
	if (ak != KIND_CASE && ak != s->kind) {
		perr(ps, s->nb_line,
		     "'not before %s' differs from one %s to the next: only a step due from %s can "
		     "use it",
		     anchor_names[s->nb_anchor], ak == KIND_MISSING ? "missing episode" : "hearing",
		     ak == KIND_MISSING ? MISSING_HINT : "hearing");
		return;
	}
	/* (a deadline on the calendar, in business days or at a time of day, is not compared) */
	if (s->anchor == s->nb_anchor && s->offset.unit != 'b' && s->due_at_min < 0 &&
	    !s->shift_end && s->nb_sign * s->nb_offset.secs >= s->sign * s->offset.secs)
		perr(ps, s->nb_line,
		     "the step could never be done on time: 'not before' is at or after its deadline "
		     "(both count from %s)",
		     anchor_names[s->anchor]);
}

/* Calls fn on each condition of step s: its 'when' clauses, the alternatives of its 'or'
 * lines, its owners' and co-owners' conditions. */
static void each_cond(struct parser *ps, struct pstep *s,
		      void (*fn)(struct parser *, struct pstep *, struct pcond *, size_t *),
		      size_t *k)
{
	fn(ps, s, &s->when, k);
	for (struct pany *g = s->any; g; g = g->next)
		for (size_t i = 0; i < g->nalt; i++)
			fn(ps, s, &g->alt[i], k);
	for (struct powner *o = s->owners; o; o = o->next)
		fn(ps, s, &o->cond, k);
	for (struct powner *o = s->co_owners; o; o = o->next)
		fn(ps, s, &o->cond, k);
}

/* *k = 1 when c tests the screening level, or the outcome of a step that depends on it */
static void screening_cond(struct parser *ps, struct pstep *s, struct pcond *c, size_t *k)
{
	UNUSED(s);
	if (c->nscreening)
		*k = 1;
	for (const struct pstepref *r = c->steps; r; r = r->next)
		if (r->idx < ps->p->nsteps && ps->p->steps[r->idx].screening_gated)
			*k = 1;
}

/*
 * Marks the steps whose existence a screening level decides, computed once here for every
 * read: until nothing changes, a step is marked when one of its conditions tests the
 * screening or a marked step's outcome, or when it waits for a marked step.
 */
static void mark_screening_gated(struct parser *ps)
{
	struct protocol *p = ps->p;

	for (bool changed = true; changed;) {
		changed = false;
		for (size_t i = 0; i < p->nsteps; i++) {
			struct pstep *s = &p->steps[i];
			size_t hit = 0;

			if (s->screening_gated)
				continue;
			each_cond(ps, s, screening_cond, &hit);
			if (s->anchor == ANCHOR_STEP && s->dep < p->nsteps &&
			    p->steps[s->dep].screening_gated)
				hit = 1;
			if (hit)
				changed = s->screening_gated = p->any_screening_gated = true;
		}
	}
}

/* "step KEY in ...": the step exists, is not s, and happens once per case or like s */
static void resolve_refs(struct parser *ps, struct pstep *s, struct pcond *c, size_t *k)
{
	UNUSED(k);
	for (struct pstepref *r = c->steps; r; r = r->next) {
		const struct pstep *t = find_step(ps->p, r->key, &r->idx);
		if (!t) {
			perr(ps, r->line, "unknown step '%.64s' in a condition of '%.64s'", r->key,
			     s->key);
		} else if (t == s) {
			perr(ps, r->line, "step '%.64s' cannot branch on its own outcome", s->key);
			r->idx = SIZE_MAX;
		} else if (t->every.secs) {
			perr(ps, r->line,
			     "'%.64s' repeats: no step can branch on the outcome of one of its "
			     "occurrences",
			     t->key);
			r->idx = SIZE_MAX;
		} else if (t->kind != KIND_CASE && t->kind != s->kind) {
			perr(ps, r->line,
			     "'%.64s' happens once per %s: only a step of the same kind can branch on "
			     "its outcome",
			     t->key, t->kind == KIND_MISSING ? "missing episode" : "hearing");
			r->idx = SIZE_MAX;
		}
	}
}

static void visit(struct parser *ps, size_t i, size_t *k);

static void visit_refs(struct parser *ps, struct pstep *s, struct pcond *c, size_t *k)
{
	for (struct pstepref *r = c->steps; r; r = r->next) {
		if (r->idx == SIZE_MAX)
			continue;
		if (ps->color[r->idx] == 1) {
			perr(ps, r->line,
			     "cycle between steps: '%.64s' and '%.64s' wait for each other", s->key,
			     ps->p->steps[r->idx].key);
			r->idx = SIZE_MAX; /* cut it */
			continue;
		}
		visit(ps, r->idx, k);
	}
}

/* Depth first: a step's order comes after the steps it needs. */
static void visit(struct parser *ps, size_t i, size_t *k)
{
	struct pstep *s = &ps->p->steps[i];

	if (ps->color[i])
		return;
	ps->color[i] = 1;
	if (s->dep != SIZE_MAX && ps->color[s->dep] == 1) {
		perr(ps, s->due_line,
		     "cycle between steps: '%.64s' and '%.64s' wait for each other",
		     ps->p->steps[s->dep].key, s->key);
		s->dep = SIZE_MAX;
	} else if (s->dep != SIZE_MAX) {
		visit(ps, s->dep, k);
	}
	each_cond(ps, s, visit_refs, k);
	ps->color[i] = 2;
	ps->p->order[(*k)++] = i;
}

/* References between steps, cycles, episode kinds, evaluation order. */
static void resolve(struct parser *ps)
{
	struct protocol *p = ps->p;
	size_t n = p->nsteps;

	for (size_t i = 0; i < n; i++) {
		struct pstep *s = &p->steps[i];
		s->dep = SIZE_MAX;
		if (s->anchor == ANCHOR_STEP && s->anchor_key &&
		    !find_step(p, s->anchor_key, &s->dep))
			perr(ps, s->due_line, "unknown step '%.64s' in the due rule of '%.64s'",
			     s->anchor_key, s->key);
	}
	/* each step waits for at most one other, so a cycle is found by walking the chain */
	memset(ps->color, 0, sizeof(ps->color));
	for (size_t i = 0; i < n; i++) {
		size_t len = 0, j = i;

		while (j != SIZE_MAX && ps->color[j] == 0) {
			ps->color[j] = 1;
			ps->path[len++] = j;
			j = p->steps[j].dep;
		}
		if (j != SIZE_MAX && ps->color[j] == 1) {
			char chain[200];
			size_t used = 0, k = 0;
			while (ps->path[k] != j)
				k++;
			for (size_t m = k; m < len && used < sizeof(chain); m++)
				used += (size_t)snprintf(chain + used, sizeof(chain) - used,
							 "%.40s -> ", p->steps[ps->path[m]].key);
			if (used < sizeof(chain))
				snprintf(chain + used, sizeof(chain) - used, "%.40s",
					 p->steps[j].key);
			perr(ps, p->steps[j].due_line, "cycle between steps: %s", chain);
			for (size_t m = k; m < len; m++)
				p->steps[ps->path[m]].dep =
					SIZE_MAX; /* cut it: the kinds below stay finite */
		}
		for (size_t m = 0; m < len; m++)
			ps->color[ps->path[m]] = 2;
	}
	p->order = arena_alloc(&p->arena, (n ? n : 1) * sizeof(*p->order));
	if (!p->order) {
		ps->oom = true;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct pstep *s = &p->steps[i];
		const struct pstep *r = s;
		size_t d = 0;

		while (r->anchor == ANCHOR_STEP && r->dep != SIZE_MAX && d <= n) {
			r = &p->steps[r->dep];
			d++;
		}
		s->kind = r->anchor == ANCHOR_STEP ? KIND_CASE : anchor_kind(r->anchor);
		s->needs_end = r->anchor == ANCHOR_MISSING_END || r->anchor == ANCHOR_FOUND;
		s->root = r->anchor;
		each_cond(ps, s, check_windows, NULL);
		check_not_before(ps, s);
	}
	for (size_t i = 0; i < n; i++)
		each_cond(ps, &p->steps[i], resolve_refs, NULL);
	mark_screening_gated(ps);
	/* evaluation order: a step after the one it waits for and those whose outcome it
	 * branches on */
	memset(ps->color, 0, sizeof(ps->color));
	for (size_t i = 0, next = 0; i < n; i++)
		visit(ps, i, &next);
}

static void emit_errors(struct parser *ps, struct buf *errors)
{
	size_t idx[PARSE_MAX_ERRORS];

	for (size_t i = 0; i < ps->nerr; i++) {
		size_t j = i;
		while (j > 0 && ps->errs[idx[j - 1]].line > ps->errs[i].line) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = i;
	}
	for (size_t i = 0; i < ps->nerr && errors; i++)
		buf_addf(errors, "%s:%d: %s\n", ps->file, ps->errs[idx[i]].line,
			 ps->errs[idx[i]].msg);
	if (ps->overflow && errors)
		buf_addf(errors, "%s:%d: too many errors; stopped after %d\n", ps->file,
			 ps->errs[idx[ps->nerr - 1]].line, PARSE_MAX_ERRORS);
}

enum sh_code protocol_parse(const char *text, size_t len, const char *filename,
			    struct protocol **out, struct buf *errors)
{
	enum sh_code rc = SH_OK;
	struct parser *ps = NULL;
	struct protocol *p = NULL;
	const char *s, *end, *nl;

	*out = NULL;
	if (!text) {
		text = "";
		len = 0;
	}
	s = text;
	end = text + len;
	if (len >= 3 && !memcmp(s, "\xef\xbb\xbf", 3))
		s += 3; /* a byte-order mark, as some Windows editors write */
	ps = calloc(1, sizeof(*ps));
	p = calloc(1, sizeof(*p));
	if (!ps || !p) {
		rc = SH_ENOMEM;
		goto out;
	}
	arena_init(&p->arena);
	ps->p = p;
	ps->file = filename ? filename : "protocol";
	while (s < end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		ps->line++;
		parse_line(ps, s, (size_t)((nl ? nl : end) - s));
		s = nl ? nl + 1 : end;
	}
	finish_step(ps);
	if (!ps->name_line)
		perr(ps, 1, "missing header field: 'protocol NAME'");
	if (!ps->version_line)
		perr(ps, 1, "missing header field: 'version VERSION'");
	if (!ps->effective_line)
		perr(ps, 1, "missing header field: 'effective YYYY-MM-DD'");
	if (!p->nsteps)
		perr(ps, 1, "no steps: a protocol needs at least one 'step'");
	resolve(ps);
	if (ps->oom) {
		rc = SH_ENOMEM;
		goto out;
	}
	if (ps->nerr) {
		emit_errors(ps, errors);
		rc = SH_EINVAL;
		goto out;
	}
	*out = p;
	p = NULL;
out:
	if (rc == SH_ENOMEM && errors)
		buf_addf(errors, "%s: out of memory\n", filename ? filename : "protocol");
	protocol_free(p);
	free(ps);
	return rc;
}

enum sh_code protocol_load_file(const char *path, struct protocol **out, struct buf *errors)
{
	enum sh_code rc;
	struct buf text;

	*out = NULL;
	buf_init(&text, PROTOCOL_MAX_FILE);
	rc = buf_read_file(&text, path, errors);
	if (!rc)
		rc = protocol_parse(text.data, text.len, path, out, errors);
	buf_release(&text);
	return rc;
}

void protocol_free(struct protocol *p)
{
	if (!p)
		return;
	arena_release(&p->arena);
	free(p);
}

const char *protocol_name(const struct protocol *p)
{
	return p->name;
}

const char *protocol_version(const struct protocol *p)
{
	return p->version;
}

const char *protocol_effective(const struct protocol *p)
{
	return p->effective;
}

size_t protocol_nsteps(const struct protocol *p)
{
	return p->nsteps;
}

bool protocol_screening_gated(const struct protocol *p, size_t i)
{
	return i < p->nsteps && p->steps[i].screening_gated;
}

bool protocol_any_screening_gated(const struct protocol *p)
{
	return p->any_screening_gated;
}

bool protocol_beyond_timeline(const struct protocol *p)
{
	for (size_t i = 0; i < p->nsteps; i++)
		if (p->steps[i].every.secs || p->steps[i].shift_end)
			return true;
	return false;
}

size_t protocol_nwitness(const struct protocol *p)
{
	return p ? p->nwitness : 0;
}

const struct protocol_witness_item *protocol_witness(const struct protocol *p, size_t i)
{
	return i < protocol_nwitness(p) ? &p->witness[i] : NULL;
}

const struct protocol_witness_item *protocol_witness_find(const struct protocol *p, const char *key)
{
	return p && key ? find_witness(p, key) : NULL;
}

const char *protocol_step_key(const struct protocol *p, size_t i)
{
	return i < p->nsteps ? p->steps[i].key : NULL;
}

bool protocol_has_step(const struct protocol *p, const char *key)
{
	return key && find_step(p, key, NULL) != NULL;
}

const char *protocol_step_title(const struct protocol *p, const char *key)
{
	const struct pstep *s = key ? find_step(p, key, NULL) : NULL;

	return s ? s->title : key;
}

size_t protocol_step_index(const struct protocol *p, const char *key, size_t hint)
{
	for (size_t k = 0; k < p->nsteps; k++) {
		size_t i = (hint + k) % p->nsteps;
		if (!strcmp(p->steps[i].key, key))
			return i;
	}
	return SIZE_MAX;
}

const char *protocol_step_title_at(const struct protocol *p, size_t i)
{
	return i < p->nsteps ? p->steps[i].title : NULL;
}

const char *protocol_step_title_es(const struct protocol *p, size_t i)
{
	return i < p->nsteps ? p->steps[i].title_es : NULL;
}

const char *protocol_step_done_by(const struct protocol *p, size_t i)
{
	return i < p->nsteps ? p->steps[i].done_by : NULL;
}

bool protocol_step_may_own(const struct protocol *p, size_t i, const char *kind)
{
	for (const struct powner *o = i < p->nsteps ? p->steps[i].owners : NULL; o; o = o->next)
		if (kind && !strcmp(o->kind, kind))
			return true;
	for (const struct powner *o = i < p->nsteps ? p->steps[i].co_owners : NULL; o; o = o->next)
		if (kind && !strcmp(o->kind, kind))
			return true;
	return false;
}

const char *protocol_step_notify(const struct protocol *p, size_t i)
{
	return i < p->nsteps ? p->steps[i].notify : NULL;
}

bool protocol_step_done_by_kind(const struct protocol *p, size_t i, const char *kind)
{
	int k = protocol_kind_index(kind);

	if (i >= p->nsteps || !p->steps[i].done_by)
		return false;
	if (p->steps[i].done_by_from == PCOND_ALL_KINDS)
		return true;
	return k >= 0 && (p->steps[i].done_by_from & 1u << k);
}

bool protocol_step_episodic(const struct protocol *p, const char *key)
{
	const struct pstep *s = key ? find_step(p, key, NULL) : NULL;

	return s && (s->kind != KIND_CASE || s->every.secs);
}

static void describe_duration(struct buf *b, const struct pduration *d)
{
	if (d->unit == 'b')
		buf_addf(b, "%ldbd", d->amount);
	else
		buf_addf(b, "%ld%c", d->amount, d->unit);
}

static void describe_set(struct buf *b, unsigned mask, int n, bool status)
{
	const char *sep = "";

	for (int i = 0; i < n; i++) {
		if (!(mask & 1u << i))
			continue;
		buf_addf(b, "%s%s", sep,
			 status ? protocol_status_name((enum youth_status)i)
				: access_kind_name((enum agency_kind)i));
		sep = ", ";
	}
}

static void describe_cond(struct buf *b, const struct pcond *c)
{
	const char *sep = "";

	if (c->status != PCOND_ALL_STATUS) {
		buf_adds(b, "status in ");
		describe_set(b, c->status, YOUTH_STATUS_COUNT, true);
		sep = " and ";
	}
	if (c->by != PCOND_ALL_KINDS) {
		buf_addf(b, "%sidentified_by in ", sep);
		describe_set(b, c->by, PROTOCOL_NKINDS, false);
		sep = " and ";
	}
	if (c->age_set) {
		buf_addf(b, "%sage %d to %d", sep, c->age_min, c->age_max);
		sep = " and ";
	}
	for (int a = 0; a < ANCHOR_STEP; a++) {
		bool in_window = false;
		for (const struct pwindow *w = c->windows; w; w = w->next)
			in_window |= w->a == (enum anchor)a || w->b == (enum anchor)a;
		if ((c->has & 1u << a) && !in_window) {
			buf_addf(b, "%shas %s", sep, anchor_names[a]);
			sep = " and ";
		}
	}
	for (const struct pstepref *r = c->steps; r; r = r->next) {
		const char *comma = "";
		buf_addf(b, "%sstep %s in ", sep, r->key);
		for (int st = STEP_PENDING; st <= STEP_NOT_APPLICABLE; st++) {
			if (r->states & 1u << st) {
				buf_addf(b, "%s%s", comma,
					 protocol_state_name((enum step_state)st));
				comma = ", ";
			}
		}
		sep = " and ";
	}
	for (size_t i = 0; i < c->nscreening; i++) {
		buf_addf(b, "%s%s", i ? ", " : sep, i ? "" : "screening in ");
		buf_adds(b, c->screening[i]);
		sep = " and ";
	}
	for (const struct pcount *pc = c->counts; pc; pc = pc->next) {
		buf_addf(b, "%smissing_count %s %ld within ", sep,
			 pc->more ? "more than" : "at most", pc->n);
		describe_duration(b, &pc->d);
		buf_addf(b, " before %s", anchor_names[pc->b]);
		sep = " and ";
	}
	for (const struct pwindow *w = c->windows; w; w = w->next) {
		buf_addf(b, "%s%s %s ", sep, anchor_names[w->a],
			 w->dir >= WIN_MORE_BEFORE ? "more than" : "within");
		describe_duration(b, &w->d);
		buf_addf(b, " %s %s", dir_names[w->dir], anchor_names[w->b]);
		sep = " and ";
	}
}

static void describe_owners(struct buf *out, const struct powner *o, const char *otherwise)
{
	for (; o; o = o->next) {
		if (o->label)
			buf_addf(out, "%s (%s)", o->label, o->kind);
		else
			buf_adds(out, o->kind);
		if (o->cond.set) {
			buf_adds(out, " when ");
			describe_cond(out, &o->cond);
			if (o->next)
				buf_adds(out, otherwise);
		}
	}
}

static void describe_witness(const struct protocol_witness_item *w, struct buf *out)
{
	static const char *const anchors[] = { "listed", "last_motion_day", "hearing" };
	static const char *const named[] = { NULL, "advocate_days", "notice_days", "review_days" };

	buf_addf(out, "witness %s | %s | owner %s", w->key, w->title, w->owner);
	if (w->co_owner)
		buf_addf(out, " | co_owner %s", w->co_owner);
	buf_addf(out, " | due %s", anchors[w->anchor]);
	if (w->days_from != PW_DAYS_FIXED)
		buf_addf(out, " %c %s", w->sign < 0 ? '-' : '+', named[w->days_from]);
	else if (w->days)
		buf_addf(out, " %c %dd", w->sign < 0 ? '-' : '+', w->days);
	if (w->end_of_day)
		buf_adds(out, " end of day");
	if (w->or_known)
		buf_adds(out, " or end of day known");
	if (w->when_eligible)
		buf_adds(out, " | when eligible");
	if (w->done_by)
		buf_addf(out, " | done by %s", w->done_by);
	buf_adds(out, w->anchor == PW_HEARING ? " | per hearing of the witness" : " | per witness");
	if (w->source)
		buf_addf(out, " | source: %s", w->source);
	buf_addch(out, '\n');
}

void protocol_describe(const struct protocol *p, struct buf *out)
{
	for (size_t i = 0; i < p->nsteps; i++) {
		const struct pstep *s = &p->steps[i];

		buf_addf(out, "%s | %s | owner ", s->key, s->title);
		describe_owners(out, s->owners, ", otherwise ");
		if (s->co_owners) {
			buf_adds(out, " | co_owner ");
			describe_owners(out, s->co_owners, ", else ");
		}
		if (s->notify)
			buf_addf(out, " | notify %s", s->notify);
		buf_adds(out, " | due ");
		if (s->shift_end)
			buf_adds(out, "shift_end after ");
		if (s->anchor == ANCHOR_STEP)
			buf_addf(out, "step %s", s->anchor_key);
		else
			buf_adds(out, anchor_names[s->anchor]);
		if (s->shift_end) {
			buf_adds(out, " within ");
			describe_duration(out, &s->offset);
		} else if (s->offset.amount || s->offset.unit == 'b' || s->due_at_min >= 0) {
			buf_adds(out, s->sign < 0 ? " - " : " + ");
			describe_duration(out, &s->offset);
		}
		if (s->due_at_min >= 0)
			buf_addf(out, " at %02d:%02d", s->due_at_min / 60, s->due_at_min % 60);
		if (s->every.secs) {
			buf_adds(out, " | repeat every ");
			describe_duration(out, &s->every);
			if (s->until_closed)
				buf_adds(out, " until closed");
		}
		if (s->done_by) {
			buf_addf(out, " | done by %s", s->done_by);
			if (s->done_by_from != PCOND_ALL_KINDS) {
				buf_adds(out, " from ");
				describe_set(out, s->done_by_from, PROTOCOL_NKINDS, false);
			}
		}
		if (s->has_not_before) {
			buf_addf(out, " | not before %s", anchor_names[s->nb_anchor]);
			if (s->nb_offset.amount) {
				buf_adds(out, s->nb_sign < 0 ? " - " : " + ");
				describe_duration(out, &s->nb_offset);
			}
		}
		if (s->when.set) {
			buf_adds(out, " | when ");
			describe_cond(out, &s->when);
		}
		for (const struct pany *g = s->any; g; g = g->next) {
			buf_adds(out, " | when ");
			for (size_t k = 0; k < g->nalt; k++) {
				if (k)
					buf_adds(out, " or ");
				describe_cond(out, &g->alt[k]);
			}
		}
		if (s->kind == KIND_MISSING && s->needs_end)
			buf_addf(out, " | per missing episode, once the youth %s",
				 s->root == ANCHOR_FOUND ? "is found" : "has returned");
		else if (s->kind == KIND_MISSING)
			buf_adds(out, " | per missing episode");
		else if (s->kind == KIND_HEARING)
			buf_adds(out, " | per hearing");
		if (s->source)
			buf_addf(out, " | source: %s", s->source);
		buf_addch(out, '\n');
	}
	for (size_t i = 0; i < p->nwitness; i++)
		describe_witness(&p->witness[i], out);
}
