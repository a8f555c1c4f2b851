#include "lib/common.h"
#include <setjmp.h>
#include <cmocka.h>
#include "lib/catalog.h"
#include "lib/error.h"

/* A refusal is written in English and Spanish at once, from the English template and the
 * catalogue's Spanish with the same arguments; the answer picks one. */
static void detail_in_both_languages(void **state)
{
	struct sh_error err = SH_ERROR_INIT;

	UNUSED(state);
	sh_error_set(&err, SH_ETOOBIG, "the request body is larger than %zu bytes", (size_t)4096);
	assert_string_equal(sh_error_detail_in(&err, "en"),
			    "the request body is larger than 4096 bytes");
	assert_string_equal(sh_error_detail_in(&err, "es"),
			    "el cuerpo de la solicitud tiene más de 4096 bytes");
	assert_string_equal(sh_error_detail_in(&err, "fr"), err.detail);
	assert_string_equal(sh_code_title_in(SH_ETOOBIG, "es"), "Solicitud demasiado grande");
	assert_string_equal(sh_code_title_in(SH_ETOOBIG, NULL), "Request too large");
}

/* A field's message, and the detail made of it, keep the field's name in both. */
static void field_names_stay(void **state)
{
	struct sh_error err = SH_ERROR_INIT;

	UNUSED(state);
	sh_error_field(&err, SH_EINVAL, "youth.age_estimate",
		       "give a whole number from %lld to %lld", 0LL, 25LL);
	assert_string_equal(err.fields[0].field, "youth.age_estimate");
	assert_string_equal(sh_error_message_in(&err.fields[0], "es"),
			    "indique un número entero de 0 a 25");
	assert_string_equal(sh_error_detail_in(&err, "es"),
			    "youth.age_estimate: indique un número entero de 0 a 25");
	assert_string_equal(sh_error_detail_in(&err, "en"),
			    "youth.age_estimate: give a whole number from 0 to 25");
}

/* String arguments follow the language: a text the catalogue knows ("%s" from a table), a
 * pair given in both, anything else as it is (a value, a name). */
static void arguments_follow_the_language(void **state)
{
	struct sh_error err = SH_ERROR_INIT;

	UNUSED(state);
	sh_error_set(&err, SH_EFORBIDDEN, "%s", N_("supervisors see who viewed a case"));
	assert_string_equal(err.detail_es, "los supervisores ven quién consultó un caso");
	sh_error_set(&err, SH_ECONFLICT,
		     "the step \"%s\" is already %s; to change that, correct the "
		     "earlier entry on the timeline",
		     "Hotline report" SH_BOTH_SEP "Reporte a la línea", "done");
	assert_string_equal(err.detail, "the step \"Hotline report\" is already done; to change "
					"that, correct the earlier entry on the timeline");
	assert_string_equal(err.detail_es,
			    "el paso \"Reporte a la línea\" ya está hecho; para "
			    "cambiarlo, corrija la anotación anterior en la cronología");
	sh_error_set(&err, SH_ENOTFOUND, "no such path: %s", "/api/v1/Synthetic");
	assert_string_equal(err.detail_es, "no existe esa ruta: /api/v1/Synthetic");
	/* a template the catalogue does not have stays English in both */
	sh_error_set(&err, SH_EINVAL, "synthetic %d", 7);
	assert_string_equal(err.detail_es, "synthetic 7");
}

/* A text too long for its buffer is cut on a character's boundary, never inside one. */
static void cut_on_a_character(void **state)
{
	char out[8];

	UNUSED(state);
	sh_error_text(false, out, sizeof(out), "%s", "abcdefñ"); /* ñ at bytes 6-7 */
	assert_string_equal(out, "abcdef");
	sh_error_text(false, out, sizeof(out), "%s", "abcdeñ");
	assert_string_equal(out, "abcdeñ");
	sh_error_text(true, out, sizeof(out), "%%%d%%", 42);
	assert_string_equal(out, "%42%");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(detail_in_both_languages),
		cmocka_unit_test(field_names_stay),
		cmocka_unit_test(arguments_follow_the_language),
		cmocka_unit_test(cut_on_a_character),
	};

	return cmocka_run_group_tests_name("error", tests, NULL, NULL);
}
