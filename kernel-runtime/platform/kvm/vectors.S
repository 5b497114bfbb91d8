/* Interrupt and exception entry: one stub per vector pushes the vector (and
 * a zero where the CPU pushes no error code), trap_common saves every
 * register as a struct platform_regs, calls kvm_trap_dispatch, and resumes the
 * (possibly rewritten) context with IRETQ. */
#include "kvm.h"

	.text
	/* Stub i is at kvm_trap_stubs + 16 * i (idt.c relies on it). */
	.balign 16
	.globl kvm_trap_stubs
kvm_trap_stubs:
	vector = 0
	.rept 256
	.balign 16
	/* Vectors whose exceptions push an error code: #DF, #TS, #NP, #SS,
	 * #GP, #PF, #AC, #CP, #VC, #SX. */
	.if vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 \
		|| vector == 21 || vector == 29 || vector == 30
	.else
	pushq $0
	.endif
	pushq $vector
	jmp trap_common
	vector = vector + 1
	.endr

trap_common:
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
	/* The IST stack is 16-byte aligned and 22 words were pushed: RSP is
	 * aligned for the call, as the C ABI wants. */
	cld
	movq %rsp, %rdi
	call kvm_trap_dispatch
	/* Also the way out of context.S: RSP points at a struct
	 * platform_regs. */
	.globl kvm_trap_exit
kvm_trap_exit:
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
	addq $16, %rsp			/* vector, error code */
	iretq

	.section .note.GNU-stack, "", @progbits
