/* Unit tests of the address-space map: Linux mmap/munmap/mprotect/madvise
 * over anonymous memory, demand paging, and what Go's allocator does. */
#include "kcore_test.h"

#include "frame.h"
#include "kernel.h"
#include "linux_abi.h"
#include "vm.h"

#define PG 4096ul
#define GO_HINT 0xc000000000ul /* Go's first heap arena hint */
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

static uint64_t frames_used(void)
{
	struct kcore_counters c;
	kcore_counters(&c);
	return c.frames_used;
}

static void expect_area(size_t i, uintptr_t start, uintptr_t end, unsigned prot)
{
	uintptr_t s, e;
	unsigned p;
	assert_true(vm_area_get(i, &s, &e, &p));
	assert_int_equal(s, start);
	assert_int_equal(e, end);
	assert_int_equal(p, prot);
}

static void test_reserve_takes_the_hint(void **state)
{
	(void)state;
	long a = vm_mmap(GO_HINT, 64 << 20, PROT_NONE, ANON, -1, 0);
	assert_int_equal(a, GO_HINT);
	assert_int_equal(vm_area_count(), 1);
	expect_area(0, GO_HINT, GO_HINT + (64 << 20), PROT_NONE);
	/* Reserved is not accessible, and costs no frame. */
	uint64_t used = frames_used();
	assert_int_equal(vm_fault(GO_HINT + 5 * PG, false), VM_FAULT_BAD);
	assert_int_equal(fake_page_fault(GO_HINT, true), 0);
	assert_int_equal(frames_used(), used);
	assert_int_equal(fake_page_count(), 0);
}

static void test_commit_then_fault_maps_a_zeroed_frame(void **state)
{
	uint64_t pa;
	unsigned prot;
	struct kcore_counters c;
	(void)state;

	assert_int_equal(vm_mmap(GO_HINT, 16 * PG, PROT_NONE, ANON, -1, 0),
			 GO_HINT);
	assert_int_equal(vm_mmap(GO_HINT, 4 * PG, RW, ANON | MAP_FIXED, -1, 0),
			 GO_HINT);
	assert_int_equal(vm_area_count(), 2);
	uint64_t used = frames_used();

	unsigned calls = fake.map_calls;
	assert_int_equal(fake_page_fault(GO_HINT + 2 * PG + 123, true), 1);
	assert_true(fake_page(GO_HINT + 2 * PG, &pa, &prot));
	assert_int_equal(prot, RW);
	/* The fault maps its block as far as the mapping goes: the four
	 * committed pages, in one platform call, to zeroed frames (the
	 * fake's RAM starts filled with 0xcc). */
	assert_int_equal(frames_used(), used + 4);
	assert_int_equal(fake_page_count(), 4);
	assert_int_equal(fake.map_calls, calls + 1);
	for (int pg = 0; pg < 4; pg++) {
		assert_true(fake_page(GO_HINT + pg * PG, NULL, NULL));
		const unsigned char *p = fake_va(GO_HINT + pg * PG);
		for (int i = 0; i < 4096; i++)
			assert_int_equal(p[i], 0);
	}
	kcore_counters(&c);
	assert_int_equal(c.page_faults, 1);
	/* The reserved part beyond the commit still faults for real. */
	assert_int_equal(fake_page_fault(GO_HINT + 4 * PG, false), 0);
	assert_non_null(strstr(fake_stderr(), "which no mapping allows"));
	/* A second fault on a mapped page (another CPU won) is harmless. */
	assert_int_equal(vm_fault(GO_HINT + 2 * PG, true), VM_FAULT_MAPPED);
	assert_int_equal(frames_used(), used + 4);
}

/* The block of a fault is aligned and clipped to its mapping; a block with
 * a page mapped already falls back to the faulting page alone. */
