/* Unit tests of trampoline.c, on hand-written code and on real Go functions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>

#include "disasm.h"
#include "elf_image.h"
#include "trampoline.h"

/* Code at FROM, trampolines at TRAMP: a new segment past a Go binary's own. */
#define FROM 0x4999a0u
#define TRAMP 0x1000000u

/* The mnemonic of a formatted instruction ("jbe 0x..." -> "jbe"). */
static void mnemonic_of(const char *text, char *buf, size_t size)
{
	size_t n = strcspn(text, " ");

	if (n >= size)
		n = size - 1;
	memcpy(buf, text, n);
	buf[n] = '\0';
}

/* Decodes the trampoline and checks, instruction by instruction against the
 * original, that it does the same: same mnemonic, same absolute branch target
 * (or the copy of a displaced target), same rip-relative address, identical
 * bytes otherwise; then a jmp back to from + displaced. */
static void check_trampoline(const uint8_t *code, size_t len, uint64_t from,
			     const struct trampoline *t)
{
	struct rw_error err = { "" };
	size_t off = 0;

	assert_int_equal(t->from, from);
	assert_true(t->displaced >= 5);
	assert_int_equal(t->resume, from + t->displaced);
	for (size_t i = 0; i < t->ninsns; i++) {
		struct disasm_insn o, n;
		char om[32], nm[32];

		assert_int_equal(t->tramp_off[i], off);
		if (disasm_decode(code + t->orig_off[i], len - t->orig_off[i],
				  from + t->orig_off[i], NULL, &o, &err) < 0 ||
		    disasm_decode(t->code + off, t->len - off, t->addr + off,
				  NULL, &n, &err) < 0)
			fail_msg("decode: %s", err.msg);
		mnemonic_of(o.text, om, sizeof(om));
		mnemonic_of(n.text, nm, sizeof(nm));
		assert_string_equal(nm, om);
		assert_int_equal(n.branch, o.branch);
		assert_int_equal(n.rip_relative, o.rip_relative);
		if (o.branch != DISASM_BRANCH_NONE) {
			uint64_t want = o.target;

			if (o.target >= from && o.target < t->resume)
				want = trampoline_translate(t, o.target);
			assert_int_equal(n.target, want);
			if (o.branch != DISASM_BRANCH_LOOP)
				assert_int_equal(n.rel_size, 4);
		} else if (o.rip_relative) {
			assert_int_equal(n.rip_address, o.rip_address);
			assert_int_equal(n.len, o.len);
		} else {
			assert_int_equal(n.len, o.len);
			assert_memory_equal(t->code + off, code + t->orig_off[i], o.len);
		}
		off += n.len;
	}
	assert_int_equal(off + 5, t->len);
	struct disasm_insn back;
	if (disasm_decode(t->code + off, 5, t->addr + off, NULL, &back, &err) < 0)
		fail_msg("decode: %s", err.msg);
	assert_int_equal(back.branch, DISASM_BRANCH_JMP);
	assert_int_equal(back.rel_size, 4);
	assert_int_equal(back.target, t->resume);
}

static void build_ok(const uint8_t *code, size_t len, uint64_t from,
		     uint64_t tramp, struct trampoline *t)
{
	struct rw_error err = { "" };

	if (trampoline_build(code, len, from, 5, tramp, t, &err) < 0)
		fail_msg("trampoline_build: %s", err.msg);
	check_trampoline(code, len, from, t);
}

static void build_fails(const uint8_t *code, size_t len, uint64_t from,
			uint64_t tramp, const char *want1, const char *want2)
{
	struct trampoline t;
	struct rw_error err = { "" };

	assert_int_equal(trampoline_build(code, len, from, 5, tramp, &t, &err), -1);
	if (!strstr(err.msg, want1) || (want2 && !strstr(err.msg, want2)))
		fail_msg("error \"%s\" lacks \"%s\"%s%s", err.msg, want1,
			 want2 ? " or " : "", want2 ? want2 : "");
}

