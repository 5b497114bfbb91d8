/* The KVM platform's test kernel: boots, prints a banner, checks extended
 * state save/restore, the timer, the syscall entry, exception hooks and
 * platform_resume, then exits 0 (or with exit=N). Asked on the command
 * line, it crashes instead (crash=pf|ud|gp|de|panic) to test the dump,
 * hangs (crash=hang) or resets the VM (crash=triple). */
#include "api.h"

static int failures;

static void check(int ok, const char *name, const char *why)
{
	if (ok) {
		platform_printf("ok   %s\n", name);
	} else {
		platform_printf("FAIL %s: %s\n", name, why);
		failures++;
	}
}

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static unsigned long parse_number(const char *s)
{
	unsigned long v = 0;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (unsigned long)(*s++ - '0');
	return v;
}

static void banner(void)
{
	uint64_t entry_ns, setup_ns;
	platform_boot_times(&entry_ns, &setup_ns);
	platform_printf("rewire platform test: cpu %s, tsc %lu kHz from %s, "
			"wall clock %s, timer %s\n",
			platform_cpu_vendor(), platform_tsc_hz() / 1000,
			platform_tsc_source(), platform_wall_source(),
			platform_timer_mode());
	platform_printf("boot: entry to platform_main %lu ns, platform setup "
			"%lu ns\n",
			entry_ns, setup_ns);
	platform_printf("xsave: %lu bytes, features %lx\n",
			(unsigned long)platform_xsave_size(),
			platform_xsave_features());
	struct platform_mem_region r[8];
	int n = platform_memory_regions(r, 8);
	for (int i = 0; i < n; i++)
		platform_printf("ram: %lx-%lx\n", r[i].base,
				r[i].base + r[i].size);
	platform_printf("image end: %lx\n", platform_image_end());
	int argc;
	char **argv = platform_argv(&argc);
	for (int i = 0; i < argc; i++)
		platform_printf("arg %d: [%s]\n", i, argv[i]);
	for (char **e = platform_envp(); *e; e++)
		platform_printf("env: [%s]\n", *e);
}

/* --- extended state --- */

static uint8_t area[8192] __attribute__((aligned(64)));
static uint8_t init_area[8192] __attribute__((aligned(64)));

static void test_xsave(void)
{
	uint64_t features = platform_xsave_features();
	static const uint64_t pattern[8] = {
		0x0123456789abcdef, 0x1122334455667788, 0xdeadbeefcafef00d,
		0x0f1e2d3c4b5a6978, 0x8877665544332211, 0xa5a5a5a55a5a5a5a,
		0x1357924680acebdf, 0xfedcba9876543210,
	};
	uint64_t out[8] = { 0 };
	int avx = !!(features & 4), avx512 = (features & 0xe0) == 0xe0;

	if (platform_xsave_size() > sizeof(area)) {
		check(0, "xsave area size", "larger than the test's buffer");
		return;
	}
	if (avx) {
		__asm__ volatile("vmovdqu %0, %%ymm3" : : "m"(pattern));
		platform_xsave(area);
		__asm__ volatile("vpxor %%ymm3, %%ymm3, %%ymm3" ::: "memory");
		platform_xrstor(area);
		__asm__ volatile("vmovdqu %%ymm3, %0" : "=m"(out));
		int same = 1;
		for (int i = 0; i < 4; i++)
			same &= out[i] == pattern[i];
		check(same, "xsave ymm3 survives save, clobber, restore",
		      "ymm3 differs");
	} else {
		__asm__ volatile("movdqu %0, %%xmm3" : : "m"(pattern));
		platform_xsave(area);
		__asm__ volatile("pxor %%xmm3, %%xmm3" ::: "memory");
		platform_xrstor(area);
		__asm__ volatile("movdqu %%xmm3, %0" : "=m"(out));
		check(out[0] == pattern[0] && out[1] == pattern[1],
		      "xsave xmm3 survives save, clobber, restore (no AVX)",
		      "xmm3 differs");
	}
	if (avx512) {
		__asm__ volatile("vmovdqu64 %0, %%zmm31\n\t"
				 "movl $0xa5c3, %%eax\n\t"
				 "kmovw %%eax, %%k1"
				 : : "m"(pattern) : "rax");
		platform_xsave(area);
		__asm__ volatile("vpxorq %%zmm31, %%zmm31, %%zmm31\n\t"
				 "kxorw %%k1, %%k1, %%k1" ::: "memory");
		platform_xrstor(area);
		uint32_t k1;
		__asm__ volatile("vmovdqu64 %%zmm31, %0\n\t"
				 "kmovw %%k1, %1"
				 : "=m"(out), "=r"(k1));
		int same = k1 == 0xa5c3;
		for (int i = 0; i < 8; i++)
			same &= out[i] == pattern[i];
		check(same, "xsave zmm31 and k1 survive save, restore",
		      "zmm31 or k1 differs");
	}

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
	check(mxcsr == 0x1f80 && !out[0] && !out[1],
	      "xsave initial state: MXCSR 0x1f80, registers zero",
	      "not the initial state");
	/* And back to what this thread had. */
	platform_xrstor(area);
}

