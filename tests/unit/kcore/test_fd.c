/* Unit tests of the file layer: descriptors, pipes, eventfd and epoll, as
 * Go's network poller uses them (every Go program with a timer does). */
#include "kcore_test.h"

#include "kernel.h"
#include "linux_abi.h"

static long results[8];
static int done;

static int setup(void **state)
{
	for (int i = 0; i < 8; i++)
		results[i] = 99;
	done = 0;
	return boot_with_anchor(state);
}

#define FTEST(f) cmocka_unit_test_setup_teardown(f, setup, check_violations)

struct epoll_event_packed {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));

static void test_pipe_read_write_eof(void **state)
{
	int32_t fds[2] = { -1, -1 };
	char buf[16];
	(void)state;

	assert_int_equal(sys(NR_pipe2, (long)fds, O_NONBLOCK | O_CLOEXEC, 0, 0, 0,
			     0),
			 0);
	assert_int_equal(fds[0], 3); /* lowest free descriptors */
	assert_int_equal(fds[1], 4);
	assert_int_equal(sys(NR_fcntl, 3, F_GETFL, 0, 0, 0, 0), O_RDONLY | O_NONBLOCK);
	assert_int_equal(sys(NR_fcntl, 4, F_GETFD, 0, 0, 0, 0), FD_CLOEXEC);
	assert_int_equal(sys(NR_read, fds[0], (long)buf, 16, 0, 0, 0), -EAGAIN);
	assert_int_equal(sys(NR_write, fds[1], (long)"abcdef", 6, 0, 0, 0), 6);
	assert_int_equal(sys(NR_read, fds[0], (long)buf, 4, 0, 0, 0), 4);
	assert_memory_equal(buf, "abcd", 4);
	assert_int_equal(sys(NR_read, fds[0], (long)buf, 16, 0, 0, 0), 2);
	assert_memory_equal(buf, "ef", 2);
	assert_int_equal(sys(NR_close, fds[1], 0, 0, 0, 0, 0), 0);
	assert_int_equal(sys(NR_read, fds[0], (long)buf, 16, 0, 0, 0), 0); /* EOF */
	assert_int_equal(sys(NR_close, fds[0], 0, 0, 0, 0, 0), 0);
	assert_int_equal(sys(NR_close, fds[0], 0, 0, 0, 0, 0), -EBADF);
}

static void test_pipe_wraps_and_fills(void **state)
{
	int32_t fds[2];
	static char big[5000], back[5000];
	(void)state;

	for (int i = 0; i < 5000; i++)
		big[i] = (char)(i * 7);
	sys(NR_pipe2, (long)fds, O_NONBLOCK, 0, 0, 0, 0);
	/* A 4 KiB pipe takes what fits; a full pipe says EAGAIN. */
	assert_int_equal(sys(NR_write, fds[1], (long)big, 5000, 0, 0, 0), 4096);
	assert_int_equal(sys(NR_write, fds[1], (long)big, 1, 0, 0, 0), -EAGAIN);
	assert_int_equal(sys(NR_read, fds[0], (long)back, 3000, 0, 0, 0), 3000);
	assert_int_equal(sys(NR_write, fds[1], (long)big + 4096, 904, 0, 0, 0), 904);
	assert_int_equal(sys(NR_read, fds[0], (long)back + 3000, 5000, 0, 0, 0),
			 2000);
	assert_memory_equal(back, big, 5000);
	/* The reader gone: EPIPE, and a SIGPIPE recorded. */
	sys(NR_close, fds[0], 0, 0, 0, 0, 0);
	assert_int_equal(sys(NR_write, fds[1], (long)big, 1, 0, 0, 0), -EPIPE);
	kcore_print_counters();
	assert_non_null(strstr(fake_log(), "signal_sent 13 1\n"));
}

static int32_t pfds[2];

static void blocking_reader(const struct platform_regs *start)
{
	char buf[8] = { 0 };
	(void)start;
	results[0] = fake_syscall(NR_read, pfds[0], (long)buf, 8, 0, 0, 0);
	results[1] = buf[0];
	done++;
}

