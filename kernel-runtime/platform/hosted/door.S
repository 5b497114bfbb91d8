/* Redirect mode's doors (kcore_leaves.h): `rewire image --mode redirect`
 * makes a Go runtime leaf's entry jump to kcore_door_NAME, which is the
 * syscall entry without the trap: interrupts off, onto the thread's kernel
 * stack (nothing is written on the Go stack, which may be a goroutine's
 * small one), every register saved as the frame of the leaf's return (RIP
 * its return address, RSP above it), then kcore_redirect and the way out
 * of every entry (hosted_resume). No host call on the way. */
#include "hosted.h"
#include "kcore_leaves.h"

	.text

/* One door per leaf: note which, then the common part. Interrupts go
 * off first: the leaf number's per-CPU slot is this CPU's until then. */
.macro DOOR id, name
	.globl kcore_door_\name
	.type kcore_door_\name, @function
kcore_door_\name:
	movb $1, %gs:CPU_IRQ_OFF
	movl $\id, %gs:CPU_DOOR_ID
	jmp hosted_door
	.size kcore_door_\name, .-kcore_door_\name
.endm

#define X(id, name) DOOR id, name;
KCORE_LEAVES(X)
#undef X

	.type hosted_door, @function
hosted_door:
	movq %rsp, %gs:CPU_SCRATCH_RSP
	movq %gs:CPU_KSTACK, %rsp
	subq $REGS_SIZE, %rsp
	movq %rax, REGS_RAX(%rsp)
	movq %rbx, REGS_RBX(%rsp)
	movq %rcx, REGS_RCX(%rsp)
	movq %rdx, REGS_RDX(%rsp)
	movq %rsi, REGS_RSI(%rsp)
	movq %rdi, REGS_RDI(%rsp)
	movq %rbp, REGS_RBP(%rsp)
	movq %r8, REGS_R8(%rsp)
	movq %r9, REGS_R9(%rsp)
	movq %r10, REGS_R10(%rsp)
	movq %r11, REGS_R11(%rsp)
	movq %r12, REGS_R12(%rsp)
	movq %r13, REGS_R13(%rsp)
	movq %r14, REGS_R14(%rsp)
	movq %r15, REGS_R15(%rsp)
	/* As the leaf's RET would leave it. */
	movq %gs:CPU_SCRATCH_RSP, %rax
	movq (%rax), %rcx
	movq %rcx, REGS_RIP(%rsp)
	leaq 8(%rax), %rcx
	movq %rcx, REGS_RSP(%rsp)
	/* The program's flags, with the interrupts it runs with on. */
	pushfq
	popq %rcx
	orq $RFLAGS_IF, %rcx
	movq %rcx, REGS_RFLAGS(%rsp)
	movq $USER_CS, REGS_CS(%rsp)
	movq $USER_SS, REGS_SS(%rsp)
	movq %gs:CPU_HOST_FS, %rcx
	testq %rcx, %rcx
	jz 1f
	movq -8(%rcx), %rcx
1:	movq %rcx, REGS_TLS_WORD(%rsp)
	movq $PLATFORM_VECTOR_REDIRECT, REGS_VECTOR(%rsp)
	movl %gs:CPU_DOOR_ID, %ecx
	movq %rcx, REGS_ERROR(%rsp)
	movq $0, REGS_TLS_WORD+8(%rsp)	/* reserved */
	cld
	movq %rsp, %rdi
	call hosted_dispatch_redirect
	ud2
	.size hosted_door, .-hosted_door

	.section .note.GNU-stack, "", @progbits
