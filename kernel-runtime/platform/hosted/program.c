/* The Go program in the image (common/program.c): its entry point
 * (rewire_program_entry: the image's own e_entry is the kernel's) and its
 * text, the range whose SYSCALLs trap (sud.c); the image's bounds. Both
 * symbols come from `rewire image`. */
#include "hosted.h"

#define PF_X 1

extern const unsigned char rewire_program_ehdr[];
extern const char rewire_program_entry[];
/* The kernel's bounds, from the platform's image layout (image.ld). */
extern const char __image_start[], __image_end[];
extern const char __kernel_text_start[], __kernel_text_end[];

static uint64_t text_start, text_end, image_low;

void hosted_program_init(void)
{
	program_init(rewire_program_ehdr);
	/* The program's text: its executable PT_LOAD below the kernel
	 * (the kernel's own text is executable too, and comes after). */
	unsigned n;
	const struct elf64_phdr *ph = program_phdrs(&n);
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

/* The image's ELF entry is the kernel's: the program's comes from the
 * layout (rewire_program_entry). */
void platform_program(struct platform_program *out)
{
	program_describe(out, (uint64_t)rewire_program_entry);
}
