#include "lib/common.h"
#include "core/offences.h"
#include "core/phrase.h"
#include "lib/arena.h"

/*
 * The file is line-based like the witness rules: "directive value", '#' comments,
 * blocks opened by `code`, `offence` and `detention` (docs/offences.md). The parser
 * keeps going after a mistake so an analyst sees every problem at once.
 */

#define LINE_MAX_LEN 1000
#define MAX_ERRORS 50
#define MAX_CODES 16
#define MAX_NAMES 32 /* per code */
#define MAX_OFFENCES 200
#define MAX_WORDS 64	/* per offence, and for detention */
#define NAME_MAX_LEN 40 /* a code name without spaces and dots */
#define SECTION_MAX 24	/* "653.22(a)(1)(A)" */
#define FILE_MAX (1024 * 1024)
#define MAX_CODE_WORDS 5 /* "california penal code": words in a code name */

struct ocode {
	const char *code, *label;
	bool dflt;
	int line;
	size_t nnames;
	const char *names[MAX_NAMES]; /* squashed: "calpenalcode" */
};

struct oword {
	const char *pattern;
	bool uncited; /* only when the text cites nothing */
};

struct oentry {
	struct offence pub;
	size_t code;	     /* index into codes */
	const char *section; /* "647(b)", lower case */
	int line;
	size_t nwords;
	struct oword words[MAX_WORDS];
};

struct offences {
	struct arena arena;
	const char *name, *version;
	size_t ncodes, nentries, ndetention;
	struct ocode codes[MAX_CODES];
	struct oentry entries[MAX_OFFENCES];
	const char *detention[MAX_WORDS];
};

enum ctx { CTX_HEADER, CTX_CODE, CTX_OFFENCE, CTX_DETENTION, CTX_SKIP };

struct parser {
	struct offences *o;
	const char *file;
	struct buf *errors;
	int line, nerrors;
	bool nomem;
	enum ctx ctx;
	struct ocode *code;
	struct oentry *entry;
	bool seen_detention;
};

/* ---- small helpers ---- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}
static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}
static bool is_alnum(char c)
{
	return is_digit(c) || is_lower(c);
}

/* Letters and digits only, lower case: "Cal. Penal Code" -> "calpenalcode". */
static void squash(const char *s, char *out, size_t size)
{
	size_t n = 0;

	for (; *s && n + 1 < size; s++) {
		char c = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;
		if (is_alnum(c))
			out[n++] = c;
	}
	out[n] = '\0';
}