static void test_fault_around_block(void **state)
{
	(void)state;
	assert_int_equal(vm_mmap(GO_HINT, 40 * PG, RW, ANON, -1, 0), GO_HINT);
	uint64_t used = frames_used();

	assert_int_equal(vm_fault(GO_HINT + 20 * PG, true), VM_FAULT_MAPPED);
	assert_int_equal(frames_used(), used + VM_FAULT_AROUND);
	assert_false(fake_page(GO_HINT + 15 * PG, NULL, NULL));
	assert_true(fake_page(GO_HINT + 16 * PG, NULL, NULL));
	assert_true(fake_page(GO_HINT + 31 * PG, NULL, NULL));
	assert_false(fake_page(GO_HINT + 32 * PG, NULL, NULL));
	/* The last block is cut at the mapping's end (8 pages). */
	assert_int_equal(vm_fault(GO_HINT + 39 * PG, true), VM_FAULT_MAPPED);
	assert_int_equal(frames_used(), used + VM_FAULT_AROUND + 8);
	/* One page given back: its refault maps it alone. */
	assert_int_equal(vm_madvise(GO_HINT + 20 * PG, PG, MADV_DONTNEED), 0);
	assert_int_equal(vm_fault(GO_HINT + 20 * PG, true), VM_FAULT_MAPPED);
	assert_int_equal(frames_used(), used + VM_FAULT_AROUND + 8);
	assert_true(fake_page(GO_HINT + 20 * PG, NULL, NULL));
}

static void test_munmap_splits_and_frees(void **state)
{
	(void)state;
	uintptr_t a = (uintptr_t)vm_mmap(0, 10 * PG, RW, ANON, -1, 0);
	uint64_t used = frames_used();
	for (int i = 0; i < 10; i++)
		assert_int_equal(vm_fault(a + i * PG, true), VM_FAULT_MAPPED);
	assert_int_equal(frames_used(), used + 10);

	assert_int_equal(vm_munmap(a + 3 * PG, 3 * PG), 0);
	assert_int_equal(vm_area_count(), 2);
	expect_area(0, a, a + 3 * PG, RW);
	expect_area(1, a + 6 * PG, a + 10 * PG, RW);
	assert_int_equal(frames_used(), used + 7);
	assert_false(fake_page(a + 4 * PG, NULL, NULL));
	assert_int_equal(vm_fault(a + 4 * PG, false), VM_FAULT_BAD);
	assert_int_equal(vm_fault(a + 6 * PG, false), VM_FAULT_MAPPED);

	/* Across both pieces and the hole between them. */
	assert_int_equal(vm_munmap(a + 2 * PG, 6 * PG), 0);
	expect_area(0, a, a + 2 * PG, RW);
	expect_area(1, a + 8 * PG, a + 10 * PG, RW);
	assert_int_equal(vm_munmap(a, 10 * PG), 0);
	assert_int_equal(vm_area_count(), 0);
	assert_int_equal(frames_used(), used);
	assert_int_equal(fake_page_count(), 0);
	/* Unmapping nothing is fine, as on Linux. */
	assert_int_equal(vm_munmap(a, 10 * PG), 0);
}

