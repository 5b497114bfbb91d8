/* The program's mappings: each 4 KiB page a host mapping of its frame in
 * the memory file (MAP_SHARED|MAP_FIXED at the page's address), and a
 * software page table (four levels of 512 entries, tables taken from the
 * core's frame allocator, like the CPU's) that remembers which frame each
 * page has and with which protection. A page keeps its frame under
 * PROT_NONE. */
#include "hosted.h"

#define PROT_NONE 0
#define MAP_SHARED 0x01
#define MAP_FIXED 0x10
#define MAP_POPULATE 0x8000
#define ENOMEM 12
#define EEXIST 17

/* A leaf entry: the frame's address, the protection in bits 1-3, and
 * ENTRY_MAPPED. An upper entry: the next table's frame | ENTRY_MAPPED. */
#define ENTRY_MAPPED 1ull
#define ADDR_MASK 0x000ffffffffff000ull

static uint64_t root; /* the top table's frame, 0 until the first map */

static unsigned index_at(uintptr_t va, int level)
{
	return (va >> (12 + 9 * (level - 1))) & 511;
}

static uint64_t *table_at(uint64_t pa)
{
	return platform_phys_to_virt(pa);
}

static uint64_t new_table(void)
{
	uint64_t pa = frame_alloc();
	if (pa)
		memset(table_at(pa), 0, 4096);
	return pa;
}

/* The leaf entry of va; missing tables are made when create is set. NULL
 * when a table is missing (or no frame was left to make it). */
static uint64_t *walk(uintptr_t va, int create)
{
	if (!root && (!create || !(root = new_table())))
		return NULL;
	uint64_t *table = table_at(root);
	for (int level = 4; level > 1; level--) {
		uint64_t *e = &table[index_at(va, level)];
		if (!(*e & ENTRY_MAPPED)) {
			uint64_t pa = create ? new_table() : 0;
			if (!pa)
				return NULL;
			*e = pa | ENTRY_MAPPED;
		}
		table = table_at(*e & ADDR_MASK);
	}
	return &table[index_at(va, 1)];
}

static unsigned entry_prot(uint64_t e)
{
	return (unsigned)(e >> 1) & 7;
}

static void check_range(uintptr_t start, uintptr_t end)
{
	uintptr_t lo, hi;

	platform_vm_range(&lo, &hi);
	if (start < lo || end > hi || start > end || (start | end) & 4095)
		PLATFORM_PANIC("pages [%lx, %lx) are outside the program's "
			       "range [%lx, %lx)", (uint64_t)start,
			       (uint64_t)end, (uint64_t)lo, (uint64_t)hi);
}

/* One host mapping for the whole run: contiguous frames are contiguous
 * in the memory file. Populated at once: the program is about to touch
 * these pages, and one host call is far cheaper than a host page fault
 * for each. */
int platform_pages_map(uintptr_t va, uint64_t pa, size_t count, unsigned prot)
{
	check_range(va, va + count * 4096);
	for (size_t i = 0; i < count; i++) {
		uint64_t *e = walk(va + i * 4096, 1);
		if (!e)
			return -ENOMEM;
		if (*e & ENTRY_MAPPED)
			return -EEXIST;
	}
	long at = host_syscall(HOST_mmap, va, count * 4096, prot,
			       MAP_SHARED | MAP_FIXED | MAP_POPULATE, hosted_memfd(), pa);
	if (at != (long)va)
		PLATFORM_PANIC("the host refused to map %lu pages at %lx (errno "
			       "%ld): too many mappings? (vm.max_map_count)",
			       (uint64_t)count, (uint64_t)va, at < 0 ? -at : 0);
	for (size_t i = 0; i < count; i++)
		*walk(va + i * 4096, 0) = (pa + i * 4096) |
					  (uint64_t)(prot & 7) << 1 | ENTRY_MAPPED;
	return 0;
}

/* Calls fn on every run of mapped pages in [start, end): the run's bounds,
 * each entry through visit first. */
static void for_each_run(uintptr_t start, uintptr_t end,
			 void (*visit)(uint64_t *e, void *arg),
			 void (*run)(uintptr_t lo, uintptr_t hi, void *arg),
			 void *arg)
{
	uintptr_t run_start = 0;
	int in_run = 0;

	for (uintptr_t va = start; va < end;) {
		uint64_t *e = walk(va, 0);
		if (!e) {
			/* No leaf table: skip to the next 2 MiB boundary. */
			uintptr_t next = (va | ((1ul << 21) - 1)) + 1;
			if (in_run)
				run(run_start, va, arg);
			in_run = 0;
			va = next < end && next > va ? next : end;
			continue;
		}
		if (*e & ENTRY_MAPPED) {
			if (!in_run)
				run_start = va;
			in_run = 1;
			visit(e, arg);
		} else if (in_run) {
			run(run_start, va, arg);
			in_run = 0;
		}
		va += 4096;
	}
	if (in_run)
		run(run_start, end, arg);
}

struct unmap_args {
	void (*release)(uint64_t pa, void *arg);
	void *arg;
};

static void unmap_entry(uint64_t *e, void *arg)
{
	struct unmap_args *u = arg;
	uint64_t pa = *e & ADDR_MASK;
	*e = 0;
	u->release(pa, u->arg);
}

static void unmap_run(uintptr_t lo, uintptr_t hi, void *arg)
{
	(void)arg;
	long err = host_syscall(HOST_munmap, lo, hi - lo);
	if (err)
		PLATFORM_PANIC("munmap of [%lx, %lx) failed (errno %ld)",
			       (uint64_t)lo, (uint64_t)hi, -err);
}

void platform_pages_unmap(uintptr_t start, uintptr_t end,
			  void (*release)(uint64_t pa, void *arg), void *arg)
{
	struct unmap_args u = { release, arg };

	check_range(start, end);
	for_each_run(start, end, unmap_entry, unmap_run, &u);
}

static void protect_entry(uint64_t *e, void *arg)
{
	unsigned prot = *(unsigned *)arg;
	*e = (*e & ~(7ull << 1)) | (uint64_t)(prot & 7) << 1;
}

static void protect_run(uintptr_t lo, uintptr_t hi, void *arg)
{
	unsigned prot = *(unsigned *)arg;
	long err = host_syscall(HOST_mprotect, lo, hi - lo, prot);
	if (err)
		PLATFORM_PANIC("mprotect of [%lx, %lx) failed (errno %ld)",
			       (uint64_t)lo, (uint64_t)hi, -err);
}

void platform_pages_protect(uintptr_t start, uintptr_t end, unsigned prot)
{
	check_range(start, end);
	for_each_run(start, end, protect_entry, protect_run, &prot);
}

/* For the crash dump: a program page mapped readable, or the kernel's
 * own memory (the direct map, the image). */
int hosted_page_readable(uint64_t va)
{
	uintptr_t lo, hi;

	platform_vm_range(&lo, &hi);
	if (va < lo || va >= hi)
		return hosted_in_direct_map(va) || hosted_in_image(va);
	uint64_t *e = walk(va & ~4095ull, 0);
	return e && (*e & ENTRY_MAPPED) && (entry_prot(*e) & PLATFORM_PROT_READ);
}
