/* Unit tests of threads and the scheduler: run queue order, blocking and
 * waking, preemption by the timer, thread exit and reaping. */
#include "kcore_test.h"

#include "kernel.h"
#include "linux_abi.h"
#include "sched.h"
#include "thread.h"
#include "timer.h"

static int order[64];
static int order_len;
static struct thread *blocked[8];
static long results[8];

static void note(int who)
{
	if (order_len < 64)
		order[order_len++] = who;
}

static void expect_order(const int *want, int n)
{
	assert_int_equal(order_len, n);
	for (int i = 0; i < n; i++)
		if (order[i] != want[i])
			fail_msg("step %d: thread %d ran, expected %d", i,
				 order[i], want[i]);
}

static int reset_log(void **state)
{
	order_len = 0;
	for (int i = 0; i < 8; i++) {
		blocked[i] = NULL;
		results[i] = 99;
	}
	return boot_with_anchor(state);
}

#define STEST(f) cmocka_unit_test_setup_teardown(f, reset_log, check_violations)

static uint64_t switches(void)
{
	struct kcore_counters c;
	kcore_counters(&c);
	return c.switches;
}

static void yielder(const struct platform_regs *start)
{
	for (int i = 0; i < 3; i++) {
		note((int)start->rdi);
		thread_yield();
	}
}

static void test_round_robin_with_yield(void **state)
{
	(void)state;
	for (int i = 1; i <= 3; i++)
		assert_int_equal(fake_thread(yielder, i), i + 1); /* 1: anchor */
	fake_run();
	static const int want[] = { 1, 2, 3, 1, 2, 3, 1, 2, 3 };
	expect_order(want, 9);
	assert_int_equal(thread_live_count(), 1); /* all but the anchor */
}

static void yield_alone(const struct platform_regs *start)
{
	(void)start;
	uint64_t before = switches();
	thread_yield(); /* nothing else runnable: no switch */
	results[0] = (long)(switches() - before);
}

static void test_yield_alone_keeps_running(void **state)
{
	(void)state;
	fake_thread(yield_alone, 0);
	fake_run();
	assert_int_equal(results[0], 0);
}

static void blocker(const struct platform_regs *start)
{
	int i = (int)start->rdi;
	unsigned long flags = platform_irq_save();
	blocked[i] = sched_current();
	note(i);
	sched_prepare_block();
	results[i] = sched_block(KCORE_FOREVER);
	platform_irq_restore(flags);
	note(10 + i);
}

static void test_block_and_wake(void **state)
{
	(void)state;
	fake_thread(blocker, 1);
	fake_thread(blocker, 2);
	fake_run();
	/* Both ran up to their block; nothing runs until a wake-up. */
	static const int first[] = { 1, 2 };
	expect_order(first, 2);
	assert_int_equal(blocked[1]->state, THREAD_BLOCKED);
	fake_run();
	assert_int_equal(order_len, 2);

	assert_true(sched_wake(blocked[2], 42));
	assert_false(sched_wake(blocked[2], 43)); /* not blocked any more */
	fake_run();
	static const int second[] = { 1, 2, 12 };
	expect_order(second, 3);
	assert_int_equal(results[2], 42);
	assert_true(sched_wake(blocked[1], 7));
	fake_run();
	assert_int_equal(results[1], 7);
	assert_int_equal(order_len, 4);
}

static void wake_self_first(const struct platform_regs *start)
{
	(void)start;
	unsigned long flags = platform_irq_save();
	uint64_t before = switches();
	sched_prepare_block();
	/* A waker (another CPU, a timer) comes before the thread sleeps:
	 * the wake-up must not be lost, and it must not sleep at all. */
	assert_true(sched_wake(sched_current(), 5));
	results[0] = sched_block(KCORE_FOREVER);
	results[1] = (long)(switches() - before);
	platform_irq_restore(flags);
}

static void test_wake_before_block_is_not_lost(void **state)
{
	(void)state;
	fake_thread(wake_self_first, 0);
	fake_run();
	assert_int_equal(results[0], 5);
	assert_int_equal(results[1], 0);
	assert_int_equal(thread_live_count(), 1);
}

static void spinner(const struct platform_regs *start)
{
	for (int i = 0; i < 3; i++) {
		note((int)start->rdi);
		/* Computes for a whole slice; the timer interrupts it. */
		fake_advance(SCHED_SLICE_NS);
		fake_timer_interrupt();
	}
}

static void test_preemption_by_the_timer(void **state)
{
	(void)state;
	fake_thread(spinner, 1);
	fake_thread(spinner, 2);
	fake_run();
	static const int want[] = { 1, 2, 1, 2, 1, 2 };
	expect_order(want, 6);
}

static void test_no_preemption_when_alone(void **state)
{
	(void)state;
	uint64_t before = switches();
	fake_thread(spinner, 1);
	fake_run();
	static const int want[] = { 1, 1, 1 };
	expect_order(want, 3);
	/* In and out of the one thread only. */
	assert_int_equal(switches() - before, 2);
}

static void short_spinner(const struct platform_regs *start)
{
	for (int i = 0; i < 2; i++) {
		note((int)start->rdi);
		fake_advance(SCHED_SLICE_NS / 4); /* less than a slice */
		fake_timer_interrupt();
	}
}

static void test_slice_armed_only_with_competition(void **state)
{
	(void)state;
	fake_thread(short_spinner, 1);
	fake_thread(short_spinner, 2);
	/* The idle thread has no slice to end, and no deadline is set. */
	assert_false(fake.timer_armed);
	fake_run();
	/* A quarter slice is not enough to lose the CPU. */
	static const int want[] = { 1, 1, 2, 2 };
	expect_order(want, 4);
	assert_false(fake.timer_armed);
}

