/* Unit tests: Go signatures reduced to words, ABI0 frame layout, and stubs
 * that GNU as accepts. Values crossing real stubs are tested end to end
 * (tests/cabi). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abi_stub.h"

static void parse_ok(const char *text, struct abi_sig *s)
{
	struct rw_error err = { { 0 } };

	if (abi_sig_parse(text, s, &err) < 0)
		fail_msg("%s: %s", text, err.msg);
}

static void test_words_per_class(void **state)
{
	struct abi_sig s;

	(void)state;
	parse_ok("func(a int, b int8, f float32, g float64, s string, xs []byte, e error, p *int) (int, bool)", &s);
	assert_int_equal(s.nparams, 1 + 1 + 1 + 1 + 2 + 3 + 2 + 1);
	assert_int_equal(s.params[0].cls, ABI_INT);
	assert_int_equal(s.params[0].size, 8);
	assert_int_equal(s.params[1].size, 1);
	assert_int_equal(s.params[2].cls, ABI_F32);
	assert_int_equal(s.params[3].cls, ABI_F64);
	assert_int_equal(s.params[4].cls, ABI_INT);	/* string pointer */
	assert_int_equal(s.params[5].cls, ABI_INT);	/* string length */
	assert_int_equal(s.nresults, 2);
	assert_int_equal(s.results[1].size, 1);
}

/* Go's grouped names: "a, b int" is two ints. */
static void test_grouped_names(void **state)
{
	struct abi_sig s;

	(void)state;
	parse_ok("func(a, b int, x, y float32, s string) (n, m int)", &s);
	assert_int_equal(s.nparams, 2 + 2 + 2);
	assert_int_equal(s.params[1].cls, ABI_INT);
	assert_int_equal(s.params[2].cls, ABI_F32);
	assert_int_equal(s.params[3].cls, ABI_F32);
	assert_int_equal(s.nresults, 2);
}

static void test_results_limit(void **state)
{
	struct abi_sig s;
	struct rw_error err = { { 0 } };

	(void)state;
	parse_ok("func() (int, float64)", &s);
	assert_int_equal(s.nresults, 2);
	assert_int_equal(s.results[1].cls, ABI_F64);
	assert_int_equal(abi_sig_parse("func() (string, bool)", &s, &err), -1);
	assert_non_null(strstr(err.msg, "too many result words"));
}

/* runtime.futex's ABI0 frame, as its assembly reads it: $0-44. */
static void test_abi0_frame_futex(void **state)
{
	struct abi_sig s;

	(void)state;
	parse_ok("func(addr unsafe.Pointer, op int32, val uint32, ts unsafe.Pointer, addr2 unsafe.Pointer, val3 uint32) int32", &s);
	assert_int_equal(s.nparams, 6);
	assert_int_equal(s.params[0].offset, 0);
	assert_int_equal(s.params[1].offset, 8);
	assert_int_equal(s.params[2].offset, 12);
	assert_int_equal(s.params[3].offset, 16);
	assert_int_equal(s.params[4].offset, 24);
	assert_int_equal(s.params[5].offset, 32);
	assert_int_equal(s.results[0].offset, 40);
	assert_int_equal(s.results[0].size, 4);
}

/* runtime.write1: func(fd uintptr, p unsafe.Pointer, n int32) int32, $0-28. */
static void test_abi0_frame_write1(void **state)
{
	struct abi_sig s;

	(void)state;
	parse_ok("func(fd uintptr, p unsafe.Pointer, n int32) int32", &s);
	assert_int_equal(s.params[2].offset, 16);
	assert_int_equal(s.results[0].offset, 24);
}

static void test_parse_errors(void **state)
{
	static const struct { const char *text, *says; } cases[] = {
		{ "int -> int", "does not start with func(" },
		{ "func(c complex128) int", "complex128 is not supported" },
		{ "func(p struct{}) int", "is not supported" },
		{ "func(a [4]int)", "is not supported" },
		{ "func(a int) int extra", "not supported" },
		{ "func(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p int)", "too many argument words" },
		{ "func(a, b)", "type a is not supported" },
	};
	struct abi_sig s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rw_error err = { { 0 } };

		if (abi_sig_parse(cases[i].text, &s, &err) == 0)
			fail_msg("accepted %s", cases[i].text);
		if (!strstr(err.msg, cases[i].says))
			fail_msg("%s: got '%s', wanted '%s'", cases[i].text, err.msg,
				 cases[i].says);
	}
}

/* The word lists from DWARF match the parsed ones. */
static void test_from_go_signature(void **state)
{
	struct go_param params[] = {
		{ "s", "string", 16, false },
		{ "x", "float64", 8, false },
		{ "~r0", "int", 8, true },
	};
	struct go_signature gs = { params, 3, 0 };
	struct abi_sig a, b;
	struct rw_error err = { { 0 } };

	(void)state;
	assert_int_equal(abi_sig_from_go(&gs, &a, &err), 0);
	parse_ok("func(s string, x float64) int", &b);
	assert_int_equal(a.nparams, b.nparams);
	assert_int_equal(a.nresults, b.nresults);
	assert_memory_equal(a.params, b.params, a.nparams * sizeof(a.params[0]));
}

/* Writes the stubs for text to a file and runs GNU as on it. */
static int assemble(const char *text, bool abi0, bool original, struct rw_error *err)
{
	char src[] = "/tmp/rewire-stub-XXXXXX";
	char cmd[256];
	struct abi_sig s;
	FILE *f;
	int fd, rc;

	if (abi_sig_parse(text, &s, err) < 0)
		return -1;
	fd = mkstemp(src);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	rc = original ? abi_original_emit(f, "go_fn", abi0, &s, err) :
			abi_stub_emit(f, "stub_fn", "c_fn", abi0, &s, err);
	fclose(f);
	if (rc == 0) {
		snprintf(cmd, sizeof(cmd), "as --64 -o /dev/null %s", src);
		rc = system(cmd) == 0 ? 0 : -1;
		if (rc < 0)
			snprintf(err->msg, sizeof(err->msg), "as rejected the stub");
	}
	unlink(src);
	return rc;
}

static void test_stubs_assemble(void **state)
{
	static const char *const sigs[] = {
		"func()", "func() int64", "func(a int, b float64) (int, float64)",
		"func(s string, xs []int64, b bool, f float32) string",
		"func(a int8, b int16, c int32, d uint8) float32",
	};
	struct rw_error err = { { 0 } };
	size_t i;
	int abi0, original;

	(void)state;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		for (abi0 = 0; abi0 < 2; abi0++)
			for (original = 0; original < 2; original++)
				if (assemble(sigs[i], abi0, original, &err) < 0)
					fail_msg("%s (abi0 %d, original %d): %s", sigs[i], abi0,
						 original, err.msg);
}

/* Seven integer words fit Go's nine registers but not System V's six. */
static void test_too_many_for_c(void **state)
{
	struct rw_error err = { { 0 } };

	(void)state;
	assert_int_equal(assemble("func(a, b, c, d, e, f, g int)", false, false, &err), -1);
	assert_non_null(strstr(err.msg, "System V passes in registers"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words_per_class),
		cmocka_unit_test(test_grouped_names),
		cmocka_unit_test(test_results_limit),
		cmocka_unit_test(test_abi0_frame_futex),
		cmocka_unit_test(test_abi0_frame_write1),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_from_go_signature),
		cmocka_unit_test(test_stubs_assemble),
		cmocka_unit_test(test_too_many_for_c),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
