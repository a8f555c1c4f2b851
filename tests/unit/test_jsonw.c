#include "lib/common.h"
#include <setjmp.h>
#include <cmocka.h>
#include "lib/jsonh.h"
#include "lib/jsonw.h"

/* jsonw_value(v) must make exactly the bytes jsonh_dump(v) makes. */
static void same_as_dump(const char *text)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct sh_error err = SH_ERROR_INIT;
	struct jsonw w;
	json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);

	assert_non_null(v);
	assert_int_equal(jsonh_dump(v, &a), SH_OK);
	jsonw_init(&w, &b);
	jsonw_value(&w, v);
	assert_int_equal(jsonw_finish(&w, &err), SH_OK);
	assert_string_equal(b.data, a.data);
	json_decref(v);
	buf_release(&a);
	buf_release(&b);
}

static void writes_what_jsonh_dump_writes(void **state)
{
	UNUSED(state);
	same_as_dump("{\"b\":1,\"a\":[true,false,null,-42,9223372036854775807],\"c\":{}}");
	same_as_dump("[\"quote \\\" back \\\\ slash / tab \\t nl \\n cr \\r bs \\b ff \\f\"]");
	same_as_dump("[\"ctl \\u0001 \\u001f del \\u007f\"]");
	same_as_dump("[\"caf\\u00e9 \\u2028 \\ud83d\\ude00 Tiếng Việt\"]");
	same_as_dump("{\"z\":{\"y\":[[],{},\"\"],\"x\":0},\"\":1,\"a_b\":2,\"a\":3,\"ab\":4}");
	same_as_dump("[1.5, -0.25, 100000000000000000000.0]");
	same_as_dump("\"top-level string\"");
}

/* Strings are scanned eight bytes at a time: each byte that must be escaped or checked, at
 * each place in and around the blocks of eight, in a key and in a value, is written as
 * jsonh_dump() writes it. */
static void escapes_at_every_place(void **state)
{
	static const char *const odd[] = { "\"",       "\\",	       "\n",
					   "\x01",     "\x1f",	       "\x7f",
					   "\xc3\xa9", "\xe2\x80\xa8", "\xf0\x9f\x98\x80" };

	UNUSED(state);
	for (size_t k = 0; k < sizeof(odd) / sizeof(*odd); k++)
		for (size_t at = 0; at < 19; at++) {
			char text[64];
			json_t *o = json_object();
			struct buf a = BUF_INIT, b = BUF_INIT;
			struct sh_error err = SH_ERROR_INIT;
			struct jsonw w;
			snprintf(text, sizeof(text), "%.*s%s%.*s", (int)at, "abcdefghijklmnopqrs",
				 odd[k], (int)(19 - at), "ABCDEFGHIJKLMNOPQRS");
			json_object_set_new(o, text, json_string(text));
			assert_int_equal(jsonh_dump(o, &a), SH_OK);
			jsonw_init(&w, &b);
			jsonw_value(&w, o);
			assert_int_equal(jsonw_finish(&w, &err), SH_OK);
			assert_string_equal(b.data, a.data);
			json_decref(o);
			buf_release(&a);
			buf_release(&b);
		}
}

static void writes_members_in_order(void **state)
{
	struct buf b = BUF_INIT;
	struct sh_error err = SH_ERROR_INIT;
	struct jsonw w;

	UNUSED(state);
	jsonw_init(&w, &b);
	jsonw_object(&w);
	jsonw_key(&w, "list");
	jsonw_array(&w);
	jsonw_int(&w, 1);
	jsonw_str(&w, NULL);
	jsonw_time(&w, 0, true);
	jsonw_time(&w, 1772878200, false);
	jsonw_end(&w);
	jsonw_kbool(&w, "ok", true);
	jsonw_kstr(&w, "s", "x");
	jsonw_end(&w);
	assert_int_equal(jsonw_finish(&w, &err), SH_OK);
	assert_string_equal(
		b.data,
		"{\"list\":[1,null,null,\"2026-03-07T10:10:00Z\"],\"ok\":true,\"s\":\"x\"}");
	buf_release(&b);
}

static void refuses_what_dump_would_not_make(void **state)
{
	struct buf b = BUF_INIT;
	struct sh_error err = SH_ERROR_INIT;
	struct jsonw w;

	UNUSED(state);
	/* keys out of byte order: jsonh_dump() sorts, so this would not match it */
	jsonw_init(&w, &b);
	jsonw_object(&w);
	jsonw_kint(&w, "b", 1);
	jsonw_kint(&w, "a", 2);
	jsonw_end(&w);
	assert_int_equal(jsonw_finish(&w, &err), SH_EINTERNAL);
	assert_non_null(strstr(err.detail, "order"));

	/* a repeated key, an unclosed object, a value without a key, invalid UTF-8 */
	buf_reset(&b);
	sh_error_init(&err);
	jsonw_init(&w, &b);
	jsonw_object(&w);
	jsonw_kint(&w, "a", 1);
	jsonw_kint(&w, "a", 1);
	jsonw_end(&w);
	assert_int_equal(jsonw_finish(&w, &err), SH_EINTERNAL);

	buf_reset(&b);
	sh_error_init(&err);
	jsonw_init(&w, &b);
	jsonw_object(&w);
	assert_int_equal(jsonw_finish(&w, &err), SH_EINTERNAL);

	buf_reset(&b);
	sh_error_init(&err);
	jsonw_init(&w, &b);
	jsonw_object(&w);
	jsonw_int(&w, 1);
	jsonw_end(&w);
	assert_int_equal(jsonw_finish(&w, &err), SH_EINTERNAL);

	buf_reset(&b);
	sh_error_init(&err);
	jsonw_init(&w, &b);
	jsonw_array(&w);
	jsonw_str(&w, "bad \xC0\xAF overlong");
	jsonw_end(&w);
	assert_int_equal(jsonw_finish(&w, &err), SH_EINTERNAL);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(writes_what_jsonh_dump_writes),
		cmocka_unit_test(escapes_at_every_place),
		cmocka_unit_test(writes_members_in_order),
		cmocka_unit_test(refuses_what_dump_would_not_make),
	};
	return cmocka_run_group_tests_name("jsonw", tests, NULL, NULL);
}
