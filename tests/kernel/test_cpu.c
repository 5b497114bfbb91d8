/* Per-thread CPU state: extended registers through xsave/xrstor and a new
 * thread's initial state, the FS base, random numbers, and what the
 * program's auxiliary vector gets. */
#include "ktest.h"

static uint8_t area[8192] __attribute__((aligned(64)));
static uint8_t init_area[8192] __attribute__((aligned(64)));
static const uint64_t pattern[8] = {
	0x0123456789abcdef, 0x1122334455667788, 0xdeadbeefcafef00d,
	0x0f1e2d3c4b5a6978, 0x8877665544332211, 0xa5a5a5a55a5a5a5a,
	0x1357924680acebdf, 0xfedcba9876543210,
};

static int same(const uint64_t *a, const uint64_t *b, int n)
{
	int eq = 1;
	for (int i = 0; i < n; i++)
		eq &= a[i] == b[i];
	return eq;
}

static void test_avx512(void)
{
	uint64_t out[8] = { 0 };
	uint32_t k1;
	__asm__ volatile("vmovdqu64 %0, %%zmm31\n\t"
			 "movl $0xa5c3, %%eax\n\t"
			 "kmovw %%eax, %%k1"
			 : : "m"(pattern) : "rax");
	platform_xsave(area);
	__asm__ volatile("vpxorq %%zmm31, %%zmm31, %%zmm31\n\t"
			 "kxorw %%k1, %%k1, %%k1" ::: "memory");
	platform_xrstor(area);
	__asm__ volatile("vmovdqu64 %%zmm31, %0\n\t"
			 "kmovw %%k1, %1"
			 : "=m"(out), "=r"(k1));
	check(k1 == 0xa5c3 && same(out, pattern, 8),
	      "xsave zmm31 and k1 survive save, clobber, restore",
	      "zmm31 or k1 differs");
}

void test_xsave(void)
{
	uint64_t features = kvm_xsave_features(), out[8] = { 0 };
	int avx = !!(features & 4);

	if (platform_xsave_size() > sizeof(area)) {
		check(0, "xsave area size", "larger than the test's buffer");
		return;
	}
	/* The platform and this test are built without SSE/AVX code: the
	 * compiler never touches ymm3 between these statements. */
	if (avx) {
		__asm__ volatile("vmovdqu %0, %%ymm3" : : "m"(pattern));
		platform_xsave(area);
		__asm__ volatile("vpxor %%ymm3, %%ymm3, %%ymm3" ::: "memory");
		platform_xrstor(area);
		__asm__ volatile("vmovdqu %%ymm3, %0" : "=m"(out));
		check(same(out, pattern, 4),
		      "xsave ymm3 survives save, clobber, restore",
		      "ymm3 differs");
	} else {
		__asm__ volatile("movdqu %0, %%xmm3" : : "m"(pattern));
		platform_xsave(area);
		__asm__ volatile("pxor %%xmm3, %%xmm3" ::: "memory");
		platform_xrstor(area);
		__asm__ volatile("movdqu %%xmm3, %0" : "=m"(out));
		check(same(out, pattern, 2),
		      "xsave xmm3 survives save, clobber, restore (no AVX)",
		      "xmm3 differs");
	}
	if ((features & 0xe0) == 0xe0)
		test_avx512();

	/* A new thread's state: MXCSR default, vector registers zero. */
	platform_xsave_init(init_area);
	uint32_t mxcsr = 0;
	__asm__ volatile("ldmxcsr %0" : : "m"(mxcsr)); /* disturb it */
	platform_xrstor(init_area);
	__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
	if (avx)
		__asm__ volatile("vmovdqu %%ymm3, %0" : "=m"(out));
	else
		__asm__ volatile("movdqu %%xmm3, %0" : "=m"(out));
	check(mxcsr == 0x1f80 && !out[0] && !out[1] && !out[2] && !out[3],
	      "xsave initial state: MXCSR 0x1f80, registers zero",
	      "not the initial state");
	platform_xrstor(area);
}

static uint64_t tls_block[2] = { 0x7157a7e, 0 };

void test_cpu_state(void)
{
	uint64_t v;
	platform_set_fs_base((uint64_t)tls_block);
	__asm__ volatile("movq %%fs:0, %0" : "=r"(v));
	check(v == 0x7157a7e, "fs base: %fs:0 reads the TLS block",
	      "wrong value through %fs");
	platform_set_fs_base(0);

	uint64_t a[4] = { 0 }, b[4] = { 0 };
	int ra = platform_random(a, sizeof(a)), rb = platform_random(b, 13);
	uint32_t ecx;
	__asm__ volatile("cpuid" : "=c"(ecx) : "a"(1), "c"(0) : "rbx", "rdx");
	if (!(ecx & (1u << 30)) && ra == -1) /* no RDRAND (nor RDSEED) */
		check(1, "random: -1 without RDRAND", "");
	else
		check(ra == 0 && rb == 0 && (a[0] | a[3]) && !same(a, b, 2) &&
			      !(b[1] >> 40) && !b[2],
		      "random: bytes from RDSEED/RDRAND, length respected",
		      "no random bytes, or the same twice");

	struct platform_program p;
	platform_program(&p);
	/* FPU, SSE, SSE2: every x86-64 CPU; no program in a test image. */
	check((p.hwcap & 1) && (p.hwcap & (1 << 25)) && (p.hwcap & (1 << 26)) &&
		      !p.entry && !p.phnum,
	      "program: hwcap from CPUID, no Go program in a test image",
	      "wrong program facts");
}
