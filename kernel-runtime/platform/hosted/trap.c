/* Host signals into the kernel, the hosted platform's interrupts and
 * exceptions: SIGSYS from Syscall User Dispatch is the program's syscall,
 * SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGTRAP are CPU exceptions, the timer
 * signal is the timer interrupt (timer.c). Handlers run on this host
 * thread's alternate stack, copy the interrupted context out of the host's
 * ucontext into a struct platform_regs, and leave through hosted_resume
 * (no rt_sigreturn, no host call) to whatever context the core chose.
 *
 * The host loaded a fresh FPU/SIMD state for the handler and saved the
 * interrupted one in its frame: the handler loads it back first, so the
 * registers hold the context's state while the kernel (which never touches
 * them) runs, as on a CPU. Handlers are installed with SA_NODEFER and an
 * empty mask, so that leaving one without rt_sigreturn leaves no host
 * signal blocked; but the timer's: a tick it defers re-arms the host timer
 * 20 us ahead, and on a loaded host that fires before the handler is out,
 * nesting handler in handler until the alternate stack overflows (the
 * host then kills the process with SIGSEGV). Blocked in its own handler,
 * the next tick waits for the rt_sigreturn, or for the unblock of a tick
 * that is taken (interrupts off by then: it is only noted). */
#include "hosted.h"
#include "linux_signal.h"

#define SIGQUIT 3
#define SIGILL  4
#define SIGTRAP 5
#define SIGBUS  7
#define SIGFPE  8
#define SIGSEGV 11
#define SIGPIPE 13
#define SIGSYS  31
#define SIG_IGN 1
#define SIG_UNBLOCK 1
#define SA_SIGINFO  0x00000004
#define SA_RESTORER 0x04000000
#define SA_ONSTACK  0x08000000
#define SA_NODEFER  0x40000000
#define SYS_USER_DISPATCH 2 /* si_code of a dispatched syscall */
#define ENOSYS 38

struct host_sigaction {
	void *handler;
	uint64_t flags;
	void (*restorer)(void);
	uint64_t mask;
};

struct host_stack {
	void *sp;
	int32_t flags, pad;
	uint64_t size;
};

typedef void handler_fn(int, struct linux_siginfo *, struct linux_ucontext *);

static long (*syscall_hook)(struct platform_regs *);
static int (*exception_hook)(struct platform_regs *, uint64_t);
static uint8_t alt_stacks[HOSTED_MAX_CPUS][ALT_STACK_SIZE]
	__attribute__((aligned(16)));

void platform_set_syscall_hook(long (*hook)(struct platform_regs *regs))
{
	syscall_hook = hook;
}

void platform_set_exception_hook(int (*hook)(struct platform_regs *regs,
					     uint64_t fault_address))
{
	exception_hook = hook;
}

/* The interrupted context, from the host's ucontext, with IF as given. */
static void capture(struct platform_regs *r, const struct linux_ucontext *uc,
		    int irq_on)
{
	const struct linux_sigcontext *m = &uc->mcontext;
	struct hosted_cpu *cpu = this_cpu();

	*r = (struct platform_regs){
		.tls_word = cpu->host_fs ? *(uint64_t *)(cpu->host_fs - 8) : 0,
		.r15 = m->r15, .r14 = m->r14, .r13 = m->r13, .r12 = m->r12,
		.r11 = m->r11, .r10 = m->r10, .r9 = m->r9, .r8 = m->r8,
		.rbp = m->rbp, .rdi = m->rdi, .rsi = m->rsi, .rdx = m->rdx,
		.rcx = m->rcx, .rbx = m->rbx, .rax = m->rax,
		.rip = m->rip, .rsp = m->rsp,
		.rflags = (m->rflags & ~(uint64_t)RFLAGS_IF) |
			  (irq_on ? RFLAGS_IF : 0),
		.cs = USER_CS, .ss = USER_SS,
	};
	if (m->fpstate)
		platform_xrstor((const void *)m->fpstate);
}

void hosted_dispatch_syscall(struct platform_regs *regs)
{
	regs->rax = (uint64_t)(syscall_hook ? syscall_hook(regs) : -ENOSYS);
	hosted_resume(regs);
}

/* A SYSCALL the host dispatched although it is not the program's: the
 * vDSO's fallback under the exclusive mode (sud.c). Made for it. */
static void pass_through(struct linux_ucontext *uc)
{
	struct linux_sigcontext *m = &uc->mcontext;

	m->rax = (uint64_t)host_syscall6((long)m->rax, (long)m->rdi,
					 (long)m->rsi, (long)m->rdx,
					 (long)m->r10, (long)m->r8, (long)m->r9);
}

static void on_sigsys(int sig, struct linux_siginfo *info,
		      struct linux_ucontext *uc)
{
	struct hosted_cpu *cpu = this_cpu();

	(void)sig;
	if (info->code != SYS_USER_DISPATCH)
		return; /* sent by a process: no syscall to make */
	if (!hosted_in_program_text(uc->mcontext.rip - 2)) {
		pass_through(uc);
		return;
	}
	cpu->irq_off = 1;
	if (!cpu->kstack)
		PLATFORM_PANIC("a syscall from %lx with no kernel stack",
			       uc->mcontext.rip);
	/* The hook may block: it runs on the thread's own kernel stack,
	 * free while the thread ran program code. */
	struct platform_regs *regs =
		(struct platform_regs *)(cpu->kstack - sizeof(*regs));
	capture(regs, uc, 1);
	regs->vector = PLATFORM_VECTOR_SYSCALL;
	hosted_call_on_stack(regs, hosted_dispatch_syscall);
}

