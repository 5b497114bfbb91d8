/* SYSCALL setup: the target selectors (STAR), the entry point (LSTAR) and
 * the flags cleared on entry (SFMASK); EFER.SCE is set by boot.S. And the
 * core's hook. */
#include "cpu.h"
#include "kvm.h"

#define ENOSYS 38
/* Cleared on entry: TF, IF, DF, IOPL, NT, AC (as Linux does). */
#define SYSCALL_FLAG_MASK 0x47700

static long (*syscall_hook)(struct platform_regs *);

void kvm_syscall_init(struct kvm_cpu *cpu)
{
	(void)cpu;
	if (!(rdmsr(MSR_EFER) & EFER_SCE))
		PLATFORM_PANIC("EFER.SCE is off");
	/* STAR[47:32]: CS on entry (SS is that + 8). STAR[63:48] would be
	 * SYSRET's, which is never used. */
	wrmsr(MSR_STAR, (uint64_t)KERNEL_CS << 32);
	wrmsr(MSR_LSTAR, (uint64_t)kvm_syscall_entry);
	wrmsr(MSR_SFMASK, SYSCALL_FLAG_MASK);
}

void platform_set_syscall_hook(long (*hook)(struct platform_regs *))
{
	syscall_hook = hook;
}

long kvm_syscall_dispatch(struct platform_regs *regs)
{
	if (!syscall_hook)
		return -ENOSYS;
	return syscall_hook(regs);
}
