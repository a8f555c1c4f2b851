#include "lib/common.h"
#include <setjmp.h>
#include <cmocka.h>
#include "lib/arena.h"
#include "lib/buf.h"

static void never_null_and_bounded(void **state)
{
	struct buf b;
	char *s;
	size_t len;

	UNUSED(state);
	buf_init(&b, 8);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	assert_int_equal(buf_adds(&b, "12345678"), SH_OK);
	/* past the maximum: refused, buffer unchanged */
	assert_int_equal(buf_adds(&b, "9"), SH_ETOOBIG);
	assert_string_equal(b.data, "12345678");
	s = buf_detach(&b, &len);
	assert_int_equal(len, 8);
	assert_string_equal(s, "12345678");
	assert_string_equal(b.data, "");
	free(s);
	buf_release(&b);
}

static void formats_and_escapes(void **state)
{
	struct buf b = BUF_INIT;

	UNUSED(state);
	for (int i = 0; i < 1000; i++)
		buf_addf(&b, "%d,", i);
	assert_int_equal(strncmp(b.data, "0,1,2,", 6), 0);
	buf_reset(&b);
	buf_add_html(&b, "<a href=\"x\">&'</a>");
	assert_string_equal(b.data, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
	buf_release(&b);
}

/* the digits of every width and sign, the extremes included, as printf writes them */
static void int_text_as_printf(void **state)
{
	const int64_t v[] = { 0, 7, -7, 10, -10, 99, 100, 1234567890123, INT64_MAX, INT64_MIN };
	char out[BUF_INT_TEXT_MAX + 1], want[32];

	UNUSED(state);
	for (size_t i = 0; i < sizeof(v) / sizeof(*v); i++) {
		size_t n = buf_int_text(v[i], out);
		out[n] = '\0';
		snprintf(want, sizeof(want), "%" PRId64, v[i]);
		assert_string_equal(out, want);
	}
}

static void arena_allocates(void **state)
{
	struct arena a = ARENA_INIT;
	char *big;

	UNUSED(state);
	for (int i = 0; i < 5000; i++)
		assert_non_null(arena_printf(&a, "item %d", i));
	big = arena_alloc(&a, 100000);
	assert_non_null(big);
	memset(big, 'x', 100000);
	assert_string_equal(arena_strdup(&a, "after big"), "after big");
	arena_release(&a);
}

static void count_into(void *arg)
{
	int *order = arg;

	*order = order[-1] + 1; /* after the one deferred before it ran */
}

static void first(void *arg)
{
	*(int *)arg = 1;
}

/* What arena_defer() was given runs once at arena_release(), the latest first; a released
 * arena runs nothing more. */
static void arena_runs_what_is_deferred(void **state)
{
	struct arena a = ARENA_INIT;
	int order[3] = { 0, 0, 0 };

	UNUSED(state);
	assert_true(arena_defer(&a, count_into, &order[1]));
	assert_true(arena_defer(&a, first, &order[0]));
	assert_int_equal(order[0], 0);
	arena_release(&a);
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 2);
	order[0] = 5;
	arena_release(&a);
	assert_int_equal(order[1], 2);
}

/* A file is read whole, or refused by name with the reason: missing, or past the limit. */
static void reads_a_file_within_its_limit(void **state)
{
	char path[] = "/tmp/sh-test-buf-XXXXXX";
	struct buf b, errors = BUF_INIT;
	int fd = mkstemp(path);

	UNUSED(state);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "0123456789", 10), 10);
	close(fd);
	buf_init(&b, 10);
	assert_int_equal(buf_read_file(&b, path, &errors), SH_OK);
	assert_string_equal(b.data, "0123456789");
	assert_int_equal(errors.len, 0);
	buf_release(&b);
	buf_init(&b, 9);
	assert_int_equal(buf_read_file(&b, path, &errors), SH_ETOOBIG);
	assert_non_null(strstr(errors.data, ": larger than 9 bytes\n"));
	buf_release(&b);
	unlink(path);
	buf_reset(&errors);
	assert_int_equal(buf_read_file(&b, path, &errors), SH_EIO);
	assert_non_null(strstr(errors.data, ": cannot open: "));
	assert_int_equal(buf_read_file(&b, path, NULL), SH_EIO);
	buf_release(&b);
	buf_release(&errors);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(never_null_and_bounded),
		cmocka_unit_test(formats_and_escapes),
		cmocka_unit_test(int_text_as_printf),
		cmocka_unit_test(arena_allocates),
		cmocka_unit_test(arena_runs_what_is_deferred),
		cmocka_unit_test(reads_a_file_within_its_limit),
	};
	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
