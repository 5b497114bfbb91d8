/* The hosted platform's internal interface: the kernel as a plain Linux
 * process. Constants shared by its C and assembly files, the host system
 * calls it makes, and the functions one file offers another. Includes and
 * extends platform.h, like platform/kvm's kvm.h. */
#ifndef HOSTED_H
#define HOSTED_H

/* struct hosted_cpu field offsets, for the assembly (entry.S). */
#define CPU_SELF        0
#define CPU_SCRATCH_RSP 8
#define CPU_SCRATCH_RIP 16
#define CPU_KSTACK      24
#define CPU_IRQ_OFF     32
#define CPU_PENDING     33
#define CPU_DOOR_ID     36
#define CPU_HOST_FS     40
#define CPU_IRQ_STACK   48

/* struct platform_regs offsets (platform.h). */
#define REGS_TLS_WORD 0
#define REGS_R15      16
#define REGS_R14      24
#define REGS_R13      32
#define REGS_R12      40
#define REGS_R11      48
#define REGS_R10      56
#define REGS_R9       64
#define REGS_R8       72
#define REGS_RBP      80
#define REGS_RDI      88
#define REGS_RSI      96
#define REGS_RDX      104
#define REGS_RCX      112
#define REGS_RBX      120
#define REGS_RAX      128
#define REGS_VECTOR   136
#define REGS_ERROR    144
#define REGS_RIP      152
#define REGS_CS       160
#define REGS_RFLAGS   168
#define REGS_RSP      176
#define REGS_SS       184
#define REGS_SIZE     192

#define RFLAGS_IF 0x200

/* The selectors Linux gives user code: what a context reports as cs/ss. */
#define USER_CS 0x33
#define USER_SS 0x2b

#define HOSTED_MAX_CPUS 1
#define IRQ_STACK_SIZE  65536
#define ALT_STACK_SIZE  65536

/* Host system call numbers (raw: the kernel links no libc). */

#define HOST_read            0
#define HOST_write           1
#define HOST_close           3
#define HOST_fstat           5
#define HOST_mmap            9
#define HOST_mprotect        10
#define HOST_munmap          11
#define HOST_rt_sigaction    13
#define HOST_rt_sigprocmask  14
#define HOST_rt_sigreturn    15
#define HOST_ioctl           16
#define HOST_sched_yield     24
#define HOST_mincore         27
#define HOST_madvise         28
#define HOST_getpid          39
#define HOST_exit            60
#define HOST_kill            62
#define HOST_fcntl           72
#define HOST_ftruncate       77
#define HOST_sigaltstack     131
#define HOST_prctl           157
#define HOST_arch_prctl      158
#define HOST_gettid          186
#define HOST_tkill           200
#define HOST_timer_create    222
#define HOST_timer_settime   223
#define HOST_timer_delete    226
#define HOST_clock_gettime   228
#define HOST_exit_group      231
#define HOST_tgkill          234
#define HOST_ppoll           271
#define HOST_memfd_create    319

#ifndef __ASSEMBLER__
#include <stdarg.h>
#include "platform.h"
#include "x86.h"

/* Per-CPU data (one host thread per CPU), at the thread's GS base: the Go
 * program on linux/amd64 uses FS alone. The first fields are read by
 * assembly (offsets above). */
struct hosted_cpu {
	struct hosted_cpu *self;
	uint64_t scratch_rsp;  /* the context's RSP and RIP while resuming */
	uint64_t scratch_rip;
	uint64_t kstack;       /* the running thread's kernel stack top */
	/* The interrupt flag, in software: while set (kernel code), a tick
	 * of the host timer is only noted in pending. */
	uint8_t irq_off;
	uint8_t pending;
	uint8_t pad[2];
	uint32_t door_id;      /* the leaf a door is entered for (door.S) */
	/* The host FS base: set once, by the program's first ARCH_SET_FS.
	 * The word at FS:-8 (Go's g) travels with each context instead
	 * (tls_word), so a switch costs no host call. */
	uint64_t host_fs;
	uint64_t irq_stack;    /* top of this CPU's interrupt stack */
	unsigned id;
	void *local;           /* the core's per-CPU pointer */
	int timer_id;          /* the host timer (timer_create) */
	uint64_t armed_ns;     /* its deadline, UINT64_MAX when disarmed */
	uint64_t ticks, deferred;
	unsigned in_exception; /* nesting of exception handling */
	/* A reader waits for the process's stdin (io.c): the idle wait and
	 * the timer watch it. */
	int want_input;
};

