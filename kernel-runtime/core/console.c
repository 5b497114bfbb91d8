/* The console: the program's stdout and stderr streams, one writer at a
 * time so that lines from two CPUs do not mix. (Its input: fd.c.) */
#include "kernel.h"
#include "platform.h"
#include "spinlock.h"

static struct spinlock console_lock = SPINLOCK_INIT("console");

long console_write(int stream, const char *buf, size_t len)
{
	enum platform_stream s =
		stream == PLATFORM_STDERR ? PLATFORM_STDERR : PLATFORM_STDOUT;
	unsigned long flags = spin_lock(&console_lock);
	long result = platform_console_write(s, buf, len);
	spin_unlock(&console_lock, flags);
	return result;
}
