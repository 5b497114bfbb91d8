/* The direct map: physical memory identity-mapped (boot.S maps the first
 * 4 GiB with 2 MiB pages; RAM above gets 1 GiB pages, or 2 MiB ones where
 * the CPU lacks them), device memory uncached, and the first 64 KiB left
 * unmapped so that nil pointers fault. Above it lies the program's range. */
#include "cpu.h"
#include "kvm.h"

#define PTE_P   (1ull << 0)
#define PTE_RW  (1ull << 1)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_PS  (1ull << 7)
#define PTE_NX  (1ull << 63)
#define EFER_NXE (1ull << 11)
#define GIB (1ul << 30)
#define PAGE_2M (2ull << 20)
#define BOOT_MAP_GIB 4           /* boot.S */
#define NULL_GUARD (64 * 1024)   /* like Linux's mmap_min_addr */
/* PML4 entry 0 (512 GiB) holds the direct map; the program's range runs
 * from its end to the top of the lower canonical half. */
#define DIRECT_MAP_MAX (512 * GIB)
#define VM_RANGE_END 0x800000000000ull
#define CPUID_EXT_EDX_PAGE1GB (1u << 26)

uint64_t kvm_pte_nx;
static uint64_t direct_end = BOOT_MAP_GIB * GIB;
static uint64_t low_pt[512] __attribute__((aligned(4096)));

static int is_ram(const struct hvm_memmap_entry *map, int count,
		  uint64_t start, uint64_t end)
{
	for (int i = 0; i < count; i++)
		if (map[i].type == HVM_MEMMAP_RAM && map[i].addr < end &&
		    map[i].addr + map[i].size > start)
			return 1;
	return 0;
}

static void map_high_ram(uint64_t ram_end)
{
	int gib_pages = !!(cpuid(0x80000001, 0).edx & CPUID_EXT_EDX_PAGE1GB);
	uint64_t end = (ram_end + GIB - 1) & ~(GIB - 1);
	if (end > DIRECT_MAP_MAX) {
		kvm_warn("RAM above %lu GiB is not used", DIRECT_MAP_MAX / GIB);
		end = DIRECT_MAP_MAX;
	}
	for (uint64_t gib = BOOT_MAP_GIB; gib < end / GIB; gib++) {
		if (gib_pages) {
			kvm_boot_pdpt[gib] = gib * GIB | PTE_P | PTE_RW | PTE_PS |
					 kvm_pte_nx;
			continue;
		}
		uint64_t *pd = kvm_boot_alloc_page();
		for (int i = 0; i < 512; i++)
			pd[i] = (gib * GIB + i * PAGE_2M) | PTE_P | PTE_RW |
				PTE_PS | kvm_pte_nx;
		kvm_boot_pdpt[gib] = (uint64_t)pd | PTE_P | PTE_RW;
	}
	if (end > direct_end)
		direct_end = end;
}

void kvm_paging_init(const struct hvm_memmap_entry *map, int count)
{
	if (rdmsr(MSR_EFER) & EFER_NXE)
		kvm_pte_nx = PTE_NX;

	/* Device memory below 4 GiB (the APICs at 0xfec00000 and
	 * 0xfee00000): uncached, never executed. */
	for (uint64_t i = 0; i < BOOT_MAP_GIB * 512; i++) {
		uint64_t start = i * PAGE_2M;
		int ram = count ? is_ram(map, count, start, start + PAGE_2M)
				: start < 0xfe000000;
		if (!ram)
			kvm_boot_pd[i] |= PTE_PCD | PTE_PWT | kvm_pte_nx;
	}

	/* The first 2 MiB in 4 KiB pages, without the first 64 KiB. */
	for (uint64_t i = NULL_GUARD / 4096; i < 512; i++)
		low_pt[i] = i * 4096 | PTE_P | PTE_RW;
	kvm_boot_pd[0] = (uint64_t)low_pt | PTE_P | PTE_RW;

	uint64_t ram_end = 0;
	for (int i = 0; i < count; i++)
		if (map[i].type == HVM_MEMMAP_RAM &&
		    map[i].addr + map[i].size > ram_end)
			ram_end = map[i].addr + map[i].size;
	map_high_ram(ram_end);

	write_cr3(read_cr3()); /* flush the TLB */
}

uint64_t kvm_direct_map_end(void)
{
	return direct_end;
}

void *platform_phys_to_virt(uint64_t pa)
{
	if (pa >= direct_end)
		PLATFORM_PANIC("physical address %lx beyond the direct map", pa);
	return (void *)pa;
}

void platform_vm_range(uintptr_t *start, uintptr_t *end)
{
	*start = direct_end;
	*end = VM_RANGE_END;
}

void platform_frames_zero(uint64_t pa, size_t count)
{
	memset(platform_phys_to_virt(pa), 0, count * 4096);
}