static void test_blocking_read_waits_for_a_writer(void **state)
{
	(void)state;
	sys(NR_pipe, (long)pfds, 0, 0, 0, 0, 0);
	fake_thread(blocking_reader, 0);
	fake_run();
	assert_int_equal(done, 0);
	assert_int_equal(sys(NR_write, pfds[1], (long)"Z", 1, 0, 0, 0), 1);
	fake_run();
	assert_int_equal(done, 1);
	assert_int_equal(results[0], 1);
	assert_int_equal(results[1], 'Z');
	/* And end of file wakes a reader too. */
	fake_thread(blocking_reader, 0);
	fake_run();
	sys(NR_close, pfds[1], 0, 0, 0, 0, 0);
	fake_run();
	assert_int_equal(done, 2);
	assert_int_equal(results[0], 0);
}

/* fd 0 reads the console's input; a reader waits for it to come. */
static void console_reader(const struct platform_regs *start)
{
	char buf[8] = { 0 };
	(void)start;
	results[0] = fake_syscall(NR_read, 0, (long)buf, 8, 0, 0, 0);
	results[1] = buf[0];
	done++;
}

static void test_console_input(void **state)
{
	char buf[8];
	(void)state;

	fake.input = "hi!";
	fake.input_len = 3;
	assert_int_equal(sys(NR_read, 0, (long)buf, 2, 0, 0, 0), 2);
	assert_memory_equal(buf, "hi", 2);
	assert_int_equal(sys(NR_read, 0, (long)buf, 8, 0, 0, 0), 1);
	assert_int_equal(sys(NR_read, 0, (long)buf, 8, 0, 0, 0), 0); /* its end */
	/* None yet: a blocking reader sleeps until the platform says. */
	fake.input = "Q";
	fake.input_len = 1;
	fake.input_pos = 0;
	fake.input_later = true;
	fake_thread(console_reader, 0);
	fake_run();
	assert_int_equal(done, 0);
	fake_console_input();
	fake_run();
	assert_int_equal(done, 1);
	assert_int_equal(results[0], 1);
	assert_int_equal(results[1], 'Q');
	/* A non-blocking fd 0 says EAGAIN instead. */
	fake.input_later = true;
	assert_int_equal(sys(NR_fcntl, 0, F_SETFL, O_NONBLOCK, 0, 0, 0), 0);
	assert_int_equal(sys(NR_read, 0, (long)buf, 8, 0, 0, 0), -EAGAIN);
}

/* A console stream whose reader is gone: EPIPE and SIGPIPE, as a pipe. */
static void test_console_epipe(void **state)
{
	(void)state;
	fake.stdout_closed = true;
	assert_int_equal(sys(NR_write, 1, (long)"x", 1, 0, 0, 0), -EPIPE);
	assert_int_equal(sys(NR_write, 2, (long)"y", 1, 0, 0, 0), 1);
	kcore_print_counters();
	assert_non_null(strstr(fake_log(), "signal_sent 13 1\n"));
}

static void test_eventfd(void **state)
{
	uint64_t v = 0;
	(void)state;

	int fd = (int)sys(NR_eventfd2, 3, EFD_NONBLOCK | EFD_CLOEXEC, 0, 0, 0, 0);
	assert_true(fd >= 3);
	assert_int_equal(sys(NR_read, fd, (long)&v, 8, 0, 0, 0), 8);
	assert_int_equal(v, 3);
	assert_int_equal(sys(NR_read, fd, (long)&v, 8, 0, 0, 0), -EAGAIN);
	v = 2;
	assert_int_equal(sys(NR_write, fd, (long)&v, 8, 0, 0, 0), 8);
	assert_int_equal(sys(NR_write, fd, (long)&v, 8, 0, 0, 0), 8);
	assert_int_equal(sys(NR_read, fd, (long)&v, 4, 0, 0, 0), -EINVAL);
	assert_int_equal(sys(NR_read, fd, (long)&v, 8, 0, 0, 0), 8);
	assert_int_equal(v, 4);
	v = UINT64_MAX;
	assert_int_equal(sys(NR_write, fd, (long)&v, 8, 0, 0, 0), -EINVAL);

	int sem = (int)sys(NR_eventfd2, 2, EFD_SEMAPHORE | EFD_NONBLOCK, 0, 0, 0, 0);
	assert_int_equal(sys(NR_read, sem, (long)&v, 8, 0, 0, 0), 8);
	assert_int_equal(v, 1);
	assert_int_equal(sys(NR_read, sem, (long)&v, 8, 0, 0, 0), 8);
	assert_int_equal(sys(NR_read, sem, (long)&v, 8, 0, 0, 0), -EAGAIN);
	assert_int_equal(sys(NR_eventfd2, 0, 0x40, 0, 0, 0, 0), -EINVAL);
}