/* --- timer --- */

#define TIMER_TICKS 20
#define TIMER_PERIOD_NS 1000000
static volatile uint64_t timer_hits, first_tick_ns, last_tick_ns;
static volatile int timer_on_own_stack = 1;

static void timer_hook(struct platform_regs *regs)
{
	int local;
	uint64_t here = (uint64_t)&local;
	/* The interrupt frame must not be on the interrupted stack. */
	if (here <= regs->rsp && here > regs->rsp - 65536)
		timer_on_own_stack = 0;
	uint64_t now = platform_monotonic_ns();
	if (!timer_hits++)
		first_tick_ns = now;
	last_tick_ns = now;
	if (timer_hits < TIMER_TICKS)
		platform_timer_arm(now + TIMER_PERIOD_NS);
}

static void test_timer(void)
{
	platform_set_timer_hook(timer_hook);
	uint64_t before = platform_timer_ticks();
	uint64_t start = platform_monotonic_ns();
	platform_timer_arm(start + TIMER_PERIOD_NS);
	/* 2 s: far more than 20 ms, even under a loaded TCG. */
	while (timer_hits < TIMER_TICKS &&
	       platform_monotonic_ns() - start < 2000000000ull)
		platform_wait_for_interrupt();
	platform_timer_cancel();
	platform_set_timer_hook(0);

	check(timer_hits == TIMER_TICKS, "timer: 20 interrupts",
	      "timed out waiting for timer interrupts");
	platform_printf("timer: %lu interrupts, %lu ns apart on average\n",
			timer_hits,
			timer_hits > 1 ? (last_tick_ns - first_tick_ns) /
						 (timer_hits - 1)
				       : 0);
	check(platform_timer_ticks() - before == timer_hits,
	      "timer: counted per CPU", "tick count differs");
	/* Deadlines are never early by more than the clock's error. */
	check(timer_hits < 2 || last_tick_ns - first_tick_ns >=
					(timer_hits - 1) * TIMER_PERIOD_NS * 9 / 10,
	      "timer: not early", "interrupts came before their deadlines");
	check(timer_on_own_stack, "timer: interrupt runs on its IST stack",
	      "the handler ran on the interrupted stack");
}

/* --- syscall --- */

static struct platform_regs seen;
static volatile uint64_t seen_flags, seen_local;

static long syscall_hook(struct platform_regs *regs)
{
	int local;
	seen = *regs;
	seen_flags = platform_irq_save();
	seen_local = (uint64_t)&local;
	return (long)(regs->rdi + regs->rsi + regs->rdx + regs->r10 +
		      regs->r8 + regs->r9 + regs->rax);
}

struct syscall_result {
	uint64_t ret, rcx, r11, rsp, rip, rbx, r12, r13, r14, r15;
};

