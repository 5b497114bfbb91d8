/* Unit tests of redirect mode's glue (core/redirect.c): a leaf's ABI0
 * frame in, its results in the same frame (or registers for the
 * ABIInternal ones) out, as the Go runtime's assembly leaves them; and the
 * redirects' counters, apart from the traps'. */
#include "kcore_test.h"

#include "kcore_leaves.h"
#include "linux_abi.h"

/* Calls leaf id as its door would: interrupts off, RSP at the leaf's
 * frame (the arguments above the return address). */
static void redirect(unsigned id, void *frame, struct platform_regs *regs)
{
	struct platform_regs local;
	bool was_off = fake.irq_off;

	if (!regs) {
		regs = &local;
		platform_regs_init(regs, 0x401000, (uintptr_t)frame);
	}
	regs->vector = PLATFORM_VECTOR_REDIRECT;
	regs->error = id;
	fake.irq_off = true;
	assert_int_equal(kcore_redirect(regs, id), 0);
	fake.irq_off = was_off;
}

#define RTEST(f) cmocka_unit_test_setup_teardown(f, boot_with_anchor, check_violations)

/* getpid() int64: MOVQ AX, ret+0(FP). */
static void test_getpid_fills_a_quadword(void **state)
{
	uint64_t frame[1] = { 0xdeadbeefdeadbeefull };
	(void)state;
	redirect(KCORE_LEAF_getpid, frame, NULL);
	assert_int_equal(frame[0], 1);
}

/* write1(fd uintptr, p unsafe.Pointer, n int32) int32 at 24. */
static void test_write1_reaches_the_console(void **state)
{
	struct {
		uint64_t fd;
		const char *p;
		uint32_t n, pad;
		uint32_t ret, pad2;
	} frame = { 1, "door\n", 5, 0x77777777, 0xffffffff, 0x55555555 };
	(void)state;
	fake_console_clear();
	redirect(KCORE_LEAF_write1, &frame, NULL);
	assert_string_equal(fake_console(), "door\n");
	assert_int_equal(frame.ret, 5);
	assert_int_equal(frame.pad2, 0x55555555); /* MOVL: 4 bytes only */
	frame.fd = 9;
	redirect(KCORE_LEAF_write1, &frame, NULL);
	assert_int_equal((int32_t)frame.ret, -EBADF);
}

/* open(name *byte, mode, perm int32) int32: -1 on an error, not -errno. */
static void test_open_failure_is_minus_one(void **state)
{
	struct {
		const char *name;
		int32_t mode, perm;
		int32_t ret;
	} frame = { "/no/such/file", 0, 0, 12345 };
	(void)state;
	redirect(KCORE_LEAF_open, &frame, NULL);
	assert_int_equal(frame.ret, -1);
}

/* sysMmap(addr, n uintptr, prot, flags, fd int32, off uint32)
 * (p unsafe.Pointer, err int): errno apart, p 0 on an error. */
static void test_sysmmap_splits_pointer_and_errno(void **state)
{
	struct {
		uint64_t addr, n;
		int32_t prot, flags, fd;
		uint32_t off;
		uint64_t p, err;
	} frame = { 0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0, 1, 1 };
	(void)state;
	redirect(KCORE_LEAF_sysMmap, &frame, NULL);
	assert_true(frame.p != 0);
	assert_int_equal(frame.err, 0);
	frame.flags = MAP_PRIVATE;
	frame.fd = 3;
	redirect(KCORE_LEAF_sysMmap, &frame, NULL);
	assert_int_equal(frame.p, 0);
	assert_int_equal(frame.err, ENODEV);
}

/* syscall.gettimeofday(tv *Timeval) (err Errno): 0 or the error number,
 * a quadword at 8. */
static void test_gettimeofday_errno(void **state)
{
	int64_t tv[2] = { 0, 0 };
	uint64_t frame[2] = { (uintptr_t)tv, 0xdeadbeefdeadbeefull };
	(void)state;
	redirect(KCORE_LEAF_gettimeofday, frame, NULL);
	assert_int_equal(frame[1], 0);
	assert_true(tv[0] > 1700000000); /* after 2023 */
	assert_true(tv[1] >= 0 && tv[1] < 1000000);
	frame[0] = 0xffff800000000000ull; /* the upper half: never the program's */
	redirect(KCORE_LEAF_gettimeofday, frame, NULL);
	assert_int_equal(frame[1], EFAULT);
}

/* nanotime1() int64: the monotonic clock, which does not go back. */
static void test_nanotime1_is_monotonic(void **state)
{
	uint64_t a[1] = { 0 }, b[1] = { 0 };
	(void)state;
	redirect(KCORE_LEAF_nanotime1, a, NULL);
	redirect(KCORE_LEAF_nanotime1, b, NULL);
	assert_true(b[0] >= a[0]);
	assert_true(b[0] <= clock_monotonic_ns());
}

/* The Go-level fast paths take registers (ABIInternal). futexsleep with
 * a value that no longer matches returns at once; futexwakeup with nobody
 * waiting is no error. */
