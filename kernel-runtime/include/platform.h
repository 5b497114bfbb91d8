/*
 * The contract between the kernel's core and a platform (platform/kvm/ now,
 * platform/hosted/ later): what each platform provides, and the few core
 * functions a platform calls. The core includes nothing else of a platform.
 *
 * Boot: the platform starts the boot CPU, sets up everything below, then
 * calls kernel_main() with interrupts disabled. kernel_main parses the
 * command line, takes over memory, starts the Go program and never returns
 * unless booting fails (its return value is then the exit status).
 *
 * Unless a call says otherwise it may be made from any context, including a
 * hook, and it never blocks. Platform code never touches SSE/AVX registers,
 * and the core is built with -mgeneral-regs-only: a syscall or interrupt
 * leaves the program's vector state alone, and the core saves it (xsave)
 * only when it switches threads.
 *
 * Everything runs in ring 0 and one address space: the program's
 * contexts and the kernel's are the same kind of struct platform_regs.
 * The core runs with interrupts disabled (hooks, syscalls, its idle loop)
 * except inside platform_wait_for_interrupt; only functions it offers to
 * redirect mode (kernel.h) may be entered with them enabled.
 */
#ifndef REWIRE_PLATFORM_H
#define REWIRE_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit status of a crash (unhandled exception) or a kernel panic. */
#define PLATFORM_EXIT_CRASH 70 /* EX_SOFTWARE */

/* A CPU context: one interrupted by an exception, an interrupt or a
 * syscall, one saved by platform_switch, or a new one from
 * platform_regs_init. Hooks may change any field: the context resumes with
 * the new values (for a syscall, rax is overwritten by the hook's result). */
struct platform_regs {
	/* Kept with the context for a platform that needs it (0 otherwise):
	 * hosted keeps here the program's TLS word at FS:-8, Go's g, as its
	 * FS base is shared by the contexts of a CPU. The second word keeps
	 * the frame a multiple of 16 bytes for the entry paths' stacks. */
	uint64_t tls_word, reserved;
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector; /* 0-31 exceptions, PLATFORM_VECTOR_* otherwise */
	uint64_t error;  /* the CPU's error code, 0 when it pushes none */
	uint64_t rip, cs, rflags, rsp, ss;
};

#define PLATFORM_VECTOR_PAGE_FAULT 14
#define PLATFORM_VECTOR_TIMER      32
#define PLATFORM_VECTOR_SPURIOUS   255
#define PLATFORM_VECTOR_SYSCALL    256 /* not a CPU vector: a syscall frame */
/* Set by a syscall hook that rewrote its whole frame (returning from a
 * signal handler): the platform then restores every register as it was
 * saved, RCX and R11 included, which a syscall return otherwise clobbers. */
#define PLATFORM_VECTOR_SYSCALL_RESTORE 257

/* Page fault error code bits (regs->error for vector 14). */
#define PLATFORM_PF_PRESENT 0x1 /* the page was present: a protection fault */
#define PLATFORM_PF_WRITE   0x2

/* Page protections: the Linux PROT_* values. */
#define PLATFORM_PROT_READ  0x1
#define PLATFORM_PROT_WRITE 0x2
#define PLATFORM_PROT_EXEC  0x4

/* Provided by the core: the boot CPU's entry into the kernel. */
int kernel_main(void);

/* ---------------------------------------------------------------------
 * Provided by every platform
 * --------------------------------------------------------------------- */

/* --- console and exit --- */

/* The console's two output streams. The program's fds 1 and 2 start on
 * them (fd 0 reads the console's input, platform_console_read; what is
 * written to it goes to stdout), and the kernel's fatal messages
 * (platform_printf) go to stderr, so that the program's stdout holds only
 * what it wrote to stdout. */
enum platform_stream {
	PLATFORM_STDOUT = 1,
	PLATFORM_STDERR = 2,
};

/* Writes len bytes to stream, unchanged (no \n -> \r\n), after everything
 * written to that stream before; nothing is dropped (a slow reader slows
 * the writer down). The two streams stay apart wherever the host can keep
 * them apart (kvm: COM1 and COM2; hosted: the process's fds 1 and 2);
 * where it cannot, both land on the one console there is. The core
 * serializes the program's writes (console_write); this call itself need
 * not lock. Returns len, or a negative errno when the stream is gone
 * (-32, EPIPE: its reader closed it; the core raises SIGPIPE then). */
