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

/* Indexed by leaf ID; the leaves with glue of their own (leaf_call) have
 * no row. */
static const struct plain plain[KCORE_LEAF_COUNT] = {
	[0] = { NR_exit_group, { U32(0) }, RES_NONE, 0 },
	[1] = { NR_openat, { CONST(AT_FDCWD), U64(0), U32(8), U32(12) },
		RES_U32_OR_M1, 16 },
	[2] = { NR_close, { U32(0) }, RES_U32_OR_M1, 8 },
	[3] = { NR_write, { U64(0), U64(8), U32(16) }, RES_U32, 24 },
	[4] = { NR_read, { U32(0), U64(8), U32(16) }, RES_U32, 24 },
	[5] = { NR_pipe2, { ADDR(8), U32(0) }, RES_U32, 16 },
	[7] = { NR_gettid, { { 0 } }, RES_U32, 0 },
	[10] = { NR_getpid, { { 0 } }, RES_U64, 0 },
	[11] = { NR_tgkill, { U64(0), U64(8), U64(16) }, RES_NONE, 0 },
	[12] = { NR_setitimer, { U32(0), U64(8), U64(16) }, RES_NONE, 0 },
	[13] = { NR_timer_create, { U32(0), U64(8), U64(16) }, RES_U32, 24 },
	[14] = { NR_timer_settime, { U32(0), U32(4), U64(8), U64(16) },
		 RES_U32, 24 },
	[15] = { NR_timer_delete, { U32(0) }, RES_U32, 8 },
	[16] = { NR_mincore, { U64(0), U64(8), U64(16) }, RES_U32, 24 },
	[18] = { NR_rt_sigprocmask, { U32(0), U64(8), U64(16), U32(24) },
		 RES_CRASH_ON_ERROR, 0 },
	[19] = { NR_rt_sigaction, { U64(0), U64(8), U64(16), U64(24) },
		 RES_U32, 32 },
	[20] = { NR_mmap, { U64(0), U64(8), U32(16), U32(20), U32(24), U32(28) },
		 RES_MMAP, 32 },
	[21] = { NR_munmap, { U64(0), U64(8) }, RES_CRASH_ON_ERROR, 0 },
	[22] = { NR_madvise, { U64(0), U64(8), U32(16) }, RES_U32, 24 },
	[23] = { NR_futex, { U64(0), U32(8), U32(12), U64(16), U64(24), U32(32) },
		 RES_U32, 40 },
	[24] = { NR_sigaltstack, { U64(0), U64(8) }, RES_CRASH_ON_ERROR, 0 },
	[25] = { NR_sched_yield, { { 0 } }, RES_NONE, 0 },
	[26] = { NR_sched_getaffinity, { U64(0), U64(8), U64(16) }, RES_U32, 24 },
	[29] = { NR_epoll_create, { U32(0) }, RES_U32, 8 },
	[30] = { NR_epoll_create1, { U32(0) }, RES_U32, 8 },
	[31] = { NR_epoll_ctl, { U32(0), U32(4), U32(8), U64(16) }, RES_U32, 24 },
	[32] = { NR_epoll_pwait, { U32(0), U64(8), U32(16), U32(20), CONST(0) },
		 RES_U32, 24 },
	[33] = { NR_fcntl, { U32(0), CONST(2 /* F_SETFD */), CONST(1 /* FD_CLOEXEC */) },
		 RES_NONE, 0 },
};

/* The Go symbols of each door, as redirect records rewire image reads
 * (rewriter/lib/linker.h): Go 1.19's epoll leaves among them, the generic
 * Syscall6 under each package path it had. A Go version lacks some: those
 * records go unused. */
#define DOOR(id, go_name, abi)                                              \
	__asm__(".pushsection .rewire.redirects,\"a\"\n\t"                 \
		".asciz \"door " go_name " " #abi " kcore_door_" #id "\"\n\t" \
		".popsection")
DOOR(exit, "runtime.exit", ABI0);
DOOR(open, "runtime.open", ABI0);
DOOR(closefd, "runtime.closefd", ABI0);
DOOR(write1, "runtime.write1", ABI0);
DOOR(read, "runtime.read", ABI0);
DOOR(pipe2, "runtime.pipe2", ABI0);
DOOR(usleep, "runtime.usleep", ABI0);
DOOR(gettid, "runtime.gettid", ABI0);
DOOR(raise, "runtime.raise", ABI0);
DOOR(raiseproc, "runtime.raiseproc", ABI0);
DOOR(getpid, "runtime.getpid", ABI0);
DOOR(tgkill, "runtime.tgkill", ABI0);
DOOR(setitimer, "runtime.setitimer", ABI0);
DOOR(timer_create, "runtime.timer_create", ABI0);
DOOR(timer_settime, "runtime.timer_settime", ABI0);
DOOR(timer_delete, "runtime.timer_delete", ABI0);
DOOR(mincore, "runtime.mincore", ABI0);
DOOR(nanotime1, "runtime.nanotime1", ABI0);
DOOR(rtsigprocmask, "runtime.rtsigprocmask", ABI0);
DOOR(rt_sigaction, "runtime.rt_sigaction", ABI0);
DOOR(sysMmap, "runtime.sysMmap", ABI0);
DOOR(sysMunmap, "runtime.sysMunmap", ABI0);
DOOR(madvise, "runtime.madvise", ABI0);
DOOR(futex, "runtime.futex", ABI0);
DOOR(sigaltstack, "runtime.sigaltstack", ABI0);
DOOR(osyield, "runtime.osyield", ABI0);
DOOR(sched_getaffinity, "runtime.sched_getaffinity", ABI0);
DOOR(time_now, "time.now", ABIInternal);
DOOR(syscall6, "runtime/internal/syscall.Syscall6", ABIInternal);
DOOR(syscall6, "internal/runtime/syscall.Syscall6", ABIInternal);
DOOR(syscall6, "internal/runtime/syscall/linux.Syscall6", ABIInternal);
DOOR(epollcreate, "runtime.epollcreate", ABI0);
DOOR(epollcreate1, "runtime.epollcreate1", ABI0);
DOOR(epollctl, "runtime.epollctl", ABI0);
DOOR(epollwait, "runtime.epollwait", ABI0);
DOOR(closeonexec, "runtime.closeonexec", ABI0);

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

static void leaf_call(struct platform_regs *regs, unsigned id)
{
	/* An ABI0 leaf's arguments and results: above the return address,
	 * where regs->rsp points (the leaf's caller's SP after the RET). */
	uint8_t *frame = (uint8_t *)(uintptr_t)regs->rsp;

	switch (id) {
	case 6: glue_usleep(frame); break;
	case 8: glue_raise(frame); break;
	case 9: glue_raiseproc(frame); break;
	case 17: glue_nanotime1(frame); break;
	case 27: glue_time_now(regs); break;
	case 28: glue_syscall6(regs); break;
	default: plain_call(&plain[id], frame); break;
	}
}

long kcore_redirect(struct platform_regs *regs, unsigned id)
{
	struct thread *cur = sched_current();

	if (id >= KCORE_LEAF_COUNT)
		PLATFORM_PANIC("redirect to leaf %u of %d", id, KCORE_LEAF_COUNT);
	stats_redirect(id);
	/* As in a syscall: clone would copy this frame, faults here are the
	 * kernel's, a signal waits for the way out. */
	cur->syscall_regs = regs;
	leaf_call(regs, id);
	cur->syscall_regs = NULL;
	if (__atomic_load_n(&cur->sigpending, __ATOMIC_RELAXED))
		signal_deliver_pending(cur, regs);
	return 0;
}
