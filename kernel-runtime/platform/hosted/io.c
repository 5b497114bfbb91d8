/* Output and exit: the program's console is the process's stdout, the
 * kernel's log its stderr (or the descriptor REWIRE_LOG_FD names), and the
 * exit status the process's. */
#include "hosted.h"

#define EINTR 4

int hosted_log_fd = 2;

long host_write_all(int fd, const char *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		long n = host_syscall(HOST_write, fd, buf + done, len - done);
		if (n == -EINTR)
			continue;
		if (n <= 0)
			return n ? n : -1;
		done += (size_t)n;
	}
	return (long)done;
}

static void write_stdout(const char *buf, size_t len)
{
	host_write_all(1, buf, len);
}

static void write_stderr(const char *buf, size_t len)
{
	host_write_all(2, buf, len);
}

static void write_log(const char *buf, size_t len)
{
	host_write_all(hosted_log_fd, buf, len);
}

/* The process's own fds 1 and 2: the streams stay apart. */
void platform_console_write(enum platform_stream stream, const char *buf,
			    size_t len)
{
	if (stream == PLATFORM_STDERR)
		write_stderr(buf, len);
	else
		write_stdout(buf, len);
}

/* Fatal messages of the kernel (crash dumps, panics, out of memory) go to
 * stderr, never into the program's output. */
void platform_printf(const char *fmt, ...)
{
	va_list ap;
	unsigned long flags = platform_irq_save();
	va_start(ap, fmt);
	format_vprintf(write_stderr, fmt, ap);
	va_end(ap);
	platform_irq_restore(flags);
}

void platform_log(const char *fmt, ...)
{
	va_list ap;
	unsigned long flags = platform_irq_save();
	va_start(ap, fmt);
	format_vprintf(write_log, fmt, ap);
	va_end(ap);
	platform_irq_restore(flags);
}

void platform_exit(int status)
{
	host_syscall(HOST_exit_group, status & 0xff);
	for (;;)
		host_syscall(HOST_exit, status & 0xff);
}

void platform_panic(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	platform_irq_save();
	platform_printf("\nrewire: panic: %s:%d: ", file, line);
	va_start(ap, fmt);
	format_vprintf(write_stderr, fmt, ap);
	va_end(ap);
	platform_printf("\n");
	platform_exit(PLATFORM_EXIT_CRASH);
}

/* Before the core runs: a host call the platform cannot do without
 * failed. */
void hosted_fatal(const char *what, long err)
{
	platform_printf("rewire: hosted kernel: %s failed (errno %ld)\n", what,
			-err);
	platform_exit(PLATFORM_EXIT_CRASH);
}