long platform_console_write(enum platform_stream stream, const char *buf,
			    size_t len);

/* Reads up to len bytes of the console's input (the program's stdin)
 * without blocking: the count, 0 at its end, or -11 (EAGAIN) when none is
 * there yet; then, once some is (or its end), the platform calls
 * kcore_console_input(), from a context with interrupts disabled. Other
 * negative errnos are the input's errors. A platform without console
 * input returns 0. */
long platform_console_read(void *buf, size_t len);

/* The kernel's fatal messages, formatted, on the console's stderr stream:
 * crash dumps, panics, out of memory, a refused command line: what ends
 * the program, shown where its own error output goes. Formats: %s %c %d
 * %u %x %p and %%, with l/ll and a zero-padded width (%016lx). One call's
 * output is not interleaved with another CPU's. Never for diagnostics the
 * program did not die of: those are platform_log's. */
void platform_printf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* The kernel's log, apart from both console streams: counters, traces,
 * warnings (the platform keeps it where a user finds it after the run: on
 * kvm, QEMU's debug console, which `rewire run` prints on stderr when the
 * VM ends, or writes to its --log file). Quiet unless asked: a normal boot
 * logs nothing but warnings; what the command line asks for (stats, trace,
 * memlog=) and, with the option verbose (kcore_option("verbose")), what
 * the platform found at boot (clock calibration and the like). Same
 * formats as platform_printf. */
void platform_log(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Ends the machine with status (0-255). Never returns. */
void platform_exit(int status) __attribute__((noreturn));

/* Ends the machine as a process that signal sig killed (its default
 * action): hosted dies of that signal in the host (never with a core
 * dump); kvm exits with 128 + sig, as a shell reports such a death. */
void platform_exit_signal(int sig) __attribute__((noreturn));

/* Prints "panic: file:line: message" (on stderr, as platform_printf) and
 * exits with PLATFORM_EXIT_CRASH:
 * for broken invariants of the kernel, never for the program's mistakes. */
void platform_panic(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));
#define PLATFORM_PANIC(...) platform_panic(__FILE__, __LINE__, __VA_ARGS__)

/* --- boot information --- */

/* The raw kernel command line, "" when there is none (format: kernel.h). */
const char *platform_cmdline(void);

/* The kernel options the platform reads itself (kcore_option), by KEY: a
 * NULL-terminated list, which may be empty. The core knows its own
 * (kernel.h) and refuses at boot, with KCORE_EXIT_USAGE and a message
 * naming it, any option in neither list: a mistyped option must not be
 * ignored silently. The core never names a platform's options itself. */
extern const char *const platform_options[];

/* Usable RAM: fills up to max regions (sorted by base) and returns the
 * count. May include the memory of the loaded image: the core never hands
 * out a frame below platform_image_end(). */
struct platform_mem_region {
	uint64_t base, size;
};
int platform_memory_regions(struct platform_mem_region *out, int max);
/* First byte after the loaded image (all segments, .bss included, and
 * whatever the platform allocated statically: page tables, stacks). */
uint64_t platform_image_end(void);

/* The kernel's view of physical memory: a pointer through which the core
 * reads and writes physical address pa (a direct or identity map). */
void *platform_phys_to_virt(uint64_t pa);

/* Fills count frames from pa with zeros: through the direct map, or in a
 * cheaper way the platform has (hosted gives the pages back to the host,
 * which hands out zeroed ones when they are mapped next). */
void platform_frames_zero(uint64_t pa, size_t count);

/* The virtual range [*start, *end) the program's mappings may use: page
 * aligned, mapped by nothing else (not the image, not the direct map). */
void platform_vm_range(uintptr_t *start, uintptr_t *end);

/* The file system archive the platform was given (cpio newc, the format
 * of Linux's initramfs: on kvm QEMU's -initrd, on hosted the descriptor
 * REWIRE_FS_FD names), readable in place for the kernel's lifetime at
 * *data in the kernel's view, *len bytes; its memory is never handed out
 * as frames. false when there is none (the file system is then the
 * kernel's built-in files alone). */
bool platform_fs_archive(const void **data, size_t *len);

