/* Contexts: platform_switch between two stacks and back (callee-saved
 * registers, the released flag), and platform_resume of a fresh context. */
#include "ktest.h"

static struct platform_regs main_ctx, thread_ctx;
static uint8_t stack[16384] __attribute__((aligned(16)));
static int main_released, thread_released;
static volatile int steps;
static volatile uint64_t thread_arg, thread_sp, thread_flags;

static void thread_fn(uint64_t arg)
{
	thread_arg = arg;
	__asm__ volatile("movq %%rsp, %0" : "=r"(thread_sp));
	thread_flags = platform_irq_save(); /* and disables them */
	steps = 1;
	platform_switch(&thread_ctx, &main_ctx, &thread_released);
	steps = 2;
	platform_switch(&thread_ctx, &main_ctx, 0);
	PLATFORM_PANIC("a finished context was resumed");
}

static void resumed(uint64_t a, uint64_t b)
{
	thread_arg = a + b;
	__asm__ volatile("movq %%rsp, %0" : "=r"(thread_sp));
	thread_flags = platform_irq_save();
	platform_resume(&main_ctx); /* returns from main's platform_switch */
}

void test_switch(void)
{
	uint64_t top = (uint64_t)stack + sizeof(stack);
	/* Kept across the switches in callee-saved registers. */
	volatile uint64_t keep = 0x5a5a;
	unsigned long flags = platform_irq_save();

	/* As after a call: rsp + 8 is 16-byte aligned. */
	platform_regs_init(&thread_ctx, (uint64_t)thread_fn, top - 8);
	thread_ctx.rdi = 42;
	main_released = thread_released = 1;
	platform_switch(&main_ctx, &thread_ctx, &main_released);
	check(steps == 1 && thread_arg == 42 && main_released == 0 &&
		      thread_released == 0 && (thread_flags & (1 << 9)) &&
		      thread_sp < top && thread_sp > (uint64_t)stack,
	      "switch: a new context runs on its stack, switches back",
	      "wrong context");
	platform_switch(&main_ctx, &thread_ctx, 0);
	check(steps == 2 && keep == 0x5a5a && !(platform_irq_save() & (1 << 9)),
	      "switch: a saved context resumes where it switched",
	      "wrong resume");

	platform_regs_init(&thread_ctx, (uint64_t)resumed, top - 8);
	thread_ctx.rdi = 40;
	thread_ctx.rsi = 2;
	platform_switch(&main_ctx, &thread_ctx, 0);
	check(thread_arg == 42 && (thread_flags & (1 << 9)) && thread_sp < top,
	      "resume: a fresh context with arguments, interrupts on",
	      "wrong context");
	platform_irq_restore(flags);
}