/* Go 1.21+'s netpollinit: epoll_create1, eventfd2, epoll_ctl(EPOLLIN). */
static int epfd, efd;

static void go_netpollinit(void)
{
	struct epoll_event_packed ev = { .events = EPOLLIN_BIT, .data = 0xfeed };
	epfd = (int)sys(NR_epoll_create1, EPOLL_CLOEXEC, 0, 0, 0, 0, 0);
	assert_true(epfd >= 3);
	efd = (int)sys(NR_eventfd2, 0, EFD_CLOEXEC | EFD_NONBLOCK, 0, 0, 0, 0);
	assert_int_equal(sys(NR_epoll_ctl, epfd, EPOLL_CTL_ADD, efd, (long)&ev, 0,
			     0),
			 0);
}

static void go_netpoll(const struct platform_regs *start)
{
	struct epoll_event_packed events[8];
	/* epoll_pwait(epfd, events, 128, waitms, NULL, 0) */
	results[0] = fake_syscall(NR_epoll_pwait, epfd, (long)events, 8,
				  (long)start->rdi, 0, 0);
	results[1] = events[0].events;
	results[2] = (long)events[0].data;
	results[3] = (long)clock_monotonic_ns();
	done++;
}

static void test_netpoll_timeout_and_break(void **state)
{
	(void)state;
	go_netpollinit();
	uint64_t t0 = clock_monotonic_ns();

	/* A timer sleep: epoll_pwait with 5 ms, nothing ready. */
	fake_thread(go_netpoll, 5);
	fake_run();
	assert_int_equal(done, 0);
	assert_int_equal(fake.timer_deadline, t0 + 5000000);
	fake_run_timers(10000000);
	assert_int_equal(done, 1);
	assert_int_equal(results[0], 0);
	assert_int_equal(results[3], (long)(t0 + 5000000));

	/* netpollBreak: a write to the eventfd wakes an infinite wait. */
	fake_thread(go_netpoll, -1);
	fake_run();
	assert_int_equal(done, 1);
	uint64_t one = 1;
	assert_int_equal(sys(NR_write, efd, (long)&one, 8, 0, 0, 0), 8);
	fake_run();
	assert_int_equal(done, 2);
	assert_int_equal(results[0], 1);
	assert_int_equal(results[1], EPOLLIN_BIT);
	assert_int_equal(results[2], 0xfeed);
	/* Level-triggered: still ready until it is read. */
	fake_thread(go_netpoll, 0);
	fake_run();
	assert_int_equal(results[0], 1);
	uint64_t v;
	sys(NR_read, efd, (long)&v, 8, 0, 0, 0);
	fake_thread(go_netpoll, 0);
	fake_run();
	assert_int_equal(results[0], 0);
}

