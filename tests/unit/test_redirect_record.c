/* Unit tests: the redirect records of C objects (redirect_record_parse), as
 * REWIRE_FROM, REWIRE_ORIGINAL and hand-written sections spell them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redirect.h"
#include "redirect_record.h"

static void expect_record(const char *text, bool original, const char *from,
			  const char *abi, const char *to, const char *sig)
{
	struct linked_redirect r = { 0 };
	struct rw_error err = { { 0 } };

	if (redirect_record_parse(text, &r, &err) < 0)
		fail_msg("\"%s\": %s", text, err.msg);
	assert_int_equal(r.original, original);
	assert_string_equal(r.from, from);
	assert_string_equal(r.abi, abi);
	assert_string_equal(r.to, to);
	assert_string_equal(r.signature, sig);
	redirect_record_free(&r);
}

static void expect_error(const char *text, const char *want)
{
	struct linked_redirect r = { 0 };
	struct rw_error err = { { 0 } };

	r.object = strdup("x.o");
	r.to_addr = 0x1234;
	assert_int_equal(redirect_record_parse(text, &r, &err), -1);
	if (!strstr(err.msg, want))
		fail_msg("\"%s\": message \"%s\" lacks \"%s\"", text, err.msg, want);
	/* Nothing allocated is left; what the caller set stays. */
	assert_null(r.from);
	assert_null(r.abi);
	assert_null(r.to);
	assert_null(r.signature);
	assert_false(r.original);
	assert_string_equal(r.object, "x.o");
	assert_int_equal(r.to_addr, 0x1234);
	redirect_record_free(&r);
	assert_null(r.object);
	/* Without a place for the message, the same answer. */
	assert_int_equal(redirect_record_parse(text, &r, NULL), -1);
	assert_null(r.from);
}

/* What the macros of kernel-runtime/include/rewire.h write. */
static void test_rewire_h(void **state)
{
	(void)state;
	/* REWIRE_FROM(c_getpid, "os.Getpid", ABIInternal, "func() int") */
	expect_record("os.Getpid ABIInternal c_getpid func() int", false,
		      "os.Getpid", "ABIInternal", "c_getpid", "func() int");
	/* An empty signature leaves a blank at the end. */
	expect_record("time.Now ABIInternal c_now ", false, "time.Now",
		      "ABIInternal", "c_now", "");
	expect_record("original runtime.nanotime1 ABI0 go_nanotime1 func() int64",
		      true, "runtime.nanotime1", "ABI0", "go_nanotime1", "func() int64");
	expect_record("main.mix ABIInternal c_mix func(a int, f float64, s string, b bool, x int32) (int, float64)",
		      false, "main.mix", "ABIInternal", "c_mix",
		      "func(a int, f float64, s string, b bool, x int32) (int, float64)");
	/* Hand-written, without a signature. */
	expect_record("time.Now ABIInternal c_ar_now", false, "time.Now",
		      "ABIInternal", "c_ar_now", "");
}

static void test_blanks(void **state)
{
	(void)state;
	/* Runs of spaces and tabs separate words; the signature keeps its
	 * inner blanks and loses the outer ones. */
	expect_record(" \t original\ttime.Now  ABI0\t\tc_x \t func(a int,  b int) \t",
		      true, "time.Now", "ABI0", "c_x", "func(a int,  b int)");
	expect_record("time.Now ABI0 c_x \t ", false, "time.Now", "ABI0", "c_x", "");
	/* "original" is a keyword only as a word of its own. */
	expect_record("originalpkg.F ABI0 c_x", false, "originalpkg.F", "ABI0", "c_x", "");
	expect_record("original\tpkg.F ABI0 c_x", true, "pkg.F", "ABI0", "c_x", "");
	/* Go linker names with paths, methods and escapes. */
	expect_record("example.com/a%2eb.(*T).M ABIInternal c_m", false,
		      "example.com/a%2eb.(*T).M", "ABIInternal", "c_m", "");
	expect_record("p.F ABI0 _c9 x", false, "p.F", "ABI0", "_c9", "x");
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("", "0 words where \"FROM ABI C_FUNCTION[ GO_SIGNATURE]\" needs at least 3");
	expect_error(" \t ", "0 words");
	expect_error("runtime.nanotime1 c_bad_words", "2 words where");
	expect_error("time.Now", "1 word where");
	expect_error("original", "1 word where");
	expect_error("original time.Now ABI0", "2 words where \"original FROM ABI");
	expect_error("original ", "0 words where \"original FROM");
	expect_error("runtime.nanotime1 ABI1 c_bad_abi", "ABI ABI1 is neither ABIInternal nor ABI0");
	expect_error("time.Now abi0 c_x", "ABI abi0 is neither");
	expect_error("time ABI0 c_x", "FROM: 'time' is not a Go linker name");
	expect_error("time.Now\xff\x01 ABI0 c_x", "FROM: ");
	expect_error("a%zz.F ABI0 c_x", "FROM: ");
	/* C_FUNCTION goes into generated assembly and ld's -u: an identifier. */
	expect_error("time.Now ABI0 c-x", "C_FUNCTION c-x is not a C identifier");
	expect_error("time.Now ABI0 9c", "C_FUNCTION 9c is not a C identifier");
	expect_error("time.Now ABI0 pkg.F", "C_FUNCTION pkg.F is not a C identifier");
	expect_error("original time.Now ABI0 go$now func()", "NAME go$now is not a C identifier");
	/* A newline is no blank: it would end up inside the name. */
	expect_error("time.Now ABI0 c_x\nfunc() int", "is not a C identifier");
}

/* Names are bounded like the redirect list's; messages stay short. */
static void test_long_names(void **state)
{
	size_t n = REDIRECT_SYMBOL_MAX + 1;
	char *text = malloc(n + 32), *ok = malloc(n + 32);
	struct linked_redirect r = { 0 };
	struct rw_error err = { { 0 } };

	(void)state;
	assert_non_null(text);
	assert_non_null(ok);
	strcpy(text, "p.F ABI0 ");
	memset(text + strlen(text), 'c', n);
	text[9 + n] = '\0';
	assert_int_equal(redirect_record_parse(text, &r, &err), -1);
	assert_non_null(strstr(err.msg, "... is not a C identifier"));
	assert_true(strlen(err.msg) < 300);
	strcpy(ok, "p.F ABI0 ");
	memset(ok + strlen(ok), 'c', n - 1);
	ok[9 + n - 1] = '\0';
	assert_int_equal(redirect_record_parse(ok, &r, &err), 0);
	assert_int_equal(strlen(r.to), REDIRECT_SYMBOL_MAX);
	redirect_record_free(&r);
	free(text);
	free(ok);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rewire_h),
		cmocka_unit_test(test_blanks),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_long_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
