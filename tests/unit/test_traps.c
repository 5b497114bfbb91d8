/* Unit tests of traps.c (and code_map.c) over every Go version's fixtures: trap sites by decoding, numbers, entry facts, stripped twins, rewired binaries. */
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
#include "leaf_facts.h"
#include "output.h"
#include "plan.h"
#include "plan_subject.h"
#include "redirect.h"
#include "traps.h"

static char versions[GOFIXTURE_MAX_VERSIONS][16];
static size_t nversions;

static int setup(void **state)
{
	(void)state;
	nversions = gofixture_versions(versions, GOFIXTURE_MAX_VERSIONS);
	return 0;
}

static struct gobin *open_path(const char *path)
{
	struct rw_error err = { "" };
	struct gobin *bin = NULL;

	if (gobin_open(&bin, path, &err) < 0)
		fail_msg("%s: %s", path, err.msg);
	return bin;
}

static struct gobin *open_fixture(const char *version, const char *name)
{
	char path[4096];

	gofixture_path(path, sizeof(path), version, name);
	return open_path(path);
}

static void scan_ok(struct traps *t, const struct gobin *bin)
{
	struct rw_error err = { "" };

	if (traps_scan(t, bin, &err) < 0)
		fail_msg("%s: %s", gobin_path(bin), err.msg);
}

/* The function holding traps called name, or NULL. A trampoline has its
 * function's name: origin tells them apart. */
static const struct trap_function *holder(const struct traps *t,
					  const char *name,
					  enum code_origin origin)
{
	for (size_t i = 0; i < t->nfunctions; i++)
		if (strcmp(t->functions[i].name, name) == 0 &&
		    t->functions[i].origin == origin)
			return &t->functions[i];
	return NULL;
}

static const struct trap_function *go_holder(const struct traps *t,
					     const char *version, const char *name)
{
	const struct trap_function *f = holder(t, name, CODE_ORIGIN_GO);

	if (!f)
		fail_msg("%s: %s holds no trap instruction", version, name);
	return f;
}

/* Site k (0-based) of f. */
static const struct trap_site *site_of(const struct traps *t,
				       const struct trap_function *f, size_t k)
{
	assert_true(k < f->nsites);
	return &t->sites[f->first_site + k];
}

static void assert_number(const struct trap_site *s, uint64_t nr)
{
	assert_int_equal(s->kind, DISASM_TRAP_SYSCALL);
	assert_true(s->number_known);
	assert_int_equal(s->number, nr);
}

/* Where Syscall6 lives: its package moved twice (REDIRECT.md, note 1). */
static const char *syscall6_name(int minor)
{
	if (minor <= 22)
		return "runtime/internal/syscall.Syscall6";
	if (minor <= 25)
		return "internal/runtime/syscall.Syscall6";
	return "internal/runtime/syscall/linux.Syscall6";
}

/* REDIRECT.md Table A: SYSCALLs and the functions holding them in hello,
 * and how many of them follow a mov of their number. 1.20 is not
 * installed; 1.21 = 1.22, 1.23 = 1.24 = 1.25 = 1.26. */
static void expected_hello(int minor, size_t *sites, size_t *functions,
			   size_t *known)
{
	if (minor <= 19) {
		*sites = 43, *functions = 37, *known = 42;
	} else if (minor <= 22) {
		*sites = 38, *functions = 32, *known = 37;
	} else {
		/* rawVforkSyscall and rawSyscallNoError (os.checkPidfd) take
		 * their number from the stack. */
		*sites = 39, *functions = 33, *known = 36;
	}
}

static void test_hello_counts(void **state)
{
	(void)state;
	for (size_t v = 0; v < nversions; v++) {
		int minor = gofixture_minor(versions[v]);
		struct gobin *bin = open_fixture(versions[v], "hello");
		size_t sites, functions, known, nknown = 0;
		struct traps t;

		expected_hello(minor, &sites, &functions, &known);
		scan_ok(&t, bin);
		if (t.nsites != sites || t.nfunctions != functions)
			fail_msg("%s: %zu SYSCALLs in %zu functions, REDIRECT.md says %zu in %zu",
				 versions[v], t.nsites, t.nfunctions, sites, functions);
		assert_int_equal(t.count[DISASM_TRAP_SYSCALL], sites);
		assert_int_equal(t.count[DISASM_TRAP_SYSENTER], 0);
		assert_int_equal(t.count[DISASM_TRAP_INT80], 0);
		for (size_t i = 0; i < t.nsites; i++)
			nknown += t.sites[i].number_known;
		assert_int_equal(nknown, known);
		/* Go's text is functions and INT3: nothing left undecoded. */
		if (t.ngaps)
			fail_msg("%s: %zu gap(s), first at 0x%llx: %s", versions[v], t.ngaps,
				 (unsigned long long)t.gaps[0].addr, t.gaps[0].detail);
		assert_int_equal(t.trampolines, 0);
		assert_int_equal(t.decoded, gobin_func_count(bin));
		traps_free(&t);
		gobin_close(bin);
	}
}

