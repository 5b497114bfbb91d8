/* Syscall decoders: threads, futexes, scheduling. */
#include "futex.h"
#include "kernel.h"
#include "linux_abi.h"
#include "platform.h"
#include "process.h"
#include "sched.h"
#include "syscalls.h"
#include "thread.h"
#include "user.h"

long sys_clone(const long *a)
{
	unsigned long flags = (unsigned long)a[0];
	int32_t *parent_tid = USER_PTR(int32_t, a[2]);
	int32_t *child_tid = USER_PTR(int32_t, a[3]);

	if ((flags & CLONE_PARENT_SETTID) && !user_ok(parent_tid, 4))
		return -EFAULT;
	if ((flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) &&
	    !user_ok(child_tid, 4))
		return -EFAULT;
	return thread_clone(flags, (uintptr_t)a[1], parent_tid, child_tid,
			    (uint64_t)a[4], sched_current()->syscall_regs);
}

long sys_exit(const long *a)
{
	thread_exit((int)a[0]);
}

long sys_exit_group(const long *a)
{
	process_exit((int)a[0]);
}

long sys_gettid(const long *a)
{
	(void)a;
	return thread_id();
}

long sys_futex(const long *a)
{
	const struct kcore_timespec *timeout =
		USER_PTR(const struct kcore_timespec, a[3]);
	int cmd = (int)a[1] & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);

	/* The fourth argument is a timeout only for the WAIT operations. */
	if (cmd != FUTEX_WAIT && cmd != FUTEX_WAIT_BITSET)
		timeout = NULL;
	if (timeout && !user_ok(timeout, sizeof(*timeout)))
		return -EFAULT;
	return futex_syscall(USER_PTR(uint32_t, a[0]), (int)a[1], (uint32_t)a[2],
			     timeout, (uint32_t)a[5]);
}

long sys_set_tid_address(const long *a)
{
	sched_current()->clear_child_tid = USER_PTR(uint32_t, a[0]);
	return thread_id();
}

long sys_set_robust_list(const long *a)
{
	/* Robust futexes matter when a thread dies holding a lock, which a
	 * Go thread never does: remembered, never walked. */
	if (a[1] != 24)
		return -EINVAL;
	sched_current()->robust_list = (uint64_t)a[0];
	return 0;
}

long sys_get_robust_list(const long *a)
{
	uint64_t *head = USER_PTR(uint64_t, a[1]);
	uint64_t *len = USER_PTR(uint64_t, a[2]);

	if (a[0] != 0 && a[0] != thread_id())
		return -ESRCH;
	if (!user_ok(head, 8) || !user_ok(len, 8))
		return -EFAULT;
	*head = sched_current()->robust_list;
	*len = 24;
	return 0;
}

long sys_rseq(const long *a)
{
	/* Restartable sequences need preemption notifications: not offered,
	 * and callers (glibc) fall back when they get ENOSYS. */
	(void)a;
	return -ENOSYS;
}

long sys_sched_yield(const long *a)
{
	(void)a;
	thread_yield();
	return 0;
}

long sys_sched_getaffinity(const long *a)
{
	if (!user_ok(USER_PTR(void, a[2]), (size_t)a[1]))
		return -EFAULT;
	return process_affinity(a[0], (size_t)a[1], USER_PTR(uint8_t, a[2]));
}

long sys_sched_setaffinity(const long *a)
{
	(void)a;
	return 0; /* accepted; threads go where the scheduler puts them */
}

long sys_getcpu(const long *a)
{
	uint32_t *cpu = USER_PTR(uint32_t, a[0]), *node = USER_PTR(uint32_t, a[1]);

	if (cpu) {
		if (!user_ok(cpu, 4))
			return -EFAULT;
		*cpu = platform_cpu_id();
	}
	if (node) {
		if (!user_ok(node, 4))
			return -EFAULT;
		*node = 0;
	}
	return 0;
}
