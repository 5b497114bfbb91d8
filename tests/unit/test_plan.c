/* Unit tests: patch planning and its checks, on the real fixture binaries of
 * every installed Go version. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dwarf_info.h"
#include "fixture.h"
#include "gobin.h"
#include "output.h"
#include "plan.h"
#include "plan_subject.h"
#include "redirect.h"

static uint64_t entry_of(const struct subject *s, const char *name)
{
	const struct gofunc *fn = gobin_find_func(s->bin, name);

	if (!fn)
		fail_msg("fixture lacks %s", name);
	return fn->entry;
}

static int32_t rel32_at(const uint8_t *p)
{
	return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 |
			 (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

/* A redirect is one jmp rel32 at FROM's entry that lands on TO. */
static void test_replace_is_one_jump(void **state)
{
	char versions[GOFIXTURE_MAX_VERSIONS][16];
	size_t n = gofixture_versions(versions, GOFIXTURE_MAX_VERSIONS), i;

	(void)state;
	for (i = 0; i < n; i++) {
		struct subject s;
		uint64_t from, to;

		subject_open(&s, versions[i], "inline");
		add(&s, REDIRECT_REPLACE, "main.tripled", "main.twice");
		if (build(&s) < 0)
			fail_msg("%s: %s %s", versions[i], s.err.msg, errors_text(&s));
		from = entry_of(&s, "main.tripled");
		to = entry_of(&s, "main.twice");
		assert_int_equal(s.plan.npatches, 1);
		assert_int_equal(s.plan.patches[0].addr, from);
		assert_int_equal(s.plan.patches[0].len, 5);
		assert_int_equal(s.plan.patches[0].bytes[0], 0xe9);
		assert_int_equal(from + 5 + (uint64_t)(int64_t)rel32_at(s.plan.patches[0].bytes + 1), to);
		assert_int_equal(s.plan.text_len, 0);
		assert_int_equal(s.plan.note.nredirects, 1);
		assert_int_equal(s.plan.nwarnings, 0);
		subject_close(&s);
	}
}

static void test_unknown_function(void **state)
{
	char versions[GOFIXTURE_MAX_VERSIONS][16];
	struct subject s;

	(void)state;
	gofixture_versions(versions, GOFIXTURE_MAX_VERSIONS);
	subject_open(&s, versions[0], "inline");
	add(&s, REDIRECT_REPLACE, "example.com/inline.tripled", "main.twice");
	assert_int_equal(build(&s), -1);
	assert_error_says(&s, "no function example.com/inline.tripled");
	/* The hint names the function the user most likely meant. */
	assert_error_says(&s, "main.tripled");
	assert_int_equal(s.plan.npatches, 0);
	subject_close(&s);
}

static void test_dead_replacement_says_how_to_keep_it(void **state)
{
	char versions[GOFIXTURE_MAX_VERSIONS][16];
	struct subject s;

	(void)state;
	gofixture_versions(versions, GOFIXTURE_MAX_VERSIONS);
	subject_open(&s, versions[0], "inline");
	/* addSeven is only ever inlined, so the linker dropped its body. */
	add(&s, REDIRECT_REPLACE, "main.tripled", "main.addSeven");
	assert_int_equal(build(&s), -1);
	assert_error_says(&s, "dead code");
	assert_error_says(&s, "keepLinked(addSeven)");
	subject_close(&s);
}

/* A variable named as FROM, TO or placeholder is called what it is, not a
 * function the linker dropped. */
static void test_data_symbol(void **state)
{
	static const char *const pairs[][3] = {
		{ "r", "main.tripled", "runtime.m0" },
		{ "r", "runtime.m0", "main.twice" },
		{ "o", "main.tripled", "runtime.m0" },
	};
	char versions[GOFIXTURE_MAX_VERSIONS][16];
	size_t i;

	(void)state;
	gofixture_versions(versions, GOFIXTURE_MAX_VERSIONS);
	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		struct subject s;

		subject_open(&s, versions[0], "inline");
		add(&s, pairs[i][0][0] == 'r' ? REDIRECT_REPLACE : REDIRECT_ORIGINAL,
		    pairs[i][1], pairs[i][2]);
		assert_int_equal(build(&s), -1);
		assert_error_says(&s, "runtime.m0 in ");
		assert_error_says(&s, "is a data symbol (a variable), not a function");
		if (strstr(errors_text(&s), "dead code"))
			fail_msg("blames dead code: %s", errors_text(&s));
		subject_close(&s);
	}
}