static void test_mprotect_splits_and_merges(void **state)
{
	unsigned prot;
	(void)state;

	uintptr_t a = (uintptr_t)vm_mmap(0, 4 * PG, RW, ANON, -1, 0);
	assert_int_equal(vm_fault(a + PG, true), VM_FAULT_MAPPED);
	assert_int_equal(vm_mprotect(a + PG, 2 * PG, PROT_READ), 0);
	assert_int_equal(vm_area_count(), 3);
	expect_area(1, a + PG, a + 3 * PG, PROT_READ);
	assert_true(fake_page(a + PG, NULL, &prot));
	assert_int_equal(prot, PROT_READ);
	assert_int_equal(vm_fault(a + 2 * PG, true), VM_FAULT_BAD);
	assert_int_equal(vm_fault(a + 2 * PG, false), VM_FAULT_MAPPED);
	assert_true(fake_page(a + 2 * PG, NULL, &prot));
	assert_int_equal(prot, PROT_READ);

	/* PROT_NONE keeps the frame: access comes back with its data. */
	*(int *)fake_va(a + PG) = 1234;
	assert_int_equal(vm_mprotect(a + PG, PG, PROT_NONE), 0);
	assert_int_equal(vm_fault(a + PG, false), VM_FAULT_BAD);
	assert_int_equal(vm_mprotect(a, 4 * PG, RW), 0);
	assert_int_equal(vm_area_count(), 1);
	expect_area(0, a, a + 4 * PG, RW);
	assert_true(fake_page(a + PG, NULL, &prot));
	assert_int_equal(prot, RW);
	assert_int_equal(*(int *)fake_va(a + PG), 1234);

	/* A hole in the range: ENOMEM, and nothing changed. */
	assert_int_equal(vm_mprotect(a, 8 * PG, PROT_READ), -ENOMEM);
	expect_area(0, a, a + 4 * PG, RW);
	assert_int_equal(vm_mprotect(a + 1, PG, PROT_READ), -EINVAL);
	assert_int_equal(vm_mprotect(a, PG, 8), -EINVAL);
}

static void test_map_fixed_replaces_contents(void **state)
{
	(void)state;
	uintptr_t a = (uintptr_t)vm_mmap(0, 2 * PG, RW, ANON, -1, 0);
	uint64_t used = frames_used();
	assert_int_equal(vm_fault(a, true), VM_FAULT_MAPPED);
	*(int *)fake_va(a) = 42;
	/* The fault mapped both pages; MAP_FIXED frees the first's frame. */
	assert_int_equal(vm_mmap(a, PG, RW, ANON | MAP_FIXED, -1, 0), (long)a);
	assert_int_equal(frames_used(), used + 1);
	assert_false(fake_page(a, NULL, NULL));
	assert_int_equal(vm_fault(a, false), VM_FAULT_MAPPED);
	assert_int_equal(*(int *)fake_va(a), 0);
	/* The two halves are one mapping again. */
	assert_int_equal(vm_area_count(), 1);
	/* NOREPLACE refuses to overwrite. */
	assert_int_equal(vm_mmap(a, PG, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0),
			 -EEXIST);
	assert_int_equal(vm_mmap(a - PG, PG, RW, ANON | MAP_FIXED_NOREPLACE,
				 -1, 0),
			 (long)(a - PG));
}

static void test_madvise_dontneed_frees_and_zeroes(void **state)
{
	(void)state;
	uintptr_t a = (uintptr_t)vm_mmap(0, 4 * PG, RW, ANON, -1, 0);
	uint64_t used = frames_used();
	for (int i = 0; i < 4; i++) {
		assert_int_equal(vm_fault(a + i * PG, true), VM_FAULT_MAPPED);
		*(int *)fake_va(a + i * PG) = 7;
	}
	assert_int_equal(vm_madvise(a + PG, 2 * PG, MADV_DONTNEED), 0);
	assert_int_equal(frames_used(), used + 2);
	assert_int_equal(vm_area_count(), 1); /* still mapped */
	assert_int_equal(vm_fault(a + PG, false), VM_FAULT_MAPPED);
	assert_int_equal(*(int *)fake_va(a + PG), 0);
	assert_int_equal(*(int *)fake_va(a), 7);
	/* Hints are accepted and change nothing. */
	assert_int_equal(vm_madvise(a, 4 * PG, 14 /* MADV_HUGEPAGE */), 0);
	assert_int_equal(vm_madvise(a, 4 * PG, 25 /* MADV_COLLAPSE */), 0);
	assert_int_equal(*(int *)fake_va(a + 3 * PG), 7);
	assert_int_equal(vm_madvise(a, PG, 77), -EINVAL);
	assert_int_equal(vm_madvise(a + 4 * PG, PG, MADV_DONTNEED), -ENOMEM);
}

