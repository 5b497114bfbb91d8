/* Fuzz target: the .go.buildinfo blob. The input is the section's bytes; the
 * target wraps them in a minimal x86-64 ELF, once with a section header
 * naming .go.buildinfo and once without (found by its magic in the data
 * segment), so both ways buildinfo_read finds a blob are exercised. */
#include "fuzz.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "buildinfo.h"
#include "elf_image.h"

/* The blob sits at a 16-byte aligned offset of a writable PT_LOAD whose
 * vaddr has the same alignment, as the Go linker lays it out. */
#define DATA_OFF 128
#define BASE_VADDR 0x500000
static const char shstrtab[] = "\0.go.buildinfo\0.shstrtab";

static uint8_t *make_elf(const uint8_t *data, size_t size, int with_sections,
			 size_t *out_size)
{
	size_t str_off = DATA_OFF + size;
	size_t sh_off = (str_off + sizeof(shstrtab) + 7) & ~(size_t)7;
	size_t total = sh_off + (with_sections ? 3 * sizeof(Elf64_Shdr) : 0);
	uint8_t *b = calloc(1, total);
	Elf64_Ehdr eh = { 0 };
	Elf64_Phdr ph = { 0 };

	if (!b)
		abort();
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_EXEC;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(ph);
	eh.e_phnum = 1;
	ph.p_type = PT_LOAD;
	ph.p_flags = PF_R | PF_W;
	ph.p_offset = DATA_OFF;
	ph.p_vaddr = ph.p_paddr = BASE_VADDR + DATA_OFF;
	ph.p_filesz = ph.p_memsz = size;
	ph.p_align = 16;
	memcpy(b + DATA_OFF, data, size);
	memcpy(b + str_off, shstrtab, sizeof(shstrtab));
	if (with_sections) {
		Elf64_Shdr sh[3] = { { 0 } };

		eh.e_shoff = sh_off;
		eh.e_shentsize = sizeof(sh[0]);
		eh.e_shnum = 3;
		eh.e_shstrndx = 2;
		sh[1].sh_name = 1;
		sh[1].sh_type = SHT_PROGBITS;
		sh[1].sh_flags = SHF_ALLOC | SHF_WRITE;
		sh[1].sh_addr = BASE_VADDR + DATA_OFF;
		sh[1].sh_offset = DATA_OFF;
		sh[1].sh_size = size;
		sh[1].sh_addralign = 16;
		sh[2].sh_name = 15;
		sh[2].sh_type = SHT_STRTAB;
		sh[2].sh_offset = str_off;
		sh[2].sh_size = sizeof(shstrtab);
		sh[2].sh_addralign = 1;
		memcpy(b + sh_off, sh, sizeof(sh));
	}
	memcpy(b, &eh, sizeof(eh));
	memcpy(b + sizeof(eh), &ph, sizeof(ph));
	*out_size = total;
	return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buildinfo bi = { 0 };
	struct rw_error err;
	int with_sections;

	for (with_sections = 0; with_sections <= 1; with_sections++) {
		struct elf_image img;
		size_t n;
		uint8_t *b = make_elf(data, size, with_sections, &n);

		/* The image owns b from here, also when it fails. */
		if (elf_image_from_buffer(&img, "fuzz", b, n, &err) < 0)
			continue;
		/* Every string read is NUL-terminated (a version may hold a NUL
		 * of its own: the blob's bytes are copied as they are). */
		if (buildinfo_read(&img, &bi, &err) == 0) {
			fuzz_touch_string(bi.go_version);
			fuzz_touch_string(bi.main_package);
			fuzz_touch_string(bi.module_path);
			buildinfo_free(&bi);
		}
		elf_image_close(&img);
	}
	/* The module text on its own, sentinels or not. */
	if (buildinfo_parse_modinfo(&bi, (const char *)data, size) == 0) {
		fuzz_touch_string(bi.main_package);
		fuzz_touch_string(bi.module_path);
		buildinfo_free(&bi);
	}
	return 0;
}