static void test_go_prologue_jcc_rel8_widened(void **state)
{
	/* cmp rsp, [r14+0x10]; jbe +0x20; push rbp */
	static const uint8_t code[] = { 0x49, 0x3b, 0x66, 0x10, 0x76, 0x20, 0x55, 0xc3 };
	struct trampoline t;

	(void)state;
	build_ok(code, sizeof(code), FROM, TRAMP, &t);
	assert_int_equal(t.displaced, 6);
	assert_int_equal(t.ninsns, 2);
	assert_int_equal(t.len, 4 + 6 + 5);
	assert_false(t.has_call);
}

static void test_go_prologue_jcc_rel32(void **state)
{
	/* go1.26 time.Now: cmp; jbe rel32 */
	static const uint8_t code[] = {
		0x49, 0x3b, 0x66, 0x10, 0x0f, 0x86, 0x84, 0x00, 0x00, 0x00, 0x55,
	};
	struct trampoline t;

	(void)state;
	build_ok(code, sizeof(code), FROM, TRAMP, &t);
	assert_int_equal(t.displaced, 10);
	assert_int_equal(t.len, 10 + 5);
}

static void test_frame_setup_crosses_instruction_boundary(void **state)
{
	/* push rbp; mov rbp, rsp; sub rsp, 0x40: 5 bytes end inside the sub. */
	static const uint8_t code[] = {
		0x55, 0x48, 0x89, 0xe5, 0x48, 0x83, 0xec, 0x40, 0x48, 0x85, 0xc9,
	};
	/* lea r12, [rsp-0x200]; cmp r12, [r14+0x10]: a large frame's check. */
	static const uint8_t big[] = {
		0x4c, 0x8d, 0xa4, 0x24, 0x00, 0xfe, 0xff, 0xff,
		0x4d, 0x3b, 0x66, 0x10, 0x0f, 0x86, 0x00, 0x01, 0x00, 0x00,
	};
	struct trampoline t;

	(void)state;
	build_ok(code, sizeof(code), FROM, TRAMP, &t);
	assert_int_equal(t.displaced, 8);
	assert_int_equal(t.ninsns, 3);
	assert_int_equal(trampoline_translate(&t, FROM + 4), TRAMP + 4);
	assert_int_equal(trampoline_translate(&t, FROM + 5), 0);
	build_ok(big, sizeof(big), FROM, TRAMP, &t);
	assert_int_equal(t.displaced, 8);
	assert_int_equal(t.ninsns, 1);
}

static void test_jmp_and_call(void **state)
{
	/* jmp rel32 (a wrapper tail-calling), jmp rel8, call rel32. */
	static const uint8_t jmp32[] = { 0xe9, 0x10, 0x20, 0x00, 0x00, 0xcc };
	static const uint8_t jmp8[] = { 0xeb, 0x30, 0x90, 0x90, 0x90, 0x90 };
	static const uint8_t call[] = { 0xe8, 0x00, 0xf0, 0xff, 0xff, 0xc3 };
	struct trampoline t;

	(void)state;
	build_ok(jmp32, sizeof(jmp32), FROM, TRAMP, &t);
	assert_int_equal(t.displaced, 5);
	build_ok(jmp8, sizeof(jmp8), FROM, TRAMP, &t);
	assert_int_equal(t.displaced, 5);
	assert_int_equal(t.code[0], 0xe9);
	build_ok(call, sizeof(call), FROM, TRAMP, &t);
	assert_true(t.has_call);
}