static void test_hints_and_layout(void **state)
{
	(void)state;
	/* No hint: the top of the range, then below it (Linux's layout). */
	long a = vm_mmap(0, PG, RW, ANON, -1, 0);
	assert_int_equal(a, (long)(fake.cfg.vm_end - PG));
	long b = vm_mmap(0, 2 * PG, RW, ANON, -1, 0);
	assert_int_equal(b, a - 2 * (long)PG);
	/* A taken hint is not honoured; an unaligned one is rounded down. */
	long c = vm_mmap((uintptr_t)b, PG, RW, ANON, -1, 0);
	assert_int_not_equal(c, b);
	assert_int_equal(vm_mmap(GO_HINT + 100, PG, RW, ANON, -1, 0), GO_HINT);
	/* A hint outside the range is ignored. */
	long d = vm_mmap(0x1000, PG, RW, ANON, -1, 0);
	assert_true(d >= (long)fake.cfg.vm_start);
	/* MAP_FIXED outside the range cannot be served. */
	assert_int_equal(vm_mmap(0x1000, PG, RW, ANON | MAP_FIXED, -1, 0),
			 -ENOMEM);
	/* More than the whole range. */
	assert_int_equal(vm_mmap(0, 1ul << 47, RW, ANON, -1, 0), -ENOMEM);
}

static void test_argument_errors(void **state)
{
	(void)state;
	assert_int_equal(vm_mmap(0, 0, RW, ANON, -1, 0), -EINVAL);
	assert_int_equal(vm_mmap(GO_HINT + 1, PG, RW, ANON | MAP_FIXED, -1, 0),
			 -EINVAL);
	assert_int_equal(vm_mmap(0, PG, RW, MAP_PRIVATE, -1, 0), -EBADF);
	assert_int_equal(vm_mmap(0, PG, RW, MAP_PRIVATE, 1, 0), -ENODEV);
	assert_int_equal(vm_mmap(0, PG, RW, MAP_ANONYMOUS, -1, 0), -EINVAL);
	assert_int_equal(vm_mmap(0, PG, 0x10, ANON, -1, 0), -EINVAL);
	assert_int_equal(vm_mmap(0, PG, RW, ANON, -1, 100), -EINVAL);
	assert_int_equal(vm_mmap(0, (size_t)-100, RW, ANON, -1, 0), -ENOMEM);
	assert_int_equal(vm_munmap(GO_HINT + 1, PG), -EINVAL);
	assert_int_equal(vm_munmap(GO_HINT, 0), -EINVAL);
	assert_int_equal(vm_madvise(GO_HINT + 1, PG, MADV_DONTNEED), -EINVAL);
}

static void test_go_heap_sequence(void **state)
{
	(void)state;
	/* sysReserve, sysMap in pieces, sysUnused, sysUsed, sysFree. */
	char *arena = vm_reserve((void *)GO_HINT, 64 << 20);
	assert_ptr_equal(arena, (void *)GO_HINT);
	for (int i = 0; i < 4; i++)
		assert_int_equal(vm_commit(arena + i * (4 << 20), 4 << 20), 0);
	/* Adjacent commits merged: one RW mapping and the reserved rest. */
	assert_int_equal(vm_area_count(), 2);
	expect_area(0, GO_HINT, GO_HINT + (16 << 20), RW);
	uint64_t used = frames_used();
	for (int i = 0; i < 8; i++)
		assert_int_equal(fake_page_fault((uintptr_t)arena + i * PG, true), 1);
	assert_int_equal(frames_used(), used + VM_FAULT_AROUND);
	assert_int_equal(vm_decommit(arena, VM_FAULT_AROUND * PG), 0);
	assert_int_equal(frames_used(), used);
	assert_int_equal(vm_release(arena, 64 << 20), 0);
	assert_int_equal(vm_area_count(), 0);
	char *p = vm_alloc(3 * PG);
	assert_non_null(p);
	assert_int_equal(vm_fault((uintptr_t)p + 2 * PG, true), VM_FAULT_MAPPED);
	assert_null(vm_reserve(NULL, 1ul << 47));
}

