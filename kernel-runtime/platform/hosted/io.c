/* The console, the log and exit: the program's stdin, stdout and stderr
 * are the process's fds 0, 1 and 2, the kernel's log its stderr (or the
 * descriptor REWIRE_LOG_FD names), the exit status the process's. */
#include "hosted.h"

#define EINTR 4
#define EAGAIN 11
#define POLLIN 0x001
#define POLLOUT 0x004

struct host_pollfd {
	int fd;
	short events, revents;
};

struct host_timespec {
	int64_t sec, nsec;
};

int hosted_log_fd = 2;

/* Whether fd is ready for events now (no wait). */
static int host_ready(int fd, short events)
{
	struct host_pollfd p = { fd, events, 0 };
	struct host_timespec now = { 0, 0 };

	return host_syscall(HOST_ppoll, &p, 1, &now, 0, 0) > 0;
}

long host_write_all(int fd, const char *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		long n = host_syscall(HOST_write, fd, buf + done, len - done);
		if (n == -EINTR)
			continue;
		if (n == -EAGAIN) {
			/* A descriptor someone made non-blocking: wait for
			 * room, as a blocking write would. */
			struct host_pollfd p = { fd, POLLOUT, 0 };
			host_syscall(HOST_ppoll, &p, 1, 0, 0, 0);
			continue;
		}
		if (n <= 0)
			return n ? n : -1;
		done += (size_t)n;
	}
	return (long)done;
}

static void write_stderr(const char *buf, size_t len)
{
	host_write_all(2, buf, len);
}

static void write_log(const char *buf, size_t len)
{
	host_write_all(hosted_log_fd, buf, len);
}

/* Host calls on the program's memory go through this buffer: the host
 * refuses (EFAULT) a page the kernel has not mapped yet, where the kernel's
 * own copy maps it (a page fault, trap.c). One CPU: one buffer. */
static char bounce[4096];

/* The process's own fds 1 and 2: the streams stay apart; a closed pipe
 * gives EPIPE (SIGPIPE is ignored in the host, trap.c). */
long platform_console_write(enum platform_stream stream, const char *buf,
			    size_t len)
{
	for (size_t done = 0; done < len;) {
		size_t n = len - done < sizeof(bounce) ? len - done : sizeof(bounce);
		memcpy(bounce, buf + done, n);
		long w = host_write_all(stream == PLATFORM_STDERR ? 2 : 1, bounce, n);
		if (w < 0)
			return w;
		done += n;
	}
	return (long)len;
}

/* The process's fd 0, read only when it has something (or its end): a
 * read that would block would stop this CPU's every thread. Else the CPU
 * watches it while idle (platform_wait_for_interrupt) and at each tick. */
long platform_console_read(void *buf, size_t len)
{
	if (host_ready(0, POLLIN)) {
		long n = host_syscall(HOST_read, 0, bounce,
				      len < sizeof(bounce) ? len : sizeof(bounce));
		if (n > 0)
			memcpy(buf, bounce, (size_t)n);
		if (n != -EAGAIN && n != -EINTR)
			return n;
	}
	this_cpu()->want_input = 1;
	return -EAGAIN;
}

void hosted_check_input(void)
{
	struct hosted_cpu *cpu = this_cpu();

	if (cpu->want_input && host_ready(0, POLLIN)) {
		cpu->want_input = 0;
		kcore_console_input();
	}
}

/* Fatal messages of the kernel (crash dumps, panics, out of memory) go to
 * stderr, never into the program's output. */
void platform_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	format_vprintf_whole(write_stderr, fmt, ap);
	va_end(ap);
}

void platform_log(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	format_vprintf_whole(write_log, fmt, ap);
	va_end(ap);
}

void platform_exit(int status)
{
	host_syscall(HOST_exit_group, status & 0xff);
	for (;;)
		host_syscall(HOST_exit, status & 0xff);
}

/* The host's default action for sig, after its handler (if ours) is
 * undone, the signal unblocked, and core dumps forbidden. */
void platform_exit_signal(int sig)
{
	struct { void *handler; uint64_t flags; void *restorer; uint64_t mask; }
		dfl = { 0 };
	uint64_t set = 1ull << (sig - 1);

	/* SIGKILL from the outside is the host's business (rewire run tells
	 * the two apart): the program's own is its status. */
	if (sig >= 1 && sig <= 64 && sig != 9 /* SIGKILL */) {
		host_syscall(HOST_prctl, 4 /* PR_SET_DUMPABLE */, 0);
		host_syscall(HOST_rt_sigaction, sig, &dfl, 0, 8);
		host_syscall(HOST_rt_sigprocmask, 1 /* SIG_UNBLOCK */, &set, 0, 8);
		host_syscall(HOST_tkill, host_syscall(HOST_gettid, 0), sig);
	}
	/* A signal whose host default does not kill (or none): the shell's
	 * status for the death it stands for. */
	platform_exit(128 + (sig & 0x7f));
}

void platform_panic(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	format_panic(write_stderr, file, line, fmt, ap);
}

/* Before the core runs: a host call the platform cannot do without
 * failed. */
void hosted_fatal(const char *what, long err)
{
	platform_printf("rewire: hosted kernel: %s failed (errno %ld)\n", what,
			-err);
	platform_exit(PLATFORM_EXIT_CRASH);
}
