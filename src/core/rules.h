#ifndef SH_RULES_H
#define SH_RULES_H
/*
 * The rules safeharbor enforces or flags (domain.md, "Rules the system enforces"):
 * the SB 1322 guardrail on prostitution arrests of minors, protocol deviations,
 * victim-centred language, and routing a new case to the agencies that take part.
 * Pure functions: no I/O, no clock.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Is this offence PC 647(b) or PC 653.22 ("PC 647(b)", "647b", "pc 653.22(a)", ...)? */
bool rules_is_prostitution_offense(const char *offense);

/* The refusal text for a prostitution arrest of a minor: names SB 1322 and what to do. */
extern const char rules_sb1322_refusal[];

/*
 * The first derogatory label in text ("child prostitute", "teen prostitute",
 * "juvenile prostitute", "underage prostitute", any case, singular or plural), or
 * NULL. The phrase returned is the canonical one, not the caller's text.
 */
const char *rules_derogatory_phrase(const char *text);
/* The warning for a phrase found by rules_derogatory_phrase(). */
extern const char rules_language_advice[];

/* An agency as routing sees it. */
struct rules_agency {
	int64_t id;
	const char *kind;
	const char *const *areas; /* NULL-terminated; "*" serves every area */
	bool disabled;
};

/*
 * The agencies of `kind` that take part in a new case in `area`: those serving the
 * area by name first, else those serving every area ("*"); when none serves it and
 * exactly one enabled agency of that kind exists, that one. Writes at most one
 * agency id into *out (the first by the order given) and returns 1, else 0.
 */
int rules_route(const struct rules_agency *agencies, size_t n, const char *kind, const char *area,
		int64_t *out);

#endif
