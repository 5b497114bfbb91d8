/* Page attributes of the boot identity map (built in boot.S, 2 MiB pages):
 * what is not RAM is device memory, mapped uncached and not executable. */
#include "cpu.h"
#include "kvm.h"

#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_NX  (1ull << 63)
#define EFER_NXE (1ull << 11)
#define PAGE_2M (2ull << 20)
#define BOOT_MAP_PAGES (4 * 512) /* boot.S: BOOT_MAP_GIB * 512 */

extern uint64_t boot_pd[BOOT_MAP_PAGES];

static int is_ram(const struct hvm_memmap_entry *map, int count,
		  uint64_t start, uint64_t end)
{
	for (int i = 0; i < count; i++)
		if (map[i].type == 1 && map[i].addr < end &&
		    map[i].addr + map[i].size > start)
			return 1;
	return 0;
}

void paging_init(const struct hvm_memmap_entry *map, int count)
{
	uint64_t device = PTE_PCD | PTE_PWT;
	if (rdmsr(MSR_EFER) & EFER_NXE)
		device |= PTE_NX;
	for (uint64_t i = 0; i < BOOT_MAP_PAGES; i++) {
		uint64_t start = i * PAGE_2M;
		/* Without a memory map, trust only the APIC/IOAPIC window. */
		int ram = count ? is_ram(map, count, start, start + PAGE_2M)
				: start < 0xfe000000;
		if (!ram)
			boot_pd[i] |= device;
	}
	write_cr3(read_cr3()); /* flush the TLB */
}
