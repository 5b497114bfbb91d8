/* Interrupt and exception entry: one stub per vector pushes the vector (and
 * a zero where the CPU pushes no error code), trap_common saves every
 * register as a struct platform_regs, calls kvm_trap_dispatch, and resumes the
 * (possibly rewritten) context with IRETQ. */
#include "kvm.h"
#include "regs_frame.h"

	.text
	/* Stub i is at kvm_trap_stubs + 16 * i (idt.c relies on it). */
	.balign 16
	.globl kvm_trap_stubs
	.type kvm_trap_stubs, @function
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
	.size kvm_trap_stubs, .-kvm_trap_stubs

	.type trap_common, @function
trap_common:
	REGS_PUSH
	/* The IST stack is 16-byte aligned and 24 words were pushed: RSP is
	 * aligned for the call, as the C ABI wants. */
	cld
	movq %rsp, %rdi
	call kvm_trap_dispatch
	.size trap_common, .-trap_common
	/* Also the way out of context.S: RSP points at a struct
	 * platform_regs. */
	.globl kvm_trap_exit
	.type kvm_trap_exit, @function
kvm_trap_exit:
	REGS_POP
	iretq
	.size kvm_trap_exit, .-kvm_trap_exit

	.section .note.GNU-stack, "", @progbits
