/* Boot of the core, and the hooks through which the platform enters it:
 * syscalls, the timer, exceptions (page faults). */
#include "boot.h"

#include "cmdline.h"
#include "fs.h"
#include "fd.h"
#include "frame.h"
#include "futex.h"
#include "initstack.h"
#include "kernel.h"
#include "kstring.h"
#include "linux_abi.h"
#include "platform.h"
#include "process.h"
#include "procfs.h"
#include "random.h"
#include "sched.h"
#include "signals.h"
#include "stats.h"
#include "syscalls.h"
#include "thread.h"
#include "timer.h"
#include "vm.h"

#define MAX_REGIONS 64

static char cmdline_text[KCORE_CMDLINE_MAX];
static struct cmdline cmdline;
/* Where cmdline_load left the command line, and which one it read (the
 * platform's text: a fake platform of the unit tests boots many). */
static enum { CMDLINE_PARSED = 1, CMDLINE_TOO_LONG, CMDLINE_BAD } cmdline_state;
static const char *cmdline_error, *cmdline_source;

/* The options the core reads from cmdline.options (env=, stats and trace
 * have fields of their own); the platform lists its own. */
static const char *const core_options[] = {
	"cwd", "exe", "memlog", "nosignals", "notraps", "verbose", NULL,
};

/* "notraps": a trap is a crash naming its function (redirect mode's strict
 * check: everything should enter through a door). */
static bool traps_fatal;

static long syscall_hook(struct platform_regs *regs)
{
	const long args[6] = { (long)regs->rdi, (long)regs->rsi,
			       (long)regs->rdx, (long)regs->r10,
			       (long)regs->r8,  (long)regs->r9 };
	struct thread *cur = sched_current();
	long result;

	stats_trap((long)regs->rax);
	if (traps_fatal) {
		uint64_t off = 0;
		const char *fn = kcore_symbolize(regs->rip, &off);

		PLATFORM_PANIC("notraps: system call %ld trapped at %lx (%s+0x%lx)",
			       (long)regs->rax, (unsigned long)regs->rip,
			       fn ? fn : "?", (unsigned long)off);
	}
	const uint64_t nr = regs->rax;
	bool restartable;

	/* clone copies this frame for the child. */
	cur->syscall_regs = regs;
	cur->call_restartable = false;
	result = kcore_syscall((long)nr, args);
	restartable = cur->call_restartable;
	cur->syscall_regs = NULL;
	/* Back to the program: a pending signal's handler first, with the
	 * syscall's result (or the call made again) saved in its frame. */
	if (restartable || __atomic_load_n(&cur->sigpending, __ATOMIC_RELAXED)) {
		/* Made again: the SYSCALL instruction (2 bytes) with its
		 * number; a restartable call left the frame as it came. */
		const struct signal_restart again = { .rip = regs->rip - 2, .rsp = regs->rsp,
						      .rax = nr, .rbx = regs->rbx,
						      .rcx = regs->rcx };
		regs->rax = (uint64_t)result;
		signal_deliver_pending(cur, regs, restartable ? &again : NULL);
		result = (long)regs->rax;
	}
	return result;
}

static void timer_hook(struct platform_regs *regs)
{
	uint64_t now = platform_monotonic_ns();

	this_cpu()->armed = KCORE_FOREVER; /* the one-shot timer has fired */
	timer_expire(now);
	stats_memlog_tick(now);
	sched_tick(regs, now);
	/* regs now resumes the current thread: in program code unless it is
	 * the idle thread or one blocked inside a syscall. */
	struct thread *t = sched_current();
	if (!t->is_idle && !t->syscall_regs &&
	    __atomic_load_n(&t->sigpending, __ATOMIC_RELAXED))
		signal_deliver_pending(t, regs, NULL);
	timer_rearm();
}

static __attribute__((noreturn)) void out_of_memory(uint64_t addr)
{
	struct kcore_counters c;

	kcore_counters(&c);
	platform_printf("kcore: out of memory: no frame left for the page at "
			"%lx (all %lu frames of 4 KiB are in use); give the "
			"machine more memory\n",
			(unsigned long)addr, (unsigned long)c.frames_total);
	process_exit(KCORE_EXIT_OOM);
}

