/* Time: the host's clocks, read through its vDSO (tens of nanoseconds,
 * no host call) when it offers __vdso_clock_gettime, else by the
 * clock_gettime system call. Monotonic time counts from boot. */
#include "hosted.h"

#define AT_NULL 0
#define AT_SYSINFO_EHDR 33
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define SHT_DYNSYM 11

struct timespec64 {
	int64_t sec, nsec;
};

struct elf64_shdr {
	uint32_t name, type;
	uint64_t flags, addr, offset, size;
	uint32_t link, info;
	uint64_t addralign, entsize;
};

struct elf64_sym {
	uint32_t name;
	uint8_t info, other;
	uint16_t shndx;
	uint64_t value, size;
};

typedef long (*clock_gettime_fn)(long clock, struct timespec64 *ts);
static clock_gettime_fn vdso_clock_gettime;
static uint64_t boot_ns;

static int name_is(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* __vdso_clock_gettime in the vDSO at base (an ELF image the host mapped
 * whole: its section headers are there too). */
static clock_gettime_fn vdso_lookup(const unsigned char *base)
{
	uint64_t shoff, phoff, load = 0;
	uint16_t shnum, phnum;

	if (base[0] != 0x7f || base[1] != 'E' || base[2] != 'L' || base[3] != 'F')
		return NULL;
	memcpy(&phoff, base + 32, 8);
	memcpy(&shoff, base + 40, 8);
	memcpy(&phnum, base + 56, 2);
	memcpy(&shnum, base + 60, 2);
	/* Symbol values are link addresses: the first PT_LOAD's vaddr is
	 * where base is. */
	const struct elf64_phdr *ph = (const void *)(base + phoff);
	for (unsigned i = 0; i < phnum; i++)
		if (ph[i].type == PT_LOAD) {
			load = ph[i].vaddr;
			break;
		}
	const struct elf64_shdr *sh = (const void *)(base + shoff);
	for (unsigned i = 0; i < shnum; i++) {
		if (sh[i].type != SHT_DYNSYM || sh[i].link >= shnum)
			continue;
		const struct elf64_sym *sym = (const void *)(base + sh[i].offset);
		const char *names = (const char *)base + sh[sh[i].link].offset;
		for (uint64_t j = 0; j < sh[i].size / sizeof(*sym); j++)
			if (sym[j].shndx && name_is(names + sym[j].name,
						    "__vdso_clock_gettime"))
				return (clock_gettime_fn)(uintptr_t)(base +
					sym[j].value - load);
	}
	return NULL;
}

static uint64_t host_clock(long clock)
{
	struct timespec64 ts;

	if (!vdso_clock_gettime ||
	    vdso_clock_gettime(clock, &ts) != 0)
		host_syscall(HOST_clock_gettime, clock, &ts);
	return (uint64_t)ts.sec * 1000000000ull + (uint64_t)ts.nsec;
}

void hosted_clock_init(const uint64_t *auxv)
{
	for (; auxv[0] != AT_NULL; auxv += 2)
		if (auxv[0] == AT_SYSINFO_EHDR && auxv[1])
			vdso_clock_gettime = vdso_lookup(
				(const unsigned char *)(uintptr_t)auxv[1]);
	boot_ns = host_clock(CLOCK_MONOTONIC);
}

/* Nanoseconds of the host's CLOCK_MONOTONIC for monotonic time t. */
uint64_t hosted_host_monotonic(uint64_t t)
{
	return boot_ns + t;
}

uint64_t platform_monotonic_ns(void)
{
	return host_clock(CLOCK_MONOTONIC) - boot_ns;
}

uint64_t platform_wall_ns(void)
{
	return host_clock(CLOCK_REALTIME);
}
