#include "lib/common.h"
#include "core/phrase.h"
#include "core/witness.h"
#include "lib/arena.h"
#include "lib/catalog.h"

/*
 * The rules file is line-based: "directive value", '#' comments, blocks opened by
 * `notice`, `class NAME` and `rule NAME` (docs/witness-rules.md). The parser keeps
 * going after a mistake so an analyst sees every problem at once.
 */

#define LINE_MAX_LEN 1000
#define MAX_ERRORS 50
#define LABEL_MAX 60
#define HEADER_MAX 64	/* ruleset name, version */
#define SOURCE_MAX 2000 /* all source lines of one block together */
#define FILE_MAX (1024 * 1024)
#define NOTICE_DAYS_MAX 60
#define CLASS_NAME_MAX 32
#define CITE_MAX_SECTIONS 3 /* a class this small is cited by section in reasons */

/* The names the API returns (docs/contract.md); a rule must use one of them. */
static const char *const rule_names[] = { "PC 1347", "PC 1347.1",
					  N_("county policy") /* in Spanish reasons too */ };

const char *const witness_plan_part_keys[WITNESS_PLAN_NPARTS + 1] = { "exploiter_contact",
								      "safe_people_places",
								      "phone_social_media",
								      "leaving_placement",
								      "numbers_24_7",
								      "court_transport",
								      "waiting_area",
								      "support_person",
								      "address_confidentiality",
								      NULL };
const char *const witness_plan_part_labels[WITNESS_PLAN_NPARTS] = {
	"contact with the exploiter and associates",
	"safe people and places",
	"phone and social media",
	"if the youth leaves placement",
	"24/7 numbers",
	"court-day transport",
	"waiting area",
	"support person",
	"address confidentiality"
};

int witness_plan_part(const char *key)
{
	for (int i = 0; key && i < WITNESS_PLAN_NPARTS; i++)
		if (!strcmp(witness_plan_part_keys[i], key))
			return i;
	return -1;
}

struct wsection {
	char text[WITNESS_CHARGE_MAX + 1]; /* normalised, e.g. "273a(a)" */
	int line;
};

struct wclass {
	const char *name, *label, *label_es, *source;
	int line, label_line, label_es_line, sections_line;
	bool attempts;	  /* an attempt (PC 664/SECTION) of a listed section counts too */
	bool victim_only; /* only when the minor is the victim of the charge, not a witness */
	size_t nsections;
	struct wsection sections[WITNESS_MAX_SECTIONS];
};

struct wref {
	const char *name;
	int line;
};

struct wrule {
	const char *name; /* from rule_names */
	const char *source;
	int line, effective_line, ends_line, age_line, classes_line;
	bool has_effective, has_ends, has_age;
	struct sh_date effective, ends; /* ends: first day it no longer applies */
	int64_t eff_day, end_day;	/* days since the epoch; end_day INT64_MAX when open */
	int max_age;
	size_t nclasses;
	struct wref refs[WITNESS_MAX_RULE_CLASSES];
	size_t classes[WITNESS_MAX_RULE_CLASSES]; /* resolved indices into classes[] */
};

struct witness_rules {
	struct arena arena; /* every string below */
	const char *name, *version;
	int notice_days;
	const char *notice_source;
	size_t nclasses, nrules, ngroups;
	size_t groups[WITNESS_MAX_RULES]; /* first rule of each distinct name, file order */
	struct wclass classes[WITNESS_MAX_CLASSES];
	struct wrule rules[WITNESS_MAX_RULES];
};

enum ctx { CTX_HEADER, CTX_NOTICE, CTX_CLASS, CTX_RULE, CTX_SKIP, CTX_BLOCK, CTX_ANY };

struct parser {
	struct witness_rules *r;
	const char *file;
	struct buf *errors;
	int line;
	int nerrors;
	bool nomem;
	bool seen_block;
	enum ctx ctx;
	struct wclass *cls;
	struct wrule *rule;
	int ruleset_line, version_line, notice_line, days_line;
};

/* ---- small helpers ---- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}
static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}
static char to_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static const char *skip_space(const char *s)
{
	while (is_space(*s))
		s++;
	return s;
}

/* Length of prefix when s starts with it (ASCII case ignored), else 0. */
static size_t prefix_ci(const char *s, const char *prefix)
{
	size_t i;

	for (i = 0; prefix[i]; i++)
		if (to_lower(s[i]) != prefix[i])
			return 0;
	return i;
}

static int64_t day_of(struct sh_date d)
{
	return timefmt_days_from_civil(d.year, d.month, d.day);
}

/* A value quoted in a message: printable ASCII only, cut at 40 bytes. */
struct shown {
	char s[48];
};

static struct shown show(const char *v)
{
	struct shown out;
	size_t i, o = 0;

