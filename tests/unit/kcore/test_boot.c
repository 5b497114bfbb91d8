/* kernel_main from boot to exit on the fake platform: a C function plays
 * the Go program (reads its initial stack, writes, sleeps, clones a thread,
 * synchronizes on a futex, exits) through the syscall hook. */
#include "kcore_test.h"

#include "kernel.h"
#include "linux_abi.h"

static uint32_t child_done;
static char child_stack[64];

static void child(const struct platform_regs *start)
{
	(void)start;
	fake_syscall(NR_write, 1, (long)"child\n", 6, 0, 0, 0);
	__atomic_store_n(&child_done, 1, __ATOMIC_SEQ_CST);
	fake_syscall(NR_futex, (long)&child_done, FUTEX_WAKE | FUTEX_PRIVATE_FLAG,
		     1, 0, 0, 0);
	fake_syscall(NR_exit, 0, 0, 0, 0, 0, 0);
}

static void program(const struct platform_regs *start)
{
	const uint64_t *sp = fake_va(start->rsp);
	uint64_t argc = sp[0];
	const char *arg1 = argc > 1 ? fake_va(sp[2]) : "?";
	struct kcore_timespec ms = { 0, 1000000 };
	const long flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
			   CLONE_SYSVSEM | CLONE_THREAD;

	fake_syscall(NR_write, 1, (long)arg1, (long)strlen(arg1), 0, 0, 0);
	fake_syscall(NR_write, 1, (long)"\n", 1, 0, 0, 0);
	fake_syscall(NR_nanosleep, (long)&ms, 0, 0, 0, 0, 0);
	fake_syscall_at(child, NR_clone, flags, (long)child_stack, 0, 0, 0, 0);
	while (!__atomic_load_n(&child_done, __ATOMIC_SEQ_CST))
		fake_syscall(NR_futex, (long)&child_done,
			     FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, 0, 0, 0);
	fake_syscall(NR_write, 1, (long)"done\n", 5, 0, 0, 0);
	fake_syscall(NR_exit_group, 3, 0, 0, 0, 0, 0);
}

static void test_boot_run_exit(void **state)
{
	struct fake_config c = {
		.cmdline = "stats env=X=1 -- prog hello%20world",
		.program = { .entry = (uintptr_t)program, .phdr = 0x400040,
			     .phent = 56, .phnum = 5 },
	};
	int status = -1;
	(void)state;

	child_done = 0;
	fake_reset(&c);
	FAKE_EXPECT_EXIT(kernel_main(), status);
	assert_int_equal(status, 3);
	const char *out = fake_console();
	assert_non_null(strstr(out, "hello world\nchild\ndone\n"));
	/* The counters, asked for with "stats", go to the log, not the
	 * program's console. */
	assert_null(strstr(out, "kcore-stats"));
	assert_non_null(strstr(fake_log(), "kcore-stats: syscalls "));
	assert_non_null(strstr(fake_log(), "kcore-stats: syscall clone 1\n"));
	assert_non_null(strstr(fake_log(), "kcore-stats: syscall nanosleep 1\n"));
	assert_int_equal(fake.violations, 0);
}

static void exits_alone(const struct platform_regs *start)
{
	(void)start;
	fake_syscall(NR_exit, 9, 0, 0, 0, 0, 0);
}

static void test_last_thread_exit_is_the_status(void **state)
{
	struct fake_config c = { .program = { .entry = (uintptr_t)exits_alone } };
	int status = -1;
	(void)state;

	fake_reset(&c);
	FAKE_EXPECT_EXIT(kernel_main(), status);
	assert_int_equal(status, 9);
	assert_null(strstr(fake_log(), "kcore-stats")); /* not asked */
}

static uint32_t never;

static void waits_forever(const struct platform_regs *start)
{
	(void)start;
	fake_syscall(NR_futex, (long)&never, FUTEX_WAIT, 0, 0, 0, 0);
}

static void test_deadlock_is_a_hang(void **state)
{
	struct fake_config c = { .program = { .entry = (uintptr_t)waits_forever } };
	int status = 0;
	(void)state;

	fake_reset(&c);
	FAKE_EXPECT_EXIT(kernel_main(), status);
	assert_int_equal(status, FAKE_HANG);
}

static void test_boot_failure_returns_a_status(void **state)
{
	struct fake_config c = { .cmdline = "-- a", .image_end = 1ull << 40 };
	(void)state;

	fake_reset(&c);
	assert_int_equal(kernel_main(), KCORE_EXIT_OOM);
}

static void sleeps_then_exits(const struct platform_regs *start)
{
	struct kcore_timespec t = { 3, 500000000 };
	(void)start;
	fake_syscall(NR_nanosleep, (long)&t, 0, 0, 0, 0, 0);
	fake_syscall(NR_exit_group, 0, 0, 0, 0, 0, 0);
}

static void test_memlog_logs_frames_while_the_program_sleeps(void **state)
{
	struct fake_config c = {
		.cmdline = "memlog=1 -- prog",
		.program = { .entry = (uintptr_t)sleeps_then_exits },
	};
	int status = -1;
	(void)state;

	fake_reset(&c);
	FAKE_EXPECT_EXIT(kernel_main(), status);
	assert_int_equal(status, 0);
	/* Booted at 1 s: lines at 2, 3 and 4 s; the sleep ends at 4.5 s. */
	assert_int_equal(fake_log_count("kcore-frames: t="), 3);
	assert_non_null(strstr(fake_log(), "kcore-frames: t=2 used "));
	assert_non_null(strstr(fake_log(), "kcore-frames: t=4 used "));
	assert_null(strstr(fake_console(), "kcore-frames"));
}

static void test_memlog_needs_whole_seconds(void **state)
{
	static const char *const bad[] = { "memlog=0 -- a", "memlog=x -- a",
					   "memlog= -- a", "memlog=86401 -- a",
					   "memlog=99999999999999999999 -- a" };
	(void)state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fake_config c = { .cmdline = bad[i] };
		fake_reset(&c);
		assert_int_equal(kernel_main(), KCORE_EXIT_USAGE);
		assert_non_null(strstr(fake_stderr(), "memlog="));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boot_run_exit),
		cmocka_unit_test(test_last_thread_exit_is_the_status),
		cmocka_unit_test(test_deadlock_is_a_hang),
		cmocka_unit_test(test_boot_failure_returns_a_status),
		cmocka_unit_test(test_memlog_logs_frames_while_the_program_sleeps),
		cmocka_unit_test(test_memlog_needs_whole_seconds),
	};
	return cmocka_run_group_tests_name("kcore boot", tests, NULL, NULL);
}