static void test_hello_known_sites(void **state)
{
	(void)state;
	for (size_t v = 0; v < nversions; v++) {
		int minor = gofixture_minor(versions[v]);
		struct gobin *bin = open_fixture(versions[v], "hello");
		const struct trap_function *f;
		struct traps t;

		scan_ok(&t, bin);
		f = go_holder(&t, versions[v], "runtime.futex.abi0");
		assert_int_equal(f->nsites, 1);
		assert_number(site_of(&t, f, 0), 202);
		/* clone, then in the child gettid and exit. */
		f = go_holder(&t, versions[v], "runtime.clone.abi0");
		assert_int_equal(f->nsites, 3);
		assert_number(site_of(&t, f, 0), 56);
		assert_number(site_of(&t, f, 1), 186);
		assert_number(site_of(&t, f, 2), 60);
		/* clock_gettime twice: the vDSO fallback. */
		f = go_holder(&t, versions[v], "time.now");
		assert_int_equal(f->nsites, 2);
		assert_number(site_of(&t, f, 0), 228);
		assert_number(site_of(&t, f, 1), 228);
		f = go_holder(&t, versions[v], syscall6_name(minor));
		assert_int_equal(f->nsites, 1);
		assert_int_equal(site_of(&t, f, 0)->kind, DISASM_TRAP_SYSCALL);
		assert_false(site_of(&t, f, 0)->number_known);
		f = go_holder(&t, versions[v], "runtime.exit.abi0");
		assert_int_equal(f->nsites, 1);
		assert_number(site_of(&t, f, 0), 231);
		f = go_holder(&t, versions[v], minor >= 21 ?
			      "runtime.sigreturn__sigaction.abi0" : "runtime.sigreturn.abi0");
		assert_number(site_of(&t, f, 0), 15);
		traps_free(&t);
		gobin_close(bin);
	}
}

/* What the clone glue reads of runtime.clone (leaf_facts.h), against what
 * decoding found: the offsets of m.tls and m.procid by Go version, the
 * child's resume points after the first two SYSCALLs, and the 5-byte
 * `mov eax, 60` right before the third (the child's thread exit), which
 * rewire image turns into a jump; the stripped twin gives the same. */
static void test_clone_facts(void **state)
{
	(void)state;
	for (size_t v = 0; v < nversions; v++) {
		int minor = gofixture_minor(versions[v]);
		const char *names[] = { "hello", "hello-stripped" };

		for (size_t k = 0; k < 2; k++) {
			struct gobin *bin = open_fixture(versions[v], names[k]);
			struct rw_error err = { "" };
			struct clone_facts f;
			struct traps t;

			if (clone_facts_read(bin, &f, &err) < 0)
				fail_msg("%s %s: %s", versions[v], names[k], err.msg);
			scan_ok(&t, bin);
			/* A stripped binary's names are the pclntab's: no ".abi0". */
			const struct trap_function *fn =
				go_holder(&t, versions[v], k ? "runtime.clone" : "runtime.clone.abi0");
			assert_true(f.found);
			assert_int_equal(f.m_tls, minor >= 25 ? 0x80 : 0x88);
			assert_int_equal(f.m_procid, minor >= 25 ? 0x40 : 0x48);
			assert_int_equal(f.bare_pc, site_of(&t, fn, 0)->addr + 2);
			assert_true(f.child_pc > site_of(&t, fn, 1)->addr);
			assert_int_equal(f.exit_pc + 5, site_of(&t, fn, 2)->addr);
			traps_free(&t);
			gobin_close(bin);
		}
	}
}

/* Every site is a real instruction: its bytes are 0f 05, its offset is
 * its distance from its function's entry. A byte search finds more
 * 0f 05 than there are SYSCALLs: the clone flags 0x50f00 (movl
 * $0x50f00,(%rsp)) in newosproc, which moved into its closure
 * newosproc.func1 (run by retryOnEAGAIN) in 1.21; the others are rel32
 * and displacement bytes, so they change with every build. */
