/* Unit tests of the clocks and of sleeping. */
#include "kcore_test.h"

#include "kernel.h"
#include "linux_abi.h"

static long results[8];

static int setup(void **state)
{
	for (int i = 0; i < 8; i++)
		results[i] = 99;
	return boot_with_anchor(state);
}

#define TTEST(f) cmocka_unit_test_setup_teardown(f, setup, check_violations)

static void test_clock_gettime(void **state)
{
	struct kcore_timespec ts;
	(void)state;

	fake_advance(234567890); /* boot + 1.23456789 s */
	assert_int_equal(sys(NR_clock_gettime, CLOCK_MONOTONIC, (long)&ts, 0, 0,
			     0, 0),
			 0);
	assert_int_equal(ts.sec, 1);
	assert_int_equal(ts.nsec, 234567890);
	assert_int_equal(sys(NR_clock_gettime, CLOCK_MONOTONIC_COARSE, (long)&ts,
			     0, 0, 0, 0),
			 0);
	assert_int_equal(ts.nsec, 234567890);
	assert_int_equal(sys(NR_clock_gettime, CLOCK_BOOTTIME, (long)&ts, 0, 0, 0,
			     0),
			 0);
	assert_int_equal(ts.sec, 1);
	assert_int_equal(sys(NR_clock_gettime, CLOCK_REALTIME, (long)&ts, 0, 0, 0,
			     0),
			 0);
	assert_int_equal(ts.sec, 1700000001);
	assert_int_equal(ts.nsec, 234567890);
	assert_int_equal(sys(NR_clock_gettime, CLOCK_REALTIME_COARSE, (long)&ts, 0,
			     0, 0, 0),
			 0);
	assert_int_equal(ts.sec, 1700000001);
	assert_int_equal(sys(NR_clock_gettime, 11, (long)&ts, 0, 0, 0, 0), -EINVAL);
	assert_int_equal(sys(NR_clock_gettime, -6, (long)&ts, 0, 0, 0, 0), -EINVAL);
	assert_int_equal(sys(NR_clock_gettime, CLOCK_MONOTONIC, 0, 0, 0, 0, 0),
			 -EFAULT);
	assert_int_equal(sys(NR_clock_getres, CLOCK_MONOTONIC, (long)&ts, 0, 0, 0,
			     0),
			 0);
	assert_int_equal(ts.nsec, 1);
	assert_int_equal(sys(NR_clock_getres, CLOCK_MONOTONIC_COARSE, (long)&ts, 0,
			     0, 0, 0),
			 0);
	assert_int_equal(ts.nsec, 4000000);
	assert_int_equal(clock_monotonic_ns(), 1234567890);
}

static void test_gettimeofday_and_time(void **state)
{
	int64_t tv[2];
	int64_t t = 0;
	(void)state;

	fake_advance(500123000);
	assert_int_equal(sys(NR_gettimeofday, (long)tv, 0, 0, 0, 0, 0), 0);
	assert_int_equal(tv[0], 1700000001);
	assert_int_equal(tv[1], 500123);
	assert_int_equal(sys(NR_time, (long)&t, 0, 0, 0, 0, 0), 1700000001);
	assert_int_equal(t, 1700000001);
}

static void cpu_user(const struct platform_regs *start)
{
	struct kcore_timespec ts;
	(void)start;
	fake_advance(3000000); /* computes 3 ms */
	time_sleep_ns(50000000); /* sleeps 50 ms: no CPU time */
	fake_advance(2000000);
	fake_syscall(NR_clock_gettime, CLOCK_THREAD_CPUTIME_ID, (long)&ts, 0, 0,
		     0, 0);
	results[0] = ts.sec * 1000000000 + ts.nsec;
	fake_syscall(NR_clock_gettime, CLOCK_PROCESS_CPUTIME_ID, (long)&ts, 0, 0,
		     0, 0);
	results[1] = ts.sec * 1000000000 + ts.nsec;
}

static void burner(const struct platform_regs *start)
{
	(void)start;
	fake_advance(4000000); /* 4 ms of CPU, then gone */
}

static void test_cpu_time_counts_only_running(void **state)
{
	(void)state;
	fake_thread(burner, 0);
	fake_thread(cpu_user, 0);
	fake_run_timers(100000000);
	/* The thread's own 5 ms; the process's also has the 4 ms of a thread
	 * that exited; sleeping counts for neither. */
	assert_int_equal(results[0], 5000000);
	assert_int_equal(results[1], 9000000);
}

