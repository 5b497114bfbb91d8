/* Unit tests of trap_cover.c (and image_cover.c): the rule case by case over hand-made scans, then redirect images of every Go version's fixtures. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dwarf_info.h"
#include "fixture.h"
#include "gobin.h"
#include "image.h"
#include "output.h"
#include "plan.h"
#include "plan_subject.h"
#include "redirect.h"
#include "trap_cover.h"
#include "traps.h"

/* ---- The rule, one case at a time ----
 *
 * A hand-made scan: main.leaf.abi0 (Go, 0x401000, 0x40 bytes) holds one
 * SYSCALL; its entry is redirected to kcore_door_leaf (0x500000, in the
 * added kernel) by a record and the patch that makes it. main.caller
 * (0x401100) is other Go code; kernel_host (0x500100) is added code. Each
 * test changes one thing. */

#define LEAF 0x401000ULL
#define CALLER 0x401100ULL
#define DOOR 0x500000ULL
#define HOST 0x500100ULL
#define TRAMP 0x600000ULL

static struct elf_section text = { .name = ".text" };
static struct elf_section ktext = { .name = ".rewire.c.text" };
static struct elf_section rtext = { .name = ".rewire.text" };

struct world {
	struct traps t;
	struct code_unit units[5];
	struct trap_function functions[3];
	struct trap_site sites[3];
	struct trap_gap gaps[2];
	struct note_redirect redirects[2];
	struct note_patch patches[1];
	struct trap_cover c;
};

static void jmp_to(struct note_patch *p, uint64_t at, uint64_t to)
{
	int32_t rel = (int32_t)(to - (at + 5));

	memset(p, 0, sizeof(*p));
	p->addr = at;
	p->len = 5;
	p->old_bytes[0] = 0xb8;
	p->new_bytes[0] = 0xe9;
	memcpy(p->new_bytes + 1, &rel, 4);
}

/* The covered case: the leaf's SYSCALL at +offset. */
static void world_init(struct world *w, uint64_t offset)
{
	memset(w, 0, sizeof(*w));
	w->units[0] = (struct code_unit){ "main.leaf.abi0", LEAF, 0x40, CODE_ORIGIN_GO, &text };
	w->units[1] = (struct code_unit){ "main.caller", CALLER, 0x80, CODE_ORIGIN_GO, &text };
	w->units[2] = (struct code_unit){ "kcore_door_leaf", DOOR, 0x40, CODE_ORIGIN_ADDED, &ktext };
	w->units[3] = (struct code_unit){ "kernel_host", HOST, 0x40, CODE_ORIGIN_ADDED, &ktext };
	w->t.map.units = w->units;
	w->t.map.nunits = 4;
	w->redirects[0] = (struct note_redirect){ "redirect", "main.leaf.abi0", LEAF,
						  "kcore_door_leaf", DOOR, 0 };
	jmp_to(&w->patches[0], LEAF, DOOR);
	w->t.map.note = (struct rewire_note){ w->redirects, 1, w->patches, 1 };
	w->t.map.has_note = true;
	w->functions[0] = (struct trap_function){
		.name = "main.leaf.abi0", .entry = LEAF, .size = 0x40,
		.origin = CODE_ORIGIN_GO, .entry_patched = true, .first_site = 0,
		.nsites = 1, .first_offset = offset,
	};
	w->sites[0] = (struct trap_site){ .function = 0, .addr = LEAF + offset,
					  .offset = offset, .len = 2,
					  .kind = DISASM_TRAP_SYSCALL };
	w->t.functions = w->functions;
	w->t.nfunctions = 1;
	w->t.sites = w->sites;
	w->t.nsites = 1;
	w->t.gaps = w->gaps;
}

static void judge(struct world *w)
{
	struct rw_error err = { { 0 } };

	if (trap_cover_judge(&w->c, &w->t, &err) < 0)
		fail_msg("%s", err.msg);
}

/* Site k is uncovered, and its reason holds each of the NULL-ended texts. */
static void assert_uncovered(const struct world *w, size_t k, ...)
{
	const struct trap_cover_site *v = &w->c.sites[k];
	const char *want;
	va_list ap;

	assert_int_equal(v->verdict, TRAP_UNCOVERED);
	assert_non_null(v->reason);
	va_start(ap, k);
	while ((want = va_arg(ap, const char *)))
		if (!strstr(v->reason, want))
			fail_msg("reason '%s' lacks '%s'", v->reason, want);
	va_end(ap);
	assert_false(trap_cover_ok(&w->c));
}