static void test_hello_decoding_not_bytes(void **state)
{
	(void)state;
	for (size_t v = 0; v < nversions; v++) {
		struct gobin *bin = open_fixture(versions[v], "hello");
		const struct gofunc *newosproc = gobin_find_func(bin,
			gofixture_minor(versions[v]) <= 19 ? "runtime.newosproc" :
							     "runtime.newosproc.func1");
		const uint8_t *code;
		size_t raw = 0;
		struct traps t;

		scan_ok(&t, bin);
		for (size_t i = 0; i < t.nsites; i++) {
			const struct trap_site *s = &t.sites[i];
			const struct trap_function *f = &t.functions[s->function];
			const uint8_t *b = elf_image_vaddr_bytes(gobin_elf(bin), s->addr, 2);

			assert_non_null(b);
			assert_int_equal(b[0], 0x0f);
			assert_int_equal(b[1], 0x05);
			assert_int_equal(s->len, 2);
			assert_int_equal(s->offset, s->addr - f->entry);
			assert_true(s->offset < f->size);
			assert_true(i == 0 || t.sites[i - 1].addr < s->addr);
		}
		assert_non_null(newosproc);
		code = gobin_func_code(bin, newosproc);
		assert_non_null(code);
		if (!memmem(code, newosproc->size, "\x00\x0f\x05\x00", 4))
			fail_msg("%s: %s does not hold the clone flags 0x50f00", versions[v],
				 newosproc->name);
		assert_null(holder(&t, newosproc->name, CODE_ORIGIN_GO));
		for (size_t i = 0; i < gobin_func_count(bin); i++) {
			const struct gofunc *fn = gobin_func(bin, i);
			const uint8_t *c = gobin_func_code(bin, fn);

			for (uint64_t k = 0; c && k + 1 < fn->size; k++)
				raw += c[k] == 0x0f && c[k + 1] == 0x05;
		}
		if (raw <= t.nsites)
			fail_msg("%s: a byte search finds %zu 0f 05, decoding %zu SYSCALLs: expected false hits",
				 versions[v], raw, t.nsites);
		traps_free(&t);
		gobin_close(bin);
	}
}

/* REDIRECT.md §1: every leaf has room for an entry jump before its first
 * SYSCALL, and nothing branches into its first bytes or its body. */
static void test_hello_entry_facts(void **state)
{
	(void)state;
	for (size_t v = 0; v < nversions; v++) {
		struct gobin *bin = open_fixture(versions[v], "hello");
		struct traps t;

		scan_ok(&t, bin);
		for (size_t i = 0; i < t.nfunctions; i++) {
			const struct trap_function *f = &t.functions[i];

			if (f->first_offset < TRAPS_ENTRY_PATCH_LEN ||
			    f->branches_into_entry || f->refs_into_body)
				fail_msg("%s: %s: first trap at +%llu, %zu branch(es) into its entry, %zu reference(s) into its body",
					 versions[v], f->name,
					 (unsigned long long)f->first_offset,
					 f->branches_into_entry, f->refs_into_body);
			assert_int_equal(f->origin, CODE_ORIGIN_GO);
			assert_false(f->entry_patched);
		}
		traps_free(&t);
		gobin_close(bin);
	}
}

/* Built with -s -w, the functions come from .gopclntab: same sites. */
static void test_stripped_same_sites(void **state)
{
	(void)state;
	for (size_t v = 0; v < nversions; v++) {
		for (int traps_fixture = 0; traps_fixture < 2; traps_fixture++) {
			const char *name = traps_fixture ? "traps" : "hello";
			char stripped_name[32];
			struct gobin *bin = open_fixture(versions[v], name), *stripped;
			struct traps t, u;

			snprintf(stripped_name, sizeof(stripped_name), "%s-stripped", name);
			stripped = open_fixture(versions[v], stripped_name);
			assert_int_equal(gobin_symbol_source(stripped), GOBIN_PCLNTAB);
			scan_ok(&t, bin);
			scan_ok(&u, stripped);
			assert_int_equal(u.nsites, t.nsites);
			assert_int_equal(u.nfunctions, t.nfunctions);
			assert_int_equal(u.ngaps, 0);
			for (size_t i = 0; i < t.nsites; i++) {
				const struct trap_site *a = &t.sites[i], *b = &u.sites[i];

				assert_int_equal(a->addr, b->addr);
				assert_int_equal(a->offset, b->offset);
				assert_int_equal(a->len, b->len);
				assert_int_equal(a->kind, b->kind);
				assert_int_equal(a->number_known, b->number_known);
				assert_int_equal(a->number, b->number);
				assert_int_equal(t.functions[a->function].entry,
						 u.functions[b->function].entry);
			}
			traps_free(&t);
			traps_free(&u);
			gobin_close(bin);
			gobin_close(stripped);
		}
	}
}

