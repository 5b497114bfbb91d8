/* Pages the platform takes at boot, before the core's frame allocator
 * exists (page directories of the direct map): handed out from the end of
 * the loaded image upward, and counted in platform_image_end. */
#include "kvm.h"

static uint64_t next; /* 0 until the first allocation */

void *kvm_boot_alloc_page(void)
{
	if (!next)
		next = (kvm_program_image_end() + 4095) & ~4095ull;
	struct platform_mem_region r[64];
	int n = platform_memory_regions(r, 64), ram = 0;
	for (int i = 0; i < n; i++)
		ram |= next >= r[i].base && next + 4096 <= r[i].base + r[i].size;
	if (!ram)
		PLATFORM_PANIC("no RAM after the image at %lx for page tables",
			       next);
	void *page = (void *)next;
	next += 4096;
	memset(page, 0, 4096);
	return page;
}

uint64_t kvm_boot_alloc_end(void)
{
	return next;
}
