/* The program's range: mapping, protection changes that keep the frame,
 * unmapping with release, and a frame allocator standing in for the
 * core's. */
#include "ktest.h"

#define GIB (1ull << 30)

long frames_in_use;
static uint64_t next_frame, frames_end;

/* The core's frame allocator, as the platform expects it: a bump
 * allocator over the largest RAM region, past the image. */
void frames_init(void)
{
	struct platform_mem_region r[16];
	int n = platform_memory_regions(r, 16);
	uint64_t image_end = platform_image_end();
	for (int i = 0; i < n; i++) {
		uint64_t start = r[i].base > image_end ? r[i].base : image_end;
		uint64_t end = r[i].base + r[i].size;
		start = (start + 4095) & ~4095ull;
		if (end > start && end - start > frames_end - next_frame) {
			next_frame = start;
			frames_end = end & ~4095ull;
		}
	}
}

uint64_t frame_alloc(void)
{
	if (next_frame >= frames_end)
		return 0;
	frames_in_use++;
	next_frame += 4096;
	return next_frame - 4096;
}

void frame_free(uint64_t pa)
{
	(void)pa;
	frames_in_use--;
}

static int releases;
static uint64_t released_pa;

static void release(uint64_t pa, void *arg)
{
	releases++;
	released_pa = pa;
	*(int *)arg += 1;
}

/* Every RAM page is reachable through the direct map (above 4 GiB too). */
static void test_direct_map(void)
{
	struct platform_mem_region r[16];
	int n = platform_memory_regions(r, 16), ok = n > 0;
	uint64_t top = 0;
	for (int i = 0; i < n; i++) {
		uint64_t last = (r[i].base + r[i].size - 8) & ~7ull;
		volatile uint64_t *p = platform_phys_to_virt(last);
		uint64_t old = *p;
		*p = 0x600d;
		ok &= *p == 0x600d;
		*p = old;
		if (last > top)
			top = last;
	}
	kvm_printf_stdout("direct map: RAM up to %lx\n", top + 8);
	check(ok, "paging: the direct map reaches every RAM region's end",
	      "unreachable RAM");
}

void test_paging(void)
{
	uintptr_t lo, hi;
	test_direct_map();
	platform_vm_range(&lo, &hi);
	check(lo >= 4 * GIB && hi == 0x800000000000 && lo <= 0xc000000000,
	      "paging: the program's range holds Go's heap hints",
	      "unexpected range");

	uintptr_t va = 0xc000000000; /* Go's first arena hint */
	uint64_t pa = frame_alloc();
	uint64_t *direct = platform_phys_to_virt(pa);
	direct[0] = 0;
	check(platform_pages_map(va, pa, 1, PLATFORM_PROT_READ |
					       PLATFORM_PROT_WRITE) == 0,
	      "paging: map a page", "map failed");
	*(volatile uint64_t *)va = 0x1234;
	check(direct[0] == 0x1234,
	      "paging: writes through the mapping land in the frame",
	      "frame not written");
	check(platform_pages_map(va, frame_alloc(), 1, PLATFORM_PROT_READ) == -17,
	      "paging: mapping a mapped page gives -EEXIST", "no EEXIST");

	platform_pages_protect(va, va + 4096, PLATFORM_PROT_READ);
	expect_faults(3, 0);
	store3((void *)va, 1);
	uint64_t v = load3((void *)va);
	check(expected_fault.count == 1 && expected_fault.address == va &&
		      (expected_fault.error & PLATFORM_PF_PRESENT) &&
		      (expected_fault.error & PLATFORM_PF_WRITE) && v == 0x1234,
	      "paging: read-only page faults on write, reads work",
	      "wrong fault");

	platform_pages_protect(va, va + 4096, 0);
	expect_faults(3, 0);
	load3((void *)va);
	check(expected_fault.count == 1 &&
		      !(expected_fault.error & PLATFORM_PF_PRESENT),
	      "paging: PROT_NONE page faults as not present", "no fault");
	platform_pages_protect(va, va + 4096, PLATFORM_PROT_READ |
						      PLATFORM_PROT_WRITE);
	expect_faults(3, 0);
	v = load3((void *)va);
	check(expected_fault.count == 0 && v == 0x1234,
	      "paging: access back after PROT_NONE, same frame", "lost");

	/* Instruction fetch: executable only with PROT_EXEC. */
	uintptr_t code = va + 4096;
	uint64_t code_pa = frame_alloc();
	*(uint8_t *)platform_phys_to_virt(code_pa) = 0xc3; /* ret */
	platform_pages_map(code, code_pa, 1, PLATFORM_PROT_READ);
	expect_faults(0, 1);
	((void (*)(void))code)();
	int nx_fault = expected_fault.count == 1 && expected_fault.address == code;
	platform_pages_protect(code, code + 4096,
			       PLATFORM_PROT_READ | PLATFORM_PROT_EXEC);
	expect_faults(0, 1);
	((void (*)(void))code)();
	check(nx_fault && expected_fault.count == 0,
	      "paging: fetch faults without PROT_EXEC, runs with it",
	      "wrong execute permission");

	int released = 0;
	platform_pages_unmap(va, va + 2 * 4096, release, &released);
	expect_faults(3, 0);
	load3((void *)va);
	check(released == 2 && released_pa == code_pa &&
		      expected_fault.count == 1,
	      "paging: unmap releases each frame, then accesses fault",
	      "wrong unmap");

	/* A huge sparse range: only existing tables are walked. */
	uint64_t t0 = platform_monotonic_ns();
	platform_pages_unmap(lo, hi, release, &released);
	uint64_t t1 = platform_monotonic_ns();
	check(released == 2 && t1 - t0 < 1000000000,
	      "paging: unmapping the whole range skips missing tables",
	      "slow or released something");
	expect_no_faults();
	(void)releases;
}
