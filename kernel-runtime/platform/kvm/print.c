/* The console's two streams and the kernel's log: platform_printf,
 * platform_log, warnings and boot facts (formats: common/format.c). */
#include "kvm.h"

void platform_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	format_vprintf_whole(kvm_serial_stderr, fmt, ap);
	va_end(ap);
}

void kvm_printf_stdout(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	format_vprintf_whole(kvm_serial_stdout, fmt, ap);
	va_end(ap);
}

/* The log is QEMU's debug console (port 0xe9). */
void platform_log(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	format_vprintf_whole(kvm_debugcon_write, fmt, ap);
	va_end(ap);
}

void kvm_warn(const char *fmt, ...)
{
	va_list ap;
	unsigned long flags = platform_irq_save();
	kvm_debugcon_write("rewire: warning: ", 17);
	va_start(ap, fmt);
	format_vprintf(kvm_debugcon_write, fmt, ap);
	va_end(ap);
	kvm_debugcon_write("\n", 1);
	platform_irq_restore(flags);
}

void kvm_info(const char *fmt, ...)
{
	va_list ap;
	if (!kcore_option("verbose"))
		return;
	va_start(ap, fmt);
	format_vprintf_whole(kvm_debugcon_write, fmt, ap);
	va_end(ap);
}