static inline struct hosted_cpu *this_cpu(void)
{
	struct hosted_cpu *c;
	__asm__ volatile("movq %%gs:0, %0" : "=r"(c));
	return c;
}

/* --- host system calls --- */

long host_syscall6(long nr, long a, long b, long c, long d, long e, long f);
#define host_syscall(nr, ...) host_syscall_n(nr, __VA_ARGS__, 0, 0, 0, 0, 0, 0)
#define host_syscall_n(nr, a, b, c, d, e, f, ...) \
	host_syscall6(nr, (long)(a), (long)(b), (long)(c), (long)(d), \
		      (long)(e), (long)(f))

/* Writes all of buf to host fd (retrying short writes and EINTR, waiting
 * where the fd is non-blocking); len, or a negative errno. */
long host_write_all(int fd, const char *buf, size_t len);
/* Console input came for a reader that waits: tells the core. */
void hosted_check_input(void);

/* --- between the platform's files --- */

/* percpu.c */
struct hosted_cpu *hosted_cpu_init(unsigned id);

/* boot.c, io.c */
extern int hosted_log_fd;
/* A descriptor number in decimal (an environment variable's value), or -1. */
int hosted_parse_fd(const char *s);
void hosted_fatal(const char *what, long err) __attribute__((noreturn));

/* The address space: the image below 2 GiB; the program's range from
 * 4 GiB to the direct map (memory.c) at 0x7e0000000000, which mem= keeps
 * below the file system archive (fs_archive.c) at 0x7f0000000000; the
 * host's stack and vDSO above. */
#define HOSTED_VM_START    0x000100000000ull
#define HOSTED_DIRECT_MAP  0x7e0000000000ull
#define HOSTED_ARCHIVE_MAP 0x7f0000000000ull

/* memory.c: physical memory (a host memfd) and its direct map. */
void hosted_memory_init(uint64_t size);
int hosted_memfd(void);

/* fs_archive.c: maps the archive the descriptor fd_text names (the value
 * of REWIRE_FS_FD) and closes it; exits 64 when it names no regular file. */
void hosted_fs_archive_init(const char *fd_text);

/* pagetable.c */
int hosted_page_readable(uint64_t va);

/* signals.c: host signal entry */
void hosted_signals_init(void);
void hosted_signals_cpu_init(struct hosted_cpu *cpu);
void hosted_dispatch_syscall(struct platform_regs *regs)
	__attribute__((noreturn));
void hosted_dump(const struct platform_regs *r, uint64_t fault_address);

/* sud.c: Syscall User Dispatch over the program's text */
void hosted_sud_arm(void);

/* The host signal that carries the timer's ticks (SIGALRM). */
#define HOSTED_TIMER_SIGNAL 14

/* timer.c */
void hosted_timer_cpu_init(struct hosted_cpu *cpu);
void hosted_timer_fire(struct platform_regs *regs);
void hosted_timer_retry(void);

/* door.S, resume.c: redirect mode's way in */
void hosted_dispatch_redirect(struct platform_regs *regs)
	__attribute__((noreturn));

/* context.S / resume.c: leaving the kernel for a context */
void hosted_resume(struct platform_regs *regs) __attribute__((noreturn));
void hosted_restore(const struct platform_regs *regs)
	__attribute__((noreturn));
void hosted_switch_to(const struct platform_regs *to)
	__attribute__((noreturn));
void hosted_call_on_stack(void *top, void (*fn)(struct platform_regs *))
	__attribute__((noreturn));
void hosted_soft_irq(void);
void hosted_sigreturn(void);
extern char hosted_restore_begin[], hosted_restore_end[];
extern char hosted_idle_begin[], hosted_idle_syscall[], hosted_idle_end[];
/* Sleeps in the host until a signal, or until fds (nfds: 0 or 1) has an
 * event; at once when a tick is pending. */
struct host_pollfd;
int hosted_idle_wait(struct host_pollfd *fds, unsigned long nfds);

/* clock.c */
void hosted_clock_init(const uint64_t *auxv);
uint64_t hosted_host_monotonic(uint64_t t);

/* program.c */
void hosted_program_init(void);
int hosted_in_program_text(uint64_t addr);
void hosted_program_text(uint64_t *start, uint64_t *end);

/* xsave.c */
void hosted_xsave_init(void);
uint64_t hosted_xsave_features(void);

/* kernel text bounds (the image's, from the link) */
int hosted_in_kernel_text(uint64_t addr);
int hosted_in_image(uint64_t addr);

/* memory.c */
int hosted_in_direct_map(uint64_t va);
#endif

#endif
