#include "lib/common.h"
#include "lib/catalog.h"
#include "core/phrase.h"
#include "core/rules.h"

const char rules_language_advice[] =
	"There is no such thing as a child prostitute (Board motion): the youth is a victim. Say "
	"\"commercially sexually exploited child\" or \"child victim of sex trafficking\". The "
	"text was saved as written.";

/* Labels that make a child an offender (the Sheriff's 2015 memo and common usage), as
 * phrase patterns (core/phrase.h), and the canonical phrase reported for each. */
static const struct {
	const char *pattern, *phrase;
} labels[] = {
	{ "child prostitut*", "child prostitute" },
	{ "teen prostitut*", "teen prostitute" },
	{ "teenage prostitut*", "teenage prostitute" },
	{ "juvenile prostitut*", "juvenile prostitute" },
	{ "underage prostitut*", "underage prostitute" },
	{ "under age prostitut*", "underage prostitute" },
	{ "minor prostitut*", "minor prostitute" },
	{ "young prostitut*", "young prostitute" },
	{ "youth prostitut*", "youth prostitute" },
	{ "# year old prostitut*", "N-year-old prostitute" },
	{ "# yr old prostitut*", "N-year-old prostitute" },
	{ "# yo prostitut*", "N-year-old prostitute" },
	{ "teen hooker*", "teen hooker" },
	{ "underage hooker*", "underage hooker" },
	{ "child hooker*", "child hooker" },
	{ "underage sex worker*", "underage sex worker" },
	{ "under age sex worker*", "underage sex worker" },
	{ "child sex worker*", "child sex worker" },
	{ "teen sex worker*", "teen sex worker" },
	{ "juvenile sex worker*", "juvenile sex worker" },
	{ "minor sex worker*", "minor sex worker" },
};

const char *rules_derogatory_phrase(const char *text)
{
	size_t len = strlen(text);
	char stack[512], *folded = len < sizeof(stack) ? stack : malloc(len + 1);
	const char *found = NULL;

	if (!folded)
		return NULL;
	phrase_fold(text, folded, len + 1 < sizeof(stack) ? sizeof(stack) : len + 1, PHRASE_LEET);
	for (size_t i = 0; !found && i < ARRAY_SIZE(labels); i++)
		if (phrase_find(folded, labels[i].pattern, NULL))
			found = labels[i].phrase;
	if (folded != stack)
		free(folded);
	return found;
}

/* Words that say nothing ("n/a", "test", "see above"), folded. */
static const char *const filler[] = {
	"n a",	     "na",	  "none",   "nothing",	     "test",	    "testing",
	"asdf",	     "qwerty",	  "xxx",    "tbd",	     "todo",	    "see above",
	"see notes", "no reason", "reason", "justification", "lorem ipsum", "blah",
	"because",   "ok",	  "okay",   "yes",	     "no",	    "other",
	"dummy",     "abc",
};

const char *rules_justification_problem(const char *text)
{
	char folded[RULES_JUSTIFICATION_MAX + 1], distinct[16][24];
	size_t words = 0, real = 0, ndistinct = 0, letters = 0, counts[26] = { 0 }, most = 0;
	const char *w;

	phrase_fold(text, folded, sizeof(folded), PHRASE_WORDS);
	if (!folded[0])
		return N_("write why, in a sentence or two (it has no words)");
	for (w = folded; *w;) {
		size_t n = strcspn(w, " "), l = 0;
		bool seen = false;
		for (size_t i = 0; i < n; i++)
			if (w[i] >= 'a' && w[i] <= 'z') {
				l++;
				counts[w[i] - 'a']++;
			}
		letters += l;
		words++;
		if (l >= 2) {
			real++;
			for (size_t k = 0; k < ndistinct; k++)
				seen |= strlen(distinct[k]) == n && !strncmp(distinct[k], w, n);
			if (!seen && ndistinct < ARRAY_SIZE(distinct) && n < sizeof(distinct[0])) {
				memcpy(distinct[ndistinct], w, n);
				distinct[ndistinct++][n] = '\0';
			}
		}
		w += n;
		while (*w == ' ')
			w++;
	}
	for (size_t i = 0; i < ARRAY_SIZE(filler); i++)
		if (!strcmp(folded, filler[i]))
			return N_(
				"write why, in words of your own (a placeholder is not a reason)");
	for (size_t i = 0; i < 26; i++)
		most = counts[i] > most ? counts[i] : most;
	if (real < RULES_JUSTIFICATION_WORDS || ndistinct < RULES_JUSTIFICATION_WORDS - 1)
		return N_("write why, in a sentence of at least four different words");
	if (letters && most * 2 > letters)
		return N_("write why, in words (this looks like repeated characters)");
	return NULL;
}

static bool serves(const struct rules_agency *a, const char *area)
{
	for (const char *const *p = a->areas; p && *p; p++)
		if (!strcmp(*p, area))
			return true;
	return false;
}

int rules_route(const struct rules_agency *agencies, size_t n, const char *kind, const char *area,
		int64_t *out)
{
	const struct rules_agency *any = NULL, *only = NULL;
	int of_kind = 0;

	for (size_t i = 0; i < n; i++) {
		const struct rules_agency *a = &agencies[i];
		if (a->disabled || strcmp(a->kind, kind))
			continue;
		if (serves(a, area)) {
			*out = a->id;
			return 1;
		}
		if (!any && serves(a, "*"))
			any = a;
		if (!of_kind++)
			only = a;
	}
	if (any) {
		*out = any->id;
		return 1;
	}
	if (of_kind == 1) {
		*out = only->id;
		return 1;
	}
	return 0;
}
