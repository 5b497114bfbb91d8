/* The crash dump on this platform: the common one (common/crash.c) and the
 * control registers. */
#include "cpu.h"
#include "kvm.h"

void kvm_trap_dump(const struct platform_regs *r)
{
	crash_dump(r, read_cr2(), kvm_page_readable);
	platform_printf("  cr0 %016lx  cr3 %016lx  cr4 %016lx\n", read_cr0(),
			read_cr3(), read_cr4());
}
