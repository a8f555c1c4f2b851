#ifndef SH_SEARCH_H
#define SH_SEARCH_H
/*
 * Finding a youth by name, alias or birth date without storing either in the clear: the
 * words of a name are normalised (lower case, Latin accents folded: "José" is "jose",
 * "Müller" "muller", "O'Brien" "obrien"), and each becomes index terms that api/search.c
 * turns into keyed hashes (the blind index). This file only makes the terms; it knows no
 * key. A name part of several words ("De La Cruz", "Mary-Jane") is also indexed joined
 * ("delacruz", "maryjane").
 *
 * Terms: "n:WORD" for every word (exact), "p:PREFIX" for every prefix of 3 characters or
 * more of every word (the word itself included), "b:YYYY-MM-DD" for a birth date. A query
 * word of 3 characters or more looks up "p:WORD" (so "mar" finds "Maria"), a shorter one
 * "n:WORD"; a youth matches a query when it has every term of it.
 */
#include <stdbool.h>
#include <stddef.h>

#define SEARCH_WORD_MAX 64   /* bytes of one normalised word (longer words are cut) */
#define SEARCH_TERM_MAX 80   /* bytes of one term, "p:" and the word */
#define SEARCH_QUERY_WORDS 6 /* most words in one query */

/* Calls emit(term, arg) for every index term of a name part (a first name, a last name or
 * an alias); the same term may come twice. */
void search_name_terms(const char *name, void (*emit)(const char *term, void *arg), void *arg);

/* The term of a birth date "YYYY-MM-DD" into out (SEARCH_TERM_MAX bytes). */
void search_birth_term(const char *date, char out[SEARCH_TERM_MAX]);

/*
 * The terms a query for `name` looks up: at most max, each SEARCH_TERM_MAX bytes, without
 * duplicates. *n gets their number. false, with *why set to a sentence, when the query
 * cannot be answered: no word, a word of one character, more than SEARCH_QUERY_WORDS words.
 */
bool search_query_terms(const char *name, char (*out)[SEARCH_TERM_MAX], size_t max, size_t *n,
			const char **why);

/* The initials of a name ("Testa Synthetic" -> "T. S."; "" when there is no letter),
 * into out (at least 16 bytes). */
void search_initials(const char *first, const char *last, char *out, size_t size);

#endif
