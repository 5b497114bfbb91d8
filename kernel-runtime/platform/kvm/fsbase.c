/* The FS base, the running thread's TLS pointer (Go keeps g there): set
 * with WRFSBASE when the CPU has it (no MSR write, no VM exit), else
 * through the MSR. */
#include "cpu.h"
#include "kvm.h"

#define CPUID7_EBX_FSGSBASE (1u << 0)
#define HWCAP2_FSGSBASE     (1u << 1) /* Linux's AT_HWCAP2 bit */

static int fsgsbase;

void kvm_fsbase_init(void)
{
	if (cpuid(0, 0).eax >= 7 && (cpuid(7, 0).ebx & CPUID7_EBX_FSGSBASE)) {
		write_cr4(read_cr4() | CR4_FSGSBASE);
		fsgsbase = 1;
	}
}

/* What Linux would put in AT_HWCAP2: FSGSBASE when usable. */
uint64_t kvm_fsbase_hwcap2(void)
{
	return fsgsbase ? HWCAP2_FSGSBASE : 0;
}

void platform_set_fs_base(uint64_t base)
{
	if (fsgsbase)
		__asm__ volatile("wrfsbase %0" : : "r"(base) : "memory");
	else
		wrmsr(MSR_FS_BASE, base);
}
