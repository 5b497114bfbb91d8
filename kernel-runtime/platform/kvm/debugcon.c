/* The log channel: QEMU's debug console (port 0xe9) carries the kernel's
 * diagnostics and the exit record, apart from the program's output on the
 * serial console. Without the device, the writes go nowhere. */
#include "kvm.h"

#define DEBUGCON_PORT 0xe9

void kvm_debugcon_write(const char *buf, size_t len)
{
	/* One string instruction: KVM handles it in one exit, not one per
	 * byte. */
	__asm__ volatile("rep outsb"
			 : "+S"(buf), "+c"(len)
			 : "d"(DEBUGCON_PORT)
			 : "memory");
}
