/* Physical memory allocator: one bit per 4 KiB frame between the lowest and
 * the highest usable address (1 = in use or not RAM), the bitmap itself
 * taken from the first region big enough. Single frames come from a moving
 * hint, so a run of allocations does not rescan full words. Small objects'
 * pools carve their slots from frames here too. */
#include "frame.h"

#include "kstring.h"
#include "linux_abi.h"
#include "spinlock.h"

static struct spinlock frame_lock = SPINLOCK_INIT("frame");
static uint64_t *bitmap;
static uint64_t base_pfn;   /* frame number of bit 0 */
static uint64_t nbits;      /* frames covered by the bitmap */
static uint64_t hint_word;  /* no free bit before this word, roughly */
static uint64_t total, free_frames, peak_used;

#define WORD_BITS 64

static bool bit_test(uint64_t i)
{
	return bitmap[i / WORD_BITS] >> (i % WORD_BITS) & 1;
}

static void bit_set(uint64_t i)
{
	bitmap[i / WORD_BITS] |= 1ull << (i % WORD_BITS);
}

static void bit_clear(uint64_t i)
{
	bitmap[i / WORD_BITS] &= ~(1ull << (i % WORD_BITS));
}

static unsigned bits_counted(uint64_t w)
{
	w -= (w >> 1) & 0x5555555555555555ull;
	w = (w & 0x3333333333333333ull) + ((w >> 2) & 0x3333333333333333ull);
	w = (w + (w >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (unsigned)((w * 0x0101010101010101ull) >> 56);
}

/* Clears bits [first, end) a word at a time and returns how many were set:
 * a frame of two overlapping regions counts once. Bit by bit, the 4 GiB a
 * hosted kernel has by default took a third of a hello world's start. */
static uint64_t bits_clear_range(uint64_t first, uint64_t end)
{
	uint64_t cleared = 0;

	while (first < end) {
		uint64_t offset = first % WORD_BITS;
		uint64_t span = WORD_BITS - offset;
		if (span > end - first)
			span = end - first;
		uint64_t mask = (span == WORD_BITS ? ~0ull : (1ull << span) - 1) << offset;
		uint64_t *word = &bitmap[first / WORD_BITS];

		cleared += bits_counted(*word & mask);
		*word &= ~mask;
		first += span;
	}
	return cleared;
}

/* [*lo, *hi) of a region, trimmed to whole frames at or above floor. */
static bool region_span(const struct platform_mem_region *r, uint64_t floor,
			uint64_t *lo, uint64_t *hi)
{
	uint64_t start = r->base < floor ? floor : r->base;
	uint64_t end = r->base + r->size;

	start = (start + FRAME_SIZE - 1) & ~(FRAME_SIZE - 1);
	end &= ~(FRAME_SIZE - 1);
	if (end < r->base || start >= end)
		return false;
	*lo = start;
	*hi = end;
	return true;
}

int frame_init(const struct platform_mem_region *regions, int count,
	       uint64_t reserved_end)
{
	uint64_t floor = reserved_end > FRAME_SIZE ? reserved_end : FRAME_SIZE;
	uint64_t lo = UINT64_MAX, hi = 0, a, b;

	spin_init(&frame_lock, "frame");
	bitmap = NULL;
	nbits = total = free_frames = peak_used = hint_word = 0;
	for (int i = 0; i < count; i++) {
		if (!region_span(&regions[i], floor, &a, &b))
			continue;
		lo = a < lo ? a : lo;
		hi = b > hi ? b : hi;
	}
	if (hi == 0)
		return -ENOMEM;
	base_pfn = lo / FRAME_SIZE;
	nbits = (hi - lo) / FRAME_SIZE;
	uint64_t words = (nbits + WORD_BITS - 1) / WORD_BITS;
	uint64_t map_frames = (words * 8 + FRAME_SIZE - 1) / FRAME_SIZE;

	/* The bitmap lives at the start of the first region that holds it
	 * with room to spare. */
	uint64_t map_pa = 0;
	for (int i = 0; i < count && !map_pa; i++)
		if (region_span(&regions[i], floor, &a, &b) &&
		    (b - a) / FRAME_SIZE > map_frames)
			map_pa = a;
	if (!map_pa)
		return -ENOMEM;
	bitmap = platform_phys_to_virt(map_pa);
	kmemset(bitmap, 0xff, words * 8);

	for (int i = 0; i < count; i++) {
		if (!region_span(&regions[i], floor, &a, &b))
			continue;
		total += bits_clear_range(a / FRAME_SIZE - base_pfn, b / FRAME_SIZE - base_pfn);
	}
	for (uint64_t f = 0; f < map_frames; f++)
		bit_set(map_pa / FRAME_SIZE - base_pfn + f);
	total -= map_frames;
	free_frames = total;
	return total ? 0 : -ENOMEM;
}

static void note_taken(uint64_t n)
{
	free_frames -= n;
	if (total - free_frames > peak_used)
		peak_used = total - free_frames;
}

uint64_t frame_alloc(void)
{
	uint64_t words = (nbits + WORD_BITS - 1) / WORD_BITS, pa = 0;
	unsigned long flags = spin_lock(&frame_lock);

	for (uint64_t n = 0; n < words && free_frames; n++) {
		uint64_t w = (hint_word + n) % words;
		if (bitmap[w] == ~0ull)
			continue;
		uint64_t bit = w * WORD_BITS + (uint64_t)__builtin_ctzll(~bitmap[w]);
		if (bit >= nbits)
			continue; /* the padding bits of the last word */
		bit_set(bit);
		hint_word = w;
		note_taken(1);
		pa = (base_pfn + bit) * FRAME_SIZE;
		break;
	}
	spin_unlock(&frame_lock, flags);
	return pa;
}

uint64_t frame_alloc_zeroed(void)
{
	uint64_t pa = frame_alloc();
	if (pa)
		platform_frames_zero(pa, 1);
	return pa;
}

uint64_t frame_alloc_contig(size_t n)
{
	uint64_t run = 0, pa = 0;
	unsigned long flags;

	if (n == 0)
		return 0;
	if (n == 1)
		return frame_alloc();
	flags = spin_lock(&frame_lock);
	for (uint64_t bit = 0; bit < nbits && free_frames >= n; bit++) {
		/* Whole used words end any run at once. */
		if (bit % WORD_BITS == 0 && bitmap[bit / WORD_BITS] == ~0ull) {
			run = 0;
			bit += WORD_BITS - 1;
			continue;
		}
		run = bit_test(bit) ? 0 : run + 1;
		if (run == n) {
			uint64_t first = bit + 1 - n;
			for (uint64_t i = first; i <= bit; i++)
				bit_set(i);
			note_taken(n);
			pa = (base_pfn + first) * FRAME_SIZE;
			break;
		}
	}
	spin_unlock(&frame_lock, flags);
	return pa;
}

void frame_free_contig(uint64_t pa, size_t n)
{
	unsigned long flags = spin_lock(&frame_lock);

	for (size_t i = 0; i < n; i++) {
		uint64_t f = pa / FRAME_SIZE + i;
		if (pa % FRAME_SIZE || f < base_pfn || f - base_pfn >= nbits ||
		    !bit_test(f - base_pfn))
			PLATFORM_PANIC("frame_free: frame %lx was not allocated",
				       (unsigned long)(f * FRAME_SIZE));
		bit_clear(f - base_pfn);
		if ((f - base_pfn) / WORD_BITS < hint_word)
			hint_word = (f - base_pfn) / WORD_BITS;
	}
	free_frames += n;
	spin_unlock(&frame_lock, flags);
}

void frame_free(uint64_t pa)
{
	frame_free_contig(pa, 1);
}

void frame_slots_carve(void **list, void *at, size_t bytes, size_t size)
{
	for (size_t off = 0; off + size <= bytes; off += size) {
		*(void **)((char *)at + off) = *list;
		*list = (char *)at + off;
	}
}

bool frame_slots_add(void **list, size_t size)
{
	uint64_t pa = frame_alloc();
	if (!pa)
		return false;
	frame_slots_carve(list, platform_phys_to_virt(pa), FRAME_SIZE, size);
	return true;
}

void frame_stats(struct frame_stats *out)
{
	unsigned long flags = spin_lock(&frame_lock);
	out->total = total;
	out->free = free_frames;
	out->peak_used = peak_used;
	spin_unlock(&frame_lock, flags);
}
