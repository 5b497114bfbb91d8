/* The Go program in the image (common/program.c), where the kvm platform
 * starts it (its own ELF entry) and where it ends in memory. A test kernel
 * has none. */
#include "cpu.h"
#include "kvm.h"

/* Weak: 0 when the image holds no Go program. */
extern const unsigned char rewire_program_ehdr[] __attribute__((weak));
extern char __image_end[];

void kvm_program_init(void)
{
	program_init(rewire_program_ehdr);
}

uint64_t kvm_program_image_end(void)
{
	uint64_t end = (uint64_t)__image_end;
	unsigned n;
	const struct elf64_phdr *ph = program_phdrs(&n);

	for (unsigned i = 0; i < n; i++)
		if (ph[i].type == PT_LOAD && ph[i].vaddr + ph[i].memsz > end)
			end = ph[i].vaddr + ph[i].memsz;
	return end;
}

void platform_program(struct platform_program *out)
{
	program_describe(out, program_header_entry());
	out->hwcap2 = kvm_fsbase_hwcap2();
}

uint64_t platform_image_end(void)
{
	uint64_t end = kvm_program_image_end();
	if (kvm_boot_alloc_end() > end)
		end = kvm_boot_alloc_end();
	return (end + 4095) & ~4095ull;
}