static struct syscall_result do_syscall(uint64_t nr)
{
	struct syscall_result s;
	register uint64_t r10 __asm__("r10") = 4;
	register uint64_t r8 __asm__("r8") = 5;
	register uint64_t r9 __asm__("r9") = 6;
	register uint64_t r11 __asm__("r11");
	register uint64_t r12 __asm__("r12") = 0x1212;
	register uint64_t r13 __asm__("r13") = 0x1313;
	register uint64_t r14 __asm__("r14") = 0x1414;
	register uint64_t r15 __asm__("r15") = 0x1515;
	uint64_t rbx = 0xbbbb, rax = nr, rcx;
	__asm__ volatile("movq %%rsp, %[sp]\n\t"
			 "movq $1f, %[ip]\n\t"
			 "syscall\n"
			 "1:"
			 : "+a"(rax), "=c"(rcx), "=r"(r11), [sp] "=m"(s.rsp),
			   [ip] "=m"(s.rip), "+b"(rbx), "+r"(r10), "+r"(r8),
			   "+r"(r9), "+r"(r12), "+r"(r13), "+r"(r14),
			   "+r"(r15)
			 : "D"(1), "S"(2), "d"(3)
			 : "memory");
	s.ret = rax;
	s.rcx = rcx;
	s.r11 = r11;
	s.rbx = rbx;
	s.r12 = r12;
	s.r13 = r13;
	s.r14 = r14;
	s.r15 = r15;
	return s;
}

static uint8_t thread_stack[16384] __attribute__((aligned(16)));

static void test_syscall(void)
{
	platform_set_syscall_hook(syscall_hook);
	platform_irq_enable();
	struct syscall_result r = do_syscall(100);
	uint64_t flags_after = platform_irq_save();

	check(r.ret == 100 + 1 + 2 + 3 + 4 + 5 + 6,
	      "syscall: return value arrives in rax", "wrong rax");
	check(seen.rax == 100 && seen.rdi == 1 && seen.rsi == 2 &&
		      seen.rdx == 3 && seen.r10 == 4 && seen.r8 == 5 &&
		      seen.r9 == 6,
	      "syscall: hook sees number and six arguments", "wrong arguments");
	check(seen.rsp == r.rsp && seen.rip == r.rip,
	      "syscall: hook sees caller's rsp and return rip", "wrong rsp/rip");
	check(r.rcx == r.rip && r.r11 == seen.rflags,
	      "syscall: rcx holds the return address, r11 the flags",
	      "rcx or r11 differs");
	check(r.rbx == 0xbbbb && r.r12 == 0x1212 && r.r13 == 0x1313 &&
		      r.r14 == 0x1414 && r.r15 == 0x1515,
	      "syscall: rbx, r12-r15 preserved", "a register changed");
	check(!(seen_flags & (1 << 9)) && (seen.rflags & (1 << 9)) &&
		      (flags_after & (1 << 9)),
	      "syscall: hook runs with interrupts off, caller's IF restored",
	      "wrong interrupt flag");
	check(seen_local > r.rsp || seen_local < r.rsp - 65536,
	      "syscall: hook runs on the syscall stack, not the caller's",
	      "hook ran on the caller's stack");

	platform_set_syscall_stack(thread_stack + sizeof(thread_stack));
	r = do_syscall(7);
	check(r.ret == 7 + 21 && seen_local > (uint64_t)thread_stack &&
		      seen_local < (uint64_t)thread_stack + sizeof(thread_stack),
	      "syscall: platform_set_syscall_stack moves the hook's stack",
	      "hook not on the stack set");

	platform_set_syscall_hook(0);
	r = do_syscall(1);
	check((long)r.ret == -38, "syscall: no hook gives -ENOSYS",
	      "wrong result");
}

/* --- exception hook --- */

static volatile uint64_t hooked_vector, hooked_address;

