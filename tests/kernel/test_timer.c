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

void test_timer(void)
{
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
	platform_printf("timer: %lu interrupts, %lu ns apart on average\n",
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
