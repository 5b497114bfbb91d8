/* Redirect mode's other door into the kernel: a Go runtime OS leaf whose
 * entry jumps to the platform's door (kcore_leaves.h) lands here with the
 * leaf's caller's context, does what the leaf does (its system call through
 * the syscall layer, without the trap; or the core's function at once) and
 * leaves the leaf's results where the leaf leaves them: ABI0 leaves in the
 * caller's frame above the return address, ABIInternal ones in registers.
 *
 * Most leaves load their arguments from fixed offsets of that frame with
 * MOVL (zero-extending) or MOVQ, make one system call and store its result
 * with MOVL or MOVQ: a row of `plain` says which, and one loop does them
 * all. The frames are the same in Go 1.19 to 1.26 (checked against each
 * version's sys_linux_amd64.s). The others have glue of their own. */
#include "kernel.h"
#include "kcore_leaves.h"
#include "linux_abi.h"
#include "platform.h"
#include "sched.h"
#include "signals.h"
#include "stats.h"
#include "syscalls.h"
#include "thread.h"
#include "time.h"

/* How a plain leaf takes an argument. */
enum arg_kind {
	ARG_NONE,
	ARG_U32,	/* MOVL off(FP): zero-extended */
	ARG_U64,	/* MOVQ off(FP) */
	ARG_ADDR,	/* LEAQ off(FP): the frame slot's address */
	ARG_CONST,	/* a constant the leaf loads */
};

/* What a plain leaf leaves in its frame after the call. */
enum result_kind {
	RES_NONE,
	RES_U32,	/* MOVL AX, off(FP) */
	RES_U64,	/* MOVQ AX, off(FP) */
	RES_U32_OR_M1,	/* MOVL AX, off(FP), -1 for an error (open, closefd) */
	RES_MMAP,	/* p at off, errno at off + 8 (sysMmap) */
	RES_ERRNO,	/* MOVQ 0 or the error number (-AX), off(FP) */
	RES_CRASH_ON_ERROR, /* the leaf writes to 0xf1 on an error */
};

struct arg {
	uint8_t kind, off;
	long value;
};

struct plain {
	long nr;
	struct arg args[6];
	uint8_t result, off;
};

#define U32(o) { ARG_U32, o, 0 }
#define U64(o) { ARG_U64, o, 0 }
#define ADDR(o) { ARG_ADDR, o, 0 }
#define CONST(v) { ARG_CONST, 0, v }

#define AT_FDCWD (-100)

/* Indexed by leaf; the leaves with glue of their own (leaf_call) have no
 * row. The frames are the same in Go 1.19 to 1.26, but for
 * rawVforkSyscall's (a door per layout). */
