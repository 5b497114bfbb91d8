/*
 * The kernel runtime's public face: the core's C functions, shared by both
 * doors into the kernel. Trap mode reaches them through kcore_syscall (the
 * Linux syscall decoder); redirect mode's stubs call them directly from the
 * patched Go runtime, on the calling thread's kernel stack.
 *
 * Conventions: errors are negative Linux errno values (-11 EAGAIN, -12
 * ENOMEM, -22 EINVAL, -110 ETIMEDOUT...); flags and protections are Linux's
 * values; times are nanoseconds. A function that blocks does so on the
 * calling thread only. Pointers are the program's own: the program and the
 * kernel share one address space.
 *
 * The kernel command line (what `rewire run` writes, on kvm with QEMU's -append):
 *
 *   [OPTION]... [-- ARG...]
 *
 * Words are separated by spaces, tabs, CRs or LFs. After splitting, each
 * word is percent-decoded: %XX (two hex digits) is the byte 0xXX, so a space
 * inside a word is %20 and a literal % is %25 (%00 stays as written: a C
 * string cannot hold the byte); a word that is exactly "%" is the empty
 * string; any other % stands for itself.
 *   OPTION is KEY or KEY=VALUE:
 *     env=NAME=VALUE  one environment variable (repeatable, kept in order)
 *     stats           print the counters when the program exits
 *     trace           log every syscall and its result
 *     memlog=SECONDS  log the frames in use every SECONDS (1-86400):
 *                     "kcore-frames: t=S used N peak N total N"
 *   the three write to the kernel's log (platform_log), never to the
 *   program's console;
 *     nosignals       record signals, never run the program's handlers
 *                     (faults are then crash dumps, as in a kernel bug);
 *     verbose         the kernel's log also says what the platform and
 *                     the core found at boot (clock calibration, memory);
 *     cwd=PATH        the program's working directory (absolute; made
 *                     when the file system lacks it; default "/");
 *     exe=PATH        the program's path, the target of /proc/self/exe
 *                     (default argv[0]);
 *   any other KEY must be one the platform reads (platform_options in
 *   platform.h): an unknown option stops the boot with KCORE_EXIT_USAGE
 *   and a message naming it.
 * The words after the first "--" are the program's argv (argv[0] first);
 * later "--" words are plain arguments. Without "--", argv is {"program"}.
 *
 * Example: stats env=HOME=/root env=GREETING=hi%20there -- hello -n 3
 */
#ifndef REWIRE_KERNEL_H
#define REWIRE_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit statuses the kernel chooses itself (a Go program's own are 0-125;
 * a crash or kernel panic exits with PLATFORM_EXIT_CRASH, 70). */
#define KCORE_EXIT_OOM   137 /* out of memory, as a process the Linux OOM
				killer ends (128 + SIGKILL) */
#define KCORE_EXIT_USAGE 64  /* bad command line (EX_USAGE) */
#define KCORE_EXIT_DATA  65  /* a malformed file system archive (EX_DATAERR) */

/* "No deadline": wait until woken. */
#define KCORE_FOREVER UINT64_MAX

/* struct timespec of Linux on x86-64. */
struct kcore_timespec {
	int64_t sec;
	int64_t nsec;
};

/* --- the syscall door --- */

/* Runs Linux syscall nr with its six arguments (rdi, rsi, rdx, r10, r8, r9)
 * and returns what Linux would put in RAX: a result or -errno. Unknown
 * numbers return -ENOSYS (-38) and are logged once per number. Every call
 * is counted. clone needs the caller's register frame: it works through
 * the platform's syscall hook only (redirect mode uses thread_create). */
long kcore_syscall(long nr, const long args[6]);

/* --- process --- */

/* Ends the program with status (exit_group): prints the counters when the
 * command line asked for them, then stops the machine. */
void process_exit(int status) __attribute__((noreturn));
/* Ends the program as killed by signal sig (its default action): the
 * counters as process_exit prints them, then platform_exit_signal. */
void process_exit_signal(int sig) __attribute__((noreturn));

/* Writes to the console's stream 1 (stdout) or 2 (stderr): the program's
 * write(2) on a console fd, one writer at a time. Any other stream number
 * is taken as stdout. Returns len, or -EPIPE when the stream's reader is
 * gone (the caller raises SIGPIPE, as Linux does). */
long console_write(int stream, const char *buf, size_t len);

/* --- threads --- */