static void test_mincore(void **state)
{
	unsigned char vec[4] = { 9, 9, 9, 9 };
	(void)state;
	uintptr_t a = (uintptr_t)vm_mmap(0, 4 * PG, RW, ANON, -1, 0);
	assert_int_equal(vm_mincore(a, 3 * PG, vec), 0);
	assert_int_equal(vec[0], 0);
	assert_int_equal(vec[2], 0);
	assert_int_equal(vec[3], 9);
	assert_int_equal(vm_mincore(a + 1, PG, vec), -EINVAL);
	assert_int_equal(vm_mincore(a + 4 * PG, PG, vec), -ENOMEM);
}

static void test_area_table_full(void **state)
{
	(void)state;
	/* Alternate protections so that nothing merges. */
	uintptr_t a = (uintptr_t)vm_mmap(0, VM_MAX_AREAS * PG, RW, ANON, -1, 0);
	long err = 0;
	for (size_t i = 1; i < VM_MAX_AREAS && !err; i += 2)
		err = vm_mprotect(a + i * PG, PG, PROT_READ);
	assert_int_equal(vm_area_count(), VM_MAX_AREAS);
	assert_int_equal(err, 0);
	assert_int_equal(vm_mmap(0, PG, RW, ANON, -1, 0), -ENOMEM);
	/* Unmapping a whole mapping frees its slot. */
	assert_int_equal(vm_munmap(a + PG, PG), 0);
	assert_int_equal(vm_area_count(), VM_MAX_AREAS - 1);
	assert_true(vm_mmap(0, PG, PROT_NONE, ANON, -1, 0) > 0);
}

/* The mappings from GO_HINT on, in pages from it: "start-end name" each
 * (the name "-" for none, "[stack]" for the stack), space-separated. */
static void names_from_hint(char *out, size_t size)
{
	struct vm_area_info a;
	uintptr_t at = GO_HINT;

	out[0] = 0;
	while (vm_area_next(at, &a)) {
		snprintf(out + strlen(out), size - strlen(out), "%s%lu-%lu %s", out[0] ? " " : "",
			 (a.start - GO_HINT) / PG, (a.end - GO_HINT) / PG,
			 a.stack ? "[stack]" : a.named ? a.name : "-");
		at = a.end;
	}
}

/* Names split areas and go with their pages; equal names merge again. */
static void test_names_split_and_merge(void **state)
{
	char areas[256];
	(void)state;

	assert_int_equal(vm_mmap(GO_HINT, 16 * PG, RW, ANON, -1, 0), GO_HINT);
	assert_int_equal(vm_name(GO_HINT + 4 * PG, 4 * PG, "mid"), 0);
	names_from_hint(areas, sizeof(areas));
	assert_string_equal(areas, "0-4 - 4-8 mid 8-16 -");
	/* A second call with the same text: one mapping with its neighbour. */
	assert_int_equal(vm_name(GO_HINT + 8 * PG, 2 * PG - 1, "mid"), 0);
	names_from_hint(areas, sizeof(areas));
	assert_string_equal(areas, "0-4 - 4-10 mid 10-16 -");
	/* mprotect splits it: both sides keep the name. */
	assert_int_equal(vm_mprotect(GO_HINT + 6 * PG, PG, PROT_READ), 0);
	names_from_hint(areas, sizeof(areas));
	assert_string_equal(areas, "0-4 - 4-6 mid 6-7 mid 7-10 mid 10-16 -");
	/* Unmapped pages lose theirs; mapped over, new pages have none. */
	assert_int_equal(vm_munmap(GO_HINT + 6 * PG, PG), 0);
	assert_int_equal(vm_mmap(GO_HINT + 8 * PG, PG, RW, ANON | MAP_FIXED, -1, 0),
			 (long)(GO_HINT + 8 * PG));
	names_from_hint(areas, sizeof(areas));
	assert_string_equal(areas, "0-4 - 4-6 mid 7-8 mid 8-9 - 9-10 mid 10-16 -");
	/* Another name over part of it, then cleared: the unnamed merge. */
	assert_int_equal(vm_name(GO_HINT + 9 * PG, 3 * PG, "other"), 0);
	names_from_hint(areas, sizeof(areas));
	assert_string_equal(areas, "0-4 - 4-6 mid 7-8 mid 8-9 - 9-12 other 12-16 -");
	assert_int_equal(vm_name(GO_HINT + 7 * PG, 9 * PG, NULL), 0);
	names_from_hint(areas, sizeof(areas));
	assert_string_equal(areas, "0-4 - 4-6 mid 7-16 -");
	/* An empty name is a name. */
	assert_int_equal(vm_name(GO_HINT, PG, ""), 0);
	names_from_hint(areas, sizeof(areas));
	assert_string_equal(areas, "0-1  1-4 - 4-6 mid 7-16 -");
}

