/* lib/ics.c: RFC 5545 content lines (CRLF, folding at 75 octets without splitting a
 * UTF-8 character), TEXT escaping, UTC times. */
#include "lib/common.h"
#include <setjmp.h>
#include <cmocka.h>
#include "lib/ics.h"

/* Every physical line (CRLF-terminated) is at most 75 octets; unfolding gives `want`. */
static void check_folded(const char *out, const char *want)
{
	char unfolded[4096];
	size_t n = 0;
	const char *p = out;

	while (*p) {
		const char *crlf = strstr(p, "\r\n");
		assert_non_null(crlf);
		assert_true(crlf - p <= ICS_LINE_MAX);
		/* a continuation starts with one space, dropped when unfolding */
		if (p != out) {
			assert_int_equal(*p, ' ');
			p++;
		}
		/* never a line that starts in the middle of a UTF-8 sequence */
		assert_false(((unsigned char)*p & 0xc0) == 0x80);
		memcpy(unfolded + n, p, (size_t)(crlf - p));
		n += (size_t)(crlf - p);
		p = crlf + 2;
	}
	unfolded[n] = '\0';
	assert_string_equal(unfolded, want);
}

static void short_lines_end_in_crlf(void **state)
{
	struct buf b = BUF_INIT;

	UNUSED(state);
	assert_int_equal(ics_line(&b, "BEGIN", "VCALENDAR"), SH_OK);
	assert_int_equal(ics_time(&b, "DTSTAMP", 1772878200), SH_OK); /* 2026-03-07T10:10:00Z */
	assert_string_equal(b.data, "BEGIN:VCALENDAR\r\nDTSTAMP:20260307T101000Z\r\n");
	buf_release(&b);
}

static void text_is_escaped(void **state)
{
	struct buf b = BUF_INIT;

	UNUSED(state);
	assert_int_equal(ics_text(&b, "SUMMARY", "Due: exam; notes, a\\b\nline 2\r\x01"), SH_OK);
	assert_string_equal(b.data, "SUMMARY:Due: exam\\; notes\\, a\\\\b\\nline 2\r\n");
	buf_release(&b);
}

static void long_lines_fold_at_75_octets(void **state)
{
	struct buf b = BUF_INIT;
	char text[300], want[320];

	UNUSED(state);
	for (size_t i = 0; i < 200; i++)
		text[i] = (char)('a' + i % 26);
	text[200] = '\0';
	snprintf(want, sizeof(want), "DESCRIPTION:%s", text);
	assert_int_equal(ics_text(&b, "DESCRIPTION", text), SH_OK);
	check_folded(b.data, want);
	/* the first line is exactly 75 octets */
	assert_int_equal(strstr(b.data, "\r\n") - b.data, 75);
	buf_release(&b);
}

static void folding_never_splits_a_character(void **state)
{
	struct buf b = BUF_INIT;
	struct buf text = BUF_INIT;
	char want[700];

	UNUSED(state);
	/* two-, three- and four-octet characters at every offset */
	for (int i = 0; i < 40; i++)
		buf_adds(&text, i % 3 == 0   ? "\xc3\xa9"
				: i % 3 == 1 ? "\xe2\x80\x94"
					     : "\xf0\x9f\x93\x85");
	for (int pad = 0; pad < 4; pad++) {
		char shifted[600];
		snprintf(shifted, sizeof(shifted), "x%.*s%s", pad, "yyy", text.data);
		snprintf(want, sizeof(want), "SUMMARY:%s", shifted);
		buf_reset(&b);
		assert_int_equal(ics_text(&b, "SUMMARY", shifted), SH_OK);
		check_folded(b.data, want);
	}
	buf_release(&text);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(short_lines_end_in_crlf),
		cmocka_unit_test(text_is_escaped),
		cmocka_unit_test(long_lines_fold_at_75_octets),
		cmocka_unit_test(folding_never_splits_a_character),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
