#include "lib/common.h"
#include <ctype.h>
#include "core/rules.h"

const char rules_sb1322_refusal[] =
	"Refused: since 1 January 2017 (SB 1322) PC 647(b) and PC 653.22 do not apply to anyone "
	"under 18 at the time of the act. This youth is a victim of commercial sexual "
	"exploitation, not an offender: do not arrest; report to the child abuse hotline (child "
	"welfare) and continue the First Responder Protocol.";

const char rules_language_advice[] =
	"There is no such thing as a child prostitute (Board motion): the youth is a victim. Say "
	"\"commercially sexually exploited child\" or \"child victim of sex trafficking\". The "
	"text was saved as written.";

/* Lowercase letters and digits only: "PC 647(b)" -> "pc647b". */
static void squash(const char *s, char *out, size_t size)
{
	size_t n = 0;

	for (; *s && n + 1 < size; s++)
		if (isalnum((unsigned char)*s))
			out[n++] = (char)tolower((unsigned char)*s);
	out[n] = '\0';
}

bool rules_is_prostitution_offense(const char *offense)
{
	char s[64];
	const char *p;

	squash(offense, s, sizeof(s));
	p = strncmp(s, "pc", 2) ? s : s + 2;
	if (!strncmp(p, "penalcode", 9))
		p += 9;
	/* 647(b) and its sub-paragraphs; 653.22 and its subdivisions */
	return !strncmp(p, "647b", 4) || !strncmp(p, "65322", 5);
}

const char *rules_derogatory_phrase(const char *text)
{
	static const char *const words[] = { "child", "teen", "juvenile", "underage" };
	static const char *const phrases[] = { "child prostitute", "teen prostitute",
					       "juvenile prostitute", "underage prostitute" };
	size_t len = strlen(text);

	for (size_t i = 0; i < len; i++) {
		for (size_t w = 0; w < ARRAY_SIZE(words); w++) {
			size_t wl = strlen(words[w]);
			const char *p = text + i;
			if (i > 0 && isalpha((unsigned char)text[i - 1]))
				break;
			if (strncasecmp(p, words[w], wl))
				continue;
			p += wl;
			/* "child prostitute", "child-prostitute", "childprostitute" */
			while (*p == ' ' || *p == '-' || *p == '\t' || *p == '\n')
				p++;
			if (!strncasecmp(p, "prostitute", 10))
				return phrases[w];
		}
	}
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