#define ROW(leaf) [KCORE_LEAF_##leaf]
static const struct plain plain[KCORE_LEAF_COUNT] = {
	ROW(exit) = { NR_exit_group, { U32(0) }, RES_NONE, 0 },
	ROW(open) = { NR_openat, { CONST(AT_FDCWD), U64(0), U32(8), U32(12) },
		      RES_U32_OR_M1, 16 },
	ROW(closefd) = { NR_close, { U32(0) }, RES_U32_OR_M1, 8 },
	ROW(write1) = { NR_write, { U64(0), U64(8), U32(16) }, RES_U32, 24 },
	ROW(read) = { NR_read, { U32(0), U64(8), U32(16) }, RES_U32, 24 },
	ROW(pipe2) = { NR_pipe2, { ADDR(8), U32(0) }, RES_U32, 16 },
	ROW(gettid) = { NR_gettid, { { 0 } }, RES_U32, 0 },
	ROW(getpid) = { NR_getpid, { { 0 } }, RES_U64, 0 },
	ROW(tgkill) = { NR_tgkill, { U64(0), U64(8), U64(16) }, RES_NONE, 0 },
	ROW(setitimer) = { NR_setitimer, { U32(0), U64(8), U64(16) }, RES_NONE, 0 },
	ROW(timer_create) = { NR_timer_create, { U32(0), U64(8), U64(16) },
			      RES_U32, 24 },
	ROW(timer_settime) = { NR_timer_settime,
			       { U32(0), U32(4), U64(8), U64(16) }, RES_U32, 24 },
	ROW(timer_delete) = { NR_timer_delete, { U32(0) }, RES_U32, 8 },
	ROW(mincore) = { NR_mincore, { U64(0), U64(8), U64(16) }, RES_U32, 24 },
	ROW(rtsigprocmask) = { NR_rt_sigprocmask,
			       { U32(0), U64(8), U64(16), U32(24) },
			       RES_CRASH_ON_ERROR, 0 },
	ROW(rt_sigaction) = { NR_rt_sigaction,
			      { U64(0), U64(8), U64(16), U64(24) }, RES_U32, 32 },
	ROW(sysMmap) = { NR_mmap,
			 { U64(0), U64(8), U32(16), U32(20), U32(24), U32(28) },
			 RES_MMAP, 32 },
	ROW(sysMunmap) = { NR_munmap, { U64(0), U64(8) }, RES_CRASH_ON_ERROR, 0 },
	ROW(madvise) = { NR_madvise, { U64(0), U64(8), U32(16) }, RES_U32, 24 },
	ROW(futex) = { NR_futex,
		       { U64(0), U32(8), U32(12), U64(16), U64(24), U32(32) },
		       RES_U32, 40 },
	ROW(sigaltstack) = { NR_sigaltstack, { U64(0), U64(8) },
			     RES_CRASH_ON_ERROR, 0 },
	ROW(osyield) = { NR_sched_yield, { { 0 } }, RES_NONE, 0 },
	ROW(sched_getaffinity) = { NR_sched_getaffinity,
				   { U64(0), U64(8), U64(16) }, RES_U32, 24 },
	ROW(epollcreate) = { NR_epoll_create, { U32(0) }, RES_U32, 8 },
	ROW(epollcreate1) = { NR_epoll_create1, { U32(0) }, RES_U32, 8 },
	ROW(epollctl) = { NR_epoll_ctl, { U32(0), U32(4), U32(8), U64(16) },
			  RES_U32, 24 },
	ROW(epollwait) = { NR_epoll_pwait,
			   { U32(0), U64(8), U32(16), U32(20), CONST(0) }, RES_U32, 24 },
	ROW(closeonexec) = { NR_fcntl,
			     { U32(0), CONST(2 /* F_SETFD */), CONST(1 /* FD_CLOEXEC */) },
			     RES_NONE, 0 },
	/* syscall.gettimeofday(tv) (err Errno): the vDSO's or the call's. */
	ROW(gettimeofday) = { NR_gettimeofday, { U64(0), CONST(0) }, RES_ERRNO, 8 },
};

/* The Go symbols of each door, as records rewire image reads
 * (rewriter/lib/linker.h): Go 1.19's epoll leaves among them, the generic
 * Syscall6 under each package path it had. "args N" is the size of the
 * frame the glue reads and writes, checked against the leaf's (the
 * pclntab's args) where the assembly declares one: a Go version whose
 * frame differs is refused, or takes the door of its layout. A Go version
 * lacks some leaves: those records go unused. */
#define DOOR_RECORD(id, go_name, abi, check)                                \
	__asm__(".pushsection .rewire.redirects,\"a\"\n\t"                  \
		".asciz \"door " go_name " " #abi " kcore_door_" #id check "\"\n\t" \
		".popsection")
