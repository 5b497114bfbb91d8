/* Unit tests of the syscall layer: each decoder takes its arguments from
 * the right registers, unknown numbers give -ENOSYS once logged, counters,
 * and the calls Go's runtime makes at startup. */
#include "kcore_test.h"

#include "kernel.h"
#include "process.h"
#include "sched.h"
#include "linux_abi.h"
#include "signals.h"
#include "thread.h"
#include "vm.h"

static long results[8];

static int setup(void **state)
{
	for (int i = 0; i < 8; i++)
		results[i] = 99;
	return boot_with_anchor(state);
}

#define STEST(f) cmocka_unit_test_setup_teardown(f, setup, check_violations)

static void test_unknown_is_enosys_logged_once(void **state)
{
	(void)state;
	assert_int_equal(sys(400, 0, 0, 0, 0, 0, 0), -ENOSYS);
	assert_int_equal(sys(400, 0, 0, 0, 0, 0, 0), -ENOSYS);
	assert_int_equal(sys(NR_clone3, 0, 0, 0, 0, 0, 0), -ENOSYS);
	assert_int_equal(sys(999, 0, 0, 0, 0, 0, 0), -ENOSYS);
	assert_int_equal(sys(-5, 0, 0, 0, 0, 0, 0), -ENOSYS);
	assert_int_equal(sys(-5, 0, 0, 0, 0, 0, 0), -ENOSYS);
	assert_int_equal(fake_log_count("syscall 400 is not implemented"), 1);
	assert_int_equal(fake_log_count("syscall 435 is not implemented"), 1);
	assert_int_equal(fake_log_count("syscall 999 is not implemented"), 1);
	assert_int_equal(fake_log_count("syscall -5 is not implemented"), 1);
	assert_int_equal(kcore_syscall_count(400), 2);
	/* Numbers beyond the table share one counter. */
	assert_int_equal(kcore_syscall_count(999), 3);
	/* Implemented ones are silent. */
	fake_console_clear();
	assert_int_equal(sys(NR_getpid, 0, 0, 0, 0, 0, 0), 1);
	assert_int_equal(fake_console()[0], 0);
}

static void test_counters_by_number(void **state)
{
	struct kcore_counters c;
	(void)state;

	kcore_counters(&c);
	uint64_t before = c.syscalls;
	for (int i = 0; i < 3; i++)
		sys(NR_getpid, 0, 0, 0, 0, 0, 0);
	sys(NR_gettid, 0, 0, 0, 0, 0, 0);
	assert_int_equal(kcore_syscall_count(NR_getpid), 3);
	assert_int_equal(kcore_syscall_count(NR_gettid), 1);
	kcore_counters(&c);
	assert_int_equal(c.syscalls, before + 4);
	kcore_print_counters();
	assert_non_null(strstr(fake_log(), "kcore-stats: syscall getpid 3\n"));
	assert_non_null(strstr(fake_log(), "kcore-stats: syscall gettid 1\n"));
	assert_non_null(strstr(fake_log(), "kcore-stats: switches "));
	assert_non_null(strstr(fake_log(), "kcore-stats: page_faults 0\n"));
}

