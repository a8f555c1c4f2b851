#ifndef SH_CATALOG_H
#define SH_CATALOG_H
/*
 * The server's own words in Spanish: every message a refusal can carry (sh_error_set,
 * sh_error_field and the texts marked N_() or kept in the route table), keyed by its
 * English printf template. A Spanish template takes the same conversions in the same
 * order; tests/api/server-i18n.test.mjs extracts every template from src/ and fails when
 * one has no Spanish entry or the conversions differ.
 */

/* Marks a finished English text that reaches people through "%s" (a table's words), so
 * the catalogue's test finds it. */
#define N_(text) text

/* The Spanish for an English template or text (static), or NULL when there is none. */
const char *catalog_es(const char *english);

#endif