static void nanosleeper(const struct platform_regs *start)
{
	struct kcore_timespec req = { (int64_t)start->rdi, 250000000 };
	uint64_t t0 = clock_monotonic_ns();
	results[0] = fake_syscall(NR_nanosleep, (long)&req, 0, 0, 0, 0, 0);
	results[1] = (long)(clock_monotonic_ns() - t0);
	req.nsec = 1000000000;
	results[2] = fake_syscall(NR_nanosleep, (long)&req, 0, 0, 0, 0, 0);
	req.sec = -1;
	req.nsec = 0;
	results[3] = fake_syscall(NR_nanosleep, (long)&req, 0, 0, 0, 0, 0);
	req.sec = 0;
	results[4] = fake_syscall(NR_nanosleep, (long)&req, 0, 0, 0, 0, 0);
}

static void test_nanosleep(void **state)
{
	(void)state;
	fake_thread(nanosleeper, 2);
	fake_run();
	assert_int_equal(results[0], 99); /* asleep */
	fake_run_timers(3000000000ull);
	assert_int_equal(results[0], 0);
	assert_int_equal(results[1], 2250000000);
	assert_int_equal(results[2], -EINVAL);
	assert_int_equal(results[3], -EINVAL);
	assert_int_equal(results[4], 0); /* zero: a yield */
}

static void abs_sleeper(const struct platform_regs *start)
{
	struct kcore_timespec req;
	int clock = (int)start->rdi;
	uint64_t target = (clock == CLOCK_REALTIME ? clock_realtime_ns()
						   : clock_monotonic_ns()) +
			  7000000;
	req.sec = (int64_t)(target / 1000000000);
	req.nsec = (int64_t)(target % 1000000000);
	uint64_t t0 = clock_monotonic_ns();
	results[0] = fake_syscall(NR_clock_nanosleep, clock, TIMER_ABSTIME,
				  (long)&req, 0, 0, 0);
	results[1] = (long)(clock_monotonic_ns() - t0);
	results[2] = fake_syscall(NR_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0,
				  (long)&req, 0, 0, 0);
	/* An absolute time already past returns at once. */
	req.sec = 0;
	req.nsec = 5;
	results[3] = fake_syscall(NR_clock_nanosleep, CLOCK_MONOTONIC,
				  TIMER_ABSTIME, (long)&req, 0, 0, 0);
}

static void test_clock_nanosleep_absolute(void **state)
{
	(void)state;
	fake_thread(abs_sleeper, CLOCK_MONOTONIC);
	fake_run_timers(10000000);
	assert_int_equal(results[0], 0);
	assert_int_equal(results[1], 7000000);
	assert_int_equal(results[2], -EINVAL);
	assert_int_equal(results[3], 0);

	fake_thread(abs_sleeper, CLOCK_REALTIME);
	fake_run_timers(10000000);
	assert_int_equal(results[1], 7000000);
}

static void sleeper_ms(const struct platform_regs *start)
{
	time_sleep_ns(start->rdi * 1000000);
	results[start->rdi % 8] = (long)clock_monotonic_ns();
}

static void test_deadlines_in_order(void **state)
{
	(void)state;
	uint64_t t0 = clock_monotonic_ns();
	fake_thread(sleeper_ms, 5);
	fake_thread(sleeper_ms, 3);
	fake_thread(sleeper_ms, 4);
	fake_run();
	/* The earliest deadline is the one armed. */
	assert_int_equal(fake.timer_deadline, t0 + 3000000);
	fake_run_timers(10000000);
	assert_int_equal(results[3], (long)(t0 + 3000000));
	assert_int_equal(results[4], (long)(t0 + 4000000));
	assert_int_equal(results[5], (long)(t0 + 5000000));
	assert_false(fake.timer_armed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TTEST(test_clock_gettime),
		TTEST(test_gettimeofday_and_time),
		TTEST(test_cpu_time_counts_only_running),
		TTEST(test_nanosleep),
		TTEST(test_clock_nanosleep_absolute),
		TTEST(test_deadlines_in_order),
	};
	return cmocka_run_group_tests_name("kcore time", tests, NULL, NULL);
}
