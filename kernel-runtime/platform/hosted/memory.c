/* Physical memory: one host memfd, the frames the core hands out, mapped
 * whole at a fixed place (the direct map) through which the kernel reads
 * and writes them; the program's pages map the same frames at their
 * virtual addresses (pagetable.c). The host backs a frame with RAM only
 * once it is touched, so the size is an upper bound, not a reservation. */
#include "hosted.h"

#define MFD_CLOEXEC 1
#define PROT_READ 1
#define PROT_WRITE 2
#define MAP_SHARED 0x01
#define MAP_FIXED_NOREPLACE 0x100000

/* The direct map sits above the program's range, below the file system
 * archive (hosted.h); the program's range starts above the image. */
#define DIRECT_MAP HOSTED_DIRECT_MAP
#define VM_START   HOSTED_VM_START
#define MAX_MEMORY (HOSTED_ARCHIVE_MAP - HOSTED_DIRECT_MAP)
#define DEFAULT_MEMORY (4ull << 30)

static int memfd = -1;
static uint64_t memory_size;

int hosted_memfd(void)
{
	return memfd;
}

/* "mem=SIZE": bytes, or with a K, M or G suffix; 0 for a bad value. */
static uint64_t parse_size(const char *s)
{
	uint64_t v = 0;

	if (!*s)
		return 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (UINT64_MAX - 9) / 10)
			return 0;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	unsigned shift = 0;
	switch (*s) {
	case 'k': case 'K': shift = 10; s++; break;
	case 'm': case 'M': shift = 20; s++; break;
	case 'g': case 'G': shift = 30; s++; break;
	}
	if (*s || v > (UINT64_MAX >> shift))
		return 0;
	return v << shift;
}

static void memory_init(void)
{
	const char *opt = kcore_option("mem");
	uint64_t size = opt ? parse_size(opt) : DEFAULT_MEMORY;

	if (size < (16ull << 20) || size > MAX_MEMORY) {
		platform_printf("rewire: hosted kernel: mem=%s: give a size from "
				"16M to %luG (a number with K, M or G)\n",
				opt ? opt : "", (uint64_t)(MAX_MEMORY >> 30));
		platform_exit(64);
	}
	size &= ~4095ull;
	long fd = host_syscall(HOST_memfd_create, "rewire-memory", MFD_CLOEXEC);
	if (fd < 0)
		hosted_fatal("memfd_create", fd);
	long err = host_syscall(HOST_ftruncate, fd, size);
	if (err)
		hosted_fatal("ftruncate of the memory file", err);
	long at = host_syscall(HOST_mmap, DIRECT_MAP, size,
			       PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0);
	if (at != (long)DIRECT_MAP)
		hosted_fatal("mmap of the direct map", at < 0 ? at : -17);
	memfd = (int)fd;
	memory_size = size;
}

int platform_memory_regions(struct platform_mem_region *out, int max)
{
	if (memfd < 0)
		memory_init();
	if (max < 1)
		return 0;
	out[0] = (struct platform_mem_region){ 0, memory_size };
	return 1;
}

/* Frames are offsets in the memory file: none is the image's. */
uint64_t platform_image_end(void)
{
	return 0;
}

void *platform_phys_to_virt(uint64_t pa)
{
	return (void *)(uintptr_t)(DIRECT_MAP + pa);
}

void platform_vm_range(uintptr_t *start, uintptr_t *end)
{
	*start = VM_START;
	*end = DIRECT_MAP;
}

/* A frame the host never backed is a hole of the memfd: it reads as zero
 * already. One it backs was the program's before: clear it in place.
 * Punching it out instead, as it once did, made the host free the page
 * and back it again at the next touch, through the page cache: 1.3-1.6
 * times native for a heap that grows and shrinks. */
#define ZERO_BATCH 64
void platform_frames_zero(uint64_t pa, size_t count)
{
	unsigned char resident[ZERO_BATCH];

	while (count) {
		size_t n = count < ZERO_BATCH ? count : ZERO_BATCH;
		char *va = platform_phys_to_virt(pa);

		if (host_syscall(HOST_mincore, (long)va, n * 4096, (long)resident))
			memset(va, 0, n * 4096);
		else
			for (size_t i = 0; i < n; i++)
				if (resident[i] & 1)
					memset(va + i * 4096, 0, 4096);
		pa += n * 4096;
		count -= n;
	}
}

int hosted_in_direct_map(uint64_t va)
{
	return va >= DIRECT_MAP && va - DIRECT_MAP < memory_size;
}