static void test_rule_covered(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, 0x10);
	judge(&w);
	assert_int_equal(w.c.sites[0].verdict, TRAP_COVERED);
	assert_string_equal(w.c.sites[0].redirect_to, "kcore_door_leaf");
	assert_null(w.c.sites[0].reason);
	assert_int_equal(w.c.go_sites, 1);
	assert_int_equal(w.c.go_functions, 1);
	assert_int_equal(w.c.covered, 1);
	assert_int_equal(w.c.uncovered, 0);
	assert_true(trap_cover_ok(&w.c));
	trap_cover_free(&w.c);
	/* At +5, right behind the jump, it is covered too. */
	world_init(&w, TRAPS_ENTRY_PATCH_LEN);
	judge(&w);
	assert_int_equal(w.c.sites[0].verdict, TRAP_COVERED);
	trap_cover_free(&w.c);
}

static void test_rule_inside_the_jump(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, 2);
	judge(&w);
	assert_uncovered(&w, 0, "main.leaf.abi0+0x2 syscall:", "within the first 5 bytes", NULL);
	assert_int_equal(w.c.uncovered_functions, 1);
	trap_cover_free(&w.c);
}

static void test_rule_branch_into_entry(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, 0x10);
	w.functions[0].branches_into_entry = 1;
	w.functions[0].branch_into_entry_addr = LEAF + 0x20;
	judge(&w);
	assert_uncovered(&w, 0, "main.leaf.abi0+0x10 syscall:", "inside the entry jump",
			 "0x401020 (+0x20)", NULL);
	trap_cover_free(&w.c);
}

static void test_rule_reference_into_body(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, 0x10);
	w.functions[0].refs_into_body = 2;
	w.functions[0].ref_into_body_addr = CALLER + 0x1c;
	w.functions[0].ref_into_body_target = LEAF + 0x10;
	judge(&w);
	assert_uncovered(&w, 0, "2 branch(es) or rip-relative reference(s) from other code",
			 "0x40111c (main.caller+0x1c) onto +0x10", NULL);
	trap_cover_free(&w.c);
}

/* REWIRE_ORIGINAL: the trampoline runs the first instructions and jumps
 * back; one that moved the trap itself holds it. */
static void test_rule_trampoline(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, 0x10);
	w.redirects[1] = (struct note_redirect){ "original", "main.leaf.abi0", LEAF,
						 "main.realLeaf.abi0", CALLER + 0x40, TRAMP };
	w.t.map.note.nredirects = 2;
	w.units[4] = (struct code_unit){ "main.leaf.abi0", TRAMP, 0x20,
					 CODE_ORIGIN_TRAMPOLINE, &rtext };
	w.t.map.nunits = 5;
	w.functions[1] = (struct trap_function){
		.name = "main.leaf.abi0", .entry = TRAMP, .size = 0x20,
		.origin = CODE_ORIGIN_TRAMPOLINE, .first_site = 1, .nsites = 1,
		.first_offset = 2,
	};
	w.sites[1] = (struct trap_site){ .function = 1, .addr = TRAMP + 2, .offset = 2,
					 .len = 2, .kind = DISASM_TRAP_SYSCALL };
	w.t.nfunctions = 2;
	w.t.nsites = 2;
	/* Its jump back lands past the leaf's entry. */
	w.functions[0].refs_into_body = 1;
	w.functions[0].ref_into_body_addr = TRAMP + 7;
	w.functions[0].ref_into_body_target = LEAF + 5;
	judge(&w);
	assert_uncovered(&w, 0, "REWIRE_ORIGINAL main.realLeaf.abi0 keeps its original code callable",
			 "trampoline at 0x600000",
			 "0x600007 (main.leaf.abi0's trampoline+0x7) onto +0x5", NULL);
	assert_uncovered(&w, 1, "main.leaf.abi0's trampoline+0x2 syscall:",
			 "copy of the function's first instructions", NULL);
	assert_int_equal(w.c.go_functions, 2);
	assert_int_equal(w.c.uncovered, 2);
	assert_int_equal(w.c.uncovered_functions, 2);
	trap_cover_free(&w.c);
	/* An original that calls the untouched entry: not redirected at all. */
	world_init(&w, 0x10);
	w.redirects[0] = (struct note_redirect){ "original", "main.leaf.abi0", LEAF,
						 "main.realLeaf.abi0", CALLER + 0x40, 0 };
	w.t.map.note.npatches = 0;
	w.functions[0].entry_patched = false;
	judge(&w);
	assert_uncovered(&w, 0, "its entry is not redirected",
			 "REWIRE_ORIGINAL main.realLeaf.abi0 calls its original, unredirected entry",
			 NULL);
	trap_cover_free(&w.c);
}

