/* Syscall decoders: identity, limits, machine name, prctl, randomness. */
#include "fs.h"
#include "kernel.h"
#include "linux_abi.h"
#include "process.h"
#include "random.h"
#include "syscalls.h"
#include "user.h"

long sys_getpid(const long *a)
{
	(void)a;
	return KCORE_PID;
}

long sys_getppid(const long *a)
{
	(void)a;
	return 0;
}

/* The program runs as root. */
long sys_getuid(const long *a)
{
	(void)a;
	return 0;
}

long sys_geteuid(const long *a)
{
	(void)a;
	return 0;
}

long sys_getgid(const long *a)
{
	(void)a;
	return 0;
}

long sys_getegid(const long *a)
{
	(void)a;
	return 0;
}

long sys_arch_prctl(const long *a)
{
	return process_arch_prctl((int)a[0], (uint64_t)a[1]);
}

long sys_prctl(const long *a)
{
	return process_prctl((int)a[0], (uint64_t)a[1], (uint64_t)a[2], (uint64_t)a[3],
			     (uint64_t)a[4]);
}

long sys_uname(const long *a)
{
	if (!user_ok(USER_PTR(char, a[0]), 6 * 65))
		return -EFAULT;
	return process_uname(USER_PTR(char, a[0]));
}

static long rlimit_call(long pid, long resource, long next, long old)
{
	const struct krlimit *n = USER_PTR(const struct krlimit, next);
	struct krlimit *o = USER_PTR(struct krlimit, old);

	if ((n && !user_ok(n, sizeof(*n))) || (o && !user_ok(o, sizeof(*o))))
		return -EFAULT;
	return process_rlimit(pid, (int)resource, n, o);
}

long sys_getrlimit(const long *a)
{
	if (!a[1])
		return -EFAULT;
	return rlimit_call(0, a[0], 0, a[1]);
}

long sys_setrlimit(const long *a)
{
	if (!a[1])
		return -EFAULT;
	return rlimit_call(0, a[0], a[1], 0);
}

long sys_prlimit64(const long *a)
{
	return rlimit_call(a[0], a[1], a[2], a[3]);
}

long sys_getrandom(const long *a)
{
	size_t len = (size_t)a[1];
	if (a[2] & ~7l) /* GRND_NONBLOCK, GRND_RANDOM, GRND_INSECURE */
		return -EINVAL;
	if (len > 33554431) /* Linux returns at most 32 MiB - 1 at once */
		len = 33554431;
	if (len && !user_ok(USER_PTR(void, a[0]), len))
		return -EFAULT;
	random_fill(USER_PTR(void, a[0]), len);
	return (long)len;
}

/* root, in no supplementary group. */
long sys_getgroups(const long *a)
{
	return a[0] < 0 ? -EINVAL : 0;
}

long sys_getcwd(const long *a)
{
	return fs_getcwd(USER_PTR(char, a[0]), (size_t)a[1]);
}
