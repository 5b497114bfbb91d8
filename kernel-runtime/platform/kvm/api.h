/*
 * What the KVM platform offers the kernel's core: the contract of each call.
 *
 * The core is written against these functions only (a hosted platform will
 * implement the same set); it never touches CPU state, devices or QEMU. This
 * header is meant to be merged into kernel-runtime/include/platform.h.
 *
 * Boot: the platform starts the CPU, sets up everything below, then calls
 * kernel_main() (defined by the core, or by a test kernel) on the boot CPU
 * with interrupts disabled; kernel_main's return value becomes the exit
 * status, as if it called platform_exit().
 *
 * Unless a call says otherwise it may be made from any context, including an
 * interrupt or exception hook, and it never blocks. No platform code uses
 * SSE/AVX registers: an interrupt or a syscall leaves the interrupted
 * thread's vector state as it was (the core saves it only when it switches
 * threads).
 */
#ifndef REWIRE_PLATFORM_KVM_API_H
#define REWIRE_PLATFORM_KVM_API_H

#include <stddef.h>
#include <stdint.h>

/* Exit statuses the platform itself uses. */
#define PLATFORM_EXIT_CRASH 70 /* unhandled exception or panic (EX_SOFTWARE) */

/* The registers of an interrupted context: an exception, an interrupt or a
 * syscall. Hooks may change any field; the context resumes with the new
 * values (for a syscall, rax is overwritten by the hook's return value). */
struct platform_regs {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector; /* 0-31 exceptions, PLATFORM_VECTOR_* otherwise */
	uint64_t error;  /* the CPU's error code, 0 when it pushes none */
	uint64_t rip, cs, rflags, rsp, ss;
};

#define PLATFORM_VECTOR_TIMER    32
#define PLATFORM_VECTOR_SPURIOUS 255
#define PLATFORM_VECTOR_SYSCALL  256 /* not a CPU vector: a syscall frame */

/* Provided by the core: runs once on the boot CPU after platform setup. */
int kernel_main(void);

/* --- console and exit --- */

/* Writes len bytes to the serial console, unchanged (no \n -> \r\n). */
void platform_console_write(const char *buf, size_t len);

/* Formatted console output: %s %c %d %u %x %p, with l/ll and a zero-padded
 * width (%016lx). Output of one call is not interleaved with another CPU's. */
void platform_printf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* The kernel's diagnostics, apart from the program's output: a log that
 * scripts/run-image prints on its stderr when the VM ends (QEMU's debug
 * console, port 0xe9). Same formats as platform_printf. */
void platform_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Ends the VM with status (0-255; other values are truncated to 8 bits).
 * scripts/run-image returns that status. Never returns. */
void platform_exit(int status) __attribute__((noreturn));

/* Prints "rewire: panic: file:line: message" on the console and exits with PLATFORM_EXIT_CRASH. */
void platform_panic(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));
#define PLATFORM_PANIC(...) platform_panic(__FILE__, __LINE__, __VA_ARGS__)

/* --- boot information --- */

/* The raw kernel command line ("" when there is none). */
const char *platform_cmdline(void);

/* The command line is: [KEY=VALUE | KEY]... [-- ARG...], each word
 * percent-encoded (%XX) by scripts/run-image. platform_option returns the
 * decoded value of the first KEY=VALUE word, "" for a bare KEY, NULL when
 * absent. Words "env=NAME=VALUE" make up the environment. */
const char *platform_option(const char *key);
/* The words after "--", NULL-terminated; *argc gets their count. */
char **platform_argv(int *argc);
/* The environment (from env= options), NULL-terminated. */
char **platform_envp(void);

/* Usable RAM: fills up to max regions (sorted by base) and returns the
 * count. Includes the memory of the kernel image: the core reserves it
 * (platform_image_end). */
struct platform_mem_region {
	uint64_t base, size;
};
int platform_memory_regions(struct platform_mem_region *out, int max);
/* First byte after the loaded image (all of its segments, .bss included). */
uint64_t platform_image_end(void);

/* --- time --- */

/* Nanoseconds since boot from the TSC: monotonic, never goes back on
 * one CPU. */
uint64_t platform_monotonic_ns(void);
/* Nanoseconds since the Unix epoch (boot wall time + monotonic). When the
 * VM offers no wall clock (TCG with rtc=off) this counts from 0 and a
 * warning was printed at boot. */
