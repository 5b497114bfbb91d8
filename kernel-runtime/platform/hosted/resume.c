/* Leaving the kernel for a context: a program context or a kernel one
 * saved by platform_switch, with whatever registers and flags it holds.
 * The way out of every entry (trap.c) and of every switch. */
#include "hosted.h"

void hosted_resume(struct platform_regs *regs)
{
	struct hosted_cpu *cpu = this_cpu();

	/* A tick noted while the kernel ran is taken before a context with
	 * interrupts on runs: it may preempt it (the hook then rewrites
	 * regs with the next context). */
	cpu->irq_off = 1;
	while ((regs->rflags & RFLAGS_IF) && cpu->pending)
		hosted_timer_fire(regs);
	if (cpu->host_fs)
		*(uint64_t *)(cpu->host_fs - 8) = regs->tls_word;
	cpu->irq_off = !(regs->rflags & RFLAGS_IF);
	hosted_restore(regs);
}

/* A door's frame (door.S): the leaf's work, then back to its caller. */
void hosted_dispatch_redirect(struct platform_regs *regs)
{
	kcore_redirect(regs, (unsigned)regs->error);
	hosted_resume(regs);
}

/* The end of platform_switch, on this CPU's interrupt stack: a copy of the
 * context to resume, since the tick hosted_resume may take rewrites its
 * frame and *to belongs to a thread. */
void hosted_switch_to(const struct platform_regs *to)
{
	struct platform_regs regs = *to;

	hosted_resume(&regs);
}

void platform_regs_init(struct platform_regs *regs, uint64_t rip,
			uint64_t rsp)
{
	*regs = (struct platform_regs){
		.rip = rip,
		.rsp = rsp,
		.cs = USER_CS,
		.ss = USER_SS,
		.rflags = RFLAGS_IF | 0x2, /* bit 1 always reads as 1 */
	};
}