/* tests/fixtures/traps: each leaf shows one rule. */
static void test_fixture_rules(void **state)
{
	(void)state;
	for (size_t v = 0; v < nversions; v++) {
		struct gobin *bin = open_fixture(versions[v], "traps");
		const struct gofunc *hidden = gobin_find_func(bin, "main.hidden.abi0");
		const struct trap_function *f;
		const struct trap_site *s;
		struct traps t;

		scan_ok(&t, bin);
		assert_int_equal(t.count[DISASM_TRAP_SYSENTER], 1);
		assert_int_equal(t.count[DISASM_TRAP_INT80], 1);
		assert_int_equal(t.ngaps, 0);
		f = go_holder(&t, versions[v], "main.getpidLeaf.abi0");
		assert_int_equal(f->nsites, 1);
		assert_int_equal(f->first_offset, 5);
		assert_number(site_of(&t, f, 0), 39);
		/* The loop head at +2 is inside the first five bytes. */
		f = go_holder(&t, versions[v], "main.yieldLoop.abi0");
		assert_int_equal(f->branches_into_entry, 1);
		assert_true(f->branch_into_entry_addr > f->entry + TRAPS_ENTRY_PATCH_LEN);
		assert_true(f->branch_into_entry_addr < f->entry + f->size);
		assert_number(site_of(&t, f, 0), 24);
		/* A mov right before, but a branch lands on the SYSCALL. */
		f = go_holder(&t, versions[v], "main.jumpOnto.abi0");
		assert_int_equal(f->nsites, 1);
		assert_false(site_of(&t, f, 0)->number_known);
		assert_int_equal(f->branches_into_entry, 0);
		f = go_holder(&t, versions[v], "main.int80Leaf.abi0");
		s = site_of(&t, f, 0);
		assert_int_equal(s->kind, DISASM_TRAP_INT80);
		assert_int_equal(s->len, 2);
		assert_false(s->number_known);
		f = go_holder(&t, versions[v], "main.sysenterLeaf.abi0");
		s = site_of(&t, f, 0);
		assert_int_equal(s->kind, DISASM_TRAP_SYSENTER);
		assert_int_equal(s->offset, 0);
		assert_int_equal(f->first_offset, 0);
		f = go_holder(&t, versions[v], "main.syscallFirst.abi0");
		assert_int_equal(f->first_offset, 2);
		assert_false(site_of(&t, f, 0)->number_known);
		/* 0f 05 inside mov $0x50f, %ebx is no SYSCALL. */
		assert_non_null(hidden);
		assert_non_null(memmem(gobin_func_code(bin, hidden), hidden->size,
				       "\x0f\x05", 2));
		assert_null(holder(&t, "main.hidden.abi0", CODE_ORIGIN_GO));
		/* Data after a jump: decoded by following the jump, its 0f 05
		 * is no SYSCALL and its bad bytes no gap. */
		assert_int_equal(t.followed, 1);
		assert_null(holder(&t, "main.dataAfterJump.abi0", CODE_ORIGIN_GO));
		traps_free(&t);
		gobin_close(bin);
	}
}

/* In a rewired binary functions decode as their original code: a SYSCALL
 * behind an entry jump stays (reached from its trampoline), one the jump
 * overwrote is gone, and the trampoline that moved it holds it. */
