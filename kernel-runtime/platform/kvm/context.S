/* Contexts: resuming a struct platform_regs, and switching from the
 * current context to another (the core's thread switch). Both end in
 * vectors.S's kvm_trap_exit, which loads a frame with IRETQ: ring 0 to
 * ring 0, RSP and RFLAGS included. */
#include "kvm.h"

	.text
/* void platform_resume(const struct platform_regs *regs): the frame itself
 * becomes the stack that kvm_trap_exit unwinds. */
	.globl platform_resume
	.type platform_resume, @function
platform_resume:
	movq %rdi, %rsp
	jmp kvm_trap_exit
	.size platform_resume, .-platform_resume

/* void platform_switch(struct platform_regs *save,
 *                      const struct platform_regs *to, int *released)
 * Saves a context that returns from this call: the callee-saved registers
 * (the others are dead across a call), the return address as RIP and the
 * caller's RSP after the return. */
	.globl platform_switch
	.type platform_switch, @function
platform_switch:
	movq (%rsp), %rax
	movq %rax, REGS_RIP(%rdi)
	leaq 8(%rsp), %rax
	movq %rax, REGS_RSP(%rdi)
	movq %rbx, REGS_RBX(%rdi)
	movq %rbp, REGS_RBP(%rdi)
	movq %r12, REGS_R12(%rdi)
	movq %r13, REGS_R13(%rdi)
	movq %r14, REGS_R14(%rdi)
	movq %r15, REGS_R15(%rdi)
	movq $0, REGS_RAX(%rdi)
	pushfq
	popq REGS_RFLAGS(%rdi)
	movq $KERNEL_CS, REGS_CS(%rdi)
	movq $KERNEL_DS, REGS_SS(%rdi)
	/* Off the old stack first: from the store on, another CPU may run
	 * the saved context on it. x86 stores are release-ordered. */
	movq %rsi, %rsp
	testq %rdx, %rdx
	jz 1f
	movl $0, (%rdx)
1:	jmp kvm_trap_exit
	.size platform_switch, .-platform_switch

	.section .note.GNU-stack, "", @progbits