/* The kernel's own host calls: counted, never judged. */
static void test_rule_added_code(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, 0x10);
	w.functions[1] = (struct trap_function){
		.name = "kernel_host", .entry = HOST, .size = 0x40,
		.origin = CODE_ORIGIN_ADDED, .first_site = 1, .nsites = 2, .first_offset = 0,
	};
	w.sites[1] = (struct trap_site){ .function = 1, .addr = HOST, .offset = 0,
					 .len = 2, .kind = DISASM_TRAP_SYSCALL };
	w.sites[2] = (struct trap_site){ .function = 1, .addr = HOST + 9, .offset = 9,
					 .len = 2, .kind = DISASM_TRAP_INT80 };
	w.t.nfunctions = 2;
	w.t.nsites = 3;
	judge(&w);
	assert_int_equal(w.c.sites[0].verdict, TRAP_COVERED);
	assert_int_equal(w.c.sites[1].verdict, TRAP_ADDED);
	assert_int_equal(w.c.sites[2].verdict, TRAP_ADDED);
	assert_null(w.c.sites[1].reason);
	assert_int_equal(w.c.added_sites, 2);
	assert_int_equal(w.c.added_functions, 1);
	assert_int_equal(w.c.go_sites, 1);
	assert_true(trap_cover_ok(&w.c));
	trap_cover_free(&w.c);
}

static void test_rule_not_redirected(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, 0x10);
	w.t.map.note.nredirects = 0;
	judge(&w);
	assert_uncovered(&w, 0, "its entry is not redirected (no redirect record of .note.rewire names it)",
			 NULL);
	trap_cover_free(&w.c);
	/* A binary as go build wrote it. */
	world_init(&w, 0x10);
	w.t.map.has_note = false;
	w.functions[0].entry_patched = false;
	judge(&w);
	assert_uncovered(&w, 0, "the binary carries no .note.rewire record", NULL);
	trap_cover_free(&w.c);
}

/* The record alone is no redirect: the patch must jump to its target. */
static void test_rule_patch_must_jump_there(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, 0x10);
	jmp_to(&w.patches[0], LEAF, DOOR + 0x10);
	judge(&w);
	assert_uncovered(&w, 0, "the record redirects it to kcore_door_leaf, but no recorded patch puts a jump to 0x500000 at its entry",
			 NULL);
	trap_cover_free(&w.c);
	world_init(&w, 0x10);
	w.functions[0].entry_patched = false;
	judge(&w);
	assert_uncovered(&w, 0, "no recorded patch puts a jump", NULL);
	trap_cover_free(&w.c);
}

/* Code not decoded: in Go's text it fails, in rewire's added code it is
 * counted; an executable section of neither fails. */