static void test_abi_mismatch(void **state)
{
	char versions[GOFIXTURE_MAX_VERSIONS][16];
	struct subject s;

	(void)state;
	gofixture_versions(versions, GOFIXTURE_MAX_VERSIONS);
	subject_open(&s, versions[0], "hello");
	add(&s, REDIRECT_REPLACE, "time.Now", "runtime.rt0_go.abi0");
	assert_int_equal(build(&s), -1);
	assert_error_says(&s, "ABI0 (stack arguments)");
	subject_close(&s);
}

static void test_signature_mismatch(void **state)
{
	char versions[GOFIXTURE_MAX_VERSIONS][16];
	size_t n = gofixture_versions(versions, GOFIXTURE_MAX_VERSIONS), i;

	(void)state;
	for (i = 0; i < n; i++) {
		struct subject s;

		subject_open(&s, versions[i], "inline");
		add(&s, REDIRECT_REPLACE, "main.tripled", "main.main");
		assert_int_equal(build(&s), -1);
		assert_error_says(&s, "signatures differ");
		assert_error_says(&s, "func(x int) int");
		plan_free(&s.plan);

		s.opt.force = true;
		assert_int_equal(build(&s), 0);
		assert_int_equal(s.plan.nwarnings, 1);
		assert_non_null(strstr(s.plan.warnings[0].text, "--force"));
		subject_close(&s);

		/* Without DWARF there is nothing to compare: no error. */
		subject_open(&s, versions[i], "inline-stripped");
		assert_null(s.di);
		add(&s, REDIRECT_REPLACE, "main.tripled", "main.main");
		assert_int_equal(build(&s), 0);
		subject_close(&s);
	}
}

/* The first function shorter than even a short jump (2 bytes; shorter
 * than 5, it takes one into its padding: test_tiny_entry.c) that is not
 * assembly. */
static const struct gofunc *short_function(const struct gobin *bin)
{
	size_t i;

	for (i = 0; i < gobin_func_count(bin); i++) {
		const struct gofunc *fn = gobin_func(bin, i);

		if (fn->size < 2 && !strstr(fn->name, ".abi0"))
			return fn;
	}
	return NULL;
}

static void test_too_short(void **state)
{
	char versions[GOFIXTURE_MAX_VERSIONS][16];
	size_t n = gofixture_versions(versions, GOFIXTURE_MAX_VERSIONS), i, tested = 0;

	(void)state;
	for (i = 0; i < n; i++) {
		struct subject s;
		const struct gofunc *fn;

		subject_open(&s, versions[i], "hello");
		fn = short_function(s.bin);
		if (fn) {
			add(&s, REDIRECT_REPLACE, fn->name, "time.Now");
			s.opt.force = true;
			assert_int_equal(build(&s), -1);
			assert_error_says(&s, "too short");
			tested++;
		}
		subject_close(&s);
	}
	/* Go 1.24+ has internal/abi.NoEscape and friends at one byte. */
	assert_true(tested > 0);
}

/* A function of the fixture that is both out of line and inlined elsewhere. */
static const struct gofunc *inlined_function(const struct gobin *bin)
{
	static const char *const candidates[] = {
		"os.Hostname", "time.Time.Year", "time.Time.date", "time.now",
		"runtime.nanotime", "runtime.lock", "runtime.unlock",
		"runtime.(*mheap).alloc", "runtime.acquirem", "runtime.releasem",
		"runtime.getMCache", "runtime.add", "fmt.Println", "os.(*File).Write",
	};
	struct rw_error err = { { 0 } };
	size_t i;

	for (i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
		const struct gofunc *fn = gobin_find_func(bin, candidates[i]);
		struct inline_site *sites = NULL;
		size_t count = 0;

		if (!fn || fn->size < 16)
			continue;
		if (gobin_inline_sites(bin, fn->name, &sites, &count, &err) < 0)
			fail_msg("%s", err.msg);
		free(sites);
		if (count)
			return fn;
	}
	return NULL;
}

