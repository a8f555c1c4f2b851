#include "lib/common.h"
#include <dirent.h>
#include <setjmp.h>
#include <cmocka.h>
#include "core/witness.h"

/* Tests run from the repository root (make test). */
#define RULES_FILE "protocols/ca-cctv.rules"
#define BAD_DIR "tests/witness/bad"

enum { R1347, R1347_1, RCOUNTY, NRULES };

static struct witness_rules *load_real(void)
{
	struct witness_rules *r = NULL;
	struct buf errors = BUF_INIT;
	enum sh_code rc = witness_rules_load_file(RULES_FILE, &r, &errors);

	if (rc)
		fail_msg("%s does not parse:\n%s", RULES_FILE, errors.data);
	buf_release(&errors);
	return r;
}

static struct witness_rules *parse_text(const char *text)
{
	struct witness_rules *r = NULL;
	struct buf errors = BUF_INIT;

	if (witness_rules_parse(text, strlen(text), "test.rules", &r, &errors))
		fail_msg("test rules do not parse:\n%s", errors.data);
	buf_release(&errors);
	return r;
}

static struct sh_date date(const char *s)
{
	struct sh_date d;

	if (timefmt_parse_date(s, &d))
		fail_msg("bad date in test: %s", s);
	return d;
}

/* Evaluates and checks that no reason gives away the birth date. */
static void evaluate(const struct witness_rules *r, const char *birth, const char *motion,
		     const char *const *charges, size_t ncharges, struct witness_result *out,
		     size_t expect_n)
{
	size_t n = 99;

	assert_int_equal(witness_evaluate(r, date(birth), date(motion), charges, ncharges, true,
					  out, NRULES, &n),
			 SH_OK);
	assert_int_equal(n, expect_n);
	for (size_t i = 0; i < n; i++)
		if (strstr(out[i].reason, birth))
			fail_msg("reason shows the birth date: %s", out[i].reason);
}

static void real_file_parses(void **state)
{
	struct witness_rules *r = load_real();

	UNUSED(state);
	assert_string_equal(witness_rules_name(r), "ca-cctv");
	assert_int_equal(witness_rules_count(r), 3);
	assert_int_equal(witness_notice_days(r), 3);
	witness_rules_free(r);
}

/*
 * Ages 11 to 17 (and 18) around the birthday: the motion is filed the day before,
 * the day of and the day after the witness's birthday. Charges cover every rule.
 */
static void ages_around_birthdays(void **state)
{
	static const struct {
		const char *birth, *motion;
		int age;
		bool pc1347, pc1347_1, county;
	} rows[] = {
		/* motion 2024-03-15; birthday on 03-16 = the day before, 03-15 = the day of, 03-14 = after */
		{ "2013-03-16", "2024-03-15", 10, true, true, true },
		{ "2013-03-15", "2024-03-15", 11, true, true, true },
		{ "2013-03-14", "2024-03-15", 11, true, true, true },
		{ "2012-03-16", "2024-03-15", 11, true, true, true },
		{ "2012-03-15", "2024-03-15", 12, true, true, true },
		{ "2012-03-14", "2024-03-15", 12, true, true, true },
		{ "2011-03-16", "2024-03-15", 12, true, true, true },
		{ "2011-03-15", "2024-03-15", 13, true, true, true },
		{ "2011-03-14", "2024-03-15", 13, true, true, true },
		{ "2010-03-16", "2024-03-15", 13, true, true, true },
		{ "2010-03-15", "2024-03-15", 14, false, true, true },
		{ "2010-03-14", "2024-03-15", 14, false, true, true },
		{ "2009-03-16", "2024-03-15", 14, false, true, true },
		{ "2009-03-15", "2024-03-15", 15, false, true, true },
		{ "2009-03-14", "2024-03-15", 15, false, true, true },
		{ "2008-03-16", "2024-03-15", 15, false, true, true },
		{ "2008-03-15", "2024-03-15", 16, false, false, true },
		{ "2008-03-14", "2024-03-15", 16, false, false, true },
		{ "2007-03-16", "2024-03-15", 16, false, false, true },
		{ "2007-03-15", "2024-03-15", 17, false, false, true },
		{ "2007-03-14", "2024-03-15", 17, false, false, true },
		{ "2006-03-16", "2024-03-15", 17, false, false, true },
		{ "2006-03-15", "2024-03-15", 18, false, false, false },
		{ "2006-03-14", "2024-03-15", 18, false, false, false },
		/* a 29 February birthday: reached on 1 March in common years */
		{ "2010-02-28", "2024-02-28", 14, false, true, true },
		{ "2008-02-29", "2024-02-28", 15, false, true, true },
		{ "2008-02-29", "2024-02-29", 16, false, false, true },
		{ "2009-03-01", "2023-02-28", 13, true, true, true },
		{ "2008-02-29", "2021-02-28", 12, true, true, true },
		{ "2008-02-29", "2021-03-01", 13, true, true, true },
		{ "2008-02-29", "2022-02-28", 13, true, true, true },
		{ "2008-02-29", "2022-03-01", 14, false, true, true },
	};
	static const char *const charges[] = { "PC 288", "PC 236.1" };
	struct witness_rules *r = load_real();
	struct witness_result res[NRULES];
	char want[64];

	UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		evaluate(r, rows[i].birth, rows[i].motion, charges, 2, res, NRULES);
		snprintf(want, sizeof(want), "the witness was %d on the motion date", rows[i].age);
		for (int k = 0; k < NRULES; k++) {
			bool expect = k == R1347     ? rows[i].pc1347
				      : k == R1347_1 ? rows[i].pc1347_1
						     : rows[i].county;

			if (res[k].eligible != expect || res[k].age != rows[i].age ||
			    !res[k].in_effect || !strstr(res[k].reason, want))
				fail_msg("row %zu (born %s, motion %s) %s: eligible=%d age=%d: %s",
					 i, rows[i].birth, rows[i].motion, res[k].rule,
					 res[k].eligible, res[k].age, res[k].reason);
		}
	}
	witness_rules_free(r);
}