static void test_edge_triggered_and_oneshot(void **state)
{
	int32_t fds[2];
	struct epoll_event_packed ev, out[4];
	(void)state;

	int ep = (int)sys(NR_epoll_create1, 0, 0, 0, 0, 0, 0);
	sys(NR_pipe2, (long)fds, O_NONBLOCK, 0, 0, 0, 0);
	/* How Go registers a pollable file. */
	ev = (struct epoll_event_packed){ EPOLLIN_BIT | EPOLLOUT_BIT |
						  EPOLLRDHUP_BIT | EPOLLET_BIT,
					  1 };
	assert_int_equal(sys(NR_epoll_ctl, ep, EPOLL_CTL_ADD, fds[1], (long)&ev, 0, 0), 0);
	ev.data = 0;
	assert_int_equal(sys(NR_epoll_ctl, ep, EPOLL_CTL_ADD, fds[0], (long)&ev, 0, 0), 0);
	assert_int_equal(sys(NR_epoll_ctl, ep, EPOLL_CTL_ADD, fds[0], (long)&ev, 0, 0),
			 -EEXIST);

	/* The write end is writable: reported once, not on every wait. */
	assert_int_equal(sys(NR_epoll_wait, ep, (long)out, 4, 0, 0, 0), 1);
	assert_int_equal(out[0].data, 1);
	assert_int_equal(out[0].events, EPOLLOUT_BIT);
	assert_int_equal(sys(NR_epoll_wait, ep, (long)out, 4, 0, 0, 0), 0);
	/* New data: a new edge on the read end only (the write end was
	 * writable before and still is). */
	sys(NR_write, fds[1], (long)"x", 1, 0, 0, 0);
	assert_int_equal(sys(NR_epoll_wait, ep, (long)out, 4, 0, 0, 0), 1);
	assert_int_equal(out[0].data, 0);
	assert_int_equal(out[0].events, EPOLLIN_BIT);
	assert_int_equal(sys(NR_epoll_wait, ep, (long)out, 4, 0, 0, 0), 0);

	/* ONESHOT: one report until re-armed with MOD. */
	ev = (struct epoll_event_packed){ EPOLLIN_BIT | EPOLLONESHOT_BIT, 7 };
	assert_int_equal(sys(NR_epoll_ctl, ep, EPOLL_CTL_MOD, fds[0], (long)&ev, 0, 0), 0);
	assert_int_equal(sys(NR_epoll_ctl, ep, EPOLL_CTL_DEL, fds[1], 0, 0, 0), 0);
	assert_int_equal(sys(NR_epoll_wait, ep, (long)out, 4, 0, 0, 0), 1);
	assert_int_equal(out[0].data, 7);
	assert_int_equal(sys(NR_epoll_wait, ep, (long)out, 4, 0, 0, 0), 0);
	assert_int_equal(sys(NR_epoll_ctl, ep, EPOLL_CTL_MOD, fds[0], (long)&ev, 0, 0), 0);
	assert_int_equal(sys(NR_epoll_wait, ep, (long)out, 4, 0, 0, 0), 1);

	/* Closing the last descriptor of a file drops its watches. */
	sys(NR_close, fds[0], 0, 0, 0, 0, 0);
	assert_int_equal(sys(NR_epoll_ctl, ep, EPOLL_CTL_DEL, fds[0], 0, 0, 0), -EBADF);
	assert_int_equal(sys(NR_epoll_wait, ep, (long)out, 4, 0, 0, 0), 0);
	assert_int_equal(sys(NR_epoll_wait, 1, (long)out, 4, 0, 0, 0), -EINVAL);
	assert_int_equal(sys(NR_epoll_wait, ep, (long)out, 0, 0, 0, 0), -EINVAL);
	assert_int_equal(sys(NR_epoll_ctl, ep, EPOLL_CTL_ADD, ep, (long)&ev, 0, 0),
			 -EINVAL);
}

