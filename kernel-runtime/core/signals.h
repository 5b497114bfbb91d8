/* Signals are recorded, never delivered: the program can install handlers,
 * mask signals, set alternate stacks and send signals, and each call
 * behaves as Linux's, but no handler ever runs. */
#ifndef KCORE_SIGNALS_H
#define KCORE_SIGNALS_H

#include <stddef.h>
#include <stdint.h>

/* Linux's struct sigaction as rt_sigaction sees it on x86-64. */
struct ksigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

void signals_init(void);
long signal_action(int sig, const struct ksigaction *act,
		   struct ksigaction *old, size_t sigset_size);
long signal_mask(int how, const uint64_t *set, uint64_t *old,
		 size_t sigset_size);
/* sigaltstack on the calling thread (stack_t has the layout of struct
 * thread_altstack). */
long signal_altstack(const void *ss, void *old);
/* kill, tkill, tgkill: counted, not delivered. tid 0 means any thread of
 * the process (kill). */
long signal_send(long tid, int sig);

#endif