static void test_rewired_trampolines(void **state)
{
	(void)state;
	for (size_t v = 0; v < nversions; v++) {
		char out[] = "/tmp/rewire-test-traps-XXXXXX";
		struct gobin *orig = open_fixture(versions[v], "traps"), *bin;
		const struct trap_function *f, *tramp;
		struct traps t0, t;

		write_rewired_traps(versions[v], out);
		bin = open_path(out);
		scan_ok(&t0, orig);
		scan_ok(&t, bin);
		assert_int_equal(t.trampolines, 2);
		assert_int_equal(t.decoded, t0.decoded + 2);
		assert_int_equal(t.ngaps, 0);
		/* One site moved into a trampoline: the count stays. */
		assert_int_equal(t.nsites, t0.nsites);
		assert_int_equal(t.nfunctions, t0.nfunctions);

		f = go_holder(&t, versions[v], "main.getpidLeaf.abi0");
		assert_true(f->entry_patched);
		assert_int_equal(f->nsites, 1);
		assert_int_equal(site_of(&t, f, 0)->offset, 5);
		/* The trampoline runs the mov and jumps onto the SYSCALL. */
		assert_int_equal(f->refs_into_body, 1);
		assert_int_equal(f->ref_into_body_target, f->entry + 5);
		assert_false(site_of(&t, f, 0)->number_known);
		assert_null(holder(&t, "main.getpidLeaf.abi0", CODE_ORIGIN_TRAMPOLINE));

		assert_null(holder(&t, "main.syscallFirst.abi0", CODE_ORIGIN_GO));
		tramp = holder(&t, "main.syscallFirst.abi0", CODE_ORIGIN_TRAMPOLINE);
		assert_non_null(tramp);
		assert_int_equal(tramp->nsites, 1);
		assert_int_equal(tramp->first_offset, 2);
		assert_int_equal(site_of(&t, tramp, 0)->kind, DISASM_TRAP_SYSCALL);
		assert_true(tramp->entry > f->entry);

		/* Decoded from the patched bytes, its SYSCALL would vanish. */
		f = go_holder(&t, versions[v], "main.behindJump.abi0");
		assert_true(f->entry_patched);
		assert_int_equal(f->first_offset, 9);
		assert_number(site_of(&t, f, 0), 0xb8);

		/* The other leaves are untouched. */
		f = go_holder(&t, versions[v], "main.yieldLoop.abi0");
		assert_false(f->entry_patched);
		assert_number(site_of(&t, f, 0), 24);
		traps_free(&t0);
		traps_free(&t);
		gobin_close(orig);
		gobin_close(bin);
		unlink(out);
	}
}

/* A copy of the traps fixture with getpidLeaf's symbol size zeroed (as
 * assembly without .size looks) and hidden's first byte made 0x06, no
 * instruction in 64-bit mode. Writes to out, a mkstemp template. */
static void write_tampered(const char *version, char *out)
{
	char path[4096];
	struct gobin *bin;
	const struct elf_image *img;
	const struct elf_section *symtab, *strtab;
	const struct gofunc *hidden;
	uint8_t *copy;
	int fd = mkstemp(out), zeroed = 0;
	FILE *f;

	assert_true(fd >= 0);
	close(fd);
	gofixture_path(path, sizeof(path), version, "traps");
	bin = open_path(path);
	img = gobin_elf(bin);
	copy = malloc(img->size);
	assert_non_null(copy);
	memcpy(copy, img->bytes, img->size);
	symtab = elf_image_section(img, ".symtab");
	assert_non_null(symtab);
	strtab = &img->sections[symtab->link];
	for (uint64_t off = 0; off + sizeof(Elf64_Sym) <= symtab->size; off += sizeof(Elf64_Sym)) {
		Elf64_Sym sym;

		memcpy(&sym, copy + symtab->offset + off, sizeof(sym));
		if (strcmp((const char *)img->bytes + strtab->offset + sym.st_name,
			   "main.getpidLeaf.abi0") != 0)
			continue;
		sym.st_size = 0;
		memcpy(copy + symtab->offset + off, &sym, sizeof(sym));
		zeroed++;
	}
	assert_int_equal(zeroed, 1);
	hidden = gobin_find_func(bin, "main.hidden.abi0");
	assert_non_null(hidden);
	copy[elf_image_vaddr_offset(img, hidden->entry, 1)] = 0x06;
	f = fopen(out, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(copy, 1, img->size, f), img->size);
	assert_int_equal(fclose(f), 0);
	free(copy);
	gobin_close(bin);
}

/* Code no sized symbol covers, and code that does not decode, are named
 * as not decoded; what they hold is not claimed either way. */
