/* The Go program in the image: its ELF header and program headers, loaded
 * with it (its first PT_LOAD covers the file's first bytes), found through
 * rewire_program_ehdr; its entry point (rewire_program_entry: the image's
 * own e_entry is the kernel's); and its text, the range whose SYSCALLs
 * trap (sud.c). Both symbols come from `rewire image`. */
#include "hosted.h"

#define PT_LOAD 1
#define PT_PHDR 6
#define PF_X 1

extern const unsigned char rewire_program_ehdr[];
extern const char rewire_program_entry[];
/* The kernel's bounds, from the platform's image layout (image.ld). */
extern const char __image_start[], __image_end[];
extern const char __kernel_text_start[], __kernel_text_end[];

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

static const unsigned char *ehdr;
static uint64_t text_start, text_end, image_low;

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

static const struct elf64_phdr *phdrs(unsigned *count)
{
	*count = read16(ehdr + 56);
	return (const void *)(ehdr + read64(ehdr + 32));
}

void hosted_program_init(void)
{
	const unsigned char *e = rewire_program_ehdr;

	if (e[0] != 0x7f || e[1] != 'E' || e[2] != 'L' || e[3] != 'F' ||
	    e[4] != 2 /* 64-bit */ || read16(e + 54) != sizeof(struct elf64_phdr))
		PLATFORM_PANIC("rewire_program_ehdr at %p is no ELF64 header",
			       (const void *)e);
	ehdr = e;
	/* The program's text: its executable PT_LOAD below the kernel
	 * (the kernel's own text is executable too, and comes after). */
	unsigned n;
	const struct elf64_phdr *ph = phdrs(&n);
	image_low = UINT64_MAX;
	for (unsigned i = 0; i < n; i++) {
		if (ph[i].type != PT_LOAD)
			continue;
		if (ph[i].vaddr < image_low)
			image_low = ph[i].vaddr;
		if ((ph[i].flags & PF_X) && ph[i].vaddr < (uint64_t)__image_start &&
		    !text_end) {
			text_start = ph[i].vaddr;
			text_end = ph[i].vaddr + ph[i].memsz;
		}
	}
	if (!text_end)
		PLATFORM_PANIC("the program has no executable segment below "
			       "the kernel (%p)", (const void *)__image_start);
}

void hosted_program_text(uint64_t *start, uint64_t *end)
{
	*start = text_start;
	*end = text_end;
}

int hosted_in_program_text(uint64_t addr)
{
	return addr >= text_start && addr < text_end;
}

int hosted_in_kernel_text(uint64_t addr)
{
	return addr >= (uint64_t)__kernel_text_start &&
	       addr < (uint64_t)__kernel_text_end;
}

int hosted_in_image(uint64_t addr)
{
	return addr >= image_low && addr < (uint64_t)__image_end;
}

void platform_program(struct platform_program *out)
{
	memset(out, 0, sizeof(*out));
	out->hwcap = cpuid(1, 0).edx; /* what Linux gives on x86-64 */
	unsigned n;
	const struct elf64_phdr *ph = phdrs(&n);
	out->entry = (uint64_t)rewire_program_entry;
	out->phent = sizeof(*ph);
	out->phnum = n;
	/* The program headers' address as the program sees it: PT_PHDR's,
	 * else where they sit in the loaded first bytes of the file. */
	out->phdr = (uint64_t)ph;
	for (unsigned i = 0; i < n; i++)
		if (ph[i].type == PT_PHDR)
			out->phdr = ph[i].vaddr;
}