#define DOOR(id, go_name, abi) DOOR_RECORD(id, go_name, abi, "")
#define DOOR_ARGS(id, go_name, abi, args) DOOR_RECORD(id, go_name, abi, " args " #args)
DOOR_ARGS(exit, "runtime.exit", ABI0, 4);
DOOR_ARGS(open, "runtime.open", ABI0, 20);
DOOR_ARGS(closefd, "runtime.closefd", ABI0, 12);
DOOR_ARGS(write1, "runtime.write1", ABI0, 28);
DOOR_ARGS(read, "runtime.read", ABI0, 28);
DOOR_ARGS(pipe2, "runtime.pipe2", ABI0, 20);
DOOR(usleep, "runtime.usleep", ABI0);
DOOR_ARGS(gettid, "runtime.gettid", ABI0, 4);
DOOR(raise, "runtime.raise", ABI0);
DOOR(raiseproc, "runtime.raiseproc", ABI0);
DOOR_ARGS(getpid, "runtime.getpid", ABI0, 8);
DOOR(tgkill, "runtime.tgkill", ABI0);
DOOR(setitimer, "runtime.setitimer", ABI0);
DOOR_ARGS(timer_create, "runtime.timer_create", ABI0, 28);
DOOR_ARGS(timer_settime, "runtime.timer_settime", ABI0, 28);
DOOR_ARGS(timer_delete, "runtime.timer_delete", ABI0, 12);
DOOR_ARGS(mincore, "runtime.mincore", ABI0, 28);
DOOR_ARGS(nanotime1, "runtime.nanotime1", ABI0, 8);
DOOR_ARGS(rtsigprocmask, "runtime.rtsigprocmask", ABI0, 28);
DOOR_ARGS(rt_sigaction, "runtime.rt_sigaction", ABI0, 36);
DOOR(sysMmap, "runtime.sysMmap", ABI0);
DOOR(sysMunmap, "runtime.sysMunmap", ABI0);
DOOR(madvise, "runtime.madvise", ABI0);
DOOR(futex, "runtime.futex", ABI0);
DOOR(sigaltstack, "runtime.sigaltstack", ABI0);
DOOR(osyield, "runtime.osyield", ABI0);
DOOR(sched_getaffinity, "runtime.sched_getaffinity", ABI0);
DOOR_ARGS(time_now, "time.now", ABIInternal, 24);
DOOR(syscall6, "runtime/internal/syscall.Syscall6", ABIInternal);
DOOR(syscall6, "internal/runtime/syscall.Syscall6", ABIInternal);
DOOR(syscall6, "internal/runtime/syscall/linux.Syscall6", ABIInternal);
DOOR(epollcreate, "runtime.epollcreate", ABI0);
DOOR(epollcreate1, "runtime.epollcreate1", ABI0);
DOOR(epollctl, "runtime.epollctl", ABI0);
DOOR(epollwait, "runtime.epollwait", ABI0);
DOOR(closeonexec, "runtime.closeonexec", ABI0);
DOOR_ARGS(rawSyscallNoError, "syscall.rawSyscallNoError", ABI0, 48);
/* golang.org/x/sys/unix's own, for the programs that link it: the same
 * frame (its SyscallNoError's entersyscall is skipped, as for the runtime's
 * leaves: the kernel does not take the P away). */
DOOR_ARGS(rawSyscallNoError, "golang.org/x/sys/unix.RawSyscallNoError", ABI0, 48);
DOOR_ARGS(rawSyscallNoError, "golang.org/x/sys/unix.SyscallNoError", ABI0, 48);
DOOR_ARGS(gettimeofday, "syscall.gettimeofday", ABI0, 16);
/* Go-level fast paths ("fast": rewire image skips one the compiler inlined
 * anywhere, whose leaf's door then does the work). Their failure paths are
 * Go's results (sysAllocOS and sysReserveOS: nil), not throws: sysMapOS,
 * whose failure throws, keeps to its leaf. Go 1.26's sys*OS that map take
 * a name too, which Go gives the kernel by prctl (PR_SET_VMA_ANON_NAME) when
 * GODEBUG asks: those keep to Go's code, whose mmap and prctl are doors. */
#define FAST(id, go_name, args) DOOR_RECORD(id, go_name, ABIInternal, " args " #args " fast")
FAST(futexsleep, "runtime.futexsleep", 24);
FAST(futexwakeup, "runtime.futexwakeup", 16);
FAST(sysAllocOS, "runtime.sysAllocOS", 8);
FAST(sysReserveOS, "runtime.sysReserveOS", 16);
FAST(sysFreeOS, "runtime.sysFreeOS", 16);
DOOR_ARGS(rawVfork32, "syscall.rawVforkSyscall", ABI0, 32);	/* 1.19, 1.20 */
DOOR_ARGS(rawVfork40, "syscall.rawVforkSyscall", ABI0, 40);	/* 1.21 */
DOOR_ARGS(rawVfork48, "syscall.rawVforkSyscall", ABI0, 48);	/* 1.22 on */
DOOR(clone, "runtime.clone", ABI0);
DOOR(settls, "runtime.settls", ABI0);
DOOR_ARGS(exitThread, "runtime.exitThread", ABI0, 8);
DOOR(sigreturn, "runtime.sigreturn", ABI0);			/* up to 1.20 */
DOOR(sigreturn, "runtime.sigreturn__sigaction", ABI0);	/* 1.21 on */

