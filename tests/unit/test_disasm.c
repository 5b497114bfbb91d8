/* Unit tests of disasm.c: decoding, branch scans, Go's morestack return. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "disasm.h"

/* time.Now of go1.26 (tests/fixtures/hello), runtime address 0x4999a0. */
static const uint8_t go126_time_now_head[] = {
	0x49, 0x3b, 0x66, 0x10,			/* cmp rsp, [r14+0x10] */
	0x0f, 0x86, 0x84, 0x00, 0x00, 0x00,	/* jbe 0x499a2e */
	0x55,					/* push rbp */
	0x48, 0x89, 0xe5,			/* mov rbp, rsp */
	0xe8, 0xad, 0x27, 0xfe, 0xff,		/* call 0x47c160 */
	0x48, 0x85, 0xc9,			/* test rcx, rcx */
	0x74, 0x59,				/* je 0x499a11 */
	0x48, 0x8b, 0x15, 0x39, 0x55, 0x11, 0x00, /* mov rdx, [rip+0x115539] */
};
#define TIME_NOW 0x4999a0u

static void decode_ok(const uint8_t *code, size_t len, uint64_t addr,
		      const struct disasm_style *style, struct disasm_insn *insn)
{
	struct rw_error err = { "" };

	if (disasm_decode(code, len, addr, style, insn, &err) < 0)
		fail_msg("decode at 0x%llx: %s", (unsigned long long)addr, err.msg);
}

static void test_decode_prologue_intel_and_att(void **state)
{
	struct disasm_insn insn;
	struct disasm_style att = { DISASM_ATT, NULL, NULL };

	(void)state;
	decode_ok(go126_time_now_head, sizeof(go126_time_now_head), TIME_NOW,
		  NULL, &insn);
	assert_int_equal(insn.len, 4);
	assert_string_equal(insn.text, "cmp rsp, [r14+0x10]");
	assert_int_equal(insn.branch, DISASM_BRANCH_NONE);
	assert_false(insn.rip_relative);
	assert_false(insn.ends_flow);
	decode_ok(go126_time_now_head, 4, TIME_NOW, &att, &insn);
	assert_string_equal(insn.text, "cmp 0x10(%r14), %rsp");
}

static const char *symbolize_time_now(void *ctx, uint64_t addr, uint64_t *off)
{
	(void)ctx;
	if (addr < TIME_NOW || addr >= TIME_NOW + 0x98)
		return NULL;
	*off = addr - TIME_NOW;
	return "time.Now";
}

static void test_decode_branch_absolute_target(void **state)
{
	struct disasm_insn insn;
	struct disasm_style sym = { DISASM_INTEL, symbolize_time_now, NULL };

	(void)state;
	decode_ok(go126_time_now_head + 4, 6, TIME_NOW + 4, NULL, &insn);
	assert_int_equal(insn.len, 6);
	assert_int_equal(insn.branch, DISASM_BRANCH_JCC);
	assert_int_equal(insn.rel_size, 4);
	assert_int_equal(insn.rel_offset, 2);
	assert_int_equal(insn.target, 0x499a2e);
	assert_string_equal(insn.text, "jbe 0x499a2e");
	decode_ok(go126_time_now_head + 4, 6, TIME_NOW + 4, &sym, &insn);
	assert_string_equal(insn.text, "jbe 0x499a2e <time.Now+0x8e>");

	/* call rel32 to a negative displacement; je rel8. */
	decode_ok(go126_time_now_head + 14, 5, TIME_NOW + 14, NULL, &insn);
	assert_int_equal(insn.branch, DISASM_BRANCH_CALL);
	assert_true(insn.is_call);
	assert_int_equal(insn.target, 0x47c160);
	decode_ok(go126_time_now_head + 22, 2, TIME_NOW + 22, &sym, &insn);
	assert_int_equal(insn.branch, DISASM_BRANCH_JCC);
	assert_int_equal(insn.rel_size, 1);
	assert_int_equal(insn.target, 0x499a11);
	assert_string_equal(insn.text, "jz 0x499a11 <time.Now+0x71>");
}

