#ifndef SH_WITNESS_H
#define SH_WITNESS_H
/*
 * Closed-circuit testimony (CCTV) eligibility for minor victim witnesses (motion
 * item 3). The law lives in a rules file (protocols/ca-cctv.rules, format in
 * docs/witness-rules.md): charge classes (Penal Code sections), rules with
 * effective dates, age limits and required charge classes, and the notice period.
 * A change in the law is an edit to that file, not to this code.
 *
 * witness_rules_parse() turns the text into an immutable structure that any
 * number of threads may share; witness_evaluate() judges one witness under every
 * rule. Pure: no I/O except witness_rules_load_file(), no clock, no globals.
 *
 * Reasons are written for prosecutors and advocates of several agencies: they
 * carry the witness's age on the motion date and dates of the law, never the
 * birth date, a name, or text the caller supplied (charges are quoted in their
 * normalised form only).
 */
#include <stdbool.h>
#include <stddef.h>
#include "lib/buf.h"
#include "lib/error.h"
#include "lib/timefmt.h"

/* Longest normalised charge ("236.1(c)(1)" is 11), and the longest text a charge may be
 * written as ("Cal. Penal Code section 236.1, subdivision (c)"). */
#define WITNESS_CHARGE_MAX 32
#define WITNESS_CHARGE_TEXT_MAX 120
/* Room for any reason the parser's limits allow (labels, classes per rule). */
#define WITNESS_REASON_MAX 2048
/* Parser limits; a file over them is refused with a message. */
#define WITNESS_MAX_CLASSES 16
#define WITNESS_MAX_SECTIONS 200   /* per class */
#define WITNESS_MAX_RULES 16	   /* rule blocks, counting every dated version */
#define WITNESS_MAX_RULE_CLASSES 8 /* classes one rule may require */

struct witness_rules;

/* One rule's verdict for one witness. */
struct witness_result {
	const char *rule; /* "PC 1347", "PC 1347.1" or "county policy" (static storage) */
	bool eligible;
	bool in_effect;	    /* false: the rule did not apply on the motion date */
	int age;	    /* the witness's age on the motion date */
	const char *source; /* the applied rule's `source` text (points into the rules);
			       NULL when not in effect */
	char reason[WITNESS_REASON_MAX];    /* one or two plain sentences */
	char reason_es[WITNESS_REASON_MAX]; /* the same in Spanish (class labels: `label-es`) */
};

/*
 * Parses rules text (not necessarily NUL-terminated; len bytes). filename is
 * used only in messages. On failure returns SH_EINVAL (or SH_ENOMEM), sets *out
 * to NULL and appends one "FILE:LINE: message\n" per problem to errors (which
 * may be NULL). On success *out is owned by the caller (witness_rules_free) and
 * nothing is appended. text is not kept.
 */
enum sh_code witness_rules_parse(const char *text, size_t len, const char *filename,
				 struct witness_rules **out, struct buf *errors);
/*
 * Reads and parses a file (at most 1 MiB). A read failure returns SH_EIO, an
 * oversized file SH_ETOOBIG, each with one "FILE: message\n" in errors.
 */
enum sh_code witness_rules_load_file(const char *path, struct witness_rules **out,
				     struct buf *errors);
void witness_rules_free(struct witness_rules *r); /* accepts NULL */

/* The file's `ruleset` and `version` lines (version "" when absent); owned by r. */
const char *witness_rules_name(const struct witness_rules *r);
const char *witness_rules_version(const struct witness_rules *r);
/* The first class without a `label-es` line (its Spanish reasons use the English label),
 * or NULL when every class has one. */
const char *witness_rules_untranslated(const struct witness_rules *r);
/* How many results witness_evaluate() writes: one per distinct rule name. */
size_t witness_rules_count(const struct witness_rules *r);

/*
 * The last day the prosecutor's written notice may be given for a hearing on
 * `hearing`: the hearing date minus the file's days-before-hearing (calendar days).
 */
