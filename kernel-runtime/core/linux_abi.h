/* Linux x86-64 ABI values the core decodes and returns: errno numbers,
 * syscall numbers, and the flags of the calls it implements. */
#ifndef KCORE_LINUX_ABI_H
#define KCORE_LINUX_ABI_H

/* errno */
#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define ENXIO 6
#define EBADF 9
#define ECHILD 10
#define EAGAIN 11
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define EXDEV 18
#define ENODEV 19
#define ENOTDIR 20
#define EISDIR 21
#define EINVAL 22
#define ENFILE 23
#define EMFILE 24
#define ENOTTY 25
#define EFBIG 27
#define ENOSPC 28
#define ESPIPE 29
#define EPIPE 32
#define ERANGE 34
#define ENAMETOOLONG 36
#define ENOSYS 38
#define ENOTEMPTY 39
#define ELOOP 40
#define EOPNOTSUPP 95
#define EAFNOSUPPORT 97
#define ETIMEDOUT 110
/* Kernel-internal, never the program's: a blocking call a signal
 * interrupted, which ends in -EINTR or is made again (kcore_syscall). */
#define ERESTARTSYS 512

/* syscall numbers */
#define NR_read 0
#define NR_write 1
#define NR_open 2
#define NR_close 3
#define NR_fstat 5
#define NR_lseek 8
#define NR_mmap 9
#define NR_mprotect 10
#define NR_munmap 11
#define NR_brk 12
#define NR_rt_sigaction 13
#define NR_rt_sigprocmask 14
#define NR_rt_sigreturn 15
#define NR_ioctl 16
#define NR_pread64 17
#define NR_pwrite64 18
#define NR_writev 20
#define NR_access 21
#define NR_pipe 22
#define NR_sched_yield 24
#define NR_mincore 27
#define NR_madvise 28
#define NR_dup 32
#define NR_dup2 33
#define NR_nanosleep 35
#define NR_getitimer 36
#define NR_setitimer 38
#define NR_getpid 39
#define NR_socket 41
#define NR_clone 56
#define NR_exit 60
#define NR_kill 62
#define NR_uname 63
#define NR_fcntl 72
#define NR_fsync 74
#define NR_fdatasync 75
#define NR_truncate 76
#define NR_ftruncate 77
#define NR_getcwd 79
#define NR_chdir 80
#define NR_fchdir 81
#define NR_rename 82
#define NR_mkdir 83
#define NR_rmdir 84
#define NR_unlink 87
#define NR_symlink 88
#define NR_readlink 89
#define NR_chmod 90
#define NR_fchmod 91
#define NR_fchown 93
#define NR_gettimeofday 96
#define NR_getrlimit 97
#define NR_getuid 102
#define NR_getgid 104
#define NR_geteuid 107
#define NR_getegid 108
#define NR_getppid 110
#define NR_sigaltstack 131
#define NR_prctl 157
#define NR_arch_prctl 158
#define NR_setrlimit 160
#define NR_gettid 186
#define NR_tkill 200
#define NR_time 201
#define NR_futex 202
#define NR_sched_setaffinity 203
#define NR_sched_getaffinity 204
#define NR_epoll_create 213
#define NR_getdents64 217
#define NR_set_tid_address 218
#define NR_timer_create 222
#define NR_timer_settime 223
#define NR_timer_gettime 224
#define NR_timer_getoverrun 225
#define NR_timer_delete 226
#define NR_clock_gettime 228
#define NR_clock_getres 229
#define NR_clock_nanosleep 230
#define NR_exit_group 231
#define NR_epoll_wait 232
#define NR_epoll_ctl 233
#define NR_tgkill 234
#define NR_fadvise64 221
#define NR_openat 257
#define NR_mkdirat 258
#define NR_fchownat 260
#define NR_newfstatat 262
#define NR_unlinkat 263
#define NR_renameat 264
#define NR_symlinkat 266
#define NR_readlinkat 267
#define NR_fchmodat 268
#define NR_faccessat 269
#define NR_set_robust_list 273
#define NR_get_robust_list 274
#define NR_utimensat 280
#define NR_epoll_pwait 281
#define NR_eventfd 284
#define NR_eventfd2 290
#define NR_epoll_create1 291
#define NR_dup3 292
#define NR_pipe2 293
#define NR_prlimit64 302
#define NR_getcpu 309
#define NR_renameat2 316
#define NR_getrandom 318
#define NR_statx 332
#define NR_rseq 334
#define NR_clone3 435
#define NR_faccessat2 439
#define NR_epoll_pwait2 441

