/* Interrupt and exception dispatch: the timer, the spurious vector and CPU
 * exceptions go to the core's hooks; what no hook handles is a crash. */
#include "cpu.h"
#include "kvm.h"

/* regs_frame.h pushes the frame in this order and kvm.h's offsets name it:
 * the struct must not drift from either. */
_Static_assert(sizeof(struct platform_regs) == 24 * 8, "platform_regs size");
_Static_assert(__builtin_offsetof(struct platform_regs, r15) == REGS_R15, "");
_Static_assert(__builtin_offsetof(struct platform_regs, rax) == REGS_RAX, "");
_Static_assert(__builtin_offsetof(struct platform_regs, vector) == REGS_VECTOR, "");
_Static_assert(__builtin_offsetof(struct platform_regs, error) == REGS_ERROR, "");
_Static_assert(__builtin_offsetof(struct platform_regs, rip) == REGS_RIP, "");
_Static_assert(__builtin_offsetof(struct platform_regs, ss) == REGS_SS, "");

static void (*timer_hook)(struct platform_regs *);
static int (*exception_hook)(struct platform_regs *, uint64_t);

void platform_set_timer_hook(void (*hook)(struct platform_regs *))
{
	timer_hook = hook;
}

void platform_set_exception_hook(int (*hook)(struct platform_regs *,
					     uint64_t))
{
	exception_hook = hook;
}

static void exception(struct platform_regs *regs)
{
	struct kvm_cpu *cpu = this_cpu();
	uint64_t fault_address = read_cr2();

	/* A fault inside the hook (or the dump) came in on the same IST
	 * stack and has overwritten the first frame: report what is left. */
	if (cpu->in_exception++) {
		platform_printf("\nrewire: exception %lu while handling an "
				"exception\n",
				regs->vector);
		kvm_trap_dump(regs);
		platform_exit(PLATFORM_EXIT_CRASH);
	}
	if (exception_hook && exception_hook(regs, fault_address)) {
		cpu->in_exception--;
		return;
	}
	kvm_trap_dump(regs);
	platform_exit(PLATFORM_EXIT_CRASH);
}

void kvm_trap_dispatch(struct platform_regs *regs)
{
	struct kvm_cpu *cpu = this_cpu();

	if (regs->vector < 32) {
		exception(regs);
	} else if (regs->vector == PLATFORM_VECTOR_TIMER) {
		cpu->timer_ticks++;
		/* Acknowledge first: a hook that switches contexts never
		 * comes back here. */
		kvm_lapic_eoi();
		if (timer_hook)
			timer_hook(regs);
	} else if (regs->vector == PLATFORM_VECTOR_SPURIOUS) {
		/* No EOI for a spurious interrupt. */
		cpu->spurious++;
	} else {
		platform_printf("\nrewire: unexpected interrupt %lu\n",
				regs->vector);
		kvm_trap_dump(regs);
		platform_exit(PLATFORM_EXIT_CRASH);
	}
}

uint64_t kvm_timer_ticks(void)
{
	return this_cpu()->timer_ticks;
}

void platform_regs_init(struct platform_regs *regs, uint64_t rip,
			uint64_t rsp)
{
	*regs = (struct platform_regs){
		.rip = rip,
		.rsp = rsp,
		.cs = KERNEL_CS,
		.ss = KERNEL_DS,
		.rflags = RFLAGS_IF | 0x2, /* bit 1 always reads as 1 */
	};
}

void kvm_irq_enable(void)
{
	__asm__ volatile("sti" ::: "memory");
}

void kvm_irq_disable(void)
{
	__asm__ volatile("cli" ::: "memory");
}

unsigned long platform_irq_save(void)
{
	unsigned long flags;
	__asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

void platform_irq_restore(unsigned long flags)
{
	if (flags & RFLAGS_IF)
		__asm__ volatile("sti" ::: "memory");
}

void platform_wait_for_interrupt(void)
{
	/* STI delays interrupts by one instruction: none can be taken
	 * between it and HLT, so a wake-up is never missed. */
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}
