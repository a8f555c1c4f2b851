#include "lib/common.h"
#include "core/phrase.h"

/* Latin-1 letters U+00C0..U+00FF folded to ASCII ('\0': not a letter, a break) */
static const char latin1[64] = "aaaaaaaceeeeiiiidnooooo\0ouuuuyts"
			       "aaaaaaaceeeeiiiidnooooo\0ouuuuyty";

static bool is_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* One code point from UTF-8 s (advancing *s); 0xFFFD for a malformed sequence. */
static unsigned decode(const unsigned char **s)
{
	const unsigned char *p = *s;
	unsigned c = *p++, n, cp;

	if (c < 0x80) {
		*s = p;
		return c;
	}
	n = c >= 0xf0 && c < 0xf5 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 && c < 0xe0 ? 1 : 0;
	if (!n || c >= 0xf5) {
		*s = p;
		return 0xfffd;
	}
	cp = c & (0x3f >> n);
	for (unsigned i = 0; i < n; i++, p++) {
		if ((*p & 0xc0) != 0x80) {
			*s = p;
			return 0xfffd;
		}
		cp = cp << 6 | (*p & 0x3f);
	}
	*s = p;
	return cp;
}

/* The ASCII a code point folds to: a letter or digit, 0 for a break, 1 for nothing. */
static int fold_cp(unsigned cp)
{
	if (cp < 0x80) {
		if (cp >= 'A' && cp <= 'Z')
			return (int)(cp - 'A' + 'a');
		return is_word((char)cp) ? (int)cp : 0;
	}
	if (cp == 0xad || (cp >= 0x200b && cp <= 0x200d) || cp == 0x2060 || cp == 0xfeff)
		return 1; /* soft hyphen, zero-width characters: as if absent */
	if (cp >= 0xc0 && cp <= 0xff)
		return latin1[cp - 0xc0];
	if (cp >= 0xff10 && cp <= 0xff19)
		return (int)(cp - 0xff10 + '0');
	if (cp >= 0xff21 && cp <= 0xff3a)
		return (int)(cp - 0xff21 + 'a');
	if (cp >= 0xff41 && cp <= 0xff5a)
		return (int)(cp - 0xff41 + 'a');
	return 0;
}

static char leet(char c)
{
	switch (c) {
	case '0': return 'o';
	case '1': return 'i';
	case '3': return 'e';
	case '4': return 'a';
	case '5': return 's';
	case '7': return 't';
	case '8': return 'b';
	case '@': return 'a';
	case '$': return 's';
	default: return c;
	}
}

/* In citations: the punctuation kept, or 0. */
static char cite_punct(unsigned cp)
{
	if (cp < 0x80 && cp && strchr("().,/&-", (int)cp))
		return (char)cp;
	if (cp == 0xa7) /* section sign */
		return '$';
	if (cp == 0xff08 || cp == 0xff09) /* full-width parentheses */
		return cp == 0xff08 ? '(' : ')';
	if (cp >= 0x2010 && cp <= 0x2014) /* hyphens and dashes */
		return '-';
	return 0;
}

void phrase_fold(const char *text, char *out, size_t size, enum phrase_mode mode)
{
	const unsigned char *s = (const unsigned char *)(text ? text : "");
	size_t n = 0, word_start = 0;
	bool in_word = false, letter_word = false, pending = false;

	if (!size)
		return;
	while (*s) {
		unsigned cp = decode(&s);
		int c = fold_cp(cp);
		char punct = mode == PHRASE_CITE ? cite_punct(cp) : 0;

		if (mode == PHRASE_LEET && in_word && letter_word && (cp == '@' || cp == '$'))
			c = cp == '@' ? 'a' : 's';
		if (c == 1)
			continue;
		if (punct) {
			if (pending && n && n + 1 < size)
				out[n++] = ' ';
			if (n + 1 >= size)
				break;
			out[n++] = punct;
			in_word = pending = false;
			continue;
		}
		if (c == 0) {
			in_word = false;
			pending = true;
			continue;
		}
		if (!in_word) {
			if (n && (mode != PHRASE_CITE || pending) && n + 1 < size)
				out[n++] = ' ';
			word_start = n;
			letter_word = c >= 'a';
			in_word = true;
			pending = false;
		}
		if (mode == PHRASE_LEET && letter_word)
			c = leet((char)c);
		if (n + 1 >= size) {
			if (mode != PHRASE_CITE)
				n = word_start ? word_start - 1 : 0; /* never end inside a word */
			break;
		}
		out[n++] = (char)c;
	}
	out[n] = '\0';
}

static const char *const number_words[] = {
	"one",	   "two",     "three",	   "four",     "five",	   "six",      "seven",
	"eight",   "nine",    "ten",	   "eleven",   "twelve",   "thirteen", "fourteen",
	"fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
};

static size_t number_len(const char *s)
{
	size_t n = 0, best = 0;

	while (s[n] >= '0' && s[n] <= '9' && n < 3)
		n++;
	if (n)
		return n;
	for (size_t i = 0; i < ARRAY_SIZE(number_words); i++) {
		size_t l = strlen(number_words[i]);
		if (l > best && !strncmp(s, number_words[i], l))
			best = l;
	}
	return best;
}

static bool match_at(const char *p, const char *s, int depth)
{
	if (depth > 64)
		return false;
	for (;;) {
		if (!*p)
			return !*s || *s == ' ';
		if (*p == ' ') {
			/* a space: the words apart, or joined ("childprostitute") */
			p++;
			if (*s == ' ' && match_at(p, s + 1, depth + 1))
				return true;
			continue;
		}
		if (*p == '*') {
			p++;
			for (const char *t = s;; t++) {
				if (match_at(p, t, depth + 1))
					return true;
				if (!is_word(*t))
					return false;
			}
		}
		if (*p == '#') {
			size_t n = number_len(s);
			if (!n)
				return false;
			p++;
			s += n;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
}

bool phrase_find(const char *folded, const char *pattern, size_t *at)
{
	for (size_t i = 0; folded[i]; i++) {
		if (i && folded[i - 1] != ' ')
			continue;
		if (match_at(pattern, folded + i, 0)) {
			if (at)
				*at = i;
			return true;
		}
	}
	return false;
}

bool phrase_valid(const char *pattern)
{
	const char *p = pattern;

	if (!*p || *p == ' ')
		return false;
	for (; *p; p++) {
		if (*p == '*' && (p[1] && p[1] != ' '))
			return false;
		if (*p == '*' && (p == pattern || p[-1] == ' '))
			return false;
		if (*p == '#' && ((p > pattern && p[-1] != ' ') || (p[1] && p[1] != ' ')))
			return false;
		if (*p == ' ' && (p[1] == ' ' || !p[1]))
			return false;
		if (!is_word(*p) && !strchr(" *#", *p))
			return false;
	}
	return true;
}