/* mmap, mprotect, madvise */
#define PROT_NONE 0x0
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE 0x0f
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_FIXED_NOREPLACE 0x100000
#define MADV_DONTNEED 4
#define MADV_FREE 8
#define MADV_REMOVE 9
#define MADV_HWPOISON 100

/* futex */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

/* clone */
#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_VFORK 0x00004000
#define CLONE_THREAD 0x00010000
#define CLONE_SYSVSEM 0x00040000
#define CLONE_SETTLS 0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_CHILD_SETTID 0x01000000

/* clocks */
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define TIMER_ABSTIME 1

/* signals */
#define KSIG_MAX 64 /* signals are 1..64 */
#define SIGILL 4
#define SIGTRAP 5
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGSEGV 11
#define SIGUSR1 10
#define SIGPIPE 13
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGWINCH 28
#define SIG_DFL 0
#define SIG_IGN 1
#define SA_SIGINFO 0x4
#define SA_RESTORER 0x04000000
#define SA_RESTART 0x10000000
#define SA_ONSTACK 0x08000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000
#define SI_USER 0
#define SI_TKILL (-6)
#define SI_KERNEL 0x80
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define FPE_INTDIV 1
#define FPE_FLTINV 7
#define ILL_ILLOPN 2
#define BUS_ADRALN 1
#define TRAP_BRKPT 1
#define TRAP_TRACE 2
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1u << 31)
#define MINSIGSTKSZ 2048

/* files */
#define O_RDONLY 00
#define O_WRONLY 01
#define O_RDWR 02
#define O_ACCMODE 03
#define O_CREAT 0100
#define O_EXCL 0200
#define O_NOCTTY 0400
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_NONBLOCK 04000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW 0400000
#define O_CLOEXEC 02000000
#define O_PATH 010000000
#define O_TMPFILE_BIT 020000000 /* O_TMPFILE is this | O_DIRECTORY */
#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC 1
#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR 0x200
#define AT_EACCESS 0x200
#define AT_SYMLINK_FOLLOW 0x400
#define AT_EMPTY_PATH 0x1000
#ifndef RENAME_NOREPLACE /* glibc's stdio.h has them too (host tests) */
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#endif
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define SEEK_DATA 3
#define SEEK_HOLE 4
#define F_OK 0
#define X_OK 1
#define UTIME_NOW ((1l << 30) - 1)
#define UTIME_OMIT ((1l << 30) - 2)
#define S_IFMT 0170000
#define S_IFIFO 0010000
#define S_IFCHR 0020000
#define S_IFDIR 0040000
#define S_IFREG 0100000
#define S_IFLNK 0120000
#define DT_CHR 2
#define DT_DIR 4
#define DT_REG 8
#define DT_LNK 10
#define EFD_SEMAPHORE 1
#define EFD_NONBLOCK O_NONBLOCK
#define EFD_CLOEXEC O_CLOEXEC

/* epoll */
#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3
#define EPOLL_CLOEXEC O_CLOEXEC
#define EPOLLIN_BIT 0x001
#define EPOLLOUT_BIT 0x004
#define EPOLLERR_BIT 0x008
#define EPOLLHUP_BIT 0x010
#define EPOLLRDHUP_BIT 0x2000
#define EPOLLONESHOT_BIT (1u << 30)
#define EPOLLET_BIT (1u << 31)

/* arch_prctl, prctl */
#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004
#define PR_SET_PDEATHSIG 1
#define PR_GET_PDEATHSIG 2
#define PR_GET_DUMPABLE 3
#define PR_SET_DUMPABLE 4
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define PR_SET_NO_NEW_PRIVS 38
#define PR_GET_NO_NEW_PRIVS 39
#define PR_SET_VMA 0x53564d41

/* auxiliary vector */
#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_FLAGS 8
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_PLATFORM 15
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_HWCAP2 26
#define AT_EXECFN 31

/* resource limits */
#define RLIMIT_STACK 3
#define RLIMIT_NOFILE 7
#define RLIM_NLIMITS 16
#define RLIM_INFINITY (~0ull)

#define PAGE_SIZE 4096ul
#define PAGE_MASK (PAGE_SIZE - 1)

#endif
