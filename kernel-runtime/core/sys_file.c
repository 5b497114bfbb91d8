/* Syscall decoders: file descriptors, the file system (fs.h), pipes,
 * eventfd, epoll. */
#include "fd.h"
#include "fs.h"
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

/* The file system's calls (fs.h). */
static long stat_buf_ok(long buf)
{
	return user_ok(USER_PTR(void, buf), 144) ? 0 : -EFAULT;
}

long sys_newfstatat(const long *a)
{
	const char *path = USER_PTR(const char, a[1]);
	/* fstatat(fd, "", AT_EMPTY_PATH) of a pipe or the console: fstat. */
	if ((a[3] & AT_EMPTY_PATH) && user_ok(path, 1) && path[0] == 0 && a[0] != AT_FDCWD) {
		if (stat_buf_ok(a[2]))
			return -EFAULT;
		return fd_fstat((int)a[0], USER_PTR(void, a[2]));
	}
	if (stat_buf_ok(a[2]))
		return -EFAULT;
	return fs_fstatat((int)a[0], path, USER_PTR(void, a[2]), (int)a[3]);
}

static long call_lseek(struct file *f, const struct fd_args *x)
{
	return fs_lseek(f, x->off, x->whence);
}

long sys_lseek(const long *a)
{
	const struct fd_args x = { .off = a[1], .whence = (int)a[2] };
	return fd_node_call((int)a[0], -ESPIPE, call_lseek, &x);
}

static long call_pread(struct file *f, const struct fd_args *x)
{
	return fs_pread(f, x->buf, x->len, (uint64_t)x->off);
}

long sys_pread64(const long *a)
{
	const struct fd_args x = { USER_PTR(void, a[1]), (size_t)a[2], a[3], 0 };
	if (a[2] && !user_ok(x.buf, x.len))
		return -EFAULT;
	return fd_node_call((int)a[0], -ESPIPE, call_pread, &x);
}

static long call_pwrite(struct file *f, const struct fd_args *x)
{
	return fs_pwrite(f, x->buf, x->len, (uint64_t)x->off);
}

long sys_pwrite64(const long *a)
{
	const struct fd_args x = { USER_PTR(void, a[1]), (size_t)a[2], a[3], 0 };
	if (a[2] && !user_ok(x.buf, x.len))
		return -EFAULT;
	return fd_node_call((int)a[0], -ESPIPE, call_pwrite, &x);
}

static long call_getdents(struct file *f, const struct fd_args *x)
{
	return fs_getdents(f, x->buf, x->len);
}

long sys_getdents64(const long *a)
{
	const struct fd_args x = { USER_PTR(void, a[1]), (size_t)a[2], 0, 0 };
	if (!user_ok(x.buf, x.len))
		return -EFAULT;
	return fd_node_call((int)a[0], -ENOTDIR, call_getdents, &x);
}

static long call_ftruncate(struct file *f, const struct fd_args *x)
{
	return fs_ftruncate(f, x->off);
}

long sys_ftruncate(const long *a)
{
	const struct fd_args x = { .off = a[1] };
	return fd_node_call((int)a[0], -EINVAL, call_ftruncate, &x);
}

static long call_none(struct file *f, const struct fd_args *x)
{
	(void)f, (void)x;
	return 0;
}

/* Nothing is ever on a disk: done as soon as asked. */
long sys_fsync(const long *a)
{
	return fd_node_call((int)a[0], -EINVAL, call_none, NULL);
}

long sys_fdatasync(const long *a)
{
	return fd_node_call((int)a[0], -EINVAL, call_none, NULL);
}

long sys_fadvise64(const long *a)
{
	return fd_node_call((int)a[0], -ESPIPE, call_none, NULL);
}

static long call_not_tty(struct file *f, const struct fd_args *x)
{
	(void)f, (void)x;
	return -ENOTTY;
}

long sys_ioctl(const long *a)
{
	return fd_node_call((int)a[0], -ENOTTY, call_not_tty, NULL);
}

long sys_open(const long *a)
{
	return fs_openat(AT_FDCWD, USER_PTR(const char, a[0]), (int)a[1], (uint32_t)a[2]);
}

long sys_openat(const long *a)
{
	return fs_openat((int)a[0], USER_PTR(const char, a[1]), (int)a[2], (uint32_t)a[3]);
}

long sys_readlink(const long *a)
{
	return fs_readlinkat(AT_FDCWD, USER_PTR(const char, a[0]), USER_PTR(char, a[1]),
			     (size_t)a[2]);
}

long sys_readlinkat(const long *a)
{
	return fs_readlinkat((int)a[0], USER_PTR(const char, a[1]), USER_PTR(char, a[2]),
			     (size_t)a[3]);
}

long sys_access(const long *a)
{
	return fs_faccessat(AT_FDCWD, USER_PTR(const char, a[0]), (int)a[1], 0);
}

long sys_faccessat(const long *a)
{
	return fs_faccessat((int)a[0], USER_PTR(const char, a[1]), (int)a[2], 0);
}