/* Each charge class, for a 12-year-old after every rule took effect. */
static void charge_classes(void **state)
{
	static const struct {
		const char *charge;
		bool pc1347, pc1347_1, county;
		const char *includes; /* for the eligible reasons */
	} rows[] = {
		{ "PC 288", true, false, false, "a sexual offence (PC 288)" },
		{ "PC 261.5(c)", true, false, false, "a sexual offence (PC 261.5(c))" },
		{ "pc 266h(b)", true, false, false, "a sexual offence (PC 266h(b))" },
		{ "PC 288(a)", true, false, false, "a sexual offence (PC 288(a))" },
		{ "PC 211", true, false, false, "a violent felony (PC 211)" },
		{ "PC 664/187(a)", true, false, false, "a violent felony (PC 664/187(a))" },
		{ "PC 192(a)", true, false, false, "a violent felony (PC 192(a))" },
		{ "PC 192(b)", false, false, false, NULL },    /* involuntary manslaughter */
		{ "PC 245(a)(1)", false, false, false, NULL }, /* serious, not violent */
		{ "PC 273a(a)", true, false, false, "felony child abuse (PC 273a(a))" },
		{ "PC 273a(b)", false, false, false, NULL }, /* the misdemeanour subdivision */
		{ "PC 273d", true, false, false, "felony child abuse (PC 273d)" },
		/* trafficking of a minor for sex is a sexual offence on the minor too [default] */
		{ "PC 236.1(c)", true, true, true, "a sexual offence (PC 236.1(c))" },
		/* an attempt of a listed sexual offence counts; of robbery it does not */
		{ "PC 664/288(a)", true, false, false, "a sexual offence (PC 664/288(a))" },
		{ "PC 664/211", false, false, false, NULL },
		{ "236.1", false, true, true, "human trafficking (PC 236.1)" },
		{ "PC 236.10", false, false, false, NULL },
		{ "PC 459", false, false, false, NULL }, /* burglary: unrelated */
		{ "VC 23152(a)", false, false, false, NULL },
		{ "", false, false, false, NULL },
		{ "Jane Doe", false, false, false, NULL }, /* garbage is never echoed */
	};
	struct witness_rules *r = load_real();
	struct witness_result res[NRULES];
	char want[160];

	UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		const char *charges[] = { rows[i].charge };

		evaluate(r, "2012-01-10", "2024-03-15", charges, 1, res, NRULES);
		for (int k = 0; k < NRULES; k++) {
			bool expect = k == R1347     ? rows[i].pc1347
				      : k == R1347_1 ? rows[i].pc1347_1
						     : rows[i].county;

			if (res[k].eligible != expect)
				fail_msg("charge \"%s\" %s: eligible=%d: %s", rows[i].charge,
					 res[k].rule, res[k].eligible, res[k].reason);
			if (expect && k == R1347) {
				snprintf(want, sizeof(want), "and the charges include %s.",
					 rows[i].includes);
				if (!strstr(res[k].reason, want))
					fail_msg("charge \"%s\" %s: %s", rows[i].charge,
						 res[k].rule, res[k].reason);
			}
			if (!strcmp(rows[i].charge, "Jane Doe") && strstr(res[k].reason, "Jane"))
				fail_msg("reason echoes caller text: %s", res[k].reason);
		}
		if (!rows[i].pc1347)
			assert_string_equal(
				res[R1347].reason,
				"Not eligible: no charge is a sexual offence, a violent felony or "
				"felony child abuse (PC 273a(a) or PC 273d).");
	}
	witness_rules_free(r);
}