static void test_go119_pipe_break(void **state)
{
	int32_t fds[2];
	struct epoll_event_packed ev = { EPOLLIN_BIT, 0xbeef }, out[2];
	char b = 0, buf[16];
	(void)state;

	/* Go 1.19: epoll_create1, pipe2(O_NONBLOCK|O_CLOEXEC), write 1 byte
	 * to break, read up to 16 to drain. */
	int ep = (int)sys(NR_epoll_create1, EPOLL_CLOEXEC, 0, 0, 0, 0, 0);
	sys(NR_pipe2, (long)fds, O_NONBLOCK | O_CLOEXEC, 0, 0, 0, 0);
	sys(NR_epoll_ctl, ep, EPOLL_CTL_ADD, fds[0], (long)&ev, 0, 0);
	assert_int_equal(sys(NR_write, fds[1], (long)&b, 1, 0, 0, 0), 1);
	assert_int_equal(sys(NR_epoll_wait, ep, (long)out, 2, 0, 0, 0), 1);
	assert_int_equal(out[0].data, 0xbeef);
	assert_int_equal(sys(NR_read, fds[0], (long)buf, 16, 0, 0, 0), 1);
	assert_int_equal(sys(NR_epoll_wait, ep, (long)out, 2, 0, 0, 0), 0);
}

static void test_dup_and_limits(void **state)
{
	(void)state;
	assert_int_equal(sys(NR_dup, 1, 0, 0, 0, 0, 0), 3);
	assert_int_equal(sys(NR_dup2, 1, 10, 0, 0, 0, 0), 10);
	assert_int_equal(sys(NR_dup3, 1, 11, O_CLOEXEC, 0, 0, 0), 11);
	assert_int_equal(sys(NR_fcntl, 11, F_GETFD, 0, 0, 0, 0), FD_CLOEXEC);
	assert_int_equal(sys(NR_dup3, 1, 1, 0, 0, 0, 0), -EINVAL);
	assert_int_equal(sys(NR_dup2, 1, 1, 0, 0, 0, 0), 1);
	assert_int_equal(sys(NR_fcntl, 1, F_DUPFD_CLOEXEC, 20, 0, 0, 0), 20);
	fake_console_clear();
	assert_int_equal(sys(NR_write, 20, (long)"dup", 3, 0, 0, 0), 3);
	assert_string_equal(fake_console(), "dup");
	/* A duplicate keeps its stream: 2>&1 and 1>&2 as in a shell. */
	assert_int_equal(sys(NR_dup2, 2, 21, 0, 0, 0, 0), 21);
	assert_int_equal(sys(NR_write, 21, (long)"err", 3, 0, 0, 0), 3);
	assert_string_equal(fake_stderr(), "err");
	assert_string_equal(fake_console(), "dup");
	assert_int_equal(sys(NR_dup2, 1, 21, 0, 0, 0, 0), 21);
	assert_int_equal(sys(NR_write, 21, (long)"out", 3, 0, 0, 0), 3);
	assert_string_equal(fake_console(), "dupout");
	assert_int_equal(sys(NR_close, 21, 0, 0, 0, 0, 0), 0);
	/* Closing stdout keeps its duplicates working. */
	assert_int_equal(sys(NR_close, 1, 0, 0, 0, 0, 0), 0);
	assert_int_equal(sys(NR_write, 3, (long)"!", 1, 0, 0, 0), 1);
	assert_int_equal(sys(NR_write, 1, (long)"!", 1, 0, 0, 0), -EBADF);
	/* The table is finite: EMFILE, as RLIMIT_NOFILE says. */
	long fd = 0;
	while (fd >= 0)
		fd = sys(NR_dup, 0, 0, 0, 0, 0, 0);
	assert_int_equal(fd, -EMFILE);
	int32_t fds[2];
	assert_int_equal(sys(NR_pipe2, (long)fds, 0, 0, 0, 0, 0), -EMFILE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FTEST(test_pipe_read_write_eof),
		FTEST(test_pipe_wraps_and_fills),
		FTEST(test_blocking_read_waits_for_a_writer),
		FTEST(test_console_input),
		FTEST(test_console_epipe),
		FTEST(test_eventfd),
		FTEST(test_netpoll_timeout_and_break),
		FTEST(test_edge_triggered_and_oneshot),
		FTEST(test_go119_pipe_break),
		FTEST(test_dup_and_limits),
	};
	return cmocka_run_group_tests_name("kcore files", tests, NULL, NULL);
}