static void on_timer(int sig, struct linux_siginfo *info,
		     struct linux_ucontext *uc)
{
	struct hosted_cpu *cpu = this_cpu();
	uint64_t rip = uc->mcontext.rip;
	int idle = rip >= (uint64_t)hosted_idle_begin &&
		   rip <= (uint64_t)hosted_idle_end;

	(void)sig;
	(void)info;
	/* Kernel code with interrupts off: noted, taken when they come on.
	 * Kernel code with them on is on its way to a context that has
	 * them on (resume, irq_restore) and may be past its last check:
	 * the host timer tries again shortly. */
	if (cpu->irq_off || (!idle && hosted_in_kernel_text(rip))) {
		cpu->pending = 1;
		cpu->deferred++;
		if (!cpu->irq_off)
			hosted_timer_retry();
		return;
	}
	struct platform_regs regs;
	cpu->irq_off = 1;
	/* Leaving without rt_sigreturn: the timer signal comes on again
	 * here, where a tick is only noted (interrupts are off). */
	uint64_t timer_set = 1ull << (HOSTED_TIMER_SIGNAL - 1);
	host_syscall(HOST_rt_sigprocmask, SIG_UNBLOCK, &timer_set, 0, 8);
	capture(&regs, uc, 1);
	/* Not yet asleep: skip the sleep, as HLT would wake at once. */
	if (idle && rip <= (uint64_t)hosted_idle_syscall)
		regs.rip = (uint64_t)hosted_idle_end;
	hosted_timer_fire(&regs);
	hosted_resume(&regs);
}

static void on_fault(int sig, struct linux_siginfo *info,
		     struct linux_ucontext *uc)
{
	struct hosted_cpu *cpu = this_cpu();
	const struct linux_sigcontext *m = &uc->mcontext;

	(void)sig;
	if (info->code <= 0)
		return; /* sent by a process (kill, tgkill): no fault */
	int program = !cpu->irq_off && !hosted_in_kernel_text(m->rip);
	struct platform_regs regs;
	cpu->irq_off = 1;
	capture(&regs, uc, program);
	regs.vector = m->trapno;
	regs.error = m->err;
	uint64_t address = m->trapno == PLATFORM_VECTOR_PAGE_FAULT ? m->cr2
								   : info->u.addr;
	if (cpu->in_exception++) {
		platform_printf("\nrewire: exception %lu while handling an "
				"exception\n", regs.vector);
		hosted_dump(&regs, address);
		platform_exit(PLATFORM_EXIT_CRASH);
	}
	if (exception_hook && exception_hook(&regs, address)) {
		cpu->in_exception--;
		hosted_resume(&regs);
	}
	hosted_dump(&regs, address);
	platform_exit(PLATFORM_EXIT_CRASH);
}

/* SIGQUIT from outside (rewire run's watchdog, or a user): where the CPU
 * was, Go's or the kernel's code, named, in the kernel's log (stderr
 * unless REWIRE_LOG_FD says otherwise); then the process ends with the
 * status of a SIGQUIT, without the host's core dump. */
static void on_quit(int sig, struct linux_siginfo *info,
		    struct linux_ucontext *uc)
{
	struct hosted_cpu *cpu = this_cpu();
	uint64_t rip = uc->mcontext.rip;
	int program = !cpu->irq_off && !hosted_in_kernel_text(rip);
	struct platform_regs regs;

	(void)info;
	cpu->irq_off = 1;
	capture(&regs, uc, program);
	platform_log("rewire: quit: SIGQUIT on cpu %u in %s code; the "
		     "context then:\n", cpu->id,
		     program ? "the program's" : "the kernel's");
	context_dump(&regs, 0, hosted_page_readable, platform_log);
	platform_exit(128 + sig);
}

void hosted_dump(const struct platform_regs *r, uint64_t fault_address)
{
	crash_dump(r, fault_address, hosted_page_readable);
}

static void handle(int sig, handler_fn *fn, uint64_t nodefer)
{
	struct host_sigaction sa = {
		.handler = (void *)fn,
		.flags = SA_SIGINFO | SA_ONSTACK | SA_RESTORER | nodefer,
		.restorer = hosted_sigreturn,
	};
	long err = host_syscall(HOST_rt_sigaction, sig, &sa, 0, 8);
	if (err)
		hosted_fatal("rt_sigaction", err);
}

void hosted_signals_init(void)
{
	static const int faults[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP };
	uint64_t unblock = 1ull << (SIGSYS - 1) | 1ull << (SIGQUIT - 1) |
			   1ull << (HOSTED_TIMER_SIGNAL - 1);

	for (unsigned i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		handle(faults[i], on_fault, SA_NODEFER);
		unblock |= 1ull << (faults[i] - 1);
	}
	handle(SIGSYS, on_sigsys, SA_NODEFER);
	handle(HOSTED_TIMER_SIGNAL, on_timer, 0);
	handle(SIGQUIT, on_quit, SA_NODEFER);
	/* A write to a closed pipe gets EPIPE, not the host's SIGPIPE. */
	struct host_sigaction ignore = { .handler = (void *)SIG_IGN };
	host_syscall(HOST_rt_sigaction, SIGPIPE, &ignore, 0, 8);
	/* The parent may have left some blocked. */
	host_syscall(HOST_rt_sigprocmask, SIG_UNBLOCK, &unblock, 0, 8);
}

void hosted_signals_cpu_init(struct hosted_cpu *cpu)
{
	struct host_stack ss = {
		.sp = alt_stacks[cpu->id], .size = ALT_STACK_SIZE,
	};
	long err = host_syscall(HOST_sigaltstack, &ss, 0);
	if (err)
		hosted_fatal("sigaltstack", err);
}
