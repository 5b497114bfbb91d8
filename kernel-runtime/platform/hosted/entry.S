/* The hosted platform's assembly: the process entry, raw host system calls,
 * the way into and out of kernel code from a host signal, the idle wait and
 * the context switch. No code here ever runs on the program's stack, and
 * none of it is in the range Syscall User Dispatch traps, so its SYSCALLs
 * go to the host. Every function carries .type and .size: `rewire inspect
 * --traps` decodes the image's code by its sized symbols only, and crash
 * dumps name addresses by them. */
#include "hosted.h"

	.text

/* The ELF entry point: Linux leaves argc, argv, envp and auxv at RSP. Its
 * stack stays the boot CPU's stack, the idle thread's. */
	.globl hosted_start
	.type hosted_start, @function
hosted_start:
	xorl %ebp, %ebp
	movq %rsp, %rdi
	andq $-16, %rsp
	call hosted_main
	ud2
	.size hosted_start, .-hosted_start

/* long host_syscall6(long nr, long a..f) */
	.globl host_syscall6
	.type host_syscall6, @function
host_syscall6:
	movq %rdi, %rax
	movq %rsi, %rdi
	movq %rdx, %rsi
	movq %rcx, %rdx
	movq %r8, %r10
	movq %r9, %r8
	movq 8(%rsp), %r9
	syscall
	ret
	.size host_syscall6, .-host_syscall6

/* The restorer of the host's signal frames (sa_restorer): handlers that
 * return normally come back through here. */
	.globl hosted_sigreturn
	.type hosted_sigreturn, @function
hosted_sigreturn:
	movl $HOST_rt_sigreturn, %eax
	syscall
	ud2
	.size hosted_sigreturn, .-hosted_sigreturn

/* void hosted_call_on_stack(void *top, void (*fn)(void *)): calls fn(top)
 * with RSP = top (16-byte aligned; what is above it is fn's argument).
 * Never returns: fn does not. */
	.globl hosted_call_on_stack
	.type hosted_call_on_stack, @function
hosted_call_on_stack:
	movq %rdi, %rsp
	xorl %ebp, %ebp			/* the end of the frame chain */
	call *%rsi
	ud2
	.size hosted_call_on_stack, .-hosted_call_on_stack

/* void hosted_restore(const struct platform_regs *regs): loads every
 * register of regs and jumps to its RIP, without a host call. RSP and RIP
 * go through this CPU's scratch words, as the last two loads need them
 * with every register already taken. A host signal between begin and end
 * interrupts kernel code: the timer handler defers its tick and retries
 * shortly after (timer.c), since nothing here checks for it any more. */
	.globl hosted_restore
	.type hosted_restore, @function
hosted_restore:
	.globl hosted_restore_begin
hosted_restore_begin:
	movq REGS_RSP(%rdi), %rax
	movq %rax, %gs:CPU_SCRATCH_RSP
	movq REGS_RIP(%rdi), %rax
	movq %rax, %gs:CPU_SCRATCH_RIP
	/* Flags as saved but TF, which would trap here in the kernel; IF
	 * is ignored by POPF in user mode (it lives in irq_off). */
	pushq REGS_RFLAGS(%rdi)
	andq $~0x100, (%rsp)
	popfq
	movq REGS_R15(%rdi), %r15
	movq REGS_R14(%rdi), %r14
	movq REGS_R13(%rdi), %r13
	movq REGS_R12(%rdi), %r12
	movq REGS_R11(%rdi), %r11
	movq REGS_R10(%rdi), %r10
	movq REGS_R9(%rdi), %r9
	movq REGS_R8(%rdi), %r8
	movq REGS_RBP(%rdi), %rbp
	movq REGS_RSI(%rdi), %rsi
	movq REGS_RDX(%rdi), %rdx
	movq REGS_RCX(%rdi), %rcx
	movq REGS_RBX(%rdi), %rbx
	movq REGS_RAX(%rdi), %rax
	movq REGS_RDI(%rdi), %rdi
	movq %gs:CPU_SCRATCH_RSP, %rsp
	jmpq *%gs:CPU_SCRATCH_RIP
	.globl hosted_restore_end
hosted_restore_end:
	.size hosted_restore, .-hosted_restore

/* int hosted_idle_wait(struct host_pollfd *fds, unsigned long nfds):
 * sleeps in the host until a signal comes or fds has an event, unless a
 * tick is already pending. A tick that lands between the check
 * and the SYSCALL would be lost to the sleep: the timer handler moves such
 * a context's RIP to hosted_idle_end (timer.c), so the window is atomic,
 * as STI; HLT is on a CPU. */
	.globl hosted_idle_wait
	.type hosted_idle_wait, @function
hosted_idle_wait:
	.globl hosted_idle_begin
hosted_idle_begin:
	cmpb $0, %gs:CPU_PENDING
	jne hosted_idle_end
	/* fds and nfds are in RDI and RSI already */
	xorl %edx, %edx			/* no timeout: the host timer wakes us */
	xorl %r10d, %r10d		/* the mask as it is */
	xorl %r8d, %r8d
	movl $HOST_ppoll, %eax
	.globl hosted_idle_syscall
hosted_idle_syscall:
	syscall
	.globl hosted_idle_end
hosted_idle_end:
	ret
	.size hosted_idle_wait, .-hosted_idle_wait

/* Saves a kernel context that returns from the calling function into
 * *%rdi: callee-saved registers, the return address as RIP, the caller's
 * RSP after the return, the flags with IF as irq_off says and the TLS
 * word. Clobbers RAX. */
.macro SAVE_CALLER_CONTEXT
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
	popq %rax
	andq $~RFLAGS_IF, %rax
	cmpb $0, %gs:CPU_IRQ_OFF
	jne 1f
	orq $RFLAGS_IF, %rax
1:	movq %rax, REGS_RFLAGS(%rdi)
	movq $USER_CS, REGS_CS(%rdi)
	movq $USER_SS, REGS_SS(%rdi)
	movq %gs:CPU_HOST_FS, %rax
	testq %rax, %rax
	jz 2f
	movq -8(%rax), %rax
2:	movq %rax, REGS_TLS_WORD(%rdi)
.endm

/* void platform_switch(struct platform_regs *save,
 *                      const struct platform_regs *to, int *released) */
	.globl platform_switch
	.type platform_switch, @function
platform_switch:
	SAVE_CALLER_CONTEXT
	/* Off the old stack first: from the store on, another CPU may run
	 * the saved context on it. */
	movq %gs:CPU_IRQ_STACK, %rsp
	testq %rdx, %rdx
	jz 3f
	movl $0, (%rdx)
3:	movq %rsi, %rdi
	call hosted_switch_to
	ud2
	.size platform_switch, .-platform_switch

/* void hosted_soft_irq(void): takes the pending timer tick now, as an
 * interrupt of the caller (interrupts were just enabled): the caller's
 * context goes into a frame on the interrupt stack, hosted_resume runs the
 * tick on it and resumes it, or another context when the tick switched. */
	.globl hosted_soft_irq
	.type hosted_soft_irq, @function
hosted_soft_irq:
	movq %gs:CPU_IRQ_STACK, %rdi
	subq $REGS_SIZE, %rdi
	SAVE_CALLER_CONTEXT
	movq %rdi, %rsp
	call hosted_resume
	ud2
	.size hosted_soft_irq, .-hosted_soft_irq

	.section .note.GNU-stack, "", @progbits