static void test_rule_gaps(void **state)
{
	static struct elf_section other = { .name = ".init" };
	struct world w;

	(void)state;
	world_init(&w, 0x10);
	w.gaps[0] = (struct trap_gap){ .addr = LEAF + 0x40, .size = 0x20, .section = ".text",
				       .reason = TRAP_GAP_NO_SYMBOL, .function = "main.leaf.abi0",
				       .detail = "main.label" };
	w.gaps[1] = (struct trap_gap){ .addr = HOST + 0x40, .size = 0x100,
				       .section = ".rewire.c.text",
				       .reason = TRAP_GAP_NO_SYMBOL };
	w.t.ngaps = 2;
	judge(&w);
	assert_int_equal(w.c.unknown, 1);
	assert_false(w.c.gaps[0].added);
	assert_non_null(strstr(w.c.gaps[0].reason, "0x401040-0x401060 (32 bytes) in .text"));
	assert_non_null(strstr(w.c.gaps[0].reason, "after main.leaf.abi0"));
	assert_non_null(strstr(w.c.gaps[0].reason, "main.label"));
	assert_non_null(strstr(w.c.gaps[0].reason, "cannot be ruled out"));
	assert_true(w.c.gaps[1].added);
	assert_int_equal(w.c.added_gaps, 1);
	assert_int_equal(w.c.added_gap_bytes, 0x100);
	assert_int_equal(w.c.sites[0].verdict, TRAP_COVERED);
	assert_false(trap_cover_ok(&w.c));
	trap_cover_free(&w.c);

	/* Added code alone not decoded (a stripped image's kernel): fine. */
	world_init(&w, 0x10);
	w.gaps[0] = (struct trap_gap){ .addr = DOOR, .size = 0x200,
				       .section = ".rewire.c.text",
				       .reason = TRAP_GAP_UNDECODABLE, .function = "kernel_host",
				       .detail = "cannot decode" };
	w.t.ngaps = 1;
	judge(&w);
	assert_true(trap_cover_ok(&w.c));
	assert_non_null(strstr(w.c.gaps[0].reason, "kernel_host does not decode (cannot decode)"));
	trap_cover_free(&w.c);

	/* A section of neither: nobody vouches for it. */
	world_init(&w, 0x10);
	w.gaps[0] = (struct trap_gap){ .addr = 0x400f00, .size = 0x10, .section = other.name,
				       .reason = TRAP_GAP_NO_SYMBOL };
	w.t.ngaps = 1;
	judge(&w);
	assert_int_equal(w.c.unknown, 1);
	assert_false(trap_cover_ok(&w.c));
	trap_cover_free(&w.c);

	/* Go functions in a section named like rewire's: Go's text. */
	world_init(&w, 0x10);
	w.units[1].section = &ktext;
	w.gaps[0] = (struct trap_gap){ .addr = CALLER + 0x80, .size = 0x10,
				       .section = ".rewire.c.text", .reason = TRAP_GAP_NO_SYMBOL };
	w.t.ngaps = 1;
	judge(&w);
	assert_int_equal(w.c.unknown, 1);
	trap_cover_free(&w.c);
}

/* ---- Real images of every Go version's fixtures ---- */

static char versions[GOFIXTURE_MAX_VERSIONS][16];
static size_t nversions;

static int setup(void **state)
{
	(void)state;
	nversions = gofixture_versions(versions, GOFIXTURE_MAX_VERSIONS);
	return 0;
}

/* REDIRECT.md Table A: the SYSCALLs of hello and their functions. */
static void expected_hello(int minor, size_t *sites, size_t *functions)
{
	if (minor <= 19)
		*sites = 43, *functions = 37;
	else if (minor <= 22)
		*sites = 38, *functions = 32;
	else
		*sites = 39, *functions = 33;
}

/* The fixture's leaves none of which the kernel redirects: one trap
 * each. */
static const char *const traps_leaves[] = {
	"main.getpidLeaf.abi0", "main.yieldLoop.abi0", "main.jumpOnto.abi0",
	"main.int80Leaf.abi0", "main.sysenterLeaf.abi0", "main.syscallFirst.abi0",
	"main.behindJump.abi0",
};
#define NLEAVES (sizeof(traps_leaves) / sizeof(traps_leaves[0]))

static bool dir_has_temp(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool found = false;

	while (d && (e = readdir(d)))
		found |= strstr(e->d_name, ".rewire-") != NULL;
	if (d)
		closedir(d);
	return found;
}

/* rewire image --mode redirect --platform hosted of a fixture into out
 * (a path in dir); image_make's answer. */
static int image_redirect(const char *version, const char *name, const char *out,
			  bool force, struct image_result *res, struct rw_error *err)
{
	struct image_options opts = { .mode = IMAGE_MODE_REDIRECT, .platform = "hosted",
				      .force = force };
	struct output target;
	char path[4096];

	gofixture_path(path, sizeof(path), version, name);
	if (output_check(&target, out, path, false, err) < 0)
		fail_msg("%s", err->msg);
	return image_make(path, &target, &opts, res, err);
}

static struct gobin *open_path(const char *path)
{
	struct rw_error err = { { 0 } };
	struct gobin *bin = NULL;