static void test_gaps_named(void **state)
{
	(void)state;
	for (size_t v = 0; v < nversions; v++) {
		char out[] = "/tmp/rewire-test-traps-XXXXXX";
		struct gobin *orig = open_fixture(versions[v], "traps"), *bin;
		const struct gofunc *leaf = gobin_find_func(orig, "main.getpidLeaf.abi0");
		const struct gofunc *hidden = gobin_find_func(orig, "main.hidden.abi0");
		const struct trap_gap *nosym = NULL, *bad = NULL;
		struct traps t0, t;

		write_tampered(versions[v], out);
		bin = open_path(out);
		scan_ok(&t0, orig);
		scan_ok(&t, bin);
		assert_int_equal(t.ngaps, 2);
		for (size_t i = 0; i < t.ngaps; i++) {
			if (t.gaps[i].reason == TRAP_GAP_NO_SYMBOL)
				nosym = &t.gaps[i];
			else
				bad = &t.gaps[i];
		}
		assert_non_null(nosym);
		assert_non_null(bad);
		/* From the leaf's entry to the next function, less the INT3. */
		assert_int_equal(nosym->addr, leaf->entry);
		assert_true(nosym->size >= leaf->size);
		assert_string_equal(nosym->section, ".text");
		assert_non_null(strstr(nosym->detail, "main.getpidLeaf.abi0"));
		assert_non_null(nosym->function);
		assert_int_equal(bad->addr, hidden->entry);
		assert_int_equal(bad->size, hidden->size);
		assert_string_equal(bad->function, "main.hidden.abi0");
		assert_non_null(strstr(bad->detail, "cannot decode"));
		/* The leaf's SYSCALL is in the gap: no longer listed. */
		assert_int_equal(t.nsites, t0.nsites - 1);
		assert_null(holder(&t, "main.getpidLeaf.abi0", CODE_ORIGIN_GO));
		assert_int_equal(t.decoded, t0.decoded - 2);
		traps_free(&t0);
		traps_free(&t);
		gobin_close(orig);
		gobin_close(bin);
		unlink(out);
	}
}

/* A copy of the traps fixture whose hidden starts with a jmp rel32 into
 * the data of dataAfterJump (its mov is 5 bytes, like the jump). Writes to
 * out, a mkstemp template. */
static void write_jump_into_data(const char *version, char *out)
{
	char path[4096];
	struct gobin *bin;
	const struct elf_image *img;
	const struct gofunc *hidden, *data;
	uint8_t *copy;
	int32_t rel;
	int fd = mkstemp(out);
	FILE *f;

	assert_true(fd >= 0);
	close(fd);
	gofixture_path(path, sizeof(path), version, "traps");
	bin = open_path(path);
	img = gobin_elf(bin);
	hidden = gobin_find_func(bin, "main.hidden.abi0");
	data = gobin_find_func(bin, "main.dataAfterJump.abi0");
	assert_non_null(hidden);
	assert_non_null(data);
	copy = malloc(img->size);
	assert_non_null(copy);
	memcpy(copy, img->bytes, img->size);
	/* Onto the 0f 05 right after the 2-byte jmp. */
	rel = (int32_t)(data->entry + 2 - (hidden->entry + 5));
	copy[elf_image_vaddr_offset(img, hidden->entry, 5)] = 0xe9;
	memcpy(copy + elf_image_vaddr_offset(img, hidden->entry, 5) + 1, &rel, 4);
	f = fopen(out, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(copy, 1, img->size, f), img->size);
	assert_int_equal(fclose(f), 0);
	free(copy);
	gobin_close(bin);
}

/* Bytes no path from the entry reaches are data only while nothing else
 * jumps into them: then the function is not decoded after all. */
static void test_data_reached_from_elsewhere(void **state)
{
	(void)state;
	for (size_t v = 0; v < nversions; v++) {
		char out[] = "/tmp/rewire-test-traps-XXXXXX";
		struct gobin *bin;
		const struct gofunc *data;
		struct traps t;

		write_jump_into_data(versions[v], out);
		bin = open_path(out);
		data = gobin_find_func(bin, "main.dataAfterJump.abi0");
		scan_ok(&t, bin);
		assert_int_equal(t.ngaps, 1);
		assert_int_equal(t.gaps[0].reason, TRAP_GAP_UNDECODABLE);
		assert_string_equal(t.gaps[0].function, "main.dataAfterJump.abi0");
		assert_int_equal(t.gaps[0].addr, data->entry + 2);
		assert_non_null(strstr(t.gaps[0].detail, "no path from its entry reaches"));
		traps_free(&t);
		gobin_close(bin);
		unlink(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello_counts),
		cmocka_unit_test(test_hello_known_sites),
		cmocka_unit_test(test_clone_facts),
		cmocka_unit_test(test_hello_decoding_not_bytes),
		cmocka_unit_test(test_hello_entry_facts),
		cmocka_unit_test(test_stripped_same_sites),
		cmocka_unit_test(test_fixture_rules),
		cmocka_unit_test(test_rewired_trampolines),
		cmocka_unit_test(test_gaps_named),
		cmocka_unit_test(test_data_reached_from_elsewhere),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