static void reasons(void **state)
{
	static const char *const sexual[] = { "PC 288" };
	static const char *const trafficking[] = { "PC 236.1(c)(1)" };
	static const char *const burglary[] = { "PC 459" };
	struct witness_rules *r = load_real();
	struct witness_result res[NRULES];

	UNUSED(state);
	evaluate(r, "2010-06-15", "2024-03-15", sexual, 1, res, NRULES);
	assert_string_equal(res[R1347].rule, "PC 1347");
	assert_string_equal(res[R1347_1].rule, "PC 1347.1");
	assert_string_equal(res[RCOUNTY].rule, "county policy");
	assert_string_equal(
		res[R1347].reason,
		"Eligible: the witness was 13 on the motion date (13 or younger required) "
		"and the charges include a sexual offence (PC 288).");
	assert_string_equal(res[R1347].reason_es,
			    "Reúne los requisitos: el testigo tenía 13 años en la fecha de la "
			    "moción (se exigen 13 años o menos) y los cargos incluyen un delito "
			    "sexual (PC 288).");
	assert_non_null(res[R1347].source);
	assert_string_equal(res[R1347_1].reason,
			    "Not eligible: no charge is human trafficking (PC 236.1).");
	assert_string_equal(res[R1347_1].reason_es, "No reúne los requisitos: ningún cargo es "
						    "un delito de trata de personas (PC 236.1).");

	evaluate(r, "2010-03-14", "2024-03-15", sexual, 1, res, NRULES);
	assert_string_equal(res[R1347].reason,
			    "Not eligible: the witness was 14 on the motion date; PC 1347 covers "
			    "witnesses 13 or younger.");
	assert_string_equal(res[R1347].reason_es,
			    "No reúne los requisitos: el testigo tenía 14 años en la fecha de la "
			    "moción; PC 1347 ampara a testigos de 13 años o menos.");

	evaluate(r, "2008-01-01", "2024-03-15", burglary, 1, res, NRULES);
	assert_string_equal(
		res[R1347_1].reason,
		"Not eligible: the witness was 16 on the motion date; PC 1347.1 covers "
		"witnesses 15 or younger. Also, no charge is human trafficking (PC 236.1).");
	assert_string_equal(
		res[R1347_1].reason_es,
		"No reúne los requisitos: el testigo tenía 16 años en la fecha de la "
		"moción; PC 1347.1 ampara a testigos de 15 años o menos. Además, ningún "
		"cargo es un delito de trata de personas (PC 236.1).");
	assert_string_equal(res[R1347].reason_es,
			    "No reúne los requisitos: el testigo tenía 16 años en la fecha de la "
			    "moción; PC 1347 ampara a testigos de 13 años o menos. Además, ningún "
			    "cargo es un delito sexual, un delito grave violento o un delito grave "
			    "de maltrato infantil (PC 273a(a) o PC 273d).");

	evaluate(r, "2006-03-15", "2024-03-15", trafficking, 1, res, NRULES);
	assert_string_equal(
		res[RCOUNTY].reason,
		"Not eligible: the witness was 18 on the motion date; county policy covers "
		"witnesses 17 or younger. This is the county's policy goal (Board motion), "
		"without statutory force: it never makes a witness eligible in court.");
	assert_string_equal(res[RCOUNTY].reason_es,
			    "No reúne los requisitos: el testigo tenía 18 años en la fecha de la "
			    "moción; la política del condado ampara a testigos de 17 años o menos. "
			    "Es una meta de política del condado (moción de la Junta), sin fuerza "
			    "de ley: nunca hace que un testigo reúna los requisitos ante el "
			    "tribunal.");
	assert_null(witness_rules_untranslated(r)); /* every class of the file has label-es */
	witness_rules_free(r);
}

/* PC 1347.1 and the county policy judge only motions dated on or after they took effect. */
static void effective_dates(void **state)
{
	static const char *const trafficking[] = { "PC 236.1" };
	struct witness_rules *r = load_real();
	struct witness_result res[NRULES];

	UNUSED(state);
	evaluate(r, "2002-05-01", "2016-05-01", trafficking, 1, res, NRULES);
	assert_false(res[R1347_1].eligible);
	assert_false(res[R1347_1].in_effect);
	assert_null(res[R1347_1].source);
	assert_string_equal(res[R1347_1].reason,
			    "Not in effect on 2016-05-01 (PC 1347.1 took effect 2017-01-01).");
	assert_string_equal(res[R1347_1].reason_es,
			    "No está en vigor el 2016-05-01 (PC 1347.1 rige desde 2017-01-01).");
	assert_true(res[R1347].in_effect);
	/* the county's goal dates from the motion's adoption, 2015-10-20 */
	evaluate(r, "2002-05-01", "2015-10-19", trafficking, 1, res, NRULES);
	assert_string_equal(res[RCOUNTY].reason,
			    "Not in effect on 2015-10-19 (county policy took effect 2015-10-20).");
	assert_string_equal(res[RCOUNTY].reason_es,
			    "No está en vigor el 2015-10-19 (la política del condado rige desde "
			    "2015-10-20).");

	evaluate(r, "2002-05-01", "2016-12-31", trafficking, 1, res, NRULES);
	assert_false(res[R1347_1].in_effect);
	evaluate(r, "2002-05-01", "2017-01-01", trafficking, 1, res, NRULES);
	assert_true(res[R1347_1].in_effect);
	assert_true(res[R1347_1].eligible); /* 14 */
	assert_true(res[RCOUNTY].eligible);
	witness_rules_free(r);
}