static void test_futex_fast_paths(void **state)
{
	struct platform_regs regs;
	uint64_t stack[2] = { 0 };
	uint32_t word = 1;
	(void)state;

	platform_regs_init(&regs, 0x401000, (uintptr_t)stack);
	regs.rax = (uintptr_t)&word;
	regs.rbx = 0;
	regs.rcx = (uint64_t)-1; /* no deadline: it would sleep forever */
	redirect(KCORE_LEAF_futexsleep, NULL, &regs);
	assert_int_equal(regs.rax, (uintptr_t)&word); /* registers as they were */
	regs.rbx = 5;
	redirect(KCORE_LEAF_futexwakeup, NULL, &regs);
	assert_int_equal(word, 1);
}

/* sysAllocOS(n) and sysReserveOS(v, n) give memory in AX, nil when the
 * mapping fails; sysFreeOS(v, n) gives it back. */
static void test_memory_fast_paths(void **state)
{
	struct platform_regs regs;
	uint64_t stack[2] = { 0 };
	(void)state;

	platform_regs_init(&regs, 0x401000, (uintptr_t)stack);
	regs.rax = 8192;
	redirect(KCORE_LEAF_sysAllocOS, NULL, &regs);
	assert_true(regs.rax != 0 && regs.rax % 4096 == 0);
	regs.rbx = 8192;
	redirect(KCORE_LEAF_sysFreeOS, NULL, &regs);

	regs.rax = 0;
	regs.rbx = 1ull << 20;
	redirect(KCORE_LEAF_sysReserveOS, NULL, &regs);
	assert_true(regs.rax != 0 && regs.rax % 4096 == 0);
	regs.rax = 0;
	regs.rbx = 0; /* mmap of 0 bytes: EINVAL, so nil */
	redirect(KCORE_LEAF_sysReserveOS, NULL, &regs);
	assert_int_equal(regs.rax, 0);
}

/* Syscall6(num, a1..a6 uintptr) (r1, r2, errno uintptr): num in AX, the
 * arguments in BX, CX, DI, SI, R8, R9; r1, r2, errno back in AX, BX, CX. */
static void test_syscall6_registers(void **state)
{
	struct platform_regs regs;
	uint64_t stack[2] = { 0 };
	(void)state;

	platform_regs_init(&regs, 0x401000, (uintptr_t)stack);
	regs.rax = NR_getpid;
	regs.rcx = 77;
	redirect(KCORE_LEAF_syscall6, NULL, &regs);
	assert_int_equal(regs.rax, 1);
	assert_int_equal(regs.rcx, 0);

	regs.rax = NR_write;
	regs.rbx = 1;
	regs.rcx = (uintptr_t)"six\n";
	regs.rdi = 4;
	fake_console_clear();
	redirect(KCORE_LEAF_syscall6, NULL, &regs);
	assert_int_equal(regs.rax, 4);
	assert_int_equal(regs.rbx, 4); /* r2: what RDX (a3) held */
	assert_int_equal(regs.rcx, 0);
	assert_string_equal(fake_console(), "six\n");

	regs.rax = 400;
	redirect(KCORE_LEAF_syscall6, NULL, &regs);
	assert_int_equal(regs.rax, (uint64_t)-1);
	assert_int_equal(regs.rbx, 0);
	assert_int_equal(regs.rcx, ENOSYS);
}

/* time.now() (sec int64, nsec int32, mono int64) in AX, BX, CX. */
static void test_time_now_registers(void **state)
{
	struct platform_regs regs;
	uint64_t stack[2] = { 0 };
	(void)state;

	platform_regs_init(&regs, 0x401000, (uintptr_t)stack);
	redirect(KCORE_LEAF_time_now, NULL, &regs);
	assert_true(regs.rbx < 1000000000ull);
	assert_true(regs.rax * 1000000000ull + regs.rbx <= clock_realtime_ns());
	assert_true(regs.rcx <= clock_monotonic_ns());
}

/* Redirects count by leaf; they are not traps, though the syscall layer
 * counts the system calls they make. */
static void test_redirects_are_counted_apart_from_traps(void **state)
{
	struct kcore_counters before, after;
	uint64_t frame[1];
	(void)state;

	kcore_counters(&before);
	for (int i = 0; i < 3; i++)
		redirect(KCORE_LEAF_getpid, frame, NULL);
	fake_syscall(NR_getpid, 0, 0, 0, 0, 0, 0);
	kcore_counters(&after);
	assert_int_equal(after.redirects, before.redirects + 3);
	assert_int_equal(after.syscalls, before.syscalls + 4);
	kcore_print_counters();
	assert_non_null(strstr(fake_log(), "kcore-stats: redirect getpid 3\n"));
	assert_non_null(strstr(fake_log(), "kcore-stats: redirects 3\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		RTEST(test_getpid_fills_a_quadword),
		RTEST(test_write1_reaches_the_console),
		RTEST(test_open_failure_is_minus_one),
		RTEST(test_sysmmap_splits_pointer_and_errno),
		RTEST(test_gettimeofday_errno),
		RTEST(test_nanotime1_is_monotonic),
		RTEST(test_syscall6_registers),
		RTEST(test_futex_fast_paths),
		RTEST(test_memory_fast_paths),
		RTEST(test_time_now_registers),
		RTEST(test_redirects_are_counted_apart_from_traps),
	};
	return cmocka_run_group_tests_name("kcore redirect", tests, NULL, NULL);
}