static void test_mmap_arguments(void **state)
{
	(void)state;
	/* rdi addr, rsi len, rdx prot, r10 flags, r8 fd, r9 offset. */
	long a = sys(NR_mmap, 0xc000000000, 8192, PROT_NONE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_int_equal(a, 0xc000000000);
	assert_int_equal(sys(NR_mmap, 0xc000000000, 4096, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
			 0xc000000000);
	assert_int_equal(sys(NR_mmap, 0, 4096, PROT_READ, MAP_PRIVATE, 3, 0),
			 -ENODEV);
	assert_int_equal(sys(NR_mmap, 0, 4096, PROT_READ,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 4096 + 1),
			 -EINVAL);
	assert_int_equal(sys(NR_mprotect, 0xc000000000 + 4096, 4096, PROT_READ,
			     0, 0, 0),
			 0);
	assert_int_equal(vm_area_count(), 2);
	assert_int_equal(sys(NR_madvise, 0xc000000000, 4096, MADV_DONTNEED, 0, 0,
			     0),
			 0);
	assert_int_equal(sys(NR_munmap, 0xc000000000, 8192, 0, 0, 0, 0), 0);
	assert_int_equal(vm_area_count(), 0);
}

static void test_write_and_read_console(void **state)
{
	(void)state;
	fake_console_clear();
	assert_int_equal(sys(NR_write, 1, (long)"hello ", 6, 0, 0, 0), 6);
	assert_int_equal(sys(NR_write, 0, (long)"world\n", 6, 0, 0, 0), 6);
	assert_string_equal(fake_console(), "hello world\n");
	/* fd 2 is the stderr stream: the program's stdout holds only what
	 * it wrote to stdout. */
	assert_int_equal(sys(NR_write, 2, (long)"oops\n", 5, 0, 0, 0), 5);
	assert_string_equal(fake_console(), "hello world\n");
	assert_string_equal(fake_stderr(), "oops\n");
	char buf[8];
	assert_int_equal(sys(NR_read, 0, (long)buf, sizeof(buf), 0, 0, 0), 0);
	assert_int_equal(sys(NR_write, 7, (long)"x", 1, 0, 0, 0), -EBADF);
	assert_int_equal(sys(NR_write, 1, 0, 1, 0, 0, 0), -EFAULT);
	struct {
		const char *base;
		size_t len;
	} iov[2] = { { "ab", 2 }, { "cd\n", 3 } };
	assert_int_equal(sys(NR_writev, 1, (long)iov, 2, 0, 0, 0), 5);
	assert_string_equal(fake_console(), "hello world\nabcd\n");
}

/* Paths the file system lacks (test_fs.c tests the rest). */
static void test_missing_paths(void **state)
{
	char buf[64];
	(void)state;
	assert_int_equal(sys(NR_openat, AT_FDCWD,
			     (long)"/sys/kernel/mm/transparent_hugepage/hpage_pmd_size",
			     O_RDONLY, 0, 0, 0),
			 -ENOENT);
	assert_int_equal(sys(NR_openat, AT_FDCWD, (long)"/proc/self/smaps", O_RDONLY, 0, 0, 0),
			 -ENOENT);
	assert_int_equal(sys(NR_faccessat, AT_FDCWD, (long)"/etc", 0, 0, 0, 0), 0);
	assert_int_equal(sys(NR_openat, AT_FDCWD, 0, 0, 0, 0, 0), -EFAULT);
	assert_int_equal(sys(NR_getcwd, (long)buf, sizeof(buf), 0, 0, 0, 0), 2);
	assert_string_equal(buf, "/");
	assert_int_equal(sys(NR_socket, 2, 1, 0, 0, 0, 0), -EAFNOSUPPORT);
}

/* The working directory getcwd names must stat: Go up to 1.21 stats "."
 * in os.Getwd and compares it with "/" (os.SameFile: device and inode). */
static void test_root_directory_stats(void **state)
{
	uint8_t st[144], root[144];
	uint32_t mode;
	(void)state;
	memset(root, 0xaa, sizeof(root));
	assert_int_equal(sys(NR_newfstatat, AT_FDCWD, (long)"/", (long)root, 0, 0, 0), 0);
	memcpy(&mode, root + 24, sizeof(mode));
	assert_int_equal(mode, S_IFDIR | 0755);
	assert_int_equal(root[100], 0); /* the rest is cleared */
	const char *same[] = { ".", "./", "..", "//", "/.", "/./..", "./../." };
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		memset(st, 0x55, sizeof(st));
		assert_int_equal(sys(NR_newfstatat, AT_FDCWD, (long)same[i], (long)st, 0, 0, 0), 0);
		assert_memory_equal(st, root, 16); /* st_dev, st_ino */
	}
	/* Absolute paths ignore dirfd; relative ones from a file that is no
	 * directory do not resolve. */
	assert_int_equal(sys(NR_newfstatat, 1, (long)"/", (long)st, 0, 0, 0), 0);
	assert_int_equal(sys(NR_newfstatat, 1, (long)".", (long)st, 0, 0, 0), -ENOTDIR);
	const char *missing[] = { "", "...", ".x", "./a", "/nope", "x/.." };
	for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++)
		assert_int_equal(sys(NR_newfstatat, AT_FDCWD, (long)missing[i], (long)st, 0, 0, 0),
				 -ENOENT);
	assert_int_equal(sys(NR_newfstatat, AT_FDCWD, (long)"/", 0, 0, 0, 0), -EFAULT);
}

static void test_fcntl_on_stdio(void **state)
{
	(void)state;
	/* Go's os.NewFile checks O_NONBLOCK: the console is blocking. */
	assert_int_equal(sys(NR_fcntl, 1, F_GETFL, 0, 0, 0, 0), O_RDWR);
	assert_int_equal(sys(NR_fcntl, 1, F_GETFD, 0, 0, 0, 0), 0);
	assert_int_equal(sys(NR_fcntl, 1, F_SETFD, FD_CLOEXEC, 0, 0, 0), 0);
	assert_int_equal(sys(NR_fcntl, 1, F_GETFD, 0, 0, 0, 0), FD_CLOEXEC);
	assert_int_equal(sys(NR_fcntl, 9, F_GETFL, 0, 0, 0, 0), -EBADF);
	assert_int_equal(sys(NR_fcntl, 1, 9999, 0, 0, 0, 0), -EINVAL);
	assert_int_equal(sys(NR_ioctl, 1, 0x5401, 0, 0, 0, 0), -ENOTTY);
	assert_int_equal(sys(NR_lseek, 1, 0, 0, 0, 0, 0), -ESPIPE);
	assert_int_equal(sys(NR_ioctl, 50, 0x5401, 0, 0, 0, 0), -EBADF);
	uint8_t st[144];
	assert_int_equal(sys(NR_fstat, 1, (long)st, 0, 0, 0, 0), 0);
	uint32_t mode;
	memcpy(&mode, st + 24, 4);
	assert_int_equal(mode & 0170000, S_IFCHR);
}

static void test_signal_bookkeeping(void **state)
{
	struct ksigaction act = { .handler = 0x401234, .flags = 0x4000004,
				  .restorer = 0x405678, .mask = ~0ull },
			  old;
	(void)state;

	/* rt_sigaction(sig, act, old, sigsetsize) */
	assert_int_equal(sys(NR_rt_sigaction, 10, (long)&act, 0, 8, 0, 0), 0);
	memset(&old, 0xff, sizeof(old));
	assert_int_equal(sys(NR_rt_sigaction, 10, 0, (long)&old, 8, 0, 0), 0);
	assert_int_equal(old.handler, 0x401234);
	assert_int_equal(old.flags, 0x4000004);
	assert_int_equal(old.restorer, 0x405678);
	/* SIGKILL and SIGSTOP cannot be in a handler's mask. */
	assert_int_equal(old.mask, ~((1ull << 8) | (1ull << 18)));
	assert_int_equal(sys(NR_rt_sigaction, SIGKILL, (long)&act, 0, 8, 0, 0),
			 -EINVAL);
	assert_int_equal(sys(NR_rt_sigaction, SIGKILL, 0, (long)&old, 8, 0, 0), 0);
	assert_int_equal(sys(NR_rt_sigaction, 65, 0, (long)&old, 8, 0, 0), -EINVAL);
	assert_int_equal(sys(NR_rt_sigaction, 10, 0, (long)&old, 4, 0, 0), -EINVAL);
}