/* What rewire image read from this binary's runtime.clone (leaf_facts.h):
 * absolute symbols of the image's link; weak, so that a trap-mode image,
 * which defines none, links (they are 0 there, and clone's door unused). */
extern const char rewire_go_clone_child[] __attribute__((weak));
extern const char rewire_go_clone_bare[] __attribute__((weak));
extern const char rewire_go_m_tls[] __attribute__((weak));
extern const char rewire_go_m_procid[] __attribute__((weak));

static uint64_t frame_u64(const uint8_t *frame, unsigned off)
{
	return *(const uint64_t *)(frame + off);
}

static uint32_t frame_u32(const uint8_t *frame, unsigned off)
{
	return *(const uint32_t *)(frame + off);
}

static void plain_call(const struct plain *p, uint8_t *frame)
{
	long args[6] = { 0 };

	for (int i = 0; i < 6; i++) {
		const struct arg *a = &p->args[i];
		switch (a->kind) {
		case ARG_U32:
			args[i] = (long)frame_u32(frame, a->off);
			break;
		case ARG_U64:
			args[i] = (long)frame_u64(frame, a->off);
			break;
		case ARG_ADDR:
			args[i] = (long)(uintptr_t)(frame + a->off);
			break;
		case ARG_CONST:
			args[i] = a->value;
			break;
		}
	}
	long r = kcore_syscall(p->nr, args);
	switch (p->result) {
	case RES_U32:
		*(uint32_t *)(frame + p->off) = (uint32_t)r;
		break;
	case RES_U64:
		*(uint64_t *)(frame + p->off) = (uint64_t)r;
		break;
	case RES_U32_OR_M1:
		*(uint32_t *)(frame + p->off) = r < 0 ? (uint32_t)-1 : (uint32_t)r;
		break;
	case RES_ERRNO:
		*(uint64_t *)(frame + p->off) = r < 0 ? (uint64_t)-r : 0;
		break;
	case RES_MMAP:
		*(uint64_t *)(frame + p->off) = r < 0 ? 0 : (uint64_t)r;
		*(uint64_t *)(frame + p->off + 8) = r < 0 ? (uint64_t)-r : 0;
		break;
	case RES_CRASH_ON_ERROR:
		/* Go's leaf would store to 0xf1: a fault the program cannot
		 * take for its own, as there. */
		if (r < 0)
			PLATFORM_PANIC("%s failed with %ld, which the Go runtime "
				       "takes for a crash", syscall_name(p->nr), r);
		break;
	}
}

/* usleep(usec uint32): nanosleep for usec microseconds. */
static void glue_usleep(const uint8_t *frame)
{
	time_sleep_ns((uint64_t)frame_u32(frame, 0) * 1000);
}

/* nanotime1() int64: CLOCK_MONOTONIC in nanoseconds. */
static void glue_nanotime1(uint8_t *frame)
{
	*(uint64_t *)frame = clock_monotonic_ns();
}

/* raise(sig uint32): tgkill(getpid(), gettid(), sig). */
static void glue_raise(const uint8_t *frame)
{
	signal_send(thread_id(), (int)frame_u32(frame, 0));
}

/* raiseproc(sig uint32): kill(getpid(), sig). */
static void glue_raiseproc(const uint8_t *frame)
{
	signal_send(0, (int)frame_u32(frame, 0));
}

/* time.now() (sec int64, nsec int32, mono int64) in AX, BX, CX. */
static void glue_time_now(struct platform_regs *regs)
{
	uint64_t wall = clock_realtime_ns();

	regs->rax = wall / 1000000000ull;
	regs->rbx = wall % 1000000000ull;
	regs->rcx = clock_monotonic_ns();
}

/* Syscall6(num, a1..a6) (r1, r2, errno): num in AX, the arguments in BX,
 * CX, DI, SI, R8, R9; r2 is what RDX held after the SYSCALL, a3. */