static void test_decode_rip_relative(void **state)
{
	/* lea rax, [rip-0x10]: how ABI0 assembly often starts. */
	static const uint8_t lea[] = { 0x48, 0x8d, 0x05, 0xf0, 0xff, 0xff, 0xff };
	struct disasm_insn insn;

	(void)state;
	decode_ok(go126_time_now_head + 24, 7, TIME_NOW + 24, NULL, &insn);
	assert_true(insn.rip_relative);
	assert_int_equal(insn.disp_offset, 3);
	assert_int_equal(insn.rip_address, 0x5aeef8);
	assert_int_equal(insn.branch, DISASM_BRANCH_NONE);
	assert_non_null(strstr(insn.text, "0x5aeef8"));

	decode_ok(lea, sizeof(lea), 0x1000, NULL, &insn);
	assert_true(insn.rip_relative);
	assert_int_equal(insn.rip_address, 0x1000 + 7 - 0x10);
}

static void test_decode_branch_kinds(void **state)
{
	static const struct {
		uint8_t bytes[8];
		uint8_t len;
		enum disasm_branch_kind kind;
		uint8_t rel_size;
		uint64_t target;	/* instruction at 0x1000 */
		bool ends_flow;
	} cases[] = {
		{ { 0xeb, 0xfe }, 2, DISASM_BRANCH_JMP, 1, 0x1000, true },
		{ { 0xe9, 0x00, 0x01, 0x00, 0x00 }, 5, DISASM_BRANCH_JMP, 4, 0x1105, true },
		{ { 0x76, 0x10 }, 2, DISASM_BRANCH_JCC, 1, 0x1012, false },
		{ { 0x0f, 0x8f, 0xfa, 0xff, 0xff, 0xff }, 6, DISASM_BRANCH_JCC, 4, 0x1000, false },
		{ { 0xe8, 0xfb, 0xff, 0xff, 0xff }, 5, DISASM_BRANCH_CALL, 4, 0x1000, false },
		{ { 0xe2, 0x10 }, 2, DISASM_BRANCH_LOOP, 1, 0x1012, false },
		{ { 0xe1, 0x10 }, 2, DISASM_BRANCH_LOOP, 1, 0x1012, false },
		{ { 0xe3, 0x10 }, 2, DISASM_BRANCH_LOOP, 1, 0x1012, false },
		{ { 0xc7, 0xf8, 0x10, 0x00, 0x00, 0x00 }, 6, DISASM_BRANCH_XBEGIN, 4, 0x1016, false },
		{ { 0xff, 0xe0 }, 2, DISASM_BRANCH_NONE, 0, 0, true },	/* jmp rax */
		{ { 0xc3 }, 1, DISASM_BRANCH_NONE, 0, 0, true },		/* ret */
		{ { 0xcc }, 1, DISASM_BRANCH_NONE, 0, 0, true },		/* int3 */
		{ { 0x0f, 0x0b }, 2, DISASM_BRANCH_NONE, 0, 0, true },	/* ud2 */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct disasm_insn insn;

		decode_ok(cases[i].bytes, cases[i].len, 0x1000, NULL, &insn);
		assert_int_equal(insn.len, cases[i].len);
		assert_int_equal(insn.branch, cases[i].kind);
		assert_int_equal(insn.rel_size, cases[i].rel_size);
		assert_int_equal(insn.ends_flow, cases[i].ends_flow);
		if (cases[i].kind != DISASM_BRANCH_NONE)
			assert_int_equal(insn.target, cases[i].target);
	}
}

static void test_decode_errors_name_address_and_bytes(void **state)
{
	static const uint8_t invalid[] = { 0x06, 0x90 };	/* push es: not in 64-bit mode */
	static const uint8_t truncated[] = { 0xe8, 0x00, 0x00 };
	struct disasm_insn insn;
	struct rw_error err = { "" };

	(void)state;
	assert_int_equal(disasm_decode(invalid, sizeof(invalid), 0x401234, NULL,
				       &insn, &err), -1);
	assert_non_null(strstr(err.msg, "0x401234"));
	assert_non_null(strstr(err.msg, "06 90"));
	assert_int_equal(disasm_decode(truncated, sizeof(truncated), 0x401000,
				       NULL, &insn, &err), -1);
	assert_non_null(strstr(err.msg, "past the end"));
	assert_non_null(strstr(err.msg, "e8 00 00"));
}

