#include "lib/common.h"
#include "core/search.h"
#include "lib/catalog.h"

/* Latin letters with accents, U+00C0 to U+017F, as the ASCII letters a person types for them
 * ("" for the two signs in that block, which separate words). */
static const struct {
	unsigned lo, hi;
	const char *as;
} fold[] = {
	{ 0xC0, 0xC5, "a" },   { 0xC6, 0xC6, "ae" },  { 0xC7, 0xC7, "c" },
	{ 0xC8, 0xCB, "e" },   { 0xCC, 0xCF, "i" },   { 0xD0, 0xD0, "d" },
	{ 0xD1, 0xD1, "n" },   { 0xD2, 0xD6, "o" },   { 0xD7, 0xD7, "" },
	{ 0xD8, 0xD8, "o" },   { 0xD9, 0xDC, "u" },   { 0xDD, 0xDD, "y" },
	{ 0xDE, 0xDE, "th" },  { 0xDF, 0xDF, "ss" },  { 0xE0, 0xE5, "a" },
	{ 0xE6, 0xE6, "ae" },  { 0xE7, 0xE7, "c" },   { 0xE8, 0xEB, "e" },
	{ 0xEC, 0xEF, "i" },   { 0xF0, 0xF0, "d" },   { 0xF1, 0xF1, "n" },
	{ 0xF2, 0xF6, "o" },   { 0xF7, 0xF7, "" },    { 0xF8, 0xF8, "o" },
	{ 0xF9, 0xFC, "u" },   { 0xFD, 0xFD, "y" },   { 0xFE, 0xFE, "th" },
	{ 0xFF, 0xFF, "y" },   { 0x100, 0x105, "a" }, { 0x106, 0x10D, "c" },
	{ 0x10E, 0x111, "d" }, { 0x112, 0x11B, "e" }, { 0x11C, 0x123, "g" },
	{ 0x124, 0x127, "h" }, { 0x128, 0x131, "i" }, { 0x132, 0x133, "ij" },
	{ 0x134, 0x135, "j" }, { 0x136, 0x138, "k" }, { 0x139, 0x142, "l" },
	{ 0x143, 0x14B, "n" }, { 0x14C, 0x151, "o" }, { 0x152, 0x153, "oe" },
	{ 0x154, 0x159, "r" }, { 0x15A, 0x161, "s" }, { 0x162, 0x167, "t" },
	{ 0x168, 0x173, "u" }, { 0x174, 0x175, "w" }, { 0x176, 0x178, "y" },
	{ 0x179, 0x17E, "z" }, { 0x17F, 0x17F, "s" },
};

/* One UTF-8 sequence at s: its code point and length (an invalid byte: itself, length 1). */
static unsigned decode(const unsigned char *s, size_t *len)
{
	/* a continuation byte is never NUL, so no check reads past the end */
	*len = 1;
	if (s[0] < 0x80)
		return s[0];
	if ((s[0] & 0xE0) == 0xC0 && (s[1] & 0xC0) == 0x80) {
		*len = 2;
		return (unsigned)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
	}
	if ((s[0] & 0xF0) == 0xE0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
		*len = 3;
		return (unsigned)(s[0] & 0x0F) << 12 | (unsigned)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
	}
	if ((s[0] & 0xF8) == 0xF0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 &&
	    (s[3] & 0xC0) == 0x80) {
		*len = 4;
		return (unsigned)(s[0] & 0x07) << 18 | (unsigned)(s[1] & 0x3F) << 12 |
		       (unsigned)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
	}
	*len = 1;
	return 0xFFFD;
}

/* A word being built (normalised UTF-8). */
struct word {
	char b[SEARCH_WORD_MAX + 1];
	size_t len;
	bool full; /* a longer word is cut at a character boundary */
};

static void word_add(struct word *w, const char *s, size_t n)
{
	if (w->full || w->len + n > SEARCH_WORD_MAX) {
		w->full = true;
		return;
	}
	memcpy(w->b + w->len, s, n);
	w->len += n;
	w->b[w->len] = '\0';
}

/*
 * Splits text into normalised words: calls fn(word, arg) for each. Apostrophes join
 * ("O'Brien" is one word); other punctuation, spaces and dashes separate.
 */