struct sh_date witness_notice_due(const struct witness_rules *r, struct sh_date hearing);
int witness_notice_days(const struct witness_rules *r);

/*
 * Normalises a Penal Code reference: "PC 236.1", "pc236.1", "236.1", "P.C. 236.1 (c)",
 * "Penal Code § 236.1(c)(1)", "Cal. Penal Code section 236.1, subd. (c)", "236.1 c P.C."
 * become "236.1" or "236.1(c)" or "236.1(c)(1)": section and subdivisions, lower case, no
 * prefix, no spaces. Returns 0, or -1 when charge is NULL, empty, longer than
 * WITNESS_CHARGE_TEXT_MAX bytes or not a Penal Code section reference (e.g. "VC 23152",
 * "PC 236.1 felony"). The API layer must refuse empty and over-long charges itself
 * (422); the engine treats them, like any unrecognised text, as matching no class.
 */
int witness_charge_normalise(const char *charge, char out[WITNESS_CHARGE_MAX + 1]);

/*
 * The charge classes (e.g. "human_trafficking") a charge belongs to, in file
 * order. A listed section matches the charge's section and all its subdivisions;
 * a listed subdivision ("192(a)") matches only itself and its own subdivisions.
 * Writes up to max class names (owned by r) into names and returns how many
 * classes matched (0 for unknown or unrecognised charges; that is not an error).
 */
size_t witness_charge_classes(const struct witness_rules *r, const char *charge, const char **names,
			      size_t max);

/*
 * Judges a witness born on birth_date for a motion dated motion_date, with the
 * defendant's charges (any text; unrecognised charges match nothing; NULL entries
 * are skipped). Writes one result per distinct rule name, in file order, using the
 * version of that rule in effect on the motion date. Sets *n to the number of
 * results needed; returns SH_ETOOBIG (writing nothing) when max is too small,
 * SH_EINVAL (*n = 0) when a date is not a calendar date or the birth date is after
 * the motion date. victim: the minor is the victim of the charged offences (a class marked
 * victim-only, like PC 1347's violent felonies, counts only then), not only a witness. The court still makes its own findings: eligible means the
 * age, charge and date conditions of the rule are met, nothing more.
 */
enum sh_code witness_evaluate(const struct witness_rules *r, struct sh_date birth_date,
			      struct sh_date motion_date, const char *const *charges,
			      size_t ncharges, bool victim, struct witness_result *out, size_t max,
			      size_t *n);

/*
 * The parts of a minor witness's safety plan (motion item 3b: written jointly by the
 * advocate, the prosecutor and law enforcement), in the order they are shown: keys
 * (NULL-terminated) and the words for them. A plan is signed off only when every part the
 * county requires (the setting witness.plan_required_parts) is written.
 */
#define WITNESS_PLAN_NPARTS 9
extern const char *const witness_plan_part_keys[WITNESS_PLAN_NPARTS + 1];
extern const char *const witness_plan_part_labels[WITNESS_PLAN_NPARTS];
/* The index of a part's key, or -1. */
int witness_plan_part(const char *key);

/* Is this rule name the county's policy goal (no statutory force)? */
bool witness_rule_is_policy(const char *rule);
/* Does a statutory rule (not the county's policy goal) make the witness eligible for a
 * motion dated `motion`? */
bool witness_statutory_eligible(const struct witness_rules *r, struct sh_date birth,
				struct sh_date motion, const char *const *charges, size_t ncharges,
				bool victim);
/*
 * The last day a motion could be dated while a statutory rule still makes the witness
 * eligible (the day before the birthday that ends it, or a rule's end), looking from
 * `from`. false when the witness is not eligible on `from`.
 */
bool witness_last_motion_day(const struct witness_rules *r, struct sh_date birth,
			     struct sh_date from, const char *const *charges, size_t ncharges,
			     bool victim, struct sh_date *out);

#endif
