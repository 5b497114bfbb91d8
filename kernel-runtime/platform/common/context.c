/* What both platforms decide alike about the program's contexts. */
#include "x86.h"

#define RFLAGS_IF 0x200

/* The program runs with interrupts on, the kernel with them off (kvm's
 * CPU flag, hosted's captured one). */
bool platform_regs_in_program(const struct platform_regs *regs)
{
	return regs->rflags & RFLAGS_IF;
}

/* GS holds both platforms' per-CPU data: the program may not move it. */
int platform_program_gs_base(bool set, uint64_t *base)
{
	(void)set;
	(void)base;
	return -1;
}