/* Linux's errors: the mapped part of a range with holes is named. */
static void test_name_errors(void **state)
{
	char areas[256];
	(void)state;

	assert_int_equal(vm_mmap(GO_HINT, 4 * PG, RW, ANON, -1, 0), GO_HINT);
	assert_int_equal(vm_name(GO_HINT + 1, PG, "x"), -EINVAL);
	assert_int_equal(vm_name(GO_HINT, (size_t)-100, "x"), -EINVAL);
	assert_int_equal(vm_name(UINTPTR_MAX - PG + 1, 2 * PG, "x"), -EINVAL);
	assert_int_equal(vm_name(GO_HINT, 0, "x"), 0);
	assert_int_equal(vm_name(GO_HINT + 8 * PG, PG, "x"), -ENOMEM);
	assert_int_equal(vm_name(GO_HINT + 2 * PG, 4 * PG, "x"), -ENOMEM);
	names_from_hint(areas, sizeof(areas));
	assert_string_equal(areas, "0-2 - 2-4 x");
}

/* The names' pool stays bounded: every name goes with its last area. */
static void test_names_are_given_back(void **state)
{
	(void)state;
	assert_int_equal(vm_mmap(GO_HINT, 64 * PG, RW, ANON, -1, 0), GO_HINT);
	/* Fill the pool's first frame, then recycle it many times over. */
	for (int round = 0; round < 100; round++)
		for (int i = 0; i < 64; i += 2)
			assert_int_equal(vm_name(GO_HINT + i * PG, PG, round % 2 ? "odd" : "even"),
					 0);
	uint64_t used = frames_used();
	for (int round = 0; round < 100; round++) {
		for (int i = 0; i < 64; i += 2)
			assert_int_equal(vm_name(GO_HINT + i * PG, PG, "again"), 0);
		assert_int_equal(vm_munmap(GO_HINT, 64 * PG), 0);
		assert_int_equal(vm_mmap(GO_HINT, 64 * PG, RW, ANON, -1, 0), GO_HINT);
	}
	assert_int_equal(frames_used(), used);
	assert_int_equal(vm_area_count(), 1);
}

/* The initial stack's mapping: marked, and merged with no neighbour. */
static void test_stack_mapping(void **state)
{
	char areas[256];
	(void)state;

	assert_int_equal(vm_mmap(GO_HINT + 4 * PG, 4 * PG, RW, ANON, -1, 0), GO_HINT + 4 * PG);
	uint64_t pa = frame_alloc_contig(2);
	assert_int_equal(vm_map_frames(GO_HINT + 6 * PG, pa, 2), 0);
	assert_int_equal(vm_mmap(GO_HINT, 4 * PG, RW, ANON, -1, 0), GO_HINT);
	assert_int_equal(vm_name(GO_HINT + 4 * PG, 4 * PG, "named"), 0);
	names_from_hint(areas, sizeof(areas));
	assert_string_equal(areas, "0-4 - 4-8 [stack]");
}

