/* Unit tests of the futex table: the value check, waking exactly n,
 * timeouts on the fake clock, bitsets, and the futex syscall's decoding. */
#include "kcore_test.h"

#include "futex.h"
#include "kernel.h"
#include "linux_abi.h"
#include "thread.h"

static uint32_t word, other;
static long results[16];
static int done;

static int setup(void **state)
{
	word = other = 0;
	done = 0;
	for (int i = 0; i < 16; i++)
		results[i] = 99;
	return boot_with_anchor(state);
}

#define FTEST(f) cmocka_unit_test_setup_teardown(f, setup, check_violations)

/* rdi: index in results; waits on word for 0, no deadline. */
static void waiter(const struct platform_regs *start)
{
	results[start->rdi] = futex_wait(&word, 0, KCORE_FOREVER);
	done++;
}

static void other_waiter(const struct platform_regs *start)
{
	results[start->rdi] = futex_wait(&other, 0, KCORE_FOREVER);
	done++;
}

static void test_wrong_value_is_eagain(void **state)
{
	(void)state;
	word = 1;
	assert_int_equal(futex_wait(&word, 0, KCORE_FOREVER), -EAGAIN);
	/* From a thread too, and it does not sleep. */
	fake_thread(waiter, 0);
	fake_run();
	assert_int_equal(results[0], -EAGAIN);
	assert_int_equal(done, 1);
}

static void test_wait_then_wake(void **state)
{
	(void)state;
	fake_thread(waiter, 0);
	fake_run();
	assert_int_equal(done, 0); /* asleep */
	assert_int_equal(futex_wake(&word, 1), 1);
	assert_int_equal(futex_wake(&word, 1), 0); /* nobody left */
	fake_run();
	assert_int_equal(done, 1);
	assert_int_equal(results[0], 0);
}

static void test_wake_wakes_exactly_n_oldest_first(void **state)
{
	(void)state;
	for (int i = 0; i < 5; i++)
		fake_thread(waiter, i);
	fake_run();
	assert_int_equal(futex_wake(&word, 2), 2);
	fake_run();
	assert_int_equal(done, 2);
	assert_int_equal(results[0], 0);
	assert_int_equal(results[1], 0);
	assert_int_equal(results[2], 99);
	assert_int_equal(futex_wake(&word, 0), 0);
	assert_int_equal(futex_wake(&word, 10), 3);
	fake_run();
	assert_int_equal(done, 5);
}

static void test_addresses_do_not_mix(void **state)
{
	(void)state;
	fake_thread(waiter, 0);
	fake_thread(other_waiter, 1);
	fake_run();
	assert_int_equal(futex_wake(&other, 5), 1);
	fake_run();
	assert_int_equal(results[1], 0);
	assert_int_equal(results[0], 99);
	assert_int_equal(futex_wake(&word, 5), 1);
}

static void timed_waiter(const struct platform_regs *start)
{
	uint64_t t0 = clock_monotonic_ns();
	results[0] = futex_wait(&word, 0, t0 + start->rdi);
	results[1] = (long)(clock_monotonic_ns() - t0);
	done++;
}

static void test_timed_wait_times_out(void **state)
{
	(void)state;
	fake_thread(timed_waiter, 5000000);
	fake_run();
	assert_true(fake.timer_armed);
	assert_int_equal(fake.timer_deadline, fake.now_ns + 5000000);
	fake_advance(4999999);
	assert_false(fake_timer_interrupt());
	fake_run();
	assert_int_equal(done, 0);
	fake_advance(1);
	assert_true(fake_timer_interrupt());
	fake_run();
	assert_int_equal(done, 1);
	assert_int_equal(results[0], -ETIMEDOUT);
	assert_int_equal(results[1], 5000000);
	/* It left the queue: a wake finds nobody. */
	assert_int_equal(futex_wake(&word, 1), 0);
}

static void test_wake_before_timeout_cancels_it(void **state)
{
	(void)state;
	fake_thread(timed_waiter, 5000000);
	fake_run();
	fake_advance(1000000);
	assert_int_equal(futex_wake(&word, 1), 1);
	fake_run();
	assert_int_equal(results[0], 0);
	assert_int_equal(results[1], 1000000);
	/* Its deadline is gone; nothing is armed any more. */
	assert_false(fake.timer_armed);
}

static void test_deadline_in_the_past(void **state)
{
	(void)state;
	fake_thread(timed_waiter, 0);
	fake_run();
	assert_int_equal(results[0], -ETIMEDOUT);
	assert_int_equal(results[1], 0);
}

static void bitset_waiter(const struct platform_regs *start)
{
	results[start->rdi] =
		futex_wait_bitset(&word, 0, KCORE_FOREVER, 1u << start->rdi);
	done++;
}

