/* Signals: handlers (process-wide), masks, alternate stacks and pending
 * sets (per thread), and delivery to the program's handlers through the
 * frame Linux builds on x86-64, so that Go's runtime sees what it sees on
 * Linux: faults in its code become panics, tgkill(SIGURG) preempts a
 * goroutine. A signal without a handler takes Linux's default action when
 * delivered: the ones that kill end the program (process_exit_signal), the
 * others are dropped. */
#include "signals.h"

#include "kernel.h"
#include "kstring.h"
#include "linux_abi.h"
#include "linux_signal.h"
#include "platform.h"
#include "process.h"
#include "sched.h"
#include "spinlock.h"
#include "stats.h"
#include "user.h"
#include "vm.h"

static struct spinlock signal_lock = SPINLOCK_INIT("signals");
static struct ksigaction actions[KSIG_MAX + 1];
static bool delivery;

#define UNBLOCKABLE ((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)))
#define BIT(sig) (1ull << ((sig) - 1))

/* Linux's signal frame on x86-64: the handler starts with RSP at
 * restorer (its return address), RDI = signo, RSI = &info, RDX = &uc. */
struct ksigframe {
	uint64_t restorer;
	struct linux_ucontext uc;
	struct linux_siginfo info;
};

#define RFLAGS_IF 0x200ull
#define RFLAGS_TF 0x100ull
#define RFLAGS_DF 0x400ull
/* What a handler may change in the context it returns to: the status
 * flags and DF (Linux's FIX_EFLAGS less TF, AC and RF). */
#define RFLAGS_RESTORED 0xcd5ull

void signals_init(bool deliver)
{
	spin_init(&signal_lock, "signals");
	kmemset(actions, 0, sizeof(actions));
	delivery = deliver;
}