static void test_walk_reports_offset_of_bad_bytes(void **state)
{
	/* Six good bytes, then garbage. */
	static const uint8_t code[] = { 0x55, 0x48, 0x89, 0xe5, 0x90, 0x90, 0x06 };
	struct disasm_branch b[4];
	size_t n;
	struct rw_error err = { "" };

	(void)state;
	assert_int_equal(disasm_branches(code, sizeof(code), 0x402000, b, 4, &n, &err), -1);
	assert_non_null(strstr(err.msg, "+0x6"));
	assert_non_null(strstr(err.msg, "0x402006"));
	assert_non_null(strstr(err.msg, "cannot decode"));
}

/* A function at 0x1000 with branches to its entry, into the first five bytes,
 * just past them, and elsewhere. */
static const uint8_t branchy[] = {
	/* 0x00 */ 0x31, 0xc0,			/* xor eax, eax */
	/* 0x02 */ 0xff, 0xc0,			/* inc eax: a loop head at +2 */
	/* 0x04 */ 0x83, 0xf8, 0x10,		/* cmp eax, 0x10 */
	/* 0x07 */ 0x75, 0xf9,			/* jne +2 */
	/* 0x09 */ 0x74, 0xf9,			/* je +4 (mid-instruction: still counted) */
	/* 0x0b */ 0x0f, 0x84, 0xf4, 0xff, 0xff, 0xff, /* je +5 (first byte not overwritten) */
	/* 0x11 */ 0xe8, 0xea, 0xff, 0xff, 0xff,	/* call +0 (the entry: allowed) */
	/* 0x16 */ 0xeb, 0xe8,			/* jmp +0 (allowed) */
	/* 0x18 */ 0xc3,
};

