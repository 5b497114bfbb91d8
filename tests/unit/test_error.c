/* Unit tests: error messages, and the escaping of what they echo. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "error.h"

static void expect_escaped(const char *in, const char *want)
{
	char out[256];
	size_t n = rw_escape_text(out, sizeof(out), in);

	assert_string_equal(out, want);
	assert_int_equal(n, strlen(want));
}

/* Control bytes, C1 controls and broken UTF-8 come out as \xHH; text,
 * blanks and whole UTF-8 characters stay as they are. */
static void test_escape_text(void **state)
{
	(void)state;
	expect_escaped("time.Now = main.fakeNow", "time.Now = main.fakeNow");
	expect_escaped("", "");
	expect_escaped("a\x1b[31mred", "a\\x1b[31mred");
	expect_escaped("line\nnext\r\t\x7f", "line\\x0anext\\x0d\\x09\\x7f");
	expect_escaped("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x99\x82", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x99\x82");
	/* U+009B (CSI) spelt in UTF-8, a lone CSI byte, a cut sequence, an
	 * overlong '/', a surrogate. */
	expect_escaped("\xc2\x9b" "31m", "\\xc2\\x9b31m");
	expect_escaped("\x9b" "31m", "\\x9b31m");
	expect_escaped("\xe2\x82", "\\xe2\\x82");
	expect_escaped("\xc0\xaf", "\\xc0\\xaf");
	expect_escaped("\xed\xa0\x80", "\\xed\\xa0\\x80");
	/* A backslash stays: messages quote "\xff Go buildinf:" themselves. */
	expect_escaped("a\\b", "a\\b");
}

/* The result always ends in NUL within size, and never in half an escape. */
static void test_escape_truncates(void **state)
{
	char out[8];

	(void)state;
	assert_int_equal(rw_escape_text(out, sizeof(out), "abcdefghij"), 7);
	assert_string_equal(out, "abcdefg");
	assert_int_equal(rw_escape_text(out, sizeof(out), "abcd\x1b"), 4);
	assert_string_equal(out, "abcd");
	assert_int_equal(rw_escape_text(out, sizeof(out), "abcdef\xc3\xa9"), 6);
	assert_string_equal(out, "abcdef");
	assert_int_equal(rw_escape_text(out, 1, "abc"), 0);
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_text),
		cmocka_unit_test(test_escape_truncates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