	if (gobin_open(&bin, path, &err) < 0)
		fail_msg("%s: %s", path, err.msg);
	return bin;
}

static void cover_path(const char *path, struct traps *t, struct trap_cover *c,
		       struct gobin **bin)
{
	struct rw_error err = { { 0 } };

	*bin = open_path(path);
	if (traps_scan(t, *bin, &err) < 0 || trap_cover_judge(c, t, &err) < 0)
		fail_msg("%s: %s", path, err.msg);
}

/* The verdict of the one trap site of Go function name. */
static const struct trap_cover_site *verdict_of(const struct traps *t,
						const struct trap_cover *c,
						const char *name, enum code_origin origin)
{
	for (size_t i = 0; i < t->nsites; i++) {
		const struct trap_function *f = &t->functions[t->sites[i].function];

		if (strcmp(f->name, name) == 0 && f->origin == origin)
			return &c->sites[i];
	}
	fail_msg("%s holds no trap site", name);
	return NULL;
}

/* hello's redirect image: every trap of Go code behind a door, the
 * kernel's host calls counted apart; image_make and a scan of the file
 * agree. */
static void test_image_hello_covered(void **state)
{
	char dir[] = "/tmp/rewire-test-cover-XXXXXX", out[64];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(out, sizeof(out), "%s/hello.img", dir);
	for (size_t v = 0; v < nversions; v++) {
		struct image_result res = { 0 };
		struct rw_error err = { { 0 } };
		struct trap_cover c;
		struct traps t;
		struct gobin *bin;
		size_t sites, functions;

		expected_hello(gofixture_minor(versions[v]), &sites, &functions);
		if (image_redirect(versions[v], "hello", out, false, &res, &err) < 0)
			fail_msg("%s: %s", versions[v], err.msg);
		assert_true(res.cover.done);
		assert_int_equal(res.cover.uncovered, 0);
		assert_int_equal(res.cover.unknown, 0);
		assert_int_equal(res.cover.sites, sites);
		assert_int_equal(res.cover.functions, functions);
		/* hosted: host_syscall6, hosted_sigreturn, hosted_idle_wait. */
		assert_int_equal(res.cover.added_functions, 3);
		assert_null(res.cover.failures);
		image_result_free(&res);

		cover_path(out, &t, &c, &bin);
		assert_true(trap_cover_ok(&c));
		assert_int_equal(c.covered, sites);
		for (size_t i = 0; i < t.nsites; i++) {
			if (c.sites[i].verdict == TRAP_ADDED)
				continue;
			assert_int_equal(c.sites[i].verdict, TRAP_COVERED);
			assert_true(strncmp(c.sites[i].redirect_to, "kcore_door_", 11) == 0);
		}
		assert_string_equal(verdict_of(&t, &c, "runtime.futex.abi0", CODE_ORIGIN_GO)->redirect_to,
				    "kcore_door_futex");
		trap_cover_free(&c);
		traps_free(&t);
		gobin_close(bin);
		unlink(out);
	}
	rmdir(dir);
}

/* The traps fixture's own leaves are outside the redirect set: the image
 * is refused, naming each, and nothing is left; --force writes it, and
 * its scan finds the same. */
