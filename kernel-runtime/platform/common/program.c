/* The Go program in an image: its ELF header and program headers, loaded
 * with it (Go's first PT_LOAD covers the file's first bytes), found through
 * the rewire_program_ehdr `rewire image` defines; what the core's auxiliary
 * vector needs of them. */
#include "x86.h"

#define PT_PHDR 6

static const unsigned char *ehdr;

static uint64_t read64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static uint16_t read16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

void program_init(const unsigned char *e)
{
	if (!e)
		return;
	if (e[0] != 0x7f || e[1] != 'E' || e[2] != 'L' || e[3] != 'F' ||
	    e[4] != 2 /* 64-bit */ || read16(e + 54) != sizeof(struct elf64_phdr))
		PLATFORM_PANIC("rewire_program_ehdr at %p is no ELF64 header",
			       (const void *)e);
	ehdr = e;
}

const struct elf64_phdr *program_phdrs(unsigned *count)
{
	*count = ehdr ? read16(ehdr + 56) : 0;
	return ehdr ? (const void *)(ehdr + read64(ehdr + 32)) : NULL;
}

uint64_t program_header_entry(void)
{
	return ehdr ? read64(ehdr + 24) : 0;
}

void program_describe(struct platform_program *out, uint64_t entry)
{
	unsigned n;
	const struct elf64_phdr *ph = program_phdrs(&n);

	memset(out, 0, sizeof(*out));
	out->hwcap = cpuid(1, 0).edx; /* what Linux gives on x86-64 */
	if (!ph)
		return;
	out->entry = entry;
	out->phent = sizeof(*ph);
	out->phnum = n;
	/* The program headers' address as the program sees it: PT_PHDR's,
	 * else where they sit in the loaded first bytes of the file. */
	out->phdr = (uint64_t)ph;
	for (unsigned i = 0; i < n; i++)
		if (ph[i].type == PT_PHDR)
			out->phdr = ph[i].vaddr;
}
