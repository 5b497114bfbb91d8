/* Signals: handlers, masks, alternate stacks, sending, and delivery to
 * the program's handlers in Linux's frame (rt_sigreturn undoes it). With
 * delivery off (the "nosignals" option) they are recorded only, as Go's
 * runtime tolerates: no fault becomes a panic, no goroutine is preempted
 * by a signal. */
#ifndef KCORE_SIGNALS_H
#define KCORE_SIGNALS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform.h"
#include "thread.h"

/* Linux's struct sigaction as rt_sigaction sees it on x86-64. */
struct ksigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

void signals_init(bool deliver);
long signal_action(int sig, const struct ksigaction *act,
		   struct ksigaction *old, size_t sigset_size);
long signal_mask(int how, const uint64_t *set, uint64_t *old,
		 size_t sigset_size);
/* sigaltstack on the calling thread (stack_t has the layout of struct
 * linux_stack). */
long signal_altstack(const void *ss, void *old);
/* kill, tkill, tgkill: marks sig pending on thread tid (tid 0: the
 * caller, for kill) and counts it. */
long signal_send(long tid, int sig);

/* Whether a signal pending on t interrupts its blocking call: one its mask
 * lets through that a handler takes or that kills by default (an ignored
 * one wakes nobody, as on Linux). False with delivery off. */
bool signal_interrupts(struct thread *t);

/* A blocking call a signal interrupted (its result -EINTR already where
 * the program reads it): how to make it again, as Linux does when no
 * handler runs or the handler has SA_RESTART. */
struct signal_restart {
	/* The call's start: regs there (RBX and RCX: Syscall6's arguments,
	 * which its redirect overwrites with results). */
	uint64_t rip, rsp, rax, rbx, rcx;
};

/* Delivery points, where t is about to run program code again with
 * context regs: the end of a syscall, the resumption of a preempted
 * thread. Points regs at the handler of t's lowest pending unblocked
 * signal (one at a time: the next one waits for the next point). restart
 * (NULL but for an interrupted call that may be made again) moves regs
 * back to the call first, when the handler has SA_RESTART or none runs. */
void signal_deliver_pending(struct thread *t, struct platform_regs *regs,
			    const struct signal_restart *restart);
struct linux_siginfo;
/* The signal Linux sends for CPU exception regs->vector (a page fault at
 * fault_address included), its siginfo in *info (code; addr the faulting
 * instruction or address where Linux gives one); 0 for a vector that
 * sends none. */
int signal_of_exception(const struct platform_regs *regs, uint64_t fault_address,
			struct linux_siginfo *info);
/* A CPU exception in t's program code (fault_address: CR2 of a page
 * fault): true when regs now enter the program's handler (SIGSEGV,
 * SIGFPE, SIGILL); false when the kernel should treat it as a crash. */
bool signal_fault(struct thread *t, struct platform_regs *regs,
		  uint64_t fault_address);
/* rt_sigreturn: restores the context the handler's frame saved (regs->rsp
 * points at its ucontext) and marks regs for a whole-frame return; the
 * result is the restored RAX. */
long signal_return(struct thread *t, struct platform_regs *regs);

#endif
