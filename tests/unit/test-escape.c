/* SPDX-License-Identifier: MIT */
/* The one escaper of text from outside (src/escape.h): control bytes, quotes, cuts. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "escape.h"

static void control_bytes(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(escape("tap0", buf, sizeof(buf), 0), "tap0");
	assert_string_equal(escape("tap\x1b[7m", buf, sizeof(buf), 0), "tap\\x1b[7m");
	assert_string_equal(escape("a\nb\tc\x7f\x01", buf, sizeof(buf), 0), "a\\x0ab\\x09c\\x7f\\x01");
	/* quotes and backslashes only with ESCAPE_QUOTES */
	assert_string_equal(escape("it's a\\b", buf, sizeof(buf), 0), "it's a\\b");
	assert_string_equal(escape("it's a\\b", buf, sizeof(buf), ESCAPE_QUOTES), "it\\x27s a\\x5cb");
	/* UTF-8 passes */
	assert_string_equal(escape("tap\xc3\xa4", buf, sizeof(buf), 0), "tap\xc3\xa4");
	assert_string_equal(escape("", buf, sizeof(buf), 0), "");
}

static void cut_to_fit(void **state)
{
	char buf[12];

	(void)state;
	/* 11 bytes and the NUL fit exactly */
	assert_string_equal(escape("abcdefghijk", buf, sizeof(buf), 0), "abcdefghijk");
	assert_string_equal(escape("abcdefghijkl", buf, sizeof(buf), 0), "abcdefgh...");
	/* an escape is never cut in two, nor a UTF-8 character */
	assert_string_equal(escape("abcdef\x01gh", buf, sizeof(buf), 0), "abcdef...");
	assert_string_equal(escape("abcd\x01" "efgh", buf, sizeof(buf), 0), "abcd\\x01...");
	assert_string_equal(escape("abcdefg\xc3\xa4\xc3\xa4\xc3\xa4", buf, sizeof(buf), 0), "abcdefg...");
	for (size_t len = 8; len < sizeof(buf); len++) {
		escape("\x01\x02\x03\x04\x05", buf, len, 0);
		assert_true(strlen(buf) < len);
		assert_non_null(strstr(buf, "..."));
	}
}

static void onto_a_stream(void **state)
{
	char *text;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(f);
	escape_put(f, "x\ny", 0);
	escape_line(f, "%s: %d", "ta\x1bp", 5);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(text, "x\\x0ayta\\x1bp: 5\n");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(control_bytes),
		cmocka_unit_test(cut_to_fit),
		cmocka_unit_test(onto_a_stream),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