static void glue_syscall6(struct platform_regs *regs)
{
	const long args[6] = { (long)regs->rbx, (long)regs->rcx, (long)regs->rdi,
			       (long)regs->rsi, (long)regs->r8, (long)regs->r9 };
	long r = kcore_syscall((long)regs->rax, args);

	if ((unsigned long)r >= (unsigned long)-4095) {
		regs->rax = (uint64_t)-1;
		regs->rbx = 0;
		regs->rcx = (uint64_t)-r;
	} else {
		regs->rax = (uint64_t)r;
		regs->rbx = (uint64_t)args[2];
		regs->rcx = 0;
	}
}

/* futexsleep(addr *uint32, val uint32, ns int64): AX, BX, CX; ns < 0
 * sleeps with no deadline. Its result is ignored, as Go's is. */
static void glue_futexsleep(struct platform_regs *regs)
{
	int64_t ns = (int64_t)regs->rcx;

	futex_wait((uint32_t *)(uintptr_t)regs->rax, (uint32_t)regs->rbx,
		   ns < 0 ? KCORE_FOREVER : deadline_after((uint64_t)ns));
}

/* futexwakeup(addr *uint32, cnt uint32): AX, BX. */
static void glue_futexwakeup(struct platform_regs *regs)
{
	long r = futex_wake((uint32_t *)(uintptr_t)regs->rax, (int)(uint32_t)regs->rbx);

	if (r < 0)
		PLATFORM_PANIC("futexwakeup addr=%lx returned %ld",
			       (unsigned long)regs->rax, r);
}

/* sysAllocOS(n) and sysReserveOS(v, n) unsafe.Pointer (up to Go 1.25):
 * anonymous private memory, read-write or none, in AX; nil on an error. */
static void glue_map(struct platform_regs *regs, uint64_t addr, uint64_t n, long prot)
{
	const long args[6] = { (long)addr, (long)n, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0 };
	long r = kcore_syscall(NR_mmap, args);

	regs->rax = (unsigned long)r >= (unsigned long)-4095 ? 0 : (uint64_t)r;
}

/* sysFreeOS(v unsafe.Pointer, n uintptr): AX, BX; Go's munmap leaf
 * crashes on an error, so does this. */
static void glue_free(struct platform_regs *regs)
{
	const long args[6] = { (long)regs->rax, (long)regs->rbx };
	long r = kcore_syscall(NR_munmap, args);

	if (r < 0)
		PLATFORM_PANIC("sysFreeOS(%lx, %lx): munmap failed (%ld)",
			       (unsigned long)regs->rax, (unsigned long)regs->rbx, r);
}

/* rawSyscallNoError(trap, a1, a2, a3 uintptr) (r1, r2 uintptr): r2 is
 * what RDX (a3) held after the SYSCALL. */
static void glue_raw_syscall_no_error(uint8_t *frame)
{
	const long args[6] = { (long)frame_u64(frame, 8), (long)frame_u64(frame, 16),
			       (long)frame_u64(frame, 24) };

	*(uint64_t *)(frame + 32) = (uint64_t)kcore_syscall((long)frame_u64(frame, 0), args);
	*(uint64_t *)(frame + 40) = (uint64_t)args[2];
}

/* rawVforkSyscall(trap, a1[, a2[, a3]] uintptr) (r1, err uintptr): as many
 * arguments as the frame of args bytes holds; r1 -1 and err the errno on
 * an error. */
static void glue_raw_vfork(uint8_t *frame, unsigned args_size)
{
	long args[6] = { 0 };
	unsigned nargs = (args_size - 24) / 8;

	for (unsigned i = 0; i < nargs; i++)
		args[i] = (long)frame_u64(frame, 8 + 8 * i);
	long r = kcore_syscall((long)frame_u64(frame, 0), args);
	bool failed = (unsigned long)r >= (unsigned long)-4095;
	*(uint64_t *)(frame + args_size - 16) = failed ? (uint64_t)-1 : (uint64_t)r;
	*(uint64_t *)(frame + args_size - 8) = failed ? (uint64_t)-r : 0;
}

