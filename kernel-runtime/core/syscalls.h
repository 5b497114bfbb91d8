/* The Linux syscalls the core implements: one list gives the dispatch
 * table, the names in counters and traces, and the decoders' prototypes.
 * A decoder turns the six raw arguments into a call of a core function. */
#ifndef KCORE_SYSCALLS_H
#define KCORE_SYSCALLS_H

#include <stdbool.h>

#define SYSCALL_LIST(X)                                                     \
	/* sys_file.c */                                                    \
	X(read) X(write) X(writev) X(close) X(fcntl) X(dup) X(dup2) X(dup3) \
	X(fstat) X(newfstatat) X(lseek) X(pread64) X(ioctl) X(open)         \
	X(openat) X(readlink) X(readlinkat) X(access) X(faccessat)          \
	X(faccessat2) X(pipe) X(pipe2) X(eventfd) X(eventfd2)               \
	X(epoll_create) X(epoll_create1) X(epoll_ctl) X(epoll_wait)         \
	X(epoll_pwait) X(epoll_pwait2) X(socket) X(pwrite64) X(getdents64) \
	X(ftruncate) X(truncate) X(fsync) X(fdatasync) X(fadvise64)         \
	X(mkdir) X(mkdirat) X(unlink) X(rmdir) X(unlinkat) X(rename)        \
	X(renameat) X(renameat2) X(symlink) X(symlinkat) X(chmod)           \
	X(fchmod) X(fchmodat) X(fchown) X(fchownat) X(utimensat) X(chdir)   \
	X(fchdir) X(fchmodat2) X(chown) X(lchown) X(umask) X(link) X(linkat) \
	X(mknod) X(mknodat)                                                 \
	/* sys_mem.c */                                                     \
	X(mmap) X(munmap) X(mprotect) X(madvise) X(mincore) X(brk)          \
	/* sys_thread.c */                                                  \
	X(clone) X(exit) X(exit_group) X(gettid) X(futex)                   \
	X(set_tid_address) X(set_robust_list) X(get_robust_list) X(rseq)    \
	X(sched_yield) X(sched_getaffinity) X(sched_setaffinity) X(getcpu)  \
	/* sys_signal.c */                                                  \
	X(rt_sigaction) X(rt_sigprocmask) X(rt_sigreturn) X(sigaltstack)    \
	X(kill) X(tkill) X(tgkill) X(setitimer) X(getitimer)                \
	X(timer_create) X(timer_settime) X(timer_gettime)                   \
	X(timer_getoverrun) X(timer_delete)                                 \
	/* sys_process.c */                                                 \
	X(getpid) X(getppid) X(getuid) X(geteuid) X(getgid) X(getegid)      \
	X(arch_prctl) X(prctl) X(uname) X(getrlimit) X(setrlimit)           \
	X(prlimit64) X(getrandom) X(getcwd) X(getgroups)                    \
	/* sys_time.c */                                                    \
	X(clock_gettime) X(clock_getres) X(clock_nanosleep) X(nanosleep)    \
	X(gettimeofday) X(time)

#define SYSCALL_DECLARE(name) long sys_##name(const long *a);
SYSCALL_LIST(SYSCALL_DECLARE)
#undef SYSCALL_DECLARE

/* Table size: numbers at or above it are unknown. */
#define SYSCALL_TABLE_SIZE 456

/* trace: log every call and its result. */
void syscall_init(bool trace);
/* The name of syscall nr, NULL if the core does not implement it. */
const char *syscall_name(long nr);

#endif
