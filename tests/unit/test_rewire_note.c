/* Unit tests: the .note.rewire text record. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "rewire_note.h"

static void test_roundtrip(void **state)
{
	struct rewire_note a = { 0 }, b;
	struct rw_error err = { { 0 } };
	uint8_t old_bytes[5] = { 0x49, 0x3b, 0x66, 0x10, 0x76 };
	uint8_t new_bytes[5] = { 0xe9, 0x01, 0x02, 0x03, 0x04 };
	char *text;
	size_t len;

	(void)state;
	assert_int_equal(rewire_note_add_redirect(&a, "redirect", "time.Now", 0x4999a0,
						  "main.fakeNow", 0x4a0000, 0), 0);
	assert_int_equal(rewire_note_add_redirect(&a, "original", "time.Now", 0x4999a0,
						  "main.realNow", 0x4a0100, 0x5c5000), 0);
	assert_int_equal(rewire_note_add_patch(&a, 0x4999a0, old_bytes, new_bytes, 5), 0);
	assert_int_equal(rewire_note_format(&a, &text, &len, &err), 0);
	assert_non_null(strstr(text, "redirect time.Now 0x4999a0 main.fakeNow 0x4a0000 0x0\n"));
	assert_non_null(strstr(text, "patch 0x4999a0 493b661076 e901020304\n"));
	assert_int_equal(rewire_note_parse(&b, text, len, &err), 0);
	assert_int_equal(b.nredirects, 2);
	assert_int_equal(b.npatches, 1);
	assert_string_equal(b.redirects[1].to, "main.realNow");
	assert_int_equal(b.redirects[1].via, 0x5c5000);
	assert_memory_equal(b.patches[0].old_bytes, old_bytes, 5);
	assert_memory_equal(b.patches[0].new_bytes, new_bytes, 5);
	free(text);
	rewire_note_free(&a);
	rewire_note_free(&b);
}

static void expect_parse_error(const char *text, const char *want)
{
	struct rewire_note n;
	struct rw_error err = { { 0 } };

	assert_int_equal(rewire_note_parse(&n, text, strlen(text), &err), -1);
	if (!strstr(err.msg, want))
		fail_msg("parse of \"%s\": message \"%s\" lacks \"%s\"", text, err.msg, want);
}

static void test_bad_notes(void **state)
{
	(void)state;
	expect_parse_error("", "empty");
	expect_parse_error("something else\n", "not a rewire note");
	expect_parse_error("rewire-note 1\nredirect a 0xzz b 0x1 0x0\n", "bad address");
	expect_parse_error("rewire-note 1\npatch 0x10 aa bbcc\n", "bad patch");
	expect_parse_error("rewire-note 1\npatch 0x10 a bb\n", "bad patch");
	expect_parse_error("rewire-note 1\npatch 0x10 gg hh\n", "bad patch");
	expect_parse_error("rewire-note 1\nfrobnicate 1 2 3\n", "line 2: unknown record");
}

static void test_patch_limits(void **state)
{
	struct rewire_note n = { 0 };
	uint8_t big[REWIRE_NOTE_MAX_BYTES + 1] = { 0 };

	(void)state;
	assert_int_equal(rewire_note_add_patch(&n, 1, big, big, 0), -1);
	assert_int_equal(rewire_note_add_patch(&n, 1, big, big, sizeof(big)), -1);
	assert_int_equal(rewire_note_add_patch(&n, 1, big, big, REWIRE_NOTE_MAX_BYTES), 0);
	rewire_note_free(&n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_bad_notes),
		cmocka_unit_test(test_patch_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
