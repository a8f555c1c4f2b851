/* core/search.c: the terms a name is indexed under and a query looks up (synthetic names). */
#include "lib/common.h"
#include <setjmp.h>
#include <cmocka.h>
#include "core/search.h"

struct terms {
	char t[256][SEARCH_TERM_MAX];
	size_t n;
};

static void collect(const char *term, void *arg)
{
	struct terms *ts = arg;

	if (ts->n < ARRAY_SIZE(ts->t))
		snprintf(ts->t[ts->n++], SEARCH_TERM_MAX, "%s", term);
}

static bool has(const struct terms *ts, const char *term)
{
	for (size_t i = 0; i < ts->n; i++)
		if (!strcmp(ts->t[i], term))
			return true;
	return false;
}

static struct terms *index_of(const char *name)
{
	static struct terms ts;

	memset(&ts, 0, sizeof(ts));
	search_name_terms(name, collect, &ts);
	return &ts;
}

/* Does a query find a youth indexed under these name parts? (every query term indexed) */
static bool finds(const char *query, const char *const *parts)
{
	char q[SEARCH_QUERY_WORDS][SEARCH_TERM_MAX];
	struct terms ts = { .n = 0 };
	const char *why;
	size_t n;

	for (; *parts; parts++)
		search_name_terms(*parts, collect, &ts);
	if (!search_query_terms(query, q, ARRAY_SIZE(q), &n, &why))
		fail_msg("query '%s' refused: %s", query, why);
	for (size_t i = 0; i < n; i++)
		if (!has(&ts, q[i]))
			return false;
	return true;
}

static void words_are_normalised(void **state)
{
	struct terms *ts;

	UNUSED(state);
	ts = index_of("José  Núñez-Ruiz");
	assert_true(has(ts, "n:jose"));
	assert_true(has(ts, "n:nunez"));
	assert_true(has(ts, "n:ruiz"));
	assert_true(has(ts, "n:josenunezruiz")); /* the part joined */
	assert_true(has(ts, "p:jos"));
	assert_true(has(ts, "p:nune"));
	assert_false(has(ts, "p:jo")); /* prefixes start at 3 characters */
	ts = index_of("O'Brien");
	assert_true(has(ts, "n:obrien"));
	assert_false(has(ts, "n:o"));
	ts = index_of("MÜLLER Straße");
	assert_true(has(ts, "n:muller"));
	assert_true(has(ts, "n:strasse"));
	/* another script is kept as written; prefixes are cut between characters */
	ts = index_of("Σοφία");
	assert_true(has(ts, "n:Σοφία"));
	assert_true(has(ts, "p:Σοφ"));
	ts = index_of("");
	assert_int_equal(ts->n, 0);
}

static void queries_find_parts_prefixes_and_aliases(void **state)
{
	const char *const youth[] = { "Testa", "De La Cruz", "T-Bird", NULL };

	UNUSED(state);
	assert_true(finds("testa", youth));
	assert_true(finds("TES", youth));
	assert_true(finds("Testa de la cruz", youth));
	assert_true(finds("delacruz", youth));
	assert_true(finds("cruz testa", youth)); /* any order */
	assert_true(finds("bird", youth));	 /* an alias */
	assert_true(finds("Tésta", youth));	 /* accents do not matter */
	assert_false(finds("testy", youth));
	assert_false(finds("testa smith", youth)); /* every word must match */
}

static void bad_queries_say_why(void **state)
{
	char q[SEARCH_QUERY_WORDS][SEARCH_TERM_MAX];
	const char *why = NULL;
	size_t n;

	UNUSED(state);
	assert_false(search_query_terms("  -- ", q, ARRAY_SIZE(q), &n, &why));
	assert_non_null(strstr(why, "at least one part"));
	assert_false(search_query_terms("M Lopez", q, ARRAY_SIZE(q), &n, &why));
	assert_non_null(strstr(why, "at least 2 letters"));
	assert_false(search_query_terms("aa bb cc dd ee ff gg", q, ARRAY_SIZE(q), &n, &why));
	assert_non_null(strstr(why, "at most 6"));
	assert_true(search_query_terms("ana ANA", q, ARRAY_SIZE(q), &n, &why));
	assert_int_equal(n, 1); /* the same word once */
	assert_string_equal(q[0], "p:ana");
	assert_true(search_query_terms("Jo", q, ARRAY_SIZE(q), &n, &why));
	assert_string_equal(q[0], "n:jo"); /* a two-letter word matches whole words only */
}

static void birth_dates_and_initials(void **state)
{
	char term[SEARCH_TERM_MAX], ini[16];

	UNUSED(state);
	search_birth_term("2011-04-02", term);
	assert_string_equal(term, "b:2011-04-02");
	search_initials("testa", "Synthetic", ini, sizeof(ini));
	assert_string_equal(ini, "T. S.");
	search_initials(NULL, "  ángel", ini, sizeof(ini));
	assert_string_equal(ini, "á.");
	search_initials(NULL, NULL, ini, sizeof(ini));
	assert_string_equal(ini, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(words_are_normalised),
		cmocka_unit_test(queries_find_parts_prefixes_and_aliases),
		cmocka_unit_test(bad_queries_say_why),
		cmocka_unit_test(birth_dates_and_initials),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
