/* The struct platform_regs frame (platform.h) as the entry paths build it
 * on the stack: vectors.S for interrupts and exceptions, syscall_entry.S
 * for SYSCALL. Assembly only.
 *
 * From the top of the stack down: ss, rsp, rflags, cs, rip (the CPU's
 * interrupt frame, or syscall_entry.S's copy of one), error and vector
 * (pushed by the entry), then REGS_PUSH's registers, rax first, and two
 * words this platform leaves unused: tls_word ends at RSP, so RSP points
 * at the struct, whose fields read upward. */
#ifndef KVM_REGS_FRAME_H
#define KVM_REGS_FRAME_H

#ifdef __ASSEMBLER__
/* Pushes the general registers below vector and error: RSP then points at
 * a whole struct platform_regs. */
.macro REGS_PUSH
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	subq $16, %rsp			/* tls_word, reserved: unused here */
.endm

/* With RSP at a struct platform_regs: loads its general registers and
 * drops vector and error, leaving RSP at rip (an IRETQ frame). */
.macro REGS_POP
	addq $16, %rsp			/* tls_word, reserved */
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp			/* vector, error */
.endm
#endif

#endif
