/* The Go program in the image: its ELF and program headers, loaded with
 * it (Go's first PT_LOAD covers the file's first bytes), found through the
 * symbol rewire_program_ehdr that `rewire image` defines. A test kernel
 * has none. */
#include "cpu.h"
#include "kvm.h"

#define PT_LOAD 1
#define PT_PHDR 6

/* Weak: 0 when the image holds no Go program. */
extern const unsigned char rewire_program_ehdr[] __attribute__((weak));
extern char __image_end[];

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

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

static const struct elf64_phdr *phdrs(unsigned *count)
{
	*count = read16(ehdr + 56);
	return (const void *)(ehdr + read64(ehdr + 32));
}

void kvm_program_init(void)
{
	const unsigned char *e = rewire_program_ehdr;
	if (!e)
		return;
	if (e[0] != 0x7f || e[1] != 'E' || e[2] != 'L' || e[3] != 'F' ||
	    e[4] != 2 /* 64-bit */ || read16(e + 54) != sizeof(struct elf64_phdr))
		PLATFORM_PANIC("rewire_program_ehdr at %p is no ELF64 header",
			       (const void *)e);
	ehdr = e;
}

uint64_t kvm_program_image_end(void)
{
	uint64_t end = (uint64_t)__image_end;
	if (!ehdr)
		return end;
	unsigned n;
	const struct elf64_phdr *ph = phdrs(&n);
	for (unsigned i = 0; i < n; i++)
		if (ph[i].type == PT_LOAD && ph[i].vaddr + ph[i].memsz > end)
			end = ph[i].vaddr + ph[i].memsz;
	return end;
}

void platform_program(struct platform_program *out)
{
	memset(out, 0, sizeof(*out));
	out->hwcap = cpuid(1, 0).edx; /* what Linux gives on x86-64 */
	out->hwcap2 = kvm_fsbase_hwcap2();
	if (!ehdr)
		return;
	unsigned n;
	const struct elf64_phdr *ph = phdrs(&n);
	out->entry = read64(ehdr + 24);
	out->phent = sizeof(*ph);
	out->phnum = n;
	/* The program headers' address as the program sees it: PT_PHDR's,
	 * else where they sit in the loaded first bytes of the file. */
	out->phdr = (uint64_t)ph;
	for (unsigned i = 0; i < n; i++)
		if (ph[i].type == PT_PHDR)
			out->phdr = ph[i].vaddr;
}

uint64_t platform_image_end(void)
{
	uint64_t end = kvm_program_image_end();
	if (kvm_boot_alloc_end() > end)
		end = kvm_boot_alloc_end();
	return (end + 4095) & ~4095ull;
}
