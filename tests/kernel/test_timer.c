/* The one-shot timer: interrupts arrive, on their own stack, not before
 * their deadlines, and are counted. */
#include "ktest.h"

#define TICKS 20
#define PERIOD_NS 1000000

static volatile uint64_t hits, first_ns, last_ns;
static volatile int on_own_stack = 1;

static void hook(struct platform_regs *regs)
{
	int local;
	uint64_t here = (uint64_t)&local;
	/* The interrupt frame must not be on the interrupted stack (it may
	 * be a goroutine's). */
	if (here <= regs->rsp && here > regs->rsp - 65536)
		on_own_stack = 0;
	uint64_t now = platform_monotonic_ns();
	if (!hits++)
		first_ns = now;
	last_ns = now;
	if (hits < TICKS)
		platform_timer_arm(now + PERIOD_NS);
}

static uint16_t pit_count(void)
{
	uint8_t lo, hi;
	__asm__ volatile("outb %b0, $0x43" : : "a"(0));
	__asm__ volatile("inb $0x40, %0" : "=a"(lo));
	__asm__ volatile("inb $0x40, %0" : "=a"(hi));
	return (uint16_t)(lo | hi << 8);
}

/* A PIT reading dated by the monotonic clock: by the middle of two clock
 * readings around it, good to width / 2. */
struct dated {
	uint16_t count;
	uint64_t ns, width;
};

static struct dated dated_pit(void)
{
	uint64_t before = platform_monotonic_ns();
	uint16_t count = pit_count();
	uint64_t after = platform_monotonic_ns();
	return (struct dated){ count, before + (after - before) / 2,
			       after - before };
}

/* The monotonic clock against the PIT over about 5 ms, read here without
 * the platform's help: catches a grossly wrong TSC frequency. The sums
 * telescope, so only the two ends' dating matters (an attempt whose ends
 * were read slowly is repeated), and a gap long enough for the 16-bit
 * counter to wrap (55 ms): an attempt with a 20 ms gap is repeated. */
static void test_clock_rate(void)
{
	for (int attempt = 0; attempt < 20; attempt++) {
		struct dated first = dated_pit(), last = first, d = first;
		uint32_t ticks = 0;
		int gap = 0;
		while (ticks < 5966 && !gap) { /* 5 ms at 1.193182 MHz */
			d = dated_pit();
			gap = d.ns - last.ns > 20000000;
			ticks += (uint16_t)(last.count - d.count);
			last = d;
		}
		if (gap || first.width > 100000 || d.width > 100000)
			continue;
		uint64_t pit_ns = (uint64_t)ticks * 1000000000 / 1193182;
		uint64_t tsc_ns = d.ns - first.ns;
		kvm_printf_stdout("clock: %lu ns by the TSC, %lu ns by the PIT\n",
				tsc_ns, pit_ns);
		check(tsc_ns > pit_ns * 95 / 100 && tsc_ns < pit_ns * 105 / 100,
		      "clock: the TSC rate agrees with the PIT (5%)",
		      "TSC frequency is off");
		return;
	}
	check(0, "clock: the TSC rate agrees with the PIT (5%)",
	      "every attempt was disturbed");
}

void test_timer(void)
{
	test_clock_rate();
	platform_set_timer_hook(hook);
	uint64_t before = kvm_timer_ticks();
	uint64_t start = platform_monotonic_ns();
	platform_timer_arm(start + PERIOD_NS);
	/* 2 s: far more than 20 ms, even under a loaded TCG. */
	while (hits < TICKS && platform_monotonic_ns() - start < 2000000000ull)
		platform_wait_for_interrupt();
	platform_timer_cancel();
	platform_set_timer_hook(0);

	check(hits == TICKS, "timer: 20 interrupts",
	      "timed out waiting for timer interrupts");
	kvm_printf_stdout("timer: %lu interrupts, %lu ns apart on average\n",
			hits,
			hits > 1 ? (last_ns - first_ns) / (hits - 1) : 0);
	check(kvm_timer_ticks() - before == hits, "timer: counted per CPU",
	      "tick count differs");
	/* Deadlines are never early by more than the clock's error. */
	check(hits < 2 ||
		      last_ns - first_ns >= (hits - 1) * PERIOD_NS * 9 / 10,
	      "timer: not early", "interrupts came before their deadlines");
	check(on_own_stack, "timer: interrupt runs on its IST stack",
	      "the handler ran on the interrupted stack");

	uint64_t t0 = platform_monotonic_ns(), t1 = platform_monotonic_ns();
	uint64_t w = platform_wall_ns();
	const char *source = kvm_wall_source();
	int has_wall = source[0] != 'n'; /* "none" */
	check(t1 >= t0 && (!has_wall || w > 1577836800ull * 1000000000),
	      "clock: monotonic, wall time after 2020 when there is a clock",
	      "clock went back or wall time is off");
}