static void brief_sleeper(const struct platform_regs *start)
{
	time_sleep_ns(start->rdi);
	note(9);
}

static void long_spinner(const struct platform_regs *start)
{
	for (int i = 0; i < 4; i++) {
		note((int)start->rdi);
		fake_advance(SCHED_SLICE_NS / 4);
		fake_timer_interrupt();
	}
}

static void test_other_timers_do_not_cut_the_slice(void **state)
{
	(void)state;
	/* The sleeper wakes 3 ms into the spinner's slice: it waits for the
	 * slice's end (10 ms), it does not take the CPU at once. */
	fake_thread(brief_sleeper, 3000000);
	fake_run();
	fake_thread(long_spinner, 1);
	fake_run();
	static const int want[] = { 1, 1, 1, 1, 9 };
	expect_order(want, 5);
}

static void sleeper(const struct platform_regs *start)
{
	uint64_t t0 = clock_monotonic_ns();
	time_sleep_ns(start->rdi);
	results[0] = (long)(clock_monotonic_ns() - t0);
}

static void test_sleep_wakes_at_its_deadline(void **state)
{
	(void)state;
	fake_thread(sleeper, 3000000);
	fake_run();
	assert_true(fake.timer_armed);
	assert_int_equal(fake.timer_deadline, fake.now_ns + 3000000);
	fake_advance(2000000);
	assert_false(fake_timer_interrupt()); /* not due yet */
	fake_advance(1000000);
	assert_true(fake_timer_interrupt());
	fake_run();
	assert_int_equal(results[0], 3000000);
	assert_false(fake.timer_armed);
}

static void exit_with(const struct platform_regs *start)
{
	thread_exit((int)start->rdi);
}

static void test_threads_exit_and_are_reaped(void **state)
{
	struct kcore_counters before, after;
	(void)state;

	/* The anchor stays, so the others' exits do not end the program. */
	kcore_counters(&before);
	for (int i = 0; i < 5; i++)
		fake_thread(exit_with, 0);
	assert_int_equal(thread_live_count(), 6);
	fake_run();
	assert_int_equal(thread_live_count(), 1);
	kcore_counters(&after);
	assert_int_equal(after.frames_used, before.frames_used);
}

static void test_last_exit_ends_the_program(void **state)
{
	int status = -1;
	(void)state;

	assert_int_equal(fake_boot(NULL), 0); /* no anchor */
	fake_thread(exit_with, 7);
	FAKE_EXPECT_EXIT(fake_run(), status);
	assert_int_equal(status, 7);
}

static void set_fs(const struct platform_regs *start)
{
	thread_set_fs_base(start->rdi);
	thread_yield();
	results[start->rdi & 7] = (long)fake.fs_base;
}

static void test_switch_loads_tls_and_vector_state(void **state)
{
	(void)state;
	fake_thread(set_fs, 0x1001);
	fake_thread(set_fs, 0x2002);
	unsigned xsaves = fake.xsaves, xrstors = fake.xrstors;
	fake_run();
	/* Each thread, resumed after the other ran, has its own FS base. */
	assert_int_equal(results[1], 0x1001);
	assert_int_equal(results[2], 0x2002);
	assert_true(fake.xrstors > xrstors);
	assert_true(fake.xsaves > xsaves);
	assert_non_null(fake.syscall_stack);
}

static void test_thread_table_full(void **state)
{
	struct fake_config c = { .ram_count = 1 };
	long tid = 0;
	(void)state;

	/* Enough memory for every slot's kernel stack. */
	c.ram[0] = (struct platform_mem_region){ 1 << 20, 24 << 20 };
	assert_int_equal(fake_boot(&c), 0);
	for (int i = 0; i < KCORE_MAX_THREADS; i++) {
		tid = fake_thread(blocker, 0);
		assert_true(tid > 0);
	}
	assert_int_equal(tid, KCORE_MAX_THREADS);
	assert_int_equal(fake_thread(blocker, 0), -EAGAIN);
}

static void test_no_memory_for_a_thread(void **state)
{
	struct fake_config c = { .ram_count = 1 };
	(void)state;

	/* Room for the bitmap and two kernel stacks (4 frames each) with
	 * their vector areas, not three. */
	c.ram[0] = (struct platform_mem_region){ 1 << 20, 12 * 4096 };
	assert_int_equal(fake_boot(&c), 0);
	assert_true(fake_thread(blocker, 0) > 0);
	assert_true(fake_thread(blocker, 0) > 0);
	assert_int_equal(fake_thread(blocker, 0), -ENOMEM);
}

static void test_idle_must_not_block(void **state)
{
	int status;
	(void)state;

	FAKE_EXPECT_EXIT(sched_prepare_block(), status);
	assert_int_equal(status, PLATFORM_EXIT_CRASH);
	assert_non_null(strstr(fake_stderr(), "idle thread"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		STEST(test_round_robin_with_yield),
		STEST(test_yield_alone_keeps_running),
		STEST(test_block_and_wake),
		STEST(test_wake_before_block_is_not_lost),
		STEST(test_preemption_by_the_timer),
		STEST(test_no_preemption_when_alone),
		STEST(test_slice_armed_only_with_competition),
		STEST(test_other_timers_do_not_cut_the_slice),
		STEST(test_sleep_wakes_at_its_deadline),
		STEST(test_threads_exit_and_are_reaped),
		STEST(test_last_exit_ends_the_program),
		STEST(test_switch_loads_tls_and_vector_state),
		STEST(test_thread_table_full),
		STEST(test_no_memory_for_a_thread),
		STEST(test_idle_must_not_block),
	};
	return cmocka_run_group_tests_name("kcore scheduler", tests, NULL, NULL);
}