static void perr(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void perr(struct parser *p, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	if (++p->nerrors > MAX_ERRORS || !p->errors)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (buf_addf(p->errors, "%s:%d: %s\n", p->file, p->line, msg))
		p->nomem = true;
}

static const char *save(struct parser *p, const char *s)
{
	char *c = arena_strdup(&p->o->arena, s);

	if (!c)
		p->nomem = true;
	return c ? c : "";
}

/* Appends a continued text (source lines) to *dst. */
static void append(struct parser *p, const char **dst, const char *s)
{
	const char *c = *dst ? arena_printf(&p->o->arena, "%s %s", *dst, s) : save(p, s);

	if (!c)
		p->nomem = true;
	else
		*dst = c;
}

static bool parse_date(struct parser *p, const char *v, struct sh_date *out)
{
	if (timefmt_parse_date(v, out)) {
		perr(p, "'%.40s' is not a date (YYYY-MM-DD)", v);
		return false;
	}
	return true;
}

/*
 * A section and its subdivisions as the file writes them ("647(b)", "653.22"), lower
 * case into out; false when malformed.
 */
static bool parse_section(const char *s, char *out, size_t size)
{
	size_t n = 0, nd = 0;

	while (is_digit(*s) && nd < 6 && n + 1 < size) {
		out[n++] = *s++;
		nd++;
	}
	if (!nd)
		return false;
	while ((*s == '.' && is_digit(s[1])) || is_lower(*s) || is_digit(*s) ||
	       (*s >= 'A' && *s <= 'Z' && s[-1] != '(')) {
		if (n + 1 >= size)
			return false;
		out[n++] = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;
		s++;
	}
	while (*s == '(') {
		size_t k = 0;
		out[n++] = *s++;
		while (*s && *s != ')' && k < 5 && n + 2 < size) {
			char c = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;
			if (!is_alnum(c))
				return false;
			out[n++] = c;
			s++;
			k++;
		}
		if (!k || *s != ')' || n + 1 >= size)
			return false;
		out[n++] = *s++;
	}
	out[n] = '\0';
	return !*s;
}

/* Splits "a | b | c" in place; calls fn for each trimmed item. */
static void each_item(struct parser *p, char *v, void (*fn)(struct parser *, char *, bool),
		      bool flag)
{
	for (char *item = v; item;) {
		char *bar = strchr(item, '|'), *end;
		if (bar)
			*bar = '\0';
		while (*item == ' ' || *item == '\t')
			item++;
		end = item + strlen(item);
		while (end > item && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (!*item)
			perr(p, "an empty item in a list ('|' twice, or at an end)");
		else
			fn(p, item, flag);
		item = bar ? bar + 1 : NULL;
	}
}

/* ---- directives ---- */

static void d_ruleset(struct parser *p, char *v)
{
	if (p->o->name)
		perr(p, "ruleset is given twice");
	else
		p->o->name = save(p, v);
}

static void d_version(struct parser *p, char *v)
{
	if (p->o->version)
		perr(p, "version is given twice");
	else
		p->o->version = save(p, v);
}

static void d_code(struct parser *p, char *v)
{
	struct ocode *c;

	p->ctx = CTX_SKIP;
	for (const char *s = v; *s; s++)
		if (!(*s >= 'A' && *s <= 'Z') || s - v >= 8) {
			perr(p, "a code is written in capitals, at most 8 letters (like PC)");
			return;
		}
	for (size_t i = 0; i < p->o->ncodes; i++)
		if (!strcmp(p->o->codes[i].code, v)) {
			perr(p, "code %s is declared twice (first on line %d)", v,
			     p->o->codes[i].line);
			return;
		}
	if (p->o->ncodes >= MAX_CODES) {
		perr(p, "too many codes (at most %d)", MAX_CODES);
		return;
	}
	c = &p->o->codes[p->o->ncodes++];
	c->code = save(p, v);
	c->line = p->line;
	p->code = c;
	p->ctx = CTX_CODE;
}

static void add_name(struct parser *p, char *item, bool unused)
{
	char sq[NAME_MAX_LEN + 1];

	UNUSED(unused);
	squash(item, sq, sizeof(sq));
	if (!sq[0] || strlen(item) > NAME_MAX_LEN) {
		perr(p, "'%.40s' is not a code name", item);
		return;
	}
	for (size_t i = 0; i < p->o->ncodes; i++)
		for (size_t k = 0; k < p->o->codes[i].nnames; k++)
			if (!strcmp(p->o->codes[i].names[k], sq)) {
				perr(p, "the name '%s' already belongs to code %s", item,
				     p->o->codes[i].code);
				return;
			}
	if (p->code->nnames >= MAX_NAMES) {
		perr(p, "too many names for code %s (at most %d)", p->code->code, MAX_NAMES);
		return;
	}
	p->code->names[p->code->nnames++] = save(p, sq);
}

static void d_names(struct parser *p, char *v)
{
	each_item(p, v, add_name, false);
}

static void d_default(struct parser *p, char *v)
{
	if (strcmp(v, "yes")) {
		perr(p, "default takes 'yes'");
		return;
	}
	for (size_t i = 0; i < p->o->ncodes; i++)
		if (p->o->codes[i].dflt) {
			perr(p, "code %s is already the default", p->o->codes[i].code);
			return;
		}
	p->code->dflt = true;
}

static void d_label(struct parser *p, char *v)
{
	const char **dst = p->ctx == CTX_CODE ? &p->code->label : &p->entry->pub.label;

	if (*dst)
		perr(p, "label is given twice");
	else if (strlen(v) > 120)
		perr(p, "a label is at most 120 characters");
	else
		*dst = save(p, v);
}

static void d_offence(struct parser *p, char *v)
{
	char *sp = strchr(v, ' ');
	char section[SECTION_MAX + 1];
	struct oentry *e;
	size_t code = SIZE_MAX;

	p->ctx = CTX_SKIP;
	if (!sp) {
		perr(p, "offence takes a code and a section (offence PC 647(b))");
		return;
	}
	*sp++ = '\0';
	for (size_t i = 0; i < p->o->ncodes; i++)
		if (!strcmp(p->o->codes[i].code, v))
			code = i;
	if (code == SIZE_MAX) {
		perr(p, "code %s is not declared (declare it with `code %s` above)", v, v);
		return;
	}
	if (!parse_section(sp, section, sizeof(section))) {
		perr(p, "'%.40s' is not a section (like 647(b) or 653.22)", sp);
		return;
	}
	for (size_t i = 0; i < p->o->nentries; i++)
		if (p->o->entries[i].code == code && !strcmp(p->o->entries[i].section, section)) {
			perr(p, "offence %s %s is listed twice (first on line %d)", v, section,
			     p->o->entries[i].line);
			return;
		}
	if (p->o->nentries >= MAX_OFFENCES) {
		perr(p, "too many offences (at most %d)", MAX_OFFENCES);
		return;
	}
	e = &p->o->entries[p->o->nentries++];
	e->code = code;
	e->section = save(p, section);
	e->line = p->line;
	e->pub.code = p->o->codes[code].code;
	e->pub.cite = arena_printf(&p->o->arena, "%s %s", v, sp);
	if (!e->pub.cite)
		p->nomem = true;
	p->entry = e;
	p->ctx = CTX_OFFENCE;
}

static void d_flag(struct parser *p, char *v, bool *flag, const char *name)
{
	if (*v && strcmp(v, "yes"))
		perr(p, "%s takes 'yes' or nothing", name);
	else
		*flag = true;
}

static void d_prostitution(struct parser *p, char *v)
{
	d_flag(p, v, &p->entry->pub.prostitution, "prostitution");
}

static void d_ask(struct parser *p, char *v)
{
	d_flag(p, v, &p->entry->pub.ask_subdivision, "ask-subdivision");
}

static void d_sb1322(struct parser *p, char *v)
{
	if (p->entry->pub.has_sb1322)
		perr(p, "sb1322 is given twice");
	else
		p->entry->pub.has_sb1322 = parse_date(p, v, &p->entry->pub.sb1322);
}

static void d_repealed(struct parser *p, char *v)
{
	if (p->entry->pub.has_repealed)
		perr(p, "repealed is given twice");
	else
		p->entry->pub.has_repealed = parse_date(p, v, &p->entry->pub.repealed);
}

static void d_source(struct parser *p, char *v)
{
	append(p, &p->entry->pub.source, v);
}

static void add_word(struct parser *p, char *item, bool uncited)
{
	char *n;

	/* the file writes a number as <n> ('#' starts comments there) */
	while ((n = strstr(item, "<n>"))) {
		*n = '#';
		memmove(n + 1, n + 3, strlen(n + 3) + 1);
	}
	if (!phrase_valid(item)) {
		perr(p,
		     "'%.40s' is not a word pattern (lower-case words, a trailing '*', '#' for "
		     "a number)",
		     item);
		return;
	}
	if (p->ctx == CTX_DETENTION) {
		if (p->o->ndetention >= MAX_WORDS)
			perr(p, "too many detention words (at most %d)", MAX_WORDS);
		else
			p->o->detention[p->o->ndetention++] = save(p, item);
		return;
	}
	if (p->entry->nwords >= MAX_WORDS) {
		perr(p, "too many words for one offence (at most %d)", MAX_WORDS);
		return;
	}
	p->entry->words[p->entry->nwords].pattern = save(p, item);
	p->entry->words[p->entry->nwords++].uncited = uncited;
}

static void d_words(struct parser *p, char *v)
{
	each_item(p, v, add_word, false);
}

static void d_words_uncited(struct parser *p, char *v)
{
	each_item(p, v, add_word, true);
}

static void d_detention(struct parser *p, char *v)
{
	if (*v)
		perr(p, "detention takes no value");
	if (p->seen_detention)
		perr(p, "the detention block is given twice");
	p->seen_detention = true;
	p->ctx = CTX_DETENTION;
}

#define ANY_BLOCK ((1 << CTX_CODE) | (1 << CTX_OFFENCE) | (1 << CTX_DETENTION))
static const struct directive {
	const char *name;
	unsigned where; /* bit per enum ctx; 0: opens a block (anywhere) */
	void (*fn)(struct parser *, char *);
} directives[] = {
	{ "ruleset", 1 << CTX_HEADER, d_ruleset },
	{ "version", 1 << CTX_HEADER, d_version },
	{ "code", 0, d_code },
	{ "offence", 0, d_offence },
	{ "detention", 0, d_detention },
	{ "names", 1 << CTX_CODE, d_names },
	{ "default", 1 << CTX_CODE, d_default },
	{ "label", (1 << CTX_CODE) | (1 << CTX_OFFENCE), d_label },
	{ "prostitution", 1 << CTX_OFFENCE, d_prostitution },
	{ "ask-subdivision", 1 << CTX_OFFENCE, d_ask },
	{ "sb1322", 1 << CTX_OFFENCE, d_sb1322 },
	{ "repealed", 1 << CTX_OFFENCE, d_repealed },
	{ "source", 1 << CTX_OFFENCE, d_source },
	{ "words", (1 << CTX_OFFENCE) | (1 << CTX_DETENTION), d_words },
	{ "words-uncited", 1 << CTX_OFFENCE, d_words_uncited },
};

static void parse_line(struct parser *p, char *s)
{
	char *v, *end;
	const struct directive *d = NULL;
	bool indented = *s == ' ' || *s == '\t';

	/* '#' starts a comment at the start of a line or after a space */
	for (char *h = s; (h = strchr(h, '#')); h++)
		if (h == s || h[-1] == ' ' || h[-1] == '\t') {
			*h = '\0';
			break;
		}
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return;
	v = s + strcspn(s, " \t");
	if (*v)
		*v++ = '\0';
	while (*v == ' ' || *v == '\t')
		v++;
	for (size_t i = 0; i < ARRAY_SIZE(directives); i++)
		if (!strcmp(directives[i].name, s))
			d = &directives[i];
	if (!d) {
		perr(p, "unknown directive '%.40s'", s);
		return;
	}
	if (!d->where) {
		if (indented)
			perr(p, "%s opens a block: write it at the start of the line", s);
		d->fn(p, v);
		return;
	}
	if (p->ctx == CTX_SKIP)
		return; /* inside a block whose opening line was wrong: reported there */
	if (!(d->where & (1u << p->ctx))) {
		perr(p, "%s is not allowed %s", s,
		     p->ctx == CTX_HEADER ? "before the first block" : "in this block");
		return;
	}
	if (p->ctx != CTX_HEADER && !indented)
		perr(p, "%s belongs to the block above: indent it", s);
	d->fn(p, v);
}

static void finish(struct parser *p)
{
	struct offences *o = p->o;
	size_t ndefault = 0;

	p->line = 0;
	if (!o->name)
		perr(p, "the file has no ruleset line");
	for (size_t i = 0; i < o->ncodes; i++) {
		ndefault += o->codes[i].dflt;
		if (!o->codes[i].nnames) {
			p->line = o->codes[i].line;
			perr(p, "code %s has no names", o->codes[i].code);
		}
	}
	if (!ndefault) {
		p->line = 0;
		perr(p, "no code is the default (`default yes` on the code a bare section means)");
	}
	for (size_t i = 0; i < o->nentries; i++) {
		struct oentry *e = &o->entries[i];
		p->line = e->line;
		if (!e->pub.label)
			perr(p, "offence %s has no label", e->pub.cite);
		if (e->pub.has_sb1322 && !e->pub.prostitution)
			perr(p, "offence %s has an sb1322 date but is not marked prostitution",
			     e->pub.cite);
	}
}

enum sh_code offences_parse(const char *text, size_t len, const char *filename,
			    struct offences **out, struct buf *errors)
{
	struct parser p = { 0 };
	char line[LINE_MAX_LEN + 2];
	size_t i = 0;

	*out = NULL;
	if (!(p.o = calloc(1, sizeof(*p.o))))
		return SH_ENOMEM;
	arena_init(&p.o->arena);
	p.file = filename ? filename : "offences";
	p.errors = errors;
	while (i < len) {
		size_t n = 0;
		bool nul = false;
		p.line++;
		while (i < len && text[i] != '\n') {
			nul |= text[i] == '\0';
			if (n <= LINE_MAX_LEN)
				line[n++] = text[i];
			i++;
		}
		i++;
		line[n > LINE_MAX_LEN ? LINE_MAX_LEN : n] = '\0';
		if (nul)
			perr(&p, "the line holds a NUL byte");
		else if (n > LINE_MAX_LEN)
			perr(&p, "the line is longer than %d characters", LINE_MAX_LEN);
		else
			parse_line(&p, line);
	}
	finish(&p);
	if (p.nomem || p.nerrors) {
		enum sh_code rc = p.nomem ? SH_ENOMEM : SH_EINVAL;
		offences_free(p.o);
		return rc;
	}
	if (!p.o->version)
		p.o->version = "";
	*out = p.o;
	return SH_OK;
}

enum sh_code offences_load_file(const char *path, struct offences **out, struct buf *errors)
{
	struct buf text;
	enum sh_code rc;

	*out = NULL;
	buf_init(&text, FILE_MAX);
	if (!(rc = buf_read_file(&text, path, errors)))
		rc = offences_parse(text.data, text.len, path, out, errors);
	buf_release(&text);
	return rc;
}

void offences_free(struct offences *o)
{
	if (!o)
		return;
	arena_release(&o->arena);
	free(o);
}

const char *offences_name(const struct offences *o)
{
	return o->name;
}
const char *offences_version(const struct offences *o)
{
	return o->version;
}
size_t offences_count(const struct offences *o)
{
	return o->nentries;
}

const struct offence *offences_at(const struct offences *o, size_t i)
{
	return i < o->nentries ? &o->entries[i].pub : NULL;
}

/* ---- reading citations ---- */

struct cite {
	size_t code;		       /* index, or SIZE_MAX when no code was named */
	char section[SECTION_MAX + 1]; /* "647", "653.22", "288a" */
	char subs[SECTION_MAX + 1];    /* "(b)(1)" */
	char attached[4];	       /* letters written onto the number: "647b" */
};

static const char *const fillers[] = { "section",   "sections", "sec",	 "secs", "sect",   "s",
				       "ss",	    "no",	"of",	 "the",	 "viol",   "vio",
				       "violation", "per",	"under", "art",	 "article" };
static const char *const sub_words[] = { "subd",       "subds",	 "subdivision", "subdivisions",
					 "subsection", "subsec", "sub",		"para",
					 "paragraph",  "par",	 "clause",	"subparagraph" };

static bool word_in(const char *w, size_t n, const char *const *list, size_t nlist)
{
	for (size_t i = 0; i < nlist; i++)
		if (strlen(list[i]) == n && !strncmp(list[i], w, n))
			return true;
	return false;
}

/* The code whose name is the concatenation of words[0..n) (each of len[i] bytes). */
static size_t code_named(const struct offences *o, const char *const *words, const size_t *len,
			 size_t n)
{
	char sq[NAME_MAX_LEN + 1];
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (k + len[i] > NAME_MAX_LEN)
			return SIZE_MAX;
		memcpy(sq + k, words[i], len[i]);
		k += len[i];
	}
	sq[k] = '\0';
	for (size_t c = 0; c < o->ncodes; c++)
		for (size_t i = 0; i < o->codes[c].nnames; i++)
			if (!strcmp(o->codes[c].names[i], sq))
				return c;
	return SIZE_MAX;
}

/* The code named just before position `end` of t (words joined by spaces, '.', '&' or
 * ','), possibly followed by "section", "§" and the like; SIZE_MAX when none. */
static size_t code_before(const struct offences *o, const char *t, size_t end)
{
	const char *words[MAX_CODE_WORDS + 2];
	size_t len[MAX_CODE_WORDS + 2], n = 0, i = end, skip = 0;

	/* the words before, nearest first */
	while (i > 0 && n < ARRAY_SIZE(words)) {
		size_t w_end;
		while (i > 0 && strchr(" .,&$", t[i - 1]))
			i--;
		w_end = i;
		while (i > 0 && is_alnum(t[i - 1]))
			i--;
		if (i == w_end)
			break;
		words[n] = t + i;
		len[n++] = w_end - i;
	}
	/* "h&s 11350" is a code; "penal code section 647" names one after "section" */
	for (;;) {
		size_t best = SIZE_MAX;
		const char *w[MAX_CODE_WORDS];
		size_t l[MAX_CODE_WORDS];
		for (size_t k = 1; k <= MAX_CODE_WORDS && skip + k <= n; k++) {
			size_t c;
			for (size_t x = 0; x < k; x++) { /* in reading order */
				w[x] = words[skip + k - 1 - x];
				l[x] = len[skip + k - 1 - x];
			}
			if ((c = code_named(o, w, l, k)) != SIZE_MAX)
				best = c;
		}
		if (best != SIZE_MAX || skip >= n ||
		    !word_in(words[skip], len[skip], fillers, ARRAY_SIZE(fillers)))
			return best;
		skip++;
	}
}

/* The code named from position i of t ("647b PC", "647(b) of the Penal Code"). */
static size_t code_after(const struct offences *o, const char *t, size_t i)
{
	const char *words[MAX_CODE_WORDS];
	size_t len[MAX_CODE_WORDS], n = 0, best = SIZE_MAX;

	while (t[i] && n < MAX_CODE_WORDS) {
		size_t start;
		while (t[i] && strchr(" .,&", t[i]))
			i++;
		start = i;
		while (is_alnum(t[i]))
			i++;
		if (i == start)
			break;
		if (!n && word_in(t + start, i - start, fillers, ARRAY_SIZE(fillers)))
			continue; /* "of the" */
		words[n] = t + start;
		len[n++] = i - start;
		{
			size_t c = code_named(o, words, len, n);
			if (c != SIZE_MAX)
				best = c;
		}
	}
	return best;
}

static bool add_sub(struct cite *c, const char *s, size_t n)
{
	size_t have = strlen(c->subs);

	if (!n || n > 5 || have + n + 3 > sizeof(c->subs))
		return false;
	c->subs[have] = '(';
	memcpy(c->subs + have + 1, s, n);
	c->subs[have + n + 1] = ')';
	c->subs[have + n + 2] = '\0';
	return true;
}

/* Subdivisions after the number: "(b)(1)", " (b)", ", subd. (b)", " subdivision b",
 * "-b", ".b", " b". Returns where reading stopped. */
static size_t read_subs(const char *t, size_t i, struct cite *c)
{
	for (;;) {
		size_t j = i, w;
		bool named = false;

		while (t[j] == ' ' || t[j] == ',')
			j++;
		w = j;
		while (is_lower(t[w]))
			w++;
		if (w > j && word_in(t + j, w - j, sub_words, ARRAY_SIZE(sub_words))) {
			named = true;
			j = w;
			while (t[j] == '.' || t[j] == ' ')
				j++;
		}
		if (t[j] == '(') {
			size_t k = j + 1, s;
			while (t[k] == ' ')
				k++;
			s = k;
			while (is_alnum(t[k]))
				k++;
			if (k == s || k - s > 5)
				return i;
			{
				size_t e = k;
				while (t[e] == ' ')
					e++;
				if (t[e] != ')' || !add_sub(c, t + s, k - s))
					return i;
				i = e + 1;
			}
			continue;
		}
		/* a bare subdivision: after "subd.", or one letter after one space, '-' or '.' */
		{
			size_t k0 = named			   ? j
				    : (t[i] == '-' || t[i] == '.') ? i + 1
				    : (t[i] == ' ' && j == i + 1)  ? j
								   : SIZE_MAX,
			       k;
			if (k0 != SIZE_MAX) {
				for (k = k0; is_alnum(t[k]); k++)
					;
				if (k > k0 &&
				    (named ? k - k0 <= 4 : (k - k0 == 1 && is_lower(t[k0]))) &&
				    !(t[k] == '.' && is_alnum(t[k + 1])) &&
				    add_sub(c, t + k0, k - k0)) {
					i = k;
					continue;
				}
			}
		}
		return i;
	}
}

static size_t scan(const struct offences *o, const char *t, struct cite *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; t[i] && n < max; i++) {
		struct cite *c = &out[n];
		size_t j = i, nd = 0, na = 0, letters;

		if (!is_digit(t[i]) ||
		    (i && (is_digit(t[i - 1]) || (t[i - 1] == '.' && i > 1 && is_digit(t[i - 2])))))
			continue;
		memset(c, 0, sizeof(*c));
		/* the number: digits, then ".digits" parts (653.22, 236.1) */
		while (is_digit(t[j]) && nd < 7)
			c->section[nd++] = t[j++];
		if (is_digit(t[j])) {
			while (is_digit(t[j]))
				j++;
			i = j - 1; /* the loop's i++ lands on t[j], which may be the end */
			continue;  /* not a section number */
		}
		while (t[j] == '.' && is_digit(t[j + 1]) && nd + 6 < sizeof(c->section)) {
			c->section[nd++] = t[j++];
			while (is_digit(t[j]) && nd + 1 < sizeof(c->section))
				c->section[nd++] = t[j++];
		}
		c->section[nd] = '\0';
		/* letters written onto it: "647b", "647bpc" is not read as a citation */
		letters = j;
		while (is_lower(t[letters]))
			letters++;
		if (letters - j > 0 && letters - j <= 2) {
			memcpy(c->attached, t + j, letters - j);
			na = letters - j;
			j = letters;
			if (is_digit(t[j]) && !is_digit(t[j + 1])) /* "647b1" */
				add_sub(c, t + j++, 1);
		} else if (letters - j > 2) {
			/* "647pc": a code written onto the number */
			size_t code = code_after(o, t, j);
			if (code == SIZE_MAX) {
				/* skip what follows too (as before), but never the end */
				i = t[letters] ? letters : letters - 1;
				continue;
			}
		}
		c->attached[na] = '\0';
		j = read_subs(t, j, c);
		c->code = code_after(o, t, j);
		if (c->code == SIZE_MAX) {
			/* "pc647": letters right before the number, else words before it */
			size_t s = i;
			while (s > 0 && is_lower(t[s - 1]))
				s--;
			c->code = s < i ? code_before(o, t, i) : SIZE_MAX;
			if (c->code == SIZE_MAX)
				c->code = code_before(o, t, s);
		}
		n++;
		i = j ? j - 1 : 0;
	}
	return n;
}