/* Where a new thread starts: at rip with stack pointer rsp, FS base
 * fs_base (its TLS) and RDI = arg; every other register zero. name is
 * its name (prctl's PR_GET_NAME, /proc's comm), cut to 15 bytes; NULL
 * for none. */
struct kcore_thread_start {
	uintptr_t rip, rsp, fs_base, arg;
	const char *name;
};
/* Creates a runnable thread; returns its id (> 0), -EAGAIN when the thread
 * table is full, -ENOMEM when no memory is left for its kernel stack. */
long thread_create(const struct kcore_thread_start *start);
/* Ends the calling thread (the exit syscall): clears and futex-wakes its
 * clear_child_tid word if it had one; the last thread's exit ends the
 * program with status. Never returns. */
void thread_exit(int status) __attribute__((noreturn));
/* The calling thread's id (gettid); 1 is the program's first thread. */
long thread_id(void);
/* Lets every other runnable thread of this CPU run once (sched_yield). */
void thread_yield(void);
/* Sets the calling thread's FS base (arch_prctl ARCH_SET_FS). */
void thread_set_fs_base(uint64_t base);

/* --- futex --- */

/* If *addr == expected, sleeps until futex_wake(addr) or until the
 * monotonic clock reaches deadline_ns (KCORE_FOREVER: no deadline); the
 * check and the sleep are atomic with respect to futex_wake. Returns 0
 * when woken, -EAGAIN when *addr != expected, -ETIMEDOUT at the deadline,
 * -EINVAL when addr is not 4-byte aligned. */
long futex_wait(uint32_t *addr, uint32_t expected, uint64_t deadline_ns);
/* Wakes up to count threads waiting on addr; returns how many it woke. */
long futex_wake(uint32_t *addr, int count);

/* --- memory --- */

/* Linux mmap/munmap/mprotect/madvise/mincore over the program's range, for
 * anonymous private memory: fresh pages read as zero and get a frame on
 * first touch; MADV_DONTNEED frees frames (the pages read as zero again).
 * File mappings fail with -ENODEV (console fds) or -EBADF. */
long vm_mmap(uintptr_t addr, size_t len, int prot, int flags, int fd,
	     long offset);
long vm_munmap(uintptr_t addr, size_t len);
long vm_mprotect(uintptr_t addr, size_t len, int prot);
long vm_madvise(uintptr_t addr, size_t len, int advice);
long vm_mincore(uintptr_t addr, size_t len, unsigned char *vec);

/* The same for redirect mode, in the Go runtime's terms (len rounded up
 * to pages). vm_reserve: inaccessible address space at hint when that range
 * is free, else anywhere; NULL when none is left. vm_commit: readable and
 * writable, zero-filled on demand. vm_decommit: frees the frames, the
 * range stays committed and reads as zero. vm_release: unmaps. vm_alloc:
 * reserve and commit; NULL when no address space is left. */
void *vm_reserve(void *hint, size_t len);
long vm_commit(void *addr, size_t len);
long vm_decommit(void *addr, size_t len);
long vm_release(void *addr, size_t len);
void *vm_alloc(size_t len);

/* --- time --- */

uint64_t clock_monotonic_ns(void);
uint64_t clock_realtime_ns(void);
/* clock_gettime: CLOCK_REALTIME, MONOTONIC, PROCESS/THREAD_CPUTIME_ID,
 * MONOTONIC_RAW, REALTIME_COARSE, MONOTONIC_COARSE, BOOTTIME. -EINVAL for
 * other clocks. */
long clock_read(int clock, struct kcore_timespec *ts);
/* Sleeps ns nanoseconds (nanosleep); returns 0. */
long time_sleep_ns(uint64_t ns);

/* --- counters --- */

struct kcore_counters {
	uint64_t syscalls;      /* every kcore_syscall */
	uint64_t traps;         /* system calls that trapped (SYSCALL) */
	uint64_t redirects;     /* calls of redirected leaves (kcore_redirect) */
	uint64_t switches;      /* thread switches */
	uint64_t page_faults;   /* faults that mapped a page */
	uint64_t frames_used, frames_peak, frames_total;
};
void kcore_counters(struct kcore_counters *out);
/* Syscalls made with number nr so far. */
uint64_t kcore_syscall_count(long nr);
/* Prints every counter, one "kcore-stats: NAME VALUE" line each
 * (per-call lines are "kcore-stats: syscall NAME COUNT", the same for
 * "trap", and "kcore-stats: redirect LEAF COUNT"). */
void kcore_print_counters(void);

#endif