/* What the Go program's auxiliary vector needs. */
struct platform_program {
	uint64_t entry;         /* ELF e_entry */
	uint64_t phdr;          /* address of the program headers in memory */
	uint32_t phent, phnum;  /* their entry size and count */
	uint64_t hwcap, hwcap2; /* AT_HWCAP (CPUID.1:EDX on x86-64), AT_HWCAP2 */
};
void platform_program(struct platform_program *out);

/* --- time --- */

/* Nanoseconds since boot: monotonic, never goes back on one CPU. */
uint64_t platform_monotonic_ns(void);
/* Nanoseconds since the Unix epoch (boot wall time + monotonic). */
uint64_t platform_wall_ns(void);

/* --- timer and interrupts --- */

/* Called on every timer interrupt, on an interrupt stack, interrupts
 * disabled, after the interrupt was acknowledged. It may rewrite *regs to
 * resume another context (that is how the core preempts). */
void platform_set_timer_hook(void (*hook)(struct platform_regs *regs));
/* Arms this CPU's one-shot timer for monotonic time deadline_ns (a deadline
 * in the past fires at once). Replaces an earlier deadline. */
void platform_timer_arm(uint64_t deadline_ns);
void platform_timer_cancel(void);

/* Save-and-disable and restore this CPU's interrupt flag. */
unsigned long platform_irq_save(void);
void platform_irq_restore(unsigned long flags);
/* Enables interrupts and halts until one arrives (atomically: an interrupt
 * between the two is not lost); returns with interrupts disabled. */
void platform_wait_for_interrupt(void);
/* A spin-wait hint (PAUSE on x86). */
void platform_cpu_relax(void);

/* Called for every CPU exception (vectors 0-31) with the faulting context;
 * the faulting address (CR2) in fault_address. Return nonzero when handled
 * (the context resumes with *regs), 0 to let the platform dump the
 * registers and exit with PLATFORM_EXIT_CRASH. Runs on an exception stack,
 * interrupts disabled. */
void platform_set_exception_hook(int (*hook)(struct platform_regs *regs,
					     uint64_t fault_address));

/* --- contexts --- */

/* Whether regs (an exception's context) is the program's code, not the
 * kernel's: only then does a fault become a signal for the program. */
bool platform_regs_in_program(const struct platform_regs *regs);

/* The program's GS base, for arch_prctl's ARCH_SET_GS (set) and
 * ARCH_GET_GS: 0, or -1 (EPERM) where the platform keeps GS for itself
 * (kvm and hosted both do: it holds their per-CPU data). */
int platform_program_gs_base(bool set, uint64_t *base);

/* Zeroes *regs and sets rip, rsp, the segments and RFLAGS with interrupts
 * enabled: a new thread's first context, for platform_switch or a hook.
 * The program's contexts always have RFLAGS.IF set (the core keeps it so
 * in those it makes for signal handlers); the kernel's may not. */
void platform_regs_init(struct platform_regs *regs, uint64_t rip,
			uint64_t rsp);
/* Saves the current context into *save, such that resuming *save returns
 * from this call; then, once it no longer uses the current stack, stores 0
 * into *released (release ordering; skipped when NULL); then resumes *to.
 * Call with interrupts disabled. The core's thread switch. *save is a
 * whole context (rip, rsp, rflags, cs, ss included): the core may also
 * resume it later by copying it into the timer hook's *regs, and *to may
 * be any context: saved here, taken from a timer hook, or new. */
void platform_switch(struct platform_regs *save, const struct platform_regs *to,
		     int *released);

/* --- syscalls --- */

/* The SYSCALL instruction enters the hook with interrupts disabled, on the
 * stack set by platform_set_syscall_stack; the hook's result lands in RAX,
 * every other register but RCX and R11 is preserved (Linux semantics), and
 * the caller resumes at regs->rip. A hook may block: it runs on the
 * calling thread's own kernel stack. */
void platform_set_syscall_hook(long (*hook)(struct platform_regs *regs));
/* The stack the next syscall on this CPU enters on (16-byte aligned top);
 * the core sets the incoming thread's kernel stack at each switch. */
void platform_set_syscall_stack(void *top);

/* --- per-thread CPU state --- */

/* Bytes of a per-thread save area for the FPU/SSE/AVX state (the core
 * gives 64-byte aligned memory). */
size_t platform_xsave_size(void);
/* Fills area with the state a new thread starts with. */
void platform_xsave_init(void *area);
/* Saves this CPU's extended state into area / loads it back. */
void platform_xsave(void *area);
void platform_xrstor(const void *area);
/* Sets the FS base (the running thread's TLS pointer). */
void platform_set_fs_base(uint64_t base);