static void masker(const struct platform_regs *start)
{
	(void)start;
	uint64_t set = 1ull << 10 | 1ull << (SIGKILL - 1), old = 0;
	fake_syscall(NR_rt_sigprocmask, SIG_SETMASK, (long)&set, 0, 8, 0, 0);
	set = 1ull << 3;
	fake_syscall(NR_rt_sigprocmask, SIG_BLOCK, (long)&set, (long)&old, 8, 0, 0);
	results[0] = (long)old;
	fake_syscall(NR_rt_sigprocmask, SIG_UNBLOCK, (long)&set, (long)&old, 8, 0,
		     0);
	results[1] = (long)old;
	fake_syscall(NR_rt_sigprocmask, SIG_SETMASK, 0, (long)&old, 8, 0, 0);
	results[2] = (long)old;
	results[3] = fake_syscall(NR_rt_sigprocmask, 7, (long)&set, 0, 8, 0, 0);

	struct {
		uint64_t sp;
		int32_t flags, pad;
		uint64_t size;
	} ss = { 0x1000000, 0, 0, 32768 }, os;
	fake_syscall(NR_sigaltstack, 0, (long)&os, 0, 0, 0, 0);
	results[4] = os.flags;
	fake_syscall(NR_sigaltstack, (long)&ss, 0, 0, 0, 0, 0);
	fake_syscall(NR_sigaltstack, 0, (long)&os, 0, 0, 0, 0);
	results[5] = (long)(os.sp == 0x1000000 && os.size == 32768 && os.flags == 0);
	ss.size = 100;
	results[6] = fake_syscall(NR_sigaltstack, (long)&ss, 0, 0, 0, 0, 0);
}

static void test_signal_masks_and_altstacks_per_thread(void **state)
{
	(void)state;
	fake_thread(masker, 0);
	fake_run();
	assert_int_equal(results[0], 1 << 10); /* SIGKILL was dropped */
	assert_int_equal(results[1], 1 << 10 | 1 << 3);
	assert_int_equal(results[2], 1 << 10);
	assert_int_equal(results[3], -EINVAL);
	assert_int_equal(results[4], SS_DISABLE);
	assert_int_equal(results[5], 1);
	assert_int_equal(results[6], -ENOMEM);
}

/* Linux's x86-64 signal frame, as a handler sees it. */
struct frame_view {
	uint64_t restorer;
	uint64_t uc_flags, uc_link, ss_sp, ss_flags, ss_size;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, rflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2, fpstate, reserved[8];
	uint64_t sigmask;
	int32_t si_signo, si_errno, si_code, si_pad;
};

static _Alignas(64) uint8_t altstack[65536];
static uint8_t goroutine_stack[4096];
static struct platform_regs entered, returned;
static struct frame_view *frame;
static uint64_t mask_in_handler, mask_after;

static struct platform_regs frame_for(long nr, long a0, long a1, long a2)
{
	struct platform_regs r = { 0 };

	r.rax = (uint64_t)nr, r.rdi = (uint64_t)a0, r.rsi = (uint64_t)a1;
	r.rdx = (uint64_t)a2, r.r10 = 8;
	r.rip = r.rcx = 0x400500, r.r11 = r.rflags = 0x246;
	r.rbx = 0x1234, r.r15 = 0xf15;
	r.rsp = (uint64_t)(goroutine_stack + sizeof(goroutine_stack) - 64);
	return r;
}

static void signal_target(const struct platform_regs *start)
{
	struct ksigaction act = { .handler = 0x401000,
				  .flags = 0x4 | 0x04000000 | 0x08000000,
				  .restorer = 0x402000, .mask = ~0ull };
	struct { uint64_t sp; int32_t flags, pad; uint64_t size; } ss = {
		(uint64_t)altstack, 0, 0, sizeof(altstack) };
	uint64_t block = 1ull << (SIGURG - 1), none = 0;
	long tid = fake_syscall(NR_gettid, 0, 0, 0, 0, 0, 0);
	(void)start;

	memset(altstack, 0xff, sizeof(altstack)); /* what was there before */
	fake_syscall(NR_rt_sigaction, SIGURG, (long)&act, 0, 8, 0, 0);
	fake_syscall(NR_sigaltstack, (long)&ss, 0, 0, 0, 0, 0);
	/* Blocked: the signal waits. */
	fake_syscall(NR_rt_sigprocmask, SIG_BLOCK, (long)&block, 0, 8, 0, 0);
	struct platform_regs r = frame_for(NR_tgkill, 1, tid, SIGURG);
	results[0] = fake_syscall_frame(&r);
	results[1] = (long)r.rip; /* still the caller's */
	/* Unblocked: delivered as that syscall returns. */
	entered = frame_for(NR_rt_sigprocmask, SIG_SETMASK, (long)&none, 0);
	fake_syscall_frame(&entered);
	results[3] = (long)fake.last_xsave;
	frame = (struct frame_view *)entered.rsp;
	fake_syscall(NR_rt_sigprocmask, SIG_SETMASK, 0, (long)&mask_in_handler,
		     8, 0, 0);
	/* The handler moves the interrupted pc (as Go's preemption does),
	 * returns to the restorer, which calls rt_sigreturn. */
	frame->rip = 0x400600;
	/* The XSAVE header came zeroed; a scribbled one is refused. */
	uint8_t *fp = (uint8_t *)frame->fpstate;
	results[5] = 0;
	for (int i = 512; i < 576; i++)
		results[5] |= fp[i];
	fp[530] = 1;
	returned = frame_for(NR_rt_sigreturn, 0, 0, 0);
	returned.rsp = entered.rsp + 8;
	results[6] = fake_syscall_frame(&returned);
	fp[530] = 0;
	returned = frame_for(NR_rt_sigreturn, 0, 0, 0);
	returned.rsp = entered.rsp + 8;
	returned.rcx = returned.r11 = 0xdead;
	results[2] = fake_syscall_frame(&returned);
	results[4] = (long)fake.last_xrstor;
	fake_syscall(NR_rt_sigprocmask, SIG_SETMASK, 0, (long)&mask_after, 8, 0,
		     0);
}