static void test_image_traps_refused(void **state)
{
	char dir[] = "/tmp/rewire-test-cover-XXXXXX", out[64];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(out, sizeof(out), "%s/traps.img", dir);
	for (size_t v = 0; v < nversions; v++) {
		struct image_result res = { 0 };
		struct rw_error err = { { 0 } };
		struct trap_cover c;
		struct traps t;
		struct gobin *bin;

		assert_int_equal(image_redirect(versions[v], "traps", out, false, &res, &err), -1);
		assert_int_equal(access(out, F_OK), -1);
		assert_false(dir_has_temp(dir));
		assert_int_equal(res.cover.uncovered, NLEAVES);
		assert_int_equal(res.cover.uncovered_functions, NLEAVES);
		assert_non_null(strstr(err.msg, "7 trap instruction(s) of Go code reachable"));
		assert_non_null(strstr(err.msg, "main.syscallFirst.abi0+0x2"));
		assert_non_null(strstr(err.msg, "main.getpidLeaf.abi0+0x5"));
		assert_non_null(strstr(err.msg, "--force"));
		for (size_t i = 0; i < NLEAVES; i++)
			if (!strstr(res.cover.failures, traps_leaves[i]))
				fail_msg("%s: no reason names %s: %s", versions[v], traps_leaves[i],
					 res.cover.failures);
		image_result_free(&res);

		memset(&err, 0, sizeof(err));
		if (image_redirect(versions[v], "traps", out, true, &res, &err) < 0)
			fail_msg("%s: --force: %s", versions[v], err.msg);
		assert_int_equal(res.cover.uncovered, NLEAVES);
		assert_non_null(res.cover.failures);
		image_result_free(&res);
		cover_path(out, &t, &c, &bin);
		assert_int_equal(c.uncovered, NLEAVES);
		assert_int_equal(c.unknown, 0);
		for (size_t i = 0; i < NLEAVES; i++) {
			const struct trap_cover_site *s = verdict_of(&t, &c, traps_leaves[i],
								     CODE_ORIGIN_GO);

			assert_int_equal(s->verdict, TRAP_UNCOVERED);
			assert_non_null(strstr(s->reason, "its entry is not redirected"));
		}
		assert_non_null(strstr(verdict_of(&t, &c, "main.yieldLoop.abi0", CODE_ORIGIN_GO)->reason,
				       "inside the entry jump"));
		assert_non_null(strstr(verdict_of(&t, &c, "main.syscallFirst.abi0", CODE_ORIGIN_GO)->reason,
				       "within the first 5 bytes"));
		/* The runtime's leaves still are covered. */
		assert_int_equal(verdict_of(&t, &c, "runtime.futex.abi0", CODE_ORIGIN_GO)->verdict,
				 TRAP_COVERED);
		trap_cover_free(&c);
		traps_free(&t);
		gobin_close(bin);
		unlink(out);
	}
	rmdir(dir);
}

/* A redirect covers a SYSCALL behind it, unless an original is kept: its
 * trampoline jumps back onto the SYSCALL, or holds it. */
static void test_rewired_originals(void **state)
{
	(void)state;
	for (size_t v = 0; v < nversions; v++) {
		char out[] = "/tmp/rewire-test-cover-XXXXXX";
		const struct trap_cover_site *s;
		struct trap_cover c;
		struct traps t;
		struct gobin *bin;

		write_rewired_traps(versions[v], out);
		cover_path(out, &t, &c, &bin);
		s = verdict_of(&t, &c, "main.behindJump.abi0", CODE_ORIGIN_GO);
		assert_int_equal(s->verdict, TRAP_COVERED);
		assert_string_equal(s->redirect_to, "main.fakeGetpid.abi0");
		s = verdict_of(&t, &c, "main.getpidLeaf.abi0", CODE_ORIGIN_GO);
		assert_int_equal(s->verdict, TRAP_UNCOVERED);
		assert_non_null(strstr(s->reason, "main.getpidLeaf.abi0+0x5 syscall:"));
		assert_non_null(strstr(s->reason, "REWIRE_ORIGINAL main.realGetpid.abi0"));
		assert_non_null(strstr(s->reason, "(main.getpidLeaf.abi0's trampoline+0x"));
		assert_null(strstr(s->reason, "not redirected"));
		s = verdict_of(&t, &c, "main.syscallFirst.abi0", CODE_ORIGIN_TRAMPOLINE);
		assert_int_equal(s->verdict, TRAP_UNCOVERED);
		assert_non_null(strstr(s->reason, "main.syscallFirst.abi0's trampoline+0x2"));
		assert_false(trap_cover_ok(&c));
		trap_cover_free(&c);
		traps_free(&t);
		gobin_close(bin);
		unlink(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_covered),
		cmocka_unit_test(test_rule_inside_the_jump),
		cmocka_unit_test(test_rule_branch_into_entry),
		cmocka_unit_test(test_rule_reference_into_body),
		cmocka_unit_test(test_rule_trampoline),
		cmocka_unit_test(test_rule_added_code),
		cmocka_unit_test(test_rule_not_redirected),
		cmocka_unit_test(test_rule_patch_must_jump_there),
		cmocka_unit_test(test_rule_gaps),
		cmocka_unit_test(test_image_hello_covered),
		cmocka_unit_test(test_image_traps_refused),
		cmocka_unit_test(test_rewired_originals),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