static void test_inlined_from(void **state)
{
	char versions[GOFIXTURE_MAX_VERSIONS][16];
	size_t n = gofixture_versions(versions, GOFIXTURE_MAX_VERSIONS), i;

	(void)state;
	for (i = 0; i < n; i++) {
		struct subject s;
		const struct gofunc *fn;

		subject_open(&s, versions[i], "hello");
		fn = inlined_function(s.bin);
		if (!fn)
			fail_msg("%s: no candidate function is inlined", versions[i]);
		/* main.main as replacement: only the inline check matters here. */
		add(&s, REDIRECT_REPLACE, fn->name, "main.main");
		s.opt.force = true;
		assert_int_equal(build(&s), -1);
		assert_error_says(&s, "is inlined at");
		assert_error_says(&s, "--allow-inlined");
		plan_free(&s.plan);

		s.opt.allow_inlined = true;
		if (build(&s) < 0)
			fail_msg("%s: %s", versions[i], errors_text(&s));
		assert_true(s.plan.nwarnings >= 1);
		assert_non_null(strstr(s.plan.warnings[0].text, "keep"));
		subject_close(&s);
	}
}

/* original FROM=PLACEHOLDER while FROM keeps its code: the placeholder
 * simply jumps to FROM. */
static void test_original_of_unpatched(void **state)
{
	char versions[GOFIXTURE_MAX_VERSIONS][16];
	struct subject s;

	(void)state;
	gofixture_versions(versions, GOFIXTURE_MAX_VERSIONS);
	subject_open(&s, versions[0], "inline");
	add(&s, REDIRECT_ORIGINAL, "main.twice", "main.tripled");
	if (build(&s) < 0)
		fail_msg("%s", errors_text(&s));
	assert_int_equal(s.plan.npatches, 1);
	assert_int_equal(s.plan.patches[0].addr, entry_of(&s, "main.tripled"));
	assert_int_equal(entry_of(&s, "main.tripled") + 5 +
			 (uint64_t)(int64_t)rel32_at(s.plan.patches[0].bytes + 1),
			 entry_of(&s, "main.twice"));
	assert_int_equal(s.plan.text_len, 0);
	subject_close(&s);
}

/* FROM replaced and reached through a placeholder: the placeholder jumps to
 * a trampoline holding FROM's displaced instructions, which jumps back into
 * FROM past the patch. */
static void test_original_trampoline(void **state)
{
	char versions[GOFIXTURE_MAX_VERSIONS][16];
	size_t n = gofixture_versions(versions, GOFIXTURE_MAX_VERSIONS), i;

	(void)state;
	for (i = 0; i < n; i++) {
		struct subject s;
		uint64_t from, ph, back;
		const uint8_t *p = NULL;
		size_t k;
		int found = 0;

		subject_open(&s, versions[i], "inline");
		add(&s, REDIRECT_REPLACE, "main.twice", "main.tripled");
		add(&s, REDIRECT_ORIGINAL, "main.twice", "main.tripled");
		if (build(&s) < 0)
			fail_msg("%s: %s", versions[i], errors_text(&s));
		from = entry_of(&s, "main.twice");
		ph = entry_of(&s, "main.tripled");
		for (k = 0; k < s.plan.npatches; k++)
			if (s.plan.patches[k].addr == ph)
				p = s.plan.patches[k].bytes;
		assert_non_null(p);
		assert_int_equal(p[0], 0xe9);
		assert_int_equal(ph + 5 + (uint64_t)(int64_t)rel32_at(p + 1), s.plan.text_addr);
		assert_true(s.plan.text_len >= 10);
		assert_int_equal(s.plan.text_addr % 16, 0);
		for (k = 0; k + 5 <= s.plan.text_len; k++) {
			if (s.plan.text[k] != 0xe9)
				continue;
			back = s.plan.text_addr + k + 5 +
			       (uint64_t)(int64_t)rel32_at(s.plan.text + k + 1);
			if (back >= from + 5 && back < from + 16)
				found = 1;
		}
		assert_true(found);
		assert_int_equal(s.plan.note.nredirects, 2);
		subject_close(&s);
	}
}

/* A written plan marks its output: planning it again is refused. */
static void test_already_rewired(void **state)
{
	char versions[GOFIXTURE_MAX_VERSIONS][16];
	char out[] = "/tmp/rewire-test-plan-XXXXXX";
	struct subject s;
	struct gobin *again = NULL;
	struct output target;
	struct plan p2;
	int fd;

	(void)state;
	gofixture_versions(versions, GOFIXTURE_MAX_VERSIONS);
	fd = mkstemp(out);
	assert_true(fd >= 0);
	close(fd);
	subject_open(&s, versions[0], "inline");
	add(&s, REDIRECT_REPLACE, "main.tripled", "main.twice");
	assert_int_equal(build(&s), 0);
	if (output_check(&target, out, NULL, false, &s.err) < 0 ||
	    plan_write(&s.plan, s.bin, NULL, &target, &s.err) < 0)
		fail_msg("%s", s.err.msg);
	if (gobin_open(&again, out, &s.err) < 0)
		fail_msg("%s", s.err.msg);
	assert_int_equal(plan_build(&p2, again, NULL, &s.list, &s.opt, &s.err), -1);
	assert_non_null(strstr(s.err.msg, "already rewired"));
	assert_non_null(strstr(s.err.msg, "main.tripled -> main.twice"));
	plan_free(&p2);
	gobin_close(again);
	subject_close(&s);
	unlink(out);
}