static const char versions_text[] =
	"ruleset test\n"
	"version 7\n"
	"notice\n  days-before-hearing 5\n  source test\n"
	"class human_trafficking\n  label human trafficking\n  sections 236.1\n  source test\n"
	"class sexual_offense\n  label a sexual offence\n  sections 261, 261.5, 288\n  source test\n"
	"rule PC 1347\n  effective 2000-01-01\n  ends 2030-01-01\n  max-age 13\n"
	"  charge-any-of sexual_offense\n  source old\n"
	"rule county policy\n  effective 2019-07-01\n  ends 2040-01-01\n  max-age 17\n"
	"  charge-any-of human_trafficking\n  source board\n"
	"rule PC 1347\n  effective 2031-01-01\n  max-age 14\n"
	"  charge-any-of human_trafficking sexual_offense\n  source new\n";

/* A class without label-es: its Spanish reasons use the English label. */
static void spanish_label_fallback(void **state)
{
	static const char *const none[] = { "PC 459" };
	struct witness_rules *r = parse_text(versions_text);
	struct witness_result res[2];
	size_t n;

	UNUSED(state);
	assert_string_equal(witness_rules_untranslated(r), "human_trafficking");
	assert_int_equal(witness_evaluate(r, date("2010-01-01"), date("2020-01-01"), none, 1, true,
					  res, 2, &n),
			 SH_OK);
	assert_string_equal(res[1].reason_es, "No reúne los requisitos: ningún cargo es human "
					      "trafficking (PC 236.1). Es una meta de política "
					      "del condado (moción de la Junta), sin fuerza de "
					      "ley: nunca hace que un testigo reúna los requisitos "
					      "ante el tribunal.");
	witness_rules_free(r);
}

/* The county policy with its own date, and a rule that changes over time. */
static void county_policy_and_versions(void **state)
{
	static const char *const both[] = { "PC 288", "PC 236.1" };
	struct witness_rules *r = parse_text(versions_text);
	struct witness_result res[NRULES];

	UNUSED(state);
	assert_int_equal(witness_rules_count(r), 2);
	assert_string_equal(witness_rules_version(r), "7");
	assert_int_equal(witness_notice_days(r), 5);

	evaluate(r, "2002-05-01", "2019-06-30", both, 2, res, 2);
	assert_string_equal(res[0].rule, "PC 1347");
	assert_string_equal(res[1].rule, "county policy");
	assert_string_equal(res[1].reason,
			    "Not in effect on 2019-06-30 (county policy took effect 2019-07-01).");
	evaluate(r, "2002-05-01", "2019-07-01", both, 2, res, 2);
	assert_true(res[1].eligible); /* 17 */
	assert_string_equal(res[1].source, "board");
	evaluate(r, "2001-07-01", "2019-07-01", both, 2, res, 2);
	assert_false(res[1].eligible); /* 18 */
	evaluate(r, "2030-05-01", "2040-01-01", both, 2, res, 2);
	assert_string_equal(res[1].reason,
			    "Not in effect on 2040-01-01 (county policy applies only to "
			    "motions dated before 2040-01-01).");

	/* 14 on the motion date: too old for the old PC 1347, not for the new one */
	evaluate(r, "2015-12-31", "2029-12-31", both, 2, res, 2);
	assert_false(res[0].eligible);
	assert_string_equal(res[0].source, "old");
	evaluate(r, "2015-12-31", "2030-06-01", both, 2, res, 2);
	assert_false(res[0].in_effect);
	assert_string_equal(res[0].reason,
			    "Not in effect on 2030-06-01 (PC 1347 applied to motions dated before "
			    "2030-01-01; the next version took effect 2031-01-01).");
	evaluate(r, "2016-12-31", "2031-01-01", both, 2, res, 2);
	assert_true(res[0].eligible);
	assert_string_equal(res[0].source, "new");
	assert_string_equal(
		res[0].reason,
		"Eligible: the witness was 14 on the motion date (14 or younger required) "
		"and the charges include human trafficking (PC 236.1).");
	witness_rules_free(r);
}

static void notice_due(void **state)
{
	static const struct {
		const char *hearing, *due;
	} rows[] = {
		{ "2024-03-15", "2024-03-12" },
		{ "2024-03-02", "2024-02-28" }, /* across 29 February */
		{ "2023-03-02", "2023-02-27" },
		{ "2025-01-02", "2024-12-30" }, /* across the new year */
	};
	struct witness_rules *r = load_real();
	char out[11];

	UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		timefmt_format_date(witness_notice_due(r, date(rows[i].hearing)), out);
		assert_string_equal(out, rows[i].due);
	}
	witness_rules_free(r);
}

