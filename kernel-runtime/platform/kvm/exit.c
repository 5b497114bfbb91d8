/* Leaving the VM: the exit record on the log channel, then QEMU's
 * isa-debug-exit device (port 0xf4), which ends QEMU with status
 * (value << 1) | 1. Only 7 bits of the value survive that encoding, so
 * `rewire run` takes the full status from the exit record. */
#include "cpu.h"
#include "kvm.h"

#define DEBUG_EXIT_PORT 0xf4

void platform_exit(int status)
{
	status &= 0xff;
	kvm_irq_disable();
	platform_log("rewire-exit %d\n", status);
	/* Statuses above 127 would come out of QEMU mangled; 127 says "look
	 * at the exit record". */
	outl(DEBUG_EXIT_PORT, status > 127 ? 127 : (uint32_t)status);
	/* Not under QEMU (no debug-exit device): stop here. */
	for (;;)
		__asm__ volatile("cli; hlt");
}

void platform_panic(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	kvm_irq_disable();
	va_start(ap, fmt);
	format_panic(kvm_serial_stderr, file, line, fmt, ap);
}

void platform_exit_signal(int sig)
{
	platform_exit(128 + (sig & 0x7f));
}