static void test_rip_relative_load_and_lea(void **state)
{
	/* mov rdx, [rip+0x115539] (time.Now), lea rax, [rip-0x100] (ABI0). */
	static const uint8_t load[] = { 0x48, 0x8b, 0x15, 0x39, 0x55, 0x11, 0x00, 0xc3 };
	static const uint8_t lea[] = { 0x48, 0x8d, 0x05, 0x00, 0xff, 0xff, 0xff, 0xc3 };
	/* push rbp; cmp dword ptr [rip+0x10], 0 (an immediate after the disp). */
	static const uint8_t mixed[] = {
		0x55, 0x83, 0x3d, 0x10, 0x00, 0x00, 0x00, 0x00, 0xc3,
	};
	struct trampoline t;

	(void)state;
	build_ok(load, sizeof(load), FROM, TRAMP, &t);
	assert_int_equal(t.displaced, 7);
	build_ok(lea, sizeof(lea), FROM, TRAMP, &t);
	build_ok(mixed, sizeof(mixed), FROM, TRAMP, &t);
	assert_int_equal(t.displaced, 8);
	/* A trampoline below the code too. */
	build_ok(load, sizeof(load), FROM, 0x1000, &t);
}

static void test_branch_into_displaced_range(void **state)
{
	/* jne +4 (a nop inside the range); nop x4; ret. */
	static const uint8_t fwd[] = { 0x75, 0x02, 0x90, 0x90, 0x90, 0xc3 };
	/* jmp to self: an idle loop at the entry. */
	static const uint8_t self[] = { 0xeb, 0xfe, 0x90, 0x90, 0x90, 0x90 };
	/* nop; nop; jne +0 (back to the entry); nop */
	static const uint8_t back[] = { 0x90, 0x90, 0x75, 0xfc, 0x90, 0xc3 };
	/* jne +3: into the middle of mov eax, 1. */
	static const uint8_t middle[] = { 0x75, 0x01, 0xb8, 0x01, 0x00, 0x00, 0x00, 0xc3 };
	struct trampoline t;
	struct disasm_insn insn;
	struct rw_error err = { "" };

	(void)state;
	build_ok(fwd, sizeof(fwd), FROM, TRAMP, &t);
	assert_int_equal(t.displaced, 5);
	/* jne rel32 (6 bytes) then nops at TRAMP+6, +7, +8. */
	assert_int_equal(disasm_decode(t.code, t.len, TRAMP, NULL, &insn, &err), 0);
	assert_int_equal(insn.target, TRAMP + 8);

	build_ok(self, sizeof(self), FROM, TRAMP, &t);
	assert_int_equal(disasm_decode(t.code, t.len, TRAMP, NULL, &insn, &err), 0);
	assert_int_equal(insn.target, TRAMP);

	build_ok(back, sizeof(back), FROM, TRAMP, &t);
	assert_int_equal(disasm_decode(t.code + 2, t.len - 2, TRAMP + 2, NULL,
				       &insn, &err), 0);
	assert_int_equal(insn.target, TRAMP);

	build_fails(middle, sizeof(middle), FROM, TRAMP, "inside a displaced instruction",
		    "entry+3");
}

static void test_too_short_and_undecodable(void **state)
{
	static const uint8_t tiny[] = { 0x31, 0xc0, 0xc3 };
	static const uint8_t garbage[] = { 0x55, 0x06, 0x90, 0x90, 0x90, 0x90 };
	/* mov eax, imm32 cut at the function's end. */
	static const uint8_t cut[] = { 0x90, 0x90, 0xb8, 0x01, 0x00 };

	(void)state;
	build_fails(tiny, sizeof(tiny), FROM, TRAMP, "is 3 bytes; a jump needs 5", "0x4999a0");
	build_fails(garbage, sizeof(garbage), FROM, TRAMP, "cannot decode", "+0x1");
	build_fails(cut, sizeof(cut), FROM, TRAMP, "past the end", "0x4999a2");
}

