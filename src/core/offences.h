#ifndef SH_OFFENCES_H
#define SH_OFFENCES_H
/*
 * The offences the arrest guardrail recognises, as data (protocols/ca-offences.rules,
 * format in docs/offences.md): codes and the names people give them, offences by code,
 * section and subdivision with their SB 1322 and repeal dates and the words that name
 * them, and the words that make a placement a detention.
 *
 * offences_parse() turns the text into an immutable structure any number of threads
 * may share; offences_classify() reads what someone typed into an arrest record and
 * says which offence it names, however it is written. Pure: no I/O except
 * offences_load_file(), no clock, no globals.
 */
#include <stdbool.h>
#include <stddef.h>
#include "lib/buf.h"
#include "lib/error.h"
#include "lib/timefmt.h"

#define OFFENCE_TEXT_MAX 200 /* longest offence text looked at (the API refuses longer) */
#define OFFENCE_CITE_MAX 64  /* "PC 653.22(a)(1)(A)" */
#define OFFENCES_MAX_CITES 8 /* citations read from one text */

struct offences;

/* One offence of the file. */
struct offence {
	const char *code;  /* "PC" */
	const char *cite;  /* "PC 647(b)": code, section and subdivisions */
	const char *label; /* "soliciting, agreeing to engage in, ..." */
	const char *source;
	bool prostitution;    /* prostitution-related */
	bool ask_subdivision; /* a bare citation of the section names no offence */
	bool has_sb1322, has_repealed;
	struct sh_date sb1322;	 /* not for anyone under 18 at the act, from this day */
	struct sh_date repealed; /* no longer an offence from this day */
};

/* What a text names. */
struct offence_match {
	const struct offence *offence; /* the offence named (owned by the file), or NULL */
	char cite[OFFENCE_CITE_MAX];   /* the citation as read, normalised ("PC 647(b)(1)"),
					  or "" when named by words only */
	const char *words;	       /* the pattern that named it by words, or NULL */
	bool cited;		       /* the text cites some section */
	bool prostitution;	       /* some citation or words name a prostitution offence */
	bool needs_subdivision;	       /* a bare citation of an ask-subdivision section */
};

/*
 * Parses offences text (len bytes, not necessarily NUL-terminated); filename only in
 * messages. On failure returns SH_EINVAL (or SH_ENOMEM), *out NULL, and one
 * "FILE:LINE: message\n" per problem appended to errors (may be NULL). On success *out is
 * the caller's (offences_free). text is not kept.
 */
enum sh_code offences_parse(const char *text, size_t len, const char *filename,
			    struct offences **out, struct buf *errors);
/* Reads and parses a file (at most 1 MiB); errors as "FILE: message\n". */
enum sh_code offences_load_file(const char *path, struct offences **out, struct buf *errors);
void offences_free(struct offences *o); /* accepts NULL */

const char *offences_name(const struct offences *o);
const char *offences_version(const struct offences *o);
size_t offences_count(const struct offences *o);
const struct offence *offences_at(const struct offences *o, size_t i);

/*
 * Reads an offence text. Every citation in it is read (codes before or after the number,
 * "§", "section", "subd.", "subdivision", subdivisions in parentheses or attached,
 * "647b"), each matched to the most specific offence of the file; words are looked for
 * too. The offence reported is, in order: a prostitution offence (cited, then by words),
 * one that needs its subdivision, any other offence of the file cited. Never fails:
 * unknown text is simply no offence of the file.
 */
void offences_classify(const struct offences *o, const char *text, struct offence_match *m);

/* Does a placement description name a detention setting ("juvenile hall", "camp")?
 * The matching pattern, or NULL. */
const char *offences_detention_words(const struct offences *o, const char *text);

#endif