static void normalise(void **state)
{
	static const struct {
		const char *in, *out; /* out NULL: refused */
	} rows[] = {
		{ "PC 236.1", "236.1" },
		{ "pc236.1", "236.1" },
		{ "236.1", "236.1" },
		{ "PC 236.1(c)", "236.1(c)" },
		{ "P.C. 236.1 (C)(1)", "236.1(c)(1)" },
		{ "Penal Code \xc2\xa7 236.1", "236.1" },
		{ "\xc2\xa7"
		  "288.5",
		  "288.5" },
		{ "  PC 266H ", "266h" },
		{ "PC 664/187(a)", "664/187(a)" },
		{ "PC 12022.53(d)", "12022.53(d)" },
		{ "PC 236.1                                                                                                                ",
		  "236.1" }, /* 120 bytes */
		{ "PC 236.1                                                                                                                 ",
		  NULL }, /* 121 bytes */
		{ "Cal. Penal Code section 236.1, subdivision (c)", "236.1(c)" },
		{ "Pen. Code, \xc2\xa7 288, subd. (a)", "288(a)" },
		{ "236.1 c P.C.", "236.1(c)" },
		{ "288(a) of the Penal Code", "288(a)" },
		{ "CPC 664/288(a)", "664/288(a)" },
		{ "PC 236.1.", "236.1" }, /* the end of a sentence */
		{ "", NULL },
		{ "PC", NULL },
		{ "PC ", NULL },
		{ "VC 23152", NULL },
		{ "PC 236.1 felony", NULL },
		{ "PC 236.1(", NULL },
		{ "PC 236.1()", NULL },
		{ "PC 236..1", NULL },
		{ "human trafficking", NULL },
		{ "PC 1234567", NULL },
		/* a mark that is no part of a citation, after the number (found by the fuzzer:
		 * it used to loop for ever) */
		{ "PC 288 & 289", NULL },
		{ "PC 236.1 &", NULL },
	};
	char out[WITNESS_CHARGE_MAX + 1];

	UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		int rc = witness_charge_normalise(rows[i].in, out);

		if (rows[i].out ? rc != 0 || strcmp(out, rows[i].out) : rc != -1)
			fail_msg("normalise \"%s\": rc %d, \"%s\"", rows[i].in, rc, out);
	}
	assert_int_equal(witness_charge_normalise(NULL, out), -1);
}

static void classify(void **state)
{
	struct witness_rules *r = load_real();
	const char *names[4];

	UNUSED(state);
	assert_int_equal(witness_charge_classes(r, "PC 288(a)", names, 4), 2);
	assert_string_equal(names[0], "sexual_offense");
	assert_string_equal(names[1], "violent_felony");
	assert_int_equal(witness_charge_classes(r, "PC 288(a)", names, 1), 2); /* counts past max */
	assert_int_equal(witness_charge_classes(r, "PC 288", names, 4), 1);
	assert_string_equal(names[0], "sexual_offense");
	assert_int_equal(witness_charge_classes(r, "pc236.1", names, 4), 1);
	assert_string_equal(names[0], "human_trafficking");
	assert_int_equal(witness_charge_classes(r, "PC 9999", names, 4), 0);
	assert_int_equal(witness_charge_classes(r, "nonsense", NULL, 0), 0);
	witness_rules_free(r);
}

/*
 * Judgements on the motion date: birthdays (the day before, the day itself), leap days,
 * the statutes' effective dates, victim or witness, attempts. Each row: birth date,
 * motion date, charge, victim, and the expected eligibility under PC 1347, PC 1347.1 and
 * the county's policy goal.
 */