static void test_out_of_range(void **state)
{
	static const uint8_t load[] = { 0x48, 0x8b, 0x15, 0x39, 0x55, 0x11, 0x00, 0xc3 };
	static const uint8_t jcc[] = { 0x49, 0x3b, 0x66, 0x10, 0x76, 0x20, 0x55 };
	static const uint8_t plain[] = { 0x55, 0x48, 0x89, 0xe5, 0x5d, 0xc3 };
	const uint64_t far = FROM + 0x90000000ull;	/* 2.25 GiB away */

	(void)state;
	build_fails(load, sizeof(load), FROM, far, "rip-relative", "out of reach");
	build_fails(jcc, sizeof(jcc), FROM, far, "jcc target", "out of reach");
	build_fails(plain, sizeof(plain), FROM, far, "out of reach", NULL);
}

static void test_short_only_branches(void **state)
{
	/* loop rel8 / jrcxz rel8 cannot widen; xbegin rel32 relocates. */
	static const uint8_t loop[] = { 0xe2, 0x10, 0x90, 0x90, 0x90 };
	static const uint8_t jrcxz[] = { 0xe3, 0x10, 0x90, 0x90, 0x90 };
	static const uint8_t xbegin[] = { 0xc7, 0xf8, 0x00, 0x01, 0x00, 0x00 };
	/* jmp rel8 with an operand-size prefix. */
	static const uint8_t jmp16[] = { 0x66, 0xeb, 0x10, 0x90, 0x90 };
	struct trampoline t;

	(void)state;
	build_fails(loop, sizeof(loop), FROM, TRAMP, "8-bit displacement", "0x4999b2");
	build_fails(jrcxz, sizeof(jrcxz), FROM, TRAMP, "loop/jrcxz", "out of reach");
	/* Still fine where the target stays in reach. */
	build_ok(loop, sizeof(loop), FROM, FROM + 0x40, &t);
	build_ok(xbegin, sizeof(xbegin), FROM, TRAMP, &t);
	build_fails(jmp16, sizeof(jmp16), FROM, TRAMP, "operand-size prefix", NULL);
}

/* --- Real Go functions, every fixture version ------------------------------ */

struct go_func {
	uint64_t addr, size;
	char name[128];
};

/* Functions of a fixture, from nm (no dependence on the Go binary model). */
static size_t fixture_funcs(const char *path, struct go_func **out)
{
	char cmd[4096], line[4096];
	size_t n = 0, cap = 0;
	struct go_func *v = NULL;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "nm -S --defined-only '%s'", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		unsigned long long a, s;
		char type;
		int name_at = 0;

		/* "%016llx %016llx T name": lines without a size are skipped. */
		if (strlen(line) < 37 || line[16] != ' ' || line[33] != ' ' ||
		    line[35] != ' ')
			continue;
		if (sscanf(line, "%llx %llx %c %n", &a, &s, &type, &name_at) != 3 ||
		    !name_at || (type != 'T' && type != 't'))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			v = realloc(v, cap * sizeof(*v));
			assert_non_null(v);
		}
		v[n].addr = a;
		v[n].size = s;
		snprintf(v[n].name, sizeof(v[n].name), "%.*s",
			 (int)strcspn(line + name_at, "\n"), line + name_at);
		n++;
	}
	assert_int_equal(pclose(p), 0);
	*out = v;
	return n;
}

static const struct go_func *func_find(const struct go_func *v, size_t n,
				       const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return &v[i];
	return NULL;
}

/* Calls check(dir name, binary path) for each go1.XX fixture; fails when the
 * fixtures are missing, since then nothing real was tested. */
static void fixtures_each(void (*check)(const char *version, const char *path))
{
	const char *root = getenv("REWIRE_FIXTURES");
	struct dirent **ents;
	int n, seen = 0;

	if (!root || !*root)
		fail_msg("REWIRE_FIXTURES is not set (run through make unit-test)");
	n = scandir(root, &ents, NULL, alphasort);
	if (n < 0)
		fail_msg("cannot read REWIRE_FIXTURES=%s", root);
	for (int i = 0; i < n; i++) {
		char path[4096];

		if (!strncmp(ents[i]->d_name, "go1.", 4)) {
			snprintf(path, sizeof(path), "%s/%s/hello", root, ents[i]->d_name);
			check(ents[i]->d_name, path);
			seen++;
		}
		free(ents[i]);
	}
	free(ents);
	if (!seen)
		fail_msg("no go1.XX fixtures under %s (run tests/fixtures/build.sh)", root);
}