/* What /proc/PID/status counts: mapped bytes and pages with frames, with
 * their peaks. */
static void test_usage(void **state)
{
	struct vm_usage u;
	(void)state;

	uintptr_t a = (uintptr_t)vm_mmap(0, 64 * PG, RW, ANON, -1, 0);
	assert_int_equal(vm_mmap(GO_HINT, 32 * PG, PROT_NONE, ANON, -1, 0), GO_HINT);
	assert_int_equal(vm_mmap(GO_HINT, 4 * PG, PROT_READ | PROT_EXEC, ANON | MAP_FIXED, -1, 0),
			 GO_HINT);
	assert_int_equal(vm_fault(a, true), VM_FAULT_MAPPED);
	vm_usage(&u);
	assert_int_equal(u.mapped, 96 * PG);
	assert_int_equal(u.resident, VM_FAULT_AROUND * PG);
	assert_int_equal(u.data, 64 * PG);
	assert_int_equal(u.exec, 4 * PG);
	assert_int_equal(u.stack, 0);
	assert_int_equal(vm_madvise(a, 2 * PG, MADV_DONTNEED), 0);
	assert_int_equal(vm_munmap(a + 32 * PG, 32 * PG), 0);
	vm_usage(&u);
	assert_int_equal(u.mapped, 64 * PG);
	assert_int_equal(u.mapped_peak, 96 * PG);
	assert_int_equal(u.resident, (VM_FAULT_AROUND - 2) * PG);
	assert_int_equal(u.resident_peak, VM_FAULT_AROUND * PG);
	assert_int_equal(u.data, 32 * PG);
}

static void test_out_of_memory_exits(void **state)
{
	struct fake_config c = { .ram_count = 1 };
	int status = -1;
	(void)state;

	c.ram[0] = (struct platform_mem_region){ 1 << 20, 64 * PG };
	assert_int_equal(fake_boot(&c), 0);
	uintptr_t a = (uintptr_t)vm_mmap(0, 1024 * PG, RW, ANON, -1, 0);
	size_t i = 0;
	while (vm_fault(a + i * PG, true) == VM_FAULT_MAPPED)
		i++;
	assert_int_equal(i, 63);
	assert_int_equal(vm_fault(a + i * PG, true), VM_FAULT_OOM);
	/* Through the platform's hook it is a clear exit. */
	FAKE_EXPECT_EXIT(fake_page_fault(a + i * PG, true), status);
	assert_int_equal(status, KCORE_EXIT_OOM);
	assert_non_null(strstr(fake_stderr(), "out of memory"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		KTEST(test_reserve_takes_the_hint),
		KTEST(test_commit_then_fault_maps_a_zeroed_frame),
		KTEST(test_fault_around_block),
		KTEST(test_munmap_splits_and_frees),
		KTEST(test_mprotect_splits_and_merges),
		KTEST(test_map_fixed_replaces_contents),
		KTEST(test_madvise_dontneed_frees_and_zeroes),
		KTEST(test_hints_and_layout),
		KTEST(test_argument_errors),
		KTEST(test_go_heap_sequence),
		KTEST(test_mincore),
		KTEST(test_area_table_full),
		KTEST(test_names_split_and_merge),
		KTEST(test_name_errors),
		KTEST(test_names_are_given_back),
		KTEST(test_stack_mapping),
		KTEST(test_usage),
		KTEST(test_out_of_memory_exits),
	};
	return cmocka_run_group_tests_name("kcore address space", tests, NULL,
					   NULL);
}