/* The most specific offence of code `code` covering "section+subs"; *exact when equal. */
static const struct oentry *entry_for(const struct offences *o, size_t code, const char *key,
				      bool *exact)
{
	const struct oentry *best = NULL;
	size_t best_len = 0;

	for (size_t i = 0; i < o->nentries; i++) {
		const struct oentry *e = &o->entries[i];
		size_t l = strlen(e->section);
		if (e->code != code || strncmp(e->section, key, l) || (key[l] && key[l] != '('))
			continue;
		if (l >= best_len) {
			best = e;
			best_len = l;
			*exact = !key[l];
		}
	}
	return best;
}

static bool section_listed(const struct offences *o, size_t code, const char *section)
{
	size_t l = strlen(section);

	for (size_t i = 0; i < o->nentries; i++)
		if (o->entries[i].code == code && !strncmp(o->entries[i].section, section, l) &&
		    (!o->entries[i].section[l] || o->entries[i].section[l] == '('))
			return true;
	return false;
}

static size_t default_code(const struct offences *o)
{
	for (size_t i = 0; i < o->ncodes; i++)
		if (o->codes[i].dflt)
			return i;
	return 0;
}

/* Ranks what a match may report: prostitution first, then a missing subdivision, an
 * offence that was repealed, any other offence of the file. */