/* What a patch of name needs, checked: trampoline, morestack return, and no
 * branch landing in the overwritten bytes. Returns the morestack result. */
static int check_patchable(const char *version, const struct elf_image *img,
			   const struct go_func *f, struct disasm_morestack *m)
{
	const uint8_t *code = elf_image_vaddr_bytes(img, f->addr, f->size);
	struct trampoline t;
	struct disasm_branch b[4];
	size_t nb;
	struct rw_error err = { "" };
	int found;

	if (!code)
		fail_msg("%s: %s: no bytes at 0x%llx", version, f->name,
			 (unsigned long long)f->addr);
	if (trampoline_build(code, f->size, f->addr, 5, TRAMP, &t, &err) < 0)
		fail_msg("%s: %s: %s", version, f->name, err.msg);
	check_trampoline(code, f->size, f->addr, &t);
	assert_false(t.has_call);
	if (disasm_branches_into(code, f->size, f->addr, f->addr, f->addr + 5,
				 b, 4, &nb, &err) < 0)
		fail_msg("%s: %s: %s", version, f->name, err.msg);
	if (nb)
		fail_msg("%s: %s: branch at 0x%llx lands at entry+%llu", version,
			 f->name, (unsigned long long)b[0].addr,
			 (unsigned long long)(b[0].target - f->addr));
	found = disasm_find_morestack_return(code, f->size, f->addr, m, &err);
	if (found < 0)
		fail_msg("%s: %s: %s", version, f->name, err.msg);
	return found;
}

static void check_version(const char *version, const char *path)
{
	struct elf_image img;
	struct rw_error err = { "" };
	struct go_func *funcs;
	size_t n;
	const struct go_func *now, *sleep, *ms_noctxt;
	struct disasm_morestack m;

	if (elf_image_open(&img, path, &err) < 0)
		fail_msg("%s", err.msg);
	n = fixture_funcs(path, &funcs);
	now = func_find(funcs, n, "time.Now");
	sleep = func_find(funcs, n, "runtime.futexsleep");
	ms_noctxt = func_find(funcs, n, "runtime.morestack_noctxt.abi0");
	if (!now || !sleep || !ms_noctxt)
		fail_msg("%s: time.Now, runtime.futexsleep or morestack_noctxt missing", version);

	assert_int_equal(check_patchable(version, &img, now, &m), 1);
	assert_int_equal(m.call_target, ms_noctxt->addr);
	assert_true(m.jmp_addr > m.call_addr && m.jmp_addr < now->addr + now->size);
	assert_true(m.jmp_len == 2 || m.jmp_len == 5);
	/* A short morestack jmp bounces through a second jmp at entry+5, so the
	 * trampoline must displace 10 bytes. */
	const uint8_t *code = elf_image_vaddr_bytes(&img, now->addr, now->size);
	struct trampoline t;
	if (trampoline_build(code, now->size, now->addr, 10, TRAMP, &t, &err) < 0)
		fail_msg("%s: time.Now, 10 bytes: %s", version, err.msg);
	assert_true(t.displaced >= 10);
	check_trampoline(code, now->size, now->addr, &t);
	assert_int_equal(trampoline_build(code, now->size, now->addr, 17, TRAMP,
					  &t, &err), -1);
	/* futexsleep is //go:nosplit: no stack check, no block. */
	assert_int_equal(check_patchable(version, &img, sleep, &m), 0);
	free(funcs);
	elf_image_close(&img);
}

static void test_go_fixtures_time_now_futexsleep(void **state)
{
	(void)state;
	fixtures_each(check_version);
}