/* --- per-CPU data --- */

/* This CPU's index (0 for the boot CPU) and the CPU count. */
unsigned platform_cpu_id(void);
unsigned platform_cpu_count(void);
/* A pointer the core keeps per CPU (GS-relative on kvm). */
void *platform_cpu_local(void);
void platform_set_cpu_local(void *p);
/* Makes CPU cpu run its timer hook soon (an IPI): a thread was queued
 * there. Never called for the calling CPU; a no-op with one CPU. */
void platform_cpu_kick(unsigned cpu);

/* --- paging of the program's range (platform_vm_range) --- */

/* Maps the count 4 KiB pages from va to the frames from pa (page i to
 * frame pa + i * 4 KiB) with prot (PLATFORM_PROT_*). Returns 0; -17
 * (EEXIST) when one of the pages is already mapped; -12 (ENOMEM) when no
 * frame for a page table was left. On failure no page was mapped. */
int platform_pages_map(uintptr_t va, uint64_t pa, size_t count, unsigned prot);
/* Unmaps every mapped page in [start, end), calling release(pa, arg) for
 * each frame it unmapped; walks only the page tables that exist. The
 * change is visible on every CPU when it returns. */
void platform_pages_unmap(uintptr_t start, uintptr_t end,
			  void (*release)(uint64_t pa, void *arg), void *arg);
/* Changes the protection of every mapped page in [start, end). A page
 * keeps its frame under PROT_NONE (prot 0) and gets access back with a
 * later call. Visible on every CPU when it returns. */
void platform_pages_protect(uintptr_t start, uintptr_t end, unsigned prot);

/* --- memory and string functions --- */

/* memcpy, memmove, memset and memcmp with their C semantics: GCC may call
 * them even from freestanding code, and the core does not define them. */

/* --- randomness --- */

/* Fills buf from the CPU's random number generator (RDSEED, else RDRAND).
 * Returns 0, or -1 when the CPU has none (the core then falls back to a
 * clock-seeded generator and says so once). */
int platform_random(void *buf, size_t len);

/* ---------------------------------------------------------------------
 * Provided by the core, for the platform
 * --------------------------------------------------------------------- */

/* The physical frame allocator; page tables come from it. frame_alloc
 * returns a frame's physical address (4 KiB aligned, contents undefined)
 * or 0 when memory is exhausted (frame 0 is never handed out). */
uint64_t frame_alloc(void);
void frame_free(uint64_t pa);

/* Redirect mode: the call of Go runtime leaf id (kcore_leaves.h) whose
 * entry jumped to the platform's door kcore_door_NAME. regs is the leaf's
 * caller's context as the leaf's RET would leave it (rip its return
 * address, rsp above it, every other register as at the jump); the core
 * does what the leaf does, stores its results (ABI0: the caller's frame at
 * rsp; ABIInternal: regs), may block and switch threads, and may rewrite
 * regs to deliver a signal. The door then resumes regs, every register as
 * it is there. Entered on the thread's kernel stack with interrupts
 * disabled, like the syscall hook. */
long kcore_redirect(struct platform_regs *regs, unsigned id);

/* Console input arrived after platform_console_read said -EAGAIN: the
 * readers waiting for it try again. Interrupts disabled; any context. */
void kcore_console_input(void);

/* Another CPU's entry: call on CPU index (1..count-1) with interrupts
 * disabled, once it can take interrupts; never returns. */
void kcore_cpu_main(unsigned index) __attribute__((noreturn));

/* The value of kernel option key (the format is in kernel.h; env=, stats
 * and trace are not options in this sense): "" for a bare KEY, the decoded
 * VALUE of KEY=VALUE, NULL when absent. The core parses the command line
 * on first use, so a platform may ask during its setup, before
 * kernel_main; NULL too when the command line does not parse (kernel_main
 * then refuses it). */
const char *kcore_option(const char *key);

/* The function holding code address addr (Go's or the kernel's), from the
 * table `rewire image` writes (ksyms.h); *offset is addr's distance from
 * its start. NULL when the image has no table or no function holds addr.
 * Safe in a crash: it only reads. */
const char *kcore_symbolize(uint64_t addr, uint64_t *offset);

#endif