static void test_bitsets(void **state)
{
	(void)state;
	fake_thread(bitset_waiter, 0);
	fake_thread(bitset_waiter, 1);
	fake_run();
	assert_int_equal(futex_wake_bitset(&word, 5, 4), 0);
	assert_int_equal(futex_wake_bitset(&word, 5, 2), 1);
	fake_run();
	assert_int_equal(results[1], 0);
	assert_int_equal(results[0], 99);
	assert_int_equal(futex_wake_bitset(&word, 5, 0), -EINVAL);
	assert_int_equal(futex_wake(&word, 5), 1);
}

/* The futex syscall, as Go's runtime.futex makes it. */
static void go_futexsleep(const struct platform_regs *start)
{
	struct kcore_timespec ts = { 0, (int64_t)start->rdi };
	results[0] = fake_syscall(NR_futex, (long)&word,
				  FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0,
				  start->rdi ? (long)&ts : 0, 0, 0);
	done++;
}

static void test_syscall_wait_and_wake(void **state)
{
	(void)state;
	fake_thread(go_futexsleep, 0);
	fake_run();
	assert_int_equal(done, 0);
	assert_int_equal(fake_syscall(NR_futex, (long)&word,
				      FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, 0, 0, 0),
			 1);
	fake_run();
	assert_int_equal(results[0], 0);

	/* A relative timeout of 1 ms. */
	fake_thread(go_futexsleep, 1000000);
	fake_run();
	assert_int_equal(fake.timer_deadline, fake.now_ns + 1000000);
	fake_run_timers(2000000);
	assert_int_equal(results[0], -ETIMEDOUT);
}

static void test_syscall_errors(void **state)
{
	struct kcore_timespec bad = { 0, 1000000000 };
	uint32_t words[2] = { 0, 0 };
	(void)state;

	assert_int_equal(fake_syscall(NR_futex, (long)&word, FUTEX_WAIT, 0,
				      (long)&bad, 0, 0),
			 -EINVAL);
	assert_int_equal(fake_syscall(NR_futex, (long)((char *)words + 1),
				      FUTEX_WAKE, 1, 0, 0, 0),
			 -EINVAL);
	assert_int_equal(fake_syscall(NR_futex, (long)&word, 3 /* REQUEUE */, 1,
				      0, 0, 0),
			 -ENOSYS);
	assert_int_equal(fake_syscall(NR_futex, 0, FUTEX_WAKE, 1, 0, 0, 0),
			 -EFAULT);
	word = 5;
	assert_int_equal(fake_syscall(NR_futex, (long)&word, FUTEX_WAIT, 4, 0,
				      0, 0),
			 -EAGAIN);
	/* WAKE's fourth argument is not a timeout pointer: not checked. */
	assert_int_equal(fake_syscall(NR_futex, (long)&word, FUTEX_WAKE, 1, 1,
				      0, 0),
			 0);
}

static void absolute_waiter(const struct platform_regs *start)
{
	struct kcore_timespec ts;
	uint64_t at = start->rdi;
	ts.sec = (int64_t)(at / 1000000000);
	ts.nsec = (int64_t)(at % 1000000000);
	results[0] = fake_syscall(NR_futex, (long)&word,
				  FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0,
				  (long)&ts, 0, (long)FUTEX_BITSET_MATCH_ANY);
	results[1] = (long)clock_monotonic_ns();
	done++;
}

static void test_wait_bitset_absolute_realtime(void **state)
{
	(void)state;
	uint64_t now_wall = clock_realtime_ns(), now = clock_monotonic_ns();
	fake_thread(absolute_waiter, now_wall + 2000000);
	fake_run();
	assert_int_equal(fake.timer_deadline, now + 2000000);
	fake_run_timers(3000000);
	assert_int_equal(results[0], -ETIMEDOUT);
	assert_int_equal(results[1], (long)(now + 2000000));
}

static uint32_t ctid = 1234;

static void clearer(const struct platform_regs *start)
{
	(void)start;
	fake_syscall(NR_set_tid_address, (long)&ctid, 0, 0, 0, 0, 0);
	thread_exit(0);
}

static void ctid_waiter(const struct platform_regs *start)
{
	(void)start;
	results[0] = futex_wait(&ctid, 1234, KCORE_FOREVER);
	done++;
}

static void test_exit_clears_and_wakes_the_child_tid(void **state)
{
	(void)state;
	ctid = 1234;
	fake_thread(ctid_waiter, 0);
	fake_run();
	fake_thread(clearer, 0);
	fake_run();
	assert_int_equal(ctid, 0);
	assert_int_equal(results[0], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FTEST(test_wrong_value_is_eagain),
		FTEST(test_wait_then_wake),
		FTEST(test_wake_wakes_exactly_n_oldest_first),
		FTEST(test_addresses_do_not_mix),
		FTEST(test_timed_wait_times_out),
		FTEST(test_wake_before_timeout_cancels_it),
		FTEST(test_deadline_in_the_past),
		FTEST(test_bitsets),
		FTEST(test_syscall_wait_and_wake),
		FTEST(test_syscall_errors),
		FTEST(test_wait_bitset_absolute_realtime),
		FTEST(test_exit_clears_and_wakes_the_child_tid),
	};
	return cmocka_run_group_tests_name("kcore futex", tests, NULL, NULL);
}