struct morestack_calls {
	const uint64_t *targets;	/* runtime.morestack, _noctxt, c */
	size_t n;
};

static int morestack_call_visit(void *ctx, const struct disasm_insn *insn)
{
	struct morestack_calls *mc = ctx;

	if (insn->branch == DISASM_BRANCH_CALL && insn->target &&
	    (insn->target == mc->targets[0] || insn->target == mc->targets[1] ||
	     insn->target == mc->targets[2]))
		mc->n++;
	return 0;
}

/* Every function of every fixture: decodes linearly, gets a trampoline that
 * checks out (or fails with a message), and every morestack call sits in a
 * block the finder recognizes. */
static void sweep_version(const char *version, const char *path)
{
	struct elf_image img;
	struct rw_error err = { "" };
	struct go_func *funcs;
	size_t n, blocks = 0, rel8 = 0, refused = 0;
	uint64_t ms[3];
	const char *ms_names[3] = {
		"runtime.morestack.abi0", "runtime.morestack_noctxt.abi0",
		"runtime.morestackc.abi0",
	};

	if (elf_image_open(&img, path, &err) < 0)
		fail_msg("%s", err.msg);
	n = fixture_funcs(path, &funcs);
	for (int i = 0; i < 3; i++) {
		const struct go_func *f = func_find(funcs, n, ms_names[i]);

		ms[i] = f ? f->addr : 0;
	}
	if (!ms[0] || !ms[1])
		fail_msg("%s: runtime.morestack(_noctxt).abi0 missing", version);
	for (size_t i = 0; i < n; i++) {
		const struct go_func *f = &funcs[i];
		const uint8_t *code = elf_image_vaddr_bytes(&img, f->addr, f->size);
		struct disasm_morestack m;
		struct trampoline t;
		int found;

		if (!code || f->size == 0)
			continue;
		found = disasm_find_morestack_return(code, f->size, f->addr, &m, &err);
		if (found < 0)
			fail_msg("%s: %s: %s", version, f->name, err.msg);
		struct morestack_calls mc = { ms, 0 };
		if (disasm_walk(code, f->size, f->addr, morestack_call_visit, &mc, &err) < 0)
			fail_msg("%s: %s: %s", version, f->name, err.msg);
		if (mc.n && !found)
			fail_msg("%s: %s calls morestack but no block was found",
				 version, f->name);
		if (found) {
			blocks++;
			rel8 += m.jmp_rel_size == 1;
			if (m.call_target != ms[0] && m.call_target != ms[1] &&
			    m.call_target != ms[2])
				fail_msg("%s: %s: block calls 0x%llx, no morestack",
					 version, f->name,
					 (unsigned long long)m.call_target);
		}
		if (trampoline_build(code, f->size, f->addr, 5, TRAMP, &t, &err) < 0) {
			refused++;
			continue;
		}
		check_trampoline(code, f->size, f->addr, &t);
	}
	printf("%s: %zu functions, %zu morestack returns (%zu rel8, %zu rel32), %zu without trampoline\n",
	       version, n, blocks, rel8, blocks - rel8, refused);
	assert_true(blocks > n / 2);
	free(funcs);
	elf_image_close(&img);
}

static void test_go_fixtures_every_function(void **state)
{
	(void)state;
	fixtures_each(sweep_version);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_go_prologue_jcc_rel8_widened),
		cmocka_unit_test(test_go_prologue_jcc_rel32),
		cmocka_unit_test(test_frame_setup_crosses_instruction_boundary),
		cmocka_unit_test(test_jmp_and_call),
		cmocka_unit_test(test_rip_relative_load_and_lea),
		cmocka_unit_test(test_branch_into_displaced_range),
		cmocka_unit_test(test_too_short_and_undecodable),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_short_only_branches),
		cmocka_unit_test(test_go_fixtures_time_now_futexsleep),
		cmocka_unit_test(test_go_fixtures_every_function),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