long signal_action(int sig, const struct ksigaction *act,
		   struct ksigaction *old, size_t sigset_size)
{
	if (sigset_size != sizeof(uint64_t) || sig < 1 || sig > KSIG_MAX)
		return -EINVAL;
	if (act && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	struct ksigaction copy = act ? *act : (struct ksigaction){ 0 };
	unsigned long flags = spin_lock(&signal_lock);
	if (old)
		*old = actions[sig];
	if (act) {
		copy.mask &= ~UNBLOCKABLE;
		actions[sig] = copy;
	}
	spin_unlock(&signal_lock, flags);
	return 0;
}

long signal_mask(int how, const uint64_t *set, uint64_t *old,
		 size_t sigset_size)
{
	struct thread *cur = sched_current();

	if (sigset_size != sizeof(uint64_t))
		return -EINVAL;
	if (set && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
		return -EINVAL;
	if (old)
		*old = cur->sigmask;
	if (!set)
		return 0;
	switch (how) {
	case SIG_BLOCK:
		cur->sigmask |= *set;
		break;
	case SIG_UNBLOCK:
		cur->sigmask &= ~*set;
		break;
	default:
		cur->sigmask = *set;
		break;
	}
	cur->sigmask &= ~UNBLOCKABLE;
	return 0;
}

long signal_altstack(const void *ss, void *old)
{
	struct thread *cur = sched_current();
	struct linux_stack next;

	if (ss) {
		kmemcpy(&next, ss, sizeof(next));
		uint32_t mode = (uint32_t)next.flags & ~SS_AUTODISARM;
		if (mode != 0 && mode != SS_DISABLE)
			return -EINVAL;
		if (mode == 0 && next.size < MINSIGSTKSZ)
			return -ENOMEM;
		if (mode == SS_DISABLE)
			next = (struct linux_stack){ .flags = SS_DISABLE };
	}
	if (old)
		kmemcpy(old, &cur->altstack, sizeof(cur->altstack));
	if (ss)
		cur->altstack = next;
	return 0;
}

long signal_send(long tid, int sig)
{
	if (sig < 0 || sig > KSIG_MAX)
		return -EINVAL;
	if (sig == 0) /* only checks that the target exists */
		return tid == 0 || thread_exists(tid) ? 0 : -ESRCH;
	if (tid) {
		if (!thread_signal(tid, sig))
			return -ESRCH;
	} else {
		/* kill: the process exists; its caller, one of its threads,
		 * takes the signal, as Linux may choose. */
		struct thread *cur = sched_current();
		if (cur)
			thread_signal(cur->tid, sig);
	}
	stats_signal(sig);
	return 0;
}

/* Whether Linux's default action for sig ends the process (terminate, or
 * terminate with a core dump). The rest (CHLD, CONT, URG, WINCH, the stop
 * signals) are ignored here: there is no job control to stop for. */
static bool kills_by_default(int sig)
{
	switch (sig) {
	case SIGCHLD:
	case SIGCONT:
	case SIGSTOP:
	case SIGTSTP:
	case SIGTTIN:
	case SIGTTOU:
	case SIGURG:
	case SIGWINCH:
		return false;
	default:
		return sig >= 1 && sig <= 31;
	}
}

static struct ksigaction action_of(int sig)
{
	unsigned long flags = spin_lock(&signal_lock);
	struct ksigaction a = actions[sig];
	if (a.handler > SIG_IGN && (a.flags & SA_RESETHAND))
		actions[sig].handler = SIG_DFL;
	spin_unlock(&signal_lock, flags);
	return a;
}

/* The frame's place: below the interrupted RSP (past a red zone), or at
 * the top of the alternate stack when the handler asks for it and the
 * thread is not on it already. 64-byte aligned fpstate, then the frame
 * with RSP + 8 16-byte aligned, as after a call. */
static uintptr_t frame_place(const struct thread *t, const struct ksigaction *a,
			     uint64_t rsp, uintptr_t *fpstate)
{
	const struct linux_stack *alt = &t->altstack;
	uintptr_t sp = rsp - 128;

	if ((a->flags & SA_ONSTACK) && !(alt->flags & SS_DISABLE) &&
	    !(rsp > alt->sp && rsp <= alt->sp + alt->size))
		sp = alt->sp + alt->size;
	sp = (sp - platform_xsave_size()) & ~63ull;
	*fpstate = sp;
	return ((sp - sizeof(struct ksigframe)) & ~15ull) - 8;
}

/* Whether the kernel may write [lo, hi) of the program's memory without
 * taking a page fault (the fault path runs inside an exception). */
static bool prefault(uintptr_t lo, uintptr_t hi)
{
	for (uintptr_t p = lo & ~(uintptr_t)(PAGE_SIZE - 1); p < hi; p += PAGE_SIZE)
		if (vm_fault(p, true) != VM_FAULT_MAPPED)
			return false;
	return true;
}

/* Saves the context of regs (and the live FPU/SIMD state) in a frame and
 * points regs at the handler of sig. False when the frame cannot be
 * written (no room: the caller treats the signal as unhandled). */
static bool deliver(struct thread *t, struct platform_regs *regs, int sig,
		    const struct ksigaction *a, const struct linux_siginfo *info,
		    bool in_exception)
{
	uintptr_t fpstate, at = frame_place(t, a, regs->rsp, &fpstate);
	struct ksigframe *f = (struct ksigframe *)at;

	if (!user_ok(f, fpstate + platform_xsave_size() - at) ||
	    (in_exception && !prefault(at, fpstate + platform_xsave_size())))
		return false;
	/* XSAVE leaves most of the area's header as it finds it, and XRSTOR
	 * faults on a header that is not zero there: start from zeros, as
	 * Linux does. */
	kmemset((void *)fpstate, 0, platform_xsave_size());
	platform_xsave((void *)fpstate);
	kmemset(f, 0, sizeof(*f));
	f->restorer = a->restorer;
	f->uc.stack = t->altstack;
	f->uc.sigmask = t->sigmask;
	struct linux_sigcontext *m = &f->uc.mcontext;
	m->r8 = regs->r8, m->r9 = regs->r9, m->r10 = regs->r10;
	m->r11 = regs->r11, m->r12 = regs->r12, m->r13 = regs->r13;
	m->r14 = regs->r14, m->r15 = regs->r15, m->rdi = regs->rdi;
	m->rsi = regs->rsi, m->rbp = regs->rbp, m->rbx = regs->rbx;
	m->rdx = regs->rdx, m->rax = regs->rax, m->rcx = regs->rcx;
	m->rsp = regs->rsp, m->rip = regs->rip, m->rflags = regs->rflags;
	m->cs = (uint16_t)regs->cs, m->ss = (uint16_t)regs->ss;
	m->err = regs->error;
	m->trapno = regs->vector < 32 ? regs->vector : 0;
	m->cr2 = info->code > 0 && sig == SIGSEGV ? info->u.addr : 0;
	m->oldmask = t->sigmask;
	m->fpstate = fpstate;
	f->info = *info;

	t->sigmask |= a->mask | ((a->flags & SA_NODEFER) ? 0 : BIT(sig));
	t->sigmask &= ~UNBLOCKABLE;
	regs->rip = a->handler;
	regs->rsp = at;
	regs->rdi = (uint64_t)sig;
	regs->rsi = (uint64_t)&f->info;
	regs->rdx = (uint64_t)&f->uc;
	regs->rax = 0;
	regs->rflags = (regs->rflags & ~(RFLAGS_TF | RFLAGS_DF)) | RFLAGS_IF;
	stats_signal_delivered();
	return true;
}

/* Whether rsp is on t's kernel stack: regs is then kernel code, not the
 * program's. The platform's syscall return restores RFLAGS (interrupts
 * on) a few instructions before it leaves that stack, and a timer tick can
 * land in between. A frame saved there would have the handler's
 * rt_sigreturn resume kernel code on a stack the handler's own syscalls
 * have overwritten (Go then runs on a kernel stack: "split stack
 * overflow", or faults). The signal stays pending until the next syscall
 * end or tick. */
static bool on_kernel_stack(const struct thread *t, uint64_t rsp)
{
	uintptr_t top = (uintptr_t)t->kstack_top;

	return top && rsp <= top && rsp >= top - KSTACK_PAGES * PAGE_SIZE;
}

bool signal_interrupts(struct thread *t)
{
	uint64_t ready = __atomic_load_n(&t->sigpending, __ATOMIC_ACQUIRE) &
			 ~t->sigmask;

	bool interrupts = false;

	if (!delivery || !ready)
		return false;
	unsigned long flags = spin_lock(&signal_lock);
	for (int sig = 1; ready && !interrupts; sig++, ready >>= 1) {
		uint64_t handler = actions[sig].handler;
		interrupts = (ready & 1) && (handler > SIG_IGN ||
					     (handler == SIG_DFL && kills_by_default(sig)));
	}
	spin_unlock(&signal_lock, flags);
	return interrupts;
}

static void restart_call(struct platform_regs *regs, const struct signal_restart *r)
{
	regs->rip = r->rip;
	regs->rsp = r->rsp;
	regs->rax = r->rax;
	regs->rbx = r->rbx;
	regs->rcx = r->rcx;
}

void signal_deliver_pending(struct thread *t, struct platform_regs *regs,
			    const struct signal_restart *restart)
{
	if (on_kernel_stack(t, regs->rsp))
		return;
	for (;;) {
		uint64_t ready = __atomic_load_n(&t->sigpending, __ATOMIC_ACQUIRE) &
				 ~t->sigmask;
		if (!delivery || !ready)
			break;
		int sig = __builtin_ctzll(ready) + 1;
		__atomic_fetch_and(&t->sigpending, ~BIT(sig), __ATOMIC_ACQ_REL);
		struct ksigaction a = action_of(sig);
		if (a.handler == SIG_DFL && kills_by_default(sig))
			process_exit_signal(sig);
		if (a.handler <= SIG_IGN)
			continue; /* counted when sent */
		struct linux_siginfo info = { .signo = sig, .code = SI_TKILL };
		info.u.kill.pid = KCORE_PID;
		/* The frame saves the call made again, or its -EINTR. */
		if (restart && (a.flags & SA_RESTART))
			restart_call(regs, restart);
		if (deliver(t, regs, sig, &a, &info, false))
			return;
	}
	/* No handler ran: the call is made again, as if never interrupted. */
	if (restart)
		restart_call(regs, restart);
}

int signal_of_exception(const struct platform_regs *regs, uint64_t fault_address,
			struct linux_siginfo *info)
{
	int sig;

	*info = (struct linux_siginfo){ 0 };
	switch (regs->vector) {
	case PLATFORM_VECTOR_PAGE_FAULT:
		sig = SIGSEGV;
		info->code = regs->error & PLATFORM_PF_PRESENT ? SEGV_ACCERR
							      : SEGV_MAPERR;
		info->u.addr = fault_address;
		break;
	/* As Linux's x86 traps.c maps them: the signal, its si_code, and
	 * si_addr the faulting instruction where Linux says so. */
	case 0: /* #DE */
		sig = SIGFPE;
		info->code = FPE_INTDIV;
		info->u.addr = regs->rip;
		break;
	case 1: /* #DB: a single step or a hardware breakpoint */
		sig = SIGTRAP;
		info->code = TRAP_TRACE;
		info->u.addr = regs->rip;
		break;
	case 3: /* #BP: INT3, RIP past it (Go's debug-call protocol uses it) */
		sig = SIGTRAP;
		info->code = SI_KERNEL;
		break;
	case 4: /* #OF: INTO (no 64-bit code can execute it) */
	case 5: /* #BR: BOUND, likewise */
	case 11: /* #NP */
	case 13: /* #GP */
		sig = SIGSEGV;
		info->code = SI_KERNEL;
		break;
	case 6: /* #UD */
		sig = SIGILL;
		info->code = ILL_ILLOPN;
		info->u.addr = regs->rip;
		break;
	case 12: /* #SS: a stack segment fault */
		sig = SIGBUS;
		info->code = SI_KERNEL;
		break;
	case 16: /* #MF: an x87 exception (which one is not decoded) */
	case 19: /* #XM: an SSE exception, likewise */
		sig = SIGFPE;
		info->code = FPE_FLTINV;
		info->u.addr = regs->rip;
		break;
	case 17: /* #AC: an unaligned access with alignment checks on */
		sig = SIGBUS;
		info->code = BUS_ADRALN;
		info->u.addr = regs->rip;
		break;
	default:
		return 0;
	}
	info->signo = sig;
	return sig;
}

bool signal_fault(struct thread *t, struct platform_regs *regs,
		  uint64_t fault_address)
{
	struct linux_siginfo info;
	int sig;

	/* A fault in kernel code (or one in a syscall) is the kernel's. */
	if (!delivery || !platform_regs_in_program(regs) || t->syscall_regs ||
	    t->is_idle)
		return false;
	if (!(sig = signal_of_exception(regs, fault_address, &info)))
		return false;
	/* Blocked or without a handler, a fault ends the program (Linux
	 * would kill it with the signal): the caller prints the dump. */
	if (t->sigmask & BIT(sig))
		return false;
	struct ksigaction a = action_of(sig);
	if (a.handler <= SIG_IGN)
		return false;
	return deliver(t, regs, sig, &a, &info, true);
}

/* Bytes 520-575 of an XSAVE area (XCOMP_BV and the reserved rest of the
 * header) must be zero for XRSTOR of the standard form: a handler that
 * scribbled there gets -EFAULT instead of a #GP in the kernel. */
static bool xsave_header_ok(const uint8_t *area)
{
	if (platform_xsave_size() < 576)
		return true; /* no header: FXSAVE-sized state */
	for (unsigned i = 520; i < 576; i++)
		if (area[i])
			return false;
	return true;
}

long signal_return(struct thread *t, struct platform_regs *regs)
{
	const struct linux_ucontext *uc = (const struct linux_ucontext *)regs->rsp;

	if (!user_ok(uc, sizeof(*uc)))
		return -EFAULT;
	const struct linux_sigcontext *m = &uc->mcontext;
	if (m->fpstate) {
		if ((m->fpstate & 63) ||
		    !user_ok((const void *)m->fpstate, platform_xsave_size()) ||
		    !xsave_header_ok((const uint8_t *)m->fpstate))
			return -EFAULT;
		platform_xrstor((const void *)m->fpstate);
	}
	regs->r8 = m->r8, regs->r9 = m->r9, regs->r10 = m->r10;
	regs->r11 = m->r11, regs->r12 = m->r12, regs->r13 = m->r13;
	regs->r14 = m->r14, regs->r15 = m->r15, regs->rdi = m->rdi;
	regs->rsi = m->rsi, regs->rbp = m->rbp, regs->rbx = m->rbx;
	regs->rdx = m->rdx, regs->rcx = m->rcx, regs->rsp = m->rsp;
	regs->rip = m->rip;
	regs->rflags = (regs->rflags & ~RFLAGS_RESTORED) |
		       (m->rflags & RFLAGS_RESTORED) | RFLAGS_IF;
	t->sigmask = uc->sigmask & ~UNBLOCKABLE;
	/* Every register as saved: RCX and R11 too. */
	regs->vector = PLATFORM_VECTOR_SYSCALL_RESTORE;
	return (long)m->rax;
}