/* clone(flags int32, stk, mp, gp, fn unsafe.Pointer) int32: a thread that
 * resumes inside the leaf, past its system calls, with the registers its
 * child path reads (R13 mp, R9 gp, R12 fn, SI and SP stk). With m and g
 * the kernel does what the child's gettid and the parent's CLONE_SETTLS
 * would have: m.procid is the new tid, FS points past m.tls. */
static void glue_clone(struct platform_regs *regs, uint8_t *frame)
{
	const unsigned long settid = CLONE_PARENT_SETTID | CLONE_CHILD_SETTID |
				     CLONE_CHILD_CLEARTID;
	unsigned long flags = frame_u32(frame, 0);
	uint64_t stk = frame_u64(frame, 8), mp = frame_u64(frame, 16),
		 gp = frame_u64(frame, 24), tls = 0;
	struct platform_regs child = *regs;
	long tid;

	if (!rewire_go_clone_child)
		PLATFORM_PANIC("runtime.clone redirected without its facts "
			       "(rewire image reads them in redirect mode)");
	child.r13 = mp;
	child.r9 = gp;
	child.r12 = frame_u64(frame, 32);
	child.rsi = stk;
	if (mp && gp) {
		flags |= CLONE_SETTLS;
		tls = mp + (uintptr_t)rewire_go_m_tls + 8; /* Go's g is at FS-8 */
		child.rip = (uintptr_t)rewire_go_clone_child;
	} else {
		child.rip = (uintptr_t)rewire_go_clone_bare;
	}
	/* Go passes no tid pointers: without them there is nothing to set. */
	if (flags & settid)
		tid = -EINVAL;
	else
		tid = thread_clone(flags, stk, NULL, NULL, tls, &child);
	if (tid > 0 && mp && gp)
		*(uint64_t *)(uintptr_t)(mp + (uintptr_t)rewire_go_m_procid) = (uint64_t)tid;
	*(uint32_t *)(frame + 40) = (uint32_t)tid;
}

/* settls(DI = &m.tls): FS past it, where Go's g slot (FS-8) is m.tls[0]. */
static void glue_settls(const struct platform_regs *regs)
{
	const long args[6] = { ARCH_SET_FS, (long)(regs->rdi + 8) };
	long r = kcore_syscall(NR_arch_prctl, args);

	if (r < 0)
		PLATFORM_PANIC("settls(0x%lx) failed with %ld, which the Go runtime "
			       "takes for a crash", (unsigned long)regs->rdi, r);
}

/* exitThread(wait *atomic.Uint32): the thread's stack is free once *wait
 * is 0; this runs on the kernel's, so it can say so before exiting. */
static void glue_exit_thread(const uint8_t *frame)
{
	const long args[6] = { 0 };

	__atomic_store_n((uint32_t *)(uintptr_t)frame_u64(frame, 0), 0, __ATOMIC_RELEASE);
	kcore_syscall(NR_exit, args);
}

/* runtime.clone's child path after its function returned ("it shouldn't
 * return. If it does, exit that thread"): exit(DI), reached from inside
 * the leaf (the child resumed past its entry), with no frame to read. */
static void glue_clone_exit(const struct platform_regs *regs)
{
	const long args[6] = { (long)regs->rdi };

	kcore_syscall(NR_exit, args);
}

/* sigreturn: reached by the handler's RET, not a call: the signal frame
 * (its ucontext) is at the RSP the door found, which the door took for a
 * return address. */
static void glue_sigreturn(struct platform_regs *regs)
{
	const long args[6] = { 0 };
	long r;

	regs->rsp -= 8;
	r = kcore_syscall(NR_rt_sigreturn, args);
	if (regs->vector != PLATFORM_VECTOR_SYSCALL_RESTORE)
		PLATFORM_PANIC("rt_sigreturn with a bad signal frame at 0x%lx (%ld)",
			       (unsigned long)regs->rsp, r);
	regs->rax = (uint64_t)r;
}

