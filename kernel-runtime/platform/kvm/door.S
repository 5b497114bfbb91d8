/* Redirect mode's doors (kcore_leaves.h): `rewire image --mode redirect`
 * makes a Go runtime leaf's entry jump to kcore_door_NAME, which is the
 * SYSCALL entry without the SYSCALL: interrupts off, onto the thread's
 * kernel stack (nothing is written on the Go stack, which may be a
 * goroutine's small one), every register saved as the frame of the leaf's
 * return (RIP its return address, RSP above it), then kcore_redirect.
 *
 * The way out gives back every register the leaf's work did not set, RCX
 * and R11 included (time.now returns in RCX), so it cannot jump through a
 * register as syscall_entry.S does. When the frame still returns to the
 * leaf's caller, RET does: the return address is where the JMP left it, at
 * the caller's RSP - 8, and STI's shadow covers the RET (under TCG this is
 * about twice as fast as IRETQ). A frame the core rewrote (a signal
 * handler to run, rt_sigreturn's) leaves by IRETQ. */
#include "kvm.h"
#include "kcore_leaves.h"
#include "regs_frame.h"

	.text

/* One door per leaf: note which, then the common part. Interrupts go
 * off first: the per-CPU slot is this CPU's until then. */
.macro DOOR id, name
	.globl kcore_door_\name
	.type kcore_door_\name, @function
kcore_door_\name:
	cli
	movq $\id, %gs:CPU_DOOR_ID
	jmp kvm_door
	.size kcore_door_\name, .-kcore_door_\name
.endm

#define X(id, name) DOOR id, name;
KCORE_LEAVES(X)
#undef X

	.type kvm_door, @function
kvm_door:
	movq %rsp, %gs:CPU_SCRATCH_RSP
	movq %gs:CPU_SYSCALL_STACK, %rsp
	/* A struct platform_regs, laid out like an interrupt frame; the
	 * flags are saved before an instruction here changes them. */
	pushq $KERNEL_DS		/* ss */
	pushq %gs:CPU_SCRATCH_RSP	/* rsp: the leaf's, fixed below */
	pushfq				/* rflags */
	orq $0x200, (%rsp)		/* IF: the program runs with it on */
	addq $8, 8(%rsp)		/* rsp as the leaf's RET leaves it */
	pushq $KERNEL_CS		/* cs */
	subq $8, %rsp			/* rip: filled below */
	pushq %gs:CPU_DOOR_ID		/* error: the leaf */
	pushq $PLATFORM_VECTOR_REDIRECT	/* vector */
	REGS_PUSH
	/* rip = the leaf's return address, at the caller's RSP. */
	movq %gs:CPU_SCRATCH_RSP, %rax
	movq (%rax), %rax
	movq %rax, REGS_RIP(%rsp)
	cld
	movq %rsp, %rdi
	movq REGS_ERROR(%rsp), %rsi
	call kcore_redirect
	cmpq $PLATFORM_VECTOR_REDIRECT, REGS_VECTOR(%rsp)
	jne kvm_trap_exit
	movq REGS_RSP(%rsp), %rax
	subq $8, %rax
	movq (%rax), %rcx
	cmpq %rcx, REGS_RIP(%rsp)
	jne kvm_trap_exit
	movq %rax, %gs:CPU_SCRATCH_RSP
	REGS_POP			/* RSP at the frame's rip */
	pushq 16(%rsp)			/* its rflags, IF off until the STI */
	andq $~0x200, (%rsp)
	popfq
	movq %gs:CPU_SCRATCH_RSP, %rsp
	sti
	ret
	.size kvm_door, .-kvm_door

	.section .note.GNU-stack, "", @progbits