static void test_signal_delivery_and_return(void **state)
{
	(void)state;
	fake_thread(signal_target, 0);
	fake_run();
	assert_int_equal(results[0], 0);
	assert_int_equal(results[1], 0x400500);
	/* Entered: the handler with (sig, &info, &uc) on the alternate stack,
	 * RSP + 8 16-byte aligned as after a call, the restorer on top. */
	assert_int_equal(entered.rip, 0x401000);
	assert_int_equal(entered.rdi, SIGURG);
	assert_true(entered.rsp > (uint64_t)altstack &&
		    entered.rsp < (uint64_t)altstack + sizeof(altstack));
	assert_int_equal((entered.rsp + 8) % 16, 0);
	assert_int_equal(frame->restorer, 0x402000);
	assert_int_equal(entered.rsi, (uint64_t)&frame->si_signo);
	assert_int_equal(entered.rdx, (uint64_t)&frame->uc_flags);
	assert_int_equal(frame->si_signo, SIGURG);
	assert_int_equal(frame->si_code, -6); /* SI_TKILL */
	assert_int_equal(frame->ss_sp, (uint64_t)altstack);
	assert_int_equal(frame->fpstate % 64, 0);
	assert_true(frame->fpstate > entered.rsp);
	assert_int_equal(results[3], frame->fpstate); /* the live state */
	assert_int_equal(results[5], 0);
	assert_int_equal(results[6], -EFAULT);
	/* The saved context: where the syscall returned, its result 0. */
	assert_int_equal(frame->rax, 0);
	assert_int_equal(frame->rbx, 0x1234);
	assert_int_equal(frame->r15, 0xf15);
	assert_int_equal(frame->rsp, (uint64_t)(goroutine_stack + sizeof(goroutine_stack) - 64));
	assert_int_equal(frame->sigmask, 0);
	/* In the handler every signal is blocked (sa_mask), not SIGKILL. */
	assert_int_equal(mask_in_handler, ~((1ull << 8) | (1ull << 18)));
	/* rt_sigreturn: every register back, RCX and R11 included, the pc as
	 * the handler left it, the mask as before, RAX the saved one. */
	assert_int_equal(results[2], 0);
	assert_int_equal(returned.rip, 0x400600);
	assert_int_equal(returned.rcx, 0x400500);
	assert_int_equal(returned.r11, 0x246);
	assert_int_equal(returned.rbx, 0x1234);
	assert_int_equal(returned.rsp, frame->rsp);
	assert_int_equal(returned.vector, PLATFORM_VECTOR_SYSCALL_RESTORE);
	assert_int_equal(results[4], frame->fpstate);
	assert_int_equal(mask_after, 0);
}

/* A tick can interrupt the last instructions of a syscall's return, which
 * run on the thread's kernel stack with interrupts on: no frame is built
 * from that context (its rt_sigreturn would resume kernel code on a
 * reused stack); the signal waits for a context in program code. */
static void kernel_stack_target(const struct platform_regs *start)
{
	struct ksigaction act = { .handler = 0x401000,
				  .flags = 0x4 | 0x04000000 | 0x08000000,
				  .restorer = 0x402000 };
	struct { uint64_t sp; int32_t flags, pad; uint64_t size; } ss = {
		(uint64_t)altstack, 0, 0, sizeof(altstack) };
	uint64_t urg = 1ull << (SIGURG - 1);
	long tid = fake_syscall(NR_gettid, 0, 0, 0, 0, 0, 0);
	struct thread *t = sched_current();
	(void)start;

	fake_syscall(NR_rt_sigaction, SIGURG, (long)&act, 0, 8, 0, 0);
	fake_syscall(NR_sigaltstack, (long)&ss, 0, 0, 0, 0, 0);
	fake_syscall(NR_rt_sigprocmask, SIG_BLOCK, (long)&urg, 0, 8, 0, 0);
	fake_syscall(NR_tgkill, 1, tid, SIGURG, 0, 0, 0);
	/* Unblocked behind the kernel's back: a syscall doing it would
	 * deliver the signal as it returns. */
	t->sigmask = 0;
	struct platform_regs k = frame_for(NR_getpid, 0, 0, 0);
	k.rsp = (uint64_t)t->kstack_top - 40;
	signal_deliver_pending(t, &k, NULL);
	results[0] = (long)k.rip;
	results[1] = (long)k.rsp - (long)t->kstack_top;
	results[2] = (t->sigpending & urg) != 0;
	struct platform_regs p = frame_for(NR_getpid, 0, 0, 0);
	signal_deliver_pending(t, &p, NULL);
	results[3] = (long)p.rip;
	results[4] = (t->sigpending & urg) != 0;
}

