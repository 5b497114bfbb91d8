/* The console: stdout and stderr of the program, and the kernel's own
 * messages, one writer at a time so lines from two CPUs do not mix. */
#include "kernel.h"
#include "platform.h"
#include "spinlock.h"

static struct spinlock console_lock = SPINLOCK_INIT("console");

void console_write(const char *buf, size_t len)
{
	unsigned long flags = spin_lock(&console_lock);
	platform_console_write(buf, len);
	spin_unlock(&console_lock, flags);
}