/* Every warning of the plan, joined. */
static const char *warnings_text(const struct subject *s)
{
	static char buf[8192];
	size_t used = 0, i;

	buf[0] = '\0';
	for (i = 0; i < s->plan.nwarnings && used < sizeof(buf); i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s\n",
					 s->plan.warnings[i].text);
	return buf;
}

/* A=B with B=A jumps around forever: refused, naming the cycle in order,
 * with --force too. */
static void test_cycle_refused(void **state)
{
	char versions[GOFIXTURE_MAX_VERSIONS][16];
	size_t n = gofixture_versions(versions, GOFIXTURE_MAX_VERSIONS), v;

	(void)state;
	for (v = 0; v < n; v++) {
		struct subject s;

		subject_open(&s, versions[v], "inline");
		s.opt.force = true;
		add(&s, REDIRECT_REPLACE, "main.tripled", "main.twice");
		add(&s, REDIRECT_REPLACE, "main.twice", "main.tripled");
		assert_int_equal(build(&s), -1);
		assert_int_equal(s.plan.nerrors, 1);
		assert_error_says(&s, "redirect cycle main.tripled -> main.twice -> main.tripled");
		subject_close(&s);
	}
}

/* A longer cycle is named from its first redirect, in jump order; a
 * redirect leading into it is no second cycle. */
static void test_long_cycle_refused(void **state)
{
	char versions[GOFIXTURE_MAX_VERSIONS][16];
	struct subject s;

	(void)state;
	gofixture_versions(versions, GOFIXTURE_MAX_VERSIONS);
	subject_open(&s, versions[0], "inline");
	/* Without DWARF: main.main's signature is not the others'. */
	dwarf_info_close(s.di);
	s.di = NULL;
	add(&s, REDIRECT_REPLACE, "main.twice", "main.main");
	add(&s, REDIRECT_REPLACE, "main.main", "main.tripled");
	add(&s, REDIRECT_REPLACE, "main.tripled", "main.twice");
	assert_int_equal(build(&s), -1);
	assert_int_equal(s.plan.nerrors, 1);
	assert_error_says(&s, "main.twice=main.main: redirect cycle main.twice -> main.main -> main.tripled -> main.twice");
	subject_close(&s);
}

/* A=B with B=C is a chain: planned, with a warning that A runs C. */
static void test_chain_warns(void **state)
{
	char versions[GOFIXTURE_MAX_VERSIONS][16];
	size_t n = gofixture_versions(versions, GOFIXTURE_MAX_VERSIONS), v;

	(void)state;
	for (v = 0; v < n; v++) {
		struct subject s;

		subject_open(&s, versions[v], "inline");
		dwarf_info_close(s.di);
		s.di = NULL;
		add(&s, REDIRECT_REPLACE, "main.tripled", "main.twice");
		add(&s, REDIRECT_REPLACE, "main.twice", "main.main");
		if (build(&s) < 0)
			fail_msg("%s: %s", versions[v], errors_text(&s));
		assert_int_equal(s.plan.nwarnings, 1);
		if (!strstr(warnings_text(&s),
			    "chain main.tripled -> main.twice -> main.main: calls of main.tripled run main.main"))
			fail_msg("%s: %s", versions[v], warnings_text(&s));
		assert_int_equal(s.plan.npatches, 2);
		subject_close(&s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replace_is_one_jump),
		cmocka_unit_test(test_unknown_function),
		cmocka_unit_test(test_dead_replacement_says_how_to_keep_it),
		cmocka_unit_test(test_data_symbol),
		cmocka_unit_test(test_abi_mismatch),
		cmocka_unit_test(test_signature_mismatch),
		cmocka_unit_test(test_too_short),
		cmocka_unit_test(test_inlined_from),
		cmocka_unit_test(test_original_of_unpatched),
		cmocka_unit_test(test_original_trampoline),
		cmocka_unit_test(test_already_rewired),
		cmocka_unit_test(test_cycle_refused),
		cmocka_unit_test(test_long_cycle_refused),
		cmocka_unit_test(test_chain_warns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