static void test_no_signal_frame_on_a_kernel_stack(void **state)
{
	(void)state;
	fake_thread(kernel_stack_target, 0);
	fake_run();
	assert_int_equal(results[0], 0x400500); /* not diverted */
	assert_int_equal(results[1], -40);
	assert_int_equal(results[2], 1);         /* still pending */
	assert_int_equal(results[3], 0x401000); /* the handler */
	assert_int_equal(results[4], 0);
}

/* A thread preempted in program code that gets its CPU back by a switch
 * (the thread that preempted it blocks) resumes straight into program
 * code: its pending signal is delivered there, not only at a later tick
 * (which may never land while it runs: a spinning Go thread waited for
 * its debugger-call SIGTRAP forever). */
static long preempted_tid;

static void preempted_handler(const struct platform_regs *start)
{
	results[0] = (long)start->rdi;  /* the signal */
	results[1] = start->rsp >= (uint64_t)altstack &&
		     start->rsp < (uint64_t)altstack + sizeof(altstack);
}

static void preempted_target(const struct platform_regs *start)
{
	struct { uint64_t sp; int32_t flags, pad; uint64_t size; } ss = {
		(uint64_t)altstack, 0, 0, sizeof(altstack) };
	(void)start;

	preempted_tid = fake_syscall(NR_gettid, 0, 0, 0, 0, 0, 0);
	fake_syscall(NR_sigaltstack, (long)&ss, 0, 0, 0, 0, 0);
	for (int i = 0; i < 2; i++) {
		/* Computes for a whole slice; a tick ends it. */
		fake_advance(SCHED_SLICE_NS);
		fake_timer_interrupt();
		results[2] = i; /* resumed where it was, handler not run */
	}
}

static void preempting_sender(const struct platform_regs *start)
{
	struct ksigaction act = { .handler = (uintptr_t)preempted_handler,
				  .flags = 0x4 | 0x04000000 | 0x08000000,
				  .restorer = 0x402000 };
	(void)start;

	fake_syscall(NR_rt_sigaction, SIGUSR1, (long)&act, 0, 8, 0, 0);
	results[3] = fake_syscall(NR_tgkill, 1, preempted_tid, SIGUSR1, 0, 0, 0);
	time_sleep_ns(1000000000); /* blocks: the target gets the CPU back */
}

static void test_signal_delivered_when_a_preempted_thread_resumes(void **state)
{
	(void)state;
	fake_thread(preempted_target, 0);
	fake_thread(preempting_sender, 0);
	fake_run();
	assert_int_equal(results[3], 0);
	assert_int_equal(results[0], SIGUSR1);
	assert_int_equal(results[1], 1);
	assert_int_equal(results[2], 99); /* the handler came first */
}

/* A signal without a handler: the default action. SIGURG's is to ignore
 * (the thread goes on); SIGPIPE's ends the program, as killed by it. */
static void default_action_target(const struct platform_regs *start)
{
	long tid = fake_syscall(NR_gettid, 0, 0, 0, 0, 0, 0);
	(void)start;

	results[0] = fake_syscall(NR_tgkill, 1, tid, SIGURG, 0, 0, 0);
	results[1] = 1; /* still running */
	fake_syscall(NR_tgkill, 1, tid, SIGPIPE, 0, 0, 0);
	results[2] = 1; /* not reached */
}

/* CPU exceptions in program code: each becomes the signal Linux sends
 * for it, with its si_code, and si_addr the faulting instruction where
 * Linux gives it (else 0), the handler entered. */
static const struct {
	uint64_t vector;
	int sig, code;
	bool addr_is_rip;
} exceptions[] = {
	{ 0, SIGFPE, FPE_INTDIV, true },   { 1, SIGTRAP, TRAP_TRACE, true },
	{ 3, SIGTRAP, SI_KERNEL, false },  { 4, SIGSEGV, SI_KERNEL, false },
	{ 5, SIGSEGV, SI_KERNEL, false },  { 6, SIGILL, ILL_ILLOPN, true },
	{ 12, SIGBUS, SI_KERNEL, false },  { 13, SIGSEGV, SI_KERNEL, false },
	{ 16, SIGFPE, FPE_FLTINV, true },  { 17, SIGBUS, BUS_ADRALN, true },
	{ 19, SIGFPE, FPE_FLTINV, true },
};
#define NEXCEPTIONS (sizeof(exceptions) / sizeof(exceptions[0]))

static void test_exceptions_become_linux_signals(void **state)
{
	struct linux_siginfo info;
	(void)state;

	for (size_t i = 0; i < NEXCEPTIONS; i++) {
		struct platform_regs r = frame_for(0, 0, 0, 0);
		r.vector = exceptions[i].vector;
		r.rip = 0x400700;
		int sig = signal_of_exception(&r, 0, &info);
		if (sig != exceptions[i].sig || info.signo != sig || info.code != exceptions[i].code)
			fail_msg("vector %lu: signal %d code %d, wanted %d code %d",
				 (unsigned long)exceptions[i].vector, sig, info.code,
				 exceptions[i].sig, exceptions[i].code);
		assert_int_equal(info.u.addr, exceptions[i].addr_is_rip ? 0x400700 : 0);
	}
	/* A page fault: the address, and whether the page was there. */
	struct platform_regs pf = frame_for(0, 0, 0, 0);
	pf.vector = PLATFORM_VECTOR_PAGE_FAULT;
	pf.error = PLATFORM_PF_PRESENT;
	assert_int_equal(signal_of_exception(&pf, 0x1234, &info), SIGSEGV);
	assert_int_equal(info.code, SEGV_ACCERR);
	assert_int_equal(info.u.addr, 0x1234);
	/* The timer's vector is no exception of the program's. */
	pf.vector = PLATFORM_VECTOR_TIMER;
	assert_int_equal(signal_of_exception(&pf, 0, &info), 0);
}