static void eligibility_table(void **state)
{
	static const struct {
		const char *birth, *motion, *charge;
		bool victim;
		bool pc1347, pc1347_1, county;
	} rows[] = {
		/* PC 1347: 13 or younger at the motion */
		{ "2010-05-01", "2024-04-30", "PC 288", true, true, false, false },  /* 13, eve */
		{ "2010-05-01", "2024-05-01", "PC 288", true, false, false, false }, /* 14 today */
		{ "2010-05-01", "2023-05-01", "PC 288", true, true, false, false },  /* 13 today */
		{ "2010-05-01", "2024-04-30", "PC 288", false, false, false,
		  false },							    /* a witness */
		{ "2010-05-01", "2024-04-30", "PC 211", true, true, false, false }, /* violent */
		{ "2010-05-01", "2024-04-30", "PC 211", false, false, false,
		  false }, /* witnessed */
		{ "2010-05-01", "2024-04-30", "PC 273d", true, true, false, false },
		{ "2010-05-01", "2024-04-30", "PC 273d", false, false, false, false },
		{ "2010-05-01", "2024-04-30", "PC 664/288", true, true, false, false },
		{ "2010-05-01", "2024-04-30", "PC 664/261", true, true, false, false },
		{ "2010-05-01", "2024-04-30", "PC 664/211", true, false, false, false },
		{ "2010-05-01", "2024-04-30", "PC 664/187", true, true, false, false }, /* listed */
		{ "2010-05-01", "2024-04-30", "PC 459", true, false, false, false },
		/* leap days: born 29 February, 14 on 1 March of a common year */
		{ "2012-02-29", "2026-02-28", "PC 288", true, true, false, false },
		{ "2012-02-29", "2026-03-01", "PC 288", true, false, false, false },
		{ "2012-02-29", "2024-02-29", "PC 288", true, true, false, false }, /* 12 */
		/* PC 1347.1: 15 or younger, trafficking, from 2017-01-01 */
		{ "2008-06-15", "2024-06-14", "PC 236.1", true, false, true, true },  /* 15 */
		{ "2008-06-15", "2024-06-15", "PC 236.1", true, false, false, true }, /* 16 */
		{ "2008-06-15", "2024-06-14", "PC 236.1", false, false, true, true }, /* witness */
		{ "2003-06-15", "2016-12-31", "PC 236.1", true, false, false,
		  true }, /* 1347.1 not yet */
		{ "2003-06-15", "2017-01-01", "PC 236.1", true, false, true, true }, /* in force */
		{ "2008-06-15", "2024-06-14", "PC 236.1(c)", true, false, true, true },
		{ "2011-06-15", "2024-06-14", "PC 236.1(c)", true, true, true, true }, /* 12 */
		{ "2011-06-15", "2024-06-14", "PC 236.1(c)", false, false, true, true },
		{ "2008-06-15", "2024-06-14", "Cal. Penal Code \xc2\xa7 236.1, subd. (c)", true,
		  false, true, true },
		/* the county's goal: any minor, trafficking, from 2015-10-20 */
		{ "2007-01-10", "2024-06-14", "PC 236.1", true, false, false, true },  /* 17 */
		{ "2006-01-10", "2024-06-14", "PC 236.1", true, false, false, false }, /* 18 */
		{ "2000-01-10", "2015-10-19", "PC 236.1", true, false, false, false },
		{ "2000-01-10", "2015-10-20", "PC 236.1", true, false, false, true },
		{ "2000-01-10", "2015-10-20", "PC 288", true, false, false, false },
		{ "2010-05-01", "2024-04-30", "VC 23152", true, false, false, false },
	};
	struct witness_rules *r = load_real();
	struct witness_result res[NRULES];
	size_t n;

	UNUSED(state);
	assert_true(ARRAY_SIZE(rows) >= 30);
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		const char *charges[] = { rows[i].charge };
		bool want[NRULES];
		want[R1347] = rows[i].pc1347;
		want[R1347_1] = rows[i].pc1347_1;
		want[RCOUNTY] = rows[i].county;
		n = 0;
		assert_int_equal(witness_evaluate(r, date(rows[i].birth), date(rows[i].motion),
						  charges, 1, rows[i].victim, res, NRULES, &n),
				 SH_OK);
		for (int k = 0; k < NRULES; k++)
			if (res[k].eligible != want[k])
				fail_msg("row %zu (%s, motion %s, %s, %s) %s: eligible=%d: %s", i,
					 rows[i].birth, rows[i].motion, rows[i].charge,
					 rows[i].victim ? "victim" : "witness", res[k].rule,
					 res[k].eligible, res[k].reason);
		/* statutory eligibility never counts the county's goal */
		assert_int_equal(witness_statutory_eligible(r, date(rows[i].birth),
							    date(rows[i].motion), charges, 1,
							    rows[i].victim),
				 rows[i].pc1347 || rows[i].pc1347_1);
	}
	witness_rules_free(r);
}

/* The last day a motion can be filed while a statutory rule makes the witness eligible. */
static void last_motion_day(void **state)
{
	static const char *const sexual[] = { "PC 288" };
	static const char *const trafficking[] = { "PC 236.1" };
	struct witness_rules *r = load_real();
	struct sh_date d;
	char s[11];

	UNUSED(state);
	assert_true(witness_last_motion_day(r, date("2010-05-01"), date("2024-01-10"), sexual, 1,
					    true, &d));
	timefmt_format_date(d, s);
	assert_string_equal(s, "2024-04-30"); /* the day before the 14th birthday */
	assert_true(witness_last_motion_day(r, date("2010-05-01"), date("2024-01-10"), trafficking,
					    1, true, &d));
	timefmt_format_date(d, s);
	assert_string_equal(s, "2026-04-30"); /* PC 1347.1: the day before the 16th */
	assert_false(witness_last_motion_day(r, date("2010-05-01"), date("2024-05-01"), sexual, 1,
					     true, &d));
	witness_rules_free(r);
}