uint64_t platform_wall_ns(void);
uint64_t platform_tsc_hz(void);
/* Where the TSC frequency came from ("cpuid-15h", "kvmclock", "pit") and
 * where the wall time came from ("kvmclock", "cmos-rtc", "none"). */
const char *platform_tsc_source(void);
const char *platform_wall_source(void);

/* --- timer and interrupts --- */

/* Called on every timer interrupt, on the interrupt stack, interrupts
 * disabled, after the interrupt was acknowledged. It may rewrite *regs to
 * resume another context (preemption). NULL: count only. */
void platform_set_timer_hook(void (*hook)(struct platform_regs *regs));
/* Arms this CPU's one-shot timer for monotonic time deadline_ns (a deadline
 * in the past fires at once). Replaces an earlier deadline. */
void platform_timer_arm(uint64_t deadline_ns);
void platform_timer_cancel(void);
/* "tsc-deadline" or "lapic-oneshot". */
const char *platform_timer_mode(void);
/* Timer interrupts this CPU has taken. */
uint64_t platform_timer_ticks(void);

/* Interrupts: enable, disable, save-and-disable, restore. */
void platform_irq_enable(void);
void platform_irq_disable(void);
unsigned long platform_irq_save(void);
void platform_irq_restore(unsigned long flags);
/* Enables interrupts and halts until one arrives (atomically: an interrupt
 * between the two is not lost); returns with interrupts disabled. */
void platform_wait_for_interrupt(void);

/* Called for every CPU exception (vectors 0-31) with the faulting context;
 * CR2 (page faults) in *fault_address. Return nonzero when handled (the
 * context resumes with *regs), 0 to let the platform dump the registers and
 * exit with PLATFORM_EXIT_CRASH. Runs on an exception stack, interrupts
 * disabled; a fault inside the hook is fatal. */
void platform_set_exception_hook(int (*hook)(struct platform_regs *regs,
					     uint64_t fault_address));

/* Resumes a context: loads every register of *regs, RFLAGS, RSP and jumps
 * to regs->rip (cs and ss must be those platform_regs_init sets). Call with
 * interrupts disabled; *regs must stay valid until the jump. */
void platform_resume(const struct platform_regs *regs)
	__attribute__((noreturn));
/* Zeroes *regs and sets rip, rsp, ring-0 segments and RFLAGS with
 * interrupts enabled: a context platform_resume can start. */
void platform_regs_init(struct platform_regs *regs, uint64_t rip,
			uint64_t rsp);

/* --- syscalls --- */

/* The SYSCALL instruction (from ring 0, where the Go program runs) enters
 * the hook on this CPU's syscall stack with interrupts disabled; the hook's
 * result lands in RAX, every other register but RCX and R11 is preserved
 * (Linux semantics), and the caller resumes at regs->rip with RFLAGS from
 * regs->rflags, without SYSRET. Without a hook, RAX = -ENOSYS (-38). */
void platform_set_syscall_hook(long (*hook)(struct platform_regs *regs));
/* The stack the next syscall on this CPU enters on (16-byte aligned top);
 * the core sets a per-thread kernel stack here on each thread switch. */
void platform_set_syscall_stack(void *top);

/* --- extended (FPU/SSE/AVX/AVX-512) state --- */

/* Bytes of a per-thread save area (64-byte aligned memory is required). */
size_t platform_xsave_size(void);
/* Which state components are enabled (XCR0); 0x3 when the CPU has FXSAVE
 * only. */
uint64_t platform_xsave_features(void);
/* Fills area with the initial state a new thread starts with (x87 and
 * MXCSR defaults, every vector register zero). */
void platform_xsave_init(void *area);
/* Saves this CPU's extended state into area / loads it back. */
void platform_xsave(void *area);
void platform_xrstor(const void *area);

/* --- per-CPU data --- */

/* This CPU's index (0 for the boot CPU) and CPU count (1 for now). */
unsigned platform_cpu_id(void);
unsigned platform_cpu_count(void);
/* A pointer the core keeps per CPU (reached through GS). */
void *platform_cpu_local(void);
void platform_set_cpu_local(void *p);

/* --- CPU identity and boot timing, for banners and logs --- */
const char *platform_cpu_vendor(void);
/* From the PVH entry's first instruction to platform_main, and from there
 * to kernel_main (the platform's setup), by the TSC. */
void platform_boot_times(uint64_t *entry_to_main_ns, uint64_t *setup_ns);

#endif
