/* The file system archive (QEMU's -initrd; tests/kernel/fs.sh hands one
 * over): readable in place, none of its pages in a RAM region the core
 * would take frames from. Its size, first bytes and byte sum are printed
 * for the script to compare with the file. */
#include "ktest.h"

void test_initrd(void)
{
	const unsigned char *data;
	const void *p;
	size_t len;

	if (!platform_fs_archive(&p, &len)) {
		kvm_printf_stdout("fs archive: none\n");
		return;
	}
	data = p;
	uint32_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum += data[i];
	kvm_printf_stdout("fs archive: %lu bytes, sum %u, begins %c%c%c%c%c%c\n",
			  (uint64_t)len, sum, data[0], data[1], data[2], data[3],
			  data[4], data[5]);

	uint64_t start = (uint64_t)(uintptr_t)data, end = start + len;
	struct platform_mem_region r[16];
	int n = platform_memory_regions(r, 16), apart = n > 0;
	for (int i = 0; i < n; i++)
		apart &= end <= r[i].base || r[i].base + r[i].size <= start;
	check(apart, "initrd: no RAM region handed to the core holds its pages",
	      "a region overlaps the archive");
	check(start >= platform_image_end(), "initrd: above the image",
	      "it overlaps the image");
}
