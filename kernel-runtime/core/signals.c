/* Signal bookkeeping: handlers (process-wide), masks and alternate stacks
 * (per thread), and counters of signals sent. Nothing is ever delivered:
 * the Go runtime installs handlers for every signal and uses tgkill for
 * goroutine preemption, and runs correctly without either. */
#include "signals.h"

#include "kstring.h"
#include "linux_abi.h"
#include "sched.h"
#include "spinlock.h"
#include "stats.h"

static struct spinlock signal_lock = SPINLOCK_INIT("signals");
static struct ksigaction actions[KSIG_MAX + 1];

#define UNBLOCKABLE ((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)))

void signals_init(void)
{
	spin_init(&signal_lock, "signals");
	kmemset(actions, 0, sizeof(actions));
}

long signal_action(int sig, const struct ksigaction *act,
		   struct ksigaction *old, size_t sigset_size)
{
	if (sigset_size != sizeof(uint64_t) || sig < 1 || sig > KSIG_MAX)
		return -EINVAL;
	if (act && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	struct ksigaction copy = act ? *act : (struct ksigaction){ 0 };
	unsigned long flags = spin_lock(&signal_lock);
	if (old)
		*old = actions[sig];
	if (act) {
		copy.mask &= ~UNBLOCKABLE;
		actions[sig] = copy;
	}
	spin_unlock(&signal_lock, flags);
	return 0;
}

long signal_mask(int how, const uint64_t *set, uint64_t *old,
		 size_t sigset_size)
{
	struct thread *cur = sched_current();

	if (sigset_size != sizeof(uint64_t))
		return -EINVAL;
	if (set && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
		return -EINVAL;
	if (old)
		*old = cur->sigmask;
	if (!set)
		return 0;
	switch (how) {
	case SIG_BLOCK:
		cur->sigmask |= *set;
		break;
	case SIG_UNBLOCK:
		cur->sigmask &= ~*set;
		break;
	default:
		cur->sigmask = *set;
		break;
	}
	cur->sigmask &= ~UNBLOCKABLE;
	return 0;
}

long signal_altstack(const void *ss, void *old)
{
	struct thread *cur = sched_current();
	struct thread_altstack next;

	if (ss) {
		kmemcpy(&next, ss, sizeof(next));
		uint32_t mode = (uint32_t)next.flags & ~SS_AUTODISARM;
		if (mode != 0 && mode != SS_DISABLE)
			return -EINVAL;
		if (mode == 0 && next.size < MINSIGSTKSZ)
			return -ENOMEM;
		if (mode == SS_DISABLE)
			next = (struct thread_altstack){ .flags = SS_DISABLE };
	}
	if (old)
		kmemcpy(old, &cur->altstack, sizeof(cur->altstack));
	if (ss)
		cur->altstack = next;
	return 0;
}

long signal_send(long tid, int sig)
{
	if (sig < 0 || sig > KSIG_MAX)
		return -EINVAL;
	if (tid != 0 && !thread_exists(tid))
		return -ESRCH;
	/* Signal 0 only checks that the target exists. */
	if (sig)
		stats_signal(sig);
	return 0;
}