static void test_signal_default_action(void **state)
{
	int status;
	(void)state;

	results[2] = 0;
	fake_thread(default_action_target, 0);
	FAKE_EXPECT_EXIT(fake_run(), status);
	assert_int_equal(status, 128 + SIGPIPE);
	assert_int_equal(results[0], 0);
	assert_int_equal(results[1], 1);
	assert_int_equal(results[2], 0);
}

/* A signal to a thread blocked in read(2) on a pipe ends the wait: with
 * SA_RESTART the handler's frame holds the call made again (the SYSCALL's
 * address, RAX its number), without it the call's -EINTR; an ignored
 * signal wakes nobody. */
static int pipe_fds[2];
static uint8_t read_byte;
static int reader_done;

static void blocked_reader(const struct platform_regs *start)
{
	struct { uint64_t sp; int32_t flags, pad; uint64_t size; } ss = {
		(uint64_t)altstack, 0, 0, sizeof(altstack) };
	struct platform_regs r = frame_for(NR_read, pipe_fds[0], (long)&read_byte, 1);
	(void)start;

	fake_syscall(NR_sigaltstack, (long)&ss, 0, 0, 0, 0, 0);
	results[0] = fake_syscall(NR_gettid, 0, 0, 0, 0, 0, 0);
	results[1] = fake_syscall_frame(&r);
	results[2] = (long)r.rip;
	frame = (struct frame_view *)r.rsp;
	results[3] = (long)frame->rip;
	results[4] = (long)frame->rax;
	reader_done = 1;
}

/* Runs blocked_reader with SIGUSR1's handler flags (or SIG_IGN). */
static void signal_blocked_reader(uint64_t handler, uint64_t flags)
{
	struct ksigaction act = { .handler = handler, .flags = flags,
				  .restorer = 0x402000 };

	reader_done = 0;
	assert_int_equal(sys(NR_pipe2, (long)pipe_fds, 0, 0, 0, 0, 0), 0);
	assert_int_equal(sys(NR_rt_sigaction, SIGUSR1, (long)&act, 0, 8, 0, 0), 0);
	fake_thread(blocked_reader, 0);
	fake_run();
	assert_int_equal(reader_done, 0); /* asleep in read */
	assert_int_equal(sys(NR_tgkill, 1, results[0], SIGUSR1, 0, 0, 0), 0);
	fake_run();
}

#define SA_HANDLER_FLAGS (0x4 | 0x04000000 | 0x08000000) /* SIGINFO, RESTORER, ONSTACK */

static void test_signal_restarts_a_blocked_read(void **state)
{
	(void)state;
	signal_blocked_reader(0x401000, SA_HANDLER_FLAGS | SA_RESTART);
	assert_int_equal(reader_done, 1);
	assert_int_equal(results[2], 0x401000);	  /* in the handler */
	assert_int_equal(results[3], 0x400500 - 2); /* back on the SYSCALL */
	assert_int_equal(results[4], NR_read);	  /* with its number */
}

static void test_signal_interrupts_a_blocked_read(void **state)
{
	(void)state;
	signal_blocked_reader(0x401000, SA_HANDLER_FLAGS);
	assert_int_equal(reader_done, 1);
	assert_int_equal(results[2], 0x401000);
	assert_int_equal(results[3], 0x400500); /* past the SYSCALL */
	assert_int_equal(results[4], -EINTR);
}

static void test_ignored_signal_leaves_a_read_blocked(void **state)
{
	(void)state;
	signal_blocked_reader(SIG_IGN, 0);
	assert_int_equal(reader_done, 0);
	assert_int_equal(sys(NR_write, pipe_fds[1], (long)"x", 1, 0, 0, 0), 1);
	fake_run();
	assert_int_equal(reader_done, 1);
	assert_int_equal(results[1], 1);
	assert_int_equal(read_byte, 'x');
}

static void test_signals_sent_are_counted(void **state)
{
	(void)state;
	/* tgkill(pid, tid, sig): Go preempts goroutines with SIGURG (23). */
	assert_int_equal(sys(NR_tgkill, 1, 1, 23, 0, 0, 0), 0);
	assert_int_equal(sys(NR_tgkill, 1, 77, 23, 0, 0, 0), -ESRCH);
	assert_int_equal(sys(NR_tgkill, 2, 1, 23, 0, 0, 0), -ESRCH);
	assert_int_equal(sys(NR_tkill, 1, 0, 0, 0, 0, 0), 0);
	assert_int_equal(sys(NR_kill, 1, 6, 0, 0, 0, 0), 0);
	assert_int_equal(sys(NR_kill, 4242, 6, 0, 0, 0, 0), -ESRCH);
	assert_int_equal(sys(NR_tgkill, 1, 1, 99, 0, 0, 0), -EINVAL);
	kcore_print_counters();
	assert_non_null(strstr(fake_log(), "signal_sent 23 1\n"));
	assert_non_null(strstr(fake_log(), "signal_sent 6 1\n"));
}