long sys_faccessat2(const long *a)
{
	if (a[3] & ~(long)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	return fs_faccessat((int)a[0], USER_PTR(const char, a[1]), (int)a[2], (int)a[3]);
}

long sys_mkdir(const long *a)
{
	return fs_mkdirat(AT_FDCWD, USER_PTR(const char, a[0]), (uint32_t)a[1]);
}

long sys_mkdirat(const long *a)
{
	return fs_mkdirat((int)a[0], USER_PTR(const char, a[1]), (uint32_t)a[2]);
}

long sys_mknod(const long *a)
{
	return fs_mknodat(AT_FDCWD, USER_PTR(const char, a[0]), (uint32_t)a[1]);
}

long sys_mknodat(const long *a)
{
	return fs_mknodat((int)a[0], USER_PTR(const char, a[1]), (uint32_t)a[2]);
}

long sys_unlink(const long *a)
{
	return fs_unlinkat(AT_FDCWD, USER_PTR(const char, a[0]), 0);
}

long sys_rmdir(const long *a)
{
	return fs_unlinkat(AT_FDCWD, USER_PTR(const char, a[0]), AT_REMOVEDIR);
}

long sys_unlinkat(const long *a)
{
	return fs_unlinkat((int)a[0], USER_PTR(const char, a[1]), (int)a[2]);
}

long sys_rename(const long *a)
{
	return fs_renameat(AT_FDCWD, USER_PTR(const char, a[0]), AT_FDCWD,
			   USER_PTR(const char, a[1]), 0);
}

long sys_renameat(const long *a)
{
	return fs_renameat((int)a[0], USER_PTR(const char, a[1]), (int)a[2],
			   USER_PTR(const char, a[3]), 0);
}

long sys_renameat2(const long *a)
{
	return fs_renameat((int)a[0], USER_PTR(const char, a[1]), (int)a[2],
			   USER_PTR(const char, a[3]), (unsigned)a[4]);
}

long sys_symlink(const long *a)
{
	return fs_symlinkat(USER_PTR(const char, a[0]), AT_FDCWD, USER_PTR(const char, a[1]));
}

long sys_symlinkat(const long *a)
{
	return fs_symlinkat(USER_PTR(const char, a[0]), (int)a[1], USER_PTR(const char, a[2]));
}

long sys_link(const long *a)
{
	return fs_linkat(AT_FDCWD, USER_PTR(const char, a[0]), AT_FDCWD,
			 USER_PTR(const char, a[1]), 0);
}

long sys_linkat(const long *a)
{
	return fs_linkat((int)a[0], USER_PTR(const char, a[1]), (int)a[2],
			 USER_PTR(const char, a[3]), (int)a[4]);
}

long sys_truncate(const long *a)
{
	return fs_truncate(USER_PTR(const char, a[0]), a[1]);
}

long sys_chmod(const long *a)
{
	return fs_fchmodat(AT_FDCWD, USER_PTR(const char, a[0]), (uint32_t)a[1], 0);
}

long sys_fchmodat(const long *a)
{
	return fs_fchmodat((int)a[0], USER_PTR(const char, a[1]), (uint32_t)a[2], 0);
}

long sys_fchmodat2(const long *a)
{
	if (a[3] & ~(long)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	return fs_fchmodat((int)a[0], USER_PTR(const char, a[1]), (uint32_t)a[2], (int)a[3]);
}

long sys_fchmod(const long *a)
{
	return fs_fchmod((int)a[0], (uint32_t)a[1]);
}

/* Owners are kept and reported; the program, root, may do anything. */
long sys_fchown(const long *a)
{
	return fs_fchown((int)a[0], (uint32_t)a[1], (uint32_t)a[2]);
}

long sys_fchownat(const long *a)
{
	return fs_fchownat((int)a[0], USER_PTR(const char, a[1]), (uint32_t)a[2],
			   (uint32_t)a[3], (int)a[4]);
}

long sys_chown(const long *a)
{
	return fs_fchownat(AT_FDCWD, USER_PTR(const char, a[0]), (uint32_t)a[1],
			   (uint32_t)a[2], 0);
}

long sys_lchown(const long *a)
{
	return fs_fchownat(AT_FDCWD, USER_PTR(const char, a[0]), (uint32_t)a[1],
			   (uint32_t)a[2], AT_SYMLINK_NOFOLLOW);
}

long sys_umask(const long *a)
{
	return fs_umask((uint32_t)a[0]);
}

long sys_utimensat(const long *a)
{
	return fs_utimensat((int)a[0], a[1] ? USER_PTR(const char, a[1]) : NULL,
			    a[2] ? USER_PTR(const void, a[2]) : NULL, (int)a[3]);
}

long sys_chdir(const long *a)
{
	return fs_chdir(USER_PTR(const char, a[0]));
}

long sys_fchdir(const long *a)
{
	return fs_fchdir((int)a[0]);
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
