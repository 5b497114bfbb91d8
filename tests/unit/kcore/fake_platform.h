/* A fake platform for host tests of the kernel's core: physical memory is a
 * malloc'd arena, page tables a recorded map, the console a buffer, time a
 * variable the test moves, and threads are ucontext fibers, so the core's
 * real scheduling code runs: a thread that blocks really stops, and the test
 * (the CPU's idle thread) runs until something wakes it.
 *
 * A thread's "program code" is a C function, the rip of its first context:
 *   static void worker(const struct platform_regs *start) { ... }
 * start is that context (rdi = the argument, rax = 0 in a clone child, rsp =
 * its stack pointer). Returning from it ends the thread (thread_exit(0)).
 * cmocka asserts belong on the test's own stack (the idle thread): workers
 * record what they see, the test checks it after fake_run(). */
#ifndef FAKE_PLATFORM_H
#define FAKE_PLATFORM_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform.h"

#define FAKE_MAX_REGIONS 4
#define FAKE_HANG (-1) /* exit status: idle with nothing that could wake it */
/* The one kernel option the fake platform declares (platform_options). */
#define FAKE_OPTION "fake-option"

struct fake_config {
	struct platform_mem_region ram[FAKE_MAX_REGIONS]; /* default: 8 MiB at 1 MiB */
	int ram_count;
	uint64_t image_end;
	uintptr_t vm_start, vm_end; /* default: [4 GiB, 128 TiB - 64 KiB) */
	const char *cmdline;
	size_t xsave_size;          /* default 1024 */
	bool no_random;             /* platform_random fails */
	struct platform_program program;
	unsigned cpus;              /* default 1 */
	/* What platform_fs_archive gives: NULL, the default, for none. */
	const void *fs_archive;
	size_t fs_archive_len;
};

typedef void fake_entry(const struct platform_regs *start);

/* Text the kernel printed: a growing NUL-terminated buffer. */
struct fake_text {
	char *buf;
	size_t len, cap;
};

struct fake {
	struct fake_config cfg;
	uint64_t now_ns, wall_base_ns;
	bool timer_armed;
	uint64_t timer_deadline;
	unsigned timer_arms;
	bool irq_off;
	unsigned violations; /* calls made with the wrong interrupt state */
	/* The console's stdout and stderr streams (the kernel's messages go
	 * to stderr), and the log. */
	struct fake_text console, console_err, log;
	/* The console's input: input[input_pos..input_len) is there to read
	 * (0 at its end), unless input_later (EAGAIN until it is cleared
	 * with fake_console_input). stdout_closed: a write to stdout gets
	 * EPIPE. */
	const char *input;
	size_t input_len, input_pos;
	bool input_later, stdout_closed;
	uint64_t fs_base;
	void *syscall_stack;
	unsigned kicks, xsaves, xrstors;
	unsigned map_calls; /* platform_pages_map calls that mapped */
	const void *last_xsave, *last_xrstor;
	unsigned random_calls;
	bool exited;
	int exit_status;
	bool exit_armed;
	jmp_buf exit_jmp;
	long (*syscall_hook)(struct platform_regs *);
	void (*timer_hook)(struct platform_regs *);
	int (*exception_hook)(struct platform_regs *, uint64_t);
};
extern struct fake fake;

/* Resets the fake (freeing every fiber and page) and applies cfg (NULL:
 * the defaults; zero fields take their default). */
void fake_reset(const struct fake_config *cfg);
/* fake_reset, then kcore_init; returns its status. */
int fake_boot(const struct fake_config *cfg);

/* Sets the file system archive platform_fs_archive gives (data: NULL for
 * none; the caller keeps it alive): after fake_reset, before the core
 * reads it (fake_boot takes one in its config instead). */
void fake_fs_archive(const void *data, size_t len);

/* Clears input_later and tells the core that input came. */
void fake_console_input(void);

/* Runs threads from the idle thread (the test) until none is runnable. */
void fake_run(void);
/* Moves the clocks forward. */
void fake_advance(uint64_t ns);
/* If the timer is armed and due, runs the timer hook as an interrupt of
 * the current context (which may switch away and come back later). */
bool fake_timer_interrupt(void);
/* Advances time to each armed deadline in turn, firing the timer and
 * running threads, until no timer is armed or limit_ns have passed. */
void fake_run_timers(uint64_t limit_ns);

/* A syscall through the platform's syscall hook, with rip as the return
 * address (what a clone child starts at). */
long fake_syscall(long nr, long a0, long a1, long a2, long a3, long a4,
		  long a5);
/* A syscall through the hook with the caller's whole frame (rax = nr,
 * rdi... = arguments, rsp, rip): the frame is left as the platform would
 * return to it (rax = the result), for tests of signal delivery. */
long fake_syscall_frame(struct platform_regs *regs);
long fake_syscall_at(fake_entry *rip, long nr, long a0, long a1, long a2,
		     long a3, long a4, long a5);
/* A page fault through the exception hook; returns the hook's result. */
int fake_page_fault(uintptr_t addr, bool write);

/* A thread running fn(start) with start->rdi = arg. Returns its tid. */
long fake_thread(fake_entry *fn, uint64_t arg);

/* The page map the core built: whether va's page is mapped, and to what. */
bool fake_page(uintptr_t va, uint64_t *pa, unsigned *prot);
size_t fake_page_count(void);
/* A host pointer to program address va (its page must be mapped). */
void *fake_va(uintptr_t va);

/* The console's stdout stream so far, NUL-terminated; occurrences of
 * needle in it; clear empties both streams. */
const char *fake_console(void);
int fake_console_count(const char *needle);
void fake_console_clear(void);
/* The same for the stderr stream: the program's fd 2 and the kernel's own
 * messages (platform_printf, panics). */
const char *fake_stderr(void);
int fake_stderr_count(const char *needle);
/* The same for the kernel's log (platform_log). */
const char *fake_log(void);
int fake_log_count(const char *needle);

/* Runs code and expects it to end the machine: status is the exit status,
 * or FAKE_HANG. Use on the test's stack only. */
#define FAKE_EXPECT_EXIT(code, status_out)                                   \
	do {                                                                 \
		fake.exit_armed = true;                                      \
		if (setjmp(fake.exit_jmp) == 0) {                            \
			code;                                                \
			fake.exit_armed = false;                             \
			fail_msg("expected the machine to exit");            \
		}                                                            \
		fake.exit_armed = false;                                     \
		(status_out) = fake.exit_status;                             \
	} while (0)

#endif
