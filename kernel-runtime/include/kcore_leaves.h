/*
 * Redirect mode's set: the Go runtime's OS leaves (the small assembly
 * functions that hold its SYSCALL instructions) whose entry
 * `rewire image --mode redirect` makes jump straight into the kernel, each
 * through a door of the platform's (kcore_door_NAME, entered by that JMP
 * with the Go stack as the leaf would have found it) that calls
 * kcore_redirect(regs, ID). X(ID, NAME) per leaf; the Go symbols each door
 * stands for are the core's (core/redirect.c, which declares them as door
 * records). A leaf whose frame changed between Go versions has a door per
 * layout (rawVfork32/40/48). futexsleep and the others after it are Go
 * functions, not leaves: fast paths taken where the binary has them whole
 * (never inlined), their leaves' doors the cover. cloneExit is no
 * function's entry: the `mov eax, 60` of runtime.clone's child path, which
 * rewire image makes jump to it (leaf_facts.h). Included by C and by
 * assembly.
 */
#ifndef KCORE_LEAVES_H
#define KCORE_LEAVES_H

#define KCORE_LEAVES(X)                                                    \
	X(0, exit) X(1, open) X(2, closefd) X(3, write1) X(4, read)        \
	X(5, pipe2) X(6, usleep) X(7, gettid) X(8, raise) X(9, raiseproc)  \
	X(10, getpid) X(11, tgkill) X(12, setitimer) X(13, timer_create)   \
	X(14, timer_settime) X(15, timer_delete) X(16, mincore)            \
	X(17, nanotime1) X(18, rtsigprocmask) X(19, rt_sigaction)          \
	X(20, sysMmap) X(21, sysMunmap) X(22, madvise) X(23, futex)        \
	X(24, sigaltstack) X(25, osyield) X(26, sched_getaffinity)         \
	X(27, time_now) X(28, syscall6) X(29, epollcreate)                 \
	X(30, epollcreate1) X(31, epollctl) X(32, epollwait)               \
	X(33, closeonexec) X(34, rawSyscallNoError) X(35, rawVfork32)      \
	X(36, rawVfork40) X(37, rawVfork48) X(38, clone) X(39, settls)     \
	X(40, exitThread) X(41, sigreturn) X(42, gettimeofday)             \
	X(43, futexsleep) X(44, futexwakeup) X(45, sysAllocOS)             \
	X(46, sysReserveOS) X(47, sysFreeOS) X(48, cloneExit)

#define KCORE_LEAF_COUNT 49

/* struct platform_regs.vector of a redirected call's frame. */
#define PLATFORM_VECTOR_REDIRECT 258

#ifndef __ASSEMBLER__
/* The leaves' IDs by name: KCORE_LEAF_futex... */
enum kcore_leaf {
#define KCORE_LEAF_ENUM(id, name) KCORE_LEAF_##name = id,
	KCORE_LEAVES(KCORE_LEAF_ENUM)
#undef KCORE_LEAF_ENUM
};
#endif

#endif