static void evaluate_errors(void **state)
{
	static const char *const charges[] = { NULL, "PC 236.1" };
	struct witness_rules *r = load_real();
	struct witness_result res[NRULES];
	size_t n = 99;

	UNUSED(state);
	assert_int_equal(witness_evaluate(r, date("2024-03-16"), date("2024-03-15"), charges, 2,
					  true, res, NRULES, &n),
			 SH_EINVAL); /* born after the motion */
	assert_int_equal(n, 0);
	assert_int_equal(witness_evaluate(r, (struct sh_date){ 2010, 2, 30 }, date("2024-03-15"),
					  charges, 2, true, res, NRULES, &n),
			 SH_EINVAL);
	assert_int_equal(witness_evaluate(r, date("2010-01-01"), date("2024-03-15"), charges, 2,
					  true, res, 2, &n),
			 SH_ETOOBIG);
	assert_int_equal(n, 3);
	/* born on the motion date; a NULL charge is skipped */
	assert_int_equal(witness_evaluate(r, date("2024-03-15"), date("2024-03-15"), charges, 2,
					  true, res, NRULES, &n),
			 SH_OK);
	assert_int_equal(res[0].age, 0);
	assert_true(res[RCOUNTY].eligible);
	assert_int_equal(witness_evaluate(r, date("2010-01-01"), date("2024-03-15"), NULL, 0, true,
					  res, NRULES, &n),
			 SH_OK);
	assert_false(res[RCOUNTY].eligible);
	witness_rules_free(r);
}

