/* Syscall decoders: file descriptors, pipes, eventfd, epoll. There is no
 * file system: the root directory (the working directory) stats, every
 * other path lookup fails with ENOENT. */
#include "fd.h"
#include "kernel.h"
#include "kstring.h"
#include "linux_abi.h"
#include "syscalls.h"
#include "time.h"
#include "user.h"

#define EPOLL_EVENT_SIZE 12

long sys_read(const long *a)
{
	if (a[2] && !user_ok(USER_PTR(void, a[1]), (size_t)a[2]))
		return -EFAULT;
	return fd_read((int)a[0], USER_PTR(void, a[1]), (size_t)a[2]);
}

long sys_write(const long *a)
{
	if (a[2] && !user_ok(USER_PTR(void, a[1]), (size_t)a[2]))
		return -EFAULT;
	return fd_write((int)a[0], USER_PTR(void, a[1]), (size_t)a[2]);
}

long sys_writev(const long *a)
{
	if (a[2] > 0 && !user_ok(USER_PTR(void, a[1]), (size_t)a[2] * 16))
		return -EFAULT;
	return fd_writev((int)a[0], USER_PTR(void, a[1]), (int)a[2]);
}

long sys_close(const long *a)
{
	return fd_close((int)a[0]);
}

long sys_fcntl(const long *a)
{
	return fd_fcntl((int)a[0], (int)a[1], (uint64_t)a[2]);
}

long sys_dup(const long *a)
{
	return fd_dup((int)a[0], 0, 0, false);
}

long sys_dup2(const long *a)
{
	return fd_dup((int)a[0], (int)a[1], 0, true);
}

long sys_dup3(const long *a)
{
	if (a[0] == a[1] || (a[2] & ~(long)O_CLOEXEC))
		return -EINVAL;
	return fd_dup((int)a[0], (int)a[1], (int)a[2], true);
}

long sys_fstat(const long *a)
{
	if (!user_ok(USER_PTR(void, a[1]), 144))
		return -EFAULT;
	return fd_fstat((int)a[0], USER_PTR(void, a[1]));
}

/* Path lookups: there are no files, only the descriptors themselves. */
static long no_such_path(long path)
{
	return user_ok(USER_PTR(char, path), 1) ? -ENOENT : -EFAULT;
}

/* Whether path names the root directory: "/", ".", "..", "/./", ...
 * (only "", "." and ".." components; a relative one from the working
 * directory, which is the root). */
static bool is_root_path(long dirfd, const char *path)
{
	if (path[0] != '/' && dirfd != AT_FDCWD)
		return false;
	for (size_t i = 0; i < 4096; i++) {
		if (path[i] == 0)
			return i > 0;
		if (path[i] == '/')
			continue;
		/* A component: it must be "." or "..". */
		size_t n = 0;
		while (path[i + n] == '.' && n < 3)
			n++;
		if (n == 0 || n > 2 || (path[i + n] != '/' && path[i + n] != 0))
			return false;
		i += n - 1;
	}
	return false;
}

long sys_newfstatat(const long *a)
{
	const char *path = USER_PTR(const char, a[1]);
	if ((a[3] & AT_EMPTY_PATH) && user_ok(path, 1) && path[0] == 0) {
		if (!user_ok(USER_PTR(void, a[2]), 144))
			return -EFAULT;
		return fd_fstat((int)a[0], USER_PTR(void, a[2]));
	}
	/* getcwd says the program runs in "/": that directory must stat
	 * too, or Go up to 1.21, whose os.Getwd stats "." first, fails. */
	if (user_ok(path, 1) && is_root_path(a[0], path)) {
		if (!user_ok(USER_PTR(void, a[2]), 144))
			return -EFAULT;
		fd_stat_root(USER_PTR(void, a[2]));
		return 0;
	}
	return no_such_path(a[1]);
}

long sys_lseek(const long *a)
{
	return fd_check((int)a[0], -ESPIPE);
}

long sys_pread64(const long *a)
{
	return fd_check((int)a[0], -ESPIPE);
}

long sys_ioctl(const long *a)
{
	return fd_check((int)a[0], -ENOTTY);
}

long sys_open(const long *a)
{
	return no_such_path(a[0]);
}

long sys_openat(const long *a)
{
	return no_such_path(a[1]);
}

long sys_readlink(const long *a)
{
	return no_such_path(a[0]);
}

long sys_readlinkat(const long *a)
{
	return no_such_path(a[1]);
}

long sys_access(const long *a)
{
	return no_such_path(a[0]);
}

long sys_faccessat(const long *a)
{
	return no_such_path(a[1]);
}

long sys_faccessat2(const long *a)
{
	return no_such_path(a[1]);
}

long sys_pipe(const long *a)
{
	if (!user_ok(USER_PTR(int32_t, a[0]), 8))
		return -EFAULT;
	return pipe_create(USER_PTR(int32_t, a[0]), 0);
}

long sys_pipe2(const long *a)
{
	if (!user_ok(USER_PTR(int32_t, a[0]), 8))
		return -EFAULT;
	return pipe_create(USER_PTR(int32_t, a[0]), (int)a[1]);
}

long sys_eventfd(const long *a)
{
	return eventfd_create((uint32_t)a[0], 0);
}

long sys_eventfd2(const long *a)
{
	return eventfd_create((uint32_t)a[0], (int)a[1]);
}

long sys_epoll_create(const long *a)
{
	if (a[0] <= 0)
		return -EINVAL;
	return epoll_create(0);
}

long sys_epoll_create1(const long *a)
{
	return epoll_create((int)a[0]);
}

long sys_epoll_ctl(const long *a)
{
	if (a[3] && !user_ok(USER_PTR(void, a[3]), EPOLL_EVENT_SIZE))
		return -EFAULT;
	return epoll_ctl((int)a[0], (int)a[1], (int)a[2], USER_PTR(void, a[3]));
}

static long wait_ms(const long *a, long timeout_ms)
{
	uint64_t deadline;

	if ((int)a[2] <= 0)
		return -EINVAL;
	if (!user_ok(USER_PTR(void, a[1]), (size_t)(int)a[2] * EPOLL_EVENT_SIZE))
		return -EFAULT;
	if ((int)timeout_ms < 0)
		deadline = KCORE_FOREVER;
	else
		deadline = deadline_after((uint64_t)(int)timeout_ms * 1000000);
	return epoll_wait((int)a[0], USER_PTR(void, a[1]), (int)a[2], deadline);
}

long sys_epoll_wait(const long *a)
{
	return wait_ms(a, a[3]);
}

long sys_epoll_pwait(const long *a)
{
	return wait_ms(a, a[3]); /* the signal mask: no signal is delivered */
}

long sys_epoll_pwait2(const long *a)
{
	const struct kcore_timespec *ts = USER_PTR(const struct kcore_timespec, a[3]);
	uint64_t deadline = KCORE_FOREVER;

	if ((int)a[2] <= 0)
		return -EINVAL;
	if (!user_ok(USER_PTR(void, a[1]), (size_t)(int)a[2] * EPOLL_EVENT_SIZE))
		return -EFAULT;
	if (ts) {
		if (!user_ok(ts, sizeof(*ts)))
			return -EFAULT;
		long err = timespec_check(ts);
		if (err)
			return err;
		deadline = deadline_after(timespec_ns(ts));
	}
	return epoll_wait((int)a[0], USER_PTR(void, a[1]), (int)a[2], deadline);
}

long sys_socket(const long *a)
{
	(void)a;
	return -EAFNOSUPPORT; /* no network */
}
