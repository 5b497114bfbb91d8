/* SYSCALL entry from ring 0: the Go program and the kernel share ring 0,
 * so there is no SWAPGS (GS is always the per-CPU base) and no SYSRET (it
 * would drop to ring 3): the return restores RFLAGS and jumps to RCX.
 *
 * SYSCALL left RIP in RCX and RFLAGS in R11, and SFMASK cleared IF, so
 * nothing interrupts us before the stack switch. */
#include "kvm.h"
#include "regs_frame.h"

	.text
	.globl kvm_syscall_entry
	.type kvm_syscall_entry, @function
kvm_syscall_entry:
	/* The caller's stack may be a goroutine's: switch before pushing. */
	movq %rsp, %gs:CPU_SCRATCH_RSP
	movq %gs:CPU_SYSCALL_STACK, %rsp
	/* A struct platform_regs, laid out like an interrupt frame. */
	pushq $KERNEL_DS		/* ss */
	pushq %gs:CPU_SCRATCH_RSP	/* rsp */
	pushq %r11			/* rflags */
	pushq $KERNEL_CS		/* cs */
	pushq %rcx			/* rip */
	pushq $0			/* error */
	pushq $256			/* vector: PLATFORM_VECTOR_SYSCALL */
	REGS_PUSH
	cld
	movq %rsp, %rdi
	call kvm_syscall_dispatch
	movq %rax, REGS_RAX(%rsp)	/* regs->rax */
	/* A frame the hook rewrote whole (PLATFORM_VECTOR_SYSCALL_RESTORE):
	 * it is an interrupt frame too, and IRETQ restores every register. */
	cmpq $256, REGS_VECTOR(%rsp)
	jne kvm_trap_exit
	REGS_POP
	/* As after a Linux syscall: RCX = return address, R11 = RFLAGS. */
	movq 0(%rsp), %rcx		/* rip */
	movq 16(%rsp), %r11		/* rflags */
	/* RFLAGS but IF while still on this stack, IF once off it: STI
	 * enables interrupts after the next instruction, so the first one
	 * lands at the caller's RIP on the caller's stack, never on this
	 * kernel stack (where a signal frame would save a kernel context).
	 * The program always runs with interrupts on. */
	pushq %r11
	andq $~0x200, (%rsp)
	popfq
	movq 24(%rsp), %rsp		/* the caller's rsp */
	sti
	jmp *%rcx
	.size kvm_syscall_entry, .-kvm_syscall_entry

	.section .note.GNU-stack, "", @progbits
