#ifndef SH_RULES_H
#define SH_RULES_H
/*
 * The rules safeharbor enforces or flags (docs/domain.md): victim-centred language,
 * the substance of a deviation's justification, and routing a new case to the agencies
 * that take part. The arrest guardrail itself is core/guardrail.h.
 * Pure functions: no I/O, no clock.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The first label that makes a child an offender in text ("child prostitute",
 * "teen-prostitutes", "15-year-old prostitute", "underage sex worker", "teen hooker",
 * any case, hyphens or spaces, plural), or NULL. The phrase returned is the canonical
 * one, not the caller's text (static storage).
 */
const char *rules_derogatory_phrase(const char *text);
/* The warning for a phrase found by rules_derogatory_phrase(). */
extern const char rules_language_advice[];

/*
 * A deviation's written justification must say something: at least
 * RULES_JUSTIFICATION_WORDS words of two letters or more, not all the same, not a
 * placeholder ("n/a", "test"), not one character repeated. NULL when it does, else what
 * is wrong (static text, for the person who wrote it). Only the first
 * RULES_JUSTIFICATION_MAX bytes are looked at.
 */
#define RULES_JUSTIFICATION_WORDS 4
#define RULES_JUSTIFICATION_MAX 4000
const char *rules_justification_problem(const char *text);

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
