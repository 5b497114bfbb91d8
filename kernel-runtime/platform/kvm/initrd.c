/* The file system archive: QEMU's -initrd, which its PVH loader copies to
 * the top of RAM below 4 GiB and lists first in start_info's modules. Read
 * in place through the direct map; its pages are kept from the core. */
#include "kvm.h"

static uint64_t archive_pa, archive_len;

void kvm_initrd_find(const struct hvm_start_info *si)
{
	if (!si->nr_modules || !si->modlist_paddr)
		return;
	/* Copied now: the loader's own memory is free RAM from now on. */
	const struct hvm_modlist_entry *m =
		(const struct hvm_modlist_entry *)si->modlist_paddr;
	if (si->nr_modules > 1)
		kvm_warn("PVH start_info lists %u modules: only the first "
			 "(the initrd) is read", si->nr_modules);
	archive_pa = m->paddr;
	archive_len = m->size;
}

/* Whether [start, end) lies within one RAM entry of map. */
static int in_ram(const struct hvm_memmap_entry *map, int count,
		  uint64_t start, uint64_t end)
{
	for (int i = 0; i < count; i++)
		if (map[i].type == HVM_MEMMAP_RAM && map[i].addr <= start &&
		    end <= map[i].addr + map[i].size)
			return 1;
	return 0;
}

/* An archive anywhere else (outside RAM, over the image, beyond the direct
 * map) is no archive: warned about and ignored. */
void kvm_initrd_check(const struct hvm_memmap_entry *map, int count)
{
	uint64_t end = archive_pa + archive_len;

	if (!archive_len)
		return;
	if (end < archive_pa || !in_ram(map, count, archive_pa, end) ||
	    archive_pa < kvm_boot_alloc_end() ||
	    archive_pa < kvm_program_image_end() ||
	    end > kvm_direct_map_end()) {
		kvm_warn("initrd at %lx-%lx is not in free RAM above the image "
			 "(%lx): ignored", archive_pa, end,
			 kvm_program_image_end());
		archive_pa = archive_len = 0;
		return;
	}
	kvm_info("kvm: file system archive of %lu bytes at %lx (QEMU's "
		 "initrd)\n", archive_len, archive_pa);
}

bool kvm_initrd_pages(uint64_t *start, uint64_t *end)
{
	if (!archive_len)
		return false;
	*start = archive_pa & ~4095ull;
	*end = (archive_pa + archive_len + 4095) & ~4095ull;
	return true;
}

bool platform_fs_archive(const void **data, size_t *len)
{
	if (!archive_len)
		return false;
	*data = platform_phys_to_virt(archive_pa);
	*len = archive_len;
	return true;
}