static int exception_hook(struct platform_regs *regs, uint64_t fault_address)
{
	if (regs->vector == PLATFORM_VECTOR_PAGE_FAULT) {
		switch (vm_fault(fault_address, regs->error & PLATFORM_PF_WRITE)) {
		case VM_FAULT_MAPPED:
			return 1;
		case VM_FAULT_OOM:
			out_of_memory(fault_address);
		case VM_FAULT_BAD:
			break;
		}
	}
	/* A fault in the program's code goes to its handler, as on Linux
	 * (Go turns it into a panic). */
	if (signal_fault(sched_current(), regs, fault_address))
		return 1;
	if (regs->vector == PLATFORM_VECTOR_PAGE_FAULT)
		platform_printf("kcore: thread %ld: %s at %lx, which no mapping "
				"allows\n",
				sched_current()->tid,
				regs->error & PLATFORM_PF_WRITE ? "write" : "read",
				(unsigned long)fault_address);
	return 0;
}

/* "memlog=SECONDS": a whole number from 1 to a day. */
static int memlog_start(void)
{
	const char *v = cmdline_option(&cmdline, "memlog");
	uint64_t seconds = 0;

	if (!v)
		return 0;
	for (const char *p = v; *p; p++) {
		if (*p < '0' || *p > '9' || seconds > 86400) {
			seconds = 0;
			break;
		}
		seconds = seconds * 10 + (uint64_t)(*p - '0');
	}
	if (seconds == 0 || seconds > 86400) {
		platform_printf("kcore: bad command line: memlog=%s: give a "
				"period in whole seconds, 1 to 86400\n", v);
		return -1;
	}
	stats_memlog_start(seconds * 1000000000ull, platform_monotonic_ns());
	return 0;
}

/* Copies the platform's command line and parses it into cmdline; a
 * failure is kept for kcore_init to report. */
static void cmdline_load(void)
{
	const char *raw = platform_cmdline();
	size_t len = kstrlen(raw);

	cmdline_source = raw;
	if (len >= sizeof(cmdline_text)) {
		cmdline_state = CMDLINE_TOO_LONG;
		cmdline = (struct cmdline){ 0 };
		return;
	}
	kmemcpy(cmdline_text, raw, len + 1);
	cmdline_state = cmdline_parse(cmdline_text, &cmdline, &cmdline_error)
				? CMDLINE_BAD
				: CMDLINE_PARSED;
}

/* A decoded word, with bytes outside printable ASCII as \xNN: a message
 * must not carry a terminal's control sequences. */
static void print_word(const char *w)
{
	for (; *w; w++) {
		unsigned char c = (unsigned char)*w;
		if (c >= 0x20 && c < 0x7f)
			platform_printf("%c", c);
		else
			platform_printf("\\x%02x", c);
	}
}

/* "KEY KEY ...": a list of option keys, for the message below. */
static void print_keys(const char *const keys[])
{
	if (!keys[0])
		platform_printf(" (none)");
	for (int i = 0; keys[i]; i++)
		platform_printf(" %s", keys[i]);
}

/* Refuses a command line that does not parse or holds an option nobody
 * reads: a mistyped option would otherwise be ignored without a word. */
static int cmdline_check(void)
{
	if (cmdline_state == CMDLINE_TOO_LONG) {
		platform_printf("kcore: the command line has %lu bytes or "
				"more; at most %d fit\n",
				(unsigned long)kstrlen(platform_cmdline()),
				KCORE_CMDLINE_MAX - 1);
		return KCORE_EXIT_USAGE;
	}
	if (cmdline_state == CMDLINE_BAD) {
		platform_printf("kcore: bad command line: %s\n", cmdline_error);
		return KCORE_EXIT_USAGE;
	}
	const char *unknown = cmdline_unknown_option(&cmdline, core_options,
						     platform_options);
	if (unknown) {
		platform_printf("kcore: bad command line: unknown option '");
		print_word(unknown);
		platform_printf("' (the kernel's: env=NAME=VALUE stats trace");
		print_keys(core_options);
		platform_printf("; the platform's:");
		print_keys(platform_options);
		platform_printf(")\n");
		return KCORE_EXIT_USAGE;
	}
	return 0;
}

static unsigned boots; /* kcore_init calls in this process */

/* The program's path: the option exe=, else its first argument. */
static const char *program_path(void)
{
	const char *exe = cmdline_option(&cmdline, "exe");

	return exe ? exe : cmdline.argv[0];
}

void boot_rezero(void *p, size_t n)
{
	if (boots > 1)
		kmemset(p, 0, n);
}

