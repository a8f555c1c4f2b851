#ifndef SH_PHRASE_H
#define SH_PHRASE_H
/*
 * Finding words in what people type: "Child-Prostitutes", "childprostitute",
 * "pr0stitution", "PROSTITUCIÓN" and "15 year old prostitute" are all the words a rule
 * names. phrase_fold() reduces text to lower-case ASCII words separated by single
 * spaces; phrase_find() looks for a pattern in folded text. Pure, no allocation.
 *
 * A pattern is words separated by spaces. In a pattern:
 *   "word"   the word itself
 *   "stem*"  any word starting with stem ("prostitut*": prostitute, prostitution)
 *   "#"      a number or a number word ("15", "fifteen")
 * A space between pattern words matches a space or nothing ("child prostitute" also
 * finds "childprostitute"). A match starts and ends at word boundaries.
 */
#include <stdbool.h>
#include <stddef.h>

enum phrase_mode {
	PHRASE_WORDS, /* words only, separated by single spaces */
	PHRASE_LEET,  /* and digits inside a word that starts with a letter read as the
			 letters they imitate ("pr0st1tute") */
	PHRASE_CITE,  /* words, and the punctuation of citations kept: ( ) . , / & - and
			 "\u00a7" as '$' ("Pen. Code, $ 647, subd. (b)") */
};

/*
 * Folds text into out (size bytes, always NUL-terminated): letters lower-cased, accents
 * and full-width forms folded to ASCII, zero-width and soft-hyphen characters dropped,
 * everything else a word break (one space). Text beyond what fits is dropped (in the
 * word modes at a word boundary).
 */
void phrase_fold(const char *text, char *out, size_t size, enum phrase_mode mode);

/* Does folded text contain pattern? On a match, *at (may be NULL) is its offset. */
bool phrase_find(const char *folded, const char *pattern, size_t *at);

/* Is pattern well formed (lower-case letters, digits, spaces, a trailing '*' on a word,
 * '#' as a whole word)? For data files. */
bool phrase_valid(const char *pattern);

#endif