static void words(const char *text, void (*fn)(const struct word *w, void *arg), void *arg)
{
	const unsigned char *s = (const unsigned char *)(text ? text : "");
	struct word w = { .len = 0 };

	while (*s) {
		size_t n;
		unsigned cp = decode(s, &n);
		const char *as = NULL;
		bool sep = false;

		if (cp < 0x80) {
			char ch = (char)cp;
			if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
				word_add(&w, &ch, 1);
			} else if (ch >= 'A' && ch <= 'Z') {
				ch = (char)(ch - 'A' + 'a');
				word_add(&w, &ch, 1);
			} else if (ch != '\'' && ch != '`') {
				sep = true;
			}
		} else if (cp == 0x2018 || cp == 0x2019 || cp == 0x02BC) {
			/* typographic apostrophes join, like ' */
		} else if (cp == 0xA0 || (cp >= 0x2000 && cp <= 0x206F) || cp == 0x3000 ||
			   cp == 0xFFFD || (cp >= 0x80 && cp < 0xC0)) {
			sep = true; /* spaces, dashes, general punctuation, invalid bytes */
		} else {
			for (size_t i = 0; i < ARRAY_SIZE(fold); i++)
				if (cp >= fold[i].lo && cp <= fold[i].hi)
					as = fold[i].as;
			if (as && !*as)
				sep = true;
			else if (as)
				word_add(&w, as, strlen(as));
			else
				word_add(&w, (const char *)s, n); /* another script: as written */
		}
		if (sep && w.len) {
			fn(&w, arg);
			w = (struct word){ .len = 0 };
		}
		s += n;
	}
	if (w.len)
		fn(&w, arg);
}

/* The number of characters of a normalised word (UTF-8). */
static size_t chars(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

struct emitter {
	void (*emit)(const char *term, void *arg);
	void *arg;
	struct word joined;
	int nwords;
};

static void emit_word(const struct word *w, struct emitter *e)
{
	char term[SEARCH_TERM_MAX];
	size_t nchars = 0;

	snprintf(term, sizeof(term), "n:%s", w->b);
	e->emit(term, e->arg);
	/* every prefix of 3 characters or more, the whole word included */
	for (size_t i = 0; i <= w->len; i++) {
		if (i < w->len && ((unsigned char)w->b[i] & 0xC0) == 0x80)
			continue; /* inside a character */
		if (nchars >= 3) {
			snprintf(term, sizeof(term), "p:%.*s", (int)i, w->b);
			e->emit(term, e->arg);
		}
		nchars++;
	}
}

static void on_word(const struct word *w, void *arg)
{
	struct emitter *e = arg;

	emit_word(w, e);
	word_add(&e->joined, w->b, w->len);
	e->nwords++;
}

void search_name_terms(const char *name, void (*emit)(const char *term, void *arg), void *arg)
{
	struct emitter e = { .emit = emit, .arg = arg };

	words(name, on_word, &e);
	if (e.nwords > 1 && e.joined.len)
		emit_word(&e.joined, &e);
}

void search_birth_term(const char *date, char out[SEARCH_TERM_MAX])
{
	snprintf(out, SEARCH_TERM_MAX, "b:%.10s", date ? date : "");
}

struct query {
	char (*out)[SEARCH_TERM_MAX];
	size_t max, n, nwords;
	bool short_word;
};

static void on_query_word(const struct word *w, void *arg)
{
	struct query *q = arg;
	char term[SEARCH_TERM_MAX];
	size_t nchars = chars(w->b, w->len);

	q->nwords++;
	if (nchars < 2) {
		q->short_word = true;
		return;
	}
	snprintf(term, sizeof(term), "%s:%s", nchars >= 3 ? "p" : "n", w->b);
	for (size_t i = 0; i < q->n; i++)
		if (!strcmp(q->out[i], term))
			return;
	if (q->n < q->max)
		snprintf(q->out[q->n++], SEARCH_TERM_MAX, "%s", term);
}

bool search_query_terms(const char *name, char (*out)[SEARCH_TERM_MAX], size_t max, size_t *n,
			const char **why)
{
	struct query q = { .out = out, .max = max };

	words(name, on_query_word, &q);
	*n = q.n;
	if (!q.nwords) {
		*why = N_("give at least one part of a name (letters or digits)");
		return false;
	}
	if (q.short_word) {
		*why = N_(
			"every part of the name needs at least 2 letters (an initial alone matches "
			"too many youth)");
		return false;
	}
	if (q.nwords > SEARCH_QUERY_WORDS || q.n > max) {
		*why = N_("give at most 6 parts of a name");
		return false;
	}
	return true;
}

static void initial(const char *name, char *out, size_t size)
{
	const unsigned char *s = (const unsigned char *)(name ? name : "");
	size_t used = strlen(out);

	/* the first letter as written (a whole UTF-8 character), upper-cased when ASCII */
	while (*s && !(*s >= 0x80 || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		       (*s >= '0' && *s <= '9')))
		s++;
	if (!*s)
		return;
	{
		size_t n;
		char ch[5] = { 0 };
		decode(s, &n);
		memcpy(ch, s, n);
		if (ch[0] >= 'a' && ch[0] <= 'z')
			ch[0] = (char)(ch[0] - 'a' + 'A');
		snprintf(out + used, size - used, "%s%s.", used ? " " : "", ch);
	}
}

void search_initials(const char *first, const char *last, char *out, size_t size)
{
	if (!size)
		return;
	out[0] = '\0';
	initial(first, out, size);
	initial(last, out, size);
}