static int rank(const struct offence *e, bool needs_sub)
{
	if (!e)
		return 0;
	return e->prostitution ? 4 : needs_sub ? 3 : e->has_repealed ? 2 : 1;
}

void offences_classify(const struct offences *o, const char *text, struct offence_match *m)
{
	char folded[OFFENCE_TEXT_MAX * 2 + 1];
	struct cite cites[OFFENCES_MAX_CITES];
	size_t n, best_len = 0;
	int best = 0;

	memset(m, 0, sizeof(*m));
	phrase_fold(text, folded, sizeof(folded), PHRASE_CITE);
	n = scan(o, folded, cites, ARRAY_SIZE(cites));
	m->cited = n > 0;
	for (size_t i = 0; i < n; i++) {
		struct cite *c = &cites[i];
		size_t code = c->code == SIZE_MAX ? default_code(o) : c->code;
		char key[2 * SECTION_MAX + 8];
		const struct oentry *e;
		bool exact = false, needs;

		if (c->attached[0]) {
			/* "288a" when the file lists it; else "647b" reads as 647(b) */
			size_t sl = strlen(c->section), al = strlen(c->attached);
			char joined[sizeof(c->section) + sizeof(c->attached)];
			memcpy(joined, c->section, sl);
			memcpy(joined + sl, c->attached, al + 1);
			if (sl + al < sizeof(c->section) && section_listed(o, code, joined)) {
				memcpy(c->section, joined, sl + al + 1);
			} else {
				char subs[sizeof(c->subs)];
				snprintf(subs, sizeof(subs), "%s", c->subs);
				c->subs[0] = '\0';
				add_sub(c, c->attached, strlen(c->attached));
				snprintf(c->subs + strlen(c->subs),
					 sizeof(c->subs) - strlen(c->subs), "%s", subs);
			}
		}
		snprintf(key, sizeof(key), "%s%s", c->section, c->subs);
		e = entry_for(o, code, key, &exact);
		needs = e && e->pub.ask_subdivision && exact;
		if (!i || rank(e ? &e->pub : NULL, needs) > best) {
			snprintf(m->cite, sizeof(m->cite), "%s %s", o->codes[code].code, key);
			if (e && rank(&e->pub, needs) > best) {
				best = rank(&e->pub, needs);
				m->offence = &e->pub;
				m->needs_subdivision = needs;
			}
		}
		m->prostitution |= e && e->pub.prostitution;
	}
	/* the words, in a folding that also reads "pr0st1tute" */
	phrase_fold(text, folded, sizeof(folded), PHRASE_LEET);
	for (size_t i = 0; i < o->nentries; i++) {
		const struct oentry *e = &o->entries[i];
		for (size_t w = 0; w < e->nwords; w++) {
			size_t l = strlen(e->words[w].pattern);
			if ((e->words[w].uncited && m->cited) ||
			    !phrase_find(folded, e->words[w].pattern, NULL))
				continue;
			m->prostitution |= e->pub.prostitution;
			if (rank(&e->pub, false) > best ||
			    (rank(&e->pub, false) == best && !m->cite[0] && l > best_len)) {
				best = rank(&e->pub, false);
				best_len = l;
				m->offence = &e->pub;
				m->words = e->words[w].pattern;
				m->needs_subdivision = false;
			}
		}
	}
}

const char *offences_detention_words(const struct offences *o, const char *text)
{
	char folded[OFFENCE_TEXT_MAX * 2 + 1];

	phrase_fold(text, folded, sizeof(folded), PHRASE_LEET);
	for (size_t i = 0; i < o->ndetention; i++)
		if (phrase_find(folded, o->detention[i], NULL))
			return o->detention[i];
	return NULL;
}