static void test_identity_and_machine(void **state)
{
	char uts[6 * 65];
	(void)state;

	assert_int_equal(sys(NR_getpid, 0, 0, 0, 0, 0, 0), 1);
	assert_int_equal(sys(NR_getppid, 0, 0, 0, 0, 0, 0), 0);
	assert_int_equal(sys(NR_getuid, 0, 0, 0, 0, 0, 0), 0);
	assert_int_equal(sys(NR_uname, (long)uts, 0, 0, 0, 0, 0), 0);
	assert_string_equal(uts, "Linux");
	assert_string_equal(uts + 2 * 65, "6.1.0-rewire");
	assert_string_equal(uts + 4 * 65, "x86_64");

	uint8_t mask[128];
	memset(mask, 0xee, sizeof(mask));
	assert_int_equal(sys(NR_sched_getaffinity, 0, sizeof(mask), (long)mask, 0,
			     0, 0),
			 8);
	assert_int_equal(mask[0], 1); /* one CPU */
	assert_int_equal(mask[7], 0);
	assert_int_equal(mask[8], 0xee); /* beyond the returned size */
	assert_int_equal(sys(NR_sched_getaffinity, 0, 4, (long)mask, 0, 0, 0),
			 -EINVAL);

	struct fake_config c = { .cpus = 3 };
	assert_int_equal(fake_boot(&c), 0);
	assert_int_equal(sys(NR_sched_getaffinity, 0, sizeof(mask), (long)mask, 0,
			     0, 0),
			 8);
	assert_int_equal(mask[0], 7);
}

static void test_rlimits(void **state)
{
	uint64_t lim[2], set[2];
	(void)state;

	/* prlimit64(pid, resource, new, old) as Go's syscall.init does. */
	assert_int_equal(sys(NR_prlimit64, 0, RLIMIT_NOFILE, 0, (long)lim, 0, 0), 0);
	assert_int_equal(lim[0], KCORE_NOFILE);
	assert_int_equal(lim[1], KCORE_NOFILE);
	set[0] = 100;
	set[1] = 200;
	assert_int_equal(sys(NR_prlimit64, 0, RLIMIT_NOFILE, (long)set, 0, 0, 0), 0);
	assert_int_equal(sys(NR_getrlimit, RLIMIT_NOFILE, (long)lim, 0, 0, 0, 0), 0);
	assert_int_equal(lim[0], 100);
	set[1] = 100000;
	assert_int_equal(sys(NR_setrlimit, RLIMIT_NOFILE, (long)set, 0, 0, 0, 0),
			 -EPERM);
	set[0] = 300;
	set[1] = 200;
	assert_int_equal(sys(NR_prlimit64, 0, RLIMIT_NOFILE, (long)set, 0, 0, 0),
			 -EINVAL);
	assert_int_equal(sys(NR_prlimit64, 0, RLIMIT_STACK, 0, (long)lim, 0, 0), 0);
	assert_int_equal(lim[0], 8 << 20);
	assert_int_equal(sys(NR_prlimit64, 55, RLIMIT_STACK, 0, (long)lim, 0, 0),
			 -ESRCH);
	assert_int_equal(sys(NR_prlimit64, 0, 99, 0, (long)lim, 0, 0), -EINVAL);
}

static void test_getrandom(void **state)
{
	unsigned char buf[40];
	(void)state;

	memset(buf, 0, sizeof(buf));
	assert_int_equal(sys(NR_getrandom, (long)buf, 33, 0, 0, 0, 0), 33);
	assert_int_equal(buf[0], 0xa0); /* the fake's hardware pattern */
	assert_int_equal(buf[32], 0xa0 + 32);
	assert_int_equal(buf[33], 0);
	assert_int_equal(sys(NR_getrandom, (long)buf, 8, 0x100, 0, 0, 0), -EINVAL);

	/* Without a hardware generator: still random bytes, and one warning. */
	struct fake_config c = { .no_random = true };
	assert_int_equal(fake_boot(&c), 0);
	unsigned char a[16] = { 0 }, b[16] = { 0 };
	assert_int_equal(sys(NR_getrandom, (long)a, 16, 0, 0, 0, 0), 16);
	assert_int_equal(sys(NR_getrandom, (long)b, 16, 0, 0, 0, 0), 16);
	assert_memory_not_equal(a, b, 16);
	assert_int_equal(fake_log_count("no hardware random generator"), 1);
}

static void tls_user(const struct platform_regs *start)
{
	uint64_t got = 0;
	(void)start;
	results[0] = fake_syscall(NR_arch_prctl, ARCH_SET_FS, 0x7f0000001000, 0,
				  0, 0, 0);
	results[1] = (long)fake.fs_base;
	fake_syscall(NR_arch_prctl, ARCH_GET_FS, (long)&got, 0, 0, 0, 0);
	results[2] = (long)got;
	results[3] = fake_syscall(NR_arch_prctl, ARCH_SET_GS, 0x1000, 0, 0, 0, 0);
	results[4] = fake_syscall(NR_arch_prctl, ARCH_SET_FS, -4096, 0, 0, 0, 0);
	results[5] = fake_syscall(NR_gettid, 0, 0, 0, 0, 0, 0);
}

static void test_arch_prctl_and_gettid(void **state)
{
	(void)state;
	long tid = fake_thread(tls_user, 0);
	fake_run();
	assert_int_equal(results[0], 0);
	assert_int_equal(results[1], 0x7f0000001000);
	assert_int_equal(results[2], 0x7f0000001000);
	assert_int_equal(results[3], -EPERM);
	assert_int_equal(results[4], -EPERM);
	assert_int_equal(results[5], tid);
}

static void test_prctl(void **state)
{
	char name[16];
	(void)state;
	assert_int_equal(sys(NR_prctl, PR_SET_NAME, (long)"a-longer-thread-name", 0, 0, 0, 0),
			 0);
	assert_int_equal(sys(NR_prctl, PR_SET_NAME, (long)"gc-worker", 0, 0, 0, 0),
			 0);
	assert_int_equal(sys(NR_prctl, PR_GET_NAME, (long)name, 0, 0, 0, 0), 0);
	/* All 16 bytes: a shorter name leaves nothing of the one before. */
	assert_memory_equal(name, "gc-worker\0\0\0\0\0\0", 16);
	/* Go 1.25 names its mappings (test_procfs.c tests the rest). */
	assert_int_equal(sys(NR_mmap, 0xc000000000, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
			     -1, 0), 0xc000000000);
	assert_int_equal(sys(NR_prctl, PR_SET_VMA, 0, 0xc000000000, 4096,
			     (long)" Go: heap", 0),
			 0);
	assert_int_equal(sys(NR_prctl, PR_SET_VMA, 0, 0xc000001000, 4096,
			     (long)" Go: heap", 0),
			 -ENOMEM);
	assert_int_equal(sys(NR_prctl, 12345, 0, 0, 0, 0, 0), -EINVAL);
}