/* Every file in tests/witness/bad starts with "# expect: LINE: message". */
static void bad_corpus(void **state)
{
	DIR *dir = opendir(BAD_DIR);
	struct dirent *e;
	int checked = 0;

	UNUSED(state);
	if (!dir)
		fail_msg("cannot open %s (run the tests from the repository root)", BAD_DIR);
	while ((e = readdir(dir))) {
		char path[512], first[512], want[600];
		struct witness_rules *r = (struct witness_rules *)1;
		struct buf errors = BUF_INIT;
		size_t len = strlen(e->d_name);
		char *nl, *msg, *end;
		long line;
		FILE *f;

		if (len < 7 || strcmp(e->d_name + len - 6, ".rules"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", BAD_DIR, e->d_name);
		f = fopen(path, "r");
		assert_non_null(f);
		if (!fgets(first, sizeof(first), f))
			first[0] = '\0';
		fclose(f);
		if ((nl = strchr(first, '\n')))
			*nl = '\0';
		if (strncmp(first, "# expect: ", 10))
			fail_msg("%s: first line must be \"# expect: LINE: message\"", path);
		line = strtol(first + 10, &end, 10);
		if (end == first + 10 || strncmp(end, ": ", 2))
			fail_msg("%s: first line must be \"# expect: LINE: message\"", path);
		msg = end + 2;
		snprintf(want, sizeof(want), "%s:%ld: %s", path, line, msg);
		if (witness_rules_load_file(path, &r, &errors) != SH_EINVAL || r)
			fail_msg("%s: parsed, expected \"%s\"", path, want);
		if (!strstr(errors.data, want))
			fail_msg("%s: expected \"%s\", got:\n%s", path, want, errors.data);
		buf_release(&errors);
		checked++;
	}
	closedir(dir);
	assert_true(checked >= 20);
}

static void parser_edges(void **state)
{
	static const char ok_crlf[] =
		"\xef\xbb\xbfruleset crlf\r\nnotice\r\n days-before-hearing 0\r\n source s # comment\r\n"
		"class c1\r\n label a thing\r\n sections 1\r\n source s\r\n"
		"rule PC 1347\r\n effective 1999-12-31\r\n max-age 0\r\n charge-any-of c1\r\n source s";
	static const char nul[] = "ruleset x\nnot\0ice\n";
	struct witness_rules *r = NULL;
	struct buf errors = BUF_INIT;
	struct buf text = BUF_INIT;
	struct sh_date due;
	char line[1100];

	UNUSED(state);
	/* CRLF, a byte-order mark, no final newline, no errors buffer */
	assert_int_equal(witness_rules_parse(ok_crlf, sizeof(ok_crlf) - 1, "crlf", &r, NULL),
			 SH_OK);
	due = witness_notice_due(r, date("2024-01-01"));
	assert_int_equal(due.day, 1);
	witness_rules_free(r);

	assert_int_equal(witness_rules_parse(nul, sizeof(nul) - 1, "nul", &r, &errors), SH_EINVAL);
	assert_null(r);
	assert_non_null(strstr(errors.data, "nul:2: line contains a NUL byte"));
	buf_reset(&errors);

	memset(line, 'x', sizeof(line) - 2);
	line[sizeof(line) - 2] = '\n';
	line[sizeof(line) - 1] = '\0';
	assert_int_equal(buf_adds(&text, line), SH_OK);
	assert_int_equal(witness_rules_parse(text.data, text.len, "long", &r, &errors), SH_EINVAL);
	assert_non_null(strstr(errors.data, "long:1: line too long"));
	buf_reset(&errors);

	/* many mistakes: reported up to a limit */
	buf_reset(&text);
	for (int i = 0; i < 200; i++)
		assert_int_equal(buf_adds(&text, "bogus\n"), SH_OK);
	assert_int_equal(witness_rules_parse(text.data, text.len, "many", &r, &errors), SH_EINVAL);
	assert_non_null(strstr(errors.data, "too many errors"));
	assert_null(strstr(errors.data, "many:60:"));
	buf_reset(&errors);

	assert_int_equal(witness_rules_parse("", 0, "empty", &r, &errors), SH_EINVAL);
	assert_non_null(strstr(errors.data, "empty:1: missing \"ruleset\" line"));
	buf_reset(&errors);

	assert_int_equal(witness_rules_load_file("tests/witness/no-such.rules", &r, &errors),
			 SH_EIO);
	assert_non_null(strstr(errors.data, "tests/witness/no-such.rules: cannot open"));
	buf_release(&errors);
	buf_release(&text);
}

/* Every prefix of the real file either parses or fails with a message; never crashes. */
static void truncated_files(void **state)
{
	FILE *f = fopen(RULES_FILE, "rb");
	struct buf text = BUF_INIT, errors = BUF_INIT;
	char chunk[4096];
	size_t got;

	UNUSED(state);
	assert_non_null(f);
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		assert_int_equal(buf_add(&text, chunk, got), SH_OK);
	fclose(f);
	for (size_t len = 0; len <= text.len; len += 7) {
		struct witness_rules *r = NULL;
		enum sh_code rc = witness_rules_parse(text.data, len, "cut", &r, &errors);

		assert_true(rc == SH_OK || (rc == SH_EINVAL && errors.len > 0 && !r));
		witness_rules_free(r);
		buf_reset(&errors);
	}
	buf_release(&errors);
	buf_release(&text);
}

/* The longest reason the parser's limits allow still fits WITNESS_REASON_MAX. */
static void longest_reason(void **state)
{
	static const char *const none[] = { "PC 1" };
	struct buf text = BUF_INIT;
	struct witness_rules *r;
	struct witness_result res[1];
	size_t n;

	UNUSED(state);
	assert_int_equal(
		buf_adds(&text, "ruleset long\nnotice\n days-before-hearing 3\n source s\n"),
		SH_OK);
	for (int c = 0; c < WITNESS_MAX_RULE_CLASSES; c++) {
		assert_int_equal(
			buf_addf(&text,
				 "class c%d\n label %060d\n label-es %060d\n source s\n sections",
				 c, c, c),
			SH_OK);
		for (int s = 0; s < 3; s++) /* three 32-byte sections: cited in full */
			assert_int_equal(
				buf_addf(&text, " %02d.1.1.1.1.1.1.1.1.1.1.1.1(abcd)", 10 * c + s),
				SH_OK);
		assert_int_equal(buf_adds(&text, "\n"), SH_OK);
	}
	assert_int_equal(buf_adds(&text, "rule county policy\n effective 1900-01-01\n max-age 0\n"
					 " source s\n charge-any-of"),
			 SH_OK);
	for (int c = 0; c < WITNESS_MAX_RULE_CLASSES; c++)
		assert_int_equal(buf_addf(&text, " c%d", c), SH_OK);
	assert_int_equal(buf_adds(&text, "\n"), SH_OK);
	r = parse_text(text.data);
	assert_int_equal(witness_evaluate(r, date("1900-01-01"), date("9999-12-31"), none, 1, true,
					  res, 1, &n),
			 SH_OK);
	assert_false(res[0].eligible);
	assert_non_null(strstr(res[0].reason, "the witness was 8099 on the motion date"));
	assert_true(strlen(res[0].reason) > 1200);
	assert_non_null(strstr(res[0].reason_es, "el testigo tenía 8099 años"));
	assert_non_null(strstr(res[0].reason_es, "nunca hace que un testigo")); /* not cut */
	witness_rules_free(r);
	buf_release(&text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(real_file_parses),
		cmocka_unit_test(ages_around_birthdays),
		cmocka_unit_test(charge_classes),
		cmocka_unit_test(eligibility_table),
		cmocka_unit_test(last_motion_day),
		cmocka_unit_test(reasons),
		cmocka_unit_test(spanish_label_fallback),
		cmocka_unit_test(effective_dates),
		cmocka_unit_test(county_policy_and_versions),
		cmocka_unit_test(notice_due),
		cmocka_unit_test(normalise),
		cmocka_unit_test(classify),
		cmocka_unit_test(evaluate_errors),
		cmocka_unit_test(bad_corpus),
		cmocka_unit_test(parser_edges),
		cmocka_unit_test(truncated_files),
		cmocka_unit_test(longest_reason),
	};
	return cmocka_run_group_tests_name("witness", tests, NULL, NULL);
}
