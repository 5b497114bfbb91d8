/* Syscall decoders: signals (delivered by signals.c) and interval timers
 * (accepted, never firing: Go uses them for profiling only). */
#include "kernel.h"
#include "kstring.h"
#include "linux_abi.h"
#include "process.h"
#include "sched.h"
#include "signals.h"
#include "syscalls.h"
#include "user.h"

long sys_rt_sigaction(const long *a)
{
	const struct ksigaction *act = USER_PTR(const struct ksigaction, a[1]);
	struct ksigaction *old = USER_PTR(struct ksigaction, a[2]);

	if ((act && !user_ok(act, sizeof(*act))) ||
	    (old && !user_ok(old, sizeof(*old))))
		return -EFAULT;
	return signal_action((int)a[0], act, old, (size_t)a[3]);
}

long sys_rt_sigprocmask(const long *a)
{
	const uint64_t *set = USER_PTR(const uint64_t, a[1]);
	uint64_t *old = USER_PTR(uint64_t, a[2]);

	if ((set && !user_ok(set, 8)) || (old && !user_ok(old, 8)))
		return -EFAULT;
	return signal_mask((int)a[0], set, old, (size_t)a[3]);
}

long sys_rt_sigreturn(const long *a)
{
	struct thread *cur = sched_current();

	(void)a;
	/* Without a syscall frame (a direct call) there is nothing to undo. */
	if (!cur || !cur->syscall_regs)
		return -ENOSYS;
	return signal_return(cur, cur->syscall_regs);
}

long sys_sigaltstack(const long *a)
{
	const void *ss = USER_PTR(const void, a[0]);
	void *old = USER_PTR(void, a[1]);

	if ((ss && !user_ok(ss, 24)) || (old && !user_ok(old, 24)))
		return -EFAULT;
	return signal_altstack(ss, old);
}

long sys_kill(const long *a)
{
	if (a[0] != KCORE_PID && a[0] != 0 && a[0] != -1)
		return -ESRCH;
	return signal_send(0, (int)a[1]);
}

long sys_tkill(const long *a)
{
	if (a[0] <= 0)
		return -EINVAL;
	return signal_send(a[0], (int)a[1]);
}

long sys_tgkill(const long *a)
{
	if (a[0] <= 0 || a[1] <= 0)
		return -EINVAL;
	if (a[0] != KCORE_PID)
		return -ESRCH;
	return signal_send(a[1], (int)a[2]);
}

/* Interval timers would send signals: they are accepted and never fire. */
long sys_setitimer(const long *a)
{
	void *old = USER_PTR(void, a[2]);
	if (a[0] < 0 || a[0] > 2)
		return -EINVAL;
	if (old) {
		if (!user_ok(old, 32))
			return -EFAULT;
		kmemset(old, 0, 32);
	}
	return 0;
}

long sys_getitimer(const long *a)
{
	void *value = USER_PTR(void, a[1]);
	if (a[0] < 0 || a[0] > 2)
		return -EINVAL;
	if (!user_ok(value, 32))
		return -EFAULT;
	kmemset(value, 0, 32);
	return 0;
}

static int32_t next_timer_id;

long sys_timer_create(const long *a)
{
	int32_t *id = USER_PTR(int32_t, a[2]);
	if (!user_ok(id, 4))
		return -EFAULT;
	*id = __atomic_fetch_add(&next_timer_id, 1, __ATOMIC_RELAXED);
	return 0;
}

long sys_timer_settime(const long *a)
{
	void *old = USER_PTR(void, a[3]);
	if (old) {
		if (!user_ok(old, 32))
			return -EFAULT;
		kmemset(old, 0, 32);
	}
	return 0;
}

long sys_timer_gettime(const long *a)
{
	void *value = USER_PTR(void, a[1]);
	if (!user_ok(value, 32))
		return -EFAULT;
	kmemset(value, 0, 32);
	return 0;
}

long sys_timer_getoverrun(const long *a)
{
	(void)a;
	return 0;
}

long sys_timer_delete(const long *a)
{
	(void)a;
	return 0;
}