int kcore_init(void)
{
	struct platform_mem_region regions[MAX_REGIONS];
	uintptr_t vm_start, vm_end;
	int status;

	boots++;
	/* Parsed again even when the platform asked for an option before:
	 * every boot starts from the platform's command line. */
	cmdline_load();
	if ((status = cmdline_check()))
		return status;

	stats_init();
	int count = platform_memory_regions(regions, MAX_REGIONS);
	if (frame_init(regions, count, platform_image_end())) {
		platform_printf("kcore: no usable memory above the image, which "
				"ends at %lx\n",
				(unsigned long)platform_image_end());
		return KCORE_EXIT_OOM;
	}
	if (cmdline_option(&cmdline, "verbose")) {
		struct kcore_counters c;
		kcore_counters(&c);
		platform_log("kcore: %lu frames of 4 KiB free above the image "
			     "(which ends at %lx) in %d RAM regions\n",
			     (unsigned long)c.frames_total,
			     (unsigned long)platform_image_end(), count);
	}
	platform_vm_range(&vm_start, &vm_end);
	vm_init(vm_start, vm_end);
	sched_init();
	sched_cpu_init(platform_cpu_id());
	thread_table_init();
	timer_init();
	futex_init();
	fd_init();
	const char *why;
	if (!fs_init(cmdline_option(&cmdline, "cwd"), &why)) {
		platform_printf("kcore: the file system cannot be built: %s\n", why);
		return KCORE_EXIT_DATA;
	}
	if (!procfs_init(program_path(), cmdline.argv, cmdline.envp)) {
		platform_printf("kcore: the file system cannot be built: no room for /proc\n");
		return KCORE_EXIT_DATA;
	}
	if (cmdline_option(&cmdline, "verbose"))
		platform_log("kcore: file system of %lu files and directories\n",
			     (unsigned long)fs_node_count());
	signals_init(!cmdline_option(&cmdline, "nosignals"));
	traps_fatal = cmdline_option(&cmdline, "notraps");
	process_init(cmdline.stats);
	random_init();
	syscall_init(cmdline.trace);
	if (memlog_start() < 0)
		return KCORE_EXIT_USAGE;
	platform_set_syscall_hook(syscall_hook);
	platform_set_timer_hook(timer_hook);
	platform_set_exception_hook(exception_hook);
	return 0;
}

int kcore_start_program(void)
{
	struct platform_program prog;
	uint8_t random[16];
	size_t size = INITSTACK_PAGES * PAGE_SIZE;

	platform_program(&prog);
	long stack = vm_mmap(0, MAIN_STACK_SIZE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t pa = stack < 0 ? 0 : frame_alloc_contig(INITSTACK_PAGES);
	if (!pa) {
		platform_printf("kcore: out of memory for the first thread's "
				"stack\n");
		return KCORE_EXIT_OOM;
	}
	/* The stack's top is built in frames, then mapped: the program's
	 * range is not the kernel's to write before it is mapped. */
	void *buf = platform_phys_to_virt(pa);
	uintptr_t va = (uintptr_t)stack + MAIN_STACK_SIZE - size;
	random_fill(random, sizeof(random));
	kmemset(buf, 0, size);
	struct initstack_args args = {
		.argc = cmdline.argc, .argv = cmdline.argv,
		.envc = cmdline.envc, .envp = cmdline.envp,
		.phdr = prog.phdr, .entry = prog.entry,
		.phent = prog.phent, .phnum = prog.phnum,
		.hwcap = prog.hwcap, .hwcap2 = prog.hwcap2,
		.random = random,
	};
	uintptr_t sp = initstack_build(buf, va, size, &args);
	if (!sp) {
		platform_printf("kcore: the arguments and environment need "
				"more than %lu bytes of stack\n",
				(unsigned long)size);
		frame_free_contig(pa, INITSTACK_PAGES);
		return KCORE_EXIT_USAGE;
	}
	if (vm_map_frames(va, pa, INITSTACK_PAGES)) {
		platform_printf("kcore: out of memory mapping the first "
				"thread's stack\n");
		return KCORE_EXIT_OOM;
	}
	/* Named, as Linux names a program's first thread, after the last
	 * part of the program's path. */
	const char *name = program_path();
	for (const char *c = name; *c; c++)
		if (*c == '/' && c[1])
			name = c + 1;
	struct kcore_thread_start start = { .rip = prog.entry, .rsp = sp, .name = name };
	long tid = thread_create(&start);
	if (tid < 0) {
		platform_printf("kcore: cannot create the first thread (%ld)\n",
				tid);
		return KCORE_EXIT_OOM;
	}
	return 0;
}

int kernel_main(void)
{
	int status = kcore_init();
	if (!status)
		status = kcore_start_program();
	if (status)
		return status;
	sched_idle_loop();
}

void kcore_cpu_main(unsigned index)
{
	sched_cpu_init(index);
	sched_idle_loop();
}

const char *kcore_option(const char *key)
{
	if (!cmdline_state || cmdline_source != platform_cmdline())
		cmdline_load();
	return cmdline_state == CMDLINE_PARSED ? cmdline_option(&cmdline, key)
					       : NULL;
}