static void test_branches_into_patched_bytes(void **state)
{
	struct disasm_branch b[8];
	size_t n;
	struct rw_error err = { "" };

	(void)state;
	assert_int_equal(disasm_branches_into(branchy, sizeof(branchy), 0x1000,
					      0x1000, 0x1005, b, 8, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(b[0].addr, 0x1007);
	assert_int_equal(b[0].target, 0x1002);
	assert_int_equal(b[0].kind, DISASM_BRANCH_JCC);
	assert_int_equal(b[0].rel_size, 1);
	assert_int_equal(b[1].addr, 0x1009);
	assert_int_equal(b[1].target, 0x1004);

	/* The whole list, and a too-small array still counts all. */
	assert_int_equal(disasm_branches(branchy, sizeof(branchy), 0x1000, b, 8, &n, &err), 0);
	assert_int_equal(n, 5);
	assert_int_equal(b[4].kind, DISASM_BRANCH_JMP);
	assert_int_equal(b[4].target, 0x1000);
	assert_int_equal(disasm_branches(branchy, sizeof(branchy), 0x1000, b, 1, &n, &err), 0);
	assert_int_equal(n, 5);
	assert_int_equal(b[0].addr, 0x1007);

	/* An empty range finds nothing. */
	assert_int_equal(disasm_branches_into(branchy, sizeof(branchy), 0x1000,
					      0x1000, 0x1001, b, 8, &n, &err), 0);
	assert_int_equal(n, 0);
}

/* A splittable Go function at 0x2000 whose block spills and reloads register
 * arguments (the shape of go1.21+ with ABIInternal). */
static const uint8_t splittable[] = {
	/* 0x00 */ 0x49, 0x3b, 0x66, 0x10,		/* cmp rsp, [r14+0x10] */
	/* 0x04 */ 0x76, 0x06,				/* jbe 0x200c */
	/* 0x06 */ 0x55,				/* push rbp */
	/* 0x07 */ 0x48, 0x89, 0xe5,			/* mov rbp, rsp */
	/* 0x0a */ 0x5d,				/* pop rbp */
	/* 0x0b */ 0xc3,				/* ret */
	/* 0x0c */ 0x48, 0x89, 0x44, 0x24, 0x08,	/* mov [rsp+8], rax */
	/* 0x11 */ 0xe8, 0xea, 0xef, 0xff, 0xff,	/* call 0x1000 */
	/* 0x16 */ 0x48, 0x8b, 0x44, 0x24, 0x08,	/* mov rax, [rsp+8] */
	/* 0x1b */ 0x90,				/* nop */
	/* 0x1c */ 0xeb, 0xe2,				/* jmp 0x2000 */
	/* 0x1e */ 0xcc, 0xcc,
};

static void test_morestack_return_rel8_with_spills(void **state)
{
	struct disasm_morestack m;
	struct rw_error err = { "" };

	(void)state;
	assert_int_equal(disasm_find_morestack_return(splittable, sizeof(splittable),
						      0x2000, &m, &err), 1);
	assert_int_equal(m.check_addr, 0x2004);
	assert_int_equal(m.block_addr, 0x200c);
	assert_int_equal(m.call_addr, 0x2011);
	assert_int_equal(m.call_target, 0x1000);
	assert_int_equal(m.jmp_addr, 0x201c);
	assert_int_equal(m.jmp_len, 2);
	assert_int_equal(m.jmp_rel_size, 1);
}

static void test_morestack_return_rel32(void **state)
{
	/* The block as go1.26 lays out time.Now's: jbe rel32, call, jmp rel32. */
	uint8_t code[0x120];
	struct disasm_morestack m;
	struct rw_error err = { "" };

	(void)state;
	memset(code, 0x90, sizeof(code));
	memcpy(code, "\x49\x3b\x66\x10\x0f\x86\x00\x01\x00\x00", 10); /* jbe +0x10a */
	code[0x109] = 0xc3;
	memcpy(code + 0x10a, "\xe8\x00\x00\x00\x00", 5);		/* call */
	memcpy(code + 0x10f, "\xe9\xec\xfe\xff\xff", 5);		/* jmp entry */
	memset(code + 0x114, 0xcc, sizeof(code) - 0x114);
	assert_int_equal(disasm_find_morestack_return(code, sizeof(code), 0x3000,
						      &m, &err), 1);
	assert_int_equal(m.check_addr, 0x3004);
	assert_int_equal(m.block_addr, 0x310a);
	assert_int_equal(m.jmp_addr, 0x310f);
	assert_int_equal(m.jmp_len, 5);
	assert_int_equal(m.jmp_rel_size, 4);
}

static void test_morestack_return_none(void **state)
{
	/* NOSPLIT: no block at all. */
	static const uint8_t nosplit[] = { 0x55, 0x48, 0x89, 0xe5, 0x5d, 0xc3 };
	/* A jmp to the entry that no call precedes: a loop, not a block. */
	static const uint8_t loop[] = { 0xff, 0xc0, 0x75, 0xfc, 0xeb, 0xfa, 0xc3 };
	/* A call and jmp back, but nothing branches to the block. */
	static const uint8_t unreached[] = {
		0x55, 0x5d, 0xc3, 0xe8, 0x00, 0x00, 0x00, 0x00, 0xeb, 0xf6,
	};
	struct disasm_morestack m;
	struct rw_error err = { "" };

	(void)state;
	assert_int_equal(disasm_find_morestack_return(nosplit, sizeof(nosplit),
						      0x1000, &m, &err), 0);
	assert_int_equal(disasm_find_morestack_return(loop, sizeof(loop), 0x1000,
						      &m, &err), 0);
	assert_int_equal(disasm_find_morestack_return(unreached, sizeof(unreached),
						      0x1000, &m, &err), 0);
	/* Garbage is an error, not "none". */
	assert_int_equal(disasm_find_morestack_return((const uint8_t *)"\x06", 1,
						      0x1000, &m, &err), -1);
}

/* The trap instructions, by decoding: SYSCALL, SYSENTER, INT 0x80 (not
 * INT with another vector, not INT3). */
static void test_trap_kinds(void **state)
{
	static const struct {
		uint8_t bytes[4];
		size_t len;
		enum disasm_trap trap;
		bool padding;
	} cases[] = {
		{ { 0x0f, 0x05 }, 2, DISASM_TRAP_SYSCALL, false },
		{ { 0x0f, 0x34 }, 2, DISASM_TRAP_SYSENTER, false },
		{ { 0xcd, 0x80 }, 2, DISASM_TRAP_INT80, false },
		{ { 0xcd, 0x03 }, 2, DISASM_TRAP_NONE, false },
		{ { 0xcd, 0x81 }, 2, DISASM_TRAP_NONE, false },
		{ { 0xcc }, 1, DISASM_TRAP_NONE, true },
		{ { 0x90 }, 1, DISASM_TRAP_NONE, true },
		{ { 0x66, 0x90 }, 2, DISASM_TRAP_NONE, true },
		{ { 0x0f, 0x1f, 0x40, 0x00 }, 4, DISASM_TRAP_NONE, true },
		{ { 0x0f, 0x07 }, 2, DISASM_TRAP_NONE, false },	/* sysret */
	};
	struct disasm_insn insn;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		decode_ok(cases[i].bytes, cases[i].len, 0x1000, NULL, &insn);
		assert_int_equal(insn.len, cases[i].len);
		assert_int_equal(insn.trap, cases[i].trap);
		assert_int_equal(insn.is_padding, cases[i].padding);
	}
}

/* A constant into the whole of RAX: mov eax (zero-extends), mov rax
 * (sign-extends imm32), movabs; not AX or AL (the rest stays), not
 * another register, not a load from memory. */
static void test_rax_constants(void **state)
{
	static const struct {
		uint8_t bytes[10];
		size_t len;
		bool sets;
		uint64_t value;
	} cases[] = {
		{ { 0xb8, 0xca, 0x00, 0x00, 0x00 }, 5, true, 202 },
		{ { 0xb8, 0xff, 0xff, 0xff, 0xff }, 5, true, 0xffffffffu },
		{ { 0x48, 0xc7, 0xc0, 0x0f, 0x00, 0x00, 0x00 }, 7, true, 15 },
		{ { 0x48, 0xc7, 0xc0, 0xff, 0xff, 0xff, 0xff }, 7, true, UINT64_MAX },
		{ { 0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8 }, 10, true, 0x0807060504030201ull },
		{ { 0x66, 0xb8, 0x01, 0x00 }, 4, false, 0 },	/* mov ax, 1 */
		{ { 0xb0, 0x01 }, 2, false, 0 },		/* mov al, 1 */
		{ { 0xbb, 0x27, 0x00, 0x00, 0x00 }, 5, false, 0 },	/* mov ebx, 39 */
		{ { 0x8b, 0x44, 0x24, 0x08 }, 4, false, 0 },	/* mov eax, [rsp+8] */
		{ { 0x31, 0xc0 }, 2, false, 0 },		/* xor eax, eax */
	};
	struct disasm_insn insn;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		decode_ok(cases[i].bytes, cases[i].len, 0x1000, NULL, &insn);
		assert_int_equal(insn.len, cases[i].len);
		assert_int_equal(insn.sets_rax, cases[i].sets);
		if (cases[i].sets)
			assert_int_equal(insn.rax_value, cases[i].value);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_prologue_intel_and_att),
		cmocka_unit_test(test_decode_branch_absolute_target),
		cmocka_unit_test(test_decode_rip_relative),
		cmocka_unit_test(test_decode_branch_kinds),
		cmocka_unit_test(test_decode_errors_name_address_and_bytes),
		cmocka_unit_test(test_walk_reports_offset_of_bad_bytes),
		cmocka_unit_test(test_branches_into_patched_bytes),
		cmocka_unit_test(test_morestack_return_rel8_with_spills),
		cmocka_unit_test(test_morestack_return_rel32),
		cmocka_unit_test(test_morestack_return_none),
		cmocka_unit_test(test_trap_kinds),
		cmocka_unit_test(test_rax_constants),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
