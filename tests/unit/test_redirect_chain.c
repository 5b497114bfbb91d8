/* Unit tests: chains and cycles of recorded redirects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "redirect_chain.h"

/* A note of jumps between functions named by one letter at address
 * 0x1000 * (letter - 'a' + 1), "ab bc" meaning a=b and b=c. */
static void note_of(struct rewire_note *note, const char *jumps)
{
	memset(note, 0, sizeof(*note));
	for (const char *p = jumps;; p += 3) {
		char from[2] = { p[0], 0 }, to[2] = { p[1], 0 };

		assert_int_equal(rewire_note_add_redirect(note, "redirect", from,
							  0x1000u * (unsigned)(p[0] - 'a' + 1), to,
							  0x1000u * (unsigned)(p[1] - 'a' + 1), 0), 0);
		if (!p[2])
			break;
	}
}

static void assert_format(const struct rewire_note *note, size_t i, const char *want)
{
	char buf[256];

	redirect_chain_format(note, i, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void test_no_chain(void **state)
{
	struct rewire_note note;

	(void)state;
	note_of(&note, "ab cd");
	assert_int_equal(redirect_chain_next(&note, 0), -1);
	assert_false(redirect_chain_is_cycle(&note, 0));
	assert_false(redirect_chain_is_cycle(&note, 1));
	assert_format(&note, 0, "a -> b");
	rewire_note_free(&note);
}

static void test_chain(void **state)
{
	struct rewire_note note;

	(void)state;
	note_of(&note, "bc ab cd");
	assert_int_equal(redirect_chain_next(&note, 1), 0);
	assert_int_equal(redirect_chain_next(&note, 0), 2);
	assert_int_equal(redirect_chain_next(&note, 2), -1);
	for (size_t i = 0; i < 3; i++)
		assert_false(redirect_chain_is_cycle(&note, i));
	assert_format(&note, 1, "a -> b -> c -> d");
	assert_format(&note, 0, "b -> c -> d");
	rewire_note_free(&note);
}

/* Each cycle is found once, at its first record, and named in jump order. */
static void test_cycles(void **state)
{
	struct rewire_note note;

	(void)state;
	note_of(&note, "ca ab bc");
	assert_true(redirect_chain_is_cycle(&note, 0));
	assert_false(redirect_chain_is_cycle(&note, 1));
	assert_false(redirect_chain_is_cycle(&note, 2));
	assert_format(&note, 0, "c -> a -> b -> c");
	rewire_note_free(&note);

	note_of(&note, "ab ba");
	assert_true(redirect_chain_is_cycle(&note, 0));
	assert_false(redirect_chain_is_cycle(&note, 1));
	assert_format(&note, 0, "a -> b -> a");
	rewire_note_free(&note);

	/* d leads into the cycle without being in it. */
	note_of(&note, "da ab ba");
	assert_false(redirect_chain_is_cycle(&note, 0));
	assert_true(redirect_chain_is_cycle(&note, 1));
	assert_false(redirect_chain_is_cycle(&note, 2));
	rewire_note_free(&note);

	note_of(&note, "aa");
	assert_true(redirect_chain_is_cycle(&note, 0));
	assert_format(&note, 0, "a -> a");
	rewire_note_free(&note);
}

/* Only jumps chain: an "original" record pointing back is no cycle. */
static void test_original_records_do_not_chain(void **state)
{
	struct rewire_note note;

	(void)state;
	note_of(&note, "ab");
	assert_int_equal(rewire_note_add_redirect(&note, "original", "a", 0x1000, "b",
						  0x2000, 0x9000), 0);
	assert_int_equal(redirect_chain_next(&note, 0), -1);
	assert_int_equal(redirect_chain_next(&note, 1), -1);
	assert_false(redirect_chain_is_cycle(&note, 0));
	assert_false(redirect_chain_is_cycle(&note, 1));
	rewire_note_free(&note);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_chain),
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_cycles),
		cmocka_unit_test(test_original_records_do_not_chain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