static void leaf_call(struct platform_regs *regs, enum kcore_leaf id)
{
	/* An ABI0 leaf's arguments and results: above the return address,
	 * where regs->rsp points (the leaf's caller's SP after the RET). */
	uint8_t *frame = (uint8_t *)(uintptr_t)regs->rsp;

	switch (id) {
	case KCORE_LEAF_usleep: glue_usleep(frame); break;
	case KCORE_LEAF_raise: glue_raise(frame); break;
	case KCORE_LEAF_raiseproc: glue_raiseproc(frame); break;
	case KCORE_LEAF_nanotime1: glue_nanotime1(frame); break;
	case KCORE_LEAF_time_now: glue_time_now(regs); break;
	case KCORE_LEAF_syscall6: glue_syscall6(regs); break;
	case KCORE_LEAF_rawSyscallNoError: glue_raw_syscall_no_error(frame); break;
	case KCORE_LEAF_rawVfork32: glue_raw_vfork(frame, 32); break;
	case KCORE_LEAF_rawVfork40: glue_raw_vfork(frame, 40); break;
	case KCORE_LEAF_rawVfork48: glue_raw_vfork(frame, 48); break;
	case KCORE_LEAF_clone: glue_clone(regs, frame); break;
	case KCORE_LEAF_settls: glue_settls(regs); break;
	case KCORE_LEAF_exitThread: glue_exit_thread(frame); break;
	case KCORE_LEAF_cloneExit: glue_clone_exit(regs); break;
	case KCORE_LEAF_sigreturn: glue_sigreturn(regs); break;
	case KCORE_LEAF_futexsleep: glue_futexsleep(regs); break;
	case KCORE_LEAF_futexwakeup: glue_futexwakeup(regs); break;
	case KCORE_LEAF_sysAllocOS:
		glue_map(regs, 0, regs->rax, PROT_READ | PROT_WRITE);
		break;
	case KCORE_LEAF_sysReserveOS: glue_map(regs, regs->rax, regs->rbx, PROT_NONE); break;
	case KCORE_LEAF_sysFreeOS: glue_free(regs); break;
	default: plain_call(&plain[id], frame); break;
	}
}

/* The doors (the platform's door.S), by leaf: a call made again enters
 * its door again. Weak: the core's host tests link no platform. */
#define DOOR_EXTERN(id, name) extern const char kcore_door_##name[] __attribute__((weak));
KCORE_LEAVES(DOOR_EXTERN)
#undef DOOR_EXTERN
#define DOOR_ADDRESS(id, name) [id] = kcore_door_##name,
static const char *const doors[KCORE_LEAF_COUNT] = { KCORE_LEAVES(DOOR_ADDRESS) };
#undef DOOR_ADDRESS

/* Whether leaf id is a plain one (read's number is 0: its arguments say). */
static bool has_row(unsigned id)
{
	return plain[id].nr || plain[id].args[0].kind != ARG_NONE;
}

long kcore_redirect(struct platform_regs *regs, unsigned id)
{
	struct thread *cur = sched_current();
	/* What a restart needs that Syscall6's glue overwrites. */
	const uint64_t rax = regs->rax, rbx = regs->rbx, rcx = regs->rcx;
	bool restartable;

	if (id >= KCORE_LEAF_COUNT)
		PLATFORM_PANIC("redirect to leaf %u of %d", id, KCORE_LEAF_COUNT);
	stats_redirect(id);
	/* As in a syscall: clone would copy this frame, faults here are the
	 * kernel's, a signal waits for the way out. */
	cur->syscall_regs = regs;
	cur->call_restartable = false;
	leaf_call(regs, (enum kcore_leaf)id);
	cur->syscall_regs = NULL;
	/* A plain leaf or Syscall6, interrupted, is made again through its
	 * door with the stack as its caller left it (the return address
	 * below the frame) and the registers it came with. The others keep
	 * -EINTR, which their Go callers take as Linux's EINTR. */
	restartable = cur->call_restartable && (has_row(id) || id == KCORE_LEAF_syscall6);
	if (restartable || __atomic_load_n(&cur->sigpending, __ATOMIC_RELAXED)) {
		const struct signal_restart again = {
			.rip = (uintptr_t)doors[id], .rsp = regs->rsp - 8,
			.rax = rax, .rbx = rbx, .rcx = rcx,
		};
		signal_deliver_pending(cur, regs, restartable ? &again : NULL);
	}
	return 0;
}