static int exception_hook(struct platform_regs *regs, uint64_t address)
{
	hooked_vector = regs->vector;
	hooked_address = address;
	if (regs->vector == 3) /* int3 is a trap: rip is already past it */
		return 1;
	if (regs->vector == 6) { /* ud2: skip its two bytes */
		regs->rip += 2;
		regs->rax = 0x600d;
		return 1;
	}
	if (regs->vector == 14 && address == 0x500000000000) {
		/* A demand-paging fault handler would map the page; here we
		 * skip the faulting 3-byte load instead. */
		regs->rip += 3;
		return 1;
	}
	return 0;
}

static void test_exceptions(void)
{
	platform_set_exception_hook(exception_hook);
	__asm__ volatile("int3");
	check(hooked_vector == 3, "exception hook: #BP handled and resumed",
	      "hook not called");
	uint64_t rax = 0;
	__asm__ volatile("ud2" : "+a"(rax));
	check(hooked_vector == 6 && rax == 0x600d,
	      "exception hook: #UD handled, registers rewritten", "no");
	uint64_t p = 0x500000000000;
	/* mov (%rdi), %rax: 3 bytes, which the hook skips. */
	__asm__ volatile("movq (%0), %%rax" : : "D"(p) : "rax", "memory");
	check(hooked_vector == 14 && hooked_address == p,
	      "exception hook: #PF with the fault address", "no");
	platform_set_exception_hook(0);
}

/* --- platform_resume and the end --- */

static uint8_t resume_stack[16384] __attribute__((aligned(16)));
static int exit_status;

static void finish(void)
{
	if (failures)
		platform_printf("platform test: %d FAILED\n", failures);
	else
		platform_printf("platform test: all passed\n");
	platform_exit(failures ? 1 : exit_status);
}

static void resumed(uint64_t arg, uint64_t arg2)
{
	uint64_t sp, flags = platform_irq_save();
	__asm__ volatile("movq %%rsp, %0" : "=r"(sp));
	check(arg == 42 && arg2 == 43 && (flags & (1 << 9)) &&
		      sp < (uint64_t)resume_stack + sizeof(resume_stack) &&
		      sp > (uint64_t)resume_stack,
	      "platform_resume: new stack, registers, interrupts on",
	      "wrong context");
	finish();
}

static void crash(const char *how)
{
	platform_printf("crashing on purpose: %s\n", how);
	if (streq(how, "pf"))
		*(volatile uint64_t *)0x100000000000 = 1;
	else if (streq(how, "ud"))
		__asm__ volatile("ud2");
	else if (streq(how, "gp"))
		*(volatile uint64_t *)0x8000000000000000 = 1; /* non-canonical */
	else if (streq(how, "de"))
		__asm__ volatile("xorl %%ecx, %%ecx; divl %%ecx"
				 : : : "rax", "rcx", "rdx");
	else if (streq(how, "panic"))
		PLATFORM_PANIC("asked for by crash=%s", how);
	else if (streq(how, "hang"))
		for (;;)
			platform_irq_disable();
	else if (streq(how, "triple")) {
		/* No IDT at all: the fault cannot be delivered, the CPU
		 * resets (and QEMU, with -no-reboot, ends). */
		struct {
			uint16_t limit;
			uint64_t base;
		} __attribute__((packed)) empty = { 0, 0 };
		__asm__ volatile("lidt %0; int3" : : "m"(empty));
	}
	platform_printf("unknown crash kind '%s'\n", how);
}

int kernel_main(void)
{
	banner();
	const char *exit_option = platform_option("exit");
	if (exit_option)
		exit_status = (int)parse_number(exit_option);

	test_xsave();
	test_timer();
	test_syscall();
	test_exceptions();

	const char *how = platform_option("crash");
	if (how)
		crash(how);

	/* Continue on another stack, as a new thread would start. */
	struct platform_regs regs;
	uint64_t top = (uint64_t)resume_stack + sizeof(resume_stack);
	/* As after a call: rsp + 8 is 16-byte aligned. */
	platform_regs_init(&regs, (uint64_t)resumed, top - 8);
	regs.rdi = 42;
	regs.rsi = 43;
	platform_irq_disable();
	platform_resume(&regs);
}
