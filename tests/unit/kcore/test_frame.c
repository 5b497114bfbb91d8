/* Unit tests of the physical frame allocator. */
#include "kcore_test.h"

#include "frame.h"
#include "kernel.h"
#include "platform.h"

#define MIB (1ull << 20)

static struct fake_config ram(uint64_t base, uint64_t size, uint64_t image_end)
{
	struct fake_config c = { .ram_count = 1, .image_end = image_end };
	c.ram[0] = (struct platform_mem_region){ base, size };
	return c;
}

static void test_counts_after_init(void **state)
{
	struct frame_stats s;
	(void)state;

	/* The default machine: 8 MiB at 1 MiB; one frame holds the bitmap. */
	frame_stats(&s);
	assert_int_equal(s.total, 2048 - 1);
	assert_int_equal(s.free, s.total);
	assert_int_equal(s.peak_used, 0);
}

static void test_image_and_frame_zero_are_reserved(void **state)
{
	struct fake_config c = ram(0, 4 * MIB, 2 * MIB);
	struct frame_stats s;
	(void)state;

	assert_int_equal(fake_boot(&c), 0);
	frame_stats(&s);
	assert_int_equal(s.total, 512 - 1); /* 2 MiB above the image, bitmap */
	for (uint64_t pa; (pa = frame_alloc()) != 0;) {
		assert_true(pa >= 2 * MIB);
		assert_true(pa < 4 * MIB);
	}
	c = ram(0, 1 * MIB, 0);
	assert_int_equal(fake_boot(&c), 0);
	frame_stats(&s);
	assert_int_equal(s.total, 256 - 1 - 1); /* frame 0, bitmap */
	for (uint64_t pa; (pa = frame_alloc()) != 0;)
		assert_true(pa != 0);
}

static void test_alloc_free_and_exhaustion(void **state)
{
	struct frame_stats s;
	uint64_t frames[2048], n = 0, pa;
	(void)state;

	while ((pa = frame_alloc()) != 0) {
		assert_int_equal(pa % 4096, 0);
		assert_true(pa >= 1 * MIB && pa < 9 * MIB);
		for (uint64_t i = 0; i < n; i++)
			assert_true(frames[i] != pa);
		frames[n++] = pa;
	}
	assert_int_equal(n, 2047);
	frame_stats(&s);
	assert_int_equal(s.free, 0);
	assert_int_equal(s.peak_used, 2047);
	assert_int_equal(frame_alloc(), 0);
	assert_int_equal(frame_alloc_contig(2), 0);

	frame_free(frames[100]);
	assert_int_equal(frame_alloc(), frames[100]);
	for (uint64_t i = 0; i < n; i++)
		frame_free(frames[i]);
	frame_stats(&s);
	assert_int_equal(s.free, s.total);
	assert_int_equal(s.peak_used, 2047); /* the peak stays */
}

static void test_zeroed(void **state)
{
	(void)state;
	uint64_t pa = frame_alloc_zeroed();
	const unsigned char *p = platform_phys_to_virt(pa);
	for (int i = 0; i < 4096; i++)
		assert_int_equal(p[i], 0);
}

static void test_contiguous(void **state)
{
	uint64_t single[2048], n = 0, pa;
	(void)state;

	pa = frame_alloc_contig(4);
	assert_int_not_equal(pa, 0);
	/* All four are taken: no single allocation returns one of them. */
	while ((single[n] = frame_alloc()) != 0) {
		assert_false(single[n] >= pa && single[n] < pa + 4 * 4096);
		n++;
	}
	frame_free_contig(pa, 4);
	/* Free every other single frame: no two neighbours are free. */
	for (uint64_t i = 0; i < n; i++)
		if (single[i] % 8192 == 0)
			frame_free(single[i]);
	uint64_t got = frame_alloc_contig(4);
	assert_int_equal(got, pa); /* the only run of four */
	assert_int_equal(frame_alloc_contig(2), 0);
	for (uint64_t i = 0; i < n; i++)
		if (single[i] % 8192 == 4096) {
			frame_free(single[i]);
			break;
		}
	assert_int_not_equal(frame_alloc_contig(2), 0);
}

static void test_regions_with_a_hole(void **state)
{
	struct fake_config c = { .ram_count = 3 };
	struct frame_stats s;
	(void)state;

	c.ram[0] = (struct platform_mem_region){ 1 * MIB, 1 * MIB };
	c.ram[1] = (struct platform_mem_region){ 4 * MIB, 1 * MIB };
	/* Overlaps the second one: its frames must not count twice. */
	c.ram[2] = (struct platform_mem_region){ 4 * MIB + 512 * 1024, 1 * MIB };
	assert_int_equal(fake_boot(&c), 0);
	frame_stats(&s);
	assert_int_equal(s.total, 256 + 384 - 1);
	for (uint64_t pa; (pa = frame_alloc()) != 0;)
		assert_false(pa >= 2 * MIB && pa < 4 * MIB);

	assert_int_equal(fake_boot(&c), 0);
	/* No run crosses the hole. */
	uint64_t pa = frame_alloc_contig(384);
	assert_int_equal(pa, 4 * MIB);
	assert_int_equal(frame_alloc_contig(256), 0);
	assert_int_not_equal(frame_alloc_contig(255), 0);
}

static void test_double_free_panics(void **state)
{
	int status;
	(void)state;

	uint64_t pa = frame_alloc();
	frame_free(pa);
	FAKE_EXPECT_EXIT(frame_free(pa), status);
	assert_int_equal(status, PLATFORM_EXIT_CRASH);
	assert_non_null(strstr(fake_stderr(), "was not allocated"));
	assert_int_equal(fake_boot(NULL), 0);
	FAKE_EXPECT_EXIT(frame_free(0x1000), status); /* not RAM at all */
	assert_int_equal(status, PLATFORM_EXIT_CRASH);
}

static void test_no_memory_is_a_boot_failure(void **state)
{
	struct fake_config c = ram(1 * MIB, 1 * MIB, 4 * MIB);
	(void)state;

	assert_int_equal(fake_boot(&c), KCORE_EXIT_OOM);
	assert_non_null(strstr(fake_stderr(), "no usable memory"));
}

static void test_counters(void **state)
{
	struct kcore_counters c;
	(void)state;

	kcore_counters(&c);
	uint64_t before = c.frames_used;
	uint64_t a = frame_alloc(), b = frame_alloc();
	kcore_counters(&c);
	assert_int_equal(c.frames_used, before + 2);
	frame_free(a);
	frame_free(b);
	kcore_counters(&c);
	assert_int_equal(c.frames_used, before);
	assert_int_equal(c.frames_peak, before + 2);
	assert_int_equal(c.frames_total, 2047);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		KTEST(test_counts_after_init),
		KTEST(test_image_and_frame_zero_are_reserved),
		KTEST(test_alloc_free_and_exhaustion),
		KTEST(test_zeroed),
		KTEST(test_contiguous),
		KTEST(test_regions_with_a_hole),
		KTEST(test_double_free_panics),
		KTEST(test_no_memory_is_a_boot_failure),
		KTEST(test_counters),
	};
	return cmocka_run_group_tests_name("kcore frame allocator", tests, NULL,
					   NULL);
}