/* Go's runtime.clone: the child resumes after the SYSCALL with every
 * register of the parent but RAX = 0 and RSP = the new stack. */
static long child_rax = 99, child_rsp, child_tid, child_fs;
static char child_name[16];

static void clone_child(const struct platform_regs *start)
{
	child_rax = (long)start->rax;
	child_rsp = (long)start->rsp;
	child_tid = thread_id();
	child_fs = (long)fake.fs_base;
	fake_syscall(NR_prctl, PR_GET_NAME, (long)child_name, 0, 0, 0, 0);
	results[7] = (long)start->r13; /* Go passes mp in R13 */
}

static void cloner(const struct platform_regs *start)
{
	(void)start;
	const long flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
			   CLONE_SYSVSEM | CLONE_THREAD | CLONE_SETTLS |
			   CLONE_PARENT_SETTID;
	static int32_t ptid;
	fake_syscall(NR_prctl, PR_SET_NAME, (long)"cloner", 0, 0, 0, 0);
	results[0] = fake_syscall_at(clone_child, NR_clone, flags, 0xc000123000,
				     (long)&ptid, 0, 0x7f00000f0000, 0);
	results[1] = ptid;
	/* Without CLONE_THREAD it would be a new process. */
	results[2] = fake_syscall_at(clone_child, NR_clone, 17 /* SIGCHLD */, 0,
				     0, 0, 0, 0);
}

static void test_clone_like_go(void **state)
{
	(void)state;
	fake_thread(cloner, 0);
	fake_run();
	assert_true(results[0] > 1);
	assert_int_equal(results[1], results[0]);
	assert_int_equal(results[2], -ENOSYS);
	assert_int_equal(child_rax, 0);
	assert_int_equal(child_rsp, 0xc000123000);
	assert_int_equal(child_tid, results[0]);
	assert_int_equal(child_fs, 0x7f00000f0000);
	/* A thread starts with its parent's name, as on Linux. */
	assert_string_equal(child_name, "cloner");
}

static void test_clone_without_a_frame(void **state)
{
	(void)state;
	/* Redirect mode has no syscall frame: clone cannot copy one. */
	const long args[6] = { CLONE_VM | CLONE_SIGHAND | CLONE_THREAD, 0x1000 };
	assert_int_equal(kcore_syscall(NR_clone, args), -EINVAL);
}

static void test_trace_option(void **state)
{
	struct fake_config c = { .cmdline = "trace" };
	(void)state;
	assert_int_equal(fake_boot(&c), 0);
	sys(NR_getppid, 0, 0, 0, 0, 0, 0);
	assert_non_null(strstr(fake_log(), "getppid(0, 0, 0, 0, 0, 0) = 0\n"));
}

static void test_robust_list_rseq_and_friends(void **state)
{
	(void)state;
	assert_int_equal(sys(NR_set_robust_list, 0x1000, 24, 0, 0, 0, 0), 0);
	assert_int_equal(sys(NR_set_robust_list, 0x1000, 16, 0, 0, 0, 0), -EINVAL);
	assert_int_equal(sys(NR_rseq, 0x1000, 32, 0, 0x53053053, 0, 0), -ENOSYS);
	assert_int_equal(sys(NR_sched_yield, 0, 0, 0, 0, 0, 0), 0);
	assert_int_equal(sys(NR_brk, 0, 0, 0, 0, 0, 0), 0);
	int32_t id = -1;
	assert_int_equal(sys(NR_timer_create, 3, 0, (long)&id, 0, 0, 0), 0);
	assert_true(id >= 0);
	assert_int_equal(sys(NR_setitimer, 2, 0, 0, 0, 0, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		STEST(test_unknown_is_enosys_logged_once),
		STEST(test_counters_by_number),
		STEST(test_mmap_arguments),
		STEST(test_write_and_read_console),
		STEST(test_missing_paths),
		STEST(test_root_directory_stats),
		STEST(test_fcntl_on_stdio),
		STEST(test_signal_bookkeeping),
		STEST(test_signal_masks_and_altstacks_per_thread),
		STEST(test_signal_default_action),
		STEST(test_exceptions_become_linux_signals),
		STEST(test_signal_restarts_a_blocked_read),
		STEST(test_signal_interrupts_a_blocked_read),
		STEST(test_ignored_signal_leaves_a_read_blocked),
		STEST(test_signals_sent_are_counted),
		STEST(test_signal_delivery_and_return),
		STEST(test_no_signal_frame_on_a_kernel_stack),
		STEST(test_signal_delivered_when_a_preempted_thread_resumes),
		STEST(test_identity_and_machine),
		STEST(test_rlimits),
		STEST(test_getrandom),
		STEST(test_arch_prctl_and_gettid),
		STEST(test_prctl),
		STEST(test_clone_like_go),
		STEST(test_clone_without_a_frame),
		STEST(test_trace_option),
		STEST(test_robust_list_rseq_and_friends),
	};
	return cmocka_run_group_tests_name("kcore syscalls", tests, NULL, NULL);
}
