/* The program's mappings: 4 KiB pages in the range above the direct map,
 * with page tables taken from the core's frame allocator. A mapped page
 * keeps its frame while PROT_NONE (the entry is then not present and
 * marks itself mapped with a software bit). */
#include "cpu.h"
#include "kvm.h"

#define PTE_P      (1ull << 0)
#define PTE_RW     (1ull << 1)
#define PTE_PS     (1ull << 7)
#define PTE_MAPPED (1ull << 9) /* software: a page of the program's */
#define ADDR_MASK  0x000ffffffffff000ull
#define ENOMEM 12
#define EEXIST 17

static unsigned index_at(uintptr_t va, int level)
{
	return (va >> (12 + 9 * (level - 1))) & 511;
}

/* The level-1 entry for va; missing tables are made when create is set.
 * NULL when a table is missing (or no frame was left to make it). */
static uint64_t *walk(uintptr_t va, int create)
{
	uint64_t *table = kvm_boot_pml4;
	for (int level = 4; level > 1; level--) {
		uint64_t *e = &table[index_at(va, level)];
		if (!(*e & PTE_P)) {
			if (!create)
				return NULL;
			uint64_t pa = frame_alloc();
			if (!pa)
				return NULL;
			memset(platform_phys_to_virt(pa), 0, 4096);
			/* Upper levels allow everything: the leaf decides. */
			*e = pa | PTE_P | PTE_RW;
		} else if (*e & PTE_PS) {
			PLATFORM_PANIC("%lx is in the direct map, not the "
				       "program's range", (uint64_t)va);
		}
		table = platform_phys_to_virt(*e & ADDR_MASK);
	}
	return &table[index_at(va, 1)];
}

static uint64_t prot_bits(unsigned prot)
{
	if (!prot)
		return PTE_MAPPED; /* not present: every access faults */
	uint64_t bits = PTE_MAPPED | PTE_P;
	if (prot & PLATFORM_PROT_WRITE)
		bits |= PTE_RW;
	if (!(prot & PLATFORM_PROT_EXEC))
		bits |= kvm_pte_nx;
	return bits;
}

static void check_range(uintptr_t start, uintptr_t end)
{
	uintptr_t lo, hi;
	platform_vm_range(&lo, &hi);
	if (start < lo || end > hi || start > end || (start | end) & 4095)
		PLATFORM_PANIC("page range %lx-%lx outside the program's "
			       "%lx-%lx or unaligned",
			       (uint64_t)start, (uint64_t)end, (uint64_t)lo,
			       (uint64_t)hi);
}

int platform_pages_map(uintptr_t va, uint64_t pa, size_t count, unsigned prot)
{
	check_range(va, va + count * 4096);
	/* Every entry first: all of them are mapped, or none. */
	for (size_t i = 0; i < count; i++) {
		uint64_t *pte = walk(va + i * 4096, 1);
		if (!pte)
			return -ENOMEM;
		if (*pte & PTE_MAPPED)
			return -EEXIST;
	}
	/* Not present before: no TLB entry to flush. */
	for (size_t i = 0; i < count; i++)
		*walk(va + i * 4096, 0) = ((pa + i * 4096) & ADDR_MASK) |
					 prot_bits(prot);
	return 0;
}

/* Calls fn on every mapped page's entry in [start, end), skipping the
 * tables that do not exist a whole table's span at a time. */
static void for_each_page(uintptr_t start, uintptr_t end,
			  void (*fn)(uintptr_t va, uint64_t *pte, void *arg),
			  void *arg)
{
	uintptr_t va = start;
	while (va < end) {
		uint64_t *table = kvm_boot_pml4;
		int level = 4;
		for (; level > 1; level--) {
			uint64_t e = table[index_at(va, level)];
			if (!(e & PTE_P))
				break;
			table = platform_phys_to_virt(e & ADDR_MASK);
		}
		if (level > 1) { /* no table: skip its whole span */
			uintptr_t span = 1ull << (12 + 9 * (level - 1));
			uintptr_t next = (va & ~(span - 1)) + span;
			if (next <= va) /* wrapped around */
				break;
			va = next;
			continue;
		}
		uint64_t *pte = &table[index_at(va, 1)];
		if (*pte & PTE_MAPPED)
			fn(va, pte, arg);
		va += 4096;
	}
}

static void invlpg(uintptr_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

struct unmap_args {
	void (*release)(uint64_t pa, void *arg);
	void *arg;
};

static void unmap_one(uintptr_t va, uint64_t *pte, void *arg)
{
	struct unmap_args *u = arg;
	uint64_t pa = *pte & ADDR_MASK;
	*pte = 0;
	invlpg(va);
	if (u->release)
		u->release(pa, u->arg);
}

void platform_pages_unmap(uintptr_t start, uintptr_t end,
			  void (*release)(uint64_t pa, void *arg), void *arg)
{
	check_range(start, end);
	struct unmap_args u = { release, arg };
	/* One CPU: invlpg is enough. SMP will need a shootdown here. */
	for_each_page(start, end, unmap_one, &u);
}

static void protect_one(uintptr_t va, uint64_t *pte, void *arg)
{
	*pte = (*pte & ADDR_MASK) | *(uint64_t *)arg;
	invlpg(va);
}

void platform_pages_protect(uintptr_t start, uintptr_t end, unsigned prot)
{
	check_range(start, end);
	uint64_t bits = prot_bits(prot);
	for_each_page(start, end, protect_one, &bits);
}

int kvm_page_readable(uintptr_t va)
{
	uintptr_t lo, hi;
	platform_vm_range(&lo, &hi);
	if (va < lo)
		return va >= 4096; /* the direct map, all but the null page */
	if (va >= hi)
		return 0;
	uint64_t *pte = walk(va, 0);
	return pte && (*pte & PTE_P);
}