	for (i = 0; v[i] && o < 40; i++) {
		unsigned char c = (unsigned char)v[i];
		out.s[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (v[i]) {
		memcpy(out.s + o, "...", 3);
		o += 3;
	}
	out.s[o] = '\0';
	return out;
}

/* ---- charges ---- */

/* One section number: digits, up to two letters, then more ".digits[letters]". */
static const char *section_number(const char *s, char *out, size_t *o)
{
	for (;;) {
		size_t nd = 0, na = 0;

		while (is_digit(*s)) {
			if (++nd > 6)
				return NULL;
			out[(*o)++] = *s++;
		}
		if (!nd)
			return NULL;
		while (is_alpha(*s)) {
			if (++na > 2)
				return NULL;
			out[(*o)++] = to_lower(*s++);
		}
		if (*s != '.' || !is_digit(s[1]))
			return s;
		out[(*o)++] = *s++;
	}
}

/*
 * How people write a Penal Code charge, reduced to "PC 236.1(c)": the code's names and
 * words like "section", "subd." and "§" dropped, a lone letter after the number read as a
 * subdivision ("PC 647 b"). -1 when a word other than those remains ("VC 23152").
 */
static int plain_charge(const char *charge, char *out, size_t size)
{
	static const char *const skip[] = { "cal",	 "calif",	"california", "penal",
					    "pen",	 "code",	"pc",	      "cpc",
					    "section",	 "sections",	"sec",	      "sect",
					    "subd",	 "subdivision", "subsection", "para",
					    "paragraph", "of",		"the",	      "ca" };
	char f[WITNESS_CHARGE_TEXT_MAX * 2 + 8];
	size_t n = 0;
	bool number = false;

	phrase_fold(charge, f, sizeof(f), PHRASE_CITE);
	n = (size_t)snprintf(out, size, "PC ");
	for (const char *t = f; *t;) {
		size_t len = 0, k;
		bool known = false;
		if (*t == '.' && t[1] == '.')
			return -1; /* "236..1" */
		if (strchr(" ,$-", *t) || (*t == '.' && !(number && is_digit(t[1])))) {
			t++;
			continue;
		}
		if (*t == '(' || *t == ')' || *t == '/' || *t == '.') {
			if (n + 1 >= size)
				return -1;
			out[n++] = *t;
			number = *t == '/' ? false : number;
			t++;
			continue;
		}
		if (is_alpha(*t)) { /* a word ("pc" of "pc236.1" too) */
			while (is_alpha(t[len]))
				len++;
		} else { /* a number with its parts and letters: "236.1", "273a", "647b" */
			while (is_digit(t[len]) || is_alpha(t[len]) ||
			       (t[len] == '.' && is_digit(t[len + 1])))
				len++;
			if (!len)
				return -1; /* a character that is no part of a citation ("&", "#") */
		}
		for (k = 0; k < ARRAY_SIZE(skip) && !known; k++)
			known = strlen(skip[k]) == len && !strncmp(skip[k], t, len);
		/* "p.c.": two one-letter words */
		if (!known && len == 1 && *t == 'p' && t[1] == '.' && t[2] == 'c')
			known = true, len = 3;
		if (!known && len == 1 && *t == 'c' && number == false)
			known = true; /* the "c." of "P.C." before the number */
		if (known) {
			t += len;
			continue;
		}
		if (is_digit(*t)) {
			number = true;
		} else if (!number || len > 4) {
			return -1; /* a word that names no part of a Penal Code citation */
		} else if (n && out[n - 1] != '(') { /* "647 b": a subdivision */
			if (n + len + 3 >= size)
				return -1;
			out[n++] = '(';
			memcpy(out + n, t, len);
			n += len;
			out[n++] = ')';
			t += len;
			continue;
		}
		if (n + len + 1 >= size)
			return -1;
		memcpy(out + n, t, len);
		n += len;
		t += len;
	}
	out[n] = '\0';
	return number ? 0 : -1;
}

int witness_charge_normalise(const char *charge, char out[WITNESS_CHARGE_MAX + 1])
{
	char tmp[WITNESS_CHARGE_MAX + 1], plain[2 * WITNESS_CHARGE_MAX + 8];
	const char *s;
	size_t len = 0, o = 0, k;

	out[0] = '\0';
	if (!charge)
		return -1;
	while (charge[len])
		if (++len > WITNESS_CHARGE_TEXT_MAX)
			return -1;
	if (plain_charge(charge, plain, sizeof(plain)) || strlen(plain) > WITNESS_CHARGE_MAX + 3)
		return -1;
	/* every byte written below consumes at least one byte of input, so o <= len */
	s = skip_space(plain);
	if ((k = prefix_ci(s, "penal code")) || (k = prefix_ci(s, "p.c.")) ||
	    (k = prefix_ci(s, "pc")))
		s = skip_space(s + k);
	s = section_number(s, tmp, &o);
	if (!s)
		return -1;
	if (*s == '/') { /* "664/187": an attempt, its own entry in a class */
		tmp[o++] = *s++;
		s = section_number(s, tmp, &o);
		if (!s)
			return -1;
	}
	s = skip_space(s);
	while (*s == '(') {
		size_t n = 0;

		if (o + 2 > WITNESS_CHARGE_MAX)
			return -1;
		tmp[o++] = *s++;
		while (is_digit(*s) || is_alpha(*s)) {
			if (++n > 4 || o + 2 > WITNESS_CHARGE_MAX)
				return -1;
			tmp[o++] = to_lower(*s++);
		}
		if (!n || *s != ')')
			return -1;
		tmp[o++] = *s++;
		s = skip_space(s);
	}
	if (*s || o > WITNESS_CHARGE_MAX)
		return -1;
	tmp[o] = '\0';
	memcpy(out, tmp, o + 1);
	return 0;
}

/* A listed "236.1" matches "236.1" and "236.1(c)(1)", not "236.10"; "192(a)" not "192". */
static bool section_matches(const char *entry, const char *norm)
{
	size_t n = strlen(entry);

	return strncmp(entry, norm, n) == 0 && (norm[n] == '\0' || norm[n] == '(');
}

static bool class_matches(const struct wclass *c, const char *norm)
{
	for (size_t i = 0; i < c->nsections; i++)
		if (section_matches(c->sections[i].text, norm))
			return true;
	/* "664/288(a)": the attempt of a listed offence, when the class says attempts count */
	return c->attempts && !strncmp(norm, "664/", 4) && class_matches(c, norm + 4);
}

size_t witness_charge_classes(const struct witness_rules *r, const char *charge, const char **names,
			      size_t max)
{
	char norm[WITNESS_CHARGE_MAX + 1];
	size_t count = 0;

	if (witness_charge_normalise(charge, norm))
		return 0;
	for (size_t i = 0; i < r->nclasses; i++) {
		if (!class_matches(&r->classes[i], norm))
			continue;
		if (names && count < max)
			names[count] = r->classes[i].name;
		count++;
	}
	return count;
}

/* ---- parser ---- */

static void perr(struct parser *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void perr(struct parser *p, int line, const char *fmt, ...)
{
	va_list ap;

	p->nerrors++;
	if (!p->errors || p->nerrors > MAX_ERRORS + 1)
		return;
	if (p->nerrors == MAX_ERRORS + 1) {
		(void)buf_addf(p->errors, "%s:%d: too many errors, stopping here\n", p->file, line);
		return;
	}
	(void)buf_addf(p->errors, "%s:%d: ", p->file, line);
	va_start(ap, fmt);
	(void)buf_vaddf(p->errors, fmt, ap);
	va_end(ap);
	(void)buf_addch(p->errors, '\n');
}

static const char *save(struct parser *p, const char *s)
{
	const char *copy = arena_strdup(&p->r->arena, s);

	if (!copy)
		p->nomem = true;
	return copy;
}

/* Whole number from lo to hi, digits only. */
static int parse_int(const char *s, int lo, int hi, int *out)
{
	int v = 0, n = 0;

	for (; *s; s++) {
		if (!is_digit(*s) || ++n > 3)
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (!n || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static bool valid_class_name(const char *s)
{
	size_t n = 0;

	if (!(*s >= 'a' && *s <= 'z'))
		return false;
	for (; *s; s++, n++)
		if (!((*s >= 'a' && *s <= 'z') || is_digit(*s) || *s == '_') || n >= CLASS_NAME_MAX)
			return false;
	return true;
}

/* Next word of a list separated by spaces or commas; NULL at the end. Modifies *sp. */
static char *next_word(char **sp)
{
	char *s = *sp, *w;

	while (*s == ',' || is_space(*s))
		s++;
	if (!*s)
		return NULL;
	w = s;
	while (*s && *s != ',' && !is_space(*s))
		s++;
	if (*s)
		*s++ = '\0';
	*sp = s;
	return w;
}

/* Checks that the block just closed has everything it needs. */
static void end_block(struct parser *p)
{
	struct witness_rules *r = p->r;
	struct wclass *c = p->cls;
	struct wrule *u = p->rule;

	switch (p->ctx) {
	case CTX_NOTICE:
		if (!p->days_line)
			perr(p, p->notice_line,
			     "the notice block has no \"days-before-hearing\" line");
		if (!r->notice_source)
			perr(p, p->notice_line, "the notice block has no \"source\" line");
		break;
	case CTX_CLASS:
		if (!c->label_line)
			perr(p, c->line, "class \"%s\" has no \"label\" line", c->name);
		if (!c->label_es_line)
			c->label_es = c->label; /* the English words until it has its own */
		if (!c->sections_line)
			perr(p, c->line, "class \"%s\" has no sections", c->name);
		if (!c->source)
			perr(p, c->line, "class \"%s\" has no \"source\" line", c->name);
		break;
	case CTX_RULE:
		if (!u->effective_line)
			perr(p, u->line, "rule \"%s\" has no \"effective\" date", u->name);
		if (!u->age_line)
			perr(p, u->line, "rule \"%s\" has no \"max-age\" line", u->name);
		if (!u->classes_line)
			perr(p, u->line,
			     "rule \"%s\" has no charge classes (add a \"charge-any-of\" line)",
			     u->name);
		if (!u->source)
			perr(p, u->line, "rule \"%s\" has no \"source\" line", u->name);
		if (u->has_effective && u->has_ends && u->end_day <= u->eff_day)
			perr(p, u->ends_line,
			     "the \"ends\" date must be after the \"effective\" date");
		break;
	default: break;
	}
	p->cls = NULL;
	p->rule = NULL;
	p->ctx = CTX_SKIP;
}

static void open_block(struct parser *p)
{
	end_block(p);
	if (!p->seen_block && !p->r->name)
		perr(p, p->line, "missing \"ruleset\" line before the first block");
	p->seen_block = true;
}

static void d_ruleset(struct parser *p, char *v)
{
	if (p->ruleset_line) {
		perr(p, p->line, "duplicate \"ruleset\" line (first on line %d)", p->ruleset_line);
		return;
	}
	p->ruleset_line = p->line;
	if (strlen(v) > HEADER_MAX) {
		perr(p, p->line, "ruleset name too long (at most %d characters)", HEADER_MAX);
		return;
	}
	p->r->name = save(p, v);
}

static void d_version(struct parser *p, char *v)
{
	if (p->version_line) {
		perr(p, p->line, "duplicate \"version\" line (first on line %d)", p->version_line);
		return;
	}
	p->version_line = p->line;
	if (strlen(v) > HEADER_MAX) {
		perr(p, p->line, "version too long (at most %d characters)", HEADER_MAX);
		return;
	}
	p->r->version = save(p, v);
}

static void d_notice(struct parser *p, char *v)
{
	UNUSED(v);
	open_block(p);
	if (p->notice_line) {
		perr(p, p->line, "duplicate notice block (first on line %d)", p->notice_line);
		return;
	}
	p->notice_line = p->line;
	p->ctx = CTX_NOTICE;
}

static void d_class(struct parser *p, char *v)
{
	struct witness_rules *r = p->r;
	struct wclass *c;

	open_block(p);
	if (!valid_class_name(v)) {
		perr(p, p->line,
		     "bad class name \"%s\" (lower-case letters, digits and _, starting with a letter, "
		     "at most %d)",
		     show(v).s, CLASS_NAME_MAX);
		return;
	}
	for (size_t i = 0; i < r->nclasses; i++) {
		if (!strcmp(r->classes[i].name, v)) {
			perr(p, p->line, "duplicate class \"%s\" (first defined on line %d)", v,
			     r->classes[i].line);
			return;
		}
	}
	if (r->nclasses >= WITNESS_MAX_CLASSES) {
		perr(p, p->line, "too many classes (at most %d)", WITNESS_MAX_CLASSES);
		return;
	}
	c = &r->classes[r->nclasses++];
	c->name = save(p, v);
	c->line = p->line;
	p->cls = c;
	p->ctx = CTX_CLASS;
}

static void d_rule(struct parser *p, char *v)
{
	struct witness_rules *r = p->r;
	struct wrule *u;
	const char *name = NULL;

	open_block(p);
	for (size_t i = 0; i < ARRAY_SIZE(rule_names); i++)
		if (!strcmp(rule_names[i], v))
			name = rule_names[i];
	if (!name) {
		perr(p, p->line,
		     "unknown rule name \"%s\" (expected \"PC 1347\", \"PC 1347.1\" or \"county policy\")",
		     show(v).s);
		return;
	}
	if (r->nrules >= WITNESS_MAX_RULES) {
		perr(p, p->line, "too many rules (at most %d)", WITNESS_MAX_RULES);
		return;
	}
	u = &r->rules[r->nrules++];
	u->name = name;
	u->line = p->line;
	u->end_day = INT64_MAX;
	p->rule = u;
	p->ctx = CTX_RULE;
}

static void d_days(struct parser *p, char *v)
{
	if (p->days_line) {
		perr(p, p->line, "duplicate \"days-before-hearing\" line (first on line %d)",
		     p->days_line);
		return;
	}
	p->days_line = p->line;
	if (parse_int(v, 0, NOTICE_DAYS_MAX, &p->r->notice_days))
		perr(p, p->line, "bad number of days \"%s\" (a whole number from 0 to %d)",
		     show(v).s, NOTICE_DAYS_MAX);
}

/* A class's `label` or `label-es` line (key) into *label, its line number into *line. */
static void set_label(struct parser *p, const char *key, char *v, const char **label, int *line)
{
	if (*line) {
		perr(p, p->line, "duplicate \"%s\" line (first on line %d)", key, *line);
		return;
	}
	*line = p->line;
	if (strlen(v) > LABEL_MAX) {
		perr(p, p->line, "%s too long (at most %d characters)", key, LABEL_MAX);
		return;
	}
	*label = save(p, v);
}

static void d_label(struct parser *p, char *v)
{
	set_label(p, "label", v, &p->cls->label, &p->cls->label_line);
}

static void d_label_es(struct parser *p, char *v)
{
	set_label(p, "label-es", v, &p->cls->label_es, &p->cls->label_es_line);
}

static void d_attempts(struct parser *p, char *v)
{
	UNUSED(v);
	p->cls->attempts = true;
}

static void d_victim_only(struct parser *p, char *v)
{
	UNUSED(v);
	p->cls->victim_only = true;
}

static void d_sections(struct parser *p, char *v)
{
	struct wclass *c = p->cls;
	char norm[WITNESS_CHARGE_MAX + 1];
	char *w;

	if (!c->sections_line)
		c->sections_line = p->line;
	while ((w = next_word(&v))) {
		bool dup = false;

		if (witness_charge_normalise(w, norm)) {
			perr(p, p->line,
			     "bad section \"%s\" (write a Penal Code section such as 261.5 or 273a(a))",
			     show(w).s);
			continue;
		}
		for (size_t i = 0; i < c->nsections && !dup; i++) {
			if (!strcmp(c->sections[i].text, norm)) {
				perr(p, p->line,
				     "section %s is listed twice in class \"%s\" (also on line %d)",
				     norm, c->name, c->sections[i].line);
				dup = true;
			}
		}
		if (dup)
			continue;
		if (c->nsections >= WITNESS_MAX_SECTIONS) {
			perr(p, p->line, "too many sections in class \"%s\" (at most %d)", c->name,
			     WITNESS_MAX_SECTIONS);
			return;
		}
		memcpy(c->sections[c->nsections].text, norm, sizeof(norm));
		c->sections[c->nsections++].line = p->line;
	}
}

static bool rule_date(struct parser *p, const char *what, int *seen, const char *v,
		      struct sh_date *out)
{
	if (*seen) {
		perr(p, p->line, "duplicate \"%s\" line (first on line %d)", what, *seen);
		return false;
	}
	*seen = p->line;
	if (timefmt_parse_date(v, out)) {
		perr(p, p->line, "bad date \"%s\" (write YYYY-MM-DD, a real calendar day)",
		     show(v).s);
		return false;
	}
	return true;
}

static void d_effective(struct parser *p, char *v)
{
	struct wrule *u = p->rule;

	if (rule_date(p, "effective", &u->effective_line, v, &u->effective)) {
		u->has_effective = true;
		u->eff_day = day_of(u->effective);
	}
}

static void d_ends(struct parser *p, char *v)
{
	struct wrule *u = p->rule;

	if (rule_date(p, "ends", &u->ends_line, v, &u->ends)) {
		u->has_ends = true;
		u->end_day = day_of(u->ends);
	}
}

static void d_max_age(struct parser *p, char *v)
{
	struct wrule *u = p->rule;

	if (u->age_line) {
		perr(p, p->line, "duplicate \"max-age\" line (first on line %d)", u->age_line);
		return;
	}
	u->age_line = p->line;
	if (parse_int(v, 0, 17, &u->max_age)) {
		perr(p, p->line, "bad age \"%s\" (a whole number of years from 0 to 17)",
		     show(v).s);
		return;
	}
	u->has_age = true;
}

static void d_charge_any_of(struct parser *p, char *v)
{
	struct wrule *u = p->rule;
	char *w;

	if (u->classes_line) {
		perr(p, p->line,
		     "duplicate \"charge-any-of\" line (first on line %d; list every class "
		     "on one line)",
		     u->classes_line);
		return;
	}
	u->classes_line = p->line;
	while ((w = next_word(&v))) {
		bool dup = false;

		for (size_t i = 0; i < u->nclasses && !dup; i++)
			dup = !strcmp(u->refs[i].name, w);
		if (dup) {
			perr(p, p->line, "charge class \"%s\" is listed twice", show(w).s);
			continue;
		}
		if (u->nclasses >= WITNESS_MAX_RULE_CLASSES) {
			perr(p, p->line, "too many charge classes in one rule (at most %d)",
			     WITNESS_MAX_RULE_CLASSES);
			return;
		}
		u->refs[u->nclasses].name = save(p, w);
		u->refs[u->nclasses++].line = p->line;
		if (p->nomem)
			return;
	}
}

static void d_source(struct parser *p, char *v)
{
	const char **dst;
	const char *joined;

	if (p->ctx == CTX_NOTICE)
		dst = &p->r->notice_source;
	else if (p->ctx == CTX_CLASS)
		dst = &p->cls->source;
	else
		dst = &p->rule->source;
	/* several source lines make one text */
	if (*dst && strlen(*dst) + 1 + strlen(v) > SOURCE_MAX) {
		perr(p, p->line, "source too long (at most %d characters per block)", SOURCE_MAX);
		return;
	}
	if (!*dst && strlen(v) > SOURCE_MAX) {
		perr(p, p->line, "source too long (at most %d characters per block)", SOURCE_MAX);
		return;
	}
	joined =
		*dst ? arena_printf(&p->r->arena, "%s %s", *dst, v) : arena_strdup(&p->r->arena, v);
	if (!joined)
		p->nomem = true;
	*dst = joined;
}

static const struct directive {
	const char *name;
	enum ctx ctx; /* where it may appear */
	bool value;   /* takes a value */
	void (*fn)(struct parser *p, char *value);
} directives[] = {
	{ "ruleset", CTX_HEADER, true, d_ruleset },
	{ "version", CTX_HEADER, true, d_version },
	{ "notice", CTX_ANY, false, d_notice },
	{ "class", CTX_ANY, true, d_class },
	{ "rule", CTX_ANY, true, d_rule },
	{ "days-before-hearing", CTX_NOTICE, true, d_days },
	{ "label", CTX_CLASS, true, d_label },
	{ "label-es", CTX_CLASS, true, d_label_es },
	{ "sections", CTX_CLASS, true, d_sections },
	{ "attempts", CTX_CLASS, false, d_attempts },
	{ "victim-only", CTX_CLASS, false, d_victim_only },
	{ "effective", CTX_RULE, true, d_effective },
	{ "ends", CTX_RULE, true, d_ends },
	{ "max-age", CTX_RULE, true, d_max_age },
	{ "charge-any-of", CTX_RULE, true, d_charge_any_of },
	{ "source", CTX_BLOCK, true, d_source },
};

static const char *ctx_where(enum ctx c)
{
	switch (c) {
	case CTX_HEADER: return "in the header, before the first block";
	case CTX_NOTICE: return "in the notice block";
	case CTX_CLASS: return "in a class block";
	case CTX_RULE: return "in a rule block";
	case CTX_BLOCK: return "in a notice, class or rule block";
	default: return "anywhere";
	}
}

static const char *ctx_takes(enum ctx c)
{
	switch (c) {
	case CTX_HEADER: return "the header takes ruleset and version";
	case CTX_NOTICE: return "a notice block takes days-before-hearing and source";
	case CTX_CLASS: return "a class block takes label, label-es, sections and source";
	case CTX_RULE:
		return "a rule block takes effective, ends, max-age, charge-any-of and source";
	default: return "";
	}
}

static bool allowed(enum ctx where, enum ctx now)
{
	if (where == CTX_ANY || where == now)
		return true;
	return where == CTX_BLOCK && (now == CTX_NOTICE || now == CTX_CLASS || now == CTX_RULE);
}

/* Cuts a comment: '#' at the start or after a space. */
static void strip_comment(char *s)
{
	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '#' && (i == 0 || is_space(s[i - 1]))) {
			s[i] = '\0';
			return;
		}
	}
}

static void parse_line(struct parser *p, char *s)
{
	const struct directive *d = NULL;
	char *name, *value, *end;

	strip_comment(s);
	s = (char *)skip_space(s);
	end = s + strlen(s);
	while (end > s && is_space(end[-1]))
		*--end = '\0';
	if (!*s)
		return;
	name = s;
	while (*s && !is_space(*s))
		s++;
	if (*s)
		*s++ = '\0';
	value = (char *)skip_space(s);

	for (size_t i = 0; i < ARRAY_SIZE(directives); i++)
		if (!strcmp(directives[i].name, name))
			d = &directives[i];
	if (!d) {
		if (p->ctx == CTX_SKIP)
			return;
		perr(p, p->line, "unknown directive \"%s\" (%s)", show(name).s, ctx_takes(p->ctx));
		return;
	}
	if (p->ctx == CTX_SKIP && d->ctx != CTX_ANY && d->ctx != CTX_HEADER)
		return; /* inside a block already reported as wrong */
	if (!allowed(d->ctx, p->ctx)) {
		perr(p, p->line, "\"%s\" is not allowed here: it belongs %s", d->name,
		     ctx_where(d->ctx));
		return;
	}
	if (d->value && !*value) {
		perr(p, p->line, "\"%s\" needs a value", d->name);
		if (d->ctx == CTX_ANY)
			open_block(p); /* skip the block rather than blame its lines */
		return;
	}
	if (!d->value && *value)
		perr(p, p->line, "\"%s\" takes no value", d->name); /* then carry on without it */
	d->fn(p, value);
}

/* Checks that need the whole file: class references, overlapping rules. */
static void finish(struct parser *p)
{
	struct witness_rules *r = p->r;
	int last = p->line > 0 ? p->line : 1;

	end_block(p);
	if (!p->seen_block && !r->name)
		perr(p, last, "missing \"ruleset\" line");
	if (!p->notice_line)
		perr(p, last, "no \"notice\" block");
	if (!r->nrules)
		perr(p, last, "no rules");
	for (size_t i = 0; i < r->nrules; i++) {
		struct wrule *u = &r->rules[i];

		for (size_t k = 0; k < u->nclasses; k++) {
			size_t j;

			for (j = 0; j < r->nclasses; j++)
				if (!strcmp(r->classes[j].name, u->refs[k].name))
					break;
			if (j == r->nclasses)
				perr(p, u->refs[k].line,
				     "unknown charge class \"%s\" (no class block has that name)",
				     show(u->refs[k].name).s);
			else
				u->classes[k] = j;
		}
		for (size_t j = 0; j < i; j++) {
			const struct wrule *o = &r->rules[j];

			if (o->name != u->name || !o->has_effective || !u->has_effective)
				continue;
			if (o->eff_day < u->end_day && u->eff_day < o->end_day) {
				perr(p, u->line,
				     "duplicate rule \"%s\": its dates overlap the rule on line %d (a rule may "
				     "repeat only for a new period, with \"ends\" on the earlier one)",
				     u->name, o->line);
				break;
			}
		}
	}
	for (size_t i = 0; i < r->nrules; i++) {
		size_t j;

		for (j = 0; j < i; j++)
			if (r->rules[j].name == r->rules[i].name)
				break;
		if (j == i)
			r->groups[r->ngroups++] = i;
	}
	if (!r->version)
		r->version = "";
}

enum sh_code witness_rules_parse(const char *text, size_t len, const char *filename,
				 struct witness_rules **out, struct buf *errors)
{
	struct witness_rules *r = NULL;
	struct parser p;
	char line[LINE_MAX_LEN + 1];
	size_t pos = 0;
	enum sh_code rc = SH_OK;

	*out = NULL;
	if (!text)
		len = 0;
	r = calloc(1, sizeof(*r));
	if (!r) {
		rc = SH_ENOMEM;
		goto out;
	}
	arena_init(&r->arena);
	memset(&p, 0, sizeof(p));
	p.r = r;
	p.file = filename ? filename : "(rules)";
	p.errors = errors;
	p.ctx = CTX_HEADER;
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) /* a byte-order mark from an editor */
		pos = 3;
	while (pos < len && p.nerrors <= MAX_ERRORS && !p.nomem) {
		const char *start = text + pos;
		const char *nl = memchr(start, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - start) : len - pos;

		pos += n + (nl ? 1 : 0);
		p.line++;
		if (n && start[n - 1] == '\r')
			n--;
		if (n > LINE_MAX_LEN) {
			perr(&p, p.line, "line too long (over %d characters)", LINE_MAX_LEN);
			continue;
		}
		if (memchr(start, '\0', n)) {
			perr(&p, p.line, "line contains a NUL byte");
			continue;
		}
		memcpy(line, start, n);
		line[n] = '\0';
		parse_line(&p, line);
	}
	if (!p.nomem && p.nerrors <= MAX_ERRORS)
		finish(&p);
	if (p.nomem)
		rc = SH_ENOMEM;
	else if (p.nerrors)
		rc = SH_EINVAL;
	if (rc)
		goto out;
	*out = r;
	r = NULL;
out:
	witness_rules_free(r);
	return rc;
}

enum sh_code witness_rules_load_file(const char *path, struct witness_rules **out,
				     struct buf *errors)
{
	struct buf text;
	enum sh_code rc;

	*out = NULL;
	buf_init(&text, FILE_MAX);
	if (!(rc = buf_read_file(&text, path, errors)))
		rc = witness_rules_parse(text.data, text.len, path, out, errors);
	buf_release(&text);
	return rc;
}

void witness_rules_free(struct witness_rules *r)
{
	if (!r)
		return;
	arena_release(&r->arena);
	free(r);
}

const char *witness_rules_name(const struct witness_rules *r)
{
	return r->name;
}
const char *witness_rules_version(const struct witness_rules *r)
{
	return r->version;
}
const char *witness_rules_untranslated(const struct witness_rules *r)
{
	for (size_t i = 0; i < r->nclasses; i++)
		if (!r->classes[i].label_es_line)
			return r->classes[i].name;
	return NULL;
}
size_t witness_rules_count(const struct witness_rules *r)
{
	return r->ngroups;
}
int witness_notice_days(const struct witness_rules *r)
{
	return r->notice_days;
}

struct sh_date witness_notice_due(const struct witness_rules *r, struct sh_date hearing)
{
	struct sh_date due;

	timefmt_civil_from_days(day_of(hearing) - r->notice_days, &due.year, &due.month, &due.day);
	return due;
}

/* ---- evaluation ---- */

/* Appends a template (N_(), in src/lib/catalog.c) in English or Spanish. */
#define SAY(b, es, ...) (sh_error_text(es, line, sizeof(line), __VA_ARGS__), buf_adds(b, line))

static enum sh_code add_class_list(const struct witness_rules *r, const struct wrule *u, bool es,
				   struct buf *b)
{
	enum sh_code rc = SH_OK;
	const char *last = es ? " o " : " or "; /* before the last of a list */

	for (size_t k = 0; k < u->nclasses && !rc; k++) {
		const struct wclass *c = &r->classes[u->classes[k]];

		if (k)
			rc = buf_adds(b, k + 1 == u->nclasses ? last : ", ");
		if (!rc)
			rc = buf_adds(b, es ? c->label_es : c->label);
		if (rc || c->nsections > CITE_MAX_SECTIONS)
			continue;
		for (size_t i = 0; i < c->nsections && !rc; i++)
			rc = buf_addf(b, "%sPC %s",
				      i == 0		      ? " ("
				      : i + 1 == c->nsections ? last
							      : ", ",
				      c->sections[i].text);
		if (!rc)
			rc = buf_addch(b, ')');
	}
	return rc;
}

/* Why a rule has no version in effect on the motion date. */
static enum sh_code not_in_effect(const struct witness_rules *r, const char *name, int64_t mday,
				  const char *mdate, bool es, struct buf *b)
{
	const struct wrule *next = NULL, *prev = NULL;
	char d1[11], d2[11], line[WITNESS_REASON_MAX];

	for (size_t i = 0; i < r->nrules; i++) {
		const struct wrule *u = &r->rules[i];

		if (u->name != name)
			continue;
		if (u->eff_day > mday && (!next || u->eff_day < next->eff_day))
			next = u;
		if (u->has_ends && u->end_day <= mday && (!prev || u->end_day > prev->end_day))
			prev = u;
	}
	if (next)
		timefmt_format_date(next->effective, d1);
	if (prev)
		timefmt_format_date(prev->ends, d2);
	if (next && prev)
		return SAY(b, es,
			   N_("Not in effect on %s (%s applied to motions dated before %s; the "
			      "next version took effect %s)."),
			   mdate, name, d2, d1);
	if (prev)
		return SAY(b, es,
			   N_("Not in effect on %s (%s applies only to motions dated before %s)."),
			   mdate, name, d2);
	return SAY(b, es, N_("Not in effect on %s (%s took effect %s)."), mdate, name,
		   next ? d1 : N_("later"));
}

/* One rule's verdict into res, its reason in English or (es) in Spanish. */
static enum sh_code judge(const struct witness_rules *r, const char *name, int age,
			  struct sh_date motion, const char *const *charges, size_t ncharges,
			  bool victim, bool es, struct witness_result *res, struct buf *b)
{
	const struct wrule *u = NULL;
	const struct wclass *match = NULL;
	char mdate[11], norm[WITNESS_CHARGE_MAX + 1], hit[WITNESS_CHARGE_MAX + 1];
	char line[WITNESS_REASON_MAX];
	char *reason = es ? res->reason_es : res->reason;
	int64_t mday = day_of(motion);
	bool age_ok, not_victim = false;
	enum sh_code rc = SH_OK;

	buf_setlen(b, 0);
	res->rule = name;
	res->eligible = false;
	res->in_effect = false;
	res->age = age;
	res->source = NULL;
	reason[0] = '\0';
	timefmt_format_date(motion, mdate);
	for (size_t i = 0; i < r->nrules && !u; i++)
		if (r->rules[i].name == name && r->rules[i].eff_day <= mday &&
		    mday < r->rules[i].end_day)
			u = &r->rules[i];
	if (!u) {
		rc = not_in_effect(r, name, mday, mdate, es, b);
		goto out;
	}
	res->in_effect = true;
	res->source = u->source;
	/* the first required class, in the rule's order, that some charge falls in (a class
	 * that is about offences against the minor only when the minor is their victim) */
	for (size_t k = 0; k < u->nclasses && !match; k++) {
		const struct wclass *c = &r->classes[u->classes[k]];
		if (c->victim_only && !victim) {
			not_victim = true;
			continue;
		}
		for (size_t i = 0; i < ncharges && !match; i++) {
			if (!charges || !charges[i] || witness_charge_normalise(charges[i], norm))
				continue;
			if (class_matches(c, norm)) {
				match = c;
				memcpy(hit, norm, sizeof(hit));
			}
		}
	}
	age_ok = age <= u->max_age;
	if (age_ok && match) {
		res->eligible = true;
		rc = SAY(b, es,
			 N_("Eligible: the witness was %d on the motion date (%d or younger "
			    "required) and the charges include %s (PC %s)."),
			 age, u->max_age, es ? match->label_es : match->label, hit);
		goto out;
	}
	if (!age_ok)
		rc = SAY(b, es,
			 N_("Not eligible: the witness was %d on the motion date; %s covers "
			    "witnesses %d or younger."),
			 age, name, u->max_age);
	if (!rc && !match) {
		struct buf classes;

		buf_init(&classes, WITNESS_REASON_MAX - 1);
		rc = add_class_list(r, u, es, &classes);
		if (!rc)
			rc = SAY(b, es,
				 age_ok ? N_("Not eligible: no charge is %s.")
					: N_(" Also, no charge is %s."),
				 classes.data ? classes.data : "");
		buf_release(&classes);
	}
	if (!rc && !match && not_victim)
		rc = SAY(b, es,
			 N_(" (Offences against the minor count only when the minor is their "
			    "victim, not a witness to them.)"));
out:
	/* the county's own goal: said plainly, so no one takes it for the law */
	if (!rc && witness_rule_is_policy(name) && res->in_effect)
		rc = SAY(b, es,
			 N_(" This is the county's policy goal (Board motion), without "
			    "statutory force: it never makes a witness eligible in court."));
	if (rc == SH_ETOOBIG)
		rc = SH_EINTERNAL; /* the parser's limits keep every reason within the buffer */
	if (!rc)
		memcpy(reason, b->data, b->len + 1);
	return rc;
}

enum sh_code witness_evaluate(const struct witness_rules *r, struct sh_date birth_date,
			      struct sh_date motion_date, const char *const *charges,
			      size_t ncharges, bool victim, struct witness_result *out, size_t max,
			      size_t *n)
{
	struct buf reason;
	int age;
	enum sh_code rc = SH_OK;

	*n = 0;
	buf_init(&reason, WITNESS_REASON_MAX - 1);
	if (!timefmt_valid_date(birth_date.year, birth_date.month, birth_date.day) ||
	    !timefmt_valid_date(motion_date.year, motion_date.month, motion_date.day) ||
	    day_of(birth_date) > day_of(motion_date)) {
		rc = SH_EINVAL;
		goto out;
	}
	*n = r->ngroups;
	if (r->ngroups > max) {
		rc = SH_ETOOBIG;
		goto out;
	}
	age = timefmt_age_on(birth_date, motion_date);
	for (size_t g = 0; g < r->ngroups && !rc; g++)
		for (int es = 0; es < 2 && !rc; es++)
			rc = judge(r, r->rules[r->groups[g]].name, age, motion_date, charges,
				   ncharges, victim, es, &out[g], &reason);
	if (rc)
		*n = 0;
out:
	buf_release(&reason);
	return rc;
}

bool witness_rule_is_policy(const char *rule)
{
	return rule && !strcmp(rule, "county policy");
}

bool witness_statutory_eligible(const struct witness_rules *r, struct sh_date birth,
				struct sh_date motion, const char *const *charges, size_t ncharges,
				bool victim)
{
	struct witness_result res[WITNESS_MAX_RULES];
	size_t n = 0;
	bool eligible = false;

	if (witness_evaluate(r, birth, motion, charges, ncharges, victim, res, ARRAY_SIZE(res), &n))
		return false;
	for (size_t i = 0; i < n; i++)
		eligible |= res[i].eligible && !witness_rule_is_policy(res[i].rule);
	return eligible;
}

static struct sh_date date_of(int64_t day)
{
	struct sh_date d;

	timefmt_civil_from_days(day, &d.year, &d.month, &d.day);
	return d;
}

bool witness_last_motion_day(const struct witness_rules *r, struct sh_date birth,
			     struct sh_date from, const char *const *charges, size_t ncharges,
			     bool victim, struct sh_date *out)
{
	/* eligibility ends at a birthday or a rule's end and does not come back: search for
	 * the last eligible day between `from` and the witness's 20th birthday */
	int64_t lo = day_of(from), hi = day_of(birth) + 20 * 366;

	if (!witness_statutory_eligible(r, birth, from, charges, ncharges, victim))
		return false;
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;
		if (witness_statutory_eligible(r, birth, date_of(mid), charges, ncharges, victim))
			lo = mid;
		else
			hi = mid;
	}
	*out = date_of(lo);
	return true;
}
